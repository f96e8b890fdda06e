//! Instance-level operations on the store: the bulk memory and table instructions,
//! segment drops, and `call_indirect`'s checks, in the module's own index spaces.
//!
//! Instantiation uses these for active segments, the interpreter's `Env` delegates to
//! them, and native engines can call them as library routines, so every engine gets
//! the same bounds and signature rules. Bounds are checked before anything is written:
//! an operation that traps changes nothing. Nothing here panics on wasm-level input;
//! an index outside the module's index spaces is a validation failure upstream and
//! panics as a broken invariant.

use crate::store::{InstanceId, Store};
use wlab_ir::interp::{FuncRef, Trap, Val};
use wlab_ir::TrapCode;

/// `true` when `start + len` exceeds `size` (computed without overflow).
fn out_of_bounds(start: u32, len: u32, size: usize) -> bool {
    start as u64 + len as u64 > size as u64
}

/// `memory.init`.
pub fn memory_init(
    store: &mut Store,
    inst: InstanceId,
    mem: u32,
    data: u32,
    dst: u32,
    src: u32,
    len: u32,
) -> Result<(), TrapCode> {
    let instance = &store.instances[inst.0 as usize];
    let bytes = instance.data_bytes(data);
    let memory = &mut store.memories[instance.memories[mem as usize].0 as usize];
    if out_of_bounds(src, len, bytes.len()) || out_of_bounds(dst, len, memory.bytes.len()) {
        return Err(TrapCode::MemoryOutOfBounds);
    }
    memory.bytes[dst as usize..(dst + len) as usize].copy_from_slice(&bytes[src as usize..(src + len) as usize]);
    Ok(())
}

/// `data.drop`.
pub fn data_drop(store: &mut Store, inst: InstanceId, data: u32) {
    store.instance_mut(inst).data_dropped[data as usize] = true;
}

/// `memory.grow`: the old size in pages, or -1.
pub fn memory_grow(store: &mut Store, inst: InstanceId, mem: u32, delta: u32) -> i32 {
    let m = store.instance(inst).memories[mem as usize];
    match store.grow_memory(m, delta as u64) {
        Some(old) => old as i32,
        None => -1,
    }
}

pub fn table_get(store: &Store, inst: InstanceId, table: u32, index: u32) -> Result<Val, TrapCode> {
    let t = store.instance(inst).tables[table as usize];
    store.table(t).elems().get(index as usize).copied().ok_or(TrapCode::TableOutOfBounds)
}

pub fn table_set(store: &mut Store, inst: InstanceId, table: u32, index: u32, value: Val) -> Result<(), TrapCode> {
    let t = store.instance(inst).tables[table as usize];
    if index as usize >= store.table(t).elems().len() {
        return Err(TrapCode::TableOutOfBounds);
    }
    store.write_table(t, index as usize, &[value]);
    Ok(())
}

pub fn table_size(store: &Store, inst: InstanceId, table: u32) -> u32 {
    let t = store.instance(inst).tables[table as usize];
    store.table(t).elems().len() as u32
}

/// `table.grow`: the old size, or -1.
pub fn table_grow(store: &mut Store, inst: InstanceId, table: u32, init: Val, delta: u32) -> i32 {
    let t = store.instance(inst).tables[table as usize];
    match store.grow_table(t, delta as u64, init) {
        Some(old) => old as i32,
        None => -1,
    }
}

pub fn table_fill(
    store: &mut Store,
    inst: InstanceId,
    table: u32,
    dst: u32,
    value: Val,
    len: u32,
) -> Result<(), TrapCode> {
    let t = store.instance(inst).tables[table as usize];
    if out_of_bounds(dst, len, store.table(t).elems().len()) {
        return Err(TrapCode::TableOutOfBounds);
    }
    store.fill_table(t, dst as usize, len as usize, value);
    Ok(())
}

pub fn table_copy(
    store: &mut Store,
    inst: InstanceId,
    dst_table: u32,
    src_table: u32,
    dst: u32,
    src: u32,
    len: u32,
) -> Result<(), TrapCode> {
    let instance = store.instance(inst);
    let (dt, st) = (instance.tables[dst_table as usize], instance.tables[src_table as usize]);
    if out_of_bounds(src, len, store.table(st).elems().len()) || out_of_bounds(dst, len, store.table(dt).elems().len())
    {
        return Err(TrapCode::TableOutOfBounds);
    }
    let (dst, src, len) = (dst as usize, src as usize, len as usize);
    if dt == st {
        store.copy_within_table(dt, src, dst, len);
    } else {
        let items: Vec<Val> = store.table(st).elems()[src..src + len].to_vec();
        store.write_table(dt, dst, &items);
    }
    Ok(())
}

/// `table.init`.
pub fn table_init(
    store: &mut Store,
    inst: InstanceId,
    table: u32,
    elem: u32,
    dst: u32,
    src: u32,
    len: u32,
) -> Result<(), TrapCode> {
    let instance = &store.instances[inst.0 as usize];
    let items = &instance.elems[elem as usize];
    let t = instance.tables[table as usize];
    if out_of_bounds(src, len, items.len()) || out_of_bounds(dst, len, store.table(t).elems().len()) {
        return Err(TrapCode::TableOutOfBounds);
    }
    let items = items[src as usize..(src + len) as usize].to_vec();
    store.write_table(t, dst as usize, &items);
    Ok(())
}

/// `elem.drop`.
pub fn elem_drop(store: &mut Store, inst: InstanceId, elem: u32) {
    store.instance_mut(inst).elems[elem as usize] = Vec::new();
}

/// `call_indirect`: entry `index` of `table` must exist ([`TrapCode::UndefinedElement`]),
/// be non-null ([`TrapCode::IndirectCallNull`]) and have the structurally same
/// signature as type `type_index` ([`TrapCode::IndirectCallBadSig`]).
pub fn call_indirect(
    store: &mut Store,
    inst: InstanceId,
    table: u32,
    type_index: u32,
    index: u32,
    args: &[Val],
) -> Result<Vec<Val>, Trap> {
    let f = resolve_indirect(store, inst, table, type_index, index)?;
    store.call(f, args)
}

/// The function `call_indirect` reaches through element `index` of `table`, checked
/// against type `type_index`: its traps are the ones `call_indirect` must raise.
pub fn resolve_indirect(
    store: &Store,
    inst: InstanceId,
    table: u32,
    type_index: u32,
    index: u32,
) -> Result<FuncRef, TrapCode> {
    let instance = store.instance(inst);
    let t = instance.tables[table as usize];
    let entry = store.table(t).elems().get(index as usize).copied().ok_or(TrapCode::UndefinedElement)?;
    let f = match entry {
        Val::FuncRef(Some(f)) => f,
        Val::FuncRef(None) => return Err(TrapCode::IndirectCallNull),
        other => panic!("call_indirect through a table holding {other} (validation allows funcref tables only)"),
    };
    if store.func(f).sig != instance.info().types[type_index as usize] {
        return Err(TrapCode::IndirectCallBadSig);
    }
    Ok(f)
}
