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
                        let cond = d.args.first().and_then(|&c| Const::of_value(func, resolve(&forward, c)));
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

/// Folding agrees bit for bit with the IR interpreter on edge values of every foldable
/// operation, and never folds what the interpreter traps on.
#[cfg(test)]
mod agrees_with_interpreter {
    use super::*;
    use crate::validate::run_isolated;
    use wlab_ir::{FloatCC, InstData, IntCC, Signature, Type};

    fn consts(ty: Type) -> Vec<Const> {
        match ty {
            Type::I32 => [0u32, 1, 2, 31, 32, 33, 0x7fff_ffff, 0x8000_0000, 0xffff_ffff, 0xffff_fffe, 0x80, 0x8000]
                .into_iter()
                .map(Const::I32)
                .collect(),
            Type::I64 => [0u64, 1, 63, 64, 65, i64::MAX as u64, 1 << 63, u64::MAX, 0x8000_0000, 0xffff_ffff, 1 << 53]
                .into_iter()
                .map(Const::I64)
                .collect(),
            Type::F32 => [
                0.0f32,
                -0.0,
                1.0,
                -1.5,
                2.5,
                3.5,
                f32::INFINITY,
                f32::NEG_INFINITY,
                2147483648.0,
                -2147483904.0,
                4294967296.0,
                1e-45,
            ]
            .into_iter()
            .map(|x| Const::F32(x.to_bits()))
            .chain([Const::F32(0x7fc0_0000), Const::F32(0x7fa0_0001), Const::F32(0xffc0_0000)])
            .collect(),
            Type::F64 => [
                0.0f64,
                -0.0,
                1.0,
                -1.5,
                2.5,
                -0.5,
                f64::INFINITY,
                f64::NEG_INFINITY,
                9223372036854775808.0,
                18446744073709551616.0,
                -2147483648.9,
                1e300,
            ]
            .into_iter()
            .map(|x| Const::F64(x.to_bits()))
            .chain([
                Const::F64(0x7ff8_0000_0000_0000),
                Const::F64(0x7ff4_0000_0000_0001),
                Const::F64(0xfff8_0000_0000_0000),
            ])
            .collect(),
            Type::FuncRef | Type::ExternRef => Vec::new(),
        }
    }

    fn val(c: Const) -> wlab_ir::interp::Val {
        use wlab_ir::interp::Val;
        match c {
            Const::I32(x) => Val::I32(x as i32),
            Const::I64(x) => Val::I64(x as i64),
            Const::F32(b) => Val::F32(b),
            Const::F64(b) => Val::F64(b),
        }
    }

    fn is_nan(v: wlab_ir::interp::Val) -> bool {
        use wlab_ir::interp::Val;
        match v {
            Val::F32(b) => f32::from_bits(b).is_nan(),
            Val::F64(b) => f64::from_bits(b).is_nan(),
            _ => false,
        }
    }

    /// (opcode, controlling type, operand types, immediate, result type)
    fn cases() -> Vec<(Opcode, Type, Vec<Type>, Imm, Type)> {
        use Opcode::*;
        use Type::*;
        let mut v = Vec::new();
        for t in [I32, I64] {
            for op in [Iadd, Isub, Imul, Sdiv, Udiv, Srem, Urem, Band, Bor, Bxor, Ishl, Ushr, Sshr, Rotl, Rotr] {
                v.push((op, t, vec![t, t], Imm::None, t));
            }
            for op in [Clz, Ctz, Popcnt, Sext8, Sext16] {
                v.push((op, t, vec![t], Imm::None, t));
            }
            v.push((Eqz, t, vec![t], Imm::None, I32));
            for cc in IntCC::ALL {
                v.push((Icmp, t, vec![t, t], Imm::IntCC(cc), I32));
            }
            for f in [F32, F64] {
                for op in [FcvtToSint, FcvtToUint, FcvtToSintSat, FcvtToUintSat] {
                    v.push((op, t, vec![f], Imm::None, t));
                }
                for op in [FcvtFromSint, FcvtFromUint] {
                    v.push((op, f, vec![t], Imm::None, f));
                }
            }
        }
        v.push((Sext32, I64, vec![I64], Imm::None, I64));
        v.push((Ireduce, I32, vec![I64], Imm::None, I32));
        v.push((Sextend, I64, vec![I32], Imm::None, I64));
        v.push((Uextend, I64, vec![I32], Imm::None, I64));
        v.push((Fpromote, F64, vec![F32], Imm::None, F64));
        v.push((Fdemote, F32, vec![F64], Imm::None, F32));
        v.push((Bitcast, F32, vec![I32], Imm::None, F32));
        v.push((Bitcast, I64, vec![F64], Imm::None, I64));
        for t in [F32, F64] {
            for op in [Fadd, Fsub, Fmul, Fdiv, Fmin, Fmax, Fcopysign] {
                v.push((op, t, vec![t, t], Imm::None, t));
            }
            for op in [Fabs, Fneg, Fsqrt, Fceil, Ffloor, Ftrunc, Fnearest] {
                v.push((op, t, vec![t], Imm::None, t));
            }
            for cc in FloatCC::ALL {
                v.push((Fcmp, t, vec![t, t], Imm::FloatCC(cc), I32));
            }
        }
        v
    }

    #[test]
    fn every_fold_matches_the_interpreter() {
        let mut checked = 0;
        for (op, ty, operand_types, imm, result) in cases() {
            let lists: Vec<Vec<Const>> = operand_types.iter().map(|&t| consts(t)).collect();
            let combos: Vec<Vec<Const>> = match lists.as_slice() {
                [a] => a.iter().map(|&x| vec![x]).collect(),
                [a, b] => a.iter().flat_map(|&x| b.iter().map(move |&y| vec![x, y])).collect(),
                _ => unreachable!(),
            };
            for args in combos {
                // The interpreter on the operation with the operands as parameters...
                let mut f = Function::new("t", Signature::new(operand_types.clone(), vec![result]));
                let b0 = f.create_block();
                f.append_block(b0);
                let params: Vec<Value> = operand_types.iter().map(|&t| f.append_block_param(b0, t)).collect();
                let i = f.append_inst(b0, InstData::new(op, Some(ty), params, imm), &[result]);
                let r = f.inst_results(i)[0];
                f.terminate(b0, Opcode::Return, vec![r], Imm::None, vec![]);
                let argv: Vec<_> = args.iter().map(|&c| val(c)).collect();
                let expected = run_isolated(&f, &argv, 0).expect("no loop");
                // ...and the folder on the same operands.
                match (fold(op, Some(ty), &imm, &args), expected) {
                    // A NaN made from non-NaN operands has a nondeterministic sign in
                    // wasm; the interpreter takes the host's (x86: negative) for some
                    // operations. Everything else must match bit for bit.
                    (Fold::Value(c), Ok(vals))
                        if is_nan(val(c))
                            && vals.len() == 1
                            && is_nan(vals[0])
                            && !args.iter().any(|&a| is_nan(val(a))) => {}
                    (Fold::Value(c), Ok(vals)) => assert_eq!(vec![val(c)], vals, "{op}.{ty} {imm:?} {args:?}"),
                    (Fold::Traps(t), Err(code)) => assert_eq!(t, code, "{op}.{ty} {args:?}"),
                    (got, want) => panic!("{op}.{ty} {imm:?} {args:?}: folded {got:?}, interpreter {want:?}"),
                }
                checked += 1;
            }
        }
        assert!(checked > 5000, "{checked}");
    }
}
