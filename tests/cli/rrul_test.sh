#!/usr/bin/env bash
# `bloatmeter rrul` against the real server on loopback, IPv4 and IPv6 at
# once (a private mount namespace whose /etc/hosts names localhost both
# 127.0.0.1 and ::1, as Debian's does), each load flow paced to 20 Mbit/s
# so that one host can drive client and server both and the result is
# valid: it completes with both families used, every UDP flow measured
# and its marking preserved each way, the page loaded idle and under load,
# the score printed; the file recomputes to the same score with `report`;
# -4 runs IPv4 alone; a second test while one runs is refused (exit 3);
# bad options exit 2. Runtime: about 30 s.
set -u
bin=$(realpath "$1"); server=$(realpath "$2")
# shellcheck source=expect.sh
source "$(dirname "$0")/expect.sh"
tmp=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$tmp"' EXIT

udp_port=$(python3 -c 'import socket; s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); s.bind(("::", 0)); print(s.getsockname()[1])')
printf 'udp_port=%s\n' "$udp_port" >"$tmp/rrul.conf"
mkdir -p "$tmp/web"
"$server" --listen '[::]:0' --web-root "$tmp/web" --data-dir "$tmp/data" --drain-seconds 0 --config "$tmp/rrul.conf" \
  >"$tmp/server.out" 2>"$tmp/server.err" &
pids+=($!)
for _ in $(seq 100); do grep -q 'listening on' "$tmp/server.out" && break; sleep 0.1; done
port=$(grep -o 'listening on http://[^:]*:[0-9]*' "$tmp/server.out" | grep -o '[0-9]*$')
expect "the server listens on IPv6 and IPv4 ($port)" '[ -n "$port" ]' || { cat "$tmp/server.err"; expect_summary; exit 1; }

printf '127.0.0.1 localhost\n::1 localhost\n' >"$tmp/hosts"
dual() {  # the client with localhost resolving to both families
  unshare --mount sh -c 'mount --bind "$0" /etc/hosts && exec "$@"' "$tmp/hosts" "$bin" "$@"
}

dual rrul "http://localhost:$port" --plan quick --pace-mbps 20 --json "$tmp/r.json" --flent "$tmp/r.flent.gz" \
  >"$tmp/run.out" 2>"$tmp/run.err"; code=$?
sed 's/^/    /' "$tmp/run.out"
expect "a quick RRUL run exits 0" '[ "$code" -eq 0 ]' || sed 's/^/    /' "$tmp/run.err"
expect "both families carried flows" "grep -q 'Address families: IPv4 used (127.0.0.1) IPv6 used (::1)' '$tmp/run.out'"
expect "the result is valid" "grep -q '^Validity: valid' '$tmp/run.out'"
expect "a web score and a composite" "grep -Eq '^RRUL score: web [0-9]+ / 100' '$tmp/run.out' && grep -Eq '^  composite [0-9.]+ / 100' '$tmp/run.out'"
expect "all 12 UDP flows measured, marking preserved both ways" \
  "[ \$(grep -Ec '^  (rr|voip) .* preserved preserved\$' '$tmp/run.out') -eq 12 ]"
expect "16 load flows at about their 20 Mbit/s cap" \
  "python3 - '$tmp/r.json' <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))['summary']['rrul']
flows = s['tcp_flows']
assert len(flows) == 16, len(flows)
assert all(f['connected'] and 16 <= f['mbps'] <= 21 for f in flows), [f['mbps'] for f in flows]
PY"
expect "the page loaded idle and under load, none failed" \
  "python3 -c 'import json,sys; p=json.load(open(sys.argv[1]))[\"summary\"][\"rrul\"][\"pages\"]; assert p[\"idle_loads\"]>=2 and p[\"loaded_loads\"]>=2 and p[\"failed\"]==0, p' '$tmp/r.json'"
expect "no IPv6 penalty, no SYN slew" "! grep -Eq '^  (no_ipv6|syn_slew):' '$tmp/run.out'"

"$bin" report "$tmp/r.json" >"$tmp/report.out" 2>&1; code=$?
expect "report recomputes the same score" \
  "[ '$code' -eq 0 ] && [ \"\$(grep '^RRUL score' '$tmp/report.out')\" = \"\$(grep '^RRUL score' '$tmp/run.out')\" ] && [ \"\$(grep '^  composite' '$tmp/report.out')\" = \"\$(grep '^  composite' '$tmp/run.out')\" ]"

# Flent (Debian's) opens the --flent file: it plots it, and its summary's
# figures are the result's own (the ping medians over the same samples,
# the download sum's mean over the load's measured part).
(cd "$tmp" && flent -i r.flent.gz -p all_scaled -o plot.png >flent-plot.out 2>&1)
expect "flent plots the file (a PNG)" "[ -s '$tmp/plot.png' ] && [ \"\$(head -c 4 '$tmp/plot.png' | tail -c 3)\" = PNG ]" ||
  sed 's/^/    /' "$tmp/flent-plot.out"
(cd "$tmp" && flent -i r.flent.gz -f summary >flent-summary.out 2>&1)
sed 's/^/    /' "$tmp/flent-summary.out"
expect "flent's summary agrees with the result (ping medians, download throughput)" \
  "python3 - '$tmp/r.json' '$tmp/flent-summary.out' <<'PY'
import json, re, statistics, sys
result = json.load(open(sys.argv[1]))
flent = {}
for line in open(sys.argv[2]):
    m = re.match(r'^ (.+?)\s+:\s+([0-9.]+)\s+([0-9.]+)\s+([0-9.]+)', line)
    if m:
        flent[m.group(1).strip()] = (float(m.group(2)), float(m.group(3)))
names = {'BE': 'BE', 'CS1': 'BK', 'EF': 'EF'}
primary = next(f['family'] for f in result['raw']['rrul']['families'] if f['state'] == 'used')
for flow in result['raw']['rrul']['udp_flows']:
    if flow['kind'] != 'rr' or flow['family'] != primary:
        continue
    replies = flow['udp']['replies']  # columns (docs/method.md, raw.rrul)
    seen, rtts = set(), []
    for seq, rtt, hold in zip(replies['seq'], replies['rtt_us'], replies['hold_us']):
        if seq in seen:
            continue
        seen.add(seq)
        rtts.append((rtt - hold) / 1000)
    ours, theirs = statistics.median(rtts), flent['Ping (ms) UDP ' + names[flow['class']]][1]
    assert abs(ours - theirs) <= max(0.05, 0.15 * ours), (flow['class'], ours, theirs)
load = [l for l in result['summary']['rrul']['load'] if l['direction'] == 'download'][0]['payload_mbps']
assert abs(flent['TCP download sum'][1] - load) <= 0.15 * load, (flent['TCP download sum'], load)
PY"

# A second test while the first runs: refused, exit 3, saying why.
dual rrul "http://localhost:$port" --plan quick --pace-mbps 20 -4 >"$tmp/first.out" 2>"$tmp/first.err" &
first=$!
for _ in $(seq 100); do grep -q 'RRUL against' "$tmp/first.out" && break; sleep 0.1; done
"$bin" rrul "http://127.0.0.1:$port" --plan quick >"$tmp/second.out" 2>"$tmp/second.err"; code=$?
expect "a second RRUL test at once: exit 3, naming rrul_max_tests" \
  '[ "$code" -eq 3 ] && grep -q rrul_max_tests "$tmp/second.err"' || sed 's/^/    /' "$tmp/second.err"
wait "$first"; code=$?
expect "-4: IPv4 alone, IPv6 off" \
  "[ '$code' -eq 0 ] && grep -q 'IPv4 used (127.0.0.1) IPv6 off' '$tmp/first.out'" || sed 's/^/    /' "$tmp/first.out" "$tmp/first.err"

"$bin" rrul "http://127.0.0.1:$port" -4 -6 >/dev/null 2>"$tmp/bad.err"; code=$?
expect "-4 and -6 together: exit 2" '[ "$code" -eq 2 ] && grep -q -- "-4 and -6" "$tmp/bad.err"'
"$bin" rrul "http://127.0.0.1:$port" --plan huge >/dev/null 2>&1; code=$?
expect "an unknown plan: exit 2" '[ "$code" -eq 2 ]'
"$bin" rrul "http://127.0.0.1:$port" --pace-mbps 0 >/dev/null 2>&1; code=$?
expect "a pace of 0: exit 2" '[ "$code" -eq 2 ]'
expect_summary
