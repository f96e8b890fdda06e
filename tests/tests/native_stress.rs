//! Register-pressure stress test for native code (`wlab_tests::stress`): one generated function with 1,000
//! locals and 20,000 wasm instructions (`wlab scaling`'s generator: arithmetic, loads,
//! stores, calls, nested ifs, blocks and loops) compiles, runs and matches the
//! interpreter — its result and every byte of its memory — under both allocators, with
//! only 4 registers per class, and after O2. Allocation runs with regalloc2's checker.

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
