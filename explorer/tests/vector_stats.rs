//! `wlab stats` counts the emitted instructions that operate on v128 values (issue 16,
//! item 6): per function and in the totals, in the text table (`vector` column) and in
//! JSON (`stats.vector_insts`), on both targets. A scalar function counts 0.

use std::process::{Command, Output};

/// One SIMD function (a v128 add of a constant, one lane out) and one scalar function.
const MODULE: &str = r#"(module
  (func (export "vec") (param v128) (result i32)
    (i32x4.extract_lane 1 (i32x4.add (local.get 0) (v128.const i32x4 1 2 3 4))))
  (func (export "scalar") (param i32) (result i32)
    (i32.add (local.get 0) (i32.const 7))))"#;

fn wlab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wlab")).args(args).output().expect("wlab runs")
}

fn module_file(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("wlab-vector-stats-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, MODULE).unwrap();
    path
}

fn stats_json(path: &std::path::Path, target: &str) -> serde_json::Value {
    let out = wlab(&["stats", path.to_str().unwrap(), "--passes", "O2", "--target", target, "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("JSON")
}

fn vector_insts(v: &serde_json::Value, func: usize) -> u64 {
    v["functions"][func]["stats"]["vector_insts"].as_u64().expect("vector_insts")
}

#[test]
fn x86_64_counts_the_vector_instructions_of_the_simd_function_only() {
    let path = module_file("x64.wat");
    let v = stats_json(&path, "x86_64");
    // The add, the constant and the lane extract, at least; the argument's load too.
    let vec = vector_insts(&v, 0);
    assert!(vec >= 3, "vector_insts of the SIMD function: {vec}");
    assert!(vec <= v["functions"][0]["stats"]["insts"].as_u64().unwrap());
    assert_eq!(vector_insts(&v, 1), 0, "the scalar function has no vector instruction");
    assert_eq!(v["totals"]["vector_insts"].as_u64().unwrap(), vec, "totals are the sum");

    let out = wlab(&["stats", path.to_str().unwrap(), "--passes", "O2", "--target", "x86_64"]);
    let text = String::from_utf8_lossy(&out.stdout);
    let header = text.lines().find(|l| l.trim_start().starts_with("func ")).expect("table header");
    assert!(header.trim_end().ends_with("vector"), "{text}");
    assert!(text.contains(&format!(";; simd: 3 SIMD IR instructions, {vec} vector machine instructions\n")), "{text}");
    assert!(text.contains(&format!(" vector={vec} ")), "totals line: {text}");
}

#[test]
fn aarch64_counts_the_vector_instructions_of_the_simd_function_only() {
    let path = module_file("a64.wat");
    let v = stats_json(&path, "aarch64");
    assert!(v["functions"][0]["not_compiled"].is_null(), "{v}");
    // The add, the constant and the lane extract, at least.
    let vec = vector_insts(&v, 0);
    assert!(vec >= 3, "vector_insts of the SIMD function: {vec}");
    assert!(vec <= v["functions"][0]["stats"]["insts"].as_u64().unwrap());
    assert_eq!(vector_insts(&v, 1), 0, "the scalar function has no vector instruction");
    assert_eq!(v["totals"]["vector_insts"].as_u64().unwrap(), vec, "totals are the sum");
}
