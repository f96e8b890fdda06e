//! The machine-code part of the explorer: compiles one (optimised) IR function for a
//! target and reports VCode before and after allocation, the disassembly (optionally
//! interleaved with the IR instructions and wasm offsets it came from) and the
//! statistics. Used by `wlab explore --target` and `wlab stats`; never runs the code.

use crate::CliError;
use serde::Serialize;
use std::fmt::Write;
use wlab_backends::machinst::{DisasmLine, Syntax};
use wlab_backends::{compile_function, AllocOptions, CompileOptions, FunctionStats, Target};
use wlab_ir::Function;

/// How to compile and show machine code.
#[derive(Clone, Copy, Debug)]
pub struct CodegenOptions {
    pub target: Target,
    pub alloc: AllocOptions,
    pub syntax: Syntax,
    pub interleave: bool,
    pub bounds: wlab_backends::BoundsChecks,
    /// `--cpu-features` (x86-64; `None`: what this machine has).
    pub features: Option<wlab_backends::x64::CpuFeatures>,
}

impl CodegenOptions {
    /// The backend's options for a function of a module with `num_imported_funcs` imports.
    pub fn compile_options(&self, num_imported_funcs: u32) -> CompileOptions {
        let mut co = CompileOptions::new(num_imported_funcs);
        co.target = self.target;
        co.alloc = self.alloc;
        co.bounds = self.bounds;
        if let Some(f) = self.features {
            co.features = f;
        }
        co
    }
}

/// Parses `--target` (unknown names list the valid ones).
pub fn parse_target(s: &str) -> Result<Target, CliError> {
    Target::from_name(s)
        .ok_or_else(|| CliError::Other(format!("unknown target `{s}`; valid targets: {}", Target::NAMES.join(", "))))
}

/// Parses `--syntax`.
pub fn parse_syntax(s: &str) -> Result<Syntax, CliError> {
    match s {
        "intel" => Ok(Syntax::Intel),
        "att" => Ok(Syntax::Att),
        _ => Err(CliError::Other(format!("unknown syntax `{s}`; valid: intel, att"))),
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct MachineReport {
    pub target: Target,
    pub vcode: String,
    pub allocated: String,
    pub disasm: Vec<DisasmLine>,
    /// Disassembly lines preceded by the IR instruction (and wasm offset) they came from.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub interleaved: Vec<String>,
    /// Set when the allocator that ran is not the one asked for (Ion on a function with
    /// too many values live at once, see `AllocOptions::ion_max_live`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub regalloc_note: Option<String>,
    pub stats: FunctionStats,
    /// Code offset → IR instruction and wasm offset, sorted by offset (what the HTML page
    /// colour-links; not part of the JSON report).
    #[serde(skip)]
    pub srcmap: Vec<wlab_backends::machinst::emitted::SourceMapEntry>,
    /// The out-of-line trap stubs (where they start, and the wasm offset of the
    /// instruction that traps there): code the source map does not cover.
    #[serde(skip)]
    pub stubs: Vec<wlab_backends::machinst::emitted::TrapSite>,
}

/// Why the allocator that ran is not the one `asked`, if it is not.
pub fn regalloc_note(asked: &wlab_backends::AllocOptions, s: &FunctionStats) -> Option<String> {
    (s.regalloc != asked.algorithm).then(|| {
        format!(
            "{} instead of {}: about {} values live at once (more than {})",
            s.regalloc.name(),
            asked.algorithm.name(),
            s.max_live,
            asked.ion_max_live
        )
    })
}

/// Compiles `func` (whose module has `num_imported_funcs` imports).
pub fn compile_report(
    func: &Function,
    num_imported_funcs: u32,
    opts: &CodegenOptions,
) -> Result<MachineReport, CliError> {
    let mut co = opts.compile_options(num_imported_funcs);
    co.keep_text = true;
    let c = compile_function(func, &co).map_err(|e| CliError::Other(e.to_string()))?;
    let disasm = wlab_backends::compile::disassemble(opts.target, &c.code, c.data_start, opts.syntax);
    let mut interleaved = Vec::new();
    if opts.interleave {
        let mut marks = c.srcmap.iter().peekable();
        let mut last_ir = None;
        for line in &disasm {
            while let Some(m) = marks.peek() {
                if m.offset > line.offset {
                    break;
                }
                if m.ir_inst.is_some() && m.ir_inst != last_ir {
                    let i = wlab_ir::Inst::new(m.ir_inst.unwrap() as usize);
                    let text = wlab_ir::write::inst_to_string(func, i);
                    let at = m.srcloc.map(|o| format!(" @{o:#x}")).unwrap_or_default();
                    interleaved.push(format!(";; {}{at}", text.trim()));
                    last_ir = m.ir_inst;
                }
                marks.next();
            }
            interleaved.push(format!("{:>6x}  {}", line.offset, line.text));
        }
    }
    Ok(MachineReport {
        target: opts.target,
        vcode: c.vcode_text.unwrap_or_default(),
        allocated: c.allocated_text.unwrap_or_default(),
        disasm,
        interleaved,
        regalloc_note: regalloc_note(&opts.alloc, &c.stats),
        stats: c.stats,
        srcmap: c.srcmap,
        stubs: c.traps.iter().filter(|t| !t.fault).copied().collect(),
    })
}

/// One line of statistics.
pub fn stats_line(s: &FunctionStats) -> String {
    format!(
        "insts={} bytes={} loads={} stores={} calls={} vector={} spills={} reloads={} moves={} spill_slots={} lower={}us regalloc={}us emit={}us",
        s.insts,
        s.code_bytes,
        s.loads,
        s.stores,
        s.calls,
        s.vector_insts,
        s.spills,
        s.reloads,
        s.moves,
        s.spill_slots,
        s.lower_ns / 1000,
        s.regalloc_ns / 1000,
        s.emit_ns / 1000
    )
}

/// Text rendering; `timings` off for snapshots (times vary run to run).
pub fn render_machine(r: &MachineReport, timings: bool) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "\n;; vcode ({})", r.target.name());
    s.push_str(&r.vcode);
    let _ = writeln!(s, "\n;; allocated");
    s.push_str(&r.allocated);
    let _ = writeln!(s, "\n;; disassembly");
    if r.interleaved.is_empty() {
        for l in &r.disasm {
            let _ = writeln!(s, "{:>6x}  {:<24} {}", l.offset, l.bytes, l.text);
        }
    } else {
        for l in &r.interleaved {
            let _ = writeln!(s, "{l}");
        }
    }
    let mut line = stats_line(&r.stats);
    if !timings {
        line = line.split(" lower=").next().unwrap_or("").to_string();
    }
    let _ = writeln!(s, "\n;; stats: {line}");
    if let Some(note) = &r.regalloc_note {
        let _ = writeln!(s, ";; regalloc: {note}");
    }
    s
}
