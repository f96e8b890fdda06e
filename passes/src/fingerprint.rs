//! A fingerprint of a function: a hash of everything its printed form shows (name,
//! signature, callee and type tables, block order, block parameters with their types,
//! and every instruction's opcode, type, operands, immediate, successors and results
//! with their types). The pass manager compares fingerprints before and after a pass to
//! decide whether it changed the function, instead of printing it twice (printing was
//! most of the manager's time on large functions). Two functions that print the same
//! have the same fingerprint. The hash is FxHash (64 bits, not keyed): std's SipHash
//! made fingerprinting 9% of `wlab run`'s compile time on bz2. Different functions can
//! collide, but the IR is not chosen to collide; a collision would only make the manager
//! miss a change (a `fix` loop stops a round early, an unreported change goes unflagged),
//! never change the code a pass produced. This file never changes a function.

use std::hash::{Hash, Hasher};
use wlab_ir::fxhash::FxHasher;
use wlab_ir::Function;

/// The fingerprint of `func` (see the module docs).
pub fn fingerprint(func: &Function) -> u64 {
    let mut h = FxHasher::default();
    func.name.hash(&mut h);
    func.wasm_index.hash(&mut h);
    func.signature.hash(&mut h);
    func.callees.hash(&mut h);
    func.no_memory_writes.hash(&mut h);
    func.types.hash(&mut h);
    func.layout.len().hash(&mut h);
    for &b in &func.layout {
        b.hash(&mut h);
        let params = func.block_params(b);
        params.len().hash(&mut h);
        for &p in params {
            p.hash(&mut h);
            func.value_type(p).hash(&mut h);
        }
        let insts = func.block_insts(b);
        insts.len().hash(&mut h);
        for &i in insts {
            let d = func.inst(i);
            d.opcode.hash(&mut h);
            d.ty.hash(&mut h);
            d.args.hash(&mut h);
            d.imm.hash(&mut h);
            d.dests.hash(&mut h);
            d.results.len().hash(&mut h);
            for &r in &d.results {
                r.hash(&mut h);
                func.value_type(r).hash(&mut h);
            }
        }
    }
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::B;
    use wlab_ir::{print_function, Opcode, Type};

    #[test]
    fn same_print_same_fingerprint_and_edits_show() {
        let (mut b, p) = B::new(&[Type::I32], &[Type::I32]);
        let b0 = b.b(0);
        let c = b.iconst(b0, Type::I32, 3);
        let s = b.op(b0, Opcode::Iadd, Type::I32, &[p[0], c]);
        b.ret(b0, &[s]);
        let f = b.f.clone();
        assert_eq!(fingerprint(&f), fingerprint(&b.f.clone()));
        let mut g = f.clone();
        let i = g.block_insts(g.layout[0])[0];
        g.inst_mut(i).imm = wlab_ir::Imm::I64(4);
        assert_ne!(print_function(&f), print_function(&g));
        assert_ne!(fingerprint(&f), fingerprint(&g));
        let mut h = f.clone();
        h.name.push('!');
        assert_ne!(fingerprint(&f), fingerprint(&h));
    }
}
