//! Rule files: rewrite rules as data, one per line, in egg's pattern syntax, checked
//! when loaded.
//!
//! ```text
//! # comment
//! add-zero: (iadd.i32 ?x (iconst.i32 0)) => ?x
//! mul-pow2: (imul.i32 ?x (iconst.i32 ?c)) => (ishl.i32 ?x (iconst.i32 (log2 ?c))) if power-of-two(?c)
//! ```
//!
//! A rule is `name: LEFT => RIGHT [if cond(?v), cond(?v) ...]`. Names are kebab-case and
//! unique in a file; a later file's rule replaces an earlier rule of the same name.
//! Conditions are named checks written in Rust ([`CondKind`]) on what the analysis knows
//! about the class bound to a variable. Every rule is type-checked: each variable has
//! one sort (value of a type, literal, condition) wherever it appears, operands have
//! the types their operation expects, and both sides have the same type, so a rule can
//! never merge an i32 class with an i64 one. An error names `file:line` and the reason.
//! The contract for rule authors: a rule must hold for every input under wasm
//! semantics (wrapping integers, NaN-exact floats), must not make code worse under
//! the cost model on its own, and must not be a blanket commutativity/associativity
//! that grows the graph without bound. `wlab rules prove FILE` checks the first part
//! with z3 ([`super::prove`]); each condition's meaning there is [`CondKind::smt`].
//! This file never runs the e-graph.

use super::analysis::{ConstFold, Data};
use super::language::{has_imm_child, operand_types, result_type, Meta, Node};
use egg::{ENodeOrVar, Id, Pattern, PatternAst, RecExpr, Rewrite, Subst, Var};
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;
use wlab_ir::fxhash::FxBuild;
use wlab_ir::{Opcode, Type};

/// The rule files shipped with wlab, by file name, loaded by default.
pub const SHIPPED: &[(&str, &str)] = &[
    ("algebra.rules", include_str!("rules/algebra.rules")),
    ("reassoc.rules", include_str!("rules/reassoc.rules")),
    ("shifts.rules", include_str!("rules/shifts.rules")),
    ("compare.rules", include_str!("rules/compare.rules")),
    ("extend.rules", include_str!("rules/extend.rules")),
    ("strength.rules", include_str!("rules/strength.rules")),
    ("branch.rules", include_str!("rules/branch.rules")),
];

/// A rule file that could not be loaded: where and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleError {
    pub file: String,
    /// 1-based; 0 when the file itself could not be read.
    pub line: usize,
    pub reason: String,
}

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.file, self.reason)
        } else {
            write!(f, "{}:{}: {}", self.file, self.line, self.reason)
        }
    }
}

impl std::error::Error for RuleError {}

/// A named condition usable after `if`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CondKind {
    /// The class is a constant or literal that is a power of two.
    PowerOfTwo,
    /// The class is a constant or literal other than zero.
    Nonzero,
    /// The class has a known constant.
    Const,
    /// The class has no known constant.
    NotConst,
    /// The constant or literal is in `0..32`.
    Below32,
    /// The constant or literal is in `0..64`.
    Below64,
    /// The class is a known nonzero constant away from another (`base + k`, see
    /// [`Data::offset`]): the helpers `base` and `offset` are defined for it. With
    /// `k = 0` the class is its base (`(sp - 16) + 16` merged with `sp` has the fact
    /// `sp + 0`), and folding onto it would only rebuild the node at hand.
    Offset,
    /// Two constants or literals whose sum is below 32 (`sum-below-32(?a, ?b)`).
    SumBelow32,
    /// Two constants or literals whose sum is below 64.
    SumBelow64,
}

impl CondKind {
    const ALL: &'static [(CondKind, &'static str)] = &[
        (CondKind::PowerOfTwo, "power-of-two"),
        (CondKind::Nonzero, "nonzero"),
        (CondKind::Const, "const"),
        (CondKind::NotConst, "not-const"),
        (CondKind::Offset, "offset"),
        (CondKind::Below32, "below-32"),
        (CondKind::Below64, "below-64"),
        (CondKind::SumBelow32, "sum-below-32"),
        (CondKind::SumBelow64, "sum-below-64"),
    ];

    fn parse(s: &str) -> Option<CondKind> {
        CondKind::ALL.iter().find(|c| c.1 == s).map(|c| c.0)
    }

    pub fn names() -> String {
        CondKind::ALL.iter().map(|c| c.1).collect::<Vec<_>>().join(", ")
    }

    /// How many variables the condition takes.
    pub fn arity(self) -> usize {
        match self {
            CondKind::SumBelow32 | CondKind::SumBelow64 => 2,
            CondKind::PowerOfTwo
            | CondKind::Nonzero
            | CondKind::Const
            | CondKind::NotConst
            | CondKind::Offset
            | CondKind::Below32
            | CondKind::Below64 => 1,
        }
    }

    /// What the condition assumes about the values, in SMT-LIB (the prover's
    /// meaning of it; [`CondKind::holds`] is the e-graph's). `args` has one entry per
    /// variable: the number [`CondKind::holds`] reads, as a 64-bit term (a literal, or
    /// an integer value zero-extended; `None` for a float value, which has none), and
    /// for `offset` the variable's offset term (the prover then also assumes
    /// `?y = base + offset`). Conditions that only say what the analysis knows
    /// (`const`, `not-const`) hold of some value of every type, so they assume nothing.
    pub fn smt(self, args: &[CondArg]) -> String {
        let num = |n: usize| args.get(n).and_then(|a| a.num.clone());
        let below = |bound: u64| num(0).map_or("false".into(), |x| format!("(bvult {x} (_ bv{bound} 64))"));
        let sum_below = |bound: u64| match (num(0), num(1)) {
            (Some(a), Some(b)) => {
                format!("(bvult (bvadd ((_ zero_extend 1) {a}) ((_ zero_extend 1) {b})) (_ bv{bound} 65))")
            }
            _ => "false".into(),
        };
        match self {
            // x != 0 and x & (x - 1) == 0
            CondKind::PowerOfTwo => num(0).map_or("false".into(), |x| {
                format!("(and (not (= {x} (_ bv0 64))) (= (bvand {x} (bvsub {x} (_ bv1 64))) (_ bv0 64)))")
            }),
            CondKind::Nonzero => num(0).map_or("false".into(), |x| format!("(not (= {x} (_ bv0 64)))")),
            CondKind::Const | CondKind::NotConst => "true".into(),
            CondKind::Below32 => below(32),
            CondKind::Below64 => below(64),
            // The fact `?y = base + k` (asserted by the prover) with k != 0.
            CondKind::Offset => args
                .first()
                .and_then(|a| a.offset.clone())
                .map_or("false".into(), |k| format!("(not (= {k} (_ bv0 64)))")),
            CondKind::SumBelow32 => sum_below(32),
            CondKind::SumBelow64 => sum_below(64),
        }
    }

    /// Whether the condition holds of the classes' facts (one per variable, in order).
    pub fn holds(self, ds: &[&Data]) -> bool {
        let num = |d: &Data| d.lit.or_else(|| d.konst.and_then(|k| k.int_bits()));
        let d = ds[0];
        let n = num(d);
        let sum = || match ds {
            [a, b] => num(a).zip(num(b)).map(|(x, y)| x as u128 + y as u128),
            _ => None,
        };
        match self {
            CondKind::SumBelow32 => sum().is_some_and(|s| s < 32),
            CondKind::SumBelow64 => sum().is_some_and(|s| s < 64),
            CondKind::PowerOfTwo => n.is_some_and(|x| x.is_power_of_two()),
            CondKind::Nonzero => n.is_some_and(|x| x != 0),
            CondKind::Const => d.konst.is_some(),
            CondKind::NotConst => d.konst.is_none() && d.lit.is_none(),
            CondKind::Offset => d.offset.is_some_and(|(_, k)| k != 0),
            CondKind::Below32 => n.is_some_and(|x| x < 32),
            CondKind::Below64 => n.is_some_and(|x| x < 64),
        }
    }
}

/// One variable of a condition, as the prover sees it ([`CondKind::smt`]).
#[derive(Clone, Debug, Default)]
pub struct CondArg {
    /// The number the condition reads, as a 64-bit SMT term (`None`: a float value).
    pub num: Option<String>,
    /// The offset `k` of the fact `?y = base + k`, as a 64-bit SMT term.
    pub offset: Option<String>,
}

/// The conditions of one rule (all must hold).
#[derive(Clone, Debug)]
pub struct Conds(pub Vec<(CondKind, Vec<Var>)>);

impl Conds {
    /// The conditions on a single variable, with it.
    pub fn unary(&self) -> Vec<(Var, CondKind)> {
        self.0.iter().filter_map(|(k, vs)| if let [v] = vs[..] { Some((v, *k)) } else { None }).collect()
    }
}

impl egg::Condition<Node, ConstFold> for Conds {
    fn check(&self, egraph: &mut egg::EGraph<Node, ConstFold>, _eclass: Id, subst: &Subst) -> bool {
        self.0.iter().all(|(k, vs)| {
            let ds: Option<smallvec::SmallVec<[&Data; 2]>> =
                vs.iter().map(|v| subst.get(*v).map(|id| &egraph[*id].data)).collect();
            ds.is_some_and(|ds| k.holds(&ds))
        })
    }

    fn vars(&self) -> Vec<Var> {
        self.0.iter().flat_map(|c| c.1.iter().copied()).collect()
    }
}

/// One loaded rule.
#[derive(Clone, Debug)]
pub struct Rule {
    pub name: String,
    /// `file:line` it came from.
    pub origin: String,
    pub lhs: Pattern<Node>,
    pub rhs_ast: PatternAst<Node>,
    pub conds: Conds,
}

/// The right side of a rule, instantiated with its helpers (`(add ?a ?b)`, `(log2 ?c)`,
/// `(base ?y)`) evaluated on the spot: helper nodes never enter the e-graph (kept there,
/// they would pile up one per pair of literals met and grow it without bound). When a
/// helper is undefined for the match (`log2` of a non-power of two, `base` of a class
/// with no offset fact), the rule does not apply.
///
/// It also holds the rule's conditions, and remembers (in [`Applied`], per e-graph)
/// each match it has applied: egg searches every rule in every iteration, so a match
/// found once is found again in every later iteration, and applying it again only adds
/// nodes that are already there and unions classes that are already one.
#[derive(Clone, Debug)]
pub struct Rhs {
    pub ast: PatternAst<Node>,
    pub conds: Conds,
    /// The variables the result depends on (right side and conditions), sorted.
    pub used: Vec<Var>,
}

/// One applied match: the rule, the matched class and the classes of the variables the
/// result depends on, all canonical when it was applied.
pub type AppliedKey = (egg::Symbol, Id, smallvec::SmallVec<[Id; 4]>);

/// The matches applied so far in one e-graph. Skipping one again is exact: the classes
/// it names only grow by merging, so while they are still canonical the same
/// instantiation finds the same nodes and the union is already done (conditions and
/// helpers read facts that, once known, never change). A match that did not apply
/// (a condition or helper said no) is not recorded and is tried again.
#[derive(Clone, Debug, Default)]
pub struct Applied(pub std::collections::HashSet<AppliedKey, FxBuild>);

/// A partly instantiated right-side node.
enum Inst {
    Class(Id),
    Lit(u64),
    Cond(super::language::Cc),
}

impl Rhs {
    fn class(eg: &mut egg::EGraph<Node, ConstFold>, x: Inst) -> Id {
        match x {
            Inst::Class(id) => id,
            Inst::Lit(n) => eg.add(Node::Lit(n)),
            Inst::Cond(c) => eg.add(Node::Cond(c)),
        }
    }

    fn inst(&self, eg: &mut egg::EGraph<Node, ConstFold>, id: Id, subst: &Subst) -> Option<Inst> {
        Some(match &self.ast[id] {
            ENodeOrVar::Var(v) => Inst::Class(*subst.get(*v)?),
            ENodeOrVar::ENode(Node::Lit(n)) => Inst::Lit(*n),
            ENodeOrVar::ENode(Node::Cond(c)) => Inst::Cond(*c),
            ENodeOrVar::ENode(Node::Opaque(_)) => return None,
            ENodeOrVar::ENode(Node::Meta { op: op @ (Meta::Base | Meta::Offset), args }) => {
                let Inst::Class(c) = self.inst(eg, args[0], subst)? else { return None };
                let (base, k) = eg[c].data.offset?;
                match op {
                    Meta::Base => Inst::Class(eg.find(base)),
                    _ => Inst::Lit(k),
                }
            }
            ENodeOrVar::ENode(Node::Meta { op, args }) => {
                let mut lits: smallvec::SmallVec<[Option<u64>; 3]> = smallvec::SmallVec::new();
                let mut ccs: smallvec::SmallVec<[Option<super::language::Cc>; 3]> = smallvec::SmallVec::new();
                for &a in args.iter() {
                    let (l, c) = match self.inst(eg, a, subst)? {
                        Inst::Class(id) => (eg[id].data.lit, eg[id].data.cc),
                        Inst::Lit(n) => (Some(n), None),
                        Inst::Cond(c) => (None, Some(c)),
                    };
                    lits.push(l);
                    ccs.push(c);
                }
                match super::analysis::eval_meta(*op, &lits, &ccs) {
                    (Some(n), _) => Inst::Lit(n),
                    (None, Some(c)) => Inst::Cond(c),
                    (None, None) => return None,
                }
            }
            ENodeOrVar::ENode(Node::Op { op, ty, args }) => {
                // A 32-bit constant keeps the low 32 bits of a computed literal, as the
                // e-graph's own constants do: one literal per constant, so reassociation
                // cannot mint ever new literals for the same number.
                let narrow = matches!((op, ty), (Opcode::Iconst | Opcode::Fconst, Type::I32 | Type::F32));
                let mut kids = super::language::Args::new();
                for &a in args.iter() {
                    let x = match self.inst(eg, a, subst)? {
                        Inst::Lit(n) if narrow => Inst::Lit(n & 0xffff_ffff),
                        x => x,
                    };
                    kids.push(Rhs::class(eg, x));
                }
                Inst::Class(eg.add(Node::Op { op: *op, ty: *ty, args: kids }))
            }
        })
    }
}

impl egg::Applier<Node, ConstFold> for Rhs {
    fn apply_one(
        &self,
        egraph: &mut egg::EGraph<Node, ConstFold>,
        eclass: Id,
        subst: &Subst,
        _searcher_ast: Option<&PatternAst<Node>>,
        rule_name: egg::Symbol,
    ) -> Vec<Id> {
        let mut vars = smallvec::SmallVec::new();
        for v in &self.used {
            match subst.get(*v) {
                Some(id) => vars.push(egraph.find(*id)),
                None => return vec![],
            }
        }
        let key = (rule_name, egraph.find(eclass), vars);
        if egraph.analysis.applied.0.contains(&key) {
            return vec![];
        }
        if !egg::Condition::check(&self.conds, egraph, eclass, subst) {
            return vec![];
        }
        let Some(x) = self.inst(egraph, root(&self.ast), subst) else {
            return vec![];
        };
        let id = Rhs::class(egraph, x);
        egraph.analysis.applied.0.insert(key);
        if egraph.union(eclass, id) {
            vec![eclass]
        } else {
            vec![]
        }
    }

    fn vars(&self) -> Vec<Var> {
        self.used.clone()
    }
}

impl Rule {
    /// The sort of every variable of the rule (what the loader inferred when it
    /// type-checked it).
    pub fn sorts(&self) -> BTreeMap<Var, Sort> {
        let mut vars = BTreeMap::new();
        let lhs = &self.lhs.ast;
        let _ = infer(lhs, root(lhs), &mut vars, true);
        let _ = infer(&self.rhs_ast, root(&self.rhs_ast), &mut vars, false);
        vars
    }

    pub fn rewrite(&self) -> Rewrite<Node, ConstFold> {
        let lhs = super::search::Lhs::new(&self.name, self.lhs.clone()).with_conditions(&self.conds);
        Rewrite::new(self.name.as_str(), lhs, self.applier()).expect("variables were checked when loading")
    }

    /// The right side with the conditions, as an egg applier.
    pub fn applier(&self) -> Rhs {
        let mut used: Vec<Var> = self
            .rhs_ast
            .as_ref()
            .iter()
            .filter_map(|n| match n {
                ENodeOrVar::Var(v) => Some(*v),
                ENodeOrVar::ENode(_) => None,
            })
            .chain(self.conds.0.iter().flat_map(|c| c.1.iter().copied()))
            .collect();
        used.sort();
        used.dedup();
        Rhs { ast: self.rhs_ast.clone(), conds: self.conds.clone(), used }
    }
}

/// An ordered set of rules, unique by name.
#[derive(Clone, Debug, Default)]
pub struct RuleSet {
    pub rules: Vec<Rule>,
}

impl RuleSet {
    /// The shipped rule files (parsed once per process), as a copy to extend.
    pub fn shipped() -> RuleSet {
        (*RuleSet::shipped_shared()).clone()
    }

    /// The shipped rule files, parsed once per process and shared: what every `egraph`
    /// pass without rule files holds, one per function (copying the rules was about 2%
    /// of `wlab compile`'s time on a module of many small functions).
    pub fn shipped_shared() -> Arc<RuleSet> {
        static SET: std::sync::OnceLock<Arc<RuleSet>> = std::sync::OnceLock::new();
        SET.get_or_init(|| {
            let mut set = RuleSet::default();
            for (name, text) in SHIPPED {
                set.add_text(name, text).unwrap_or_else(|e| panic!("shipped rule file is broken: {e}"));
            }
            Arc::new(set)
        })
        .clone()
    }

    /// The rewrites of [`RuleSet::shipped`] (built once per process, shared).
    pub fn shipped_rewrites() -> Arc<[Rewrite<Node, ConstFold>]> {
        static REWRITES: std::sync::OnceLock<Arc<[Rewrite<Node, ConstFold>]>> = std::sync::OnceLock::new();
        REWRITES.get_or_init(|| RuleSet::shipped_shared().rewrites().into()).clone()
    }

    /// Parses `text` (named `file` in errors) and adds its rules; a rule whose name is
    /// already present replaces it in place.
    pub fn add_text(&mut self, file: &str, text: &str) -> Result<(), RuleError> {
        let parsed = parse_rules(file, text)?;
        for r in parsed {
            match self.rules.iter_mut().find(|x| x.name == r.name) {
                Some(old) => *old = r,
                None => self.rules.push(r),
            }
        }
        Ok(())
    }

    /// Reads and adds a rule file.
    pub fn add_file(&mut self, path: &str) -> Result<(), RuleError> {
        let text = std::fs::read_to_string(path).map_err(|e| RuleError {
            file: path.to_string(),
            line: 0,
            reason: format!("cannot read: {e}"),
        })?;
        self.add_text(path, &text)
    }

    pub fn rewrites(&self) -> Vec<Rewrite<Node, ConstFold>> {
        self.rules.iter().map(Rule::rewrite).collect()
    }

    /// The opcodes at the roots of the rules' left sides, sorted: a rule can only match
    /// at a class holding a node with one of them. `None` when some left side is not an
    /// operation at its root (a bare variable matches any class).
    /// The comparisons `(op, type)` (each 0 or 1) for which a rule without conditions says
    /// that testing one against 0 is the comparison itself:
    /// `(icmp.i32 ne (op.type ?v..) (iconst.i32 0)) => (op.type ?v..)` with distinct
    /// variables (`ne-zero-of-icmp-32` and its kin in `branch.rules`). A `brif` on such a
    /// comparison needs no `ne` test node: the rule would merge it into the comparison's
    /// class in the first iteration ([`super::build`]).
    pub fn truth_comparisons(&self) -> Vec<(wlab_ir::Opcode, wlab_ir::Type)> {
        use egg::ENodeOrVar::{ENode, Var};
        use wlab_ir::{IntCC, Opcode, Type};
        let mut out = Vec::new();
        for r in &self.rules {
            if !r.conds.0.is_empty() {
                continue;
            }
            let lhs = r.lhs.ast.as_ref();
            let at = |id: egg::Id| &lhs[usize::from(id)];
            let Some(ENode(Node::Op { op: Opcode::Icmp, ty: Type::I32, args })) = lhs.last() else { continue };
            let [cc, x, zero] = args[..] else { continue };
            let ne = matches!(at(cc), ENode(Node::Cond(c)) if *c == super::language::Cc::of_int(IntCC::Ne));
            let is_zero = match at(zero) {
                ENode(Node::Op { op: Opcode::Iconst, ty: Type::I32, args }) => {
                    matches!(args[..], [l] if matches!(at(l), ENode(Node::Lit(0))))
                }
                _ => false,
            };
            let ENode(Node::Op { op, ty, args: inner }) = at(x) else { continue };
            let comparison = matches!(op, Opcode::Icmp | Opcode::Fcmp | Opcode::Eqz);
            let vars: Vec<egg::Var> =
                inner.iter().filter_map(|&c| if let Var(v) = at(c) { Some(*v) } else { None }).collect();
            let distinct = vars.len() == inner.len() && (1..vars.len()).all(|k| !vars[..k].contains(&vars[k]));
            // The right side: the same node over the same variables, in the same order.
            let rhs = r.rhs_ast.as_ref();
            let same = match rhs.last() {
                Some(ENode(Node::Op { op: rop, ty: rty, args: rargs })) => {
                    rop == op
                        && rty == ty
                        && rargs.len() == vars.len()
                        && rargs.iter().zip(&vars).all(|(&a, v)| matches!(&rhs[usize::from(a)], Var(w) if w == v))
                }
                _ => false,
            };
            if ne && is_zero && comparison && distinct && same && !out.contains(&(*op, *ty)) {
                out.push((*op, *ty));
            }
        }
        out
    }
}

/// Parses a whole rule file.
pub fn parse_rules(file: &str, text: &str) -> Result<Vec<Rule>, RuleError> {
    let mut out: Vec<Rule> = Vec::new();
    for (n, raw) in text.lines().enumerate() {
        let line = raw.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let err = |reason: String| RuleError { file: file.to_string(), line: n + 1, reason };
        let rule = parse_rule(line, &format!("{file}:{}", n + 1)).map_err(err)?;
        if out.iter().any(|r| r.name == rule.name) {
            return Err(err(format!("rule `{}` is defined twice in this file", rule.name)));
        }
        out.push(rule);
    }
    Ok(out)
}

fn parse_rule(line: &str, origin: &str) -> Result<Rule, String> {
    let (name, rest) = line.split_once(':').ok_or("expected `name: LEFT => RIGHT`")?;
    let name = name.trim();
    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') {
        return Err(format!("rule name `{name}` is not kebab-case"));
    }
    let (lhs, rest) = rest.split_once("=>").ok_or("expected `=>` between the two sides")?;
    let (rhs, conds) = match rest.split_once(" if ") {
        Some((r, c)) => (r, Some(c)),
        None => (rest, None),
    };
    let parse = |side: &str, what: &str| -> Result<PatternAst<Node>, String> {
        side.trim().parse::<PatternAst<Node>>().map_err(|e| format!("{what} side: {e}"))
    };
    let lhs_ast = canonical_literals(parse(lhs, "left")?);
    let rhs_ast = canonical_literals(parse(rhs, "right")?);
    if matches!(lhs_ast.as_ref().last(), Some(ENodeOrVar::Var(_))) {
        return Err("the left side must be an operation, not a bare variable".into());
    }
    let mut vars = BTreeMap::new();
    let lt = infer(&lhs_ast, root(&lhs_ast), &mut vars, true)?;
    let rt = infer(&rhs_ast, root(&rhs_ast), &mut vars, false)?;
    let lt = unify(lt, rt).ok_or_else(|| format!("the sides have different types: {} and {}", lt, rt))?;
    if !matches!(lt, Sort::Val(_)) {
        return Err("a rule must rewrite a value, not a literal or a condition".into());
    }
    let mut cs = Vec::new();
    if let Some(conds) = conds {
        for c in conds.split(" and ") {
            let c = c.trim();
            let (cname, args) = c
                .strip_suffix(')')
                .and_then(|c| c.split_once('('))
                .ok_or_else(|| format!("condition `{c}` is not `name(?var, ...)`"))?;
            let kind = CondKind::parse(cname.trim())
                .ok_or_else(|| format!("unknown condition `{cname}` (valid: {})", CondKind::names()))?;
            let mut vs = Vec::new();
            for arg in args.split(',') {
                let var: Var = arg.trim().parse().map_err(|_| format!("`{}` is not a variable (`?x`)", arg.trim()))?;
                if !vars.contains_key(&var) {
                    return Err(format!("condition `{c}` uses {var}, which the left side does not bind"));
                }
                vs.push(var);
            }
            if vs.len() != kind.arity() {
                return Err(format!(
                    "condition `{}` takes {} variable(s), found {}",
                    cname.trim(),
                    kind.arity(),
                    vs.len()
                ));
            }
            cs.push((kind, vs));
        }
    }
    Ok(Rule {
        name: name.to_string(),
        origin: origin.to_string(),
        lhs: Pattern::new(lhs_ast),
        rhs_ast,
        conds: Conds(cs),
    })
}

/// Literals written directly under a 32-bit constant keep only their low 32 bits, as
/// the e-graph's own constants do (`(iconst.i32 -1)` is `0xffffffff`), so they match.
fn canonical_literals(mut ast: PatternAst<Node>) -> PatternAst<Node> {
    let narrow: Vec<Id> = ast
        .as_ref()
        .iter()
        .filter_map(|n| match n {
            ENodeOrVar::ENode(Node::Op { op: Opcode::Iconst | Opcode::Fconst, ty: Type::I32 | Type::F32, args }) => {
                Some(args[0])
            }
            _ => None,
        })
        .collect();
    for id in narrow {
        if let ENodeOrVar::ENode(Node::Lit(x)) = &mut ast[id] {
            *x &= 0xffff_ffff;
        }
    }
    ast
}

/// What a pattern position holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sort {
    /// A value; `None` when its type is not fixed by where it appears.
    Val(Option<Type>),
    Lit,
    Cond,
}

impl fmt::Display for Sort {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Sort::Val(Some(t)) => write!(f, "{}", t.name()),
            Sort::Val(None) => f.write_str("a value"),
            Sort::Lit => f.write_str("a literal"),
            Sort::Cond => f.write_str("a condition"),
        }
    }
}

fn unify(a: Sort, b: Sort) -> Option<Sort> {
    match (a, b) {
        (Sort::Val(None), Sort::Val(t)) | (Sort::Val(t), Sort::Val(None)) => Some(Sort::Val(t)),
        (x, y) if x == y => Some(x),
        _ => None,
    }
}

pub(crate) fn root(ast: &PatternAst<Node>) -> Id {
    Id::from(ast.as_ref().len() - 1)
}

/// Infers the sort of `ast[id]`, recording variables (only the left side may bind).
fn infer(ast: &RecExpr<ENodeOrVar<Node>>, id: Id, vars: &mut BTreeMap<Var, Sort>, binds: bool) -> Result<Sort, String> {
    match &ast[id] {
        ENodeOrVar::Var(v) => match vars.get(v) {
            Some(s) => Ok(*s),
            None if binds => {
                vars.insert(*v, Sort::Val(None));
                Ok(Sort::Val(None))
            }
            None => Err(format!("the right side uses {v}, which the left side does not bind")),
        },
        ENodeOrVar::ENode(node) => match node {
            Node::Lit(_) => Ok(Sort::Lit),
            Node::Cond(_) => Ok(Sort::Cond),
            Node::Opaque(v) => Err(format!("a rule cannot name the value {v}")),
            Node::Meta { op, args } => {
                use super::language::Meta;
                let (operands, result) = match op {
                    // A value class: the same sort (type) as its operand.
                    Meta::Base => {
                        expect(ast, args[0], Sort::Val(None), vars, binds, op.name())?;
                        return infer(ast, args[0], vars, binds);
                    }
                    Meta::Offset => (Sort::Val(None), Sort::Lit),
                    Meta::Inverse | Meta::Swap => (Sort::Cond, Sort::Cond),
                    Meta::Reflexive => (Sort::Cond, Sort::Lit),
                    Meta::Log2
                    | Meta::Neg
                    | Meta::Not
                    | Meta::Add
                    | Meta::Sub
                    | Meta::Mul
                    | Meta::And
                    | Meta::Or
                    | Meta::Xor
                    | Meta::Shl => (Sort::Lit, Sort::Lit),
                };
                for a in args.iter() {
                    expect(ast, *a, operands, vars, binds, op.name())?;
                }
                Ok(result)
            }
            Node::Op { op, ty, args } => {
                let name = format!("{}.{}", op.name(), ty.name());
                let vals = if has_imm_child(*op) {
                    let want = if matches!(op, Opcode::Icmp | Opcode::Fcmp) { Sort::Cond } else { Sort::Lit };
                    expect(ast, args[0], want, vars, binds, &name)?;
                    &args[1..]
                } else {
                    &args[..]
                };
                for (a, t) in vals.iter().zip(operand_types(*op, *ty)) {
                    expect(ast, *a, Sort::Val(t), vars, binds, &name)?;
                }
                Ok(Sort::Val(Some(result_type(*op, *ty))))
            }
        },
    }
}

fn expect(
    ast: &RecExpr<ENodeOrVar<Node>>,
    id: Id,
    want: Sort,
    vars: &mut BTreeMap<Var, Sort>,
    binds: bool,
    ctx: &str,
) -> Result<(), String> {
    if let ENodeOrVar::Var(v) = &ast[id] {
        if binds && !vars.contains_key(v) {
            vars.insert(*v, want);
            return Ok(());
        }
    }
    let got = infer(ast, id, vars, binds)?;
    let sort = unify(got, want).ok_or_else(|| format!("an operand of `{ctx}` must be {want}, found {got}"))?;
    if let ENodeOrVar::Var(v) = &ast[id] {
        vars.insert(*v, sort);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_rules_load() {
        let set = RuleSet::shipped();
        assert!(set.rules.len() > 20, "{}", set.rules.len());
    }

    #[test]
    fn truth_comparisons_are_the_ne_zero_rules_of_every_comparison() {
        use wlab_ir::{Opcode::*, Type::*};
        let mut found = RuleSet::shipped().truth_comparisons();
        found.sort();
        let mut want = vec![(Icmp, I32), (Icmp, I64), (Fcmp, F32), (Fcmp, F64), (Eqz, I32), (Eqz, I64)];
        want.sort();
        assert_eq!(found, want);
        // A condition, another right side, a repeated variable or a test against 1 is not one.
        let mut set = RuleSet::default();
        set.add_text(
            "t.rules",
            "a: (icmp.i32 ne (eqz.i32 ?x) (iconst.i32 0)) => (eqz.i32 ?x) if const(?x)\n\
             b: (icmp.i32 ne (icmp.i32 ?cc ?a ?b) (iconst.i32 0)) => (icmp.i32 ?cc ?b ?a)\n\
             c: (icmp.i32 ne (icmp.i64 ?cc ?a ?a) (iconst.i32 0)) => (icmp.i64 ?cc ?a ?a)\n\
             d: (icmp.i32 ne (fcmp.f32 ?cc ?a ?b) (iconst.i32 1)) => (fcmp.f32 ?cc ?a ?b)\n",
        )
        .unwrap();
        assert_eq!(set.truth_comparisons(), vec![]);
    }

    #[test]
    fn errors_name_file_line_and_reason() {
        let e = |text: &str| parse_rules("my.rules", text).unwrap_err().to_string();
        assert_eq!(e("\n# c\nbad rule"), "my.rules:3: expected `name: LEFT => RIGHT`");
        assert!(e("a: (iadd.i32 ?x (iconst.i32 0)) => (iadd.i64 ?x ?x)").starts_with("my.rules:1: "));
        assert!(
            e("a: (iadd.i32 ?x ?y) => (iadd.i64 ?x ?y)").contains("must be i64, found i32"),
            "{}",
            e("a: (iadd.i32 ?x ?y) => (iadd.i64 ?x ?y)")
        );
        assert!(e("a: (iadd.i32 ?x ?y) => ?z").contains("does not bind"));
        assert!(e("a: (frob.i32 ?x ?y) => ?x").contains("unknown opcode `frob`"));
        assert!(e("a: (iadd.i32 ?x ?y) => ?x if prime(?x)").contains("unknown condition `prime`"));
        assert!(
            e("a: (iadd.i32 ?x ?y) => ?x\na: (isub.i32 ?x ?y) => ?x").contains("my.rules:2: rule `a` is defined twice")
        );
        assert!(e("a: (sextend.i64 ?x) => (uextend.i64 (iadd.i64 ?x ?x))").contains("must be i64, found i32"));
        // `base` stands for a value of its operand's type; `offset` for a literal.
        let base64 = "a: (iadd.i32 ?y (iconst.i32 ?b)) => (iadd.i64 (base ?y) (iconst.i64 ?b))";
        assert!(e(base64).contains("must be i64, found i32"), "{}", e(base64));
        assert!(e("a: (iadd.i32 ?y (iconst.i32 ?b)) => (base ?b)").contains("an operand of `base` must be"));
        assert!(e("a: (iadd.i32 ?y ?z) => (iadd.i32 ?y (offset ?z))").contains("must be"));
        parse_rules("ok.rules", "a: (iadd.i32 ?y (iconst.i32 ?b)) => (iadd.i32 (base ?y) (iconst.i32 (offset ?y)))")
            .expect("base and offset in their sorts");
    }

    #[test]
    fn later_rules_replace_by_name() {
        let mut set = RuleSet::default();
        set.add_text("a", "r: (iadd.i32 ?x (iconst.i32 0)) => ?x").unwrap();
        set.add_text("b", "r: (isub.i32 ?x (iconst.i32 0)) => ?x\ns: (bor.i32 ?x ?x) => ?x").unwrap();
        assert_eq!(set.rules.len(), 2);
        assert_eq!(set.rules[0].origin, "b:1");
    }
}
