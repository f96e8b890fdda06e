//! `wlab difftest --program MOD [ARGS]`: a whole-program differential. Runs a real WASI
//! program twice as `wlab run` processes — under the pipeline on the chosen engine, and
//! on the interpreter with no passes (the reference) — and compares stdout, stderr, exit
//! status and a hash of final memory 0 (`wlab run --memory-hash`). One line per
//! difference; the exit status is 1 when there is any.
//!
//! Both runs get the same arguments, `--dir`/`--env` grants, limits and an empty stdin.
//! Stderr lines wlab itself writes (`wlab: ...`: trap descriptions, hints) are compared
//! too: a trap in one run only is a difference. This file never runs wasm in-process.

use crate::cli::DifftestArgs;
use crate::CliError;
use std::path::Path;
use std::process::{Command, Stdio};

/// What one run did.
#[derive(Debug, serde::Serialize)]
pub struct ProgramRun {
    pub command: String,
    pub status: Option<i32>,
    pub stdout_bytes: usize,
    pub stderr_bytes: usize,
    /// FNV-1a of final memory 0 (hex), when the program was instantiated.
    pub memory_hash: Option<String>,
    #[serde(skip)]
    stdout: Vec<u8>,
    #[serde(skip)]
    stderr: Vec<u8>,
}

/// The comparison.
#[derive(Debug, serde::Serialize)]
pub struct ProgramReport {
    pub program: String,
    pub subject: ProgramRun,
    pub reference: ProgramRun,
    /// One line per difference.
    pub differences: Vec<String>,
}

fn run_one(words: &[String], hash_file: &Path) -> Result<ProgramRun, CliError> {
    let exe = std::env::current_exe().map_err(|e| CliError::Other(format!("cannot find the wlab binary: {e}")))?;
    let out = Command::new(&exe)
        .args(words)
        .stdin(Stdio::null())
        .env_remove(crate::run::BENCH_TIMES_ENV)
        .output()
        .map_err(|e| CliError::Other(format!("cannot run {}: {e}", exe.display())))?;
    let memory_hash = std::fs::read_to_string(hash_file).ok().map(|s| s.trim().to_string());
    let _ = std::fs::remove_file(hash_file);
    Ok(ProgramRun {
        command: format!("wlab {}", words.join(" ")),
        status: out.status.code(),
        stdout_bytes: out.stdout.len(),
        stderr_bytes: out.stderr.len(),
        memory_hash,
        stdout: out.stdout,
        stderr: out.stderr,
    })
}

/// The first differing line of two outputs, shown briefly.
fn first_line_difference(a: &[u8], b: &[u8]) -> String {
    let (a, b) = (String::from_utf8_lossy(a), String::from_utf8_lossy(b));
    let (mut la, mut lb) = (a.lines(), b.lines());
    let mut n = 1;
    loop {
        match (la.next(), lb.next()) {
            (Some(x), Some(y)) if x == y => n += 1,
            (x, y) => {
                let show = |l: Option<&str>| match l {
                    Some(l) if l.len() > 80 => format!("`{}...`", &l[..l.floor_char_boundary(80)]),
                    Some(l) => format!("`{l}`"),
                    None => "end of output".to_string(),
                };
                return format!("line {n}: {} vs {}", show(x), show(y));
            }
        }
    }
}

/// Runs the comparison for `args` (whose `program` is set).
pub fn compare(args: &DifftestArgs, program: &Path) -> Result<ProgramReport, CliError> {
    let tmp = std::env::temp_dir();
    let pid = std::process::id();
    let (hash_s, hash_r) =
        (tmp.join(format!("wlab-difftest-{pid}-s.hash")), tmp.join(format!("wlab-difftest-{pid}-r.hash")));
    let mut common: Vec<String> = Vec::new();
    for d in &args.dirs {
        common.extend(["--dir".into(), d.clone()]);
    }
    for e in &args.env {
        common.extend(["--env".into(), e.clone()]);
    }
    let l = &args.limits;
    let mut push = |flag: &str, v: Option<String>| {
        if let Some(v) = v {
            common.extend([flag.to_string(), v]);
        }
    };
    push("--fuel", l.fuel.map(|v| v.to_string()));
    push("--timeout", l.timeout.map(|v| v.to_string()));
    push("--max-memory-pages", l.max_memory_pages.map(|v| v.to_string()));
    push("--max-interp-stack", l.max_interp_stack.map(|v| v.to_string()));
    let tail = |hash: &Path| -> Vec<String> {
        let mut w = vec!["--memory-hash".to_string(), hash.display().to_string(), program.display().to_string()];
        w.extend(args.program_args.iter().cloned());
        w
    };
    let passes = args.pipeline.passes.clone().unwrap_or_else(|| "O2".into());
    let mut subject = vec!["run".to_string(), "--engine".into(), args.engine.engine.clone(), "--passes".into(), passes];
    if let Some(r) = &args.pipeline.rules {
        subject.extend(["--rules".into(), r.display().to_string()]);
    }
    subject.extend(args.engine.alloc.run_args());
    subject.extend(common.iter().cloned());
    subject.extend(tail(&hash_s));
    let mut reference = vec!["run".to_string(), "--engine".into(), "interp".into(), "--passes".into(), "O0".into()];
    reference.extend(common.iter().cloned());
    reference.extend(tail(&hash_r));
    let s = run_one(&subject, &hash_s)?;
    let r = run_one(&reference, &hash_r)?;
    let mut differences = Vec::new();
    if s.status != r.status {
        differences.push(format!("exit status: {:?} under the pipeline, {:?} in the reference", s.status, r.status));
    }
    if s.stdout != r.stdout {
        differences.push(format!(
            "stdout ({} vs {} bytes): {}",
            s.stdout.len(),
            r.stdout.len(),
            first_line_difference(&s.stdout, &r.stdout)
        ));
    }
    if s.stderr != r.stderr {
        differences.push(format!(
            "stderr ({} vs {} bytes): {}",
            s.stderr.len(),
            r.stderr.len(),
            first_line_difference(&s.stderr, &r.stderr)
        ));
    }
    if s.memory_hash != r.memory_hash {
        let show = |h: &Option<String>| h.clone().unwrap_or_else(|| "none".into());
        differences.push(format!("final memory hash: {} vs {}", show(&s.memory_hash), show(&r.memory_hash)));
    }
    Ok(ProgramReport { program: program.display().to_string(), subject: s, reference: r, differences })
}

impl ProgramReport {
    pub fn render_text(&self) -> String {
        let mut s = String::new();
        s.push_str(&format!("program: {}\n", self.program));
        for (what, run) in [("subject", &self.subject), ("reference", &self.reference)] {
            s.push_str(&format!(
                "{what}: {} -> exit {}, stdout {} bytes, stderr {} bytes, memory {}\n",
                run.command,
                run.status.map_or("none (killed)".into(), |c| c.to_string()),
                run.stdout_bytes,
                run.stderr_bytes,
                run.memory_hash.as_deref().unwrap_or("none")
            ));
        }
        for d in &self.differences {
            s.push_str(&format!("difference: {d}\n"));
        }
        if self.differences.is_empty() {
            s.push_str("no difference\n");
        }
        s
    }
}
