//! Reads the sections of a wasm module into [`ModuleInfo`] and collects the function
//! bodies for [`super::func`] to translate, and what each body does
//! ([`super::effects`], gathered in the same read of its operators).
//!
//! Every binary-reader error met here is [`TranslateError::Malformed`]. This file reads;
//! it never validates (the validator runs separately) and never translates code. A
//! malformed name section is ignored, as the spec asks of custom sections.

use super::effects::{summarize, FuncEffects, LocalEffects};
use super::TranslateError;
use crate::module::{
    ConstExpr, DataMode, DataSegment, ElemMode, ElemSegment, Export, ExportKind, FuncInfo, GlobalInfo, Import,
    MemoryInfo, ModuleInfo, TableInfo,
};
use crate::types::{Signature, Type};
use wasmparser::{Parser, Payload, TypeRef};

/// The module data plus what the function translator needs beside it.
pub(crate) struct ModuleEnv<'a> {
    pub info: ModuleInfo,
    /// Type indices whose signature mentions `v128` (stored as an empty signature).
    pub simd_types: Vec<bool>,
    /// The body of every defined function, in order.
    pub bodies: Vec<wasmparser::FunctionBody<'a>>,
    /// The effects of every function, imports first ([`super::effects`]).
    pub effects: Vec<FuncEffects>,
}

fn malformed(e: wasmparser::BinaryReaderError) -> TranslateError {
    TranslateError::Malformed(e.to_string())
}

/// A type the IR cannot represent (only `v128` and post-2.0 reference types).
fn unsupported_type(what: &str, ty: impl std::fmt::Debug, offset: usize) -> TranslateError {
    TranslateError::Unsupported { func: u32::MAX, name: what.to_string(), op: format!("value type {ty:?}"), offset }
}

/// Reads every section of `bytes`.
pub(crate) fn read_module(bytes: &[u8]) -> Result<ModuleEnv<'_>, TranslateError> {
    let mut env =
        ModuleEnv { info: ModuleInfo::default(), simd_types: Vec::new(), bodies: Vec::new(), effects: Vec::new() };
    let mut name_section = None;
    let mut local_effects = Vec::new();
    for payload in Parser::new(0).parse_all(bytes) {
        match payload.map_err(malformed)? {
            Payload::TypeSection(reader) => {
                for group in reader {
                    for sub in group.map_err(malformed)?.into_types() {
                        let (sig, simd) = match &sub.composite_type.inner {
                            wasmparser::CompositeInnerType::Func(ft) => {
                                let params: Option<Vec<Type>> =
                                    ft.params().iter().map(|t| Type::from_wasm(*t)).collect();
                                let results: Option<Vec<Type>> =
                                    ft.results().iter().map(|t| Type::from_wasm(*t)).collect();
                                match (params, results) {
                                    (Some(p), Some(r)) => (Signature::new(p, r), false),
                                    _ => (Signature::default(), true),
                                }
                            }
                            // Not wasm 2.0; the validator refuses these.
                            _ => (Signature::default(), true),
                        };
                        env.info.types.push(sig);
                        env.simd_types.push(simd);
                    }
                }
            }
            Payload::ImportSection(reader) => {
                for import in reader.into_imports_with_offsets() {
                    let (offset, import) = import.map_err(malformed)?;
                    let from = Some(Import { module: import.module.to_string(), name: import.name.to_string() });
                    match import.ty {
                        TypeRef::Func(t) | TypeRef::FuncExact(t) => {
                            env.info.funcs.push(FuncInfo { type_index: t, import: from, name: None })
                        }
                        TypeRef::Table(t) => env.info.tables.push(table_info(t, from, offset as usize)?),
                        TypeRef::Memory(m) => env.info.memories.push(memory_info(m, from)),
                        TypeRef::Global(g) => {
                            let ty = Type::from_wasm(g.content_type)
                                .ok_or_else(|| unsupported_type("imported global", g.content_type, offset as usize))?;
                            env.info.globals.push(GlobalInfo { ty, mutable: g.mutable, init: None, import: from });
                        }
                        TypeRef::Tag(_) => {
                            return Err(TranslateError::Invalid("tags are not part of WebAssembly 2.0".into()))
                        }
                    }
                }
            }
            Payload::FunctionSection(reader) => {
                for t in reader {
                    env.info.funcs.push(FuncInfo { type_index: t.map_err(malformed)?, import: None, name: None });
                }
            }
            Payload::TableSection(reader) => {
                for table in reader {
                    let table = table.map_err(malformed)?;
                    env.info.tables.push(table_info(table.ty, None, 0)?);
                }
            }
            Payload::MemorySection(reader) => {
                for m in reader {
                    env.info.memories.push(memory_info(m.map_err(malformed)?, None));
                }
            }
            Payload::GlobalSection(reader) => {
                for g in reader {
                    let g = g.map_err(malformed)?;
                    let offset = g.init_expr.get_binary_reader().original_position() as usize;
                    let ty = Type::from_wasm(g.ty.content_type)
                        .ok_or_else(|| unsupported_type("global", g.ty.content_type, offset))?;
                    let init = Some(const_expr(&g.init_expr)?);
                    env.info.globals.push(GlobalInfo { ty, mutable: g.ty.mutable, init, import: None });
                }
            }
            Payload::ExportSection(reader) => {
                for e in reader {
                    let e = e.map_err(malformed)?;
                    let kind = match e.kind {
                        wasmparser::ExternalKind::Func | wasmparser::ExternalKind::FuncExact => ExportKind::Func,
                        wasmparser::ExternalKind::Table => ExportKind::Table,
                        wasmparser::ExternalKind::Memory => ExportKind::Memory,
                        wasmparser::ExternalKind::Global => ExportKind::Global,
                        wasmparser::ExternalKind::Tag => {
                            return Err(TranslateError::Invalid("tags are not part of WebAssembly 2.0".into()))
                        }
                    };
                    env.info.exports.push(Export { name: e.name.to_string(), kind, index: e.index });
                }
            }
            Payload::StartSection { func, .. } => env.info.start = Some(func),
            Payload::ElementSection(reader) => {
                for elem in reader {
                    env.info.elems.push(elem_segment(elem.map_err(malformed)?)?);
                }
            }
            Payload::DataSection(reader) => {
                for data in reader {
                    let data = data.map_err(malformed)?;
                    let mode = match data.kind {
                        wasmparser::DataKind::Passive => DataMode::Passive,
                        wasmparser::DataKind::Active { memory_index, offset_expr } => {
                            DataMode::Active { memory: memory_index, offset: const_expr(&offset_expr)? }
                        }
                    };
                    env.info.datas.push(DataSegment { mode, bytes: data.data.to_vec() });
                }
            }
            Payload::CodeSectionEntry(body) => {
                // Read the body fully now so that a malformed body is reported as such.
                let mut locals = body.get_locals_reader().map_err(malformed)?;
                for _ in 0..locals.get_count() {
                    locals.read().map_err(malformed)?;
                }
                let mut ops = body.get_operators_reader().map_err(malformed)?;
                let mut effects = LocalEffects::default();
                while !ops.eof() {
                    effects.add(&ops.read().map_err(malformed)?);
                }
                local_effects.push(effects);
                ops.finish().map_err(malformed)?;
                env.bodies.push(body);
            }
            Payload::CustomSection(reader) => {
                if let wasmparser::KnownCustom::Name(names) = reader.as_known() {
                    name_section = Some(names);
                }
            }
            _ => {}
        }
    }
    if let Some(names) = name_section {
        read_names(&mut env.info, names);
    }
    env.effects = summarize(&env.info, local_effects);
    Ok(env)
}

fn table_info(t: wasmparser::TableType, import: Option<Import>, offset: usize) -> Result<TableInfo, TranslateError> {
    let elem = Type::from_wasm_ref(t.element_type).ok_or_else(|| unsupported_type("table", t.element_type, offset))?;
    Ok(TableInfo { elem, min: t.initial, max: t.maximum, import })
}

fn memory_info(m: wasmparser::MemoryType, import: Option<Import>) -> MemoryInfo {
    MemoryInfo { min: m.initial, max: m.maximum, import }
}

/// Reads a wasm 2.0 constant expression: one constant instruction or `global.get`, then `end`.
pub(crate) fn const_expr(expr: &wasmparser::ConstExpr<'_>) -> Result<ConstExpr, TranslateError> {
    use wasmparser::Operator as O;
    let mut ops = expr.get_operators_reader();
    let (first, offset) = ops.read_with_offset().map_err(malformed)?;
    let value = match first {
        O::I32Const { value } => ConstExpr::I32(value),
        O::I64Const { value } => ConstExpr::I64(value),
        O::F32Const { value } => ConstExpr::F32(value.bits()),
        O::F64Const { value } => ConstExpr::F64(value.bits()),
        O::V128Const { value } => ConstExpr::V128(*value.bytes()),
        O::RefNull { hty } => ConstExpr::RefNull(heap_type(hty, offset as usize)?),
        O::RefFunc { function_index } => ConstExpr::RefFunc(function_index),
        O::GlobalGet { global_index } => ConstExpr::GlobalGet(global_index),
        other => {
            return Err(TranslateError::Invalid(format!(
                "constant expression at offset {offset:#x}: {other:?} is not a wasm 2.0 constant instruction"
            )))
        }
    };
    match ops.read().map_err(malformed)? {
        O::End => Ok(value),
        other => Err(TranslateError::Invalid(format!(
            "constant expression at offset {offset:#x}: {other:?} after the first instruction (extended constants are not wasm 2.0)"
        ))),
    }
}

/// The IR type of a `ref.null` heap type (`func` or `extern`).
pub(crate) fn heap_type(hty: wasmparser::HeapType, offset: usize) -> Result<Type, TranslateError> {
    match hty {
        wasmparser::HeapType::Abstract { shared: false, ty: wasmparser::AbstractHeapType::Func } => Ok(Type::FuncRef),
        wasmparser::HeapType::Abstract { shared: false, ty: wasmparser::AbstractHeapType::Extern } => {
            Ok(Type::ExternRef)
        }
        other => Err(TranslateError::Invalid(format!(
            "heap type {other:?} at offset {offset:#x} is not part of WebAssembly 2.0"
        ))),
    }
}

fn elem_segment(elem: wasmparser::Element<'_>) -> Result<ElemSegment, TranslateError> {
    let mode = match elem.kind {
        wasmparser::ElementKind::Passive => ElemMode::Passive,
        wasmparser::ElementKind::Declared => ElemMode::Declared,
        wasmparser::ElementKind::Active { table_index, offset_expr } => {
            ElemMode::Active { table: table_index.unwrap_or(0), offset: const_expr(&offset_expr)? }
        }
    };
    let mut items = Vec::new();
    let ty = match elem.items {
        wasmparser::ElementItems::Functions(funcs) => {
            for f in funcs {
                items.push(ConstExpr::RefFunc(f.map_err(malformed)?));
            }
            Type::FuncRef
        }
        wasmparser::ElementItems::Expressions(ref_ty, exprs) => {
            for e in exprs {
                items.push(const_expr(&e.map_err(malformed)?)?);
            }
            Type::from_wasm_ref(ref_ty)
                .ok_or_else(|| unsupported_type("element segment", ref_ty, elem.range.start as usize))?
        }
    };
    Ok(ElemSegment { ty, mode, items })
}

/// Copies module and function names; stops quietly at the first malformed subsection.
fn read_names(info: &mut ModuleInfo, names: wasmparser::NameSectionReader<'_>) {
    for name in names {
        let Ok(name) = name else { return };
        match name {
            wasmparser::Name::Module { name, .. } => info.module_name = Some(name.to_string()),
            wasmparser::Name::Function(map) => {
                for naming in map {
                    let Ok(naming) = naming else { return };
                    if let Some(f) = info.funcs.get_mut(naming.index as usize) {
                        f.name = Some(naming.name.to_string());
                    }
                }
            }
            _ => {}
        }
    }
}
