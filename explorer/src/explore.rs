//! `wlab explore`: one function from wasm to IR, through a pipeline of passes, as a
//! report that renders as text or JSON.
//!
//! The file-driven tests call [`explore_function`] and [`render_text`] too, so what a
//! snapshot pins is exactly what the command prints. This file must never print
//! directly or exit: it returns values.

use crate::error::CliError;
use crate::select::select_function;
use crate::wasm_text::{function_text, WasmLine};
use serde::Serialize;
use std::fmt::Write;
use wlab_ir::translate::ModuleReader;
use wlab_ir::Function;

/// What to show and do.
#[derive(Clone, Debug, Default)]
pub struct ExploreOptions {
    /// Pipeline string (`copy-prop,dce`, `O2`); `None` runs no pass.
    pub passes: Option<String>,
    /// Show a unified diff per pass instead of the whole IR after it.
    pub diff: bool,
    /// Translation-validate each pass with the IR interpreter.
    pub check: bool,
    /// Show the wasm operators.
    pub show_wasm: bool,
    /// Compile the (optimised) function for a target and show its machine code.
    pub codegen: Option<crate::codegen::CodegenOptions>,
    /// Imported functions of the module (calls below this index go through the runtime).
    pub num_imported_funcs: u32,
    /// Dump the saturated e-graph of every `egraph` run.
    pub egraph_dump: bool,
    /// A rule file added to every `egraph` pass (`rules=`).
    pub rules: Option<String>,
    /// A recording folder whose states of the function `check` replays too.
    pub states: Option<std::path::PathBuf>,
    /// The module's functions (those that translate), which module passes (`inline`)
    /// see; `None`: the explored function alone is the module.
    pub module_funcs: Option<std::sync::Arc<Vec<Function>>>,
}

/// Everything `explore` knows about one function.
#[derive(Clone, Debug, Serialize)]
pub struct FunctionReport {
    pub index: u32,
    pub name: String,
    pub signature: String,
    pub wasm: Vec<WasmLine>,
    /// The IR as translated (and verified).
    pub ir: String,
    pub pipeline: Option<String>,
    pub passes: Vec<PassReport>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub machine: Option<crate::codegen::MachineReport>,
}

/// The e-graph of one `egraph` run (with `--egraph-dump`).
#[derive(Clone, Debug, Serialize)]
pub struct EgraphDump {
    /// E-classes with their nodes, one per line, after a summary line.
    pub text: String,
    /// Graphviz DOT, for graphs small enough to look at.
    pub dot: Option<String>,
}

/// One pass run, as shown by the explorer.
#[derive(Clone, Debug, Serialize)]
pub struct PassReport {
    pub name: String,
    pub changed: bool,
    pub time_us: f64,
    pub counters: std::collections::BTreeMap<String, u64>,
    /// The IR after the pass.
    pub ir_after: String,
    /// Unified diff from the IR before the pass (empty when unchanged).
    pub diff: String,
    /// The e-graph, for `egraph` runs under `--egraph-dump`.
    pub egraph: Option<EgraphDump>,
    /// Every instruction of `ir_after` in print order: its index and wasm offset (what
    /// the HTML page colour-links; not part of the JSON report).
    #[serde(skip)]
    pub insts_after: Vec<(u32, Option<u32>)>,
    /// Translation validation of this run (`--check`, passes that changed the function).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub check: Option<wlab_passes::validate::ValidationReport>,
    /// A module pass's notes over the whole module (what it did, what it skipped).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// A check with no conclusive trial: exit status of `--check` when no pass mismatched
/// but some pass that changed the function was never conclusively compared.
pub const INCONCLUSIVE_EXIT_STATUS: i32 = 3;

/// `ok`, or `inconclusive` when none of the trials of a validation was conclusive.
pub fn check_verdict(v: &wlab_passes::validate::ValidationReport) -> &'static str {
    if v.conclusive() == 0 {
        "inconclusive"
    } else {
        "ok"
    }
}

/// One line per checked pass: `;; check egraph: ok (random 16 trials, 3 conclusive;
/// recorded states 8, 8 conclusive)`.
pub fn render_check(r: &FunctionReport) -> String {
    let mut s = String::new();
    let checked: Vec<&PassReport> = r.passes.iter().filter(|p| p.check.is_some()).collect();
    let _ = writeln!(s, "\n;; check: {} pass runs changed the function and were validated", checked.len());
    for p in checked {
        let Some(v) = &p.check else { continue };
        let _ = writeln!(s, ";; check {}: {} ({})", p.name, check_verdict(v), describe_validation(v));
    }
    // Translation validation stands in for callees, so it cannot compare a module pass's
    // output (`inline` replaces calls by the callees' bodies): say so instead of staying silent.
    for p in r.passes.iter().filter(|p| p.changed && p.check.is_none()) {
        let _ =
            writeln!(s, ";; check {}: not validated (a module pass; the spec suites and difftest check it)", p.name);
    }
    s
}

/// `random 16 trials, 3 conclusive; recorded states 8, 8 conclusive`.
pub fn describe_validation(v: &wlab_passes::validate::ValidationReport) -> String {
    let mut s = format!("random {} trials, {} conclusive", v.trials, v.compared);
    if v.states.trials > 0 {
        s.push_str(&format!("; recorded states {}, {} conclusive", v.states.trials, v.states.conclusive));
    }
    s
}

/// The exit status of `explore --check` after a run without mismatch.
pub fn check_status(r: &FunctionReport) -> i32 {
    if r.passes.iter().filter_map(|p| p.check.as_ref()).any(|v| v.conclusive() == 0) {
        INCONCLUSIVE_EXIT_STATUS
    } else {
        0
    }
}

/// Whether `path` is an IR text file (`.ir`) rather than a module.
pub fn is_ir_file(path: &std::path::Path) -> bool {
    path.extension().is_some_and(|e| e == "ir")
}

/// The functions of an IR text file, named `path` in the error.
pub fn parse_ir(path: &std::path::Path, text: &str) -> Result<Vec<Function>, CliError> {
    wlab_ir::parse::parse_functions(text).map_err(|e| CliError::Other(format!("{}:{e}", path.display())))
}

/// One function of an IR file: by its name, or by its position in the file (from 0).
pub fn select_ir<'a>(funcs: &'a [Function], selector: &str) -> Result<&'a Function, CliError> {
    if let Ok(i) = selector.parse::<usize>() {
        return funcs
            .get(i)
            .ok_or_else(|| CliError::Other(format!("no function at position {i}: the file has {}", funcs.len())));
    }
    let named: Vec<usize> = (0..funcs.len()).filter(|&i| funcs[i].name == selector).collect();
    match named.as_slice() {
        [i] => Ok(&funcs[*i]),
        [] => {
            let names: Vec<&str> = funcs.iter().map(|f| f.name.as_str()).collect();
            Err(CliError::Other(format!("no function named `{selector}`; the file has: {}", names.join(", "))))
        }
        _ => Err(CliError::Other(format!(
            "`{selector}` names {} functions, at positions {}; select one by position",
            named.len(),
            named.iter().map(|i| i.to_string()).collect::<Vec<_>>().join(", ")
        ))),
    }
}

/// Selects a function of a validated module, translates it and builds its report.
///
/// Only the selected function is translated, so a module whose other functions the IR
/// cannot express yet (SIMD) can still be explored function by function.
pub fn explore_function(
    bytes: &[u8],
    module: &ModuleReader<'_>,
    selector: &str,
    opts: &ExploreOptions,
) -> Result<FunctionReport, CliError> {
    let (func, wasm, opts) = translate_function(bytes, module, selector, opts)?;
    report_function(&func, wasm, &opts)
}

/// Selects and translates a function of a validated module: its IR, its wasm
/// operators (when `opts.show_wasm`), and `opts` with the module's import count.
pub fn translate_function(
    bytes: &[u8],
    module: &ModuleReader<'_>,
    selector: &str,
    opts: &ExploreOptions,
) -> Result<(Function, Vec<WasmLine>, ExploreOptions), CliError> {
    let info = module.info();
    let index = select_function(info, selector)?;
    let func = module.translate(index)?;
    let wasm = if opts.show_wasm {
        function_text(bytes, index, info.num_imported_funcs()).map_err(CliError::Other)?
    } else {
        Vec::new()
    };
    Ok((func, wasm, ExploreOptions { num_imported_funcs: info.num_imported_funcs(), ..opts.clone() }))
}

/// Builds the report of one IR function (translated or parsed from IR text): verifies
/// it, then runs the pipeline if one is asked for.
pub fn report_function(
    func: &Function,
    wasm: Vec<WasmLine>,
    opts: &ExploreOptions,
) -> Result<FunctionReport, CliError> {
    wlab_ir::verify::verify_function(func)
        .map_err(|e| CliError::Verify { func: func.name.clone(), message: e.to_string() })?;
    let mut report = FunctionReport {
        index: func.wasm_index.unwrap_or(0),
        name: func.name.clone(),
        signature: func.signature.to_string(),
        wasm,
        ir: wlab_ir::print_function(func),
        pipeline: opts.passes.clone(),
        passes: Vec::new(),
        machine: None,
    };
    let mut optimised = None;
    if let Some(p) = &opts.passes {
        let (passes, f) = crate::pipeline::run_pipeline_keep(func, p, opts)?;
        report.passes = passes;
        optimised = Some(f);
    }
    if let Some(cg) = &opts.codegen {
        // The pipeline above ran for this target (its e-graph costed for it).
        let f = optimised.unwrap_or_else(|| func.clone());
        report.machine = Some(crate::codegen::compile_report(&f, opts.num_imported_funcs, cg)?);
    }
    Ok(report)
}

/// The text rendering (what `wlab explore` prints by default).
pub fn render_text(r: &FunctionReport, diff: bool) -> String {
    let mut s = String::new();
    let _ = writeln!(s, ";; function {} \"{}\" {}", r.index, r.name, r.signature);
    if !r.wasm.is_empty() {
        let _ = writeln!(s, "\n;; wasm");
        for l in &r.wasm {
            let _ = writeln!(s, "{:>8x}  {}", l.offset, l.text);
        }
    }
    let _ = writeln!(s, "\n;; ir");
    s.push_str(&r.ir);
    if let Some(p) = &r.pipeline {
        let _ = writeln!(s, "\n;; pipeline: {p}");
    }
    for p in &r.passes {
        let counters: Vec<String> = p.counters.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let _ = writeln!(
            s,
            "\n;; pass {}: {}{}{}",
            p.name,
            if p.changed { "changed" } else { "unchanged" },
            if counters.is_empty() { String::new() } else { format!(", {}", counters.join(" ")) },
            if diff { String::new() } else { format!(", {:.0} us", p.time_us) },
        );
        for n in &p.notes {
            let _ = writeln!(s, ";;   {n}");
        }
        if diff {
            s.push_str(&p.diff);
        } else if p.changed {
            s.push_str(&p.ir_after);
        }
        if let Some(e) = &p.egraph {
            let _ = writeln!(s, "\n;; e-graph before extraction ({})", p.name);
            s.push_str(&e.text);
            match &e.dot {
                Some(dot) => {
                    let _ = writeln!(s, "\n;; e-graph as DOT");
                    s.push_str(dot);
                }
                None => {
                    let _ = writeln!(
                        s,
                        ";; (no DOT: more than {} e-classes)",
                        wlab_passes::egraph::report::DOT_MAX_CLASSES
                    );
                }
            }
        }
    }
    if let Some(m) = &r.machine {
        s.push_str(&crate::codegen::render_machine(m, !diff));
    }
    s
}
