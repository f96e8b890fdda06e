//! `wlab sweep`'s progress bar (indicatif) on stderr: cells and runs done of all, the
//! elapsed time and an estimate of what is left, and the module just finished. Hidden
//! when stderr is not a terminal (CI logs, notebooks, the Dask workers); never writes to
//! stdout.

use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;

/// A bar of `total` steps (hidden off a terminal).
pub fn bar(total: u64) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let pb = ProgressBar::new(total);
    let style = ProgressStyle::with_template("wlab sweep {bar:30} {pos}/{len} [{elapsed_precise}, ~{eta} left] {msg}")
        .expect("the template is valid");
    pb.set_style(style);
    pb
}
