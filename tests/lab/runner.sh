# shellcheck shell=bash
# Runs one client's test in the lab (sourced after netns.sh, by run.sh and
# flent_side_by_side.sh): the server in the server namespace, the reference
# ping and the client in the client namespace, then everything stopped; one
# manifest line per run for compare.mjs.
#
# Globals the caller sets: here (tests/lab), out (results folder), manifest,
# plan, client_limit (seconds), server, cli, web; native_check sets
# native_ok/native_why and household_ok/household_why.
# run_one SCENARIO CLIENT DOWN UP [CC_PAIR]
#   -> $out/SCENARIO-CLIENT-CC/{result.json,ping.log,client.log,server.log,tc.log}
#   CC_PAIR: the TCP congestion controls, CLIENT/SERVER (below); CC in the
#   folder's name is one name when both sides run it, else CLIENT-SERVER
#   (and probe.pcap when the caller sets capture=1)
# CLIENT: browser (headless Chromium), native (`bloatmeter test`), household
# (`bloatmeter household`, the four simulated users).

# client_prefix: words run before the client inside its namespace (a
# caller's `taskset -c N`, rrul_starved.sh); empty by default.
client_prefix=()
srv_pid=""
ping_pid=""
client_pid=""
capture_pid=""

# TCP congestion control, per run: the client's in the client namespace,
# the server's in the server namespace, from the run's CC pair
# ("CLIENT/SERVER", or one name for both; scenarios.conf's CC column,
# run.sh --cc). It decides how full a bloated buffer gets, so the lab runs
# what real machines run: CUBIC (Linux's, Windows' and macOS's default,
# loss-based: it fills a bloated buffer until it drops, the condition the
# test exists to show) and BBR (model-based; some large servers run it, and
# it is this machine's default). A namespace may select either once the
# root namespace allows it (lab_allow_cc, netns.sh: this machine allows
# "reno bbr" until the lab adds cubic). Until 2026-12-05 the lab forced
# Reno, wrongly believing CUBIC could not be selected (docs/lab.md,
# "Congestion control").
# Without a pair (flent_side_by_side.sh), LAB_CC or cubic.
cc_saved_srv="" cc_saved_cli=""
cc_of() {  # cc_of PAIR client|server
  local pair="${1:-${LAB_CC:-cubic}}"
  if [ "$2" = client ]; then echo "${pair%%/*}"; else echo "${pair##*/}"; fi
}
cc_label() {  # cc_label PAIR: "cubic" when both sides run it, else "cubic-bbr"
  local c s
  c="$(cc_of "$1" client)" s="$(cc_of "$1" server)"
  [ "$c" = "$s" ] && echo "$c" || echo "$c-$s"
}
set_cc() {  # set_cc CLIENT SERVER: remembers what the namespaces had
  lab_allow_cc "$1" && lab_allow_cc "$2" || return 1
  cc_saved_cli="$(lab_cli sysctl -n net.ipv4.tcp_congestion_control)"
  cc_saved_srv="$(lab_srv sysctl -n net.ipv4.tcp_congestion_control)"
  lab_cli sysctl -q -w net.ipv4.tcp_congestion_control="$1" && lab_srv sysctl -q -w net.ipv4.tcp_congestion_control="$2" &&
    [ "$(lab_cli sysctl -n net.ipv4.tcp_congestion_control)" = "$1" ] && [ "$(lab_srv sysctl -n net.ipv4.tcp_congestion_control)" = "$2" ]
}
restore_cc() {
  [ -n "$cc_saved_cli" ] && lab_cli sysctl -q -w net.ipv4.tcp_congestion_control="$cc_saved_cli"
  [ -n "$cc_saved_srv" ] && lab_srv sysctl -q -w net.ipv4.tcp_congestion_control="$cc_saved_srv"
  cc_saved_cli="" cc_saved_srv=""
}

# Sets native_ok/native_why (can $cli run a test?) and household_ok/household_why
# (a household test?).
native_check() {
  native_ok=1 native_why="" household_ok=1 household_why=""
  if [ ! -x "$cli" ]; then
    native_ok=0 native_why="no native client binary at $cli" household_ok=0 household_why="no native client binary at $cli"
    return
  fi
  "$cli" test --help >/dev/null 2>&1 || { native_ok=0; native_why="'bloatmeter test --help' fails: the native client has no test command"; }
  "$cli" household --help >/dev/null 2>&1 || { household_ok=0; household_why="'bloatmeter household --help' fails: the native client has no household command"; }
}

# The client's time limit for a plan, in seconds (nothing for an unknown plan).
plan_client_limit() {
  case "$1" in
    quick) echo 90 ;;
    standard) echo 150 ;;
    *) return 1 ;;
  esac
}

# For the scripts that run the native client: is there a server and a
# client to run? Prints why not, prefixed with WHO, and returns 1.
native_lab_ready() {  # native_lab_ready WHO
  [ -x "$server" ] || { echo "$1: no server at $server (bash scripts/build.sh)" >&2; return 1; }
  native_check
  [ "$native_ok" = 1 ] || { echo "$1: $native_why" >&2; return 1; }
}

stop_pid() {  # stop_pid PID SIGNAL: signal it, wait up to 5 s, then KILL
  local pid="$1" sig="$2" i
  [ -n "$pid" ] || return 0
  kill "-$sig" "$pid" 2>/dev/null || return 0
  for i in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

record() {  # record SCENARIO CLIENT DOWN UP DIR WALL_START WALL_END EXIT NOTE (and $cc_pair)
  printf '{"scenario":"%s","client":"%s","cc":"%s","plan":"%s","down":"%s","up":"%s","result":"%s/result.json","ping":"%s/ping.log","wall_start":%s,"wall_end":%s,"exit_code":%s,"note":"%s"}\n' \
    "$1" "$2" "$cc_pair" "$plan" "$3" "$4" "$5" "$5" "$6" "$7" "$8" "$9" >>"$manifest"
}

# Share of the CPU left idle over 0.5 s (what other work on the machine
# leaves the lab): printed with each run, since a busy machine measures itself.
idle_pct() {
  local a b
  a=($(head -n1 /proc/stat)); sleep 0.5; b=($(head -n1 /proc/stat))
  local total=0 i
  for i in 1 2 3 4 5 6 7 8; do total=$((total + b[i] - a[i])); done
  echo $(( total > 0 ? 100 * (b[4] - a[4] + b[5] - a[5]) / total : 0 ))
}

run_one() {  # run_one SCENARIO CLIENT DOWN UP [CC_PAIR]
  local scenario="$1" client="$2" down="$3" up="$4"
  local cc_cli cc_srv cc_pair
  cc_cli="$(cc_of "${5:-}" client)" cc_srv="$(cc_of "${5:-}" server)" cc_pair="$cc_cli/$cc_srv"
  local dir="$out/$scenario-$client-$(cc_label "$cc_pair")" url="http://$LAB_SRV_ADDR:8080" rc=0 i t_start t_end
  rm -rf "$dir"; mkdir -p "$dir/data"
  local why=""
  { [ "$client" = native ] || [ "$client" = rrul ]; } && [ "$native_ok" = 0 ] && why="$native_why"
  [ "$client" = household ] && [ "$household_ok" = 0 ] && why="$household_why"
  if [ -n "$why" ]; then
    echo "  $scenario/$client/$cc_pair: not run: $why"
    record "$scenario" "$client" "$down" "$up" "$dir" 0 0 -1 "$why"
    return
  fi
  local cc="$cc_cli (client) / $cc_srv (server)"
  if ! set_cc "$cc_cli" "$cc_srv"; then
    restore_cc
    echo "  $scenario/$client/$cc_pair: not run: cannot set TCP congestion control $cc"
    record "$scenario" "$client" "$down" "$up" "$dir" 0 0 -3 "cannot set TCP congestion control $cc"
    return
  fi
  local idle
  idle="$(idle_pct)"
  # With the UDP probe lane, as a deployment has it: the native clients'
  # UDP series runs beside their tests (compare.mjs checks it).
  printf 'udp_port=8081\n' >"$dir/server.conf"
  timeout $((client_limit + 30)) ip netns exec "$LAB_NS_SRV" "$server" --listen "$LAB_SRV_ADDR:8080" \
    --web-root "$web" --data-dir "$dir/data" --config "$dir/server.conf" >"$dir/server.log" 2>&1 &
  srv_pid=$!
  for i in $(seq 100); do
    grep -q "listening on $url/" "$dir/server.log" 2>/dev/null && break
    kill -0 "$srv_pid" 2>/dev/null || break
    sleep 0.1
  done
  if ! grep -q "listening on $url/" "$dir/server.log"; then
    echo "  $scenario/$client/$cc_pair: the server did not start: $(tail -n3 "$dir/server.log")"
    stop_pid "$srv_pid" TERM; srv_pid=""
    restore_cc
    record "$scenario" "$client" "$down" "$up" "$dir" 0 0 -2 "server did not start"
    return
  fi
  # The reference: ICMP echo every 50 ms through the same queues.
  timeout -s INT $((client_limit + 20)) ip netns exec "$LAB_NS_CLI" ping -n -D -i 0.05 "$LAB_SRV_ADDR" >"$dir/ping.log" 2>&1 &
  ping_pid=$!
  # run.sh --capture: the probe lane's frames as they leave and reach the
  # client host (probe_path.mjs splits each RTT there). Only TCP segments
  # carrying 18 to ~60 bytes: a probe frame is 18, an echo 26; the bulk
  # streams' segments are long, their ACKs empty, and the WebSocket frame
  # headers a sender may put in a segment of their own 10 or 14 bytes, so
  # the capture stays small and costs little CPU.
  if [ "${capture:-0}" = 1 ]; then
    ip netns exec "$LAB_NS_CLI" tcpdump -i "$LAB_IF_CLI" -nn -s 128 -B 8192 -w "$dir/probe.pcap" \
      'tcp port 8080 and less 128 and (ip[2:2] - ((ip[0]&0xf)<<2) - ((tcp[12]&0xf0)>>2)) >= 18' >"$dir/capture.log" 2>&1 &
    capture_pid=$!
  fi
  sleep 0.5
  t_start=$(date +%s.%N)
  # In the background with `wait`, so that a signal reaches the trap at once.
  if [ "$client" = native ] || [ "$client" = household ] || [ "$client" = rrul ]; then
    local command=test
    [ "$client" = household ] && command=household
    [ "$client" = rrul ] && command=rrul  # the lab has IPv4 only: the result says IPv6 was unreachable
    timeout "$client_limit" ip netns exec "$LAB_NS_CLI" "${client_prefix[@]}" "$cli" "$command" "$url" --plan "$plan" --json "$dir/result.json" \
      >"$dir/client.log" 2>&1 &
  else
    timeout "$client_limit" ip netns exec "$LAB_NS_CLI" node "$here/browser_run.mjs" "$url/" "$dir/result.json" --plan "$plan" \
      >"$dir/client.log" 2>&1 &
  fi
  client_pid=$!
  wait "$client_pid" || rc=$?
  client_pid=""
  t_end=$(date +%s.%N)
  lab_tc_stats >"$dir/tc.log" 2>&1  # queue counters since the scenario was shaped (drops; flow-fair: per class)
  sleep 0.3
  stop_pid "$ping_pid" INT; ping_pid=""
  stop_pid "$capture_pid" INT; capture_pid=""
  stop_pid "$srv_pid" TERM; srv_pid=""
  # Anything the client left behind (a browser's helpers) goes too.
  lab_kill_ns "$LAB_NS_CLI"
  lab_kill_ns "$LAB_NS_SRV"
  rm -rf "$dir/data"
  restore_cc
  local note=""
  [ "$rc" = 124 ] && note="client killed after ${client_limit} s"
  printf '  %s/%s/%s: exit %s in %.1f s%s; machine %s%% idle before the run; TCP congestion control %s\n' "$scenario" "$client" "$cc_pair" "$rc" \
    "$(awk -v a="$t_start" -v b="$t_end" 'BEGIN{print b-a}')" "${note:+ ($note)}" "$idle" "$cc"
  note="${note:+$note; }machine ${idle}% idle before the run; TCP congestion control $cc"
  [ "$rc" = 0 ] || tail -n 5 "$dir/client.log" | sed 's/^/    | /'
  record "$scenario" "$client" "$down" "$up" "$dir" "$t_start" "$t_end" "$rc" "$note"
  sleep 1  # let the queues drain before the next run
}

lab_on_exit() { stop_pid "$client_pid" TERM; stop_pid "$ping_pid" INT; stop_pid "$srv_pid" TERM; }
