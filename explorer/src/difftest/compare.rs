//! What "agrees" means between the reference and the engine under test: values, traps
//! and outcomes. Both sides are described with wlab's own [`Val`] and [`TrapCode`].
//!
//! **NaNs.** A numeric operation that produces a NaN may give any *arithmetic* NaN
//! (quiet bit set, any sign and payload) in WebAssembly, and a canonical one when its NaN
//! inputs were canonical; only the pure bit moves (`const`, `local`/`global` access,
//! `select`, loads and stores, `reinterpret`, `abs`, `neg`, `copysign`) must keep the
//! bits exactly. A result alone does not say which kind of instruction made it, so the
//! rule here is: two quiet NaNs of the same type agree whatever their sign and payload
//! (every such pair is allowed for some arithmetic op), and everything else — numbers,
//! infinities, zeros' signs, signalling NaNs (no arithmetic op makes one, only bit moves
//! carry them) — must be bit-identical. Each agreement that needed this rule is counted
//! ([`Agreement::NanLenient`]), so a run shows how often it mattered. Memory is compared
//! byte for byte: NaN bits that reach memory are only fully determined when the module
//! canonicalises NaNs, which the report says for every mismatch.
//!
//! **v128.** A `v128` result carries no lane type, and this file sees only results, not
//! the operation that made them. What keeps the comparison tight is the generator:
//! with canonicalised NaNs (the default), wasm-smith replaces every NaN that `f32x4` and
//! `f64x2` arithmetic (`add` ... `sqrt`, `min`, `max`, rounding) makes by one fixed bit
//! pattern, so those lanes are bit-exact on every engine. Two NaN-making operations are
//! left as they are (`f32x4.demote_f64x2_zero`, `f64x2.promote_low_f32x4`), and with
//! `--raw-nans` none is canonicalised; WebAssembly lets their NaN lanes have any sign
//! and payload. So two `v128`s agree exactly when their bits are equal, and otherwise
//! leniently ([`Agreement::NanLenient`], counted) when, read as `f32x4` *or* as `f64x2`,
//! every lane is bit-equal or a quiet NaN on both sides: the same rule as for scalars,
//! applied under each float lane shape a producing operation could have had. The price
//! of not knowing the shape: an integer lane result that differs from the reference
//! only inside a quiet-NaN bit pattern would be taken as agreement; the count of
//! lenient agreements shows how often the rule was needed at all.
//!
//! **References.** A `funcref` result agrees when both are null or both are non-null
//! (function identities live in different stores); an `externref` carries the host
//! number the harness passed in, which must be equal.
//!
//! **Traps.** Kinds must be equal, except that wasmi reports a `call_indirect` index past
//! the end of its table as "table out of bounds" where wlab says "undefined element".
//!
//! This file decides agreement only; it never runs anything.

use wlab_ir::interp::Val;
use wlab_ir::TrapCode;

/// The result of one call, or of instantiation (with no values).
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    Values(Vec<Val>),
    Trap(TrapCode),
    /// A failure that is not a trap (a resource limit, an engine error): its message.
    Error(String),
}

/// How two things agreed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Agreement {
    Exact,
    /// Equal only under the NaN rule.
    NanLenient,
    Differ,
}

impl Agreement {
    fn and(self, other: Agreement) -> Agreement {
        match (self, other) {
            (Agreement::Differ, _) | (_, Agreement::Differ) => Agreement::Differ,
            (Agreement::NanLenient, _) | (_, Agreement::NanLenient) => Agreement::NanLenient,
            (Agreement::Exact, Agreement::Exact) => Agreement::Exact,
        }
    }
}

fn quiet_nan32(bits: u32) -> bool {
    bits & 0x7fc0_0000 == 0x7fc0_0000
}

fn quiet_nan64(bits: u64) -> bool {
    bits & 0x7ff8_0000_0000_0000 == 0x7ff8_0000_0000_0000
}

/// Whether `a` and `b`, read as lanes of `width` bits (32 or 64), agree lane by lane
/// under the NaN rule: each lane bit-equal, or a quiet NaN on both sides.
fn lanes_agree_as_nans(a: u128, b: u128, width: u32) -> bool {
    let mask = (1u128 << width) - 1;
    (0..128 / width).all(|i| {
        let (x, y) = ((a >> (i * width)) & mask, (b >> (i * width)) & mask);
        x == y
            || match width {
                32 => quiet_nan32(x as u32) && quiet_nan32(y as u32),
                _ => quiet_nan64(x as u64) && quiet_nan64(y as u64),
            }
    })
}

/// Whether `got` agrees with `expected` (see the module docs).
pub fn values_agree(expected: &Val, got: &Val) -> Agreement {
    match (expected, got) {
        (Val::F32(a), Val::F32(b)) if a != b => {
            if quiet_nan32(*a) && quiet_nan32(*b) {
                Agreement::NanLenient
            } else {
                Agreement::Differ
            }
        }
        (Val::F64(a), Val::F64(b)) if a != b => {
            if quiet_nan64(*a) && quiet_nan64(*b) {
                Agreement::NanLenient
            } else {
                Agreement::Differ
            }
        }
        (Val::V128(a), Val::V128(b)) if a != b => {
            let (a, b) = (u128::from_le_bytes(*a), u128::from_le_bytes(*b));
            if lanes_agree_as_nans(a, b, 32) || lanes_agree_as_nans(a, b, 64) {
                Agreement::NanLenient
            } else {
                Agreement::Differ
            }
        }
        (Val::FuncRef(a), Val::FuncRef(b)) => same(a.is_some() == b.is_some()),
        (a, b) => same(a == b),
    }
}

fn same(equal: bool) -> Agreement {
    if equal {
        Agreement::Exact
    } else {
        Agreement::Differ
    }
}

/// Whether the trap `got` is the trap `expected` (from the reference).
pub fn traps_agree(expected: TrapCode, got: TrapCode) -> bool {
    expected == got || (expected == TrapCode::TableOutOfBounds && got == TrapCode::UndefinedElement)
}

/// Whether two outcomes agree.
pub fn outcomes_agree(expected: &Outcome, got: &Outcome) -> Agreement {
    match (expected, got) {
        (Outcome::Values(a), Outcome::Values(b)) if a.len() == b.len() => {
            a.iter().zip(b).fold(Agreement::Exact, |acc, (x, y)| acc.and(values_agree(x, y)))
        }
        (Outcome::Trap(a), Outcome::Trap(b)) => same(traps_agree(*a, *b)),
        _ => Agreement::Differ,
    }
}

/// One line for a report: `i32:5, f32:nan:0x7fc00001` or `trap: integer divide by zero`.
pub fn describe(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Values(vs) if vs.is_empty() => "()".to_string(),
        Outcome::Values(vs) => describe_vals(vs),
        Outcome::Trap(code) => format!("trap: {}", code.message()),
        Outcome::Error(m) => format!("error: {m}"),
    }
}

/// Values as `i32:5, f32:1.5 (0x3fc00000)`: floats with their bits, so NaN payloads show.
pub fn describe_vals(vals: &[Val]) -> String {
    vals.iter().map(describe_val).collect::<Vec<_>>().join(", ")
}

pub fn describe_val(v: &Val) -> String {
    match v {
        Val::F32(b) => format!("{v} ({b:#010x})"),
        Val::F64(b) => format!("{v} ({b:#018x})"),
        Val::FuncRef(Some(_)) => "funcref:non-null".to_string(),
        _ => v.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quiet_nans_agree_leniently_signalling_nans_and_numbers_exactly() {
        let canon = Val::F32(0x7fc0_0000);
        assert_eq!(values_agree(&canon, &canon), Agreement::Exact);
        assert_eq!(values_agree(&canon, &Val::F32(0xffc0_0001)), Agreement::NanLenient);
        assert_eq!(values_agree(&Val::F32(0x7f80_0001), &Val::F32(0x7fc0_0001)), Agreement::Differ);
        assert_eq!(values_agree(&Val::F64(0), &Val::F64(1 << 63)), Agreement::Differ);
        assert_eq!(
            values_agree(&Val::F64(0x7ff8_0000_0000_0000), &Val::F64(0xfff8_0000_0000_0001)),
            Agreement::NanLenient
        );
        assert_eq!(values_agree(&Val::I32(1), &Val::I64(1)), Agreement::Differ);
    }

    #[test]
    fn v128s_agree_leniently_only_where_a_float_lane_shape_makes_both_sides_quiet_nans() {
        let v = |x: u128| Val::V128(x.to_le_bytes());
        let canon32 = 0x7fc0_0000u128;
        let f32x4 = |l: [u128; 4]| v(l[0] | l[1] << 32 | l[2] << 64 | l[3] << 96);
        assert_eq!(values_agree(&v(5), &v(5)), Agreement::Exact);
        // One f32 lane with another quiet NaN payload: lenient.
        let a = f32x4([1, canon32, 3, 4]);
        assert_eq!(values_agree(&a, &f32x4([1, 0xffc0_0001, 3, 4])), Agreement::NanLenient);
        // A number lane that differs: a difference, whatever the other lanes.
        assert_eq!(values_agree(&a, &f32x4([2, canon32, 3, 4])), Agreement::Differ);
        // A signalling NaN is not an arithmetic result: must be exact.
        assert_eq!(values_agree(&a, &f32x4([1, 0x7f80_0001, 3, 4])), Agreement::Differ);
        // Quiet f64 NaNs in both lanes (not NaNs as f32x4): lenient under f64x2.
        let nan64 = 0x7ff8_0000_0000_0000u128;
        assert_eq!(values_agree(&v(nan64 | nan64 << 64), &v((nan64 | 1) | nan64 << 64)), Agreement::NanLenient);
        assert_eq!(values_agree(&v(nan64 | 7 << 64), &v((nan64 | 1) | 8 << 64)), Agreement::Differ);
    }

    #[test]
    fn funcrefs_agree_on_nullness_traps_on_kind() {
        use wlab_ir::interp::FuncRef;
        assert_eq!(values_agree(&Val::FuncRef(Some(FuncRef(3))), &Val::FuncRef(Some(FuncRef(9)))), Agreement::Exact);
        assert_eq!(values_agree(&Val::FuncRef(None), &Val::FuncRef(Some(FuncRef(0)))), Agreement::Differ);
        assert!(traps_agree(TrapCode::TableOutOfBounds, TrapCode::UndefinedElement));
        assert!(!traps_agree(TrapCode::UndefinedElement, TrapCode::TableOutOfBounds));
        assert!(!traps_agree(TrapCode::Unreachable, TrapCode::MemoryOutOfBounds));
        let a = Outcome::Values(vec![Val::I32(1), Val::F32(0x7fc0_0000)]);
        let b = Outcome::Values(vec![Val::I32(1), Val::F32(0x7fc0_0004)]);
        assert_eq!(outcomes_agree(&a, &b), Agreement::NanLenient);
        assert_eq!(outcomes_agree(&a, &Outcome::Values(vec![Val::I32(1)])), Agreement::Differ);
    }
}
