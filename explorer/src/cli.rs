//! The command-line grammar (clap). Each subcommand's behaviour lives in `cmd/`.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// wlab — a WebAssembly compiler laboratory.
#[derive(Parser, Debug)]
#[command(name = "wlab", version, about, disable_help_subcommand = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Show one function: its wasm operators, its IR, and the IR after each pass.
    Explore {
        /// A .wasm or .wat module.
        module: PathBuf,
        /// Function: an index, an export name, or a name-section name.
        #[arg(long)]
        func: String,
        /// Pipeline to run, e.g. `copy-prop,dce`, `licm(max-depth=2)`, `O2` (see `wlab passes`).
        #[arg(long)]
        passes: Option<String>,
        /// Show a unified diff per pass instead of the whole IR after it.
        #[arg(long)]
        diff: bool,
        /// Run the IR interpreter before and after every pass on the same inputs and
        /// name the first pass whose results differ.
        #[arg(long)]
        check: bool,
        /// Do not show the wasm operators.
        #[arg(long)]
        no_wasm: bool,
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
    },
    /// Run WebAssembly spec test scripts (.wast) and report `N passed, N failed, N skipped`.
    Wast {
        /// Scripts to run.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Engine: `interp` (the IR interpreter).
        #[arg(long, default_value = "interp")]
        engine: String,
    },
    /// List the registered passes with their descriptions and arguments.
    Passes,
    /// Measure translation (and optionally a pipeline) on generated functions of
    /// growing size; prints times per size so scaling can be judged.
    Scaling {
        /// Wasm instructions in the 1x function.
        #[arg(long, default_value_t = 50_000)]
        insts: usize,
        /// Locals in the generated function.
        #[arg(long, default_value_t = 1_000)]
        locals: usize,
        /// Size factors to measure, comma-separated.
        #[arg(long, default_value = "1,4,16", value_delimiter = ',')]
        factors: Vec<usize>,
        /// Pipeline to time after translation (none by default).
        #[arg(long)]
        passes: Option<String>,
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
    },
    /// Differential testing: run generated modules on wasmi and on an engine (optionally
    /// after a pipeline) and report every difference with the seed that reproduces it.
    Difftest(DifftestArgs),
}

/// `wlab difftest` options.
#[derive(Args, Debug, Clone)]
pub struct DifftestArgs {
    /// Engine under test (see `wlab wast --help`).
    #[arg(long, default_value = "interp")]
    pub engine: String,
    /// Pipeline run on every function first, e.g. `O2`.
    #[arg(long)]
    pub passes: Option<String>,
    /// Modules to generate.
    #[arg(long, default_value_t = 100)]
    pub count: u64,
    /// Seed of the first module (module i uses seed + i).
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Argument sets per exported function.
    #[arg(long, default_value_t = crate::difftest::DifftestOptions::default().arg_sets)]
    pub arg_sets: usize,
    /// Most functions per module.
    #[arg(long, default_value_t = crate::difftest::generate::GenOptions::default().max_funcs)]
    pub max_funcs: usize,
    /// Most instructions per function body.
    #[arg(long, default_value_t = crate::difftest::generate::GenOptions::default().max_instructions)]
    pub max_instructions: usize,
    /// Worker threads (0: one per core).
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
    /// Let half of the modules keep raw NaN bits (see the generator's docs): then a
    /// difference in NaN bits that reach integers or memory may be allowed.
    #[arg(long)]
    pub raw_nans: bool,
    /// Write the .wasm of every mismatching module into this directory.
    #[arg(long)]
    pub save: Option<PathBuf>,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
}
