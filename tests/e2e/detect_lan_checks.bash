# Checks on the two LAN captures of detect_lan.sh (sourced by it for the
# live run and by detect_lan_data.sh for the copies in tests/data/pcap).

# check_arp PCAP LABEL WANT: one ARP host-discovery sweep from 10.78.8.11
# over the /24, asking for WANT distinct addresses (the ground truth: what
# tcpdump reads in the capture; asking the dead ones again is a repeat).
check_arp() {
	"$CLSCAN" report -q -o json "$1" >"$TMP/arp.json"
	local f='.findings[] | select(.technique == "arp")'
	expect_eq "$2 arp: one ARP sweep" "$(jq "[$f] | length" "$TMP/arp.json")" 1
	expect_eq "$2 arp: type and source" "$(jq -r "$f | \"\(.type) \(.source)\"" "$TMP/arp.json")" \
		"ping-sweep 10.78.8.11"
	expect_eq "$2 arp: addresses asked for" "$(jq -r "$f | .targets_count" "$TMP/arp.json")" "$3"
	local why
	why=$(jq -r "$f | .why" "$TMP/arp.json")
	case "$why" in
	"ARP who-has for $3 addresses of 10.78.8.0/24 in "*) ok "$2 arp: why names the network" ;;
	*) not_ok "$2 arp: why is '$why'" ;;
	esac
	expect_eq "$2 arp: protocol of the finding" "$(jq -r "$f | .proto" "$TMP/arp.json")" arp
}

# check_distributed PCAP LABEL MEMBERS PORTS: the scanners are one
# distributed finding with these members (those that sent at least 3
# probes) and ports; none is a finding alone.
check_distributed() {
	"$CLSCAN" report -q -o json "$1" >"$TMP/dist.json"
	local f='.findings[] | select(.type == "distributed")'
	expect_eq "$2 distributed: one finding" "$(jq "[$f] | length" "$TMP/dist.json")" 1
	expect_eq "$2 distributed: members" "$(jq -r "$f | .group.members | join(\" \")" "$TMP/dist.json")" \
		"$3"
	expect_eq "$2 distributed: shape, target, ports" \
		"$(jq -r "$f | \"\(.group.shape) \(.targets[0]) \(.ports)\"" "$TMP/dist.json")" \
		"vertical 10.78.8.2 $4"
	case "$(jq -r "$f | .group.shared" "$TMP/dist.json")" in
	*"10.78.8.0/24"*"probe signature"* | *"probe signature"*"10.78.8.0/24"*) ok "$2 distributed: shares both the /24 and nmap's probe" ;;
	*) not_ok "$2 distributed: shared evidence '$(jq -r "$f | .group.shared" "$TMP/dist.json")'" ;;
	esac
	expect_eq "$2 distributed: no member alone" \
		"$(jq '[.findings[] | select(.type != "distributed")] | length' "$TMP/dist.json")" 0
	"$CLSCAN" report -q -o json --distributed-sources 0 "$1" >"$TMP/dist0.json"
	expect_eq "$2 distributed: off with --distributed-sources 0" "$(jq '.findings | length' "$TMP/dist0.json")" 0
}
