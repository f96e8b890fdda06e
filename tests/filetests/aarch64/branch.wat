;; test: compile
;; target: aarch64
;; Compares fused into the branch or select that is their only use: compare with zero
;; becomes cbz/cbnz, a single-bit test tbnz, other compares cmp (cmn for negative
;; immediates) + b.cond, selects csel/fcsel on the compare's flags; a float compare fused
;; into a branch uses the condition that is false when unordered.
(module
  (func (export "count") (param i32) (result i32) (local i32)
    (block $done
      (loop $top
        (br_if $done (i32.eqz (local.get 0)))
        (local.set 1 (i32.add (local.get 1) (i32.const 1)))
        (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
        (br $top)))
    (local.get 1))
  (func (export "bit") (param i32) (result i32)
    (if (result i32) (i32.and (local.get 0) (i32.const 16))
      (then (i32.const 1)) (else (i32.const 2))))
  (func (export "neg") (param i64) (result i32)
    (if (result i32) (i64.lt_s (local.get 0) (i64.const -7))
      (then (i32.const 1)) (else (i32.const 2))))
  (func (export "sel") (param i32 i32 f64 f64) (result f64)
    (select (local.get 2) (local.get 3) (i32.gt_u (local.get 0) (local.get 1))))
  (func (export "flt") (param f32 f32) (result i32)
    (if (result i32) (f32.lt (local.get 0) (local.get 1))
      (then (i32.const 1)) (else (i32.const 2))))
  (func (export "table") (param i32) (result i32)
    (block $a (block $b (block $c
      (br_table $a $b $c (local.get 0)))
      (return (i32.const 3)))
      (return (i32.const 2)))
    (i32.const 1))
)
