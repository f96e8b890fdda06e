//! The e-node language: typed IR operations, constants that carry their bits, opaque
//! values, and the small helper sorts rule files compute with.
//!
//! ```text
//! (iadd.i32 ?x (iconst.i32 0))        an operation: opcode + controlling type (as the IR
//!                                     prints it), so iadd.i32 and iadd.i64 never merge
//! (iconst.i32 5)  (fconst.f64 0x3ff0000000000000)
//!                                     a constant: the opcode node over a literal (bits)
//! (icmp.i32 slt ?a ?b)                a comparison: its condition is a child leaf
//! v12                                 an opaque value (block parameter, load result, ...)
//! (log2 ?c) (add ?a ?b) (inverse ?cc) helpers over literals and conditions: the
//!                                     analysis evaluates them; never extracted
//! ```
//!
//! Literals are 64-bit two's-complement numbers (`-1` and `0xffffffff` are both
//! accepted); `iconst.i32` keeps the low 32 bits. This file never decides what is equal
//! to what: that is the rules' and the analysis's job.

pub use super::args::Args;
use egg::{FromOp, Id, Language};
use std::fmt;
use wlab_ir::opinfo::{Egraph, Leaf, Results};
use wlab_ir::{FloatCC, IntCC, Opcode, Type, Value};

/// A comparison condition as written in patterns: one namespace for `icmp` and
/// `fcmp` (`eq`/`ne` are shared; `icmp` takes the integer ones, `fcmp` the float ones).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Cc {
    Int(IntCC),
    /// Only the float conditions that are not also integer ones (`lt`, `le`, `gt`, `ge`).
    Float(FloatCC),
}

impl Cc {
    pub fn parse(s: &str) -> Option<Cc> {
        IntCC::from_name(s).map(Cc::Int).or_else(|| FloatCC::from_name(s).map(Cc::Float))
    }

    pub fn name(self) -> &'static str {
        match self {
            Cc::Int(c) => c.name(),
            Cc::Float(c) => c.name(),
        }
    }

    pub fn of_int(c: IntCC) -> Cc {
        Cc::Int(c)
    }

    pub fn of_float(c: FloatCC) -> Cc {
        match c {
            FloatCC::Eq => Cc::Int(IntCC::Eq),
            FloatCC::Ne => Cc::Int(IntCC::Ne),
            FloatCC::Lt | FloatCC::Le | FloatCC::Gt | FloatCC::Ge => Cc::Float(c),
        }
    }

    /// As an `icmp` condition.
    pub fn int(self) -> Option<IntCC> {
        match self {
            Cc::Int(c) => Some(c),
            Cc::Float(_) => None,
        }
    }

    /// As an `fcmp` condition.
    pub fn float(self) -> Option<FloatCC> {
        match self {
            Cc::Int(IntCC::Eq) => Some(FloatCC::Eq),
            Cc::Int(IntCC::Ne) => Some(FloatCC::Ne),
            Cc::Int(_) => None,
            Cc::Float(c) => Some(c),
        }
    }
}

/// Helper operations over literals and conditions, evaluated by the analysis (wrapping
/// 64-bit arithmetic on literals), and `base`/`offset`, which read a value class's
/// offset fact. A rule's right side evaluates them; they never enter the e-graph.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Meta {
    /// `(log2 ?c)`: the exponent of a power of two (undefined otherwise: never folds).
    Log2,
    Neg,
    Not,
    Add,
    Sub,
    Mul,
    And,
    Or,
    Xor,
    Shl,
    /// `(inverse ?cc)`: the condition that is true exactly when `?cc` is false (integer).
    Inverse,
    /// `(swap ?cc)`: the condition for swapped operands (integer).
    Swap,
    /// `(reflexive ?cc)`: 1 when `x cc x` holds for every integer x (`eq`, `sle`, ...),
    /// else 0.
    Reflexive,
    /// `(base ?y)`: the class `?y` is a constant away from (its offset fact; undefined
    /// without one). The one helper that stands for a value class, of `?y`'s type.
    Base,
    /// `(offset ?y)`: that constant, as a literal (wrapping).
    Offset,
}

impl Meta {
    const ALL: &'static [(Meta, &'static str, usize)] = &[
        (Meta::Log2, "log2", 1),
        (Meta::Neg, "neg", 1),
        (Meta::Not, "not", 1),
        (Meta::Add, "add", 2),
        (Meta::Sub, "sub", 2),
        (Meta::Mul, "mul", 2),
        (Meta::And, "and", 2),
        (Meta::Or, "or", 2),
        (Meta::Xor, "xor", 2),
        (Meta::Shl, "shl", 2),
        (Meta::Inverse, "inverse", 1),
        (Meta::Swap, "swap", 1),
        (Meta::Reflexive, "reflexive", 1),
        (Meta::Base, "base", 1),
        (Meta::Offset, "offset", 1),
    ];

    pub fn name(self) -> &'static str {
        Meta::ALL.iter().find(|m| m.0 == self).map(|m| m.1).expect("every helper is listed")
    }

    pub fn arity(self) -> usize {
        Meta::ALL.iter().find(|m| m.0 == self).map(|m| m.2).expect("every helper is listed")
    }

    fn parse(s: &str) -> Option<Meta> {
        Meta::ALL.iter().find(|m| m.1 == s).map(|m| m.0)
    }
}

/// One e-node.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Node {
    /// A pure IR operation with its controlling type (the IR's `ty`). Operands in IR
    /// order; `icmp`/`fcmp` have their condition as an extra first child, `iconst` /
    /// `fconst` have one literal child.
    Op { op: Opcode, ty: Type, args: Args },
    /// A literal number (constant bits, shift amounts).
    Lit(u64),
    /// A comparison condition.
    Cond(Cc),
    /// A helper over literals / conditions.
    Meta { op: Meta, args: Args },
    /// A value the e-graph does not look into: a block parameter or the result of an
    /// instruction kept in place (loads, calls, trapping operations, ...).
    Opaque(Value),
}

/// The discriminant: equal for any two nodes that match (besides children), and no finer
/// than it needs to be: every literal shares one, and every opaque value, so the index of
/// classes by discriminant that egg rebuilds each iteration holds a few hundred sets,
/// not one per distinct number and value (which cost a small allocation each).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Disc {
    Op(Opcode, Type, usize),
    Lit,
    Cond(Cc),
    Meta(Meta),
    Opaque,
}

impl Language for Node {
    type Discriminant = Disc;

    fn discriminant(&self) -> Disc {
        match self {
            Node::Op { op, ty, args } => Disc::Op(*op, *ty, args.len()),
            Node::Lit(_) => Disc::Lit,
            Node::Cond(c) => Disc::Cond(*c),
            Node::Meta { op, .. } => Disc::Meta(*op),
            Node::Opaque(_) => Disc::Opaque,
        }
    }

    /// Whether two nodes are the same but for their children (literals and opaque values
    /// are compared whole): egg calls this for every node it looks at while matching.
    fn matches(&self, other: &Self) -> bool {
        match (self, other) {
            (Node::Op { op: a, ty: t, args: x }, Node::Op { op: b, ty: u, args: y }) => {
                a == b && t == u && x.len() == y.len()
            }
            (Node::Lit(a), Node::Lit(b)) => a == b,
            (Node::Cond(a), Node::Cond(b)) => a == b,
            (Node::Meta { op: a, .. }, Node::Meta { op: b, .. }) => a == b,
            (Node::Opaque(a), Node::Opaque(b)) => a == b,
            (Node::Op { .. } | Node::Lit(_) | Node::Cond(_) | Node::Meta { .. } | Node::Opaque(_), _) => false,
        }
    }

    fn children(&self) -> &[Id] {
        match self {
            Node::Op { args, .. } | Node::Meta { args, .. } => args,
            Node::Lit(_) | Node::Cond(_) | Node::Opaque(_) => &[],
        }
    }

    fn children_mut(&mut self) -> &mut [Id] {
        match self {
            Node::Op { args, .. } | Node::Meta { args, .. } => args,
            Node::Lit(_) | Node::Cond(_) | Node::Opaque(_) => &mut [],
        }
    }
}

/// Opcodes that take part in the e-graph: pure computations on numbers (the table's
/// e-graph column is [`Egraph::Node`]). Everything else stays in place as the skeleton
/// (its results become [`Node::Opaque`]); `copy` is transparent.
pub fn in_egraph(op: Opcode) -> bool {
    op.info().egraph == Egraph::Node
}

/// How many value operands an e-graph opcode takes (not counting a condition or a
/// literal child).
pub fn value_arity(op: Opcode) -> usize {
    op.info().operands.fixed().map_or(0, <[_]>::len)
}

/// Whether the opcode has an extra leading child that is not a value (a literal for
/// constants, a condition for comparisons).
pub fn has_imm_child(op: Opcode) -> bool {
    leaf(op) != Leaf::None
}

/// What the leading leaf child of an `op` node stands for (the table's immediate
/// column): builders, the analysis and elaboration read it here, never by opcode.
pub fn leaf(op: Opcode) -> Leaf {
    op.info().imm.egraph_leaf()
}

/// The type of the value an operation computes, from its controlling type.
pub fn result_type(op: Opcode, ty: Type) -> Type {
    match op.info().results {
        Results::One(t) => t,
        Results::Ctrl | Results::None | Results::Callee | Results::CallType => ty,
    }
}

/// The types of the value operands, where the opcode and controlling type fix them
/// (`None`: either width, e.g. the float operand of `fcvt_to_sint_sat.i32`).
pub fn operand_types(op: Opcode, ty: Type) -> Vec<Option<Type>> {
    let args = op.info().operands.fixed().unwrap_or(&[]);
    args.iter().map(|a| a.fixed_type(ty)).collect()
}

/// Why an operator in a pattern is not one of ours.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpError(pub String);

impl fmt::Display for OpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn parse_lit(s: &str) -> Option<u64> {
    let (neg, digits) = match s.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, s),
    };
    let x = match digits.strip_prefix("0x") {
        Some(h) if !h.is_empty() => u64::from_str_radix(&h.replace('_', ""), 16).ok()?,
        _ if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) => digits.parse::<u64>().ok()?,
        _ => return None,
    };
    Some(if neg { x.wrapping_neg() } else { x })
}

impl FromOp for Node {
    type Error = OpError;

    fn from_op(op: &str, children: Vec<Id>) -> Result<Self, OpError> {
        let n = children.len();
        let arity = |want: usize| -> Result<(), OpError> {
            if n == want {
                Ok(())
            } else {
                Err(OpError(format!("`{op}` takes {want} operand(s), found {n}")))
            }
        };
        if let Some(x) = parse_lit(op) {
            arity(0)?;
            return Ok(Node::Lit(x));
        }
        if let Some(c) = Cc::parse(op) {
            arity(0)?;
            return Ok(Node::Cond(c));
        }
        if let Some(m) = Meta::parse(op) {
            arity(m.arity())?;
            return Ok(Node::Meta { op: m, args: children.into() });
        }
        if let Some(v) = Value::parse(op) {
            arity(0)?;
            return Ok(Node::Opaque(v));
        }
        let (name, ty) = op
            .rsplit_once('.')
            .ok_or_else(|| OpError(format!("unknown operator `{op}` (operations are written `iadd.i32`)")))?;
        let opcode = Opcode::from_name(name).ok_or_else(|| OpError(format!("unknown opcode `{name}`")))?;
        let ty = Type::from_name(ty).ok_or_else(|| OpError(format!("unknown type `{ty}` in `{op}`")))?;
        if !in_egraph(opcode) || ty == Type::V128 {
            return Err(OpError(format!("`{op}` is not a pure operation the e-graph holds")));
        }
        arity(value_arity(opcode) + has_imm_child(opcode) as usize)?;
        Ok(Node::Op { op: opcode, ty, args: children.into() })
    }
}

impl fmt::Display for Node {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Node::Op { op, ty, .. } => write!(f, "{}.{}", op.name(), ty.name()),
            Node::Lit(x) => {
                if *x < 1 << 16 {
                    write!(f, "{x}")
                } else if (*x as i64) < 0 && (*x as i64) > -(1 << 16) {
                    write!(f, "{}", *x as i64)
                } else {
                    write!(f, "{x:#x}")
                }
            }
            Node::Cond(c) => f.write_str(c.name()),
            Node::Meta { op, .. } => f.write_str(op.name()),
            Node::Opaque(v) => write!(f, "{v}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use egg::RecExpr;

    #[test]
    fn typed_ops_literals_and_conditions_parse_and_print() {
        let e: RecExpr<Node> = "(iadd.i32 v3 (iconst.i32 -1))".parse().unwrap();
        assert_eq!(e.to_string(), "(iadd.i32 v3 (iconst.i32 -1))");
        let e: RecExpr<Node> = "(icmp.i64 slt v1 (iconst.i64 0x10))".parse().unwrap();
        assert_eq!(e.to_string(), "(icmp.i64 slt v1 (iconst.i64 16))");
        assert!("(iadd.i32 v1)".parse::<RecExpr<Node>>().is_err());
        assert!("(load.i32 v1)".parse::<RecExpr<Node>>().is_err());
        assert!("(iadd.i7 v1 v2)".parse::<RecExpr<Node>>().is_err());
        let a: Node = Node::from_op("iadd.i32", vec![Id::from(0usize), Id::from(1usize)]).unwrap();
        let b: Node = Node::from_op("iadd.i64", vec![Id::from(0usize), Id::from(1usize)]).unwrap();
        assert!(!a.matches(&b));
    }
}
