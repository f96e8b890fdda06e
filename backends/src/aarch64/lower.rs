//! Instruction selection: IR function → AArch64 VCode.
//!
//! One IR value is one virtual register (number = value index), except constants, which are
//! rematerialised at each use (as immediates where the instruction takes one), and the
//! width changes that are their operand's register
//! ([`crate::machinst::same_register_as_operand`]; any other `uextend` is a plain X copy).
//! What this
//! lowering uses of the machine: three-register forms (no copies for two-address operands),
//! add/sub 12-bit immediates (shifted or not, `cmn` for negative compares), bitmask immediates
//! for and/orr/eor, `bic`/`orn`/`eon` for an and/or/xor with a complement used only there,
//! `madd`/`msub` for a multiply whose only use is an add or subtract,
//! an add/sub with a shifted register operand for a shift by a constant used only there,
//! compares fused into the branch or select that is their only use (`cbz`/`cbnz` against zero,
//! `tbz`/`tbnz` for a single-bit test, `b.cond`, `csel`/`fcsel`), base + index register
//! addressing for wasm memory, and the machine's own `fmin`/`fmax`/`frint*`, which already
//! have wasm's semantics. A `br_table` that only selects values
//! ([`crate::machinst::value_table`]) is a lookup table (`cmp`+`b.hs`, or a byte of holes
//! read at a `csel`-clamped index and `cbnz`, then an `adr`+`ldr` per varying argument
//! and one jump); any other `br_table` is a table of branches.
//! Critical edges are split at the blocks `machinst::blocks` numbers (regalloc2 needs it).
//!
//! The ABI is the one in `abi.rs`, shared with x86-64: the first parameters and results in
//! registers (`abi::value_homes`, named by `pregs::CALL_REGS`, as fixed-register operands
//! of `Args`, `Call`, `CallIndirect` and `Ret`), the others in the value area at
//! `[x29 + 16]`, outgoing ones at `[sp]`. Libcalls and imports keep the whole area. This
//! file never encodes bytes and never assumes a register assignment: the physical registers
//! it names are `sp`, `x29`, the pinned heap base `x27` (`pregs::heap_base`) and the
//! convention's fixed registers.

use crate::aarch64::enc::arith::split_imm12;
use crate::aarch64::enc::float::{FpBinOp, FpUnOp};
use crate::aarch64::enc::loadstore::MemOp;
use crate::aarch64::enc::logical::LogicalImm;
use crate::aarch64::inst::*;
use crate::aarch64::pregs;
use crate::aarch64::regs::{Cond, FpSize, Size};
use crate::abi::{value_offsets, vmctx, LibCall};
use crate::compile::BoundsChecks;
use crate::machinst::blocks::{BlockLayout, EdgeBlocks, VBlocks};
use crate::machinst::edge_lowering::{lower_edge_blocks, EdgeLowering};
use crate::machinst::runtime_calls::runtime_call;
use crate::machinst::value_table::{TableLoads, ValueTable};
use crate::machinst::{
    class_of, complement_operands, same_register_as_operand, CallValues, ComplementOperand, LowerError, Lowered,
};
use crate::reg::Reg;
use crate::vcode::VCodeBuilder;
use regalloc2::{RegClass, VReg};
use std::collections::{HashMap, HashSet};
use wlab_ir::fxhash::FxBuild;
mod simd;
mod simd_lanes;
mod simd_widen;

use wlab_ir::{Block, FloatCC, Function, Imm, Inst as IrInst, IntCC, Opcode, Type, Value, ValueDef};

fn size_of(ty: Type) -> Size {
    match ty {
        Type::I32 => Size::W,
        _ => Size::X,
    }
}

fn fsize_of(ty: Type) -> FpSize {
    match ty {
        Type::F32 => FpSize::S,
        _ => FpSize::D,
    }
}

pub fn cond_of_intcc(cc: IntCC) -> Cond {
    match cc {
        IntCC::Eq => Cond::Eq,
        IntCC::Ne => Cond::Ne,
        IntCC::Slt => Cond::Lt,
        IntCC::Sle => Cond::Le,
        IntCC::Sgt => Cond::Gt,
        IntCC::Sge => Cond::Ge,
        IntCC::Ult => Cond::Lo,
        IntCC::Ule => Cond::Ls,
        IntCC::Ugt => Cond::Hi,
        IntCC::Uge => Cond::Hs,
    }
}

/// The condition after `fcmp a, b` that is true exactly when `a cc b` (unordered sets C and V,
/// which makes every one of these false except `ne`, as wasm wants).
pub fn cond_of_floatcc(cc: FloatCC) -> Cond {
    match cc {
        FloatCC::Eq => Cond::Eq,
        FloatCC::Ne => Cond::Ne,
        FloatCC::Lt => Cond::Mi,
        FloatCC::Le => Cond::Ls,
        FloatCC::Gt => Cond::Gt,
        FloatCC::Ge => Cond::Ge,
    }
}

/// How a condition value was lowered to flags or a register test.
enum CondKind {
    Flags(Cond),
    /// Nonzero (`nz`) or zero test of a register.
    Zero {
        nz: bool,
        size: Size,
        reg: Reg,
    },
    /// Bit `bit` set (`nz`) or clear.
    Bit {
        nz: bool,
        bit: u8,
        reg: Reg,
    },
}

struct Ctx<'f> {
    f: &'f Function,
    b: VCodeBuilder<Inst>,
    num_imported_funcs: u32,
    bounds: BoundsChecks,
    uses: Vec<u32>,
    /// IR instructions lowered together with their only user.
    fused: Vec<bool>,
    outgoing: u32,
    vblock: VBlocks,
    /// The IR block being lowered.
    cur_block: Block,
    /// The block of each IR instruction in the layout (by instruction index).
    inst_block: Vec<Option<Block>>,
    /// The blocks whose `br_table` only selects values (`BlockLayout`).
    value_tables: HashMap<Block, ValueTable, FxBuild>,
}

/// Lowers `f`. `num_imported_funcs` tells direct calls to defined functions from calls to
/// imports (which go through the runtime); `bounds` says how memory accesses stay in bounds.
pub fn lower(f: &Function, num_imported_funcs: u32, bounds: BoundsChecks) -> Result<Lowered<Inst>, LowerError> {
    let BlockLayout { entry, order, vblock, edge_blocks, num_blocks, uses, value_tables } = BlockLayout::compute(f)?;
    let mut b = VCodeBuilder::new(num_blocks as usize);
    b.reserve_vregs(f.values.len());
    let mut cx = Ctx {
        f,
        b,
        num_imported_funcs,
        bounds,
        uses,
        fused: vec![false; f.insts.len()],
        outgoing: 0,
        vblock,
        cur_block: entry,
        inst_block: vec![None; f.insts.len()],
        value_tables,
    };
    for (blk, i) in f.layout_insts() {
        cx.inst_block[i.index()] = Some(blk);
    }
    if f.uses_v128() {
        cx.b.use_vector_slots();
    }
    // Entry: register parameters from their registers, the others from the value area
    // at [x29 + 16].
    cx.b.start_block(0, Vec::new());
    let mut args = Vec::new();
    let mut defs = Vec::new();
    let mut loads = Vec::new();
    let (routes, _) = pregs::CALL_REGS.routes(&f.signature.params, false);
    for (ty, route) in f.signature.params.iter().zip(routes) {
        let t = cx.b.vreg(class_of(*ty));
        match route.reg {
            Some(p) => defs.push((t, p)),
            None => loads.push((t, *ty, route.offset)),
        }
        args.push(t.to_vreg().unwrap());
    }
    cx.b.push(Inst::Args { defs });
    for (t, ty, off) in loads {
        cx.load_slot(t, ty, Amode::RegOff { base: pregs::fp(), off: 16 + off as i64 });
    }
    let entry_v = cx.vblock.of(entry);
    cx.b.push(Inst::B { target: entry_v });
    cx.b.end_block(0, vec![(entry_v as usize, args)]);
    for &blk in &order {
        cx.lower_block(blk, &edge_blocks)?;
    }
    let outgoing = cx.outgoing;
    Ok(Lowered { vcode: cx.b.finish(), outgoing_slots: outgoing })
}

/// A varying argument of a lookup table's entries (`machinst::value_table`).
impl TableLoads for Ctx<'_> {
    fn table_load(&mut self, ty: Type, index: Reg, values: Vec<u64>) -> Reg {
        let dst = self.b.vreg(RegClass::Int);
        self.b.push(Inst::TableLoad { size: size_of(ty), dst, index, values });
        dst
    }
}

/// The shared lowering of split edges' blocks (`machinst::edge_lowering`) lowers through these.
impl EdgeLowering for Ctx<'_> {
    fn start_edge_block(&mut self, b: u32) {
        self.b.start_block(b as usize, Vec::new());
    }

    fn end_edge_block(&mut self, b: u32, target: u32, args: Vec<VReg>) {
        self.b.push(Inst::B { target });
        self.b.end_block(b as usize, vec![(target as usize, args)]);
    }

    fn take_value_table(&mut self, blk: Block) -> Option<ValueTable> {
        self.value_tables.remove(&blk)
    }

    fn vblock_of(&self, b: Block) -> u32 {
        self.vblock.of(b)
    }
}

/// The shared placement of a wasm call's values (`machinst::call_regs`) lowers through these.
impl CallValues for Ctx<'_> {
    fn value_reg(&mut self, v: Value) -> Reg {
        self.get(v)
    }

    fn result_reg(&self, v: Value) -> Reg {
        self.vreg(v)
    }

    fn copy_reg(&mut self, r: Reg, ty: Type) -> Reg {
        let dst = self.b.vreg(class_of(ty));
        match class_of(ty) {
            RegClass::Int => self.b.push(Inst::Mov { size: Size::X, dst, src: r }),
            _ => self.b.push(Inst::FpuRR { op: FpUnOp::Fmov, size: FpSize::D, dst, src: r }),
        }
        dst
    }

    fn store_outgoing(&mut self, r: Reg, ty: Type, offset: i32) {
        self.store_slot(r, ty, Self::out_slot(offset))
    }
}

impl Ctx<'_> {
    fn vreg(&self, v: Value) -> Reg {
        Reg::virt(VReg::new(v.index(), class_of(self.f.value_type(v))))
    }

    fn def_inst(&self, v: Value) -> Option<IrInst> {
        match self.f.value_def(v) {
            ValueDef::Result(i, _) => Some(i),
            ValueDef::Param(..) => None,
        }
    }

    /// The constant `v` holds, if it is an `iconst`.
    fn iconst(&self, v: Value) -> Option<i64> {
        let i = self.def_inst(v)?;
        let d = self.f.inst(i);
        match (d.opcode, d.imm) {
            (Opcode::Iconst, Imm::I64(x)) => Some(x),
            _ => None,
        }
    }

    /// `v`'s constant as the value an operation of `size` sees (sign-extended for W).
    fn iconst_sized(&self, v: Value, size: Size) -> Option<i64> {
        let x = self.iconst(v)?;
        Some(match size {
            Size::W => x as i32 as i64,
            Size::X => x,
        })
    }

    /// A register holding `v` (constants are materialised here, at the use).
    fn get(&mut self, v: Value) -> Reg {
        if let Some(i) = self.def_inst(v) {
            let d = self.f.inst(i);
            match (d.opcode, d.imm) {
                (Opcode::Uextend | Opcode::Ireduce, _) if same_register_as_operand(self.f, &self.uses, i) => {
                    return self.get(d.args[0]);
                }
                (Opcode::Iconst, Imm::I64(x)) => {
                    let size = size_of(self.f.value_type(v));
                    let dst = self.b.vreg(RegClass::Int);
                    let imm = if size == Size::W { x as u32 as u64 } else { x as u64 };
                    self.b.push(Inst::MovImm { size, dst, imm });
                    return dst;
                }
                (Opcode::Fconst, Imm::F32(bits)) => {
                    let dst = self.b.vreg(RegClass::Float);
                    self.b.push(Inst::FConst { size: FpSize::S, dst, bits: bits as u64 });
                    return dst;
                }
                (Opcode::Fconst, Imm::F64(bits)) => {
                    let dst = self.b.vreg(RegClass::Float);
                    self.b.push(Inst::FConst { size: FpSize::D, dst, bits });
                    return dst;
                }
                _ => {}
            }
        }
        self.vreg(v)
    }

    fn load_slot(&mut self, dst: Reg, ty: Type, addr: Amode) {
        match ty {
            Type::F32 | Type::F64 => self.b.push(Inst::FLoad { size: fsize_of(ty), dst, addr }),
            Type::I32 => self.b.push(Inst::Load { op: MemOp::LdrW, dst, addr }),
            Type::V128 => self.b.push(Inst::VecLoad { dst, addr }),
            Type::I64 | Type::FuncRef | Type::ExternRef => self.b.push(Inst::Load { op: MemOp::LdrX, dst, addr }),
        }
    }

    fn store_slot(&mut self, src: Reg, ty: Type, addr: Amode) {
        match ty {
            Type::F32 | Type::F64 => self.b.push(Inst::FStore { size: fsize_of(ty), src, addr }),
            Type::I32 => self.b.push(Inst::Store { op: MemOp::StrW, src, addr }),
            Type::V128 => self.b.push(Inst::VecStore { src, addr }),
            Type::I64 | Type::FuncRef | Type::ExternRef => self.b.push(Inst::Store { op: MemOp::StrX, src, addr }),
        }
    }

    /// The outgoing value area's slot at byte offset `off` (from `abi::value_offsets`).
    fn out_slot(off: i32) -> Amode {
        Amode::RegOff { base: pregs::sp(), off: off as i64 }
    }

    /// Stores `inputs` into the outgoing area, calls, and loads `results` back.
    fn call(&mut self, target: CallTarget, inputs: &[(Value, Type)], results: &[(Value, Type)]) {
        let in_types: Vec<Type> = inputs.iter().map(|(_, ty)| *ty).collect();
        let out_types: Vec<Type> = results.iter().map(|(_, ty)| *ty).collect();
        let (in_offsets, in_words) = value_offsets(&in_types);
        let (out_offsets, out_words) = value_offsets(&out_types);
        for ((v, ty), off) in inputs.iter().zip(in_offsets) {
            let r = self.get(*v);
            self.store_slot(r, *ty, Self::out_slot(off));
        }
        self.outgoing = self.outgoing.max(in_words).max(out_words);
        self.b.push(Inst::Call { target, uses: Vec::new(), defs: Vec::new() });
        for ((v, ty), off) in results.iter().zip(out_offsets) {
            let dst = self.vreg(*v);
            self.load_slot(dst, *ty, Self::out_slot(off));
        }
    }

    /// A direct wasm-to-wasm call with the register convention (`abi::value_homes`).
    fn wasm_call(&mut self, func: u32, inputs: &[(Value, Type)], results: &[(Value, Type)]) {
        let args = pregs::CALL_REGS.place_args(self, inputs, &mut Vec::new());
        let res = pregs::CALL_REGS.place_results(self, results);
        self.b.push(Inst::Call { target: CallTarget::Func(func), uses: args.uses, defs: res.defs });
        for (dst, ty, off) in res.loads {
            self.load_slot(dst, ty, Self::out_slot(off));
        }
        self.outgoing = self.outgoing.max(args.direct_words).max(res.direct_words);
    }

    fn libcall(&mut self, lib: LibCall, a: u64, b: u64, inputs: &[Value], results: &[Value]) {
        let ins: Vec<(Value, Type)> = inputs.iter().map(|v| (*v, self.f.value_type(*v))).collect();
        let outs: Vec<(Value, Type)> = results.iter().map(|v| (*v, self.f.value_type(*v))).collect();
        self.call(CallTarget::Lib(lib, a, b), &ins, &outs);
    }

    /// Lowers `i`, a runtime service, to the libcall `machinst::runtime_calls` says.
    fn runtime_call(&mut self, i: IrInst, lib: LibCall) -> Result<(), LowerError> {
        let c = runtime_call(self.f, i, lib).ok_or_else(|| self.malformed(i))?;
        self.libcall(c.lib, c.a, c.b, &c.inputs, &c.results);
        Ok(())
    }

    /// The instruction defining `v` if it can be lowered as part of its only user in `block`.
    fn fusable(&self, v: Value, block: Block, ops: &[Opcode]) -> Option<IrInst> {
        let i = self.def_inst(v)?;
        let d = self.f.inst(i);
        if !ops.contains(&d.opcode) || self.uses[v.index()] != 1 {
            return None;
        }
        (self.inst_block[i.index()] == Some(block)).then_some(i)
    }

    /// The `ishl` by a constant defining `v`, when it can be the shifted register operand
    /// of its only user in `block`, an `iadd` or `isub`.
    fn shift_by_const(&self, v: Value, block: Block) -> Option<IrInst> {
        let i = self.fusable(v, block, &[Opcode::Ishl])?;
        self.iconst(self.f.inst(i).args[1]).map(|_| i)
    }

    /// For a `band`, `bor` or `bxor`: an operand that is a complement only it uses
    /// (`machinst::complement_operands`), computed by one `bic`, `orn` or `eon`.
    fn complement_operand(&self, i: IrInst) -> Option<ComplementOperand> {
        let [first, second] = complement_operands(self.f, &self.uses, &self.inst_block, i);
        second.or(first)
    }

    /// A single-bit mask `band x, 1 << k` (k < 32) fused into a branch: `(x, k)`.
    fn single_bit(&self, i: IrInst) -> Option<(Value, u8)> {
        let d = self.f.inst(i);
        let k = self.iconst(d.args[1])?;
        (d.opcode == Opcode::Band && k > 0 && (k as u64).is_power_of_two() && k < 1 << 32)
            .then(|| (d.args[0], k.trailing_zeros() as u8))
    }

    /// `cmp a, b` with `b` as an immediate when it fits (`cmn` for negative ones).
    fn cmp(&mut self, size: Size, a: Value, b: Value) {
        let lhs = self.get(a);
        let rhs = match self.iconst_sized(b, size) {
            Some(k) if k >= 0 && split_imm12(k as u64).is_some() => {
                let (imm12, lsl12) = split_imm12(k as u64).unwrap();
                CmpRhs::Imm { imm12, lsl12, neg: false }
            }
            Some(k) if k < 0 && k.checked_neg().and_then(|n| split_imm12(n as u64)).is_some() => {
                let (imm12, lsl12) = split_imm12(k.checked_neg().unwrap() as u64).unwrap();
                CmpRhs::Imm { imm12, lsl12, neg: true }
            }
            _ => CmpRhs::Reg(self.get(b)),
        };
        self.b.push(Inst::Cmp { size, a: lhs, rhs });
    }

    /// Lowers the condition `cond != 0` for a branch or select in `block`, fusing its compare
    /// when it is the only use. `for_branch` allows the register-test forms.
    fn condition(&mut self, cond: Value, block: Block, for_branch: bool) -> CondKind {
        let _ = block;
        if let Some(i) = self.def_inst(cond).filter(|i| self.fused[i.index()]) {
            let d = self.f.inst(i).clone();
            let size = size_of(self.f.value_type(d.args[0]));
            match (d.opcode, d.imm) {
                (Opcode::Icmp, Imm::IntCC(cc)) => {
                    let zero = self.iconst(d.args[1]) == Some(0);
                    if for_branch && zero && matches!(cc, IntCC::Eq | IntCC::Ne) {
                        let reg = self.get(d.args[0]);
                        return CondKind::Zero { nz: cc == IntCC::Ne, size, reg };
                    }
                    self.cmp(size, d.args[0], d.args[1]);
                    return CondKind::Flags(cond_of_intcc(cc));
                }
                (Opcode::Eqz, _) => {
                    if for_branch {
                        let reg = self.get(d.args[0]);
                        return CondKind::Zero { nz: false, size, reg };
                    }
                    let reg = self.get(d.args[0]);
                    self.b.push(Inst::Cmp { size, a: reg, rhs: CmpRhs::Imm { imm12: 0, lsl12: false, neg: false } });
                    return CondKind::Flags(Cond::Eq);
                }
                (Opcode::Fcmp, Imm::FloatCC(cc)) => {
                    let size = fsize_of(self.f.value_type(d.args[0]));
                    let a = self.get(d.args[0]);
                    let b = self.get(d.args[1]);
                    self.b.push(Inst::FCmp { size, a, b });
                    return CondKind::Flags(cond_of_floatcc(cc));
                }
                (Opcode::Band, _) if for_branch => {
                    if let Some((x, bit)) = self.single_bit(i) {
                        let reg = self.get(x);
                        return CondKind::Bit { nz: true, bit, reg };
                    }
                }
                _ => {}
            }
            unreachable!("mark_fused and condition disagree");
        }
        let reg = self.get(cond);
        if for_branch {
            return CondKind::Zero { nz: true, size: Size::W, reg };
        }
        self.b.push(Inst::Cmp { size: Size::W, a: reg, rhs: CmpRhs::Imm { imm12: 0, lsl12: false, neg: false } });
        CondKind::Flags(Cond::Ne)
    }

    /// Marks the instructions of `insts` that their only user lowers.
    fn mark_fused(&mut self, blk: Block, insts: &[IrInst]) {
        let cond_ops = [Opcode::Icmp, Opcode::Eqz, Opcode::Fcmp, Opcode::Band];
        for &i in insts {
            let d = self.f.inst(i);
            let fuse: Option<IrInst> = if d.opcode == Opcode::Brif {
                self.fusable(d.args[0], blk, &cond_ops).filter(|c| {
                    let cd = self.f.inst(*c);
                    cd.opcode != Opcode::Band || self.single_bit(*c).is_some()
                })
            } else if d.opcode == Opcode::Select {
                self.fusable(d.args[0], blk, &cond_ops[..3])
            } else if d.opcode == Opcode::Iadd {
                self.fusable(d.args[1], blk, &[Opcode::Imul])
                    .or_else(|| self.fusable(d.args[0], blk, &[Opcode::Imul]))
                    .or_else(|| self.shift_by_const(d.args[1], blk))
                    .or_else(|| self.shift_by_const(d.args[0], blk))
            } else if matches!(d.opcode, Opcode::Band | Opcode::Bor | Opcode::Bxor) {
                self.complement_operand(i).map(|c| c.not)
            } else if d.opcode == Opcode::Isub {
                self.fusable(d.args[1], blk, &[Opcode::Imul]).or_else(|| self.shift_by_const(d.args[1], blk))
            } else {
                None
            };
            if let Some(c) = fuse {
                // The fused instruction must come before its user (it always does in SSA
                // within a block) and must not be fused twice.
                self.fused[c.index()] = true;
            }
        }
    }

    fn lower_block(&mut self, blk: Block, edge_blocks: &EdgeBlocks) -> Result<(), LowerError> {
        let id = self.vblock.of(blk);
        let params = self.f.block_params(blk).iter().map(|p| self.vreg(*p).to_vreg().unwrap()).collect();
        self.b.start_block(id as usize, params);
        let insts = self.f.block_insts(blk).to_vec();
        self.cur_block = blk;
        self.mark_fused(blk, &insts);
        for &i in &insts {
            let d = self.f.inst(i);
            self.b.set_source(Some(i.index() as u32), d.srcloc);
            if self.fused[i.index()] {
                continue;
            }
            if d.opcode.is_terminator() {
                self.lower_terminator(blk, id, i, edge_blocks)?;
            } else {
                self.lower_inst(i)?;
            }
        }
        Ok(())
    }

    /// Target of edge `k` of `blk`'s terminator: the edge block if split, with the arguments it
    /// passes directly (none when split).
    fn edge(&mut self, blk: Block, k: usize, edge_blocks: &EdgeBlocks) -> (u32, Vec<VReg>) {
        if let Some(e) = edge_blocks.get(blk, k) {
            return (e, Vec::new());
        }
        let f = self.f;
        let bc = &f.inst(f.terminator(blk).unwrap()).dests[k];
        let args = bc.args.iter().map(|a| self.get(*a).to_vreg().unwrap()).collect();
        (self.vblock.of(bc.block), args)
    }

    fn lower_terminator(&mut self, blk: Block, id: u32, i: IrInst, edge_blocks: &EdgeBlocks) -> Result<(), LowerError> {
        let f = self.f;
        let d = f.inst(i);
        match d.opcode {
            Opcode::Jump => {
                let (t, args) = self.edge(blk, 0, edge_blocks);
                self.b.push(Inst::B { target: t });
                self.b.end_block(id as usize, vec![(t as usize, args)]);
            }
            Opcode::Brif => {
                let kind = self.condition(d.args[0], blk, true);
                let (t0, a0) = self.edge(blk, 0, edge_blocks);
                let (t1, a1) = self.edge(blk, 1, edge_blocks);
                let inst = match kind {
                    CondKind::Flags(cond) => Inst::BCond { cond, taken: t0, not_taken: t1 },
                    CondKind::Zero { nz, size, reg } => Inst::Cbz { nz, size, reg, taken: t0, not_taken: t1 },
                    CondKind::Bit { nz, bit, reg } => Inst::Tbz { nz, bit, reg, taken: t0, not_taken: t1 },
                };
                self.b.push(inst);
                self.b.end_block(id as usize, vec![(t0 as usize, a0), (t1 as usize, a1)]);
            }
            Opcode::BrTable if self.value_tables.contains_key(&blk) => {
                // Out of range or at a hole, the default; else the entries' one edge
                // block, which loads their arguments.
                let index = self.get(d.args[0]);
                let (t0, a0) = self.edge(blk, 0, edge_blocks);
                let (t1, _) = self.edge(blk, 1, edge_blocks);
                let entries = (d.dests.len() - 1) as u64;
                match self.value_tables.get_mut(&blk).and_then(|t| t.holes.take()) {
                    None => {
                        let rhs = match split_imm12(entries) {
                            Some((imm12, lsl12)) => CmpRhs::Imm { imm12, lsl12, neg: false },
                            None => {
                                let n = self.b.vreg(RegClass::Int);
                                self.b.push(Inst::MovImm { size: Size::W, dst: n, imm: entries });
                                CmpRhs::Reg(n)
                            }
                        };
                        self.b.push(Inst::Cmp { size: Size::W, a: index, rhs });
                        self.b.push(Inst::BCond { cond: Cond::Hs, taken: t0, not_taken: t1 });
                    }
                    Some(holes) => {
                        let hole = self.b.vreg(RegClass::Int);
                        self.b.push(Inst::TableHoleLoad { dst: hole, index, holes });
                        self.b.push(Inst::Cbz { nz: true, size: Size::W, reg: hole, taken: t0, not_taken: t1 });
                    }
                }
                self.b.end_block(id as usize, vec![(t0 as usize, a0), (t1 as usize, Vec::new())]);
            }
            Opcode::BrTable => {
                let index = self.get(d.args[0]);
                let mut succs = Vec::new();
                for k in 0..d.dests.len() {
                    let (t, a) = self.edge(blk, k, edge_blocks);
                    succs.push((t as usize, a));
                }
                let default = succs[0].0 as u32;
                let targets = succs[1..].iter().map(|s| s.0 as u32).collect();
                self.b.push(Inst::JmpTable { index, targets, default });
                // Destinations sharing an edge block (`BlockLayout`) are one successor.
                let mut listed: HashSet<usize, FxBuild> = HashSet::default();
                let distinct: Vec<(usize, Vec<VReg>)> = succs.into_iter().filter(|s| listed.insert(s.0)).collect();
                self.b.end_block(id as usize, distinct);
            }
            Opcode::Return => {
                let types: Vec<Type> = d.args.iter().map(|a| self.f.value_type(*a)).collect();
                let (routes, _) = pregs::CALL_REGS.routes(&types, true);
                let mut uses = Vec::new();
                for ((a, ty), route) in d.args.iter().zip(types).zip(routes) {
                    let r = self.get(*a);
                    match route.reg {
                        Some(p) => uses.push((r, p)),
                        None => {
                            self.store_slot(r, ty, Amode::RegOff { base: pregs::fp(), off: 16 + route.offset as i64 })
                        }
                    }
                }
                self.b.push(Inst::Ret { uses });
                self.b.end_block(id as usize, Vec::new());
            }
            Opcode::Trap => {
                let Imm::Trap(code) = d.imm else { return Err(self.malformed(i)) };
                self.b.push(Inst::Trap { code });
                self.b.end_block(id as usize, Vec::new());
            }
            _ => return Err(self.malformed(i)),
        }
        lower_edge_blocks(self, edge_blocks, blk, d);
        Ok(())
    }

    /// The one-line error for an operation this backend does not lower yet.
    fn not_yet(&self, what: &str) -> LowerError {
        LowerError(format!("{}: {what} is not supported by the aarch64 backend yet", self.f.name))
    }

    fn malformed(&self, i: IrInst) -> LowerError {
        LowerError(format!("{}: malformed instruction {} ({})", self.f.name, i, self.f.inst(i).opcode))
    }

    /// `base + k` into a new register (immediate when it fits).
    fn add_const(&mut self, base: Reg, k: u64) -> Reg {
        let dst = self.b.vreg(RegClass::Int);
        match split_imm12(k) {
            Some((imm12, lsl12)) => self.b.push(Inst::AluImm { sub: false, size: Size::X, dst, a: base, imm12, lsl12 }),
            None => {
                let o = self.b.vreg(RegClass::Int);
                self.b.push(Inst::MovImm { size: Size::X, dst: o, imm: k });
                self.b.push(Inst::Alu { op: AluOp::Add, size: Size::X, dst, a: base, b: o });
            }
        }
        dst
    }

    /// Forms the address of a wasm memory access, `[membase (+ offset), addr]`, after an
    /// explicit bounds check or (guard regions) with the access itself as the check.
    fn mem_addr(&mut self, addr: Value, offset: u64, bytes: u64) -> Amode {
        let a = self.get(addr);
        let guard = self.bounds == BoundsChecks::Guard;
        if !guard {
            self.b.push(Inst::BoundsCheck { addr: a, end: offset + bytes });
        }
        let base = pregs::heap_base();
        let base = if offset == 0 { base } else { self.add_const(base, offset) };
        Amode::RegReg { base, index: a, guard }
    }

    /// `dst = a +/- b` with an immediate or a fused multiply when possible.
    fn add_sub(&mut self, i: IrInst, sub: bool) {
        let d = self.f.inst(i).clone();
        let size = size_of(d.ty.unwrap());
        let dst = self.vreg(d.results[0]);
        // Fused multiply: acc +/- x * y.
        let mul_of = |cx: &Self, v: Value| -> Option<(Value, Value)> {
            let mi = cx.def_inst(v)?;
            let md = cx.f.inst(mi);
            (cx.fused[mi.index()] && md.opcode == Opcode::Imul).then(|| (md.args[0], md.args[1]))
        };
        let fused = match (mul_of(self, d.args[1]), sub) {
            (Some(m), _) => Some((m, d.args[0])),
            (None, false) => mul_of(self, d.args[0]).map(|m| (m, d.args[1])),
            (None, true) => None,
        };
        if let Some(((x, y), acc)) = fused {
            let (a, b, c) = (self.get(x), self.get(y), self.get(acc));
            self.b.push(Inst::Madd { sub, size, dst, a, b, acc: Some(c) });
            return;
        }
        // Fused shift: a +/- (x << k), the amount taken modulo the width as wasm does.
        let shift_of = |cx: &Self, v: Value| -> Option<(Value, u8)> {
            let si = cx.def_inst(v)?;
            let sd = cx.f.inst(si);
            if !cx.fused[si.index()] || sd.opcode != Opcode::Ishl {
                return None;
            }
            let k = cx.iconst(sd.args[1])?;
            Some((sd.args[0], k.rem_euclid(size.bits() as i64) as u8))
        };
        let shifted = match (shift_of(self, d.args[1]), sub) {
            (Some(s), _) => Some((s, d.args[0])),
            (None, false) => shift_of(self, d.args[0]).map(|s| (s, d.args[1])),
            (None, true) => None,
        };
        if let Some(((x, amount), other)) = shifted {
            let (a, b) = (self.get(other), self.get(x));
            self.b.push(Inst::AddSubShifted { sub, size, dst, a, b, amount });
            return;
        }
        if let Some(k) = self.iconst_sized(d.args[1], size) {
            let (neg, mag) = if k < 0 { (true, k.unsigned_abs()) } else { (false, k as u64) };
            if let Some((imm12, lsl12)) = split_imm12(mag) {
                let a = self.get(d.args[0]);
                self.b.push(Inst::AluImm { sub: sub != neg, size, dst, a, imm12, lsl12 });
                return;
            }
        }
        let a = self.get(d.args[0]);
        let b = self.get(d.args[1]);
        self.b.push(Inst::Alu { op: if sub { AluOp::Sub } else { AluOp::Add }, size, dst, a, b });
    }

    fn lower_inst(&mut self, i: IrInst) -> Result<(), LowerError> {
        let d = self.f.inst(i).clone();
        let res = d.results.first().copied();
        let out = |cx: &Self| cx.vreg(res.expect("instruction with a result"));
        let ty = d.ty;
        let arg_ty = d.args.first().map(|a| self.f.value_type(*a));
        // `logic!`: the lowering shared by `band`, `bor`, `bxor`; each arm
        // passes its operation, so the match over opcodes stays exhaustive.
        macro_rules! logic {
            ($op:expr, $lop:expr, $not_op:expr) => {{
                let size = size_of(ty.unwrap());
                let (op, lop) = ($op, $lop);
                if let Some(ComplementOperand { negated, other, .. }) = self.complement_operand(i) {
                    let a = self.get(other);
                    let b = self.get(negated);
                    let dst = out(self);
                    self.b.push(Inst::Alu { op: $not_op, size, dst, a, b });
                    return Ok(());
                }
                let a = self.get(d.args[0]);
                let dst = out(self);
                let imm = self.iconst(d.args[1]).map(|k| if size == Size::W { k as u32 as u64 } else { k as u64 });
                // A 64-bit `and` with a mask below 2^32 is a 32-bit one (which clears the upper
                // half) when the mask is a 32-bit bitmask immediate only.
                let and32 = imm.filter(|k| {
                    lop == LogicOp::And
                        && size == Size::X
                        && *k <= u32::MAX as u64
                        && LogicalImm::new(*k, Size::X).is_none()
                        && LogicalImm::new(*k, Size::W).is_some()
                });
                if let Some(imm) = and32 {
                    self.b.push(Inst::Logic { op: lop, size: Size::W, dst, a, imm });
                    return Ok(());
                }
                match imm.filter(|k| LogicalImm::new(*k, size).is_some()) {
                    // The low 32 bits: a 32-bit move zero-extends (and cores can rename it away).
                    Some(0xFFFF_FFFF) if lop == LogicOp::And && size == Size::X => {
                        self.b.push(Inst::Mov { size: Size::W, dst, src: a })
                    }
                    Some(imm) => self.b.push(Inst::Logic { op: lop, size, dst, a, imm }),
                    None => {
                        let b = self.get(d.args[1]);
                        self.b.push(Inst::Alu { op, size, dst, a, b });
                    }
                }
            }};
        }
        // `shift!`: the lowering shared by `ishl`, `ushr`, `sshr`, `rotl`, `rotr`; each arm
        // passes its operation, so the match over opcodes stays exhaustive.
        macro_rules! shift {
            ($kind:expr, $rotl:expr, $reg_op:expr) => {{
                let size = size_of(ty.unwrap());
                let bits = size.bits() as u64;
                let src = self.get(d.args[0]);
                let dst = out(self);
                match self.iconst(d.args[1]) {
                    Some(k) => {
                        let k = k as u64 % bits;
                        // A left rotation by k is a right rotation by width - k.
                        let (op, amount) = ($kind, if $rotl { (bits - k) % bits } else { k });
                        if amount == 0 {
                            self.b.push(Inst::Mov { size, dst, src });
                        } else {
                            self.b.push(Inst::ShiftImm { op, size, dst, src, amount: amount as u8 });
                        }
                    }
                    None => {
                        let amount = self.get(d.args[1]);
                        // No rotate-left register form: `None` is `rotl`'s own sequence.
                        let op: Option<AluOp> = $reg_op;
                        let Some(op) = op else {
                            self.b.push(Inst::RotlReg { size, dst, src, amount });
                            return Ok(());
                        };
                        self.b.push(Inst::Alu { op, size, dst, a: src, b: amount });
                    }
                }
            }};
        }
        // `bit_count!`: the lowering shared by `clz`, `ctz`, `popcnt`; each arm
        // passes its operation, so the match over opcodes stays exhaustive.
        macro_rules! bit_count {
            ($op:expr) => {{
                let size = size_of(ty.unwrap());
                let op = $op;
                let src = self.get(d.args[0]);
                let dst = out(self);
                self.b.push(Inst::BitCount { op, size, dst, src });
            }};
        }
        // `fp_bin!`: the lowering shared by `fadd`, `fsub`, `fmul`, `fdiv`, `fmin`, `fmax`; each arm
        // passes its operation, so the match over opcodes stays exhaustive.
        macro_rules! fp_bin {
            ($op:expr) => {{
                let op = $op;
                let size = fsize_of(ty.unwrap());
                let a = self.get(d.args[0]);
                let b = self.get(d.args[1]);
                let dst = out(self);
                self.b.push(Inst::FpuRRR { op, size, dst, a, b });
            }};
        }
        // `fp_un!`: the lowering shared by `fabs`, `fneg`, `fsqrt`, `fceil`, `ffloor`, `ftrunc`, `fnearest`; each arm
        // passes its operation, so the match over opcodes stays exhaustive.
        macro_rules! fp_un {
            ($op:expr) => {{
                let op = $op;
                let size = fsize_of(ty.unwrap());
                let src = self.get(d.args[0]);
                let dst = out(self);
                self.b.push(Inst::FpuRR { op, size, dst, src });
            }};
        }
        match d.opcode {
            Opcode::Simd(op) => self.lower_simd(i, op)?,
            // Constants are materialised where used.
            Opcode::Iconst | Opcode::Fconst => {}
            Opcode::RefNull => {
                let dst = out(self);
                self.b.push(Inst::MovImm { size: Size::X, dst, imm: 0 });
            }
            Opcode::RefFunc => self.runtime_call(i, LibCall::RefFunc)?,
            Opcode::RefIsNull => {
                let x = self.get(d.args[0]);
                self.b.push(Inst::Cmp { size: Size::X, a: x, rhs: CmpRhs::Imm { imm12: 0, lsl12: false, neg: false } });
                let dst = out(self);
                self.b.push(Inst::Cset { cond: Cond::Eq, dst });
            }
            Opcode::Copy => {
                let src = self.get(d.args[0]);
                let dst = out(self);
                match class_of(self.f.value_type(d.args[0])) {
                    RegClass::Float if self.f.value_type(d.args[0]) == Type::V128 => {
                        self.b.push(Inst::VecMov { dst, src })
                    }
                    RegClass::Float => self.b.push(Inst::FpuRR { op: FpUnOp::Fmov, size: FpSize::D, dst, src }),
                    _ => self.b.push(Inst::Mov { size: Size::X, dst, src }),
                }
            }
            Opcode::Select => {
                let vty = self.f.value_type(d.args[1]);
                let t = self.get(d.args[1]);
                let f = self.get(d.args[2]);
                let blk = self.cur_block;
                let CondKind::Flags(cond) = self.condition(d.args[0], blk, false) else { unreachable!() };
                let dst = out(self);
                match class_of(vty) {
                    RegClass::Float if vty == Type::V128 => self.b.push(Inst::VecCsel { cond, dst, t, f }),
                    RegClass::Float => self.b.push(Inst::FCsel { size: fsize_of(vty), cond, dst, t, f }),
                    _ => self.b.push(Inst::Csel { size: size_of(vty), cond, dst, t, f }),
                }
            }
            Opcode::Iadd => self.add_sub(i, false),
            Opcode::Isub => self.add_sub(i, true),
            Opcode::Imul => {
                let size = size_of(ty.unwrap());
                let a = self.get(d.args[0]);
                let b = self.get(d.args[1]);
                let dst = out(self);
                self.b.push(Inst::Madd { sub: false, size, dst, a, b, acc: None });
            }
            Opcode::Band => logic!(AluOp::And, LogicOp::And, AluOp::Bic),
            Opcode::Bor => logic!(AluOp::Orr, LogicOp::Orr, AluOp::Orn),
            Opcode::Bxor => logic!(AluOp::Eor, LogicOp::Eor, AluOp::Eon),
            Opcode::Sdiv | Opcode::Udiv | Opcode::Srem | Opcode::Urem => {
                let size = size_of(ty.unwrap());
                let lhs = self.get(d.args[0]);
                let rhs = self.get(d.args[1]);
                let signed = matches!(d.opcode, Opcode::Sdiv | Opcode::Srem);
                let rem = matches!(d.opcode, Opcode::Srem | Opcode::Urem);
                let dst = out(self);
                self.b.push(Inst::Div { size, signed, rem, dst, lhs, rhs });
            }
            Opcode::Ishl => shift!(ShiftKind::Lsl, false, Some(AluOp::Lsl)),
            Opcode::Ushr => shift!(ShiftKind::Lsr, false, Some(AluOp::Lsr)),
            Opcode::Sshr => shift!(ShiftKind::Asr, false, Some(AluOp::Asr)),
            Opcode::Rotl => shift!(ShiftKind::Ror, true, None),
            Opcode::Rotr => shift!(ShiftKind::Ror, false, Some(AluOp::Ror)),
            Opcode::Clz => bit_count!(BitOp::Clz),
            Opcode::Ctz => bit_count!(BitOp::Ctz),
            Opcode::Popcnt => bit_count!(BitOp::Popcnt),
            Opcode::Eqz => {
                let size = size_of(arg_ty.unwrap());
                let x = self.get(d.args[0]);
                self.b.push(Inst::Cmp { size, a: x, rhs: CmpRhs::Imm { imm12: 0, lsl12: false, neg: false } });
                let dst = out(self);
                self.b.push(Inst::Cset { cond: Cond::Eq, dst });
            }
            Opcode::Icmp => {
                let Imm::IntCC(cc) = d.imm else { return Err(self.malformed(i)) };
                self.cmp(size_of(arg_ty.unwrap()), d.args[0], d.args[1]);
                let dst = out(self);
                self.b.push(Inst::Cset { cond: cond_of_intcc(cc), dst });
            }
            Opcode::Fcmp => {
                let Imm::FloatCC(cc) = d.imm else { return Err(self.malformed(i)) };
                let size = fsize_of(arg_ty.unwrap());
                let a = self.get(d.args[0]);
                let b = self.get(d.args[1]);
                self.b.push(Inst::FCmp { size, a, b });
                let dst = out(self);
                self.b.push(Inst::Cset { cond: cond_of_floatcc(cc), dst });
            }
            Opcode::Fadd => fp_bin!(FpBinOp::Fadd),
            Opcode::Fsub => fp_bin!(FpBinOp::Fsub),
            Opcode::Fmul => fp_bin!(FpBinOp::Fmul),
            Opcode::Fdiv => fp_bin!(FpBinOp::Fdiv),
            // AArch64 fmin/fmax propagate NaN and order -0 < +0: wasm's semantics.
            Opcode::Fmin => fp_bin!(FpBinOp::Fmin),
            Opcode::Fmax => fp_bin!(FpBinOp::Fmax),
            Opcode::Fcopysign => {
                let size = fsize_of(ty.unwrap());
                let a = self.get(d.args[0]);
                let b = self.get(d.args[1]);
                let dst = out(self);
                self.b.push(Inst::FCopysign { size, dst, a, b });
            }
            Opcode::Fabs => fp_un!(FpUnOp::Fabs),
            Opcode::Fneg => fp_un!(FpUnOp::Fneg),
            Opcode::Fsqrt => fp_un!(FpUnOp::Fsqrt),
            Opcode::Fceil => fp_un!(FpUnOp::Frintp),
            Opcode::Ffloor => fp_un!(FpUnOp::Frintm),
            Opcode::Ftrunc => fp_un!(FpUnOp::Frintz),
            Opcode::Fnearest => fp_un!(FpUnOp::Frintn),
            // Nothing to compute: `get` gives the operand's register.
            Opcode::Uextend | Opcode::Ireduce if same_register_as_operand(self.f, &self.uses, i) => {}
            // A plain copy (i32 values are kept zero-extended in X registers), dropped by
            // emission when the allocator gives both values one register.
            Opcode::Uextend => {
                let src = self.get(d.args[0]);
                let dst = out(self);
                self.b.push(Inst::Mov { size: Size::X, dst, src });
            }
            Opcode::Ireduce => {
                let src = self.get(d.args[0]);
                let dst = out(self);
                self.b.push(Inst::Mov { size: Size::W, dst, src });
            }
            Opcode::Sextend | Opcode::Sext32 => {
                let src = self.get(d.args[0]);
                let dst = out(self);
                self.b.push(Inst::Ext { kind: ExtKind::S32, size: Size::X, dst, src });
            }
            Opcode::Sext8 | Opcode::Sext16 => {
                let kind = if d.opcode == Opcode::Sext8 { ExtKind::S8 } else { ExtKind::S16 };
                let src = self.get(d.args[0]);
                let dst = out(self);
                self.b.push(Inst::Ext { kind, size: size_of(ty.unwrap()), dst, src });
            }
            Opcode::FcvtToSint | Opcode::FcvtToUint | Opcode::FcvtToSintSat | Opcode::FcvtToUintSat => {
                let signed = matches!(d.opcode, Opcode::FcvtToSint | Opcode::FcvtToSintSat);
                let sat = matches!(d.opcode, Opcode::FcvtToSintSat | Opcode::FcvtToUintSat);
                let src = self.get(d.args[0]);
                let dst = out(self);
                let (from, to) = (fsize_of(arg_ty.unwrap()), size_of(ty.unwrap()));
                self.b.push(Inst::FpToInt { signed, sat, from, to, dst, src });
            }
            Opcode::FcvtFromSint | Opcode::FcvtFromUint => {
                let src = self.get(d.args[0]);
                let dst = out(self);
                let (from, to) = (size_of(arg_ty.unwrap()), fsize_of(ty.unwrap()));
                self.b.push(Inst::IntToFp { signed: d.opcode == Opcode::FcvtFromSint, from, to, dst, src });
            }
            Opcode::Fpromote | Opcode::Fdemote => {
                let src = self.get(d.args[0]);
                let dst = out(self);
                self.b.push(Inst::FCvt { from: fsize_of(arg_ty.unwrap()), dst, src });
            }
            Opcode::Bitcast => {
                let src = self.get(d.args[0]);
                let dst = out(self);
                match ty.unwrap() {
                    Type::I32 => self.b.push(Inst::FMovToGp { size: Size::W, dst, src }),
                    Type::I64 => self.b.push(Inst::FMovToGp { size: Size::X, dst, src }),
                    Type::F32 => self.b.push(Inst::FMovFromGp { size: Size::W, dst, src }),
                    _ => self.b.push(Inst::FMovFromGp { size: Size::X, dst, src }),
                }
            }
            Opcode::Load
            | Opcode::Uload8
            | Opcode::Sload8
            | Opcode::Uload16
            | Opcode::Sload16
            | Opcode::Uload32
            | Opcode::Sload32 => {
                let Imm::Mem(m) = d.imm else { return Err(self.malformed(i)) };
                let rty = ty.unwrap();
                let is64 = size_of(rty) == Size::X;
                let bytes = match d.opcode.narrow_bytes() {
                    Some(n) => n as u64,
                    None => match rty {
                        Type::I32 | Type::F32 => 4,
                        _ => 8,
                    },
                };
                let addr = self.mem_addr(d.args[0], m.offset, bytes);
                let dst = out(self);
                let op = match d.opcode {
                    Opcode::Uload8 => MemOp::Ldrb,
                    Opcode::Sload8 => {
                        if is64 {
                            MemOp::Ldrsb64
                        } else {
                            MemOp::Ldrsb32
                        }
                    }
                    Opcode::Uload16 => MemOp::Ldrh,
                    Opcode::Sload16 => {
                        if is64 {
                            MemOp::Ldrsh64
                        } else {
                            MemOp::Ldrsh32
                        }
                    }
                    Opcode::Uload32 => MemOp::LdrW,
                    Opcode::Sload32 => MemOp::Ldrsw,
                    _ => match rty {
                        Type::F32 | Type::F64 => {
                            self.b.push(Inst::FLoad { size: fsize_of(rty), dst, addr });
                            return Ok(());
                        }
                        Type::I32 => MemOp::LdrW,
                        _ => MemOp::LdrX,
                    },
                };
                self.b.push(Inst::Load { op, dst, addr });
            }
            Opcode::Store | Opcode::Istore8 | Opcode::Istore16 | Opcode::Istore32 => {
                let Imm::Mem(m) = d.imm else { return Err(self.malformed(i)) };
                let vty = self.f.value_type(d.args[1]);
                let bytes = match d.opcode.narrow_bytes() {
                    Some(n) => n as u64,
                    None => match vty {
                        Type::I32 | Type::F32 => 4,
                        _ => 8,
                    },
                };
                let src = self.get(d.args[1]);
                let addr = self.mem_addr(d.args[0], m.offset, bytes);
                match vty {
                    Type::F32 | Type::F64 => self.b.push(Inst::FStore { size: fsize_of(vty), src, addr }),
                    _ => {
                        let op = match bytes {
                            1 => MemOp::Strb,
                            2 => MemOp::Strh,
                            4 => MemOp::StrW,
                            _ => MemOp::StrX,
                        };
                        self.b.push(Inst::Store { op, src, addr });
                    }
                }
            }
            Opcode::MemorySize => {
                let dst = out(self);
                let len = self.b.vreg(RegClass::Int);
                self.b.push(Inst::LoadVmctx { dst: len, word: vmctx::MEM_LEN });
                self.b.push(Inst::ShiftImm { op: ShiftKind::Lsr, size: Size::X, dst, src: len, amount: 16 });
            }
            Opcode::MemoryGrow => self.runtime_call(i, LibCall::MemoryGrow)?,
            Opcode::MemoryFill => self.runtime_call(i, LibCall::MemoryFill)?,
            Opcode::MemoryCopy => self.runtime_call(i, LibCall::MemoryCopy)?,
            Opcode::MemoryInit => self.runtime_call(i, LibCall::MemoryInit)?,
            Opcode::DataDrop => self.runtime_call(i, LibCall::DataDrop)?,
            Opcode::GlobalGet => {
                let Imm::Global(g) = d.imm else { return Err(self.malformed(i)) };
                let cell = self.b.vreg(RegClass::Int);
                self.b.push(Inst::LoadVmctx { dst: cell, word: vmctx::GLOBALS + g as usize });
                let dst = out(self);
                let gty = self.f.value_type(res.unwrap());
                self.load_slot(dst, gty, Amode::RegOff { base: cell, off: 0 });
            }
            Opcode::GlobalSet => {
                let Imm::Global(g) = d.imm else { return Err(self.malformed(i)) };
                let vty = self.f.value_type(d.args[0]);
                let src = self.get(d.args[0]);
                let cell = self.b.vreg(RegClass::Int);
                self.b.push(Inst::LoadVmctx { dst: cell, word: vmctx::GLOBALS + g as usize });
                // Keep the whole 64-bit cell defined: i32 values are zero-extended in registers.
                let sty = if vty == Type::I32 { Type::I64 } else { vty };
                self.store_slot(src, sty, Amode::RegOff { base: cell, off: 0 });
            }
            Opcode::TableGet => self.runtime_call(i, LibCall::TableGet)?,
            Opcode::TableSet => self.runtime_call(i, LibCall::TableSet)?,
            Opcode::TableSize => self.runtime_call(i, LibCall::TableSize)?,
            Opcode::TableGrow => self.runtime_call(i, LibCall::TableGrow)?,
            Opcode::TableFill => self.runtime_call(i, LibCall::TableFill)?,
            Opcode::TableCopy => self.runtime_call(i, LibCall::TableCopy)?,
            Opcode::TableInit => self.runtime_call(i, LibCall::TableInit)?,
            Opcode::ElemDrop => self.runtime_call(i, LibCall::ElemDrop)?,
            Opcode::Call => {
                let Imm::Func(fi) = d.imm else { return Err(self.malformed(i)) };
                let ins: Vec<(Value, Type)> = d.args.iter().map(|v| (*v, self.f.value_type(*v))).collect();
                let outs: Vec<(Value, Type)> = d.results.iter().map(|v| (*v, self.f.value_type(*v))).collect();
                if fi < self.num_imported_funcs {
                    // An import is a libcall: every value in the area.
                    self.call(CallTarget::Lib(LibCall::CallFunc, fi as u64, 0), &ins, &outs);
                } else {
                    self.wasm_call(fi, &ins, &outs);
                }
            }
            Opcode::CallIndirect => {
                let Some(c) = crate::machinst::runtime_calls::inline_indirect(self.f, i) else {
                    // No canonical id: the runtime's path only.
                    return self.runtime_call(i, LibCall::CallIndirect);
                };
                let ins: Vec<(Value, Type)> = c.args.iter().map(|v| (*v, self.f.value_type(*v))).collect();
                let mut index = self.get(c.index);
                let mut taken = Vec::new();
                let args = pregs::CALL_REGS.place_args(self, &ins, &mut taken);
                if taken.contains(&index) {
                    index = self.copy_reg(index, Type::I32);
                }
                let (table, type_index, sig_id) = (c.table, c.type_index, c.sig_id);
                let outs: Vec<(Value, Type)> = c.results.iter().map(|v| (*v, self.f.value_type(*v))).collect();
                let res = pregs::CALL_REGS.place_results(self, &outs);
                self.b.push(Inst::CallIndirect {
                    index,
                    table,
                    type_index,
                    sig_id,
                    args: args.words,
                    uses: args.uses,
                    defs: res.defs,
                    spill_args: args.spill_args,
                    reload_results: res.reload_results,
                });
                for (dst, ty, off) in res.loads {
                    self.load_slot(dst, ty, Self::out_slot(off));
                }
                self.outgoing = self.outgoing.max(c.outgoing_slots());
            }
            Opcode::Jump | Opcode::Brif | Opcode::BrTable | Opcode::Return | Opcode::Trap => {
                return Err(self.malformed(i));
            }
        }
        Ok(())
    }
}
