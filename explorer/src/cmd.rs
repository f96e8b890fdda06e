//! What each subcommand does. Returns the process exit code, or an error that `main`
//! prints as one line.

use crate::cli::{Command, Format};
use crate::codegen::CodegenOptions;
use crate::engines::{make_engine, EngineChoice};
use crate::explore::{explore_function, render_text, ExploreOptions};
use crate::CliError;
use std::io::Write;

/// Runs one subcommand; `Ok(code)` is the exit status.
pub fn run(cmd: Command) -> Result<i32, CliError> {
    match cmd {
        Command::Explore {
            module,
            func,
            passes,
            diff,
            check,
            no_wasm,
            target,
            alloc,
            syntax,
            interleave,
            egraph_dump,
            rules,
            format,
        } => {
            let codegen = match &target {
                None => None,
                Some(t) => Some(CodegenOptions {
                    target: crate::codegen::parse_target(t)?,
                    alloc: crate::engines::alloc_options(alloc.regalloc.as_deref(), alloc.regs)?,
                    syntax: crate::codegen::parse_syntax(&syntax)?,
                    interleave,
                    bounds: crate::engines::bounds_option(alloc.bounds_checks.as_deref())?,
                }),
            };
            let bytes = crate::input::read_module(&module)?;
            let m = wlab_ir::translate::translate_module(&bytes)?;
            let rules = rules.map(|p| p.display().to_string());
            let opts = ExploreOptions {
                passes,
                diff,
                check,
                show_wasm: !no_wasm,
                codegen,
                num_imported_funcs: 0,
                egraph_dump,
                rules,
            };
            let report = explore_function(&bytes, &m, &func, &opts)?;
            match format {
                Format::Text => print!("{}", render_text(&report, diff)),
                Format::Json => println!("{}", to_json(&report)),
            }
            Ok(0)
        }
        Command::Stats { module, passes, target, alloc, rules, json, format } => {
            let cg = CodegenOptions {
                target: crate::codegen::parse_target(&target)?,
                alloc: crate::engines::alloc_options(alloc.regalloc.as_deref(), alloc.regs)?,
                syntax: wlab_backends::machinst::Syntax::Intel,
                interleave: false,
                bounds: crate::engines::bounds_option(alloc.bounds_checks.as_deref())?,
            };
            let bytes = crate::input::read_module(&module)?;
            let rules = rules.map(|p| p.display().to_string());
            let mut stats = crate::stats_codegen::module_stats(&bytes, passes.as_deref(), &cg)?;
            if let Some(p) = &passes {
                let m = wlab_ir::translate::translate_module(&bytes)?;
                stats.passes = Some(crate::stats::module_stats(&m, p, rules.as_deref())?);
            }
            if json || format == Format::Json {
                println!("{}", to_json(&stats));
            } else {
                if let Some(p) = &stats.passes {
                    print!("{}", crate::stats::render_text(p));
                }
                print!("{}", crate::stats_codegen::render(&stats));
            }
            Ok(0)
        }
        Command::Wast { files, engine, passes, alloc } => {
            let choice = EngineChoice {
                engine,
                passes,
                regalloc: alloc.regalloc,
                regs: alloc.regs,
                bounds_checks: alloc.bounds_checks,
            };
            let engine = make_engine(&choice)?;
            let (mut passed, mut failed, mut skipped) = (0, 0, 0);
            let stdout = std::io::stdout();
            for f in &files {
                let report = wlab_runtime::wast::run_wast_file(f, engine.as_ref())
                    .map_err(|e| CliError::Other(format!("{}: {e}", f.display())))?;
                let mut out = stdout.lock();
                for line in &report.failures {
                    let _ = writeln!(out, "{line}");
                }
                passed += report.passed;
                failed += report.failed;
                skipped += report.skipped;
            }
            println!("{passed} passed, {failed} failed, {skipped} skipped");
            Ok(if failed > 0 { 1 } else { 0 })
        }
        Command::Run { engine, passes, alloc, dirs, env, invoke, bench_report, module, args } => {
            crate::run::run(crate::run::RunOptions {
                module,
                args,
                invoke,
                engine,
                passes,
                alloc,
                dirs,
                env,
                bench_report,
            })
        }
        Command::Bench { paths, engines, passes, alloc, runs, timeout, no_peers, format } => {
            let timeout = std::time::Duration::from_secs(timeout);
            let opts =
                crate::bench::BenchOptions { paths, engines, passes, alloc, runs: runs.max(1), timeout, no_peers };
            let report = crate::bench::bench(&opts)?;
            match format {
                Format::Text => print!("{}", crate::bench::render(&report)),
                Format::Json => println!("{}", to_json(&report)),
            }
            Ok(0)
        }
        Command::EgraphBudget { paths, passes, rules, runs, format } => {
            let rules = rules.map(|p| p.display().to_string());
            let b = crate::budget::measure(&paths, &passes, rules.as_deref(), runs)?;
            match format {
                Format::Text => print!("{}", crate::budget::render(&b)),
                Format::Json => println!("{}", to_json(&b)),
            }
            Ok(0)
        }
        Command::Passes => {
            print!("{}", wlab_passes::registry::describe_passes());
            Ok(0)
        }
        Command::Scaling { insts, locals, factors, passes, format } => {
            let rows = crate::scaling::measure(insts, locals, &factors, passes.as_deref())?;
            match format {
                Format::Text => print!("{}", crate::scaling::render(&rows)),
                Format::Json => println!("{}", to_json(&rows)),
            }
            Ok(0)
        }
        Command::Difftest(args) => crate::difftest::command(&args),
    }
}

fn to_json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string_pretty(v).expect("reports serialize")
}
