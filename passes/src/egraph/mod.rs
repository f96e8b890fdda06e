//! `egraph`: equality saturation with egg. The pure computations of a function go into
//! an e-graph, rewrite rules (text files, [`rules`]) grow it under limits, extraction
//! picks the cheapest form under a cost model ([`cost`]), and elaboration writes back,
//! in place, only the values whose cheapest form costs less than what they cost now
//! (so with no rule applied and nothing folded, the function is left as it was).
//!
//! ```text
//! block0(v0: i32):                              block0(v0: i32):
//!     v1 = iconst.i32 8                             v5 = iconst.i32 3
//!     v2 = imul.i32 v0, v1           ==>            v6 = ishl.i32 v0, v5
//!     v3 = iconst.i32 0                             return v6
//!     v4 = iadd.i32 v2, v3
//!     return v4
//! ```
//!
//! ```text
//!  Function ──build──▶ e-graph + skeleton (loads, stores, calls, traps, branches stay)
//!                          │ Runner: rules, const-fold analysis; limits iters/nodes/time
//!                          ▼
//!                      Extraction (cost model) ──elaborate──▶ Function
//! ```
//!
//! One concept per file: [`language`] (typed e-nodes), [`analysis`] (types and constant
//! folding), [`prescan`] (whether anything can change), [`build`] (IR → e-graph),
//! [`rules`] (rule files), [`search`] (rule
//! matching), [`saturate`] (the loop), [`cost`] (cost models), [`extract`] (cheapest nodes),
//! [`elaborate`] (e-graph → IR), [`report`] (counters and dumps), and [`prove`] (rules
//! proved with the SMT solver z3; never used by the pass itself).
//!
//! Arguments (defaults in [`INFO`]): `iters` (iterations), `nodes` (how many e-nodes the
//! graph may grow by beyond its initial size, checked against egg's hash-cons table, so
//! a soft limit), `time-ms` (a safety net: snapshots never depend on it), `rules`
//! (rule files, `:`-separated, added to the shipped ones; a rule with a shipped rule's
//! name replaces it), `shipped` (false: only the given files), `cost` (`x86_64` or
//! `aarch64`), `prescan` (false: build every function's graph). Counters: see
//! [`report`]; elaboration adds `replaced` (values given a cheaper form), `created`,
//! `removed`, `fallbacks` and `branch-conds`; `skipped` is 1 when the pre-scan
//! ([`prescan`]) found that nothing could change (then no e-graph is built). The pass
//! never moves, removes or adds an
//! instruction with an effect, and never folds a trapping operation.
//!
//! Compile time: `wlab egraph-budget [MODULES or FOLDERS]` prints, for the largest
//! function of each module, the median time of this pass against the rest of the
//! pipeline (O2 by default). What keeps it cheap without changing what it finds: rules
//! are matched by our own depth-first matcher on a flat copy of the e-graph, with
//! single-variable conditions checked during the match; a later search of a rule looks
//! again only near the classes that changed since its last one ([`search`]); a match
//! applied once is not applied again ([`rules::Applied`]); extraction is one pass
//! ([`extract`]). Chains of constant additions, which address arithmetic is full of,
//! fold in one step on the analysis's offset fact (`add-offset-*` in `reassoc.rules`),
//! so a function needs few iterations. What is left is mostly egg's own work (adding
//! nodes, rebuilding).

pub mod analysis;
pub mod args;
pub mod build;
pub mod cost;
pub mod elaborate;
pub mod extract;
pub mod language;
pub mod prescan;
pub mod prove;
pub mod report;
pub mod rules;
pub mod saturate;
pub mod search;

use crate::pass::{Changed, Pass, PassError, PassOutcome};
use crate::registry::{ArgSpec, ArgType, Make, PassArgs, PassInfo};
use egg::Rewrite;
use std::sync::Arc;
use std::time::Duration;
use wlab_ir::cfg::ControlFlowGraph;
use wlab_ir::dominators::DomTree;
use wlab_ir::{Function, Opcode};

/// Default iteration limit.
pub const DEFAULT_ITERS: i64 = 16;
/// Default growth budget in e-nodes (hash-cons entries) beyond the initial graph.
pub const DEFAULT_NODES: i64 = 20_000;
/// A rule is held back (egg's backoff) only when it matches more than this many times
/// per e-node of the initial graph in one iteration.
pub const MATCHES_PER_NODE: usize = 4;
/// Default time limit per function, milliseconds.
pub const DEFAULT_TIME_MS: i64 = 2_000;

pub const INFO: PassInfo = PassInfo {
    name: "egraph",
    description: "equality saturation (egg): rewrite pure code with rule files, extract the cheapest form",
    args: &[
        ArgSpec { name: "iters", ty: ArgType::Int, default: "16", doc: "saturation iterations at most" },
        ArgSpec {
            name: "nodes",
            ty: ArgType::Int,
            default: "20000",
            doc: "e-nodes the graph may grow by beyond its initial size (soft)",
        },
        ArgSpec { name: "time-ms", ty: ArgType::Int, default: "2000", doc: "time limit per function (safety net)" },
        ArgSpec { name: "rules", ty: ArgType::Str, default: "", doc: "rule files to add, `:`-separated" },
        ArgSpec { name: "shipped", ty: ArgType::Bool, default: "true", doc: "load the shipped rule files first" },
        ArgSpec { name: "cost", ty: ArgType::Str, default: "x86_64", doc: "cost model: x86_64 or aarch64" },
        ArgSpec {
            name: "prescan",
            ty: ArgType::Bool,
            default: "true",
            doc: "skip a function the pre-scan finds nothing to change in (false: build every graph)",
        },
    ],
    make: Make::Function(|args: &PassArgs| Ok(Box::new(Egraph::from_args(args)?))),
    idempotent: false,
};

/// The saturation limits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    pub iters: usize,
    pub nodes: usize,
    pub time: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            iters: DEFAULT_ITERS as usize,
            nodes: DEFAULT_NODES as usize,
            time: Duration::from_millis(DEFAULT_TIME_MS as u64),
        }
    }
}

/// The pass: rules, limits and cost model.
pub struct Egraph {
    pub limits: Limits,
    /// Shared: the shipped set is one per process, not one copy per function.
    pub rules: Arc<rules::RuleSet>,
    rewrites: Arc<[Rewrite<language::Node, analysis::ConstFold>]>,
    /// The pre-scan of `rules` ([`prescan`]; `None`: every function may change), and
    /// whether it runs.
    scan: Option<Arc<prescan::Prescan>>,
    pub prescan: bool,
    /// [`rules::RuleSet::truth_comparisons`] of `rules`: the `brif` conditions that need
    /// no test node.
    truths: Vec<(Opcode, wlab_ir::Type)>,
    pub cost: Box<dyn cost::CostModel>,
}

impl Egraph {
    /// The pass with shipped rules, default limits and the x86-64 cost model.
    pub fn new(rules: rules::RuleSet, limits: Limits, cost: Box<dyn cost::CostModel>) -> Self {
        let rewrites = rules.rewrites().into();
        let scan = prescan::Prescan::new(&rules).map(Arc::new);
        let truths = rules.truth_comparisons();
        Egraph { limits, rules: Arc::new(rules), rewrites, scan, prescan: true, truths, cost }
    }

    fn from_args(args: &PassArgs) -> Result<Self, PassError> {
        let limits = Limits {
            iters: args.int_in("iters", 0, 1_000_000)? as usize,
            nodes: args.int_in("nodes", 0, 1 << 40)? as usize,
            time: Duration::from_millis(args.int_in("time-ms", 1, 3_600_000)? as u64),
        };
        let shipped = args.bool("shipped")?;
        let files: Vec<&str> = args.string("rules")?.split(':').filter(|p| !p.is_empty()).collect();
        let cost = cost::by_name(args.string("cost")?).map_err(|e| PassError::BadArgument(format!("egraph: {e}")))?;
        let prescan = args.bool("prescan")?;
        if shipped && files.is_empty() {
            // The common case, once per function in a pipeline: no re-parsing, no copy.
            return Ok(Egraph {
                limits,
                scan: shipped_scan(),
                prescan,
                truths: shipped_truths(),
                rules: rules::RuleSet::shipped_shared(),
                rewrites: rules::RuleSet::shipped_rewrites(),
                cost,
            });
        }
        let mut set = if shipped { rules::RuleSet::shipped() } else { rules::RuleSet::default() };
        for path in &files {
            set.add_file(path).map_err(|e| PassError::BadArgument(format!("egraph: {e}")))?;
        }
        Ok(Egraph { prescan, ..Egraph::new(set, limits, cost) })
    }

    /// Builds and saturates the e-graph of `func` (reachable code).
    pub fn saturate(&self, func: &Function, dom: &DomTree) -> (build::Built, saturate::Saturation) {
        // Without an iteration the truth rules never fire: every brif gets its test node.
        let truths = if self.limits.iters > 0 { &self.truths[..] } else { &[] };
        let mut built = build::build(func, dom, truths);
        let egraph = std::mem::take(&mut built.egraph);
        let initial = egraph.total_size();
        // The backoff scheduler (egg's, in [`search::Scheduler`]) bans a rule for a few
        // iterations when it matches more than its limit (egg's default: 1,000) in one
        // iteration. On a large function an ordinary rule does, and the banned iterations are idle: runs reached the
        // iteration limit while nothing changed. The limit scales with the graph, so
        // only rules that match many times per node are held back.
        let match_limit = (MATCHES_PER_NODE * initial).max(1_000);
        let limits = saturate::RunLimits {
            iters: self.limits.iters,
            nodes: initial.saturating_add(self.limits.nodes),
            time: self.limits.time,
        };
        let run = saturate::run(egraph, &self.rewrites, &mut search::Scheduler::new(match_limit), limits);
        (built, run)
    }
}

/// The truth comparisons of the shipped rules (computed once per process).
fn shipped_truths() -> Vec<(Opcode, wlab_ir::Type)> {
    static TRUTHS: std::sync::OnceLock<Vec<(Opcode, wlab_ir::Type)>> = std::sync::OnceLock::new();
    TRUTHS.get_or_init(|| rules::RuleSet::shipped_shared().truth_comparisons()).clone()
}

/// The pre-scan of the shipped rules (made once per process).
fn shipped_scan() -> Option<Arc<prescan::Prescan>> {
    static SCAN: std::sync::OnceLock<Option<Arc<prescan::Prescan>>> = std::sync::OnceLock::new();
    SCAN.get_or_init(|| prescan::Prescan::new(&rules::RuleSet::shipped_shared()).map(Arc::new)).clone()
}

impl Egraph {
    /// Whether anything can change `func` ([`prescan`]).
    fn may_change(&self, func: &Function) -> bool {
        let Some(scan) = self.scan.as_ref().filter(|_| self.prescan) else { return true };
        // Without an iteration no rule fires, and every brif gets its test node.
        let fire = self.limits.iters > 0;
        scan.may_change(func, self.cost.as_ref(), if fire { &self.truths } else { &[] }, fire)
    }
}

impl Pass for Egraph {
    fn name(&self) -> &'static str {
        INFO.name
    }

    fn run(&mut self, func: &mut Function) -> Result<PassOutcome, PassError> {
        if func.entry().is_none() {
            return Ok(PassOutcome::unchanged());
        }
        if !self.may_change(func) {
            let mut out = PassOutcome::unchanged();
            out.count("skipped", 1);
            return Ok(out);
        }
        let cfg = ControlFlowGraph::new(func);
        let dom = DomTree::new(func, &cfg);
        let (built, runner) = self.saturate(func, &dom);
        let stats = report::SaturationStats::of(&runner);
        let model = cost::TreeCost::new(self.cost.as_ref(), &runner.egraph);
        let prices = cost::TreeCost::new(self.cost.as_ref(), &runner.egraph);
        let ex = extract::Extraction::new(&runner.egraph, model);
        let el = elaborate::elaborate(func, &built, &runner.egraph, &ex, &prices, &dom);
        let mut out = PassOutcome::unchanged();
        stats.count_into(&mut out);
        el_counters(&el, &mut out);
        // Original instructions are reused when unchanged, so equal lists and operands
        // mean the same printed function.
        if el.changed {
            out.changed = Changed::Instructions;
        }
        Ok(out)
    }
}

fn el_counters(el: &elaborate::Elaborated, out: &mut PassOutcome) {
    for (name, n) in [
        ("created", el.created),
        ("removed", el.removed),
        ("replaced", el.replaced),
        ("fallbacks", el.fallbacks),
        ("branch-conds", el.branch_conds),
    ] {
        if n > 0 {
            out.count(name, n);
        }
    }
}

impl Default for Egraph {
    fn default() -> Self {
        Egraph {
            limits: Limits::default(),
            rules: rules::RuleSet::shipped_shared(),
            rewrites: rules::RuleSet::shipped_rewrites(),
            scan: shipped_scan(),
            prescan: true,
            truths: shipped_truths(),
            cost: Box::new(cost::X86_64),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{body, run_checked, B};
    use crate::validate::check_equivalent;
    use wlab_ir::{IntCC, Type};

    #[test]
    fn documented_defaults_match_the_constants() {
        let args = INFO.args_with(&[]).unwrap();
        assert_eq!(args.int("iters").unwrap(), DEFAULT_ITERS);
        assert_eq!(args.int("nodes").unwrap(), DEFAULT_NODES);
        assert_eq!(args.int("time-ms").unwrap(), DEFAULT_TIME_MS);
        let e = INFO.instantiate(&[("cost".into(), crate::registry::ArgValue::Str("riscv".into()))]).err().unwrap();
        assert!(e.to_string().contains("valid: x86_64, aarch64"), "{e}");
    }

    #[test]
    fn the_pre_scan_skips_only_what_nothing_can_change() {
        // A float multiply of parameters: no rule has `fmul` at its root, nothing to fold.
        let (mut b, p) = B::new(&[Type::F64, Type::F64], &[Type::F64]);
        let b0 = b.b(0);
        let m = b.op(b0, Opcode::Fmul, Type::F64, &[p[0], p[1]]);
        b.ret(b0, &[m]);
        let (out, _) = run_checked(&mut Egraph::default(), &mut b.f);
        assert_eq!(out.counters.get("skipped"), Some(&1));
        // The same over two constants folds: not skipped.
        let (mut b, _) = B::new(&[], &[Type::F64]);
        let b0 = b.b(0);
        let x = b.f.ins1(b0, Opcode::Fconst, Type::F64, vec![], wlab_ir::Imm::F64(2f64.to_bits()));
        let m = b.op(b0, Opcode::Fmul, Type::F64, &[x, x]);
        b.ret(b0, &[m]);
        let (out, text) = run_checked(&mut Egraph::default(), &mut b.f);
        assert_eq!(out.counters.get("skipped"), None, "{text}");
        assert!(text.contains("fconst.f64 4"), "{text}");
    }

    #[test]
    fn strength_reduces_and_drops_identities() {
        let (mut b, p) = B::new(&[Type::I32], &[Type::I32]);
        let b0 = b.b(0);
        let eight = b.iconst(b0, Type::I32, 8);
        let m = b.op(b0, Opcode::Imul, Type::I32, &[p[0], eight]);
        let zero = b.iconst(b0, Type::I32, 0);
        let a = b.op(b0, Opcode::Iadd, Type::I32, &[m, zero]);
        b.ret(b0, &[a]);
        let before = b.f.clone();
        let (out, text) = run_checked(&mut Egraph::default(), &mut b.f);
        assert_eq!(out.counters["stop:saturated"], 1, "{text}");
        assert!(out.counters["rule:mul-pow2-32"] >= 1, "{text}");
        let lines = body(&text);
        assert_eq!(lines.len(), 4, "{text}");
        assert!(lines[2].contains("ishl.i32 v0"), "{text}");
        check_equivalent(&before, &b.f, 64).expect("same behaviour");
    }

    #[test]
    fn constant_chains_fold_in_one_iteration() {
        // x+1+2+3+4: the analysis knows every sum as x + k, so each folds onto x at once
        // (3 applications, all in the first iteration; the second finds nothing).
        let (mut b, p) = B::new(&[Type::I32], &[Type::I32]);
        let b0 = b.b(0);
        let mut v = p[0];
        for k in 1..=4 {
            let c = b.iconst(b0, Type::I32, k);
            v = b.op(b0, Opcode::Iadd, Type::I32, &[v, c]);
        }
        b.ret(b0, &[v]);
        let before = b.f.clone();
        let (out, text) = run_checked(&mut Egraph::default(), &mut b.f);
        assert_eq!(out.counters["rule:add-offset-32"], 3, "{text}");
        assert_eq!(out.counters["iterations"], 2, "{text}");
        let lines = body(&text);
        assert!(lines.iter().any(|l| l.contains("iconst.i32 10")), "{text}");
        assert_eq!(lines.iter().filter(|l| l.contains("iadd")).count(), 1, "{text}");
        check_equivalent(&before, &b.f, 64).expect("same behaviour");
    }

    #[test]
    fn constant_chains_wrap_in_their_type() {
        // Offsets wrap at 32 bits for i32 (x - (-1) + 0x8000_0000 - 0x8000_0001 is x) and
        // at 64 bits for i64; subtraction and a constant on the left count as well.
        for (ty, ks) in [
            (Type::I32, [(-1i64, false), (0x8000_0000, true), (0x8000_0001, false), (7, true)]),
            (Type::I64, [(-1i64, false), (i64::MIN, true), (i64::MAX, false), (7, true)]),
        ] {
            let (mut b, p) = B::new(&[ty], &[ty]);
            let b0 = b.b(0);
            let mut v = p[0];
            for (k, left) in ks {
                let c = b.iconst(b0, ty, k);
                let args = if left { [c, v] } else { [v, c] };
                v = b.op(b0, if left { Opcode::Iadd } else { Opcode::Isub }, ty, &args);
            }
            b.ret(b0, &[v]);
            let before = b.f.clone();
            let (_, text) = run_checked(&mut Egraph::default(), &mut b.f);
            check_equivalent(&before, &b.f, 256).expect("same behaviour");
            let lines = body(&text);
            assert!(lines.iter().filter(|l| l.contains("iadd") || l.contains("isub")).count() <= 1, "{text}");
        }
    }

    #[test]
    fn keeps_traps_types_and_loops() {
        // A division by a constant zero stays (it traps); i32 and i64 adds never merge;
        // an invariant computed before a loop is not moved into it.
        let (mut b, p) = B::new(&[Type::I32, Type::I64], &[Type::I32]);
        let b0 = b.b(0);
        let (h, hp) = b.block(&[Type::I32]);
        let (exit, _) = b.block(&[]);
        let zero = b.iconst(b0, Type::I32, 0);
        let d = b.op(b0, Opcode::Udiv, Type::I32, &[p[0], zero]);
        let w = b.op(b0, Opcode::Iadd, Type::I64, &[p[1], p[1]]);
        let r = b.op(b0, Opcode::Ireduce, Type::I32, &[w]);
        let inv = b.op(b0, Opcode::Imul, Type::I32, &[p[0], p[0]]);
        b.jump(b0, h, &[d]);
        let s = b.op(h, Opcode::Iadd, Type::I32, &[hp[0], inv]);
        let s2 = b.op(h, Opcode::Iadd, Type::I32, &[s, r]);
        let c = b.icmp(h, IntCC::Ult, Type::I32, s2, p[0]);
        b.brif(h, c, (h, &[s2]), (exit, &[]));
        b.ret(exit, &[s2]);
        let before = b.f.clone();
        let (_, text) = run_checked(&mut Egraph::default(), &mut b.f);
        let lines = body(&text);
        assert!(lines.iter().any(|l| l.contains("udiv.i32 v0,")), "{text}");
        let loop_at = lines.iter().position(|l| l.starts_with("block1")).unwrap();
        assert!(lines[..loop_at].iter().any(|l| l.contains("imul.i32 v0, v0")), "{text}");
        assert!(!lines[loop_at..].iter().any(|l| l.contains("imul")), "{text}");
        check_equivalent(&before, &b.f, 64).expect("same behaviour");
    }
}
