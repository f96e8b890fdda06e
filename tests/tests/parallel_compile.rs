//! Parallel compilation is deterministic: the largest benchmark modules (and a generated
//! one) compiled at O2 with 1 thread and with 4 threads give byte-identical machine code.

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

#[test]
fn one_thread_and_four_threads_give_the_same_bytes() {
    let mut modules: Vec<Vec<u8>> = Vec::new();
    let bench = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/bench");
    for m in ["bz2/benchmark.wasm", "shootout/shootout-minicsv.wasm", "quicksort/benchmark.wasm"] {
        if let Ok(b) = std::fs::read(bench.join(m)) {
            modules.push(b);
        }
    }
    modules.push(wat::parse_str(wlab_explorer::scaling::generate_module(5_000, 200)).unwrap());
    for (i, m) in modules.iter().enumerate() {
        let one = code(m, 1);
        let four = code(m, 4);
        assert!(!one.is_empty());
        assert!(one == four, "module {i}: code differs between 1 and 4 threads");
    }
}
