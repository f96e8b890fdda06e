//! What `wlab rules prove` reports: a verdict per rule, as text and as JSON.
//!
//! ```text
//! proved          add-zero-32               algebra.rules:14
//! counterexample  wrong-sub                 wrong.rules:1
//!     inputs: ?x = i32:1, ?y = i32:0
//!     function "before"(i32, i32) -> i32 { ... }      (the IR the rule would change)
//!     function "after"(i32, i32) -> i32 { ... }       (what it would become)
//!     before: i32:1   after: i32:-1                   (both run by the IR interpreter)
//! unknown         big-rule                  x.rules:3   time limit of 2000 ms
//! 2 proved, 1 counterexamples, 1 unknown
//! ```
//!
//! This file only formats; it never runs the solver or the interpreter.

use serde::Serialize;
use std::fmt::Write;

/// A counterexample, confirmed by running both sides with the IR interpreter.
#[derive(Clone, Debug, Serialize)]
pub struct Counterexample {
    /// Input names (`?x`, `?cc`, `(base ?y)`) and their values.
    pub inputs: Vec<(String, String)>,
    /// The left side as an IR function: the code the rule would change.
    pub before_ir: String,
    /// The right side as an IR function: what the rule would make of it.
    pub after_ir: String,
    /// What the interpreter computed for each.
    pub before: String,
    pub after: String,
}

/// The verdict on one rule.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "verdict", rename_all = "lowercase")]
pub enum Verdict {
    /// No input, under any instance of the rule, makes the two sides differ.
    Proved,
    Counterexample(Counterexample),
    /// Neither: the time limit, a construct the prover does not handle, or a solver
    /// counterexample that execution did not confirm.
    Unknown {
        reason: String,
    },
}

/// One rule's result.
#[derive(Clone, Debug, Serialize)]
pub struct RuleResult {
    pub name: String,
    /// `file:line`.
    pub origin: String,
    /// How many instances (condition codes x open types) were checked.
    pub instances: usize,
    #[serde(flatten)]
    pub verdict: Verdict,
}

/// The whole run.
#[derive(Clone, Debug, Serialize)]
pub struct ProveReport {
    pub rules: Vec<RuleResult>,
    pub proved: usize,
    pub counterexamples: usize,
    pub unknown: usize,
    /// Per-rule time limit, in milliseconds.
    pub timeout_ms: u64,
}

impl ProveReport {
    pub fn new(rules: Vec<RuleResult>, timeout_ms: u64) -> ProveReport {
        let count = |f: fn(&Verdict) -> bool| rules.iter().filter(|r| f(&r.verdict)).count();
        ProveReport {
            proved: count(|v| matches!(v, Verdict::Proved)),
            counterexamples: count(|v| matches!(v, Verdict::Counterexample(_))),
            unknown: count(|v| matches!(v, Verdict::Unknown { .. })),
            rules,
            timeout_ms,
        }
    }

    /// `N proved, N counterexamples, N unknown`.
    pub fn summary(&self) -> String {
        format!("{} proved, {} counterexamples, {} unknown", self.proved, self.counterexamples, self.unknown)
    }

    /// The full text report: one line per rule, counterexamples in full, the summary.
    pub fn text(&self) -> String {
        let mut s = String::new();
        for r in &self.rules {
            s.push_str(&r.text());
        }
        let _ = writeln!(s, "{}", self.summary());
        s
    }
}

impl RuleResult {
    /// The rule's line, and a counterexample's details under it.
    pub fn text(&self) -> String {
        let mut s = String::new();
        match &self.verdict {
            Verdict::Proved => {
                let _ = writeln!(s, "proved          {:<28} {}", self.name, self.origin);
            }
            Verdict::Unknown { reason } => {
                let _ = writeln!(s, "unknown         {:<28} {}   {reason}", self.name, self.origin);
            }
            Verdict::Counterexample(c) => {
                let _ = writeln!(s, "counterexample  {:<28} {}", self.name, self.origin);
                let inputs: Vec<String> = c.inputs.iter().map(|(k, v)| format!("{k} = {v}")).collect();
                let _ = writeln!(s, "    inputs: {}", inputs.join(", "));
                for ir in [&c.before_ir, &c.after_ir] {
                    for l in ir.lines() {
                        let _ = writeln!(s, "    {l}");
                    }
                }
                let _ = writeln!(s, "    before: {}   after: {}", c.before, c.after);
            }
        }
        s
    }
}
