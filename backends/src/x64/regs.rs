//! x86-64 registers: regalloc2 physical registers, their iced-x86 names, and the
//! allocatable lists. `r15` is pinned to vmctx, `r14` to the base of linear memory 0
//! (reloaded from vmctx after every libcall, the only way memory can move), and
//! `r11` / `xmm15` are scratch (used by
//! regalloc2 for move cycles and by single instructions' expansions); `rsp` and `rbp` are
//! the stack and frame pointers. Nothing else is reserved.

use crate::reg::Reg;
use crate::regalloc::RegisterLists;
use iced_x86::Register;
use regalloc2::{PReg, RegClass};

pub const RAX: u8 = 0;
pub const RCX: u8 = 1;
pub const RDX: u8 = 2;
pub const RBX: u8 = 3;
pub const RSP: u8 = 4;
pub const RBP: u8 = 5;
pub const RSI: u8 = 6;
pub const RDI: u8 = 7;
pub const R11: u8 = 11;
pub const R14: u8 = 14;
pub const R15: u8 = 15;

pub fn gpr(enc: u8) -> PReg {
    PReg::new(enc as usize, RegClass::Int)
}

pub fn xmm(enc: u8) -> PReg {
    PReg::new(enc as usize, RegClass::Float)
}

pub fn rsp() -> Reg {
    Reg::phys(gpr(RSP))
}

/// The pinned heap base register.
pub fn heap_base() -> Reg {
    Reg::phys(gpr(R14))
}

pub fn rbp() -> Reg {
    Reg::phys(gpr(RBP))
}

/// The allocatable registers in preference order, and the scratch registers.
pub fn register_lists() -> RegisterLists {
    let int = [RAX, RCX, RDX, RSI, RDI, 8, 9, 10, RBX, 12, 13].iter().map(|e| gpr(*e)).collect();
    let float = (0..15).map(xmm).collect();
    RegisterLists {
        int,
        float,
        int_scratch: gpr(R11),
        float_scratch: xmm(15),
        // rax, rcx, rdx: fixed operands of division, shifts and call_indirect; then every
        // register of the call convention (rdi and xmm0..2 among them).
        must_keep: [gpr(RAX), gpr(RCX), gpr(RDX)]
            .into_iter()
            .chain(CALL_REGS.int_params)
            .chain(CALL_REGS.float_params)
            .fold(Vec::new(), |mut keep, p| {
                if !keep.contains(&p) {
                    keep.push(p);
                }
                keep
            }),
        non_preferred: CALLEE_SAVED.iter().map(|e| gpr(*e)).collect(),
    }
}

/// The registers of the wasm-to-wasm convention's register values (`abi::value_homes`):
/// integer parameters, float parameters (xmm), the integer and the float result. All are
/// fixed-constraint registers, kept by `--regs` (`must_keep`).
pub const PARAM_GPRS: [u8; crate::abi::INT_PARAM_REGS] = [RDI, RDX, RCX];
pub const PARAM_XMMS: [u8; crate::abi::FLOAT_PARAM_REGS] = [0, 1, 2];
pub const RESULT_GPR: u8 = RAX;
pub const RESULT_XMM: u8 = 0;

/// The same registers as the shared convention's machinery sees them.
pub const CALL_REGS: crate::machinst::CallRegs = crate::machinst::CallRegs {
    int_params: [
        PReg::new(PARAM_GPRS[0] as usize, RegClass::Int),
        PReg::new(PARAM_GPRS[1] as usize, RegClass::Int),
        PReg::new(PARAM_GPRS[2] as usize, RegClass::Int),
    ],
    float_params: [
        PReg::new(PARAM_XMMS[0] as usize, RegClass::Float),
        PReg::new(PARAM_XMMS[1] as usize, RegClass::Float),
        PReg::new(PARAM_XMMS[2] as usize, RegClass::Float),
    ],
    int_result: PReg::new(RESULT_GPR as usize, RegClass::Int),
    float_result: PReg::new(RESULT_XMM as usize, RegClass::Float),
};

/// Registers a called function preserves (saving them if it uses them). Rust libcalls
/// preserve them too (System V), so calls of every kind keep them.
pub const CALLEE_SAVED: [u8; 3] = [RBX, 12, 13];

/// What a call clobbers: every allocatable register except the callee-saved ones.
pub fn call_clobbers() -> regalloc2::PRegSet {
    let l = register_lists();
    let mut s = regalloc2::PRegSet::empty();
    for p in l.int.iter().chain(l.float.iter()) {
        if !(p.class() == RegClass::Int && CALLEE_SAVED.contains(&(p.hw_enc() as u8))) {
            s.add(*p);
        }
    }
    s
}

const GPR64: [Register; 16] = [
    Register::RAX,
    Register::RCX,
    Register::RDX,
    Register::RBX,
    Register::RSP,
    Register::RBP,
    Register::RSI,
    Register::RDI,
    Register::R8,
    Register::R9,
    Register::R10,
    Register::R11,
    Register::R12,
    Register::R13,
    Register::R14,
    Register::R15,
];
const GPR32: [Register; 16] = [
    Register::EAX,
    Register::ECX,
    Register::EDX,
    Register::EBX,
    Register::ESP,
    Register::EBP,
    Register::ESI,
    Register::EDI,
    Register::R8D,
    Register::R9D,
    Register::R10D,
    Register::R11D,
    Register::R12D,
    Register::R13D,
    Register::R14D,
    Register::R15D,
];
const GPR16: [Register; 16] = [
    Register::AX,
    Register::CX,
    Register::DX,
    Register::BX,
    Register::SP,
    Register::BP,
    Register::SI,
    Register::DI,
    Register::R8W,
    Register::R9W,
    Register::R10W,
    Register::R11W,
    Register::R12W,
    Register::R13W,
    Register::R14W,
    Register::R15W,
];
const GPR8: [Register; 16] = [
    Register::AL,
    Register::CL,
    Register::DL,
    Register::BL,
    Register::SPL,
    Register::BPL,
    Register::SIL,
    Register::DIL,
    Register::R8L,
    Register::R9L,
    Register::R10L,
    Register::R11L,
    Register::R12L,
    Register::R13L,
    Register::R14L,
    Register::R15L,
];
const XMM: [Register; 16] = [
    Register::XMM0,
    Register::XMM1,
    Register::XMM2,
    Register::XMM3,
    Register::XMM4,
    Register::XMM5,
    Register::XMM6,
    Register::XMM7,
    Register::XMM8,
    Register::XMM9,
    Register::XMM10,
    Register::XMM11,
    Register::XMM12,
    Register::XMM13,
    Register::XMM14,
    Register::XMM15,
];

fn enc(r: Reg) -> usize {
    r.to_preg().expect("allocated register").hw_enc()
}

pub fn r64(r: Reg) -> Register {
    GPR64[enc(r)]
}
pub fn r32(r: Reg) -> Register {
    GPR32[enc(r)]
}
pub fn r16(r: Reg) -> Register {
    GPR16[enc(r)]
}
pub fn r8(r: Reg) -> Register {
    GPR8[enc(r)]
}
pub fn rx(r: Reg) -> Register {
    XMM[enc(r)]
}
pub fn gpr64_enc(e: u8) -> Register {
    GPR64[e as usize]
}
pub fn gpr32_enc(e: u8) -> Register {
    GPR32[e as usize]
}
pub fn xmm_enc(e: u8) -> Register {
    XMM[e as usize]
}

/// Name for printing (`rax`, `xmm3`).
pub fn preg_name(p: PReg) -> String {
    match p.class() {
        RegClass::Int => format!("{:?}", GPR64[p.hw_enc()]).to_lowercase(),
        _ => format!("{:?}", XMM[p.hw_enc()]).to_lowercase(),
    }
}
