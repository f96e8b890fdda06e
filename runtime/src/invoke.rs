//! Calling into an instance from outside: by export name, with the arguments checked
//! against the signature, and reading exported globals.
//!
//! This is the entry point for the wast runner and `wlab run`. It never panics on a
//! wrong name or wrong arguments: those are [`InvokeError`] values.

use crate::store::{Extern, InstanceId, Store};
use std::fmt;
use wlab_ir::interp::{Trap, Val};

/// Why an invocation gave no results.
#[derive(Clone, Debug, PartialEq)]
pub enum InvokeError {
    /// The instance exports nothing under this name.
    UnknownExport(String),
    /// The export is not a function (or, for [`get_global`], not a global).
    WrongKind { name: String, expected: &'static str, found: &'static str },
    /// The arguments do not match the function's parameters.
    BadArguments { name: String, expected: String, given: String },
    /// The function trapped.
    Trap(Trap),
}

impl fmt::Display for InvokeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InvokeError::UnknownExport(name) => write!(f, "no export named \"{name}\""),
            InvokeError::WrongKind { name, expected, found } => {
                write!(f, "export \"{name}\" is a {found}, not a {expected}")
            }
            InvokeError::BadArguments { name, expected, given } => {
                write!(f, "\"{name}\" takes ({expected}), given ({given})")
            }
            InvokeError::Trap(t) => write!(f, "{t}"),
        }
    }
}

impl std::error::Error for InvokeError {}

fn export(store: &Store, instance: InstanceId, name: &str) -> Result<Extern, InvokeError> {
    store.instance(instance).exports.get(name).copied().ok_or_else(|| InvokeError::UnknownExport(name.to_string()))
}

/// Calls the function exported as `name` by `instance` on `args`.
pub fn invoke(store: &mut Store, instance: InstanceId, name: &str, args: &[Val]) -> Result<Vec<Val>, InvokeError> {
    let f = match export(store, instance, name)? {
        Extern::Func(f) => f,
        other => {
            return Err(InvokeError::WrongKind { name: name.to_string(), expected: "func", found: other.kind_name() })
        }
    };
    let sig = &store.func(f).sig;
    if sig.params.len() != args.len() || sig.params.iter().zip(args).any(|(t, a)| *t != a.ty()) {
        let given: Vec<String> = args.iter().map(|a| a.ty().to_string()).collect();
        let expected: Vec<String> = sig.params.iter().map(|t| t.to_string()).collect();
        return Err(InvokeError::BadArguments {
            name: name.to_string(),
            expected: expected.join(", "),
            given: given.join(", "),
        });
    }
    store.call(f, args).map_err(InvokeError::Trap)
}

/// The value of the global exported as `name` by `instance`.
pub fn get_global(store: &Store, instance: InstanceId, name: &str) -> Result<Val, InvokeError> {
    match export(store, instance, name)? {
        Extern::Global(g) => Ok(store.global(g).get()),
        other => Err(InvokeError::WrongKind { name: name.to_string(), expected: "global", found: other.kind_name() }),
    }
}
