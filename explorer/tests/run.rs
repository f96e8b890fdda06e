//! `wlab run` as a user meets it: small WASI programs (hello world, args, env, reading
//! and writing files in a granted directory, escape attempts, proc_exit, traps, missing
//! imports, `--invoke`, the benchmark protocol) run through the binary.
//!
//! Sandbox tests: the `cat` program below exits with the errno `path_open` returned,
//! so an escape attempt is asserted by its exit status (76 = ENOTCAPABLE).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const NOTCAPABLE: i32 = 76;
const NOENT: i32 = 44;
const LOOP: i32 = 32;

fn wlab_in(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_wlab"));
    c.args(args).current_dir(dir).env_remove("BENCH_TIMES_FILE");
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("wlab runs")
}

/// A fresh scratch directory for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("wlab-run-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(path: &Path, text: &str) -> PathBuf {
    std::fs::write(path, text).unwrap();
    path.to_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const HELLO: &str = r#"(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "hello, world\n")
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const 13))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))"#;

/// Writes every string of `argv` (GET = args) or `environ` (GET = environ), one per line.
fn list_printer(get: &str) -> String {
    format!(
        r#"(module
  (import "wasi_snapshot_preview1" "{get}_sizes_get" (func $sizes (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "{get}_get" (func $get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "_start") (local $i i32) (local $n i32)
    (drop (call $sizes (i32.const 0) (i32.const 4)))
    (drop (call $get (i32.const 64) (i32.const 1024)))
    (local.set $n (i32.load (i32.const 4)))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (if (i32.eqz (i32.load8_u (i32.add (i32.const 1024) (local.get $i))))
        (then (i32.store8 (i32.add (i32.const 1024) (local.get $i)) (i32.const 10))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l)))
    (i32.store (i32.const 8) (i32.const 1024))
    (i32.store (i32.const 12) (local.get $n))
    (drop (call $fd_write (i32.const 1) (i32.const 8) (i32.const 1) (i32.const 16)))))"#
    )
}

/// Opens `path` below fd 3 (following symlinks when `follow`), copies up to 4 KiB of
/// it to stdout and exits 0; exits with the errno when `path_open` or `fd_read` fails.
fn cat(path: &str, follow: bool) -> String {
    format!(
        r#"(module
  (import "wasi_snapshot_preview1" "path_open" (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 256) "{path}")
  (func (export "_start") (local $e i32)
    (local.set $e (call $open (i32.const 3) (i32.const {follow}) (i32.const 256) (i32.const {len})
      (i32.const 0) (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 0)))
    (if (local.get $e) (then (call $exit (local.get $e))))
    (i32.store (i32.const 16) (i32.const 1024))
    (i32.store (i32.const 20) (i32.const 4096))
    (local.set $e (call $read (i32.load (i32.const 0)) (i32.const 16) (i32.const 1) (i32.const 24)))
    (if (local.get $e) (then (call $exit (local.get $e))))
    (i32.store (i32.const 20) (i32.load (i32.const 24)))
    (drop (call $write (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 24)))
    (call $exit (i32.const 0))))"#,
        len = path.len(),
        follow = follow as u32,
    )
}

/// Creates (or truncates) `path` below fd 3 and writes "written\n" to it; exits with
/// the errno of the first failing call, else 0.
fn create(path: &str) -> String {
    format!(
        r#"(module
  (import "wasi_snapshot_preview1" "path_open" (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 256) "{path}")
  (data (i32.const 512) "written\n")
  (func (export "_start") (local $e i32)
    (local.set $e (call $open (i32.const 3) (i32.const 0) (i32.const 256) (i32.const {len})
      (i32.const 9) (i64.const 64) (i64.const 0) (i32.const 0) (i32.const 0)))
    (if (local.get $e) (then (call $exit (local.get $e))))
    (i32.store (i32.const 16) (i32.const 512))
    (i32.store (i32.const 20) (i32.const 8))
    (call $exit (call $write (i32.load (i32.const 0)) (i32.const 16) (i32.const 1) (i32.const 24)))))"#,
        len = path.len(),
    )
}

#[test]
fn hello_world_passes_stdout_through() {
    let dir = scratch("hello");
    write(&dir.join("hello.wat"), HELLO);
    let out = wlab_in(&dir, &["run", "hello.wat"], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "hello, world\n");
    assert_eq!(stderr(&out), "");
}

#[test]
fn args_start_with_the_module_file_name() {
    let dir = scratch("args");
    write(&dir.join("echo.wat"), &list_printer("args"));
    let out = wlab_in(&dir, &["run", "echo.wat", "one", "--two", "three four"], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "echo.wat\none\n--two\nthree four\n");
}

#[test]
fn environment_is_exactly_what_env_gives() {
    let dir = scratch("env");
    write(&dir.join("env.wat"), &list_printer("environ"));
    let out = wlab_in(&dir, &["run", "--env", "A=1", "--env", "B=x=y", "env.wat"], &[("LEAK", "no")]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "A=1\nB=x=y\n");
}

#[test]
fn proc_exit_code_is_the_exit_status() {
    let dir = scratch("exit");
    write(
        &dir.join("exit.wat"),
        r#"(module
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (func (export "_start") (call $exit (i32.const 42)) unreachable))"#,
    );
    let out = wlab_in(&dir, &["run", "exit.wat"], &[]);
    assert_eq!(out.status.code(), Some(42));
    assert_eq!(stderr(&out), "", "proc_exit is not a trap");
}

/// The sandbox layout: `granted/` is given to the guest; `outside/secret.txt` must stay
/// unreachable through `..`, absolute paths and symlinks.
fn sandbox(name: &str) -> PathBuf {
    let dir = scratch(name);
    std::fs::create_dir_all(dir.join("granted/sub")).unwrap();
    std::fs::create_dir_all(dir.join("outside")).unwrap();
    write(&dir.join("granted/inside.txt"), "inside\n");
    write(&dir.join("granted/sub/deep.txt"), "deep\n");
    write(&dir.join("outside/secret.txt"), "secret\n");
    let link = |target: &Path, name: &str| std::os::unix::fs::symlink(target, dir.join("granted").join(name)).unwrap();
    link(&dir.join("outside/secret.txt"), "abs_link");
    link(Path::new("../outside/secret.txt"), "rel_link");
    link(Path::new("../outside"), "dir_link");
    link(Path::new("inside.txt"), "good_link");
    link(Path::new("sub/../inside.txt"), "good_dotdot_link");
    link(Path::new("loop_b"), "loop_a");
    link(Path::new("loop_a"), "loop_b");
    dir
}

fn cat_status(dir: &Path, path: &str, follow: bool) -> (Option<i32>, String) {
    let file = dir.join(format!("cat-{}.wat", path.replace(['/', '.'], "_")));
    write(&file, &cat(path, follow));
    let out = wlab_in(dir, &["run", "--dir", "granted::.", file.to_str().unwrap()], &[]);
    assert!(!stderr(&out).contains("panicked"), "{}", stderr(&out));
    (out.status.code(), stdout(&out))
}

#[test]
fn reading_a_file_in_a_granted_dir() {
    let dir = sandbox("read");
    assert_eq!(cat_status(&dir, "inside.txt", true), (Some(0), "inside\n".to_string()));
    assert_eq!(cat_status(&dir, "./sub/deep.txt", true), (Some(0), "deep\n".to_string()));
    assert_eq!(cat_status(&dir, "sub/../inside.txt", true), (Some(0), "inside\n".to_string()));
    assert_eq!(cat_status(&dir, "good_link", true), (Some(0), "inside\n".to_string()));
    assert_eq!(cat_status(&dir, "good_dotdot_link", true), (Some(0), "inside\n".to_string()));
    assert_eq!(cat_status(&dir, "missing.txt", true), (Some(NOENT), String::new()));
}

#[test]
fn dotdot_and_absolute_paths_cannot_leave_the_granted_dir() {
    let dir = sandbox("escape");
    for path in ["../outside/secret.txt", "sub/../../outside/secret.txt", "..", "sub/../.."] {
        assert_eq!(cat_status(&dir, path, true), (Some(NOTCAPABLE), String::new()), "{path}");
    }
    let abs = dir.join("outside/secret.txt");
    assert_eq!(cat_status(&dir, abs.to_str().unwrap(), true), (Some(NOTCAPABLE), String::new()));
    assert_eq!(cat_status(&dir, "/etc/passwd", true), (Some(NOTCAPABLE), String::new()));
}

#[test]
fn symlinks_pointing_out_cannot_be_followed() {
    let dir = sandbox("symlinks");
    for path in ["abs_link", "rel_link", "dir_link/secret.txt", "sub/../rel_link"] {
        assert_eq!(cat_status(&dir, path, true), (Some(NOTCAPABLE), String::new()), "{path}");
    }
    // Not following the last component: the OS refuses to open a symlink (ELOOP).
    assert_eq!(cat_status(&dir, "abs_link", false), (Some(LOOP), String::new()));
    assert_eq!(cat_status(&dir, "good_link", false), (Some(LOOP), String::new()));
    // A middle component is always followed, and still checked.
    assert_eq!(cat_status(&dir, "dir_link/secret.txt", false), (Some(NOTCAPABLE), String::new()));
    assert_eq!(cat_status(&dir, "loop_a", true), (Some(LOOP), String::new()));
}

#[test]
fn nothing_is_preopened_unless_asked() {
    let dir = sandbox("no-dir");
    write(&dir.join("cat.wat"), &cat("granted/inside.txt", true));
    let out = wlab_in(&dir, &["run", "cat.wat"], &[]);
    assert_eq!(out.status.code(), Some(8), "EBADF: fd 3 does not exist");
}

/// A program that opened a path and failed, run without `--dir`, gets one hint naming
/// the path and `--dir`; with a directory granted, or when the program succeeds, none.
#[test]
fn a_failed_open_without_dir_hints_at_dir() {
    let dir = sandbox("hint");
    write(&dir.join("cat.wat"), &cat("inside.txt", true));
    let out = wlab_in(&dir, &["run", "cat.wat"], &[]);
    assert_eq!(out.status.code(), Some(8), "EBADF: fd 3 does not exist");
    assert_eq!(
        stderr(&out),
        "wlab: hint: the program tried to open 'inside.txt' but no directory is granted; use --dir HOST[::GUEST]\n"
    );
    write(&dir.join("cat-missing.wat"), &cat("missing.txt", true));
    let granted = wlab_in(&dir, &["run", "--dir", "granted::.", "cat-missing.wat"], &[]);
    assert_eq!(granted.status.code(), Some(NOENT));
    assert_eq!(stderr(&granted), "", "a directory is granted: no hint");
    // Opening fails, but the program exits 0: nothing to explain.
    write(&dir.join("try-open.wat"), &cat("inside.txt", true).replace("(call $exit (local.get $e))", "(return)"));
    let ok = wlab_in(&dir, &["run", "try-open.wat"], &[]);
    assert_eq!(ok.status.code(), Some(0), "{}", stderr(&ok));
    assert_eq!(stderr(&ok), "");
}

/// wasi-libc looks for preopened directories (`fd_prestat_get`) before it opens a
/// relative path, and with none fails without calling `path_open`: a trap after that is
/// hinted too, without a path.
#[test]
fn a_trap_after_looking_for_preopens_without_dir_hints_at_dir() {
    let dir = scratch("hint-prestat");
    let m = write(
        &dir.join("prestat.wat"),
        r#"(module
  (import "wasi_snapshot_preview1" "fd_prestat_get" (func $prestat (param i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "_start") (drop (call $prestat (i32.const 3) (i32.const 0))) unreachable))"#,
    );
    let out = wlab_in(&dir, &["run", m.to_str().unwrap()], &[]);
    assert_eq!(out.status.code(), Some(134));
    let err = stderr(&out);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 2, "{err}");
    assert!(lines[0].starts_with("wlab: trap: unreachable"), "{err}");
    assert_eq!(
        lines[1],
        "wlab: hint: the program looked for a granted directory but none is granted; use --dir HOST[::GUEST]"
    );
}

#[test]
fn files_are_created_inside_only() {
    let dir = sandbox("create");
    write(&dir.join("create.wat"), &create("new.txt"));
    let out = wlab_in(&dir, &["run", "--dir", "granted", "create.wat"], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(dir.join("granted/new.txt")).unwrap(), "written\n");

    write(&dir.join("escape.wat"), &create("../outside/new.txt"));
    let out = wlab_in(&dir, &["run", "--dir", "granted", "escape.wat"], &[]);
    assert_eq!(out.status.code(), Some(NOTCAPABLE));
    assert!(!dir.join("outside/new.txt").exists());

    // Creating through a symlink that points out is refused too.
    write(&dir.join("via-link.wat"), &create("dir_link/new.txt"));
    let out = wlab_in(&dir, &["run", "--dir", "granted", "via-link.wat"], &[]);
    assert_eq!(out.status.code(), Some(NOTCAPABLE));
    assert!(!dir.join("outside/new.txt").exists());
}

#[test]
fn a_trap_names_its_kind_and_function_and_exits_non_zero() {
    let dir = scratch("trap");
    write(
        &dir.join("trap.wat"),
        r#"(module
  (memory (export "memory") 1)
  (func $divide (param i32 i32) (result i32) (i32.div_u (local.get 0) (local.get 1)))
  (func (export "_start") (drop (call $divide (i32.const 1) (i32.const 0)))))"#,
    );
    let out = wlab_in(&dir, &["run", "trap.wat"], &[]);
    assert_eq!(out.status.code(), Some(134));
    let err = stderr(&out);
    assert!(err.starts_with("wlab: trap: integer divide by zero in function 0 (divide) at wasm offset 0x"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn a_missing_import_fails_at_instantiation_naming_it() {
    let dir = scratch("missing");
    write(
        &dir.join("missing.wat"),
        r#"(module
  (import "wasi_snapshot_preview1" "sock_accept" (func (param i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "_start")))"#,
    );
    let out = wlab_in(&dir, &["run", "missing.wat"], &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("unknown import \"wasi_snapshot_preview1\".\"sock_accept\""), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn invoke_calls_one_export_and_prints_its_results() {
    let dir = scratch("invoke");
    write(
        &dir.join("math.wat"),
        r#"(module
  (func (export "add") (param i32 i64) (result i64 i32)
    (i64.add (i64.extend_i32_s (local.get 0)) (local.get 1)) (local.get 0)))"#,
    );
    let out = wlab_in(&dir, &["run", "--invoke", "add", "math.wat", "-5", "0x10"], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "i64:11\ni32:-5\n");

    let out = wlab_in(&dir, &["run", "--invoke", "add", "math.wat", "1"], &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("takes 2 arguments, given 1"), "{}", stderr(&out));

    let out = wlab_in(&dir, &["run", "math.wat"], &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("exports no `_start`"), "{}", stderr(&out));
}

#[test]
fn passes_and_engine_options_are_applied_and_checked() {
    let dir = scratch("passes");
    write(&dir.join("hello.wat"), HELLO);
    let out = wlab_in(&dir, &["run", "--passes", "O2", "hello.wat"], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "hello, world\n");

    let out = wlab_in(&dir, &["run", "--engine", "nope", "hello.wat"], &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("unknown engine `nope`; valid engines: interp"), "{}", stderr(&out));

    let out = wlab_in(&dir, &["run", "--passes", "no-such-pass", "hello.wat"], &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("bad pipeline"), "{}", stderr(&out));
}

const BENCH_PROGRAM: &str = r#"(module
  (import "bench" "start" (func $start))
  (import "bench" "end" (func $end))
  (memory (export "memory") 1)
  (func (export "_start") (local $i i32)
    (call $start)
    (loop $l (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 1000))))
    (call $end)))"#;

#[test]
fn bench_times_file_gets_one_line_per_event_in_order() {
    let dir = scratch("times");
    write(&dir.join("bench.wat"), BENCH_PROGRAM);
    let times = dir.join("times.txt");
    write(&times, "earlier line\n");
    let out = wlab_in(&dir, &["run", "bench.wat"], &[("BENCH_TIMES_FILE", times.to_str().unwrap())]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = std::fs::read_to_string(&times).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("earlier line"), "appends");
    let events: Vec<(&str, u64)> = lines
        .map(|l| {
            let (e, t) = l.split_once(' ').unwrap();
            (e, t.parse().unwrap())
        })
        .collect();
    let names: Vec<&str> = events.iter().map(|e| e.0).collect();
    assert_eq!(
        names,
        ["compile_start", "compile_end", "instantiate_start", "instantiate_end", "bench_start", "bench_end"]
    );
    assert!(events.windows(2).all(|w| w[0].1 <= w[1].1), "monotonic: {events:?}");
}

#[test]
fn bench_report_prints_the_three_times_on_stderr() {
    let dir = scratch("report");
    write(&dir.join("bench.wat"), BENCH_PROGRAM);
    let out = wlab_in(&dir, &["run", "--bench-report", "bench.wat"], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.starts_with("wlab: compile ") && err.contains(", instantiate ") && err.contains(", measured "),
        "{err}"
    );
    assert!(!err.contains("measured -"), "{err}");
}

#[test]
fn stdin_passes_through() {
    let dir = scratch("stdin");
    write(
        &dir.join("echo.wat"),
        r#"(module
  (import "wasi_snapshot_preview1" "fd_read" (func $read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "_start")
    (i32.store (i32.const 16) (i32.const 1024))
    (i32.store (i32.const 20) (i32.const 4096))
    (drop (call $read (i32.const 0) (i32.const 16) (i32.const 1) (i32.const 24)))
    (i32.store (i32.const 20) (i32.load (i32.const 24)))
    (drop (call $write (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 24)))))"#,
    );
    let mut child = Command::new(env!("CARGO_BIN_EXE_wlab"))
        .args(["run", "echo.wat"])
        .current_dir(&dir)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(b"from stdin\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out), "from stdin\n");
}

/// Known wrong (ignored until the translator is fixed): the value of a local leaving a
/// loop by its first exit is lost when the local is assigned later in the loop body and
/// not read inside it. Since translate commit 9bd4a27, the lookup for the exit block's
/// parameter counts only assignments made before the first `br_if`'s end, skips above
/// the (now sealed) loop header and finds the initial zero; the back edge carries the
/// later assignment there. This is why bz2 prints `bz2: FAIL`.
#[test]
fn value_leaving_a_loop_by_an_early_exit_keeps_later_assignments() {
    let dir = scratch("ssa-loop-exit");
    write(
        &dir.join("loop.wat"),
        r#"(module
  (func (export "h") (param $n i32) (result i32) (local $x i32) (local $i i32)
    (block $exit
      (loop $l
        (br_if $exit (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $x (i32.add (local.get $i) (i32.const 100)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $exit (i32.eq (local.get $i) (i32.const 1000)))
        (br $l)))
    (local.get $x)))"#,
    );
    let out = wlab_in(&dir, &["run", "--invoke", "h", "loop.wat", "3"], &[]);
    assert_eq!(stdout(&out), "i32:102\n", "{}", stderr(&out));
}
