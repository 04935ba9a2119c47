#!/usr/bin/env bash
# generate.sh [OUTDIR]: records the capture corpus of real Linux TCP on the
# machine it runs on, into OUTDIR (default: corpus/ beside this script).
#
# It needs root, ip (iproute2), tcpdump, iptables and Go. It sends traffic
# only inside network namespaces it creates and removes itself, and on
# their loopback interfaces; never toward any other address.
#
# The topology: a client namespace and a server namespace joined through a
# router namespace, addresses of 10.77.0.0/16 that exist only there:
#
#   client 10.77.1.1 --veth-- 10.77.1.254 router 10.77.2.254 --veth-- 10.77.2.1 server
#
# Each scenario is recorded at three vantage points at once: next to the
# client (NAME.client.pcap), on the router (NAME.path.pcap) and next to
# the server (NAME.server.pcap). Loopback scenarios run both ends in one
# namespace and record its loopback interface (NAME.loopback.pcap). To
# lose a chosen segment once, the router drops the first that matches an
# iptables rule (the recent match lets the retransmission through).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/corpus}
mkdir -p "$out"
out=$(cd "$out" && pwd)

if [ "$(id -u)" -ne 0 ]; then
	echo "generate.sh: needs root (network namespaces, tcpdump, iptables)" >&2
	exit 2
fi
for tool in ip tcpdump iptables go; do
	command -v "$tool" >/dev/null || { echo "generate.sh: $tool is missing" >&2; exit 2; }
done

work=$(mktemp -d)
tag=tcpc$$
cli=$tag-cli rtr=$tag-rtr srv=$tag-srv lo=$tag-lo
pids=()

cleanup() {
	for p in "${pids[@]:-}"; do
		[ -n "$p" ] && kill "$p" 2>/dev/null || true
	done
	for ns in "$cli" "$rtr" "$srv" "$lo"; do
		ip netns del "$ns" 2>/dev/null || true
	done
	rm -rf "$work"
}
trap cleanup EXIT

(cd "$here/../.." && go build -o "$work/peer" ./testdata/captures/peer)
peer=$work/peer

nsx() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

# The namespaces and their links.
for ns in "$cli" "$rtr" "$srv" "$lo"; do
	ip netns add "$ns"
	nsx "$ns" ip link set lo up
done
ip link add c0 netns "$cli" type veth peer name r1 netns "$rtr"
ip link add s0 netns "$srv" type veth peer name r2 netns "$rtr"
nsx "$cli" ip addr add 10.77.1.1/24 dev c0
nsx "$rtr" ip addr add 10.77.1.254/24 dev r1
nsx "$rtr" ip addr add 10.77.2.254/24 dev r2
nsx "$srv" ip addr add 10.77.2.1/24 dev s0
for pair in "$cli c0" "$rtr r1" "$rtr r2" "$srv s0"; do
	set -- $pair
	nsx "$1" ip link set "$2" up
	# Segments as the stack sends them: no offloads that merge or split
	# them on the way to the capture.
	nsx "$1" ethtool -K "$2" tso off gso off gro off 2>/dev/null || true
done
nsx "$cli" ip route add default via 10.77.1.254
nsx "$srv" ip route add default via 10.77.2.254
nsx "$rtr" sysctl -qw net.ipv4.ip_forward=1

# capture NS IF FILE: record TCP on port 8080 until stopped.
capture() {
	local log=$work/$(basename "$3").log
	# ip netns exec execs tcpdump, so $! is tcpdump itself.
	ip netns exec "$1" tcpdump -i "$2" -U -s 128 -w "$3" 'tcp port 8080' 2>"$log" &
	pids+=($!)
	for _ in $(seq 100); do
		grep -q "listening on" "$log" && return 0
		sleep 0.05
	done
	echo "generate.sh: tcpdump on $2 did not start" >&2
	cat "$log" >&2
	return 1
}

stop_captures() {
	sleep 0.3
	# SIGTERM, not SIGINT: a background job of a script ignores SIGINT.
	for p in "${pids[@]}"; do
		kill -TERM "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	pids=()
}

# drop_once NAME MATCH...: the router drops the first segment that
# matches, and lets every later one through.
drop_once() {
	local name=$1
	shift
	nsx "$rtr" iptables -A FORWARD -p tcp "$@" -m recent --name "$name" --rcheck -j ACCEPT
	nsx "$rtr" iptables -A FORWARD -p tcp "$@" -m recent --name "$name" --set -j DROP
}

# scenario NAME CLIENT-SCRIPT SERVER-SCRIPT [CLIENT-FLAGS]: run one
# connection between the client and server namespaces and record it at
# the three vantage points. SERVER-SCRIPT "-" runs no server.
scenario() {
	local name=$1 cscript=$2 sscript=$3 cflags=${4:-}
	echo "scenario $name"
	rm -f "$work"/sync-*
	capture "$cli" c0 "$out/$name.client.pcap"
	capture "$rtr" r2 "$out/$name.path.pcap"
	capture "$srv" s0 "$out/$name.server.pcap"
	local spid=""
	if [ "$sscript" != "-" ]; then
		nsx "$srv" "$peer" -listen 10.77.2.1:8080 -sync "$work" -script "$sscript" &
		spid=$!
		sleep 0.2
	fi
	# shellcheck disable=SC2086
	nsx "$cli" "$peer" -connect 10.77.2.1:8080 -sync "$work" -script "$cscript" $cflags
	[ -n "$spid" ] && wait "$spid"
	# Let retransmissions and the last ACKs be seen.
	sleep 1.5
	stop_captures
	nsx "$rtr" iptables -F FORWARD
}

# loopback NAME CLIENT-SCRIPT SERVER-SCRIPT [CLIENT-FLAGS]: the same, with
# both ends on one namespace's loopback interface.
loopback() {
	local name=$1 cscript=$2 sscript=$3 cflags=${4:-}
	echo "loopback $name"
	rm -f "$work"/sync-*
	capture "$lo" lo "$out/$name.loopback.pcap"
	nsx "$lo" "$peer" -listen 127.0.0.1:8080 -sync "$work" -script "$sscript" &
	local spid=$!
	sleep 0.2
	# shellcheck disable=SC2086
	nsx "$lo" "$peer" -connect 127.0.0.1:8080 -sync "$work" -script "$cscript" $cflags
	wait "$spid"
	sleep 1.5
	stop_captures
}

# The normal close, each side closing first.
scenario client-closes-first "write:5,read:5,close" "accept,read:5,write:5,readeof,close"
scenario server-closes-first "write:5,read:5,readeof,close" "accept,read:5,write:5,close,sleep:500"

# A simultaneous close: the router drops each side's first FIN, so both
# ends are in FIN-WAIT-1 when the retransmitted FINs cross.
drop_once finc -s 10.77.1.1 --tcp-flags FIN FIN
drop_once fins -s 10.77.2.1 --tcp-flags FIN FIN
scenario simultaneous-close "write:5,read:5,touch:sync-c,wait:sync-s,close,sleep:800" "accept,read:5,write:5,touch:sync-s,wait:sync-c,close,sleep:800"

# A half-close: the client sends its request and its FIN; the server
# still sends its answer, then closes.
scenario half-close "write:100,shutdown,readeof,close" "accept,readeof,write:3000,close"

# An abort: the client resets the connection (SO_LINGER 0).
scenario abort "write:5,abort" "accept,read:5,sleep:300,close"

# A refused connection: nobody listens.
scenario refused "refused" "-"

# Lost segments, each recovered by retransmission.
drop_once syn -s 10.77.1.1 --tcp-flags SYN,ACK SYN
scenario lost-syn "write:5,read:5,close" "accept,read:5,write:5,readeof,close"
drop_once synack -s 10.77.2.1 --tcp-flags SYN,ACK SYN,ACK
scenario lost-syn-ack "write:5,read:5,close" "accept,read:5,write:5,readeof,close"
drop_once fin -s 10.77.1.1 --tcp-flags FIN FIN
scenario lost-fin "write:5,read:5,close" "accept,read:5,write:5,readeof,close"
# The client's last ACK: the rule goes in once the client has closed and
# before the server's FIN, so the first pure ACK it then sends is lost.
(
	while [ ! -e "$work/sync-closed" ]; do sleep 0.02; done
	drop_once lastack -s 10.77.1.1 --tcp-flags SYN,ACK,FIN,RST ACK
	touch "$work/sync-armed"
) &
scenario lost-final-ack "write:5,read:5,close,touch:sync-closed" "accept,read:5,write:5,readeof,wait:sync-armed,close,sleep:1500"

# The server closes first and waits in TIME-WAIT; the client connects
# again from the same port, and the server's TIME-WAIT takes the new SYN
# (tcp_timewait_state_process, TCP_TW_SYN).
scenario time-wait-new-syn "write:5,read:5,readeof,close,sleep:200,again,write:5,read:5,close" \
	"accept,read:5,write:5,close,accept,read:5,write:5,readeof,close" "-local 10.77.1.1:40000"

# Many connections at once, interleaved.
server=""
for _ in $(seq 20); do server="$server,accept,read:100,write:100,readeof,close"; done
scenario many "write:100,read:100,close" "${server#,}" "-conns 20"

# On loopback: the normal close, and the client taking over its own
# TIME-WAIT (tcp_tw_reuse, 2 by default: loopback only) a second later.
loopback client-closes-first "write:5,read:5,close" "accept,read:5,write:5,readeof,close"
loopback time-wait-reuse "write:5,read:5,close,sleep:1100,again,write:5,read:5,close" \
	"accept,read:5,write:5,readeof,close,accept,read:5,write:5,readeof,close" "-local 127.0.0.1:40000"

echo "captures in $out"
