#!/usr/bin/env bash
# Runs the libFuzzer targets of the sanitize build (tests/fuzz/README.md).
#
#   tests/fuzz/run.sh --smoke [BUILD_DIR]
#       Every target, one after another, over a copy of its seed corpus
#       (tests/fuzz/corpus/<target>/) for 20000 runs or 15 seconds,
#       whichever comes first: fails when any target crashes, leaks, hangs
#       or trips a sanitizer. Under 2 minutes on 2 cores; ctest's fuzz_smoke
#       runs this.
#   tests/fuzz/run.sh --long [SECONDS] [BUILD_DIR]
#       Every target for SECONDS each (default 3600: one hour per target,
#       eight hours in all), one after another, with -print_final_stats=1;
#       prints executions and coverage (cov: edges, ft: features) per target
#       in a table at the end. The corpus grows in a work folder
#       (build/sanitize/fuzz-work/<target>/), never in the repository.
#
# FUZZ_TARGETS="fuzz_result_json fuzz_http_request" picks some of the
# targets (either mode), so a long run can be spread over several sittings:
# the corpus a run grows in fuzz-work/ is where the next one starts.
#
# BUILD_DIR defaults to build/sanitize. A crash (either mode) is copied to
# tests/fuzz/crashes/<target>-<name> with a .txt beside it holding the
# sanitizer's report and the command that reproduces it.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"

all_targets=(fuzz_result_json fuzz_key_values fuzz_url_path fuzz_http_request fuzz_probe_wire fuzz_household_wire fuzz_websocket_messages fuzz_udp_probe_wire)
targets=("${all_targets[@]}")
if [ -n "${FUZZ_TARGETS:-}" ]; then
  read -r -a targets <<<"$FUZZ_TARGETS"
  for t in "${targets[@]}"; do
    [[ " ${all_targets[*]} " == *" $t "* ]] || { echo "run.sh: FUZZ_TARGETS: no target $t (there are: ${all_targets[*]})" >&2; exit 2; }
  done
fi
smoke_runs=20000   # per target, or
smoke_seconds=15   # whichever ends first (result JSON runs ~300/s, the WebSocket lanes
                   # 50-300/s over loopback, the wire formats ~10000/s)

usage() {
  sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

mode="${1:-}"
[ -n "$mode" ] || usage
shift
seconds=3600
if [ "$mode" = "--long" ] && [[ "${1:-}" =~ ^[0-9]+$ ]]; then
  seconds="$1"
  shift
fi
case "$mode" in --smoke | --long) ;; *) usage ;; esac
build="${1:-$root/build/sanitize}"
build="$(cd "$build" && pwd)"
fuzz_bin="$build/tests/fuzz"

for t in "${targets[@]}"; do
  [ -x "$fuzz_bin/$t" ] || { echo "run.sh: $fuzz_bin/$t is missing: build the sanitize preset (scripts/build.sh)" >&2; exit 1; }
done

# Leaks count as failures (detect_leaks); UBSan's first report aborts
# (-fno-sanitize-recover) with a stack.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

work="$(mktemp -d "${TMPDIR:-/tmp}/bloatmeter-fuzz.XXXXXX")"
trap 'rm -rf "$work"' EXIT
crashes="$here/crashes"

# Copies a crash artifact into tests/fuzz/crashes/ with its report and the
# command that reproduces it.
save_crashes() {
  local t="$1" artifacts="$2" log="$3"
  local f name
  for f in "$artifacts"/*; do
    [ -f "$f" ] || continue
    mkdir -p "$crashes"
    name="$t-$(basename "$f")"
    cp "$f" "$crashes/$name"
    {
      echo "target: $t"
      echo "found: $(date -u +%Y-%m-%dT%H:%M:%SZ) by tests/fuzz/run.sh $mode"
      echo "reproduce: $fuzz_bin/$t $crashes/$name"
      echo
      tail -n 80 "$log"
    } >"$crashes/$name.txt"
    echo "run.sh: $t: crash saved as tests/fuzz/crashes/$name (report and command in $name.txt)" >&2
  done
}

# "#123 DONE cov: 456 ft: 789 corp: ..." and the final stats.
stat_of() { grep -o "$2: *[0-9]*" "$1" | tail -n1 | grep -o '[0-9]*$' || echo "?"; }

summary=()
failed=()
start_all=$SECONDS
for t in "${targets[@]}"; do
  corpus="$work/$t/corpus"
  artifacts="$work/$t/artifacts"
  mkdir -p "$corpus" "$artifacts"
  if [ -d "$here/corpus/$t" ]; then cp -r "$here/corpus/$t/." "$corpus/"; fi
  dict=()
  [ -f "$here/dict/$t.dict" ] && dict=(-dict="$here/dict/$t.dict")
  log="$work/$t.log"
  if [ "$mode" = "--smoke" ]; then
    args=(-runs="$smoke_runs" -max_total_time="$smoke_seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1)
    dirs=("$corpus")
  else
    # The long run keeps what it finds in the build folder, so a second run
    # starts where the first ended; the seeds are read, never written.
    keep="$build/fuzz-work/$t"
    mkdir -p "$keep"
    args=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1)
    dirs=("$keep" "$corpus")
  fi
  t0=$SECONDS
  set +e
  "$fuzz_bin/$t" "${args[@]}" "${dict[@]}" -artifact_prefix="$artifacts/" "${dirs[@]}" >"$log" 2>&1
  rc=$?
  set -e
  took=$((SECONDS - t0))
  execs="$(stat_of "$log" stat::number_of_executed_units)"
  [ "$execs" = "?" ] && execs="$(grep -o '^#[0-9]*' "$log" | tail -n1 | tr -d '#' || true)"
  line="$(printf '%-22s %4s s  %10s execs  cov %6s  ft %6s' "$t" "$took" "${execs:-?}" "$(stat_of "$log" cov)" "$(stat_of "$log" ft)")"
  if [ "$rc" -ne 0 ]; then
    line="$line  FAILED (exit $rc)"
    failed+=("$t")
    save_crashes "$t" "$artifacts" "$log"
    echo "---- $t: last lines of its log ----" >&2
    tail -n 40 "$log" >&2
  fi
  summary+=("$line")
  echo "$line"
done

echo
echo "target                   time        executions       coverage"
printf '%s\n' "${summary[@]}"
echo "total: $((SECONDS - start_all)) s"
if [ "${#failed[@]}" -gt 0 ]; then
  echo "run.sh: failed: ${failed[*]}" >&2
  exit 1
fi
