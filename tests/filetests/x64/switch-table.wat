;; test: compile
;; target: x86_64
;; passes: O2
;; A switch whose cases only pick a value: simplify-cfg threads the cases (copying their
;; constants to the br_table) and the backend lowers the br_table as a lookup table:
;; a bounds check to the default, a load of the value, one jump. With entries that go
;; to the default (holes), one byte per entry says so, and the check reads it.
(module
  (func (export "pick32") (param i32) (result i32)
    (local i32)
    (block $end
      (block $default
        (block $c3 (block $c2 (block $c1 (block $c0
          (br_table $c0 $c1 $c2 $c3 $default (local.get 0)))
          (local.set 1 (i32.const 10)) (br $end))
          (local.set 1 (i32.const -20)) (br $end))
          (local.set 1 (i32.const 30)) (br $end))
          (local.set 1 (i32.const 0x7fffffff)) (br $end))
      (local.set 1 (i32.const 99)))
    (local.get 1))
  (func (export "holes") (param i32) (result i32)
    (local i32)
    (block $end
      (block $default
        (block $c2 (block $c1 (block $c0
          (br_table $c0 $default $c1 $default $c2 $default (local.get 0)))
          (local.set 1 (i32.const 5)) (br $end))
          (local.set 1 (i32.const 6)) (br $end))
          (local.set 1 (i32.const 7)) (br $end))
      (local.set 1 (i32.const -1)))
    (local.get 1))
  (func (export "pick64_and_keep") (param i32 i64 i32) (result i64)
    (if (i32.eqz (local.get 2)) (then (local.set 2 (i32.const 77))))
    (block $end
      (block $default
        (block $c2 (block $c1 (block $c0
          (br_table $c0 $c1 $c2 $default (local.get 0)))
          (local.set 1 (i64.const 0x123456789abcdef0)) (br $end))
          (local.set 1 (i64.const -2)) (br $end))
          (local.set 1 (i64.const 4)) (br $end))
      (local.set 1 (i64.const 8)) (local.set 2 (i32.const 5)))
    (i64.add (local.get 1) (i64.extend_i32_u (local.get 2))))
)
