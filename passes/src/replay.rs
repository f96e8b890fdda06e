//! Translation validation on recorded program states (`wlab run --record`): replays each
//! [`RecordedState`] on a function before and after a pass and compares what they do.
//!
//! A replay starts from the state's entry: its arguments, memory 0 of the recorded size
//! holding the recorded bytes (zeros elsewhere), its globals and tables. Every call the
//! function makes is answered from the recording, in order: when the target and the
//! arguments are the recorded ones, the call "returns" the recorded outcome and leaves
//! behind what it left in the recording (memory bytes, memory size, globals); a call
//! that differs gets a trap and the replay is marked as diverged.
//!
//! A state is **conclusive** for a pass when the function before the pass replays it
//! faithfully (within [`STATE_FUEL`], every call as recorded, none missing, the recorded
//! outcome) and the function after it finishes within [`STATE_FUEL`]. Then the two runs'
//! outcomes, calls (targets and arguments, in order), final memories, globals, tables
//! and dropped segments are compared: any difference is a [`Mismatch`]. A state that
//! does not replay on the function before (a recording of another module, `memory.init`,
//! which needs data segments the recording does not hold) is inconclusive, never a
//! match. This file never changes the functions or the states it is given.

use crate::validate::{instrument_fuel, Mismatch, FUEL_FUNC};
use std::collections::BTreeSet;
use wlab_ir::interp::state::{to_vals, CallTarget, RecordedCall, RecordedState};
use wlab_ir::interp::{call_function, Env, FuncRef, Trap, Val};
use wlab_ir::{Function, TrapCode};

/// Block entries one replay may execute before it is stopped as inconclusive.
pub const STATE_FUEL: u64 = 2_000_000;

const PAGE: usize = 65536;

/// How many states were replayed, and how many were conclusive (see the module docs).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct StatesReport {
    pub trials: usize,
    pub conclusive: usize,
}

/// Replays `states` on `before` and `after`; `Err` on the first conclusive state on which
/// they differ (its `trial` is the state's position, `what` names the recorded call).
pub fn validate_states(
    before: &Function,
    after: &Function,
    states: &[RecordedState],
) -> Result<StatesReport, Mismatch> {
    let mut report = StatesReport { trials: states.len(), conclusive: 0 };
    let (ib, ia) = (instrument_fuel(before), instrument_fuel(after));
    for (k, state) in states.iter().enumerate() {
        let Some(want) = state.outcome.to_result() else { continue };
        if state.args.len() != before.signature.params.len() {
            continue;
        }
        let ob = replay(&ib, state);
        if !ob.faithful(state, &want) {
            continue;
        }
        let oa = replay(&ia, state);
        if oa.out_of_fuel || oa.unsupported {
            continue;
        }
        report.conclusive += 1;
        if let Some(what) = ob.difference(&oa) {
            return Err(Mismatch {
                trial: k,
                args: to_vals(&state.args),
                what: format!("recorded state {k} (call {} of the function): {what}", state.call),
            });
        }
    }
    Ok(report)
}

/// The environment of one replay. See the module docs.
struct ReplayEnv<'s> {
    state: &'s RecordedState,
    memory: Vec<u8>,
    globals: Vec<Val>,
    tables: Vec<Vec<Val>>,
    dropped: BTreeSet<String>,
    /// Calls made, in order.
    log: Vec<(CallTarget, Vec<Val>)>,
    next: usize,
    diverged: bool,
    unsupported: bool,
    fuel: u64,
    out_of_fuel: bool,
}

impl<'s> ReplayEnv<'s> {
    fn new(state: &'s RecordedState) -> Self {
        let mut memory = vec![0u8; state.memory_pages as usize * PAGE];
        let mut bad = false;
        for b in &state.memory {
            write_bytes(&mut memory, b, &mut bad);
        }
        ReplayEnv {
            state,
            memory,
            globals: to_vals(&state.globals),
            tables: state.tables.iter().map(|t| to_vals(t)).collect(),
            dropped: BTreeSet::new(),
            log: Vec::new(),
            next: 0,
            diverged: false,
            unsupported: bad,
            fuel: STATE_FUEL,
            out_of_fuel: false,
        }
    }

    fn answer(&mut self, target: CallTarget, args: &[Val]) -> Result<Vec<Val>, Trap> {
        self.log.push((target, args.to_vec()));
        let rec: Option<&RecordedCall> = self.state.calls.get(self.next);
        let Some(rec) = rec.filter(|r| r.target == target && same_vals(&to_vals(&r.args), args)) else {
            self.diverged = true;
            return Err(Trap::new(TrapCode::Unreachable));
        };
        self.next += 1;
        self.memory.resize(rec.memory_pages as usize * PAGE, 0);
        let mut bad = false;
        for b in &rec.writes {
            write_bytes(&mut self.memory, b, &mut bad);
        }
        self.unsupported |= bad;
        for (g, v) in rec.globals.iter().cloned() {
            if let Some(slot) = self.globals.get_mut(g as usize) {
                *slot = v.into();
            }
        }
        match rec.outcome.to_result() {
            Some(Ok(v)) => Ok(v),
            Some(Err(code)) => Err(Trap::new(code)),
            None => {
                self.unsupported = true;
                Err(Trap::new(TrapCode::Unreachable))
            }
        }
    }

    fn table(&mut self, t: u32) -> Result<&mut Vec<Val>, TrapCode> {
        self.tables.get_mut(t as usize).ok_or(TrapCode::TableOutOfBounds)
    }
}

fn write_bytes(memory: &mut [u8], b: &wlab_ir::interp::state::Bytes, bad: &mut bool) {
    match b.decode() {
        Some(bytes) if b.addr as usize + bytes.len() <= memory.len() => {
            memory[b.addr as usize..b.addr as usize + bytes.len()].copy_from_slice(&bytes)
        }
        _ => *bad = true,
    }
}

fn range_ok(start: u32, len: u32, size: usize) -> bool {
    start as u64 + len as u64 <= size as u64
}

impl Env for ReplayEnv<'_> {
    fn memory(&mut self, mem: u32) -> &mut [u8] {
        if mem != 0 {
            self.unsupported = true;
            return &mut [];
        }
        &mut self.memory
    }

    fn memory_grow(&mut self, mem: u32, delta: u32) -> i32 {
        let old = (self.memory.len() / PAGE) as u32;
        if mem != 0 || old as u64 + delta as u64 > self.state.memory_max_pages as u64 {
            return -1;
        }
        self.memory.resize((old + delta) as usize * PAGE, 0);
        old as i32
    }

    fn memory_init(&mut self, _mem: u32, _data: u32, _dst: u32, _src: u32, _len: u32) -> Result<(), TrapCode> {
        self.unsupported = true;
        Err(TrapCode::MemoryOutOfBounds)
    }

    fn data_drop(&mut self, data: u32) {
        self.dropped.insert(format!("data{data}"));
    }

    fn global_get(&mut self, global: u32) -> Val {
        match self.globals.get(global as usize) {
            Some(v) => *v,
            None => {
                self.unsupported = true;
                Val::I32(0)
            }
        }
    }

    fn global_set(&mut self, global: u32, value: Val) {
        match self.globals.get_mut(global as usize) {
            Some(slot) => *slot = value,
            None => self.unsupported = true,
        }
    }

    fn table_get(&mut self, table: u32, index: u32) -> Result<Val, TrapCode> {
        self.table(table)?.get(index as usize).copied().ok_or(TrapCode::TableOutOfBounds)
    }

    fn table_set(&mut self, table: u32, index: u32, value: Val) -> Result<(), TrapCode> {
        let slot = self.table(table)?.get_mut(index as usize).ok_or(TrapCode::TableOutOfBounds)?;
        *slot = value;
        Ok(())
    }

    fn table_size(&mut self, table: u32) -> u32 {
        self.table(table).map_or(0, |t| t.len() as u32)
    }

    fn table_grow(&mut self, _table: u32, _init: Val, _delta: u32) -> i32 {
        self.unsupported = true;
        -1
    }

    fn table_fill(&mut self, table: u32, dst: u32, value: Val, len: u32) -> Result<(), TrapCode> {
        let t = self.table(table)?;
        if !range_ok(dst, len, t.len()) {
            return Err(TrapCode::TableOutOfBounds);
        }
        t[dst as usize..(dst + len) as usize].fill(value);
        Ok(())
    }

    fn table_copy(&mut self, dst_table: u32, src_table: u32, dst: u32, src: u32, len: u32) -> Result<(), TrapCode> {
        let src_vals = self.table(src_table)?.clone();
        let d = self.table(dst_table)?;
        if !range_ok(src, len, src_vals.len()) || !range_ok(dst, len, d.len()) {
            return Err(TrapCode::TableOutOfBounds);
        }
        d[dst as usize..(dst + len) as usize].copy_from_slice(&src_vals[src as usize..(src + len) as usize]);
        Ok(())
    }

    fn table_init(&mut self, _table: u32, _elem: u32, _dst: u32, _src: u32, _len: u32) -> Result<(), TrapCode> {
        self.unsupported = true;
        Err(TrapCode::TableOutOfBounds)
    }

    fn elem_drop(&mut self, elem: u32) {
        self.dropped.insert(format!("elem{elem}"));
    }

    fn ref_func(&mut self, func: u32) -> Val {
        Val::FuncRef(Some(FuncRef(func)))
    }

    fn call(&mut self, func: u32, args: &[Val]) -> Result<Vec<Val>, Trap> {
        if func == FUEL_FUNC {
            if self.fuel == 0 {
                self.out_of_fuel = true;
                return Err(Trap::new(TrapCode::StackOverflow));
            }
            self.fuel -= 1;
            return Ok(Vec::new());
        }
        self.answer(CallTarget::Direct(func), args)
    }

    fn call_indirect(&mut self, table: u32, type_index: u32, index: u32, args: &[Val]) -> Result<Vec<Val>, Trap> {
        self.answer(CallTarget::Indirect { table, type_index, index }, args)
    }
}

/// What one replay did.
struct Replayed {
    result: Result<Vec<Val>, TrapCode>,
    memory: Vec<u8>,
    globals: Vec<Val>,
    tables: Vec<Vec<Val>>,
    dropped: BTreeSet<String>,
    log: Vec<(CallTarget, Vec<Val>)>,
    calls_left: usize,
    diverged: bool,
    unsupported: bool,
    out_of_fuel: bool,
}

fn replay(func: &Function, state: &RecordedState) -> Replayed {
    let mut env = ReplayEnv::new(state);
    let args = to_vals(&state.args);
    let typed = func.entry().is_some_and(|e| {
        let params = func.block_params(e);
        params.len() == args.len() && params.iter().zip(&args).all(|(&p, a)| func.value_type(p) == a.ty())
    });
    let result =
        if typed { call_function(func, &args, &mut env).map_err(|t| t.code) } else { Err(TrapCode::Unreachable) };
    Replayed {
        result,
        calls_left: state.calls.len() - env.next,
        memory: env.memory,
        globals: env.globals,
        tables: env.tables,
        dropped: env.dropped,
        log: env.log,
        diverged: env.diverged,
        unsupported: env.unsupported || !typed,
        out_of_fuel: env.out_of_fuel,
    }
}

fn same_val(a: &Val, b: &Val) -> bool {
    match (a, b) {
        (Val::F32(x), Val::F32(y)) => x == y || (f32::from_bits(*x).is_nan() && f32::from_bits(*y).is_nan()),
        (Val::F64(x), Val::F64(y)) => x == y || (f64::from_bits(*x).is_nan() && f64::from_bits(*y).is_nan()),
        _ => a == b,
    }
}

fn same_vals(a: &[Val], b: &[Val]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same_val(x, y))
}

fn same_result(a: &Result<Vec<Val>, TrapCode>, b: &Result<Vec<Val>, TrapCode>) -> bool {
    match (a, b) {
        (Ok(x), Ok(y)) => same_vals(x, y),
        (Err(x), Err(y)) => x == y,
        _ => false,
    }
}

fn show_result(r: &Result<Vec<Val>, TrapCode>) -> String {
    match r {
        Ok(v) => format!("[{}]", v.iter().map(|v| v.to_string()).collect::<Vec<_>>().join(", ")),
        Err(t) => format!("trap `{}`", t.message()),
    }
}

fn show_call(c: &(CallTarget, Vec<Val>)) -> String {
    let args = c.1.iter().map(|v| v.to_string()).collect::<Vec<_>>().join(", ");
    match c.0 {
        CallTarget::Direct(f) => format!("fn{f}({args})"),
        CallTarget::Indirect { table, type_index, index } => {
            format!("table{table}[{index}] as type{type_index}({args})")
        }
    }
}

impl Replayed {
    /// The run before the pass did exactly what was recorded.
    fn faithful(&self, state: &RecordedState, want: &Result<Vec<Val>, TrapCode>) -> bool {
        let _ = state;
        !self.out_of_fuel
            && !self.unsupported
            && !self.diverged
            && self.calls_left == 0
            && same_result(&self.result, want)
    }

    /// The first observable difference (before = self, after = other).
    fn difference(&self, other: &Replayed) -> Option<String> {
        for (k, (a, b)) in self.log.iter().zip(&other.log).enumerate() {
            if a.0 != b.0 || !same_vals(&a.1, &b.1) {
                return Some(format!("call #{k} differs: before {}, after {}", show_call(a), show_call(b)));
            }
        }
        if self.log.len() != other.log.len() {
            return Some(format!("number of calls differs: before {}, after {}", self.log.len(), other.log.len()));
        }
        if !same_result(&self.result, &other.result) {
            return Some(format!(
                "results differ: before {}, after {}",
                show_result(&self.result),
                show_result(&other.result)
            ));
        }
        if self.memory.len() != other.memory.len() {
            return Some(format!(
                "memory size differs: before {} pages, after {}",
                self.memory.len() / PAGE,
                other.memory.len() / PAGE
            ));
        }
        if let Some(at) = self.memory.iter().zip(&other.memory).position(|(x, y)| x != y) {
            return Some(format!(
                "memory differs at byte {at}: before {}, after {}",
                self.memory[at], other.memory[at]
            ));
        }
        for (g, (a, b)) in self.globals.iter().zip(&other.globals).enumerate() {
            if !same_val(a, b) {
                return Some(format!("global g{g} differs: before {a}, after {b}"));
            }
        }
        if self.tables != other.tables {
            return Some("tables differ".into());
        }
        if self.dropped != other.dropped {
            return Some(format!("dropped segments differ: before {:?}, after {:?}", self.dropped, other.dropped));
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::B;
    use wlab_ir::interp::state::{Bytes, Outcome, StateVal};
    use wlab_ir::{Imm, InstData, MemArg, Opcode, Signature, Type::I32};

    /// `v = load [p]; w = load [v]; r = call fn3(w); return r - k` (or `k - r`): a pointer
    /// chase through memory, then a call.
    fn chase(swapped: bool) -> Function {
        let (mut b, v) = B::new(&[I32], &[I32]);
        b.f.callees.insert(3, Signature::new(vec![I32], vec![I32]));
        let b0 = b.b(0);
        let load = |b: &mut B, p| {
            let d =
                InstData::new(Opcode::Load, Some(I32), vec![p], Imm::Mem(MemArg { offset: 0, align: 2, memory: 0 }));
            let i = b.f.append_inst(b0, d, &[I32]);
            b.f.inst(i).results[0]
        };
        let first = load(&mut b, v[0]);
        let second = load(&mut b, first);
        let call = b.f.append_inst(b0, InstData::new(Opcode::Call, None, vec![second], Imm::Func(3)), &[I32]);
        let r = b.f.inst(call).results[0];
        let k = b.iconst(b0, I32, 7);
        let (x, y) = if swapped { (k, r) } else { (r, k) };
        let s = b.op(b0, Opcode::Isub, I32, &[x, y]);
        b.ret(b0, &[s]);
        b.f
    }

    /// Memory: [100] = 200, [200] = 5; the call fn3(5) returned 50.
    fn state() -> RecordedState {
        RecordedState {
            call: 1,
            args: vec![StateVal::I32(100)],
            memory_pages: 1,
            memory_max_pages: 1,
            memory: vec![Bytes::new(100, &200u32.to_le_bytes()), Bytes::new(200, &5u32.to_le_bytes())],
            globals: Vec::new(),
            tables: Vec::new(),
            calls: vec![RecordedCall {
                target: CallTarget::Direct(3),
                args: vec![StateVal::I32(5)],
                outcome: Outcome::Results(vec![StateVal::I32(50)]),
                writes: Vec::new(),
                memory_pages: 1,
                globals: Vec::new(),
            }],
            outcome: Outcome::Results(vec![StateVal::I32(43)]),
        }
    }

    #[test]
    fn a_recorded_state_replays_and_catches_what_random_trials_cannot() {
        let (good, bad) = (chase(false), chase(true));
        assert_eq!(validate_states(&good, &good, &[state()]), Ok(StatesReport { trials: 1, conclusive: 1 }));
        let m = validate_states(&good, &bad, &[state()]).unwrap_err();
        assert_eq!(
            m.what,
            "recorded state 0 (call 1 of the function): results differ: before [i32:43], after [i32:-43]"
        );
        // Random pointers into random memory: every trial traps alike, none is conclusive.
        let r = crate::validate::validate(&good, &bad, 16).unwrap();
        assert_eq!((r.compared, r.inconclusive), (0, 16));
    }

    #[test]
    fn a_state_that_does_not_replay_on_the_function_before_is_inconclusive() {
        let mut s = state();
        s.outcome = Outcome::Results(vec![StateVal::I32(44)]);
        assert_eq!(validate_states(&chase(false), &chase(true), &[s]), Ok(StatesReport { trials: 1, conclusive: 0 }));
        let mut s = state();
        s.calls[0].args = vec![StateVal::I32(6)];
        assert_eq!(validate_states(&chase(false), &chase(true), &[s]), Ok(StatesReport { trials: 1, conclusive: 0 }));
    }
}
