#!/usr/bin/env bash
# Packet captures of real scans (tests/data/pcap, see ORIGINS.md) give their
# scan with the outcome of every probe: the ports that answered are the ones
# nmap's own report (syn.txt, udp.txt) calls open; masscan and nmap are named
# from their packets; captures without a scan give no finding.
. "$(dirname "$0")/lib.bash"
command -v jq >/dev/null || { echo "skip: jq not installed"; exit 77; }

# FILE|TYPE/TECHNIQUE|SOURCE|TARGET COUNT|PORT COUNT|OPEN PORTS|TOOL   ("-": no finding)
EXPECT='
syn_scan.pcap|vertical/syn|10.129.0.4|1|100|21,22,80,139,445|nmap -sS
fin_scan.pcap|vertical/fin|10.129.0.4|1|100||nmap -sF
xmas_scan.pcap|vertical/xmas|10.129.0.4|1|100||nmap -sX
udp_scan.pcap|vertical/udp|10.129.0.4|1|100|137|
synscan.pcapng|vertical/syn|172.16.0.8|1|1000|22,53,80|nmap -sS
null15.pcap|vertical/null|10.10.2.42|1|15||nmap -sN
portscan.pcap|vertical/syn|10.100.25.14|1|29||
tcp_0_1000_20190821.pcap|vertical/syn|172.31.15.102|1|1001||masscan
udp_0_1000_20190821.pcap|vertical/udp|172.31.15.102|1|1001||
hs-icmpScan.pcap|ping-sweep/icmp|10.0.0.128|256|1||
hs-tcp_synPingSweepRand.pcapng|horizontal/syn|10.0.0.128|256|1||nmap -sS
nmap_80_vanilla.pcap|-
nflog.pcap|-
osfingerprinting.pcap|-
'

while IFS='|' read -r file what src ntargets nports open tool; do
	[ -n "$file" ] || continue
	json="$TMP/$file.json"
	"$CLSCAN" report -q -o json --tz UTC "$DATA/pcap/$file" >"$json"
	n=$(jq '[.findings[] | select(.allowlisted == null)] | length' "$json")
	if [ "$what" = "-" ]; then
		expect_eq "$file: findings" "$n" 0
		continue
	fi
	expect_eq "$file: findings" "$n" 1
	f='.findings[0]'
	expect_eq "$file: type/technique" "$(jq -r "$f | \"\(.type)/\(.technique)\"" "$json")" "$what"
	expect_eq "$file: source" "$(jq -r "$f.source" "$json")" "$src"
	expect_eq "$file: targets" "$(jq -r "$f.targets_count" "$json")" "$ntargets"
	expect_eq "$file: ports" "$(jq -r "$f.ports_count" "$json")" "$nports"
	expect_eq "$file: open ports" "$(jq -r "$f.open_ports" "$json")" "$open"
	expect_eq "$file: tool" "$(jq -r "$f.tool // \"\"" "$json")" "$tool"
done <<<"$EXPECT"

# The open ports of the SYN scan are the "open" lines of nmap's own report.
want=$(awk '$2 == "open" { split($1, p, "/"); printf "%s%s", sep, p[1]; sep = "," }' "$DATA/pcap/syn.txt")
expect_eq "syn_scan.pcap open ports = nmap -oN open" "$(jq -r '.findings[0].open_ports' "$TMP/syn_scan.pcap.json")" "$want"
# An answered probe raises the severity: the same scan with answers ranks higher.
expect_eq "answered scan severity above unanswered" \
	"$(jq -r '.findings[0].severity' "$TMP/syn_scan.pcap.json")" \
	"$(($(jq -r '.findings[0].severity' "$TMP/fin_scan.pcap.json") + 1))"
# The internet's single probes in the same captures are background, summed per service.
bg=$(jq -r '.detection.background.sources' "$TMP/syn_scan.pcap.json")
if [ "$bg" -gt 0 ]; then ok "background sources: $bg"; else not_ok "no background in syn_scan.pcap"; fi
# masscan's evidence is its IP ID relation on every probe.
expect_eq "masscan evidence" "$(jq -r '.findings[0].tool_evidence' "$TMP/tcp_0_1000_20190821.pcap.json")" \
	"IP ID = destination ^ port ^ sequence on 1001/1001 probes"
# explain on a capture: every probe of the source, as FILE:PACKET: and its JSON record.
"$CLSCAN" explain 10.0.0.128 -q "$DATA/pcap/hs-icmpScan.pcap" >"$TMP/explain"
expect_eq "explain: packets listed" "$(grep -c "^$DATA/pcap/hs-icmpScan.pcap:[0-9]*: {" "$TMP/explain")" 512
grep -q "ping sweep" "$TMP/explain" && ok "explain: the finding" || not_ok "explain: finding missing"
# A capture's events come in packet order, though a closed port's reset decides its probe before
# the silence of a filtered one does (22 of syn_scan.pcap's 106 came out of turn before).
"$CLSCAN" explain 10.129.0.4 -q "$DATA/pcap/syn_scan.pcap" >"$TMP/explain_syn"
sed -n "s|^$DATA/pcap/syn_scan.pcap:\([0-9]*\): {.*|\1|p" "$TMP/explain_syn" >"$TMP/explain_lines"
expect_eq "explain syn_scan.pcap: packets listed" "$(wc -l <"$TMP/explain_lines")" 106
# packets listed after a later one
late() { awk 'NR > 1 && $1 < prev { n++ } { prev = $1 } END { print n + 0 }' "$1"; }
expect_eq "explain syn_scan.pcap: packets out of order" "$(late "$TMP/explain_lines")" 0
"$CLSCAN" report -q -o jsonl "$DATA/pcap/synscan.pcapng" | jq -r .line >"$TMP/jsonl_lines"
expect_eq "-o jsonl synscan.pcapng: events" "$(wc -l <"$TMP/jsonl_lines")" 1994
expect_eq "-o jsonl synscan.pcapng: events out of order" "$(late "$TMP/jsonl_lines")" 0
# ARP requests (15 here, as tcpdump counts its who-has lines), which the tracker does not pair,
# keep their place among them too (59 events came out of turn before)
"$CLSCAN" report -q -o jsonl "$DATA/pcap/udp_scan.pcap" | jq -r .line >"$TMP/jsonl_udp"
expect_eq "-o jsonl udp_scan.pcap: ARP events" "$("$CLSCAN" report -q -o jsonl "$DATA/pcap/udp_scan.pcap" | jq -r 'select(.proto == "255")' | jq -s length)" 15
expect_eq "-o jsonl udp_scan.pcap: events out of order" "$(late "$TMP/jsonl_udp")" 0
finish
