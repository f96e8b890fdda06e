//! Compiling one IR function for a target: lower → allocate → emit, timed and counted, by
//! one driver generic over [`Backend`]. This is the one entry point the runtime and the
//! explorer use; it never runs code.

use crate::aarch64::backend::Aarch64Backend;
use crate::machinst::backend::Backend;
use crate::machinst::{CallReloc, DisasmLine, LibCallSite, SourceMapEntry, Syntax, TrapSite};
use crate::regalloc::{self, AllocAlgorithm, AllocOptions, AllocStats};
use crate::x64;
use crate::x64::backend::X64Backend;
use serde::Serialize;
use std::fmt;
use std::time::Instant;
use wlab_ir::Function;

/// Instruction sets wlab compiles for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Target {
    #[serde(rename = "x86_64")]
    X86_64,
    #[serde(rename = "aarch64")]
    Aarch64,
}

impl Target {
    pub const NAMES: &'static [&'static str] = &["x86_64", "aarch64"];

    pub fn from_name(s: &str) -> Option<Target> {
        match s {
            "x86_64" | "x64" | "x86-64" => Some(Target::X86_64),
            "aarch64" | "arm64" => Some(Target::Aarch64),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Target::X86_64 => "x86_64",
            Target::Aarch64 => "aarch64",
        }
    }

    /// The registers this target's allocator may use, per class (what `--regs` may ask).
    pub fn register_counts(self) -> regalloc::RegisterCounts {
        match self {
            Target::X86_64 => x64::regs::register_lists().counts(),
            Target::Aarch64 => crate::aarch64::pregs::register_lists().counts(),
        }
    }
}

/// How linear-memory accesses are kept in bounds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum BoundsChecks {
    /// A compare against the memory length before every access.
    Explicit,
    /// No code: the runtime reserves 8 GiB per memory and turns a fault in the
    /// inaccessible part into the trap (`TrapSite::fault`).
    Guard,
}

impl BoundsChecks {
    pub const NAMES: &'static [&'static str] = &["guard", "explicit"];

    pub fn from_name(s: &str) -> Option<BoundsChecks> {
        match s {
            "guard" => Some(BoundsChecks::Guard),
            "explicit" => Some(BoundsChecks::Explicit),
            _ => None,
        }
    }
}

#[derive(Clone, Copy, Debug)]
pub struct CompileOptions {
    pub target: Target,
    pub alloc: AllocOptions,
    pub features: x64::CpuFeatures,
    /// Functions below this index are imports (called through the runtime).
    pub num_imported_funcs: u32,
    /// Keep the printed VCode (before and after allocation) for the explorer.
    pub keep_text: bool,
    pub bounds: BoundsChecks,
}

impl CompileOptions {
    pub fn new(num_imported_funcs: u32) -> Self {
        CompileOptions {
            target: Target::X86_64,
            alloc: AllocOptions::default(),
            features: x64::CpuFeatures::detect(),
            num_imported_funcs,
            keep_text: false,
            bounds: BoundsChecks::Guard,
        }
    }
}

/// Per-function machine-code statistics.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct FunctionStats {
    /// Machine instructions emitted (including regalloc2's moves, spills and reloads).
    pub insts: u32,
    pub code_bytes: u32,
    /// Memory loads and stores, including spills, reloads and vmctx reads.
    pub loads: u32,
    pub stores: u32,
    pub calls: u32,
    /// Emitted instructions that operate on v128 values ([`crate::machinst::EmitCounts::vector`]):
    /// 0 on AArch64, which does not lower v128 yet.
    pub vector_insts: u32,
    pub spills: u32,
    pub reloads: u32,
    /// Register-to-register moves inserted by the allocator.
    pub moves: u32,
    pub spill_slots: u32,
    /// The allocator that ran: the one asked for, or `fastalloc` when Ion was asked for
    /// and the function has more than `AllocOptions::ion_max_live` values live at once.
    pub regalloc: AllocAlgorithm,
    /// The estimate of values live at once that chose it (`regalloc::estimate_max_live`).
    pub max_live: u32,
    pub vcode_insts: u32,
    pub lower_ns: u64,
    pub regalloc_ns: u64,
    pub emit_ns: u64,
}

impl FunctionStats {
    /// Adds `s` into these totals: counts and times summed, `max_live` the largest,
    /// `regalloc` left as it is (a total has no single allocator).
    pub fn add(&mut self, s: &FunctionStats) {
        self.insts += s.insts;
        self.code_bytes += s.code_bytes;
        self.loads += s.loads;
        self.stores += s.stores;
        self.calls += s.calls;
        self.vector_insts += s.vector_insts;
        self.spills += s.spills;
        self.reloads += s.reloads;
        self.moves += s.moves;
        self.spill_slots += s.spill_slots;
        self.vcode_insts += s.vcode_insts;
        self.lower_ns += s.lower_ns;
        self.regalloc_ns += s.regalloc_ns;
        self.emit_ns += s.emit_ns;
        self.max_live = self.max_live.max(s.max_live);
    }
}

/// Machine code of one function, not yet placed.
#[derive(Clone, Debug)]
pub struct CompiledFunction {
    pub code: Vec<u8>,
    /// Where the data after the instructions starts (`Emitted::data_start`).
    pub data_start: u32,
    pub calls: Vec<CallReloc>,
    pub libcalls: Vec<LibCallSite>,
    pub traps: Vec<TrapSite>,
    pub srcmap: Vec<SourceMapEntry>,
    pub stats: FunctionStats,
    pub vcode_text: Option<String>,
    pub allocated_text: Option<String>,
}

/// Why a function could not be compiled.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompileError {
    pub func: String,
    pub message: String,
}

impl fmt::Display for CompileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot compile {}: {}", self.func, self.message)
    }
}

impl std::error::Error for CompileError {}

/// Compiles `f` for `opts.target`.
pub fn compile_function(f: &Function, opts: &CompileOptions) -> Result<CompiledFunction, CompileError> {
    match opts.target {
        Target::X86_64 => compile_with(&X64Backend, f, opts).map(|(c, ())| c),
        Target::Aarch64 => compile_with(&Aarch64Backend, f, opts).map(|(c, _forms)| c),
    }
}

/// Disassembles code compiled for `target`, one line per instruction (`syntax` only matters
/// for x86-64), then its data from `data_start` on (`CompiledFunction::data_start`), 16
/// bytes per `.data` line.
pub fn disassemble(target: Target, code: &[u8], data_start: u32, syntax: Syntax) -> Vec<DisasmLine> {
    let (insts, data) = code.split_at(data_start as usize);
    let mut lines = match target {
        Target::X86_64 => X64Backend.disassemble(insts, syntax),
        Target::Aarch64 => Aarch64Backend.disassemble(insts, syntax),
    };
    for (k, row) in data.chunks(16).enumerate() {
        let bytes: String = row.iter().map(|b| format!("{b:02x}")).collect();
        lines.push(DisasmLine { offset: data_start + 16 * k as u32, bytes, text: ".data".to_string() });
    }
    lines
}

/// Compiles `f` with `backend` (whatever `opts.target` says), returning what its emission
/// reports besides the code. The one driver both targets share.
pub fn compile_with<B: Backend>(
    backend: &B,
    f: &Function,
    opts: &CompileOptions,
) -> Result<(CompiledFunction, B::EmitExtra), CompileError> {
    let err = |m: String| CompileError { func: f.name.clone(), message: m };
    let t0 = Instant::now();
    let lowered = backend.lower(f, opts).map_err(|e| err(e.0))?;
    let t1 = Instant::now();
    let env = regalloc::machine_env(&backend.register_lists(), opts.alloc.regs).map_err(|e| err(e.to_string()))?;
    let (algorithm, max_live) = regalloc::choose_algorithm(&lowered.vcode, &opts.alloc);
    let alloc = AllocOptions { algorithm, ..opts.alloc };
    let out = regalloc::allocate(&lowered.vcode, &env, &alloc).map_err(|e| err(e.to_string()))?;
    let t2 = Instant::now();
    let (emitted, extra) = backend.emit(&lowered.vcode, &out, lowered.outgoing_slots, opts.keep_text);
    let t3 = Instant::now();
    let a: AllocStats = regalloc::alloc_stats(&out);
    let counts = emitted.counts;
    let stats = FunctionStats {
        insts: counts.insts,
        code_bytes: emitted.code.len() as u32,
        loads: counts.loads,
        stores: counts.stores,
        calls: counts.calls,
        vector_insts: counts.vector,
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
        data_start: emitted.data_start,
        calls: emitted.calls,
        libcalls: emitted.libcalls,
        traps: emitted.traps,
        srcmap: emitted.srcmap,
        stats,
        vcode_text: opts.keep_text.then(|| lowered.vcode.pretty()),
        allocated_text: opts.keep_text.then_some(emitted.allocated_text),
    };
    Ok((compiled, extra))
}
