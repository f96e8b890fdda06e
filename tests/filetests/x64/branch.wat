;; test: compile
;; target: x86_64
;; passes: O2
;; A compare whose only use is the loop's branch is fused into cmp + jcc (no setcc);
;; a compare with two uses is materialised with setcc.
(module
  (func (export "count") (param i32) (result i32)
    (local i32)
    (block
      (loop
        (br_if 1 (i32.ge_s (local.get 1) (local.get 0)))
        (local.set 1 (i32.add (local.get 1) (i32.const 1)))
        (br 0)))
    (local.get 1))
  (func (export "both") (param i32 i32) (result i32)
    (local i32)
    (local.set 2 (i32.lt_u (local.get 0) (local.get 1)))
    (if (result i32) (local.get 2)
      (then (i32.add (local.get 2) (i32.const 10)))
      (else (i32.const 0)))))
