//! From e-graph back to IR: extraction picks each needed class's cheapest node under the
//! cost model; elaboration walks the dominator tree and, at each skeleton operand,
//! materialises the chosen tree.
//!
//! ```text
//! skeleton operand v5 in block B ──▶ class of v5 ──▶ best node (extractor)
//!     children first; each node is placed in B, or hoisted out of every loop whose
//!     body does not define an operand (to the block that dominates the loop header);
//!     a class already computed in a dominating block is reused (no duplicated work
//!     along a path); an original instruction with the same operation and operands is
//!     reused, so a function already in the chosen form keeps its value numbers.
//! ```
//!
//! Never placing work into a loop: a tree that replaces value `v` must not be placed in
//! a loop deeper than `v`'s own definition, and every opaque value it names must be
//! defined at the use. If either fails, the value's original instruction is rebuilt from
//! its operands instead (each of which gets the same treatment). Pure instructions no
//! skeleton operand needs are dropped. This file never changes which skeleton
//! instructions run, nor their order.

use super::analysis::EG;
use super::build::Built;
use super::cost::NEVER;
use super::language::{leaf, Node};
use egg::Id;
use smallvec::SmallVec;
use wlab_ir::dominators::DomTree;
use wlab_ir::loops::LoopAnalysis;
use wlab_ir::opinfo::Leaf;
use wlab_ir::{Block, Function, Imm, Inst, InstData, Opcode, Type, Value, ValueDef};

/// What elaboration did.
#[derive(Clone, Copy, Debug, Default)]
pub struct Elaborated {
    /// Instructions created (not reused).
    pub created: u64,
    /// Original pure instructions no longer in the function.
    pub removed: u64,
    /// Values rebuilt from their original instruction because the extracted tree could
    /// not be placed (it named a value not defined there, or would enter a loop).
    pub fallbacks: u64,
    /// Branches whose condition was simplified through its truth class.
    pub branch_conds: u64,
    /// Whether the function differs from before (instruction lists or operands).
    pub changed: bool,
}

/// Original pure instructions not yet placed, by the (canonical) class of their result:
/// one list per class, most recently filed first, linked through a shared pool. An
/// instruction computing `op.ty imm args` for class `c` can only be one of `c`'s: its
/// e-node has the same operation over the same operands' classes. The heads start
/// zeroed (0 = empty, else 1 + pool index), so filing costs no hashing.
struct Reusable {
    head: Vec<u32>,
    /// (instruction, next): next is 0 at the end of a list, else 1 + pool index.
    pool: Vec<(Inst, u32)>,
}

impl Reusable {
    fn new(classes: usize, capacity: usize) -> Self {
        Reusable { head: vec![0; classes], pool: Vec::with_capacity(capacity) }
    }

    /// Files original instruction `i` (of `func`), of class `c`, if it has a
    /// controlling type.
    fn add(&mut self, func: &Function, c: Id, i: Inst) {
        if func.inst(i).ty.is_some() {
            let head = &mut self.head[usize::from(c)];
            self.pool.push((i, *head));
            *head = self.pool.len() as u32;
        }
    }

    /// Takes the last filed instruction of class `c` computing `op.ty imm args`, if any.
    fn take(&mut self, func: &Function, c: Id, op: Opcode, ty: Type, imm: &Imm, args: &[Value]) -> Option<Inst> {
        let mut prev: Option<usize> = None;
        let mut cur = *self.head.get(usize::from(c))?;
        while cur != 0 {
            let k = cur as usize - 1;
            let (i, next) = self.pool[k];
            let d = func.inst(i);
            if d.opcode == op && d.ty == Some(ty) && d.imm == *imm && d.args == args {
                match prev {
                    Some(j) => self.pool[j].1 = next,
                    None => self.head[usize::from(c)] = next,
                }
                return Some(i);
            }
            prev = Some(k);
            cur = next;
        }
        None
    }
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

/// Values computing each (canonical) class, with the block they sit in: one list per
/// class, in the order they were placed, linked through a shared pool. The heads start
/// zeroed (0 = empty, else 1 + pool index), so classes never used cost nothing.
struct Avail {
    head: Vec<u32>,
    /// (value, block, next): next is 0 at the end of a list, else 1 + pool index.
    pool: Vec<(Value, Block, u32)>,
}

impl Avail {
    fn new(classes: usize) -> Self {
        Avail { head: vec![0; classes], pool: Vec::new() }
    }

    /// Appends `(v, p)` to the list of `c`.
    fn push(&mut self, c: Id, v: Value, p: Block) {
        self.pool.push((v, p, 0));
        let new = self.pool.len() as u32;
        let head = &mut self.head[usize::from(c)];
        if *head == 0 {
            *head = new;
            return;
        }
        let mut last = *head as usize - 1;
        while self.pool[last].2 != 0 {
            last = self.pool[last].2 as usize - 1;
        }
        self.pool[last].2 = new;
    }
}

/// One step of [`Elab::extract_at`]'s walk over a tree.
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
    loops: &'a LoopAnalysis,
    class_of: &'a [Option<Id>],
    orig: &'a [Option<Inst>],
    /// Where each value is defined now (skeleton and placed instructions, params).
    def_block: Vec<Option<Block>>,
    /// Values computing each (canonical) class, with the block they sit in, by class.
    avail: Avail,
    /// The classes of the tree being extracted (see [`Elab::extract_at`]).
    marks: Marks,
    /// Original pure instructions by class, not yet placed.
    reusable: Reusable,
    out: Vec<Vec<Inst>>,
    stats: Elaborated,
    /// The block of each value's original definition.
    orig_blocks: Vec<Option<Block>>,
}

impl<'x> Elab<'_, 'x> {
    fn available(&self, v: Value, b: Block) -> bool {
        self.def_block.get(v.index()).copied().flatten().is_some_and(|d| self.dom.dominates(d, b))
    }

    /// A value of class `c` available in `b`. The walk is a dominator-tree pre-order,
    /// so a placement that does not dominate `b` will dominate no later block either
    /// (its subtree is behind us): it is dropped, which keeps every lookup amortised
    /// constant (without it, a constant used in thousands of sibling blocks made
    /// elaboration quadratic).
    fn lookup(&mut self, c: Id, b: Block) -> Option<Value> {
        let dom = self.dom;
        let Avail { head, pool } = &mut self.avail;
        let head = head.get_mut(usize::from(c))?;
        // Unlink the placements that do not dominate `b`, keeping the others' order.
        let mut prev: Option<usize> = None;
        let mut cur = *head;
        while cur != 0 {
            let k = cur as usize - 1;
            let (_, p, next) = pool[k];
            if dom.dominates(p, b) {
                prev = Some(k);
            } else {
                match prev {
                    Some(j) => pool[j].2 = next,
                    None => *head = next,
                }
            }
            cur = next;
        }
        (*head != 0).then(|| pool[*head as usize - 1].0)
    }

    /// Where an instruction with operands `args` used in `b` goes: `b`, or out of every
    /// loop whose body defines none of the operands.
    fn placement(&self, b: Block, args: &[Value]) -> Block {
        let mut target = b;
        while let Some(l) = self.loops.innermost_loop(target) {
            let h = self.loops.header(l);
            let Some(p) = self.dom.idom(h) else { break };
            let inside = args.iter().any(|&a| self.def_block[a.index()].is_some_and(|d| self.loops.contains(l, d)));
            if inside {
                break;
            }
            target = p;
        }
        target
    }

    /// Places instruction `proto` with operands `args` (its own are ignored) for class
    /// `c`, used in `b`; `home` is the loop depth it may not exceed. `None` when that
    /// would enter a loop. An original instruction computing the same is reused; only a
    /// new one gets `proto` (so a reused one costs no allocation).
    fn place(&mut self, c: Id, proto: InstData, args: &[Value], rty: Type, b: Block, home: u32) -> Option<Value> {
        let p = self.placement(b, args);
        if self.loops.loop_depth(p) > home {
            return None;
        }
        let reused = proto.ty.and_then(|ty| self.reusable.take(self.func, c, proto.opcode, ty, &proto.imm, args));
        let (inst, v) = match reused {
            Some(i) => (i, self.func.inst(i).results[0]),
            None => {
                self.stats.created += 1;
                let data = InstData { args: args.to_vec(), results: Vec::with_capacity(1), ..proto };
                let i = self.func.make_inst(data, &[rty]);
                (i, self.func.inst(i).results[0])
            }
        };
        let list = &mut self.out[p.index()];
        if p == b || list.is_empty() {
            list.push(inst);
        } else {
            // An already finished dominating block: before its terminator.
            let at = list.len() - 1;
            list.insert(at, inst);
        }
        if self.def_block.len() <= v.index() {
            self.def_block.resize(v.index() + 1, None);
        }
        self.def_block[v.index()] = Some(p);
        self.avail.push(c, v, p);
        Some(v)
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

    /// Materialises the best tree of class `root` for a use in `b`, or `None` when it
    /// cannot be placed there (see the module docs). Each class is visited twice: on
    /// the way down (found already computed, opaque, or opened and its children
    /// pushed) and, once its children have values, on the way up (placed).
    fn extract_at(&mut self, root: Id, b: Block, home: u32) -> Option<Value> {
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
                    if let Some(v) = self.lookup(c, b) {
                        self.marks.set(c, v);
                        continue;
                    }
                    let node = self.ex.find_best_node(c);
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
            let mut args: SmallVec<[Value; 4]> = SmallVec::new();
            for &k in kids {
                args.push(self.marks.value(self.eg.find(k)).expect("children first"));
            }
            let rty = super::language::result_type(op, ty);
            let v = self.place(c, InstData::new(op, Some(ty), Vec::new(), imm), &args, rty, b, home)?;
            self.marks.set(c, v);
        }
        self.marks.value(root)
    }

    /// The loop depth of `v`'s original definition: what replaces it may not go deeper.
    fn home_depth(&self, v: Value) -> u32 {
        self.orig_blocks[v.index()].or(self.def_block[v.index()]).map_or(0, |d| self.loops.loop_depth(d))
    }

    /// A value computing the same as `v` for a use in `b`.
    fn use_value(&mut self, v: Value, b: Block) -> Value {
        let Some(c) = self.class_of.get(v.index()).copied().flatten() else {
            return v;
        };
        let c = self.eg.find(c);
        if let Some(x) = self.lookup(c, b) {
            return x;
        }
        let home = self.home_depth(v);
        if let Some(x) = self.extract_at(c, b, home) {
            return x;
        }
        self.fallback(v, c, b)
    }

    /// Rebuilds `v`'s original instruction (operands elaborated) for a use in `b`.
    fn fallback(&mut self, v: Value, c: Id, b: Block) -> Value {
        let Some(i) = self.orig[v.index()] else {
            return v; // an opaque value: always defined at its uses
        };
        self.stats.fallbacks += 1;
        let d = self.func.inst(i);
        let proto = InstData { args: Vec::new(), results: Vec::new(), dests: Vec::new(), ..*d };
        let orig_args: SmallVec<[Value; 4]> = d.args.iter().copied().collect();
        let args: SmallVec<[Value; 4]> = orig_args.iter().map(|&a| self.use_value(a, b)).collect();
        if proto.opcode == Opcode::Copy {
            return args[0];
        }
        let rty = self.func.value_type(v);
        let home = u32::MAX; // the original instruction was there: never refused
        self.place(c, proto, &args, rty, b, home).expect("an unbounded home always places")
    }
}

/// Rewrites `func` from the saturated e-graph: skeleton operands get extracted values,
/// pure instructions are placed as described in the module docs.
pub fn elaborate<'a, 'x>(
    func: &'a mut Function,
    built: &'a Built,
    eg: &'a EG,
    ex: &'a Ex<'x>,
    dom: &'a DomTree,
    loops: &'a LoopAnalysis,
) -> Elaborated {
    let mut inst_block: Vec<Option<Block>> = vec![None; func.insts.len()];
    for (b, i) in func.layout_insts() {
        inst_block[i.index()] = Some(b);
    }
    let mut def_block = vec![None; func.values.len()];
    let mut orig_blocks = vec![None; func.values.len()];
    let mut reusable = Reusable::new(eg.nodes().len(), built.pure_insts);
    let mut originals = 0u64;
    for (v, data) in func.values.iter().enumerate() {
        if let ValueDef::Result(i, _) = data.def {
            orig_blocks[v] = inst_block[i.index()];
        }
    }
    // Reusable originals, in reverse order so `take` takes the first one.
    for &b in dom.rpo().iter().rev() {
        for &i in func.block_insts(b).iter().rev() {
            let d = func.inst(i);
            if d.results.len() == 1 && built.orig[d.results[0].index()] == Some(i) {
                originals += 1;
                match built.class_of[d.results[0].index()] {
                    Some(c) if d.opcode != Opcode::Copy => reusable.add(func, eg.find(c), i),
                    _ => {}
                }
            }
        }
    }
    let mut e = Elab {
        func,
        eg,
        ex,
        dom,
        loops,
        class_of: &built.class_of,
        orig: &built.orig,
        def_block: std::mem::take(&mut def_block),
        avail: Avail::new(eg.nodes().len()),
        marks: Marks::new(eg.nodes().len()),
        reusable,
        out: Vec::new(),
        stats: Elaborated::default(),
        orig_blocks,
    };
    e.out = vec![Vec::new(); e.func.blocks.len()];
    let mut truth: Vec<Option<Id>> = vec![None; e.func.insts.len()];
    for &(i, t) in &built.truth {
        truth[i.index()] = Some(t);
    }
    // Pre-order walk of the dominator tree. Skeleton instructions are never the original
    // of a value (build keeps them out of the e-graph), so nothing elaboration reads of
    // them changes while their operands are rewritten in place.
    let Some(entry) = e.func.entry() else { return e.stats };
    let mut stack = vec![entry];
    while let Some(b) = stack.pop() {
        for &p in e.func.block_params(b) {
            e.def_block[p.index()] = Some(b);
        }
        for &i in &built.skeleton[b.index()] {
            for n in 0..e.func.inst(i).args.len() {
                let a = e.func.inst(i).args[n];
                let x = match (n, truth[i.index()]) {
                    (0, Some(t)) => e.branch_cond(a, t, b),
                    _ => e.use_value(a, b),
                };
                if x != a {
                    e.stats.changed = true;
                    e.func.inst_mut(i).args[n] = x;
                }
            }
            for k in 0..e.func.inst(i).dests.len() {
                for n in 0..e.func.inst(i).dests[k].args.len() {
                    let a = e.func.inst(i).dests[k].args[n];
                    let x = e.use_value(a, b);
                    if x != a {
                        e.stats.changed = true;
                        e.func.inst_mut(i).dests[k].args[n] = x;
                    }
                }
            }
            e.out[b.index()].push(i);
            for &r in &e.func.insts[i.index()].results {
                e.def_block[r.index()] = Some(b);
            }
        }
        for &c in dom.children(b).iter().rev() {
            stack.push(c);
        }
    }
    let mut stats = e.stats;
    let mut out = std::mem::take(&mut e.out);
    let func = e.func;
    let mut placed_originals = 0u64;
    for &b in dom.rpo() {
        for &i in &out[b.index()] {
            let d = func.inst(i);
            if d.results.len() == 1 && built.orig.get(d.results[0].index()) == Some(&Some(i)) {
                placed_originals += 1;
            }
        }
        if func.blocks[b.index()].insts != out[b.index()] {
            stats.changed = true;
            func.blocks[b.index()].insts = std::mem::take(&mut out[b.index()]);
        }
    }
    stats.removed = originals - placed_originals;
    stats
}

impl Elab<'_, '_> {
    /// The condition of a `brif` whose condition is `c` and truth class `t`
    /// (`icmp ne c, 0`): the cheapest of `c`, any `x` with `(icmp.i32 ne x 0)` in `t`,
    /// or `t` itself.
    fn branch_cond(&mut self, c: Value, t: Id, b: Block) -> Value {
        let t = self.eg.find(t);
        let Some(cc) = self.class_of[c.index()] else { return c };
        let cc = self.eg.find(cc);
        let mut best = (self.ex.find_best_cost(cc), cc);
        let mut cands = vec![t];
        for n in self.eg[t].nodes.iter() {
            if let Node::Op { op: Opcode::Icmp, ty: Type::I32, args } = n {
                let cond = self.eg[args[0]].data.cc;
                let zero = self.eg[args[2]].data.konst;
                if cond == Some(super::language::Cc::Int(wlab_ir::IntCC::Ne))
                    && zero == Some(crate::fold::Const::I32(0))
                {
                    cands.push(self.eg.find(args[1]));
                }
            }
        }
        for x in cands {
            let cost = self.ex.find_best_cost(x);
            if cost < best.0 && self.eg[x].data.ty == Some(Type::I32) {
                best = (cost, x);
            }
        }
        if best.1 == cc {
            return self.use_value(c, b);
        }
        let home = self.home_depth(c);
        match self.extract_at(best.1, b, home) {
            Some(v) => {
                self.stats.branch_conds += 1;
                v
            }
            None => self.use_value(c, b),
        }
    }
}
