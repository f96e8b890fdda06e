//! Constant evaluation with exact wasm semantics, shared by every pass that folds.
//!
//! [`fold`] evaluates one operation on constant operands by calling the interpreter's
//! definition of wasm numerics ([`wlab_ir::interp::numeric`]), so folding and running
//! can never disagree (a NaN result is the first NaN operand with its quiet bit set, or
//! the positive canonical NaN, bit for bit as the interpreter computes it, so
//! translation validation can compare bits). An operation that would trap is reported
//! as [`Fold::Traps`] and must never be folded into a value. The property test
//! `tests/fold_matches_interp.rs` checks every opcode of the table against the
//! interpreter. This file never rewrites a function.

use wlab_ir::interp::numeric::{self, NumError};
use wlab_ir::interp::Val;
use wlab_ir::{Function, Imm, Inst, InstData, Opcode, TrapCode, Type, Value, ValueDef};

/// A constant of a number type. Floats are raw bits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Const {
    I32(u32),
    I64(u64),
    F32(u32),
    F64(u64),
}

impl Const {
    pub fn ty(self) -> Type {
        match self {
            Const::I32(_) => Type::I32,
            Const::I64(_) => Type::I64,
            Const::F32(_) => Type::F32,
            Const::F64(_) => Type::F64,
        }
    }

    /// The constant an `iconst` / `fconst` instruction defines.
    pub fn of_inst(d: &InstData) -> Option<Const> {
        match (d.opcode, d.ty, d.imm) {
            (Opcode::Iconst, Some(Type::I32), Imm::I64(x)) => Some(Const::I32(x as u32)),
            (Opcode::Iconst, Some(Type::I64), Imm::I64(x)) => Some(Const::I64(x as u64)),
            (Opcode::Fconst, Some(Type::F32), Imm::F32(b)) => Some(Const::F32(b)),
            (Opcode::Fconst, Some(Type::F64), Imm::F64(b)) => Some(Const::F64(b)),
            _ => None,
        }
    }

    /// The constant value `v` holds, if it is the result of an `iconst` / `fconst`.
    pub fn of_value(func: &Function, v: Value) -> Option<Const> {
        match func.value_def(v) {
            ValueDef::Result(i, 0) => Const::of_inst(func.inst(i)),
            _ => None,
        }
    }

    /// The integer value as unsigned bits (floats: `None`).
    pub fn int_bits(self) -> Option<u64> {
        match self {
            Const::I32(x) => Some(x as u64),
            Const::I64(x) => Some(x),
            Const::F32(_) | Const::F64(_) => None,
        }
    }

    /// Rewrites instruction `i` in place into the constant (its result value is kept,
    /// so every use stays valid).
    pub fn write_into(self, func: &mut Function, i: Inst) {
        let d = func.inst_mut(i);
        let (opcode, imm) = match self {
            Const::I32(x) => (Opcode::Iconst, Imm::I64(x as i32 as i64)),
            Const::I64(x) => (Opcode::Iconst, Imm::I64(x as i64)),
            Const::F32(b) => (Opcode::Fconst, Imm::F32(b)),
            Const::F64(b) => (Opcode::Fconst, Imm::F64(b)),
        };
        d.opcode = opcode;
        d.ty = Some(self.ty());
        d.imm = imm;
        d.args.clear();
        d.dests.clear();
    }
}

/// What evaluating an operation on constants gives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fold {
    Value(Const),
    /// The operation traps on these operands: it must be left in place.
    Traps(TrapCode),
    /// Not a computation on numbers, or operands of unexpected types.
    No,
}

impl Const {
    /// As an interpreter value.
    pub fn to_val(self) -> Val {
        match self {
            Const::I32(x) => Val::I32(x as i32),
            Const::I64(x) => Val::I64(x as i64),
            Const::F32(b) => Val::F32(b),
            Const::F64(b) => Val::F64(b),
        }
    }

    /// An interpreter value of a number type as a constant (references: `None`).
    pub fn of_val(v: Val) -> Option<Const> {
        match v {
            Val::I32(x) => Some(Const::I32(x as u32)),
            Val::I64(x) => Some(Const::I64(x as u64)),
            Val::F32(b) => Some(Const::F32(b)),
            Val::F64(b) => Some(Const::F64(b)),
            Val::FuncRef(_) | Val::ExternRef(_) | Val::V128(_) => None,
        }
    }
}

/// Evaluates `opcode` (controlling type `ty`, immediate `imm`) on constant operands,
/// through the interpreter's definition of wasm numerics.
pub fn fold(opcode: Opcode, ty: Option<Type>, imm: &Imm, args: &[Const]) -> Fold {
    // Number operations take one or two operands (no allocation: the e-graph's analysis
    // folds every node it makes).
    let r = match *args {
        [x] => numeric::eval(opcode, ty, imm, &[x.to_val()]),
        [x, y] => numeric::eval(opcode, ty, imm, &[x.to_val(), y.to_val()]),
        _ => Err(NumError::NotNumeric),
    };
    match r {
        Ok(v) => Const::of_val(v).map_or(Fold::No, Fold::Value),
        Err(NumError::Trap(code)) => Fold::Traps(code),
        Err(NumError::NotNumeric) => Fold::No,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wlab_ir::{FloatCC, IntCC};
    use Const::*;

    const F32_CANON_NAN: u32 = 0x7fc0_0000;

    fn f(op: Opcode, ty: Type, args: &[Const]) -> Fold {
        fold(op, Some(ty), &Imm::None, args)
    }

    #[test]
    fn integer_semantics() {
        assert_eq!(f(Opcode::Iadd, Type::I32, &[I32(u32::MAX), I32(2)]), Fold::Value(I32(1)));
        assert_eq!(f(Opcode::Ishl, Type::I32, &[I32(1), I32(33)]), Fold::Value(I32(2)));
        assert_eq!(f(Opcode::Sshr, Type::I32, &[I32(0x8000_0000), I32(31)]), Fold::Value(I32(u32::MAX)));
        assert_eq!(f(Opcode::Ushr, Type::I64, &[I64(u64::MAX), I64(127)]), Fold::Value(I64(1)));
        assert_eq!(f(Opcode::Rotl, Type::I32, &[I32(0x8000_0001), I32(1)]), Fold::Value(I32(3)));
        assert_eq!(f(Opcode::Sdiv, Type::I32, &[I32(7), I32(0)]), Fold::Traps(TrapCode::IntegerDivisionByZero));
        assert_eq!(
            f(Opcode::Sdiv, Type::I32, &[I32(0x8000_0000), I32(u32::MAX)]),
            Fold::Traps(TrapCode::IntegerOverflow)
        );
        assert_eq!(f(Opcode::Srem, Type::I32, &[I32(0x8000_0000), I32(u32::MAX)]), Fold::Value(I32(0)));
        assert_eq!(f(Opcode::Sdiv, Type::I32, &[I32(-7i32 as u32), I32(2)]), Fold::Value(I32(-3i32 as u32)));
        assert_eq!(f(Opcode::Urem, Type::I64, &[I64(u64::MAX), I64(10)]), Fold::Value(I64(5)));
        assert_eq!(f(Opcode::Clz, Type::I32, &[I32(1)]), Fold::Value(I32(31)));
        assert_eq!(f(Opcode::Sext8, Type::I32, &[I32(0x80)]), Fold::Value(I32(0xffff_ff80)));
        assert_eq!(f(Opcode::Sext32, Type::I64, &[I64(0x8000_0000)]), Fold::Value(I64(0xffff_ffff_8000_0000)));
        let lt = |cc, a, b| fold(Opcode::Icmp, Some(Type::I32), &Imm::IntCC(cc), &[I32(a), I32(b)]);
        assert_eq!(lt(IntCC::Slt, u32::MAX, 0), Fold::Value(I32(1)));
        assert_eq!(lt(IntCC::Ult, u32::MAX, 0), Fold::Value(I32(0)));
    }

    #[test]
    fn float_semantics() {
        let nan = f32::NAN.to_bits() | 1;
        assert_eq!(f(Opcode::Fadd, Type::F32, &[F32(nan), F32(0)]), Fold::Value(F32(nan)));
        // A signalling NaN is quieted, payload kept; a NaN from numbers is canonical.
        assert_eq!(f(Opcode::Fadd, Type::F32, &[F32(0), F32(0x7fa0_0000)]), Fold::Value(F32(0x7fe0_0000)));
        let inf = f32::INFINITY.to_bits();
        assert_eq!(f(Opcode::Fsub, Type::F32, &[F32(inf), F32(inf)]), Fold::Value(F32(F32_CANON_NAN)));
        assert_eq!(f(Opcode::Fpromote, Type::F64, &[F32(0x7fa0_0000)]), Fold::Value(F64(0x7ffc_0000_0000_0000)));
        assert_eq!(f(Opcode::Fdemote, Type::F32, &[F64(0xfff4_0000_0000_0000)]), Fold::Value(F32(0xffe0_0000)));
        assert_eq!(f(Opcode::Fneg, Type::F32, &[F32(nan)]), Fold::Value(F32(nan ^ 0x8000_0000)));
        assert_eq!(
            f(Opcode::Fmin, Type::F32, &[F32(0.0f32.to_bits()), F32((-0.0f32).to_bits())]),
            Fold::Value(F32((-0.0f32).to_bits()))
        );
        assert_eq!(f(Opcode::Fmax, Type::F64, &[F64((-0.0f64).to_bits()), F64(0.0f64.to_bits())]), Fold::Value(F64(0)));
        assert_eq!(
            f(Opcode::Fmin, Type::F64, &[F64(1.0f64.to_bits()), F64(0x7ff0_0000_0000_0001)]),
            Fold::Value(F64(0x7ff8_0000_0000_0001))
        );
        assert_eq!(f(Opcode::Fnearest, Type::F64, &[F64(2.5f64.to_bits())]), Fold::Value(F64(2.0f64.to_bits())));
        assert_eq!(
            f(Opcode::FcvtToSint, Type::I32, &[F32(f32::NAN.to_bits())]),
            Fold::Traps(TrapCode::BadConversionToInteger)
        );
        assert_eq!(
            f(Opcode::FcvtToSint, Type::I32, &[F64(2147483648.0f64.to_bits())]),
            Fold::Traps(TrapCode::IntegerOverflow)
        );
        assert_eq!(
            f(Opcode::FcvtToSint, Type::I32, &[F64((-2147483648.9f64).to_bits())]),
            Fold::Value(I32(0x8000_0000))
        );
        assert_eq!(f(Opcode::FcvtToUint, Type::I32, &[F64((-0.9f64).to_bits())]), Fold::Value(I32(0)));
        assert_eq!(f(Opcode::FcvtToUintSat, Type::I64, &[F32(f32::NAN.to_bits())]), Fold::Value(I64(0)));
        assert_eq!(
            f(Opcode::FcvtFromUint, Type::F32, &[I64(u64::MAX)]),
            Fold::Value(F32(18446744073709551616.0f32.to_bits()))
        );
        let ne = fold(Opcode::Fcmp, Some(Type::F32), &Imm::FloatCC(FloatCC::Ne), &[F32(nan), F32(nan)]);
        assert_eq!(ne, Fold::Value(I32(1)));
    }
}
