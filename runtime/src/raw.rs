//! Values as 64-bit words: the representation compiled code uses for value areas and
//! global cells (see `wlab_backends::abi`). i32/f32 sit in the low 32 bits; references
//! are 0 for null, otherwise their number plus one; a v128 takes two words, low half
//! first. Only converts; stores nothing.

use wlab_backends::abi::value_words;
use wlab_ir::interp::{FuncRef, Val};
use wlab_ir::Type;

/// A scalar value as one word. A v128 takes two words: use [`vals_to_words`].
pub fn val_to_raw(v: Val) -> u64 {
    match v {
        Val::I32(x) => x as u32 as u64,
        Val::I64(x) => x as u64,
        Val::F32(b) => b as u64,
        Val::F64(b) => b,
        Val::FuncRef(None) | Val::ExternRef(None) => 0,
        Val::FuncRef(Some(f)) => f.0 as u64 + 1,
        Val::ExternRef(Some(x)) => x as u64 + 1,
        Val::V128(_) => panic!("a v128 takes two words: use vals_to_words"),
    }
}

/// A scalar value from one word. A v128 takes two words: use [`words_to_vals`].
pub fn raw_to_val(raw: u64, ty: Type) -> Val {
    match ty {
        Type::I32 => Val::I32(raw as u32 as i32),
        Type::I64 => Val::I64(raw as i64),
        Type::F32 => Val::F32(raw as u32),
        Type::F64 => Val::F64(raw),
        Type::FuncRef => Val::FuncRef((raw != 0).then(|| FuncRef((raw - 1) as u32))),
        Type::ExternRef => Val::ExternRef((raw != 0).then(|| (raw - 1) as u32)),
        Type::V128 => panic!("a v128 takes two words: use words_to_vals"),
    }
}

/// A v128 from its two words (low half first).
pub fn v128_from_words(low: u64, high: u64) -> Val {
    Val::V128(((high as u128) << 64 | low as u128).to_le_bytes())
}

/// The two words (low half first) of a v128's bytes.
pub fn v128_words(b: [u8; 16]) -> (u64, u64) {
    let x = u128::from_le_bytes(b);
    (x as u64, (x >> 64) as u64)
}

/// Words a value area holding values of `types` needs.
pub fn area_words(types: &[Type]) -> usize {
    types.iter().map(|t| value_words(*t) as usize).sum()
}

/// Writes `vals` one after another into the value area `words`, which has at least
/// their [`area_words`].
pub fn vals_to_words(vals: &[Val], words: &mut [u64]) {
    let mut at = 0;
    for v in vals {
        match v {
            Val::V128(b) => {
                let (low, high) = v128_words(*b);
                words[at] = low;
                words[at + 1] = high;
                at += 2;
            }
            other => {
                words[at] = val_to_raw(*other);
                at += 1;
            }
        }
    }
}

/// Reads values of `types` one after another from the value area `words`.
pub fn words_to_vals(words: &[u64], types: &[Type]) -> Vec<Val> {
    let mut at = 0;
    types
        .iter()
        .map(|ty| {
            let v = match ty {
                Type::V128 => v128_from_words(words[at], words[at + 1]),
                _ => raw_to_val(words[at], *ty),
            };
            at += value_words(*ty) as usize;
            v
        })
        .collect()
}
