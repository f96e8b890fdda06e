;; Multiplies two 48x48 f64 matrices 4 times (C += A*B, i-k-j order); prints the
;; integer part of C's trace.
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
  ;; A at 4096, B at 4096 + 8*48*48, C after it.
  (func $at (param $base i32) (param $i i32) (param $j i32) (result i32)
    (i32.add (local.get $base) (i32.shl (i32.add (i32.mul (local.get $i) (i32.const 48)) (local.get $j)) (i32.const 3))))
  (func $init
    (local $i i32) (local $j i32)
    (loop $ri
      (local.set $j (i32.const 0))
      (loop $rj
        (f64.store (call $at (i32.const 4096) (local.get $i) (local.get $j))
          (f64.div (f64.convert_i32_u (i32.rem_u (i32.add (i32.mul (local.get $i) (i32.const 7)) (local.get $j)) (i32.const 13))) (f64.const 4)))
        (f64.store (call $at (i32.const 22528) (local.get $i) (local.get $j))
          (f64.div (f64.convert_i32_u (i32.rem_u (i32.add (local.get $i) (i32.mul (local.get $j) (i32.const 5))) (i32.const 11))) (f64.const 8)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br_if $rj (i32.lt_u (local.get $j) (i32.const 48))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $ri (i32.lt_u (local.get $i) (i32.const 48)))))
  (func $mul
    (local $i i32) (local $j i32) (local $k i32) (local $a f64)
    (loop $li
      (local.set $k (i32.const 0))
      (loop $lk
        (local.set $a (f64.load (call $at (i32.const 4096) (local.get $i) (local.get $k))))
        (local.set $j (i32.const 0))
        (loop $lj
          (f64.store (call $at (i32.const 40960) (local.get $i) (local.get $j))
            (f64.add (f64.load (call $at (i32.const 40960) (local.get $i) (local.get $j)))
                     (f64.mul (local.get $a) (f64.load (call $at (i32.const 22528) (local.get $k) (local.get $j))))))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br_if $lj (i32.lt_u (local.get $j) (i32.const 48))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br_if $lk (i32.lt_u (local.get $k) (i32.const 48))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $li (i32.lt_u (local.get $i) (i32.const 48)))))
  (func (export "_start")
    (local $r i32) (local $i i32) (local $t f64)
    (call $init)
    (call $bench_start)
    (loop $rep
      (call $mul)
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br_if $rep (i32.lt_u (local.get $r) (i32.const 4))))
    (call $bench_end)
    (loop $tr
      (local.set $t (f64.add (local.get $t) (f64.load (call $at (i32.const 40960) (local.get $i) (local.get $i)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $tr (i32.lt_u (local.get $i) (i32.const 48))))
    (call $print (i64.trunc_f64_u (local.get $t)))))
