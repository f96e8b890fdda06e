//! What the x86-64 instruction selection's pattern matches compute: the script
//! `programs/x64-selection.wast` (double-precision shifts, rotates, stores of constants)
//! on native x86-64 as translated, after O2 and with only 4 registers per class, with
//! regalloc2's checker on. The code these patterns become is pinned by the file tests
//! `filetests/x64/double-shift.wat` and `filetests/x64/store-constants.wat`; this test
//! checks the values, which the spec suite rarely reaches for these shapes.

use wlab_backends::{AllocAlgorithm, AllocOptions};
use wlab_explorer::engines::PipelineEngine;
use wlab_runtime::native::NativeEngine;
use wlab_runtime::wast::run_wast_text;
use wlab_runtime::Engine;

const SCRIPT: &str = include_str!("../programs/x64-selection.wast");

fn native(regs: Option<usize>) -> Box<dyn Engine> {
    Box::new(NativeEngine {
        alloc: AllocOptions { algorithm: AllocAlgorithm::Ion, regs, check: true, ..AllocOptions::default() },
        ..NativeEngine::default()
    })
}

fn run(engine: Box<dyn Engine>, pipeline: Option<&str>) {
    let engine: Box<dyn Engine> = match pipeline {
        None => engine,
        Some(p) => Box::new(PipelineEngine { pipeline: wlab_passes::Pipeline::parse(p).unwrap(), inner: engine }),
    };
    let report = run_wast_text("x64-selection.wast", SCRIPT, engine.as_ref()).expect("script runs");
    assert_eq!(report.failed, 0, "{}", report.failures.join("\n"));
    assert_eq!(report.skipped, 0, "{}", report.skips.join("\n"));
    assert!(report.passed > 300, "{report}");
}

#[test]
fn patterns_compute_the_wasm_values_as_translated() {
    run(native(None), None);
}

#[test]
fn patterns_compute_the_wasm_values_after_o2() {
    run(native(None), Some("O2"));
}

#[test]
fn patterns_compute_the_wasm_values_with_four_registers() {
    run(native(Some(4)), Some("O2"));
}
