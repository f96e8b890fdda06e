;; test: compile
;; target: aarch64
;; Float arithmetic maps to the machine directly (fmin/fmax already propagate NaN and order
;; -0 < +0; frintp/m/z/n are ceil/floor/trunc/nearest); copysign goes through integer masks;
;; trapping conversions check NaN and both range ends before fcvtz*, the saturating ones are
;; fcvtz* alone; division traps on zero and on INT_MIN / -1, and rem needs no check.
(module
  (func (export "f") (param f64 f64) (result f64)
    (f64.min (local.get 0) (local.get 1))
    (f64.max (local.get 1))
    (f64.copysign (local.get 0))
    (f64.nearest)
    (f64.add (f64.const 1.5))
    (f64.mul (f64.const 0.1)))
  (func (export "trunc") (param f32 f64) (result i64)
    (i64.add (i64.extend_i32_s (i32.trunc_f64_s (local.get 1)))
             (i64.trunc_f32_u (local.get 0)))
    (i64.add (i64.trunc_sat_f64_s (local.get 1))))
  (func (export "div") (param i32 i32) (result i32)
    (i32.add (i32.div_s (local.get 0) (local.get 1)) (i32.rem_s (local.get 0) (local.get 1))))
  (func $callee (param i64) (result i64) (local.get 0))
  (func (export "calls") (param i64) (result i64)
    (call $callee (i64.add (local.get 0) (i64.const 1))))
)
