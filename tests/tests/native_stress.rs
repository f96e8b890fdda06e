//! Register-pressure stress test for native code (`wlab_tests::stress`): one generated function with 1,000
//! locals and 20,000 wasm instructions (`wlab scaling`'s generator: arithmetic, loads,
//! stores, calls, nested ifs, blocks and loops) compiles, runs and matches the
//! interpreter — its result and every byte of its memory — under both allocators, with
//! only 4 registers per class, and after O2; and under Ion that splits instead of
//! evicting wherever two bundles conflict. Allocation runs with regalloc2's checker.

use wlab_backends::AllocOptions;
use wlab_runtime::native::NativeEngine;
use wlab_runtime::Engine;

#[test]
fn large_function_matches_the_interpreter_under_pressure() {
    wlab_tests::stress::check_engine(&|algorithm, regs| -> Box<dyn Engine> {
        Box::new(NativeEngine {
            alloc: AllocOptions { algorithm, regs, check: true, ..AllocOptions::default() },
            ..NativeEngine::default()
        })
    });
}

/// Ion with `ion_max_conflicts` 1: nearly every register that conflicts with a bundle is
/// only a place to split it (patch 7's path in `vendor/regalloc2`), never one to evict
/// for. The allocation passes regalloc2's checker and the code still matches the
/// interpreter, with all registers and with 4 per class.
#[test]
fn ion_splitting_instead_of_evicting_matches_the_interpreter() {
    let engine = |regs| -> Box<dyn Engine> {
        Box::new(NativeEngine {
            alloc: AllocOptions { regs, check: true, ion_max_conflicts: 1, ..AllocOptions::default() },
            ..NativeEngine::default()
        })
    };
    wlab_tests::stress::check_configs(vec![
        ("ion-conflicts1", engine(None)),
        ("ion-conflicts1-regs4", engine(Some(4))),
    ]);
}
