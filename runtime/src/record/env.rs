//! The interpreter's [`Env`] while recording: the instance's own ([`InstanceEnv`]), plus
//! the access hook of instrumented code and the logging of calls made by a framed
//! function (see `mod.rs`). Everything it observes goes to the [`Recorder`]; it never
//! changes what the program computes.

use super::instrument::ACCESS_HOOK;
use super::{globals_of, lock, memory0, runs, Pending, Recorder};
use crate::interp_engine::InstanceEnv;
use crate::store::FuncKind;
use std::collections::BTreeSet;
use std::sync::Mutex;
use wlab_ir::interp::state::{CallTarget, Outcome, RecordedCall, StateVal, CHUNK};
use wlab_ir::interp::{Env, Trap, Val};
use wlab_ir::TrapCode;

pub(super) struct RecordingEnv<'a> {
    pub inner: InstanceEnv<'a>,
    pub recorder: &'a Mutex<Recorder>,
    /// The store's call depth of the function this Env runs.
    pub depth: u32,
}

fn unsigned(v: Val) -> u64 {
    match v {
        Val::I32(x) => x as u32 as u64,
        Val::I64(x) => x as u64,
        Val::F32(_) | Val::F64(_) | Val::FuncRef(_) | Val::ExternRef(_) | Val::V128(_) => 0,
    }
}

impl RecordingEnv<'_> {
    fn hook(&mut self, args: &[Val]) {
        let [kind, addr, offset, len] = args else { panic!("record: access hook with {} arguments", args.len()) };
        let kind = unsigned(*kind);
        let (memory, write) = (kind / 2, kind % 2 == 1);
        let mut r = lock(self.recorder);
        if !r.any_live() {
            return;
        }
        if memory != 0 {
            r.drop_live(&format!("accesses memory {memory} (only memory 0 is recorded)"));
            return;
        }
        let (start, len) = (unsigned(*addr).saturating_add(unsigned(*offset)), unsigned(*len));
        if len == 0 {
            return;
        }
        let end = start.saturating_add(len - 1);
        let mem = memory0(self.inner.store, self.inner.instance);
        if start >= mem.len() as u64 {
            return;
        }
        let last = end.min(mem.len() as u64 - 1);
        let chunks = (start / CHUNK as u64) as u32..=(last / CHUNK as u64) as u32;
        r.touch(self.depth, chunks, write, mem);
    }

    /// Whether store function `f` is a host function.
    fn is_host(&self, f: wlab_ir::interp::FuncRef) -> bool {
        matches!(self.inner.store.funcs.get(f.0 as usize).map(|f| &f.kind), Some(FuncKind::Host(_)))
    }

    /// Runs a call, logging it for the frame of this depth and diffing memory around a
    /// host call while a frame is live.
    fn around(
        &mut self,
        target: CallTarget,
        args: &[Val],
        host: bool,
        call: impl FnOnce(&mut Self) -> Result<Vec<Val>, Trap>,
    ) -> Result<Vec<Val>, Trap> {
        let (live, logs) = {
            let r = lock(self.recorder);
            (r.any_live(), r.frames.last().is_some_and(|f| f.live() && f.depth == self.depth))
        };
        if !live {
            return call(self);
        }
        let (store, instance) = (&mut *self.inner.store, self.inner.instance);
        if logs {
            let globals_before = globals_of(store, instance);
            let mut r = lock(self.recorder);
            let frame = r.frames.last_mut().expect("checked");
            frame.pending = Some(Pending { target, args: args.to_vec(), globals_before, dirty: BTreeSet::new() });
            frame.last = [u32::MAX; 3];
        }
        let before = host.then(|| memory0(store, instance).to_vec());
        let result = call(self);
        let (store, instance) = (&mut *self.inner.store, self.inner.instance);
        let globals_after = globals_of(store, instance);
        let mem = memory0(store, instance);
        let mut r = lock(self.recorder);
        if let Some(before) = before {
            // Every chunk the host changed: entry contents from `before`, dirty for the
            // frames' current calls.
            let n = (before.len().max(mem.len()) as u32).div_ceil(CHUNK);
            for c in 0..n {
                let (s, e) = ((c * CHUNK) as usize, ((c + 1) * CHUNK) as usize);
                let old = before.get(s..e.min(before.len())).unwrap_or(&[]);
                let new = mem.get(s..e.min(mem.len())).unwrap_or(&[]);
                let changed = if old.len() == new.len() { old != new } else { new.iter().any(|&b| b != 0) };
                if changed {
                    r.touch(u32::MAX, c..=c, true, &before);
                }
            }
        }
        let Some(frame) = r.frames.last_mut().filter(|f| logs && f.live() && f.depth == self.depth) else {
            return result;
        };
        let Some(p) = frame.pending.take() else { return result };
        frame.last = [u32::MAX; 3];
        let globals: Vec<(u32, StateVal)> = globals_after
            .iter()
            .enumerate()
            .filter(|(i, v)| p.globals_before.get(*i) != Some(v))
            .map(|(i, v)| (i as u32, StateVal::from(*v)))
            .collect();
        let writes = runs(p.dirty.iter().copied(), mem, |_| None);
        frame.bytes += super::val_bytes(p.args.len() + globals.len() + 4);
        frame.calls.push(RecordedCall {
            target: p.target,
            args: p.args.iter().map(|&v| v.into()).collect(),
            outcome: Outcome::of(&result.clone().map_err(|t| t.code)),
            writes,
            memory_pages: (mem.len() / crate::store::PAGE_SIZE) as u32,
            globals,
        });
        let limit = r.opts.state_bytes;
        let frame = r.frames.last_mut().expect("still there");
        if frame.bytes > limit {
            frame.dropped = Some(format!("larger than --record-state-bytes ({limit})"));
        }
        result
    }
}

impl Env for RecordingEnv<'_> {
    fn memory(&mut self, mem: u32) -> &mut [u8] {
        self.inner.memory(mem)
    }
    fn memory_grow(&mut self, mem: u32, delta: u32) -> i32 {
        self.inner.memory_grow(mem, delta)
    }
    fn memory_init(&mut self, mem: u32, data: u32, dst: u32, src: u32, len: u32) -> Result<(), TrapCode> {
        self.inner.memory_init(mem, data, dst, src, len)
    }
    fn data_drop(&mut self, data: u32) {
        self.inner.data_drop(data)
    }
    fn global_get(&mut self, global: u32) -> Val {
        self.inner.global_get(global)
    }
    fn global_set(&mut self, global: u32, value: Val) {
        self.inner.global_set(global, value)
    }
    fn table_get(&mut self, table: u32, index: u32) -> Result<Val, TrapCode> {
        self.inner.table_get(table, index)
    }
    fn table_set(&mut self, table: u32, index: u32, value: Val) -> Result<(), TrapCode> {
        self.inner.table_set(table, index, value)
    }
    fn table_size(&mut self, table: u32) -> u32 {
        self.inner.table_size(table)
    }
    fn table_grow(&mut self, table: u32, init: Val, delta: u32) -> i32 {
        self.inner.table_grow(table, init, delta)
    }
    fn table_fill(&mut self, table: u32, dst: u32, value: Val, len: u32) -> Result<(), TrapCode> {
        self.inner.table_fill(table, dst, value, len)
    }
    fn table_copy(&mut self, dst_table: u32, src_table: u32, dst: u32, src: u32, len: u32) -> Result<(), TrapCode> {
        self.inner.table_copy(dst_table, src_table, dst, src, len)
    }
    fn table_init(&mut self, table: u32, elem: u32, dst: u32, src: u32, len: u32) -> Result<(), TrapCode> {
        self.inner.table_init(table, elem, dst, src, len)
    }
    fn elem_drop(&mut self, elem: u32) {
        self.inner.elem_drop(elem)
    }
    fn ref_func(&mut self, func: u32) -> Val {
        self.inner.ref_func(func)
    }

    fn call(&mut self, func: u32, args: &[Val]) -> Result<Vec<Val>, Trap> {
        if func == ACCESS_HOOK {
            self.hook(args);
            return Ok(Vec::new());
        }
        let f = self.inner.store.instance(self.inner.instance).funcs[func as usize];
        let host = self.is_host(f);
        self.around(CallTarget::Direct(func), args, host, |env| env.inner.call(func, args))
    }

    fn call_indirect(&mut self, table: u32, type_index: u32, index: u32, args: &[Val]) -> Result<Vec<Val>, Trap> {
        let host = match self.inner.table_get(table, index) {
            Ok(Val::FuncRef(Some(f))) => self.is_host(f),
            _ => false,
        };
        self.around(CallTarget::Indirect { table, type_index, index }, args, host, |env| {
            env.inner.call_indirect(table, type_index, index, args)
        })
    }
}
