;; test: translate
;; Loads and stores with offsets, bulk memory, globals, tables, call and
;; call_indirect: every effectful operation stays an explicit instruction.
(module
  (type $t (func (param i32) (result i32)))
  (memory 1)
  (global $g (mut i32) (i32.const 7))
  (table $tab 4 funcref)
  (elem (table $tab) (i32.const 0) func $id)
  (func $id (type $t) (local.get 0))
  (func $effects (export "effects") (param $p i32) (result i32)
    (i32.store offset=8 (local.get $p) (i32.load8_u offset=2 (local.get $p)))
    (memory.fill (local.get $p) (i32.const 0) (i32.const 16))
    (memory.copy (i32.const 64) (local.get $p) (i32.const 16))
    (global.set $g (i32.add (global.get $g) (i32.const 1)))
    (drop (memory.grow (i32.const 1)))
    (table.set $tab (i32.const 1) (table.get $tab (i32.const 0)))
    (i32.add
      (call $id (local.get $p))
      (call_indirect $tab (type $t) (local.get $p) (i32.const 1)))))
