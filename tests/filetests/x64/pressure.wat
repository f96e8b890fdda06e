;; test: compile
;; target: x86_64
;; regs: 4
;; With four registers per class, values live across the sum spill and reload.
(module
  (func (export "pressure") (param i32 i32 i32 i32 i32 i32) (result i32)
    (i32.add
      (i32.add (i32.mul (local.get 0) (local.get 1)) (i32.mul (local.get 2) (local.get 3)))
      (i32.add (i32.mul (local.get 4) (local.get 5)) (i32.mul (local.get 0) (local.get 5))))))
