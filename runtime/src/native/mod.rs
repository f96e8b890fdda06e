//! The native x86-64 engine: compiles every function with `wlab_backends`, places the
//! code in executable memory, and runs it through the entry trampoline.
//!
//! ```text
//!  prepare: Module ──[pipeline +] compile_function (each, one task, largest first)──▶ code + call relocs + trap sites
//!           (prepare_reader: the task translates its function from the wasm bytes first)
//!           trampoline ++ functions ──link──▶ CodeMemory (read + execute)
//!  call:    vmctx (per entry, see wlab_backends::abi) ──trampoline──▶ function
//!           libcalls (libcalls.rs) ─▶ Store: memory.grow, tables, imports, call_indirect
//! ```
//!
//! Traps are explicit checks in the code (bounds, division, conversions, stack limit),
//! which jump to the trampoline's unwind routine; no signal handler is involved, and the
//! process keeps running. Linear-memory bounds are kept, by default, by guard regions:
//! every memory is an 8 GiB reservation (`linear_memory.rs`), accesses carry no check,
//! and `signals.rs` turns a fault at a registered access into the out-of-bounds trap.
//! `BoundsChecks::Explicit` compiles a compare per access instead (for measuring what
//! the checks cost). This file never interprets wasm.

mod code_memory;
pub(crate) mod libcalls;
mod signals;
pub(crate) mod stack_limit;

use crate::engine::{Engine, EngineError, FunctionTransform, PrepareError, PreparedModule};
use crate::largest_first::map_largest_first;
use crate::profile::{CodeSymbol, ENTRY_TRAMPOLINE};
use crate::raw::{area_words, vals_to_words, words_to_vals};
use crate::store::{InstanceId, Store};
use crate::translate_each::map_translated;
use code_memory::CodeMemory;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;
use wlab_backends::abi::{vmctx, LibCall};
use wlab_backends::machinst::{CallReloc, TrapSite};
use wlab_backends::{compile_function, AllocOptions, BoundsChecks, CompileOptions, CompiledFunction, FunctionStats};
use wlab_ir::interp::{Trap, Val};
use wlab_ir::translate::ModuleReader;
use wlab_ir::{Function, Module, ModuleInfo, TrapCode};

/// The x86-64 engine, with its allocation options and the CPU features code may use
/// (`None`: what this machine has; `Some(CpuFeatures::baseline())` tests the fallbacks).
#[derive(Clone, Copy, Debug)]
pub struct NativeEngine {
    pub alloc: AllocOptions,
    pub features: Option<wlab_backends::x64::CpuFeatures>,
    pub bounds: BoundsChecks,
    /// Threads compiling functions (`None`: every core). The code is the same whatever
    /// the number.
    pub threads: Option<usize>,
}

impl Default for NativeEngine {
    fn default() -> Self {
        NativeEngine { alloc: AllocOptions::default(), features: None, bounds: BoundsChecks::Guard, threads: None }
    }
}

impl Engine for NativeEngine {
    fn name(&self) -> &'static str {
        "x86_64"
    }

    fn prepare(&self, module: Arc<Module>) -> Result<Arc<dyn PreparedModule>, EngineError> {
        Ok(self.compile(module)?)
    }

    fn prepare_transformed(
        &self,
        module: Arc<Module>,
        transform: &FunctionTransform<'_>,
    ) -> Result<Arc<dyn PreparedModule>, EngineError> {
        Ok(self.compile_with(module, Some(transform))?)
    }

    fn prepare_reader(
        &self,
        reader: ModuleReader<'_>,
        transform: Option<&FunctionTransform<'_>>,
    ) -> Result<Arc<dyn PreparedModule>, PrepareError> {
        Ok(self.compile_reader(reader, transform)?)
    }
}

impl NativeEngine {
    /// Compiles and maps `module` (what `prepare` does, with the concrete type).
    pub fn compile(&self, module: Arc<Module>) -> Result<Arc<NativeModule>, EngineError> {
        self.compile_with(module, None)
    }

    /// Compiles and maps `module`, each function first rewritten by `transform` when
    /// given (what `prepare_transformed` does). Rewriting and compiling a function is one
    /// task; the tasks run in parallel, largest function first. When the caller handed
    /// over the only reference to `module`, each function's IR is dropped as soon as it
    /// is compiled and the prepared module keeps the module's info without function
    /// bodies (the machine code does not need them).
    pub fn compile_with(
        &self,
        module: Arc<Module>,
        transform: Option<&FunctionTransform<'_>>,
    ) -> Result<Arc<NativeModule>, EngineError> {
        let opts = self.compile_options(&module.info)?;
        // The IR by value when this is the only reference (dropped per function once
        // compiled), else borrowed (copied only to be rewritten).
        let (module, functions): (Arc<Module>, Vec<Cow<'_, Function>>) = match Arc::try_unwrap(module) {
            Ok(mut m) => {
                let functions = std::mem::take(&mut m.functions).into_iter().map(Cow::Owned).collect();
                (Arc::new(m), functions)
            }
            Err(shared) => (shared, Vec::new()),
        };
        let functions =
            if functions.is_empty() { module.functions.iter().map(Cow::Borrowed).collect() } else { functions };
        let compile_one = |f: Cow<'_, Function>| -> Result<Compiled, EngineError> {
            let f = match transform {
                None => f,
                Some(t) => {
                    let mut f = f.into_owned();
                    t(&mut f)?;
                    Cow::Owned(f)
                }
            };
            compile_one(&f, &opts)
        };
        let results = self.on_compile_threads(|| map_largest_first(functions, |f| f.insts.len(), compile_one))?;
        link(module, results.into_iter().collect::<Result<_, _>>()?)
    }

    /// Translates, compiles and maps the module `reader` read, each function first
    /// rewritten by `transform` when given (what `prepare_reader` does): translating,
    /// rewriting and compiling a function is one task ([`map_translated`]), largest body
    /// first, and its IR is dropped when the task ends. The prepared module keeps the
    /// module's info without function bodies.
    pub fn compile_reader(
        &self,
        reader: ModuleReader<'_>,
        transform: Option<&FunctionTransform<'_>>,
    ) -> Result<Arc<NativeModule>, PrepareError> {
        let opts = self.compile_options(reader.info())?;
        let compile_translated = |mut f: Function| -> Result<Compiled, EngineError> {
            if let Some(t) = transform {
                t(&mut f)?;
            }
            compile_one(&f, &opts)
        };
        let compiled = self.on_compile_threads(|| map_translated(&reader, compile_translated))??;
        let module = Module { info: reader.into_info(), functions: Vec::new() };
        Ok(link(Arc::new(module), compiled)?)
    }

    /// The backend's options for `info`'s functions, or why this engine cannot compile
    /// the module at all.
    fn compile_options(&self, info: &ModuleInfo) -> Result<CompileOptions, EngineError> {
        if !cfg!(target_arch = "x86_64") {
            return Err(unsupported("this machine is not x86-64".into()));
        }
        if info.memories.len() > 1 {
            return Err(unsupported("more than one memory".into()));
        }
        let mut opts = CompileOptions::new(info.num_imported_funcs());
        opts.alloc = self.alloc;
        opts.bounds = self.bounds;
        if let Some(f) = self.features {
            opts.features = f;
        }
        Ok(opts)
    }

    /// Runs `compile_all` where the functions are compiled: `threads: None`, the rayon
    /// pool this thread is in (the global one, started once per process; a module of one
    /// function starts none); a count, a pool of that size for this module.
    fn on_compile_threads<R: Send>(&self, compile_all: impl FnOnce() -> R + Send) -> Result<R, EngineError> {
        match self.threads {
            None => Ok(compile_all()),
            Some(n) => Ok(rayon::ThreadPoolBuilder::new()
                .num_threads(n)
                .build()
                .map_err(|e| unsupported(format!("cannot start compile threads: {e}")))?
                .install(compile_all)),
        }
    }
}

fn unsupported(reason: String) -> EngineError {
    EngineError::Unsupported { engine: "x86_64", reason }
}

/// What linking needs of a compiled function. The rest of [`CompiledFunction`] (its
/// source map, libcall sites) is dropped in the compile task, and the code's spare
/// capacity is returned, so finished functions hold no more than they must until linked.
struct Compiled {
    code: Vec<u8>,
    calls: Vec<CallReloc>,
    traps: Vec<TrapSite>,
    stats: FunctionStats,
}

/// Compiles one function for the engine.
fn compile_one(f: &Function, opts: &CompileOptions) -> Result<Compiled, EngineError> {
    let CompiledFunction { mut code, calls, traps, stats, .. } =
        compile_function(f, opts).map_err(|e| unsupported(e.to_string()))?;
    code.shrink_to_fit();
    Ok(Compiled { code, calls, traps, stats })
}

/// Places the entry trampoline and then every function of `module` (`compiled`, in index
/// order, each at a 16-byte boundary), links the calls between them and maps the code.
fn link(module: Arc<Module>, compiled: Vec<Compiled>) -> Result<Arc<NativeModule>, EngineError> {
    let tramp = wlab_backends::x64::trampoline::entry_trampoline();
    let first = module.info.num_imported_funcs();
    let mut code = tramp.code.clone();
    let mut starts = Vec::new();
    let tramp_len = tramp.code.len() as u32;
    for c in &compiled {
        while code.len() % 16 != 0 {
            code.push(0xcc);
        }
        starts.push(code.len() as u32);
        code.extend_from_slice(&c.code);
    }
    // Link calls between functions.
    let mut traps = BTreeMap::new();
    let mut stats = Vec::new();
    for (k, c) in compiled.iter().enumerate() {
        let base = starts[k];
        for r in &c.calls {
            let Some(&target) = r.func.checked_sub(first).and_then(|i| starts.get(i as usize)) else {
                return Err(unsupported(format!("call to function {} that is not defined here", r.func)));
            };
            let at = (base + r.offset) as usize;
            let rel = target as i64 - (at as i64 + 4);
            code[at..at + 4].copy_from_slice(&(rel as i32).to_le_bytes());
        }
        for t in &c.traps {
            traps.insert(base + t.offset, (first + k as u32, *t));
        }
        stats.push(c.stats);
    }
    let memory = CodeMemory::new(&code).map_err(|e| unsupported(format!("cannot map code: {e}")))?;
    let faults = traps.iter().filter(|(_, (_, t))| t.fault).map(|(off, _)| *off).collect();
    signals::register(memory.base() as usize, memory.base() as usize + code.len(), faults);
    let code_len = code.len();
    let mut func_addrs = vec![0u64; first as usize];
    func_addrs.extend(starts.iter().map(|s| memory.base() as u64 + *s as u64));
    let register_slots = (first..first + starts.len() as u32)
        .map(|i| {
            let sig = module.info.func_signature(i);
            wlab_backends::abi::register_slots(&sig.params, &sig.results)
        })
        .collect();
    Ok(Arc::new(NativeModule {
        module,
        first,
        memory,
        code_len,
        func_addrs,
        unwind_offset: tramp.unwind_offset,
        tramp_len,
        sizes: compiled.iter().map(|c| c.code.len() as u32).collect(),
        register_slots,
        starts,
        traps,
        stats,
    }))
}

/// A module compiled to x86-64 and mapped.
pub struct NativeModule {
    module: Arc<Module>,
    /// Index of the first defined function (the number of imported ones).
    first: u32,
    memory: CodeMemory,
    code_len: usize,
    /// Code address of each function by module index (imports: 0): vmctx `FUNCS`.
    func_addrs: Vec<u64>,
    unwind_offset: u32,
    /// The trampoline's length (it starts at offset 0).
    tramp_len: u32,
    /// Code offset of each defined function.
    starts: Vec<u32>,
    /// Code length of each defined function.
    sizes: Vec<u32>,
    /// The entry trampoline's register descriptor of each defined function's signature,
    /// computed once here so that entering compiled code computes and allocates nothing.
    register_slots: Vec<wlab_backends::abi::RegisterSlots>,
    /// Trap stub offset → (wasm function index, site).
    traps: BTreeMap<u32, (u32, TrapSite)>,
    stats: Vec<FunctionStats>,
}

impl Drop for NativeModule {
    fn drop(&mut self) {
        signals::unregister(self.memory.base() as usize);
    }
}

impl NativeModule {
    /// Machine-code statistics of each defined function.
    pub fn stats(&self) -> &[FunctionStats] {
        &self.stats
    }

    /// The module's machine code as placed (trampoline first, then the functions).
    pub fn code(&self) -> &[u8] {
        // SAFETY: the mapping holds `code_len` readable bytes for our lifetime.
        unsafe { std::slice::from_raw_parts(self.memory.base(), self.code_len) }
    }
}

/// What libcalls find behind vmctx word `STORE` during one entry into compiled code.
pub(crate) struct CallCtx {
    pub store: *mut Store,
    pub instance: InstanceId,
    /// A trap raised inside a libcall, with its full location.
    pub trap: Option<Trap>,
    /// The x86-64 module running (null for other engines): lets `call_indirect` call a
    /// function of the same instance directly, with the same vmctx.
    pub native: *const NativeModule,
}

/// The entry trampoline (`wlab_backends::x64::trampoline`): vmctx, function, value area,
/// its words, and the function's `abi::RegisterSlots`.
type EntryFn = unsafe extern "sysv64" fn(*mut u64, *const u8, *mut u64, u64, *const i64) -> u64;

/// Builds the vmctx words for `instance` running `funcs` (vmctx `FUNCS`): the fixed words,
/// the global cells' addresses, then the table headers' addresses (vmctx `TABLES` points
/// at them, inside this same vector, which is never resized).
fn build_vmctx(store: &mut Store, instance: InstanceId, ctx: *mut CallCtx, unwind: u64, funcs: &[u64]) -> Vec<u64> {
    let globals = store.instance(instance).globals.clone();
    let tables = store.instance(instance).tables.clone();
    let mut w = vec![0u64; vmctx::GLOBALS + globals.len() + tables.len()];
    for (k, t) in tables.iter().enumerate() {
        w[vmctx::GLOBALS + globals.len() + k] = store.table(*t).mirror().header_addr();
    }
    w[vmctx::TABLES] = w[vmctx::GLOBALS + globals.len()..].as_ptr() as u64;
    w[vmctx::FUNCS] = funcs.as_ptr() as u64;
    w[vmctx::STORE] = ctx as u64;
    w[vmctx::INSTANCE] = instance.0 as u64;
    w[vmctx::STACK_LIMIT] = stack_limit::current();
    w[vmctx::UNWIND] = unwind;
    for l in LibCall::ALL {
        w[vmctx::LIBCALLS + l.index()] = libcalls::address(l);
    }
    for (g, id) in globals.iter().enumerate() {
        w[vmctx::GLOBALS + g] = store.global_mut(*id).cell_ptr() as u64;
    }
    refresh_memory(store, instance, &mut w);
    w
}

/// Copies memory 0's current base and length into vmctx (after anything that may grow it).
pub(crate) fn refresh_memory(store: &mut Store, instance: InstanceId, w: &mut [u64]) {
    if let Some(&m) = store.instance(instance).memories.first() {
        let mem = store.memory_mut(m);
        w[vmctx::MEM_BASE] = mem.bytes.as_mut_ptr() as u64;
        w[vmctx::MEM_LEN] = mem.bytes.len() as u64;
    }
}

impl PreparedModule for NativeModule {
    fn module(&self) -> &Arc<Module> {
        &self.module
    }

    fn call(&self, store: &mut Store, instance: InstanceId, func_index: u32, args: &[Val]) -> Result<Vec<Val>, Trap> {
        let k = (func_index - self.first) as usize;
        let sig = self.module.info.func_signature(func_index);
        let mut ctx = CallCtx { store: store as *mut Store, instance, trap: None, native: self as *const NativeModule };
        let base = self.memory.base();
        let mut w = build_vmctx(store, instance, &mut ctx, base as u64 + self.unwind_offset as u64, &self.func_addrs);
        let n = area_words(&sig.params).max(area_words(&sig.results));
        let mut values = vec![0u64; n];
        vals_to_words(args, &mut values);
        let slots = &self.register_slots[k];
        // SAFETY: the trampoline is the code at offset 0, built for this signature
        // convention; the function start is inside the mapping; vmctx and values
        // outlive the call. Compiled code only touches memory through vmctx.
        let status = unsafe {
            let entry: EntryFn = std::mem::transmute(base);
            let f = base.add(self.starts[k] as usize);
            entry(w.as_mut_ptr(), f, values.as_mut_ptr(), n as u64, slots.as_ptr())
        };
        if status == 0 {
            return Ok(words_to_vals(&values, &sig.results));
        }
        if let Some(t) = ctx.trap.take() {
            return Err(t);
        }
        Err(self.trap_from(&w))
    }

    fn code_symbols(&self) -> Option<Vec<CodeSymbol>> {
        let base = self.memory.base() as u64;
        let mut out = vec![CodeSymbol { start: base, size: self.tramp_len as u64, name: ENTRY_TRAMPOLINE.to_string() }];
        for (k, (&start, &size)) in self.starts.iter().zip(&self.sizes).enumerate() {
            let name = self.module.info.func_display_name(self.first + k as u32);
            out.push(CodeSymbol { start: base + start as u64, size: size as u64, name });
        }
        Some(out)
    }

    fn code_bytes(&self) -> Option<(u64, &[u8])> {
        Some((self.memory.base() as u64, self.code()))
    }
}

impl NativeModule {
    /// The trap compiled code recorded in vmctx words `w`, located by its pc.
    pub(crate) fn trap_from(&self, w: &[u64]) -> Trap {
        let pc = w[vmctx::TRAP_PC].wrapping_sub(self.memory.base() as u64) as u32;
        let code = TrapCode::ALL.get(w[vmctx::TRAP_CODE] as usize).copied().unwrap_or(TrapCode::Unreachable);
        let mut trap = Trap::new(code);
        if let Some((func, site)) = self.traps.get(&pc) {
            trap.func = Some(*func);
            trap.srcloc = site.srcloc;
        }
        trap
    }

    /// Calls defined function `func_index` of the instance whose vmctx is `vmctx`
    /// (already running compiled code) with `values` as its value area of `n` slots:
    /// no new vmctx, no allocation. Returns the trampoline's status.
    ///
    /// # Safety
    /// `vmctx` must be the live vmctx of an instance of this module; `values` must hold
    /// `n` slots, `n` at least the function's parameter and result counts.
    pub(crate) unsafe fn call_direct(&self, vmctx: *mut u64, func_index: u32, values: *mut u64, n: usize) -> u64 {
        let k = (func_index - self.first) as usize;
        let base = self.memory.base();
        let slots = &self.register_slots[k];
        let entry: EntryFn = std::mem::transmute(base);
        entry(vmctx, base.add(self.starts[k] as usize), values, n as u64, slots.as_ptr())
    }
}
