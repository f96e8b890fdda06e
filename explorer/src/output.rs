//! Where a command's words go: its report to stdout, written at once; warnings about
//! options without effect to stderr, one line each. A reader that went away
//! (`wlab stats m.wasm | head -1`) is not an error of the command: the write reports
//! [`CliError::BrokenPipe`], which `main` turns into a quiet exit with
//! [`BROKEN_PIPE_EXIT_STATUS`], as a Unix tool killed by `SIGPIPE` would have.
//!
//! With `-o/--output FILE` ([`Sink`]), the report goes to that file instead; it is
//! created on the first write, so a command that fails before it has anything to say
//! leaves no file behind.
//!
//! Only `main.rs` and this file decide how output ends; this file never exits.

use crate::cli::{Format, OutputArgs};
use crate::CliError;
use std::io::Write;
use std::path::PathBuf;

/// The two formats every reporting command writes; `html` is `wlab explore`'s alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Plain {
    Text,
    Json,
}

/// The format of `out` for a command that writes text or JSON (`command` names it in
/// the error for `--format html`).
pub fn plain(out: &OutputArgs, command: &str) -> Result<Plain, CliError> {
    match out.format() {
        Format::Text => Ok(Plain::Text),
        Format::Json => Ok(Plain::Json),
        Format::Html => {
            Err(CliError::Other(format!("`wlab {command}` writes text or json; --format html is for `wlab explore`")))
        }
    }
}

/// Where a command's report goes: stdout, or the file of `-o/--output`.
pub struct Sink {
    path: Option<PathBuf>,
    file: Option<std::io::BufWriter<std::fs::File>>,
}

impl Sink {
    /// The destination `out` asks for; nothing is opened yet.
    pub fn new(out: &OutputArgs) -> Sink {
        Sink { path: out.output.clone(), file: None }
    }

    /// Writes `text` (to stdout at once, flushed; or to the file, which the first write
    /// creates or truncates).
    pub fn write(&mut self, text: &str) -> Result<(), CliError> {
        let Some(path) = &self.path else {
            return print(text);
        };
        let cannot = |e: std::io::Error| CliError::Other(format!("cannot write {}: {e}", path.display()));
        if self.file.is_none() {
            self.file = Some(std::io::BufWriter::new(std::fs::File::create(path).map_err(cannot)?));
        }
        let f = self.file.as_mut().expect("opened above");
        f.write_all(text.as_bytes()).and_then(|()| f.flush()).map_err(cannot)
    }

    /// `v` as pretty JSON with a final newline.
    pub fn json<T: serde::Serialize>(&mut self, v: &T) -> Result<(), CliError> {
        self.write(&to_json(v))
    }
}

/// Writes a whole report to the destination of `out`.
pub fn emit(out: &OutputArgs, text: &str) -> Result<(), CliError> {
    Sink::new(out).write(text)
}

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
