//! Conversions between number types with wasm semantics, for the interpreter.
//!
//! - Float to integer (`trunc`): a NaN traps with "invalid conversion to integer"
//!   ([`TrapCode::BadConversionToInteger`]); a value whose truncation does not fit traps
//!   with "integer overflow" ([`TrapCode::IntegerOverflow`]), as the spec test suite's
//!   `conversions.wast` expects. The saturating forms clamp and map NaN to 0 (exactly
//!   Rust's `as`).
//! - Integer to float rounds to nearest, ties to even (Rust's `as`, one rounding).
//! - `promote` / `demote` keep sign and the top payload bits of a NaN and set the quiet
//!   bit (an arithmetic NaN, as the hardware does), independent of the host.
//!
//! Floats are passed as Rust floats; this file never touches an instruction or an Env.

use crate::instructions::TrapCode;

/// Checks a float (widened to f64, which is exact) against the open interval
/// `(lo, hi)` of values whose truncation fits.
#[inline]
fn check(x: f64, lo: f64, hi: f64) -> Result<f64, TrapCode> {
    if x.is_nan() {
        Err(TrapCode::BadConversionToInteger)
    } else if x > lo && x < hi {
        Ok(x)
    } else {
        Err(TrapCode::IntegerOverflow)
    }
}

/// `i32.trunc_f*_s`: fits when -2^31 - 1 < x < 2^31.
#[inline]
pub fn to_i32(x: f64) -> Result<i32, TrapCode> {
    check(x, -2147483649.0, 2147483648.0).map(|x| x as i32)
}

/// `i32.trunc_f*_u`: fits when -1 < x < 2^32.
#[inline]
pub fn to_u32(x: f64) -> Result<i32, TrapCode> {
    check(x, -1.0, 4294967296.0).map(|x| x as u32 as i32)
}

/// `i64.trunc_f*_s`: fits when -2^63 <= x < 2^63 (-2^63 - 1 is not an f64, so the lower
/// bound is written as "greater than the next f64 below -2^63").
#[inline]
pub fn to_i64(x: f64) -> Result<i64, TrapCode> {
    check(x, -9223372036854777856.0, 9223372036854775808.0).map(|x| x as i64)
}

/// `i64.trunc_f*_u`: fits when -1 < x < 2^64.
#[inline]
pub fn to_u64(x: f64) -> Result<i64, TrapCode> {
    check(x, -1.0, 18446744073709551616.0).map(|x| x as u64 as i64)
}

/// `i32.trunc_sat_f*_s`.
#[inline]
pub fn to_i32_sat(x: f64) -> i32 {
    x as i32
}

/// `i32.trunc_sat_f*_u`.
#[inline]
pub fn to_u32_sat(x: f64) -> i32 {
    x as u32 as i32
}

/// `i64.trunc_sat_f*_s`.
#[inline]
pub fn to_i64_sat(x: f64) -> i64 {
    x as i64
}

/// `i64.trunc_sat_f*_u`.
#[inline]
pub fn to_u64_sat(x: f64) -> i64 {
    x as u64 as i64
}

/// `f64.promote_f32`.
#[inline]
pub fn promote(x: f32) -> f64 {
    if x.is_nan() {
        let b = x.to_bits() as u64;
        let sign = (b & 0x8000_0000) << 32;
        let payload = (b & 0x007f_ffff) << 29;
        f64::from_bits(sign | 0x7ff8_0000_0000_0000 | payload)
    } else {
        x as f64
    }
}

/// `f32.demote_f64`.
#[inline]
pub fn demote(x: f64) -> f32 {
    if x.is_nan() {
        let b = x.to_bits();
        let sign = ((b >> 32) & 0x8000_0000) as u32;
        let payload = ((b >> 29) & 0x007f_ffff) as u32;
        f32::from_bits(sign | 0x7fc0_0000 | payload)
    } else {
        x as f32
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use TrapCode::{BadConversionToInteger as Nan, IntegerOverflow as Ovf};

    #[test]
    fn signed_i32_boundaries() {
        assert_eq!(to_i32(2147483647.9), Ok(i32::MAX));
        assert_eq!(to_i32(2147483648.0), Err(Ovf));
        assert_eq!(to_i32(-2147483648.9), Ok(i32::MIN));
        assert_eq!(to_i32(-2147483649.0), Err(Ovf));
        assert_eq!(to_i32(f32::from_bits(0x4f00_0000) as f64), Err(Ovf)); // 2^31 as f32
        assert_eq!(to_i32(-2147483648.0f32 as f64), Ok(i32::MIN));
        assert_eq!(to_i32(-1.9), Ok(-1));
        assert_eq!(to_i32(f64::NAN), Err(Nan));
        assert_eq!(to_i32(f64::INFINITY), Err(Ovf));
    }

    #[test]
    fn unsigned_i32_boundaries() {
        assert_eq!(to_u32(-0.9), Ok(0));
        assert_eq!(to_u32(-1.0), Err(Ovf));
        assert_eq!(to_u32(4294967295.9), Ok(-1));
        assert_eq!(to_u32(4294967296.0), Err(Ovf));
        assert_eq!(to_u32(-f64::NAN), Err(Nan));
    }

    #[test]
    fn i64_boundaries() {
        assert_eq!(to_i64(-9223372036854775808.0), Ok(i64::MIN));
        assert_eq!(to_i64(9223372036854775808.0), Err(Ovf));
        assert_eq!(to_i64(9223372036854774784.0), Ok(9223372036854774784));
        assert_eq!(to_i64(-9223372036854777856.0), Err(Ovf));
        assert_eq!(to_u64(18446744073709549568.0), Ok(-2048));
        assert_eq!(to_u64(18446744073709551616.0), Err(Ovf));
        assert_eq!(to_u64(-0.99999), Ok(0));
        assert_eq!(to_u64(f64::NAN), Err(Nan));
    }

    #[test]
    fn saturating() {
        assert_eq!(to_i32_sat(f64::NAN), 0);
        assert_eq!(to_i32_sat(1e10), i32::MAX);
        assert_eq!(to_u32_sat(-5.0), 0);
        assert_eq!(to_u32_sat(1e10), -1);
        assert_eq!(to_i64_sat(-1e30), i64::MIN);
        assert_eq!(to_u64_sat(f64::INFINITY), -1);
    }

    #[test]
    fn promote_demote_nans() {
        let p = promote(f32::from_bits(0x7fa0_0000)).to_bits();
        assert_eq!(p, 0x7ffc_0000_0000_0000);
        let d = demote(f64::from_bits(0xfff4_0000_0000_0000)).to_bits();
        assert_eq!(d, 0xffe0_0000);
        assert_eq!(demote(f64::from_bits(0x7ff8_0000_0000_0001)).to_bits(), 0x7fc0_0000);
        assert_eq!(demote(1e300), f32::INFINITY);
        assert_eq!(promote(1.5), 1.5);
    }

    #[test]
    fn int_to_float_rounds_once() {
        // i64 -> f32 must round once: 2^53 + 1 + 2^... cases from conversions.wast.
        assert_eq!(9007199791611905i64 as f32, 9007200328482816.0);
        assert_eq!(-9007199791611905i64 as f32, -9007200328482816.0);
        assert_eq!(9223371761976868863u64 as f32, 9223371487098961920.0);
        assert_eq!(16777217i32 as f32, 16777216.0);
        assert_eq!(16777219i32 as f32, 16777220.0);
    }
}
