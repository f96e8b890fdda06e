//! The `egraph` pass's pre-scan: whether saturating a function's e-graph could change
//! it, decided on the IR without building the graph. A function it clears is left as it
//! is (counter `skipped`).
//!
//! Elaboration replaces a value only by a strictly cheaper form, and a cheaper form comes
//! only from a rule or from the analysis folding constants. So a function can be skipped
//! when no operation reads constants only (nothing folds) and no rule *that counts* can
//! match. A rule does not count when it is *neutral*: `(a.T ?x (iconst.T ?k)) =>
//! (b.T ?x (iconst.T f(?k)))` with `a` and `b` priced alike by the cost model
//! (`sub-const-32`: `x - 16` is also `x + -16`). What it adds is a second form exactly as
//! cheap as the first, so on its own it changes nothing; but that form can let another
//! rule match (`(x - 16) + 4` is an `add-offset` through it). The scan therefore matches
//! every counting rule against each value's instruction *and* its neutral forms.
//!
//! ```text
//! v1 = isub.i32 v0, v9 (v9 = iconst 16)    sub-const is neutral, and no rule matches v1
//! v2 = load.i32 v1                          or its form (iadd v0 (iconst -16)): skipped
//!
//! v3 = iadd.i32 v1, v8 (v8 = iconst 4)      with this too, add-offset matches through
//!                                           v1's form: the graph is built
//! ```
//!
//! A rule that rewrites an operation into itself (`shl-amount-mod-32`) adds no form where
//! its literal stays the same. A `brif` is matched through the test node the graph gives
//! it (`icmp.i32 ne c, 0`) unless its condition is a comparison, and a `brif` on
//! `icmp.i32 ne x, 0` counts as a change (elaboration branches on `x`). The scan
//! over-approximates the e-graph: what it cannot tell (two operands that might be one
//! class, a condition on a number it does not know) counts as a match, and a neutral form
//! equal to an instruction of the function (the graph would merge the two classes)
//! counts as a change. `egraph(prescan=false)` builds every graph, so that tests can check
//! that each function the scan clears is one the e-graph leaves as it is. This file never
//! changes the function.

use super::analysis::{eval_meta, Data};
use super::cost::CostModel;
use super::language::{in_egraph, leaf, value_arity, Cc, Node};
use super::rules::{Conds, RuleSet};
use egg::{ENodeOrVar, Id, Language, PatternAst, Var};
use smallvec::SmallVec;
use wlab_ir::opinfo::Leaf;
use wlab_ir::{Function, Imm, InstData, IntCC, Opcode, Type, Value, ValueDef};

/// The rules as the scan matches them.
pub struct Prescan {
    /// Every rule's left side, sorted by root opcode.
    rules: Vec<Lhs>,
}

struct Lhs {
    root: Opcode,
    /// The root's controlling type.
    root_ty: Type,
    ast: PatternAst<Node>,
    conds: Conds,
    /// The rule's shape when it can be neutral (then neutral under a model that prices
    /// both opcodes alike).
    neutral: Option<Neutral>,
}

#[derive(Clone)]
struct Neutral {
    from: Opcode,
    to: Opcode,
    ty: Type,
    /// The right side's literal: an expression over `k`'s literal.
    lit: PatternAst<Node>,
    k: Var,
}

impl Neutral {
    /// Whether the rule is neutral under `model`: both operations priced alike.
    fn under(&self, model: &dyn CostModel) -> bool {
        model.op_cost(self.from, self.ty) == model.op_cost(self.to, self.ty)
    }
}

impl Prescan {
    /// The scan for `rules`; `None` when a rule's left side is not rooted at an
    /// operation (then any function may change).
    pub fn new(rules: &RuleSet) -> Option<Prescan> {
        let mut out = Vec::new();
        for r in &rules.rules {
            let Some(ENodeOrVar::ENode(Node::Op { op, ty, .. })) = r.lhs.ast.as_ref().last() else { return None };
            out.push(Lhs {
                root: *op,
                root_ty: *ty,
                ast: r.lhs.ast.clone(),
                conds: r.conds.clone(),
                neutral: neutral_shape(&r.lhs.ast, &r.rhs_ast),
            });
        }
        // The scan makes neutral forms of the function's instructions only, not of
        // other neutral forms: a rule whose result another neutral rule could rewrite
        // again counts. (A rule that rewrites an operation into itself, such as
        // `shl-amount-mod-32`, is checked on its own result where it applies.)
        let shapes: Vec<(usize, Opcode, Type)> =
            out.iter().enumerate().filter_map(|(k, l)| l.neutral.as_ref().map(|n| (k, n.from, n.ty))).collect();
        for (k, l) in out.iter_mut().enumerate() {
            if l.neutral
                .as_ref()
                .is_some_and(|n| shapes.iter().any(|&(j, from, ty)| j != k && from == n.to && ty == n.ty))
            {
                l.neutral = None;
            }
        }
        out.sort_by_key(|l| l.root);
        Some(Prescan { rules: out })
    }

    /// Whether building and saturating the e-graph of `func` could change it. `truths`
    /// are the comparisons a `brif` tests without a test node; `rules_fire` is false
    /// when saturation runs no iteration (then only folding can change anything).
    pub fn may_change(
        &self,
        func: &Function,
        model: &dyn CostModel,
        truths: &[(Opcode, Type)],
        rules_fire: bool,
    ) -> bool {
        let neutral: Vec<&Neutral> =
            self.rules.iter().filter_map(|l| l.neutral.as_ref()).filter(|n| n.under(model)).collect();
        let scan = Scan { func, neutral };
        // Folding: an operation over constants only (a `brif` test too).
        for (_, i) in func.layout_insts() {
            let d = func.inst(i);
            if d.opcode == Opcode::Brif {
                // A constant test folds; elaboration branches on `x` itself where the
                // condition is `icmp.i32 ne x, 0` (fewer operations).
                if d.args.first().is_some_and(|&c| scan.konst(c).is_some() || scan.is_ne_zero(c)) {
                    return true;
                }
                continue;
            }
            if !in_egraph(d.opcode) || matches!(d.opcode, Opcode::Iconst | Opcode::Fconst | Opcode::Copy) {
                continue;
            }
            if !d.args.is_empty() && d.args.iter().all(|&a| scan.konst(a).is_some()) {
                return true;
            }
        }
        if !rules_fire {
            return false;
        }
        if !scan.neutral.is_empty() && scan.forms_merge() {
            return true;
        }
        for (_, i) in func.layout_insts() {
            let d = func.inst(i);
            let term = match d.opcode {
                Opcode::Brif => match d.args.first() {
                    Some(&c)
                        if !scan.def(c).is_some_and(|t| t.ty.is_some_and(|ty| truths.contains(&(t.opcode, ty)))) =>
                    {
                        Term::Test(c)
                    }
                    _ => continue,
                },
                op if in_egraph(op) && d.results.len() == 1 && !matches!(op, Opcode::Copy) => Term::Value(d.results[0]),
                _ => continue,
            };
            // The rules rooted at the instruction's operation and at its neutral forms'.
            let (op, ty) = match (term, d.ty) {
                (Term::Test(_), _) => (Opcode::Icmp, Type::I32),
                (_, Some(ty)) => (d.opcode, ty),
                // Without a type it stays out of the e-graph.
                (_, None) => continue,
            };
            let roots = std::iter::once(op).chain(scan.neutral_forms(d).into_iter().map(|f| f.0));
            for root in roots {
                let lo = self.rules.partition_point(|l| l.root < root);
                for l in self.rules[lo..].iter().take_while(|l| l.root == root) {
                    if l.root_ty != ty {
                        continue;
                    }
                    let counts = !l.neutral.as_ref().is_some_and(|n| n.under(model));
                    if counts && scan.rule_matches(l, &term) {
                        return true;
                    }
                }
            }
        }
        false
    }
}

/// `(a.T ?x (iconst.T ?k)) => (b.T ?x (iconst.T EXPR))`, `a` and `b` two-operand
/// operations with no leaf child.
fn neutral_shape(lhs: &PatternAst<Node>, rhs: &PatternAst<Node>) -> Option<Neutral> {
    use ENodeOrVar::{ENode, Var as V};
    let l = lhs.as_ref();
    let r = rhs.as_ref();
    let two = |op: Opcode| value_arity(op) == 2 && leaf(op) == Leaf::None;
    let (ENode(Node::Op { op: from, ty, args: la }), ENode(Node::Op { op: to, ty: rty, args: ra })) =
        (l.last()?, r.last()?)
    else {
        return None;
    };
    if !two(*from) || !two(*to) || ty != rty || la.len() != 2 || ra.len() != 2 {
        return None;
    }
    let (V(x), V(x2)) = (&l[usize::from(la[0])], &r[usize::from(ra[0])]) else { return None };
    let ENode(Node::Op { op: Opcode::Iconst, ty: t1, args: kl }) = &l[usize::from(la[1])] else { return None };
    let ENode(Node::Op { op: Opcode::Iconst, ty: t2, args: kr }) = &r[usize::from(ra[1])] else { return None };
    let V(k) = &l[usize::from(kl[0])] else { return None };
    if x != x2 || t1 != ty || t2 != ty {
        return None;
    }
    // The literal expression as a pattern of its own (its root last).
    let lit = sub_ast(r, kr[0]);
    Some(Neutral { from: *from, to: *to, ty: *ty, lit, k: *k })
}

/// The subtree of `ast` rooted at `id`, as its own pattern.
fn sub_ast(ast: &[ENodeOrVar<Node>], id: Id) -> PatternAst<Node> {
    fn add(ast: &[ENodeOrVar<Node>], id: Id, out: &mut PatternAst<Node>) -> Id {
        let n = match &ast[usize::from(id)] {
            ENodeOrVar::Var(v) => ENodeOrVar::Var(*v),
            ENodeOrVar::ENode(n) => {
                let mut n = *n;
                for c in n.children_mut() {
                    *c = add(ast, *c, out);
                }
                ENodeOrVar::ENode(n)
            }
        };
        out.add(n)
    }
    let mut out = PatternAst::default();
    add(ast, id, &mut out);
    out
}

/// What a pattern position can stand for.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Term {
    /// A value of the function.
    Value(Value),
    /// A constant a neutral form adds (`None`: its literal is not known).
    Const(Type, Option<u64>),
    /// A literal (`None`: not known).
    Lit(Option<u64>),
    Cond(Cc),
    /// A `brif`'s test node, `(icmp.i32 ne c (iconst.i32 0))`.
    Test(Value),
}

type Bindings = SmallVec<[(Var, Term); 4]>;

struct Scan<'a> {
    func: &'a Function,
    /// The rules neutral under the cost model.
    neutral: Vec<&'a Neutral>,
}

impl Scan<'_> {
    /// `v` through copies.
    fn resolve(&self, mut v: Value) -> Value {
        loop {
            match self.func.value_def(v) {
                ValueDef::Result(i, 0) => {
                    let d = self.func.inst(i);
                    match (d.opcode, &d.args[..]) {
                        (Opcode::Copy, [a]) => v = *a,
                        _ => return v,
                    }
                }
                _ => return v,
            }
        }
    }

    /// The e-graph operation defining `v` (through copies).
    fn def(&self, v: Value) -> Option<&InstData> {
        match self.func.value_def(self.resolve(v)) {
            ValueDef::Result(i, _) => {
                let d = self.func.inst(i);
                (in_egraph(d.opcode) && d.results.len() == 1 && d.ty.is_some_and(|t| t != Type::V128)).then_some(d)
            }
            ValueDef::Param(..) => None,
        }
    }

    /// The constant `v` is (through copies), with its literal.
    fn konst(&self, v: Value) -> Option<(Type, u64)> {
        let d = self.def(v)?;
        let ty = d.ty?;
        Some((ty, super::build::const_bits(d.opcode, ty, &d.imm)?))
    }

    /// Whether `c` is `icmp.i32 ne x, 0`.
    fn is_ne_zero(&self, c: Value) -> bool {
        self.def(c).is_some_and(|d| {
            d.opcode == Opcode::Icmp
                && d.ty == Some(Type::I32)
                && d.imm == Imm::IntCC(IntCC::Ne)
                && d.args.get(1).is_some_and(|&z| self.konst(z) == Some((Type::I32, 0)))
        })
    }

    /// The neutral forms of an instruction, `(to, ty, x, literal)`; a literal not known
    /// (`None`) stands for a form the scan cannot follow. A rule that rewrites an
    /// operation into itself adds no form where its literal is the one it had, and must
    /// leave its own result as it is.
    fn neutral_forms(&self, d: &InstData) -> SmallVec<[(Opcode, Type, Value, Option<u64>); 1]> {
        let mut out = SmallVec::new();
        let [x, c] = d.args[..] else { return out };
        for n in self.neutral.iter().filter(|n| n.from == d.opcode && d.ty == Some(n.ty)) {
            let Some((_, k)) = self.konst(c) else { continue };
            let f = |k: u64| {
                eval_lit(n.lit.as_ref(), Id::from(n.lit.as_ref().len() - 1), n.k, k).map(|b| {
                    if n.ty == Type::I32 {
                        b & 0xffff_ffff
                    } else {
                        b
                    }
                })
            };
            let mut lit = f(k);
            if n.from == n.to {
                match lit {
                    Some(l) if l == k => continue,
                    Some(l) if f(l) == Some(l) => {}
                    _ => lit = None,
                }
            }
            out.push((n.to, n.ty, x, lit));
        }
        out
    }

    /// Calls `f` with the children of each node of `t`'s class that is an `op.ty`
    /// operation, until it returns true.
    fn each_form(&self, t: &Term, op: Opcode, ty: Type, f: &mut dyn FnMut(&[Term]) -> bool) -> bool {
        match *t {
            Term::Value(v) => {
                let Some(d) = self.def(v) else { return false };
                if d.opcode == op && d.ty == Some(ty) {
                    if let Some((_, bits)) = self.konst(v) {
                        if f(&[Term::Lit(Some(bits))]) {
                            return true;
                        }
                    } else {
                        let cc = match (leaf(op), d.imm) {
                            (Leaf::IntCC, Imm::IntCC(cc)) => Some(Term::Cond(Cc::of_int(cc))),
                            (Leaf::FloatCC, Imm::FloatCC(cc)) => Some(Term::Cond(Cc::of_float(cc))),
                            _ => None,
                        };
                        let kids: SmallVec<[Term; 4]> =
                            cc.into_iter().chain(d.args.iter().map(|&a| Term::Value(a))).collect();
                        if f(&kids) {
                            return true;
                        }
                    }
                }
                if self.neutral.iter().any(|n| n.to == op && n.from == d.opcode) {
                    for (to, fty, x, lit) in self.neutral_forms(d) {
                        if to == op && fty == ty && f(&[Term::Value(x), Term::Const(ty, lit)]) {
                            return true;
                        }
                    }
                }
                false
            }
            Term::Const(cty, lit) => const_op(cty) == op && cty == ty && f(&[Term::Lit(lit)]),
            Term::Test(c) => {
                op == Opcode::Icmp
                    && ty == Type::I32
                    && f(&[Term::Cond(Cc::of_int(IntCC::Ne)), Term::Value(c), Term::Const(Type::I32, Some(0))])
            }
            Term::Lit(_) | Term::Cond(_) => false,
        }
    }

    /// Whether a neutral form equals an instruction of the function or another
    /// instruction's neutral form (the e-graph would merge their classes), or is not
    /// known exactly.
    fn forms_merge(&self) -> bool {
        let mut forms = Vec::new();
        for (_, i) in self.func.layout_insts() {
            let d = self.func.inst(i);
            if self.neutral.iter().any(|n| n.from == d.opcode) {
                for (op, ty, x, lit) in self.neutral_forms(d) {
                    let Some(lit) = lit else { return true };
                    forms.push((op, ty, self.resolve(x), lit, d.opcode));
                }
            }
        }
        if forms.is_empty() {
            return false;
        }
        forms.sort_unstable();
        let key = |f: &(Opcode, Type, Value, u64, Opcode)| (f.0, f.1, f.2, f.3);
        if forms.windows(2).any(|w| key(&w[0]) == key(&w[1]) && w[0].4 != w[1].4) {
            return true;
        }
        self.func.layout_insts().any(|(_, i)| {
            let d = self.func.inst(i);
            let (Some(ty), [x, c]) = (d.ty, &d.args[..]) else { return false };
            if !self.neutral.iter().any(|n| n.to == d.opcode && n.ty == ty) {
                return false;
            }
            let Some((_, bits)) = self.konst(*c) else { return false };
            let k = (d.opcode, ty, self.resolve(*x), bits);
            let at = forms.partition_point(|f| key(f) < k);
            forms.get(at).is_some_and(|f| key(f) == k)
        })
    }

    fn rule_matches(&self, l: &Lhs, t: &Term) -> bool {
        let ast = l.ast.as_ref();
        let root = Id::from(ast.len() - 1);
        self.matches(ast, root, t, &mut Bindings::new(), &mut |b| self.conds_hold(&l.conds, b))
    }

    /// Whether pattern node `id` matches `t` with bindings extending `b` for which `k`
    /// holds (each way it matches is tried in turn).
    fn matches(
        &self,
        ast: &[ENodeOrVar<Node>],
        id: Id,
        t: &Term,
        b: &mut Bindings,
        k: &mut dyn FnMut(&mut Bindings) -> bool,
    ) -> bool {
        match &ast[usize::from(id)] {
            ENodeOrVar::Var(v) => match b.iter().find(|(w, _)| w == v) {
                Some((_, bound)) => self.maybe_same(bound, t) && k(b),
                None => {
                    b.push((*v, *t));
                    let r = k(b);
                    b.pop();
                    r
                }
            },
            ENodeOrVar::ENode(Node::Lit(x)) => matches!(t, Term::Lit(l) if l.is_none_or(|l| l == *x)) && k(b),
            ENodeOrVar::ENode(Node::Cond(c)) => matches!(t, Term::Cond(cc) if cc == c) && k(b),
            ENodeOrVar::ENode(Node::Op { op, ty, args }) => self.each_form(t, *op, *ty, &mut |kids| {
                kids.len() == args.len() && self.matches_all(ast, args, kids, b, k)
            }),
            // Not in a left side; assume a match.
            ENodeOrVar::ENode(Node::Meta { .. } | Node::Opaque(_)) => k(b),
        }
    }

    /// [`Scan::matches`] for each pattern child against its term, in order.
    fn matches_all(
        &self,
        ast: &[ENodeOrVar<Node>],
        pats: &[Id],
        terms: &[Term],
        b: &mut Bindings,
        k: &mut dyn FnMut(&mut Bindings) -> bool,
    ) -> bool {
        match (pats.split_first(), terms.split_first()) {
            (Some((&p, ps)), Some((t, ts))) => {
                self.matches(ast, p, t, b, &mut |b: &mut Bindings| self.matches_all(ast, ps, ts, b, k))
            }
            _ => k(b),
        }
    }

    /// Whether two terms might be one class.
    fn maybe_same(&self, a: &Term, b: &Term) -> bool {
        match (a, b) {
            (Term::Value(x), Term::Value(y)) => self.same_value(*x, *y, 4),
            (Term::Lit(x), Term::Lit(y)) => x.zip(*y).is_none_or(|(x, y)| x == y),
            (Term::Cond(x), Term::Cond(y)) => x == y,
            (Term::Value(v), Term::Const(ty, lit)) | (Term::Const(ty, lit), Term::Value(v)) => {
                self.konst(*v).is_some_and(|(t, bits)| t == *ty && lit.is_none_or(|l| l == bits))
            }
            (Term::Const(t1, l1), Term::Const(t2, l2)) => t1 == t2 && l1.zip(*l2).is_none_or(|(x, y)| x == y),
            (Term::Test(_), _) | (_, Term::Test(_)) => true,
            _ => false,
        }
    }

    /// Whether `x` and `y` might be one class: the same value, or the same operation over
    /// operands that might be (hash-consing); beyond `depth`, assumed.
    fn same_value(&self, x: Value, y: Value, depth: u32) -> bool {
        let (x, y) = (self.resolve(x), self.resolve(y));
        if x == y || depth == 0 {
            return true;
        }
        match (self.def(x), self.def(y)) {
            (Some(a), Some(b)) => {
                a.opcode == b.opcode
                    && a.ty == b.ty
                    && a.imm == b.imm
                    && a.args.len() == b.args.len()
                    && a.args.iter().zip(&b.args).all(|(&p, &q)| self.same_value(p, q, depth - 1))
            }
            _ => false,
        }
    }

    /// The analysis's facts about a term, as far as the scan knows them (`None`: a number
    /// a condition may read is unknown).
    fn data(&self, t: &Term) -> Option<Data> {
        let mut d = Data::default();
        match *t {
            Term::Value(v) => {
                if let Some((ty, bits)) = self.konst(v) {
                    d.konst = super::analysis::const_of_lit(const_op(ty), ty, bits);
                }
                if self.has_offset(v) {
                    // Any nonzero k: the condition reads only whether there is one.
                    d.offset = Some((Id::from(0), 1));
                }
            }
            Term::Const(ty, lit) => {
                d.konst = super::analysis::const_of_lit(const_op(ty), ty, lit?);
            }
            Term::Lit(lit) => d.lit = Some(lit?),
            Term::Cond(cc) => d.cc = Some(cc),
            Term::Test(_) => return None,
        }
        Some(d)
    }

    /// Whether the analysis gives `v`'s class an offset fact: a node `y + c`, `c + y` or
    /// `y - c` over an integer `y` that is not a constant.
    fn has_offset(&self, v: Value) -> bool {
        let Some(ty) = self.def(v).and_then(|d| d.ty).filter(|t| t.is_int()) else { return false };
        let konst = |t: &Term| match t {
            Term::Value(v) => self.konst(*v).is_some(),
            Term::Const(..) => true,
            _ => false,
        };
        let t = Term::Value(v);
        self.each_form(&t, Opcode::Iadd, ty, &mut |kids| matches!(kids, [a, b] if konst(a) != konst(b)))
            || self.each_form(&t, Opcode::Isub, ty, &mut |kids| matches!(kids, [a, b] if !konst(a) && konst(b)))
    }

    fn conds_hold(&self, conds: &Conds, b: &mut Bindings) -> bool {
        conds.0.iter().all(|(kind, vars)| {
            let data: Option<Vec<Data>> =
                vars.iter().map(|v| b.iter().find(|(w, _)| w == v).and_then(|(_, t)| self.data(t))).collect();
            match data {
                Some(ds) => kind.holds(&ds.iter().collect::<Vec<_>>()),
                None => true,
            }
        })
    }
}

/// The constant opcode of type `ty`.
fn const_op(ty: Type) -> Opcode {
    if ty.is_int() {
        Opcode::Iconst
    } else {
        Opcode::Fconst
    }
}

/// Evaluates a literal expression at `id` with `k`'s literal.
fn eval_lit(ast: &[ENodeOrVar<Node>], id: Id, k: Var, kbits: u64) -> Option<u64> {
    match &ast[usize::from(id)] {
        ENodeOrVar::Var(v) if *v == k => Some(kbits),
        ENodeOrVar::ENode(Node::Lit(x)) => Some(*x),
        ENodeOrVar::ENode(Node::Meta { op, args }) => {
            let lits: Option<SmallVec<[Option<u64>; 2]>> =
                args.iter().map(|&a| eval_lit(ast, a, k, kbits).map(Some)).collect();
            eval_meta(*op, &lits?, &[]).0
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::super::Egraph;
    use crate::pass::Pass;
    use crate::testing::B;
    use wlab_ir::{Function, IntCC, Opcode, Type};

    /// Whether the pass clears `f`; a cleared function must also come out of a built
    /// e-graph unchanged.
    fn cleared(f: &Function) -> bool {
        let mut g = f.clone();
        let out = Egraph::default().run(&mut g).expect("runs");
        let skipped = out.counters.get("skipped") == Some(&1);
        if skipped {
            let mut h = f.clone();
            let full = Egraph { prescan: false, ..Egraph::default() }.run(&mut h).expect("runs");
            assert_eq!(wlab_ir::print_function(&h), wlab_ir::print_function(f), "{:?}", full.counters);
        }
        skipped
    }

    /// `p0 OP k` returned, for an i32 parameter.
    fn one(op: Opcode, k: i64) -> Function {
        let (mut b, p) = B::new(&[Type::I32], &[Type::I32]);
        let b0 = b.b(0);
        let c = b.iconst(b0, Type::I32, k);
        let v = b.op(b0, op, Type::I32, &[p[0], c]);
        b.ret(b0, &[v]);
        b.f
    }

    #[test]
    fn a_neutral_rule_alone_clears_a_function() {
        // sub-const makes `p0 - 16` also `p0 + -16`: equally cheap, so nothing changes.
        assert!(cleared(&one(Opcode::Isub, 16)));
        // shl-amount-mod rewrites an operation into itself: it adds nothing where the
        // amount is below 32, and an equally cheap form (`p0 << 3`) where it is not.
        assert!(cleared(&one(Opcode::Ishl, 3)));
        assert!(cleared(&one(Opcode::Ishl, 35)));
        // A rule that counts: add-zero.
        assert!(!cleared(&one(Opcode::Iadd, 0)));
    }

    #[test]
    fn a_rule_that_matches_through_a_neutral_form_counts() {
        // (p0 - 16) + 4: add-offset matches through sub-const's `p0 + -16`.
        let (mut b, p) = B::new(&[Type::I32], &[Type::I32]);
        let b0 = b.b(0);
        let k16 = b.iconst(b0, Type::I32, 16);
        let s = b.op(b0, Opcode::Isub, Type::I32, &[p[0], k16]);
        let k4 = b.iconst(b0, Type::I32, 4);
        let a = b.op(b0, Opcode::Iadd, Type::I32, &[s, k4]);
        b.ret(b0, &[a]);
        assert!(!cleared(&b.f));
        // p0 - 16 beside p0 + -16: the e-graph would merge their classes.
        let (mut b, p) = B::new(&[Type::I32], &[Type::I32]);
        let b0 = b.b(0);
        let k16 = b.iconst(b0, Type::I32, 16);
        let s = b.op(b0, Opcode::Isub, Type::I32, &[p[0], k16]);
        let m16 = b.iconst(b0, Type::I32, -16);
        let a = b.op(b0, Opcode::Iadd, Type::I32, &[p[0], m16]);
        let r = b.op(b0, Opcode::Imul, Type::I32, &[s, a]);
        b.ret(b0, &[r]);
        assert!(!cleared(&b.f));
    }

    #[test]
    fn repeated_variables_need_operands_that_may_be_one_class() {
        let two = |same: bool| {
            let (mut b, p) = B::new(&[Type::I32, Type::I32], &[Type::I32]);
            let b0 = b.b(0);
            let x = b.op(b0, Opcode::Bxor, Type::I32, &[p[0], p[1]]);
            let y = if same { b.op(b0, Opcode::Bxor, Type::I32, &[p[0], p[1]]) } else { p[1] };
            let v = b.op(b0, Opcode::Iadd, Type::I32, &[x, y]);
            b.ret(b0, &[v]);
            b.f
        };
        // (p0 ^ p1) + p1: no rule. (p0 ^ p1) + (p0 ^ p1): one class, add-self-is-shl.
        assert!(cleared(&two(false)));
        assert!(!cleared(&two(true)));
    }

    #[test]
    fn branches_on_a_test_against_zero_count() {
        let branch = |cc: IntCC, zero: bool| {
            let (mut b, p) = B::new(&[Type::I32, Type::I32], &[Type::I32]);
            let b0 = b.b(0);
            let (t, _) = b.block(&[]);
            let (e, _) = b.block(&[]);
            let y = if zero { b.iconst(b0, Type::I32, 0) } else { p[1] };
            let c = b.icmp(b0, cc, Type::I32, p[0], y);
            b.brif(b0, c, (t, &[]), (e, &[]));
            b.ret(t, &[p[0]]);
            b.ret(e, &[p[1]]);
            b.f
        };
        // brif (p0 != 0) branches on p0; brif (p0 < p1) is left as it is.
        assert!(!cleared(&branch(IntCC::Ne, true)));
        assert!(cleared(&branch(IntCC::Slt, false)));
    }
}
