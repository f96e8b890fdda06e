//! `wlab stats`: runs a pipeline on every function of a module and summarises what the
//! passes reported: per module, the histogram of the e-graph's stop reasons and
//! iterations, the rules that applied most, and how many runs stalled; per function, a
//! row ([`FunctionStats`], serialisable, so other reports — backend statistics — can be
//! added to the same record). It measures and returns values; it never prints.

use crate::CliError;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write;
use wlab_ir::Module;
use wlab_passes::egraph::report::Stop;
use wlab_passes::manager::{run_pipeline, ManagerOptions};
use wlab_passes::Pipeline;

/// How many rules the summary lists.
pub const TOP_RULES: usize = 10;

/// One `egraph` run on one function.
#[derive(Clone, Debug, Default, Serialize)]
pub struct EgraphRun {
    pub iterations: u64,
    /// `saturated`, `iteration-limit`, `node-limit`, `time-limit` or `other`.
    pub stop: String,
    pub enodes: u64,
    pub eclasses: u64,
    pub idle_iterations: u64,
    /// Stopped on the iteration limit with nothing changing in the last iteration.
    pub stalled: bool,
    /// Applications per rule.
    pub rules: BTreeMap<String, u64>,
}

/// One function's row.
#[derive(Clone, Debug, Serialize)]
pub struct FunctionStats {
    pub index: u32,
    pub name: String,
    /// Instructions in the layout before and after the pipeline.
    pub insts_before: usize,
    pub insts_after: usize,
    pub changed: bool,
    pub time_us: f64,
    /// Every pass counter, summed over the pipeline (rule counters included).
    pub counters: BTreeMap<String, u64>,
    pub egraph: Vec<EgraphRun>,
}

/// The module summary.
#[derive(Clone, Debug, Serialize)]
pub struct ModuleStats {
    pub pipeline: String,
    pub functions: usize,
    pub changed: usize,
    /// `egraph` runs by stop reason.
    pub stop_reasons: BTreeMap<String, usize>,
    /// `egraph` runs by number of iterations.
    pub iterations: BTreeMap<u64, usize>,
    pub stalled: usize,
    /// The most applied rules, most first (ties by name).
    pub top_rules: Vec<(String, u64)>,
    pub rows: Vec<FunctionStats>,
}

fn egraph_run(counters: &BTreeMap<&'static str, u64>) -> EgraphRun {
    let stop = Stop::ALL.iter().find(|s| counters.contains_key(s.counter())).map_or("other", |s| s.name());
    EgraphRun {
        iterations: counters.get("iterations").copied().unwrap_or(0),
        stop: stop.to_string(),
        enodes: counters.get("enodes").copied().unwrap_or(0),
        eclasses: counters.get("eclasses").copied().unwrap_or(0),
        idle_iterations: counters.get("idle-iterations").copied().unwrap_or(0),
        stalled: counters.contains_key("stalled"),
        rules: counters.iter().filter_map(|(k, v)| k.strip_prefix("rule:").map(|r| (r.to_string(), *v))).collect(),
    }
}

/// Runs `p` (from `pipeline::build`: rule files and cost model already in it) on every
/// defined function of `module`, with verification.
pub fn module_stats(module: &Module, p: &Pipeline) -> Result<ModuleStats, CliError> {
    let opts = ManagerOptions { verify: true, validate_trials: 0, record_ir: false };
    let mut rows = Vec::new();
    for f in module.functions.iter() {
        let mut g = f.clone();
        let report = run_pipeline(&mut g, p, &opts).map_err(|e| CliError::Pipeline(e.to_string()))?;
        let mut counters: BTreeMap<String, u64> = BTreeMap::new();
        let mut egraph = Vec::new();
        for r in &report.runs {
            for (k, v) in &r.counters {
                *counters.entry(k.to_string()).or_default() += v;
            }
            if r.name == wlab_passes::egraph::INFO.name {
                egraph.push(egraph_run(&r.counters));
            }
        }
        rows.push(FunctionStats {
            index: f.wasm_index.unwrap_or(0),
            name: f.name.clone(),
            insts_before: f.num_layout_insts(),
            insts_after: g.num_layout_insts(),
            changed: report.changed(),
            time_us: report.total_time.as_secs_f64() * 1e6,
            counters,
            egraph,
        });
    }
    let mut stop_reasons = BTreeMap::new();
    let mut iterations = BTreeMap::new();
    let mut rule_totals: BTreeMap<String, u64> = BTreeMap::new();
    let mut stalled = 0;
    for run in rows.iter().flat_map(|r| &r.egraph) {
        *stop_reasons.entry(run.stop.clone()).or_insert(0) += 1;
        *iterations.entry(run.iterations).or_insert(0) += 1;
        stalled += run.stalled as usize;
        for (k, v) in &run.rules {
            *rule_totals.entry(k.clone()).or_default() += v;
        }
    }
    let mut top_rules: Vec<(String, u64)> = rule_totals.into_iter().collect();
    top_rules.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    top_rules.truncate(TOP_RULES);
    Ok(ModuleStats {
        pipeline: p.to_string(),
        functions: rows.len(),
        changed: rows.iter().filter(|r| r.changed).count(),
        stop_reasons,
        iterations,
        stalled,
        top_rules,
        rows,
    })
}

/// The text rendering of `wlab stats`.
pub fn render_text(m: &ModuleStats) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "pipeline: {}", m.pipeline);
    let _ = writeln!(s, "functions: {} ({} changed)", m.functions, m.changed);
    if !m.stop_reasons.is_empty() {
        let stops: Vec<String> = m.stop_reasons.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let _ = writeln!(s, "egraph stop reasons: {}", stops.join(" "));
        let its: Vec<String> = m.iterations.iter().map(|(k, v)| format!("{k}:{v}")).collect();
        let _ = writeln!(s, "egraph iterations (iterations:runs): {}", its.join(" "));
        let _ = writeln!(s, "egraph stalled (iteration limit, last iteration idle): {}", m.stalled);
        let _ = writeln!(s, "top rules:");
        for (name, n) in &m.top_rules {
            let _ = writeln!(s, "  {n:>8}  {name}");
        }
    }
    let _ = writeln!(
        s,
        "\n{:>6}  {:>7}  {:>7}  {:>10}  {:<16}  {:>5}  {:>7}  name",
        "index", "before", "after", "time_us", "egraph stop", "iters", "enodes"
    );
    for r in &m.rows {
        let (stop, iters, enodes) = match r.egraph.last() {
            Some(e) => (e.stop.as_str(), e.iterations.to_string(), e.enodes.to_string()),
            None => ("-", "-".into(), "-".into()),
        };
        let _ = writeln!(
            s,
            "{:>6}  {:>7}  {:>7}  {:>10.0}  {:<16}  {:>5}  {:>7}  {}",
            r.index, r.insts_before, r.insts_after, r.time_us, stop, iters, enodes, r.name
        );
    }
    s
}
