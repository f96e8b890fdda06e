//! wlab's backends: the target-independent machinery (registers, VCode, the regalloc2
//! adapter, compile options and statistics) and the targets (`x64`).
//!
//! ```text
//!  ir::Function ──x64::lower──▶ VCode<x64::Inst> ──regalloc::allocate──▶ Output
//!                                           └──────────x64::emit──────────▶ code bytes + trap sites + source map
//! ```
//!
//! Backends never run code: the runtime does (`wlab_runtime::native`). The ABI contract
//! between compiled code and the runtime (the vmctx layout, the value area, libcalls)
//! is written once, in [`abi`].

pub mod aarch64;
pub mod abi;
pub mod compile;
pub mod machinst;
pub mod reg;
pub mod regalloc;
pub mod vcode;
pub mod x64;

pub use compile::{
    compile_function, BoundsChecks, CompileError, CompileOptions, CompiledFunction, FunctionStats, Target,
};
pub use regalloc::{AllocAlgorithm, AllocOptions, AllocStats, RegisterCounts};
