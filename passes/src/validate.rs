//! Translation validation: runs a function before and after a pass on the same inputs
//! with the IR interpreter, and reports the first input on which they differ.
//!
//! Each trial builds the same small instance for both runs ([`TestEnv`]): memories of
//! [`MEMORY_PAGES`] pages filled with pseudo-random bytes (growable up to
//! [`MEMORY_MAX_PAGES`]), globals and tables with deterministic contents, and calls to
//! other functions that return values derived from their arguments and the state they
//! can see, write a few bytes of memory, now and then trap, and are logged. Arguments
//! are edge values first (0, 1, -1, MIN, MAX, NaN, ±inf, -0), then pseudo-random.
//! Compared: results (any NaN equals any NaN: wasm lets arithmetic choose the payload),
//! trap codes, final memories, globals, tables, dropped segments and the call log.
//!
//! A trial is **conclusive** when both runs finished within fuel and it is not a pair of
//! identical bad-access traps (out-of-bounds memory or table, null or undefined
//! indirect-call entry) with no other difference: random pointers into a random memory
//! trap before and after alike, and two such traps say nothing about the pass. A
//! difference found in any trial, conclusive or not, is a mismatch. Recorded program
//! states (`wlab run --record`) are replayed by [`crate::replay`], in addition.
//!
//! Fuel: the interpreter has no step limit, so both functions are run instrumented —
//! every block starts with a call to a reserved function index ([`FUEL_FUNC`]) that the
//! environment counts; at [`FUEL_PER_RUN`] it traps and the trial is inconclusive
//! (never a match, never a mismatch). This file never changes the functions it is given.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use wlab_ir::interp::{call_function, Env, FuncRef, Trap, Val};
use wlab_ir::{Function, Imm, InstData, Opcode, Signature, TrapCode, Type};

/// Pages each memory starts with.
pub const MEMORY_PAGES: u32 = 1;
/// `memory_grow` fails beyond this many pages.
pub const MEMORY_MAX_PAGES: u32 = 4;
/// Entries each table starts with.
pub const TABLE_SIZE: u32 = 8;
/// `table_grow` fails beyond this many entries.
pub const TABLE_MAX: u32 = 64;
/// Block entries a run may execute before it is stopped as inconclusive.
pub const FUEL_PER_RUN: u64 = 20_000;
/// The function index the fuel instrumentation calls (no wasm module has this many).
pub const FUEL_FUNC: u32 = u32::MAX;
/// Calls whose log entry hashes all of memory; later calls hash a sample (cost bound).
const FULL_HASH_CALLS: usize = 256;

const PAGE: usize = 65536;

/// The first difference found, with the input that shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct Mismatch {
    pub trial: usize,
    pub args: Vec<Val>,
    /// What differs, e.g. `results: before [i32:1], after [i32:2]`.
    pub what: String,
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "trial {} with args (", self.trial)?;
        for (i, a) in self.args.iter().enumerate() {
            if i > 0 {
                write!(f, ", ")?;
            }
            write!(f, "{a}")?;
        }
        write!(f, "): {}", self.what)
    }
}

impl std::error::Error for Mismatch {}

/// How a validation went when no difference was found.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct ValidationReport {
    /// Random trials run.
    pub trials: usize,
    /// Random trials that were conclusive (see the module docs) and matched.
    pub compared: usize,
    /// Random trials that were not: a run ran out of fuel, or both trapped alike on a
    /// bad access. Neither a match nor a mismatch.
    pub inconclusive: usize,
    /// Recorded states replayed, and how many were conclusive (`crate::replay`).
    pub states: crate::replay::StatesReport,
}

impl ValidationReport {
    /// Trials of both kinds that were conclusive.
    pub fn conclusive(&self) -> usize {
        self.compared + self.states.conclusive
    }
}

/// Traps that random pointers and indices cause before and after a pass alike.
fn bad_access(t: TrapCode) -> bool {
    matches!(
        t,
        TrapCode::MemoryOutOfBounds
            | TrapCode::TableOutOfBounds
            | TrapCode::IndirectCallNull
            | TrapCode::UndefinedElement
    )
}

/// Runs `before` and `after` on `trials` generated inputs; `Err` on the first
/// difference. Both must have the same signature.
pub fn check_equivalent(before: &Function, after: &Function, trials: usize) -> Result<(), Mismatch> {
    validate(before, after, trials).map(|_| ())
}

/// Like [`check_equivalent`], and says how many trials were conclusive.
pub fn validate(before: &Function, after: &Function, trials: usize) -> Result<ValidationReport, Mismatch> {
    validate_with_states(before, after, trials, &[])
}

/// [`validate`], then the recorded `states` of the function replayed on both
/// ([`crate::replay::validate_states`]).
pub fn validate_with_states(
    before: &Function,
    after: &Function,
    trials: usize,
    states: &[wlab_ir::interp::state::RecordedState],
) -> Result<ValidationReport, Mismatch> {
    let mut report = ValidationReport { trials, ..Default::default() };
    if before.signature != after.signature {
        return Err(Mismatch {
            trial: 0,
            args: Vec::new(),
            what: format!("signatures differ: before {}, after {}", before.signature, after.signature),
        });
    }
    let shape = Shape::of(&[before, after]);
    let (ib, ia) = (instrument_fuel(before), instrument_fuel(after));
    for trial in 0..trials {
        let args = gen_args(&before.signature.params, trial);
        let seed = 0x5eed_0000 + trial as u64;
        let ob = run_one(&ib, &args, &shape, seed);
        let oa = run_one(&ia, &args, &shape, seed);
        if ob.out_of_fuel || oa.out_of_fuel {
            report.inconclusive += 1;
            continue;
        }
        if let Some(what) = ob.difference(&oa) {
            return Err(Mismatch { trial, args, what });
        }
        match (&ob.result, &oa.result) {
            (Err(a), Err(b)) if a == b && bad_access(*a) => report.inconclusive += 1,
            _ => report.compared += 1,
        }
    }
    if !states.is_empty() {
        report.states = crate::replay::validate_states(before, after, states)?;
    }
    Ok(report)
}

/// Runs `func` once on `args` in the instance trial `seed` would use (no fuel limit
/// beyond [`FUEL_PER_RUN`]: `None` when it ran out). For tests that compare exact bits.
pub fn run_isolated(func: &Function, args: &[Val], seed: u64) -> Option<Result<Vec<Val>, TrapCode>> {
    let shape = Shape::of(&[func]);
    let o = run_one(&instrument_fuel(func), args, &shape, seed);
    (!o.out_of_fuel).then_some(o.result)
}

/// A copy of `func` whose every block starts with `call FUEL_FUNC()`.
pub(crate) fn instrument_fuel(func: &Function) -> Function {
    let mut f = func.clone();
    f.callees.insert(FUEL_FUNC, Signature::default());
    for b in f.layout.clone() {
        let i = f.make_inst(InstData::new(Opcode::Call, None, Vec::new(), Imm::Func(FUEL_FUNC)), &[]);
        f.blocks[b.index()].insts.insert(0, i);
    }
    f
}

/// What the functions declare about the instance: global and table types, memories,
/// callee signatures (the union over the functions compared).
#[derive(Clone, Debug, Default)]
struct Shape {
    globals: BTreeMap<u32, Type>,
    tables: BTreeMap<u32, Type>,
    memories: u32,
    callees: BTreeMap<u32, Signature>,
    /// Callees marked `no_memory_writes`: their stand-ins leave memory alone.
    no_memory_writes: BTreeSet<u32>,
    types: BTreeMap<u32, Signature>,
}

impl Shape {
    fn of(funcs: &[&Function]) -> Shape {
        let mut s = Shape::default();
        for f in funcs {
            s.callees.extend(f.callees.iter().map(|(k, v)| (*k, v.clone())));
            s.no_memory_writes.extend(f.no_memory_writes.iter().copied());
            s.types.extend(f.types.iter().map(|(k, v)| (*k, v.clone())));
            for (_, i) in f.layout_insts() {
                let d = f.inst(i);
                let arg_ty = |n: usize| d.args.get(n).map(|&v| f.value_type(v));
                match (d.opcode, d.imm) {
                    (Opcode::GlobalGet, Imm::Global(g)) => {
                        if let Some(t) = d.ty {
                            s.globals.insert(g, t);
                        }
                    }
                    (Opcode::GlobalSet, Imm::Global(g)) => {
                        if let Some(t) = d.ty.or(arg_ty(0)) {
                            s.globals.insert(g, t);
                        }
                    }
                    (Opcode::TableGet, Imm::Table(t)) => {
                        if let Some(ty) = d.ty {
                            s.tables.insert(t, ty);
                        }
                    }
                    (Opcode::TableSet, Imm::Table(t)) | (Opcode::TableFill, Imm::Table(t)) => {
                        if let Some(ty) = arg_ty(1) {
                            s.tables.insert(t, ty);
                        }
                    }
                    (Opcode::TableGrow, Imm::Table(t)) => {
                        if let Some(ty) = arg_ty(0) {
                            s.tables.insert(t, ty);
                        }
                    }
                    (Opcode::TableSize, Imm::Table(t)) => {
                        s.tables.entry(t).or_insert(Type::FuncRef);
                    }
                    (Opcode::TableCopy, Imm::TableCopy { dst, src }) => {
                        s.tables.entry(dst).or_insert(Type::FuncRef);
                        s.tables.entry(src).or_insert(Type::FuncRef);
                    }
                    (Opcode::TableInit, Imm::TableInit { table, .. })
                    | (Opcode::CallIndirect, Imm::CallIndirect { table, .. }) => {
                        s.tables.entry(table).or_insert(Type::FuncRef);
                    }
                    (_, Imm::Mem(m)) => s.memories = s.memories.max(m.memory + 1),
                    (_, Imm::Memory(m)) => s.memories = s.memories.max(m + 1),
                    (_, Imm::MemoryCopy { dst, src }) => s.memories = s.memories.max(dst.max(src) + 1),
                    (_, Imm::MemoryInit { memory, .. }) => s.memories = s.memories.max(memory + 1),
                    _ => {}
                }
            }
        }
        s
    }
}

/// splitmix64: a small deterministic generator.
#[derive(Clone, Debug)]
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

fn mix(h: u64, x: u64) -> u64 {
    Rng(h ^ x.wrapping_mul(0x100_0000_01b3)).next()
}

/// Deterministic arguments for a trial: edge values first, then pseudo-random values
/// (half of them small, so addresses and counts often make sense).
pub fn gen_args(params: &[Type], trial: usize) -> Vec<Val> {
    let mut rng = Rng(0xa5a5_0000 ^ (trial as u64) << 8);
    params
        .iter()
        .enumerate()
        .map(|(n, &ty)| {
            let pick = trial + 3 * n;
            let r = rng.next();
            let small = r % 64;
            let edge = trial < 8;
            match ty {
                Type::I32 => {
                    const E: [i32; 8] = [0, 1, -1, i32::MIN, i32::MAX, 2, 16, 100];
                    Val::I32(if edge {
                        E[pick % E.len()]
                    } else if r & 1 == 0 {
                        small as i32
                    } else {
                        (r >> 16) as i32
                    })
                }
                Type::I64 => {
                    const E: [i64; 8] = [0, 1, -1, i64::MIN, i64::MAX, 2, 16, 100];
                    Val::I64(if edge {
                        E[pick % E.len()]
                    } else if r & 1 == 0 {
                        small as i64
                    } else {
                        r as i64
                    })
                }
                Type::F32 => {
                    const E: [f32; 8] = [0.0, 1.0, -1.0, f32::MIN, f32::MAX, f32::NAN, f32::INFINITY, -0.0];
                    Val::F32(if edge {
                        E[pick % E.len()].to_bits()
                    } else if r & 1 == 0 {
                        (small as f32 - 32.0).to_bits()
                    } else {
                        (r >> 32) as u32
                    })
                }
                Type::F64 => {
                    const E: [f64; 8] = [0.0, 1.0, -1.0, f64::MIN, f64::MAX, f64::NAN, f64::INFINITY, -0.0];
                    Val::F64(if edge {
                        E[pick % E.len()].to_bits()
                    } else if r & 1 == 0 {
                        (small as f64 - 32.5).to_bits()
                    } else {
                        r
                    })
                }
                Type::FuncRef => {
                    Val::FuncRef(if pick.is_multiple_of(2) { None } else { Some(FuncRef(pick as u32 % 5)) })
                }
                Type::ExternRef => Val::ExternRef(if pick.is_multiple_of(2) { None } else { Some(pick as u32 % 5) }),
                Type::V128 => {
                    let hi = rng.next();
                    Val::V128(if edge { [pick as u8; 16] } else { ((hi as u128) << 64 | r as u128).to_le_bytes() })
                }
            }
        })
        .collect()
}

fn zero_or_seeded(ty: Type, h: u64) -> Val {
    match ty {
        Type::I32 => Val::I32(h as i32),
        Type::I64 => Val::I64(h as i64),
        Type::F32 => Val::F32(((h % 2000) as f32 - 1000.0).to_bits()),
        Type::F64 => Val::F64(((h % 2000) as f64 - 1000.25).to_bits()),
        Type::FuncRef => Val::FuncRef(if h.is_multiple_of(3) { None } else { Some(FuncRef((h % 7) as u32)) }),
        Type::ExternRef => Val::ExternRef(if h.is_multiple_of(3) { None } else { Some((h % 7) as u32) }),
        Type::V128 => Val::V128(((h as u128) << 64 | h.rotate_left(17) as u128).to_le_bytes()),
    }
}

fn val_hash(v: &Val) -> u64 {
    match *v {
        Val::I32(x) => x as u32 as u64,
        Val::I64(x) => x as u64,
        Val::F32(b) => {
            if f32::from_bits(b).is_nan() {
                1
            } else {
                b as u64
            }
        }
        Val::F64(b) => {
            if f64::from_bits(b).is_nan() {
                1
            } else {
                b
            }
        }
        Val::FuncRef(r) => r.map_or(u64::MAX, |r| r.0 as u64),
        Val::ExternRef(r) => r.map_or(u64::MAX - 1, |r| r as u64),
        Val::V128(b) => {
            let x = u128::from_le_bytes(b);
            (x as u64) ^ ((x >> 64) as u64).rotate_left(1)
        }
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

fn show(vals: &[Val]) -> String {
    format!("[{}]", vals.iter().map(|v| v.to_string()).collect::<Vec<_>>().join(", "))
}

/// One logged call: target, arguments and a hash of the state it could see.
#[derive(Clone, Debug, PartialEq)]
struct CallRecord {
    target: String,
    args: Vec<Val>,
    state: u64,
}

/// The instance of one run. See the module docs.
struct TestEnv<'s> {
    shape: &'s Shape,
    seed: u64,
    memories: Vec<Vec<u8>>,
    globals: BTreeMap<u32, Val>,
    tables: BTreeMap<u32, Vec<Val>>,
    dropped: BTreeSet<String>,
    calls: Vec<CallRecord>,
    fuel: u64,
    out_of_fuel: bool,
}

impl<'s> TestEnv<'s> {
    fn new(shape: &'s Shape, seed: u64) -> Self {
        let mut rng = Rng(seed);
        let memories = (0..shape.memories)
            .map(|_| {
                let mut m = vec![0u8; MEMORY_PAGES as usize * PAGE];
                for chunk in m.chunks_mut(8) {
                    let r = rng.next().to_le_bytes();
                    chunk.copy_from_slice(&r[..chunk.len()]);
                }
                m
            })
            .collect();
        let globals =
            shape.globals.iter().map(|(&g, &ty)| (g, zero_or_seeded(ty, mix(seed, 1000 + g as u64)))).collect();
        let tables = shape
            .tables
            .iter()
            .map(|(&t, &ty)| {
                (t, (0..TABLE_SIZE).map(|i| zero_or_seeded(ty, mix(seed, 2000 + t as u64 * 64 + i as u64))).collect())
            })
            .collect();
        TestEnv {
            shape,
            seed,
            memories,
            globals,
            tables,
            dropped: BTreeSet::new(),
            calls: Vec::new(),
            fuel: FUEL_PER_RUN,
            out_of_fuel: false,
        }
    }

    fn state_hash(&self) -> u64 {
        let mut h = self.seed;
        let full = self.calls.len() < FULL_HASH_CALLS;
        for m in &self.memories {
            h = mix(h, m.len() as u64);
            let step = if full { 8 } else { 4096 };
            let mut i = 0;
            while i + 8 <= m.len() {
                h = h.rotate_left(5)
                    ^ u64::from_le_bytes(m[i..i + 8].try_into().expect("8 bytes")).wrapping_mul(0x9e37_79b9);
                i += step;
            }
        }
        for v in self.globals.values() {
            h = mix(h, val_hash(v));
        }
        for t in self.tables.values() {
            for v in t {
                h = mix(h, val_hash(v));
            }
        }
        h
    }

    /// A call to something outside the function: logged; traps once in 32; otherwise
    /// writes 8 bytes of memory 0 (unless `writes_memory` is false: a callee marked
    /// `no_memory_writes`) and returns results from the arguments and the visible state.
    fn outside_call(
        &mut self,
        target: String,
        sig: Option<&Signature>,
        writes_memory: bool,
        args: &[Val],
    ) -> Result<Vec<Val>, Trap> {
        let state = self.state_hash();
        let mut h = mix(self.seed, state);
        for c in target.bytes() {
            h = mix(h, c as u64);
        }
        for a in args {
            h = mix(h, val_hash(a));
        }
        self.calls.push(CallRecord { target, args: args.to_vec(), state });
        if h.is_multiple_of(32) {
            return Err(Trap::new(TrapCode::Unreachable));
        }
        if let Some(m) = self.memories.first_mut().filter(|_| writes_memory) {
            if m.len() >= 8 {
                let at = (h >> 8) as usize % (m.len() - 7);
                m[at..at + 8].copy_from_slice(&h.to_le_bytes());
            }
        }
        let results = sig.map(|s| s.results.clone()).unwrap_or_default();
        Ok(results.iter().enumerate().map(|(n, &ty)| zero_or_seeded(ty, mix(h, n as u64))).collect())
    }

    fn table(&mut self, t: u32) -> &mut Vec<Val> {
        self.tables.entry(t).or_default()
    }
}

fn range_ok(start: u32, len: u32, size: usize) -> bool {
    start as u64 + len as u64 <= size as u64
}

impl Env for TestEnv<'_> {
    fn memory(&mut self, mem: u32) -> &mut [u8] {
        let n = self.memories.len();
        if mem as usize >= n {
            self.memories.resize(mem as usize + 1, Vec::new());
        }
        &mut self.memories[mem as usize]
    }

    fn memory_grow(&mut self, mem: u32, delta: u32) -> i32 {
        let old = (self.memory(mem).len() / PAGE) as u32;
        if old as u64 + delta as u64 > MEMORY_MAX_PAGES as u64 {
            return -1;
        }
        let idx = mem as usize;
        self.memories[idx].resize((old + delta) as usize * PAGE, 0);
        old as i32
    }

    fn memory_init(&mut self, mem: u32, data: u32, dst: u32, src: u32, len: u32) -> Result<(), TrapCode> {
        let seg_len = if self.dropped.contains(&format!("data{data}")) { 0 } else { 32 };
        let seed = self.seed;
        let m = self.memory(mem);
        if !range_ok(src, len, seg_len) || !range_ok(dst, len, m.len()) {
            return Err(TrapCode::MemoryOutOfBounds);
        }
        for k in 0..len {
            m[(dst + k) as usize] = mix(seed ^ 0xda7a, data as u64 * 64 + (src + k) as u64) as u8;
        }
        Ok(())
    }

    fn data_drop(&mut self, data: u32) {
        self.dropped.insert(format!("data{data}"));
    }

    fn global_get(&mut self, global: u32) -> Val {
        let ty = self.shape.globals.get(&global).copied().unwrap_or(Type::I32);
        let seed = self.seed;
        *self.globals.entry(global).or_insert_with(|| zero_or_seeded(ty, mix(seed, 1000 + global as u64)))
    }

    fn global_set(&mut self, global: u32, value: Val) {
        self.globals.insert(global, value);
    }

    fn table_get(&mut self, table: u32, index: u32) -> Result<Val, TrapCode> {
        self.table(table).get(index as usize).copied().ok_or(TrapCode::TableOutOfBounds)
    }

    fn table_set(&mut self, table: u32, index: u32, value: Val) -> Result<(), TrapCode> {
        let t = self.table(table);
        let slot = t.get_mut(index as usize).ok_or(TrapCode::TableOutOfBounds)?;
        *slot = value;
        Ok(())
    }

    fn table_size(&mut self, table: u32) -> u32 {
        self.table(table).len() as u32
    }

    fn table_grow(&mut self, table: u32, init: Val, delta: u32) -> i32 {
        let t = self.table(table);
        let old = t.len() as u32;
        if old as u64 + delta as u64 > TABLE_MAX as u64 {
            return -1;
        }
        t.resize((old + delta) as usize, init);
        old as i32
    }

    fn table_fill(&mut self, table: u32, dst: u32, value: Val, len: u32) -> Result<(), TrapCode> {
        let t = self.table(table);
        if !range_ok(dst, len, t.len()) {
            return Err(TrapCode::TableOutOfBounds);
        }
        t[dst as usize..(dst + len) as usize].fill(value);
        Ok(())
    }

    fn table_copy(&mut self, dst_table: u32, src_table: u32, dst: u32, src: u32, len: u32) -> Result<(), TrapCode> {
        let src_vals = self.table(src_table).clone();
        let d = self.table(dst_table);
        if !range_ok(src, len, src_vals.len()) || !range_ok(dst, len, d.len()) {
            return Err(TrapCode::TableOutOfBounds);
        }
        d[dst as usize..(dst + len) as usize].copy_from_slice(&src_vals[src as usize..(src + len) as usize]);
        Ok(())
    }

    fn table_init(&mut self, table: u32, elem: u32, dst: u32, src: u32, len: u32) -> Result<(), TrapCode> {
        let seg_len = if self.dropped.contains(&format!("elem{elem}")) { 0 } else { 8 };
        let t = self.table(table);
        if !range_ok(src, len, seg_len) || !range_ok(dst, len, t.len()) {
            return Err(TrapCode::TableOutOfBounds);
        }
        for k in 0..len {
            t[(dst + k) as usize] = Val::FuncRef(Some(FuncRef(100 + elem * 8 + src + k)));
        }
        Ok(())
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
        let shape = self.shape;
        let writes_memory = !shape.no_memory_writes.contains(&func);
        self.outside_call(format!("fn{func}"), shape.callees.get(&func), writes_memory, args)
    }

    fn call_indirect(&mut self, table: u32, type_index: u32, index: u32, args: &[Val]) -> Result<Vec<Val>, Trap> {
        let entry = match self.table(table).get(index as usize) {
            None => return Err(Trap::new(TrapCode::UndefinedElement)),
            Some(Val::FuncRef(None)) | Some(Val::ExternRef(None)) => return Err(Trap::new(TrapCode::IndirectCallNull)),
            Some(v) => *v,
        };
        let shape = self.shape;
        self.outside_call(
            format!("table{table}[{entry}] as type{type_index}"),
            shape.types.get(&type_index),
            true,
            args,
        )
    }
}

/// Everything observable about one run.
struct Outcome {
    result: Result<Vec<Val>, TrapCode>,
    memories: Vec<Vec<u8>>,
    globals: BTreeMap<u32, Val>,
    tables: BTreeMap<u32, Vec<Val>>,
    dropped: BTreeSet<String>,
    calls: Vec<CallRecord>,
    out_of_fuel: bool,
}

fn run_one(func: &Function, args: &[Val], shape: &Shape, seed: u64) -> Outcome {
    let mut env = TestEnv::new(shape, seed);
    let result = call_function(func, args, &mut env).map_err(|t| t.code);
    Outcome {
        result,
        memories: env.memories,
        globals: env.globals,
        tables: env.tables,
        dropped: env.dropped,
        calls: env.calls,
        out_of_fuel: env.out_of_fuel,
    }
}

impl Outcome {
    /// The first observable difference (before = self, after = other).
    fn difference(&self, other: &Outcome) -> Option<String> {
        match (&self.result, &other.result) {
            (Ok(a), Ok(b)) if same_vals(a, b) => {}
            (Err(a), Err(b)) if a == b => {}
            (a, b) => {
                let s = |r: &Result<Vec<Val>, TrapCode>| match r {
                    Ok(v) => show(v),
                    Err(t) => format!("trap `{}`", t.message()),
                };
                return Some(format!("results differ: before {}, after {}", s(a), s(b)));
            }
        }
        let n = self.calls.len().min(other.calls.len());
        for k in 0..n {
            let (a, b) = (&self.calls[k], &other.calls[k]);
            if a.target != b.target || !same_vals(&a.args, &b.args) {
                return Some(format!(
                    "call #{k} differs: before {}{}, after {}{}",
                    a.target,
                    show(&a.args),
                    b.target,
                    show(&b.args)
                ));
            }
            if a.state != b.state {
                return Some(format!("call #{k} ({}) sees different memory, globals or tables", a.target));
            }
        }
        if self.calls.len() != other.calls.len() {
            return Some(format!("number of calls differs: before {}, after {}", self.calls.len(), other.calls.len()));
        }
        for (m, (a, b)) in self.memories.iter().zip(&other.memories).enumerate() {
            if a.len() != b.len() {
                return Some(format!(
                    "memory {m} size differs: before {} pages, after {}",
                    a.len() / PAGE,
                    b.len() / PAGE
                ));
            }
            if let Some(at) = a.iter().zip(b).position(|(x, y)| x != y) {
                return Some(format!("memory {m} differs at byte {at}: before {}, after {}", a[at], b[at]));
            }
        }
        for (g, a) in &self.globals {
            let b = other.globals.get(g);
            if !b.is_some_and(|b| same_val(a, b)) {
                return Some(format!(
                    "global g{g} differs: before {a}, after {}",
                    b.map_or("unset".into(), |b| b.to_string())
                ));
            }
        }
        if self.globals.len() != other.globals.len() {
            return Some("the set of globals touched differs".into());
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
    use wlab_ir::MemArg;
    use wlab_ir::Type::I32;

    fn add_k(k: i64) -> Function {
        let (mut b, v) = B::new(&[I32], &[I32]);
        let b0 = b.b(0);
        let c = b.iconst(b0, I32, k);
        let s = b.op(b0, Opcode::Iadd, I32, &[v[0], c]);
        b.ret(b0, &[s]);
        b.f
    }

    #[test]
    fn same_function_matches_and_a_different_one_is_caught() {
        let r = validate(&add_k(1), &add_k(1), 16).unwrap();
        assert_eq!((r.compared, r.inconclusive), (16, 0));
        let m = check_equivalent(&add_k(1), &add_k(2), 16).unwrap_err();
        assert_eq!(m.trial, 0);
        assert_eq!(m.to_string(), "trial 0 with args (i32:0): results differ: before [i32:1], after [i32:2]");
    }

    #[test]
    fn endless_loops_are_inconclusive_not_equal() {
        let (mut b, _) = B::new(&[I32], &[I32]);
        let b0 = b.b(0);
        let (b1, _) = b.block(&[]);
        b.jump(b0, b1, &[]);
        b.jump(b1, b1, &[]);
        let r = validate(&b.f, &add_k(1), 4).unwrap();
        assert_eq!((r.compared, r.inconclusive), (0, 4));
    }

    /// `store v0 -> [16]; call fn7(v0)` with the store before or after the call.
    fn store_and_call(store_first: bool) -> Function {
        let (mut b, v) = B::new(&[I32], &[]);
        b.f.callees.insert(7, Signature::new(vec![I32], vec![]));
        let b0 = b.b(0);
        let zero = b.iconst(b0, I32, 0);
        let store = InstData::new(
            Opcode::Store,
            Some(I32),
            vec![zero, v[0]],
            Imm::Mem(MemArg { offset: 16, align: 2, memory: 0 }),
        );
        let call = InstData::new(Opcode::Call, None, vec![v[0]], Imm::Func(7));
        let (first, second) = if store_first { (store, call) } else { (call, store) };
        b.f.append_inst(b0, first, &[]);
        b.f.append_inst(b0, second, &[]);
        b.ret(b0, &[]);
        b.f
    }

    #[test]
    fn a_store_moved_across_a_call_is_caught() {
        assert!(check_equivalent(&store_and_call(true), &store_and_call(true), 8).is_ok());
        let m = check_equivalent(&store_and_call(true), &store_and_call(false), 8).unwrap_err();
        assert!(m.what.contains("call #0 (fn7) sees different memory"), "{m}");
    }

    #[test]
    fn a_removed_trap_is_caught() {
        let (mut b, v) = B::new(&[I32], &[I32]);
        let b0 = b.b(0);
        b.op(b0, Opcode::Udiv, I32, &[v[0], v[0]]);
        b.ret(b0, &[v[0]]);
        let (mut c, w) = B::new(&[I32], &[I32]);
        let c0 = c.b(0);
        c.ret(c0, &[w[0]]);
        let m = check_equivalent(&b.f, &c.f, 4).unwrap_err();
        assert!(m.what.contains("before trap `integer divide by zero`, after [i32:0]"), "{m}");
    }
}
