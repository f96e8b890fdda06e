//! `wlab bench`'s options ([`BenchArgs`], flattened into the command line as they are)
//! and the wlab configurations they name: one per `--engine` (with `--passes` and the
//! allocator options) and one per `--config LABEL=ARGS` (`wlab run ARGS`, where
//! `--wlab PATH` picks another wlab binary, e.g. main's). This file only parses and
//! checks; it never starts a process.

use super::runner::{Kind, Runner};
use crate::CliError;
use std::path::{Path, PathBuf};

/// `wlab bench` options.
#[derive(clap::Args, Debug, Clone)]
pub struct BenchArgs {
    /// Modules or folders of modules (default: $WLAB_BENCH_DIR, else ../shared/bench).
    pub paths: Vec<PathBuf>,
    /// A wlab engine to run as a configuration labelled by its name, with --passes and
    /// the allocator options (repeatable; default x86_64 when no --config is given).
    #[arg(long = "engine", value_name = "ENGINE")]
    pub engines: Vec<String>,
    /// A configuration `LABEL=ARGS` that runs `wlab run ARGS` (shell words; `--wlab PATH`
    /// runs another wlab binary, e.g. main's), e.g. `--config o0='--passes O0'` (repeatable).
    #[arg(long = "config", value_name = "LABEL=ARGS")]
    pub configs: Vec<String>,
    /// Pipeline (and rule file) for the --engine configurations (default: O2; `O0` for none).
    #[command(flatten)]
    pub pipeline: crate::cli::PipelineArgs,
    #[command(flatten)]
    pub alloc: crate::cli::AllocArgs,
    /// Interleaved rounds: each round runs every module once on every runner; min,
    /// median and max over the rounds are reported.
    #[arg(long, default_value_t = 3)]
    pub runs: usize,
    /// `--fuel`, `--timeout` (per run; default 120 s, after which a run is killed and
    /// counted as failed), `--max-memory-pages`, `--max-interp-stack`: passed on to every
    /// configuration of this wlab binary.
    #[command(flatten)]
    pub limits: crate::limits::LimitArgs,
    /// After the timed rounds, run each module once more on the first `--engine x86_64`
    /// configuration with the runtime's sampler and report its hottest functions.
    #[arg(long)]
    pub profile: bool,
    /// Do not run wasmtime or node even when they are present.
    #[arg(long)]
    pub no_peers: bool,
    /// Time compilation only: every runner stops after compiling (`wlab run
    /// --compile-only`; wasmtime after `Module()`, V8 after `WebAssembly.compile`), so any
    /// module can be timed, WASI command or not; stdout is not checked and the ratios
    /// compare compile medians.
    #[arg(long)]
    pub compile_only: bool,
    #[command(flatten)]
    pub output: crate::cli::OutputArgs,
}

/// The wlab configurations asked for, in order: every `--engine`, then every `--config`.
/// `this` is the running wlab binary.
pub fn configurations(args: &BenchArgs, this: &Path) -> Result<Vec<Runner>, CliError> {
    let engine_options = args.pipeline.passes.is_some() || args.pipeline.rules.is_some() || args.alloc.any();
    if args.engines.is_empty() && !args.configs.is_empty() && engine_options {
        return Err(CliError::Other(
            "--passes, --rules and the allocator options apply to --engine configurations only; \
             put them inside each --config"
                .to_string(),
        ));
    }
    let default_engine = ["x86_64".to_string()];
    let engines: &[String] =
        if args.engines.is_empty() && args.configs.is_empty() { &default_engine } else { &args.engines };
    // The runs start in each module's folder: the rule file goes by its absolute path.
    let rules = match &args.pipeline.rules {
        None => None,
        Some(r) => Some(std::path::absolute(r).map_err(|e| CliError::Other(format!("{}: {e}", r.display())))?),
    };
    let mut out = Vec::new();
    for e in engines {
        let mut run = vec!["--engine".to_string(), e.clone()];
        run.extend(["--passes".to_string(), args.pipeline.passes.clone().unwrap_or_else(|| "O2".to_string())]);
        if let Some(r) = &rules {
            run.extend(["--rules".to_string(), r.display().to_string()]);
        }
        run.extend(args.limits.run_args());
        run.extend(args.alloc.run_args());
        out.push(Runner::new(e.clone(), Kind::Wlab { binary: this.to_path_buf(), other: false, args: run }));
    }
    for spec in &args.configs {
        out.push(parse_config(spec, this, &args.limits)?);
    }
    Ok(out)
}

/// `LABEL=ARGS` as a runner.
/// The limits go to this binary's runs only: another wlab binary may not know them.
fn parse_config(spec: &str, this: &Path, limits: &crate::limits::LimitArgs) -> Result<Runner, CliError> {
    let bad = |why: String| CliError::Other(format!("--config `{spec}`: {why}"));
    let Some((label, rest)) = spec.split_once('=') else {
        return Err(bad("expected LABEL=ARGS, e.g. o0='--passes O0'".to_string()));
    };
    check_label(label).map_err(bad)?;
    let words = split_words(rest).map_err(bad)?;
    let mut binary = None;
    let mut args = Vec::new();
    let mut it = words.into_iter();
    while let Some(w) = it.next() {
        let path = if w == "--wlab" {
            Some(it.next().ok_or_else(|| bad("--wlab needs a path".to_string()))?)
        } else {
            w.strip_prefix("--wlab=").map(str::to_string)
        };
        match path {
            Some(p) => {
                if binary.is_some() {
                    return Err(bad("--wlab given twice".to_string()));
                }
                let found = std::fs::canonicalize(&p).map_err(|e| bad(format!("--wlab {p}: {e}")))?;
                if !found.is_file() {
                    return Err(bad(format!("--wlab {p}: not a file")));
                }
                binary = Some(found);
            }
            None => args.push(w),
        }
    }
    let kind = match binary {
        Some(b) => Kind::Wlab { binary: b, other: true, args },
        None => {
            let mut args = args;
            args.extend(limits.run_args());
            Kind::Wlab { binary: this.to_path_buf(), other: false, args }
        }
    };
    Ok(Runner::new(label.to_string(), kind))
}

/// A label is one word: it heads columns and rows.
fn check_label(label: &str) -> Result<(), String> {
    if label.is_empty() || label.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!("the label `{label}` must be a non-empty word"));
    }
    Ok(())
}

/// Splits `s` into words as a POSIX shell would, without expansions: whitespace
/// separates, `'...'` is literal, `"..."` keeps `\"` and `\\` escapes, `\x` outside
/// quotes is `x`.
pub fn split_words(s: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            c if c.is_whitespace() => words.extend(word.take()),
            '\'' => {
                let w = word.get_or_insert_with(String::new);
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => w.push(c),
                        None => return Err("unterminated ' quote".to_string()),
                    }
                }
            }
            '"' => {
                let w = word.get_or_insert_with(String::new);
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(c @ ('"' | '\\')) => w.push(c),
                            Some(c) => {
                                w.push('\\');
                                w.push(c);
                            }
                            None => return Err("unterminated \" quote".to_string()),
                        },
                        Some(c) => w.push(c),
                        None => return Err("unterminated \" quote".to_string()),
                    }
                }
            }
            '\\' => match chars.next() {
                Some(c) => word.get_or_insert_with(String::new).push(c),
                None => return Err("trailing backslash".to_string()),
            },
            c => word.get_or_insert_with(String::new).push(c),
        }
    }
    words.extend(word);
    Ok(words)
}

#[cfg(test)]
mod tests {
    use super::split_words;

    #[test]
    fn words_split_like_a_shell() {
        assert_eq!(split_words(" --passes  O2 ").unwrap(), ["--passes", "O2"]);
        assert_eq!(
            split_words(r#"--passes 'licm(max-depth=2), dce' --wlab "/a b/\"w\"""#).unwrap(),
            ["--passes", "licm(max-depth=2), dce", "--wlab", "/a b/\"w\""]
        );
        assert_eq!(split_words(r"a\ b ''").unwrap(), ["a b", ""]);
        assert!(split_words("'open").is_err());
        assert!(split_words("").unwrap().is_empty());
    }
}
