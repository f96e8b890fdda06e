//! Profiling compiled code: what a profiler needs to know about machine code that lives
//! only in this process's memory.
//!
//! ```text
//!  PreparedModule::code_symbols ─▶ [CodeSymbol { start, size, name }]  (x86-64 engine only)
//!      ├─▶ perf_map::write   /tmp/perf-PID.map, for `perf record` + `perf report`
//!      ├─▶ jitdump::write    /tmp/jit-PID.dump (names + code), for `perf inject --jit` + `perf annotate`
//!      └─▶ sampler::Sampler  SIGPROF to the wasm thread every SAMPLE_INTERVAL, interrupted pc ─▶ symbol
//! ```
//!
//! This module only describes and counts; it never compiles, runs or prints anything.

pub mod jitdump;
pub mod perf_map;
pub mod sampler;

/// One named piece of machine code in executable memory: a compiled function or a
/// trampoline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeSymbol {
    /// Its first byte's address in this process.
    pub start: u64,
    /// Its length in bytes (trap stubs included).
    pub size: u64,
    /// A function's name-section name, else `f<index>` (what `wlab stats` shows); the
    /// entry trampoline is [`ENTRY_TRAMPOLINE`].
    pub name: String,
}

/// The name of the x86-64 entry trampoline (how Rust calls into compiled code, and
/// where traps unwind to).
pub const ENTRY_TRAMPOLINE: &str = "wlab_entry_trampoline";
