//! The dominator tree of a function's CFG (Cooper, Harvey and Kennedy, "A Simple, Fast
//! Dominance Algorithm", iterating over reverse postorder), with pre/post numbering of the
//! tree so `dominates` is O(1).
//!
//! Only blocks reachable from the entry (the first layout block) are in the tree.
//! Conventions: `dominates(a, a)` is true for every block (reflexive); otherwise an
//! unreachable block neither dominates nor is dominated. `inst_dominates` is reflexive too.
//!
//! This file must never panic on a malformed function (out-of-range handles answer
//! "not reachable"), and never depend on hash-map order.

use crate::cfg::ControlFlowGraph;
use crate::entities::{Block, Inst};
use crate::function::Function;

const NONE: u32 = u32::MAX;

/// Dominator tree; a snapshot of one CFG.
#[derive(Clone, Debug, Default)]
pub struct DomTree {
    rpo: Vec<Block>,
    /// RPO index of each block, `NONE` when unreachable.
    rpo_index: Vec<u32>,
    /// Immediate dominator, `NONE` for the entry and unreachable blocks.
    idom: Vec<u32>,
    children: Vec<Vec<Block>>,
    /// Pre/post order numbers of the dominator tree walk.
    pre: Vec<u32>,
    post: Vec<u32>,
    /// Block of each instruction in the layout, and its position there (`NONE`: not placed).
    inst_block: Vec<u32>,
    inst_pos: Vec<u32>,
}

impl DomTree {
    /// Computes the dominator tree of `func` from its CFG.
    pub fn new(func: &Function, cfg: &ControlFlowGraph) -> Self {
        let n = func.blocks.len();
        let mut t = DomTree {
            rpo: Vec::new(),
            rpo_index: vec![NONE; n],
            idom: vec![NONE; n],
            children: vec![Vec::new(); n],
            pre: vec![NONE; n],
            post: vec![NONE; n],
            inst_block: vec![NONE; func.insts.len()],
            inst_pos: vec![NONE; func.insts.len()],
        };
        for &b in &func.layout {
            let Some(data) = func.blocks.get(b.index()) else {
                continue;
            };
            for (pos, &i) in data.insts.iter().enumerate() {
                if let Some(slot) = t.inst_block.get_mut(i.index()) {
                    *slot = b.0;
                    t.inst_pos[i.index()] = pos as u32;
                }
            }
        }
        let Some(entry) = func.entry().filter(|e| e.index() < n) else {
            return t;
        };

        // Postorder by iterative DFS over successors (in terminator order).
        let mut visited = vec![false; n];
        let mut postorder: Vec<Block> = Vec::with_capacity(n);
        let mut stack: Vec<(Block, usize)> = vec![(entry, 0)];
        visited[entry.index()] = true;
        while let Some(&mut (b, ref mut next)) = stack.last_mut() {
            let succs = cfg.succs(b);
            if let Some(&s) = succs.get(*next) {
                *next += 1;
                if !visited[s.index()] {
                    visited[s.index()] = true;
                    stack.push((s, 0));
                }
            } else {
                postorder.push(b);
                stack.pop();
            }
        }
        t.rpo = postorder.into_iter().rev().collect();
        for (k, &b) in t.rpo.iter().enumerate() {
            t.rpo_index[b.index()] = k as u32;
        }

        // Cooper-Harvey-Kennedy over RPO indices.
        let m = t.rpo.len();
        let mut doms: Vec<u32> = vec![NONE; m];
        doms[0] = 0;
        let mut changed = true;
        while changed {
            changed = false;
            for k in 1..m {
                let b = t.rpo[k];
                let mut new_idom = NONE;
                for &p in cfg.preds(b) {
                    let pk = t.rpo_index[p.index()];
                    if pk == NONE || doms[pk as usize] == NONE {
                        continue;
                    }
                    new_idom = if new_idom == NONE { pk } else { intersect(&doms, pk, new_idom) };
                }
                if new_idom != NONE && doms[k] != new_idom {
                    doms[k] = new_idom;
                    changed = true;
                }
            }
        }
        for k in 1..m {
            let b = t.rpo[k];
            let d = t.rpo[doms[k] as usize];
            t.idom[b.index()] = d.0;
            t.children[d.index()].push(b);
        }

        // Pre/post numbering of the tree.
        let mut counter = 0u32;
        let mut stack: Vec<(Block, usize)> = vec![(entry, 0)];
        t.pre[entry.index()] = counter;
        counter += 1;
        while let Some(&mut (b, ref mut next)) = stack.last_mut() {
            if let Some(&c) = t.children[b.index()].get(*next) {
                *next += 1;
                t.pre[c.index()] = counter;
                counter += 1;
                stack.push((c, 0));
            } else {
                t.post[b.index()] = counter;
                counter += 1;
                stack.pop();
            }
        }
        t
    }

    /// Reachable blocks in reverse postorder (the entry first).
    pub fn rpo(&self) -> &[Block] {
        &self.rpo
    }

    /// Position of `b` in [`DomTree::rpo`], `None` if unreachable.
    pub fn rpo_number(&self, b: Block) -> Option<u32> {
        self.rpo_index.get(b.index()).copied().filter(|&k| k != NONE)
    }

    pub fn is_reachable(&self, b: Block) -> bool {
        self.rpo_number(b).is_some()
    }

    /// Immediate dominator; `None` for the entry and for unreachable blocks.
    pub fn idom(&self, b: Block) -> Option<Block> {
        self.idom.get(b.index()).copied().filter(|&d| d != NONE).map(Block)
    }

    /// Whether every path from the entry to `b` passes through `a`. Reflexive.
    pub fn dominates(&self, a: Block, b: Block) -> bool {
        if a == b {
            return true;
        }
        match (self.pre.get(a.index()), self.pre.get(b.index())) {
            (Some(&pa), Some(&pb)) if pa != NONE && pb != NONE => {
                pa <= pb && self.post[b.index()] <= self.post[a.index()]
            }
            _ => false,
        }
    }

    /// Children of `b` in the dominator tree, in RPO order.
    pub fn children(&self, b: Block) -> &[Block] {
        self.children.get(b.index()).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Whether instruction `a` dominates instruction `b`: same block and `a` is not after
    /// `b`, or `a`'s block strictly dominates `b`'s. False when either is not in the layout.
    pub fn inst_dominates(&self, func: &Function, a: Inst, b: Inst) -> bool {
        let _ = func; // positions are recorded at construction
        let (Some(&ba), Some(&bb)) = (self.inst_block.get(a.index()), self.inst_block.get(b.index())) else {
            return false;
        };
        if ba == NONE || bb == NONE {
            return false;
        }
        if ba == bb {
            return self.inst_pos[a.index()] <= self.inst_pos[b.index()];
        }
        self.dominates(Block(ba), Block(bb))
    }

    /// The layout block holding `i`, as recorded when the tree was built.
    pub fn inst_block(&self, i: Inst) -> Option<Block> {
        self.inst_block.get(i.index()).copied().filter(|&b| b != NONE).map(Block)
    }
}

/// Nearest common ancestor of two RPO indices in the partial tree `doms`.
fn intersect(doms: &[u32], mut a: u32, mut b: u32) -> u32 {
    while a != b {
        while a > b {
            a = doms[a as usize];
        }
        while b > a {
            b = doms[b as usize];
        }
    }
    a
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::instructions::{BlockCall, Imm};
    use crate::opcode::Opcode;
    use crate::types::{Signature, Type};

    /// Builds a function whose block i branches to `edges[i]` (brif when two, jump when
    /// one, return when none).
    pub(crate) fn graph(edges: &[&[u32]]) -> Function {
        let mut f = Function::new("g", Signature::new(vec![Type::I32], vec![]));
        let bs: Vec<Block> = edges.iter().map(|_| f.create_block()).collect();
        for &b in &bs {
            f.append_block(b);
        }
        let c = f.append_block_param(bs[0], Type::I32);
        for (i, succ) in edges.iter().enumerate() {
            let dests: Vec<BlockCall> = succ.iter().map(|&s| BlockCall::new(Block(s), vec![])).collect();
            match dests.len() {
                0 => f.terminate(bs[i], Opcode::Return, vec![], Imm::None, vec![]),
                1 => f.terminate(bs[i], Opcode::Jump, vec![], Imm::None, dests),
                2 => f.terminate(bs[i], Opcode::Brif, vec![c], Imm::None, dests),
                _ => f.terminate(bs[i], Opcode::BrTable, vec![c], Imm::None, dests),
            };
        }
        f
    }

    fn tree(f: &Function) -> DomTree {
        DomTree::new(f, &ControlFlowGraph::new(f))
    }

    #[test]
    fn diamond() {
        // 0 -> 1, 2 ; 1 -> 3 ; 2 -> 3 ; 3 ; 4 unreachable -> 3
        let f = graph(&[&[1, 2], &[3], &[3], &[], &[3]]);
        let d = tree(&f);
        assert_eq!(d.rpo(), &[Block(0), Block(2), Block(1), Block(3)]);
        assert_eq!(d.idom(Block(0)), None);
        assert_eq!(d.idom(Block(3)), Some(Block(0)));
        assert_eq!(d.idom(Block(4)), None);
        assert!(!d.is_reachable(Block(4)));
        assert!(d.dominates(Block(0), Block(3)));
        assert!(!d.dominates(Block(1), Block(3)));
        assert!(d.dominates(Block(3), Block(3)));
        assert!(d.dominates(Block(4), Block(4)));
        assert!(!d.dominates(Block(0), Block(4)));
        assert_eq!(d.children(Block(0)), &[Block(2), Block(1), Block(3)]);
    }

    #[test]
    fn loop_with_nested_branch() {
        // 0 -> 1 ; 1 -> 2, 5 ; 2 -> 3, 4 ; 3 -> 1 ; 4 -> 1 ; 5
        let f = graph(&[&[1], &[2, 5], &[3, 4], &[1], &[1], &[]]);
        let d = tree(&f);
        assert_eq!(d.idom(Block(1)), Some(Block(0)));
        assert_eq!(d.idom(Block(3)), Some(Block(2)));
        assert_eq!(d.idom(Block(5)), Some(Block(1)));
        assert!(d.dominates(Block(1), Block(4)));
        assert!(!d.dominates(Block(3), Block(4)));
    }

    #[test]
    fn irreducible() {
        // 0 -> 1, 2 ; 1 -> 2 ; 2 -> 1
        let f = graph(&[&[1, 2], &[2], &[1]]);
        let d = tree(&f);
        assert_eq!(d.idom(Block(1)), Some(Block(0)));
        assert_eq!(d.idom(Block(2)), Some(Block(0)));
    }

    #[test]
    fn inst_dominance() {
        let mut f = graph(&[&[1], &[]]);
        let a = f.ins1(Block(0), Opcode::Iconst, Type::I32, vec![], Imm::I64(1));
        let _ = a;
        // Move the iconst before the terminator.
        let insts = &mut f.blocks[0].insts;
        insts.rotate_right(1);
        let (iconst, jump) = (insts[0], insts[1]);
        let ret = f.blocks[1].insts[0];
        let d = tree(&f);
        assert!(d.inst_dominates(&f, iconst, jump));
        assert!(!d.inst_dominates(&f, jump, iconst));
        assert!(d.inst_dominates(&f, iconst, ret));
        assert!(!d.inst_dominates(&f, ret, iconst));
        assert!(!d.inst_dominates(&f, Inst(99), ret));
    }

    #[test]
    fn long_chain_is_fast() {
        let n = 20_000u32;
        let edges: Vec<Vec<u32>> = (0..n).map(|i| if i + 1 < n { vec![i + 1, 0] } else { vec![] }).collect();
        let refs: Vec<&[u32]> = edges.iter().map(Vec::as_slice).collect();
        let f = graph(&refs);
        let t0 = std::time::Instant::now();
        let d = tree(&f);
        assert!(d.dominates(Block(0), Block(n - 1)));
        assert_eq!(d.idom(Block(n - 1)), Some(Block(n - 2)));
        assert!(t0.elapsed().as_secs() < 5);
    }

    /// Random graphs: `dominates` and `idom` agree with the textbook data-flow definition
    /// (Dom(entry) = {entry}; Dom(b) = {b} ∪ ⋂ Dom(preds)) computed over reachable blocks.
    #[test]
    fn agrees_with_dataflow_dominators_on_random_graphs() {
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
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
            let d = DomTree::new(&f, &cfg);
            // Reachability by DFS.
            let mut reach = vec![false; n];
            let mut stack = vec![0usize];
            reach[0] = true;
            while let Some(b) = stack.pop() {
                for &s in cfg.succs(Block(b as u32)) {
                    if !reach[s.index()] {
                        reach[s.index()] = true;
                        stack.push(s.index());
                    }
                }
            }
            // Data-flow dominator sets as bit masks.
            let all: u32 = (1u32 << n) - 1;
            let mut dom: Vec<u32> = (0..n).map(|b| if b == 0 { 1 } else { all }).collect();
            let mut changed = true;
            while changed {
                changed = false;
                for b in 1..n {
                    if !reach[b] {
                        continue;
                    }
                    let mut m = all;
                    for &p in cfg.preds(Block(b as u32)) {
                        if reach[p.index()] {
                            m &= dom[p.index()];
                        }
                    }
                    m |= 1 << b;
                    if m != dom[b] {
                        dom[b] = m;
                        changed = true;
                    }
                }
            }
            for b in 0..n {
                assert_eq!(d.is_reachable(Block(b as u32)), reach[b]);
                for a in 0..n {
                    let want = a == b || (reach[a] && reach[b] && dom[b] & (1 << a) != 0);
                    assert_eq!(d.dominates(Block(a as u32), Block(b as u32)), want, "{a} dom {b} in {edges:?}");
                }
                if reach[b] && b != 0 {
                    // The idom is the strict dominator with the most dominators itself.
                    let strict = dom[b] & !(1 << b);
                    let idom = (0..n).filter(|&a| strict & (1 << a) != 0).max_by_key(|&a| dom[a].count_ones());
                    assert_eq!(d.idom(Block(b as u32)), idom.map(|a| Block(a as u32)), "idom of {b} in {edges:?}");
                }
            }
        }
    }
}
