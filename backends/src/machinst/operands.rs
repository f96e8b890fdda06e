//! What the target-independent machinery needs from a target's machine instruction.
//!
//! A target's instruction type describes its register operands once, through
//! [`MachInst::visit_operands`]; the same walk collects regalloc2 operands before
//! allocation and rewrites virtual registers into physical ones after it, so the two can
//! never disagree about operand order. This file must never know any target's
//! instructions.

use crate::reg::Reg;
use regalloc2::{Allocation, Operand, PReg, PRegSet};

/// The operand roles an instruction can give a register (a subset of regalloc2's).
pub trait OperandVisitor {
    /// Read at the start of the instruction.
    fn reg_use(&mut self, r: &mut Reg);
    /// Read, and kept live until the end (so no def of this instruction shares its register).
    fn reg_late_use(&mut self, r: &mut Reg);
    /// Written at the end of the instruction.
    fn reg_def(&mut self, r: &mut Reg);
    /// Written before all uses are read (so it never shares a register with a use).
    fn reg_early_def(&mut self, r: &mut Reg);
    /// Written into the same register as operand `idx` (two-address forms).
    fn reg_reuse_def(&mut self, r: &mut Reg, idx: usize);
    /// Read from the fixed physical register `p`.
    fn reg_fixed_use(&mut self, r: &mut Reg, p: PReg);
    /// Written into the fixed physical register `p`.
    fn reg_fixed_def(&mut self, r: &mut Reg, p: PReg);
    /// Each `(r, p)`: read from the fixed register `p` (a call's or return's register values).
    fn reg_fixed_uses(&mut self, list: &mut [(Reg, PReg)]) {
        for (r, p) in list.iter_mut() {
            self.reg_fixed_use(r, *p);
        }
    }
    /// Each `(r, p)`: written into the fixed register `p` (a call's or entry's register values).
    fn reg_fixed_defs(&mut self, list: &mut [(Reg, PReg)]) {
        for (r, p) in list.iter_mut() {
            self.reg_fixed_def(r, *p);
        }
    }
}

/// A target's machine instruction.
pub trait MachInst: Clone + std::fmt::Debug {
    /// Visits every virtual-register operand, in a fixed order. Physical registers named
    /// directly by the instruction are not operands and are not visited.
    fn visit_operands(&mut self, v: &mut dyn OperandVisitor);
    /// Registers the instruction overwrites besides its defs (calls).
    fn clobbers(&self) -> PRegSet {
        PRegSet::empty()
    }
    /// Ends a block by branching to successors (with block arguments).
    fn is_branch(&self) -> bool;
    /// Ends the function.
    fn is_ret(&self) -> bool;
    /// Prints the instruction (virtual or physical registers).
    fn pretty(&self) -> String;
}

/// Collects regalloc2 operands.
pub struct OperandCollector<'a> {
    pub out: &'a mut Vec<Operand>,
    /// Operand index of the first operand of this instruction (reuse indices are local).
    pub start: usize,
}

impl OperandVisitor for OperandCollector<'_> {
    fn reg_use(&mut self, r: &mut Reg) {
        if let Some(v) = r.to_vreg() {
            self.out.push(Operand::reg_use(v));
        }
    }
    fn reg_late_use(&mut self, r: &mut Reg) {
        if let Some(v) = r.to_vreg() {
            self.out.push(Operand::reg_use_at_end(v));
        }
    }
    fn reg_def(&mut self, r: &mut Reg) {
        if let Some(v) = r.to_vreg() {
            self.out.push(Operand::reg_def(v));
        }
    }
    fn reg_early_def(&mut self, r: &mut Reg) {
        if let Some(v) = r.to_vreg() {
            self.out.push(Operand::reg_def_at_start(v));
        }
    }
    fn reg_reuse_def(&mut self, r: &mut Reg, idx: usize) {
        if let Some(v) = r.to_vreg() {
            self.out.push(Operand::reg_reuse_def(v, idx));
        }
    }
    fn reg_fixed_use(&mut self, r: &mut Reg, p: PReg) {
        if let Some(v) = r.to_vreg() {
            self.out.push(Operand::reg_fixed_use(v, p));
        }
    }
    fn reg_fixed_def(&mut self, r: &mut Reg, p: PReg) {
        if let Some(v) = r.to_vreg() {
            self.out.push(Operand::reg_fixed_def(v, p));
        }
    }
}

/// Rewrites virtual registers to the allocations regalloc2 chose, in operand order.
pub struct AllocApplier<'a> {
    pub allocs: &'a [Allocation],
    pub next: usize,
}

impl AllocApplier<'_> {
    fn apply(&mut self, r: &mut Reg) {
        if r.is_virtual() {
            let a = self.allocs[self.next];
            self.next += 1;
            let p = a.as_reg().expect("every operand is register-constrained, so every allocation is a register");
            *r = Reg::phys(p);
        }
    }
}

impl OperandVisitor for AllocApplier<'_> {
    fn reg_use(&mut self, r: &mut Reg) {
        self.apply(r)
    }
    fn reg_late_use(&mut self, r: &mut Reg) {
        self.apply(r)
    }
    fn reg_def(&mut self, r: &mut Reg) {
        self.apply(r)
    }
    fn reg_early_def(&mut self, r: &mut Reg) {
        self.apply(r)
    }
    fn reg_reuse_def(&mut self, r: &mut Reg, _idx: usize) {
        self.apply(r)
    }
    fn reg_fixed_use(&mut self, r: &mut Reg, _p: PReg) {
        self.apply(r)
    }
    fn reg_fixed_def(&mut self, r: &mut Reg, _p: PReg) {
        self.apply(r)
    }
}
