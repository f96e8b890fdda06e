//! Reading a module from disk: `.wasm` binaries and `.wat` text alike.
//!
//! Every failure is an [`InputError`] whose `Display` is one line naming the file;
//! nothing here panics on user input. Input is bounded: a file larger than
//! [`DEFAULT_MAX_INPUT_BYTES`] (or `WLAB_MAX_INPUT_BYTES`) is refused, judged by its size
//! when it has one and by a bounded read otherwise (pipes, devices), and content that is
//! neither a wasm binary nor text (a first NUL byte without the `\0asm` header, as from
//! `/dev/zero`) is refused after the first block.

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

/// The largest module file read by default: 1 GiB.
pub const DEFAULT_MAX_INPUT_BYTES: u64 = 1 << 30;

/// The environment variable that sets another limit (in bytes).
pub const MAX_INPUT_ENV: &str = "WLAB_MAX_INPUT_BYTES";

/// What is read before deciding whether content can be a module at all.
const FIRST_BLOCK: usize = 64 << 10;

#[derive(Debug)]
pub enum InputError {
    /// The file could not be read.
    Read { path: PathBuf, error: std::io::Error },
    /// The file is neither a wasm binary nor valid wasm text.
    Text { path: PathBuf, message: String },
    /// The file is larger than the input limit.
    TooLarge { path: PathBuf, limit: u64 },
    /// `WLAB_MAX_INPUT_BYTES` is not a number.
    BadLimit { value: String },
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InputError::Read { path, error } => {
                write!(f, "cannot read {}: {error}", path.display())
            }
            InputError::Text { path, message } => write!(f, "{}: {message}", path.display()),
            InputError::TooLarge { path, limit } => write!(
                f,
                "{} is larger than the input limit of {limit} bytes (set {MAX_INPUT_ENV} to raise it)",
                path.display()
            ),
            InputError::BadLimit { value } => {
                write!(f, "{MAX_INPUT_ENV} must be a number of bytes, got `{value}`")
            }
        }
    }
}

impl std::error::Error for InputError {}

/// Reads a module file and returns wasm binary bytes (text is assembled with `wat`).
pub fn read_module(path: &Path) -> Result<Vec<u8>, InputError> {
    let bytes = read_bounded(path, max_input_bytes()?)?;
    module_bytes(path, &bytes)
}

/// Reads a text file (a `.wast` script, an `.ir` file), bounded by the input limit.
pub fn read_text(path: &Path) -> Result<String, InputError> {
    let bytes = read_bounded(path, max_input_bytes()?)?;
    String::from_utf8(bytes)
        .map_err(|e| InputError::Text { path: path.to_owned(), message: format!("not UTF-8 text: {e}") })
}

/// The input limit: `WLAB_MAX_INPUT_BYTES`, or [`DEFAULT_MAX_INPUT_BYTES`].
pub fn max_input_bytes() -> Result<u64, InputError> {
    match std::env::var(MAX_INPUT_ENV) {
        Err(_) => Ok(DEFAULT_MAX_INPUT_BYTES),
        Ok(v) => v.trim().parse().map_err(|_| InputError::BadLimit { value: v }),
    }
}

/// Reads at most `limit` bytes of `path`; a longer file is an error, found before
/// reading when the file's size is known.
pub fn read_bounded(path: &Path, limit: u64) -> Result<Vec<u8>, InputError> {
    let read_error = |error| InputError::Read { path: path.to_owned(), error };
    let too_large = || InputError::TooLarge { path: path.to_owned(), limit };
    let file = std::fs::File::open(path).map_err(read_error)?;
    let size = file.metadata().map_err(read_error)?.len();
    if size > limit {
        return Err(too_large());
    }
    let mut bytes = Vec::with_capacity(size as usize);
    let mut reader = file.take(limit.saturating_add(1));
    // The first block says whether this can be a module at all.
    (&mut reader).take(FIRST_BLOCK as u64).read_to_end(&mut bytes).map_err(read_error)?;
    // A binary starts with `\0asm`; text never starts with NUL.
    if bytes.first() == Some(&0) && !b"\0asm".starts_with(&bytes[..bytes.len().min(4)]) {
        return Err(InputError::Text {
            path: path.to_owned(),
            message: "neither a wasm binary (no \\0asm header) nor text (it starts with a NUL byte)".to_string(),
        });
    }
    reader.read_to_end(&mut bytes).map_err(read_error)?;
    if bytes.len() as u64 > limit {
        return Err(too_large());
    }
    Ok(bytes)
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
