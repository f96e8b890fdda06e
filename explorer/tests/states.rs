//! Validation on recorded program states and whole-program differential testing, as a user
//! meets them, on the in-repo program `tests/programs/linked-list.wat` (a WASI command
//! that walks a linked list through pointers):
//! - `wlab run --record DIR` saves states and says so; its limits are reported;
//! - a deliberately broken pass (test-only: swaps the operands of every `isub`) passes the
//!   random trials on the pointer-walking function and is caught by its recorded states;
//! - the wrong rule `wrong-sub: (isub.i32 ?x ?y) => (isub.i32 ?y ?x)` is caught by
//!   `--check --states` (explore and stats) on a function the random trials pass, and by
//!   `difftest --program`;
//! - a check with no conclusive trial is `inconclusive` with exit status 3.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use wlab_ir::{Function, Opcode};
use wlab_passes::manager::{run_pipeline_with_states, Failure, ManagerOptions};
use wlab_passes::pass::{Changed, Pass, PassError, PassOutcome};
use wlab_passes::pipeline::{PassStep, Pipeline, Step};
use wlab_passes::registry::{Make, PassArgs, PassInfo};

fn programs() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/programs")
}

fn wlab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wlab"))
        .args(args)
        .current_dir(programs())
        .env_remove("BENCH_TIMES_FILE")
        .output()
        .expect("wlab runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// A fresh recording of linked-list.wat (with extra `wlab run` options).
fn record(name: &str, extra: &[&str]) -> (PathBuf, Output) {
    let dir = std::env::temp_dir().join(format!("wlab-states-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let d = dir.display().to_string();
    let mut args = vec!["run", "--record", &d];
    args.extend_from_slice(extra);
    args.push("linked-list.wat");
    let out = wlab(&args);
    (dir, out)
}

const WRONG: &str = "egraph(rules=wrong-sub.rules)";

#[test]
fn record_saves_states_of_every_function_and_the_program_runs_as_usual() {
    let (dir, out) = record("basic", &[]);
    let expected = std::fs::read_to_string(programs().join("linked-list.stdout.expected")).unwrap();
    assert_eq!(text(&out.stdout), expected);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stderr).starts_with("wlab: recorded 16 states of 8 functions in "), "{}", text(&out.stderr));
    let index: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("index.json")).unwrap()).unwrap();
    assert_eq!(index["limit_hit"], false);
    // alloc_node is called 40 times: calls 1, 2, 4, 8, 16, 32 are sampled.
    let f: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(dir.join("f1.json")).unwrap()).unwrap();
    assert_eq!(f["name"], "alloc_node");
    assert_eq!(f["calls_seen"], 40);
    let calls: Vec<u64> = f["states"].as_array().unwrap().iter().map(|s| s["call"].as_u64().unwrap()).collect();
    assert_eq!(calls, [1, 2, 4, 8, 16, 32]);
    // `--record-calls 2`: calls 1 and 2 only.
    let (dir2, _) = record("calls", &["--record-calls", "2"]);
    let f: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(dir2.join("f1.json")).unwrap()).unwrap();
    assert_eq!(f["states"].as_array().unwrap().len(), 2);
    let _ = std::fs::remove_dir_all(dir);
    let _ = std::fs::remove_dir_all(dir2);
}

#[test]
fn record_limits_are_reported() {
    let (dir, out) = record("total", &["--record-bytes", "2000"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        text(&out.stderr).contains("--record-bytes limit (2000) reached: later calls were not recorded"),
        "{}",
        text(&out.stderr)
    );
    let (dir2, out) = record("state", &["--record-state-bytes", "100"]);
    assert_eq!(out.status.code(), Some(0));
    let f: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(dir2.join("f3.json")).unwrap()).unwrap();
    assert_eq!(f["states"].as_array().unwrap().len(), 0);
    assert_eq!(f["dropped"][0], "call 1: larger than --record-state-bytes (100)");
    let (_, out) = record("fuel", &["--fuel", "1000"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stderr),
        "wlab: error: --record cannot be combined with --fuel or --timeout (the fuel checks would be recorded)\n"
    );
    let out = wlab(&[
        "explore",
        "linked-list.wat",
        "--func",
        "walk",
        "--passes",
        "O2",
        "--check",
        "--states",
        "/nonexistent",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("is not a recording folder"), "{}", text(&out.stderr));
    // States replay only on the module they were recorded from.
    let d = dir2.display().to_string();
    let other = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/sum.wat").display().to_string();
    let out = wlab(&["stats", &other, "--passes", "O2", "--check", "--states", &d]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stderr),
        format!(
            "wlab: error: {d} was recorded from another module (linked-list.wat); record this one with `wlab run --record DIR`\n"
        )
    );
    let _ = std::fs::remove_dir_all(dir);
    let _ = std::fs::remove_dir_all(dir2);
}

/// Test-only: swaps the operands of every `isub` (a plausible bug: a canonicalisation
/// that forgot subtraction is not commutative). Never registered.
struct SwapIsub;

impl Pass for SwapIsub {
    fn name(&self) -> &'static str {
        "swap-isub"
    }

    fn run(&mut self, func: &mut Function) -> Result<PassOutcome, PassError> {
        let mut changed = false;
        for (_, i) in func.layout_insts().collect::<Vec<_>>() {
            if func.inst(i).opcode == Opcode::Isub {
                func.insts[i.index()].args.swap(0, 1);
                changed = true;
            }
        }
        let mut out = PassOutcome::unchanged();
        if changed {
            out.changed = Changed::Instructions;
        }
        Ok(out)
    }
}

static SWAP_ISUB: PassInfo = PassInfo {
    name: "swap-isub",
    description: "test only: swap the operands of every isub",
    args: &[],
    make: Make::Function(|_: &PassArgs| Ok(Box::new(SwapIsub))),
    idempotent: false,
};

#[test]
fn a_broken_pass_passes_random_trials_on_a_pointer_walk_and_is_caught_by_recorded_states() {
    let (dir, out) = record("broken-pass", &[]);
    assert_eq!(out.status.code(), Some(0));
    let bytes = wlab_explorer::input::read_module(&programs().join("linked-list.wat")).unwrap();
    let module = wlab_ir::translate::translate_module(&bytes).unwrap();
    let walk = module.functions.iter().find(|f| f.name == "walk").expect("walk is in the name section");
    let pipeline = Pipeline { steps: vec![Step::Pass(PassStep { info: &SWAP_ISUB, args: Vec::new() })] };
    let opts = ManagerOptions::checked();

    // Random trials alone: the walk from a random pointer traps before and after alike;
    // only the null pointer (an empty list) is conclusive, and it matches.
    let mut f = walk.clone();
    let r = run_pipeline_with_states(&mut f, &pipeline, &opts, &[]).expect("random trials find nothing");
    let v = r.runs[0].validation.expect("validated");
    assert_eq!((v.trials, v.compared, v.states.trials), (16, 1, 0), "{v:?}");

    // With the states `wlab run --record` saved, the pass is caught.
    let states = wlab_explorer::states::load(&dir, walk.wasm_index.unwrap()).unwrap();
    assert_eq!(states.len(), 2);
    let mut f = walk.clone();
    let e = run_pipeline_with_states(&mut f, &pipeline, &opts, &states).expect_err("the states catch it");
    assert!(matches!(*e.failure, Failure::Mismatch(_)));
    assert!(
        e.to_string().contains("pass `swap-isub` (step 0) changed behaviour: trial 0 with args (i32:4408): recorded state 0 (call 1 of the function): results differ"),
        "{e}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn the_wrong_sub_rule_is_caught_by_recorded_states_where_random_trials_pass() {
    let (dir, _) = record("wrong-rule", &[]);
    let d = dir.display().to_string();
    let random = wlab(&["explore", "linked-list.wat", "--func", "walk", "--passes", WRONG, "--check", "--no-wasm"]);
    assert_eq!(random.status.code(), Some(0), "{}", text(&random.stderr));
    assert!(
        text(&random.stdout).ends_with(
            ";; check: 1 pass runs changed the function and were validated\n;; check egraph(rules=wrong-sub.rules): ok (random 16 trials, 1 conclusive)\n"
        ),
        "{}",
        text(&random.stdout)
    );
    let states = wlab(&[
        "explore",
        "linked-list.wat",
        "--func",
        "walk",
        "--passes",
        WRONG,
        "--check",
        "--states",
        &d,
        "--no-wasm",
    ]);
    assert_eq!(states.status.code(), Some(1));
    assert_eq!(
        text(&states.stderr),
        "wlab: error: function `walk`: pass `egraph` (step 0) changed behaviour: trial 0 with args (i32:4408): \
         recorded state 0 (call 1 of the function): results differ: before [i32:-1935212120], after [i32:1935212120]\n"
    );

    // `wlab stats --check` checks every function of the module.
    let stats = wlab(&["stats", "linked-list.wat", "--passes", WRONG, "--check", "--states", &d]);
    assert_eq!(stats.status.code(), Some(1));
    let out = text(&stats.stdout);
    assert!(out.contains("check: 1 ok, 0 inconclusive, 2 mismatch, 5 unchanged\n"), "{out}");
    assert!(out.contains("       3  mismatch      walk\n"), "{out}");
    assert!(out.contains("       7  mismatch      print\n"), "{out}");
    // JSON too.
    let json = wlab(&["stats", "linked-list.wat", "--passes", WRONG, "--check", "--states", &d, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let rows = v["passes"]["rows"].as_array().unwrap();
    let walk = rows.iter().find(|r| r["name"] == "walk").unwrap();
    assert_eq!(walk["check"]["verdict"], "mismatch");
    assert_eq!(walk["check"]["states"], 2);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_check_without_a_conclusive_trial_is_inconclusive_not_a_pass() {
    let out = wlab(&["explore", "linked-list.wat", "--func", "second", "--passes", "O2", "--check", "--no-wasm"]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    assert!(text(&out.stdout).ends_with(";; check egraph: inconclusive (random 16 trials, 0 conclusive)\n"));
    let (dir, _) = record("inconclusive", &[]);
    let d = dir.display().to_string();
    let out = wlab(&[
        "explore",
        "linked-list.wat",
        "--func",
        "second",
        "--passes",
        "O2",
        "--check",
        "--states",
        &d,
        "--no-wasm",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout)
        .ends_with(";; check egraph: ok (random 16 trials, 0 conclusive; recorded states 1, 1 conclusive)\n"));
    let stats = wlab(&["stats", "linked-list.wat", "--passes", "O2", "--check"]);
    assert_eq!(stats.status.code(), Some(3));
    assert!(
        text(&stats.stdout).contains(
            "  inconclusive  1 pass runs: random 16 trials, 0 conclusive; recorded states 0, 0 conclusive  second\n"
        ),
        "{}",
        text(&stats.stdout)
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn difftest_program_catches_the_wrong_rule_and_passes_o2() {
    let out = wlab(&["difftest", "--program", "linked-list.wat", "--passes", WRONG]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let s = text(&out.stdout);
    assert!(s.contains("difference: stdout (0 vs 30 bytes): line 1: end of output vs `-1935212120`\n"), "{s}");
    assert!(s.contains("difference: final memory hash: "), "{s}");
    let out = wlab(&["difftest", "--program", "linked-list.wat", "--engine", "x86_64", "--passes", "O2"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert!(text(&out.stdout).ends_with("no difference\n"));
}
