//! `wlab run`: runs a WASI command's `_start` (or one export with `--invoke`) on a named
//! engine, with WASI preview1, the `bench.start`/`bench.end` protocol and event times.
//!
//! ```text
//!  compile_start ─ read + validate ─ Engine::prepare_reader (translate, [--passes], compile each function) ─ compile_end
//!  (--compile-only: exit status 0 here)
//!  instantiate_start ─ store + linker (WASI, bench) ─ instantiate ─ instantiate_end
//!  _start | --invoke NAME VALUES   (bench.start / bench.end recorded as the guest calls them)
//!  exit status: 0 | proc_exit code | TRAP_EXIT_STATUS after a trap, in the start function too
//!               (kind, function, offset on stderr; `out of fuel` / `timeout` for --fuel / --timeout)
//!  --profile perfmap | jitdump: /tmp/perf-PID.map | /tmp/jit-PID.dump after compiling; --profile sample: SIGPROF sampler
//!               around instantiation and the run, hottest functions on stderr or --profile-out
//!  BENCH_TIMES_FILE set: `<event> <CLOCK_MONOTONIC ns>` lines appended; --bench-report: durations on stderr
//!  --record DIR: the interpreter with a recorder (`wlab_runtime::record`) instead of the engine
//!               and pipeline; the states are written to DIR (`states.rs`) when the run ends
//!  --memory-hash FILE: FNV-1a of memory 0 when the run ends (`wlab difftest --program`)
//! ```
//!
//! Everything that touches the store runs on the big-stack thread. The guest's
//! stdin/stdout/stderr are the process's own. This file never interprets WASI itself
//! and never prints a program's output: the WASI host does.

use crate::profile::{HotFunctions, ProfileMode};
use crate::CliError;
use std::cell::RefCell;
use std::io::Write;
use std::path::PathBuf;
use std::rc::Rc;
use std::sync::Arc;
use wlab_ir::interp::{Trap, Val};
use wlab_ir::Type;
use wlab_runtime::bench_host::{define_bench, BenchEvent, BenchTimes};
use wlab_runtime::profile::sampler::Sampler;
use wlab_runtime::wasi::{bind_memory, define_wasi, Preopen, WasiConfig, WasiCtx};
use wlab_runtime::{instantiate, invoke, InstantiateError, InvokeError, Linker};

/// Exit status after a trap (128 + SIGABRT, as wasmtime uses).
pub const TRAP_EXIT_STATUS: i32 = 134;

/// The environment variable naming the file event times are appended to.
pub const BENCH_TIMES_ENV: &str = "BENCH_TIMES_FILE";

/// What `wlab run` was asked to do.
#[derive(Clone, Debug)]
pub struct RunOptions {
    pub module: PathBuf,
    /// Guest arguments after argv[0], or the values for `--invoke`.
    pub args: Vec<String>,
    pub invoke: Option<String>,
    /// `--engine`, `--regalloc`, `--regs`, `--bounds-checks`.
    pub engine: crate::cli::EngineArgs,
    /// `--passes`, `--rules`.
    pub pipeline: crate::cli::PipelineArgs,
    /// `HOST[::GUEST]` directories to grant.
    pub dirs: Vec<String>,
    /// `K=V` environment entries.
    pub env: Vec<String>,
    pub bench_report: bool,
    /// `--compile-only`: return after `compile_end`, instantiating nothing.
    pub compile_only: bool,
    /// `--profile` (checked against the engine already).
    pub profile: Option<crate::profile::ProfileMode>,
    /// `--profile-out`: where `--profile sample` writes its JSON (else stderr, as text).
    pub profile_out: Option<PathBuf>,
    /// `--fuel`, `--timeout`, `--max-memory-pages`, `--max-interp-stack`.
    pub limits: crate::limits::LimitArgs,
    /// `--record DIR` and its limits.
    pub record: crate::cli::RecordArgs,
    /// `--memory-hash FILE`.
    pub memory_hash: Option<PathBuf>,
}

/// FNV-1a (64-bit) of `bytes`: the final-memory hash of `--memory-hash`.
pub fn memory_hash(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h = (h ^ b as u64).wrapping_mul(0x100_0000_01b3);
    }
    h
}

/// Runs the module; the process exit status.
pub fn run(opts: RunOptions) -> Result<i32, CliError> {
    let env = parse_env(&opts.env)?;
    let times_file = std::env::var_os(BENCH_TIMES_ENV);
    let bench_report = opts.bench_report;
    let (times, result) = wlab_runtime::run_with_big_stack(move || {
        let times = Rc::new(RefCell::new(BenchTimes::default()));
        let result = run_on_this_thread(&opts, env, &times);
        let recorded = times.borrow().clone();
        (recorded, result)
    });
    if let Some(path) = times_file {
        let mut f =
            std::fs::OpenOptions::new().create(true).append(true).open(&path).map_err(|e| {
                CliError::Other(format!("cannot open {BENCH_TIMES_ENV} {}: {e}", path.to_string_lossy()))
            })?;
        f.write_all(times.to_lines().as_bytes())
            .map_err(|e| CliError::Other(format!("cannot write {BENCH_TIMES_ENV}: {e}")))?;
    }
    if bench_report {
        eprintln!("wlab: {}", times.report());
    }
    result
}

fn parse_env(entries: &[String]) -> Result<Vec<(String, String)>, CliError> {
    entries
        .iter()
        .map(|e| match e.split_once('=') {
            Some((k, v)) if !k.is_empty() => Ok((k.to_string(), v.to_string())),
            _ => Err(CliError::Other(format!("--env expects K=V, got `{e}`"))),
        })
        .collect()
}

fn run_on_this_thread(
    opts: &RunOptions,
    env: Vec<(String, String)>,
    times: &Rc<RefCell<BenchTimes>>,
) -> Result<i32, CliError> {
    times.borrow_mut().record(BenchEvent::CompileStart);
    let bytes = crate::input::read_module(&opts.module)?;
    let reader = wlab_ir::translate::read_module(&bytes)?;
    // Translation and the pipeline run inside `prepare_reader` (per function on x86-64;
    // PipelineEngine), so they count as compile time.
    let recorder = match &opts.record.record {
        None => None,
        Some(_) if opts.limits.metered() => {
            return Err(CliError::Other(
                "--record cannot be combined with --fuel or --timeout (the fuel checks would be recorded)".into(),
            ))
        }
        Some(_) => Some(wlab_runtime::record::RecordingEngine::new(wlab_runtime::record::RecordOptions {
            calls_per_func: opts.record.record_calls,
            total_bytes: opts.record.record_bytes,
            state_bytes: opts.record.record_state_bytes,
        })),
    };
    let engine: Box<dyn wlab_runtime::Engine> = match &recorder {
        Some(r) => Box::new(wlab_runtime::record::RecordingEngine { recorder: r.recorder.clone() }),
        None => crate::engines::make_engine(&opts.engine, &opts.pipeline, opts.limits.metered())?,
    };
    let prepared = engine.prepare_reader(reader, None)?;
    let finish = |store: Option<(&mut wlab_runtime::Store, wlab_runtime::InstanceId)>| -> Result<(), CliError> {
        if let (Some(path), Some((store, instance))) = (&opts.memory_hash, store) {
            let h = match store.instance(instance).memories.first() {
                Some(m) => memory_hash(&store.memories[m.0 as usize].bytes),
                None => memory_hash(&[]),
            };
            std::fs::write(path, format!("{h:016x}\n"))
                .map_err(|e| CliError::Other(format!("cannot write {}: {e}", path.display())))?;
        }
        if let (Some(r), Some(dir)) = (&recorder, &opts.record.record) {
            let rec = r.recorder.lock().unwrap_or_else(|e| e.into_inner()).finish();
            let line = crate::states::write(dir, &opts.module, &bytes, &rec, opts.record.record_bytes)?;
            eprintln!("wlab: {line}");
        }
        Ok(())
    };
    times.borrow_mut().record(BenchEvent::CompileEnd);
    if opts.compile_only {
        return Ok(0);
    }
    let symbols = match opts.profile {
        None => None,
        Some(_) => Some(prepared.code_symbols().ok_or_else(|| {
            CliError::Other(format!("--profile: engine {} shows no machine code to profile", opts.engine.engine))
        })?),
    };
    if let (Some(ProfileMode::PerfMap), Some(symbols)) = (opts.profile, &symbols) {
        let path = wlab_runtime::profile::perf_map::write(symbols)
            .map_err(|e| CliError::Other(format!("cannot write the perf map: {e}")))?;
        eprintln!("wlab: perf map: {} ({} symbols)", path.display(), symbols.len());
    }
    if let (Some(ProfileMode::JitDump), Some(symbols)) = (opts.profile, &symbols) {
        let (base, code) = prepared.code_bytes().ok_or_else(|| CliError::Other("--profile jitdump: no code".into()))?;
        let with_code: Vec<_> = symbols
            .iter()
            .map(|s| {
                let at = (s.start - base) as usize;
                (s.clone(), &code[at..at + s.size as usize])
            })
            .collect();
        let path = wlab_runtime::profile::jitdump::write(&with_code)
            .map_err(|e| CliError::Other(format!("cannot write the jitdump: {e}")))?;
        eprintln!("wlab: jitdump: {} ({} symbols)", path.display(), symbols.len());
    }
    let sampler = match (opts.profile, &symbols) {
        (Some(ProfileMode::Sample), Some(symbols)) => {
            Some(Sampler::start(symbols).map_err(|e| CliError::Other(format!("--profile sample: {e}")))?)
        }
        _ => None,
    };
    let result = instantiate_and_run(opts, env, times, prepared, &finish);
    if let Some(s) = sampler {
        report_profile(&HotFunctions::from_profile(&s.stop()), opts.profile_out.as_deref())?;
    }
    result
}

/// `--profile sample`'s report: JSON to `out`, else text on stderr.
fn report_profile(h: &HotFunctions, out: Option<&std::path::Path>) -> Result<(), CliError> {
    match out {
        Some(path) => std::fs::write(path, crate::output::to_json(h))
            .map_err(|e| CliError::Other(format!("cannot write {}: {e}", path.display()))),
        None => {
            eprint!("wlab: profile: {}", crate::profile::render(h, crate::profile::TOP_FUNCTIONS, ""));
            Ok(())
        }
    }
}

/// Instantiates `prepared` with WASI and the bench host, then runs `_start` or the
/// `--invoke` export; the exit status. `finish` runs once the program is done (memory
/// hash, recording), before the status is returned.
fn instantiate_and_run(
    opts: &RunOptions,
    env: Vec<(String, String)>,
    times: &Rc<RefCell<BenchTimes>>,
    prepared: Arc<dyn wlab_runtime::PreparedModule>,
    finish: &dyn Fn(Option<(&mut wlab_runtime::Store, wlab_runtime::InstanceId)>) -> Result<(), CliError>,
) -> Result<i32, CliError> {
    times.borrow_mut().record(BenchEvent::InstantiateStart);
    // Fuel and time count from here: instantiation (the start function) and the run.
    let mut store = opts.limits.store()?;
    let mut linker = Linker::new();
    let argv0 = opts.module.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let mut args = vec![argv0];
    if opts.invoke.is_none() {
        args.extend(opts.args.iter().cloned());
    }
    let config =
        WasiConfig { args, env, preopens: opts.dirs.iter().map(|d| Preopen::parse(d)).collect(), ..Default::default() };
    let ctx = Rc::new(RefCell::new(WasiCtx::new(config).map_err(|e| CliError::Other(e.to_string()))?));
    define_wasi(&mut store, &mut linker, &ctx);
    define_bench(&mut store, &mut linker, times);
    let info = prepared.module().clone();
    let instance = match instantiate(&mut store, prepared, &linker) {
        Ok(i) => i,
        // A start function may call proc_exit too.
        Err(_) if ctx.borrow().exit_code().is_some() => {
            finish(None)?;
            let code = ctx.borrow().exit_code().unwrap_or(0) as i32;
            if code != 0 {
                dir_hint(opts, &ctx.borrow());
            }
            return Ok(code);
        }
        // A trap in the start function is a trap like any other.
        Err(InstantiateError::Trap(t)) => {
            finish(None)?;
            eprintln!("wlab: {}", describe_trap(&t, &info.info));
            dir_hint(opts, &ctx.borrow());
            return Ok(TRAP_EXIT_STATUS);
        }
        Err(e) => return Err(CliError::Other(format!("cannot instantiate {}: {e}", opts.module.display()))),
    };
    // A module without an exported memory can still be invoked; its WASI calls then fail.
    let _ = bind_memory(&ctx, &store, instance);
    times.borrow_mut().record(BenchEvent::InstantiateEnd);

    let (name, values) = match &opts.invoke {
        Some(name) => {
            let params = match info.info.export(name) {
                Some(e) if e.kind == wlab_ir::module::ExportKind::Func => {
                    info.info.func_signature(e.index).params.clone()
                }
                Some(_) => return Err(CliError::Other(format!("export `{name}` is not a function"))),
                None => return Err(CliError::Other(format!("no export named `{name}`"))),
            };
            (name.as_str(), parse_values(name, &params, &opts.args)?)
        }
        None => {
            if info.info.export("_start").is_none() {
                return Err(CliError::Other(format!(
                    "{} exports no `_start`: not a WASI command (use --invoke NAME)",
                    opts.module.display()
                )));
            }
            ("_start", Vec::new())
        }
    };
    let result = invoke(&mut store, instance, name, &values);
    finish(Some((&mut store, instance)))?;
    if let Some(code) = ctx.borrow().exit_code() {
        if code != 0 {
            dir_hint(opts, &ctx.borrow());
        }
        return Ok(code as i32);
    }
    match result {
        Ok(results) => {
            if opts.invoke.is_some() {
                let mut out = std::io::stdout().lock();
                for v in results {
                    let _ = writeln!(out, "{v}");
                }
                let _ = out.flush();
            }
            Ok(0)
        }
        Err(InvokeError::Trap(t)) => {
            eprintln!("wlab: {}", describe_trap(&t, &info.info));
            dir_hint(opts, &ctx.borrow());
            Ok(TRAP_EXIT_STATUS)
        }
        Err(e) => Err(CliError::Other(e.to_string())),
    }
}

/// After a failed run (non-zero exit or trap) without `--dir`: if the program tried to
/// open a path or looked for a granted directory, one line on stderr saying so, since
/// a failure inside `abort` says nothing about the missing directory.
fn dir_hint(opts: &RunOptions, ctx: &WasiCtx) {
    if !opts.dirs.is_empty() {
        return;
    }
    let what = match (&ctx.fs_requests.first_open, ctx.fs_requests.asked_for_preopens) {
        (Some(path), _) => format!("tried to open '{path}' but no directory is granted"),
        (None, true) => "looked for a granted directory but none is granted".to_string(),
        (None, false) => return,
    };
    eprintln!("wlab: hint: the program {what}; use --dir HOST[::GUEST]");
}

/// `trap: integer divide by zero in function 3 (div) at wasm offset 0x4f`.
pub fn describe_trap(t: &Trap, info: &wlab_ir::ModuleInfo) -> String {
    let mut s = format!("trap: {}", t.code.message());
    if let Some(f) = t.func {
        match info.funcs.get(f as usize).and_then(|fi| fi.name.as_deref()) {
            Some(name) => s.push_str(&format!(" in function {f} ({name})")),
            None => s.push_str(&format!(" in function {f}")),
        }
    }
    if let Some(off) = t.srcloc {
        s.push_str(&format!(" at wasm offset {off:#x}"));
    }
    s
}

/// Parses `--invoke` values against the parameter types.
fn parse_values(name: &str, params: &[Type], texts: &[String]) -> Result<Vec<Val>, CliError> {
    if params.len() != texts.len() {
        return Err(CliError::Other(format!("`{name}` takes {} arguments, given {}", params.len(), texts.len())));
    }
    params.iter().zip(texts).map(|(ty, text)| parse_value(*ty, text)).collect()
}

fn parse_int(text: &str) -> Option<i128> {
    let (neg, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let digits = digits.replace('_', "");
    let v = match digits.strip_prefix("0x").or_else(|| digits.strip_prefix("0X")) {
        Some(hex) => i128::from_str_radix(hex, 16).ok()?,
        None => digits.parse::<i128>().ok()?,
    };
    Some(if neg { -v } else { v })
}

/// A v128 argument: `0x` and up to 32 hex digits (the vector as a little-endian 128-bit
/// number, lane 0 rightmost, as results print), or a shape and all its lanes,
/// `i8x16:` / `i16x8:` / `i32x4:` / `i64x2:` (integers, signed or unsigned) /
/// `f32x4:` / `f64x2:` (floats), comma-separated, lane 0 first.
fn parse_v128(text: &str) -> Option<[u8; 16]> {
    if let Some(hex) = text.strip_prefix("0x").filter(|h| !h.is_empty() && h.len() <= 32) {
        return u128::from_str_radix(hex, 16).ok().map(u128::to_le_bytes);
    }
    let (shape, lanes) = text.split_once(':')?;
    let lanes: Vec<&str> = lanes.split(',').map(str::trim).collect();
    let (n, width) = match shape {
        "i8x16" => (16, 1),
        "i16x8" => (8, 2),
        "i32x4" | "f32x4" => (4, 4),
        "i64x2" | "f64x2" => (2, 8),
        _ => return None,
    };
    if lanes.len() != n {
        return None;
    }
    let mut out = [0u8; 16];
    for (i, l) in lanes.iter().enumerate() {
        let bits: u64 = match shape {
            "f32x4" => l.parse::<f32>().ok()?.to_bits() as u64,
            "f64x2" => l.parse::<f64>().ok()?.to_bits(),
            _ => {
                let v = parse_int(l)?;
                let bits = 8 * width as u32;
                if v < -(1i128 << (bits - 1)) || v >= (1i128 << bits) {
                    return None;
                }
                v as u64
            }
        };
        out[i * width..(i + 1) * width].copy_from_slice(&bits.to_le_bytes()[..width]);
    }
    Some(out)
}

/// One value: integers in decimal or `0x` hex, signed or unsigned; floats as Rust parses them.
pub fn parse_value(ty: Type, text: &str) -> Result<Val, CliError> {
    let bad = || CliError::Other(format!("`{text}` is not a valid {ty}"));
    match ty {
        Type::I32 => {
            let v = parse_int(text).filter(|v| (-(1i128 << 31)..(1i128 << 32)).contains(v)).ok_or_else(bad)?;
            Ok(Val::I32(v as u32 as i32))
        }
        Type::I64 => {
            let v = parse_int(text).filter(|v| (-(1i128 << 63)..(1i128 << 64)).contains(v)).ok_or_else(bad)?;
            Ok(Val::I64(v as u64 as i64))
        }
        Type::F32 => text.parse::<f32>().map(|f| Val::F32(f.to_bits())).map_err(|_| bad()),
        Type::F64 => text.parse::<f64>().map(|f| Val::F64(f.to_bits())).map_err(|_| bad()),
        Type::V128 => parse_v128(text).map(Val::V128).ok_or_else(|| {
            CliError::Other(format!(
                "`{text}` is not a valid v128 (`0x` and up to 32 hex digits, or lanes as `i32x4:1,2,3,4`)"
            ))
        }),
        Type::FuncRef | Type::ExternRef => Err(CliError::Other(format!("--invoke cannot pass a {ty} argument"))),
    }
}
