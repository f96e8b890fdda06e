//! Engines as the command line chooses them: a name (`interp`, `x86_64`), the
//! allocator options of native engines, and optionally a pass pipeline run on every
//! function before the engine prepares the module ([`PipelineEngine`]). Shared by
//! `wlab wast`, `wlab run` and `wlab difftest` (and so `wlab bench`, which runs
//! `wlab run`), so every command means the same thing by
//! `--engine x86_64 --passes O2 --regs 8`; `explore` and `stats` use the same allocator
//! checks ([`alloc_options`]). Metering for `--fuel` / `--timeout` wraps the engine inside
//! the pipeline, so the checks are added after the passes ran. Never runs wasm itself.

use crate::cli::{AllocArgs, EngineArgs, PipelineArgs};
use crate::CliError;
use std::sync::Arc;
use wlab_backends::{AllocAlgorithm, AllocOptions, BoundsChecks, Target};
use wlab_ir::translate::ModuleReader;
use wlab_ir::{Function, Module};
use wlab_passes::pipeline::{Pipeline, Segment};
use wlab_runtime::{Engine, EngineError, FunctionTransform, PrepareError, PreparedModule};

/// `--bounds-checks` (unknown names list the valid ones).
pub fn bounds_option(s: Option<&str>) -> Result<BoundsChecks, CliError> {
    match s {
        None => Ok(BoundsChecks::Guard),
        Some(s) => BoundsChecks::from_name(s).ok_or_else(|| {
            CliError::Other(format!("unknown bounds-check mode `{s}`; valid: {}", BoundsChecks::NAMES.join(", ")))
        }),
    }
}

/// `--cpu-features` for code compiled for `target`: `None` when not given (the engines
/// and compilers then use what this machine has). Unknown names list the valid ones; the
/// option applies to x86-64 only.
pub fn cpu_features_option(
    alloc: &AllocArgs,
    target: Target,
) -> Result<Option<wlab_backends::x64::CpuFeatures>, CliError> {
    let Some(s) = alloc.cpu_features.as_deref() else { return Ok(None) };
    if target != Target::X86_64 {
        return Err(CliError::Other(format!("--cpu-features applies to x86_64, not {}", target.name())));
    }
    use wlab_backends::x64::CpuFeatures;
    CpuFeatures::from_name(s).map(Some).ok_or_else(|| {
        CliError::Other(format!("unknown CPU feature set `{s}`; valid: {}", CpuFeatures::NAMES.join(", ")))
    })
}

/// Allocation options from `--regalloc` / `--regs` for code compiled for `target`
/// (unknown names list the valid ones; a register count the target cannot allocate is
/// an error naming what it can).
pub fn alloc_options(alloc: &AllocArgs, target: Target) -> Result<AllocOptions, CliError> {
    let algorithm = match alloc.regalloc.as_deref() {
        None => AllocAlgorithm::Ion,
        Some(s) => AllocAlgorithm::from_name(s).ok_or_else(|| {
            CliError::Other(format!("unknown register allocator `{s}`; valid: {}", AllocAlgorithm::NAMES.join(", ")))
        })?,
    };
    if let Some(n) = alloc.regs {
        let c = target.register_counts();
        if n > c.max() {
            return Err(CliError::Other(format!(
                "--regs {n} is more than {} can allocate: it has {} integer and {} float registers, so --regs takes at most {}",
                target.name(),
                c.int,
                c.float,
                c.max()
            )));
        }
        if n < c.min {
            return Err(CliError::Other(format!(
                "--regs {n} is too few: {} needs at least {} registers per class",
                target.name(),
                c.min
            )));
        }
    }
    let ion_max_live = alloc.ion_max_live.unwrap_or(wlab_backends::regalloc::ION_MAX_LIVE);
    let ion_merge_max_ranges = alloc.ion_merge_max_ranges.unwrap_or(wlab_backends::regalloc::ION_MERGE_MAX_RANGES);
    let ion_max_conflicts = alloc.ion_max_conflicts.unwrap_or(wlab_backends::regalloc::ION_MAX_CONFLICTS);
    Ok(AllocOptions {
        algorithm,
        regs: alloc.regs,
        check: false,
        ion_max_live,
        ion_merge_max_ranges,
        ion_max_conflicts,
    })
}

/// The target whose code an engine runs; `None` for engines that run no machine code
/// (`interp`). The name must be an engine name (`wlab_runtime::ENGINE_NAMES`).
pub fn engine_target(engine: &str) -> Option<Target> {
    match engine {
        "interp" => None,
        name => Target::from_name(name),
    }
}

/// Builds the engine `engine` names with the allocator options `alloc`, without a
/// pipeline (the differential tester runs its pipeline itself, to report its failures
/// as mismatches).
pub fn make_base_engine(engine: &str, alloc: &AllocArgs) -> Result<Box<dyn Engine>, CliError> {
    // Unknown names first, so they are reported before anything about their options.
    let named = wlab_runtime::engine_by_name(engine).map_err(|e| CliError::Other(e.to_string()))?;
    let Some(target) = engine_target(engine) else {
        if alloc.any() {
            return Err(CliError::Other(format!(
                "--regalloc, --regs, --bounds-checks, --ion-max-live and --cpu-features apply to native engines, not {engine}"
            )));
        }
        return Ok(named);
    };
    let opts = alloc_options(alloc, target)?;
    let bounds = bounds_option(alloc.bounds_checks.as_deref())?;
    let features = cpu_features_option(alloc, target)?;
    Ok(match target {
        Target::X86_64 => Box::new(wlab_runtime::native::NativeEngine { alloc: opts, features, bounds, threads: None }),
        #[cfg(feature = "unicorn")]
        Target::Aarch64 => Box::new(wlab_runtime::native_aarch64::Aarch64Engine {
            alloc: opts,
            // Explicit unless asked: guard regions under Unicorn allow partial stores.
            bounds: match alloc.bounds_checks {
                None => BoundsChecks::Explicit,
                Some(_) => bounds,
            },
        }),
        // Unreachable: `engine_by_name` refused `aarch64` in a build without Unicorn.
        #[cfg(not(feature = "unicorn"))]
        Target::Aarch64 => named,
    })
}

/// Builds the engine of `--engine` and the allocator options, running the pipeline of
/// `--passes` / `--rules` (its e-graph costed for the engine's target) on every function
/// before the engine prepares the module.
/// With `metered`, the code is metered for fuel and timeouts (`wlab_runtime::fuel`) after the
/// pipeline ran.
pub fn make_engine(engine: &EngineArgs, pipeline: &PipelineArgs, metered: bool) -> Result<Box<dyn Engine>, CliError> {
    let base = make_base_engine(&engine.engine, &engine.alloc)?;
    let base: Box<dyn Engine> = if metered { Box::new(wlab_runtime::MeteredEngine { inner: base }) } else { base };
    match crate::pipeline::from_args(pipeline, engine_target(&engine.engine))? {
        None => Ok(base),
        Some(p) => Ok(Box::new(PipelineEngine { pipeline: p, inner: base })),
    }
}

/// An engine that runs a pass pipeline on every function before its inner engine
/// compiles it: for a pipeline of function steps only, inside the engine's per-function
/// task ([`Engine::prepare_reader`], [`Engine::prepare_transformed`]; on x86-64 the task
/// translates its function too); with module passes, over the whole module first.
pub struct PipelineEngine {
    pub pipeline: Pipeline,
    pub inner: Box<dyn Engine>,
}

/// A pipeline failure as the engine's error.
fn pipeline_failed(engine: &'static str) -> impl Fn(CliError) -> EngineError {
    move |e| EngineError::Unsupported { engine, reason: format!("pipeline failed: {e}") }
}

impl Engine for PipelineEngine {
    fn name(&self) -> &'static str {
        self.inner.name()
    }

    fn prepare_reader(
        &self,
        reader: ModuleReader<'_>,
        transform: Option<&FunctionTransform<'_>>,
    ) -> Result<Arc<dyn PreparedModule>, PrepareError> {
        match (self.pipeline.segments().as_slice(), transform) {
            ([], None) => self.inner.prepare_reader(reader, None),
            // Function steps only (O1, O2, ...): each function is translated and rewritten
            // where the engine compiles it (`Engine::prepare_reader`).
            ([Segment::Functions { steps, .. }], None) => {
                let failed = pipeline_failed(self.inner.name());
                let transform = |f: &mut Function| crate::pipeline::apply(f, steps).map_err(&failed);
                self.inner.prepare_reader(reader, Some(&transform))
            }
            // Module passes need the whole module translated first.
            _ => wlab_runtime::translate_then_prepare(self, reader, transform),
        }
    }

    fn prepare(&self, module: Arc<Module>) -> Result<Arc<dyn PreparedModule>, EngineError> {
        let failed = pipeline_failed(self.inner.name());
        let segments = self.pipeline.segments();
        match segments.as_slice() {
            [] => self.inner.prepare(module),
            // Function steps only (O1, O2, ...): each function is rewritten where the
            // engine compiles it, in the same task (`Engine::prepare_transformed`).
            [Segment::Functions { steps, .. }] => {
                let transform = |f: &mut Function| crate::pipeline::apply(f, steps).map_err(&failed);
                self.inner.prepare_transformed(module, &transform)
            }
            // Module passes need every function rewritten up to them: function steps run
            // on the functions in parallel, module passes over all of them
            // (`pipeline::apply_module`); the error names the function or the module pass.
            _ => {
                // The caller usually hands the only reference over: then the IR is
                // rewritten in place instead of copied (every function held twice at the peak).
                let mut m = Arc::try_unwrap(module).unwrap_or_else(|shared| (*shared).clone());
                crate::pipeline::apply_module(&mut m.functions, &self.pipeline).map_err(failed)?;
                self.inner.prepare(Arc::new(m))
            }
        }
    }
}
