//! `wlab sweep` and the lab around it (`notebooks/`), as a user meets them: the table is
//! the same on every run but for its `t_` (time) columns, a rerun keeps what is done, bad
//! options are one-line errors; the Dask fan-out (`python3 -m wlab_lab.sweep`) on a
//! two-worker LocalCluster writes the same rows as the local sweep; the notebooks run
//! with nbclient and write their figures. The Python tests need the packages of
//! `scripts/requirements.txt` (`scripts/test.sh` installs them).

use serde_json::{Map, Value};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_owned()
}

fn wlab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wlab")).args(args).current_dir(root()).output().expect("wlab runs")
}

fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("wlab-lab-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// The in-repository corpus the notebooks use, and the example module.
const CORPUS: [&str; 4] =
    ["notebooks/corpus/matmul.wat", "notebooks/corpus/mix.wat", "notebooks/corpus/sieve.wat", "examples/sum.wat"];

fn ok(out: &Output) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "failed: {stderr}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn sweep(extra: &[&str], out: &Path) -> Value {
    let mut args = vec!["sweep"];
    args.extend(CORPUS);
    args.extend(extra);
    let o = out.display().to_string();
    args.extend(["--out", &o, "--format", "json"]);
    serde_json::from_str(&ok(&wlab(&args))).expect("the summary is JSON")
}

/// The rows of a JSON-lines table without their time columns.
fn rows_jsonl(path: &Path) -> Vec<Map<String, Value>> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| match serde_json::from_str(l).unwrap() {
            Value::Object(mut m) => {
                m.retain(|k, v| !k.starts_with("t_") && !v.is_null());
                m
            }
            v => panic!("not a row: {v}"),
        })
        .collect()
}

/// The cells of a CSV table, without its time columns (no test cell holds a newline).
fn rows_csv(path: &Path) -> Vec<Vec<String>> {
    let split = |line: &str| {
        let (mut cells, mut cur, mut quoted) = (Vec::new(), String::new(), false);
        let mut chars = line.chars().peekable();
        while let Some(c) = chars.next() {
            match (c, quoted) {
                ('"', true) if chars.peek() == Some(&'"') => {
                    chars.next();
                    cur.push('"');
                }
                ('"', _) => quoted = !quoted,
                (',', false) => cells.push(std::mem::take(&mut cur)),
                (c, _) => cur.push(c),
            }
        }
        cells.push(cur);
        cells
    };
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines().map(split);
    let header = lines.next().unwrap();
    let keep: Vec<bool> = header.iter().map(|h| !h.starts_with("t_")).collect();
    std::iter::once(header.clone())
        .chain(lines)
        .map(|r| r.into_iter().zip(&keep).filter(|(_, k)| **k).map(|(c, _)| c).collect())
        .collect()
}

#[test]
fn a_sweep_writes_the_same_table_twice_and_in_both_formats() {
    let d = scratch("same");
    let grid = ["--passes", "O0;O2", "--regalloc", "ion,fastalloc", "--regs", "4,all"];
    let s = sweep(&grid, &d.join("a.csv"));
    assert_eq!(
        (s["configurations"].as_u64(), s["cells"].as_u64(), s["measured"].as_u64()),
        (Some(8), Some(32), Some(32))
    );
    sweep(&grid, &d.join("b.csv"));
    let (a, b) = (rows_csv(&d.join("a.csv")), rows_csv(&d.join("b.csv")));
    assert_eq!(a, b, "two sweeps of one grid differ outside the t_ columns");
    assert_eq!(a.len() as u64, 1 + s["rows"].as_u64().unwrap());
    // Every function of every module, then its module row; O0's IR is untouched.
    let h = &a[0];
    let col = |name: &str| h.iter().position(|c| c == name).unwrap();
    let first = &a[1];
    assert_eq!(first[col("module")], "corpus/matmul");
    assert_eq!(first[col("config")], "x86_64 ion regs=4 passes=O0");
    assert_eq!(first[col("ir_insts_before")], first[col("ir_insts_after")]);
    let modules: Vec<&Vec<String>> = a[1..].iter().filter(|r| r[col("kind")] == "module").collect();
    assert_eq!(modules.len(), 32);
    // Fewer registers, more spill code (the mix module keeps 14 words live).
    let spill = |config: &str| -> u64 {
        let r = modules.iter().find(|r| r[col("module")] == "corpus/mix" && r[col("config")] == config).unwrap();
        r[col("spills")].parse::<u64>().unwrap() + r[col("reloads")].parse::<u64>().unwrap()
    };
    assert!(spill("x86_64 ion regs=4 passes=O2") > spill("x86_64 ion regs=all passes=O2"));
    assert!(h.iter().any(|c| c == "counter.egraph.iterations") && h.iter().any(|c| c == "changed.egraph"));
    let header = std::fs::read_to_string(d.join("a.csv")).unwrap().lines().next().unwrap().to_string();
    assert!(header.contains(",t_pass_us.egraph") && header.contains(",t_regalloc_us,"), "{header}");

    sweep(&grid, &d.join("c.jsonl"));
    let j = rows_jsonl(&d.join("c.jsonl"));
    assert_eq!(j.len(), a.len() - 1);
    for (csv, json) in a[1..].iter().zip(&j) {
        for (k, v) in h.iter().zip(csv) {
            let want = match json.get(k) {
                None => String::new(),
                Some(Value::String(s)) => s.clone(),
                Some(v) => v.to_string(),
            };
            assert_eq!(*v, want, "column {k}");
        }
    }
}

#[test]
fn a_rerun_keeps_complete_cells_and_measures_the_rest() {
    let d = scratch("resume");
    let out = d.join("t.jsonl");
    let grid = ["--passes", "O1;O2", "--target", "x86_64,aarch64"];
    let s = sweep(&grid, &out);
    assert_eq!(s["measured"].as_u64(), Some(16));
    let full = rows_jsonl(&out);
    let again = sweep(&grid, &out);
    assert_eq!((again["measured"].as_u64(), again["kept"].as_u64()), (Some(0), Some(16)));

    // A table that lost one cell's module row (its cell is incomplete) and a whole other cell.
    let text = std::fs::read_to_string(&out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let module_rows: Vec<usize> =
        lines.iter().enumerate().filter(|(_, l)| l.contains(r#""kind":"module""#)).map(|(i, _)| i).collect();
    let (a, b) = (module_rows[3], module_rows[7]);
    let kept: Vec<&str> = lines
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != a && !(module_rows[6] < *i && *i <= b))
        .map(|(_, l)| *l)
        .collect();
    std::fs::write(&out, kept.join("\n") + "\n").unwrap();
    let s = sweep(&grid, &out);
    assert_eq!((s["measured"].as_u64(), s["kept"].as_u64()), (Some(2), Some(14)));
    assert_eq!(rows_jsonl(&out), full);

    // An interrupted sweep: no table yet, a journal with one whole cell and a torn line.
    let first_cell = &lines[..=module_rows[0]];
    std::fs::remove_file(&out).unwrap();
    let journal = d.join("t.jsonl.partial.jsonl");
    std::fs::write(&journal, first_cell.join("\n") + "\n{\"module\":\"cor").unwrap();
    let s = sweep(&grid, &out);
    assert_eq!((s["measured"].as_u64(), s["kept"].as_u64()), (Some(15), Some(1)));
    assert_eq!(rows_jsonl(&out), full);
    assert!(!journal.exists(), "the journal is removed once the table is written");
}

#[test]
fn plan_lists_a_one_cell_sweep_per_cell() {
    let out = wlab(&[
        "sweep",
        "notebooks/corpus/mix.wat",
        "examples/sum.wat",
        "--passes",
        "O2",
        "--egraph-limits",
        "iters=2;iters=4,nodes=100",
        "--plan",
    ]);
    let plan: Value = serde_json::from_str(&ok(&out)).unwrap();
    let cells = plan["cells"].as_array().unwrap();
    assert_eq!(cells.len(), 4);
    assert_eq!(cells[1]["config"], "x86_64 ion regs=all passes=O2 egraph=iters=4,nodes=100");
    let args: Vec<&str> = cells[1]["args"].as_array().unwrap().iter().map(|a| a.as_str().unwrap()).collect();
    assert_eq!(
        args,
        [
            "notebooks/corpus/mix.wat",
            "--target",
            "x86_64",
            "--regalloc",
            "ion",
            "--regs",
            "all",
            "--passes",
            "O2",
            "--egraph-limits",
            "iters=4,nodes=100"
        ]
    );
    assert_eq!(plan["columns"][0], "module");
}

#[test]
fn egraph_limits_reach_the_egraph_pass() {
    let d = scratch("limits");
    sweep(&["--passes", "O2", "--egraph-limits", "iters=1;iters=16"], &d.join("l.jsonl"));
    let rows = rows_jsonl(&d.join("l.jsonl"));
    let total = |limits: &str, col: &str| -> u64 {
        rows.iter()
            .filter(|r| r["kind"] == "module" && r["egraph_limits"] == limits)
            .map(|r| r.get(col).and_then(Value::as_u64).unwrap_or(0))
            .sum()
    };
    // A run the pre-scan cleared builds no graph and runs no iteration.
    let skipped = total("iters=1", "counter.egraph.skipped");
    assert!(skipped > 0);
    assert_eq!(
        total("iters=1", "egraph_iterations"),
        total("iters=1", "egraph_runs") - skipped,
        "one iteration per run that built a graph at iters=1"
    );
    assert!(total("iters=1", "egraph_stops.iteration-limit") > 0);
    assert!(total("iters=16", "egraph_iterations") > total("iters=1", "egraph_iterations"));
}

#[test]
fn run_rows_time_each_module_and_configuration() {
    let d = scratch("run");
    let out = d.join("r.csv");
    let o = out.display().to_string();
    let s = ok(&wlab(&["sweep", "notebooks/corpus/sieve.wat", "--passes", "O0;O2", "--run", "2", "--out", &o]));
    assert!(s.contains("2 configurations x 1 modules = 2 cells (and as many run cells): 4 measured"), "{s}");
    let rows = rows_csv(&out);
    let h = &rows[0];
    let col = |name: &str| h.iter().position(|c| c == name).unwrap();
    let runs: Vec<&Vec<String>> = rows[1..].iter().filter(|r| r[col("kind")] == "run").collect();
    assert_eq!(runs.len(), 2);
    for r in runs {
        assert_eq!((r[col("runs_ok")].as_str(), r[col("runs_failed")].as_str()), ("2", "0"), "{r:?}");
    }
    let text = std::fs::read_to_string(&out).unwrap();
    let header: Vec<&str> = text.lines().next().unwrap().split(',').collect();
    let i = header.iter().position(|c| *c == "t_measured_ms_median").unwrap();
    let last = text.lines().last().unwrap().split(',').nth(i).unwrap().to_string();
    assert!(last.parse::<f64>().unwrap() > 0.0, "measured time `{last}`");
}

#[test]
fn bad_sweep_options_are_one_line_errors() {
    let d = scratch("bad");
    let out = d.join("t.csv").display().to_string();
    let txt = d.join("t.txt").display().to_string();
    for (args, needle) in [
        (vec!["--out", txt.as_str()], "name the table `.csv` or `.jsonl`"),
        (vec!["--out", &out, "--egraph-limits", "rules=x"], "valid: iters, nodes, time-ms"),
        (vec!["--out", &out, "--passes", "O1", "--egraph-limits", "iters=2"], "has no `egraph` pass"),
        (vec!["--out", &out, "--regs", "99"], "--regs 99 is more than x86_64 can allocate"),
        (vec!["--out", &out, "--regs", "four"], "--regs expects numbers or `all`"),
        (vec!["--out", &out, "--target", "riscv"], "unknown target `riscv`"),
        (vec!["--out", &out, "--regalloc", "greedy"], "unknown register allocator `greedy`"),
        (vec!["--out", &out, "--passes", "O2;nope"], "nope"),
        (vec!["--out", &out, "--passes", "O2;O2"], "asked for twice"),
        (vec!["--out", &out, "--run", "0"], "--run must be at least 1"),
    ] {
        let mut a = vec!["sweep", "examples/sum.wat"];
        a.extend(args);
        let o = wlab(&a);
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert!(!o.status.success(), "{a:?} succeeded");
        assert_eq!(stderr.lines().count(), 1, "{a:?}: {stderr}");
        assert!(stderr.contains(needle) && !stderr.contains("panicked"), "{a:?}: {stderr}");
    }
    // Not a table wlab wrote: refused, not overwritten.
    std::fs::write(&out, "a,b\n1,2\n").unwrap();
    let o = wlab(&["sweep", "examples/sum.wat", "--out", &out]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("not a table wlab sweep wrote"));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "a,b\n1,2\n");
}

/// `python3` with the notebooks' packages, run from `notebooks/` with `$WLAB` set.
fn python(args: &[&str], envs: &[(&str, &Path)]) -> Output {
    let probe = Command::new("python3")
        .args(["-c", "import dask.distributed, pandas, matplotlib, nbclient, nbformat, jupytext, ipykernel"])
        .output()
        .expect("python3 runs");
    assert!(
        probe.status.success(),
        "the notebooks' Python packages are missing: python3 -m pip install -r scripts/requirements.txt \
         (scripts/test.sh does): {}",
        String::from_utf8_lossy(&probe.stderr).lines().last().unwrap_or("")
    );
    let mut c = Command::new("python3");
    c.args(args).current_dir(root().join("notebooks")).env("WLAB", env!("CARGO_BIN_EXE_wlab"));
    c.env_remove("WLAB_BENCH_DIR");
    for (k, v) in envs {
        c.env(k, v);
    }
    c.output().expect("python3 runs")
}

#[test]
fn the_dask_sweep_on_two_workers_writes_the_rows_of_the_local_sweep() {
    let d = scratch("dask");
    let corpus: Vec<String> = CORPUS.iter().map(|m| root().join(m).display().to_string()).collect();
    let mut grid: Vec<&str> = corpus.iter().map(String::as_str).collect();
    grid.extend(["--passes", "O0;O2", "--regalloc", "ion,fastalloc", "--target", "x86_64,aarch64"]);
    let local = d.join("local.jsonl").display().to_string();
    let mut args = vec!["sweep"];
    args.extend(&grid);
    args.extend(["--out", &local]);
    ok(&wlab(&args));
    let dask = d.join("dask.jsonl").display().to_string();
    let mut args = vec!["-m", "wlab_lab.sweep"];
    args.extend(&grid);
    args.extend(["--out", &dask, "--workers", "2"]);
    let out = python(&args, &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("on a LocalCluster of 2 workers"));
    let (local, dask) = (rows_jsonl(Path::new(&local)), rows_jsonl(Path::new(&dask)));
    assert_eq!(local.len(), dask.len());
    assert!(local.len() > 32);
    assert_eq!(local, dask, "the Dask sweep's rows differ from the local sweep's");
}

#[test]
fn the_notebooks_run_and_write_their_figures() {
    let d = scratch("notebooks");
    let out = python(&["run.py"], &[("WLAB_LAB_OUT", &d), ("WLAB_LAB_ROUNDS", Path::new("2"))]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    for (nb, fig) in
        [("regalloc", "regalloc.png"), ("egraph_limits", "egraph-limits.png"), ("ablation", "ablation.png")]
    {
        assert!(stdout.contains(&format!("{nb}.py: ok")), "{stdout}");
        let png = std::fs::read(d.join(fig)).unwrap_or_else(|e| panic!("{fig}: {e}"));
        assert!(png.starts_with(b"\x89PNG") && png.len() > 10_000, "{fig} is not a plot");
        assert!(d.join(format!("{nb}.ipynb")).is_file());
    }
}
