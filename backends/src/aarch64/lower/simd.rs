//! Instruction selection for the fixed-width SIMD operators (IR rows `Opcode::Simd`) on
//! AArch64 NEON. A v128 value lives in a whole V register (float class, 16-byte spill slots).
//! Lowered so far: `v128.const`, `v128.load`, `v128.store`, the bitwise family (`not`,
//! `and`, `andnot`, `or`, `xor`, `bitselect`), and the lane operations that are one NEON
//! instruction (plus `mvn` for `ne`): integer add/sub/mul (not i64x2.mul), saturating
//! add/sub, min/max, avgr_u, q15mulr_sat_s, abs, neg, popcnt, integer and float compares,
//! float add/sub/mul/div/min/max, abs, neg, sqrt and the roundings. The widening, narrowing,
//! converting and permuting operators are lowered in `simd_widen.rs`. Every other operator is
//! refused with a one-line error naming it, so the function is reported as not compiled, never
//! miscompiled.
//!
//! The exact semantics are the interpreter's (`wlab_ir::interp::simd_numeric`). This file
//! never encodes bytes and never names a physical register.

use super::Ctx;
use crate::aarch64::enc::neon::arith::{VecFpOp, VecIntOp, VecLogicalOp};
use crate::aarch64::enc::neon::unary::{VecFpUnOp, VecIntUnOp};
use crate::aarch64::enc::neon::{Arr, FpArr};
use crate::aarch64::inst::*;
use crate::machinst::LowerError;
use regalloc2::RegClass;
use wlab_ir::simd::SimdOp;
use wlab_ir::{Imm, Inst as IrInst};

/// The one-instruction integer lane operation of `op`: (operation, arrangement, operands
/// swapped, result inverted with `mvn`). `lt`/`le` are `cmgt`/`cmge` with swapped operands,
/// `ne` is `cmeq` then `mvn`.
fn int_binary(op: SimdOp) -> Option<(VecIntOp, Arr, bool, bool)> {
    use SimdOp as S;
    match op {
        S::I8x16Add => Some((VecIntOp::Add, Arr::B16, false, false)),
        S::I8x16Sub => Some((VecIntOp::Sub, Arr::B16, false, false)),
        S::I8x16Eq => Some((VecIntOp::Cmeq, Arr::B16, false, false)),
        S::I8x16Ne => Some((VecIntOp::Cmeq, Arr::B16, false, true)),
        S::I8x16LtS => Some((VecIntOp::Cmgt, Arr::B16, true, false)),
        S::I8x16GtS => Some((VecIntOp::Cmgt, Arr::B16, false, false)),
        S::I8x16LeS => Some((VecIntOp::Cmge, Arr::B16, true, false)),
        S::I8x16GeS => Some((VecIntOp::Cmge, Arr::B16, false, false)),
        S::I8x16LtU => Some((VecIntOp::Cmhi, Arr::B16, true, false)),
        S::I8x16GtU => Some((VecIntOp::Cmhi, Arr::B16, false, false)),
        S::I8x16LeU => Some((VecIntOp::Cmhs, Arr::B16, true, false)),
        S::I8x16GeU => Some((VecIntOp::Cmhs, Arr::B16, false, false)),
        S::I8x16MinS => Some((VecIntOp::Smin, Arr::B16, false, false)),
        S::I8x16MinU => Some((VecIntOp::Umin, Arr::B16, false, false)),
        S::I8x16MaxS => Some((VecIntOp::Smax, Arr::B16, false, false)),
        S::I8x16MaxU => Some((VecIntOp::Umax, Arr::B16, false, false)),
        S::I8x16AddSatS => Some((VecIntOp::Sqadd, Arr::B16, false, false)),
        S::I8x16AddSatU => Some((VecIntOp::Uqadd, Arr::B16, false, false)),
        S::I8x16SubSatS => Some((VecIntOp::Sqsub, Arr::B16, false, false)),
        S::I8x16SubSatU => Some((VecIntOp::Uqsub, Arr::B16, false, false)),
        S::I8x16AvgrU => Some((VecIntOp::Urhadd, Arr::B16, false, false)),
        S::I16x8Add => Some((VecIntOp::Add, Arr::H8, false, false)),
        S::I16x8Sub => Some((VecIntOp::Sub, Arr::H8, false, false)),
        S::I16x8Eq => Some((VecIntOp::Cmeq, Arr::H8, false, false)),
        S::I16x8Ne => Some((VecIntOp::Cmeq, Arr::H8, false, true)),
        S::I16x8LtS => Some((VecIntOp::Cmgt, Arr::H8, true, false)),
        S::I16x8GtS => Some((VecIntOp::Cmgt, Arr::H8, false, false)),
        S::I16x8LeS => Some((VecIntOp::Cmge, Arr::H8, true, false)),
        S::I16x8GeS => Some((VecIntOp::Cmge, Arr::H8, false, false)),
        S::I16x8LtU => Some((VecIntOp::Cmhi, Arr::H8, true, false)),
        S::I16x8GtU => Some((VecIntOp::Cmhi, Arr::H8, false, false)),
        S::I16x8LeU => Some((VecIntOp::Cmhs, Arr::H8, true, false)),
        S::I16x8GeU => Some((VecIntOp::Cmhs, Arr::H8, false, false)),
        S::I16x8MinS => Some((VecIntOp::Smin, Arr::H8, false, false)),
        S::I16x8MinU => Some((VecIntOp::Umin, Arr::H8, false, false)),
        S::I16x8MaxS => Some((VecIntOp::Smax, Arr::H8, false, false)),
        S::I16x8MaxU => Some((VecIntOp::Umax, Arr::H8, false, false)),
        S::I16x8Mul => Some((VecIntOp::Mul, Arr::H8, false, false)),
        S::I16x8AddSatS => Some((VecIntOp::Sqadd, Arr::H8, false, false)),
        S::I16x8AddSatU => Some((VecIntOp::Uqadd, Arr::H8, false, false)),
        S::I16x8SubSatS => Some((VecIntOp::Sqsub, Arr::H8, false, false)),
        S::I16x8SubSatU => Some((VecIntOp::Uqsub, Arr::H8, false, false)),
        S::I16x8AvgrU => Some((VecIntOp::Urhadd, Arr::H8, false, false)),
        S::I32x4Add => Some((VecIntOp::Add, Arr::S4, false, false)),
        S::I32x4Sub => Some((VecIntOp::Sub, Arr::S4, false, false)),
        S::I32x4Eq => Some((VecIntOp::Cmeq, Arr::S4, false, false)),
        S::I32x4Ne => Some((VecIntOp::Cmeq, Arr::S4, false, true)),
        S::I32x4LtS => Some((VecIntOp::Cmgt, Arr::S4, true, false)),
        S::I32x4GtS => Some((VecIntOp::Cmgt, Arr::S4, false, false)),
        S::I32x4LeS => Some((VecIntOp::Cmge, Arr::S4, true, false)),
        S::I32x4GeS => Some((VecIntOp::Cmge, Arr::S4, false, false)),
        S::I32x4LtU => Some((VecIntOp::Cmhi, Arr::S4, true, false)),
        S::I32x4GtU => Some((VecIntOp::Cmhi, Arr::S4, false, false)),
        S::I32x4LeU => Some((VecIntOp::Cmhs, Arr::S4, true, false)),
        S::I32x4GeU => Some((VecIntOp::Cmhs, Arr::S4, false, false)),
        S::I32x4MinS => Some((VecIntOp::Smin, Arr::S4, false, false)),
        S::I32x4MinU => Some((VecIntOp::Umin, Arr::S4, false, false)),
        S::I32x4MaxS => Some((VecIntOp::Smax, Arr::S4, false, false)),
        S::I32x4MaxU => Some((VecIntOp::Umax, Arr::S4, false, false)),
        S::I32x4Mul => Some((VecIntOp::Mul, Arr::S4, false, false)),
        S::I64x2Add => Some((VecIntOp::Add, Arr::D2, false, false)),
        S::I64x2Sub => Some((VecIntOp::Sub, Arr::D2, false, false)),
        S::I64x2Eq => Some((VecIntOp::Cmeq, Arr::D2, false, false)),
        S::I64x2Ne => Some((VecIntOp::Cmeq, Arr::D2, false, true)),
        S::I64x2LtS => Some((VecIntOp::Cmgt, Arr::D2, true, false)),
        S::I64x2GtS => Some((VecIntOp::Cmgt, Arr::D2, false, false)),
        S::I64x2LeS => Some((VecIntOp::Cmge, Arr::D2, true, false)),
        S::I64x2GeS => Some((VecIntOp::Cmge, Arr::D2, false, false)),
        S::I16x8Q15MulrSatS => Some((VecIntOp::Sqrdmulh, Arr::H8, false, false)),
        _ => None,
    }
}

/// The one-instruction integer lane unary operation of `op`.
fn int_unary(op: SimdOp) -> Option<(VecIntUnOp, Arr)> {
    use SimdOp as S;
    match op {
        S::I8x16Abs => Some((VecIntUnOp::Abs, Arr::B16)),
        S::I8x16Neg => Some((VecIntUnOp::Neg, Arr::B16)),
        S::I16x8Abs => Some((VecIntUnOp::Abs, Arr::H8)),
        S::I16x8Neg => Some((VecIntUnOp::Neg, Arr::H8)),
        S::I32x4Abs => Some((VecIntUnOp::Abs, Arr::S4)),
        S::I32x4Neg => Some((VecIntUnOp::Neg, Arr::S4)),
        S::I64x2Abs => Some((VecIntUnOp::Abs, Arr::D2)),
        S::I64x2Neg => Some((VecIntUnOp::Neg, Arr::D2)),
        S::I8x16Popcnt => Some((VecIntUnOp::Cnt, Arr::B16)),
        _ => None,
    }
}

/// The one-instruction float lane operation of `op` (as [`int_binary`]). `fmin`/`fmax`
/// already have wasm's NaN propagation and order -0 below +0 (checked under Unicorn).
fn fp_binary(op: SimdOp) -> Option<(VecFpOp, FpArr, bool, bool)> {
    use SimdOp as S;
    match op {
        S::F32x4Add => Some((VecFpOp::Fadd, FpArr::S4, false, false)),
        S::F32x4Sub => Some((VecFpOp::Fsub, FpArr::S4, false, false)),
        S::F32x4Mul => Some((VecFpOp::Fmul, FpArr::S4, false, false)),
        S::F32x4Div => Some((VecFpOp::Fdiv, FpArr::S4, false, false)),
        S::F32x4Min => Some((VecFpOp::Fmin, FpArr::S4, false, false)),
        S::F32x4Max => Some((VecFpOp::Fmax, FpArr::S4, false, false)),
        S::F32x4Eq => Some((VecFpOp::Fcmeq, FpArr::S4, false, false)),
        S::F32x4Ne => Some((VecFpOp::Fcmeq, FpArr::S4, false, true)),
        S::F32x4Lt => Some((VecFpOp::Fcmgt, FpArr::S4, true, false)),
        S::F32x4Gt => Some((VecFpOp::Fcmgt, FpArr::S4, false, false)),
        S::F32x4Le => Some((VecFpOp::Fcmge, FpArr::S4, true, false)),
        S::F32x4Ge => Some((VecFpOp::Fcmge, FpArr::S4, false, false)),
        S::F64x2Add => Some((VecFpOp::Fadd, FpArr::D2, false, false)),
        S::F64x2Sub => Some((VecFpOp::Fsub, FpArr::D2, false, false)),
        S::F64x2Mul => Some((VecFpOp::Fmul, FpArr::D2, false, false)),
        S::F64x2Div => Some((VecFpOp::Fdiv, FpArr::D2, false, false)),
        S::F64x2Min => Some((VecFpOp::Fmin, FpArr::D2, false, false)),
        S::F64x2Max => Some((VecFpOp::Fmax, FpArr::D2, false, false)),
        S::F64x2Eq => Some((VecFpOp::Fcmeq, FpArr::D2, false, false)),
        S::F64x2Ne => Some((VecFpOp::Fcmeq, FpArr::D2, false, true)),
        S::F64x2Lt => Some((VecFpOp::Fcmgt, FpArr::D2, true, false)),
        S::F64x2Gt => Some((VecFpOp::Fcmgt, FpArr::D2, false, false)),
        S::F64x2Le => Some((VecFpOp::Fcmge, FpArr::D2, true, false)),
        S::F64x2Ge => Some((VecFpOp::Fcmge, FpArr::D2, false, false)),
        _ => None,
    }
}

/// The one-instruction float lane unary operation of `op` (`frint*` round as wasm's
/// ceil/floor/trunc/nearest).
fn fp_unary(op: SimdOp) -> Option<(VecFpUnOp, FpArr)> {
    use SimdOp as S;
    match op {
        S::F32x4Abs => Some((VecFpUnOp::Fabs, FpArr::S4)),
        S::F32x4Neg => Some((VecFpUnOp::Fneg, FpArr::S4)),
        S::F32x4Sqrt => Some((VecFpUnOp::Fsqrt, FpArr::S4)),
        S::F32x4Ceil => Some((VecFpUnOp::Frintp, FpArr::S4)),
        S::F32x4Floor => Some((VecFpUnOp::Frintm, FpArr::S4)),
        S::F32x4Trunc => Some((VecFpUnOp::Frintz, FpArr::S4)),
        S::F32x4Nearest => Some((VecFpUnOp::Frintn, FpArr::S4)),
        S::F64x2Abs => Some((VecFpUnOp::Fabs, FpArr::D2)),
        S::F64x2Neg => Some((VecFpUnOp::Fneg, FpArr::D2)),
        S::F64x2Sqrt => Some((VecFpUnOp::Fsqrt, FpArr::D2)),
        S::F64x2Ceil => Some((VecFpUnOp::Frintp, FpArr::D2)),
        S::F64x2Floor => Some((VecFpUnOp::Frintm, FpArr::D2)),
        S::F64x2Trunc => Some((VecFpUnOp::Frintz, FpArr::D2)),
        S::F64x2Nearest => Some((VecFpUnOp::Frintn, FpArr::D2)),
        _ => None,
    }
}

impl Ctx<'_> {
    pub(super) fn lower_simd(&mut self, i: IrInst, op: SimdOp) -> Result<(), LowerError> {
        use SimdOp as S;
        let d = self.f.inst(i).clone();
        let out = |cx: &Self| cx.vreg(d.results[0]);
        let mem = |cx: &mut Self, bytes: u64| -> Result<Amode, LowerError> {
            match d.imm {
                Imm::Mem(m) => Ok(cx.mem_addr(d.args[0], m.offset, bytes)),
                _ => Err(cx.malformed(i)),
            }
        };
        let logic = |cx: &mut Self, op: VecLogicalOp| {
            let a = cx.get(d.args[0]);
            let b = cx.get(d.args[1]);
            let dst = out(cx);
            cx.b.push(Inst::VecLogic { op, dst, a, b });
        };
        if self.lower_simd_lanes(i, op)? {
            return Ok(());
        }
        match op {
            S::V128Const => {
                let Imm::V128(bytes) = d.imm else { return Err(self.malformed(i)) };
                let dst = out(self);
                self.b.push(Inst::VecConst { dst, bits: u128::from_le_bytes(bytes) });
            }
            S::V128Load => {
                let addr = mem(self, 16)?;
                let dst = out(self);
                self.b.push(Inst::VecLoad { dst, addr });
            }
            S::V128Store => {
                let src = self.get(d.args[1]);
                let addr = mem(self, 16)?;
                self.b.push(Inst::VecStore { src, addr });
            }
            S::V128Not => {
                let src = self.get(d.args[0]);
                let dst = out(self);
                self.b.push(Inst::VecNot { dst, src });
            }
            S::V128And => logic(self, VecLogicalOp::And),
            S::V128AndNot => logic(self, VecLogicalOp::Bic),
            S::V128Or => logic(self, VecLogicalOp::Orr),
            S::V128Xor => logic(self, VecLogicalOp::Eor),
            S::V128Bitselect => {
                let a = self.get(d.args[0]);
                let b = self.get(d.args[1]);
                let mask = self.get(d.args[2]);
                let dst = out(self);
                self.b.push(Inst::VecSelect { dst, mask, a, b });
            }
            _ if int_binary(op).is_some() => {
                let (vop, arr, swap, invert) = int_binary(op).unwrap();
                let (a, b) = (self.get(d.args[0]), self.get(d.args[1]));
                let (a, b) = if swap { (b, a) } else { (a, b) };
                let dst = out(self);
                if invert {
                    let t = self.b.vreg(RegClass::Float);
                    self.b.push(Inst::VecInt { op: vop, arr, dst: t, a, b });
                    self.b.push(Inst::VecNot { dst, src: t });
                } else {
                    self.b.push(Inst::VecInt { op: vop, arr, dst, a, b });
                }
            }
            _ if fp_binary(op).is_some() => {
                let (vop, arr, swap, invert) = fp_binary(op).unwrap();
                let (a, b) = (self.get(d.args[0]), self.get(d.args[1]));
                let (a, b) = if swap { (b, a) } else { (a, b) };
                let dst = out(self);
                if invert {
                    let t = self.b.vreg(RegClass::Float);
                    self.b.push(Inst::VecFp { op: vop, arr, dst: t, a, b });
                    self.b.push(Inst::VecNot { dst, src: t });
                } else {
                    self.b.push(Inst::VecFp { op: vop, arr, dst, a, b });
                }
            }
            _ if int_unary(op).is_some() => {
                let (vop, arr) = int_unary(op).unwrap();
                let src = self.get(d.args[0]);
                let dst = out(self);
                self.b.push(Inst::VecIntUn { op: vop, arr, dst, src });
            }
            _ if fp_unary(op).is_some() => {
                let (vop, arr) = fp_unary(op).unwrap();
                let src = self.get(d.args[0]);
                let dst = out(self);
                self.b.push(Inst::VecFpUn { op: vop, arr, dst, src });
            }
            _ => {
                if !self.lower_simd_widen(i, op)? {
                    return Err(self.not_yet(&format!("SIMD instruction {}", d.opcode)));
                }
            }
        }
        Ok(())
    }
}
