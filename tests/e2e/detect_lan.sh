#!/usr/bin/env bash
# A LAN of network namespaces on one bridge (10.78.8.0/24, which exists
# only between them): real nmap runs captured with tcpdump and read back by
# clscan.
#   1. nmap -sn over the /24 from 10.78.8.11: nmap finds hosts on its own
#      segment by ARP, so the capture holds who-has requests for every
#      address; clscan must report an ARP host-discovery sweep.
#   2. A distributed scan: six scanners (10.78.8.11-16), each nmap -sS on
#      five privileged ports of 10.78.8.2 at the same time. No scanner alone
#      crosses the vertical threshold (5 x 3 = 15 < 21); together (90) they
#      do: clscan must report one distributed finding with all six members.
# With CLSCAN_KEEP_CAPTURES=DIR the two captures are copied there (that is
# how tests/data/pcap/lab-arp-sweep.pcap and lab-distributed.pcap were
# made). Needs root, ip netns, nmap, tcpdump, jq; exits 77 ("skip: ...")
# without them. Bounded: every step under timeout, about 30 s in all.
# shellcheck source=lib.bash
source "$(dirname "$0")/lib.bash"

skip() {
	echo "skip: $*"
	exit 77
}

[ "$(id -u)" = 0 ] || skip "needs root (network namespaces, raw sockets)"
for tool in ip nmap tcpdump jq timeout; do
	command -v "$tool" >/dev/null 2>&1 || skip "$tool not installed"
done

TAG=$$
SW="clscan-sw-$TAG"
NSS=()
PIDS=()
cleanup() {
	local p n
	for p in "${PIDS[@]}"; do
		kill "$p" 2>/dev/null || true
	done
	for n in "${NSS[@]}"; do
		ip netns del "$n" 2>/dev/null || true
	done
	ip netns del "$SW" 2>/dev/null || true
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

timeout 5 ip netns add "$SW" 2>/dev/null || skip "ip netns add does not work here"
ip netns exec "$SW" timeout 5 ip link add br0 type bridge 2>/dev/null || skip "no bridge devices here"
ip netns exec "$SW" timeout 5 ip link set br0 up

# host NAME ADDRESS: a namespace on the bridge
host() {
	local ns="clscan-$1-$TAG" i=$((${#NSS[@]} + 1))
	timeout 5 ip netns add "$ns"
	NSS+=("$ns")
	timeout 5 ip link add "v$i" netns "$ns" type veth peer name "p$i" netns "$SW"
	ip netns exec "$SW" timeout 5 ip link set "p$i" master br0 up
	ip netns exec "$ns" timeout 5 ip addr add "$2/24" dev "v$i"
	ip netns exec "$ns" timeout 5 ip link set lo up
	ip netns exec "$ns" timeout 5 ip link set "v$i" up
	eval "DEV_$1=v$i"
}
host tgt 10.78.8.2
host live3 10.78.8.3
host live4 10.78.8.4
for k in 1 2 3 4 5 6; do
	host "s$k" "10.78.8.1$k"
done
in_ns() {
	local n="clscan-$1-$TAG"
	shift
	ip netns exec "$n" "$@"
}

# capture NS DEV NAME CMD...: run CMD under a tcpdump in NS on DEV.
capture() {
	local ns=$1 dev=$2 name=$3
	shift 3
	# not through in_ns: $! must be the process that gets the signal
	ip netns exec "clscan-$ns-$TAG" timeout 60 tcpdump -i "$dev" -n -U --immediate-mode -Z root \
		-w "$TMP/$name.pcap" >"$TMP/$name.tcpdump" 2>&1 &
	local tpid=$!
	PIDS+=("$tpid")
	for _ in $(seq 1 50); do
		grep -q "listening on" "$TMP/$name.tcpdump" 2>/dev/null && break
		sleep 0.1
	done
	"$@" || not_ok "$name: the scan failed"
	sleep 1
	kill -TERM "$tpid" 2>/dev/null || true
	wait "$tpid" 2>/dev/null || true
}

# 1. ARP host discovery from s1 over the whole /24.
capture s1 "$DEV_s1" lab-arp-sweep in_ns s1 timeout 40 nmap -n -sn -T4 --max-retries 1 10.78.8.0/24 \
	>"$TMP/arp.nmap"

# 2. Six scanners at once, five privileged ports each, one target.
distributed() {
	local k lo pids=()
	for k in 1 2 3 4 5 6; do
		lo=$((k * 10))
		in_ns "s$k" timeout 30 nmap -n -Pn -sS --max-retries 0 -p "$lo-$((lo + 4))" 10.78.8.2 \
			>"$TMP/dist$k.nmap" 2>&1 &
		pids+=($!)
	done
	for k in "${pids[@]}"; do
		wait "$k" || return 1
	done
}
capture tgt "$DEV_tgt" lab-distributed distributed

if [ -n "${CLSCAN_KEEP_CAPTURES:-}" ]; then
	cp "$TMP/lab-arp-sweep.pcap" "$TMP/lab-distributed.pcap" "$CLSCAN_KEEP_CAPTURES/"
fi

. "$(dirname "$0")/detect_lan_checks.bash"
# Ground truth from the captures themselves: who-has targets asked by s1;
# sources with 3 SYNs or more, and every SYN's port, compressed to ranges.
asked=$(tcpdump -nr "$TMP/lab-arp-sweep.pcap" arp 2>/dev/null | grep "Request who-has .* tell 10.78.8.11," |
	awk '{print $5}' | sort -u | wc -l)
tcpdump -nr "$TMP/lab-distributed.pcap" 'tcp[tcpflags] == tcp-syn' 2>/dev/null |
	awk '{split($3, a, "."); split($5, b, "."); sub(":", "", b[5]); print a[1] "." a[2] "." a[3] "." a[4], b[5]}' |
	sort -u >"$TMP/syns"
# A scanner's who-has for the target in the capture is a contact too (an
# ARP probe): with a SYN lost to ARP resolution (nmap sends each once) it
# can be the third.
tcpdump -nr "$TMP/lab-distributed.pcap" arp 2>/dev/null | grep "Request who-has 10.78.8.2 tell " |
	awk '{sub(",", "", $7); print $7, "arp"}' | sort -u >>"$TMP/syns"
members=$(awk '{n[$1]++} END {for (s in n) if (n[s] >= 3) print s}' "$TMP/syns" | sort -t. -k4,4n | paste -sd' ')
# the members' ports (a scanner whose probes were lost is no member, and
# its ports are no part of the group), as clscan writes them: a run of
# three or more as a range
ports=$(awk -v m=" $members " '$2 != "arp" && index(m, " " $1 " ") {print $2}' "$TMP/syns" |
	sort -n -u | awk '
	function put() {
		if (lo == hi) s = lo; else if (hi == lo + 1) s = lo "," hi; else s = lo "-" hi
		out = out (out ? "," : "") s
	}
	NR == 1 {lo = hi = $1; next}
	$1 == hi + 1 {hi = $1; next}
	{put(); lo = hi = $1}
	END {if (NR) put(); print out}')
check_arp "$TMP/lab-arp-sweep.pcap" live "$asked"
check_distributed "$TMP/lab-distributed.pcap" live "$members" "$ports"
check_explain "$TMP/lab-arp-sweep.pcap" "$TMP/lab-distributed.pcap" live
finish
