//! The `interp` engine: runs the IR of each function with `wlab_ir::interp`.
//!
//! [`InstanceEnv`] is the interpreter's [`Env`] for one instance in a store: memory,
//! tables, globals and segments resolve through the instance's handles; calls (direct
//! and indirect) go back through [`Store::call`], so cross-instance calls, host calls
//! and the call-depth limit work the same as for every other engine.
//!
//! The interpreter's stack is bounded in bytes ([`crate::StoreLimits::interp_stack_bytes`]):
//! a call's frame is its value array (one [`Val`] per SSA value of the function, allocated
//! by the interpreter) plus the host stack used since the outermost interpreter call,
//! measured from the stack pointer. A call that would pass the limit, or come within
//! the native engine's margin of the thread's stack end, traps with stack overflow.
//! This file keeps no state between calls and never interprets anything itself.

use crate::engine::{Engine, EngineError, PreparedModule};
use crate::ops;
use crate::store::{InstanceId, Store};
use std::sync::Arc;
use wlab_ir::interp::{call_function, Env, Trap, Val};
use wlab_ir::{Module, TrapCode};

/// The IR interpreter engine.
#[derive(Clone, Copy, Debug, Default)]
pub struct InterpEngine;

impl Engine for InterpEngine {
    fn name(&self) -> &'static str {
        "interp"
    }

    fn prepare(&self, module: Arc<Module>) -> Result<Arc<dyn PreparedModule>, EngineError> {
        Ok(Arc::new(InterpModule { module }))
    }
}

/// A module for the interpreter: the IR as translated.
struct InterpModule {
    module: Arc<Module>,
}

impl PreparedModule for InterpModule {
    fn module(&self) -> &Arc<Module> {
        &self.module
    }

    fn call(&self, store: &mut Store, instance: InstanceId, func_index: u32, args: &[Val]) -> Result<Vec<Val>, Trap> {
        let Some(func) = self.module.function(func_index) else {
            panic!("interp: function {func_index} is not a defined function of this module")
        };
        call_framed(store, func, |store| call_function(func, args, &mut InstanceEnv { store, instance }))
    }
}

/// Runs `run` (an interpreter call of `func`) within the interpreter's stack limit (see
/// the module docs): a stack-overflow trap instead when the frame would not fit.
pub(crate) fn call_framed(
    store: &mut Store,
    func: &wlab_ir::Function,
    run: impl FnOnce(&mut Store) -> Result<Vec<Val>, Trap>,
) -> Result<Vec<Val>, Trap> {
    let frame = (func.values.len() * std::mem::size_of::<Val>()) as u64;
    let here = 0u8;
    let sp = &here as *const u8 as usize;
    let outermost = store.interp_stack_base == 0;
    if outermost {
        store.interp_stack_base = sp;
    }
    let host = store.interp_stack_base.saturating_sub(sp) as u64;
    let used = host + store.interp_heap_bytes + frame;
    let result = if used > store.limits.interp_stack_bytes || (sp as u64) < crate::native::stack_limit::current() {
        Err(Trap::new(TrapCode::StackOverflow))
    } else {
        store.interp_heap_bytes += frame;
        let r = run(store);
        store.interp_heap_bytes -= frame;
        r
    };
    if outermost {
        store.interp_stack_base = 0;
    }
    result
}

/// The interpreter's view of one instance.
pub struct InstanceEnv<'a> {
    pub store: &'a mut Store,
    pub instance: InstanceId,
}

impl Env for InstanceEnv<'_> {
    fn memory(&mut self, mem: u32) -> &mut [u8] {
        let m = self.store.instances[self.instance.0 as usize].memories[mem as usize];
        &mut self.store.memories[m.0 as usize].bytes
    }

    fn memory_grow(&mut self, mem: u32, delta: u32) -> i32 {
        ops::memory_grow(self.store, self.instance, mem, delta)
    }

    fn memory_init(&mut self, mem: u32, data: u32, dst: u32, src: u32, len: u32) -> Result<(), TrapCode> {
        ops::memory_init(self.store, self.instance, mem, data, dst, src, len)
    }

    fn data_drop(&mut self, data: u32) {
        ops::data_drop(self.store, self.instance, data)
    }

    fn global_get(&mut self, global: u32) -> Val {
        let g = self.store.instances[self.instance.0 as usize].globals[global as usize];
        self.store.globals[g.0 as usize].get()
    }

    fn global_set(&mut self, global: u32, value: Val) {
        let g = self.store.instances[self.instance.0 as usize].globals[global as usize];
        self.store.globals[g.0 as usize].set(value);
    }

    fn table_get(&mut self, table: u32, index: u32) -> Result<Val, TrapCode> {
        ops::table_get(self.store, self.instance, table, index)
    }

    fn table_set(&mut self, table: u32, index: u32, value: Val) -> Result<(), TrapCode> {
        ops::table_set(self.store, self.instance, table, index, value)
    }

    fn table_size(&mut self, table: u32) -> u32 {
        ops::table_size(self.store, self.instance, table)
    }

    fn table_grow(&mut self, table: u32, init: Val, delta: u32) -> i32 {
        ops::table_grow(self.store, self.instance, table, init, delta)
    }

    fn table_fill(&mut self, table: u32, dst: u32, value: Val, len: u32) -> Result<(), TrapCode> {
        ops::table_fill(self.store, self.instance, table, dst, value, len)
    }

    fn table_copy(&mut self, dst_table: u32, src_table: u32, dst: u32, src: u32, len: u32) -> Result<(), TrapCode> {
        ops::table_copy(self.store, self.instance, dst_table, src_table, dst, src, len)
    }

    fn table_init(&mut self, table: u32, elem: u32, dst: u32, src: u32, len: u32) -> Result<(), TrapCode> {
        ops::table_init(self.store, self.instance, table, elem, dst, src, len)
    }

    fn elem_drop(&mut self, elem: u32) {
        ops::elem_drop(self.store, self.instance, elem)
    }

    fn ref_func(&mut self, func: u32) -> Val {
        Val::FuncRef(Some(self.store.instance(self.instance).funcs[func as usize]))
    }

    fn call(&mut self, func: u32, args: &[Val]) -> Result<Vec<Val>, Trap> {
        let f = self.store.instance(self.instance).funcs[func as usize];
        self.store.call(f, args)
    }

    fn call_indirect(&mut self, table: u32, type_index: u32, index: u32, args: &[Val]) -> Result<Vec<Val>, Trap> {
        ops::call_indirect(self.store, self.instance, table, type_index, index, args)
    }
}
