//! Choosing a function by what the user typed: an index, or a name — an export name or
//! a name-section name.
//!
//! Never guesses: a name that several functions answer to (two name-section entries,
//! or an export of one function and the name-section name of another) is an error
//! listing their indices, and an unknown selector is an error listing what exists.

use std::fmt;
use wlab_ir::module::ExportKind;
use wlab_ir::ModuleInfo;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SelectError {
    /// No function matches; carries a short list of the names that exist.
    NotFound { selector: String, available: String },
    /// The index is out of range.
    OutOfRange { index: u32, count: usize },
    /// Several functions answer to the name: their indices, with how each matched.
    Ambiguous { selector: String, candidates: Vec<(u32, &'static str)> },
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
            SelectError::Ambiguous { selector, candidates } => {
                let list: Vec<String> = candidates.iter().map(|(i, how)| format!("{i} ({how})")).collect();
                write!(f, "`{selector}` names {} functions: {}; select one by index", candidates.len(), list.join(", "))
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
    } else {
        let mut candidates: Vec<(u32, &'static str)> = Vec::new();
        let exported = info.exports.iter().filter(|e| e.kind == ExportKind::Func && e.name == selector);
        for e in exported {
            candidates.push((e.index, "export"));
        }
        for (i, f) in info.funcs.iter().enumerate() {
            if f.name.as_deref() == Some(selector) && !candidates.iter().any(|(c, _)| *c == i as u32) {
                candidates.push((i as u32, "name section"));
            }
        }
        match candidates.as_slice() {
            [] => return Err(SelectError::NotFound { selector: selector.to_string(), available: available(info) }),
            [(i, _)] => *i,
            _ => {
                candidates.sort();
                return Err(SelectError::Ambiguous { selector: selector.to_string(), candidates });
            }
        }
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
