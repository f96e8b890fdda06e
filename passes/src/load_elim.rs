//! `load-elim`: redundant load elimination, store-to-load forwarding and dead store
//! elimination, on exact matches of address value, offset, memory and access kind.
//!
//! ```text
//! block0(v0: i32, v1: i32):                 block0(v0: i32, v1: i32):
//!     store.i32 v0+8, v1                        store.i32 v0+8, v1
//!     v2 = load.i32 v0+8                        (removed: uses read v1)
//!     v3 = load.i32 v0                          v3 = load.i32 v0
//!     v4 = load.i32 v0                ==>       (removed: uses read v3)
//!     istore8.i32 v0+4, v3                      (removed: overwritten below)
//!     istore8.i32 v0+4, v4                      istore8.i32 v0+4, v3
//!     v5 = uload8.i32 v0+4                      v9 = iconst.i32 255
//!                                               v5 = band.i32 v3, v9
//! ```
//!
//! Available values are tracked along the dominator tree (a scoped table): a block
//! inherits what its immediate dominator knew at its end only when that dominator is
//! its single predecessor; a block with several predecessors (every merge point and
//! every loop header) starts with nothing. Any instruction that `writes_memory` or
//! `call`s ([`wlab_ir::Opcode::effects`]) forgets everything; a store then records what
//! it wrote. A direct call to a callee the function declares `no_memory_writes` (the
//! module's effect summary, [`wlab_ir::translate::FuncEffects`]) forgets nothing: the
//! callee may read memory and trap, but a load after it, if reached, reads what it read
//! before (`load-elim(summaries=false)` forgets at every call). A load with the same opcode, type, address value, offset and memory as an
//! available one is removed (`loads-removed`). A load after a store of the same place:
//! `load.T` after `store.T` takes the stored value; a narrow load after a narrow store
//! of the same width and type becomes `band` (unsigned: `uload8/16/32` → mask) or
//! `sext8/16/32` (signed) of the stored value, or the constant that gives when a
//! constant was stored (`stores-forwarded`). Any other mix of
//! widths or types is left alone. The removed load would not have trapped: the access
//! before it, to the same bytes, did not.
//!
//! Dead stores (`stores-removed`), within one block: a store followed by a store to the
//! same address value, offset, memory and width, with only pure instructions in
//! between. Anything else in between (a load, a call, anything that may trap) could
//! observe the first store, so it stays. The second store traps exactly when the first
//! would have (same bytes), so removing the first never hides or moves a trap past an
//! effect.

use crate::edit::{remove_insts, substitute_uses};
use crate::fold::{fold, Const, Fold};
use crate::pass::{Changed, Pass, PassError, PassOutcome};
use crate::registry::{ArgSpec, ArgType, Make, PassArgs, PassInfo};
use std::collections::HashMap;
use wlab_ir::cfg::ControlFlowGraph;
use wlab_ir::dominators::DomTree;
use wlab_ir::{Block, Function, Imm, Inst, InstData, MemArg, Opcode, Type, Value};

pub const INFO: PassInfo = PassInfo {
    name: "load-elim",
    description: "remove redundant loads, forward stores to loads, remove stores overwritten before any read",
    args: &[ArgSpec {
        name: "summaries",
        ty: ArgType::Bool,
        default: "true",
        doc: "keep what is known across calls to callees marked no_memory_writes",
    }],
    make: Make::Function(|args: &PassArgs| Ok(Box::new(LoadElim { summaries: args.bool("summaries")? }))),
    idempotent: false,
};

/// See the module docs.
#[derive(Clone, Copy, Debug)]
pub struct LoadElim {
    /// Trust `no_memory_writes` marks on callees (the `summaries` argument).
    pub summaries: bool,
}

impl Default for LoadElim {
    fn default() -> Self {
        LoadElim { summaries: true }
    }
}

/// What a load reads: the same key reads the same value while memory is unchanged.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct Key {
    opcode: Opcode,
    ty: Type,
    addr: Value,
    offset: u64,
    memory: u32,
}

/// The value a load with some key would produce.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Known {
    /// Exactly this value, loaded before.
    Value(Value),
    /// Exactly this value, stored before.
    Stored(Value),
    /// The low `bits` of this value, zero-extended (a narrow store, then `uloadN`).
    Masked(Value, u32),
    /// The low `bits` of this value, sign-extended (a narrow store, then `sloadN`).
    SignExtended(Value, u32),
}

/// A scoped table whose "forget everything" is O(1): entries older than `floor` are
/// invisible; an undo log restores entries and floors when a dominator subtree ends.
struct Table {
    map: HashMap<Key, (Known, u64), wlab_ir::fxhash::FxBuild>,
    floor: u64,
    epoch: u64,
    undo: Vec<Undo>,
}

enum Undo {
    Entry(Key, Option<(Known, u64)>),
    Floor(u64),
}

impl Table {
    fn get(&self, k: &Key) -> Option<Known> {
        self.map.get(k).filter(|(_, e)| *e >= self.floor).map(|(v, _)| *v)
    }
    fn insert(&mut self, k: Key, v: Known) {
        self.epoch += 1;
        let old = self.map.insert(k, (v, self.epoch));
        self.undo.push(Undo::Entry(k, old));
    }
    fn clear(&mut self) {
        self.undo.push(Undo::Floor(self.floor));
        self.epoch += 1;
        self.floor = self.epoch;
    }
    fn rewind(&mut self, mark: usize) {
        while self.undo.len() > mark {
            match self.undo.pop().expect("undo entry") {
                Undo::Entry(k, Some(old)) => {
                    self.map.insert(k, old);
                }
                Undo::Entry(k, None) => {
                    self.map.remove(&k);
                }
                Undo::Floor(f) => self.floor = f,
            }
        }
    }
}

fn mem_arg(d: &InstData) -> Option<MemArg> {
    match d.imm {
        Imm::Mem(m) => Some(m),
        _ => None,
    }
}

/// Bytes a load or store of this opcode and type touches.
fn access_bytes(op: Opcode, ty: Type) -> u32 {
    op.narrow_bytes().unwrap_or(ty.bits() / 8)
}

/// The load keys a store makes known, with what each would read.
fn stored_keys(op: Opcode, ty: Type, addr: Value, m: MemArg, v: Value) -> Vec<(Key, Known)> {
    let key = |opcode| Key { opcode, ty, addr, offset: m.offset, memory: m.memory };
    match op {
        Opcode::Store => vec![(key(Opcode::Load), Known::Stored(v))],
        Opcode::Istore8 => {
            vec![(key(Opcode::Uload8), Known::Masked(v, 8)), (key(Opcode::Sload8), Known::SignExtended(v, 8))]
        }
        Opcode::Istore16 => {
            vec![(key(Opcode::Uload16), Known::Masked(v, 16)), (key(Opcode::Sload16), Known::SignExtended(v, 16))]
        }
        Opcode::Istore32 if ty == Type::I64 => {
            vec![(key(Opcode::Uload32), Known::Masked(v, 32)), (key(Opcode::Sload32), Known::SignExtended(v, 32))]
        }
        _ => Vec::new(),
    }
}

impl Pass for LoadElim {
    fn name(&self) -> &'static str {
        INFO.name
    }

    fn run(&mut self, func: &mut Function) -> Result<PassOutcome, PassError> {
        let mut out = PassOutcome::unchanged();
        let (removed, forwarded) = forward(func, self.summaries);
        let dead = dead_stores(func);
        for (name, n) in [("loads-removed", removed), ("stores-forwarded", forwarded), ("stores-removed", dead)] {
            if n > 0 {
                out.count(name, n);
                out.changed = Changed::Instructions;
            }
        }
        Ok(out)
    }
}

/// Whether `d` may change what a load reads: a store or any other memory write, or a
/// call, unless `summaries` and the callee is marked `no_memory_writes`.
fn clobbers(func: &Function, d: &InstData, summaries: bool) -> bool {
    let e = d.opcode.effects();
    match (d.opcode, d.imm) {
        // A call's effects say it writes memory: any callee may.
        (Opcode::Call, Imm::Func(f)) if summaries && func.no_memory_writes.contains(&f) => false,
        _ => e.writes_memory || e.call,
    }
}

/// Redundant loads and store-to-load forwarding; returns (loads removed, forwarded).
fn forward(func: &mut Function, summaries: bool) -> (u64, u64) {
    let cfg = ControlFlowGraph::new(func);
    let dom = DomTree::new(func, &cfg);
    let Some(entry) = func.entry() else {
        return (0, 0);
    };
    let mut repl: Vec<Option<Value>> = vec![None; func.values.len()];
    let resolve = |repl: &[Option<Value>], v: Value| repl.get(v.index()).copied().flatten().unwrap_or(v);
    let mut dead = vec![false; func.insts.len()];
    // Narrow forwards: the load and what it is known to read.
    let mut rewrites: Vec<(Inst, Known)> = Vec::new();
    let mut table = Table { map: HashMap::default(), floor: 0, epoch: 0, undo: Vec::new() };
    let (mut removed, mut forwarded) = (0u64, 0u64);
    enum Step {
        Enter(Block),
        Exit(usize),
    }
    let mut stack = vec![Step::Enter(entry)];
    while let Some(step) = stack.pop() {
        let b = match step {
            Step::Exit(mark) => {
                table.rewind(mark);
                continue;
            }
            Step::Enter(b) => b,
        };
        stack.push(Step::Exit(table.undo.len()));
        let inherits = matches!(cfg.preds(b), [p] if Some(*p) == dom.idom(b));
        if !inherits {
            table.clear();
        }
        for &i in func.block_insts(b) {
            let d = func.inst(i);
            if d.opcode.is_load() {
                let (Some(m), Some(ty)) = (mem_arg(d), d.ty) else {
                    continue;
                };
                let key =
                    Key { opcode: d.opcode, ty, addr: resolve(&repl, d.args[0]), offset: m.offset, memory: m.memory };
                let r = d.results[0];
                match table.get(&key) {
                    Some(Known::Value(v)) => {
                        repl[r.index()] = Some(v);
                        dead[i.index()] = true;
                        removed += 1;
                    }
                    Some(Known::Stored(v)) => {
                        repl[r.index()] = Some(v);
                        dead[i.index()] = true;
                        forwarded += 1;
                    }
                    Some(k) => {
                        rewrites.push((i, k));
                        forwarded += 1;
                        table.insert(key, Known::Value(r));
                    }
                    None => table.insert(key, Known::Value(r)),
                }
                continue;
            }
            if clobbers(func, d, summaries) {
                table.clear();
            }
            if d.opcode.is_store() {
                let (Some(m), Some(ty)) = (mem_arg(d), d.ty) else {
                    continue;
                };
                let addr = resolve(&repl, d.args[0]);
                let v = resolve(&repl, d.args[1]);
                for (k, known) in stored_keys(d.opcode, ty, addr, m, v) {
                    table.insert(k, known);
                }
            }
        }
        for &c in dom.children(b).iter().rev() {
            stack.push(Step::Enter(c));
        }
    }
    // The mask constants go just before their loads, placed in one sweep per block.
    let mut mask_before: Vec<Option<Inst>> = vec![None; func.insts.len()];
    let mut touched: Vec<Block> = Vec::new();
    for (i, k) in rewrites {
        let ty = func.inst(i).ty.expect("a load has a type");
        let (op, v, bits) = match k {
            Known::Masked(v, bits) => (Opcode::Band, v, bits),
            Known::SignExtended(v, bits) => (
                match bits {
                    8 => Opcode::Sext8,
                    16 => Opcode::Sext16,
                    _ => Opcode::Sext32,
                },
                v,
                bits,
            ),
            Known::Value(_) | Known::Stored(_) => {
                unreachable!("whole values are substituted, not rewritten")
            }
        };
        let v = resolve(&repl, v);
        let mask = ((1u64 << bits) - 1) as i64;
        // A stored constant: the load becomes the constant it reads.
        if let Some(k) = Const::of_value(func, v) {
            let folded = match (op, ty) {
                (Opcode::Band, Type::I32) => fold(op, Some(ty), &Imm::None, &[k, Const::I32(mask as u32)]),
                (Opcode::Band, _) => fold(op, Some(ty), &Imm::None, &[k, Const::I64(mask as u64)]),
                _ => fold(op, Some(ty), &Imm::None, &[k]),
            };
            if let Fold::Value(c) = folded {
                c.write_into(func, i);
                continue;
            }
        }
        let mut args = vec![v];
        if op == Opcode::Band {
            let c = func.make_inst(InstData::new(Opcode::Iconst, Some(ty), vec![], Imm::I64(mask)), &[ty]);
            let cv = func.inst_results(c)[0];
            let b = dom.inst_block(i).expect("a rewritten load is placed");
            mask_before[i.index()] = Some(c);
            touched.push(b);
            args.push(cv);
        }
        let d = func.inst_mut(i);
        d.opcode = op;
        d.args = args;
        d.imm = Imm::None;
    }
    touched.sort_unstable();
    touched.dedup();
    for b in touched {
        let old = std::mem::take(&mut func.blocks[b.index()].insts);
        let mut new = Vec::with_capacity(old.len() + 1);
        for i in old {
            if let Some(c) = mask_before.get(i.index()).copied().flatten() {
                new.push(c);
            }
            new.push(i);
        }
        func.blocks[b.index()].insts = new;
    }
    if dead.iter().any(|&d| d) {
        substitute_uses(func, |v| resolve(&repl, v));
        remove_insts(func, |i| dead.get(i.index()).copied().unwrap_or(false));
    }
    (removed, forwarded)
}

/// Removes stores overwritten in the same block before anything could observe them.
fn dead_stores(func: &mut Function) -> u64 {
    let mut dead = vec![false; func.insts.len()];
    let mut n = 0;
    for &b in &func.layout {
        let insts = func.block_insts(b);
        for (pos, &s) in insts.iter().enumerate() {
            let d = func.inst(s);
            if !d.opcode.is_store() {
                continue;
            }
            let (Some(m), Some(ty)) = (mem_arg(d), d.ty) else {
                continue;
            };
            let width = access_bytes(d.opcode, ty);
            for &later in &insts[pos + 1..] {
                let l = func.inst(later);
                if l.opcode.is_store() {
                    let same = mem_arg(l).is_some_and(|lm| lm.offset == m.offset && lm.memory == m.memory)
                        && l.ty.is_some_and(|lty| access_bytes(l.opcode, lty) == width)
                        && l.args[0] == d.args[0];
                    if same {
                        dead[s.index()] = true;
                        n += 1;
                    }
                    break;
                }
                if !l.opcode.effects().is_pure() {
                    break;
                }
            }
        }
    }
    if n > 0 {
        remove_insts(func, |i| dead[i.index()]);
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{body, run_checked, B};
    use crate::validate::check_equivalent;

    fn mem(offset: u64) -> Imm {
        Imm::Mem(MemArg { offset, align: 0, memory: 0 })
    }

    fn store(b: &mut B, blk: Block, op: Opcode, ty: Type, addr: Value, off: u64, v: Value) {
        b.f.append_inst(blk, InstData::new(op, Some(ty), vec![addr, v], mem(off)), &[]);
    }

    fn load(b: &mut B, blk: Block, op: Opcode, ty: Type, addr: Value, off: u64) -> Value {
        b.f.ins1(blk, op, ty, vec![addr], mem(off))
    }

    #[test]
    fn the_module_doc_example() {
        let (mut b, p) = B::new(&[Type::I32, Type::I32], &[Type::I32]);
        let b0 = b.b(0);
        store(&mut b, b0, Opcode::Store, Type::I32, p[0], 8, p[1]);
        let v2 = load(&mut b, b0, Opcode::Load, Type::I32, p[0], 8);
        let v3 = load(&mut b, b0, Opcode::Load, Type::I32, p[0], 0);
        let v4 = load(&mut b, b0, Opcode::Load, Type::I32, p[0], 0);
        store(&mut b, b0, Opcode::Istore8, Type::I32, p[0], 4, v3);
        store(&mut b, b0, Opcode::Istore8, Type::I32, p[0], 4, v4);
        let v5 = load(&mut b, b0, Opcode::Uload8, Type::I32, p[0], 4);
        let v6 = load(&mut b, b0, Opcode::Sload8, Type::I32, p[0], 4);
        let s = b.op(b0, Opcode::Iadd, Type::I32, &[v2, v5]);
        let s = b.op(b0, Opcode::Iadd, Type::I32, &[s, v6]);
        b.ret(b0, &[s]);
        let before = b.f.clone();
        let (out, text) = run_checked(&mut LoadElim::default(), &mut b.f);
        assert_eq!(out.counters["loads-removed"], 1, "{text}");
        assert_eq!(out.counters["stores-forwarded"], 3, "{text}");
        assert_eq!(out.counters["stores-removed"], 1, "{text}");
        assert_eq!(
            body(&text),
            [
                "block0(v0: i32, v1: i32):",
                "store.i32 v0+8, v1",
                "v3 = load.i32 v0",
                "istore8.i32 v0+4, v3",
                "v9 = iconst.i32 255",
                "v5 = band.i32 v3, v9",
                "v6 = sext8.i32 v3",
                "v7 = iadd.i32 v1, v5",
                "v8 = iadd.i32 v7, v6",
                "return v8"
            ],
            "{text}"
        );
        check_equivalent(&before, &b.f, 64).expect("same behaviour");
    }

    #[test]
    fn a_narrow_load_of_a_stored_constant_is_that_constant() {
        let (mut b, p) = B::new(&[Type::I32], &[Type::I32]);
        let b0 = b.b(0);
        let k = b.f.ins1(b0, Opcode::Iconst, Type::I32, vec![], Imm::I64(0x1ff));
        store(&mut b, b0, Opcode::Istore8, Type::I32, p[0], 4, k);
        let u = load(&mut b, b0, Opcode::Uload8, Type::I32, p[0], 4);
        let s = load(&mut b, b0, Opcode::Sload8, Type::I32, p[0], 4);
        let sum = b.op(b0, Opcode::Iadd, Type::I32, &[u, s]);
        b.ret(b0, &[sum]);
        let before = b.f.clone();
        let (out, text) = run_checked(&mut LoadElim::default(), &mut b.f);
        assert_eq!(out.counters["stores-forwarded"], 2, "{text}");
        // 0x1ff stored as a byte reads back as 255 unsigned and -1 signed.
        assert!(body(&text).contains(&"v2 = iconst.i32 255".to_string()), "{text}");
        assert!(body(&text).contains(&"v3 = iconst.i32 -1".to_string()), "{text}");
        check_equivalent(&before, &b.f, 64).expect("same behaviour");
    }

    #[test]
    fn call_and_merge_points_forget() {
        let (mut b, p) = B::new(&[Type::I32], &[Type::I32]);
        b.f.callees.insert(3, wlab_ir::Signature::new(vec![], vec![]));
        let b0 = b.b(0);
        let (b1, _) = b.block(&[]);
        let (b2, _) = b.block(&[]);
        let (b3, _) = b.block(&[]);
        let x = load(&mut b, b0, Opcode::Load, Type::I32, p[0], 0);
        b.f.append_inst(b0, InstData::new(Opcode::Call, None, vec![], Imm::Func(3)), &[]);
        let y = load(&mut b, b0, Opcode::Load, Type::I32, p[0], 0);
        b.brif(b0, y, (b1, &[]), (b2, &[]));
        b.jump(b1, b3, &[]);
        b.jump(b2, b3, &[]);
        let z = load(&mut b, b3, Opcode::Load, Type::I32, p[0], 0);
        let s = b.op(b3, Opcode::Iadd, Type::I32, &[x, z]);
        b.ret(b3, &[s]);
        let (out, _) = run_checked(&mut LoadElim::default(), &mut b.f);
        assert_eq!(out.changed, Changed::Nothing);
    }

    /// `v0` loaded, `call fn3`, loaded again: one load when `fn3` is marked and trusted.
    fn load_call_load(marked: bool, summaries: bool) -> u64 {
        let (mut b, p) = B::new(&[Type::I32], &[Type::I32]);
        b.f.callees.insert(3, wlab_ir::Signature::new(vec![], vec![]));
        if marked {
            b.f.no_memory_writes.insert(3);
        }
        let b0 = b.b(0);
        let x = load(&mut b, b0, Opcode::Load, Type::I32, p[0], 0);
        b.f.append_inst(b0, InstData::new(Opcode::Call, None, vec![], Imm::Func(3)), &[]);
        let y = load(&mut b, b0, Opcode::Load, Type::I32, p[0], 0);
        let s = b.op(b0, Opcode::Iadd, Type::I32, &[x, y]);
        b.ret(b0, &[s]);
        let before = b.f.clone();
        let (out, text) = run_checked(&mut LoadElim { summaries }, &mut b.f);
        check_equivalent(&before, &b.f, 64).expect("same behaviour");
        assert!(text.contains("call fn3"), "{text}");
        out.counters.get("loads-removed").copied().unwrap_or(0)
    }

    #[test]
    fn a_call_to_a_no_memory_writes_callee_keeps_loads_unless_summaries_are_off() {
        assert_eq!(load_call_load(true, true), 1);
        assert_eq!(load_call_load(true, false), 0);
        assert_eq!(load_call_load(false, true), 0);
    }

    #[test]
    fn forwards_into_dominated_single_pred_block_but_keeps_observed_store() {
        let (mut b, p) = B::new(&[Type::I32, Type::I64], &[Type::I64]);
        let b0 = b.b(0);
        let (b1, _) = b.block(&[]);
        let (b2, _) = b.block(&[]);
        store(&mut b, b0, Opcode::Store, Type::I64, p[0], 0, p[1]);
        let l = load(&mut b, b0, Opcode::Load, Type::I64, p[0], 16);
        store(&mut b, b0, Opcode::Store, Type::I64, p[0], 0, l);
        let c = b.op(b0, Opcode::Ireduce, Type::I32, &[l]);
        b.brif(b0, c, (b1, &[]), (b2, &[]));
        let v = load(&mut b, b1, Opcode::Load, Type::I64, p[0], 0);
        b.ret(b1, &[v]);
        let w = load(&mut b, b2, Opcode::Uload32, Type::I64, p[0], 0);
        b.ret(b2, &[w]);
        let before = b.f.clone();
        let (out, text) = run_checked(&mut LoadElim::default(), &mut b.f);
        // the first store is read by nothing but separated by a load: kept
        assert_eq!(out.counters.get("stores-removed"), None, "{text}");
        assert_eq!(out.counters["stores-forwarded"], 1, "{text}");
        assert!(text.contains("return v2"), "{text}");
        assert!(text.contains("v5 = uload32.i64 v0"), "{text}");
        check_equivalent(&before, &b.f, 64).expect("same behaviour");
    }
}
