//! `call_indirect` on every path the x86-64 inline sequence has (and on the other engines,
//! which must agree): same-instance calls, the runtime's path for a signature without a
//! canonical id (10 parameters), a host function and another instance's function in the
//! table, a table rewritten by `table.set`, `table.grow` and `table.copy` between calls,
//! and the three traps (out of bounds, null, signature mismatch).

use wlab_runtime::wast::run_wast_text;
use wlab_runtime::{engine_by_name, ENGINE_NAMES};

const SCRIPT: &str = r#"
(module $other
  (func (export "seven") (result i32) (i32.const 7))
  (func (export "add10") (param i32 i32 i32 i32 i32 i32 i32 i32 i32 i32) (result i32)
    (i32.add (local.get 0) (local.get 9))))
(register "other" $other)
(module
  (import "other" "seven" (func $seven (result i32)))
  (import "other" "add10" (func $add10_other (param i32 i32 i32 i32 i32 i32 i32 i32 i32 i32) (result i32)))
  (import "spectest" "print_i32" (func $print (param i32)))
  (type $r (func (result i32)))
  (type $p (func (param i32)))
  (type $ten (func (param i32 i32 i32 i32 i32 i32 i32 i32 i32 i32) (result i32)))
  (table $t 8 funcref)
  (elem (table $t) (i32.const 0) func $one $two $seven $add10 $print $add10_other)
  (func $one (result i32) (i32.const 1))
  (func $two (result i32) (i32.const 2))
  (func $add10 (param i32 i32 i32 i32 i32 i32 i32 i32 i32 i32) (result i32)
    (i32.mul (local.get 0) (local.get 9)))
  (func (export "r") (param i32) (result i32) (call_indirect $t (type $r) (local.get 0)))
  (func (export "p") (param i32) (call_indirect $t (type $p) (local.get 0) (i32.const 4)))
  (func (export "ten") (param i32) (result i32)
    (call_indirect $t (type $ten)
      (i32.const 3) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0)
      (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 4) (local.get 0)))
  (func (export "set") (param i32 i32) (table.set $t (local.get 0) (table.get $t (local.get 1))))
  (func (export "grow") (param i32) (result i32) (table.grow $t (ref.func $two) (local.get 0)))
  (func (export "copy") (param i32 i32 i32) (table.copy $t $t (local.get 0) (local.get 1) (local.get 2)))
  (func (export "set_then_call") (param i32 i32) (result i32)
    (table.set $t (local.get 0) (table.get $t (local.get 1)))
    (call_indirect $t (type $r) (local.get 0)))
  (func (export "grow_then_call") (result i32)
    (drop (table.grow $t (ref.func $one) (i32.const 4)))
    (call_indirect $t (type $r) (i32.sub (table.size $t) (i32.const 1)))))
(assert_return (invoke "r" (i32.const 0)) (i32.const 1))
(assert_return (invoke "r" (i32.const 1)) (i32.const 2))
(assert_return (invoke "r" (i32.const 2)) (i32.const 7))
(assert_trap (invoke "r" (i32.const 3)) "indirect call type mismatch")
(assert_trap (invoke "r" (i32.const 6)) "uninitialized element")
(assert_trap (invoke "r" (i32.const 8)) "undefined element")
(assert_trap (invoke "r" (i32.const -1)) "undefined element")
(assert_return (invoke "p" (i32.const 42)))
(assert_return (invoke "ten" (i32.const 3)) (i32.const 12))
(assert_return (invoke "ten" (i32.const 5)) (i32.const 7))
(assert_trap (invoke "ten" (i32.const 0)) "indirect call type mismatch")
(assert_return (invoke "set" (i32.const 0) (i32.const 1)))
(assert_return (invoke "r" (i32.const 0)) (i32.const 2))
(assert_return (invoke "set" (i32.const 1) (i32.const 7)))
(assert_trap (invoke "r" (i32.const 1)) "uninitialized element")
(assert_return (invoke "grow" (i32.const 2)) (i32.const 8))
(assert_return (invoke "r" (i32.const 9)) (i32.const 2))
(assert_trap (invoke "r" (i32.const 10)) "undefined element")
(assert_return (invoke "copy" (i32.const 1) (i32.const 2) (i32.const 2)))
(assert_return (invoke "r" (i32.const 1)) (i32.const 7))
(assert_trap (invoke "r" (i32.const 2)) "indirect call type mismatch")
(assert_return (invoke "set_then_call" (i32.const 3) (i32.const 0)) (i32.const 2))
(assert_return (invoke "grow_then_call") (i32.const 1))
(assert_return (invoke "r" (i32.const 13)) (i32.const 1))
(assert_trap (invoke "r" (i32.const 14)) "undefined element")
"#;

#[test]
fn every_path_of_call_indirect_on_every_engine() {
    for name in ENGINE_NAMES {
        let Ok(engine) = engine_by_name(name) else { continue };
        let report = run_wast_text("call_indirect_paths.wast", SCRIPT, engine.as_ref()).expect("script runs");
        assert_eq!(report.failed, 0, "{name}: {report:?}");
        assert!(report.passed >= 25, "{name}: {report:?}");
    }
}
