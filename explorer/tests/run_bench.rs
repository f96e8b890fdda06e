//! Every module of the shared benchmark folder (`../shared/bench/`, or `WLAB_BENCH_DIR`)
//! runs through `wlab run --dir . MOD` from its own folder, as the benchmarks expect,
//! and must print exactly its `.stdout.expected` and `.stderr.expected`: all of them on
//! the native engine at O2 (`native_*`), and on the interpreter those that take about a
//! second or less (`interp_*`). The slow interpreter runs are `#[ignore]`d (run them
//! with `cargo test --release -p wlab-explorer --test run_bench -- --ignored`); the
//! comment on each gives its time in a release build.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The benchmark folder: `WLAB_BENCH_DIR`, else `shared/bench` next to the checkout.
fn bench_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("WLAB_BENCH_DIR") {
        return PathBuf::from(d);
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    for up in [root.join("../shared/bench"), root.join("../../shared/bench")] {
        if up.join("README.md").is_file() {
            return up;
        }
    }
    panic!("no benchmark folder: expected ../shared/bench next to the checkout, or set WLAB_BENCH_DIR");
}

/// Runs `folder/stem.wasm` and compares its output with the expected files.
fn check(folder: &str, stem: &str, engine: &[&str]) {
    let dir = bench_dir().join(folder);
    let module = format!("{stem}.wasm");
    let mut args = vec!["run", "--dir", "."];
    args.extend_from_slice(engine);
    args.push(&module);
    let out = Command::new(env!("CARGO_BIN_EXE_wlab"))
        .args(&args)
        .current_dir(&dir)
        .env_remove("BENCH_TIMES_FILE")
        .output()
        .expect("wlab runs");
    let expected_out = std::fs::read_to_string(dir.join(format!("{stem}.stdout.expected"))).unwrap();
    let expected_err = std::fs::read_to_string(dir.join(format!("{stem}.stderr.expected"))).unwrap_or_default();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{folder}/{stem}: stderr: {stderr}");
    assert_eq!(stdout.lines().collect::<Vec<_>>(), expected_out.lines().collect::<Vec<_>>(), "{folder}/{stem} stdout");
    assert_eq!(stderr.lines().collect::<Vec<_>>(), expected_err.lines().collect::<Vec<_>>(), "{folder}/{stem} stderr");
}

const NATIVE_O2: &[&str] = &["--engine", "x86_64", "--passes", "O2"];
const INTERP: &[&str] = &["--engine", "interp"];

macro_rules! bench {
    ($name:ident, $folder:literal, $stem:literal) => {
        mod $name {
            #[test]
            fn native_o2() {
                super::check($folder, $stem, super::NATIVE_O2);
            }
            #[test]
            fn interp() {
                super::check($folder, $stem, super::INTERP);
            }
        }
    };
}

/// A module too slow for the default suite on interp (its release-build time is noted).
macro_rules! slow {
    ($name:ident, $folder:literal, $stem:literal) => {
        mod $name {
            #[test]
            fn native_o2() {
                super::check($folder, $stem, super::NATIVE_O2);
            }
            #[test]
            #[ignore]
            fn interp() {
                super::check($folder, $stem, super::INTERP);
            }
        }
    };
}

bench!(noop, "noop", "benchmark");
bench!(quicksort, "quicksort", "benchmark");
bench!(bz2, "bz2", "benchmark");
bench!(shootout_ackermann, "shootout", "shootout-ackermann");
bench!(shootout_gimli, "shootout", "shootout-gimli");
bench!(shootout_keccak, "shootout", "shootout-keccak");
bench!(shootout_memmove, "shootout", "shootout-memmove");
bench!(shootout_nestedloop, "shootout", "shootout-nestedloop");
bench!(shootout_xblabla20, "shootout", "shootout-xblabla20");
bench!(shootout_xchacha20, "shootout", "shootout-xchacha20");
slow!(shootout_base64, "shootout", "shootout-base64"); // 7.4 s
slow!(shootout_ctype, "shootout", "shootout-ctype"); // 20 s
slow!(shootout_ed25519, "shootout", "shootout-ed25519"); // 308 s
slow!(shootout_fib2, "shootout", "shootout-fib2"); // 105 s
slow!(shootout_heapsort, "shootout", "shootout-heapsort"); // 32 s
slow!(shootout_matrix, "shootout", "shootout-matrix"); // 10 s
slow!(shootout_minicsv, "shootout", "shootout-minicsv"); // 34 s
slow!(shootout_random, "shootout", "shootout-random"); // 1.5 s
slow!(shootout_ratelimit, "shootout", "shootout-ratelimit"); // 1.5 s
slow!(shootout_seqhash, "shootout", "shootout-seqhash"); // 302 s
slow!(shootout_sieve, "shootout", "shootout-sieve"); // 43 s
slow!(shootout_switch, "shootout", "shootout-switch"); // 0.7 s
