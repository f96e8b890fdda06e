;; Calls of every kind, for object files and profiles:
;; `wlab compile examples/calls.wat -o calls.o && objdump -d -r calls.o`
;; `double` and `fac` are direct calls (relocations to the callee's symbol); the import,
;; `call_indirect` and `memory.grow` are libcalls (relocations naming the runtime service).
(module
  (import "env" "log" (func $log (param i32)))
  (memory (export "memory") 1)
  (table 2 funcref)
  (elem (i32.const 0) $double $fac_i32)

  (func $double (param i32) (result i32)
    (i32.add (local.get 0) (local.get 0)))

  (func $fac_i32 (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.const 1))
      (else (i32.mul (local.get 0) (call $fac_i32 (i32.sub (local.get 0) (i32.const 1)))))))

  ;; double(x), then the table's entry `which` on it, logged; grows memory by a page.
  (func $run (export "run") (param $x i32) (param $which i32) (result i32)
    (local $y i32)
    (local.set $y (call $double (local.get $x)))
    (local.set $y (call_indirect (param i32) (result i32) (local.get $y) (local.get $which)))
    (call $log (local.get $y))
    (drop (memory.grow (i32.const 1)))
    (local.get $y))
)
