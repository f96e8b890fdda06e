//! The reference side: wasmi 2.0 runs the generated module.
//!
//! wasmi is configured to exactly the WebAssembly 2.0 features the generator uses
//! (fixed-width SIMD through wasmi's `simd` cargo feature; relaxed SIMD off), and runs with fuel as a safety net ([`REFERENCE_FUEL`] per call and for
//! instantiation): the modules terminate by construction, so running out of it means
//! the module is unusable for comparison, never that an engine is wrong. The export list
//! (names and function types) comes from wasmi's view of the module, so the engine
//! under test does not get to decide what is called.
//!
//! Values cross this boundary as wlab [`Val`]s: an `externref` is created from (and read
//! back as) the `u32` host number it carries; a non-null `funcref` comes back as a
//! placeholder handle, since only its null-ness is compared; a `v128` crosses as its 16
//! little-endian bytes. This file never compares anything.

use super::compare::Outcome;
use wlab_ir::interp::{FuncRef, Val};
use wlab_ir::{TrapCode, Type};

/// wasmi fuel per call (and for instantiation with its start function).
pub const REFERENCE_FUEL: u64 = 20_000_000;

/// An export of the module, with what the harness needs to use it.
#[derive(Clone, Debug, PartialEq)]
pub enum ExportItem {
    Func { name: String, params: Vec<Type>, results: Vec<Type> },
    Memory { name: String },
    Global { name: String },
    Table { name: String },
}

/// Why the reference could not give an answer (every one makes the module a skip).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RefProblem {
    /// wasmi did not accept the module.
    Rejected(String),
    /// The safety-net fuel ran out.
    OutOfFuel,
    /// A type the harness does not handle, or another wasmi error.
    Unsupported(String),
}

/// An instantiated module on a reference interpreter (wasmi 2.0 here, wasmi 0.31 in
/// [`super::second_opinion`]).
pub trait RefInstance {
    /// Calls the exported function `name` on `args`; `results` are its result types.
    fn call(&mut self, name: &str, args: &[Val], results: &[Type]) -> Result<Outcome, RefProblem>;
    /// Sets the exported mutable `i32` global `name`.
    fn set_global_i32(&mut self, name: &str, value: i32) -> Result<(), RefProblem>;
    /// The bytes of the exported memory `name`.
    fn memory(&self, name: &str) -> Option<&[u8]>;
    /// The value of the exported global `name`.
    fn global(&self, name: &str) -> Result<Val, RefProblem>;
    /// The elements of the exported table `name`.
    fn table(&self, name: &str) -> Result<Vec<Val>, RefProblem>;
}

/// An instance, or how instantiation ended (a trap, or an error that is not one).
pub type Instantiated = Result<Box<dyn RefInstance>, Outcome>;

/// An instantiated module on wasmi 2.0.
pub struct Reference {
    store: wasmi::Store<()>,
    instance: wasmi::Instance,
}

fn config() -> wasmi::Config {
    let mut c = wasmi::Config::default();
    c.consume_fuel(true)
        .wasm_mutable_global(true)
        .wasm_sign_extension(true)
        .wasm_saturating_float_to_int(true)
        .wasm_multi_value(true)
        .wasm_bulk_memory(true)
        .wasm_reference_types(true)
        .wasm_multi_memory(false)
        .wasm_tail_call(false)
        .wasm_extended_const(false)
        .wasm_custom_page_sizes(false)
        .wasm_wide_arithmetic(false)
        .wasm_simd(true)
        .wasm_relaxed_simd(false)
        .floats(true);
    c
}

fn ty(t: wasmi::ValType) -> Type {
    match t {
        wasmi::ValType::I32 => Type::I32,
        wasmi::ValType::I64 => Type::I64,
        wasmi::ValType::F32 => Type::F32,
        wasmi::ValType::F64 => Type::F64,
        wasmi::ValType::FuncRef => Type::FuncRef,
        wasmi::ValType::ExternRef => Type::ExternRef,
        wasmi::ValType::V128 => Type::V128,
    }
}

fn trap_code(e: &wasmi::Error) -> Result<Outcome, RefProblem> {
    use wasmi::TrapCode as W;
    let code = match e.as_trap_code() {
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
        Some(other) => return Ok(Outcome::Error(format!("wasmi trap {other:?}"))),
        // wasmi reports an active element segment that does not fit its table as an
        // instantiation error; WebAssembly 2.0 says it traps (out of bounds table access).
        None => match e.kind() {
            wasmi::errors::ErrorKind::Instantiation(wasmi::errors::InstantiationError::ElementSegmentDoesNotFit {
                ..
            }) => TrapCode::TableOutOfBounds,
            _ => return Ok(Outcome::Error(e.to_string())),
        },
    };
    Ok(Outcome::Trap(code))
}

/// The module's exports in declaration order.
fn exports(module: &wasmi::Module) -> Result<Vec<ExportItem>, RefProblem> {
    let mut out = Vec::new();
    for e in module.exports() {
        let name = e.name().to_string();
        out.push(match e.ty() {
            wasmi::ExternType::Func(f) => ExportItem::Func {
                name,
                params: f.params().iter().map(|&t| ty(t)).collect(),
                results: f.results().iter().map(|&t| ty(t)).collect(),
            },
            wasmi::ExternType::Memory(_) => ExportItem::Memory { name },
            wasmi::ExternType::Global(_) => ExportItem::Global { name },
            wasmi::ExternType::Table(_) => ExportItem::Table { name },
        });
    }
    Ok(out)
}

/// Compiles and instantiates `wasm` (running its start function): the exports, and
/// the instance or how instantiation failed.
pub fn instantiate(wasm: &[u8]) -> Result<(Vec<ExportItem>, Instantiated), RefProblem> {
    let engine = wasmi::Engine::new(&config());
    let module = wasmi::Module::new(&engine, wasm).map_err(|e| RefProblem::Rejected(e.to_string()))?;
    let exports = exports(&module)?;
    let mut store = wasmi::Store::new(&engine, ());
    store.set_fuel(REFERENCE_FUEL).map_err(|e| RefProblem::Unsupported(e.to_string()))?;
    let linker = wasmi::Linker::<()>::new(&engine);
    match linker.instantiate_and_start(&mut store, &module) {
        Ok(instance) => Ok((exports, Ok(Box::new(Reference { store, instance })))),
        Err(e) => Ok((exports, Err(trap_code(&e)?))),
    }
}

impl Reference {
    fn wasmi_val(&mut self, v: &Val) -> wasmi::Val {
        match *v {
            Val::I32(x) => wasmi::Val::I32(x),
            Val::I64(x) => wasmi::Val::I64(x),
            Val::F32(b) => wasmi::Val::F32(wasmi::F32::from_bits(b)),
            Val::F64(b) => wasmi::Val::F64(wasmi::F64::from_bits(b)),
            Val::FuncRef(None) => wasmi::Val::FuncRef(wasmi::Nullable::Null),
            Val::FuncRef(Some(_)) => panic!("the harness never passes a non-null funcref"),
            Val::V128(b) => wasmi::Val::V128(wasmi::V128::from(u128::from_le_bytes(b))),
            Val::ExternRef(None) => wasmi::Val::ExternRef(wasmi::Nullable::Null),
            Val::ExternRef(Some(n)) => {
                wasmi::Val::ExternRef(wasmi::Nullable::Val(wasmi::ExternRef::new(&mut self.store, n)))
            }
        }
    }

    fn wlab_val(&self, v: &wasmi::Val) -> Result<Val, RefProblem> {
        Ok(match v {
            wasmi::Val::I32(x) => Val::I32(*x),
            wasmi::Val::I64(x) => Val::I64(*x),
            wasmi::Val::F32(x) => Val::F32(x.to_bits()),
            wasmi::Val::F64(x) => Val::F64(x.to_bits()),
            wasmi::Val::V128(x) => Val::V128(x.as_u128().to_le_bytes()),
            wasmi::Val::FuncRef(f) => Val::FuncRef(if f.is_null() { None } else { Some(FuncRef(u32::MAX)) }),
            wasmi::Val::ExternRef(e) => Val::ExternRef(match e.val() {
                None => None,
                Some(e) => match e.data(&self.store).downcast_ref::<u32>() {
                    Some(n) => Some(*n),
                    None => return Err(RefProblem::Unsupported("externref not made by the harness".into())),
                },
            }),
        })
    }
}

impl RefInstance for Reference {
    fn call(&mut self, name: &str, args: &[Val], results: &[Type]) -> Result<Outcome, RefProblem> {
        let func = self
            .instance
            .get_func(&self.store, name)
            .ok_or_else(|| RefProblem::Unsupported(format!("no function export {name:?}")))?;
        let inputs: Vec<wasmi::Val> = args.iter().map(|a| self.wasmi_val(a)).collect();
        let mut outputs: Vec<wasmi::Val> = results
            .iter()
            .map(|t| match t {
                Type::I32 => wasmi::Val::I32(0),
                Type::I64 => wasmi::Val::I64(0),
                Type::F32 => wasmi::Val::F32(wasmi::F32::from_bits(0)),
                Type::F64 => wasmi::Val::F64(wasmi::F64::from_bits(0)),
                Type::FuncRef => wasmi::Val::FuncRef(wasmi::Nullable::Null),
                Type::ExternRef => wasmi::Val::ExternRef(wasmi::Nullable::Null),
                Type::V128 => wasmi::Val::V128(wasmi::V128::from(0u128)),
            })
            .collect();
        self.store.set_fuel(REFERENCE_FUEL).map_err(|e| RefProblem::Unsupported(e.to_string()))?;
        match func.call(&mut self.store, &inputs, &mut outputs) {
            Ok(()) => Ok(Outcome::Values(outputs.iter().map(|v| self.wlab_val(v)).collect::<Result<_, _>>()?)),
            Err(e) => trap_code(&e),
        }
    }

    fn set_global_i32(&mut self, name: &str, value: i32) -> Result<(), RefProblem> {
        let g = self
            .instance
            .get_global(&self.store, name)
            .ok_or_else(|| RefProblem::Unsupported(format!("no global export {name:?}")))?;
        g.set(&mut self.store, wasmi::Val::I32(value)).map_err(|e| RefProblem::Unsupported(e.to_string()))
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
                Some(wasmi::Ref::Func(f)) => self.wlab_val(&wasmi::Val::FuncRef(f)),
                Some(wasmi::Ref::Extern(e)) => self.wlab_val(&wasmi::Val::ExternRef(e)),
                None => Err(RefProblem::Unsupported(format!("table {name:?} element {i} unreadable"))),
            })
            .collect()
    }
}
