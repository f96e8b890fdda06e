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
        /// Compile for a target and show VCode, allocation, disassembly and stats (`x86_64`, `aarch64`).
        #[arg(long)]
        target: Option<String>,
        #[command(flatten)]
        alloc: AllocArgs,
        /// Disassembly syntax: `intel` or `att`.
        #[arg(long, default_value = "intel")]
        syntax: String,
        /// Interleave the disassembly with the IR instructions and wasm offsets it came from.
        #[arg(long)]
        interleave: bool,
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
    /// Run a pipeline on every function of a module and compile it: per module, the
    /// passes' summary (e-graph stop reasons and iterations, top rules) and machine-code
    /// statistics per function and in total (instructions, bytes, loads, stores, calls,
    /// spills, reloads, moves) with compile throughput.
    Stats {
        /// A .wasm or .wat module.
        module: PathBuf,
        /// Pipeline to run before compiling (see `wlab passes`).
        #[arg(long)]
        passes: Option<String>,
        /// Target: `x86_64` or `aarch64`.
        #[arg(long, default_value = "x86_64")]
        target: String,
        #[command(flatten)]
        alloc: AllocArgs,
        /// A rule file added to every `egraph` pass in the pipeline.
        #[arg(long)]
        rules: Option<PathBuf>,
        /// Same as `--format json`.
        #[arg(long)]
        json: bool,
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
    },
    /// Run WebAssembly spec test scripts (.wast) and report `N passed, N failed, N skipped`.
    Wast {
        /// Scripts to run.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Engine: `interp` (the IR interpreter), `x86_64` (native code) or `aarch64` (emulated; built with the `unicorn` feature).
        #[arg(long, default_value = "interp")]
        engine: String,
        /// Pipeline to run on every function before the engine prepares it (e.g. `O2`).
        #[arg(long)]
        passes: Option<String>,
        #[command(flatten)]
        alloc: AllocArgs,
    },
    /// Run a WASI command module's `_start` (or one export with `--invoke`). Exit status:
    /// the program's `proc_exit` code, or 134 after a trap.
    Run {
        /// Engine: `x86_64` (native, the default), `interp`, or `aarch64` (emulated).
        #[arg(long, default_value = "x86_64")]
        engine: String,
        /// Pipeline to run on every function before preparing (`O0` for none).
        #[arg(long, default_value = "O2")]
        passes: Option<String>,
        #[command(flatten)]
        alloc: AllocArgs,
        /// Grant a host directory to the guest, as `HOST` or `HOST::GUEST` (repeatable).
        #[arg(long = "dir", value_name = "HOST[::GUEST]")]
        dirs: Vec<String>,
        /// Set a guest environment variable (repeatable); nothing is inherited.
        #[arg(long = "env", value_name = "K=V")]
        env: Vec<String>,
        /// Call this export instead of `_start`; the arguments after the module are its values.
        #[arg(long, value_name = "NAME")]
        invoke: Option<String>,
        /// Print compile, instantiate and measured-region (bench.start..bench.end) times on stderr.
        #[arg(long)]
        bench_report: bool,
        /// A .wasm or .wat module.
        module: PathBuf,
        /// Arguments for the program (argv[1..]), or the values for `--invoke`.
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Run benchmark modules on wlab engines and on wasmtime and V8 when present; check
    /// their stdout and print compile and measured-region medians with ratios.
    Bench {
        /// Modules or folders of modules (default: ../shared/bench).
        paths: Vec<PathBuf>,
        /// wlab engine to run (repeatable).
        #[arg(long = "engine", default_value = "x86_64")]
        engines: Vec<String>,
        /// Pipeline for the wlab engines (`O0` for none).
        #[arg(long, default_value = "O2")]
        passes: Option<String>,
        #[command(flatten)]
        alloc: AllocArgs,
        /// Runs per module and engine (interleaved); medians are reported.
        #[arg(long, default_value_t = 3)]
        runs: usize,
        /// Seconds after which one run is killed and counted as failed.
        #[arg(long, default_value_t = 120)]
        timeout: u64,
        /// Do not run wasmtime or node even when they are present.
        #[arg(long)]
        no_peers: bool,
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
    },
    /// List the registered passes with their descriptions and arguments.
    Passes,
    /// The e-graph's compile-time budget: for the largest function of each module, the
    /// median time of the `egraph` pass against the rest of the pipeline's passes.
    EgraphBudget {
        /// Modules or folders of modules (default: ../shared/bench).
        paths: Vec<PathBuf>,
        /// Pipeline to run (must contain `egraph`).
        #[arg(long, default_value = "O2")]
        passes: String,
        /// A rule file added to every `egraph` pass in the pipeline.
        #[arg(long)]
        rules: Option<PathBuf>,
        /// Runs per function; medians are reported.
        #[arg(long, default_value_t = 5)]
        runs: usize,
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
    },
    /// Measure translation (and optionally a pipeline) on generated functions of
    /// growing size; prints times per size so scaling can be judged.
    Scaling {
        /// What to generate: `mixed` (arithmetic, memory, calls, shallow control flow),
        /// `nested-if` (`if` + `loop` nested `--levels` deep), `nested-block` (`block`s
        /// nested `--levels` deep) or `live-locals` (`--locals` locals all live at once).
        #[arg(long, default_value = "mixed")]
        shape: String,
        /// Wasm instructions in the 1x `mixed` function.
        #[arg(long, default_value_t = 50_000)]
        insts: usize,
        /// Locals in the `mixed` function; the 1x size of `live-locals`.
        #[arg(long, default_value_t = 1_000)]
        locals: usize,
        /// Nesting depth of the 1x `nested-if` / `nested-block` function.
        #[arg(long, default_value_t = 10_000)]
        levels: usize,
        /// Also time compiling the function (after the pipeline) for this target.
        #[arg(long)]
        target: Option<String>,
        /// Write each generated module to this directory as `<shape>-<size>.wat`.
        #[arg(long)]
        save: Option<std::path::PathBuf>,
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

/// Register allocation options shared by every command that compiles.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct AllocArgs {
    /// Register allocator: `ion` (default) or `fastalloc`.
    #[arg(long)]
    pub regalloc: Option<String>,
    /// Allocate with only N integer and N float registers (register-pressure experiments).
    #[arg(long)]
    pub regs: Option<usize>,
    /// Linear-memory bounds: `guard` (default: guard regions, no code) or `explicit`
    /// (a compare before every access).
    #[arg(long)]
    pub bounds_checks: Option<String>,
}
