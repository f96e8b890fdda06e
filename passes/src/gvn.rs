//! `gvn`: global value numbering (common-subexpression elimination) over the dominator
//! tree. A pure instruction equal to one that dominates it — same opcode, type,
//! immediate and (resolved) operands — is removed and its result replaced by the
//! dominating one.
//!
//! ```text
//! block0(v0: i32, v1: i32):                 block0(v0: i32, v1: i32):
//!     v2 = iadd.i32 v0, v1                      v2 = iadd.i32 v0, v1
//!     brif v0, block1, block2                   brif v0, block1, block2
//! block1:                          ==>      block1:
//!     v3 = iadd.i32 v1, v0                      (removed: commutative, same as v2)
//!     v4 = imul.i32 v3, v3                      v4 = imul.i32 v2, v2
//!     return v4                                 return v4
//! ```
//!
//! Commutative integer operations (`iadd`, `imul`, `band`, `bor`, `bxor`) are keyed with
//! their operands sorted; `icmp` is keyed with its operands ordered and the condition
//! swapped to match. Float operations are never reordered (NaN payloads depend on the
//! operand order). Only instructions whose [`wlab_ir::Opcode::effects`] are pure take
//! part: this pass never merges loads, calls, traps or anything else with an effect.
//! Block parameters are never merged. Unreachable blocks are left alone.
//!
//! Register pressure: a value cheaper to recompute than to keep live
//! ([`crate::remat::is_rematerialisable`]: `iadd`, `isub`, `band`, `bor`, `bxor` with a
//! constant operand, shifts by a constant, `icmp` against a constant, `eqz`,
//! `const.v128`) is merged only with an equal one of its own block with no call in
//! between; reusing one from a dominating block, or across a call (which clobbers every
//! register that could hold it), would stretch its live range and cost a spill.
//! Counter: `removed`.

use crate::edit::{remove_insts, substitute_uses};
use crate::pass::{Changed, Pass, PassError, PassOutcome};
use crate::registry::{Make, PassArgs, PassInfo};
use crate::remat;
use std::collections::HashMap;
use wlab_ir::cfg::ControlFlowGraph;
use wlab_ir::dominators::DomTree;
use wlab_ir::{Block, Function, Imm, Inst, IntCC, Opcode, Type, Value};

pub const INFO: PassInfo = PassInfo {
    name: "gvn",
    description: "global value numbering: reuse a dominating identical pure instruction",
    args: &[],
    make: Make::Function(|_: &PassArgs| Ok(Box::new(Gvn))),
    idempotent: false,
};

/// See the module docs.
#[derive(Clone, Copy, Debug, Default)]
pub struct Gvn;

/// What makes two pure instructions compute the same value.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Key {
    opcode: Opcode,
    ty: Option<Type>,
    imm: Imm,
    args: Vec<Value>,
}

/// Where an equal value is available: see `run`.
#[derive(Clone, Copy, Debug)]
struct Available {
    value: Value,
    block: Block,
    calls: u64,
}

/// Integer operations whose operands may be swapped without changing the result.
fn is_commutative(op: Opcode) -> bool {
    matches!(op, Opcode::Iadd | Opcode::Imul | Opcode::Band | Opcode::Bor | Opcode::Bxor)
}

fn key_of(func: &Function, inst: Inst, resolve: &impl Fn(Value) -> Value) -> Key {
    let d = func.inst(inst);
    let mut args: Vec<Value> = d.args.iter().map(|&a| resolve(a)).collect();
    let mut imm = d.imm;
    if is_commutative(d.opcode) && args.len() == 2 && args[0] > args[1] {
        args.swap(0, 1);
    }
    if let (Opcode::Icmp, Imm::IntCC(cc)) = (d.opcode, d.imm) {
        if args.len() == 2 && args[0] > args[1] {
            args.swap(0, 1);
            imm = Imm::IntCC(IntCC::swapped(cc));
        }
    }
    Key { opcode: d.opcode, ty: d.ty, imm, args }
}

impl Pass for Gvn {
    fn name(&self) -> &'static str {
        INFO.name
    }

    fn run(&mut self, func: &mut Function) -> Result<PassOutcome, PassError> {
        let cfg = ControlFlowGraph::new(func);
        let dom = DomTree::new(func, &cfg);
        let Some(entry) = func.entry() else {
            return Ok(PassOutcome::unchanged());
        };
        let mut repl: Vec<Option<Value>> = vec![None; func.values.len()];
        let mut dead = vec![false; func.insts.len()];
        // Scoped table: the values visible in the current dominator-tree path, with an
        // undo log of (key, previous entry) per block.
        // Each entry: the value, the block defining it and the call count at its
        // definition (calls seen so far in the walk, never undone: two instructions
        // with equal counts in one block have no call between them).
        let mut table: HashMap<Key, Available, wlab_ir::fxhash::FxBuild> = HashMap::default();
        let mut undo: Vec<(Key, Option<Available>)> = Vec::new();
        let mut calls = 0u64;
        enum Step {
            Enter(Block),
            Exit(usize),
        }
        let mut stack = vec![Step::Enter(entry)];
        while let Some(step) = stack.pop() {
            let b = match step {
                Step::Exit(mark) => {
                    while undo.len() > mark {
                        let (k, old) = undo.pop().expect("undo entry");
                        match old {
                            Some(v) => table.insert(k, v),
                            None => table.remove(&k),
                        };
                    }
                    continue;
                }
                Step::Enter(b) => b,
            };
            stack.push(Step::Exit(undo.len()));
            for &i in func.block_insts(b) {
                let d = func.inst(i);
                if d.opcode.effects().call {
                    calls += 1;
                }
                if !d.opcode.effects().is_pure() || d.results.len() != 1 {
                    continue;
                }
                let resolve = |v: Value| repl[v.index()].unwrap_or(v);
                let key = key_of(func, i, &resolve);
                let result = d.results[0];
                match table.get(&key).copied() {
                    // A cheap value is recomputed here rather than kept live from
                    // another block; later instructions of this block and the blocks
                    // it dominates reuse this one.
                    Some(a) if (a.block != b || a.calls != calls) && remat::is_rematerialisable(func, i) => {
                        let here = Available { value: result, block: b, calls };
                        undo.push((key.clone(), table.insert(key, here)));
                    }
                    Some(a) => {
                        repl[result.index()] = Some(a.value);
                        dead[i.index()] = true;
                    }
                    None => {
                        undo.push((key.clone(), None));
                        table.insert(key, Available { value: result, block: b, calls });
                    }
                }
            }
            for &c in dom.children(b).iter().rev() {
                stack.push(Step::Enter(c));
            }
        }
        let removed = dead.iter().filter(|&&d| d).count() as u64;
        if removed == 0 {
            return Ok(PassOutcome::unchanged());
        }
        substitute_uses(func, |v| repl[v.index()].unwrap_or(v));
        remove_insts(func, |i| dead[i.index()]);
        let mut out = PassOutcome { changed: Changed::Instructions, ..PassOutcome::unchanged() };
        out.count("removed", removed);
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{body, run_checked, B};
    use crate::validate::check_equivalent;

    #[test]
    fn cheap_value_is_merged_in_its_block_only() {
        let (mut b, p) = B::new(&[Type::I32], &[Type::I32]);
        let b0 = b.b(0);
        let (b1, _) = b.block(&[]);
        let k = b.iconst(b0, Type::I32, 16);
        let a = b.op(b0, Opcode::Iadd, Type::I32, &[p[0], k]);
        let a2 = b.op(b0, Opcode::Iadd, Type::I32, &[p[0], k]);
        let s = b.op(b0, Opcode::Imul, Type::I32, &[a, a2]);
        b.jump(b0, b1, &[]);
        // Dominated by block0's `p0 + 16`, but recomputed here rather than kept live.
        let a3 = b.op(b1, Opcode::Iadd, Type::I32, &[p[0], k]);
        let r = b.op(b1, Opcode::Imul, Type::I32, &[s, a3]);
        b.ret(b1, &[r]);
        let before = b.f.clone();
        let (out, text) = run_checked(&mut Gvn, &mut b.f);
        assert_eq!(out.counters["removed"], 1, "{text}");
        assert_eq!(body(&text).iter().filter(|l| l.contains("iadd.i32 v0, v1")).count(), 2, "{text}");
        check_equivalent(&before, &b.f, 64).expect("same behaviour");
    }

    #[test]
    fn a_test_is_recomputed_in_a_dominated_block_not_kept_live() {
        let (mut b, p) = B::new(&[Type::I32], &[Type::I32]);
        let b0 = b.b(0);
        let (b1, _) = b.block(&[]);
        let t = b.op(b0, Opcode::Eqz, Type::I32, &[p[0]]);
        b.jump(b0, b1, &[]);
        // The same test again: as a branch condition it is the flags of one compare,
        // kept from block0 it would be a 0/1 value in a register.
        let t2 = b.op(b1, Opcode::Eqz, Type::I32, &[p[0]]);
        let r = b.op(b1, Opcode::Iadd, Type::I32, &[t, t2]);
        b.ret(b1, &[r]);
        let before = b.f.clone();
        let (out, text) = run_checked(&mut Gvn, &mut b.f);
        assert_eq!(out.changed, Changed::Nothing, "{text}");
        assert_eq!(body(&text).iter().filter(|l| l.contains("eqz.i32 v0")).count(), 2, "{text}");
        check_equivalent(&before, &b.f, 64).expect("same behaviour");
    }

    #[test]
    fn merges_dominated_commutative_and_keeps_effects() {
        let (mut b, p) = B::new(&[Type::I32, Type::I32], &[Type::I32]);
        let b0 = b.b(0);
        let (b1, _) = b.block(&[]);
        let (b2, _) = b.block(&[]);
        let a = b.op(b0, Opcode::Iadd, Type::I32, &[p[0], p[1]]);
        let q = b.op(b0, Opcode::Udiv, Type::I32, &[p[0], p[1]]);
        b.brif(b0, p[0], (b1, &[]), (b2, &[]));
        let a2 = b.op(b1, Opcode::Iadd, Type::I32, &[p[1], p[0]]);
        let q2 = b.op(b1, Opcode::Udiv, Type::I32, &[p[0], p[1]]);
        let m = b.op(b1, Opcode::Imul, Type::I32, &[a2, q2]);
        let c1 = b.icmp(b1, IntCC::Slt, Type::I32, p[0], p[1]);
        let c2 = b.icmp(b1, IntCC::Sgt, Type::I32, p[1], p[0]);
        let s = b.op(b1, Opcode::Iadd, Type::I32, &[c1, c2]);
        let r = b.op(b1, Opcode::Iadd, Type::I32, &[m, s]);
        b.ret(b1, &[r]);
        // block2 is not dominated by block1: its iadd is merged with block0's only.
        let a3 = b.op(b2, Opcode::Iadd, Type::I32, &[p[0], p[1]]);
        let m3 = b.op(b2, Opcode::Imul, Type::I32, &[a3, q]);
        b.ret(b2, &[m3]);
        let _ = (a, q);
        let before = b.f.clone();
        let (out, text) = run_checked(&mut Gvn, &mut b.f);
        assert_eq!(out.counters["removed"], 3, "{text}");
        let lines = body(&text);
        assert!(lines.contains(&"v6 = imul.i32 v2, v5".to_string()), "{text}");
        assert!(lines.contains(&"v7 = icmp.i32 slt v0, v1".to_string()), "{text}");
        assert!(lines.contains(&"v9 = iadd.i32 v7, v7".to_string()), "{text}");
        // the second udiv has an effect (may trap): kept
        assert!(lines.contains(&"v5 = udiv.i32 v0, v1".to_string()), "{text}");
        assert!(lines.contains(&"v12 = imul.i32 v2, v3".to_string()), "{text}");
        check_equivalent(&before, &b.f, 64).expect("same behaviour");
    }

    #[test]
    fn siblings_do_not_share() {
        let (mut b, p) = B::new(&[Type::I32], &[Type::I32]);
        let b0 = b.b(0);
        let (b1, _) = b.block(&[]);
        let (b2, _) = b.block(&[]);
        b.brif(b0, p[0], (b1, &[]), (b2, &[]));
        let x = b.op(b1, Opcode::Clz, Type::I32, &[p[0]]);
        b.ret(b1, &[x]);
        let y = b.op(b2, Opcode::Clz, Type::I32, &[p[0]]);
        b.ret(b2, &[y]);
        let (out, _) = run_checked(&mut Gvn, &mut b.f);
        assert_eq!(out.changed, Changed::Nothing);
    }
}
