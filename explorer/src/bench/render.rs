//! The text table of `wlab bench`: a line per module and runner with min / median / max
//! of compile and measured-region times, the median peak memory, the ratios of its
//! measured median (compile median under `--compile-only`) to other runners', a reason on
//! every line with a failed run, geometric means, then a legend of what each runner ran.
//! Formats a [`BenchReport`]; never computes a number.
//!
//! ```text
//!                              compile ms              measured ms  peak MB          ratio to
//! module           runner    min  median    max     min  median     max   median      o2  wasmtime
//! shootout/matrix  o2       3.10    3.20   3.50    80.1    81.0    82.3    19.10          1.20x
//!                  o0       1.10    1.15   1.20     160     162     170    18.50   2.00x   2.40x
//!                  wasmtime   ...
//! geomean          o2                                                                     1.20x (1)
//! ```

use super::report::{BenchReport, MIN_RATIO_MS};

/// A table line: the module and runner columns, then either number columns or one
/// free-running text (a runner whose every run failed).
struct Line {
    cells: Vec<String>,
    /// Text after the last column (not counted in column widths).
    note: Option<String>,
}

pub fn render(report: &BenchReport) -> String {
    let columns: Vec<&str> = {
        let mut c: Vec<&str> = Vec::new();
        for q in &report.ratios {
            if !c.contains(&q.against.as_str()) {
                c.push(&q.against);
            }
        }
        c
    };
    let ratio_at = |row: usize, runner: &str, against: &str| {
        report.ratios.iter().find(|q| q.runner == runner && q.against == against).map(|q| q.per_module[row])
    };
    let mut header = vec!["module", "runner", "min", "median", "max", "min", "median", "max", "median"];
    header.extend(columns.iter().copied());
    let mut lines = vec![Line { cells: header.into_iter().map(String::from).collect(), note: None }];
    for (i, row) in report.rows.iter().enumerate() {
        for (j, c) in row.cells.iter().enumerate() {
            let module = if j == 0 { row.module.clone() } else { String::new() };
            let mut cells = vec![module, c.runner.clone()];
            if c.good == 0 {
                let why = c.failure.clone().unwrap_or_default();
                lines.push(Line { cells, note: Some(format!("FAIL ({} of {} runs): {why}", c.failed, c.runs.len())) });
                continue;
            }
            for s in [c.compile_ms, c.measured_ms] {
                match s {
                    Some(s) => cells.extend([fmt_ms(s.min), fmt_ms(s.median), fmt_ms(s.max)]),
                    None => cells.extend(["-", "-", "-"].map(String::from)),
                }
            }
            cells.push(c.peak_rss_mb.map_or("-".to_string(), |s| format!("{:.1}", s.median)));
            for a in &columns {
                cells.push(match ratio_at(i, &c.runner, a) {
                    None => String::new(),
                    Some(None) => "-".to_string(),
                    Some(Some(x)) => format!("{x:.2}x"),
                });
            }
            let note = (c.failed > 0).then(|| {
                format!("{} of {} runs failed: {}", c.failed, c.runs.len(), c.failure.clone().unwrap_or_default())
            });
            lines.push(Line { cells, note });
        }
    }
    let mut first = true;
    for r in &report.runners {
        let means: Vec<String> = columns
            .iter()
            .map(|a| match report.ratios.iter().find(|q| q.runner == r.label && q.against == *a) {
                None => String::new(),
                Some(q) => q.geomean.map_or("-".to_string(), |g| format!("{g:.2}x ({})", q.modules)),
            })
            .collect();
        if means.iter().all(String::is_empty) {
            continue;
        }
        let mut cells = vec![if first { "geomean".to_string() } else { String::new() }, r.label.clone()];
        cells.extend(std::iter::repeat_n(String::new(), 7));
        cells.extend(means);
        lines.push(Line { cells, note: None });
        first = false;
    }

    let ncols = lines[0].cells.len();
    let mut widths: Vec<usize> =
        (0..ncols).map(|i| lines.iter().map(|l| l.cells.get(i).map_or(0, |s| s.len())).max().unwrap_or(0)).collect();
    // Group titles over the columns they name, widening a group's last column if needed.
    let mut groups = vec![(2, 5, "compile ms"), (5, 8, "measured ms"), (8, 9, "peak MB")];
    if ncols > 9 {
        groups.push((9, ncols, "ratio to"));
    }
    for &(a, b, title) in &groups {
        let span: usize = widths[a..b].iter().sum::<usize>() + 2 * (b - a - 1);
        if title.len() > span {
            widths[b - 1] += title.len() - span;
        }
    }
    let mut out = String::new();
    let mut top = " ".repeat(widths[0] + 2 + widths[1]);
    for &(a, b, title) in &groups {
        let span: usize = widths[a..b].iter().sum::<usize>() + 2 * (b - a - 1);
        top.push_str(&format!("  {title:>span$}"));
    }
    out.push_str(top.trim_end());
    out.push('\n');
    for l in &lines {
        let mut text: Vec<String> = l
            .cells
            .iter()
            .enumerate()
            .map(|(i, s)| if i < 2 { format!("{s:<w$}", w = widths[i]) } else { format!("{s:>w$}", w = widths[i]) })
            .collect();
        if let Some(n) = &l.note {
            text.push(n.clone());
        }
        out.push_str(text.join("  ").trim_end());
        out.push('\n');
    }
    let of = if report.compile_only { "compile" } else { "measured" };
    out.push_str(&format!(
        "times in ms: min, median and max over the good runs of {} interleaved rounds; peak MB: median of each \
         run's peak resident memory (the whole process); ratio to: the row's {of} median over the column's (below \
         1.00x: faster); geomean over the modules in parentheses (both at least {} ms)\n",
        report.runs, MIN_RATIO_MS
    ));
    if report.compile_only {
        out.push_str("--compile-only: every runner stopped after compiling; nothing ran and stdout was not checked\n");
    }
    for r in &report.runners {
        out.push_str(&format!("  {}: {}\n", r.label, r.command));
    }
    for a in &report.absent_peers {
        out.push_str(&format!("  not run: {a}\n"));
    }
    let unchecked: Vec<&str> = report.rows.iter().filter(|r| !r.stdout_checked).map(|r| r.module.as_str()).collect();
    if !unchecked.is_empty() && !report.compile_only {
        out.push_str(&format!("stdout not checked (no .stdout.expected): {}\n", unchecked.join(", ")));
    }
    if report.failed_runs > 0 {
        out.push_str(&format!("{} of {} runs failed\n", report.failed_runs, report.total_runs));
    }
    if let Some(first) = report.profiles.first() {
        out.push_str(&format!(
            "\nhottest functions (one more run per module on {}, sampled by wlab run --profile sample):\n",
            first.runner
        ));
        for p in &report.profiles {
            out.push_str(&format!("{}\n", p.module));
            match (&p.profile, &p.failure) {
                (Some(h), _) => out.push_str(&crate::profile::render(h, PROFILE_TOP, "  ")),
                (None, why) => out.push_str(&format!("  no profile: {}\n", why.as_deref().unwrap_or("unknown"))),
            }
        }
    }
    out
}

/// Functions listed per module under `--profile`.
pub const PROFILE_TOP: usize = 5;

fn fmt_ms(ms: f64) -> String {
    if ms >= 100.0 {
        format!("{ms:.0}")
    } else {
        format!("{ms:.2}")
    }
}
