//! Registers as machine instructions hold them: virtual before allocation, physical after.
//!
//! A [`Reg`] wraps a regalloc2 `VReg` (a virtual register with a class) or a `PReg` (a
//! physical register). Lowering creates virtual registers and names a few physical ones
//! directly (the stack pointer, the pinned vmctx register); allocation rewrites every
//! virtual register of an instruction into the physical register regalloc2 chose. This
//! file never decides which physical registers exist: targets do (`x64/regs.rs`).

use regalloc2::{PReg, RegClass, VReg};
use std::fmt;

/// A register operand: virtual (`v12i`) or physical.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Reg(u32);

const PHYS_BIT: u32 = 1 << 31;

impl Reg {
    pub fn virt(v: VReg) -> Reg {
        Reg(v.bits() as u32)
    }

    pub fn phys(p: PReg) -> Reg {
        Reg(PHYS_BIT | p.index() as u32)
    }

    pub fn is_virtual(self) -> bool {
        self.0 & PHYS_BIT == 0
    }

    pub fn to_vreg(self) -> Option<VReg> {
        self.is_virtual().then(|| VReg::from_bits(self.0))
    }

    pub fn to_preg(self) -> Option<PReg> {
        (!self.is_virtual()).then(|| PReg::from_index((self.0 & !PHYS_BIT) as usize))
    }

    pub fn class(self) -> RegClass {
        match self.to_vreg() {
            Some(v) => v.class(),
            None => self.to_preg().expect("physical").class(),
        }
    }
}

impl fmt::Debug for Reg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.to_vreg(), self.to_preg()) {
            (Some(v), _) => write!(f, "{v}"),
            (_, Some(p)) => write!(f, "{p}"),
            _ => unreachable!(),
        }
    }
}
