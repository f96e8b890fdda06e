//! The one definition of wasm's fixed-width SIMD semantics: what each lane operation
//! gives for operand values, and how the SIMD memory operations turn bytes into a
//! vector and back.
//!
//! Lane arithmetic reuses the scalar definitions wherever wasm defines the lane by the
//! scalar operation: float lanes go through [`super::float::Float`] (NaN propagation,
//! `min`/`max` with NaN and `-0 < +0`, `nearest` ties to even), saturating truncation
//! and promote/demote through [`super::convert`]. What only SIMD has is written here:
//! saturating add/sub and narrowing, `avgr_u`, `q15mulr_sat_s`, `dot`, `extmul`,
//! `extadd_pairwise`, `popcnt` per byte, `bitmask`, `swizzle` (an index of 16 or more
//! gives 0), `shuffle`, `pmin`/`pmax` (`b < a ? b : a`, no NaN rule), and shifts taken
//! modulo the lane width.
//!
//! A vector is 16 bytes, lane 0 first (wasm's little-endian lane order). This file is
//! pure: it never touches an [`super::Env`], memory, an instruction or a value table;
//! bounds checks stay with the caller (the interpreter's loop).

use super::convert;
use super::float::Float;
use super::numeric::NumError;
use super::val::Val;
use crate::instructions::{FloatCC, Imm};
use crate::simd::SimdOp;

/// A 128-bit vector value: 16 bytes, lane 0 first.
pub type V128 = [u8; 16];

/// One lane type: how it sits in the vector's bytes.
trait Lane: Copy {
    const W: usize;
    fn read(b: &[u8]) -> Self;
    fn write(self, b: &mut [u8]);
}

macro_rules! lane {
    ($($t:ty),*) => {$(
        impl Lane for $t {
            const W: usize = std::mem::size_of::<$t>();
            #[inline]
            fn read(b: &[u8]) -> Self {
                <$t>::from_le_bytes(b[..Self::W].try_into().expect("lane width"))
            }
            #[inline]
            fn write(self, b: &mut [u8]) {
                b[..Self::W].copy_from_slice(&self.to_le_bytes());
            }
        }
    )*};
}
lane!(i8, u8, i16, u16, i32, u32, i64, u64, f32, f64);

/// The lanes of `v` as `N` lanes of `T`.
#[inline]
fn get<T: Lane, const N: usize>(v: &V128) -> [T; N] {
    debug_assert_eq!(N * T::W, 16);
    std::array::from_fn(|i| T::read(&v[i * T::W..]))
}

/// The vector made of these lanes.
#[inline]
fn put<T: Lane, const N: usize>(lanes: [T; N]) -> V128 {
    debug_assert_eq!(N * T::W, 16);
    let mut v = [0u8; 16];
    for (i, l) in lanes.into_iter().enumerate() {
        l.write(&mut v[i * T::W..]);
    }
    v
}

#[inline]
fn map<T: Lane, const N: usize>(a: &V128, f: impl Fn(T) -> T) -> V128 {
    put(get::<T, N>(a).map(f))
}

#[inline]
fn zip<T: Lane, const N: usize>(a: &V128, b: &V128, f: impl Fn(T, T) -> T) -> V128 {
    let (x, y) = (get::<T, N>(a), get::<T, N>(b));
    put::<T, N>(std::array::from_fn(|i| f(x[i], y[i])))
}

/// A lane-wise comparison: all ones where `f` holds, zero elsewhere.
#[inline]
fn cmp<T: Lane, M: Lane + Default + std::ops::Not<Output = M>, const N: usize>(
    a: &V128,
    b: &V128,
    f: impl Fn(T, T) -> bool,
) -> V128 {
    let (x, y) = (get::<T, N>(a), get::<T, N>(b));
    put::<M, N>(std::array::from_fn(|i| if f(x[i], y[i]) { !M::default() } else { M::default() }))
}

/// `N` wide lanes from the `N` narrow lanes starting at lane `from`.
#[inline]
fn widen<T: Lane, W: Lane, const NT: usize, const N: usize>(a: &V128, from: usize, f: impl Fn(T) -> W) -> [W; N] {
    let x = get::<T, NT>(a);
    std::array::from_fn(|i| f(x[from + i]))
}

/// The high bit of each lane, lane 0 in bit 0.
#[inline]
fn bitmask<T: Lane + Into<i64>, const N: usize>(a: &V128) -> i32 {
    get::<T, N>(a).iter().enumerate().fold(0, |m, (i, &l)| m | (((l.into() < 0) as i32) << i))
}

#[inline]
fn all_true<T: Lane + Default + PartialEq, const N: usize>(a: &V128) -> i32 {
    get::<T, N>(a).iter().all(|&l| l != T::default()) as i32
}

/// Saturates a wide value to a narrower signed or unsigned range.
#[inline]
fn sat(x: i64, lo: i64, hi: i64) -> i64 {
    x.clamp(lo, hi)
}

/// Float comparison on lanes (false with a NaN, except `ne`).
#[inline]
fn fcmp32(a: &V128, b: &V128, cc: FloatCC) -> V128 {
    cmp::<f32, u32, 4>(a, b, |x, y| x.cmp_cc(cc, y))
}

#[inline]
fn fcmp64(a: &V128, b: &V128, cc: FloatCC) -> V128 {
    cmp::<f64, u64, 2>(a, b, |x, y| x.cmp_cc(cc, y))
}

/// The shift amount of a lane shift: the i32 operand modulo the lane width.
#[inline]
fn amount(x: i32, bits: u32) -> u32 {
    (x as u32) % bits
}

/// Evaluates the non-memory SIMD operation `op` (immediate `imm`) on `args`.
///
/// Memory operations ([`SimdOp::info`]'s access column is not `None`) are
/// [`NumError::NotNumeric`]: the caller reads or writes the bytes and uses [`load`] /
/// [`store_bytes`]. Operands that do not fit the row are [`NumError::NotNumeric`] too.
/// No SIMD operation traps.
pub fn eval(op: SimdOp, imm: &Imm, args: &[Val]) -> Result<Val, NumError> {
    use NumError::NotNumeric as No;
    use SimdOp as S;
    let v = |i: usize| match args.get(i) {
        Some(Val::V128(x)) => Ok(*x),
        _ => Err(No),
    };
    let i32_ = |i: usize| match args.get(i) {
        Some(Val::I32(x)) => Ok(*x),
        _ => Err(No),
    };
    let i64_ = |i: usize| match args.get(i) {
        Some(Val::I64(x)) => Ok(*x),
        _ => Err(No),
    };
    let f32_ = |i: usize| match args.get(i) {
        Some(Val::F32(x)) => Ok(f32::from_bits(*x)),
        _ => Err(No),
    };
    let f64_ = |i: usize| match args.get(i) {
        Some(Val::F64(x)) => Ok(f64::from_bits(*x)),
        _ => Err(No),
    };
    let lane = || match *imm {
        Imm::Lane(l) if (l as u32) < op.lane_count() => Ok(l as usize),
        _ => Err(No),
    };
    let want = op.info().operands.fixed().map_or(0, <[_]>::len);
    if args.len() != want {
        return Err(No);
    }
    let vec = |x: V128| Ok(Val::V128(x));
    // A unary, binary or comparison lane operation on operands 0 (and 1).
    macro_rules! un {
        ($t:ty, $n:literal, $f:expr) => {
            vec(map::<$t, $n>(&v(0)?, $f))
        };
    }
    macro_rules! bin {
        ($t:ty, $n:literal, $f:expr) => {
            vec(zip::<$t, $n>(&v(0)?, &v(1)?, $f))
        };
    }
    macro_rules! icmp {
        ($t:ty, $m:ty, $n:literal, $f:expr) => {
            vec(cmp::<$t, $m, $n>(&v(0)?, &v(1)?, $f))
        };
    }
    macro_rules! shift {
        ($t:ty, $n:literal, $bits:literal, |$x:ident, $s:ident| $e:expr) => {{
            let $s = amount(i32_(1)?, $bits);
            vec(map::<$t, $n>(&v(0)?, |$x| $e))
        }};
    }
    match op {
        // ---- memory: the caller's (see `load` / `store_bytes`) ---------------------
        S::V128Load
        | S::V128Load8x8S
        | S::V128Load8x8U
        | S::V128Load16x4S
        | S::V128Load16x4U
        | S::V128Load32x2S
        | S::V128Load32x2U
        | S::V128Load8Splat
        | S::V128Load16Splat
        | S::V128Load32Splat
        | S::V128Load64Splat
        | S::V128Load32Zero
        | S::V128Load64Zero
        | S::V128Store
        | S::V128Load8Lane
        | S::V128Load16Lane
        | S::V128Load32Lane
        | S::V128Load64Lane
        | S::V128Store8Lane
        | S::V128Store16Lane
        | S::V128Store32Lane
        | S::V128Store64Lane => Err(No),

        // ---- constants, shuffles, lanes ---------------------------------------------
        S::V128Const => match *imm {
            Imm::V128(x) => vec(x),
            _ => Err(No),
        },
        S::I8x16Shuffle => match *imm {
            Imm::Shuffle(s) if s.iter().all(|&i| i < 32) => {
                let (a, b) = (v(0)?, v(1)?);
                vec(std::array::from_fn(|i| {
                    let k = s[i] as usize;
                    if k < 16 {
                        a[k]
                    } else {
                        b[k - 16]
                    }
                }))
            }
            _ => Err(No),
        },
        S::I8x16Swizzle => {
            let (a, s) = (v(0)?, v(1)?);
            vec(std::array::from_fn(|i| a.get(s[i] as usize).copied().unwrap_or(0)))
        }
        S::I8x16ExtractLaneS => Ok(Val::I32(get::<i8, 16>(&v(0)?)[lane()?] as i32)),
        S::I8x16ExtractLaneU => Ok(Val::I32(get::<u8, 16>(&v(0)?)[lane()?] as i32)),
        S::I16x8ExtractLaneS => Ok(Val::I32(get::<i16, 8>(&v(0)?)[lane()?] as i32)),
        S::I16x8ExtractLaneU => Ok(Val::I32(get::<u16, 8>(&v(0)?)[lane()?] as i32)),
        S::I32x4ExtractLane => Ok(Val::I32(get::<i32, 4>(&v(0)?)[lane()?])),
        S::I64x2ExtractLane => Ok(Val::I64(get::<i64, 2>(&v(0)?)[lane()?])),
        S::F32x4ExtractLane => Ok(Val::F32(get::<u32, 4>(&v(0)?)[lane()?])),
        S::F64x2ExtractLane => Ok(Val::F64(get::<u64, 2>(&v(0)?)[lane()?])),
        S::I8x16ReplaceLane => {
            let mut l = get::<u8, 16>(&v(0)?);
            l[lane()?] = i32_(1)? as u8;
            vec(put(l))
        }
        S::I16x8ReplaceLane => {
            let mut l = get::<u16, 8>(&v(0)?);
            l[lane()?] = i32_(1)? as u16;
            vec(put(l))
        }
        S::I32x4ReplaceLane => {
            let mut l = get::<i32, 4>(&v(0)?);
            l[lane()?] = i32_(1)?;
            vec(put(l))
        }
        S::I64x2ReplaceLane => {
            let mut l = get::<i64, 2>(&v(0)?);
            l[lane()?] = i64_(1)?;
            vec(put(l))
        }
        S::F32x4ReplaceLane => {
            let mut l = get::<u32, 4>(&v(0)?);
            l[lane()?] = f32_(1)?.to_bits();
            vec(put(l))
        }
        S::F64x2ReplaceLane => {
            let mut l = get::<u64, 2>(&v(0)?);
            l[lane()?] = f64_(1)?.to_bits();
            vec(put(l))
        }
        S::I8x16Splat => vec(put([i32_(0)? as u8; 16])),
        S::I16x8Splat => vec(put([i32_(0)? as u16; 8])),
        S::I32x4Splat => vec(put([i32_(0)?; 4])),
        S::I64x2Splat => vec(put([i64_(0)?; 2])),
        S::F32x4Splat => vec(put([f32_(0)?.to_bits(); 4])),
        S::F64x2Splat => vec(put([f64_(0)?.to_bits(); 2])),

        // ---- comparisons --------------------------------------------------------------
        S::I8x16Eq => icmp!(i8, u8, 16, |a, b| a == b),
        S::I8x16Ne => icmp!(i8, u8, 16, |a, b| a != b),
        S::I8x16LtS => icmp!(i8, u8, 16, |a, b| a < b),
        S::I8x16LtU => icmp!(u8, u8, 16, |a, b| a < b),
        S::I8x16GtS => icmp!(i8, u8, 16, |a, b| a > b),
        S::I8x16GtU => icmp!(u8, u8, 16, |a, b| a > b),
        S::I8x16LeS => icmp!(i8, u8, 16, |a, b| a <= b),
        S::I8x16LeU => icmp!(u8, u8, 16, |a, b| a <= b),
        S::I8x16GeS => icmp!(i8, u8, 16, |a, b| a >= b),
        S::I8x16GeU => icmp!(u8, u8, 16, |a, b| a >= b),
        S::I16x8Eq => icmp!(i16, u16, 8, |a, b| a == b),
        S::I16x8Ne => icmp!(i16, u16, 8, |a, b| a != b),
        S::I16x8LtS => icmp!(i16, u16, 8, |a, b| a < b),
        S::I16x8LtU => icmp!(u16, u16, 8, |a, b| a < b),
        S::I16x8GtS => icmp!(i16, u16, 8, |a, b| a > b),
        S::I16x8GtU => icmp!(u16, u16, 8, |a, b| a > b),
        S::I16x8LeS => icmp!(i16, u16, 8, |a, b| a <= b),
        S::I16x8LeU => icmp!(u16, u16, 8, |a, b| a <= b),
        S::I16x8GeS => icmp!(i16, u16, 8, |a, b| a >= b),
        S::I16x8GeU => icmp!(u16, u16, 8, |a, b| a >= b),
        S::I32x4Eq => icmp!(i32, u32, 4, |a, b| a == b),
        S::I32x4Ne => icmp!(i32, u32, 4, |a, b| a != b),
        S::I32x4LtS => icmp!(i32, u32, 4, |a, b| a < b),
        S::I32x4LtU => icmp!(u32, u32, 4, |a, b| a < b),
        S::I32x4GtS => icmp!(i32, u32, 4, |a, b| a > b),
        S::I32x4GtU => icmp!(u32, u32, 4, |a, b| a > b),
        S::I32x4LeS => icmp!(i32, u32, 4, |a, b| a <= b),
        S::I32x4LeU => icmp!(u32, u32, 4, |a, b| a <= b),
        S::I32x4GeS => icmp!(i32, u32, 4, |a, b| a >= b),
        S::I32x4GeU => icmp!(u32, u32, 4, |a, b| a >= b),
        S::I64x2Eq => icmp!(i64, u64, 2, |a, b| a == b),
        S::I64x2Ne => icmp!(i64, u64, 2, |a, b| a != b),
        S::I64x2LtS => icmp!(i64, u64, 2, |a, b| a < b),
        S::I64x2GtS => icmp!(i64, u64, 2, |a, b| a > b),
        S::I64x2LeS => icmp!(i64, u64, 2, |a, b| a <= b),
        S::I64x2GeS => icmp!(i64, u64, 2, |a, b| a >= b),
        S::F32x4Eq => vec(fcmp32(&v(0)?, &v(1)?, FloatCC::Eq)),
        S::F32x4Ne => vec(fcmp32(&v(0)?, &v(1)?, FloatCC::Ne)),
        S::F32x4Lt => vec(fcmp32(&v(0)?, &v(1)?, FloatCC::Lt)),
        S::F32x4Gt => vec(fcmp32(&v(0)?, &v(1)?, FloatCC::Gt)),
        S::F32x4Le => vec(fcmp32(&v(0)?, &v(1)?, FloatCC::Le)),
        S::F32x4Ge => vec(fcmp32(&v(0)?, &v(1)?, FloatCC::Ge)),
        S::F64x2Eq => vec(fcmp64(&v(0)?, &v(1)?, FloatCC::Eq)),
        S::F64x2Ne => vec(fcmp64(&v(0)?, &v(1)?, FloatCC::Ne)),
        S::F64x2Lt => vec(fcmp64(&v(0)?, &v(1)?, FloatCC::Lt)),
        S::F64x2Gt => vec(fcmp64(&v(0)?, &v(1)?, FloatCC::Gt)),
        S::F64x2Le => vec(fcmp64(&v(0)?, &v(1)?, FloatCC::Le)),
        S::F64x2Ge => vec(fcmp64(&v(0)?, &v(1)?, FloatCC::Ge)),

        // ---- bitwise --------------------------------------------------------------------
        S::V128Not => un!(u64, 2, |a| !a),
        S::V128And => bin!(u64, 2, |a, b| a & b),
        S::V128AndNot => bin!(u64, 2, |a, b| a & !b),
        S::V128Or => bin!(u64, 2, |a, b| a | b),
        S::V128Xor => bin!(u64, 2, |a, b| a ^ b),
        S::V128Bitselect => {
            let (a, b, c) = (get::<u64, 2>(&v(0)?), get::<u64, 2>(&v(1)?), get::<u64, 2>(&v(2)?));
            vec(put::<u64, 2>(std::array::from_fn(|i| (a[i] & c[i]) | (b[i] & !c[i]))))
        }
        S::V128AnyTrue => Ok(Val::I32(v(0)?.iter().any(|&b| b != 0) as i32)),
        S::I8x16AllTrue => Ok(Val::I32(all_true::<u8, 16>(&v(0)?))),
        S::I16x8AllTrue => Ok(Val::I32(all_true::<u16, 8>(&v(0)?))),
        S::I32x4AllTrue => Ok(Val::I32(all_true::<u32, 4>(&v(0)?))),
        S::I64x2AllTrue => Ok(Val::I32(all_true::<u64, 2>(&v(0)?))),
        S::I8x16Bitmask => Ok(Val::I32(bitmask::<i8, 16>(&v(0)?))),
        S::I16x8Bitmask => Ok(Val::I32(bitmask::<i16, 8>(&v(0)?))),
        S::I32x4Bitmask => Ok(Val::I32(bitmask::<i32, 4>(&v(0)?))),
        S::I64x2Bitmask => Ok(Val::I32(bitmask::<i64, 2>(&v(0)?))),

        // ---- shifts (the amount modulo the lane width) ------------------------------
        S::I8x16Shl => shift!(u8, 16, 8, |x, s| x << s),
        S::I8x16ShrS => shift!(i8, 16, 8, |x, s| x >> s),
        S::I8x16ShrU => shift!(u8, 16, 8, |x, s| x >> s),
        S::I16x8Shl => shift!(u16, 8, 16, |x, s| x << s),
        S::I16x8ShrS => shift!(i16, 8, 16, |x, s| x >> s),
        S::I16x8ShrU => shift!(u16, 8, 16, |x, s| x >> s),
        S::I32x4Shl => shift!(u32, 4, 32, |x, s| x << s),
        S::I32x4ShrS => shift!(i32, 4, 32, |x, s| x >> s),
        S::I32x4ShrU => shift!(u32, 4, 32, |x, s| x >> s),
        S::I64x2Shl => shift!(u64, 2, 64, |x, s| x << s),
        S::I64x2ShrS => shift!(i64, 2, 64, |x, s| x >> s),
        S::I64x2ShrU => shift!(u64, 2, 64, |x, s| x >> s),

        // ---- narrowing and widening -------------------------------------------------
        S::I8x16NarrowI16x8S | S::I8x16NarrowI16x8U => {
            let (a, b) = (get::<i16, 8>(&v(0)?), get::<i16, 8>(&v(1)?));
            let (lo, hi) = if op == S::I8x16NarrowI16x8S { (-128, 127) } else { (0, 255) };
            vec(std::array::from_fn(|i| sat(if i < 8 { a[i] } else { b[i - 8] } as i64, lo, hi) as u8))
        }
        S::I16x8NarrowI32x4S | S::I16x8NarrowI32x4U => {
            let (a, b) = (get::<i32, 4>(&v(0)?), get::<i32, 4>(&v(1)?));
            let (lo, hi) = if op == S::I16x8NarrowI32x4S { (-32768, 32767) } else { (0, 65535) };
            vec(put::<u16, 8>(std::array::from_fn(|i| sat(if i < 4 { a[i] } else { b[i - 4] } as i64, lo, hi) as u16)))
        }
        S::I16x8ExtendLowI8x16S => vec(put(widen::<i8, i16, 16, 8>(&v(0)?, 0, i16::from))),
        S::I16x8ExtendHighI8x16S => vec(put(widen::<i8, i16, 16, 8>(&v(0)?, 8, i16::from))),
        S::I16x8ExtendLowI8x16U => vec(put(widen::<u8, u16, 16, 8>(&v(0)?, 0, u16::from))),
        S::I16x8ExtendHighI8x16U => vec(put(widen::<u8, u16, 16, 8>(&v(0)?, 8, u16::from))),
        S::I32x4ExtendLowI16x8S => vec(put(widen::<i16, i32, 8, 4>(&v(0)?, 0, i32::from))),
        S::I32x4ExtendHighI16x8S => vec(put(widen::<i16, i32, 8, 4>(&v(0)?, 4, i32::from))),
        S::I32x4ExtendLowI16x8U => vec(put(widen::<u16, u32, 8, 4>(&v(0)?, 0, u32::from))),
        S::I32x4ExtendHighI16x8U => vec(put(widen::<u16, u32, 8, 4>(&v(0)?, 4, u32::from))),
        S::I64x2ExtendLowI32x4S => vec(put(widen::<i32, i64, 4, 2>(&v(0)?, 0, i64::from))),
        S::I64x2ExtendHighI32x4S => vec(put(widen::<i32, i64, 4, 2>(&v(0)?, 2, i64::from))),
        S::I64x2ExtendLowI32x4U => vec(put(widen::<u32, u64, 4, 2>(&v(0)?, 0, u64::from))),
        S::I64x2ExtendHighI32x4U => vec(put(widen::<u32, u64, 4, 2>(&v(0)?, 2, u64::from))),
        S::I16x8ExtAddPairwiseI8x16S => {
            let a = get::<i8, 16>(&v(0)?);
            vec(put::<i16, 8>(std::array::from_fn(|i| a[2 * i] as i16 + a[2 * i + 1] as i16)))
        }
        S::I16x8ExtAddPairwiseI8x16U => {
            let a = get::<u8, 16>(&v(0)?);
            vec(put::<u16, 8>(std::array::from_fn(|i| a[2 * i] as u16 + a[2 * i + 1] as u16)))
        }
        S::I32x4ExtAddPairwiseI16x8S => {
            let a = get::<i16, 8>(&v(0)?);
            vec(put::<i32, 4>(std::array::from_fn(|i| a[2 * i] as i32 + a[2 * i + 1] as i32)))
        }
        S::I32x4ExtAddPairwiseI16x8U => {
            let a = get::<u16, 8>(&v(0)?);
            vec(put::<u32, 4>(std::array::from_fn(|i| a[2 * i] as u32 + a[2 * i + 1] as u32)))
        }

        // ---- integer arithmetic -----------------------------------------------------
        S::I8x16Abs => un!(i8, 16, |a| a.wrapping_abs()),
        S::I8x16Neg => un!(i8, 16, |a| a.wrapping_neg()),
        S::I8x16Popcnt => un!(u8, 16, |a| a.count_ones() as u8),
        S::I8x16Add => bin!(u8, 16, |a, b| a.wrapping_add(b)),
        S::I8x16AddSatS => bin!(i8, 16, |a, b| a.saturating_add(b)),
        S::I8x16AddSatU => bin!(u8, 16, |a, b| a.saturating_add(b)),
        S::I8x16Sub => bin!(u8, 16, |a, b| a.wrapping_sub(b)),
        S::I8x16SubSatS => bin!(i8, 16, |a, b| a.saturating_sub(b)),
        S::I8x16SubSatU => bin!(u8, 16, |a, b| a.saturating_sub(b)),
        S::I8x16MinS => bin!(i8, 16, |a, b| a.min(b)),
        S::I8x16MinU => bin!(u8, 16, |a, b| a.min(b)),
        S::I8x16MaxS => bin!(i8, 16, |a, b| a.max(b)),
        S::I8x16MaxU => bin!(u8, 16, |a, b| a.max(b)),
        S::I8x16AvgrU => bin!(u8, 16, |a, b| ((a as u16 + b as u16 + 1) >> 1) as u8),
        S::I16x8Abs => un!(i16, 8, |a| a.wrapping_abs()),
        S::I16x8Neg => un!(i16, 8, |a| a.wrapping_neg()),
        S::I16x8Q15MulrSatS => {
            bin!(i16, 8, |a, b| sat(((a as i64 * b as i64) + 0x4000) >> 15, i16::MIN as i64, i16::MAX as i64) as i16)
        }
        S::I16x8Add => bin!(u16, 8, |a, b| a.wrapping_add(b)),
        S::I16x8AddSatS => bin!(i16, 8, |a, b| a.saturating_add(b)),
        S::I16x8AddSatU => bin!(u16, 8, |a, b| a.saturating_add(b)),
        S::I16x8Sub => bin!(u16, 8, |a, b| a.wrapping_sub(b)),
        S::I16x8SubSatS => bin!(i16, 8, |a, b| a.saturating_sub(b)),
        S::I16x8SubSatU => bin!(u16, 8, |a, b| a.saturating_sub(b)),
        S::I16x8Mul => bin!(u16, 8, |a, b| a.wrapping_mul(b)),
        S::I16x8MinS => bin!(i16, 8, |a, b| a.min(b)),
        S::I16x8MinU => bin!(u16, 8, |a, b| a.min(b)),
        S::I16x8MaxS => bin!(i16, 8, |a, b| a.max(b)),
        S::I16x8MaxU => bin!(u16, 8, |a, b| a.max(b)),
        S::I16x8AvgrU => bin!(u16, 8, |a, b| ((a as u32 + b as u32 + 1) >> 1) as u16),
        S::I16x8ExtMulLowI8x16S => extmul::<i8, i16, 16, 8>(&v(0)?, &v(1)?, 0, |a, b| i16::from(a) * i16::from(b)),
        S::I16x8ExtMulHighI8x16S => extmul::<i8, i16, 16, 8>(&v(0)?, &v(1)?, 8, |a, b| i16::from(a) * i16::from(b)),
        S::I16x8ExtMulLowI8x16U => extmul::<u8, u16, 16, 8>(&v(0)?, &v(1)?, 0, |a, b| u16::from(a) * u16::from(b)),
        S::I16x8ExtMulHighI8x16U => extmul::<u8, u16, 16, 8>(&v(0)?, &v(1)?, 8, |a, b| u16::from(a) * u16::from(b)),
        S::I32x4Abs => un!(i32, 4, |a| a.wrapping_abs()),
        S::I32x4Neg => un!(i32, 4, |a| a.wrapping_neg()),
        S::I32x4Add => bin!(u32, 4, |a, b| a.wrapping_add(b)),
        S::I32x4Sub => bin!(u32, 4, |a, b| a.wrapping_sub(b)),
        S::I32x4Mul => bin!(u32, 4, |a, b| a.wrapping_mul(b)),
        S::I32x4MinS => bin!(i32, 4, |a, b| a.min(b)),
        S::I32x4MinU => bin!(u32, 4, |a, b| a.min(b)),
        S::I32x4MaxS => bin!(i32, 4, |a, b| a.max(b)),
        S::I32x4MaxU => bin!(u32, 4, |a, b| a.max(b)),
        S::I32x4DotI16x8S => {
            let (a, b) = (get::<i16, 8>(&v(0)?), get::<i16, 8>(&v(1)?));
            vec(put::<i32, 4>(std::array::from_fn(|i| {
                (a[2 * i] as i32 * b[2 * i] as i32).wrapping_add(a[2 * i + 1] as i32 * b[2 * i + 1] as i32)
            })))
        }
        S::I32x4ExtMulLowI16x8S => extmul::<i16, i32, 8, 4>(&v(0)?, &v(1)?, 0, |a, b| i32::from(a) * i32::from(b)),
        S::I32x4ExtMulHighI16x8S => extmul::<i16, i32, 8, 4>(&v(0)?, &v(1)?, 4, |a, b| i32::from(a) * i32::from(b)),
        S::I32x4ExtMulLowI16x8U => extmul::<u16, u32, 8, 4>(&v(0)?, &v(1)?, 0, |a, b| u32::from(a) * u32::from(b)),
        S::I32x4ExtMulHighI16x8U => extmul::<u16, u32, 8, 4>(&v(0)?, &v(1)?, 4, |a, b| u32::from(a) * u32::from(b)),
        S::I64x2Abs => un!(i64, 2, |a| a.wrapping_abs()),
        S::I64x2Neg => un!(i64, 2, |a| a.wrapping_neg()),
        S::I64x2Add => bin!(u64, 2, |a, b| a.wrapping_add(b)),
        S::I64x2Sub => bin!(u64, 2, |a, b| a.wrapping_sub(b)),
        S::I64x2Mul => bin!(u64, 2, |a, b| a.wrapping_mul(b)),
        S::I64x2ExtMulLowI32x4S => extmul::<i32, i64, 4, 2>(&v(0)?, &v(1)?, 0, |a, b| i64::from(a) * i64::from(b)),
        S::I64x2ExtMulHighI32x4S => extmul::<i32, i64, 4, 2>(&v(0)?, &v(1)?, 2, |a, b| i64::from(a) * i64::from(b)),
        S::I64x2ExtMulLowI32x4U => extmul::<u32, u64, 4, 2>(&v(0)?, &v(1)?, 0, |a, b| u64::from(a) * u64::from(b)),
        S::I64x2ExtMulHighI32x4U => extmul::<u32, u64, 4, 2>(&v(0)?, &v(1)?, 2, |a, b| u64::from(a) * u64::from(b)),

        // ---- float arithmetic (the scalar definitions, per lane) ---------------------
        S::F32x4Ceil => un!(f32, 4, Float::ceil_),
        S::F32x4Floor => un!(f32, 4, Float::floor_),
        S::F32x4Trunc => un!(f32, 4, Float::trunc_),
        S::F32x4Nearest => un!(f32, 4, Float::nearest),
        S::F32x4Abs => un!(f32, 4, Float::abs_bits),
        S::F32x4Neg => un!(f32, 4, Float::neg_bits),
        S::F32x4Sqrt => un!(f32, 4, Float::sqrt_),
        S::F32x4Add => bin!(f32, 4, Float::add),
        S::F32x4Sub => bin!(f32, 4, Float::sub),
        S::F32x4Mul => bin!(f32, 4, Float::mul),
        S::F32x4Div => bin!(f32, 4, Float::div),
        S::F32x4Min => bin!(f32, 4, Float::wasm_min),
        S::F32x4Max => bin!(f32, 4, Float::wasm_max),
        S::F32x4PMin => bin!(f32, 4, |a, b| if b < a { b } else { a }),
        S::F32x4PMax => bin!(f32, 4, |a, b| if a < b { b } else { a }),
        S::F64x2Ceil => un!(f64, 2, Float::ceil_),
        S::F64x2Floor => un!(f64, 2, Float::floor_),
        S::F64x2Trunc => un!(f64, 2, Float::trunc_),
        S::F64x2Nearest => un!(f64, 2, Float::nearest),
        S::F64x2Abs => un!(f64, 2, Float::abs_bits),
        S::F64x2Neg => un!(f64, 2, Float::neg_bits),
        S::F64x2Sqrt => un!(f64, 2, Float::sqrt_),
        S::F64x2Add => bin!(f64, 2, Float::add),
        S::F64x2Sub => bin!(f64, 2, Float::sub),
        S::F64x2Mul => bin!(f64, 2, Float::mul),
        S::F64x2Div => bin!(f64, 2, Float::div),
        S::F64x2Min => bin!(f64, 2, Float::wasm_min),
        S::F64x2Max => bin!(f64, 2, Float::wasm_max),
        S::F64x2PMin => bin!(f64, 2, |a, b| if b < a { b } else { a }),
        S::F64x2PMax => bin!(f64, 2, |a, b| if a < b { b } else { a }),

        // ---- conversions --------------------------------------------------------------
        S::I32x4TruncSatF32x4S => vec(put(get::<f32, 4>(&v(0)?).map(|x| convert::to_i32_sat(x as f64)))),
        S::I32x4TruncSatF32x4U => vec(put(get::<f32, 4>(&v(0)?).map(|x| convert::to_u32_sat(x as f64)))),
        S::F32x4ConvertI32x4S => vec(put(get::<i32, 4>(&v(0)?).map(|x| x as f32))),
        S::F32x4ConvertI32x4U => vec(put(get::<u32, 4>(&v(0)?).map(|x| x as f32))),
        S::I32x4TruncSatF64x2SZero => {
            let a = get::<f64, 2>(&v(0)?);
            vec(put([convert::to_i32_sat(a[0]), convert::to_i32_sat(a[1]), 0, 0]))
        }
        S::I32x4TruncSatF64x2UZero => {
            let a = get::<f64, 2>(&v(0)?);
            vec(put([convert::to_u32_sat(a[0]), convert::to_u32_sat(a[1]), 0, 0]))
        }
        S::F64x2ConvertLowI32x4S => vec(put(widen::<i32, f64, 4, 2>(&v(0)?, 0, f64::from))),
        S::F64x2ConvertLowI32x4U => vec(put(widen::<u32, f64, 4, 2>(&v(0)?, 0, f64::from))),
        S::F32x4DemoteF64x2Zero => {
            let a = get::<f64, 2>(&v(0)?);
            vec(put([convert::demote(a[0]), convert::demote(a[1]), 0.0, 0.0]))
        }
        S::F64x2PromoteLowF32x4 => vec(put(widen::<f32, f64, 4, 2>(&v(0)?, 0, convert::promote))),
    }
}

/// `extmul`: the narrow lanes from lane `from` of both operands, widened and multiplied
/// (never overflows the wide lane).
#[inline]
fn extmul<T: Lane, W: Lane, const NT: usize, const N: usize>(
    a: &V128,
    b: &V128,
    from: usize,
    f: impl Fn(T, T) -> W,
) -> Result<Val, NumError> {
    let (x, y) = (get::<T, NT>(a), get::<T, NT>(b));
    Ok(Val::V128(put::<W, N>(std::array::from_fn(|i| f(x[from + i], y[from + i])))))
}

/// The vector a SIMD load gives from the `bytes` it read (as many as the row's access
/// width), the old vector `old` (lane loads) and the lane immediate `lane`. `None`: not
/// a SIMD load, or bytes of the wrong width.
pub fn load(op: SimdOp, bytes: &[u8], old: Option<V128>, lane: u8) -> Option<V128> {
    use SimdOp as S;
    let b8 = |n: usize| -> Option<[u8; 8]> { (n == 8).then(|| bytes.try_into().ok()).flatten() };
    let splat = |w: usize| -> Option<V128> { (bytes.len() == w).then(|| std::array::from_fn(|i| bytes[i % w])) };
    let n = bytes.len();
    Some(match op {
        S::V128Load => bytes.try_into().ok()?,
        S::V128Load8x8S => put::<i16, 8>(b8(n)?.map(|x| x as i8 as i16)),
        S::V128Load8x8U => put::<u16, 8>(b8(n)?.map(|x| x as u16)),
        S::V128Load16x4S => put(get_half::<i16, 4>(&b8(n)?).map(|x| x as i32)),
        S::V128Load16x4U => put(get_half::<u16, 4>(&b8(n)?).map(|x| x as u32)),
        S::V128Load32x2S => put(get_half::<i32, 2>(&b8(n)?).map(|x| x as i64)),
        S::V128Load32x2U => put(get_half::<u32, 2>(&b8(n)?).map(|x| x as u64)),
        S::V128Load8Splat => splat(1)?,
        S::V128Load16Splat => splat(2)?,
        S::V128Load32Splat => splat(4)?,
        S::V128Load64Splat => splat(8)?,
        S::V128Load32Zero | S::V128Load64Zero => {
            let mut v = [0u8; 16];
            v[..n].copy_from_slice(bytes);
            v
        }
        S::V128Load8Lane | S::V128Load16Lane | S::V128Load32Lane | S::V128Load64Lane => {
            let mut v = old?;
            let at = lane as usize * n;
            v.get_mut(at..at + n)?.copy_from_slice(bytes);
            v
        }
        _ => return None,
    })
}

/// The lanes of an 8-byte half vector.
fn get_half<T: Lane, const N: usize>(b: &[u8; 8]) -> [T; N] {
    std::array::from_fn(|i| T::read(&b[i * T::W..]))
}

/// The bytes a SIMD store writes for vector `v` and lane immediate `lane` (as many as
/// the row's access width). `None`: not a SIMD store, or the lane is out of range.
pub fn store_bytes(op: SimdOp, v: &V128, lane: u8) -> Option<&[u8]> {
    use SimdOp as S;
    let n = match op {
        S::V128Store => return Some(&v[..]),
        S::V128Store8Lane => 1,
        S::V128Store16Lane => 2,
        S::V128Store32Lane => 4,
        S::V128Store64Lane => 8,
        _ => return None,
    };
    let at = lane as usize * n;
    v.get(at..at + n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(x: u128) -> Val {
        Val::V128(x.to_le_bytes())
    }
    fn run(op: SimdOp, imm: Imm, args: &[Val]) -> u128 {
        match eval(op, &imm, args) {
            Ok(Val::V128(b)) => u128::from_le_bytes(b),
            other => panic!("{op:?}: {other:?}"),
        }
    }
    fn i16s(l: [i16; 8]) -> Val {
        Val::V128(put(l))
    }
    fn f32s(l: [f32; 4]) -> Val {
        Val::V128(put(l))
    }

    #[test]
    fn swizzle_index_16_or_more_gives_zero() {
        let a = v(0x0f0e0d0c0b0a09080706050403020100);
        let s = v(0x00000000000000000000000010ff0f01);
        assert_eq!(run(SimdOp::I8x16Swizzle, Imm::None, &[a, s]), 0x0000_0f01);
    }

    #[test]
    fn shifts_take_the_amount_modulo_the_lane_width() {
        let a = i16s([1, -2, 0, 0, 0, 0, 0, 0]);
        let r = run(SimdOp::I16x8Shl, Imm::None, &[a, Val::I32(17)]);
        assert_eq!(r, u128::from_le_bytes(put::<i16, 8>([2, -4, 0, 0, 0, 0, 0, 0])));
        let r = run(SimdOp::I16x8ShrS, Imm::None, &[a, Val::I32(-15)]); // -15 mod 16 = 1
        assert_eq!(r, u128::from_le_bytes(put::<i16, 8>([0, -1, 0, 0, 0, 0, 0, 0])));
    }

    #[test]
    fn narrowing_saturates_and_q15mulr_saturates_its_one_overflow() {
        let a = i16s([300, -300, 127, -128, 255, 0, -1, 256]);
        let r = run(SimdOp::I8x16NarrowI16x8U, Imm::None, &[a, a]).to_le_bytes();
        assert_eq!(&r[..8], &[255, 0, 127, 0, 255, 0, 0, 255]);
        let r = run(SimdOp::I8x16NarrowI16x8S, Imm::None, &[a, a]).to_le_bytes();
        assert_eq!(&r[..8], &[127, 128, 127, 128, 127, 0, 255, 127]);
        let m = i16s([i16::MIN, i16::MIN, 16384, 0, 0, 0, 0, 0]);
        let n = i16s([i16::MIN, i16::MAX, 16384, 0, 0, 0, 0, 0]);
        let r = run(SimdOp::I16x8Q15MulrSatS, Imm::None, &[m, n]);
        assert_eq!(get::<i16, 8>(&r.to_le_bytes())[..3], [i16::MAX, -32767, 8192]);
    }

    #[test]
    fn float_min_max_keep_nan_and_order_zeros_pmin_does_not() {
        let nan = f32::from_bits(0x7fc0_0000);
        let a = f32s([nan, -0.0, 0.0, 1.0]);
        let b = f32s([1.0, 0.0, -0.0, nan]);
        let min = get::<u32, 4>(&run(SimdOp::F32x4Min, Imm::None, &[a, b]).to_le_bytes());
        assert_eq!(min, [0x7fc0_0000, 0x8000_0000, 0x8000_0000, 0x7fc0_0000]);
        let pmin = get::<u32, 4>(&run(SimdOp::F32x4PMin, Imm::None, &[a, b]).to_le_bytes());
        // b < a ? b : a: a NaN comparison is false, so a.
        assert_eq!(pmin, [0x7fc0_0000, 0x8000_0000, 0, 1.0f32.to_bits()]);
    }

    #[test]
    fn trunc_sat_gives_zero_for_nan_and_saturates() {
        let a = f32s([f32::NAN, 3e9, -3e9, -1.5]);
        let s = get::<i32, 4>(&run(SimdOp::I32x4TruncSatF32x4S, Imm::None, &[a]).to_le_bytes());
        assert_eq!(s, [0, i32::MAX, i32::MIN, -1]);
        let u = get::<u32, 4>(&run(SimdOp::I32x4TruncSatF32x4U, Imm::None, &[a]).to_le_bytes());
        assert_eq!(u, [0, 3_000_000_000, 0, 0]);
    }

    #[test]
    fn bitmask_dot_and_lane_range() {
        let a = i16s([-1, 1, -1, 1, 0, 0, 0, -5]);
        assert_eq!(eval(SimdOp::I16x8Bitmask, &Imm::None, &[a]), Ok(Val::I32(0b1000_0101)));
        let m = i16s([i16::MIN, i16::MIN, 0, 0, 0, 0, 0, 0]);
        let d = get::<i32, 4>(&run(SimdOp::I32x4DotI16x8S, Imm::None, &[m, m]).to_le_bytes());
        assert_eq!(d[0], i32::MIN, "2 * 2^30 wraps");
        assert_eq!(eval(SimdOp::I32x4ExtractLane, &Imm::Lane(4), &[a]), Err(NumError::NotNumeric));
    }
}
