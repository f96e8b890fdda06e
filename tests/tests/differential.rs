//! Differential testing in CI: generated WebAssembly 2.0 scalar modules run on wasmi and
//! on the `interp` engine, as translated and after the O2 pipeline; every result, trap,
//! exported memory, global and table must agree (see `wlab_explorer::difftest`).
//!
//! Also checks that the harness can fail: an engine that gets one thing wrong is caught.
//! Module counts and sizes are fixed here (not wall-clock budgets); the run prints its
//! report so the counts show in the test log. `wlab difftest --count N` runs more.

use std::sync::Arc;
use wlab_explorer::difftest::generate::GenOptions;
use wlab_explorer::difftest::report::DifftestReport;
use wlab_explorer::difftest::{check_module, run, DifftestOptions, ModuleResult};
use wlab_ir::interp::{Trap, Val};
use wlab_ir::Module;
use wlab_runtime::{Engine, EngineError, InstanceId, InterpEngine, PreparedModule, Store};

/// Modules per configuration.
const MODULES: u64 = 1000;

fn check(report: &DifftestReport) {
    print!("{}", report.render_text());
    let lines: Vec<String> = report.mismatches.iter().map(|m| m.line()).collect();
    assert!(lines.is_empty(), "{} mismatches:\n{}", lines.len(), lines.join("\n"));
    // The run must have exercised something: nearly every module compared, and many
    // calls that returned normally.
    assert!(
        report.compared * 100 >= report.count * 95,
        "only {} of {} modules compared",
        report.compared,
        report.count
    );
    assert!(report.calls >= report.count * 5, "only {} calls over {} modules", report.calls, report.count);
    assert!(report.calls - report.traps >= report.count, "only {} calls returned", report.calls - report.traps);
}

#[test]
fn interp_agrees_with_wasmi() {
    let opts = DifftestOptions { count: MODULES, seed: 0, ..DifftestOptions::default() };
    check(&run(&opts).expect("options are valid"));
}

#[test]
fn interp_after_o2_agrees_with_wasmi() {
    let opts =
        DifftestOptions { passes: Some("O2".into()), count: MODULES, seed: 1_000_000, ..DifftestOptions::default() };
    check(&run(&opts).expect("options are valid"));
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
