//! The WebAssembly 2.0 spec test suite on the interpreter engine: one trial per
//! non-SIMD script (`wlab_tests::corpus::spec_scripts`), failing with one line per
//! failed check, and a closing line with the totals.
//!
//! Run one script with `cargo test -p wlab-tests --test spec -- <name>`. This test never
//! hides a failure behind a skip: a skipped check is listed with its reason.

use libtest_mimic::{Arguments, Failed, Trial};
use std::sync::{Arc, Mutex};
use wlab_runtime::wast::{run_wast_file, WastReport};
use wlab_runtime::InterpEngine;

fn main() {
    let args = Arguments::from_args();
    let totals = Arc::new(Mutex::new(WastReport::default()));
    let trials = wlab_tests::corpus::spec_scripts()
        .into_iter()
        .map(|path| {
            let name = path.file_stem().and_then(|s| s.to_str()).unwrap_or("?").to_string();
            let totals = totals.clone();
            Trial::test(name.clone(), move || {
                let report = run_wast_file(&path, &InterpEngine).map_err(|e| Failed::from(e.to_string()))?;
                {
                    let mut t = totals.lock().unwrap();
                    t.passed += report.passed;
                    t.failed += report.failed;
                    t.skipped += report.skipped;
                }
                let mut lines = report.failures.clone();
                lines.extend(report.skips.iter().cloned());
                if report.failed > 0 {
                    lines.push(format!("{name}: {report}"));
                    Err(Failed::from(lines.join("\n")))
                } else {
                    if !lines.is_empty() {
                        println!("{}", lines.join("\n"));
                    }
                    Ok(())
                }
            })
        })
        .collect();
    let conclusion = libtest_mimic::run(&args, trials);
    let totals = totals.lock().unwrap().clone();
    println!("spec suite on interp: {totals}");
    conclusion.exit();
}
