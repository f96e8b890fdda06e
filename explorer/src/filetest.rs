//! File-driven tests: reads a test file's header, runs what it asks for with the same
//! code as `wlab explore`, and returns the text that its snapshot pins.
//!
//! A test file is `.wat` (wasm text) or `.ir` (IR text). Its header is the leading
//! comment lines (`;;` or `;`) of the form `key: value`:
//!
//! ```text
//! ;; test: passes            translate | passes
//! ;; passes: licm,dce        the pipeline (for `test: passes`)
//! ;; func: loop_sum          optional: index, export or name; default every function
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
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Header {
    pub test: String,
    pub passes: Option<String>,
    pub func: Option<String>,
    pub rules: Option<String>,
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
            "rules" => h.rules = Some(value),
            // Prose in the header comment: a key is lowercase letters and dashes only.
            _ if key.is_empty() || !key.bytes().all(|b| b.is_ascii_lowercase() || b == b'-') => continue,
            _ => return Err(format!("unknown header key `{key}` (known: test, passes, func, rules)")),
        }
    }
    match h.test.as_str() {
        "translate" => {}
        "passes" if h.passes.is_some() => {}
        "passes" => return Err("`test: passes` needs a `passes:` line".into()),
        "" => return Err("missing `test:` header line (translate | passes)".into()),
        other => return Err(format!("unknown test kind `{other}` (known: translate, passes)")),
    }
    Ok(h)
}

/// Runs one test file and returns its snapshot text.
pub fn run_filetest(path: &Path) -> Result<String, CliError> {
    let raw = std::fs::read(path).map_err(|error| crate::input::InputError::Read { path: path.to_owned(), error })?;
    let text = String::from_utf8_lossy(&raw);
    let header = parse_header(&text).map_err(|m| CliError::Other(format!("{}: {m}", path.display())))?;
    let rules = header.rules.as_ref().map(|r| path.parent().unwrap_or(Path::new(".")).join(r).display().to_string());
    let opts = ExploreOptions {
        passes: header.passes.clone(),
        diff: true,
        check: true,
        show_wasm: false,
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
