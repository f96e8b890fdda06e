# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # E-graph limits: iterations and nodes against compile time, code size and run time
#
# `O2` with its `egraph` pass bounded by `iters` (saturation iterations) or by `nodes`
# (e-nodes the graph may grow by), each set on its own with `wlab sweep --egraph-limits`.
# Compile time is the `egraph` pass's own time summed over every function
# (`t_pass_us.egraph`); code size is x86-64 bytes; run time is the measured region of
# `_start` (`--run`, the fastest round), relative to the pass's defaults.

# %%
import os
import sys

sys.path.insert(0, os.getcwd())
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

import wlab_lab

ROUNDS = int(os.environ.get("WLAB_LAB_ROUNDS", "3"))
OUT = wlab_lab.out_dir()
MODULES = wlab_lab.corpus()
ITERS = [1, 2, 4, 8, 16, 32]
NODES = [100, 1000, 5000, 20000, 80000]
LIMITS = [f"iters={i}" for i in ITERS] + [f"nodes={n}" for n in NODES]
t = wlab_lab.sweep_local(
    MODULES + ["--passes", "O2", "--egraph-limits", ";".join(LIMITS), "--run", str(ROUNDS)],
    OUT / "egraph-limits.csv",
)

# %%
mods = t[(t.kind == "module") & t.error.isna()]
per = mods.groupby("egraph_limits").agg(
    egraph_ms=("t_pass_us.egraph", lambda v: v.sum() / 1e3),
    pipeline_ms=("t_pipeline_us", lambda v: v.sum() / 1e3),
    bytes=("bytes", "sum"),
    insts=("insts", "sum"),
    iterations=("egraph_iterations", "sum"),
    enodes=("egraph_enodes", "sum"),
)
stops = [c for c in mods.columns if c.startswith("egraph_stops.")]
per = per.join(mods.groupby("egraph_limits")[stops].sum())
# Measured regions under 0.1 ms (the noop module) are below a process run's noise.
r = t[(t.kind == "run") & (t.runs_ok > 0) & (t.t_measured_ms_min >= 0.1)]
base = r[r.egraph_limits == "iters=16"].set_index("module").t_measured_ms_min
rel = r.assign(rel=[m / base.get(mod, np.nan) for mod, m in zip(r.module, r.t_measured_ms_min)]).dropna(subset=["rel"])
per["run_rel"] = rel.groupby("egraph_limits").rel.apply(lambda v: float(np.exp(np.log(v).mean())))
per = per.reindex(LIMITS)
per

# %%
fig, axes = plt.subplots(2, 3, figsize=(15, 7.5))
for row, (kind, values) in enumerate([("iters", ITERS), ("nodes", NODES)]):
    s = per.loc[[f"{kind}={v}" for v in values]]
    axes[row, 0].plot(values, s.egraph_ms, "C0-o", label="egraph pass")
    axes[row, 0].plot(values, s.pipeline_ms, "C2-^", label="whole pipeline")
    axes[row, 0].set_ylabel("compile time, ms (all functions)")
    axes[row, 0].legend()
    axes[row, 1].plot(values, s.bytes / 1024, "C1-o")
    axes[row, 1].set_ylabel("x86-64 code, KiB")
    axes[row, 2].plot(values, s.run_rel, "C3-o")
    axes[row, 2].axhline(1.0, color="grey", lw=0.8)
    axes[row, 2].set_ylabel("run time vs iters=16 (geomean)")
    for ax in axes[row]:
        ax.set_xscale("log", base=2 if kind == "iters" else 10)
        ax.set_xlabel(f"egraph {kind} limit")
        ax.grid(alpha=0.3)
fig.tight_layout()
fig.savefig(OUT / "egraph-limits.png", dpi=110)

# %%
print(per[["egraph_ms", "bytes", "iterations", "run_rel"] + stops].to_string())
