//! From e-graph back to IR, in place: the function keeps its instructions, in their
//! blocks and order, except where extraction found something strictly cheaper.
//!
//! ```text
//! block1:                                   block1:
//!     v1 = iconst.i32 8                         v1 = iconst.i32 8      (kept: still used?
//!     v2 = imul.i32 v0, v1       ==>            v7 = iconst.i32 3       no: removed below)
//!     v3 = iadd.i32 v2, v4                      v8 = ishl.i32 v0, v7   (replaces v2, placed
//!                                               v3 = iadd.i32 v8, v4    where v2 was)
//! ```
//!
//! Each original pure instruction is priced as the tree it computes, in the units of
//! the extraction ([`TreeCost::op_own`]). Only a value whose class has a strictly
//! cheaper tree is considered, and it is replaced only when the instructions its
//! replacement adds cost strictly less than what the original costs beyond what stays
//! computed anyway (its own operation plus the operands only it uses): a rewrite such
//! as `(x - 32) + 16 => x - 16`, where `x - 32` stays for other uses, saves nothing
//! and would keep `x` alive longer, so it is not made. The replacement is materialised
//! at the original's own place: right before it, in its block. So:
//! - when no rule fires (and the constant folder finds nothing), the function is left
//!   exactly as it was — the round trip is the identity;
//! - nothing moves between blocks: no value leaves or enters a loop, no live range is
//!   stretched by hoisting (that is `licm`'s job, and merging equal values is `gvn`'s);
//! - constants inside a replacement are rematerialised in the block that uses them
//!   unless that block already has one, rather than shared from a dominating block
//!   across the function (a constant is cheaper to recompute than to keep in a register
//!   or spill slot). A replacement reuses only values of the original's own expression
//!   (its operands, theirs, ...), never an equal value computed elsewhere — that would
//!   stretch its live range, and merging is `gvn`'s job. Only the original's operands,
//!   and the operands of expression values used nowhere else, are surely live there;
//!   a tree reading a value reached through one that stays for other uses (`x` in
//!   `(y + 8) + 4 => x - 4` where `y = x - 16` stays) is not made, except that a
//!   constant of such a class is rebuilt in place rather than read.
//!
//! A replacement whose tree names a value not defined at that point (or whose best
//! nodes form a cycle) is not made: the original stays. Original pure instructions that
//! lose their last use because of a replacement are removed (transitively); code that
//! was already dead stays (`dce` removes it). This file never changes which skeleton
//! instructions run, nor their order.

use super::analysis::EG;
use super::build::Built;
use super::cost::{TreeCost, NEVER};
use super::language::{leaf, Node};
use egg::Id;
use smallvec::SmallVec;
use wlab_ir::dominators::DomTree;
use wlab_ir::opinfo::Leaf;
use wlab_ir::{Block, Function, Imm, Inst, InstData, Opcode, Type, Value, ValueDef};

/// How many values of an original's expression a replacement may reuse (the nearest
/// ones, operands first): a bound on the look-ups per replaced value.
pub const NEAR: usize = 32;

/// What elaboration did.
#[derive(Clone, Copy, Debug, Default)]
pub struct Elaborated {
    /// Instructions created.
    pub created: u64,
    /// Original pure instructions no longer in the function.
    pub removed: u64,
    /// Values replaced by a cheaper tree.
    pub replaced: u64,
    /// Cheaper trees not made because they could not be placed where the original was
    /// (a value not defined there or not surely live there, or a cycle among best nodes).
    pub fallbacks: u64,
    /// Branches whose condition was simplified through its truth class.
    pub branch_conds: u64,
    /// Whether the function differs from before (instruction lists or operands).
    pub changed: bool,
}

/// Per-class marks for one extracted tree at a time, indexed by canonical class id: a
/// generation counter tells this tree's marks from older ones, so nothing is cleared
/// or hashed between trees. The table starts zeroed (untouched pages are never
/// faulted in).
struct Marks {
    /// `generation << 32 | state`, where state is [`Marks::OPEN`] (children being
    /// materialised) or a value index.
    slot: Vec<u64>,
    generation: u64,
}

impl Marks {
    const OPEN: u64 = u32::MAX as u64;

    fn new(classes: usize) -> Self {
        Marks { slot: vec![0; classes], generation: 0 }
    }

    /// Forgets every mark (starts the next tree).
    fn next_tree(&mut self) {
        if self.generation == u32::MAX as u64 {
            self.slot.iter_mut().for_each(|s| *s = 0);
            self.generation = 0;
        }
        self.generation += 1;
    }

    fn state(&self, c: Id) -> Option<u64> {
        let s = self.slot[usize::from(c)];
        (s >> 32 == self.generation).then_some(s & Self::OPEN)
    }

    /// The value materialised for `c` in this tree.
    fn value(&self, c: Id) -> Option<Value> {
        self.state(c).filter(|&s| s != Self::OPEN).map(|s| Value::new(s as usize))
    }

    /// Whether `c` was reached in this tree (open or done).
    fn seen(&self, c: Id) -> bool {
        self.state(c).is_some()
    }

    fn open(&mut self, c: Id) {
        self.slot[usize::from(c)] = self.generation << 32 | Self::OPEN;
    }

    fn set(&mut self, c: Id, v: Value) {
        debug_assert!((v.index() as u64) < Self::OPEN);
        self.slot[usize::from(c)] = self.generation << 32 | v.index() as u64;
    }
}

/// One step of [`Elab::materialise`]'s walk over a tree.
enum Step<'x> {
    /// Reach class `c` on the way down.
    Down(Id),
    /// Place class `c`, whose best node is `op.ty imm kids`, once its children have values.
    Up { c: Id, op: Opcode, ty: Type, imm: Imm, kids: &'x [Id] },
}

/// The extraction elaboration reads.
pub type Ex<'x> = super::extract::Extraction<'x>;

struct Elab<'a, 'x> {
    func: &'a mut Function,
    eg: &'a EG,
    ex: &'a Ex<'x>,
    dom: &'a DomTree,
    /// Where each value is defined so far in the walk (kept and created instructions,
    /// parameters); a value of the current block is set once its instruction is placed.
    def_block: Vec<Option<Block>>,
    /// The values a replacement may reuse, with their (canonical) classes: the values
    /// of the original's own expression (see [`Elab::gather_near`]).
    near: Vec<(Id, Value)>,
    /// By `near` entry: whether the value is surely live at the original (see
    /// [`Elab::gather_near`]).
    near_live: Vec<bool>,
    /// The class of each value made by elaboration, by value index past the originals.
    new_class: Vec<Id>,
    /// The first instruction index elaboration made.
    first_new: usize,
    /// The classes of the tree being materialised.
    marks: Marks,
    /// The instructions of the tree being materialised, in order, and what they cost.
    pending: Vec<Inst>,
    pending_cost: u64,
    /// Every new instruction placed (the ones of a tree given up on are not).
    placed: Vec<Inst>,
    prices: &'a TreeCost<'a>,
    stats: Elaborated,
}

impl<'x> Elab<'_, 'x> {
    fn available(&self, v: Value, b: Block) -> bool {
        self.def_block.get(v.index()).copied().flatten().is_some_and(|d| self.dom.dominates(d, b))
    }

    fn define(&mut self, v: Value, b: Block) {
        if self.def_block.len() <= v.index() {
            self.def_block.resize(v.index() + 1, None);
        }
        self.def_block[v.index()] = Some(b);
    }

    /// The class of value `v`, original or made here.
    fn class(&self, v: Value, class_of: &[Option<Id>]) -> Option<Id> {
        match class_of.get(v.index()) {
            Some(c) => c.map(|c| self.eg.find(c)),
            None => self.new_class.get(v.index() - class_of.len()).map(|&c| self.eg.find(c)),
        }
    }

    /// Fills `near` with the values of the expression of original instruction `i` (its
    /// operands, theirs, and so on through pure instructions, at most [`NEAR`]; for a
    /// replaced one, its replacement and its original operands). These are computed right there anyway, so a
    /// replacement may use them without stretching any live range: it never reaches
    /// for an equal value computed elsewhere (merging equal values is `gvn`'s job, and
    /// for cheap address arithmetic it costs more registers than it saves).
    fn gather_near(
        &mut self,
        i: Inst,
        class_of: &[Option<Id>],
        orig: &[Option<Inst>],
        subst: &[Option<Value>],
        uses: &[u32],
    ) {
        self.near.clear();
        self.near_live.clear();
        // (value, whether it is surely live here): the original's operands are, and so
        // are the operands of a value that is, when that value has no other use (its
        // operands were live up to it, inside this expression).
        let single = |v: Value| uses.get(v.index()) == Some(&1);
        let mut stack: SmallVec<[(Value, bool); 8]> = self.func.inst(i).args.iter().map(|&a| (a, true)).collect();
        let mut steps = 0;
        while let Some((u, live)) = stack.pop() {
            steps += 1;
            if self.near.len() >= NEAR || steps > 4 * NEAR {
                break;
            }
            if let Some(x) = subst.get(u.index()).copied().flatten() {
                // Replaced: its replacement, and the operands it had (still there).
                if let Some(&Some(j)) = orig.get(u.index()) {
                    stack.extend(self.func.inst(j).args.iter().map(|&a| (a, live && single(u))));
                }
                stack.push((x, live));
                continue;
            }
            if let Some(k) = self.near.iter().position(|&(_, x)| x == u) {
                self.near_live[k] |= live;
                continue;
            }
            let Some(c) = self.class(u, class_of) else { continue };
            self.near.push((c, u));
            self.near_live.push(live);
            let def = match self.func.value_def(u) {
                ValueDef::Result(j, _) if j.index() >= self.first_new || orig.get(u.index()) == Some(&Some(j)) => j,
                ValueDef::Result(..) | ValueDef::Param(..) => continue,
            };
            let child_live = live && single(u);
            stack.extend(self.func.inst(def).args.iter().map(|&a| (a, child_live)));
        }
    }

    /// A value of class `c` among the `near` ones, and whether it is surely live here.
    fn lookup(&self, c: Id) -> Option<(Value, bool)> {
        self.near.iter().position(|&(k, _)| k == c).map(|n| (self.near[n].1, self.near_live[n]))
    }

    /// The IR form of `node` (a best node): operation, type, immediate, and its value
    /// children (not canonicalised). `None` for a node that is not an operation.
    fn ir_form<'n>(&self, node: &'n Node) -> Option<(Opcode, Type, Imm, &'n [Id])> {
        match node {
            Node::Op { op, ty, args } => {
                let leaf_data = || &self.eg[args[0]].data;
                let imm = match leaf(*op) {
                    Leaf::None => return Some((*op, *ty, Imm::None, &args[..])),
                    Leaf::Int => match ty {
                        Type::I32 => Imm::I64(leaf_data().lit? as u32 as i32 as i64),
                        _ => Imm::I64(leaf_data().lit? as i64),
                    },
                    Leaf::Float => match ty {
                        Type::F32 => Imm::F32(leaf_data().lit? as u32),
                        _ => Imm::F64(leaf_data().lit?),
                    },
                    Leaf::IntCC => Imm::IntCC(leaf_data().cc?.int()?),
                    Leaf::FloatCC => Imm::FloatCC(leaf_data().cc?.float()?),
                };
                Some((*op, *ty, imm, &args[1..]))
            }
            Node::Lit(_) | Node::Cond(_) | Node::Meta { .. } | Node::Opaque(_) => None,
        }
    }

    /// Materialises the best tree of class `root` at the current end of block `b`
    /// (its instructions go to `pending`), or `None` when it cannot be placed there.
    /// Each class is visited twice: on the way down (found already computed, opaque, or
    /// opened and its children pushed) and, once its children have values, on the way
    /// up (placed).
    fn materialise(&mut self, root: Id, b: Block) -> Option<Value> {
        let root = self.eg.find(root);
        if self.ex.find_best_cost(root) >= NEVER {
            return None;
        }
        self.marks.next_tree();
        let mut stack: SmallVec<[Step<'x>; 16]> = smallvec::smallvec![Step::Down(root)];
        while let Some(step) = stack.pop() {
            let (c, op, ty, imm, kids) = match step {
                Step::Up { c, op, ty, imm, kids } => (c, op, ty, imm, kids),
                Step::Down(c) => {
                    if self.marks.value(c).is_some() {
                        continue;
                    }
                    let node = self.ex.find_best_node(c);
                    if let Some((v, live)) = self.lookup(c) {
                        if live {
                            self.marks.set(c, v);
                            continue;
                        }
                        // A value of the expression that other code keeps (reached
                        // through a value with other uses) may be dead here: reading it
                        // would stretch its live range (measured: the frame base read
                        // instead of the frame pointer costs far more spills than the
                        // additions it saves), so the tree is not made — unless the class
                        // is a leaf (a constant), which is rebuilt here instead of read.
                        // (Giving up on a constant left `icmp eq 1, 5` unfolded until a
                        // second run folded it: the pass was not idempotent.)
                        let leaf = !matches!(node, Node::Opaque(_))
                            && self.ir_form(node).is_some_and(|(_, _, _, kids)| kids.is_empty());
                        if !leaf {
                            return None;
                        }
                    }
                    if let Node::Opaque(v) = node {
                        if !self.available(*v, b) {
                            return None;
                        }
                        self.marks.set(c, *v);
                        continue;
                    }
                    let (op, ty, imm, kids) = self.ir_form(node)?;
                    if self.marks.seen(c) {
                        return None; // a cycle among best nodes: give up on this tree
                    }
                    self.marks.open(c);
                    stack.push(Step::Up { c, op, ty, imm, kids });
                    for &k in kids.iter().rev() {
                        stack.push(Step::Down(self.eg.find(k)));
                    }
                    continue;
                }
            };
            let args: Vec<Value> =
                kids.iter().map(|&k| self.marks.value(self.eg.find(k)).expect("children first")).collect();
            self.pending_cost = self.pending_cost.saturating_add(self.prices.op_own(op, ty, kids));
            let rty = super::language::result_type(op, ty);
            let i = self.func.make_inst(InstData::new(op, Some(ty), args, imm), &[rty]);
            let v = self.func.inst(i).results[0];
            self.pending.push(i);
            self.define(v, b);
            self.new_class.push(c);
            self.marks.set(c, v);
        }
        self.marks.value(root)
    }

    /// Materialises class `c` before the current end of `b` if the new instructions cost
    /// less than `budget`; on success appends them to `out` and returns the value and
    /// their cost, else forgets them.
    fn replace(&mut self, c: Id, b: Block, out: &mut Vec<Inst>, budget: u64) -> Option<(Value, u64)> {
        self.pending.clear();
        self.pending_cost = 0;
        let made = self.materialise(c, b);
        let cost = self.pending_cost;
        match made.filter(|_| cost < budget) {
            Some(v) => {
                self.stats.created += self.pending.len() as u64;
                self.placed.extend_from_slice(&self.pending);
                out.append(&mut self.pending);
                Some((v, cost))
            }
            None => {
                // The instructions made stay unreferenced in the arena, outside the layout.
                for &i in &self.pending {
                    let r = self.func.inst(i).results[0];
                    self.def_block[r.index()] = None;
                }
                self.stats.fallbacks += made.is_none() as u64;
                None
            }
        }
    }
}

/// The cost of each original pure value as the tree it computes (opaque values 0), in
/// extraction's units, by value index.
fn original_costs(func: &Function, built: &Built, model: &TreeCost, dom: &DomTree) -> Vec<u64> {
    let mut cost = vec![0u64; func.values.len()];
    for &b in dom.rpo() {
        for &i in func.block_insts(b) {
            let d = func.inst(i);
            let [r] = d.results[..] else { continue };
            if built.orig[r.index()] != Some(i) {
                continue;
            }
            let (Some(ty), Some(_)) = (d.ty, built.class_of[r.index()]) else { continue };
            if d.opcode == Opcode::Copy {
                cost[r.index()] = cost[d.args[0].index()];
                continue;
            }
            let vals: SmallVec<[Id; 4]> = d.args.iter().filter_map(|a| built.class_of[a.index()]).collect();
            let own = model.op_own(d.opcode, ty, &vals);
            let sum = d.args.iter().fold(own, |acc, a| acc.saturating_add(cost[a.index()]));
            cost[r.index()] = sum.min(NEVER);
        }
    }
    cost
}

/// Whether original instruction `i` (result class `c`) already is class `c`'s best
/// node: same operation, type and immediate over operands of the best node's classes.
fn is_best(e: &Elab, i: Inst, c: Id, class_of: &[Option<Id>]) -> bool {
    let Some((op, ty, imm, kids)) = e.ir_form(e.ex.find_best_node(c)) else { return false };
    let d = e.func.inst(i);
    d.opcode == op
        && d.ty == Some(ty)
        && d.imm == imm
        && d.args.len() == kids.len()
        && d.args.iter().zip(kids).all(|(a, &k)| class_of[a.index()].map(|x| e.eg.find(x)) == Some(e.eg.find(k)))
}

/// Rewrites `func` in place from the saturated e-graph, as the module docs say.
pub fn elaborate<'a, 'x>(
    func: &'a mut Function,
    built: &'a Built,
    eg: &'a EG,
    ex: &'a Ex<'x>,
    model: &'a TreeCost<'a>,
    dom: &'a DomTree,
) -> Elaborated {
    let Some(entry) = func.entry() else { return Elaborated::default() };
    let orig_cost = original_costs(func, built, model, dom);
    let nv = func.values.len();
    let first_new = func.insts.len();
    let func_insts = first_new;
    let mut e = Elab {
        func,
        eg,
        ex,
        dom,
        def_block: vec![None; nv],
        near: Vec::new(),
        near_live: Vec::new(),
        new_class: Vec::new(),
        first_new: func_insts,
        marks: Marks::new(eg.nodes().len()),
        pending: Vec::new(),
        pending_cost: 0,
        placed: Vec::new(),
        prices: model,
        stats: Elaborated::default(),
    };
    // How many uses each value has now: an operand used once dies with its user.
    let mut uses_before = vec![0u32; nv];
    for &b in &e.func.layout {
        for &i in e.func.block_insts(b) {
            for a in e.func.inst_uses(i) {
                uses_before[a.index()] += 1;
            }
        }
    }
    // What computing each pure value costs beyond what stays computed anyway: its own
    // operation plus the operands only it uses (for a replaced value, its replacement).
    // A replacement must cost strictly less than this, so one that only trades an
    // operand for another already computed elsewhere (and stretches that one's live
    // range) is not made.
    let mut marg = vec![0u64; nv];
    let mut truth: Vec<Option<Id>> = vec![None; e.func.insts.len()];
    for &(i, t) in &built.truth {
        truth[i.index()] = Some(t);
    }
    // What replaces each value (by value index), for every use.
    let mut subst: Vec<Option<Value>> = vec![None; nv];
    // Originals replaced (and old branch conditions), whose instruction is removed once
    // nothing uses it.
    let mut replaced_insts: Vec<Inst> = Vec::new();
    let mut stack = vec![entry];
    while let Some(b) = stack.pop() {
        let params: SmallVec<[Value; 4]> = e.func.block_params(b).iter().copied().collect();
        for p in params {
            e.def_block[p.index()] = Some(b);
        }
        let insts = std::mem::take(&mut e.func.blocks[b.index()].insts);
        let mut out: Vec<Inst> = Vec::with_capacity(insts.len());
        for &i in &insts {
            let d = e.func.inst(i);
            let pure = d.results.len() == 1 && built.orig[d.results[0].index()] == Some(i);
            if let (true, false, Some(ty)) = (pure, d.opcode == Opcode::Copy, d.ty) {
                let r = d.results[0];
                if let Some(c) = built.class_of[r.index()].map(|c| eg.find(c)) {
                    let vals: SmallVec<[Id; 4]> = d.args.iter().filter_map(|a| built.class_of[a.index()]).collect();
                    let own = model.op_own(d.opcode, ty, &vals);
                    let m = d
                        .args
                        .iter()
                        .filter(|a| uses_before[a.index()] == 1)
                        .fold(own, |acc, a| acc.saturating_add(marg[a.index()]));
                    marg[r.index()] = m;
                    if ex.find_best_cost(c) < orig_cost[r.index()] && !is_best(&e, i, c, &built.class_of) {
                        e.gather_near(i, &built.class_of, &built.orig, &subst, &uses_before);
                        if let Some((x, cost)) = e.replace(c, b, &mut out, m) {
                            subst[r.index()] = Some(x);
                            marg[r.index()] = cost;
                            replaced_insts.push(i);
                            e.stats.replaced += 1;
                        }
                    }
                }
            }
            if let (Some(t), Some(&cond)) = (truth[i.index()], e.func.inst(i).args.first()) {
                e.gather_near(i, &built.class_of, &built.orig, &subst, &uses_before);
                if let Some(x) = branch_cond(&mut e, cond, t, &orig_cost, &built.class_of, b, &mut out) {
                    e.stats.branch_conds += 1;
                    e.func.inst_mut(i).args[0] = x;
                    if let Some(j) = built.orig[cond.index()] {
                        replaced_insts.push(j); // removed below if nothing else uses it
                    }
                }
            }
            out.push(i);
            let d = e.func.inst(i);
            let results: SmallVec<[Value; 2]> = d.results.iter().copied().collect();
            for r in results {
                e.define(r, b);
            }
        }
        if out != insts {
            e.stats.changed = true;
        }
        e.func.blocks[b.index()].insts = out;
        for &c in dom.children(b).iter().rev() {
            stack.push(c);
        }
    }
    let mut stats = e.stats;
    let placed = std::mem::take(&mut e.placed);
    let func = e.func;
    if replaced_insts.is_empty() && stats.branch_conds == 0 {
        return stats;
    }
    stats.changed = true;
    // Every use of a replaced value now reads its replacement.
    let resolve = |v: Value| subst.get(v.index()).copied().flatten().unwrap_or(v);
    let mut uses = vec![0u32; func.values.len()];
    for b in func.layout.clone() {
        for n in 0..func.blocks[b.index()].insts.len() {
            let i = func.blocks[b.index()].insts[n];
            let d = &mut func.insts[i.index()];
            for a in d.args.iter_mut().chain(d.dests.iter_mut().flat_map(|bc| bc.args.iter_mut())) {
                *a = resolve(*a);
                uses[a.index()] += 1;
            }
        }
    }
    // Remove replaced originals and unused new instructions (a replacement of a value
    // whose users were all replaced too), then what only they used: pure originals and
    // new instructions, never code that was dead before.
    let mut dead = vec![false; func.insts.len()];
    let mut work = replaced_insts;
    work.extend_from_slice(&placed);
    let removable = |func: &Function, v: Value| match func.value_def(v) {
        // New instructions are only ever used by placed ones, never by a tree given up on.
        ValueDef::Result(j, _) if j.index() >= first_new || built.orig.get(v.index()) == Some(&Some(j)) => Some(j),
        ValueDef::Result(..) | ValueDef::Param(..) => None,
    };
    while let Some(i) = work.pop() {
        let [r] = func.inst(i).results[..] else { continue };
        if uses[r.index()] != 0 || std::mem::replace(&mut dead[i.index()], true) {
            continue;
        }
        if i.index() < first_new {
            stats.removed += 1;
        }
        for k in 0..func.inst(i).args.len() {
            let a = func.inst(i).args[k];
            uses[a.index()] -= 1;
            if uses[a.index()] == 0 {
                if let Some(j) = removable(func, a) {
                    work.push(j);
                }
            }
        }
    }
    stats.created = 0;
    for &b in dom.rpo() {
        func.blocks[b.index()].insts.retain(|i| !dead[i.index()]);
        stats.created += func.blocks[b.index()].insts.iter().filter(|i| i.index() >= first_new).count() as u64;
    }
    stats
}

/// The condition of a `brif` whose condition is `c` and truth class `t`
/// (`icmp ne c, 0`, or `c`'s own class when `c` is a comparison): any `x` with `(icmp.i32 ne x 0)` in `t`, or `t` itself, when it is
/// strictly cheaper than `c` as it is and than `c`'s best tree; materialised before the
/// branch. `None`: keep `c` (replaced like any other use, if it was).
fn branch_cond(
    e: &mut Elab,
    c: Value,
    t: Id,
    orig_cost: &[u64],
    class_of: &[Option<Id>],
    b: Block,
    out: &mut Vec<Inst>,
) -> Option<Value> {
    let t = e.eg.find(t);
    let cc = e.eg.find(class_of[c.index()]?);
    let now = orig_cost.get(c.index()).copied().unwrap_or(0);
    let mut best = (e.ex.find_best_cost(cc).min(now), cc);
    let mut cands: SmallVec<[Id; 4]> = smallvec::smallvec![t];
    for n in e.eg[t].nodes.iter() {
        if let Node::Op { op: Opcode::Icmp, ty: Type::I32, args } = n {
            let cond = e.eg[args[0]].data.cc;
            let zero = e.eg[args[2]].data.konst;
            if cond == Some(super::language::Cc::Int(wlab_ir::IntCC::Ne)) && zero == Some(crate::fold::Const::I32(0)) {
                cands.push(e.eg.find(args[1]));
            }
        }
    }
    for x in cands {
        let cost = e.ex.find_best_cost(x);
        if cost < best.0 && e.eg[x].data.ty == Some(Type::I32) {
            best = (cost, x);
        }
    }
    if best.1 == cc {
        return None;
    }
    e.replace(best.1, b, out, u64::MAX).map(|(v, _)| v)
}
