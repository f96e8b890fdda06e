//! What the x86-64 instruction selection's pattern matches compute: the script
//! `programs/x64-selection.wast` (double-precision shifts, rotates, stores of constants,
//! BMI1 `andn`, BMI2 shifts by a register, an `and` tested as `test`, loads read by their
//! ALU user, with their traps, switches lowered as lookup tables) on native x86-64 as
//! translated, after O2 and with only 4 registers per class, with regalloc2's checker on.
//! The code these patterns become is pinned by the file tests
//! `filetests/x64/double-shift.wat`, `store-constants.wat`, `and-not.wat`,
//! `and-tested.wat`, `load-operand.wat` and `switch-table.wat`; this test checks the
//! values, which the spec suite rarely reaches for these shapes. (The BMI forms run only
//! where this machine has BMI1/BMI2, as every x86-64-v3 CPU does.)

use wlab_backends::{AllocAlgorithm, AllocOptions};
use wlab_runtime::native::NativeEngine;
use wlab_runtime::Engine;
use wlab_tests::selection::run_script;

const SCRIPT: &str = include_str!("../programs/x64-selection.wast");

fn native(regs: Option<usize>) -> Box<dyn Engine> {
    Box::new(NativeEngine {
        alloc: AllocOptions { algorithm: AllocAlgorithm::Ion, regs, check: true, ..AllocOptions::default() },
        ..NativeEngine::default()
    })
}

fn run(engine: Box<dyn Engine>, pipeline: Option<&str>) {
    run_script("x64-selection.wast", SCRIPT, engine, pipeline, 400);
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
