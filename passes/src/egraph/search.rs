//! The left side of a rule as an egg searcher: egg's own pattern matching, run only on
//! the classes that pass a cheap, allocation-free screen.
//!
//! ```text
//! add-zero: (iadd.i32 ?x (iconst.i32 0))
//!   egg: every iadd.i32 class ──▶ pattern machine (allocates its registers per class)
//!   here: every iadd.i32 class ──▶ screen: some iadd.i32 node whose 2nd operand's class
//!         holds an iconst.i32 node over a class holding the literal 0? ──▶ machine
//! ```
//!
//! The screen checks the shape of the pattern's top levels (an operation, constant,
//! literal or condition of the right kind in each child class, [`DEPTH`] levels deep),
//! ignoring variables: it is a necessary condition for a match, so it never drops one.
//! The classes that pass are searched by egg's [`Pattern`] in egg's order, so the
//! matches (and everything after them) are exactly egg's. This file never changes the
//! e-graph.

use super::analysis::ConstFold;
use super::language::Node;
use egg::{EGraph, ENodeOrVar, Id, Language, Pattern, SearchMatches, Searcher, Var};

/// How many levels below the root the screen looks.
pub const DEPTH: usize = 3;

/// A rule's left side.
#[derive(Clone, Debug)]
pub struct Lhs {
    pub pattern: Pattern<Node>,
}

impl Lhs {
    /// Whether class `c` may match pattern node `p` (false: it cannot).
    fn may_match(&self, eg: &EGraph<Node, ConstFold>, c: Id, p: Id, depth: usize) -> bool {
        let ENodeOrVar::ENode(want) = &self.pattern.ast[p] else { return true };
        let kids = want.children();
        eg[c].iter().any(|n| {
            want.matches(n)
                && (depth == 0 || kids.iter().zip(n.children()).all(|(&pk, &ck)| self.may_match(eg, ck, pk, depth - 1)))
        })
    }

    fn root(&self) -> Id {
        Id::from(self.pattern.ast.as_ref().len() - 1)
    }
}

impl Searcher<Node, ConstFold> for Lhs {
    fn search_eclass_with_limit(
        &self,
        egraph: &EGraph<Node, ConstFold>,
        eclass: Id,
        limit: usize,
    ) -> Option<SearchMatches<'_, Node>> {
        if !self.may_match(egraph, eclass, self.root(), DEPTH) {
            return None;
        }
        self.pattern.search_eclass_with_limit(egraph, eclass, limit)
    }

    /// egg's [`Pattern::search_with_limit`], with the screen in front of the machine.
    fn search_with_limit(&self, egraph: &EGraph<Node, ConstFold>, mut limit: usize) -> Vec<SearchMatches<'_, Node>> {
        let root = self.root();
        let ids: Vec<Id> = match &self.pattern.ast[root] {
            ENodeOrVar::ENode(e) => match egraph.classes_for_op(&e.discriminant()) {
                None => return vec![],
                Some(ids) => ids.collect(),
            },
            ENodeOrVar::Var(_) => egraph.classes().map(|c| c.id).collect(),
        };
        let mut out = Vec::new();
        for c in ids {
            if limit == 0 {
                break;
            }
            if !self.may_match(egraph, c, root, DEPTH) {
                continue;
            }
            if let Some(m) = self.pattern.search_eclass_with_limit(egraph, c, limit) {
                limit -= m.substs.len();
                out.push(m);
            }
        }
        out
    }

    fn get_pattern_ast(&self) -> Option<&egg::PatternAst<Node>> {
        Some(&self.pattern.ast)
    }

    fn vars(&self) -> Vec<Var> {
        self.pattern.vars()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::egraph::Egraph;
    use crate::testing::B;
    use wlab_ir::cfg::ControlFlowGraph;
    use wlab_ir::dominators::DomTree;
    use wlab_ir::{IntCC, Opcode, Type};

    /// Every shipped rule's screened search finds exactly what egg's pattern search
    /// finds, on a saturated graph with constants, nested operations and comparisons.
    #[test]
    fn screen_never_drops_a_match() {
        let (mut b, p) = B::new(&[Type::I32, Type::I64], &[Type::I32]);
        let b0 = b.b(0);
        let eight = b.iconst(b0, Type::I32, 8);
        let one = b.iconst(b0, Type::I32, 1);
        let zero = b.iconst(b0, Type::I32, 0);
        let m = b.op(b0, Opcode::Imul, Type::I32, &[p[0], eight]);
        let a = b.op(b0, Opcode::Iadd, Type::I32, &[m, one]);
        let a2 = b.op(b0, Opcode::Iadd, Type::I32, &[a, one]);
        let s = b.op(b0, Opcode::Isub, Type::I32, &[a2, a2]);
        let x = b.op(b0, Opcode::Bxor, Type::I32, &[s, p[0]]);
        let sh = b.op(b0, Opcode::Ishl, Type::I32, &[x, one]);
        let w = b.op(b0, Opcode::Uextend, Type::I64, &[sh]);
        let w2 = b.op(b0, Opcode::Iadd, Type::I64, &[w, p[1]]);
        let r = b.op(b0, Opcode::Ireduce, Type::I32, &[w2]);
        let c = b.icmp(b0, IntCC::Ne, Type::I32, r, zero);
        let o = b.op(b0, Opcode::Band, Type::I32, &[c, one]);
        b.ret(b0, &[o]);
        let cfg = ControlFlowGraph::new(&b.f);
        let dom = DomTree::new(&b.f, &cfg);
        let pass = Egraph::default();
        let (_, runner) = pass.saturate(&b.f, &dom);
        let eg = &runner.egraph;
        let mut total = 0;
        for rule in &pass.rules.rules {
            let screened = Lhs { pattern: rule.lhs.clone() };
            let key = |ms: Vec<SearchMatches<'_, Node>>| -> Vec<(Id, Vec<String>)> {
                let mut v: Vec<(Id, Vec<String>)> =
                    ms.into_iter().map(|m| (m.eclass, m.substs.iter().map(|s| format!("{s:?}")).collect())).collect();
                v.sort();
                v
            };
            let want = key(rule.lhs.search(eg));
            total += want.len();
            assert_eq!(key(screened.search(eg)), want, "rule {}", rule.name);
            for (c, _) in &want {
                assert!(screened.search_eclass(eg, *c).is_some(), "rule {} in e{c}", rule.name);
            }
        }
        assert!(total > 10, "the graph exercises the rules ({total} matches)");
    }
}
