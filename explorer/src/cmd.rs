//! What each subcommand does. Returns the process exit code, or an error that `main`
//! prints as one line. Options that would have no effect where they were given are
//! reported here, as one `wlab: warning:` line each, before the command runs.

use crate::cli::{AllocArgs, Command, ExploreArgs, Format, PipelineArgs, RulesCommand};
use crate::codegen::CodegenOptions;
use crate::engines::make_engine;
use crate::explore::{render_text, report_function, ExploreOptions};
use crate::output::warn;
use crate::output::{emit, plain, Plain, Sink};
use crate::CliError;
use wlab_backends::Target;

/// Runs one subcommand; `Ok(code)` is the exit status.
pub fn run(cmd: Command) -> Result<i32, CliError> {
    match cmd {
        Command::Explore(args) => {
            let (report, text) = explore_report(&args, false)?;
            emit(&args.output, &text)?;
            Ok(report.as_ref().map_or(0, crate::explore::check_status))
        }
        Command::Stats { module, pipeline, target, check, states, peer, funcs, top, peer_timeout, output } => {
            let format = plain(&output, "stats")?;
            let name = match target.target.as_slice() {
                [] => Target::X86_64.name(),
                [one] => one.as_str(),
                _ => return Err(CliError::Other("`wlab stats` takes one --target".into())),
            };
            let t = crate::codegen::parse_target(name)?;
            let cg = codegen_options(t, &target.alloc, None)?;
            warn_pipeline_flags(&pipeline, Some(t))?;
            let bytes = crate::input::read_module(&module)?;
            let p = crate::pipeline::from_args(&pipeline, Some(t))?;
            if let Some(peer) = peer {
                if t != Target::X86_64 {
                    return Err(CliError::Other("--peer compares x86-64 code: use --target x86_64".into()));
                }
                let info = wlab_ir::translate::read_module(&bytes)?.info().clone();
                let mut sel = crate::peer_code::Selection { funcs: Vec::new(), top };
                for f in &funcs {
                    sel.funcs.push(crate::select::select_function(&info, f)?);
                }
                let stats =
                    crate::stats_codegen::module_stats(&bytes, pipeline.passes.as_deref(), p.as_ref(), &cg, true)?;
                let timeout = std::time::Duration::from_secs(peer_timeout);
                let c = crate::peer_code::compare(&bytes, &stats, peer, &sel, timeout)?;
                match format {
                    Plain::Json => Sink::new(&output).json(&c)?,
                    Plain::Text => emit(&output, &crate::peer_code::render(&c, &module))?,
                }
                return Ok(0);
            }
            let mut stats =
                crate::stats_codegen::module_stats(&bytes, pipeline.passes.as_deref(), p.as_ref(), &cg, false)?;
            if check && p.is_none() {
                warn("--check has no effect without --passes");
            }
            if let (Some(dir), true) = (&states, p.is_some()) {
                crate::states::check_module(dir, &bytes)?;
            }
            if let Some(p) = &p {
                // The functions that translate (the others are `not compiled` rows above).
                let reader = wlab_ir::translate::read_module(&bytes)?;
                let functions = reader.translate_each().into_iter().filter_map(Result::ok).collect();
                let m = wlab_ir::Module { info: reader.info().clone(), functions };
                let check = check.then(|| crate::stats::CheckOptions { states: states.clone() });
                stats.passes = Some(crate::stats::module_stats(&m, p, check.as_ref())?);
            }
            match format {
                Plain::Json => Sink::new(&output).json(&stats)?,
                Plain::Text => {
                    let mut text = String::new();
                    if let Some(p) = &stats.passes {
                        text.push_str(&crate::stats::render_text(p));
                    }
                    text.push_str(&crate::stats_codegen::render(&stats));
                    emit(&output, &text)?;
                }
            }
            Ok(stats.passes.as_ref().map_or(0, crate::stats::check_status))
        }
        Command::Compile { module, pipeline, target, output } => {
            // -o names the object file here; the summary goes to stdout.
            let Some(out) = output.output.clone() else {
                return Err(CliError::Other("wlab compile needs -o FILE: the object file to write".into()));
            };
            let format = plain(&output, "compile")?;
            let name = match target.target.as_slice() {
                [] => Target::X86_64.name(),
                [one] => one.as_str(),
                _ => return Err(CliError::Other("`wlab compile` takes one --target".into())),
            };
            let t = crate::codegen::parse_target(name)?;
            let cg = codegen_options(t, &target.alloc, None)?;
            warn_pipeline_flags(&pipeline, Some(t))?;
            let p = crate::pipeline::from_args(&pipeline, Some(t))?;
            let report =
                crate::compile_object::compile_to_object(&module, &out, pipeline.passes.as_deref(), p.as_ref(), &cg)?;
            match format {
                Plain::Json => crate::output::print_json(&report)?,
                Plain::Text => crate::output::print(&crate::compile_object::render(&report))?,
            }
            Ok(0)
        }
        Command::Opt { module, func, pipeline, output } => {
            // -o names the IR file here; with it, a summary goes to stdout.
            let format = plain(&output, "opt")?;
            let out = output.output.clone();
            warn_pipeline_flags(&pipeline, None)?;
            let p = crate::pipeline::from_args(&pipeline, None)?;
            let (funcs, text, module_passes) =
                crate::opt::optimized_ir(&module, func.as_deref(), pipeline.passes.as_deref(), p.as_ref())?;
            let Some(path) = out else {
                if format == Plain::Json {
                    warn("--format json has no effect without -o: the IR text is the output");
                }
                crate::output::print(&text)?;
                return Ok(0);
            };
            std::fs::write(&path, &text)
                .map_err(|e| CliError::Other(format!("cannot write {}: {e}", path.display())))?;
            let summary = OptSummary {
                output: path.display().to_string(),
                functions: funcs.iter().map(|f| f.name.clone()).collect(),
                ir_insts: funcs.iter().map(|f| f.num_layout_insts()).sum(),
                bytes: text.len(),
                module_passes,
            };
            match format {
                Plain::Json => crate::output::print_json(&summary)?,
                Plain::Text => crate::output::println(&format!(
                    "wrote {}: {} functions, {} IR instructions, {} bytes",
                    summary.output,
                    summary.functions.len(),
                    summary.ir_insts,
                    summary.bytes
                ))?,
            }
            Ok(0)
        }
        Command::Wast { files, engine, pipeline, output, limits } => {
            let json = plain(&output, "wast")? == Plain::Json;
            warn_pipeline_flags(&pipeline, crate::engines::engine_target(&engine.engine))?;
            let engine = make_engine(&engine, &pipeline, limits.metered())?;
            let config = wlab_runtime::WastConfig {
                print: false,
                limits: limits.store_limits()?,
                fuel: limits.fuel,
                timeout: limits.timeout()?,
            };
            let mut out = Sink::new(&output);
            let mut total = WastTotals::default();
            for f in &files {
                // Read like a module: bounded by the input limit.
                let text = crate::input::read_text(f)?;
                let name = f.display().to_string();
                let report = wlab_runtime::wast::run_wast_text_with(&name, &text, engine.as_ref(), config)
                    .map_err(|e| CliError::Other(format!("{name}: {e}")))?;
                if !json {
                    // Each script's failures as soon as it ends: the suite can be long.
                    let mut lines = String::new();
                    for line in &report.failures {
                        lines.push_str(line);
                        lines.push('\n');
                    }
                    out.write(&lines)?;
                }
                total.passed += report.passed;
                total.failed += report.failed;
                total.skipped += report.skipped;
                total.failures.extend(report.failures);
            }
            if json {
                out.json(&total)?;
            } else {
                out.write(&format!("{} passed, {} failed, {} skipped\n", total.passed, total.failed, total.skipped))?;
            }
            Ok(if total.failed > 0 { 1 } else { 0 })
        }
        Command::Run {
            engine,
            pipeline,
            dirs,
            env,
            invoke,
            bench_report,
            compile_only,
            record,
            memory_hash,
            profile,
            profile_out,
            limits,
            module,
            args,
        } => {
            let profile = profile.as_deref().map(crate::profile::ProfileMode::parse).transpose()?;
            if let Some(p) = profile {
                p.check_engine(&engine.engine)?;
            }
            if profile_out.is_some() && profile != Some(crate::profile::ProfileMode::Sample) {
                warn("--profile-out has no effect without --profile sample");
            }
            warn_pipeline_flags(&pipeline, crate::engines::engine_target(&engine.engine))?;
            let defaults = wlab_runtime::record::RecordOptions::default();
            let record_limits = [
                ("--record-calls", record.record_calls != defaults.calls_per_func),
                ("--record-bytes", record.record_bytes != defaults.total_bytes),
                ("--record-state-bytes", record.record_state_bytes != defaults.state_bytes),
            ];
            if record.record.is_none() {
                for (flag, _) in record_limits.iter().filter(|(_, given)| *given) {
                    warn(&format!("{flag} has no effect without --record"));
                }
            }
            if compile_only {
                let runs_code = [
                    ("--invoke", invoke.is_some()),
                    ("--profile", profile.is_some()),
                    ("--record", record.record.is_some()),
                    ("--memory-hash", memory_hash.is_some()),
                ];
                if let Some((flag, _)) = runs_code.iter().find(|(_, given)| *given) {
                    return Err(CliError::Other(format!(
                        "--compile-only runs nothing: it cannot be combined with {flag}"
                    )));
                }
            }
            crate::run::run(crate::run::RunOptions {
                compile_only,
                profile,
                profile_out,
                module,
                args,
                invoke,
                engine,
                pipeline,
                dirs,
                env,
                bench_report,
                limits,
                record,
                memory_hash,
            })
        }
        Command::Bench(args) => {
            for e in &args.engines {
                // Bad engine or allocator options are one error here, not a failed run
                // per module (the runs are `wlab run` processes).
                crate::engines::make_base_engine(e, &args.alloc)?;
                warn_pipeline_flags(&args.pipeline, crate::engines::engine_target(e))?;
            }
            crate::bench::command(&args)
        }
        Command::Sweep(args) => crate::sweep::command(&args),
        Command::EgraphBudget { paths, pipeline, runs, output } => {
            let format = plain(&output, "egraph-budget")?;
            warn_pipeline_flags(&pipeline, None)?;
            let p = crate::pipeline::from_args(&pipeline, None)?.ok_or_else(|| {
                CliError::Other("egraph-budget needs a pipeline (--passes) with an `egraph` pass".into())
            })?;
            let b = crate::budget::measure(&paths, &p, runs)?;
            match format {
                Plain::Text => emit(&output, &crate::budget::render(&b))?,
                Plain::Json => Sink::new(&output).json(&b)?,
            }
            Ok(0)
        }
        Command::Passes { output } => {
            match plain(&output, "passes")? {
                Plain::Text => emit(&output, &wlab_passes::registry::describe_passes())?,
                Plain::Json => Sink::new(&output).json(&registry_json())?,
            }
            Ok(0)
        }
        Command::Scaling { shape, insts, locals, levels, factors, pipeline, target, save, output } => {
            let format = plain(&output, "scaling")?;
            let shape = crate::shapes::Shape::from_name(&shape).ok_or_else(|| {
                CliError::Other(format!("unknown shape `{shape}`; valid: {}", crate::shapes::Shape::NAMES.join(", ")))
            })?;
            let target = target.as_deref().map(crate::codegen::parse_target).transpose()?;
            warn_pipeline_flags(&pipeline, target)?;
            let pipeline = crate::pipeline::from_args(&pipeline, target)?;
            let spec = crate::scaling::ScalingSpec { shape, insts, locals, levels, factors, pipeline, target, save };
            let rows = crate::scaling::measure(&spec)?;
            match format {
                Plain::Text => emit(&output, &crate::scaling::render(&rows))?,
                Plain::Json => Sink::new(&output).json(&rows)?,
            }
            Ok(0)
        }
        Command::Difftest(args) => {
            warn_pipeline_flags(&args.pipeline, crate::engines::engine_target(&args.engine.engine))?;
            let l = &args.limits;
            let limits = [
                ("--fuel", l.fuel.is_some()),
                ("--timeout", l.timeout.is_some()),
                ("--max-memory-pages", l.max_memory_pages.is_some()),
                ("--max-interp-stack", l.max_interp_stack.is_some()),
            ];
            if args.program.is_none() {
                for (flag, _) in limits.iter().filter(|(_, given)| *given) {
                    warn(&format!("{flag} has no effect without --program"));
                }
            } else if args.save.is_some() {
                warn("--save has no effect with --program");
            }
            crate::difftest::command(&args)
        }
        Command::Rules { command: RulesCommand::Prove(args) } => crate::rules_prove::command(&args),
    }
}

/// `wlab opt -o FILE --format json`: what was written.
#[derive(Debug, serde::Serialize)]
struct OptSummary {
    output: String,
    functions: Vec<String>,
    ir_insts: usize,
    bytes: usize,
    /// What each module pass did (the `;` comment lines of the text).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    module_passes: Vec<wlab_passes::manager::ModulePassRun>,
}

/// `wlab wast --format json`: the counts over every script and each failure's line.
#[derive(Debug, Default, serde::Serialize)]
struct WastTotals {
    passed: usize,
    failed: usize,
    skipped: usize,
    failures: Vec<String>,
}

/// The pass registry and the presets as `wlab passes --format json` prints them.
fn registry_json() -> serde_json::Value {
    let passes: Vec<serde_json::Value> = wlab_passes::registry::registry()
        .iter()
        .map(|p| {
            let args: Vec<serde_json::Value> = p
                .args
                .iter()
                .map(|a| serde_json::json!({"name": a.name, "type": a.ty.name(), "default": a.default, "doc": a.doc}))
                .collect();
            serde_json::json!({"name": p.name, "description": p.description, "args": args})
        })
        .collect();
    let presets: Vec<serde_json::Value> = wlab_passes::pipeline::PRESETS
        .iter()
        .map(|(name, pipeline, doc)| serde_json::json!({"name": name, "pipeline": pipeline, "doc": doc}))
        .collect();
    serde_json::json!({"passes": passes, "presets": presets})
}

/// What `wlab explore` prints for `args` (text, JSON or the HTML page), warnings aside.
/// The file tests build `args` from a test's header and pin this text; `checked` runs
/// regalloc2's checker on the allocation (tests do; the command line does not).
pub fn explore_output(args: &ExploreArgs, checked: bool) -> Result<String, CliError> {
    explore_report(args, checked).map(|(_, text)| text)
}

/// [`explore_output`] with the report it renders (for `--check`'s summary and status;
/// `None` for the HTML page, which renders its own model).
pub fn explore_report(
    args: &ExploreArgs,
    checked: bool,
) -> Result<(Option<crate::explore::FunctionReport>, String), CliError> {
    let ExploreArgs {
        module,
        func,
        pipeline,
        diff,
        check,
        states,
        no_wasm,
        target,
        syntax,
        interleave,
        egraph_dump,
        output,
    } = args.clone();
    let format = output.format();
    if target.target.len() > 1 && format != Format::Html {
        return Err(CliError::Other(format!(
            "--target given {} times: only --format html shows several targets side by side",
            target.target.len()
        )));
    }
    if target.target.is_empty() {
        let mut unused = AllocArgs::flags(&target.alloc);
        if interleave {
            unused.push("--interleave");
        }
        if syntax.is_some() {
            unused.push("--syntax");
        }
        if !unused.is_empty() {
            let verb = if unused.len() == 1 { "has" } else { "have" };
            warn(&format!("{} {verb} no effect without --target", unused.join(", ")));
        }
    }
    let mut codegens = Vec::new();
    for t in &target.target {
        let t = crate::codegen::parse_target(t)?;
        if codegens.iter().any(|c: &CodegenOptions| c.target == t) {
            return Err(CliError::Other(format!("--target {} is given twice", t.name())));
        }
        if t == Target::Aarch64 && syntax.is_some() {
            warn("--syntax has no effect on aarch64: its disassembly is always in Arm syntax");
        }
        let mut c = codegen_options(t, &target.alloc, syntax.as_deref())?;
        c.interleave = interleave && format != Format::Html;
        c.alloc.check = checked;
        codegens.push(c);
    }
    if format == Format::Html {
        let mut no_effect = Vec::new();
        if interleave && !codegens.is_empty() {
            no_effect.push("--interleave");
        }
        if diff {
            no_effect.push("--diff");
        }
        if !no_effect.is_empty() {
            let verb = if no_effect.len() == 1 { "has" } else { "have" };
            warn(&format!(
                "{} {verb} no effect with --format html: the page has every stage's IR and diff, and links code to its source",
                no_effect.join(", ")
            ));
        }
    }
    let egraph = warn_pipeline_flags(&pipeline, codegens.first().map(|c| c.target))?;
    if egraph_dump && !egraph {
        warn(&format!("--egraph-dump has no effect: {}", no_egraph(&pipeline)));
    }
    if check && pipeline.passes.is_none() {
        warn("--check has no effect without --passes");
    }
    let opts = ExploreOptions {
        passes: pipeline.passes,
        diff,
        check,
        show_wasm: !no_wasm,
        codegen: if format == Format::Html { None } else { codegens.first().copied() },
        num_imported_funcs: 0,
        egraph_dump,
        rules: pipeline.rules.map(|p| p.display().to_string()),
        states,
        module_funcs: None,
    };
    let module_pass =
        opts.passes.as_deref().and_then(|p| wlab_passes::Pipeline::parse(p).ok()).is_some_and(|p| p.has_module_pass());
    let (func, wasm, opts) = if crate::explore::is_ir_file(&module) {
        if opts.states.is_some() {
            warn("--states has no effect on an .ir file (states belong to a module's functions)");
        }
        let text = crate::input::read_text(&module)?;
        let funcs = crate::explore::parse_ir(&module, &text)?;
        let selected = crate::explore::select_ir(&funcs, &func)?.clone();
        let opts = ExploreOptions { module_funcs: module_pass.then(|| std::sync::Arc::new(funcs)), ..opts };
        (selected, Vec::new(), opts)
    } else {
        let bytes = crate::input::read_module(&module)?;
        if let (Some(dir), true) = (&opts.states, opts.check && opts.passes.is_some()) {
            crate::states::check_module(dir, &bytes)?;
        }
        let m = wlab_ir::translate::read_module(&bytes)?;
        let (func, wasm, mut opts) = crate::explore::translate_function(&bytes, &m, &func, &opts)?;
        if module_pass {
            // Module passes see every function that translates; the others are opaque.
            opts.module_funcs = Some(std::sync::Arc::new(m.translate_each().into_iter().flatten().collect()));
        }
        (func, wasm, opts)
    };
    Ok(match format {
        Format::Text => {
            let report = report_function(&func, wasm, &opts)?;
            let mut text = render_text(&report, diff);
            if check && report.pipeline.is_some() {
                text += &crate::explore::render_check(&report);
            }
            (Some(report), text)
        }
        Format::Json => {
            let report = report_function(&func, wasm, &opts)?;
            let text = crate::output::to_json(&report);
            (Some(report), text)
        }
        Format::Html => {
            let page = crate::page::PageOptions { explore: opts, targets: codegens, timings: true };
            (None, crate::page::render_page(&crate::page::build_model(&func, wasm, &page)?))
        }
    })
}

/// How `explore --target`, `stats` and `compile` compile: the allocator, bounds-check and
/// CPU-feature options checked against `target`, and `--syntax` (x86-64 only; Intel by default).
fn codegen_options(target: Target, alloc: &AllocArgs, syntax: Option<&str>) -> Result<CodegenOptions, CliError> {
    Ok(CodegenOptions {
        target,
        alloc: crate::engines::alloc_options(alloc, target)?,
        syntax: crate::codegen::parse_syntax(syntax.unwrap_or("intel"))?,
        interleave: false,
        bounds: crate::engines::bounds_option(alloc.bounds_checks.as_deref())?,
        features: crate::engines::cpu_features_option(alloc, target)?,
    })
}

/// Parses the pipeline (so a bad one is an error before anything runs), warns when
/// `--rules` would have no effect, and says whether the pipeline has an `egraph` pass.
/// With `--prove`, proves the pipeline's rule files first (an error on a counterexample).
fn warn_pipeline_flags(args: &PipelineArgs, target: Option<Target>) -> Result<bool, CliError> {
    let p = crate::pipeline::from_args(args, target)?;
    let egraph = p.as_ref().is_some_and(crate::pipeline::has_egraph);
    if args.rules.is_some() && !egraph {
        warn(&format!("--rules has no effect: {}", no_egraph(args)));
    }
    if args.prove {
        let files = p.as_ref().map(crate::pipeline::rule_files).unwrap_or_default();
        crate::rules_prove::prove_first(&files)?;
    }
    Ok(egraph)
}

/// Why nothing e-graph related happens under `args`.
fn no_egraph(args: &PipelineArgs) -> String {
    match &args.passes {
        None => "no pipeline is run (see --passes)".to_string(),
        Some(p) => format!("the pipeline `{p}` has no `egraph` pass"),
    }
}
