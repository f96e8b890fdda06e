;; test: compile
;; target: x86_64
;; Division traps on a zero divisor and on INT_MIN / -1; remainder by -1 is 0 without
;; dividing (idiv would fault); unsigned division zeroes edx.
(module
  (func (export "sdiv") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
  (func (export "srem") (param i64 i64) (result i64) (i64.rem_s (local.get 0) (local.get 1)))
  (func (export "udiv") (param i32 i32) (result i32) (i32.div_u (local.get 0) (local.get 1))))
