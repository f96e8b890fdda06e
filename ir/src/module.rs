//! Module-level data from a wasm module: types, imports, functions, tables, memories,
//! globals, exports, segments, the start function and names.
//!
//! This is what instantiation needs and what the translator fills in beside the IR
//! functions. It holds data only; the runtime gives it life.

use crate::function::Function;
use crate::types::{Signature, Type};

/// A constant expression (wasm 2.0: one constant instruction or one `global.get`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum ConstExpr {
    I32(i32),
    I64(i64),
    /// Raw bits.
    F32(u32),
    /// Raw bits.
    F64(u64),
    /// `v128.const`: the 16 bytes, lane 0 first.
    V128([u8; 16]),
    RefNull(Type),
    RefFunc(u32),
    GlobalGet(u32),
}

/// Where an imported entity comes from.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Import {
    pub module: String,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct FuncInfo {
    pub type_index: u32,
    /// `Some` for imported functions (which come first in the index space).
    pub import: Option<Import>,
    /// From the name section.
    pub name: Option<String>,
}

#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct TableInfo {
    /// `FuncRef` or `ExternRef`.
    pub elem: Type,
    pub min: u64,
    pub max: Option<u64>,
    pub import: Option<Import>,
}

#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct MemoryInfo {
    /// In 64 KiB pages.
    pub min: u64,
    pub max: Option<u64>,
    pub import: Option<Import>,
}

#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct GlobalInfo {
    pub ty: Type,
    pub mutable: bool,
    /// `None` for imported globals.
    pub init: Option<ConstExpr>,
    pub import: Option<Import>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum ExportKind {
    Func,
    Table,
    Memory,
    Global,
}

#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Export {
    pub name: String,
    pub kind: ExportKind,
    pub index: u32,
}

#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub enum ElemMode {
    Active { table: u32, offset: ConstExpr },
    Passive,
    Declared,
}

#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct ElemSegment {
    pub ty: Type,
    pub mode: ElemMode,
    /// Each item is `RefFunc`, `RefNull` or `GlobalGet`.
    pub items: Vec<ConstExpr>,
}

#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub enum DataMode {
    Active { memory: u32, offset: ConstExpr },
    Passive,
}

#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct DataSegment {
    pub mode: DataMode,
    pub bytes: Vec<u8>,
}

/// Everything about a module except function bodies.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct ModuleInfo {
    pub types: Vec<Signature>,
    /// Imported functions first, then defined ones (the wasm function index space).
    pub funcs: Vec<FuncInfo>,
    pub tables: Vec<TableInfo>,
    pub memories: Vec<MemoryInfo>,
    pub globals: Vec<GlobalInfo>,
    pub exports: Vec<Export>,
    pub start: Option<u32>,
    pub elems: Vec<ElemSegment>,
    pub datas: Vec<DataSegment>,
    /// From the name section.
    pub module_name: Option<String>,
    /// The defined global (i64, mutable) that the runtime's fuel instrumentation added
    /// (`wlab_runtime::fuel`): instantiation binds it to the store's fuel counter instead
    /// of allocating it. `None` for every translated module.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fuel_global: Option<u32>,
}

impl ModuleInfo {
    /// How many functions are imported: imports come first in wasm's function index
    /// space, so this is also the index of the first defined function. A binary search:
    /// it is asked once per function, and counting would make compiling a module
    /// quadratic in its number of functions.
    pub fn num_imported_funcs(&self) -> u32 {
        self.funcs.partition_point(|f| f.import.is_some()) as u32
    }

    pub fn func_signature(&self, func_index: u32) -> &Signature {
        &self.types[self.funcs[func_index as usize].type_index as usize]
    }

    /// The display name of a function: its name-section name, or `f<index>`.
    pub fn func_display_name(&self, func_index: u32) -> String {
        match self.funcs.get(func_index as usize).and_then(|f| f.name.clone()) {
            Some(n) => n,
            None => format!("f{func_index}"),
        }
    }

    /// The export of a given kind and name.
    pub fn export(&self, name: &str) -> Option<&Export> {
        self.exports.iter().find(|e| e.name == name)
    }
}

/// A translated module: module data plus one IR function per defined function
/// (`functions[i]` is wasm function `num_imported_funcs() + i`).
#[derive(Clone, Debug, Default)]
pub struct Module {
    pub info: ModuleInfo,
    pub functions: Vec<Function>,
}

impl Module {
    /// The IR of wasm function `func_index`, or `None` for an import / out of range.
    pub fn function(&self, func_index: u32) -> Option<&Function> {
        let first = self.info.num_imported_funcs();
        func_index.checked_sub(first).and_then(|i| self.functions.get(i as usize))
    }
}
