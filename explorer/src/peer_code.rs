//! `wlab stats MOD --peer cranelift`: each function's x86-64 code from wlab side by side
//! with Cranelift's code for the same module. Cranelift's code comes from wasmtime (the
//! Python package, run with `$WLAB_PYTHON` as `wlab bench` runs it, opt-level speed): an
//! embedded driver serializes the compiled module, an ELF object whose symbols
//! `wasm[0]::function[N]::NAME` delimit each function, N in the wasm function index space
//! (imports included, as wlab's indices). Both sides are counted by one definition,
//! [`wlab_backends::x64::code_stats`], over the bytes of each function.
//!
//! Never runs either compiler's code; never special-cases a module or function.

use crate::stats_codegen::ModuleStats;
use crate::CliError;
use object::{Object, ObjectSection, ObjectSymbol};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use wlab_backends::x64::code_stats::{code_stats, CodeStats};

const WASMTIME_COMPILE_DRIVER: &str = include_str!("../drivers/wasmtime_compile.py");

/// Another compiler whose code `--peer` compares with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Peer {
    /// wasmtime's Cranelift (opt-level speed), via the `wasmtime` Python package.
    Cranelift,
}

/// Which functions a comparison shows.
#[derive(Clone, Debug, Default)]
pub struct Selection {
    /// Function indices (resolved selectors); empty means all.
    pub funcs: Vec<u32>,
    /// Only the `top` functions with the most wlab instructions.
    pub top: Option<usize>,
}

#[derive(Clone, Debug, Serialize)]
pub struct PeerRow {
    pub index: u32,
    pub name: String,
    /// `None` when wlab did not compile the function (see `wlab stats`).
    pub wlab: Option<CodeStats>,
    /// `None` when the peer's object has no symbol for the function.
    pub peer: Option<CodeStats>,
}

#[derive(Clone, Debug, Serialize)]
pub struct PeerComparison {
    pub pipeline: Option<String>,
    pub peer: String,
    /// The rows shown (all, `--funcs`, or `--top`), by function index.
    pub functions: Vec<PeerRow>,
    /// Over the rows shown where both sides compiled the function.
    pub totals_wlab: CodeStats,
    pub totals_peer: CodeStats,
}

/// Compiles `bytes` with `peer` and pairs its functions with `wlab`'s rows (from
/// `stats_codegen::module_stats` with `decode`), restricted to `sel`.
pub fn compare(
    bytes: &[u8],
    wlab: &ModuleStats,
    peer: Peer,
    sel: &Selection,
    timeout: Duration,
) -> Result<PeerComparison, CliError> {
    let Peer::Cranelift = peer;
    let (version, theirs) = cranelift_functions(bytes, timeout)?;
    let mut rows: Vec<PeerRow> = wlab
        .functions
        .iter()
        .map(|r| PeerRow {
            index: r.index,
            name: r.name.clone(),
            wlab: r.code_stats,
            peer: theirs.get(&r.index).copied(),
        })
        .collect();
    if !sel.funcs.is_empty() {
        rows.retain(|r| sel.funcs.contains(&r.index));
    }
    if let Some(k) = sel.top {
        rows.sort_by_key(|r| std::cmp::Reverse(r.wlab.map_or(0, |s| s.insts)));
        rows.truncate(k);
        rows.sort_by_key(|r| r.index);
    }
    let (mut totals_wlab, mut totals_peer) = (CodeStats::default(), CodeStats::default());
    for r in &rows {
        if let (Some(w), Some(p)) = (&r.wlab, &r.peer) {
            totals_wlab.add(w);
            totals_peer.add(p);
        }
    }
    Ok(PeerComparison {
        pipeline: wlab.pipeline.clone(),
        peer: format!("cranelift (wasmtime {version}, opt-level speed)"),
        functions: rows,
        totals_wlab,
        totals_peer,
    })
}

/// Compiles `bytes` with wasmtime through the embedded driver and counts each
/// `wasm[0]::function[N]` symbol's code; returns wasmtime's version and the counts by N.
fn cranelift_functions(bytes: &[u8], timeout: Duration) -> Result<(String, BTreeMap<u32, CodeStats>), CliError> {
    let python = std::env::var("WLAB_PYTHON").unwrap_or_else(|_| "python3".to_string());
    let scratch = Scratch::new()?;
    let driver = scratch.write("wasmtime_compile.py", WASMTIME_COMPILE_DRIVER.as_bytes())?;
    let module = scratch.write("module.wasm", bytes)?;
    let artifact = scratch.0.join("module.cwasm");
    let out = run_with_timeout(Command::new(&python).arg(&driver).arg(&module).arg(&artifact), timeout)
        .map_err(|why| CliError::Other(format!("--peer cranelift: `{python}` {why}")))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        if err.contains("No module named 'wasmtime'") {
            return Err(CliError::Other(format!(
                "--peer cranelift: `{python}` cannot import wasmtime (pip install wasmtime; WLAB_PYTHON)"
            )));
        }
        let last = err.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("no message");
        return Err(CliError::Other(format!(
            "--peer cranelift: `{python}` did not compile the module with wasmtime ({}): {last}",
            out.status
        )));
    }
    let version = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let limit = crate::input::max_input_bytes()?.saturating_mul(16);
    let elf = crate::input::read_bounded(&artifact, limit)?;
    Ok((version, function_code_stats(&elf)?))
}

/// Counts the code of every `wasm[0]::function[N]::…` symbol of a wasmtime artifact.
pub fn function_code_stats(elf: &[u8]) -> Result<BTreeMap<u32, CodeStats>, CliError> {
    let bad = |why: String| CliError::Other(format!("--peer cranelift: unreadable wasmtime artifact: {why}"));
    let file = object::File::parse(elf).map_err(|e| bad(e.to_string()))?;
    let mut out = BTreeMap::new();
    for sym in file.symbols() {
        let Ok(name) = sym.name() else { continue };
        let Some(index) = function_index(name) else { continue };
        let Some(section) = sym.section_index().and_then(|i| file.section_by_index(i).ok()) else { continue };
        let data = section.data().map_err(|e| bad(e.to_string()))?;
        let start = sym.address().checked_sub(section.address()).ok_or_else(|| bad(format!("symbol {name}")))?;
        let code = usize::try_from(start)
            .ok()
            .and_then(|s| data.get(s..s.checked_add(sym.size() as usize)?))
            .ok_or_else(|| bad(format!("symbol {name} lies outside its section")))?;
        out.insert(index, code_stats(code));
    }
    Ok(out)
}

/// N of `wasm[0]::function[N]::NAME` (or `wasm[0]::function[N]`).
fn function_index(symbol: &str) -> Option<u32> {
    let rest = symbol.strip_prefix("wasm[0]::function[")?;
    let (n, _) = rest.split_once(']')?;
    n.parse().ok()
}

fn run_with_timeout(cmd: &mut Command, timeout: Duration) -> Result<std::process::Output, String> {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start: {e}"))?;
    let start = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(_)) => return child.wait_with_output().map_err(|e| e.to_string()),
            Ok(None) if start.elapsed() > timeout => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("did not finish compiling within {} s (--peer-timeout)", timeout.as_secs()));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => return Err(e.to_string()),
        }
    }
}

/// A private folder under the system's temporary directory, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Result<Scratch, CliError> {
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
        let dir = std::env::temp_dir().join(format!("wlab-peer-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).map_err(|e| CliError::Other(format!("cannot create {}: {e}", dir.display())))?;
        Ok(Scratch(dir))
    }

    fn write(&self, name: &str, bytes: &[u8]) -> Result<PathBuf, CliError> {
        let path = self.0.join(name);
        std::fs::write(&path, bytes).map_err(|e| CliError::Other(format!("cannot write {}: {e}", path.display())))?;
        Ok(path)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The metrics of the text table: header and value.
const METRICS: [(&str, fn(&CodeStats) -> u32); 7] = [
    ("insts", |s| s.insts),
    ("bytes", |s| s.code_bytes),
    ("loads", |s| s.loads),
    ("stores", |s| s.stores),
    ("stack-ld", |s| s.stack_loads),
    ("stack-st", |s| s.stack_stores),
    ("calls", |s| s.calls),
];

/// `wlab/peer ratio` cells, one per metric.
fn cells(w: &CodeStats, p: &CodeStats) -> String {
    let mut s = String::new();
    for (_, f) in METRICS {
        let (a, b) = (f(w), f(p));
        let ratio = if b == 0 { "-".to_string() } else { format!("{:.2}", a as f64 / b as f64) };
        let _ = write!(s, " {:>15}", format!("{a}/{b} {ratio}"));
    }
    s
}

pub fn render(c: &PeerComparison, module: &Path) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        ";; {}: wlab (pipeline {}) vs {}; each cell: wlab/peer ratio",
        module.display(),
        c.pipeline.as_deref().unwrap_or("none"),
        c.peer
    );
    let _ = write!(s, "{:>6} {:<28}", "func", "name");
    for (h, _) in METRICS {
        let _ = write!(s, " {h:>15}");
    }
    let _ = writeln!(s);
    for r in &c.functions {
        let mut name = r.name.clone();
        name.truncate(28);
        let _ = write!(s, "{:>6} {:<28}", r.index, name);
        match (&r.wlab, &r.peer) {
            (Some(w), Some(p)) => {
                let _ = writeln!(s, "{}", cells(w, p));
            }
            (None, _) => {
                let _ = writeln!(s, " not compiled by wlab");
            }
            (_, None) => {
                let _ = writeln!(s, " no function in the peer's code");
            }
        }
    }
    let _ = writeln!(s, "{:>6} {:<28}{}", "", "total", cells(&c.totals_wlab, &c.totals_peer));
    s
}
