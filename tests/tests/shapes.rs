//! The stress shapes of `wlab scaling --shape` (`wlab_explorer::shapes`) at sizes that
//! used to take seconds to minutes (translation quadratic in the nesting depth of
//! `if` + `loop`; Ion quadratic in values live at once): they translate, verify, print,
//! run and compile with the right results. Sizes are chosen so each test takes seconds in
//! release mode; nothing here measures time. The IR checks run on the test thread's
//! ordinary stack, so recursion on the nesting depth would crash them.

use wlab_backends::{AllocAlgorithm, AllocOptions, CompileOptions, Target};
use wlab_explorer::shapes::{expected, generate, Shape};
use wlab_ir::interp::Val;
use wlab_runtime::native::NativeEngine;
use wlab_runtime::{instantiate_module, invoke, Engine, InterpEngine, Linker, Store};

fn module(shape: Shape, n: usize) -> (Vec<u8>, wlab_ir::Module) {
    let (text, _) = generate(shape, n);
    let bytes = wat::parse_str(&text).expect("generated module parses");
    let module = wlab_ir::translate::translate_module(&bytes).expect("translates");
    (bytes, module)
}

/// `f(arg)` of `bytes` on `engine`.
fn run(engine: &dyn Engine, bytes: &[u8], arg: i32) -> Vec<Val> {
    let module = wlab_ir::translate::translate_module(bytes).expect("translates");
    wlab_runtime::run_with_big_stack(|| {
        let mut store = Store::new();
        let inst = instantiate_module(&mut store, engine, module, &Linker::new()).expect("instantiates");
        invoke(&mut store, inst, "f", &[Val::I32(arg)]).expect("runs without trapping")
    })
}

/// Verifies, computes dominators and prints the function on this thread's stack.
fn check_ir(f: &wlab_ir::Function) {
    wlab_ir::verify::verify_function(f).expect("translation verifies");
    let cfg = wlab_ir::cfg::ControlFlowGraph::new(f);
    let dom = wlab_ir::dominators::DomTree::new(f, &cfg);
    assert!(f.layout.iter().all(|&b| dom.is_reachable(b)));
    let text = wlab_ir::write::print_function(f);
    assert!(text.lines().count() > f.num_layout_insts());
}

#[test]
fn fifty_thousand_nested_ifs_and_loops_translate_verify_and_run() {
    let n = 50_000;
    let (bytes, m) = module(Shape::NestedIf, n);
    let f = &m.functions[0];
    check_ir(f);
    // One header and one merge per level keep their parameter for local 1; every other
    // parameter the lookups created was trivial and is gone.
    let params: usize = f.layout.iter().map(|&b| f.block_params(b).len()).sum();
    assert!(params <= 2 * n + 1, "{params} block parameters for {n} levels");
    for arg in [0, 1] {
        assert_eq!(run(&InterpEngine, &bytes, arg), [Val::I32(expected(Shape::NestedIf, n, arg).unwrap())]);
    }
}

#[test]
fn fifty_thousand_nested_blocks_translate_verify_and_run() {
    let n = 50_000;
    let (bytes, m) = module(Shape::NestedBlock, n);
    check_ir(&m.functions[0]);
    for arg in [0, 3] {
        assert_eq!(run(&InterpEngine, &bytes, arg), [Val::I32(expected(Shape::NestedBlock, n, arg).unwrap())]);
    }
}

#[test]
fn many_live_locals_fall_back_to_fastalloc_and_run_correctly() {
    // Above ION_MAX_LIVE (4,000): Ion is asked for, Fastalloc runs; with the checker.
    let n = 6_000;
    let (bytes, m) = module(Shape::LiveLocals, n);
    let alloc = AllocOptions { check: true, ..AllocOptions::default() };
    for target in [Target::X86_64, Target::Aarch64] {
        let mut co = CompileOptions::new(0);
        co.target = target;
        co.alloc = alloc;
        let c = wlab_backends::compile_function(&m.functions[0], &co).expect("compiles");
        assert_eq!(c.stats.regalloc, AllocAlgorithm::Fastalloc, "{target:?}");
        assert!(c.stats.max_live as usize > n, "{target:?}: estimate {}", c.stats.max_live);
    }
    let native = NativeEngine { alloc, ..NativeEngine::default() };
    for arg in [0, 7, -3] {
        let want = [Val::I32(expected(Shape::LiveLocals, n, arg).unwrap())];
        assert_eq!(run(&native, &bytes, arg), want, "x86_64, f({arg})");
        assert_eq!(run(&InterpEngine, &bytes, arg), want, "interp, f({arg})");
    }
}

#[test]
fn few_live_locals_stay_on_ion() {
    let (_, m) = module(Shape::LiveLocals, 200);
    let co = CompileOptions::new(0);
    let c = wlab_backends::compile_function(&m.functions[0], &co).expect("compiles");
    assert_eq!(c.stats.regalloc, AllocAlgorithm::Ion);
    assert!((200..=210).contains(&(c.stats.max_live as usize)), "estimate {}", c.stats.max_live);
}
