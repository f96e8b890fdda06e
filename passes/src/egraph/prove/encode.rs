//! One instance of a rule as an SMT-LIB query: "is there an input on which the left
//! side and the right side differ, while the rule would apply?" (`unsat`: proved).
//!
//! ```text
//! ?x (a value)        a bit-vector input of its type's width
//! ?c (a literal)      a 64-bit input; under a 32-bit constant its high half is zero,
//!                     as the e-graph's literals are
//! ?cc (a condition)   one concrete condition per instance (the caller enumerates them)
//! (log2 ?c) (add ..)  the helpers' 64-bit wrapping arithmetic; where a helper is
//!                     undefined (log2 of a non-power of two) the rule does not apply,
//!                     so that is assumed away
//! (base ?y) (offset ?y), offset(?y)
//!                     two more inputs with the fact ?y = base + offset
//! if cond(?v)         CondKind::smt: the assumption each named check stands for
//! ```
//!
//! An instance whose condition codes or types do not fit its operations is one the
//! e-graph can never match ([`Encoded::Never`]). This file never runs a solver.

use super::semantics::{self, bv, fp, width, Compare, Sem};
use crate::egraph::analysis::eval_meta;
use crate::egraph::language::{has_imm_child, result_type, Cc, Meta, Node};
use crate::egraph::rules::{root, CondArg, CondKind, Rule, Sort};
use egg::{ENodeOrVar, Id, PatternAst, Var};
use std::collections::BTreeMap;
use wlab_ir::opinfo::Arg;
use wlab_ir::{Opcode, Type};

/// The choices that make one instance of a rule: a condition per condition variable,
/// a type per value variable whose type the rule leaves open.
#[derive(Clone, Debug, Default)]
pub struct Instance {
    pub ccs: BTreeMap<Var, Cc>,
    pub types: BTreeMap<Var, Type>,
}

/// What a query's model is read back into.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InputKind {
    /// A value variable of this type.
    Value(Type),
    /// A literal variable (64 bits).
    Lit,
    /// The `base` of the offset fact of a value variable of this type.
    Base(Type),
    /// The offset `k` of that fact (64 bits).
    Offset,
}

/// One input of the query: its SMT name, the rule variable it belongs to, its kind.
#[derive(Clone, Debug)]
pub struct Input {
    pub smt: String,
    pub var: Var,
    pub kind: InputKind,
}

/// A query ready for the solver.
#[derive(Clone, Debug)]
pub struct Query {
    /// `declare-const` and `assert` lines, the negated goal last.
    pub text: String,
    pub inputs: Vec<Input>,
    /// How the two results are compared (also by the interpreter's confirmation).
    pub compare: Compare,
}

/// The outcome of encoding one instance.
pub enum Encoded {
    Query(Query),
    /// The e-graph can never match this instance (a condition code or type that does
    /// not fit, a helper undefined for every input).
    Never,
    /// Something the prover cannot express, with the reason.
    Unsupported(String),
}

/// A term of the pattern language, encoded.
#[derive(Clone)]
enum T {
    Val(String, Type),
    Lit(String),
    Cond(Cc),
}

enum Stop {
    Never,
    Unsupported(String),
}

struct Enc<'a> {
    sorts: &'a BTreeMap<Var, Sort>,
    inst: &'a Instance,
    decls: Vec<String>,
    asserts: Vec<String>,
    inputs: Vec<Input>,
    fresh: usize,
    /// The results of float arithmetic (fresh bits), by SMT name.
    arith: Vec<String>,
}

/// The SMT name of a variable (a quoted symbol: `|?x|`).
pub fn smt_name(v: Var) -> String {
    format!("|{v}|")
}

fn offset_names(v: Var) -> (String, String) {
    (format!("|base {v}|"), format!("|offset {v}|"))
}

/// The type a value variable has in this instance (`None`: not a value).
pub fn var_type(sorts: &BTreeMap<Var, Sort>, inst: &Instance, v: Var) -> Option<Type> {
    match sorts.get(&v) {
        Some(Sort::Val(Some(t))) => Some(*t),
        Some(Sort::Val(None)) => inst.types.get(&v).copied(),
        Some(Sort::Lit | Sort::Cond) | None => None,
    }
}

/// The variables whose offset fact the rule reads (`base`, `offset`, `offset(?y)`).
pub fn offset_vars(rule: &Rule) -> Vec<Var> {
    let mut vs: Vec<Var> = Vec::new();
    for n in rule.rhs_ast.as_ref() {
        if let ENodeOrVar::ENode(Node::Meta { op: Meta::Base | Meta::Offset, args }) = n {
            if let ENodeOrVar::Var(v) = &rule.rhs_ast[args[0]] {
                vs.push(*v);
            }
        }
    }
    for (k, args) in &rule.conds.0 {
        if *k == CondKind::Offset {
            vs.extend(args.iter().copied());
        }
    }
    vs.sort();
    vs.dedup();
    vs
}

/// Encodes one instance of `rule`.
pub fn encode(rule: &Rule, inst: &Instance) -> Encoded {
    let sorts = rule.sorts();
    let mut e = Enc {
        sorts: &sorts,
        inst,
        decls: Vec::new(),
        asserts: Vec::new(),
        inputs: Vec::new(),
        fresh: 0,
        arith: Vec::new(),
    };
    match e.run(rule) {
        Ok((goal, compare)) => {
            let mut text = String::new();
            for d in e.decls.iter().chain(&e.asserts) {
                text.push_str(d);
                text.push('\n');
            }
            text.push_str(&format!("(assert (not {goal}))\n"));
            Encoded::Query(Query { text, inputs: e.inputs, compare })
        }
        Err(Stop::Never) => Encoded::Never,
        Err(Stop::Unsupported(r)) => Encoded::Unsupported(r),
    }
}

impl Enc<'_> {
    fn run(&mut self, rule: &Rule) -> Result<(String, Compare), Stop> {
        // Inputs: every variable of the left side, in name order.
        for (&v, sort) in self.sorts {
            match sort {
                Sort::Val(_) => {
                    let t = var_type(self.sorts, self.inst, v).ok_or(Stop::Never)?;
                    if !(t.is_int() || t.is_float()) {
                        return Err(Stop::Unsupported(format!("{v} is a reference")));
                    }
                    self.input(smt_name(v), v, InputKind::Value(t), width(t));
                }
                Sort::Lit => self.input(smt_name(v), v, InputKind::Lit, 64),
                Sort::Cond => {}
            }
        }
        // Offset facts: ?y = base + k (k in the width of ?y's type, as the analysis keeps it).
        for v in offset_vars(rule) {
            let t = var_type(self.sorts, self.inst, v).ok_or(Stop::Never)?;
            if !t.is_int() {
                return Err(Stop::Never);
            }
            let (b, k) = offset_names(v);
            self.input(b.clone(), v, InputKind::Base(t), width(t));
            self.input(k.clone(), v, InputKind::Offset, 64);
            let w = width(t);
            self.asserts.push(format!("(assert (= {} (bvadd {b} {})))", smt_name(v), low(&k, w)));
            if w == 32 {
                self.asserts.push(format!("(assert (= ((_ extract 63 32) {k}) (_ bv0 32)))"));
            }
        }
        let lhs = self.term(&rule.lhs.ast, root(&rule.lhs.ast), true)?;
        let compare = match &lhs {
            T::Val(l, _) if self.arith.contains(l) => Compare::Arithmetic,
            T::Val(..) if !self.arith.is_empty() => Compare::AnyNan,
            T::Val(..) | T::Lit(_) | T::Cond(_) => Compare::Exact,
        };
        let rhs = self.term(&rule.rhs_ast, root(&rule.rhs_ast), false)?;
        // Conditions.
        for (kind, vs) in &rule.conds.0 {
            let args: Vec<CondArg> = vs.iter().map(|&v| self.cond_arg(v)).collect();
            let a = kind.smt(&args);
            self.asserts.push(format!("(assert {a})"));
        }
        match (lhs, rhs) {
            (T::Val(l, t), T::Val(r, u)) if t == u => Ok((semantics::same(&l, &r, t, compare), compare)),
            (T::Val(..), T::Val(..)) => Err(Stop::Never),
            (T::Lit(_) | T::Cond(_), _) | (_, T::Lit(_) | T::Cond(_)) => {
                Err(Stop::Unsupported("a side is not a value".into()))
            }
        }
    }

    fn cond_arg(&self, v: Var) -> CondArg {
        let num = match self.sorts.get(&v) {
            Some(Sort::Lit) => Some(smt_name(v)),
            Some(Sort::Val(_)) => match var_type(self.sorts, self.inst, v) {
                Some(Type::I32) => Some(format!("((_ zero_extend 32) {})", smt_name(v))),
                Some(Type::I64) => Some(smt_name(v)),
                Some(_) | None => None,
            },
            Some(Sort::Cond) | None => None,
        };
        CondArg { num, offset: Some(offset_names(v).1) }
    }

    fn input(&mut self, smt: String, var: Var, kind: InputKind, w: u32) {
        self.decls.push(format!("(declare-const {smt} (_ BitVec {w}))"));
        self.inputs.push(Input { smt, var, kind });
    }

    fn fresh_bits(&mut self, w: u32) -> String {
        self.fresh += 1;
        let name = format!("|nan {}|", self.fresh);
        self.decls.push(format!("(declare-const {name} (_ BitVec {w}))"));
        name
    }

    fn term(&mut self, ast: &PatternAst<Node>, id: Id, lhs: bool) -> Result<T, Stop> {
        match &ast[id] {
            ENodeOrVar::Var(v) => match self.sorts.get(v) {
                Some(Sort::Val(_)) => Ok(T::Val(smt_name(*v), var_type(self.sorts, self.inst, *v).ok_or(Stop::Never)?)),
                Some(Sort::Lit) => Ok(T::Lit(smt_name(*v))),
                Some(Sort::Cond) => Ok(T::Cond(*self.inst.ccs.get(v).ok_or(Stop::Never)?)),
                None => Err(Stop::Unsupported(format!("{v} has no sort"))),
            },
            ENodeOrVar::ENode(node) => match node {
                Node::Lit(n) => Ok(T::Lit(bv(*n, 64))),
                Node::Cond(c) => Ok(T::Cond(*c)),
                Node::Opaque(v) => Err(Stop::Unsupported(format!("a rule cannot name the value {v}"))),
                Node::Meta { op, args } => self.meta(ast, *op, args, lhs),
                Node::Op { op, ty, args } => self.op(ast, *op, *ty, args, lhs),
            },
        }
    }

    fn meta(&mut self, ast: &PatternAst<Node>, op: Meta, args: &[Id], lhs: bool) -> Result<T, Stop> {
        let var_of = |id: Id| match &ast[id] {
            ENodeOrVar::Var(v) => Ok(*v),
            ENodeOrVar::ENode(_) => {
                Err(Stop::Unsupported(format!("`{}` of something other than a variable", op.name())))
            }
        };
        let ks: Vec<T> = match op {
            Meta::Base | Meta::Offset => Vec::new(),
            Meta::Log2
            | Meta::Neg
            | Meta::Not
            | Meta::Add
            | Meta::Sub
            | Meta::Mul
            | Meta::And
            | Meta::Or
            | Meta::Xor
            | Meta::Shl
            | Meta::Inverse
            | Meta::Swap
            | Meta::Reflexive => args.iter().map(|&a| self.term(ast, a, lhs)).collect::<Result<_, _>>()?,
        };
        let lit = |n: usize| match ks.get(n) {
            Some(T::Lit(s)) => Ok(s.clone()),
            _ => Err(Stop::Unsupported(format!("`{}` takes literals", op.name()))),
        };
        let two = |f: &str| Ok(T::Lit(format!("({f} {} {})", lit(0)?, lit(1)?)));
        // Condition helpers: the instance's conditions are concrete, so they are
        // evaluated here, by the e-graph's own code.
        let on_cc = || match ks.first() {
            Some(T::Cond(c)) => Ok(eval_meta(op, &[], &[Some(*c)])),
            _ => Err(Stop::Unsupported(format!("`{}` takes a condition", op.name()))),
        };
        match op {
            Meta::Log2 => {
                // A fresh literal l < 64 with 1 << l = c: defined only for powers of two
                // (elsewhere the rule does not apply). Cheaper for the solver than a
                // chain of 64 comparisons.
                let c = lit(0)?;
                self.fresh += 1;
                let l = format!("|log2 {}|", self.fresh);
                self.decls.push(format!("(declare-const {l} (_ BitVec 64))"));
                self.asserts.push(format!("(assert (bvult {l} (_ bv64 64)))"));
                self.asserts.push(format!("(assert (= {c} (bvshl (_ bv1 64) {l})))"));
                Ok(T::Lit(l))
            }
            Meta::Neg => Ok(T::Lit(format!("(bvneg {})", lit(0)?))),
            Meta::Not => Ok(T::Lit(format!("(bvnot {})", lit(0)?))),
            Meta::Add => two("bvadd"),
            Meta::Sub => two("bvsub"),
            Meta::Mul => two("bvmul"),
            Meta::And => two("bvand"),
            Meta::Or => two("bvor"),
            Meta::Xor => two("bvxor"),
            // Shifting by 64 or more gives 0, as the analysis's helper does.
            Meta::Shl => two("bvshl"),
            Meta::Inverse | Meta::Swap => match on_cc()? {
                (_, Some(c)) => Ok(T::Cond(c)),
                (_, None) => Err(Stop::Never),
            },
            Meta::Reflexive => match on_cc()? {
                (Some(n), _) => Ok(T::Lit(bv(n, 64))),
                (None, _) => Err(Stop::Never),
            },
            Meta::Base => {
                let v = var_of(args[0])?;
                let t = var_type(self.sorts, self.inst, v).ok_or(Stop::Never)?;
                Ok(T::Val(offset_names(v).0, t))
            }
            Meta::Offset => Ok(T::Lit(offset_names(var_of(args[0])?).1)),
        }
    }

    fn op(&mut self, ast: &PatternAst<Node>, op: Opcode, ty: Type, args: &[Id], lhs: bool) -> Result<T, Stop> {
        let w = width(ty);
        if matches!(op, Opcode::Iconst | Opcode::Fconst) {
            let T::Lit(l) = self.term(ast, args[0], lhs)? else {
                return Err(Stop::Unsupported("a constant of something other than a literal".into()));
            };
            // The e-graph's 32-bit literals have a zero high half (left side); a computed
            // one keeps its low 32 bits (right side).
            if w == 32 && lhs && matches!(ast[args[0]], ENodeOrVar::Var(_)) {
                self.asserts.push(format!("(assert (= ((_ extract 63 32) {l}) (_ bv0 32)))"));
            }
            return Ok(T::Val(low(&l, w), ty));
        }
        let (cc, vals) = if has_imm_child(op) {
            match self.term(ast, args[0], lhs)? {
                T::Cond(c) => (Some(c), &args[1..]),
                T::Lit(_) | T::Val(..) => return Err(Stop::Unsupported("a comparison without a condition".into())),
            }
        } else {
            (None, args)
        };
        // Operand types: an instance where they do not fit is never matched.
        let want = op.info().operands.fixed().unwrap_or(&[]);
        let mut ops = Vec::new();
        for (&a, spec) in vals.iter().zip(want) {
            let T::Val(s, t) = self.term(ast, a, lhs)? else {
                return Err(Stop::Unsupported(format!("an operand of `{}` is not a value", op.name())));
            };
            let fits = match spec.fixed_type(ty) {
                Some(x) => x == t,
                None => match spec {
                    Arg::AnyInt => t.is_int(),
                    Arg::AnyFloat => t.is_float(),
                    Arg::AnyRef | Arg::T(_) | Arg::Ctrl | Arg::BitcastSource => false,
                },
            };
            if !fits {
                return Err(Stop::Never);
            }
            ops.push((s, t));
        }
        let rt = result_type(op, ty);
        match semantics::apply(op, ty, cc, &ops) {
            Ok(Sem::Bits(s)) => Ok(T::Val(s, rt)),
            Ok(Sem::Float(f, t)) => {
                // The result's bits: any NaN's when the result is NaN.
                let r = self.fresh_bits(width(t));
                self.asserts.push(format!("(assert (= {} {f}))", fp(&r, t)));
                self.asserts.push(format!("(assert {})", semantics::arithmetic_if_nan(&r, t)));
                if lhs {
                    self.arith.push(r.clone());
                }
                Ok(T::Val(r, rt))
            }
            Err(reason) if cc.is_some() && reason.contains("condition") => Err(Stop::Never),
            Err(reason) => Err(Stop::Unsupported(reason)),
        }
    }
}

/// The low `w` bits of a 64-bit literal term.
fn low(l: &str, w: u32) -> String {
    if w == 64 {
        l.to_string()
    } else {
        format!("((_ extract {} 0) {l})", w - 1)
    }
}
