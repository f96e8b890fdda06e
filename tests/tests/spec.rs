//! The WebAssembly 2.0 spec test suite on every engine configuration: the interpreter
//! and native x86-64, each as translated (O0) and after the O2 pipeline, plus x86-64
//! with the fast allocator, with only 4 registers per class (everything spills) and
//! with SSE2 only (the fallbacks for lzcnt/tzcnt/popcnt/round), and with explicit
//! bounds checks instead of guard regions. `interp-inline-O2` and `x86_64-inline-O2` run
//! the module pass `inline` before O2.
//! Native code is allocated with regalloc2's checker on. One trial per configuration
//! and script (`<config>/<script>`), failing with one line per failed check; the totals
//! per configuration close the run.
//!
//! The 58 fixed-width SIMD scripts run on `interp-simd-O0` and `interp-simd-O2` (the
//! interpreter, as translated and after O2) and on every x86-64 configuration, plus
//! `x86_64-sse41` and `x86_64-sse41-O2` (SSE4.1 only: no SSE4.2, no AVX encodings; as
//! translated and after O2). A script an engine does
//! not pass yet is listed in [`SIMD_X86_NOT_YET`] with its reason, and a configuration
//! that refuses vector code in [`SIMD_REFUSED`]: each such script is an ignored trial
//! saying why, never a silent skip.
//!
//! Run one with `cargo test --release -p wlab-tests --test spec -- x86_64-O2/i32`. This
//! test never hides a failure behind a skip: a skipped check is listed with its reason.

use libtest_mimic::{Arguments, Failed, Trial};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use wlab_backends::{AllocAlgorithm, AllocOptions};
use wlab_explorer::engines::PipelineEngine;
use wlab_runtime::native::NativeEngine;
use wlab_runtime::wast::{run_wast_text, WastReport};
use wlab_runtime::{Engine, InterpEngine};

/// SIMD scripts the x86-64 configurations do not pass yet, with the reason (each is an
/// ignored trial `<config>/<script> (not yet: reason)`).
const SIMD_X86_NOT_YET: &[(&str, &str)] = &[];

/// Configurations that refuse vector code, with the reason: their SIMD scripts are
/// ignored trials.
const SIMD_REFUSED: &[(&str, &str)] = &[("x86_64-sse2-only-O2", "v128 needs SSE4.1; this configuration is SSE2-only")];

/// Which scripts a configuration runs.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Scripts {
    /// The core WebAssembly 2.0 scripts.
    Core,
    /// The fixed-width SIMD scripts.
    Simd,
    /// Both.
    Both,
}

/// (name, engine, pipeline, scripts)
#[allow(clippy::type_complexity)]
fn configs() -> Vec<(&'static str, fn() -> Box<dyn Engine>, Option<&'static str>, Scripts)> {
    fn native(algorithm: AllocAlgorithm, regs: Option<usize>) -> Box<dyn Engine> {
        Box::new(NativeEngine {
            alloc: AllocOptions { algorithm, regs, check: true, ..AllocOptions::default() },
            ..NativeEngine::default()
        })
    }
    fn baseline() -> Box<dyn Engine> {
        Box::new(NativeEngine {
            alloc: AllocOptions { check: true, ..AllocOptions::default() },
            features: Some(wlab_backends::x64::CpuFeatures::baseline()),
            ..NativeEngine::default()
        })
    }
    fn sse41_only() -> Box<dyn Engine> {
        Box::new(NativeEngine {
            alloc: AllocOptions { check: true, ..AllocOptions::default() },
            features: Some(wlab_backends::x64::CpuFeatures::sse41_only()),
            ..NativeEngine::default()
        })
    }
    fn explicit_bounds() -> Box<dyn Engine> {
        Box::new(NativeEngine {
            alloc: AllocOptions { check: true, ..AllocOptions::default() },
            bounds: wlab_backends::BoundsChecks::Explicit,
            ..NativeEngine::default()
        })
    }
    vec![
        ("interp", || Box::new(InterpEngine), None, Scripts::Core),
        ("interp-O2", || Box::new(InterpEngine), Some("O2"), Scripts::Core),
        ("interp-inline-O2", || Box::new(InterpEngine), Some("inline,O2"), Scripts::Core),
        ("x86_64", || native(AllocAlgorithm::Ion, None), None, Scripts::Both),
        ("x86_64-O2", || native(AllocAlgorithm::Ion, None), Some("O2"), Scripts::Both),
        ("x86_64-inline-O2", || native(AllocAlgorithm::Ion, None), Some("inline,O2"), Scripts::Both),
        ("x86_64-fastalloc-O2", || native(AllocAlgorithm::Fastalloc, None), Some("O2"), Scripts::Both),
        ("x86_64-regs4", || native(AllocAlgorithm::Ion, Some(4)), None, Scripts::Both),
        ("x86_64-sse2-only-O2", baseline, Some("O2"), Scripts::Both),
        ("x86_64-sse41", sse41_only, None, Scripts::Simd),
        ("x86_64-sse41-O2", sse41_only, Some("O2"), Scripts::Simd),
        ("x86_64-explicit-bounds-O2", explicit_bounds, Some("O2"), Scripts::Both),
        ("interp-simd-O0", || Box::new(InterpEngine), None, Scripts::Simd),
        ("interp-simd-O2", || Box::new(InterpEngine), Some("O2"), Scripts::Simd),
    ]
}

fn main() {
    let args = Arguments::from_args();
    let totals: Arc<Mutex<BTreeMap<&'static str, WastReport>>> = Arc::default();
    let mut trials = Vec::new();
    for (config, make, pipeline, which) in configs() {
        let mut scripts = Vec::new();
        if which != Scripts::Simd {
            scripts.extend(wlab_tests::corpus::spec_scripts());
        }
        if which != Scripts::Core {
            scripts.extend(wlab_tests::corpus::simd_scripts());
        }
        for script in scripts {
            let name = script.stem().to_string();
            let simd = name.starts_with("simd_");
            let refused = SIMD_REFUSED.iter().find(|(c, _)| *c == config).map(|(_, why)| *why);
            let not_yet = SIMD_X86_NOT_YET.iter().find(|(s, _)| *s == name).map(|(_, why)| *why);
            let skip_reason = match (simd, refused, not_yet) {
                (true, Some(why), _) => Some(why),
                (true, None, Some(why)) if config.starts_with("x86_64") => Some(why),
                _ => None,
            };
            if let Some(why) = skip_reason {
                trials
                    .push(Trial::test(format!("{config}/{name} (not yet: {why})"), || Ok(())).with_ignored_flag(true));
                continue;
            }
            let totals = totals.clone();
            trials.push(Trial::test(format!("{config}/{name}"), move || {
                let engine: Box<dyn Engine> = match pipeline {
                    None => make(),
                    Some(p) => Box::new(PipelineEngine {
                        pipeline: wlab_passes::Pipeline::parse(p).expect("pipeline parses"),
                        inner: make(),
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
                if report.failed > 0 {
                    lines.push(format!("{config}/{name}: {report}"));
                    Err(Failed::from(lines.join("\n")))
                } else {
                    if !lines.is_empty() {
                        println!("{}", lines.join("\n"));
                    }
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
