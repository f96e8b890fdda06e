//! The left side of a rule as an egg searcher, with its own matcher: a depth-first walk
//! over the e-graph that binds variables as it meets them and stops a branch as soon as
//! a node, a repeated variable or a condition does not fit.
//!
//! ```text
//! add-zero: (iadd.i32 ?x (iconst.i32 0))
//!   every iadd.i32 class c ──▶ each iadd.i32 node of c ──▶ ?x := its 1st operand's class;
//!       its 2nd operand's class holds an iconst.i32 node over a class holding literal 0?
//! ```
//!
//! It walks a flat copy of the e-graph (`Snapshot`, refreshed once per iteration for
//! the classes that changed): egg keeps classes in a hash map, and the walk visits
//! hundreds of thousands of them. It finds the matches egg's pattern machine finds (the
//! tests compare them on every shipped rule), without the machine's per-class
//! allocations. Like egg's with
//! `allow_ematching_cycles` off, a match that passes through its own root class (other
//! than inside a ground subterm, which egg looks up whole) is dropped. Matches within a
//! class come in the walk's order (nodes in class order, operands left to right); root
//! classes in egg's order.
//!
//! A rule's single-variable conditions (`const(?c)`, `below-32(?n)`) are part of its
//! pattern, checked where the variable is bound: a match they refuse is
//! not a match (egg would find it, count it towards the rule's ban, and let the
//! condition refuse it when applying). `const-right-add-32: (iadd.i32 ?c ?x)` names
//! every `iadd.i32`; only those with a constant on the left are its matches. Conditions
//! are checked again when a match is applied (facts can change in between).
//!
//! Later searches of a rule, made by [`Scheduler`], are incremental. The analysis
//! records every class that changed (new, merged, or new facts:
//! [`SearchState::changed`], fed by `Analysis::modify`, which egg calls on each). A
//! match rooted at class `c` reads only classes at most the pattern's height below
//! `c`, so a class with no changed class within that many levels below it (walking
//! parent lists up from the changed ones) has exactly the matches it had at the rule's
//! last search. Those are left out and only counted: they were applied (or refused)
//! then, and applying them again would change nothing. The scheduler bans rules on
//! the full count, as egg's does, and a ban drops the rule's cache, so the next search
//! is full. Any other caller gets the full answer. `incremental_search_is_egg_search`
//! checks that saturation runs exactly as with egg's search (less refused matches),
//! scheduler and runner. This file never changes the e-graph.

use super::analysis::ConstFold;
use super::language::Node;
use super::rules::{CondKind, Conds};
use egg::{EGraph, ENodeOrVar, Id, Language, Pattern, Rewrite, RewriteScheduler, SearchMatches, Searcher, Subst, Var};
use std::collections::HashMap;
use wlab_ir::fxhash::FxBuild;

/// A rule's left side.
#[derive(Clone, Debug)]
pub struct Lhs {
    pub pattern: Pattern<Node>,
    /// The rule's name: its key in [`SearchState`] (unique in a rule set).
    name: egg::Symbol,
    /// The pattern's height: how many levels below the root a match reads.
    height: usize,
    /// The rule's conditions on one variable: part of the pattern (see the module doc).
    unary: Vec<(Var, CondKind)>,
    /// Per pattern node: whether it sits inside a ground subterm (no variables), whose
    /// classes the cycle check leaves out, as egg's (which looks such a term up whole).
    in_ground: Vec<bool>,
}

/// How many matches each root class had at a rule's last search, and how much of
/// [`SearchState::changed`] that search had seen.
#[derive(Clone, Debug, Default)]
struct RuleCache {
    seen: usize,
    counts: HashMap<Id, usize, FxBuild>,
}

/// Per e-graph: the classes that changed, in order, and each rule's cache.
#[derive(Clone, Debug, Default)]
pub struct SearchState {
    /// Classes that were created, merged into, or learned a fact (may repeat).
    pub changed: Vec<Id>,
    rules: HashMap<RuleKey, RuleCache, FxBuild>,
    /// For each rule's last search: how many matches it left out (read by [`Scheduler`]).
    served: HashMap<RuleKey, usize, FxBuild>,
    /// Set by [`Scheduler`] for the next search: only its searches use and fill the
    /// caches (any other caller gets a full search).
    scheduled: bool,
    /// Classes to search again, per (from, to) of `changed`.
    near: Vec<Near>,
    /// The e-graph as the searches of one iteration see it.
    snapshot: Snapshot,
}

/// A rule's name as a hash-map key. egg's symbols keep their table shard in the top
/// bits and a small index in the low ones; FxHash's low bits (where a hash table
/// starts probing) depend only on the key's low bits, so symbols of different shards
/// with the same index collided, and these maps (one insert and two removals per rule
/// search) were a sixth of the search time. The key folds the high half into the low.
/// The maps are never iterated, so the order of their contents reaches no output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct RuleKey(u32);

impl RuleKey {
    fn of(name: egg::Symbol) -> RuleKey {
        let x = u32::from(std::num::NonZeroU32::from(name));
        RuleKey(x ^ (x >> 16))
    }
}

/// A copy of a clean e-graph's classes in flat arrays, taken once per iteration: the
/// matcher visits hundreds of thousands of classes, and egg keeps its classes in a
/// hash map.
#[derive(Clone, Debug, Default)]
struct Snapshot {
    /// What the e-graph looked like when taken: (changes recorded, nodes, classes).
    /// Every change to the e-graph is recorded ([`SearchState::changed`]).
    key: (usize, usize, usize),
    /// By class id: the range of its nodes in `nodes`. Only canonical ids are read (the
    /// matcher follows a clean e-graph's children); an id merged away keeps the range it
    /// last had until a full copy empties it.
    range: Vec<(u32, u32)>,
    nodes: Vec<Node>,
    /// By class id.
    data: Vec<super::analysis::Data>,
}

impl Snapshot {
    /// Brings the copy up to date with `eg` (which must be clean). After a few changes
    /// only the classes that changed since the last refresh, and their parents (whose
    /// nodes' operands were renamed when a child class merged), are copied again; after
    /// many, every class is.
    fn refresh(&mut self, eg: &EGraph<Node, ConstFold>, changed: &[Id]) {
        let key = (changed.len(), eg.total_size(), eg.number_of_classes());
        if key == self.key && !self.range.is_empty() {
            return;
        }
        let n = eg.nodes().len();
        // Copying every class walks egg's class table in order; copying the changed ones
        // and their parents looks each up by id. Past one change per four classes the
        // full copy is the cheaper (ed25519's largest function: 0.09 ms against 0.19).
        let full = self.range.is_empty()
            || self.key.0 > changed.len()
            || changed.len() - self.key.0 > eg.number_of_classes() / 4;
        self.range.resize(n, (0, 0));
        self.data.resize(n, super::analysis::Data::default());
        if full {
            self.nodes.clear();
            self.range.fill((0, 0));
            for class in eg.classes() {
                self.copy(class);
            }
        } else {
            let mut done = vec![false; n];
            for &c in &changed[self.key.0..] {
                let c = eg.find(c);
                for x in std::iter::once(c).chain(eg[c].parents().map(|p| eg.find(p))) {
                    if !std::mem::replace(&mut done[usize::from(x)], true) {
                        self.copy(&eg[x]);
                    }
                }
            }
        }
        self.key = key;
    }

    fn copy(&mut self, class: &egg::EClass<Node, super::analysis::Data>) {
        let from = self.nodes.len() as u32;
        // A clean e-graph's nodes have canonical children.
        self.nodes.extend(class.iter().cloned());
        self.range[usize::from(class.id)] = (from, self.nodes.len() as u32);
        self.data[usize::from(class.id)] = class.data.clone();
    }

    fn nodes(&self, c: Id) -> &[Node] {
        let (from, to) = self.range[usize::from(c)];
        &self.nodes[from as usize..to as usize]
    }
}

/// How far below each class the nearest change of `changed[from..to]` is, for every
/// class within `levels` levels (walking parent lists up from the changed classes), and
/// the classes at the last level, from which the walk goes on if a rule reads deeper.
#[derive(Clone, Debug)]
struct Near {
    /// (from, to) of [`SearchState::changed`].
    key: (usize, usize),
    /// By class id: levels from the nearest changed class below it ([`Near::FAR`]: more
    /// than `levels`).
    dist: Vec<u8>,
    levels: usize,
    frontier: Vec<Id>,
}

impl Near {
    const FAR: u8 = u8::MAX;

    /// Whether class `c` has a change at most `height` levels below it (`height` at
    /// most the levels walked).
    fn within(&self, c: Id, height: usize) -> bool {
        (self.dist[usize::from(c)] as usize) <= height
    }
}

/// The classes with a change of `changed[from..]` at most `height` levels below them:
/// one walk per (from, to) of [`SearchState::changed`], shared by every rule's height
/// (most rules of an iteration have seen the same changes) and taken further when a
/// rule reads deeper than the walk went.
fn near_changes<'n>(
    changed: &[Id],
    near: &'n mut Vec<Near>,
    eg: &EGraph<Node, ConstFold>,
    from: usize,
    height: usize,
) -> &'n Near {
    let key = (from, changed.len());
    near.retain(|n| n.key.1 == key.1);
    let i = match near.iter().position(|n| n.key == key) {
        Some(i) => i,
        None => {
            let mut n = Near { key, dist: vec![Near::FAR; eg.nodes().len()], levels: 0, frontier: Vec::new() };
            for &c in &changed[from..] {
                let c = eg.find(c);
                if n.dist[usize::from(c)] != 0 {
                    n.dist[usize::from(c)] = 0;
                    n.frontier.push(c);
                }
            }
            near.push(n);
            near.len() - 1
        }
    };
    let n = &mut near[i];
    // A height past what a u8 can count is never asked for (patterns are a few levels).
    while n.levels < height.min(Near::FAR as usize - 1) {
        n.levels += 1;
        let mut next = Vec::new();
        for &c in &n.frontier {
            for p in eg[c].parents() {
                let p = eg.find(p);
                if n.dist[usize::from(p)] == Near::FAR {
                    n.dist[usize::from(p)] = n.levels as u8;
                    next.push(p);
                }
            }
        }
        n.frontier = next;
    }
    &near[i]
}

impl Lhs {
    pub fn new(name: &str, pattern: Pattern<Node>) -> Lhs {
        fn height(ast: &egg::PatternAst<Node>, n: Id) -> usize {
            match &ast[n] {
                ENodeOrVar::Var(_) => 0,
                ENodeOrVar::ENode(e) => 1 + e.children().iter().map(|&c| height(ast, c)).max().unwrap_or(0),
            }
        }
        let ast = pattern.ast.as_ref();
        let height = height(&pattern.ast, Id::from(ast.len() - 1));
        // Children come before parents in a pattern's node list.
        let mut ground = vec![false; ast.len()];
        let mut in_ground = vec![false; ast.len()];
        for (i, n) in ast.iter().enumerate() {
            ground[i] = match n {
                ENodeOrVar::Var(_) => false,
                ENodeOrVar::ENode(e) => e.children().iter().all(|&c| ground[usize::from(c)]),
            };
        }
        for i in (0..ast.len()).rev() {
            if let ENodeOrVar::ENode(e) = &ast[i] {
                let inside = in_ground[i] || (ground[i] && !e.is_leaf());
                for &c in e.children() {
                    in_ground[usize::from(c)] |= inside;
                }
            }
        }
        Lhs { pattern, name: egg::Symbol::from(name), height, unary: Vec::new(), in_ground }
    }

    /// The same left side, with the rule's single-variable conditions checked while
    /// searching.
    pub fn with_conditions(mut self, conds: &Conds) -> Lhs {
        self.unary = conds.unary();
        self
    }

    /// Whether class `c` bound to `v` meets the conditions on `v`.
    fn meets(&self, snap: &Snapshot, v: Var, c: Id) -> bool {
        self.unary.iter().all(|&(u, k)| u != v || k.holds(&[&snap.data[usize::from(c)]]))
    }

    /// The matches in class `c` that the conditions accept, at most `limit` of them;
    /// also whether the limit cut them short. `m` is scratch space, reused across classes.
    fn search_class<'p>(
        &'p self,
        m: &mut Matching<'_>,
        c: Id,
        limit: usize,
    ) -> (Option<SearchMatches<'p, Node>>, bool) {
        if limit == 0 {
            return (None, true);
        }
        m.root = c;
        m.limit = limit;
        m.todo.clear();
        m.todo.push((self.root(), c));
        let complete = m.go();
        let substs = std::mem::take(&mut m.out);
        let found = (!substs.is_empty()).then(|| SearchMatches {
            eclass: c,
            substs,
            ast: Some(std::borrow::Cow::Borrowed(&self.pattern.ast)),
        });
        (found, !complete)
    }

    fn root(&self) -> Id {
        Id::from(self.pattern.ast.as_ref().len() - 1)
    }
}

/// One search of a pattern in one class: a depth-first walk that binds variables as
/// it meets them, checks repeated ones and conditions on the spot, and keeps the classes
/// it passes through for the cycle check.
struct Matching<'m> {
    snap: &'m Snapshot,
    lhs: &'m Lhs,
    root: Id,
    binds: Vec<(Var, Id)>,
    /// Classes of the pattern nodes below the root (outside ground subterms).
    regs: Vec<Id>,
    /// (pattern node, class) pairs still to match; the next one is on top.
    todo: Vec<(Id, Id)>,
    out: Vec<Subst>,
    limit: usize,
}

impl<'m> Matching<'m> {
    fn new(snap: &'m Snapshot, lhs: &'m Lhs) -> Self {
        let n = lhs.pattern.ast.as_ref().len();
        Matching {
            snap,
            lhs,
            root: Id::from(0),
            binds: Vec::with_capacity(n),
            regs: Vec::with_capacity(n),
            todo: Vec::with_capacity(n),
            out: Vec::new(),
            limit: 0,
        }
    }

    /// Extends the current partial match in every way; false once `limit` is reached.
    fn go(&mut self) -> bool {
        let Some((p, c)) = self.todo.pop() else { return self.emit() };
        let (snap, lhs) = (self.snap, self.lhs);
        let more = match &lhs.pattern.ast[p] {
            ENodeOrVar::Var(v) => match self.binds.iter().find(|b| b.0 == *v) {
                Some(&(_, x)) => x != c || self.go(),
                None if !lhs.meets(snap, *v, c) => true,
                None => {
                    self.binds.push((*v, c));
                    let more = self.go();
                    self.binds.pop();
                    more
                }
            },
            ENodeOrVar::ENode(want) => {
                let mut more = true;
                for n in snap.nodes(c).iter().filter(|n| want.matches(n)) {
                    let (t, r) = (self.todo.len(), self.regs.len());
                    // Pushed last to first, so the first operand is matched first.
                    for (&pk, &ck) in want.children().iter().zip(n.children()).rev() {
                        self.todo.push((pk, ck));
                        if !lhs.in_ground[usize::from(pk)] {
                            self.regs.push(ck);
                        }
                    }
                    more = self.go();
                    self.todo.truncate(t);
                    self.regs.truncate(r);
                    if !more {
                        break;
                    }
                }
                more
            }
        };
        self.todo.push((p, c));
        more
    }

    /// A complete match: kept unless it passes through its own root class (no matching
    /// through cycles: `ConstFold::allow_ematching_cycles`).
    fn emit(&mut self) -> bool {
        if self.regs.contains(&self.root) {
            return true;
        }
        let mut s = Subst::with_capacity(self.binds.len());
        for &(v, c) in &self.binds {
            s.insert(v, c);
        }
        self.out.push(s);
        self.out.len() < self.limit
    }
}

impl Searcher<Node, ConstFold> for Lhs {
    fn search_eclass_with_limit(
        &self,
        egraph: &EGraph<Node, ConstFold>,
        eclass: Id,
        limit: usize,
    ) -> Option<SearchMatches<'_, Node>> {
        let mut state = egraph.analysis.search.borrow_mut();
        let state = &mut *state;
        state.snapshot.refresh(egraph, &state.changed);
        let mut m = Matching::new(&state.snapshot, self);
        self.search_class(&mut m, egraph.find(eclass), limit).0
    }

    /// What egg's [`Pattern::search_with_limit`] finds (less refused matches), root
    /// classes in the same order. Called by [`Scheduler`], classes far from every change
    /// since the rule's last search are left out and only counted (see the module doc).
    fn search_with_limit(&self, egraph: &EGraph<Node, ConstFold>, mut limit: usize) -> Vec<SearchMatches<'_, Node>> {
        let root = self.root();
        // No match without a node of every operation the pattern names (literals and
        // conditions included): egg would visit every root class to find that out.
        let absent = self.pattern.ast.as_ref().iter().any(|n| match n {
            // All literals share a discriminant: the literal itself is looked up.
            ENodeOrVar::ENode(Node::Lit(x)) => egraph.lookup(Node::Lit(*x)).is_none(),
            ENodeOrVar::ENode(e) => egraph.classes_for_op(&e.discriminant()).is_none_or(|c| c.len() == 0),
            ENodeOrVar::Var(_) => false,
        });
        let ids: Box<dyn Iterator<Item = Id> + '_> = match (&self.pattern.ast[root], absent) {
            (_, true) => Box::new(std::iter::empty()),
            (ENodeOrVar::ENode(e), false) => match egraph.classes_for_op(&e.discriminant()) {
                None => Box::new(std::iter::empty()),
                Some(ids) => Box::new(ids),
            },
            (ENodeOrVar::Var(_), false) => Box::new(egraph.classes().map(|c| c.id)),
        };
        let mut state = egraph.analysis.search.borrow_mut();
        let SearchState { changed, rules, served, near, scheduled, snapshot } = &mut *state;
        snapshot.refresh(egraph, changed);
        let incremental = std::mem::take(scheduled);
        let to = changed.len();
        let old = if incremental { rules.remove(&RuleKey::of(self.name)) } else { None };
        let (near, mut cache, mut left_out) = match old {
            // The classes the last search saw that are still classes and have nothing
            // new near them keep their count (a class with a match keeps its root
            // operation, so it is still among `ids`); the others are searched again.
            Some(mut o) => {
                let near = near_changes(changed, near, egraph, o.seen, self.height);
                let mut kept = 0;
                o.counts.retain(|&c, n| {
                    let keep = egraph.find(c) == c && !near.within(c, self.height);
                    kept += if keep { *n } else { 0 };
                    keep
                });
                o.seen = to;
                (Some(near), o, kept)
            }
            None => (None, RuleCache { seen: to, counts: HashMap::default() }, 0),
        };
        // Matches left out count against the limit as egg's search would have found
        // them; a search that reaches it is cut short (the scheduler bans the rule).
        let mut complete = true;
        if left_out >= limit {
            left_out = limit;
            complete = false;
        }
        limit -= left_out;
        let mut out = Vec::new();
        let mut matching = Matching::new(snapshot, self);
        for c in ids {
            if !complete || limit == 0 {
                complete = false;
                break;
            }
            if near.is_some_and(|near| !near.within(c, self.height)) {
                continue;
            }
            let (m, cut) = self.search_class(&mut matching, c, limit);
            if cut {
                complete = false; // possibly cut short: not a full answer for `c`
            }
            if let Some(m) = m {
                limit -= m.substs.len();
                cache.counts.insert(c, m.substs.len());
                out.push(m);
            }
        }
        if incremental {
            if complete {
                rules.insert(RuleKey::of(self.name), cache);
            }
            served.insert(RuleKey::of(self.name), left_out);
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

/// egg's backoff scheduling (the same as [`egg::BackoffScheduler`]: a rule that
/// matches more than its limit in one iteration is banned for a while, its limit and
/// ban doubling each time), counting the matches a search left out, and applying only
/// the matches found afresh. A left-out match was found, and applied or refused, at
/// the rule's previous search, and nothing it reads has changed since, so applying it
/// again would change nothing. A ban drops the rule's cache (its matches were not
/// applied), so its next search is full.
#[derive(Debug)]
pub struct Scheduler {
    match_limit: usize,
    ban_length: usize,
    /// Per rule, in first-search order.
    stats: Vec<(egg::Symbol, RuleStats)>,
    /// Where in `stats` the next rule is looked for first: every iteration searches
    /// the rules in the same order, so it is the one after the last.
    next: usize,
}

#[derive(Clone, Copy, Debug)]
struct RuleStats {
    banned_until: usize,
    times_banned: usize,
}

impl Scheduler {
    /// Rules are banned when they match more than `match_limit` times in one iteration,
    /// for 5 iterations the first time (egg's default).
    pub fn new(match_limit: usize) -> Scheduler {
        Scheduler { match_limit, ban_length: 5, stats: Vec::new(), next: 0 }
    }

    fn stats(&mut self, name: egg::Symbol) -> &mut RuleStats {
        let hit = self.stats.get(self.next).is_some_and(|s| s.0 == name);
        let i = match if hit { Some(self.next) } else { self.stats.iter().position(|s| s.0 == name) } {
            Some(i) => i,
            None => {
                self.stats.push((name, RuleStats { banned_until: 0, times_banned: 0 }));
                self.stats.len() - 1
            }
        };
        self.next = i + 1;
        &mut self.stats[i].1
    }
}

impl RewriteScheduler<Node, ConstFold> for Scheduler {
    /// Saturated only when no rule is banned; otherwise fast-forwards the bans so the
    /// next iteration unbans the first rule due.
    fn can_stop(&mut self, iteration: usize) -> bool {
        let Some(min_ban) = self.stats.iter().map(|s| s.1.banned_until).filter(|&b| b > iteration).min() else {
            return true;
        };
        let delta = min_ban - iteration;
        for (_, s) in &mut self.stats {
            if s.banned_until > iteration {
                s.banned_until -= delta;
            }
        }
        false
    }

    fn search_rewrite<'a>(
        &mut self,
        iteration: usize,
        egraph: &EGraph<Node, ConstFold>,
        rewrite: &'a Rewrite<Node, ConstFold>,
    ) -> Vec<SearchMatches<'a, Node>> {
        let (match_limit, ban_length) = (self.match_limit, self.ban_length);
        let stats = self.stats(rewrite.name);
        if iteration < stats.banned_until {
            return Vec::new();
        }
        let threshold = match_limit.checked_shl(stats.times_banned as u32).unwrap_or(usize::MAX);
        egraph.analysis.search.borrow_mut().scheduled = true;
        let ms = rewrite.search_with_limit(egraph, threshold.saturating_add(1));
        let mut state = egraph.analysis.search.borrow_mut();
        state.scheduled = false;
        let left_out = state.served.remove(&RuleKey::of(rewrite.name)).unwrap_or(0);
        let total: usize = left_out + ms.iter().map(|m| m.substs.len()).sum::<usize>();
        if total > threshold {
            stats.banned_until = iteration + (ban_length << stats.times_banned);
            stats.times_banned += 1;
            state.rules.remove(&RuleKey::of(rewrite.name));
            return Vec::new();
        }
        ms
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

    /// What a rule's left side means: egg's pattern search, less the matches its
    /// single-variable conditions refuse, at most `limit` of them in egg's order.
    struct Reference {
        pattern: Pattern<Node>,
        unary: Vec<(Var, CondKind)>,
    }

    impl Reference {
        fn of(rule: &crate::egraph::rules::Rule) -> Reference {
            Reference { pattern: rule.lhs.clone(), unary: rule.conds.unary() }
        }
    }

    impl Searcher<Node, ConstFold> for Reference {
        fn search_eclass_with_limit(
            &self,
            egraph: &EGraph<Node, ConstFold>,
            eclass: Id,
            limit: usize,
        ) -> Option<SearchMatches<'_, Node>> {
            self.search_with_limit(egraph, usize::MAX).into_iter().find(|m| m.eclass == eclass).map(|mut m| {
                m.substs.truncate(limit);
                m
            })
        }

        fn search_with_limit(
            &self,
            egraph: &EGraph<Node, ConstFold>,
            mut limit: usize,
        ) -> Vec<SearchMatches<'_, Node>> {
            let mut out = Vec::new();
            for mut m in self.pattern.search(egraph) {
                let ok = |s: &egg::Subst| self.unary.iter().all(|&(v, k)| k.holds(&[&egraph[s[v]].data]));
                m.substs.retain(ok);
                m.substs.truncate(limit);
                limit -= m.substs.len();
                if !m.substs.is_empty() {
                    out.push(m);
                }
                if limit == 0 {
                    break;
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

    /// Every shipped rule's screened search finds exactly what the [`Reference`] search
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
        // Constants on the left and shift amounts out of range: work for the rules
        // with conditions.
        let l = b.op(b0, Opcode::Iadd, Type::I32, &[eight, o]);
        let l2 = b.op(b0, Opcode::Imul, Type::I32, &[eight, l]);
        let big = b.iconst(b0, Type::I32, 33);
        let sh2 = b.op(b0, Opcode::Ushr, Type::I32, &[l2, big]);
        let c2 = b.icmp(b0, IntCC::Ult, Type::I32, eight, sh2);
        let o2 = b.op(b0, Opcode::Bor, Type::I32, &[c2, l2]);
        b.ret(b0, &[o2]);
        let cfg = ControlFlowGraph::new(&b.f);
        let dom = DomTree::new(&b.f, &cfg);
        let pass = Egraph::default();
        let (_, runner) = pass.saturate(&b.f, &dom);
        let eg = &runner.egraph;
        let mut total = 0;
        let mut refused = 0;
        for rule in &pass.rules.rules {
            let screened = Lhs::new(&rule.name, rule.lhs.clone()).with_conditions(&rule.conds);
            let reference = Reference::of(rule);
            let vars = rule.lhs.vars();
            let key = |ms: Vec<SearchMatches<'_, Node>>| -> Vec<(Id, Vec<Vec<Id>>)> {
                let mut v: Vec<(Id, Vec<Vec<Id>>)> = ms
                    .into_iter()
                    .map(|m| {
                        let mut ss: Vec<Vec<Id>> =
                            m.substs.iter().map(|s| vars.iter().map(|&x| s[x]).collect()).collect();
                        ss.sort();
                        (m.eclass, ss)
                    })
                    .collect();
                v.sort();
                v
            };
            let want = key(reference.search(eg));
            total += want.len();
            let raw: usize = rule.lhs.search(eg).iter().map(|m| m.substs.len()).sum();
            refused += raw - want.iter().map(|w| w.1.len()).sum::<usize>();
            assert_eq!(key(screened.search(eg)), want, "rule {}", rule.name);
            for (c, _) in &want {
                assert!(screened.search_eclass(eg, *c).is_some(), "rule {} in e{c}", rule.name);
            }
        }
        assert!(total > 10, "the graph exercises the rules ({total} matches)");
        assert!(refused > 5, "and their conditions ({refused} refused)");
    }

    /// Saturating with the incremental search, [`Scheduler`] and our loop
    /// ([`crate::egraph::saturate`]) does exactly what the [`Reference`] search (egg's,
    /// less refused matches), egg's backoff scheduler and egg's `Runner` do: the same iterations, sizes
    /// and applications per rule, with and without bans.
    #[test]
    fn incremental_search_is_egg_search() {
        let (mut b, p) = B::new(&[Type::I32, Type::I32], &[Type::I32]);
        let b0 = b.b(0);
        let mut acc = p[0];
        for k in 0..24i64 {
            let c = b.iconst(b0, Type::I32, k % 5);
            let op =
                [Opcode::Iadd, Opcode::Imul, Opcode::Bor, Opcode::Isub, Opcode::Ishl, Opcode::Band][k as usize % 6];
            let t = b.op(b0, op, Type::I32, &[acc, c]);
            acc = b.op(b0, Opcode::Iadd, Type::I32, &[t, p[(k % 2) as usize]]);
        }
        b.ret(b0, &[acc]);
        let cfg = ControlFlowGraph::new(&b.f);
        let dom = DomTree::new(&b.f, &cfg);
        let pass = Egraph::default();
        let plain: Vec<egg::Rewrite<Node, ConstFold>> = pass
            .rules
            .rules
            .iter()
            .map(|r| egg::Rewrite::new(r.name.as_str(), Reference::of(r), r.applier()).expect("valid"))
            .collect();
        let ours_rw = pass.rules.rewrites();
        let trace = |r: &crate::egraph::saturate::Saturation| -> Vec<String> {
            r.iterations
                .iter()
                .map(|i| format!("{} {} {:?}", i.egraph_nodes, i.egraph_classes, i.applied))
                .chain([format!("{:?} {}", r.stop_reason, r.egraph.total_size())])
                .collect()
        };
        let run = |ours: bool, limit: usize| {
            let built = crate::egraph::build::build(&b.f, &dom, &[]);
            let initial = built.egraph.total_size();
            let limits = crate::egraph::saturate::RunLimits {
                iters: pass.limits.iters,
                nodes: initial + pass.limits.nodes,
                time: pass.limits.time,
            };
            let r = match ours {
                true => crate::egraph::saturate::run(built.egraph, &ours_rw, &mut Scheduler::new(limit), limits),
                false => crate::egraph::saturate::Saturation::of_runner(
                    egg::Runner::default()
                        .with_iter_limit(limits.iters)
                        .with_node_limit(limits.nodes)
                        .with_time_limit(limits.time)
                        .with_egraph(built.egraph)
                        .with_scheduler(egg::BackoffScheduler::default().with_initial_match_limit(limit))
                        .run(&plain),
                ),
            };
            trace(&r)
        };
        let unbanned = run(true, 1_000);
        assert!(unbanned.len() >= 4, "{unbanned:?}");
        assert_eq!(unbanned, run(false, 1_000));
        for limit in [1, 2, 3, 5] {
            let t = run(true, limit);
            assert_ne!(t, unbanned, "a limit of {limit} bans rules");
            assert_eq!(t, run(false, limit), "match limit {limit}");
        }
        let (_, saturated) = pass.saturate(&b.f, &dom);
        assert_eq!(trace(&saturated), unbanned);
    }
}
