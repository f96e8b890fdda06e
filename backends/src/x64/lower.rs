//! Instruction selection: IR function → x86-64 VCode.
//!
//! One IR value is one virtual register (number = value index), except constants, which
//! are rematerialised at each use (as immediates where the instruction takes one), and
//! the width changes that are their operand's register
//! ([`crate::machinst::same_register_as_operand`]; any other `uextend` is a plain 64-bit
//! copy). A commutative operation with a constant that is no imm32 ties its destination
//! to that constant's register rather than to its other operand. What
//! this lowering uses of the machine: immediates (also as the value of a store), `xor`
//! for a zero where no flags are live, `lea` for three-operand adds (also of an index
//! shifted by 1 to 3, as a scaled index), compares (integer,
//! and float ones that one condition code decides) fused into the branch or `select`
//! that is their only use, `shld`/`rol` for an `or` of two constant
//! shifts that are its only uses, `test` for zero checks (also of an `and` whose only use
//! is the condition), `cmov`/`setcc`, base + index + displacement for memory, a load as
//! the memory operand of the add/sub/imul/and/or/xor that is its only use when nothing
//! with an effect comes between them, and the CPU's lzcnt/tzcnt/popcnt/round, BMI1 `andn`
//! (an `and` with a single-use complement) and BMI2 `rorx`/`shlx`/`shrx`/`sarx` when
//! [`CpuFeatures`] says it has them. A `br_table` that only selects values
//! ([`crate::machinst::value_table`]) is a lookup table (`cmp`+`jae`, or a byte of holes
//! read at a `cmov`-clamped index, then a load per varying argument and one jump); any
//! other `br_table` is a jump table.
//! Critical edges are split at the blocks `machinst::blocks` numbers (regalloc2 needs it).
//!
//! This file never encodes bytes and never assumes a register assignment: every
//! physical register it names is either `rsp`/`rbp` (frame addressing) or a fixed
//! constraint stated in `inst.rs`.

use crate::abi::{value_homes, value_offsets, vmctx, LibCall, RoundOp, ValueHome};
use crate::machinst::blocks::{BlockLayout, EdgeBlocks, VBlocks};
use crate::machinst::edge_lowering::{lower_edge_blocks, EdgeLowering};
use crate::machinst::runtime_calls::runtime_call;
use crate::machinst::value_table::{TableLoads, ValueTable};
use crate::machinst::{
    class_of, complement_operands, same_register_as_operand, CallValues, ComplementOperand, LowerError, Lowered,
};
use crate::reg::Reg;
use crate::vcode::VCodeBuilder;
use crate::x64::inst::*;
use crate::x64::regs;
use regalloc2::{RegClass, VReg};
use std::collections::{HashMap, HashSet};
use wlab_ir::fxhash::FxBuild;
use wlab_ir::{Block, FloatCC, Function, Imm, Inst as IrInst, Opcode, Type, Value, ValueDef};

/// CPU features lowering may use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct CpuFeatures {
    pub lzcnt: bool,
    /// `tzcnt`, and `andn` (`x & !y` in one instruction).
    pub bmi1: bool,
    /// `rorx` (a rotate by a constant) and `shlx`/`shrx`/`sarx` (a shift by any register,
    /// not only `cl`), each with a destination of its own.
    pub bmi2: bool,
    pub popcnt: bool,
    pub sse41: bool,
    /// `pcmpgtq` (without it, 64-bit lane compares take a longer SSE4.1 sequence).
    pub sse42: bool,
    /// VEX encodings (three-operand vector instructions).
    pub avx: bool,
}

impl CpuFeatures {
    /// What this machine has.
    pub fn detect() -> CpuFeatures {
        #[cfg(target_arch = "x86_64")]
        {
            CpuFeatures {
                lzcnt: std::is_x86_feature_detected!("lzcnt"),
                bmi1: std::is_x86_feature_detected!("bmi1"),
                bmi2: std::is_x86_feature_detected!("bmi2"),
                popcnt: std::is_x86_feature_detected!("popcnt"),
                sse41: std::is_x86_feature_detected!("sse4.1"),
                sse42: std::is_x86_feature_detected!("sse4.2"),
                avx: std::is_x86_feature_detected!("avx"),
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        {
            CpuFeatures::baseline()
        }
    }

    /// Plain x86-64 (SSE2 only): no vector code (it needs SSE4.1).
    pub fn baseline() -> CpuFeatures {
        CpuFeatures { lzcnt: false, bmi1: false, bmi2: false, popcnt: false, sse41: false, sse42: false, avx: false }
    }

    /// The vector baseline: SSE4.1 and nothing later (no SSE4.2, no AVX), with this
    /// machine's scalar extensions.
    pub fn sse41_only() -> CpuFeatures {
        CpuFeatures { sse41: true, sse42: false, avx: false, ..CpuFeatures::detect() }
    }

    /// The x86-64-v3 microarchitecture level (Haswell and later, Zen): every extension
    /// this backend uses. The same on every machine, unlike [`CpuFeatures::detect`], so
    /// that printed code does not depend on where it was compiled (the file tests).
    pub fn x86_64_v3() -> CpuFeatures {
        CpuFeatures { lzcnt: true, bmi1: true, bmi2: true, popcnt: true, sse41: true, sse42: true, avx: true }
    }

    /// The names [`CpuFeatures::from_name`] takes (`--cpu-features`).
    pub const NAMES: &'static [&'static str] = &["native", "x86-64-v3", "sse41", "sse2"];

    /// `native`: [`CpuFeatures::detect`]; `x86-64-v3`: [`CpuFeatures::x86_64_v3`];
    /// `sse41`: [`CpuFeatures::sse41_only`]; `sse2`: [`CpuFeatures::baseline`].
    pub fn from_name(s: &str) -> Option<CpuFeatures> {
        match s {
            "native" => Some(CpuFeatures::detect()),
            "x86-64-v3" => Some(CpuFeatures::x86_64_v3()),
            "sse41" => Some(CpuFeatures::sse41_only()),
            "sse2" => Some(CpuFeatures::baseline()),
            _ => None,
        }
    }
}

fn size_of(ty: Type) -> Size {
    match ty {
        Type::I32 => Size::S32,
        _ => Size::S64,
    }
}

fn fsize_of(ty: Type) -> FSize {
    match ty {
        Type::F32 => FSize::F32,
        _ => FSize::F64,
    }
}

mod simd;

/// A `bor` of two constant shifts that one `shld` computes (see `Ctx::double_shift`).
struct DoubleShift {
    hi: Value,
    lo: Value,
    amount: u8,
    /// The `ishl` and `ushr`, lowered as part of the `bor`.
    shifts: [IrInst; 2],
}

/// An `iadd` of a value and a constant left shift by 1, 2 or 3 that one `lea` with a
/// scaled index computes (see `Ctx::scaled_add`).
struct ScaledAdd {
    base: Value,
    index: Value,
    scale: u8,
    /// The `ishl`, lowered as part of the `iadd`.
    shift: IrInst,
}

struct Ctx<'f> {
    f: &'f Function,
    b: VCodeBuilder<Inst>,
    features: CpuFeatures,
    num_imported_funcs: u32,
    bounds: crate::compile::BoundsChecks,
    uses: Vec<u32>,
    /// IR instructions lowered together with their user (compares fused into branches).
    fused: Vec<bool>,
    outgoing: u32,
    vblock: VBlocks,
    /// The block of each IR instruction in the layout (by instruction index).
    inst_block: Vec<Option<Block>>,
    /// For each instruction of the block being lowered: the last instruction before it in
    /// the block that is not pure (by instruction index; see `alu_load_operand`).
    last_effect: Vec<Option<IrInst>>,
    /// Set while flags computed for a later instruction are live (between a branch's
    /// compare and its `jcc`, where the branch arguments are materialised): constants
    /// are then `mov`s, which keep the flags, instead of `xor`.
    flags_live: bool,
    /// The blocks whose `br_table` only selects values (`BlockLayout`).
    value_tables: HashMap<Block, ValueTable, FxBuild>,
}

/// Lowers `f`. `num_imported_funcs` tells direct calls to defined functions from calls
/// to imports (which go through the runtime).
pub fn lower(
    f: &Function,
    features: CpuFeatures,
    num_imported_funcs: u32,
    bounds: crate::compile::BoundsChecks,
) -> Result<Lowered<Inst>, LowerError> {
    let BlockLayout { entry, order, vblock, edge_blocks, num_blocks, uses, value_tables } = BlockLayout::compute(f)?;
    let mut b = VCodeBuilder::new(num_blocks as usize);
    b.reserve_vregs(f.values.len());
    let mut cx = Ctx {
        f,
        b,
        features,
        num_imported_funcs,
        bounds,
        uses,
        fused: vec![false; f.insts.len()],
        outgoing: 0,
        vblock,
        flags_live: false,
        inst_block: vec![None; f.insts.len()],
        last_effect: vec![None; f.insts.len()],
        value_tables,
    };
    for (blk, i) in f.layout_insts() {
        cx.inst_block[i.index()] = Some(blk);
    }
    if f.uses_v128() {
        if !features.sse41 {
            return Err(LowerError(format!("{}: v128 needs SSE4.1", f.name)));
        }
        cx.b.use_vector_slots();
    }
    // Entry: register parameters from their registers, the others from the value area
    // at [rbp + 16].
    cx.b.start_block(0, Vec::new());
    let mut args = Vec::new();
    let mut defs = Vec::new();
    let mut loads = Vec::new();
    let (homes, _) = value_homes(&f.signature.params, false);
    for (ty, home) in f.signature.params.iter().zip(homes) {
        let t = cx.b.vreg(class_of(*ty));
        match regs::CALL_REGS.home_reg(home, false) {
            Some(p) => defs.push((t, p)),
            None => loads.push((t, *ty, home)),
        }
        args.push(t.to_vreg().unwrap());
    }
    cx.b.push(Inst::Args { defs });
    for (t, ty, home) in loads {
        let ValueHome::Area(off) = home else { unreachable!("only area homes are loaded") };
        cx.load_slot(t, ty, Amode::base_disp(regs::rbp(), 16 + off));
    }
    let entry_v = cx.vblock.of(entry);
    cx.b.push(Inst::Jmp { target: entry_v });
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
        self.b.push(Inst::Jmp { target });
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
            RegClass::Int => self.b.push(Inst::MovRR { size: Size::S64, dst, src: r }),
            _ => self.b.push(Inst::XmmMov { dst, src: r }),
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

    /// `v` as a sign-extended 32-bit immediate for an operation of `size`.
    fn imm32(&self, v: Value, size: Size) -> Option<i32> {
        let x = self.iconst(v)?;
        match size {
            Size::S32 => Some(x as i32),
            Size::S64 => i32::try_from(x).ok(),
        }
    }

    /// `dst = src shift amount` (amount below the width): a rotate is `rorx` where the CPU
    /// has BMI2, whose destination is not tied to its source, so a value that stays live
    /// is not copied first (`rol k` is `rorx bits - k`).
    fn shift_imm(&mut self, size: Size, op: ShiftOp, dst: Reg, src: Reg, amount: u8) {
        let bits = size.bits() as u8;
        let right = match op {
            ShiftOp::Rol => Some((bits - amount) % bits),
            ShiftOp::Ror => Some(amount),
            _ => None,
        };
        match right {
            Some(amount) if self.features.bmi2 => self.b.push(Inst::Rorx { size, dst, src, amount }),
            _ => self.b.push(Inst::ShiftImm { size, op, dst, src, amount }),
        }
    }

    /// A register holding `v` (constants are materialised here, at the use).
    fn get(&mut self, v: Value) -> Reg {
        if let Some(i) = self.def_inst(v) {
            let d = self.f.inst(i);
            match (d.opcode, d.imm) {
                (Opcode::Iconst, Imm::I64(x)) => {
                    let ty = self.f.value_type(v);
                    let dst = self.b.vreg(RegClass::Int);
                    let size = size_of(ty);
                    let imm = if size == Size::S32 { x as u32 as u64 } else { x as u64 };
                    if imm == 0 && !self.flags_live {
                        self.b.push(Inst::Zero { dst });
                    } else {
                        self.b.push(Inst::MovImm { size, dst, imm });
                    }
                    return dst;
                }
                (Opcode::Fconst, Imm::F32(bits)) => return self.fconst(bits as u64, Size::S32),
                (Opcode::Fconst, Imm::F64(bits)) => return self.fconst(bits, Size::S64),
                (Opcode::Uextend | Opcode::Ireduce, _) if same_register_as_operand(self.f, &self.uses, i) => {
                    return self.get(d.args[0]);
                }
                _ => {}
            }
        }
        self.vreg(v)
    }

    /// The bits of `v` when it is an `iconst` or `fconst` (an i32 in the low 32 bits).
    fn const_bits(&self, v: Value) -> Option<u64> {
        let d = self.f.inst(self.def_inst(v)?);
        match (d.opcode, d.imm) {
            (Opcode::Iconst, Imm::I64(x)) if self.f.value_type(v) == Type::I32 => Some(x as u32 as u64),
            (Opcode::Iconst, Imm::I64(x)) => Some(x as u64),
            (Opcode::Fconst, Imm::F32(bits)) => Some(bits as u64),
            (Opcode::Fconst, Imm::F64(bits)) => Some(bits),
            _ => None,
        }
    }

    /// Stores the low `bytes` of `v` at `addr`, as an immediate (`mov [m], imm`) when `v` is
    /// a constant whose low `bytes` one can encode: 1 and 4 bytes always, 8 bytes when
    /// the value is a sign-extended imm32. Two-byte constants go through a register:
    /// `mov word [m], imm16` has a length-changing prefix that stalls Intel's decoders.
    fn store(&mut self, v: Value, bytes: u8, addr: Amode) {
        let imm = self.const_bits(v).and_then(|bits| match bytes {
            1 => Some(bits as u8 as i8 as i32),
            4 => Some(bits as u32 as i32),
            8 => i32::try_from(bits as i64).ok(),
            _ => None,
        });
        if let Some(imm) = imm {
            self.b.push(Inst::StoreImm { bytes, imm, addr });
            return;
        }
        let vty = self.f.value_type(v);
        let src = self.get(v);
        match vty {
            Type::F32 | Type::F64 => self.b.push(Inst::XmmStore { size: fsize_of(vty), src, addr }),
            _ => self.b.push(Inst::Store { bytes, src, addr }),
        }
    }

    fn fconst(&mut self, bits: u64, size: Size) -> Reg {
        let g = self.b.vreg(RegClass::Int);
        self.b.push(Inst::MovImm { size, dst: g, imm: bits });
        let dst = self.b.vreg(RegClass::Float);
        self.b.push(Inst::GprToXmm { size, dst, src: g });
        dst
    }

    fn reg_or_imm(&mut self, v: Value, size: Size) -> RegImm {
        match self.imm32(v, size) {
            Some(i) => RegImm::Imm(i),
            None => RegImm::Reg(self.get(v)),
        }
    }

    fn load_slot(&mut self, dst: Reg, ty: Type, addr: Amode) {
        match ty {
            Type::F32 | Type::F64 => self.b.push(Inst::XmmLoad { size: fsize_of(ty), dst, addr }),
            Type::I32 => self.b.push(Inst::Load { kind: LoadKind::U32, dst, addr }),
            Type::V128 => self.b.push(Inst::VecLoad { dst, addr }),
            Type::I64 | Type::FuncRef | Type::ExternRef => self.b.push(Inst::Load { kind: LoadKind::U64, dst, addr }),
        }
    }

    fn store_slot(&mut self, src: Reg, ty: Type, addr: Amode) {
        match ty {
            Type::F32 | Type::F64 => self.b.push(Inst::XmmStore { size: fsize_of(ty), src, addr }),
            Type::I32 => self.b.push(Inst::Store { bytes: 4, src, addr }),
            Type::V128 => self.b.push(Inst::VecStore { src, addr }),
            Type::I64 | Type::FuncRef | Type::ExternRef => self.b.push(Inst::Store { bytes: 8, src, addr }),
        }
    }

    /// The outgoing value area at byte offset `off`.
    fn out_slot(off: i32) -> Amode {
        Amode::base_disp(regs::rsp(), off)
    }

    /// Stores `values` into the outgoing area (`abi::value_offsets`) and returns its words.
    fn store_args(&mut self, inputs: &[(Value, Type)]) -> u32 {
        let types: Vec<Type> = inputs.iter().map(|(_, t)| *t).collect();
        let (offsets, words) = value_offsets(&types);
        for ((v, ty), off) in inputs.iter().zip(offsets) {
            let r = self.get(*v);
            self.store_slot(r, *ty, Self::out_slot(off));
        }
        words
    }

    /// Loads `results` from the outgoing area and returns its words.
    fn load_results(&mut self, results: &[(Value, Type)]) -> u32 {
        let types: Vec<Type> = results.iter().map(|(_, t)| *t).collect();
        let (offsets, words) = value_offsets(&types);
        for ((v, ty), off) in results.iter().zip(offsets) {
            let dst = self.vreg(*v);
            self.load_slot(dst, *ty, Self::out_slot(off));
        }
        words
    }

    /// Stores `values` into the outgoing area, calls, and loads `results` back (a libcall).
    fn call(&mut self, target: CallTarget, inputs: &[(Value, Type)], results: &[(Value, Type)]) {
        let in_words = self.store_args(inputs);
        self.b.push(Inst::Call { target, uses: Vec::new(), defs: Vec::new() });
        let out_words = self.load_results(results);
        self.outgoing = self.outgoing.max(in_words).max(out_words);
    }

    /// A direct wasm-to-wasm call with the register convention (`abi::value_homes`).
    fn wasm_call(&mut self, func: u32, inputs: &[(Value, Type)], results: &[(Value, Type)]) {
        let args = regs::CALL_REGS.place_args(self, inputs, &mut Vec::new());
        let res = regs::CALL_REGS.place_results(self, results);
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

    /// The compare defining `cond`, when it can be fused into its only use, a branch or
    /// `select` in `block`: an integer compare, `eqz`, or a float compare that one
    /// condition code decides (`gt`, `ge`, `lt`, `le`; `eq` and `ne` also need the parity
    /// flag, so they keep their `setcc` sequence).
    fn fusable_compare(&self, cond: Value, block: Block) -> Option<IrInst> {
        let i = self.def_inst(cond)?;
        let d = self.f.inst(i);
        let fusable = match (d.opcode, d.imm) {
            (Opcode::Icmp | Opcode::Eqz, _) => true,
            (Opcode::Fcmp, Imm::FloatCC(cc)) => !matches!(cc, FloatCC::Eq | FloatCC::Ne),
            // Tested for zero, an `and` is a `test` (an `andn` stays one: it has its own flags
            // but its complement is not an operand a `test` could read).
            (Opcode::Band, _) => matches!(d.ty, Some(Type::I32 | Type::I64)) && self.and_not(i).is_none(),
            _ => false,
        };
        if !fusable || self.uses[cond.index()] != 1 {
            return None;
        }
        (self.inst_block[i.index()] == Some(block)).then_some(i)
    }

    /// `iadd` instruction `i` as `base + index * scale`, when one operand is `index << k`
    /// with a constant `k` of 1 to 3, in `i`'s block and used only by `i`: a `lea` with a
    /// scaled index computes it (its 32-bit form wraps as an i32 `iadd` does).
    fn scaled_add(&self, i: IrInst) -> Option<ScaledAdd> {
        let d = self.f.inst(i);
        let bits = size_of(d.ty?).bits() as i64;
        let blk = self.inst_block[i.index()];
        let shifted = |v: Value| -> Option<(IrInst, Value, u8)> {
            let s = self.def_inst(v)?;
            let sd = self.f.inst(s);
            let single_use_here = self.uses[v.index()] == 1 && self.inst_block[s.index()] == blk;
            (sd.opcode == Opcode::Ishl && single_use_here).then_some(())?;
            let k = self.iconst(sd.args[1])?.rem_euclid(bits);
            (1..=3).contains(&k).then_some((s, sd.args[0], 1 << k))
        };
        let (a, b) = (d.args[0], d.args[1]);
        let ((shift, index, scale), base) = match shifted(b) {
            Some(x) => (x, a),
            None => (shifted(a)?, b),
        };
        Some(ScaledAdd { base, index, scale, shift })
    }

    /// For an `iadd`, `isub`, `imul`, `band`, `bor` or `bxor` lowered as a two-address ALU
    /// instruction: its operation, an operand that is a full-width `load` of its type (i32: 4 bytes, i64:
    /// 8), used only there, in its block, with no instruction that is not pure between
    /// them, and the other operand. The ALU instruction then reads the memory itself, as
    /// the load would have: no store can change what it reads in between, and no trap or
    /// call happens before it that did not before. (For `isub` only the second operand.)
    fn alu_load_operand(&self, i: IrInst) -> Option<(AluOp, IrInst, Value)> {
        let d = self.f.inst(i);
        let (op, commutative) = match d.opcode {
            Opcode::Iadd => (AluOp::Add, true),
            Opcode::Isub => (AluOp::Sub, false),
            Opcode::Imul => (AluOp::Imul, true),
            Opcode::Band => (AluOp::And, true),
            Opcode::Bor => (AluOp::Or, true),
            Opcode::Bxor => (AluOp::Xor, true),
            _ => return None,
        };
        if !matches!(d.ty, Some(Type::I32 | Type::I64)) || d.args.len() != 2 || self.fused[i.index()] {
            return None;
        }
        // The other ways these are lowered.
        let lowered_otherwise = match d.opcode {
            Opcode::Iadd => self.scaled_add(i).is_some(),
            Opcode::Band => self.and_not(i).is_some(),
            Opcode::Bor => self.double_shift(i).is_some(),
            _ => false,
        };
        if lowered_otherwise {
            return None;
        }
        let load = |v: Value| -> Option<IrInst> {
            let l = self.def_inst(v)?;
            let ld = self.f.inst(l);
            let full = ld.opcode == Opcode::Load && ld.ty == d.ty && matches!(ld.imm, Imm::Mem(_));
            (full && self.uses[v.index()] == 1 && self.last_effect[i.index()] == Some(l)).then_some(l)
        };
        match load(d.args[1]) {
            Some(l) => Some((op, l, d.args[0])),
            None if commutative => load(d.args[0]).map(|l| (op, l, d.args[1])),
            None => None,
        }
    }

    /// The `AluMem` for `i` with its folded load (see `alu_load_operand`): the address is
    /// computed here, and the instruction carries the load's source position (a trap in it
    /// is the load's).
    fn alu_mem(&mut self, i: IrInst, op: AluOp, load: IrInst, other: Value) -> Result<(), LowerError> {
        let d = self.f.inst(i);
        let size = size_of(d.ty.expect("checked"));
        let r = d.results[0];
        let (user_src, ld) = (d.srcloc, self.f.inst(load));
        let Imm::Mem(m) = ld.imm else { return Err(self.malformed(load)) };
        let bytes = if size == Size::S64 { 8 } else { 4 };
        let src1 = self.get(other);
        let addr = self.mem_addr(ld.args[0], m.offset, bytes);
        let dst = self.vreg(r);
        self.b.set_source(Some(load.index() as u32), ld.srcloc);
        self.b.push(Inst::AluMem { size, op, dst, src1, addr });
        self.b.set_source(Some(i.index() as u32), user_src);
        Ok(())
    }

    /// `band` instruction `i` as `!negated & other`, when the CPU has BMI1 and an operand
    /// is a complement only `i` uses (`machinst::complement_operands`): one `andn`.
    fn and_not(&self, i: IrInst) -> Option<ComplementOperand> {
        let band = self.features.bmi1 && self.f.inst(i).opcode == Opcode::Band;
        if !band {
            return None;
        }
        let [first, second] = complement_operands(self.f, &self.uses, &self.inst_block, i);
        first.or(second)
    }

    /// Marks the compares whose flags `cond_flags(cond, block)` uses in place of their
    /// value: the compare defining `cond` and, through each `eqz`, the one it negates.
    fn mark_fused_compares(&mut self, cond: Value, block: Block) {
        let mut c = cond;
        while let Some(i) = self.fusable_compare(c, block) {
            self.fused[i.index()] = true;
            let d = self.f.inst(i);
            if d.opcode != Opcode::Eqz {
                break;
            }
            c = d.args[0];
        }
    }

    /// `bor` instruction `i` as one double-precision shift: `(x << k) | (y >> (bits - k))`
    /// (either operand order) with constant amounts, where both shifts are in `i`'s block
    /// and `i` is their only use, so that they need not be computed on their own.
    fn double_shift(&self, i: IrInst) -> Option<DoubleShift> {
        let d = self.f.inst(i);
        let bits = size_of(d.ty?).bits() as i64;
        let blk = self.inst_block[i.index()];
        let shift = |v: Value, op: Opcode| -> Option<(IrInst, Value, i64)> {
            let s = self.def_inst(v)?;
            let sd = self.f.inst(s);
            let single_use_here = self.uses[v.index()] == 1 && self.inst_block[s.index()] == blk;
            (sd.opcode == op && single_use_here).then_some(())?;
            Some((s, sd.args[0], self.iconst(sd.args[1])?.rem_euclid(bits)))
        };
        let (a, b) = (d.args[0], d.args[1]);
        let ((shl, hi, k), (shr, lo, k_lo)) = match (shift(a, Opcode::Ishl), shift(b, Opcode::Ushr)) {
            (Some(l), Some(r)) => (l, r),
            _ => (shift(b, Opcode::Ishl)?, shift(a, Opcode::Ushr)?),
        };
        (k > 0 && k + k_lo == bits).then_some(DoubleShift { hi, lo, amount: k as u8, shifts: [shl, shr] })
    }

    /// Emits the flags for `cond != 0` and returns the condition that holds when it is
    /// true (the branch is taken, the select picks its first value).
    fn cond_flags(&mut self, cond: Value, block: Block) -> CC {
        if let Some(i) = self.fusable_compare(cond, block) {
            let d = self.f.inst(i).clone();
            let ty = self.f.value_type(d.args[0]);
            let size = size_of(ty);
            match (d.opcode, d.imm) {
                (Opcode::Icmp, Imm::IntCC(cc)) => {
                    let lhs = self.get(d.args[0]);
                    let rhs = self.reg_or_imm(d.args[1], size);
                    self.b.push(Inst::Cmp { size, lhs, rhs });
                    return CC::from_intcc(cc);
                }
                (Opcode::Band, _) => {
                    // Nonzero `a & b`: `test a, b` sets ZF as the `and` would, keeping both.
                    let lhs = self.get(d.args[0]);
                    let rhs = self.reg_or_imm(d.args[1], size);
                    self.b.push(Inst::Test { size, lhs, rhs });
                    return CC::NE;
                }
                (Opcode::Eqz, _) => {
                    // `eqz` of a fusable compare is that compare's flags, condition inverted.
                    if self.fusable_compare(d.args[0], block).is_some() {
                        return self.cond_flags(d.args[0], block).invert();
                    }
                    let x = self.get(d.args[0]);
                    self.b.push(Inst::Test { size, lhs: x, rhs: RegImm::Reg(x) });
                    return CC::E;
                }
                (Opcode::Fcmp, Imm::FloatCC(cc)) => {
                    let (a, b) = (self.get(d.args[0]), self.get(d.args[1]));
                    // `a` and `ae` are false on NaN, as wasm's gt/ge/lt/le are; lt/le
                    // swap the operands to be gt/ge.
                    let (lhs, rhs, cc) = match cc {
                        FloatCC::Gt => (a, b, CC::A),
                        FloatCC::Ge => (a, b, CC::AE),
                        FloatCC::Lt => (b, a, CC::A),
                        FloatCC::Le => (b, a, CC::AE),
                        FloatCC::Eq | FloatCC::Ne => unreachable!("fusable_compare refuses eq and ne"),
                    };
                    self.b.push(Inst::FloatFlags { size: fsize_of(ty), lhs, rhs });
                    return cc;
                }
                _ => {}
            }
        }
        let c = self.get(cond);
        self.b.push(Inst::Test { size: Size::S32, lhs: c, rhs: RegImm::Reg(c) });
        CC::NE
    }

    fn lower_block(&mut self, blk: Block, edge_blocks: &EdgeBlocks) -> Result<(), LowerError> {
        let id = self.vblock.of(blk);
        let params = self.f.block_params(blk).iter().map(|p| self.vreg(*p).to_vreg().unwrap()).collect();
        self.b.start_block(id as usize, params);
        let insts = self.f.block_insts(blk).to_vec();
        // Mark the shifts fused into double shifts and scaled-index adds.
        for &i in &insts {
            match self.f.inst(i).opcode {
                Opcode::Bor => {
                    if let Some(ds) = self.double_shift(i) {
                        for s in ds.shifts {
                            self.fused[s.index()] = true;
                        }
                    }
                }
                Opcode::Iadd => {
                    if let Some(sa) = self.scaled_add(i) {
                        self.fused[sa.shift.index()] = true;
                    }
                }
                Opcode::Band => {
                    if let Some(an) = self.and_not(i) {
                        self.fused[an.not.index()] = true;
                    }
                }
                _ => {}
            }
        }
        // Mark the compares fused into this block's branch and selects.
        for &i in &insts {
            let d = self.f.inst(i);
            if matches!(d.opcode, Opcode::Brif | Opcode::Select) {
                self.mark_fused_compares(d.args[0], blk);
            }
        }
        // Mark the loads their one user reads from memory (after the other fusions, which
        // decide how those users are lowered). `last_effect`: the last instruction with an
        // effect before each one.
        let mut last = None;
        for &i in &insts {
            self.last_effect[i.index()] = last;
            if !self.f.inst(i).opcode.effects().is_pure() {
                last = Some(i);
            }
        }
        for &i in &insts {
            if let Some((_, load, _)) = self.alu_load_operand(i) {
                self.fused[load.index()] = true;
            }
        }
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

    /// Target of edge `k` of `blk`'s terminator: the edge block if split, with the
    /// arguments it passes directly (none when split).
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
                self.b.push(Inst::Jmp { target: t });
                self.b.end_block(id as usize, vec![(t as usize, args)]);
            }
            Opcode::Brif => {
                let cc = self.cond_flags(d.args[0], blk);
                self.flags_live = true;
                let (t0, a0) = self.edge(blk, 0, edge_blocks);
                let (t1, a1) = self.edge(blk, 1, edge_blocks);
                self.flags_live = false;
                self.b.push(Inst::Jcc { cc, taken: t0, not_taken: t1 });
                self.b.end_block(id as usize, vec![(t0 as usize, a0), (t1 as usize, a1)]);
            }
            Opcode::BrTable if self.value_tables.contains_key(&blk) => {
                // Out of range or at a hole, the default; else the entries' one edge
                // block, which loads their arguments.
                let index = self.get(d.args[0]);
                let (t0, a0) = self.edge(blk, 0, edge_blocks);
                let (t1, _) = self.edge(blk, 1, edge_blocks);
                let entries = (d.dests.len() - 1) as i32;
                let cc = match self.value_tables.get_mut(&blk).and_then(|t| t.holes.take()) {
                    None => {
                        self.b.push(Inst::Cmp { size: Size::S32, lhs: index, rhs: RegImm::Imm(entries) });
                        CC::AE
                    }
                    Some(holes) => {
                        let hole = self.b.vreg(RegClass::Int);
                        self.b.push(Inst::TableHoleLoad { dst: hole, index, holes });
                        self.b.push(Inst::Test { size: Size::S32, lhs: hole, rhs: RegImm::Reg(hole) });
                        CC::NE
                    }
                };
                self.b.push(Inst::Jcc { cc, taken: t0, not_taken: t1 });
                self.b.end_block(id as usize, vec![(t0 as usize, a0), (t1 as usize, Vec::new())]);
            }
            Opcode::BrTable => {
                let index = self.get(d.args[0]);
                let mut succs = Vec::new();
                for k in 0..d.dests.len() {
                    let (t, a) = self.edge(blk, k, edge_blocks);
                    succs.push((t as usize, a));
                }
                let tmp = self.b.vreg(RegClass::Int);
                let default = succs[0].0 as u32;
                let targets = succs[1..].iter().map(|s| s.0 as u32).collect();
                self.b.push(Inst::JmpTable { index, tmp, targets, default });
                // Destinations sharing an edge block (`BlockLayout`) are one successor.
                let mut listed: HashSet<usize, FxBuild> = HashSet::default();
                let distinct: Vec<(usize, Vec<VReg>)> = succs.into_iter().filter(|s| listed.insert(s.0)).collect();
                self.b.end_block(id as usize, distinct);
            }
            Opcode::Return => {
                let types: Vec<Type> = d.args.iter().map(|a| self.f.value_type(*a)).collect();
                let (homes, _) = value_homes(&types, true);
                let mut uses = Vec::new();
                for ((a, ty), home) in d.args.iter().zip(types).zip(homes) {
                    let r = self.get(*a);
                    match (regs::CALL_REGS.home_reg(home, true), home) {
                        (Some(p), _) => uses.push((r, p)),
                        (None, ValueHome::Area(off)) => self.store_slot(r, ty, Amode::base_disp(regs::rbp(), 16 + off)),
                        (None, _) => unreachable!("a register home has a register"),
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
        // The split edges' blocks follow, each passing its edge's arguments.
        lower_edge_blocks(self, edge_blocks, blk, d);
        Ok(())
    }

    fn malformed(&self, i: IrInst) -> LowerError {
        LowerError(format!("{}: malformed instruction {} ({})", self.f.name, i, self.f.inst(i).opcode))
    }

    fn mem_addr(&mut self, addr: Value, offset: u64, bytes: u64) -> Amode {
        // A constant address (static data) folds into the displacement; with guard
        // regions nothing else is needed.
        if self.bounds == crate::compile::BoundsChecks::Guard {
            if let Some(c) = self.iconst(addr) {
                if let Ok(disp) = i32::try_from(c as u32 as u64 + offset) {
                    return Amode { base: regs::heap_base(), index: None, scale: 1, disp };
                }
            }
        }
        let a = self.get(addr);
        if self.bounds == crate::compile::BoundsChecks::Explicit {
            let tmp = self.b.vreg(RegClass::Int);
            self.b.push(Inst::BoundsCheck { addr: a, end: offset + bytes, tmp });
        }
        let base = regs::heap_base();
        match i32::try_from(offset) {
            Ok(disp) => Amode { base, index: Some(a), scale: 1, disp },
            Err(_) => {
                let o = self.b.vreg(RegClass::Int);
                self.b.push(Inst::MovImm { size: Size::S64, dst: o, imm: offset });
                let sum = self.b.vreg(RegClass::Int);
                self.b.push(Inst::Alu { size: Size::S64, op: AluOp::Add, dst: sum, src1: o, src2: RegImm::Reg(a) });
                Amode { base, index: Some(sum), scale: 1, disp: 0 }
            }
        }
    }

    fn lower_inst(&mut self, i: IrInst) -> Result<(), LowerError> {
        let d = self.f.inst(i).clone();
        let res = d.results.first().copied();
        let out = |cx: &Self| cx.vreg(res.expect("instruction with a result"));
        let ty = d.ty;
        let arg_ty = d.args.first().map(|a| self.f.value_type(*a));
        // `alu!`: the lowering shared by `isub`, `imul`, `band`, `bor`, `bxor`; each arm passes
        // its operation, so the match over opcodes stays exhaustive.
        macro_rules! alu {
            ($op:expr) => {{
                let op = $op;
                let size = size_of(ty.unwrap());
                // The destination is tied to `src1`. A constant that is no imm32 is put in
                // a register of its own here, which dies here: as `src1` of a commutative
                // operation it saves the copy the allocator makes of a first operand that
                // stays live (`mov rdi, rcx; imul rdi, rax` becomes `imul rax, rcx`).
                let commutative = matches!(op, AluOp::Add | AluOp::And | AluOp::Or | AluOp::Xor | AluOp::Imul);
                let wide_const = self.iconst(d.args[1]).is_some() && self.imm32(d.args[1], size).is_none();
                let (a, b) = if commutative && wide_const { (d.args[1], d.args[0]) } else { (d.args[0], d.args[1]) };
                let src1 = self.get(a);
                let src2 = self.reg_or_imm(b, size);
                let dst = out(self);
                self.b.push(Inst::Alu { size, op, dst, src1, src2 });
            }};
        }
        // `shift!`: the lowering shared by `ishl`, `ushr`, `sshr`, `rotl`, `rotr`; each arm passes
        // its operation, so the match over opcodes stays exhaustive.
        macro_rules! shift {
            ($op:expr) => {{
                let op = $op;
                let size = size_of(ty.unwrap());
                let src = self.get(d.args[0]);
                let dst = out(self);
                match self.iconst(d.args[1]) {
                    Some(k) => {
                        let amount = (k as u64 % size.bits() as u64) as u8;
                        self.shift_imm(size, op, dst, src, amount);
                    }
                    None => {
                        let amount = self.get(d.args[1]);
                        if self.features.bmi2 && matches!(op, ShiftOp::Shl | ShiftOp::Shr | ShiftOp::Sar) {
                            self.b.push(Inst::ShiftX { size, op, dst, src, amount });
                        } else {
                            self.b.push(Inst::ShiftReg { size, op, dst, src, amount });
                        }
                    }
                }
            }};
        }
        // `bit_count!`: the lowering shared by `clz`, `ctz`, `popcnt`; each arm passes
        // its operation, so the match over opcodes stays exhaustive.
        macro_rules! bit_count {
            ($op:expr, $native:expr) => {{
                let size = size_of(ty.unwrap());
                let (op, native) = ($op, $native);
                let src = self.get(d.args[0]);
                let tmp = self.b.vreg(RegClass::Int);
                let dst = out(self);
                self.b.push(Inst::BitCount { size, op, dst, src, tmp, native });
            }};
        }
        // `xmm_alu!`: the lowering shared by `fadd`, `fsub`, `fmul`, `fdiv`; each arm passes
        // its operation, so the match over opcodes stays exhaustive.
        macro_rules! xmm_alu {
            ($op:expr) => {{
                let op = $op;
                let size = fsize_of(ty.unwrap());
                let src1 = self.get(d.args[0]);
                let src2 = self.get(d.args[1]);
                let dst = out(self);
                self.b.push(Inst::XmmAlu { size, op, dst, src1, src2 });
            }};
        }
        // `round!`: the lowering shared by `fceil`, `ffloor`, `ftrunc`, `fnearest`; each arm passes
        // its operation, so the match over opcodes stays exhaustive.
        macro_rules! round {
            ($mode:expr, $libcall_op:expr) => {{
                let fty = ty.unwrap();
                let size = fsize_of(fty);
                if self.features.sse41 {
                    let mode = $mode;
                    let src = self.get(d.args[0]);
                    let dst = out(self);
                    self.b.push(Inst::XmmRound { size, mode, dst, src });
                } else {
                    let op = $libcall_op;
                    let is64 = (size == FSize::F64) as u64;
                    self.libcall(LibCall::FloatRound, op as u64, is64, &[d.args[0]], &[res.unwrap()]);
                }
            }};
        }
        if let Some((op, load, other)) = self.alu_load_operand(i) {
            return self.alu_mem(i, op, load, other);
        }
        match d.opcode {
            Opcode::Simd(op) => self.lower_simd(i, op)?,
            // Constants are materialised where used.
            Opcode::Iconst | Opcode::Fconst => {}
            Opcode::RefNull => {
                let dst = out(self);
                self.b.push(Inst::MovImm { size: Size::S64, dst, imm: 0 });
            }
            Opcode::RefFunc => self.runtime_call(i, LibCall::RefFunc)?,
            Opcode::RefIsNull => {
                let x = self.get(d.args[0]);
                self.b.push(Inst::Test { size: Size::S64, lhs: x, rhs: RegImm::Reg(x) });
                let dst = out(self);
                self.b.push(Inst::Setcc { cc: CC::E, dst });
            }
            Opcode::Copy => {
                let src = self.get(d.args[0]);
                let dst = out(self);
                match class_of(self.f.value_type(d.args[0])) {
                    RegClass::Float => self.b.push(Inst::XmmMov { dst, src }),
                    _ => self.b.push(Inst::MovRR { size: Size::S64, dst, src }),
                }
            }
            Opcode::Select => {
                let vty = self.f.value_type(d.args[1]);
                let src_true = self.get(d.args[1]);
                let src_false = self.get(d.args[2]);
                let blk = self.inst_block[i.index()].expect("a lowered instruction is in a block");
                let cc = self.cond_flags(d.args[0], blk);
                let dst = out(self);
                match class_of(vty) {
                    RegClass::Float => self.b.push(Inst::XmmCmov { cc, dst, src_false, src_true }),
                    _ => self.b.push(Inst::Cmov { size: size_of(vty), cc, dst, src_false, src_true }),
                }
            }
            Opcode::Iadd => {
                let size = size_of(ty.unwrap());
                let dst = out(self);
                if let Some(sa) = self.scaled_add(i) {
                    let (base, index) = (self.get(sa.base), self.get(sa.index));
                    let addr = Amode { base, index: Some(index), scale: sa.scale, disp: 0 };
                    self.b.push(Inst::Lea { size, dst, addr });
                    return Ok(());
                }
                let a = self.get(d.args[0]);
                let addr = match self.imm32(d.args[1], size) {
                    Some(k) => Amode::base_disp(a, k),
                    None => {
                        let b = self.get(d.args[1]);
                        Amode { base: a, index: Some(b), scale: 1, disp: 0 }
                    }
                };
                self.b.push(Inst::Lea { size, dst, addr });
            }
            Opcode::Isub => alu!(AluOp::Sub),
            Opcode::Imul => alu!(AluOp::Imul),
            Opcode::Band => match (self.and_not(i), size_of(ty.unwrap()), self.iconst(d.args[1])) {
                (Some(ComplementOperand { negated, other, .. }), size, _) => {
                    let src1 = self.get(negated);
                    let src2 = self.get(other);
                    let dst = out(self);
                    self.b.push(Inst::Andn { size, dst, src1, src2 });
                }
                // `x & 0xFFFFFFFF` on i64 is a zero-extension: a 32-bit `mov`. Any other mask
                // below 2^32 that is no sign-extended imm32 is a 32-bit `and` (which clears
                // the upper half), instead of a 64-bit constant in a register.
                (None, Size::S64, Some(k)) if k == u32::MAX as i64 => {
                    let src = self.get(d.args[0]);
                    let dst = out(self);
                    self.b.push(Inst::MovRR { size: Size::S32, dst, src });
                }
                (None, Size::S64, Some(k)) if k > i32::MAX as i64 && k <= u32::MAX as i64 => {
                    let src1 = self.get(d.args[0]);
                    let dst = out(self);
                    let src2 = RegImm::Imm(k as u32 as i32);
                    self.b.push(Inst::Alu { size: Size::S32, op: AluOp::And, dst, src1, src2 });
                }
                _ => alu!(AluOp::And),
            },
            Opcode::Bor => match self.double_shift(i) {
                // The same value on both sides is a rotate (`rol`: one cycle, `shld`: three).
                Some(DoubleShift { hi, lo, amount, .. }) if hi == lo => {
                    let size = size_of(ty.unwrap());
                    let src = self.get(hi);
                    let dst = out(self);
                    self.shift_imm(size, ShiftOp::Rol, dst, src, amount);
                }
                Some(DoubleShift { hi, lo, amount, .. }) => {
                    let size = size_of(ty.unwrap());
                    let src_hi = self.get(hi);
                    let src_lo = self.get(lo);
                    let dst = out(self);
                    self.b.push(Inst::ShiftDouble { size, dst, src_hi, src_lo, amount });
                }
                None => alu!(AluOp::Or),
            },
            Opcode::Bxor => alu!(AluOp::Xor),
            Opcode::Sdiv | Opcode::Udiv | Opcode::Srem | Opcode::Urem => {
                let size = size_of(ty.unwrap());
                let lhs = self.get(d.args[0]);
                let rhs = self.get(d.args[1]);
                let signed = matches!(d.opcode, Opcode::Sdiv | Opcode::Srem);
                let rem = matches!(d.opcode, Opcode::Srem | Opcode::Urem);
                let dst = out(self);
                self.b.push(Inst::Div { size, signed, rem, dst, lhs, rhs });
            }
            Opcode::Ishl => shift!(ShiftOp::Shl),
            Opcode::Ushr => shift!(ShiftOp::Shr),
            Opcode::Sshr => shift!(ShiftOp::Sar),
            Opcode::Rotl => shift!(ShiftOp::Rol),
            Opcode::Rotr => shift!(ShiftOp::Ror),
            Opcode::Clz => bit_count!(BitOp::Clz, self.features.lzcnt),
            Opcode::Ctz => bit_count!(BitOp::Ctz, self.features.bmi1),
            Opcode::Popcnt => bit_count!(BitOp::Popcnt, self.features.popcnt),
            Opcode::Eqz => {
                let size = size_of(arg_ty.unwrap());
                let x = self.get(d.args[0]);
                self.b.push(Inst::Test { size, lhs: x, rhs: RegImm::Reg(x) });
                let dst = out(self);
                self.b.push(Inst::Setcc { cc: CC::E, dst });
            }
            Opcode::Icmp => {
                let Imm::IntCC(cc) = d.imm else { return Err(self.malformed(i)) };
                let size = size_of(arg_ty.unwrap());
                let lhs = self.get(d.args[0]);
                let rhs = self.reg_or_imm(d.args[1], size);
                self.b.push(Inst::Cmp { size, lhs, rhs });
                let dst = out(self);
                self.b.push(Inst::Setcc { cc: CC::from_intcc(cc), dst });
            }
            Opcode::Fadd => xmm_alu!(XmmOp::Add),
            Opcode::Fsub => xmm_alu!(XmmOp::Sub),
            Opcode::Fmul => xmm_alu!(XmmOp::Mul),
            Opcode::Fdiv => xmm_alu!(XmmOp::Div),
            Opcode::Fmin | Opcode::Fmax => {
                let size = fsize_of(ty.unwrap());
                let src1 = self.get(d.args[0]);
                let src2 = self.get(d.args[1]);
                let dst = out(self);
                self.b.push(Inst::XmmMinMax { size, min: d.opcode == Opcode::Fmin, dst, src1, src2 });
            }
            Opcode::Fcopysign => {
                let size = fsize_of(ty.unwrap());
                let src1 = self.get(d.args[0]);
                let src2 = self.get(d.args[1]);
                let tmp = self.b.vreg(RegClass::Float);
                let dst = out(self);
                self.b.push(Inst::XmmCopysign { size, dst, src1, src2, tmp });
            }
            Opcode::Fabs | Opcode::Fneg => {
                let size = fsize_of(ty.unwrap());
                let src = self.get(d.args[0]);
                let dst = out(self);
                self.b.push(Inst::XmmSign { size, neg: d.opcode == Opcode::Fneg, dst, src });
            }
            Opcode::Fsqrt => {
                let size = fsize_of(ty.unwrap());
                let src = self.get(d.args[0]);
                let dst = out(self);
                self.b.push(Inst::XmmSqrt { size, dst, src });
            }
            Opcode::Fceil => round!(RoundMode::Ceil, RoundOp::Ceil),
            Opcode::Ffloor => round!(RoundMode::Floor, RoundOp::Floor),
            Opcode::Ftrunc => round!(RoundMode::Trunc, RoundOp::Trunc),
            Opcode::Fnearest => round!(RoundMode::Nearest, RoundOp::Nearest),
            Opcode::Fcmp => {
                let wlab_ir::Imm::FloatCC(cc) = d.imm else { return Err(self.malformed(i)) };
                let size = fsize_of(arg_ty.unwrap());
                let lhs = self.get(d.args[0]);
                let rhs = self.get(d.args[1]);
                let dst = out(self);
                self.b.push(Inst::FloatCmp { size, cc, dst, lhs, rhs });
            }
            // Nothing to compute: `get` gives the operand's register.
            Opcode::Uextend | Opcode::Ireduce if same_register_as_operand(self.f, &self.uses, i) => {}
            // A plain copy (i32 values are kept zero-extended), which emission drops when
            // the allocator gives both values one register.
            Opcode::Uextend => {
                let src = self.get(d.args[0]);
                let dst = out(self);
                self.b.push(Inst::MovRR { size: Size::S64, dst, src });
            }
            // The upper half of an i64 must be cleared (a 32-bit `mov`).
            Opcode::Ireduce => {
                let src = self.get(d.args[0]);
                let dst = out(self);
                self.b.push(Inst::MovRR { size: Size::S32, dst, src });
            }
            Opcode::Sextend | Opcode::Sext32 => {
                let src = self.get(d.args[0]);
                let dst = out(self);
                self.b.push(Inst::Ext { kind: ExtKind::S32To64, dst, src });
            }
            Opcode::Sext8 | Opcode::Sext16 => {
                let kind = match (d.opcode, size_of(ty.unwrap())) {
                    (Opcode::Sext8, Size::S32) => ExtKind::S8To32,
                    (Opcode::Sext8, Size::S64) => ExtKind::S8To64,
                    (_, Size::S32) => ExtKind::S16To32,
                    (_, Size::S64) => ExtKind::S16To64,
                };
                let src = self.get(d.args[0]);
                let dst = out(self);
                self.b.push(Inst::Ext { kind, dst, src });
            }
            Opcode::FcvtToSint | Opcode::FcvtToUint | Opcode::FcvtToSintSat | Opcode::FcvtToUintSat => {
                let signed = matches!(d.opcode, Opcode::FcvtToSint | Opcode::FcvtToSintSat);
                let sat = matches!(d.opcode, Opcode::FcvtToSintSat | Opcode::FcvtToUintSat);
                let src = self.get(d.args[0]);
                let tmp = self.b.vreg(RegClass::Float);
                let dst = out(self);
                self.b.push(Inst::FloatToInt {
                    from: fsize_of(arg_ty.unwrap()),
                    to: size_of(ty.unwrap()),
                    signed,
                    sat,
                    dst,
                    src,
                    tmp,
                });
            }
            Opcode::FcvtFromSint | Opcode::FcvtFromUint => {
                let src = self.get(d.args[0]);
                let tmp = self.b.vreg(RegClass::Int);
                let dst = out(self);
                self.b.push(Inst::IntToFloat {
                    from: size_of(arg_ty.unwrap()),
                    to: fsize_of(ty.unwrap()),
                    signed: d.opcode == Opcode::FcvtFromSint,
                    dst,
                    src,
                    tmp,
                });
            }
            Opcode::Fpromote | Opcode::Fdemote => {
                let src = self.get(d.args[0]);
                let dst = out(self);
                self.b.push(Inst::FloatCvt { from: fsize_of(arg_ty.unwrap()), dst, src });
            }
            Opcode::Bitcast => {
                let src = self.get(d.args[0]);
                let dst = out(self);
                match ty.unwrap() {
                    Type::I32 => self.b.push(Inst::XmmToGpr { size: Size::S32, dst, src }),
                    Type::I64 => self.b.push(Inst::XmmToGpr { size: Size::S64, dst, src }),
                    Type::F32 => self.b.push(Inst::GprToXmm { size: Size::S32, dst, src }),
                    _ => self.b.push(Inst::GprToXmm { size: Size::S64, dst, src }),
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
                let is64 = size_of(rty) == Size::S64;
                let bytes = match d.opcode.narrow_bytes() {
                    Some(n) => n as u64,
                    None => match rty {
                        Type::I32 | Type::F32 => 4,
                        _ => 8,
                    },
                };
                let addr = self.mem_addr(d.args[0], m.offset, bytes);
                let dst = out(self);
                let kind = match d.opcode {
                    Opcode::Uload8 => LoadKind::U8,
                    Opcode::Sload8 => {
                        if is64 {
                            LoadKind::S8To64
                        } else {
                            LoadKind::S8To32
                        }
                    }
                    Opcode::Uload16 => LoadKind::U16,
                    Opcode::Sload16 => {
                        if is64 {
                            LoadKind::S16To64
                        } else {
                            LoadKind::S16To32
                        }
                    }
                    Opcode::Uload32 => LoadKind::U32,
                    Opcode::Sload32 => LoadKind::S32To64,
                    _ => match rty {
                        Type::F32 | Type::F64 => {
                            self.b.push(Inst::XmmLoad { size: fsize_of(rty), dst, addr });
                            return Ok(());
                        }
                        Type::I32 => LoadKind::U32,
                        _ => LoadKind::U64,
                    },
                };
                self.b.push(Inst::Load { kind, dst, addr });
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
                let addr = self.mem_addr(d.args[0], m.offset, bytes);
                self.store(d.args[1], bytes as u8, addr);
            }
            Opcode::MemorySize => {
                let dst = out(self);
                let len = self.b.vreg(RegClass::Int);
                self.b.push(Inst::LoadVmctx { dst: len, word: vmctx::MEM_LEN });
                self.b.push(Inst::ShiftImm { size: Size::S64, op: ShiftOp::Shr, dst, src: len, amount: 16 });
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
                self.load_slot(dst, ty.unwrap_or_else(|| self.f.value_type(res.unwrap())), Amode::base_disp(cell, 0));
            }
            Opcode::GlobalSet => {
                let Imm::Global(g) = d.imm else { return Err(self.malformed(i)) };
                let vty = self.f.value_type(d.args[0]);
                let cell = self.b.vreg(RegClass::Int);
                self.b.push(Inst::LoadVmctx { dst: cell, word: vmctx::GLOBALS + g as usize });
                let addr = Amode::base_disp(cell, 0);
                match vty {
                    // Keep the whole 64-bit cell defined: i32 values are zero-extended in
                    // registers, and `const_bits` gives an i32 constant zero-extended.
                    Type::I32 | Type::I64 => self.store(d.args[0], 8, addr),
                    _ => {
                        let src = self.get(d.args[0]);
                        self.store_slot(src, vty, addr);
                    }
                }
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
                let args = regs::CALL_REGS.place_args(self, &ins, &mut taken);
                if taken.contains(&index) {
                    index = self.copy_reg(index, Type::I32);
                }
                let (table, type_index, sig_id) = (c.table, c.type_index, c.sig_id);
                let outs: Vec<(Value, Type)> = c.results.iter().map(|v| (*v, self.f.value_type(*v))).collect();
                let res = regs::CALL_REGS.place_results(self, &outs);
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
