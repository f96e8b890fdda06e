//! An IR function: its signature, values, blocks, instructions and block layout.
//!
//! Storage is index-ordered tables (values, blocks, instructions) plus a layout: the
//! order of blocks, and for each block the order of its instructions. Removing an
//! instruction or block takes it out of the layout; its table entry stays (handles are
//! never reused), so printing after a pass shows gaps in numbering, as Cranelift does.
//!
//! This file holds data and small accessors only: no analysis, no pass logic.

use crate::entities::{Block, Inst, Value};
use crate::instructions::{BlockCall, Imm, InstData};
use crate::opcode::Opcode;
use crate::types::{Signature, Type};
use std::collections::{BTreeMap, BTreeSet};

/// Where a value comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ValueDef {
    /// Result number `n` of an instruction.
    Result(Inst, u32),
    /// Parameter number `n` of a block.
    Param(Block, u32),
}

#[derive(Clone, Debug, PartialEq)]
pub struct ValueData {
    pub ty: Type,
    pub def: ValueDef,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct BlockData {
    pub params: Vec<Value>,
    /// Instructions in order; the last one is the terminator in a well-formed function.
    pub insts: Vec<Inst>,
}

/// A function in SSA form with block parameters.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Function {
    /// Display name: the name-section name, or `f<index>` when there is none.
    pub name: String,
    /// The wasm function index this was translated from (`None` for hand-written IR).
    pub wasm_index: Option<u32>,
    pub signature: Signature,
    /// Signatures of the functions this one calls (`call fnN`), by wasm function index.
    pub callees: BTreeMap<u32, Signature>,
    /// The callees (each declared in `callees`) that provably never write linear memory,
    /// themselves or through anything they call ([`crate::translate::FuncEffects`]):
    /// printed `fnN = sig no_memory_writes`. A fact about the module's function, true
    /// whatever passes do to either body.
    pub no_memory_writes: BTreeSet<u32>,
    /// Signatures of the types used by `call_indirect typeN`, by wasm type index.
    pub types: BTreeMap<u32, Signature>,
    pub values: Vec<ValueData>,
    pub blocks: Vec<BlockData>,
    pub insts: Vec<InstData>,
    /// Block order; the first block is the entry, whose parameters are the function's.
    pub layout: Vec<Block>,
}

impl Function {
    /// Whether any value of the function (parameter, result, local, block parameter or
    /// instruction result) or its signature is a `v128`: what a backend without vector
    /// support refuses.
    pub fn uses_v128(&self) -> bool {
        self.signature.params.iter().chain(&self.signature.results).any(|&t| t == Type::V128)
            || self.values.iter().any(|v| v.ty == Type::V128)
    }

    pub fn new(name: impl Into<String>, signature: Signature) -> Self {
        Function { name: name.into(), signature, ..Default::default() }
    }

    /// The entry block (first in layout).
    pub fn entry(&self) -> Option<Block> {
        self.layout.first().copied()
    }

    // ---- values --------------------------------------------------------------------

    pub fn value_type(&self, v: Value) -> Type {
        self.values[v.index()].ty
    }

    pub fn value_def(&self, v: Value) -> ValueDef {
        self.values[v.index()].def
    }

    /// The bits of `v` (sign-extended) when it is the result of an `iconst`.
    pub fn iconst_value(&self, v: Value) -> Option<i64> {
        match self.value_def(v) {
            ValueDef::Result(i, 0) => match (self.inst(i).opcode, self.inst(i).imm) {
                (Opcode::Iconst, Imm::I64(x)) => Some(x),
                _ => None,
            },
            _ => None,
        }
    }

    fn new_value(&mut self, ty: Type, def: ValueDef) -> Value {
        let v = Value::new(self.values.len());
        self.values.push(ValueData { ty, def });
        v
    }

    // ---- blocks --------------------------------------------------------------------

    /// Creates a block, not yet in the layout.
    pub fn create_block(&mut self) -> Block {
        let b = Block::new(self.blocks.len());
        self.blocks.push(BlockData::default());
        b
    }

    /// Appends a block to the layout.
    pub fn append_block(&mut self, b: Block) {
        debug_assert!(!self.layout.contains(&b), "{b} is already in the layout");
        self.layout.push(b);
    }

    /// Adds a parameter of type `ty` at the end of `b`'s parameter list.
    pub fn append_block_param(&mut self, b: Block, ty: Type) -> Value {
        let n = self.blocks[b.index()].params.len() as u32;
        let v = self.new_value(ty, ValueDef::Param(b, n));
        self.blocks[b.index()].params.push(v);
        v
    }

    pub fn block_params(&self, b: Block) -> &[Value] {
        &self.blocks[b.index()].params
    }

    pub fn block_insts(&self, b: Block) -> &[Inst] {
        &self.blocks[b.index()].insts
    }

    /// The last instruction of `b`, if any (its terminator in a well-formed function).
    pub fn terminator(&self, b: Block) -> Option<Inst> {
        self.blocks[b.index()].insts.last().copied()
    }

    /// Successor blocks of `b`, in the order of its terminator's targets (may repeat).
    pub fn successors(&self, b: Block) -> impl Iterator<Item = Block> + '_ {
        let dests = match self.terminator(b) {
            Some(t) => &self.insts[t.index()].dests[..],
            None => &[],
        };
        dests.iter().map(|d| d.block)
    }

    // ---- instructions --------------------------------------------------------------

    /// Adds an instruction to the table with results of the given types; it is not yet
    /// placed in any block.
    pub fn make_inst(&mut self, mut data: InstData, result_types: &[Type]) -> Inst {
        let inst = Inst::new(self.insts.len());
        data.results.clear();
        for (n, &ty) in result_types.iter().enumerate() {
            let v = self.new_value(ty, ValueDef::Result(inst, n as u32));
            data.results.push(v);
        }
        self.insts.push(data);
        inst
    }

    /// Adds an instruction at the end of block `b` and returns it.
    pub fn append_inst(&mut self, b: Block, data: InstData, result_types: &[Type]) -> Inst {
        let inst = self.make_inst(data, result_types);
        self.blocks[b.index()].insts.push(inst);
        inst
    }

    pub fn inst(&self, i: Inst) -> &InstData {
        &self.insts[i.index()]
    }

    pub fn inst_mut(&mut self, i: Inst) -> &mut InstData {
        &mut self.insts[i.index()]
    }

    pub fn inst_results(&self, i: Inst) -> &[Value] {
        &self.insts[i.index()].results
    }

    /// Convenience: appends a one-result instruction and returns its result.
    pub fn ins1(&mut self, b: Block, opcode: Opcode, ty: Type, args: Vec<Value>, imm: Imm) -> Value {
        let i = self.append_inst(b, InstData::new(opcode, Some(ty), args, imm), &[ty]);
        self.insts[i.index()].results[0]
    }

    /// Convenience: appends a terminator with the given successors.
    pub fn terminate(&mut self, b: Block, opcode: Opcode, args: Vec<Value>, imm: Imm, dests: Vec<BlockCall>) -> Inst {
        let mut data = InstData::new(opcode, None, args, imm);
        data.dests = dests;
        self.append_inst(b, data, &[])
    }

    /// Every value an instruction reads: operands, then branch arguments.
    pub fn inst_uses(&self, i: Inst) -> impl Iterator<Item = Value> + '_ {
        let d = &self.insts[i.index()];
        d.args.iter().copied().chain(d.dests.iter().flat_map(|bc| bc.args.iter().copied()))
    }

    /// Rewrites every value an instruction reads with `f` (operands and branch arguments).
    pub fn map_inst_uses(&mut self, i: Inst, mut f: impl FnMut(Value) -> Value) {
        let d = &mut self.insts[i.index()];
        for a in d.args.iter_mut() {
            *a = f(*a);
        }
        for bc in d.dests.iter_mut() {
            for a in bc.args.iter_mut() {
                *a = f(*a);
            }
        }
    }

    /// Instructions in layout order, with their block.
    pub fn layout_insts(&self) -> impl Iterator<Item = (Block, Inst)> + '_ {
        self.layout.iter().flat_map(move |&b| self.blocks[b.index()].insts.iter().map(move |&i| (b, i)))
    }

    /// Number of instructions in the layout.
    pub fn num_layout_insts(&self) -> usize {
        self.layout.iter().map(|b| self.blocks[b.index()].insts.len()).sum()
    }
}
