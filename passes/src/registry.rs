//! The pass registry: one line per pass — name, one-line description, typed arguments
//! with defaults, constructor. `wlab passes`, pipeline parsing and timing names all come
//! from here.
//!
//! Adding a pass, every place:
//! 1. write `src/<pass>.rs` (which defines `pub const INFO: PassInfo`);
//! 2. add its `pub mod` line to `lib.rs`;
//! 3. add one line to [`REGISTRY`] below;
//! 4. add test files under `tests/filetests/<pass>/` (see the README's "File-driven tests");
//! 5. run `cargo test --release -p wlab-tests --test filetests` and `cargo test --release -p
//!    wlab-explorer --test cli`, then `cargo insta review`: the new files' snapshots and the
//!    pinned `wlab passes` listing (`explorer/tests/snapshots/wlab-passes.snap`), which now
//!    shows the pass, are pending; read each and accept it only if it shows what you meant.
//!
//! A pass is of one of two kinds ([`Make`]): a function pass rewrites one function at a
//! time; a module pass (`inline`) sees every function of the module and runs, where the
//! pipeline names it, between the function passes before and after it. `wlab passes`
//! marks module passes.
//! This file must never hold pass logic, and the order of [`REGISTRY`] is only the order
//! of the listing (pipelines say their own order).

use crate::pass::{ModulePass, Pass, PassError};
use crate::pipeline::PipelineError;
use std::collections::BTreeMap;
use std::fmt::{self, Write};

/// Every registered pass, one line each.
static REGISTRY: &[PassInfo] = &[
    crate::copy_prop::INFO,
    crate::dce::INFO,
    crate::const_fold::INFO,
    crate::gvn::INFO,
    crate::simplify_cfg::INFO,
    crate::licm::INFO,
    crate::strength_reduce::INFO,
    crate::load_elim::INFO,
    crate::egraph::INFO,
    crate::inline::INFO,
];

/// The type of a pass argument.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum ArgType {
    Int,
    Bool,
    Str,
}

impl ArgType {
    pub fn name(self) -> &'static str {
        match self {
            ArgType::Int => "int",
            ArgType::Bool => "bool",
            ArgType::Str => "string",
        }
    }

    /// Parses a value written in a pipeline string (`2`, `-1`, `true`, `false`, any
    /// string); the error says what was expected.
    pub fn parse(self, text: &str) -> Result<ArgValue, String> {
        match self {
            ArgType::Int => {
                text.parse::<i64>().map(ArgValue::Int).map_err(|_| format!("expected an integer, found `{text}`"))
            }
            ArgType::Bool => match text {
                "true" => Ok(ArgValue::Bool(true)),
                "false" => Ok(ArgValue::Bool(false)),
                _ => Err(format!("expected `true` or `false`, found `{text}`")),
            },
            ArgType::Str => Ok(ArgValue::Str(text.to_string())),
        }
    }
}

/// A typed argument value.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub enum ArgValue {
    Int(i64),
    Bool(bool),
    Str(String),
}

impl fmt::Display for ArgValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ArgValue::Int(x) => write!(f, "{x}"),
            ArgValue::Bool(b) => write!(f, "{b}"),
            ArgValue::Str(s) => f.write_str(s),
        }
    }
}

/// The declaration of one argument of a pass.
#[derive(Clone, Copy, Debug)]
pub struct ArgSpec {
    /// kebab-case, as written in `licm(max-depth=2)`.
    pub name: &'static str,
    pub ty: ArgType,
    /// The default, written as in a pipeline string (a test checks it parses).
    pub default: &'static str,
    pub doc: &'static str,
}

/// One registry line.
#[derive(Clone, Copy)]
pub struct PassInfo {
    /// kebab-case name used in pipeline strings.
    pub name: &'static str,
    /// One line, no trailing period.
    pub description: &'static str,
    pub args: &'static [ArgSpec],
    /// The pass's kind and its constructor.
    pub make: Make,
    /// A second run right after a run never changes the function. `fix(...)` relies on
    /// it: after this pass changes the function, the loop ends once every other pass of
    /// its body has run without a change, without running this one again to confirm.
    /// Runs that check claims ([`crate::manager::ManagerOptions::checks_claims`], as the
    /// tests do) run it again anyway and fail when it changes something.
    pub idempotent: bool,
}

/// What kind of pass a registry line declares, with the constructor that builds it from
/// its arguments (defaults already filled in).
#[derive(Clone, Copy)]
pub enum Make {
    /// Rewrites one function at a time.
    Function(fn(&PassArgs) -> Result<Box<dyn Pass>, PassError>),
    /// Sees and rewrites every function of the module at once.
    Module(fn(&PassArgs) -> Result<Box<dyn ModulePass>, PassError>),
}

/// A built pass of either kind.
pub enum AnyPass {
    Function(Box<dyn Pass>),
    Module(Box<dyn ModulePass>),
}

impl AnyPass {
    pub fn name(&self) -> &'static str {
        match self {
            AnyPass::Function(p) => p.name(),
            AnyPass::Module(p) => p.name(),
        }
    }
}

impl fmt::Debug for PassInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PassInfo").field("name", &self.name).finish_non_exhaustive()
    }
}

impl PassInfo {
    /// Whether this is a module pass ([`Make::Module`]).
    pub fn is_module_pass(&self) -> bool {
        matches!(self.make, Make::Module(_))
    }

    pub fn arg(&self, name: &str) -> Option<&'static ArgSpec> {
        self.args.iter().find(|a| a.name == name)
    }

    /// The argument names, for error messages (`max-depth, loads`, or `none`).
    pub fn arg_names(&self) -> String {
        if self.args.is_empty() {
            "none".into()
        } else {
            self.args.iter().map(|a| a.name).collect::<Vec<_>>().join(", ")
        }
    }

    /// Builds the arguments from the defaults overridden by `given` (already typed).
    pub fn args_with(&self, given: &[(String, ArgValue)]) -> Result<PassArgs, PassError> {
        let mut values = BTreeMap::new();
        for spec in self.args {
            let v = spec
                .ty
                .parse(spec.default)
                .map_err(|m| PassError::BadArgument(format!("{}: default of `{}`: {m}", self.name, spec.name)))?;
            values.insert(spec.name, v);
        }
        for (name, v) in given {
            let spec = self.arg(name).ok_or_else(|| {
                PassError::BadArgument(format!("{} has no argument `{name}` (valid: {})", self.name, self.arg_names()))
            })?;
            values.insert(spec.name, v.clone());
        }
        Ok(PassArgs { pass: self.name, values })
    }

    /// Builds the pass with the given arguments over the defaults.
    pub fn instantiate(&self, given: &[(String, ArgValue)]) -> Result<AnyPass, PassError> {
        let args = self.args_with(given)?;
        Ok(match self.make {
            Make::Function(make) => AnyPass::Function(make(&args)?),
            Make::Module(make) => AnyPass::Module(make(&args)?),
        })
    }
}

/// The argument values a constructor receives: every declared argument, defaults
/// filled in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PassArgs {
    pass: &'static str,
    values: BTreeMap<&'static str, ArgValue>,
}

impl PassArgs {
    fn get(&self, name: &str) -> Result<&ArgValue, PassError> {
        self.values
            .get(name)
            .ok_or_else(|| PassError::BadArgument(format!("{} declares no argument `{name}`", self.pass)))
    }

    pub fn int(&self, name: &str) -> Result<i64, PassError> {
        match self.get(name)? {
            ArgValue::Int(x) => Ok(*x),
            other => Err(PassError::BadArgument(format!("{}: `{name}` is not an int: {other}", self.pass))),
        }
    }

    pub fn bool(&self, name: &str) -> Result<bool, PassError> {
        match self.get(name)? {
            ArgValue::Bool(b) => Ok(*b),
            other => Err(PassError::BadArgument(format!("{}: `{name}` is not a bool: {other}", self.pass))),
        }
    }

    pub fn string(&self, name: &str) -> Result<&str, PassError> {
        match self.get(name)? {
            ArgValue::Str(s) => Ok(s),
            other => Err(PassError::BadArgument(format!("{}: `{name}` is not a string: {other}", self.pass))),
        }
    }

    /// An int argument that must lie in `lo..=hi`.
    pub fn int_in(&self, name: &str, lo: i64, hi: i64) -> Result<i64, PassError> {
        let x = self.int(name)?;
        if x < lo || x > hi {
            return Err(PassError::BadArgument(format!("{}: `{name}` must be in {lo}..={hi}, got {x}", self.pass)));
        }
        Ok(x)
    }
}

/// Every registered pass, in listing order.
pub fn registry() -> &'static [PassInfo] {
    REGISTRY
}

/// The names of every registered pass, comma-separated (for error messages).
pub fn pass_names() -> String {
    REGISTRY.iter().map(|p| p.name).collect::<Vec<_>>().join(", ")
}

/// Finds a pass by name; the error lists the valid names.
pub fn lookup(name: &str) -> Result<&'static PassInfo, PipelineError> {
    REGISTRY
        .iter()
        .find(|p| p.name == name)
        .ok_or_else(|| PipelineError::new(0, format!("unknown pass `{name}` (valid: {})", pass_names())))
}

/// The listing `wlab passes` prints: every pass with its description and arguments,
/// then the presets and the pipeline syntax.
pub fn describe_passes() -> String {
    let mut s = String::new();
    let width = REGISTRY.iter().map(|p| p.name.len()).max().unwrap_or(0);
    let _ = writeln!(s, "passes:");
    for p in REGISTRY {
        let kind = match (p.is_module_pass(), p.idempotent) {
            (true, _) => " (module pass: sees every function)",
            (false, true) => " (idempotent)",
            (false, false) => "",
        };
        let _ = writeln!(s, "  {:width$}  {}{kind}", p.name, p.description);
        for a in p.args {
            let _ = writeln!(s, "  {:width$}    {}: {} = {}  {}", "", a.name, a.ty.name(), a.default, a.doc);
        }
    }
    let _ = writeln!(s, "\npresets:");
    for (name, body, doc) in crate::pipeline::PRESETS {
        let body = if body.is_empty() { "(nothing)" } else { body };
        let _ = writeln!(s, "  {name}  {doc}\n      {body}");
    }
    let _ = writeln!(s, "\n{}", crate::pipeline::SYNTAX_HELP);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_kebab_case_and_defaults_parse() {
        let mut seen = std::collections::BTreeSet::new();
        for p in registry() {
            assert!(seen.insert(p.name), "duplicate pass {}", p.name);
            assert!(p.name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'), "{}", p.name);
            assert!(!p.description.is_empty() && !p.description.ends_with('.'), "{}", p.name);
            for a in p.args {
                a.ty.parse(a.default).unwrap_or_else(|m| panic!("{}.{}: {m}", p.name, a.name));
            }
            let pass = p.instantiate(&[]).unwrap();
            assert_eq!(pass.name(), p.name);
        }
    }

    #[test]
    fn unknown_pass_lists_valid_names() {
        let e = lookup("nope").unwrap_err().to_string();
        assert!(e.contains("unknown pass `nope`") && e.contains("copy-prop") && e.contains("dce"), "{e}");
    }
}
