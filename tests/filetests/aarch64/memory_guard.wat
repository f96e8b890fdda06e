;; test: compile
;; target: aarch64
;; Guard regions: no bounds check, the register-offset access itself is the check (listed as
;; a fault trap site; the runtime maps only the accessible part of memory).
(module
  (memory 1)
  (func (export "copy") (param i32 i32)
    (i64.store offset=8 (local.get 0) (i64.load (local.get 1))))
)
