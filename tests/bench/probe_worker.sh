#!/usr/bin/env bash
# Measures the browser's probe lane under its two workers in one run:
# web/probe-worker.js ("js", the default) and the core compiled to
# WebAssembly (wasm/probe_worker/, ?probe_worker=core, "core"). Alternates
# them for N rounds (default 3; each round one quick single-user test per
# design in headless Chromium against a fresh bloatmeter-server on
# 127.0.0.1) and prints per design the median over its runs of the idle
# (baseline) and loaded phases' median and p95 RTTs, late probes and the
# worker's start-up, with the difference and ratio core/js.
# Usage: tests/bench/probe_worker.sh [rounds]   (needs build/native and build/web)
set -euo pipefail
here="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$here"
rounds="${1:-3}"
for f in build/native/server/bloatmeter-server build/web/probe-worker.js build/web/probe-worker-core.js build/web/bloatmeter.js; do
  [ -e "$f" ] || { echo "probe_worker: $f missing: build native and wasm first" >&2; exit 1; }
done
# Each run is bounded inside (90 s); the whole set here too.
runs=$(timeout $((rounds * 2 * 150 + 60)) node tests/bench/probe_worker.mjs build/native/server/bloatmeter-server build/web "$rounds")
python3 - "$runs" <<'PY'
import json, statistics, sys
runs = json.loads(sys.argv[1])
failed = [r for r in runs if "failed" in r]
for r in failed:
    print(f"failed: round {r['round']}, {r['design']}: {r['failed']}")
ok = [r for r in runs if "failed" not in r]
rows = [("baseline (idle) median RTT", "baseline_ms", "ms"),
        ("download median RTT", "download_ms", "ms"),
        ("upload median RTT", "upload_ms", "ms"),
        ("bidirectional median RTT", "bidirectional_ms", "ms"),
        ("baseline (idle) p95 RTT", "baseline_p95_ms", "ms"),
        ("download p95 RTT", "download_p95_ms", "ms"),
        ("upload p95 RTT", "upload_p95_ms", "ms"),
        ("bidirectional p95 RTT", "bidirectional_p95_ms", "ms"),
        ("late probes (graded phases)", "late", ""),
        ("worker made -> 'open'", "open_ms", "ms"),
        ("worker made -> first echo", "first_echo_ms", "ms")]
def figures(design, key):
    return [r[key] for r in ok if r["design"] == design and r.get(key) is not None]
def cell(v, unit):
    if not v:
        return "-"
    m = statistics.median(v)
    return f"{m:.2f} ({min(v):.2f}-{max(v):.2f})" if unit else f"{m:g} ({min(v):g}-{max(v):g})"
n = {d: len([r for r in ok if r["design"] == d]) for d in ("js", "core")}
print(f"runs: js {n['js']}, core {n['core']} (median over runs, range in brackets)")
print()
print("| figure | js worker | core worker | core - js | core / js |")
print("|---|---|---|---|---|")
for label, key, unit in rows:
    js, core = figures("js", key), figures("core", key)
    diff = ratio = "-"
    if js and core:
        a, b = statistics.median(js), statistics.median(core)
        diff = f"{b - a:+.2f}"
        ratio = f"{b / a:.2f}" if a else "-"
    print(f"| {label}{' (' + unit + ')' if unit else ''} | {cell(js, unit)} | {cell(core, unit)} | {diff} | {ratio} |")
flags = {d: sorted({f for r in ok if r["design"] == d for f in r["flags"]}) for d in ("js", "core")}
print()
print(f"flags seen: js {flags['js'] or 'none'}, core {flags['core'] or 'none'}")
PY
