#!/usr/bin/env bash
# `bloatmeter udp-probe` against the real server on loopback: a clean run
# (every request answered, nothing lost either way, one-way delays printed
# per direction), a server without the UDP lane (exit 3, says udp_port), a
# run stopped with Ctrl-C (exit 4, what was measured still printed), bad
# options (exit 2). Runtime: about 8 s.
set -u
bin=$(realpath "$1"); server=$(realpath "$2")
# shellcheck source=expect.sh
source "$(dirname "$0")/expect.sh"
# shellcheck source=servers.sh
source "$(dirname "$0")/servers.sh"
tmp=$(mktemp -d)
trap 'stop_servers; rm -rf "$tmp"' EXIT

udp_port=$(python3 -c 'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
printf 'udp_port=%s\n' "$udp_port" >"$tmp/udp.conf"
start_server udp --config "$tmp/udp.conf"
udp_http=$started_http
start_server plain
plain_http=$started_http
expect "both servers started ($udp_http, $plain_http)" '[ -n "$udp_http" ] && [ -n "$plain_http" ]' ||
  { expect_summary; exit 1; }
expect "the server says where its UDP lane is" "grep -q 'UDP probe lane on port $udp_port' '$tmp/udp.out'"

"$bin" udp-probe "$udp_http" --seconds 2 --interval-ms 20 >"$tmp/clean.out" 2>"$tmp/clean.err"; code=$?
sed 's/^/    /' "$tmp/clean.out"
expect "a clean run exits 0" '[ "$code" -eq 0 ]' || sed 's/^/    /' "$tmp/clean.err"
expect "every request answered" "grep -Eq '^UDP probe lane: ([0-9]+) requests, \1 answered' '$tmp/clean.out'"
expect "nothing lost upstream" "grep -Eq '^  upstream  : sent [0-9]+, received [0-9]+, lost 0 ' '$tmp/clean.out'"
expect "nothing lost downstream" "grep -Eq '^  downstream: sent [0-9]+, received [0-9]+, lost 0 ' '$tmp/clean.out'"
expect "a one-way delay each way" "[ \$(grep -c 'one-way delay: median' '$tmp/clean.out') -eq 2 ]"

"$bin" udp-probe "$plain_http" --seconds 1 >"$tmp/off.out" 2>"$tmp/off.err"; code=$?
expect "a server without the lane: exit 3, naming udp_port" '[ "$code" -eq 3 ] && grep -q udp_port "$tmp/off.err"' ||
  sed 's/^/    /' "$tmp/off.err"

timeout --foreground 30 "$bin" udp-probe "$udp_http" --seconds 20 >"$tmp/stop.out" 2>"$tmp/stop.err" </dev/null &
pid=$!
for _ in $(seq 100); do grep -q '^UDP to' "$tmp/stop.out" && break; sleep 0.1; done
sleep 1
kill -INT "$pid"; wait "$pid"; code=$?
expect "Ctrl-C: exit 4, the measured part printed" '[ "$code" -eq 4 ] && grep -q "^  upstream  : sent" "$tmp/stop.out"' ||
  sed 's/^/    /' "$tmp/stop.out" "$tmp/stop.err"

"$bin" udp-probe "$udp_http" --size 20 >/dev/null 2>"$tmp/bad.err"; code=$?
expect "a size below the lane's: exit 2" '[ "$code" -eq 2 ] && grep -q "44 to 1472" "$tmp/bad.err"'
"$bin" udp-probe >/dev/null 2>&1; code=$?
expect "no URL: exit 2" '[ "$code" -eq 2 ]'
expect_summary
