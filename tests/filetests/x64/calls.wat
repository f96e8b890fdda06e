;; test: compile
;; target: x86_64
;; Direct calls pass values through the value area at rsp and read results back;
;; imported and indirect calls go through runtime libcalls whose status is checked;
;; br_table is a bounds check and a jump table of 32-bit offsets.
(module
  (import "env" "host" (func $host (param i32) (result i32)))
  (type $t (func (param i32) (result i32)))
  (table 2 funcref)
  (func $inc (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
  (func (export "direct") (param i32) (result i32) (call $inc (local.get 0)))
  (func (export "import") (param i32) (result i32) (call $host (local.get 0)))
  (func (export "indirect") (param i32 i32) (result i32)
    (call_indirect (type $t) (local.get 0) (local.get 1)))
  (func (export "switch") (param i32) (result i32)
    (block (block (block
      (br_table 0 1 2 (local.get 0)))
      (return (i32.const 10)))
      (return (i32.const 20)))
    (i32.const 30)))
