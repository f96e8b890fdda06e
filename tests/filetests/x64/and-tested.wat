;; test: compile
;; target: x86_64
;; passes: O2
;; An `and` whose only use is a branch, `select` or `eqz` condition is a `test`: with an
;; immediate or a register, the flags decide and no register is written; an `and` used
;; again stays an `and`.
(module
  (func (export "flag_set") (param i32) (result i32)
    (if (result i32) (i32.and (local.get 0) (i32.const 0x80)) (then (i32.const 1)) (else (i32.const 2))))
  (func (export "disjoint") (param i64 i64) (result i32)
    (select (i32.const 3) (i32.const 4) (i64.eqz (i64.and (local.get 0) (local.get 1)))))
  (func (export "and_used_twice") (param i32 i32) (result i32)
    (local i32)
    (local.set 2 (i32.and (local.get 0) (local.get 1)))
    (if (result i32) (local.get 2) (then (local.get 2)) (else (i32.const 9)))))
