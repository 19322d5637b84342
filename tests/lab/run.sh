#!/usr/bin/env bash
# The accuracy lab: each scenario of scenarios.conf between two network
# namespaces, shaped by tbf (or flow-fair htb); the server in one namespace,
# each client in the other, a reference `ping -i 0.05` beside it through the
# same path; compare.mjs then holds each result against the ping.
#
#   bash tests/lab/run.sh [--quick|--full] [options]
#     --quick           quick plan; the clients scenarios.conf's QUICK and
#                       HOUSEHOLD columns give the quick variant (default)
#     --full            standard plan, every scenario
#     --clients LIST    browser,native,household (default: all three; the
#                       household client runs where scenarios.conf says so)
#     --scenarios LIST  only these scenario names
#     --cc LIST         TCP congestion controls, CLIENT/SERVER pairs (or one
#                       name for both), comma-separated, instead of
#                       scenarios.conf's CC column (the full variant runs
#                       each of its pairs, the quick variant the first)
#     --plan NAME       override the plan (quick|standard)
#     --server BIN --cli BIN --web-root DIR   (default: the build/ tree)
#     --out DIR         results, logs, ping logs (default build/native/artifacts/lab)
#     --capture         also capture the probe lane's frames on the client's
#                       interface (tcpdump) and split each RTT into wire +
#                       server and the client's own part (probe_path.mjs)
#
# Needs root (namespaces). When the lab cannot run, it says why and fails.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"

variant=quick
plan=""
clients="browser,native,household"
only=""
cc_list=""
server="$root/build/native/server/bloatmeter-server"
cli="$root/build/native/cli/bloatmeter"
web="$root/build/web"
out="$root/build/native/artifacts/lab"
capture=0
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) variant=quick ;;
    --full) variant=full ;;
    --clients) clients="$2"; shift ;;
    --scenarios) only="$2"; shift ;;
    --cc) cc_list="$2"; shift ;;
    --plan) plan="$2"; shift ;;
    --server) server="$2"; shift ;;
    --cli) cli="$2"; shift ;;
    --web-root) web="$2"; shift ;;
    --out) out="$2"; shift ;;
    --capture) capture=1 ;;
    -h|--help) sed -n '2,25p' "$0"; exit 0 ;;
    *) echo "lab: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
[ -n "$plan" ] || { [ "$variant" = quick ] && plan=quick || plan=standard; }
case "$plan" in
  quick) test_s=15; client_limit=90 ;;
  standard) test_s=40; client_limit=150 ;;
  *) echo "lab: unknown plan $plan" >&2; exit 2 ;;
esac

fail_setup() { echo "lab: FAILED: $*" >&2; echo "0 passed, 1 failed"; exit 1; }

# shellcheck source=netns.sh
source "$here/netns.sh"
# shellcheck source=runner.sh
source "$here/runner.sh"
lab_require || fail_setup "the lab cannot run on this machine (see above)"
[ -x "$server" ] || fail_setup "no server binary at $server (build first: bash scripts/build.sh)"
command -v node >/dev/null || fail_setup "node is not installed"
if [[ ",$clients," == *,browser,* ]]; then
  [ -f "$web/index.html" ] || fail_setup "no web build at $web (bash scripts/build.sh)"
  [ -x /usr/bin/chromium ] || fail_setup "no /usr/bin/chromium (bash scripts/setup.sh)"
  [ -d "$root/tests/browser/node_modules/playwright-core" ] || fail_setup "playwright-core is not installed in tests/browser (bash scripts/setup.sh)"
fi
native_check
if [ "$capture" = 1 ]; then
  command -v tcpdump >/dev/null || fail_setup "--capture needs tcpdump (apt-get install tcpdump)"
fi

mkdir -p "$out"
manifest="$out/manifest.jsonl"
: >"$manifest"
started=$(date +%s)
echo "lab: $variant variant, $plan plan, clients $clients; machine load $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
echo "lab: namespaces $LAB_NS_SRV / $LAB_NS_CLI, results in $out"

lab_up || fail_setup "could not build the namespaces"
echo "lab: $(lab_describe)"


ran=0
while read -r name down up quick household ccs _; do
  [ -n "$name" ] && [ "${name:0:1}" != "#" ] || continue
  if [ -n "$only" ]; then [[ ",$only," == *,"$name",* ]] || continue; fi
  # Which clients: scenarios.conf's QUICK and HOUSEHOLD columns (--scenarios
  # runs a named scenario with both single-user clients, as --full does).
  scenario_clients=""
  for client in ${clients//,/ }; do
    case "$client:$household" in
      household:yes|household:only) ;;
      household:full|household:full-only) [ "$variant" = full ] || [ -n "$only" ] || continue ;;
      household:*) continue ;;
      *:only|*:full-only) continue ;;
      browser:*) [ "$variant" = quick ] && [ -z "$only" ] && [ "$quick" != yes ] && continue ;;
      native:*) [ "$variant" = quick ] && [ -z "$only" ] && [ "$quick" != yes ] && [ "$quick" != native ] && continue ;;
    esac
    scenario_clients="$scenario_clients $client"
  done
  [ -n "$scenario_clients" ] || continue
  # Which congestion controls: every pair of the CC column (or --cc) in the
  # full variant, the first in the quick one.
  pairs="${cc_list:-${ccs:-cubic}}"
  pairs="${pairs//,/ }"
  [ "$variant" = quick ] && pairs="${pairs%% *}"
  echo "lab: scenario $name (down $down, up $up; TCP congestion control, client/server: $pairs)"
  lab_shape down "$down" || fail_setup "could not shape the download direction ($down)"
  lab_shape up "$up" || fail_setup "could not shape the upload direction ($up)"
  lab_show_shaping
  for pair in $pairs; do
    for client in $scenario_clients; do
      run_one "$name" "$client" "$down" "$up" "$pair"
      ran=$((ran + 1))
    done
  done
done <"$here/scenarios.conf"
[ "$ran" -gt 0 ] || fail_setup "no scenario selected"

lab_down
echo "lab: measurements took $(( $(date +%s) - started )) s"
node "$here/compare.mjs" "$manifest" --cli "$cli"
rc=$?
echo "lab: finished in $(( $(date +%s) - started )) s"
exit $rc
