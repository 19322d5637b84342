#!/usr/bin/env bash
# Benchmark: `bloatmeter test` on loopback against the real server, with
# iperf3 (4 streams, the client's starting count) measured in the same run
# as the ceiling, and `ping -i 0.05` to 127.0.0.1 running during the test as
# the reference for the probe RTT: on loopback the network adds nothing, so
# any difference is what the client and server add.
# With --slowloris N: no iperf3; the same test twice in one run, alone and
# then beside N slowloris connections from bloatmeter-crowd (a request
# header that never ends, a byte every 5 s, opened before the test and held
# through it), ping running in both; prints per phase probe - ping for each
# and whether each test completed. The server keeps its default settings
# but max_connections_per_address (every connection here comes from
# 127.0.0.1; a real slowloris comes from many addresses).
# Usage: tests/bench/native_loopback.sh [quick|standard] [--slowloris N]
set -euo pipefail
here="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$here"
plan="${1:-standard}"
idle=0
if [ "${2:-}" = "--slowloris" ]; then idle="${3:?--slowloris needs a count}"; fi
# The slowloris connections last 28 s (below): the quick plan's 17 s fit.
[ "$idle" -eq 0 ] || [ "$plan" = quick ] || { echo "--slowloris runs the quick plan only"; exit 2; }
[ "$idle" -gt 0 ] || command -v iperf3 >/dev/null || { ${SUDO:-} apt-get install -y -qq iperf3 >/dev/null; }
tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT; trap "exit 143" TERM INT
mkdir -p "$tmp/web"; echo '<p>bench</p>' >"$tmp/web/index.html"
: >"$tmp/server.conf"  # the default settings
if [ "$idle" -gt 0 ]; then
  echo "max_connections_per_address=$((idle + 100))" >"$tmp/server.conf"
  ulimit -n 65536 2>/dev/null || true
fi

build/native/server/bloatmeter-server --listen 127.0.0.1:0 --web-root "$tmp/web" --data-dir "$tmp/data" \
  --config "$tmp/server.conf" >"$tmp/server.out" 2>&1 &
server=$!
pids+=("$server")
for _ in $(seq 100); do grep -q "http://" "$tmp/server.out" && break; sleep 0.1; done
url=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$tmp/server.out" | head -1)
ticks() { awk '{ sub(/.*\) /, ""); print $12 + $13 }' "/proc/$server/stat"; }  # utime + stime

run_test() {  # $1: name; writes $tmp/$1.json, $1.ping, $1.cpu (server CPU share), $1.rc
  local ping_pid c0 t0 rc=0
  timeout 120 ping -D -n -i 0.05 127.0.0.1 >"$tmp/$1.ping" 2>&1 &
  ping_pid=$!
  pids+=("$ping_pid")
  c0=$(ticks); t0=$(date +%s%N)
  timeout 120 build/native/cli/bloatmeter test "$url" --plan "$plan" --json "$tmp/$1.json" >"$tmp/$1.out" </dev/null || rc=$?
  echo "$rc" >"$tmp/$1.rc"
  awk -v c=$(( $(ticks) - c0 )) -v ns=$(( $(date +%s%N) - t0 )) -v hz="$(getconf CLK_TCK)" \
    'BEGIN { printf "%.0f\n", 100 * c / hz / (ns / 1e9) }' >"$tmp/$1.cpu"
  kill -INT "$ping_pid" 2>/dev/null || true
  wait "$ping_pid" 2>/dev/null || true
}

if [ "$idle" -eq 0 ]; then
  iperf() {  # $1: -R for download
    iperf3 -s -1 -B 127.0.0.1 -p 5299 >/dev/null 2>&1 &
    sleep 0.5
    timeout 30 iperf3 -c 127.0.0.1 -p 5299 -t 5 -P 4 $1 -J |
      python3 -c 'import json,sys; print(json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"]/1e6)'
  }
  iperf_down=$(iperf -R)
  iperf_up=$(iperf "")
  run_test native
  runs=(native)
else
  port=${url##*:}
  # The server's own count of open connections, less the one asking.
  open_now() { curl -s --max-time 5 "$url/metrics" | awk '/^bloatmeter_open_connections / { print $2 - 1 }'; }
  rss() { awk '/^VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$server/status"; }
  run_test alone
  rss_alone=$(rss)
  # Slowloris for 28 s: under the default request_timeout_seconds (30), so
  # the server keeps every one of them through the test (17 s quick plan).
  build/native/tests/bloatmeter-crowd 127.0.0.1 "$port" --lanes 0 --idle "$idle" --seconds 28 >"$tmp/crowd.out" &
  crowd=$!
  pids+=("$crowd")
  for _ in $(seq 100); do [ "$(open_now)" -ge "$idle" ] && break; sleep 0.1; done
  open_before=$(open_now)
  rss_before=$(rss)
  run_test beside
  open_after=$(open_now)
  wait "$crowd" || true
  echo "slowloris: the server had $open_before connections open at the test's start, $open_after at its end;" \
    "server RSS $rss_alone MB after the test alone, $rss_before MB with them open; crowd: $(cat "$tmp/crowd.out" | grep -o 'idle_open.*idle_dropped [0-9]*')"
  runs=(alone beside)
fi

python3 - "$tmp" "${iperf_down:-0}" "${iperf_up:-0}" "${runs[@]}" <<'PY'
import json, os, re, statistics, sys
from datetime import datetime
tmp, iperf_down, iperf_up, runs = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), sys.argv[4:]
table = {}
for run in runs:
    rc = int(open(f"{tmp}/{run}.rc").read())
    if not os.path.exists(f"{tmp}/{run}.json"):
        print(f"{run}: the test did not complete (exit {rc}), no result file"); continue
    r = json.load(open(f"{tmp}/{run}.json"))
    t0 = datetime.fromisoformat(r["meta"]["started_at"].replace("Z", "+00:00")).timestamp()
    pings = []
    for line in open(f"{tmp}/{run}.ping"):
        m = re.match(r"\[(\d+\.\d+)\].*time=([\d.]+) ms", line)
        if m: pings.append((float(m.group(1)), float(m.group(2))))
    s = r["summary"]
    phases = {p["name"]: p for p in s["phases"]}
    print(f"{run}: exit {rc}, aborted {r['raw']['aborted']}, download {s['download_mbps']:.0f} Mbit/s, "
          f"upload {s['upload_mbps']:.0f} Mbit/s, streams {s['streams']['download']}/{s['streams']['upload']}, "
          f"flags {','.join(s['flags']) or 'none'}, server CPU {open(f'{tmp}/{run}.cpu').read().strip()} %")
    if run == "native":
        print(f"iperf3 -P 4:   download {iperf_down:.0f} Mbit/s, upload {iperf_up:.0f} Mbit/s")
        print(f"ratio native/iperf3: download {s['download_mbps']/iperf_down:.3f}, upload {s['upload_mbps']/iperf_up:.3f}")
    for raw in r["raw"]["phases"]:
        name = raw["name"]
        if name not in phases or not phases[name].get("graded"): continue
        a, b = t0 + raw["start_us"] / 1e6, t0 + raw["end_us"] / 1e6
        ref = [rtt for t, rtt in pings if a <= t < b]
        probe = phases[name].get("rtt_ms", {}).get("median")
        if not ref or probe is None: continue
        table.setdefault(name, {})[run] = (probe, statistics.median(ref))
if runs == ["native"]:
    print(f"{'phase':15} {'probe median':>13} {'ping median':>12} {'difference':>11}  (ms)")
    for name, v in table.items():
        probe, ref = v["native"]
        print(f"{name:15} {probe:13.2f} {ref:12.2f} {probe - ref:+11.2f}")
else:
    print("| phase | alone: probe / ping median (ms) | probe - ping | beside slowloris: probe / ping median (ms) | probe - ping | change |")
    print("|---|---|---|---|---|---|")
    for name, v in table.items():
        cells = [f"{v[k][0]:.2f} / {v[k][1]:.2f} | {v[k][0] - v[k][1]:+.2f}" if k in v else "- | -" for k in ("alone", "beside")]
        change = f"{(v['beside'][0] - v['beside'][1]) - (v['alone'][0] - v['alone'][1]):+.2f} ms" if len(v) == 2 else "-"
        print(f"| {name} | {cells[0]} | {cells[1]} | {change} |")
PY
