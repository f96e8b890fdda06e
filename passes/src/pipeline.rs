//! Pipeline strings: which passes run, in what order, with what arguments.
//!
//! ```text
//! pipeline := [ item { ',' item } ]
//! item     := PRESET                                 O0 | O1 | O2, expanded in place
//!           | 'fix' '(' [ 'max' '=' INT ':' ] pipeline ')'
//!           | NAME [ '(' [ NAME '=' VALUE { ',' NAME '=' VALUE } ] ')' ]
//! ```
//!
//! Examples: `copy-prop,dce`; `licm(max-depth=2)`; `O2`;
//! `fix(copy-prop,dce)` repeats its body until every pass of it has run since the last
//! change (the pass that made it is not run again when it is
//! [`crate::registry::PassInfo::idempotent`]), at most [`DEFAULT_FIX_ROUNDS`] rounds; `fix(max=4: copy-prop,dce)` sets the bound. Spaces
//! between tokens are ignored. Errors name the byte column and list what is valid.
//! Parsing checks everything (names, argument names, types and ranges) so a parsed
//! [`Pipeline`] always instantiates. A module pass (`inline`) is written like any other
//! pass but only at the top level, never inside `fix(...)`: it runs once over the whole
//! module, after every function went through the steps before it and before any
//! function goes through the steps after it ([`Pipeline::segments`]).
//! This file never runs a pass.

use crate::pass::PassError;
use crate::registry::{lookup, AnyPass, ArgValue, PassInfo};
use std::fmt;

/// Rounds a `fix(...)` runs at most when no `max=` is given.
pub const DEFAULT_FIX_ROUNDS: u32 = 10;
/// The largest `max=` accepted.
pub const MAX_FIX_ROUNDS: u32 = 1000;

/// The presets: name, body (a pipeline string), what it is for. The order inside each
/// body is deliberate; the comments below say why.
///
/// O2, in order:
/// - `copy-prop` first: the translator leaves copies and pass-through block parameters;
///   every later pass matches operands, which copies hide.
/// - `const-fold` before `simplify-cfg`: folding turns branches on constants into jumps,
///   which `simplify-cfg` then merges away.
/// - `simplify-cfg` before `egraph`: unreachable code is gone (the e-graph leaves it
///   alone and pins what it uses) and bigger blocks give elaboration more sharing.
/// - `egraph` before `gvn`: the rules (identities, constant reassociation, strength
///   reduction of multiplies, compares, extensions, branch conditions) and constant
///   folding run on the whole pure program at once; elaboration replaces a value only
///   where it was and only when that is cheaper, so equal values stay where they were
///   and `gvn` after it merges them.
/// - `simplify-cfg` before `gvn`: bigger blocks and fewer edges give value numbering and
///   load elimination more to see in one dominator path.
/// - `gvn` before `load-elim`: addresses that are equal become the same value, which is
///   what load elimination compares.
/// - `licm` after both: only canonical, deduplicated invariant code is hoisted.
/// - `strength-reduce` after `licm`: invariant multipliers are hoisted and visible, and
///   induction-variable rewriting sees the final loop body.
/// - the closing `fix(...)` cleans what the others leave: copies, constants, dead code
///   and empty blocks, until nothing changes (bounded).
pub const PRESETS: &[(&str, &str, &str)] = &[
    ("O0", "", "no pass"),
    (
        "O1",
        // copy-prop exposes constants to const-fold; const-fold leaves dead constants and
        // constant branches; dce then removes what is dead; simplify-cfg last, on the
        // smallest graph.
        "copy-prop,const-fold,dce,simplify-cfg",
        "cheap local cleanups: copies, constants, dead code, trivial control flow",
    ),
    (
        "O2",
        "copy-prop,const-fold,simplify-cfg,egraph,gvn,load-elim,licm,strength-reduce,fix(max=4: copy-prop,const-fold,dce,simplify-cfg)",
        "the full optimizing pipeline (see pipeline.rs for why this order)",
    ),
];

/// Shown by `wlab passes`.
pub const SYNTAX_HELP: &str = "pipeline syntax: `a,b` runs a then b; `licm(max-depth=2)` sets an argument; \
`fix(a,b)` repeats a,b until each has run since the last change (an idempotent pass that made it is not rerun; at most 10 rounds); `fix(max=4: a,b)` sets the bound; \
O0, O1, O2 expand to the presets above; a module pass runs once over all functions where it is written \
(`inline,O2`: inline first, then O2 on every function) and may not appear inside `fix(...)`";

/// A parse error: where (byte offset in the pipeline string) and what, listing what is
/// valid.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PipelineError {
    pub pos: usize,
    pub message: String,
}

impl PipelineError {
    pub fn new(pos: usize, message: impl Into<String>) -> Self {
        PipelineError { pos, message: message.into() }
    }
}

impl fmt::Display for PipelineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "pipeline column {}: {}", self.pos + 1, self.message)
    }
}

impl std::error::Error for PipelineError {}

/// One pass with the arguments written for it (the rest take their defaults).
#[derive(Clone, Debug)]
pub struct PassStep {
    pub info: &'static PassInfo,
    pub args: Vec<(String, ArgValue)>,
}

impl PassStep {
    /// A fresh instance of the pass.
    pub fn instantiate(&self) -> Result<AnyPass, PassError> {
        self.info.instantiate(&self.args)
    }
}

impl PartialEq for PassStep {
    fn eq(&self, other: &Self) -> bool {
        self.info.name == other.info.name && self.args == other.args
    }
}

/// One element of a pipeline.
#[derive(Clone, Debug, PartialEq)]
pub enum Step {
    Pass(PassStep),
    /// Repeat `body` until every pass of it has run since the last change (see
    /// [`crate::manager`]), at most `max_rounds` rounds.
    Fix {
        max_rounds: u32,
        body: Vec<Step>,
    },
}

/// A parsed pipeline; `Display` prints it back in the syntax above (presets expanded).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Pipeline {
    pub steps: Vec<Step>,
}

impl Pipeline {
    /// Parses a pipeline string.
    pub fn parse(text: &str) -> Result<Pipeline, PipelineError> {
        let mut p = Parser { s: text.as_bytes(), text, pos: 0, depth: 0, in_fix: 0 };
        let steps = p.list()?;
        p.ws();
        if p.pos < p.s.len() {
            return Err(PipelineError::new(p.pos, format!("unexpected `{}`", p.rest_char())));
        }
        Ok(Pipeline { steps })
    }

    /// A pipeline running the given passes once each, with default arguments.
    pub fn of(names: &[&str]) -> Result<Pipeline, PipelineError> {
        let mut steps = Vec::new();
        for n in names {
            steps.push(Step::Pass(PassStep { info: lookup(n)?, args: Vec::new() }));
        }
        Ok(Pipeline { steps })
    }

    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// Whether any step is a module pass.
    pub fn has_module_pass(&self) -> bool {
        self.steps.iter().any(|s| matches!(s, Step::Pass(p) if p.info.is_module_pass()))
    }

    /// The pipeline cut at its module passes, in order: runs of function steps (each a
    /// pipeline of its own, run on every function) and module passes between them, each
    /// with the index of its first top-level step. Empty runs are left out.
    pub fn segments(&self) -> Vec<Segment> {
        let mut out = Vec::new();
        let mut run = Vec::new();
        for (n, s) in self.steps.iter().enumerate() {
            match s {
                Step::Pass(p) if p.info.is_module_pass() => {
                    if !run.is_empty() {
                        let steps = Pipeline { steps: std::mem::take(&mut run) };
                        out.push(Segment::Functions { first: n - steps.steps.len(), steps });
                    }
                    out.push(Segment::Module { position: n, step: p.clone() });
                }
                other => run.push(other.clone()),
            }
        }
        if !run.is_empty() {
            out.push(Segment::Functions { first: self.steps.len() - run.len(), steps: Pipeline { steps: run } });
        }
        out
    }
}

/// A part of a pipeline as [`Pipeline::segments`] cuts it.
#[derive(Clone, Debug, PartialEq)]
pub enum Segment {
    /// Function steps, top-level steps `first..`: run on each function on its own.
    Functions { first: usize, steps: Pipeline },
    /// One module pass, top-level step `position`: run once over every function.
    Module { position: usize, step: PassStep },
}

fn write_steps(f: &mut fmt::Formatter<'_>, steps: &[Step]) -> fmt::Result {
    for (i, s) in steps.iter().enumerate() {
        if i > 0 {
            f.write_str(",")?;
        }
        match s {
            Step::Pass(p) => {
                f.write_str(p.info.name)?;
                if !p.args.is_empty() {
                    f.write_str("(")?;
                    for (j, (k, v)) in p.args.iter().enumerate() {
                        if j > 0 {
                            f.write_str(",")?;
                        }
                        write!(f, "{k}={v}")?;
                    }
                    f.write_str(")")?;
                }
            }
            Step::Fix { max_rounds, body } => {
                f.write_str("fix(")?;
                if *max_rounds != DEFAULT_FIX_ROUNDS {
                    write!(f, "max={max_rounds}: ")?;
                }
                write_steps(f, body)?;
                f.write_str(")")?;
            }
        }
    }
    Ok(())
}

impl fmt::Display for Pipeline {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_steps(f, &self.steps)
    }
}

impl std::str::FromStr for Pipeline {
    type Err = PipelineError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Pipeline::parse(s)
    }
}

struct Parser<'a> {
    s: &'a [u8],
    text: &'a str,
    pos: usize,
    /// Preset nesting, to report a preset that names itself.
    depth: u32,
    /// `fix(` nesting, to refuse a module pass inside one.
    in_fix: u32,
}

impl<'a> Parser<'a> {
    fn ws(&mut self) {
        while self.pos < self.s.len() && self.s[self.pos].is_ascii_whitespace() {
            self.pos += 1;
        }
    }

    fn rest_char(&self) -> char {
        self.text[self.pos..].chars().next().unwrap_or(' ')
    }

    fn peek(&mut self) -> Option<u8> {
        self.ws();
        self.s.get(self.pos).copied()
    }

    fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, c: u8, what: &str) -> Result<(), PipelineError> {
        if self.eat(c) {
            Ok(())
        } else if self.pos >= self.s.len() {
            Err(PipelineError::new(self.pos, format!("expected {what}, found the end")))
        } else {
            Err(PipelineError::new(self.pos, format!("expected {what}, found `{}`", self.rest_char())))
        }
    }

    /// A name: letters, digits, `-`, `_`.
    fn name(&mut self) -> Result<(usize, &'a str), PipelineError> {
        self.ws();
        let start = self.pos;
        while self.pos < self.s.len()
            && (self.s[self.pos].is_ascii_alphanumeric() || matches!(self.s[self.pos], b'-' | b'_'))
        {
            self.pos += 1;
        }
        if start == self.pos {
            let found =
                if self.pos >= self.s.len() { "the end".to_string() } else { format!("`{}`", self.rest_char()) };
            return Err(PipelineError::new(start, format!("expected a pass name, found {found}")));
        }
        Ok((start, &self.text[start..self.pos]))
    }

    /// A value: everything up to `,` or `)`, trimmed.
    fn value(&mut self) -> (usize, String) {
        self.ws();
        let start = self.pos;
        while self.pos < self.s.len() && !matches!(self.s[self.pos], b',' | b')') {
            self.pos += 1;
        }
        (start, self.text[start..self.pos].trim().to_string())
    }

    /// A comma-separated list of items, up to the end or a `)` (not consumed).
    fn list(&mut self) -> Result<Vec<Step>, PipelineError> {
        let mut steps = Vec::new();
        if matches!(self.peek(), None | Some(b')')) {
            return Ok(steps);
        }
        loop {
            self.item(&mut steps)?;
            if !self.eat(b',') {
                return Ok(steps);
            }
        }
    }

    fn item(&mut self, out: &mut Vec<Step>) -> Result<(), PipelineError> {
        let (start, name) = self.name()?;
        if let Some((_, body, _)) = PRESETS.iter().find(|(n, _, _)| *n == name) {
            if self.depth > 0 {
                return Err(PipelineError::new(start, format!("preset `{name}` inside a preset")));
            }
            let mut sub = Parser { s: body.as_bytes(), text: body, pos: 0, depth: self.depth + 1, in_fix: self.in_fix };
            let steps =
                sub.list().map_err(|e| PipelineError::new(start, format!("in preset `{name}`: {}", e.message)))?;
            out.extend(steps);
            return Ok(());
        }
        if name == "fix" {
            self.expect(b'(', "`(` after `fix`")?;
            self.in_fix += 1;
            let mut max_rounds = DEFAULT_FIX_ROUNDS;
            let save = self.pos;
            if let Ok((_, "max")) = self.name() {
                if self.eat(b'=') {
                    self.ws();
                    let vstart = self.pos;
                    while self.pos < self.s.len() && self.s[self.pos].is_ascii_digit() {
                        self.pos += 1;
                    }
                    let n: u32 = self.text[vstart..self.pos].parse().map_err(|_| {
                        PipelineError::new(vstart, format!("`max` of `fix` must be an integer in 1..={MAX_FIX_ROUNDS}"))
                    })?;
                    if n == 0 || n > MAX_FIX_ROUNDS {
                        return Err(PipelineError::new(
                            vstart,
                            format!("`max` of `fix` must be in 1..={MAX_FIX_ROUNDS}, got {n}"),
                        ));
                    }
                    max_rounds = n;
                    self.expect(b':', "`:` after `max=N` in `fix(max=N: ...)`")?;
                } else {
                    self.pos = save;
                }
            } else {
                self.pos = save;
            }
            let body_start = self.pos;
            let body = self.list()?;
            if body.is_empty() {
                return Err(PipelineError::new(body_start, "`fix(...)` needs at least one pass"));
            }
            self.expect(b')', "`,` or `)` to close `fix(`")?;
            self.in_fix -= 1;
            out.push(Step::Fix { max_rounds, body });
            return Ok(());
        }
        let info = lookup(name).map_err(|e| PipelineError::new(start, e.message))?;
        if info.is_module_pass() && self.in_fix > 0 {
            return Err(PipelineError::new(
                start,
                format!("module pass `{name}` cannot be inside `fix(...)`: it runs once over the whole module"),
            ));
        }
        let mut args: Vec<(String, ArgValue)> = Vec::new();
        // `name()` (no arguments) is the same as `name`.
        if self.eat(b'(') && !self.eat(b')') {
            loop {
                let (astart, aname) = self.name()?;
                let aname = aname.to_string();
                let Some(spec) = info.arg(&aname) else {
                    return Err(PipelineError::new(
                        astart,
                        format!("pass `{}` has no argument `{aname}` (valid: {})", info.name, info.arg_names()),
                    ));
                };
                if args.iter().any(|(k, _)| *k == aname) {
                    return Err(PipelineError::new(astart, format!("argument `{aname}` given twice")));
                }
                self.expect(b'=', &format!("`=` after argument `{aname}`"))?;
                let (vstart, vtext) = self.value();
                let v = spec.ty.parse(&vtext).map_err(|m| {
                    PipelineError::new(
                        vstart,
                        format!("bad value for `{}({aname}=...)`: {m} ({}: {})", info.name, spec.ty.name(), spec.doc),
                    )
                })?;
                args.push((aname, v));
                if !self.eat(b',') {
                    break;
                }
            }
            self.expect(b')', "`,` or `)` after the arguments")?;
        }
        let step = PassStep { info, args };
        // Range checks live in the constructors: run one now so a parsed pipeline
        // always instantiates.
        step.instantiate().map_err(|e| PipelineError::new(start, e.to_string()))?;
        out.push(Step::Pass(step));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(s: &str) -> String {
        let p = Pipeline::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"));
        let printed = p.to_string();
        assert_eq!(Pipeline::parse(&printed).unwrap(), p, "{printed}");
        printed
    }

    #[test]
    fn parses_and_prints_back() {
        assert_eq!(round_trip("copy-prop,dce"), "copy-prop,dce");
        assert_eq!(round_trip(" copy-prop , dce "), "copy-prop,dce");
        assert_eq!(round_trip("fix(copy-prop,dce)"), "fix(copy-prop,dce)");
        assert_eq!(
            round_trip("fix(max=4: copy-prop, fix(dce)),const-fold"),
            "fix(max=4: copy-prop,fix(dce)),const-fold"
        );
        assert_eq!(round_trip("dce()"), "dce");
        assert_eq!(round_trip("O0"), "");
        assert_eq!(round_trip(""), "");
    }

    #[test]
    fn module_passes_cut_the_pipeline_and_stay_out_of_fix() {
        let p = Pipeline::parse("inline(max-callee-insts=4),O1,inline").unwrap();
        assert!(p.has_module_pass());
        let segs = p.segments();
        assert_eq!(segs.len(), 3);
        assert!(
            matches!(&segs[0], Segment::Module { position: 0, step } if step.info.name == "inline" && step.args.len() == 1)
        );
        assert!(
            matches!(&segs[1], Segment::Functions { first: 1, steps } if steps.to_string() == "copy-prop,const-fold,dce,simplify-cfg")
        );
        assert!(matches!(&segs[2], Segment::Module { position: 5, .. }));
        assert_eq!(round_trip("inline,dce"), "inline,dce");
        assert!(!Pipeline::parse("O2").unwrap().has_module_pass());
        let e = Pipeline::parse("fix(dce,inline)").unwrap_err();
        assert_eq!(e.pos, 8);
        assert!(e.message.contains("module pass `inline` cannot be inside `fix(...)`"), "{e}");
    }

    #[test]
    fn errors_name_position_and_valid_choices() {
        let e = Pipeline::parse("dce,nope").unwrap_err();
        assert_eq!(e.pos, 4);
        assert!(e.message.contains("unknown pass `nope`") && e.message.contains("copy-prop"), "{e}");
        let e = Pipeline::parse("dce(depth=2)").unwrap_err();
        assert_eq!(e.pos, 4);
        assert!(e.message.contains("no argument `depth`") && e.message.contains("valid: blocks"), "{e}");
        let e = Pipeline::parse("dce(blocks=maybe)").unwrap_err();
        assert_eq!(e.pos, 11);
        assert!(e.message.contains("expected `true` or `false`, found `maybe`"), "{e}");
        assert_eq!(
            round_trip("dce(blocks=false),copy-prop(block-params=true)"),
            "dce(blocks=false),copy-prop(block-params=true)"
        );
        let e = Pipeline::parse("fix(max=0: dce)").unwrap_err();
        assert!(e.message.contains("1..=1000"), "{e}");
        let e = Pipeline::parse("fix(dce").unwrap_err();
        assert!(e.message.contains("close `fix(`"), "{e}");
        let e = Pipeline::parse("fix()").unwrap_err();
        assert!(e.message.contains("at least one pass"), "{e}");
        let e = Pipeline::parse("dce,,dce").unwrap_err();
        assert_eq!(e.pos, 4);
        assert!(Pipeline::parse("dce dce").unwrap_err().message.contains("unexpected `d`"));
        assert!(e.to_string().starts_with("pipeline column 5: "), "{e}");
    }

    #[test]
    fn presets_are_explicit() {
        for (name, body, _) in PRESETS {
            // Every preset either parses or names the pass that is not registered yet.
            match Pipeline::parse(name) {
                Ok(p) => assert_eq!(p, Pipeline::parse(body).unwrap()),
                Err(e) => assert!(e.message.contains("unknown pass"), "{name}: {e}"),
            }
        }
    }
}
