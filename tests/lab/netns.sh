# shellcheck shell=bash
# Lab helpers, sourced by run.sh and flent_side_by_side.sh: a server
# namespace and a client namespace, addressed only from the benchmarking
# ranges 198.18.0.0/15 and 2001:2::/48, with no default route (nothing can
# leave the lab), each direction shaped by tbf. Names carry the caller's PID
# (or $LAB_ID) so parallel labs never clash.
#
#   lab_require          why the lab cannot run here (non-zero + message)
#   lab_up               create namespaces, links, addresses; installs the trap
#   lab_shape DIR SPEC   DIR = down|up; SPEC = none | RATE,LATENCY,BURST
#   lab_srv CMD...       run CMD in the server namespace
#   lab_cli CMD...       run CMD in the client namespace
#   lab_down             kill everything inside, delete the namespaces
#
# Addresses: server 198.18.0.1/24 and 2001:2::1/64, client 198.18.0.2/24
# and 2001:2::2/64, one link-layer segment.
#
# Topology ($LAB_TOPOLOGY):
#   link   (default) srv --veth-- [link namespace: bridge] --veth-- cli.
#          The queues are the link namespace's bridge ports: its port
#          towards the client is the download bottleneck, its port towards
#          the server the upload one. As on a real path, the bottleneck is a
#          box in between, not the endpoints' own network stacks.
#   direct srv --veth-- cli, tbf on each endpoint's own veth egress (the
#          server's = download, the client's = upload). The endpoints' own
#          TCP stacks then see the queue as local (TCP autocorking and TCP
#          small queues hold a small segment back while an earlier one of
#          the same socket still waits in the local qdisc), so a TCP probe
#          reads more than an ICMP ping whenever the queue delay exceeds the
#          probe interval. Kept to show that effect (docs/lab.md).

LAB_SRV_ADDR=198.18.0.1
LAB_CLI_ADDR=198.18.0.2
LAB_SRV_ADDR6=2001:2::1
LAB_CLI_ADDR6=2001:2::2
LAB_ID="${LAB_ID:-$$}"
LAB_TOPOLOGY="${LAB_TOPOLOGY:-link}"
LAB_NS_SRV="bm-srv-$LAB_ID"
LAB_NS_CLI="bm-cli-$LAB_ID"
LAB_NS_LINK="bm-link-$LAB_ID"
LAB_IF_SRV="bms$LAB_ID"     # the server's interface
LAB_IF_CLI="bmc$LAB_ID"     # the client's interface
LAB_IF_LS="bmls$LAB_ID"     # link namespace: port towards the server
LAB_IF_LC="bmlc$LAB_ID"     # link namespace: port towards the client
LAB_IS_UP=0

# Prints why the lab cannot run on this machine and returns 1, or returns 0.
lab_require() {
  if [ "$(id -u)" -ne 0 ]; then
    echo "lab: cannot run: network namespaces need root (running as uid $(id -u))" >&2
    return 1
  fi
  local tool
  for tool in ip tc ping timeout; do
    if ! command -v "$tool" >/dev/null 2>&1; then
      echo "lab: cannot run: '$tool' is not installed (scripts/setup.sh installs iproute2 and iputils-ping)" >&2
      return 1
    fi
  done
  case "$LAB_TOPOLOGY" in
    link|direct) ;;
    *) echo "lab: cannot run: LAB_TOPOLOGY must be link or direct, not '$LAB_TOPOLOGY'" >&2; return 1 ;;
  esac
  if ! ip netns list >/dev/null 2>&1; then
    echo "lab: cannot run: 'ip netns' does not work here: $(ip netns list 2>&1 | head -n1)" >&2
    return 1
  fi
  local probe="bm-probe-$LAB_ID" err
  if ! err="$(ip netns add "$probe" 2>&1)"; then
    echo "lab: cannot run: cannot create a network namespace: $err" >&2
    return 1
  fi
  if [ "$LAB_TOPOLOGY" = link ] && ! err="$(ip -n "$probe" link add bmprobe type bridge 2>&1)"; then
    ip netns del "$probe" 2>/dev/null || true
    echo "lab: cannot run: cannot create a bridge in a namespace: $err (LAB_TOPOLOGY=direct needs none)" >&2
    return 1
  fi
  ip netns del "$probe" 2>/dev/null || true
  return 0
}

lab_srv() { ip netns exec "$LAB_NS_SRV" "$@"; }
lab_cli() { ip netns exec "$LAB_NS_CLI" "$@"; }

# Kills every process left in namespace $1: TERM, up to 3 s, then KILL.
lab_kill_ns() {
  local ns="$1" pids i
  ip netns list 2>/dev/null | grep -qw -- "$ns" || return 0
  pids="$(ip netns pids "$ns" 2>/dev/null | tr '\n' ' ')"
  [ -n "${pids// /}" ] || return 0
  # shellcheck disable=SC2086
  kill -TERM $pids 2>/dev/null || true
  for i in $(seq 30); do
    pids="$(ip netns pids "$ns" 2>/dev/null | tr '\n' ' ')"
    [ -n "${pids// /}" ] || return 0
    sleep 0.1
  done
  # shellcheck disable=SC2086
  kill -KILL $pids 2>/dev/null || true
  sleep 0.2
}

lab_down() {
  local rc=$?
  trap - EXIT INT TERM
  if [ "$LAB_IS_UP" = 1 ]; then
    if declare -F lab_on_exit >/dev/null; then lab_on_exit || true; fi
    lab_kill_ns "$LAB_NS_CLI"
    lab_kill_ns "$LAB_NS_SRV"
    lab_kill_ns "$LAB_NS_LINK"
    # Deleting a namespace destroys its ends of the veth pairs, and with them the other ends.
    ip netns del "$LAB_NS_CLI" 2>/dev/null || true
    ip netns del "$LAB_NS_SRV" 2>/dev/null || true
    ip netns del "$LAB_NS_LINK" 2>/dev/null || true
    LAB_IS_UP=0
  fi
  return "$rc"
}

lab_on_signal() {
  echo "lab: interrupted, tearing down" >&2
  lab_down
  exit 130
}

lab_up() {
  trap lab_down EXIT
  trap lab_on_signal INT TERM
  LAB_IS_UP=1
  (
  set -e
  ip netns add "$LAB_NS_SRV"
  ip netns add "$LAB_NS_CLI"
  if [ -n "${LAB_EXTRA_SYSCTL:-}" ]; then  # for experiments, e.g. net.ipv4.tcp_autocorking=0
    for kv in $LAB_EXTRA_SYSCTL; do lab_srv sysctl -q -w "$kv"; lab_cli sysctl -q -w "$kv"; done
  fi
  if [ "$LAB_TOPOLOGY" = direct ]; then
    ip link add "$LAB_IF_SRV" netns "$LAB_NS_SRV" type veth peer name "$LAB_IF_CLI" netns "$LAB_NS_CLI"
  else
    ip netns add "$LAB_NS_LINK"
    ip link add "$LAB_IF_SRV" netns "$LAB_NS_SRV" type veth peer name "$LAB_IF_LS" netns "$LAB_NS_LINK"
    ip link add "$LAB_IF_CLI" netns "$LAB_NS_CLI" type veth peer name "$LAB_IF_LC" netns "$LAB_NS_LINK"
    ip -n "$LAB_NS_LINK" link add br0 type bridge stp_state 0 forward_delay 0
    # The link namespace is a plain wire with queues: no addresses of its own.
    ip netns exec "$LAB_NS_LINK" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
    ip -n "$LAB_NS_LINK" link set "$LAB_IF_LS" master br0
    ip -n "$LAB_NS_LINK" link set "$LAB_IF_LC" master br0
    ip -n "$LAB_NS_LINK" link set "$LAB_IF_LS" up
    ip -n "$LAB_NS_LINK" link set "$LAB_IF_LC" up
    ip -n "$LAB_NS_LINK" link set br0 up
  fi
  ip -n "$LAB_NS_SRV" link set lo up
  ip -n "$LAB_NS_CLI" link set lo up
  ip -n "$LAB_NS_SRV" addr add "$LAB_SRV_ADDR/24" dev "$LAB_IF_SRV"
  ip -n "$LAB_NS_CLI" addr add "$LAB_CLI_ADDR/24" dev "$LAB_IF_CLI"
  ip -n "$LAB_NS_SRV" -6 addr add "$LAB_SRV_ADDR6/64" dev "$LAB_IF_SRV" nodad
  ip -n "$LAB_NS_CLI" -6 addr add "$LAB_CLI_ADDR6/64" dev "$LAB_IF_CLI" nodad
  ip -n "$LAB_NS_SRV" link set "$LAB_IF_SRV" up
  ip -n "$LAB_NS_CLI" link set "$LAB_IF_CLI" up
  # The lab is the whole network: no default route anywhere in it.
  for ns in "$LAB_NS_SRV" "$LAB_NS_CLI"; do
    if ip -n "$ns" route show default | grep -q . || ip -n "$ns" -6 route show default | grep -q .; then
      echo "lab: namespace $ns has a default route; refusing to continue" >&2
      exit 1
    fi
  done
  ok=0
  for i in $(seq 20); do  # the bridge ports may take a moment to forward
    if lab_cli ping -n -q -c 1 -W 1 "$LAB_SRV_ADDR" >/dev/null 2>&1; then ok=1; break; fi
    sleep 0.2
  done
  [ "$ok" = 1 ] || { echo "lab: the lab link does not carry IPv4" >&2; exit 1; }
  lab_cli ping -n -q -c 1 -W 2 "$LAB_SRV_ADDR6" >/dev/null || { echo "lab: the lab link does not carry IPv6" >&2; exit 1; }
  )
}

# Where each direction's queue is: "NAMESPACE DEVICE".
lab_queue_of() {
  case "$LAB_TOPOLOGY:$1" in
    direct:down) echo "$LAB_NS_SRV $LAB_IF_SRV" ;;
    direct:up) echo "$LAB_NS_CLI $LAB_IF_CLI" ;;
    link:down) echo "$LAB_NS_LINK $LAB_IF_LC" ;;
    link:up) echo "$LAB_NS_LINK $LAB_IF_LS" ;;
    *) return 2 ;;
  esac
}

# lab_shape down|up none|RATE,LATENCY,BURST
lab_shape() {
  local dir="$1" spec="$2" q ns dev
  q="$(lab_queue_of "$dir")" || { echo "lab_shape: direction must be down or up" >&2; return 2; }
  read -r ns dev <<<"$q"
  if [ "$spec" = none ]; then
    tc -n "$ns" qdisc del dev "$dev" root 2>/dev/null || true
    return 0
  fi
  local rate latency burst
  IFS=, read -r rate latency burst <<<"$spec"
  [ -n "$rate" ] && [ -n "$latency" ] && [ -n "$burst" ] || { echo "lab_shape: bad spec '$spec'" >&2; return 2; }
  tc -n "$ns" qdisc replace dev "$dev" root tbf rate "$rate" burst "$burst" latency "$latency"
}

# Prints the qdisc of each direction (for logs).
lab_show_shaping() {
  local dir ns dev
  for dir in down up; do
    read -r ns dev <<<"$(lab_queue_of "$dir")"
    printf '  %-5s %s\n' "$dir:" "$(tc -n "$ns" qdisc show dev "$dev" | head -n1)"
  done
}

# One line on the lab's TCP settings (they shape how full a queue gets).
lab_describe() {
  echo "topology $LAB_TOPOLOGY; TCP congestion control $(lab_cli sysctl -n net.ipv4.tcp_congestion_control) (client), $(lab_srv sysctl -n net.ipv4.tcp_congestion_control) (server)"
}
