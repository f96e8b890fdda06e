;; test: passes
;; passes: dce
;; The unused pure `i32.mul` goes; the unused `i32.div_u` stays, because it may trap.
;; (The translator itself already drops the dead code after `return`.)
(module
  (func $f (export "f") (param i32 i32) (result i32)
    (drop (i32.mul (local.get 0) (local.get 1)))
    (drop (i32.div_u (local.get 0) (local.get 1)))
    (if (local.get 0)
      (then (return (local.get 1)) (drop (i32.const 5))))
    (unreachable)))
