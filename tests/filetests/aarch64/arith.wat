;; test: compile
;; target: aarch64
;; Three-register forms (no copies for two-address operands); add/sub immediates, negative
;; ones flipped to the other operation; bitmask immediates for and/orr/eor; a multiply whose
;; only use is an add or subtract fused into madd/msub; shifts and rotates by a constant use
;; the immediate forms, rotl by a register negates the amount for rorv.
(module
  (func (export "arith") (param i32 i32 i32) (result i32)
    (i32.add (local.get 0) (local.get 1))
    (i32.add (i32.const 100))
    (i32.sub (i32.const -4096))
    (i32.add (i32.mul (local.get 2) (local.get 1)))
    (i32.and (i32.const 0xff00))
    (i32.xor (i32.const -1))
    (i32.or (i32.const 0x12345))
    (i32.shl (local.get 1))
    (i32.shr_u (i32.const 3))
    (i32.rotl (i32.const 8)))
  (func (export "msub") (param i64 i64 i64) (result i64)
    (i64.sub (local.get 0) (i64.mul (local.get 1) (local.get 2)))
    (i64.rotl (local.get 1)))
  (func (export "consts") (result i64)
    (i64.add (i64.const 0x1234_5678_9abc_def0) (i64.const -2)))
  (func (export "bits") (param i32 i64) (result i64)
    (i64.add (i64.extend_i32_u (i32.popcnt (local.get 0)))
             (i64.add (i64.ctz (local.get 1)) (i64.clz (local.get 1)))))
)
