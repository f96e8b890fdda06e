;; test: passes
;; passes: inline
;; func: caller
;; `$divmod` is small: both calls become copies of its body. The arguments reach the
;; copied entry block as block arguments, the two results come back as the
;; parameters of the block that continues the caller. The division keeps its trap.
(module
  (func $divmod (param $a i32) (param $b i32) (result i32 i32)
    (i32.div_u (local.get $a) (local.get $b))
    (i32.rem_u (local.get $a) (local.get $b)))
  (func $caller (export "caller") (param $x i32) (param $y i32) (result i32)
    (call $divmod (local.get $x) (local.get $y))
    (i32.add)
    (call $divmod (local.get $y) (i32.const 3))
    (i32.mul)
    (i32.add)))
