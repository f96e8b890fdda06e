;; A small pointer-heavy WASI command (tests of `wlab run --record`, `--check --states`
;; and `wlab difftest --program`): builds a linked list of 40 nodes in linear memory,
;; folds it with a non-commutative step (`acc * 31 + (0 - value)`), reverses it in place, folds
;; it again, and prints both results, the list's length and its second value through
;; `fd_write`.
;; Expected stdout: linked-list.stdout.expected.
;;
;; Node layout: [value: i32][next: i32] at 8-byte aligned addresses from 4096.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (global $heap (mut i32) (i32.const 4096))

  ;; A node {value, next}: its address.
  (func $alloc_node (param $value i32) (param $next i32) (result i32)
    (local $p i32)
    (local.set $p (global.get $heap))
    (global.set $heap (i32.add (global.get $heap) (i32.const 8)))
    (i32.store (local.get $p) (local.get $value))
    (i32.store offset=4 (local.get $p) (local.get $next))
    (local.get $p))

  ;; A list of $n nodes with values (i * 7 + 3) mod 100.
  (func $build (param $n i32) (result i32)
    (local $i i32) (local $head i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $head
          (call $alloc_node
            (i32.rem_u (i32.add (i32.mul (local.get $i) (i32.const 7)) (i32.const 3)) (i32.const 100))
            (local.get $head)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $head))

  ;; acc := acc * 31 + (0 - node.value), over the list from $p.
  (func $walk (export "walk") (param $p i32) (result i32)
    (local $acc i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $p)))
        (local.set $acc
          (i32.add (i32.mul (local.get $acc) (i32.const 31)) (i32.sub (i32.const 0) (i32.load (local.get $p)))))
        (local.set $p (i32.load offset=4 (local.get $p)))
        (br $next)))
    (local.get $acc))

  ;; Nodes from $p to the end.
  (func $length (param $p i32) (result i32)
    (local $n i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $p)))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (local.set $p (i32.load offset=4 (local.get $p)))
        (br $next)))
    (local.get $n))

  ;; The value of the node after $p. (The `+ 0` gives every pipeline something to
  ;; change; random arguments make both of its loads trap, so only recorded states can
  ;; check it.)
  (func $second (param $p i32) (result i32)
    (i32.add (i32.load (i32.load offset=4 (local.get $p))) (i32.const 0)))

  ;; Reverses the list in place; the new head.
  (func $reverse (param $p i32) (result i32)
    (local $prev i32) (local $next i32)
    (block $done
      (loop $step
        (br_if $done (i32.eqz (local.get $p)))
        (local.set $next (i32.load offset=4 (local.get $p)))
        (i32.store offset=4 (local.get $p) (local.get $prev))
        (local.set $prev (local.get $p))
        (local.set $p (local.get $next))
        (br $step)))
    (local.get $prev))

  ;; Prints $x in decimal and a newline (digits built backwards from byte 200 down).
  (func $print (param $x i32)
    (local $p i32) (local $neg i32) (local $u i32)
    (local.set $p (i32.const 200))
    (i32.store8 (local.get $p) (i32.const 10))
    (local.set $neg (i32.lt_s (local.get $x) (i32.const 0)))
    (local.set $u (select (i32.sub (i32.const 0) (local.get $x)) (local.get $x) (local.get $neg)))
    (loop $digit
      (local.set $p (i32.sub (local.get $p) (i32.const 1)))
      (i32.store8 (local.get $p) (i32.add (i32.const 48) (i32.rem_u (local.get $u) (i32.const 10))))
      (local.set $u (i32.div_u (local.get $u) (i32.const 10)))
      (br_if $digit (i32.ne (local.get $u) (i32.const 0))))
    (if (local.get $neg)
      (then
        (local.set $p (i32.sub (local.get $p) (i32.const 1)))
        (i32.store8 (local.get $p) (i32.const 45))))
    ;; iovec at 16: {base, len}; bytes written at 24.
    (i32.store (i32.const 16) (local.get $p))
    (i32.store (i32.const 20) (i32.sub (i32.const 201) (local.get $p)))
    (drop (call $fd_write (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 24))))

  (func $_start (export "_start")
    (local $head i32)
    (local.set $head (call $build (i32.const 40)))
    (call $print (call $walk (local.get $head)))
    (local.set $head (call $reverse (local.get $head)))
    (call $print (call $walk (local.get $head)))
    (call $print (call $length (local.get $head)))
    (call $print (call $second (local.get $head)))))
