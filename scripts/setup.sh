#!/usr/bin/env bash
# Installs every Debian package bloatmeter needs to build, run and test, and
# fetches Dear ImGui's sources from Debian's source package. Idempotent: when
# everything is present it installs nothing.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

packages=(
  build-essential cmake ninja-build pkg-config git ca-certificates
  emscripten
  libboost1.81-dev libssl-dev nlohmann-json3-dev libsqlite3-dev libpq-dev doctest-dev zlib1g-dev
  postgresql
  fonts-dejavu-core fonts-inter openssl curl
  chromium
  dpkg-dev python3
  flent python3-matplotlib
  iproute2 iputils-ping tcpdump iptables
  clang-14 libfuzzer-14-dev lld-14
  systemd
  prometheus
  lintian mmdebstrap
)

# A machine may carry its own Node.js (with npm inside); Debian's npm would
# conflict with it, so npm is only asked for when no npm command exists.
command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

apt_updated=0
apt_update() {
  if [ "$apt_updated" -eq 0 ]; then
    $SUDO apt-get update -qq
    apt_updated=1
  fi
}

if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  apt_update
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Dear ImGui sources (for the WASM build) from Debian's source package.
imgui_dir="$here/third_party/imgui"
if [ ! -f "$imgui_dir/imgui.cpp" ]; then
  src_list=/etc/apt/sources.list.d/bloatmeter-src.sources
  if [ ! -f "$src_list" ] && ! grep -rqs '^Types:.*deb-src' /etc/apt/sources.list.d/ && ! grep -qs '^deb-src' /etc/apt/sources.list; then
    # Mirror the system's own deb entry as deb-src.
    sys=/etc/apt/sources.list.d/debian.sources
    if [ -f "$sys" ]; then
      awk 'BEGIN{RS="";ORS="\n\n"} /Types:/ {sub(/Types:[^\n]*/, "Types: deb-src"); print}' "$sys" | $SUDO tee "$src_list" >/dev/null
    else
      grep '^deb ' /etc/apt/sources.list | sed 's/^deb /deb-src /' | $SUDO tee /etc/apt/sources.list.d/bloatmeter-src.list >/dev/null
    fi
    apt_updated=0
  fi
  apt_update
  tmp="$(mktemp -d)"
  (cd "$tmp" && apt-get source -qq imgui >/dev/null 2>&1 || (cd "$tmp" && apt-get source imgui))
  src="$(find "$tmp" -maxdepth 1 -type d -name 'imgui-*' | head -n1)"
  [ -n "$src" ] || { echo "setup: could not fetch imgui sources" >&2; exit 1; }
  rm -rf "$imgui_dir"
  mkdir -p "$(dirname "$imgui_dir")"
  cp -r "$src" "$imgui_dir"
  rm -rf "$tmp"
  echo "setup: imgui sources in $imgui_dir"
fi

# Test tooling from npm (playwright-core drives Debian's chromium; never downloads a browser).
if [ ! -d "$here/tests/browser/node_modules/playwright-core" ]; then
  (cd "$here/tests/browser" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --no-audit --no-fund --silent)
fi
echo "setup: ok"
