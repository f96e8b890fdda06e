//! The text round trip over the whole spec corpus: every function of every valid module
//! of the spec scripts (the scalar ones and, separately, the 58 SIMD ones) is translated, verified, printed, parsed and printed
//! again; the two texts must be identical and the parsed function must verify too.
//!
//! All failures are collected and reported together (the first 30 in full), with the
//! script and line of the module and the function's name, so one run shows the extent
//! of a regression. This test never skips a module.

use wlab_ir::parse::parse_function;
use wlab_ir::translate::translate_module;
use wlab_ir::verify::verify_function;
use wlab_ir::{print_function, Function};
use wlab_tests::corpus::{simd_modules, spec_modules};

/// The first line where two texts differ, for a readable failure.
fn first_difference(a: &str, b: &str) -> String {
    for (n, (x, y)) in a.lines().zip(b.lines()).enumerate() {
        if x != y {
            return format!("line {}: printed `{x}`, reprinted `{y}`", n + 1);
        }
    }
    format!("lengths differ: {} vs {} lines", a.lines().count(), b.lines().count())
}

/// Checks one translated function; returns a failure description.
fn check(f: &Function) -> Result<(), String> {
    verify_function(f).map_err(|e| format!("translated IR does not verify:\n{e}"))?;
    let text = print_function(f);
    let parsed = parse_function(&text).map_err(|e| {
        let line = text.lines().nth(e.line.saturating_sub(1) as usize).unwrap_or("");
        format!("printed text does not parse: {e}\n    {line}")
    })?;
    let again = print_function(&parsed);
    if again != text {
        return Err(format!("text changed: {}", first_difference(&text, &again)));
    }
    verify_function(&parsed).map_err(|e| format!("parsed IR does not verify:\n{e}"))
}

#[test]
fn every_spec_function_roundtrips_through_text() {
    roundtrip(&spec_modules(), 500);
}

/// The same over the 58 SIMD scripts' modules: every SIMD row's text form.
#[test]
fn every_simd_spec_function_roundtrips_through_text() {
    roundtrip(&simd_modules(), 100);
}

fn roundtrip(modules: &[wlab_tests::corpus::CorpusModule], at_least: usize) {
    let (mut funcs, mut insts) = (0usize, 0usize);
    let mut failures: Vec<String> = Vec::new();
    for m in modules {
        let module = match translate_module(&m.bytes) {
            Ok(module) => module,
            Err(e) => {
                failures.push(format!("{}:{}: does not translate: {e}", m.script, m.line));
                continue;
            }
        };
        for f in &module.functions {
            funcs += 1;
            insts += f.num_layout_insts();
            if let Err(e) = check(f) {
                failures.push(format!("{}:{}: function {:?}: {e}", m.script, m.line, f.name));
            }
        }
    }
    println!(
        "ir round trip: {} modules, {funcs} functions, {insts} instructions, {} failures",
        modules.len(),
        failures.len()
    );
    assert!(modules.len() > at_least, "only {} modules in the corpus", modules.len());
    assert!(
        failures.is_empty(),
        "{} of {funcs} functions fail the round trip; the first ones:\n{}",
        failures.len(),
        failures.iter().take(30).cloned().collect::<Vec<_>>().join("\n")
    );
}
