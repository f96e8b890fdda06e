//! Cross-crate test helpers.
pub mod corpus;
