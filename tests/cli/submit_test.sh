#!/usr/bin/env bash
# Handing native results to the server's operator, against the real server
# on loopback: `bloatmeter test --submit` (the server then has the result,
# GET /api/results/ID answers it), an aborted run submitted too (marked
# aborted), `bloatmeter household --submit` over HTTPS, the hint a run
# without --submit prints, `bloatmeter submit FILE` of a fixture and of a
# run's file, and the errors: a corrupt or missing file (exit 5, nothing
# sent), a file naming no server (exit 2), an unreachable server (exit 3),
# a server gone after the run (--submit: exit 6, the result kept in a
# file), a server that never answers (Ctrl-C, exit 6), a server that refuses
# (exit 6, the server's reason, the result kept in a file that `bloatmeter
# submit` takes later).
# Runtime: one quick test (17 s), one quick household (12 s), four runs
# stopped after 1-2 s.
set -u
bin=$(realpath "$1"); server=$(realpath "$2"); fixtures=$(realpath "$3")
# shellcheck source=expect.sh
source "$(dirname "$0")/expect.sh"
# shellcheck source=servers.sh
source "$(dirname "$0")/servers.sh"
tmp=$(mktemp -d)
trap 'stop_servers; rm -rf "$tmp"' EXIT

start_server main --tls-listen 127.0.0.1:0
http=$started_http; https=$started_https
expect "the server started ($http, $https)" '[ -n "$http" ] && [ -n "$https" ]' || { expect_summary; exit 1; }

# stored URL ID FILE: the server's GET /api/results/ID is 200 and holds the
# document in FILE (same start, plan, client, probes, aborted flag).
stored() {
  python3 - "$1" "$2" "$3" <<'PY'
import json, ssl, sys, urllib.request
base, rid, path = sys.argv[1:]
ctx = ssl._create_unverified_context()
with urllib.request.urlopen(f"{base}/api/results/{rid}", context=ctx, timeout=10) as r:
    status, doc = r.status, json.load(r)
mine = json.load(open(path))
got = doc["result"]
# Everything sent is stored as sent; the server's copy may add keys a newer
# format writes with their defaults (a file from an older client).
def within(sent, kept):
    if isinstance(sent, dict):
        return isinstance(kept, dict) and all(k in kept and within(v, kept[k]) for k, v in sent.items())
    if isinstance(sent, list):
        return isinstance(kept, list) and len(sent) == len(kept) and all(map(within, sent, kept))
    return sent == kept
same = all(within(mine[k], got[k]) for k in ("plan", "raw")) and all(
    got["meta"][k] == mine["meta"][k] for k in ("client", "started_at", "mode", "server"))
print(f"    GET /api/results/{rid}: {status}, {len(got['raw'].get('probes', []))} probes, "
      f"aborted {got['raw'].get('aborted')}, same document: {same}")
sys.exit(0 if status == 200 and doc["id"] == rid and same else 1)
PY
}
submitted_id() { grep -o '^submitted: [A-Za-z0-9_-]*' | head -1 | cut -d' ' -f2; }
# run_until NAME SECONDS STOP ARGS...: `bloatmeter ARGS`, its output in
# $tmp/NAME.out and $tmp/NAME.err; SECONDS after its baseline began, the
# command STOP is evaluated ($pid is the client's); sets code to the
# client's exit code. stopped_run NAME SECONDS ARGS...: stopped with Ctrl-C.
run_until() {
  local name=$1 after=$2 stop=$3 pid
  shift 3
  timeout 60 "$bin" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err" </dev/null &
  pid=$!
  for _ in $(seq 100); do grep -q "^Baseline" "$tmp/$name.out" && break; sleep 0.1; done
  sleep "$after"
  eval "$stop"; wait $pid; code=$?
}
stopped_run() { run_until "$1" "$2" 'kill -INT $pid' "${@:3}"; }

cd "$tmp" || exit 1  # files a failed submission keeps land here

out=$(timeout 60 "$bin" test "$http" --plan quick --json "$tmp/native.json" --submit 2>"$tmp/err" </dev/null); code=$?
echo "$out" | tail -n 4 | sed 's/^/    /'
id=$(echo "$out" | submitted_id)
expect "test --submit completes with exit 0 and says: submitted: ID (server grade G)" \
  '[ $code -eq 0 ] && echo "$out" | grep -Eq "^submitted: [A-Za-z0-9_-]+ \(server grade (A\+|A|B|C|D|F)\)$"' ||
  { echo "    exit code $code"; sed 's/^/    /' "$tmp/err"; }
expect "the --json file was written before the submission" \
  'echo "$out" | grep -n "" | grep -E "Result file:|^[0-9]+:submitted:" | head -1 | grep -q "Result file:"'
expect "the server has the result: GET /api/results/ID is 200 with the same document" 'stored "$http" "$id" "$tmp/native.json"'
expect "no hint to --submit after a submitted run" '! echo "$out" | grep -q "Share this result"'

stopped_run stopped 2 test "$http" --plan quick --json "$tmp/stopped.json" --submit
id=$(submitted_id <"$tmp/stopped.out")
expect "an aborted run is submitted too (exit 4, submitted: ID)" '[ $code -eq 4 ] && [ -n "$id" ]' ||
  { echo "    exit code $code; the client printed:"; tail -n 8 "$tmp/stopped.out" "$tmp/stopped.err" | sed 's/^/    /'; }
expect "the server stored it marked aborted" 'stored "$http" "$id" "$tmp/stopped.json" && python3 -c "
import json,sys; sys.exit(0 if json.load(open(\"$tmp/stopped.json\"))[\"raw\"][\"aborted\"] else 1)"'

out=$(timeout 60 "$bin" household "$https" --plan quick --insecure --json "$tmp/household.json" --submit 2>"$tmp/err" </dev/null); code=$?
echo "$out" | tail -n 2 | sed 's/^/    /'
id=$(echo "$out" | submitted_id)
expect "household --submit over HTTPS (--insecure) completes and is submitted" '[ $code -eq 0 ] && [ -n "$id" ]' ||
  { echo "    exit code $code"; sed 's/^/    /' "$tmp/err"; }
expect "the server has the household result" 'stored "$https" "$id" "$tmp/household.json"'

stopped_run plain 1 test "$http" --plan quick
expect "a run without --submit prints the hint to share it" \
  'grep -q "^Share this result with the server'"'"'s operator: run again with --submit, or \`bloatmeter submit FILE\`" "$tmp/plain.out"'
expect "... and submits nothing (nor keeps a file)" '! grep -q "^submitted:" "$tmp/plain.out" && ! ls "$tmp"/bloatmeter-*.json >/dev/null 2>&1'

out=$("$bin" submit "$fixtures/quick-bloated.json" --server "$http" 2>&1); code=$?
echo "$out" | sed 's/^/    /'
id=$(echo "$out" | submitted_id)
expect "submit FILE --server URL of the browser fixture: exit 0, submitted: ID" '[ $code -eq 0 ] && [ -n "$id" ]'
expect "the server has the fixture" 'stored "$http" "$id" "$fixtures/quick-bloated.json"'
out=$("$bin" submit "$tmp/native.json" 2>&1); code=$?
expect "submit FILE without --server goes to the server the file names" \
  '[ $code -eq 0 ] && echo "$out" | grep -q "to $http" && echo "$out" | grep -q "^submitted: "' || echo "$out" | sed 's/^/    /'

head -c 300 "$tmp/native.json" >"$tmp/corrupt.json"
err=$("$bin" submit "$tmp/corrupt.json" --server "$http" 2>&1 >/dev/null); code=$?
echo "    $err"
expect "a corrupt file is refused before sending (exit 5, names the file)" \
  '[ $code -eq 5 ] && echo "$err" | grep -q "corrupt.json is not a valid result file"'
err=$("$bin" submit "$tmp/missing.json" --server "$http" 2>&1 >/dev/null); code=$?
expect "a missing file: exit 5, cannot read" '[ $code -eq 5 ] && echo "$err" | grep -q "cannot read"'
err=$("$bin" submit "$fixtures/quick-bloated.json" 2>&1 >/dev/null); code=$?
expect "a file naming no server, without --server: exit 2, asks for --server" '[ $code -eq 2 ] && echo "$err" | grep -q -- "--server URL"'
err=$("$bin" submit 2>&1 >/dev/null); code=$?
expect "no file: exit 2" '[ $code -eq 2 ]'

# A port nothing listens on: taken and released.
dead=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cp "$tmp/native.json" "$tmp/keep.json"
err=$("$bin" submit "$tmp/keep.json" --server "http://127.0.0.1:$dead" 2>&1 >/dev/null); code=$?
echo "    $err"
expect "an unreachable server: exit 3, cannot reach, the file untouched" \
  '[ $code -eq 3 ] && echo "$err" | grep -q "cannot reach" && cmp -s "$tmp/keep.json" "$tmp/native.json"'

# The server gone after the run: it stops during the test (which ends,
# aborted, when its connection is lost), so the submission finds nothing
# listening: exit 6, cannot reach, the result kept in a file it names.
start_server gone
gone_pid=$started_pid
run_until gone 1 'kill $gone_pid' test "$started_http" --plan quick --submit
sed 's/^/    /' "$tmp/gone.err"
kept=$(grep -o 'kept in [^;]*' "$tmp/gone.err" | cut -d' ' -f3-)
expect "a server gone before the submission: exit 6, cannot reach, the partial result kept in a file it names" \
  '[ $code -eq 6 ] && grep -q "not submitted: cannot reach" "$tmp/gone.err" && [ -n "$kept" ] &&
   "$bin" report "$kept" | grep -q "^flags .*aborted"' ||
  { echo "    exit code $code"; tail -n 4 "$tmp/gone.out" | sed 's/^/    /'; }

# A server that accepts the connection and never answers: Ctrl-C stops
# waiting (exit 6), at once rather than after the client's timeout.
stop_at_mute mute submit "$tmp/keep.json" --server MUTE
expect "Ctrl-C while waiting for the server's answer: exit 6, says so" \
  '[ $code -eq 6 ] && grep -q "stopped by the user before the server answered" "$tmp/mute.err"' ||
  { echo "    exit code $code"; sed 's/^/    /' "$tmp/mute.err"; }

# A server that takes the test and refuses the result: one submission per
# minute per address, used up by `submit` first.
printf 'submissions_per_minute_per_address=1\n' >"$tmp/strict.conf"
start_server strict --config "$tmp/strict.conf"
strict=$started_http
"$bin" submit "$fixtures/quick-bloated.json" --server "$strict" >/dev/null 2>&1
stopped_run refused 1 test "$strict" --plan quick --submit
sed 's/^/    /' "$tmp/refused.err"
kept=$(grep -o 'kept in [^;]*' "$tmp/refused.err" | cut -d' ' -f3-)
expect "a refused submission exits 6 with the server's reason, status and when to try again" \
  '[ $code -eq 6 ] && grep -q "not submitted: .*(HTTP 429)" "$tmp/refused.err" && grep -q "try again in" "$tmp/refused.err"'
expect "... and keeps the result (no --json) in a file it names" '[ -n "$kept" ] && [ -s "$kept" ]'
out=$("$bin" submit "$kept" --server "$http" 2>&1); code=$?
expect "the kept file is a valid result that submit takes later" '[ $code -eq 0 ] && echo "$out" | grep -q "^submitted: "' ||
  echo "$out" | sed 's/^/    /'
expect_summary
