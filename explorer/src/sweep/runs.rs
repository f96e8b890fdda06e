//! `wlab sweep --run R`: runs every module's `_start` under every configuration R times
//! with `wlab run` (this binary, from the module's folder, checked against its expected
//! stdout, timed by the benchmark protocol's events, as `wlab bench` does), rounds
//! interleaved over modules and configurations so machine noise hits all alike, one at
//! a time so runs do not compete for cores. One `run` row per (module, configuration):
//! good and failed runs, min / median of compile time and min / median / max of the
//! measured region over the good runs. Never compiles in this process.

use super::cell::key_columns;
use super::grid::{Cell, Config};
use super::table::{Row, KIND_RUN};
use crate::bench::runner::{self, Kind, Runner};
use crate::bench::{Sample, Spread, DEFAULT_TIMEOUT, WLAB_GRACE};
use crate::CliError;
use std::path::{Path, PathBuf};

/// The `wlab run` of `config`.
fn runner(this: &Path, config: &Config, rules: Option<&Path>, limits: &crate::limits::LimitArgs) -> Runner {
    let mut args = vec!["--engine".to_string(), config.target.name().to_string(), "--passes".to_string()];
    args.push(config.pipeline.clone());
    if let Some(r) = rules {
        args.extend(["--rules".to_string(), r.display().to_string()]);
    }
    args.extend(["--regalloc".to_string(), config.regalloc.name().to_string()]);
    if let Some(n) = config.regs {
        args.extend(["--regs".to_string(), n.to_string()]);
    }
    args.extend(limits.run_args());
    Runner::new(config.label(), Kind::Wlab { binary: this.to_path_buf(), other: false, args })
}

/// A scratch folder removed when dropped.
struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs `cells` (not yet done) `rounds` times; their rows, in `cells` order. `done`
/// is told after every run.
pub fn measure(
    cells: &[Cell],
    configs: &[Config],
    rules: Option<&str>,
    rounds: usize,
    limits: &crate::limits::LimitArgs,
    mut done: impl FnMut(&str),
) -> Result<Vec<Row>, CliError> {
    if cells.is_empty() {
        return Ok(Vec::new());
    }
    let this = std::env::current_exe().map_err(|e| CliError::Other(format!("cannot find the wlab binary: {e}")))?;
    // The runs start in each module's folder: the rule file goes by its absolute path.
    let rules_abs = match rules {
        None => None,
        Some(r) => Some(std::path::absolute(r).map_err(|e| CliError::Other(format!("{r}: {e}")))?),
    };
    let timeout = limits.timeout()?.unwrap_or(DEFAULT_TIMEOUT)
        + if limits.timeout.is_some() { WLAB_GRACE } else { Default::default() };
    let scratch = Scratch(std::env::temp_dir().join(format!("wlab-sweep-{}", std::process::id())));
    std::fs::create_dir_all(&scratch.0)
        .map_err(|e| CliError::Other(format!("cannot create {}: {e}", scratch.0.display())))?;
    let runners: Vec<Runner> = configs.iter().map(|c| runner(&this, c, rules_abs.as_deref(), limits)).collect();
    // A configuration that cannot run at all (aarch64 without the `unicorn` feature) is
    // one error up front, not a failed row per module.
    for (i, r) in runners.iter().enumerate() {
        if cells.iter().any(|c| c.config == i) {
            runner::preflight(r, &scratch.0, timeout)?;
        }
    }
    let expected: Vec<Option<String>> =
        cells.iter().map(|c| crate::bench::expected_stdout(&c.module)).collect::<Result<_, _>>()?;
    let mut samples: Vec<Vec<Sample>> = vec![Vec::new(); cells.len()];
    for round in 0..rounds {
        // The order rotates each round, so no cell always follows the same one.
        for k in 0..cells.len() {
            let i = (k + round) % cells.len();
            let c = &cells[i];
            let s = runner::run_once(&runners[c.config], &c.module, expected[i].as_deref(), timeout, &scratch.0);
            samples[i].push(s);
            done(&crate::bench::display_name(&c.module));
        }
    }
    Ok(cells.iter().zip(samples).map(|(c, runs)| row(c, &configs[c.config], rules, &runs)).collect())
}

fn row(cell: &Cell, config: &Config, rules: Option<&str>, runs: &[Sample]) -> Row {
    let mut r = key_columns(&cell.module, config, rules, KIND_RUN);
    let good: Vec<&Sample> = runs.iter().filter(|s| s.failure.is_none()).collect();
    r.insert("runs_ok".into(), good.len().into());
    r.insert("runs_failed".into(), (runs.len() - good.len()).into());
    if let Some(why) = runs.iter().find_map(|s| s.failure.clone()) {
        r.insert("run_failure".into(), why.into());
    }
    let ms = |v: f64| (v * 1e3).round() / 1e3;
    if let Some(c) = Spread::of(good.iter().filter_map(|s| s.compile_ms).collect()) {
        r.insert("t_compile_ms_min".into(), ms(c.min).into());
        r.insert("t_compile_ms_median".into(), ms(c.median).into());
    }
    if let Some(m) = Spread::of(good.iter().filter_map(|s| s.measured_ms).collect()) {
        r.insert("t_measured_ms_min".into(), ms(m.min).into());
        r.insert("t_measured_ms_median".into(), ms(m.median).into());
        r.insert("t_measured_ms_max".into(), ms(m.max).into());
    }
    r
}
