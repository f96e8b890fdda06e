//! Modified immediates: `movi`/`mvni` (`0 Q op 0111100000 abc cmode o2 1 defgh Rd`), which set
//! every lane from an 8-bit immediate. [`VecImm::find`] says whether a 64-bit pattern (repeated
//! to 128 bits) has such a form, so a constant can skip the constant pool.

use super::VecLen;
use crate::aarch64::enc::ufield;
use crate::aarch64::regs::VReg;

/// What a `movi`/`mvni` writes, as the 8-bit immediate and how it is expanded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum VecImm {
    /// `movi vd.16b, #imm8`: every byte.
    Bytes(u8),
    /// `movi`/`mvni vd.8h, #imm8, lsl #shift` (`shift` 0 or 8): every halfword, inverted by
    /// `invert` (`mvni`).
    Halves {
        /// The immediate.
        imm8: u8,
        /// Left shift, 0 or 8.
        shift: u32,
        /// `mvni`: the lanes are the complement.
        invert: bool,
    },
    /// `movi`/`mvni vd.4s, #imm8, lsl #shift` (`shift` 0, 8, 16 or 24): every word.
    Words {
        /// The immediate.
        imm8: u8,
        /// Left shift, a multiple of 8 below 32.
        shift: u32,
        /// `mvni`: the lanes are the complement.
        invert: bool,
    },
    /// `movi vd.2d, #imm64`: every byte of each doubleword is 0x00 or 0xff, bit `i` of `imm8`
    /// selecting byte `i` (`movi dd, #imm64` for a 64-bit length).
    ByteMask(u8),
}

impl VecImm {
    /// The `(op, cmode, imm8)` fields.
    fn fields(self) -> (u32, u32, u32) {
        match self {
            VecImm::Bytes(imm8) => (0, 0b1110, imm8 as u32),
            VecImm::Halves { imm8, shift, invert } => {
                debug_assert!(shift == 0 || shift == 8, "halfword movi shift {shift}");
                (invert as u32, 0b1000 | (shift / 8) << 1, imm8 as u32)
            }
            VecImm::Words { imm8, shift, invert } => {
                debug_assert!(shift % 8 == 0 && shift < 32, "word movi shift {shift}");
                (invert as u32, (shift / 8) << 1, imm8 as u32)
            }
            VecImm::ByteMask(imm8) => (1, 0b1110, imm8 as u32),
        }
    }

    /// The 64-bit pattern every doubleword of the destination gets.
    pub fn value(self) -> u64 {
        match self {
            VecImm::Bytes(b) => u64::from_le_bytes([b; 8]),
            VecImm::Halves { imm8, shift, invert } => {
                let lane = ((imm8 as u16) << shift) ^ if invert { u16::MAX } else { 0 };
                (0..4).fold(0, |acc, i| acc | (lane as u64) << (16 * i))
            }
            VecImm::Words { imm8, shift, invert } => {
                let lane = ((imm8 as u32) << shift) ^ if invert { u32::MAX } else { 0 };
                lane as u64 | (lane as u64) << 32
            }
            VecImm::ByteMask(mask) => {
                (0..8).fold(0, |acc, i| acc | if mask >> i & 1 == 1 { 0xff << (8 * i) } else { 0 })
            }
        }
    }

    /// Every immediate form, in the order [`VecImm::find`] prefers them.
    pub fn all() -> impl Iterator<Item = VecImm> {
        let bytes = (0..=255u8).map(VecImm::Bytes);
        let words = (0..=255u8).flat_map(|imm8| {
            [false, true].into_iter().flat_map(move |invert| {
                [0, 8, 16, 24].into_iter().map(move |shift| VecImm::Words { imm8, shift, invert })
            })
        });
        let halves = (0..=255u8).flat_map(|imm8| {
            [false, true]
                .into_iter()
                .flat_map(move |invert| [0, 8].into_iter().map(move |shift| VecImm::Halves { imm8, shift, invert }))
        });
        let masks = (0..=255u8).map(VecImm::ByteMask);
        bytes.chain(words).chain(halves).chain(masks)
    }

    /// A form that writes `pattern` to every doubleword, if there is one.
    pub fn find(pattern: u64) -> Option<VecImm> {
        VecImm::all().find(|imm| imm.value() == pattern)
    }
}

/// `movi`/`mvni vd.T, #imm` over the whole register (`len` V128) or its low half, the upper half
/// zeroed (`len` V64; [`VecImm::ByteMask`] is then the scalar `movi dd`).
pub fn vec_movi(imm: VecImm, len: VecLen, rd: VReg) -> u32 {
    let (op, cmode, imm8) = imm.fields();
    let imm8 = ufield(imm8, 8);
    len.q() << 30
        | op << 29
        | 0b0111100000 << 19
        | (imm8 >> 5) << 16
        | cmode << 12
        | 1 << 10
        | (imm8 & 0b11111) << 5
        | rd.bits()
}
