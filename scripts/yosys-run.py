#!/usr/bin/env python3
"""Run time of a real program, Yosys (28 MB of C++), on wlab and on wasmtime.

`wlab bench` times the region a benchmark marks with `bench.start`/`bench.end`; a real
program marks none. This script runs yosys.wasm (fetched by `scripts/real-programs.sh
DIR`) synthesising a small Verilog datapath, in interleaved rounds, on each wlab
configuration given and on wasmtime (the `wasmtime` Python package, Cranelift opt-level
speed, with `$WLAB_PYTHON`, default python3), and prints per configuration the medians of:

- compile: wlab's `compile_start`..`compile_end` (`wlab run --bench-report`), wasmtime's
  `Module()`;
- run: the rest. For wlab, the process's wall time minus compile and instantiate (so it
  also counts process start and reading the module); for wasmtime, from instantiation to
  the end of `_start`.

Every run's output must be the same as every other's, apart from Yosys's own CPU-time
lines; the script says whether it was, and stops at a failed run.

    scripts/yosys-run.py DIR [--rounds 5] [--config LABEL=ARGS ...] [--wlab target/release/wlab]

`--config o0='--passes O0'` adds a wlab configuration (default: one, `o2`, `--passes O2`);
`ARGS` may start with `--wlab BIN` to use another binary (main's, say).
"""
import argparse
import os
import re
import shlex
import statistics
import subprocess
import sys
import tempfile
import time

DESIGN = """
// A small datapath: multiply-accumulate, shifts, and an argmax over 48 products.
module top(input clk, input rst, input [15:0] a, input [15:0] b, input [4:0] sh,
           input [2:0] op, output reg [31:0] acc, output [15:0] rot, output [5:0] maxi);
  always @(posedge clk)
    if (rst) acc <= 0;
    else case (op)
      3'd0: acc <= acc + a * b;
      3'd1: acc <= acc - a * b;
      3'd2: acc <= {acc[15:0], a ^ b};
      3'd3: acc <= acc >> sh;
      3'd4: acc <= acc << sh;
      default: acc <= acc & {b, a};
    endcase
  assign rot = (a << sh[3:0]) | (a >> (16 - sh[3:0]));
  wire [15:0] v [0:47];
  genvar i;
  generate for (i = 0; i < 48; i = i + 1) begin : g
    assign v[i] = a * (i + 1) + b;
  end endgenerate
  function [5:0] argmax; input integer n; integer k; reg [15:0] m; begin
    m = v[0]; argmax = 0;
    for (k = 1; k < 48; k = k + 1) if (v[k] > m) begin m = v[k]; argmax = k; end
  end endfunction
  assign maxi = argmax(0);
endmodule
"""
SCRIPT = "read_verilog design.v; synth -top top -noabc; stat"

WASMTIME = """
import sys, time, os, wasmtime
yosys, share, tmp = sys.argv[1:4]
cfg = wasmtime.Config(); cfg.cranelift_opt_level = "speed"
eng = wasmtime.Engine(cfg)
wasm = open(yosys, "rb").read()
t0 = time.perf_counter(); mod = wasmtime.Module(eng, wasm); t1 = time.perf_counter()
w = wasmtime.WasiConfig(); w.argv = ["yosys"] + sys.argv[4:]
w.preopen_dir(".", "."); w.preopen_dir(share, "/share"); w.preopen_dir(tmp, "/tmp")
w.inherit_stdout(); w.inherit_stderr()
st = wasmtime.Store(eng); st.set_wasi(w)
l = wasmtime.Linker(eng); l.define_wasi()
inst = l.instantiate(st, mod)
t2 = time.perf_counter(); code = 0
try:
    inst.exports(st)["_start"](st)
except wasmtime.ExitTrap as e:
    code = e.code
t3 = time.perf_counter()
sys.stdout.flush()
print(f"wasmtime: compile {1000 * (t1 - t0):.3f} ms, run {1000 * (t3 - t2):.3f} ms", file=sys.stderr)
os._exit(code)
"""


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dir", help="the folder scripts/real-programs.sh filled")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--wlab", default="target/release/wlab")
    ap.add_argument("--config", action="append", default=[], metavar="LABEL=ARGS")
    a = ap.parse_args()
    yosys = os.path.abspath(os.path.join(a.dir, "yosys.wasm"))
    share = os.path.abspath(os.path.join(a.dir, "yosys-share"))
    if not (os.path.isfile(yosys) and os.path.isdir(share)):
        sys.exit(f"yosys-run.py: {a.dir} has no yosys.wasm and yosys-share/ (run scripts/real-programs.sh {a.dir})")
    configs = []
    for c in a.config or ["o2=--passes O2"]:
        label, _, args = c.partition("=")
        words = shlex.split(args)
        binary = os.path.abspath(a.wlab)
        if words[:1] == ["--wlab"]:
            binary, words = os.path.abspath(words[1]), words[2:]
        configs.append((label, [binary] + words))
    python = os.environ.get("WLAB_PYTHON", "python3")
    work = tempfile.mkdtemp(prefix="yosys-run-")
    tmp = os.path.join(work, "tmp")
    os.mkdir(tmp)
    with open(os.path.join(work, "design.v"), "w") as f:
        f.write(DESIGN)
    with open(os.path.join(work, "wasmtime_yosys.py"), "w") as f:
        f.write(WASMTIME)
    runs = {}
    for r in range(a.rounds):
        for label, cmd in configs + [("wasmtime", None)]:
            t0 = time.perf_counter()
            if cmd is None:
                argv = [python, "wasmtime_yosys.py", yosys, share, tmp, "-p", SCRIPT]
            else:
                wlab, *args = cmd
                argv = [wlab, "run", *args, "--bench-report", "--dir", ".", "--dir", f"{share}::/share",
                        "--dir", f"{tmp}::/tmp", yosys, "--", "-p", SCRIPT]
            p = subprocess.run(argv, cwd=work, capture_output=True, text=True)
            wall = 1000 * (time.perf_counter() - t0)
            if p.returncode != 0:
                sys.exit(f"yosys-run.py: {label} failed (exit {p.returncode}): {p.stderr.strip()[-300:]}")
            pattern = r"compile ([\d.]+) ms, " + ("run" if cmd is None else "instantiate") + r" ([\d.]+) ms"
            m = re.search(pattern, p.stderr)
            if not m:
                sys.exit(f"yosys-run.py: {label} printed no timing line: {p.stderr.strip()[-300:]}")
            if cmd is None:
                compile_ms, run_ms = float(m.group(1)), float(m.group(2))
            else:
                compile_ms = float(m.group(1))
                run_ms = wall - compile_ms - float(m.group(2))
            out = "\n".join(l for l in p.stdout.splitlines() if "CPU: user" not in l and "Time spent" not in l)
            runs.setdefault(label, []).append((compile_ms, run_ms, out))
            print(f"round {r + 1}/{a.rounds} {label}: compile {compile_ms:.0f} ms, run {run_ms:.0f} ms", file=sys.stderr)
    ref = statistics.median(x[1] for x in runs["wasmtime"])
    print(f"{'config':10} {'compile ms':>11} {'run ms':>8} {'run min':>8} {'run / wasmtime':>15}")
    for label, xs in runs.items():
        run = statistics.median(x[1] for x in xs)
        print(f"{label:10} {statistics.median(x[0] for x in xs):11.0f} {run:8.0f} {min(x[1] for x in xs):8.0f} {run / ref:15.3f}")
    outputs = {x[2] for xs in runs.values() for x in xs}
    print(f"{sum(len(xs) for xs in runs.values())} runs, outputs identical: {'yes' if len(outputs) == 1 else 'NO'}")
    sys.exit(0 if len(outputs) == 1 else 1)


if __name__ == "__main__":
    main()
