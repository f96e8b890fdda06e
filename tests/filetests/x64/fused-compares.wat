;; test: compile
;; target: x86_64
;; passes: O2
;; Compares fused into their only use: a float gt/ge/lt/le decides a branch with one
;; `ucomis` + `ja`/`jae` (lt/le swap the operands; NaN takes the false edge); `eqz` of a
;; compare branches on the inverted condition (`jbe` is "not above", true on NaN); a
;; `select` on a compare is `cmp`/`ucomis` + `cmov` (its zero operand is materialised
;; before the compare, so its `xor` cannot clobber the flags); float `eq` keeps its
;; setcc sequence (it also needs the parity flag).
(module
  (func (export "flt") (param f64 f64) (result i32)
    (if (result i32) (f64.lt (local.get 0) (local.get 1))
      (then (i32.const 1))
      (else (i32.const 2))))
  (func (export "not_fge") (param f32 f32) (result i32)
    (if (result i32) (i32.eqz (f32.ge (local.get 0) (local.get 1)))
      (then (i32.const 1))
      (else (i32.const 2))))
  (func (export "select_icmp") (param i32 i32) (result i32)
    (select (local.get 0) (i32.const 0) (i32.lt_u (local.get 0) (local.get 1))))
  (func (export "select_fcmp") (param f64 f64 i64) (result i64)
    (select (local.get 2) (i64.const 7) (f64.gt (local.get 0) (local.get 1))))
  (func (export "feq") (param f64 f64) (result i32)
    (if (result i32) (f64.eq (local.get 0) (local.get 1))
      (then (i32.const 1))
      (else (i32.const 2)))))
