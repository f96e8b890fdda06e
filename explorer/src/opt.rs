//! `wlab opt MOD --passes P [-o out.ir] [--func F]`: runs a pipeline on every function (or
//! one) and writes the result in the IR's text format, which `wlab explore out.ir` and
//! the `.ir` parser read back (`print(parse(text)) == text`). `MOD` may itself be an
//! `.ir` file. The text starts with a `;` comment line naming the command that wrote it,
//! then one `;` comment block per module pass run (`inline`: what it inlined and skipped).
//! Returns the text; never prints.

use crate::CliError;
use std::path::Path;
use wlab_ir::Function;

/// The optimised IR of `module`'s functions (all, or the one `func` selects): the
/// functions, their text, and what the module passes reported.
pub fn optimized_ir(
    module: &Path,
    func: Option<&str>,
    passes: Option<&str>,
    pipeline: Option<&wlab_passes::Pipeline>,
) -> Result<(Vec<Function>, String, Vec<wlab_passes::manager::ModulePassRun>), CliError> {
    let mut funcs: Vec<Function> = if crate::explore::is_ir_file(module) {
        let text = crate::input::read_text(module)?;
        let all = crate::explore::parse_ir(module, &text)?;
        match func {
            Some(sel) => vec![crate::explore::select_ir(&all, sel)?.clone()],
            None => all,
        }
    } else {
        let bytes = crate::input::read_module(module)?;
        match func {
            // Only the selected function is translated (as `explore` does).
            Some(sel) => {
                let reader = wlab_ir::translate::read_module(&bytes)?;
                let index = crate::select::select_function(reader.info(), sel)?;
                vec![reader.translate(index)?]
            }
            None => wlab_ir::translate::translate_module(&bytes)?.functions,
        }
    };
    for f in &funcs {
        wlab_ir::verify::verify_function(f)
            .map_err(|e| CliError::Verify { func: f.name.clone(), message: e.to_string() })?;
    }
    // A module pass sees the functions read here: all of them, or the selected one alone.
    let mut module_runs = Vec::new();
    if let Some(p) = pipeline {
        module_runs = crate::pipeline::apply_module(&mut funcs, p)?.0;
    }
    let mut text = format!(
        "; wlab opt {}{}{}\n",
        module.display(),
        passes.map(|p| format!(" --passes {p}")).unwrap_or_default(),
        func.map(|f| format!(" --func {f}")).unwrap_or_default()
    );
    for run in &module_runs {
        for line in run.to_string().lines() {
            text.push_str(&format!("; {line}\n"));
        }
    }
    for f in &funcs {
        text.push('\n');
        text.push_str(&wlab_ir::print_function(f));
    }
    Ok((funcs, text, module_runs))
}
