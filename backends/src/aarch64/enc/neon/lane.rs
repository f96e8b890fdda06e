//! One lane: broadcast ([`dup_element`], [`dup_general`]), insert ([`ins_general`],
//! [`ins_element`]) and extract to a general register ([`umov`], [`smov`]); the copy class
//! `0 Q op 01110000 imm5 0 imm4 1 Rn Rd`, where `imm5` names the lane width and index.

use super::{imm5, lane_index, Arr, Elem};
use crate::aarch64::regs::{Gpr, Size, VReg};

fn copy(q: u32, op: u32, imm5: u32, imm4: u32, rd: u32, rn: u32) -> u32 {
    q << 30 | op << 29 | 0b01110000 << 21 | imm5 << 16 | imm4 << 11 | 1 << 10 | rn << 5 | rd
}

/// `dup vd.T, vn.<t>[index]`: every lane of `rd` gets lane `index` of `rn`.
pub fn dup_element(arr: Arr, rd: VReg, rn: VReg, index: u8) -> u32 {
    copy(arr.len().q(), 0, imm5(arr.elem(), index), 0b0000, rd.bits(), rn.bits())
}

/// `dup vd.T, wn` (`xn` for `.2d`): every lane gets the low bits of a general register.
pub fn dup_general(arr: Arr, rd: VReg, rn: Gpr) -> u32 {
    copy(arr.len().q(), 0, imm5(arr.elem(), 0), 0b0001, rd.bits(), rn.bits())
}

/// `ins vd.<t>[index], wn` (`xn` for `.d`), written `mov`: one lane from a general register,
/// the other lanes kept.
pub fn ins_general(elem: Elem, rd: VReg, index: u8, rn: Gpr) -> u32 {
    copy(1, 0, imm5(elem, index), 0b0011, rd.bits(), rn.bits())
}

/// `ins vd.<t>[dst], vn.<t>[src]`, written `mov`: one lane from another vector register.
pub fn ins_element(elem: Elem, rd: VReg, dst: u8, rn: VReg, src: u8) -> u32 {
    let imm4 = lane_index(elem, src) << elem.size();
    copy(1, 1, imm5(elem, dst), imm4, rd.bits(), rn.bits())
}

/// `umov wd, vn.<t>[index]` (`xd` for `.d`): a lane zero-extended into a general register.
pub fn umov(elem: Elem, rd: Gpr, rn: VReg, index: u8) -> u32 {
    let q = (elem == Elem::D) as u32;
    copy(q, 0, imm5(elem, index), 0b0111, rd.bits(), rn.bits())
}

/// `smov wd/xd, vn.<t>[index]`: a `.b`/`.h` lane (or `.s` into `x`) sign-extended into a general
/// register of `size`.
pub fn smov(size: Size, elem: Elem, rd: Gpr, rn: VReg, index: u8) -> u32 {
    debug_assert!(
        match size {
            Size::W => matches!(elem, Elem::B | Elem::H),
            Size::X => elem != Elem::D,
        },
        "no smov of .{} into {size:?}",
        elem.letter()
    );
    copy(size.sf(), 0, imm5(elem, index), 0b0101, rd.bits(), rn.bits())
}
