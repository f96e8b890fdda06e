"""wlab_lab: what the notebooks share, and `wlab sweep` fanned out on Dask.

- `find_wlab()`: the wlab binary ($WLAB, else `wlab` on PATH, else the repository's
  target/release/wlab).
- `corpus()`: the modules the notebooks measure: the small in-repository corpus
  (`notebooks/corpus/*.wat`), plus every module of the benchmark folder when
  $WLAB_BENCH_DIR names one (the same variable `wlab bench` reads).
- `run_targets(targets)`: the targets whose code runs ($WLAB_LAB_RUN_TARGETS, else those
  this wlab can run: AArch64 needs the `unicorn` build).
- `sweep_local(args, out)`: runs `wlab sweep ARGS --out OUT` and returns the table as a
  pandas DataFrame.
- `wlab_lab.sweep`: the same sweep with every (module, configuration) cell run as a
  Dask task (`python3 -m wlab_lab.sweep --help`).

This package only drives the `wlab` binary and reads what it writes; it never measures
or compiles anything itself.
"""

import os
import shutil
import subprocess
from pathlib import Path

NOTEBOOKS = Path(__file__).resolve().parent.parent
REPO = NOTEBOOKS.parent

#: Where the notebooks write their tables and figures (override: $WLAB_LAB_OUT).
def out_dir() -> Path:
    d = Path(os.environ.get("WLAB_LAB_OUT", NOTEBOOKS / "out"))
    d.mkdir(parents=True, exist_ok=True)
    return d


def find_wlab() -> str:
    """The wlab binary: $WLAB, else `wlab` on PATH, else target/release/wlab."""
    if os.environ.get("WLAB"):
        return os.environ["WLAB"]
    on_path = shutil.which("wlab")
    if on_path:
        return on_path
    built = REPO / "target" / "release" / "wlab"
    if built.exists():
        return str(built)
    raise FileNotFoundError("no wlab binary: set $WLAB, put wlab on PATH, or `cargo build --release`")


def corpus() -> list:
    """The in-repository corpus, plus $WLAB_BENCH_DIR's modules when it is set."""
    mods = sorted(str(p) for p in (NOTEBOOKS / "corpus").glob("*.wat"))
    bench = os.environ.get("WLAB_BENCH_DIR")
    if bench:
        if not Path(bench).is_dir():
            raise FileNotFoundError(f"WLAB_BENCH_DIR is {bench}, which is not a folder")
        mods.append(bench)
    return mods


def can_run(target: str) -> bool:
    """Whether this wlab can run code for `target` (aarch64 needs the `unicorn` build)."""
    probe = NOTEBOOKS / "corpus" / "sieve.wat"
    r = subprocess.run(
        [find_wlab(), "run", "--engine", target, "--passes", "O0", str(probe)],
        capture_output=True,
        text=True,
    )
    return r.returncode == 0


def run_targets(targets):
    """The targets whose code the notebooks run: $WLAB_LAB_RUN_TARGETS (comma-separated)
    when set, else those of `targets` this wlab can run."""
    chosen = os.environ.get("WLAB_LAB_RUN_TARGETS")
    if chosen:
        return [t for t in chosen.split(",") if t]
    return [t for t in targets if can_run(t)]


def sweep_local(args, out, fresh=True):
    """`wlab sweep ARGS --out OUT`; the table (a pandas DataFrame). With `fresh`, an
    existing OUT is removed first (else the sweep keeps the cells already in it)."""
    out = Path(out)
    if fresh:
        out.unlink(missing_ok=True)
    r = subprocess.run([find_wlab(), "sweep", *args, "--out", str(out)], stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"wlab sweep failed: {r.stderr.strip()}")
    if r.stderr:
        print(r.stderr, end="")
    return read_table(out)


def read_table(path):
    """A table `wlab sweep` wrote (.csv or .jsonl) as a DataFrame."""
    import pandas as pd

    path = Path(path)
    if path.suffix == ".jsonl":
        return pd.read_json(path, lines=True)
    return pd.read_csv(path)
