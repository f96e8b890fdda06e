//! Translates every valid module of the spec test corpus: every function must translate
//! and verify. Also translates one generated large function (50,000 wasm instructions,
//! 1,000 locals) and prints how long it took; no test asserts wall-clock time.
//!
//! Run with `cargo test -p wlab-tests --test translate_corpus -- --nocapture` to see the
//! counts (add `--release` for a meaningful timing).

use std::fmt::Write;
use std::time::Instant;
use wlab_ir::translate::{translate_module, TranslateError};
use wlab_ir::verify::verify_function;
use wlab_tests::corpus::spec_modules;

#[test]
fn every_corpus_function_translates_and_verifies() {
    let modules = spec_modules();
    let (mut functions, mut insts, mut simd) = (0usize, 0usize, 0usize);
    let mut failures = Vec::new();
    for m in &modules {
        let module = match translate_module(&m.bytes) {
            Ok(module) => module,
            Err(e @ TranslateError::Unsupported { .. }) if e.to_string().contains("SIMD") => {
                simd += 1;
                failures.push(format!("{}:{}: {e}", m.script, m.line));
                continue;
            }
            Err(e) => {
                failures.push(format!("{}:{}: {e}", m.script, m.line));
                continue;
            }
        };
        for f in &module.functions {
            functions += 1;
            insts += f.num_layout_insts();
            if let Err(e) = verify_function(f) {
                failures.push(format!("{}:{}: function {:?}: {e}", m.script, m.line, f.name));
            }
        }
    }
    println!(
        "translated {} modules, {functions} functions, {insts} IR instructions; {} failures ({simd} SIMD)",
        modules.len(),
        failures.len()
    );
    assert!(modules.len() > 1000 && functions > 4000, "the corpus looks too small");
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
}

/// A function of at least `min_ops` wasm instructions over 1,000 i32 locals, mixing
/// straight-line code, `if`s, `if`/`else` joins and counted loops so that SSA construction
/// has merges and loop headers everywhere.
fn large_function_wat(min_ops: usize) -> (String, usize) {
    let mut body = String::new();
    let mut ops = 0;
    let mut i = 0usize;
    while ops < min_ops {
        let (a, b, c) = (1 + (i * 7) % 999, 1 + (i * 13) % 999, 1 + (i * 31) % 999);
        match i % 4 {
            0 => {
                write!(body, "local.get {a} local.get {b} i32.add local.set {c}\n").unwrap();
                ops += 4;
            }
            1 => {
                write!(body, "local.get 0 if local.get {a} i32.const 1 i32.add local.set {a} end\n").unwrap();
                ops += 7;
            }
            2 => {
                write!(body, "block loop local.get {b} i32.const 1 i32.sub local.tee {b} br_if 0 end end\n").unwrap();
                ops += 8;
            }
            _ => {
                write!(
                    body,
                    "local.get {a} local.get {c} i32.lt_s if local.get {c} local.set {a} else local.get {a} local.set {c} end\n"
                )
                .unwrap();
                ops += 10;
            }
        }
        i += 1;
    }
    let wat = format!(
        "(module (func (export \"big\") (param i32) (result i32) (local {}) {body} local.get 1))",
        "i32 ".repeat(999)
    );
    (wat, ops + 2)
}

#[test]
fn a_function_of_50000_instructions_and_1000_locals_translates() {
    let (wat, ops) = large_function_wat(50_000);
    let bytes = wat::parse_str(&wat).expect("generated module parses");
    let start = Instant::now();
    let module = translate_module(&bytes).expect("generated module translates");
    let elapsed = start.elapsed();
    let f = &module.functions[0];
    let params: usize = f.layout.iter().map(|&b| f.block_params(b).len()).sum();
    println!(
        "large function: {ops} wasm instructions, 1000 locals -> {} blocks, {} block params, {} IR instructions, {} values created; translated (with validation) in {:.1} ms",
        f.layout.len(),
        params,
        f.num_layout_insts(),
        f.values.len(),
        elapsed.as_secs_f64() * 1e3
    );
    verify_function(f).unwrap_or_else(|e| panic!("{e}"));
}
