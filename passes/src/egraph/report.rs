//! What the egraph pass reports per function, as counters the pass manager records and
//! every tool sums: `iterations`, `stop:<reason>` (1 for the reason it stopped:
//! `saturated`, `iteration-limit`, `node-limit`, `time-limit`, `other`), `enodes` and
//! `eclasses` at the end, `idle-iterations` (iterations that applied no rule and grew
//! nothing: a run that reaches the iteration limit with idle iterations was not
//! converging, it was waiting — the report makes that visible; `stalled` is 1 when the
//! very last iteration before the limit was idle), and `rule:<name>` (how
//! many times each rule newly applied). Also the e-graph dump (text; DOT via petgraph
//! for small graphs). This file never changes the e-graph.

use super::analysis::EG;
use super::language::Node;
use crate::pass::PassOutcome;
use egg::{Id, StopReason};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;
use std::sync::Mutex;

/// Why saturation stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub enum Stop {
    Saturated,
    IterationLimit,
    NodeLimit,
    TimeLimit,
    Other,
}

impl Stop {
    pub const ALL: [Stop; 5] = [Stop::Saturated, Stop::IterationLimit, Stop::NodeLimit, Stop::TimeLimit, Stop::Other];

    pub fn name(self) -> &'static str {
        match self {
            Stop::Saturated => "saturated",
            Stop::IterationLimit => "iteration-limit",
            Stop::NodeLimit => "node-limit",
            Stop::TimeLimit => "time-limit",
            Stop::Other => "other",
        }
    }

    /// The counter name (`stop:saturated`).
    pub fn counter(self) -> &'static str {
        match self {
            Stop::Saturated => "stop:saturated",
            Stop::IterationLimit => "stop:iteration-limit",
            Stop::NodeLimit => "stop:node-limit",
            Stop::TimeLimit => "stop:time-limit",
            Stop::Other => "stop:other",
        }
    }
}

/// The saturation of one function.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SaturationStats {
    pub iterations: usize,
    pub stop: Stop,
    pub enodes: usize,
    pub eclasses: usize,
    pub idle_iterations: usize,
    /// Stopped on the iteration limit although its last iteration applied no rule and
    /// grew nothing: it was not converging, it was waiting (a bug to fix, not to tune).
    pub stalled: bool,
    pub applied: BTreeMap<String, usize>,
}

impl SaturationStats {
    pub fn of(runner: &super::saturate::Saturation) -> Self {
        let stop = match runner.stop_reason {
            Some(StopReason::Saturated) => Stop::Saturated,
            Some(StopReason::IterationLimit(_)) => Stop::IterationLimit,
            Some(StopReason::NodeLimit(_)) => Stop::NodeLimit,
            Some(StopReason::TimeLimit(_)) => Stop::TimeLimit,
            Some(StopReason::Other(_)) | None => Stop::Other,
        };
        let mut applied = BTreeMap::new();
        let mut idle = 0;
        let mut last_ran_idle = false;
        let its = &runner.iterations;
        for (n, it) in its.iter().enumerate() {
            for (name, k) in &it.applied {
                *applied.entry(name.to_string()).or_insert(0) += k;
            }
            // An iteration that ran (not the final one refused by a limit) and changed
            // nothing: no application, same size after as before.
            let after = its
                .get(n + 1)
                .map(|x| (x.egraph_nodes, x.egraph_classes))
                .unwrap_or((runner.egraph.total_size(), runner.egraph.number_of_classes()));
            // (The iteration that found saturation is not idle: it is the proof.)
            if it.stop_reason.is_none() {
                last_ran_idle = it.applied.is_empty() && after == (it.egraph_nodes, it.egraph_classes);
                idle += last_ran_idle as usize;
            }
        }
        // egg records the iteration refused by a limit too; count the ones that ran.
        let iterations = its.iter().filter(|it| it.stop_reason.is_none() || !it.applied.is_empty()).count()
            + its.last().is_some_and(|it| matches!(it.stop_reason, Some(StopReason::Saturated))) as usize;
        SaturationStats {
            iterations,
            stop,
            enodes: runner.egraph.total_number_of_nodes(),
            eclasses: runner.egraph.number_of_classes(),
            idle_iterations: idle,
            stalled: stop == Stop::IterationLimit && last_ran_idle,
            applied,
        }
    }

    /// Adds the counters described in the module docs.
    pub fn count_into(&self, out: &mut PassOutcome) {
        out.count("iterations", self.iterations as u64);
        out.count(self.stop.counter(), 1);
        out.count("enodes", self.enodes as u64);
        out.count("eclasses", self.eclasses as u64);
        if self.idle_iterations > 0 {
            out.count("idle-iterations", self.idle_iterations as u64);
        }
        if self.stalled {
            out.count("stalled", 1);
        }
        for (name, n) in &self.applied {
            out.count(intern(&format!("rule:{name}")), *n as u64);
        }
    }
}

/// Counter names must be `&'static str`; rule names come from files. Each distinct name
/// is leaked once.
pub fn intern(s: &str) -> &'static str {
    static NAMES: Mutex<BTreeSet<&'static str>> = Mutex::new(BTreeSet::new());
    let mut names = NAMES.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(&n) = names.get(s) {
        return n;
    }
    let n: &'static str = Box::leak(s.to_string().into_boxed_str());
    names.insert(n);
    n
}

fn node_text(eg: &EG, n: &Node) -> String {
    let kids: Vec<String> = egg::Language::children(n).iter().map(|&c| format!("e{}", eg.find(c))).collect();
    if kids.is_empty() {
        n.to_string()
    } else {
        format!("({n} {})", kids.join(" "))
    }
}

fn class_line(eg: &EG, id: Id) -> String {
    let c = &eg[id];
    let mut s = format!("e{id}");
    if let Some(t) = c.data.ty {
        let _ = write!(s, " {}", t.name());
    }
    if let Some(k) = c.data.konst {
        let _ = write!(s, " = {k:?}");
    }
    let nodes: Vec<String> = c.nodes.iter().map(|n| node_text(eg, n)).collect();
    let _ = write!(s, ": {}", nodes.join(" | "));
    s
}

/// Every e-class with its nodes, one per line, ordered by class id.
pub fn dump_text(eg: &EG) -> String {
    let mut ids: Vec<Id> = eg.classes().map(|c| c.id).collect();
    ids.sort();
    let mut s = String::new();
    for id in ids {
        let _ = writeln!(s, "{}", class_line(eg, id));
    }
    s
}

/// Graphs with more classes than this get no DOT output.
pub const DOT_MAX_CLASSES: usize = 200;

/// The e-graph as Graphviz DOT (one graph node per e-class, labelled with its nodes;
/// an edge per child), or `None` when it has more than [`DOT_MAX_CLASSES`] classes.
pub fn dump_dot(eg: &EG) -> Option<String> {
    if eg.number_of_classes() > DOT_MAX_CLASSES {
        return None;
    }
    let mut ids: Vec<Id> = eg.classes().map(|c| c.id).collect();
    ids.sort();
    let mut g = petgraph::graph::DiGraph::<String, &str>::new();
    let mut index = BTreeMap::new();
    for &id in &ids {
        index.insert(id, g.add_node(class_line(eg, id)));
    }
    let mut edges = BTreeSet::new();
    for &id in &ids {
        for n in eg[id].nodes.iter() {
            for &c in egg::Language::children(n) {
                edges.insert((id, eg.find(c)));
            }
        }
    }
    for (a, b) in edges {
        g.add_edge(index[&a], index[&b], "");
    }
    Some(format!("{}", petgraph::dot::Dot::with_config(&g, &[petgraph::dot::Config::EdgeNoLabel])))
}

/// The e-graph of `func` as the pass with pipeline arguments `args` (`iters=4`) would
/// saturate it: the text dump, and DOT when small enough.
pub fn dump_function(
    func: &wlab_ir::Function,
    args: &[(String, crate::registry::ArgValue)],
) -> Result<(String, Option<String>), crate::PassError> {
    let pass = super::Egraph::from_args(&super::INFO.args_with(args)?)?;
    let cfg = wlab_ir::cfg::ControlFlowGraph::new(func);
    let dom = wlab_ir::dominators::DomTree::new(func, &cfg);
    let (_, runner) = pass.saturate(func, &dom);
    let stats = SaturationStats::of(&runner);
    let mut text = format!(
        "{} iterations, stop: {}, {} e-nodes, {} e-classes\n",
        stats.iterations,
        stats.stop.name(),
        stats.enodes,
        stats.eclasses
    );
    text.push_str(&dump_text(&runner.egraph));
    Ok((text, dump_dot(&runner.egraph)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::egraph::rules::RuleSet;
    use crate::testing::B;
    use egg::BackoffScheduler;
    use wlab_ir::{Opcode, Type};

    fn runner(limit: usize, iters: usize) -> crate::egraph::saturate::Saturation {
        let (mut b, p) = B::new(&[Type::I32], &[Type::I32]);
        let b0 = b.b(0);
        let zero = b.iconst(b0, Type::I32, 0);
        let x = b.op(b0, Opcode::Iadd, Type::I32, &[p[0], zero]);
        let y = b.op(b0, Opcode::Iadd, Type::I32, &[x, zero]);
        b.ret(b0, &[y]);
        let cfg = wlab_ir::cfg::ControlFlowGraph::new(&b.f);
        let dom = wlab_ir::dominators::DomTree::new(&b.f, &cfg);
        let built = crate::egraph::build::build(&b.f, &dom, &[]);
        let mut set = RuleSet::default();
        set.add_text("t", "add-zero: (iadd.i32 ?x (iconst.i32 0)) => ?x").unwrap();
        let runner = egg::Runner::default()
            .with_scheduler(BackoffScheduler::default().with_initial_match_limit(limit))
            .with_iter_limit(iters)
            .with_egraph(built.egraph)
            .run(&set.rewrites());
        crate::egraph::saturate::Saturation::of_runner(runner)
    }

    #[test]
    fn a_run_waiting_on_a_banned_rule_is_reported_stalled() {
        // Two matches over a limit of 1: egg bans the rule; the iteration does nothing
        // and the limit of 1 iteration stops the run right after it.
        let s = SaturationStats::of(&runner(1, 1));
        assert_eq!(s.stop, Stop::IterationLimit);
        assert!(s.stalled && s.idle_iterations == 1, "{s:?}");
        let mut out = PassOutcome::unchanged();
        s.count_into(&mut out);
        assert_eq!(out.counters.get("stalled"), Some(&1));
        // With room to match, the same run saturates and applies the rule twice.
        let s = SaturationStats::of(&runner(1000, 16));
        assert_eq!((s.stop, s.stalled, s.idle_iterations), (Stop::Saturated, false, 0), "{s:?}");
        assert_eq!(s.applied.get("add-zero"), Some(&2));
    }
}
