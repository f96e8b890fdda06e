//! The register-pressure stress check shared by every native engine's stress test: the
//! generated function of `wlab scaling` (1,000 locals, 20,000 wasm instructions) run on
//! an engine must give the interpreter's result and leave every byte of memory the same.

use wlab_explorer::engines::PipelineEngine;
use wlab_ir::interp::Val;
use wlab_runtime::{instantiate_module, invoke, Engine, InterpEngine, Linker, Store};

/// Runs export `big` of `bytes` on `engine`: its results and the final memory.
pub fn run_big(engine: &dyn Engine, bytes: &[u8], args: &[Val]) -> (Vec<Val>, Vec<u8>) {
    let module = wlab_ir::translate::translate_module(bytes).expect("translates");
    wlab_runtime::run_with_big_stack(|| {
        let mut store = Store::new();
        let inst = instantiate_module(&mut store, engine, module, &Linker::new()).expect("instantiates");
        let results = invoke(&mut store, inst, "big", args).expect("runs without trapping");
        let mem = store.instance(inst).memories[0];
        (results, store.memory(mem).bytes.to_vec())
    })
}

/// The generated function (1,000 locals, 20,000 wasm instructions), its arguments and
/// what the interpreter makes of it.
fn big_function() -> (Vec<u8>, [Val; 2], (Vec<Val>, Vec<u8>)) {
    let text = wlab_explorer::scaling::generate_module(20_000, 1_000);
    let bytes = wat::parse_str(&text).expect("generated module parses");
    let args = [Val::I32(5), Val::I32(7)];
    let expected = run_big(&InterpEngine, &bytes, &args);
    (bytes, args, expected)
}

/// Checks `make(algorithm, regs)` engines — ion, fastalloc, each with 4 registers, and
/// ion after O2 — against the interpreter on the generated function.
pub fn check_engine(make: &dyn Fn(wlab_backends::AllocAlgorithm, Option<usize>) -> Box<dyn Engine>) {
    use wlab_backends::AllocAlgorithm::{Fastalloc, Ion};
    let configs: Vec<(&str, Box<dyn Engine>)> = vec![
        ("ion", make(Ion, None)),
        ("fastalloc", make(Fastalloc, None)),
        ("ion-regs4", make(Ion, Some(4))),
        ("fastalloc-regs4", make(Fastalloc, Some(4))),
        (
            "ion-O2",
            Box::new(PipelineEngine { pipeline: wlab_passes::Pipeline::parse("O2").unwrap(), inner: make(Ion, None) }),
        ),
    ];
    check_configs(configs);
}

/// Checks each named engine against the interpreter on the generated function.
pub fn check_configs(configs: Vec<(&str, Box<dyn Engine>)>) {
    let (bytes, args, expected) = big_function();
    for (name, engine) in configs {
        let got = run_big(engine.as_ref(), &bytes, &args);
        assert_eq!(got.0, expected.0, "{name}: result differs from the interpreter");
        assert!(got.1 == expected.1, "{name}: memory differs from the interpreter");
    }
}
