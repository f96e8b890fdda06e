;; test: passes
;; passes: dce
;; Whatever the translator keeps after `return` and `unreachable` is unreachable
;; and goes; the unused pure `i32.mul` goes; the unused `i32.div_u` (may trap) stays.
(module
  (func $f (export "f") (param i32 i32) (result i32)
    (drop (i32.mul (local.get 0) (local.get 1)))
    (drop (i32.div_u (local.get 0) (local.get 1)))
    (if (local.get 0)
      (then (return (local.get 1)) (drop (i32.const 5))))
    (unreachable)))
