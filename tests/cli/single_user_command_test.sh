#!/usr/bin/env bash
# `bloatmeter test` against the real server on loopback: a quick run over
# HTTP and over HTTPS (self-signed, --insecure), the result file it writes,
# Ctrl-C (partial result, exit 4), and clear errors with distinct exit codes
# for an unreachable server, a bad URL, an unknown plan, an untrusted
# certificate.
set -u
bin="$1"; server="$2"
tmp=$(mktemp -d)
# shellcheck source=expect.sh
source "$(dirname "$0")/expect.sh"
# shellcheck source=servers.sh
source "$(dirname "$0")/servers.sh"
trap 'stop_servers; rm -rf "$tmp"' EXIT

# With the UDP lane: the test's UDP series runs beside it.
udp_port=$(python3 -c 'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
printf 'udp_port=%s\n' "$udp_port" >"$tmp/udp.conf"
start_server server --tls-listen 127.0.0.1:0 --config "$tmp/udp.conf"
server_pid=$started_pid; http=$started_http; https=$started_https
expect "the server started ($http, $https)" '[ -n "$http" ] && [ -n "$https" ]' || { expect_summary; exit 1; }

out=$(timeout 60 "$bin" test "$http" --plan quick --json "$tmp/native.json" </dev/null); code=$?
echo "$out" | sed 's/^/    /'
expect "a quick test over HTTP completes with exit 0" '[ $code -eq 0 ]'
expect "progress names every phase" 'for p in Baseline "Download warm-up" Download "Upload warm-up" Upload Bidirectional; do echo "$out" | grep -q "^$p " || exit 1; done'
expect "the summary table has an overall grade" 'echo "$out" | grep -Eq "^overall grade +(A\+|A|B|C|D|F)"'
report=$("$bin" report "$tmp/native.json"); rcode=$?
expect "the result file is valid for bloatmeter report" '[ $rcode -eq 0 ]'
expect "the file names the native client" 'echo "$report" | grep -Eq "^client +native"'
expect "throughput > 0 both ways" 'echo "$report" | grep -Eq "^download \(Mbit/s\) +[1-9]" && echo "$report" | grep -Eq "^upload \(Mbit/s\) +[1-9]"'
python3 - "$tmp/native.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
probes = d["raw"]["probes"]
answered = [p for p in probes if "received_us" in p]
names = [p["name"] for p in d["raw"]["phases"]]
ok = (d["format"] == "bloatmeter-result" and d["version"] == 1 and len(probes) >= 280
      and len(answered) >= 0.95 * len(probes)
      and names == ["baseline", "download_warmup", "download", "upload_warmup", "upload", "bidirectional"]
      and d["meta"]["started_at"].endswith("Z") and "." in d["meta"]["started_at"])
print(f"    {len(probes)} probes, {len(answered)} answered, phases {names}")
sys.exit(0 if ok else 1)
PY
expect "the file holds 20 Hz probes, nearly all answered, every phase, a ms-precise start" '[ $? -eq 0 ]'
python3 - "$tmp/native.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
raw, udp = d["raw"].get("udp", {}), d["summary"].get("udp", {})
phases = {p["name"]: p for p in udp.get("phases", [])}
print(f"    UDP: {udp.get('status')}, {udp.get('requests')} requests, {udp.get('answered')} answered, "
      f"lost up {udp.get('up', {}).get('lost')} down {udp.get('down', {}).get('lost')}, offset from {udp.get('offset_from')}")
ok = (d["raw"]["probe_transport"] == "websocket" and raw.get("transport") == "udp" and udp.get("status") == "measured"
      and raw.get("interval_us") == 20000 and raw.get("datagram_bytes") == 172
      and udp["requests"] >= 800 and udp["up"]["lost"] == 0 and udp["down"]["lost"] == 0
      and udp["grades"] is False and udp["offset_from"] == "probe_lane"
      and all(phases[n]["up"]["one_way_ms"] and phases[n]["down"]["one_way_ms"] for n in ("baseline", "download", "upload", "bidirectional")))
sys.exit(0 if ok else 1)
PY
expect "a UDP series beside the test: 50 Hz of 172 bytes, nothing lost either way, one-way delays per phase, not grading" '[ $? -eq 0 ]'
expect "the summary table shows the UDP rows as loss and one-way delay, never latency" \
  'echo "$out" | grep -Eq "^UDP series +measured" && echo "$out" | grep -Eq "^UDP download lost up/down \(%\) +0\.00/0\.00" && echo "$out" | grep -q "^UDP rows: .*not latency, never graded" && ! echo "$out" | grep "^UDP" | grep -qi "rtt\|latency (ms)"'

out=$(timeout 60 "$bin" test "$https" --plan quick --insecure --no-udp --json "$tmp/https.json" </dev/null); code=$?
expect "a quick test over HTTPS with --insecure completes" '[ $code -eq 0 ] && echo "$out" | grep -Eq "^overall grade +(A\+|A|B|C|D|F)"'
expect "--no-udp: the result says the UDP series was off, and sent none" \
  'python3 -c "import json,sys; u=json.load(open(sys.argv[1]))[\"raw\"][\"udp\"]; sys.exit(0 if u[\"status\"] == \"off\" and not u[\"requests\"] else 1)" "$tmp/https.json"'
err=$(timeout 30 "$bin" test "$https" --plan quick 2>&1 >/dev/null </dev/null); code=$?
expect "a self-signed certificate is refused by default (exit 3, hint)" '[ $code -eq 3 ] && echo "$err" | grep -q "certificate" && echo "$err" | grep -q -- "--insecure"'

timeout 60 "$bin" test "$http" --plan quick --json "$tmp/stopped.json" >"$tmp/stopped.out" </dev/null &
pid=$!
sleep 4
kill -INT $pid; wait $pid; code=$?
expect "Ctrl-C stops the test with exit 4" '[ $code -eq 4 ] && grep -q "aborted: stopped by the user" "$tmp/stopped.out"' ||
  { echo "    exit code $code; the client printed:"; tail -n 15 "$tmp/stopped.out" | sed 's/^/    /'; }
python3 - "$tmp/stopped.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
names = [p["name"] for p in d["raw"]["phases"]]
sys.exit(0 if d["raw"]["aborted"] and 2 <= len(names) < 6 else 1)
PY
expect "the partial result is saved, marked aborted, without the phases that never ran" '[ $? -eq 0 ]'

# Ctrl-C before the test starts: a server whose port accepts connections
# but never answers the WebSocket handshake keeps the client connecting.
stop_at_mute early test MUTE --plan quick --json "$tmp/early.json"
expect "Ctrl-C while connecting exits 4 and says the test never started, leaving no result file" \
  '[ $code -eq 4 ] && grep -q "stopped by the user before the test started" "$tmp/early.err" && [ ! -e "$tmp/early.json" ]' ||
  { echo "    exit code $code; the client printed:"; cat "$tmp/early.out" "$tmp/early.err" | sed 's/^/    /'; }

# A server already running all the tests it may (max_tests=1): a second
# test is refused before it starts, and the client says the server is busy
# and when to try again, rather than "cannot reach".
printf 'max_tests=1\n' >"$tmp/one-test.conf"
start_server busy --config "$tmp/one-test.conf"
busy_pid=$started_pid; busy=$started_http
timeout 60 "$bin" test "$busy" --plan quick --json "$tmp/first.json" >"$tmp/first.out" 2>&1 </dev/null &
first_pid=$!
for _ in $(seq 100); do grep -q "^Baseline" "$tmp/first.out" && break; sleep 0.1; done
err=$(timeout 30 "$bin" test "$busy" --plan quick 2>&1 >/dev/null); code=$?
expect "a test the server has no room for exits 3: busy, try again in 5 s" \
  '[ $code -eq 3 ] && echo "$err" | grep -q "the test server is busy" && echo "$err" | grep -q "try again in 5 s"' ||
  { echo "    exit code $code; the client printed:"; echo "$err" | sed 's/^/    /'; }
kill -INT $first_pid 2>/dev/null; wait $first_pid 2>/dev/null
# That server has no UDP lane: the test ran without a UDP series, and says why.
expect "a server without a UDP lane: the result's UDP series is unavailable, naming udp_port" \
  'python3 -c "import json,sys; u=json.load(open(sys.argv[1]))[\"raw\"][\"udp\"]; sys.exit(0 if u[\"status\"] == \"unavailable\" and \"udp_port\" in u[\"reason\"] else 1)" "$tmp/first.json"'
expect "the server logged the refusal" 'grep -q "warning \[limits\] refused a test" "$tmp/busy.err"'
kill $busy_pid; wait $busy_pid 2>/dev/null

# A server that takes the connection and never answers (hung, or out of
# file descriptors with the connection waiting in its accept queue): the
# client gives up after its 10 s handshake timeout and says it could not
# reach the server. It once said "the server refused (HTTP 500)": Beast
# presets a handshake's response to 500 before any answer arrives.
silent_port_file="$tmp/silent.port"
python3 -c '
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(16)
open(sys.argv[1], "w").write(str(s.getsockname()[1]))
held = []
s.settimeout(40)
try:
    while True: held.append(s.accept()[0])
except OSError:
    pass
' "$silent_port_file" &
silent_pid=$!
for _ in $(seq 50); do [ -s "$silent_port_file" ] && break; sleep 0.1; done
err=$(timeout 30 "$bin" test "http://127.0.0.1:$(cat "$silent_port_file")" --plan quick 2>&1 >/dev/null); code=$?
expect "a server that never answers: exit 3, 'cannot reach', no invented HTTP status" \
  '[ $code -eq 3 ] && echo "$err" | grep -q "cannot reach" && ! echo "$err" | grep -q "HTTP 500"' || echo "$err"
kill $silent_pid 2>/dev/null; wait $silent_pid 2>/dev/null

# A port nothing listens on: the server's own port, after it stops.
kill "$server_pid"; wait "$server_pid" 2>/dev/null
err=$(timeout 30 "$bin" test "$http" --plan quick 2>&1 >/dev/null); code=$?
expect "an unreachable server exits 3 and says so" '[ $code -eq 3 ] && echo "$err" | grep -q "cannot reach"'
err=$("$bin" test ftp://example.invalid 2>&1); code=$?
expect "a URL that is not http(s) is a usage error (exit 2)" '[ $code -eq 2 ] && echo "$err" | grep -q "http://"'
err=$("$bin" test "$http" --plan forever 2>&1); code=$?
expect "an unknown plan is a usage error (exit 2)" '[ $code -eq 2 ] && echo "$err" | grep -q "unknown plan"'
err=$("$bin" test 2>&1); code=$?
expect "no URL is a usage error (exit 2)" '[ $code -eq 2 ]'
expect_summary
