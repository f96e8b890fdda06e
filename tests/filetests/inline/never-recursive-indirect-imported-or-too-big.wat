;; test: passes
;; passes: inline(max-callee-insts=6)
;; func: caller
;; Nothing here is inlined. Inside `$fact` (which calls itself) and `$even`/`$odd`
;; (which call each other) every call is recursive: one strongly connected component,
;; never inlined (skipped-recursive=3). From `$caller`, `$fact`, `$even` and `$big`
;; have more than 6 instructions (skipped-callee-too-big=3), `$log` is an import
;; (skipped-no-body=1) and the last call is indirect, which the pass never inlines.
(module
  (import "env" "log" (func $log (param i32)))
  (type $t (func (param i32) (result i32)))
  (table 1 funcref)
  (elem (i32.const 0) func $fact)
  (func $fact (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 1))
      (else (i32.mul (local.get $n) (call $fact (i32.sub (local.get $n) (i32.const 1)))))))
  (func $even (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n)) (then (i32.const 1)) (else (call $odd (i32.sub (local.get $n) (i32.const 1))))))
  (func $odd (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n)) (then (i32.const 0)) (else (call $even (i32.sub (local.get $n) (i32.const 1))))))
  (func $big (param $n i32) (result i32)
    (i32.add (i32.mul (local.get $n) (i32.const 3)) (i32.xor (local.get $n) (i32.shl (local.get $n) (i32.const 5)))))
  (func $caller (export "caller") (param $n i32) (result i32)
    (call $log (local.get $n))
    (i32.add
      (i32.add (call $fact (local.get $n)) (call $even (local.get $n)))
      (i32.add (call $big (local.get $n)) (call_indirect (type $t) (local.get $n) (i32.const 0))))))
