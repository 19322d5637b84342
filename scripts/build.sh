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
# Each preset's time is printed: the suite's budget (docs/testing.md) is
# mostly compiling.
for preset in native wasm sanitize; do
  began=$(date +%s)
  [ -f "build/$preset/CMakeCache.txt" ] || cmake --preset "$preset" >/dev/null
  cmake --build "build/$preset" -j "$jobs"
  echo "build: $preset took $(( $(date +%s) - began )) s"
done
