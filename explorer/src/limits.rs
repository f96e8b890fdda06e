//! The resource limits of a wasm run, as `wlab run`, `wlab wast` and `wlab bench` take
//! them (one option group, [`LimitArgs`]): fuel, time, memory pages and the
//! interpreter's stack. Turns them into the runtime's [`StoreLimits`], a metered engine
//! ([`wlab_runtime::MeteredEngine`]) when fuel or time is limited, and settings on a
//! [`Store`]. Never runs wasm itself.
//!
//! Without `--fuel` and `--timeout` the engine is not metered: the code is exactly what
//! it is without this file.

use crate::CliError;
use std::time::Duration;
use wlab_runtime::store::MAX_WASM_PAGES;
use wlab_runtime::{Engine, MeteredEngine, Store, StoreLimits};

/// Resource limits of a run.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct LimitArgs {
    /// End the program with an `out of fuel` trap (exit 134) after N units of fuel; one
    /// unit is one function entry or one arrival at a loop header (each loop iteration).
    #[arg(long, value_name = "N")]
    pub fuel: Option<u64>,
    /// End the program with a `timeout` trap (exit 134) after SECONDS of running
    /// (fractions allowed). `wast`: per script. `bench`, `sweep --run`: per run, default
    /// 120 (a run still going then is killed; given explicitly, wlab runs also end with
    /// the trap).
    #[arg(long, value_name = "SECONDS")]
    pub timeout: Option<f64>,
    /// Pages (64 KiB) one linear memory may have, at most 65536 (4 GiB, the default):
    /// `memory.grow` past it returns -1, a larger initial memory fails to instantiate.
    #[arg(long, value_name = "N")]
    pub max_memory_pages: Option<u64>,
    /// Bytes the `interp` engine's frames may take (value arrays and host stack) before
    /// a stack-overflow trap; default 268435456 (256 MiB).
    #[arg(long, value_name = "BYTES")]
    pub max_interp_stack: Option<u64>,
}

impl LimitArgs {
    /// The store limits these options ask for (the runtime's defaults for the rest).
    pub fn store_limits(&self) -> Result<StoreLimits, CliError> {
        let mut limits = StoreLimits::default();
        if let Some(p) = self.max_memory_pages {
            if p > MAX_WASM_PAGES {
                return Err(CliError::Other(format!(
                    "--max-memory-pages {p} is more than a 32-bit memory can have ({MAX_WASM_PAGES})"
                )));
            }
            limits.memory_pages = p;
        }
        if let Some(b) = self.max_interp_stack {
            limits.interp_stack_bytes = b;
        }
        Ok(limits)
    }

    /// `--timeout` as a duration, checked.
    pub fn timeout(&self) -> Result<Option<Duration>, CliError> {
        match self.timeout {
            None => Ok(None),
            Some(s) => match Duration::try_from_secs_f64(s) {
                Ok(d) if s > 0.0 => Ok(Some(d)),
                _ => Err(CliError::Other(format!("--timeout expects a positive number of seconds, got {s}"))),
            },
        }
    }

    /// Whether code must be metered (fuel or time is limited).
    pub fn metered(&self) -> bool {
        self.fuel.is_some() || self.timeout.is_some()
    }

    /// `engine`, metered when fuel or time is limited.
    pub fn wrap(&self, engine: Box<dyn Engine>) -> Box<dyn Engine> {
        if self.metered() {
            Box::new(MeteredEngine { inner: engine })
        } else {
            engine
        }
    }

    /// A store with these limits, its fuel set and its timeout started.
    pub fn store(&self) -> Result<Store, CliError> {
        let mut store = Store::with_limits(self.store_limits()?);
        store.set_fuel(self.fuel);
        if let Some(t) = self.timeout()? {
            store.set_timeout(t);
        }
        Ok(store)
    }

    /// The same options as `wlab run` arguments (for `wlab bench`'s child runs).
    pub fn run_args(&self) -> Vec<String> {
        let mut a = Vec::new();
        if let Some(f) = self.fuel {
            a.extend(["--fuel".to_string(), f.to_string()]);
        }
        if let Some(t) = self.timeout {
            a.extend(["--timeout".to_string(), t.to_string()]);
        }
        if let Some(p) = self.max_memory_pages {
            a.extend(["--max-memory-pages".to_string(), p.to_string()]);
        }
        if let Some(b) = self.max_interp_stack {
            a.extend(["--max-interp-stack".to_string(), b.to_string()]);
        }
        a
    }
}
