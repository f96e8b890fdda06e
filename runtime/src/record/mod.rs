//! Recording program states for validation: the `interp` engine, plus a recorder that
//! saves sampled calls of every function so each can be replayed alone
//! (`wlab run --record DIR`; the format is `wlab_ir::interp::state`).
//!
//! ```text
//!  RecordingModule::call(f)        (every defined-function call of the run)
//!    ├─ sample? call number 1, 2, 4, 8, ... of f, at most `calls_per_func` of them
//!    │    └─ yes: push a Frame (arguments, memory size, globals, tables at entry)
//!    ├─ while any frame is live, f runs its instrumented copy (instrument.rs): each
//!    │  memory access first tells the recorder what it touches
//!    ├─ RecordingEnv (env.rs): calls made by a framed function are logged with their
//!    │  outcome and what they wrote; host calls are diffed against a copy of memory
//!    └─ pop the Frame: a RecordedState, or dropped with the reason
//! ```
//!
//! Entry contents are captured copy-on-first-touch: the first access to a [`CHUNK`]
//! while a frame is live (by the framed function, one of its callees, or a host call,
//! before it writes) saves the chunk as it was at entry. A state is dropped when it
//! passes `state_bytes` (its approximate size in the JSON file) or touches a memory other
//! than memory 0; once the saved states pass `total_bytes`, sampling stops and the
//! recording says so. Tables written by callees are not tracked (a replay sees the entry
//! tables). This file never decides what a state is compared against.

mod env;
pub mod instrument;

use crate::engine::{Engine, EngineError, PreparedModule};
use crate::store::{InstanceId, Store};
use std::cell::OnceCell;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use wlab_ir::interp::state::{
    Bytes, CallTarget, FunctionStates, Outcome, RecordedCall, RecordedState, StateVal, CHUNK, FORMAT_VERSION,
};
use wlab_ir::interp::{Trap, Val};
use wlab_ir::{Function, Module, TrapCode};

/// How much to record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RecordOptions {
    /// Sampled calls per function (`--record-calls`).
    pub calls_per_func: u32,
    /// Approximate file bytes of all saved states (`--record-bytes`).
    pub total_bytes: u64,
    /// Approximate file bytes of one state (`--record-state-bytes`).
    pub state_bytes: u64,
}

impl Default for RecordOptions {
    fn default() -> Self {
        RecordOptions { calls_per_func: 8, total_bytes: 256 << 20, state_bytes: 16 << 20 }
    }
}

/// Approximate JSON bytes of one value.
const VAL_BYTES: u64 = 24;

fn val_bytes(n: usize) -> u64 {
    n as u64 * VAL_BYTES
}

/// One sampled call in progress.
struct Frame {
    func: u32,
    call: u64,
    /// The store's call depth inside the call.
    depth: u32,
    args: Vec<Val>,
    memory_pages: u32,
    memory_max_pages: u32,
    globals: Vec<Val>,
    tables: Vec<Vec<Val>>,
    /// Entry contents of every chunk touched by anyone while the frame was live.
    entry: BTreeMap<u32, Vec<u8>>,
    /// Chunks the function itself touched.
    own: BTreeSet<u32>,
    calls: Vec<RecordedCall>,
    /// The call the function is making now, if any.
    pending: Option<Pending>,
    bytes: u64,
    /// Why the state will not be saved.
    dropped: Option<String>,
    /// The last chunk [`Recorder::touch`] handled, per kind (own access, a callee's read,
    /// a callee's write; `u32::MAX`: none): touching it again the same way changes nothing.
    /// Reset when a call starts.
    last: [u32; 3],
}

struct Pending {
    target: CallTarget,
    args: Vec<Val>,
    globals_before: Vec<Val>,
    /// Chunks written during the call.
    dirty: BTreeSet<u32>,
}

impl Frame {
    fn live(&self) -> bool {
        self.dropped.is_none()
    }
}

/// What a run recorded; shared by the engine, its prepared modules and the caller.
#[derive(Default)]
pub struct Recorder {
    opts: RecordOptions,
    funcs: BTreeMap<u32, FunctionStates>,
    frames: Vec<Frame>,
    saved_bytes: u64,
    /// Set when `total_bytes` stopped the sampling: the first call not recorded.
    limit_hit: bool,
}

/// The result of a recording run.
#[derive(Clone, Debug, Default)]
pub struct Recording {
    pub functions: Vec<FunctionStates>,
    /// Approximate bytes of the saved states.
    pub bytes: u64,
    /// Whether `total_bytes` stopped the sampling.
    pub limit_hit: bool,
}

impl Recorder {
    pub fn new(opts: RecordOptions) -> Self {
        Recorder { opts, ..Default::default() }
    }

    /// Everything recorded so far (function order).
    pub fn finish(&mut self) -> Recording {
        Recording {
            functions: std::mem::take(&mut self.funcs).into_values().collect(),
            bytes: self.saved_bytes,
            limit_hit: self.limit_hit,
        }
    }

    fn any_live(&self) -> bool {
        self.frames.iter().any(Frame::live)
    }

    /// Counts a call of `func`; whether to sample it.
    fn count_call(&mut self, func: u32, name: &str) -> Option<u64> {
        let fs = self.funcs.entry(func).or_insert_with(|| FunctionStates {
            version: FORMAT_VERSION,
            func,
            name: name.to_string(),
            ..Default::default()
        });
        fs.calls_seen += 1;
        let n = fs.calls_seen;
        let sample = n.is_power_of_two() && n.trailing_zeros() < self.opts.calls_per_func;
        if !sample {
            return None;
        }
        if self.limit_hit {
            fs.dropped.push(format!("call {n}: --record-bytes limit reached"));
            return None;
        }
        Some(n)
    }

    fn drop_live(&mut self, why: &str) {
        for f in self.frames.iter_mut().filter(|f| f.live()) {
            f.dropped = Some(why.to_string());
        }
    }

    /// Saves the entry contents of `chunks` (from `mem`, as it was before anyone wrote
    /// them) in every live frame that has not seen them, and marks them touched by the
    /// function (`depth` is the frame's) or written by the frame's current call.
    fn touch(&mut self, depth: u32, chunks: std::ops::RangeInclusive<u32>, write: bool, mem: &[u8]) {
        let limit = self.opts.state_bytes;
        for f in self.frames.iter_mut().filter(|f| f.live()) {
            let kind = if depth == f.depth {
                0
            } else if write {
                2
            } else {
                1
            };
            if chunks.start() == chunks.end() && f.last[kind] == *chunks.start() {
                continue;
            }
            f.last[kind] = *chunks.end();
            for c in chunks.clone() {
                let start = (c * CHUNK) as usize;
                if start >= mem.len() {
                    break;
                }
                if !f.entry.contains_key(&c) {
                    let end = (start + CHUNK as usize).min(mem.len());
                    f.entry.insert(c, mem[start..end].to_vec());
                    f.bytes += 2 * CHUNK as u64;
                }
                if depth == f.depth {
                    f.own.insert(c);
                } else if let (true, Some(p)) = (write, f.pending.as_mut()) {
                    if p.dirty.insert(c) {
                        f.bytes += 2 * CHUNK as u64;
                    }
                }
            }
            if f.bytes > limit {
                f.dropped = Some(format!("larger than --record-state-bytes ({limit})"));
            }
        }
    }
}

/// Bytes of memory 0 of `instance` (empty when it has none).
fn memory0(store: &mut Store, instance: InstanceId) -> &mut [u8] {
    match store.instances[instance.0 as usize].memories.first() {
        Some(m) => &mut store.memories[m.0 as usize].bytes,
        None => &mut [],
    }
}

fn globals_of(store: &Store, instance: InstanceId) -> Vec<Val> {
    store.instances[instance.0 as usize].globals.iter().map(|g| store.globals[g.0 as usize].get()).collect()
}

/// Memory `runs` of the chunks `set` as `mem` holds them now, adjacent chunks merged.
fn runs(set: impl Iterator<Item = u32>, mem: &[u8], source: impl Fn(u32) -> Option<Vec<u8>>) -> Vec<Bytes> {
    let mut out: Vec<(u32, Vec<u8>)> = Vec::new();
    for c in set {
        let Some(bytes) = source(c).or_else(|| {
            let start = (c * CHUNK) as usize;
            (start < mem.len()).then(|| mem[start..(start + CHUNK as usize).min(mem.len())].to_vec())
        }) else {
            continue;
        };
        match out.last_mut() {
            Some((addr, run)) if *addr as u64 + run.len() as u64 == c as u64 * CHUNK as u64 => run.extend(bytes),
            _ => out.push((c * CHUNK, bytes)),
        }
    }
    out.into_iter().map(|(a, b)| Bytes::new(a, &b)).collect()
}

/// The `interp` engine with a recorder (see the module docs).
pub struct RecordingEngine {
    pub recorder: Arc<Mutex<Recorder>>,
}

impl RecordingEngine {
    pub fn new(opts: RecordOptions) -> Self {
        RecordingEngine { recorder: Arc::new(Mutex::new(Recorder::new(opts))) }
    }
}

impl Engine for RecordingEngine {
    fn name(&self) -> &'static str {
        "interp"
    }

    fn prepare(&self, module: Arc<Module>) -> Result<Arc<dyn PreparedModule>, EngineError> {
        let instrumented = (0..module.functions.len()).map(|_| OnceCell::new()).collect();
        Ok(Arc::new(RecordingModule { module, instrumented, recorder: self.recorder.clone() }))
    }
}

struct RecordingModule {
    module: Arc<Module>,
    /// Instrumented copies, made on first use (by position in `module.functions`).
    instrumented: Vec<OnceCell<Function>>,
    recorder: Arc<Mutex<Recorder>>,
}

fn lock(r: &Mutex<Recorder>) -> std::sync::MutexGuard<'_, Recorder> {
    r.lock().unwrap_or_else(|e| e.into_inner())
}

impl PreparedModule for RecordingModule {
    fn module(&self) -> &Arc<Module> {
        &self.module
    }

    fn call(&self, store: &mut Store, instance: InstanceId, func_index: u32, args: &[Val]) -> Result<Vec<Val>, Trap> {
        let Some(func) = self.module.function(func_index) else {
            panic!("interp: function {func_index} is not a defined function of this module")
        };
        let depth = store.call_depth();
        let sampled = lock(&self.recorder).count_call(func_index, &func.name);
        if let Some(call) = sampled {
            let memory_pages = (memory0(store, instance).len() / crate::store::PAGE_SIZE) as u32;
            let memory_max_pages = match store.instances[instance.0 as usize].memories.first() {
                Some(m) => store.memories[m.0 as usize].max.unwrap_or(u64::MAX).min(store.limits.memory_pages) as u32,
                None => 0,
            };
            let globals = globals_of(store, instance);
            let tables = store.instances[instance.0 as usize]
                .tables
                .iter()
                .map(|t| store.tables[t.0 as usize].elems().to_vec())
                .collect::<Vec<_>>();
            let bytes = val_bytes(args.len() + globals.len() + tables.iter().map(Vec::len).sum::<usize>());
            lock(&self.recorder).frames.push(Frame {
                func: func_index,
                call,
                depth,
                args: args.to_vec(),
                memory_pages,
                memory_max_pages,
                globals,
                tables,
                entry: BTreeMap::new(),
                own: BTreeSet::new(),
                calls: Vec::new(),
                pending: None,
                bytes,
                dropped: None,
                last: [u32::MAX; 3],
            });
        }
        let code = if lock(&self.recorder).any_live() {
            let pos = self.module.functions.iter().position(|f| f.wasm_index == Some(func_index));
            match pos {
                Some(p) => self.instrumented[p].get_or_init(|| instrument::instrument(func)),
                None => func,
            }
        } else {
            func
        };
        let result = crate::interp_engine::call_framed(store, code, |store| {
            wlab_ir::interp::call_function(
                code,
                args,
                &mut env::RecordingEnv {
                    inner: crate::interp_engine::InstanceEnv { store, instance },
                    recorder: &self.recorder,
                    depth,
                },
            )
        });
        if sampled.is_some() {
            let mut r = lock(&self.recorder);
            let frame = r.frames.pop().expect("the frame pushed above");
            r.save(frame, &result.clone().map_err(|t| t.code));
        }
        result
    }
}

impl Recorder {
    /// Turns a finished frame into a saved state (or a dropped one).
    fn save(&mut self, f: Frame, result: &Result<Vec<Val>, TrapCode>) {
        let total = self.opts.total_bytes;
        let fs = self.funcs.get_mut(&f.func).expect("counted before it was framed");
        if let Some(why) = f.dropped {
            fs.dropped.push(format!("call {}: {why}", f.call));
            return;
        }
        if self.saved_bytes + f.bytes > total {
            fs.dropped.push(format!("call {}: --record-bytes limit ({total}) reached", f.call));
            self.limit_hit = true;
            return;
        }
        self.saved_bytes += f.bytes;
        // Chunks past the entry size were added by a `memory.grow` during the call: zeros
        // then, and what the calls wrote there is in their `writes`.
        let entry_end = f.memory_pages as u64 * crate::store::PAGE_SIZE as u64;
        let own = f.own.iter().copied().filter(|&c| (c as u64) * (CHUNK as u64) < entry_end);
        let memory = runs(own, &[], |c| f.entry.get(&c).cloned());
        fs.states.push(RecordedState {
            call: f.call,
            args: f.args.iter().map(|&v| StateVal::from(v)).collect(),
            memory_pages: f.memory_pages,
            memory_max_pages: f.memory_max_pages,
            memory,
            globals: f.globals.iter().map(|&v| v.into()).collect(),
            tables: f.tables.iter().map(|t| t.iter().map(|&v| v.into()).collect()).collect(),
            calls: f.calls,
            outcome: Outcome::of(result),
        });
    }
}
