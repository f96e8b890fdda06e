//! `wlab bench`'s progress on stderr while it runs: which run of how many, the round,
//! the module (i of n), the runner and the time elapsed — one line rewritten in place on
//! a terminal, plain lines otherwise — and a lasting line for every failed run. Never
//! writes to stdout (the report goes there).

use std::io::{IsTerminal, Write};
use std::time::Instant;

pub struct Progress {
    terminal: bool,
    start: Instant,
    total: usize,
    done: usize,
}

/// Where a run stands in the benchmark.
pub struct Step<'a> {
    pub round: usize,
    pub rounds: usize,
    pub module: usize,
    pub modules: usize,
    pub name: &'a str,
    pub runner: &'a str,
}

impl Progress {
    /// `total` runs to come.
    pub fn new(total: usize) -> Progress {
        Progress { terminal: std::io::stderr().is_terminal(), start: Instant::now(), total, done: 0 }
    }

    /// A lasting line.
    pub fn note(&self, line: &str) {
        let mut err = std::io::stderr().lock();
        let clear = if self.terminal { "\r\x1b[K" } else { "" };
        let _ = writeln!(err, "{clear}wlab bench: {line}");
    }

    /// A run starts.
    pub fn step(&mut self, s: &Step<'_>) {
        self.done += 1;
        let line = format!(
            "run {}/{}: round {}/{}, module {}/{} {}, {}, {:.1} s",
            self.done,
            self.total,
            s.round + 1,
            s.rounds,
            s.module + 1,
            s.modules,
            s.name,
            s.runner,
            self.start.elapsed().as_secs_f64()
        );
        let mut err = std::io::stderr().lock();
        if self.terminal {
            let _ = write!(err, "\r\x1b[K{line}");
            let _ = err.flush();
        } else {
            let _ = writeln!(err, "wlab bench: {line}");
        }
    }

    /// Clears the rewritten line.
    pub fn finish(&self) {
        if self.terminal {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[K");
            let _ = err.flush();
        }
    }
}
