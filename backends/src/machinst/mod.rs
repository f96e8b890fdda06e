//! The target-independent half of every backend: what a target provides, and what the
//! shared driver does with it. No file here may name a target's instructions or registers.
//!
//! ```text
//! backend.rs   Backend: the one trait a target implements (lower, registers, emit, disassemble)
//! lowering.rs  what lowering returns (Lowered, LowerError) and the IR type -> register class map
//! blocks.rs    VCode block numbering: reachable IR blocks in layout order, split critical edges
//! edge_lowering.rs  the split edges' blocks of a terminator: a jump passing the edge's arguments
//! runtime_calls.rs  which IR instructions are libcalls, with which immediates and values
//! value_table.rs a `br_table` that only selects values: lowered as a lookup table
//! call_regs.rs which register carries each register value of a wasm-to-wasm call (a
//!              target's CallRegs), and the route of every value of a call or return
//! operands.rs  MachInst: a target instruction's operands, walked once for regalloc2 and
//!              once to apply its allocations
//! emit_loop.rs the shared emit loop: blocks in the target's order, regalloc2's moves and
//!              allocated instructions, allocated text and source map positions
//! emitted.rs   what emission produces: code, trap sites, source map entries, call
//!              relocations, libcall sites, instruction counts
//! disasm.rs    one disassembled instruction (the explorer's line record) and x86 syntaxes
//! ```

pub mod backend;
pub mod blocks;
pub mod call_regs;
pub mod disasm;
pub mod edge_lowering;
pub mod emit_loop;
pub mod emitted;
pub mod lowering;
pub mod operands;
pub mod runtime_calls;
pub mod value_table;

pub use call_regs::{CallRegs, CallValues, PlacedArgs, PlacedResults, Route};
pub use disasm::{DisasmLine, Syntax};
pub use emitted::{CallReloc, EmitCounts, Emitted, LibCallSite, SourceMapEntry, TrapSite};
pub use lowering::{class_of, complement_operands, same_register_as_operand, ComplementOperand, LowerError, Lowered};
pub use operands::{AllocApplier, MachInst, OperandCollector, OperandVisitor};
