//! `simplify-cfg`: folds branches that cannot choose, threads jumps through empty
//! blocks, merges straight-line blocks and removes blocks nothing reaches.
//!
//! ```text
//! block0(v0: i32):                          block0(v0: i32):
//!     v1 = iconst.i32 1                         v1 = iconst.i32 1
//!     brif v1, block1, block2                   v2 = iadd.i32 v0, v0
//! block1:                          ==>          return v2
//!     jump block3(v0)
//! block2:                                   (brif on a constant became a jump;
//!     trap unreachable                       block2 became unreachable and went;
//! block3(v9: i32):                           block1 only jumped: threaded; block3's
//!     v2 = iadd.i32 v9, v9                   only predecessor jumps to it: merged,
//!     return v2                              with v9 replaced by v0)
//! ```
//!
//! Rewrites, repeated until none applies:
//! - `brif` on an `iconst` condition, `brif` whose two targets are the same block with
//!   the same arguments, and `br_table` whose targets are all equal become `jump`.
//! - Blocks unreachable from the entry are removed from the layout.
//! - A block whose only instructions are constants and `jump T(args)` (T another block)
//!   is threaded: every branch to it goes to T directly, with the block's parameters in
//!   `args` replaced by the arguments of that branch, and each of its constants in `args`
//!   copied into the branching block, before its terminator (a `switch` whose cases only
//!   pick a value becomes one `br_table` passing constants, which the backends lower as a
//!   lookup table). Not done when the block's parameters or constants are used anywhere
//!   but its own jump. A chain of such blocks is followed to its end in
//!   one step; in a cycle of them (an infinite empty loop) one block stays and the
//!   others thread to it, so the loop stays a loop (a block jumping to itself). A
//!   branch that names the forwarder more than once (`br_table`) is not threaded when
//!   the final target takes arguments: each of its edges would need its own moves.
//!   Nor is a `brif` threaded past a forwarder that passes arguments and that other
//!   branches also reach: the backends split a `brif` edge with arguments into a block
//!   of moves and a jump, so each `brif` would get its own copy of the forwarder.
//!   A forwarder that heads a loop stays: threaded into an inner loop's header, it
//!   would merge the two loops into one.
//! - A block whose only predecessor ends in `jump` to it is appended to that
//!   predecessor (its parameters replaced by the jump's arguments).
//!
//! The entry block is never removed, threaded or merged away and stays first.
//! Counters: `branches-folded`, `jumps-threaded`, `constants-copied`, `blocks-merged`,
//! `blocks-removed`.

use crate::edit::{reachable_blocks, substitute_uses};
use crate::pass::{Changed, Pass, PassError, PassOutcome};
use crate::registry::{Make, PassArgs, PassInfo};
use std::collections::HashMap;
use wlab_ir::cfg::ControlFlowGraph;
use wlab_ir::fxhash::FxBuild;
use wlab_ir::{Block, Function, Imm, Inst, Opcode, Value, ValueDef};

pub const INFO: PassInfo = PassInfo {
    name: "simplify-cfg",
    description: "fold constant and same-target branches, thread empty jumps, merge straight-line blocks, drop unreachable blocks",
    args: &[],
    make: Make::Function(|_: &PassArgs| Ok(Box::new(SimplifyCfg))),
    idempotent: true,
};

/// See the module docs.
#[derive(Clone, Copy, Debug, Default)]
pub struct SimplifyCfg;

#[derive(Default)]
struct Counts {
    folded: u64,
    threaded: u64,
    copied: u64,
    merged: u64,
    removed: u64,
}

impl Pass for SimplifyCfg {
    fn name(&self) -> &'static str {
        INFO.name
    }

    fn run(&mut self, func: &mut Function) -> Result<PassOutcome, PassError> {
        let mut c = Counts::default();
        // Removing unreachable blocks again is a no-op unless a branch or the layout
        // changed since the last removal, so a removal (a walk over the whole CFG) runs
        // only after a step that changed something: the last round, which changes
        // nothing, costs no walk, and neither does a round whose threading found nothing.
        let mut cfg_changed = true;
        loop {
            let folded = fold_branches(func, &mut c);
            let mut progress = folded;
            if cfg_changed || folded {
                progress |= remove_unreachable(func, &mut c);
            }
            let threaded = thread_jumps(func, &mut c);
            if threaded {
                progress = true;
                remove_unreachable(func, &mut c);
            }
            let merged = merge_blocks(func, &mut c);
            progress |= merged;
            if !progress {
                break;
            }
            cfg_changed = merged;
        }
        let mut out = PassOutcome::unchanged();
        if c.folded + c.threaded + c.merged + c.removed > 0 {
            out.changed = Changed::ControlFlow;
        }
        for (name, n) in [
            ("branches-folded", c.folded),
            ("jumps-threaded", c.threaded),
            ("constants-copied", c.copied),
            ("blocks-merged", c.merged),
            ("blocks-removed", c.removed),
        ] {
            if n > 0 {
                out.count(name, n);
            }
        }
        Ok(out)
    }
}

fn fold_branches(func: &mut Function, c: &mut Counts) -> bool {
    let mut progress = false;
    for b in func.layout.clone() {
        let Some(t) = func.terminator(b) else {
            continue;
        };
        let d = func.inst(t);
        let chosen = match d.opcode {
            Opcode::Brif if d.dests.len() == 2 && d.args.len() == 1 => match func.iconst_value(d.args[0]) {
                Some(x) => Some(d.dests[if x != 0 { 0 } else { 1 }].clone()),
                None if d.dests[0] == d.dests[1] => Some(d.dests[0].clone()),
                None => None,
            },
            Opcode::BrTable if !d.dests.is_empty() && d.dests.iter().all(|x| *x == d.dests[0]) => {
                Some(d.dests[0].clone())
            }
            _ => None,
        };
        if let Some(dest) = chosen {
            let d = func.inst_mut(t);
            d.opcode = Opcode::Jump;
            d.ty = None;
            d.args.clear();
            d.imm = Imm::None;
            d.dests = vec![dest];
            c.folded += 1;
            progress = true;
        }
    }
    progress
}

fn remove_unreachable(func: &mut Function, c: &mut Counts) -> bool {
    let reach = reachable_blocks(func);
    let before = func.layout.len();
    func.layout.retain(|b| reach[b.index()]);
    let n = (before - func.layout.len()) as u64;
    c.removed += n;
    n > 0
}

/// `Some((target, args))` when `b` holds nothing but constants and `jump target(args)`.
fn forwarder(func: &Function, b: Block) -> Option<(Block, Vec<Value>)> {
    let (&jump, consts) = func.block_insts(b).split_last()?;
    if !consts.iter().all(|&i| is_constant(func, i)) {
        return None;
    }
    let d = func.inst(jump);
    if d.opcode != Opcode::Jump || d.dests.len() != 1 || d.dests[0].block == b {
        return None;
    }
    Some((d.dests[0].block, d.dests[0].args.clone()))
}

fn is_constant(func: &Function, i: Inst) -> bool {
    matches!(func.inst(i).opcode, Opcode::Iconst | Opcode::Fconst)
}

/// Where a branch to a block ends up after threading: `Stay` for a block that is not
/// threaded (not a forwarder, the entry, a forwarder whose parameters are used
/// elsewhere, or one whose chain loops back to it), else the final target and its
/// arguments, written over the block's own parameters and values that dominate it.
#[derive(Clone)]
enum Route {
    Unknown,
    InProgress,
    Stay,
    To(Block, Vec<Value>),
}

/// `args` with every parameter of `b` replaced by the matching value of `incoming`.
fn through(func: &Function, b: Block, args: &[Value], incoming: &[Value]) -> Vec<Value> {
    args.iter()
        .map(|&a| match func.value_def(a) {
            ValueDef::Param(pb, n) if pb == b && func.block_params(b).get(n as usize) == Some(&a) => {
                incoming.get(n as usize).copied().unwrap_or(a)
            }
            _ => a,
        })
        .collect()
}

/// Which blocks head a loop: the target of a retreating edge of a depth-first walk from
/// the entry (an edge to a block still on the walk's path; in a reducible CFG exactly
/// the back edges, whose target dominates their source). A forwarder that heads a loop
/// stays: threaded, its loop's back edges would go straight to the block it jumps to,
/// which, when that block heads an inner loop, makes the two loops one (the outer
/// loop's iterations become a second way round the inner one, and licm and the register
/// allocator's loop depths no longer see the nest).
fn loop_headers(func: &Function) -> Vec<bool> {
    let mut headers = vec![false; func.blocks.len()];
    let Some(entry) = func.entry() else { return headers };
    const ON_PATH: u8 = 1;
    const DONE: u8 = 2;
    let mut state = vec![0u8; func.blocks.len()];
    // The walk's path: each block with the index of its next destination to follow.
    let mut path: Vec<(Block, usize)> = vec![(entry, 0)];
    state[entry.index()] = ON_PATH;
    while let Some((b, k)) = path.last_mut() {
        let dests = func.terminator(*b).map(|t| &func.inst(t).dests[..]).unwrap_or(&[]);
        match dests.get(*k) {
            Some(d) => {
                *k += 1;
                let s = d.block;
                match state[s.index()] {
                    0 => {
                        state[s.index()] = ON_PATH;
                        path.push((s, 0));
                    }
                    ON_PATH => headers[s.index()] = true,
                    _ => {}
                }
            }
            None => {
                state[b.index()] = DONE;
                path.pop();
            }
        }
    }
    headers
}

fn thread_jumps(func: &mut Function, c: &mut Counts) -> bool {
    // How often each value is used, over the layout.
    let mut uses = vec![0u32; func.values.len()];
    for (_, i) in func.layout_insts() {
        for v in func.inst_uses(i) {
            uses[v.index()] += 1;
        }
    }
    let entry = func.entry();
    let headers = loop_headers(func);
    // A forwarder can be bypassed when its parameters and constants are used only by its
    // own jump (elsewhere they would lose their definition), and when it heads no loop.
    let threadable = |func: &Function, e: Block| -> Option<(Block, Vec<Value>)> {
        if Some(e) == entry || headers[e.index()] {
            return None;
        }
        let (target, args) = forwarder(func, e)?;
        let own_uses = |p: Value| args.iter().filter(|&&a| a == p).count() as u32;
        if func.block_params(e).iter().any(|&p| uses[p.index()] != own_uses(p)) {
            return None;
        }
        // Its constants too: a use elsewhere (dominated by it) would lose its definition.
        let mut consts = func.block_insts(e).iter().flat_map(|&i| func.inst_results(i));
        if consts.any(|&r| uses[r.index()] != own_uses(r)) {
            return None;
        }
        Some((target, args))
    };
    // Resolve every forwarder chain to its end once, from the function as it is at the
    // start (memoized, iterative so long chains do not recurse deeply). A chain that
    // comes back to a block still being resolved is a cycle of empty blocks: the block
    // it reaches stays (an infinite empty loop must stay a loop), the others thread to it.
    let mut route: Vec<Route> = vec![Route::Unknown; func.blocks.len()];
    for &b in &func.layout {
        if !matches!(route[b.index()], Route::Unknown) {
            continue;
        }
        let mut chain: Vec<(Block, Block, Vec<Value>)> = Vec::new();
        let mut e = b;
        while let Route::Unknown = route[e.index()] {
            match threadable(func, e) {
                Some((t, args)) => {
                    route[e.index()] = Route::InProgress;
                    chain.push((e, t, args));
                    e = t;
                }
                None => {
                    route[e.index()] = Route::Stay;
                    break;
                }
            }
        }
        // Unwind: each block's route is its target's route seen through its own jump.
        while let Some((e, t, args)) = chain.pop() {
            let r = match &route[t.index()] {
                Route::To(fin, fin_args) if *fin != e => Route::To(*fin, through(func, t, fin_args, &args)),
                Route::To(..) => Route::Stay,
                Route::Stay | Route::InProgress | Route::Unknown if t != e => Route::To(t, args),
                _ => Route::Stay,
            };
            route[e.index()] = r;
        }
    }
    // The constants of the forwarders that get threaded: a branch threaded past one gets
    // its own copy of each it passes on (the forwarder's do not dominate the branch).
    let mut forwarded_const = vec![false; func.values.len()];
    for &b in &func.layout {
        if let Route::To(..) = route[b.index()] {
            for &i in func.block_insts(b).iter().filter(|&&i| is_constant(func, i)) {
                for &r in func.inst_results(i) {
                    forwarded_const[r.index()] = true;
                }
            }
        }
    }
    // How many branch targets name each block, over the layout.
    let mut edges_in = vec![0u32; func.blocks.len()];
    for &b in &func.layout {
        for s in func.successors(b) {
            edges_in[s.index()] += 1;
        }
    }
    let mut progress = false;
    // How often the terminator being looked at names each block: counted per
    // terminator and reset after it, so a `br_table` with N targets costs N, not N².
    let mut naming = vec![0u32; func.blocks.len()];
    // The copies made for the terminator being looked at (reset after it).
    let mut copies: HashMap<Value, Value, FxBuild> = HashMap::default();
    for b in func.layout.clone() {
        let Some(t) = func.terminator(b) else {
            continue;
        };
        let mut changed = false;
        let mut dests = std::mem::take(&mut func.inst_mut(t).dests);
        for bc in &dests {
            naming[bc.block.index()] += 1;
        }
        let named_twice: Vec<bool> = dests.iter().map(|bc| naming[bc.block.index()] > 1).collect();
        for bc in &dests {
            naming[bc.block.index()] = 0;
        }
        let is_brif = func.inst(t).opcode == Opcode::Brif;
        for (bc, twice) in dests.iter_mut().zip(named_twice) {
            if let Route::To(fin, fin_args) = &route[bc.block.index()] {
                let new_args = through(func, bc.block, fin_args, &bc.args);
                // A forwarder that a `br_table` names several times does its moves once;
                // threaded, each of those edges would need its own copy of them.
                if twice && !new_args.is_empty() {
                    continue;
                }
                // The backends split a `brif` edge that passes arguments into a block of
                // moves and a jump: threaded past a forwarder other edges also reach, each
                // such `brif` would get its own copy of the forwarder's moves.
                if is_brif && !new_args.is_empty() && edges_in[bc.block.index()] > 1 {
                    continue;
                }
                bc.block = *fin;
                bc.args = new_args;
                for a in bc.args.iter_mut().filter(|a| forwarded_const[a.index()]) {
                    *a = *copies.entry(*a).or_insert_with(|| {
                        let ValueDef::Result(def, _) = func.value_def(*a) else { unreachable!("a constant's result") };
                        let data = func.inst(def).clone();
                        let ty = func.value_type(*a);
                        let copy = func.make_inst(data, &[ty]);
                        let insts = &mut func.blocks[b.index()].insts;
                        insts.insert(insts.len() - 1, copy);
                        c.copied += 1;
                        func.inst_results(copy)[0]
                    });
                }
                changed = true;
            }
        }
        copies.clear();
        func.inst_mut(t).dests = dests;
        if changed {
            c.threaded += 1;
            progress = true;
        }
    }
    progress
}

fn merge_blocks(func: &mut Function, c: &mut Counts) -> bool {
    // All merges of one round use the CFG from its start: a block merged away is
    // followed to the block that absorbed it (`into`), and parameter substitutions are
    // collected and applied once at the end, so a round is linear in the function.
    let cfg = ControlFlowGraph::new(func);
    let entry = func.entry();
    let mut into: Vec<Option<Block>> = vec![None; func.blocks.len()];
    let mut subst: Vec<Option<Value>> = vec![None; func.values.len()];
    let absorber = |into: &[Option<Block>], mut b: Block| {
        while let Some(p) = into[b.index()] {
            b = p;
        }
        b
    };
    let mut merged = 0u64;
    for b in func.layout.clone() {
        if Some(b) == entry {
            continue;
        }
        let [p] = cfg.preds(b) else { continue };
        let p = absorber(&into, *p);
        if p == b {
            continue;
        }
        let Some(t) = func.terminator(p) else {
            continue;
        };
        let d = func.inst(t);
        if d.opcode != Opcode::Jump || d.dests.len() != 1 || d.dests[0].block != b {
            continue;
        }
        let args = d.dests[0].args.clone();
        // Merge: drop p's jump, append b's instructions, replace b's params.
        func.blocks[p.index()].insts.pop();
        let moved = std::mem::take(&mut func.blocks[b.index()].insts);
        func.blocks[p.index()].insts.extend(moved);
        for (n, &q) in func.blocks[b.index()].params.iter().enumerate() {
            subst[q.index()] = Some(args[n]);
        }
        into[b.index()] = Some(p);
        merged += 1;
    }
    if merged == 0 {
        return false;
    }
    let limit = func.values.len();
    substitute_uses(func, |mut v| {
        // Chase: an argument may itself be a parameter merged away later.
        for _ in 0..limit {
            match subst[v.index()] {
                Some(w) => v = w,
                None => break,
            }
        }
        v
    });
    func.layout.retain(|x| into[x.index()].is_none());
    c.merged += merged;
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{body, run_checked, B};
    use crate::validate::check_equivalent;
    use wlab_ir::{TrapCode, Type};

    /// The function in `text` after the pass (checked to behave as before), as text.
    fn simplified(text: &str) -> String {
        let mut f = wlab_ir::parse::parse_function(text).expect("parses");
        let before = f.clone();
        let (_, out) = run_checked(&mut SimplifyCfg, &mut f);
        check_equivalent(&before, &f, 64).expect("same behaviour");
        out
    }

    #[test]
    fn brifs_sharing_a_forwarder_that_passes_arguments_keep_it() {
        // block3 passes arguments and two brifs reach it: threaded, each brif edge would
        // be split into its own block of the same moves. block4 is reached once: threaded.
        let text = "function \"t\"(i32, i32) -> i32 {
block0(v0: i32, v1: i32):
    brif v0, block3, block1

block1:
    brif v1, block3, block2

block2:
    brif v1, block4, block5(v1, v0)

block3:
    jump block5(v0, v1)

block4:
    jump block5(v1, v1)

block5(v2: i32, v3: i32):
    v4 = isub.i32 v2, v3
    return v4
}
";
        let text = simplified(text);
        let body = body(&text);
        assert!(body.contains(&"brif v0, block3, block1".to_string()), "{text}");
        assert!(body.contains(&"brif v1, block3, block2".to_string()), "{text}");
        assert!(body.contains(&"brif v1, block5(v1, v1), block5(v1, v0)".to_string()), "{text}");
    }

    #[test]
    fn br_table_naming_a_forwarder_twice_keeps_it_when_it_passes_arguments() {
        let text = "function \"t\"(i32, i32) -> i32 {
block0(v0: i32, v1: i32):
    br_table v0, block1, [block1, block2, block1]

block1:
    jump block3(v0, v1)

block2:
    jump block3(v1, v0)

block3(v2: i32, v3: i32):
    v4 = isub.i32 v2, v3
    return v4
}
";
        let text = simplified(text);
        // block2 is named once: threaded; block1 (named three times) does its moves once.
        assert!(body(&text).contains(&"br_table v0, block1, [block1, block3(v1, v0), block1]".to_string()), "{text}");
    }

    #[test]
    fn folds_threads_merges_and_removes() {
        let (mut b, p) = B::new(&[Type::I32], &[Type::I32]);
        let b0 = b.b(0);
        let (b1, _) = b.block(&[]);
        let (b2, _) = b.block(&[]);
        let (b3, q) = b.block(&[Type::I32]);
        let one = b.iconst(b0, Type::I32, 1);
        b.brif(b0, one, (b1, &[]), (b2, &[]));
        b.jump(b1, b3, &[p[0]]);
        b.f.terminate(b2, Opcode::Trap, vec![], Imm::Trap(TrapCode::Unreachable), vec![]);
        let s = b.op(b3, Opcode::Iadd, Type::I32, &[q[0], q[0]]);
        b.ret(b3, &[s]);
        let before = b.f.clone();
        let (out, text) = run_checked(&mut SimplifyCfg, &mut b.f);
        assert_eq!(out.changed, Changed::ControlFlow);
        assert_eq!(
            body(&text),
            ["block0(v0: i32):", "v2 = iconst.i32 1", "v3 = iadd.i32 v0, v0", "return v3"],
            "{text}"
        );
        check_equivalent(&before, &b.f, 32).expect("same behaviour");
    }

    #[test]
    fn threads_params_through_empty_block_into_loop() {
        // block1(x) only jumps to the loop header block3 with (x, v0): block0's branch
        // goes to block3 directly with x replaced by what block0 passed.
        let (mut b, p) = B::new(&[Type::I32], &[Type::I32]);
        let b0 = b.b(0);
        let (b1, x) = b.block(&[Type::I32]);
        let (b2, _) = b.block(&[]);
        let (b3, h) = b.block(&[Type::I32, Type::I32]);
        let (b4, _) = b.block(&[]);
        let k = b.iconst(b0, Type::I32, 3);
        let z = b.iconst(b0, Type::I32, 0);
        b.brif(b0, p[0], (b1, &[k]), (b2, &[]));
        b.jump(b1, b3, &[x[0], p[0]]);
        let y = b.op(b2, Opcode::Clz, Type::I32, &[p[0]]);
        b.jump(b2, b3, &[y, y]);
        let dec = b.op(b3, Opcode::Isub, Type::I32, &[h[0], k]);
        let acc = b.op(b3, Opcode::Iadd, Type::I32, &[h[1], dec]);
        let c = b.icmp(b3, wlab_ir::IntCC::Sgt, Type::I32, dec, z);
        b.brif(b3, c, (b3, &[dec, acc]), (b4, &[]));
        b.ret(b4, &[acc]);
        let before = b.f.clone();
        let (out, text) = run_checked(&mut SimplifyCfg, &mut b.f);
        assert_eq!(out.counters.get("jumps-threaded"), Some(&1), "{text}");
        assert!(text.contains("brif v0, block3(v4, v0), block2"), "{text}");
        check_equivalent(&before, &b.f, 32).expect("same behaviour");
    }

    #[test]
    fn threads_a_chain_of_forwarders_in_one_step() {
        // block0 branches to block1(v0), which forwards through block2 and block3 to
        // block4: both branches of block0 go straight to their final targets.
        let (mut b, p) = B::new(&[Type::I32], &[Type::I32]);
        let b0 = b.b(0);
        let (b1, x) = b.block(&[Type::I32]);
        let (b2, y) = b.block(&[Type::I32]);
        let (b3, z) = b.block(&[Type::I32]);
        let (b4, w) = b.block(&[Type::I32]);
        let (b5, _) = b.block(&[]);
        b.brif(b0, p[0], (b1, &[p[0]]), (b5, &[]));
        b.jump(b1, b2, &[x[0]]);
        b.jump(b2, b3, &[y[0]]);
        b.jump(b3, b4, &[z[0]]);
        let s = b.op(b4, Opcode::Clz, Type::I32, &[w[0]]);
        b.ret(b4, &[s]);
        b.jump(b5, b3, &[p[0]]);
        let before = b.f.clone();
        let mut f = b.f.clone();
        let mut c = Counts::default();
        assert!(thread_jumps(&mut f, &mut c));
        let text = wlab_ir::print_function(&f);
        assert!(text.contains("brif v0, block4(v0), block4(v0)"), "{text}");
        let (_, text) = run_checked(&mut SimplifyCfg, &mut b.f);
        assert_eq!(body(&text), ["block0(v0: i32):", "v5 = clz.i32 v0", "return v5"], "{text}");
        check_equivalent(&before, &b.f, 32).expect("same behaviour");
    }

    #[test]
    fn keeps_an_outer_loop_header_that_only_jumps_to_the_inner_one() {
        // block1 heads the outer loop (block3 branches back to it) and only jumps to
        // block2, the inner loop's header. Threaded, block3's back edge would go to block2
        // and the two loops would be one: block1 stays.
        let text = simplified(
            "function \"nest\"(i32) -> i32 {
block0(v0: i32):
    v1 = iconst.i32 31
    v2 = band.i32 v0, v1
    v3 = iconst.i32 0
    jump block1(v2, v3)

block1(v4: i32, v5: i32):
    jump block2(v4, v5)

block2(v6: i32, v7: i32):
    v8 = iadd.i32 v7, v6
    v9 = iconst.i32 1
    v10 = isub.i32 v6, v9
    v11 = iconst.i32 3
    v12 = band.i32 v10, v11
    brif v12, block2(v10, v8), block3

block3:
    brif v10, block1(v10, v8), block4

block4:
    return v8
}",
        );
        assert!(text.contains("block1(v4: i32, v5: i32):\n    jump block2(v4, v5)"), "{text}");
        assert!(text.contains("brif v10, block1(v10, v8), block4"), "{text}");
    }

    #[test]
    fn keeps_an_infinite_empty_loop() {
        // block1 -> block2 -> block3 -> block1, all empty: one block stays, jumping to
        // itself, and a second run changes nothing.
        let (mut b, p) = B::new(&[Type::I32], &[Type::I32]);
        let b0 = b.b(0);
        let (b1, _) = b.block(&[]);
        let (b2, _) = b.block(&[]);
        let (b3, _) = b.block(&[]);
        let (b4, _) = b.block(&[]);
        b.brif(b0, p[0], (b1, &[]), (b4, &[]));
        b.jump(b1, b2, &[]);
        b.jump(b2, b3, &[]);
        b.jump(b3, b1, &[]);
        b.ret(b4, &[p[0]]);
        let before = b.f.clone();
        let (out, text) = run_checked(&mut SimplifyCfg, &mut b.f);
        assert_eq!(out.changed, Changed::ControlFlow);
        let loops = body(&text).iter().filter(|l| l.starts_with("jump block")).count();
        assert_eq!(loops, 1, "{text}");
        let (out, _) = run_checked(&mut SimplifyCfg, &mut b.f);
        assert_eq!(out.changed, Changed::Nothing);
        check_equivalent(&before, &b.f, 32).expect("same behaviour");
    }

    #[test]
    fn leaves_a_real_diamond_alone() {
        let (mut b, p) = B::new(&[Type::I32], &[Type::I32]);
        let b0 = b.b(0);
        let (b1, _) = b.block(&[]);
        let (b2, _) = b.block(&[]);
        let (b3, q) = b.block(&[Type::I32]);
        b.brif(b0, p[0], (b1, &[]), (b2, &[]));
        let x = b.op(b1, Opcode::Clz, Type::I32, &[p[0]]);
        b.jump(b1, b3, &[x]);
        let y = b.op(b2, Opcode::Ctz, Type::I32, &[p[0]]);
        b.jump(b2, b3, &[y]);
        b.ret(b3, &[q[0]]);
        let (out, _) = run_checked(&mut SimplifyCfg, &mut b.f);
        assert_eq!(out.changed, Changed::Nothing);
    }
}
