;; The module `wlab stats --peer cranelift` is tested on (explorer/tests/peer_code.rs):
;; an import (so defined functions start at index 1), a leaf, a `br_table` (a jump table
;; inside the code on both compilers), and a function with two calls.
(module
  (import "env" "f" (func $imp (param i32) (result i32)))
  (func $add (export "add") (param i32 i32) (result i32)
    (i32.add (local.get 0) (local.get 1)))
  (func $sel (export "sel") (param i32) (result i32)
    (block (block (block (br_table 0 1 2 (local.get 0)))
        (return (i32.const 7)))
      (return (i32.const 9)))
    (i32.const 11))
  (func $callit (export "callit") (param i32) (result i32)
    (call $inc (call $imp (local.get 0))))
  (func $inc (param i32) (result i32)
    (i32.add (local.get 0) (i32.const 1))))
