//! Single-register loads and stores: unsigned scaled 12-bit offset, unscaled signed 9-bit offset
//! (`ldur`/`stur`), pre- and post-index with write-back, register offset with an optional extend
//! and scale, and PC-relative literal
//! loads, for general registers ([`MemOp`]) and scalar FP registers ([`FpMemOp`]).
//!
//! Offsets are in bytes; the encoders check alignment and range but never pick the form: a
//! caller that has an offset chooses `ldst_uimm` when it is aligned and in range, else
//! `ldst_unscaled`, else a register offset.

use super::{branch_field, sfield, ufield};
use crate::aarch64::regs::{Gpr, GprSp, VReg};

/// A general-register load or store: which access size, direction and extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MemOp {
    /// Store the low byte.
    Strb,
    /// Store the low halfword.
    Strh,
    /// Store a word (`w` register).
    StrW,
    /// Store a doubleword (`x` register).
    StrX,
    /// Load a byte, zero-extended.
    Ldrb,
    /// Load a halfword, zero-extended.
    Ldrh,
    /// Load a word into a `w` register (zero-extends to 64 bits).
    LdrW,
    /// Load a doubleword.
    LdrX,
    /// Load a byte, sign-extended to 32 bits.
    Ldrsb32,
    /// Load a byte, sign-extended to 64 bits.
    Ldrsb64,
    /// Load a halfword, sign-extended to 32 bits.
    Ldrsh32,
    /// Load a halfword, sign-extended to 64 bits.
    Ldrsh64,
    /// Load a word, sign-extended to 64 bits.
    Ldrsw,
}

impl MemOp {
    /// Every operation.
    pub const ALL: [MemOp; 13] = [
        MemOp::Strb,
        MemOp::Strh,
        MemOp::StrW,
        MemOp::StrX,
        MemOp::Ldrb,
        MemOp::Ldrh,
        MemOp::LdrW,
        MemOp::LdrX,
        MemOp::Ldrsb32,
        MemOp::Ldrsb64,
        MemOp::Ldrsh32,
        MemOp::Ldrsh64,
        MemOp::Ldrsw,
    ];

    /// The `(size, opc)` fields; `size` is also log2 of the access width in bytes.
    fn fields(self) -> (u32, u32) {
        match self {
            MemOp::Strb => (0b00, 0b00),
            MemOp::Ldrb => (0b00, 0b01),
            MemOp::Ldrsb64 => (0b00, 0b10),
            MemOp::Ldrsb32 => (0b00, 0b11),
            MemOp::Strh => (0b01, 0b00),
            MemOp::Ldrh => (0b01, 0b01),
            MemOp::Ldrsh64 => (0b01, 0b10),
            MemOp::Ldrsh32 => (0b01, 0b11),
            MemOp::StrW => (0b10, 0b00),
            MemOp::LdrW => (0b10, 0b01),
            MemOp::Ldrsw => (0b10, 0b10),
            MemOp::StrX => (0b11, 0b00),
            MemOp::LdrX => (0b11, 0b01),
        }
    }

    /// log2 of the access width in bytes.
    pub fn log2_bytes(self) -> u32 {
        self.fields().0
    }
}

/// A scalar FP load or store.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FpMemOp {
    /// Store an `s` register.
    StrS,
    /// Store a `d` register.
    StrD,
    /// Load an `s` register.
    LdrS,
    /// Load a `d` register.
    LdrD,
}

impl FpMemOp {
    /// Every operation.
    pub const ALL: [FpMemOp; 4] = [FpMemOp::StrS, FpMemOp::StrD, FpMemOp::LdrS, FpMemOp::LdrD];

    /// The `(size, opc)` fields.
    fn fields(self) -> (u32, u32) {
        match self {
            FpMemOp::StrS => (0b10, 0b00),
            FpMemOp::LdrS => (0b10, 0b01),
            FpMemOp::StrD => (0b11, 0b00),
            FpMemOp::LdrD => (0b11, 0b01),
        }
    }

    /// log2 of the access width in bytes.
    pub fn log2_bytes(self) -> u32 {
        self.fields().0
    }
}

/// The index register's extension in a register-offset address.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum IndexExtend {
    /// `xm` used as is (`lsl`).
    Lsl,
    /// `wm` zero-extended.
    Uxtw,
    /// `wm` sign-extended.
    Sxtw,
    /// `xm` used as is, written `sxtx`.
    Sxtx,
}

impl IndexExtend {
    /// Every extension.
    pub const ALL: [IndexExtend; 4] = [IndexExtend::Lsl, IndexExtend::Uxtw, IndexExtend::Sxtw, IndexExtend::Sxtx];

    /// The 3-bit `option` field.
    pub(crate) fn bits(self) -> u32 {
        match self {
            IndexExtend::Uxtw => 0b010,
            IndexExtend::Lsl => 0b011,
            IndexExtend::Sxtw => 0b110,
            IndexExtend::Sxtx => 0b111,
        }
    }
}

fn uimm(size: u32, v: u32, opc: u32, rt: u32, rn: GprSp, offset: u32) -> u32 {
    debug_assert!(offset.is_multiple_of(1 << size), "offset {offset} not a multiple of {}", 1 << size);
    size << 30 | 0b111 << 27 | v << 26 | 0b01 << 24 | opc << 22 | ufield(offset >> size, 12) << 10 | rn.bits() << 5 | rt
}

fn unscaled(size: u32, v: u32, opc: u32, rt: u32, rn: GprSp, offset: i32) -> u32 {
    size << 30 | 0b111 << 27 | v << 26 | opc << 22 | sfield(offset, 9) << 12 | rn.bits() << 5 | rt
}

fn indexed(size: u32, v: u32, opc: u32, rt: u32, rn: GprSp, offset: i32, pre: bool) -> u32 {
    size << 30
        | 0b111 << 27
        | v << 26
        | opc << 22
        | sfield(offset, 9) << 12
        | if pre { 0b11 } else { 0b01 } << 10
        | rn.bits() << 5
        | rt
}

fn reg(size: u32, v: u32, opc: u32, rt: u32, rn: GprSp, rm: Gpr, ext: IndexExtend, scaled: bool) -> u32 {
    size << 30
        | 0b111 << 27
        | v << 26
        | opc << 22
        | 1 << 21
        | rm.bits() << 16
        | ext.bits() << 13
        | (scaled as u32) << 12
        | 0b10 << 10
        | rn.bits() << 5
        | rt
}

/// `op rt, [rn, #offset]` with a non-negative byte offset that is a multiple of the access width
/// and below 4096 times it.
pub fn ldst_uimm(op: MemOp, rt: Gpr, rn: GprSp, offset: u32) -> u32 {
    let (size, opc) = op.fields();
    uimm(size, 0, opc, rt.bits(), rn, offset)
}

/// `op rt, [rn, #offset]` with a byte offset in -256..=255 (`ldur`/`stur` and friends).
pub fn ldst_unscaled(op: MemOp, rt: Gpr, rn: GprSp, offset: i32) -> u32 {
    let (size, opc) = op.fields();
    unscaled(size, 0, opc, rt.bits(), rn, offset)
}

/// `op rt, [rn, #offset]!` (`pre`) or `op rt, [rn], #offset` (post): access, and write the
/// updated address back to `rn`; byte offset in -256..=255. The base may not be the transfer
/// register unless it is `sp` (CONSTRAINED UNPREDICTABLE).
pub fn ldst_indexed(op: MemOp, rt: Gpr, rn: GprSp, offset: i32, pre: bool) -> u32 {
    debug_assert!(rn.is_sp() || rn.bits() != rt.bits(), "write-back to the transfer register");
    let (size, opc) = op.fields();
    indexed(size, 0, opc, rt.bits(), rn, offset, pre)
}

/// `op rt, [rn, #offset]!` / `op rt, [rn], #offset` for an FP register.
pub fn fp_ldst_indexed(op: FpMemOp, rt: VReg, rn: GprSp, offset: i32, pre: bool) -> u32 {
    let (size, opc) = op.fields();
    indexed(size, 1, opc, rt.bits(), rn, offset, pre)
}

/// `op rt, [rn, rm{, ext #s}]`: the index register extended by `ext` and, when `scaled`, shifted
/// left by log2 of the access width.
pub fn ldst_reg(op: MemOp, rt: Gpr, rn: GprSp, rm: Gpr, ext: IndexExtend, scaled: bool) -> u32 {
    let (size, opc) = op.fields();
    reg(size, 0, opc, rt.bits(), rn, rm, ext, scaled)
}

/// `op rt, [rn, #offset]` for an FP register; the offset rules of [`ldst_uimm`].
pub fn fp_ldst_uimm(op: FpMemOp, rt: VReg, rn: GprSp, offset: u32) -> u32 {
    let (size, opc) = op.fields();
    uimm(size, 1, opc, rt.bits(), rn, offset)
}

/// `op rt, [rn, #offset]` for an FP register with a byte offset in -256..=255.
pub fn fp_ldst_unscaled(op: FpMemOp, rt: VReg, rn: GprSp, offset: i32) -> u32 {
    let (size, opc) = op.fields();
    unscaled(size, 1, opc, rt.bits(), rn, offset)
}

/// `op rt, [rn, rm{, ext #s}]` for an FP register.
pub fn fp_ldst_reg(op: FpMemOp, rt: VReg, rn: GprSp, rm: Gpr, ext: IndexExtend, scaled: bool) -> u32 {
    let (size, opc) = op.fields();
    reg(size, 1, opc, rt.bits(), rn, rm, ext, scaled)
}

/// `ldr rt, label`: loads a word (`w`) or doubleword (`x`) from `pc + offset`, where `offset` is
/// a multiple of 4 within ±1 MiB.
pub fn ldr_literal(size: crate::aarch64::regs::Size, rt: Gpr, offset: i32) -> u32 {
    size.sf() << 30 | 0b011_0_00 << 24 | branch_field(offset, 19) << 5 | rt.bits()
}

/// `ldr st/dt, label`: loads an FP scalar from `pc + offset` (a multiple of 4 within ±1 MiB).
pub fn fp_ldr_literal(size: crate::aarch64::regs::FpSize, rt: VReg, offset: i32) -> u32 {
    size.ftype() << 30 | 0b011_1_00 << 24 | branch_field(offset, 19) << 5 | rt.bits()
}
