//! VCode: a function as machine instructions over virtual registers, in blocks with
//! block parameters — the form regalloc2 allocates. Shared by every target.
//!
//! ```text
//!  lower (target) ──VCodeBuilder──▶ VCode<I> ──regalloc2::run──▶ Output ──emit (target)
//! ```
//!
//! Blocks are numbered in layout order (the order code is emitted). Lowering must give
//! regalloc2 what it requires: no critical edges (lowering splits them), every block
//! ends in exactly one branch or return, block arguments are passed on the branch (not
//! as operands). This file never looks inside an instruction except through
//! [`MachInst`].

use crate::machinst::{MachInst, OperandCollector};
use crate::reg::Reg;
use regalloc2::{Block as RBlock, Function as RaFunction, Inst as RInst, InstRange, Operand, PRegSet, RegClass, VReg};

/// One block of VCode.
#[derive(Clone, Debug, Default)]
pub struct VBlock {
    pub start: u32,
    pub end: u32,
    pub params: Vec<VReg>,
    pub succs: Vec<RBlock>,
    pub preds: Vec<RBlock>,
    /// Arguments passed to each successor, in `succs` order.
    pub branch_args: Vec<Vec<VReg>>,
}

/// Machine code of one function before allocation.
#[derive(Clone, Debug)]
pub struct VCode<I: MachInst> {
    pub insts: Vec<I>,
    /// For each instruction: the wasm byte offset it came from, if known.
    pub srclocs: Vec<Option<u32>>,
    /// For each instruction: the IR instruction (its index) it was lowered from, if any.
    pub ir_insts: Vec<Option<u32>>,
    pub blocks: Vec<VBlock>,
    pub num_vregs: usize,
    /// Whether a float-class spill slot holds a whole vector register (16 bytes, two
    /// 8-byte slots) rather than a scalar (8 bytes). Set for functions with `v128` values,
    /// so scalar-only functions keep their 8-byte slots.
    pub vector_slots: bool,
    operands: Vec<Operand>,
    operand_ranges: Vec<(u32, u32)>,
    clobbers: Vec<PRegSet>,
}

/// Builds VCode block by block, in layout order.
pub struct VCodeBuilder<I: MachInst> {
    vcode: VCode<I>,
    cur_srcloc: Option<u32>,
    cur_ir: Option<u32>,
    open: bool,
}

impl<I: MachInst> VCodeBuilder<I> {
    pub fn new(num_blocks: usize) -> Self {
        VCodeBuilder {
            vcode: VCode {
                insts: Vec::new(),
                srclocs: Vec::new(),
                ir_insts: Vec::new(),
                blocks: vec![VBlock::default(); num_blocks],
                num_vregs: 0,
                vector_slots: false,
                operands: Vec::new(),
                operand_ranges: Vec::new(),
                clobbers: Vec::new(),
            },
            cur_srcloc: None,
            cur_ir: None,
            open: false,
        }
    }

    /// A fresh virtual register of `class`.
    pub fn vreg(&mut self, class: RegClass) -> Reg {
        let v = VReg::new(self.vcode.num_vregs, class);
        self.vcode.num_vregs += 1;
        Reg::virt(v)
    }

    /// Reserves virtual registers 0..n for the caller's own numbering (IR values).
    pub fn reserve_vregs(&mut self, n: usize) {
        assert_eq!(self.vcode.num_vregs, 0, "reserve before creating any vreg");
        self.vcode.num_vregs = n;
    }

    /// Makes float-class spill slots 16 bytes (see [`VCode::vector_slots`]).
    pub fn use_vector_slots(&mut self) {
        self.vcode.vector_slots = true;
    }

    /// Starts block `b` (blocks must be started in increasing order).
    pub fn start_block(&mut self, b: usize, params: Vec<VReg>) {
        assert!(!self.open, "previous block not ended");
        self.open = true;
        let start = self.vcode.insts.len() as u32;
        let blk = &mut self.vcode.blocks[b];
        blk.start = start;
        blk.params = params;
    }

    /// Ends block `b` after its terminator, naming its successors and their arguments.
    pub fn end_block(&mut self, b: usize, succs: Vec<(usize, Vec<VReg>)>) {
        assert!(self.open, "no block open");
        self.open = false;
        let end = self.vcode.insts.len() as u32;
        let blk = &mut self.vcode.blocks[b];
        blk.end = end;
        assert!(blk.end > blk.start, "a block must end in a terminator");
        for (s, args) in succs {
            blk.succs.push(RBlock::new(s));
            blk.branch_args.push(args);
        }
    }

    /// Sets the source position recorded for the instructions pushed from now on.
    pub fn set_source(&mut self, ir_inst: Option<u32>, srcloc: Option<u32>) {
        self.cur_ir = ir_inst;
        self.cur_srcloc = srcloc;
    }

    pub fn push(&mut self, inst: I) {
        assert!(self.open, "instruction outside a block");
        self.vcode.insts.push(inst);
        self.vcode.srclocs.push(self.cur_srcloc);
        self.vcode.ir_insts.push(self.cur_ir);
    }

    /// Finishes: computes predecessors and the operand tables.
    pub fn finish(mut self) -> VCode<I> {
        let n = self.vcode.blocks.len();
        for b in 0..n {
            let succs = self.vcode.blocks[b].succs.clone();
            for s in succs {
                self.vcode.blocks[s.index()].preds.push(RBlock::new(b));
            }
        }
        let mut operands = Vec::new();
        let mut ranges = Vec::with_capacity(self.vcode.insts.len());
        let mut clobbers = Vec::with_capacity(self.vcode.insts.len());
        for inst in self.vcode.insts.iter_mut() {
            let start = operands.len();
            inst.visit_operands(&mut OperandCollector { out: &mut operands, start });
            ranges.push((start as u32, operands.len() as u32));
            clobbers.push(inst.clobbers());
        }
        self.vcode.operands = operands;
        self.vcode.operand_ranges = ranges;
        self.vcode.clobbers = clobbers;
        self.vcode
    }
}

impl<I: MachInst> VCode<I> {
    /// Instruction indices of block `b`.
    pub fn block_range(&self, b: usize) -> std::ops::Range<usize> {
        self.blocks[b].start as usize..self.blocks[b].end as usize
    }

    /// Prints the VCode (virtual registers), one block after another.
    pub fn pretty(&self) -> String {
        let mut s = String::new();
        for (b, blk) in self.blocks.iter().enumerate() {
            s.push_str(&format!("block{b}"));
            if !blk.params.is_empty() {
                let ps: Vec<String> = blk.params.iter().map(|v| format!("{v}")).collect();
                s.push_str(&format!("({})", ps.join(", ")));
            }
            s.push_str(":\n");
            for i in self.block_range(b) {
                s.push_str(&format!("  {}\n", self.insts[i].pretty()));
            }
            for (succ, args) in blk.succs.iter().zip(&blk.branch_args) {
                if !args.is_empty() {
                    let a: Vec<String> = args.iter().map(|v| format!("{v}")).collect();
                    s.push_str(&format!("  ; to block{}({})\n", succ.index(), a.join(", ")));
                }
            }
        }
        s
    }
}

impl<I: MachInst> RaFunction for VCode<I> {
    fn num_insts(&self) -> usize {
        self.insts.len()
    }
    fn num_blocks(&self) -> usize {
        self.blocks.len()
    }
    fn entry_block(&self) -> RBlock {
        RBlock::new(0)
    }
    fn block_insns(&self, block: RBlock) -> InstRange {
        let b = &self.blocks[block.index()];
        InstRange::new(RInst::new(b.start as usize), RInst::new(b.end as usize))
    }
    fn block_succs(&self, block: RBlock) -> &[RBlock] {
        &self.blocks[block.index()].succs
    }
    fn block_preds(&self, block: RBlock) -> &[RBlock] {
        &self.blocks[block.index()].preds
    }
    fn block_params(&self, block: RBlock) -> &[VReg] {
        &self.blocks[block.index()].params
    }
    fn is_ret(&self, insn: RInst) -> bool {
        self.insts[insn.index()].is_ret()
    }
    fn is_branch(&self, insn: RInst) -> bool {
        self.insts[insn.index()].is_branch()
    }
    fn branch_blockparams(&self, block: RBlock, _insn: RInst, succ_idx: usize) -> &[VReg] {
        &self.blocks[block.index()].branch_args[succ_idx]
    }
    fn inst_operands(&self, insn: RInst) -> &[Operand] {
        let (s, e) = self.operand_ranges[insn.index()];
        &self.operands[s as usize..e as usize]
    }
    fn inst_clobbers(&self, insn: RInst) -> PRegSet {
        self.clobbers[insn.index()]
    }
    fn num_vregs(&self) -> usize {
        self.num_vregs
    }
    fn spillslot_size(&self, regclass: RegClass) -> usize {
        // In 8-byte slots: a vector register needs two (regalloc2 aligns them to two).
        match regclass {
            RegClass::Float if self.vector_slots => 2,
            _ => 1,
        }
    }
}
