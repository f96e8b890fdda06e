//! Every module of the benchmark folder runs through `wlab run --dir . MOD` from its own
//! folder, as the benchmarks expect, and must print exactly its `.stdout.expected` and
//! `.stderr.expected` (else the folder's `default.*.expected`): all of them on the native
//! engine at O2 (`<module>/native_o2`), and on the interpreter those that take about a
//! second or less (`<module>/interp`). The SIMD builds (`libsodium/`, [`SIMD_MODULES`])
//! run on both engines as translated and after O2 (`interp_o0`, `interp`, `native_o0`,
//! `native_o2`, and under Unicorn `aarch64_o0`, `aarch64_o2` when built with the `unicorn`
//! feature): a v128 miscompile or a wrong interpreter rule shows as a wrong output there. The
//! slow interpreter runs are ignored by default (run them with `cargo test --release -p
//! wlab-explorer --test run_bench -- --ignored`); each row below gives its release-build time.
//!
//! The benchmark programs are not part of the repository: the folder is `WLAB_BENCH_DIR`,
//! else `shared/bench` next to the checkout. Where neither exists every trial is reported
//! as ignored with that reason (CI has the folder and runs them all).

use libtest_mimic::{Arguments, Completion, Failed, Trial};
use std::path::Path;
use std::process::Command;
use wlab_tests::bench::bench_dir;

/// Runs `folder/stem.wasm` from `dir` and compares its output with the expected files.
fn check(dir: &Path, folder: &str, stem: &str, engine: &[&str]) -> Result<(), Failed> {
    let dir = dir.join(folder);
    let module = format!("{stem}.wasm");
    let mut args = vec!["run", "--dir", "."];
    args.extend_from_slice(engine);
    args.push(&module);
    let out = Command::new(env!("CARGO_BIN_EXE_wlab"))
        .args(&args)
        .current_dir(&dir)
        .env_remove("BENCH_TIMES_FILE")
        .output()
        .map_err(|e| format!("cannot run wlab: {e}"))?;
    // `<stem>.<suffix>`, else the folder's `default.<suffix>` (as `wlab bench` reads them).
    let read = |suffix: &str| {
        std::fs::read_to_string(dir.join(format!("{stem}.{suffix}")))
            .or_else(|_| std::fs::read_to_string(dir.join(format!("default.{suffix}"))))
    };
    let expected_out = read("stdout.expected").map_err(|e| format!("{folder}/{stem}.stdout.expected: {e}"))?;
    let expected_err = read("stderr.expected").unwrap_or_default();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    if out.status.code() != Some(0) {
        return Err(format!("{folder}/{stem}: exit {:?}, stderr: {stderr}", out.status.code()).into());
    }
    for (what, got, expected) in [("stdout", &stdout, &expected_out), ("stderr", &stderr, &expected_err)] {
        let (got, expected): (Vec<_>, Vec<_>) = (got.lines().collect(), expected.lines().collect());
        if got != expected {
            let line = got.iter().zip(&expected).position(|(a, b)| a != b).unwrap_or(got.len().min(expected.len()));
            return Err(format!(
                "{folder}/{stem} {what} differs at line {}: expected {:?}, got {:?}",
                line + 1,
                expected.get(line),
                got.get(line)
            )
            .into());
        }
    }
    Ok(())
}

const NATIVE_O2: &[&str] = &["--engine", "x86_64", "--passes", "O2"];
const NATIVE_O0: &[&str] = &["--engine", "x86_64", "--passes", "O0"];
/// `wlab run`'s default pipeline (O2).
const INTERP: &[&str] = &["--engine", "interp"];
const INTERP_O0: &[&str] = &["--engine", "interp", "--passes", "O0"];
const AARCH64_O0: &[&str] = &["--engine", "aarch64", "--passes", "O0"];
const AARCH64_O2: &[&str] = &["--engine", "aarch64", "--passes", "O2"];

/// (folder, stem, interpreter run time in a release build when it is too slow for the
/// default suite, else `None`).
const MODULES: &[(&str, &str, Option<&str>)] = &[
    ("noop", "benchmark", None),
    ("quicksort", "benchmark", None),
    ("bz2", "benchmark", None),
    ("shootout", "shootout-ackermann", None),
    ("shootout", "shootout-gimli", None),
    ("shootout", "shootout-keccak", None),
    ("shootout", "shootout-memmove", None),
    ("shootout", "shootout-nestedloop", None),
    ("shootout", "shootout-xblabla20", None),
    ("shootout", "shootout-xchacha20", None),
    ("shootout", "shootout-base64", Some("7.4 s")),
    ("shootout", "shootout-ctype", Some("20 s")),
    ("shootout", "shootout-ed25519", Some("308 s")),
    ("shootout", "shootout-fib2", Some("105 s")),
    ("shootout", "shootout-heapsort", Some("32 s")),
    ("shootout", "shootout-matrix", Some("10 s")),
    ("shootout", "shootout-minicsv", Some("34 s")),
    ("shootout", "shootout-random", Some("1.5 s")),
    ("shootout", "shootout-ratelimit", Some("1.5 s")),
    ("shootout", "shootout-seqhash", Some("302 s")),
    ("shootout", "shootout-sieve", Some("43 s")),
    ("shootout", "shootout-switch", Some("0.7 s")),
];

/// (folder, stem) of the SIMD builds (under half a second per row).
const SIMD_MODULES: &[(&str, &str)] = &[("libsodium", "libsodium-box"), ("libsodium", "libsodium-generichash")];

fn main() {
    let args = Arguments::from_args();
    let dir = bench_dir();
    let mut trials = Vec::new();
    for &(folder, stem) in SIMD_MODULES {
        let mut engines =
            vec![("interp_o0", INTERP_O0), ("interp", INTERP), ("native_o0", NATIVE_O0), ("native_o2", NATIVE_O2)];
        if cfg!(feature = "unicorn") {
            engines.extend([("aarch64_o0", AARCH64_O0), ("aarch64_o2", AARCH64_O2)]);
        }
        for (kind, engine) in engines {
            let dir = dir.clone();
            trials.push(Trial::ignorable_test(format!("{}/{kind}", stem.replace('-', "_")), move || match dir {
                Ok(dir) => check(&dir, folder, stem, engine).map(|()| Completion::Completed),
                Err(reason) => Ok(Completion::ignored_with(reason)),
            }));
        }
    }
    for &(folder, stem, slow) in MODULES {
        let name = stem.strip_prefix("shootout-").map(|s| format!("shootout_{s}")).unwrap_or(folder.to_string());
        for (kind, engine, ignored) in [("native_o2", NATIVE_O2, false), ("interp", INTERP, slow.is_some())] {
            let dir = dir.clone();
            let trial = Trial::ignorable_test(format!("{name}/{kind}"), move || match dir {
                Ok(dir) => check(&dir, folder, stem, engine).map(|()| Completion::Completed),
                Err(reason) => Ok(Completion::ignored_with(reason)),
            });
            trials.push(trial.with_ignored_flag(ignored));
        }
    }
    libtest_mimic::run(&args, trials).exit();
}
