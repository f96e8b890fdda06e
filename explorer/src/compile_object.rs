//! `wlab compile MOD -o out.o`: translates a module, runs the pipeline on every function,
//! compiles each for the target (in parallel, each function translated in its own task
//! unless the pipeline has module passes; placed in index order) and writes an ELF
//! relocatable object (`object_file.rs`). The code is what `wlab explore --target` shows
//! for each function with the same options: x86-64 code uses the CPU features of this
//! machine, as `wlab run` does. Returns a summary; never prints.

use crate::codegen::CodegenOptions;
use crate::object_file::{write_object, ObjectFunction, ObjectSummary};
use crate::CliError;
use std::path::Path;
use wlab_backends::{compile_function, CompiledFunction};
use wlab_passes::pipeline::Segment;
use wlab_runtime::largest_first::map_largest_first;
use wlab_runtime::translate_each::map_translated;

/// What `wlab compile` reports.
#[derive(Clone, Debug, serde::Serialize)]
pub struct CompileReport {
    pub module: String,
    pub output: String,
    pub pipeline: Option<String>,
    #[serde(flatten)]
    pub object: ObjectSummary,
}

/// Compiles `module` after `pipeline` (from `pipeline::build`; `passes` is how it was
/// written) and writes the object to `out`.
pub fn compile_to_object(
    module: &Path,
    out: &Path,
    passes: Option<&str>,
    pipeline: Option<&wlab_passes::Pipeline>,
    cg: &CodegenOptions,
) -> Result<CompileReport, CliError> {
    if crate::explore::is_ir_file(module) {
        return Err(CliError::Other(format!(
            "{}: wlab compile reads .wasm and .wat modules; an .ir file lacks the module around its functions (imports, memories, tables)",
            module.display()
        )));
    }
    let bytes = crate::input::read_module(module)?;
    let reader = wlab_ir::translate::read_module(&bytes)?;
    let first = reader.info().num_imported_funcs();
    let co = cg.compile_options(first);
    let compile_one = |f: &wlab_ir::Function| compile_function(f, &co).map_err(|e| CliError::Other(e.to_string()));
    let compiled: Vec<_> = match pipeline.map(|p| p.segments()).as_deref() {
        // No pipeline, or function steps only: each function is translated, rewritten and
        // compiled in its own task (as `wlab run` does), so the module's IR never exists
        // at once. The first failure in function order, whatever the thread timing.
        None | Some([]) => map_translated(&reader, |f| compile_one(&f))?,
        Some([Segment::Functions { steps, .. }]) => map_translated(&reader, |mut f| {
            crate::pipeline::apply(&mut f, steps)?;
            compile_one(&f)
        })?,
        // Module passes need the whole module rewritten first.
        Some(_) => {
            let mut m = reader.into_module()?;
            crate::pipeline::apply_module(&mut m.functions, pipeline.expect("segments came from it"))?;
            let functions = std::mem::take(&mut m.functions);
            let compiled = map_largest_first(functions, |f| f.insts.len(), |f| compile_one(&f));
            return finish(module, out, passes, cg, &m.info, compiled.into_iter().collect::<Result<_, _>>()?);
        }
    };
    finish(module, out, passes, cg, reader.info(), compiled)
}

/// Writes the object of `compiled` (every defined function of `info`'s module, in order).
fn finish(
    module: &Path,
    out: &Path,
    passes: Option<&str>,
    cg: &CodegenOptions,
    info: &wlab_ir::ModuleInfo,
    compiled: Vec<CompiledFunction>,
) -> Result<CompileReport, CliError> {
    let first = info.num_imported_funcs();
    let funcs: Vec<ObjectFunction<'_>> = compiled
        .iter()
        .enumerate()
        .map(|(k, c)| {
            let index = first + k as u32;
            ObjectFunction { index, name: info.func_display_name(index), code: c }
        })
        .collect();
    let (data, object) = write_object(cg.target, &funcs)?;
    std::fs::write(out, &data).map_err(|e| CliError::Other(format!("cannot write {}: {e}", out.display())))?;
    Ok(CompileReport {
        module: module.display().to_string(),
        output: out.display().to_string(),
        pipeline: passes.map(str::to_string),
        object,
    })
}

/// `wrote out.o (x86_64, ELF relocatable): 2 functions, ...`.
pub fn render(r: &CompileReport) -> String {
    let o = &r.object;
    format!(
        "wrote {} ({}, ELF relocatable, {} bytes): {} functions, {} bytes of .text, {} call relocations, {} libcall relocations, {} trap sites\n",
        r.output,
        o.target,
        o.object_bytes,
        o.functions,
        o.text_bytes,
        o.call_relocations,
        o.libcall_relocations,
        o.trap_sites
    )
}
