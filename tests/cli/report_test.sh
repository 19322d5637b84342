#!/usr/bin/env bash
# `bloatmeter report`: recomputes a file's summary, compares several, and
# refuses bad files with a clear message and exit code 5.
set -u
bin="$1"; fixtures="$2"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
# shellcheck source=expect.sh
source "$(dirname "$0")/expect.sh"

out=$("$bin" report "$fixtures/quick-bloated.json"); code=$?
expect "a valid file reports with exit 0" '[ $code -eq 0 ]'
expect "the recomputed overall grade is C (worst of +80, +25, +120 ms)" 'echo "$out" | grep -Eq "^overall grade +C"'
expect "the download increase is about 80 ms" 'echo "$out" | grep -Eq "^download increase \(ms\) +(79|80|81)\.[0-9] \(C\)"'
expect "throughput is recomputed from intervals" 'echo "$out" | grep -Eq "^download \(Mbit/s\) +48\.0"'
expect "no probe of that file was held up" 'echo "$out" | grep -Eq "^probes held, left out +0 of [0-9]+"'

# 8 probes held up by a loss (tests/fixtures/held_probes.mjs).
node "$fixtures/held_probes.mjs" "$tmp/held.json"
out=$("$bin" report "$tmp/held.json"); code=$?
expect "probes held up by a loss are counted and left out" '[ $code -eq 0 ] && echo "$out" | grep -Eq "^probes held, left out +8 of [0-9]+"'
expect "the download increase is still about 80 ms" 'echo "$out" | grep -Eq "^download increase \(ms\) +(79|80|81)\.[0-9] \(C\)"'

# A file claiming a false summary is recomputed, not believed.
python3 - "$fixtures/quick-bloated.json" "$tmp/claims-aplus.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); d["summary"] = {"phases": [], "flags": [], "overall": "A+", "streams": {"download": 0, "upload": 0}}
json.dump(d, open(sys.argv[2], "w"))
PY
out=$("$bin" report "$tmp/claims-aplus.json"); code=$?
expect "a claimed A+ is recomputed to C" '[ $code -eq 0 ] && echo "$out" | grep -Eq "^overall grade +C"'

out=$("$bin" report "$fixtures/quick-bloated.json" "$tmp/claims-aplus.json"); code=$?
expect "two files give a two-column comparison" '[ $code -eq 0 ] && echo "$out" | head -1 | grep -q "quick-bloated.json" && echo "$out" | head -1 | grep -q "claims-aplus.json"'

echo '{"format":"bloatmeter-result","version":2}' > "$tmp/v2.json"
err=$("$bin" report "$tmp/v2.json" 2>&1 >/dev/null); code=$?
expect "a wrong-version file exits 5 with the reason" '[ $code -eq 5 ] && echo "$err" | grep -q "unsupported result version 2"'
printf '{"format": "bloatmeter-result", "version": 1, "meta": {}, "plan": {' > "$tmp/cut.json"
err=$("$bin" report "$tmp/cut.json" 2>&1 >/dev/null); code=$?
expect "a truncated file exits 5" '[ $code -eq 5 ] && echo "$err" | grep -q "not valid JSON"'
err=$("$bin" report "$tmp/missing.json" 2>&1 >/dev/null); code=$?
expect "a missing file exits 5" '[ $code -eq 5 ] && echo "$err" | grep -q "cannot read"'
"$bin" report >/dev/null 2>&1; code=$?
expect "no file is a usage error (exit 2)" '[ $code -eq 2 ]'
expect_summary
