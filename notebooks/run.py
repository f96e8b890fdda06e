"""Executes the notebooks: each jupytext `.py` (percent format, the source of truth)
is turned into a notebook and run top to bottom with nbclient in a fresh kernel; the
executed `.ipynb` is written to the output folder ($WLAB_LAB_OUT, default
notebooks/out/), next to the tables and figures the notebooks write there.

    python3 notebooks/run.py [NOTEBOOK.py ...] [--timeout SECONDS]

With no notebook named, runs every `notebooks/*.py` that starts with a jupytext header.
Exit status 1 when a notebook fails (its failing cell's error is printed).
"""

import argparse
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def notebooks():
    return sorted(p for p in HERE.glob("*.py") if p.read_text().startswith("# ---\n# jupyter:"))


def main(argv=None):
    import jupytext
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    import wlab_lab

    ap = argparse.ArgumentParser(prog="python3 notebooks/run.py", description=__doc__.splitlines()[0])
    ap.add_argument("notebooks", nargs="*", type=Path)
    ap.add_argument("--timeout", type=int, default=600, help="seconds one cell may take (default 600)")
    ns = ap.parse_args(argv)
    out = wlab_lab.out_dir()
    failed = 0
    for path in ns.notebooks or notebooks():
        nb = jupytext.read(path)
        start = time.monotonic()
        client = NotebookClient(
            nb, timeout=ns.timeout, kernel_name="python3", resources={"metadata": {"path": str(HERE)}}
        )
        try:
            client.execute()
            status = "ok"
        except CellExecutionError as e:
            failed += 1
            status = "FAILED: " + str(e).strip().splitlines()[-1]
            print(e, file=sys.stderr)
        nbformat.write(nb, out / (path.stem + ".ipynb"))
        print(f"{path.name}: {status} ({time.monotonic() - start:.1f} s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
