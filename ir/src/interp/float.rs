//! Float semantics of wasm for the interpreter, on `f32` and `f64`.
//!
//! Values travel as raw bits ([`super::Val::F32`] / [`super::Val::F64`]); converting with
//! `from_bits` / `to_bits` keeps every bit. Rules kept here:
//! - `neg`, `abs` and `copysign` are sign-bit operations: they never touch a NaN payload.
//! - Arithmetic (`add`, `sub`, `mul`, `div`, `sqrt`, rounding) follows IEEE 754 through
//!   Rust's operations; a NaN input yields a quiet NaN with its payload (an "arithmetic"
//!   NaN, which is all wasm asks: a canonical NaN stays canonical).
//! - `min` / `max`: NaN if either operand is NaN (the first NaN operand, quieted);
//!   `min(-0, +0) = -0`, `max(-0, +0) = +0`.
//! - `nearest` rounds ties to even.
//! - Comparisons are false when an operand is NaN, except `ne`.
//!
//! This file is pure arithmetic: it never touches an [`super::Env`] or an instruction.

use crate::instructions::FloatCC;

/// One wasm float width.
pub trait Float: Copy + Sized {
    fn add(self, rhs: Self) -> Self;
    fn sub(self, rhs: Self) -> Self;
    fn mul(self, rhs: Self) -> Self;
    fn div(self, rhs: Self) -> Self;
    /// wasm `min`: NaN wins, `-0 < +0`.
    fn wasm_min(self, rhs: Self) -> Self;
    /// wasm `max`: NaN wins, `-0 < +0`.
    fn wasm_max(self, rhs: Self) -> Self;
    /// The magnitude of `self` with the sign bit of `rhs` (bit operation).
    fn copysign_bits(self, rhs: Self) -> Self;
    /// Clears the sign bit (bit operation).
    fn abs_bits(self) -> Self;
    /// Flips the sign bit (bit operation).
    fn neg_bits(self) -> Self;
    fn sqrt_(self) -> Self;
    fn ceil_(self) -> Self;
    fn floor_(self) -> Self;
    fn trunc_(self) -> Self;
    /// Round to nearest integer, ties to even.
    fn nearest(self) -> Self;
    /// Whether `cc` holds between `self` and `rhs` (false with a NaN, except `ne`).
    fn cmp_cc(self, cc: FloatCC, rhs: Self) -> bool;
}

macro_rules! impl_float {
    ($f:ty, $sign:expr, $quiet:expr) => {
        impl Float for $f {
            #[inline]
            fn add(self, rhs: Self) -> Self {
                nan_result(self + rhs, self, rhs)
            }

            #[inline]
            fn sub(self, rhs: Self) -> Self {
                nan_result(self - rhs, self, rhs)
            }

            #[inline]
            fn mul(self, rhs: Self) -> Self {
                nan_result(self * rhs, self, rhs)
            }

            #[inline]
            fn div(self, rhs: Self) -> Self {
                nan_result(self / rhs, self, rhs)
            }

            #[inline]
            fn wasm_min(self, rhs: Self) -> Self {
                if self.is_nan() {
                    quiet(self)
                } else if rhs.is_nan() {
                    quiet(rhs)
                } else if self == rhs {
                    // Equal, or -0 and +0: the sign bits are or-ed (-0 wins).
                    <$f>::from_bits(self.to_bits() | rhs.to_bits())
                } else if self < rhs {
                    self
                } else {
                    rhs
                }
            }

            #[inline]
            fn wasm_max(self, rhs: Self) -> Self {
                if self.is_nan() {
                    quiet(self)
                } else if rhs.is_nan() {
                    quiet(rhs)
                } else if self == rhs {
                    // Equal, or -0 and +0: the sign bits are and-ed (+0 wins).
                    <$f>::from_bits(self.to_bits() & rhs.to_bits())
                } else if self > rhs {
                    self
                } else {
                    rhs
                }
            }

            #[inline]
            fn copysign_bits(self, rhs: Self) -> Self {
                <$f>::from_bits((self.to_bits() & !$sign) | (rhs.to_bits() & $sign))
            }

            #[inline]
            fn abs_bits(self) -> Self {
                <$f>::from_bits(self.to_bits() & !$sign)
            }

            #[inline]
            fn neg_bits(self) -> Self {
                <$f>::from_bits(self.to_bits() ^ $sign)
            }

            #[inline]
            fn sqrt_(self) -> Self {
                if self.is_nan() {
                    quiet(self)
                } else {
                    nan_result(self.sqrt(), self, self)
                }
            }

            #[inline]
            fn ceil_(self) -> Self {
                if self.is_nan() {
                    quiet(self)
                } else {
                    self.ceil()
                }
            }

            #[inline]
            fn floor_(self) -> Self {
                if self.is_nan() {
                    quiet(self)
                } else {
                    self.floor()
                }
            }

            #[inline]
            fn trunc_(self) -> Self {
                if self.is_nan() {
                    quiet(self)
                } else {
                    self.trunc()
                }
            }

            #[inline]
            fn nearest(self) -> Self {
                if self.is_nan() {
                    quiet(self)
                } else {
                    self.round_ties_even()
                }
            }

            #[inline]
            fn cmp_cc(self, cc: FloatCC, rhs: Self) -> bool {
                match cc {
                    FloatCC::Eq => self == rhs,
                    FloatCC::Ne => self != rhs,
                    FloatCC::Lt => self < rhs,
                    FloatCC::Le => self <= rhs,
                    FloatCC::Gt => self > rhs,
                    FloatCC::Ge => self >= rhs,
                }
            }
        }

        impl Quiet for $f {
            #[inline]
            fn quiet_nan(self) -> Self {
                <$f>::from_bits(self.to_bits() | $quiet)
            }

            #[inline]
            fn is_nan_(self) -> bool {
                self.is_nan()
            }

            #[inline]
            fn canonical_nan() -> Self {
                // Sign clear, exponent and quiet bit set, rest clear.
                <$f>::from_bits(!($sign) & !(($quiet) - 1))
            }
        }
    };
}

/// NaN helpers shared by both widths.
trait Quiet: Copy {
    /// Sets the quiet bit of a NaN, keeping sign and payload.
    fn quiet_nan(self) -> Self;
    fn is_nan_(self) -> bool;
    /// The positive canonical NaN (exponent all ones, only the quiet bit set).
    fn canonical_nan() -> Self;
}

/// The NaN rule for arithmetic, made explicit so it does not depend on the host or on
/// what the Rust compiler folds (it may fold `x * 1.0` to an unquieted `x`): a NaN
/// result is the first NaN operand quieted, or the positive canonical NaN when no
/// operand is a NaN (`inf - inf`, `0 / 0`, `sqrt(-1)`).
#[inline]
fn nan_result<F: Quiet>(r: F, a: F, b: F) -> F {
    if !r.is_nan_() {
        r
    } else if a.is_nan_() {
        a.quiet_nan()
    } else if b.is_nan_() {
        b.quiet_nan()
    } else {
        F::canonical_nan()
    }
}

#[inline]
fn quiet<F: Quiet>(x: F) -> F {
    x.quiet_nan()
}

impl_float!(f32, 0x8000_0000u32, 0x0040_0000u32);
impl_float!(f64, 0x8000_0000_0000_0000u64, 0x0008_0000_0000_0000u64);

#[cfg(test)]
mod tests {
    use super::*;

    const F32_CANON: u32 = 0x7fc0_0000;
    const F32_SNAN: u32 = 0x7fa0_0000; // signalling, payload 0x200000
    const F64_SNAN: u64 = 0x7ff4_0000_0000_0000;

    fn f(b: u32) -> f32 {
        f32::from_bits(b)
    }

    /// An arithmetic NaN: exponent all ones, quiet bit set.
    fn is_arith32(x: f32) -> bool {
        x.to_bits() & 0x7fc0_0000 == 0x7fc0_0000
    }

    #[test]
    fn min_max_zeros() {
        assert_eq!((-0.0f32).wasm_min(0.0).to_bits(), 0x8000_0000);
        assert_eq!(0.0f32.wasm_min(-0.0).to_bits(), 0x8000_0000);
        assert_eq!((-0.0f32).wasm_max(0.0).to_bits(), 0);
        assert_eq!(0.0f64.wasm_max(-0.0).to_bits(), 0);
        assert_eq!((-0.0f64).wasm_min(0.0).to_bits(), 0x8000_0000_0000_0000);
        assert_eq!(1.0f32.wasm_min(2.0), 1.0);
        assert_eq!(1.0f64.wasm_max(2.0), 2.0);
        assert_eq!(f32::NEG_INFINITY.wasm_max(-3.0), -3.0);
    }

    #[test]
    fn min_max_nan() {
        assert!(is_arith32(f(F32_SNAN).wasm_min(1.0)));
        assert!(is_arith32(1.0f32.wasm_max(f(F32_SNAN))));
        assert_eq!(f(F32_CANON).wasm_max(f32::INFINITY).to_bits(), F32_CANON);
        assert_eq!(0.0f32.wasm_min(f(0xffc0_0000)).to_bits(), 0xffc0_0000);
        let m = f64::from_bits(F64_SNAN).wasm_max(0.0).to_bits();
        assert_eq!(m, F64_SNAN | 0x0008_0000_0000_0000);
    }

    #[test]
    fn sign_operations_keep_nan_payloads() {
        assert_eq!(f(F32_SNAN).neg_bits().to_bits(), F32_SNAN | 0x8000_0000);
        assert_eq!(f(F32_SNAN | 0x8000_0000).abs_bits().to_bits(), F32_SNAN);
        assert_eq!(f(F32_SNAN).copysign_bits(-1.0).to_bits(), F32_SNAN | 0x8000_0000);
        assert_eq!(f64::from_bits(F64_SNAN).neg_bits().to_bits(), F64_SNAN | 1 << 63);
        assert_eq!(2.0f64.copysign_bits(-0.0), -2.0);
        assert_eq!((-0.0f32).abs_bits().to_bits(), 0);
    }

    #[test]
    fn nearest_rounds_ties_to_even() {
        assert_eq!(0.5f32.nearest().to_bits(), 0);
        assert_eq!((-0.5f32).nearest().to_bits(), 0x8000_0000);
        assert_eq!(1.5f32.nearest(), 2.0);
        assert_eq!(2.5f64.nearest(), 2.0);
        assert_eq!((-3.5f64).nearest(), -4.0);
        assert_eq!(4503599627370495.5f64.nearest(), 4503599627370496.0);
        assert_eq!(8388609.0f32.nearest(), 8388609.0);
        assert!(is_arith32(f(F32_SNAN).nearest()));
    }

    #[test]
    fn rounding_and_sqrt() {
        assert_eq!((-0.5f32).ceil_().to_bits(), 0x8000_0000);
        assert_eq!((-0.5f64).trunc_().to_bits(), 0x8000_0000_0000_0000);
        assert_eq!(0.5f64.floor_(), 0.0);
        assert_eq!((-1.5f32).floor_(), -2.0);
        assert_eq!(4.0f64.sqrt_(), 2.0);
        assert!((-1.0f32).sqrt_().is_nan());
        assert_eq!((-0.0f64).sqrt_().to_bits(), 0x8000_0000_0000_0000);
        assert!(is_arith32(f(F32_SNAN).ceil_()));
        assert!(is_arith32(f(F32_SNAN).sqrt_()));
    }

    #[test]
    fn comparisons_with_nan() {
        let n = f32::NAN;
        for cc in [FloatCC::Eq, FloatCC::Lt, FloatCC::Le, FloatCC::Gt, FloatCC::Ge] {
            assert!(!n.cmp_cc(cc, 1.0));
            assert!(!1.0f32.cmp_cc(cc, n));
        }
        assert!(n.cmp_cc(FloatCC::Ne, n));
        assert!((-0.0f64).cmp_cc(FloatCC::Eq, 0.0));
        assert!(!(-0.0f64).cmp_cc(FloatCC::Lt, 0.0));
    }

    #[test]
    fn canonical_nans() {
        assert_eq!(f32::canonical_nan().to_bits(), F32_CANON);
        assert_eq!(f64::canonical_nan().to_bits(), 0x7ff8_0000_0000_0000);
        assert_eq!(f32::INFINITY.sub(f32::INFINITY).to_bits(), F32_CANON);
        assert_eq!(0.0f64.div(0.0).to_bits(), 0x7ff8_0000_0000_0000);
        assert_eq!((-1.0f32).sqrt_().to_bits(), F32_CANON);
    }

    #[test]
    fn arithmetic_on_nan_is_arithmetic_nan() {
        assert!(is_arith32(f(F32_SNAN).add(1.0)));
        assert!(is_arith32(1.0f32.mul(f(F32_SNAN))));
        assert!(f32::INFINITY.sub(f32::INFINITY).is_nan());
    }
}
