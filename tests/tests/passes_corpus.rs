//! Corpus properties of the passes: over every function of every module of the spec
//! test suite, for each registered pass alone and for the O2 pipeline,
//! - the verifier accepts the function after every pass,
//! - a pass that reports no change left the printed IR identical (the manager checks),
//! - running a pass a second time reports no change and changes nothing,
//! - translation validation finds no difference between before and after.
//!
//! copy-prop also gets every function with a copy injected after every definition and
//! must give back the original text exactly; dce gets dead instructions, parameters
//! and an unreachable block injected into a dce'd function and must remove exactly them. Also for `O1` and `fix(const-fold,copy-prop,dce)`. Prints counts (functions, runs
//! that changed something, validation trials compared and inconclusive). This test never accepts a failure silently: every one is
//! listed, then the test fails.

use std::sync::Mutex;
use wlab_ir::{print_function, Function, Value};
use wlab_passes::manager::{run_pipeline, ManagerOptions};
use wlab_passes::pipeline::Pipeline;
use wlab_passes::registry::registry;
use wlab_passes::Changed;

/// Validation trials per changed pass run (the whole test takes seconds in debug).
const TRIALS: usize = 16;

#[derive(Default)]
struct Totals {
    functions: usize,
    runs: usize,
    changed: std::collections::BTreeMap<String, usize>,
    compared: usize,
    inconclusive: usize,
    /// Functions on which copy-prop undid injected copies exactly.
    injected: usize,
    /// Functions on which dce removed exactly the injected dead code.
    dead_injected: usize,
    failures: Vec<String>,
}

fn pipelines() -> (Vec<(String, Pipeline)>, Vec<String>) {
    let mut out: Vec<(String, Pipeline)> =
        registry().iter().map(|p| (p.name.to_string(), Pipeline::of(&[p.name]).expect("registered"))).collect();
    let mut notes = Vec::new();
    out.push((
        "fix(const-fold,copy-prop,dce)".into(),
        Pipeline::parse("fix(const-fold,copy-prop,dce)").expect("parses"),
    ));
    match Pipeline::parse("O1") {
        Ok(p) => out.push(("O1".into(), p)),
        Err(e) => panic!("O1 does not parse: {e}"),
    }
    match Pipeline::parse("O2") {
        Ok(p) => out.push(("O2".into(), p)),
        // Only while the passes O2 names are still being written; any other error fails.
        Err(e) if e.message.contains("unknown pass") => notes.push(format!("O2 not run: {e}")),
        Err(e) => panic!("O2 does not parse: {e}"),
    }
    (out, notes)
}

fn check_function(label: &str, func: &Function, pipelines: &[(String, Pipeline)], t: &mut Totals) {
    let opts = ManagerOptions { verify: true, validate_trials: TRIALS, record_ir: false };
    let again = ManagerOptions { verify: true, validate_trials: 0, record_ir: false };
    t.functions += 1;
    for (name, p) in pipelines {
        let mut f = func.clone();
        match run_pipeline(&mut f, p, &opts) {
            Err(e) => t.failures.push(format!("{label}: {name}: {e}")),
            Ok(r) => {
                t.runs += r.runs.len();
                if r.changed() {
                    *t.changed.entry(name.clone()).or_default() += 1;
                }
                for v in r.runs.iter().filter_map(|r| r.validation) {
                    t.compared += v.compared;
                    t.inconclusive += v.inconclusive;
                }
                // The second-run property is per pass; pipelines only need the rest.
                if r.runs.len() != 1 || p.steps.len() != 1 {
                    continue;
                }
                match run_pipeline(&mut f, p, &again) {
                    Err(e) => t.failures.push(format!("{label}: {name} (second run): {e}")),
                    Ok(r2) => {
                        let run = &r2.runs[0];
                        if run.measured || run.reported != Changed::Nothing {
                            t.failures.push(format!(
                                "{label}: {name} changed the function again on a second run (reported {:?}, counters {:?})",
                                run.reported, run.counters
                            ));
                        }
                    }
                }
            }
        }
    }
}

/// `func` with, in every reachable non-entry block, a new last parameter that every
/// branch passes the function's first parameter to (a self-loop passes the new
/// parameter itself) and that the block's own uses read instead; then a copy after
/// every definition (at the start of the block for a parameter) and every use reading
/// the copy instead.
fn with_copies(func: &Function) -> Function {
    use wlab_ir::{Imm, InstData, Opcode};
    let mut f = func.clone();
    let entry = f.entry().expect("a function has an entry");
    if let Some(&v0) = f.block_params(entry).first() {
        let mut seen = vec![false; f.blocks.len()];
        let mut stack = vec![entry];
        seen[entry.index()] = true;
        while let Some(b) = stack.pop() {
            for s in f.successors(b) {
                if !std::mem::replace(&mut seen[s.index()], true) {
                    stack.push(s);
                }
            }
        }
        for b in f.layout.clone() {
            if b == entry || !seen[b.index()] {
                continue;
            }
            let p = f.append_block_param(b, f.value_type(v0));
            for pb in f.layout.clone() {
                let Some(t) = f.terminator(pb) else { continue };
                for d in f.inst_mut(t).dests.iter_mut().filter(|d| d.block == b) {
                    d.args.push(if pb == b { p } else { v0 });
                }
            }
            for i in f.block_insts(b).to_vec() {
                f.map_inst_uses(i, |v| if v == v0 { p } else { v });
            }
        }
    }
    let mut subst: Vec<Value> = (0..f.values.len()).map(Value::new).collect();
    let mut copies = std::collections::BTreeSet::new();
    for b in f.layout.clone() {
        let old = std::mem::take(&mut f.blocks[b.index()].insts);
        let mut new = Vec::new();
        let mut copy_of = |f: &mut Function, new: &mut Vec<wlab_ir::Inst>, v: Value| {
            let ty = f.value_type(v);
            let c = f.make_inst(InstData::new(Opcode::Copy, Some(ty), vec![v], Imm::None), &[ty]);
            subst[v.index()] = f.inst_results(c)[0];
            copies.insert(c);
            new.push(c);
        };
        for v in f.block_params(b).to_vec() {
            copy_of(&mut f, &mut new, v);
        }
        for i in old {
            new.push(i);
            for r in f.inst_results(i).to_vec() {
                copy_of(&mut f, &mut new, r);
            }
        }
        f.blocks[b.index()].insts = new;
    }
    let insts: Vec<_> = f.layout_insts().map(|(_, i)| i).filter(|i| !copies.contains(i)).collect();
    for i in insts {
        f.map_inst_uses(i, |v| subst.get(v.index()).copied().unwrap_or(v));
    }
    f
}

/// copy-prop on a function full of injected copies and pass-through parameters gives
/// back the original text.
fn check_copy_injection(label: &str, func: &Function, t: &mut Totals) {
    let injected = with_copies(func);
    if let Err(e) = wlab_ir::verify::verify_function(&injected) {
        t.failures.push(format!("{label}: test bug, injected copies do not verify: {e}"));
        return;
    }
    let mut f = injected.clone();
    let p = Pipeline::parse("copy-prop").expect("registered");
    let opts = ManagerOptions { verify: true, validate_trials: TRIALS, record_ir: false };
    match run_pipeline(&mut f, &p, &opts) {
        Err(e) => t.failures.push(format!("{label}: copy-prop on injected copies: {e}")),
        Ok(_) => {
            if print_function(&f) != print_function(func) {
                t.failures.push(format!(
                    "{label}: copy-prop did not undo the injected copies and parameters\n{}",
                    print_function(&f)
                ));
            }
            t.injected += 1;
        }
    }
}

/// `func` with dead code added: in every reachable block a dead `iadd` of the first
/// parameter (when it is an integer), in every reachable non-entry block a parameter
/// nobody uses (every branch passes the first parameter; self-loops pass it around),
/// and an unreachable block at the end.
fn with_dead_code(func: &Function) -> Function {
    use wlab_ir::{Imm, InstData, Opcode, TrapCode};
    let mut f = func.clone();
    let entry = f.entry().expect("a function has an entry");
    let reachable = {
        let mut seen = vec![false; f.blocks.len()];
        let mut stack = vec![entry];
        seen[entry.index()] = true;
        while let Some(b) = stack.pop() {
            for s in f.successors(b) {
                if !std::mem::replace(&mut seen[s.index()], true) {
                    stack.push(s);
                }
            }
        }
        seen
    };
    if let Some(&v0) = f.block_params(entry).first() {
        let ty = f.value_type(v0);
        for b in f.layout.clone() {
            if !reachable[b.index()] {
                continue;
            }
            if ty.is_int() {
                let i = f.make_inst(InstData::new(Opcode::Iadd, Some(ty), vec![v0, v0], Imm::None), &[ty]);
                f.blocks[b.index()].insts.insert(0, i);
            }
            if b == entry {
                continue;
            }
            let p = f.append_block_param(b, ty);
            for pb in f.layout.clone() {
                let Some(t) = f.terminator(pb) else { continue };
                for d in f.inst_mut(t).dests.iter_mut().filter(|d| d.block == b) {
                    d.args.push(if pb == b { p } else { v0 });
                }
            }
        }
    }
    let dead = f.create_block();
    f.append_block(dead);
    f.terminate(dead, Opcode::Trap, vec![], Imm::Trap(TrapCode::Unreachable), vec![]);
    f
}

/// dce on a dce'd function with dead code added gives back the dce'd text.
fn check_dead_code_injection(label: &str, func: &Function, t: &mut Totals) {
    let p = Pipeline::parse("dce").expect("registered");
    let opts = ManagerOptions { verify: true, validate_trials: TRIALS, record_ir: false };
    let mut clean = func.clone();
    if let Err(e) = run_pipeline(&mut clean, &p, &opts) {
        t.failures.push(format!("{label}: dce: {e}"));
        return;
    }
    let injected = with_dead_code(&clean);
    if let Err(e) = wlab_ir::verify::verify_function(&injected) {
        t.failures.push(format!("{label}: test bug, injected dead code does not verify: {e}"));
        return;
    }
    let mut f = injected;
    match run_pipeline(&mut f, &p, &opts) {
        Err(e) => t.failures.push(format!("{label}: dce on injected dead code: {e}")),
        Ok(_) if print_function(&f) != print_function(&clean) => t
            .failures
            .push(format!("{label}: dce did not remove exactly the injected dead code\n{}", print_function(&f))),
        Ok(_) => t.dead_injected += 1,
    }
}

#[test]
fn every_pass_over_the_spec_corpus() {
    let corpus = wlab_tests::corpus::spec_modules();
    let modules: Vec<(String, wlab_ir::Module)> = corpus
        .iter()
        .map(|m| {
            let label = format!("{}:{}", m.script, m.line);
            let module = wlab_ir::translate::translate_module(&m.bytes).unwrap_or_else(|e| panic!("{label}: {e}"));
            (label, module)
        })
        .collect();
    let (pipelines, notes) = pipelines();
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
                    check_function(label, f, pipelines, &mut t);
                    check_copy_injection(label, f, &mut t);
                    check_dead_code_injection(label, f, &mut t);
                }
                let mut all = totals.lock().expect("no panics while holding the lock");
                all.functions += t.functions;
                all.runs += t.runs;
                for (k, v) in t.changed {
                    *all.changed.entry(k).or_default() += v;
                }
                all.compared += t.compared;
                all.inconclusive += t.inconclusive;
                all.injected += t.injected;
                all.dead_injected += t.dead_injected;
                all.failures.extend(t.failures);
            });
        }
    });
    let mut t = totals.into_inner().expect("threads finished");
    t.failures.sort();
    println!(
        "passes corpus: {} modules, {} functions, {} pass runs, {} validation trials conclusive, {} inconclusive (out of fuel, or both runs trapped alike on a bad access)",
        modules.len(),
        t.functions,
        t.runs,
        t.compared,
        t.inconclusive
    );
    println!("  copy-prop undid injected copies exactly in {} functions", t.injected);
    println!("  dce removed exactly the injected dead code in {} functions", t.dead_injected);
    for (name, n) in &t.changed {
        println!("  {name}: changed {n} functions");
    }
    for n in &notes {
        println!("  note: {n}");
    }
    for f in t.failures.iter().take(30) {
        println!("FAIL {f}");
    }
    assert!(t.functions > 0, "the corpus is empty");
    assert!(t.failures.is_empty(), "{} failures (first ones above)", t.failures.len());
}
