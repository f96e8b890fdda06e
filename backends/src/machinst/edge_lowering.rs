//! The blocks of a terminator's split edges, lowered the same way for every target: each
//! is a jump to the edge's destination passing the edge's arguments, or, for the entries
//! of a `br_table` that only selects values (`value_table`), the arguments loaded from
//! their tables. The target supplies the jump and its bookkeeping ([`EdgeLowering`]);
//! this file never chooses an instruction.

use crate::machinst::blocks::EdgeBlocks;
use crate::machinst::value_table::{entry_args, TableLoads, ValueTable};
use regalloc2::VReg;
use wlab_ir::{Block, InstData};

/// What lowering an edge block needs from a target's lowering context.
pub trait EdgeLowering: TableLoads {
    /// Starts VCode block `b`, which has no parameters.
    fn start_edge_block(&mut self, b: u32);
    /// Ends VCode block `b` with a jump to VCode block `target` that passes `args`.
    fn end_edge_block(&mut self, b: u32, target: u32, args: Vec<VReg>);
    /// Takes the value table of the `br_table` ending IR block `blk` (its entries' shared
    /// edge block is lowered once).
    fn take_value_table(&mut self, blk: Block) -> Option<ValueTable>;
    /// The VCode block of reachable IR block `b`.
    fn vblock_of(&self, b: Block) -> u32;
}

/// Lowers the edge blocks of `term`, the terminator of IR block `blk`, in numbering order
/// (a block shared by several destinations once).
pub fn lower_edge_blocks(cx: &mut impl EdgeLowering, edge_blocks: &EdgeBlocks, blk: Block, term: &InstData) {
    for (e, k) in edge_blocks.in_order(blk, term.dests.len()) {
        cx.start_edge_block(e);
        // A value table's entries share one edge block (k > 0), the default not.
        let table = if k > 0 { cx.take_value_table(blk) } else { None };
        let (to, args) = match table {
            Some(table) => (table.target, entry_args(cx, term.args[0], table)),
            None => {
                let bc = &term.dests[k];
                (bc.block, bc.args.iter().map(|&a| cx.value_reg(a).to_vreg().expect("a virtual register")).collect())
            }
        };
        let target = cx.vblock_of(to);
        cx.end_edge_block(e, target, args);
    }
}
