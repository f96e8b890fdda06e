//! The explorer's adapter to the pass manager: runs a pipeline string on a copy of one
//! function with verification (and translation validation with `--check`), and turns
//! the manager's report into what the explorer shows (IR after each pass, unified
//! diffs). It never runs a pass itself.

use crate::cli::PipelineArgs;
use crate::explore::{EgraphDump, ExploreOptions, PassReport};
use crate::CliError;
use wlab_backends::Target;
use wlab_ir::{print_function, Function};
use wlab_passes::manager::{run_pipeline as run, run_pipeline_with_states, ManagerOptions};
use wlab_passes::pipeline::{Pipeline, Step};
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
    let report = run_pipeline_with_states(&mut f, &p, &opts, &states)
        .map_err(|e| CliError::Pipeline(one_line(&e.to_string())))?;
    let mut before = print_function(func);
    let mut out = Vec::new();
    let mut before_func = func.clone();
    let mut insts_before = wlab_passes::manager::layout_srclocs(func);
    for r in report.runs {
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
        });
        before = after;
        insts_before = insts_after;
    }
    Ok((out, f))
}

/// Runs a parsed pipeline on `func` in place and verifies the result once: broken IR
/// never reaches a backend. Verifying after every pass (which names the pass that broke
/// it, as `wlab explore` does) was 6% of `wlab run`'s compile time on bz2.
pub fn apply(func: &mut Function, pipeline: &Pipeline) -> Result<(), CliError> {
    let opts = ManagerOptions { verify: false, validate_trials: 0, record_ir: false };
    run(func, pipeline, &opts).map_err(|e| CliError::Pipeline(one_line(&e.to_string())))?;
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
