//! The SMT solver: one `z3 -in` process fed SMT-LIB text, one `(push)`/`(pop)` scope
//! per query, so a whole batch of rules costs one process start.
//!
//! Each query has a time limit (z3's `:timeout`); a watchdog also stops a solver that
//! does not answer within that limit plus [`GRACE_MS`], and starts a new one for the
//! next query. This file never interprets what a query means.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

/// How long past a query's own time limit the solver may take to answer before it is
/// stopped (process scheduling, model printing).
pub const GRACE_MS: u64 = 5_000;

/// The solver could not be run at all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SolverError(pub String);

impl std::fmt::Display for SolverError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A solver's answer to "is the goal satisfiable?".
#[derive(Clone, Debug)]
pub enum Answer {
    Unsat,
    /// Satisfiable, with the values of the requested names (bit-vectors, as numbers).
    Sat(BTreeMap<String, u64>),
    /// No answer: z3's reason (`timeout`, ...), or why the query failed.
    Unknown(String),
}

/// A running z3.
pub struct Z3 {
    child: Child,
    stdin: ChildStdin,
    lines: Receiver<String>,
}

impl Z3 {
    /// Starts `z3 -in`.
    pub fn start() -> Result<Z3, SolverError> {
        let mut child = Command::new("z3")
            .arg("-in")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| {
                if e.kind() == std::io::ErrorKind::NotFound {
                    SolverError("the SMT solver `z3` is not installed (Debian package `z3`: apt-get install z3)".into())
                } else {
                    SolverError(format!("cannot start the SMT solver `z3`: {e}"))
                }
            })?;
        let stdin = child.stdin.take().ok_or_else(|| SolverError("z3 has no stdin".into()))?;
        let stdout = child.stdout.take().ok_or_else(|| SolverError("z3 has no stdout".into()))?;
        let (tx, lines) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut z = Z3 { child, stdin, lines };
        z.send("(set-option :produce-models true)\n(set-logic ALL)\n")?;
        Ok(z)
    }

    fn send(&mut self, text: &str) -> Result<(), SolverError> {
        self.stdin
            .write_all(text.as_bytes())
            .and_then(|()| self.stdin.flush())
            .map_err(|e| SolverError(format!("the SMT solver z3 stopped: {e}")))
    }

    /// The next line, or `None` when the deadline passed or z3 ended.
    fn line(&mut self, deadline: Instant) -> Option<String> {
        let left = deadline.saturating_duration_since(Instant::now());
        match self.lines.recv_timeout(left) {
            Ok(l) => Some(l),
            Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => None,
        }
    }

    /// One balanced s-expression (possibly over several lines).
    fn sexpr(&mut self, deadline: Instant) -> Option<String> {
        let mut out = String::new();
        let mut depth = 0i64;
        loop {
            let l = self.line(deadline)?;
            for c in l.chars() {
                match c {
                    '(' => depth += 1,
                    ')' => depth -= 1,
                    _ => {}
                }
            }
            out.push_str(&l);
            out.push('\n');
            if depth <= 0 {
                return Some(out);
            }
        }
    }

    /// Checks `decls_and_asserts` in a scope of its own, with a time limit; on `sat`,
    /// reads the values of `names`. Returns the answer, and whether the process is
    /// still usable (false: it was stopped and must be replaced).
    pub fn check(&mut self, text: &str, names: &[String], timeout_ms: u64) -> Result<(Answer, bool), SolverError> {
        let timeout_ms = timeout_ms.max(1);
        let deadline = Instant::now() + Duration::from_millis(timeout_ms + GRACE_MS);
        self.send(&format!("(push)\n{text}(set-option :timeout {timeout_ms})\n(check-sat)\n"))?;
        let mut errors = Vec::new();
        let verdict = loop {
            let Some(l) = self.line(deadline) else {
                return Ok((Answer::Unknown(format!("the solver did not answer within {timeout_ms} ms")), false));
            };
            match l.trim() {
                "sat" | "unsat" | "unknown" => break l.trim().to_string(),
                other => errors.push(other.to_string()),
            }
        };
        let answer = if !errors.is_empty() {
            Answer::Unknown(format!("z3 rejected the query: {}", errors.join(" ")))
        } else {
            match verdict.as_str() {
                "unsat" => Answer::Unsat,
                "sat" => {
                    self.send(&format!("(get-value ({}))\n", names.join(" ")))?;
                    let Some(s) = self.sexpr(deadline) else {
                        return Ok((Answer::Unknown("the solver did not print its model".into()), false));
                    };
                    Answer::Sat(parse_values(&s))
                }
                _ => {
                    self.send("(get-info :reason-unknown)\n")?;
                    let reason = self.sexpr(deadline).unwrap_or_default();
                    let reason = reason.split('"').nth(1).unwrap_or("unknown").to_string();
                    let reason = if reason == "timeout" || reason == "canceled" {
                        format!("time limit of {timeout_ms} ms")
                    } else {
                        format!("the solver gave up ({reason})")
                    };
                    Answer::Unknown(reason)
                }
            }
        };
        self.send("(pop)\n")?;
        Ok((answer, true))
    }
}

impl Drop for Z3 {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `((|?x| #x00000001) (|?y| #b0101))` → names and numbers.
fn parse_values(s: &str) -> BTreeMap<String, u64> {
    let mut out = BTreeMap::new();
    let mut tokens = Vec::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '(' | ')' => tokens.push(c.to_string()),
            '|' => {
                let mut t = String::from("|");
                for d in chars.by_ref() {
                    t.push(d);
                    if d == '|' {
                        break;
                    }
                }
                tokens.push(t);
            }
            c if c.is_whitespace() => {}
            c => {
                let mut t = c.to_string();
                while let Some(&d) = chars.peek() {
                    if d == '(' || d == ')' || d.is_whitespace() {
                        break;
                    }
                    t.push(d);
                    chars.next();
                }
                tokens.push(t);
            }
        }
    }
    for w in tokens.windows(4) {
        if w[0] == "(" && w[3] == ")" {
            let n = if let Some(h) = w[2].strip_prefix("#x") {
                u64::from_str_radix(h, 16).ok()
            } else if let Some(b) = w[2].strip_prefix("#b") {
                u64::from_str_radix(b, 2).ok()
            } else {
                None
            };
            if let Some(n) = n {
                out.insert(w[1].clone(), n);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn models_are_read_back() {
        let m = parse_values("((|?x| #x00000001)\n (|base ?y| #b101))");
        assert_eq!(m.get("|?x|"), Some(&1));
        assert_eq!(m.get("|base ?y|"), Some(&5));
    }
}
