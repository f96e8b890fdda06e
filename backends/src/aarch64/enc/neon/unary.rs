//! Two registers: integer one-source operations and compares with zero ([`vec_int_unary`]), float
//! one-source operations and conversions to and from integers ([`vec_fp_unary`]), narrowing
//! with or without saturation ([`vec_narrow`]), float precision changes ([`vec_fp_width`]),
//! pairwise widening adds ([`vec_pairwise_long`]) and reductions across lanes ([`vec_across`]).
//!
//! The float-to-integer conversions saturate and give 0 for NaN (wasm's `trunc_sat`); the
//! roundings are exactly wasm's `nearest`/`floor`/`ceil`/`trunc`.

use super::{Arr, Elem, FpArr};
use crate::aarch64::regs::VReg;

fn two_misc(q: u32, u: u32, size: u32, opcode: u32, rd: VReg, rn: VReg) -> u32 {
    q << 30
        | u << 29
        | 0b01110 << 24
        | size << 22
        | 0b10000 << 17
        | opcode << 12
        | 0b10 << 10
        | rn.bits() << 5
        | rd.bits()
}

/// Integer two-register operations (`0 Q U 01110 size 10000 opcode 10 Rn Rd`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum VecIntUnOp {
    /// `abs` (wraps: the most negative value stays)
    Abs,
    /// `neg`
    Neg,
    /// `cnt`: population count per byte (`.b` only)
    Cnt,
    /// `not` (written `mvn`; `.b` only, any bits)
    Not,
    /// `rev64`: reverse the lanes within each doubleword (no `.d`)
    Rev64,
    /// `cmeq vd, vn, #0`
    Cmeq0,
    /// `cmge vd, vn, #0`
    Cmge0,
    /// `cmgt vd, vn, #0`
    Cmgt0,
    /// `cmle vd, vn, #0`
    Cmle0,
    /// `cmlt vd, vn, #0`
    Cmlt0,
}

impl VecIntUnOp {
    /// Every operation.
    pub const ALL: [VecIntUnOp; 10] = [
        VecIntUnOp::Abs,
        VecIntUnOp::Neg,
        VecIntUnOp::Cnt,
        VecIntUnOp::Not,
        VecIntUnOp::Rev64,
        VecIntUnOp::Cmeq0,
        VecIntUnOp::Cmge0,
        VecIntUnOp::Cmgt0,
        VecIntUnOp::Cmle0,
        VecIntUnOp::Cmlt0,
    ];

    /// The `(U, opcode)` fields.
    fn fields(self) -> (u32, u32) {
        match self {
            VecIntUnOp::Abs => (0, 0b01011),
            VecIntUnOp::Neg => (1, 0b01011),
            VecIntUnOp::Cnt => (0, 0b00101),
            VecIntUnOp::Not => (1, 0b00101),
            VecIntUnOp::Rev64 => (0, 0b00000),
            VecIntUnOp::Cmeq0 => (0, 0b01001),
            VecIntUnOp::Cmge0 => (1, 0b01000),
            VecIntUnOp::Cmgt0 => (0, 0b01000),
            VecIntUnOp::Cmle0 => (1, 0b01001),
            VecIntUnOp::Cmlt0 => (0, 0b01010),
        }
    }

    /// Whether the operation exists for lanes of width `elem`.
    pub fn allows(self, elem: Elem) -> bool {
        match self {
            VecIntUnOp::Cnt | VecIntUnOp::Not => elem == Elem::B,
            VecIntUnOp::Rev64 => elem != Elem::D,
            _ => true,
        }
    }
}

/// `op vd.T, vn.T` (compares with zero add `, #0`).
pub fn vec_int_unary(op: VecIntUnOp, arr: Arr, rd: VReg, rn: VReg) -> u32 {
    debug_assert!(op.allows(arr.elem()), "{op:?} has no .{arr} form");
    let (u, opcode) = op.fields();
    two_misc(arr.len().q(), u, arr.elem().size(), opcode, rd, rn)
}

/// Float two-register operations (`0 Q U 01110 a sz 10000 opcode 10 Rn Rd`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum VecFpUnOp {
    /// `fabs`
    Fabs,
    /// `fneg`
    Fneg,
    /// `fsqrt`
    Fsqrt,
    /// `frintn`: to nearest, ties to even
    Frintn,
    /// `frintm`: toward -inf
    Frintm,
    /// `frintp`: toward +inf
    Frintp,
    /// `frintz`: toward zero
    Frintz,
    /// `fcvtzs`: to signed integer lanes of the same width, saturating
    Fcvtzs,
    /// `fcvtzu`: to unsigned integer lanes, saturating
    Fcvtzu,
    /// `scvtf`: from signed integer lanes
    Scvtf,
    /// `ucvtf`: from unsigned integer lanes
    Ucvtf,
}

impl VecFpUnOp {
    /// Every operation.
    pub const ALL: [VecFpUnOp; 11] = [
        VecFpUnOp::Fabs,
        VecFpUnOp::Fneg,
        VecFpUnOp::Fsqrt,
        VecFpUnOp::Frintn,
        VecFpUnOp::Frintm,
        VecFpUnOp::Frintp,
        VecFpUnOp::Frintz,
        VecFpUnOp::Fcvtzs,
        VecFpUnOp::Fcvtzu,
        VecFpUnOp::Scvtf,
        VecFpUnOp::Ucvtf,
    ];

    /// The `(U, a, opcode)` fields.
    fn fields(self) -> (u32, u32, u32) {
        match self {
            VecFpUnOp::Fabs => (0, 1, 0b01111),
            VecFpUnOp::Fneg => (1, 1, 0b01111),
            VecFpUnOp::Fsqrt => (1, 1, 0b11111),
            VecFpUnOp::Frintn => (0, 0, 0b11000),
            VecFpUnOp::Frintm => (0, 0, 0b11001),
            VecFpUnOp::Frintp => (0, 1, 0b11000),
            VecFpUnOp::Frintz => (0, 1, 0b11001),
            VecFpUnOp::Fcvtzs => (0, 1, 0b11011),
            VecFpUnOp::Fcvtzu => (1, 1, 0b11011),
            VecFpUnOp::Scvtf => (0, 0, 0b11101),
            VecFpUnOp::Ucvtf => (1, 0, 0b11101),
        }
    }
}

/// `op vd.T, vn.T` on float lanes.
pub fn vec_fp_unary(op: VecFpUnOp, arr: FpArr, rd: VReg, rn: VReg) -> u32 {
    let (u, a, opcode) = op.fields();
    two_misc(arr.arr().len().q(), u, a << 1 | arr.sz(), opcode, rd, rn)
}

/// Narrowing moves: each lane to half its width, into the low half of `rd` (the upper half
/// zeroed) or, for the `2` forms, into the upper half (the low half kept).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum NarrowOp {
    /// `xtn`: truncate
    Xtn,
    /// `sqxtn`: signed to signed, saturating
    Sqxtn,
    /// `sqxtun`: signed to unsigned, saturating
    Sqxtun,
    /// `uqxtn`: unsigned to unsigned, saturating
    Uqxtn,
}

impl NarrowOp {
    /// Every operation.
    pub const ALL: [NarrowOp; 4] = [NarrowOp::Xtn, NarrowOp::Sqxtn, NarrowOp::Sqxtun, NarrowOp::Uqxtn];

    fn fields(self) -> (u32, u32) {
        match self {
            NarrowOp::Xtn => (0, 0b10010),
            NarrowOp::Sqxtn => (0, 0b10100),
            NarrowOp::Sqxtun => (1, 0b10010),
            NarrowOp::Uqxtn => (1, 0b10100),
        }
    }
}

/// `op vd.<to>, vn.<2*to>` (`upper`: `op2`, writing the upper half). `to` is the narrow lane
/// width (not `D`).
pub fn vec_narrow(op: NarrowOp, to: Elem, upper: bool, rd: VReg, rn: VReg) -> u32 {
    debug_assert!(to != Elem::D, "no narrowing to 64-bit lanes");
    let (u, opcode) = op.fields();
    two_misc(upper as u32, u, to.size(), opcode, rd, rn)
}

/// Float precision change between `.2d` and `.2s` lanes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FpWidth {
    /// `fcvtn`: f64 lanes to f32 lanes (`fcvtn2` writes the upper half)
    Narrow,
    /// `fcvtl`: f32 lanes to f64 lanes (`fcvtl2` reads the upper half)
    Widen,
}

/// `fcvtn vd.2s, vn.2d` / `fcvtl vd.2d, vn.2s`, or their `2` forms when `upper`.
pub fn vec_fp_width(dir: FpWidth, upper: bool, rd: VReg, rn: VReg) -> u32 {
    let opcode = match dir {
        FpWidth::Narrow => 0b10110,
        FpWidth::Widen => 0b10111,
    };
    two_misc(upper as u32, 0, 0b01, opcode, rd, rn)
}

/// `saddlp`/`uaddlp vd.<2T>, vn.T`: add adjacent lane pairs into lanes twice as wide (wasm's
/// `extadd_pairwise`). `arr` is the source (not `.2d`).
pub fn vec_pairwise_long(signed: bool, arr: Arr, rd: VReg, rn: VReg) -> u32 {
    debug_assert!(arr.elem() != Elem::D, "no pairwise add of 64-bit lanes");
    two_misc(arr.len().q(), !signed as u32, arr.elem().size(), 0b00010, rd, rn)
}

/// Reductions across all lanes into a scalar (`0 Q U 01110 size 11000 opcode 10 Rn Rd`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AcrossOp {
    /// `addv`: sum (wrapping)
    Addv,
    /// `smaxv`
    Smaxv,
    /// `umaxv`
    Umaxv,
    /// `sminv`
    Sminv,
    /// `uminv`
    Uminv,
}

impl AcrossOp {
    /// Every operation.
    pub const ALL: [AcrossOp; 5] = [AcrossOp::Addv, AcrossOp::Smaxv, AcrossOp::Umaxv, AcrossOp::Sminv, AcrossOp::Uminv];

    fn fields(self) -> (u32, u32) {
        match self {
            AcrossOp::Addv => (0, 0b11011),
            AcrossOp::Smaxv => (0, 0b01010),
            AcrossOp::Umaxv => (1, 0b01010),
            AcrossOp::Sminv => (0, 0b11010),
            AcrossOp::Uminv => (1, 0b11010),
        }
    }
}

/// `op <lane>d, vn.T`: the scalar result in the low lane of `rd`. `arr` is one of `.8b`, `.16b`,
/// `.4h`, `.8h`, `.4s` (two lanes are reduced with a pairwise op instead).
pub fn vec_across(op: AcrossOp, arr: Arr, rd: VReg, rn: VReg) -> u32 {
    debug_assert!(!matches!(arr, Arr::S2 | Arr::D2), "no reduction across .{arr}");
    let (u, opcode) = op.fields();
    arr.len().q() << 30
        | u << 29
        | 0b01110 << 24
        | arr.elem().size() << 22
        | 0b11000 << 17
        | opcode << 12
        | 0b10 << 10
        | rn.bits() << 5
        | rd.bits()
}
