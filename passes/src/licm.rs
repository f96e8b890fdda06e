//! `licm`: loop-invariant code motion. Instructions whose operands do not change inside
//! a loop move to the loop's preheader, which runs once before the loop.
//!
//! ```text
//! block0(v0: i32, v1: i32):                 block0(v0: i32, v1: i32):
//!     jump block1(v0)                           v3 = imul.i32 v1, v1
//!                                               jump block1(v0)
//! block1(v2: i32):                 ==>      block1(v2: i32):
//!     v3 = imul.i32 v1, v1                      v4 = isub.i32 v2, v3
//!     v4 = isub.i32 v2, v3                      brif v4, block1(v4), block2
//!     brif v4, block1(v4), block2
//! ```
//!
//! What moves (operands all defined outside the loop or already hoisted):
//! - pure instructions ([`wlab_ir::Opcode::effects`] is pure), from anywhere in the loop;
//! - instructions whose only effect is that they may trap (`sdiv`, `urem`,
//!   `fcvt_to_sint`, ...) and loads ([`wlab_ir::Opcode::is_load`]; only when no
//!   instruction in the loop `writes_memory` or `call`s), and only when they sit in the
//!   loop header with nothing but pure or already-hoisted instructions before them. The
//!   header runs right after the preheader, so such an instruction executed anyway, with
//!   the same operands and nothing observable in between: hoisting changes neither
//!   whether nor where it traps. A division in a conditional block of the loop never
//!   moves, nor does one after a store, a call or another trapping instruction that
//!   stays.
//!
//! The preheader is the loop's only outside predecessor when that block ends in a
//! `jump` to the header; otherwise a new block is made, placed just before the header,
//! that takes the header's parameters and passes them through, and every outside branch
//! to the header goes to it instead (only when something is hoisted). Loops whose header
//! is the entry block are skipped. Inner loops are processed first, so an invariant can
//! move out of several levels. Argument `max-depth`: only loops nested at most this deep
//! (1 = outermost loops only; 0 = every loop).
//!
//! Register pressure: a hoisted value is live across the whole loop. An instruction that
//! is cheaper to recompute ([`crate::remat::is_rematerialisable`]: `iadd`, `isub`,
//! `band`, `bor`, `bxor` with a constant operand, shifts by a constant, `icmp` against a
//! constant, `eqz`, `const.v128`)
//! moves only when hoisted code reads it
//! (an invariant load's address, say), and is then also copied back into each loop
//! block that uses it. Scalar constants are hoisted (they cost nothing: the
//! backends materialise them at each use). An instruction the backends fold into its one user
//! stays with that user unless hoisted code reads it ([`fused_into_user`]): a compare
//! whose one use is the condition of a `brif` or `select` (`cmp` + `jcc` / `cmov`;
//! hoisted it would become a flag value live across the loop, tested each iteration
//! anyway), and a shift by 1 to 3 whose one use is an `iadd` (on x86-64 the scaled
//! index of one `lea`, on AArch64 an `add` with a shifted register operand; hoisted it
//! would be one more value live across the loop for no instruction saved).
//! Counters: `hoisted`, `preheaders`, `rematerialised` (copies put back).

use crate::pass::{Changed, Pass, PassError, PassOutcome};
use crate::registry::{ArgSpec, ArgType, Make, PassArgs, PassInfo};
use crate::remat;
use wlab_ir::cfg::ControlFlowGraph;
use wlab_ir::dominators::DomTree;
use wlab_ir::loops::{Loop, LoopAnalysis};
use wlab_ir::{Block, BlockCall, FloatCC, Function, Imm, Inst, InstData, Opcode, Value, ValueDef};

pub const INFO: PassInfo = PassInfo {
    name: "licm",
    description:
        "hoist loop-invariant instructions (pure; loads and trapping ops only when they run anyway) to a preheader",
    args: &[ArgSpec {
        name: "max-depth",
        ty: ArgType::Int,
        default: "0",
        doc: "only loops nested at most this deep (1 = outermost); 0 = every loop",
    }],
    make: Make::Function(|args: &PassArgs| {
        Ok(Box::new(Licm { max_depth: args.int_in("max-depth", 0, u32::MAX as i64)? as u32 }))
    }),
    idempotent: false,
};

/// See the module docs.
#[derive(Clone, Copy, Debug, Default)]
pub struct Licm {
    /// 0: every loop.
    pub max_depth: u32,
}

/// What the pass knows while it runs: the loops of the function as it was at the start
/// (adding a preheader outside a loop changes no loop), plus the preheaders made since,
/// each recorded against its header. A made preheader lies in exactly the loops that
/// strictly contain its loop.
struct Analyses {
    cfg: ControlFlowGraph,
    loops: LoopAnalysis,
    /// By block index: the preheader made for this header.
    made_for: Vec<Option<Block>>,
    /// By block index: the header this made preheader serves.
    header_of: Vec<Option<Block>>,
}

impl Analyses {
    fn new(func: &Function) -> Self {
        let cfg = ControlFlowGraph::new(func);
        let dom = DomTree::new(func, &cfg);
        let loops = LoopAnalysis::new(func, &cfg, &dom);
        let n = func.blocks.len();
        Analyses { cfg, loops, made_for: vec![None; n], header_of: vec![None; n] }
    }

    /// Whether block `b` (possibly a made preheader) is in loop `l`.
    fn contains(&self, l: Loop, b: Block) -> bool {
        match self.header_of.get(b.index()).copied().flatten() {
            Some(h) => h != self.loops.header(l) && self.loops.contains(l, h),
            None => self.loops.contains(l, b),
        }
    }

    fn record_made(&mut self, ph: Block, h: Block) {
        if self.header_of.len() <= ph.index() {
            self.header_of.resize(ph.index() + 1, None);
            self.made_for.resize(ph.index() + 1, None);
        }
        self.header_of[ph.index()] = Some(h);
        self.made_for[h.index()] = Some(ph);
    }
}

/// The block holding each instruction in the layout, by instruction index.
fn inst_blocks(func: &Function) -> Vec<Option<Block>> {
    let mut at = vec![None; func.insts.len()];
    for (b, i) in func.layout_insts() {
        at[i.index()] = Some(b);
    }
    at
}

impl Pass for Licm {
    fn name(&self) -> &'static str {
        INFO.name
    }

    fn run(&mut self, func: &mut Function) -> Result<PassOutcome, PassError> {
        let mut an = Analyses::new(func);
        let entry = func.entry();
        // Loops, innermost first (deeper first; ties in loop order).
        let mut order: Vec<Loop> =
            an.loops.loops().filter(|&l| self.max_depth == 0 || an.loops.depth(l) <= self.max_depth).collect();
        order.sort_by_key(|&l| (std::cmp::Reverse(an.loops.depth(l)), l));
        let mut inst_block = inst_blocks(func);
        // hoisted_in[i] == stamp: instruction i was chosen for the loop being looked at
        // (one array for all loops, so each loop costs only its own size).
        let mut hoisted_in: Vec<u32> = vec![0; func.insts.len()];
        // needed_in[i] == stamp: hoisted code of the loop being looked at reads instruction
        // i's result (stamped like `hoisted_in`, for the same reason).
        let mut needed_in: Vec<u32> = vec![0; func.insts.len()];
        // Computed before anything moves: no later edit (a move, a preheader, a
        // rematerialised copy) gives an instruction a use it did not have.
        let fused = fused_into_user(func);
        let mut stamp = 0u32;
        let mut hoisted_total = 0u64;
        let mut preheaders = 0u64;
        // Every hoisted instruction, operands before users.
        let mut hoisted_all: Vec<Inst> = Vec::new();
        for l in order {
            let h = an.loops.header(l);
            if Some(h) == entry {
                continue;
            }
            stamp += 1;
            let marks = Marks { hoisted_in: &mut hoisted_in, needed_in: &mut needed_in, stamp };
            let hoist = hoistable(func, &an, l, &inst_block, marks, &fused);
            if hoist.is_empty() {
                continue;
            }
            let (ph, created) = preheader(func, &an, l);
            if created {
                preheaders += 1;
                an.record_made(ph, h);
            }
            // Take the hoisted instructions out of their blocks (one sweep per block),
            // then append them to the preheader, before its terminator, in order.
            let mut from: Vec<Block> = hoist.iter().map(|&i| inst_block[i.index()].expect("placed")).collect();
            from.sort_unstable();
            from.dedup();
            for b in from {
                func.blocks[b.index()].insts.retain(|&x| hoisted_in.get(x.index()) != Some(&stamp));
            }
            let insts = &mut func.blocks[ph.index()].insts;
            let term = insts.pop().expect("a preheader ends in a jump");
            insts.extend(hoist.iter().copied());
            insts.push(term);
            for &i in &hoist {
                inst_block[i.index()] = Some(ph);
            }
            hoisted_total += hoist.len() as u64;
            hoisted_all.extend_from_slice(&hoist);
        }
        if preheaders > 0 {
            // Each made preheader goes just before its header.
            let mut layout = Vec::with_capacity(func.layout.len() + preheaders as usize);
            for &b in &func.layout {
                if an.header_of.get(b.index()).copied().flatten().is_some() {
                    continue;
                }
                if let Some(ph) = an.made_for.get(b.index()).copied().flatten() {
                    layout.push(ph);
                }
                layout.push(b);
            }
            func.layout = layout;
        }
        // Cheap values hoisted for hoisted code are recomputed in the loop blocks that
        // also use them rather than kept live across the loop (after the layout: the
        // made preheaders must be in it).
        let cheap: Vec<Inst> = hoisted_all.into_iter().filter(|&i| remat::is_rematerialisable(func, i)).collect();
        let remat = remat::into_using_blocks(func, &cheap);
        let mut out = PassOutcome::unchanged();
        if preheaders > 0 {
            out.changed = Changed::ControlFlow;
            out.count("preheaders", preheaders);
        } else if hoisted_total > 0 {
            out.changed = Changed::Instructions;
        }
        if hoisted_total > 0 {
            out.count("hoisted", hoisted_total);
        }
        if remat.copies > 0 {
            out.count("rematerialised", remat.copies);
        }
        Ok(out)
    }
}

/// Per-instruction marks shared by all loops of one run, each valid only where it equals
/// the current loop's `stamp`: clearing a function-sized array per loop would make the
/// pass quadratic in functions with many loops.
struct Marks<'a> {
    hoisted_in: &'a mut [u32],
    needed_in: &'a mut [u32],
    stamp: u32,
}

/// The instructions of loop `l` that may move to its preheader, in an order where
/// every operand is hoisted before its users; marks them `hoisted_in[i] = stamp`.
fn hoistable(
    func: &Function,
    an: &Analyses,
    l: Loop,
    inst_block: &[Option<Block>],
    marks: Marks<'_>,
    fused: &[bool],
) -> Vec<Inst> {
    let Marks { hoisted_in, needed_in, stamp } = marks;
    let la = &an.loops;
    let header = la.header(l);
    let in_loop = |b: Block| an.contains(l, b);
    // The loop's blocks in dominance order, each inner loop's made preheader just
    // before that loop's header.
    let mut blocks: Vec<Block> = Vec::with_capacity(la.blocks(l).len());
    for &b in la.blocks(l) {
        if b != header {
            if let Some(ph) = an.made_for.get(b.index()).copied().flatten() {
                blocks.push(ph);
            }
        }
        blocks.push(b);
    }
    let loop_writes = blocks.iter().any(|&b| {
        func.block_insts(b).iter().any(|&i| {
            let e = func.inst(i).opcode.effects();
            e.writes_memory || e.call
        })
    });
    let mut out = Vec::new();
    let invariant = |v: Value, hoisted_in: &[u32]| match func.value_def(v) {
        ValueDef::Param(b, _) => !in_loop(b),
        ValueDef::Result(i, _) => {
            hoisted_in.get(i.index()) == Some(&stamp) || inst_block[i.index()].is_some_and(|b| !in_loop(b))
        }
    };
    for &b in &blocks {
        // In the header: true while every instruction so far is pure or hoisted.
        let mut clean_prefix = b == header;
        for &i in func.block_insts(b) {
            let d = func.inst(i);
            let e = d.opcode.effects();
            let operands_ok = d.args.iter().all(|&a| invariant(a, hoisted_in));
            let only_traps = e.may_trap
                && !e.reads_memory
                && !e.writes_memory
                && !e.reads_state
                && !e.writes_state
                && !e.call
                && !e.terminator;
            let load_ok = d.opcode.is_load() && !loop_writes;
            let movable = if e.is_pure() {
                operands_ok
            } else if only_traps || load_ok {
                clean_prefix && operands_ok
            } else {
                false
            };
            if movable && !d.results.is_empty() {
                hoisted_in[i.index()] = stamp;
                out.push(i);
            } else if !e.is_pure() {
                clean_prefix = false;
            }
        }
    }
    // A rematerialisable instruction, or one fused into its user, moves only when hoisted
    // code reads it (users come after their operands in `out`, so one backward sweep sees
    // every user first).
    let mut kept = Vec::with_capacity(out.len());
    for &i in out.iter().rev() {
        let stays = remat::is_rematerialisable(func, i) || fused[i.index()];
        if stays && needed_in[i.index()] != stamp {
            hoisted_in[i.index()] = 0;
            continue;
        }
        for &a in &func.inst(i).args {
            if let ValueDef::Result(d, _) = func.value_def(a) {
                needed_in[d.index()] = stamp;
            }
        }
        kept.push(i);
    }
    kept.reverse();
    kept
}

/// For each instruction (by index), whether the backends lower it as part of its one
/// user, so that it costs nothing where it is:
/// - an `icmp`, `eqz` or `fcmp` whose result has exactly one use, the condition of a
///   `brif` or a `select`, or the operand of an `eqz` (which then tests its flags);
/// - an `ishl` by a constant 1 to 3 whose result has exactly one use, an operand of an
///   `iadd` (a `lea` with a scaled index on x86-64, `add` with `lsl` on AArch64).
///
/// One walk over the function per run: asking per candidate would walk it once each
/// (quadratic: 4.5 s of licm on a 112,529-instruction function of lightningcss).
fn fused_into_user(func: &Function) -> Vec<bool> {
    // Per value (by index): how many uses, and the opcode of a use that folds it (see above).
    let mut uses: Vec<(u32, Option<Opcode>)> = vec![(0, None); func.values.len()];
    for (_, i) in func.layout_insts() {
        let d = func.inst(i);
        for (k, u) in func.inst_uses(i).enumerate() {
            let folds = match d.opcode {
                Opcode::Brif | Opcode::Select | Opcode::Eqz => k == 0,
                Opcode::Iadd => true,
                _ => false,
            };
            let e = &mut uses[u.index()];
            e.0 += 1;
            if folds {
                e.1 = Some(d.opcode);
            }
        }
    }
    let mut out = vec![false; func.insts.len()];
    for (_, i) in func.layout_insts() {
        let d = func.inst(i);
        let [r] = d.results[..] else { continue };
        let (1, Some(user)) = uses[r.index()] else { continue };
        out[i.index()] = match (d.opcode, d.imm) {
            (Opcode::Icmp | Opcode::Eqz, _) => matches!(user, Opcode::Brif | Opcode::Select | Opcode::Eqz),
            // `eq` and `ne` also need the parity flag: the backends compute them apart.
            (Opcode::Fcmp, Imm::FloatCC(cc)) => {
                !matches!(cc, FloatCC::Eq | FloatCC::Ne) && matches!(user, Opcode::Brif | Opcode::Select | Opcode::Eqz)
            }
            (Opcode::Ishl, _) => {
                let bits = func.value_type(r).bits() as i64;
                let k = func.iconst_value(d.args[1]).map(|k| k.rem_euclid(bits));
                matches!(k, Some(1..=3)) && user == Opcode::Iadd
            }
            _ => false,
        };
    }
    out
}

/// The preheader of `l`, and whether it was made now (the caller places it in the
/// layout).
fn preheader(func: &mut Function, an: &Analyses, l: Loop) -> (Block, bool) {
    let h = an.loops.header(l);
    let outside: Vec<Block> = an.cfg.preds(h).iter().copied().filter(|&p| !an.loops.contains(l, p)).collect();
    if let [p] = outside[..] {
        let t = func.terminator(p).expect("a predecessor has a terminator");
        if func.inst(t).opcode == Opcode::Jump {
            return (p, false);
        }
    }
    let ph = func.create_block();
    let types: Vec<_> = func.block_params(h).iter().map(|&v| func.value_type(v)).collect();
    let params: Vec<Value> = types.into_iter().map(|ty| func.append_block_param(ph, ty)).collect();
    for p in outside {
        let t = func.terminator(p).expect("a predecessor has a terminator");
        for bc in func.inst_mut(t).dests.iter_mut().filter(|bc| bc.block == h) {
            bc.block = ph;
        }
    }
    let mut jump = InstData::new(Opcode::Jump, None, vec![], Imm::None);
    jump.dests = vec![BlockCall::new(h, params)];
    func.append_inst(ph, jump, &[]);
    (ph, true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{body, run_checked, B};
    use crate::validate::check_equivalent;
    use wlab_ir::{IntCC, MemArg, Type};

    fn mem() -> Imm {
        Imm::Mem(MemArg { offset: 0, align: 0, memory: 0 })
    }

    /// A counted loop `for i = n; i > 0; i -= 1` whose body is built by `body_fn`
    /// (given the loop block, i and the function params) and returns a value to sum.
    fn counted_loop(body_fn: impl FnOnce(&mut B, Block, Value, &[Value]) -> Value, two_entries: bool) -> Function {
        let (mut b, p) = B::new(&[Type::I32, Type::I32], &[Type::I32]);
        let b0 = b.b(0);
        let (b1, _) = b.block(&[]);
        let (h, hp) = b.block(&[Type::I32, Type::I32]);
        let (exit, _) = b.block(&[]);
        let zero = b.iconst(b0, Type::I32, 0);
        if two_entries {
            b.brif(b0, p[1], (h, &[p[0], zero]), (b1, &[]));
            b.jump(b1, h, &[p[1], zero]);
        } else {
            b.jump(b0, b1, &[]);
            b.jump(b1, h, &[p[0], zero]);
        }
        let v = body_fn(&mut b, h, hp[0], &p);
        let acc = b.op(h, Opcode::Iadd, Type::I32, &[hp[1], v]);
        let one = b.iconst(h, Type::I32, 1);
        let next = b.op(h, Opcode::Isub, Type::I32, &[hp[0], one]);
        let c = b.icmp(h, IntCC::Sgt, Type::I32, next, zero);
        b.brif(h, c, (h, &[next, acc]), (exit, &[]));
        b.ret(exit, &[acc]);
        b.f
    }

    #[test]
    fn hoists_pure_and_header_division_with_new_preheader() {
        let mut f = counted_loop(
            |b, h, i, p| {
                let d = b.op(h, Opcode::Sdiv, Type::I32, &[p[0], p[1]]);
                let m = b.op(h, Opcode::Imul, Type::I32, &[d, d]);
                b.op(h, Opcode::Iadd, Type::I32, &[m, i])
            },
            true,
        );
        let before = f.clone();
        let (out, text) = run_checked(&mut Licm::default(), &mut f);
        assert_eq!(out.counters["hoisted"], 3, "{text}"); // sdiv, imul, iconst 1
        assert_eq!(out.counters["preheaders"], 1, "{text}");
        let lines = body(&text);
        let ph = lines.iter().position(|l| l == "block4(v12: i32, v13: i32):").expect(&text);
        assert_eq!(lines[ph + 1], "v5 = sdiv.i32 v0, v1", "{text}");
        assert!(text.contains("brif v1, block4(v0, v4), block1"), "{text}");
        check_equivalent(&before, &f, 64).expect("same behaviour");
    }

    #[test]
    fn keeps_load_after_store_and_division_in_conditional() {
        let (mut b, p) = B::new(&[Type::I32, Type::I32], &[Type::I32]);
        let b0 = b.b(0);
        let (h, hp) = b.block(&[Type::I32]);
        let (then, _) = b.block(&[]);
        let (latch, lp) = b.block(&[Type::I32]);
        let (exit, _) = b.block(&[]);
        b.jump(b0, h, &[p[0]]);
        // header: store to the loop's address, then a load of an invariant address
        b.f.append_inst(h, InstData::new(Opcode::Store, Some(Type::I32), vec![hp[0], hp[0]], mem()), &[]);
        let ld = b.f.ins1(h, Opcode::Load, Type::I32, vec![p[1]], mem());
        let zero = b.iconst(h, Type::I32, 0);
        let c = b.icmp(h, IntCC::Ne, Type::I32, hp[0], zero);
        b.brif(h, c, (then, &[]), (latch, &[ld]));
        // conditional: a division by an invariant divisor that may be zero
        let q = b.op(then, Opcode::Udiv, Type::I32, &[p[0], p[1]]);
        b.jump(then, latch, &[q]);
        let four = b.iconst(latch, Type::I32, 4);
        let next = b.op(latch, Opcode::Isub, Type::I32, &[hp[0], four]);
        let again = b.icmp(latch, IntCC::Ugt, Type::I32, next, lp[0]);
        b.brif(latch, again, (h, &[next]), (exit, &[]));
        b.ret(exit, &[lp[0]]);
        let before = b.f.clone();
        let (out, text) = run_checked(&mut Licm::default(), &mut b.f);
        // only the two constants move
        assert_eq!(out.counters["hoisted"], 2, "{text}");
        let lines = body(&text);
        assert_eq!(
            &lines[0..4],
            ["block0(v0: i32, v1: i32):", "v5 = iconst.i32 0", "v8 = iconst.i32 4", "jump block1(v0)"]
        );
        assert!(lines.contains(&"v4 = load.i32 v1".to_string()));
        assert!(lines.contains(&"v7 = udiv.i32 v0, v1".to_string()));
        check_equivalent(&before, &b.f, 64).expect("same behaviour");
    }

    #[test]
    fn invariant_compare_of_a_branch_in_the_loop_stays_with_its_branch() {
        // h(i): c = icmp eq p1, 7; brif c, t, l   -- c is invariant but fused into its brif
        let (mut b, p) = B::new(&[Type::I32, Type::I32], &[Type::I32]);
        let b0 = b.b(0);
        let (h, hp) = b.block(&[Type::I32]);
        let (t, _) = b.block(&[]);
        let (l, _) = b.block(&[]);
        let (exit, _) = b.block(&[]);
        b.jump(b0, h, &[p[0]]);
        let seven = b.iconst(h, Type::I32, 7);
        let c = b.icmp(h, IntCC::Eq, Type::I32, p[1], seven);
        b.brif(h, c, (t, &[]), (l, &[]));
        b.jump(t, l, &[]);
        let one = b.iconst(l, Type::I32, 1);
        let next = b.op(l, Opcode::Isub, Type::I32, &[hp[0], one]);
        let zero = b.iconst(l, Type::I32, 0);
        let g = b.icmp(l, IntCC::Sgt, Type::I32, next, zero);
        b.brif(l, g, (h, &[next]), (exit, &[]));
        b.ret(exit, &[next]);
        let mut f = b.f;
        let before = f.clone();
        let (out, text) = run_checked(&mut Licm::default(), &mut f);
        assert_eq!(out.counters["hoisted"], 3, "{text}"); // iconst 7, 1 and 0; not the icmp
        assert!(f.block_insts(h).iter().any(|&i| f.inst(i).opcode == Opcode::Icmp), "{text}");
        check_equivalent(&before, &f, 64).expect("same behaviour");
    }

    #[test]
    fn compare_of_a_select_and_scaled_index_shift_stay_with_their_user() {
        // c = icmp eq p1, 7; x = select c, i, p0   -- invariant compare fused into the select
        // s = ishl p1, 2; a = iadd i, s            -- invariant shift fused into a scaled lea
        let mut f = counted_loop(
            |b, h, i, p| {
                let seven = b.iconst(h, Type::I32, 7);
                let c = b.icmp(h, IntCC::Eq, Type::I32, p[1], seven);
                let x = b.op(h, Opcode::Select, Type::I32, &[c, i, p[0]]);
                let two = b.iconst(h, Type::I32, 2);
                let s = b.op(h, Opcode::Ishl, Type::I32, &[p[1], two]);
                let a = b.op(h, Opcode::Iadd, Type::I32, &[i, s]);
                b.op(h, Opcode::Iadd, Type::I32, &[x, a])
            },
            false,
        );
        let before = f.clone();
        let (out, text) = run_checked(&mut Licm::default(), &mut f);
        assert_eq!(out.counters["hoisted"], 3, "{text}"); // iconst 7, 2 and 1 only
        let h = f.layout[2];
        let ops: Vec<Opcode> = f.block_insts(h).iter().map(|&i| f.inst(i).opcode).collect();
        assert!(ops.contains(&Opcode::Icmp) && ops.contains(&Opcode::Ishl), "{text}");
        check_equivalent(&before, &f, 64).expect("same behaviour");
        // A shift by 5 is no scaled index, but a shift by a constant is cheaper to
        // recompute than to keep live (`remat`): it stays too.
        let mut f = counted_loop(
            |b, h, i, p| {
                let five = b.iconst(h, Type::I32, 5);
                let s = b.op(h, Opcode::Ishl, Type::I32, &[p[1], five]);
                b.op(h, Opcode::Iadd, Type::I32, &[i, s])
            },
            false,
        );
        let (out, text) = run_checked(&mut Licm::default(), &mut f);
        assert_eq!(out.counters["hoisted"], 2, "{text}"); // iconst 5, iconst 1
    }

    #[test]
    fn cheap_address_arithmetic_stays_in_the_loop_unless_hoisted_code_reads_it() {
        // `p1 + 16` alone: only the constants move; the addition stays in the loop.
        let mut f = counted_loop(
            |b, h, _, p| {
                let k = b.iconst(h, Type::I32, 16);
                b.op(h, Opcode::Iadd, Type::I32, &[p[1], k])
            },
            false,
        );
        let before = f.clone();
        let (out, text) = run_checked(&mut Licm::default(), &mut f);
        assert_eq!(out.counters["hoisted"], 2, "{text}"); // iconst 16, iconst 1
        assert!(!out.counters.contains_key("rematerialised"), "{text}");
        check_equivalent(&before, &f, 64).expect("same behaviour");
        // `load (p1 + 16)` hoisted with its address; the loop's own use of the address
        // gets a copy of the addition instead of keeping it live across the loop.
        let mut f = counted_loop(
            |b, h, i, p| {
                let k = b.iconst(h, Type::I32, 16);
                let a = b.op(h, Opcode::Iadd, Type::I32, &[p[1], k]);
                let x = b.f.ins1(h, Opcode::Load, Type::I32, vec![a], mem());
                let y = b.op(h, Opcode::Iadd, Type::I32, &[a, i]);
                b.op(h, Opcode::Iadd, Type::I32, &[x, y])
            },
            false,
        );
        let before = f.clone();
        let (out, text) = run_checked(&mut Licm::default(), &mut f);
        assert_eq!(out.counters["hoisted"], 4, "{text}"); // iconst 16, iadd, load, iconst 1
        assert_eq!(out.counters["rematerialised"], 1, "{text}");
        check_equivalent(&before, &f, 64).expect("same behaviour");
    }

    #[test]
    fn max_depth_limits_and_nothing_to_do_is_nothing() {
        let mut f = counted_loop(|b, h, i, _| b.op(h, Opcode::Clz, Type::I32, &[i]), false);
        let (out, _) = run_checked(&mut Licm::default(), &mut f);
        // only `iconst 1` is invariant; block1 is the preheader (it ends in a jump)
        assert_eq!(out.counters["hoisted"], 1);
        assert_eq!(out.changed, Changed::Instructions);
        let (out, _) = run_checked(&mut Licm::default(), &mut f);
        assert_eq!(out.changed, Changed::Nothing);
    }

    #[test]
    fn hoists_header_load_when_loop_writes_nothing() {
        let mut f = counted_loop(|b, h, _, p| b.f.ins1(h, Opcode::Load, Type::I32, vec![p[1]], mem()), false);
        let before = f.clone();
        let (out, text) = run_checked(&mut Licm::default(), &mut f);
        assert_eq!(out.counters["hoisted"], 2, "{text}");
        assert_eq!(body(&text)[4], "v5 = load.i32 v1", "{text}");
        check_equivalent(&before, &f, 64).expect("same behaviour");
    }
}
