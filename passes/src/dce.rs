//! `dce`: dead code elimination — unreachable blocks, pure instructions whose results
//! are never used, and block parameters that nothing uses.
//!
//! ```text
//! block0(v0: i32):                      block0(v0: i32):
//!     v1 = iconst.i32 7                     jump block1
//!     v2 = imul.i32 v0, v1   ==>        block1:
//!     jump block1(v2, v0)                   return v0
//! block1(v3: i32, v4: i32):
//!     return v4                         (block2 is gone: nothing branches to it)
//! block2:
//!     return v0
//! ```
//!
//! Liveness is computed backwards from the instructions that have an effect (anything
//! not [`wlab_ir::Effects::is_pure`]: stores, calls, traps, possibly-trapping operations
//! and terminators). A block parameter is live when a live instruction uses it; only
//! then are the arguments passed to it live. A dead parameter is removed together with
//! its argument in every branch to its block, once per naming of the block (a `brif` or
//! `br_table` naming it twice loses both). The entry block's parameters are the
//! function's and are never removed. This pass never removes an instruction that may
//! trap, read or write state, even when its results are unused.

use crate::edit::{incoming_edges, reachable_blocks, remove_block_params, remove_insts};
use crate::pass::{Changed, Pass, PassError, PassOutcome};
use crate::registry::{ArgSpec, ArgType, Make, PassArgs, PassInfo};
use wlab_ir::{Function, Value, ValueDef};

pub const INFO: PassInfo = PassInfo {
    name: "dce",
    description: "remove unreachable blocks, unused pure instructions and unused block parameters",
    args: &[ArgSpec {
        name: "blocks",
        ty: ArgType::Bool,
        default: "true",
        doc: "also remove blocks not reachable from the entry",
    }],
    make: Make::Function(|args: &PassArgs| Ok(Box::new(Dce { blocks: args.bool("blocks")? }))),
    idempotent: true,
};

/// See the module docs.
#[derive(Clone, Debug)]
pub struct Dce {
    pub blocks: bool,
}

impl Default for Dce {
    fn default() -> Self {
        Dce { blocks: true }
    }
}

impl Pass for Dce {
    fn name(&self) -> &'static str {
        INFO.name
    }

    fn run(&mut self, func: &mut Function) -> Result<PassOutcome, PassError> {
        let mut out = PassOutcome::unchanged();
        let Some(entry) = func.entry() else {
            return Ok(out);
        };

        if self.blocks {
            let reachable = reachable_blocks(func);
            let before = func.layout.len();
            func.layout.retain(|b| reachable[b.index()]);
            let removed = before - func.layout.len();
            if removed > 0 {
                out.changed = Changed::ControlFlow;
                out.count("removed-blocks", removed as u64);
            }
        }

        let incoming = incoming_edges(func);
        let mut live_inst = vec![false; func.insts.len()];
        let mut live_val = vec![false; func.values.len()];
        let mut work: Vec<Value> = Vec::new();
        for (_, i) in func.layout_insts() {
            let d = func.inst(i);
            if !d.opcode.effects().is_pure() {
                live_inst[i.index()] = true;
                // Branch arguments become live only with the parameter they feed.
                work.extend(d.args.iter().copied());
            }
        }
        while let Some(v) = work.pop() {
            if std::mem::replace(&mut live_val[v.index()], true) {
                continue;
            }
            match func.value_def(v) {
                ValueDef::Result(i, _) => {
                    if !std::mem::replace(&mut live_inst[i.index()], true) {
                        work.extend(func.inst_uses(i));
                    }
                }
                ValueDef::Param(b, n) => {
                    if b == entry {
                        continue;
                    }
                    for &(t, k) in &incoming[b.index()] {
                        if let Some(&a) = func.inst(t).dests[k].args.get(n as usize) {
                            work.push(a);
                        }
                    }
                }
            }
        }

        let removed_insts = remove_insts(func, |i| !live_inst[i.index()]);
        let dead: Vec<Vec<bool>> = func
            .blocks
            .iter()
            .enumerate()
            .map(|(b, data)| data.params.iter().map(|p| b != entry.index() && !live_val[p.index()]).collect())
            .collect();
        let removed_params = remove_block_params(func, &dead);
        if removed_insts > 0 {
            out.count("removed-insts", removed_insts as u64);
        }
        if removed_params > 0 {
            out.count("removed-params", removed_params as u64);
        }
        if out.changed == Changed::Nothing && removed_insts + removed_params > 0 {
            out.changed = Changed::Instructions;
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{body, run_checked, B};
    use wlab_ir::Opcode;
    use wlab_ir::Type::I32;

    #[test]
    fn removes_dead_insts_params_and_blocks() {
        let (mut b, v) = B::new(&[I32], &[I32]);
        let b0 = b.b(0);
        let (b1, _) = b.block(&[I32, I32]);
        let (b2, _) = b.block(&[]);
        let k = b.iconst(b0, I32, 7);
        let m = b.op(b0, Opcode::Imul, I32, &[v[0], k]);
        b.jump(b0, b1, &[m, v[0]]);
        let p = b.f.block_params(b1).to_vec();
        b.ret(b1, &[p[1]]);
        b.ret(b2, &[v[0]]);
        let (out, text) = run_checked(&mut Dce::default(), &mut b.f);
        assert_eq!(out.changed, Changed::ControlFlow);
        assert_eq!(body(&text), ["block0(v0: i32):", "jump block1(v0)", "block1(v2: i32):", "return v2"]);
        assert_eq!(out.counters.get("removed-insts"), Some(&2));
        assert_eq!(out.counters.get("removed-params"), Some(&1));
        assert_eq!(out.counters.get("removed-blocks"), Some(&1));
    }

    #[test]
    fn keeps_trapping_insts_and_params_feeding_live_code() {
        // An unused division may trap: it stays. A loop-carried parameter used by the
        // branch stays; one only passed around the loop goes, from both brif edges
        // naming the same block. (block2 is unreachable and goes too.)
        let (mut b, v) = B::new(&[I32], &[I32]);
        let b0 = b.b(0);
        let (b1, p) = b.block(&[I32, I32]);
        let (b2, _) = b.block(&[]);
        b.op(b0, Opcode::Sdiv, I32, &[v[0], v[0]]);
        b.jump(b0, b1, &[v[0], v[0]]);
        b.brif(b1, p[0], (b1, &[p[0], p[1]]), (b1, &[p[0], p[1]]));
        b.ret(b2, &[]);
        let (out, text) = run_checked(&mut Dce::default(), &mut b.f);
        assert!(text.contains("sdiv.i32 v0, v0"), "{text}");
        assert!(text.contains("brif v1, block1(v1), block1(v1)"), "{text}");
        assert_eq!(out.counters.get("removed-params"), Some(&1));
    }
}
