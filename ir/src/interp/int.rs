//! Integer semantics of wasm for the interpreter: the operations whose meaning is not
//! just a Rust wrapping method (division and remainder with their traps, shifts and
//! rotates modulo the width, bit counts, comparisons, in-place sign extension).
//!
//! [`Int`] is implemented for `i32` and `i64` so the evaluator states each operation
//! once for both widths. This file is pure arithmetic: it never touches an [`super::Env`],
//! a value table or an instruction.

use crate::instructions::{IntCC, TrapCode};

/// One wasm integer width, in its signed Rust representation.
pub trait Int: Copy + Sized {
    /// Signed division: traps on a zero divisor and on `MIN / -1`.
    fn sdiv(self, rhs: Self) -> Result<Self, TrapCode>;
    /// Unsigned division: traps on a zero divisor.
    fn udiv(self, rhs: Self) -> Result<Self, TrapCode>;
    /// Signed remainder with the sign of the dividend: traps on a zero divisor;
    /// `MIN % -1` is 0.
    fn srem(self, rhs: Self) -> Result<Self, TrapCode>;
    /// Unsigned remainder: traps on a zero divisor.
    fn urem(self, rhs: Self) -> Result<Self, TrapCode>;
    /// Shift left by `rhs` modulo the width.
    fn shl(self, rhs: Self) -> Self;
    /// Logical shift right by `rhs` modulo the width.
    fn ushr(self, rhs: Self) -> Self;
    /// Arithmetic shift right by `rhs` modulo the width.
    fn sshr(self, rhs: Self) -> Self;
    /// Rotate left by `rhs` modulo the width.
    fn rotl(self, rhs: Self) -> Self;
    /// Rotate right by `rhs` modulo the width.
    fn rotr(self, rhs: Self) -> Self;
    /// Count of leading zero bits (the width for 0).
    fn clz(self) -> Self;
    /// Count of trailing zero bits (the width for 0).
    fn ctz(self) -> Self;
    /// Count of one bits.
    fn popcnt(self) -> Self;
    /// Whether `cc` holds between `self` and `rhs`.
    fn cmp_cc(self, cc: IntCC, rhs: Self) -> bool;
    /// Whether the value is zero.
    fn is_zero(self) -> bool;
    /// Sign-extends the low 8 bits.
    fn sext8(self) -> Self;
    /// Sign-extends the low 16 bits.
    fn sext16(self) -> Self;
}

macro_rules! impl_int {
    ($s:ty, $u:ty) => {
        impl Int for $s {
            #[inline]
            fn sdiv(self, rhs: Self) -> Result<Self, TrapCode> {
                if rhs == 0 {
                    Err(TrapCode::IntegerDivisionByZero)
                } else if self == <$s>::MIN && rhs == -1 {
                    Err(TrapCode::IntegerOverflow)
                } else {
                    Ok(self / rhs)
                }
            }

            #[inline]
            fn udiv(self, rhs: Self) -> Result<Self, TrapCode> {
                if rhs == 0 {
                    Err(TrapCode::IntegerDivisionByZero)
                } else {
                    Ok(((self as $u) / (rhs as $u)) as $s)
                }
            }

            #[inline]
            fn srem(self, rhs: Self) -> Result<Self, TrapCode> {
                if rhs == 0 {
                    Err(TrapCode::IntegerDivisionByZero)
                } else {
                    Ok(self.wrapping_rem(rhs))
                }
            }

            #[inline]
            fn urem(self, rhs: Self) -> Result<Self, TrapCode> {
                if rhs == 0 {
                    Err(TrapCode::IntegerDivisionByZero)
                } else {
                    Ok(((self as $u) % (rhs as $u)) as $s)
                }
            }

            #[inline]
            fn shl(self, rhs: Self) -> Self {
                self.wrapping_shl(rhs as u32)
            }

            #[inline]
            fn ushr(self, rhs: Self) -> Self {
                (self as $u).wrapping_shr(rhs as u32) as $s
            }

            #[inline]
            fn sshr(self, rhs: Self) -> Self {
                self.wrapping_shr(rhs as u32)
            }

            #[inline]
            fn rotl(self, rhs: Self) -> Self {
                self.rotate_left((rhs as u32) % <$s>::BITS)
            }

            #[inline]
            fn rotr(self, rhs: Self) -> Self {
                self.rotate_right((rhs as u32) % <$s>::BITS)
            }

            #[inline]
            fn clz(self) -> Self {
                self.leading_zeros() as $s
            }

            #[inline]
            fn ctz(self) -> Self {
                self.trailing_zeros() as $s
            }

            #[inline]
            fn popcnt(self) -> Self {
                self.count_ones() as $s
            }

            #[inline]
            fn cmp_cc(self, cc: IntCC, rhs: Self) -> bool {
                let (ua, ub) = (self as $u, rhs as $u);
                match cc {
                    IntCC::Eq => self == rhs,
                    IntCC::Ne => self != rhs,
                    IntCC::Slt => self < rhs,
                    IntCC::Sle => self <= rhs,
                    IntCC::Sgt => self > rhs,
                    IntCC::Sge => self >= rhs,
                    IntCC::Ult => ua < ub,
                    IntCC::Ule => ua <= ub,
                    IntCC::Ugt => ua > ub,
                    IntCC::Uge => ua >= ub,
                }
            }

            #[inline]
            fn is_zero(self) -> bool {
                self == 0
            }

            #[inline]
            fn sext8(self) -> Self {
                self as i8 as $s
            }

            #[inline]
            fn sext16(self) -> Self {
                self as i16 as $s
            }
        }
    };
}

impl_int!(i32, u32);
impl_int!(i64, u64);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn division_edge_cases() {
        assert_eq!(7i32.sdiv(0), Err(TrapCode::IntegerDivisionByZero));
        assert_eq!(i32::MIN.sdiv(-1), Err(TrapCode::IntegerOverflow));
        assert_eq!(i64::MIN.sdiv(-1), Err(TrapCode::IntegerOverflow));
        assert_eq!((-7i32).sdiv(2), Ok(-3));
        assert_eq!(i32::MIN.srem(-1), Ok(0));
        assert_eq!(i64::MIN.srem(-1), Ok(0));
        assert_eq!((-7i32).srem(2), Ok(-1));
        assert_eq!(7i32.srem(-2), Ok(1));
        assert_eq!(5i64.srem(0), Err(TrapCode::IntegerDivisionByZero));
        assert_eq!((-1i32).udiv(2), Ok(0x7fff_ffff));
        assert_eq!((-1i32).urem(10), Ok((u32::MAX % 10) as i32));
        assert_eq!(1i32.udiv(0), Err(TrapCode::IntegerDivisionByZero));
        assert_eq!(1i64.urem(0), Err(TrapCode::IntegerDivisionByZero));
        assert_eq!(i32::MIN.udiv(-1), Ok(0));
    }

    #[test]
    fn shifts_and_rotates_take_the_amount_modulo_the_width() {
        assert_eq!(1i32.shl(33), 2);
        assert_eq!(1i64.shl(65), 2);
        assert_eq!((-1i32).ushr(36), 0x0fff_ffff);
        assert_eq!((-16i32).sshr(-30), -4); // -30 mod 32 = 2
        assert_eq!(i64::MIN.sshr(63), -1);
        assert_eq!((0x8000_0001u32 as i32).rotl(33), 3);
        assert_eq!(3i32.rotr(-31), 0x8000_0001u32 as i32); // -31 mod 32 = 1
        assert_eq!(1i64.rotr(1), i64::MIN);
        assert_eq!(1i64.rotl(-1), i64::MIN);
    }

    #[test]
    fn bit_counts() {
        assert_eq!(0i32.clz(), 32);
        assert_eq!(0i64.ctz(), 64);
        assert_eq!(1i32.clz(), 31);
        assert_eq!((-1i64).popcnt(), 64);
        assert_eq!(0x8000i32.ctz(), 15);
    }

    #[test]
    fn comparisons_and_extensions() {
        assert!((-1i32).cmp_cc(IntCC::Slt, 0));
        assert!(!(-1i32).cmp_cc(IntCC::Ult, 0));
        assert!((-1i64).cmp_cc(IntCC::Ugt, 1));
        assert!(3i64.cmp_cc(IntCC::Sge, 3));
        assert!(!3i64.cmp_cc(IntCC::Ne, 3));
        assert_eq!(0x80i32.sext8(), -128);
        assert_eq!(0x7fi64.sext8(), 127);
        assert_eq!(0x1_8000i32.sext16(), -32768);
        assert_eq!(0xffff_0000_7fffi64.sext16(), 0x7fff);
    }
}
