//! Choosing a function by what the user typed: an index, an export name, or a
//! name-section name (tried in that order).
//!
//! Never guesses: an ambiguous or unknown selector is an error listing what exists.

use std::fmt;
use wlab_ir::module::ExportKind;
use wlab_ir::ModuleInfo;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SelectError {
    /// No function matches; carries a short list of the names that exist.
    NotFound { selector: String, available: String },
    /// The index is out of range.
    OutOfRange { index: u32, count: usize },
    /// The function is imported: it has no body to show.
    Imported { index: u32, module: String, name: String },
}

impl fmt::Display for SelectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SelectError::NotFound { selector, available } => {
                write!(f, "no function `{selector}` (by index, export or name); {available}")
            }
            SelectError::OutOfRange { index, count } => {
                write!(f, "function index {index} is out of range: the module has {count} functions")
            }
            SelectError::Imported { index, module, name } => {
                write!(f, "function {index} is imported from `{module}`.`{name}` and has no body")
            }
        }
    }
}

impl std::error::Error for SelectError {}

/// Resolves a selector to a wasm function index of a defined (non-imported) function.
pub fn select_function(info: &ModuleInfo, selector: &str) -> Result<u32, SelectError> {
    let index = if let Ok(i) = selector.parse::<u32>() {
        if i as usize >= info.funcs.len() {
            return Err(SelectError::OutOfRange { index: i, count: info.funcs.len() });
        }
        i
    } else if let Some(e) = info.exports.iter().find(|e| e.kind == ExportKind::Func && e.name == selector) {
        e.index
    } else if let Some(i) = info.funcs.iter().position(|f| f.name.as_deref() == Some(selector)) {
        i as u32
    } else {
        return Err(SelectError::NotFound { selector: selector.to_string(), available: available(info) });
    };
    if let Some(imp) = &info.funcs[index as usize].import {
        return Err(SelectError::Imported { index, module: imp.module.clone(), name: imp.name.clone() });
    }
    Ok(index)
}

fn available(info: &ModuleInfo) -> String {
    const SHOWN: usize = 12;
    let first = info.num_imported_funcs() as usize;
    let defined = info.funcs.len() - first;
    if defined == 0 {
        return "the module defines no functions".into();
    }
    let mut names: Vec<String> = info
        .exports
        .iter()
        .filter(|e| e.kind == ExportKind::Func)
        .map(|e| e.name.clone())
        .chain(info.funcs.iter().filter_map(|f| f.name.clone()))
        .collect();
    names.sort();
    names.dedup();
    let mut s = format!("defined functions are indices {first}..={}", info.funcs.len() - 1);
    if !names.is_empty() {
        let more = names.len().saturating_sub(SHOWN);
        names.truncate(SHOWN);
        s.push_str("; names: ");
        s.push_str(&names.join(", "));
        if more > 0 {
            s.push_str(&format!(", ... ({more} more)"));
        }
    }
    s
}
