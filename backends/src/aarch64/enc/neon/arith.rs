//! Three registers of one arrangement: integer lane arithmetic, comparisons, shifts by register
//! and min/max ([`vec_int_binary`]), the bitwise operations on whole registers including the
//! bit selects ([`vec_logical`]), and float lane arithmetic and comparisons ([`vec_fp_binary`]).
//!
//! Comparisons write all-ones or all-zeros lanes, exactly wasm's. `sshl`/`ushl` shift each lane
//! by the *signed low byte* of the count lane (negative shifts right): lowering masks a wasm count
//! before negating it. Float `fmin`/`fmax` propagate NaN and order -0 below +0 (wasm's `min`/`max`).

use super::{Arr, Elem, FpArr, VecLen};
use crate::aarch64::regs::VReg;

/// Integer three-same operations (`0 Q U 01110 size 1 Rm opcode 1 Rn Rd`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum VecIntOp {
    /// `add`
    Add,
    /// `sub`
    Sub,
    /// `mul` (no `.2d`)
    Mul,
    /// `sqadd`: signed saturating add
    Sqadd,
    /// `uqadd`: unsigned saturating add
    Uqadd,
    /// `sqsub`
    Sqsub,
    /// `uqsub`
    Uqsub,
    /// `cmeq`: lanes equal
    Cmeq,
    /// `cmtst`: lanes share a set bit
    Cmtst,
    /// `cmgt`: signed greater than
    Cmgt,
    /// `cmhi`: unsigned higher
    Cmhi,
    /// `cmge`: signed greater or equal
    Cmge,
    /// `cmhs`: unsigned higher or same
    Cmhs,
    /// `sshl`: signed shift by the signed low byte of each count lane
    Sshl,
    /// `ushl`: unsigned shift by the signed low byte of each count lane
    Ushl,
    /// `smax` (no `.2d`)
    Smax,
    /// `umax` (no `.2d`)
    Umax,
    /// `smin` (no `.2d`)
    Smin,
    /// `umin` (no `.2d`)
    Umin,
    /// `urhadd`: unsigned rounding halving add, wasm `avgr_u` (no `.2d`)
    Urhadd,
    /// `sqrdmulh`: saturating rounding doubling multiply high, wasm `q15mulr_sat_s` (`.h`/`.s` only)
    Sqrdmulh,
    /// `addp`: pairwise add of the concatenation `rn:rm`
    Addp,
    /// `umaxp`: pairwise unsigned max (no `.2d`)
    Umaxp,
    /// `uminp`: pairwise unsigned min (no `.2d`)
    Uminp,
}

impl VecIntOp {
    /// Every operation.
    pub const ALL: [VecIntOp; 24] = [
        VecIntOp::Add,
        VecIntOp::Sub,
        VecIntOp::Mul,
        VecIntOp::Sqadd,
        VecIntOp::Uqadd,
        VecIntOp::Sqsub,
        VecIntOp::Uqsub,
        VecIntOp::Cmeq,
        VecIntOp::Cmtst,
        VecIntOp::Cmgt,
        VecIntOp::Cmhi,
        VecIntOp::Cmge,
        VecIntOp::Cmhs,
        VecIntOp::Sshl,
        VecIntOp::Ushl,
        VecIntOp::Smax,
        VecIntOp::Umax,
        VecIntOp::Smin,
        VecIntOp::Umin,
        VecIntOp::Urhadd,
        VecIntOp::Sqrdmulh,
        VecIntOp::Addp,
        VecIntOp::Umaxp,
        VecIntOp::Uminp,
    ];

    /// The `(U, opcode)` fields.
    fn fields(self) -> (u32, u32) {
        match self {
            VecIntOp::Add => (0, 0b10000),
            VecIntOp::Sub => (1, 0b10000),
            VecIntOp::Mul => (0, 0b10011),
            VecIntOp::Sqadd => (0, 0b00001),
            VecIntOp::Uqadd => (1, 0b00001),
            VecIntOp::Sqsub => (0, 0b00101),
            VecIntOp::Uqsub => (1, 0b00101),
            VecIntOp::Cmeq => (1, 0b10001),
            VecIntOp::Cmtst => (0, 0b10001),
            VecIntOp::Cmgt => (0, 0b00110),
            VecIntOp::Cmhi => (1, 0b00110),
            VecIntOp::Cmge => (0, 0b00111),
            VecIntOp::Cmhs => (1, 0b00111),
            VecIntOp::Sshl => (0, 0b01000),
            VecIntOp::Ushl => (1, 0b01000),
            VecIntOp::Smax => (0, 0b01100),
            VecIntOp::Umax => (1, 0b01100),
            VecIntOp::Smin => (0, 0b01101),
            VecIntOp::Umin => (1, 0b01101),
            VecIntOp::Urhadd => (1, 0b00010),
            VecIntOp::Sqrdmulh => (1, 0b10110),
            VecIntOp::Addp => (0, 0b10111),
            VecIntOp::Umaxp => (1, 0b10100),
            VecIntOp::Uminp => (1, 0b10101),
        }
    }

    /// Whether the operation exists for lanes of width `elem`.
    pub fn allows(self, elem: Elem) -> bool {
        match self {
            VecIntOp::Mul
            | VecIntOp::Smax
            | VecIntOp::Umax
            | VecIntOp::Smin
            | VecIntOp::Umin
            | VecIntOp::Urhadd
            | VecIntOp::Umaxp
            | VecIntOp::Uminp => elem != Elem::D,
            VecIntOp::Sqrdmulh => matches!(elem, Elem::H | Elem::S),
            _ => true,
        }
    }
}

/// `op vd.T, vn.T, vm.T` on integer lanes.
pub fn vec_int_binary(op: VecIntOp, arr: Arr, rd: VReg, rn: VReg, rm: VReg) -> u32 {
    debug_assert!(op.allows(arr.elem()), "{op:?} has no .{arr} form");
    let (u, opcode) = op.fields();
    arr.len().q() << 30
        | u << 29
        | 0b01110 << 24
        | arr.elem().size() << 22
        | 1 << 21
        | rm.bits() << 16
        | opcode << 11
        | 1 << 10
        | rn.bits() << 5
        | rd.bits()
}

/// Bitwise operations on whole registers (`0 Q U 01110 opc2 1 Rm 00011 1 Rn Rd`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum VecLogicalOp {
    /// `and`
    And,
    /// `bic`: `rn & !rm`
    Bic,
    /// `orr` (`mov vd, vn` when `rn == rm`)
    Orr,
    /// `orn`: `rn | !rm`
    Orn,
    /// `eor`
    Eor,
    /// `bsl`: `rd = (rd & rn) | (!rd & rm)` (the destination is the mask)
    Bsl,
    /// `bit`: insert `rn`'s bits where `rm` is set
    Bit,
    /// `bif`: insert `rn`'s bits where `rm` is clear
    Bif,
}

impl VecLogicalOp {
    /// Every operation.
    pub const ALL: [VecLogicalOp; 8] = [
        VecLogicalOp::And,
        VecLogicalOp::Bic,
        VecLogicalOp::Orr,
        VecLogicalOp::Orn,
        VecLogicalOp::Eor,
        VecLogicalOp::Bsl,
        VecLogicalOp::Bit,
        VecLogicalOp::Bif,
    ];

    /// The `(U, opc2)` fields.
    fn fields(self) -> (u32, u32) {
        match self {
            VecLogicalOp::And => (0, 0b00),
            VecLogicalOp::Bic => (0, 0b01),
            VecLogicalOp::Orr => (0, 0b10),
            VecLogicalOp::Orn => (0, 0b11),
            VecLogicalOp::Eor => (1, 0b00),
            VecLogicalOp::Bsl => (1, 0b01),
            VecLogicalOp::Bit => (1, 0b10),
            VecLogicalOp::Bif => (1, 0b11),
        }
    }
}

/// `op vd.16b, vn.16b, vm.16b` (or `.8b` for [`VecLen::V64`]).
pub fn vec_logical(op: VecLogicalOp, len: VecLen, rd: VReg, rn: VReg, rm: VReg) -> u32 {
    let (u, opc2) = op.fields();
    len.q() << 30
        | u << 29
        | 0b01110 << 24
        | opc2 << 22
        | 1 << 21
        | rm.bits() << 16
        | 0b00011_1 << 10
        | rn.bits() << 5
        | rd.bits()
}

/// Float three-same operations (`0 Q U 01110 a sz 1 Rm opcode 1 Rn Rd`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum VecFpOp {
    /// `fadd`
    Fadd,
    /// `fsub`
    Fsub,
    /// `fmul`
    Fmul,
    /// `fdiv`
    Fdiv,
    /// `fmax` (NaN-propagating)
    Fmax,
    /// `fmin` (NaN-propagating)
    Fmin,
    /// `fmaxnm` (a quiet NaN loses)
    Fmaxnm,
    /// `fminnm`
    Fminnm,
    /// `fcmeq`: lanes equal (false for NaN)
    Fcmeq,
    /// `fcmge`: greater or equal
    Fcmge,
    /// `fcmgt`: greater than
    Fcmgt,
}

impl VecFpOp {
    /// Every operation.
    pub const ALL: [VecFpOp; 11] = [
        VecFpOp::Fadd,
        VecFpOp::Fsub,
        VecFpOp::Fmul,
        VecFpOp::Fdiv,
        VecFpOp::Fmax,
        VecFpOp::Fmin,
        VecFpOp::Fmaxnm,
        VecFpOp::Fminnm,
        VecFpOp::Fcmeq,
        VecFpOp::Fcmge,
        VecFpOp::Fcmgt,
    ];

    /// The `(U, a, opcode)` fields.
    fn fields(self) -> (u32, u32, u32) {
        match self {
            VecFpOp::Fadd => (0, 0, 0b11010),
            VecFpOp::Fsub => (0, 1, 0b11010),
            VecFpOp::Fmul => (1, 0, 0b11011),
            VecFpOp::Fdiv => (1, 0, 0b11111),
            VecFpOp::Fmax => (0, 0, 0b11110),
            VecFpOp::Fmin => (0, 1, 0b11110),
            VecFpOp::Fmaxnm => (0, 0, 0b11000),
            VecFpOp::Fminnm => (0, 1, 0b11000),
            VecFpOp::Fcmeq => (0, 0, 0b11100),
            VecFpOp::Fcmge => (1, 0, 0b11100),
            VecFpOp::Fcmgt => (1, 1, 0b11100),
        }
    }
}

/// `op vd.T, vn.T, vm.T` on float lanes.
pub fn vec_fp_binary(op: VecFpOp, arr: FpArr, rd: VReg, rn: VReg, rm: VReg) -> u32 {
    let (u, a, opcode) = op.fields();
    arr.arr().len().q() << 30
        | u << 29
        | 0b01110 << 24
        | a << 23
        | arr.sz() << 22
        | 1 << 21
        | rm.bits() << 16
        | opcode << 11
        | 1 << 10
        | rn.bits() << 5
        | rd.bits()
}
