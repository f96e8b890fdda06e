//! Test modules for differential testing, made from a seed and nothing else.
//!
//! ```text
//!  seed ─▶ Rng (splitmix64) ─▶ swarm knobs + input bytes ─▶ arbitrary::Unstructured
//!       ─▶ wasm_smith::Module (WebAssembly 2.0 scalar, or with fixed-width SIMD when
//!          asked; no imports, everything exported)
//!       ─▶ ensure_termination(FUEL): a fuel global, checked at every function entry and loop head
//!       ─▶ the fuel global exported as FUEL_EXPORT, so the harness refills it before each call
//! ```
//!
//! The configuration is WebAssembly 2.0: sign extension, non-trapping float-to-int,
//! multi-value, reference types (several tables, `externref`) and bulk memory are on;
//! fixed-width SIMD (the 236 operators of 2.0, `v128` values) is on only with
//! [`GenOptions::simd`] (`wlab difftest --simd`), so that scalar runs keep testing the
//! engines that do not lower vectors yet; every later or other proposal (relaxed SIMD,
//! threads, exceptions, tail calls, GC and function references, memory64, multi-memory,
//! custom page sizes, wide arithmetic, extended const, ...) is off. The fuel global and
//! every size limit below bound SIMD modules exactly as scalar ones. Half of the SIMD
//! modules are vector-heavy ([`vector_heavy`]): their bodies are straight-line vector
//! code (about 40% of their operators are vector operators, against 9% in the others),
//! so vector lowerings feed each other. Memories and tables always declare a small
//! maximum, so that growth fails at the same point on every engine whatever its own
//! resource limits.
//!
//! This file never reads the clock, the environment or any state other than its
//! arguments: the same seed and options give the same bytes on every machine.

use arbitrary::Unstructured;
use std::fmt;

/// The fuel each exported function call starts with: function entries plus loop
/// iterations. Small enough that recursion stays far below every engine's call-depth
/// limit (wasmi's default is 1,000 frames), large enough for loops to run a while.
pub const FUEL: u32 = 400;

/// The export name the fuel global gets (made unique if the module already uses it).
pub const FUEL_EXPORT: &str = "wlab-fuel";

/// Largest memory, in 64 KiB pages (the declared maximum of every generated memory).
pub const MAX_MEMORY_PAGES: u64 = 4;

/// Largest table, in elements (the declared maximum of every generated table).
pub const MAX_TABLE_ELEMS: u64 = 64;

/// A small deterministic PRNG (splitmix64): reproducible everywhere, no dependency.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }

    /// `true` with probability `1/n`.
    pub fn one_in(&mut self, n: u64) -> bool {
        self.below(n) == 0
    }

    pub fn fill(&mut self, bytes: &mut [u8]) {
        for chunk in bytes.chunks_mut(8) {
            let x = self.next_u64().to_le_bytes();
            chunk.copy_from_slice(&x[..chunk.len()]);
        }
    }
}

/// How big the generated modules are.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct GenOptions {
    /// Bytes of random input handed to wasm-smith (it stops choosing when they run out).
    pub input_bytes: usize,
    /// Most functions per module.
    pub max_funcs: usize,
    /// Most instructions per function body (before the fuel checks are added).
    pub max_instructions: usize,
    /// Let half of the modules keep raw NaN bits (no canonicalisation after float
    /// operations). Off by default: then every bit a module can observe is determined by
    /// WebAssembly, and any difference is a bug. On, NaN bits that WebAssembly leaves
    /// nondeterministic (the sign and payload of a NaN made by arithmetic) can reach
    /// integers and memory through `reinterpret` and stores, so a difference there may be
    /// allowed; useful for engines meant to match the host's NaN bits exactly.
    pub raw_nans: bool,
    /// Generate fixed-width SIMD (`v128` values and the 236 SIMD operators of 2.0) too.
    /// With canonicalised NaNs, wasm-smith also canonicalises the NaNs of `f32x4`/`f64x2`
    /// arithmetic (see `compare.rs` on what is left).
    pub simd: bool,
}

impl Default for GenOptions {
    fn default() -> Self {
        GenOptions { input_bytes: 16384, max_funcs: 16, max_instructions: 400, raw_nans: false, simd: false }
    }
}

/// One generated module.
#[derive(Clone, Debug)]
pub struct Generated {
    pub seed: u64,
    pub wasm: Vec<u8>,
    /// The export name of the fuel global.
    pub fuel_export: String,
    /// Whether wasm-smith canonicalised NaNs after every float operation (then float
    /// bits stored to memory are deterministic on every engine; see [`GenOptions::raw_nans`]).
    pub canonicalize_nans: bool,
    /// Whether wasm-smith avoided most traps.
    pub disallow_traps: bool,
}

/// Why no module came out of a seed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GenError {
    /// wasm-smith could not build a module from the input bytes.
    Smith(String),
    /// `ensure_termination` refused the module.
    Termination(String),
    /// The generated bytes could not be re-read to export the fuel global.
    Reencode(String),
}

impl fmt::Display for GenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GenError::Smith(e) => write!(f, "wasm-smith gave up: {e}"),
            GenError::Termination(e) => write!(f, "ensure_termination failed: {e}"),
            GenError::Reencode(e) => write!(f, "exporting the fuel global failed: {e}"),
        }
    }
}

impl std::error::Error for GenError {}

/// The wasm-smith configuration: WebAssembly 2.0, scalar or with SIMD (see the module docs), with
/// a few knobs drawn from `rng` (swarm testing: each module stresses something else).
pub fn config(opts: &GenOptions, rng: &mut Rng) -> wasm_smith::Config {
    // Swarm knobs first, so that every seed draws them in the same order.
    let raw = rng.one_in(2);
    let canonicalize_nans = !(opts.raw_nans && raw);
    let disallow_traps = rng.one_in(2);
    let allow_floats = !rng.one_in(8);
    let min_memories = if rng.one_in(4) { 0 } else { 1 };
    wasm_smith::Config {
        // In WebAssembly 2.0.
        bulk_memory_enabled: true,
        reference_types_enabled: true,
        multi_value_enabled: true,
        saturating_float_to_int_enabled: true,
        sign_extension_ops_enabled: true,
        // SIMD only when asked (it draws nothing from `rng`, so a scalar seed gives the
        // same module as before SIMD existed).
        simd_enabled: opts.simd,
        // Not in 2.0.
        relaxed_simd_enabled: false,
        threads_enabled: false,
        shared_everything_threads_enabled: false,
        exceptions_enabled: false,
        tail_call_enabled: false,
        gc_enabled: false, // also function references
        memory64_enabled: false,
        custom_page_sizes_enabled: false,
        wide_arithmetic_enabled: false,
        extended_const_enabled: false,
        compact_imports_enabled: false,
        custom_descriptors_enabled: false,
        acquire_release_atomics_enabled: false,
        multibyte_array_access_enabled: false,
        max_memories: 1, // no multi-memory
        allow_invalid_funcs: false,
        generate_custom_sections: false,
        // No imports: the harness provides none.
        min_imports: 0,
        max_imports: 0,
        // Everything exported, so every function gets called and every memory, global and table compared.
        export_everything: true,
        // Small, bounded state.
        memory_max_size_required: true,
        max_memory32_bytes: MAX_MEMORY_PAGES * 65536,
        min_memories,
        table_max_size_required: true,
        max_table_elements: MAX_TABLE_ELEMS,
        max_tables: 2,
        max_globals: 12,
        min_types: 2,
        max_types: 12,
        max_data_segments: 4,
        max_element_segments: 4,
        max_elements: 16,
        min_funcs: (opts.max_funcs / 2).max(1).min(opts.max_funcs),
        max_funcs: opts.max_funcs,
        max_instructions: opts.max_instructions,
        // Swarm knobs.
        canonicalize_nans,
        disallow_traps,
        allow_floats,
        ..wasm_smith::Config::default()
    }
}

/// What a vector-heavy module's bodies are made of: vector, integer, variable,
/// parametric, control and memory instructions. Without float scalars, references,
/// tables and aggregates, wasm-smith picks vector operators far more often (their
/// operands are then mostly vectors made by other vector operators, not fresh
/// `v128.const`s), so lowering sequences meet each other's results.
fn vector_heavy_kinds() -> wasm_smith::InstructionKinds {
    use wasm_smith::InstructionKind as K;
    wasm_smith::InstructionKinds::new(&[K::Vector, K::Variable, K::Parametric])
}

/// Whether the SIMD module for `seed` is vector-heavy ([`vector_heavy_kinds`]): half of
/// them. Drawn from its own stream, so the other half and every scalar module keep the
/// bytes they had before this knob existed (seeds in older reports still reproduce).
pub fn vector_heavy(seed: u64, opts: &GenOptions) -> bool {
    opts.simd && Rng::new(seed ^ 0x7ec7_0a11_0c47_e500).one_in(2)
}

/// The module for `seed`.
pub fn generate(seed: u64, opts: &GenOptions) -> Result<Generated, GenError> {
    let mut rng = Rng::new(seed);
    let mut config = config(opts, &mut rng);
    if vector_heavy(seed, opts) {
        config.allowed_instructions = vector_heavy_kinds();
    }
    let (canonicalize_nans, disallow_traps) = (config.canonicalize_nans, config.disallow_traps);
    let mut input = vec![0u8; opts.input_bytes];
    rng.fill(&mut input);
    let mut u = Unstructured::new(&input);
    let mut module = wasm_smith::Module::new(config, &mut u).map_err(|e| GenError::Smith(e.to_string()))?;
    let fuel_global = module.ensure_termination(FUEL).map_err(|e| GenError::Termination(e.to_string()))?;
    let wasm = module.to_bytes();
    let (wasm, fuel_export) = export_global(&wasm, fuel_global, FUEL_EXPORT).map_err(GenError::Reencode)?;
    Ok(Generated { seed, wasm, fuel_export, canonicalize_nans, disallow_traps })
}

/// Section ids that must come after the export section (start, element, data count,
/// code, data).
const AFTER_EXPORTS: [u8; 5] = [8, 9, 12, 10, 11];

/// `wasm` with global `global` also exported, under `name` or, if taken, `name` with
/// `'` appended until unique. Every other section is copied byte for byte.
fn export_global(wasm: &[u8], global: u32, name: &str) -> Result<(Vec<u8>, String), String> {
    let mut exports: Vec<(String, wasm_encoder::ExportKind, u32)> = Vec::new();
    let mut sections: Vec<(u8, std::ops::Range<usize>)> = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(wasm) {
        let payload = payload.map_err(|e| e.to_string())?;
        if let wasmparser::Payload::ExportSection(reader) = &payload {
            for e in reader.clone() {
                let e = e.map_err(|e| e.to_string())?;
                let kind = match e.kind {
                    wasmparser::ExternalKind::Func => wasm_encoder::ExportKind::Func,
                    wasmparser::ExternalKind::Table => wasm_encoder::ExportKind::Table,
                    wasmparser::ExternalKind::Memory => wasm_encoder::ExportKind::Memory,
                    wasmparser::ExternalKind::Global => wasm_encoder::ExportKind::Global,
                    other => return Err(format!("unexpected export kind {other:?}")),
                };
                exports.push((e.name.to_string(), kind, e.index));
            }
        }
        if let Some((id, range)) = payload.as_section() {
            sections.push((id, range.start as usize..range.end as usize));
        }
    }
    let mut unique = name.to_string();
    while exports.iter().any(|(n, _, _)| *n == unique) {
        unique.push('\'');
    }
    exports.push((unique.clone(), wasm_encoder::ExportKind::Global, global));
    let mut section = wasm_encoder::ExportSection::new();
    for (n, kind, index) in &exports {
        section.export(n, *kind, *index);
    }
    let mut out = wasm_encoder::Module::new();
    let mut written = false;
    for (id, range) in sections {
        if !written && (id == 7 || AFTER_EXPORTS.contains(&id)) {
            out.section(&section);
            written = true;
        }
        if id != 7 {
            out.section(&wasm_encoder::RawSection { id, data: &wasm[range] });
        }
    }
    if !written {
        out.section(&section);
    }
    Ok((out.finish(), unique))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_bytes_and_every_module_validates_as_wasm2() {
        let opts = GenOptions::default();
        let mut made = 0;
        for seed in 0..40 {
            let (Ok(a), Ok(b)) = (generate(seed, &opts), generate(seed, &opts)) else { continue };
            assert_eq!(a.wasm, b.wasm, "seed {seed}");
            let mut v = wasmparser::Validator::new_with_features(wasmparser::WasmFeatures::WASM2);
            v.validate_all(&a.wasm).unwrap_or_else(|e| panic!("seed {seed}: {e}"));
            made += 1;
        }
        assert!(made >= 30, "only {made} of 40 seeds gave a module");
    }

    #[test]
    fn simd_modules_validate_as_wasm2_and_use_v128_while_scalar_ones_do_not() {
        let simd = GenOptions { simd: true, ..GenOptions::default() };
        let uses_v128 = |wasm: &[u8]| {
            let text = wasmprinter::print_bytes(wasm).expect("prints");
            text.contains("v128") || text.contains("i8x16") || text.contains("f32x4")
        };
        let mut with_v128 = 0;
        for seed in 0..20 {
            if let Ok(g) = generate(seed, &GenOptions::default()) {
                assert!(!uses_v128(&g.wasm), "seed {seed}: a scalar module uses SIMD");
            }
            let Ok(g) = generate(seed, &simd) else { continue };
            let mut v = wasmparser::Validator::new_with_features(wasmparser::WasmFeatures::WASM2);
            v.validate_all(&g.wasm).unwrap_or_else(|e| panic!("seed {seed}: {e}"));
            with_v128 += uses_v128(&g.wasm) as u32;
        }
        assert!(with_v128 >= 15, "only {with_v128} of 20 SIMD seeds use v128");
    }

    /// (vector operators, all operators, control operators other than `end`, function
    /// bodies) in `wasm`.
    fn operator_mix(wasm: &[u8]) -> (usize, usize, usize, usize) {
        let (mut vector, mut all, mut control, mut bodies) = (0, 0, 0, 0);
        for payload in wasmparser::Parser::new(0).parse_all(wasm) {
            let Ok(wasmparser::Payload::CodeSectionEntry(body)) = payload else { continue };
            bodies += 1;
            let mut ops = body.get_operators_reader().expect("body reads");
            while !ops.eof() {
                let name = format!("{:?}", ops.read().expect("operator reads"));
                all += 1;
                vector += ["V128", "I8x16", "I16x8", "I32x4", "I64x2", "F32x4", "F64x2"]
                    .iter()
                    .any(|p| name.starts_with(p)) as usize;
                control += ["Loop", "Block", "If", "Br", "Call", "Return", "Unreachable"]
                    .iter()
                    .any(|p| name.starts_with(p)) as usize;
            }
        }
        (vector, all, control, bodies)
    }

    #[test]
    fn half_the_simd_modules_are_vector_heavy_and_the_rest_keep_their_shape() {
        let simd = GenOptions { simd: true, ..GenOptions::default() };
        // (modules, vector operators, all operators) of the heavy and the other modules.
        let (mut heavy, mut other) = ((0, 0, 0), (0, 0, 0));
        for seed in 0..40 {
            assert!(!vector_heavy(seed, &GenOptions::default()), "seed {seed}: a scalar module is vector-heavy");
            let Ok(g) = generate(seed, &simd) else { continue };
            let mut v = wasmparser::Validator::new_with_features(wasmparser::WasmFeatures::WASM2);
            v.validate_all(&g.wasm).unwrap_or_else(|e| panic!("seed {seed}: {e}"));
            let (vector, all, control, bodies) = operator_mix(&g.wasm);
            let t = if vector_heavy(seed, &simd) {
                // Control flow comes only from the fuel check ensure_termination adds
                // at each function entry (an `if` around `unreachable`).
                assert!(control <= 2 * bodies, "seed {seed}: {control} control operators in {bodies} bodies");
                &mut heavy
            } else {
                &mut other
            };
            *t = (t.0 + 1, t.1 + vector, t.2 + all);
        }
        assert!((10..=30).contains(&heavy.0) && other.0 >= 10, "{} vector-heavy, {} other modules", heavy.0, other.0);
        // Measured over seeds 0..1000: 41% of the heavy modules' operators, 9% of the others'.
        assert!(4 * heavy.1 >= heavy.2, "vector-heavy: {} of {} operators are vector operators", heavy.1, heavy.2);
        assert!(4 * other.1 < other.2, "other: {} of {} operators are vector operators", other.1, other.2);
    }

    #[test]
    fn the_fuel_global_is_exported_once() {
        let g = generate(7, &GenOptions::default()).expect("seed 7 generates");
        let mut found = 0;
        for payload in wasmparser::Parser::new(0).parse_all(&g.wasm) {
            if let Ok(wasmparser::Payload::ExportSection(r)) = payload {
                found += r.into_iter().filter(|e| e.as_ref().is_ok_and(|e| e.name == g.fuel_export)).count();
            }
        }
        assert_eq!(found, 1);
    }
}
