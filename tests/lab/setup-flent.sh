#!/usr/bin/env bash
# Installs what tests/lab/flent_side_by_side.sh needs: Debian's flent and
# irtt (main) and netperf (non-free). Adds an apt source for the non-free
# component, mirroring the system's own Debian entry (same mirror, same
# suites, same key), unless one is already configured. Idempotent: when all
# is present it changes nothing. Not part of the test suite.
set -euo pipefail
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

have() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
missing=()
for p in flent irtt netperf; do have "$p" || missing+=("$p"); done
if [ "${#missing[@]}" -eq 0 ]; then echo "setup-flent: ok (flent, irtt, netperf installed)"; exit 0; fi

nonfree_configured() {
  grep -rqsE '^Components:.*\bnon-free\b' /etc/apt/sources.list.d/*.sources ||
    grep -qsE '^deb .* non-free( |$)' /etc/apt/sources.list /etc/apt/sources.list.d/*.list
}

list=/etc/apt/sources.list.d/bloatmeter-nonfree.sources
if ! nonfree_configured; then
  sys=/etc/apt/sources.list.d/debian.sources
  if [ -f "$sys" ]; then
    # Each "Types: deb" stanza of the main archive (not the security one,
    # which carries no netperf), with its component list set to non-free.
    awk 'BEGIN{RS="";ORS="\n\n"}
         /Types:[^\n]* deb( |\n)/ && !/debian-security/ {
           sub(/Types:[^\n]*/, "Types: deb"); sub(/Components:[^\n]*/, "Components: non-free"); print }' "$sys" |
      $SUDO tee "$list" >/dev/null
  else
    grep -E '^deb ' /etc/apt/sources.list | grep -v security |
      awk '{ printf "Types: deb\nURIs: %s\nSuites: %s\nComponents: non-free\n\n", $2, $3 }' | $SUDO tee "$list" >/dev/null
  fi
  [ -s "$list" ] || { echo "setup-flent: found no Debian apt source to mirror for non-free" >&2; $SUDO rm -f "$list"; exit 1; }
  echo "setup-flent: added $list"
fi
$SUDO apt-get update -qq
echo "setup-flent: installing ${missing[*]}"
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
for p in flent irtt netperf; do have "$p" || { echo "setup-flent: $p did not install" >&2; exit 1; }; done
echo "setup-flent: ok (flent, irtt, netperf installed)"
