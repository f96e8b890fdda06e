;; test: compile
;; target: x86_64
;; With guard regions (the default) an access is one instruction on the pinned heap
;; base (r14): no compare, no stub; a fault there is the out-of-bounds trap.
(module
  (memory 1)
  (func (export "get") (param i32) (result i32)
    (i32.load offset=8 (local.get 0)))
  (func (export "put8") (param i32 i64)
    (i64.store8 offset=3 (local.get 0) (local.get 1)))
  (func (export "sx16") (param i32) (result i64)
    (i64.load16_s (local.get 0)))
  (func (export "size") (result i32)
    (memory.size)))
