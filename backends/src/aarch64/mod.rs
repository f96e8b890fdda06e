//! The AArch64 target: register types, hand-written instruction encoders and a disassembler.
//!
//! ```text
//! regs.rs    register, size, condition, shift and extend types
//! enc/       one small pure function per instruction form, each returning the 32-bit word
//! disasm.rs  code buffer -> text, one line per instruction (yaxpeax-arm)
//! emulate.rs runs code in-process under Unicorn (feature `unicorn`)
//! ```
//!
//! Every encoder is decoded back with yaxpeax-arm in `backends/tests/aarch64_encoders.rs`. This
//! module never emits code on its own: lowering decides which forms to use.

pub mod disasm;
#[cfg(feature = "unicorn")]
pub mod emulate;
pub mod enc;
pub mod regs;
