//! AArch64 registers as regalloc2 sees them: physical registers, their encoder types, and the
//! allocatable lists.
//!
//! Reserved: `x28` holds vmctx and `x27` the base of linear memory 0 (both pinned while
//! compiled code runs; `abi` says when `x27` is reloaded), `x29`/`x30` are the frame
//! pointer and link register, `x18` is the platform register (left alone), `x16`/`x17` and
//! `v31` are scratch (regalloc2 uses `x16`/`v31` for move cycles; instruction sequences use all
//! three between allocator moves). `sp` is named by integer register number 31, which is never
//! allocatable. Every other register is allocatable, and a call clobbers all of them (the
//! wasm ABI of `abi.rs`: no callee-saved registers inside compiled code; a call's register
//! results are its defs, not clobbers).
//!
//! The register values of a wasm-to-wasm call ([`CALL_REGS`], `abi::value_homes`) travel in
//! `x0`..`x2` / `v0`..`v2` (parameters) and `x0` / `v0` (results), where AAPCS64 passes
//! them. None of them is reserved or used by a fixed sequence while they carry values: the
//! inline `call_indirect` writes only `x16` and `x9`..`x11` before its call, the entry
//! trampoline keeps its own values in `x3`, `x4`, `x8`, `x9`, `x16` and `x17` while it loads
//! them, and only a libcall (which carries no register value) sets `x0`..`x3`. They are
//! fixed-constraint registers, which `--regs` keeps (`must_keep`), so `--regs` takes at
//! least 3. This file never chooses or encodes instructions.

use crate::aarch64::regs::{Gpr, GprSp, VReg};
use crate::machinst::CallRegs;
use crate::reg::Reg;
use crate::regalloc::RegisterLists;
use regalloc2::{PReg, PRegSet, RegClass};

pub const VMCTX: u8 = 28;
/// The pinned heap base: vmctx `MEM_BASE`, loaded by the entry trampoline and reloaded
/// after every libcall.
pub const HEAP_BASE: u8 = 27;
pub const FP: u8 = 29;
pub const LR: u8 = 30;
/// Integer register number 31 stands for `sp` in VCode (never allocatable).
pub const SP: u8 = 31;
pub const X16: u8 = 16;
pub const X17: u8 = 17;
pub const V31: u8 = 31;

pub fn gpr(n: u8) -> PReg {
    PReg::new(n as usize, RegClass::Int)
}

pub fn fpr(n: u8) -> PReg {
    PReg::new(n as usize, RegClass::Float)
}

pub fn sp() -> Reg {
    Reg::phys(gpr(SP))
}

pub fn fp() -> Reg {
    Reg::phys(gpr(FP))
}

/// The pinned heap base register (`x27`).
pub fn heap_base() -> Reg {
    Reg::phys(gpr(HEAP_BASE))
}

/// The registers of the wasm-to-wasm convention's register values (see the module docs).
pub const CALL_REGS: CallRegs = CallRegs {
    int_params: [PReg::new(0, RegClass::Int), PReg::new(1, RegClass::Int), PReg::new(2, RegClass::Int)],
    float_params: [PReg::new(0, RegClass::Float), PReg::new(1, RegClass::Float), PReg::new(2, RegClass::Float)],
    int_result: PReg::new(0, RegClass::Int),
    float_result: PReg::new(0, RegClass::Float),
};

/// The allocatable registers in preference order (caller-saved first), and the scratch ones.
pub fn register_lists() -> RegisterLists {
    let int = (0..16u8).chain(19..HEAP_BASE).map(gpr).collect();
    let float = (0..31u8).map(fpr).collect();
    RegisterLists {
        int,
        float,
        int_scratch: gpr(X16),
        float_scratch: fpr(V31),
        // The convention's registers: every fixed constraint names one of them.
        must_keep: CALL_REGS.int_params.iter().chain(&CALL_REGS.float_params).copied().collect(),
        // No callee-saved registers inside compiled code: every one is clobbered by a call.
        non_preferred: Vec::new(),
    }
}

/// Every allocatable register: what a call clobbers.
pub fn all_allocatable() -> PRegSet {
    let l = register_lists();
    let mut s = PRegSet::empty();
    for p in l.int.iter().chain(l.float.iter()) {
        s.add(*p);
    }
    s
}

fn preg(r: Reg) -> PReg {
    r.to_preg().expect("register allocated")
}

/// An allocated integer register in a field where 31 is the zero register.
pub fn x(r: Reg) -> Gpr {
    let n = preg(r).hw_enc() as u8;
    debug_assert!(n != SP, "sp used where the zero register would be encoded");
    Gpr::new(n)
}

/// An allocated integer register (or `sp`) in a field where 31 is the stack pointer.
pub fn xs(r: Reg) -> GprSp {
    GprSp::new(preg(r).hw_enc() as u8)
}

/// An allocated FP register.
pub fn v(r: Reg) -> VReg {
    VReg::new(preg(r).hw_enc() as u8)
}

/// The assembler name of a physical register (64-bit / `d` view).
pub fn preg_name(p: PReg) -> String {
    match (p.class(), p.hw_enc()) {
        (RegClass::Int, 31) => "sp".to_string(),
        (RegClass::Int, n) => format!("x{n}"),
        (_, n) => format!("d{n}"),
    }
}
