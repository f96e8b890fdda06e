#!/usr/bin/env python3
"""Static code size of each O2 pass run alone, against O0 (issue 17).

Runs ONE `wlab sweep` over the bench with the pipelines `O0;P1;...;Pn;O2` (the
passes of the O2 preset, each alone) and prints, per pipeline, the module totals
(instructions, loads, stores, spills, reloads, moves) and their difference to O0,
then the modules where O2 has more instructions than O0.

    scripts/pass-sizes.py [--wlab target/release/wlab] [--bench DIR (default $WLAB_BENCH_DIR, else ../shared/bench)]
                          [--out /tmp/pass-sizes.csv]

The sweep keeps cells already in --out, so a rerun with the same file is cheap;
delete the file after rebuilding wlab.
"""
import argparse
import csv
import os
import subprocess
from collections import defaultdict

PASSES = ["copy-prop", "const-fold", "simplify-cfg", "egraph", "gvn",
          "load-elim", "licm", "strength-reduce", "dce"]
COLS = ["insts", "loads", "stores", "spills", "reloads", "moves"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--wlab", default="target/release/wlab")
    ap.add_argument("--bench", default=os.environ.get("WLAB_BENCH_DIR", "../shared/bench"))
    ap.add_argument("--out", default="/tmp/pass-sizes.csv")
    args = ap.parse_args()
    pipelines = ["O0"] + PASSES + ["O2"]
    subprocess.run([args.wlab, "sweep", args.bench, "--passes", ";".join(pipelines),
                    "--out", args.out], check=True)
    totals = defaultdict(lambda: defaultdict(int))  # passes -> column -> sum
    per_module = defaultdict(dict)  # module -> passes -> insts
    with open(args.out, newline="") as f:
        for row in csv.DictReader(f):
            if row["kind"] != "module" or row["error"]:
                continue
            p = row["passes"] or "O0"
            for c in COLS:
                totals[p][c] += int(row[c] or 0)
            per_module[row["module"]][p] = int(row["insts"] or 0)
    base = totals["O0"]
    print(f"{'pipeline':16}" + "".join(f"{c:>16}" for c in COLS))
    for p in sorted(totals, key=lambda k: pipelines.index(k) if k in pipelines else 99):
        cells = "".join(f"{totals[p][c]:>9} {totals[p][c] - base[c]:+6d}" for c in COLS)
        print(f"{p:16}{cells}")
    print("\nmodules where O2 > O0 (instructions):")
    for m, by in sorted(per_module.items()):
        if "O2" in by and "O0" in by and by["O2"] > by["O0"]:
            print(f"  {m}: O0 {by['O0']}, O2 {by['O2']} ({by['O2'] - by['O0']:+d})")


if __name__ == "__main__":
    main()
