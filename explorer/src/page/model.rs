//! The page's data: everything the page shows, as one serde value that the page embeds
//! as JSON and its script draws. Lines are kept as text plus parallel arrays of link
//! keys — the IR instruction (`inst`, its index in the function) and the wasm offset it
//! came from (`wasm`) — so the script can colour-link panes with one index, linearly.
//!
//! Linking: a wasm operator is its byte offset; an IR line carries its instruction and
//! that instruction's wasm offset; a machine instruction carries the IR instruction and
//! wasm offset of the source-map entry that covers it (a trap stub after the code: the
//! wasm offset of the instruction that traps there; the prologue: nothing). Instruction indices of a target's
//! code refer to the function it was compiled from: they link to the last stage's IR
//! only when that function prints the same (`ir_stage`), otherwise only wasm offsets
//! link (another target's cost model can make the `egraph` pass choose differently).
//!
//! This file never formats HTML (render.rs does) and never prints.

use super::cfg_layout::{layout, CfgDrawing};
use crate::codegen::CodegenOptions;
use crate::explore::ExploreOptions;
use crate::wasm_text::WasmLine;
use crate::CliError;
use serde::Serialize;
use std::collections::BTreeMap;
use wlab_backends::machinst::emitted::SourceMapEntry;
use wlab_backends::FunctionStats;
use wlab_ir::Function;

/// What to put on the page.
#[derive(Clone, Debug)]
pub struct PageOptions {
    /// The pipeline, `--check`, `--rules`, `--egraph-dump`, the import count. Its
    /// `codegen` is not used: [`PageOptions::targets`] is.
    pub explore: ExploreOptions,
    /// One machine-code pane per target, in this order; the first one's cost model is
    /// the one the pass tabs show.
    pub targets: Vec<CodegenOptions>,
    /// Keep measured times (off for tests: times vary run to run).
    pub timings: bool,
}

/// The whole page.
#[derive(Clone, Debug, Serialize)]
pub struct PageModel {
    pub function: FunctionHeader,
    pub pipeline: Option<String>,
    /// The function's wasm operators (empty with `--no-wasm` or for `.ir` input).
    pub wasm: Vec<WasmLine>,
    /// The IR as translated, then after each pass run.
    pub stages: Vec<Stage>,
    pub targets: Vec<TargetCode>,
    /// The CFG of the last stage.
    pub cfg: CfgDrawing,
    /// One entry per `egraph` run.
    pub egraph: Vec<EgraphSummary>,
}

#[derive(Clone, Debug, Serialize)]
pub struct FunctionHeader {
    pub index: u32,
    pub name: String,
    pub signature: String,
}

/// The IR at one stage: as translated (`input`), or after one pass run.
#[derive(Clone, Debug, Serialize)]
pub struct Stage {
    /// `input`, or the pass as written with its arguments (`licm(max-depth=2)`).
    pub name: String,
    /// Whether the printed IR differs from the previous stage.
    pub changed: bool,
    pub time_us: f64,
    pub counters: BTreeMap<String, u64>,
    /// The printed IR, one entry per line; empty when unchanged (the page shows the
    /// previous stage's).
    pub text: Vec<String>,
    /// Per line of `text`: the instruction's index, for instruction lines.
    pub inst: Vec<Option<u32>>,
    /// Per line of `text`: the wasm offset the instruction came from.
    pub wasm: Vec<Option<u32>>,
    /// Unified diff against the previous stage (empty when unchanged).
    pub diff: String,
}

/// Machine code for one target.
#[derive(Clone, Debug, Serialize)]
pub struct TargetCode {
    pub target: String,
    /// The pipeline as built for this target (its cost model written out).
    pub pipeline: Option<String>,
    /// Disassembly lines, `offset  text`.
    pub text: Vec<String>,
    /// Per line: the IR instruction it came from (meaningful when `ir_stage` is set).
    pub inst: Vec<Option<u32>>,
    /// Per line: the wasm offset it came from.
    pub wasm: Vec<Option<u32>>,
    /// The stage whose instruction indices `inst` refers to: the last one, when the
    /// function compiled here prints the same; `None` otherwise.
    pub ir_stage: Option<usize>,
    pub stats: FunctionStats,
    pub regalloc_note: Option<String>,
}

/// One `egraph` run: the pass's counters, read out, and the dump with `--egraph-dump`.
#[derive(Clone, Debug, Serialize)]
pub struct EgraphSummary {
    /// The stage (tab) of the run.
    pub stage: usize,
    pub pass: String,
    pub stop: Option<String>,
    pub iterations: u64,
    pub enodes: u64,
    pub eclasses: u64,
    pub idle_iterations: u64,
    pub stalled: bool,
    /// Rules that applied, most applications first (ties by name).
    pub rules: Vec<(String, u64)>,
    /// The saturated e-graph as text (`--egraph-dump`).
    pub dump: Option<String>,
}

/// Builds the page's data for `func` (already translated; `wasm`: its operators).
pub fn build_model(func: &Function, wasm: Vec<WasmLine>, opts: &PageOptions) -> Result<PageModel, CliError> {
    wlab_ir::verify::verify_function(func)
        .map_err(|e| CliError::Verify { func: func.name.clone(), message: e.to_string() })?;
    let eo = ExploreOptions { codegen: opts.targets.first().copied(), ..opts.explore.clone() };
    let input_text = wlab_ir::print_function(func);
    let mut stages = vec![stage(
        "input".into(),
        true,
        0.0,
        BTreeMap::new(),
        &input_text,
        &wlab_passes::manager::layout_srclocs(func),
        String::new(),
    )];
    let mut egraph = Vec::new();
    let mut last_text = input_text;
    let mut last_func = func.clone();
    if let Some(p) = &eo.passes {
        let (runs, optimised) = crate::pipeline::run_pipeline_keep(func, p, &eo)?;
        last_func = optimised;
        for r in runs {
            let time = if opts.timings { r.time_us } else { 0.0 };
            if r.name.split('(').next() == Some(wlab_passes::egraph::INFO.name) {
                egraph.push(egraph_summary(stages.len(), &r));
            }
            let text = if r.changed { r.ir_after.as_str() } else { "" };
            stages.push(stage(r.name, r.changed, time, r.counters, text, &r.insts_after, r.diff));
            if r.changed {
                last_text = r.ir_after;
            }
        }
    }
    let last_stage = (0..stages.len()).rev().find(|&i| stages[i].changed).unwrap_or(0);
    let mut targets = Vec::new();
    for (n, cg) in opts.targets.iter().enumerate() {
        // The stages ran the pipeline built for the first target: its result is reused.
        let optimised = (n == 0).then(|| last_func.clone());
        targets.push(target_code(func, optimised, &eo, cg, &last_text, last_stage, opts.timings)?);
    }
    Ok(PageModel {
        function: FunctionHeader {
            index: func.wasm_index.unwrap_or(0),
            name: func.name.clone(),
            signature: func.signature.to_string(),
        },
        pipeline: eo.passes.clone(),
        wasm,
        stages,
        targets,
        cfg: layout(&last_func),
        egraph,
    })
}

/// A stage from its printed IR and its instructions in print order.
fn stage(
    name: String,
    changed: bool,
    time_us: f64,
    counters: BTreeMap<String, u64>,
    text: &str,
    insts: &[(u32, Option<u32>)],
    diff: String,
) -> Stage {
    let lines: Vec<String> = text.lines().map(str::to_string).collect();
    let mut inst = vec![None; lines.len()];
    let mut wasm = vec![None; lines.len()];
    for (line, &(i, w)) in instruction_lines(&lines).zip(insts) {
        inst[line] = Some(i);
        wasm[line] = w;
    }
    Stage { name, changed, time_us, counters, text: lines, inst, wasm, diff }
}

/// The positions of the instruction lines of printed IR, in order: the indented lines
/// after the first block header (`write.rs` prints callee and type declarations before
/// it, indented too, and the closing `}` unindented).
fn instruction_lines(lines: &[String]) -> impl Iterator<Item = usize> + '_ {
    let first_block = lines.iter().position(|l| l.starts_with("block")).unwrap_or(lines.len());
    (first_block..lines.len()).filter(move |&i| lines[i].starts_with("    "))
}

/// Compiles `func` after the pipeline built for `cg`'s target (`optimised`: its result,
/// when already known), and ties each disassembly line to its source-map entry.
fn target_code(
    func: &Function,
    optimised: Option<Function>,
    eo: &ExploreOptions,
    cg: &CodegenOptions,
    last_text: &str,
    last_stage: usize,
    timings: bool,
) -> Result<TargetCode, CliError> {
    let mut f = func.clone();
    let mut pipeline = None;
    if let Some(p) = &eo.passes {
        let built = crate::pipeline::build(p, eo.rules.as_deref(), Some(cg.target))?;
        match optimised {
            Some(o) => f = o,
            None => crate::pipeline::apply(&mut f, &built)?,
        }
        pipeline = Some(built.to_string());
    }
    let cg = CodegenOptions { interleave: false, ..*cg };
    let m = crate::codegen::compile_report(&f, eo.num_imported_funcs, &cg)?;
    // Trap stubs follow the function's code: each starts a range of its trapping
    // instruction's wasm offset (and no IR instruction), so the last instruction's
    // entry does not claim them.
    let mut marks = m.srcmap.clone();
    marks.extend(m.stubs.iter().map(|t| SourceMapEntry { offset: t.offset, ir_inst: None, srcloc: t.srcloc }));
    marks.sort_by_key(|e| e.offset);
    let mut text = Vec::with_capacity(m.disasm.len());
    let mut inst = Vec::with_capacity(m.disasm.len());
    let mut wasm = Vec::with_capacity(m.disasm.len());
    let mut next = 0;
    let mut current = None;
    for line in &m.disasm {
        while next < marks.len() && marks[next].offset <= line.offset {
            current = Some(marks[next]);
            next += 1;
        }
        text.push(format!("{:>6x}  {}", line.offset, line.text));
        inst.push(current.and_then(|e| e.ir_inst));
        wasm.push(current.and_then(|e| e.srcloc));
    }
    let mut stats = m.stats;
    if !timings {
        (stats.lower_ns, stats.regalloc_ns, stats.emit_ns) = (0, 0, 0);
    }
    Ok(TargetCode {
        target: cg.target.name().to_string(),
        pipeline,
        text,
        inst,
        wasm,
        ir_stage: (wlab_ir::print_function(&f) == last_text).then_some(last_stage),
        stats,
        regalloc_note: m.regalloc_note,
    })
}

/// The e-graph run of stage `stage`, from its counters (`passes/src/egraph/report.rs`
/// names them).
fn egraph_summary(stage: usize, r: &crate::explore::PassReport) -> EgraphSummary {
    let get = |k: &str| r.counters.get(k).copied().unwrap_or(0);
    let stop = r.counters.keys().find_map(|k| k.strip_prefix("stop:")).map(str::to_string);
    let mut rules: Vec<(String, u64)> =
        r.counters.iter().filter_map(|(k, &v)| k.strip_prefix("rule:").map(|n| (n.to_string(), v))).collect();
    rules.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    EgraphSummary {
        stage,
        pass: r.name.clone(),
        stop,
        iterations: get("iterations"),
        enodes: get("enodes"),
        eclasses: get("eclasses"),
        idle_iterations: get("idle-iterations"),
        stalled: get("stalled") > 0,
        rules,
        dump: r.egraph.as_ref().map(|e| e.text.clone()),
    }
}
