#!/usr/bin/env bash
# Real nmap scans between two network namespaces joined by a veth pair,
# captured with tcpdump in the scanner's namespace and read back by clscan
# (-o jsonl): every scan type's probes carry its TCP flags; the ports with a
# listener in the target (22, 80; UDP 9999 answering) come out open, the
# others closed (RST, ICMP port unreachable) or no_answer; a connect scan's
# full sessions are one event per port. Needs root, ip netns, nmap, tcpdump,
# jq and python3 (the listeners); exits 77 ("skip: ...") without them.
# Nothing leaves the namespaces: 10.77.7.0/24 exists only between them.
# shellcheck source=lib.bash
source "$(dirname "$0")/lib.bash"

skip() {
	echo "skip: $*"
	exit 77
}

[ "$(id -u)" = 0 ] || skip "needs root (network namespaces, raw sockets)"
for tool in ip nmap tcpdump jq python3 timeout; do
	command -v "$tool" >/dev/null 2>&1 || skip "$tool not installed"
done
[ -x "$CLSCAN" ] || {
	echo "not ok - clscan binary $CLSCAN missing"
	exit 1
}

NS_S="clscan-scan-$$"
NS_T="clscan-tgt-$$"
SCANNER=10.77.7.1
TARGET=10.77.7.2
PIDS=()

cleanup() {
	local p
	for p in "${PIDS[@]}"; do
		kill "$p" 2>/dev/null || true
	done
	ip netns del "$NS_S" 2>/dev/null || true
	ip netns del "$NS_T" 2>/dev/null || true
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

in_s() { ip netns exec "$NS_S" "$@"; }
in_t() { ip netns exec "$NS_T" "$@"; }

timeout 5 ip netns add "$NS_S" 2>/dev/null || skip "ip netns add does not work here"
timeout 5 ip netns add "$NS_T"
timeout 5 ip link add veth-s netns "$NS_S" type veth peer name veth-t netns "$NS_T"
in_s timeout 5 ip addr add "$SCANNER/24" dev veth-s
in_t timeout 5 ip addr add "$TARGET/24" dev veth-t
for ns in "$NS_S" "$NS_T"; do
	ip netns exec "$ns" timeout 5 ip link set lo up
done
in_s timeout 5 ip link set veth-s up
in_t timeout 5 ip link set veth-t up

# The target: TCP listeners on 22 and 80 (the kernel answers the SYNs;
# accepted connections are closed at once) and a UDP echo on 9999.
cat >"$TMP/listen.py" <<'EOF'
import select, socket
socks = []
for port in (22, 80):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", port))
    s.listen(64)
    socks.append(s)
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.bind(("0.0.0.0", 9999))
socks.append(u)
while True:
    ready, _, _ = select.select(socks, [], [])
    for s in ready:
        if s is u:
            data, peer = u.recvfrom(4096)
            u.sendto(data or b"clscan", peer)
        else:
            conn, _ = s.accept()
            conn.close()
EOF
# (Background jobs run ip directly, not through in_t, so that $! is the
# process to signal and not a subshell around it.)
ip netns exec "$NS_T" timeout 90 python3 "$TMP/listen.py" &
PIDS+=($!)

# Wait until the link answers and the listeners are up (ARP resolved too).
up=0
for _ in $(seq 1 30); do
	if in_s timeout 1 bash -c "exec 3<>/dev/tcp/$TARGET/22" 2>/dev/null; then
		up=1
		break
	fi
	sleep 0.2
done
[ "$up" = 1 ] || {
	not_ok "target listeners did not come up"
	finish
}

# capture NAME NMAP-ARGS...: run one scan under tcpdump, nanosecond stamps.
capture() {
	local name=$1
	shift
	local pcap="$TMP/$name.pcap" log="$TMP/$name.tcpdump"
	if [ "$SECONDS" -gt 75 ]; then
		not_ok "$name: not run, the lab is over its time budget (${SECONDS}s)"
		return 0
	fi
	ip netns exec "$NS_S" timeout 40 tcpdump -i veth-s -n -U --immediate-mode -Z root --time-stamp-precision=nano \
		-w "$pcap" >"$log" 2>&1 &
	local tpid=$!
	PIDS+=("$tpid")
	for _ in $(seq 1 50); do
		grep -q "listening on" "$log" 2>/dev/null && break
		sleep 0.1
	done
	in_s timeout 15 nmap -n -T4 --max-retries 1 "$@" >"$TMP/$name.nmap" 2>&1 ||
		not_ok "$name: nmap $* failed ($(tail -1 "$TMP/$name.nmap"))"
	sleep 1
	kill -TERM "$tpid" 2>/dev/null || true
	wait "$tpid" 2>/dev/null || true
	"$CLSCAN" report -o jsonl "$pcap" >"$TMP/$name.jsonl" 2>"$TMP/$name.err" ||
		not_ok "$name: clscan exited $? ($(head -1 "$TMP/$name.err"))"
}

# outcomes NAME PROTO FLAGS PORT: the distinct outcomes of the scanner's
# probes to PORT with exactly these TCP flags (any for UDP).
outcomes() {
	jq -r --arg s "$SCANNER" --arg t "$TARGET" --arg p "$2" --arg f "$3" --argjson port "$4" \
		'select(.src == $s and .dst == $t and .proto == $p and .dport == $port
		        and ($f == "" or .tcp_flags == $f)) | .outcome // "none"' \
		"$TMP/$1.jsonl" | sort -u | paste -sd' ' -
}

# count NAME PROTO FLAGS PORT: how many such events.
count() {
	jq -r --arg s "$SCANNER" --arg t "$TARGET" --arg p "$2" --arg f "$3" --argjson port "$4" \
		'select(.src == $s and .dst == $t and .proto == $p and .dport == $port
		        and ($f == "" or .tcp_flags == $f)) | .dport' \
		"$TMP/$1.jsonl" | wc -l | tr -d ' '
}

TCP_PORTS=22,80,81,443

capture syn -Pn -sS -p "$TCP_PORTS" "$TARGET"
capture connect -Pn -sT -p "$TCP_PORTS" "$TARGET"
capture fin -Pn -sF -p "$TCP_PORTS" "$TARGET"
capture null -Pn -sN -p "$TCP_PORTS" "$TARGET"
capture xmas -Pn -sX -p "$TCP_PORTS" "$TARGET"
capture ack -Pn -sA -p "$TCP_PORTS" "$TARGET"
capture udp -Pn -sU -p 9999,161,162 "$TARGET"
capture ping -sn --disable-arp-ping "$TARGET"

for scan in syn connect; do
	expect_eq "$scan 22/tcp" "$(outcomes "$scan" tcp S 22)" open
	expect_eq "$scan 80/tcp" "$(outcomes "$scan" tcp S 80)" open
	expect_eq "$scan 81/tcp" "$(outcomes "$scan" tcp S 81)" closed
	expect_eq "$scan 443/tcp" "$(outcomes "$scan" tcp S 443)" closed
done
# A connect scan's sessions (SYN, SYN-ACK, ACK, RST) are one event each,
# and nothing of the scanner's handshake is an event of its own.
expect_eq "connect 22/tcp events" "$(count connect tcp S 22)" 1
expect_eq "connect 80/tcp events" "$(count connect tcp S 80)" 1
expect_eq "connect: only SYN events" \
	"$(jq -r 'select(.proto == "tcp") | .tcp_flags' "$TMP/connect.jsonl" | sort -u | paste -sd' ' -)" S
expect_eq "syn: no replies as events" \
	"$(jq -r --arg t "$TARGET" 'select(.src == $t)' "$TMP/syn.jsonl" | wc -l | tr -d ' ')" 0

# FIN, NULL and XMAS: closed ports answer RST, open ones stay silent.
for pair in fin:F null:- xmas:FPU; do
	scan=${pair%%:*}
	flags=${pair#*:}
	expect_eq "$scan 22/tcp [$flags]" "$(outcomes "$scan" tcp "$flags" 22)" no_answer
	expect_eq "$scan 80/tcp [$flags]" "$(outcomes "$scan" tcp "$flags" 80)" no_answer
	expect_eq "$scan 81/tcp [$flags]" "$(outcomes "$scan" tcp "$flags" 81)" closed
	expect_eq "$scan 443/tcp [$flags]" "$(outcomes "$scan" tcp "$flags" 443)" closed
done

# ACK: an unfiltered host answers RST on every port.
for port in 22 80 81 443; do
	expect_eq "ack $port/tcp [A]" "$(outcomes ack tcp A "$port")" closed
done

expect_eq "udp 9999 (echo)" "$(outcomes udp udp "" 9999)" open
expect_eq "udp 161" "$(outcomes udp udp "" 161)" closed
expect_eq "udp 162" "$(outcomes udp udp "" 162)" closed

expect_eq "ping sweep: echo request answered" \
	"$(jq -r --arg s "$SCANNER" --arg t "$TARGET" \
		'select(.src == $s and .dst == $t and .proto == "icmp" and .icmp_type == 8) | .outcome' \
		"$TMP/ping.jsonl" | sort -u | paste -sd' ' -)" open

# Nanosecond stamps survive: every event's time is a UTC stamp.
bad_time=$(cat "$TMP"/*.jsonl | jq -r 'select((.time // "") | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z$") | not)' | wc -l | tr -d ' ')
expect_eq "events without a UTC time" "$bad_time" 0

echo "# lab took ${SECONDS}s"
finish
