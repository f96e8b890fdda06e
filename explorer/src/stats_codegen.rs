//! `wlab stats`: every defined function of a module through the pipeline and the
//! backend, one row of machine-code statistics each, plus module totals — as text or
//! JSON for notebooks. Functions are translated one by one: a function the translator
//! refuses (an instruction the IR cannot express, such as relaxed SIMD or an atomic), or
//! that the backend refuses because it uses `v128`, is a row saying `not compiled:
//! <reason>` (JSON: `not_compiled`), outside the totals, and every other function is
//! counted as usual; SIMD IR instructions are counted per function (`ir_simd_insts`), and
//! so are the emitted machine instructions that operate on v128 values (`vector` column,
//! JSON `stats.vector_insts`).
//! Never runs the code.

use crate::codegen::CodegenOptions;
use crate::CliError;
use serde::Serialize;
use std::fmt::Write;
use wlab_backends::x64::code_stats::{code_stats, CodeStats};
use wlab_backends::{compile_function, FunctionStats, Target};

#[derive(Clone, Debug, Serialize)]
pub struct FunctionRow {
    pub index: u32,
    pub name: String,
    pub ir_insts: usize,
    /// IR instructions that are SIMD rows (`add.i32x4`, `load.v128`, ...).
    pub ir_simd_insts: usize,
    pub pipeline_us: u64,
    /// Why the function was not compiled: the translator's one-line error (an
    /// instruction the IR cannot express), or the backend's (it uses `v128`, which this
    /// target does not lower); its `stats` are then all zero and not in the totals.
    pub not_compiled: Option<String>,
    pub stats: FunctionStats,
    /// The emitted x86-64 code read back and counted by
    /// [`wlab_backends::x64::code_stats`] (the definition shared with other compilers'
    /// code); only when asked for (`--peer`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code_stats: Option<CodeStats>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ModuleStats {
    pub target: &'static str,
    pub pipeline: Option<String>,
    pub regalloc: &'static str,
    /// Above this many values live at once, Ion gives way to Fastalloc (a function's
    /// `stats.regalloc` says which ran).
    pub ion_max_live: usize,
    /// Ion's bundle-merge limit (`--ion-merge-max-ranges`; 0: regalloc2's own rule).
    pub ion_merge_max_ranges: usize,
    /// Ion's conflict limit per register tried (`--ion-max-conflicts`; 0: regalloc2's own rule).
    pub ion_max_conflicts: usize,
    pub regs: Option<usize>,
    pub functions: Vec<FunctionRow>,
    pub totals: FunctionStats,
    pub throughput: Throughput,
    /// What the passes reported (e-graph stop reasons, top rules), when a pipeline ran.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub passes: Option<crate::stats::ModuleStats>,
}

/// Compile throughput of the whole module (one thread): translate + pipeline + lower +
/// regalloc + emit, wall clock.
#[derive(Clone, Debug, Serialize)]
pub struct Throughput {
    pub wasm_bytes: usize,
    pub functions: usize,
    pub translate_ms: f64,
    pub pipeline_ms: f64,
    pub backend_ms: f64,
    pub total_ms: f64,
    pub wasm_kb_per_s: f64,
    pub functions_per_s: f64,
}

/// Translates `bytes` and compiles every function after `pipeline` (from
/// `pipeline::build`; `passes` is how it was written, for the report), timing each stage.
/// With `decode` (x86-64 only), each row also has its code read back (`code_stats`).
pub fn module_stats(
    bytes: &[u8],
    passes: Option<&str>,
    pipeline: Option<&wlab_passes::Pipeline>,
    cg: &CodegenOptions,
    decode: bool,
) -> Result<ModuleStats, CliError> {
    let t0 = std::time::Instant::now();
    let reader = wlab_ir::translate::read_module(bytes)?;
    let translated = reader.translate_each();
    let info = reader.info();
    let translate_ms = t0.elapsed().as_secs_f64() * 1e3;
    let first = info.num_imported_funcs();
    let co = cg.compile_options(first);
    let mut rows = Vec::new();
    let mut t = FunctionStats::default();
    let (mut pipeline_ms, mut backend_ms) = (0.0, 0.0);
    // The pipeline runs over the module's translated functions at once (module passes
    // see them all); a function that failed to translate is opaque to them.
    let mut translated = translated;
    let mut function_us = vec![0u64; translated.len()];
    if let Some(p) = pipeline {
        let start = std::time::Instant::now();
        let mut ok: Vec<(usize, wlab_ir::Function)> = Vec::new();
        for (k, t) in translated.iter_mut().enumerate() {
            if let Ok(f) = t {
                ok.push((k, std::mem::take(f)));
            }
        }
        let (positions, mut funcs): (Vec<usize>, Vec<wlab_ir::Function>) = ok.into_iter().unzip();
        let applied = crate::pipeline::apply_module(&mut funcs, p);
        for (&k, f) in positions.iter().zip(funcs) {
            translated[k] = Ok(f);
        }
        let (_, us) = applied?;
        for (&k, u) in positions.iter().zip(us) {
            function_us[k] = u;
        }
        pipeline_ms += start.elapsed().as_secs_f64() * 1e3;
    }
    for (k, f) in translated.into_iter().enumerate() {
        let f = match f {
            Ok(f) => f,
            Err(e) => {
                rows.push(FunctionRow {
                    index: first + k as u32,
                    name: info.func_display_name(first + k as u32),
                    ir_insts: 0,
                    ir_simd_insts: 0,
                    pipeline_us: 0,
                    not_compiled: Some(e.to_string()),
                    stats: FunctionStats::default(),
                    code_stats: None,
                });
                continue;
            }
        };
        let pipeline_us = function_us[k];
        let ir_simd_insts =
            f.layout_insts().filter(|&(_, i)| matches!(f.inst(i).opcode, wlab_ir::Opcode::Simd(_))).count();
        let b = std::time::Instant::now();
        let compiled = compile_function(&f, &co);
        backend_ms += b.elapsed().as_secs_f64() * 1e3;
        // A function with v128 values that the target does not lower (AArch64 today, or
        // x86-64 without SSE4.1) is listed with why; any other failure is an error.
        let c = match compiled {
            Ok(c) => c,
            Err(e) if !f.uses_v128() => return Err(CliError::Other(e.to_string())),
            Err(e) => {
                let reason = e.message;
                rows.push(FunctionRow {
                    index: first + k as u32,
                    name: info.func_display_name(first + k as u32),
                    ir_insts: f.num_layout_insts(),
                    ir_simd_insts,
                    pipeline_us,
                    not_compiled: Some(reason),
                    stats: FunctionStats::default(),
                    code_stats: None,
                });
                continue;
            }
        };
        let s = c.stats;
        t.add(&s);
        let decoded = (decode && cg.target == Target::X86_64).then(|| code_stats(&c.code));
        rows.push(FunctionRow {
            index: first + k as u32,
            name: info.func_display_name(first + k as u32),
            ir_insts: f.num_layout_insts(),
            ir_simd_insts,
            pipeline_us,
            not_compiled: None,
            stats: s,
            code_stats: decoded,
        });
    }
    let total_ms = translate_ms + pipeline_ms + backend_ms;
    let throughput = Throughput {
        wasm_bytes: bytes.len(),
        functions: rows.len(),
        translate_ms,
        pipeline_ms,
        backend_ms,
        total_ms,
        wasm_kb_per_s: bytes.len() as f64 / 1024.0 / (total_ms / 1e3),
        functions_per_s: rows.len() as f64 / (total_ms / 1e3),
    };
    Ok(ModuleStats {
        target: cg.target.name(),
        pipeline: passes.map(str::to_string),
        regalloc: cg.alloc.algorithm.name(),
        ion_max_live: cg.alloc.ion_max_live,
        ion_merge_max_ranges: cg.alloc.ion_merge_max_ranges,
        ion_max_conflicts: cg.alloc.ion_max_conflicts,
        regs: cg.alloc.regs,
        functions: rows,
        totals: t,
        throughput,
        passes: None,
    })
}

pub fn render(m: &ModuleStats) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        ";; target {} pipeline {} regalloc {} regs {}",
        m.target,
        m.pipeline.as_deref().unwrap_or("none"),
        m.regalloc,
        m.regs.map(|r| r.to_string()).unwrap_or_else(|| "all".into())
    );
    let _ = writeln!(
        s,
        "{:>6} {:<28} {:>6} {:>6} {:>7} {:>6} {:>6} {:>5} {:>6} {:>7} {:>6} {:>6}",
        "func", "name", "ir", "insts", "bytes", "loads", "stores", "calls", "spills", "reloads", "moves", "vector"
    );
    for r in &m.functions {
        let st = &r.stats;
        let mut name = r.name.clone();
        name.truncate(28);
        if let Some(reason) = &r.not_compiled {
            let _ = writeln!(s, "{:>6} {:<28} {:>6} not compiled: {reason}", r.index, name, r.ir_insts);
            continue;
        }
        let _ = writeln!(
            s,
            "{:>6} {:<28} {:>6} {:>6} {:>7} {:>6} {:>6} {:>5} {:>6} {:>7} {:>6} {:>6}",
            r.index,
            name,
            r.ir_insts,
            st.insts,
            st.code_bytes,
            st.loads,
            st.stores,
            st.calls,
            st.spills,
            st.reloads,
            st.moves,
            st.vector_insts
        );
    }
    for r in &m.functions {
        if r.stats.regalloc.name() != m.regalloc {
            let _ = writeln!(
                s,
                ";; regalloc: func {} {}: {} instead of {}: about {} values live at once (more than {})",
                r.index,
                r.name,
                r.stats.regalloc.name(),
                m.regalloc,
                r.stats.max_live,
                m.ion_max_live
            );
        }
    }
    let simd: usize = m.functions.iter().map(|r| r.ir_simd_insts).sum();
    if simd > 0 {
        let refused = m.functions.iter().filter(|r| r.not_compiled.is_some()).count();
        let vector = m.totals.vector_insts;
        let _ = write!(s, ";; simd: {simd} SIMD IR instructions, {vector} vector machine instructions");
        if refused > 0 {
            let _ = write!(s, "; {refused} function(s) not compiled (see their rows)");
        }
        let _ = writeln!(s);
    }
    let _ = writeln!(s, ";; totals: {}", crate::codegen::stats_line(&m.totals));
    let t = &m.throughput;
    let _ = writeln!(
        s,
        ";; compile: {} bytes, {} functions in {:.1} ms (translate {:.1}, pipeline {:.1}, backend {:.1}): {:.0} KB/s, {:.0} functions/s",
        t.wasm_bytes, t.functions, t.total_ms, t.translate_ms, t.pipeline_ms, t.backend_ms, t.wasm_kb_per_s, t.functions_per_s
    );
    s
}
