//! `wlab compile MOD -o out.o`: translates a module, runs the pipeline on every function,
//! compiles each for the target (in parallel; placed in index order) and writes an ELF
//! relocatable object (`object_file.rs`). The code is what `wlab explore --target` shows
//! for each function with the same options: x86-64 code uses the CPU features of this
//! machine, as `wlab run` does. Returns a summary; never prints.

use crate::codegen::CodegenOptions;
use crate::object_file::{write_object, ObjectFunction, ObjectSummary};
use crate::CliError;
use std::path::Path;
use wlab_backends::compile_function;
use wlab_passes::pipeline::Segment;

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
    let mut m = wlab_ir::translate::translate_module(&bytes)?;
    // A pipeline of function steps only runs inside each function's compile task (as
    // `wlab run` does); module passes need the whole module rewritten first.
    let fused = match pipeline.map(|p| p.segments()).as_deref() {
        None | Some([]) => None,
        Some([Segment::Functions { steps, .. }]) => Some(steps.clone()),
        Some(_) => {
            crate::pipeline::apply_module(&mut m.functions, pipeline.expect("segments came from it"))?;
            None
        }
    };
    let first = m.info.num_imported_funcs();
    let co = cg.compile_options(first);
    let compile_one = |mut f: wlab_ir::Function| -> Result<_, CliError> {
        if let Some(steps) = &fused {
            crate::pipeline::apply(&mut f, steps)?;
        }
        compile_function(&f, &co).map_err(|e| CliError::Other(e.to_string()))
    };
    let functions = std::mem::take(&mut m.functions);
    let compiled = wlab_runtime::largest_first::map_largest_first(functions, |f| f.insts.len(), compile_one);
    // The first failure in function order, whatever the thread timing.
    let compiled: Vec<_> = compiled.into_iter().collect::<Result<_, _>>()?;
    let funcs: Vec<ObjectFunction<'_>> = compiled
        .iter()
        .enumerate()
        .map(|(k, c)| {
            let index = first + k as u32;
            ObjectFunction { index, name: m.info.func_display_name(index), code: c }
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
