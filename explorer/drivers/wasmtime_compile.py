"""Compiles one module with wasmtime (the `wasmtime` package from PyPI, Cranelift with
opt-level speed, as `wlab bench` runs it) and writes the serialized artifact: an ELF
relocatable x86-64 object whose `.symtab` has a sized symbol
`wasm[0]::function[N]::NAME` per defined function (N in the module's function index
space, imports included). Prints the wasmtime version. Never runs the module.

Used by `wlab stats --peer cranelift` (embedded in the wlab binary); usage:
python3 wasmtime_compile.py MOD.wasm OUT.cwasm
"""
import importlib.metadata
import sys

import wasmtime


def main():
    config = wasmtime.Config()
    config.strategy = "cranelift"
    config.cranelift_opt_level = "speed"
    engine = wasmtime.Engine(config)
    with open(sys.argv[1], "rb") as f:
        wasm = f.read()
    module = wasmtime.Module(engine, wasm)
    with open(sys.argv[2], "wb") as f:
        f.write(module.serialize())
    print(importlib.metadata.version("wasmtime"))


if __name__ == "__main__":
    main()
