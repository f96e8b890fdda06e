//! wlab's runtime: the store and instances, instantiation, host modules, the engine
//! abstraction and its engines, and the spec-suite (`.wast`) runner.
//!
//! ```text
//!  wasm bytes ──translate──▶ Module ──Engine::prepare──▶ PreparedModule
//!  wasm bytes ──read_module──▶ ModuleReader ──Engine::prepare_reader──▶ PreparedModule
//!                                                            │
//!  Linker (spectest, registered instances) ──▶ instantiate(store, prepared, linker) ─▶ InstanceId
//!                                                            │
//!  invoke(store, instance, "export", args) ─▶ Store::call ─▶ engine code ─▶ results | Trap
//! ```
//!
//! One concept per file: [`store`] (all run-time state and the call path), [`table_mirror`]
//! (the table layout compiled code reads for an inline `call_indirect`), [`instance`]
//! (instantiation), [`linker`] (import resolution), [`ops`] (bulk memory / table
//! operations and `call_indirect` checks shared by every engine), [`engine`] (the
//! engine trait and the name registry), [`fuel`] (metering: fuel and timeout checks
//! added to the IR), [`watchdog`] (the timeout's thread), [`interp_engine`] (the IR interpreter engine),
//! [`largest_first`] (per-function tasks, largest first), [`translate_each`] (each function
//! translated inside its task),
//! [`profile`] (symbols of compiled code: perf maps
//! and a SIGPROF sampler), [`spectest`] (host module), [`invoke`] (calls from outside), [`stack`] (the
//! big-stack thread), [`wast`] (the spec-suite runner), [`wasi`] (WASI preview1 host
//! functions), [`bench_host`] (the `bench.start`/`bench.end` protocol and run event times).

pub mod bench_host;
pub mod engine;
pub mod fuel;
pub mod instance;
pub mod interp_engine;
pub mod invoke;
pub mod largest_first;
pub mod linear_memory;
pub mod linker;
pub mod native;
#[cfg(feature = "unicorn")]
pub mod native_aarch64;
pub mod ops;
pub mod profile;
pub mod raw;
pub mod record;
pub mod spectest;
pub mod stack;
pub mod store;
pub mod table_mirror;
pub mod translate_each;
pub mod wasi;
pub mod wast;
pub mod watchdog;

pub use engine::{
    engine_by_name, translate_then_prepare, Engine, EngineError, FunctionTransform, PrepareError, PreparedModule,
    ENGINE_NAMES,
};
pub use fuel::MeteredEngine;
pub use instance::{instantiate, instantiate_module, Instance, InstantiateError};
pub use interp_engine::InterpEngine;
pub use invoke::{get_global, invoke, InvokeError};
pub use linker::{Linker, Resolver};
pub use spectest::define_spectest;
pub use stack::run_with_big_stack;
pub use store::{Extern, GlobalId, InstanceId, MemoryId, Store, StoreLimits, TableId, DEFAULT_INTERP_STACK_BYTES};
pub use wast::{run_wast_file, run_wast_text, WastConfig, WastError, WastReport};
