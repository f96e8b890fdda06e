//! wlab's backends: the target-independent machinery (registers, VCode, the regalloc2
//! adapter, the shared driver in [`compile`] and the [`machinst`] pieces it is built from)
//! and two targets, [`x64`] and [`aarch64`], each a [`machinst::backend::Backend`].
//!
//! ```text
//!                 Backend::lower                  regalloc::allocate
//!  ir::Function ──(target lower.rs, block order ──▶ VCode<Inst> ──(registers from ──▶ Output
//!                  from machinst::blocks)                          Backend::register_lists)
//!
//!  Output ──Backend::emit (target emit.rs: prologue, trap stubs; ──▶ code bytes + trap sites
//!            machinst::emit_loop: blocks, moves, instructions)       + call relocations + source map
//! ```
//!
//! [`compile::compile_with`] runs these steps for any `Backend`, timing and counting them;
//! [`compile_function`] picks the backend from [`CompileOptions::target`].
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
pub mod sig_id;
pub mod vcode;
pub mod x64;

pub use compile::{
    compile_function, BoundsChecks, CompileError, CompileOptions, CompiledFunction, FunctionStats, Target,
};
pub use machinst::backend::Backend;
pub use regalloc::{AllocAlgorithm, AllocOptions, AllocStats, RegisterCounts};
