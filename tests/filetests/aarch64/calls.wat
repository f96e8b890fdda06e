;; test: compile
;; target: aarch64
;; Direct calls pass values through the value area at sp and read results back; an imported
;; call goes through a runtime libcall whose status is checked, after which the pinned heap
;; base (x27) is reloaded. call_indirect is inline: bounds, signature id and instance checks
;; against the table mirror, then blr through vmctx FUNCS; a failed check goes to the
;; out-of-line CallIndirect libcall (index stored after the arguments).
(module
  (import "env" "host" (func $host (param i32) (result i32)))
  (type $t (func (param i32) (result i32)))
  (memory 1)
  (table 2 funcref)
  (func $inc (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
  (func (export "direct") (param i32) (result i32) (call $inc (local.get 0)))
  (func (export "import") (param i32) (result i32)
    (i32.add (call $host (local.get 0)) (i32.load (local.get 0))))
  (func (export "indirect") (param i32 i32) (result i32)
    (call_indirect (type $t) (local.get 0) (local.get 1))))
