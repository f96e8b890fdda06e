//! `wlab egraph-budget`: the e-graph's compile-time budget. For the largest function (by
//! IR instructions after translation) of each module, runs a pipeline (O2 by default)
//! several times and compares the time of its `egraph` runs with the time of every
//! other pass of the same pipeline on the same function (medians over the runs).
//!
//! ```text
//! module            function          insts  egraph_us  rest_us  ratio
//! shootout-ed25519  __original_main   17608       6739     2920   2.31
//! ```
//!
//! Times are the pass manager's own per-pass measurements ([`PassRun::time`]): the
//! printing and verification between passes are not counted on either side. This file
//! measures and returns values; it never prints, and nothing asserts on its numbers.

use crate::CliError;
use serde::Serialize;
use std::fmt::Write;
use std::path::PathBuf;
use std::time::Duration;
use wlab_passes::manager::{run_pipeline, ManagerOptions, PassRun};
use wlab_passes::Pipeline;

/// One module's largest function, measured.
#[derive(Clone, Debug, Serialize)]
pub struct BudgetRow {
    pub module: String,
    pub function: String,
    /// IR instructions (layout) after translation.
    pub insts: usize,
    /// Median over the runs of the summed `egraph` pass time, microseconds.
    pub egraph_us: f64,
    /// Median over the runs of the summed time of every other pass, microseconds.
    pub rest_us: f64,
    /// `egraph_us / rest_us`.
    pub ratio: f64,
    pub runs: usize,
}

/// What was measured over all modules.
#[derive(Clone, Debug, Serialize)]
pub struct Budget {
    pub pipeline: String,
    pub rows: Vec<BudgetRow>,
    /// Index in `rows` of the largest function over all modules.
    pub largest: Option<usize>,
}

fn median(mut xs: Vec<Duration>) -> f64 {
    xs.sort();
    match xs.len() {
        0 => 0.0,
        n if n % 2 == 1 => xs[n / 2].as_secs_f64() * 1e6,
        n => (xs[n / 2 - 1] + xs[n / 2]).as_secs_f64() * 1e6 / 2.0,
    }
}

fn split(runs: &[PassRun]) -> (Duration, Duration) {
    let egraph = wlab_passes::egraph::INFO.name;
    let e = runs.iter().filter(|r| r.name == egraph).map(|r| r.time).sum();
    let rest = runs.iter().filter(|r| r.name != egraph).map(|r| r.time).sum();
    (e, rest)
}

/// Measures the largest function of every module in `paths` (files or folders, see
/// `wlab bench`), `runs` times each.
/// `p` comes from `pipeline::build` (rules already added).
pub fn measure(paths: &[PathBuf], p: &Pipeline, runs: usize) -> Result<Budget, CliError> {
    // No verification: the budget is about the passes' own work.
    let opts = ManagerOptions { verify: false, validate_trials: 0, record_ir: false };
    let mut rows = Vec::new();
    for path in crate::bench::find_modules(paths)? {
        let bytes = crate::input::read_module(&path)?;
        let m = wlab_ir::translate::translate_module(&bytes)?;
        // The first of the largest, so the choice is deterministic.
        let Some(f) = m.functions.iter().rev().max_by_key(|f| f.num_layout_insts()) else { continue };
        let (mut es, mut rs) = (Vec::new(), Vec::new());
        for _ in 0..runs.max(1) {
            let mut g = f.clone();
            let report = run_pipeline(&mut g, p, &opts).map_err(|e| CliError::Pipeline(e.to_string()))?;
            let (e, r) = split(&report.runs);
            es.push(e);
            rs.push(r);
        }
        let (egraph_us, rest_us) = (median(es), median(rs));
        rows.push(BudgetRow {
            module: path.display().to_string(),
            function: f.name.clone(),
            insts: f.num_layout_insts(),
            egraph_us,
            rest_us,
            ratio: if rest_us > 0.0 { egraph_us / rest_us } else { 0.0 },
            runs: runs.max(1),
        });
    }
    let largest = rows.iter().enumerate().rev().max_by_key(|(_, r)| r.insts).map(|(i, _)| i);
    Ok(Budget { pipeline: p.to_string(), rows, largest })
}

/// The text rendering.
pub fn render(b: &Budget) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "pipeline: {}", b.pipeline);
    let _ = writeln!(
        s,
        "{:<48} {:<28} {:>7} {:>11} {:>11} {:>6}",
        "module", "largest function", "insts", "egraph_us", "rest_us", "ratio"
    );
    for r in &b.rows {
        let _ = writeln!(
            s,
            "{:<48} {:<28} {:>7} {:>11.0} {:>11.0} {:>6.2}",
            r.module, r.function, r.insts, r.egraph_us, r.rest_us, r.ratio
        );
    }
    if let Some(r) = b.largest.map(|i| &b.rows[i]) {
        let _ = writeln!(
            s,
            "largest function overall: {} in {} ({} insts): egraph {:.2}x the rest of the pipeline (median of {} runs)",
            r.function, r.module, r.insts, r.ratio, r.runs
        );
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measures_the_largest_function_of_each_module() {
        let wat = r#"(module
            (func $small (param i32) (result i32) local.get 0)
            (func $big (param i32 i32) (result i32)
                local.get 0 i32.const 8 i32.mul i32.const 0 i32.add
                local.get 1 i32.const 3 i32.shl i32.xor
                local.get 0 local.get 1 i32.sub i32.or))"#;
        let dir = std::env::temp_dir().join(format!("wlab-budget-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("two.wat");
        std::fs::write(&path, wat).unwrap();
        let b = measure(&[path.clone()], &crate::pipeline::build("O2", None, None).unwrap(), 3).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(b.rows.len(), 1);
        assert_eq!(b.largest, Some(0));
        let r = &b.rows[0];
        assert!(r.insts > 3, "the bigger function is measured: {r:?}");
        assert_eq!(r.runs, 3);
        assert!(r.egraph_us >= 0.0 && r.rest_us >= 0.0);
        assert!(render(&b).contains("largest function overall"));
        assert!(matches!(
            measure(&[dir.join("missing.wasm")], &crate::pipeline::build("O2", None, None).unwrap(), 1),
            Err(CliError::Other(_))
        ));
    }
}
