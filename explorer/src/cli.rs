//! The command-line grammar (clap). Each subcommand's behaviour lives in `cmd/`.

use clap::{Parser, Subcommand, ValueEnum};
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
        /// Show the saturated e-graph of every `egraph` pass run (e-classes with their
        /// nodes; Graphviz DOT too for small graphs).
        #[arg(long)]
        egraph_dump: bool,
        /// A rule file added to every `egraph` pass in the pipeline.
        #[arg(long)]
        rules: Option<PathBuf>,
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
    },
    /// Run a pipeline on every function of a module and summarise per module: stop
    /// reasons and iterations of the e-graph, top rules, and a row per function.
    Stats {
        /// A .wasm or .wat module.
        module: PathBuf,
        /// Pipeline to run (see `wlab passes`).
        #[arg(long, default_value = "egraph")]
        passes: String,
        /// A rule file added to every `egraph` pass in the pipeline.
        #[arg(long)]
        rules: Option<PathBuf>,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
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
}
