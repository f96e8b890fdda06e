//! `wlab stats MOD --peer cranelift` (issue 17): each function's x86-64 code from wlab
//! beside Cranelift's, both counted by one definition. The comparison needs Python with
//! the `wasmtime` package (`$WLAB_PYTHON`, as `wlab bench`); without it those tests print
//! why they are skipped and pass. Asserts behaviour, not Cranelift's exact numbers.

use std::path::PathBuf;
use std::process::{Command, Output};

fn module() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/peer_code.wat")
}

fn wlab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wlab")).args(args).output().expect("wlab runs")
}

/// Why the comparison cannot run here, if it cannot.
fn wasmtime_missing() -> Option<String> {
    let python = std::env::var("WLAB_PYTHON").unwrap_or_else(|_| "python3".to_string());
    let ok = Command::new(&python).args(["-c", "import wasmtime"]).output().is_ok_and(|o| o.status.success());
    (!ok).then(|| format!("skipped: `{python}` cannot import wasmtime (pip install -r scripts/requirements.txt)"))
}

fn compare_json(extra: &[&str]) -> serde_json::Value {
    let path = module();
    let mut args = vec!["stats", path.to_str().unwrap(), "--peer", "cranelift", "--json"];
    args.extend_from_slice(extra);
    let out = wlab(&args);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("JSON")
}

fn row<'a>(v: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    v["functions"].as_array().unwrap().iter().find(|r| r["name"] == name).unwrap_or_else(|| panic!("{name} in {v}"))
}

fn count(side: &serde_json::Value, key: &str) -> u64 {
    side[key].as_u64().unwrap_or_else(|| panic!("{key} in {side}"))
}

#[test]
fn every_defined_function_is_compared_with_non_zero_counts() {
    if let Some(why) = wasmtime_missing() {
        println!("{why}");
        return;
    }
    let v = compare_json(&["--passes", "O2"]);
    assert!(v["peer"].as_str().unwrap().starts_with("cranelift (wasmtime "), "{}", v["peer"]);
    let rows = v["functions"].as_array().unwrap();
    // Four defined functions after one import: indices 1..=4 on both sides.
    let indices: Vec<u64> = rows.iter().map(|r| r["index"].as_u64().unwrap()).collect();
    assert_eq!(indices, [1, 2, 3, 4]);
    for r in rows {
        for side in ["wlab", "peer"] {
            assert!(count(&r[side], "insts") > 0, "{r}");
            assert!(count(&r[side], "code_bytes") >= count(&r[side], "insts"), "{r}");
        }
    }
    // A two-operand add: a frame, the add, a return; a handful of instructions each.
    let add = row(&v, "add");
    assert!((3..=12).contains(&count(&add["peer"], "insts")), "{add}");
    assert!((3..=40).contains(&count(&add["wlab"], "insts")), "{add}");
    assert_eq!(count(&add["peer"], "calls"), 0);
    // The caller calls the import and `inc` on both compilers.
    let callit = row(&v, "callit");
    for side in ["wlab", "peer"] {
        assert!(count(&callit[side], "calls") >= 2, "{callit}");
        assert!(count(&callit[side], "stack_stores") >= 1, "{callit}");
    }
    // The br_table's jump table is data, skipped on both sides (3 entries of 4 bytes at least).
    let sel = row(&v, "sel");
    for side in ["wlab", "peer"] {
        assert!(count(&sel[side], "data_bytes") >= 8, "{sel}");
    }
    // Totals are the sums of the rows.
    let sum: u64 = rows.iter().map(|r| count(&r["peer"], "insts")).sum();
    assert_eq!(count(&v["totals_peer"], "insts"), sum);
}

#[test]
fn funcs_and_top_restrict_the_rows() {
    if let Some(why) = wasmtime_missing() {
        println!("{why}");
        return;
    }
    let v = compare_json(&["--funcs", "add,4"]);
    let names: Vec<&str> = v["functions"].as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(names.contains(&"add"));
    let all = compare_json(&[]);
    let largest = all["functions"].as_array().unwrap().iter().max_by_key(|r| count(&r["wlab"], "insts")).unwrap();
    let top = compare_json(&["--top", "1"]);
    assert_eq!(top["functions"].as_array().unwrap().len(), 1);
    assert_eq!(top["functions"][0]["index"], largest["index"]);
    let path = module();
    let text = wlab(&["stats", path.to_str().unwrap(), "--peer", "cranelift"]);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.lines().any(|l| l.trim_start().starts_with("total")), "{text}");
    assert!(text.contains("callit"), "{text}");
}

#[test]
fn a_missing_python_is_a_one_line_error() {
    let path = module();
    let out = Command::new(env!("CARGO_BIN_EXE_wlab"))
        .args(["stats", path.to_str().unwrap(), "--peer", "cranelift"])
        .env("WLAB_PYTHON", "/nonexistent/python3")
        .output()
        .expect("wlab runs");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains("--peer cranelift") && err.contains("/nonexistent/python3"), "{err}");
}

#[test]
fn peer_compares_x86_64_code_only() {
    let path = module();
    let out = wlab(&["stats", path.to_str().unwrap(), "--peer", "cranelift", "--target", "aarch64"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("x86_64"));
}
