;; test: translate
;; Multi-value: a block with parameters and two results, and a function with two
;; results; block results become parameters of the continuation block.
(module
  (func $swap (export "swap") (param i32 i64) (result i64 i32)
    (local.get 1) (local.get 0))
  (func $pair (export "pair") (param $c i32) (result i32 i32)
    (i32.const 1) (i32.const 2)
    (block (param i32 i32) (result i32 i32)
      (br_if 0 (local.get $c))
      (drop) (drop)
      (i32.const 3) (i32.const 4))))
