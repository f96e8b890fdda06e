;; test: translate
;; A counting loop: the locals changed in the loop become parameters of the loop
;; header; `$n`, never written, stays a plain value with no block parameter.
(module
  (func $count (export "count") (param $n i32) (result i32)
    (local $i i32) (local $acc i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_s (local.get $i) (local.get $n)))
        (local.set $acc (i32.add (local.get $acc) (local.get $i)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $acc)))
