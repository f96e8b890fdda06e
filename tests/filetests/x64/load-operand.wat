;; test: compile
;; target: x86_64
;; passes: O2
;; A full-width load used only by the add, sub, mul, and, or or xor that follows it,
;; with nothing that has an effect between them, is that instruction's memory operand
;; (`add eax, [r14+rdi+8]`); a store between keeps the load where it was.
(module
  (memory 1)
  (func (export "sum") (param i32 i32) (result i32)
    (i32.add (local.get 1) (i32.load offset=8 (local.get 0))))
  (func (export "mul64") (param i32 i64) (result i64)
    (i64.mul (local.get 1) (i64.load (local.get 0))))
  (func (export "store_between") (param i32 i32) (result i32)
    (local i32)
    (local.set 2 (i32.load (local.get 0)))
    (i32.store (local.get 1) (i32.const 7))
    (i32.xor (local.get 1) (local.get 2))))
