//! What a differential run reports: counts (generated, compared, skipped by reason),
//! and every mismatch with its seed and a one-line description (stage, function,
//! arguments, expected, got). Text for people, JSON (serde) for notebooks.
//!
//! Everything is kept in seed order and in `BTreeMap`s, so the same run prints the same
//! report whatever the number of threads. This file only holds and renders data.

use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write;

/// Where in a module's run the first difference showed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Stage {
    /// wlab could not translate a valid module.
    Translate,
    /// The pass pipeline failed on a function.
    Pipeline,
    /// The engine could not prepare the module.
    Prepare,
    /// Instantiation (segments, start function) ended differently.
    Instantiate,
    /// A call's results or trap differ.
    Call,
    /// An exported memory differs after a call.
    Memory,
    /// An exported global differs after a call.
    Global,
    /// An exported table differs (size, null-ness, host reference) after a call.
    Table,
    /// The engine under test panicked.
    Panic,
}

impl Stage {
    pub fn name(self) -> &'static str {
        match self {
            Stage::Translate => "translate",
            Stage::Pipeline => "pipeline",
            Stage::Prepare => "prepare",
            Stage::Instantiate => "instantiate",
            Stage::Call => "call",
            Stage::Memory => "memory",
            Stage::Global => "global",
            Stage::Table => "table",
            Stage::Panic => "panic",
        }
    }
}

/// The first difference found in one module.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Mismatch {
    /// Reproduces the module: `wlab difftest --seed SEED --count 1` (same size options).
    pub seed: u64,
    pub stage: Stage,
    /// The call it happened in (or after, for memory, global and table stages).
    pub function: Option<String>,
    pub args: Option<String>,
    /// For memory, global and table stages: which export.
    pub export: Option<String>,
    pub expected: String,
    pub got: String,
    /// Calls compared in this module before this one.
    pub calls_before: usize,
    /// Whether the module canonicalises NaNs (see `difftest::compare` on memory bytes).
    pub canonicalize_nans: bool,
    /// For a reference suspect: the second opinion that agreed with the engine
    /// (`wasmi 0.31`, or `interp` for SIMD modules).
    pub outvoted_by: Option<&'static str>,
}

impl Mismatch {
    /// One line: `seed 7: call "f"(i32:1) expected i32:2, got i32:3 (after 4 calls; NaNs not canonicalised)`.
    pub fn line(&self) -> String {
        let mut s = format!("seed {}: {}", self.seed, self.stage.name());
        if let Some(f) = &self.function {
            let _ = write!(s, " {f:?}({})", self.args.as_deref().unwrap_or(""));
        }
        if let Some(e) = &self.export {
            let _ = write!(s, " export {e:?}");
        }
        let _ = write!(
            s,
            ": expected {}, got {} (after {} calls; NaNs {}canonicalised)",
            self.expected,
            self.got,
            self.calls_before,
            if self.canonicalize_nans { "" } else { "not " }
        );
        s
    }
}

/// The whole run.
#[derive(Clone, Debug, Default, Serialize)]
pub struct DifftestReport {
    pub engine: String,
    /// The native engine's options as command-line words (`--regalloc fastalloc`,
    /// `--cpu-features sse41`, ...), so the summary line reproduces the run.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub engine_options: Vec<String>,
    pub passes: Option<String>,
    pub seed: u64,
    /// Module shape (with the seed, this reproduces every module).
    pub gen: super::generate::GenOptions,
    pub arg_sets: usize,
    /// Modules asked for.
    pub count: u64,
    /// Modules wasm-smith produced.
    pub generated: u64,
    /// Modules run to the end on both sides (or to the first mismatch).
    pub compared: u64,
    /// Calls whose outcomes were compared.
    pub calls: u64,
    /// Calls that trapped (same trap on both sides).
    pub traps: u64,
    /// Of those, `unreachable` traps that were the module's fuel running out.
    pub out_of_fuel: u64,
    /// Those traps by kind (the reference's message).
    pub traps_by_kind: BTreeMap<String, u64>,
    /// Modules whose instantiation trapped alike on both sides, by trap.
    pub instantiation_traps: BTreeMap<String, u64>,
    /// Value agreements that needed the NaN rule.
    pub nan_lenient: u64,
    /// Modules skipped, by reason.
    pub skipped: BTreeMap<String, u64>,
    pub mismatches: Vec<Mismatch>,
    /// Modules on which wasmi 2.0 differed from the engine while the second opinion
    /// (wasmi 0.31, or the IR interpreter for SIMD modules) agreed with the engine on
    /// everything: most likely the reference's bug, not counted as compared.
    pub reference_suspects: Vec<Mismatch>,
}

impl DifftestReport {
    /// The text report: a summary line, skip reasons, then one line per mismatch.
    pub fn render_text(&self) -> String {
        let mut s = String::new();
        let passes = self.passes.as_deref().map(|p| format!(" --passes {p}")).unwrap_or_default();
        let engine_options: String = self.engine_options.iter().map(|w| format!(" {w}")).collect();
        let raw = match (self.gen.raw_nans, self.gen.simd) {
            (false, false) => "",
            (true, false) => " --raw-nans",
            (false, true) => " --simd",
            (true, true) => " --raw-nans --simd",
        };
        let _ = writeln!(
            s,
            "difftest --engine {}{engine_options}{passes} --seed {} --count {} --arg-sets {} --max-funcs {} --max-instructions {}{raw}",
            self.engine, self.seed, self.count, self.arg_sets, self.gen.max_funcs, self.gen.max_instructions
        );
        let skipped: u64 = self.skipped.values().sum();
        let _ = writeln!(
            s,
            "{} generated, {} compared, {} skipped, {} reference suspects, {} mismatches; {} calls ({} trapped, {} of them out of fuel), {} NaN-lenient agreements",
            self.generated,
            self.compared,
            skipped,
            self.reference_suspects.len(),
            self.mismatches.len(),
            self.calls,
            self.traps,
            self.out_of_fuel,
            self.nan_lenient
        );
        let kinds: Vec<String> = self.traps_by_kind.iter().map(|(k, n)| format!("{k}: {n}")).collect();
        if !kinds.is_empty() {
            let _ = writeln!(s, "  traps: {}", kinds.join(", "));
        }
        let inst: Vec<String> = self.instantiation_traps.iter().map(|(k, n)| format!("{k}: {n}")).collect();
        if !inst.is_empty() {
            let _ = writeln!(s, "  instantiation traps: {}", inst.join(", "));
        }
        for (reason, n) in &self.skipped {
            let _ = writeln!(s, "  skipped {n}: {reason}");
        }
        for m in &self.reference_suspects {
            let who = m.outvoted_by.unwrap_or("the second opinion");
            let _ = writeln!(s, "REFERENCE-SUSPECT ({who} agrees with the engine) {}", m.line());
        }
        for m in &self.mismatches {
            let _ = writeln!(s, "MISMATCH {}", m.line());
        }
        s
    }
}
