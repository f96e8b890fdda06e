//! Where a command's words go: its report to stdout, written at once; warnings about
//! options without effect to stderr, one line each. A reader that went away
//! (`wlab stats m.wasm | head -1`) is not an error of the command: the write reports
//! [`CliError::BrokenPipe`], which `main` turns into a quiet exit with
//! [`BROKEN_PIPE_EXIT_STATUS`], as a Unix tool killed by `SIGPIPE` would have.
//!
//! Only `main.rs` and this file decide how output ends; this file never exits.

use crate::CliError;
use std::io::Write;

/// Exit status after the reader of stdout went away: 128 + `SIGPIPE`, what a shell
/// reports for `yes | head -1`'s `yes`.
pub const BROKEN_PIPE_EXIT_STATUS: i32 = 141;

/// Writes `text` to stdout and flushes it.
pub fn print(text: &str) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes()).and_then(|()| out.flush()).map_err(from_io)
}

/// Writes `text` and a newline to stdout.
pub fn println(text: &str) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes()).and_then(|()| out.write_all(b"\n")).and_then(|()| out.flush()).map_err(from_io)
}

/// `v` as pretty JSON, then a newline.
pub fn print_json<T: serde::Serialize>(v: &T) -> Result<(), CliError> {
    print(&to_json(v))
}

/// `v` as pretty JSON with a final newline, as [`print_json`] prints it.
pub fn to_json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string_pretty(v).expect("reports serialize") + "\n"
}

fn from_io(e: std::io::Error) -> CliError {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        CliError::BrokenPipe
    } else {
        CliError::Other(format!("cannot write to stdout: {e}"))
    }
}

/// Prints `wlab: warning: <message>` on stderr: an option that has no effect where it
/// was given. Warnings never change what the command does.
pub fn warn(message: &str) {
    eprintln!("wlab: warning: {message}");
}
