#!/usr/bin/env bash
# Every file of the psad scan set (tests/data/psad-iptables, from mrash/psad's
# test/scans/iptables) gives the scan its name and PROVENANCE.md describe: the
# right type, technique, source, targets and port range, and the tool when the
# packets carry its fingerprint; files that hold no scan give no finding.
. "$(dirname "$0")/lib.bash"
command -v jq >/dev/null || { echo "skip: jq not installed"; exit 77; }

# FILE|TYPE/TECHNIQUE|SOURCE|TARGETS (sorted, comma-separated)|PORTS|TOOL
# "-" for no finding at all. PORTS are the compressed ranges clscan prints;
# the nmap -sT over IPv6 file lists nmap's default 1000 ports, checked by count.
EXPECT='
ack_scan_1000_1150|vertical/ack|192.168.10.55|192.168.10.1|1000-1150|nmap -sA
fin_scan_1000_1150|vertical/fin|192.168.10.55|192.168.10.1|1000-1150|nmap -sF
null_scan_1000_1150|vertical/null|192.168.10.55|192.168.10.1|1000-1150|nmap -sN
xmas_scan_1000_1150|vertical/xmas|192.168.10.55|192.168.10.1|1000-1150|nmap -sX
syn_scan_1000_1500|vertical/syn|192.168.10.55|192.168.10.1|1000-1500|nmap -sS
syn_scan_1000_1500_localhost.gz|vertical/syn|127.0.0.1|192.168.10.1|1000-1500|nmap -sS
syn_scan_1000_1500_zeroip.gz|vertical/syn|0.0.0.0|192.168.10.1|1000-1500|nmap -sS
syn_scan_1000_1500_multi_dst.gz|block/syn|192.168.10.55|192.168.10.1,192.168.10.2,192.168.10.232,192.168.10.45|1000-1500|nmap -sS
syn_sweep|horizontal/syn|192.168.10.55|10.0.0.1,10.0.0.201,10.0.0.3,192.168.10.1,192.168.10.100,192.168.10.101,192.168.10.2,192.168.10.200,192.168.10.232,192.168.10.244,192.168.10.3|1083|nmap -sS
udp_scan_1000_1150|vertical/udp|192.168.10.55|192.168.10.1|1000-1150|
proto_scan|ip-protocol/ip-protocol|192.168.10.55|192.168.10.1|0,2-255|nmap -sO
ipv6_tcp_connect_nmap_default_scan|vertical/connect|2001:db8:0:f101::2|2001:db8:0:f101::1|#1000|
topera_ipv6_syn_scan_no_ip_opts.gz|vertical/syn|2012:1234:1234::1|2012:1234:1234::2|0-1023|
topera_ipv6_syn_scan_with_ip_opts.gz|vertical/syn|2012:1234:1234::1|2012:1234:1234::2|0-1023,1234|
mirai_default_credentials_scan|hammering/syn|192.168.10.55|192.168.10.1|23|nmap -sS
ipv4_valid_ping|-
invalid_icmp_type_code|-
ipv6_ping_scan|-
ipv6_invalid_icmp6_type_code|-
ipv4_igmp|-
fwknop_spa_pkt|-
ms_sql_server_sig_match|-
ipv6_ms_sql_server_sig_match|-
reputation_scan|-
syslog_time_fmt1.log|-
'

while IFS='|' read -r file what src targets ports tool; do
	[ -n "$file" ] || continue
	json="$TMP/$file.json"
	"$CLSCAN" report -q -o json --year 2011 --tz UTC "$DATA/psad-iptables/$file" >"$json"
	n=$(jq '[.findings[] | select(.allowlisted == null)] | length' "$json")
	if [ "$what" = "-" ]; then
		expect_eq "$file: findings" "$n" 0
		continue
	fi
	expect_eq "$file: findings" "$n" 1
	f='.findings[0]'
	expect_eq "$file: type/technique" "$(jq -r "$f | \"\(.type)/\(.technique)\"" "$json")" "$what"
	expect_eq "$file: source" "$(jq -r "$f.source" "$json")" "$src"
	expect_eq "$file: targets" "$(jq -r "$f.targets | sort | join(\",\")" "$json")" "$targets"
	case "$ports" in
	'#'*) expect_eq "$file: port count" "$(jq -r "$f.ports_count" "$json")" "${ports#\#}" ;;
	*) expect_eq "$file: ports" "$(jq -r "$f.ports" "$json")" "$ports" ;;
	esac
	expect_eq "$file: tool" "$(jq -r "$f.tool // \"\"" "$json")" "$tool"
	# the evidence is a line of the file that holds a probe of the finding
	line=$(jq -r "$f.evidence.line" "$json")
	expect_eq "$file: evidence file" "$(jq -r "$f.evidence.file" "$json")" "$DATA/psad-iptables/$file"
	if [ "$line" -ge 1 ] 2>/dev/null; then ok "$file: evidence line $line"; else not_ok "$file: evidence line '$line'"; fi
done <<<"$EXPECT"

# The ports of the IPv6 connect scan are exactly the SYN destination ports of the file.
json="$TMP/ipv6_tcp_connect_nmap_default_scan.json"
want=$(grep -o 'DPT=[0-9]*' "$DATA/psad-iptables/ipv6_tcp_connect_nmap_default_scan" | sort -u | wc -l | tr -d ' ')
expect_eq "ipv6 connect: distinct ports = distinct DPT" "$(jq -r '.findings[0].ports_count' "$json")" "$want"

# The why sentence names the count, the threshold and the fingerprint.
why=$(jq -r '.findings[0].why' "$TMP/syn_scan_1000_1500.json")
case "$why" in
*"501 distinct TCP ports on 192.168.10.1"*"threshold"*"only an MSS option on 501/501"*"nmap -sS"*) ok "why sentence" ;;
*) not_ok "why sentence: $why" ;;
esac

# The text report lists the finding first in the ALERT LIST.
"$CLSCAN" report -q --year 2011 --tz UTC "$DATA/psad-iptables/syn_scan_1000_1500" >"$TMP/text"
first=$(sed -n '/^ALERT LIST/{n;n;p;q}' "$TMP/text")
case "$first" in
*"192.168.10.55"*"vertical port scan, SYN"*"1000-1500"*"nmap -sS"*) ok "text: finding first in the ALERT LIST" ;;
*) not_ok "text: first ALERT row is '$first'" ;;
esac

# All files at once: the findings are the union, whatever the thread count.
all=("$DATA"/psad-iptables/*)
"$CLSCAN" report -q -o json --year 2011 --tz UTC --threads 1 "${all[@]}" | jq -c '.findings' >"$TMP/one"
"$CLSCAN" report -q -o json --year 2011 --tz UTC --threads 3 --chunk-size 20000 "${all[@]}" | jq -c '.findings' >"$TMP/three"
if cmp -s "$TMP/one" "$TMP/three"; then ok "findings identical for 1 and 3 threads"; else not_ok "findings differ by thread count"; fi
finish
