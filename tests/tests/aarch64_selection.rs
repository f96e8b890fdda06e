//! What the AArch64 instruction selection's pattern matches compute: the script
//! `programs/aarch64-selection.wast` (adds and subtracts of a shifted register, zero
//! extensions, magic-number division, wide constants, `bic`/`orn`/`eon`, switches lowered
//! as lookup tables) on emulated AArch64 as translated, after O2 and with only 4 registers
//! per class, with regalloc2's checker on. The code these patterns become is pinned by the
//! file tests `filetests/aarch64/shifted-add.wat`, `logic-not.wat` and `switch-table.wat`;
//! this test checks the values.

use wlab_backends::{AllocAlgorithm, AllocOptions};
use wlab_runtime::native_aarch64::Aarch64Engine;
use wlab_runtime::Engine;
use wlab_tests::selection::run_script;

const SCRIPT: &str = include_str!("../programs/aarch64-selection.wast");

fn aarch64(regs: Option<usize>) -> Box<dyn Engine> {
    Box::new(Aarch64Engine {
        alloc: AllocOptions { algorithm: AllocAlgorithm::Ion, regs, check: true, ..AllocOptions::default() },
        ..Aarch64Engine::default()
    })
}

fn run(engine: Box<dyn Engine>, pipeline: Option<&str>) {
    run_script("aarch64-selection.wast", SCRIPT, engine, pipeline, 180);
}

#[test]
fn patterns_compute_the_wasm_values_as_translated() {
    run(aarch64(None), None);
}

#[test]
fn patterns_compute_the_wasm_values_after_o2() {
    run(aarch64(None), Some("O2"));
}

#[test]
fn patterns_compute_the_wasm_values_with_four_registers() {
    run(aarch64(Some(4)), Some("O2"));
}
