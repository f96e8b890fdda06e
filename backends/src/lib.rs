//! placeholder
pub mod aarch64;
