//! Parallel compilation is deterministic: a generated module and the largest benchmark
//! modules compiled at O2 with 1 thread and with 4 threads give byte-identical machine code,
//! and so does the fused path (O2 run inside each function's compile task) with the IR
//! handed over, and with each function translated in its compile task too (as `wlab run`
//! does).
//! The benchmark modules' trials are ignored, with the reason, where the benchmark folder is
//! absent (see `wlab_tests::bench`).

use libtest_mimic::{Arguments, Completion, Failed, Trial};
use std::sync::Arc;
use wlab_runtime::native::NativeEngine;

fn code(bytes: &[u8], threads: usize) -> Vec<u8> {
    let mut module = wlab_ir::translate::translate_module(bytes).expect("translates");
    let o2 = wlab_passes::Pipeline::parse("O2").unwrap();
    for f in &mut module.functions {
        wlab_explorer::pipeline::apply(f, &o2).expect("O2 runs");
    }
    let engine = NativeEngine { threads: Some(threads), ..NativeEngine::default() };
    engine.compile(Arc::new(module)).expect("compiles").code().to_vec()
}

/// Runs `pipeline` on `f` as an engine's per-function transform does.
fn apply_in_task(f: &mut wlab_ir::Function, pipeline: &wlab_passes::Pipeline) -> Result<(), wlab_runtime::EngineError> {
    wlab_explorer::pipeline::apply(f, pipeline)
        .map_err(|e| wlab_runtime::EngineError::Unsupported { engine: "x86_64", reason: e.to_string() })
}

/// The code when O2 runs inside each function's compile task (`compile_with`).
fn fused_code(bytes: &[u8], threads: usize) -> Vec<u8> {
    let module = wlab_ir::translate::translate_module(bytes).expect("translates");
    let o2 = wlab_passes::Pipeline::parse("O2").unwrap();
    let transform = |f: &mut wlab_ir::Function| apply_in_task(f, &o2);
    let engine = NativeEngine { threads: Some(threads), ..NativeEngine::default() };
    engine.compile_with(Arc::new(module), Some(&transform)).expect("compiles").code().to_vec()
}

/// The code when each function is also translated inside its compile task
/// (`compile_reader`, what `wlab run` does).
fn translated_in_task_code(bytes: &[u8], threads: usize) -> Vec<u8> {
    let reader = wlab_ir::translate::read_module(bytes).expect("reads");
    let o2 = wlab_passes::Pipeline::parse("O2").unwrap();
    let transform = |f: &mut wlab_ir::Function| apply_in_task(f, &o2);
    let engine = NativeEngine { threads: Some(threads), ..NativeEngine::default() };
    engine.compile_reader(reader, Some(&transform)).expect("compiles").code().to_vec()
}

fn same_bytes(module: &[u8]) -> Result<(), Failed> {
    let one = code(module, 1);
    let four = code(module, 4);
    let fused = fused_code(module, 2);
    let translated_in_task = translated_in_task_code(module, 2);
    match (one.is_empty(), one == four, one == fused, one == translated_in_task) {
        (true, ..) => Err("no code".into()),
        (false, false, ..) => Err("code differs between 1 and 4 threads".into()),
        (false, true, false, _) => Err("code differs between the phased and the fused path".into()),
        (false, true, true, false) => {
            Err("code differs between the phased path and translating in each compile task".into())
        }
        (false, true, true, true) => Ok(()),
    }
}

fn main() {
    let args = Arguments::from_args();
    let mut trials = vec![Trial::test("generated", || {
        same_bytes(&wat::parse_str(wlab_explorer::scaling::generate_module(5_000, 200)).unwrap())
    })];
    for m in ["bz2/benchmark.wasm", "shootout/shootout-minicsv.wasm", "quicksort/benchmark.wasm"] {
        trials.push(Trial::ignorable_test(format!("bench/{m}"), move || match wlab_tests::bench::bench_dir() {
            Ok(dir) => {
                let bytes = std::fs::read(dir.join(m)).map_err(|e| format!("{m}: {e}"))?;
                same_bytes(&bytes).map(|()| Completion::Completed)
            }
            Err(reason) => Ok(Completion::ignored_with(reason)),
        }));
    }
    libtest_mimic::run(&args, trials).exit();
}
