;; test: compile
;; target: aarch64
;; bounds: explicit
;; Wasm memory: a bounds check (address + offset + size against the length in vmctx,
;; trapping out of line), then a register-offset access [base, address]; a static offset is
;; added to the base with an immediate. Globals live in cells whose addresses are in vmctx.
(module
  (memory 1)
  (global $g (mut i64) (i64.const 0))
  (func (export "mem") (param i32 i32)
    (i32.store8 (local.get 0) (i32.load16_s offset=2 (local.get 1)))
    (f64.store offset=8 (local.get 0) (f64.load offset=40000 (local.get 1)))
    (global.set $g (i64.load32_s (local.get 0))))
  (func (export "grow") (param i32) (result i32)
    (drop (memory.grow (local.get 0)))
    (memory.size))
)
