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
