//! Guard regions on the `aarch64` engine: without bounds checks in the code, an access past
//! the end of memory faults in the unmapped guest range after it and becomes the
//! out-of-bounds trap (naming the function), in-bounds accesses and accesses after
//! `memory.grow` work, and nested entries see the same memory. Needs the `unicorn` feature.
//! Straddling stores are left out on purpose: Unicorn performs their in-bounds part (see
//! `Aarch64Engine`), which is why the engine checks explicitly by default.

use wlab_backends::BoundsChecks;
use wlab_runtime::native_aarch64::Aarch64Engine;
use wlab_runtime::wast::run_wast_text;

const SCRIPT: &str = r#"(module
  (memory 1)
  (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "load8") (param i32) (result i32) (i32.load8_u offset=65535 (local.get 0)))
  (func (export "store") (param i32 i32) (i32.store (local.get 0) (local.get 1)))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func $inner (param i32) (result i32) (i32.load (local.get 0)))
  (table 1 funcref)
  (elem (i32.const 0) $inner)
  (func (export "nested") (param i32) (result i32)
    (call_indirect (param i32) (result i32) (local.get 0) (i32.const 0)))
)
(assert_return (invoke "store" (i32.const 65532) (i32.const 7)))
(assert_return (invoke "load" (i32.const 65532)) (i32.const 7))
(assert_return (invoke "load8" (i32.const 0)) (i32.const 0))
(assert_trap (invoke "load8" (i32.const 1)) "out of bounds memory access")
(assert_trap (invoke "load" (i32.const 65536)) "out of bounds memory access")
(assert_trap (invoke "load" (i32.const -1)) "out of bounds memory access")
(assert_trap (invoke "store" (i32.const 70000) (i32.const 1)) "out of bounds memory access")
(assert_trap (invoke "nested" (i32.const 65536)) "out of bounds memory access")
(assert_return (invoke "grow" (i32.const 1)) (i32.const 1))
(assert_return (invoke "store" (i32.const 70000) (i32.const 9)))
(assert_return (invoke "nested" (i32.const 70000)) (i32.const 9))
(assert_trap (invoke "load" (i32.const 131072)) "out of bounds memory access")
"#;

#[test]
fn guard_region_faults_are_out_of_bounds_traps() {
    let engine = Aarch64Engine { bounds: BoundsChecks::Guard, ..Aarch64Engine::default() };
    let report = run_wast_text("guard.wast", SCRIPT, &engine).unwrap();
    assert_eq!(report.failures, Vec::<String>::new());
    assert_eq!((report.passed, report.failed), (13, 0), "the module and its 12 checks");
}

/// The SIMD accesses that form their address in a scratch register (`ld1r`, `ld1`/`st1` of
/// one lane) and the widening and zeroing loads, with guard regions (and, for comparison,
/// explicit checks): in bounds they read and write the right bytes, past the end they trap
/// (no straddling access, as above).
const SIMD_SCRIPT: &str = r#"(module
  (memory 1)
  (func (export "store") (param i32 i64) (i64.store (local.get 0) (local.get 1)))
  (func (export "splat") (param i32) (result i32)
    (i32x4.extract_lane 3 (v128.load32_splat offset=4 (local.get 0))))
  (func (export "extend") (param i32) (result i64)
    (i64x2.extract_lane 1 (v128.load32x2_s (local.get 0))))
  (func (export "zero") (param i32) (result i64)
    (i64x2.extract_lane 1 (v128.load64_zero (local.get 0))))
  (func (export "load_lane") (param i32) (result i32)
    (i8x16.extract_lane_u 9 (v128.load8_lane 9 (local.get 0) (v128.const i64x2 0 0))))
  (func (export "store_lane") (param i32)
    (v128.store16_lane offset=2 5 (local.get 0) (i16x8.splat (i32.const 0x1234))))
  (func (export "load16") (param i32) (result i32) (i32.load16_u (local.get 0)))
)
(assert_return (invoke "store" (i32.const 65528) (i64.const 0x8000000511223344)))
(assert_return (invoke "splat" (i32.const 65524)) (i32.const 0x11223344))
(assert_return (invoke "extend" (i32.const 65528)) (i64.const -2147483643))
(assert_return (invoke "zero" (i32.const 65528)) (i64.const 0))
(assert_return (invoke "load_lane" (i32.const 65535)) (i32.const 0x80))
(assert_return (invoke "store_lane" (i32.const 65532)))
(assert_return (invoke "load16" (i32.const 65534)) (i32.const 0x1234))
(assert_trap (invoke "splat" (i32.const 65532)) "out of bounds memory access")
(assert_trap (invoke "extend" (i32.const 65536)) "out of bounds memory access")
(assert_trap (invoke "zero" (i32.const -8)) "out of bounds memory access")
(assert_trap (invoke "load_lane" (i32.const 65536)) "out of bounds memory access")
(assert_trap (invoke "store_lane" (i32.const 65534)) "out of bounds memory access")
"#;

#[test]
fn simd_partial_accesses_trap_and_work_with_guard_and_explicit_checks() {
    for bounds in [BoundsChecks::Guard, BoundsChecks::Explicit] {
        let engine = Aarch64Engine { bounds, ..Aarch64Engine::default() };
        let report = run_wast_text("guard_simd.wast", SIMD_SCRIPT, &engine).unwrap();
        assert_eq!(report.failures, Vec::<String>::new(), "{bounds:?}");
        assert_eq!((report.passed, report.failed), (13, 0), "{bounds:?}: the module and its 12 checks");
    }
}
