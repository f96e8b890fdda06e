//! `wlab sweep`'s tidy table: a [`Row`] is a map from column name to a JSON value; the
//! columns are [`FIXED`] (documented in the README, in this order) followed by the
//! per-pass and per-counter columns the rows have, sorted. Writes the table as CSV or
//! JSON lines (by the file's extension), appends finished cells to the `.partial.jsonl`
//! journal next to it while a sweep runs, and reads both back so a rerun skips the
//! cells that are complete. Never measures anything.
//!
//! Every column whose name starts with `t_` is a time; every other column is the same
//! on every run of the same sweep.

use crate::CliError;
use serde_json::{Map, Value};
use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};

/// One row: column name to value (`null`: empty).
pub type Row = Map<String, Value>;

/// The columns every table has, in order (the rest follow, sorted by name).
pub const FIXED: [&str; 48] = [
    "module",
    "path",
    "kind",
    "func_index",
    "func_name",
    "config",
    "target",
    "regalloc",
    "regs",
    "passes",
    "egraph_limits",
    "rules",
    "error",
    "functions",
    "functions_changed",
    "regalloc_used",
    "max_live",
    "ir_insts_before",
    "ir_insts_after",
    "vcode_insts",
    "insts",
    "bytes",
    "loads",
    "stores",
    "calls",
    "spills",
    "reloads",
    "moves",
    "spill_slots",
    "egraph_runs",
    "egraph_stop",
    "egraph_iterations",
    "egraph_enodes",
    "egraph_eclasses",
    "egraph_stalled",
    "runs_ok",
    "runs_failed",
    "run_failure",
    "t_translate_us",
    "t_pipeline_us",
    "t_lower_us",
    "t_regalloc_us",
    "t_emit_us",
    "t_compile_ms_min",
    "t_compile_ms_median",
    "t_measured_ms_min",
    "t_measured_ms_median",
    "t_measured_ms_max",
];

/// The row kinds, in the order of a cell's rows.
pub const KIND_FUNCTION: &str = "function";
pub const KIND_MODULE: &str = "module";
pub const KIND_RUN: &str = "run";

/// How a table is written, from its file name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Csv,
    JsonLines,
}

impl Format {
    pub fn of(path: &Path) -> Result<Format, CliError> {
        match path.extension().and_then(|e| e.to_str()) {
            Some("csv") => Ok(Format::Csv),
            Some("jsonl") => Ok(Format::JsonLines),
            _ => Err(CliError::Other(format!(
                "--out {}: name the table `.csv` or `.jsonl` (JSON lines)",
                path.display()
            ))),
        }
    }
}

/// The journal of a sweep writing `out`: finished cells, as JSON lines.
pub fn journal_path(out: &Path) -> PathBuf {
    let mut s = out.as_os_str().to_owned();
    s.push(".partial.jsonl");
    PathBuf::from(s)
}

/// The column order of `rows`: [`FIXED`], then every other column present, sorted.
pub fn columns(rows: &[Row]) -> Vec<String> {
    let fixed: BTreeSet<&str> = FIXED.iter().copied().collect();
    let extra: BTreeSet<&String> = rows.iter().flat_map(|r| r.keys()).filter(|k| !fixed.contains(k.as_str())).collect();
    FIXED.iter().map(|s| s.to_string()).chain(extra.into_iter().cloned()).collect()
}

/// The text of `rows` in `format`.
pub fn render(rows: &[Row], format: Format) -> String {
    let mut s = String::new();
    match format {
        Format::JsonLines => {
            for r in rows {
                s.push_str(&Value::Object(r.clone()).to_string());
                s.push('\n');
            }
        }
        Format::Csv => {
            let cols = columns(rows);
            let line = |cells: Vec<String>| cells.iter().map(|c| csv_quote(c)).collect::<Vec<_>>().join(",");
            s.push_str(&line(cols.clone()));
            s.push('\n');
            for r in rows {
                s.push_str(&line(cols.iter().map(|c| cell_text(r.get(c))).collect()));
                s.push('\n');
            }
        }
    }
    s
}

/// A value as a CSV cell: strings as they are, `null` empty.
fn cell_text(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(v) => v.to_string(),
    }
}

fn csv_quote(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// Writes `text` to `path` through a temporary file renamed over it.
pub fn write_atomically(path: &Path, text: &str) -> Result<(), CliError> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    std::fs::write(&tmp, text)
        .and_then(|()| std::fs::rename(&tmp, path))
        .map_err(|e| CliError::Other(format!("cannot write {}: {e}", path.display())))
}

/// Appends one finished cell's rows to the journal (one write, flushed).
pub fn append(journal: &Path, rows: &[Row]) -> Result<(), CliError> {
    if rows.is_empty() {
        return Ok(());
    }
    append_text(journal, &render(rows, Format::JsonLines))
}

/// Ends a journal's torn last line (an interrupted write) with a newline, so the rows
/// appended next start on a line of their own.
pub fn end_torn_line(journal: &Path) -> Result<(), CliError> {
    match std::fs::read(journal) {
        Ok(b) if !b.is_empty() && !b.ends_with(b"\n") => append_text(journal, "\n"),
        _ => Ok(()),
    }
}

fn append_text(journal: &Path, text: &str) -> Result<(), CliError> {
    let err = |e: std::io::Error| CliError::Other(format!("cannot write {}: {e}", journal.display()));
    let mut f = std::fs::OpenOptions::new().create(true).append(true).open(journal).map_err(err)?;
    f.write_all(text.as_bytes()).map_err(err)?;
    f.flush().map_err(err)
}

/// The rows in `path` (a table, or with `journal` a journal); none when it does not
/// exist. A journal's torn lines (interrupted writes) are dropped.
pub fn read(path: &Path, format: Format, journal: bool) -> Result<Vec<Row>, CliError> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(CliError::Other(format!("cannot read {}: {e}", path.display()))),
    };
    let bad = |line: usize, why: &str| {
        CliError::Other(format!(
            "{}:{line}: {why}; it is not a table wlab sweep wrote (move it away or choose another --out)",
            path.display()
        ))
    };
    let mut rows = Vec::new();
    match format {
        Format::JsonLines => {
            let lines: Vec<&str> = text.lines().collect();
            for (i, l) in lines.iter().enumerate() {
                if l.trim().is_empty() {
                    continue;
                }
                match serde_json::from_str::<Value>(l) {
                    Ok(Value::Object(m)) => rows.push(m),
                    // A torn line: the cell it belonged to is measured again.
                    Err(_) if journal => {}
                    _ => return Err(bad(i + 1, "not a JSON object")),
                }
            }
        }
        Format::Csv => {
            let records = parse_csv(&text).map_err(|why| bad(0, why))?;
            let Some((header, body)) = records.split_first() else { return Ok(rows) };
            if header.first().map(String::as_str) != Some(FIXED[0]) {
                return Err(bad(1, "its header does not start with `module`"));
            }
            for (i, rec) in body.iter().enumerate() {
                if rec.len() != header.len() {
                    return Err(bad(i + 2, "wrong number of cells"));
                }
                let mut m = Row::new();
                for (k, v) in header.iter().zip(rec) {
                    if !v.is_empty() {
                        m.insert(k.clone(), Value::String(v.clone()));
                    }
                }
                rows.push(m);
            }
        }
    }
    Ok(rows)
}

/// RFC 4180 records (quoted cells may hold commas, quotes and newlines).
fn parse_csv(text: &str) -> Result<Vec<Vec<String>>, &'static str> {
    let mut records = Vec::new();
    let mut rec = Vec::new();
    let mut cell = String::new();
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    let mut any = false;
    while let Some(c) = chars.next() {
        any = true;
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    cell.push('"');
                }
                '"' => quoted = false,
                c => cell.push(c),
            }
            continue;
        }
        match c {
            '"' => quoted = true,
            ',' => rec.push(std::mem::take(&mut cell)),
            '\r' => {}
            '\n' => {
                rec.push(std::mem::take(&mut cell));
                records.push(std::mem::take(&mut rec));
                any = false;
            }
            c => cell.push(c),
        }
    }
    if quoted {
        return Err("an unterminated quoted cell");
    }
    if any {
        rec.push(cell);
        records.push(rec);
    }
    Ok(records)
}

/// The cell a row belongs to: (kind group, path, config). Function and module rows
/// share the `module` group (one compile cell); run rows are their own cells.
pub fn cell_key(r: &Row) -> (bool, String, String) {
    let s = |k: &str| r.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    (s("kind") == KIND_RUN, s("path"), s("config"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_round_trips_through_the_reader() {
        let mut a = Row::new();
        a.insert("module".into(), "m".into());
        a.insert("passes".into(), "fix(max=4: dce,gvn)".into());
        a.insert("func_name".into(), "say \"hi\"".into());
        a.insert("insts".into(), 12.into());
        let text = render(&[a], Format::Csv);
        let back = parse_csv(&text).unwrap();
        assert_eq!(back.len(), 2);
        let i = back[0].iter().position(|c| c == "passes").unwrap();
        assert_eq!(back[1][i], "fix(max=4: dce,gvn)");
        let j = back[0].iter().position(|c| c == "func_name").unwrap();
        assert_eq!(back[1][j], "say \"hi\"");
    }
}
