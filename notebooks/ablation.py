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
# # Pass ablation: O2 minus one pass at a time
#
# `O2` is an ordered list of steps (`wlab passes`). Each variant removes one top-level
# step (the closing `fix(...)` clean-up loop counts as one), and the sweep compares it
# with `O2` and `O0`: x86-64 instructions and bytes, spill code, and the measured run
# time of `_start` (the fastest round). A step whose removal costs nothing on these modules is either
# redundant with a later one or has nothing to do here.

# %%
import json
import os
import subprocess
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


def top_level_steps(pipeline):
    """Splits a pipeline at the commas outside parentheses."""
    steps, depth, cur = [], 0, ""
    for c in pipeline:
        depth += (c == "(") - (c == ")")
        if c == "," and depth == 0:
            steps.append(cur)
            cur = ""
        else:
            cur += c
    return steps + [cur]


presets = json.loads(subprocess.run([wlab_lab.find_wlab(), "passes", "--format", "json"], capture_output=True, check=True, text=True).stdout)["presets"]
O2 = top_level_steps(next(p["pipeline"] for p in presets if p["name"] == "O2"))
VARIANTS = {"O2": "O2", "O0": "O0"}
for i, step in enumerate(O2):
    name = step.split("(")[0]
    VARIANTS[f"-{name}"] = ",".join(O2[:i] + O2[i + 1 :])
LABEL = {v: k for k, v in VARIANTS.items()}
print("\n".join(f"{k:>18}  {v}" for k, v in VARIANTS.items()))
t = wlab_lab.sweep_local(MODULES + ["--passes", ";".join(VARIANTS.values()), "--run", str(ROUNDS)], OUT / "ablation.csv")
t["variant"] = t.passes.map(LABEL)

# %%
mods = t[(t.kind == "module") & t.error.isna()]
s = mods.groupby("variant")[["insts", "bytes", "spills", "reloads", "ir_insts_after"]].sum().reindex(VARIANTS)
# Measured regions under 0.1 ms (the noop module) are below a process run's noise.
r = t[(t.kind == "run") & (t.runs_ok > 0) & (t.t_measured_ms_min >= 0.1)]
base = r[r.variant == "O2"].set_index("module").t_measured_ms_min
rel = r.assign(rel=[m / base.get(mod, np.nan) for mod, m in zip(r.module, r.t_measured_ms_min)]).dropna(subset=["rel"])
s["run_rel"] = rel.groupby("variant").rel.apply(lambda v: float(np.exp(np.log(v).mean())))
s["insts_vs_O2_%"] = 100 * (s.insts / s.loc["O2", "insts"] - 1)
s["run_vs_O2_%"] = 100 * (s.run_rel - 1)
s

# %%
v = [k for k in VARIANTS if k != "O2"]
fig, axes = plt.subplots(1, 2, figsize=(14, 4.5), sharey=True)
y = np.arange(len(v))
axes[0].barh(y, s.loc[v, "insts_vs_O2_%"], color="C0")
axes[0].set_title("x86-64 instructions vs O2, % (all modules)")
axes[1].barh(y, s.loc[v, "run_vs_O2_%"], color="C3")
axes[1].set_title("run time vs O2, % (geomean of modules)")
axes[0].set_yticks(y, v)
for ax in axes:
    ax.axvline(0, color="grey", lw=0.8)
    ax.grid(axis="x", alpha=0.3)
fig.tight_layout()
fig.savefig(OUT / "ablation.png", dpi=110)

# %%
print(s[["insts", "bytes", "insts_vs_O2_%", "run_vs_O2_%"]].round(2).to_string())
