//! `wlab sweep`: a grid of configurations (targets × allocators × register counts ×
//! pipelines × e-graph limits) over modules, measured in this process on every core,
//! written as one tidy table (CSV or JSON lines) with one row per (module, function,
//! configuration), a `module` row of totals per cell, and with `--run R` a `run` row per
//! (module, configuration) with run times.
//!
//! ```text
//!  args ─▶ grid::configurations (every value checked once) × modules ─▶ cells
//!  --plan: the cells as one-cell `wlab sweep` arguments (JSON), nothing measured
//!  --out FILE and FILE.partial.jsonl ─▶ cells already complete (kept, not measured)
//!  rayon over the other cells: cell::measure ─▶ rows ─▶ appended to the journal
//!  --run R: runs::measure, R interleaved rounds, one run at a time ─▶ journal
//!  all rows in grid order ─▶ FILE (written whole, then the journal removed)
//! ```
//!
//! Rows are in grid order whatever order cells finish in, so two sweeps of the same
//! grid write the same table but for the `t_` (time) columns. This file orders and
//! writes; measuring is `cell.rs` and `runs.rs`.

mod args;
mod cell;
mod grid;
mod progress;
mod runs;
mod table;

pub use args::SweepArgs;
pub use grid::{with_limits, Config, LIMIT_ARGS};
pub use table::{Row, FIXED};

use crate::CliError;
use rayon::prelude::*;
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;
use table::{cell_key, Format, KIND_MODULE, KIND_RUN};

/// What a sweep did.
#[derive(Debug, serde::Serialize)]
pub struct Summary {
    pub out: String,
    pub configurations: usize,
    pub modules: usize,
    pub cells: usize,
    /// Cells measured now (compile cells, plus run cells with `--run`).
    pub measured: usize,
    /// Cells already complete in the table or its journal.
    pub kept: usize,
    /// Compile cells whose `error` column is set.
    pub failed: usize,
    pub rows: usize,
}

/// `wlab sweep`.
pub fn command(args: &SweepArgs) -> Result<i32, CliError> {
    let configs = grid::configurations(args)?;
    let modules = crate::bench::find_modules(&args.paths)?;
    let cells = grid::cells(&modules, &configs);
    let rules = args.rules.as_ref().map(|r| r.display().to_string());
    if args.plan {
        crate::output::print_json(&plan(args, &configs, &cells, rules.as_deref()))?;
        return Ok(0);
    }
    let out = args.out.as_ref().expect("clap requires --out without --plan");
    let format = Format::of(out)?;
    if args.run == Some(0) {
        return Err(CliError::Other("--run must be at least 1".to_string()));
    }
    args.limits.store_limits()?;
    args.limits.timeout()?;
    if args.run.is_none()
        && (args.limits.metered() || args.limits.max_memory_pages.is_some() || args.limits.max_interp_stack.is_some())
    {
        crate::output::warn(
            "--fuel, --timeout, --max-memory-pages and --max-interp-stack have no effect without --run",
        );
    }
    if rules.is_some() && !configs.iter().any(|c| egraph_in(&c.pipeline)) {
        crate::output::warn("--rules has no effect: no pipeline of the sweep has an `egraph` pass");
    }
    let journal = table::journal_path(out);
    let mut old = table::read(out, format, false)?;
    old.extend(table::read(&journal, Format::JsonLines, true)?);
    let old = complete_cells(old);
    table::end_torn_line(&journal)?;

    let compile_todo: Vec<usize> =
        (0..cells.len()).filter(|&i| !old.contains_key(&key(&cells[i], &configs, false))).collect();
    let run_todo: Vec<usize> = match args.run {
        Some(_) => (0..cells.len()).filter(|&i| !old.contains_key(&key(&cells[i], &configs, true))).collect(),
        None => Vec::new(),
    };
    let mut bytes: BTreeMap<&std::path::Path, Vec<u8>> = BTreeMap::new();
    for &i in &compile_todo {
        let m = cells[i].module.as_path();
        if !bytes.contains_key(m) {
            bytes.insert(m, crate::input::read_module(m)?);
        }
    }

    let rounds = args.run.unwrap_or(0);
    let pb = progress::bar((compile_todo.len() + run_todo.len() * rounds) as u64);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads)
        .build()
        .map_err(|e| CliError::Other(format!("cannot start {} threads: {e}", args.threads)))?;
    let journal_lock = Mutex::new(());
    let measured: Vec<Result<Vec<table::Row>, CliError>> = pool.install(|| {
        compile_todo
            .par_iter()
            .map(|&i| {
                let c = &cells[i];
                let rows = cell::measure(&bytes[c.module.as_path()], &c.module, &configs[c.config], rules.as_deref());
                {
                    let _g = journal_lock.lock().unwrap_or_else(|e| e.into_inner());
                    table::append(&journal, &rows)?;
                }
                pb.set_message(crate::bench::display_name(&c.module));
                pb.inc(1);
                Ok(rows)
            })
            .collect()
    });
    let mut fresh: BTreeMap<(bool, String, String), Vec<table::Row>> = BTreeMap::new();
    for rows in measured {
        let rows = rows?;
        fresh.insert(cell_key(&rows[0]), rows);
    }
    let run_cells: Vec<grid::Cell> = run_todo.iter().map(|&i| cells[i].clone()).collect();
    let run_rows = runs::measure(&run_cells, &configs, rules.as_deref(), rounds, &args.limits, |m| {
        pb.set_message(m.to_string());
        pb.inc(1);
    })?;
    table::append(&journal, &run_rows)?;
    for r in run_rows {
        fresh.insert(cell_key(&r), vec![r]);
    }
    pb.finish_and_clear();

    // Grid order: every compile cell's rows, then every run row; cells of another grid
    // found in the file stay, after them, in the order they were.
    let mut all = old;
    let kept = all.len();
    all.extend(fresh);
    let mut rows = Vec::new();
    let mut placed = BTreeSet::new();
    for is_run in [false, true] {
        for c in &cells {
            let k = key(c, &configs, is_run);
            if let Some(r) = all.get(&k) {
                rows.extend(r.iter().cloned());
                placed.insert(k);
            }
        }
    }
    let mut rest: Vec<(&(bool, String, String), &Vec<table::Row>)> =
        all.iter().filter(|(k, _)| !placed.contains(*k)).collect();
    rest.sort_by_key(|(_, r)| r.first().and_then(|r| r.get("_order")).and_then(|v| v.as_u64()).unwrap_or(0));
    for (_, r) in rest {
        rows.extend(r.iter().cloned());
    }
    for r in &mut rows {
        r.remove("_order");
    }
    table::write_atomically(out, &table::render(&rows, format))?;
    let _ = std::fs::remove_file(&journal);

    let failed = rows
        .iter()
        .filter(|r| {
            r.get("kind").and_then(|v| v.as_str()) == Some(KIND_MODULE) && r.get("error").is_some_and(|e| !e.is_null())
        })
        .count();
    let summary = Summary {
        out: out.display().to_string(),
        configurations: configs.len(),
        modules: modules.len(),
        cells: cells.len(),
        measured: compile_todo.len() + run_todo.len(),
        kept,
        failed,
        rows: rows.len(),
    };
    if failed > 0 {
        crate::output::warn(&format!(
            "{failed} cells could not be compiled: see the `error` column of their `module` rows"
        ));
    }
    let failed_runs = rows
        .iter()
        .filter(|r| {
            r.get("kind").and_then(|v| v.as_str()) == Some(KIND_RUN)
                && r.get("run_failure").is_some_and(|e| !e.is_null())
        })
        .count();
    if failed_runs > 0 {
        crate::output::warn(&format!("{failed_runs} run cells had failed runs: see their `run_failure` column"));
    }
    let mut sink = crate::output::Sink::new(&args.output);
    match crate::output::plain(&args.output, "sweep")? {
        crate::output::Plain::Json => sink.json(&summary)?,
        crate::output::Plain::Text => sink.write(&format!(
            "{} configurations x {} modules = {} cells{}: {} measured, {} kept from before, {} failed; {} rows in {}\n",
            summary.configurations,
            summary.modules,
            summary.cells,
            if args.run.is_some() { " (and as many run cells)" } else { "" },
            summary.measured,
            summary.kept,
            summary.failed,
            summary.rows,
            summary.out
        ))?,
    }
    Ok(0)
}

fn egraph_in(pipeline: &str) -> bool {
    crate::pipeline::build(pipeline, None, None).is_ok_and(|p| crate::pipeline::has_egraph(&p))
}

/// The key of `cell`'s compile (or run) rows.
fn key(cell: &grid::Cell, configs: &[Config], is_run: bool) -> (bool, String, String) {
    (is_run, cell.module.display().to_string(), configs[cell.config].label())
}

/// The rows of cells that are complete, by cell: a compile cell has its `module` row
/// (written last), a run cell its one row. Each cell's first row remembers where it
/// was (`_order`), for cells that are not in this sweep's grid.
fn complete_cells(rows: Vec<table::Row>) -> BTreeMap<(bool, String, String), Vec<table::Row>> {
    let mut by: BTreeMap<(bool, String, String), Vec<table::Row>> = BTreeMap::new();
    let mut done = BTreeSet::new();
    let mut order = 0u64;
    for mut r in rows {
        let k = cell_key(&r);
        let kind = r.get("kind").and_then(|v| v.as_str()).unwrap_or("").to_string();
        if kind == KIND_MODULE || kind == KIND_RUN {
            done.insert(k.clone());
        }
        let v = by.entry(k).or_default();
        if v.is_empty() {
            r.insert("_order".into(), order.into());
            order += 1;
        }
        // A cell found again (measured again after an interrupted write, or a journal
        // left next to the table it was merged into): the later rows replace the earlier.
        let index = r.get("func_index").cloned();
        let again = kind == KIND_RUN
            || v.last().is_some_and(|l| l.get("kind").and_then(|x| x.as_str()) == Some(KIND_MODULE))
            || (kind != KIND_MODULE && v.iter().any(|l| l.get("func_index") == index.as_ref()));
        if again && !v.is_empty() {
            let o = v[0].get("_order").cloned();
            v.clear();
            if let Some(o) = o {
                r.insert("_order".into(), o);
            }
        }
        v.push(r);
    }
    by.retain(|k, _| done.contains(k));
    by
}

/// `--plan`: the columns every table starts with, and per cell the arguments of a
/// one-cell `wlab sweep` (`wlab sweep ARGS --out FILE`).
fn plan(args: &SweepArgs, configs: &[Config], cells: &[grid::Cell], rules: Option<&str>) -> serde_json::Value {
    let cells: Vec<serde_json::Value> = cells
        .iter()
        .map(|c| {
            let config = &configs[c.config];
            let mut a = vec![
                c.module.display().to_string(),
                "--target".to_string(),
                config.target.name().to_string(),
                "--regalloc".to_string(),
                config.regalloc.name().to_string(),
                "--regs".to_string(),
                config.regs_word(),
                "--passes".to_string(),
                config.passes.clone(),
            ];
            if let Some(l) = &config.egraph_limits {
                a.extend(["--egraph-limits".to_string(), l.clone()]);
            }
            if let Some(r) = rules {
                a.extend(["--rules".to_string(), r.to_string()]);
            }
            if let Some(n) = args.run {
                a.extend(["--run".to_string(), n.to_string()]);
                a.extend(args.limits.run_args());
            }
            json!({"module": c.module.display().to_string(), "config": config.label(), "args": a})
        })
        .collect();
    json!({"columns": FIXED.to_vec(), "cells": cells})
}
