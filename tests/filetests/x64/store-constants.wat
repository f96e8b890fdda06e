;; test: compile
;; target: x86_64
;; A constant stored to memory or a global is the store's immediate: bytes and dwords
;; always, qwords when the value is a sign-extended imm32 (`big` is not, so it goes
;; through a register), floats by their bits. Two-byte constants go through a register
;; (`mov word [m], imm16` stalls Intel's decoders). A zero in a register is `xor` (`pick`;
;; zero-between-compare-and-branch.ir shows where it stays `mov`).
(module
  (memory 1)
  (global $g (mut i64) (i64.const 0))
  (global $h (mut i32) (i32.const 0))
  (func (export "ints") (param i32)
    (i32.store (local.get 0) (i32.const -7))
    (i64.store offset=8 (local.get 0) (i64.const -1))
    (i32.store8 offset=16 (local.get 0) (i32.const 0x1ff))
    (i64.store32 offset=20 (local.get 0) (i64.const 0x1_0000_0005))
    (i32.store16 offset=24 (local.get 0) (i32.const 3)))
  (func (export "big") (param i32)
    (i64.store (local.get 0) (i64.const 0x1_0000_0000))
    (i64.store offset=8 (local.get 0) (i64.const 0x8000_0000)))
  (func (export "floats") (param i32)
    (f64.store (local.get 0) (f64.const 0))
    (f32.store offset=8 (local.get 0) (f32.const 1.5))
    (f64.store offset=16 (local.get 0) (f64.const 1.5)))
  (func (export "globals")
    (global.set $g (i64.const -2))
    (global.set $h (i32.const -2))
    (global.set $h (i32.const 5)))
  (func (export "pick") (param i32 i32) (result i32)
    (local i32)
    (local.set 2 (i32.add (local.get 1) (i32.const 0)))
    (if (i32.lt_s (local.get 0) (local.get 1))
      (then (local.set 2 (i32.const 0))))
    (i32.add (local.get 2) (i32.const 0))))
