#!/usr/bin/env bash
# Benchmark: many customers at once against one server on loopback, with the
# C++ load generator (bloatmeter-crowd). For N = 100, 500, 1000, 2000 probe
# lanes at 20 Hz (each with 64 kbit/s of paced upload beside it), prints the
# clients' probe RTT and the server's own echo delay (p50/p99/max), the
# server's CPU share and memory, and where it refused; then 2000 slowloris
# connections beside 100 lanes; and the server's start time and idle memory.
# Usage: tests/bench/crowd.sh [SERVER_BIN CROWD_BIN]
#        tests/bench/crowd.sh --smoke SERVER_BIN CROWD_BIN   (the suite's check)
set -euo pipefail
here="$(cd "$(dirname "$0")/../.." && pwd)"
smoke=0
if [ "${1:-}" = "--smoke" ]; then smoke=1; shift; fi
server="${1:-$here/build/native/server/bloatmeter-server}"
crowd="${2:-$here/build/native/tests/bloatmeter-crowd}"
tmp=$(mktemp -d)
server_pid=""
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
mkdir -p "$tmp/web"; echo '<p>crowd</p>' >"$tmp/web/index.html"
# Room for the crowd: every lane comes from 127.0.0.1.
cat >"$tmp/crowd.conf" <<CONF
max_connections=20000
max_connections_per_address=20000
max_tests=5000
max_tests_per_address=5000
request_timeout_seconds=30
CONF
ulimit -n 65536 2>/dev/null || true

ms_now() { date +%s%3N; }
start_server() {
  local t0; t0=$(ms_now)
  "$server" --listen 127.0.0.1:0 --web-root "$tmp/web" --data-dir "$tmp/data" --config "$tmp/crowd.conf" >"$tmp/server.out" 2>"$tmp/server.err" &
  server_pid=$!
  for _ in $(seq 500); do grep -q "http://" "$tmp/server.out" && break; sleep 0.005; done
  port=$(grep -o '127\.0\.0\.1:[0-9]*' "$tmp/server.out" | head -1 | cut -d: -f2)
  until curl -fs "http://127.0.0.1:$port/api/health" >/dev/null; do sleep 0.005; done
  ready_ms=$(( $(ms_now) - t0 ))
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$server_pid/stat"; }
rss_mb() { awk '/^VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$server_pid/status"; }
hwm_mb() { awk '/^VmHWM/ {printf "%.1f", $2 / 1024}' "/proc/$server_pid/status"; }

run() {  # lanes seconds idle upload_kbps
  local c0 c1 t0 t1 line
  c0=$(cpu_ticks); t0=$(ms_now)
  line=$("$crowd" 127.0.0.1 "$port" --lanes "$1" --seconds "$2" --idle "$3" --upload-kbps "$4")
  c1=$(cpu_ticks); t1=$(ms_now)
  local cpu; cpu=$(awk -v c=$((c1 - c0)) -v ms=$((t1 - t0)) -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.0f", 100 * c / hz / (ms / 1000)}')
  echo "$line server_cpu_percent $cpu server_rss_mb $(rss_mb) server_peak_rss_mb $(hwm_mb)"
}

start_server
if [ "$smoke" = 1 ]; then
  out=$(run 20 3 5 64)
  echo "$out"
  # 20 lanes all open, about 20 Hz x 3 s x 20 probes answered, no lane lost.
  echo "$out" | awk '{ for (i = 1; i < NF; i++) v[$i] = $(i + 1) }
    END { ok = v["opened"] == 20 && v["refused"] == 0 && v["lost"] == 0 && v["probes"] >= 800 && v["idle_open"] == 5 && v["uploaded_mb"] > 0;
          print ok ? "1 passed, 0 failed" : "0 passed, 1 failed"; exit ok ? 0 : 1 }'
  exit $?
fi
echo "server ready to serve in $ready_ms ms; idle RSS $(rss_mb) MB"
for n in 100 500 1000 2000; do
  echo "== $n lanes, 20 s"
  run "$n" 20 0 64
done
echo "== 2000 slowloris connections beside 100 lanes, 20 s"
run 100 20 2000 64
echo "== the same 100 lanes alone, 20 s"
run 100 20 0 64
