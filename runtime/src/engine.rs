//! The engine abstraction: how a translated module's functions get run.
//!
//! ```text
//!  Module (ModuleInfo + IR) ──Engine::prepare──▶ PreparedModule (interpreter: the IR;
//!                                                  native engines: machine code)
//!  ModuleReader (info + wasm bodies) ──Engine::prepare_reader──▶ PreparedModule
//!                                   (x86-64: each function translated in its compile task)
//!  instantiate(store, prepared, ...) ─▶ Instance { code: PreparedModule, ... }
//!  Store::call(FuncRef) ─▶ Wasm { instance, index } ─▶ instance.code.call(store, instance, index, args)
//! ```
//!
//! Every engine shares the store and instance model of this crate: an engine only turns
//! "run function `index` of this instance" into execution, and reaches memories, tables,
//! globals and other functions through the [`Store`]. Engines are chosen by name with
//! [`engine_by_name`]; an unknown name is an error listing the valid ones.
//!
//! An engine never keeps run-time state of its own outside the store, so the same
//! prepared module can back any number of instances.

use crate::interp_engine::InterpEngine;
use crate::store::{InstanceId, Store};
use crate::translate_each::TranslatedError;
use std::fmt;
use std::sync::Arc;
use wlab_ir::interp::{Trap, Val};
use wlab_ir::translate::ModuleReader;
use wlab_ir::{Function, Module};

/// Something that can run wasm functions. `Sync` so the wast runner can hand it to
/// its big-stack thread.
pub trait Engine: Sync {
    /// The name `engine_by_name` knows it by.
    fn name(&self) -> &'static str;
    /// Readies a translated module for execution (compiling it, for native engines).
    fn prepare(&self, module: Arc<Module>) -> Result<Arc<dyn PreparedModule>, EngineError>;
    /// [`Engine::prepare`] after `transform` (a pipeline of function passes) rewrote every
    /// function. By default every function is rewritten first (in parallel), then the
    /// module is prepared; an engine that compiles functions one by one (x86-64) instead
    /// rewrites and compiles each function in one task and drops its IR right away. The
    /// first failure in function order is returned.
    fn prepare_transformed(
        &self,
        module: Arc<Module>,
        transform: &FunctionTransform<'_>,
    ) -> Result<Arc<dyn PreparedModule>, EngineError> {
        use rayon::prelude::*;
        // The caller usually hands the only reference over: then the IR is rewritten in
        // place instead of copied (a copy of every function held twice at the peak).
        let mut m = Arc::try_unwrap(module).unwrap_or_else(|shared| (*shared).clone());
        let results: Vec<Result<(), EngineError>> = m.functions.par_iter_mut().map(transform).collect();
        results.into_iter().collect::<Result<(), EngineError>>()?;
        self.prepare(Arc::new(m))
    }

    /// Translates the module `reader` read and readies it, each function first rewritten by
    /// `transform` when given. By default the whole module is translated first
    /// ([`translate_then_prepare`]); the x86-64 engine instead translates each function in
    /// the task that compiles it ([`crate::translate_each`]), so the IR of the whole module
    /// never exists at once. Either way a function that does not translate is reported
    /// before anything the engine would report.
    fn prepare_reader(
        &self,
        reader: ModuleReader<'_>,
        transform: Option<&FunctionTransform<'_>>,
    ) -> Result<Arc<dyn PreparedModule>, PrepareError> {
        translate_then_prepare(self, reader, transform)
    }
}

/// What [`Engine::prepare_reader`] does by default: translates every function (the first
/// that does not translate is the error), then [`Engine::prepare_transformed`] with
/// `transform`, or [`Engine::prepare`] without.
pub fn translate_then_prepare<E: Engine + ?Sized>(
    engine: &E,
    reader: ModuleReader<'_>,
    transform: Option<&FunctionTransform<'_>>,
) -> Result<Arc<dyn PreparedModule>, PrepareError> {
    let module = Arc::new(reader.into_module().map_err(PrepareError::Translate)?);
    match transform {
        None => engine.prepare(module),
        Some(t) => engine.prepare_transformed(module, t),
    }
    .map_err(PrepareError::Job)
}

/// Why [`Engine::prepare_reader`] failed: a function did not translate
/// (`PrepareError::Translate`), or the engine could not prepare the module
/// (`PrepareError::Job`).
pub type PrepareError = TranslatedError<EngineError>;

/// A rewrite of one function that an engine runs before compiling it
/// ([`Engine::prepare_transformed`]); its error is the engine's.
pub type FunctionTransform<'a> = dyn Fn(&mut Function) -> Result<(), EngineError> + Sync + 'a;

/// A module ready to run on one engine.
pub trait PreparedModule {
    /// The module it was prepared from. Its info is always there; the x86-64 engine drops
    /// the function bodies once compiled when it was handed the only reference.
    fn module(&self) -> &Arc<Module>;
    /// Runs defined function `func_index` (module index space) of `instance`, which is
    /// an instance of this module, on `args` (already checked against its signature).
    fn call(&self, store: &mut Store, instance: InstanceId, func_index: u32, args: &[Val]) -> Result<Vec<Val>, Trap>;
    /// The machine code this module runs in this process, one symbol per function and
    /// trampoline, for profilers (`crate::profile`); `None` for engines whose code a
    /// profiler of this process cannot see (the interpreter, AArch64 under Unicorn).
    fn code_symbols(&self) -> Option<Vec<crate::profile::CodeSymbol>> {
        None
    }
    /// The bytes behind [`PreparedModule::code_symbols`], with the address of the first
    /// (`None` when there are no symbols).
    fn code_bytes(&self) -> Option<(u64, &[u8])> {
        None
    }
}

/// Why an engine could not be chosen or could not prepare a module.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EngineError {
    /// No engine has this name.
    Unknown { name: String },
    /// The engine cannot run this module (a feature it lacks, a compile error).
    Unsupported { engine: &'static str, reason: String },
}

impl fmt::Display for EngineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EngineError::Unknown { name } => {
                write!(f, "unknown engine `{name}`; valid engines: {}", ENGINE_NAMES.join(", "))
            }
            EngineError::Unsupported { engine, reason } => {
                write!(f, "engine {engine} cannot run this module: {reason}")
            }
        }
    }
}

impl std::error::Error for EngineError {}

/// Every engine name, in the order `wlab --help` lists them.
pub const ENGINE_NAMES: &[&str] = &["interp", "x86_64", "aarch64"];

/// The engine called `name`, or an error listing the valid names.
pub fn engine_by_name(name: &str) -> Result<Box<dyn Engine>, EngineError> {
    match name {
        "interp" => Ok(Box::new(InterpEngine)),
        "x86_64" => Ok(Box::new(crate::native::NativeEngine::default())),
        #[cfg(feature = "unicorn")]
        "aarch64" => Ok(Box::new(crate::native_aarch64::Aarch64Engine::default())),
        #[cfg(not(feature = "unicorn"))]
        "aarch64" => Err(EngineError::Unsupported {
            engine: "aarch64",
            reason: "this build has no AArch64 emulator; rebuild with `--features unicorn` (needs libunicorn-dev)"
                .into(),
        }),
        _ => Err(EngineError::Unknown { name: name.to_string() }),
    }
}
