//! wlab's intermediate representation: SSA with block parameters.
//!
//! ```text
//!  .wasm ──translate──▶ ModuleInfo + Vec<Function> ──verify──▶ passes / backends / interp
//!                                        ▲     │
//!                                  parse │     │ print (write.rs)
//!                                        └─text┘
//! ```
//!
//! One concept per file: [`types`], [`entities`], [`opcode`] (every opcode and its
//! facts, defined once as a table whose columns are [`opinfo`]), [`instructions`], [`function`], [`typing`] (result types),
//! [`write`] (printer). This crate knows no pass, target or engine.

pub mod cfg;
pub mod dominators;
pub mod entities;
pub mod function;
pub mod fxhash;
pub mod instructions;
pub mod interp;
pub mod loops;
pub mod module;
pub mod opcode;
pub mod opinfo;
pub mod parse;
pub mod simd;
pub mod translate;
pub mod types;
pub mod typing;
pub mod verify;
pub mod write;

pub use entities::{Block, Inst, Value};
pub use function::{BlockData, Function, ValueData, ValueDef};
pub use instructions::{BlockCall, FloatCC, Imm, InstData, IntCC, MemArg, TrapCode};
pub use module::{Module, ModuleInfo};
pub use opcode::{Effects, Opcode};
pub use types::{Signature, Type};
pub use write::print_function;
