;; test: translate
;; `br_table` with a default, and code after an unconditional branch, which is dead
;; and must not be translated.
(module
  (func $classify (export "classify") (param $x i32) (result i32)
    (block $c (block $b (block $a
      (br_table $a $b $c (local.get $x)))
      (return (i32.const 10))
      (i32.const 99) (drop))
      (return (i32.const 20)))
    (i32.const 30)))
