//! The x86-64 target: registers, instructions, lowering, emission, the entry
//! trampoline and disassembly, offered to the shared driver as [`X64Backend`].
//! Target-independent parts (VCode, regalloc2, block order, the emit loop, trap sites)
//! live one level up, in `crate::machinst` and friends, and are shared with every target.

pub mod asm;
pub mod backend;
pub mod code_stats;
pub mod disasm;
pub mod emit;
pub mod inst;
pub mod lower;
pub mod print;
pub mod regs;
pub mod trampoline;
pub mod vec_ops;

pub use backend::X64Backend;
pub use lower::CpuFeatures;
