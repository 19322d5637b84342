#!/usr/bin/env bash
# Benchmark: `bloatmeter test` on loopback against the real server, with
# iperf3 (4 streams, the client's starting count) measured in the same run
# as the ceiling, and `ping -i 0.05` to 127.0.0.1 running during the test as
# the reference for the probe RTT: on loopback the network adds nothing, so
# any difference is what the client and server add.
# Usage: tests/bench/native_loopback.sh [quick|standard]
set -euo pipefail
here="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$here"
command -v iperf3 >/dev/null || { ${SUDO:-} apt-get install -y -qq iperf3 >/dev/null; }
plan="${1:-standard}"
tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT

build/native/server/bloatmeter-server --listen 127.0.0.1:0 --web-root build/web --data-dir "$tmp/data" >"$tmp/server.out" 2>&1 &
pids+=($!)
for _ in $(seq 100); do grep -q "http://" "$tmp/server.out" && break; sleep 0.1; done
url=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$tmp/server.out" | head -1)

iperf() {  # $1: -R for download
  iperf3 -s -1 -B 127.0.0.1 -p 5299 >/dev/null 2>&1 &
  sleep 0.5
  timeout 30 iperf3 -c 127.0.0.1 -p 5299 -t 5 -P 4 $1 -J |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"]/1e6)'
}
iperf_down=$(iperf -R)
iperf_up=$(iperf "")

timeout 120 ping -D -n -i 0.05 127.0.0.1 >"$tmp/ping.txt" 2>&1 &
ping_pid=$!
pids+=($ping_pid)
timeout 120 build/native/cli/bloatmeter test "$url" --plan "$plan" --json "$tmp/native.json" >"$tmp/native.out" </dev/null
kill -INT "$ping_pid" 2>/dev/null || true

python3 - "$tmp/native.json" "$tmp/ping.txt" "$iperf_down" "$iperf_up" <<'PY'
import json, re, statistics, sys
from datetime import datetime
r = json.load(open(sys.argv[1])); iperf_down = float(sys.argv[3]); iperf_up = float(sys.argv[4])
t0 = datetime.fromisoformat(r["meta"]["started_at"].replace("Z", "+00:00")).timestamp()
pings = []
for line in open(sys.argv[2]):
    m = re.match(r"\[(\d+\.\d+)\].*time=([\d.]+) ms", line)
    if m: pings.append((float(m.group(1)), float(m.group(2))))
s = r["summary"]
phases = {p["name"]: p for p in s["phases"]}
print(f"native client: download {s['download_mbps']:.0f} Mbit/s, upload {s['upload_mbps']:.0f} Mbit/s, "
      f"streams {s['streams']['download']}/{s['streams']['upload']}, flags {','.join(s['flags']) or 'none'}")
print(f"iperf3 -P 4:   download {iperf_down:.0f} Mbit/s, upload {iperf_up:.0f} Mbit/s")
print(f"ratio native/iperf3: download {s['download_mbps']/iperf_down:.3f}, upload {s['upload_mbps']/iperf_up:.3f}")
print(f"{'phase':15} {'probe median':>13} {'ping median':>12} {'difference':>11}  (ms)")
for raw in r["raw"]["phases"]:
    name = raw["name"]
    if name not in phases or not phases[name].get("graded"): continue
    a, b = t0 + raw["start_us"] / 1e6, t0 + raw["end_us"] / 1e6
    ref = [rtt for t, rtt in pings if a <= t < b]
    probe = phases[name].get("rtt_ms", {}).get("median")
    if not ref or probe is None: continue
    ref_med = statistics.median(ref)
    print(f"{name:15} {probe:13.2f} {ref_med:12.2f} {probe - ref_med:+11.2f}")
PY
