//! The entry trampoline: how a host calls compiled AArch64 wasm code, and where a trap returns.
//!
//! `entry(vmctx, func, values, count) -> u64` (AAPCS64: x0..x3, result in x0) saves the
//! host's callee-saved registers (x19..x28, d8..d15, and the frame record), pins vmctx in
//! x28 and the heap base (vmctx `MEM_BASE`) in x27, copies `count` value slots onto its stack as the callee's value area, calls `func`,
//! copies the slots back and returns 0. The *unwind* routine (vmctx `UNWIND`) is where trap
//! stubs branch: it restores the trampoline's stack from vmctx `TRAP_SP` and returns 1 from
//! `entry`. Every word comes from an `enc/` encoder. This file never runs code; the runtime
//! maps it (under Unicorn) and enters it.

use crate::aarch64::emit::{CondBr, Emitter};
use crate::aarch64::enc::arith;
use crate::aarch64::enc::loadstore::{self, IndexExtend, MemOp};
use crate::aarch64::enc::logical::{self, LogicalImm};
use crate::aarch64::enc::pair::{self, PairMode};
use crate::aarch64::enc::{branch, shift, EncForm};
use crate::aarch64::regs::{Cond, Extend, FpSize, Gpr, GprSp, Shift, Size, VReg};
use crate::abi::vmctx;
use std::collections::BTreeSet;

/// Trampoline code, the offset of its unwind routine, and the encoder forms it uses.
pub struct Trampoline {
    pub code: Vec<u8>,
    pub unwind_offset: u32,
    pub forms: BTreeSet<EncForm>,
}

/// Bytes between the frame pointer and the trap stack pointer (the saved registers).
const SAVED: i32 = 160;

fn g(n: u8) -> Gpr {
    Gpr::new(n)
}

fn copy_loop(e: &mut Emitter, from: GprSp, to: GprSp) {
    // for x8 in 0..x3: to[x8] = from[x8]
    e.mov_imm(Size::X, g(8), 0);
    let top = e.label();
    let done = e.label();
    e.bind(top);
    e.put(EncForm::SubsShifted, arith::subs_shifted(Size::X, Gpr::ZR, g(8), g(3), Shift::Lsl, 0));
    e.cond_br(CondBr::Flags(Cond::Hs), done);
    e.put(EncForm::LdStReg, loadstore::ldst_reg(MemOp::LdrX, g(9), from, g(8), IndexExtend::Lsl, true));
    e.put(EncForm::LdStReg, loadstore::ldst_reg(MemOp::StrX, g(9), to, g(8), IndexExtend::Lsl, true));
    e.put(EncForm::AddImm, arith::add_imm(Size::X, GprSp::new(8), GprSp::new(8), 1, false));
    e.b(top);
    e.bind(done);
}

pub fn entry_trampoline() -> Trampoline {
    let mut e = Emitter::standalone();
    let sp = GprSp::SP;
    let push = |e: &mut Emitter, a: Gpr, b: Gpr| {
        e.put(EncForm::LdStPair, pair::ldst_pair(false, Size::X, PairMode::PreIndex, a, b, sp, -16))
    };
    push(&mut e, Gpr::FP, Gpr::LR);
    e.put(EncForm::AddImm, arith::add_imm(Size::X, GprSp::new(29), sp, 0, false));
    for n in [19u8, 21, 23, 25, 27] {
        push(&mut e, g(n), g(n + 1));
    }
    for n in [8u8, 10, 12, 14] {
        let (a, b) = (VReg::new(n), VReg::new(n + 1));
        e.put(EncForm::FpLdStPair, pair::fp_ldst_pair(false, FpSize::D, PairMode::PreIndex, a, b, sp, -16));
    }
    push(&mut e, g(2), g(3));
    e.mov_rr(Size::X, g(28), g(0));
    e.load_vmctx(g(27), vmctx::MEM_BASE);
    e.put(EncForm::AddImm, arith::add_imm(Size::X, GprSp::new(16), sp, 0, false));
    e.store_vmctx(g(16), vmctx::TRAP_SP);
    // Value area: count slots, 16-byte aligned.
    e.put(EncForm::LslImm, shift::lsl_imm(Size::X, g(17), g(3), 3));
    e.put(EncForm::AddImm, arith::add_imm(Size::X, GprSp::new(17), GprSp::new(17), 15, false));
    let mask = LogicalImm::new(!15u64, Size::X).expect("bitmask");
    e.put(EncForm::AndImm, logical::and_imm(Size::X, GprSp::new(17), g(17), mask));
    e.put(EncForm::SubExt, arith::sub_ext(Size::X, sp, sp, g(17), Extend::Uxtx, 0));
    copy_loop(&mut e, GprSp::new(2), sp);
    e.put(EncForm::Blr, branch::blr(g(1)));
    e.put(EncForm::LdStPair, pair::ldst_pair(true, Size::X, PairMode::Offset, g(2), g(3), GprSp::new(29), -SAVED));
    copy_loop(&mut e, sp, GprSp::new(2));
    e.mov_imm(Size::X, g(0), 0);
    let exit = e.label();
    e.bind(exit);
    for (k, n) in [14u8, 12, 10, 8].iter().enumerate() {
        let (a, b) = (VReg::new(*n), VReg::new(n + 1));
        let off = -144 + 16 * k as i32;
        e.put(EncForm::FpLdStPair, pair::fp_ldst_pair(true, FpSize::D, PairMode::Offset, a, b, GprSp::new(29), off));
    }
    for (k, n) in [27u8, 25, 23, 21, 19].iter().enumerate() {
        let off = -80 + 16 * k as i32;
        e.put(
            EncForm::LdStPair,
            pair::ldst_pair(true, Size::X, PairMode::Offset, g(*n), g(n + 1), GprSp::new(29), off),
        );
    }
    e.put(EncForm::AddImm, arith::add_imm(Size::X, sp, GprSp::new(29), 0, false));
    e.put(EncForm::LdStPair, pair::ldst_pair(true, Size::X, PairMode::PostIndex, Gpr::FP, Gpr::LR, sp, 16));
    e.put(EncForm::Ret, branch::ret(Gpr::LR));
    // Unwind: x28 is vmctx (pinned in all compiled code).
    let unwind_pos = e.pos();
    e.load_vmctx(g(16), vmctx::TRAP_SP);
    e.put(EncForm::AddImm, arith::add_imm(Size::X, sp, GprSp::new(16), 0, false));
    e.put(EncForm::AddImm, arith::add_imm(Size::X, GprSp::new(29), sp, SAVED as u32, false));
    e.mov_imm(Size::X, g(0), 1);
    e.b(exit);
    let forms = e.forms().clone();
    let code = match e.finish() {
        Ok(c) => c,
        Err(_) => unreachable!("the trampoline's branches are short"),
    };
    let forms = forms.union(e.forms()).copied().collect();
    Trampoline { code, unwind_offset: unwind_pos * 4, forms }
}
