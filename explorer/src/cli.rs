//! The command-line grammar (clap). Each subcommand's behaviour lives in `cmd.rs`.
//!
//! Options that several subcommands take are defined once, as groups flattened into
//! each subcommand: [`PipelineArgs`] (`--passes`, `--rules`), [`EngineArgs`]
//! (`--engine` + [`AllocArgs`]), [`TargetArgs`] (`--target` + [`AllocArgs`]),
//! [`AllocArgs`] (`--regalloc`, `--regs`, `--bounds-checks`, `--ion-max-live`,
//! `--cpu-features`) and [`OutputArgs`]
//! (`--format`, `--json`, `-o/--output`). A subcommand whose default differs sets it with
//! `#[command(mut_arg(..))]` on its variant. This file only declares; it never checks
//! what the values mean (`engines.rs`, `pipeline.rs` and `cmd.rs` do).

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
    /// One self-contained HTML page (`wlab explore` only).
    Html,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Show one function: its wasm operators, its IR, and the IR after each pass.
    Explore(ExploreArgs),
    /// Run a pipeline on every function of a module and compile it: per module, the
    /// passes' summary (e-graph stop reasons and iterations, top rules) and machine-code
    /// statistics per function and in total (instructions, bytes, loads, stores, calls,
    /// spills, reloads, moves) with compile throughput.
    #[command(mut_arg("target", |a| a.default_value("x86_64")))]
    Stats {
        /// A .wasm or .wat module.
        module: PathBuf,
        #[command(flatten)]
        pipeline: PipelineArgs,
        #[command(flatten)]
        target: TargetArgs,
        /// Translation-validate every pass on every function (random trials, and the
        /// recorded states of `--states`); exit 1 on a mismatch, 3 when a changed
        /// function had no conclusive trial.
        #[arg(long)]
        check: bool,
        /// With `--check`: also replay the states `wlab run --record DIR` saved.
        #[arg(long, value_name = "DIR", requires = "check")]
        states: Option<PathBuf>,
        /// Instead of wlab's own table: each function's x86-64 code side by side with
        /// another compiler's for the same module (`cranelift`: wasmtime's, through the
        /// `wasmtime` Python package importable with `$WLAB_PYTHON`), both read back and
        /// counted alike (instructions, bytes, loads, stores, stack loads and stores, calls).
        #[arg(long, value_enum, value_name = "COMPILER", conflicts_with = "check")]
        peer: Option<crate::peer_code::Peer>,
        /// With `--peer`: only these functions (comma-separated indices, export or
        /// name-section names).
        #[arg(long, value_name = "F,G,...", value_delimiter = ',', requires = "peer")]
        funcs: Vec<String>,
        /// With `--peer`: only the K functions with the most wlab instructions.
        #[arg(long, value_name = "K", requires = "peer")]
        top: Option<usize>,
        /// With `--peer`: how long the peer may take to compile the module, in seconds.
        #[arg(long, value_name = "SECS", default_value_t = 600, requires = "peer")]
        peer_timeout: u64,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Compile every function of a module (after the pipeline) and write an ELF relocatable
    /// object: one symbol per function, relocations for direct calls and libcalls.
    #[command(mut_arg("target", |a| a.default_value("x86_64")))]
    Compile {
        /// A .wasm or .wat module.
        module: PathBuf,
        #[command(flatten)]
        pipeline: PipelineArgs,
        #[command(flatten)]
        target: TargetArgs,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Run a pipeline on every function (or `--func F`) and write the optimised IR in the
    /// text format `wlab explore FILE.ir` reads back.
    Opt {
        /// A .wasm or .wat module, or an .ir file.
        module: PathBuf,
        /// Only this function: an index, an export name or a name-section name (in an .ir
        /// file: its name or position).
        #[arg(long)]
        func: Option<String>,
        #[command(flatten)]
        pipeline: PipelineArgs,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Run WebAssembly spec test scripts (.wast) and report `N passed, N failed, N skipped`.
    #[command(mut_arg("engine", |a| a.default_value("interp")))]
    Wast {
        /// Scripts to run.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[command(flatten)]
        engine: EngineArgs,
        #[command(flatten)]
        pipeline: PipelineArgs,
        #[command(flatten)]
        output: OutputArgs,
        #[command(flatten)]
        limits: crate::limits::LimitArgs,
    },
    /// Run a WASI command module's `_start` (or one export with `--invoke`). Exit status:
    /// the program's `proc_exit` code, or 134 after a trap.
    #[command(mut_arg("passes", |a| a.default_value("O2")))]
    Run {
        #[command(flatten)]
        engine: EngineArgs,
        #[command(flatten)]
        pipeline: PipelineArgs,
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
        /// Stop after compiling (reading, translating, the pipeline and code generation):
        /// nothing is instantiated or run, so a module whose imports wlab does not provide
        /// (not WASI) can be timed too; exit status 0 (`wlab bench --compile-only`).
        #[arg(long)]
        compile_only: bool,
        /// Profile the compiled code (x86_64 engine only): `perfmap` writes perf's map
        /// /tmp/perf-PID.map (for `perf record` + `perf report`); `jitdump` writes
        /// /tmp/jit-PID.dump (for `perf record -k mono` + `perf inject --jit`); `sample` samples the running
        /// function every millisecond and prints the hottest functions on stderr.
        #[arg(long, value_name = "MODE")]
        profile: Option<String>,
        /// With `--profile sample`: write the profile to FILE as JSON instead of stderr.
        #[arg(long, value_name = "FILE")]
        profile_out: Option<PathBuf>,
        #[command(flatten)]
        record: RecordArgs,
        /// Write a hash of memory 0 at the end of the run into this file (hex, one line).
        #[arg(long, value_name = "FILE")]
        memory_hash: Option<PathBuf>,
        #[command(flatten)]
        limits: crate::limits::LimitArgs,
        /// A .wasm or .wat module.
        module: PathBuf,
        /// Arguments for the program (argv[1..]), or the values for `--invoke`.
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Run benchmark modules on wlab configurations and on wasmtime and V8 when present;
    /// check their stdout and print min / median / max of compile and measured-region
    /// times with ratios. Exit status 1 when any run failed.
    Bench(crate::bench::BenchArgs),
    /// Measure a grid of configurations (targets x allocators x register counts x
    /// pipelines x e-graph limits) over modules on every core and write one tidy table
    /// (CSV or JSON lines): a row per (module, function, configuration), a `module` row of
    /// totals per cell, and with `--run R` a `run` row of run times. Rerunning with the
    /// same `--out` keeps the cells already in it. Columns: see the README.
    Sweep(crate::sweep::SweepArgs),
    /// List the registered passes with their descriptions and arguments, and the presets.
    Passes {
        #[command(flatten)]
        output: OutputArgs,
    },
    /// The e-graph's compile-time budget: for the largest function of each module, the
    /// median time of the `egraph` pass against the rest of the pipeline's passes.
    #[command(mut_arg("passes", |a| a.default_value("O2")))]
    EgraphBudget {
        /// Modules or folders of modules (default: ../shared/bench).
        paths: Vec<PathBuf>,
        #[command(flatten)]
        pipeline: PipelineArgs,
        /// Runs per function; medians are reported.
        #[arg(long, default_value_t = 5)]
        runs: usize,
        #[command(flatten)]
        output: OutputArgs,
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
        #[command(flatten)]
        pipeline: PipelineArgs,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Differential testing: run generated modules on wasmi and on an engine (optionally
    /// after a pipeline) and report every difference with the seed that reproduces it.
    #[command(mut_arg("engine", |a| a.default_value("interp")))]
    Difftest(DifftestArgs),
    /// Work with e-graph rule files (`wlab rules prove`).
    Rules {
        #[command(subcommand)]
        command: RulesCommand,
    },
}

/// `wlab rules ...`.
#[derive(Subcommand, Debug)]
pub enum RulesCommand {
    /// Prove rewrite rules with the SMT solver z3 under WebAssembly semantics: per rule
    /// `proved`, `counterexample` (inputs, the IR the rule would change and the two
    /// results, run by the IR interpreter) or `unknown` (with the reason), then
    /// `N proved, N counterexamples, N unknown`. Exit status 1 on any counterexample.
    Prove(ProveArgs),
}

/// `wlab rules prove` options.
#[derive(Args, Debug, Clone)]
pub struct ProveArgs {
    /// Rule files to prove (default: every shipped rule file). Each rule is proved on
    /// its own, so a file's rules need no other file.
    pub files: Vec<PathBuf>,
    /// Prove only the rules whose name contains this text.
    #[arg(long, value_name = "TEXT")]
    pub rule: Option<String>,
    /// Time limit per rule, in milliseconds (a rule not settled in time is `unknown`).
    #[arg(long, value_name = "MS", default_value_t = wlab_passes::egraph::prove::DEFAULT_TIMEOUT_MS)]
    pub timeout_ms: u64,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// `wlab explore` options (also what a file test's header becomes: see `filetest.rs`).
#[derive(Args, Debug, Clone)]
pub struct ExploreArgs {
    /// A .wasm or .wat module, or an .ir file (functions in the IR text format).
    pub module: PathBuf,
    /// Function: an index, an export name, or a name-section name (in an .ir file: its
    /// name, or its position from 0).
    #[arg(long)]
    pub func: String,
    #[command(flatten)]
    pub pipeline: PipelineArgs,
    /// Show a unified diff per pass instead of the whole IR after it.
    #[arg(long)]
    pub diff: bool,
    /// Run the IR interpreter before and after every pass on the same inputs and
    /// name the first pass whose results differ; says how many trials were conclusive
    /// (exit 3 when none was for a pass that changed the function).
    #[arg(long)]
    pub check: bool,
    /// With `--check`: also replay the states `wlab run --record DIR` saved for the function.
    #[arg(long, value_name = "DIR", requires = "check")]
    pub states: Option<PathBuf>,
    /// Do not show the wasm operators.
    #[arg(long)]
    pub no_wasm: bool,
    #[command(flatten)]
    pub target: TargetArgs,
    /// Disassembly syntax of x86-64 code: `intel` (default) or `att`.
    #[arg(long)]
    pub syntax: Option<String>,
    /// Interleave the disassembly with the IR instructions and wasm offsets it came from.
    #[arg(long)]
    pub interleave: bool,
    /// Show the saturated e-graph of every `egraph` pass run (e-classes with their
    /// nodes; Graphviz DOT too for small graphs).
    #[arg(long)]
    pub egraph_dump: bool,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// `wlab run --record`: saving program states for `--check --states`.
#[derive(Args, Debug, Clone, Default)]
pub struct RecordArgs {
    /// Record sampled calls of every function into this folder (runs the interpreter on
    /// the IR as translated: `--engine` and `--passes` are not used).
    #[arg(long, value_name = "DIR")]
    pub record: Option<PathBuf>,
    /// Calls recorded per function: calls number 1, 2, 4, 8, ... of it.
    #[arg(long, value_name = "N", default_value_t = wlab_runtime::record::RecordOptions::default().calls_per_func)]
    pub record_calls: u32,
    /// Most bytes (approximately, as written) of all recorded states; sampling stops there.
    #[arg(long, value_name = "BYTES", default_value_t = wlab_runtime::record::RecordOptions::default().total_bytes)]
    pub record_bytes: u64,
    /// Most bytes of one recorded state; a larger one is dropped (and listed as such).
    #[arg(long, value_name = "BYTES", default_value_t = wlab_runtime::record::RecordOptions::default().state_bytes)]
    pub record_state_bytes: u64,
}

/// `wlab difftest` options.
#[derive(Args, Debug, Clone)]
pub struct DifftestArgs {
    #[command(flatten)]
    pub engine: EngineArgs,
    #[command(flatten)]
    pub pipeline: PipelineArgs,
    /// Instead of generated modules: run this WASI program under the pipeline on the
    /// engine and under the interpreter without passes, and compare stdout, stderr, exit
    /// status and a hash of final memory. The arguments after it go to the program.
    #[arg(long, value_name = "MOD")]
    pub program: Option<PathBuf>,
    /// With `--program`: grant a host directory (repeatable), as `wlab run --dir`.
    #[arg(long = "dir", value_name = "HOST[::GUEST]", requires = "program")]
    pub dirs: Vec<String>,
    /// With `--program`: a guest environment variable (repeatable), as `wlab run --env`.
    #[arg(long = "env", value_name = "K=V", requires = "program")]
    pub env: Vec<String>,
    #[command(flatten)]
    pub limits: crate::limits::LimitArgs,
    /// With `--program`: the program's arguments.
    #[arg(trailing_var_arg = true, allow_hyphen_values = true, requires = "program")]
    pub program_args: Vec<String>,
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
    /// Generate fixed-width SIMD too (v128 and the 236 SIMD operators of WebAssembly
    /// 2.0; the IR interpreter is the second opinion, wasmi 0.31 having none). Modules a
    /// native engine refuses for their v128 code are reported as skipped.
    #[arg(long)]
    pub simd: bool,
    /// Write the .wasm of every mismatching module, and of every reference suspect, into
    /// this directory (`difftest-<seed>.wasm`).
    #[arg(long)]
    pub save: Option<PathBuf>,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// `--passes` and `--rules`: the pipeline run on every function before anything else.
/// Commands that run one by default (`run`, `bench`, `egraph-budget`: `O2`) set the
/// default with `mut_arg` on their variant, not with a copy of this group.
#[derive(Args, Debug, Clone, Default, PartialEq, Eq)]
pub struct PipelineArgs {
    /// Pipeline to run on every function, e.g. `copy-prop,dce`, `licm(max-depth=2)`, `O2`
    /// (`O0`: none; see `wlab passes`).
    #[arg(long, value_name = "PIPELINE")]
    pub passes: Option<String>,
    /// A rule file added to every `egraph` pass in the pipeline.
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,
    /// Prove the rule files the pipeline loads (`--rules`, `egraph(rules=...)`) with
    /// the SMT solver z3 first (as `wlab rules prove` does), and refuse to run when a
    /// rule has a counterexample.
    #[arg(long)]
    pub prove: bool,
}

/// `--engine` and the allocator options: what runs the code (`wast`, `run`, `difftest`).
/// The default engine is `x86_64`; `wast` and `difftest` set `interp` with `mut_arg`.
#[derive(Args, Debug, Clone)]
pub struct EngineArgs {
    /// Engine: `interp` (the IR interpreter), `x86_64` (native code) or `aarch64`
    /// (emulated; built with the `unicorn` feature).
    #[arg(long, default_value = "x86_64")]
    pub engine: String,
    #[command(flatten)]
    pub alloc: AllocArgs,
}

/// `--target` and the allocator options: what the code is compiled for without running
/// it (`explore`, `stats`). No target by default; `stats` sets `x86_64` with `mut_arg`.
/// Repeatable in the grammar; only `explore --format html` takes more than one.
#[derive(Args, Debug, Clone, Default)]
pub struct TargetArgs {
    /// Compile for a target (`x86_64`, `aarch64`); `explore` then shows VCode,
    /// allocation, disassembly and stats. `explore --format html` takes it more than
    /// once and shows the targets side by side.
    #[arg(long)]
    pub target: Vec<String>,
    #[command(flatten)]
    pub alloc: AllocArgs,
}

/// Register allocation, bounds-check and CPU-feature options shared by every command that
/// compiles.
#[derive(Args, Debug, Clone, Default, PartialEq, Eq)]
pub struct AllocArgs {
    /// Register allocator: `ion` (default) or `fastalloc`.
    #[arg(long)]
    pub regalloc: Option<String>,
    /// Allocate with only N integer and N float registers (register-pressure
    /// experiments); at most what the target has in its smaller class.
    #[arg(long)]
    pub regs: Option<usize>,
    /// Linear-memory bounds: `guard` (default: guard regions, no code) or `explicit`
    /// (a compare before every access).
    #[arg(long)]
    pub bounds_checks: Option<String>,
    /// A function with more than N values live at once (estimated from the VCode) is
    /// allocated with fastalloc instead of Ion (default 4000; `;; regalloc:` says when it
    /// happened). Under `--ion-max-conflicts 0` Ion's time grows with their square.
    #[arg(long, value_name = "N")]
    pub ion_max_live: Option<usize>,
    /// Ion merges a block parameter with its inputs (and a reused input with its output)
    /// into one bundle of up to N live ranges, so that they share a register and the
    /// branch needs no move; larger N, fewer moves and more allocation time (default 4096;
    /// 0: regalloc2's own rule, which gives up after comparing 200 ranges).
    #[arg(long, value_name = "N")]
    pub ion_merge_max_ranges: Option<usize>,
    /// Ion tries a value in a register by collecting the values already there that it
    /// overlaps, to evict them; after N of them it stops and only splits the value there
    /// (default 64; 0: regalloc2's own rule, which collects all of them, a cost that grows
    /// faster than the function for values live across long functions).
    #[arg(long, value_name = "N")]
    pub ion_max_conflicts: Option<usize>,
    /// x86-64 instruction-set extensions the code may use: `native` (default: what this
    /// machine has), `x86-64-v3` (Haswell and later: the same code on every machine),
    /// `sse41` (the vector baseline: no SSE4.2, no AVX encodings) or `sse2` (plain x86-64:
    /// no lzcnt/tzcnt/popcnt/roundss, no BMI rorx/andn/shlx, and no v128 code).
    #[arg(long, value_name = "SET")]
    pub cpu_features: Option<String>,
}

impl AllocArgs {
    /// Whether any allocator option was given.
    pub fn any(&self) -> bool {
        !self.flags().is_empty()
    }

    /// The options given, as command-line words (for the `wlab run`s of `wlab bench`).
    pub fn run_args(&self) -> Vec<String> {
        let mut a = Vec::new();
        let mut push = |flag: &str, value: Option<String>| {
            if let Some(v) = value {
                a.extend([flag.to_string(), v]);
            }
        };
        push("--regalloc", self.regalloc.clone());
        push("--regs", self.regs.map(|n| n.to_string()));
        push("--bounds-checks", self.bounds_checks.clone());
        push("--ion-max-live", self.ion_max_live.map(|n| n.to_string()));
        push("--ion-merge-max-ranges", self.ion_merge_max_ranges.map(|n| n.to_string()));
        push("--ion-max-conflicts", self.ion_max_conflicts.map(|n| n.to_string()));
        push("--cpu-features", self.cpu_features.clone());
        a
    }

    /// The names of the options given.
    pub fn flags(&self) -> Vec<&'static str> {
        let given = [
            ("--regalloc", self.regalloc.is_some()),
            ("--regs", self.regs.is_some()),
            ("--bounds-checks", self.bounds_checks.is_some()),
            ("--ion-max-live", self.ion_max_live.is_some()),
            ("--ion-merge-max-ranges", self.ion_merge_max_ranges.is_some()),
            ("--ion-max-conflicts", self.ion_max_conflicts.is_some()),
            ("--cpu-features", self.cpu_features.is_some()),
        ];
        given.into_iter().filter(|(_, g)| *g).map(|(f, _)| f).collect()
    }
}

/// `--format text|json|html` (and `--json`, its alias from before `--format` existed),
/// and `-o/--output FILE`, where the report goes instead of stdout.
#[derive(Args, Debug, Clone)]
pub struct OutputArgs {
    /// Output format (`html`: `wlab explore` only).
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    /// Same as `--format json`.
    #[arg(long, conflicts_with = "format")]
    pub json: bool,
    /// Write the report to FILE (created or replaced) instead of stdout.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
}

impl OutputArgs {
    /// The format asked for, `--json` included.
    pub fn format(&self) -> Format {
        if self.json {
            Format::Json
        } else {
            self.format
        }
    }
}
