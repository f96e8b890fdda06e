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
# # Register allocation: Ion vs Fastalloc vs register count
#
# Every module compiled at `O2` with regalloc2's Ion (backtracking, live-range
# splitting) and Fastalloc (one pass, local), with the allocatable registers cut to 4, 6,
# 8, 10 per class (x86-64 has 11 allocatable integer registers) or left at the target's
# full set, for x86-64 and AArch64. Static
# figures (spills, reloads, code size) come from the compiler; run times from running
# each module's `_start` (`wlab sweep --run`, rounds interleaved). AArch64 code runs
# under Unicorn (emulated) when this wlab is built with `--features unicorn`: its times
# show relative, not absolute, cost. Run times are each configuration's fastest round
# (the least disturbed by the rest of the machine).
#
# The modules: `notebooks/corpus/` (a sieve, a float matrix multiply and a 14-word
# register-pressure mix), plus every module of `$WLAB_BENCH_DIR` when it is set.

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
TARGETS = ["x86_64", "aarch64"]
RUN_TARGETS = wlab_lab.run_targets(TARGETS)
REGS = ["4", "6", "8", "10", "all"]
# Runs at fewer register counts: AArch64 code runs emulated, about 300x slower.
RUN_REGS = ["4", "8", "all"]
GRID = ["--passes", "O2", "--regalloc", "ion,fastalloc"]
print("modules:", MODULES, "| run on:", RUN_TARGETS, "| rounds:", ROUNDS)

# %%
code = wlab_lab.sweep_local(
    MODULES + GRID + ["--regs", ",".join(REGS), "--target", ",".join(TARGETS)], OUT / "regalloc.csv"
)
runs = wlab_lab.sweep_local(
    MODULES + GRID + ["--regs", ",".join(RUN_REGS), "--target", ",".join(RUN_TARGETS), "--run", str(ROUNDS)],
    OUT / "regalloc-runs.csv",
)
mods = code[(code.kind == "module") & code.error.isna()].copy()
mods["regs"] = mods["regs"].astype(str)
static = (
    mods.groupby(["target", "regalloc", "regs"])[["spills", "reloads", "moves", "bytes", "insts"]]
    .sum()
    .reset_index()
)
static["spill_code"] = static.spills + static.reloads
static

# %%
# Measured regions under 0.1 ms (the noop module) are below a process run's noise.
r = runs[(runs.kind == "run") & (runs.runs_ok > 0) & (runs.t_measured_ms_min >= 0.1)].copy()
r["regs"] = r["regs"].astype(str)
# Each module's time relative to Ion with every register on the same target; the
# geometric mean over modules.
base = r[(r.regalloc == "ion") & (r.regs == "all")].set_index(["target", "module"]).t_measured_ms_min
r["rel"] = [m / base.get((t, mod), np.nan) for t, mod, m in zip(r.target, r.module, r.t_measured_ms_min)]
r = r.dropna(subset=["rel"])
timing = r.groupby(["target", "regalloc", "regs"]).rel.apply(lambda v: float(np.exp(np.log(v).mean()))).reset_index()
timing

# %%
fig, axes = plt.subplots(1, 3, figsize=(15, 4.2))
x = np.arange(len(REGS))
styles = {("x86_64", "ion"): "C0-o", ("x86_64", "fastalloc"): "C0--s", ("aarch64", "ion"): "C1-o", ("aarch64", "fastalloc"): "C1--s"}
for (t, a), style in styles.items():
    s = static[(static.target == t) & (static.regalloc == a)].set_index("regs").reindex(REGS)
    axes[0].plot(x, s.spill_code, style, label=f"{t} {a}")
    axes[1].plot(x, s.bytes / 1024, style, label=f"{t} {a}")
    tm = timing[(timing.target == t) & (timing.regalloc == a)].set_index("regs").reindex(REGS)
    if tm.rel.notna().any():
        ok = tm.rel.notna().to_numpy()
        axes[2].plot(x[ok], tm.rel[ok], style, label=f"{t} {a}")
for ax, title in zip(axes, ["spills + reloads (all modules)", "code size, KiB (all modules)", "run time vs Ion, all registers (geomean)"]):
    ax.set_xticks(x, REGS)
    ax.set_xlabel("allocatable registers per class")
    ax.set_title(title)
    ax.grid(alpha=0.3)
axes[0].legend()
fig.tight_layout()
fig.savefig(OUT / "regalloc.png", dpi=110)

# %% [markdown]
# The numbers behind the figure, for quoting: spill code and size at 4 registers and at
# the full set, per target and allocator.

# %%
print(static[static.regs.isin(["4", "all"])][["target", "regalloc", "regs", "spill_code", "bytes"]].to_string(index=False))
print(timing[timing.regs.isin(["4", "all"])].to_string(index=False))
