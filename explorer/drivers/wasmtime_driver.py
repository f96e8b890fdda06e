"""Runs one WASI command module on wasmtime (the `wasmtime` package from PyPI,
Cranelift with opt-level speed) the way `wlab run --dir . MOD` runs it on wlab: the
current directory preopened as `.`, argv[0] the module's file name, stdio inherited,
`bench.start`/`bench.end` provided, and the benchmark protocol's event times
(CLOCK_MONOTONIC ns) appended to $BENCH_TIMES_FILE. Exit status: the program's.

`wasmtime.Module(engine, wasm)` compiles every function with Cranelift before it
returns (wasmtime has no lazy compilation; the code cache is off unless configured),
so compile time is compile time and the measured region runs finished code only.
With WLAB_BENCH_COMPILE_ONLY=1 in the environment (`wlab bench --compile-only`) it stops
after compiling: nothing is instantiated, so modules that are not WASI commands can be
timed too; exit status 0.

Used by `wlab bench` (embedded in the wlab binary); usage: python3 wasmtime_driver.py MOD [ARGS...]
"""
import os
import sys
import time

import wasmtime

events = []


def record(name):
    events.append((name, time.clock_gettime_ns(time.CLOCK_MONOTONIC)))


def write_events():
    times = os.environ.get("BENCH_TIMES_FILE")
    if times:
        with open(times, "a") as f:
            for name, ns in events:
                f.write(f"{name} {ns}\n")


def main():
    path = sys.argv[1]
    config = wasmtime.Config()
    config.strategy = "cranelift"
    config.cranelift_opt_level = "speed"
    engine = wasmtime.Engine(config)
    with open(path, "rb") as f:
        wasm = f.read()
    record("compile_start")
    module = wasmtime.Module(engine, wasm)
    record("compile_end")
    if os.environ.get("WLAB_BENCH_COMPILE_ONLY") == "1":
        write_events()
        os._exit(0)

    record("instantiate_start")
    linker = wasmtime.Linker(engine)
    linker.define_wasi()
    empty = wasmtime.FuncType([], [])
    linker.define_func("bench", "start", empty, lambda: record("bench_start"))
    linker.define_func("bench", "end", empty, lambda: record("bench_end"))
    wasi = wasmtime.WasiConfig()
    wasi.argv = [os.path.basename(path)] + sys.argv[2:]
    wasi.preopen_dir(".", ".")
    wasi.inherit_stdin()
    wasi.inherit_stdout()
    wasi.inherit_stderr()
    store = wasmtime.Store(engine)
    store.set_wasi(wasi)
    instance = linker.instantiate(store, module)
    record("instantiate_end")

    code = 0
    try:
        instance.exports(store)["_start"](store)
    except wasmtime.ExitTrap as e:
        code = e.code
    write_events()
    sys.stdout.flush()
    os._exit(code)


main()
