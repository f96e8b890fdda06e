//! `strength-reduce`: multiplications, divisions and remainders by constants become
//! shifts, masks, adds and magic-number multiplies; address arithmetic `base + i*k` on a
//! loop's induction variable becomes a new induction variable stepped by `c*k`.
//!
//! ```text
//! block0(v0: i32, v1: i32):                 block0(v0: i32, v1: i32):
//!     v2 = iconst.i32 0                         v2 = iconst.i32 0
//!     v3 = iconst.i32 4                         v3 = iconst.i32 4
//!     v4 = iconst.i32 1                         v4 = iconst.i32 1
//!     jump block1(v2, v2)                       v12 = iconst.i32 2
//!                                               v13 = ishl.i32 v2, v12    (base + i0*4)
//!                                               v14 = iadd.i32 v0, v13
//!                                               jump block1(v2, v2, v14)
//! block1(v5: i32, v6: i32):        ==>      block1(v5: i32, v6: i32, v11: i32):
//!     v7 = imul.i32 v5, v3                      (v7, v8 removed)
//!     v8 = iadd.i32 v0, v7
//!     v9 = load.i32 v8                          v9 = load.i32 v11
//!     v10 = iadd.i32 v5, v4                     v10 = iadd.i32 v5, v4
//!     brif v9, block1(v10, v9), block2          v15 = iconst.i32 4        (1*4 per trip)
//!                                               v16 = iadd.i32 v11, v15
//!                                               brif v9, block1(v10, v9, v16), block2
//! ```
//!
//! Induction variables: a basic induction variable is a header parameter `i` that every
//! back edge passes as `iadd i, c` (c an `iconst`, the same on every back edge). For
//! `a = iadd base, t` in the loop with `t = imul i, k` (or `ishl i, s`, k = 2^s), k a
//! nonzero constant and `base` defined outside the loop (or a header parameter that every
//! back edge passes unchanged, as translated wasm carries locals), the header gets a parameter
//! `p`: each entry edge passes `base + i0*k` (computed at the end of the entering block
//! from the `i0` it passes), each back edge passes `p + c*k`; uses of `a` read `p`, and
//! `a` (and `t` when nothing else uses it) go. All arithmetic wraps, as the original
//! does. Inner loops go first. Loops with an unreachable predecessor are skipped.
//!
//! Constants (then, over every instruction):
//! - `imul x, 2^k` → `ishl x, k`; `imul x, 2^k+1` → `iadd (ishl x, k), x`;
//!   `imul x, 2^k-1` → `isub (ishl x, k), x`.
//! - `udiv x, 2^k` → `ushr x, k`; `urem x, 2^k` → `band x, 2^k-1`.
//! - `sdiv x, 2^k` (k ≥ 1) → `sshr (iadd x, ushr (sshr x, w-1), w-k), k` (rounds toward
//!   zero); `srem x, 2^k` → `isub x, band (that sum), -2^k`.
//! - i32 `udiv`/`urem` by any other constant ≥ 3: Granlund–Montgomery's round-up
//!   multiply computed in i64 (`uextend`, `imul.i64`, `ushr`, `iadd`, `ireduce`); i32
//!   `sdiv`/`srem` by a constant d with |d| ≥ 3 that is not ± a power of two: Hacker's
//!   Delight's signed magic number (`sextend`, `imul.i64`, `sshr`, sign correction).
//!   A remainder is `x - q*d`.
//! - Left alone: divisions by 0, 1 and -1 (trap / overflow semantics stay with the
//!   division), signed division by a negative power of two, and i64 division by a
//!   constant that is not a power of two: its magic multiply needs the high half of a
//!   64×64 product, which the IR has no instruction for.
//!
//! Counters: `ivs-reduced`, `mul-shift`, `mul-shift-add`, `div-shift`, `rem-mask`,
//! `div-magic`, `rem-magic`.

use crate::pass::{Changed, Pass, PassError, PassOutcome};
use crate::registry::{PassArgs, PassInfo};
use std::collections::BTreeMap;
use wlab_ir::cfg::ControlFlowGraph;
use wlab_ir::dominators::DomTree;
use wlab_ir::loops::{Loop, LoopAnalysis};
use wlab_ir::{Block, Function, Imm, Inst, InstData, Opcode, Type, Value, ValueDef};

pub const INFO: PassInfo = PassInfo {
    name: "strength-reduce",
    description: "multiply/divide/remainder by constants into shifts, masks and magic multiplies; base + i*k in loops into a new induction variable",
    args: &[],
    make: |_: &PassArgs| Ok(Box::new(StrengthReduce)),
};

/// See the module docs.
#[derive(Clone, Copy, Debug, Default)]
pub struct StrengthReduce;

impl Pass for StrengthReduce {
    fn name(&self) -> &'static str {
        INFO.name
    }

    fn run(&mut self, func: &mut Function) -> Result<PassOutcome, PassError> {
        let mut out = PassOutcome::unchanged();
        let ivs = reduce_ivs(func);
        if ivs > 0 {
            out.count("ivs-reduced", ivs);
        }
        for b in func.layout.clone() {
            // Until nothing changes: a magic multiply or `q*d` emitted here may itself
            // be a multiply by 2^k±1 (so a second run finds nothing to do).
            loop {
                let old = func.blocks[b.index()].insts.clone();
                let mut new = Vec::with_capacity(old.len());
                let mut any = false;
                for i in old {
                    if let Some(name) = rewrite(func, i, &mut new) {
                        out.count(name, 1);
                        any = true;
                    }
                    new.push(i);
                }
                func.blocks[b.index()].insts = new;
                if !any {
                    break;
                }
            }
        }
        if !out.counters.is_empty() {
            out.changed = Changed::Instructions;
        }
        Ok(out)
    }
}

// ---- helpers ---------------------------------------------------------------------------

/// The value of `v` when it is an `iconst` result (sign-extended bits).
fn const_of(func: &Function, v: Value) -> Option<i64> {
    match func.value_def(v) {
        ValueDef::Result(i, 0) => match (func.inst(i).opcode, func.inst(i).imm) {
            (Opcode::Iconst, Imm::I64(x)) => Some(x),
            _ => None,
        },
        _ => None,
    }
}

/// Collects new instructions (made, not yet placed) to go before some instruction.
struct Emit<'a> {
    f: &'a mut Function,
    out: &'a mut Vec<Inst>,
}

impl Emit<'_> {
    fn op(&mut self, op: Opcode, ty: Type, args: &[Value]) -> Value {
        let i = self.f.make_inst(InstData::new(op, Some(ty), args.to_vec(), Imm::None), &[ty]);
        self.out.push(i);
        self.f.inst_results(i)[0]
    }

    fn iconst(&mut self, ty: Type, x: i64) -> Value {
        let x = if ty == Type::I32 { x as i32 as i64 } else { x };
        let i = self.f.make_inst(InstData::new(Opcode::Iconst, Some(ty), vec![], Imm::I64(x)), &[ty]);
        self.out.push(i);
        self.f.inst_results(i)[0]
    }
}

/// Rewrites `i` in place into `op args` (same result, same type).
fn replace(func: &mut Function, i: Inst, op: Opcode, args: &[Value]) {
    let d = func.inst_mut(i);
    d.opcode = op;
    d.args = args.to_vec();
    d.imm = Imm::None;
}

fn mask(w: u32) -> u64 {
    if w == 64 {
        u64::MAX
    } else {
        (1u64 << w) - 1
    }
}

/// log2 of `x` when it is a power of two.
fn log2_exact(x: u64) -> Option<u32> {
    (x != 0 && x.is_power_of_two()).then(|| x.trailing_zeros())
}

// ---- constants -----------------------------------------------------------------------

/// Rewrites `i` if it is a multiply / divide / remainder by a suitable constant; new
/// instructions go to `pre`. Returns the counter to bump.
fn rewrite(func: &mut Function, i: Inst, pre: &mut Vec<Inst>) -> Option<&'static str> {
    let d = func.inst(i);
    let ty = d.ty?;
    if !(ty == Type::I32 || ty == Type::I64) || d.args.len() != 2 || d.results.len() != 1 {
        return None;
    }
    let w = ty.bits();
    let (op, a0, a1) = (d.opcode, d.args[0], d.args[1]);
    let mut e = Emit { f: func, out: pre };
    match op {
        Opcode::Imul => {
            let (x, c) = match (const_of(e.f, a0), const_of(e.f, a1)) {
                (_, Some(c)) => (a0, c),
                (Some(c), None) => (a1, c),
                (None, None) => return None,
            };
            let cu = (c as u64) & mask(w);
            if let Some(k) = log2_exact(cu).filter(|&k| k >= 1) {
                let s = e.iconst(ty, k as i64);
                replace(e.f, i, Opcode::Ishl, &[x, s]);
                return Some("mul-shift");
            }
            if let Some(k) = log2_exact(cu.wrapping_sub(1)).filter(|&k| k >= 1) {
                let s = e.iconst(ty, k as i64);
                let t = e.op(Opcode::Ishl, ty, &[x, s]);
                replace(e.f, i, Opcode::Iadd, &[t, x]);
                return Some("mul-shift-add");
            }
            if let Some(k) = log2_exact(cu.wrapping_add(1)).filter(|&k| k >= 2 && k < w) {
                let s = e.iconst(ty, k as i64);
                let t = e.op(Opcode::Ishl, ty, &[x, s]);
                replace(e.f, i, Opcode::Isub, &[t, x]);
                return Some("mul-shift-add");
            }
            None
        }
        Opcode::Udiv | Opcode::Urem => {
            let cu = (const_of(e.f, a1)? as u64) & mask(w);
            if cu <= 1 || cu == mask(w) {
                return None;
            }
            let x = a0;
            if let Some(k) = log2_exact(cu) {
                if op == Opcode::Udiv {
                    let s = e.iconst(ty, k as i64);
                    replace(e.f, i, Opcode::Ushr, &[x, s]);
                    return Some("div-shift");
                }
                let m = e.iconst(ty, (cu - 1) as i64);
                replace(e.f, i, Opcode::Band, &[x, m]);
                return Some("rem-mask");
            }
            if ty != Type::I32 {
                return None;
            }
            let q = emit_udiv32_magic(&mut e, x, cu as u32);
            Some(finish_div_or_rem(&mut e, i, op == Opcode::Udiv, x, q, cu as i64))
        }
        Opcode::Sdiv | Opcode::Srem => {
            let c = const_of(e.f, a1)?;
            let c = if ty == Type::I32 { c as i32 as i64 } else { c };
            let x = a0;
            if c >= 2 {
                if let Some(k) = log2_exact(c as u64) {
                    // q = (x + ((x >> (w-1)) >>> (w-k))) >> k  (arithmetic >>, rounds toward 0)
                    let sw = e.iconst(ty, (w - 1) as i64);
                    let sign = e.op(Opcode::Sshr, ty, &[x, sw]);
                    let sb = e.iconst(ty, (w - k) as i64);
                    let bias = e.op(Opcode::Ushr, ty, &[sign, sb]);
                    let sum = e.op(Opcode::Iadd, ty, &[x, bias]);
                    if op == Opcode::Sdiv {
                        let sk = e.iconst(ty, k as i64);
                        replace(e.f, i, Opcode::Sshr, &[sum, sk]);
                        return Some("div-shift");
                    }
                    let m = e.iconst(ty, c.wrapping_neg());
                    let t = e.op(Opcode::Band, ty, &[sum, m]);
                    replace(e.f, i, Opcode::Isub, &[x, t]);
                    return Some("rem-mask");
                }
            }
            if ty != Type::I32 || c.unsigned_abs() < 3 || c.unsigned_abs().is_power_of_two() {
                return None;
            }
            let q = emit_sdiv32_magic(&mut e, x, c as i32);
            Some(finish_div_or_rem(&mut e, i, op == Opcode::Sdiv, x, q, c))
        }
        _ => None,
    }
}

/// Makes `i` the quotient (`ireduce` of the i64 quotient `q64`), or the remainder
/// `x - q*d`.
fn finish_div_or_rem(e: &mut Emit<'_>, i: Inst, div: bool, x: Value, q64: Value, d: i64) -> &'static str {
    if div {
        replace(e.f, i, Opcode::Ireduce, &[q64]);
        return "div-magic";
    }
    let q = e.op(Opcode::Ireduce, Type::I32, &[q64]);
    let dc = e.iconst(Type::I32, d);
    let qd = e.op(Opcode::Imul, Type::I32, &[q, dc]);
    replace(e.f, i, Opcode::Isub, &[x, qd]);
    "rem-magic"
}

/// Granlund–Montgomery, round-up variant, for an i32 divisor `d` ≥ 3 that is not a
/// power of two: `l = ceil(log2 d)`, `m = floor(2^(32+l) / d) + 1 - 2^32` (fits in 32
/// bits), `q = ((n*m >> 32) + n) >> l`, all in exact (non-overflowing) i64 arithmetic.
pub fn udiv32_magic(d: u32) -> (u64, u32) {
    let l = 32 - (d - 1).leading_zeros();
    let m = (1u128 << (32 + l)) / d as u128 + 1 - (1u128 << 32);
    (m as u64, l)
}

fn emit_udiv32_magic(e: &mut Emit<'_>, n: Value, d: u32) -> Value {
    let (m, l) = udiv32_magic(d);
    let n64 = e.op(Opcode::Uextend, Type::I64, &[n]);
    let mc = e.iconst(Type::I64, m as i64);
    let p = e.op(Opcode::Imul, Type::I64, &[n64, mc]);
    let c32 = e.iconst(Type::I64, 32);
    let t1 = e.op(Opcode::Ushr, Type::I64, &[p, c32]);
    let s = e.op(Opcode::Iadd, Type::I64, &[t1, n64]);
    let cl = e.iconst(Type::I64, l as i64);
    e.op(Opcode::Ushr, Type::I64, &[s, cl])
}

/// Hacker's Delight (figure 10-1): magic multiplier and shift for an i32 divisor with
/// |d| ≥ 2 (d ≠ MIN).
pub fn sdiv32_magic(d: i32) -> (i32, u32) {
    let two31: u32 = 0x8000_0000;
    let ad = d.unsigned_abs();
    let t = two31.wrapping_add((d as u32) >> 31);
    let anc = t - 1 - t % ad;
    let mut p = 31u32;
    let mut q1 = two31 / anc;
    let mut r1 = two31 - q1 * anc;
    let mut q2 = two31 / ad;
    let mut r2 = two31 - q2 * ad;
    loop {
        p += 1;
        q1 = q1.wrapping_mul(2);
        r1 = r1.wrapping_mul(2);
        if r1 >= anc {
            q1 = q1.wrapping_add(1);
            r1 = r1.wrapping_sub(anc);
        }
        q2 = q2.wrapping_mul(2);
        r2 = r2.wrapping_mul(2);
        if r2 >= ad {
            q2 = q2.wrapping_add(1);
            r2 = r2.wrapping_sub(ad);
        }
        let delta = ad - r2;
        if !(q1 < delta || (q1 == delta && r1 == 0)) {
            break;
        }
    }
    let mut m = q2.wrapping_add(1) as i32;
    if d < 0 {
        m = m.wrapping_neg();
    }
    (m, p - 32)
}

fn emit_sdiv32_magic(e: &mut Emit<'_>, n: Value, d: i32) -> Value {
    let (m, s) = sdiv32_magic(d);
    let n64 = e.op(Opcode::Sextend, Type::I64, &[n]);
    let mc = e.iconst(Type::I64, m as i64);
    let p = e.op(Opcode::Imul, Type::I64, &[n64, mc]);
    let c32 = e.iconst(Type::I64, 32);
    let mut hi = e.op(Opcode::Sshr, Type::I64, &[p, c32]);
    if d > 0 && m < 0 {
        hi = e.op(Opcode::Iadd, Type::I64, &[hi, n64]);
    } else if d < 0 && m > 0 {
        hi = e.op(Opcode::Isub, Type::I64, &[hi, n64]);
    }
    if s > 0 {
        let cs = e.iconst(Type::I64, s as i64);
        hi = e.op(Opcode::Sshr, Type::I64, &[hi, cs]);
    }
    let c63 = e.iconst(Type::I64, 63);
    let neg = e.op(Opcode::Ushr, Type::I64, &[hi, c63]);
    e.op(Opcode::Iadd, Type::I64, &[hi, neg])
}

// ---- induction variables --------------------------------------------------------------

/// A header parameter stepped by a constant on every back edge.
#[derive(Clone, Copy, Debug)]
struct BasicIv {
    index: usize,
    step: i64,
}

/// What `reduce_ivs` keeps across loops, so that no loop costs a walk of the whole
/// function: every instruction's block, every value's use count (uses by instructions
/// still in the function), and the replacements and removals, applied once at the end.
/// Indexed with `get` where new values and instructions may be past the end.
struct IvState {
    inst_block: Vec<Option<Block>>,
    uses: Vec<u32>,
    repl: Vec<Option<Value>>,
    dead: Vec<bool>,
}

impl IvState {
    fn add_uses(&mut self, args: &[Value]) {
        for &a in args {
            if self.uses.len() <= a.index() {
                self.uses.resize(a.index() + 1, 0);
            }
            self.uses[a.index()] += 1;
        }
    }

    /// Marks `i` removed: its operands lose a use.
    fn kill(&mut self, func: &Function, i: Inst) {
        if self.dead.len() <= i.index() {
            self.dead.resize(i.index() + 1, false);
        }
        self.dead[i.index()] = true;
        for &a in &func.inst(i).args {
            if let Some(u) = self.uses.get_mut(a.index()) {
                *u = u.saturating_sub(1);
            }
        }
    }

    fn is_dead(&self, i: Inst) -> bool {
        self.dead.get(i.index()).copied().unwrap_or(false)
    }
}

fn reduce_ivs(func: &mut Function) -> u64 {
    let cfg = ControlFlowGraph::new(func);
    let dom = DomTree::new(func, &cfg);
    let la = LoopAnalysis::new(func, &cfg, &dom);
    let mut order: Vec<Loop> = la.loops().collect();
    order.sort_by_key(|&l| (std::cmp::Reverse(la.depth(l)), l));
    let mut st = IvState {
        inst_block: vec![None; func.insts.len()],
        uses: vec![0; func.values.len()],
        repl: vec![None; func.values.len()],
        dead: vec![false; func.insts.len()],
    };
    for (b, i) in func.layout_insts() {
        st.inst_block[i.index()] = Some(b);
        for v in func.inst_uses(i) {
            st.uses[v.index()] += 1;
        }
    }
    let mut n = 0;
    for l in order {
        let h = la.header(l);
        if cfg.preds(h).iter().any(|&p| !dom.is_reachable(p)) || Some(h) == func.entry() {
            continue;
        }
        n += reduce_loop(func, &la, l, cfg.preds(h), &mut st);
    }
    if n > 0 {
        let repl = &st.repl;
        crate::edit::substitute_uses(func, |v| repl.get(v.index()).copied().flatten().unwrap_or(v));
        crate::edit::remove_insts(func, |i| st.dead.get(i.index()).copied().unwrap_or(false));
    }
    n
}

/// The basic induction variables of loop `l`'s header.
fn basic_ivs(func: &Function, la: &LoopAnalysis, l: Loop) -> Vec<BasicIv> {
    let h = la.header(l);
    let params = func.block_params(h).to_vec();
    let mut back: Vec<&[Value]> = Vec::new();
    for &b in la.blocks(l) {
        if let Some(t) = func.terminator(b) {
            for bc in func.inst(t).dests.iter().filter(|bc| bc.block == h) {
                back.push(&bc.args);
            }
        }
    }
    if back.is_empty() {
        return Vec::new();
    }
    let mut ivs = Vec::new();
    'param: for (j, &p) in params.iter().enumerate() {
        let mut step = None;
        for args in &back {
            let Some(&next) = args.get(j) else {
                continue 'param;
            };
            let ValueDef::Result(i, 0) = func.value_def(next) else {
                continue 'param;
            };
            let d = func.inst(i);
            if d.opcode != Opcode::Iadd || d.args.len() != 2 {
                continue 'param;
            }
            let c = match (d.args[0] == p, d.args[1] == p) {
                (true, _) => const_of(func, d.args[1]),
                (_, true) => const_of(func, d.args[0]),
                _ => None,
            };
            match (c, step) {
                (Some(c), None) => step = Some(c),
                (Some(c), Some(s)) if c == s => {}
                _ => continue 'param,
            }
        }
        if let Some(step) = step {
            ivs.push(BasicIv { index: j, step });
        }
    }
    ivs
}

/// `(iv param index, k)` when `t` is `imul iv, k` / `imul k, iv` / `ishl iv, s`.
fn scaled_iv(func: &Function, t: Value, params: &[Value], ivs: &[BasicIv]) -> Option<(BasicIv, i64)> {
    let ValueDef::Result(i, 0) = func.value_def(t) else {
        return None;
    };
    let d = func.inst(i);
    let ty = d.ty?;
    let (v, k) = match d.opcode {
        Opcode::Imul => match (const_of(func, d.args[0]), const_of(func, d.args[1])) {
            (None, Some(k)) => (d.args[0], k),
            (Some(k), None) => (d.args[1], k),
            _ => return None,
        },
        Opcode::Ishl => {
            let s = const_of(func, d.args[1])?;
            let s = (s as u64 % ty.bits() as u64) as u32;
            (d.args[0], 1i64.wrapping_shl(s))
        }
        _ => return None,
    };
    let k = if ty == Type::I32 { k as i32 as i64 } else { k };
    if k == 0 {
        return None;
    }
    let iv = ivs.iter().find(|iv| params[iv.index] == v)?;
    Some((*iv, k))
}

/// `preds`: the header's predecessors (this pass adds no edge, so the CFG computed at
/// the start still holds).
fn reduce_loop(func: &mut Function, la: &LoopAnalysis, l: Loop, preds: &[Block], st: &mut IvState) -> u64 {
    let ivs = basic_ivs(func, la, l);
    if ivs.is_empty() {
        return 0;
    }
    let h = la.header(l);
    let params = func.block_params(h).to_vec();
    // Header parameters every back edge passes unchanged (a local the loop never
    // writes, as translated wasm carries it): invariant, with the value of each entry edge.
    let mut back: Vec<&[Value]> = Vec::new();
    for &b in la.blocks(l) {
        if let Some(t) = func.terminator(b) {
            for bc in func.inst(t).dests.iter().filter(|bc| bc.block == h) {
                back.push(&bc.args);
            }
        }
    }
    let pass_through: Vec<bool> =
        params.iter().enumerate().map(|(j, &p)| back.iter().all(|args| args.get(j) == Some(&p))).collect();
    let outside = |v: Value| match func.value_def(v) {
        ValueDef::Param(b, j) => !la.contains(l, b) || (b == h && pass_through[j as usize]),
        ValueDef::Result(i, _) => st.inst_block.get(i.index()).copied().flatten().is_some_and(|b| !la.contains(l, b)),
    };
    // Candidates: (a's inst, t, base, iv, k)
    let mut found = Vec::new();
    for &b in la.blocks(l) {
        for &i in func.block_insts(b) {
            let d = func.inst(i);
            if d.opcode != Opcode::Iadd || d.args.len() != 2 || st.is_dead(i) {
                continue;
            }
            for (t, base) in [(d.args[1], d.args[0]), (d.args[0], d.args[1])] {
                if let Some((iv, k)) = scaled_iv(func, t, &params, &ivs) {
                    if outside(base) {
                        found.push((i, t, base, iv, k));
                        break;
                    }
                }
            }
        }
    }
    if found.is_empty() {
        return 0;
    }
    let ty_of = |f: &Function, v: Value| f.value_type(v);
    let mut shared: BTreeMap<(Value, usize, i64), Value> = BTreeMap::new();
    let mut count = 0;
    for (a_inst, t, base, iv, k) in found {
        let ty = ty_of(func, t);
        let p = match shared.get(&(base, iv.index, k)) {
            Some(&p) => p,
            None => {
                let p = func.append_block_param(h, ty);
                for &pb in preds {
                    let Some(term) = func.terminator(pb) else {
                        continue;
                    };
                    let n_dests = func.inst(term).dests.len();
                    let back = la.contains(l, pb);
                    for di in 0..n_dests {
                        if func.inst(term).dests[di].block != h {
                            continue;
                        }
                        let mut pre = Vec::new();
                        let mut e = Emit { f: func, out: &mut pre };
                        let arg = if back {
                            let step = e.iconst(ty, iv.step.wrapping_mul(k));
                            e.op(Opcode::Iadd, ty, &[p, step])
                        } else {
                            let entry_args = &e.f.inst(term).dests[di].args;
                            let i0 = entry_args[iv.index];
                            // A pass-through header parameter is worth what this edge passes.
                            let base0 = match e.f.value_def(base) {
                                ValueDef::Param(b, j) if b == h => entry_args[j as usize],
                                _ => base,
                            };
                            let m0 = match log2_exact((k as u64) & mask(ty.bits())) {
                                Some(s) => {
                                    let sc = e.iconst(ty, s as i64);
                                    e.op(Opcode::Ishl, ty, &[i0, sc])
                                }
                                None => {
                                    let kc = e.iconst(ty, k);
                                    e.op(Opcode::Imul, ty, &[i0, kc])
                                }
                            };
                            e.op(Opcode::Iadd, ty, &[base0, m0])
                        };
                        func.inst_mut(term).dests[di].args.push(arg);
                        st.add_uses(&[arg]);
                        for &x in &pre {
                            if st.inst_block.len() <= x.index() {
                                st.inst_block.resize(x.index() + 1, None);
                            }
                            st.inst_block[x.index()] = Some(pb);
                            st.add_uses(&func.inst(x).args.clone());
                        }
                        let insts = &mut func.blocks[pb.index()].insts;
                        let at = insts.len() - 1;
                        insts.splice(at..at, pre);
                    }
                }
                shared.insert((base, iv.index, k), p);
                p
            }
        };
        let a = func.inst(a_inst).results[0];
        // `a`'s uses become `p`'s (a header parameter: never a candidate's `t`).
        st.repl[a.index()] = Some(p);
        st.kill(func, a_inst);
        count += 1;
        if st.uses.get(t.index()) == Some(&0) {
            if let ValueDef::Result(ti, 0) = func.value_def(t) {
                if !st.is_dead(ti) {
                    st.kill(func, ti);
                }
            }
        }
    }
    count as u64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{body, run_checked, B};
    use crate::validate::check_equivalent;
    use wlab_ir::{IntCC, MemArg};

    fn eval_udiv(n: u32, d: u32) -> u32 {
        let (m, l) = udiv32_magic(d);
        let n = n as u64;
        ((((n.wrapping_mul(m)) >> 32) + n) >> l) as u32
    }

    fn eval_sdiv(n: i32, d: i32) -> i32 {
        let (m, s) = sdiv32_magic(d);
        let n = n as i64;
        let mut hi = n.wrapping_mul(m as i64) >> 32;
        if d > 0 && m < 0 {
            hi += n;
        } else if d < 0 && m > 0 {
            hi -= n;
        }
        hi >>= s;
        let q = hi + ((hi as u64) >> 63) as i64;
        q as i32
    }

    fn samples() -> Vec<u32> {
        let mut v: Vec<u32> = vec![0, 1, 2, 3, 7, 100, 0x7fff_ffff, 0x8000_0000, 0x8000_0001, u32::MAX, u32::MAX - 1];
        let mut x = 0x1234_5678u32;
        for _ in 0..2000 {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            v.push(x);
        }
        v
    }

    #[test]
    fn magic_numbers_divide_exactly() {
        let mut divisors: Vec<u32> = (3..300).filter(|d: &u32| !d.is_power_of_two()).collect();
        divisors.extend([641, 1000, 65537, 0x7fff_ffff, 0x8000_0001, u32::MAX, u32::MAX - 2, 123_456_789]);
        for &d in &divisors {
            for &n in &samples() {
                for nn in [n, n / d * d, (n / d * d).wrapping_sub(1)] {
                    assert_eq!(eval_udiv(nn, d), nn / d, "{nn} / {d}");
                }
            }
        }
        let sdivs: Vec<i32> =
            divisors.iter().map(|&d| d as i32).chain(divisors.iter().map(|&d| (d as i32).wrapping_neg())).collect();
        for &d in sdivs.iter().filter(|d| d.unsigned_abs() >= 3 && !d.unsigned_abs().is_power_of_two()) {
            for &n in &samples() {
                let n = n as i32;
                assert_eq!(eval_sdiv(n, d), n.wrapping_div(d), "{n} / {d}");
            }
        }
    }

    fn binop(op: Opcode, ty: Type, c: i64) -> Function {
        let (mut b, p) = B::new(&[ty], &[ty]);
        let b0 = b.b(0);
        let k = b.iconst(b0, ty, c);
        let r = b.op(b0, op, ty, &[p[0], k]);
        b.ret(b0, &[r]);
        b.f
    }

    #[test]
    fn rewrites_agree_with_the_interpreter() {
        let ops = [Opcode::Imul, Opcode::Udiv, Opcode::Urem, Opcode::Sdiv, Opcode::Srem];
        let consts = [2, 3, 4, 5, 7, 8, 9, 10, 15, 16, 17, 31, 1 << 20, 1000, -3, -7, -10, 0x7fff_ffff, -2];
        let mut changed = 0;
        for ty in [Type::I32, Type::I64] {
            for op in ops {
                for c in consts {
                    let mut f = binop(op, ty, c);
                    let before = f.clone();
                    let (out, text) = run_checked(&mut StrengthReduce, &mut f);
                    if out.changed.any() {
                        changed += 1;
                    }
                    if let Err(m) = check_equivalent(&before, &f, 200) {
                        panic!("{op} by {c} ({ty}): {m}\n{text}");
                    }
                }
            }
        }
        assert!(changed > 100, "{changed}");
    }

    #[test]
    fn never_touches_division_by_zero_or_minus_one() {
        for ty in [Type::I32, Type::I64] {
            for op in [Opcode::Udiv, Opcode::Urem, Opcode::Sdiv, Opcode::Srem] {
                for c in [0, -1, 1] {
                    let mut f = binop(op, ty, c);
                    let (out, _) = run_checked(&mut StrengthReduce, &mut f);
                    assert_eq!(out.changed, Changed::Nothing, "{op} {c}");
                }
            }
        }
        // i64 by a non-power of two: no mulhi, left alone
        let mut f = binop(Opcode::Udiv, Type::I64, 10);
        assert_eq!(run_checked(&mut StrengthReduce, &mut f).0.changed, Changed::Nothing);
    }

    #[test]
    fn mul_by_power_of_two_text() {
        let mut f = binop(Opcode::Imul, Type::I32, 8);
        let (_, text) = run_checked(&mut StrengthReduce, &mut f);
        assert_eq!(
            body(&text),
            ["block0(v0: i32):", "v1 = iconst.i32 8", "v3 = iconst.i32 3", "v2 = ishl.i32 v0, v3", "return v2"]
        );
    }

    #[test]
    fn induction_variable_base_plus_i_times_4() {
        // for (i = 0; i != n; i++) sum += load(base + i*4)
        let (mut b, p) = B::new(&[Type::I32, Type::I32], &[Type::I32]);
        let (base, n) = (p[0], p[1]);
        let b0 = b.b(0);
        let (h, hp) = b.block(&[Type::I32, Type::I32]);
        let (exit, _) = b.block(&[]);
        let zero = b.iconst(b0, Type::I32, 0);
        let four = b.iconst(b0, Type::I32, 4);
        let one = b.iconst(b0, Type::I32, 1);
        b.jump(b0, h, &[zero, zero]);
        let (i, sum) = (hp[0], hp[1]);
        let t = b.op(h, Opcode::Imul, Type::I32, &[i, four]);
        let a = b.op(h, Opcode::Iadd, Type::I32, &[base, t]);
        let x = b.f.ins1(h, Opcode::Load, Type::I32, vec![a], Imm::Mem(MemArg { offset: 0, align: 2, memory: 0 }));
        let s2 = b.op(h, Opcode::Iadd, Type::I32, &[sum, x]);
        let i2 = b.op(h, Opcode::Iadd, Type::I32, &[i, one]);
        let more = b.icmp(h, IntCC::Ult, Type::I32, i2, n);
        b.brif(h, more, (h, &[i2, s2]), (exit, &[]));
        b.ret(exit, &[s2]);
        let before = b.f.clone();
        let (out, text) = run_checked(&mut StrengthReduce, &mut b.f);
        assert_eq!(out.counters["ivs-reduced"], 1, "{text}");
        assert!(text.contains("block1(v2: i32, v3: i32, v13: i32):"), "{text}");
        assert!(text.contains("load.i32 v13"), "{text}");
        assert!(!text.contains("imul"), "{text}");
        check_equivalent(&before, &b.f, 64).expect("same behaviour");
    }

    #[test]
    fn induction_variable_with_base_carried_as_a_header_parameter() {
        // as translated wasm does: base travels around the loop as a block parameter
        let (mut b, p) = B::new(&[Type::I32, Type::I32], &[Type::I32]);
        let b0 = b.b(0);
        let (h, hp) = b.block(&[Type::I32, Type::I32, Type::I32]);
        let (exit, _) = b.block(&[]);
        let zero = b.iconst(b0, Type::I32, 0);
        b.jump(b0, h, &[zero, zero, p[0]]);
        let (i, sum, base) = (hp[0], hp[1], hp[2]);
        let four = b.iconst(h, Type::I32, 4);
        let t = b.op(h, Opcode::Imul, Type::I32, &[four, i]);
        let a = b.op(h, Opcode::Iadd, Type::I32, &[t, base]);
        let x = b.f.ins1(h, Opcode::Load, Type::I32, vec![a], Imm::Mem(MemArg { offset: 4, align: 2, memory: 0 }));
        let s2 = b.op(h, Opcode::Iadd, Type::I32, &[sum, x]);
        let one = b.iconst(h, Type::I32, 1);
        let i2 = b.op(h, Opcode::Iadd, Type::I32, &[one, i]);
        let more = b.icmp(h, IntCC::Ult, Type::I32, i2, p[1]);
        b.brif(h, more, (h, &[i2, s2, base]), (exit, &[]));
        b.ret(exit, &[s2]);
        let before = b.f.clone();
        let (out, text) = run_checked(&mut StrengthReduce, &mut b.f);
        assert_eq!(out.counters["ivs-reduced"], 1, "{text}");
        assert!(!text.contains("imul"), "{text}");
        check_equivalent(&before, &b.f, 64).expect("same behaviour");
    }
}
