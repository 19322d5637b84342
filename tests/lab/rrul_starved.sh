#!/usr/bin/env bash
# A CPU-starved RRUL client must be marked invalid, never silently graded
# (docs/method.md §15, "CPU"). In the "managed" scenario, `bloatmeter rrul`
# runs twice: as it normally runs, then pinned (taskset) to one core that
# BUSY busy loops also hold, as on a machine whose other work takes the
# CPU. The first result must be valid; the second invalid with a reason
# naming the client's CPU. The busy loops are bounded (each its own clock) and killed
# after the run. Not part of the test suite (about 45 s).
#
#   bash tests/lab/rrul_starved.sh [--plan quick|standard] [--busy N] [--out DIR]
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"

plan=quick
busy=8
server="$root/build/native/server/bloatmeter-server"
cli="$root/build/native/cli/bloatmeter"
web="$root/build/web"
out="$root/build/native/artifacts/lab-starved"
while [ $# -gt 0 ]; do
  case "$1" in
    --plan) plan="$2"; shift ;;
    --busy) busy="$2"; shift ;;
    --out) out="$2"; shift ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "rrul-starved: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
# shellcheck source=netns.sh
source "$here/netns.sh"
# shellcheck source=runner.sh
source "$here/runner.sh"
client_limit="$(plan_client_limit "$plan")" || { echo "rrul-starved: unknown plan $plan" >&2; exit 2; }
lab_require || exit 1
command -v taskset >/dev/null || { echo "rrul-starved: no taskset (util-linux)" >&2; exit 1; }
native_lab_ready rrul-starved || exit 1

mkdir -p "$out"
manifest="$out/manifest.jsonl"
: >"$manifest"
busy_pids=()
stop_busy() {
  local p
  for p in "${busy_pids[@]}"; do kill -KILL "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
  busy_pids=()
}
lab_on_exit() { stop_pid "$client_pid" TERM; stop_pid "$ping_pid" INT; stop_pid "$srv_pid" TERM; stop_busy; }
lab_up || { echo "rrul-starved: could not build the namespaces" >&2; exit 1; }
echo "rrul-starved: $(lab_describe); results in $out"
read -r _ down up _ < <(awk '$1 == "managed"' "$here/scenarios.conf")
lab_shape down "$down" && lab_shape up "$up" || exit 1

echo "rrul-starved: the client as it normally runs"
run_one managed rrul "$down" "$up"
mv "$out/managed-rrul-cubic" "$out/normal"

core=$(( $(nproc) - 1 ))
echo "rrul-starved: the client pinned to CPU $core beside $busy busy loops"
# Each loop is one process (taskset execs bash), bounded by its own clock,
# so killing its PID stops it: a `timeout` in between would leave its
# child spinning when killed.
for _ in $(seq "$busy"); do
  taskset -c "$core" bash -c 'end=$((SECONDS + $0)); while [ "$SECONDS" -lt "$end" ]; do :; done' $((client_limit + 30)) &
  busy_pids+=($!)
done
client_prefix=(taskset -c "$core")
run_one managed rrul "$down" "$up"
client_prefix=()
stop_busy
mv "$out/managed-rrul-cubic" "$out/starved"
lab_down

node - "$out" <<'EOF'
const fs = require('node:fs');
const dir = process.argv[2];
let failed = 0;
const check = (ok, what) => { console.log(`  ${ok ? 'ok  ' : 'FAIL'} ${what}`); if (!ok) failed++; };
const read = (name) => {
  try { return JSON.parse(fs.readFileSync(`${dir}/${name}/result.json`, 'utf8')); } catch { return null; }
};
const row = (name, r) => {
  const v = r?.summary?.rrul?.validity;
  const cpu = (r?.raw?.rrul?.client_cpu || []).map((s) => s.waiting ?? 0).sort((a, b) => a - b);
  const wait = cpu.length ? cpu[Math.floor(cpu.length / 2)] : null;
  console.log(`| ${name} | ${v ? (v.valid ? 'valid' : 'invalid') : '-'} | ${wait === null ? '-' : (wait * 100).toFixed(0) + ' %'} | ` +
    `${v ? v.reasons.join(' ') || '-' : '-'} |`);
  return v;
};
console.log('\n| client | result | median wait for a CPU | reasons |\n|---|---|---|---|');
const normal = row('as it runs', read('normal'));
const starved = row('pinned beside busy loops', read('starved'));
check(normal && normal.valid, 'the client as it normally runs: valid');
check(starved && !starved.valid && starved.reasons.some((t) => /client/i.test(t)),
  'the starved client: invalid, the client\'s CPU named');
console.log(`\n${failed ? failed + ' failed' : 'all passed'}`);
process.exit(failed ? 1 : 0);
EOF
