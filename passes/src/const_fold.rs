//! `const-fold`: evaluates instructions whose operands are constants, with exact wasm
//! semantics ([`crate::fold`]), and resolves `select`, `brif` and `br_table` on
//! constant conditions.
//!
//! ```text
//! block0:                               block0:
//!     v1 = iconst.i32 6                     v1 = iconst.i32 6
//!     v2 = iconst.i32 7                     v2 = iconst.i32 7
//!     v3 = imul.i32 v1, v2      ==>         v3 = iconst.i32 42
//!     v4 = iconst.i32 0                     v4 = iconst.i32 0
//!     v5 = sdiv.i32 v3, v4                  v5 = sdiv.i32 v3, v4      (traps: left alone)
//!     brif v2, block1, block2               jump block1
//! ```
//!
//! A folded instruction is rewritten in place into `iconst` / `fconst` (its result value
//! stays, so uses need no change); the constants it used are left for `dce`. A `select`
//! on a constant condition is replaced by the chosen operand. A branch on a constant
//! becomes a `jump` (Changed::ControlFlow); blocks that become unreachable are left for
//! `dce` / `simplify-cfg`. This pass never folds an operation that would trap
//! (division by zero, `MIN / -1`, out-of-range float-to-int): it counts them as
//! `left-trapping`.

use crate::edit::{remove_insts, substitute_uses};
use crate::fold::{fold, Const, Fold};
use crate::pass::{Changed, Pass, PassError, PassOutcome};
use crate::registry::{ArgSpec, ArgType, PassArgs, PassInfo};
use wlab_ir::{BlockCall, Function, Imm, Inst, Opcode, Value};

pub const INFO: PassInfo = PassInfo {
    name: "const-fold",
    description: "evaluate instructions on constants with wasm semantics; resolve constant select and branches",
    args: &[ArgSpec {
        name: "branches",
        ty: ArgType::Bool,
        default: "true",
        doc: "also turn brif/br_table on a constant into jump",
    }],
    make: |args: &PassArgs| Ok(Box::new(ConstFold { branches: args.bool("branches")? })),
};

/// See the module docs.
#[derive(Clone, Debug)]
pub struct ConstFold {
    pub branches: bool,
}

impl Default for ConstFold {
    fn default() -> Self {
        ConstFold { branches: true }
    }
}

impl Pass for ConstFold {
    fn name(&self) -> &'static str {
        INFO.name
    }

    fn run(&mut self, func: &mut Function) -> Result<PassOutcome, PassError> {
        let mut folded = 0u64;
        let mut selects = 0u64;
        let mut branches = 0u64;
        let mut trapping = std::collections::BTreeSet::new();
        // select result -> chosen operand
        let mut forward: Vec<Option<Value>> = vec![None; func.values.len()];
        let mut dead_select = vec![false; func.insts.len()];
        let resolve = |forward: &Vec<Option<Value>>, mut v: Value| {
            while let Some(w) = forward[v.index()] {
                v = w;
            }
            v
        };
        // Folding in layout order sees most operands first; repeat for the rest (a
        // layout is not always in dominance order).
        loop {
            let mut progress = false;
            let insts: Vec<Inst> = func.layout_insts().map(|(_, i)| i).collect();
            for i in insts {
                if dead_select[i.index()] {
                    continue;
                }
                let d = func.inst(i);
                if d.opcode == Opcode::Select {
                    let c = resolve(&forward, d.args[0]);
                    if let Some(c) = Const::of_value(func, c).and_then(Const::int_bits) {
                        let chosen = resolve(&forward, if c != 0 { d.args[1] } else { d.args[2] });
                        forward[d.results[0].index()] = Some(chosen);
                        dead_select[i.index()] = true;
                        selects += 1;
                        progress = true;
                    }
                    continue;
                }
                if d.opcode.is_terminator() || d.results.len() != 1 || d.args.is_empty() {
                    continue;
                }
                let mut consts = Vec::with_capacity(d.args.len());
                for &a in &d.args {
                    match Const::of_value(func, resolve(&forward, a)) {
                        Some(c) => consts.push(c),
                        None => break,
                    }
                }
                if consts.len() != d.args.len() {
                    continue;
                }
                match fold(d.opcode, d.ty, &d.imm, &consts) {
                    Fold::Value(c) => {
                        c.write_into(func, i);
                        folded += 1;
                        progress = true;
                    }
                    Fold::Traps(_) => {
                        trapping.insert(i);
                    }
                    Fold::No => {}
                }
            }
            if !progress {
                break;
            }
        }

        if self.branches {
            for b in func.layout.clone() {
                let Some(t) = func.terminator(b) else {
                    continue;
                };
                let d = func.inst(t);
                let target: Option<BlockCall> = match d.opcode {
                    Opcode::Brif | Opcode::BrTable => {
                        let cond = d
                            .args
                            .first()
                            .and_then(|&c| Const::of_value(func, resolve(&forward, c)));
                        match (d.opcode, cond.and_then(Const::int_bits)) {
                            (Opcode::Brif, Some(c)) if d.dests.len() == 2 => {
                                Some(d.dests[if c != 0 { 0 } else { 1 }].clone())
                            }
                            (Opcode::BrTable, Some(c)) if !d.dests.is_empty() => {
                                let idx = c as u32 as usize;
                                Some(d.dests.get(idx + 1).unwrap_or(&d.dests[0]).clone())
                            }
                            _ => None,
                        }
                    }
                    _ => None,
                };
                if let Some(dest) = target {
                    let d = func.inst_mut(t);
                    d.opcode = Opcode::Jump;
                    d.ty = None;
                    d.imm = Imm::None;
                    d.args.clear();
                    d.dests = vec![dest];
                    branches += 1;
                }
            }
        }

        if selects > 0 {
            substitute_uses(func, |v| resolve(&forward, v));
            remove_insts(func, |i| dead_select[i.index()]);
        }
        let mut out = PassOutcome::unchanged();
        if folded > 0 {
            out.count("folded", folded);
        }
        if selects > 0 {
            out.count("folded-selects", selects);
        }
        if branches > 0 {
            out.count("folded-branches", branches);
        }
        if !trapping.is_empty() {
            out.count("left-trapping", trapping.len() as u64);
        }
        out.changed = if branches > 0 {
            Changed::ControlFlow
        } else if folded + selects > 0 {
            Changed::Instructions
        } else {
            Changed::Nothing
        };
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{run_checked, B};
    use wlab_ir::Type::I32;

    #[test]
    fn folds_arithmetic_and_branches_but_not_trapping_division() {
        let (mut b, v) = B::new(&[I32], &[I32]);
        let b0 = b.b(0);
        let (b1, _) = b.block(&[]);
        let (b2, _) = b.block(&[]);
        let six = b.iconst(b0, I32, 6);
        let seven = b.iconst(b0, I32, 7);
        let m = b.op(b0, Opcode::Imul, I32, &[six, seven]);
        let zero = b.iconst(b0, I32, 0);
        let d = b.op(b0, Opcode::Sdiv, I32, &[m, zero]);
        let s = b.f.ins1(b0, Opcode::Select, I32, vec![zero, d, v[0]], Imm::None);
        let c = b.icmp(b0, wlab_ir::IntCC::Slt, I32, m, zero);
        b.brif(b0, c, (b1, &[]), (b2, &[]));
        b.ret(b1, &[d]);
        b.ret(b2, &[s]);
        let (out, text) = run_checked(&mut ConstFold::default(), &mut b.f);
        assert_eq!(out.changed, Changed::ControlFlow);
        assert!(text.contains("v3 = iconst.i32 42"), "{text}");
        assert!(text.contains("sdiv.i32 v3, v4"), "{text}");
        assert!(text.contains("v7 = iconst.i32 0"), "{text}");
        assert!(text.contains("jump block2"), "{text}");
        assert!(text.contains("return v0"), "{text}");
        assert!(!text.contains("select"), "{text}");
        assert_eq!(out.counters.get("left-trapping"), Some(&1));
        assert_eq!(out.counters.get("folded"), Some(&2));
    }
}
