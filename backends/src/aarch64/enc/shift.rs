//! Shifts, rotates, bitfield moves and extensions: `lslv`/`lsrv`/`asrv`/`rorv` by a register, and
//! the immediate shifts, sign/zero extensions and rotates, which are aliases of `ubfm`, `sbfm` and
//! `extr` (the alias encoders only compute the bitfield operands).
//!
//! A register shift uses the amount modulo the register width, as wasm requires; an immediate
//! shift amount must already be reduced (a debug assertion checks it).

use super::muldiv::dp2;
use super::ufield;
use crate::aarch64::regs::{Gpr, Size};

/// The shift-by-register operations.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ShiftOp {
    /// Logical shift left (`lsl`).
    Lslv,
    /// Logical shift right (`lsr`).
    Lsrv,
    /// Arithmetic shift right (`asr`).
    Asrv,
    /// Rotate right (`ror`).
    Rorv,
}

impl ShiftOp {
    /// Every operation.
    pub const ALL: [ShiftOp; 4] = [ShiftOp::Lslv, ShiftOp::Lsrv, ShiftOp::Asrv, ShiftOp::Rorv];
}

/// `lslv`/`lsrv`/`asrv`/`rorv rd, rn, rm`: shift by `rm` modulo the width.
pub fn shift_reg(op: ShiftOp, size: Size, rd: Gpr, rn: Gpr, rm: Gpr) -> u32 {
    let opcode = match op {
        ShiftOp::Lslv => 0b0010_00,
        ShiftOp::Lsrv => 0b0010_01,
        ShiftOp::Asrv => 0b0010_10,
        ShiftOp::Rorv => 0b0010_11,
    };
    dp2(size, opcode, rd, rn, rm)
}

fn bitfield(opc: u32, size: Size, rd: Gpr, rn: Gpr, immr: u32, imms: u32) -> u32 {
    debug_assert!(immr < size.bits() && imms < size.bits(), "bitfield immr {immr} / imms {imms} out of range");
    size.sf() << 31
        | opc << 29
        | 0b100110 << 23
        | size.sf() << 22
        | ufield(immr, 6) << 16
        | ufield(imms, 6) << 10
        | rn.bits() << 5
        | rd.bits()
}

/// `ubfm rd, rn, #immr, #imms`: unsigned bitfield move.
pub fn ubfm(size: Size, rd: Gpr, rn: Gpr, immr: u32, imms: u32) -> u32 {
    bitfield(0b10, size, rd, rn, immr, imms)
}

/// `sbfm rd, rn, #immr, #imms`: signed bitfield move.
pub fn sbfm(size: Size, rd: Gpr, rn: Gpr, immr: u32, imms: u32) -> u32 {
    bitfield(0b00, size, rd, rn, immr, imms)
}

/// `extr rd, rn, rm, #lsb`: bits `lsb..lsb+width` of the concatenation `rn:rm`.
pub fn extr(size: Size, rd: Gpr, rn: Gpr, rm: Gpr, lsb: u32) -> u32 {
    debug_assert!(lsb < size.bits(), "extr lsb {lsb} out of range");
    size.sf() << 31
        | 0b00_100111 << 23
        | size.sf() << 22
        | rm.bits() << 16
        | ufield(lsb, 6) << 10
        | rn.bits() << 5
        | rd.bits()
}

/// `lsl rd, rn, #amount` (`ubfm rd, rn, #(-amount mod w), #(w - 1 - amount)`).
pub fn lsl_imm(size: Size, rd: Gpr, rn: Gpr, amount: u32) -> u32 {
    let w = size.bits();
    debug_assert!(amount < w, "shift amount {amount} out of range");
    ubfm(size, rd, rn, (w - amount) % w, w - 1 - amount)
}

/// `lsr rd, rn, #amount` (`ubfm rd, rn, #amount, #(w - 1)`).
pub fn lsr_imm(size: Size, rd: Gpr, rn: Gpr, amount: u32) -> u32 {
    ubfm(size, rd, rn, amount, size.bits() - 1)
}

/// `asr rd, rn, #amount` (`sbfm rd, rn, #amount, #(w - 1)`).
pub fn asr_imm(size: Size, rd: Gpr, rn: Gpr, amount: u32) -> u32 {
    sbfm(size, rd, rn, amount, size.bits() - 1)
}

/// `ror rd, rn, #amount` (`extr rd, rn, rn, #amount`).
pub fn ror_imm(size: Size, rd: Gpr, rn: Gpr, amount: u32) -> u32 {
    extr(size, rd, rn, rn, amount)
}

/// `sxtb rd, wn`: sign-extend the low byte to 32 or 64 bits (`sbfm rd, rn, #0, #7`).
pub fn sxtb(size: Size, rd: Gpr, rn: Gpr) -> u32 {
    sbfm(size, rd, rn, 0, 7)
}

/// `sxth rd, wn`: sign-extend the low halfword (`sbfm rd, rn, #0, #15`).
pub fn sxth(size: Size, rd: Gpr, rn: Gpr) -> u32 {
    sbfm(size, rd, rn, 0, 15)
}

/// `sxtw xd, wn`: sign-extend the low word to 64 bits (`sbfm xd, xn, #0, #31`).
pub fn sxtw(rd: Gpr, rn: Gpr) -> u32 {
    sbfm(Size::X, rd, rn, 0, 31)
}

/// `uxtb wd, wn`: zero-extend the low byte (`ubfm wd, wn, #0, #7`); writing `wd` clears the top
/// half of `xd`, so this also serves 64-bit extensions.
pub fn uxtb(rd: Gpr, rn: Gpr) -> u32 {
    ubfm(Size::W, rd, rn, 0, 7)
}

/// `uxth wd, wn`: zero-extend the low halfword (`ubfm wd, wn, #0, #15`).
pub fn uxth(rd: Gpr, rn: Gpr) -> u32 {
    ubfm(Size::W, rd, rn, 0, 15)
}
