//! Values as 64-bit words: the representation compiled code uses for value areas and
//! global cells (see `wlab_backends::abi`). i32/f32 sit in the low 32 bits; references
//! are 0 for null, otherwise their number plus one. Only converts; stores nothing.

use wlab_ir::interp::{FuncRef, Val};
use wlab_ir::Type;

pub fn val_to_raw(v: Val) -> u64 {
    match v {
        Val::I32(x) => x as u32 as u64,
        Val::I64(x) => x as u64,
        Val::F32(b) => b as u64,
        Val::F64(b) => b,
        Val::FuncRef(None) | Val::ExternRef(None) => 0,
        Val::FuncRef(Some(f)) => f.0 as u64 + 1,
        Val::ExternRef(Some(x)) => x as u64 + 1,
        Val::V128(_) => unreachable!("a v128 never crosses a 64-bit word: native code refuses v128 functions"),
    }
}

pub fn raw_to_val(raw: u64, ty: Type) -> Val {
    match ty {
        Type::I32 => Val::I32(raw as u32 as i32),
        Type::I64 => Val::I64(raw as i64),
        Type::F32 => Val::F32(raw as u32),
        Type::F64 => Val::F64(raw),
        Type::FuncRef => Val::FuncRef((raw != 0).then(|| FuncRef((raw - 1) as u32))),
        Type::ExternRef => Val::ExternRef((raw != 0).then(|| (raw - 1) as u32)),
        Type::V128 => unreachable!("a v128 never crosses a 64-bit word: native code refuses v128 functions"),
    }
}
