//! `wlab rules prove` and `--prove`: rule files handed to the prover
//! (`wlab_passes::egraph::prove`) and its report printed as text or JSON.
//!
//! ```text
//! wlab rules prove [FILE...] [--rule TEXT] [--timeout-ms MS] [--format json]
//!     no FILE: the shipped rule files; exit 1 when any rule has a counterexample
//! wlab <command> --passes ... --rules FILE --prove
//!     the pipeline's rule files proved first; a counterexample is printed on stderr
//!     and the command does not run (exit 1)
//! ```
//!
//! This file never encodes a rule or talks to the solver itself.

use crate::cli::ProveArgs;
use crate::output::warn;
use crate::CliError;
use std::sync::atomic::{AtomicBool, Ordering};
use wlab_passes::egraph::prove::report::Verdict;
use wlab_passes::egraph::prove::{prove, ProveOptions};
use wlab_passes::egraph::rules::{Rule, RuleSet};

/// The rules of `files` (each file on its own: a rule is proved alone), or the shipped
/// ones when there is none.
fn load(files: &[String]) -> Result<Vec<Rule>, CliError> {
    if files.is_empty() {
        return Ok(RuleSet::shipped().rules);
    }
    let mut rules = Vec::new();
    for f in files {
        let mut set = RuleSet::default();
        set.add_file(f).map_err(|e| CliError::Other(e.to_string()))?;
        rules.extend(set.rules);
    }
    Ok(rules)
}

/// `wlab rules prove`.
pub fn command(args: &ProveArgs) -> Result<i32, CliError> {
    let files: Vec<String> = args.files.iter().map(|f| f.display().to_string()).collect();
    let mut rules = load(&files)?;
    if let Some(text) = &args.rule {
        rules.retain(|r| r.name.contains(text.as_str()));
        if rules.is_empty() {
            return Err(CliError::Other(format!("no rule name contains `{text}`")));
        }
    }
    if args.timeout_ms == 0 {
        return Err(CliError::Other("--timeout-ms must be at least 1".into()));
    }
    let report = prove(&rules, &ProveOptions { timeout_ms: args.timeout_ms }).map_err(|e| CliError::Other(e.0))?;
    let mut sink = crate::output::Sink::new(&args.output);
    match crate::output::plain(&args.output, "rules prove")? {
        crate::output::Plain::Text => sink.write(&report.text())?,
        crate::output::Plain::Json => sink.json(&report)?,
    }
    Ok(if report.counterexamples > 0 { 1 } else { 0 })
}

/// `--prove`: proves `files` (once per process) and refuses with the counterexamples
/// on stderr when a rule is wrong. Unknown rules are warnings.
pub fn prove_first(files: &[String]) -> Result<(), CliError> {
    static DONE: AtomicBool = AtomicBool::new(false);
    if files.is_empty() {
        warn("--prove has no effect: the pipeline loads no rule file (--rules, egraph(rules=...))");
        return Ok(());
    }
    if DONE.swap(true, Ordering::SeqCst) {
        return Ok(());
    }
    let rules = load(files)?;
    let report = prove(&rules, &ProveOptions::default()).map_err(|e| CliError::Other(e.0))?;
    let mut wrong = Vec::new();
    for r in &report.rules {
        match &r.verdict {
            Verdict::Proved => {}
            Verdict::Unknown { reason } => {
                warn(&format!("--prove: rule `{}` ({}) not proved: {reason}", r.name, r.origin))
            }
            Verdict::Counterexample(_) => {
                eprint!("{}", r.text());
                wrong.push(format!("`{}` ({})", r.name, r.origin));
            }
        }
    }
    if wrong.is_empty() {
        Ok(())
    } else {
        Err(CliError::Other(format!(
            "--prove: rule {} has a counterexample; not running ({})",
            wrong.join(", "),
            report.summary()
        )))
    }
}
