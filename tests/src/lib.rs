//! Cross-crate test helpers.
pub mod bench;
pub mod corpus;
pub mod selection;
pub mod stress;
