//! What each subcommand does. Returns the process exit code, or an error that `main`
//! prints as one line.

use crate::cli::{Command, Format};
use crate::explore::{explore_function, render_text, ExploreOptions};
use crate::CliError;
use std::io::Write;

/// Runs one subcommand; `Ok(code)` is the exit status.
pub fn run(cmd: Command) -> Result<i32, CliError> {
    match cmd {
        Command::Explore { module, func, passes, diff, check, no_wasm, format } => {
            let bytes = crate::input::read_module(&module)?;
            let m = wlab_ir::translate::translate_module(&bytes)?;
            let opts = ExploreOptions { passes, diff, check, show_wasm: !no_wasm };
            let report = explore_function(&bytes, &m, &func, &opts)?;
            match format {
                Format::Text => print!("{}", render_text(&report, diff)),
                Format::Json => println!("{}", to_json(&report)),
            }
            Ok(0)
        }
        Command::Wast { files, engine } => {
            let engine = wlab_runtime::engine_by_name(&engine).map_err(|e| CliError::Other(e.to_string()))?;
            let (mut passed, mut failed, mut skipped) = (0, 0, 0);
            let stdout = std::io::stdout();
            for f in &files {
                let report = wlab_runtime::wast::run_wast_file(f, engine.as_ref())
                    .map_err(|e| CliError::Other(format!("{}: {e}", f.display())))?;
                let mut out = stdout.lock();
                for line in &report.failures {
                    let _ = writeln!(out, "{line}");
                }
                passed += report.passed;
                failed += report.failed;
                skipped += report.skipped;
            }
            println!("{passed} passed, {failed} failed, {skipped} skipped");
            Ok(if failed > 0 { 1 } else { 0 })
        }
        Command::Passes => {
            print!("{}", wlab_passes::registry::describe_passes());
            Ok(0)
        }
        Command::Scaling { insts, locals, factors, passes, format } => {
            let rows = crate::scaling::measure(insts, locals, &factors, passes.as_deref())?;
            match format {
                Format::Text => print!("{}", crate::scaling::render(&rows)),
                Format::Json => println!("{}", to_json(&rows)),
            }
            Ok(0)
        }
        Command::Difftest(args) => crate::difftest::command(&args),
    }
}

fn to_json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string_pretty(v).expect("reports serialize")
}
