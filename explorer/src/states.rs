//! Recording folders (`wlab run --record DIR`): writes what the recorder saved, one
//! `f<index>.json` per function (`wlab_ir::interp::state::FunctionStates`) and an
//! `index.json` summary, and reads a function's states back for `--check --states DIR`.
//! This file only moves states between memory and disk; it never records or replays.

use crate::CliError;
use std::path::Path;
use wlab_ir::interp::state::{file_name, FunctionStates, RecordedState, FORMAT_VERSION};
use wlab_runtime::record::Recording;

/// `index.json`: what the run recorded.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct Index {
    pub version: u32,
    pub module: String,
    /// FNV-1a of the module file's bytes (hex): states replay only on that module.
    pub module_hash: String,
    /// Approximate bytes of the saved states.
    pub bytes: u64,
    /// Whether `--record-bytes` stopped the sampling.
    pub limit_hit: bool,
    /// (function index, name, calls seen, states saved, states dropped).
    pub functions: Vec<(u32, String, u64, usize, usize)>,
}

/// Writes `rec` into `dir` (created if missing); the summary line for stderr.
pub fn write(dir: &Path, module: &Path, bytes: &[u8], rec: &Recording, limit: u64) -> Result<String, CliError> {
    let io = |e: std::io::Error| CliError::Other(format!("cannot write recording {}: {e}", dir.display()));
    std::fs::create_dir_all(dir).map_err(io)?;
    let mut states = 0;
    for f in &rec.functions {
        states += f.states.len();
        let text = serde_json::to_string(f).map_err(|e| CliError::Other(e.to_string()))?;
        std::fs::write(dir.join(file_name(f.func)), text).map_err(io)?;
    }
    let index = Index {
        version: FORMAT_VERSION,
        module: module.display().to_string(),
        module_hash: module_hash(bytes),
        bytes: rec.bytes,
        limit_hit: rec.limit_hit,
        functions: rec
            .functions
            .iter()
            .map(|f| (f.func, f.name.clone(), f.calls_seen, f.states.len(), f.dropped.len()))
            .collect(),
    };
    let text = serde_json::to_string_pretty(&index).map_err(|e| CliError::Other(e.to_string()))?;
    std::fs::write(dir.join("index.json"), text).map_err(io)?;
    let mut line = format!(
        "recorded {states} states of {} functions in {} (about {} bytes; interpreter, IR as translated)",
        rec.functions.iter().filter(|f| !f.states.is_empty()).count(),
        dir.display(),
        rec.bytes
    );
    if rec.limit_hit {
        line.push_str(&format!("; --record-bytes limit ({limit}) reached: later calls were not recorded"));
    }
    Ok(line)
}

fn module_hash(bytes: &[u8]) -> String {
    format!("{:016x}", crate::run::memory_hash(bytes))
}

/// Checks that `dir` is a recording of the module whose bytes are `bytes`.
pub fn check_module(dir: &Path, bytes: &[u8]) -> Result<(), CliError> {
    let path = dir.join("index.json");
    let text = std::fs::read_to_string(&path).map_err(|_| {
        CliError::Other(format!(
            "{} is not a recording folder (no index.json; make one with `wlab run --record DIR`)",
            dir.display()
        ))
    })?;
    let index: Index = serde_json::from_str(&text)
        .map_err(|e| CliError::Other(format!("{}: not a recording index: {e}", path.display())))?;
    if index.module_hash != module_hash(bytes) {
        return Err(CliError::Other(format!(
            "{} was recorded from another module ({}); record this one with `wlab run --record DIR`",
            dir.display(),
            index.module
        )));
    }
    Ok(())
}

/// The recorded states of function `func` in `dir` (none when it has no file).
pub fn load(dir: &Path, func: u32) -> Result<Vec<RecordedState>, CliError> {
    if !dir.join("index.json").is_file() {
        return Err(CliError::Other(format!(
            "{} is not a recording folder (no index.json; make one with `wlab run --record DIR`)",
            dir.display()
        )));
    }
    let path = dir.join(file_name(func));
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(CliError::Other(format!("cannot read {}: {e}", path.display()))),
    };
    let f: FunctionStates = serde_json::from_str(&text)
        .map_err(|e| CliError::Other(format!("{}: not a recorded-states file: {e}", path.display())))?;
    if f.version != FORMAT_VERSION {
        return Err(CliError::Other(format!(
            "{}: format version {}, this wlab reads version {FORMAT_VERSION}",
            path.display(),
            f.version
        )));
    }
    Ok(f.states)
}
