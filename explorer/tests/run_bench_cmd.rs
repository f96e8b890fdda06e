//! `wlab bench` on tiny modules with peers turned off: the table lists each module with
//! each runner's min / median / max; a run that fails (stdout differs from
//! `<stem>.stdout.expected`, a trap, a timeout) shows its reason and makes the exit status 1;
//! several configurations (one of them another wlab binary) run in one interleaved run
//! with ratios; `--format json` carries every run and its peak memory; `--compile-only`
//! times modules that could not run; a configuration that cannot run, or no benchmark
//! folder, is one line on stderr. Asserts what is reported, never timings.

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

/// `loop.wasm`: a measured region of a few milliseconds (a store per iteration, so no
/// pipeline removes the loop), long enough for a ratio.
const LOOP: &str = r#"(module
  (import "bench" "start" (func $start))
  (import "bench" "end" (func $end))
  (memory (export "memory") 1)
  (func (export "_start") (local $i i32)
    (call $start)
    (loop $l
      (i32.store (i32.const 0) (i32.add (i32.load (i32.const 0)) (local.get $i)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 3000000))))
    (call $end)))"#;

/// `trap.wasm`: traps at once.
const TRAP: &str = r#"(module (memory (export "memory") 1) (func (export "_start") unreachable))"#;

fn bench(args: &[&str]) -> (i32, String, String) {
    bench_in(args, None)
}

/// `wlab bench ARGS` from `dir` (else the test's folder), with `WLAB_BENCH_DIR` unset.
fn bench_in(args: &[&str], dir: Option<&std::path::Path>) -> (i32, String, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_wlab"));
    cmd.arg("bench").args(args).env_remove("WLAB_BENCH_DIR");
    if let Some(d) = dir {
        cmd.current_dir(d);
    }
    let out = cmd.output().expect("wlab runs");
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
    assert_eq!(code, 1, "a failed run makes the exit status 1: {stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(lines[0].contains("compile ms") && lines[0].contains("measured ms"), "{stdout}");
    assert!(
        lines[1].split_whitespace().eq(["module", "runner", "min", "median", "max", "min", "median", "max", "median"]),
        "{stdout}"
    );
    let bad = lines.iter().find(|l| l.starts_with("bad/hello")).expect(&stdout);
    assert!(bad.contains("x86_64"), "default engine: {bad}");
    assert!(bad.contains(r#"FAIL (2 of 2 runs): stdout differs at line 1: expected "goodbye", got "hello""#), "{bad}");
    let good = lines.iter().find(|l| l.starts_with("good/hello")).expect(&stdout);
    assert!(!good.contains("FAIL"), "{good}");
    assert!(stdout.contains("good runs of 2 interleaved rounds"), "{stdout}");
    assert!(stdout.contains("2 of 4 runs failed"), "{stdout}");
    assert!(stderr.ends_with("wlab bench: 2 of 4 runs failed\n"), "{stderr}");
}

#[test]
fn a_trapping_module_shows_its_first_line_of_stderr_and_exits_1() {
    let dir = scratch("trap");
    std::fs::write(dir.join("trap.wasm"), TRAP).unwrap();
    std::fs::write(dir.join("hello.wasm"), HELLO).unwrap();
    let (code, stdout, stderr) = bench(&["--no-peers", "--runs", "1", dir.to_str().unwrap()]);
    assert_eq!(code, 1, "{stderr}");
    let row = stdout.lines().find(|l| l.contains("/trap")).expect(&stdout);
    assert!(row.contains("FAIL (1 of 1 runs): exit status 134: wlab: trap: unreachable"), "{row}");
    assert!(stderr.contains("/trap on x86_64 failed (round 1): exit status 134"), "{stderr}");
    let row = stdout.lines().find(|l| l.contains("/hello")).expect(&stdout);
    assert!(!row.contains("FAIL"), "the other module still runs: {row}");
}

#[test]
fn progress_goes_to_stderr_one_line_per_run_and_the_order_rotates() {
    let dir = scratch("progress");
    std::fs::write(dir.join("hello.wasm"), HELLO).unwrap();
    let (code, _, stderr) =
        bench(&["--no-peers", "--runs", "2", "--engine", "x86_64", "--engine", "interp", dir.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.starts_with("wlab bench: 1 modules x 2 runners (x86_64, interp) x 2 rounds = 4 runs\n"), "{stderr}");
    for line in ["run 1/4: round 1/2, module 1/1", "run 4/4: round 2/2, module 1/1"] {
        assert!(stderr.contains(line), "{line}: {stderr}");
    }
    let order: Vec<&str> =
        stderr.lines().filter(|l| l.contains(": round ")).filter_map(|l| l.split(", ").nth(2)).collect();
    assert_eq!(order, ["x86_64", "interp", "interp", "x86_64"], "the order rotates each round: {stderr}");
}

#[test]
fn configurations_run_interleaved_with_ratios_between_them() {
    let dir = scratch("configs");
    std::fs::write(dir.join("loop.wasm"), LOOP).unwrap();
    let other = format!("--wlab '{}' --passes O2", env!("CARGO_BIN_EXE_wlab"));
    let args = [
        "--no-peers",
        "--runs",
        "2",
        "--config",
        "o0=--passes O0 --regalloc fastalloc",
        "--config",
        &format!("other={other}"),
        dir.to_str().unwrap(),
    ];
    let (code, stdout, stderr) = bench(&args);
    assert_eq!(code, 0, "{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(lines[0].ends_with("ratio to"), "{stdout}");
    assert!(lines[1].ends_with("o0"), "one ratio column, against the first configuration: {stdout}");
    let o0 = lines.iter().position(|l| l.contains("configs/loop ")).expect(&stdout);
    assert!(lines[o0].split_whitespace().nth(1) == Some("o0") && !lines[o0].ends_with('x'), "{stdout}");
    let other = lines[o0 + 1];
    assert!(other.trim_start().starts_with("other") && other.ends_with('x'), "a ratio to o0: {stdout}");
    let geo = lines.iter().find(|l| l.starts_with("geomean")).expect(&stdout);
    assert!(geo.contains("other") && geo.ends_with("x (1)"), "{geo}");
    assert!(stdout.contains("  o0: wlab run --dir . --passes O0 --regalloc fastalloc MODULE"), "{stdout}");
    assert!(
        stdout.contains(&format!("  other: {} run --dir . --passes O2 MODULE", env!("CARGO_BIN_EXE_wlab"))),
        "{stdout}"
    );

    let mut json_args = args.to_vec();
    json_args.extend(["--format", "json"]);
    let (code, stdout, stderr) = bench(&json_args);
    assert_eq!(code, 0, "{stderr}");
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let labels: Vec<&str> = v["runners"].as_array().unwrap().iter().map(|r| r["label"].as_str().unwrap()).collect();
    assert_eq!(labels, ["o0", "other"]);
    let cells = v["rows"][0]["cells"].as_array().unwrap();
    assert_eq!(cells.len(), 2, "a cell per configuration");
    let ratio = &v["ratios"][0];
    assert_eq!((ratio["runner"].as_str(), ratio["against"].as_str()), (Some("other"), Some("o0")));
    assert!(ratio["geomean"].as_f64().is_some_and(|g| g > 0.0) && ratio["modules"] == 1, "{ratio}");
}

#[test]
fn a_configuration_that_cannot_run_is_one_error_before_the_benchmark() {
    let dir = scratch("badconfig");
    std::fs::write(dir.join("hello.wasm"), HELLO).unwrap();
    let d = dir.to_str().unwrap();
    for (config, says) in [
        (
            "x=--bogus",
            "`x` cannot run an empty module: exit status 1: wlab: error: unexpected argument '--bogus' found",
        ),
        ("x=--passes nope", "unknown pass `nope`"),
        ("x=--wlab /nonexistent/wlab", "--config `x=--wlab /nonexistent/wlab`: --wlab /nonexistent/wlab:"),
        ("x", "expected LABEL=ARGS"),
        ("x='--passes O2", "unterminated ' quote"),
    ] {
        let (code, stdout, stderr) = bench(&["--no-peers", "--config", config, d]);
        assert_eq!(code, 1, "{config}");
        assert!(stdout.is_empty(), "{config}: {stdout}");
        assert_eq!(stderr.lines().count(), 1, "{config}: {stderr}");
        assert!(stderr.contains(says), "{config}: {stderr}");
    }
    let (code, _, stderr) = bench(&["--no-peers", "--config", "a=", "--config", "a=--passes O0", d]);
    assert_eq!((code, stderr.trim_end()), (1, "wlab: error: two runners are labelled `a`; labels must differ"));
}

#[test]
fn the_default_folder_is_wlab_bench_dir_or_a_clear_error() {
    let dir = scratch("default");
    std::fs::create_dir_all(dir.join("work")).unwrap();
    std::fs::write(dir.join("hello.wasm"), HELLO).unwrap();
    let (code, stdout, stderr) = bench_in(&["--no-peers", "--runs", "1"], Some(&dir.join("work")));
    assert_eq!(code, 1);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("../shared/bench does not exist") && stderr.contains("WLAB_BENCH_DIR"), "{stderr}");
    assert!(stdout.is_empty());
    let out = Command::new(env!("CARGO_BIN_EXE_wlab"))
        .args(["bench", "--no-peers", "--runs", "1"])
        .env("WLAB_BENCH_DIR", &dir)
        .current_dir(dir.join("work"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.lines().any(|l| l.contains("/hello") && l.contains("x86_64")), "{stdout}");
}

#[test]
fn json_carries_every_run() {
    let dir = scratch("json");
    std::fs::write(dir.join("hello.wasm"), HELLO).unwrap();
    let file = dir.join("hello.wasm");
    let (code, stdout, stderr) = bench(&["--no-peers", "--runs", "3", "--format", "json", file.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["runners"][0]["label"], "x86_64", "default engine");
    assert_eq!(v["runners"][0]["command"], "wlab run --dir . --engine x86_64 --passes O2 MODULE");
    let cell = &v["rows"][0]["cells"][0];
    assert_eq!(cell["good"], 3, "no expected file: output unchecked, every run good");
    assert_eq!(cell["runs"].as_array().unwrap().len(), 3);
    for what in ["measured_ms", "compile_ms", "peak_rss_mb"] {
        let s = &cell[what];
        let (min, median, max) = (s["min"].as_f64(), s["median"].as_f64(), s["max"].as_f64());
        assert!(min <= median && median <= max && min.is_some(), "{what}: {cell}");
    }
    assert_eq!(
        (cell["failed"].as_u64(), v["failed_runs"].as_u64(), v["total_runs"].as_u64()),
        (Some(0), Some(0), Some(3))
    );
    assert_eq!(v["rows"][0]["stdout_checked"], false);
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

#[test]
fn a_run_past_the_timeout_ends_with_the_timeout_trap_and_says_so() {
    let dir = scratch("timeout");
    let spin = r#"(module (memory (export "memory") 1) (func (export "_start") (loop $l (br $l))))"#;
    std::fs::write(dir.join("spin.wasm"), spin).unwrap();
    let (code, stdout, stderr) = bench(&["--no-peers", "--runs", "1", "--timeout", "1", dir.to_str().unwrap()]);
    assert_eq!(code, 1, "{stderr}");
    let row = stdout.lines().find(|l| l.contains("/spin")).expect(&stdout);
    // Given explicitly, the timeout reaches `wlab run`, which ends itself with the named
    // trap (killing it, 30 s later, is only the backstop).
    assert!(row.ends_with("FAIL (1 of 1 runs): exit status 134: wlab: trap: timeout in function 0"), "{row}");
}

/// `gojs.wasm`: imports a function no WASI host provides, as Go's `GOOS=js` builds do.
const NOT_WASI: &str = r#"(module
  (import "gojs" "runtime.wasmExit" (func $exit (param i32)))
  (memory (export "mem") 1)
  (func (export "run") (param i32) (result i32)
    (i32.mul (local.get 0) (i32.const 3))))"#;

#[test]
fn compile_only_times_a_module_that_cannot_run_and_compares_compile_medians() {
    let dir = scratch("compile-only");
    std::fs::write(dir.join("gojs.wasm"), NOT_WASI).unwrap();
    // Even an expected file that is wrong does not matter: nothing runs.
    std::fs::write(dir.join("gojs.stdout.expected"), "never printed\n").unwrap();
    let d = dir.to_str().unwrap();
    let (code, stdout, stderr) = bench(&["--no-peers", "--runs", "1", d]);
    assert_eq!(code, 1, "without --compile-only the module cannot run: {stdout}");
    let configs = ["--config", "o2=--passes O2", "--config", "o0=--passes O0"];
    let mut args = vec!["--no-peers", "--runs", "2", "--compile-only", "--format", "json", d];
    args.extend(configs);
    let (code, stdout, stderr2) = bench(&args);
    assert_eq!(code, 0, "{stderr} / {stderr2}");
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["compile_only"], true);
    assert_eq!(v["runners"][0]["command"], "wlab run --dir . --passes O2 --compile-only MODULE");
    let cell = &v["rows"][0]["cells"][0];
    assert_eq!((cell["good"].as_u64(), cell["failed"].as_u64()), (Some(2), Some(0)), "{cell}");
    assert!(cell["compile_ms"]["median"].as_f64().is_some_and(|m| m > 0.0), "{cell}");
    assert!(cell["measured_ms"].is_null(), "nothing ran: {cell}");
    assert!(cell["peak_rss_mb"]["median"].as_f64().is_some_and(|m| m > 0.0), "{cell}");
    assert_eq!(v["rows"][0]["stdout_checked"], false);
    let ratio = &v["ratios"][0];
    assert_eq!((ratio["runner"].as_str(), ratio["of"].as_str()), (Some("o0"), Some("compile")), "{ratio}");
    assert!(ratio["per_module"][0].as_f64().is_some_and(|r| r > 0.0), "{ratio}");

    let run = |extra: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_wlab"))
            .args(["run", "--compile-only"])
            .args(extra)
            .arg(dir.join("gojs.wasm"))
            .output()
            .unwrap();
        (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
    };
    assert_eq!(run(&[]), (Some(0), String::new()), "wlab run --compile-only compiles and stops");
    let (code, stderr) = run(&["--invoke", "run"]);
    assert_eq!(code, Some(1));
    assert_eq!(stderr.trim_end(), "wlab: error: --compile-only runs nothing: it cannot be combined with --invoke");

    let (code, _, stderr) = bench(&["--no-peers", "--compile-only", "--profile", d]);
    assert_eq!((code, stderr.lines().count()), (1, 1), "{stderr}");
    assert!(stderr.contains("--compile-only runs nothing"), "{stderr}");
}
