//! The one interface a target implements for the shared driver (`crate::compile`), in the
//! manner of regalloc2's `Function`: narrow, one doc line per method. The driver lowers,
//! allocates with the target's registers, emits, and times and counts each step; a target
//! never allocates registers itself and never runs code.

use crate::compile::CompileOptions;
use crate::machinst::{DisasmLine, Emitted, LowerError, Lowered, MachInst, Syntax};
use crate::regalloc::RegisterLists;
use crate::vcode::VCode;
use regalloc2::Output;
use wlab_ir::Function;

/// A target: x86-64 (`x64::X64Backend`) or AArch64 (`aarch64::Aarch64Backend`).
pub trait Backend {
    /// The target's machine instruction.
    type Inst: MachInst;
    /// What emission reports besides [`Emitted`] (AArch64: the encoder forms the code uses).
    type EmitExtra;
    /// Lowers an IR function to VCode with virtual registers.
    fn lower(&self, f: &Function, opts: &CompileOptions) -> Result<Lowered<Self::Inst>, LowerError>;
    /// The registers regalloc2 may allocate, and the scratch registers its moves may use.
    fn register_lists(&self) -> RegisterLists;
    /// Emits VCode allocated as `out` (frame, moves, trap stubs) as machine code, with the
    /// allocated text when `keep_text`.
    fn emit(
        &self,
        vcode: &VCode<Self::Inst>,
        out: &Output,
        outgoing_slots: u32,
        keep_text: bool,
    ) -> (Emitted, Self::EmitExtra);
    /// Disassembles code this target emitted, one line per instruction.
    fn disassemble(&self, code: &[u8], syntax: Syntax) -> Vec<DisasmLine>;
}
