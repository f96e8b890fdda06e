//! Compiling one IR function for AArch64: lower → allocate (the shared regalloc2 adapter) →
//! emit, timed and counted exactly like the x86-64 path in `crate::compile`, which calls this.
//! It never runs code.

use crate::aarch64::{emit, lower, pregs};
use crate::compile::{CompileOptions, CompiledFunction, FunctionStats};
use crate::regalloc::{self, AllocStats};
use std::time::Instant;
use wlab_ir::Function;

/// Compiles `f`; errors are messages (the caller names the function).
pub fn compile(f: &Function, opts: &CompileOptions) -> Result<CompiledFunction, String> {
    compile_with_forms(f, opts).map(|(c, _)| c)
}

/// Like [`compile`], also returning the encoder forms the code uses.
pub fn compile_with_forms(
    f: &Function,
    opts: &CompileOptions,
) -> Result<(CompiledFunction, std::collections::BTreeSet<crate::aarch64::enc::EncForm>), String> {
    let t0 = Instant::now();
    let lowered = lower::lower(f, opts.num_imported_funcs, opts.bounds).map_err(|e| e.0)?;
    let t1 = Instant::now();
    let env = regalloc::machine_env(&pregs::register_lists(), opts.alloc.regs).map_err(|e| e.to_string())?;
    let (algorithm, max_live) = regalloc::choose_algorithm(&lowered.vcode, &opts.alloc);
    let alloc = regalloc::AllocOptions { algorithm, ..opts.alloc };
    let out = regalloc::allocate(&lowered.vcode, &env, &alloc).map_err(|e| e.to_string())?;
    let t2 = Instant::now();
    let emitted = emit::emit(&lowered.vcode, &out, lowered.outgoing_slots);
    let t3 = Instant::now();
    let a: AllocStats = regalloc::alloc_stats(&out);
    let counts = emitted.counts;
    let stats = FunctionStats {
        insts: counts.insts,
        code_bytes: emitted.code.len() as u32,
        loads: counts.loads,
        stores: counts.stores,
        calls: counts.calls,
        spills: a.spills,
        reloads: a.reloads,
        moves: a.moves,
        spill_slots: a.spill_slots,
        regalloc: algorithm,
        max_live: max_live as u32,
        vcode_insts: lowered.vcode.insts.len() as u32,
        lower_ns: (t1 - t0).as_nanos() as u64,
        regalloc_ns: (t2 - t1).as_nanos() as u64,
        emit_ns: (t3 - t2).as_nanos() as u64,
    };
    let compiled = CompiledFunction {
        code: emitted.code,
        calls: emitted.calls,
        traps: emitted.traps,
        srcmap: emitted.srcmap,
        stats,
        vcode_text: opts.keep_text.then(|| lowered.vcode.pretty()),
        allocated_text: opts.keep_text.then_some(emitted.allocated_text),
    };
    Ok((compiled, emitted.forms))
}
