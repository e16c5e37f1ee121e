#!/usr/bin/env bash
# Context around findings: a benign desktop log gives none; a busy proxy and
# a mail relay are flagged as sweeps until allowlisted, then labelled with
# the allowlist's reason (and counted apart, never hidden); an inside host's
# sweep ranks above every internet finding with --home; --fail-on takes
# severities; research-scanner networks are labelled from the built-in list.
. "$(dirname "$0")/lib.bash"
command -v jq >/dev/null || { echo "skip: jq not installed"; exit 77; }

# 1. The desktop's ordinary traffic (both directions, log-everything rules).
"$CLSCAN" report -q -o json --year 2023 "$DATA/iptablogs-adrienre/iptables-head3000.log" >"$TMP/desk.json"
expect_eq "desktop: findings" "$(jq '.findings | length' "$TMP/desk.json")" 0

# 2. A generated gateway log (netfilter FORWARD lines): a proxy (10.0.0.5)
# fetching from 300 web servers, a mail relay (10.0.0.25) delivering to 120
# mail servers, an inside host (10.0.0.66) sweeping 445 on its /24, an outside
# host scanning 1000 ports of the gateway, and single probes from 200
# internet sources. Addresses: RFC 1918 inside, RFC 5737 / 198.18.0.0/15
# outside (documentation and benchmarking ranges).
awk 'BEGIN {
	srand(7)
	t0 = 10 * 3600
	for (i = 0; i < 3000; i++) {            # proxy: 300 servers, 80 and 443, over an hour
		t = t0 + int(i * 1.2); h = i % 300
		line(t, "FWD-ACCEPT", "eth1", "eth0", "10.0.0.5", "198.18." int(h / 200) "." (h % 200 + 1), 40000 + i % 20000, (i % 3 ? 443 : 80))
	}
	for (i = 0; i < 600; i++) {             # mail relay: 120 MX hosts on 25
		t = t0 + i * 6; h = i % 120
		line(t, "FWD-ACCEPT", "eth1", "eth0", "10.0.0.25", "198.19.7." (h + 1), 30000 + i, 25)
	}
	for (h = 1; h < 255; h++)               # inside sweep of 445
		line(t0 + 1800 + int(h / 20), "FWD-DROP", "eth1", "eth1", "10.0.0.66", "10.0.0." h, 50000, 445)
	for (p = 1; p <= 1000; p++)             # outside vertical scan of the gateway
		line(t0 + 2400 + int(p / 100), "IN-DROP", "eth0", "", "203.0.113.9", "192.0.2.1", 61000, p)
	for (s = 0; s < 200; s++)               # background: one probe each
		line(t0 + s * 17, "IN-DROP", "eth0", "", "198.51.100." (s + 1), "192.0.2.1", 50000 + s, (s % 2 ? 23 : 22))
	line(t0 + 100, "IN-DROP", "eth0", "", "162.142.125.7", "192.0.2.1", 40001, 8443)   # Censys, one probe
	for (p = 1; p <= 40; p++)               # Censys scanning 40 ports
		line(t0 + 200 + p, "IN-DROP", "eth0", "", "167.94.138.44", "192.0.2.1", 40002, 8000 + p)
}
function line(t, pfx, in_if, out_if, src, dst, spt, dpt) {
	printf "Mar  1 %02d:%02d:%02d gw kernel: [%d.000000] %s IN=%s OUT=%s SRC=%s DST=%s LEN=60 TOS=0x00 PREC=0x00 TTL=63 ID=%d DF PROTO=TCP SPT=%d DPT=%d WINDOW=64240 RES=0x00 SYN URGP=0 \n", int(t / 3600), int(t / 60) % 60, t % 60, t, pfx, in_if, out_if, src, dst, int(rand() * 65535), spt, dpt
}' >"$TMP/gw.log"
cat >"$TMP/allow.txt" <<'EOF'
# our own servers
10.0.0.5	HTTP proxy (squid), fetches for the whole office
10.0.0.25   outgoing mail relay
EOF

"$CLSCAN" report -q -o json --year 2024 "$TMP/gw.log" >"$TMP/gw.json"
sel() { jq -r "[.findings[] | select(.source == \"$1\")] | .[0] | $2" "$TMP/gw.json"; }
expect_eq "proxy flagged before allowlisting" "$(sel 10.0.0.5 '"\(.type) \(.ports) \(.allowlisted)"')" "horizontal 80,443 null"
expect_eq "relay flagged before allowlisting" "$(sel 10.0.0.25 '"\(.type) \(.ports) \(.targets_count)"')" "horizontal 25 120"
expect_eq "inside sweep found" "$(sel 10.0.0.66 '"\(.type) \(.ports) \(.targets_count)"')" "horizontal 445 254"
expect_eq "outside scan found" "$(sel 203.0.113.9 '"\(.type) \(.ports_count)"')" "vertical 1000"
expect_eq "background single probes" "$(jq -r '.detection.background.sources' "$TMP/gw.json")" 201
expect_eq "Censys labelled research scanner" "$(sel 167.94.138.44 '"\(.allowlisted.label): \(.allowlisted.reason)"')" \
	"research scanner: Censys"

"$CLSCAN" report -q -o json --year 2024 --allow "$TMP/allow.txt" --home 10.0.0.0/8 "$TMP/gw.log" >"$TMP/gw.json"
expect_eq "proxy labelled once allowlisted" "$(sel 10.0.0.5 '.allowlisted.reason')" \
	"HTTP proxy (squid), fetches for the whole office"
expect_eq "relay labelled once allowlisted" "$(sel 10.0.0.25 '.allowlisted.label')" "allowlist"
expect_eq "allowlisted count" "$(jq -r '.detection.allowlisted' "$TMP/gw.json")" 3
expect_eq "scan findings (not allowlisted)" "$(jq -r '.totals.scan_findings' "$TMP/gw.json")" 2
expect_eq "inside sweep ranked first" "$(jq -r '.findings[0] | "\(.source) \(.inside)"' "$TMP/gw.json")" "10.0.0.66 true"
expect_eq "then the outside scan" "$(jq -r '.findings[1].source' "$TMP/gw.json")" "203.0.113.9"
in_sev=$(jq -r '.findings[0].severity' "$TMP/gw.json")
if [ "$in_sev" -ge 3 ]; then ok "inside severity $in_sev >= 3"; else not_ok "inside severity $in_sev"; fi
expect_eq "allowlisted listed last" "$(jq -r '[.findings[] | .allowlisted != null] | . == (. | sort)' "$TMP/gw.json")" true

# The text report labels them, apart from the findings.
"$CLSCAN" report -q --year 2024 --allow "$TMP/allow.txt" --home 10.0.0.0/8 "$TMP/gw.log" >"$TMP/gw.txt"
grep -q "allowlisted: HTTP proxy (squid), fetches for the whole office (allowlist)" "$TMP/gw.txt" &&
	ok "text: proxy labelled" || not_ok "text: proxy label missing"
grep -q "^Findings   2 scan findings (1 from inside), 3 allowlisted" "$TMP/gw.txt" &&
	ok "text: headline counts" || not_ok "text: headline: $(grep '^Findings' "$TMP/gw.txt")"

# --fail-on with severities counts findings, not allowlisted ones.
expect_status "fail-on 3 with findings" 1 "$CLSCAN" report -q --year 2024 --fail-on 3 "$TMP/gw.log"
expect_status "fail-on 5 above every finding" 0 "$CLSCAN" report -q --year 2024 --fail-on 5 "$TMP/gw.log"
expect_status "fail-on 1 on the benign desktop" 0 "$CLSCAN" report -q --year 2023 --fail-on 1 \
	"$DATA/iptablogs-adrienre/iptables-head3000.log"
expect_status "bad --fail-on" 2 "$CLSCAN" report -q --fail-on 6 "$TMP/gw.log"
expect_status "bad --home" 2 "$CLSCAN" report -q --home 10.0.0.0/33 "$TMP/gw.log"
expect_status "missing --allow file" 2 "$CLSCAN" report -q --allow "$TMP/nope" "$TMP/gw.log"
# --no-detect: no findings member at all, the rest unchanged.
"$CLSCAN" report -q -o json --year 2024 --no-detect "$TMP/gw.log" >"$TMP/nodet.json"
expect_eq "--no-detect: no findings member" "$(jq 'has("findings")' "$TMP/nodet.json")" false
expect_eq "--no-detect: same totals" "$(jq -c '.totals | del(.scan_findings)' "$TMP/nodet.json")" \
	"$(jq -c '.totals | del(.scan_findings)' "$TMP/gw.json")"

# explain: every event of the source, with its file and line, verbatim.
"$CLSCAN" explain 10.0.0.66 -q --year 2024 --home 10.0.0.0/8 "$TMP/gw.log" >"$TMP/explain"
expect_eq "explain: event lines" "$(grep -c "^$TMP/gw.log:[0-9]*: " "$TMP/explain")" 254
grep -q "horizontal sweep, connect, inside" "$TMP/explain" && ok "explain: the finding" || not_ok "explain: finding missing"
first=$(grep -m1 "^$TMP/gw.log:" "$TMP/explain")
n=${first#"$TMP/gw.log:"}
n=${n%%:*}
expect_eq "explain: line verbatim" "${first#"$TMP/gw.log:$n: "}" "$(sed -n "${n}p" "$TMP/gw.log")"
finish
