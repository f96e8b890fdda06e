//! Logical operations: the bitmask-immediate forms (`and`/`orr`/`eor`/`ands` with an immediate
//! made of a rotated run of ones replicated across the register) and the shifted-register forms
//! (`and`, `bic`, `orr`, `orn`, `eor`, `eon`, `ands`, `bics`).
//!
//! [`encode_logical_imm`] is the only place that decides whether a value is a bitmask immediate;
//! an immediate encoder accepts only a [`LogicalImm`] it produced, so an unencodable value can
//! never reach the instruction word.

use super::{ufield, Size};
use crate::aarch64::regs::{Gpr, GprSp, Shift};

/// Encodes `value` as the 13-bit `N:immr:imms` field of a logical immediate for a `bits`-wide
/// operation (32 or 64), or `None` if it is not a bitmask immediate. For 32 bits only the low 32
/// bits of `value` may be set. All-zeros and all-ones are never encodable.
pub fn encode_logical_imm(value: u64, bits: u32) -> Option<u32> {
    debug_assert!(bits == 32 || bits == 64, "logical immediates are 32 or 64 bits wide");
    let value = if bits == 32 {
        if value >> 32 != 0 {
            return None;
        }
        value | value << 32
    } else {
        value
    };
    if value == 0 || value == u64::MAX {
        return None;
    }
    // The smallest element size e such that the value is e-bit element replicated.
    let mut e = 64u32;
    while e > 2 {
        let half = e / 2;
        let mask = (1u64 << half) - 1;
        if value & mask != (value >> half) & mask {
            break;
        }
        e = half;
    }
    let mask = if e == 64 { u64::MAX } else { (1u64 << e) - 1 };
    let elem = value & mask;
    let ones = elem.count_ones();
    let run = (1u64 << ones) - 1; // ones < e <= 64, so the shift is in range
                                  // Find the rotation r with elem == ror_e(run, r).
    let rotr = |x: u64, r: u32| if r == 0 { x } else { ((x >> r) | (x << (e - r))) & mask };
    let immr = (0..e).find(|&r| rotr(run, r) == elem)?;
    let n = (e == 64) as u32;
    let imms = ((!(e - 1) << 1) & 0x3f) | (ones - 1);
    Some(n << 12 | immr << 6 | imms)
}

/// A value known to be encodable as a logical immediate for one operation size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LogicalImm {
    size: Size,
    field: u32,
}

impl LogicalImm {
    /// The encoding of `value` for `size`, or `None` if it is not a bitmask immediate.
    pub fn new(value: u64, size: Size) -> Option<LogicalImm> {
        encode_logical_imm(value, size.bits()).map(|field| LogicalImm { size, field })
    }

    /// The 13-bit `N:immr:imms` field.
    pub fn field(self) -> u32 {
        self.field
    }
}

fn logical_imm(opc: u32, size: Size, rd: u32, rn: Gpr, imm: LogicalImm) -> u32 {
    debug_assert!(imm.size == size, "logical immediate encoded for {:?} used at {size:?}", imm.size);
    size.sf() << 31 | opc << 29 | 0b100100 << 23 | ufield(imm.field, 13) << 10 | rn.bits() << 5 | rd
}

/// `and rd, rn, #imm`; `rd` may be `sp`.
pub fn and_imm(size: Size, rd: GprSp, rn: Gpr, imm: LogicalImm) -> u32 {
    logical_imm(0b00, size, rd.bits(), rn, imm)
}

/// `orr rd, rn, #imm` (`mov rd, #imm` when `rn` is the zero register); `rd` may be `sp`.
pub fn orr_imm(size: Size, rd: GprSp, rn: Gpr, imm: LogicalImm) -> u32 {
    logical_imm(0b01, size, rd.bits(), rn, imm)
}

/// `eor rd, rn, #imm`; `rd` may be `sp`.
pub fn eor_imm(size: Size, rd: GprSp, rn: Gpr, imm: LogicalImm) -> u32 {
    logical_imm(0b10, size, rd.bits(), rn, imm)
}

/// `ands rd, rn, #imm` (`tst rn, #imm` when `rd` is the zero register).
pub fn ands_imm(size: Size, rd: Gpr, rn: Gpr, imm: LogicalImm) -> u32 {
    logical_imm(0b11, size, rd.bits(), rn, imm)
}

/// The shifted-register logical operations.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LogicalOp {
    /// `rn & op(rm)`
    And,
    /// `rn & !op(rm)`
    Bic,
    /// `rn | op(rm)` (`mov` when `rn` is the zero register and there is no shift)
    Orr,
    /// `rn | !op(rm)` (`mvn` when `rn` is the zero register)
    Orn,
    /// `rn ^ op(rm)`
    Eor,
    /// `rn ^ !op(rm)`
    Eon,
    /// `rn & op(rm)`, setting flags (`tst` when `rd` is the zero register)
    Ands,
    /// `rn & !op(rm)`, setting flags
    Bics,
}

impl LogicalOp {
    /// Every operation.
    pub const ALL: [LogicalOp; 8] = [
        LogicalOp::And,
        LogicalOp::Bic,
        LogicalOp::Orr,
        LogicalOp::Orn,
        LogicalOp::Eor,
        LogicalOp::Eon,
        LogicalOp::Ands,
        LogicalOp::Bics,
    ];

    /// The `(opc, N)` fields.
    fn fields(self) -> (u32, u32) {
        match self {
            LogicalOp::And => (0b00, 0),
            LogicalOp::Bic => (0b00, 1),
            LogicalOp::Orr => (0b01, 0),
            LogicalOp::Orn => (0b01, 1),
            LogicalOp::Eor => (0b10, 0),
            LogicalOp::Eon => (0b10, 1),
            LogicalOp::Ands => (0b11, 0),
            LogicalOp::Bics => (0b11, 1),
        }
    }
}

/// `op rd, rn, rm{, shift #amount}` for every shifted-register logical operation; any shift,
/// including `ror`, is allowed.
pub fn logical_shifted(op: LogicalOp, size: Size, rd: Gpr, rn: Gpr, rm: Gpr, shift: Shift, amount: u32) -> u32 {
    debug_assert!(amount < size.bits(), "shift amount {amount} out of range for {size:?}");
    let (opc, n) = op.fields();
    size.sf() << 31
        | opc << 29
        | 0b01010 << 24
        | shift.bits() << 22
        | n << 21
        | rm.bits() << 16
        | ufield(amount, 6) << 10
        | rn.bits() << 5
        | rd.bits()
}
