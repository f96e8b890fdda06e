//! The one definition of wasm numerics at the level of opcodes: what a computation on
//! numbers (integer and float arithmetic, comparisons, conversions) gives for operand
//! values, or which trap it raises.
//!
//! The interpreter's instruction loop evaluates every such opcode here, and constant
//! folding and the e-graph's analysis (in `wlab-passes`) call [`eval`] too, so folding
//! and running can never disagree. The arithmetic itself is in [`super::int`],
//! [`super::float`] and [`super::convert`]. This file never touches an
//! [`super::Env`], a value table or an instruction.

use super::convert;
use super::float::Float;
use super::int::Int;
use super::val::Val;
use crate::instructions::{Imm, TrapCode};
use crate::opcode::Opcode;
use crate::types::Type;

/// Why a number operation gave no value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NumError {
    /// The operation traps on these operands.
    Trap(TrapCode),
    /// Not a computation on numbers (constants, `copy`, `select`, memory, state, calls,
    /// control), or operands, controlling type or immediate that do not fit the opcode.
    NotNumeric,
}

/// Evaluates `op` (controlling type `ty`, immediate `imm`) on `args` with wasm
/// semantics.
pub fn eval(op: Opcode, ty: Option<Type>, imm: &Imm, args: &[Val]) -> Result<Val, NumError> {
    if let Opcode::Simd(s) = op {
        return super::simd_numeric::eval(s, imm, args);
    }
    let want = op.info().operands.fixed().map_or(usize::MAX, <[_]>::len);
    match *args {
        [x] if want == 1 => eval_xy(op, ty, imm, x, x),
        [x, y] if want == 2 => eval_xy(op, ty, imm, x, y),
        _ => Err(NumError::NotNumeric),
    }
}

/// [`eval`] for a caller that knows the arity: `y` is the second operand of a binary
/// operation and ignored by a unary one. Always inlined: the interpreter's loop calls it
/// once per number operation.
#[inline(always)]
pub fn eval_xy(op: Opcode, ty: Option<Type>, imm: &Imm, x: Val, y: Val) -> Result<Val, NumError> {
    use NumError::NotNumeric as No;
    use Val::{F32, F64, I32, I64};
    let t = |r: Result<Val, TrapCode>| r.map_err(NumError::Trap);
    // Integer binary operation, written once for both widths.
    macro_rules! ibin {
        ($a:ident, $b:ident => $e:expr) => {
            match (x, y) {
                (I32($a), I32($b)) => Ok(I32($e)),
                (I64($a), I64($b)) => Ok(I64($e)),
                _ => Err(No),
            }
        };
    }
    // Trapping integer binary operation.
    macro_rules! itrap {
        ($f:path) => {
            match (x, y) {
                (I32(a), I32(b)) => t($f(a, b).map(I32)),
                (I64(a), I64(b)) => t($f(a, b).map(I64)),
                _ => Err(No),
            }
        };
    }
    macro_rules! iun {
        ($a:ident => $e:expr) => {
            match x {
                I32($a) => Ok(I32($e)),
                I64($a) => Ok(I64($e)),
                _ => Err(No),
            }
        };
    }
    // Float binary operation on the bits, written once for both widths.
    macro_rules! fbin {
        ($f:path) => {
            match (x, y) {
                (F32(a), F32(b)) => Ok(F32($f(f32::from_bits(a), f32::from_bits(b)).to_bits())),
                (F64(a), F64(b)) => Ok(F64($f(f64::from_bits(a), f64::from_bits(b)).to_bits())),
                _ => Err(No),
            }
        };
    }
    macro_rules! fun {
        ($f:path) => {
            match x {
                F32(a) => Ok(F32($f(f32::from_bits(a)).to_bits())),
                F64(a) => Ok(F64($f(f64::from_bits(a)).to_bits())),
                _ => Err(No),
            }
        };
    }
    // The float operand widened to f64 (exact), for conversions to integers.
    let float_x = || match x {
        F32(b) => Ok(f32::from_bits(b) as f64),
        F64(b) => Ok(f64::from_bits(b)),
        _ => Err(No),
    };
    match op {
        // ---- integer arithmetic --------------------------------------------------------
        Opcode::Iadd => ibin!(a, b => a.wrapping_add(b)),
        Opcode::Isub => ibin!(a, b => a.wrapping_sub(b)),
        Opcode::Imul => ibin!(a, b => a.wrapping_mul(b)),
        Opcode::Sdiv => itrap!(Int::sdiv),
        Opcode::Udiv => itrap!(Int::udiv),
        Opcode::Srem => itrap!(Int::srem),
        Opcode::Urem => itrap!(Int::urem),
        Opcode::Band => ibin!(a, b => a & b),
        Opcode::Bor => ibin!(a, b => a | b),
        Opcode::Bxor => ibin!(a, b => a ^ b),
        Opcode::Ishl => ibin!(a, b => Int::shl(a, b)),
        Opcode::Ushr => ibin!(a, b => Int::ushr(a, b)),
        Opcode::Sshr => ibin!(a, b => Int::sshr(a, b)),
        Opcode::Rotl => ibin!(a, b => Int::rotl(a, b)),
        Opcode::Rotr => ibin!(a, b => Int::rotr(a, b)),
        Opcode::Clz => iun!(a => Int::clz(a)),
        Opcode::Ctz => iun!(a => Int::ctz(a)),
        Opcode::Popcnt => iun!(a => Int::popcnt(a)),
        Opcode::Eqz => match x {
            I32(a) => Ok(I32(a.is_zero() as i32)),
            I64(a) => Ok(I32(a.is_zero() as i32)),
            _ => Err(No),
        },
        Opcode::Icmp => match (imm, x, y) {
            (Imm::IntCC(cc), I32(a), I32(b)) => Ok(I32(a.cmp_cc(*cc, b) as i32)),
            (Imm::IntCC(cc), I64(a), I64(b)) => Ok(I32(a.cmp_cc(*cc, b) as i32)),
            _ => Err(No),
        },

        // ---- float arithmetic ----------------------------------------------------------
        Opcode::Fadd => fbin!(Float::add),
        Opcode::Fsub => fbin!(Float::sub),
        Opcode::Fmul => fbin!(Float::mul),
        Opcode::Fdiv => fbin!(Float::div),
        Opcode::Fmin => fbin!(Float::wasm_min),
        Opcode::Fmax => fbin!(Float::wasm_max),
        Opcode::Fcopysign => fbin!(Float::copysign_bits),
        Opcode::Fabs => fun!(Float::abs_bits),
        Opcode::Fneg => fun!(Float::neg_bits),
        Opcode::Fsqrt => fun!(Float::sqrt_),
        Opcode::Fceil => fun!(Float::ceil_),
        Opcode::Ffloor => fun!(Float::floor_),
        Opcode::Ftrunc => fun!(Float::trunc_),
        Opcode::Fnearest => fun!(Float::nearest),
        Opcode::Fcmp => match (imm, x, y) {
            (Imm::FloatCC(cc), F32(a), F32(b)) => Ok(I32(f32::from_bits(a).cmp_cc(*cc, f32::from_bits(b)) as i32)),
            (Imm::FloatCC(cc), F64(a), F64(b)) => Ok(I32(f64::from_bits(a).cmp_cc(*cc, f64::from_bits(b)) as i32)),
            _ => Err(No),
        },

        // ---- conversions ---------------------------------------------------------------
        Opcode::Ireduce => match (ty, x) {
            (Some(Type::I32), I64(a)) => Ok(I32(a as i32)),
            _ => Err(No),
        },
        Opcode::Sextend => match (ty, x) {
            (Some(Type::I64), I32(a)) => Ok(I64(a as i64)),
            _ => Err(No),
        },
        Opcode::Uextend => match (ty, x) {
            (Some(Type::I64), I32(a)) => Ok(I64(a as u32 as i64)),
            _ => Err(No),
        },
        Opcode::Sext8 => iun!(a => Int::sext8(a)),
        Opcode::Sext16 => iun!(a => Int::sext16(a)),
        Opcode::Sext32 => match (ty, x) {
            (Some(Type::I64), I64(a)) => Ok(I64(a as i32 as i64)),
            _ => Err(No),
        },
        Opcode::FcvtToSint => match ty {
            Some(Type::I32) => t(convert::to_i32(float_x()?).map(I32)),
            Some(Type::I64) => t(convert::to_i64(float_x()?).map(I64)),
            _ => Err(No),
        },
        Opcode::FcvtToUint => match ty {
            Some(Type::I32) => t(convert::to_u32(float_x()?).map(I32)),
            Some(Type::I64) => t(convert::to_u64(float_x()?).map(I64)),
            _ => Err(No),
        },
        Opcode::FcvtToSintSat => match ty {
            Some(Type::I32) => Ok(I32(convert::to_i32_sat(float_x()?))),
            Some(Type::I64) => Ok(I64(convert::to_i64_sat(float_x()?))),
            _ => Err(No),
        },
        Opcode::FcvtToUintSat => match ty {
            Some(Type::I32) => Ok(I32(convert::to_u32_sat(float_x()?))),
            Some(Type::I64) => Ok(I64(convert::to_u64_sat(float_x()?))),
            _ => Err(No),
        },
        // Rust's int → float `as` rounds to nearest, ties to even, as wasm does.
        Opcode::FcvtFromSint => match (ty, x) {
            (Some(Type::F32), I32(a)) => Ok(F32((a as f32).to_bits())),
            (Some(Type::F32), I64(a)) => Ok(F32((a as f32).to_bits())),
            (Some(Type::F64), I32(a)) => Ok(F64((a as f64).to_bits())),
            (Some(Type::F64), I64(a)) => Ok(F64((a as f64).to_bits())),
            _ => Err(No),
        },
        Opcode::FcvtFromUint => match (ty, x) {
            (Some(Type::F32), I32(a)) => Ok(F32((a as u32 as f32).to_bits())),
            (Some(Type::F32), I64(a)) => Ok(F32((a as u64 as f32).to_bits())),
            (Some(Type::F64), I32(a)) => Ok(F64((a as u32 as f64).to_bits())),
            (Some(Type::F64), I64(a)) => Ok(F64((a as u64 as f64).to_bits())),
            _ => Err(No),
        },
        Opcode::Fpromote => match (ty, x) {
            (Some(Type::F64), F32(b)) => Ok(F64(convert::promote(f32::from_bits(b)).to_bits())),
            _ => Err(No),
        },
        Opcode::Fdemote => match (ty, x) {
            (Some(Type::F32), F64(b)) => Ok(F32(convert::demote(f64::from_bits(b)).to_bits())),
            _ => Err(No),
        },
        Opcode::Bitcast => match (ty, x) {
            (Some(Type::I32), F32(b)) => Ok(I32(b as i32)),
            (Some(Type::I64), F64(b)) => Ok(I64(b as i64)),
            (Some(Type::F32), I32(a)) => Ok(F32(a as u32)),
            (Some(Type::F64), I64(a)) => Ok(F64(a as u64)),
            _ => Err(No),
        },

        // Constants, copies and selects define or forward a value without computing on
        // it; the rest is not a computation on numbers.
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
        | Opcode::Trap => Err(No),
        // Lane operations: one or two operands here; `eval` takes any number.
        Opcode::Simd(s) => match op.info().operands.fixed().map_or(0, <[_]>::len) {
            1 => super::simd_numeric::eval(s, imm, &[x]),
            2 => super::simd_numeric::eval(s, imm, &[x, y]),
            _ => Err(No),
        },
    }
}
