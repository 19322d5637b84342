#!/usr/bin/env bash
# The whole test suite in one command: installs what is missing, builds
# everything, runs every test through CTest (core unit tests, server
# integration tests, browser end-to-end tests in headless Chromium).
# Screenshots and other artifacts: build/native/artifacts/.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
cd "$here"
start=$(date +%s)
bash scripts/setup.sh
bash scripts/build.sh
cd build/native
ctest --output-on-failure --timeout 900 -j 2 "$@"  # -j 2: see tests/CMakeLists.txt, RUN_SERIAL
echo "test suite finished in $(( $(date +%s) - start )) s"
