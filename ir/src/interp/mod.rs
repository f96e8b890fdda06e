//! The IR interpreter: runs one IR function with wasm semantics against an [`Env`].
//!
//! ```text
//!  call_function(func, args, env)
//!       │
//!       ▼
//!  eval.rs ── the block/instruction loop (one Vec<Val> of values per call)
//!       ├── numeric.rs  every computation on numbers, by opcode (also what passes fold with)
//!       │    ├── int.rs      division traps, shifts/rotates mod width, bit counts, icmp
//!       │    ├── float.rs    IEEE ops, wasm min/max, nearest, sign-bit ops, fcmp
//!       │    └── convert.rs  trunc (trapping / saturating), int→float, promote/demote
//!       ├── simd_numeric.rs  every SIMD lane operation (reusing float.rs / convert.rs)
//!       └── memory.rs   bounds-checked loads/stores, memory.fill / memory.copy
//!       │
//!       ▼
//!  Env (env.rs) ── memories, globals, tables, segments, calls: the runtime's instance,
//!                  or a small one of translation validation's own
//! ```
//!
//! The contract types are [`Val`] (floats as raw bits), [`Env`] and [`Trap`]. The
//! interpreter never counts call depth: stack exhaustion is the Env's to detect in
//! [`Env::call`]. It never canonicalises a NaN where wasm does not ask for it.

mod convert;
mod env;
mod eval;
mod float;
mod int;
mod memory;
pub mod numeric;
pub mod simd_numeric;
pub mod state;
mod val;

pub use env::{Env, Trap};
pub use eval::call_function;
pub use val::{FuncRef, Val};
