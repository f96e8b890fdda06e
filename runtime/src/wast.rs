//! The spec-suite runner: runs a `.wast` script on one engine and counts its checks.
//!
//! ```text
//!  text ──wast crate──▶ directives ──▶ for each: module | register | invoke | get | assert_*
//!                                          │ encode (text/binary/quote) ─▶ translate ─▶ prepare
//!                                          │ ─▶ instantiate (Linker: spectest + registered)
//!                                          ▼
//!                        passed | failed ("file:line:col: expected ..., got ...") | skipped (reason)
//! ```
//!
//! Every directive is one check. A trap message matches when the expected text is a
//! part of ours or ours a prefix of it (the suite writes "uninitialized element 2").
//! `assert_invalid` / `assert_malformed` need only a rejection, not the same message.
//! v128 arguments and results are read lane-wise (a float lane may expect a NaN kind).
//! Skips are only for things outside WebAssembly 2.0 (later proposals' directives), each
//! with its reason. The script runs on a big-stack thread;
//! a panic while running one directive is caught and reported as that directive's
//! failure, so one bug never hides the rest of the script. This file never decides wasm
//! semantics: translation, instantiation and execution belong to the rest of the crate.

use crate::engine::Engine;
use crate::instance::{instantiate_module, InstantiateError};
use crate::invoke::{get_global, invoke, InvokeError};
use crate::linker::Linker;
use crate::spectest::define_spectest;
use crate::stack::run_with_big_stack;
use crate::store::{InstanceId, Store, StoreLimits};
use std::collections::BTreeMap;
use std::fmt;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use wast::core::{AbstractHeapType, HeapType, NanPattern, V128Pattern, WastArgCore, WastRetCore};
use wast::lexer::Lexer;
use wast::parser::{self, ParseBuffer};
use wast::token::Id;
use wast::{QuoteWat, Wast, WastArg, WastDirective, WastExecute, WastInvoke, WastRet, Wat};
use wlab_ir::interp::{Trap, Val};
use wlab_ir::TrapCode;

/// The outcome of one script.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WastReport {
    pub passed: usize,
    pub failed: usize,
    pub skipped: usize,
    /// One line per failed check: `file:line:col: what was expected, what happened`.
    pub failures: Vec<String>,
    /// One line per skipped check: `file:line:col: skipped: reason`.
    pub skips: Vec<String>,
}

impl fmt::Display for WastReport {
    /// The closing line: `N passed, N failed, N skipped`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} passed, {} failed, {} skipped", self.passed, self.failed, self.skipped)
    }
}

/// Why a script could not be run at all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WastError {
    /// The file could not be read.
    Io { path: String, error: String },
    /// The script is not valid `.wast` text (message includes the location).
    Parse(String),
}

impl fmt::Display for WastError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WastError::Io { path, error } => write!(f, "cannot read {path}: {error}"),
            WastError::Parse(msg) => write!(f, "{}", msg.replace('\n', " ")),
        }
    }
}

impl std::error::Error for WastError {}

/// Options for a run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WastConfig {
    /// Whether the `spectest` print functions write to stdout.
    pub print: bool,
    /// The store's limits (memory pages, interpreter stack, ...).
    pub limits: StoreLimits,
    /// Fuel for the whole script ([`Store::set_fuel`]); counted only by metered engines
    /// ([`crate::MeteredEngine`]).
    pub fuel: Option<u64>,
    /// Time for the whole script ([`Store::set_timeout`]); metered engines only.
    pub timeout: Option<std::time::Duration>,
}

/// Runs the script at `path` on `engine`.
pub fn run_wast_file(path: &Path, engine: &dyn Engine) -> Result<WastReport, WastError> {
    run_wast_file_with(path, engine, WastConfig::default())
}

/// Runs the script at `path` on `engine` with options.
pub fn run_wast_file_with(path: &Path, engine: &dyn Engine, config: WastConfig) -> Result<WastReport, WastError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| WastError::Io { path: path.display().to_string(), error: e.to_string() })?;
    run_wast_text_with(&path.display().to_string(), &text, engine, config)
}

/// Runs script `text` (called `name` in messages) on `engine`.
pub fn run_wast_text(name: &str, text: &str, engine: &dyn Engine) -> Result<WastReport, WastError> {
    run_wast_text_with(name, text, engine, WastConfig::default())
}

/// Runs script `text` (called `name` in messages) on `engine` with options, on a
/// big-stack thread.
pub fn run_wast_text_with(
    name: &str,
    text: &str,
    engine: &dyn Engine,
    config: WastConfig,
) -> Result<WastReport, WastError> {
    run_with_big_stack(|| run_here(name, text, engine, config))
}

fn run_here(name: &str, text: &str, engine: &dyn Engine, config: WastConfig) -> Result<WastReport, WastError> {
    let parse_error = |mut e: wast::Error| {
        e.set_path(Path::new(name));
        e.set_text(text);
        WastError::Parse(e.to_string())
    };
    // names.wast deliberately uses bidirectional-override characters in names.
    let mut lexer = Lexer::new(text);
    lexer.allow_confusing_unicode(true);
    let buf = ParseBuffer::new_with_lexer(lexer).map_err(parse_error)?;
    let script = parser::parse::<Wast>(&buf).map_err(parse_error)?;
    let mut store = Store::with_limits(config.limits);
    store.set_fuel(config.fuel);
    if let Some(t) = config.timeout {
        store.set_timeout(t);
    }
    let mut linker = Linker::new();
    define_spectest(&mut store, &mut linker, config.print);
    let mut runner = Runner { engine, store, linker, current: None, named: BTreeMap::new() };
    let mut report = WastReport::default();
    for directive in script.directives {
        let (line, col) = directive.span().linecol_in(text);
        let at = format!("{name}:{}:{}", line + 1, col + 1);
        let outcome = match catch_unwind(AssertUnwindSafe(|| runner.run(directive))) {
            Ok(outcome) => outcome,
            Err(panic) => {
                runner.store.reset_call_depth();
                Outcome::Fail(format!("panicked: {}", panic_message(&panic)))
            }
        };
        match outcome {
            Outcome::Pass => report.passed += 1,
            Outcome::Fail(msg) => {
                report.failed += 1;
                report.failures.push(format!("{at}: {msg}"));
            }
            Outcome::Skip(reason) => {
                report.skipped += 1;
                report.skips.push(format!("{at}: skipped: {reason}"));
            }
        }
    }
    Ok(report)
}

fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = panic.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = panic.downcast_ref::<String>() {
        s.clone()
    } else {
        "(no message)".to_string()
    }
    .replace('\n', " ")
}

enum Outcome {
    Pass,
    Fail(String),
    Skip(String),
}

/// Short-circuits a directive with an outcome.
macro_rules! attempt {
    ($e:expr) => {
        match $e {
            Ok(v) => v,
            Err(outcome) => return outcome,
        }
    };
}

struct Runner<'e> {
    engine: &'e dyn Engine,
    store: Store,
    linker: Linker,
    /// The most recently instantiated module (`None` after one failed to instantiate).
    current: Option<InstanceId>,
    /// Instances by `$id`.
    named: BTreeMap<String, InstanceId>,
}

/// Why a module did not load, by stage.
enum LoadError {
    Encode(String),
    Translate(String),
    Instantiate(InstantiateError),
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::Encode(e) => write!(f, "module text rejected: {e}"),
            LoadError::Translate(e) => write!(f, "module rejected by the translator: {e}"),
            LoadError::Instantiate(e) => write!(f, "instantiation failed: {e}"),
        }
    }
}

impl Runner<'_> {
    fn run(&mut self, directive: WastDirective<'_>) -> Outcome {
        match directive {
            WastDirective::Module(mut module) => {
                if is_component(&module) {
                    return Outcome::Skip("component model (outside wasm 2.0)".to_string());
                }
                let name = module.name().map(|id| id.name().to_string());
                match self.load(&mut module) {
                    Ok(id) => {
                        self.current = Some(id);
                        if let Some(name) = name {
                            self.named.insert(name, id);
                        }
                        Outcome::Pass
                    }
                    Err(e) => {
                        self.current = None;
                        if let Some(name) = name {
                            self.named.remove(&name);
                        }
                        Outcome::Fail(format!("expected the module to load, but {e}"))
                    }
                }
            }
            WastDirective::Register { name, module, .. } => {
                let id = attempt!(self.instance(module));
                self.linker.register(&self.store, name, id);
                Outcome::Pass
            }
            WastDirective::Invoke(call) => match self.invoke(&call) {
                Ok(Ok(_)) => Outcome::Pass,
                Ok(Err(e)) => Outcome::Fail(format!("expected invoke \"{}\" to return, got {e}", call.name)),
                Err(outcome) => outcome,
            },
            WastDirective::AssertReturn { exec, results, .. } => self.assert_return(exec, &results),
            WastDirective::AssertTrap { exec, message, .. } => self.assert_trap(exec, message),
            WastDirective::AssertExhaustion { call, message, .. } => match self.invoke(&call) {
                Ok(Err(InvokeError::Trap(t))) if t.code == TrapCode::StackOverflow => Outcome::Pass,
                Ok(Ok(vals)) => Outcome::Fail(format!("expected exhaustion ({message}), got {}", vals_text(&vals))),
                Ok(Err(e)) => Outcome::Fail(format!("expected exhaustion ({message}), got {e}")),
                Err(outcome) => outcome,
            },
            WastDirective::AssertInvalid { mut module, message, .. }
            | WastDirective::AssertMalformed { mut module, message, .. } => {
                if is_component(&module) {
                    return Outcome::Skip("component model (outside wasm 2.0)".to_string());
                }
                match encode_and_translate(&mut module) {
                    Err(_) => Outcome::Pass,
                    Ok(_) => {
                        Outcome::Fail(format!("expected the module to be rejected ({message}), but it translated"))
                    }
                }
            }
            WastDirective::AssertUnlinkable { module, message, .. } => {
                let mut module = QuoteWat::Wat(module);
                match self.load(&mut module) {
                    Err(LoadError::Instantiate(e)) if e.is_unlinkable() => Outcome::Pass,
                    Err(e) => Outcome::Fail(format!("expected unlinkable ({message}), but {e}")),
                    Ok(_) => Outcome::Fail(format!("expected unlinkable ({message}), but it instantiated")),
                }
            }
            WastDirective::ModuleDefinition(_) | WastDirective::ModuleInstance { .. } => {
                Outcome::Skip("module definitions and instances (outside wasm 2.0)".to_string())
            }
            WastDirective::AssertInvalidCustom { .. } | WastDirective::AssertMalformedCustom { .. } => {
                Outcome::Skip("custom-section assertions (outside wasm 2.0)".to_string())
            }
            WastDirective::AssertException { .. } => Outcome::Skip("exception handling (outside wasm 2.0)".to_string()),
            WastDirective::AssertSuspension { .. } => Outcome::Skip("stack switching (outside wasm 2.0)".to_string()),
            WastDirective::Thread(_) | WastDirective::Wait { .. } => {
                Outcome::Skip("threads (outside wasm 2.0)".to_string())
            }
        }
    }

    /// Encodes, translates, prepares and instantiates a module.
    fn load(&mut self, module: &mut QuoteWat<'_>) -> Result<InstanceId, LoadError> {
        let translated = encode_and_translate(module)?;
        instantiate_module(&mut self.store, self.engine, translated, &self.linker).map_err(LoadError::Instantiate)
    }

    fn instance(&self, id: Option<Id<'_>>) -> Result<InstanceId, Outcome> {
        match id {
            Some(id) => self
                .named
                .get(id.name())
                .copied()
                .ok_or_else(|| Outcome::Fail(format!("no module named ${} was loaded", id.name()))),
            None => {
                self.current.ok_or_else(|| Outcome::Fail("no module is loaded (or the last one failed)".to_string()))
            }
        }
    }

    /// Runs an `invoke`; the outer error is an outcome decided before the call.
    fn invoke(&mut self, call: &WastInvoke<'_>) -> Result<Result<Vec<Val>, InvokeError>, Outcome> {
        let id = self.instance(call.module)?;
        let args = call.args.iter().map(arg_val).collect::<Result<Vec<_>, _>>()?;
        Ok(invoke(&mut self.store, id, call.name, &args))
    }

    fn assert_return(&mut self, exec: WastExecute<'_>, results: &[WastRet<'_>]) -> Outcome {
        let got = match exec {
            WastExecute::Invoke(call) => match attempt!(self.invoke(&call)) {
                Ok(vals) => vals,
                Err(e) => return Outcome::Fail(format!("expected {}, got {e}", rets_text(results))),
            },
            WastExecute::Get { module, global, .. } => {
                let id = attempt!(self.instance(module));
                match get_global(&self.store, id, global) {
                    Ok(v) => vec![v],
                    Err(e) => return Outcome::Fail(format!("expected {}, got {e}", rets_text(results))),
                }
            }
            WastExecute::Wat(module) => match self.load(&mut QuoteWat::Wat(module)) {
                Ok(_) => vec![],
                Err(e) => return Outcome::Fail(format!("expected the module to load, but {e}")),
            },
        };
        let mut ok = got.len() == results.len();
        for (want, have) in results.iter().zip(&got) {
            ok &= attempt!(ret_matches(want, have));
        }
        if ok {
            Outcome::Pass
        } else {
            Outcome::Fail(format!("expected {}, got {}", rets_text(results), vals_text(&got)))
        }
    }

    fn assert_trap(&mut self, exec: WastExecute<'_>, message: &str) -> Outcome {
        let trap: Trap = match exec {
            WastExecute::Invoke(call) => match attempt!(self.invoke(&call)) {
                Err(InvokeError::Trap(t)) => t,
                Ok(vals) => return Outcome::Fail(format!("expected trap \"{message}\", got {}", vals_text(&vals))),
                Err(e) => return Outcome::Fail(format!("expected trap \"{message}\", got {e}")),
            },
            WastExecute::Wat(module) => match self.load(&mut QuoteWat::Wat(module)) {
                Err(LoadError::Instantiate(InstantiateError::Trap(t))) => t,
                Err(e) => return Outcome::Fail(format!("expected trap \"{message}\" at instantiation, but {e}")),
                Ok(_) => {
                    return Outcome::Fail(format!("expected trap \"{message}\" at instantiation, but it instantiated"))
                }
            },
            WastExecute::Get { .. } => return Outcome::Fail("assert_trap on a `get` cannot trap".to_string()),
        };
        let ours = trap.code.message();
        if ours.contains(message) || message.starts_with(ours) {
            Outcome::Pass
        } else {
            Outcome::Fail(format!("expected trap \"{message}\", got trap \"{trap}\""))
        }
    }
}

fn is_component(module: &QuoteWat<'_>) -> bool {
    matches!(module, QuoteWat::Wat(Wat::Component(_)) | QuoteWat::QuoteComponent(..))
}

fn encode_and_translate(module: &mut QuoteWat<'_>) -> Result<wlab_ir::Module, LoadError> {
    let bytes = module.encode().map_err(|e| LoadError::Encode(e.message().replace('\n', " ")))?;
    wlab_ir::translate::translate_module(&bytes).map_err(|e| LoadError::Translate(e.to_string()))
}

fn heap_type_null(ht: &HeapType<'_>) -> Result<Val, Outcome> {
    match ht {
        HeapType::Abstract { shared: false, ty: AbstractHeapType::Func } => Ok(Val::FuncRef(None)),
        HeapType::Abstract { shared: false, ty: AbstractHeapType::Extern } => Ok(Val::ExternRef(None)),
        _ => Err(Outcome::Skip("a reference type outside wasm 2.0".to_string())),
    }
}

fn arg_val(arg: &WastArg<'_>) -> Result<Val, Outcome> {
    let WastArg::Core(core) = arg else {
        return Err(Outcome::Skip("a component-model value (outside wasm 2.0)".to_string()));
    };
    match core {
        WastArgCore::I32(x) => Ok(Val::I32(*x)),
        WastArgCore::I64(x) => Ok(Val::I64(*x)),
        WastArgCore::F32(f) => Ok(Val::F32(f.bits)),
        WastArgCore::F64(f) => Ok(Val::F64(f.bits)),
        WastArgCore::RefNull(ht) => heap_type_null(ht),
        WastArgCore::RefExtern(n) => Ok(Val::ExternRef(Some(*n))),
        WastArgCore::V128(c) => Ok(Val::V128(c.to_le_bytes())),
        WastArgCore::RefHost(_) => Err(Outcome::Skip("a host anyref (GC, outside wasm 2.0)".to_string())),
    }
}

fn f32_nan(bits: u32, canonical: bool) -> bool {
    let payload = bits & 0x7fff_ffff;
    if canonical {
        payload == 0x7fc0_0000
    } else {
        payload & 0x7fc0_0000 == 0x7fc0_0000
    }
}

fn f64_nan(bits: u64, canonical: bool) -> bool {
    let payload = bits & 0x7fff_ffff_ffff_ffff;
    if canonical {
        payload == 0x7ff8_0000_0000_0000
    } else {
        payload & 0x7ff8_0000_0000_0000 == 0x7ff8_0000_0000_0000
    }
}

/// Whether `have` matches the expected result; `Err` to skip the check.
fn ret_matches(want: &WastRet<'_>, have: &Val) -> Result<bool, Outcome> {
    let WastRet::Core(core) = want else {
        return Err(Outcome::Skip("a component-model value (outside wasm 2.0)".to_string()));
    };
    core_matches(core, have)
}

fn core_matches(want: &WastRetCore<'_>, have: &Val) -> Result<bool, Outcome> {
    Ok(match (want, have) {
        (WastRetCore::I32(x), Val::I32(y)) => x == y,
        (WastRetCore::I64(x), Val::I64(y)) => x == y,
        (WastRetCore::F32(p), Val::F32(b)) => match p {
            NanPattern::CanonicalNan => f32_nan(*b, true),
            NanPattern::ArithmeticNan => f32_nan(*b, false),
            NanPattern::Value(f) => f.bits == *b,
        },
        (WastRetCore::F64(p), Val::F64(b)) => match p {
            NanPattern::CanonicalNan => f64_nan(*b, true),
            NanPattern::ArithmeticNan => f64_nan(*b, false),
            NanPattern::Value(f) => f.bits == *b,
        },
        (WastRetCore::RefNull(None), Val::FuncRef(None) | Val::ExternRef(None)) => true,
        (WastRetCore::RefNull(Some(ht)), v) => heap_type_null(ht)? == *v,
        (WastRetCore::RefExtern(None), Val::ExternRef(Some(_))) => true,
        (WastRetCore::RefExtern(Some(n)), Val::ExternRef(Some(m))) => n == m,
        (WastRetCore::RefFunc(_), Val::FuncRef(Some(_))) => true,
        (WastRetCore::Either(options), v) => {
            for option in options {
                if core_matches(option, v)? {
                    return Ok(true);
                }
            }
            false
        }
        (WastRetCore::V128(p), Val::V128(b)) => v128_matches(p, b),
        (
            WastRetCore::RefHost(_)
            | WastRetCore::RefAny
            | WastRetCore::RefEq
            | WastRetCore::RefArray
            | WastRetCore::RefStruct
            | WastRetCore::RefI31
            | WastRetCore::RefI31Shared,
            _,
        ) => return Err(Outcome::Skip("a GC reference result (outside wasm 2.0)".to_string())),
        _ => false,
    })
}

/// Whether vector `b` matches a lane pattern: integer lanes exactly, float lanes by value
/// or by NaN kind (`nan:canonical` / `nan:arithmetic`), each lane on its own.
fn v128_matches(p: &V128Pattern, b: &[u8; 16]) -> bool {
    let lane = |i: usize, w: usize| -> u64 {
        let mut x = [0u8; 8];
        x[..w].copy_from_slice(&b[i * w..(i + 1) * w]);
        u64::from_le_bytes(x)
    };
    match p {
        V128Pattern::I8x16(l) => l.iter().enumerate().all(|(i, &x)| x as u8 as u64 == lane(i, 1)),
        V128Pattern::I16x8(l) => l.iter().enumerate().all(|(i, &x)| x as u16 as u64 == lane(i, 2)),
        V128Pattern::I32x4(l) => l.iter().enumerate().all(|(i, &x)| x as u32 as u64 == lane(i, 4)),
        V128Pattern::I64x2(l) => l.iter().enumerate().all(|(i, &x)| x as u64 == lane(i, 8)),
        V128Pattern::F32x4(l) => l.iter().enumerate().all(|(i, p)| {
            let bits = lane(i, 4) as u32;
            match p {
                NanPattern::CanonicalNan => f32_nan(bits, true),
                NanPattern::ArithmeticNan => f32_nan(bits, false),
                NanPattern::Value(f) => f.bits == bits,
            }
        }),
        V128Pattern::F64x2(l) => l.iter().enumerate().all(|(i, p)| {
            let bits = lane(i, 8);
            match p {
                NanPattern::CanonicalNan => f64_nan(bits, true),
                NanPattern::ArithmeticNan => f64_nan(bits, false),
                NanPattern::Value(f) => f.bits == bits,
            }
        }),
    }
}

fn vals_text(vals: &[Val]) -> String {
    if vals.is_empty() {
        return "no values".to_string();
    }
    vals.iter().map(|v| v.to_string()).collect::<Vec<_>>().join(" ")
}

fn rets_text(rets: &[WastRet<'_>]) -> String {
    if rets.is_empty() {
        return "no values".to_string();
    }
    rets.iter()
        .map(|r| match r {
            WastRet::Core(c) => core_text(c),
            _ => "(component value)".to_string(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn core_text(c: &WastRetCore<'_>) -> String {
    let nan = |p: &str, kind: &str| format!("{p}:nan:{kind}");
    match c {
        WastRetCore::I32(x) => format!("i32:{x}"),
        WastRetCore::I64(x) => format!("i64:{x}"),
        WastRetCore::F32(NanPattern::CanonicalNan) => nan("f32", "canonical"),
        WastRetCore::F32(NanPattern::ArithmeticNan) => nan("f32", "arithmetic"),
        WastRetCore::F32(NanPattern::Value(f)) => Val::F32(f.bits).to_string(),
        WastRetCore::F64(NanPattern::CanonicalNan) => nan("f64", "canonical"),
        WastRetCore::F64(NanPattern::ArithmeticNan) => nan("f64", "arithmetic"),
        WastRetCore::F64(NanPattern::Value(f)) => Val::F64(f.bits).to_string(),
        WastRetCore::RefNull(_) => "ref.null".to_string(),
        WastRetCore::RefExtern(Some(n)) => format!("externref:{n}"),
        WastRetCore::RefExtern(None) => "externref:non-null".to_string(),
        WastRetCore::RefFunc(_) => "funcref:non-null".to_string(),
        WastRetCore::Either(options) => {
            format!("either({})", options.iter().map(core_text).collect::<Vec<_>>().join(" | "))
        }
        other => format!("{other:?}"),
    }
}
