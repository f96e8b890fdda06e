//! Instruction selection for the SIMD operators that change lane width or shape on AArch64
//! NEON (part B of the NEON lowering; `simd.rs` hands every operator it does not lower here):
//!
//! - widen/narrow: `extend_low/high` (`sxtl`/`uxtl(2)`), `narrow` (`sqxtn`/`sqxtun` then the
//!   `2` form), `extmul` (`smull`/`umull(2)`), `extadd_pairwise` (`saddlp`/`uaddlp`),
//!   `i32x4.dot_i16x8_s` (`smull` + `smull2` + `addp`), `i64x2.mul` (32-bit partial products);
//! - conversions: `scvtf`/`ucvtf`, `fcvtzs`/`fcvtzu` (saturating, NaN to 0, as `trunc_sat`),
//!   the `_zero` forms through a saturating narrow, `convert_low` through `sxtl`/`uxtl`,
//!   `demote` (`fcvtn`, upper half zeroed) and `promote_low` (`fcvtl`);
//! - `pmin`/`pmax` (`fcmgt` + bit select: wasm's `b < a ? b : a`, not `fmin`);
//! - `swizzle` (`tbl` with one table: an index above 15 gives 0, exactly wasm's rule) and
//!   `shuffle` (two one-table `tbl`s on constant indices, then `orr`).
//!
//! The exact semantics are the interpreter's (`wlab_ir::interp::simd_numeric`). This file never
//! encodes bytes, never names a physical register and never lowers part A's operators (lanes,
//! memory, shifts, reductions).

use super::Ctx;
use crate::aarch64::enc::neon::arith::{VecFpOp, VecIntOp, VecLogicalOp};
use crate::aarch64::enc::neon::long::MulLongOp;
use crate::aarch64::enc::neon::unary::{FpWidth, NarrowOp, VecFpUnOp, VecIntUnOp};
use crate::aarch64::enc::neon::{Arr, Elem, FpArr};
use crate::aarch64::inst::*;
use crate::machinst::LowerError;
use crate::reg::Reg;
use regalloc2::RegClass;
use wlab_ir::simd::SimdOp;
use wlab_ir::{Imm, Inst as IrInst};

/// `extend_{low,high}_*`: (signed, source lane width, upper half).
fn extend(op: SimdOp) -> Option<(bool, Elem, bool)> {
    use SimdOp as S;
    Some(match op {
        S::I16x8ExtendLowI8x16S => (true, Elem::B, false),
        S::I16x8ExtendHighI8x16S => (true, Elem::B, true),
        S::I16x8ExtendLowI8x16U => (false, Elem::B, false),
        S::I16x8ExtendHighI8x16U => (false, Elem::B, true),
        S::I32x4ExtendLowI16x8S => (true, Elem::H, false),
        S::I32x4ExtendHighI16x8S => (true, Elem::H, true),
        S::I32x4ExtendLowI16x8U => (false, Elem::H, false),
        S::I32x4ExtendHighI16x8U => (false, Elem::H, true),
        S::I64x2ExtendLowI32x4S => (true, Elem::S, false),
        S::I64x2ExtendHighI32x4S => (true, Elem::S, true),
        S::I64x2ExtendLowI32x4U => (false, Elem::S, false),
        S::I64x2ExtendHighI32x4U => (false, Elem::S, true),
        _ => return None,
    })
}

/// `extmul_{low,high}_*`: (multiply, source lane width, upper half).
fn extmul(op: SimdOp) -> Option<(MulLongOp, Elem, bool)> {
    use MulLongOp::{Smull, Umull};
    use SimdOp as S;
    Some(match op {
        S::I16x8ExtMulLowI8x16S => (Smull, Elem::B, false),
        S::I16x8ExtMulHighI8x16S => (Smull, Elem::B, true),
        S::I16x8ExtMulLowI8x16U => (Umull, Elem::B, false),
        S::I16x8ExtMulHighI8x16U => (Umull, Elem::B, true),
        S::I32x4ExtMulLowI16x8S => (Smull, Elem::H, false),
        S::I32x4ExtMulHighI16x8S => (Smull, Elem::H, true),
        S::I32x4ExtMulLowI16x8U => (Umull, Elem::H, false),
        S::I32x4ExtMulHighI16x8U => (Umull, Elem::H, true),
        S::I64x2ExtMulLowI32x4S => (Smull, Elem::S, false),
        S::I64x2ExtMulHighI32x4S => (Smull, Elem::S, true),
        S::I64x2ExtMulLowI32x4U => (Umull, Elem::S, false),
        S::I64x2ExtMulHighI32x4U => (Umull, Elem::S, true),
        _ => return None,
    })
}

/// `narrow_*`: (saturating narrow, result lane width). Wasm's unsigned narrow reads signed
/// lanes, so it is `sqxtun` (signed in, unsigned saturated out), not `uqxtn`.
fn narrow(op: SimdOp) -> Option<(NarrowOp, Elem)> {
    use SimdOp as S;
    Some(match op {
        S::I8x16NarrowI16x8S => (NarrowOp::Sqxtn, Elem::B),
        S::I8x16NarrowI16x8U => (NarrowOp::Sqxtun, Elem::B),
        S::I16x8NarrowI32x4S => (NarrowOp::Sqxtn, Elem::H),
        S::I16x8NarrowI32x4U => (NarrowOp::Sqxtun, Elem::H),
        _ => return None,
    })
}

/// The conversions that are one float lane instruction.
fn convert(op: SimdOp) -> Option<(VecFpUnOp, FpArr)> {
    use SimdOp as S;
    Some(match op {
        S::F32x4ConvertI32x4S => (VecFpUnOp::Scvtf, FpArr::S4),
        S::F32x4ConvertI32x4U => (VecFpUnOp::Ucvtf, FpArr::S4),
        S::I32x4TruncSatF32x4S => (VecFpUnOp::Fcvtzs, FpArr::S4),
        S::I32x4TruncSatF32x4U => (VecFpUnOp::Fcvtzu, FpArr::S4),
        _ => return None,
    })
}

impl Ctx<'_> {
    fn vtemp(&mut self) -> Reg {
        self.b.vreg(RegClass::Float)
    }

    /// Lowers `op` if it is one of this file's operators; `Ok(false)` when it is not.
    pub(super) fn lower_simd_widen(&mut self, i: IrInst, op: SimdOp) -> Result<bool, LowerError> {
        use SimdOp as S;
        let d = self.f.inst(i).clone();
        // Every operator here has one v128 result; the others (stores) are not this file's.
        let Some(&result) = d.results.first() else { return Ok(false) };
        let dst = self.vreg(result);
        if let Some((signed, from, upper)) = extend(op) {
            let src = self.get(d.args[0]);
            self.b.push(Inst::VecWiden { signed, from, upper, dst, src });
            return Ok(true);
        }
        if let Some((mul, from, upper)) = extmul(op) {
            let (a, b) = (self.get(d.args[0]), self.get(d.args[1]));
            self.b.push(Inst::VecMulLong { op: mul, from, upper, dst, a, b });
            return Ok(true);
        }
        if let Some((nop, to)) = narrow(op) {
            let (lo, hi) = (self.get(d.args[0]), self.get(d.args[1]));
            self.b.push(Inst::VecNarrow { op: nop, to, dst, lo, hi: Some(hi) });
            return Ok(true);
        }
        if let Some((fop, arr)) = convert(op) {
            let src = self.get(d.args[0]);
            self.b.push(Inst::VecFpUn { op: fop, arr, dst, src });
            return Ok(true);
        }
        match op {
            S::I16x8ExtAddPairwiseI8x16S | S::I16x8ExtAddPairwiseI8x16U => {
                let src = self.get(d.args[0]);
                let signed = op == S::I16x8ExtAddPairwiseI8x16S;
                self.b.push(Inst::VecPairwiseLong { signed, arr: Arr::B16, dst, src });
            }
            S::I32x4ExtAddPairwiseI16x8S | S::I32x4ExtAddPairwiseI16x8U => {
                let src = self.get(d.args[0]);
                let signed = op == S::I32x4ExtAddPairwiseI16x8S;
                self.b.push(Inst::VecPairwiseLong { signed, arr: Arr::H8, dst, src });
            }
            S::I32x4DotI16x8S => {
                // Products of lanes 0-3 and 4-7 as 32-bit lanes, then adjacent pairs summed
                // (wrapping, as wasm: only -32768 * -32768 twice overflows).
                let (a, b) = (self.get(d.args[0]), self.get(d.args[1]));
                let (lo, hi) = (self.vtemp(), self.vtemp());
                let from = Elem::H;
                self.b.push(Inst::VecMulLong { op: MulLongOp::Smull, from, upper: false, dst: lo, a, b });
                self.b.push(Inst::VecMulLong { op: MulLongOp::Smull, from, upper: true, dst: hi, a, b });
                self.b.push(Inst::VecInt { op: VecIntOp::Addp, arr: Arr::S4, dst, a: lo, b: hi });
            }
            S::I64x2Mul => self.lower_i64x2_mul(d.args[0], d.args[1], dst),
            S::I32x4TruncSatF64x2SZero | S::I32x4TruncSatF64x2UZero => {
                // To 64-bit integers (saturating, NaN to 0), then saturated to 32 bits into the
                // low half; the narrow zeroes the upper half.
                let signed = op == S::I32x4TruncSatF64x2SZero;
                let (fop, nop) =
                    if signed { (VecFpUnOp::Fcvtzs, NarrowOp::Sqxtn) } else { (VecFpUnOp::Fcvtzu, NarrowOp::Uqxtn) };
                let src = self.get(d.args[0]);
                let t = self.vtemp();
                self.b.push(Inst::VecFpUn { op: fop, arr: FpArr::D2, dst: t, src });
                self.b.push(Inst::VecNarrow { op: nop, to: Elem::S, dst, lo: t, hi: None });
            }
            S::F64x2ConvertLowI32x4S | S::F64x2ConvertLowI32x4U => {
                let signed = op == S::F64x2ConvertLowI32x4S;
                let src = self.get(d.args[0]);
                let t = self.vtemp();
                self.b.push(Inst::VecWiden { signed, from: Elem::S, upper: false, dst: t, src });
                let fop = if signed { VecFpUnOp::Scvtf } else { VecFpUnOp::Ucvtf };
                self.b.push(Inst::VecFpUn { op: fop, arr: FpArr::D2, dst, src: t });
            }
            S::F32x4DemoteF64x2Zero => {
                let src = self.get(d.args[0]);
                self.b.push(Inst::VecFpWidth { dir: FpWidth::Narrow, dst, src });
            }
            S::F64x2PromoteLowF32x4 => {
                let src = self.get(d.args[0]);
                self.b.push(Inst::VecFpWidth { dir: FpWidth::Widen, dst, src });
            }
            S::F32x4PMin | S::F32x4PMax | S::F64x2PMin | S::F64x2PMax => {
                // pmin(a, b) = b < a ? b : a, pmax(a, b) = a < b ? b : a: a NaN compares false
                // and gives `a`, and -0/+0 compare equal and give `a`.
                let arr = if matches!(op, S::F32x4PMin | S::F32x4PMax) { FpArr::S4 } else { FpArr::D2 };
                let (a, b) = (self.get(d.args[0]), self.get(d.args[1]));
                let (x, y) = if matches!(op, S::F32x4PMin | S::F64x2PMin) { (a, b) } else { (b, a) };
                let mask = self.vtemp();
                self.b.push(Inst::VecFp { op: VecFpOp::Fcmgt, arr, dst: mask, a: x, b: y });
                self.b.push(Inst::VecSelect { dst, mask, a: b, b: a });
            }
            S::I8x16Swizzle => {
                let (table, idx) = (self.get(d.args[0]), self.get(d.args[1]));
                self.b.push(Inst::VecTbl { dst, table, idx });
            }
            S::I8x16Shuffle => {
                let Imm::Shuffle(lanes) = d.imm else { return Err(self.malformed(i)) };
                self.lower_shuffle(d.args[0], d.args[1], lanes, dst);
            }
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// `i64x2.mul` from 32-bit halves: `lo(a)*lo(b) + ((lo(a)*hi(b) + hi(a)*lo(b)) << 32)`,
    /// modulo 2^64 (NEON has no 64-bit lane multiply).
    fn lower_i64x2_mul(&mut self, a: wlab_ir::Value, b: wlab_ir::Value, dst: Reg) {
        let (a, b) = (self.get(a), self.get(b));
        // Each 64-bit lane of b with its 32-bit halves swapped.
        let b_swapped = self.vtemp();
        self.b.push(Inst::VecIntUn { op: VecIntUnOp::Rev64, arr: Arr::S4, dst: b_swapped, src: b });
        // [lo(a0)*hi(b0), hi(a0)*lo(b0), lo(a1)*hi(b1), hi(a1)*lo(b1)] (32-bit, wrapping).
        let cross = self.vtemp();
        self.b.push(Inst::VecInt { op: VecIntOp::Mul, arr: Arr::S4, dst: cross, a: b_swapped, b: a });
        // Lanes 0 and 1: the two cross sums of lanes 0 and 1.
        let sums = self.vtemp();
        self.b.push(Inst::VecInt { op: VecIntOp::Addp, arr: Arr::S4, dst: sums, a: cross, b: cross });
        let high = self.vtemp();
        self.b.push(Inst::VecShll { from: Elem::S, dst: high, src: sums });
        // The low 32 bits of each 64-bit lane, multiplied to full 64-bit products.
        let (a_lo, b_lo) = (self.vtemp(), self.vtemp());
        self.b.push(Inst::VecNarrow { op: NarrowOp::Xtn, to: Elem::S, dst: a_lo, lo: a, hi: None });
        self.b.push(Inst::VecNarrow { op: NarrowOp::Xtn, to: Elem::S, dst: b_lo, lo: b, hi: None });
        let low = self.vtemp();
        self.b.push(Inst::VecMulLong { op: MulLongOp::Umull, from: Elem::S, upper: false, dst: low, a: a_lo, b: b_lo });
        self.b.push(Inst::VecInt { op: VecIntOp::Add, arr: Arr::D2, dst, a: high, b: low });
    }

    /// `i8x16.shuffle` with constant lane indices 0..32: the bytes of `a` by a `tbl` on indices
    /// that are out of range (>= 16) where `b` is chosen, the bytes of `b` by a `tbl` on the
    /// indices minus 16 (0xff where `a` is chosen), then `orr` of the two. One-register tables
    /// need no consecutive register pair. When every index picks from one input, one `tbl`.
    fn lower_shuffle(&mut self, a: wlab_ir::Value, b: wlab_ir::Value, lanes: [u8; 16], dst: Reg) {
        let from_a: [u8; 16] = lanes.map(|x| if x < 16 { x } else { 0xff });
        let from_b: [u8; 16] = lanes.map(|x| if x >= 16 { x - 16 } else { 0xff });
        let (a, b) = (self.get(a), self.get(b));
        if lanes.iter().all(|&x| x < 16) || lanes.iter().all(|&x| x >= 16) {
            let (table, idx) = if lanes[0] < 16 { (a, from_a) } else { (b, from_b) };
            let k = self.vtemp();
            self.b.push(Inst::VecConst { dst: k, bits: u128::from_le_bytes(idx) });
            self.b.push(Inst::VecTbl { dst, table, idx: k });
            return;
        }
        let part = |cx: &mut Self, table: Reg, idx: [u8; 16]| {
            let k = cx.vtemp();
            cx.b.push(Inst::VecConst { dst: k, bits: u128::from_le_bytes(idx) });
            let t = cx.vtemp();
            cx.b.push(Inst::VecTbl { dst: t, table, idx: k });
            t
        };
        let pa = part(self, a, from_a);
        let pb = part(self, b, from_b);
        self.b.push(Inst::VecLogic { op: VecLogicalOp::Orr, dst, a: pa, b: pb });
    }
}
