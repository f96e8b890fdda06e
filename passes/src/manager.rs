//! The pass manager: runs a [`Pipeline`] on one function and records, for every pass
//! run, its time, its `changed` flag as reported and as measured, its counters and
//! (optionally) the IR after it.
//!
//! `changed` is measured: the manager compares the function before and after each pass
//! — by its printed text when the IR is recorded ([`ManagerOptions::record_ir`]), else
//! by its [`fingerprint`] (a hash, no printing). When anything checks the run (verify,
//! validation or recorded IR: [`ManagerOptions::checks_claims`]), every pass is measured
//! and one that reports [`Changed::Nothing`] while the function differs is an error
//! naming it. Otherwise (the compile path: `wlab run`, `wlab compile`) a report of
//! [`Changed::Nothing`] is believed and that pass is not fingerprinted; inside `fix(...)`
//! a pass that reports a change is still measured, so `fix` stops exactly where it would
//! with checking, while at the top level, where nothing reads the measurement, that
//! report is believed too. The tests run with checking on, so a false claim is caught there. With [`ManagerOptions::verify`] the verifier runs after every pass
//! (and on the input), with [`ManagerOptions::validate_trials`] > 0 translation
//! validation ([`crate::validate`]) compares each changed function with the one before;
//! either failure names the pass; recorded program states of the function, when given
//! ([`run_pipeline_with_states`]), are replayed in that validation too. `fix(...)`
//! repeats its body until every pass of it has run since the last change (measured),
//! leaving out the pass that made it when that pass is declared idempotent (a run that
//! checks claims runs it once more on a copy and fails if it changes anything), at most
//! its bound; whether it converged is recorded. A body with a nested `fix` repeats until
//! a whole round changes nothing.
//!
//! Module passes: [`run_module_pass`] runs one over every function of a module and checks
//! that the functions it says it changed are exactly those whose fingerprint changed,
//! verifying each changed one. Translation validation does not apply to them (the
//! validator stands in for callees, and a module pass such as `inline` replaces calls by
//! the callees' bodies); the spec suites and difftest check them by running code. Inside
//! a one-function pipeline ([`run_pipeline`]) a module pass sees that function alone as
//! the module. This file never decides what a pass may do; it only runs and checks.

use crate::fingerprint::fingerprint;
use crate::pass::{Changed, ModuleOutcome, PassError, PassOutcome};
use crate::pipeline::PassStep;
use crate::pipeline::{Pipeline, Step};
use crate::registry::AnyPass;
use crate::validate::{validate_with_states, Mismatch, ValidationReport};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt;
use std::time::{Duration, Instant};
use wlab_ir::interp::state::RecordedState;
use wlab_ir::{print_function, Function};

/// What the manager checks and records.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ManagerOptions {
    /// Run the verifier on the input and after every pass.
    pub verify: bool,
    /// Translation-validate every pass that changed the function with this many trials
    /// (0: off).
    pub validate_trials: usize,
    /// Keep the printed IR after every pass in [`PassRun::ir_after`].
    pub record_ir: bool,
}

impl Default for ManagerOptions {
    /// Verify and record, no validation.
    fn default() -> Self {
        ManagerOptions { verify: true, validate_trials: 0, record_ir: true }
    }
}

impl ManagerOptions {
    /// What tests use: verify, validate with 16 trials, record.
    pub fn checked() -> Self {
        ManagerOptions { verify: true, validate_trials: 16, record_ir: true }
    }

    /// Whether a pass's report of no change is checked (by measuring the function after
    /// it) rather than believed: whenever the run verifies, validates or records the IR.
    pub fn checks_claims(&self) -> bool {
        self.verify || self.validate_trials > 0 || self.record_ir
    }
}

fn ser_changed<S: serde::Serializer>(c: &Changed, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(match c {
        Changed::Nothing => "nothing",
        Changed::Instructions => "instructions",
        Changed::ControlFlow => "control-flow",
    })
}

fn ser_duration_us<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(d.as_secs_f64() * 1e6)
}

/// One pass run.
#[derive(Clone, Debug, Serialize)]
pub struct PassRun {
    /// Registry name.
    pub name: &'static str,
    /// The arguments written in the pipeline (`max-depth=2`), empty for defaults.
    pub args: String,
    /// Where in the pipeline: `3` for the fourth step, `7.2.1` for the second pass of
    /// the eighth step's third round (`fix` rounds count from 1).
    pub position: String,
    #[serde(rename = "time_us", serialize_with = "ser_duration_us")]
    pub time: Duration,
    /// What the pass said.
    #[serde(serialize_with = "ser_changed")]
    pub reported: Changed,
    /// Whether the function differs from before the pass (printed text or fingerprint);
    /// when the run does not check claims ([`ManagerOptions::checks_claims`]), the pass's
    /// own report instead, unmeasured, for a report of no change and for any pass outside
    /// `fix(...)`.
    pub measured: bool,
    pub counters: BTreeMap<&'static str, u64>,
    /// The printed IR after the pass, when recorded.
    pub ir_after: Option<String>,
    /// Recorded with [`PassRun::ir_after`]: every instruction of the printed IR in print
    /// (layout) order, as its index and the wasm offset it came from, so a reader can tie
    /// each printed line to its instruction (the explorer page colour-links them).
    #[serde(skip)]
    pub insts_after: Option<Vec<(u32, Option<u32>)>>,
    /// Translation validation of this run, when it ran.
    pub validation: Option<ValidationReport>,
    /// A module pass's notes (what it skipped and why); empty for function passes.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// One run of a module pass over every function of a module.
#[derive(Clone, Debug, Serialize)]
pub struct ModulePassRun {
    /// Registry name.
    pub name: &'static str,
    /// The arguments written in the pipeline, empty for defaults.
    pub args: String,
    /// The step's index in the top-level pipeline.
    pub position: String,
    #[serde(rename = "time_us", serialize_with = "ser_duration_us")]
    pub time: Duration,
    /// Names of the functions it changed (measured), in module order.
    pub changed_functions: Vec<String>,
    pub counters: BTreeMap<&'static str, u64>,
    pub notes: Vec<String>,
}

impl fmt::Display for ModulePassRun {
    /// `inline: changed 3 functions; inlined=5 ...`, then one indented line per note
    /// (no time: the text is deterministic).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = if self.args.is_empty() { self.name.to_string() } else { format!("{}({})", self.name, self.args) };
        write!(f, "{name}: changed {} functions;", self.changed_functions.len())?;
        for (k, v) in &self.counters {
            write!(f, " {k}={v}")?;
        }
        for n in &self.notes {
            write!(f, "\n  {n}")?;
        }
        Ok(())
    }
}

/// Runs the module pass of `step` once over `funcs` (a module's defined functions in
/// order), checking what it says it changed against the functions' fingerprints and, with
/// `opts.verify`, verifying every changed function. `position` is recorded as given.
pub fn run_module_pass(
    funcs: &mut [Function],
    step: &PassStep,
    position: &str,
    opts: &ManagerOptions,
) -> Result<ModulePassRun, ManagerError> {
    let fail = |function: String, failure: Failure| ManagerError {
        function,
        pass: step.info.name,
        position: position.to_string(),
        failure: Box::new(failure),
        completed: Vec::new(),
    };
    let module = "(module)".to_string();
    let mut pass = match step.instantiate() {
        Ok(AnyPass::Module(p)) => p,
        Ok(AnyPass::Function(_)) => {
            return Err(fail(
                module,
                Failure::Instantiate(PassError::Unsupported(format!("`{}` is not a module pass", step.info.name))),
            ))
        }
        Err(e) => return Err(fail(module, Failure::Instantiate(e))),
    };
    let before: Vec<u64> = funcs.iter().map(fingerprint).collect();
    let start = Instant::now();
    let outcome = pass.run(funcs).map_err(|e| fail(module.clone(), Failure::Pass(e)))?;
    let time = start.elapsed();
    let mut changed_functions = Vec::new();
    for (k, f) in funcs.iter().enumerate() {
        let measured = fingerprint(f) != before[k];
        let reported = outcome.changed.get(&k).copied().unwrap_or(Changed::Nothing);
        if measured && reported == Changed::Nothing {
            let diff_line = "(a module pass: `wlab opt` before and after shows the line)".to_string();
            return Err(fail(f.name.clone(), Failure::ChangedNotReported { diff_line }));
        }
        if measured {
            if opts.verify {
                verify(f).map_err(|m| fail(f.name.clone(), Failure::Verify(m)))?;
            }
            changed_functions.push(f.name.clone());
        }
    }
    let args = step.args.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(",");
    Ok(ModulePassRun {
        name: step.info.name,
        args,
        position: position.to_string(),
        time,
        changed_functions,
        counters: outcome.counters,
        notes: outcome.notes,
    })
}

/// Runs a module pass inside a one-function pipeline: the function alone is the module.
fn run_module_pass_on_one(
    pass: &mut dyn crate::pass::ModulePass,
    func: &mut Function,
) -> Result<(PassOutcome, Vec<String>), PassError> {
    let ModuleOutcome { changed, counters, notes } = pass.run(std::slice::from_mut(func))?;
    let changed = changed.get(&0).copied().unwrap_or(Changed::Nothing);
    Ok((PassOutcome { changed, counters }, notes))
}

/// Every layout instruction of `func` in print order: its index and the wasm offset it
/// came from ([`PassRun::insts_after`]).
pub fn layout_srclocs(func: &Function) -> Vec<(u32, Option<u32>)> {
    func.layout_insts().map(|(_, i)| (i.index() as u32, func.inst(i).srcloc)).collect()
}

/// One `fix(...)` loop.
#[derive(Clone, Debug, Serialize)]
pub struct FixRun {
    pub position: String,
    pub rounds: u32,
    pub max_rounds: u32,
    /// True when nothing was left to change (see the module doc); false when the bound
    /// stopped it.
    pub converged: bool,
}

/// Everything about one pipeline run on one function.
#[derive(Clone, Debug, Default, Serialize)]
pub struct PipelineReport {
    pub function: String,
    pub pipeline: String,
    pub runs: Vec<PassRun>,
    pub fixes: Vec<FixRun>,
    #[serde(rename = "total_time_us", serialize_with = "ser_duration_us")]
    pub total_time: Duration,
}

impl PipelineReport {
    /// Whether any pass changed the function (measured).
    pub fn changed(&self) -> bool {
        self.runs.iter().any(|r| r.measured)
    }
}

/// Why a pipeline stopped.
#[derive(Clone, Debug, PartialEq)]
pub enum Failure {
    /// The pass returned an error.
    Pass(PassError),
    /// The verifier rejected the function after the pass (or the input, for `input`).
    Verify(String),
    /// The pass reported `Nothing` but the function changed.
    ChangedNotReported { diff_line: String },
    /// Translation validation found a difference.
    Mismatch(Mismatch),
    /// The pipeline could not instantiate a pass.
    Instantiate(PassError),
    /// A pass declared [`PassInfo::idempotent`] changed the function when run again.
    NotIdempotent { diff_line: String },
}

/// A failed pipeline: which pass, what went wrong, and the runs completed before it.
#[derive(Clone, Debug)]
pub struct ManagerError {
    pub function: String,
    /// The pass's registry name, or `input` when the input failed to verify.
    pub pass: &'static str,
    pub position: String,
    /// Boxed: keeps `Result<_, ManagerError>` small.
    pub failure: Box<Failure>,
    pub completed: Vec<PassRun>,
}

impl fmt::Display for ManagerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = if self.pass == "input" {
            format!("function `{}`: input", self.function)
        } else {
            format!("function `{}`: pass `{}` (step {})", self.function, self.pass, self.position)
        };
        match &*self.failure {
            Failure::Pass(e) => write!(f, "{at} failed: {e}"),
            Failure::Instantiate(e) => write!(f, "{at} could not be built: {e}"),
            Failure::Verify(m) => write!(f, "{at} broke the function: {m}"),
            Failure::ChangedNotReported { diff_line } => {
                write!(f, "{at} reported no change but the IR changed (first differing line: `{diff_line}`)")
            }
            Failure::Mismatch(m) => write!(f, "{at} changed behaviour: {m}"),
            Failure::NotIdempotent { diff_line } => write!(
                f,
                "{at} is declared idempotent but changed the function when run again (first differing line: `{diff_line}`)"
            ),
        }
    }
}

impl std::error::Error for ManagerError {}

fn first_differing_line(a: &str, b: &str) -> String {
    let mut la = a.lines();
    let mut lb = b.lines();
    loop {
        match (la.next(), lb.next()) {
            (Some(x), Some(y)) if x == y => continue,
            (_, Some(y)) => return y.trim().to_string(),
            (Some(x), None) => return format!("(removed) {}", x.trim()),
            (None, None) => return String::new(),
        }
    }
}

fn verify(func: &Function) -> Result<(), String> {
    wlab_ir::verify::verify_function(func).map_err(|e| e.to_string())
}

struct Runner<'o> {
    opts: &'o ManagerOptions,
    states: &'o [RecordedState],
    report: PipelineReport,
    /// The printed function as the last pass left it (nothing else changes it between
    /// passes), so each pass costs one print, not two; or its fingerprint when the IR
    /// is not recorded.
    last: Option<Seen>,
}

/// How the manager tells whether a pass changed the function.
#[derive(PartialEq, Eq)]
enum Seen {
    Text(String),
    Fingerprint(u64),
}

impl Seen {
    fn of(func: &Function, text: bool) -> Seen {
        if text {
            Seen::Text(print_function(func))
        } else {
            Seen::Fingerprint(fingerprint(func))
        }
    }
}

impl Runner<'_> {
    fn fail(&mut self, pass: &'static str, position: String, failure: Failure) -> ManagerError {
        ManagerError {
            function: self.report.function.clone(),
            pass,
            position,
            failure: Box::new(failure),
            completed: std::mem::take(&mut self.report.runs),
        }
    }

    /// Runs the steps; returns whether any pass changed the function (measured, or as
    /// reported where nothing measures: see [`ManagerOptions::checks_claims`]). `in_fix`:
    /// the steps are a `fix` body, whose rounds stop on a measured no-change.
    fn steps(&mut self, func: &mut Function, steps: &[Step], prefix: &str, in_fix: bool) -> Result<bool, ManagerError> {
        let mut any = false;
        for (n, step) in steps.iter().enumerate() {
            let position = format!("{prefix}{n}");
            match step {
                Step::Pass(p) => any |= self.pass(func, p, position, in_fix)?,
                Step::Fix { max_rounds, body } => any |= self.fix(func, body, *max_rounds, position)?,
            }
        }
        Ok(any)
    }

    /// Runs a `fix(...)`: its body again and again until every pass of it has run since
    /// the last change (the pass that made it left out when it is
    /// [`PassInfo::idempotent`]; with a nested `fix`, until a whole round changes
    /// nothing), at most `max_rounds` rounds. Returns whether anything changed.
    fn fix(
        &mut self,
        func: &mut Function,
        body: &[Step],
        max_rounds: u32,
        position: String,
    ) -> Result<bool, ManagerError> {
        let passes: Option<Vec<&PassStep>> =
            body.iter().map(|s| if let Step::Pass(p) = s { Some(p) } else { None }).collect();
        let mut any = false;
        let mut rounds = 0;
        let mut converged = false;
        // Passes run in a row without a change, how many of them end the loop, and the
        // idempotent pass whose change started the count (not run again).
        let mut unchanged = 0;
        let mut needed = body.len();
        let mut skipped: Option<&PassStep> = None;
        'rounds: while rounds < max_rounds {
            rounds += 1;
            let prefix = format!("{position}.{rounds}.");
            let Some(passes) = &passes else {
                let changed = self.steps(func, body, &prefix, true)?;
                any |= changed;
                if !changed {
                    converged = true;
                    break;
                }
                continue;
            };
            for (k, p) in passes.iter().enumerate() {
                if self.pass(func, p, format!("{prefix}{k}"), true)? {
                    any = true;
                    unchanged = 0;
                    needed = body.len() - usize::from(p.info.idempotent);
                    skipped = p.info.idempotent.then_some(*p);
                } else {
                    unchanged += 1;
                }
                if unchanged >= needed {
                    converged = true;
                    break 'rounds;
                }
            }
        }
        if let (true, Some(p)) = (converged && self.opts.checks_claims(), skipped) {
            self.check_idempotent(func, p, &position)?;
        }
        self.report.fixes.push(FixRun { position, rounds, max_rounds, converged });
        Ok(any)
    }

    /// In a run that checks claims: runs `p`, which `fix` left out as idempotent, on a copy
    /// of `func` and fails if it changes anything.
    fn check_idempotent(&mut self, func: &Function, p: &PassStep, position: &str) -> Result<(), ManagerError> {
        let mut pass =
            p.instantiate().map_err(|e| self.fail(p.info.name, position.to_string(), Failure::Instantiate(e)))?;
        let AnyPass::Function(pass) = &mut pass else { return Ok(()) };
        let mut copy = func.clone();
        pass.run(&mut copy).map_err(|e| self.fail(p.info.name, position.to_string(), Failure::Pass(e)))?;
        let (before, after) = (print_function(func), print_function(&copy));
        if before != after {
            let diff_line = first_differing_line(&before, &after);
            return Err(self.fail(p.info.name, position.to_string(), Failure::NotIdempotent { diff_line }));
        }
        Ok(())
    }

    /// Runs one pass step; returns whether it changed the function (measured, or as
    /// reported where nothing measures).
    fn pass(
        &mut self,
        func: &mut Function,
        p: &PassStep,
        position: String,
        in_fix: bool,
    ) -> Result<bool, ManagerError> {
        let mut pass =
            p.instantiate().map_err(|e| self.fail(p.info.name, position.clone(), Failure::Instantiate(e)))?;
        let text = self.opts.record_ir;
        // A change is measured when the run checks claims, or inside `fix`, which
        // stops on it. At the top level of an unchecked run (the compile path)
        // nothing reads the measurement: the pass's report is believed and the
        // function is not fingerprinted (perf: fingerprints were 2.8% of `wlab
        // run`'s compile samples on shootout-switch, half of them at the top level).
        let measure = self.opts.checks_claims() || in_fix;
        let before_seen = match self.last.take() {
            Some(t) => Some(t),
            None if measure => Some(Seen::of(func, text)),
            None => None,
        };
        let before = (self.opts.validate_trials > 0).then(|| func.clone());
        let start = Instant::now();
        let outcome = match &mut pass {
            AnyPass::Function(pass) => pass.run(func).map(|o| (o, Vec::new())),
            AnyPass::Module(pass) => run_module_pass_on_one(pass.as_mut(), func),
        };
        let time = start.elapsed();
        let (outcome, notes) = outcome.map_err(|e| self.fail(p.info.name, position.clone(), Failure::Pass(e)))?;
        // A claim of no change is believed, not measured, when nothing checks it:
        // the function is then as it was, and so is what was seen of it. Where
        // nothing measures, a claimed change is believed too, and what was seen
        // of the function is stale.
        let believed = !measure || (outcome.changed == Changed::Nothing && !self.opts.checks_claims());
        let (after_seen, measured) = if believed {
            let unchanged = outcome.changed == Changed::Nothing;
            (if unchanged { before_seen } else { None }, !unchanged)
        } else {
            let before_seen = before_seen.expect("a measured pass saw the function before it");
            let after = Seen::of(func, text);
            let measured = before_seen != after;
            if outcome.changed == Changed::Nothing && measured {
                let diff_line = match (&before_seen, &after) {
                    (Seen::Text(a), Seen::Text(b)) => first_differing_line(a, b),
                    _ => "(IR not recorded: its fingerprint changed; `wlab explore` shows the line)".to_string(),
                };
                return Err(self.fail(p.info.name, position, Failure::ChangedNotReported { diff_line }));
            }
            (Some(after), measured)
        };
        if self.opts.verify && measured {
            verify(func).map_err(|m| self.fail(p.info.name, position.clone(), Failure::Verify(m)))?;
        }
        let mut validation = None;
        if let (Some(before), true) = (before, measured) {
            let r = validate_with_states(&before, func, self.opts.validate_trials, self.states)
                .map_err(|m| self.fail(p.info.name, position.clone(), Failure::Mismatch(m)))?;
            validation = Some(r);
        }
        let ir_after = match &after_seen {
            Some(Seen::Text(t)) => Some(t.clone()),
            Some(Seen::Fingerprint(_)) | None => None,
        };
        let insts_after = self.opts.record_ir.then(|| layout_srclocs(func));
        self.last = after_seen;
        let args = p.args.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(",");
        self.report.runs.push(PassRun {
            name: p.info.name,
            args,
            position,
            time,
            reported: outcome.changed,
            measured,
            counters: outcome.counters,
            ir_after,
            insts_after,
            validation,
            notes,
        });
        Ok(measured)
    }
}

/// Runs `pipeline` on `func` in place, checking and recording as `opts` asks.
pub fn run_pipeline(
    func: &mut Function,
    pipeline: &Pipeline,
    opts: &ManagerOptions,
) -> Result<PipelineReport, ManagerError> {
    run_pipeline_with_states(func, pipeline, opts, &[])
}

/// [`run_pipeline`], replaying `states` (recorded calls of `func`) in every validation.
pub fn run_pipeline_with_states(
    func: &mut Function,
    pipeline: &Pipeline,
    opts: &ManagerOptions,
    states: &[RecordedState],
) -> Result<PipelineReport, ManagerError> {
    let mut runner = Runner {
        opts,
        states,
        report: PipelineReport { function: func.name.clone(), pipeline: pipeline.to_string(), ..Default::default() },
        last: None,
    };
    if opts.verify {
        verify(func).map_err(|m| runner.fail("input", String::new(), Failure::Verify(m)))?;
    }
    let start = Instant::now();
    runner.steps(func, &pipeline.steps, "", false)?;
    runner.report.total_time = start.elapsed();
    Ok(runner.report)
}

/// Parses `pipeline` and runs it on a copy of `func`; returns the report and the result.
pub fn run_pipeline_str(
    func: &Function,
    pipeline: &str,
    opts: &ManagerOptions,
) -> Result<(PipelineReport, Function), String> {
    let p = Pipeline::parse(pipeline).map_err(|e| e.to_string())?;
    let mut f = func.clone();
    let report = run_pipeline(&mut f, &p, opts).map_err(|e| e.to_string())?;
    Ok((report, f))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pass::{Pass, PassOutcome};
    use crate::pipeline::PassStep;
    use crate::registry::{Make, PassInfo};
    use crate::testing::B;
    use wlab_ir::Opcode;
    use wlab_ir::Type::I32;

    fn sample() -> Function {
        let (mut b, v) = B::new(&[I32], &[I32]);
        let b0 = b.b(0);
        let c = b.op(b0, Opcode::Copy, I32, &[v[0]]);
        let k = b.iconst(b0, I32, 3);
        let k2 = b.iconst(b0, I32, 4);
        let s = b.op(b0, Opcode::Iadd, I32, &[k, k2]);
        let _dead = b.op(b0, Opcode::Imul, I32, &[c, s]);
        b.ret(b0, &[c]);
        b.f
    }

    const QUIET: ManagerOptions = ManagerOptions { verify: true, validate_trials: 0, record_ir: true };

    #[test]
    fn records_every_run_and_fix_converges() {
        let mut f = sample();
        let p = Pipeline::parse("fix(copy-prop,const-fold,dce),dce").unwrap();
        let r = run_pipeline(&mut f, &p, &QUIET).unwrap();
        let names: Vec<&str> = r.runs.iter().map(|r| r.name).collect();
        // Round 1 changes the function in all three; dce, which made the last change, is
        // idempotent, so round 2 ends when the other two have run without a change.
        assert_eq!(names, ["copy-prop", "const-fold", "dce", "copy-prop", "const-fold", "dce"]);
        assert_eq!(r.runs[0].position, "0.1.0");
        assert_eq!(r.runs[5].position, "1");
        assert!(r.runs[0].measured && !r.runs[3].measured);
        assert_eq!(r.fixes.len(), 1);
        assert!(r.fixes[0].converged && r.fixes[0].rounds == 2);
        assert_eq!(r.runs[2].ir_after.as_deref(), Some(print_function(&f).as_str()));
        let json = serde_json::to_string(&r).unwrap();
        assert!(json.contains("\"reported\":\"instructions\"") && json.contains("\"time_us\""), "{json}");
    }

    struct Liar;
    impl Pass for Liar {
        fn name(&self) -> &'static str {
            "liar"
        }
        fn run(&mut self, func: &mut Function) -> Result<PassOutcome, PassError> {
            func.name.push('!');
            Ok(PassOutcome::unchanged())
        }
    }
    static LIAR: PassInfo = PassInfo {
        name: "liar",
        description: "renames",
        args: &[],
        make: Make::Function(|_| Ok(Box::new(Liar))),
        idempotent: false,
    };

    #[test]
    fn a_pass_that_hides_a_change_is_named() {
        let mut f = sample();
        let mut p = Pipeline::parse("copy-prop").unwrap();
        p.steps.push(Step::Pass(PassStep { info: &LIAR, args: Vec::new() }));
        let e = run_pipeline(&mut f, &p, &QUIET).unwrap_err();
        assert_eq!(e.pass, "liar");
        assert_eq!(e.completed.len(), 1);
        assert!(matches!(*e.failure, Failure::ChangedNotReported { .. }));
        assert!(e.to_string().contains("pass `liar` (step 1) reported no change"), "{e}");
    }

    #[test]
    fn an_unchecked_run_believes_no_change_and_measures_the_rest() {
        // Nothing checks the run: the liar's claim is believed (it is not fingerprinted),
        // and so is every report outside `fix`; inside it a pass that reports a change is
        // still measured, so `fix` stops in the same round as with checking.
        let fast = ManagerOptions { verify: false, validate_trials: 0, record_ir: false };
        assert!(!fast.checks_claims() && QUIET.checks_claims());
        let mut f = sample();
        let mut p = Pipeline::parse("copy-prop").unwrap();
        p.steps.push(Step::Pass(PassStep { info: &LIAR, args: Vec::new() }));
        let r = run_pipeline(&mut f, &p, &fast).unwrap();
        assert!(r.runs[0].measured && !r.runs[1].measured);
        let p = Pipeline::parse("fix(copy-prop,const-fold,dce),dce").unwrap();
        let (mut a, mut b) = (sample(), sample());
        let checked = run_pipeline(&mut a, &p, &QUIET).unwrap();
        let unchecked = run_pipeline(&mut b, &p, &fast).unwrap();
        let measured = |r: &PipelineReport| r.runs.iter().map(|r| (r.name, r.measured)).collect::<Vec<_>>();
        assert_eq!(measured(&checked), measured(&unchecked));
        assert_eq!(checked.fixes[0].rounds, unchecked.fixes[0].rounds);
        assert_eq!(print_function(&a), print_function(&b));
    }

    #[test]
    fn an_unchecked_run_believes_a_claimed_change_outside_fix_only() {
        // A pass that claims a change and makes none: believed at the top level of an
        // unchecked run (nothing reads the measurement there), measured inside `fix`,
        // where believing it would run the rounds to their bound.
        struct Boaster;
        impl Pass for Boaster {
            fn name(&self) -> &'static str {
                "boaster"
            }
            fn run(&mut self, _: &mut Function) -> Result<PassOutcome, PassError> {
                Ok(PassOutcome { changed: Changed::Instructions, ..PassOutcome::unchanged() })
            }
        }
        static BOASTER: PassInfo = PassInfo {
            name: "boaster",
            description: "claims",
            args: &[],
            make: Make::Function(|_| Ok(Box::new(Boaster))),
            idempotent: false,
        };
        let fast = ManagerOptions { verify: false, validate_trials: 0, record_ir: false };
        let boast = || Step::Pass(PassStep { info: &BOASTER, args: vec![] });
        let p = Pipeline { steps: vec![boast(), Step::Fix { max_rounds: 3, body: vec![boast()] }] };
        let r = run_pipeline(&mut sample(), &p, &fast).unwrap();
        assert_eq!(r.runs.iter().map(|r| r.measured).collect::<Vec<_>>(), [true, false]);
        assert_eq!(r.fixes[0].rounds, 1);
        let checked = run_pipeline(&mut sample(), &p, &QUIET).unwrap();
        assert_eq!(checked.runs.iter().map(|r| r.measured).collect::<Vec<_>>(), [false, false]);
    }

    #[test]
    fn fix_stops_at_its_bound() {
        struct Bump;
        impl Pass for Bump {
            fn name(&self) -> &'static str {
                "bump"
            }
            fn run(&mut self, func: &mut Function) -> Result<PassOutcome, PassError> {
                func.name.push('+');
                Ok(PassOutcome { changed: Changed::Instructions, ..PassOutcome::unchanged() })
            }
        }
        static BUMP: PassInfo = PassInfo {
            name: "bump",
            description: "grows",
            args: &[],
            make: Make::Function(|_| Ok(Box::new(Bump))),
            idempotent: false,
        };
        let mut f = sample();
        let p = Pipeline {
            steps: vec![Step::Fix { max_rounds: 3, body: vec![Step::Pass(PassStep { info: &BUMP, args: vec![] })] }],
        };
        let r = run_pipeline(&mut f, &p, &QUIET).unwrap();
        assert_eq!(r.runs.len(), 3);
        assert!(!r.fixes[0].converged);
        // Declared idempotent, it is not run again after its change: an unchecked run
        // believes the declaration, a checked one runs it once more and names the lie.
        static BUMP_IDEMPOTENT: PassInfo = PassInfo { idempotent: true, ..BUMP };
        let p = Pipeline {
            steps: vec![Step::Fix {
                max_rounds: 3,
                body: vec![Step::Pass(PassStep { info: &BUMP_IDEMPOTENT, args: vec![] })],
            }],
        };
        let fast = ManagerOptions { verify: false, validate_trials: 0, record_ir: false };
        let r = run_pipeline(&mut sample(), &p, &fast).unwrap();
        assert_eq!((r.runs.len(), r.fixes[0].rounds, r.fixes[0].converged), (1, 1, true));
        let e = run_pipeline(&mut sample(), &p, &QUIET).unwrap_err();
        assert!(matches!(*e.failure, Failure::NotIdempotent { .. }), "{e}");
        assert!(e.to_string().contains("declared idempotent"), "{e}");
    }

    #[test]
    fn fix_confirms_a_change_by_a_pass_not_declared_idempotent() {
        // One change, then none: a pass that is not idempotent runs once more to confirm.
        struct Once;
        impl Pass for Once {
            fn name(&self) -> &'static str {
                "once"
            }
            fn run(&mut self, func: &mut Function) -> Result<PassOutcome, PassError> {
                if func.name.ends_with('+') {
                    return Ok(PassOutcome::unchanged());
                }
                func.name.push('+');
                Ok(PassOutcome { changed: Changed::Instructions, ..PassOutcome::unchanged() })
            }
        }
        static ONCE: PassInfo = PassInfo {
            name: "once",
            description: "grows once",
            args: &[],
            make: Make::Function(|_| Ok(Box::new(Once))),
            idempotent: false,
        };
        let p = Pipeline {
            steps: vec![Step::Fix { max_rounds: 5, body: vec![Step::Pass(PassStep { info: &ONCE, args: vec![] })] }],
        };
        let r = run_pipeline(&mut sample(), &p, &QUIET).unwrap();
        assert_eq!((r.runs.len(), r.fixes[0].rounds, r.fixes[0].converged), (2, 2, true));
    }
}

#[cfg(test)]
mod validation_tests {
    use super::*;
    use crate::pass::{Pass, PassOutcome};
    use crate::pipeline::PassStep;
    use crate::registry::{Make, PassInfo};
    use crate::testing::B;
    use wlab_ir::Opcode;
    use wlab_ir::Type::I32;

    /// Turns every `iadd` into `isub` and says so: verifies, but computes otherwise.
    struct Wrong;
    impl Pass for Wrong {
        fn name(&self) -> &'static str {
            "wrong"
        }
        fn run(&mut self, func: &mut Function) -> Result<PassOutcome, PassError> {
            for d in func.insts.iter_mut().filter(|d| d.opcode == Opcode::Iadd) {
                d.opcode = Opcode::Isub;
            }
            Ok(PassOutcome { changed: Changed::Instructions, ..PassOutcome::unchanged() })
        }
    }
    static WRONG: PassInfo = PassInfo {
        name: "wrong",
        description: "breaks",
        args: &[],
        make: Make::Function(|_| Ok(Box::new(Wrong))),
        idempotent: false,
    };

    #[test]
    fn translation_validation_names_the_wrong_pass() {
        let (mut b, v) = B::new(&[I32], &[I32]);
        let b0 = b.b(0);
        let c = b.op(b0, Opcode::Copy, I32, &[v[0]]);
        let k = b.iconst(b0, I32, 5);
        let s = b.op(b0, Opcode::Iadd, I32, &[c, k]);
        b.ret(b0, &[s]);
        let mut p = Pipeline::parse("copy-prop").unwrap();
        p.steps.push(Step::Pass(PassStep { info: &WRONG, args: Vec::new() }));
        let e = run_pipeline(&mut b.f, &p, &ManagerOptions::checked()).unwrap_err();
        assert_eq!(e.pass, "wrong");
        assert_eq!(e.completed[0].validation.map(|v| v.compared), Some(16));
        assert!(
            e.to_string()
                .contains("pass `wrong` (step 1) changed behaviour: trial 0 with args (i32:0): results differ"),
            "{e}"
        );
    }
}
