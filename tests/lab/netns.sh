# shellcheck shell=bash
# Lab helpers, sourced by run.sh and flent_side_by_side.sh: a server
# namespace and a client namespace, addressed only from the benchmarking
# ranges 198.18.0.0/15 and 2001:2::/48, with no default route (nothing can
# leave the lab), each direction shaped by tbf. Names carry the caller's PID
# (or $LAB_ID) so parallel labs never clash.
#
#   lab_require          why the lab cannot run here (non-zero + message)
#   lab_up               create namespaces, links, addresses; installs the trap
#   lab_shape DIR SPEC   DIR = down|up; SPEC = none | RATE,LATENCY,BURST[,fq][,loss=P%][,noudp]
#   lab_allow_cc NAME    let the namespaces select TCP congestion control NAME
#   lab_srv CMD...       run CMD in the server namespace
#   lab_cli CMD...       run CMD in the client namespace
#   lab_tc_stats         each direction's queue counters (tc -s)
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

# lab_shape down|up none|RATE,LATENCY,BURST[,fq][,loss=P%][,noudp]
#   RATE,LATENCY,BURST      one drop-tail queue: tbf, holding RATE x LATENCY
#                           + BURST bytes.
#   RATE,LATENCY,BURST,fq   flow-fair queuing at RATE: one queue per TCP
#                           connection, each holding RATE x LATENCY + BURST
#                           bytes (lab_shape_fq).
#   ...,loss=P%             and P% of the direction's IPv4 packets lost at
#                           random after the queue (lab_loss).
#   ...,noudp               and every UDP datagram that way dropped: a
#                           firewall or NAT that lets no UDP through (the
#                           native clients' UDP series must say "blocked").
lab_shape() {
  local dir="$1" spec="$2" q ns dev
  q="$(lab_queue_of "$dir")" || { echo "lab_shape: direction must be down or up" >&2; return 2; }
  read -r ns dev <<<"$q"
  if [ "$spec" = none ]; then
    tc -n "$ns" qdisc del dev "$dev" root 2>/dev/null || true
    lab_loss "$dir" ""
    lab_marking "$dir" "" ""
    return 0
  fi
  local rate latency burst rest kind="" loss="" noudp="" bleach="" clearecn="" word
  IFS=, read -r rate latency burst rest <<<"$spec"
  [ -n "$rate" ] && [ -n "$latency" ] && [ -n "$burst" ] || { echo "lab_shape: bad spec '$spec'" >&2; return 2; }
  for word in ${rest//,/ }; do
    case "$word" in
      fq) kind=fq ;;
      loss=*%) loss="${word#loss=}"; loss="${loss%\%}" ;;
      noudp) noudp=1 ;;
      bleach) bleach=1 ;;
      clearecn) clearecn=1 ;;
      *) echo "lab_shape: unknown word '$word' in '$spec' (fq, loss=P%, noudp, bleach, clearecn)" >&2; return 2 ;;
    esac
  done
  case "$kind" in
    "") tc -n "$ns" qdisc replace dev "$dev" root tbf rate "$rate" burst "$burst" latency "$latency" ;;
    fq) lab_shape_fq "$dir" "$ns" "$dev" "$rate" "$latency" "$burst" ;;
  esac || return 2
  lab_loss "$dir" "$loss" || return 2
  [ -z "$noudp" ] || lab_block_udp "$dir"
  lab_marking "$dir" "$bleach" "$clearecn" || return 2
}

# lab_marking down|up BLEACH CLEARECN: what the path does to the TOS byte
# of the packets travelling that way, in the receiving namespace's mangle
# PREROUTING chain (flushed first): BLEACH non-empty sets every DSCP to 0
# (iptables' DSCP target), as a network that ignores markings does;
# CLEARECN non-empty clears both ECN bits of every UDP datagram (the TOS
# target with mask 0x03), as a middlebox that zeroes the TOS byte's low
# bits does (TCP's ECN is the kernels' own and left alone). RRUL's marking
# checks must name what was done (tests/lab/rrul_side_by_side.mjs).
lab_marking() {
  local dir="$1" bleach="$2" clearecn="$3" ns
  if [ "$dir" = down ]; then ns="$LAB_NS_CLI"; else ns="$LAB_NS_SRV"; fi
  if ! command -v iptables >/dev/null 2>&1; then
    [ -z "$bleach$clearecn" ] && return 0
    echo "lab_shape: bleach and clearecn need iptables (apt-get install iptables)" >&2
    return 2
  fi
  ip netns exec "$ns" iptables -t mangle -F PREROUTING 2>/dev/null || true
  [ -z "$bleach" ] || ip netns exec "$ns" iptables -t mangle -A PREROUTING -j DSCP --set-dscp 0 || return 2
  [ -z "$clearecn" ] || ip netns exec "$ns" iptables -t mangle -A PREROUTING -p udp -j TOS --set-tos 0x00/0x03 || return 2
}

# lab_block_udp down|up: drops every UDP datagram travelling that way, in
# the receiving namespace's INPUT chain, after lab_loss's rule (lab_loss
# flushes the chain first, with or without a loss of its own).
lab_block_udp() {
  local ns
  if [ "$1" = down ]; then ns="$LAB_NS_CLI"; else ns="$LAB_NS_SRV"; fi
  command -v iptables >/dev/null 2>&1 || { echo "lab_shape: noudp needs iptables (apt-get install iptables)" >&2; return 2; }
  ip netns exec "$ns" iptables -A INPUT -p udp -j DROP
}

# lab_loss down|up P: random loss of P% of the IPv4 packets travelling that
# way (its data segments, the other direction's ACKs, the pings), "" for
# none. A packet has crossed the queue (it took its share of the rate) and
# is dropped as its receiver's stack gets it, as on a lossy last hop:
# iptables' statistic match in the receiving namespace's INPUT chain (the
# client's for down, the server's for up). This kernel has no netem and no
# policer or gact action (tc: "Failed to load TC action module"), so tc
# cannot drop at random. The lab's namespaces start with empty tables, so
# the chain is the lab's own.
# Per packet, as on a wire: the sending end's interface is held to one
# segment per packet (gso_max_segs 1). Otherwise its TCP hands the veth
# segmentation-offload packets of several segments, which cross the bridge
# and tbf whole and would be dropped whole: in a first lossy run without it
# the 1% rule dropped 103 packets of 4.5 KB on average (three segments
# each) downstream, a third as many losses as with it (357 of 34,710
# segments, 1.03%).
lab_loss() {
  local dir="$1" pct="$2" ns sender sns sif
  if [ "$dir" = down ]; then ns="$LAB_NS_CLI" sender="$LAB_NS_SRV $LAB_IF_SRV"; else ns="$LAB_NS_SRV" sender="$LAB_NS_CLI $LAB_IF_CLI"; fi
  read -r sns sif <<<"$sender"
  if [ -z "$pct" ]; then
    if command -v iptables >/dev/null 2>&1; then ip netns exec "$ns" iptables -F INPUT 2>/dev/null || true; fi
    ip -n "$sns" link set dev "$sif" gso_max_segs 65535 2>/dev/null || true
    return 0
  fi
  command -v iptables >/dev/null 2>&1 || { echo "lab_shape: random loss needs iptables (apt-get install iptables)" >&2; return 2; }
  local p
  p="$(awk -v p="$pct" 'BEGIN { if (p + 0 <= 0 || p + 0 >= 100) exit 1; printf "%.6f", p / 100 }')" || { echo "lab_shape: bad loss '$pct%'" >&2; return 2; }
  ip -n "$sns" link set dev "$sif" gso_max_segs 1 &&
    ip netns exec "$ns" iptables -F INPUT &&
    ip netns exec "$ns" iptables -A INPUT -m statistic --mode random --probability "$p" -j DROP
}

# lab_allow_cc NAME: make TCP congestion control NAME selectable in the
# namespaces. A namespace may only pick one of the root namespace's
# net.ipv4.tcp_allowed_congestion_control (a list for the whole machine;
# here "reno bbr" by default, without CUBIC); NAME is added to it (never
# removed: other labs may be running), after loading its module if the
# kernel does not offer it yet. Prints what it changed.
lab_allow_cc() {
  local name="$1" allowed
  if ! grep -qw -- "$name" /proc/sys/net/ipv4/tcp_available_congestion_control; then
    command -v modprobe >/dev/null 2>&1 && modprobe "tcp_$name" 2>/dev/null
    grep -qw -- "$name" /proc/sys/net/ipv4/tcp_available_congestion_control ||
      { echo "lab: this kernel has no TCP congestion control '$name' (available: $(cat /proc/sys/net/ipv4/tcp_available_congestion_control))" >&2; return 1; }
  fi
  allowed="$(cat /proc/sys/net/ipv4/tcp_allowed_congestion_control)"
  grep -qw -- "$name" <<<"$allowed" && return 0
  sysctl -q -w net.ipv4.tcp_allowed_congestion_control="$allowed $name" || return 1
  echo "lab: TCP congestion control $name allowed in namespaces (net.ipv4.tcp_allowed_congestion_control was '$allowed', now '$(cat /proc/sys/net/ipv4/tcp_allowed_congestion_control)')"
}

# A tc figure in plain units, rounded down: lab_scaled 50mbit "bit=1 kbit=1e3
# mbit=1e6" -> 50000000. UNITS: unit=factor pairs ("=F": no unit).
lab_scaled() {
  local n="${1%%[!0-9.]*}" unit="${1##*[0-9.]}" pair
  for pair in $2; do
    if [ "${unit,,}" = "${pair%%=*}" ]; then awk -v n="$n" -v f="${pair#*=}" 'BEGIN{printf "%d", n * f}'; return 0; fi
  done
  echo "lab_shape: unsupported unit in '$1' (units: $2)" >&2
  return 2
}

LAB_FQ_BUCKETS=256  # queues per direction (u32 allows up to 256 buckets per hash table)

# A well-managed link with what a kernel without fq_codel/sfq/cake offers
# (htb and the u32 classifier): flow-fair queuing, so that a light flow
# (a video call, game ticks) never waits behind or loses packets to a heavy
# one on the same link.
#   htb root 1:, class 1:1 at RATE (burst BURST): the bottleneck.
#   1:2, the default class: everything but IPv4 TCP (the reference ping,
#     ARP, IPv6), a queue of its own.
#   1:100 + i, i < LAB_FQ_BUCKETS: one class per TCP connection, chosen by a
#     u32 hash on the client's port (the destination port downstream, the
#     source port upstream; the server's port is the same for every
#     connection). Linux gives successive connections to one server ports
#     close together and mostly even, so the hash drops the port's lowest
#     bit and takes the next eight: connections a few ports apart land in
#     distinct classes (every connection had a class of its own in the
#     lab's household runs: the run's tc.log lists the classes used).
# Every leaf may use the whole RATE (ceil) and is guaranteed RATE/classes;
# htb serves the leaves that borrow beyond that in deficit round robin, one
# 1514-byte quantum per turn: each busy connection gets an equal share, and
# one below its share is served as it sends. Each leaf's queue is a
# drop-tail bfifo of RATE x LATENCY + BURST bytes, so a heavy connection
# drops only its own packets. It is fq_codel's flow isolation without
# CoDel's delay target (a heavy flow's own queue is drop-tail).
lab_shape_fq() {  # lab_shape_fq DIR NS DEV RATE LATENCY BURST
  local dir="$1" ns="$2" dev="$3" rate="$4" latency="$5" burst="$6"
  local bps lat_us burst_b limit leaf_bps i minor bucket mask
  bps="$(lab_scaled "$rate" "bit=1 kbit=1e3 mbit=1e6 gbit=1e9")" || return 2
  lat_us="$(lab_scaled "$latency" "us=1 ms=1e3 s=1e6")" || return 2
  burst_b="$(lab_scaled "$burst" "=1 b=1 k=1024 kb=1024 m=1048576 mb=1048576")" || return 2  # tc: kb = 1024 bytes
  limit=$(( bps * lat_us / 8000000 + burst_b ))
  leaf_bps=$(( bps / LAB_FQ_BUCKETS ))
  # The word at offset 20 of an IPv4 header without options is TCP's
  # source port (high half) and destination port (low half).
  [ "$dir" = down ] && mask=0x0000fffe || mask=0xfffe0000
  tc -n "$ns" qdisc del dev "$dev" root 2>/dev/null || true
  {
    echo "qdisc add dev $dev root handle 1: htb default 2"
    echo "class add dev $dev parent 1: classid 1:1 htb rate ${bps}bit ceil ${bps}bit burst $burst_b cburst $burst_b quantum 1514"
    echo "class add dev $dev parent 1:1 classid 1:2 htb rate ${leaf_bps}bit ceil ${bps}bit quantum 1514"
    echo "qdisc add dev $dev parent 1:2 bfifo limit $limit"
    for ((i = 0; i < LAB_FQ_BUCKETS; i++)); do
      printf -v minor %x $((0x100 + i))
      echo "class add dev $dev parent 1:1 classid 1:$minor htb rate ${leaf_bps}bit ceil ${bps}bit quantum 1514"
      echo "qdisc add dev $dev parent 1:$minor bfifo limit $limit"
    done
    echo "filter add dev $dev parent 1: prio 1 handle 2: protocol ip u32 divisor $LAB_FQ_BUCKETS"
    echo "filter add dev $dev parent 1: prio 1 protocol ip u32 ht 800:: match ip protocol 6 0xff match u8 0x45 0xff at 0 hashkey mask $mask at 20 link 2:"
    for ((i = 0; i < LAB_FQ_BUCKETS; i++)); do
      printf -v bucket %x "$i"
      printf -v minor %x $((0x100 + i))
      echo "filter add dev $dev parent 1: prio 1 protocol ip u32 ht 2:$bucket: match u32 0 0 flowid 1:$minor"
    done
  } | tc -n "$ns" -batch -
}

# Prints the qdisc of each direction (for logs).
lab_show_shaping() {
  local dir ns dev
  for dir in down up; do
    read -r ns dev <<<"$(lab_queue_of "$dir")"
    printf '  %-5s %s\n' "$dir:" "$(tc -n "$ns" qdisc show dev "$dev" root)"
    if [[ "$(tc -n "$ns" qdisc show dev "$dev" root)" == "qdisc htb "* ]]; then  # lab_shape_fq
      printf '  %-5s %s; %s leaf classes, each %s\n' "" "$(tc -n "$ns" class show dev "$dev" classid 1:1)" \
        "$(tc -n "$ns" class show dev "$dev" parent 1:1 | grep -c 'parent 1:1 ')" "$(tc -n "$ns" qdisc show dev "$dev" parent 1:2 | cut -d' ' -f1-2,6-)"
    fi
    lab_loss_rule "$dir" | sed 's/^/         random loss, /'
    lab_udp_rule "$dir" | sed 's/^/         /'
  done
}

# The direction's random-loss rule (lab_loss) as iptables lists it, with its
# counters; nothing when it has none.
lab_loss_rule() {
  local ns
  [ "$1" = down ] && ns="$LAB_NS_CLI" || ns="$LAB_NS_SRV"
  command -v iptables >/dev/null 2>&1 || return 0
  ip netns exec "$ns" iptables -L INPUT -v -n -x 2>/dev/null |
    awk '$3 == "DROP" && /statistic/ { printf "probability %.4f (iptables statistic): %d packets, %d bytes dropped\n", $NF, $1, $2 }'
}

# The direction's UDP block (lab_block_udp) with its counters; nothing
# when it has none.
lab_udp_rule() {
  local ns
  [ "$1" = down ] && ns="$LAB_NS_CLI" || ns="$LAB_NS_SRV"
  command -v iptables >/dev/null 2>&1 || return 0
  ip netns exec "$ns" iptables -L INPUT -v -n -x 2>/dev/null |
    awk '$3 == "DROP" && $4 == "udp" { printf "every UDP datagram dropped (noudp): %d so far\n", $1 }'
}

# Each direction's queue counters (tc -s), for a run's log: the qdisc, and
# of a flow-fair direction the classes that carried traffic.
lab_tc_stats() {
  local dir ns dev
  for dir in down up; do
    read -r ns dev <<<"$(lab_queue_of "$dir")"
    echo "== $dir ($dev)"
    tc -n "$ns" -s qdisc show dev "$dev" root
    if [[ "$(tc -n "$ns" qdisc show dev "$dev" root)" == "qdisc htb "* ]]; then
      tc -n "$ns" -s class show dev "$dev" | awk '/^class /{c = $0; next} c != "" && $1 == "Sent" {if ($2 > 0) print c "\n" $0; c = ""}'
    fi
    lab_loss_rule "$dir" | sed 's/^/random loss: /'
  done
}

# One line on the lab's TCP settings (they shape how full a queue gets).
lab_describe() {
  echo "topology $LAB_TOPOLOGY; TCP congestion control $(lab_cli sysctl -n net.ipv4.tcp_congestion_control) (client), $(lab_srv sysctl -n net.ipv4.tcp_congestion_control) (server)"
}
