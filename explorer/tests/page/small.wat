;; The function whose page model `explorer/tests/page.rs` pins: a loop (a back edge in the
;; CFG) with work for the `egraph` pass (`n * 2`) and for `dce`.
(module
  (func $twice_sum (export "twice_sum") (param $n i32) (result i32)
    (local $acc i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $acc (i32.add (local.get $acc) (i32.mul (local.get $n) (i32.const 2))))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    (local.get $acc)))
