//! Add and subtract: 12-bit immediate, shifted register and extended register forms, with and
//! without flag setting (`adds`/`subs`, whose zero-register destination gives `cmn`/`cmp`).
//!
//! Field 31 means `sp` in the immediate and extended forms (except the destination of the
//! flag-setting ones) and `xzr` in the shifted form; the signatures say which. Never encodes
//! `ror` as an add/sub shift (reserved).

use super::{ufield, Size};
use crate::aarch64::regs::{Extend, Gpr, GprSp, Shift};

/// Splits `value` into the `(imm12, lsl12)` pair of the add/sub immediate forms, or `None` if it
/// is neither a 12-bit value nor a 12-bit value shifted left by 12.
pub fn split_imm12(value: u64) -> Option<(u32, bool)> {
    if value < 1 << 12 {
        Some((value as u32, false))
    } else if value & 0xfff == 0 && value < 1 << 24 {
        Some(((value >> 12) as u32, true))
    } else {
        None
    }
}

fn addsub_imm(op: u32, s: u32, size: Size, rd: u32, rn: GprSp, imm12: u32, lsl12: bool) -> u32 {
    size.sf() << 31
        | op << 30
        | s << 29
        | 0b100010 << 23
        | (lsl12 as u32) << 22
        | ufield(imm12, 12) << 10
        | rn.bits() << 5
        | rd
}

/// `add rd, rn, #imm12{, lsl #12}` (`mov` to or from `sp` when the immediate is 0).
pub fn add_imm(size: Size, rd: GprSp, rn: GprSp, imm12: u32, lsl12: bool) -> u32 {
    addsub_imm(0, 0, size, rd.bits(), rn, imm12, lsl12)
}

/// `adds rd, rn, #imm12{, lsl #12}` (`cmn rn, #imm` when `rd` is the zero register).
pub fn adds_imm(size: Size, rd: Gpr, rn: GprSp, imm12: u32, lsl12: bool) -> u32 {
    addsub_imm(0, 1, size, rd.bits(), rn, imm12, lsl12)
}

/// `sub rd, rn, #imm12{, lsl #12}`.
pub fn sub_imm(size: Size, rd: GprSp, rn: GprSp, imm12: u32, lsl12: bool) -> u32 {
    addsub_imm(1, 0, size, rd.bits(), rn, imm12, lsl12)
}

/// `subs rd, rn, #imm12{, lsl #12}` (`cmp rn, #imm` when `rd` is the zero register).
pub fn subs_imm(size: Size, rd: Gpr, rn: GprSp, imm12: u32, lsl12: bool) -> u32 {
    addsub_imm(1, 1, size, rd.bits(), rn, imm12, lsl12)
}

fn addsub_shifted(op: u32, s: u32, size: Size, rd: Gpr, rn: Gpr, rm: Gpr, shift: Shift, amount: u32) -> u32 {
    debug_assert!(shift != Shift::Ror, "add/sub have no ror shift");
    debug_assert!(amount < size.bits(), "shift amount {amount} out of range for {size:?}");
    size.sf() << 31
        | op << 30
        | s << 29
        | 0b01011 << 24
        | shift.bits() << 22
        | rm.bits() << 16
        | ufield(amount, 6) << 10
        | rn.bits() << 5
        | rd.bits()
}

/// `add rd, rn, rm{, shift #amount}`; `shift` is lsl, lsr or asr.
pub fn add_shifted(size: Size, rd: Gpr, rn: Gpr, rm: Gpr, shift: Shift, amount: u32) -> u32 {
    addsub_shifted(0, 0, size, rd, rn, rm, shift, amount)
}

/// `adds rd, rn, rm{, shift #amount}` (`cmn` when `rd` is the zero register).
pub fn adds_shifted(size: Size, rd: Gpr, rn: Gpr, rm: Gpr, shift: Shift, amount: u32) -> u32 {
    addsub_shifted(0, 1, size, rd, rn, rm, shift, amount)
}

/// `sub rd, rn, rm{, shift #amount}` (`neg` when `rn` is the zero register).
pub fn sub_shifted(size: Size, rd: Gpr, rn: Gpr, rm: Gpr, shift: Shift, amount: u32) -> u32 {
    addsub_shifted(1, 0, size, rd, rn, rm, shift, amount)
}

/// `subs rd, rn, rm{, shift #amount}` (`cmp` when `rd` is the zero register).
pub fn subs_shifted(size: Size, rd: Gpr, rn: Gpr, rm: Gpr, shift: Shift, amount: u32) -> u32 {
    addsub_shifted(1, 1, size, rd, rn, rm, shift, amount)
}

fn addsub_ext(op: u32, s: u32, size: Size, rd: u32, rn: GprSp, rm: Gpr, ext: Extend, amount: u32) -> u32 {
    debug_assert!(amount <= 4, "extend shift {amount} out of range 0..=4");
    debug_assert!(size == Size::X || !ext.reads_x(), "uxtx/sxtx need a 64-bit operation");
    size.sf() << 31
        | op << 30
        | s << 29
        | 0b01011_00_1 << 21
        | rm.bits() << 16
        | ext.bits() << 13
        | ufield(amount, 3) << 10
        | rn.bits() << 5
        | rd
}

/// `add rd, rn, rm, ext #amount`; `rm` is read as `w` unless `ext` is uxtx/sxtx.
pub fn add_ext(size: Size, rd: GprSp, rn: GprSp, rm: Gpr, ext: Extend, amount: u32) -> u32 {
    addsub_ext(0, 0, size, rd.bits(), rn, rm, ext, amount)
}

/// `adds rd, rn, rm, ext #amount`.
pub fn adds_ext(size: Size, rd: Gpr, rn: GprSp, rm: Gpr, ext: Extend, amount: u32) -> u32 {
    addsub_ext(0, 1, size, rd.bits(), rn, rm, ext, amount)
}

/// `sub rd, rn, rm, ext #amount`.
pub fn sub_ext(size: Size, rd: GprSp, rn: GprSp, rm: Gpr, ext: Extend, amount: u32) -> u32 {
    addsub_ext(1, 0, size, rd.bits(), rn, rm, ext, amount)
}

/// `subs rd, rn, rm, ext #amount`.
pub fn subs_ext(size: Size, rd: Gpr, rn: GprSp, rm: Gpr, ext: Extend, amount: u32) -> u32 {
    addsub_ext(1, 1, size, rd.bits(), rn, rm, ext, amount)
}
