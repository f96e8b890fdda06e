//! Shifts by an immediate (`0 Q U 011110 immh:immb opcode 1 Rn Rd`): `shl`, `sshr`, `ushr`
//! ([`vec_shift_imm`]), and the widening `sshll`/`ushll` whose shift-0 forms are `sxtl`/`uxtl`
//! ([`vec_shift_long`]), and `shll`, the widening shift by exactly the lane width, which has no
//! immediate form ([`vec_shll`]).
//!
//! The amount is the real shift; the encoders fold it into `immh:immb` (left shifts as
//! `esize + amount`, right shifts as `2 * esize - amount`). Wasm's counts are taken modulo the lane
//! width by lowering before they get here.

use super::{Arr, Elem};
use crate::aarch64::regs::VReg;

fn shift_imm(q: u32, u: u32, immhb: u32, opcode: u32, rd: VReg, rn: VReg) -> u32 {
    debug_assert!((8..128).contains(&immhb), "immh:immb {immhb} out of range");
    q << 30 | u << 29 | 0b011110 << 23 | immhb << 16 | opcode << 11 | 1 << 10 | rn.bits() << 5 | rd.bits()
}

/// The shifts by immediate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum VecShiftOp {
    /// `shl`: left, amount `0..esize`
    Shl,
    /// `sshr`: arithmetic right, amount `1..=esize`
    Sshr,
    /// `ushr`: logical right, amount `1..=esize`
    Ushr,
}

impl VecShiftOp {
    /// Every shift.
    pub const ALL: [VecShiftOp; 3] = [VecShiftOp::Shl, VecShiftOp::Sshr, VecShiftOp::Ushr];
}

/// `op vd.T, vn.T, #amount`.
pub fn vec_shift_imm(op: VecShiftOp, arr: Arr, rd: VReg, rn: VReg, amount: u32) -> u32 {
    let esize = arr.elem().bits();
    let q = arr.len().q();
    match op {
        VecShiftOp::Shl => {
            debug_assert!(amount < esize, "shl by {amount} on .{arr}");
            shift_imm(q, 0, esize + amount, 0b01010, rd, rn)
        }
        VecShiftOp::Sshr | VecShiftOp::Ushr => {
            debug_assert!((1..=esize).contains(&amount), "right shift by {amount} on .{arr}");
            let u = (op == VecShiftOp::Ushr) as u32;
            shift_imm(q, u, 2 * esize - amount, 0b00000, rd, rn)
        }
    }
}

/// `sshll`/`ushll vd.<2T>, vn.T, #amount` (`sxtl`/`uxtl` when `amount` is 0): widen the low half's
/// lanes (the upper half's with `upper`, the `2` forms), sign- or zero-extending, then shift left
/// by `amount < esize`. `from` is the source lane width (not `D`).
pub fn vec_shift_long(signed: bool, from: Elem, upper: bool, rd: VReg, rn: VReg, amount: u32) -> u32 {
    debug_assert!(from != Elem::D, "no widening of 64-bit lanes");
    debug_assert!(amount < from.bits(), "shift-long by {amount} from .{}", from.letter());
    shift_imm(upper as u32, !signed as u32, from.bits() + amount, 0b10100, rd, rn)
}

/// `shll vd.<2T>, vn.T, #esize` (`shll2` reading the upper half when `upper`): widen each lane and
/// shift it left by the source lane width (`sshll`/`ushll` only reach `esize - 1`). `from` is the
/// source lane width (not `D`).
pub fn vec_shll(from: Elem, upper: bool, rd: VReg, rn: VReg) -> u32 {
    debug_assert!(from != Elem::D, "no widening of 64-bit lanes");
    (upper as u32) << 30
        | 1 << 29
        | 0b01110 << 24
        | from.size() << 22
        | 0b10000 << 17
        | 0b10011 << 12
        | 0b10 << 10
        | rn.bits() << 5
        | rd.bits()
}
