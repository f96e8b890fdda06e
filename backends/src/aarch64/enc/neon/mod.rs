//! NEON (Advanced SIMD) encoders: the vector forms wasm's fixed-width SIMD lowers to, one small
//! pure function per form family, grouped by instruction class as the manual groups them.
//!
//! ```text
//! mod.rs      arrangement types: Arr (element x lanes), FpArr, Elem, VecLen
//! arith.rs    three registers, same arrangement: integer, logical and float lane arithmetic
//! unary.rs    two registers: integer and float one-source ops, narrowing, fcvtn/fcvtl,
//!             pairwise widening adds, reductions across lanes
//! long.rs     three registers, widening: smull/umull/smlal/umlal(2)
//! shift.rs    shift by immediate: shl/sshr/ushr, sshll/ushll(2) (sxtl/uxtl), shll(2)
//! permute.rs  zip/uzp/trn, ext, tbl/tbx
//! lane.rs     one lane: dup, ins, umov, smov
//! imm.rs      movi/mvni modified immediates
//! mem.rs      ldr/str q (offset, unscaled, register, literal), ld1/st1 one lane, ld1r
//! ```
//!
//! Operands are typed: an arrangement is an [`Arr`] (or [`FpArr`] for float lanes), never a raw
//! `Q`/`size` pair, and the reserved `.1d` arrangement has no value. A combination that exists
//! in the types but is reserved for one operation (say `mul` on `.2d`) is a programming error
//! caught by a `debug_assert!`. These encoders never pick an instruction: lowering does.

pub mod arith;
pub mod imm;
pub mod lane;
pub mod long;
pub mod mem;
pub mod permute;
pub mod shift;
pub mod unary;

use std::fmt;

/// A lane width.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Elem {
    /// 8-bit lanes.
    B,
    /// 16-bit lanes.
    H,
    /// 32-bit lanes.
    S,
    /// 64-bit lanes.
    D,
}

impl Elem {
    /// Every lane width.
    pub const ALL: [Elem; 4] = [Elem::B, Elem::H, Elem::S, Elem::D];

    /// The 2-bit `size` field (log2 of the lane width in bytes).
    pub fn size(self) -> u32 {
        match self {
            Elem::B => 0b00,
            Elem::H => 0b01,
            Elem::S => 0b10,
            Elem::D => 0b11,
        }
    }

    /// Lane width in bits.
    pub fn bits(self) -> u32 {
        8 << self.size()
    }

    /// The lane twice as wide (`None` for `D`).
    pub fn widened(self) -> Option<Elem> {
        match self {
            Elem::B => Some(Elem::H),
            Elem::H => Some(Elem::S),
            Elem::S => Some(Elem::D),
            Elem::D => None,
        }
    }

    /// The assembler's lane letter.
    pub fn letter(self) -> char {
        match self {
            Elem::B => 'b',
            Elem::H => 'h',
            Elem::S => 's',
            Elem::D => 'd',
        }
    }
}

/// How much of the register an operation uses: the `Q` bit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum VecLen {
    /// The low 64 bits (`Q = 0`); the upper half of a destination is zeroed.
    V64,
    /// All 128 bits (`Q = 1`).
    V128,
}

impl VecLen {
    /// Both lengths.
    pub const ALL: [VecLen; 2] = [VecLen::V64, VecLen::V128];

    /// The `Q` bit.
    pub fn q(self) -> u32 {
        match self {
            VecLen::V64 => 0,
            VecLen::V128 => 1,
        }
    }

    /// Length in bytes.
    pub fn bytes(self) -> u32 {
        8 << self.q()
    }
}

/// A vector arrangement: lane width times lane count. `.1d` is reserved for the vector forms
/// used here, so it has no value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Arr {
    /// Eight bytes (64 bits).
    B8,
    /// Sixteen bytes.
    B16,
    /// Four halfwords (64 bits).
    H4,
    /// Eight halfwords.
    H8,
    /// Two words (64 bits).
    S2,
    /// Four words.
    S4,
    /// Two doublewords.
    D2,
}

impl Arr {
    /// Every arrangement.
    pub const ALL: [Arr; 7] = [Arr::B8, Arr::B16, Arr::H4, Arr::H8, Arr::S2, Arr::S4, Arr::D2];

    /// The full-width (128-bit) arrangement of each lane width, the shapes of wasm's v128.
    pub fn full(elem: Elem) -> Arr {
        match elem {
            Elem::B => Arr::B16,
            Elem::H => Arr::H8,
            Elem::S => Arr::S4,
            Elem::D => Arr::D2,
        }
    }

    /// The 64-bit arrangement of a lane width (`None` for `D`: `.1d` is reserved).
    pub fn half(elem: Elem) -> Option<Arr> {
        match elem {
            Elem::B => Some(Arr::B8),
            Elem::H => Some(Arr::H4),
            Elem::S => Some(Arr::S2),
            Elem::D => None,
        }
    }

    /// The lane width.
    pub fn elem(self) -> Elem {
        match self {
            Arr::B8 | Arr::B16 => Elem::B,
            Arr::H4 | Arr::H8 => Elem::H,
            Arr::S2 | Arr::S4 => Elem::S,
            Arr::D2 => Elem::D,
        }
    }

    /// The register length.
    pub fn len(self) -> VecLen {
        match self {
            Arr::B8 | Arr::H4 | Arr::S2 => VecLen::V64,
            Arr::B16 | Arr::H8 | Arr::S4 | Arr::D2 => VecLen::V128,
        }
    }

    /// The number of lanes.
    pub fn lanes(self) -> u32 {
        self.len().bytes() * 8 / self.elem().bits()
    }
}

impl fmt::Display for Arr {
    /// The assembler's suffix without the dot (`16b`, `2d`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.lanes(), self.elem().letter())
    }
}

/// A floating-point vector arrangement (half precision is not used by wasm).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FpArr {
    /// Two singles (64 bits).
    S2,
    /// Four singles.
    S4,
    /// Two doubles.
    D2,
}

impl FpArr {
    /// Every float arrangement.
    pub const ALL: [FpArr; 3] = [FpArr::S2, FpArr::S4, FpArr::D2];

    /// The `sz` bit (bit 22): 0 for singles, 1 for doubles.
    pub fn sz(self) -> u32 {
        match self {
            FpArr::S2 | FpArr::S4 => 0,
            FpArr::D2 => 1,
        }
    }

    /// The same lanes as an integer arrangement.
    pub fn arr(self) -> Arr {
        match self {
            FpArr::S2 => Arr::S2,
            FpArr::S4 => Arr::S4,
            FpArr::D2 => Arr::D2,
        }
    }
}

/// Debug-checks a lane index against the number of lanes of `elem` in a 128-bit register.
pub(crate) fn lane_index(elem: Elem, index: u8) -> u32 {
    debug_assert!((index as u32) < 128 / elem.bits(), "lane {index} out of range for .{}", elem.letter());
    index as u32
}

/// The `imm5` field that names lane `index` of width `elem` (dup, ins, umov, smov): the lowest
/// set bit gives the width, the bits above it the index.
pub(crate) fn imm5(elem: Elem, index: u8) -> u32 {
    let s = elem.size();
    (lane_index(elem, index) << (s + 1)) | (1 << s)
}
