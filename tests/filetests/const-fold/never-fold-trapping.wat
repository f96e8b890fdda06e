;; test: passes
;; passes: const-fold
;; Must not fold what traps: division by zero, MIN / -1, float-to-int of NaN and of
;; an out-of-range value stay as they are (counted as `left-trapping`). Their
;; non-trapping relatives fold: MIN rem -1 is 0, the saturating conversion of NaN is 0.
(module
  (func $divz (export "divz") (result i32) (i32.div_s (i32.const 7) (i32.const 0)))
  (func $ovf (export "ovf") (result i32) (i32.div_s (i32.const 0x80000000) (i32.const -1)))
  (func $nan (export "nan") (result i32) (i32.trunc_f32_s (f32.const nan)))
  (func $big (export "big") (result i64) (i64.trunc_f64_u (f64.const 1e20)))
  (func $fine (export "fine") (result i32 i32)
    (i32.rem_s (i32.const 0x80000000) (i32.const -1))
    (i32.trunc_sat_f32_s (f32.const nan))))
