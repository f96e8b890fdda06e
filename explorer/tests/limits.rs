//! The limits of a run as a user meets them through the binary: `--fuel` and `--timeout`
//! end an endless loop with a named trap and exit 134 on every engine built in,
//! `--max-memory-pages` and 4 GiB memories, a trap in the start function, oversized and
//! non-module input refused in one line. Asserts named traps and statuses, never times.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn wlab(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_wlab"));
    c.args(args).env_remove("BENCH_TIMES_FILE").env_remove("WLAB_MAX_INPUT_BYTES");
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("wlab runs")
}

fn file(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("wlab-limits-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn p(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// The engines this build can run (`aarch64` with the `unicorn` feature).
fn engines() -> Vec<&'static str> {
    let mut e = vec!["interp", "x86_64"];
    if cfg!(feature = "unicorn") {
        e.push("aarch64");
    }
    e
}

const SPIN: &str = r#"(module
  (func $spin (loop $l (br $l)))
  (func (export "_start") (call $spin)))"#;

#[test]
fn fuel_ends_an_endless_loop_with_a_named_trap_on_every_engine() {
    let m = file("spin-fuel.wat", SPIN);
    for e in engines() {
        let out = wlab(&["run", "--engine", e, "--fuel", "100000", p(&m)], &[]);
        assert_eq!(out.status.code(), Some(134), "{e}: {}", stderr(&out));
        assert_eq!(stderr(&out), "wlab: trap: out of fuel in function 0 (spin)\n", "{e}");
    }
}

#[test]
fn timeout_ends_an_endless_loop_with_a_named_trap_on_every_engine() {
    let m = file("spin-timeout.wat", SPIN);
    for e in engines() {
        let out = wlab(&["run", "--engine", e, "--timeout", "0.2", p(&m)], &[]);
        assert_eq!(out.status.code(), Some(134), "{e}: {}", stderr(&out));
        assert_eq!(stderr(&out), "wlab: trap: timeout in function 0 (spin)\n", "{e}");
    }
}

#[test]
fn enough_fuel_lets_a_program_finish() {
    let m = file(
        "count.wat",
        r#"(module
      (func (export "count") (param $n i32) (result i32) (local $i i32)
        (loop $l (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
        (local.get $i)))"#,
    );
    // One unit for the call and one per iteration.
    let out = wlab(&["run", "--fuel", "101", "--invoke", "count", p(&m), "100"], &[]);
    assert_eq!((out.status.code(), stdout(&out).as_str()), (Some(0), "i32:100\n"), "{}", stderr(&out));
    let out = wlab(&["run", "--fuel", "100", "--invoke", "count", p(&m), "100"], &[]);
    assert_eq!(out.status.code(), Some(134), "{}", stderr(&out));
}

#[test]
fn wast_takes_fuel_for_the_whole_script() {
    let m = file(
        "fuel.wast",
        r#"(module (func (export "spin") (loop $l (br $l))) (func (export "nop")))
      (assert_return (invoke "nop"))
      (assert_trap (invoke "spin") "out of fuel")"#,
    );
    for e in engines() {
        let out = wlab(&["wast", "--engine", e, "--fuel", "1000", p(&m)], &[]);
        assert_eq!(stdout(&out), "3 passed, 0 failed, 0 skipped\n", "{e}: {}", stderr(&out));
    }
}

#[test]
fn bad_limit_values_are_one_line_errors() {
    let m = file("spin-bad.wat", SPIN);
    for (args, needle) in [
        (vec!["--timeout", "0"], "--timeout expects a positive number of seconds, got 0"),
        (vec!["--timeout", "inf"], "--timeout expects a positive number of seconds, got inf"),
        (vec!["--timeout=-1"], "--timeout expects a positive number of seconds, got -1"),
        (vec!["--max-memory-pages", "65537"], "--max-memory-pages 65537 is more than a 32-bit memory can have (65536)"),
    ] {
        let mut a = vec!["run"];
        a.extend(args);
        a.push(p(&m));
        let out = wlab(&a, &[]);
        assert_eq!(out.status.code(), Some(1));
        assert_eq!(stderr(&out), format!("wlab: error: {needle}\n"));
    }
}

const MEMORY: &str = r#"(module
  (memory (export "memory") 65536)
  (func (export "size") (result i32) (memory.size))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))"#;

#[test]
fn memories_of_4_gib_instantiate_and_max_memory_pages_lowers_the_limit() {
    let m = file("mem.wat", MEMORY);
    for e in engines() {
        let out = wlab(&["run", "--engine", e, "--invoke", "size", p(&m)], &[]);
        assert_eq!((out.status.code(), stdout(&out).as_str()), (Some(0), "i32:65536\n"), "{e}: {}", stderr(&out));
        let out = wlab(&["run", "--engine", e, "--max-memory-pages", "1000", "--invoke", "size", p(&m)], &[]);
        assert_eq!(out.status.code(), Some(1), "{e}");
        assert!(
            stderr(&out)
                .ends_with("resource limit exceeded: memory of 65536 pages, more than the limit of 1000 pages\n"),
            "{e}: {}",
            stderr(&out)
        );
    }
    let g = file(
        "grow.wat",
        r#"(module (memory 1) (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))"#,
    );
    for (delta, old) in [("9", "i32:1\n"), ("10", "i32:-1\n")] {
        let out = wlab(&["run", "--max-memory-pages", "10", "--invoke", "grow", p(&g), delta], &[]);
        assert_eq!(stdout(&out), old, "grow by {delta}");
    }
}

#[test]
fn a_trap_in_the_start_function_exits_134_naming_it() {
    let m = file("start.wat", r#"(module (func $init unreachable) (start $init) (func (export "_start")))"#);
    for e in engines() {
        let out = wlab(&["run", "--engine", e, p(&m)], &[]);
        assert_eq!(out.status.code(), Some(134), "{e}");
        let err = stderr(&out);
        assert!(err.starts_with("wlab: trap: unreachable in function 0 (init) at wasm offset 0x"), "{e}: {err}");
        assert_eq!(err.lines().count(), 1, "{err}");
    }
    // A start function that loops forever is stopped like `_start` would be.
    let m = file("start-spin.wat", r#"(module (func $init (loop $l (br $l))) (start $init) (func (export "_start")))"#);
    let out = wlab(&["run", "--fuel", "1000", p(&m)], &[]);
    assert_eq!(
        (out.status.code(), stderr(&out).as_str()),
        (Some(134), "wlab: trap: out of fuel in function 0 (init)\n")
    );
}

#[test]
fn input_past_the_size_limit_is_refused_in_one_line() {
    let m = file("big.wat", &format!("(module) ;; {}\n", "x".repeat(2000)));
    let out = wlab(&["stats", p(&m)], &[("WLAB_MAX_INPUT_BYTES", "1000")]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        format!(
            "wlab: error: {} is larger than the input limit of 1000 bytes (set WLAB_MAX_INPUT_BYTES to raise it)\n",
            p(&m)
        )
    );
    let out = wlab(&["stats", p(&m)], &[("WLAB_MAX_INPUT_BYTES", "100000")]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = wlab(&["stats", p(&m)], &[("WLAB_MAX_INPUT_BYTES", "lots")]);
    assert_eq!(stderr(&out), "wlab: error: WLAB_MAX_INPUT_BYTES must be a number of bytes, got `lots`\n");
}

#[test]
fn endless_input_without_a_size_is_refused() {
    // /dev/zero has no size: refused after the first block (it cannot be a module).
    let out = wlab(&["stats", "/dev/zero"], &[]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "wlab: error: /dev/zero: neither a wasm binary (no \\0asm header) nor text (it starts with a NUL byte)\n"
    );
    // Scripts are read the same way.
    let out = wlab(&["wast", "/dev/zero"], &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).starts_with("wlab: error: /dev/zero: neither a wasm binary"), "{}", stderr(&out));
    // A pipe of text past the limit: the bounded read stops at the limit.
    let mut c = Command::new(env!("CARGO_BIN_EXE_wlab"));
    c.args(["stats", "/dev/stdin"]).env("WLAB_MAX_INPUT_BYTES", "4096");
    c.stdin(std::process::Stdio::piped()).stdout(std::process::Stdio::piped()).stderr(std::process::Stdio::piped());
    let mut child = c.spawn().unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        use std::io::Write;
        let block = [b'a'; 4096];
        // Ends when wlab closes the pipe.
        while stdin.write_all(&block).is_ok() {}
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "wlab: error: /dev/stdin is larger than the input limit of 4096 bytes (set WLAB_MAX_INPUT_BYTES to raise it)\n"
    );
}
