//! Value types of the IR: the four wasm number types, the 128-bit vector type and the
//! two reference types.
//!
//! This file must never grow a type that wasm 2.0 code cannot produce. `v128` has no
//! lane shape: the opcode that computes or reads it says how its lanes are read (the
//! opcode table's shape column, [`crate::opinfo::Shape`]).

use std::fmt;

/// The type of an SSA value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub enum Type {
    I32,
    I64,
    F32,
    F64,
    /// wasm's 128-bit vector (SIMD); lane-shaped only by the operations on it.
    V128,
    FuncRef,
    ExternRef,
}

impl Type {
    /// Every type, in a fixed order (for parsers and tests).
    pub const ALL: [Type; 7] = [Type::I32, Type::I64, Type::F32, Type::F64, Type::V128, Type::FuncRef, Type::ExternRef];

    /// The text-format name (`i32`, `funcref`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Type::I32 => "i32",
            Type::I64 => "i64",
            Type::F32 => "f32",
            Type::F64 => "f64",
            Type::V128 => "v128",
            Type::FuncRef => "funcref",
            Type::ExternRef => "externref",
        }
    }

    /// Parses a text-format type name.
    pub fn from_name(s: &str) -> Option<Type> {
        Type::ALL.into_iter().find(|t| t.name() == s)
    }

    pub fn is_int(self) -> bool {
        matches!(self, Type::I32 | Type::I64)
    }

    pub fn is_float(self) -> bool {
        matches!(self, Type::F32 | Type::F64)
    }

    pub fn is_ref(self) -> bool {
        matches!(self, Type::FuncRef | Type::ExternRef)
    }

    /// Width in bits of a number type (references: pointer-sized, 64).
    pub fn bits(self) -> u32 {
        match self {
            Type::I32 | Type::F32 => 32,
            Type::I64 | Type::F64 | Type::FuncRef | Type::ExternRef => 64,
            Type::V128 => 128,
        }
    }

    /// Converts a wasmparser value type; `None` for reference types outside wasm 2.0
    /// (typed function references, GC).
    pub fn from_wasm(ty: wasmparser::ValType) -> Option<Type> {
        match ty {
            wasmparser::ValType::I32 => Some(Type::I32),
            wasmparser::ValType::I64 => Some(Type::I64),
            wasmparser::ValType::F32 => Some(Type::F32),
            wasmparser::ValType::F64 => Some(Type::F64),
            wasmparser::ValType::V128 => Some(Type::V128),
            wasmparser::ValType::Ref(r) => Type::from_wasm_ref(r),
        }
    }

    /// Converts a wasmparser reference type (`funcref` / `externref` only).
    pub fn from_wasm_ref(r: wasmparser::RefType) -> Option<Type> {
        if r == wasmparser::RefType::FUNCREF {
            Some(Type::FuncRef)
        } else if r == wasmparser::RefType::EXTERNREF {
            Some(Type::ExternRef)
        } else {
            None
        }
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A function signature: parameter and result types (multi-value allowed).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default, serde::Serialize)]
pub struct Signature {
    pub params: Vec<Type>,
    pub results: Vec<Type>,
}

impl Signature {
    pub fn new(params: Vec<Type>, results: Vec<Type>) -> Self {
        Signature { params, results }
    }
}

impl fmt::Display for Signature {
    /// `(i32, i64) -> f32` ; `() -> ()` for the empty signature; several results as `(i32, i32)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "(")?;
        for (i, t) in self.params.iter().enumerate() {
            if i > 0 {
                write!(f, ", ")?;
            }
            write!(f, "{t}")?;
        }
        write!(f, ") -> ")?;
        if self.results.len() == 1 {
            write!(f, "{}", self.results[0])
        } else {
            write!(f, "(")?;
            for (i, t) in self.results.iter().enumerate() {
                if i > 0 {
                    write!(f, ", ")?;
                }
                write!(f, "{t}")?;
            }
            write!(f, ")")
        }
    }
}
