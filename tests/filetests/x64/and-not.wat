;; test: compile
;; target: x86_64
;; passes: O2
;; `x & ~y` (wasm: `x & (y ^ -1)`) is one BMI1 `andn` when the complement is used only
;; there, in either operand position; a complement used again stays an `xor` of its own.
;; The shape is constant-time code's (base64 and keccak's chi step).
(module
  (func (export "chi") (param i64 i64 i64) (result i64)
    (i64.xor (local.get 0)
      (i64.and (i64.xor (local.get 1) (i64.const -1)) (local.get 2))))
  (func (export "mask_right") (param i32 i32) (result i32)
    (i32.and (local.get 0) (i32.xor (local.get 1) (i32.const -1))))
  (func (export "not_used_twice") (param i32 i32) (result i32)
    (local i32)
    (local.set 2 (i32.xor (local.get 0) (i32.const -1)))
    (i32.or (i32.and (local.get 2) (local.get 1)) (local.get 2))))
