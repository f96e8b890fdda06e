//! Cross-crate test helpers.
pub mod corpus;
pub mod stress;
