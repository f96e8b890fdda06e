//! `wlab bench`: runs benchmark modules on wlab configurations and on peer engines
//! (wasmtime through its Python package, V8 through Node), checks each program's stdout,
//! and reports min / median / max of compile and measured-region times with ratios
//! between runners and their geometric means. Exit status 1 when any run failed.
//!
//! ```text
//!  args: --engine E (with --passes, allocator options) | --config LABEL='wlab run ARGS'
//!        (--wlab PATH: another binary)  ─▶ wlab configurations;  peers when present
//!  modules (files, folders; default $WLAB_BENCH_DIR or ../shared/bench)
//!  every runner once on an empty module (a runner that cannot run is one error, up front)
//!  for round in 1..=runs:  for module:  for runner (order rotated by the round):
//!      spawn it from the module's folder with BENCH_TIMES_FILE  (interleaved, so machine
//!      ─▶ stdout vs expected, events ─▶ Sample                   noise hits every runner
//!                                                                alike; progress on stderr)
//!  --compile-only: every runner stops after compiling; stdout unchecked; ratios of compile medians
//!  --profile: per module one more run on the first --engine x86_64 configuration with
//!      `--profile sample` ─▶ its hottest functions (bench/profile.rs)
//!  per (module, runner): Cell (min / median / max of good runs) ─▶ ratios, geomeans
//!  ─▶ render (text) | JSON
//! ```
//!
//! Every runner is a child process timed by the benchmark protocol's events; this file
//! never times anything itself and never compares a failed run.

mod args;
mod modules;
mod profile;
mod progress;
mod render;
mod report;
pub(crate) mod runner;

pub use args::BenchArgs;
pub use modules::{display_name, expected_stdout, find_modules, BENCH_DIR_ENV, DEFAULT_BENCH_DIR};
pub use profile::ModuleProfile;
pub use render::render;
pub use report::{BenchReport, Cell, Ratio, RatioOf, Row, RunnerInfo, Sample, Spread, MIN_RATIO_MS};

use crate::output::Plain;
use crate::CliError;
use runner::{Kind, Runner};
use std::path::PathBuf;
use std::time::Duration;

/// `--timeout` when not given: a run still going after it is killed and counted as failed.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(120);

/// How much longer than `--timeout` a `wlab run` child of this binary may take before it is
/// killed: it was given the timeout too, which starts after compilation.
pub const WLAB_GRACE: Duration = Duration::from_secs(30);

/// `wlab bench`: prints the report; the exit status (1 when a run failed).
pub fn command(args: &BenchArgs) -> Result<i32, CliError> {
    let format = crate::output::plain(&args.output, "bench")?;
    let report = bench(args)?;
    let mut out = crate::output::Sink::new(&args.output);
    match format {
        Plain::Text => out.write(&render(&report))?,
        Plain::Json => out.json(&report)?,
    }
    if report.failed_runs > 0 {
        eprintln!("wlab bench: {} of {} runs failed", report.failed_runs, report.total_runs);
        return Ok(1);
    }
    Ok(0)
}

/// A scratch folder removed when dropped.
struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs the benchmark; the report.
pub fn bench(args: &BenchArgs) -> Result<BenchReport, CliError> {
    if args.runs == 0 {
        return Err(CliError::Other("--runs must be at least 1".to_string()));
    }
    // Checked here once, so a bad value is one error rather than a failed run per module.
    args.limits.store_limits()?;
    let timeout = args.limits.timeout()?.unwrap_or(DEFAULT_TIMEOUT);
    let this = std::env::current_exe().map_err(|e| CliError::Other(format!("cannot find the wlab binary: {e}")))?;
    let mut runners = args::configurations(args, &this)?;
    let modules = find_modules(&args.paths)?;
    let expected: Vec<Option<String>> =
        modules.iter().map(|m| modules::expected_stdout(m)).collect::<Result<_, _>>()?;
    let scratch = Scratch(std::env::temp_dir().join(format!("wlab-bench-{}", std::process::id())));
    std::fs::create_dir_all(&scratch.0)
        .map_err(|e| CliError::Other(format!("cannot create {}: {e}", scratch.0.display())))?;
    let mut absent_peers = Vec::new();
    if !args.no_peers {
        let (peers, absent) = runner::find_peers(&scratch.0)?;
        runners.extend(peers);
        absent_peers = absent;
    }
    if args.compile_only {
        if args.profile {
            return Err(CliError::Other("--profile samples a run; --compile-only runs nothing".to_string()));
        }
        for r in &mut runners {
            r.compile_only = true;
        }
    }
    for (i, r) in runners.iter().enumerate() {
        if runners[..i].iter().any(|s| s.label == r.label) {
            return Err(CliError::Other(format!("two runners are labelled `{}`; labels must differ", r.label)));
        }
    }
    // A wlab run given `--timeout` ends itself with a named trap once it runs (after
    // compiling); killing it is the backstop, WLAB_GRACE later.
    let kill_after = |r: &Runner| match (&r.kind, args.limits.timeout) {
        (Kind::Wlab { other: false, .. }, Some(_)) => timeout + WLAB_GRACE,
        _ => timeout,
    };
    let profiled = match args.profile {
        false => None,
        true => Some(profile::profiled_runner(&runners).cloned().ok_or_else(|| {
            CliError::Other("--profile samples an `--engine x86_64` configuration; none is given".to_string())
        })?),
    };
    for r in &runners {
        runner::preflight(r, &scratch.0, kill_after(r))?;
    }

    let total = args.runs * modules.len() * runners.len();
    let mut progress = progress::Progress::new(total);
    let labels: Vec<&str> = runners.iter().map(|r| r.label.as_str()).collect();
    progress.note(&format!(
        "{} modules x {} runners ({}) x {} rounds = {total} runs",
        modules.len(),
        runners.len(),
        labels.join(", "),
        args.runs
    ));
    for a in &absent_peers {
        progress.note(&format!("not run: {a}"));
    }
    let names: Vec<String> = modules.iter().map(|m| modules::display_name(m)).collect();
    let mut samples: Vec<Vec<Vec<Sample>>> = vec![vec![Vec::new(); runners.len()]; modules.len()];
    for round in 0..args.runs {
        for (m, module) in modules.iter().enumerate() {
            // The order rotates each round, so no runner always takes the same place:
            // the first of two `wlab run`s in a row compiled shootout-matrix in 268-683
            // ms, the second in 190-286 ms (four pairs, on a loaded machine).
            for k in 0..runners.len() {
                let r = (k + round) % runners.len();
                let runner = &runners[r];
                progress.step(&progress::Step {
                    round,
                    rounds: args.runs,
                    module: m,
                    modules: modules.len(),
                    name: &names[m],
                    runner: &runner.label,
                });
                let s = runner::run_once(runner, module, expected[m].as_deref(), kill_after(runner), &scratch.0);
                if let Some(why) = &s.failure {
                    progress.note(&format!("{} on {} failed (round {}): {why}", names[m], runner.label, round + 1));
                }
                samples[m][r].push(s);
            }
        }
    }
    let mut profiles = Vec::new();
    if let Some(r) = &profiled {
        for (m, module) in modules.iter().enumerate() {
            progress.note(&format!("profiling {} on {}", names[m], r.label));
            let p = profile::profile_module(r, module, &names[m], expected[m].as_deref(), kill_after(r), &scratch.0);
            if let Some(why) = &p.failure {
                progress.note(&format!("profiling {} failed: {why}", names[m]));
            }
            profiles.push(p);
        }
    }
    progress.finish();

    let rows: Vec<Row> = names
        .into_iter()
        .zip(samples)
        .zip(&expected)
        .map(|((module, per_runner), want)| Row {
            module,
            stdout_checked: want.is_some() && !args.compile_only,
            cells: runners.iter().zip(per_runner).map(|(r, runs)| Cell::new(r.label.clone(), runs)).collect(),
        })
        .collect();
    let infos: Vec<RunnerInfo> = runners
        .iter()
        .map(|r| RunnerInfo {
            label: r.label.clone(),
            kind: if r.is_peer() { "peer" } else { "wlab" },
            command: r.describe(),
        })
        .collect();
    let is_peer: Vec<bool> = runners.iter().map(runner::Runner::is_peer).collect();
    let of = if args.compile_only { RatioOf::Compile } else { RatioOf::Measured };
    let ratios = report::ratios(&rows, &infos, &report::ratio_pairs(&is_peer), of);
    let failed_runs = rows.iter().flat_map(|r| &r.cells).map(|c| c.failed).sum();
    Ok(BenchReport {
        runners: infos,
        absent_peers,
        runs: args.runs,
        compile_only: args.compile_only,
        rows,
        ratios,
        failed_runs,
        total_runs: total,
        profiles,
    })
}
