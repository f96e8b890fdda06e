;; test: passes
;; passes: const-fold
;; min/max order -0 below +0; arithmetic on a signalling NaN gives it quieted (payload
;; kept, as the interpreter does); neg flips only the sign of a NaN; nearest rounds
;; ties to even; f64 -> f32 rounds to nearest.
(module
  (func $floats (export "floats") (result f32 f32 f32 f32 f64 f32)
    (f32.min (f32.const 0) (f32.const -0))
    (f32.max (f32.const -0) (f32.const 0))
    (f32.add (f32.const nan:0x200000) (f32.const 1))
    (f32.neg (f32.const nan:0x200000))
    (f64.nearest (f64.const 2.5))
    (f32.demote_f64 (f64.const 0.1))))
