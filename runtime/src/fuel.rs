//! Fuel: one mechanism that bounds how long wasm runs, on every engine. A module is
//! *metered* by rewriting its IR after the pass pipeline; the engines then run the checks
//! like any other code, so the interpreter, x86-64 and AArch64 need nothing of their own.
//!
//! ```text
//!  before                                 after
//!  block0(v0):                            block9(v20):                ; new entry: a check
//!      ...                                    v21 = global_get.i64 gF
//!  block3(v4):          ; loop header         v22 = iconst.i64 1
//!      ...                                    v23 = isub.i64 v21, v22
//!      brif v7, block3(v8), block4            global_set.i64 v23, gF
//!                                             v24 = iconst.i64 0
//!                                             v25 = icmp.i64 slt v23, v24
//!                                             brif v25, block11, block0(v20)
//!                                         block10(v26):               ; every edge into block3
//!                                             ... the same check ...
//!                                             brif v.., block11, block3(v26)
//!                                         block11:
//!                                             trap out_of_fuel
//! ```
//!
//! `gF` is a new mutable i64 global appended to the module (`ModuleInfo::fuel_global`);
//! instantiation binds it to the store's fuel counter ([`crate::Store::set_fuel`]). The
//! unit is honest and engine-independent: **one unit per function entry and one per
//! arrival at a loop header** (each loop iteration, and each entry into a loop), whatever
//! the code in between. A timeout uses the same check: a watchdog (`watchdog.rs`) empties
//! the counter at the deadline and the store renames the trap to
//! [`TrapCode::Timeout`].
//!
//! Code prepared without [`MeteredEngine`] is untouched (byte-identical machine code).
//! This file never runs wasm and never decides the amount of fuel.

use crate::engine::{Engine, EngineError, PreparedModule};
use std::sync::Arc;
use wlab_ir::cfg::ControlFlowGraph;
use wlab_ir::dominators::DomTree;
use wlab_ir::loops::LoopAnalysis;
use wlab_ir::module::{ConstExpr, GlobalInfo};
use wlab_ir::{Block, BlockCall, Function, Imm, InstData, IntCC, Module, Opcode, TrapCode, Type};

/// Fuel one check consumes.
pub const CHECK_COST: i64 = 1;

/// An engine that meters every module (see the module docs) before its inner engine
/// prepares it.
pub struct MeteredEngine {
    pub inner: Box<dyn Engine>,
}

impl Engine for MeteredEngine {
    fn name(&self) -> &'static str {
        self.inner.name()
    }

    fn prepare(&self, module: Arc<Module>) -> Result<Arc<dyn PreparedModule>, EngineError> {
        self.inner.prepare(Arc::new(instrument(&module)))
    }
}

/// A copy of `module` with a fuel global and a check at every function entry and loop
/// header. A module that is already metered is returned unchanged.
pub fn instrument(module: &Module) -> Module {
    let mut m = module.clone();
    if m.info.fuel_global.is_some() {
        return m;
    }
    let g = m.info.globals.len() as u32;
    m.info.globals.push(GlobalInfo {
        ty: Type::I64,
        mutable: true,
        init: Some(ConstExpr::I64(i64::MAX)),
        import: None,
    });
    m.info.fuel_global = Some(g);
    for f in &mut m.functions {
        instrument_function(f, g);
    }
    m
}

/// Adds the checks to one function, with `g` as the fuel global.
pub fn instrument_function(func: &mut Function, g: u32) {
    let Some(entry) = func.entry() else { return };
    let cfg = ControlFlowGraph::new(func);
    let dom = DomTree::new(func, &cfg);
    let loops = LoopAnalysis::new(func, &cfg, &dom);
    let headers: Vec<Block> = loops.loops().map(|l| loops.header(l)).collect();

    let trap = func.create_block();
    func.terminate(trap, Opcode::Trap, Vec::new(), Imm::Trap(TrapCode::OutOfFuel), Vec::new());

    // Loop headers: every branch into the header goes through a check block first.
    for &h in &headers {
        let check = check_block(func, g, h, trap);
        for b in func.layout.clone() {
            let Some(t) = func.terminator(b) else { continue };
            for d in func.inst_mut(t).dests.iter_mut() {
                if d.block == h {
                    d.block = check;
                }
            }
        }
        let at = func.layout.iter().position(|&b| b == h).expect("a loop header is in the layout");
        func.layout.insert(at, check);
    }

    // The entry: a new first block with the function's parameters.
    let check = check_block(func, g, entry, trap);
    func.layout.insert(0, check);
    func.append_block(trap);
}

/// A block with `target`'s parameter types that spends [`CHECK_COST`] and goes on to
/// `target` with its parameters, or to `trap` when the counter went negative. Not in the
/// layout yet.
fn check_block(func: &mut Function, g: u32, target: Block, trap: Block) -> Block {
    let b = func.create_block();
    let types: Vec<Type> = func.block_params(target).iter().map(|&p| func.value_type(p)).collect();
    let params: Vec<_> = types.iter().map(|&ty| func.append_block_param(b, ty)).collect();
    let left = func.ins1(b, Opcode::GlobalGet, Type::I64, Vec::new(), Imm::Global(g));
    let cost = func.ins1(b, Opcode::Iconst, Type::I64, Vec::new(), Imm::I64(CHECK_COST));
    let now = func.ins1(b, Opcode::Isub, Type::I64, vec![left, cost], Imm::None);
    func.append_inst(b, InstData::new(Opcode::GlobalSet, Some(Type::I64), vec![now], Imm::Global(g)), &[]);
    let zero = func.ins1(b, Opcode::Iconst, Type::I64, Vec::new(), Imm::I64(0));
    let out = func.append_inst(
        b,
        InstData::new(Opcode::Icmp, Some(Type::I64), vec![now, zero], Imm::IntCC(IntCC::Slt)),
        &[Type::I32],
    );
    let out = func.inst_results(out)[0];
    func.terminate(
        b,
        Opcode::Brif,
        vec![out],
        Imm::None,
        vec![BlockCall::new(trap, Vec::new()), BlockCall::new(target, params)],
    );
    b
}
