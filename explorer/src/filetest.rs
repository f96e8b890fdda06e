//! File-driven tests: reads a test file's header, turns it into the `wlab explore` command
//! line it asks for (parsed by the command line's own grammar) and returns what that
//! command prints, after the command line itself, as the text its snapshot pins. So a
//! snapshot always names the command that reproduces it.
//!
//! A test file is `.wat` (wasm text) or `.ir` (IR text). Its header is the leading
//! comment lines (`;;` or `;`) of the form `key: value`:
//!
//! ```text
//! ;; test: passes            translate | passes | compile
//! ;; passes: licm,dce        the pipeline (needed by `test: passes`, optional for `compile`)
//! ;; func: loop_sum          optional: index, export or name; default every function
//! ;; target: x86_64          for `test: compile`: also lower, allocate and disassemble
//!                           (x86_64 for the x86-64-v3 CPU features, whatever this machine has)
//! ;; regs: 4                 optional, for `test: compile`: allocatable registers per class
//! ;; bounds: explicit        optional, for `test: compile`: guard (default) or explicit
//! ;; rules: custom.rules      optional: a rule file (next to the test) for every egraph
//! ```
//!
//! A key is lowercase letters and dashes; any other `word:` line is prose. Every pass
//! runs with verification and translation validation; a test that breaks
//! either fails instead of producing a snapshot. Unknown keys are errors, so a typo
//! cannot silently turn a test off.

use crate::CliError;
use std::path::Path;

/// What a test file asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    pub test: String,
    pub passes: Option<String>,
    pub func: Option<String>,
    pub target: Option<String>,
    pub regs: Option<usize>,
    pub bounds: wlab_backends::BoundsChecks,
    pub rules: Option<String>,
}

impl Default for Header {
    fn default() -> Self {
        Header {
            test: String::new(),
            passes: None,
            func: None,
            target: None,
            regs: None,
            bounds: wlab_backends::BoundsChecks::Guard,
            rules: None,
        }
    }
}

/// Parses the header comment block.
pub fn parse_header(text: &str) -> Result<Header, String> {
    let mut h = Header::default();
    for line in text.lines() {
        let t = line.trim();
        let Some(body) = t.strip_prefix(";;").or_else(|| t.strip_prefix(';')) else {
            break;
        };
        let Some((key, value)) = body.split_once(':') else {
            continue;
        };
        let (key, value) = (key.trim(), value.trim().to_string());
        match key {
            "test" => h.test = value,
            "passes" => h.passes = Some(value),
            "func" => h.func = Some(value),
            "target" => h.target = Some(value),
            "bounds" => {
                h.bounds = wlab_backends::BoundsChecks::from_name(&value)
                    .ok_or_else(|| format!("`bounds: {value}`: expected guard or explicit"))?
            }
            "rules" => h.rules = Some(value),
            "regs" => h.regs = Some(value.parse().map_err(|_| format!("`regs: {value}` is not a number"))?),
            // Prose in the header comment: a key is lowercase letters and dashes only.
            _ if key.is_empty() || !key.bytes().all(|b| b.is_ascii_lowercase() || b == b'-') => continue,
            _ => {
                return Err(format!(
                    "unknown header key `{key}` (known: test, passes, func, rules, target, regs, bounds)"
                ))
            }
        }
    }
    match h.test.as_str() {
        "translate" => {}
        "passes" if h.passes.is_some() => {}
        "passes" => return Err("`test: passes` needs a `passes:` line".into()),
        "compile" if h.target.is_some() => {}
        "compile" => return Err("`test: compile` needs a `target:` line".into()),
        "" => return Err("missing `test:` header line (translate | passes)".into()),
        other => return Err(format!("unknown test kind `{other}` (known: translate, passes, compile)")),
    }
    Ok(h)
}

/// Runs one test file and returns its snapshot text: for each function the test covers,
/// the `wlab explore` command line that prints it (paths as seen from the repository's
/// root), then what that command prints. The header becomes that command line and is
/// parsed by the command line's own grammar, so the snapshot is the tool's output.
pub fn run_filetest(path: &Path) -> Result<String, CliError> {
    let text = crate::input::read_text(path)?;
    let header = parse_header(&text).map_err(|m| CliError::Other(format!("{}: {m}", path.display())))?;
    let selectors: Vec<String> = match &header.func {
        Some(s) => vec![s.clone()],
        None if crate::explore::is_ir_file(path) => {
            crate::explore::parse_ir(path, &text)?.into_iter().map(|f| f.name).collect()
        }
        None => {
            let bytes = crate::input::module_bytes(path, text.as_bytes())?;
            let module = wlab_ir::translate::translate_module(&bytes)?;
            let first = module.info.num_imported_funcs() as usize;
            (first..module.info.funcs.len()).map(|i| i.to_string()).collect()
        }
    };
    let rules = header.rules.as_ref().map(|r| path.parent().unwrap_or(Path::new(".")).join(r));
    let mut out = String::new();
    for (n, selector) in selectors.iter().enumerate() {
        if n > 0 {
            out.push('\n');
        }
        let words = command_line(&header, &shown_path(path), selector);
        let mut args = parse_explore_args(&words)?;
        // Run on the real files; the line shows them as a user in the repository names them.
        args.module = path.to_owned();
        args.pipeline.rules.clone_from(&rules);
        let line: Vec<String> = words.iter().map(|w| shell_word(w)).collect();
        out.push_str(&format!(";; {}\n", line.join(" ")));
        let mut printed = crate::cmd::explore_output(&args, true)?;
        // The output names the rule file as the command line does, not by its absolute path.
        if let (Some(full), Some(i)) = (&rules, words.iter().position(|w| w == "--rules")) {
            printed = printed.replace(&full.display().to_string(), &words[i + 1]);
        }
        out.push_str(&printed);
    }
    Ok(out)
}

/// `w` as a POSIX shell reads it back: quoted when it holds anything but plain characters.
fn shell_word(w: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "_./=,:-".contains(c);
    match w.chars().all(plain) && !w.is_empty() {
        true => w.to_string(),
        false => format!("'{}'", w.replace('\'', "'\\''")),
    }
}

/// `path` from `tests/filetests/` on, as a user at the repository's root names it.
fn shown_path(path: &Path) -> String {
    let full = path.display().to_string();
    match full.find("tests/filetests/") {
        Some(i) => full[i..].to_string(),
        None => full,
    }
}

/// The `wlab explore` command line a header asks for, for one function.
fn command_line(h: &Header, path: &str, selector: &str) -> Vec<String> {
    let mut w: Vec<String> =
        ["wlab", "explore", path, "--func", selector, "--no-wasm", "--diff"].map(String::from).into();
    if let Some(p) = &h.passes {
        w.extend(["--passes".into(), p.clone(), "--check".into()]);
    }
    if let Some(r) = &h.rules {
        let dir = Path::new(path).parent().unwrap_or(Path::new(""));
        w.extend(["--rules".into(), dir.join(r).display().to_string()]);
    }
    if let (Some(t), "compile") = (&h.target, h.test.as_str()) {
        w.extend(["--target".into(), t.clone()]);
        if t == "x86_64" {
            // Printed code must not depend on the machine's CPU (nothing here runs it).
            w.extend(["--cpu-features".into(), "x86-64-v3".into()]);
        }
        if let Some(n) = h.regs {
            w.extend(["--regs".into(), n.to_string()]);
        }
        if h.bounds == wlab_backends::BoundsChecks::Explicit {
            w.extend(["--bounds-checks".into(), "explicit".into()]);
        }
    }
    w
}

/// `words` (from `wlab explore` on) through the command line's grammar.
fn parse_explore_args(words: &[String]) -> Result<crate::cli::ExploreArgs, CliError> {
    use clap::Parser;
    match crate::cli::Cli::try_parse_from(words) {
        Ok(crate::cli::Cli { command: crate::cli::Command::Explore(args) }) => Ok(args),
        Ok(_) => unreachable!("the words start with `wlab explore`"),
        Err(e) => Err(CliError::Other(format!("{}: {}", words.join(" "), e.to_string().lines().next().unwrap_or("")))),
    }
}
