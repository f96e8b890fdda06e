//! The side under test: a wlab engine, chosen by name, optionally after a pass pipeline.
//!
//! ```text
//!  wasm ─translate_module─▶ Module ─(pipeline on every function, verified)─▶ Module
//!       ─Engine::prepare─▶ PreparedModule ─instantiate (no imports)─▶ Store + InstanceId
//! ```
//!
//! Everything goes through the runtime's public entry points (`instantiate`, `invoke`,
//! exported memories, globals and tables), exactly as `wlab run` and the spec runner use them,
//! so any engine that `wlab_runtime::engine_by_name` knows plugs in unchanged. This
//! file never compares anything and never looks inside an engine.

use super::compare::Outcome;
use std::fmt;
use std::sync::Arc;
use wlab_ir::interp::Val;
use wlab_ir::Module;
use wlab_passes::Pipeline;
use wlab_runtime::{instantiate, invoke, Engine, Extern, InstanceId, InstantiateError, InvokeError, Linker, Store};

/// Why the engine under test could not even start on a module: each is a wlab failure
/// (the module is valid WebAssembly 2.0), reported as a mismatch, except
/// [`SubjectError::LacksSimd`].
#[derive(Clone, Debug, PartialEq)]
pub enum SubjectError {
    Translate(String),
    /// The pipeline failed on a function (verifier, pass error, ...): the manager's message.
    Pipeline(String),
    Prepare(String),
    /// The module uses `v128` and the engine refused it with a backend's one-line
    /// "... is not supported by the <target> backend yet": a feature the engine says it
    /// lacks, not a wrong answer (the module is skipped, so the same run becomes a real
    /// check as soon as the backend lowers it).
    LacksSimd(String),
}

/// Whether `message`, from preparing a module that uses `v128`, is a backend's refusal
/// of vector code (the form `wlab_backends`' driver and lowerings use for what they do
/// not lower yet), rather than a failure.
fn is_simd_refusal(module: &Module, message: &str) -> bool {
    module.functions.iter().any(|f| f.uses_v128())
        && message.contains("is not supported by the")
        && message.contains("backend yet")
}

impl fmt::Display for SubjectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SubjectError::Translate(e) => write!(f, "translation failed: {e}"),
            SubjectError::Pipeline(e) => write!(f, "pipeline failed: {e}"),
            SubjectError::Prepare(e) => write!(f, "engine could not prepare the module: {e}"),
            SubjectError::LacksSimd(e) => write!(f, "engine does not run this SIMD module yet: {e}"),
        }
    }
}

/// An instance on the engine under test.
pub struct Subject {
    store: Store,
    instance: InstanceId,
}

/// Translates `wasm`, runs `pipeline` on every function and prepares the result on
/// `engine`, then instantiates it: the instance, or how instantiation failed.
pub fn instantiate_on(
    wasm: &[u8],
    engine: &dyn Engine,
    pipeline: Option<&Pipeline>,
) -> Result<Result<Subject, Outcome>, SubjectError> {
    let mut module: Module =
        wlab_ir::translate::translate_module(wasm).map_err(|e| SubjectError::Translate(e.to_string()))?;
    if let Some(p) = pipeline {
        crate::pipeline::apply_module(&mut module.functions, p).map_err(|e| SubjectError::Pipeline(e.to_string()))?;
    }
    let module = Arc::new(module);
    let prepared = engine.prepare(module.clone()).map_err(|e| match e.to_string() {
        m if is_simd_refusal(&module, &m) => SubjectError::LacksSimd(m),
        m => SubjectError::Prepare(m),
    })?;
    let mut store = Store::new();
    match instantiate(&mut store, prepared, &Linker::new()) {
        Ok(instance) => Ok(Ok(Subject { store, instance })),
        Err(InstantiateError::Trap(t)) => Ok(Err(Outcome::Trap(t.code))),
        Err(e) => Ok(Err(Outcome::Error(e.to_string()))),
    }
}

impl Subject {
    /// Calls the exported function `name` on `args`.
    pub fn call(&mut self, name: &str, args: &[Val]) -> Outcome {
        match invoke(&mut self.store, self.instance, name, args) {
            Ok(vals) => Outcome::Values(vals),
            Err(InvokeError::Trap(t)) => Outcome::Trap(t.code),
            Err(e) => Outcome::Error(e.to_string()),
        }
    }

    /// Sets the exported global `name` (the harness's fuel); false when there is none.
    pub fn set_global(&mut self, name: &str, value: Val) -> bool {
        match self.store.instance(self.instance).exports.get(name) {
            Some(&Extern::Global(g)) => {
                self.store.global_mut(g).set(value);
                true
            }
            _ => false,
        }
    }

    /// The bytes of the exported memory `name`.
    pub fn memory(&self, name: &str) -> Option<&[u8]> {
        match self.store.instance(self.instance).exports.get(name) {
            Some(&Extern::Memory(m)) => Some(&self.store.memory(m).bytes),
            _ => None,
        }
    }

    /// The elements of the exported table `name`.
    pub fn table(&self, name: &str) -> Option<&[Val]> {
        match self.store.instance(self.instance).exports.get(name) {
            Some(&Extern::Table(t)) => Some(self.store.table(t).elems()),
            _ => None,
        }
    }

    /// The value of the exported global `name`.
    pub fn global(&self, name: &str) -> Option<Val> {
        wlab_runtime::get_global(&self.store, self.instance, name).ok()
    }
}
