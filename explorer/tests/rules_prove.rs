//! `wlab rules prove` and `--prove` as a user meets them: a wrong rule is refuted with a
//! counterexample and exit status 1, correct rules are proved, a pipeline with a wrong
//! rule file refuses to run under `--prove`, and every failure is one line. Needs the
//! `z3` program (Debian package `z3`, installed by `scripts/test.sh`).

use std::path::PathBuf;
use std::process::{Command, Output};

fn wlab_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_wlab"));
    c.args(args).current_dir(root()).env("RUST_BACKTRACE", "1");
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("wlab runs")
}

fn wlab(args: &[&str]) -> Output {
    wlab_env(args, &[])
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_owned()
}

fn tmp_file(name: &str, contents: &str) -> String {
    let dir = std::env::temp_dir().join(format!("wlab-prove-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, contents).unwrap();
    p.display().to_string()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const WRONG: &str = "# x - y is not y - x\nwrong-sub: (isub.i32 ?x ?y) => (isub.i32 ?y ?x)\n";
const RIGHT: &str = "add-zero: (iadd.i32 ?x (iconst.i32 0)) => ?x\n";

#[test]
fn a_wrong_rule_gets_a_counterexample_and_exit_status_1() {
    let f = tmp_file("wrong.rules", &format!("{WRONG}{RIGHT}"));
    let out = wlab(&["rules", "prove", &f]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("counterexample  wrong-sub"), "{text}");
    assert!(text.contains("wrong.rules:2"), "{text}");
    assert!(text.contains("v2 = isub.i32 v1, v0"), "{text}");
    assert!(text.contains("before: i32:"), "{text}");
    assert!(text.contains("proved          add-zero"), "{text}");
    assert!(text.trim_end().ends_with("1 proved, 1 counterexamples, 0 unknown"), "{text}");
}

#[test]
fn correct_rules_exit_0_and_json_has_a_verdict_per_rule() {
    let f = tmp_file("right.rules", RIGHT);
    let out = wlab(&["rules", "prove", &f, "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["proved"], 1);
    assert_eq!(v["rules"][0]["name"], "add-zero");
    assert_eq!(v["rules"][0]["verdict"], "proved");
    let f = tmp_file("wrong-json.rules", WRONG);
    let out = wlab(&["rules", "prove", &f, "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["rules"][0]["verdict"], "counterexample");
    assert!(v["rules"][0]["before_ir"].as_str().unwrap().contains("isub.i32 v0, v1"));
}

#[test]
fn the_filter_picks_shipped_rules_by_name() {
    let out = wlab(&["rules", "prove", "--rule", "sub-self"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out).lines().filter(|l| l.starts_with("proved")).count(), 2, "{}", stdout(&out));
    let out = wlab(&["rules", "prove", "--rule", "no-such-rule"]);
    assert_eq!(stderr(&out).lines().count(), 1, "{}", stderr(&out));
    assert!(stderr(&out).contains("no rule name contains `no-such-rule`"));
}

#[test]
fn prove_refuses_to_run_a_pipeline_with_a_wrong_rule() {
    let wrong = tmp_file("pipeline-wrong.rules", WRONG);
    let args = ["explore", "examples/sum.wat", "--func", "fac", "--passes", "egraph", "--rules", &wrong, "--prove"];
    let out = wlab(&args);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).is_empty(), "{}", stdout(&out));
    let err = stderr(&out);
    assert!(err.contains("counterexample  wrong-sub"), "{err}");
    assert!(err.trim_end().lines().last().unwrap().contains("--prove: rule `wrong-sub`"), "{err}");
    // Rule files named in the pipeline itself are proved too.
    let out = wlab(&[
        "explore",
        "examples/sum.wat",
        "--func",
        "fac",
        "--passes",
        &format!("egraph(rules={wrong})"),
        "--prove",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    // Correct rules: the command runs.
    let right = tmp_file("pipeline-right.rules", RIGHT);
    let out =
        wlab(&["explore", "examples/sum.wat", "--func", "fac", "--passes", "egraph", "--rules", &right, "--prove"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("egraph"));
}

#[test]
fn failures_are_one_line() {
    let bad = tmp_file("bad.rules", "ok: (iadd.i32 ?x (iconst.i32 0)) => ?x\nbroken rule\n");
    let out = wlab(&["rules", "prove", &bad]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stderr(&out).lines().count(), 1, "{}", stderr(&out));
    assert!(stderr(&out).contains("bad.rules:2: expected `name: LEFT => RIGHT`"), "{}", stderr(&out));
    // No z3 on the PATH: one line naming the package.
    let empty = std::env::temp_dir().join(format!("wlab-prove-empty-path-{}", std::process::id()));
    std::fs::create_dir_all(&empty).unwrap();
    let right = tmp_file("nopath.rules", RIGHT);
    let out = wlab_env(&["rules", "prove", &right], &[("PATH", empty.to_str().unwrap())]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stderr(&out).lines().count(), 1, "{}", stderr(&out));
    assert!(stderr(&out).contains("Debian package `z3`"), "{}", stderr(&out));
    let out = wlab(&["rules", "prove", &right, "--timeout-ms", "0"]);
    assert_eq!(stderr(&out).lines().count(), 1, "{}", stderr(&out));
}
