//! What each subcommand does. Returns the process exit code, or an error that `main`
//! prints as one line. Options that would have no effect where they were given are
//! reported here, as one `wlab: warning:` line each, before the command runs.

use crate::cli::{AllocArgs, Command, ExploreArgs, Format, PipelineArgs};
use crate::codegen::CodegenOptions;
use crate::engines::make_engine;
use crate::explore::{explore_function, render_text, ExploreOptions};
use crate::output::{print, print_json, println, warn};
use crate::CliError;
use wlab_backends::Target;

/// Runs one subcommand; `Ok(code)` is the exit status.
pub fn run(cmd: Command) -> Result<i32, CliError> {
    match cmd {
        Command::Explore(args) => {
            print(&explore_output(&args, false)?)?;
            Ok(0)
        }
        Command::Stats { module, pipeline, target, output } => {
            let name = target.target.as_deref().unwrap_or(Target::X86_64.name());
            let t = crate::codegen::parse_target(name)?;
            let cg = codegen_options(t, &target.alloc, None)?;
            warn_pipeline_flags(&pipeline, Some(t))?;
            let bytes = crate::input::read_module(&module)?;
            let p = crate::pipeline::from_args(&pipeline, Some(t))?;
            let mut stats = crate::stats_codegen::module_stats(&bytes, pipeline.passes.as_deref(), p.as_ref(), &cg)?;
            if let Some(p) = &p {
                let m = wlab_ir::translate::translate_module(&bytes)?;
                stats.passes = Some(crate::stats::module_stats(&m, p)?);
            }
            match output.format() {
                Format::Json => print_json(&stats)?,
                Format::Text => {
                    let mut text = String::new();
                    if let Some(p) = &stats.passes {
                        text.push_str(&crate::stats::render_text(p));
                    }
                    text.push_str(&crate::stats_codegen::render(&stats));
                    print(&text)?;
                }
            }
            Ok(0)
        }
        Command::Compile { module, out, pipeline, target, output } => {
            let name = target.target.as_deref().unwrap_or(Target::X86_64.name());
            let t = crate::codegen::parse_target(name)?;
            let cg = codegen_options(t, &target.alloc, None)?;
            warn_pipeline_flags(&pipeline, Some(t))?;
            let p = crate::pipeline::from_args(&pipeline, Some(t))?;
            let report =
                crate::compile_object::compile_to_object(&module, &out, pipeline.passes.as_deref(), p.as_ref(), &cg)?;
            match output.format() {
                Format::Json => print_json(&report)?,
                Format::Text => print(&crate::compile_object::render(&report))?,
            }
            Ok(0)
        }
        Command::Opt { module, out, func, pipeline, output } => {
            warn_pipeline_flags(&pipeline, None)?;
            let p = crate::pipeline::from_args(&pipeline, None)?;
            let (funcs, text) =
                crate::opt::optimized_ir(&module, func.as_deref(), pipeline.passes.as_deref(), p.as_ref())?;
            let Some(path) = out else {
                if output.format() == Format::Json {
                    warn("--format json has no effect without -o: the IR text is the output");
                }
                print(&text)?;
                return Ok(0);
            };
            std::fs::write(&path, &text)
                .map_err(|e| CliError::Other(format!("cannot write {}: {e}", path.display())))?;
            let summary = OptSummary {
                output: path.display().to_string(),
                functions: funcs.iter().map(|f| f.name.clone()).collect(),
                ir_insts: funcs.iter().map(|f| f.num_layout_insts()).sum(),
                bytes: text.len(),
            };
            match output.format() {
                Format::Json => print_json(&summary)?,
                Format::Text => println(&format!(
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
            warn_pipeline_flags(&pipeline, crate::engines::engine_target(&engine.engine))?;
            let engine = make_engine(&engine, &pipeline, limits.metered())?;
            let config = wlab_runtime::WastConfig {
                print: false,
                limits: limits.store_limits()?,
                fuel: limits.fuel,
                timeout: limits.timeout()?,
            };
            let json = output.format() == Format::Json;
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
                    print(&lines)?;
                }
                total.passed += report.passed;
                total.failed += report.failed;
                total.skipped += report.skipped;
                total.failures.extend(report.failures);
            }
            if json {
                print_json(&total)?;
            } else {
                println(&format!("{} passed, {} failed, {} skipped", total.passed, total.failed, total.skipped))?;
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
            crate::run::run(crate::run::RunOptions {
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
        Command::EgraphBudget { paths, pipeline, runs, output } => {
            warn_pipeline_flags(&pipeline, None)?;
            let p = crate::pipeline::from_args(&pipeline, None)?.ok_or_else(|| {
                CliError::Other("egraph-budget needs a pipeline (--passes) with an `egraph` pass".into())
            })?;
            let b = crate::budget::measure(&paths, &p, runs)?;
            match output.format() {
                Format::Text => print(&crate::budget::render(&b))?,
                Format::Json => print_json(&b)?,
            }
            Ok(0)
        }
        Command::Passes { output } => {
            match output.format() {
                Format::Text => print(&wlab_passes::registry::describe_passes())?,
                Format::Json => print_json(&registry_json())?,
            }
            Ok(0)
        }
        Command::Scaling { shape, insts, locals, levels, factors, pipeline, target, save, output } => {
            let shape = crate::shapes::Shape::from_name(&shape).ok_or_else(|| {
                CliError::Other(format!("unknown shape `{shape}`; valid: {}", crate::shapes::Shape::NAMES.join(", ")))
            })?;
            let target = target.as_deref().map(crate::codegen::parse_target).transpose()?;
            warn_pipeline_flags(&pipeline, target)?;
            let pipeline = crate::pipeline::from_args(&pipeline, target)?;
            let spec = crate::scaling::ScalingSpec { shape, insts, locals, levels, factors, pipeline, target, save };
            let rows = crate::scaling::measure(&spec)?;
            match output.format() {
                Format::Text => print(&crate::scaling::render(&rows))?,
                Format::Json => print_json(&rows)?,
            }
            Ok(0)
        }
        Command::Difftest(args) => {
            warn_pipeline_flags(&args.pipeline, crate::engines::engine_target(&args.engine.engine))?;
            crate::difftest::command(&args)
        }
    }
}

/// `wlab opt -o FILE --format json`: what was written.
#[derive(Debug, serde::Serialize)]
struct OptSummary {
    output: String,
    functions: Vec<String>,
    ir_insts: usize,
    bytes: usize,
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

/// What `wlab explore` prints for `args` (text or JSON), warnings aside. The file tests
/// build `args` from a test's header and pin this text; `checked` runs regalloc2's
/// checker on the allocation (tests do; the command line does not).
pub fn explore_output(args: &ExploreArgs, checked: bool) -> Result<String, CliError> {
    let ExploreArgs { module, func, pipeline, diff, check, no_wasm, target, syntax, interleave, egraph_dump, output } =
        args.clone();
    let codegen = match &target.target {
        None => {
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
            None
        }
        Some(t) => {
            let t = crate::codegen::parse_target(t)?;
            if t == Target::Aarch64 && syntax.is_some() {
                warn("--syntax has no effect on aarch64: its disassembly is always in Arm syntax");
            }
            let mut c = codegen_options(t, &target.alloc, syntax.as_deref())?;
            c.interleave = interleave;
            c.alloc.check = checked;
            Some(c)
        }
    };
    let egraph = warn_pipeline_flags(&pipeline, codegen.map(|c| c.target))?;
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
        codegen,
        num_imported_funcs: 0,
        egraph_dump,
        rules: pipeline.rules.map(|p| p.display().to_string()),
    };
    let report = if crate::explore::is_ir_file(&module) {
        let text = crate::input::read_text(&module)?;
        let funcs = crate::explore::parse_ir(&module, &text)?;
        crate::explore::report_function(crate::explore::select_ir(&funcs, &func)?, Vec::new(), &opts)?
    } else {
        let bytes = crate::input::read_module(&module)?;
        let m = wlab_ir::translate::read_module(&bytes)?;
        explore_function(&bytes, &m, &func, &opts)?
    };
    Ok(match output.format() {
        Format::Text => render_text(&report, diff),
        Format::Json => crate::output::to_json(&report),
    })
}

/// How `explore --target` and `stats` compile: the allocator options checked against
/// `target`, and `--syntax` (x86-64 only; Intel by default).
fn codegen_options(target: Target, alloc: &AllocArgs, syntax: Option<&str>) -> Result<CodegenOptions, CliError> {
    Ok(CodegenOptions {
        target,
        alloc: crate::engines::alloc_options(alloc, target)?,
        syntax: crate::codegen::parse_syntax(syntax.unwrap_or("intel"))?,
        interleave: false,
        bounds: crate::engines::bounds_option(alloc.bounds_checks.as_deref())?,
    })
}

/// Parses the pipeline (so a bad one is an error before anything runs), warns when
/// `--rules` would have no effect, and says whether the pipeline has an `egraph` pass.
fn warn_pipeline_flags(args: &PipelineArgs, target: Option<Target>) -> Result<bool, CliError> {
    let egraph = match crate::pipeline::from_args(args, target)? {
        Some(p) => crate::pipeline::has_egraph(&p),
        None => false,
    };
    if args.rules.is_some() && !egraph {
        warn(&format!("--rules has no effect: {}", no_egraph(args)));
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
