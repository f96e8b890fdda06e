//! Engines as the command line chooses them: a name (`interp`, `x86_64`), the
//! allocator options of native engines, and optionally a pass pipeline run on every
//! function before the engine prepares the module ([`PipelineEngine`]). Shared by
//! `wlab wast`, `wlab run` and the differential tester, so every command means the same
//! thing by `--engine x86_64 --passes O2 --regs 8`. Never runs wasm itself.

use crate::CliError;
use std::sync::Arc;
use wlab_backends::{AllocAlgorithm, AllocOptions, BoundsChecks};
use wlab_ir::Module;
use wlab_passes::pipeline::Pipeline;
use wlab_runtime::{Engine, EngineError, PreparedModule};

/// What `--engine`, `--passes`, `--regalloc`, `--regs` ask for.
#[derive(Clone, Debug, Default)]
pub struct EngineChoice {
    pub engine: String,
    pub passes: Option<String>,
    pub regalloc: Option<String>,
    pub regs: Option<usize>,
    pub bounds_checks: Option<String>,
}

/// `--bounds-checks` (unknown names list the valid ones).
pub fn bounds_option(s: Option<&str>) -> Result<BoundsChecks, CliError> {
    match s {
        None => Ok(BoundsChecks::Guard),
        Some(s) => BoundsChecks::from_name(s).ok_or_else(|| {
            CliError::Other(format!("unknown bounds-check mode `{s}`; valid: {}", BoundsChecks::NAMES.join(", ")))
        }),
    }
}

/// Allocation options from `--regalloc` / `--regs` (unknown names list the valid ones).
pub fn alloc_options(regalloc: Option<&str>, regs: Option<usize>) -> Result<AllocOptions, CliError> {
    let algorithm = match regalloc {
        None => AllocAlgorithm::Ion,
        Some(s) => AllocAlgorithm::from_name(s).ok_or_else(|| {
            CliError::Other(format!("unknown register allocator `{s}`; valid: {}", AllocAlgorithm::NAMES.join(", ")))
        })?,
    };
    Ok(AllocOptions { algorithm, regs, check: false, ..AllocOptions::default() })
}

/// Builds the engine described by `choice`.
pub fn make_engine(choice: &EngineChoice) -> Result<Box<dyn Engine>, CliError> {
    let alloc = alloc_options(choice.regalloc.as_deref(), choice.regs)?;
    let base: Box<dyn Engine> = match choice.engine.as_str() {
        "x86_64" => Box::new(wlab_runtime::native::NativeEngine {
            alloc,
            features: None,
            bounds: bounds_option(choice.bounds_checks.as_deref())?,
            threads: None,
        }),
        #[cfg(feature = "unicorn")]
        "aarch64" => Box::new(wlab_runtime::native_aarch64::Aarch64Engine {
            alloc,
            // Explicit unless asked: guard regions under Unicorn allow partial stores.
            bounds: match choice.bounds_checks.as_deref() {
                None => BoundsChecks::Explicit,
                Some(s) => bounds_option(Some(s))?,
            },
        }),
        name => {
            if choice.regalloc.is_some() || choice.regs.is_some() || choice.bounds_checks.is_some() {
                if name == "interp" {
                    return Err(CliError::Other(
                        "--regalloc, --regs and --bounds-checks apply to native engines, not interp".into(),
                    ));
                }
            }
            wlab_runtime::engine_by_name(name).map_err(|e| CliError::Other(e.to_string()))?
        }
    };
    match &choice.passes {
        None => Ok(base),
        Some(p) => Ok(Box::new(PipelineEngine { pipeline: crate::pipeline::parse_pipeline(p)?, inner: base })),
    }
}

/// An engine that runs a pass pipeline on every function before its inner engine
/// prepares the module.
pub struct PipelineEngine {
    pub pipeline: Pipeline,
    pub inner: Box<dyn Engine>,
}

impl Engine for PipelineEngine {
    fn name(&self) -> &'static str {
        self.inner.name()
    }

    fn prepare(&self, module: Arc<Module>) -> Result<Arc<dyn PreparedModule>, EngineError> {
        let mut m = (*module).clone();
        // Functions are independent: the pipeline runs on them in parallel.
        use rayon::prelude::*;
        // The first failure in function order is reported, whatever the thread timing.
        let failed = m
            .functions
            .par_iter_mut()
            .map(|f| crate::pipeline::apply(f, &self.pipeline).err().map(|e| (f.name.clone(), e.to_string())))
            .collect::<Vec<_>>()
            .into_iter()
            .flatten()
            .next();
        if let Some((name, e)) = failed {
            return Err(EngineError::Unsupported {
                engine: self.inner.name(),
                reason: format!("pipeline failed on {name}: {e}"),
            });
        }
        self.inner.prepare(Arc::new(m))
    }
}
