//! The WebAssembly 2.0 spec test suite on the `aarch64` engine (AArch64 code run under
//! Unicorn), as translated (O0) and after O2, with the fast allocator, and with only 4
//! registers per class (everything spills); allocation runs with regalloc2's checker on. One
//! trial per configuration and non-SIMD script (`<config>/<script>`), failing with one line
//! per failed check; the totals per configuration close the run. The 58 fixed-width SIMD
//! scripts get one trial each too; a script the backend cannot run yet is an ignored trial
//! whose name says why ([`simd_not_yet`]), never a silent skip, so progress shows script by
//! script. The goal is that [`simd_not_yet`] gives no reason for any script.
//!
//! Needs the `unicorn` feature (Debian's libunicorn-dev):
//! `cargo test -p wlab-tests --features unicorn --test spec_aarch64 -- aarch64-O2/i32`.
//! This test never hides a failure behind a skip.

use libtest_mimic::{Arguments, Failed, Trial};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use wlab_backends::{AllocAlgorithm, AllocOptions};
use wlab_explorer::engines::PipelineEngine;
use wlab_runtime::native_aarch64::Aarch64Engine;
use wlab_runtime::wast::{run_wast_text, WastReport};
use wlab_runtime::Engine;

/// (name, allocator, registers, pipeline)
const CONFIGS: [(&str, AllocAlgorithm, Option<usize>, Option<&str>); 4] = [
    ("aarch64", AllocAlgorithm::Ion, None, None),
    ("aarch64-O2", AllocAlgorithm::Ion, None, Some("O2")),
    ("aarch64-fastalloc-O2", AllocAlgorithm::Fastalloc, None, Some("O2")),
    ("aarch64-regs4", AllocAlgorithm::Ion, Some(4), None),
];

/// The SIMD scripts the AArch64 engine passes: v128 values, moves, spills, value areas,
/// `v128.const`, `v128.load`/`store`, the bitwise operators and the one-instruction lane
/// operations are lowered (`backends/src/aarch64/lower/simd.rs`), and so are splat,
/// extract/replace_lane, v128 globals and select (`lower/simd_lanes.rs`) and the widening,
/// narrowing, converting and permuting operators (`lower/simd_widen.rs`).
const SIMD_PASSING: [&str; 41] = [
    "simd_address",
    "simd_bitwise",
    "simd_const",
    "simd_conversions",
    "simd_f32x4",
    "simd_f32x4_arith",
    "simd_f32x4_cmp",
    "simd_f32x4_pmin_pmax",
    "simd_f32x4_rounding",
    "simd_f64x2",
    "simd_f64x2_arith",
    "simd_f64x2_cmp",
    "simd_f64x2_pmin_pmax",
    "simd_f64x2_rounding",
    "simd_i16x8_arith",
    "simd_i16x8_arith2",
    "simd_i16x8_cmp",
    "simd_i16x8_extadd_pairwise_i8x16",
    "simd_i16x8_extmul_i8x16",
    "simd_i16x8_q15mulr_sat_s",
    "simd_i16x8_sat_arith",
    "simd_i32x4_arith",
    "simd_i32x4_arith2",
    "simd_i32x4_cmp",
    "simd_i32x4_dot_i16x8",
    "simd_i32x4_extadd_pairwise_i16x8",
    "simd_i32x4_extmul_i16x8",
    "simd_i32x4_trunc_sat_f32x4",
    "simd_i32x4_trunc_sat_f64x2",
    "simd_i64x2_arith",
    "simd_i64x2_arith2",
    "simd_i64x2_cmp",
    "simd_i64x2_extmul_i32x4",
    "simd_i8x16_arith",
    "simd_i8x16_arith2",
    "simd_i8x16_cmp",
    "simd_i8x16_sat_arith",
    "simd_int_to_int_extend",
    "simd_linking",
    "simd_select",
    "simd_store",
];

/// Why the AArch64 engine cannot run a SIMD script yet, or `None` when it can (then the script
/// is a real trial). The other scripts use operators that AArch64 lowering refuses with a
/// one-line error, so their modules do not load.
fn simd_not_yet(script: &str) -> Option<&'static str> {
    if SIMD_PASSING.contains(&script) {
        None
    } else {
        Some("uses SIMD operators not lowered on AArch64 yet")
    }
}

fn main() {
    let args = Arguments::from_args();
    let totals: Arc<Mutex<BTreeMap<&'static str, WastReport>>> = Arc::default();
    let mut trials = Vec::new();
    for (config, algorithm, regs, pipeline) in CONFIGS {
        let scripts = wlab_tests::corpus::spec_scripts().into_iter().chain(wlab_tests::corpus::simd_scripts());
        for script in scripts {
            let name = script.stem().to_string();
            let not_yet = if name.starts_with("simd_") { simd_not_yet(&name) } else { None };
            if let Some(reason) = not_yet {
                trials.push(
                    Trial::test(format!("{config}/{name} (not yet supported on this engine: {reason})"), || Ok(()))
                        .with_ignored_flag(true),
                );
                continue;
            }
            let totals = totals.clone();
            trials.push(Trial::test(format!("{config}/{name}"), move || {
                let inner = Box::new(Aarch64Engine {
                    alloc: AllocOptions { algorithm, regs, check: true, ..AllocOptions::default() },
                    ..Aarch64Engine::default()
                });
                let engine: Box<dyn Engine> = match pipeline {
                    None => inner,
                    Some(p) => Box::new(PipelineEngine {
                        pipeline: wlab_passes::Pipeline::parse(p).expect("preset parses"),
                        inner,
                    }),
                };
                let report = run_wast_text(&script.name, script.text, engine.as_ref())
                    .map_err(|e| Failed::from(e.to_string()))?;
                {
                    let mut t = totals.lock().unwrap();
                    let t = t.entry(config).or_default();
                    t.passed += report.passed;
                    t.failed += report.failed;
                    t.skipped += report.skipped;
                }
                let mut lines = report.failures.clone();
                lines.extend(report.skips.iter().cloned());
                if report.failed > 0 || report.skipped > 0 {
                    lines.push(format!("{config}/{name}: {report}"));
                    Err(Failed::from(lines.join("\n")))
                } else {
                    Ok(())
                }
            }));
        }
    }
    let conclusion = libtest_mimic::run(&args, trials);
    for (config, t) in totals.lock().unwrap().iter() {
        println!("spec suite on {config}: {t}");
    }
    conclusion.exit();
}
