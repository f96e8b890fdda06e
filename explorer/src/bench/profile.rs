//! `wlab bench --profile`: after the timed rounds, one more run per module on the first
//! `--engine x86_64` configuration with `wlab run --profile sample --profile-out FILE`
//! (the runtime's SIGPROF sampler, see `wlab_runtime::profile::sampler`), so the timed
//! runs are not slowed by sampling and no `perf` is needed. Its hottest functions go in
//! the report. Never times anything; a failed profiling run is reported, not counted as a
//! failed benchmark run.

use super::runner::{run_once, Kind, Runner};
use crate::profile::HotFunctions;
use serde::Serialize;
use std::path::Path;
use std::time::Duration;

/// One module's profile.
#[derive(Clone, Debug, Serialize)]
pub struct ModuleProfile {
    pub module: String,
    pub runner: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub profile: Option<HotFunctions>,
    /// Why there is no profile.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure: Option<String>,
}

/// The configuration `--profile` runs: the first `--engine x86_64` one of this binary.
pub fn profiled_runner(runners: &[Runner]) -> Option<&Runner> {
    runners.iter().find(|r| match &r.kind {
        Kind::Wlab { other: false, args, .. } => args.len() >= 2 && args[0] == "--engine" && args[1] == "x86_64",
        Kind::Wlab { .. } | Kind::Wasmtime { .. } | Kind::Node { .. } => false,
    })
}

/// Runs `module` once on `runner` with the sampler on.
pub fn profile_module(
    runner: &Runner,
    module: &Path,
    name: &str,
    expected: Option<&str>,
    timeout: Duration,
    scratch: &Path,
) -> ModuleProfile {
    let out = scratch.join("profile.json");
    let _ = std::fs::remove_file(&out);
    let mut r = runner.clone();
    if let Kind::Wlab { args, .. } = &mut r.kind {
        args.extend(["--profile".to_string(), "sample".to_string(), "--profile-out".to_string()]);
        args.push(out.display().to_string());
    }
    let sample = run_once(&r, module, expected, timeout, scratch);
    let (profile, failure) = match sample.failure {
        Some(why) => (None, Some(why)),
        None => match std::fs::read_to_string(&out)
            .map_err(|e| e.to_string())
            .and_then(|t| serde_json::from_str::<HotFunctions>(&t).map_err(|e| format!("unreadable profile: {e}")))
        {
            Ok(p) => (Some(p), None),
            Err(e) => (None, Some(e)),
        },
    };
    ModuleProfile { module: name.to_string(), runner: runner.label.clone(), profile, failure }
}
