//! The entry trampoline: how Rust calls compiled wasm code, and where a trap returns to.
//!
//! `entry(vmctx, func, values, count, slots) -> u64` (System V) saves Rust's callee-saved
//! registers, pins vmctx in r15 and the heap base in r14, copies `count` value slots onto
//! its stack as the callee's value area, loads the register parameters from the slots
//! `slots` (an `abi::RegisterSlots` for `func`'s signature) names, calls `func`, copies the
//! slots back, stores the register results into the slots `slots` names and returns 0.
//! The *unwind* routine (vmctx `UNWIND`) is where trap stubs jump: it restores the
//! trampoline's stack from vmctx `TRAP_SP` and returns 1 from `entry`. This file never
//! runs code; the runtime maps and calls it.

use crate::abi::{vmctx, FLOAT_PARAM_REGS, INT_PARAM_REGS};
use crate::x64::asm::Asm;
use crate::x64::regs;
use iced_x86::{Code, Instruction, MemoryOperand, Register};

/// Trampoline code and the offset of its unwind routine.
pub struct Trampoline {
    pub code: Vec<u8>,
    pub unwind_offset: u32,
}

fn m(base: Register, index: Register, scale: u32, disp: i64) -> MemoryOperand {
    MemoryOperand::with_base_index_scale_displ_size(base, index, scale, disp, if disp == 0 { 0 } else { 1 })
}

pub fn entry_trampoline() -> Trampoline {
    use Register::*;
    let mut a = Asm::new();
    let i1 = |c: Code, r: Register| Instruction::with1(c, r).unwrap();
    a.inst(i1(Code::Push_r64, RBP));
    a.inst(Instruction::with2(Code::Mov_r64_rm64, RBP, RSP).unwrap());
    // r8 (the slots) at rbp - 64; r9 only keeps the stack 16-byte aligned.
    for r in [RBX, R12, R13, R14, R15, RDX, RCX, R8, R9] {
        a.inst(i1(Code::Push_r64, r));
    }
    a.inst(Instruction::with2(Code::Mov_r64_rm64, R15, RDI).unwrap());
    let trap_sp = m(R15, Register::None, 1, vmctx::offset(vmctx::TRAP_SP) as i64);
    // Keep the outer entry's trap frame (an entry nested through a libcall on the same
    // vmctx); restored on the way out, whether returning or unwinding.
    a.inst(Instruction::with1(Code::Push_rm64, trap_sp).unwrap());
    let mem_base = m(R15, Register::None, 1, vmctx::offset(vmctx::MEM_BASE) as i64);
    a.inst(Instruction::with2(Code::Mov_r64_rm64, R14, mem_base).unwrap());
    a.inst(Instruction::with2(Code::Mov_rm64_r64, trap_sp, RSP).unwrap());
    // Value area: count slots, 16-byte aligned.
    a.inst(Instruction::with2(Code::Lea_r64_m, RAX, m(Register::None, RCX, 8, 15)).unwrap());
    a.inst(Instruction::with2(Code::And_rm64_imm8, RAX, -16).unwrap());
    a.inst(Instruction::with2(Code::Sub_r64_rm64, RSP, RAX).unwrap());
    // Copy in.
    let lin = a.label();
    let din = a.label();
    a.inst(Instruction::with2(Code::Xor_r32_rm32, R8D, R8D).unwrap());
    a.bind(lin);
    a.inst(Instruction::with2(Code::Cmp_r64_rm64, R8, RCX).unwrap());
    a.jcc(3, din); // jae
    a.inst(Instruction::with2(Code::Mov_r64_rm64, R11, m(RDX, R8, 8, 0)).unwrap());
    a.inst(Instruction::with2(Code::Mov_rm64_r64, m(RSP, R8, 8, 0), R11).unwrap());
    a.inst(Instruction::with2(Code::Add_rm64_imm8, R8, 1).unwrap());
    a.jmp(lin);
    a.bind(din);
    // Register parameters: each register whose slot offset is not negative.
    let slot = |k: usize| m(R9, Register::None, 1, 8 * k as i64);
    a.inst(Instruction::with2(Code::Mov_r64_rm64, R9, m(RBP, Register::None, 1, -64)).unwrap());
    let params =
        regs::PARAM_GPRS.iter().map(|e| regs::gpr64_enc(*e)).chain(regs::PARAM_XMMS.iter().map(|e| regs::xmm_enc(*e)));
    for (k, reg) in params.enumerate() {
        let skip = a.label();
        a.inst(Instruction::with2(Code::Mov_r64_rm64, R11, slot(k)).unwrap());
        a.inst(Instruction::with2(Code::Test_rm64_r64, R11, R11).unwrap());
        a.jcc(8, skip); // js
        let code = if k < INT_PARAM_REGS { Code::Mov_r64_rm64 } else { Code::Movq_xmm_rm64 };
        a.inst(Instruction::with2(code, reg, m(RSP, R11, 1, 0)).unwrap());
        a.bind(skip);
    }
    a.inst(i1(Code::Call_rm64, RSI));
    // Copy out.
    a.inst(Instruction::with2(Code::Mov_r64_rm64, RDX, m(RBP, Register::None, 1, -48)).unwrap());
    a.inst(Instruction::with2(Code::Mov_r64_rm64, RCX, m(RBP, Register::None, 1, -56)).unwrap());
    let lout = a.label();
    let dout = a.label();
    a.inst(Instruction::with2(Code::Xor_r32_rm32, R8D, R8D).unwrap());
    a.bind(lout);
    a.inst(Instruction::with2(Code::Cmp_r64_rm64, R8, RCX).unwrap());
    a.jcc(3, dout);
    a.inst(Instruction::with2(Code::Mov_r64_rm64, R11, m(RSP, R8, 8, 0)).unwrap());
    a.inst(Instruction::with2(Code::Mov_rm64_r64, m(RDX, R8, 8, 0), R11).unwrap());
    a.inst(Instruction::with2(Code::Add_rm64_imm8, R8, 1).unwrap());
    a.jmp(lout);
    a.bind(dout);
    // Register results, over their (unused) slots.
    a.inst(Instruction::with2(Code::Mov_r64_rm64, R9, m(RBP, Register::None, 1, -64)).unwrap());
    let results = [
        (regs::gpr64_enc(regs::RESULT_GPR), Code::Mov_rm64_r64),
        (regs::xmm_enc(regs::RESULT_XMM), Code::Movq_rm64_xmm),
    ];
    for (j, (reg, code)) in results.into_iter().enumerate() {
        let skip = a.label();
        a.inst(Instruction::with2(Code::Mov_r64_rm64, R11, slot(INT_PARAM_REGS + FLOAT_PARAM_REGS + j)).unwrap());
        a.inst(Instruction::with2(Code::Test_rm64_r64, R11, R11).unwrap());
        a.jcc(8, skip); // js
        a.inst(Instruction::with2(code, m(RDX, R11, 1, 0), reg).unwrap());
        a.bind(skip);
    }
    a.inst(Instruction::with2(Code::Xor_r32_rm32, EAX, EAX).unwrap());
    let exit = a.label();
    a.bind(exit);
    a.inst(Instruction::with2(Code::Mov_r64_rm64, R11, m(RBP, Register::None, 1, -80)).unwrap());
    a.inst(Instruction::with2(Code::Mov_rm64_r64, trap_sp, R11).unwrap());
    a.inst(Instruction::with2(Code::Lea_r64_m, RSP, m(RBP, Register::None, 1, -40)).unwrap());
    for r in [R15, R14, R13, R12, RBX, RBP] {
        a.inst(i1(Code::Pop_r64, r));
    }
    a.inst(Instruction::with(Code::Retnq));
    // Unwind: r15 is vmctx (pinned in all compiled code).
    let unwind = a.label();
    a.bind(unwind);
    let unwind_pos = a.pos();
    a.inst(Instruction::with2(Code::Mov_r64_rm64, RSP, trap_sp).unwrap());
    a.inst(Instruction::with2(Code::Lea_r64_m, RBP, m(RSP, Register::None, 1, 80)).unwrap());
    a.inst(Instruction::with2(Code::Mov_r32_imm32, EAX, 1u32).unwrap());
    a.jmp(exit);
    let (code, offsets, _, _) = a.finish();
    Trampoline { code, unwind_offset: offsets[unwind_pos] }
}
