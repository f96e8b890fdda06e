;; test: compile
;; target: aarch64
;; passes: O2
;; An and/or/xor with the complement of a value (wasm: `y ^ -1`) used only there is one
;; `bic`, `orn` or `eon`, in either operand position; a complement used again stays an
;; `eor` (`mvn`) of its own.
(module
  (func (export "chi") (param i64 i64 i64) (result i64)
    (i64.xor (local.get 0)
      (i64.and (i64.xor (local.get 1) (i64.const -1)) (local.get 2))))
  (func (export "or_not") (param i32 i32) (result i32)
    (i32.or (i32.xor (local.get 1) (i32.const -1)) (local.get 0)))
  (func (export "xor_not") (param i64 i64) (result i64)
    (i64.xor (local.get 0) (i64.xor (local.get 1) (i64.const -1))))
  (func (export "not_used_twice") (param i32 i32) (result i32)
    (local i32)
    (local.set 2 (i32.xor (local.get 0) (i32.const -1)))
    (i32.or (i32.and (local.get 2) (local.get 1)) (local.get 2))))
