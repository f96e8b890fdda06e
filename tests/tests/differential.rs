//! Differential testing in CI: generated WebAssembly 2.0 scalar modules run on wasmi and
//! on every registered engine (`wlab_runtime::ENGINE_NAMES`), as translated and after the
//! O2 pipeline; every result, trap, exported memory, global and table must agree (see
//! `wlab_explorer::difftest`). SIMD modules (`--simd`) are compared on the interpreter,
//! on x86-64 (which lowers them all; also forced SSE4.1-only), and on native engines as
//! far as they lower vectors (the rest is counted as skipped).
//!
//! Also checks that the harness can fail: an engine that gets one thing wrong is caught.
//! Module counts and sizes are fixed here (not wall-clock budgets); the run prints its
//! report so the counts show in the test log. `wlab difftest --count N` runs more.

use std::sync::Arc;
use wlab_explorer::difftest::generate::GenOptions;
use wlab_explorer::difftest::report::DifftestReport;
use wlab_explorer::difftest::{check_module, run, DifftestOptions, ModuleResult, SkipReason};
use wlab_ir::interp::{Trap, Val};
use wlab_ir::Module;
use wlab_runtime::{Engine, EngineError, InstanceId, InterpEngine, PreparedModule, Store};

/// Modules per configuration.
const MODULES: u64 = 1000;

/// Problems with one run: mismatches, or too little exercised. Prints the report.
fn problems(report: &DifftestReport) -> Vec<String> {
    print!("{}", report.render_text());
    let run = format!("engine {} passes {:?}", report.engine, report.passes);
    let mut out: Vec<String> = report.mismatches.iter().map(|m| format!("{run}: {}", m.line())).collect();
    // The run must have exercised something: nearly every module compared, and many
    // calls that returned normally. Modules wasmi 2.0 is known to crash on (SIMD
    // store-lane with a large offset, `reference_crashes.rs`; 4 to 8% of SIMD modules)
    // cannot be compared by anyone: they do not count, but may not be more than 10%.
    let known_crash = report.skipped.get(SkipReason::ReferenceKnownCrash.describe()).copied().unwrap_or(0);
    if known_crash * 10 > report.count {
        out.push(format!("{run}: {known_crash} of {} modules skipped as a known reference crash", report.count));
    }
    if report.compared * 100 < (report.count - known_crash) * 95 {
        out.push(format!(
            "{run}: only {} of {} modules compared ({known_crash} known reference crashes not counted)",
            report.compared,
            report.count - known_crash
        ));
    }
    if report.calls < report.count * 5 || report.calls - report.traps < report.count {
        out.push(format!("{run}: only {} calls, {} returned", report.calls, report.calls - report.traps));
    }
    out
}

/// Runs `count` modules from `seed` on every engine `wlab_runtime::engine_by_name`
/// knows (a new engine is tested as soon as it is registered) and fails listing every
/// problem.
fn every_engine(passes: Option<&str>, seed: u64, count: u64) {
    let mut all = Vec::new();
    for engine in wlab_runtime::ENGINE_NAMES {
        // The AArch64 engine exists only in builds with the `unicorn` feature (the README's
        // test command has it); without it, say so instead of failing.
        if *engine == "aarch64" && !cfg!(feature = "unicorn") {
            println!("aarch64: not built (no `unicorn` feature), not tested here");
            continue;
        }
        let opts = DifftestOptions {
            engine: engine.to_string(),
            passes: passes.map(str::to_string),
            seed,
            count,
            ..DifftestOptions::default()
        };
        all.extend(problems(&run(&opts).expect("options are valid")));
    }
    assert!(all.is_empty(), "{} problems:\n{}", all.len(), all.join("\n"));
}

#[test]
fn every_engine_agrees_with_wasmi() {
    every_engine(None, 0, MODULES);
}

#[test]
fn every_engine_after_o2_agrees_with_wasmi() {
    every_engine(Some("O2"), 1_000_000, MODULES);
}

/// The long run (issue 5 asks for 10,000 modules at O2 on a native engine):
/// `cargo test --release -p wlab-tests --test differential -- --ignored`.
#[test]
#[ignore]
fn every_engine_after_o2_agrees_with_wasmi_on_10_000_modules() {
    every_engine(Some("O2"), 2_000_000, 10_000);
}

/// SIMD modules per configuration (fewer than scalar ones: they are bigger and slower to run).
const SIMD_MODULES: u64 = 150;

/// `--simd` on `engine` (with `--cpu-features`, and after `passes` when given): fixed-width
/// SIMD modules agree with wasmi 2.0's `simd` feature, and no module is skipped because the
/// engine refused its SIMD code (the interpreter and x86-64 run every fixed-width operator).
fn simd_agrees(engine: &str, cpu_features: Option<&str>, passes: Option<&str>, seed: u64) {
    let opts = DifftestOptions {
        engine: engine.into(),
        alloc: wlab_explorer::cli::AllocArgs { cpu_features: cpu_features.map(str::to_string), ..Default::default() },
        passes: passes.map(str::to_string),
        seed,
        count: SIMD_MODULES,
        gen: GenOptions { simd: true, ..GenOptions::default() },
        ..DifftestOptions::default()
    };
    let report = run(&opts).expect("options are valid");
    let mut all = problems(&report);
    if let Some(n) = report.skipped.get("engine does not support SIMD yet") {
        all.push(format!("{n} modules skipped: {engine} refused their SIMD code"));
    }
    // For SIMD modules the second opinion is the interpreter itself (wasmi 0.31 has no
    // SIMD), so its verdicts are listed, not trusted: wasmi 2.0.0's select/local.set bug
    // gives about one in sixty modules; many more would be a wrong interpreter.
    if report.reference_suspects.len() as u64 * 20 > SIMD_MODULES {
        all.push(format!("{} reference suspects outvoted only by the interpreter", report.reference_suspects.len()));
    }
    assert!(all.is_empty(), "{} problems:\n{}", all.len(), all.join("\n"));
}

#[test]
fn simd_modules_on_the_interpreter_agree_with_wasmi() {
    simd_agrees("interp", None, None, 0);
}

#[test]
fn simd_modules_on_the_interpreter_after_o2_agree_with_wasmi() {
    simd_agrees("interp", None, Some("O2"), 1_000_000);
}

/// x86-64 as the issue asks for it: after O2 with this machine's features (AVX encodings
/// here), and SSE4.1 only (`--cpu-features sse41`) as translated and after O2.
#[test]
fn simd_modules_on_x86_64_after_o2_agree_with_wasmi() {
    simd_agrees("x86_64", None, Some("O2"), 2_000_000);
}

#[test]
fn simd_modules_on_x86_64_sse41_only_agree_with_wasmi() {
    simd_agrees("x86_64", Some("sse41"), None, 3_000_000);
}

#[test]
fn simd_modules_on_x86_64_sse41_only_after_o2_agree_with_wasmi() {
    simd_agrees("x86_64", Some("sse41"), Some("O2"), 4_000_000);
}

/// A native engine either runs a SIMD module (and must agree) or refuses its v128 code
/// with its one-line error, which the report counts as a skip with that reason: never a
/// mismatch and never a silent pass.
#[test]
fn native_engines_skip_simd_modules_they_do_not_lower_by_name() {
    for engine in wlab_runtime::ENGINE_NAMES.iter().filter(|e| **e != "interp") {
        if *engine == "aarch64" && !cfg!(feature = "unicorn") {
            println!("aarch64: not built (no `unicorn` feature), not tested here");
            continue;
        }
        let opts = DifftestOptions {
            engine: engine.to_string(),
            passes: Some("O2".into()),
            count: 40,
            gen: GenOptions { simd: true, ..GenOptions::default() },
            ..DifftestOptions::default()
        };
        let report = run(&opts).expect("options are valid");
        print!("{}", report.render_text());
        let lines: Vec<String> = report.mismatches.iter().map(|m| format!("{engine}: {}", m.line())).collect();
        assert!(lines.is_empty(), "{}", lines.join("\n"));
        let lacking = report.skipped.get("engine does not support SIMD yet").copied().unwrap_or(0);
        assert!(report.compared + lacking >= report.generated * 9 / 10, "{engine}: {}", report.render_text());
    }
}

/// The interpreter, except that every `i32` result of a wasm function (called from
/// outside or from wasm) is one too large.
struct OffByOne;

struct OffByOneModule(Arc<dyn PreparedModule>);

impl Engine for OffByOne {
    fn name(&self) -> &'static str {
        "off-by-one"
    }

    // The runtime's prepared modules are single-threaded (`Arc<dyn PreparedModule>`), as
    // the interpreter's own; this one only wraps it.
    #[allow(clippy::arc_with_non_send_sync)]
    fn prepare(&self, module: Arc<Module>) -> Result<Arc<dyn PreparedModule>, EngineError> {
        Ok(Arc::new(OffByOneModule(InterpEngine.prepare(module)?)))
    }
}

impl PreparedModule for OffByOneModule {
    fn module(&self) -> &Arc<Module> {
        self.0.module()
    }

    fn call(&self, store: &mut Store, instance: InstanceId, func_index: u32, args: &[Val]) -> Result<Vec<Val>, Trap> {
        let mut results = self.0.call(store, instance, func_index, args)?;
        for r in &mut results {
            if let Val::I32(x) = r {
                *x = x.wrapping_add(1);
            }
        }
        Ok(results)
    }
}

#[test]
fn a_wrong_engine_is_caught_with_its_seed() {
    let gen = GenOptions::default();
    let caught = (0..100u64)
        .map(|seed| (seed, wlab_runtime::run_with_big_stack(|| check_module(seed, &OffByOne, None, &gen, 4))))
        .find_map(|(seed, r)| match r {
            ModuleResult::Mismatch(m) => Some((seed, m)),
            _ => None,
        });
    let (seed, m) = caught.expect("a module with an i32 result in 100 seeds");
    assert_eq!(m.seed, seed);
    assert!(m.line().starts_with(&format!("seed {seed}: ")), "{}", m.line());
}
