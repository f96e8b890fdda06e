//! Scalar floating point: two-source arithmetic (`fadd`, `fsub`, `fmul`, `fdiv`, `fmin`, `fmax`,
//! ...), one-source operations (`fmov`, `fabs`, `fneg`, `fsqrt`, the `frint` roundings),
//! precision conversion `fcvt`, comparisons `fcmp`, `fcsel`, conversions to and from integers,
//! bit moves between general and FP registers, and the 8-bit `fmov` immediate.
//!
//! `fmin`/`fmax` propagate NaNs and order -0 below +0, exactly wasm's `min`/`max`. The
//! float-to-int conversions saturate and never trap: the wasm range checks are lowering's job.

use super::ufield;
use crate::aarch64::regs::{Cond, FpSize, Gpr, Size, VReg};

/// The two-source operations (`000 11110 ftype 1 Rm opcode 10 Rn Rd`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FpBinOp {
    /// `fmul`
    Fmul,
    /// `fdiv`
    Fdiv,
    /// `fadd`
    Fadd,
    /// `fsub`
    Fsub,
    /// `fmax` (NaN-propagating)
    Fmax,
    /// `fmin` (NaN-propagating)
    Fmin,
    /// `fmaxnm` (IEEE maxNum: a quiet NaN loses)
    Fmaxnm,
    /// `fminnm` (IEEE minNum)
    Fminnm,
    /// `fnmul` (negated product)
    Fnmul,
}

impl FpBinOp {
    /// Every operation.
    pub const ALL: [FpBinOp; 9] = [
        FpBinOp::Fmul,
        FpBinOp::Fdiv,
        FpBinOp::Fadd,
        FpBinOp::Fsub,
        FpBinOp::Fmax,
        FpBinOp::Fmin,
        FpBinOp::Fmaxnm,
        FpBinOp::Fminnm,
        FpBinOp::Fnmul,
    ];

    fn opcode(self) -> u32 {
        match self {
            FpBinOp::Fmul => 0b0000,
            FpBinOp::Fdiv => 0b0001,
            FpBinOp::Fadd => 0b0010,
            FpBinOp::Fsub => 0b0011,
            FpBinOp::Fmax => 0b0100,
            FpBinOp::Fmin => 0b0101,
            FpBinOp::Fmaxnm => 0b0110,
            FpBinOp::Fminnm => 0b0111,
            FpBinOp::Fnmul => 0b1000,
        }
    }
}

/// `op rd, rn, rm` on `s` or `d` registers.
pub fn fp_binary(op: FpBinOp, size: FpSize, rd: VReg, rn: VReg, rm: VReg) -> u32 {
    0b000_11110 << 24
        | size.ftype() << 22
        | 1 << 21
        | rm.bits() << 16
        | op.opcode() << 12
        | 0b10 << 10
        | rn.bits() << 5
        | rd.bits()
}

/// The one-source operations that keep the precision (`000 11110 ftype 1 opcode 10000 Rn Rd`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FpUnOp {
    /// `fmov` register to register
    Fmov,
    /// `fabs`
    Fabs,
    /// `fneg`
    Fneg,
    /// `fsqrt`
    Fsqrt,
    /// `frintn`: round to nearest, ties to even (wasm `nearest`)
    Frintn,
    /// `frintp`: round toward +inf (wasm `ceil`)
    Frintp,
    /// `frintm`: round toward -inf (wasm `floor`)
    Frintm,
    /// `frintz`: round toward zero (wasm `trunc`)
    Frintz,
}

impl FpUnOp {
    /// Every operation.
    pub const ALL: [FpUnOp; 8] = [
        FpUnOp::Fmov,
        FpUnOp::Fabs,
        FpUnOp::Fneg,
        FpUnOp::Fsqrt,
        FpUnOp::Frintn,
        FpUnOp::Frintp,
        FpUnOp::Frintm,
        FpUnOp::Frintz,
    ];

    fn opcode(self) -> u32 {
        match self {
            FpUnOp::Fmov => 0b000000,
            FpUnOp::Fabs => 0b000001,
            FpUnOp::Fneg => 0b000010,
            FpUnOp::Fsqrt => 0b000011,
            FpUnOp::Frintn => 0b001000,
            FpUnOp::Frintp => 0b001001,
            FpUnOp::Frintm => 0b001010,
            FpUnOp::Frintz => 0b001011,
        }
    }
}

fn fp_dp1(ftype: u32, opcode: u32, rd: VReg, rn: VReg) -> u32 {
    0b000_11110 << 24 | ftype << 22 | 1 << 21 | opcode << 15 | 0b10000 << 10 | rn.bits() << 5 | rd.bits()
}

/// `op rd, rn` on `s` or `d` registers.
pub fn fp_unary(op: FpUnOp, size: FpSize, rd: VReg, rn: VReg) -> u32 {
    fp_dp1(size.ftype(), op.opcode(), rd, rn)
}

/// `fcvt rd, rn`: convert between single and double precision (`to` and `from` must differ).
pub fn fcvt(to: FpSize, rd: VReg, from: FpSize, rn: VReg) -> u32 {
    debug_assert!(to != from, "fcvt between equal precisions");
    fp_dp1(from.ftype(), 0b0001_00 | to.ftype(), rd, rn)
}

fn fp_compare(size: FpSize, rn: VReg, rm: u32, opcode2: u32) -> u32 {
    0b000_11110 << 24 | size.ftype() << 22 | 1 << 21 | rm << 16 | 0b00_1000 << 10 | rn.bits() << 5 | opcode2
}

/// `fcmp rn, rm`: set NZCV from a quiet comparison (unordered gives C and V set).
pub fn fcmp(size: FpSize, rn: VReg, rm: VReg) -> u32 {
    fp_compare(size, rn, rm.bits(), 0b00000)
}

/// `fcmp rn, #0.0`.
pub fn fcmp_zero(size: FpSize, rn: VReg) -> u32 {
    fp_compare(size, rn, 0, 0b01000)
}

/// `fcsel rd, rn, rm, cond`: `rd = cond ? rn : rm`.
pub fn fcsel(size: FpSize, rd: VReg, rn: VReg, rm: VReg, cond: Cond) -> u32 {
    0b000_11110 << 24
        | size.ftype() << 22
        | 1 << 21
        | rm.bits() << 16
        | cond.bits() << 12
        | 0b11 << 10
        | rn.bits() << 5
        | rd.bits()
}

fn fp_int(sf: u32, ftype: u32, rmode: u32, opcode: u32, rd: u32, rn: u32) -> u32 {
    sf << 31 | 0b0_0_11110 << 24 | ftype << 22 | 1 << 21 | rmode << 19 | opcode << 16 | rn << 5 | rd
}

/// `fcvtzs`/`fcvtzu rd, rn`: float to signed/unsigned integer, rounding toward zero and
/// saturating (NaN gives 0).
pub fn fp_to_int(signed: bool, int: Size, rd: Gpr, fp: FpSize, rn: VReg) -> u32 {
    let opcode = if signed { 0b000 } else { 0b001 };
    fp_int(int.sf(), fp.ftype(), 0b11, opcode, rd.bits(), rn.bits())
}

/// `scvtf`/`ucvtf rd, rn`: signed/unsigned integer to float, rounding to nearest even.
pub fn int_to_fp(signed: bool, fp: FpSize, rd: VReg, int: Size, rn: Gpr) -> u32 {
    let opcode = if signed { 0b010 } else { 0b011 };
    fp_int(int.sf(), fp.ftype(), 0b00, opcode, rd.bits(), rn.bits())
}

/// `fmov wd, sn` / `fmov xd, dn`: move the bits of an FP register to a general register (`W`
/// pairs with `S`, `X` with `D`).
pub fn fmov_to_gp(size: Size, rd: Gpr, rn: VReg) -> u32 {
    let ftype = match size {
        Size::W => FpSize::S.ftype(),
        Size::X => FpSize::D.ftype(),
    };
    fp_int(size.sf(), ftype, 0b00, 0b110, rd.bits(), rn.bits())
}

/// `fmov sd, wn` / `fmov dd, xn`: move the bits of a general register to an FP register.
pub fn fmov_from_gp(size: Size, rd: VReg, rn: Gpr) -> u32 {
    let ftype = match size {
        Size::W => FpSize::S.ftype(),
        Size::X => FpSize::D.ftype(),
    };
    fp_int(size.sf(), ftype, 0b00, 0b111, rd.bits(), rn.bits())
}

/// The value an 8-bit FP immediate `a:b:c:d:e:f:g:h` stands for:
/// `(-1)^a * 2^(e) * (16 + efgh) / 16` with exponent `e = (NOT(b):c:d) - 3` in -3..=4
/// (the manual's `VFPExpandImm`).
pub fn decode_fp_imm8(imm8: u8) -> f64 {
    let sign = if imm8 & 0x80 != 0 { -1.0 } else { 1.0 };
    let b = (imm8 >> 6) & 1;
    let cd = ((imm8 >> 4) & 0b11) as i32;
    let exp = (((b ^ 1) as i32) << 2 | cd) - 3;
    let frac = (imm8 & 0xf) as f64;
    sign * (16.0 + frac) / 16.0 * 2f64.powi(exp)
}

/// The 8-bit immediate for `value`, or `None` if `fmov` cannot materialise it (zero is not
/// encodable: use `fmov d, xzr`). Every encodable value is exact in both precisions.
pub fn encode_fp_imm8(value: f64) -> Option<u8> {
    (0..=255u8).find(|&imm8| decode_fp_imm8(imm8).to_bits() == value.to_bits())
}

/// `fmov rd, #imm`: `imm8` from [`encode_fp_imm8`].
pub fn fmov_imm(size: FpSize, rd: VReg, imm8: u32) -> u32 {
    0b000_11110 << 24 | size.ftype() << 22 | 1 << 21 | ufield(imm8, 8) << 13 | 0b100 << 10 | rd.bits()
}
