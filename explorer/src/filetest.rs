//! File-driven tests: reads a test file's header, runs what it asks for with the same
//! code as `wlab explore`, and returns the text that its snapshot pins.
//!
//! A test file is `.wat` (wasm text) or `.ir` (IR text). Its header is the leading
//! comment lines (`;;` or `;`) of the form `key: value`:
//!
//! ```text
//! ;; test: passes            translate | passes | compile
//! ;; passes: licm,dce        the pipeline (needed by `test: passes`, optional for `compile`)
//! ;; func: loop_sum          optional: index, export or name; default every function
//! ;; target: x86_64          for `test: compile`: also lower, allocate and disassemble
//! ;; regs: 4                 optional, for `test: compile`: allocatable registers per class
//! ;; bounds: explicit        optional, for `test: compile`: guard (default) or explicit
//! ;; rules: custom.rules      optional: a rule file (next to the test) for every egraph
//! ```
//!
//! A key is lowercase letters and dashes; any other `word:` line is prose. Every pass
//! runs with verification and translation validation; a test that breaks
//! either fails instead of producing a snapshot. Unknown keys are errors, so a typo
//! cannot silently turn a test off.

use crate::explore::{explore_function, render_text, report_function, ExploreOptions};
use crate::CliError;
use std::path::Path;

/// What a test file asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    pub test: String,
    pub passes: Option<String>,
    pub func: Option<String>,
    pub target: Option<String>,
    pub regs: Option<usize>,
    pub bounds: wlab_backends::BoundsChecks,
    pub rules: Option<String>,
}

impl Default for Header {
    fn default() -> Self {
        Header {
            test: String::new(),
            passes: None,
            func: None,
            target: None,
            regs: None,
            bounds: wlab_backends::BoundsChecks::Guard,
            rules: None,
        }
    }
}

/// Parses the header comment block.
pub fn parse_header(text: &str) -> Result<Header, String> {
    let mut h = Header::default();
    for line in text.lines() {
        let t = line.trim();
        let Some(body) = t.strip_prefix(";;").or_else(|| t.strip_prefix(';')) else {
            break;
        };
        let Some((key, value)) = body.split_once(':') else {
            continue;
        };
        let (key, value) = (key.trim(), value.trim().to_string());
        match key {
            "test" => h.test = value,
            "passes" => h.passes = Some(value),
            "func" => h.func = Some(value),
            "target" => h.target = Some(value),
            "bounds" => {
                h.bounds = wlab_backends::BoundsChecks::from_name(&value)
                    .ok_or_else(|| format!("`bounds: {value}`: expected guard or explicit"))?
            }
            "rules" => h.rules = Some(value),
            "regs" => h.regs = Some(value.parse().map_err(|_| format!("`regs: {value}` is not a number"))?),
            // Prose in the header comment: a key is lowercase letters and dashes only.
            _ if key.is_empty() || !key.bytes().all(|b| b.is_ascii_lowercase() || b == b'-') => continue,
            _ => {
                return Err(format!(
                    "unknown header key `{key}` (known: test, passes, func, rules, target, regs, bounds)"
                ))
            }
        }
    }
    match h.test.as_str() {
        "translate" => {}
        "passes" if h.passes.is_some() => {}
        "passes" => return Err("`test: passes` needs a `passes:` line".into()),
        "compile" if h.target.is_some() => {}
        "compile" => return Err("`test: compile` needs a `target:` line".into()),
        "" => return Err("missing `test:` header line (translate | passes)".into()),
        other => return Err(format!("unknown test kind `{other}` (known: translate, passes, compile)")),
    }
    Ok(h)
}

/// Runs one test file and returns its snapshot text.
pub fn run_filetest(path: &Path) -> Result<String, CliError> {
    let raw = std::fs::read(path).map_err(|error| crate::input::InputError::Read { path: path.to_owned(), error })?;
    let text = String::from_utf8_lossy(&raw);
    let header = parse_header(&text).map_err(|m| CliError::Other(format!("{}: {m}", path.display())))?;
    let codegen = match &header.target {
        Some(t) if header.test == "compile" => Some(crate::codegen::CodegenOptions {
            target: crate::codegen::parse_target(t)?,
            alloc: wlab_backends::AllocOptions { regs: header.regs, check: true, ..Default::default() },
            syntax: wlab_backends::machinst::Syntax::Intel,
            interleave: false,
            bounds: header.bounds,
        }),
        _ => None,
    };
    let rules = header.rules.as_ref().map(|r| path.parent().unwrap_or(Path::new(".")).join(r).display().to_string());
    let opts = ExploreOptions {
        passes: header.passes.clone(),
        diff: true,
        check: true,
        show_wasm: false,
        codegen,
        num_imported_funcs: 0,
        egraph_dump: false,
        rules,
    };
    let mut out = String::new();
    if path.extension().is_some_and(|e| e == "ir") {
        let funcs =
            wlab_ir::parse::parse_functions(&text).map_err(|e| CliError::Other(format!("{}:{e}", path.display())))?;
        for f in funcs.iter().filter(|f| header.func.as_deref().is_none_or(|s| s == f.name)) {
            out.push_str(&render_text(&report_function(f, Vec::new(), &opts)?, true));
        }
    } else {
        let bytes = crate::input::module_bytes(path, &raw)?;
        let module = wlab_ir::translate::translate_module(&bytes)?;
        let selectors: Vec<String> = match &header.func {
            Some(s) => vec![s.clone()],
            None => {
                let first = module.info.num_imported_funcs() as usize;
                (first..module.info.funcs.len()).map(|i| i.to_string()).collect()
            }
        };
        for (n, sel) in selectors.iter().enumerate() {
            if n > 0 {
                out.push('\n');
            }
            out.push_str(&render_text(&explore_function(&bytes, &module, sel, &opts)?, true));
        }
    }
    // The snapshot names the rule file as the header does, not by its absolute path.
    if let (Some(full), Some(short)) = (&opts.rules, &header.rules) {
        out = out.replace(full.as_str(), short);
    }
    Ok(out)
}
