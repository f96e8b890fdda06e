//! The `wlab` binary: parses the command line and hands off to `wlab_explorer::cmd`.
//! Errors, usage errors included, are one line on stderr and exit status 1
//! (`wlab_explorer::usage`); `--help` and `--version` exit 0. When stdout's reader goes
//! away, the command ends quietly with status 141 (`wlab_explorer::output`).

use clap::Parser;
use wlab_explorer::cli::Cli;
use wlab_explorer::CliError;

/// mimalloc keeps the memory a function's compilation freed for the next one; with
/// glibc's malloc, large freed blocks went back to the kernel and every function paid
/// page faults to get them again (perf: about 5% of `wlab egraph-budget`'s samples on
/// ed25519; the e-graph, which grows large tables, paid most).
/// Built with `no_thp`: mimalloc 3 otherwise asks the kernel for transparent huge pages
/// on its arenas (`MADV_HUGEPAGE`), and every first touch of a 2 MiB region zeroed all
/// of it (perf: `clear_page_erms` 60% of `wlab run` bz2's samples; peak RSS 116 -> 40 MB).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    // A panic is a wlab bug, never the user's fault: say so in one line, no backtrace.
    std::panic::set_hook(Box::new(|info| {
        let msg = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".into());
        let loc = info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
        eprintln!("wlab: internal error (a bug in wlab, please report it): {msg}{loc}");
    }));
    let args: Vec<String> = std::env::args_os().map(|a| a.to_string_lossy().into_owned()).collect();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => std::process::exit(wlab_explorer::usage::report(&e, &args)),
    };
    match wlab_explorer::cmd::run(cli.command) {
        Ok(code) => std::process::exit(code),
        Err(CliError::BrokenPipe) => std::process::exit(wlab_explorer::output::BROKEN_PIPE_EXIT_STATUS),
        Err(e) => {
            eprintln!("wlab: error: {e}");
            std::process::exit(1);
        }
    }
}
