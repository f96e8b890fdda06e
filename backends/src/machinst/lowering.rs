//! What every target's lowering returns and shares: the lowered function ([`Lowered`]), its
//! error ([`LowerError`]) and the register class of an IR type. This file never chooses an
//! instruction.

use crate::vcode::VCode;
use regalloc2::RegClass;
use std::fmt;
use wlab_ir::Type;

/// Why a function cannot be lowered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LowerError(pub String);

impl fmt::Display for LowerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Lowered function: VCode plus what the frame needs.
pub struct Lowered<I: crate::machinst::MachInst> {
    pub vcode: VCode<I>,
    /// Slots of the outgoing value area at the bottom of the frame.
    pub outgoing_slots: u32,
}

/// The register class that holds a value of IR type `ty`.
pub fn class_of(ty: Type) -> RegClass {
    match ty {
        // v128 will live in the float/vector registers (xmm, v); no backend lowers it yet.
        Type::F32 | Type::F64 | Type::V128 => RegClass::Float,
        Type::I32 | Type::I64 | Type::FuncRef | Type::ExternRef => RegClass::Int,
    }
}
