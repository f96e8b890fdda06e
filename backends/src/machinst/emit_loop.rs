//! The emit loop every target shares: walk the blocks in the order the target chose, emit
//! regalloc2's moves and the allocated instructions between them, and record the allocated
//! text (only when asked: printing every instruction cost about 5% of `wlab run`'s compile
//! time) and the source map positions. Prologue, trap stubs and branch resolution are the
//! target's; this file never encodes an instruction.

use crate::machinst::{AllocApplier, MachInst};
use crate::vcode::VCode;
use regalloc2::{Allocation, Block as RBlock, Edit, InstOrEdit, Output, RegClass};

/// What the shared emit loop needs from a target's emitter (one function's code buffer).
pub trait BlockEmitter {
    /// The target's machine instruction.
    type Inst: MachInst;
    /// Marks where VCode block `b` starts (binds its label).
    fn start_block(&mut self, b: usize);
    /// Emits one of regalloc2's moves between two different allocations of `class`.
    fn emit_move(&mut self, from: Allocation, to: Allocation, class: RegClass);
    /// Emits one instruction with physical registers; a branch to block `next` (the block
    /// emitted after this one, `usize::MAX` after the last) may fall through.
    fn emit_inst(&mut self, inst: &Self::Inst, next: usize);
    /// Where the next instruction goes, in the buffer's own units (resolved to a byte offset
    /// once the code is laid out).
    fn position(&self) -> usize;
    /// The wasm offset that trap sites of the following instructions record.
    fn set_srcloc(&mut self, srcloc: Option<u32>);
    /// The name of an allocation (register or spill slot) in the allocated text.
    fn show_alloc(&self, a: Allocation) -> String;
}

/// What the emit loop recorded.
pub struct BlockText {
    /// The allocated VCode, printed with physical registers and regalloc2's moves (empty
    /// unless asked for).
    pub text: String,
    /// Per emitted instruction: its [`BlockEmitter::position`], IR instruction and wasm offset.
    pub srcmap: Vec<(usize, Option<u32>, Option<u32>)>,
}

/// Emits `order`'s blocks of `vcode`, allocated as `out`, into `e`; prints the allocated
/// text when `keep_text`.
pub fn emit_blocks<E: BlockEmitter>(
    e: &mut E,
    vcode: &VCode<E::Inst>,
    out: &Output,
    order: &[usize],
    keep_text: bool,
) -> BlockText {
    let mut text = String::new();
    let mut srcmap = Vec::new();
    for (k, &b) in order.iter().enumerate() {
        let next = order.get(k + 1).copied().unwrap_or(usize::MAX);
        e.start_block(b);
        if keep_text {
            text.push_str(&format!("block{b}:\n"));
        }
        for item in out.block_insts_and_edits(vcode, RBlock::new(b)) {
            match item {
                InstOrEdit::Edit(&Edit::Move { from, to }) => {
                    if from != to {
                        let class = from.as_reg().map(|r| r.class()).unwrap_or_else(|| to.as_reg().unwrap().class());
                        if keep_text {
                            text.push_str(&format!("  move {} -> {}\n", e.show_alloc(from), e.show_alloc(to)));
                        }
                        e.emit_move(from, to, class);
                    }
                }
                InstOrEdit::Inst(ri) => {
                    let idx = ri.index();
                    let mut inst = vcode.insts[idx].clone();
                    inst.visit_operands(&mut AllocApplier { allocs: out.inst_allocs(ri), next: 0 });
                    if keep_text {
                        text.push_str(&format!("  {}\n", inst.pretty()));
                    }
                    e.set_srcloc(vcode.srclocs[idx]);
                    srcmap.push((e.position(), vcode.ir_insts[idx], vcode.srclocs[idx]));
                    e.emit_inst(&inst, next);
                }
            }
        }
    }
    BlockText { text, srcmap }
}
