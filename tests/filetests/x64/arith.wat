;; test: compile
;; target: x86_64
;; Three-operand adds become lea; constants become immediates; shifts by a constant
;; use the immediate form, and by a variable BMI2's `shlx`, whose amount may be in any
;; register (the file tests compile for x86-64-v3; without BMI2 the amount goes to cl).
(module
  (func (export "arith") (param i32 i32 i32) (result i32)
    (i32.add (local.get 0) (local.get 1))
    (i32.add (i32.const 100))
    (i32.mul (local.get 2))
    (i32.xor (i32.const -1))
    (i32.shl (local.get 1))
    (i32.shr_u (i32.const 3)))
  (func (export "arith64") (param i64 i64) (result i64)
    (i64.sub (local.get 0) (local.get 1))
    (i64.and (i64.const 0xff))
    (i64.rotl (local.get 1))))
