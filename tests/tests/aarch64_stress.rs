//! Register-pressure stress test for AArch64 code under Unicorn: the generated function with
//! 1,000 locals and 20,000 wasm instructions (`wlab scaling`'s generator) compiles, runs and
//! matches the interpreter — its result and every byte of its memory — under both allocators,
//! with only 4 registers per class, and after O2. Allocation runs with regalloc2's checker.
//! Needs the `unicorn` feature (Debian's libunicorn-dev).

use wlab_backends::{AllocAlgorithm, AllocOptions};
use wlab_explorer::engines::PipelineEngine;
use wlab_ir::interp::Val;
use wlab_runtime::native_aarch64::Aarch64Engine;
use wlab_runtime::{instantiate_module, invoke, Engine, InterpEngine, Linker, Store};

fn run(engine: &dyn Engine, bytes: &[u8], args: &[Val]) -> (Vec<Val>, Vec<u8>) {
    let module = wlab_ir::translate::translate_module(bytes).expect("translates");
    wlab_runtime::run_with_big_stack(|| {
        let mut store = Store::new();
        let inst = instantiate_module(&mut store, engine, module, &Linker::new()).expect("instantiates");
        let results = invoke(&mut store, inst, "big", args).expect("runs without trapping");
        let mem = store.instance(inst).memories[0];
        (results, store.memory(mem).bytes.to_vec())
    })
}

#[test]
fn large_function_matches_the_interpreter_under_pressure_on_aarch64() {
    let text = wlab_explorer::scaling::generate_module(20_000, 1_000);
    let bytes = wat::parse_str(&text).expect("generated module parses");
    let args = [Val::I32(5), Val::I32(7)];
    let expected = run(&InterpEngine, &bytes, &args);
    let a64 = |algorithm, regs| -> Box<dyn Engine> {
        Box::new(Aarch64Engine { alloc: AllocOptions { algorithm, regs, check: true } })
    };
    let configs: Vec<(&str, Box<dyn Engine>)> = vec![
        ("ion", a64(AllocAlgorithm::Ion, None)),
        ("fastalloc", a64(AllocAlgorithm::Fastalloc, None)),
        ("ion-regs4", a64(AllocAlgorithm::Ion, Some(4))),
        ("fastalloc-regs4", a64(AllocAlgorithm::Fastalloc, Some(4))),
        (
            "ion-O2",
            Box::new(PipelineEngine {
                pipeline: wlab_passes::Pipeline::parse("O2").unwrap(),
                inner: a64(AllocAlgorithm::Ion, None),
            }),
        ),
    ];
    for (name, engine) in configs {
        let got = run(engine.as_ref(), &bytes, &args);
        assert_eq!(got.0, expected.0, "{name}: result differs from the interpreter");
        assert!(got.1 == expected.1, "{name}: memory differs from the interpreter");
    }
}
