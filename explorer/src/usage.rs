//! Usage errors as the README promises them: one line on stderr and exit status 1,
//! e.g. `wlab: error: unexpected argument '--foo' found (see 'wlab explore --help')`.
//! `--help` and `--version` still print clap's text and exit 0.
//!
//! clap renders an error as paragraphs (the message, tips, usage, a pointer to
//! `--help`); the first paragraph is the message, joined here into one line. This file
//! never parses the command line itself beyond finding the subcommand's name.

use clap::error::ErrorKind;
use clap::CommandFactory;

/// What to do with a command line clap refused: the exit status, after printing.
pub fn report(e: &clap::Error, args: &[String]) -> i32 {
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            // stdout; a reader that went away is nothing to report.
            let _ = e.print();
            0
        }
        _ => {
            eprintln!("wlab: error: {}", one_line(e, args));
            1
        }
    }
}

/// The error's message in one line, with where to look for help.
pub fn one_line(e: &clap::Error, args: &[String]) -> String {
    let sub = subcommand(args);
    let help = match &sub {
        Some(s) => format!("wlab {s} --help"),
        None => "wlab --help".to_string(),
    };
    let message = match e.kind() {
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand | ErrorKind::MissingSubcommand => match &sub {
            Some(s) => format!("'wlab {s}' needs arguments"),
            None => format!("no command given; commands: {}", subcommand_names().join(", ")),
        },
        _ => first_paragraph(&e.render().to_string()),
    };
    format!("{message} (see '{help}')")
}

/// The first paragraph of clap's rendering, without `error: `, its lines joined.
fn first_paragraph(rendered: &str) -> String {
    let text = rendered.trim_start();
    let text = text.strip_prefix("error:").unwrap_or(text);
    let lines: Vec<&str> = text.lines().take_while(|l| !l.trim().is_empty()).map(str::trim).collect();
    lines.join(" ")
}

/// The subcommand named on the command line, if one is.
fn subcommand(args: &[String]) -> Option<String> {
    let names = subcommand_names();
    args.iter().skip(1).find(|a| names.contains(a)).cloned()
}

fn subcommand_names() -> Vec<String> {
    crate::cli::Cli::command().get_subcommands().map(|c| c.get_name().to_string()).collect()
}
