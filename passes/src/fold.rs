//! Constant evaluation with exact wasm semantics, shared by every pass that folds.
//!
//! [`fold`] evaluates one operation on constant operands: wrapping integer arithmetic,
//! shift and rotate amounts modulo the width, signed/unsigned comparisons, float
//! arithmetic bit-exact (a NaN result is the first NaN operand with its quiet bit set,
//! or the positive canonical NaN when no operand was NaN — an arithmetic NaN as wasm
//! allows, and the very choice the IR interpreter makes, so translation validation can
//! compare bits; `neg`, `abs`, `copysign` and reinterpretations keep payloads), wasm `min`/`max` (NaN wins, -0 < +0), ties-to-even `nearest`, and
//! conversions. An operation that would trap is reported as [`Fold::Traps`] and must
//! never be folded into a value. This file never rewrites a function.

use wlab_ir::{FloatCC, Function, Imm, Inst, InstData, IntCC, Opcode, TrapCode, Type, Value, ValueDef};

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

const F32_CANON_NAN: u32 = 0x7fc0_0000;
const F64_CANON_NAN: u64 = 0x7ff8_0000_0000_0000;

/// The result of an f32 arithmetic operation on `ops`: `x`, or when it is NaN the
/// first NaN operand quieted, or the canonical NaN.
fn f32n(x: f32, ops: &[u32]) -> Const {
    if !x.is_nan() {
        return Const::F32(x.to_bits());
    }
    Const::F32(ops.iter().find(|b| f32::from_bits(**b).is_nan()).map_or(F32_CANON_NAN, |b| b | 0x0040_0000))
}
/// See [`f32n`].
fn f64n(x: f64, ops: &[u64]) -> Const {
    if !x.is_nan() {
        return Const::F64(x.to_bits());
    }
    Const::F64(ops.iter().find(|b| f64::from_bits(**b).is_nan()).map_or(F64_CANON_NAN, |b| b | 0x0008_0000_0000_0000))
}
fn b(x: bool) -> Const {
    Const::I32(x as u32)
}

/// wasm `min` (`max` when `max`): `None` when either is NaN, else whether the first
/// operand is the result (-0 < +0).
fn pick_first(x: f64, y: f64, max: bool) -> Option<bool> {
    if x.is_nan() || y.is_nan() {
        None
    } else if x == y {
        Some(x.is_sign_negative() != max)
    } else {
        Some((x < y) != max)
    }
}

fn int_cc(cc: IntCC, a: u64, b: u64, bits: u32) -> bool {
    let (sa, sb) = if bits == 32 { (a as u32 as i32 as i64, b as u32 as i32 as i64) } else { (a as i64, b as i64) };
    match cc {
        IntCC::Eq => a == b,
        IntCC::Ne => a != b,
        IntCC::Slt => sa < sb,
        IntCC::Sle => sa <= sb,
        IntCC::Sgt => sa > sb,
        IntCC::Sge => sa >= sb,
        IntCC::Ult => a < b,
        IntCC::Ule => a <= b,
        IntCC::Ugt => a > b,
        IntCC::Uge => a >= b,
    }
}

fn float_cc(cc: FloatCC, a: f64, b: f64) -> bool {
    match cc {
        FloatCC::Eq => a == b,
        FloatCC::Ne => a != b,
        FloatCC::Lt => a < b,
        FloatCC::Le => a <= b,
        FloatCC::Gt => a > b,
        FloatCC::Ge => a >= b,
    }
}

/// Float → int with trapping semantics: `None` when NaN or out of range.
fn trunc_checked(x: f64, signed: bool, bits: u32) -> Option<u64> {
    if x.is_nan() {
        return None;
    }
    let t = x.trunc();
    let ok = match (signed, bits) {
        (true, 32) => (-2147483648.0..2147483648.0).contains(&t),
        (false, 32) => t > -1.0 && t < 4294967296.0,
        (true, _) => (-9223372036854775808.0..9223372036854775808.0).contains(&t),
        (false, _) => t > -1.0 && t < 18446744073709551616.0,
    };
    if !ok {
        return None;
    }
    Some(match (signed, bits) {
        (true, 32) => t as i32 as u32 as u64,
        (false, 32) => t as u32 as u64,
        (true, _) => t as i64 as u64,
        (false, _) => t as u64,
    })
}

/// Float → int saturating (`as` in Rust has exactly wasm's `trunc_sat` semantics).
fn trunc_sat(x: f64, signed: bool, bits: u32) -> u64 {
    match (signed, bits) {
        (true, 32) => x as i32 as u32 as u64,
        (false, 32) => x as u32 as u64,
        (true, _) => x as i64 as u64,
        (false, _) => x as u64,
    }
}

fn int_result(ty: Type, x: u64) -> Option<Const> {
    match ty {
        Type::I32 => Some(Const::I32(x as u32)),
        Type::I64 => Some(Const::I64(x)),
        Type::F32 | Type::F64 | Type::FuncRef | Type::ExternRef => None,
    }
}

/// A float operand widened to f64 exactly (f32 → f64 is exact), with its width.
fn float_of(c: Const) -> Option<(f64, u32)> {
    match c {
        Const::F32(b) => Some((f32::from_bits(b) as f64, 32)),
        Const::F64(b) => Some((f64::from_bits(b), 64)),
        Const::I32(_) | Const::I64(_) => None,
    }
}

/// Evaluates `opcode` (controlling type `ty`, immediate `imm`) on constant operands.
pub fn fold(opcode: Opcode, ty: Option<Type>, imm: &Imm, args: &[Const]) -> Fold {
    match fold_inner(opcode, ty, imm, args) {
        Ok(Some(c)) => Fold::Value(c),
        Ok(None) => Fold::No,
        Err(t) => Fold::Traps(t),
    }
}

fn fold_inner(opcode: Opcode, ty: Option<Type>, imm: &Imm, args: &[Const]) -> Result<Option<Const>, TrapCode> {
    use Const::*;
    let Some(ty) = ty else { return Ok(None) };
    // Binary integer operations on same-width operands.
    let int2 = || -> Option<(u64, u64, u32)> {
        match args {
            [I32(a), I32(b)] if ty == Type::I32 => Some((*a as u64, *b as u64, 32)),
            [I64(a), I64(b)] if ty == Type::I64 => Some((*a, *b, 64)),
            _ => None,
        }
    };
    let int1 = || -> Option<(u64, u32)> {
        match args {
            [I32(a)] => Some((*a as u64, 32)),
            [I64(a)] => Some((*a, 64)),
            _ => None,
        }
    };
    let mask = |bits: u32| if bits == 32 { 0xffff_ffffu64 } else { u64::MAX };
    let sext = |x: u64, bits: u32| {
        if bits == 32 {
            x as u32 as i32 as i64
        } else {
            x as i64
        }
    };
    let r = |x: u64| int_result(ty, x);
    Ok(match opcode {
        Opcode::Iadd => int2().and_then(|(a, b, w)| r(a.wrapping_add(b) & mask(w))),
        Opcode::Isub => int2().and_then(|(a, b, w)| r(a.wrapping_sub(b) & mask(w))),
        Opcode::Imul => int2().and_then(|(a, b, w)| r(a.wrapping_mul(b) & mask(w))),
        Opcode::Band => int2().and_then(|(a, b, _)| r(a & b)),
        Opcode::Bor => int2().and_then(|(a, b, _)| r(a | b)),
        Opcode::Bxor => int2().and_then(|(a, b, _)| r(a ^ b)),
        Opcode::Ishl => int2().and_then(|(a, b, w)| r((a << (b % w as u64)) & mask(w))),
        Opcode::Ushr => int2().and_then(|(a, b, w)| r(a >> (b % w as u64))),
        Opcode::Sshr => int2().and_then(|(a, b, w)| r(((sext(a, w) >> (b % w as u64)) as u64) & mask(w))),
        Opcode::Rotl => int2().and_then(|(a, b, w)| {
            r(if w == 32 { (a as u32).rotate_left(b as u32 % 32) as u64 } else { a.rotate_left((b % 64) as u32) })
        }),
        Opcode::Rotr => int2().and_then(|(a, b, w)| {
            r(if w == 32 { (a as u32).rotate_right(b as u32 % 32) as u64 } else { a.rotate_right((b % 64) as u32) })
        }),
        Opcode::Sdiv | Opcode::Udiv | Opcode::Srem | Opcode::Urem => {
            let Some((a, b, w)) = int2() else {
                return Ok(None);
            };
            if b == 0 {
                return Err(TrapCode::IntegerDivisionByZero);
            }
            let (sa, sb) = (sext(a, w), sext(b, w));
            let min = if w == 32 { i32::MIN as i64 } else { i64::MIN };
            let x = match opcode {
                Opcode::Sdiv => {
                    if sa == min && sb == -1 {
                        return Err(TrapCode::IntegerOverflow);
                    }
                    (sa / sb) as u64
                }
                Opcode::Srem => sa.wrapping_rem(sb) as u64,
                Opcode::Udiv => a / b,
                _ => a % b,
            };
            r(x & mask(w))
        }
        Opcode::Clz => int1()
            .and_then(|(a, w)| r(if w == 32 { (a as u32).leading_zeros() as u64 } else { a.leading_zeros() as u64 })),
        Opcode::Ctz => int1()
            .and_then(|(a, w)| r(if w == 32 { (a as u32).trailing_zeros() as u64 } else { a.trailing_zeros() as u64 })),
        Opcode::Popcnt => int1().and_then(|(a, _)| r(a.count_ones() as u64)),
        Opcode::Eqz => int1().map(|(a, _)| b(a == 0)),
        Opcode::Icmp => match (imm, int2()) {
            (Imm::IntCC(cc), Some((a, bb, w))) => Some(b(int_cc(*cc, a, bb, w))),
            _ => None,
        },
        Opcode::Fcmp => match (imm, args) {
            (Imm::FloatCC(cc), [x, y]) => match (float_of(*x), float_of(*y)) {
                (Some((a, wa)), Some((bb, wb))) if wa == wb => Some(b(float_cc(*cc, a, bb))),
                _ => None,
            },
            _ => None,
        },
        Opcode::Fadd | Opcode::Fsub | Opcode::Fmul | Opcode::Fdiv | Opcode::Fmin | Opcode::Fmax | Opcode::Fcopysign => {
            match (ty, args) {
                (Type::F32, [F32(a), F32(bb)]) => {
                    let (x, y) = (f32::from_bits(*a), f32::from_bits(*bb));
                    Some(match opcode {
                        Opcode::Fadd => f32n(x + y, &[*a, *bb]),
                        Opcode::Fsub => f32n(x - y, &[*a, *bb]),
                        Opcode::Fmul => f32n(x * y, &[*a, *bb]),
                        Opcode::Fdiv => f32n(x / y, &[*a, *bb]),
                        Opcode::Fmin | Opcode::Fmax => match pick_first(x as f64, y as f64, opcode == Opcode::Fmax) {
                            Some(first) => F32(if first { *a } else { *bb }),
                            None => f32n(f32::NAN, &[*a, *bb]),
                        },
                        _ => F32((a & 0x7fff_ffff) | (bb & 0x8000_0000)),
                    })
                }
                (Type::F64, [F64(a), F64(bb)]) => {
                    let (x, y) = (f64::from_bits(*a), f64::from_bits(*bb));
                    Some(match opcode {
                        Opcode::Fadd => f64n(x + y, &[*a, *bb]),
                        Opcode::Fsub => f64n(x - y, &[*a, *bb]),
                        Opcode::Fmul => f64n(x * y, &[*a, *bb]),
                        Opcode::Fdiv => f64n(x / y, &[*a, *bb]),
                        Opcode::Fmin | Opcode::Fmax => match pick_first(x, y, opcode == Opcode::Fmax) {
                            Some(first) => F64(if first { *a } else { *bb }),
                            None => f64n(f64::NAN, &[*a, *bb]),
                        },
                        _ => F64((a & !(1 << 63)) | (bb & (1 << 63))),
                    })
                }
                _ => None,
            }
        }
        Opcode::Fabs
        | Opcode::Fneg
        | Opcode::Fsqrt
        | Opcode::Fceil
        | Opcode::Ffloor
        | Opcode::Ftrunc
        | Opcode::Fnearest => match (ty, args) {
            (Type::F32, [F32(a)]) => {
                let x = f32::from_bits(*a);
                Some(match opcode {
                    Opcode::Fabs => F32(a & 0x7fff_ffff),
                    Opcode::Fneg => F32(a ^ 0x8000_0000),
                    Opcode::Fsqrt => f32n(x.sqrt(), &[*a]),
                    Opcode::Fceil => f32n(x.ceil(), &[*a]),
                    Opcode::Ffloor => f32n(x.floor(), &[*a]),
                    Opcode::Ftrunc => f32n(x.trunc(), &[*a]),
                    _ => f32n(x.round_ties_even(), &[*a]),
                })
            }
            (Type::F64, [F64(a)]) => {
                let x = f64::from_bits(*a);
                Some(match opcode {
                    Opcode::Fabs => F64(a & !(1 << 63)),
                    Opcode::Fneg => F64(a ^ (1 << 63)),
                    Opcode::Fsqrt => f64n(x.sqrt(), &[*a]),
                    Opcode::Fceil => f64n(x.ceil(), &[*a]),
                    Opcode::Ffloor => f64n(x.floor(), &[*a]),
                    Opcode::Ftrunc => f64n(x.trunc(), &[*a]),
                    _ => f64n(x.round_ties_even(), &[*a]),
                })
            }
            _ => None,
        },
        Opcode::Ireduce => match (ty, args) {
            (Type::I32, [I64(a)]) => Some(I32(*a as u32)),
            _ => None,
        },
        Opcode::Sextend => match (ty, args) {
            (Type::I64, [I32(a)]) => Some(I64(*a as i32 as i64 as u64)),
            _ => None,
        },
        Opcode::Uextend => match (ty, args) {
            (Type::I64, [I32(a)]) => Some(I64(*a as u64)),
            _ => None,
        },
        Opcode::Sext8 => int1().and_then(|(a, w)| r(((a as u8 as i8 as i64) as u64) & mask(w))),
        Opcode::Sext16 => int1().and_then(|(a, w)| r(((a as u16 as i16 as i64) as u64) & mask(w))),
        Opcode::Sext32 => match (ty, args) {
            (Type::I64, [I64(a)]) => Some(I64(*a as u32 as i32 as i64 as u64)),
            _ => None,
        },
        Opcode::FcvtToSint | Opcode::FcvtToUint => {
            let Some((x, _)) = args.first().and_then(|c| float_of(*c)) else {
                return Ok(None);
            };
            let bits = match ty {
                Type::I32 => 32,
                Type::I64 => 64,
                Type::F32 | Type::F64 | Type::FuncRef | Type::ExternRef => return Ok(None),
            };
            if x.is_nan() {
                return Err(TrapCode::BadConversionToInteger);
            }
            match trunc_checked(x, opcode == Opcode::FcvtToSint, bits) {
                Some(v) => r(v),
                None => return Err(TrapCode::IntegerOverflow),
            }
        }
        Opcode::FcvtToSintSat | Opcode::FcvtToUintSat => {
            let Some((x, _)) = args.first().and_then(|c| float_of(*c)) else {
                return Ok(None);
            };
            let bits = match ty {
                Type::I32 => 32,
                Type::I64 => 64,
                Type::F32 | Type::F64 | Type::FuncRef | Type::ExternRef => return Ok(None),
            };
            r(trunc_sat(x, opcode == Opcode::FcvtToSintSat, bits))
        }
        Opcode::FcvtFromSint | Opcode::FcvtFromUint => {
            let signed = opcode == Opcode::FcvtFromSint;
            // Rust's int → float `as` rounds to nearest, ties to even, as wasm does.
            match (ty, args) {
                (Type::F32, [I32(a)]) => Some(F32(if signed { *a as i32 as f32 } else { *a as f32 }.to_bits())),
                (Type::F32, [I64(a)]) => Some(F32(if signed { *a as i64 as f32 } else { *a as f32 }.to_bits())),
                (Type::F64, [I32(a)]) => Some(F64(if signed { *a as i32 as f64 } else { *a as f64 }.to_bits())),
                (Type::F64, [I64(a)]) => Some(F64(if signed { *a as i64 as f64 } else { *a as f64 }.to_bits())),
                _ => None,
            }
        }
        Opcode::Fpromote => match (ty, args) {
            // NaN: sign and top payload bits kept, quiet bit set (as the interpreter).
            (Type::F64, [F32(a)]) if f32::from_bits(*a).is_nan() => {
                Some(F64(((*a as u64 & 0x8000_0000) << 32) | F64_CANON_NAN | ((*a as u64 & 0x007f_ffff) << 29)))
            }
            (Type::F64, [F32(a)]) => Some(F64((f32::from_bits(*a) as f64).to_bits())),
            _ => None,
        },
        Opcode::Fdemote => match (ty, args) {
            (Type::F32, [F64(a)]) if f64::from_bits(*a).is_nan() => {
                Some(F32((((*a >> 32) & 0x8000_0000) as u32) | F32_CANON_NAN | (((*a >> 29) & 0x007f_ffff) as u32)))
            }
            (Type::F32, [F64(a)]) => Some(F32((f64::from_bits(*a) as f32).to_bits())),
            _ => None,
        },
        Opcode::Bitcast => match (ty, args) {
            (Type::F32, [I32(a)]) => Some(F32(*a)),
            (Type::I32, [F32(a)]) => Some(I32(*a)),
            (Type::F64, [I64(a)]) => Some(F64(*a)),
            (Type::I64, [F64(a)]) => Some(I64(*a)),
            _ => None,
        },
        // Constants are already folded; `select` and `copy` forward an operand (the
        // caller decides); the rest is not a computation on numbers.
        Opcode::Iconst
        | Opcode::Fconst
        | Opcode::RefNull
        | Opcode::RefFunc
        | Opcode::RefIsNull
        | Opcode::Copy
        | Opcode::Select
        | Opcode::Load
        | Opcode::Uload8
        | Opcode::Sload8
        | Opcode::Uload16
        | Opcode::Sload16
        | Opcode::Uload32
        | Opcode::Sload32
        | Opcode::Store
        | Opcode::Istore8
        | Opcode::Istore16
        | Opcode::Istore32
        | Opcode::MemorySize
        | Opcode::MemoryGrow
        | Opcode::MemoryFill
        | Opcode::MemoryCopy
        | Opcode::MemoryInit
        | Opcode::DataDrop
        | Opcode::GlobalGet
        | Opcode::GlobalSet
        | Opcode::TableGet
        | Opcode::TableSet
        | Opcode::TableSize
        | Opcode::TableGrow
        | Opcode::TableFill
        | Opcode::TableCopy
        | Opcode::TableInit
        | Opcode::ElemDrop
        | Opcode::Call
        | Opcode::CallIndirect
        | Opcode::Jump
        | Opcode::Brif
        | Opcode::BrTable
        | Opcode::Return
        | Opcode::Trap => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use Const::*;

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
