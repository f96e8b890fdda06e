//! The WebAssembly 2.0 spec test suite on the `aarch64` engine (AArch64 code run under
//! Unicorn), as translated (O0) and after O2, with the fast allocator, and with only 4
//! registers per class (everything spills); allocation runs with regalloc2's checker on. One
//! trial per configuration and non-SIMD script (`<config>/<script>`), failing with one line
//! per failed check; the totals per configuration close the run. The 58 fixed-width SIMD
//! scripts get one trial each too, like every other script: AArch64 lowers all 236 operators
//! (`backends/src/aarch64/lower/simd.rs`, `simd_lanes.rs`, `simd_widen.rs`).
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

fn main() {
    let args = Arguments::from_args();
    let totals: Arc<Mutex<BTreeMap<&'static str, WastReport>>> = Arc::default();
    let mut trials = Vec::new();
    for (config, algorithm, regs, pipeline) in CONFIGS {
        let scripts = wlab_tests::corpus::spec_scripts().into_iter().chain(wlab_tests::corpus::simd_scripts());
        for script in scripts {
            let name = script.stem().to_string();
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
