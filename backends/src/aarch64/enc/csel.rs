//! Conditional select: `csel`, `csinc`, `csinv`, `csneg`, and the aliases `cset`/`csetm` that
//! materialise a condition as 1 / all-ones.
//!
//! `cset` and `csetm` take the condition to *test*; they encode its inverse as the manual says.
//! `al`/`nv` have no inverse, so they are rejected there.

use crate::aarch64::regs::{Cond, Gpr, Size};

fn condsel(op: u32, op2: u32, size: Size, rd: Gpr, rn: Gpr, rm: Gpr, cond: Cond) -> u32 {
    size.sf() << 31
        | op << 30
        | 0b0_11010100 << 21
        | rm.bits() << 16
        | cond.bits() << 12
        | op2 << 10
        | rn.bits() << 5
        | rd.bits()
}

/// `csel rd, rn, rm, cond`: `rd = cond ? rn : rm`.
pub fn csel(size: Size, rd: Gpr, rn: Gpr, rm: Gpr, cond: Cond) -> u32 {
    condsel(0, 0b00, size, rd, rn, rm, cond)
}

/// `csinc rd, rn, rm, cond`: `rd = cond ? rn : rm + 1`.
pub fn csinc(size: Size, rd: Gpr, rn: Gpr, rm: Gpr, cond: Cond) -> u32 {
    condsel(0, 0b01, size, rd, rn, rm, cond)
}

/// `csinv rd, rn, rm, cond`: `rd = cond ? rn : !rm`.
pub fn csinv(size: Size, rd: Gpr, rn: Gpr, rm: Gpr, cond: Cond) -> u32 {
    condsel(1, 0b00, size, rd, rn, rm, cond)
}

/// `csneg rd, rn, rm, cond`: `rd = cond ? rn : -rm`.
pub fn csneg(size: Size, rd: Gpr, rn: Gpr, rm: Gpr, cond: Cond) -> u32 {
    condsel(1, 0b01, size, rd, rn, rm, cond)
}

/// `cset rd, cond`: `rd = cond ? 1 : 0` (`csinc rd, zr, zr, !cond`).
pub fn cset(size: Size, rd: Gpr, cond: Cond) -> u32 {
    csinc(size, rd, Gpr::ZR, Gpr::ZR, cond.invert())
}

/// `csetm rd, cond`: `rd = cond ? -1 : 0` (`csinv rd, zr, zr, !cond`).
pub fn csetm(size: Size, rd: Gpr, cond: Cond) -> u32 {
    csinv(size, rd, Gpr::ZR, Gpr::ZR, cond.invert())
}
