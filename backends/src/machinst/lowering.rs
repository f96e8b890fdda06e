//! What every target's lowering returns and shares: the lowered function ([`Lowered`]), its
//! error ([`LowerError`]), the register class of an IR type, what is known of a value's
//! upper half ([`upper_half_zero`]), which width changes need no instruction
//! ([`same_register_as_operand`]) and which complements an and/or/xor can take in
//! ([`complement_operands`]). This file never chooses an instruction.

use crate::vcode::VCode;
use regalloc2::RegClass;
use std::fmt;
use wlab_ir::{Block, Function, Inst, Opcode, Type, Value, ValueDef};

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

/// Whether the i64 `v` is known to be below 2^32, so that its register already holds it
/// as a zero-extended i32 would be held: a `ushr` by a constant 32 to 63 (the quotient of
/// a magic-number division, for one).
pub fn upper_half_zero(f: &Function, v: Value) -> bool {
    let ValueDef::Result(i, _) = f.value_def(v) else { return false };
    let d = f.inst(i);
    d.opcode == Opcode::Ushr && matches!(f.iconst_value(d.args[1]).map(|k| k & 63), Some(32..=63))
}

/// Whether `inst`'s result is its operand's register, with no instruction: both targets
/// keep i32 values zero-extended in their 64-bit registers (every 32-bit write does it,
/// `ireduce` clears the upper half, the runtime passes i32 values zero-extended, memory
/// addressing relies on it). So a `uextend` of an i32 that `uses` (use counts by value)
/// says is used only there, and an `ireduce` of an i64 with [`upper_half_zero`], are that
/// operand. A `uextend` of an i32 that stays live is a copy instead: sharing the register
/// would join the two live ranges (seqhash 4% slower).
pub fn same_register_as_operand(f: &Function, uses: &[u32], inst: Inst) -> bool {
    let d = f.inst(inst);
    match d.opcode {
        Opcode::Uextend => uses[d.args[0].index()] == 1,
        Opcode::Ireduce => upper_half_zero(f, d.args[0]),
        _ => false,
    }
}

/// An operand of an and/or/xor that is the complement of another value, computed by the
/// operation itself (see [`complement_operands`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ComplementOperand {
    /// The `bxor negated, -1`, lowered as part of its user.
    pub not: Inst,
    /// The value complemented.
    pub negated: Value,
    /// The user's other operand.
    pub other: Value,
}

/// For a two-operand i32/i64 instruction `i`, per operand position: that operand as a
/// complement, when it is `bxor x, -1` used only by `i` and defined in `i`'s block
/// (`inst_block`: each instruction's block). Both targets have a logical operation that
/// complements an operand itself (x86-64 BMI1 `andn`; AArch64 `bic`, `orn`, `eon`), so
/// the user computes the complement and no instruction of its own is needed; lowered
/// there, `x` is live anyway. When both operands are complements, each target takes the
/// one its instruction's operand order suggests (`andn` complements its first source,
/// `bic`/`orn`/`eon` their second). Not when `x` is such a complement itself: `~~y` folds
/// `~y` into the outer `bxor` (an AArch64 `eon`), and a user folding the outer one would
/// then read `~y`, which nothing computes.
pub fn complement_operands(
    f: &Function,
    uses: &[u32],
    inst_block: &[Option<Block>],
    i: Inst,
) -> [Option<ComplementOperand>; 2] {
    let d = f.inst(i);
    if !matches!(d.ty, Some(Type::I32 | Type::I64)) || d.args.len() != 2 {
        return [None, None];
    }
    let at = |k: usize| {
        let (not, negated) = complement(f, uses, d.args[k])?;
        let ok = complement(f, uses, negated).is_none() && inst_block[not.index()] == inst_block[i.index()];
        ok.then_some(ComplementOperand { not, negated, other: d.args[1 - k] })
    };
    [at(0), at(1)]
}

/// When `v` is `bxor x, -1` (i32 or i64) used only once: that instruction and `x`.
fn complement(f: &Function, uses: &[u32], v: Value) -> Option<(Inst, Value)> {
    let ValueDef::Result(n, 0) = f.value_def(v) else { return None };
    let d = f.inst(n);
    if d.opcode != Opcode::Bxor || d.args.len() != 2 || uses[v.index()] != 1 {
        return None;
    }
    let all_ones = match (d.ty, f.iconst_value(d.args[1])) {
        (Some(Type::I32), Some(k)) => k as u32 == u32::MAX,
        (Some(Type::I64), Some(k)) => k == -1,
        _ => false,
    };
    all_ones.then_some((n, d.args[0]))
}
