//! The grid of `wlab sweep`: the cartesian product of the values given for `--target`,
//! `--regalloc`, `--regs`, `--passes` and `--egraph-limits` (in that nesting order,
//! the first outermost), each checked once here so a bad value is one error before
//! anything is measured; and the cells, every module × every configuration, in the
//! order rows are written. Never measures anything.

use super::args::SweepArgs;
use crate::CliError;
use std::path::PathBuf;
use wlab_backends::{AllocAlgorithm, AllocOptions, Target};
use wlab_passes::pipeline::{Pipeline, Step};
use wlab_passes::registry::ArgValue;

/// The `egraph` arguments `--egraph-limits` may set.
pub const LIMIT_ARGS: [&str; 3] = ["iters", "nodes", "time-ms"];

/// One configuration of the grid.
#[derive(Clone, Debug)]
pub struct Config {
    pub target: Target,
    pub regalloc: AllocAlgorithm,
    /// `None`: every register of the target.
    pub regs: Option<usize>,
    /// The pipeline as written (`O2`).
    pub passes: String,
    /// The `--egraph-limits` setting as written, if any.
    pub egraph_limits: Option<String>,
    /// `passes` with the limits set on its `egraph` steps (what `wlab run` is given).
    pub pipeline: String,
}

impl Config {
    /// `regs` as a word: the number or `all`.
    pub fn regs_word(&self) -> String {
        self.regs.map_or_else(|| "all".to_string(), |n| n.to_string())
    }

    /// The allocator options of this configuration.
    pub fn alloc(&self) -> AllocOptions {
        AllocOptions { algorithm: self.regalloc, regs: self.regs, ..AllocOptions::default() }
    }

    /// The `config` column: every setting in one string, unique within a sweep.
    pub fn label(&self) -> String {
        let mut s =
            format!("{} {} regs={} passes={}", self.target.name(), self.regalloc.name(), self.regs_word(), self.passes);
        if let Some(l) = &self.egraph_limits {
            s.push_str(&format!(" egraph={l}"));
        }
        s
    }
}

/// One module under one configuration.
#[derive(Clone, Debug)]
pub struct Cell {
    pub module: PathBuf,
    pub config: usize,
}

/// Splits repeatable values that may also be `;`-separated; blanks dropped.
fn split_semicolons(values: &[String]) -> Vec<String> {
    values.iter().flat_map(|v| v.split(';')).map(str::trim).filter(|v| !v.is_empty()).map(str::to_string).collect()
}

/// The configurations asked for, in grid order.
pub fn configurations(args: &SweepArgs) -> Result<Vec<Config>, CliError> {
    let or = |v: &[String], d: &str| if v.is_empty() { vec![d.to_string()] } else { v.to_vec() };
    let targets = or(&args.target, Target::X86_64.name())
        .iter()
        .map(|t| crate::codegen::parse_target(t.trim()))
        .collect::<Result<Vec<_>, _>>()?;
    let allocs = or(&args.regalloc, AllocAlgorithm::Ion.name())
        .iter()
        .map(|a| {
            AllocAlgorithm::from_name(a.trim()).ok_or_else(|| {
                CliError::Other(format!(
                    "unknown register allocator `{a}`; valid: {}",
                    AllocAlgorithm::NAMES.join(", ")
                ))
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let regs = or(&args.regs, "all")
        .iter()
        .map(|r| match r.trim() {
            "all" => Ok(None),
            n => n
                .parse::<usize>()
                .map(Some)
                .map_err(|_| CliError::Other(format!("--regs expects numbers or `all`, comma-separated; got `{r}`"))),
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut passes = split_semicolons(&args.passes);
    if passes.is_empty() {
        passes.push("O2".to_string());
    }
    let limits: Vec<Option<String>> = match split_semicolons(&args.egraph_limits) {
        l if l.is_empty() => vec![None],
        l => l.into_iter().map(Some).collect(),
    };
    let rules = args.rules.as_ref().map(|r| r.display().to_string());
    let mut out = Vec::new();
    for &target in &targets {
        for &regalloc in &allocs {
            for &n in &regs {
                // Checked per target: what is too many on one may be fine on the other.
                let alloc = crate::cli::AllocArgs {
                    regalloc: Some(regalloc.name().to_string()),
                    regs: n,
                    ..Default::default()
                };
                crate::engines::alloc_options(&alloc, target)?;
                for p in &passes {
                    for l in &limits {
                        let pipeline = with_limits(p, l.as_deref())?;
                        // The whole pipeline as a cell will build it: rule file and cost model.
                        crate::pipeline::build(&pipeline, rules.as_deref(), Some(target))?;
                        out.push(Config {
                            target,
                            regalloc,
                            regs: n,
                            passes: p.clone(),
                            egraph_limits: l.clone(),
                            pipeline,
                        });
                    }
                }
            }
        }
    }
    for (i, c) in out.iter().enumerate() {
        if out[..i].iter().any(|d| d.label() == c.label()) {
            return Err(CliError::Other(format!("the configuration `{}` is asked for twice", c.label())));
        }
    }
    Ok(out)
}

/// Every module × every configuration, modules outermost.
pub fn cells(modules: &[PathBuf], configs: &[Config]) -> Vec<Cell> {
    modules.iter().flat_map(|m| (0..configs.len()).map(move |c| Cell { module: m.clone(), config: c })).collect()
}

/// `passes` with the `egraph` arguments of `limits` (`iters=4,nodes=100`) set on every
/// `egraph` step, printed back; `passes` itself without limits. Unknown or malformed
/// limits are errors naming the valid ones; limits on a pipeline without `egraph` too.
pub fn with_limits(passes: &str, limits: Option<&str>) -> Result<String, CliError> {
    let Some(limits) = limits else { return Ok(passes.to_string()) };
    let bad = |e: String| CliError::Other(format!("bad --egraph-limits `{limits}`: {e}"));
    // The names first: parsing would also act on other arguments (read a rule file).
    for pair in limits.split(',') {
        let k = pair.split_once('=').map_or(pair, |(k, _)| k).trim();
        if !LIMIT_ARGS.contains(&k) {
            return Err(bad(format!("`{k}` is not a limit; valid: {}", LIMIT_ARGS.join(", "))));
        }
    }
    let set = match Pipeline::parse(&format!("egraph({limits})")).map_err(|e| bad(e.to_string()))?.steps.pop() {
        Some(Step::Pass(s)) => s.args,
        _ => return Err(bad("not a list of name=value".into())),
    };
    let mut p = Pipeline::parse(passes).map_err(|e| CliError::Pipeline(format!("bad pipeline `{passes}`: {e}")))?;
    if !crate::pipeline::has_egraph(&p) {
        return Err(CliError::Other(format!(
            "--egraph-limits has no effect on `{passes}`: it has no `egraph` pass (sweep such pipelines separately)"
        )));
    }
    set_args(&mut p.steps, &set);
    Ok(p.to_string())
}

fn set_args(steps: &mut [Step], set: &[(String, ArgValue)]) {
    for s in steps {
        match s {
            Step::Pass(p) if p.info.name == wlab_passes::egraph::INFO.name => {
                for (k, v) in set {
                    match p.args.iter_mut().find(|(name, _)| name == k) {
                        Some((_, old)) => *old = v.clone(),
                        None => p.args.push((k.clone(), v.clone())),
                    }
                }
            }
            Step::Pass(_) => {}
            Step::Fix { body, .. } => set_args(body, set),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_are_set_on_every_egraph_step() {
        let p = with_limits("O2", Some("iters=3,nodes=500")).unwrap();
        assert!(p.contains("egraph(iters=3,nodes=500)"), "{p}");
        let p = with_limits("egraph(iters=9),fix(egraph)", Some("iters=2")).unwrap();
        assert_eq!(p, "egraph(iters=2),fix(egraph(iters=2))");
        assert_eq!(with_limits("O1", None).unwrap(), "O1");
        let e = with_limits("O2", Some("rules=x")).unwrap_err().to_string();
        assert!(e.contains("valid: iters, nodes, time-ms"), "{e}");
        assert!(with_limits("O1", Some("iters=2")).unwrap_err().to_string().contains("no `egraph` pass"));
    }
}
