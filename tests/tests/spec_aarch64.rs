//! The WebAssembly 2.0 spec test suite on the `aarch64` engine (AArch64 code run under
//! Unicorn): one trial per non-SIMD script, failing with one line per failed check, and a
//! closing line with the totals. Needs the `unicorn` feature (Debian's libunicorn-dev):
//! `cargo test -p wlab-tests --features unicorn --test spec_aarch64`.
//!
//! Each script runs on the big-stack wasm thread like every wast run; the engine keeps one
//! emulated core per thread. This test never hides a failure behind a skip.

use libtest_mimic::{Arguments, Failed, Trial};
use std::sync::{Arc, Mutex};
use wlab_runtime::native_aarch64::Aarch64Engine;
use wlab_runtime::wast::{run_wast_file, WastReport};

fn main() {
    let args = Arguments::from_args();
    let totals = Arc::new(Mutex::new(WastReport::default()));
    let trials = wlab_tests::corpus::spec_scripts()
        .into_iter()
        .map(|path| {
            let name = path.file_stem().and_then(|s| s.to_str()).unwrap_or("?").to_string();
            let totals = totals.clone();
            Trial::test(name.clone(), move || {
                let report =
                    run_wast_file(&path, &Aarch64Engine::default()).map_err(|e| Failed::from(e.to_string()))?;
                {
                    let mut t = totals.lock().unwrap();
                    t.passed += report.passed;
                    t.failed += report.failed;
                    t.skipped += report.skipped;
                }
                let mut lines = report.failures.clone();
                lines.extend(report.skips.iter().cloned());
                if report.failed > 0 || report.skipped > 0 {
                    lines.push(format!("{name}: {report}"));
                    Err(Failed::from(lines.join("\n")))
                } else {
                    Ok(())
                }
            })
        })
        .collect();
    let conclusion = libtest_mimic::run(&args, trials);
    let totals = totals.lock().unwrap().clone();
    println!("spec suite on aarch64: {totals}");
    conclusion.exit();
}
