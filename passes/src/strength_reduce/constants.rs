//! `strength-reduce`, constants: a multiply, division or remainder by a constant becomes
//! shifts, masks, adds or a magic-number multiply (the list of forms, and what is left
//! alone, is in the module docs of `strength_reduce`).
//!
//! ```text
//! v2 = imul.i32 v0, v1   (v1 = iconst 8)    ==>    v3 = iconst.i32 3
//!                                                  v2 = ishl.i32 v0, v3
//! v2 = udiv.i32 v0, v1   (v1 = iconst 16)   ==>    v3 = iconst.i32 4
//!                                                  v2 = ushr.i32 v0, v3
//! ```
//!
//! Every rewrite keeps the instruction's result value (the instruction is rewritten in
//! place, new instructions go before it), so no use needs renaming. This file never
//! touches control flow.

use super::{log2_exact, mask, replace, Emit};
use wlab_ir::{Function, Inst, Opcode, Type, Value};

/// Rewrites `i` if it is a multiply / divide / remainder by a suitable constant; new
/// instructions go to `pre`. Returns the counter to bump.
pub(super) fn rewrite(func: &mut Function, i: Inst, pre: &mut Vec<Inst>) -> Option<&'static str> {
    let d = func.inst(i);
    let ty = d.ty?;
    if !(ty == Type::I32 || ty == Type::I64) || d.args.len() != 2 || d.results.len() != 1 {
        return None;
    }
    let w = ty.bits();
    let (op, a0, a1) = (d.opcode, d.args[0], d.args[1]);
    let mut e = Emit { f: func, out: pre };
    match op {
        Opcode::Imul => {
            let (x, c) = match (e.f.iconst_value(a0), e.f.iconst_value(a1)) {
                (_, Some(c)) => (a0, c),
                (Some(c), None) => (a1, c),
                (None, None) => return None,
            };
            let cu = (c as u64) & mask(w);
            if let Some(k) = log2_exact(cu).filter(|&k| k >= 1) {
                let s = e.iconst(ty, k as i64);
                replace(e.f, i, Opcode::Ishl, &[x, s]);
                return Some("mul-shift");
            }
            // 2^k+1 only while the shift and add are one `lea` (index scaled by 2, 4 or 8):
            // otherwise they are a copy, a shift and an add where `imul` is one
            // instruction (two with a 64-bit constant), and 2^k-1 never folds.
            if let Some(k) = log2_exact(cu.wrapping_sub(1)).filter(|&k| (1..=3).contains(&k)) {
                let s = e.iconst(ty, k as i64);
                let t = e.op(Opcode::Ishl, ty, &[x, s]);
                replace(e.f, i, Opcode::Iadd, &[t, x]);
                return Some("mul-shift-add");
            }
            None
        }
        Opcode::Udiv | Opcode::Urem => {
            let cu = (e.f.iconst_value(a1)? as u64) & mask(w);
            if cu <= 1 || cu == mask(w) {
                return None;
            }
            let x = a0;
            if let Some(k) = log2_exact(cu) {
                if op == Opcode::Udiv {
                    let s = e.iconst(ty, k as i64);
                    replace(e.f, i, Opcode::Ushr, &[x, s]);
                    return Some("div-shift");
                }
                let m = e.iconst(ty, (cu - 1) as i64);
                replace(e.f, i, Opcode::Band, &[x, m]);
                return Some("rem-mask");
            }
            if ty != Type::I32 {
                return None;
            }
            let q = emit_udiv32_magic(&mut e, x, cu as u32);
            Some(finish_div_or_rem(&mut e, i, op == Opcode::Udiv, x, q, cu as i64))
        }
        Opcode::Sdiv | Opcode::Srem => {
            let c = e.f.iconst_value(a1)?;
            let c = if ty == Type::I32 { c as i32 as i64 } else { c };
            let x = a0;
            if c >= 2 {
                if let Some(k) = log2_exact(c as u64) {
                    // q = (x + ((x >> (w-1)) >>> (w-k))) >> k  (arithmetic >>, rounds toward 0)
                    let sw = e.iconst(ty, (w - 1) as i64);
                    let sign = e.op(Opcode::Sshr, ty, &[x, sw]);
                    let sb = e.iconst(ty, (w - k) as i64);
                    let bias = e.op(Opcode::Ushr, ty, &[sign, sb]);
                    let sum = e.op(Opcode::Iadd, ty, &[x, bias]);
                    if op == Opcode::Sdiv {
                        let sk = e.iconst(ty, k as i64);
                        replace(e.f, i, Opcode::Sshr, &[sum, sk]);
                        return Some("div-shift");
                    }
                    let m = e.iconst(ty, c.wrapping_neg());
                    let t = e.op(Opcode::Band, ty, &[sum, m]);
                    replace(e.f, i, Opcode::Isub, &[x, t]);
                    return Some("rem-mask");
                }
            }
            if ty != Type::I32 || c.unsigned_abs() < 3 || c.unsigned_abs().is_power_of_two() {
                return None;
            }
            let q = emit_sdiv32_magic(&mut e, x, c as i32);
            Some(finish_div_or_rem(&mut e, i, op == Opcode::Sdiv, x, q, c))
        }
        _ => None,
    }
}

/// Makes `i` the quotient (`ireduce` of the i64 quotient `q64`), or the remainder
/// `x - q*d`.
fn finish_div_or_rem(e: &mut Emit<'_>, i: Inst, div: bool, x: Value, q64: Value, d: i64) -> &'static str {
    if div {
        replace(e.f, i, Opcode::Ireduce, &[q64]);
        return "div-magic";
    }
    let q = e.op(Opcode::Ireduce, Type::I32, &[q64]);
    let dc = e.iconst(Type::I32, d);
    let qd = e.op(Opcode::Imul, Type::I32, &[q, dc]);
    replace(e.f, i, Opcode::Isub, &[x, qd]);
    "rem-magic"
}

/// How an i32 unsigned division by a constant `d` (≥ 3, not a power of two) is computed
/// with a multiply, in exact (non-overflowing) i64 arithmetic on the zero-extended
/// dividend `n`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UdivMagic {
    /// `q = (n * m) >> s` with `m < 2^32` (so the product fits in 64 bits) and `s ≥ 32`.
    Mul { m: u64, s: u32 },
    /// `q = ((n * m >> 32) + n) >> l`: Granlund–Montgomery's round-up variant,
    /// `l = ceil(log2 d)`, `m = floor(2^(32+l) / d) + 1 - 2^32`, for the divisors that
    /// have no [`UdivMagic::Mul`] (7, say).
    MulAdd { m: u64, l: u32 },
}

/// The cheapest [`UdivMagic`] for `d`: the smallest `s` with `m = ceil(2^s / d) < 2^32`
/// and `2^s <= m*d <= 2^s + 2^(s-32)`, which makes `(n * m) >> s` exact for every
/// `n < 2^32` (Granlund and Montgomery, "Division by invariant integers using
/// multiplication", theorem 4.2); otherwise the round-up variant.
pub fn udiv32_magic(d: u32) -> UdivMagic {
    let d128 = d as u128;
    for s in 32..64u32 {
        let m = (1u128 << s).div_ceil(d128);
        if m >= 1 << 32 {
            break; // m only grows with s
        }
        if m * d128 - (1u128 << s) <= 1u128 << (s - 32) {
            return UdivMagic::Mul { m: m as u64, s };
        }
    }
    let l = 32 - (d - 1).leading_zeros();
    let m = (1u128 << (32 + l)) / d128 + 1 - (1u128 << 32);
    UdivMagic::MulAdd { m: m as u64, l }
}

fn emit_udiv32_magic(e: &mut Emit<'_>, n: Value, d: u32) -> Value {
    let magic = udiv32_magic(d);
    let (UdivMagic::Mul { m, .. } | UdivMagic::MulAdd { m, .. }) = magic;
    let n64 = e.op(Opcode::Uextend, Type::I64, &[n]);
    let mc = e.iconst(Type::I64, m as i64);
    let p = e.op(Opcode::Imul, Type::I64, &[n64, mc]);
    match magic {
        UdivMagic::Mul { s, .. } => {
            let cs = e.iconst(Type::I64, s as i64);
            e.op(Opcode::Ushr, Type::I64, &[p, cs])
        }
        UdivMagic::MulAdd { l, .. } => {
            let c32 = e.iconst(Type::I64, 32);
            let t1 = e.op(Opcode::Ushr, Type::I64, &[p, c32]);
            let s = e.op(Opcode::Iadd, Type::I64, &[t1, n64]);
            let cl = e.iconst(Type::I64, l as i64);
            e.op(Opcode::Ushr, Type::I64, &[s, cl])
        }
    }
}

/// Hacker's Delight (figure 10-1): magic multiplier and shift for an i32 divisor with
/// |d| ≥ 2 (d ≠ MIN).
pub fn sdiv32_magic(d: i32) -> (i32, u32) {
    let two31: u32 = 0x8000_0000;
    let ad = d.unsigned_abs();
    let t = two31.wrapping_add((d as u32) >> 31);
    let anc = t - 1 - t % ad;
    let mut p = 31u32;
    let mut q1 = two31 / anc;
    let mut r1 = two31 - q1 * anc;
    let mut q2 = two31 / ad;
    let mut r2 = two31 - q2 * ad;
    loop {
        p += 1;
        q1 = q1.wrapping_mul(2);
        r1 = r1.wrapping_mul(2);
        if r1 >= anc {
            q1 = q1.wrapping_add(1);
            r1 = r1.wrapping_sub(anc);
        }
        q2 = q2.wrapping_mul(2);
        r2 = r2.wrapping_mul(2);
        if r2 >= ad {
            q2 = q2.wrapping_add(1);
            r2 = r2.wrapping_sub(ad);
        }
        let delta = ad - r2;
        if !(q1 < delta || (q1 == delta && r1 == 0)) {
            break;
        }
    }
    let mut m = q2.wrapping_add(1) as i32;
    if d < 0 {
        m = m.wrapping_neg();
    }
    (m, p - 32)
}

fn emit_sdiv32_magic(e: &mut Emit<'_>, n: Value, d: i32) -> Value {
    let (m, s) = sdiv32_magic(d);
    let n64 = e.op(Opcode::Sextend, Type::I64, &[n]);
    let mc = e.iconst(Type::I64, m as i64);
    let p = e.op(Opcode::Imul, Type::I64, &[n64, mc]);
    let c32 = e.iconst(Type::I64, 32);
    let mut hi = e.op(Opcode::Sshr, Type::I64, &[p, c32]);
    if d > 0 && m < 0 {
        hi = e.op(Opcode::Iadd, Type::I64, &[hi, n64]);
    } else if d < 0 && m > 0 {
        hi = e.op(Opcode::Isub, Type::I64, &[hi, n64]);
    }
    if s > 0 {
        let cs = e.iconst(Type::I64, s as i64);
        hi = e.op(Opcode::Sshr, Type::I64, &[hi, cs]);
    }
    let c63 = e.iconst(Type::I64, 63);
    let neg = e.op(Opcode::Ushr, Type::I64, &[hi, c63]);
    e.op(Opcode::Iadd, Type::I64, &[hi, neg])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pass::Changed;
    use crate::strength_reduce::StrengthReduce;
    use crate::testing::{body, run_checked, B};
    use crate::validate::check_equivalent;

    fn eval_udiv(n: u32, d: u32) -> u32 {
        let n = n as u64;
        match udiv32_magic(d) {
            UdivMagic::Mul { m, s } => (n.checked_mul(m).expect("fits in 64 bits") >> s) as u32,
            UdivMagic::MulAdd { m, l } => ((((n.wrapping_mul(m)) >> 32) + n) >> l) as u32,
        }
    }

    #[test]
    fn udiv_magic_needs_the_add_only_without_a_32_bit_multiplier() {
        // 139968 = 2^6 * 2187 (shootout-random's modulus): (n * 0x1df75681) >> 46.
        assert_eq!(udiv32_magic(139_968), UdivMagic::Mul { m: 0x1df7_5681, s: 46 });
        assert_eq!(udiv32_magic(10), UdivMagic::Mul { m: 0xcccc_cccd, s: 35 });
        assert!(matches!(udiv32_magic(7), UdivMagic::MulAdd { l: 3, .. }));
    }

    fn eval_sdiv(n: i32, d: i32) -> i32 {
        let (m, s) = sdiv32_magic(d);
        let n = n as i64;
        let mut hi = n.wrapping_mul(m as i64) >> 32;
        if d > 0 && m < 0 {
            hi += n;
        } else if d < 0 && m > 0 {
            hi -= n;
        }
        hi >>= s;
        let q = hi + ((hi as u64) >> 63) as i64;
        q as i32
    }

    fn samples() -> Vec<u32> {
        let mut v: Vec<u32> = vec![0, 1, 2, 3, 7, 100, 0x7fff_ffff, 0x8000_0000, 0x8000_0001, u32::MAX, u32::MAX - 1];
        let mut x = 0x1234_5678u32;
        for _ in 0..2000 {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            v.push(x);
        }
        v
    }

    #[test]
    fn magic_numbers_divide_exactly() {
        let mut divisors: Vec<u32> = (3..300).filter(|d: &u32| !d.is_power_of_two()).collect();
        divisors.extend([641, 1000, 65537, 0x7fff_ffff, 0x8000_0001, u32::MAX, u32::MAX - 2, 123_456_789]);
        for &d in &divisors {
            for &n in &samples() {
                for nn in [n, n / d * d, (n / d * d).wrapping_sub(1)] {
                    assert_eq!(eval_udiv(nn, d), nn / d, "{nn} / {d}");
                }
            }
        }
        let sdivs: Vec<i32> =
            divisors.iter().map(|&d| d as i32).chain(divisors.iter().map(|&d| (d as i32).wrapping_neg())).collect();
        for &d in sdivs.iter().filter(|d| d.unsigned_abs() >= 3 && !d.unsigned_abs().is_power_of_two()) {
            for &n in &samples() {
                let n = n as i32;
                assert_eq!(eval_sdiv(n, d), n.wrapping_div(d), "{n} / {d}");
            }
        }
    }

    fn binop(op: Opcode, ty: Type, c: i64) -> Function {
        let (mut b, p) = B::new(&[ty], &[ty]);
        let b0 = b.b(0);
        let k = b.iconst(b0, ty, c);
        let r = b.op(b0, op, ty, &[p[0], k]);
        b.ret(b0, &[r]);
        b.f
    }

    #[test]
    fn rewrites_agree_with_the_interpreter() {
        let ops = [Opcode::Imul, Opcode::Udiv, Opcode::Urem, Opcode::Sdiv, Opcode::Srem];
        let consts = [2, 3, 4, 5, 7, 8, 9, 10, 15, 16, 17, 31, 1 << 20, 1000, -3, -7, -10, 0x7fff_ffff, -2];
        let mut changed = 0;
        for ty in [Type::I32, Type::I64] {
            for op in ops {
                for c in consts {
                    let mut f = binop(op, ty, c);
                    let before = f.clone();
                    let (out, text) = run_checked(&mut StrengthReduce, &mut f);
                    if out.changed.any() {
                        changed += 1;
                    }
                    if let Err(m) = check_equivalent(&before, &f, 200) {
                        panic!("{op} by {c} ({ty}): {m}\n{text}");
                    }
                }
            }
        }
        assert!(changed > 100, "{changed}");
    }

    #[test]
    fn never_touches_division_by_zero_or_minus_one() {
        for ty in [Type::I32, Type::I64] {
            for op in [Opcode::Udiv, Opcode::Urem, Opcode::Sdiv, Opcode::Srem] {
                for c in [0, -1, 1] {
                    let mut f = binop(op, ty, c);
                    let (out, _) = run_checked(&mut StrengthReduce, &mut f);
                    assert_eq!(out.changed, Changed::Nothing, "{op} {c}");
                }
            }
        }
        // i64 by a non-power of two: no mulhi, left alone
        let mut f = binop(Opcode::Udiv, Type::I64, 10);
        assert_eq!(run_checked(&mut StrengthReduce, &mut f).0.changed, Changed::Nothing);
    }

    #[test]
    fn mul_by_two_to_the_k_plus_one_only_where_it_is_one_lea() {
        // 3, 5, 9: a shift by 1 to 3 and an add, one scaled-index `lea`.
        for c in [3, 5, 9] {
            let mut f = binop(Opcode::Imul, Type::I32, c);
            let (out, text) = run_checked(&mut StrengthReduce, &mut f);
            assert_eq!(out.counters.get("mul-shift-add"), Some(&1), "{c}: {text}");
        }
        // 17, 7, 2^32+1 (i64): three instructions where the multiply is one or two.
        for (ty, c) in [(Type::I32, 17), (Type::I32, 7), (Type::I32, 0x7fff_ffff), (Type::I64, (1 << 32) + 1)] {
            let mut f = binop(Opcode::Imul, ty, c);
            let (out, text) = run_checked(&mut StrengthReduce, &mut f);
            assert_eq!(out.changed, Changed::Nothing, "{c}: {text}");
        }
    }

    #[test]
    fn mul_by_power_of_two_text() {
        let mut f = binop(Opcode::Imul, Type::I32, 8);
        let (_, text) = run_checked(&mut StrengthReduce, &mut f);
        assert_eq!(
            body(&text),
            ["block0(v0: i32):", "v1 = iconst.i32 8", "v3 = iconst.i32 3", "v2 = ishl.i32 v0, v3", "return v2"]
        );
    }
}
