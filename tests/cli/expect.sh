# shellcheck shell=bash
# The CLI tests' checks, sourced by each script: expect WHAT 'CONDITION'
# evaluates CONDITION, counts and prints it, and returns 1 when it failed
# (so `expect ... || { diagnostics }` prints them); expect_summary prints
# the counts and fails when any check did.
pass=0
fail=0
expect() { if eval "$2"; then pass=$((pass+1)); echo "  ok   $1"; else fail=$((fail+1)); echo "  FAIL $1"; return 1; fi; }
expect_summary() { echo "$pass passed, $fail failed"; [ "$fail" -eq 0 ]; }
