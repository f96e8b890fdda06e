//! Extraction: the cheapest cost of every e-class and the node that achieves it, in one
//! pass over the graph.
//!
//! ```text
//! leaves (literals, opaque values) ──▶ a class whose nodes are all costed is final
//!     a node is costed once, when its last child class becomes final;
//!     when no class is final that way (cycles), the cheapest not final one is
//! ```
//!
//! This is Knuth's generalisation of Dijkstra's algorithm to e-graphs (hyper-graphs): it
//! is exact when a node never costs less than any of its children, which holds for
//! [`TreeCost`](super::cost::TreeCost) (an operation's own cost plus its children's).
//! egg's `Extractor` reaches the same costs by sweeping every class until nothing
//! improves; the number of sweeps depends on the order classes are stored in, which a
//! large function pays for many times over. Here the work is O(nodes · log classes)
//! whatever the order.
//!
//! Of the nodes of a class that reach its cost, the oldest (first added to the e-graph)
//! is chosen: the result depends only on the e-graph, and code already in a cheapest
//! form keeps its instructions. A class none of whose
//! nodes can be costed (every node sits on a cycle) gets [`UNCOSTED`]. This file never
//! changes the e-graph.

use super::analysis::EG;
use super::language::Node;
use egg::{CostFunction, Id, Language};
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// The cost of a class with no finite tree.
pub const UNCOSTED: u64 = u64::MAX;

/// The best node and cost of every class of a saturated e-graph.
pub struct Extraction<'g> {
    egraph: &'g EG,
    /// By canonical class id.
    cost: Vec<u64>,
    /// By canonical class id; `None` for [`UNCOSTED`] classes and non-canonical ids.
    best: Vec<Option<&'g Node>>,
}

/// Extraction's working state: costs so far and the classes to look at next.
struct Frontier {
    /// By class: the cheapest node cost so far.
    cost: Vec<u64>,
    /// By node (flat index): its cost, once all its children are final.
    node_cost: Vec<u64>,
    /// By class: how many of its nodes are not costed yet.
    uncosted: Vec<u32>,
    is_dirty: Vec<bool>,
    /// Classes whose cost dropped since the heap last saw them.
    dirty: Vec<u32>,
    /// Classes with every node costed: final.
    ready: Vec<u32>,
}

impl Frontier {
    /// Node `j` of class `o` costs `nc`.
    fn costed(&mut self, o: usize, j: usize, nc: u64) {
        self.node_cost[j] = nc;
        if nc < self.cost[o] {
            self.cost[o] = nc;
            if !std::mem::replace(&mut self.is_dirty[o], true) {
                self.dirty.push(o as u32);
            }
        }
        self.uncosted[o] -= 1;
        if self.uncosted[o] == 0 {
            self.ready.push(o as u32);
        }
    }
}

impl<'g> Extraction<'g> {
    /// Costs every class of `egraph` (which must be rebuilt) under `cf`, which must not
    /// cost a node less than any of its children.
    pub fn new<CF: CostFunction<Node, Cost = u64>>(egraph: &'g EG, mut cf: CF) -> Self {
        let n = egraph.nodes().len();
        let ix = |c: Id| usize::from(egraph.find(c));
        // Every node once, with its class; the nodes of a class are contiguous, in order.
        let mut owner: Vec<u32> = Vec::with_capacity(n);
        let mut nodes: Vec<&'g Node> = Vec::with_capacity(n);
        let mut first: Vec<u32> = vec![0; n];
        for class in egraph.classes() {
            first[usize::from(class.id)] = nodes.len() as u32;
            for node in class.iter() {
                owner.push(usize::from(class.id) as u32);
                nodes.push(node);
            }
        }
        // For each class, the nodes that have it as a child (once per occurrence), and
        // for each node how many children are not yet final.
        let mut pending: Vec<u32> = vec![0; nodes.len()];
        let mut start: Vec<u32> = vec![0; n + 1];
        for (j, node) in nodes.iter().enumerate() {
            for &ch in node.children() {
                start[ix(ch) + 1] += 1;
                pending[j] += 1;
            }
        }
        for i in 0..n {
            start[i + 1] += start[i];
        }
        let mut fill = start.clone();
        let mut users: Vec<u32> = vec![0; start[n] as usize];
        for (j, node) in nodes.iter().enumerate() {
            for &ch in node.children() {
                let c = ix(ch);
                users[fill[c] as usize] = j as u32;
                fill[c] += 1;
            }
        }
        drop(fill);

        // A class is final once all its nodes are costed (no cycle through it), or when
        // it is the cheapest of the classes not final (Dijkstra's step, needed only
        // for cycles). The heap holds candidates for the second; classes whose cost
        // dropped since the last step wait in `dirty`.
        let mut f = Frontier {
            cost: vec![UNCOSTED; n],
            node_cost: vec![UNCOSTED; nodes.len()],
            uncosted: vec![0; n],
            is_dirty: vec![false; n],
            dirty: Vec::new(),
            ready: Vec::new(),
        };
        for &o in &owner {
            f.uncosted[o as usize] += 1;
        }
        let mut done = vec![false; n];
        let mut heap: BinaryHeap<Reverse<(u64, u32)>> = BinaryHeap::new();
        for (j, node) in nodes.iter().enumerate() {
            if pending[j] == 0 {
                let nc = cf.cost(node, |_| unreachable!("a leaf has no children"));
                f.costed(owner[j] as usize, j, nc);
            }
        }
        loop {
            let c = match f.ready.pop() {
                Some(c) => c as usize,
                None => {
                    for c in f.dirty.drain(..) {
                        f.is_dirty[c as usize] = false;
                        if !done[c as usize] {
                            heap.push(Reverse((f.cost[c as usize], c)));
                        }
                    }
                    match heap.pop() {
                        None => break,
                        Some(Reverse((k, c))) if k == f.cost[c as usize] => c as usize,
                        Some(_) => continue, // an old entry: the class got cheaper since
                    }
                }
            };
            if std::mem::replace(&mut done[c], true) {
                continue;
            }
            for &j in &users[start[c] as usize..start[c + 1] as usize] {
                let j = j as usize;
                pending[j] -= 1;
                if pending[j] == 0 {
                    let cost = &f.cost;
                    let nc = cf.cost(nodes[j], |ch| cost[ix(ch)]);
                    f.costed(owner[j] as usize, j, nc);
                }
            }
        }
        let Frontier { cost, node_cost, .. } = f;

        // The first node reaching the cost, in the class's order; classes where several
        // do are settled below.
        let mut best: Vec<Option<&'g Node>> = vec![None; n];
        let mut tied: Vec<bool> = vec![false; n];
        let mut any_tie = false;
        for (k, node) in nodes.iter().enumerate() {
            let c = owner[k] as usize;
            if node_cost[k] == UNCOSTED || node_cost[k] != cost[c] {
                continue;
            }
            match best[c] {
                None => best[c] = Some(node),
                Some(_) => {
                    tied[c] = true;
                    any_tie = true;
                }
            }
        }
        if any_tie {
            // The oldest of the tied nodes wins: e-node ids count additions, so the
            // first id of a class whose node (canonicalised) reaches the cost is it.
            let mut settled = vec![false; n];
            for (i, node) in egraph.nodes().iter().enumerate() {
                let c = ix(Id::from(i));
                if !tied[c] || settled[c] {
                    continue;
                }
                let canon = node.map_children(|ch| egraph.find(ch));
                let hit = (first[c] as usize..nodes.len())
                    .take_while(|&k| owner[k] as usize == c)
                    .find(|&k| node_cost[k] == cost[c] && *nodes[k] == canon);
                if let Some(k) = hit {
                    best[c] = Some(nodes[k]);
                    settled[c] = true;
                }
            }
        }
        Extraction { egraph, cost, best }
    }

    /// The cheapest node of class `c`. Panics for an [`UNCOSTED`] class.
    pub fn find_best_node(&self, c: Id) -> &'g Node {
        self.best[usize::from(self.egraph.find(c))].expect("a costed class")
    }

    /// The cost of the cheapest tree of class `c`, or [`UNCOSTED`].
    pub fn find_best_cost(&self, c: Id) -> u64 {
        self.cost[usize::from(self.egraph.find(c))]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::egraph::analysis::ConstFold;
    use crate::egraph::cost::{TreeCost, X86_64};
    use crate::egraph::Egraph;
    use crate::testing::B;
    use egg::Extractor;
    use wlab_ir::cfg::ControlFlowGraph;
    use wlab_ir::dominators::DomTree;
    use wlab_ir::{Opcode, Type};

    /// The same cost as egg's extractor for every class, on a saturated graph where
    /// rules merged classes (so classes have several nodes, some of them cyclic).
    #[test]
    fn costs_equal_eggs() {
        let (mut b, p) = B::new(&[Type::I32, Type::I32], &[Type::I32]);
        let b0 = b.b(0);
        let mut acc = p[0];
        for k in 0..30i64 {
            let c = b.iconst(b0, Type::I32, k % 7);
            let op = [Opcode::Iadd, Opcode::Imul, Opcode::Bor, Opcode::Isub, Opcode::Ishl, Opcode::Band, Opcode::Bxor]
                [k as usize % 7];
            let t = b.op(b0, op, Type::I32, &[acc, c]);
            acc = b.op(b0, Opcode::Iadd, Type::I32, &[t, p[(k % 2) as usize]]);
        }
        b.ret(b0, &[acc]);
        let cfg = ControlFlowGraph::new(&b.f);
        let dom = DomTree::new(&b.f, &cfg);
        let (_, runner) = Egraph::default().saturate(&b.f, &dom);
        let eg: &egg::EGraph<Node, ConstFold> = &runner.egraph;
        let ours = Extraction::new(eg, TreeCost::new(&X86_64, eg));
        let theirs = Extractor::new(eg, TreeCost::new(&X86_64, eg));
        let mut multi = 0;
        for class in eg.classes() {
            multi += (class.len() > 1) as usize;
            assert_eq!(ours.find_best_cost(class.id), theirs.find_best_cost(class.id), "e{}", class.id);
            let node = ours.find_best_node(class.id);
            assert!(class.iter().any(|n| n == node), "the best node belongs to its class");
            let again = TreeCost::new(&X86_64, eg).cost(node, |ch| ours.find_best_cost(ch));
            assert_eq!(again, ours.find_best_cost(class.id), "the chosen node achieves the cost");
        }
        assert!(multi > 5, "rules merged classes ({multi})");
    }
}
