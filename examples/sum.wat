;; A small module to explore: `wlab explore examples/sum.wat --func sum_scaled --passes O2 --diff`
(module
  (memory (export "memory") 1)

  ;; Sums `n` i32 elements of an array at `base`, each scaled by `k`.
  ;; The loop recomputes `base + i*4` and `k * 3` every iteration: LICM and
  ;; strength reduction have work to do here.
  (func $sum_scaled (export "sum_scaled") (param $base i32) (param $n i32) (param $k i32) (result i32)
    (local $i i32) (local $acc i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $acc
          (i32.add (local.get $acc)
            (i32.mul
              (i32.load (i32.add (local.get $base) (i32.mul (local.get $i) (i32.const 4))))
              (i32.mul (local.get $k) (i32.const 3)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $acc))

  ;; Recursive factorial.
  (func $fac (export "fac") (param i64) (result i64)
    (if (result i64) (i64.eqz (local.get 0))
      (then (i64.const 1))
      (else (i64.mul (local.get 0) (call $fac (i64.sub (local.get 0) (i64.const 1)))))))
)
