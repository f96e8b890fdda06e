//! Cost models for extraction: a trait with one default per target, selectable by name
//! (`egraph(cost=aarch64)`), so extraction can be compared under two models.
//!
//! Costs are rough latencies in cycles of one operation on a recent core; a constant
//! costs 1 (materialising it) and an opaque value 0 (it is computed anyway). The
//! e-graph's helper nodes cost "infinity", so they are never extracted. This file knows
//! no target beyond these numbers.

use super::analysis::EG;
use super::language::{has_imm_child, Node};
use egg::{CostFunction, Id, Language};
use wlab_ir::{Opcode, Type};

/// What extraction minimises: the cost of one operation (operands not included).
pub trait CostModel {
    /// The name used in `egraph(cost=NAME)`.
    fn name(&self) -> &'static str;
    /// The cost of one `op` with controlling type `ty`.
    fn op_cost(&self, op: Opcode, ty: Type) -> u64;
}

/// Every cost model, by name.
pub const MODELS: &[&str] = &["x86_64", "aarch64"];

/// The cost model named `name`; the error lists the valid names.
pub fn by_name(name: &str) -> Result<Box<dyn CostModel>, String> {
    match name {
        "x86_64" => Ok(Box::new(X86_64)),
        "aarch64" => Ok(Box::new(Aarch64)),
        _ => Err(format!("unknown cost model `{name}` (valid: {})", MODELS.join(", "))),
    }
}

/// x86-64: cheap ALU and shifts, 3-cycle multiply, `lzcnt`/`tzcnt`/`popcnt` available,
/// 32-bit zero extension free.
#[derive(Clone, Copy, Debug, Default)]
pub struct X86_64;

/// AArch64: like x86-64, but `ctz` is `rbit`+`clz`, `popcnt` goes through the vector
/// unit, and zero extension is an instruction.
#[derive(Clone, Copy, Debug, Default)]
pub struct Aarch64;

fn common(op: Opcode, ty: Type) -> u64 {
    match op {
        Opcode::Iconst | Opcode::Fconst => 1,
        Opcode::Copy => 0,
        Opcode::Iadd
        | Opcode::Isub
        | Opcode::Band
        | Opcode::Bor
        | Opcode::Bxor
        | Opcode::Ishl
        | Opcode::Ushr
        | Opcode::Sshr
        | Opcode::Rotl
        | Opcode::Rotr
        | Opcode::Eqz
        | Opcode::Icmp
        | Opcode::Sext8
        | Opcode::Sext16
        | Opcode::Sext32
        | Opcode::Sextend
        | Opcode::Ireduce
        | Opcode::Uextend
        | Opcode::Clz
        | Opcode::Ctz
        | Opcode::Popcnt => 1,
        Opcode::Select => 2,
        Opcode::Imul => 3,
        Opcode::Sdiv | Opcode::Udiv | Opcode::Srem | Opcode::Urem => {
            if ty == Type::I64 {
                40
            } else {
                25
            }
        }
        Opcode::Fadd | Opcode::Fsub | Opcode::Fmul | Opcode::Fmin | Opcode::Fmax => 4,
        Opcode::Fdiv => 12,
        Opcode::Fsqrt => 16,
        Opcode::Fcopysign | Opcode::Fabs | Opcode::Fneg => 1,
        Opcode::Fceil | Opcode::Ffloor | Opcode::Ftrunc | Opcode::Fnearest => 6,
        Opcode::Fcmp => 3,
        Opcode::FcvtToSint
        | Opcode::FcvtToUint
        | Opcode::FcvtToSintSat
        | Opcode::FcvtToUintSat
        | Opcode::FcvtFromSint
        | Opcode::FcvtFromUint
        | Opcode::Fpromote
        | Opcode::Fdemote => 5,
        Opcode::Bitcast => 2,
        // Not in the e-graph; a cost is still defined so the model is total.
        Opcode::RefNull | Opcode::RefFunc | Opcode::RefIsNull => 1,
        Opcode::Load
        | Opcode::Uload8
        | Opcode::Sload8
        | Opcode::Uload16
        | Opcode::Sload16
        | Opcode::Uload32
        | Opcode::Sload32
        | Opcode::Store
        | Opcode::Istore8
        | Opcode::Istore16
        | Opcode::Istore32
        | Opcode::GlobalGet
        | Opcode::GlobalSet
        | Opcode::TableGet
        | Opcode::TableSet
        | Opcode::TableSize
        | Opcode::MemorySize => 4,
        Opcode::MemoryGrow
        | Opcode::MemoryFill
        | Opcode::MemoryCopy
        | Opcode::MemoryInit
        | Opcode::DataDrop
        | Opcode::TableGrow
        | Opcode::TableFill
        | Opcode::TableCopy
        | Opcode::TableInit
        | Opcode::ElemDrop
        | Opcode::Call
        | Opcode::CallIndirect => 50,
        Opcode::Jump | Opcode::Brif | Opcode::BrTable | Opcode::Return | Opcode::Trap => 1,
        // SIMD rows are not e-graph nodes (their column says skeleton); a flat cost
        // until vector code takes part.
        Opcode::Simd(_) => 1,
    }
}

impl CostModel for X86_64 {
    fn name(&self) -> &'static str {
        "x86_64"
    }
    fn op_cost(&self, op: Opcode, ty: Type) -> u64 {
        match op {
            Opcode::Uextend => 0,
            _ => common(op, ty),
        }
    }
}

impl CostModel for Aarch64 {
    fn name(&self) -> &'static str {
        "aarch64"
    }
    fn op_cost(&self, op: Opcode, ty: Type) -> u64 {
        match op {
            Opcode::Ctz => 2,
            Opcode::Popcnt => 4,
            Opcode::Select => 1,
            Opcode::Imul => 3,
            _ => common(op, ty),
        }
    }
}

/// "Infinite" cost of helper nodes: large, but sums cannot overflow.
pub const NEVER: u64 = u64::MAX / 4;

/// Model costs are multiplied by this; the remainder breaks ties deterministically.
pub const SCALE: u64 = 1024;

/// The egg adapter: the cost of a tree is the sum of its operations (times [`SCALE`];
/// constants half a unit less), plus 1 for each operation with a constant as its first of two operands and a
/// non-constant second, so that of two equally cheap forms the one with constants on
/// the right wins whatever the class numbering (which keeps the pass idempotent).
pub struct TreeCost<'m> {
    pub model: &'m dyn CostModel,
    pub egraph: &'m EG,
    /// Whether each class (by canonical id) holds a constant: read for every
    /// two-operand node, so looked up once per class ([`TreeCost::new`]).
    konst: Vec<bool>,
}

impl<'m> TreeCost<'m> {
    pub fn new(model: &'m dyn CostModel, egraph: &'m EG) -> Self {
        let mut konst = vec![false; egraph.nodes().len()];
        for c in egraph.classes() {
            konst[usize::from(c.id)] = c.data.konst.is_some();
        }
        TreeCost { model, egraph, konst }
    }
}

impl TreeCost<'_> {
    /// The cost of one operation `op.ty` over value operands of classes `vals`, its
    /// operands not included: what [`CostFunction::cost`] adds for an `Op` node.
    /// Elaboration prices the original instructions with it, so "cheaper than the
    /// original" is decided in the same units as extraction.
    pub fn op_own(&self, op: Opcode, ty: Type, vals: &[Id]) -> u64 {
        let konst = |id: Id| self.konst[usize::from(self.egraph.find(id))];
        let tie = match vals {
            [a, b] => (konst(*a) && !konst(*b)) as u64,
            _ => 0,
        };
        match op {
            // A constant is cheaper than any operation of the same model cost,
            // so a rule that proves a value constant always wins the tie.
            Opcode::Iconst | Opcode::Fconst => self.model.op_cost(op, ty).max(1) * SCALE - SCALE / 2,
            _ => self.model.op_cost(op, ty).max(1) * SCALE + tie,
        }
    }
}

impl CostFunction<Node> for TreeCost<'_> {
    type Cost = u64;

    fn cost<C: FnMut(Id) -> u64>(&mut self, enode: &Node, mut costs: C) -> u64 {
        let own = match enode {
            Node::Op { op, ty, args } => {
                let vals = if has_imm_child(*op) { &args[1..] } else { &args[..] };
                self.op_own(*op, *ty, vals)
            }
            Node::Lit(_) | Node::Cond(_) | Node::Opaque(_) => 0,
            Node::Meta { .. } => NEVER,
        };
        enode.children().iter().fold(own, |acc, &c| acc.saturating_add(costs(c))).min(NEVER)
    }
}
