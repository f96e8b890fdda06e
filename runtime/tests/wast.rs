//! The wast runner on small scripts: passing checks count as passed, each kind of wrong
//! expectation is reported as one `name:line:col: ...` failure, and the script goes on.

use wlab_runtime::wast::{run_wast_text, WastError};
use wlab_runtime::InterpEngine;

const GOOD: &str = r#"
(module $A
  (memory (export "mem") 1)
  (global (export "g") i32 (i32.const 7))
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "nan") (result f32) (f32.div (f32.const 0) (f32.const 0)))
  (func (export "div") (param i32) (result i32) (i32.div_s (i32.const 1) (local.get 0)))
  (func (export "id") (param externref) (result externref) (local.get 0))
  (func $rec (export "rec") (call $rec))
)
(register "A" $A)
(module
  (import "A" "add" (func $add (param i32 i32) (result i32)))
  (import "spectest" "global_i32" (global i32))
  (func (export "twice") (param i32) (result i32) (call $add (local.get 0) (local.get 0)))
)
(assert_return (invoke "twice" (i32.const 21)) (i32.const 42))
(assert_return (invoke $A "nan") (f32.const nan:canonical))
(assert_return (invoke $A "nan") (f32.const nan:arithmetic))
(assert_return (get $A "g") (i32.const 7))
(assert_return (invoke $A "id" (ref.extern 5)) (ref.extern 5))
(assert_return (invoke $A "id" (ref.null extern)) (ref.null extern))
(assert_trap (invoke $A "div" (i32.const 0)) "integer divide by zero")
(assert_exhaustion (invoke $A "rec") "call stack exhausted")
(assert_invalid (module (func (result i32) (i64.const 0))) "type mismatch")
(assert_malformed (module quote "(func (i32.const))") "unexpected token")
(assert_unlinkable (module (import "A" "nope" (func))) "unknown import")
(assert_trap (module (memory 0) (data (i32.const 1) "x")) "out of bounds memory access")
"#;

#[test]
fn a_correct_script_passes_every_check() {
    let report = run_wast_text("good.wast", GOOD, &InterpEngine).unwrap();
    assert_eq!(report.failures, Vec::<String>::new());
    assert_eq!((report.passed, report.failed, report.skipped), (15, 0, 0));
    assert_eq!(report.to_string(), "15 passed, 0 failed, 0 skipped");
}

const BAD: &str = r#"(module
  (func (export "one") (result i32) (i32.const 1))
  (func (export "nan") (result f64) (f64.const nan:0x1))
)
(assert_return (invoke "one") (i32.const 2))
(assert_trap (invoke "one") "unreachable")
(assert_return (invoke "nan") (f64.const nan:arithmetic))
(assert_invalid (module (func)) "type mismatch")
(assert_unlinkable (module) "unknown import")
(assert_return (invoke "missing"))
(assert_return (invoke "one") (i32.const 1))
"#;

#[test]
fn each_wrong_expectation_is_one_located_failure() {
    let report = run_wast_text("bad.wast", BAD, &InterpEngine).unwrap();
    assert_eq!(
        report.failures,
        vec![
            "bad.wast:5:2: expected i32:2, got i32:1",
            "bad.wast:6:2: expected trap \"unreachable\", got i32:1",
            "bad.wast:7:2: expected f64:nan:arithmetic, got f64:nan:0x7ff0000000000001",
            "bad.wast:8:2: expected the module to be rejected (type mismatch), but it translated",
            "bad.wast:9:2: expected unlinkable (unknown import), but it instantiated",
            "bad.wast:10:2: expected no values, got no export named \"missing\"",
        ]
    );
    assert_eq!((report.passed, report.failed, report.skipped), (2, 6, 0));
}

#[test]
fn a_module_that_fails_leaves_no_current_module() {
    let text = "(module (func (export \"f\")))\n(module (func (i64.const 0)))\n(invoke \"f\")\n";
    let report = run_wast_text("m.wast", text, &InterpEngine).unwrap();
    assert_eq!(report.failed, 2, "{:?}", report.failures);
    assert!(report.failures[0]
        .starts_with("m.wast:2:2: expected the module to load, but module rejected by the translator"));
    assert_eq!(report.failures[1], "m.wast:3:2: no module is loaded (or the last one failed)");
}

#[test]
fn unparsable_scripts_are_errors() {
    let err = run_wast_text("x.wast", "(module", &InterpEngine).unwrap_err();
    assert!(matches!(&err, WastError::Parse(m) if m.contains("x.wast:1")), "{err}");
    assert!(!err.to_string().contains('\n'));
}
