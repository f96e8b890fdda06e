//! `wlab run --profile` and the hottest-functions report `wlab bench --profile` shows.
//!
//! ```text
//!  --profile perfmap  after compiling: /tmp/perf-PID.map (runtime::profile::perf_map), for
//!                     `perf record -e cpu-clock -- wlab run --profile perfmap M` + `perf report`
//!  --profile jitdump  after compiling: /tmp/jit-PID.dump (runtime::profile::jitdump), for
//!                     `perf record -k mono ...` + `perf inject --jit` + `perf report` / `perf annotate`
//!  --profile sample   around instantiation and the run: runtime::profile::sampler (SIGPROF)
//!                     ─▶ HotFunctions ─▶ text on stderr | JSON to --profile-out FILE
//! ```
//!
//! Only the x86-64 engine runs code a profiler of this process can see: any other engine
//! is a one-line error before anything is compiled. This file renders and checks; it never
//! runs wasm itself.

use crate::CliError;
use serde::{Deserialize, Serialize};
use std::fmt::Write;
use wlab_runtime::profile::sampler::Profile;

/// How `wlab run` profiles.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProfileMode {
    /// Write perf's map of the compiled code.
    PerfMap,
    /// Write perf's jitdump (names and code) for `perf inject --jit`.
    JitDump,
    /// Sample the interrupted pc every `SAMPLE_INTERVAL` of wall-clock time.
    Sample,
}

impl ProfileMode {
    pub const NAMES: &'static [&'static str] = &["perfmap", "jitdump", "sample"];

    /// Parses `--profile` (unknown names list the valid ones).
    pub fn parse(s: &str) -> Result<ProfileMode, CliError> {
        match s {
            "perfmap" => Ok(ProfileMode::PerfMap),
            "jitdump" => Ok(ProfileMode::JitDump),
            "sample" => Ok(ProfileMode::Sample),
            _ => Err(CliError::Other(format!("unknown profile mode `{s}`; valid: {}", Self::NAMES.join(", ")))),
        }
    }

    /// Refuses engines whose code this process's profilers cannot see.
    pub fn check_engine(self, engine: &str) -> Result<(), CliError> {
        let why = match engine {
            "x86_64" => return Ok(()),
            "interp" => "the interpreter runs no machine code",
            "aarch64" => {
                "AArch64 code runs inside Unicorn's emulator, where perf and the sampler see only the emulator"
            }
            // Unknown names are reported by the engine lookup, which lists the valid ones.
            _ => return Ok(()),
        };
        Err(CliError::Other(format!("--profile is not supported on engine {engine}: {why}; use --engine x86_64")))
    }
}

/// One function's share of the samples.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HotFunction {
    pub name: String,
    pub samples: u64,
    pub percent: f64,
}

/// What the sampler saw in one run, as `--profile-out` writes it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HotFunctions {
    pub interval_us: u64,
    pub samples: u64,
    /// Samples outside compiled code: libcalls, WASI and the rest of the runtime.
    pub outside_code: u64,
    /// Every function (and the entry trampoline) with a sample, most first.
    pub functions: Vec<HotFunction>,
}

impl HotFunctions {
    pub fn from_profile(p: &Profile) -> HotFunctions {
        let pct = |n: u64| if p.total == 0 { 0.0 } else { 100.0 * n as f64 / p.total as f64 };
        HotFunctions {
            interval_us: p.interval.as_micros() as u64,
            samples: p.total,
            outside_code: p.outside,
            functions: p
                .symbols
                .iter()
                .map(|(name, n)| HotFunction { name: name.clone(), samples: *n, percent: pct(*n) })
                .collect(),
        }
    }
}

/// How many functions the text reports list.
pub const TOP_FUNCTIONS: usize = 10;

/// The text report: a header line, then `percent samples name` for the `top` hottest
/// functions and the share outside compiled code, each line prefixed by `indent`.
pub fn render(h: &HotFunctions, top: usize, indent: &str) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{indent}{} samples (one per {} us); {} in compiled code",
        h.samples,
        h.interval_us,
        h.samples - h.outside_code
    );
    for f in h.functions.iter().take(top) {
        let _ = writeln!(s, "{indent}{:>6.1}%  {:>7}  {}", f.percent, f.samples, f.name);
    }
    if h.functions.len() > top {
        let rest: u64 = h.functions[top..].iter().map(|f| f.samples).sum();
        let pct = 100.0 * rest as f64 / h.samples.max(1) as f64;
        let _ = writeln!(s, "{indent}{pct:>6.1}%  {rest:>7}  ({} more functions)", h.functions.len() - top);
    }
    if h.outside_code > 0 {
        let pct = 100.0 * h.outside_code as f64 / h.samples.max(1) as f64;
        let _ =
            writeln!(s, "{indent}{pct:>6.1}%  {:>7}  (outside compiled code: runtime, libcalls, WASI)", h.outside_code);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn the_report_lists_the_hottest_first_and_what_ran_outside() {
        let p = Profile {
            interval: Duration::from_millis(1),
            total: 10,
            outside: 2,
            symbols: vec![("mmul".into(), 6), ("main".into(), 1), ("init".into(), 1)],
        };
        let h = HotFunctions::from_profile(&p);
        assert_eq!(
            render(&h, 2, "  "),
            concat!(
                "  10 samples (one per 1000 us); 8 in compiled code\n",
                "    60.0%        6  mmul\n",
                "    10.0%        1  main\n",
                "    10.0%        1  (1 more functions)\n",
                "    20.0%        2  (outside compiled code: runtime, libcalls, WASI)\n",
            )
        );
    }

    #[test]
    fn engines_without_visible_machine_code_are_refused() {
        assert!(ProfileMode::Sample.check_engine("x86_64").is_ok());
        let e = ProfileMode::PerfMap.check_engine("interp").unwrap_err().to_string();
        assert_eq!(
            e,
            "--profile is not supported on engine interp: the interpreter runs no machine code; use --engine x86_64"
        );
        assert_eq!(ProfileMode::parse("jitdump").unwrap(), ProfileMode::JitDump);
        assert!(ProfileMode::parse("perf").unwrap_err().to_string().contains("valid: perfmap, jitdump, sample"));
    }
}
