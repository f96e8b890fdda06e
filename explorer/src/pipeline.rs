//! The explorer's adapter to the pass manager: runs a pipeline string on a copy of one
//! function with verification (and translation validation with `--check`), and turns
//! the manager's report into what the explorer shows (IR after each pass, unified
//! diffs). It never runs a pass itself.
//!
//! A whole module goes through [`apply_module`]: module passes (`inline`) run once over
//! every function where the pipeline names them, the function steps between them on each
//! function (in parallel).

use crate::cli::PipelineArgs;
use crate::explore::{EgraphDump, ExploreOptions, PassReport};
use crate::CliError;
use wlab_backends::Target;
use wlab_ir::{print_function, Function};
use wlab_passes::manager::{run_module_pass, ModulePassRun};
use wlab_passes::manager::{run_pipeline as run, run_pipeline_with_states, ManagerOptions};
use wlab_passes::pipeline::{Pipeline, Segment, Step};
use wlab_passes::registry::ArgValue;

/// Trials of translation validation per pass under `--check`.
pub const CHECK_TRIALS: usize = 16;

fn parse(pipeline: &str) -> Result<Pipeline, CliError> {
    Pipeline::parse(pipeline).map_err(|e| CliError::Pipeline(format!("bad pipeline `{pipeline}`: {e}")))
}

/// The pipeline a command runs: `pipeline` parsed, rule file `rules` (if any) added to
/// every `egraph` step (`--rules FILE`: appended to the step's own `rules=`,
/// `:`-separated), and every `egraph` step that names no cost model given the one of
/// `target` (the code it will be compiled for; `None`: no target, the pass's default).
/// The rule file is read once here, so a bad file is one error before anything runs.
pub fn build(pipeline: &str, rules: Option<&str>, target: Option<Target>) -> Result<Pipeline, CliError> {
    let mut p = parse(pipeline)?;
    if let Some(path) = rules {
        let mut set = wlab_passes::egraph::rules::RuleSet::default();
        set.add_file(path).map_err(|e| CliError::Pipeline(e.to_string()))?;
        add_rules(&mut p.steps, path);
    }
    if let Some(t) = target {
        set_cost(&mut p.steps, t);
    }
    Ok(p)
}

/// [`build`] from the `--passes` / `--rules` group; `None` when no pipeline was asked for.
pub fn from_args(args: &PipelineArgs, target: Option<Target>) -> Result<Option<Pipeline>, CliError> {
    match &args.passes {
        None => Ok(None),
        Some(p) => {
            let rules = args.rules.as_ref().map(|r| r.display().to_string());
            Ok(Some(build(p, rules.as_deref(), target)?))
        }
    }
}

/// Whether any step of `p` is the `egraph` pass.
pub fn has_egraph(p: &Pipeline) -> bool {
    fn any(steps: &[Step]) -> bool {
        steps.iter().any(|s| match s {
            Step::Pass(p) => p.info.name == wlab_passes::egraph::INFO.name,
            Step::Fix { body, .. } => any(body),
        })
    }
    any(&p.steps)
}

/// The rule files every `egraph` step of `p` loads (`rules=`, `--rules` included), in
/// order, each once.
pub fn rule_files(p: &Pipeline) -> Vec<String> {
    fn walk(steps: &[Step], out: &mut Vec<String>) {
        for s in steps {
            match s {
                Step::Pass(p) if p.info.name == wlab_passes::egraph::INFO.name => {
                    for (k, v) in &p.args {
                        if let (true, ArgValue::Str(files)) = (k == "rules", v) {
                            for f in files.split(':').filter(|f| !f.is_empty()) {
                                if !out.iter().any(|o| o == f) {
                                    out.push(f.to_string());
                                }
                            }
                        }
                    }
                }
                Step::Pass(_) => {}
                Step::Fix { body, .. } => walk(body, out),
            }
        }
    }
    let mut out = Vec::new();
    walk(&p.steps, &mut out);
    out
}

fn add_rules(steps: &mut [Step], path: &str) {
    for s in steps {
        match s {
            Step::Pass(p) if p.info.name == wlab_passes::egraph::INFO.name => {
                match p.args.iter_mut().find(|(k, _)| k == "rules") {
                    Some((_, ArgValue::Str(v))) if !v.is_empty() => *v = format!("{v}:{path}"),
                    Some((_, v)) => *v = ArgValue::Str(path.to_string()),
                    None => p.args.push(("rules".into(), ArgValue::Str(path.to_string()))),
                }
            }
            Step::Pass(_) => {}
            Step::Fix { body, .. } => add_rules(body, path),
        }
    }
}

/// Gives every `egraph` step without a `cost=` the cost model of `target`. Written out
/// only when it differs from the pass's default, so pipelines (and their printed
/// form) for the default target stay as written.
fn set_cost(steps: &mut [Step], target: Target) {
    const COST: &str = "cost";
    for s in steps {
        match s {
            Step::Pass(p) if p.info.name == wlab_passes::egraph::INFO.name => {
                let default = p.info.args.iter().find(|a| a.name == COST).map(|a| a.default);
                if default != Some(target.name()) && !p.args.iter().any(|(k, _)| k == COST) {
                    p.args.push((COST.into(), ArgValue::Str(target.name().to_string())));
                }
            }
            Step::Pass(_) => {}
            Step::Fix { body, .. } => set_cost(body, target),
        }
    }
}

/// Runs `opts.passes` on a copy of `func`; one [`PassReport`] per pass run, in order.
pub fn run_pipeline(func: &Function, pipeline: &str, eo: &ExploreOptions) -> Result<Vec<PassReport>, CliError> {
    Ok(run_pipeline_keep(func, pipeline, eo)?.0)
}

/// [`run_pipeline`], also returning the function after the last pass.
pub fn run_pipeline_keep(
    func: &Function,
    pipeline: &str,
    eo: &ExploreOptions,
) -> Result<(Vec<PassReport>, Function), CliError> {
    let p = build(pipeline, eo.rules.as_deref(), eo.codegen.map(|c| c.target))?;
    let check = eo.check;
    let opts = ManagerOptions { verify: true, validate_trials: if check { CHECK_TRIALS } else { 0 }, record_ir: true };
    let states = match (&eo.states, check) {
        (Some(dir), true) => crate::states::load(dir, func.wasm_index.unwrap_or(u32::MAX))?,
        _ => Vec::new(),
    };
    let mut f = func.clone();
    let runs = match &eo.module_funcs {
        Some(module) if p.has_module_pass() => runs_in_module(&mut f, module, &p, &opts, &states)?,
        _ => {
            run_pipeline_with_states(&mut f, &p, &opts, &states)
                .map_err(|e| CliError::Pipeline(one_line(&e.to_string())))?
                .runs
        }
    };
    let mut before = print_function(func);
    let mut out = Vec::new();
    let mut before_func = func.clone();
    let mut insts_before = wlab_passes::manager::layout_srclocs(func);
    for r in runs {
        let egraph = if eo.egraph_dump && r.name == wlab_passes::egraph::INFO.name {
            let args = egraph_args(&r.args)?;
            let (text, dot) = wlab_passes::egraph::report::dump_function(&before_func, &args)
                .map_err(|e| CliError::Pipeline(e.to_string()))?;
            Some(EgraphDump { text, dot })
        } else {
            None
        };
        let after = r.ir_after.unwrap_or_else(|| before.clone());
        let insts_after = r.insts_after.unwrap_or_else(|| insts_before.clone());
        if after != before && eo.egraph_dump {
            before_func = wlab_ir::parse::parse_function(&after)
                .map_err(|e| CliError::Other(format!("internal error: IR after `{}` does not parse: {e}", r.name)))?;
        }
        let diff = if r.measured { unified_diff(&before, &after, r.name) } else { String::new() };
        let name = if r.args.is_empty() { r.name.to_string() } else { format!("{}({})", r.name, r.args) };
        out.push(PassReport {
            name,
            changed: r.measured,
            time_us: r.time.as_secs_f64() * 1e6,
            counters: r.counters.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
            ir_after: after.clone(),
            diff,
            egraph,
            insts_after: insts_after.clone(),
            check: r.validation,
            notes: r.notes,
        });
        before = after;
        insts_before = insts_after;
    }
    Ok((out, f))
}

/// The runs of `p` as `func` sees them when the pipeline runs over the whole `module`
/// (`func` is the module's function with the same wasm index, or name): function steps
/// run recorded on `func` and plainly on the others; a module pass runs once over all
/// of them and is recorded as a run of `func` (with its notes on the whole module).
fn runs_in_module(
    func: &mut Function,
    module: &[Function],
    p: &Pipeline,
    opts: &ManagerOptions,
    states: &[wlab_ir::interp::state::RecordedState],
) -> Result<Vec<wlab_passes::manager::PassRun>, CliError> {
    let mut funcs = module.to_vec();
    let at = funcs
        .iter()
        .position(|g| (g.wasm_index.is_some() && g.wasm_index == func.wasm_index) || g.name == func.name)
        .ok_or_else(|| CliError::Other(format!("internal error: `{}` is not in its module", func.name)))?;
    funcs[at] = func.clone();
    let pipe_err = |e: wlab_passes::ManagerError| CliError::Pipeline(one_line(&e.to_string()));
    let mut runs = Vec::new();
    for segment in p.segments() {
        match segment {
            Segment::Functions { first, steps: sub } => {
                for (k, g) in funcs.iter_mut().enumerate() {
                    if k != at {
                        apply(g, &sub)?;
                    }
                }
                let report = run_pipeline_with_states(&mut funcs[at], &sub, opts, states).map_err(pipe_err)?;
                for mut r in report.runs {
                    // Positions count from the whole pipeline's first step.
                    let (head, tail) = r.position.split_once('.').unwrap_or((r.position.as_str(), ""));
                    let head = head.parse::<usize>().unwrap_or(0) + first;
                    r.position = if tail.is_empty() { head.to_string() } else { format!("{head}.{tail}") };
                    runs.push(r);
                }
            }
            Segment::Module { position, step } => {
                let before = wlab_passes::fingerprint::fingerprint(&funcs[at]);
                let run = run_module_pass(&mut funcs, &step, &position.to_string(), opts).map_err(pipe_err)?;
                let g = &funcs[at];
                let measured = wlab_passes::fingerprint::fingerprint(g) != before;
                runs.push(wlab_passes::manager::PassRun {
                    name: run.name,
                    args: run.args,
                    position: run.position,
                    time: run.time,
                    reported: if measured { wlab_passes::Changed::ControlFlow } else { wlab_passes::Changed::Nothing },
                    measured,
                    counters: run.counters,
                    ir_after: Some(print_function(g)),
                    insts_after: Some(wlab_passes::manager::layout_srclocs(g)),
                    validation: None,
                    notes: run.notes,
                });
            }
        }
    }
    *func = funcs.swap_remove(at);
    Ok(runs)
}

/// Runs a parsed pipeline on `func` in place and verifies the result once: broken IR
/// never reaches a backend. Verifying after every pass (which names the pass that broke
/// it, as `wlab explore` does) was 6% of `wlab run`'s compile time on bz2.
pub fn apply(func: &mut Function, pipeline: &Pipeline) -> Result<(), CliError> {
    let opts = ManagerOptions { verify: false, validate_trials: 0, record_ir: false };
    without_clock_calibration(|| run(func, pipeline, &opts))
        .map_err(|e| CliError::Pipeline(one_line(&e.to_string())))?;
    wlab_ir::verify::verify_function(func).map_err(|e| {
        CliError::Pipeline(format!(
            "function `{}`: the pipeline `{}` broke the function: {} (`wlab explore --func {} --passes ...` names the pass)",
            func.name,
            pipeline,
            one_line(&e.to_string()),
            func.name
        ))
    })?;
    Ok(())
}

/// Runs `f` with egg's clock (`quanta`) replaced, on this thread, by one that never
/// moves. egg reads that clock in every `EGraph::rebuild`, only for a log line, and the
/// first read calibrates the processor's counter against the system clock: at least 500
/// rounds, up to 200 ms on a loaded machine, about 40% of the CPU time of `wlab run
/// --passes O2` on a module of three functions. The e-graph pass times itself with
/// `std::time::Instant`; an `egg::Runner` under this clock would never reach its time
/// limit (no pass runs one: they run `egraph::saturate`, with its own limits).
fn without_clock_calibration<T>(f: impl FnOnce() -> T) -> T {
    let (still, _) = quanta::Clock::mock();
    quanta::with_clock(&still, f)
}

/// Runs a parsed pipeline over a module's defined functions (in module order) in place:
/// each run of function steps on every function in parallel (then verified, as
/// [`apply`] does), each module pass once over all of them. Returns what the module
/// passes reported, and per function the microseconds its function steps took.
pub fn apply_module(funcs: &mut [Function], pipeline: &Pipeline) -> Result<(Vec<ModulePassRun>, Vec<u64>), CliError> {
    use rayon::prelude::*;
    let opts = ManagerOptions { verify: true, validate_trials: 0, record_ir: false };
    let mut runs = Vec::new();
    let mut us = vec![0u64; funcs.len()];
    for segment in pipeline.segments() {
        match segment {
            Segment::Functions { steps: p, .. } => {
                // The first failure in function order is reported, whatever the thread timing.
                let results: Vec<Result<u64, CliError>> = funcs
                    .par_iter_mut()
                    .map(|f| {
                        let start = std::time::Instant::now();
                        apply(f, &p)?;
                        Ok(start.elapsed().as_micros() as u64)
                    })
                    .collect();
                for (k, r) in results.into_iter().enumerate() {
                    us[k] += r?;
                }
            }
            Segment::Module { position, step } => {
                let run = run_module_pass(funcs, &step, &position.to_string(), &opts)
                    .map_err(|e| CliError::Pipeline(one_line(&e.to_string())))?;
                runs.push(run);
            }
        }
    }
    Ok((runs, us))
}

/// The typed arguments of an `egraph` run as the manager recorded them (`iters=4`).
fn egraph_args(written: &str) -> Result<Vec<(String, ArgValue)>, CliError> {
    let p = parse(&format!("egraph({written})"))?;
    match p.steps.into_iter().next() {
        Some(Step::Pass(s)) => Ok(s.args),
        _ => Err(CliError::Other("internal error: egraph arguments".into())),
    }
}

fn unified_diff(before: &str, after: &str, pass: &str) -> String {
    similar::TextDiff::from_lines(before, after)
        .unified_diff()
        .context_radius(2)
        .header("before", &format!("after {pass}"))
        .to_string()
}

fn one_line(s: &str) -> String {
    s.lines().next().unwrap_or("").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn egraph_steps_get_the_targets_cost_model_unless_they_name_one() {
        let o2 = |t| build("O2", None, t).unwrap().to_string();
        assert!(o2(Some(Target::Aarch64)).contains(",egraph(cost=aarch64),"), "{}", o2(Some(Target::Aarch64)));
        // The default model is not written out: the x86-64 pipeline prints as before.
        assert_eq!(o2(Some(Target::X86_64)), o2(None));
        assert!(!o2(None).contains("cost="));
        let named = build("fix(egraph(cost=x86_64)),egraph", None, Some(Target::Aarch64)).unwrap().to_string();
        assert_eq!(named, "fix(egraph(cost=x86_64)),egraph(cost=aarch64)");
        assert!(has_egraph(&build("fix(dce,egraph)", None, None).unwrap()));
        assert!(!has_egraph(&build("O1", None, None).unwrap()));
    }
}
