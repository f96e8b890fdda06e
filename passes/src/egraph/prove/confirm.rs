//! A solver's counterexample, made concrete and run: the rule's two sides become two
//! tiny IR functions over the counterexample's inputs, and the IR interpreter runs both
//! on them. A counterexample is reported only when the two runs differ, so it is
//! confirmed by execution, not only by the solver.
//!
//! ```text
//! wrong-sub: (isub.i32 ?x ?y) => (isub.i32 ?y ?x), ?x = 1, ?y = 0
//!
//! function "before"(i32, i32) -> i32 {      function "after"(i32, i32) -> i32 {
//! block0(v0: i32, v1: i32):                 block0(v0: i32, v1: i32):
//!     v2 = isub.i32 v0, v1                      v2 = isub.i32 v1, v0
//!     return v2                                 return v2
//! }                                         }
//! before: i32:1   after: i32:-1
//! ```
//!
//! A value variable with a `const` condition is an `iconst`/`fconst` in the function
//! (the rule only matches constants there), one with an offset fact is `base + k`;
//! literals and helpers are evaluated with the e-graph's own helper code. This file
//! never talks to a solver.

use super::encode::{offset_vars, smt_name, var_type, Instance};
use super::semantics::{quiet_bit, Compare};
use crate::egraph::analysis::eval_meta;
use crate::egraph::language::{has_imm_child, result_type, Cc, Meta, Node};
use crate::egraph::rules::{root, CondKind, Rule, Sort};
use egg::{ENodeOrVar, Id, PatternAst, Var};
use std::collections::BTreeMap;
use wlab_ir::interp::Val;
use wlab_ir::write::{format_f32, format_f64};
use wlab_ir::{Opcode, Type};

/// The counterexample made concrete, and what running it gave.
#[derive(Clone, Debug)]
pub struct Concrete {
    /// `?x = i32:1`, `?cc = slt`, `base ?y = i32:5`, ...
    pub inputs: Vec<(String, String)>,
    pub before_ir: String,
    pub after_ir: String,
    /// The results, as the interpreter printed them (`i32:1`, `trap: integer overflow`).
    pub before: String,
    pub after: String,
    /// Whether the two runs differ (compared as the query compared them).
    pub differ: bool,
}

/// A concrete input value of type `t` from model bits.
fn val(t: Type, bits: u64) -> Val {
    match t {
        Type::I32 => Val::I32(bits as u32 as i32),
        Type::I64 => Val::I64(bits as i64),
        Type::F32 => Val::F32(bits as u32),
        Type::F64 => Val::F64(bits),
        Type::FuncRef | Type::ExternRef | Type::V128 => Val::default_for(t),
    }
}

struct Builder<'a> {
    sorts: &'a BTreeMap<Var, Sort>,
    inst: &'a Instance,
    model: &'a BTreeMap<String, u64>,
    /// The IR value of each value variable (and of each base), once defined.
    vals: BTreeMap<String, String>,
    lines: Vec<String>,
    next: usize,
}

enum C {
    Val(String, Type),
    Lit(u64),
    Cond(Cc),
}

impl Builder<'_> {
    fn def(&mut self, rhs: String) -> String {
        let v = format!("v{}", self.next);
        self.next += 1;
        self.lines.push(format!("    {v} = {rhs}"));
        v
    }

    fn konst(&mut self, t: Type, bits: u64) -> String {
        let text = match t {
            Type::I32 => format!("iconst.i32 {}", bits as u32 as i32),
            Type::I64 => format!("iconst.i64 {}", bits as i64),
            Type::F32 => format!("fconst.f32 {}", format_f32(bits as u32)),
            Type::F64 => format!("fconst.f64 {}", format_f64(bits)),
            Type::FuncRef | Type::ExternRef => "ref_null.funcref".into(),
            Type::V128 => format!("const.v128 0x{bits:032x}"),
        };
        self.def(text)
    }

    fn term(&mut self, ast: &PatternAst<Node>, id: Id) -> Option<C> {
        Some(match &ast[id] {
            ENodeOrVar::Var(v) => match self.sorts.get(v)? {
                Sort::Val(_) => C::Val(self.vals.get(&smt_name(*v))?.clone(), var_type(self.sorts, self.inst, *v)?),
                Sort::Lit => C::Lit(*self.model.get(&smt_name(*v)).unwrap_or(&0)),
                Sort::Cond => C::Cond(*self.inst.ccs.get(v)?),
            },
            ENodeOrVar::ENode(n) => match n {
                Node::Lit(x) => C::Lit(*x),
                Node::Cond(c) => C::Cond(*c),
                Node::Opaque(_) => return None,
                Node::Meta { op: Meta::Base, args } => {
                    let ENodeOrVar::Var(v) = &ast[args[0]] else { return None };
                    let t = var_type(self.sorts, self.inst, *v)?;
                    C::Val(self.vals.get(&format!("|base {v}|"))?.clone(), t)
                }
                Node::Meta { op: Meta::Offset, args } => {
                    let ENodeOrVar::Var(v) = &ast[args[0]] else { return None };
                    C::Lit(*self.model.get(&format!("|offset {v}|")).unwrap_or(&0))
                }
                Node::Meta { op, args } => {
                    let mut lits = Vec::new();
                    let mut ccs = Vec::new();
                    for &a in args.iter() {
                        match self.term(ast, a)? {
                            C::Lit(x) => {
                                lits.push(Some(x));
                                ccs.push(None);
                            }
                            C::Cond(c) => {
                                lits.push(None);
                                ccs.push(Some(c));
                            }
                            C::Val(..) => return None,
                        }
                    }
                    match eval_meta(*op, &lits, &ccs) {
                        (Some(x), _) => C::Lit(x),
                        (None, Some(c)) => C::Cond(c),
                        (None, None) => return None,
                    }
                }
                Node::Op { op, ty, args } => {
                    if matches!(op, Opcode::Iconst | Opcode::Fconst) {
                        let C::Lit(x) = self.term(ast, args[0])? else { return None };
                        let x = if matches!(ty, Type::I32 | Type::F32) { x & 0xffff_ffff } else { x };
                        return Some(C::Val(self.konst(*ty, x), *ty));
                    }
                    let (cc, vals) = if has_imm_child(*op) {
                        let C::Cond(c) = self.term(ast, args[0])? else { return None };
                        (Some(c), &args[1..])
                    } else {
                        (None, &args[..])
                    };
                    let mut ops = Vec::new();
                    for &a in vals {
                        let C::Val(v, _) = self.term(ast, a)? else { return None };
                        ops.push(v);
                    }
                    let cc = cc.map(|c| format!("{} ", c.name())).unwrap_or_default();
                    let v = self.def(format!("{}.{} {cc}{}", op.name(), ty.name(), ops.join(", ")));
                    C::Val(v, result_type(*op, *ty))
                }
            },
        })
    }
}

/// Builds both functions for `inst` and `model` and runs them. `None` when the model
/// cannot be made into functions (a bug of the prover; reported as unknown).
pub fn confirm(rule: &Rule, inst: &Instance, model: &BTreeMap<String, u64>, how: Compare) -> Option<Concrete> {
    let sorts = rule.sorts();
    let consts: Vec<Var> =
        rule.conds.0.iter().filter(|(k, _)| *k == CondKind::Const).flat_map(|(_, vs)| vs.iter().copied()).collect();
    let offsets = offset_vars(rule);
    let bits = |name: &str| *model.get(name).unwrap_or(&0);
    // Parameters: value variables that are neither constants nor base + k, and bases.
    let mut params: Vec<(String, Type, u64)> = Vec::new();
    let mut inputs = Vec::new();
    for (&v, sort) in &sorts {
        match sort {
            Sort::Val(_) => {
                let t = var_type(&sorts, inst, v)?;
                inputs.push((v.to_string(), val(t, bits(&smt_name(v))).to_string()));
                if offsets.contains(&v) {
                    let b = format!("|base {v}|");
                    inputs.push((format!("(base {v})"), val(t, bits(&b)).to_string()));
                    inputs.push((format!("(offset {v})"), format!("{}", bits(&format!("|offset {v}|")) as i64)));
                    params.push((b, t, bits(&format!("|base {v}|"))));
                } else if !consts.contains(&v) {
                    params.push((smt_name(v), t, bits(&smt_name(v))));
                }
            }
            Sort::Lit => inputs.push((v.to_string(), format!("{}", bits(&smt_name(v)) as i64))),
            Sort::Cond => inputs.push((v.to_string(), inst.ccs.get(&v)?.name().to_string())),
        }
    }
    let args: Vec<Val> = params.iter().map(|(_, t, b)| val(*t, *b)).collect();
    let side = |ast: &PatternAst<Node>, name: &str| -> Option<(String, wlab_ir::Function)> {
        let mut b =
            Builder { sorts: &sorts, inst, model, vals: BTreeMap::new(), lines: Vec::new(), next: params.len() };
        for (i, (p, _, _)) in params.iter().enumerate() {
            b.vals.insert(p.clone(), format!("v{i}"));
        }
        for (&v, sort) in &sorts {
            if !matches!(sort, Sort::Val(_)) {
                continue;
            }
            let t = var_type(&sorts, inst, v)?;
            if offsets.contains(&v) {
                let k = b.konst(t, bits(&format!("|offset {v}|")));
                let base = b.vals.get(&format!("|base {v}|"))?.clone();
                let y = b.def(format!("iadd.{} {base}, {k}", t.name()));
                b.vals.insert(smt_name(v), y);
            } else if consts.contains(&v) {
                let k = b.konst(t, bits(&smt_name(v)));
                b.vals.insert(smt_name(v), k);
            }
        }
        let C::Val(r, rt) = b.term(ast, root(ast))? else { return None };
        let ps: Vec<&str> = params.iter().map(|p| p.1.name()).collect();
        let block: Vec<String> = params.iter().enumerate().map(|(i, p)| format!("v{i}: {}", p.1.name())).collect();
        let text = format!(
            "function \"{name}\"({}) -> {} {{\nblock0({}):\n{}\n    return {r}\n}}\n",
            ps.join(", "),
            rt.name(),
            block.join(", "),
            b.lines.join("\n")
        )
        .replace(":\n\n    return", ":\n    return");
        let f = wlab_ir::parse::parse_function(&text).ok()?;
        Some((text, f))
    };
    let (before_ir, before_f) = side(&rule.lhs.ast, "before")?;
    let (after_ir, after_f) = side(&rule.rhs_ast, "after")?;
    let run = |f: &wlab_ir::Function| crate::validate::run_isolated(f, &args, 0);
    let (a, b) = (run(&before_f), run(&after_f));
    let show = |r: &Option<Result<Vec<Val>, wlab_ir::TrapCode>>| match r {
        None => "out of fuel".to_string(),
        Some(Ok(vs)) => vs.iter().map(Val::to_string).collect::<Vec<_>>().join(", "),
        Some(Err(t)) => format!("trap: {}", t.message()),
    };
    let same = match (&a, &b) {
        (Some(Ok(x)), Some(Ok(y))) => x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same_val(p, q, how)),
        (x, y) => x == y,
    };
    Some(Concrete { inputs, before_ir, after_ir, before: show(&a), after: show(&b), differ: !same })
}

/// Whether `after` is a result `before` allows ([`Compare`]).
fn same_val(before: &Val, after: &Val, how: Compare) -> bool {
    let nan = |v: &Val| match v {
        Val::F32(x) => f32::from_bits(*x).is_nan(),
        Val::F64(x) => f64::from_bits(*x).is_nan(),
        _ => false,
    };
    let quiet = |v: &Val| match v {
        Val::F32(x) => x >> quiet_bit(Type::F32) & 1 == 1,
        Val::F64(x) => x >> quiet_bit(Type::F64) & 1 == 1,
        _ => false,
    };
    match how {
        Compare::Exact => before == after,
        Compare::Arithmetic if nan(before) => nan(after) && quiet(after),
        Compare::Arithmetic => before == after,
        Compare::AnyNan => before == after || (nan(before) && nan(after)),
    }
}
