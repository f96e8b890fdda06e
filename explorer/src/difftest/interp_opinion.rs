//! The second opinion for SIMD modules: wlab's IR interpreter, without passes.
//!
//! wasmi 0.31 (the usual second opinion, [`super::second_opinion`]) has no SIMD and
//! rejects every module that uses `v128`. For those, the interpreter is the next most
//! independent implementation at hand: it shares the translator with the engine under
//! test but none of its lowering, register allocation or passes.
//!
//! What its vote is worth depends on the engine under test. Against a native engine, or
//! the interpreter after a pipeline, it is a real second implementation of the part under
//! test. Against the interpreter itself it can only say that the passes are not at fault:
//! a wrong lane semantics in the interpreter would outvote wasmi. That is why a verdict
//! it gives is a *reference suspect* named `interp` in the report, never a pass: each one
//! is listed for a person to read, and the tests bound how many there may be. (wasmi
//! 2.0.0's `select`/`local.set` bug, pinned in `difftest.rs`, is what they have been so far.)
//!
//! This file adapts a [`Subject`] on the interpreter to [`RefInstance`]; it never
//! compares anything.

use super::compare::Outcome;
use super::reference::{Instantiated, RefInstance, RefProblem};
use super::subject::{instantiate_on, Subject};
use wlab_ir::interp::Val;
use wlab_ir::Type;

/// How reports name this second opinion.
pub const NAME: &str = "interp";

struct InterpOpinion(Subject);

/// Translates and instantiates `wasm` on the interpreter (running its start function).
pub fn instantiate(wasm: &[u8]) -> Result<Instantiated, RefProblem> {
    match instantiate_on(wasm, &wlab_runtime::InterpEngine, None) {
        Ok(Ok(s)) => Ok(Ok(Box::new(InterpOpinion(s)))),
        Ok(Err(outcome)) => Ok(Err(outcome)),
        Err(e) => Err(RefProblem::Rejected(e.to_string())),
    }
}

impl RefInstance for InterpOpinion {
    fn call(&mut self, name: &str, args: &[Val], _results: &[Type]) -> Result<Outcome, RefProblem> {
        Ok(self.0.call(name, args))
    }

    fn set_global_i32(&mut self, name: &str, value: i32) -> Result<(), RefProblem> {
        match self.0.set_global(name, Val::I32(value)) {
            true => Ok(()),
            false => Err(RefProblem::Unsupported(format!("no global export {name:?}"))),
        }
    }

    fn memory(&self, name: &str) -> Option<&[u8]> {
        self.0.memory(name)
    }

    fn global(&self, name: &str) -> Result<Val, RefProblem> {
        self.0.global(name).ok_or_else(|| RefProblem::Unsupported(format!("no global export {name:?}")))
    }

    fn table(&self, name: &str) -> Result<Vec<Val>, RefProblem> {
        self.0
            .table(name)
            .map(<[Val]>::to_vec)
            .ok_or_else(|| RefProblem::Unsupported(format!("no table export {name:?}")))
    }
}
