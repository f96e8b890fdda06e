//! `wlab bench` on tiny modules with peers turned off: the table lists each module with
//! the engine's medians, a run whose stdout differs from `<stem>.stdout.expected` is a
//! failure shown in its cell (never a timing), and `--format json` carries every run.

use std::path::PathBuf;
use std::process::Command;

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("wlab-bench-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `hello.wasm` (wat text: wlab reads either) marking a measured region around its write.
const HELLO: &str = r#"(module
  (import "bench" "start" (func $start))
  (import "bench" "end" (func $end))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "hello\n")
  (func (export "_start")
    (call $start)
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const 6))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
    (call $end)))"#;

fn bench(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_wlab")).arg("bench").args(args).output().expect("wlab runs");
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (out.status.code().unwrap_or(-1), text(&out.stdout), text(&out.stderr))
}

#[test]
fn table_has_a_row_per_module_and_marks_wrong_output() {
    let dir = scratch("table");
    std::fs::create_dir_all(dir.join("good")).unwrap();
    std::fs::create_dir_all(dir.join("bad")).unwrap();
    for d in ["good", "bad"] {
        std::fs::write(dir.join(d).join("hello.wasm"), HELLO).unwrap();
    }
    std::fs::write(dir.join("good/hello.stdout.expected"), "hello\n").unwrap();
    std::fs::write(dir.join("bad/hello.stdout.expected"), "goodbye\n").unwrap();
    let (code, stdout, stderr) = bench(&["--no-peers", "--runs", "2", dir.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(lines[0].starts_with("module") && lines[0].contains("x86_64 compile ms"), "default engine: {stdout}");
    let bad = lines.iter().find(|l| l.starts_with("bad/hello")).expect(&stdout);
    assert!(bad.contains("FAIL") && bad.contains("wrong output"), "{bad}");
    let good = lines.iter().find(|l| l.starts_with("good/hello")).expect(&stdout);
    assert!(!good.contains("FAIL"), "{good}");
    assert!(stdout.contains("medians of 2 interleaved runs"), "{stdout}");
}

#[test]
fn json_carries_every_run() {
    let dir = scratch("json");
    std::fs::write(dir.join("hello.wasm"), HELLO).unwrap();
    let file = dir.join("hello.wasm");
    let (code, stdout, stderr) = bench(&["--no-peers", "--runs", "3", "--format", "json", file.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["runners"], serde_json::json!(["x86_64"]), "default engine");
    let cell = &v["rows"][0]["cells"][0];
    assert_eq!(cell["good"], 3, "no expected file: output unchecked, every run good");
    assert_eq!(cell["runs"].as_array().unwrap().len(), 3);
    assert!(cell["measured_ms"].as_f64().is_some() && cell["compile_ms"].as_f64().is_some(), "{cell}");
}

#[test]
fn unknown_engines_and_missing_paths_are_one_line_errors() {
    let (code, _, stderr) = bench(&["--no-peers", "--engine", "nope", "/nonexistent"]);
    assert_eq!(code, 1);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    let dir = scratch("unknown");
    std::fs::write(dir.join("hello.wasm"), HELLO).unwrap();
    let (code, _, stderr) = bench(&["--no-peers", "--engine", "nope", dir.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(stderr.contains("unknown engine `nope`"), "{stderr}");
}
