//! `copy-prop`: copy propagation, through `copy` instructions and through block
//! parameters that always receive the same value.
//!
//! ```text
//! block0(v0: i32):                      block0(v0: i32):
//!     v1 = copy.i32 v0                      jump block1
//!     jump block1(v1)          ==>      block1:
//! block1(v2: i32):                          v3 = iadd.i32 v0, v0
//!     v3 = iadd.i32 v2, v1                  brif v3, block1, block2
//!     brif v3, block1(v2), block2       block2:
//! block2:                                   return v0
//!     return v2
//! ```
//!
//! A parameter is replaced when every branch to its block passes the same value `v`,
//! ignoring branches that pass the parameter itself (a loop that carries it around
//! unchanged); `v` then dominates the block. Only blocks reachable from the entry are
//! simplified (dominance means nothing elsewhere), and the entry block's parameters are
//! the function's and never change. Replacing one parameter can make another trivial:
//! a worklist looks again at exactly the parameters a replaced one is passed to, so one
//! run finds everything, in time linear in the branch arguments.
//! This pass never removes anything but copies and the parameters it replaced.

use crate::edit::{incoming_edges, reachable_blocks, remove_block_params, remove_insts, substitute_uses};
use crate::pass::{Changed, Pass, PassError, PassOutcome};
use crate::registry::{ArgSpec, ArgType, Make, PassArgs, PassInfo};
use wlab_ir::{Block, Function, Opcode, Value};

pub const INFO: PassInfo = PassInfo {
    name: "copy-prop",
    description: "replace copies and block parameters that always receive the same value by that value",
    args: &[ArgSpec {
        name: "block-params",
        ty: ArgType::Bool,
        default: "true",
        doc: "also replace block parameters that always receive the same value",
    }],
    make: Make::Function(|args: &PassArgs| Ok(Box::new(CopyProp { block_params: args.bool("block-params")? }))),
    idempotent: true,
};

/// See the module docs.
#[derive(Clone, Debug)]
pub struct CopyProp {
    pub block_params: bool,
}

impl Default for CopyProp {
    fn default() -> Self {
        CopyProp { block_params: true }
    }
}

/// Union-find over values: `alias[v] == v` when `v` stands for itself.
struct Aliases(Vec<Value>);

impl Aliases {
    fn find(&mut self, v: Value) -> Value {
        let mut root = v;
        while self.0[root.index()] != root {
            root = self.0[root.index()];
        }
        let mut cur = v;
        while self.0[cur.index()] != root {
            let next = self.0[cur.index()];
            self.0[cur.index()] = root;
            cur = next;
        }
        root
    }
}

impl Pass for CopyProp {
    fn name(&self) -> &'static str {
        INFO.name
    }

    fn run(&mut self, func: &mut Function) -> Result<PassOutcome, PassError> {
        let mut alias = Aliases((0..func.values.len()).map(Value::new).collect());
        let mut copies = 0u64;
        let mut params = 0u64;
        // The values that stand for the same root, as circular lists: `next[v]` is the
        // next member of `v`'s class.
        let mut next: Vec<Value> = (0..func.values.len()).map(Value::new).collect();

        for (_, i) in func.layout_insts() {
            let d = func.inst(i);
            if d.opcode == Opcode::Copy {
                if let (Some(&r), Some(&a)) = (d.results.first(), d.args.first()) {
                    let a = alias.find(a);
                    alias.0[r.index()] = a;
                    if r != a {
                        next.swap(r.index(), a.index());
                    }
                    copies += 1;
                }
            }
        }

        let mut dead_params: Vec<Vec<bool>> = func.blocks.iter().map(|b| vec![false; b.params.len()]).collect();
        if self.block_params {
            let reachable = reachable_blocks(func);
            let incoming = incoming_edges(func);
            let entry = func.entry();
            // feeds[starts[v]..starts[v + 1]]: the parameters (block, number) that value `v`
            // is passed to, over the reachable layout blocks.
            let nv = func.values.len();
            let mut starts = vec![0usize; nv + 1];
            for &b in &func.layout {
                if !reachable[b.index()] {
                    continue;
                }
                if let Some(t) = func.terminator(b) {
                    for bc in &func.inst(t).dests {
                        for &a in &bc.args {
                            starts[a.index() + 1] += 1;
                        }
                    }
                }
            }
            for v in 0..nv {
                starts[v + 1] += starts[v];
            }
            let mut fill = starts.clone();
            let mut feeds: Vec<(Block, u32)> = vec![(Block::new(0), 0); starts[nv]];
            for &b in &func.layout {
                if !reachable[b.index()] {
                    continue;
                }
                if let Some(t) = func.terminator(b) {
                    for bc in &func.inst(t).dests {
                        for (n, &a) in bc.args.iter().enumerate() {
                            feeds[fill[a.index()]] = (bc.block, n as u32);
                            fill[a.index()] += 1;
                        }
                    }
                }
            }
            // Every parameter is looked at once in layout order, and again whenever a
            // value passed to it is replaced (that can make it trivial); each
            // replacement happens once, so the work is linear in the branch arguments
            // (times the size of the replaced value's class of copies, small in practice).
            let mut work: Vec<(Block, u32)> = Vec::new();
            for &b in func.layout.iter().rev() {
                if Some(b) == entry || !reachable[b.index()] {
                    continue;
                }
                for n in (0..func.block_params(b).len()).rev() {
                    work.push((b, n as u32));
                }
            }
            while let Some((b, n)) = work.pop() {
                let n = n as usize;
                if Some(b) == entry || !reachable[b.index()] || dead_params[b.index()][n] {
                    continue;
                }
                let p = func.block_params(b)[n];
                let mut same: Option<Value> = None;
                let mut trivial = true;
                for &(t, k) in &incoming[b.index()] {
                    let Some(&arg) = func.inst(t).dests[k].args.get(n) else {
                        trivial = false;
                        break;
                    };
                    let a = alias.find(arg);
                    if a == p {
                        continue;
                    }
                    match same {
                        None => same = Some(a),
                        Some(s) if s == a => {}
                        Some(_) => {
                            trivial = false;
                            break;
                        }
                    }
                }
                if let (true, Some(v)) = (trivial, same) {
                    alias.0[p.index()] = v;
                    dead_params[b.index()][n] = true;
                    params += 1;
                    // Every value that stood for `p` now stands for `v`: look again at
                    // the parameters they are passed to, then join the classes.
                    let mut m = p;
                    loop {
                        work.extend(feeds[starts[m.index()]..starts[m.index() + 1]].iter().rev().copied());
                        m = next[m.index()];
                        if m == p {
                            break;
                        }
                    }
                    next.swap(p.index(), v.index());
                }
            }
        }

        if copies == 0 && params == 0 {
            return Ok(PassOutcome::unchanged());
        }
        substitute_uses(func, |v| alias.find(v));
        let is_copy: Vec<bool> = func.insts.iter().map(|d| d.opcode == Opcode::Copy).collect();
        let removed_copies = remove_insts(func, |i| is_copy[i.index()]);
        debug_assert_eq!(removed_copies as u64, copies);
        remove_block_params(func, &dead_params);
        let mut out = PassOutcome { changed: Changed::Instructions, ..PassOutcome::unchanged() };
        if copies > 0 {
            out.count("removed-copies", copies);
        }
        if params > 0 {
            out.count("removed-params", params);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{body, run_checked, B};
    use wlab_ir::Type::I32;

    #[test]
    fn copies_and_pass_through_params_disappear() {
        let (mut b, v) = B::new(&[I32], &[I32]);
        let b0 = b.b(0);
        let (b1, p) = b.block(&[I32]);
        let (b2, _) = b.block(&[]);
        let c = b.op(b0, Opcode::Copy, I32, &[v[0]]);
        b.jump(b0, b1, &[c]);
        let s = b.op(b1, Opcode::Iadd, I32, &[p[0], c]);
        b.brif(b1, s, (b1, &[p[0]]), (b2, &[]));
        b.ret(b2, &[p[0]]);
        let (out, text) = run_checked(&mut CopyProp::default(), &mut b.f);
        assert_eq!(out.changed, Changed::Instructions);
        assert_eq!(out.counters.get("removed-copies"), Some(&1));
        assert_eq!(out.counters.get("removed-params"), Some(&1));
        assert_eq!(
            body(&text),
            [
                "block0(v0: i32):",
                "jump block1",
                "block1:",
                "v3 = iadd.i32 v0, v0",
                "brif v3, block1, block2",
                "block2:",
                "return v0"
            ]
        );
    }

    #[test]
    fn params_with_different_incoming_values_stay() {
        let (mut b, v) = B::new(&[I32], &[I32]);
        let b0 = b.b(0);
        let (b1, p) = b.block(&[I32]);
        let (b2, _) = b.block(&[]);
        let one = b.iconst(b0, I32, 1);
        b.jump(b0, b1, &[v[0]]);
        let s = b.op(b1, Opcode::Iadd, I32, &[p[0], one]);
        b.brif(b1, s, (b1, &[s]), (b2, &[]));
        b.ret(b2, &[p[0]]);
        let (out, _) = run_checked(&mut CopyProp::default(), &mut b.f);
        assert_eq!(out.changed, Changed::Nothing);
    }

    #[test]
    fn chains_of_trivial_params_resolve_in_one_run() {
        // block1(p) gets v0 from entry and q from block2; block2(q) gets p only:
        // q == p, so p == v0.
        let (mut b, v) = B::new(&[I32], &[I32]);
        let b0 = b.b(0);
        let (b1, p) = b.block(&[I32]);
        let (b2, q) = b.block(&[I32]);
        let (b3, _) = b.block(&[]);
        b.jump(b0, b1, &[v[0]]);
        b.brif(b1, p[0], (b2, &[p[0]]), (b3, &[]));
        b.jump(b2, b1, &[q[0]]);
        b.ret(b3, &[p[0]]);
        let (out, text) = run_checked(&mut CopyProp::default(), &mut b.f);
        assert_eq!(out.counters.get("removed-params"), Some(&2), "{text}");
        assert!(text.contains("brif v0, block2, block3"), "{text}");
    }
}
