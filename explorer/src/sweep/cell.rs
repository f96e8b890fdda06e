//! Measures one compile cell of `wlab sweep`: translates the module, runs the
//! configuration's pipeline on every defined function (verified after every pass, as
//! `wlab stats` does) and compiles it, and returns one row per function and a `module`
//! row with the totals. A cell that cannot be compiled is one `module` row whose
//! `error` column says why, so a sweep goes on and a rerun does not retry it. Never
//! runs the code and never writes anything.

use super::grid::Config;
use super::table::{Row, KIND_FUNCTION, KIND_MODULE};
use crate::CliError;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;
use wlab_backends::{compile_function, CompileOptions, FunctionStats};
use wlab_passes::egraph::report::Stop;
use wlab_passes::manager::{run_pipeline, ManagerOptions};

/// The columns naming the cell, shared by all its rows.
pub fn key_columns(module: &Path, config: &Config, rules: Option<&str>, kind: &str) -> Row {
    let mut r = Row::new();
    r.insert("module".into(), crate::bench::display_name(module).into());
    r.insert("path".into(), module.display().to_string().into());
    r.insert("kind".into(), kind.into());
    r.insert("config".into(), config.label().into());
    r.insert("target".into(), config.target.name().into());
    r.insert("regalloc".into(), config.regalloc.name().into());
    r.insert("regs".into(), config.regs_word().into());
    r.insert("passes".into(), config.passes.clone().into());
    r.insert("egraph_limits".into(), config.egraph_limits.clone().map_or(Value::Null, Value::from));
    r.insert("rules".into(), rules.map_or(Value::Null, Value::from));
    r
}

/// What one function contributed, summed into the module row too.
#[derive(Default)]
struct Sums {
    ir_before: u64,
    ir_after: u64,
    changed: u64,
    pipeline_us: f64,
    egraph_runs: u64,
    egraph_iterations: u64,
    egraph_enodes: u64,
    egraph_eclasses: u64,
    egraph_stalled: u64,
    /// `changed.<pass>`, `counter.<pass>.<name>`, `egraph_stops.<reason>`: counts.
    counts: BTreeMap<String, u64>,
    /// `t_pass_us.<pass>`.
    pass_us: BTreeMap<String, f64>,
}

impl Sums {
    fn add(&mut self, o: &Sums) {
        self.ir_before += o.ir_before;
        self.ir_after += o.ir_after;
        self.changed += o.changed;
        self.pipeline_us += o.pipeline_us;
        self.egraph_runs += o.egraph_runs;
        self.egraph_iterations += o.egraph_iterations;
        self.egraph_enodes += o.egraph_enodes;
        self.egraph_eclasses += o.egraph_eclasses;
        self.egraph_stalled += o.egraph_stalled;
        for (k, v) in &o.counts {
            *self.counts.entry(k.clone()).or_default() += v;
        }
        for (k, v) in &o.pass_us {
            *self.pass_us.entry(k.clone()).or_default() += v;
        }
    }

    fn write(&self, r: &mut Row) {
        r.insert("ir_insts_before".into(), self.ir_before.into());
        r.insert("ir_insts_after".into(), self.ir_after.into());
        r.insert("functions_changed".into(), self.changed.into());
        r.insert("egraph_runs".into(), self.egraph_runs.into());
        r.insert("egraph_iterations".into(), self.egraph_iterations.into());
        r.insert("egraph_enodes".into(), self.egraph_enodes.into());
        r.insert("egraph_eclasses".into(), self.egraph_eclasses.into());
        r.insert("egraph_stalled".into(), self.egraph_stalled.into());
        for (k, v) in &self.counts {
            r.insert(k.clone(), (*v).into());
        }
        r.insert("t_pipeline_us".into(), round_us(self.pipeline_us).into());
        for (k, v) in &self.pass_us {
            r.insert(k.clone(), round_us(*v).into());
        }
    }
}

/// Microseconds to 0.1 µs, so the table does not carry float noise.
fn round_us(us: f64) -> f64 {
    (us * 10.0).round() / 10.0
}

fn write_machine(r: &mut Row, s: &FunctionStats) {
    for (k, v) in [
        ("vcode_insts", s.vcode_insts),
        ("insts", s.insts),
        ("bytes", s.code_bytes),
        ("loads", s.loads),
        ("stores", s.stores),
        ("calls", s.calls),
        ("spills", s.spills),
        ("reloads", s.reloads),
        ("moves", s.moves),
        ("spill_slots", s.spill_slots),
        ("max_live", s.max_live),
    ] {
        r.insert(k.into(), v.into());
    }
    r.insert("t_lower_us".into(), round_us(s.lower_ns as f64 / 1e3).into());
    r.insert("t_regalloc_us".into(), round_us(s.regalloc_ns as f64 / 1e3).into());
    r.insert("t_emit_us".into(), round_us(s.emit_ns as f64 / 1e3).into());
}

/// The rows of `module` (its bytes) under `config`.
pub fn measure(bytes: &[u8], module: &Path, config: &Config, rules: Option<&str>) -> Vec<Row> {
    match try_measure(bytes, module, config, rules) {
        Ok(rows) => rows,
        Err(e) => {
            let mut r = key_columns(module, config, rules, KIND_MODULE);
            r.insert("error".into(), e.to_string().lines().next().unwrap_or("").into());
            vec![r]
        }
    }
}

fn try_measure(bytes: &[u8], module: &Path, config: &Config, rules: Option<&str>) -> Result<Vec<Row>, CliError> {
    let t0 = Instant::now();
    let m = wlab_ir::translate::translate_module(bytes)?;
    let translate_us = t0.elapsed().as_secs_f64() * 1e6;
    let pipeline = crate::pipeline::build(&config.pipeline, rules, Some(config.target))?;
    let first = m.info.num_imported_funcs();
    let mut co = CompileOptions::new(first);
    co.target = config.target;
    co.alloc = config.alloc();
    let opts = ManagerOptions { verify: true, validate_trials: 0, record_ir: false };
    let mut rows = Vec::new();
    let mut total_sums = Sums::default();
    let mut total = FunctionStats::default();
    let mut fallbacks = 0u64;
    for (k, f) in m.functions.iter().enumerate() {
        let index = first + k as u32;
        let mut g = f.clone();
        let report = run_pipeline(&mut g, &pipeline, &opts).map_err(|e| {
            CliError::Pipeline(format!("function {index}: {}", e.to_string().lines().next().unwrap_or("")))
        })?;
        let mut sums = Sums {
            ir_before: f.num_layout_insts() as u64,
            ir_after: g.num_layout_insts() as u64,
            changed: report.changed() as u64,
            pipeline_us: report.total_time.as_secs_f64() * 1e6,
            ..Sums::default()
        };
        let mut stops = Vec::new();
        for run in &report.runs {
            *sums.counts.entry(format!("changed.{}", run.name)).or_default() += run.measured as u64;
            *sums.pass_us.entry(format!("t_pass_us.{}", run.name)).or_default() += run.time.as_secs_f64() * 1e6;
            for (c, v) in &run.counters {
                *sums.counts.entry(format!("counter.{}.{c}", run.name)).or_default() += v;
            }
            if run.name == wlab_passes::egraph::INFO.name {
                let get = |c: &str| run.counters.get(c).copied().unwrap_or(0);
                let stop =
                    Stop::ALL.iter().find(|s| run.counters.contains_key(s.counter())).map_or("other", |s| s.name());
                stops.push(stop);
                *sums.counts.entry(format!("egraph_stops.{stop}")).or_default() += 1;
                sums.egraph_runs += 1;
                sums.egraph_iterations += get("iterations");
                sums.egraph_enodes += get("enodes");
                sums.egraph_eclasses += get("eclasses");
                sums.egraph_stalled += run.counters.contains_key("stalled") as u64;
            }
        }
        let c = compile_function(&g, &co).map_err(|e| CliError::Other(format!("function {index}: {e}")))?;
        let s = c.stats;
        let mut r = key_columns(module, config, rules, KIND_FUNCTION);
        r.insert("func_index".into(), index.into());
        r.insert("func_name".into(), m.info.func_display_name(index).into());
        r.insert("functions".into(), 1.into());
        r.insert("regalloc_used".into(), s.regalloc.name().into());
        r.insert("egraph_stop".into(), if stops.is_empty() { Value::Null } else { stops.join("+").into() });
        sums.write(&mut r);
        write_machine(&mut r, &s);
        rows.push(r);
        fallbacks += (s.regalloc != config.regalloc) as u64;
        total_sums.add(&sums);
        total.add(&s);
    }
    let mut r = key_columns(module, config, rules, KIND_MODULE);
    r.insert("functions".into(), rows.len().into());
    // The allocator asked for, or `mixed` when Ion gave way to Fastalloc somewhere.
    r.insert("regalloc_used".into(), if fallbacks == 0 { config.regalloc.name() } else { "mixed" }.into());
    total_sums.write(&mut r);
    write_machine(&mut r, &total);
    r.insert("t_translate_us".into(), round_us(translate_us).into());
    rows.push(r);
    Ok(rows)
}
