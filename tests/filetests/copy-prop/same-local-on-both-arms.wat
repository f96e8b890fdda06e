;; test: passes
;; passes: copy-prop
;; Must not act: the translator's SSA construction already drops the join parameter
;; when both arms of the `if` leave the same local (first function), and in the
;; second function the arms differ, so the join parameter is a real one and stays.
(module
  (func $same (export "same") (param i32 i32) (result i32)
    (if (result i32) (local.get 1)
      (then (local.get 0))
      (else (local.get 0)))
    (i32.const 3)
    (i32.mul))
  (func $different (export "different") (param i32 i32) (result i32)
    (if (result i32) (local.get 1)
      (then (local.get 0))
      (else (local.get 1)))))
