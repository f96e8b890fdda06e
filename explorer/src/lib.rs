//! The `wlab` command line and the explorer's renderings.
//!
//! ```text
//!  cli (clap grammar; option groups defined once) ──▶ cmd::run ──▶ explore / wast / passes / scaling / stats
//!   └─ refused by clap: usage (one line, exit 1)                     / run (WASI programs; profile) / bench / sweep / difftest
//!                                                                    / compile (object_file: ELF .o) / opt (IR text)
//!                                       │
//!            input (read .wasm/.wat) ◀──┤──▶ select (function by index/export/name)
//!            wasm_text (operators)   ◀──┤──▶ pipeline (passes crate adapter; --rules, cost model)
//!            engines (--engine)      ◀──┤──▶ output (reports on stdout, warnings; broken pipe ends quietly)
//!                                       ├──▶ filetest (what tests/filetests pins)
//!                                       └──▶ page (explore --format html: one self-contained page)
//! ```
//! Library code returns values and errors; only `main.rs` prints errors and exits.
//! Warnings (`output::warn`) and `wlab run`'s trap and `--dir` hint lines go to stderr
//! where they arise.

pub mod bench;
pub mod budget;
pub mod cli;
pub mod cmd;
pub mod codegen;
pub mod compile_object;
pub mod difftest;
pub mod engines;
pub mod error;
pub mod explore;
pub mod filetest;
pub mod input;
pub mod limits;
pub mod object_file;
pub mod opt;
pub mod output;
pub mod page;
pub mod peer_code;
pub mod pipeline;
pub mod profile;
pub mod rules_prove;
pub mod run;
pub mod scaling;
pub mod select;
pub mod shapes;
pub mod states;
pub mod stats;
pub mod stats_codegen;
pub mod sweep;
pub mod usage;
pub mod wasm_text;

pub use error::CliError;
