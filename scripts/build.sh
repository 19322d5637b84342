#!/usr/bin/env bash
# Builds everything: the native targets (server, CLI, tests), the browser
# client (WASM) into build/web, and the sanitize build (clang-14, ASan +
# UBSan: the core and server tests again, and the libFuzzer targets of
# tests/fuzz/) in build/sanitize. One build at a time: the machine is small.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
cd "$here"
export NODE_PATH=/usr/share/nodejs   # Debian's emscripten needs acorn from here
jobs="${BLOATMETER_JOBS:-$(nproc)}"
[ -f build/native/CMakeCache.txt ] || cmake --preset native >/dev/null
cmake --build build/native -j "$jobs"
[ -f build/wasm/CMakeCache.txt ] || cmake --preset wasm >/dev/null
cmake --build build/wasm -j "$jobs"
[ -f build/sanitize/CMakeCache.txt ] || cmake --preset sanitize >/dev/null
cmake --build build/sanitize -j "$jobs"
