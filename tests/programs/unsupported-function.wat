;; A module with two functions the translator refuses (a relaxed-SIMD and an atomic
;; instruction) between two it translates: the module still loads, the other functions
;; are explored and counted, and only the two report their one-line error
;; (explorer/tests/unsupported_function.rs).
(module
  (memory 1)
  (func $add (export "add") (param i32 i32) (result i32)
    local.get 0
    local.get 1
    i32.add)
  (func $relaxed (export "relaxed") (param v128 v128) (result v128)
    local.get 0
    local.get 1
    i8x16.relaxed_swizzle)
  (func $atomic (export "atomic") (param i32) (result i32)
    local.get 0
    i32.atomic.load)
  (func $twice (export "twice") (param i32) (result i32)
    local.get 0
    local.get 0
    call $add))
