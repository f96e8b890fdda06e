//! x86-64 as the shared driver sees it: the [`Backend`] implementation, which only routes
//! each step to this target's file for it. Nothing is decided here.

use crate::compile::CompileOptions;
use crate::machinst::backend::Backend;
use crate::machinst::{DisasmLine, Emitted, LowerError, Lowered, Syntax};
use crate::regalloc::RegisterLists;
use crate::vcode::VCode;
use crate::x64::{disasm, emit, inst::Inst, lower, regs};
use regalloc2::Output;
use wlab_ir::Function;

/// The x86-64 target; lowering uses the CPU features in `CompileOptions::features`.
pub struct X64Backend;

impl Backend for X64Backend {
    type Inst = Inst;
    type EmitExtra = ();
    fn lower(&self, f: &Function, opts: &CompileOptions) -> Result<Lowered<Inst>, LowerError> {
        lower::lower(f, opts.features, opts.num_imported_funcs, opts.bounds)
    }
    fn register_lists(&self) -> RegisterLists {
        regs::register_lists()
    }
    fn emit(&self, vcode: &VCode<Inst>, out: &Output, outgoing_slots: u32, keep_text: bool) -> (Emitted, ()) {
        (emit::emit(vcode, out, outgoing_slots, keep_text), ())
    }
    fn disassemble(&self, code: &[u8], syntax: Syntax) -> Vec<DisasmLine> {
        disasm::disassemble(code, syntax)
    }
}
