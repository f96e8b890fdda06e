//! The IR interpreter: runs one IR function with wasm semantics against an [`Env`].
//!
//! (The evaluator itself is being written; this module currently defines the
//! contract: [`Val`], [`Env`], [`Trap`].)

mod env;
mod val;

pub use env::{Env, Trap};
pub use val::{FuncRef, Val};
