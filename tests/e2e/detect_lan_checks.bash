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

# check_explain ARP_PCAP DIST_PCAP LABEL: clscan explain of one member of
# the group that clscan report finds shows the group's finding (the
# report's row), says it is one of the members and lists only its own
# events; explaining a source that is no member (the target, a scanner of
# another capture) shows no group. The ARP sweeper 10.78.8.11, a member
# when all of its probes went out, gets both its findings. The members are
# the report's (check_distributed holds them to the capture): a live run
# whose first probes were lost to ARP resolution still tests explain.
check_explain() {
	local arp=$1 pcap=$2 label="$3 explain" sweeper=10.78.8.11 members
	"$CLSCAN" report -q -o json "$pcap" >"$TMP/exr.json"
	members=$(jq -r '[.findings[] | select(.type == "distributed")][0].group.members // [] | join(" ")' \
		"$TMP/exr.json")
	local -a mem
	read -r -a mem <<<"$members"
	if [ "${#mem[@]}" -lt 3 ]; then
		not_ok "$label: no group in the capture to explain"
		return
	fi
	local n=${#mem[@]} m=${mem[2]} first=${mem[0]}
	"$CLSCAN" report -q "$pcap" >"$TMP/rep.txt"
	"$CLSCAN" explain -q "$m" "$pcap" >"$TMP/ex.txt"
	{ grep -A2 "distributed scan" "$TMP/rep.txt" || true; } | head -3 >"$TMP/row.rep"
	{ grep -A2 "distributed scan" "$TMP/ex.txt" || true; } | head -3 >"$TMP/row.ex"
	if [ -s "$TMP/row.rep" ] && cmp -s "$TMP/row.rep" "$TMP/row.ex"; then
		ok "$label $m: the group's row, why and evidence as in report"
	else
		not_ok "$label $m: the group's row differs from report's"
	fi
	expect_eq "$label $m: its source column" \
		"$(grep -c "^  [1-5]  $first +$((n - 1))  distributed scan (vertical)" "$TMP/ex.txt")" 1
	expect_eq "$label $m: one of the members" \
		"$(grep -c "^  $m is one of the $n members of the distributed scan from $first +$((n - 1)) (vertical, TCP):$" "$TMP/ex.txt")" 1
	expect_eq "$label $m: the members listed" \
		"$(grep -A1 "^  $m is one of the" "$TMP/ex.txt" | tail -1 | xargs)" "$members"
	# its own lines, all of them, and no other member's
	local own
	own=$("$CLSCAN" report -q -o jsonl "$pcap" | jq -r .src | grep -cx "$m" || true)
	expect_eq "$label $m: its event lines" "$(grep -c "^$pcap:[0-9]*: {" "$TMP/ex.txt")" "$own"
	expect_eq "$label $m: no other source's lines" \
		"$(grep "^$pcap:[0-9]*: {" "$TMP/ex.txt" | grep -vc "\"src\":\"$m\"")" 0
	expect_eq "$label $m: headline counts its events only" \
		"$(head -1 "$TMP/ex.txt")" "clscan explain $m - $own events in 1 file"
	# the same over 1 and 2 threads
	"$CLSCAN" explain -q --threads 1 "$m" "$pcap" >"$TMP/ex1.txt"
	"$CLSCAN" explain -q --threads 2 "$m" "$pcap" "$pcap" >"$TMP/ex2.txt"
	expect_eq "$label $m: --threads 1" "$(cmp -s "$TMP/ex.txt" "$TMP/ex1.txt" && echo same)" same
	expect_eq "$label $m: the capture twice, 2 threads: still the group" \
		"$(grep -c "^  $m is one of the $n members" "$TMP/ex2.txt")" 1
	# the network of all of them
	local net=${m%.*}.0/24
	"$CLSCAN" explain -q "$net" "$pcap" >"$TMP/exn.txt"
	expect_eq "$label $net: members in it" \
		"$(grep -c "^  $n of the $n members of the distributed scan from $first +$((n - 1)) (vertical, TCP) are in $net:$" "$TMP/exn.txt")" 1
	expect_eq "$label $net: the group once" "$(grep -c "distributed scan (vertical)" "$TMP/exn.txt")" 1
	# no member: the target (no events), a scanner elsewhere (a finding of its own)
	"$CLSCAN" explain -q 10.78.8.2 "$pcap" >"$TMP/ext.txt"
	expect_eq "$label target 10.78.8.2: no group" \
		"$(grep -c "distributed scan\|DISTRIBUTED\| members " "$TMP/ext.txt")" 0
	if grep -q "^  no scan findings$" "$TMP/ext.txt"; then
		ok "$label target: no findings"
	else
		not_ok "$label target: findings shown"
	fi
	"$CLSCAN" explain -q 10.129.0.4 "$DATA/pcap/syn_scan.pcap" "$pcap" >"$TMP/exo.txt"
	expect_eq "$label 10.129.0.4 with the capture: no group" \
		"$(grep -c "distributed scan\|DISTRIBUTED\| members " "$TMP/exo.txt")" 0
	expect_eq "$label 10.129.0.4 with the capture: its own finding" \
		"$(grep -c "^  [1-5]  10.129.0.4  vertical port scan, SYN" "$TMP/exo.txt")" 1
	# the ARP sweeper: its sweep, and the group when it is a member
	local in_group=0
	case " $members " in *" $sweeper "*) in_group=1 ;; esac
	"$CLSCAN" explain -q "$sweeper" "$arp" "$pcap" >"$TMP/exa.txt"
	expect_eq "$label $sweeper over both captures: its sweep" \
		"$(grep -cE "^  [1-5]  $sweeper +ping sweep, ARP" "$TMP/exa.txt")" 1
	expect_eq "$label $sweeper over both captures: the group if a member" \
		"$(grep -cE "^  [1-5]  $first \+$((n - 1)) +distributed scan" "$TMP/exa.txt")" "$in_group"
	expect_eq "$label $sweeper over both captures: one of the members if one" \
		"$(grep -c "^  $sweeper is one of the $n members" "$TMP/exa.txt")" "$in_group"
	# no groups asked for: none shown (detection per source, as before)
	"$CLSCAN" explain -q --distributed-sources 0 "$m" "$pcap" >"$TMP/ex0.txt"
	expect_eq "$label $m, --distributed-sources 0: no group" \
		"$(grep -c "distributed scan\|DISTRIBUTED" "$TMP/ex0.txt")" 0
	expect_eq "$label $m, --distributed-sources 0: its event lines" \
		"$(grep -c "^$pcap:[0-9]*: {" "$TMP/ex0.txt")" "$own"
}
