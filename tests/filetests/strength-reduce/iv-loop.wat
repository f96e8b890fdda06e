;; test: passes
;; passes: licm,strength-reduce
;; func: sum
;; The same loop from wasm: the address base + i*4 is recomputed every iteration.
;; strength-reduce replaces it with a new loop parameter stepped by 4 (base travels
;; around the loop as a block parameter that the back edge passes unchanged).
(module
  (memory 1)
  (func $sum (export "sum") (param $base i32) (param $n i32) (result i32)
    (local $i i32) (local $s i32)
    (block $done
      (loop $top
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $s
          (i32.add (local.get $s)
            (i32.load (i32.add (local.get $base) (i32.mul (local.get $i) (i32.const 4))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $top)))
    (local.get $s)))
