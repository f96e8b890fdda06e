//! Rematerialisation: which values are cheaper to recompute where they are used than
//! to keep in a register, and the edit that gives each using block its own copy.
//!
//! ```text
//! block0(v0: i32):                          block0(v0: i32):
//!     v1 = iconst.i32 16                        v1 = iconst.i32 16
//!     v2 = iadd.i32 v0, v1                      jump block1
//!     jump block1                   ==>     block1:
//! block1:                                       v3 = iadd.i32 v0, v1
//!     v4 = load.i32 v2                          v4 = load.i32 v3
//!     brif v4, block1, block2                   brif v4, block1, block2
//! ```
//!
//! A value hoisted out of a loop or shared across blocks is live from its definition to
//! its last use; when registers run out it is spilled and reloaded at every use, which
//! costs more than the one instruction it saved. The rematerialisable instructions
//! are `iadd`, `isub`, `band`, `bor` and `bxor` with an `iconst` operand (as in
//! Cranelift's `remat.isle`), the shifts `ishl`, `ushr` and `sshr` by an `iconst`, the
//! tests `icmp` against an `iconst` and `eqz`, and `const.v128`: one machine instruction
//! (a `const.v128` is a load from the constant pool), whose other operand (often the
//! shadow stack pointer) stays live anyway. A test recomputed next to the branch that
//! reads it is not even that: it becomes the flags of that branch's compare, while a
//! shared one is a 0/1 value kept in a register (or a spill slot across a call).
//! Scalar constants are not listed: both backends already materialise an
//! `iconst`/`fconst` at each use, wherever it is defined; a `const.v128` is
//! materialised where it is defined.
//!
//! Used by the passes that move or share values across blocks (`licm`, `gvn`) so that
//! they never stretch such a value's live range. This file never decides what to hoist
//! or merge, and never removes an instruction that still has a use.

use wlab_ir::simd::SimdOp;
use wlab_ir::{Block, Function, Inst, Opcode, ValueDef};

/// Whether `inst` is cheaper to recompute in each block that uses it than to keep live
/// across blocks (see the module docs).
pub fn is_rematerialisable(func: &Function, inst: Inst) -> bool {
    let d = func.inst(inst);
    if matches!(d.opcode, Opcode::Simd(SimdOp::V128Const) | Opcode::Eqz) {
        return true;
    }
    if d.results.len() != 1 || d.args.len() != 2 {
        return false;
    }
    match d.opcode {
        Opcode::Iadd | Opcode::Isub | Opcode::Band | Opcode::Bor | Opcode::Bxor | Opcode::Icmp => {
            d.args.iter().any(|&a| func.iconst_value(a).is_some())
        }
        Opcode::Ishl | Opcode::Ushr | Opcode::Sshr => func.iconst_value(d.args[1]).is_some(),
        _ => false,
    }
}

/// What [`into_using_blocks`] did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Rematerialised {
    /// Copies placed in using blocks.
    pub copies: u64,
    /// Originals removed because no use was left.
    pub removed: u64,
}

/// Gives every block other than its own that uses one of `insts` (each
/// [`is_rematerialisable`], placed in the layout) a copy of it just before the first use
/// there, and removes the original when nothing uses it any more. `insts` may be in any
/// order. Copies read the same operands as the original, which dominate it and hence
/// every use.
pub fn into_using_blocks(func: &mut Function, insts: &[Inst]) -> Rematerialised {
    let mut out = Rematerialised::default();
    if insts.is_empty() {
        return out;
    }
    let mut home: Vec<Option<Block>> = vec![None; func.insts.len()];
    for (b, i) in func.layout_insts() {
        home[i.index()] = Some(b);
    }
    // Users first: a copy of a user reads the original operand, which is then itself
    // copied into that block when it is processed.
    for r in users_first(func, insts) {
        let Some(own) = home.get(r.index()).copied().flatten() else { continue };
        debug_assert!(is_rematerialisable(func, r), "{r} is not rematerialisable");
        let v = func.inst(r).results[0];
        let mut uses_left = false;
        for b in func.layout.clone() {
            let Some(pos) = func.block_insts(b).iter().position(|&i| func.inst_uses(i).any(|u| u == v)) else {
                continue;
            };
            if b == own {
                uses_left = true;
                continue;
            }
            let copy = func.make_inst(func.inst(r).clone(), &[func.value_type(v)]);
            let nv = func.inst(copy).results[0];
            let users: Vec<Inst> = func.block_insts(b)[pos..].to_vec();
            for i in users {
                func.map_inst_uses(i, |u| if u == v { nv } else { u });
            }
            func.blocks[b.index()].insts.insert(pos, copy);
            out.copies += 1;
        }
        if !uses_left {
            func.blocks[own.index()].insts.retain(|&i| i != r);
            out.removed += 1;
        }
    }
    out
}

/// `insts` ordered so that each comes before those of `insts` it reads (a depth-first
/// post-order over operands, reversed).
fn users_first(func: &Function, insts: &[Inst]) -> Vec<Inst> {
    let mut listed = vec![false; func.insts.len()];
    for &i in insts {
        listed[i.index()] = true;
    }
    let mut done = vec![false; func.insts.len()];
    let mut post = Vec::with_capacity(insts.len());
    for &root in insts {
        // (instruction, operands already pushed)
        let mut stack = vec![(root, false)];
        while let Some((i, expanded)) = stack.pop() {
            if expanded {
                post.push(i);
                continue;
            }
            if done[i.index()] {
                continue;
            }
            done[i.index()] = true;
            stack.push((i, true));
            for &a in &func.inst(i).args {
                if let ValueDef::Result(d, _) = func.value_def(a) {
                    if listed[d.index()] && !done[d.index()] {
                        stack.push((d, false));
                    }
                }
            }
        }
    }
    post.reverse();
    post
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::B;
    use crate::validate::check_equivalent;
    use wlab_ir::{Imm, IntCC, MemArg, Type, Value};

    fn def(f: &Function, v: Value) -> Inst {
        match f.value_def(v) {
            ValueDef::Result(i, _) => i,
            ValueDef::Param(..) => unreachable!("{v} is a parameter"),
        }
    }

    #[test]
    fn copies_into_each_using_block_and_drops_the_unused_original() {
        let (mut b, p) = B::new(&[Type::I32], &[Type::I32]);
        let b0 = b.b(0);
        let (b1, _) = b.block(&[]);
        let (b2, _) = b.block(&[]);
        let k = b.iconst(b0, Type::I32, 16);
        let a = b.op(b0, Opcode::Iadd, Type::I32, &[p[0], k]);
        let m = b.op(b0, Opcode::Band, Type::I32, &[a, k]);
        b.jump(b0, b1, &[]);
        let mem = Imm::Mem(MemArg { offset: 0, align: 0, memory: 0 });
        let x = b.f.ins1(b1, Opcode::Load, Type::I32, vec![m], mem);
        b.brif(b1, x, (b1, &[]), (b2, &[]));
        b.ret(b2, &[a]);
        let before = b.f.clone();
        let (ai, mi) = (def(&b.f, a), def(&b.f, m));
        assert!(is_rematerialisable(&b.f, ai) && is_rematerialisable(&b.f, mi));
        let got = into_using_blocks(&mut b.f, &[mi, ai]);
        // band copied into block1 (with an iadd copy for it), iadd copied into block2;
        // both originals are then unused in block0.
        assert_eq!(got, Rematerialised { copies: 3, removed: 2 });
        assert!(b.f.block_insts(b0).iter().all(|&i| b.f.inst(i).opcode != Opcode::Iadd));
        wlab_ir::verify::verify_function(&b.f).expect("valid");
        check_equivalent(&before, &b.f, 64).expect("same behaviour");
    }

    #[test]
    fn only_cheap_ops_with_a_constant_operand_and_vector_constants() {
        let (mut b, p) = B::new(&[Type::I32, Type::I32], &[Type::I32]);
        let b0 = b.b(0);
        let k = b.iconst(b0, Type::I32, 3);
        let mul = b.op(b0, Opcode::Imul, Type::I32, &[p[0], k]);
        let add = b.op(b0, Opcode::Iadd, Type::I32, &[p[0], p[1]]);
        // A shift by a constant is one; a shift of a constant by a value is not.
        let shl = b.op(b0, Opcode::Ishl, Type::I32, &[p[0], k]);
        let shl_of_k = b.op(b0, Opcode::Ishl, Type::I32, &[k, p[1]]);
        let v = b.f.ins1(b0, Opcode::Simd(SimdOp::V128Const), Type::V128, vec![], Imm::V128([7; 16]));
        b.ret(b0, &[mul]);
        assert!(!is_rematerialisable(&b.f, def(&b.f, mul)));
        assert!(!is_rematerialisable(&b.f, def(&b.f, add)));
        assert!(!is_rematerialisable(&b.f, def(&b.f, k)));
        assert!(is_rematerialisable(&b.f, def(&b.f, shl)));
        assert!(!is_rematerialisable(&b.f, def(&b.f, shl_of_k)));
        assert!(is_rematerialisable(&b.f, def(&b.f, v)));
    }

    #[test]
    fn tests_against_a_constant_and_eqz_but_not_compares_of_two_values() {
        let (mut b, p) = B::new(&[Type::I32, Type::I32], &[Type::I32]);
        let b0 = b.b(0);
        let k = b.iconst(b0, Type::I32, 8);
        let against_k = b.icmp(b0, IntCC::Ne, Type::I32, p[0], k);
        let of_two = b.icmp(b0, IntCC::Ne, Type::I32, p[0], p[1]);
        let zero = b.op(b0, Opcode::Eqz, Type::I32, &[p[0]]);
        b.ret(b0, &[zero]);
        assert!(is_rematerialisable(&b.f, def(&b.f, against_k)));
        assert!(!is_rematerialisable(&b.f, def(&b.f, of_two)));
        assert!(is_rematerialisable(&b.f, def(&b.f, zero)));
    }
}
