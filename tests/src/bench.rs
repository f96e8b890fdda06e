//! Where the real benchmark programs are, for the tests that run them. They are not part of
//! the repository: `WLAB_BENCH_DIR`, else `shared/bench` next to the checkout. Tests that
//! need them report themselves as ignored with [`bench_dir`]'s reason when neither exists;
//! this file never makes a test pass without its programs.

use std::path::{Path, PathBuf};

/// The benchmark folder, or why there is none (the reason an ignored test reports).
pub fn bench_dir() -> Result<PathBuf, String> {
    if let Some(d) = std::env::var_os("WLAB_BENCH_DIR") {
        let d = PathBuf::from(d);
        return match d.is_dir() {
            true => Ok(d),
            false => Err(format!("WLAB_BENCH_DIR={} is not a folder", d.display())),
        };
    }
    let checkout = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let beside = checkout.join("../shared/bench");
    match beside.join("README.md").is_file() {
        true => Ok(beside),
        false => Err("no benchmark folder (set WLAB_BENCH_DIR, or place shared/bench next to the checkout)".into()),
    }
}
