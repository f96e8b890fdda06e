//! Unit tests of the translator: SIMD operators become their rows, refusals name what they refuse, names survive, and SSA
//! construction gives block parameters only where values merge.

use super::{translate_module, TranslateError};
use crate::opcode::Opcode;
use crate::write::print_function;

fn translate_wat(text: &str) -> Result<crate::Module, TranslateError> {
    translate_module(&wat::parse_str(text).expect("test module parses"))
}

#[test]
fn simd_operators_become_their_rows() {
    let m = translate_wat(
        r#"(module
             (func $ok (result i32) i32.const 1)
             (func $vec (param v128 v128) (result v128) local.get 0 local.get 1 i32x4.add)
             (func $lane (result i32)
               v128.const i32x4 1 2 3 4
               v128.const i32x4 0 0 0 0
               i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 31
               i32x4.extract_lane 3)
             (func $zero (result v128) (local v128) local.get 0))"#,
    )
    .unwrap();
    let vec = print_function(&m.functions[1]);
    assert!(vec.contains("= add.i32x4 v0, v1"), "{vec}");
    let lane = print_function(&m.functions[2]);
    assert!(lane.contains("const.v128 0x00000004000000030000000200000001"), "{lane}");
    assert!(lane.contains("shuffle.i8x16 [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 31]"), "{lane}");
    assert!(lane.contains("extract_lane.i32x4 3, v"), "{lane}");
    // An unset v128 local reads as the zero vector.
    let zero = print_function(&m.functions[3]);
    assert!(zero.contains("const.v128 0x00000000000000000000000000000000"), "{zero}");
}

#[test]
fn simd_in_unreachable_code_is_skipped() {
    let m = translate_wat(
        r#"(module (func (result i32)
             i32.const 0 return
             v128.const i64x2 0 0 i64x2.extract_lane 1 i32.wrap_i64))"#,
    )
    .unwrap();
    assert!(!print_function(&m.functions[0]).contains("v128"));
}

#[test]
fn malformed_and_invalid_modules_are_errors() {
    assert!(matches!(translate_module(b"\0asm\x01\0\0\0\x01\xff"), Err(TranslateError::Malformed(_))));
    assert!(matches!(translate_module(b"not wasm"), Err(TranslateError::Malformed(_))));
    assert!(matches!(translate_module(&[]), Err(TranslateError::Malformed(_))));
    let invalid = translate_wat("(module (func (result i32) i64.const 1))").unwrap_err();
    assert!(matches!(invalid, TranslateError::Invalid(_)), "{invalid:?}");
    // Outside wasm 2.0: tail calls are refused by the validator.
    let tail = translate_wat("(module (func return_call 0))").unwrap_err();
    assert!(matches!(tail, TranslateError::Invalid(_)), "{tail:?}");
    // Every prefix of a valid module is an error value, never a panic.
    let bytes = wat::parse_str(
        r#"(module (memory 1) (func $f (param i32) (result i32)
             (block (result i32) (loop (br_if 1 (i32.const 7) (local.get 0)) (drop) (br 0)) (i32.const 1))))"#,
    )
    .unwrap();
    for n in 0..bytes.len() {
        let _ = translate_module(&bytes[..n]);
    }
    if let Err(e) = translate_module(&bytes) {
        panic!("{e}");
    }
}

#[test]
fn names_are_kept() {
    let m = translate_wat(
        r#"(module $mod
             (import "env" "imp" (func $imported (param i32)))
             (func $first (export "first") (call $imported (i32.const 1)))
             (func (export "second")))"#,
    )
    .unwrap();
    assert_eq!(m.info.module_name.as_deref(), Some("mod"));
    assert_eq!(m.info.funcs[0].name.as_deref(), Some("imported"));
    assert_eq!(m.functions[0].name, "first");
    assert_eq!(m.functions[0].wasm_index, Some(1));
    assert_eq!(m.functions[1].name, "f2");
    assert!(print_function(&m.functions[0]).starts_with("function fn1 \"first\"() -> ()"));
    assert_eq!(m.functions[0].callees.get(&0).map(|s| s.params.len()), Some(1));
}

#[test]
fn loop_gets_block_params_only_where_values_merge() {
    let m = translate_wat(
        r#"(module (func $count (param $n i32) (result i32) (local $i i32) (local $acc i32)
             (block $done
               (loop $next
                 (br_if $done (i32.ge_s (local.get $i) (local.get $n)))
                 (local.set $acc (i32.add (local.get $acc) (local.get $i)))
                 (local.set $i (i32.add (local.get $i) (i32.const 1)))
                 (br $next)))
             (local.get $acc)))"#,
    )
    .unwrap();
    let f = &m.functions[0];
    let text = print_function(f);
    // entry(n), loop header(i, acc), the br_if fallthrough, the exit (one predecessor).
    let params: Vec<usize> = f.layout.iter().map(|&b| f.block_params(b).len()).collect();
    assert_eq!(params, vec![1, 2, 0, 0], "{text}");
    // No block with a single predecessor has parameters, and every block is terminated once.
    for &b in &f.layout[1..] {
        let preds = f.layout.iter().filter(|&&p| f.successors(p).any(|s| s == b)).count();
        assert!(preds > 0, "{b} has no predecessor:\n{text}");
        if preds == 1 {
            assert!(f.block_params(b).is_empty(), "{b}:\n{text}");
        }
    }
    for &b in &f.layout {
        let insts = f.block_insts(b);
        assert!(f.inst(*insts.last().unwrap()).opcode.is_terminator());
        assert!(insts[..insts.len() - 1].iter().all(|&i| !f.inst(i).opcode.is_terminator()));
    }
    assert!(f.layout_insts().all(|(_, i)| f.inst(i).srcloc.is_some()));
}

#[test]
fn straight_line_blocks_and_ifs_leave_no_trivial_params() {
    let m = translate_wat(
        r#"(module (func (param i32) (result i32) (local i32)
             (local.set 1 (i32.const 7))
             (block (result i32) (i32.const 3))
             (if (result i32) (local.get 0) (then (local.get 1)) (else (local.get 1)))
             i32.add
             (if (local.get 0) (then (local.set 1 (i32.const 9))))
             (local.get 1)
             i32.add))"#,
    )
    .unwrap();
    let f = &m.functions[0];
    let text = print_function(f);
    let with_params: Vec<usize> = f.layout[1..].iter().map(|&b| f.block_params(b).len()).collect();
    // Only the join after the last `if` merges two different values of local 1.
    assert_eq!(with_params.iter().sum::<usize>(), 1, "{text}");
}

#[test]
fn dead_code_is_not_emitted_and_translation_continues() {
    let m = translate_wat(
        r#"(module (func (param i32) (result i32)
             (block (result i32)
               (br 0 (i32.const 1))
               (drop (i32.const 2))
               (block (loop (br 0)))
               (unreachable))
             (if (result i32) (local.get 0) (then (unreachable)) (else (i32.const 5)))
             i32.add))"#,
    )
    .unwrap();
    let f = &m.functions[0];
    let text = print_function(f);
    assert!(!f.layout_insts().any(|(_, i)| f.inst(i).imm == crate::Imm::I64(2)), "{text}");
    assert!(f.layout_insts().any(|(_, i)| f.inst(i).opcode == Opcode::Trap), "{text}");
    assert!(text.contains("iadd.i32"), "{text}");
}

#[test]
fn operand_orders_follow_the_text_format() {
    let m = translate_wat(
        r#"(module (memory 1) (table 2 funcref) (type $t (func (param i32) (result i32)))
             (func (param i32 i32 i32) (result i32)
               (i32.store offset=4 (local.get 0) (local.get 1))
               (memory.copy (local.get 0) (local.get 1) (local.get 2))
               (select (local.get 0) (local.get 1) (local.get 2))
               (call_indirect (type $t) (local.get 1) (local.get 2))
               i32.add))"#,
    )
    .unwrap();
    let f = &m.functions[0];
    let text = print_function(f);
    assert!(text.contains("store.i32 v0+4, v1"), "{text}");
    assert!(text.contains("memory_copy mem0, mem0, v0, v1, v2"), "{text}");
    assert!(text.contains("select.i32 v2, v0, v1"), "{text}");
    assert!(text.contains("call_indirect type0, table0, v2(v1)"), "{text}");
    assert!(f.types.contains_key(&0));
}

#[test]
fn a_long_chain_of_merges_does_not_overflow_the_stack() {
    let mut body = String::new();
    for _ in 0..20_000 {
        body.push_str("(if (local.get 0) (then (local.set 1 (i32.const 1))))\n");
    }
    let text = format!("(module (func (param i32) (result i32) (local i32 i32) {body} (local.get 2)))");
    let m = translate_wat(&text).unwrap();
    assert_eq!(m.functions.len(), 1);
}
