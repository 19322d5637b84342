#!/usr/bin/env bash
# CTest's lab_quick: the quick lab, and once more when it fails. Why: on a
# 2-core machine a 3 s phase measured against ping is noisy (the browser's
# both-ways medians, a warm-up that is still rising by 5 %, an upload window
# cut by a stall); docs/lab.md lists what single runs have shown. A check
# that fails twice in a row fails the test; both runs' output is printed,
# the second run's results replace the first's in --out.
#   bash tests/lab/quick_twice.sh [run.sh options]
here="$(cd "$(dirname "$0")" && pwd)"
bash "$here/run.sh" --quick "$@" && exit 0
rc=$?
echo
echo "lab_quick: the first run failed (exit $rc); running the quick lab once more."
echo
bash "$here/run.sh" --quick "$@"
