//! `wlab stats`: runs a pipeline on every function of a module and summarises what the
//! passes reported: per module, the histogram of the e-graph's stop reasons and
//! iterations, the rules that applied most, and how many runs stalled; per function, a
//! row ([`FunctionStats`], serialisable, so other reports — backend statistics — can be
//! added to the same record). With `--check` every pass run that changed a function is
//! translation-validated (random trials, and the recorded states of `--states DIR`);
//! each function's row says `ok`, `inconclusive` (no conclusive trial for some pass) or
//! `mismatch` (the first difference, naming the pass). It measures and returns values;
//! it never prints.

use crate::CliError;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write;
use wlab_ir::Module;
use wlab_passes::egraph::report::Stop;
use wlab_passes::manager::{run_pipeline_with_states, Failure, ManagerOptions};
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
    /// `--check`: the validation of this function's pass runs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub check: Option<FunctionCheck>,
}

/// What `--check` asks for.
#[derive(Clone, Debug, Default)]
pub struct CheckOptions {
    /// A recording folder (`wlab run --record`).
    pub states: Option<std::path::PathBuf>,
}

/// The validation of one function: `ok`, `inconclusive`, `mismatch` or `unchanged`.
#[derive(Clone, Debug, Serialize)]
pub struct FunctionCheck {
    pub verdict: String,
    /// Recorded states of the function that were available.
    pub states: usize,
    /// One per pass run that changed the function (up to the mismatch).
    pub passes: Vec<PassCheck>,
    /// The mismatch, as one line naming the pass.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mismatch: Option<String>,
}

/// The validation of one pass run.
#[derive(Clone, Debug, Serialize)]
pub struct PassCheck {
    pub pass: String,
    pub position: String,
    pub report: wlab_passes::validate::ValidationReport,
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
pub fn module_stats(module: &Module, p: &Pipeline, check: Option<&CheckOptions>) -> Result<ModuleStats, CliError> {
    let trials = if check.is_some() { crate::pipeline::CHECK_TRIALS } else { 0 };
    let opts = ManagerOptions { verify: true, validate_trials: trials, record_ir: false };
    let mut rows = Vec::new();
    for f in module.functions.iter() {
        let mut g = f.clone();
        let states = match check.and_then(|c| c.states.as_ref()) {
            Some(dir) => crate::states::load(dir, f.wasm_index.unwrap_or(u32::MAX))?,
            None => Vec::new(),
        };
        let report = match run_pipeline_with_states(&mut g, p, &opts, &states) {
            Ok(r) => r,
            Err(e) if matches!(*e.failure, Failure::Mismatch(_)) => {
                let passes = pass_checks(&e.completed);
                rows.push(FunctionStats {
                    index: f.wasm_index.unwrap_or(0),
                    name: f.name.clone(),
                    insts_before: f.num_layout_insts(),
                    insts_after: f.num_layout_insts(),
                    changed: true,
                    time_us: 0.0,
                    counters: BTreeMap::new(),
                    egraph: Vec::new(),
                    check: Some(FunctionCheck {
                        verdict: "mismatch".into(),
                        states: states.len(),
                        passes,
                        mismatch: Some(e.to_string()),
                    }),
                });
                continue;
            }
            Err(e) => return Err(CliError::Pipeline(e.to_string())),
        };
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
            check: check.map(|_| {
                let passes = pass_checks(&report.runs);
                let verdict = if passes.is_empty() {
                    "unchanged"
                } else if passes.iter().any(|p| p.report.conclusive() == 0) {
                    "inconclusive"
                } else {
                    "ok"
                };
                FunctionCheck { verdict: verdict.into(), states: states.len(), passes, mismatch: None }
            }),
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

fn pass_checks(runs: &[wlab_passes::manager::PassRun]) -> Vec<PassCheck> {
    runs.iter()
        .filter_map(|r| {
            r.validation.map(|v| PassCheck {
                pass: if r.args.is_empty() { r.name.to_string() } else { format!("{}({})", r.name, r.args) },
                position: r.position.clone(),
                report: v,
            })
        })
        .collect()
}

/// The exit status of `wlab stats --check`: 1 after a mismatch, 3 when a changed
/// function had a pass with no conclusive trial, else 0.
pub fn check_status(m: &ModuleStats) -> i32 {
    let verdicts: Vec<&str> = m.rows.iter().filter_map(|r| r.check.as_ref()).map(|c| c.verdict.as_str()).collect();
    if verdicts.contains(&"mismatch") {
        1
    } else if verdicts.contains(&"inconclusive") {
        crate::explore::INCONCLUSIVE_EXIT_STATUS
    } else {
        0
    }
}

/// The `--check` section of the text rendering: one line per function that changed.
fn render_check(m: &ModuleStats, s: &mut String) {
    let checks: Vec<(&FunctionStats, &FunctionCheck)> =
        m.rows.iter().filter_map(|r| r.check.as_ref().map(|c| (r, c))).collect();
    if checks.is_empty() {
        return;
    }
    let count = |v: &str| checks.iter().filter(|(_, c)| c.verdict == v).count();
    let _ = writeln!(
        s,
        "\ncheck: {} ok, {} inconclusive, {} mismatch, {} unchanged",
        count("ok"),
        count("inconclusive"),
        count("mismatch"),
        count("unchanged")
    );
    for (r, c) in checks.iter().filter(|(_, c)| c.verdict != "unchanged") {
        if let Some(m) = &c.mismatch {
            let _ = writeln!(s, "  {:>6}  {:<12}  {}\n          {m}", r.index, c.verdict, r.name);
            continue;
        }
        let (trials, conclusive, states, states_conclusive) = c.passes.iter().fold((0, 0, 0, 0), |a, p| {
            (
                a.0 + p.report.trials,
                a.1 + p.report.compared,
                a.2 + p.report.states.trials,
                a.3 + p.report.states.conclusive,
            )
        });
        let _ = write!(
            s,
            "  {:>6}  {:<12}  {} pass runs: random {trials} trials, {conclusive} conclusive; recorded states {states}, {states_conclusive} conclusive  {}",
            r.index,
            c.verdict,
            c.passes.len(),
            r.name
        );
        let _ = writeln!(s);
    }
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
    render_check(m, &mut s);
    s
}
