//! `i8x16.shuffle` and `i8x16.swizzle` on the `aarch64` engine, beyond the spec scripts (whose
//! shuffle and swizzle cases sit in `simd_lane.wast` next to operators this backend may not
//! lower yet): shuffles that take lanes from both inputs, from one input only (one `tbl`), the
//! same value as both inputs, and swizzle indices above 15 (0, wasm's rule). The expected
//! values are checked on the IR interpreter too, then on AArch64 as translated, after O2, and
//! with 4 registers per class. Needs the `unicorn` feature.

use wlab_backends::AllocOptions;
use wlab_explorer::engines::PipelineEngine;
use wlab_runtime::native_aarch64::Aarch64Engine;
use wlab_runtime::wast::run_wast_text;
use wlab_runtime::{Engine, InterpEngine};

const SCRIPT: &str = r#"(module
  (func (export "interleave-lo") (param v128 v128) (result v128)
    (i8x16.shuffle 0 16 1 17 2 18 3 19 4 20 5 21 6 22 7 23 (local.get 0) (local.get 1)))
  (func (export "mixed") (param v128 v128) (result v128)
    (i8x16.shuffle 31 0 30 1 29 2 28 3 15 16 14 17 13 18 12 19 (local.get 0) (local.get 1)))
  (func (export "second-only") (param v128 v128) (result v128)
    (i8x16.shuffle 31 30 29 28 27 26 25 24 16 17 18 19 20 21 22 23 (local.get 0) (local.get 1)))
  (func (export "first-only") (param v128 v128) (result v128)
    (i8x16.shuffle 7 7 0 0 15 14 13 12 1 2 3 4 5 6 8 9 (local.get 0) (local.get 1)))
  (func (export "same-input") (param v128) (result v128)
    (i8x16.shuffle 0 17 2 19 4 21 6 23 8 25 10 27 12 29 14 31 (local.get 0) (local.get 0)))
  (func (export "swizzle") (param v128 v128) (result v128)
    (i8x16.swizzle (local.get 0) (local.get 1)))
  (func (export "swizzle-twice") (param v128 v128) (result v128)
    (i8x16.swizzle (i8x16.swizzle (local.get 0) (local.get 1)) (local.get 1)))
)
(assert_return (invoke "interleave-lo"
    (v128.const i8x16 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15)
    (v128.const i8x16 100 101 102 103 104 105 106 107 108 109 110 111 112 113 114 115))
  (v128.const i8x16 0 100 1 101 2 102 3 103 4 104 5 105 6 106 7 107))
(assert_return (invoke "mixed"
    (v128.const i8x16 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15)
    (v128.const i8x16 100 101 102 103 104 105 106 107 108 109 110 111 112 113 114 115))
  (v128.const i8x16 115 0 114 1 113 2 112 3 15 100 14 101 13 102 12 103))
(assert_return (invoke "second-only"
    (v128.const i8x16 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15)
    (v128.const i8x16 100 101 102 103 104 105 106 107 108 109 110 111 112 113 114 115))
  (v128.const i8x16 115 114 113 112 111 110 109 108 100 101 102 103 104 105 106 107))
(assert_return (invoke "first-only"
    (v128.const i8x16 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15)
    (v128.const i8x16 100 101 102 103 104 105 106 107 108 109 110 111 112 113 114 115))
  (v128.const i8x16 7 7 0 0 15 14 13 12 1 2 3 4 5 6 8 9))
(assert_return (invoke "same-input"
    (v128.const i8x16 -1 -2 -3 -4 -5 -6 -7 -8 -9 -10 -11 -12 -13 -14 -15 -16))
  (v128.const i8x16 -1 -2 -3 -4 -5 -6 -7 -8 -9 -10 -11 -12 -13 -14 -15 -16))
(assert_return (invoke "swizzle"
    (v128.const i8x16 100 101 102 103 104 105 106 107 108 109 110 111 112 113 114 115)
    (v128.const i8x16 0 15 16 255 128 1 17 31 32 7 64 3 14 240 2 8))
  (v128.const i8x16 100 115 0 0 0 101 0 0 0 107 0 103 114 0 102 108))
(assert_return (invoke "swizzle-twice"
    (v128.const i8x16 15 14 13 12 11 10 9 8 7 6 5 4 3 2 1 0)
    (v128.const i8x16 15 14 13 12 11 10 9 8 7 6 5 4 3 2 1 0))
  (v128.const i8x16 15 14 13 12 11 10 9 8 7 6 5 4 3 2 1 0))
(assert_return (invoke "swizzle-twice"
    (v128.const i8x16 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16)
    (v128.const i8x16 1 0 3 2 200 4 5 6 16 8 9 10 11 12 13 14))
  (v128.const i8x16 1 2 3 4 0 0 5 6 0 0 9 10 11 12 13 14))
"#;

/// The module and its 8 checks.
const CHECKS: usize = 9;

fn run(engine: &dyn Engine) {
    let report = run_wast_text("permute.wast", SCRIPT, engine).unwrap();
    assert_eq!(report.failures, Vec::<String>::new());
    assert_eq!((report.passed, report.failed, report.skipped), (CHECKS, 0, 0));
}

#[test]
fn expected_values_hold_on_the_interpreter() {
    run(&InterpEngine);
}

#[test]
fn shuffle_and_swizzle_on_aarch64() {
    run(&Aarch64Engine::default());
}

#[test]
fn shuffle_and_swizzle_on_aarch64_after_o2() {
    let inner = Box::new(Aarch64Engine::default());
    run(&PipelineEngine { pipeline: wlab_passes::Pipeline::parse("O2").expect("preset parses"), inner });
}

#[test]
fn shuffle_and_swizzle_on_aarch64_with_4_registers() {
    let alloc = AllocOptions { regs: Some(4), check: true, ..AllocOptions::default() };
    run(&Aarch64Engine { alloc, ..Aarch64Engine::default() });
}
