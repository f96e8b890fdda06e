//! The wrong rule `wrong-sub: (isub.i32 ?x ?y) => (isub.i32 ?y ?x)` on real C programs of
//! the benchmark folder: `wlab run --record` then `wlab stats --check --states` must name
//! functions it breaks through their recorded states (on bz2: `dlmalloc`, the trap the
//! issue saw), `wlab difftest --program` must see the program's output change, and O2 must
//! pass `--check --states` with no mismatch.
//!
//! The benchmark programs are not part of the repository: the folder is `WLAB_BENCH_DIR`,
//! else `shared/bench` next to the checkout. Where neither exists every trial is reported
//! as ignored with that reason.

use libtest_mimic::{Arguments, Completion, Failed, Trial};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use wlab_tests::bench::bench_dir;

fn wlab(dir: &Path, args: &[&str]) -> Result<Output, Failed> {
    Command::new(env!("CARGO_BIN_EXE_wlab"))
        .args(args)
        .current_dir(dir)
        .env_remove("BENCH_TIMES_FILE")
        .output()
        .map_err(|e| format!("cannot run wlab: {e}").into())
}

fn rules() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/programs/wrong-sub.rules").display().to_string()
}

/// Records `folder/benchmark.wasm` into a fresh folder.
fn record(dir: &Path, folder: &str) -> Result<PathBuf, Failed> {
    let rec = std::env::temp_dir().join(format!("wlab-states-bench-{}-{folder}", std::process::id()));
    let _ = std::fs::remove_dir_all(&rec);
    let r = rec.display().to_string();
    let out = wlab(&dir.join(folder), &["run", "--record", &r, "--dir", ".", "benchmark.wasm"])?;
    if out.status.code() != Some(0) {
        return Err(format!(
            "{folder}: record run exit {:?}: {}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        )
        .into());
    }
    Ok(rec)
}

/// `stats --check --states` under the wrong rule: exit 1, and `function` mismatches on a
/// recorded state.
fn wrong_rule_states(dir: &Path, folder: &str, function: &str) -> Result<(), Failed> {
    let rec = record(dir, folder)?;
    let r = rec.display().to_string();
    let passes = format!("egraph(rules={})", rules());
    let out = wlab(&dir.join(folder), &["stats", "benchmark.wasm", "--passes", &passes, "--check", "--states", &r])?;
    let _ = std::fs::remove_dir_all(&rec);
    let text = String::from_utf8_lossy(&out.stdout);
    if out.status.code() != Some(1) {
        return Err(format!("{folder}: stats --check exit {:?}, want 1", out.status.code()).into());
    }
    let caught = text.lines().any(|l| l.contains(&format!("function `{function}`:")) && l.contains("recorded state"));
    if !caught {
        let check: Vec<&str> = text.lines().filter(|l| l.contains("mismatch")).collect();
        return Err(format!("{folder}: `{function}` not caught by a recorded state; mismatches: {check:?}").into());
    }
    Ok(())
}

fn o2_states_pass(dir: &Path, folder: &str) -> Result<(), Failed> {
    let rec = record(dir, folder)?;
    let r = rec.display().to_string();
    let out = wlab(&dir.join(folder), &["stats", "benchmark.wasm", "--passes", "O2", "--check", "--states", &r])?;
    let _ = std::fs::remove_dir_all(&rec);
    let text = String::from_utf8_lossy(&out.stdout);
    // 0, or 3 when some function had no conclusive trial; never a mismatch.
    if !matches!(out.status.code(), Some(0) | Some(3)) {
        return Err(format!("{folder}: O2 --check --states exit {:?}: {text}", out.status.code()).into());
    }
    Ok(())
}

fn wrong_rule_program(dir: &Path, folder: &str) -> Result<(), Failed> {
    let passes = format!("egraph(rules={})", rules());
    // A wrong rule may make the program loop instead of trap (bz2's dlmalloc does after the
    // e-graph's elaboration changed where the rule applies): both runs are bounded.
    let args = ["difftest", "--program", "benchmark.wasm", "--passes", &passes, "--dir", ".", "--timeout", "60"];
    let out = wlab(&dir.join(folder), &args)?;
    let text = String::from_utf8_lossy(&out.stdout);
    if out.status.code() != Some(1) || !text.contains("difference: stdout") {
        return Err(format!("{folder}: difftest --program exit {:?}: {text}", out.status.code()).into());
    }
    Ok(())
}

fn main() {
    let args = Arguments::from_args();
    let dir = bench_dir();
    type Check = fn(&Path, &str) -> Result<(), Failed>;
    let rows: &[(&str, &str, Check)] = &[
        ("quicksort/wrong-sub-states", "quicksort", |d, f| wrong_rule_states(d, f, "f11")),
        ("bz2/wrong-sub-states", "bz2", |d, f| wrong_rule_states(d, f, "dlmalloc")),
        ("quicksort/wrong-sub-program", "quicksort", wrong_rule_program),
        ("bz2/wrong-sub-program", "bz2", wrong_rule_program),
        ("quicksort/o2-states", "quicksort", o2_states_pass),
    ];
    let trials = rows
        .iter()
        .map(|&(name, folder, check)| {
            let dir = dir.clone();
            Trial::ignorable_test(name, move || match dir {
                Ok(d) => check(&d, folder).map(|()| Completion::Completed),
                Err(reason) => Ok(Completion::ignored_with(reason)),
            })
        })
        .collect();
    libtest_mimic::run(&args, trials).exit();
}
