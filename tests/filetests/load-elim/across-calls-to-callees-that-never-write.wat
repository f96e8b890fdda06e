;; test: passes
;; passes: load-elim
;; func: caller
;; The module's effect summary marks `$square` `no_memory_writes` (it only reads
;; memory); `$poke` stores, so it is not marked. load-elim keeps the load of p across
;; the call to `$square` (the second load goes: loads-removed=1) and forgets it at the
;; call to `$poke` (the third load stays). `load-elim(summaries=false)` would keep all three.
(module
  (memory 1)
  (func $square (param $p i32) (result i32)
    (i32.mul (i32.load (local.get $p)) (i32.load (local.get $p))))
  (func $poke (param $p i32)
    (i32.store (local.get $p) (i32.const 7)))
  (func $caller (export "caller") (param $p i32) (result i32)
    (local $a i32) (local $b i32)
    (local.set $a (i32.load (local.get $p)))
    (local.set $b (call $square (local.get $p)))
    (local.set $a (i32.add (local.get $a) (i32.load (local.get $p))))
    (call $poke (local.get $p))
    (i32.add (i32.add (local.get $a) (local.get $b)) (i32.load (local.get $p)))))
