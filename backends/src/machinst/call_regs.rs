//! The wasm-to-wasm register convention as a target sees it: which physical register
//! carries each register value of `abi::value_homes`, and where every value of a call,
//! an entry or a return travels ([`Route`]). `abi` decides *which* values go in registers
//! (counts and classes, once for every target); a target only names its registers in one
//! [`CallRegs`] constant. Both lowerings place a call's arguments and results here
//! ([`CallRegs::place_args`], [`CallRegs::place_results`], through the few operations of
//! [`CallValues`]), and both entry trampolines read their registers from here, so the
//! convention is written once.
//!
//! This file never names a target's registers or instructions: the target's lowering
//! creates every instruction, through [`CallValues`].

use crate::abi::{value_homes, value_offsets, ValueHome, FLOAT_PARAM_REGS, INT_PARAM_REGS};
use crate::reg::Reg;
use regalloc2::PReg;
use wlab_ir::{Type, Value};

/// A target's registers for the register values of the wasm-to-wasm convention.
#[derive(Clone, Copy, Debug)]
pub struct CallRegs {
    /// The integer-class parameters' registers, in order (`ValueHome::IntReg(k)`).
    pub int_params: [PReg; INT_PARAM_REGS],
    /// The f32/f64 parameters' registers, in order (`ValueHome::FloatReg(k)`).
    pub float_params: [PReg; FLOAT_PARAM_REGS],
    /// The first integer-class result's register.
    pub int_result: PReg,
    /// The first f32/f64 result's register.
    pub float_result: PReg,
}

/// Where one value of a call, an entry or a return travels: in `reg`, or (when `None`) in
/// the value area at `offset`. A register value keeps its (unused) area `offset`, where a
/// path through the runtime stores or reloads it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Route {
    pub reg: Option<PReg>,
    pub offset: i32,
}

/// What a target's lowering does for [`CallRegs::place_args`] and
/// [`CallRegs::place_results`].
pub trait CallValues {
    /// A register holding IR value `v` (a constant is materialised here, at the use).
    fn value_reg(&mut self, v: Value) -> Reg;
    /// The virtual register IR value `v` is defined in.
    fn result_reg(&self, v: Value) -> Reg;
    /// A copy of `r`, of type `ty`, in a new virtual register.
    fn copy_reg(&mut self, r: Reg, ty: Type) -> Reg;
    /// Stores `r`, of type `ty`, into the outgoing value area at byte `offset`.
    fn store_outgoing(&mut self, r: Reg, ty: Type, offset: i32);
}

/// A wasm-to-wasm call's arguments, placed: the register ones as fixed uses, and their
/// area offsets (where a path through the runtime stores them); the others are stored.
pub struct PlacedArgs {
    pub uses: Vec<(Reg, PReg)>,
    pub spill_args: Vec<(PReg, i32)>,
    /// The arguments' value-area words (register values' slots included).
    pub words: u32,
    /// The outgoing words a direct call needs for its arguments: none when every one
    /// travels in a register (the callee never reads their slots, `abi`), else `words`.
    pub direct_words: u32,
}

/// A wasm-to-wasm call's results, placed: the register ones as fixed defs, and their area
/// offsets (where a path through the runtime leaves them); the others to load after the
/// call from the outgoing area.
pub struct PlacedResults {
    pub defs: Vec<(Reg, PReg)>,
    pub reload_results: Vec<(PReg, i32)>,
    pub loads: Vec<(Reg, Type, i32)>,
    /// The results' value-area words (register values' slots included).
    pub words: u32,
    /// The outgoing words a direct call needs for its results: none when every one comes
    /// back in a register, else `words`.
    pub direct_words: u32,
}

impl CallRegs {
    /// The physical register of a parameter's (`result == false`) or result's home.
    pub fn home_reg(&self, home: ValueHome, result: bool) -> Option<PReg> {
        match (home, result) {
            (ValueHome::IntReg(_), true) => Some(self.int_result),
            (ValueHome::FloatReg(_), true) => Some(self.float_result),
            (ValueHome::IntReg(k), false) => Some(self.int_params[k]),
            (ValueHome::FloatReg(k), false) => Some(self.float_params[k]),
            (ValueHome::Area(_), _) => None,
        }
    }

    /// The route of each value of `types` (parameters, or results when `results`), and
    /// the value area's size in words.
    pub fn routes(&self, types: &[Type], results: bool) -> (Vec<Route>, u32) {
        let (homes, words) = value_homes(types, results);
        let (offsets, _) = value_offsets(types);
        let routes = homes
            .into_iter()
            .zip(offsets)
            .map(|(h, offset)| Route { reg: self.home_reg(h, results), offset })
            .collect();
        (routes, words)
    }

    /// The register of each entry of an `abi::RegisterSlots` descriptor, in its order:
    /// integer parameters, float parameters, the integer result, the float result.
    pub fn slot_regs(&self) -> impl Iterator<Item = PReg> + '_ {
        self.int_params.iter().chain(&self.float_params).chain([&self.int_result, &self.float_result]).copied()
    }

    /// Places `inputs`, a wasm-to-wasm call's arguments: stores the area ones now and
    /// returns the register ones. A register already in `taken` (an argument passed twice,
    /// or another fixed use of the same instruction) is copied first, since one virtual
    /// register cannot sit in two fixed registers; every register argument joins `taken`.
    pub fn place_args(&self, cx: &mut impl CallValues, inputs: &[(Value, Type)], taken: &mut Vec<Reg>) -> PlacedArgs {
        let types: Vec<Type> = inputs.iter().map(|(_, t)| *t).collect();
        let (routes, words) = self.routes(&types, false);
        let (mut uses, mut spill_args) = (Vec::new(), Vec::new());
        for ((v, ty), route) in inputs.iter().zip(routes) {
            let mut r = cx.value_reg(*v);
            match route.reg {
                Some(p) => {
                    if taken.contains(&r) {
                        r = cx.copy_reg(r, *ty);
                    }
                    taken.push(r);
                    uses.push((r, p));
                    spill_args.push((p, route.offset));
                }
                None => cx.store_outgoing(r, *ty, route.offset),
            }
        }
        let direct_words = if uses.len() == inputs.len() { 0 } else { words };
        PlacedArgs { uses, spill_args, words, direct_words }
    }

    /// Places `results`, a wasm-to-wasm call's results (see [`PlacedResults`]).
    pub fn place_results(&self, cx: &impl CallValues, results: &[(Value, Type)]) -> PlacedResults {
        let types: Vec<Type> = results.iter().map(|(_, t)| *t).collect();
        let (routes, words) = self.routes(&types, true);
        let (mut defs, mut reload_results, mut loads) = (Vec::new(), Vec::new(), Vec::new());
        for ((v, ty), route) in results.iter().zip(routes) {
            let dst = cx.result_reg(*v);
            match route.reg {
                Some(p) => {
                    defs.push((dst, p));
                    reload_results.push((p, route.offset));
                }
                None => loads.push((dst, *ty, route.offset)),
            }
        }
        let direct_words = if loads.is_empty() { 0 } else { words };
        PlacedResults { defs, reload_results, loads, words, direct_words }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use regalloc2::RegClass;

    fn regs() -> CallRegs {
        let g = |n| PReg::new(n, RegClass::Int);
        let f = |n| PReg::new(n, RegClass::Float);
        CallRegs {
            int_params: [g(0), g(1), g(2)],
            float_params: [f(0), f(1), f(2)],
            int_result: g(0),
            float_result: f(0),
        }
    }

    /// Registers go by class and count; a v128 and the values beyond the counts keep the
    /// area, and every value keeps its area offset.
    #[test]
    fn routes_follow_value_homes() {
        use Type::*;
        let (r, words) = regs().routes(&[I32, F64, V128, I64, I64, I32, F32], false);
        let g = |n| Some(PReg::new(n, RegClass::Int));
        let f = |n| Some(PReg::new(n, RegClass::Float));
        let got: Vec<(Option<PReg>, i32)> = r.iter().map(|r| (r.reg, r.offset)).collect();
        assert_eq!(got, [(g(0), 0), (f(0), 8), (None, 16), (g(1), 32), (g(2), 40), (None, 48), (f(1), 56)]);
        assert_eq!(words, 8);
        let (r, _) = regs().routes(&[I32, I64, F32], true);
        let got: Vec<Option<PReg>> = r.iter().map(|r| r.reg).collect();
        assert_eq!(got, [g(0), None, f(0)]);
    }
}
