#!/usr/bin/env bash
# Runs one test binary of the sanitize build (ctest_entries.cmake): says so
# when it has not been built, and runs it with leaks counted and UBSan's
# reports printed with a stack.
#   tests/fuzz/run_sanitized.sh BINARY [ARGS...]
set -euo pipefail
binary="${1:?usage: run_sanitized.sh BINARY [ARGS...]}"
shift
if [ ! -x "$binary" ]; then
  echo "run_sanitized.sh: $binary is missing: build the sanitize preset (scripts/build.sh)" >&2
  exit 1
fi
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
exec "$binary" "$@"
