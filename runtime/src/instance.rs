//! Instances and instantiation (WebAssembly 2.0 semantics).
//!
//! ```text
//!  instantiate(store, prepared, resolver)
//!    1. resolve imports by (module, name), checking types      ─▶ Unlinkable errors
//!    2. allocate functions, tables, memories, globals (const exprs: imported globals, ref.func)
//!    3. evaluate element segments; push the instance (it exists from here on, even if
//!       a later step traps: a shared table may already hold its functions)
//!    4. active element segments, in order: table.init + elem.drop (out of bounds: trap,
//!       earlier segments stay applied); declared segments dropped
//!    5. active data segments, in order: memory.init + data.drop (same rule)
//!    6. the start function
//! ```
//!
//! An instance maps the module's index spaces to store handles and keeps its own
//! droppable segments. Instantiation never panics on any module the translator accepts
//! paired with any imports: mismatches are [`InstantiateError`] values.

use crate::engine::{Engine, EngineError, PreparedModule};
use crate::linker::Resolver;
use crate::store::{Extern, FuncKind, Global, GlobalId, InstanceId, MemoryId, Store, StoreFunc, TableId};
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;
use wlab_ir::interp::{FuncRef, Trap, Val};
use wlab_ir::module::{ConstExpr, DataMode, ElemMode, ExportKind};
use wlab_ir::{Module, ModuleInfo, TrapCode};

/// One instantiated module.
pub struct Instance {
    /// The code that runs this instance's defined functions.
    pub code: Arc<dyn PreparedModule>,
    /// Function index space → store functions (imports first).
    pub funcs: Vec<FuncRef>,
    pub tables: Vec<TableId>,
    pub memories: Vec<MemoryId>,
    pub globals: Vec<GlobalId>,
    /// Element segments as values; emptied by `elem.drop`.
    pub elems: Vec<Vec<Val>>,
    /// Whether each data segment was dropped (`data.drop`, or applied at instantiation).
    pub data_dropped: Vec<bool>,
    pub exports: BTreeMap<String, Extern>,
}

impl Instance {
    pub fn info(&self) -> &ModuleInfo {
        &self.code.module().info
    }

    /// The bytes of data segment `data` (empty once dropped).
    pub fn data_bytes(&self, data: u32) -> &[u8] {
        if self.data_dropped[data as usize] {
            &[]
        } else {
            &self.info().datas[data as usize].bytes
        }
    }
}

/// Why instantiation failed.
#[derive(Clone, Debug, PartialEq)]
pub enum InstantiateError {
    /// No entity under this import name.
    UnknownImport { module: String, name: String },
    /// An entity exists but its kind or type does not fit the import.
    IncompatibleImport { module: String, name: String, reason: String },
    /// The engine could not prepare the module.
    Engine(EngineError),
    /// A memory or table larger than the store allows.
    ResourceLimit(String),
    /// A segment was out of bounds or the start function trapped.
    Trap(Trap),
}

impl InstantiateError {
    /// Whether this is a linking failure (the wast `assert_unlinkable` kind).
    pub fn is_unlinkable(&self) -> bool {
        matches!(self, InstantiateError::UnknownImport { .. } | InstantiateError::IncompatibleImport { .. })
    }
}

impl fmt::Display for InstantiateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InstantiateError::UnknownImport { module, name } => {
                write!(f, "unknown import \"{module}\".\"{name}\"")
            }
            InstantiateError::IncompatibleImport { module, name, reason } => {
                write!(f, "incompatible import type for \"{module}\".\"{name}\": {reason}")
            }
            InstantiateError::Engine(e) => write!(f, "{e}"),
            InstantiateError::ResourceLimit(what) => write!(f, "resource limit exceeded: {what}"),
            InstantiateError::Trap(t) => write!(f, "{t}"),
        }
    }
}

impl std::error::Error for InstantiateError {}

/// Prepares `module` on `engine` and instantiates it.
pub fn instantiate_module(
    store: &mut Store,
    engine: &dyn Engine,
    module: Module,
    resolver: &dyn Resolver,
) -> Result<InstanceId, InstantiateError> {
    let prepared = engine.prepare(Arc::new(module)).map_err(InstantiateError::Engine)?;
    instantiate(store, prepared, resolver)
}

/// Instantiates a prepared module: see the module docs for the steps.
pub fn instantiate(
    store: &mut Store,
    code: Arc<dyn PreparedModule>,
    resolver: &dyn Resolver,
) -> Result<InstanceId, InstantiateError> {
    let module = code.module().clone();
    let info = &module.info;
    let id = InstanceId(store.instances.len() as u32);

    // 1. imports, checked; 2. allocation.
    let mut funcs = Vec::with_capacity(info.funcs.len());
    for (index, f) in info.funcs.iter().enumerate() {
        let sig = &info.types[f.type_index as usize];
        match &f.import {
            Some(imp) => {
                let handle = match lookup(resolver, &imp.module, &imp.name)? {
                    Extern::Func(h) => h,
                    other => return Err(incompatible(imp, format!("expected func, found {}", other.kind_name()))),
                };
                let actual = &store.func(handle).sig;
                if actual != sig {
                    return Err(incompatible(imp, format!("expected func {sig}, found func {actual}")));
                }
                funcs.push(handle);
            }
            None => {
                funcs.push(store.add_func(StoreFunc {
                    sig: sig.clone(),
                    kind: FuncKind::Wasm { instance: id, index: index as u32 },
                }));
            }
        }
    }

    let mut globals = Vec::with_capacity(info.globals.len());
    for (index, g) in info.globals.iter().enumerate() {
        if info.fuel_global == Some(index as u32) {
            globals.push(store.fuel_global());
            continue;
        }
        match (&g.import, g.init) {
            (Some(imp), _) => {
                let handle = match lookup(resolver, &imp.module, &imp.name)? {
                    Extern::Global(h) => h,
                    other => return Err(incompatible(imp, format!("expected global, found {}", other.kind_name()))),
                };
                let actual = store.global(handle);
                if actual.ty != g.ty || actual.mutable != g.mutable {
                    return Err(incompatible(
                        imp,
                        format!(
                            "expected global {}{}, found global {}{}",
                            mut_prefix(g.mutable),
                            g.ty,
                            mut_prefix(actual.mutable),
                            actual.ty
                        ),
                    ));
                }
                globals.push(handle);
            }
            (None, Some(init)) => {
                let value = eval_const(store, &globals, &funcs, init);
                globals.push(store.add_global(Global::new(g.ty, g.mutable, value)));
            }
            (None, None) => {
                panic!("a defined global without an initializer (the translator always sets one)")
            }
        }
    }

    let mut tables = Vec::with_capacity(info.tables.len());
    for t in &info.tables {
        match &t.import {
            Some(imp) => {
                let handle = match lookup(resolver, &imp.module, &imp.name)? {
                    Extern::Table(h) => h,
                    other => return Err(incompatible(imp, format!("expected table, found {}", other.kind_name()))),
                };
                let actual = store.table(handle);
                let size = actual.elems().len() as u64;
                if actual.elem != t.elem || !limits_match(size, actual.max, t.min, t.max) {
                    return Err(incompatible(
                        imp,
                        format!(
                            "expected table {} {}, found table {} {}",
                            limits_text(t.min, t.max),
                            t.elem,
                            limits_text(size, actual.max),
                            actual.elem
                        ),
                    ));
                }
                tables.push(handle);
            }
            None => {
                let handle = store
                    .add_table(t.elem, t.min, t.max, Val::default_for(t.elem))
                    .ok_or_else(|| InstantiateError::ResourceLimit(format!("table of {} elements", t.min)))?;
                tables.push(handle);
            }
        }
    }

    let mut memories = Vec::with_capacity(info.memories.len());
    for m in &info.memories {
        match &m.import {
            Some(imp) => {
                let handle = match lookup(resolver, &imp.module, &imp.name)? {
                    Extern::Memory(h) => h,
                    other => return Err(incompatible(imp, format!("expected memory, found {}", other.kind_name()))),
                };
                let actual = store.memory(handle);
                if !limits_match(actual.pages(), actual.max, m.min, m.max) {
                    return Err(incompatible(
                        imp,
                        format!(
                            "expected memory {}, found memory {}",
                            limits_text(m.min, m.max),
                            limits_text(actual.pages(), actual.max)
                        ),
                    ));
                }
                memories.push(handle);
            }
            None => {
                let limit = store.limits.memory_pages.min(crate::store::MAX_WASM_PAGES);
                let handle = store.add_memory(m.min, m.max).ok_or_else(|| {
                    InstantiateError::ResourceLimit(if m.min > limit {
                        format!("memory of {} pages, more than the limit of {limit} pages", m.min)
                    } else {
                        format!("memory of {} pages: the system refused the memory", m.min)
                    })
                })?;
                memories.push(handle);
            }
        }
    }

    // 3. segments as values, exports, and the instance itself.
    let elems: Vec<Vec<Val>> = info
        .elems
        .iter()
        .map(|seg| seg.items.iter().map(|&item| eval_const(store, &globals, &funcs, item)).collect())
        .collect();

    let mut exports = BTreeMap::new();
    for e in &info.exports {
        let item = match e.kind {
            ExportKind::Func => Extern::Func(funcs[e.index as usize]),
            ExportKind::Table => Extern::Table(tables[e.index as usize]),
            ExportKind::Memory => Extern::Memory(memories[e.index as usize]),
            ExportKind::Global => Extern::Global(globals[e.index as usize]),
        };
        exports.insert(e.name.clone(), item);
    }

    store.instances.push(Instance {
        code: code.clone(),
        funcs,
        tables,
        memories,
        globals,
        elems,
        data_dropped: vec![false; info.datas.len()],
        exports,
    });

    // 4. element segments.
    for (i, seg) in info.elems.iter().enumerate() {
        match &seg.mode {
            ElemMode::Active { table, offset } => {
                let offset = const_u32(store, id, *offset);
                let len = store.instance(id).elems[i].len() as u32;
                crate::ops::table_init(store, id, *table, i as u32, offset, 0, len).map_err(trap)?;
                store.instance_mut(id).elems[i].clear();
            }
            ElemMode::Declared => store.instance_mut(id).elems[i].clear(),
            ElemMode::Passive => {}
        }
    }

    // 5. data segments.
    for (i, seg) in info.datas.iter().enumerate() {
        if let DataMode::Active { memory, offset } = &seg.mode {
            let offset = const_u32(store, id, *offset);
            crate::ops::memory_init(store, id, *memory, i as u32, offset, 0, seg.bytes.len() as u32).map_err(trap)?;
            store.instance_mut(id).data_dropped[i] = true;
        }
    }

    // 6. start.
    if let Some(start) = info.start {
        let f = store.instance(id).funcs[start as usize];
        store.call(f, &[]).map_err(InstantiateError::Trap)?;
    }
    Ok(id)
}

fn lookup(resolver: &dyn Resolver, module: &str, name: &str) -> Result<Extern, InstantiateError> {
    resolver
        .resolve(module, name)
        .ok_or_else(|| InstantiateError::UnknownImport { module: module.to_string(), name: name.to_string() })
}

fn incompatible(imp: &wlab_ir::module::Import, reason: String) -> InstantiateError {
    InstantiateError::IncompatibleImport { module: imp.module.clone(), name: imp.name.clone(), reason }
}

fn trap(code: TrapCode) -> InstantiateError {
    InstantiateError::Trap(Trap::new(code))
}

fn mut_prefix(mutable: bool) -> &'static str {
    if mutable {
        "mut "
    } else {
        ""
    }
}

fn limits_text(min: u64, max: Option<u64>) -> String {
    match max {
        Some(max) => format!("{min} {max}"),
        None => format!("{min}"),
    }
}

/// Import subtyping of limits: the actual size is at least the declared minimum, and
/// when a maximum is declared the actual one exists and is no larger.
fn limits_match(actual_min: u64, actual_max: Option<u64>, min: u64, max: Option<u64>) -> bool {
    actual_min >= min
        && match (max, actual_max) {
            (None, _) => true,
            (Some(_), None) => false,
            (Some(m), Some(am)) => am <= m,
        }
}

/// Evaluates a constant expression given the instance's globals and functions so far.
fn eval_const(store: &Store, globals: &[GlobalId], funcs: &[FuncRef], e: ConstExpr) -> Val {
    match e {
        ConstExpr::I32(x) => Val::I32(x),
        ConstExpr::I64(x) => Val::I64(x),
        ConstExpr::F32(b) => Val::F32(b),
        ConstExpr::F64(b) => Val::F64(b),
        ConstExpr::V128(b) => Val::V128(b),
        ConstExpr::RefNull(ty) => Val::default_for(ty),
        ConstExpr::RefFunc(f) => Val::FuncRef(Some(funcs[f as usize])),
        ConstExpr::GlobalGet(g) => store.global(globals[g as usize]).get(),
    }
}

/// A segment offset: an `i32` constant expression, read as unsigned.
fn const_u32(store: &Store, id: InstanceId, e: ConstExpr) -> u32 {
    let inst = store.instance(id);
    match eval_const(store, &inst.globals, &inst.funcs, e) {
        Val::I32(x) => x as u32,
        other => panic!("segment offset of type {} (validation guarantees i32)", other.ty()),
    }
}
