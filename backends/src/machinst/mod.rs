//! The target-independent half of every backend: what a target provides, and what the
//! shared driver does with it. No file here may name a target's instructions or registers.
//!
//! ```text
//! operands.rs  MachInst: a target instruction's operands, walked once for regalloc2 and
//!              once to apply its allocations
//! emitted.rs   what emission produces: trap sites, source map entries, call relocations,
//!              instruction counts
//! disasm.rs    one disassembled instruction (the explorer's line record) and x86 syntaxes
//! ```

pub mod disasm;
pub mod emitted;
pub mod operands;

pub use disasm::{DisasmLine, Syntax};
pub use emitted::{CallReloc, EmitCounts, SourceMapEntry, TrapSite};
pub use operands::{AllocApplier, MachInst, OperandCollector, OperandVisitor};
