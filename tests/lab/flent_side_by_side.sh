#!/usr/bin/env bash
# bloatmeter beside Flent: in each lab scenario, one bloatmeter test (native
# client by default) and one `flent rrul -H 198.18.0.1 -l 30` (netserver and
# `irtt server` in the server namespace), each with the reference
# `ping -i 0.05` running beside it; prints one table of loaded latency.
# Not part of the test suite (about 80 s a scenario with the standard plan).
# With --client rrul, bloatmeter's own RRUL test (`bloatmeter rrul`) is the
# bloatmeter run, and rrul_side_by_side.mjs compares it with Flent's class
# by class; --marking adds two scenarios of "managed" whose path zeroes the
# DSCP (bleach) or clears UDP's ECN bits (clearecn) both ways, which the
# RRUL result must name.
#
#   bash tests/lab/setup-flent.sh        # once: flent, irtt, netperf (non-free)
#   bash tests/lab/flent_side_by_side.sh [--scenarios LIST] [--client native|browser|rrul]
#                                        [--plan standard|quick] [--length S] [--marking] [--out DIR]
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"

only=""
client=native
plan=standard
length=30
marking=0
server="$root/build/native/server/bloatmeter-server"
cli="$root/build/native/cli/bloatmeter"
web="$root/build/web"
out="$root/build/native/artifacts/lab-flent"
while [ $# -gt 0 ]; do
  case "$1" in
    --scenarios) only="$2"; shift ;;
    --client) client="$2"; shift ;;
    --plan) plan="$2"; shift ;;
    --length) length="$2"; shift ;;
    --marking) marking=1 ;;
    --out) out="$2"; shift ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "side-by-side: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
# shellcheck source=netns.sh
source "$here/netns.sh"
# shellcheck source=runner.sh
source "$here/runner.sh"
client_limit="$(plan_client_limit "$plan")" || { echo "side-by-side: unknown plan $plan" >&2; exit 2; }
lab_require || exit 1
for tool in flent netperf netserver irtt; do
  command -v "$tool" >/dev/null || { echo "side-by-side: no $tool: run bash tests/lab/setup-flent.sh" >&2; exit 1; }
done
if [ "$client" = browser ]; then
  [ -x "$server" ] || { echo "side-by-side: no server at $server (bash scripts/build.sh)" >&2; exit 1; }
  native_check
else
  native_lab_ready side-by-side || exit 1
fi

mkdir -p "$out"
manifest="$out/manifest.jsonl"
flent_manifest="$out/flent.jsonl"
: >"$manifest"
: >"$flent_manifest"
lab_up || { echo "side-by-side: could not build the namespaces" >&2; exit 1; }
echo "side-by-side: $(lab_describe); results in $out"

flent_pids=()
run_flent() {  # run_flent SCENARIO
  local scenario="$1" dir="$out/$1-flent" rc=0 t_start t_end
  rm -rf "$dir"; mkdir -p "$dir"
  # The same congestion control as the bloatmeter run beside it (run_one's
  # pair, LAB_CC or CUBIC both ends): until 2026-12-07 Flent's netperf ran
  # the namespaces' default (this machine's BBR) beside a CUBIC bloatmeter,
  # and the two tools' queues were not comparable.
  local cc_cli cc_srv
  cc_cli="$(cc_of "" client)" cc_srv="$(cc_of "" server)"
  if ! set_cc "$cc_cli" "$cc_srv"; then
    restore_cc
    echo "  $scenario/flent: not run: cannot set TCP congestion control $cc_cli/$cc_srv"
    return
  fi
  ip netns exec "$LAB_NS_SRV" timeout 300 netserver -D -L "$LAB_SRV_ADDR" >"$dir/netserver.log" 2>&1 &
  flent_pids+=($!)
  ip netns exec "$LAB_NS_SRV" timeout 300 irtt server -b "$LAB_SRV_ADDR" >"$dir/irtt.log" 2>&1 &
  flent_pids+=($!)
  sleep 1
  timeout -s INT $((length + 90)) ip netns exec "$LAB_NS_CLI" ping -n -D -i 0.05 "$LAB_SRV_ADDR" >"$dir/ping.log" 2>&1 &
  ping_pid=$!
  sleep 0.5
  t_start=$(date +%s.%N)
  (cd "$dir" && exec timeout $((length + 60)) ip netns exec "$LAB_NS_CLI" flent rrul -H "$LAB_SRV_ADDR" -l "$length" -D "$dir" \
    >"$dir/flent.log" 2>&1) &
  client_pid=$!
  wait "$client_pid" || rc=$?
  client_pid=""
  t_end=$(date +%s.%N)
  stop_pid "$ping_pid" INT; ping_pid=""
  local p
  for p in "${flent_pids[@]}"; do stop_pid "$p" TERM; done
  flent_pids=()
  lab_kill_ns "$LAB_NS_SRV"
  lab_kill_ns "$LAB_NS_CLI"
  restore_cc
  local file
  file="$(ls "$dir"/rrul-*.flent.gz 2>/dev/null | head -n1)"
  echo "  $scenario/flent: exit $rc in $(awk -v a="$t_start" -v b="$t_end" 'BEGIN{printf "%.1f", b-a}') s${file:+, $(basename "$file")}; TCP congestion control $cc_cli (client) / $cc_srv (server)"
  printf '{"scenario":"%s","flent":"%s","ping":"%s/ping.log","cc":"%s/%s","wall_start":%s,"wall_end":%s,"exit_code":%s}\n' \
    "$scenario" "$file" "$dir" "$cc_cli" "$cc_srv" "$t_start" "$t_end" "$rc" >>"$flent_manifest"
  sleep 1
}
lab_on_exit() {
  stop_pid "$client_pid" TERM; stop_pid "$ping_pid" INT; stop_pid "$srv_pid" TERM
  local p
  for p in "${flent_pids[@]}"; do stop_pid "$p" TERM; done
}

scenarios() {  # the scenarios.conf lines, and with --marking the two marked ones
  grep -v '^#' "$here/scenarios.conf"
  if [ "$marking" = 1 ]; then
    local managed
    managed="$(awk '$1 == "managed"' "$here/scenarios.conf")"
    awk '{ print "managed_bleached", $2 ",bleach", $3 ",bleach", "no", "no", $6 }' <<<"$managed"
    awk '{ print "managed_clearecn", $2 ",clearecn", $3 ",clearecn", "no", "no", $6 }' <<<"$managed"
  fi
}
while read -r name down up _ household _; do
  [ -n "$name" ] && [ "${name:0:1}" != "#" ] || continue
  case "$household" in only|full-only) continue ;; esac  # a scenario for household runs only (scenarios.conf)
  if [ -n "$only" ]; then [[ ",$only," == *,"$name",* ]] || continue; fi
  echo "side-by-side: scenario $name (down $down, up $up)"
  lab_shape down "$down" && lab_shape up "$up" || exit 1
  run_one "$name" "$client" "$down" "$up"
  run_flent "$name"
done < <(scenarios)
lab_down
if [ "$client" = rrul ]; then
  node "$here/rrul_side_by_side.mjs" "$manifest" "$flent_manifest"
else
  node "$here/side_by_side.mjs" "$manifest" "$flent_manifest"
fi
