//! The entry trampoline: how a host calls compiled AArch64 wasm code, and where a trap returns.
//!
//! `entry(vmctx, func, values, count, slots) -> u64` (AAPCS64: x0..x4, result in x0) saves
//! the host's callee-saved registers (x19..x28, d8..d15, and the frame record), pins vmctx
//! in x28 and the heap base (vmctx `MEM_BASE`) in x27, copies `count` value slots onto its
//! stack as the callee's value area, loads the register parameters from the slots `slots`
//! (an `abi::RegisterSlots` for `func`'s signature) names, calls `func`, copies the slots
//! back, stores the register results into the slots `slots` names and returns 0. The
//! registers are `pregs::CALL_REGS`: `func` moves to x17 first, since x1 carries a
//! parameter. The *unwind* routine (vmctx `UNWIND`) is where trap
//! stubs branch: it restores the trampoline's stack from vmctx `TRAP_SP` and returns 1 from
//! `entry`. Every word comes from an `enc/` encoder. This file never runs code; the runtime
//! maps it (under Unicorn) and enters it.

use crate::aarch64::emit::{CondBr, Emitter};
use crate::aarch64::enc::arith;
use crate::aarch64::enc::loadstore::{self, FpMemOp, IndexExtend, MemOp};
use crate::aarch64::enc::logical::{self, LogicalImm};
use crate::aarch64::enc::pair::{self, PairMode};
use crate::aarch64::enc::{branch, shift, EncForm};
use crate::aarch64::pregs::CALL_REGS;
use crate::aarch64::regs::{Cond, Extend, FpSize, Gpr, GprSp, Shift, Size, VReg};
use crate::abi::{vmctx, FLOAT_PARAM_REGS, INT_PARAM_REGS};
use regalloc2::{PReg, RegClass};
use std::collections::BTreeSet;

/// Trampoline code, the offset of its unwind routine, and the encoder forms it uses.
pub struct Trampoline {
    pub code: Vec<u8>,
    pub unwind_offset: u32,
    pub forms: BTreeSet<EncForm>,
}

/// Where the trampoline keeps its `values`/`count` arguments (x2, x3): below the frame
/// pointer by this many bytes.
const SAVED_AREA: i32 = 160;
/// Where it keeps its `slots` argument (x4).
const SAVED_SLOTS: i32 = 176;
/// Bytes between the frame pointer and the trap stack pointer (the saved registers).
const SAVED: i32 = SAVED_SLOTS;

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

/// Loads (`load`) or stores `reg` at `area` plus the byte offset in entry `k` of the
/// `abi::RegisterSlots` at x4, unless that offset is negative (no value). Uses x16.
fn slot_transfer(e: &mut Emitter, k: usize, reg: PReg, area: GprSp, load: bool) {
    let off = g(16);
    e.ldst(MemOp::LdrX, off, GprSp::new(4), 8 * k as i64);
    let skip = e.label();
    e.cond_br(CondBr::Bit { nz: true, bit: 63, rt: off }, skip);
    let n = reg.hw_enc() as u8;
    match (reg.class(), load) {
        (RegClass::Int, true) => {
            e.put(EncForm::LdStReg, loadstore::ldst_reg(MemOp::LdrX, g(n), area, off, IndexExtend::Lsl, false))
        }
        (RegClass::Int, false) => {
            e.put(EncForm::LdStReg, loadstore::ldst_reg(MemOp::StrX, g(n), area, off, IndexExtend::Lsl, false))
        }
        (_, true) => {
            let op = FpMemOp::LdrD;
            e.put(EncForm::FpLdStReg, loadstore::fp_ldst_reg(op, VReg::new(n), area, off, IndexExtend::Lsl, false))
        }
        (_, false) => {
            let op = FpMemOp::StrD;
            e.put(EncForm::FpLdStReg, loadstore::fp_ldst_reg(op, VReg::new(n), area, off, IndexExtend::Lsl, false))
        }
    }
    e.bind(skip);
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
    push(&mut e, g(4), Gpr::ZR);
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
    // Register parameters: each register whose slot offset is not negative.
    e.mov_rr(Size::X, g(17), g(1));
    let params = CALL_REGS.slot_regs().take(INT_PARAM_REGS + FLOAT_PARAM_REGS);
    for (k, reg) in params.enumerate() {
        slot_transfer(&mut e, k, reg, sp, true);
    }
    e.put(EncForm::Blr, branch::blr(g(17)));
    let area = -SAVED_AREA;
    e.put(EncForm::LdStPair, pair::ldst_pair(true, Size::X, PairMode::Offset, g(2), g(3), GprSp::new(29), area));
    copy_loop(&mut e, sp, GprSp::new(2));
    // Register results, over their (unused) slots.
    e.ldst(MemOp::LdrX, g(4), GprSp::new(29), -SAVED_SLOTS as i64);
    let results = CALL_REGS.slot_regs().enumerate().skip(INT_PARAM_REGS + FLOAT_PARAM_REGS);
    for (k, reg) in results {
        slot_transfer(&mut e, k, reg, GprSp::new(2), false);
    }
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
