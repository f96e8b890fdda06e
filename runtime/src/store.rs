//! The store: every function, memory, table and global that exists at run time, shared
//! between instances through imports and exports.
//!
//! ```text
//!  Store ─┬─ funcs:     FuncRef(n) ─▶ Wasm { instance, index } | Host(closure)   + signature
//!         ├─ memories:  MemoryId(n) ─▶ bytes (page-sized) + max pages
//!         ├─ tables:    TableId(n)  ─▶ Vec<Val> + max + mirror for compiled code
//!         ├─ globals:   GlobalId(n) ─▶ Val + mutability
//!         └─ instances: InstanceId(n) ─▶ module index space → the handles above
//! ```
//!
//! A [`FuncRef`] value *is* a store function handle, so a `funcref` stored in a shared
//! table can be called from any instance. Every call between functions goes through
//! [`Store::call`], which counts call depth and turns runaway recursion into
//! [`TrapCode::StackOverflow`]. The store also owns the run's fuel counter and timeout
//! ([`Store::set_fuel`], [`Store::set_timeout`]; the checks are added to the code by
//! `fuel.rs`) and its [`StoreLimits`].
//!
//! This file never grows a memory or table past its declared maximum or the store's
//! limits, and never panics on a wasm-level failure: growth that cannot be satisfied
//! (including a failed allocation) is reported as failure, as `memory.grow` wants.

use crate::instance::Instance;
use crate::table_mirror::{MirrorEntry, TableMirror};
use crate::watchdog::Watchdog;
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use wlab_ir::interp::{FuncRef, Trap, Val};
use wlab_ir::{Signature, TrapCode, Type};

/// Bytes in a wasm page.
pub const PAGE_SIZE: usize = 65536;

/// The most pages a 32-bit wasm memory can have.
pub const MAX_WASM_PAGES: u64 = 65536;

/// An instance in a store.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct InstanceId(pub u32);

/// A memory in a store.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MemoryId(pub u32);

/// A table in a store.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TableId(pub u32);

/// A global in a store.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GlobalId(pub u32);

/// Something an instance can export and another can import.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Extern {
    Func(FuncRef),
    Table(TableId),
    Memory(MemoryId),
    Global(GlobalId),
}

impl Extern {
    /// `func`, `table`, `memory` or `global`.
    pub fn kind_name(&self) -> &'static str {
        match self {
            Extern::Func(_) => "func",
            Extern::Table(_) => "table",
            Extern::Memory(_) => "memory",
            Extern::Global(_) => "global",
        }
    }
}

/// A host function: gets the store (to reach memories or call back) and its arguments,
/// which already match its signature; must return values matching its results.
pub type HostFn = dyn Fn(&mut Store, &[Val]) -> Result<Vec<Val>, Trap>;

/// What a store function runs.
#[derive(Clone)]
pub enum FuncKind {
    /// Defined function `index` (module index space) of `instance`.
    Wasm { instance: InstanceId, index: u32 },
    /// A host closure.
    Host(Rc<HostFn>),
}

/// A function in the store.
#[derive(Clone)]
pub struct StoreFunc {
    pub sig: Signature,
    pub kind: FuncKind,
}

/// A linear memory.
#[derive(Clone, Debug)]
pub struct Memory {
    /// Always a whole number of pages; never moves when it grows.
    pub bytes: crate::linear_memory::LinearMemory,
    /// The declared maximum in pages, if any.
    pub max: Option<u64>,
}

impl Memory {
    pub fn pages(&self) -> u64 {
        (self.bytes.len() / PAGE_SIZE) as u64
    }
}

/// A table of references, with the mirror compiled code reads (`table_mirror.rs`). The
/// elements are private so that every write goes through the store's table methods,
/// which keep the mirror equal to them.
#[derive(Clone, Debug)]
pub struct Table {
    /// `FuncRef` or `ExternRef`.
    pub elem: Type,
    elems: Vec<Val>,
    /// The declared maximum, if any.
    pub max: Option<u64>,
    mirror: TableMirror,
}

impl Table {
    pub fn elems(&self) -> &[Val] {
        &self.elems
    }

    /// The mirror compiled code reads.
    pub fn mirror(&self) -> &TableMirror {
        &self.mirror
    }
}

/// A global variable. Its value lives in a boxed cell of two 64-bit words (see
/// [`crate::raw`]; a `v128` uses both, low half first, a scalar the first) so compiled
/// code can reach it through a pointer that stays valid while the store grows.
/// The cell is atomic (relaxed: plain moves) because the timeout's watchdog thread writes
/// the fuel counter's cell while wasm runs.
#[derive(Debug)]
pub struct Global {
    pub ty: Type,
    pub mutable: bool,
    /// Compiled code reads and writes `cell` (`wlab_backends::abi::GLOBAL_CELL_BYTES`).
    cell: Box<[AtomicU64; 2]>,
}

impl Clone for Global {
    fn clone(&self) -> Self {
        let w = |i: usize| AtomicU64::new(self.cell[i].load(Ordering::Relaxed));
        Global { ty: self.ty, mutable: self.mutable, cell: Box::new([w(0), w(1)]) }
    }
}

impl Global {
    pub fn new(ty: Type, mutable: bool, value: Val) -> Global {
        let mut g = Global { ty, mutable, cell: Box::new([AtomicU64::new(0), AtomicU64::new(0)]) };
        g.set(value);
        g
    }

    pub fn get(&self) -> Val {
        let low = self.cell[0].load(Ordering::Relaxed);
        match self.ty {
            Type::V128 => crate::raw::v128_from_words(low, self.cell[1].load(Ordering::Relaxed)),
            _ => crate::raw::raw_to_val(low, self.ty),
        }
    }

    pub fn set(&mut self, value: Val) {
        let (low, high) = match value {
            Val::V128(b) => crate::raw::v128_words(b),
            other => (crate::raw::val_to_raw(other), 0),
        };
        self.cell[0].store(low, Ordering::Relaxed);
        self.cell[1].store(high, Ordering::Relaxed);
    }

    /// The cell's address, for compiled code.
    pub fn cell_ptr(&mut self) -> *mut u64 {
        self.cell[0].as_ptr()
    }
}

/// Limits the store puts on growth, beyond what modules declare, so that a wasm
/// program cannot exhaust the real machine. Exceeding one is an ordinary failure
/// (`memory.grow` / `table.grow` return -1; instantiation reports an error).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StoreLimits {
    /// Pages one memory may have (at most [`MAX_WASM_PAGES`]).
    pub memory_pages: u64,
    /// Elements one table may have.
    pub table_elems: u64,
    /// Nested calls through the store (host functions, imports, `call_indirect`, and
    /// every interpreter call) before [`TrapCode::StackOverflow`]: a backstop for the
    /// host thread's stack. Native code's own calls are bounded by its stack-limit check,
    /// the interpreter's frames by [`StoreLimits::interp_stack_bytes`].
    pub call_depth: u32,
    /// Bytes the interpreter's frames may take before [`TrapCode::StackOverflow`]: each
    /// call's value array (every SSA value of the function: locals, block parameters and
    /// temporaries) plus the host stack the interpreter uses (measured, not estimated).
    pub interp_stack_bytes: u64,
}

/// [`StoreLimits::interp_stack_bytes`] by default: 256 MiB, half of the wasm thread's
/// stack ([`crate::stack::WASM_STACK_SIZE`]), which bounds native code's frames.
pub const DEFAULT_INTERP_STACK_BYTES: u64 = 256 << 20;

impl Default for StoreLimits {
    fn default() -> Self {
        StoreLimits {
            memory_pages: MAX_WASM_PAGES,
            table_elems: 10_000_000,
            call_depth: 1_000_000,
            interp_stack_bytes: DEFAULT_INTERP_STACK_BYTES,
        }
    }
}

/// All run-time state: see the module docs.
#[derive(Default)]
pub struct Store {
    /// Declared first so it is dropped (and its thread joined) before the globals whose
    /// cell it writes.
    watchdog: Option<Watchdog>,
    pub funcs: Vec<StoreFunc>,
    pub memories: Vec<Memory>,
    pub tables: Vec<Table>,
    pub globals: Vec<Global>,
    pub instances: Vec<Instance>,
    pub limits: StoreLimits,
    /// Calls in progress.
    depth: u32,
    /// The fuel counter metered modules share (created by the first one instantiated).
    fuel_global: Option<GlobalId>,
    /// Fuel set before the counter existed (`None`: unlimited).
    fuel: Option<u64>,
    deadline: Option<Instant>,
    /// Interpreter frames in use: bytes of value arrays, and the host stack pointer at
    /// the outermost interpreter call (0 when none is running).
    pub(crate) interp_heap_bytes: u64,
    pub(crate) interp_stack_base: usize,
}

impl Store {
    pub fn new() -> Self {
        Store::default()
    }

    pub fn with_limits(limits: StoreLimits) -> Self {
        Store { limits, ..Store::default() }
    }

    /// Sets the fuel of metered modules (`fuel.rs`) for what runs next: each function
    /// entry and each arrival at a loop header takes one unit; past `fuel` units the run
    /// traps with [`TrapCode::OutOfFuel`]. `None` (the default): unlimited. Code prepared
    /// without metering has no checks and ignores it.
    pub fn set_fuel(&mut self, fuel: Option<u64>) {
        self.fuel = fuel;
        if let Some(g) = self.fuel_global {
            self.globals[g.0 as usize].set(Val::I64(fuel_counter(fuel)));
        }
    }

    /// Fuel left (`None`: unlimited).
    pub fn fuel_remaining(&self) -> Option<u64> {
        let left = match self.fuel_global {
            Some(g) => match self.globals[g.0 as usize].get() {
                Val::I64(x) => x,
                other => panic!("the fuel counter holds {other}"),
            },
            None => fuel_counter(self.fuel),
        };
        (self.fuel.is_some() || left != i64::MAX).then_some(left.max(0) as u64)
    }

    /// Ends metered code still running `timeout` from now with [`TrapCode::Timeout`]
    /// (a watchdog thread empties the fuel counter: see `watchdog.rs`).
    pub fn set_timeout(&mut self, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        self.deadline = Some(deadline);
        let cell = match self.fuel_global {
            Some(g) => self.globals[g.0 as usize].cell_ptr(),
            None => std::ptr::null_mut(),
        };
        self.watchdog = Some(Watchdog::start(deadline, cell));
    }

    /// When [`Store::set_timeout`] ends the run.
    pub fn deadline(&self) -> Option<Instant> {
        self.deadline
    }

    /// The fuel counter global, created on first use (instantiation of a metered module).
    pub(crate) fn fuel_global(&mut self) -> GlobalId {
        if let Some(g) = self.fuel_global {
            return g;
        }
        let g = self.add_global(Global::new(Type::I64, true, Val::I64(fuel_counter(self.fuel))));
        self.fuel_global = Some(g);
        if let Some(w) = &self.watchdog {
            w.set_cell(self.globals[g.0 as usize].cell_ptr());
        }
        g
    }

    /// Current call depth (0 when no wasm or host function is running).
    pub fn call_depth(&self) -> u32 {
        self.depth
    }

    /// Resets the call depth to 0, for a caller that recovered from a panic in the
    /// middle of a call.
    pub fn reset_call_depth(&mut self) {
        self.depth = 0;
        self.interp_heap_bytes = 0;
        self.interp_stack_base = 0;
    }

    pub fn add_func(&mut self, func: StoreFunc) -> FuncRef {
        self.funcs.push(func);
        FuncRef(self.funcs.len() as u32 - 1)
    }

    /// Adds a host function.
    pub fn add_host_func(
        &mut self,
        sig: Signature,
        f: impl Fn(&mut Store, &[Val]) -> Result<Vec<Val>, Trap> + 'static,
    ) -> FuncRef {
        self.add_func(StoreFunc { sig, kind: FuncKind::Host(Rc::new(f)) })
    }

    /// Adds a zeroed memory of `min` pages; `None` when `min` exceeds the limits.
    pub fn add_memory(&mut self, min: u64, max: Option<u64>) -> Option<MemoryId> {
        if min > self.limits.memory_pages.min(MAX_WASM_PAGES) {
            return None;
        }
        let bytes = crate::linear_memory::LinearMemory::new(min as usize * PAGE_SIZE)?;
        self.memories.push(Memory { bytes, max });
        Some(MemoryId(self.memories.len() as u32 - 1))
    }

    /// Adds a table of `min` elements set to `init`; `None` when `min` exceeds the limits.
    pub fn add_table(&mut self, elem: Type, min: u64, max: Option<u64>, init: Val) -> Option<TableId> {
        if min > self.limits.table_elems {
            return None;
        }
        let mut elems = Vec::new();
        elems.try_reserve_exact(min as usize).ok()?;
        elems.resize(min as usize, init);
        let mirror = TableMirror::new(min as usize, self.mirror_entry(init))?;
        self.tables.push(Table { elem, elems, max, mirror });
        Some(TableId(self.tables.len() as u32 - 1))
    }

    pub fn add_global(&mut self, global: Global) -> GlobalId {
        self.globals.push(global);
        GlobalId(self.globals.len() as u32 - 1)
    }

    pub fn func(&self, f: FuncRef) -> &StoreFunc {
        &self.funcs[f.0 as usize]
    }

    pub fn memory(&self, m: MemoryId) -> &Memory {
        &self.memories[m.0 as usize]
    }

    pub fn memory_mut(&mut self, m: MemoryId) -> &mut Memory {
        &mut self.memories[m.0 as usize]
    }

    pub fn table(&self, t: TableId) -> &Table {
        &self.tables[t.0 as usize]
    }

    pub fn table_mut(&mut self, t: TableId) -> &mut Table {
        &mut self.tables[t.0 as usize]
    }

    pub fn global(&self, g: GlobalId) -> &Global {
        &self.globals[g.0 as usize]
    }

    pub fn global_mut(&mut self, g: GlobalId) -> &mut Global {
        &mut self.globals[g.0 as usize]
    }

    pub fn instance(&self, i: InstanceId) -> &Instance {
        &self.instances[i.0 as usize]
    }

    pub fn instance_mut(&mut self, i: InstanceId) -> &mut Instance {
        &mut self.instances[i.0 as usize]
    }

    /// Grows memory `m` by `delta` pages: the old size in pages, or `None` when the
    /// declared maximum, the store's limit or the allocator says no.
    pub fn grow_memory(&mut self, m: MemoryId, delta: u64) -> Option<u64> {
        let limit = self.limits.memory_pages.min(MAX_WASM_PAGES);
        let mem = &mut self.memories[m.0 as usize];
        let old = mem.pages();
        let new = old.checked_add(delta)?;
        if new > limit || mem.max.is_some_and(|max| new > max) {
            return None;
        }
        let new_len = new as usize * PAGE_SIZE;
        if !mem.bytes.grow_to(new_len) {
            return None;
        }
        Some(old)
    }

    /// Grows table `t` by `delta` elements set to `init`: the old size, or `None` when
    /// the declared maximum, the store's limit or the allocator says no.
    pub fn grow_table(&mut self, t: TableId, delta: u64, init: Val) -> Option<u64> {
        let limit = self.limits.table_elems.min(u32::MAX as u64);
        let table = &mut self.tables[t.0 as usize];
        let old = table.elems.len() as u64;
        let new = old.checked_add(delta)?;
        if new > limit || table.max.is_some_and(|max| new > max) {
            return None;
        }
        table.elems.try_reserve_exact(delta as usize).ok()?;
        let entry = self.mirror_entry(init);
        let table = &mut self.tables[t.0 as usize];
        if !table.mirror.grow(delta as usize, entry) {
            return None;
        }
        table.elems.resize(new as usize, init);
        Some(old)
    }

    /// What the table mirror holds for element `v`.
    fn mirror_entry(&self, v: Val) -> MirrorEntry {
        match v {
            Val::FuncRef(Some(f)) => {
                let func = &self.funcs[f.0 as usize];
                let wasm = match func.kind {
                    FuncKind::Wasm { instance, index } => Some((instance.0, index)),
                    FuncKind::Host(_) => None,
                };
                MirrorEntry::for_func(wlab_backends::sig_id::canonical_sig_id(&func.sig), wasm)
            }
            _ => MirrorEntry::default(),
        }
    }

    /// Writes `items` into table `t` from element `dst`, which the caller checked
    /// (`dst + items.len()` at most the size).
    pub fn write_table(&mut self, t: TableId, dst: usize, items: &[Val]) {
        let entries: Vec<MirrorEntry> = items.iter().map(|v| self.mirror_entry(*v)).collect();
        let table = &mut self.tables[t.0 as usize];
        table.elems[dst..dst + items.len()].copy_from_slice(items);
        table.mirror.write(dst, &entries);
    }

    /// Sets `len` elements of table `t` from `dst` to `v` (bounds checked by the caller).
    pub fn fill_table(&mut self, t: TableId, dst: usize, len: usize, v: Val) {
        let entry = self.mirror_entry(v);
        let table = &mut self.tables[t.0 as usize];
        table.elems[dst..dst + len].fill(v);
        table.mirror.fill(dst, len, entry);
    }

    /// Copies `len` elements of table `t` from `src` to `dst`, ranges possibly
    /// overlapping (bounds checked by the caller).
    pub fn copy_within_table(&mut self, t: TableId, src: usize, dst: usize, len: usize) {
        let table = &mut self.tables[t.0 as usize];
        table.elems.copy_within(src..src + len, dst);
        table.mirror.copy_within(src, dst, len);
    }

    /// Calls store function `f` on `args`, which must match its signature (callers
    /// check: [`crate::invoke`] for outside callers, validation for wasm callers).
    /// Counts call depth: past [`StoreLimits::call_depth`] it traps with
    /// [`TrapCode::StackOverflow`].
    pub fn call(&mut self, f: FuncRef, args: &[Val]) -> Result<Vec<Val>, Trap> {
        if self.depth >= self.limits.call_depth {
            return Err(Trap::new(TrapCode::StackOverflow));
        }
        self.depth += 1;
        let result = match self.funcs[f.0 as usize].kind.clone() {
            FuncKind::Wasm { instance, index } => {
                let code = self.instances[instance.0 as usize].code.clone();
                code.call(self, instance, index, args)
            }
            FuncKind::Host(host) => host(self, args),
        };
        self.depth -= 1;
        match result {
            // The watchdog empties the fuel counter: past the deadline, that is the timeout.
            Err(mut t) if self.depth == 0 && t.code == TrapCode::OutOfFuel && self.timed_out() => {
                t.code = TrapCode::Timeout;
                Err(t)
            }
            r => r,
        }
    }

    fn timed_out(&self) -> bool {
        self.deadline.is_some_and(|d| Instant::now() >= d)
    }
}

/// The counter's value for an amount of fuel (`None`: unlimited).
fn fuel_counter(fuel: Option<u64>) -> i64 {
    fuel.map_or(i64::MAX, |f| f.min(i64::MAX as u64) as i64)
}
