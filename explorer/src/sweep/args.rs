//! `wlab sweep`'s options ([`SweepArgs`], flattened into the command line as they are).
//! This file only declares; `grid.rs` checks what the values mean.

use std::path::PathBuf;

/// `wlab sweep` options.
#[derive(clap::Args, Debug, Clone)]
pub struct SweepArgs {
    /// Modules or folders of modules (default: $WLAB_BENCH_DIR, else ../shared/bench).
    pub paths: Vec<PathBuf>,
    /// A pipeline of the grid, e.g. `O2` or `licm(max-depth=1),dce` (repeatable; `;`
    /// also separates pipelines, since a pipeline has commas). Default `O2`; `O0`: none.
    #[arg(long = "passes", value_name = "PIPELINE")]
    pub passes: Vec<String>,
    /// Register counts of the grid, comma-separated: numbers, or `all` for every register
    /// of the target (default `all`).
    #[arg(long, value_delimiter = ',', value_name = "N|all")]
    pub regs: Vec<String>,
    /// Register allocators of the grid, comma-separated: `ion`, `fastalloc` (default `ion`).
    #[arg(long, value_delimiter = ',', value_name = "ALLOC")]
    pub regalloc: Vec<String>,
    /// Targets of the grid, comma-separated: `x86_64`, `aarch64` (default `x86_64`).
    #[arg(long, value_delimiter = ',', value_name = "TARGET")]
    pub target: Vec<String>,
    /// A rule file added to every `egraph` pass of every pipeline.
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,
    /// E-graph limits of the grid, set on every `egraph` pass of the pipeline: `iters=N`,
    /// `nodes=N`, `time-ms=N`, comma-separated within one setting, e.g.
    /// `--egraph-limits iters=2 --egraph-limits 'iters=8,nodes=5000'` (repeatable; `;`
    /// also separates settings). Default: the pipeline's own.
    #[arg(long = "egraph-limits", value_name = "LIMITS")]
    pub egraph_limits: Vec<String>,
    /// Also run every module's `_start` R times per configuration (`wlab run`, rounds
    /// interleaved over modules and configurations) and add one `run` row per module and
    /// configuration with compile and measured-region times.
    #[arg(long, value_name = "R")]
    pub run: Option<usize>,
    /// `--fuel`, `--timeout` (per run; default 120 s, after which a run is killed and
    /// counted as failed), `--max-memory-pages`, `--max-interp-stack`: given to every run.
    #[command(flatten)]
    pub limits: crate::limits::LimitArgs,
    /// The table to write: `.csv` or `.jsonl` (JSON lines). Rows already complete in it
    /// (or in its `.partial.jsonl` journal) are kept and their cells not measured again.
    #[arg(long, value_name = "FILE", required_unless_present = "plan")]
    pub out: Option<PathBuf>,
    /// Threads measuring cells (0: one per core).
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
    /// Print the grid as JSON (the columns and, per cell, the one-cell `wlab sweep`
    /// arguments) and measure nothing: what `notebooks/wlab_lab` fans out on Dask.
    #[arg(long)]
    pub plan: bool,
    #[command(flatten)]
    pub output: crate::cli::OutputArgs,
}
