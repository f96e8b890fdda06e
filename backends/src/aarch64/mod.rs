//! The AArch64 target: register types, hand-written instruction encoders, lowering from IR
//! through the shared VCode/regalloc2 machinery, emission, the entry trampoline, and a
//! disassembler.
//!
//! ```text
//! regs.rs       register, size, condition, shift and extend types (encoder operands)
//! enc/          one small pure function per instruction form, each returning the 32-bit word
//! backend.rs    the Backend implementation the shared driver (crate::compile) calls
//! pregs.rs      registers as regalloc2 sees them: allocatable lists, scratch, vmctx (x28), heap base (x27)
//! inst.rs       VCode instructions (MachInst); print.rs their text
//! lower.rs      IR -> VCode<Inst>
//! emit.rs       allocated VCode -> words, each from an encoder, with the EncForms used
//! trampoline.rs host -> wasm entry and the trap unwind routine
//! disasm.rs     code buffer -> text, one line per instruction (yaxpeax-arm)
//! emulate.rs    runs code in-process under Unicorn (feature `unicorn`)
//! ```
//!
//! Every encoder is decoded back with yaxpeax-arm, and checked for validity by Capstone, in
//! `backends/tests/aarch64_encoders.rs`. The encoders never decide what to emit: lowering and
//! emission do.

pub mod backend;
pub mod disasm;
pub mod emit;
#[cfg(feature = "unicorn")]
pub mod emulate;
pub mod enc;
pub mod inst;
pub mod lower;
pub mod pregs;
pub mod print;
pub mod regs;
pub mod trampoline;

pub use backend::Aarch64Backend;
