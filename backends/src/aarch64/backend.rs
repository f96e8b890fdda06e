//! AArch64 as the shared driver sees it: the [`Backend`] implementation, which only routes
//! each step to this target's file for it. Nothing is decided here.

use crate::aarch64::enc::EncForm;
use crate::aarch64::{disasm, emit, inst::Inst, lower, pregs};
use crate::compile::CompileOptions;
use crate::machinst::backend::Backend;
use crate::machinst::{DisasmLine, Emitted, LowerError, Lowered, Syntax};
use crate::regalloc::RegisterLists;
use crate::vcode::VCode;
use regalloc2::Output;
use std::collections::BTreeSet;
use wlab_ir::Function;

/// The AArch64 target; emission also reports the encoder forms it used.
pub struct Aarch64Backend;

impl Backend for Aarch64Backend {
    type Inst = Inst;
    type EmitExtra = BTreeSet<EncForm>;
    fn lower(&self, f: &Function, opts: &CompileOptions) -> Result<Lowered<Inst>, LowerError> {
        lower::lower(f, opts.num_imported_funcs, opts.bounds)
    }
    fn register_lists(&self) -> RegisterLists {
        pregs::register_lists()
    }
    fn emit(
        &self,
        vcode: &VCode<Inst>,
        out: &Output,
        outgoing_slots: u32,
        keep_text: bool,
    ) -> (Emitted, BTreeSet<EncForm>) {
        emit::emit(vcode, out, outgoing_slots, keep_text)
    }
    /// yaxpeax-arm has one syntax: `syntax` is ignored.
    fn disassemble(&self, code: &[u8], _syntax: Syntax) -> Vec<DisasmLine> {
        disasm::disassemble_lines(code)
    }
}
