//! SSA construction for wasm locals: the on-demand algorithm of Braun et al., "Simple and
//! Efficient Construction of SSA Form" (CC 2013), as Cranelift's frontend uses it.
//!
//! A local is a *variable*; `def_var` records its current value in a block and `use_var`
//! finds it, walking predecessors: a block with one predecessor asks it; a sealed block
//! with several gets a block parameter (the phi) whose arguments are looked up in every
//! predecessor; a block not yet sealed (a loop header whose back edges are still to come)
//! gets an *incomplete* parameter, completed when the block is sealed. A parameter whose
//! arguments are all one value (or itself) is trivial: it is removed and becomes an alias of
//! that value. [`SsaBuilder::finish`] removes the parameters that became trivial later (also
//! block parameters carrying wasm block results) and rewrites every use, so no alias is left.
//!
//! The translator also declares dominator parents ([`SsaBuilder::set_dom_parent`]): a
//! lookup skips from a block straight up its dominator chain while the variable was not
//! assigned between leaving the ancestor and the point asked about. That point is the
//! current one for a read, and the end of the predecessor for a parameter's argument: only
//! assignments made up to it count, so an assignment translated later (in another arm)
//! never stops the skip and no merge block on the way gets a parameter that is then removed.
//! A predecessor that ended inside a loop is the exception: the loop's back edges carry
//! to its end everything assigned until the outermost such loop is sealed, so that is
//! the point asked about (an early exit from a loop must see later assignments).
//!
//! Lookups run on an explicit task stack, never by recursion: a chain of 50,000 blocks
//! cannot overflow the native stack. Definitions are kept per block (a short list, or a
//! hash map in a block that gathers many), never in a dense locals × blocks table nor in
//! one table keyed by (block, variable): a function's blocks far outnumber what a cache
//! holds, and a lookup mostly asks the block it just looked at. Nothing here iterates a
//! hash map, so the output is deterministic. This file never decides control flow: the
//! translator declares blocks, predecessors and seals.

use crate::entities::{Block, Inst, Value};
use crate::function::{Function, ValueDef};
use crate::instructions::{Imm, InstData};
use crate::opcode::Opcode;
use crate::types::Type;
use std::collections::HashMap;

/// Looked up, never iterated.
type FxMap<K, V> = HashMap<K, V, crate::fxhash::FxBuild>;

/// The values of variables known at one block (assigned there, or found by a lookup that
/// passed through it). Most blocks know a few, kept in a list searched from the end; one
/// that gathers more than [`VarValues::LIST_MAX`] (the entry block's zeros, a loop header in
/// a function with thousands of locals) switches to a hash map, so no block costs a scan
/// of thousands.
enum VarValues {
    List(Vec<(u32, Value)>),
    Map(FxMap<u32, Value>),
}

impl VarValues {
    const LIST_MAX: usize = 16;

    fn get(&self, var: u32) -> Option<Value> {
        match self {
            VarValues::List(l) => l.iter().rev().find(|e| e.0 == var).map(|e| e.1),
            VarValues::Map(m) => m.get(&var).copied(),
        }
    }

    fn insert(&mut self, var: u32, value: Value) {
        match self {
            VarValues::List(l) => {
                if let Some(e) = l.iter_mut().find(|e| e.0 == var) {
                    e.1 = value;
                } else if l.len() < Self::LIST_MAX {
                    l.push((var, value));
                } else {
                    let mut m: FxMap<u32, Value> = l.iter().copied().collect();
                    m.insert(var, value);
                    *self = VarValues::Map(m);
                }
            }
            VarValues::Map(m) => {
                m.insert(var, value);
            }
        }
    }
}

/// What each parameter removed as trivial became, indexed by value: dense, because every
/// use in the function is resolved through it at the end. `to` grows only when an alias
/// is recorded, so it is empty exactly when none is.
#[derive(Default)]
struct Aliases {
    to: Vec<u32>,
}

impl Aliases {
    const NONE: u32 = u32::MAX;

    fn get(&self, v: Value) -> Option<Value> {
        match self.to.get(v.index()) {
            Some(&t) if t != Self::NONE => Some(Value(t)),
            _ => None,
        }
    }

    fn contains(&self, v: Value) -> bool {
        self.get(v).is_some()
    }

    fn insert(&mut self, v: Value, to: Value) {
        if self.to.len() <= v.index() {
            self.to.resize(v.index() + 1, Self::NONE);
        }
        self.to[v.index()] = to.0;
    }

    fn is_empty(&self) -> bool {
        self.to.is_empty()
    }
}

/// An edge into a block: the branch instruction, the block it ends, and where in
/// [`SsaBuilder::pred_dests`] the indices of the branch's destinations that go to the
/// block are (a `br_table` may name the block many times among thousands of
/// destinations: an edge's arguments are reached without scanning the others).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Pred {
    block: Block,
    inst: Inst,
    dests_start: u32,
    dests_len: u32,
}

/// The indices of `pred`'s destinations that go to its block.
fn dests_of<'a>(pool: &'a [u32], pred: &Pred) -> &'a [u32] {
    &pool[pred.dests_start as usize..(pred.dests_start + pred.dests_len) as usize]
}

struct SsaBlock {
    sealed: bool,
    /// The variables' values known at this block.
    defs: VarValues,
    preds: Vec<Pred>,
    /// Parameters added while the block was not sealed, with their variable.
    incomplete: Vec<(u32, Value)>,
    /// A block that dominates this one (see [`SsaBuilder::set_dom_parent`]).
    parent: Option<Block>,
    /// The assignment counter when control left `parent` towards this block.
    pseq: u64,
    /// Depth in the parent tree and a skip pointer to an ancestor (Myers' jump pointers,
    /// which find the highest ancestor satisfying a monotone test in O(log depth) steps).
    depth: u32,
    jump: Option<Block>,
    /// The assignment counter when this block's terminator was first declared as an edge
    /// (its end: no assignment in it comes later); `u64::MAX` while unknown.
    end_seq: u64,
    /// The outermost loop that was open at this block's end: a back edge can bring to
    /// this block's end anything assigned until that loop is sealed.
    end_loop: Option<Block>,
    /// The assignment counter when this block was sealed; `u64::MAX` until then.
    seal_seq: u64,
}

impl Default for SsaBlock {
    fn default() -> Self {
        SsaBlock {
            sealed: false,
            defs: VarValues::List(Vec::new()),
            preds: Vec::new(),
            incomplete: Vec::new(),
            parent: None,
            pseq: 0,
            depth: 0,
            jump: None,
            end_seq: u64::MAX,
            end_loop: None,
            seal_seq: u64::MAX,
        }
    }
}

enum Task {
    /// Find the variable's value at the end of this block (or at the current point, for
    /// the block being translated), asked at assignment counter `.1` (no assignment made
    /// after it can reach that point); pushes one result.
    Lookup(Block, u64),
    /// The arguments of `param` (one result per predecessor, in order) are on the result
    /// stack: add them to the edges, try to remove the parameter, push the outcome.
    Finish { block: Block, param: Value },
}

/// The SSA construction state of one function.
pub(crate) struct SsaBuilder {
    var_types: Vec<Type>,
    entry: Block,
    /// Zero constants inserted at the start of the entry block so far.
    entry_consts: usize,
    /// Source offset given to the zero constants of locals.
    srcloc: u32,
    blocks: Vec<SsaBlock>,
    /// The destination indices of every [`Pred`], one run per edge.
    pred_dests: Vec<u32>,
    aliases: Aliases,
    tasks: Vec<Task>,
    results: Vec<Value>,
    visited: Vec<Block>,
    /// Counts assignments (`def_var`); `def_seqs[var]` lists the counts at `var`'s
    /// assignments, ascending.
    seq: u64,
    def_seqs: Vec<Vec<u64>>,
    /// Loop headers not yet sealed, innermost last.
    open_loops: Vec<Block>,
}

impl SsaBuilder {
    /// A builder for variables of the given types; `entry` is sealed (it has no predecessor).
    pub fn new(var_types: Vec<Type>, entry: Block, srcloc: u32) -> Self {
        let mut b = SsaBuilder {
            var_types,
            entry,
            entry_consts: 0,
            srcloc,
            blocks: Vec::new(),
            pred_dests: Vec::new(),
            aliases: Aliases::default(),
            tasks: Vec::new(),
            results: Vec::new(),
            visited: Vec::new(),
            seq: 1,
            def_seqs: Vec::new(),
            open_loops: Vec::new(),
        };
        b.def_seqs = vec![Vec::new(); b.var_types.len()];
        b.block(entry).sealed = true;
        b
    }

    fn block(&mut self, b: Block) -> &mut SsaBlock {
        if self.blocks.len() <= b.index() {
            self.blocks.resize_with(b.index() + 1, SsaBlock::default);
        }
        &mut self.blocks[b.index()]
    }

    /// Records that `inst`, which ends `from`, branches to `target` through its
    /// destinations `dests` (indices into its `dests`, each going to `target`). Call once
    /// per (instruction, target) pair, with every destination going there, before
    /// `target` is sealed; the destinations' blocks must not change afterwards.
    pub fn declare_pred(&mut self, target: Block, from: Block, inst: Inst, dests: &[u32]) {
        let dests_start = self.pred_dests.len() as u32;
        self.pred_dests.extend_from_slice(dests);
        let seq = self.seq;
        let outer = self.open_loops.first().copied();
        let fb = self.block(from);
        if fb.end_seq == u64::MAX {
            fb.end_seq = seq;
            fb.end_loop = outer;
        }
        let sb = self.block(target);
        debug_assert!(!sb.sealed, "{target} gained a predecessor after being sealed");
        sb.preds.push(Pred { block: from, inst, dests_start, dests_len: dests.len() as u32 });
    }

    /// Number of variables (wasm locals, parameters first).
    pub fn num_vars(&self) -> usize {
        self.var_types.len()
    }

    /// Sets the value of `var` at the current point of `block` (an assignment).
    pub fn def_var(&mut self, var: u32, block: Block, value: Value) {
        self.seq += 1;
        if let Some(l) = self.def_seqs.get_mut(var as usize) {
            l.push(self.seq);
        }
        self.memo(var, block, value);
    }

    /// Records a value found by a lookup (not an assignment).
    fn memo(&mut self, var: u32, block: Block, value: Value) {
        self.block(block).defs.insert(var, value);
    }

    /// The assignment counter now; pass it to [`SsaBuilder::set_dom_parent`].
    pub fn now(&self) -> u64 {
        self.seq
    }

    /// Declares that `parent` dominates `b` and that control left `parent` towards `b`
    /// when the assignment counter was `pseq`: every path from that point to `b` runs
    /// through code translated after it. Lookups then skip from `b` straight to `parent`
    /// (and further up) for variables not assigned since, instead of walking every block.
    /// Set it before `b` is looked into; a block without a parent is walked the usual way.
    pub fn set_dom_parent(&mut self, b: Block, parent: Block, pseq: u64) {
        let (pdepth, pjump) = {
            let p = self.block(parent);
            (p.depth, p.jump.unwrap_or(parent))
        };
        let (jdepth, jjump) = {
            let j = self.block(pjump);
            (j.depth, j.jump.unwrap_or(pjump))
        };
        let jjdepth = self.block(jjump).depth;
        let jump = if pdepth - jdepth == jdepth - jjdepth && pjump != parent { jjump } else { parent };
        let sb = self.block(b);
        sb.parent = Some(parent);
        sb.pseq = pseq;
        sb.depth = pdepth + 1;
        sb.jump = Some(jump);
    }

    /// Declares `header` a loop header whose back edges are still to come; lookups never
    /// skip above it until it is sealed.
    pub fn enter_loop(&mut self, header: Block) {
        self.open_loops.push(header);
    }

    /// The highest dominator `a` of `b` such that `var` (last assigned, up to the point
    /// asked about, at `l`) is not
    /// assigned on any path from `a`'s end to `b`; `b` itself when there is none.
    fn skip(&self, b: Block, l: u64) -> Block {
        let ok = |n: Block| {
            let sb = &self.blocks[n.index()];
            sb.parent.is_some() && sb.pseq >= l
        };
        if b.index() >= self.blocks.len() || !ok(b) {
            return b;
        }
        let mut n = b;
        loop {
            let sb = &self.blocks[n.index()];
            if let Some(j) = sb.jump {
                if j != n && ok(j) {
                    n = j;
                    continue;
                }
            }
            match sb.parent {
                Some(p) if ok(p) => n = p,
                _ => break,
            }
        }
        self.blocks[n.index()].parent.unwrap_or(n)
    }

    /// The alias-free value `v` stands for.
    pub fn resolve(&mut self, v: Value) -> Value {
        resolve_compress(&mut self.aliases, v)
    }

    /// The value of `var` at the current point of `block`.
    pub fn use_var(&mut self, func: &mut Function, var: u32, block: Block) -> Value {
        self.tasks.push(Task::Lookup(block, self.seq));
        self.run(func, var);
        let v = self.results.pop().expect("a lookup pushes one result");
        self.resolve(v)
    }

    /// Declares that every predecessor of `b` is known and completes its incomplete
    /// parameters.
    pub fn seal(&mut self, func: &mut Function, b: Block) {
        if self.open_loops.last() == Some(&b) {
            self.open_loops.pop();
        }
        let incomplete = std::mem::take(&mut self.block(b).incomplete);
        for (var, param) in incomplete {
            self.push_param_lookups(b, param);
            self.run(func, var);
            self.results.pop();
        }
        let seq = self.seq;
        let sb = self.block(b);
        sb.sealed = true;
        sb.seal_seq = seq;
    }

    fn push_param_lookups(&mut self, b: Block, param: Value) {
        self.tasks.push(Task::Finish { block: b, param });
        for i in (0..self.blocks[b.index()].preds.len()).rev() {
            let pred = self.blocks[b.index()].preds[i].block;
            let at = self.end_point(pred);
            self.tasks.push(Task::Lookup(pred, at.min(self.seq)));
        }
    }

    /// The assignment counter up to which assignments can reach the end of `pred`: its
    /// end, or, when a loop was open there, until the outermost such loop was sealed
    /// (its back edges bring later assignments around to `pred`'s end).
    fn end_point(&self, pred: Block) -> u64 {
        let Some(sb) = self.blocks.get(pred.index()) else { return u64::MAX };
        match sb.end_loop {
            Some(h) => sb.end_seq.max(self.blocks.get(h.index()).map_or(u64::MAX, |hb| hb.seal_seq)),
            None => sb.end_seq,
        }
    }

    fn run(&mut self, func: &mut Function, var: u32) {
        while let Some(task) = self.tasks.pop() {
            match task {
                Task::Lookup(b, at) => self.lookup(func, var, b, at),
                Task::Finish { block, param } => {
                    let n = self.blocks[block.index()].preds.len();
                    let args = self.results.split_off(self.results.len() - n);
                    for (i, arg) in args.into_iter().enumerate() {
                        let pred = self.blocks[block.index()].preds[i];
                        let dests = &mut func.inst_mut(pred.inst).dests;
                        for &d in dests_of(&self.pred_dests, &pred) {
                            debug_assert_eq!(dests[d as usize].block, block);
                            dests[d as usize].args.push(arg);
                        }
                    }
                    let out = match self.trivial_value(func, block, param) {
                        Some(v) => {
                            self.remove_param(func, block, param, v);
                            v
                        }
                        None => param,
                    };
                    self.results.push(out);
                }
            }
        }
    }

    /// The count at `var`'s last assignment made no later than `at` (0: none).
    fn last_def_at(&self, var: u32, at: u64) -> u64 {
        match self.def_seqs.get(var as usize) {
            // Mostly asked about the current point, after the last assignment.
            Some(seqs) => match seqs.last() {
                Some(&last) if last <= at => last,
                _ => {
                    let n = seqs.partition_point(|&s| s <= at);
                    if n == 0 {
                        0
                    } else {
                        seqs[n - 1]
                    }
                }
            },
            None => u64::MAX,
        }
    }

    fn lookup(&mut self, func: &mut Function, var: u32, start: Block, at: u64) {
        self.visited.clear();
        let barrier = match self.open_loops.last() {
            Some(h) => self.blocks.get(h.index()).map_or(u64::MAX, |sb| sb.pseq + 1),
            None => 0,
        };
        let l = self.last_def_at(var, at).max(barrier);
        let mut cur = start;
        let found = loop {
            if let Some(v) = self.blocks.get(cur.index()).and_then(|sb| sb.defs.get(var)) {
                break self.resolve(v);
            }
            if self.blocks.get(cur.index()).is_some_and(|sb| sb.sealed) {
                let up = self.skip(cur, l);
                if up != cur {
                    self.visited.push(cur);
                    cur = up;
                    continue;
                }
            }
            let ty = self.var_types[var as usize];
            let (sealed, npreds) = {
                let sb = self.block(cur);
                (sb.sealed, sb.preds.len())
            };
            if !sealed {
                let p = func.append_block_param(cur, ty);
                self.block(cur).incomplete.push((var, p));
                self.memo(var, cur, p);
                break p;
            }
            match npreds {
                0 => {
                    // The entry block (or, defensively, a block nothing reaches): the local
                    // still holds its initial zero.
                    let v = self.zero_const(func, ty);
                    let entry = self.entry;
                    self.memo(var, entry, v);
                    break v;
                }
                1 => {
                    self.visited.push(cur);
                    cur = self.blocks[cur.index()].preds[0].block;
                }
                _ => {
                    let p = func.append_block_param(cur, ty);
                    self.memo(var, cur, p);
                    for i in 0..self.visited.len() {
                        let b = self.visited[i];
                        self.memo(var, b, p);
                    }
                    self.push_param_lookups(cur, p);
                    return;
                }
            }
        };
        for i in 0..self.visited.len() {
            let b = self.visited[i];
            self.memo(var, b, found);
        }
        self.results.push(found);
    }

    fn zero_const(&mut self, func: &mut Function, ty: Type) -> Value {
        let (opcode, imm) = match ty {
            Type::I32 | Type::I64 => (Opcode::Iconst, Imm::I64(0)),
            Type::F32 => (Opcode::Fconst, Imm::F32(0)),
            Type::F64 => (Opcode::Fconst, Imm::F64(0)),
            Type::FuncRef | Type::ExternRef => (Opcode::RefNull, Imm::None),
            Type::V128 => (Opcode::Simd(crate::simd::SimdOp::V128Const), Imm::V128([0; 16])),
        };
        // SIMD opcodes carry their shape in the name, not a type suffix.
        let suffix = if opcode.info().suffix == crate::opinfo::Suffix::No { None } else { Some(ty) };
        let mut data = InstData::new(opcode, suffix, Vec::new(), imm);
        data.srcloc = Some(self.srcloc);
        let inst = func.make_inst(data, &[ty]);
        func.blocks[self.entry.index()].insts.insert(self.entry_consts, inst);
        self.entry_consts += 1;
        func.inst_results(inst)[0]
    }

    /// If every argument passed to `param` (a parameter of `b`) is one value or `param`
    /// itself, that value. `None` when an edge has no argument for it yet.
    fn trivial_value(&mut self, func: &Function, b: Block, param: Value) -> Option<Value> {
        let ValueDef::Param(_, idx) = func.value_def(param) else {
            return None;
        };
        let mut same = None;
        for pred in &self.blocks.get(b.index())?.preds {
            let dests = &func.inst(pred.inst).dests;
            for &d in dests_of(&self.pred_dests, pred) {
                let dest = &dests[d as usize];
                let arg = resolve_compress(&mut self.aliases, *dest.args.get(idx as usize)?);
                if arg == param || Some(arg) == same {
                    continue;
                }
                if same.is_some() {
                    return None;
                }
                same = Some(arg);
            }
        }
        same
    }

    /// Removes `param` from `b` and from every edge into it; `param` becomes an alias of `to`.
    fn remove_param(&mut self, func: &mut Function, b: Block, param: Value, to: Value) {
        let ValueDef::Param(_, idx) = func.value_def(param) else {
            return;
        };
        let idx = idx as usize;
        func.blocks[b.index()].params.remove(idx);
        for n in idx..func.blocks[b.index()].params.len() {
            let v = func.blocks[b.index()].params[n];
            func.values[v.index()].def = ValueDef::Param(b, n as u32);
        }
        if let Some(sb) = self.blocks.get(b.index()) {
            for pred in &sb.preds {
                let dests = &mut func.inst_mut(pred.inst).dests;
                for &d in dests_of(&self.pred_dests, pred) {
                    let dest = &mut dests[d as usize];
                    if idx < dest.args.len() {
                        dest.args.remove(idx);
                    }
                }
            }
        }
        self.aliases.insert(param, to);
    }

    /// Removes every parameter of a non-entry layout block that is trivial (also those that
    /// became trivial after others were removed), then rewrites every use in the layout so
    /// no alias is left.
    ///
    /// A worklist, not rounds over the whole function: a parameter is looked at again only
    /// when one of its arguments was removed. Rounds took one pass per link of a chain of
    /// trivial parameters (one per nesting level of `if` + `loop`), which was quadratic in
    /// the nesting depth. Removed parameters are only marked (aliases) until the end, then
    /// every block drops its marked parameters and edge arguments in one sweep, so no
    /// vector is shifted once per removal.
    pub fn finish(&mut self, func: &mut Function) {
        // The parameters that receive `a` (resolved) on some edge. When `a` is removed its
        // users move to the value it became.
        let mut users = UserLists::new(func.values.len());
        let mut work: Vec<Value> = Vec::new();
        for li in (1..func.layout.len()).rev() {
            let b = func.layout[li];
            if func.blocks[b.index()].params.is_empty() {
                continue;
            }
            work.extend(func.blocks[b.index()].params.iter().rev().copied());
            let Some(sb) = self.blocks.get(b.index()) else { continue };
            for pred in &sb.preds {
                let dests = &func.inst(pred.inst).dests;
                for &d in dests_of(&self.pred_dests, pred) {
                    let dest = &dests[d as usize];
                    for (&arg, &param) in dest.args.iter().zip(&func.blocks[b.index()].params) {
                        users.push(resolve_in(&self.aliases, arg), param);
                    }
                }
            }
        }
        let mut removed_in: Vec<Block> = Vec::new();
        while let Some(p) = work.pop() {
            if self.aliases.contains(p) {
                continue;
            }
            let ValueDef::Param(b, _) = func.value_def(p) else { continue };
            let Some(v) = self.trivial_value(func, b, p) else { continue };
            self.aliases.insert(p, v);
            removed_in.push(b);
            users.extend_with(p, &mut work);
            users.move_to(p, v);
        }
        removed_in.sort_unstable();
        removed_in.dedup();
        for b in removed_in {
            self.drop_marked_params(func, b);
        }
        if self.aliases.is_empty() {
            return;
        }
        for li in 0..func.layout.len() {
            let b = func.layout[li];
            for ii in 0..func.blocks[b.index()].insts.len() {
                let inst = func.blocks[b.index()].insts[ii];
                let aliases = &mut self.aliases;
                func.map_inst_uses(inst, |v| resolve_compress(aliases, v));
            }
        }
    }

    /// Drops the parameters of `b` that are aliases now, and their arguments on every
    /// edge into `b`, in one sweep.
    fn drop_marked_params(&mut self, func: &mut Function, b: Block) {
        let keep: Vec<bool> = func.blocks[b.index()].params.iter().map(|&p| !self.aliases.contains(p)).collect();
        let mut kept = 0u32;
        let mut params = std::mem::take(&mut func.blocks[b.index()].params);
        params.retain(|_| {
            let k = keep[kept as usize];
            kept += 1;
            k
        });
        for (n, &v) in params.iter().enumerate() {
            func.values[v.index()].def = ValueDef::Param(b, n as u32);
        }
        func.blocks[b.index()].params = params;
        if let Some(sb) = self.blocks.get(b.index()) {
            for pred in &sb.preds {
                let dests = &mut func.inst_mut(pred.inst).dests;
                for &d in dests_of(&self.pred_dests, pred) {
                    let dest = &mut dests[d as usize];
                    if dest.args.len() == keep.len() {
                        let mut i = 0;
                        dest.args.retain(|_| {
                            let k = keep[i];
                            i += 1;
                            k
                        });
                    }
                }
            }
        }
    }
}

/// For each value, the parameters it is passed to: one singly linked list per value, its
/// nodes in one vector, so moving all of one value's users to another is two stores.
struct UserLists {
    head: Vec<u32>,
    tail: Vec<u32>,
    /// `(parameter, next node)`.
    nodes: Vec<(Value, u32)>,
}

impl UserLists {
    const NONE: u32 = u32::MAX;

    /// Empty lists for the values below `num_values` (every value of the function).
    fn new(num_values: usize) -> Self {
        UserLists { head: vec![Self::NONE; num_values], tail: vec![Self::NONE; num_values], nodes: Vec::new() }
    }

    /// Records that `param` receives `arg`.
    fn push(&mut self, arg: Value, param: Value) {
        let n = u32::try_from(self.nodes.len()).expect("fewer than 2^32 block arguments");
        self.nodes.push((param, Self::NONE));
        match self.tail[arg.index()] {
            Self::NONE => self.head[arg.index()] = n,
            t => self.nodes[t as usize].1 = n,
        }
        self.tail[arg.index()] = n;
    }

    /// Appends the users of `v` to `out`.
    fn extend_with(&self, v: Value, out: &mut Vec<Value>) {
        let mut n = self.head[v.index()];
        while n != Self::NONE {
            let (param, next) = self.nodes[n as usize];
            out.push(param);
            n = next;
        }
    }

    /// Makes the users of `from` users of `to` (appended to its list).
    fn move_to(&mut self, from: Value, to: Value) {
        let h = self.head[from.index()];
        if h == Self::NONE {
            return;
        }
        let t = self.tail[from.index()];
        self.head[from.index()] = Self::NONE;
        self.tail[from.index()] = Self::NONE;
        match self.tail[to.index()] {
            Self::NONE => self.head[to.index()] = h,
            tt => self.nodes[tt as usize].1 = h,
        }
        self.tail[to.index()] = t;
    }
}

/// The alias-free value `v` stands for (no compression: for shared borrows).
fn resolve_in(aliases: &Aliases, mut v: Value) -> Value {
    while let Some(to) = aliases.get(v) {
        v = to;
    }
    v
}

/// The alias-free value `v` stands for; every alias on the way is pointed straight at it,
/// so a long chain (one link per nesting level) is walked once, not once per use.
fn resolve_compress(aliases: &mut Aliases, v: Value) -> Value {
    let root = resolve_in(aliases, v);
    let mut cur = v;
    while let Some(next) = aliases.get(cur) {
        aliases.to[cur.index()] = root.0;
        cur = next;
        if cur == root {
            break;
        }
    }
    root
}
