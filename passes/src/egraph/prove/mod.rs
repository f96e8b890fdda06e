//! Proving rewrite rules with an SMT solver: each rule of a rule file, translated to
//! SMT-LIB bit-vector and floating-point logic with WebAssembly's semantics, is either
//! proved for every input, refuted by a counterexample that the IR interpreter
//! confirms, or left unknown with the reason.
//!
//! ```text
//! Rule ──▶ instances (one per choice of condition codes ?cc and open operand types)
//!            │  encode.rs      the instance as a query: inputs, the helpers'
//!            │                 arithmetic, each condition's assumption
//!            │                 (CondKind::smt), "left side != right side"
//!            │  semantics.rs   each opcode's meaning (the one table)
//!            ▼
//!          solver.rs (one z3 process for the batch, push/pop per query)
//!            │ unsat: next instance     unknown: the rule is unknown (reason)
//!            ▼ sat
//!          confirm.rs: both sides as IR functions, run by the interpreter;
//!            differ: counterexample      same: unknown (not confirmed)
//!            ▼
//!          report.rs: verdicts as text and JSON
//! ```
//!
//! What "sound" means here: for every input on which the rule applies (its conditions
//! and helpers defined), the right side gives a result the left side may give under
//! wasm. Integers and exactly computed floats (sign operations `fneg`, `fabs`,
//! `fcopysign`, `select`, constants, inputs) must have the same bits. When the left
//! side's root is float arithmetic and gives a NaN, wasm allows any arithmetic NaN
//! (quiet bit set, any sign and payload), so the right side must give one: `fmul x 1.0
//! => x` is refuted by a signaling NaN `x`. When arithmetic below an exact root may
//! give a NaN, any NaN equals any NaN (the prover cannot tie the left side's choice of
//! bits to the right side's). Traps do not arise: rules can only name pure operations
//! (the loader refuses `sdiv`, `fcvt_to_sint`, loads, ...).
//!
//! Limits: a time limit per rule ([`ProveOptions::timeout_ms`], shared by its
//! instances), at most [`MAX_INSTANCES`] instances per rule. This file never changes a
//! rule.

pub mod confirm;
pub mod encode;
pub mod report;
pub mod semantics;
pub mod solver;

use super::language::Cc;
use super::rules::{Rule, Sort};
use encode::{encode, Encoded, Instance};
use report::{Counterexample, ProveReport, RuleResult, Verdict};
use solver::{Answer, SolverError, Z3};
use std::time::{Duration, Instant};
use wlab_ir::{FloatCC, IntCC, Type};

/// Default time limit per rule, in milliseconds.
pub const DEFAULT_TIMEOUT_MS: u64 = 30_000;
/// Most instances (choices of condition codes and open types) checked per rule; a rule
/// with more is reported unknown.
pub const MAX_INSTANCES: usize = 256;

/// How to prove.
#[derive(Clone, Debug)]
pub struct ProveOptions {
    /// Time limit per rule (all its instances), in milliseconds.
    pub timeout_ms: u64,
}

impl Default for ProveOptions {
    fn default() -> Self {
        ProveOptions { timeout_ms: DEFAULT_TIMEOUT_MS }
    }
}

/// Every condition a pattern can name: the integer ones and the float-only ones.
fn all_ccs() -> Vec<Cc> {
    IntCC::ALL
        .iter()
        .map(|&c| Cc::Int(c))
        .chain(FloatCC::ALL.iter().map(|&c| Cc::of_float(c)).filter(|c| matches!(c, Cc::Float(_))))
        .collect()
}

/// The instances of `rule`, or `None` when there are more than [`MAX_INSTANCES`].
fn instances(rule: &Rule) -> Option<Vec<Instance>> {
    let mut out = vec![Instance::default()];
    for (v, sort) in rule.sorts() {
        let next: Vec<Instance> = match sort {
            Sort::Cond => out
                .iter()
                .flat_map(|i| {
                    all_ccs().into_iter().map(move |c| {
                        let mut j = i.clone();
                        j.ccs.insert(v, c);
                        j
                    })
                })
                .collect(),
            Sort::Val(None) => out
                .iter()
                .flat_map(|i| {
                    [Type::I32, Type::I64, Type::F32, Type::F64].into_iter().map(move |t| {
                        let mut j = i.clone();
                        j.types.insert(v, t);
                        j
                    })
                })
                .collect(),
            Sort::Val(Some(_)) | Sort::Lit => continue,
        };
        if next.len() > MAX_INSTANCES {
            return None;
        }
        out = next;
    }
    Some(out)
}

/// Proves each rule in turn with one solver process. `Err` only when the solver cannot
/// be run at all.
pub fn prove(rules: &[Rule], opts: &ProveOptions) -> Result<ProveReport, SolverError> {
    let mut z3 = Z3::start()?;
    let mut out = Vec::new();
    for rule in rules {
        let (verdict, n) = prove_one(&mut z3, rule, opts)?;
        out.push(RuleResult { name: rule.name.clone(), origin: rule.origin.clone(), instances: n, verdict });
    }
    Ok(ProveReport::new(out, opts.timeout_ms))
}

fn prove_one(z3: &mut Z3, rule: &Rule, opts: &ProveOptions) -> Result<(Verdict, usize), SolverError> {
    let Some(insts) = instances(rule) else {
        return Ok((Verdict::Unknown { reason: format!("more than {MAX_INSTANCES} instances") }, 0));
    };
    let deadline = Instant::now() + Duration::from_millis(opts.timeout_ms);
    let mut checked = 0;
    for inst in &insts {
        let q = match encode(rule, inst) {
            Encoded::Query(q) => q,
            Encoded::Never => continue,
            Encoded::Unsupported(reason) => {
                return Ok((Verdict::Unknown { reason: format!("unsupported: {reason}") }, checked));
            }
        };
        checked += 1;
        let left = deadline.saturating_duration_since(Instant::now()).as_millis() as u64;
        if left == 0 {
            return Ok((Verdict::Unknown { reason: format!("time limit of {} ms", opts.timeout_ms) }, checked));
        }
        let names: Vec<String> = q.inputs.iter().map(|i| i.smt.clone()).collect();
        let (answer, alive) = z3.check(&q.text, &names, left)?;
        if !alive {
            *z3 = Z3::start()?;
        }
        match answer {
            Answer::Unsat => {}
            Answer::Unknown(reason) => {
                let reason = if reason.starts_with("time limit") {
                    format!("time limit of {} ms", opts.timeout_ms)
                } else {
                    reason
                };
                return Ok((Verdict::Unknown { reason }, checked));
            }
            Answer::Sat(model) => {
                let Some(c) = confirm::confirm(rule, inst, &model, q.compare) else {
                    return Ok((
                        Verdict::Unknown { reason: "the solver's counterexample could not be made into IR".into() },
                        checked,
                    ));
                };
                let inputs = c.inputs.iter().map(|(k, v)| format!("{k} = {v}")).collect::<Vec<_>>().join(", ");
                if !c.differ {
                    return Ok((
                        Verdict::Unknown {
                            reason: format!(
                                "the solver's counterexample ({inputs}) is not confirmed by execution: both give {}",
                                c.before
                            ),
                        },
                        checked,
                    ));
                }
                let cex = Counterexample {
                    inputs: c.inputs,
                    before_ir: c.before_ir,
                    after_ir: c.after_ir,
                    before: c.before,
                    after: c.after,
                };
                return Ok((Verdict::Counterexample(cex), checked));
            }
        }
    }
    if checked == 0 {
        return Ok((
            Verdict::Unknown {
                reason: "no instance of the rule can match (condition codes or types never fit)".into(),
            },
            0,
        ));
    }
    Ok((Verdict::Proved, checked))
}
