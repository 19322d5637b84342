#!/usr/bin/env bash
# Measures the browser client's throughput on loopback and, in the same run,
# iperf3's single-stream TCP throughput as the machine's ceiling; prints both
# and their ratio. Usage: tests/bench/browser_throughput.sh [quick|standard]
set -euo pipefail
here="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$here"
command -v iperf3 >/dev/null || { ${SUDO:-} apt-get install -y -qq iperf3 >/dev/null; }
plan="${1:-standard}"
client=$(node tests/bench/browser_throughput.mjs build/native/server/bloatmeter-server build/web "$plan")
iperf3 -s -1 -B 127.0.0.1 -p 5299 >/dev/null 2>&1 &
sleep 0.5
down=$(iperf3 -c 127.0.0.1 -p 5299 -t 5 -R -J | python3 -c 'import json,sys; print(json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"]/1e6)')
iperf3 -s -1 -B 127.0.0.1 -p 5299 >/dev/null 2>&1 &
sleep 0.5
up=$(iperf3 -c 127.0.0.1 -p 5299 -t 5 -J | python3 -c 'import json,sys; print(json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"]/1e6)')
python3 - "$client" "$down" "$up" <<'PY'
import json, sys
c = json.loads(sys.argv[1]); down = float(sys.argv[2]); up = float(sys.argv[3])
print(f"browser client: download {c['download_mbps']:.0f} Mbit/s, upload {c['upload_mbps']:.0f} Mbit/s, streams {c['streams']}, flags {c['flags']}")
print(f"iperf3 ceiling: download {down:.0f} Mbit/s, upload {up:.0f} Mbit/s")
print(f"ratio browser/iperf3: download {c['download_mbps']/down:.3f}, upload {c['upload_mbps']/up:.3f}")
PY
