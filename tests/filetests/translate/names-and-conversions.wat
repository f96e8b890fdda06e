;; test: translate
;; Names from the name section are kept; conversions carry their result type and
;; the trapping and saturating float-to-int forms stay distinct.
(module
  (func $convert (export "convert") (param $f f64) (result i64)
    (i64.add
      (i64.trunc_f64_s (local.get $f))
      (i64.extend_i32_u (i32.trunc_sat_f64_u (local.get $f)))))
  (func $signs (export "signs") (param $x i32) (result i32)
    (i32.extend8_s (i32.wrap_i64 (i64.extend_i32_s (local.get $x))))))
