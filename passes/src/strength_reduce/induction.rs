//! `strength-reduce`, induction variables: `base + i*k` on a loop's basic induction
//! variable `i` becomes a new header parameter stepped by `c*k` (the sketch and the exact
//! conditions are in the module docs of `strength_reduce`).
//!
//! ```text
//! block1(v5: i32):                  ==>   block1(v5: i32, v11: i32):
//!     v7 = imul.i32 v5, v3 (k)                (v7, v8 removed)
//!     v8 = iadd.i32 v0, v7                    v9 = load.i32 v11
//!     v9 = load.i32 v8                        ...
//!     ... back edge passes iadd v5, c         back edge also passes v11 + c*k
//! ```
//!
//! This file adds block parameters and edge arguments but never adds or removes an edge.

use super::{log2_exact, mask, Emit};
use std::collections::BTreeMap;
use wlab_ir::cfg::ControlFlowGraph;
use wlab_ir::dominators::DomTree;
use wlab_ir::loops::{Loop, LoopAnalysis};
use wlab_ir::{Block, Function, Inst, Opcode, Type, Value, ValueDef};
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

    /// Records that `a`'s uses become `p`'s. `a` may be newer than the state: the
    /// address an inner loop's new parameter starts at, made on the edge into that loop,
    /// is a candidate of the loop around it.
    fn replace(&mut self, a: Value, p: Value) {
        if self.repl.len() <= a.index() {
            self.repl.resize(a.index() + 1, None);
        }
        self.repl[a.index()] = Some(p);
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

pub(super) fn reduce_ivs(func: &mut Function) -> u64 {
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

/// The arguments every back edge of loop `l` passes to its header, one slice per edge.
fn back_edge_args<'f>(func: &'f Function, la: &LoopAnalysis, l: Loop) -> Vec<&'f [Value]> {
    let h = la.header(l);
    let mut back: Vec<&[Value]> = Vec::new();
    for &b in la.blocks(l) {
        if let Some(t) = func.terminator(b) {
            for bc in func.inst(t).dests.iter().filter(|bc| bc.block == h) {
                back.push(&bc.args);
            }
        }
    }
    back
}

/// The basic induction variables of loop `l`'s header.
fn basic_ivs(func: &Function, la: &LoopAnalysis, l: Loop) -> Vec<BasicIv> {
    let h = la.header(l);
    let params = func.block_params(h).to_vec();
    let back = back_edge_args(func, la, l);
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
                (true, _) => func.iconst_value(d.args[1]),
                (_, true) => func.iconst_value(d.args[0]),
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
        Opcode::Imul => match (func.iconst_value(d.args[0]), func.iconst_value(d.args[1])) {
            (None, Some(k)) => (d.args[0], k),
            (Some(k), None) => (d.args[1], k),
            _ => return None,
        },
        Opcode::Ishl => {
            let s = func.iconst_value(d.args[1])?;
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
    let back = back_edge_args(func, la, l);
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
        st.replace(a, p);
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
    use crate::strength_reduce::StrengthReduce;
    use crate::testing::{run_checked, B};
    use crate::validate::check_equivalent;
    use wlab_ir::{Imm, IntCC, MemArg, Opcode, Type};

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

    #[test]
    fn triangular_nest_reduces_the_address_the_inner_loop_starts_at() {
        // for (j = 0; j != n; j++) for (i = j; i != n; i++) sum += load(base + i*4):
        // reducing the inner loop makes `base + j*4` on the edge into it, and the outer
        // loop reduces that new instruction too (it once indexed past the pass's tables)
        let (mut b, p) = B::new(&[Type::I32, Type::I32], &[Type::I32]);
        let (base, n) = (p[0], p[1]);
        let b0 = b.b(0);
        let (outer, op) = b.block(&[Type::I32, Type::I32]);
        let (inner, ip) = b.block(&[Type::I32, Type::I32]);
        let (latch, _) = b.block(&[]);
        let (exit, _) = b.block(&[]);
        let zero = b.iconst(b0, Type::I32, 0);
        b.jump(b0, outer, &[zero, zero]);
        b.jump(outer, inner, &[op[0], op[1]]);
        let (i, sum) = (ip[0], ip[1]);
        let four = b.iconst(inner, Type::I32, 4);
        let t = b.op(inner, Opcode::Imul, Type::I32, &[i, four]);
        let a = b.op(inner, Opcode::Iadd, Type::I32, &[base, t]);
        let x = b.f.ins1(inner, Opcode::Load, Type::I32, vec![a], Imm::Mem(MemArg { offset: 0, align: 2, memory: 0 }));
        let s2 = b.op(inner, Opcode::Iadd, Type::I32, &[sum, x]);
        let one = b.iconst(inner, Type::I32, 1);
        let i2 = b.op(inner, Opcode::Iadd, Type::I32, &[i, one]);
        let more = b.icmp(inner, IntCC::Ne, Type::I32, i2, n);
        b.brif(inner, more, (inner, &[i2, s2]), (latch, &[]));
        let one_more = b.iconst(latch, Type::I32, 1);
        let j2 = b.op(latch, Opcode::Iadd, Type::I32, &[op[0], one_more]);
        let again = b.icmp(latch, IntCC::Ne, Type::I32, j2, n);
        b.brif(latch, again, (outer, &[j2, s2]), (exit, &[]));
        b.ret(exit, &[s2]);
        let before = b.f.clone();
        let (out, text) = run_checked(&mut StrengthReduce, &mut b.f);
        assert_eq!(out.counters["ivs-reduced"], 2, "{text}");
        assert!(!text.contains("imul"), "{text}");
        check_equivalent(&before, &b.f, 64).expect("same behaviour");
    }
}
