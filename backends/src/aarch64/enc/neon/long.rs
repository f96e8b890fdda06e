//! Three registers, widening: `smull`/`umull` multiply the low (or, for the `2` forms, the upper)
//! half's lanes into lanes twice as wide (wasm's `extmul_low`/`extmul_high`, and the products of
//! `dot`).

use super::Elem;
use crate::aarch64::regs::VReg;

/// `smull`/`umull vd.<2T>, vn.T, vm.T`, or `smull2`/`umull2` reading the upper halves when
/// `upper`. `from` is the source lane width (not `D`).
pub fn vec_mul_long(signed: bool, from: Elem, upper: bool, rd: VReg, rn: VReg, rm: VReg) -> u32 {
    debug_assert!(from != Elem::D, "no widening multiply of 64-bit lanes");
    (upper as u32) << 30
        | (!signed as u32) << 29
        | 0b01110 << 24
        | from.size() << 22
        | 1 << 21
        | rm.bits() << 16
        | 0b1100_00 << 10
        | rn.bits() << 5
        | rd.bits()
}
