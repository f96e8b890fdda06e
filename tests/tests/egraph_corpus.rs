//! The egraph pass over every function of the spec-suite modules:
//! - with the shipped rules, and with each shipped rule file alone, translation
//!   validation finds no difference (and the verifier accepts every result);
//! - with the default limits, no run stops on the iteration limit while its last
//!   iteration changed nothing (`stalled`): such a run was waiting, not converging.
//!
//! Prints the counts: functions, runs, validation trials, stop reasons and iterations
//! of the default run, and how often each rule applied. Every failure is listed, then
//! the test fails.

use std::collections::BTreeMap;
use std::sync::Mutex;
use wlab_ir::Function;
use wlab_passes::egraph::report::Stop;
use wlab_passes::egraph::rules::SHIPPED;
use wlab_passes::manager::{run_pipeline, ManagerOptions};
use wlab_passes::pipeline::Pipeline;

const TRIALS: usize = 16;

#[derive(Default)]
struct Totals {
    functions: usize,
    runs: BTreeMap<String, usize>,
    changed: BTreeMap<String, usize>,
    compared: usize,
    inconclusive: usize,
    stops: BTreeMap<&'static str, usize>,
    iterations: BTreeMap<u64, usize>,
    rules: BTreeMap<String, u64>,
    failures: Vec<String>,
}

fn pipelines() -> Vec<(String, Pipeline)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../passes/src/egraph/rules");
    let mut out = vec![("egraph".to_string(), Pipeline::parse("egraph").expect("parses"))];
    for (name, _) in SHIPPED {
        let text = format!("egraph(shipped=false,rules={dir}/{name})");
        out.push((format!("egraph({name} only)"), Pipeline::parse(&text).expect("parses")));
    }
    out
}

fn check(label: &str, func: &Function, pipelines: &[(String, Pipeline)], t: &mut Totals) {
    let opts = ManagerOptions { verify: true, validate_trials: TRIALS, record_ir: false };
    t.functions += 1;
    for (name, p) in pipelines {
        let mut f = func.clone();
        match run_pipeline(&mut f, p, &opts) {
            Err(e) => t.failures.push(format!("{label}: {name}: {e}")),
            Ok(r) => {
                *t.runs.entry(name.clone()).or_default() += 1;
                if r.changed() {
                    *t.changed.entry(name.clone()).or_default() += 1;
                }
                let run = &r.runs[0];
                if let Some(v) = run.validation {
                    t.compared += v.compared;
                    t.inconclusive += v.inconclusive;
                }
                if name != "egraph" {
                    continue;
                }
                let c = &run.counters;
                for s in Stop::ALL {
                    if c.contains_key(s.counter()) {
                        *t.stops.entry(s.name()).or_default() += 1;
                    }
                }
                *t.iterations.entry(c.get("iterations").copied().unwrap_or(0)).or_default() += 1;
                for (k, v) in c {
                    if let Some(rule) = k.strip_prefix("rule:") {
                        *t.rules.entry(rule.to_string()).or_default() += v;
                    }
                }
                if c.contains_key("stalled") {
                    t.failures
                        .push(format!("{label}: egraph stopped on the iteration limit with nothing changing ({c:?})"));
                }
            }
        }
    }
}

#[test]
fn egraph_over_the_spec_corpus() {
    let corpus = wlab_tests::corpus::spec_modules();
    let modules: Vec<(String, wlab_ir::Module)> = corpus
        .iter()
        .map(|m| {
            let label = format!("{}:{}", m.script, m.line);
            let module = wlab_ir::translate::translate_module(&m.bytes).unwrap_or_else(|e| panic!("{label}: {e}"));
            (label, module)
        })
        .collect();
    let pipelines = pipelines();
    let funcs: Vec<(String, &Function)> = modules
        .iter()
        .flat_map(|(name, m)| m.functions.iter().map(move |f| (format!("{name} {}", f.name), f)))
        .collect();
    let totals = Mutex::new(Totals::default());
    let threads = 2;
    std::thread::scope(|s| {
        for k in 0..threads {
            let (funcs, pipelines, totals) = (&funcs, &pipelines, &totals);
            s.spawn(move || {
                let mut t = Totals::default();
                for (label, f) in funcs.iter().skip(k).step_by(threads) {
                    check(label, f, pipelines, &mut t);
                }
                let mut all = totals.lock().expect("no panics while holding the lock");
                all.functions += t.functions;
                for (k, v) in t.runs {
                    *all.runs.entry(k).or_default() += v;
                }
                for (k, v) in t.changed {
                    *all.changed.entry(k).or_default() += v;
                }
                all.compared += t.compared;
                all.inconclusive += t.inconclusive;
                for (k, v) in t.stops {
                    *all.stops.entry(k).or_default() += v;
                }
                for (k, v) in t.iterations {
                    *all.iterations.entry(k).or_default() += v;
                }
                for (k, v) in t.rules {
                    *all.rules.entry(k).or_default() += v;
                }
                all.failures.extend(t.failures);
            });
        }
    });
    let mut t = totals.into_inner().expect("threads finished");
    t.failures.sort();
    println!(
        "egraph corpus: {} modules, {} functions, {} validation trials conclusive, {} inconclusive (out of fuel, or both runs trapped alike on a bad access)",
        modules.len(),
        t.functions,
        t.compared,
        t.inconclusive
    );
    for (name, n) in &t.runs {
        println!("  {name}: {n} runs, changed {} functions", t.changed.get(name).copied().unwrap_or(0));
    }
    println!("  default limits, stop reasons: {:?}", t.stops);
    println!("  default limits, iterations (iterations: runs): {:?}", t.iterations);
    let mut rules: Vec<_> = t.rules.iter().collect();
    rules.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let shipped = wlab_passes::egraph::rules::RuleSet::shipped().rules.len();
    println!(
        "  rules that fired with the default set: {} of {shipped}; top 20: {:?}",
        rules.len(),
        &rules[..rules.len().min(20)]
    );
    for f in t.failures.iter().take(30) {
        println!("FAIL {f}");
    }
    assert!(t.functions > 0, "the corpus is empty");
    assert!(t.failures.is_empty(), "{} failures (first ones above)", t.failures.len());
}

/// The round trip is the identity when no rule fires: `egraph(iters=0)` (no rule
/// applied) leaves every function exactly as it was, once the constants the e-graph's
/// analysis would fold are folded (`const-fold` before it). Over the spec corpus, and
/// over the benchmark modules when the bench folder is there.
#[test]
fn egraph_without_rules_is_the_identity() {
    let opts = ManagerOptions { verify: true, validate_trials: 0, record_ir: false };
    let prep = Pipeline::parse("copy-prop,const-fold").expect("parses");
    let none = Pipeline::parse("egraph(iters=0)").expect("parses");
    let mut modules: Vec<(String, Vec<u8>)> =
        wlab_tests::corpus::spec_modules().into_iter().map(|m| (format!("{}:{}", m.script, m.line), m.bytes)).collect();
    match wlab_tests::bench::bench_dir() {
        Ok(dir) => {
            for sub in ["bz2/benchmark.wasm", "quicksort/benchmark.wasm", "shootout/shootout-matrix.wasm"] {
                let path = dir.join(sub);
                modules.push((sub.to_string(), std::fs::read(&path).unwrap_or_else(|e| panic!("{sub}: {e}"))));
            }
        }
        Err(why) => println!("bench modules skipped: {why}"),
    }
    let (mut functions, mut failures) = (0, Vec::new());
    for (label, bytes) in &modules {
        let module = wlab_ir::translate::translate_module(bytes).unwrap_or_else(|e| panic!("{label}: {e}"));
        for f in &module.functions {
            functions += 1;
            let mut f = f.clone();
            run_pipeline(&mut f, &prep, &opts).unwrap_or_else(|e| panic!("{label}: {e}"));
            let before = wlab_ir::print_function(&f);
            let r = run_pipeline(&mut f, &none, &opts).unwrap_or_else(|e| panic!("{label}: {e}"));
            if r.changed() {
                let after = wlab_ir::print_function(&f);
                let line =
                    before.lines().zip(after.lines()).find(|(a, b)| a != b).map(|(a, b)| format!("`{a}` -> `{b}`"));
                failures.push(format!("{label} {}: {}", f.name, line.unwrap_or_default()));
            }
        }
    }
    println!("egraph(iters=0): {functions} functions, {} changed", failures.len());
    for f in failures.iter().take(30) {
        println!("CHANGED {f}");
    }
    assert!(functions > 0);
    assert!(failures.is_empty(), "{} functions changed (first ones above)", failures.len());
}

/// Every function the pre-scan clears (counter `skipped`) is one the e-graph leaves as
/// it is: built anyway (`prescan=false`), it must not change. Over the spec corpus and,
/// when the bench folder is there, every benchmark module; each function as translated
/// and as O2's passes before the e-graph leave it, under both cost models.
#[test]
fn the_prescan_clears_only_what_the_egraph_leaves_as_it_is() {
    let opts = ManagerOptions { verify: false, validate_trials: 0, record_ir: false };
    let prep = Pipeline::parse("copy-prop,const-fold,simplify-cfg").expect("parses");
    let mut modules: Vec<(String, Vec<u8>)> =
        wlab_tests::corpus::spec_modules().into_iter().map(|m| (format!("{}:{}", m.script, m.line), m.bytes)).collect();
    match wlab_tests::bench::bench_dir() {
        Ok(dir) => {
            let mut stack = vec![dir];
            while let Some(d) = stack.pop() {
                for e in std::fs::read_dir(&d).unwrap_or_else(|e| panic!("{}: {e}", d.display())).flatten() {
                    let p = e.path();
                    if p.is_dir() {
                        stack.push(p);
                    } else if p.extension().is_some_and(|x| x == "wasm") {
                        let bytes = std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
                        modules.push((p.display().to_string(), bytes));
                    }
                }
            }
        }
        Err(why) => println!("bench modules skipped: {why}"),
    }
    let mut funcs: Vec<(String, Function)> = Vec::new();
    for (label, bytes) in &modules {
        let module = wlab_ir::translate::translate_module(bytes).unwrap_or_else(|e| panic!("{label}: {e}"));
        for f in module.functions {
            let mut prepared = f.clone();
            run_pipeline(&mut prepared, &prep, &opts).unwrap_or_else(|e| panic!("{label}: {e}"));
            funcs.push((format!("{label} {}", f.name), f));
            funcs.push((format!("{label} {} after {prep}", prepared.name), prepared));
        }
    }
    let (mut skipped, mut built, mut built_unchanged, mut failures) = (0, 0, 0, Vec::new());
    for cost in ["x86_64", "aarch64"] {
        let scan = Pipeline::parse(&format!("egraph(cost={cost})")).expect("parses");
        let full = Pipeline::parse(&format!("egraph(cost={cost},prescan=false)")).expect("parses");
        for (label, f) in &funcs {
            let mut g = f.clone();
            let r = run_pipeline(&mut g, &scan, &opts).unwrap_or_else(|e| panic!("{label}: {e}"));
            if r.runs[0].counters.get("skipped").copied().unwrap_or(0) == 0 {
                built += 1;
                built_unchanged += usize::from(!r.changed());
                continue;
            }
            skipped += 1;
            let mut h = f.clone();
            let before = wlab_ir::print_function(&h);
            let r = run_pipeline(&mut h, &full, &opts).unwrap_or_else(|e| panic!("{label}: {e}"));
            let after = wlab_ir::print_function(&h);
            if r.changed() || before != after {
                let line =
                    before.lines().zip(after.lines()).find(|(a, b)| a != b).map(|(a, b)| format!("`{a}` -> `{b}`"));
                failures.push(format!("{cost} {label}: {}", line.unwrap_or_default()));
            }
        }
    }
    println!(
        "pre-scan: {} functions x 2 cost models: {skipped} cleared, {built} built ({built_unchanged} of them left unchanged)",
        funcs.len()
    );
    for f in failures.iter().take(30) {
        println!("CHANGED {f}");
    }
    assert!(skipped > 0 && built > 0);
    assert!(failures.is_empty(), "{} cleared functions the e-graph changes (first ones above)", failures.len());
}
