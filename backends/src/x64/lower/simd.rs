//! Instruction selection for the 236 fixed-width SIMD operators (IR rows
//! `Opcode::Simd`) on x86-64: SSE4.1 is the baseline; with AVX the same operations use
//! their VEX (three-operand) encodings, and with SSE4.2 the 64-bit lane compares use
//! `pcmpgtq`. Every operator is a short sequence of the one-instruction operations of
//! `vec_ops` over fresh virtual registers; constants come from the constant pool.
//!
//! The exact lane, saturation and NaN semantics are the interpreter's
//! (`wlab_ir::interp::simd_numeric`). This file never encodes bytes and never names a
//! physical register.

use super::Ctx;
use crate::machinst::LowerError;
use crate::reg::Reg;
use crate::x64::inst::*;
use crate::x64::vec_ops::VecOp::{self, *};
use regalloc2::RegClass;
use wlab_ir::simd::SimdOp;
use wlab_ir::{Imm, Inst as IrInst, Value};

/// `x` (the low `bits` bits) in every lane of a 128-bit constant.
fn splat_const(bits: u32, x: u64) -> u128 {
    let mask = if bits == 64 { u64::MAX } else { (1u64 << bits) - 1 };
    let mut v = 0u128;
    for lane in 0..128 / bits {
        v |= ((x & mask) as u128) << (lane * bits);
    }
    v
}

/// Lane width of an integer operation, in bits.
#[derive(Clone, Copy, PartialEq, Eq)]
enum W {
    B8,
    B16,
    B32,
    B64,
}

impl W {
    fn bits(self) -> u32 {
        match self {
            W::B8 => 8,
            W::B16 => 16,
            W::B32 => 32,
            W::B64 => 64,
        }
    }
}

/// Integer lane comparisons.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Cmp {
    Eq,
    Ne,
    LtS,
    LtU,
    GtS,
    GtU,
    LeS,
    LeU,
    GeS,
    GeU,
}

impl Ctx<'_> {
    fn vtmp(&mut self) -> Reg {
        self.b.vreg(RegClass::Float)
    }

    fn gtmp(&mut self) -> Reg {
        self.b.vreg(RegClass::Int)
    }

    /// `dst = a op b` (a `Bin` row; `imm` when it takes one).
    fn v2(&mut self, op: VecOp, dst: Reg, a: Reg, b: Reg, imm: u8) {
        let avx = self.features.avx;
        self.b.push(Inst::Vector { op, avx, dst, src1: a, src2: Some(b), imm });
    }

    /// `a op b` into a fresh register.
    fn t2(&mut self, op: VecOp, a: Reg, b: Reg) -> Reg {
        let d = self.vtmp();
        self.v2(op, d, a, b, 0);
        d
    }

    /// `dst = op a` (`Un`, `InPlace` or `ToGpr` rows).
    fn v1(&mut self, op: VecOp, dst: Reg, a: Reg, imm: u8) {
        let avx = self.features.avx;
        self.b.push(Inst::Vector { op, avx, dst, src1: a, src2: None, imm });
    }

    fn t1(&mut self, op: VecOp, a: Reg, imm: u8) -> Reg {
        let d = self.vtmp();
        self.v1(op, d, a, imm);
        d
    }

    fn vconst(&mut self, bits: u128) -> Reg {
        let dst = self.vtmp();
        self.b.push(Inst::VecConst { dst, bits });
        dst
    }

    fn not_into(&mut self, dst: Reg, a: Reg) {
        let ones = self.vconst(u128::MAX);
        self.v2(Pxor, dst, a, ones, 0);
    }

    /// A general register's low `bits` in every lane of `dst` (`bits` = 8/16/32/64).
    fn splat_gpr(&mut self, dst: Reg, src: Reg, bits: u32) {
        let t = self.vtmp();
        let size = if bits == 64 { Size::S64 } else { Size::S32 };
        self.b.push(Inst::GprToXmm { size, dst: t, src });
        match bits {
            8 => {
                let zero = self.vconst(0);
                self.v2(Pshufb, dst, t, zero, 0);
            }
            16 => {
                let lo = self.t1(Pshuflw, t, 0);
                self.v1(Pshufd, dst, lo, 0);
            }
            32 => self.v1(Pshufd, dst, t, 0),
            _ => self.v1(Pshufd, dst, t, 0x44),
        }
    }

    /// A shift count register for a vector shift: `count & mask` (+ `add`) in an xmm.
    fn shift_count(&mut self, count: Value, mask: u32, add: u32) -> Reg {
        let c = self.get(count);
        let m = self.gtmp();
        self.b.push(Inst::Alu { size: Size::S32, op: AluOp::And, dst: m, src1: c, src2: RegImm::Imm(mask as i32) });
        let m = if add != 0 {
            let a = self.gtmp();
            self.b.push(Inst::Alu { size: Size::S32, op: AluOp::Add, dst: a, src1: m, src2: RegImm::Imm(add as i32) });
            a
        } else {
            m
        };
        let x = self.vtmp();
        self.b.push(Inst::GprToXmm { size: Size::S32, dst: x, src: m });
        x
    }

    /// `dst = x shifted by count` with the immediate form when the count is constant.
    fn shift(&mut self, dst: Reg, x: Reg, count: Value, w: W, imm_op: VecOp, reg_op: VecOp, add: u32) {
        let mask = w.bits() - 1;
        match self.iconst(count) {
            Some(k) => self.v1(imm_op, dst, x, ((k as u32 & mask) + add) as u8),
            None => {
                let c = self.shift_count(count, mask, add);
                self.v2(reg_op, dst, x, c, 0);
            }
        }
    }

    /// i8x16 `shl` / `shr_u`: 16-bit shifts, then a mask clears the bits that crossed
    /// from the neighbouring byte.
    fn shift_i8_logical(&mut self, dst: Reg, x: Reg, count: Value, left: bool) {
        let (imm_op, reg_op) = if left { (PsllwImm, Psllw) } else { (PsrlwImm, Psrlw) };
        let shifted = self.vtmp();
        self.shift(shifted, x, count, W::B8, imm_op, reg_op, 0);
        let mask = match self.iconst(count) {
            Some(k) => {
                let k = k as u32 & 7;
                let byte = if left { (0xffu32 << k) & 0xff } else { 0xff >> k };
                self.vconst(splat_const(8, byte as u64))
            }
            None => {
                // The byte mask computed in a general register (0xff shifted by the
                // count mod 8), then splatted.
                let c = self.get(count);
                let op = if left { ShiftOp::Shl } else { ShiftOp::Shr };
                let c7 = self.gtmp();
                self.b.push(Inst::Alu { size: Size::S32, op: AluOp::And, dst: c7, src1: c, src2: RegImm::Imm(7) });
                let m2 = self.gtmp();
                self.b.push(Inst::MovImm { size: Size::S32, dst: m2, imm: 0xff });
                let m3 = self.gtmp();
                self.b.push(Inst::ShiftReg { size: Size::S32, op, dst: m3, src: m2, amount: c7 });
                let v = self.vtmp();
                self.splat_gpr(v, m3, 8);
                v
            }
        };
        self.v2(Pand, dst, shifted, mask, 0);
    }

    /// i8x16 `shr_s`: bytes widened into the high half of 16-bit lanes, arithmetic
    /// shift by count + 8, narrowed back with signed saturation (never saturates).
    fn shift_i8_arith(&mut self, dst: Reg, x: Reg, count: Value) {
        let lo = self.t2(Punpcklbw, x, x);
        let hi = self.t2(Punpckhbw, x, x);
        let lo_s = self.vtmp();
        let hi_s = self.vtmp();
        self.shift(lo_s, lo, count, W::B8, PsrawImm, Psraw, 8);
        self.shift(hi_s, hi, count, W::B8, PsrawImm, Psraw, 8);
        self.v2(Packsswb, dst, lo_s, hi_s, 0);
    }

    /// i64x2 `shr_s` without `vpsraq`: logical shift, then sign-extend from the shifted
    /// sign bit position: `(x >>u c ^ m) - m` with `m = 2^63 >>u c`.
    fn shift_i64_arith(&mut self, dst: Reg, x: Reg, count: Value) {
        let t = self.vtmp();
        self.shift(t, x, count, W::B64, PsrlqImm, Psrlq, 0);
        let sign = self.vconst(splat_const(64, 1 << 63));
        let m = self.vtmp();
        self.shift(m, sign, count, W::B64, PsrlqImm, Psrlq, 0);
        let xm = self.t2(Pxor, t, m);
        self.v2(Psubq, dst, xm, m, 0);
    }

    /// Signed `a > b` on 64-bit lanes.
    fn gt_i64(&mut self, dst: Reg, a: Reg, b: Reg) {
        if self.features.sse42 {
            self.v2(Pcmpgtq, dst, a, b, 0);
            return;
        }
        // b < a: the sign of (b - a) ^ ((b ^ a) & ((b - a) ^ b)), spread over the lane.
        let diff = self.t2(Psubq, b, a);
        let x = self.t2(Pxor, b, a);
        let y = self.t2(Pxor, diff, b);
        let z = self.t2(Pand, x, y);
        let s = self.t2(Pxor, diff, z);
        let s = self.t1(PsradImm, s, 31);
        self.v1(Pshufd, dst, s, 0xf5);
    }

    fn int_cmp(&mut self, dst: Reg, w: W, cmp: Cmp, a: Reg, b: Reg) {
        let (eq, gt, minu, maxu) = match w {
            W::B8 => (Pcmpeqb, Pcmpgtb, Pminub, Pmaxub),
            W::B16 => (Pcmpeqw, Pcmpgtw, Pminuw, Pmaxuw),
            W::B32 => (Pcmpeqd, Pcmpgtd, Pminud, Pmaxud),
            W::B64 => (Pcmpeqq, Pcmpgtq, Pminud, Pmaxud),
        };
        let gt_into = |cx: &mut Self, d: Reg, x: Reg, y: Reg| {
            if w == W::B64 {
                cx.gt_i64(d, x, y)
            } else {
                cx.v2(gt, d, x, y, 0)
            }
        };
        match cmp {
            Cmp::Eq => self.v2(eq, dst, a, b, 0),
            Cmp::Ne => {
                let t = self.t2(eq, a, b);
                self.not_into(dst, t);
            }
            Cmp::GtS => gt_into(self, dst, a, b),
            Cmp::LtS => gt_into(self, dst, b, a),
            Cmp::LeS => {
                let t = self.vtmp();
                gt_into(self, t, a, b);
                self.not_into(dst, t);
            }
            Cmp::GeS => {
                let t = self.vtmp();
                gt_into(self, t, b, a);
                self.not_into(dst, t);
            }
            Cmp::GeU => {
                let m = self.t2(maxu, a, b);
                self.v2(eq, dst, m, a, 0);
            }
            Cmp::LeU => {
                let m = self.t2(minu, a, b);
                self.v2(eq, dst, m, a, 0);
            }
            Cmp::GtU => {
                let m = self.t2(minu, a, b);
                let t = self.t2(eq, m, a);
                self.not_into(dst, t);
            }
            Cmp::LtU => {
                let m = self.t2(maxu, a, b);
                let t = self.t2(eq, m, a);
                self.not_into(dst, t);
            }
        }
    }

    /// Wasm `min`/`max` of float lanes: NaN-propagating (canonical NaN), `-0 < +0`.
    fn float_min_max(&mut self, dst: Reg, a: Reg, b: Reg, f64: bool, min: bool) {
        let (mn, mx, cmp, or, xor, andn, sub) = if f64 {
            (Minpd, Maxpd, Cmppd, Orps, Xorps, Andnps, Subpd)
        } else {
            (Minps, Maxps, Cmpps, Orps, Xorps, Andnps, Subps)
        };
        let (shift_op, shift) = if f64 { (PsrlqImm, 13) } else { (PsrldImm, 10) };
        if min {
            // Both orders: equal operands (±0) are or-ed to -0; a NaN in either operand
            // shows in one of them.
            let m1 = self.t2(mn, a, b);
            let m2 = self.t2(mn, b, a);
            let m = self.t2(or, m1, m2);
            let nan = self.vtmp();
            self.v2(cmp, nan, m, m2, 3);
            let m = self.t2(or, m, nan);
            let keep = self.t1(shift_op, nan, shift);
            self.v2(andn, dst, keep, m, 0);
        } else {
            let m1 = self.t2(mx, a, b);
            let m2 = self.t2(mx, b, a);
            let x = self.t2(xor, m1, m2);
            let m = self.t2(or, m1, x);
            let pos = self.t2(sub, m, x);
            let nan = self.vtmp();
            self.v2(cmp, nan, m, m, 3);
            let keep = self.t1(shift_op, nan, shift);
            self.v2(andn, dst, keep, pos, 0);
        }
    }

    pub(super) fn lower_simd(&mut self, i: IrInst, op: SimdOp) -> Result<(), LowerError> {
        use SimdOp as S;
        let d = self.f.inst(i).clone();
        let res = d.results.first().copied();
        let out = |cx: &Self| cx.vreg(res.expect("instruction with a result"));
        let arg = |cx: &mut Self, k: usize| cx.get(d.args[k]);
        // `bin!`: one `Bin` row over both operands into the result.
        macro_rules! bin {
            ($op:expr) => {{
                let a = arg(self, 0);
                let b = arg(self, 1);
                let dst = out(self);
                self.v2($op, dst, a, b, 0);
            }};
        }
        // `un!`: one `Un` row (with its immediate) into the result.
        macro_rules! un {
            ($op:expr, $imm:expr) => {{
                let a = arg(self, 0);
                let dst = out(self);
                self.v1($op, dst, a, $imm);
            }};
        }
        macro_rules! icmp {
            ($w:expr, $cmp:expr) => {{
                let a = arg(self, 0);
                let b = arg(self, 1);
                let dst = out(self);
                self.int_cmp(dst, $w, $cmp, a, b);
            }};
        }
        // `fcmp!`: `cmpps`/`cmppd` with predicate `$p`, operands swapped when `$swap`.
        macro_rules! fcmp {
            ($op:expr, $p:expr, $swap:expr) => {{
                let a = arg(self, 0);
                let b = arg(self, 1);
                let dst = out(self);
                let (x, y) = if $swap { (b, a) } else { (a, b) };
                self.v2($op, dst, x, y, $p);
            }};
        }
        macro_rules! shift {
            ($w:expr, $imm_op:expr, $reg_op:expr) => {{
                let x = arg(self, 0);
                let dst = out(self);
                self.shift(dst, x, d.args[1], $w, $imm_op, $reg_op, 0);
            }};
        }
        macro_rules! mem {
            ($bytes:expr) => {{
                let m = match d.imm {
                    Imm::Mem(m) | Imm::MemLane(m, _) => m,
                    _ => return Err(self.malformed(i)),
                };
                self.mem_addr(d.args[0], m.offset, $bytes)
            }};
        }
        let lane = match d.imm {
            Imm::Lane(l) | Imm::MemLane(_, l) => l,
            _ => 0,
        };
        match op {
            // Memory.
            S::V128Load => {
                let addr = mem!(16);
                let dst = out(self);
                self.b.push(Inst::VecLoad { dst, addr });
            }
            S::V128Load8x8S
            | S::V128Load8x8U
            | S::V128Load16x4S
            | S::V128Load16x4U
            | S::V128Load32x2S
            | S::V128Load32x2U => {
                let addr = mem!(8);
                let t = self.vtmp();
                self.b.push(Inst::XmmLoad { size: FSize::F64, dst: t, addr });
                let ext = match op {
                    S::V128Load8x8S => Pmovsxbw,
                    S::V128Load8x8U => Pmovzxbw,
                    S::V128Load16x4S => Pmovsxwd,
                    S::V128Load16x4U => Pmovzxwd,
                    S::V128Load32x2S => Pmovsxdq,
                    _ => Pmovzxdq,
                };
                let dst = out(self);
                self.v1(ext, dst, t, 0);
            }
            S::V128Load8Splat | S::V128Load16Splat | S::V128Load32Splat | S::V128Load64Splat => {
                let (bytes, kind) = match op {
                    S::V128Load8Splat => (1, LoadKind::U8),
                    S::V128Load16Splat => (2, LoadKind::U16),
                    S::V128Load32Splat => (4, LoadKind::U32),
                    _ => (8, LoadKind::U64),
                };
                let addr = mem!(bytes);
                let g = self.gtmp();
                self.b.push(Inst::Load { kind, dst: g, addr });
                let dst = out(self);
                self.splat_gpr(dst, g, bytes as u32 * 8);
            }
            S::V128Load32Zero | S::V128Load64Zero => {
                let (bytes, size) = if op == S::V128Load32Zero { (4, FSize::F32) } else { (8, FSize::F64) };
                let addr = mem!(bytes);
                let dst = out(self);
                // movss/movsd from memory clear the rest of the register.
                self.b.push(Inst::XmmLoad { size, dst, addr });
            }
            S::V128Store => {
                let src = arg(self, 1);
                let addr = mem!(16);
                self.b.push(Inst::VecStore { src, addr });
            }
            S::V128Load8Lane | S::V128Load16Lane | S::V128Load32Lane | S::V128Load64Lane => {
                let (bytes, kind, ins) = match op {
                    S::V128Load8Lane => (1, LoadKind::U8, Pinsrb),
                    S::V128Load16Lane => (2, LoadKind::U16, Pinsrw),
                    S::V128Load32Lane => (4, LoadKind::U32, Pinsrd),
                    _ => (8, LoadKind::U64, Pinsrq),
                };
                let x = arg(self, 1);
                let addr = mem!(bytes);
                let g = self.gtmp();
                self.b.push(Inst::Load { kind, dst: g, addr });
                let dst = out(self);
                let avx = self.features.avx;
                self.b.push(Inst::Vector { op: ins, avx, dst, src1: x, src2: Some(g), imm: lane });
            }
            S::V128Store8Lane | S::V128Store16Lane | S::V128Store32Lane | S::V128Store64Lane => {
                let (bytes, ext) = match op {
                    S::V128Store8Lane => (1u8, Pextrb),
                    S::V128Store16Lane => (2, Pextrw),
                    S::V128Store32Lane => (4, Pextrd),
                    _ => (8, Pextrq),
                };
                let x = arg(self, 1);
                let g = self.gtmp();
                self.v1(ext, g, x, lane);
                let addr = mem!(bytes as u64);
                self.b.push(Inst::Store { bytes, src: g, addr });
            }
            S::V128Const => {
                let Imm::V128(b) = d.imm else { return Err(self.malformed(i)) };
                let dst = out(self);
                self.b.push(Inst::VecConst { dst, bits: u128::from_le_bytes(b) });
            }
            // Lanes.
            S::I8x16Shuffle => {
                let Imm::Shuffle(idx) = d.imm else { return Err(self.malformed(i)) };
                let a = arg(self, 0);
                let b = arg(self, 1);
                let mut ma = [0x80u8; 16];
                let mut mb = [0x80u8; 16];
                for (k, &x) in idx.iter().enumerate() {
                    if x < 16 {
                        ma[k] = x;
                    } else {
                        mb[k] = x - 16;
                    }
                }
                let ca = self.vconst(u128::from_le_bytes(ma));
                let cb = self.vconst(u128::from_le_bytes(mb));
                let pa = self.t2(Pshufb, a, ca);
                let pb = self.t2(Pshufb, b, cb);
                let dst = out(self);
                self.v2(Por, dst, pa, pb, 0);
            }
            S::I8x16Swizzle => {
                // Indices above 15 get the top bit (saturating add), which pshufb zeroes.
                let a = arg(self, 0);
                let idx = arg(self, 1);
                let k = self.vconst(splat_const(8, 0x70));
                let sat = self.t2(Paddusb, idx, k);
                let dst = out(self);
                self.v2(Pshufb, dst, a, sat, 0);
            }
            S::I8x16ExtractLaneS | S::I8x16ExtractLaneU | S::I16x8ExtractLaneS | S::I16x8ExtractLaneU => {
                let x = arg(self, 0);
                let byte = matches!(op, S::I8x16ExtractLaneS | S::I8x16ExtractLaneU);
                let g = self.gtmp();
                self.v1(if byte { Pextrb } else { Pextrw }, g, x, lane);
                let dst = out(self);
                match op {
                    S::I8x16ExtractLaneS => self.b.push(Inst::Ext { kind: ExtKind::S8To32, dst, src: g }),
                    S::I16x8ExtractLaneS => self.b.push(Inst::Ext { kind: ExtKind::S16To32, dst, src: g }),
                    _ => self.b.push(Inst::MovRR { size: Size::S32, dst, src: g }),
                }
            }
            S::I32x4ExtractLane => un!(Pextrd, lane),
            S::I64x2ExtractLane => un!(Pextrq, lane),
            S::F32x4ExtractLane => {
                let x = arg(self, 0);
                let dst = out(self);
                if lane == 0 {
                    self.b.push(Inst::XmmMov { dst, src: x });
                } else {
                    self.v1(Pshufd, dst, x, lane);
                }
            }
            S::F64x2ExtractLane => {
                let x = arg(self, 0);
                let dst = out(self);
                if lane == 0 {
                    self.b.push(Inst::XmmMov { dst, src: x });
                } else {
                    self.v1(Pshufd, dst, x, 0xee);
                }
            }
            S::I8x16ReplaceLane | S::I16x8ReplaceLane | S::I32x4ReplaceLane | S::I64x2ReplaceLane => {
                let ins = match op {
                    S::I8x16ReplaceLane => Pinsrb,
                    S::I16x8ReplaceLane => Pinsrw,
                    S::I32x4ReplaceLane => Pinsrd,
                    _ => Pinsrq,
                };
                let x = arg(self, 0);
                let g = arg(self, 1);
                let dst = out(self);
                let avx = self.features.avx;
                self.b.push(Inst::Vector { op: ins, avx, dst, src1: x, src2: Some(g), imm: lane });
            }
            S::F32x4ReplaceLane => {
                let x = arg(self, 0);
                let s = arg(self, 1);
                let dst = out(self);
                self.v2(Insertps, dst, x, s, lane << 4);
            }
            S::F64x2ReplaceLane => {
                let x = arg(self, 0);
                let s = arg(self, 1);
                let dst = out(self);
                self.v2(if lane == 0 { Movsd } else { Unpcklpd }, dst, x, s, 0);
            }
            S::I8x16Splat | S::I16x8Splat | S::I32x4Splat | S::I64x2Splat => {
                let bits = match op {
                    S::I8x16Splat => 8,
                    S::I16x8Splat => 16,
                    S::I32x4Splat => 32,
                    _ => 64,
                };
                let g = arg(self, 0);
                let dst = out(self);
                self.splat_gpr(dst, g, bits);
            }
            S::F32x4Splat => un!(Pshufd, 0),
            S::F64x2Splat => un!(Pshufd, 0x44),
            // Integer compares.
            S::I8x16Eq => icmp!(W::B8, Cmp::Eq),
            S::I8x16Ne => icmp!(W::B8, Cmp::Ne),
            S::I8x16LtS => icmp!(W::B8, Cmp::LtS),
            S::I8x16LtU => icmp!(W::B8, Cmp::LtU),
            S::I8x16GtS => icmp!(W::B8, Cmp::GtS),
            S::I8x16GtU => icmp!(W::B8, Cmp::GtU),
            S::I8x16LeS => icmp!(W::B8, Cmp::LeS),
            S::I8x16LeU => icmp!(W::B8, Cmp::LeU),
            S::I8x16GeS => icmp!(W::B8, Cmp::GeS),
            S::I8x16GeU => icmp!(W::B8, Cmp::GeU),
            S::I16x8Eq => icmp!(W::B16, Cmp::Eq),
            S::I16x8Ne => icmp!(W::B16, Cmp::Ne),
            S::I16x8LtS => icmp!(W::B16, Cmp::LtS),
            S::I16x8LtU => icmp!(W::B16, Cmp::LtU),
            S::I16x8GtS => icmp!(W::B16, Cmp::GtS),
            S::I16x8GtU => icmp!(W::B16, Cmp::GtU),
            S::I16x8LeS => icmp!(W::B16, Cmp::LeS),
            S::I16x8LeU => icmp!(W::B16, Cmp::LeU),
            S::I16x8GeS => icmp!(W::B16, Cmp::GeS),
            S::I16x8GeU => icmp!(W::B16, Cmp::GeU),
            S::I32x4Eq => icmp!(W::B32, Cmp::Eq),
            S::I32x4Ne => icmp!(W::B32, Cmp::Ne),
            S::I32x4LtS => icmp!(W::B32, Cmp::LtS),
            S::I32x4LtU => icmp!(W::B32, Cmp::LtU),
            S::I32x4GtS => icmp!(W::B32, Cmp::GtS),
            S::I32x4GtU => icmp!(W::B32, Cmp::GtU),
            S::I32x4LeS => icmp!(W::B32, Cmp::LeS),
            S::I32x4LeU => icmp!(W::B32, Cmp::LeU),
            S::I32x4GeS => icmp!(W::B32, Cmp::GeS),
            S::I32x4GeU => icmp!(W::B32, Cmp::GeU),
            S::I64x2Eq => icmp!(W::B64, Cmp::Eq),
            S::I64x2Ne => icmp!(W::B64, Cmp::Ne),
            S::I64x2LtS => icmp!(W::B64, Cmp::LtS),
            S::I64x2GtS => icmp!(W::B64, Cmp::GtS),
            S::I64x2LeS => icmp!(W::B64, Cmp::LeS),
            S::I64x2GeS => icmp!(W::B64, Cmp::GeS),
            // Float compares (cmpps predicates: 0 eq, 1 lt, 2 le, 4 neq (true when unordered)).
            S::F32x4Eq => fcmp!(Cmpps, 0, false),
            S::F32x4Ne => fcmp!(Cmpps, 4, false),
            S::F32x4Lt => fcmp!(Cmpps, 1, false),
            S::F32x4Gt => fcmp!(Cmpps, 1, true),
            S::F32x4Le => fcmp!(Cmpps, 2, false),
            S::F32x4Ge => fcmp!(Cmpps, 2, true),
            S::F64x2Eq => fcmp!(Cmppd, 0, false),
            S::F64x2Ne => fcmp!(Cmppd, 4, false),
            S::F64x2Lt => fcmp!(Cmppd, 1, false),
            S::F64x2Gt => fcmp!(Cmppd, 1, true),
            S::F64x2Le => fcmp!(Cmppd, 2, false),
            S::F64x2Ge => fcmp!(Cmppd, 2, true),
            // Bitwise.
            S::V128Not => {
                let a = arg(self, 0);
                let dst = out(self);
                self.not_into(dst, a);
            }
            S::V128And => bin!(Pand),
            S::V128Or => bin!(Por),
            S::V128Xor => bin!(Pxor),
            S::V128AndNot => {
                // pandn negates its first operand: a & !b = pandn(b, a).
                let a = arg(self, 0);
                let b = arg(self, 1);
                let dst = out(self);
                self.v2(Pandn, dst, b, a, 0);
            }
            S::V128Bitselect => {
                let a = arg(self, 0);
                let b = arg(self, 1);
                let c = arg(self, 2);
                let x = self.t2(Pand, a, c);
                let y = self.t2(Pandn, c, b);
                let dst = out(self);
                self.v2(Por, dst, x, y, 0);
            }
            S::V128AnyTrue => {
                let x = arg(self, 0);
                self.b.push(Inst::VecTest { a: x, b: x });
                let dst = out(self);
                self.b.push(Inst::Setcc { cc: CC::NE, dst });
            }
            S::I8x16AllTrue | S::I16x8AllTrue | S::I32x4AllTrue | S::I64x2AllTrue => {
                let eq = match op {
                    S::I8x16AllTrue => Pcmpeqb,
                    S::I16x8AllTrue => Pcmpeqw,
                    S::I32x4AllTrue => Pcmpeqd,
                    _ => Pcmpeqq,
                };
                let x = arg(self, 0);
                let zero = self.vconst(0);
                let zeros = self.t2(eq, x, zero);
                self.b.push(Inst::VecTest { a: zeros, b: zeros });
                let dst = out(self);
                self.b.push(Inst::Setcc { cc: CC::E, dst });
            }
            S::I8x16Bitmask => un!(Pmovmskb, 0),
            S::I16x8Bitmask => {
                let x = arg(self, 0);
                let packed = self.t2(Packsswb, x, x);
                let g = self.gtmp();
                self.v1(Pmovmskb, g, packed, 0);
                let dst = out(self);
                self.b.push(Inst::Alu { size: Size::S32, op: AluOp::And, dst, src1: g, src2: RegImm::Imm(0xff) });
            }
            S::I32x4Bitmask => un!(Movmskps, 0),
            S::I64x2Bitmask => un!(Movmskpd, 0),
            // Integer arithmetic.
            S::I8x16Abs => un!(Pabsb, 0),
            S::I16x8Abs => un!(Pabsw, 0),
            S::I32x4Abs => un!(Pabsd, 0),
            S::I64x2Abs => {
                let x = arg(self, 0);
                let hi = self.t1(Pshufd, x, 0xf5);
                let sign = self.t1(PsradImm, hi, 31);
                let flipped = self.t2(Pxor, x, sign);
                let dst = out(self);
                self.v2(Psubq, dst, flipped, sign, 0);
            }
            S::I8x16Neg | S::I16x8Neg | S::I32x4Neg | S::I64x2Neg => {
                let sub = match op {
                    S::I8x16Neg => Psubb,
                    S::I16x8Neg => Psubw,
                    S::I32x4Neg => Psubd,
                    _ => Psubq,
                };
                let x = arg(self, 0);
                let zero = self.vconst(0);
                let dst = out(self);
                self.v2(sub, dst, zero, x, 0);
            }
            S::I8x16Popcnt => {
                let x = arg(self, 0);
                let low = self.vconst(splat_const(8, 0x0f));
                let lo = self.t2(Pand, x, low);
                let sh = self.t1(PsrlwImm, x, 4);
                let hi = self.t2(Pand, sh, low);
                let table = self.vconst(u128::from_le_bytes([0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4]));
                let cl = self.t2(Pshufb, table, lo);
                let ch = self.t2(Pshufb, table, hi);
                let dst = out(self);
                self.v2(Paddb, dst, cl, ch, 0);
            }
            S::I8x16Add => bin!(Paddb),
            S::I8x16AddSatS => bin!(Paddsb),
            S::I8x16AddSatU => bin!(Paddusb),
            S::I8x16Sub => bin!(Psubb),
            S::I8x16SubSatS => bin!(Psubsb),
            S::I8x16SubSatU => bin!(Psubusb),
            S::I8x16MinS => bin!(Pminsb),
            S::I8x16MinU => bin!(Pminub),
            S::I8x16MaxS => bin!(Pmaxsb),
            S::I8x16MaxU => bin!(Pmaxub),
            S::I8x16AvgrU => bin!(Pavgb),
            S::I16x8Add => bin!(Paddw),
            S::I16x8AddSatS => bin!(Paddsw),
            S::I16x8AddSatU => bin!(Paddusw),
            S::I16x8Sub => bin!(Psubw),
            S::I16x8SubSatS => bin!(Psubsw),
            S::I16x8SubSatU => bin!(Psubusw),
            S::I16x8Mul => bin!(Pmullw),
            S::I16x8MinS => bin!(Pminsw),
            S::I16x8MinU => bin!(Pminuw),
            S::I16x8MaxS => bin!(Pmaxsw),
            S::I16x8MaxU => bin!(Pmaxuw),
            S::I16x8AvgrU => bin!(Pavgw),
            S::I32x4Add => bin!(Paddd),
            S::I32x4Sub => bin!(Psubd),
            S::I32x4Mul => bin!(Pmulld),
            S::I32x4MinS => bin!(Pminsd),
            S::I32x4MinU => bin!(Pminud),
            S::I32x4MaxS => bin!(Pmaxsd),
            S::I32x4MaxU => bin!(Pmaxud),
            S::I32x4DotI16x8S => bin!(Pmaddwd),
            S::I64x2Add => bin!(Paddq),
            S::I64x2Sub => bin!(Psubq),
            S::I64x2Mul => {
                // lo(a)*lo(b) + ((hi(a)*lo(b) + lo(a)*hi(b)) << 32), 32x32->64 products.
                let a = arg(self, 0);
                let b = arg(self, 1);
                let ah = self.t1(PsrlqImm, a, 32);
                let t1 = self.t2(Pmuludq, ah, b);
                let bh = self.t1(PsrlqImm, b, 32);
                let t2 = self.t2(Pmuludq, bh, a);
                let cross = self.t2(Paddq, t1, t2);
                let cross = self.t1(PsllqImm, cross, 32);
                let low = self.t2(Pmuludq, a, b);
                let dst = out(self);
                self.v2(Paddq, dst, low, cross, 0);
            }
            S::I16x8Q15MulrSatS => {
                // pmulhrsw is exact except 0x8000 * 0x8000, which it gives as 0x8000.
                let a = arg(self, 0);
                let b = arg(self, 1);
                let r = self.t2(Pmulhrsw, a, b);
                let k = self.vconst(splat_const(16, 0x8000));
                let over = self.t2(Pcmpeqw, r, k);
                let dst = out(self);
                self.v2(Pxor, dst, r, over, 0);
            }
            S::I16x8ExtAddPairwiseI8x16S => {
                // pmaddubsw: unsigned bytes of the first operand times signed bytes of the second.
                let x = arg(self, 0);
                let ones = self.vconst(splat_const(8, 1));
                let dst = out(self);
                self.v2(Pmaddubsw, dst, ones, x, 0);
            }
            S::I16x8ExtAddPairwiseI8x16U => {
                let x = arg(self, 0);
                let ones = self.vconst(splat_const(8, 1));
                let dst = out(self);
                self.v2(Pmaddubsw, dst, x, ones, 0);
            }
            S::I32x4ExtAddPairwiseI16x8S => {
                let x = arg(self, 0);
                let ones = self.vconst(splat_const(16, 1));
                let dst = out(self);
                self.v2(Pmaddwd, dst, x, ones, 0);
            }
            S::I32x4ExtAddPairwiseI16x8U => {
                // Bias to signed (x - 0x8000), add pairs, then add back 2 * 0x8000.
                let x = arg(self, 0);
                let bias = self.vconst(splat_const(16, 0x8000));
                let xs = self.t2(Pxor, x, bias);
                let ones = self.vconst(splat_const(16, 1));
                let sum = self.t2(Pmaddwd, xs, ones);
                let back = self.vconst(splat_const(32, 0x10000));
                let dst = out(self);
                self.v2(Paddd, dst, sum, back, 0);
            }
            S::I16x8NarrowI32x4S => bin!(Packssdw),
            S::I16x8NarrowI32x4U => bin!(Packusdw),
            S::I8x16NarrowI16x8S => bin!(Packsswb),
            S::I8x16NarrowI16x8U => bin!(Packuswb),
            S::I16x8ExtendLowI8x16S => un!(Pmovsxbw, 0),
            S::I16x8ExtendLowI8x16U => un!(Pmovzxbw, 0),
            S::I32x4ExtendLowI16x8S => un!(Pmovsxwd, 0),
            S::I32x4ExtendLowI16x8U => un!(Pmovzxwd, 0),
            S::I64x2ExtendLowI32x4S => un!(Pmovsxdq, 0),
            S::I64x2ExtendLowI32x4U => un!(Pmovzxdq, 0),
            S::I16x8ExtendHighI8x16S
            | S::I16x8ExtendHighI8x16U
            | S::I32x4ExtendHighI16x8S
            | S::I32x4ExtendHighI16x8U
            | S::I64x2ExtendHighI32x4S
            | S::I64x2ExtendHighI32x4U => {
                let ext = match op {
                    S::I16x8ExtendHighI8x16S => Pmovsxbw,
                    S::I16x8ExtendHighI8x16U => Pmovzxbw,
                    S::I32x4ExtendHighI16x8S => Pmovsxwd,
                    S::I32x4ExtendHighI16x8U => Pmovzxwd,
                    S::I64x2ExtendHighI32x4S => Pmovsxdq,
                    _ => Pmovzxdq,
                };
                let x = arg(self, 0);
                let high = self.t1(Pshufd, x, 0xee);
                let dst = out(self);
                self.v1(ext, dst, high, 0);
            }
            S::I16x8ExtMulLowI8x16S | S::I16x8ExtMulHighI8x16S | S::I16x8ExtMulLowI8x16U | S::I16x8ExtMulHighI8x16U => {
                let signed = matches!(op, S::I16x8ExtMulLowI8x16S | S::I16x8ExtMulHighI8x16S);
                let high = matches!(op, S::I16x8ExtMulHighI8x16S | S::I16x8ExtMulHighI8x16U);
                let ext = if signed { Pmovsxbw } else { Pmovzxbw };
                let mut a = arg(self, 0);
                let mut b = arg(self, 1);
                if high {
                    a = self.t1(Pshufd, a, 0xee);
                    b = self.t1(Pshufd, b, 0xee);
                }
                let wa = self.t1(ext, a, 0);
                let wb = self.t1(ext, b, 0);
                let dst = out(self);
                self.v2(Pmullw, dst, wa, wb, 0);
            }
            S::I32x4ExtMulLowI16x8S | S::I32x4ExtMulHighI16x8S | S::I32x4ExtMulLowI16x8U | S::I32x4ExtMulHighI16x8U => {
                let signed = matches!(op, S::I32x4ExtMulLowI16x8S | S::I32x4ExtMulHighI16x8S);
                let high = matches!(op, S::I32x4ExtMulHighI16x8S | S::I32x4ExtMulHighI16x8U);
                let a = arg(self, 0);
                let b = arg(self, 1);
                let lo = self.t2(Pmullw, a, b);
                let hi = self.t2(if signed { Pmulhw } else { Pmulhuw }, a, b);
                let dst = out(self);
                self.v2(if high { Punpckhwd } else { Punpcklwd }, dst, lo, hi, 0);
            }
            S::I64x2ExtMulLowI32x4S | S::I64x2ExtMulHighI32x4S | S::I64x2ExtMulLowI32x4U | S::I64x2ExtMulHighI32x4U => {
                let signed = matches!(op, S::I64x2ExtMulLowI32x4S | S::I64x2ExtMulHighI32x4S);
                let high = matches!(op, S::I64x2ExtMulHighI32x4S | S::I64x2ExtMulHighI32x4U);
                // The two lanes moved to the even positions the 32x32->64 multiplies read.
                let sel = if high { 0xfa } else { 0x50 };
                let a = arg(self, 0);
                let b = arg(self, 1);
                let a2 = self.t1(Pshufd, a, sel);
                let b2 = self.t1(Pshufd, b, sel);
                let dst = out(self);
                self.v2(if signed { Pmuldq } else { Pmuludq }, dst, a2, b2, 0);
            }
            // Shifts (the count is taken modulo the lane width).
            S::I8x16Shl | S::I8x16ShrU => {
                let x = arg(self, 0);
                let dst = out(self);
                self.shift_i8_logical(dst, x, d.args[1], op == S::I8x16Shl);
            }
            S::I8x16ShrS => {
                let x = arg(self, 0);
                let dst = out(self);
                self.shift_i8_arith(dst, x, d.args[1]);
            }
            S::I16x8Shl => shift!(W::B16, PsllwImm, Psllw),
            S::I16x8ShrS => shift!(W::B16, PsrawImm, Psraw),
            S::I16x8ShrU => shift!(W::B16, PsrlwImm, Psrlw),
            S::I32x4Shl => shift!(W::B32, PslldImm, Pslld),
            S::I32x4ShrS => shift!(W::B32, PsradImm, Psrad),
            S::I32x4ShrU => shift!(W::B32, PsrldImm, Psrld),
            S::I64x2Shl => shift!(W::B64, PsllqImm, Psllq),
            S::I64x2ShrU => shift!(W::B64, PsrlqImm, Psrlq),
            S::I64x2ShrS => {
                let x = arg(self, 0);
                let dst = out(self);
                self.shift_i64_arith(dst, x, d.args[1]);
            }
            // Float arithmetic.
            S::F32x4Add => bin!(Addps),
            S::F32x4Sub => bin!(Subps),
            S::F32x4Mul => bin!(Mulps),
            S::F32x4Div => bin!(Divps),
            S::F64x2Add => bin!(Addpd),
            S::F64x2Sub => bin!(Subpd),
            S::F64x2Mul => bin!(Mulpd),
            S::F64x2Div => bin!(Divpd),
            S::F32x4Sqrt => un!(Sqrtps, 0),
            S::F64x2Sqrt => un!(Sqrtpd, 0),
            // roundps modes (imm bits 0-1) with precision exceptions suppressed (bit 3).
            S::F32x4Nearest => un!(Roundps, 8),
            S::F32x4Floor => un!(Roundps, 9),
            S::F32x4Ceil => un!(Roundps, 10),
            S::F32x4Trunc => un!(Roundps, 11),
            S::F64x2Nearest => un!(Roundpd, 8),
            S::F64x2Floor => un!(Roundpd, 9),
            S::F64x2Ceil => un!(Roundpd, 10),
            S::F64x2Trunc => un!(Roundpd, 11),
            S::F32x4Abs | S::F32x4Neg | S::F64x2Abs | S::F64x2Neg => {
                let sign = match op {
                    S::F32x4Abs | S::F32x4Neg => splat_const(32, 0x8000_0000),
                    _ => splat_const(64, 1 << 63),
                };
                let neg = matches!(op, S::F32x4Neg | S::F64x2Neg);
                let x = arg(self, 0);
                let dst = out(self);
                if neg {
                    let k = self.vconst(sign);
                    self.v2(Xorps, dst, x, k, 0);
                } else {
                    let k = self.vconst(!sign);
                    self.v2(Andps, dst, x, k, 0);
                }
            }
            S::F32x4Min | S::F32x4Max | S::F64x2Min | S::F64x2Max => {
                let a = arg(self, 0);
                let b = arg(self, 1);
                let dst = out(self);
                let f64 = matches!(op, S::F64x2Min | S::F64x2Max);
                self.float_min_max(dst, a, b, f64, matches!(op, S::F32x4Min | S::F64x2Min));
            }
            // pmin(a, b) = b < a ? b : a, which is minps(b, a) (it returns its second
            // operand when unordered or equal); pmax likewise.
            S::F32x4PMin | S::F32x4PMax | S::F64x2PMin | S::F64x2PMax => {
                let o = match op {
                    S::F32x4PMin => Minps,
                    S::F32x4PMax => Maxps,
                    S::F64x2PMin => Minpd,
                    _ => Maxpd,
                };
                let a = arg(self, 0);
                let b = arg(self, 1);
                let dst = out(self);
                self.v2(o, dst, b, a, 0);
            }
            // Conversions.
            S::F32x4ConvertI32x4S => un!(Cvtdq2ps, 0),
            S::F64x2ConvertLowI32x4S => un!(Cvtdq2pd, 0),
            S::F32x4DemoteF64x2Zero => un!(Cvtpd2ps, 0),
            S::F64x2PromoteLowF32x4 => un!(Cvtps2pd, 0),
            S::F32x4ConvertI32x4U => {
                // Low 16 bits convert exactly; the high part is halved (to stay signed),
                // converted and doubled; the sum rounds once.
                let x = arg(self, 0);
                let zero = self.vconst(0);
                let lo = self.vtmp();
                self.v2(Pblendw, lo, zero, x, 0x55);
                let hi = self.t2(Psubd, x, lo);
                let lo_f = self.t1(Cvtdq2ps, lo, 0);
                let hi = self.t1(PsrldImm, hi, 1);
                let hi_f = self.t1(Cvtdq2ps, hi, 0);
                let hi_f = self.t2(Addps, hi_f, hi_f);
                let dst = out(self);
                self.v2(Addps, dst, hi_f, lo_f, 0);
            }
            S::F64x2ConvertLowI32x4U => {
                // 2^52 + x as the bits 0x43300000_xxxxxxxx, minus 2^52.
                let x = arg(self, 0);
                let magic = self.vconst(splat_const(32, 0x4330_0000));
                let v = self.t2(Unpcklps, x, magic);
                let k = self.vconst(splat_const(64, 4503599627370496.0f64.to_bits()));
                let dst = out(self);
                self.v2(Subpd, dst, v, k, 0);
            }
            S::I32x4TruncSatF32x4S => {
                let x = arg(self, 0);
                let ordered = self.vtmp();
                self.v2(Cmpps, ordered, x, x, 0);
                let x0 = self.t2(Andps, x, ordered);
                // Sign bit set where the input was non-negative (NaN lanes: 0).
                let notsign = self.t2(Pxor, ordered, x0);
                let conv = self.t1(Cvttps2dq, x0, 0);
                // Positive overflow shows as 0x80000000 with a non-negative input.
                let over = self.t2(Pand, notsign, conv);
                let over = self.t1(PsradImm, over, 31);
                let dst = out(self);
                self.v2(Pxor, dst, conv, over, 0);
            }
            S::I32x4TruncSatF32x4U => {
                let x = arg(self, 0);
                let zero = self.vconst(0);
                // NaN and negative lanes become 0 (maxps returns its second operand on NaN).
                let x = self.t2(Maxps, x, zero);
                let two31 = self.vconst(splat_const(32, 2147483648.0f32.to_bits() as u64));
                let rest = self.t2(Subps, x, two31);
                let big = self.vtmp();
                self.v2(Cmpps, big, two31, rest, 2);
                let rest_i = self.t1(Cvttps2dq, rest, 0);
                let rest_i = self.t2(Pxor, rest_i, big);
                let zero2 = self.vconst(0);
                let rest_i = self.t2(Pmaxsd, rest_i, zero2);
                let low_i = self.t1(Cvttps2dq, x, 0);
                let dst = out(self);
                self.v2(Paddd, dst, low_i, rest_i, 0);
            }
            S::I32x4TruncSatF64x2SZero => {
                let x = arg(self, 0);
                let ordered = self.vtmp();
                self.v2(Cmppd, ordered, x, x, 0);
                let max = self.vconst(splat_const(64, 2147483647.0f64.to_bits()));
                let lim = self.t2(Andps, ordered, max);
                // minpd returns its second operand (the limit, 0 for NaN) when unordered.
                let clamped = self.t2(Minpd, x, lim);
                let dst = out(self);
                self.v1(Cvttpd2dq, dst, clamped, 0);
            }
            S::I32x4TruncSatF64x2UZero => {
                let x = arg(self, 0);
                let zero = self.vconst(0);
                let x = self.t2(Maxpd, x, zero);
                let max = self.vconst(splat_const(64, 4294967295.0f64.to_bits()));
                let x = self.t2(Minpd, x, max);
                let x = self.t1(Roundpd, x, 11);
                let magic = self.vconst(splat_const(64, 4503599627370496.0f64.to_bits()));
                let x = self.t2(Addpd, x, magic);
                // The integers are the low words of the two doubles; the upper lanes zero.
                let zero2 = self.vconst(0);
                let dst = out(self);
                self.v2(Shufps, dst, x, zero2, 0b10_00_10_00);
            }
        }
        Ok(())
    }
}
