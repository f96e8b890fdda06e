//! Move wide immediates: `movz` (zeros elsewhere), `movn` (ones elsewhere, inverted) and `movk`
//! (keep the other bits), each placing a 16-bit chunk at a multiple of 16.
//!
//! Choosing a sequence that builds a full constant is lowering's job, never done here.

use super::{ufield, Size};
use crate::aarch64::regs::Gpr;

fn movwide(opc: u32, size: Size, rd: Gpr, imm16: u32, shift: u32) -> u32 {
    debug_assert!(shift.is_multiple_of(16) && shift < size.bits(), "movwide shift {shift} invalid for {size:?}");
    size.sf() << 31 | opc << 29 | 0b100101 << 23 | (shift / 16) << 21 | ufield(imm16, 16) << 5 | rd.bits()
}

/// `movz rd, #imm16, lsl #shift`: `rd = imm16 << shift`.
pub fn movz(size: Size, rd: Gpr, imm16: u32, shift: u32) -> u32 {
    movwide(0b10, size, rd, imm16, shift)
}

/// `movn rd, #imm16, lsl #shift`: `rd = !(imm16 << shift)`.
pub fn movn(size: Size, rd: Gpr, imm16: u32, shift: u32) -> u32 {
    movwide(0b00, size, rd, imm16, shift)
}

/// `movk rd, #imm16, lsl #shift`: replaces bits `shift..shift+16` of `rd`.
pub fn movk(size: Size, rd: Gpr, imm16: u32, shift: u32) -> u32 {
    movwide(0b11, size, rd, imm16, shift)
}
