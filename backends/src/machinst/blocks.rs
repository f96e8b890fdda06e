//! Which VCode blocks a function lowers to, the same for every target: the IR blocks
//! reachable from the entry, in layout order, each followed by the blocks of its split
//! edges, after a synthetic entry block 0 that loads the parameters. The edge blocks into
//! the next IR block come last among them, so that the last one falls through into it.
//!
//! ```text
//!   block0 (params) -> block1 = entry, [edge blocks of entry's terminator], block_k = next IR block, ...
//! ```
//!
//! An edge is split when its terminator has several destinations (or is a `br_table`,
//! whose index operand forbids passing arguments on the branch itself) and its destination
//! has several incoming edges: regalloc2 needs a critical-edge-free CFG. The edges of one
//! `br_table` to the same block with the same arguments share one edge block (a `switch`
//! whose many cases fall to one default has one, not one per case), so whatever moves the
//! allocator puts on that edge are written once, and the table's successors stay
//! distinct, as regalloc2 requires. A `br_table` that only selects values
//! (`value_table`) has one edge block for all its entries, which loads their arguments.
//! This file only numbers blocks. The targets lower the IR blocks and list a shared edge
//! block once among a table's successors; `edge_lowering` lowers each edge block once, in
//! numbering order ([`EdgeBlocks::in_order`]).

use crate::machinst::value_table::{value_table, ValueTable};
use crate::machinst::LowerError;
use std::collections::HashMap;
use wlab_ir::fxhash::FxBuild;
use wlab_ir::{Block, BlockCall, Function, Opcode};

/// No block: an unreachable IR block, or an edge that is not split.
const NONE: u32 = u32::MAX;

/// The VCode block of each reachable IR block, by block index.
pub struct VBlocks(Vec<u32>);

impl VBlocks {
    /// The VCode block of reachable IR block `b`.
    pub fn of(&self, b: Block) -> u32 {
        let v = self.0[b.index()];
        assert_ne!(v, NONE, "{b} is not reachable");
        v
    }
}

/// The VCode block of each split edge: (IR block, index of its terminator's
/// destination). Several destinations of one `br_table` may map to the same block.
pub struct EdgeBlocks {
    /// Per IR block, where its destinations start in `ids` (NONE: no edge split).
    start: Vec<u32>,
    /// Per destination of those blocks, its edge block (NONE: not split).
    ids: Vec<u32>,
}

impl EdgeBlocks {
    /// The edge block of destination `k` of `b`'s terminator, if that edge is split.
    pub fn get(&self, b: Block, k: usize) -> Option<u32> {
        let s = self.start[b.index()];
        if s == NONE {
            return None;
        }
        Some(self.ids[s as usize + k]).filter(|&e| e != NONE)
    }

    /// The edge blocks of `b`'s terminator (with `dests` destinations), each once, in
    /// numbering order (the order they must be lowered in), with the first destination
    /// index that leads through it.
    pub fn in_order(&self, b: Block, dests: usize) -> Vec<(u32, usize)> {
        let mut out: Vec<(u32, usize)> = (0..dests).filter_map(|k| self.get(b, k).map(|e| (e, k))).collect();
        out.sort_unstable();
        out.dedup_by_key(|&mut (e, _)| e);
        out
    }
}

/// The VCode block numbering of one function, and the use counts lowering needs for fusion.
pub struct BlockLayout {
    /// The IR entry block (VCode block 0 jumps to it).
    pub entry: Block,
    /// Reachable IR blocks, in layout order.
    pub order: Vec<Block>,
    /// The VCode block of each reachable IR block.
    pub vblock: VBlocks,
    /// The VCode block of each split edge.
    pub edge_blocks: EdgeBlocks,
    /// VCode blocks in all (block 0, IR blocks, split edges).
    pub num_blocks: u32,
    /// How often each IR value is used in reachable blocks.
    pub uses: Vec<u32>,
    /// The blocks ending in a `br_table` that only selects values, and its table.
    pub value_tables: HashMap<Block, ValueTable, FxBuild>,
}

impl BlockLayout {
    /// Numbers `f`'s blocks; a function without blocks is an error.
    pub fn compute(f: &Function) -> Result<BlockLayout, LowerError> {
        let Some(entry) = f.entry() else { return Err(LowerError(format!("function {} has no blocks", f.name))) };
        // Reachable blocks, in layout order.
        let mut reachable = vec![false; f.blocks.len()];
        let mut stack = vec![entry];
        reachable[entry.index()] = true;
        while let Some(b) = stack.pop() {
            for s in f.successors(b) {
                if !reachable[s.index()] {
                    reachable[s.index()] = true;
                    stack.push(s);
                }
            }
        }
        let order: Vec<Block> = f.layout.iter().copied().filter(|b| reachable[b.index()]).collect();
        // Incoming edge counts (the synthetic entry's jump counts for the entry block).
        let mut in_edges = vec![0u32; f.blocks.len()];
        in_edges[entry.index()] += 1;
        for &b in &order {
            if let Some(t) = f.terminator(b) {
                for d in &f.inst(t).dests {
                    in_edges[d.block.index()] += 1;
                }
            }
        }
        // Block numbering: 0 is the entry that loads parameters; each IR block is followed
        // by the edge blocks its terminator needs.
        let mut vblock = vec![NONE; f.blocks.len()];
        let mut next = 1u32;
        let mut edges = EdgeBlocks { start: vec![NONE; f.blocks.len()], ids: Vec::new() };
        let mut value_tables = HashMap::default();
        for (pos, &b) in order.iter().enumerate() {
            vblock[b.index()] = next;
            next += 1;
            if let Some(t) = f.terminator(b) {
                let d = f.inst(t);
                if let Some(table) = value_table(f, t) {
                    // The default's edge as below; every table entry takes one edge block,
                    // where the entry's arguments are loaded (looked up only, never
                    // iterated, as `shared` below).
                    value_tables.insert(b, table);
                    edges.start[b.index()] = edges.ids.len() as u32;
                    let default = &d.dests[0];
                    edges.ids.push(if in_edges[default.block.index()] <= 1 { NONE } else { next });
                    next += (in_edges[default.block.index()] > 1) as u32;
                    edges.ids.extend(std::iter::repeat_n(next, d.dests.len() - 1));
                    next += 1;
                } else if d.dests.len() > 1 || d.opcode == Opcode::BrTable {
                    // A branch with operands (br_table's index) may not pass arguments to a
                    // merge block either, so its edges are split like those of a two-way branch.
                    let base = edges.ids.len();
                    edges.start[b.index()] = base as u32;
                    edges.ids.resize(base + d.dests.len(), NONE);
                    // The edge blocks into the next IR block come last, so that the last
                    // one falls through into it (emitted in numbering order).
                    let falls_into = order.get(pos + 1).copied();
                    // Looked up only, never iterated: the numbering stays deterministic.
                    let mut shared: HashMap<&BlockCall, u32, FxBuild> = HashMap::default();
                    for last in [false, true] {
                        for (k, dest) in d.dests.iter().enumerate() {
                            if (Some(dest.block) == falls_into) != last || in_edges[dest.block.index()] <= 1 {
                                continue;
                            }
                            match shared.get(dest).copied() {
                                Some(e) if d.opcode == Opcode::BrTable => edges.ids[base + k] = e,
                                _ => {
                                    edges.ids[base + k] = next;
                                    shared.insert(dest, next);
                                    next += 1;
                                }
                            }
                        }
                    }
                }
            }
        }
        let mut uses = vec![0u32; f.values.len()];
        for &b in &order {
            for &i in f.block_insts(b) {
                for v in f.inst_uses(i) {
                    uses[v.index()] += 1;
                }
            }
        }
        Ok(BlockLayout {
            entry,
            order,
            vblock: VBlocks(vblock),
            edge_blocks: edges,
            num_blocks: next,
            uses,
            value_tables,
        })
    }
}
