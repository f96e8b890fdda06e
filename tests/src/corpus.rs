//! The shared test corpus: the non-SIMD scripts of the WebAssembly 2.0 spec test suite, and
//! every module in them that is expected to be valid, encoded to binary.
//!
//! The suite lives at `../shared/spec-testsuite` next to the workspace root; the environment
//! variable `WLAB_SPEC_DIR` overrides that. This file only reads and encodes: it never
//! validates, translates or runs a module, and never skips a module silently (a module that
//! cannot be encoded panics the test that asked for it, naming script and line).

use std::path::{Path, PathBuf};

/// One valid module of the corpus: which script, which line, and its binary encoding.
#[derive(Clone, Debug)]
pub struct CorpusModule {
    /// The script's file name, e.g. `block.wast`.
    pub script: String,
    /// The 1-based line of the `(module ...)` directive in the script.
    pub line: usize,
    /// The module, encoded to the wasm binary format.
    pub bytes: Vec<u8>,
}

/// The folder holding the spec test suite (`WLAB_SPEC_DIR`, or `../shared/spec-testsuite`).
pub fn spec_dir() -> PathBuf {
    match std::env::var_os("WLAB_SPEC_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/spec-testsuite")),
    }
}

/// The `.wast` scripts of the suite whose names do not start with `simd_`, sorted by path.
/// (The suite's README says 89; the folder holds 90 such files, all of which are returned.)
///
/// Panics if the folder cannot be read (a test cannot run without its corpus).
pub fn spec_scripts() -> Vec<PathBuf> {
    let dir = spec_dir();
    let entries =
        std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("cannot read spec test suite at {}: {e}", dir.display()));
    let mut scripts: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| {
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            name.ends_with(".wast") && !name.starts_with("simd_")
        })
        .collect();
    scripts.sort();
    scripts
}

/// Every module expected to be valid in [`spec_scripts`], in script order then line order.
///
/// Included: top-level `(module ...)` and `(module definition ...)` directives (text, binary
/// and quote forms) and modules inside `assert_trap` (which must validate). Excluded: modules
/// of `assert_invalid`, `assert_malformed`, `assert_unlinkable` and custom-section assertions.
pub fn spec_modules() -> Vec<CorpusModule> {
    spec_scripts().iter().flat_map(|path| script_modules(path)).collect()
}

/// The valid modules of one script. Panics naming the script if it cannot be read or parsed.
pub fn script_modules(path: &Path) -> Vec<CorpusModule> {
    use wast::{QuoteWat, WastDirective, WastExecute};
    let script = path.file_name().and_then(|n| n.to_str()).unwrap_or("?").to_string();
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    // names.wast deliberately uses bidirectional-override characters in names.
    let mut lexer = wast::lexer::Lexer::new(&text);
    lexer.allow_confusing_unicode(true);
    let buf = wast::parser::ParseBuffer::new_with_lexer(lexer).unwrap_or_else(|e| panic!("cannot lex {script}: {e}"));
    let wast: wast::Wast = wast::parser::parse(&buf).unwrap_or_else(|e| panic!("cannot parse {script}: {e}"));
    let mut out = Vec::new();
    for directive in wast.directives {
        let line = directive.span().linecol_in(&text).0 + 1;
        let mut module: QuoteWat = match directive {
            WastDirective::Module(m) | WastDirective::ModuleDefinition(m) => m,
            WastDirective::AssertTrap { exec: WastExecute::Wat(w), .. } => QuoteWat::Wat(w),
            _ => continue,
        };
        if matches!(module, QuoteWat::QuoteComponent(..)) {
            continue;
        }
        let bytes = module.encode().unwrap_or_else(|e| panic!("{script}:{line}: cannot encode module: {e}"));
        out.push(CorpusModule { script: script.clone(), line, bytes });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn corpus_has_the_scalar_scripts_and_many_modules() {
        let scripts = spec_scripts();
        assert!(scripts.len() >= 89, "only {} non-SIMD scripts", scripts.len());
        assert!(scripts.iter().all(|p| !p.ends_with("simd_lane.wast")));
        let modules = spec_modules();
        assert!(modules.len() > 500, "only {} modules", modules.len());
        assert!(modules.iter().all(|m| m.bytes.starts_with(b"\0asm")));
    }
}
