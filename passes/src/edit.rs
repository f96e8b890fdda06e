//! Small editing helpers shared by passes: reachability, removing block parameters
//! together with the matching branch arguments, substituting values, removing
//! instructions from the layout.
//!
//! These keep the function well-formed only when the caller's precondition holds (each
//! helper says which); they never decide what is safe to change.

use wlab_ir::{Block, Function, Inst, Value, ValueDef};

/// Which blocks are reachable from the entry, by block index.
pub fn reachable_blocks(func: &Function) -> Vec<bool> {
    let mut seen = vec![false; func.blocks.len()];
    let Some(entry) = func.entry() else {
        return seen;
    };
    let mut stack = vec![entry];
    seen[entry.index()] = true;
    while let Some(b) = stack.pop() {
        for s in func.successors(b) {
            if !seen[s.index()] {
                seen[s.index()] = true;
                stack.push(s);
            }
        }
    }
    seen
}

/// Every branch target (terminator instruction, index in its `dests`) that goes to each
/// block, over the blocks in the layout, by block index. A terminator that names the
/// same block twice (`brif c, b, b`, `br_table`) appears once per naming.
pub fn incoming_edges(func: &Function) -> Vec<Vec<(Inst, usize)>> {
    let mut inc = vec![Vec::new(); func.blocks.len()];
    for &b in &func.layout {
        if let Some(t) = func.terminator(b) {
            for (n, d) in func.inst(t).dests.iter().enumerate() {
                inc[d.block.index()].push((t, n));
            }
        }
    }
    inc
}

/// Removes, for every block `b`, the parameters `n` with `remove[b][n]` true, and the
/// matching argument from every branch to `b` (each naming of `b` in every terminator
/// in the layout), in one sweep over the layout. `remove` is indexed by block; a short
/// or missing entry removes nothing. Precondition: no remaining instruction uses a
/// removed parameter. Returns how many parameters were removed.
pub fn remove_block_params(func: &mut Function, remove: &[Vec<bool>]) -> usize {
    let dead = |b: Block, n: usize| remove.get(b.index()).and_then(|m| m.get(n)).copied().unwrap_or(false);
    if !remove.iter().any(|m| m.iter().any(|&r| r)) {
        return 0;
    }
    for pb in func.layout.clone() {
        if let Some(t) = func.terminator(pb) {
            for d in func.inst_mut(t).dests.iter_mut() {
                let b = d.block;
                let mut n = 0;
                d.args.retain(|_| {
                    n += 1;
                    !dead(b, n - 1)
                });
            }
        }
    }
    let mut removed = 0;
    for b in func.layout.clone() {
        let old = std::mem::take(&mut func.blocks[b.index()].params);
        let kept: Vec<Value> = old.iter().enumerate().filter(|(n, _)| !dead(b, *n)).map(|(_, &v)| v).collect();
        removed += old.len() - kept.len();
        for (n, &v) in kept.iter().enumerate() {
            func.values[v.index()].def = ValueDef::Param(b, n as u32);
        }
        func.blocks[b.index()].params = kept;
    }
    removed
}

/// Rewrites every use in the layout through `subst` (called on every operand and
/// branch argument). Precondition: each substitute dominates the uses it replaces.
pub fn substitute_uses(func: &mut Function, mut subst: impl FnMut(Value) -> Value) {
    let insts: Vec<Inst> = func.layout_insts().map(|(_, i)| i).collect();
    for i in insts {
        func.map_inst_uses(i, &mut subst);
    }
}

/// Takes the instructions for which `dead(inst)` holds out of the layout; returns how
/// many. Precondition: their results are unused by what remains.
pub fn remove_insts(func: &mut Function, mut dead: impl FnMut(Inst) -> bool) -> usize {
    let mut n = 0;
    for b in func.layout.clone() {
        let insts = &mut func.blocks[b.index()].insts;
        let before = insts.len();
        insts.retain(|&i| !dead(i));
        n += before - insts.len();
    }
    n
}
