#!/usr/bin/env bash
# Builds the Debian package: the native and WASM builds, then CPack's DEB
# generator. Writes build/package/bloatmeter_VERSION-REVISION_ARCH.deb.
#   bash scripts/package.sh            (after scripts/setup.sh)
# docs/deploy.md installs it; docker/Dockerfile builds it in its first stage.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
cd "$here"
export NODE_PATH=/usr/share/nodejs   # Debian's emscripten needs acorn from here
jobs="${BLOATMETER_JOBS:-$(nproc)}"
for preset in native wasm; do
  [ -f "build/$preset/CMakeCache.txt" ] || cmake --preset "$preset" >/dev/null
  cmake --build "build/$preset" -j "$jobs"
done
mkdir -p build/package
rm -f build/package/*.deb
(cd build/native && cpack -G DEB -B "$here/build/package" >/dev/null)
rm -rf build/package/_CPack_Packages
ls build/package/*.deb
