//! Bit operations: `clz`, `cls`, `rbit`, `rev` (one-source data processing), and the two SIMD
//! instructions a population count needs on a core without a scalar `cnt`: `cnt v.8b` (per-byte
//! popcount) and `addv b, v.8b` (sum of the bytes). The full sequence is
//! `fmov d, x; cnt v.8b, v.8b; addv b, v.8b; fmov w, s` (the fmovs are in `float.rs`).
//!
//! `ctz` has no instruction: lowering writes it as `rbit` then `clz`.

use crate::aarch64::regs::{Gpr, Size, VReg};

fn dp1(size: Size, opcode: u32, rd: Gpr, rn: Gpr) -> u32 {
    size.sf() << 31 | 0b1_0_11010110_00000 << 16 | opcode << 10 | rn.bits() << 5 | rd.bits()
}

/// `clz rd, rn`: count leading zeros (the width when `rn` is 0).
pub fn clz(size: Size, rd: Gpr, rn: Gpr) -> u32 {
    dp1(size, 0b000100, rd, rn)
}

/// `cls rd, rn`: count leading sign bits (not counting the sign bit itself).
pub fn cls(size: Size, rd: Gpr, rn: Gpr) -> u32 {
    dp1(size, 0b000101, rd, rn)
}

/// `rbit rd, rn`: reverse the bit order.
pub fn rbit(size: Size, rd: Gpr, rn: Gpr) -> u32 {
    dp1(size, 0b000000, rd, rn)
}

/// `rev rd, rn`: reverse the byte order of the whole register.
pub fn rev(size: Size, rd: Gpr, rn: Gpr) -> u32 {
    let opcode = match size {
        Size::W => 0b000010,
        Size::X => 0b000011,
    };
    dp1(size, opcode, rd, rn)
}

/// `cnt vd.8b, vn.8b`: population count of each of the low 8 bytes (upper half cleared).
pub fn cnt_8b(rd: VReg, rn: VReg) -> u32 {
    0b0_0_0_01110_00_10000_00101_10 << 10 | rn.bits() << 5 | rd.bits()
}

/// `addv bd, vn.8b`: the sum of the low 8 bytes, modulo 256, into byte 0 (rest of `vd` cleared).
pub fn addv_8b(rd: VReg, rn: VReg) -> u32 {
    0b0_0_0_01110_00_11000_11011_10 << 10 | rn.bits() << 5 | rd.bits()
}
