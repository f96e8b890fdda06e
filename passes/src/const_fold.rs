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
use crate::registry::{ArgSpec, ArgType, Make, PassArgs, PassInfo};
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
    make: Make::Function(|args: &PassArgs| Ok(Box::new(ConstFold { branches: args.bool("branches")? }))),
    idempotent: true,
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

/// Folding agrees bit for bit with the IR interpreter (running a one-instruction
/// function) on edge and random values of every pure number operation of the opcode
/// table, and never folds what the interpreter traps on.
#[cfg(test)]
mod agrees_with_interpreter {
    use super::*;
    use crate::validate::run_isolated;
    use wlab_ir::opinfo::{Arg, ImmKind, Results};
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
            Type::FuncRef | Type::ExternRef | Type::V128 => Vec::new(),
        }
    }

    /// Every pure opcode of the table that takes number operands, with every accepted
    /// controlling type, operand type and condition: (opcode, controlling type, operand
    /// types, immediate, result type). Derived from `Opcode::SCALAR` (SIMD rows take
    /// `v128` operands, which are never constants here), so a new scalar opcode is
    /// covered without touching this test.
    fn cases() -> Vec<(Opcode, Type, Vec<Type>, Imm, Type)> {
        let numbers = [Type::I32, Type::I64, Type::F32, Type::F64];
        let mut v = Vec::new();
        for &op in Opcode::SCALAR {
            let info = op.info();
            let e = info.effects;
            if e.reads_anything() || e.writes_anything() || e.terminator {
                continue;
            }
            let Some(args) = info.operands.fixed() else { continue };
            if args.is_empty() || LEFT_TO_CALLER.contains(&op) {
                continue;
            }
            let imms: Vec<Imm> = match info.imm {
                ImmKind::None => vec![Imm::None],
                ImmKind::IntCC => IntCC::ALL.into_iter().map(Imm::IntCC).collect(),
                ImmKind::FloatCC => FloatCC::ALL.into_iter().map(Imm::FloatCC).collect(),
                other => panic!("{op}: no test immediates for {other:?}; add them here"),
            };
            for ty in numbers.into_iter().filter(|&t| info.suffix.accepts(t)) {
                let result = match info.results {
                    Results::Ctrl => ty,
                    Results::One(t) => t,
                    other => panic!("{op}: unexpected result rule {other:?}"),
                };
                // Every combination of operand types the row allows.
                let mut tys: Vec<Vec<Type>> = vec![vec![]];
                for a in args {
                    let choices: Vec<Type> = match a.fixed_type(ty) {
                        Some(t) => vec![t],
                        None => numbers.into_iter().filter(|&t| a_accepts(*a, t)).collect(),
                    };
                    tys =
                        tys.iter().flat_map(|p| choices.iter().map(move |&t| [p.clone(), vec![t]].concat())).collect();
                }
                for operand_types in tys {
                    for imm in &imms {
                        v.push((op, ty, operand_types.clone(), *imm, result));
                    }
                }
            }
        }
        v
    }

    /// Pure opcodes that `fold` leaves to its caller: `copy` and `select` forward an
    /// operand (the passes decide), and reference operations have no number operands.
    const LEFT_TO_CALLER: &[Opcode] = &[Opcode::Copy, Opcode::Select, Opcode::RefIsNull];

    fn a_accepts(a: Arg, t: Type) -> bool {
        match a {
            Arg::AnyInt => t.is_int(),
            Arg::AnyFloat => t.is_float(),
            Arg::AnyRef => t.is_ref(),
            Arg::T(x) => x == t,
            Arg::Ctrl | Arg::BitcastSource => false,
        }
    }

    /// A small deterministic generator (xorshift64*), so failures reproduce.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
        }

        /// A random constant of `ty`: random bits, or a random edge value nudged by a
        /// small amount, so both the interior and the boundaries are hit.
        fn konst(&mut self, ty: Type) -> Const {
            let edges = consts(ty);
            let r = self.next();
            let bits = if r % 3 == 0 {
                let e = edges[(r >> 8) as usize % edges.len()];
                let delta = (self.next() % 5).wrapping_sub(2);
                match e {
                    Const::I32(x) => x as u64,
                    Const::I64(x) => x,
                    Const::F32(x) => x as u64,
                    Const::F64(x) => x,
                }
                .wrapping_add(delta)
            } else {
                self.next()
            };
            match ty {
                Type::I32 => Const::I32(bits as u32),
                Type::I64 => Const::I64(bits),
                Type::F32 => Const::F32(bits as u32),
                Type::F64 | Type::FuncRef | Type::ExternRef | Type::V128 => Const::F64(bits),
            }
        }
    }

    /// Random operand tuples per case.
    const RANDOM_PER_CASE: usize = 64;

    #[test]
    fn every_fold_matches_the_interpreter() {
        let mut checked = 0;
        let mut folded_ops = std::collections::BTreeSet::new();
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        for (op, ty, operand_types, imm, result) in cases() {
            // Every combination of edge values, then random tuples.
            let mut combos: Vec<Vec<Const>> = vec![vec![]];
            for &t in &operand_types {
                combos = combos
                    .iter()
                    .flat_map(|p| consts(t).into_iter().map(move |c| [p.clone(), vec![c]].concat()))
                    .collect();
            }
            for _ in 0..RANDOM_PER_CASE {
                combos.push(operand_types.iter().map(|&t| rng.konst(t)).collect());
            }
            // The interpreter on the operation with the operands as parameters...
            let mut f = Function::new("t", Signature::new(operand_types.clone(), vec![result]));
            let b0 = f.create_block();
            f.append_block(b0);
            let params: Vec<Value> = operand_types.iter().map(|&t| f.append_block_param(b0, t)).collect();
            let i = f.append_inst(b0, InstData::new(op, Some(ty), params, imm), &[result]);
            let r = f.inst_results(i)[0];
            f.terminate(b0, Opcode::Return, vec![r], Imm::None, vec![]);
            wlab_ir::verify::verify_function(&f).unwrap_or_else(|e| panic!("{op}.{ty}: {e}"));
            for args in combos {
                let argv: Vec<_> = args.iter().map(|&c| c.to_val()).collect();
                let expected = run_isolated(&f, &argv, 0).expect("no loop");
                // ...and the folder on the same operands: bit for bit, traps included.
                match (fold(op, Some(ty), &imm, &args), expected) {
                    (Fold::Value(c), Ok(vals)) => assert_eq!(vec![c.to_val()], vals, "{op}.{ty} {imm:?} {args:?}"),
                    (Fold::Traps(t), Err(code)) => assert_eq!(t, code, "{op}.{ty} {args:?}"),
                    (got, want) => panic!("{op}.{ty} {imm:?} {args:?}: folded {got:?}, interpreter {want:?}"),
                }
                folded_ops.insert(op);
                checked += 1;
            }
        }
        assert!(checked > 20000, "{checked}");
        // Every pure number operation of the table was exercised.
        let pure_number_ops = Opcode::SCALAR
            .iter()
            .filter(|op| {
                let e = op.effects();
                !(e.reads_anything() || e.writes_anything() || e.terminator)
                    && op.info().operands.fixed().is_some_and(|a| !a.is_empty())
                    && !LEFT_TO_CALLER.contains(op)
            })
            .count();
        assert_eq!(folded_ops.len(), pure_number_ops, "{folded_ops:?}");
    }
}
