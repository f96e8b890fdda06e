//! Runtime values, shared by the interpreter and every engine of the runtime.

use crate::types::Type;
use std::fmt;

/// A reference to a function, as a store-level handle (the runtime decides what the
/// number means; the interpreter only passes it around).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FuncRef(pub u32);

/// A wasm value. Floats are kept as raw bits so NaN payloads survive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Val {
    I32(i32),
    I64(i64),
    F32(u32),
    F64(u64),
    FuncRef(Option<FuncRef>),
    /// A host reference, identified by a number the host chose.
    ExternRef(Option<u32>),
    /// A 128-bit vector: 16 bytes, lane 0 first (bytes rather than `u128` keep `Val` at
    /// 8-byte alignment).
    V128([u8; 16]),
}

impl Val {
    pub fn ty(&self) -> Type {
        match self {
            Val::I32(_) => Type::I32,
            Val::I64(_) => Type::I64,
            Val::F32(_) => Type::F32,
            Val::F64(_) => Type::F64,
            Val::FuncRef(_) => Type::FuncRef,
            Val::ExternRef(_) => Type::ExternRef,
            Val::V128(_) => Type::V128,
        }
    }

    /// The zero value of a type (`0`, `+0.0`, null).
    pub fn default_for(ty: Type) -> Val {
        match ty {
            Type::I32 => Val::I32(0),
            Type::I64 => Val::I64(0),
            Type::F32 => Val::F32(0),
            Type::F64 => Val::F64(0),
            Type::FuncRef => Val::FuncRef(None),
            Type::ExternRef => Val::ExternRef(None),
            Type::V128 => Val::V128([0; 16]),
        }
    }
}

impl fmt::Display for Val {
    /// `i32:5`, `f64:1.5`, `funcref:null`, `v128:0x…` (32 hex digits: the vector as a
    /// little-endian 128-bit number, lane 0 rightmost), ...
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Val::I32(x) => write!(f, "i32:{x}"),
            Val::I64(x) => write!(f, "i64:{x}"),
            Val::F32(b) => write!(f, "f32:{}", crate::write::format_f32(*b)),
            Val::F64(b) => write!(f, "f64:{}", crate::write::format_f64(*b)),
            Val::FuncRef(None) => write!(f, "funcref:null"),
            Val::FuncRef(Some(r)) => write!(f, "funcref:{}", r.0),
            Val::ExternRef(None) => write!(f, "externref:null"),
            Val::ExternRef(Some(r)) => write!(f, "externref:{r}"),
            Val::V128(b) => write!(f, "v128:0x{:032x}", u128::from_le_bytes(*b)),
        }
    }
}
