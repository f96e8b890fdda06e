//! Branches: `b`/`bl` (±128 MiB), `b.cond`, `cbz`/`cbnz` (±1 MiB), `tbz`/`tbnz` (±32 KiB), and
//! the register branches `br`, `blr`, `ret`.
//!
//! Offsets are signed byte distances from the branch itself; they must be multiples of 4 and in
//! range (debug-checked). Choosing a form that reaches, or adding a veneer, is the emitter's job.

use super::{branch_field, ufield};
use crate::aarch64::regs::{Cond, Gpr, Size};

/// `b offset`.
pub fn b(offset: i32) -> u32 {
    0b0_00101 << 26 | branch_field(offset, 26)
}

/// `bl offset`: branch and put the return address in x30.
pub fn bl(offset: i32) -> u32 {
    0b1_00101 << 26 | branch_field(offset, 26)
}

/// `b.cond offset`.
pub fn b_cond(cond: Cond, offset: i32) -> u32 {
    0b0101010_0 << 24 | branch_field(offset, 19) << 5 | cond.bits()
}

fn cb(op: u32, size: Size, rt: Gpr, offset: i32) -> u32 {
    size.sf() << 31 | 0b011010 << 25 | op << 24 | branch_field(offset, 19) << 5 | rt.bits()
}

/// `cbz rt, offset`: branch if `rt` is zero.
pub fn cbz(size: Size, rt: Gpr, offset: i32) -> u32 {
    cb(0, size, rt, offset)
}

/// `cbnz rt, offset`: branch if `rt` is not zero.
pub fn cbnz(size: Size, rt: Gpr, offset: i32) -> u32 {
    cb(1, size, rt, offset)
}

fn tb(op: u32, rt: Gpr, bit: u32, offset: i32) -> u32 {
    debug_assert!(bit < 64, "test bit {bit} out of range");
    (bit >> 5) << 31
        | 0b011011 << 25
        | op << 24
        | ufield(bit & 0x1f, 5) << 19
        | branch_field(offset, 14) << 5
        | rt.bits()
}

/// `tbz rt, #bit, offset`: branch if bit `bit` (0..=63) of `rt` is zero; bits below 32 are
/// written with the `w` view.
pub fn tbz(rt: Gpr, bit: u32, offset: i32) -> u32 {
    tb(0, rt, bit, offset)
}

/// `tbnz rt, #bit, offset`: branch if bit `bit` of `rt` is one.
pub fn tbnz(rt: Gpr, bit: u32, offset: i32) -> u32 {
    tb(1, rt, bit, offset)
}

fn branch_reg(opc: u32, rn: Gpr) -> u32 {
    0b1101011 << 25 | opc << 21 | 0b11111 << 16 | rn.bits() << 5
}

/// `br xn`: jump to the address in `xn`.
pub fn br(rn: Gpr) -> u32 {
    branch_reg(0b0000, rn)
}

/// `blr xn`: call the address in `xn`.
pub fn blr(rn: Gpr) -> u32 {
    branch_reg(0b0001, rn)
}

/// `ret xn` (plain `ret` returns through x30).
pub fn ret(rn: Gpr) -> u32 {
    branch_reg(0b0010, rn)
}
