//! Natural loops: for every back edge `b -> h` (where `h` dominates `b`), the loop with
//! header `h` holds `h` and every block that reaches `b` without passing `h`. Back edges
//! to the same header make one loop. Two natural loops with different headers are
//! either disjoint or nested, so loops form a forest.
//!
//! Loops are numbered in the reverse postorder of their headers, which puts every outer
//! loop before the loops nested in it. Branches into a cycle that bypass its header
//! (irreducible control flow) make no loop: their edges are not back edges.
//!
//! This file must never panic on a malformed function and never depend on hash-map order.

use crate::cfg::ControlFlowGraph;
use crate::dominators::DomTree;
use crate::entities::Block;
use crate::function::Function;

/// A loop handle: an index into the [`LoopAnalysis`] that made it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Loop(pub u32);

#[derive(Clone, Debug)]
struct LoopData {
    header: Block,
    /// Every block of the loop (nested loops included), in RPO order.
    blocks: Vec<Block>,
    parent: Option<Loop>,
    depth: u32,
}

/// The loop forest of a function; a snapshot of one CFG and dominator tree.
#[derive(Clone, Debug, Default)]
pub struct LoopAnalysis {
    loops: Vec<LoopData>,
    /// Innermost loop of each block.
    innermost: Vec<Option<Loop>>,
}

impl LoopAnalysis {
    pub fn new(func: &Function, cfg: &ControlFlowGraph, dom: &DomTree) -> Self {
        let n = func.blocks.len();
        let mut la = LoopAnalysis { loops: Vec::new(), innermost: vec![None; n] };
        // Marks blocks of the loop being built with its id + 1 (0: unmarked).
        let mut mark: Vec<u32> = vec![0; n];
        let mut worklist: Vec<Block> = Vec::new();
        for &h in dom.rpo() {
            let latches: Vec<Block> =
                cfg.preds(h).iter().copied().filter(|&p| dom.is_reachable(p) && dom.dominates(h, p)).collect();
            if latches.is_empty() {
                continue;
            }
            let id = Loop(la.loops.len() as u32);
            let tag = id.0 + 1;
            let mut body = vec![h];
            mark[h.index()] = tag;
            worklist.clear();
            for &l in &latches {
                if mark[l.index()] != tag {
                    mark[l.index()] = tag;
                    body.push(l);
                    worklist.push(l);
                }
            }
            while let Some(b) = worklist.pop() {
                for &p in cfg.preds(b) {
                    if dom.is_reachable(p) && mark[p.index()] != tag {
                        mark[p.index()] = tag;
                        body.push(p);
                        worklist.push(p);
                    }
                }
            }
            body.sort_by_key(|&b| dom.rpo_number(b));
            // Outer loops were numbered first, so the innermost loop recorded for the
            // header so far is the parent.
            let parent = la.innermost[h.index()];
            let depth = parent.map_or(1, |p| la.loops[p.0 as usize].depth + 1);
            for &b in &body {
                la.innermost[b.index()] = Some(id);
            }
            la.loops.push(LoopData { header: h, blocks: body, parent, depth });
        }
        la
    }

    /// Every loop, outer loops before the loops nested in them.
    pub fn loops(&self) -> impl Iterator<Item = Loop> {
        (0..self.loops.len() as u32).map(Loop)
    }

    pub fn len(&self) -> usize {
        self.loops.len()
    }

    pub fn is_empty(&self) -> bool {
        self.loops.is_empty()
    }

    pub fn header(&self, l: Loop) -> Block {
        self.loops[l.0 as usize].header
    }

    /// All blocks of the loop, nested loops included, in RPO order (the header first).
    pub fn blocks(&self, l: Loop) -> &[Block] {
        &self.loops[l.0 as usize].blocks
    }

    pub fn contains(&self, l: Loop, b: Block) -> bool {
        let depth = self.depth(l);
        let mut cur = self.innermost_loop(b);
        while let Some(c) = cur {
            if c == l {
                return true;
            }
            if self.depth(c) <= depth {
                return false;
            }
            cur = self.parent(c);
        }
        false
    }

    /// The loop this one is nested in, directly.
    pub fn parent(&self, l: Loop) -> Option<Loop> {
        self.loops[l.0 as usize].parent
    }

    /// Nesting depth: 1 for an outermost loop.
    pub fn depth(&self, l: Loop) -> u32 {
        self.loops[l.0 as usize].depth
    }

    pub fn innermost_loop(&self, b: Block) -> Option<Loop> {
        self.innermost.get(b.index()).copied().flatten()
    }

    /// How many loops contain `b`; 0 outside loops.
    pub fn loop_depth(&self, b: Block) -> u32 {
        self.innermost_loop(b).map_or(0, |l| self.depth(l))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dominators::tests::graph;

    fn analyse(f: &Function) -> LoopAnalysis {
        let cfg = ControlFlowGraph::new(f);
        let dom = DomTree::new(f, &cfg);
        LoopAnalysis::new(f, &cfg, &dom)
    }

    #[test]
    fn nested_loops() {
        // 0 -> 1 ; 1 -> 2, 5 ; 2 -> 3 ; 3 -> 2, 4 ; 4 -> 1 ; 5
        let f = graph(&[&[1], &[2, 5], &[3], &[2, 4], &[1], &[]]);
        let la = analyse(&f);
        let ls: Vec<Loop> = la.loops().collect();
        assert_eq!(ls, vec![Loop(0), Loop(1)]);
        assert_eq!(la.header(Loop(0)), Block(1));
        assert_eq!(la.blocks(Loop(0)), &[Block(1), Block(2), Block(3), Block(4)]);
        assert_eq!(la.header(Loop(1)), Block(2));
        assert_eq!(la.blocks(Loop(1)), &[Block(2), Block(3)]);
        assert_eq!(la.parent(Loop(1)), Some(Loop(0)));
        assert_eq!(la.parent(Loop(0)), None);
        assert_eq!(la.depth(Loop(1)), 2);
        assert_eq!(la.loop_depth(Block(3)), 2);
        assert_eq!(la.loop_depth(Block(4)), 1);
        assert_eq!(la.loop_depth(Block(5)), 0);
        assert_eq!(la.innermost_loop(Block(3)), Some(Loop(1)));
        assert!(la.contains(Loop(0), Block(3)));
        assert!(!la.contains(Loop(1), Block(4)));
        assert!(!la.contains(Loop(0), Block(5)));
    }

    #[test]
    fn two_latches_one_loop_and_self_loop() {
        // 0 -> 1 ; 1 -> 2, 3 ; 2 -> 1 ; 3 -> 1, 4 ; 4 -> 4, 5 ; 5
        let f = graph(&[&[1], &[2, 3], &[1], &[1, 4], &[4, 5], &[]]);
        let la = analyse(&f);
        assert_eq!(la.len(), 2);
        assert_eq!(la.header(Loop(0)), Block(1));
        assert_eq!(la.blocks(Loop(0)).len(), 3);
        assert_eq!(la.header(Loop(1)), Block(4));
        assert_eq!(la.blocks(Loop(1)), &[Block(4)]);
        assert_eq!(la.parent(Loop(1)), None);
    }

    #[test]
    fn irreducible_cycle_is_no_loop() {
        let f = graph(&[&[1, 2], &[2], &[1]]);
        assert!(analyse(&f).is_empty());
    }

    /// Random graphs: every loop is the natural loop of its header's back edges, nested
    /// inside its parent, numbered after it, and `innermost_loop` / `contains` agree.
    #[test]
    fn forest_properties_on_random_graphs() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut rand = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..300 {
            let n = 1 + (rand() % 12) as usize;
            let edges: Vec<Vec<u32>> =
                (0..n).map(|_| (0..rand() % 4).map(|_| (rand() % n as u64) as u32).collect()).collect();
            let refs: Vec<&[u32]> = edges.iter().map(Vec::as_slice).collect();
            let f = graph(&refs);
            let cfg = ControlFlowGraph::new(&f);
            let dom = DomTree::new(&f, &cfg);
            let la = LoopAnalysis::new(&f, &cfg, &dom);
            for l in la.loops() {
                let h = la.header(l);
                // Natural loop by definition: h, plus blocks reaching a latch avoiding h.
                let mut body = vec![false; n];
                body[h.index()] = true;
                let mut stack: Vec<Block> =
                    cfg.preds(h).iter().copied().filter(|&p| dom.is_reachable(p) && dom.dominates(h, p)).collect();
                assert!(!stack.is_empty());
                while let Some(b) = stack.pop() {
                    if !body[b.index()] {
                        body[b.index()] = true;
                        stack.extend(cfg.preds(b).iter().copied().filter(|&p| dom.is_reachable(p)));
                    }
                }
                let want: Vec<Block> = dom.rpo().iter().copied().filter(|b| body[b.index()]).collect();
                assert_eq!(la.blocks(l), want.as_slice(), "{edges:?}");
                for b in 0..n as u32 {
                    assert_eq!(la.contains(l, Block(b)), body[b as usize], "{edges:?}");
                }
                if let Some(p) = la.parent(l) {
                    assert!(p < l);
                    assert_eq!(la.depth(l), la.depth(p) + 1);
                    assert!(la.blocks(l).iter().all(|&b| la.contains(p, b)));
                }
            }
            for b in 0..n as u32 {
                let containing: Vec<Loop> = la.loops().filter(|&l| la.contains(l, Block(b))).collect();
                assert_eq!(la.loop_depth(Block(b)) as usize, containing.len());
                assert_eq!(la.innermost_loop(Block(b)), containing.last().copied());
            }
        }
    }
}
