//! The control-flow graph of a function: predecessors and successors of every block in
//! the layout, plus a Graphviz rendering.
//!
//! Edges come from each layout block's last instruction (its terminator) and its
//! [`crate::BlockCall`] targets. Only edges between blocks that are in the layout are
//! recorded; a branch to a block outside the layout (or to a block index the function
//! does not have) is left out here and reported by the verifier. Lists are deduplicated:
//! `brif v0, block1, block1` gives one edge.
//!
//! This file must never panic on a malformed function, and never iterate a hash map
//! (the order of `preds` is the layout order of the predecessor blocks).

use crate::entities::Block;
use crate::function::Function;
use petgraph::graph::{DiGraph, NodeIndex};

/// Predecessors and successors of every layout block. A snapshot: recompute it after
/// a pass changes branches or the layout.
#[derive(Clone, Debug, Default)]
pub struct ControlFlowGraph {
    preds: Vec<Vec<Block>>,
    succs: Vec<Vec<Block>>,
}

impl ControlFlowGraph {
    /// Builds the CFG over the blocks in `func.layout`.
    pub fn new(func: &Function) -> Self {
        let n = func.blocks.len();
        let mut in_layout = vec![false; n];
        for &b in &func.layout {
            if let Some(slot) = in_layout.get_mut(b.index()) {
                *slot = true;
            }
        }
        let mut preds: Vec<Vec<Block>> = vec![Vec::new(); n];
        let mut succs: Vec<Vec<Block>> = vec![Vec::new(); n];
        let mut done = vec![false; n];
        // `seen_from[t] == b`: `t` is already a successor of `b` (a `br_table` of a
        // thousand cases is deduplicated in one pass, not by searching the list so far).
        let mut seen_from = vec![usize::MAX; n];
        for &b in &func.layout {
            if b.index() >= n || std::mem::replace(&mut done[b.index()], true) {
                // Out of range, or a block listed twice in the layout: counted once.
                continue;
            }
            let Some(&term) = func.blocks[b.index()].insts.last() else {
                continue;
            };
            let Some(data) = func.insts.get(term.index()) else {
                continue;
            };
            let mut out: Vec<Block> = Vec::with_capacity(data.dests.len());
            for bc in &data.dests {
                let t = bc.block;
                if in_layout.get(t.index()).copied().unwrap_or(false) && seen_from[t.index()] != b.index() {
                    seen_from[t.index()] = b.index();
                    out.push(t);
                }
            }
            for &t in &out {
                preds[t.index()].push(b);
            }
            succs[b.index()] = out;
        }
        ControlFlowGraph { preds, succs }
    }

    /// The blocks that branch to `b`, each once, in the layout order of the predecessors.
    pub fn preds(&self, b: Block) -> &[Block] {
        self.preds.get(b.index()).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The blocks `b` branches to, each once, in the order of its terminator's targets.
    pub fn succs(&self, b: Block) -> &[Block] {
        self.succs.get(b.index()).map(Vec::as_slice).unwrap_or(&[])
    }
}

/// The CFG as a Graphviz DOT digraph: one node per layout block labelled with its name
/// (`block3`), one edge per distinct (block, successor) pair.
pub fn cfg_dot(func: &Function) -> String {
    let cfg = ControlFlowGraph::new(func);
    let mut g: DiGraph<String, &str> = DiGraph::new();
    let mut node: Vec<Option<NodeIndex>> = vec![None; func.blocks.len()];
    for &b in &func.layout {
        if let Some(slot) = node.get_mut(b.index()) {
            if slot.is_none() {
                *slot = Some(g.add_node(b.to_string()));
            }
        }
    }
    for &b in &func.layout {
        let Some(Some(from)) = node.get(b.index()).copied() else {
            continue;
        };
        for &s in cfg.succs(b) {
            if let Some(Some(to)) = node.get(s.index()).copied() {
                if g.find_edge(from, to).is_none() {
                    g.add_edge(from, to, "");
                }
            }
        }
    }
    let dot = petgraph::dot::Dot::with_config(&g, &[petgraph::dot::Config::EdgeNoLabel]);
    format!("{dot}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::instructions::{BlockCall, Imm};
    use crate::opcode::Opcode;
    use crate::types::{Signature, Type};

    /// block0 -> brif block1, block1 ; block1 -> jump block2 ; block2 -> return ;
    /// block3 (unreachable) -> jump block1.
    fn diamondish() -> Function {
        let mut f = Function::new("t", Signature::new(vec![Type::I32], vec![]));
        let b: Vec<Block> = (0..4).map(|_| f.create_block()).collect();
        for &x in &b {
            f.append_block(x);
        }
        let c = f.append_block_param(b[0], Type::I32);
        f.terminate(
            b[0],
            Opcode::Brif,
            vec![c],
            Imm::None,
            vec![BlockCall::new(b[1], vec![]), BlockCall::new(b[1], vec![])],
        );
        f.terminate(b[1], Opcode::Jump, vec![], Imm::None, vec![BlockCall::new(b[2], vec![])]);
        f.terminate(b[2], Opcode::Return, vec![], Imm::None, vec![]);
        f.terminate(b[3], Opcode::Jump, vec![], Imm::None, vec![BlockCall::new(b[1], vec![])]);
        f
    }

    #[test]
    fn preds_and_succs_are_deduplicated_and_ordered() {
        let f = diamondish();
        let cfg = ControlFlowGraph::new(&f);
        assert_eq!(cfg.succs(Block(0)), &[Block(1)]);
        assert_eq!(cfg.preds(Block(1)), &[Block(0), Block(3)]);
        assert_eq!(cfg.succs(Block(2)), &[] as &[Block]);
        assert_eq!(cfg.preds(Block(0)), &[] as &[Block]);
        // Out-of-range blocks answer empty rather than panic.
        assert_eq!(cfg.preds(Block(99)), &[] as &[Block]);
    }

    #[test]
    fn branch_outside_layout_is_not_an_edge() {
        let mut f = diamondish();
        let extra = f.create_block();
        f.inst_mut(f.terminator(Block(2)).unwrap()).dests.push(BlockCall::new(extra, vec![]));
        f.inst_mut(f.terminator(Block(1)).unwrap()).dests.push(BlockCall::new(Block(77), vec![]));
        let cfg = ControlFlowGraph::new(&f);
        assert_eq!(cfg.succs(Block(2)), &[] as &[Block]);
        assert_eq!(cfg.succs(Block(1)), &[Block(2)]);
    }

    #[test]
    fn dot_lists_nodes_and_edges() {
        let dot = cfg_dot(&diamondish());
        assert!(dot.starts_with("digraph {"), "{dot}");
        assert!(dot.contains("label = \"block0\""), "{dot}");
        assert_eq!(dot.matches("->").count(), 3, "{dot}");
    }
}
