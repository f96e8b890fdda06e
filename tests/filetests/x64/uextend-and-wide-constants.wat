;; test: compile
;; target: x86_64
;; passes: strength-reduce
;; i32 values are zero-extended in their 64-bit registers: `uextend` of an i32 used only
;; there is that i32's register (no instruction); of one that stays live, a plain 64-bit
;; copy. `ireduce` clears the upper half with a 32-bit `mov`. A commutative operation with a constant
;; that is no imm32 ties its destination to the constant's register, so the operand that
;; stays live is not copied first; an `imul` by an immediate has a three-operand form.
;; An unsigned remainder by 139968 is a multiply by a 32-bit magic number and a shift
;; by 46 (no add), whose `ireduce` needs no instruction (the shift leaves the upper half
;; zero).
(module
  (func (export "widen_and_keep") (param i32) (result i64)
    (i64.add (i64.extend_i32_u (local.get 0)) (i64.extend_i32_u (i32.add (local.get 0) (i32.const 1)))))
  (func (export "narrow") (param i64) (result i32)
    (i32.wrap_i64 (local.get 0)))
  (func (export "urem_const") (param i32) (result i32)
    (i32.add (i32.rem_u (local.get 0) (i32.const 139968)) (local.get 0)))
  (func (export "mul_wide_const") (param i64) (result i64)
    (i64.xor (i64.mul (local.get 0) (i64.const 0x123456789)) (local.get 0)))
)
