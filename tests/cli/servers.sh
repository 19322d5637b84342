# shellcheck shell=bash
# The servers the CLI tests run against, sourced by each script; they use
# its $server and $tmp.
#
# start_server NAME [ARGS...]: a bloatmeter-server on loopback (ARGS added,
# e.g. --tls-listen 127.0.0.1:0 or --config FILE), its data in
# $tmp/NAME-data, its output in $tmp/NAME.out and $tmp/NAME.err. Returns
# once it listens, with started_pid, started_http and (with --tls-listen)
# started_https set; when it did not start, says why (its stderr) and
# returns 1 with the URLs empty. stop_servers ends every server started so
# (for the script's cleanup).
#
# They stop at once on SIGTERM (--drain-seconds 0, unless ARGS say
# otherwise): these tests kill a server to see the client lose it, and a
# draining one would let the test finish (tests/service/drain_test.py tests
# the drain).
#
# The web root is an empty folder of the test's own: the native client
# never loads the site, and the browser build (build/web) may be missing
# or being rebuilt while these tests run; the server refuses to start
# without a web root folder.
start_server() {
  local name=$1 want="http://"
  shift
  case " $* " in *" --tls-listen "*) want="https://" ;; esac
  local drain=(--drain-seconds 0)
  case " $* " in *" --drain-seconds "*) drain=() ;; esac
  mkdir -p "$tmp/web"
  "$server" --listen 127.0.0.1:0 --web-root "$tmp/web" --data-dir "$tmp/$name-data" "${drain[@]}" "$@" \
    >"$tmp/$name.out" 2>"$tmp/$name.err" &
  started_pid=$!
  started_pids+=("$started_pid")
  for _ in $(seq 100); do
    grep -q "$want" "$tmp/$name.out" && break
    kill -0 "$started_pid" 2>/dev/null || break
    sleep 0.1
  done
  started_http=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$tmp/$name.out" | head -1)
  started_https=$(grep -o 'https://127\.0\.0\.1:[0-9]*' "$tmp/$name.out" | head -1)
  grep -q "$want" "$tmp/$name.out" && return 0
  started_http="" started_https=""
  echo "    the server '$name' did not start; it said:"
  sed 's/^/    /' "$tmp/$name.err"
  return 1
}
started_pids=()
stop_servers() {
  local p
  for p in "${started_pids[@]}"; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
}

# stop_at_mute NAME ARGS...: runs `$bin ARGS` against a port that accepts
# a connection and never answers (MUTE in ARGS stands for its URL), so the
# client stays waiting (for a WebSocket handshake, for an HTTP answer), and
# sends it Ctrl-C once the connection has been accepted (a fixed pause
# raced a slow start once). The client's output is in $tmp/NAME.out and
# $tmp/NAME.err, its exit code in code.
stop_at_mute() {
  local name=$1 a args=() pid mute_pid mute_port
  shift
  python3 -c '
import socket, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(8)
print(s.getsockname()[1], flush=True)
c, _ = s.accept(); print("accepted", flush=True); time.sleep(30)' >"$tmp/$name.mute" &
  mute_pid=$!
  for _ in $(seq 100); do [ -s "$tmp/$name.mute" ] && break; sleep 0.1; done
  mute_port=$(head -n1 "$tmp/$name.mute")
  for a in "$@"; do args+=("${a//MUTE/http://127.0.0.1:$mute_port}"); done
  # --foreground: the Ctrl-C reaches the client once, not a second time
  # through timeout's process group, when it may be on its way out.
  timeout --foreground 60 "$bin" "${args[@]}" >"$tmp/$name.out" 2>"$tmp/$name.err" </dev/null &
  pid=$!
  for _ in $(seq 100); do grep -q accepted "$tmp/$name.mute" && break; sleep 0.1; done
  sleep 0.2
  kill -INT "$pid"; wait "$pid"; code=$?
  kill "$mute_pid" 2>/dev/null; wait "$mute_pid" 2>/dev/null
}
