;; test: compile
;; target: aarch64
;; An add or subtract of `x << k` (constant k, the shift's only use, same block) is one
;; add/sub with a shifted register operand; k is taken modulo the width. A shift with
;; another use, or by a register, stays a shift of its own.
(module
  (func (export "add32") (param i32 i32) (result i32)
    (i32.add (local.get 0) (i32.shl (local.get 1) (i32.const 5))))
  (func (export "add_shift_first") (param i32 i32) (result i32)
    (i32.add (i32.shl (local.get 1) (i32.const 2)) (local.get 0)))
  (func (export "sub64_wrapped") (param i64 i64) (result i64)
    (i64.sub (local.get 0) (i64.shl (local.get 1) (i64.const 67))))
  (func (export "used_twice") (param i32 i32) (result i32)
    (local i32)
    (local.set 2 (i32.shl (local.get 1) (i32.const 3)))
    (i32.xor (i32.add (local.get 0) (local.get 2)) (local.get 2)))
  (func (export "by_register") (param i32 i32 i32) (result i32)
    (i32.add (local.get 0) (i32.shl (local.get 1) (local.get 2))))
)
