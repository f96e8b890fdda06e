;; test: compile
;; target: x86_64
;; passes: O2
;; An add of a value and a constant shift by 1 to 3 whose only use is the add is one
;; `lea` with a scaled index (32-bit for i32, so it wraps as the add does); a shift by 4
;; has no scale, and a shift with a second use is computed on its own.
(module
  (memory 1)
  (func (export "elem") (param i32 i32) (result f64)
    (f64.load (i32.add (local.get 0) (i32.shl (local.get 1) (i32.const 3)))))
  (func (export "wide") (param i64 i64) (result i64)
    (i64.add (i64.shl (local.get 1) (i64.const 1)) (local.get 0)))
  (func (export "by16") (param i32 i32) (result i32)
    (i32.add (local.get 0) (i32.shl (local.get 1) (i32.const 4))))
  (func (export "shared") (param i32 i32) (result i32)
    (local i32)
    (local.set 2 (i32.shl (local.get 1) (i32.const 2)))
    (i32.mul (i32.add (local.get 0) (local.get 2)) (local.get 2))))
