//! From IR to e-graph: every pure computation goes into the e-graph; everything else
//! stays in place as the skeleton, whose operands point into e-classes.
//!
//! ```text
//! block1(v3: i32):                  skeleton: block1: [store v5, v3; brif v6, ...]
//!     v4 = iconst.i32 0             e-graph:  v3                 (opaque: a parameter)
//!     v5 = iadd.i32 v3, v4                    (iadd.i32 v3 (iconst.i32 0))
//!     store.i32 v5, v3                        (icmp.i32 ne v6 (iconst.i32 0))  (brif test)
//!     brif v6, ...
//! ```
//!
//! The `brif` test node is not added for a comparison that a rule of the set says is its
//! own test against 0 (`ne-zero-of-icmp-32` and its kin:
//! [`super::rules::RuleSet::truth_comparisons`]): the comparison's own class is the test,
//! as that rule would make it in the first iteration.
//!
//! Blocks are visited in reverse post-order, so every operand's class exists before its
//! use. Unreachable blocks are not looked at and stay as they are; a pure instruction
//! whose result they use stays in place too (it is "pinned"), and so does a constant
//! that only instructions kept in place read (a store's value, a branch argument): it
//! gets no class at all. This file never changes the function.

use super::analysis::{ConstFold, EG};
use super::language::{in_egraph, leaf, value_arity, Args, Cc, Node};
use crate::fold::Const;
use egg::{EGraph, Id};
use std::collections::hash_map::{Entry, HashMap};
use wlab_ir::dominators::DomTree;
use wlab_ir::fxhash::FxBuild;
use wlab_ir::opinfo::Leaf;
use wlab_ir::{Block, Function, Imm, Inst, IntCC, Opcode, Type, Value, ValueDef};

/// The e-graph of a function and how the function refers to it.
pub struct Built {
    pub egraph: EG,
    /// The class of each value (reachable definitions only), by value index.
    pub class_of: Vec<Option<Id>>,
    /// For values defined by an instruction in the e-graph: that instruction.
    pub orig: Vec<Option<Inst>>,
    /// The instructions kept in place, per reachable block, in order.
    pub skeleton: Vec<Vec<Inst>>,
    /// For each `brif`: the class of `(icmp.i32 ne cond (iconst.i32 0))`, or the
    /// condition's own class when it is a comparison.
    pub truth: Vec<(Inst, Id)>,
    /// Pure instructions of reachable blocks that went into the e-graph.
    pub pure_insts: usize,
}

/// The literal child and the node for a constant.
pub fn add_const(eg: &mut EG, c: Const) -> Id {
    let (op, ty, bits) = super::analysis::lit_of_const(c);
    let lit = eg.add(Node::Lit(bits));
    eg.add(Node::Op { op, ty, args: Args::from_slice(&[lit]) })
}

/// The literal bits of an `iconst`/`fconst` of type `ty` (as [`Const::of_inst`] reads
/// the instruction; `None` for a malformed one, which stays in place).
pub(super) fn const_bits(op: Opcode, ty: Type, imm: &Imm) -> Option<u64> {
    let c = match (op, ty, *imm) {
        (Opcode::Iconst, Type::I32, Imm::I64(x)) => Const::I32(x as u32),
        (Opcode::Iconst, Type::I64, Imm::I64(x)) => Const::I64(x as u64),
        (Opcode::Fconst, Type::F32, Imm::F32(b)) => Const::F32(b),
        (Opcode::Fconst, Type::F64, Imm::F64(b)) => Const::F64(b),
        _ => return None,
    };
    Some(super::analysis::lit_of_const(c).2)
}

/// The class of condition `cc`. Condition classes never merge while building, so
/// `conds` keeps the ones already added.
fn cond(eg: &mut EG, conds: &mut Vec<(Cc, Id)>, cc: Cc) -> Id {
    if let Some(&(_, id)) = conds.iter().find(|(c, _)| *c == cc) {
        return id;
    }
    let id = eg.add(Node::Cond(cc));
    conds.push((cc, id));
    id
}

/// The extra leading child of a comparison, its condition (`None` inside: no extra
/// child; `None` outside: the instruction cannot go into the e-graph).
fn cond_child(eg: &mut EG, conds: &mut Vec<(Cc, Id)>, op: Opcode, imm: &Imm) -> Option<Option<Id>> {
    let cc = match (leaf(op), imm) {
        (Leaf::IntCC, Imm::IntCC(cc)) => Cc::of_int(*cc),
        (Leaf::FloatCC, Imm::FloatCC(cc)) => Cc::of_float(*cc),
        (Leaf::IntCC | Leaf::FloatCC, _) => return None,
        // Constants are added with their literal elsewhere; the rest has no leaf.
        (Leaf::Int | Leaf::Float | Leaf::None, _) => return Some(None),
    };
    Some(Some(cond(eg, conds, cc)))
}

/// The classes of the operands of an `op` instruction, if every one has a class and
/// there are as many as `op` takes (a malformed instruction stays in place).
fn arg_classes(class_of: &[Option<Id>], op: Opcode, args: &[Value]) -> Option<Args> {
    if args.len() != value_arity(op) {
        return None;
    }
    args.iter().map(|a| class_of[a.index()]).collect()
}

/// Builds the e-graph of `func`.
pub fn build(func: &Function, dom: &DomTree, truths: &[(Opcode, Type)]) -> Built {
    let value_types = func.values.iter().map(|v| v.ty).collect();
    let mut eg: EG = EGraph::new(ConstFold { value_types, ..ConstFold::default() });
    let nv = func.values.len();
    let mut class_of: Vec<Option<Id>> = vec![None; nv];
    let mut orig = vec![None; nv];
    let mut skeleton = vec![Vec::new(); func.blocks.len()];
    let mut truth = Vec::new();
    // Values used by unreachable blocks keep their defining instruction in place.
    let mut pinned = vec![false; nv];
    for &b in &func.layout {
        if !dom.is_reachable(b) {
            for &i in func.block_insts(b) {
                for v in func.inst_uses(i) {
                    pinned[v.index()] = true;
                }
            }
        }
    }
    // A constant that no e-graph node and no branch test reads stays in place too, with
    // no class: no rule can match it, and elaboration never re-points an operand of an
    // instruction kept in place, so in the e-graph it would only cost time (a 4,000-case
    // `br_table` passes 4,000 constants as branch arguments).
    let mut read_by_graph = vec![false; nv];
    for &b in &func.layout {
        for &i in func.block_insts(b) {
            let d = func.inst(i);
            if (in_egraph(d.opcode) && d.ty != Some(Type::V128)) || d.opcode == Opcode::Brif {
                for &a in &d.args {
                    read_by_graph[a.index()] = true;
                }
            }
        }
    }
    // The condition `ne` and the constant 0 of every brif test, added at the first one.
    let mut ne_zero: Option<(Id, Id)> = None;
    // The class of each constant an instruction has added: a function repeats a few
    // hundred constants thousands of times, and the literal and node are then both
    // found. (Literal classes never merge while building, so the class found is this
    // class's current representative.)
    let mut consts: HashMap<(Opcode, Type, u64), Id, FxBuild> = HashMap::default();
    let mut conds: Vec<(Cc, Id)> = Vec::new();
    let mut pure_insts = 0;
    for &b in dom.rpo() {
        for &p in func.block_params(b) {
            class_of[p.index()] = Some(eg.add(Node::Opaque(p)));
        }
        for &i in func.block_insts(b) {
            let d = func.inst(i);
            let single = d.results.len() == 1 && !pinned[d.results[0].index()];
            if let (Opcode::Copy, true, [a]) = (d.opcode, single, &d.args[..]) {
                if let Some(c) = class_of[a.index()] {
                    class_of[d.results[0].index()] = Some(c);
                    orig[d.results[0].index()] = Some(i);
                    pure_insts += 1;
                    continue;
                }
            }
            if single && matches!(d.opcode, Opcode::Iconst | Opcode::Fconst) && !read_by_graph[d.results[0].index()] {
                // In place, without a class: nothing in the e-graph refers to it.
                skeleton[b.index()].push(i);
                continue;
            }
            // Vector code stays out of the e-graph for now: SIMD rows are skeleton by
            // their column, and a `v128` `select` (a scalar row) is kept out here.
            let node = match (in_egraph(d.opcode) && d.ty != Some(Type::V128), single, d.ty) {
                (true, true, Some(ty)) if matches!(d.opcode, Opcode::Iconst | Opcode::Fconst) => {
                    match const_bits(d.opcode, ty, &d.imm) {
                        Some(bits) => {
                            let id = match consts.entry((d.opcode, ty, bits)) {
                                Entry::Occupied(e) => eg.find(*e.get()),
                                Entry::Vacant(e) => {
                                    let lit = eg.add(Node::Lit(bits));
                                    let id = eg.add(Node::Op { op: d.opcode, ty, args: Args::from_slice(&[lit]) });
                                    *e.insert(id)
                                }
                            };
                            class_of[d.results[0].index()] = Some(id);
                            orig[d.results[0].index()] = Some(i);
                            pure_insts += 1;
                            continue;
                        }
                        None => None,
                    }
                }
                (true, true, Some(ty)) => arg_classes(&class_of, d.opcode, &d.args).and_then(|args| {
                    cond_child(&mut eg, &mut conds, d.opcode, &d.imm).map(|imm| Node::Op {
                        op: d.opcode,
                        ty,
                        args: imm.into_iter().chain(args.iter().copied()).collect(),
                    })
                }),
                _ => None,
            };
            match node {
                Some(n) => {
                    let id = eg.add(n);
                    class_of[d.results[0].index()] = Some(id);
                    orig[d.results[0].index()] = Some(i);
                    pure_insts += 1;
                }
                None => {
                    skeleton[b.index()].push(i);
                    for &r in &d.results {
                        class_of[r.index()] = Some(eg.add(Node::Opaque(r)));
                    }
                    if d.opcode == Opcode::Brif {
                        if let Some(c) = d.args.first().and_then(|c| class_of[c.index()]) {
                            // A comparison is 0 or 1: where a rule says that testing it
                            // against 0 is itself (`truths`), its own class is the truth
                            // class, as that rule would make it in the first iteration
                            // (the `ne` node cost a match and a merge per branch).
                            let own_test =
                                |n: &Node| matches!(n, Node::Op { op, ty, .. } if truths.contains(&(*op, *ty)));
                            if eg[c].nodes.iter().any(own_test) {
                                truth.push((i, c));
                                continue;
                            }
                            // egg canonicalizes the children of an added node, so ids
                            // kept from an earlier brif are as good as fresh look-ups.
                            let (ne, zero) = match ne_zero {
                                Some(nz) => nz,
                                None => {
                                    let ne = cond(&mut eg, &mut conds, Cc::of_int(IntCC::Ne));
                                    let nz = (ne, add_const(&mut eg, Const::I32(0)));
                                    *ne_zero.insert(nz)
                                }
                            };
                            let t = eg.add(Node::Op {
                                op: Opcode::Icmp,
                                ty: Type::I32,
                                args: Args::from_slice(&[ne, c, zero]),
                            });
                            truth.push((i, t));
                        }
                    }
                }
            }
        }
    }
    // Not rebuilt here: egg's runner rebuilds before its first iteration.
    Built { egraph: eg, class_of, orig, skeleton, truth, pure_insts }
}

/// The block where `v` is defined (its parameter block or its instruction's block),
/// given each instruction's block.
pub fn def_block(func: &Function, inst_block: &[Option<Block>], v: Value) -> Option<Block> {
    match func.value_def(v) {
        ValueDef::Param(b, _) => Some(b),
        ValueDef::Result(i, _) => inst_block[i.index()],
    }
}
