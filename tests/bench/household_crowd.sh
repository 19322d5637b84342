#!/usr/bin/env bash
# Benchmark: many virtual households at once against one server on
# loopback, with bloatmeter-household-crowd (household_crowd.cpp). For
# N = 25, 50, 75, 100, 150, 200 households on the quick plan (4 users each, every
# lane from 127.0.0.1, started over 1.5 s), prints the generator's figures
# (households opened/refused, users within 5 % of their demanded rate,
# worst and per-profile deviations, round trips, drops, its own CPU and
# timer lateness), the server's and the generator's CPU share and the whole
# machine's over the run's steady part (3 s to 10 s, every household
# running), the server's peak RSS during the run and what
# /virtual-household/stats counted. Then who limits: 100 households with a
# generator of two threads, and 50 and 100 with the server on core 0 (one
# I/O thread) and the generator on core 1; and 100 households against a
# server with the default limits, to show where it refuses.
# Household lanes count only as connections (not as tests or load streams):
# max_connections and max_connections_per_address are what limit them.
# Usage: tests/bench/household_crowd.sh [SERVER_BIN CROWD_BIN] [-- GENERATOR_OPTIONS...]
#        tests/bench/household_crowd.sh --smoke SERVER_BIN CROWD_BIN   (the suite's check)
set -euo pipefail
here="$(cd "$(dirname "$0")/../.." && pwd)"
smoke=0
if [ "${1:-}" = "--smoke" ]; then smoke=1; shift; fi
server="$here/build/native/server/bloatmeter-server"
crowd="$here/build/native/tests/bloatmeter-household-crowd"
if [ $# -ge 2 ] && [ "$1" != "--" ]; then server="$1"; crowd="$2"; shift 2; fi
[ "${1:-}" = "--" ] && shift
extra=("$@")
tmp=$(mktemp -d)
server_pid=""
stop_server() { if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; server_pid=""; fi; }
cleanup() { stop_server; rm -rf "$tmp"; }
trap cleanup EXIT
mkdir -p "$tmp/web"; echo '<p>household crowd</p>' >"$tmp/web/index.html"
# Room for the crowd: every lane comes from 127.0.0.1 (200 households are
# 800 connections; the defaults allow 256 per address and 4096 in all).
# Household lanes take no test or load-stream place: nothing else to raise.
printf 'max_connections=%s\nmax_connections_per_address=%s\n' 20000 20000 >"$tmp/raised.conf"
: >"$tmp/default.conf"
ulimit -n 65536 2>/dev/null || true

ms_now() { date +%s%3N; }
start_server() {  # config file, then any wrapper and server options
  local conf="$1"; shift
  rm -rf "$tmp/data"
  "${server_wrap[@]}" "$server" --listen 127.0.0.1:0 --web-root "$tmp/web" --data-dir "$tmp/data" --config "$conf" "$@" >"$tmp/server.out" 2>"$tmp/server.err" &
  server_pid=$!
  for _ in $(seq 1000); do grep -q "http://" "$tmp/server.out" && break; sleep 0.01; done
  port=$(grep -o '127\.0\.0\.1:[0-9]*' "$tmp/server.out" | head -1 | cut -d: -f2)
  for _ in $(seq 1000); do curl -fs "http://127.0.0.1:$port/api/health" >/dev/null && break; sleep 0.01; done
}
ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
machine_ticks() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9}' /proc/stat; }
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$server_pid/status"; }
stats() { curl -fs "http://127.0.0.1:$port/virtual-household/stats"; }
hz=$(getconf CLK_TCK)
cores=$(nproc)

run() {  # households, then generator options
  local n="$1"; shift
  local peak=0 r gen i a=() b=() s0 s1
  s0=$(stats)
  "${gen_wrap[@]}" "$crowd" 127.0.0.1 "$port" --households "$n" "${extra[@]}" "$@" >"$tmp/gen.out" &
  gen=$!
  # Every 0.25 s (at most 60 s): the server's RSS; at 3 s and 10 s, the
  # CPU counters of the server, the generator and the machine.
  for i in $(seq 240); do
    kill -0 "$gen" 2>/dev/null || break
    r=$(rss_kb); [ "$r" -gt "$peak" ] && peak=$r
    if [ "$i" = 12 ] || [ "$i" = 40 ]; then
      local now=($(ms_now) $(ticks "$server_pid") $(ticks "$gen") $(machine_ticks))
      if [ "$i" = 12 ]; then a=("${now[@]}"); else b=("${now[@]}"); fi
    fi
    sleep 0.25
  done
  wait "$gen"
  s1=$(stats)
  local cpu="server_cpu_percent - gen_cpu_window_percent - machine_busy_percent -"
  if [ ${#b[@]} -gt 0 ]; then
    cpu=$(awk -v ms=$((b[0] - a[0])) -v s=$((b[1] - a[1])) -v g=$((b[2] - a[2])) -v busy=$((b[3] - a[3])) -v all=$((b[4] - a[4])) -v hz="$hz" -v cores="$cores" \
      'BEGIN {printf "server_cpu_percent %.0f gen_cpu_window_percent %.0f machine_busy_percent %.0f", 100 * s / hz / (ms / 1000), 100 * g / hz / (ms / 1000), 100 * cores * busy / all}')
  fi
  local started dropped
  started=$(( $(jq .sessions_started <<<"$s1") - $(jq .sessions_started <<<"$s0") ))
  dropped=$(( $(jq .download_dropped_messages <<<"$s1") - $(jq .download_dropped_messages <<<"$s0") ))
  head -1 "$tmp/gen.out" | tr -d '\n'
  echo " $cpu server_rss_peak_mb $(awk -v k="$peak" 'BEGIN {printf "%.1f", k / 1024}') server_sessions_started $started server_download_dropped $dropped"
  tail -n +2 "$tmp/gen.out"
}

server_wrap=(); gen_wrap=()
if [ "$smoke" = 1 ]; then
  start_server "$tmp/raised.conf"
  out=$(run 3)
  echo "$out"
  # 3 households, 12 users, all opened and measured, none refused or lost.
  head -1 <<<"$out" | awk '{ for (i = 1; i < NF; i++) v[$i] = $(i + 1) }
    END { ok = v["opened"] == 3 && v["refused"] == 0 && v["lanes_open"] == 12 && v["users"] == 12 && v["server_sessions_started"] == 12;
          print ok ? "1 passed, 0 failed" : "0 passed, 1 failed"; exit ok ? 0 : 1 }'
  exit $?
fi
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $cores cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
start_server "$tmp/raised.conf"
echo "server idle RSS $(awk -v k="$(rss_kb)" 'BEGIN {printf "%.1f", k / 1024}') MB, limits raised"
for n in 25 50 75 100 150 200; do
  echo "== $n households (raised limits)"
  run "$n"
  sleep 1
done
echo "== 100 households, a generator of 2 threads"
run 100 --threads 2
stop_server
if [ "$cores" -ge 2 ]; then
  server_wrap=(taskset -c 0); gen_wrap=(taskset -c 1)
  start_server "$tmp/raised.conf" --threads 1
  for n in 50 100; do
    echo "== $n households, server on core 0 (1 thread), generator on core 1"
    run "$n"
    sleep 1
  done
  stop_server
  server_wrap=(); gen_wrap=()
fi
echo "== 100 households, the default limits (max_connections_per_address 256)"
start_server "$tmp/default.conf"
run 100
