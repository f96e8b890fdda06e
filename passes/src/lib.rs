//! wlab's passes: the `Pass` trait, the registry, pipeline strings, the pass manager
//! and every pass.

pub mod pass;

pub use pass::{Changed, Pass, PassError, PassOutcome};
