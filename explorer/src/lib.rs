//! The `wlab` command line and the explorer's renderings.
//!
//! ```text
//!  cli (clap grammar) ──▶ cmd::run ──▶ explore / wast / passes / scaling / stats / run (WASI programs) / bench / difftest
//!                                       │
//!            input (read .wasm/.wat) ◀──┤──▶ select (function by index/export/name)
//!            wasm_text (operators)   ◀──┤──▶ pipeline (passes crate adapter)
//!                                       └──▶ filetest (what tests/filetests pins)
//! ```
//! Library code returns values and errors; only `main.rs` prints errors and exits.

pub mod bench;
pub mod budget;
pub mod cli;
pub mod cmd;
pub mod codegen;
pub mod difftest;
pub mod engines;
pub mod error;
pub mod explore;
pub mod filetest;
pub mod input;
pub mod pipeline;
pub mod run;
pub mod scaling;
pub mod select;
pub mod shapes;
pub mod stats;
pub mod stats_codegen;
pub mod wasm_text;

pub use error::CliError;
