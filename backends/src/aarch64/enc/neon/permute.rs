//! Lane permutations: interleave/de-interleave/transpose ([`vec_permute`]), byte extraction from
//! a register pair ([`vec_ext`]) and table lookups ([`vec_tbl`], wasm's `swizzle` and `shuffle`).
//!
//! `tbl` gives 0 for an out-of-range index, exactly wasm's `swizzle`; `tbx` leaves the
//! destination byte instead.

use super::{Arr, VecLen};
use crate::aarch64::regs::VReg;

/// The permutations (`0 Q 001110 size 0 Rm 0 opcode 10 Rn Rd`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PermuteOp {
    /// `uzp1`: even lanes of `rn:rm`
    Uzp1,
    /// `trn1`
    Trn1,
    /// `zip1`: interleave the low halves
    Zip1,
    /// `uzp2`: odd lanes of `rn:rm`
    Uzp2,
    /// `trn2`
    Trn2,
    /// `zip2`: interleave the upper halves
    Zip2,
}

impl PermuteOp {
    /// Every permutation.
    pub const ALL: [PermuteOp; 6] =
        [PermuteOp::Uzp1, PermuteOp::Trn1, PermuteOp::Zip1, PermuteOp::Uzp2, PermuteOp::Trn2, PermuteOp::Zip2];

    fn opcode(self) -> u32 {
        match self {
            PermuteOp::Uzp1 => 0b001,
            PermuteOp::Trn1 => 0b010,
            PermuteOp::Zip1 => 0b011,
            PermuteOp::Uzp2 => 0b101,
            PermuteOp::Trn2 => 0b110,
            PermuteOp::Zip2 => 0b111,
        }
    }
}

/// `op vd.T, vn.T, vm.T`.
pub fn vec_permute(op: PermuteOp, arr: Arr, rd: VReg, rn: VReg, rm: VReg) -> u32 {
    arr.len().q() << 30
        | 0b001110 << 24
        | arr.elem().size() << 22
        | rm.bits() << 16
        | op.opcode() << 12
        | 0b10 << 10
        | rn.bits() << 5
        | rd.bits()
}

/// `ext vd.16b, vn.16b, vm.16b, #index`: bytes `index..index+16` of the pair `rm:rn` (`rn` is the
/// low part); `index` below the length in bytes.
pub fn vec_ext(len: VecLen, rd: VReg, rn: VReg, rm: VReg, index: u32) -> u32 {
    debug_assert!(index < len.bytes(), "ext index {index} out of range");
    len.q() << 30 | 0b101110_000 << 21 | rm.bits() << 16 | index << 11 | rn.bits() << 5 | rd.bits()
}

/// `tbl`/`tbx vd.16b, {vn.16b, ...}, vm.16b`: look each index byte of `rm` up in the `regs`
/// (1..=4) consecutive table registers starting at `table` (numbers wrap past v31). The table
/// registers are whole `.16b` registers whatever `len` says of `rd` and `rm`.
pub fn vec_tbl(tbx: bool, len: VecLen, rd: VReg, table: VReg, regs: u32, rm: VReg) -> u32 {
    debug_assert!((1..=4).contains(&regs), "tbl with {regs} table registers");
    len.q() << 30
        | 0b001110_000 << 21
        | rm.bits() << 16
        | (regs - 1) << 13
        | (tbx as u32) << 12
        | table.bits() << 5
        | rd.bits()
}
