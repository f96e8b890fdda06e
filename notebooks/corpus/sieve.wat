;; Sieve of Eratosthenes: counts the primes below 100000, 10 times; prints the count.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "bench" "start" (func $bench_start))
  (import "bench" "end" (func $bench_end))
  (memory (export "memory") 2)
  ;; Writes the decimal digits of $v and a newline to stdout.
  (func $print (param $v i64)
    (local $p i32)
    (local.set $p (i32.const 100))
    (i32.store8 (local.get $p) (i32.const 10))
    (loop $digits
      (local.set $p (i32.sub (local.get $p) (i32.const 1)))
      (i32.store8 (local.get $p) (i32.add (i32.const 48) (i32.wrap_i64 (i64.rem_u (local.get $v) (i64.const 10)))))
      (local.set $v (i64.div_u (local.get $v) (i64.const 10)))
      (br_if $digits (i64.ne (local.get $v) (i64.const 0))))
    (i32.store (i32.const 0) (local.get $p))
    (i32.store (i32.const 4) (i32.sub (i32.const 101) (local.get $p)))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))
  (func $sieve (param $n i32) (result i32)
    (local $i i32) (local $j i32) (local $count i32)
    (memory.fill (i32.const 1024) (i32.const 1) (local.get $n))
    (local.set $i (i32.const 2))
    (loop $outer
      (if (i32.load8_u (i32.add (i32.const 1024) (local.get $i)))
        (then
          (local.set $count (i32.add (local.get $count) (i32.const 1)))
          (local.set $j (i32.mul (local.get $i) (local.get $i)))
          (block $done
            (loop $inner
              (br_if $done (i32.ge_u (local.get $j) (local.get $n)))
              (i32.store8 (i32.add (i32.const 1024) (local.get $j)) (i32.const 0))
              (local.set $j (i32.add (local.get $j) (local.get $i)))
              (br $inner)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $outer (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $count))
  (func (export "_start")
    (local $k i32) (local $c i32)
    (call $bench_start)
    (loop $rep
      (local.set $c (call $sieve (i32.const 100000)))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br_if $rep (i32.lt_u (local.get $k) (i32.const 10))))
    (call $bench_end)
    (call $print (i64.extend_i32_u (local.get $c)))))
