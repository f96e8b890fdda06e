//! `x64::code_stats` (the counts `wlab stats --peer` puts beside Cranelift's) walks wlab's
//! own x86-64 code exactly: over every function of a few modules (jump tables, 16-byte
//! constants in the pool, traps, calls), the instructions it decodes are the ones
//! the emitter counted, and instructions plus skipped data cover the code to its end.

use wlab_backends::x64::code_stats::code_stats;
use wlab_backends::{compile_function, CompileOptions};

const WAT: &str = r#"(module
  (memory 1)
  (func $sel (param i32) (result i32)
    (block (block (block (block (br_table 0 1 2 3 (local.get 0)))
          (return (i32.const 7)))
        (return (i32.const 9)))
      (return (i32.load (local.get 0))))
    (i32.const 11))
  (func $vec (param i32) (result i32)
    (i32x4.extract_lane 2
      (i32x4.add (v128.load (local.get 0)) (v128.const i32x4 1 2 3 4))))
  (func $calls (param i32) (result i32)
    (i32.add (call $sel (local.get 0)) (call $vec (i32.div_s (local.get 0) (i32.const 3)))))
  (func $float (param f64) (result f64)
    (f64.add (f64.mul (local.get 0) (f64.const 1.5)) (f64.const -0.25))))"#;

fn check_module(wasm: &[u8]) -> usize {
    let module = wlab_ir::translate::translate_module(wasm).expect("translates");
    let opts = CompileOptions::new(module.info.num_imported_funcs());
    for f in &module.functions {
        let c = compile_function(f, &opts).expect("compiles");
        let s = code_stats(&c.code);
        assert_eq!(s.insts, c.stats.insts, "{}: decoded {s:?}, emitted {:?}", f.name, c.stats);
        assert_eq!((s.code_bytes + s.data_bytes) as usize, c.code.len(), "{}: {s:?}", f.name);
        assert_eq!(s.calls, c.stats.calls, "{}", f.name);
    }
    module.functions.len()
}

#[test]
fn decoded_instructions_are_the_emitted_ones() {
    assert_eq!(check_module(&wat::parse_str(WAT).unwrap()), 4);
}

#[test]
fn the_linked_list_program_decodes_alike() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/programs/linked-list.wat");
    assert!(check_module(&wat::parse_file(path).unwrap()) > 1);
}
