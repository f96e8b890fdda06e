//! Vector memory access: whole `q` registers with an unsigned scaled offset, an unscaled signed
//! offset, a register offset or a PC-relative literal (the constant pool), and the single-lane
//! `ld1`/`st1` and the broadcasting `ld1r` (address in a register, no offset).
//!
//! Offsets are in bytes; the encoders check alignment and range but never pick the form.

use super::{lane_index, Arr, Elem};
use crate::aarch64::enc::loadstore::IndexExtend;
use crate::aarch64::enc::{branch_field, sfield, ufield};
use crate::aarch64::regs::{Gpr, GprSp, VReg};

/// `opc` of a `q` access: bit 22 is load.
fn q_opc(load: bool) -> u32 {
    if load {
        0b11
    } else {
        0b10
    }
}

/// `ldr`/`str qt, [rn, #offset]`: `offset` a multiple of 16 below 65536.
pub fn ldst_q_uimm(load: bool, rt: VReg, rn: GprSp, offset: u32) -> u32 {
    debug_assert!(offset.is_multiple_of(16), "q offset {offset} not a multiple of 16");
    0b00_111_1_01 << 24 | q_opc(load) << 22 | ufield(offset >> 4, 12) << 10 | rn.bits() << 5 | rt.bits()
}

/// `ldur`/`stur qt, [rn, #offset]` with a byte offset in -256..=255.
pub fn ldst_q_unscaled(load: bool, rt: VReg, rn: GprSp, offset: i32) -> u32 {
    0b00_111_1_00 << 24 | q_opc(load) << 22 | sfield(offset, 9) << 12 | rn.bits() << 5 | rt.bits()
}

/// `ldr`/`str qt, [rn, rm{, ext #4}]`: the index extended by `ext`, times 16 when `scaled`.
pub fn ldst_q_reg(load: bool, rt: VReg, rn: GprSp, rm: Gpr, ext: IndexExtend, scaled: bool) -> u32 {
    0b00_111_1_00 << 24
        | q_opc(load) << 22
        | 1 << 21
        | rm.bits() << 16
        | ext.bits() << 13
        | (scaled as u32) << 12
        | 0b10 << 10
        | rn.bits() << 5
        | rt.bits()
}

/// `ldr qt, label`: 16 bytes from `pc + offset` (a multiple of 4 within ±1 MiB).
pub fn ldr_q_literal(rt: VReg, offset: i32) -> u32 {
    0b10_011_1_00 << 24 | branch_field(offset, 19) << 5 | rt.bits()
}

/// The `(opcode, S, size)` fields that name lane `index` of width `elem` in a single-structure
/// access (the `Q` bit is returned first).
fn lane_fields(elem: Elem, index: u8) -> (u32, u32, u32, u32) {
    let i = lane_index(elem, index);
    match elem {
        Elem::B => (i >> 3, 0b000, i >> 2 & 1, i & 0b11),
        Elem::H => (i >> 2, 0b010, i >> 1 & 1, (i & 1) << 1),
        Elem::S => (i >> 1, 0b100, i & 1, 0b00),
        Elem::D => (i, 0b100, 0, 0b01),
    }
}

fn single(q: u32, load: bool, opcode: u32, s: u32, size: u32, rn: GprSp, rt: VReg) -> u32 {
    q << 30 | 0b0011010 << 23 | (load as u32) << 22 | opcode << 13 | s << 12 | size << 10 | rn.bits() << 5 | rt.bits()
}

/// `ld1 {vt.<t>}[index], [rn]`: load one lane, the other lanes kept.
pub fn ld1_lane(elem: Elem, rt: VReg, index: u8, rn: GprSp) -> u32 {
    let (q, opcode, s, size) = lane_fields(elem, index);
    single(q, true, opcode, s, size, rn, rt)
}

/// `st1 {vt.<t>}[index], [rn]`: store one lane.
pub fn st1_lane(elem: Elem, rt: VReg, index: u8, rn: GprSp) -> u32 {
    let (q, opcode, s, size) = lane_fields(elem, index);
    single(q, false, opcode, s, size, rn, rt)
}

/// `ld1r {vt.T}, [rn]`: load one element and broadcast it to every lane.
pub fn ld1r(arr: Arr, rt: VReg, rn: GprSp) -> u32 {
    single(arr.len().q(), true, 0b110, 0, arr.elem().size(), rn, rt)
}
