//! Load and store pairs (`ldp`/`stp`) of general or FP registers, with a signed offset scaled by
//! the register width, in offset, pre-index (`[rn, #off]!`) and post-index (`[rn], #off`) modes:
//! the prologue/epilogue and spill-pair workhorses.
//!
//! Never encodes an `ldp` whose two destinations are the same register, nor a write-back form
//! whose base is also a transfer register (both are CONSTRAINED UNPREDICTABLE).

use super::sfield;
use crate::aarch64::regs::{FpSize, Gpr, GprSp, Size, VReg};

/// How the base register is used.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PairMode {
    /// `[rn, #off]`: base unchanged.
    Offset,
    /// `[rn, #off]!`: base updated before the access.
    PreIndex,
    /// `[rn], #off`: base updated after the access.
    PostIndex,
}

impl PairMode {
    /// Every mode.
    pub const ALL: [PairMode; 3] = [PairMode::Offset, PairMode::PreIndex, PairMode::PostIndex];

    fn bits(self) -> u32 {
        match self {
            PairMode::PostIndex => 0b001,
            PairMode::Offset => 0b010,
            PairMode::PreIndex => 0b011,
        }
    }
}

fn pair(opc: u32, v: u32, scale: u32, mode: PairMode, load: bool, rt: u32, rt2: u32, rn: GprSp, offset: i32) -> u32 {
    debug_assert!(offset % (1 << scale) == 0, "pair offset {offset} not a multiple of {}", 1 << scale);
    debug_assert!(!load || rt != rt2, "ldp with the same destination twice");
    opc << 30
        | 0b101 << 27
        | v << 26
        | mode.bits() << 23
        | (load as u32) << 22
        | sfield(offset >> scale, 7) << 15
        | rt2 << 10
        | rn.bits() << 5
        | rt
}

/// `ldp`/`stp rt, rt2, <address>` of general registers; `offset` is a byte offset, a multiple of
/// the register width in -64..=63 times it.
pub fn ldst_pair(load: bool, size: Size, mode: PairMode, rt: Gpr, rt2: Gpr, rn: GprSp, offset: i32) -> u32 {
    debug_assert!(
        mode == PairMode::Offset || rn.is_sp() || (rn.bits() != rt.bits() && rn.bits() != rt2.bits()),
        "write-back pair whose base is transferred"
    );
    let (opc, scale) = match size {
        Size::W => (0b00, 2),
        Size::X => (0b10, 3),
    };
    pair(opc, 0, scale, mode, load, rt.bits(), rt2.bits(), rn, offset)
}

/// `ldp`/`stp st, st2 | dt, dt2, <address>` of FP registers; offset rules of [`ldst_pair`].
pub fn fp_ldst_pair(load: bool, size: FpSize, mode: PairMode, rt: VReg, rt2: VReg, rn: GprSp, offset: i32) -> u32 {
    let (opc, scale) = match size {
        FpSize::S => (0b00, 2),
        FpSize::D => (0b01, 3),
    };
    pair(opc, 1, scale, mode, load, rt.bits(), rt2.bits(), rn, offset)
}
