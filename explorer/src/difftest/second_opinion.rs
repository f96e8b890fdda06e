//! A second, independent reference: wasmi 0.31, the last stack-based wasmi, whose
//! translator shares no code with wasmi 2.0's register-based one.
//!
//! It runs only when wasmi 2.0 and the engine under test disagree on a module: the
//! module is compared again, from scratch, against this reference. When wasmi 0.31 and
//! the engine agree on everything, the difference is wasmi 2.0's (two independent
//! implementations against one) and the report lists it apart, as a reference suspect,
//! not as an engine mismatch. (wasmi 2.0.0 does miscompile some `select` + `local.set`
//! sequences after control flow: see the regression test in `difftest.rs`.) When wasmi
//! 0.31 disagrees too, or cannot run the module, the mismatch stands. wasmi 0.31 has no
//! SIMD and rejects every module that uses `v128`: for those, the IR interpreter is the
//! second opinion instead (see [`super::interp_opinion`]).
//!
//! Fuel: wasmi 0.31 charges bulk memory and table operations for their length before
//! checking bounds, so a `memory.fill` of 4 GiB that should trap at once runs it out of
//! any per-call budget. It gets one practically unlimited budget instead
//! ([`SECOND_OPINION_FUEL`]): it only ever runs modules that already ended on wasmi 2.0,
//! and the fuel global bounds every loop and recursion of a correct execution.
//!
//! Values cross the boundary exactly as in [`super::reference`]. This file never
//! compares anything.

use super::compare::Outcome;
use super::reference::{Instantiated, RefInstance, RefProblem};
use wasmi_031 as w;
use wlab_ir::interp::{FuncRef, Val};
use wlab_ir::{TrapCode, Type};

/// How reports name this second opinion.
pub const NAME: &str = "wasmi 0.31";

/// wasmi 0.31 fuel for instantiation and every call together.
pub const SECOND_OPINION_FUEL: u64 = u64::MAX / 4;

struct Second {
    store: w::Store<()>,
    instance: w::Instance,
}

fn config() -> w::Config {
    let mut c = w::Config::default();
    c.consume_fuel(true)
        .wasm_mutable_global(true)
        .wasm_sign_extension(true)
        .wasm_saturating_float_to_int(true)
        .wasm_multi_value(true)
        .wasm_bulk_memory(true)
        .wasm_reference_types(true)
        .wasm_tail_call(false)
        .wasm_extended_const(false)
        .floats(true);
    c
}

fn outcome(e: &w::Error) -> Result<Outcome, RefProblem> {
    use w::core::TrapCode as W;
    let code = match e {
        w::Error::Trap(t) => match t.trap_code() {
            Some(W::OutOfFuel) => return Err(RefProblem::OutOfFuel),
            Some(W::UnreachableCodeReached) => TrapCode::Unreachable,
            Some(W::MemoryOutOfBounds) => TrapCode::MemoryOutOfBounds,
            Some(W::TableOutOfBounds) => TrapCode::TableOutOfBounds,
            Some(W::IndirectCallToNull) => TrapCode::IndirectCallNull,
            Some(W::IntegerDivisionByZero) => TrapCode::IntegerDivisionByZero,
            Some(W::IntegerOverflow) => TrapCode::IntegerOverflow,
            Some(W::BadConversionToInteger) => TrapCode::BadConversionToInteger,
            Some(W::StackOverflow) => TrapCode::StackOverflow,
            Some(W::BadSignature) => TrapCode::IndirectCallBadSig,
            Some(other) => return Ok(Outcome::Error(format!("wasmi 0.31 trap {other:?}"))),
            None => return Ok(Outcome::Error(t.to_string())),
        },
        // Segment initialisation failures come back as errors, not traps.
        w::Error::Instantiation(w::errors::InstantiationError::ElementSegmentDoesNotFit { .. }) => {
            TrapCode::TableOutOfBounds
        }
        w::Error::Table(w::errors::TableError::AccessOutOfBounds { .. } | w::errors::TableError::CopyOutOfBounds) => {
            TrapCode::TableOutOfBounds
        }
        w::Error::Memory(w::errors::MemoryError::OutOfBoundsAccess) => TrapCode::MemoryOutOfBounds,
        other => return Ok(Outcome::Error(other.to_string())),
    };
    Ok(Outcome::Trap(code))
}

/// Compiles and instantiates `wasm` on wasmi 0.31 (running its start function).
pub fn instantiate(wasm: &[u8]) -> Result<Instantiated, RefProblem> {
    let engine = w::Engine::new(&config());
    let module = w::Module::new(&engine, wasm).map_err(|e| RefProblem::Rejected(e.to_string()))?;
    let mut store = w::Store::new(&engine, ());
    store.add_fuel(SECOND_OPINION_FUEL).map_err(|e| RefProblem::Unsupported(e.to_string()))?;
    let linker = w::Linker::<()>::new(&engine);
    let started = linker.instantiate(&mut store, &module).and_then(|pre| pre.start(&mut store));
    match started {
        Ok(instance) => Ok(Ok(Box::new(Second { store, instance }))),
        Err(e) => Ok(Err(outcome(&e)?)),
    }
}

impl Second {
    fn wasmi_val(&mut self, v: &Val) -> w::Value {
        match *v {
            Val::I32(x) => w::Value::I32(x),
            Val::I64(x) => w::Value::I64(x),
            Val::F32(b) => w::Value::F32(w::core::F32::from_bits(b)),
            Val::F64(b) => w::Value::F64(w::core::F64::from_bits(b)),
            Val::FuncRef(None) => w::Value::FuncRef(w::FuncRef::null()),
            Val::FuncRef(Some(_)) => panic!("the harness never passes a non-null funcref"),
            Val::V128(_) => panic!("wasmi 0.31 has no SIMD: it rejects every module with a v128 function"),
            Val::ExternRef(None) => w::Value::ExternRef(w::ExternRef::null()),
            Val::ExternRef(Some(n)) => w::Value::ExternRef(w::ExternRef::new::<u32>(&mut self.store, Some(n))),
        }
    }

    fn wlab_val(&self, v: &w::Value) -> Result<Val, RefProblem> {
        Ok(match v {
            w::Value::I32(x) => Val::I32(*x),
            w::Value::I64(x) => Val::I64(*x),
            w::Value::F32(x) => Val::F32(x.to_bits()),
            w::Value::F64(x) => Val::F64(x.to_bits()),
            w::Value::FuncRef(f) => Val::FuncRef(if f.is_null() { None } else { Some(FuncRef(u32::MAX)) }),
            w::Value::ExternRef(e) => Val::ExternRef(match e.data(&self.store) {
                None => None,
                Some(d) => match d.downcast_ref::<u32>() {
                    Some(n) => Some(*n),
                    None => return Err(RefProblem::Unsupported("externref not made by the harness".into())),
                },
            }),
        })
    }
}

impl RefInstance for Second {
    fn call(&mut self, name: &str, args: &[Val], results: &[Type]) -> Result<Outcome, RefProblem> {
        let func = self
            .instance
            .get_func(&self.store, name)
            .ok_or_else(|| RefProblem::Unsupported(format!("no function export {name:?}")))?;
        let inputs: Vec<w::Value> = args.iter().map(|a| self.wasmi_val(a)).collect();
        if results.contains(&Type::V128) {
            return Err(RefProblem::Unsupported("a v128 result (wasmi 0.31 has no SIMD)".into()));
        }
        let mut outputs: Vec<w::Value> = results
            .iter()
            .map(|t| match t {
                Type::I32 => w::Value::I32(0),
                Type::I64 => w::Value::I64(0),
                Type::F32 => w::Value::F32(w::core::F32::from_bits(0)),
                Type::F64 => w::Value::F64(w::core::F64::from_bits(0)),
                Type::FuncRef => w::Value::FuncRef(w::FuncRef::null()),
                Type::ExternRef => w::Value::ExternRef(w::ExternRef::null()),
                Type::V128 => unreachable!("v128 results are refused above"),
            })
            .collect();
        match func.call(&mut self.store, &inputs, &mut outputs) {
            Ok(()) => Ok(Outcome::Values(outputs.iter().map(|v| self.wlab_val(v)).collect::<Result<_, _>>()?)),
            Err(e) => outcome(&e),
        }
    }

    fn set_global_i32(&mut self, name: &str, value: i32) -> Result<(), RefProblem> {
        let g = self
            .instance
            .get_global(&self.store, name)
            .ok_or_else(|| RefProblem::Unsupported(format!("no global export {name:?}")))?;
        g.set(&mut self.store, w::Value::I32(value)).map_err(|e| RefProblem::Unsupported(e.to_string()))
    }

    fn memory(&self, name: &str) -> Option<&[u8]> {
        Some(self.instance.get_memory(&self.store, name)?.data(&self.store))
    }

    fn global(&self, name: &str) -> Result<Val, RefProblem> {
        let g = self
            .instance
            .get_global(&self.store, name)
            .ok_or_else(|| RefProblem::Unsupported(format!("no global export {name:?}")))?;
        self.wlab_val(&g.get(&self.store))
    }

    fn table(&self, name: &str) -> Result<Vec<Val>, RefProblem> {
        let t = self
            .instance
            .get_table(&self.store, name)
            .ok_or_else(|| RefProblem::Unsupported(format!("no table export {name:?}")))?;
        (0..t.size(&self.store))
            .map(|i| match t.get(&self.store, i) {
                Some(v) => self.wlab_val(&v),
                None => Err(RefProblem::Unsupported(format!("table {name:?} element {i} unreadable"))),
            })
            .collect()
    }
}
