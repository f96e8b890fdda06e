;; test: compile
;; target: x86_64
;; passes: O2
;; `(x << k) | (y >> (bits - k))` with constant amounts (either operand order, amounts
;; taken modulo the width) is one `shld`, and a rotate when x and y are the same value
;; (`rorx`, whose destination is its own, with the x86-64-v3 features the tests use).
;; A shift with another use, or amounts that do not add up to the width, stay
;; `shl; shr; or`.
(module
  (func (export "shld64") (param i64 i64) (result i64)
    (i64.or (i64.shl (local.get 0) (i64.const 13)) (i64.shr_u (local.get 1) (i64.const 51))))
  (func (export "shld64_swapped_wrapped_amount") (param i64 i64) (result i64)
    (i64.or (i64.shr_u (local.get 1) (i64.const -13)) (i64.shl (local.get 0) (i64.const 77))))
  (func (export "shld32") (param i32 i32) (result i32)
    (i32.or (i32.shl (local.get 0) (i32.const 5)) (i32.shr_u (local.get 1) (i32.const 27))))
  (func (export "rotl64") (param i64) (result i64)
    (i64.or (i64.shl (local.get 0) (i64.const 7)) (i64.shr_u (local.get 0) (i64.const 57))))
  (func (export "shl_used_twice") (param i64 i64) (result i64)
    (local i64)
    (local.set 2 (i64.shl (local.get 0) (i64.const 13)))
    (i64.add (i64.or (local.get 2) (i64.shr_u (local.get 1) (i64.const 51))) (local.get 2)))
  (func (export "not_complementary") (param i64 i64) (result i64)
    (i64.or (i64.shl (local.get 0) (i64.const 13)) (i64.shr_u (local.get 1) (i64.const 50)))))
