//! Runs an instruction-selection script (`programs/*-selection.wast`) on one engine, as
//! translated or after a pipeline, and asserts that every assertion passed. Shared by the
//! per-target selection tests (`tests/x64_selection.rs`, `tests/aarch64_selection.rs`);
//! it never chooses the engine or its allocator options.

use wlab_explorer::engines::PipelineEngine;
use wlab_runtime::wast::run_wast_text;
use wlab_runtime::Engine;

/// Runs `script` (named `name` in messages) on `engine`, after `pipeline` when given, and
/// asserts no failure, no skip and more than `min_passed` passed assertions.
pub fn run_script(name: &str, script: &str, engine: Box<dyn Engine>, pipeline: Option<&str>, min_passed: usize) {
    let engine: Box<dyn Engine> = match pipeline {
        None => engine,
        Some(p) => Box::new(PipelineEngine { pipeline: wlab_passes::Pipeline::parse(p).unwrap(), inner: engine }),
    };
    let report = run_wast_text(name, script, engine.as_ref()).expect("script runs");
    assert_eq!(report.failed, 0, "{}", report.failures.join("\n"));
    assert_eq!(report.skipped, 0, "{}", report.skips.join("\n"));
    assert!(report.passed > min_passed, "{report}");
}
