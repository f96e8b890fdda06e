;; test: compile
;; target: x86_64
;; Wasm min/max (NaN-propagating, -0 < +0) are a ucomis with out-of-line NaN and equal
;; cases around minss/maxss; abs/neg/copysign are masks; trapping and saturating
;; conversions check NaN and range.
(module
  (func (export "min") (param f32 f32) (result f32) (f32.min (local.get 0) (local.get 1)))
  (func (export "max") (param f64 f64) (result f64) (f64.max (local.get 0) (local.get 1)))
  (func (export "neg") (param f64) (result f64) (f64.neg (local.get 0)))
  (func (export "copysign") (param f32 f32) (result f32) (f32.copysign (local.get 0) (local.get 1)))
  (func (export "lt") (param f64 f64) (result i32) (f64.lt (local.get 0) (local.get 1)))
  (func (export "eq") (param f32 f32) (result i32) (f32.eq (local.get 0) (local.get 1)))
  (func (export "trunc_s") (param f64) (result i32) (i32.trunc_f64_s (local.get 0)))
  (func (export "trunc_u_sat") (param f32) (result i64) (i64.trunc_sat_f32_u (local.get 0)))
  (func (export "from_u64") (param i64) (result f64) (f64.convert_i64_u (local.get 0))))
