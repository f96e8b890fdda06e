//! Multiply and divide: `madd`/`msub` (`mul`/`mneg` with the zero register as addend), the high
//! halves `smulh`/`umulh`, and `udiv`/`sdiv`.
//!
//! The hardware divide never traps (x/0 = 0, MIN/-1 = MIN): the wasm traps are lowering's job.

use crate::aarch64::regs::{Gpr, Size};

fn dp3(size: Size, op31: u32, o0: u32, rd: Gpr, rn: Gpr, rm: Gpr, ra: Gpr) -> u32 {
    size.sf() << 31
        | 0b00_11011 << 24
        | op31 << 21
        | rm.bits() << 16
        | o0 << 15
        | ra.bits() << 10
        | rn.bits() << 5
        | rd.bits()
}

/// `madd rd, rn, rm, ra`: `rd = ra + rn * rm` (`mul` when `ra` is the zero register).
pub fn madd(size: Size, rd: Gpr, rn: Gpr, rm: Gpr, ra: Gpr) -> u32 {
    dp3(size, 0b000, 0, rd, rn, rm, ra)
}

/// `msub rd, rn, rm, ra`: `rd = ra - rn * rm` (`mneg` when `ra` is the zero register).
pub fn msub(size: Size, rd: Gpr, rn: Gpr, rm: Gpr, ra: Gpr) -> u32 {
    dp3(size, 0b000, 1, rd, rn, rm, ra)
}

/// `smulh xd, xn, xm`: the high 64 bits of the signed 128-bit product.
pub fn smulh(rd: Gpr, rn: Gpr, rm: Gpr) -> u32 {
    dp3(Size::X, 0b010, 0, rd, rn, rm, Gpr::ZR)
}

/// `umulh xd, xn, xm`: the high 64 bits of the unsigned 128-bit product.
pub fn umulh(rd: Gpr, rn: Gpr, rm: Gpr) -> u32 {
    dp3(Size::X, 0b110, 0, rd, rn, rm, Gpr::ZR)
}

/// A two-source data-processing instruction (`sf 0 0 11010110 Rm opcode Rn Rd`).
pub(crate) fn dp2(size: Size, opcode: u32, rd: Gpr, rn: Gpr, rm: Gpr) -> u32 {
    size.sf() << 31 | 0b0_0_11010110 << 21 | rm.bits() << 16 | opcode << 10 | rn.bits() << 5 | rd.bits()
}

/// `udiv rd, rn, rm`: unsigned quotient rounded toward zero; 0 when `rm` is 0.
pub fn udiv(size: Size, rd: Gpr, rn: Gpr, rm: Gpr) -> u32 {
    dp2(size, 0b000010, rd, rn, rm)
}

/// `sdiv rd, rn, rm`: signed quotient rounded toward zero; 0 when `rm` is 0.
pub fn sdiv(size: Size, rd: Gpr, rn: Gpr, rm: Gpr) -> u32 {
    dp2(size, 0b000011, rd, rn, rm)
}
