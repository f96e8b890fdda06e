//! `wlab bench`: runs benchmark modules on wlab engines and on peer engines (wasmtime
//! through its Python package, V8 through Node), checks each program's stdout, and
//! prints medians of compile and measured-region times with ratios to each peer.
//!
//! ```text
//!  modules (files or folders of .wasm; default ../shared/bench)
//!  for run in 1..=runs:  for module:  for runner:        (interleaved, so machine noise
//!      spawn it from the module's folder with BENCH_TIMES_FILE    hits every runner alike)
//!      ─▶ stdout vs <stem>.stdout.expected, events ─▶ compile / measured ns
//!  per (module, runner): medians of the good runs ─▶ table | --json
//!  per (wlab engine, peer): ratio of measured medians per module, geometric mean
//! ```
//!
//! Every runner is a child process timed by the benchmark protocol's events (the peers'
//! drivers in `explorer/drivers/` are embedded in the binary and written to a temporary
//! folder). This file never times anything itself and never compares a failed run.

use crate::CliError;
use serde::Serialize;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const WASMTIME_DRIVER: &str = include_str!("../drivers/wasmtime_driver.py");
const NODE_DRIVER: &str = include_str!("../drivers/node_driver.mjs");

/// `--timeout` when not given.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(120);

/// How much longer than the timeout a `wlab run` child may take before it is killed: its
/// own timeout starts after compilation.
pub const WLAB_GRACE: Duration = Duration::from_secs(30);

/// What `wlab bench` was asked to do.
#[derive(Clone, Debug)]
pub struct BenchOptions {
    /// Modules or folders (searched for `.wasm`); empty: `../shared/bench`.
    pub paths: Vec<PathBuf>,
    /// wlab engines to run.
    pub engines: Vec<String>,
    /// Pipeline for wlab engines (`wlab run --passes`).
    pub passes: Option<String>,
    /// Allocator and bounds options for native wlab engines.
    pub alloc: crate::cli::AllocArgs,
    pub runs: usize,
    /// Per-run limit; a run past it is killed and counted as failed. When the user gave
    /// `--timeout`, wlab runs get it too and end themselves with a `timeout` trap (the kill
    /// comes [`WLAB_GRACE`] later); without it wlab code is not metered.
    pub timeout: Duration,
    /// Limits passed on to `wlab run` as given (`--fuel`, `--timeout`, ...).
    pub limits: crate::limits::LimitArgs,
    /// Do not run wasmtime and node even when present.
    pub no_peers: bool,
}

/// Something that runs a module.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Runner {
    Wlab { engine: String },
    Wasmtime { python: String, driver: PathBuf },
    Node { driver: PathBuf },
}

impl Runner {
    fn label(&self) -> String {
        match self {
            Runner::Wlab { engine } => engine.clone(),
            Runner::Wasmtime { .. } => "wasmtime".to_string(),
            Runner::Node { .. } => "v8".to_string(),
        }
    }

    fn is_peer(&self) -> bool {
        !matches!(self, Runner::Wlab { .. })
    }
}

/// One run's outcome.
#[derive(Clone, Debug, Serialize)]
pub struct Sample {
    pub compile_ms: Option<f64>,
    pub measured_ms: Option<f64>,
    /// `None` when the run was good; else why not (exit status, wrong output, timeout).
    pub failure: Option<String>,
}

/// Medians over the good runs of one module on one runner.
#[derive(Clone, Debug, Serialize)]
pub struct Cell {
    pub runner: String,
    pub compile_ms: Option<f64>,
    pub measured_ms: Option<f64>,
    /// Good runs out of all runs.
    pub good: usize,
    pub runs: Vec<Sample>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Row {
    pub module: String,
    pub cells: Vec<Cell>,
}

/// Geometric mean of measured-region ratios of a wlab engine to a peer.
#[derive(Clone, Debug, Serialize)]
pub struct Ratio {
    pub engine: String,
    pub peer: String,
    /// Over the modules where both ran well with a measured time of at least [`MIN_RATIO_MS`].
    pub geomean: Option<f64>,
    pub modules: usize,
}

#[derive(Clone, Debug, Serialize)]
pub struct BenchReport {
    pub runners: Vec<String>,
    pub runs: usize,
    pub rows: Vec<Row>,
    pub ratios: Vec<Ratio>,
}

/// Runs the benchmark; the report.
pub fn bench(opts: &BenchOptions) -> Result<BenchReport, CliError> {
    let modules = find_modules(&opts.paths)?;
    let scratch = std::env::temp_dir().join(format!("wlab-bench-{}", std::process::id()));
    std::fs::create_dir_all(&scratch)
        .map_err(|e| CliError::Other(format!("cannot create {}: {e}", scratch.display())))?;
    let mut runners: Vec<Runner> = Vec::new();
    for e in &opts.engines {
        wlab_runtime::engine_by_name(e).map_err(|e| CliError::Other(e.to_string()))?;
        runners.push(Runner::Wlab { engine: e.clone() });
    }
    if !opts.no_peers {
        runners.extend(find_peers(&scratch)?);
    }
    let wlab = std::env::current_exe().map_err(|e| CliError::Other(format!("cannot find the wlab binary: {e}")))?;
    let mut samples: Vec<Vec<Vec<Sample>>> = vec![vec![Vec::new(); runners.len()]; modules.len()];
    let total = opts.runs * modules.len() * runners.len();
    let progress = std::io::stderr().is_terminal();
    let mut done = 0;
    for run in 0..opts.runs {
        for (m, module) in modules.iter().enumerate() {
            for (r, runner) in runners.iter().enumerate() {
                done += 1;
                if progress {
                    eprint!(
                        "\r\x1b[K[{done}/{total}] {} on {} (run {}/{})",
                        stem(module),
                        runner.label(),
                        run + 1,
                        opts.runs
                    );
                    let _ = std::io::stderr().flush();
                }
                samples[m][r].push(run_once(&wlab, runner, module, opts, &scratch));
            }
        }
    }
    if progress {
        eprint!("\r\x1b[K");
    }
    let _ = std::fs::remove_dir_all(&scratch);

    let rows: Vec<Row> = modules
        .iter()
        .zip(samples)
        .map(|(module, per_runner)| Row {
            module: display_name(module),
            cells: runners
                .iter()
                .zip(per_runner)
                .map(|(runner, runs)| {
                    let good: Vec<&Sample> = runs.iter().filter(|s| s.failure.is_none()).collect();
                    Cell {
                        runner: runner.label(),
                        compile_ms: median(good.iter().filter_map(|s| s.compile_ms).collect()),
                        measured_ms: median(good.iter().filter_map(|s| s.measured_ms).collect()),
                        good: good.len(),
                        runs,
                    }
                })
                .collect(),
        })
        .collect();
    let mut ratios = Vec::new();
    for (e, engine) in runners.iter().enumerate().filter(|(_, r)| !r.is_peer()) {
        for (p, peer) in runners.iter().enumerate().filter(|(_, r)| r.is_peer()) {
            let logs: Vec<f64> =
                rows.iter().filter_map(|row| ratio(&row.cells[e], &row.cells[p])).map(f64::ln).collect();
            let geomean = (!logs.is_empty()).then(|| (logs.iter().sum::<f64>() / logs.len() as f64).exp());
            ratios.push(Ratio { engine: engine.label(), peer: peer.label(), geomean, modules: logs.len() });
        }
    }
    Ok(BenchReport { runners: runners.iter().map(Runner::label).collect(), runs: opts.runs, rows, ratios })
}

/// Measured regions shorter than this (ms) are below the noise of a process run (the
/// `noop` module measures an empty region): they get no ratio and stay out of the mean.
pub const MIN_RATIO_MS: f64 = 0.1;

/// Measured-region ratio of `a` to `b`, when both medians are at least [`MIN_RATIO_MS`].
fn ratio(a: &Cell, b: &Cell) -> Option<f64> {
    match (a.measured_ms, b.measured_ms) {
        (Some(x), Some(y)) if x >= MIN_RATIO_MS && y >= MIN_RATIO_MS => Some(x / y),
        _ => None,
    }
}

fn median(mut v: Vec<f64>) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    Some(if n % 2 == 1 { v[n / 2] } else { (v[n / 2 - 1] + v[n / 2]) / 2.0 })
}

fn stem(module: &Path) -> String {
    module.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default()
}

/// `folder/stem` (the Sightglass modules are mostly called `benchmark.wasm`).
fn display_name(module: &Path) -> String {
    let folder = module.parent().and_then(|p| p.file_name()).map(|s| s.to_string_lossy().into_owned());
    match folder {
        Some(f) => format!("{f}/{}", stem(module)),
        None => stem(module),
    }
}

/// The `.wasm` files named or found (recursively, sorted) in the named folders.
pub fn find_modules(paths: &[PathBuf]) -> Result<Vec<PathBuf>, CliError> {
    let default = [PathBuf::from("../shared/bench")];
    let paths = if paths.is_empty() { &default[..] } else { paths };
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            collect_wasm(p, &mut out).map_err(|e| CliError::Other(format!("cannot read {}: {e}", p.display())))?;
        } else if p.is_file() {
            out.push(p.clone());
        } else {
            return Err(CliError::Other(format!("no such module or folder: {}", p.display())));
        }
    }
    if out.is_empty() {
        return Err(CliError::Other("no .wasm modules to run".to_string()));
    }
    Ok(out)
}

fn collect_wasm(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?.map(|e| e.map(|e| e.path())).collect::<Result<_, _>>()?;
    entries.sort();
    for p in entries {
        if p.is_dir() {
            collect_wasm(&p, out)?;
        } else if p.extension().is_some_and(|e| e == "wasm") {
            out.push(p);
        }
    }
    Ok(())
}

/// wasmtime (Python package importable) and node, when present; drivers written out.
fn find_peers(scratch: &Path) -> Result<Vec<Runner>, CliError> {
    let quiet = |cmd: &mut Command| cmd.stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok_and(|s| s.success());
    let mut peers = Vec::new();
    let python = std::env::var("WLAB_PYTHON").unwrap_or_else(|_| "python3".to_string());
    if quiet(Command::new(&python).args(["-c", "import wasmtime"])) {
        let driver = scratch.join("wasmtime_driver.py");
        std::fs::write(&driver, WASMTIME_DRIVER).map_err(|e| CliError::Other(format!("cannot write driver: {e}")))?;
        peers.push(Runner::Wasmtime { python, driver });
    }
    if quiet(Command::new("node").arg("--version")) {
        let driver = scratch.join("node_driver.mjs");
        std::fs::write(&driver, NODE_DRIVER).map_err(|e| CliError::Other(format!("cannot write driver: {e}")))?;
        peers.push(Runner::Node { driver });
    }
    Ok(peers)
}

/// Runs `module` once on `runner` from the module's folder.
fn run_once(wlab: &Path, runner: &Runner, module: &Path, opts: &BenchOptions, scratch: &Path) -> Sample {
    let fail = |why: String| Sample { compile_ms: None, measured_ms: None, failure: Some(why) };
    let folder = module.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let file = module.file_name().map(PathBuf::from).unwrap_or_default();
    let mut cmd = match runner {
        Runner::Wlab { engine } => {
            let mut c = Command::new(wlab);
            c.args(["run", "--engine", engine, "--dir", "."]);
            if let Some(r) = &opts.alloc.regalloc {
                c.args(["--regalloc", r]);
            }
            if let Some(n) = opts.alloc.regs {
                c.args(["--regs", &n.to_string()]);
            }
            if let Some(b) = &opts.alloc.bounds_checks {
                c.args(["--bounds-checks", b]);
            }
            if let Some(p) = &opts.passes {
                c.args(["--passes", p]);
            }
            c.args(opts.limits.run_args());
            c.arg(&file);
            c
        }
        Runner::Wasmtime { python, driver } => {
            let mut c = Command::new(python);
            c.arg(driver).arg(&file);
            c
        }
        Runner::Node { driver } => {
            let mut c = Command::new("node");
            c.args(["--no-warnings", "--no-liftoff"]).arg(driver).arg(&file);
            c
        }
    };
    let times = scratch.join("times.txt");
    let out_path = scratch.join("stdout.txt");
    let _ = std::fs::remove_file(&times);
    let (Ok(out), Ok(err)) = (std::fs::File::create(&out_path), std::fs::File::create(scratch.join("stderr.txt")))
    else {
        return fail("cannot create output files".to_string());
    };
    cmd.current_dir(folder).env("BENCH_TIMES_FILE", &times).stdin(Stdio::null()).stdout(out).stderr(err);
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => return fail(format!("cannot start {}: {e}", runner.label())),
    };
    // A wlab run given `--timeout` ends itself with a named trap; the kill is a backstop.
    let grace = if runner.is_peer() || opts.limits.timeout.is_none() { Duration::ZERO } else { WLAB_GRACE };
    let kill_after = opts.timeout + grace;
    let start = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(s)) => break s,
            Ok(None) if start.elapsed() > kill_after => {
                let _ = child.kill();
                let _ = child.wait();
                return fail(format!("timeout after {} s", opts.timeout.as_secs()));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => return fail(format!("wait failed: {e}")),
        }
    };
    if !status.success() {
        return fail(format!("exit status {}", status.code().map_or("signal".to_string(), |c| c.to_string())));
    }
    let expected = folder.join(format!("{}.stdout.expected", stem(module)));
    if let Ok(want) = std::fs::read_to_string(&expected) {
        let got = std::fs::read_to_string(&out_path).unwrap_or_default();
        if !got.lines().eq(want.lines()) {
            return fail("wrong output".to_string());
        }
    }
    let text = std::fs::read_to_string(&times).unwrap_or_default();
    let events: Vec<(&str, u64)> =
        text.lines().filter_map(|l| l.split_once(' ').and_then(|(e, t)| Some((e, t.trim().parse().ok()?)))).collect();
    let at = |name: &str| events.iter().find(|(e, _)| *e == name).map(|&(_, t)| t);
    let ms = |a: Option<u64>, b: Option<u64>| Some(b?.saturating_sub(a?) as f64 / 1e6);
    let mut measured = None;
    let mut open = None;
    for &(e, t) in &events {
        match e {
            "bench_start" => open = Some(t),
            "bench_end" => {
                if let Some(s) = open.take() {
                    measured = Some(measured.unwrap_or(0.0) + t.saturating_sub(s) as f64 / 1e6);
                }
            }
            _ => {}
        }
    }
    Sample { compile_ms: ms(at("compile_start"), at("compile_end")), measured_ms: measured, failure: None }
}

/// The table: per module, each runner's compile and measured medians, then the
/// measured-region ratio of each wlab engine to each peer; geometric means last.
pub fn render(report: &BenchReport) -> String {
    let mut header = vec!["module".to_string()];
    for r in &report.runners {
        header.push(format!("{r} compile ms"));
        header.push(format!("{r} run ms"));
    }
    for q in &report.ratios {
        header.push(format!("{}/{}", q.engine, q.peer));
    }
    let mut rows = vec![header];
    for row in &report.rows {
        let mut line = vec![row.module.clone()];
        for c in &row.cells {
            let failed = c.good == 0;
            let why = c.runs.iter().find_map(|s| s.failure.clone()).unwrap_or_default();
            line.push(if failed { "FAIL".to_string() } else { fmt_ms(c.compile_ms) });
            line.push(if failed { why } else { fmt_ms(c.measured_ms) });
        }
        for q in &report.ratios {
            let cell = |label: &str| row.cells.iter().find(|c| c.runner == label);
            let r = match (cell(&q.engine), cell(&q.peer)) {
                (Some(a), Some(b)) => ratio(a, b),
                _ => None,
            };
            line.push(r.map_or("-".to_string(), |x| format!("{x:.2}x")));
        }
        rows.push(line);
    }
    let mut last = vec!["geomean".to_string()];
    last.extend(std::iter::repeat_n(String::new(), 2 * report.runners.len()));
    for q in &report.ratios {
        last.push(q.geomean.map_or("-".to_string(), |g| format!("{g:.2}x ({})", q.modules)));
    }
    rows.push(last);
    let widths: Vec<usize> =
        (0..rows[0].len()).map(|i| rows.iter().map(|r| r.get(i).map_or(0, |s| s.len())).max().unwrap_or(0)).collect();
    let mut out = String::new();
    for r in &rows {
        let cells: Vec<String> = r
            .iter()
            .enumerate()
            .map(|(i, s)| if i == 0 { format!("{s:<w$}", w = widths[i]) } else { format!("{s:>w$}", w = widths[i]) })
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out.push_str(&format!("medians of {} interleaved runs; ratios are measured-region times\n", report.runs));
    out
}

fn fmt_ms(v: Option<f64>) -> String {
    match v {
        Some(ms) if ms >= 100.0 => format!("{ms:.0}"),
        Some(ms) => format!("{ms:.2}"),
        None => "-".to_string(),
    }
}
