"""`wlab sweep` on a Dask cluster: the same grid and the same table, with every
(module, configuration) cell run as one Dask task.

    python3 -m wlab_lab.sweep MODULES... [wlab sweep grid options] --out FILE
        [--scheduler ADDRESS | --workers N] [--wlab PATH]

The grid options (`--passes`, `--regs`, `--regalloc`, `--target`, `--rules`,
`--egraph-limits`, `--run`, `--fuel`, `--timeout`, ...) are `wlab sweep`'s, passed on
as they are: `wlab sweep ... --plan` lists the cells and the arguments of a one-cell
sweep for each; each task runs `wlab sweep <cell args> --out <temporary .jsonl>` on a
worker and returns its rows; the rows are put in the order the local sweep writes them
(compile rows cell by cell, then run rows) and written as CSV or JSON lines by the
extension of `--out`. Without `--scheduler`, a `LocalCluster` of `--workers` processes
(default 2) runs the tasks; with it, the cluster at ADDRESS, whose workers must see the
wlab binary and the modules at the same paths (a shared file system). With `--run`,
each cell's rounds run on its worker, interleaved within the cell only, and cells run
side by side: run times are noisier than a local `wlab sweep --run`.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile

from . import find_wlab


def plan(wlab, sweep_args):
    """The grid as `wlab sweep --plan` prints it: {"columns": [...], "cells": [...]}."""
    r = subprocess.run([wlab, "sweep", *sweep_args, "--plan"], capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(r.stderr.strip() or f"wlab sweep --plan exited with {r.returncode}")
    return json.loads(r.stdout)


def run_cell(wlab, cell_args):
    """Runs one cell (on a worker); its rows, in the order wlab wrote them."""
    with tempfile.TemporaryDirectory(prefix="wlab-lab-") as d:
        out = os.path.join(d, "cell.jsonl")
        r = subprocess.run(
            [wlab, "sweep", *cell_args, "--out", out, "--threads", "1"],
            capture_output=True,
            text=True,
        )
        if r.returncode != 0:
            raise RuntimeError(f"wlab sweep {' '.join(cell_args)}: {r.stderr.strip()}")
        with open(out) as f:
            return [json.loads(line) for line in f if line.strip()]


def order_rows(results):
    """Compile rows cell by cell, then run rows cell by cell (the local sweep's order)."""
    compile_rows = [r for rows in results for r in rows if r.get("kind") != "run"]
    run_rows = [r for rows in results for r in rows if r.get("kind") == "run"]
    return compile_rows + run_rows


def _cell_text(v):
    if v is None:
        return ""
    if isinstance(v, str):
        return v
    return json.dumps(v)


def _csv_quote(s):
    if any(c in s for c in ',"\n\r'):
        return '"' + s.replace('"', '""') + '"'
    return s


def write_table(rows, columns, path):
    """Writes rows as `wlab sweep` does: JSON lines, or CSV with the fixed columns first
    and the others sorted."""
    if str(path).endswith(".jsonl"):
        with open(path, "w") as f:
            for r in rows:
                f.write(json.dumps(r, sort_keys=True, separators=(",", ":")) + "\n")
        return
    if not str(path).endswith(".csv"):
        raise SystemExit(f"--out {path}: name the table `.csv` or `.jsonl` (JSON lines)")
    extra = sorted({k for r in rows for k in r} - set(columns))
    cols = list(columns) + extra
    with open(path, "w") as f:
        f.write(",".join(_csv_quote(c) for c in cols) + "\n")
        for r in rows:
            f.write(",".join(_csv_quote(_cell_text(r.get(c))) for c in cols) + "\n")


def sweep(sweep_args, out, scheduler=None, workers=2, wlab=None):
    """Runs the sweep on Dask and writes `out`; returns the rows."""
    from dask.distributed import Client, LocalCluster

    wlab = wlab or find_wlab()
    p = plan(wlab, sweep_args)
    args = [c["args"] for c in p["cells"]]
    if scheduler:
        client = Client(scheduler)
        cluster = None
    else:
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
    try:
        futures = client.map(run_cell, [wlab] * len(args), args, pure=False)
        results = client.gather(futures)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    rows = order_rows(results)
    write_table(rows, p["columns"], out)
    return rows


def main(argv=None):
    ap = argparse.ArgumentParser(
        prog="python3 -m wlab_lab.sweep",
        description="wlab sweep with every cell a Dask task; other options go to wlab sweep.",
    )
    ap.add_argument("--out", required=True, help="the table to write (.csv or .jsonl)")
    ap.add_argument("--scheduler", help="a Dask scheduler's address (default: a LocalCluster)")
    ap.add_argument("--workers", type=int, default=2, help="LocalCluster worker processes (default 2)")
    ap.add_argument("--wlab", help="the wlab binary (default: $WLAB, wlab on PATH, target/release/wlab)")
    ns, sweep_args = ap.parse_known_args(argv)
    if "--plan" in sweep_args:
        ap.error("--plan is what this command runs itself")
    if ns.workers < 1:
        ap.error("--workers must be at least 1")
    rows = sweep(sweep_args, ns.out, ns.scheduler, ns.workers, ns.wlab)
    where = ns.scheduler or f"a LocalCluster of {ns.workers} workers"
    print(f"{len(rows)} rows in {ns.out} (cells run on {where})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
