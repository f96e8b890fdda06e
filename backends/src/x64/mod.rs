//! The x86-64 target: registers, instructions, lowering, emission, the entry
//! trampoline and disassembly. Target-independent parts (VCode, regalloc2) live one
//! level up and are shared with every target.

pub mod asm;
pub mod backend;
pub mod disasm;
pub mod emit;
pub mod inst;
pub mod lower;
pub mod print;
pub mod regs;
pub mod trampoline;

pub use backend::X64Backend;
pub use lower::CpuFeatures;
