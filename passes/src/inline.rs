//! `inline`: a module pass that replaces direct calls to the module's own small
//! functions by a copy of the callee's body.
//!
//! ```text
//! before (caller)                       after
//! block0(v0: i32):                      block0(v0: i32):
//!     v1 = call fn1(v0)                     jump block1(v0)          ; arguments: block params
//!     v2 = iadd.i32 v1, v0              block1(v3: i32):             ; the callee's entry, copied
//!     return v2                             v4 = iconst.i32 1
//!                                           v5 = iadd.i32 v3, v4
//! callee fn1:                               jump block2(v5)          ; its `return`: a jump
//! block0(v0: i32):                      block2(v1: i32):             ; the rest of the caller's block
//!     v1 = iconst.i32 1                     v2 = iadd.i32 v1, v0
//!     v2 = iadd.i32 v0, v1                  return v2
//!     return v2
//! ```
//!
//! Order: bottom-up over the call graph's strongly connected components (Tarjan's
//! algorithm emits a component after every component it calls), so a callee is already
//! in its final, inlined form when its callers are visited. A call is inlined when:
//! - it is a direct `call` of a function whose body is in the module (not an import, not
//!   a function that failed to translate, not `call_indirect`);
//! - the callee is in another component: recursive calls (to the function itself or to
//!   any function of its cycle) are never inlined, so inlining always terminates;
//! - the callee's weighted size ([`inline_cost`]) is at most `max-callee-insts`, and the
//!   caller stays at or below `max-caller-insts` instructions after the copy.
//!
//! Weighted size: an instruction counts 1, a direct call of a function with a body
//! [`LOCAL_CALL_COST`], and a call that goes through the runtime (an import, a function
//! without a body here, `call_indirect`) [`RUNTIME_CALL_COST`]: what the call costs in
//! machine code. Measured on `../shared/bench` (notes/inline.md): inlining the small
//! wrappers of libc around a WASI import copied the import's libcall sequence (about a
//! dozen x86-64 instructions) into every caller.
//!
//! Only the call sites the caller had before the pass are candidates: calls inside a
//! copied body were already decided when the callee was visited.
//!
//! What stays the same: traps (the copied code traps with the same codes), memory,
//! globals and tables (the copy reads and writes the same ones, in the same order).
//! What changes: an inlined call has no frame of its own. The stack-depth limit counts
//! frames (interpreter) or stack bytes (native code), so a chain of calls that overflowed
//! only because of inlined frames may now fit; recursion itself is never inlined, so
//! deep or unbounded recursion still reaches the limit and traps.
//!
//! Counters: `inlined` (calls replaced), `callers-grown` (functions that received a
//! copy), `skipped-recursive`, `skipped-callee-too-big`, `skipped-caller-too-big`,
//! `skipped-no-body`. Notes: one line per grown function, with its size before and
//! after. This pass never inlines `call_indirect` and never changes a function's
//! signature.

use crate::pass::{Changed, ModuleOutcome, ModulePass, PassError};
use crate::registry::{ArgSpec, ArgType, Make, PassArgs, PassInfo};
use std::collections::HashMap;
use wlab_ir::instructions::{BlockCall, InstData};
use wlab_ir::{Block, Function, Imm, Inst, Opcode, Value, ValueDef};

pub const INFO: PassInfo = PassInfo {
    name: "inline",
    description: "inline small direct calls to the module's own functions, bottom-up over the call graph",
    args: &[
        ArgSpec {
            name: "max-callee-insts",
            ty: ArgType::Int,
            default: "12",
            doc:
                "inline a callee whose weighted size (IR instructions, calls counted as what they cost) is at most this",
        },
        ArgSpec {
            name: "max-caller-insts",
            ty: ArgType::Int,
            default: "2000",
            doc: "never grow a caller past this many IR instructions",
        },
    ],
    make: Make::Module(|args: &PassArgs| {
        Ok(Box::new(Inline {
            max_callee_insts: args.int_in("max-callee-insts", 0, 1_000_000)? as usize,
            max_caller_insts: args.int_in("max-caller-insts", 0, 10_000_000)? as usize,
        }))
    }),
    idempotent: false,
};

/// See the module docs.
#[derive(Clone, Copy, Debug)]
pub struct Inline {
    pub max_callee_insts: usize,
    pub max_caller_insts: usize,
}

impl ModulePass for Inline {
    fn name(&self) -> &'static str {
        INFO.name
    }

    fn run(&mut self, funcs: &mut [Function]) -> Result<ModuleOutcome, PassError> {
        let mut out = ModuleOutcome::default();
        let by_index: HashMap<u32, usize> =
            funcs.iter().enumerate().filter_map(|(k, f)| f.wasm_index.map(|i| (i, k))).collect();
        let graph: Vec<Vec<usize>> = funcs.iter().map(|f| direct_callees(f, &by_index)).collect();
        let components = strongly_connected_components(&graph);
        let mut component_of = vec![0; funcs.len()];
        for (c, members) in components.iter().enumerate() {
            for &k in members {
                component_of[k] = c;
            }
        }
        for members in &components {
            for &caller in members {
                let size_before = funcs[caller].num_layout_insts();
                let inlined = self.inline_into(funcs, caller, &by_index, &component_of, &mut out);
                if inlined > 0 {
                    out.count("callers-grown", 1);
                    out.changed.insert(caller, Changed::ControlFlow);
                    let f = &funcs[caller];
                    out.notes.push(format!(
                        "{}: inlined {inlined} calls, {size_before} -> {} instructions",
                        f.name,
                        f.num_layout_insts()
                    ));
                }
            }
        }
        Ok(out)
    }
}

impl Inline {
    /// Inlines what the rules allow into `funcs[caller]`; returns how many calls.
    fn inline_into(
        &self,
        funcs: &mut [Function],
        caller: usize,
        by_index: &HashMap<u32, usize>,
        component_of: &[usize],
        out: &mut ModuleOutcome,
    ) -> u64 {
        let sites: Vec<Inst> = {
            let f = &funcs[caller];
            f.layout_insts().filter(|&(_, i)| f.inst(i).opcode == Opcode::Call).map(|(_, i)| i).collect()
        };
        let mut size = funcs[caller].num_layout_insts();
        let mut inlined = 0;
        let mut inlined_indices = Vec::new();
        for call in sites {
            let Imm::Func(index) = funcs[caller].inst(call).imm else { continue };
            let Some(&callee) = by_index.get(&index) else {
                out.count("skipped-no-body", 1);
                continue;
            };
            if component_of[callee] == component_of[caller] {
                out.count("skipped-recursive", 1);
                continue;
            }
            if inline_cost(&funcs[callee], by_index) > self.max_callee_insts {
                out.count("skipped-callee-too-big", 1);
                continue;
            }
            // The copy adds the callee's instructions and a jump in place of the call.
            let callee_size = funcs[callee].num_layout_insts();
            if size + callee_size > self.max_caller_insts {
                out.count("skipped-caller-too-big", 1);
                continue;
            }
            let body = funcs[callee].clone();
            inline_call(&mut funcs[caller], call, &body);
            inlined_indices.push(index);
            size = funcs[caller].num_layout_insts();
            inlined += 1;
            out.count("inlined", 1);
        }
        if inlined > 0 {
            drop_declarations_of_inlined_callees(&mut funcs[caller], &inlined_indices);
        }
        inlined
    }
}

/// What a direct call of a function with a body counts in [`inline_cost`]: the call
/// and the moves of its arguments and results.
pub const LOCAL_CALL_COST: usize = 4;
/// What a call through the runtime counts in [`inline_cost`] (an import or
/// `call_indirect`: on x86-64 the arguments are stored, the libcall made, its trap
/// status tested and the heap base reloaded).
pub const RUNTIME_CALL_COST: usize = 12;

/// The weighted size of `f` (see the module docs): the measure `max-callee-insts` bounds.
pub fn inline_cost(f: &Function, by_index: &HashMap<u32, usize>) -> usize {
    f.layout_insts()
        .map(|(_, i)| match (f.inst(i).opcode, f.inst(i).imm) {
            (Opcode::Call, Imm::Func(k)) if by_index.contains_key(&k) => LOCAL_CALL_COST,
            (Opcode::Call, _) | (Opcode::CallIndirect, _) => RUNTIME_CALL_COST,
            _ => 1,
        })
        .sum()
}

/// The positions in `funcs` of the functions `f` calls directly, each once, in order.
fn direct_callees(f: &Function, by_index: &HashMap<u32, usize>) -> Vec<usize> {
    let mut out: Vec<usize> = f
        .layout_insts()
        .filter_map(|(_, i)| match (f.inst(i).opcode, f.inst(i).imm) {
            (Opcode::Call, Imm::Func(index)) => by_index.get(&index).copied(),
            _ => None,
        })
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// Tarjan's algorithm, iterative (call graphs of real programs are deep). Returns the
/// components in the order Tarjan emits them: every component after all the components
/// its members call. Members of a component are listed in ascending order.
pub fn strongly_connected_components(graph: &[Vec<usize>]) -> Vec<Vec<usize>> {
    const UNSEEN: usize = usize::MAX;
    let n = graph.len();
    let mut index = vec![UNSEEN; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut next = 0;
    let mut out = Vec::new();
    for root in 0..n {
        if index[root] != UNSEEN {
            continue;
        }
        // (node, next edge to look at)
        let mut work = vec![(root, 0usize)];
        index[root] = next;
        low[root] = next;
        next += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(&mut (v, ref mut edge)) = work.last_mut() {
            if let Some(&w) = graph[v].get(*edge) {
                *edge += 1;
                if index[w] == UNSEEN {
                    index[w] = next;
                    low[w] = next;
                    next += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == index[v] {
                let mut members = Vec::new();
                loop {
                    let w = stack.pop().expect("v is on the stack");
                    on_stack[w] = false;
                    members.push(w);
                    if w == v {
                        break;
                    }
                }
                members.sort_unstable();
                out.push(members);
            }
        }
    }
    out
}

/// Replaces `call` (a direct call in `f`'s layout) by a copy of `callee`'s body: the
/// call's block is cut after the call; the part before jumps to the copied entry with
/// the call's arguments; every copied `return` jumps to the part after, whose block
/// parameters are the call's former results (so their uses need no rewriting).
pub fn inline_call(f: &mut Function, call: Inst, callee: &Function) {
    let (pos, at) = f
        .layout
        .iter()
        .enumerate()
        .find_map(|(p, &b)| f.block_insts(b).iter().position(|&i| i == call).map(|k| (p, k)))
        .expect("the call is in the layout");
    let block = f.layout[pos];
    // The rest of the block, after the call, becomes `cont`; the call's results become
    // its parameters.
    let cont = f.create_block();
    let rest = f.blocks[block.index()].insts.split_off(at + 1);
    f.blocks[block.index()].insts.pop();
    f.blocks[cont.index()].insts = rest;
    let results = std::mem::take(&mut f.inst_mut(call).results);
    for (n, &r) in results.iter().enumerate() {
        f.values[r.index()].def = ValueDef::Param(cont, n as u32);
    }
    f.blocks[cont.index()].params = results;
    let args = std::mem::take(&mut f.inst_mut(call).args);

    // Copy the callee: blocks (with fresh parameters) first, then instructions with
    // fresh results, then operands and targets, since a value may be used in layout
    // before the block that defines it.
    let mut block_map: HashMap<Block, Block> = HashMap::new();
    let mut value_map: HashMap<Value, Value> = HashMap::new();
    let mut new_blocks = Vec::new();
    for &cb in &callee.layout {
        let nb = f.create_block();
        block_map.insert(cb, nb);
        for &p in callee.block_params(cb) {
            let np = f.append_block_param(nb, callee.value_type(p));
            value_map.insert(p, np);
        }
        new_blocks.push(nb);
    }
    let mut copied = Vec::new();
    for &cb in &callee.layout {
        let nb = block_map[&cb];
        for &ci in callee.block_insts(cb) {
            let d = callee.inst(ci);
            let types: Vec<_> = d.results.iter().map(|&r| callee.value_type(r)).collect();
            let data = if d.opcode == Opcode::Return {
                let mut j = InstData::new(Opcode::Jump, None, Vec::new(), Imm::None);
                j.dests = vec![BlockCall::new(cont, d.args.clone())];
                j.srcloc = d.srcloc;
                j
            } else {
                d.clone()
            };
            let ni = f.append_inst(nb, data, &types);
            for (&old, &new) in d.results.iter().zip(f.inst_results(ni)) {
                value_map.insert(old, new);
            }
            copied.push((ni, d.opcode == Opcode::Return));
        }
    }
    for (ni, was_return) in copied {
        f.map_inst_uses(ni, |v| value_map.get(&v).copied().unwrap_or(v));
        // A former `return` already targets `cont`, a block of `f`; every other target
        // is a block of the callee.
        if !was_return {
            for d in f.inst_mut(ni).dests.iter_mut() {
                d.block = block_map[&d.block];
            }
        }
    }
    let entry = block_map[&callee.entry().expect("a callee with a body has an entry")];
    let mut jump = InstData::new(Opcode::Jump, None, Vec::new(), Imm::None);
    jump.dests = vec![BlockCall::new(entry, args)];
    jump.srcloc = f.inst(call).srcloc;
    f.append_inst(block, jump, &[]);

    let mut at_layout = pos + 1;
    for nb in new_blocks {
        f.layout.insert(at_layout, nb);
        at_layout += 1;
    }
    f.layout.insert(at_layout, cont);

    for (&k, sig) in &callee.callees {
        if let std::collections::btree_map::Entry::Vacant(e) = f.callees.entry(k) {
            e.insert(sig.clone());
            if callee.no_memory_writes.contains(&k) {
                f.no_memory_writes.insert(k);
            }
        }
    }
    for (&k, sig) in &callee.types {
        f.types.entry(k).or_insert_with(|| sig.clone());
    }
}

/// Drops the `callees` declaration of each function in `inlined` that `f` no longer
/// names (calls it or takes a reference to it); every other declaration stays.
fn drop_declarations_of_inlined_callees(f: &mut Function, inlined: &[u32]) {
    let named: std::collections::BTreeSet<u32> = f
        .layout_insts()
        .filter_map(|(_, i)| match f.inst(i).imm {
            Imm::Func(k) => Some(k),
            _ => None,
        })
        .collect();
    for k in inlined {
        if !named.contains(k) {
            f.callees.remove(k);
            f.no_memory_writes.remove(k);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_come_after_the_components_they_call() {
        // 0 -> 1 -> 2 -> 1 (cycle 1,2), 0 -> 3, 4 alone calling itself.
        let g = vec![vec![1, 3], vec![2], vec![1], vec![], vec![4]];
        let c = strongly_connected_components(&g);
        let pos = |k: usize| c.iter().position(|m| m.contains(&k)).unwrap();
        assert!(c.contains(&vec![1, 2]));
        assert!(pos(1) < pos(0) && pos(3) < pos(0));
        assert_eq!(c.len(), 4);
    }

    const MODULE: &str = "function fn0 \"divmod\"(i32, i32) -> (i32, i32) {
block0(v0: i32, v1: i32):
    v2 = udiv.i32 v0, v1
    v3 = urem.i32 v0, v1
    return v2, v3
}

function fn1 \"caller\"(i32, i32) -> i32 {
    fn0 = (i32, i32) -> (i32, i32)

block0(v0: i32, v1: i32):
    v2, v3 = call fn0(v0, v1)
    v4 = iadd.i32 v2, v3
    v5 = iconst.i32 3
    v6, v7 = call fn0(v1, v5)
    v8 = imul.i32 v6, v7
    v9 = iadd.i32 v4, v8
    return v9
}
";

    fn inline_module(pipeline: &str) -> (Vec<Function>, crate::manager::ModulePassRun) {
        let mut funcs = wlab_ir::parse::parse_functions(MODULE).unwrap();
        let p = crate::Pipeline::parse(pipeline).unwrap();
        let crate::pipeline::Step::Pass(step) = &p.steps[0] else { panic!("a pass") };
        let opts = crate::ManagerOptions::default();
        let run = crate::manager::run_module_pass(&mut funcs, step, "0", &opts).unwrap();
        (funcs, run)
    }

    #[test]
    fn small_callee_is_copied_and_results_arrive_as_block_params() {
        let (funcs, run) = inline_module("inline");
        let caller = &funcs[1];
        assert!(caller.layout_insts().all(|(_, i)| caller.inst(i).opcode != Opcode::Call));
        assert!(caller.callees.is_empty(), "the inlined callee's declaration is dropped");
        assert_eq!(run.counters.get("inlined"), Some(&2));
        assert_eq!(run.changed_functions, ["caller"]);
        assert_eq!(
            run.to_string(),
            "inline: changed 1 functions; callers-grown=1 inlined=2\n  caller: inlined 2 calls, 7 -> 13 instructions"
        );
        // The callee itself is unchanged.
        assert_eq!(funcs[0], wlab_ir::parse::parse_functions(MODULE).unwrap()[0]);
    }

    #[test]
    fn thresholds_bound_callee_and_caller() {
        let (_, run) = inline_module("inline(max-callee-insts=2)");
        assert_eq!(run.counters.get("skipped-callee-too-big"), Some(&2));
        assert!(run.changed_functions.is_empty());
        // 7 + 3 fits in 10, the second copy would not.
        let (funcs, run) = inline_module("inline(max-caller-insts=10)");
        assert_eq!((run.counters.get("inlined"), run.counters.get("skipped-caller-too-big")), (Some(&1), Some(&1)));
        assert!(funcs[1].callees.contains_key(&0), "the callee still called keeps its declaration");
    }
}
