//! Which entry-block parameters of an IR function are live across a call: a use of the
//! parameter can be reached from a `call` or `call_indirect` (later in the call's block,
//! or in any block reachable from it). A parameter is defined once, at entry, so such a
//! use means the value is still needed after the call returns.
//!
//! Lowering asks this to decide where a parameter that arrives in a caller-saved
//! register should live. This file only answers the question; it never changes the
//! function, and it never says "not live" for a parameter that is (libcalls, which
//! other instructions lower to, are not counted as calls: for them it may say "not
//! live" although they clobber too, which costs code quality, not correctness).

use wlab_ir::{Block, Function, Opcode};

/// For each parameter of `entry`, in order: is it live across a call?
pub fn params_live_across_calls(f: &Function, entry: Block) -> Vec<bool> {
    let params = f.block_params(entry);
    let is_call = |i| matches!(f.inst(i).opcode, Opcode::Call | Opcode::CallIndirect);
    // Blocks whose instructions all run after some call: the successors of a block
    // with a call, and everything reachable from them.
    let mut after_call: Vec<bool> = Vec::new();
    let mut work: Vec<Block> = Vec::new();
    let mark = |b: Block, after_call: &mut Vec<bool>, work: &mut Vec<Block>| {
        if after_call.len() <= b.index() {
            after_call.resize(b.index() + 1, false);
        }
        if !after_call[b.index()] {
            after_call[b.index()] = true;
            work.push(b);
        }
    };
    let mut live = vec![false; params.len()];
    let note_uses = |i, live: &mut Vec<bool>| {
        for v in f.inst_uses(i) {
            if let Some(n) = params.iter().position(|p| *p == v) {
                live[n] = true;
            }
        }
    };
    for (b, _) in f.layout_insts().filter(|(_, i)| is_call(*i)) {
        for s in f.successors(b) {
            mark(s, &mut after_call, &mut work);
        }
    }
    while let Some(b) = work.pop() {
        for s in f.successors(b) {
            mark(s, &mut after_call, &mut work);
        }
    }
    for (b, i) in f.layout_insts() {
        if after_call.get(b.index()).copied().unwrap_or(false) {
            note_uses(i, &mut live);
        }
    }
    // Within a block with a call: the uses after its first call.
    let mut blocks_with_calls: Vec<Block> = f.layout_insts().filter(|(_, i)| is_call(*i)).map(|(b, _)| b).collect();
    blocks_with_calls.dedup();
    for b in blocks_with_calls {
        let insts = f.block_insts(b);
        let first = insts.iter().position(|i| is_call(*i)).expect("the block has a call");
        for &i in &insts[first + 1..] {
            note_uses(i, &mut live);
        }
    }
    live
}

#[cfg(test)]
mod tests {
    use super::*;
    use wlab_ir::{Imm, Signature, Type};

    /// `block0(v0, v1)`: v0 is used before the call, v1 after it, in the next block.
    #[test]
    fn a_use_after_the_call_makes_a_parameter_live_across_it() {
        let sig = Signature { params: vec![Type::I32, Type::I32], results: vec![] };
        let mut f = Function::new("f", sig);
        let b0 = f.create_block();
        f.append_block(b0);
        let b1 = f.create_block();
        f.append_block(b1);
        let v0 = f.append_block_param(b0, Type::I32);
        let v1 = f.append_block_param(b0, Type::I32);
        let _ = f.ins1(b0, Opcode::Iadd, Type::I32, vec![v0, v0], Imm::None);
        let call = wlab_ir::InstData::new(Opcode::Call, None, vec![], Imm::Func(0));
        f.append_inst(b0, call, &[]);
        f.terminate(b0, Opcode::Jump, vec![], Imm::None, vec![wlab_ir::BlockCall::new(b1, vec![])]);
        let _ = f.ins1(b1, Opcode::Iadd, Type::I32, vec![v1, v1], Imm::None);
        f.terminate(b1, Opcode::Return, vec![], Imm::None, vec![]);
        assert_eq!(params_live_across_calls(&f, b0), vec![false, true]);
    }
}
