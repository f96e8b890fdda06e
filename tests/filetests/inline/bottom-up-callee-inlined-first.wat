;; test: passes
;; passes: inline,O1
;; func: top
;; Bottom-up: `$leaf` is inlined into `$mid` first, so `$top` receives `$mid` with the
;; leaf already inside (the copy carries no call). The loop in `$mid` is copied with its
;; block parameters. O1 afterwards cleans the jumps.
(module
  (memory 1)
  (func $leaf (param $p i32) (result i32)
    (i32.load (local.get $p)))
  (func $mid (param $p i32) (param $n i32) (result i32)
    (local $s i32)
    (loop $l
      (local.set $s (i32.add (local.get $s) (call $leaf (local.get $p))))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $l (local.get $n)))
    (local.get $s))
  (func $top (export "top") (param $p i32) (result i32)
    (i32.add (call $mid (local.get $p) (i32.const 4)) (i32.const 1))))
