//! Odds and ends: `adr` (PC-relative address, ±1 MiB), `nop`, and the two trapping instructions
//! used for wasm traps, `brk #imm16` and `udf #imm16` (permanently undefined).

use super::{sfield, ufield};
use crate::aarch64::regs::Gpr;

/// `adr xd, offset`: `xd = pc + offset`, any byte offset in -1 MiB..1 MiB.
pub fn adr(rd: Gpr, offset: i32) -> u32 {
    let imm = sfield(offset, 21);
    (imm & 0b11) << 29 | 0b10000 << 24 | (imm >> 2) << 5 | rd.bits()
}

/// `nop`.
pub fn nop() -> u32 {
    0b1101010100_0_00_011_0010_0000_000_11111
}

/// `brk #imm16`: breakpoint exception carrying `imm16`.
pub fn brk(imm16: u32) -> u32 {
    0b11010100_001 << 21 | ufield(imm16, 16) << 5
}

/// `udf #imm16`: permanently undefined, raises an undefined-instruction exception.
pub fn udf(imm16: u32) -> u32 {
    ufield(imm16, 16)
}
