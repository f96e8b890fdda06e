//! `wlab scaling`: generates one large function (any number of wasm instructions and
//! locals, with nested blocks, loops, branches, memory accesses and calls; or one of the
//! stress shapes of [`crate::shapes`]: deep `if` + `loop` or `block` nesting, many live
//! locals), then times translation — and a pipeline and compiling for a target, when
//! given — at several sizes, so anyone can see whether the cost grows linearly, in total
//! and per pass. It reports measurements; it asserts nothing.
//!
//! Every time is wall-clock except `cpu-ms`, the CPU time of the measuring thread over
//! translation, pipeline and compile together: on a loaded machine wall time also counts
//! the time other processes held the cores, so judge growth by `cpu-ms` there.

use serde::Serialize;
use std::fmt::Write;
use std::time::Instant;

/// One measured size.
#[derive(Clone, Debug, Serialize)]
pub struct ScalingRow {
    pub shape: crate::shapes::Shape,
    pub factor: usize,
    /// Nesting levels (`nested-if`, `nested-block`); 0 for the other shapes.
    pub levels: usize,
    pub wasm_instructions: usize,
    pub locals: usize,
    pub ir_instructions: usize,
    pub blocks: usize,
    /// Block parameters plus branch arguments: the part of the IR's size that
    /// instruction counts miss (phis of the function's many locals).
    pub block_args: usize,
    pub translate_ms: f64,
    /// CPU time of this thread over translation, pipeline and compile (unlike the other
    /// times, not inflated by other processes on a loaded machine).
    pub cpu_ms: f64,
    pub pipeline_ms: Option<f64>,
    /// Instructions left after the pipeline (shows whether sizes optimize alike).
    pub ir_instructions_after: Option<usize>,
    /// Time inside each pass (summed over its runs, e.g. in `fix` rounds), in the order
    /// the passes first ran; empty without a pipeline. Excludes the manager's own work
    /// (printing for the `changed` check), which `pipeline_ms` includes.
    pub pass_ms: Vec<PassTime>,
    /// Lowering, register allocation and emission for `--target`, after the pipeline.
    pub compile_ms: Option<f64>,
    /// The three phases of `compile_ms` (the backend's own clocks), so a phase that grows
    /// faster than the function shows by name; with `--target` only.
    pub lower_ms: Option<f64>,
    pub regalloc_ms: Option<f64>,
    pub emit_ms: Option<f64>,
    /// The allocator that ran (`fastalloc` when Ion was asked for and too many values
    /// are live at once); with `--target` only.
    pub regalloc: Option<wlab_backends::AllocAlgorithm>,
}

/// What `wlab scaling` generates and measures.
#[derive(Clone, Debug)]
pub struct ScalingSpec {
    pub shape: crate::shapes::Shape,
    /// Wasm instructions of the 1x `mixed` function.
    pub insts: usize,
    /// Locals of the `mixed` function; the 1x size of `live-locals`.
    pub locals: usize,
    /// The 1x nesting depth of `nested-if` and `nested-block`.
    pub levels: usize,
    pub factors: Vec<usize>,
    /// The pipeline to time after translation (its e-graph costed for `target`).
    pub pipeline: Option<wlab_passes::Pipeline>,
    /// Also compile the function (default allocator options) for this target.
    pub target: Option<wlab_backends::Target>,
    /// Write each generated module here as `<shape>-<size>.wat`.
    pub save: Option<std::path::PathBuf>,
}

/// Time spent in one pass over a whole pipeline run.
#[derive(Clone, Debug, Serialize)]
pub struct PassTime {
    pub name: &'static str,
    pub runs: usize,
    pub ms: f64,
}

/// Wall time of the pipeline (ms), instructions left, time per pass, the optimized function.
type PipelineRun = (f64, usize, Vec<PassTime>, wlab_ir::Function);

/// Runs `pipeline` on a copy of `func` without verification; the wall time of the whole
/// run, the time of each pass and the optimized copy (for `--target`).
fn time_passes(func: &wlab_ir::Function, p: &wlab_passes::Pipeline) -> Result<PipelineRun, crate::CliError> {
    use wlab_passes::{run_pipeline, ManagerOptions};
    let opts = ManagerOptions { verify: false, validate_trials: 0, record_ir: false };
    let mut f = func.clone();
    let start = Instant::now();
    let report = run_pipeline(&mut f, p, &opts).map_err(|e| crate::CliError::Pipeline(e.to_string()))?;
    let total = start.elapsed().as_secs_f64() * 1e3;
    let mut times: Vec<PassTime> = Vec::new();
    for r in &report.runs {
        let ms = r.time.as_secs_f64() * 1e3;
        match times.iter_mut().find(|t| t.name == r.name) {
            Some(t) => {
                t.runs += 1;
                t.ms += ms;
            }
            None => times.push(PassTime { name: r.name, runs: 1, ms }),
        }
    }
    Ok((total, f.num_layout_insts(), times, f))
}

/// CPU time the calling thread has used, in milliseconds.
fn thread_cpu_ms() -> f64 {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `ts` is a valid, writable timespec; the call only writes it.
    let r = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    assert_eq!(r, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed");
    ts.tv_sec as f64 * 1e3 + ts.tv_nsec as f64 / 1e6
}

/// A tiny deterministic generator (xorshift), so every run measures the same code.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Wasm instructions between two points where every open `block`/`if` is closed.
/// Nesting opens three times as often as it closes, so without these points the first
/// few structures stay open to the end: when one of them sits on a constant condition
/// (locals start at zero) nearly the whole function is dead code that the first branch
/// folding removes, and how much is dead depends on the size. Closing everything
/// regularly makes the function a sequence of like pieces, so every size has the same
/// mix of live and dead code and the times at different sizes compare.
const CLOSE_ALL_EVERY: usize = 1000;

/// Wasm text of a module whose function 1 (`big`) has about `insts` instructions and
/// `locals` i32/i64 locals; function 0 is a small callee.
pub fn generate_module(insts: usize, locals: usize) -> String {
    let locals = locals.max(2);
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut s = String::new();
    s.push_str("(module\n  (memory 1)\n  (func $callee (param i32) (result i32) local.get 0 i32.const 1 i32.add)\n");
    let _ = write!(s, "  (func $big (export \"big\") (param i32 i32) (result i32)\n    (local");
    for i in 0..locals {
        s.push_str(if i % 4 == 3 { " i64" } else { " i32" });
    }
    s.push_str(")\n");
    let nlocal = locals + 2;
    let is_i64 = |l: usize| l >= 2 && (l - 2) % 4 == 3;
    // Local 0 is the loop counter: read anywhere, written only by the loops (so every
    // loop runs a known number of times and its loads stay in bounds).
    let i32_dest = |rng: &mut Rng| loop {
        let l = rng.below(nlocal);
        if l != 0 && !is_i64(l) {
            break l;
        }
    };
    let i32_local = |rng: &mut Rng| loop {
        let l = rng.below(nlocal);
        if !is_i64(l) {
            break l;
        }
    };
    // Every local starts from a parameter: with locals left at zero, the first part of
    // the function computes on constants, folds and dies, and that part is a larger
    // share of a smaller function (at 50k instructions O2 left under 1k).
    let mut emitted = 0;
    for l in 2..nlocal {
        if is_i64(l) {
            let _ = writeln!(s, "    local.get 1 i64.extend_i32_u i64.const {l} i64.add local.set {l}");
            emitted += 5;
        } else {
            let _ = writeln!(s, "    local.get {} i32.const {l} i32.add local.set {l}", l % 2);
            emitted += 4;
        }
    }
    let mut depth = 0;
    let mut next_close = CLOSE_ALL_EVERY;
    while emitted < insts {
        if emitted >= next_close {
            for _ in 0..depth {
                s.push_str("    end\n");
            }
            emitted += depth;
            depth = 0;
            next_close = emitted + CLOSE_ALL_EVERY;
        }
        match rng.below(16) {
            0..=7 => {
                let (a, b, d) = (i32_local(&mut rng), i32_local(&mut rng), i32_dest(&mut rng));
                let op = ["i32.add", "i32.sub", "i32.mul", "i32.and", "i32.or", "i32.xor", "i32.shl"][rng.below(7)];
                let _ = writeln!(
                    s,
                    "    local.get {a} local.get {b} {op} i32.const {} i32.add local.set {d}",
                    rng.below(100)
                );
                emitted += 6;
            }
            8 => {
                let (a, d) = (i32_local(&mut rng), i32_dest(&mut rng));
                let _ = writeln!(s, "    local.get {a} i32.const 1020 i32.and i32.load offset=4 local.set {d}");
                emitted += 5;
            }
            9 => {
                let (a, b) = (i32_local(&mut rng), i32_local(&mut rng));
                let _ = writeln!(s, "    local.get {a} i32.const 1020 i32.and local.get {b} i32.store");
                emitted += 5;
            }
            10 => {
                let (a, d) = (i32_local(&mut rng), i32_dest(&mut rng));
                let _ = writeln!(s, "    local.get {a} call $callee local.set {d}");
                emitted += 3;
            }
            11 | 12 if depth < 8 => {
                let c = i32_local(&mut rng);
                let _ = writeln!(s, "    local.get {c} if");
                depth += 1;
                emitted += 2;
            }
            13 if depth < 8 => {
                let c = i32_local(&mut rng);
                let _ = writeln!(s, "    block local.get {c} br_if 0");
                depth += 1;
                emitted += 3;
            }
            14 if depth < 8 => {
                // A loop that runs a bounded number of times (counter in local 0, stepped
                // by an add, so an induction variable) and loads `base + i*4` with a base
                // the loop does not change: work for licm and strength-reduce.
                // The counter restarts at 8 and the base is masked, so `base + i*4` stays
                // inside the first page.
                let (base, d) = (i32_local(&mut rng), i32_dest(&mut rng));
                let (base, d) = if base == 0 || base == d { (1, 1) } else { (base, d) };
                let _ = writeln!(
                    s,
                    "    i32.const 8 local.set 0 \
                     loop local.get {base} i32.const 1020 i32.and local.get 0 i32.const 4 i32.mul i32.add i32.load \
                     local.set {d} local.get 0 i32.const -1 i32.add local.tee 0 i32.const 0 i32.gt_s br_if 0 end"
                );
                emitted += 20;
            }
            _ if depth > 0 => {
                s.push_str("    end\n");
                depth -= 1;
                emitted += 1;
            }
            _ => {
                let l = 1 + rng.below(nlocal - 1);
                if is_i64(l) {
                    let _ = writeln!(s, "    local.get {l} i64.const 3 i64.rotl local.set {l}");
                } else {
                    let _ = writeln!(s, "    local.get {l} i32.popcnt local.set {l}");
                }
                emitted += 3;
            }
        }
    }
    for _ in 0..depth {
        s.push_str("    end\n");
    }
    let _ = writeln!(s, "    local.get 0 local.get 1 i32.add)\n)");
    s
}

/// Block parameters plus branch arguments over the layout.
fn block_args(func: &wlab_ir::Function) -> usize {
    let params: usize = func.layout.iter().map(|&b| func.block_params(b).len()).sum();
    let args: usize =
        func.layout_insts().map(|(_, i)| func.inst(i).dests.iter().map(|d| d.args.len()).sum::<usize>()).sum();
    params + args
}

/// Generates, translates and (optionally) runs a pipeline and compiles, at each size factor.
pub fn measure(spec: &ScalingSpec) -> Result<Vec<ScalingRow>, crate::CliError> {
    use crate::shapes::Shape;
    let mut rows = Vec::new();
    for &factor in &spec.factors {
        let (text, n, locals, levels) = match spec.shape {
            Shape::Mixed => {
                let n = spec.insts * factor;
                (generate_module(n, spec.locals), n, spec.locals, 0)
            }
            Shape::NestedIf | Shape::NestedBlock => {
                let (text, n) = crate::shapes::generate(spec.shape, spec.levels * factor);
                (text, n, 1, spec.levels * factor)
            }
            Shape::LiveLocals => {
                let (text, n) = crate::shapes::generate(spec.shape, spec.locals * factor);
                (text, n, spec.locals * factor, 0)
            }
        };
        if let Some(dir) = &spec.save {
            let size = if levels > 0 {
                levels
            } else if spec.shape == Shape::Mixed {
                n
            } else {
                locals
            };
            let path = dir.join(format!("{}-{size}.wat", spec.shape.name()));
            std::fs::write(&path, &text)
                .map_err(|e| crate::CliError::Other(format!("cannot write {}: {e}", path.display())))?;
        }
        let bytes = wat::parse_str(&text).map_err(|e| crate::CliError::Other(format!("generated module: {e}")))?;
        let cpu_start = thread_cpu_ms();
        let start = Instant::now();
        let module = wlab_ir::translate::translate_module(&bytes)?;
        let translate_ms = start.elapsed().as_secs_f64() * 1e3;
        let index = if spec.shape == Shape::Mixed { 1 } else { 0 };
        let func = &module.functions[index];
        let (pipeline_ms, ir_instructions_after, pass_ms, optimized) = match &spec.pipeline {
            Some(p) => {
                let (total, after, times, f) = time_passes(func, p)?;
                (Some(total), Some(after), times, Some(f))
            }
            None => (None, None, Vec::new(), None),
        };
        let (compile_ms, regalloc, phases) = match spec.target {
            Some(target) => {
                let mut co = wlab_backends::CompileOptions::new(module.info.num_imported_funcs());
                co.target = target;
                let f = optimized.as_ref().unwrap_or(func);
                let start = Instant::now();
                let c = wlab_backends::compile_function(f, &co).map_err(|e| crate::CliError::Other(e.to_string()))?;
                let ms = |ns: u64| Some(ns as f64 / 1e6);
                let phases = (ms(c.stats.lower_ns), ms(c.stats.regalloc_ns), ms(c.stats.emit_ns));
                (Some(start.elapsed().as_secs_f64() * 1e3), Some(c.stats.regalloc), phases)
            }
            None => (None, None, (None, None, None)),
        };
        let cpu_ms = thread_cpu_ms() - cpu_start;
        rows.push(ScalingRow {
            shape: spec.shape,
            factor,
            levels,
            wasm_instructions: n,
            locals,
            ir_instructions: func.num_layout_insts(),
            blocks: func.layout.len(),
            block_args: block_args(func),
            translate_ms,
            cpu_ms,
            pipeline_ms,
            ir_instructions_after,
            pass_ms,
            compile_ms,
            lower_ms: phases.0,
            regalloc_ms: phases.1,
            emit_ms: phases.2,
            regalloc,
        });
    }
    Ok(rows)
}

/// A fixed-width table of the rows, then (with a pipeline) one of the time per pass:
/// a column per size factor.
pub fn render(rows: &[ScalingRow]) -> String {
    let mut s = String::new();
    if let Some(r) = rows.first() {
        let _ = writeln!(s, ";; shape {}", r.shape.name());
    }
    s.push_str(
        "factor  levels  wasm-insts  locals  ir-insts  blocks  block-args  cpu-ms  translate-ms  ns/inst  pipeline-ms  ns/ir-inst  insts-after  compile-ms  lower-ms  regalloc-ms  emit-ms\n",
    );
    for r in rows {
        let pipeline = r.pipeline_ms.map(|p| format!("{p:.1}")).unwrap_or_else(|| "-".into());
        // Per IR instruction of the translated function: flat when the pipeline scales linearly.
        let pipeline_per_inst = match r.pipeline_ms {
            Some(p) if r.ir_instructions > 0 => format!("{:.0}", p * 1e6 / r.ir_instructions as f64),
            _ => "-".into(),
        };
        let after = r.ir_instructions_after.map(|n| n.to_string()).unwrap_or_else(|| "-".into());
        let compile = match (r.compile_ms, r.regalloc) {
            (Some(ms), Some(wlab_backends::AllocAlgorithm::Fastalloc)) => format!("{ms:.1} (fastalloc)"),
            (Some(ms), _) => format!("{ms:.1}"),
            (None, _) => "-".into(),
        };
        let phase = |ms: Option<f64>| ms.map(|m| format!("{m:.1}")).unwrap_or_else(|| "-".into());
        let _ = writeln!(
            s,
            "{:>6}  {:>6}  {:>10}  {:>6}  {:>8}  {:>6}  {:>10}  {:>6.0}  {:>12.1}  {:>7.0}  {:>11}  {:>10}  {:>11}  {:>10}  {:>8}  {:>11}  {:>7}",
            r.factor,
            r.levels,
            r.wasm_instructions,
            r.locals,
            r.ir_instructions,
            r.blocks,
            r.block_args,
            r.cpu_ms,
            r.translate_ms,
            r.translate_ms * 1e6 / r.wasm_instructions as f64,
            pipeline,
            pipeline_per_inst,
            after,
            compile,
            phase(r.lower_ms),
            phase(r.regalloc_ms),
            phase(r.emit_ms)
        );
    }
    let mut names: Vec<&'static str> = Vec::new();
    for t in rows.iter().flat_map(|r| &r.pass_ms) {
        if !names.contains(&t.name) {
            names.push(t.name);
        }
    }
    if !names.is_empty() {
        let _ = write!(s, "\n{:<16}", "pass-ms");
        for r in rows {
            let _ = write!(s, "  {:>10}", format!("{}x", r.factor));
        }
        s.push('\n');
        for name in names {
            let _ = write!(s, "{name:<16}");
            for r in rows {
                match r.pass_ms.iter().find(|t| t.name == name) {
                    Some(t) => {
                        let _ = write!(s, "  {:>10.1}", t.ms);
                    }
                    None => s.push_str("           -"),
                }
            }
            s.push('\n');
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measures_translation_and_every_pass_of_o2_at_each_size() {
        let spec = ScalingSpec {
            shape: crate::shapes::Shape::Mixed,
            insts: 4000,
            locals: 40,
            levels: 0,
            factors: vec![1, 2],
            pipeline: Some(crate::pipeline::build("O2", None, None).unwrap()),
            target: None,
            save: None,
        };
        let rows = measure(&spec).expect("generated module translates and optimizes");
        assert_eq!(rows.len(), 2);
        assert!(rows[1].ir_instructions > rows[0].ir_instructions);
        assert!(rows[0].ir_instructions_after.is_some_and(|n| n > 0 && n <= rows[0].ir_instructions));
        let names: Vec<&str> = rows[0].pass_ms.iter().map(|t| t.name).collect();
        assert_eq!(
            names,
            ["copy-prop", "const-fold", "simplify-cfg", "egraph", "gvn", "load-elim", "licm", "strength-reduce", "dce"]
        );
        let text = render(&rows);
        assert!(text.contains("strength-reduce"));
        // Every row has a value (or `-`) under each heading, the pipeline's time per IR
        // instruction included.
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[1].split_whitespace().any(|h| h == "ns/ir-inst"));
        for row in &lines[2..4] {
            assert_eq!(row.split_whitespace().count(), lines[1].split_whitespace().count(), "{row}");
        }
    }

    #[test]
    fn generated_function_returns_to_depth_zero_regularly() {
        let text = generate_module(20_000, 20);
        wat::parse_str(&text).expect("valid wasm text");
        // Lines of the big function: `block ...` and `... if` open, a lone `end` closes.
        let (mut depth, mut zeros) = (0i64, 0);
        for line in text.lines().skip(4).map(str::trim) {
            if line.starts_with("block ") || line.ends_with(" if") {
                depth += 1;
            } else if line == "end" {
                depth -= 1;
                if depth == 0 {
                    zeros += 1;
                }
            }
        }
        assert_eq!(depth, 0);
        assert!(zeros >= 20_000 / CLOSE_ALL_EVERY - 1, "depth came back to zero {zeros} times");
    }
}
