//! Three registers, widening: multiply the low (or, for the `2` forms, the upper) half's lanes
//! into lanes twice as wide, optionally accumulating into the destination ([`vec_mul_long`]:
//! wasm's `extmul_low`/`extmul_high`, the products of `dot`, and the partial products of
//! `i64x2.mul`).

use super::Elem;
use crate::aarch64::regs::VReg;

/// The widening multiplies (`0 Q U 01110 size 1 Rm opcode 00 Rn Rd`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MulLongOp {
    /// `smull`: signed product
    Smull,
    /// `umull`: unsigned product
    Umull,
    /// `smlal`: `rd += ` signed product
    Smlal,
    /// `umlal`: `rd += ` unsigned product
    Umlal,
}

impl MulLongOp {
    /// Every operation.
    pub const ALL: [MulLongOp; 4] = [MulLongOp::Smull, MulLongOp::Umull, MulLongOp::Smlal, MulLongOp::Umlal];

    /// The `(U, opcode)` fields.
    fn fields(self) -> (u32, u32) {
        match self {
            MulLongOp::Smull => (0, 0b1100),
            MulLongOp::Umull => (1, 0b1100),
            MulLongOp::Smlal => (0, 0b1000),
            MulLongOp::Umlal => (1, 0b1000),
        }
    }
}

/// `op vd.<2T>, vn.T, vm.T`, or `op2` reading the upper halves when `upper`. `from` is the source
/// lane width (not `D`).
pub fn vec_mul_long(op: MulLongOp, from: Elem, upper: bool, rd: VReg, rn: VReg, rm: VReg) -> u32 {
    debug_assert!(from != Elem::D, "no widening multiply of 64-bit lanes");
    let (u, opcode) = op.fields();
    (upper as u32) << 30
        | u << 29
        | 0b01110 << 24
        | from.size() << 22
        | 1 << 21
        | rm.bits() << 16
        | opcode << 12
        | 0b00 << 10
        | rn.bits() << 5
        | rd.bits()
}
