//! The e-class analysis: each class's type, and its constant value when the analysis can
//! prove one (constant folding with exact wasm semantics, by [`crate::fold`]); literal
//! and condition helpers are evaluated the same way.
//!
//! A class found constant gets the canonical constant node (`iconst.i32 5`) added and
//! unioned in, so every rule sees it. Only pure operations are in the e-graph, so no
//! trapping operation can be folded away here: [`crate::fold::Fold::Traps`] never comes
//! back for them, and if it did the class would simply stay non-constant. This file
//! never rewrites IR.

use super::language::{leaf, Args, Cc, Meta, Node};
use crate::fold::{fold, Const, Fold};
use egg::{DidMerge, EGraph, Id};
use wlab_ir::opinfo::Leaf;
use wlab_ir::{Imm, IntCC, Opcode, Type};

/// What the analysis knows about one class.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Data {
    /// The IR type of a value class (`None` for literal and condition classes).
    pub ty: Option<Type>,
    /// The constant a value class always holds.
    pub konst: Option<Const>,
    /// The number a literal class stands for.
    pub lit: Option<u64>,
    /// The condition a condition class stands for.
    pub cc: Option<Cc>,
    /// The class equals `base + k` (wrapping, in its integer type), `base` a class that
    /// had no such fact itself when this one was found: every chain of constant
    /// additions and subtractions is one step from where it starts (read by the rule
    /// helpers `base` and `offset`). The first fact found is kept; later ones are as
    /// true, and a rule applied on a fact must find the same one again.
    pub offset: Option<(Id, u64)>,
}

/// The analysis; it knows the function's value types (for opaque values).
#[derive(Clone, Debug, Default)]
pub struct ConstFold {
    pub value_types: Vec<Type>,
    /// The rule matches applied so far (see [`super::rules::Applied`]).
    pub applied: super::rules::Applied,
    /// What incremental rule search needs (see [`super::search`]).
    pub search: std::cell::RefCell<super::search::SearchState>,
}

pub type EG = EGraph<Node, ConstFold>;

/// The constant an `iconst`/`fconst` of type `ty` over literal `x` stands for.
pub fn const_of_lit(op: Opcode, ty: Type, x: u64) -> Option<Const> {
    match (op, ty) {
        (Opcode::Iconst, Type::I32) => Some(Const::I32(x as u32)),
        (Opcode::Iconst, Type::I64) => Some(Const::I64(x)),
        (Opcode::Fconst, Type::F32) => Some(Const::F32(x as u32)),
        (Opcode::Fconst, Type::F64) => Some(Const::F64(x)),
        _ => None,
    }
}

/// The canonical node pair for a constant: its literal and its opcode.
pub fn lit_of_const(c: Const) -> (Opcode, Type, u64) {
    match c {
        Const::I32(x) => (Opcode::Iconst, Type::I32, x as u64),
        Const::I64(x) => (Opcode::Iconst, Type::I64, x),
        Const::F32(x) => (Opcode::Fconst, Type::F32, x as u64),
        Const::F64(x) => (Opcode::Fconst, Type::F64, x),
    }
}

/// Evaluates a helper on literal / condition operands (`None`: undefined, e.g. `log2`
/// of a non-power of two).
pub fn eval_meta(op: Meta, lits: &[Option<u64>], ccs: &[Option<Cc>]) -> (Option<u64>, Option<Cc>) {
    let l = |n: usize| lits.get(n).copied().flatten();
    let two = |f: fn(u64, u64) -> u64| (l(0).zip(l(1)).map(|(a, b)| f(a, b)), None);
    match op {
        Meta::Log2 => (l(0).filter(|x| x.is_power_of_two()).map(|x| x.trailing_zeros() as u64), None),
        Meta::Neg => (l(0).map(|x| x.wrapping_neg()), None),
        Meta::Not => (l(0).map(|x| !x), None),
        Meta::Add => two(u64::wrapping_add),
        Meta::Sub => two(u64::wrapping_sub),
        Meta::Mul => two(u64::wrapping_mul),
        Meta::And => two(|a, b| a & b),
        Meta::Or => two(|a, b| a | b),
        Meta::Xor => two(|a, b| a ^ b),
        Meta::Shl => two(|a, b| if b < 64 { a << b } else { 0 }),
        Meta::Inverse => (None, ccs.first().copied().flatten().and_then(Cc::int).map(|c| Cc::Int(c.inverse()))),
        Meta::Swap => (None, ccs.first().copied().flatten().and_then(Cc::int).map(|c| Cc::Int(c.swapped()))),
        // Read the analysis fact of a value class: instantiated by the rule, never here.
        Meta::Base | Meta::Offset => (None, None),
        Meta::Reflexive => (
            ccs.first()
                .copied()
                .flatten()
                .and_then(Cc::int)
                .map(|c| matches!(c, IntCC::Eq | IntCC::Sle | IntCC::Sge | IntCC::Ule | IntCC::Uge) as u64),
            None,
        ),
    }
}

impl egg::Analysis<Node> for ConstFold {
    type Data = Data;

    fn make(egraph: &mut EG, enode: &Node, _id: Id) -> Data {
        let d = |id: &Id| &egraph[*id].data;
        match enode {
            Node::Lit(x) => Data { lit: Some(*x), ..Data::default() },
            Node::Cond(c) => Data { cc: Some(*c), ..Data::default() },
            Node::Opaque(v) => Data { ty: egraph.analysis.value_types.get(v.index()).copied(), ..Data::default() },
            Node::Meta { op, args } => {
                let lits: Vec<Option<u64>> = args.iter().map(|a| d(a).lit).collect();
                let ccs: Vec<Option<Cc>> = args.iter().map(|a| d(a).cc).collect();
                let (lit, cc) = eval_meta(*op, &lits, &ccs);
                Data { lit, cc, ..Data::default() }
            }
            Node::Op { op, ty, args } => {
                let rty = super::language::result_type(*op, *ty);
                let konst = match leaf(*op) {
                    Leaf::Int | Leaf::Float => d(&args[0]).lit.and_then(|x| const_of_lit(*op, *ty, x)),
                    other => {
                        let (imm, vals) = match other {
                            Leaf::IntCC => (d(&args[0]).cc.and_then(Cc::int).map(Imm::IntCC), &args[1..]),
                            Leaf::FloatCC => (d(&args[0]).cc.and_then(Cc::float).map(Imm::FloatCC), &args[1..]),
                            Leaf::None | Leaf::Int | Leaf::Float => (Some(Imm::None), &args[..]),
                        };
                        let ks: Option<smallvec::SmallVec<[Const; 3]>> = vals.iter().map(|a| d(a).konst).collect();
                        match (imm, ks) {
                            (Some(imm), Some(ks)) => match fold(*op, Some(*ty), &imm, &ks) {
                                Fold::Value(c) if c.ty() == rty => Some(c),
                                Fold::Value(_) | Fold::Traps(_) | Fold::No => None,
                            },
                            _ => None,
                        }
                    }
                };
                let offset = offset_fact(egraph, *op, *ty, args);
                Data { ty: Some(rty), konst, offset, ..Data::default() }
            }
        }
    }

    fn merge(&mut self, a: &mut Data, b: Data) -> DidMerge {
        let mut changed_a = false;
        let mut b_less = false;
        macro_rules! field {
            ($f:ident) => {
                match (a.$f, b.$f) {
                    (None, Some(x)) => {
                        a.$f = Some(x);
                        changed_a = true;
                    }
                    (Some(_), None) => b_less = true,
                    // Two different facts about one class would mean an unsound rule;
                    // the first one is kept (the rule-file checks make this unreachable
                    // for types).
                    (Some(_), Some(_)) | (None, None) => {}
                }
            };
        }
        field!(ty);
        field!(konst);
        field!(lit);
        field!(cc);
        field!(offset);
        DidMerge(changed_a, b_less)
    }

    /// No e-matching through cycles: once `x * 65536 * 65537` is found equal to
    /// `x * 65536` (the constants wrap), the class contains itself under `imul`, and
    /// matching through that cycle would feed constant reassociation an endless supply
    /// of new products (65537^k): the graph grew every iteration until the limit.
    fn allow_ematching_cycles(&self) -> bool {
        false
    }

    /// Also records `id` as changed for incremental search: egg calls this for every
    /// new class, every union (on the class that remains) and every change of facts.
    ///
    /// The canonical node of a fact is added and unioned in only when the class does
    /// not hold it yet: egg calls this on every new class and after every union, and
    /// a constant's, literal's or condition's own class already holds its node, so a
    /// short scan of the class's nodes replaces two hash-cons look-ups and a no-op union.
    fn modify(egraph: &mut EG, id: Id) {
        egraph.analysis.search.get_mut().changed.push(id);
        // What is missing is decided before any union: a union only adds nodes, so a
        // fact found missing here at worst takes the look-ups it always took.
        let class = &egraph[id];
        let d = &class.data;
        let konst =
            d.konst.map(lit_of_const).filter(|&(op, ty, bits)| !holds_const(egraph, &class.nodes, op, ty, bits));
        let lit = d.lit.filter(|&x| !class.nodes.contains(&Node::Lit(x)));
        let cc = d.cc.filter(|&c| !class.nodes.contains(&Node::Cond(c)));
        if let Some((op, ty, bits)) = konst {
            let lit = egraph.add(Node::Lit(bits));
            let k = egraph.add(Node::Op { op, ty, args: Args::from_slice(&[lit]) });
            egraph.union(id, k);
        }
        if let Some(x) = lit {
            let l = egraph.add(Node::Lit(x));
            egraph.union(id, l);
        }
        if let Some(c) = cc {
            let l = egraph.add(Node::Cond(c));
            egraph.union(id, l);
        }
    }
}

/// `y + c`, `c + y` or `y - c` (integer `y` not constant, `c` constant) is `base + k`:
/// `y`'s own fact extended by `±c`, or `y` itself plus `±c`.
fn offset_fact(egraph: &EG, op: Opcode, ty: Type, args: &[Id]) -> Option<(Id, u64)> {
    if !matches!(op, Opcode::Iadd | Opcode::Isub) || !matches!(ty, Type::I32 | Type::I64) {
        return None;
    }
    let konst = |n: usize| egraph[args[n]].data.konst.and_then(|c| c.int_bits());
    let (y, c) = match (op, konst(0), konst(1)) {
        (Opcode::Iadd, None, Some(c)) => (args[0], c),
        (Opcode::Iadd, Some(c), None) => (args[1], c),
        (Opcode::Isub, None, Some(c)) => (args[0], c.wrapping_neg()),
        _ => return None,
    };
    let (base, k) = match egraph[y].data.offset {
        Some((base, a)) => (base, a.wrapping_add(c)),
        None => (y, c),
    };
    Some((base, if ty == Type::I32 { k & 0xffff_ffff } else { k }))
}

/// Whether `nodes` (a class's) hold the constant node `(op.ty lit)` over the literal
/// `bits`, i.e. adding that literal and that node would find their class: the node's
/// child must be canonical (then egg's hash-cons holds the node under that child, as
/// after a rebuild or when the node was added) and its class must hold the literal.
fn holds_const(egraph: &EG, nodes: &[Node], op: Opcode, ty: Type, bits: u64) -> bool {
    nodes.iter().any(|n| match n {
        Node::Op { op: o, ty: t, args } if *o == op && *t == ty && args.len() == 1 => {
            let a = args[0];
            egraph.find(a) == a && egraph[a].nodes.contains(&Node::Lit(bits))
        }
        _ => false,
    })
}
