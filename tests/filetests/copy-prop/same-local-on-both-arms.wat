;; test: passes
;; passes: copy-prop
;; Both arms of the `if` leave the same local on the stack, so the join block's
;; parameter always receives v0 and is replaced by it. The second function's arms
;; differ: its join parameter must stay.
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
