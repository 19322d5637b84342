#!/usr/bin/env bash
# Measures the browser client's throughput on loopback and, in the same run,
# the native client's (the same server driven by the native load path) and
# iperf3's single-stream TCP throughput as the machine's ceiling, and the
# server's HTTP upload sink fed by curl; prints them and their ratios.
# Usage: tests/bench/browser_throughput.sh [quick|standard]
set -euo pipefail
here="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$here"
command -v iperf3 >/dev/null || { ${SUDO:-} apt-get install -y -qq iperf3 >/dev/null; }
plan="${1:-standard}"
client=$(node tests/bench/browser_throughput.mjs build/native/server/bloatmeter-server build/web "$plan")
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
build/native/server/bloatmeter-server --listen 127.0.0.1:0 --web-root build/web --data-dir "$tmp/data" >"$tmp/server.out" 2>&1 &
server_pid=$!
for _ in $(seq 100); do grep -q "http://" "$tmp/server.out" && break; sleep 0.1; done
url=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$tmp/server.out" | head -1)
timeout 120 build/native/cli/bloatmeter test "$url" --plan "$plan" --json "$tmp/native.json" >/dev/null </dev/null || true
# The server's HTTP upload sink alone: one POST /upload of 1 GiB from curl on
# one connection, timed by the server (its answer's duration_ms).
head -c 1073741824 /dev/zero >"$tmp/body.bin"
sink=$(curl -s -X POST -H 'Expect:' -H 'Content-Type: application/octet-stream' -T "$tmp/body.bin" "$url/upload" |
  python3 -c 'import json,sys; a=json.load(sys.stdin); print(a["bytes"]*8/(a["duration_ms"]/1e3)/1e6)')
rm -f "$tmp/body.bin"
kill "$server_pid"; wait "$server_pid" 2>/dev/null || true
native=$(python3 -c 'import json,sys; s=json.load(open(sys.argv[1]))["summary"]; print(json.dumps({"download_mbps": s["download_mbps"], "upload_mbps": s["upload_mbps"]}))' "$tmp/native.json")
iperf3 -s -1 -B 127.0.0.1 -p 5299 >/dev/null 2>&1 &
sleep 0.5
down=$(iperf3 -c 127.0.0.1 -p 5299 -t 5 -R -J | python3 -c 'import json,sys; print(json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"]/1e6)')
iperf3 -s -1 -B 127.0.0.1 -p 5299 >/dev/null 2>&1 &
sleep 0.5
up=$(iperf3 -c 127.0.0.1 -p 5299 -t 5 -J | python3 -c 'import json,sys; print(json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"]/1e6)')
python3 - "$client" "$down" "$up" "$native" "$sink" <<'PY'
import json, sys
c = json.loads(sys.argv[1]); down = float(sys.argv[2]); up = float(sys.argv[3]); n = json.loads(sys.argv[4])
sink = float(sys.argv[5])
print(f"browser client: download {c['download_mbps']:.0f} Mbit/s, upload {c['upload_mbps']:.0f} Mbit/s, streams {c['streams']}, flags {c['flags']}")
print(f"native client:  download {n['download_mbps']:.0f} Mbit/s, upload {n['upload_mbps']:.0f} Mbit/s")
print(f"iperf3 ceiling: download {down:.0f} Mbit/s, upload {up:.0f} Mbit/s")
print(f"server's POST /upload sink, curl, one connection: {sink:.0f} Mbit/s")
print(f"ratio browser/iperf3: download {c['download_mbps']/down:.3f}, upload {c['upload_mbps']/up:.3f}")
print(f"ratio browser/native: download {c['download_mbps']/n['download_mbps']:.3f}, upload {c['upload_mbps']/n['upload_mbps']:.3f}")
PY
