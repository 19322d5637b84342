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
if [ $# -gt 0 ]; then  # ctest's own selection (-R, -L, ...): build, run what it names
  bash scripts/build.sh
  cd build/native
  ctest --output-on-failure --timeout 900 -j 2 "$@"
  exit
fi
bash scripts/build.sh native wasm
# The Debian package test spends most of its two to three minutes waiting
# on Debian's mirror (mmdebstrap) and measures nothing, so it runs while
# the sanitize tree compiles (docs/testing.md); its output is printed when
# both are done.
mkdir -p build/native/artifacts
package_log=build/native/artifacts/package_deb.log
(cd build/native && ctest --output-on-failure --timeout 900 -R '^package_deb$') >"$package_log" 2>&1 &
package_pid=$!
sanitize_rc=0
bash scripts/build.sh sanitize || sanitize_rc=$?
package_rc=0
wait "$package_pid" || package_rc=$?
cat "$package_log"
[ "$sanitize_rc" -eq 0 ] || { echo "the sanitize build failed (exit $sanitize_rc)"; exit "$sanitize_rc"; }
cd build/native
tests_rc=0
ctest --output-on-failure --timeout 900 -j 2 -E '^package_deb$' || tests_rc=$?  # -j 2: see tests/CMakeLists.txt, RUN_SERIAL
echo "test suite finished in $(( $(date +%s) - start )) s"
[ "$package_rc" -eq 0 ] || { echo "package_deb failed (its output above)"; exit 1; }
exit "$tests_rc"
