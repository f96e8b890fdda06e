//! Instruction selection for the SIMD lane, memory, shift and boolean operators on AArch64
//! NEON: `splat` (`dup` from a general register, or from lane 0 of a float register),
//! `extract_lane` (`umov`/`smov` into a general register, `dup` of the lane for floats, whose
//! scalar then sits in the low lane), `replace_lane` (`ins` into the source's register); the
//! loads that widen (`ldr d` + `sxtl`/`uxtl`), broadcast (`ld1r`), zero the rest (`ldr s`/`ldr d`)
//! or fill one lane (`ld1`), and `store*_lane` (`st1`), all through the scalar accesses'
//! address and bounds-check path (`mem_addr`); the shifts (immediate forms for a constant count,
//! else `ushl`/`sshl` by a duplicated, masked and, for right shifts, negated count); and
//! `any_true`, `all_true`, `bitmask`.
//!
//! Called first by `simd.rs`'s `lower_simd`; answers `false` for an operator it does not
//! lower, so that file refuses it. The exact semantics are the interpreter's
//! (`wlab_ir::interp::simd_numeric`). This file never encodes bytes and never names a
//! physical register.

use super::Ctx;
use crate::aarch64::enc::neon::shift::VecShiftOp;
use crate::aarch64::enc::neon::{Arr, Elem};
use crate::aarch64::inst::*;
use crate::aarch64::regs::{FpSize, Size};
use crate::machinst::LowerError;
use regalloc2::RegClass;
use wlab_ir::simd::SimdOp;
use wlab_ir::{Imm, Inst as IrInst};

/// What a lane operator does, by kind and lane width.
enum LaneOp {
    /// Every lane from a general register.
    SplatGp(Elem),
    /// Every lane from a float register's low lane.
    SplatFp(Elem),
    /// One lane into a general register (`smov` into 32 bits when signed).
    ExtractGp(Elem, bool),
    /// One float lane into a float register.
    ExtractFp(Elem),
    /// One lane replaced from a general register.
    ReplaceGp(Elem),
    /// One lane replaced from a float register's low lane.
    ReplaceFp(Elem),
}

fn lane_op(op: SimdOp) -> Option<LaneOp> {
    use LaneOp::*;
    use SimdOp as S;
    Some(match op {
        S::I8x16Splat => SplatGp(Elem::B),
        S::I16x8Splat => SplatGp(Elem::H),
        S::I32x4Splat => SplatGp(Elem::S),
        S::I64x2Splat => SplatGp(Elem::D),
        S::F32x4Splat => SplatFp(Elem::S),
        S::F64x2Splat => SplatFp(Elem::D),
        S::I8x16ExtractLaneS => ExtractGp(Elem::B, true),
        S::I8x16ExtractLaneU => ExtractGp(Elem::B, false),
        S::I16x8ExtractLaneS => ExtractGp(Elem::H, true),
        S::I16x8ExtractLaneU => ExtractGp(Elem::H, false),
        S::I32x4ExtractLane => ExtractGp(Elem::S, false),
        S::I64x2ExtractLane => ExtractGp(Elem::D, false),
        S::F32x4ExtractLane => ExtractFp(Elem::S),
        S::F64x2ExtractLane => ExtractFp(Elem::D),
        S::I8x16ReplaceLane => ReplaceGp(Elem::B),
        S::I16x8ReplaceLane => ReplaceGp(Elem::H),
        S::I32x4ReplaceLane => ReplaceGp(Elem::S),
        S::I64x2ReplaceLane => ReplaceGp(Elem::D),
        S::F32x4ReplaceLane => ReplaceFp(Elem::S),
        S::F64x2ReplaceLane => ReplaceFp(Elem::D),
        _ => return None,
    })
}

/// The shift of `op` and its arrangement.
fn shift_op(op: SimdOp) -> Option<(VecShiftOp, Arr)> {
    use SimdOp as S;
    use VecShiftOp::*;
    Some(match op {
        S::I8x16Shl => (Shl, Arr::B16),
        S::I8x16ShrS => (Sshr, Arr::B16),
        S::I8x16ShrU => (Ushr, Arr::B16),
        S::I16x8Shl => (Shl, Arr::H8),
        S::I16x8ShrS => (Sshr, Arr::H8),
        S::I16x8ShrU => (Ushr, Arr::H8),
        S::I32x4Shl => (Shl, Arr::S4),
        S::I32x4ShrS => (Sshr, Arr::S4),
        S::I32x4ShrU => (Ushr, Arr::S4),
        S::I64x2Shl => (Shl, Arr::D2),
        S::I64x2ShrS => (Sshr, Arr::D2),
        S::I64x2ShrU => (Ushr, Arr::D2),
        _ => return None,
    })
}

/// A load or store of part of a vector.
#[derive(Clone, Copy)]
enum MemKind {
    /// Eight bytes, each lane of width `from` widened (sign-extended when the flag is set).
    Extend(bool, Elem),
    /// One element broadcast.
    Splat(Elem),
    /// One element into lane 0, the rest zero.
    Zero(Elem),
    /// One lane loaded, the others kept.
    LoadLane(Elem),
    /// One lane stored.
    StoreLane(Elem),
}

fn mem_op(op: SimdOp) -> Option<MemKind> {
    use MemKind::*;
    use SimdOp as S;
    Some(match op {
        S::V128Load8x8S => Extend(true, Elem::B),
        S::V128Load8x8U => Extend(false, Elem::B),
        S::V128Load16x4S => Extend(true, Elem::H),
        S::V128Load16x4U => Extend(false, Elem::H),
        S::V128Load32x2S => Extend(true, Elem::S),
        S::V128Load32x2U => Extend(false, Elem::S),
        S::V128Load8Splat => Splat(Elem::B),
        S::V128Load16Splat => Splat(Elem::H),
        S::V128Load32Splat => Splat(Elem::S),
        S::V128Load64Splat => Splat(Elem::D),
        S::V128Load32Zero => Zero(Elem::S),
        S::V128Load64Zero => Zero(Elem::D),
        S::V128Load8Lane => LoadLane(Elem::B),
        S::V128Load16Lane => LoadLane(Elem::H),
        S::V128Load32Lane => LoadLane(Elem::S),
        S::V128Load64Lane => LoadLane(Elem::D),
        S::V128Store8Lane => StoreLane(Elem::B),
        S::V128Store16Lane => StoreLane(Elem::H),
        S::V128Store32Lane => StoreLane(Elem::S),
        S::V128Store64Lane => StoreLane(Elem::D),
        _ => return None,
    })
}

/// A reduction of a vector to an i32.
#[derive(Clone, Copy)]
enum BoolKind {
    AnyTrue,
    AllTrue(Arr),
    Bitmask(Arr),
}

fn bool_op(op: SimdOp) -> Option<BoolKind> {
    use BoolKind::*;
    use SimdOp as S;
    Some(match op {
        S::V128AnyTrue => AnyTrue,
        S::I8x16AllTrue => AllTrue(Arr::B16),
        S::I16x8AllTrue => AllTrue(Arr::H8),
        S::I32x4AllTrue => AllTrue(Arr::S4),
        S::I64x2AllTrue => AllTrue(Arr::D2),
        S::I8x16Bitmask => Bitmask(Arr::B16),
        S::I16x8Bitmask => Bitmask(Arr::H8),
        S::I32x4Bitmask => Bitmask(Arr::S4),
        S::I64x2Bitmask => Bitmask(Arr::D2),
        _ => return None,
    })
}

impl Ctx<'_> {
    /// Lowers `i` when `op` is one of this file's operators; `Ok(false)` otherwise.
    pub(super) fn lower_simd_lanes(&mut self, i: IrInst, op: SimdOp) -> Result<bool, LowerError> {
        if let Some(kind) = lane_op(op) {
            self.lower_lane(i, kind)?;
        } else if let Some((sop, arr)) = shift_op(op) {
            self.lower_vec_shift(i, sop, arr);
        } else if let Some(kind) = mem_op(op) {
            self.lower_vec_mem(i, kind)?;
        } else if let Some(kind) = bool_op(op) {
            let d = self.f.inst(i).clone();
            let src = self.get(d.args[0]);
            let dst = self.vreg(d.results[0]);
            match kind {
                BoolKind::AnyTrue => self.b.push(Inst::VecAnyTrue { dst, src }),
                BoolKind::AllTrue(arr) => self.b.push(Inst::VecAllTrue { arr, dst, src }),
                BoolKind::Bitmask(arr) => {
                    let tmp = self.b.vreg(RegClass::Float);
                    self.b.push(Inst::VecBitmask { arr, dst, src, tmp });
                }
            }
        } else {
            return Ok(false);
        }
        Ok(true)
    }

    /// A shift: by the immediate form when the count is a constant (modulo the lane width;
    /// a zero count is a move), else by a register.
    fn lower_vec_shift(&mut self, i: IrInst, op: VecShiftOp, arr: Arr) {
        let d = self.f.inst(i).clone();
        let src = self.get(d.args[0]);
        let dst = self.vreg(d.results[0]);
        match self.iconst(d.args[1]) {
            Some(k) => {
                let amount = (k as u64 & (arr.elem().bits() as u64 - 1)) as u8;
                if amount == 0 {
                    self.b.push(Inst::VecMov { dst, src });
                } else {
                    self.b.push(Inst::VecShiftImm { op, arr, dst, src, amount });
                }
            }
            None => {
                let count = self.get(d.args[1]);
                self.b.push(Inst::VecShiftReg { op, arr, dst, src, count });
            }
        }
    }

    /// A load or store of part of a vector, at the address `mem_addr` forms (with the bounds
    /// check the module's mode asks for).
    fn lower_vec_mem(&mut self, i: IrInst, kind: MemKind) -> Result<(), LowerError> {
        let d = self.f.inst(i).clone();
        let (m, lane) = match d.imm {
            Imm::Mem(m) => (m, None),
            Imm::MemLane(m, l) => (m, Some(l)),
            _ => return Err(self.malformed(i)),
        };
        let bytes = match kind {
            MemKind::Extend(..) => 8,
            MemKind::Splat(elem) | MemKind::Zero(elem) | MemKind::LoadLane(elem) | MemKind::StoreLane(elem) => {
                elem.bits() as u64 / 8
            }
        };
        let lane_of = |cx: &Self| lane.ok_or_else(|| cx.malformed(i));
        match kind {
            MemKind::Extend(signed, from) => {
                let addr = self.mem_addr(d.args[0], m.offset, bytes);
                let dst = self.vreg(d.results[0]);
                self.b.push(Inst::VecLoadExtend { signed, from, dst, addr });
            }
            MemKind::Splat(elem) => {
                let addr = self.mem_addr(d.args[0], m.offset, bytes);
                let dst = self.vreg(d.results[0]);
                self.b.push(Inst::VecLoadSplat { elem, dst, addr });
            }
            MemKind::Zero(elem) => {
                // `ldr s`/`ldr d` zero the rest of the register.
                let addr = self.mem_addr(d.args[0], m.offset, bytes);
                let dst = self.vreg(d.results[0]);
                let size = if elem == Elem::S { FpSize::S } else { FpSize::D };
                self.b.push(Inst::FLoad { size, dst, addr });
            }
            MemKind::LoadLane(elem) => {
                let lane = lane_of(self)?;
                let src = self.get(d.args[1]);
                let addr = self.mem_addr(d.args[0], m.offset, bytes);
                let dst = self.vreg(d.results[0]);
                self.b.push(Inst::VecLoadLane { elem, lane, dst, src, addr });
            }
            MemKind::StoreLane(elem) => {
                let lane = lane_of(self)?;
                let src = self.get(d.args[1]);
                let addr = self.mem_addr(d.args[0], m.offset, bytes);
                self.b.push(Inst::VecStoreLane { elem, lane, src, addr });
            }
        }
        Ok(())
    }

    /// splat, extract_lane, replace_lane.
    fn lower_lane(&mut self, i: IrInst, kind: LaneOp) -> Result<(), LowerError> {
        let d = self.f.inst(i).clone();
        let lane = || match d.imm {
            Imm::Lane(l) => Some(l),
            _ => None,
        };
        let dst = self.vreg(d.results[0]);
        let src = self.get(d.args[0]);
        match kind {
            LaneOp::SplatGp(elem) => self.b.push(Inst::VecDupGp { arr: Arr::full(elem), dst, src }),
            LaneOp::SplatFp(elem) => self.b.push(Inst::VecDupLane { arr: Arr::full(elem), dst, src, lane: 0 }),
            LaneOp::ExtractGp(elem, signed) => {
                let lane = lane().ok_or_else(|| self.malformed(i))?;
                let size = if elem == Elem::D { Size::X } else { Size::W };
                self.b.push(Inst::VecExtract { elem, signed, size, dst, src, lane });
            }
            LaneOp::ExtractFp(elem) => {
                let lane = lane().ok_or_else(|| self.malformed(i))?;
                self.b.push(Inst::VecDupLane { arr: Arr::full(elem), dst, src, lane });
            }
            LaneOp::ReplaceGp(elem) | LaneOp::ReplaceFp(elem) => {
                let lane = lane().ok_or_else(|| self.malformed(i))?;
                let val = self.get(d.args[1]);
                if matches!(kind, LaneOp::ReplaceGp(_)) {
                    self.b.push(Inst::VecInsertGp { elem, dst, src, val, lane });
                } else {
                    self.b.push(Inst::VecInsertLane { elem, dst, src, val, lane });
                }
            }
        }
        Ok(())
    }
}
