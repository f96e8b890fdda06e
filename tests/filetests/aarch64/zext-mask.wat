;; test: compile
;; target: aarch64
;; An i64 `and` with a mask below 2^32: 0xFFFFFFFF is a 32-bit `mov` (zero-extension), a mask
;; that is a bitmask immediate only at 32 bits a 32-bit `and` with the immediate (which
;; clears the upper half), never a 64-bit constant in a register.
(module
  (func (export "zext") (param i64) (result i64)
    (i64.and (local.get 0) (i64.const 0xffffffff)))
  (func (export "mask") (param i64) (result i64)
    (i64.and (local.get 0) (i64.const 0x80808080))))
