//! Reading a module from disk: `.wasm` binaries and `.wat` text alike.
//!
//! Every failure is an [`InputError`] whose `Display` is one line naming the file;
//! nothing here panics on user input.

use std::fmt;
use std::path::{Path, PathBuf};

#[derive(Debug)]
pub enum InputError {
    /// The file could not be read.
    Read { path: PathBuf, error: std::io::Error },
    /// The file is neither a wasm binary nor valid wasm text.
    Text { path: PathBuf, message: String },
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InputError::Read { path, error } => {
                write!(f, "cannot read {}: {error}", path.display())
            }
            InputError::Text { path, message } => write!(f, "{}: {message}", path.display()),
        }
    }
}

impl std::error::Error for InputError {}

/// Reads a module file and returns wasm binary bytes (text is assembled with `wat`).
pub fn read_module(path: &Path) -> Result<Vec<u8>, InputError> {
    let bytes = std::fs::read(path).map_err(|error| InputError::Read { path: path.to_owned(), error })?;
    module_bytes(path, &bytes)
}

/// Turns file contents into wasm binary bytes: binaries pass through, text is assembled.
pub fn module_bytes(path: &Path, bytes: &[u8]) -> Result<Vec<u8>, InputError> {
    if bytes.starts_with(b"\0asm") {
        return Ok(bytes.to_vec());
    }
    match wat::parse_bytes(bytes) {
        Ok(b) => Ok(b.into_owned()),
        Err(mut e) => {
            e.set_path(path);
            Err(InputError::Text { path: path.to_owned(), message: one_line(&e.to_string()) })
        }
    }
}

/// Folds a multi-line diagnostic (message, `--> file:line:col`, source excerpt) into
/// one line: the message and its location.
pub fn one_line(msg: &str) -> String {
    let mut lines = msg.lines().map(str::trim).filter(|l| !l.is_empty());
    let first = lines.next().unwrap_or("").to_string();
    match lines.find_map(|l| l.strip_prefix("--> ")) {
        Some(loc) => format!("{first} (at {loc})"),
        None => first,
    }
}
