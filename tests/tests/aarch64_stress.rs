//! Register-pressure stress test for AArch64 code under Unicorn: the generated function with
//! 1,000 locals and 20,000 wasm instructions (`wlab scaling`'s generator) compiles, runs and
//! matches the interpreter — its result and every byte of its memory — under both allocators,
//! with only 4 registers per class, and after O2. Allocation runs with regalloc2's checker.
//! Needs the `unicorn` feature (Debian's libunicorn-dev). Never compares timings.

use wlab_backends::AllocOptions;
use wlab_ir::interp::Val;
use wlab_runtime::native_aarch64::Aarch64Engine;
use wlab_runtime::{Engine, InterpEngine};
use wlab_tests::stress::run_big as run;

#[test]
fn large_function_matches_the_interpreter_under_pressure_on_aarch64() {
    wlab_tests::stress::check_engine(&|algorithm, regs| -> Box<dyn Engine> {
        Box::new(Aarch64Engine {
            alloc: AllocOptions { algorithm, regs, check: true, ..AllocOptions::default() },
            ..Aarch64Engine::default()
        })
    });
}

/// A single-bit test whose branch must skip more than `tbz`'s ±32 KiB: the function is
/// emitted again with long conditional branches, and still computes what the interpreter does.
#[test]
fn branches_beyond_tbz_reach_are_emitted_long_and_run() {
    let body = "(global.set $g (i32.add (i32.mul (global.get $g) (i32.const 3)) (local.get 0)))\n".repeat(3000);
    let text = format!(
        r#"(module
  (memory 1)
  (global $g (mut i32) (i32.const 1))
  (func (export "big") (param i32 i32) (result i32)
    (if (i32.and (local.get 0) (i32.const 16)) (then {body}))
    (i32.add (global.get $g) (local.get 1))))"#
    );
    let bytes = wat::parse_str(&text).expect("module parses");
    let module = wlab_ir::translate::translate_module(&bytes).expect("translates");
    let mut opts = wlab_backends::CompileOptions::new(0);
    opts.target = wlab_backends::Target::Aarch64;
    let code = wlab_backends::compile_function(&module.functions[0], &opts).expect("compiles").code;
    assert!(code.len() > 64 << 10, "only {} bytes: the branch would reach", code.len());
    let text = wlab_backends::aarch64::disasm::disassemble(&code);
    assert!(text.contains("tbz w") || text.contains("tbnz w"), "the bit test is not fused into tbz/tbnz");
    let engine =
        Aarch64Engine { alloc: AllocOptions { check: true, ..AllocOptions::default() }, ..Aarch64Engine::default() };
    for x in [16, 17, 0, 15] {
        let args = [Val::I32(x), Val::I32(7)];
        assert_eq!(run(&engine, &bytes, &args), run(&InterpEngine, &bytes, &args), "x = {x}");
    }
}
