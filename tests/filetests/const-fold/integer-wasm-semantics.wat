;; test: passes
;; passes: const-fold
;; Wrapping add, shift amount modulo the width, signed vs unsigned compares, i64
;; arithmetic, wrap and extend: every operation here has constant operands and folds.
(module
  (func $ints (export "ints") (result i32 i32 i32 i32 i64 i32)
    (i32.add (i32.const 0x7fffffff) (i32.const 1))
    (i32.shl (i32.const 1) (i32.const 33))
    (i32.lt_s (i32.const -1) (i32.const 0))
    (i32.lt_u (i32.const -1) (i32.const 0))
    (i64.rotl (i64.extend_i32_s (i32.const -2)) (i64.const 65))
    (i32.wrap_i64 (i64.mul (i64.const 0x100000001) (i64.const 3)))))
