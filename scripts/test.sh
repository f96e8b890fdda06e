#!/usr/bin/env bash
# Runs every test, as the README's set-up describes: installs the Debian packages the tests
# need when any is missing (as root, or through sudo), then runs the workspace's tests in
# release mode with the AArch64 engine (Unicorn). Extra arguments go to `cargo test`
# (e.g. `scripts/test.sh --test spec -- x86_64-O2/i32` runs one spec script on one engine).
#
# The packages: a C toolchain and libc headers (mimalloc and other -sys crates build C),
# pkg-config (finds libunicorn), libunicorn-dev (runs AArch64 code in-process), and
# libclang-dev (bindgen generates Unicorn's bindings), z3 (the SMT solver `wlab rules prove`
# runs; its tests need it), chromium and chromium-driver (the explorer page is checked in
# headless Chromium, driven by Selenium). Python packages the tests use are pinned in
# scripts/requirements.txt and installed with pip.
# WLAB_REQUIRE_BROWSER=1: here a missing browser fails the page test instead of skipping it.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(gcc libc6-dev pkg-config libunicorn-dev libclang-dev z3 chromium chromium-driver)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "scripts/test.sh: installing ${missing[*]}" >&2
    install="apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
    if [ "$(id -u)" = 0 ]; then
        bash -c "$install"
    else
        sudo bash -c "$install"
    fi
fi

if grep -qv '^\s*\(#\|$\)' scripts/requirements.txt; then
    python3 -m pip install --quiet --disable-pip-version-check -r scripts/requirements.txt
fi

export WLAB_REQUIRE_BROWSER=1
exec cargo test --workspace --release --features wlab-tests/unicorn "$@"
