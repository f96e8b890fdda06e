//! Instruction selection for the fixed-width SIMD operators (IR rows `Opcode::Simd`) on
//! AArch64 NEON. A v128 value lives in a whole V register (float class, 16-byte spill slots).
//! Lowered so far: `v128.const`, `v128.load`, `v128.store` and the bitwise family (`not`,
//! `and`, `andnot`, `or`, `xor`, `bitselect`). Every other operator is refused with a
//! one-line error naming it, so the function is reported as not compiled, never miscompiled.
//!
//! The exact semantics are the interpreter's (`wlab_ir::interp::simd_numeric`). This file
//! never encodes bytes and never names a physical register.

use super::Ctx;
use crate::aarch64::enc::neon::arith::VecLogicalOp;
use crate::aarch64::inst::*;
use crate::machinst::LowerError;
use wlab_ir::simd::SimdOp;
use wlab_ir::{Imm, Inst as IrInst};

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
            _ => return Err(self.not_yet(&format!("SIMD instruction {}", d.opcode))),
        }
        Ok(())
    }
}
