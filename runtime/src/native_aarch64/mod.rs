//! The AArch64 engine (`aarch64`): compiles every function with `wlab_backends` for AArch64 and
//! runs the machine code in-process under the Unicorn emulator (cargo feature `unicorn`, which
//! links Debian's `libunicorn-dev`).
//!
//! ```text
//!  prepare: Module ──compile_function (Target::Aarch64)──▶ code + bl relocs + trap sites
//!           trampoline ++ functions ──link (bl patched with the bl encoder)──▶ code image
//!  call:    Unicorn core (pooled per module) with the guest layout below; the host mirrors
//!           vmctx, globals and memory 0 in and out; libcalls run in Rust between emu_start runs
//! ```
//!
//! One emulated core per thread serves every module and every nested entry (an import or
//! `call_indirect` that calls back into compiled code starts a new entry on the same core, with
//! its stack continuing below the caller's, so the stack limit sees the whole chain). Guest
//! address space:
//!
//! | address | what |
//! | --- | --- |
//! | `MAGIC` | the exit address (entry's link register) and one 4-byte slot per libcall; Unicorn stops there (exits) |
//! | `TRAMP` | the entry trampoline and its unwind routine |
//! | `STACK` | 16 MiB; vmctx `STACK_LIMIT` is its bottom plus a margin |
//! | `FRAMES` | per active entry (a stack of them): vmctx words, global cells, the value area, the table mirrors, the called function's `abi::RegisterSlots` (the trampoline's x4) |
//! | `MEMORY` | memory 0 of the running instance: the store's own pages, mapped with `mem_map_ptr` |
//! | `CODE` | each module's code followed by its vmctx `FUNCS` array (guest code address per module function), mapped on first use at an address never reused |
//!
//! Memory 0 is **shared**, not copied: the store's memory is a page-aligned reservation that
//! never moves (`linear_memory.rs`), so its accessible part is mapped into the guest with
//! Unicorn's `mem_map_ptr` and remapped only when its length (or the running instance) changes.
//! Globals are mirrored: written into the guest at entry and after every libcall that can run
//! wasm, read back before such a libcall and at exit (after a trap too). Tables are mirrored
//! the same way, for the inline `call_indirect`: the store's table mirrors
//! (`table_mirror.rs`) are copied into the entry's frame (vmctx `TABLES`) at entry and after
//! every libcall that can write a table, each only when it changed. So the timeout
//! (`watchdog.rs`) cannot reach the guest's copy of the fuel counter: for a metered module
//! with a deadline, emulation is started with Unicorn's timeout, and a stop at the deadline
//! empties the copy and resumes, so the next fuel check traps. The libcalls are the native engine's (`native/libcalls.rs`), called from Rust
//! with a host vmctx and a host copy of the value area. This file never interprets wasm.

use crate::engine::{Engine, EngineError, PreparedModule};
use crate::native::libcalls;
use crate::native::CallCtx;
use crate::raw::{area_words, vals_to_words, words_to_vals};
use crate::store::{InstanceId, Store, TableId};
use crate::table_mirror::MirrorEntry;
use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use unicorn_engine::{Arch, HookType, Mode, Prot, RegisterARM64, Unicorn};
use wlab_backends::aarch64::enc::branch;
use wlab_backends::abi::{vmctx, LibCall, RegisterSlots, GLOBAL_CELL_BYTES};
use wlab_backends::machinst::TrapSite;
use wlab_backends::{compile_function, AllocOptions, BoundsChecks, CompileOptions, FunctionStats, Target};
use wlab_ir::interp::{Trap, Val};
use wlab_ir::{Module, TrapCode};

const PAGE: u64 = 0x1000;
const MAGIC: u64 = 0x1000;
const EXIT: u64 = MAGIC;
const TRAMP: u64 = 0x10_0000;
const STACK: u64 = 0x1000_0000;
const STACK_SIZE: u64 = 16 << 20;
/// Room below the lowest wasm frame for the trampoline and one leaf function without a
/// stack check (`abi::STACK_GUARD_BELOW_LIMIT`).
const STACK_MARGIN: u64 = (16 << 10) + wlab_backends::abi::STACK_GUARD_BELOW_LIMIT as u64;
const FRAMES: u64 = 0x2000_0000;
/// Frames are mapped in chunks of this size as the entry stack grows.
const FRAME_CHUNK: u64 = 1 << 20;
const MEMORY: u64 = 0x1_0000_0000;
/// Every address a wasm32 access can form: index + static offset + access size.
const GUARD_SPAN: u64 = (8 << 30) + 16;
const CODE: u64 = 0x8_0000_0000;

fn libcall_addr(l: LibCall) -> u64 {
    MAGIC + 8 + 4 * l.index() as u64
}

fn round_up(x: u64) -> u64 {
    x.div_ceil(PAGE) * PAGE
}

/// Gives every prepared module a distinct id (its code's key on each thread's core).
static NEXT_MODULE: AtomicU64 = AtomicU64::new(0);

/// The AArch64 engine, with its allocation options and how memory accesses stay in bounds.
///
/// Explicit checks by default. `BoundsChecks::Guard` maps only the accessible part of memory
/// and turns a fault in the 8 GiB after it into the out-of-bounds trap, but under Unicorn
/// (2.0.1) a store that straddles the end is partly performed before it faults, so 6 checks
/// of the spec suite (align, memory_trap) fail in that mode; and the trap names the function
/// but not the wasm offset (Unicorn reports the pc of the translation block, not the access).
#[derive(Clone, Copy, Debug)]
pub struct Aarch64Engine {
    pub alloc: AllocOptions,
    pub bounds: BoundsChecks,
}

impl Default for Aarch64Engine {
    fn default() -> Self {
        Aarch64Engine { alloc: AllocOptions::default(), bounds: BoundsChecks::Explicit }
    }
}

impl Engine for Aarch64Engine {
    fn name(&self) -> &'static str {
        "aarch64"
    }

    fn prepare(&self, module: Arc<Module>) -> Result<Arc<dyn PreparedModule>, EngineError> {
        let unsupported = |reason: String| EngineError::Unsupported { engine: "aarch64", reason };
        if module.info.memories.len() > 1 {
            return Err(unsupported("more than one memory".into()));
        }
        let mut opts = CompileOptions::new(module.info.num_imported_funcs());
        opts.target = Target::Aarch64;
        opts.alloc = self.alloc;
        opts.bounds = self.bounds;
        let mut code = Vec::new();
        let first = module.info.num_imported_funcs();
        let mut starts = Vec::new();
        let mut compiled = Vec::new();
        for f in &module.functions {
            let c = compile_function(f, &opts).map_err(|e| unsupported(e.to_string()))?;
            starts.push(code.len() as u32);
            code.extend_from_slice(&c.code);
            compiled.push(c);
        }
        let mut traps = BTreeMap::new();
        let mut stats = Vec::new();
        for (k, c) in compiled.iter().enumerate() {
            let base = starts[k];
            for r in &c.calls {
                let Some(&target) = r.func.checked_sub(first).and_then(|i| starts.get(i as usize)) else {
                    return Err(unsupported(format!("call to function {} that is not defined here", r.func)));
                };
                let at = (base + r.offset) as usize;
                let rel = target as i64 - at as i64;
                if rel.abs() >= 1 << 27 {
                    return Err(unsupported("code larger than bl's 128 MiB reach".into()));
                }
                code[at..at + 4].copy_from_slice(&branch::bl(rel as i32).to_le_bytes());
            }
            for t in &c.traps {
                traps.insert(base + t.offset, (first + k as u32, *t));
            }
            stats.push(c.stats);
        }
        // Each function's register descriptor, built once: an entry only copies it.
        let register_slots = (first..first + starts.len() as u32)
            .map(|fi| {
                let sig = module.info.func_signature(fi);
                wlab_backends::abi::register_slots(&sig.params, &sig.results)
            })
            .collect();
        let id = NEXT_MODULE.fetch_add(1, Ordering::Relaxed);
        let bounds = self.bounds;
        Ok(Arc::new(Aarch64Module { module, id, first, code, starts, register_slots, traps, stats, bounds }))
    }
}

/// A module compiled to AArch64 (position-independent code: `bl` between its functions).
pub struct Aarch64Module {
    module: Arc<Module>,
    id: u64,
    /// Index of the first defined function (the number of imported ones).
    first: u32,
    code: Vec<u8>,
    starts: Vec<u32>,
    /// Each defined function's `abi::RegisterSlots`, the entry trampoline's 5th argument.
    register_slots: Vec<RegisterSlots>,
    /// Trap stub offset in `code` → (wasm function index, site).
    traps: BTreeMap<u32, (u32, TrapSite)>,
    stats: Vec<FunctionStats>,
    bounds: BoundsChecks,
}

impl Aarch64Module {
    /// Machine-code statistics of each defined function.
    pub fn stats(&self) -> &[FunctionStats] {
        &self.stats
    }

    /// The linked code (functions back to back), for inspection.
    pub fn code(&self) -> &[u8] {
        &self.code
    }

    /// Offset from the code's guest base of its vmctx `FUNCS` array.
    fn funcs_offset(&self) -> u64 {
        (self.code.len() as u64).next_multiple_of(8)
    }
}

impl Drop for Aarch64Module {
    fn drop(&mut self) {
        // Free this module's code on this thread's core (other threads free theirs at exit).
        let _ = CORE.try_with(|c| {
            if let Ok(mut c) = c.try_borrow_mut() {
                if let Some(core) = c.as_mut() {
                    if let Some((base, size)) = core.code.remove(&self.id) {
                        let _ = core.uc.mem_unmap(base, size);
                    }
                }
            }
        });
    }
}

/// This thread's emulated core.
struct Core {
    uc: Unicorn<'static, ()>,
    /// The address of the last access to unmapped memory, recorded by a memory hook.
    fault_addr: Rc<Cell<u64>>,
    unwind: u64,
    /// The host memory mapped at `MEMORY` and its length.
    memory: (usize, u64),
    /// Module id → its code's base and mapped size.
    code: BTreeMap<u64, (u64, u64)>,
    next_code: u64,
    /// End of the frames in use and of the frame mapping.
    frame_top: u64,
    frame_mapped: u64,
}

thread_local! {
    static CORE: RefCell<Option<Core>> = const { RefCell::new(None) };
}

fn fail(doing: &str, e: unicorn_engine::uc_error) -> ! {
    panic!("aarch64 engine: unicorn failed while {doing}: {e:?}")
}

/// Runs `f` on this thread's core (created on first use). Never held across a libcall.
fn with_core<R>(f: impl FnOnce(&mut Core) -> R) -> R {
    CORE.with(|c| {
        let mut c = c.borrow_mut();
        f(c.get_or_insert_with(Core::new))
    })
}

impl Core {
    fn new() -> Core {
        let tramp = wlab_backends::aarch64::trampoline::entry_trampoline();
        let mut uc = Unicorn::new(Arch::ARM64, Mode::ARM).unwrap_or_else(|e| fail("creating a core", e));
        let fault_addr = Rc::new(Cell::new(0));
        let r = (|| {
            uc.mem_map(TRAMP, round_up(tramp.code.len() as u64), Prot::READ | Prot::EXEC)?;
            uc.mem_write(TRAMP, &tramp.code)?;
            uc.mem_map(MAGIC, PAGE, Prot::READ | Prot::EXEC)?;
            // Never executed (the core stops there); `brk` if it ever were.
            let brk = wlab_backends::aarch64::enc::misc::brk(0xdead).to_le_bytes();
            uc.mem_write(MAGIC, &brk.repeat((PAGE / 4) as usize))?;
            uc.mem_map(STACK, STACK_SIZE, Prot::READ | Prot::WRITE)?;
            // FP/SIMD instructions trap unless CPACR_EL1.FPEN allows them.
            let cpacr = uc.reg_read(RegisterARM64::CPACR_EL1)?;
            uc.reg_write(RegisterARM64::CPACR_EL1, cpacr | 0b11 << 20)?;
            let cell = fault_addr.clone();
            uc.add_mem_hook(HookType::MEM_UNMAPPED, 1, 0, move |_, _, addr, _, _| {
                cell.set(addr);
                false
            })?;
            uc.ctl_exits_enable()?;
            let mut exits = vec![EXIT];
            exits.extend(LibCall::ALL.iter().map(|l| libcall_addr(*l)));
            uc.ctl_set_exits(&exits)?;
            Ok(())
        })();
        r.unwrap_or_else(|e| fail("setting up a core", e));
        Core {
            uc,
            fault_addr,
            unwind: TRAMP + tramp.unwind_offset as u64,
            memory: (0, 0),
            code: BTreeMap::new(),
            next_code: CODE,
            frame_top: FRAMES,
            frame_mapped: FRAMES,
        }
    }

    /// The guest address of `m`'s code, mapping it on first use.
    fn code_base(&mut self, m: &Aarch64Module) -> u64 {
        if let Some(&(base, _)) = self.code.get(&m.id) {
            return base;
        }
        let base = self.next_code;
        let funcs_at = m.funcs_offset();
        let funcs: Vec<u64> = (0..m.first).map(|_| 0).chain(m.starts.iter().map(|s| base + *s as u64)).collect();
        let size = round_up(funcs_at + 8 * funcs.len() as u64).max(PAGE);
        self.uc.mem_map(base, size, Prot::READ | Prot::EXEC).unwrap_or_else(|e| fail("mapping code", e));
        self.uc.mem_write(base, &m.code).unwrap_or_else(|e| fail("loading code", e));
        self.write(base + funcs_at, &funcs);
        // Never reused: no stale translations can outlive a module.
        self.next_code += size + PAGE;
        self.code.insert(m.id, (base, size));
        base
    }

    /// Pushes a frame of `bytes` and returns its address.
    fn push_frame(&mut self, bytes: u64) -> u64 {
        let at = self.frame_top;
        self.frame_top += bytes.div_ceil(16) * 16;
        while self.frame_mapped < self.frame_top {
            self.uc
                .mem_map(self.frame_mapped, FRAME_CHUNK, Prot::READ | Prot::WRITE)
                .unwrap_or_else(|e| fail("mapping frames", e));
            self.frame_mapped += FRAME_CHUNK;
        }
        at
    }

    fn write(&mut self, addr: u64, words: &[u64]) {
        if !words.is_empty() {
            let bytes: Vec<u8> = words.iter().flat_map(|w| w.to_le_bytes()).collect();
            self.uc.mem_write(addr, &bytes).unwrap_or_else(|e| fail("writing guest memory", e));
        }
    }

    fn read(&self, addr: u64, n: usize) -> Vec<u64> {
        let raw = self.uc.mem_read_as_vec(addr, 8 * n).unwrap_or_else(|e| fail("reading guest memory", e));
        raw.chunks_exact(8).map(|c| u64::from_le_bytes(c.try_into().unwrap())).collect()
    }

    fn reg(&self, r: RegisterARM64) -> u64 {
        self.uc.reg_read(r).unwrap_or_else(|e| fail("reading a register", e))
    }

    fn set_reg(&mut self, r: RegisterARM64, v: u64) {
        self.uc.reg_write(r, v).unwrap_or_else(|e| fail("writing a register", e))
    }
}

/// Words of one global cell, in the store and in its guest copy (a `v128` uses both).
const CELL_WORDS: usize = GLOBAL_CELL_BYTES / 8;

/// The host side of one entry: what is mirrored into the guest and back.
struct Mirror {
    instance: InstanceId,
    /// The store's global cells, each [`CELL_WORDS`] words.
    cells: Vec<*mut u64>,
    vmctx: u64,
    globals: u64,
    /// The guest copy of each table of the instance (vmctx `TABLES`).
    tables: RefCell<Vec<GuestTable>>,
}

/// One table's mirror in the guest: its header (`abi::table`) and entries, and what was
/// last written there.
struct GuestTable {
    table: TableId,
    header: u64,
    entries: u64,
    /// Entries the area at `entries` holds.
    capacity: usize,
    written: Option<Vec<MirrorEntry>>,
}

fn entry_bytes(entries: &[MirrorEntry]) -> Vec<u8> {
    let mut b = Vec::with_capacity(16 * entries.len());
    for e in entries {
        for w in [e.sig, e.instance, e.func, 0] {
            b.extend_from_slice(&w.to_le_bytes());
        }
    }
    b
}

impl Mirror {
    /// Host → guest: globals, and memory 0 mapped (remapped when it grew or is another one).
    fn sync_in(&self, store: &mut Store, core: &mut Core) {
        // SAFETY: the cells are the store's boxed global cells of `CELL_WORDS` words, alive for
        // the call; they are atomics (the timeout's watchdog may write the fuel counter's).
        let vals: Vec<u64> = self
            .cells
            .iter()
            .flat_map(|c| (0..CELL_WORDS).map(|k| unsafe { AtomicU64::from_ptr(c.add(k)) }.load(Ordering::Relaxed)))
            .collect();
        core.write(self.globals, &vals);
        let Some(&m) = store.instance(self.instance).memories.first() else { return };
        let mem = &mut store.memory_mut(m).bytes;
        let want = (mem.base() as usize, mem.len() as u64);
        if core.memory != want {
            if core.memory.1 > 0 {
                core.uc.mem_unmap(MEMORY, core.memory.1).unwrap_or_else(|e| fail("unmapping memory", e));
            }
            if want.1 > 0 {
                // SAFETY: the store's memory is page-aligned, a whole number of pages long,
                // never moves, and outlives the entry; the guest only touches it while the
                // host is not running (between emu_start calls the host owns it).
                unsafe { core.uc.mem_map_ptr(MEMORY, want.1, Prot::READ | Prot::WRITE, want.0 as *mut _) }
                    .unwrap_or_else(|e| fail("mapping memory", e));
            }
            core.memory = want;
        }
        core.write(self.vmctx + vmctx::offset(vmctx::MEM_LEN) as u64, &[want.1]);
    }

    /// Host → guest: every table mirror that changed since it was last written (a grown
    /// one gets a new area at the top of the frames: the entry's frame, since any nested
    /// entry has ended).
    fn sync_tables(&self, store: &Store, core: &mut Core) {
        for gt in self.tables.borrow_mut().iter_mut() {
            let entries = store.table(gt.table).mirror().entries();
            if gt.written.as_deref() == Some(entries) {
                continue;
            }
            if entries.len() > gt.capacity {
                gt.entries = core.push_frame(16 * entries.len() as u64);
                gt.capacity = entries.len();
            }
            if !entries.is_empty() {
                core.uc.mem_write(gt.entries, &entry_bytes(entries)).unwrap_or_else(|e| fail("writing a table", e));
            }
            core.write(gt.header, &[gt.entries, entries.len() as u64]);
            gt.written = Some(entries.to_vec());
        }
    }

    /// Guest → host: globals (memory is shared).
    fn sync_out(&self, _store: &mut Store, core: &mut Core) {
        if !self.cells.is_empty() {
            let words = core.read(self.globals, CELL_WORDS * self.cells.len());
            for (c, cell) in self.cells.iter().zip(words.chunks_exact(CELL_WORDS)) {
                for (k, w) in cell.iter().enumerate() {
                    // SAFETY: as in `sync_in`.
                    unsafe { AtomicU64::from_ptr(c.add(k)) }.store(*w, Ordering::Relaxed);
                }
            }
        }
    }
}

/// Value slots libcall `l` with immediate `a` reads or writes.
fn libcall_slots(module: &Module, l: LibCall, a: u64) -> usize {
    match l {
        LibCall::CallFunc => {
            let sig = module.info.func_signature(a as u32);
            sig.params.len().max(sig.results.len())
        }
        LibCall::CallIndirect => {
            let sig = &module.info.types[a as usize];
            (sig.params.len() + 1).max(sig.results.len())
        }
        _ => 3,
    }
}

/// Whether libcall `l` can read or write memory or globals (so the mirror must be synced).
fn touches_state(l: LibCall) -> bool {
    matches!(
        l,
        LibCall::CallFunc
            | LibCall::CallIndirect
            | LibCall::MemoryGrow
            | LibCall::MemoryFill
            | LibCall::MemoryCopy
            | LibCall::MemoryInit
    )
}

/// Whether libcall `l` can write a table (so the guest's table mirrors must be synced).
fn writes_tables(l: LibCall) -> bool {
    matches!(
        l,
        LibCall::CallFunc
            | LibCall::CallIndirect
            | LibCall::TableSet
            | LibCall::TableGrow
            | LibCall::TableFill
            | LibCall::TableCopy
            | LibCall::TableInit
    )
}

/// Why emulation stopped short of the exit.
enum Stop {
    /// At a libcall: which, its immediates, the value area, the return address, the
    /// value slots and their contents.
    LibCall(LibCall, u64, u64, u64, u64, usize, Vec<u64>),
    /// At the deadline, at this pc (the fuel counter's copy is emptied): resume there.
    Resume(u64),
}

/// Pops the entry's frame when the entry ends, even by a panic.
struct FrameGuard(u64);

impl Drop for FrameGuard {
    fn drop(&mut self) {
        let at = self.0;
        let _ = CORE.try_with(|c| {
            if let Ok(mut c) = c.try_borrow_mut() {
                if let Some(core) = c.as_mut() {
                    core.frame_top = at;
                }
            }
        });
    }
}

impl PreparedModule for Aarch64Module {
    fn module(&self) -> &Arc<Module> {
        &self.module
    }

    fn call(&self, store: &mut Store, instance: InstanceId, func_index: u32, args: &[Val]) -> Result<Vec<Val>, Trap> {
        let first = self.module.info.num_imported_funcs();
        let k = (func_index - first) as usize;
        let sig = self.module.info.func_signature(func_index).clone();
        let mut ctx = CallCtx { store: store as *mut Store, instance, trap: None, native: std::ptr::null() };
        let globals = store.instance(instance).globals.clone();
        let tables = store.instance(instance).tables.clone();
        let cells: Vec<*mut u64> = globals.iter().map(|g| store.global_mut(*g).cell_ptr()).collect();
        let n = area_words(&sig.params).max(area_words(&sig.results));
        let words = vmctx::GLOBALS + globals.len();
        // Host vmctx: what the Rust libcalls see.
        let mut host = vec![0u64; words];
        host[vmctx::STORE] = &mut ctx as *mut CallCtx as u64;
        host[vmctx::INSTANCE] = instance.0 as u64;

        let (frame, code_base, values, mirror, unwind) = with_core(|core| {
            let outer_sp = core.frame_top != FRAMES;
            let frame = core.frame_top;
            // vmctx, global cells, value area, table header addresses, table headers, the
            // function's register descriptor.
            let cell_words = CELL_WORDS * globals.len();
            let slot_words = std::mem::size_of::<RegisterSlots>() / 8;
            let at = core.push_frame(8 * (words + cell_words + n + 3 * tables.len() + slot_words) as u64);
            let (vm, gl, va) = (at, at + 8 * words as u64, at + 8 * (words + cell_words) as u64);
            let tb = va + 8 * n as u64;
            let headers: Vec<u64> = (0..tables.len()).map(|k| tb + 8 * (tables.len() + 2 * k) as u64).collect();
            let code_base = core.code_base(self);
            let mut guest = vec![0u64; words];
            guest[vmctx::INSTANCE] = instance.0 as u64;
            guest[vmctx::STACK_LIMIT] = STACK + STACK_MARGIN;
            guest[vmctx::UNWIND] = core.unwind;
            guest[vmctx::MEM_BASE] = MEMORY;
            guest[vmctx::TABLES] = tb;
            guest[vmctx::FUNCS] = code_base + self.funcs_offset();
            for l in LibCall::ALL {
                guest[vmctx::LIBCALLS + l.index()] = libcall_addr(l);
            }
            for g in 0..globals.len() {
                guest[vmctx::GLOBALS + g] = gl + (GLOBAL_CELL_BYTES * g) as u64;
            }
            core.write(vm, &guest);
            core.write(tb, &headers);
            let slots = tb + 8 * 3 * tables.len() as u64;
            let descriptor: Vec<u64> = self.register_slots[k].iter().map(|o| *o as u64).collect();
            core.write(slots, &descriptor);
            let guest_tables = tables
                .iter()
                .zip(&headers)
                .map(|(t, h)| GuestTable { table: *t, header: *h, entries: 0, capacity: 0, written: None })
                .collect();
            let mirror = Mirror { instance, cells, vmctx: vm, globals: gl, tables: RefCell::new(guest_tables) };
            // SAFETY: `store` is this call's store; nothing else uses it meanwhile.
            mirror.sync_in(unsafe { &mut *ctx.store }, core);
            // SAFETY: as above.
            mirror.sync_tables(unsafe { &*ctx.store }, core);
            let mut vals = vec![0u64; n];
            vals_to_words(args, &mut vals);
            core.write(va, &vals);
            // A nested entry continues the stack below the suspended caller's.
            let sp = if outer_sp { core.reg(RegisterARM64::SP) & !15 } else { STACK + STACK_SIZE };
            core.set_reg(RegisterARM64::X0, vm);
            core.set_reg(RegisterARM64::X1, code_base + self.starts[k] as u64);
            core.set_reg(RegisterARM64::X2, va);
            core.set_reg(RegisterARM64::X3, n as u64);
            core.set_reg(RegisterARM64::X4, slots);
            core.set_reg(RegisterARM64::LR, EXIT);
            core.set_reg(RegisterARM64::SP, sp);
            (frame, code_base, va, mirror, core.unwind)
        });
        let _guard = FrameGuard(frame);
        // A timeout (metered modules only): the guest sees a copy of the fuel counter,
        // which the watchdog cannot reach, so emulation stops at the deadline and the copy
        // is emptied here; the next fuel check traps.
        let deadline = store.deadline().zip(self.module.info.fuel_global);
        let mut pc = TRAMP;
        let status = loop {
            let stop = with_core(|core| {
                core.fault_addr.set(0);
                let timeout_us = match deadline {
                    // Unicorn counts microseconds; 0 means none, so at least 1.
                    Some((d, _)) => d.saturating_duration_since(std::time::Instant::now()).as_micros().max(1) as u64,
                    None => 0,
                };
                if let Err(e) = core.uc.emu_start(pc, 0, timeout_us, 0) {
                    // Unicorn 2.0 reports the pc of the faulting translation block's start, not
                    // of the access: the fault address tells a guarded heap access instead.
                    let at = core.uc.pc_read().unwrap_or(0);
                    let addr = core.fault_addr.get();
                    let heap = self.bounds == BoundsChecks::Guard && (MEMORY..MEMORY + GUARD_SPAN).contains(&addr);
                    if !heap {
                        panic!("aarch64 engine: emulation fault {e:?} at {at:#x} (code base {code_base:#x}), address {addr:#x}");
                    }
                    // A guarded heap access touched unmapped memory: trap like a stub would.
                    let k = TrapCode::ALL.iter().position(|c| *c == TrapCode::MemoryOutOfBounds).unwrap() as u64;
                    core.write(mirror.vmctx + vmctx::offset(vmctx::TRAP_CODE) as u64, &[k, at]);
                    return Ok(None);
                }
                let at = core.uc.pc_read().unwrap_or_else(|e| fail("reading pc", e));
                if at == EXIT {
                    return Err(core.reg(RegisterARM64::X0));
                }
                let Some(lib) = LibCall::ALL.iter().copied().find(|l| libcall_addr(*l) == at) else {
                    match deadline {
                        Some((d, g)) if std::time::Instant::now() >= d => {
                            core.write(mirror.globals + (GLOBAL_CELL_BYTES * g as usize) as u64, &[0]);
                            return Ok(Some(Stop::Resume(at)));
                        }
                        _ => panic!("aarch64 engine: stopped at unexpected address {at:#x}"),
                    }
                };
                let (a, b) = (core.reg(RegisterARM64::X1), core.reg(RegisterARM64::X2));
                let (vaddr, lr) = (core.reg(RegisterARM64::X3), core.reg(RegisterARM64::LR));
                let slots = libcall_slots(&self.module, lib, a);
                let mut vals = core.read(vaddr, slots);
                vals.push(0);
                if touches_state(lib) {
                    mirror.sync_out(store, core);
                }
                Ok(Some(Stop::LibCall(lib, a, b, vaddr, lr, slots, vals)))
            });
            let (lib, a, b, vaddr, lr, slots, mut vals) = match stop {
                Err(status) => break status,
                Ok(None) => {
                    pc = unwind;
                    continue;
                }
                Ok(Some(Stop::Resume(at))) => {
                    pc = at;
                    continue;
                }
                Ok(Some(Stop::LibCall(lib, a, b, vaddr, lr, slots, vals))) => (lib, a, b, vaddr, lr, slots, vals),
            };
            // SAFETY: `host` holds a live CallCtx for this entry and `vals` has the slots. The
            // libcall may enter compiled code again (a nested entry on this core).
            let st = unsafe { libcalls::call(lib, host.as_mut_ptr(), a, b, vals.as_mut_ptr()) };
            with_core(|core| {
                if touches_state(lib) {
                    mirror.sync_in(store, core);
                }
                if writes_tables(lib) {
                    mirror.sync_tables(store, core);
                }
                core.write(vaddr, &vals[..slots]);
                core.set_reg(RegisterARM64::X0, st);
            });
            pc = lr;
        };
        with_core(|core| {
            mirror.sync_out(store, core);
            if status == 0 {
                let vals = core.read(values, n);
                return Ok(words_to_vals(&vals, &sig.results));
            }
            if let Some(t) = ctx.trap.take() {
                return Err(t);
            }
            let w = core.read(mirror.vmctx, vmctx::MEM_BASE);
            let pc = w[vmctx::TRAP_PC].wrapping_sub(code_base) as u32;
            let code = TrapCode::ALL.get(w[vmctx::TRAP_CODE] as usize).copied().unwrap_or(TrapCode::Unreachable);
            let mut trap = Trap::new(code);
            if let Some((func, site)) = self.traps.get(&pc) {
                trap.func = Some(*func);
                trap.srcloc = site.srcloc;
            } else if let Some(k) = self.starts.partition_point(|s| *s <= pc).checked_sub(1) {
                // A guard-region fault: the pc is in the function (the wasm offset is unknown).
                trap.func = Some(first + k as u32);
            }
            Err(trap)
        })
    }
}
