//! Instruction selection for the SIMD lane-access operators on AArch64 NEON: `splat`
//! (`dup` from a general register, or from lane 0 of a float register), `extract_lane`
//! (`umov`/`smov` into a general register, `dup` of the lane for floats, whose scalar then
//! sits in the low lane) and `replace_lane` (`ins` into the source's register).
//!
//! Called first by `simd.rs`'s `lower_simd`; answers `false` for an operator it does not
//! lower, so that file refuses it. The exact semantics are the interpreter's
//! (`wlab_ir::interp::simd_numeric`). This file never encodes bytes and never names a
//! physical register.

use super::Ctx;
use crate::aarch64::enc::neon::{Arr, Elem};
use crate::aarch64::inst::*;
use crate::aarch64::regs::Size;
use crate::machinst::LowerError;
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

impl Ctx<'_> {
    /// Lowers `i` when `op` is one of this file's operators; `Ok(false)` otherwise.
    pub(super) fn lower_simd_lanes(&mut self, i: IrInst, op: SimdOp) -> Result<bool, LowerError> {
        let Some(kind) = lane_op(op) else { return Ok(false) };
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
        Ok(true)
    }
}
