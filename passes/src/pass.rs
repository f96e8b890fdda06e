//! The `Pass` trait: what every pass implements, and what it reports.
//!
//! A pass is a small type that rewrites one function and tells the truth about what it
//! did: whether anything changed (the pass manager checks this against the printed IR;
//! it never trusts it) and a few counters of its own (`hoisted=3`).
//! A pass never keeps analyses between runs; it computes the CFG, dominator tree or
//! loops it needs from the function it is given.
//!
//! A [`ModulePass`] sees every function of the module at once (the `inline` pass needs
//! its callees' bodies). It reports the same counters plus notes: what it skipped and
//! why. The manager, not the pass, measures which functions it changed.

use std::collections::BTreeMap;
use std::fmt;
use wlab_ir::Function;

/// What a run changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Changed {
    /// The function is exactly as it was (its printed text is identical).
    Nothing,
    /// Instructions or values changed; the block graph did not.
    Instructions,
    /// Blocks or edges changed (CFG analyses must be recomputed).
    ControlFlow,
}

impl Changed {
    pub fn any(self) -> bool {
        self != Changed::Nothing
    }
}

/// The result of running a pass on one function.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PassOutcome {
    pub changed: Changed,
    /// Pass-specific counters, by name (`hoisted`, `folded`, ...), sorted.
    pub counters: BTreeMap<&'static str, u64>,
}

impl PassOutcome {
    pub fn unchanged() -> Self {
        PassOutcome { changed: Changed::Nothing, counters: BTreeMap::new() }
    }

    /// Adds `n` to counter `name` (creating it).
    pub fn count(&mut self, name: &'static str, n: u64) {
        *self.counters.entry(name).or_insert(0) += n;
    }
}

/// Why a pass could not run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PassError {
    /// The function has a shape the pass does not handle; the message says what.
    Unsupported(String),
    /// An argument given to the pass is out of range or malformed.
    BadArgument(String),
}

impl fmt::Display for PassError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PassError::Unsupported(m) => write!(f, "unsupported: {m}"),
            PassError::BadArgument(m) => write!(f, "bad argument: {m}"),
        }
    }
}

impl std::error::Error for PassError {}

/// A function-level transformation.
pub trait Pass {
    /// The registry name (kebab-case), e.g. `copy-prop`.
    fn name(&self) -> &'static str;
    /// Rewrites `func` in place and reports what changed.
    fn run(&mut self, func: &mut Function) -> Result<PassOutcome, PassError>;
}

/// The result of running a module pass on every function of a module.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ModuleOutcome {
    /// The positions in `funcs` of the functions the pass changed, and how (the manager
    /// checks this against the functions' fingerprints).
    pub changed: BTreeMap<usize, Changed>,
    /// Pass-specific counters over the whole module (`inlined`, `callers-grown`), sorted.
    pub counters: BTreeMap<&'static str, u64>,
    /// One line per thing worth saying that a counter cannot (a skipped call and why),
    /// in a deterministic order.
    pub notes: Vec<String>,
}

impl ModuleOutcome {
    /// Adds `n` to counter `name` (creating it).
    pub fn count(&mut self, name: &'static str, n: u64) {
        *self.counters.entry(name).or_insert(0) += n;
    }
}

/// A module-level transformation: it may read and rewrite every function of the module.
/// `funcs` holds the module's defined functions in index order; a function's wasm index
/// is its `wasm_index` (hand-written IR may have none). A function whose body is not in
/// `funcs` (an import, a function that failed to translate, or everything else when only
/// one function was given) is opaque to the pass.
pub trait ModulePass {
    /// The registry name (kebab-case), e.g. `inline`.
    fn name(&self) -> &'static str;
    /// Rewrites `funcs` in place and reports what it did.
    fn run(&mut self, funcs: &mut [Function]) -> Result<ModuleOutcome, PassError>;
}
