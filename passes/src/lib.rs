//! wlab's passes: the `Pass` trait, the registry, pipeline strings, the pass manager,
//! translation validation and every pass.
//!
//! ```text
//!  "copy-prop,fix(dce)" ──pipeline::Pipeline::parse──▶ Pipeline (registry lookups)
//!                                                          │
//!            Function ──manager::run_pipeline──────────────┘
//!                          per pass: run, time, measure `changed`, verify,
//!                          validate::check_equivalent (IR interpreter), record IR
//! ```
//!
//! A module pass ([`pass::ModulePass`], `inline`) sees every function at once;
//! [`pipeline::Pipeline::segments`] cuts a pipeline at them and
//! [`manager::run_module_pass`] runs and checks one.
//!
//! Adding a pass: its own file (with `pub const INFO`), one `pub mod` line below, one
//! line in [`registry`], its file tests, and the reviewed snapshots (the full list is in
//! [`registry`]'s module doc). This file only declares modules and re-exports.

// infrastructure
pub mod edit;
pub mod fingerprint;
pub mod fold;
pub mod manager;
pub mod pass;
pub mod pipeline;
pub mod registry;
pub mod remat;
pub mod replay;
#[cfg(test)]
mod testing;
pub mod validate;

// passes: one line each
pub mod const_fold;
pub mod copy_prop;
pub mod dce;
pub mod egraph;
pub mod gvn;
pub mod inline;
pub mod licm;
pub mod load_elim;
pub mod simplify_cfg;
pub mod strength_reduce;

pub use manager::{run_pipeline, ManagerError, ManagerOptions, PassRun, PipelineReport};
pub use pass::{Changed, ModuleOutcome, ModulePass, Pass, PassError, PassOutcome};
pub use pipeline::{Pipeline, PipelineError};
pub use registry::{describe_passes, lookup, registry, PassInfo};
pub use validate::{check_equivalent, Mismatch};
