//! The command line's error type: every failure a user can cause, each shown as one
//! line on stderr with a non-zero exit. Internal bugs panic elsewhere; never here.

use std::fmt;

#[derive(Debug)]
pub enum CliError {
    Input(crate::input::InputError),
    Translate(wlab_ir::translate::TranslateError),
    Select(crate::select::SelectError),
    /// The translated (or parsed) IR failed verification: a bug in wlab, reported.
    Verify {
        func: String,
        message: String,
    },
    /// A bad pipeline string or a pass that failed.
    Pipeline(String),
    /// Stdout's reader went away: not reported, the command just ends
    /// (`output::BROKEN_PIPE_EXIT_STATUS`).
    BrokenPipe,
    Other(String),
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Input(e) => write!(f, "{e}"),
            CliError::Translate(e) => write!(f, "{e}"),
            CliError::Select(e) => write!(f, "{e}"),
            CliError::Verify { func, message } => {
                write!(f, "internal error: IR of `{func}` does not verify: {}", message.lines().next().unwrap_or(""))
            }
            CliError::Pipeline(m) => write!(f, "{m}"),
            CliError::BrokenPipe => write!(f, "broken pipe"),
            CliError::Other(m) => write!(f, "{m}"),
        }
    }
}

impl std::error::Error for CliError {}

impl From<crate::input::InputError> for CliError {
    fn from(e: crate::input::InputError) -> Self {
        CliError::Input(e)
    }
}

impl From<wlab_ir::translate::TranslateError> for CliError {
    fn from(e: wlab_ir::translate::TranslateError) -> Self {
        CliError::Translate(e)
    }
}

/// An engine's error is one line naming the engine (`engine x86_64 cannot run this module: ...`).
impl From<wlab_runtime::EngineError> for CliError {
    fn from(e: wlab_runtime::EngineError) -> Self {
        CliError::Other(e.to_string())
    }
}

/// A function that did not translate, or what failed after translation.
impl<E: Into<CliError>> From<wlab_runtime::translate_each::TranslatedError<E>> for CliError {
    fn from(e: wlab_runtime::translate_each::TranslatedError<E>) -> Self {
        match e {
            wlab_runtime::translate_each::TranslatedError::Translate(e) => CliError::Translate(e),
            wlab_runtime::translate_each::TranslatedError::Job(e) => e.into(),
        }
    }
}

impl From<crate::select::SelectError> for CliError {
    fn from(e: crate::select::SelectError) -> Self {
        CliError::Select(e)
    }
}
