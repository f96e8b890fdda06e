//! The `wlab` binary as a user meets it: good input prints what was asked; bad input
//! prints one line on stderr and exits non-zero, never a panic or backtrace.

use std::path::PathBuf;
use std::process::{Command, Output};

fn wlab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wlab"))
        .args(args)
        .current_dir(root())
        .env("RUST_BACKTRACE", "1")
        .output()
        .expect("wlab runs")
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_owned()
}

fn tmp_file(name: &str, contents: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("wlab-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, contents).unwrap();
    p
}

/// Asserts a failure with exactly one line on stderr containing `needle`.
fn assert_one_line_error(out: &Output, needle: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "expected failure, got success; stderr: {stderr}");
    assert_eq!(stderr.lines().count(), 1, "expected one line on stderr, got:\n{stderr}");
    assert!(stderr.contains(needle), "stderr `{stderr}` does not mention `{needle}`");
    assert!(!stderr.contains("panicked") && !stderr.contains("internal error"), "{stderr}");
}

#[test]
fn explore_wat_by_export_name_shows_wasm_and_ir() {
    let out = wlab(&["explore", "examples/sum.wat", "--func", "fac"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains(";; wasm"), "{stdout}");
    assert!(stdout.contains("i64.eqz"), "{stdout}");
    assert!(stdout.contains("function fn1 \"fac\"(i64) -> i64 {"), "{stdout}");
    assert!(stdout.contains("call fn1("), "{stdout}");
}

#[test]
fn explore_wasm_binary_by_index_and_by_name() {
    let bytes = wat::parse_file(root().join("examples/sum.wat")).unwrap();
    let p = tmp_file("sum.wasm", &bytes);
    for sel in ["0", "sum_scaled"] {
        let out = wlab(&["explore", p.to_str().unwrap(), "--func", sel]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(String::from_utf8_lossy(&out.stdout).contains("\"sum_scaled\""));
    }
}

#[test]
fn explore_json_is_valid_json() {
    let out = wlab(&["explore", "examples/sum.wat", "--func", "fac", "--format", "json"]);
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    assert_eq!(v["name"], "fac");
    assert!(v["ir"].as_str().unwrap().contains("imul.i64"));
    assert!(v["wasm"].as_array().unwrap().len() > 3);
}

#[test]
fn unreadable_file_is_one_line() {
    assert_one_line_error(&wlab(&["explore", "no/such/file.wasm", "--func", "0"]), "cannot read no/such/file.wasm");
}

#[test]
fn malformed_binary_is_one_line() {
    let p = tmp_file("bad.wasm", b"\0asm\x01\0\0\0\x01\xff\xff");
    assert_one_line_error(&wlab(&["explore", p.to_str().unwrap(), "--func", "0"]), "");
}

#[test]
fn malformed_text_is_one_line() {
    let p = tmp_file("bad.wat", b"(module (func (result i32) i32.const))");
    assert_one_line_error(&wlab(&["explore", p.to_str().unwrap(), "--func", "0"]), "bad.wat");
}

#[test]
fn invalid_module_is_one_line() {
    let p = tmp_file("invalid.wat", b"(module (func (result i32) i64.const 1))");
    assert_one_line_error(&wlab(&["explore", p.to_str().unwrap(), "--func", "0"]), "");
}

#[test]
fn missing_function_lists_names() {
    let out = wlab(&["explore", "examples/sum.wat", "--func", "nope"]);
    assert_one_line_error(&out, "no function `nope`");
    assert!(String::from_utf8_lossy(&out.stderr).contains("fac"));
    assert_one_line_error(&wlab(&["explore", "examples/sum.wat", "--func", "7"]), "out of range");
}

#[test]
fn simd_runs_on_the_interpreter_and_on_x86_64() {
    let p = tmp_file(
        "simd.wat",
        b"(module (func (export \"v\") (param v128) (result i32) (i32x4.extract_lane 1 (i32x4.add (local.get 0) (v128.const i32x4 1 2 3 4)))))",
    );
    let p = p.to_str().unwrap();
    let run = wlab(&["run", p, "--engine", "interp", "--invoke", "v", "i32x4:10,20,30,40"]);
    assert_eq!(run.status.code(), Some(0), "{}", String::from_utf8_lossy(&run.stderr));
    assert_eq!(String::from_utf8_lossy(&run.stdout).trim(), "i32:22");
    let native = wlab(&["run", p, "--engine", "x86_64", "--invoke", "v", "i32x4:10,20,30,40"]);
    assert_eq!(native.status.code(), Some(0), "{}", String::from_utf8_lossy(&native.stderr));
    assert_eq!(String::from_utf8_lossy(&native.stdout).trim(), "i32:22");
}

#[test]
fn unknown_engine_lists_valid_ones() {
    let p = tmp_file("empty.wast", b"(module)");
    assert_one_line_error(&wlab(&["wast", p.to_str().unwrap(), "--engine", "nope"]), "interp");
}

#[test]
fn wast_reports_counts_and_fails_on_failure() {
    let p = tmp_file(
        "t.wast",
        b"(module (func (export \"f\") (result i32) i32.const 1))\n(assert_return (invoke \"f\") (i32.const 1))\n(assert_return (invoke \"f\") (i32.const 2))\n",
    );
    let out = wlab(&["wast", p.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success());
    assert!(stdout.lines().last().unwrap().ends_with("passed, 1 failed, 0 skipped"), "{stdout}");
}

/// The registry listing is pinned, so any change to a pass's name, description,
/// arguments or the presets is seen in review.
#[test]
fn passes_listing_is_pinned() {
    let out = wlab(&["passes"]);
    assert!(out.status.success());
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(root().join("explorer/tests/snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.bind(|| insta::assert_snapshot!("wlab-passes", String::from_utf8_lossy(&out.stdout)));
}

#[test]
fn explore_target_shows_vcode_allocation_disassembly_and_stats() {
    let out = wlab(&["explore", "examples/sum.wat", "--func", "sum_scaled", "--passes", "O2", "--target", "x86_64"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    for part in [";; vcode (x86_64)", ";; allocated", ";; disassembly", ";; stats: insts="] {
        assert!(stdout.contains(part), "missing {part}:\n{stdout}");
    }
    assert!(stdout.contains("push    rbp"), "intel syntax by default:\n{stdout}");
    let att = wlab(&["explore", "examples/sum.wat", "--func", "fac", "--target", "x86_64", "--syntax", "att"]);
    assert!(String::from_utf8_lossy(&att.stdout).contains("push    %rbp"));
    let inter = wlab(&["explore", "examples/sum.wat", "--func", "fac", "--target", "x86_64", "--interleave"]);
    assert!(String::from_utf8_lossy(&inter.stdout).contains(";; v"), "interleaved IR lines");
}

#[test]
fn explore_target_json_has_stats() {
    let out = wlab(&["explore", "examples/sum.wat", "--func", "fac", "--target", "x86_64", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert!(v["machine"]["stats"]["code_bytes"].as_u64().unwrap() > 0);
    assert!(v["machine"]["stats"]["calls"].as_u64().unwrap() >= 1, "fac calls itself");
}

#[test]
fn stats_reports_every_function_and_totals() {
    let out = wlab(&["stats", "examples/sum.wat", "--passes", "O2", "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let n = v["functions"].as_array().unwrap().len();
    assert!(n >= 2);
    let sum: u64 = v["functions"].as_array().unwrap().iter().map(|f| f["stats"]["code_bytes"].as_u64().unwrap()).sum();
    assert_eq!(sum, v["totals"]["code_bytes"].as_u64().unwrap());
    let spilled = wlab(&["stats", "examples/sum.wat", "--regs", "4", "--regalloc", "fastalloc"]);
    assert!(spilled.status.success(), "{}", String::from_utf8_lossy(&spilled.stderr));
}

#[test]
fn bad_target_allocator_and_register_count_are_one_line() {
    assert_one_line_error(&wlab(&["explore", "examples/sum.wat", "--func", "fac", "--target", "mips"]), "x86_64");
    assert_one_line_error(&wlab(&["stats", "examples/sum.wat", "--regalloc", "greedy"]), "ion, fastalloc");
    assert_one_line_error(&wlab(&["stats", "examples/sum.wat", "--regs", "1"]), "at least");
    assert_one_line_error(&wlab(&["wast", "examples/sum.wat", "--engine", "interp", "--regs", "4"]), "native");
}

#[test]
fn wast_runs_on_the_native_engine_with_a_pipeline() {
    let script = tmp_file(
        "native.wast",
        b"(module (func (export \"f\") (param i32) (result i32) (i32.mul (local.get 0) (i32.const 3))))
          (assert_return (invoke \"f\" (i32.const 7)) (i32.const 21))
          (assert_trap (invoke \"f\" (i32.const 1)) \"no trap expected\")",
    );
    let out = wlab(&["wast", script.to_str().unwrap(), "--engine", "x86_64", "--passes", "O2"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("2 passed, 1 failed"), "{stdout}");
    assert!(stdout.contains("got i32:3"), "{stdout}");
    assert!(!out.status.success());
}

#[test]
fn egraph_dump_stats_and_rule_file_errors() {
    let out = wlab(&["explore", "examples/sum.wat", "--func", "0", "--passes", "egraph", "--egraph-dump", "--no-wasm"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        stdout.contains(";; e-graph before extraction (egraph)") && stdout.contains("stop:saturated=1"),
        "{stdout}"
    );
    assert!(stdout.contains("digraph {"), "{stdout}");
    let out = wlab(&["stats", "examples/sum.wat", "--passes", "egraph", "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("\"stop_reasons\"") && stdout.contains("\"rows\""), "{stdout}");
    let bad =
        tmp_file("bad.rules", b"ok: (iadd.i32 ?x (iconst.i32 0)) => ?x\nbad: (iadd.i32 ?x ?y) => (frob.i32 ?x)\n");
    let out =
        wlab(&["explore", "examples/sum.wat", "--func", "0", "--passes", "egraph", "--rules", bad.to_str().unwrap()]);
    assert_one_line_error(&out, "bad.rules:2: right side: ");
}

/// Every file-test snapshot names the `wlab explore` command line that prints it: run from
/// the repository's root, each section's command prints exactly that section.
#[test]
fn every_filetest_snapshot_is_reproduced_by_the_command_it_names() {
    let mut snaps = Vec::new();
    let mut dirs = vec![root().join("tests/snapshots")];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            match p.is_dir() {
                true => dirs.push(p),
                false if p.extension().is_some_and(|x| x == "snap") => snaps.push(p),
                false => {}
            }
        }
    }
    assert!(snaps.len() >= 50, "only {} snapshots", snaps.len());
    let wlab = env!("CARGO_BIN_EXE_wlab");
    for snap in snaps {
        let text = std::fs::read_to_string(&snap).unwrap();
        // The body follows the second `---` line of insta's header.
        let body = text.splitn(3, "---\n").nth(2).expect("an insta snapshot");
        let mut expected = String::new();
        let mut printed = String::new();
        for (n, section) in body.split(";; wlab explore ").skip(1).enumerate() {
            let (line, output) = section.split_once('\n').unwrap();
            let out = Command::new("sh")
                .args(["-c", &format!("'{wlab}' explore {line}")])
                .current_dir(root())
                .output()
                .expect("sh runs");
            assert!(out.status.success(), "{}: {line}: {}", snap.display(), String::from_utf8_lossy(&out.stderr));
            if n > 0 {
                printed.push('\n');
            }
            printed.push_str(&String::from_utf8_lossy(&out.stdout));
            expected.push_str(output);
        }
        // Sections are separated by one blank line, which belongs to no command's output.
        assert_eq!(printed.trim_end(), expected.trim_end(), "{}", snap.display());
    }
}

#[test]
fn output_option_writes_the_report_to_a_file_on_every_command() {
    let dir = tmp_file("placeholder", b"").parent().unwrap().to_owned();
    let passes = dir.join("passes.txt");
    let out = wlab(&["passes", "-o", passes.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stdout.is_empty(), "stdout: {}", String::from_utf8_lossy(&out.stdout));
    let written = std::fs::read_to_string(&passes).unwrap();
    assert_eq!(written, String::from_utf8_lossy(&wlab(&["passes"]).stdout));
    let stats = dir.join("stats.json");
    let out = wlab(&["stats", "examples/sum.wat", "--format", "json", "--output", stats.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&stats).unwrap()).unwrap();
    assert!(v["functions"].as_array().is_some_and(|f| f.len() == 2), "{v}");
    // A command that fails before it reports leaves no file.
    let none = dir.join("none.txt");
    let out = wlab(&["explore", "examples/sum.wat", "--func", "nope", "-o", none.to_str().unwrap()]);
    assert_one_line_error(&out, "nope");
    assert!(!none.exists());
    let out = wlab(&["passes", "-o", "/nonexistent-dir/x.txt"]);
    assert_one_line_error(&out, "cannot write /nonexistent-dir/x.txt");
}

#[test]
fn html_is_for_explore_only_and_several_targets_need_it() {
    assert_one_line_error(&wlab(&["passes", "--format", "html"]), "--format html is for `wlab explore`");
    assert_one_line_error(
        &wlab(&["stats", "examples/sum.wat", "--format", "html"]),
        "--format html is for `wlab explore`",
    );
    let two = ["explore", "examples/sum.wat", "--func", "fac", "--target", "x86_64", "--target", "aarch64"];
    assert_one_line_error(&wlab(&two), "only --format html shows several targets");
    assert_one_line_error(
        &wlab(&["stats", "examples/sum.wat", "--target", "x86_64", "--target", "aarch64"]),
        "one --target",
    );
    let twice = [
        "explore",
        "examples/sum.wat",
        "--func",
        "fac",
        "--format",
        "html",
        "--target",
        "x86_64",
        "--target",
        "x86_64",
    ];
    assert_one_line_error(&wlab(&twice), "--target x86_64 is given twice");
    // An .ir input has no wasm operators; the page still has its IR.
    let ir = tmp_file("f.ir", b"function \"f\"(i32) -> i32 {\nblock0(v0: i32):\n    return v0\n}\n");
    let out = wlab(&["explore", ir.to_str().unwrap(), "--func", "f", "--format", "html", "--target", "aarch64"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let html = String::from_utf8_lossy(&out.stdout);
    assert!(
        html.starts_with("<!DOCTYPE html>") && html.contains("\"wasm\":[]") && html.contains("return v0"),
        "{html}"
    );
}

#[test]
fn module_pass_runs_over_the_whole_module_and_opt_reports_it() {
    let m = "tests/filetests/inline/bottom-up-callee-inlined-first.wat";
    let out = wlab(&["opt", m, "--passes", "inline,O1"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("\n; inline: changed 2 functions; callers-grown=2 inlined=2\n"), "{text}");
    // Every call was inlined, bottom-up: no function calls another any more.
    assert!(!text.contains(" = call fn"), "{text}");
    let ir = tmp_file("inline-out.ir", b"");
    let out = wlab(&["opt", m, "--passes", "inline", "-o", ir.to_str().unwrap(), "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(json["module_passes"][0]["counters"]["inlined"], 2);
    assert_eq!(json["module_passes"][0]["changed_functions"], serde_json::json!(["mid", "top"]));
    // The same module through an engine: inlining happens when the module is prepared.
    let out = wlab(&["run", m, "--engine", "interp", "--passes", "inline,O2", "--invoke", "top", "0"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn module_pass_inside_fix_is_one_line() {
    let out = wlab(&["opt", "tests/filetests/inline/bottom-up-callee-inlined-first.wat", "--passes", "fix(inline)"]);
    assert_one_line_error(&out, "module pass `inline` cannot be inside `fix(...)`");
}
