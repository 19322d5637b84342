#!/usr/bin/env bash
# Benchmark: bulk transfer through bloatmeter-server, plain and TLS, beside
# iperf3 on loopback, in one run. Rows: iperf3 -P 4 and -P 1 (the TCP
# ceiling); `bloatmeter test` over ws:// and wss:// (its download and upload
# phases, warm-ups included for the CPU figures); curl on one connection,
# GET /download and POST /upload, over http:// and https:// (3 x 1 GiB each
# way). For each: Mbit/s, and the CPU seconds per GB moved of the server end
# (bloatmeter-server, or iperf3 -s) and of the client end, read from
# /proc/PID/stat; 8 / (server s/GB) is the Gbit/s one server core carries.
# Both ends share the machine's cores, so on loopback a TLS row pays for
# encryption twice. "Rest of the machine" is /proc/stat's busy time less
# both ends': the kernel's softirq work for loopback, and anything else
# that ran (others' jobs on a shared machine show up there). The
# certificate is a throwaway P-256 one (the kind the server generates
# itself), made with openssl in a temporary folder.
# Usage: tests/bench/throughput_tls.sh [quick|standard]
set -euo pipefail
here="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$here"
command -v iperf3 >/dev/null || { ${SUDO:-} apt-get install -y -qq iperf3 >/dev/null; }
plan="${1:-quick}"
tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT; trap "exit 143" TERM INT
hz=$(getconf CLK_TCK)
ticks() { awk '{ sub(/.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"; }  # utime + stime
busy() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 }' /proc/stat; }  # the machine: user nice system irq softirq

load=$(cut -d' ' -f1-3 /proc/loadavg)
mkdir -p "$tmp/web"; echo '<p>bench</p>' >"$tmp/web/index.html"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=127.0.0.1 \
  -keyout "$tmp/key.pem" -out "$tmp/cert.pem" 2>/dev/null
: >"$tmp/server.conf"  # the default settings
build/native/server/bloatmeter-server --listen 127.0.0.1:0 --tls-listen 127.0.0.1:0 --cert "$tmp/cert.pem" \
  --key "$tmp/key.pem" --web-root "$tmp/web" --data-dir "$tmp/data" --config "$tmp/server.conf" >"$tmp/server.out" 2>&1 &
server=$!
pids+=("$server")
for _ in $(seq 100); do grep -q "https://" "$tmp/server.out" && break; sleep 0.1; done
http=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$tmp/server.out" | head -1)
https=$(grep -o 'https://127\.0\.0\.1:[0-9]*' "$tmp/server.out" | head -1)
cipher=$(openssl s_client -connect "${https#https://}" </dev/null 2>/dev/null | grep -o 'New, .*' || true)
aes=$(openssl speed -seconds 1 -bytes 16384 -evp aes-256-gcm 2>/dev/null | awk '/^AES-256-GCM/ { print $2 }')

rows="$tmp/rows"  # name direction Mbit/s bytes server_ticks client_ticks machine_ticks window_seconds
iperf3 -s -B 127.0.0.1 -p 5299 >/dev/null 2>&1 &
iperf_server=$!
pids+=("$iperf_server")
sleep 0.5
iperf() {  # $1: streams, $2: -R for download
  local s0 m0 c; s0=$(ticks "$iperf_server"); m0=$(busy)
  c=$( { /usr/bin/time -f '%U %S %e' timeout 30 iperf3 -c 127.0.0.1 -p 5299 -t 5 -P "$1" $2 -J >"$tmp/iperf.json"; } 2>&1 | tail -1)
  python3 - "$tmp/iperf.json" "iperf3_-P_$1" "${2:+download}" "$(( $(ticks "$iperf_server") - s0 ))" "$c" "$hz" \
    "$(( $(busy) - m0 ))" >>"$rows" <<'PY'
import json, sys
e = json.load(open(sys.argv[1]))["end"]["sum_received"]
user, system, wall = map(float, sys.argv[5].split())
print(sys.argv[2], sys.argv[3] or "upload", e["bits_per_second"] / 1e6, e["bytes"], sys.argv[4], round((user + system) * int(sys.argv[6])), sys.argv[7], wall)
PY
}
for p in 4 1; do iperf "$p" -R; iperf "$p" ""; done
kill "$iperf_server"

# bloatmeter test: the server's and the client's CPU sampled every 50 ms,
# cut at the result's phase times (warm-up and phase, each direction).
native() {  # $1: url, $2: row name
  local client sampler
  build/native/cli/bloatmeter test "$1" --plan "$plan" --insecure --json "$tmp/native.json" >"$tmp/native.out" </dev/null &
  client=$!
  # The sampler also bounds the test: it stops the client after 120 s.
  python3 -c '
import os, signal, sys, time
pids, end = sys.argv[2:], time.time() + 120
with open(sys.argv[1], "w") as out:
    while True:
        if time.time() > end: os.kill(int(pids[-1]), signal.SIGTERM); sys.exit(0)
        row = [f"{time.time():.3f}"]
        c = open("/proc/stat").readline().split()
        row.append(str(sum(int(c[i]) for i in (1, 2, 3, 6, 7))))
        for p in pids:
            try: f = open(f"/proc/{p}/stat").read().rsplit(")", 1)[1].split()
            except OSError: sys.exit(0)
            row.append(str(int(f[11]) + int(f[12])))
        print(" ".join(row), file=out, flush=True)
        time.sleep(0.05)' "$tmp/cpu.txt" "$server" "$client" &
  sampler=$!
  wait "$client" || { echo "bloatmeter test $1 failed:"; cat "$tmp/native.out"; exit 1; }
  wait "$sampler" 2>/dev/null || true
  python3 - "$tmp/native.json" "$tmp/cpu.txt" "$2" >>"$rows" <<'PY'
import json, sys
from datetime import datetime
r = json.load(open(sys.argv[1]))
t0 = datetime.fromisoformat(r["meta"]["started_at"].replace("Z", "+00:00")).timestamp()
cpu = [tuple(map(float, l.split())) for l in open(sys.argv[2]) if len(l.split()) == 4]  # time machine server client
def at(t):  # the last sample at or before t
    return max((c for c in cpu if c[0] <= t), key=lambda c: c[0], default=cpu[0])
phases = {p["name"]: p for p in r["raw"]["phases"]}
for d in ("download", "upload"):
    a, b = phases[d + "_warmup"]["start_us"], phases[d]["end_us"]
    moved = sum(i["bytes"] for i in r["raw"]["throughput"] if i["direction"] == d and a <= i["start_us"] < b)
    s, e = at(t0 + a / 1e6), at(t0 + b / 1e6)
    # Mbit/s: the summary's (the graded phase); bytes and CPU: warm-up and phase.
    print(sys.argv[3], d, r["summary"][d + "_mbps"], moved, round(e[2] - s[2]), round(e[3] - s[3]), round(e[1] - s[1]), round(e[0] - s[0], 3))
PY
}
native "$http" WebSocket_ws://
native "$https" WebSocket_wss://

# curl, one connection, 3 x 1 GiB each way.
head -c 1073741824 /dev/zero >"$tmp/body.bin"
curl_run() {  # $1: base url, $2: download|upload, $3: row name
  local s0 m0 w0 c args=()
  for _ in 1 2 3; do
    if [ "$2" = download ]; then args+=(-o /dev/null "$1/download?bytes=1073741824")
    else args+=(-o /dev/null -X POST -H 'Expect:' -H 'Content-Type: application/octet-stream' -T "$tmp/body.bin" "$1/upload"); fi
  done
  s0=$(ticks "$server"); m0=$(busy); w0=$(date +%s%N)
  c=$( { /usr/bin/time -f '%U %S' curl -sk --max-time 60 -w '%{http_code} %{size_download} %{size_upload} %{time_total}\n' \
        "${args[@]}" >"$tmp/curl.txt"; } 2>&1 | tail -1)
  # Mbit/s over the command's wall time (curl's start and the handshakes included).
  awk -v name="$3" -v d="$2" -v st=$(( $(ticks "$server") - s0 )) -v mt=$(( $(busy) - m0 )) -v c="$c" -v hz="$hz" \
      -v secs="$(( $(date +%s%N) - w0 ))e-9" '
    $1 != 200 { bad = 1 } { bytes += (d == "download" ? $2 : $3) }
    END { if (bad || bytes < 3 * 1073741824) { print "curl " name " " d " failed" > "/dev/stderr"; exit 1 }
          split(c, t, " "); printf "%s %s %.1f %.0f %d %.0f %d %.3f\n", name, d, bytes * 8 / secs / 1e6, bytes, st, (t[1] + t[2]) * hz, mt, secs }' \
    "$tmp/curl.txt" >>"$rows"
}
for d in download upload; do
  curl_run "$http" "$d" HTTP_http://
  curl_run "$https" "$d" HTTPS_https://
done
rm -f "$tmp/body.bin"

python3 - "$rows" "$hz" "$plan" "$cipher" "$aes" "$load" <<'PY'
import sys
hz = int(sys.argv[2]); rows = {}
for l in open(sys.argv[1]):
    name, d, mbps, moved, st, ct, mt, secs = l.split()
    gb = int(moved) / 1e9
    rows.setdefault(name.replace("_", " "), {})[d] = (float(mbps), int(st) / hz / gb, int(ct) / hz / gb, int(mt) / hz / gb,
                                                       int(mt) / hz / float(secs))
aes = float(sys.argv[5].rstrip("k") or 0) / 1e3
print(f"load average at the start: {sys.argv[6]}, at the end: {' '.join(open('/proc/loadavg').read().split()[:3])}")
print(f"plan {sys.argv[3]}; TLS: {sys.argv[4] or 'unknown'}; openssl speed aes-256-gcm, 16 KiB: {aes:.0f} MB/s on one core")
print("| transfer | download Mbit/s | upload Mbit/s | server CPU s/GB down / up | server Gbit/s per core down / up "
      "| client CPU s/GB down / up | rest of the machine s/GB down / up | cores busy down / up |")
print("|---|---|---|---|---|---|---|---|")
f = lambda x: f"{x:,.0f}".replace(",", " ")
rest = lambda x: x[3] - x[1] - x[2]  # softirq (loopback's TCP) and any other process
for name, r in rows.items():
    dn, up = r["download"], r["upload"]
    per_core = lambda x: f"{8 / x:.1f}" if x > 0 else "-"
    print(f"| {name} | {f(dn[0])} | {f(up[0])} | {dn[1]:.2f} / {up[1]:.2f} | {per_core(dn[1])} / {per_core(up[1])} "
          f"| {dn[2]:.2f} / {up[2]:.2f} | {rest(dn):.2f} / {rest(up):.2f} | {dn[4]:.1f} / {up[4]:.1f} |")
for tls, plain in (("WebSocket wss://", "WebSocket ws://"), ("HTTPS https://", "HTTP http://")):
    t, p = rows[tls], rows[plain]
    print(f"{tls} / {plain} (down / up): throughput {t['download'][0] / p['download'][0]:.2f} / {t['upload'][0] / p['upload'][0]:.2f}, "
          f"server CPU per GB {t['download'][1] / p['download'][1]:.2f} / {t['upload'][1] / p['upload'][1]:.2f}, "
          f"server's extra CPU per GB {t['download'][1] - p['download'][1]:.2f} / {t['upload'][1] - p['upload'][1]:.2f} s "
          f"(AES-256-GCM alone: {1e3 / aes if aes else 0:.2f} s)")
print("raw (name direction Mbit/s bytes server_ticks client_ticks machine_ticks window_s):")
print(open(sys.argv[1]).read(), end="")
PY
