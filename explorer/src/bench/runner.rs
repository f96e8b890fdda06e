//! What runs a module in `wlab bench`: a wlab configuration (this binary or another one,
//! `wlab run --dir . ARGS MODULE`) or a peer engine — wasmtime through its Python
//! package, V8 through Node, both by the drivers in `explorer/drivers/` (embedded in the
//! binary, written to the scratch folder). [`run_once`] runs one module once from its
//! own folder and turns the outcome into a [`Sample`]: the benchmark protocol's event
//! times, or one line saying why the run does not count (the program's first line of
//! stderr with its exit status, the first line where stdout differs, a timeout).
//! The peak resident memory of the child process (`wait4`'s `ru_maxrss`) goes into the
//! sample too. With [`Runner::compile_only`] every runner stops after compiling (`wlab run
//! --compile-only`; the drivers read `WLAB_BENCH_COMPILE_ONLY=1`) and stdout is not checked.
//! Never compares samples; never runs a peer that is not installed.

use super::report::Sample;
use crate::CliError;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const WASMTIME_DRIVER: &str = include_str!("../../drivers/wasmtime_driver.py");
const NODE_DRIVER: &str = include_str!("../../drivers/node_driver.mjs");

/// Node's flags: TurboFan only (no Liftoff baseline) and every function compiled by
/// `WebAssembly.compile`, so compile time is compile time and nothing compiles inside
/// the measured region (the driver refuses to run without them).
pub const NODE_FLAGS: [&str; 3] = ["--no-warnings", "--no-liftoff", "--no-wasm-lazy-compilation"];

/// How a runner starts.
#[derive(Clone, Debug)]
pub enum Kind {
    /// `binary run --dir . ARGS MODULE`; `other` when it is not the running binary.
    Wlab {
        binary: PathBuf,
        other: bool,
        args: Vec<String>,
    },
    Wasmtime {
        python: String,
        driver: PathBuf,
    },
    Node {
        driver: PathBuf,
    },
}

/// A labelled way of running a module.
#[derive(Clone, Debug)]
pub struct Runner {
    pub label: String,
    pub kind: Kind,
    /// The peer's version, when it says.
    pub version: Option<String>,
    /// Stop after compiling: nothing is instantiated or run (`wlab bench --compile-only`).
    pub compile_only: bool,
}

/// The environment variable that makes the peer drivers stop after compiling.
pub const COMPILE_ONLY_ENV: &str = "WLAB_BENCH_COMPILE_ONLY";

impl Runner {
    pub fn new(label: String, kind: Kind) -> Runner {
        Runner { label, kind, version: None, compile_only: false }
    }

    /// wasmtime and V8, not wlab.
    pub fn is_peer(&self) -> bool {
        match self.kind {
            Kind::Wlab { .. } => false,
            Kind::Wasmtime { .. } | Kind::Node { .. } => true,
        }
    }

    /// The command for `file` (run from the module's folder).
    fn command(&self, file: &Path) -> Command {
        match &self.kind {
            Kind::Wlab { binary, args, .. } => {
                let mut c = Command::new(binary);
                c.args(["run", "--dir", "."]).args(args);
                if self.compile_only {
                    c.arg("--compile-only");
                }
                c.arg(file);
                c
            }
            Kind::Wasmtime { python, driver } => {
                let mut c = Command::new(python);
                c.arg(driver).arg(file);
                c
            }
            Kind::Node { driver } => {
                let mut c = Command::new("node");
                c.args(NODE_FLAGS).arg(driver).arg(file);
                c
            }
        }
    }

    /// The command line with `MODULE` for the module, for the report's legend.
    pub fn describe(&self) -> String {
        let quote = |w: &str| {
            if !w.is_empty() && w.chars().all(|c| c.is_ascii_alphanumeric() || "-_=.,/:+".contains(c)) {
                w.to_string()
            } else {
                format!("'{}'", w.replace('\'', r"'\''"))
            }
        };
        let mut words = match &self.kind {
            Kind::Wlab { binary, other, args } => {
                let b = if *other { binary.display().to_string() } else { "wlab".to_string() };
                let mut w = vec![b, "run".into(), "--dir".into(), ".".into()];
                w.extend(args.iter().cloned());
                if self.compile_only {
                    w.push("--compile-only".into());
                }
                w
            }
            Kind::Wasmtime { python, .. } => vec![python.clone(), "wasmtime_driver.py".into()],
            Kind::Node { .. } => {
                let mut w = vec!["node".to_string()];
                w.extend(NODE_FLAGS.iter().map(|s| s.to_string()));
                w.push("node_driver.mjs".into());
                w
            }
        };
        if self.compile_only && self.is_peer() {
            words.insert(0, format!("{COMPILE_ONLY_ENV}=1"));
        }
        words.push("MODULE".into());
        let line: Vec<String> = words.iter().map(|w| if w == "MODULE" { w.clone() } else { quote(w) }).collect();
        match &self.version {
            Some(v) => format!("{} ({v})", line.join(" ")),
            None => line.join(" "),
        }
    }
}

/// wasmtime (Python package importable with `$WLAB_PYTHON`, default `python3`) and
/// node, when present, with their drivers written to `scratch`; and one line per peer
/// that is absent, saying why.
pub fn find_peers(scratch: &Path) -> Result<(Vec<Runner>, Vec<String>), CliError> {
    let output = |cmd: &mut Command| {
        cmd.stdin(Stdio::null())
            .stderr(Stdio::null())
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
    };
    let write = |name: &str, text: &str| -> Result<PathBuf, CliError> {
        let path = scratch.join(name);
        std::fs::write(&path, text).map_err(|e| CliError::Other(format!("cannot write {}: {e}", path.display())))?;
        Ok(path)
    };
    let mut peers = Vec::new();
    let mut absent = Vec::new();
    let python = std::env::var("WLAB_PYTHON").unwrap_or_else(|_| "python3".to_string());
    let probe = "import importlib.metadata as m, wasmtime; print(m.version('wasmtime'))";
    match output(Command::new(&python).args(["-c", probe])) {
        Some(version) => {
            let driver = write("wasmtime_driver.py", WASMTIME_DRIVER)?;
            let mut r = Runner::new("wasmtime".into(), Kind::Wasmtime { python, driver });
            r.version = Some(format!("wasmtime {version}, Cranelift opt-level speed"));
            peers.push(r);
        }
        None => absent.push(format!("wasmtime: `{python}` cannot import wasmtime (pip install wasmtime; WLAB_PYTHON)")),
    }
    match output(Command::new("node").arg("--version")) {
        Some(version) => {
            let driver = write("node_driver.mjs", NODE_DRIVER)?;
            let mut r = Runner::new("v8".into(), Kind::Node { driver });
            r.version = Some(format!("node {version}, TurboFan"));
            peers.push(r);
        }
        None => absent.push("v8: no `node` on PATH".to_string()),
    }
    Ok((peers, absent))
}

/// Runs `runner` once on a module that does nothing, so a configuration that cannot run
/// at all (an unknown engine or option, a missing binary, a peer's broken set-up) is one
/// error before the benchmark starts rather than a failure in every row.
pub fn preflight(runner: &Runner, scratch: &Path, timeout: Duration) -> Result<(), CliError> {
    const EMPTY: &str = r#"(module (memory (export "memory") 1) (func (export "_start")))"#;
    let dir = scratch.join("preflight");
    let module = dir.join("empty.wasm");
    let bytes = wat::parse_str(EMPTY).expect("the empty module parses");
    std::fs::create_dir_all(&dir)
        .and_then(|()| std::fs::write(&module, bytes))
        .map_err(|e| CliError::Other(format!("cannot write {}: {e}", module.display())))?;
    let sample = run_once(runner, &module, None, timeout, scratch);
    match sample.failure {
        None => Ok(()),
        Some(why) => {
            let hint = if runner.is_peer() { " (--no-peers leaves the peers out)" } else { "" };
            Err(CliError::Other(format!("`{}` cannot run an empty module: {why}{hint}", runner.label)))
        }
    }
}

/// Runs `module` once on `runner` from the module's folder; `expected` is the stdout
/// it must print (line by line), when known.
pub fn run_once(runner: &Runner, module: &Path, expected: Option<&str>, timeout: Duration, scratch: &Path) -> Sample {
    let fail = |why: String| Sample { compile_ms: None, measured_ms: None, peak_rss_mb: None, failure: Some(why) };
    let folder = module.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let file = module.file_name().map(PathBuf::from).unwrap_or_default();
    let times = scratch.join("times.txt");
    let out_path = scratch.join("stdout.txt");
    let err_path = scratch.join("stderr.txt");
    let _ = std::fs::remove_file(&times);
    let (Ok(out), Ok(err)) = (std::fs::File::create(&out_path), std::fs::File::create(&err_path)) else {
        return fail(format!("cannot create output files in {}", scratch.display()));
    };
    let mut cmd = runner.command(&file);
    cmd.current_dir(folder).env("BENCH_TIMES_FILE", &times).stdin(Stdio::null()).stdout(out).stderr(err);
    if runner.compile_only {
        cmd.env(COMPILE_ONLY_ENV, "1");
    }
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => return fail(format!("cannot start {}: {e}", cmd.get_program().to_string_lossy())),
    };
    let start = Instant::now();
    let (status, peak_rss_mb) = loop {
        match wait_with_peak_rss(&child) {
            Ok(Some(done)) => break done,
            Ok(None) if start.elapsed() > timeout => {
                let _ = child.kill();
                let _ = child.wait();
                return fail(format!("timed out after {} s", timeout.as_secs()));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => return fail(format!("waiting for it failed: {e}")),
        }
    };
    if !status.success() {
        let stderr = std::fs::read(&err_path).unwrap_or_default();
        let stderr = String::from_utf8_lossy(&stderr);
        let first = stderr.lines().map(str::trim).find(|l| !l.is_empty());
        let how = {
            use std::os::unix::process::ExitStatusExt;
            match (status.code(), status.signal()) {
                (Some(c), _) => format!("exit status {c}"),
                (None, Some(s)) => format!("killed by signal {s}"),
                (None, None) => "failed".to_string(),
            }
        };
        return fail(match first {
            Some(line) => format!("{how}: {}", clip(line, 200)),
            None => format!("{how}, nothing on stderr"),
        });
    }
    if let (Some(want), false) = (expected, runner.compile_only) {
        let got = std::fs::read(&out_path).unwrap_or_default();
        if let Some(why) = first_difference(want, &String::from_utf8_lossy(&got)) {
            return fail(why);
        }
    }
    let text = std::fs::read_to_string(&times).unwrap_or_default();
    let (compile_ms, measured_ms) = event_times(&text);
    Sample { compile_ms, measured_ms, peak_rss_mb: Some(peak_rss_mb), failure: None }
}

/// Reaps `child` if it has ended (without blocking): its exit status and peak resident
/// memory in MB (`ru_maxrss` of `wait4`, the child's own process). `Ok(None)` while it runs.
fn wait_with_peak_rss(child: &std::process::Child) -> std::io::Result<Option<(std::process::ExitStatus, f64)>> {
    use std::os::unix::process::ExitStatusExt;
    let mut status: libc::c_int = 0;
    // SAFETY: `rusage` is plain old data, and `wait4` only writes `status` and `usage`.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = child.id() as libc::pid_t;
    match unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) } {
        0 => Ok(None),
        r if r == pid => Ok(Some((std::process::ExitStatus::from_raw(status), usage.ru_maxrss as f64 / 1024.0))),
        _ => Err(std::io::Error::last_os_error()),
    }
}

/// `stdout differs at line N: expected "...", got "..."`, or `None` when the lines agree.
pub fn first_difference(want: &str, got: &str) -> Option<String> {
    let show = |l: Option<&str>| l.map_or("the end of the output".to_string(), |s| format!("{:?}", clip(s, 60)));
    let (mut w, mut g) = (want.lines(), got.lines());
    let mut n = 0;
    loop {
        n += 1;
        match (w.next(), g.next()) {
            (None, None) => return None,
            (a, b) if a == b => {}
            (a, b) => return Some(format!("stdout differs at line {n}: expected {}, got {}", show(a), show(b))),
        }
    }
}

/// At most `n` characters of `s`, with `...` when cut.
fn clip(s: &str, n: usize) -> String {
    match s.char_indices().nth(n) {
        Some((i, _)) => format!("{}...", &s[..i]),
        None => s.to_string(),
    }
}

/// Compile time (`compile_start`..`compile_end`) and measured time (the sum of the
/// `bench_start`..`bench_end` regions) from `<event> <ns>` lines, in ms.
fn event_times(text: &str) -> (Option<f64>, Option<f64>) {
    let events: Vec<(&str, u64)> =
        text.lines().filter_map(|l| l.split_once(' ').and_then(|(e, t)| Some((e, t.trim().parse().ok()?)))).collect();
    let at = |name: &str| events.iter().find(|(e, _)| *e == name).map(|&(_, t)| t);
    let compile = match (at("compile_start"), at("compile_end")) {
        (Some(a), Some(b)) => Some(b.saturating_sub(a) as f64 / 1e6),
        _ => None,
    };
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
    (compile, measured)
}

#[cfg(test)]
mod tests {
    use super::{event_times, first_difference};

    #[test]
    fn the_first_differing_line_is_named() {
        assert_eq!(first_difference("a\nb\n", "a\nb"), None);
        assert_eq!(first_difference("a\nb\n", "a\nc\n").unwrap(), r#"stdout differs at line 2: expected "b", got "c""#);
        assert_eq!(
            first_difference("a\nb\n", "a\n").unwrap(),
            r#"stdout differs at line 2: expected "b", got the end of the output"#
        );
    }

    #[test]
    fn measured_regions_add_up() {
        let (c, m) = event_times("compile_start 1000000\ncompile_end 3000000\nbench_start 5000000\nbench_end 6000000\nbench_start 7000000\nbench_end 9000000\n");
        assert_eq!((c, m), (Some(2.0), Some(3.0)));
    }
}
