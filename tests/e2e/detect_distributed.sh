#!/usr/bin/env bash
# Distributed scans must not be made out of internet background: the real
# VPS ufw logs (tests/data/teliten-vps: three weeks, 17 k sources hitting
# 22, 23, 445, ...) and the cloud captures whose unrelated masscan-style
# sources share one probe signature (syn_scan.pcap, udp_scan.pcap) give
# none, with or without the thresholds lowered to a single slice. The
# positive cases are the LAN captures (detect_lan_data.sh, detect_lan.sh).
source "$(dirname "$0")/lib.bash"
command -v jq >/dev/null || { echo "skip: jq not installed"; exit 77; }

dist() { jq '[.findings[] | select(.type == "distributed")] | length' "$1"; }

"$CLSCAN" report -q -o json "$DATA/teliten-vps/" >"$TMP/vps.json"
expect_eq "teliten-vps: findings made (the log is not empty of scans)" \
	"$(jq '.findings | length > 100' "$TMP/vps.json")" true
expect_eq "teliten-vps: no distributed scan" "$(dist "$TMP/vps.json")" 0
expect_eq "teliten-vps: periodic background sources counted" \
	"$(jq '.detection.background.periodic_sources | type' "$TMP/vps.json")" '"number"'
for p in syn_scan udp_scan; do
	"$CLSCAN" report -q -o json "$DATA/pcap/$p.pcap" >"$TMP/$p.json"
	expect_eq "$p.pcap: no distributed scan" "$(dist "$TMP/$p.json")" 0
	expect_eq "$p.pcap: one finding (the real scan)" "$(jq '.findings | length' "$TMP/$p.json")" 1
done
# Half the window: still nothing on the VPS (background is not concurrent).
"$CLSCAN" report -q -o json --scan-window 150 "$DATA/teliten-vps/" >"$TMP/vps2.json"
expect_eq "teliten-vps, 150 s window: no distributed scan" "$(dist "$TMP/vps2.json")" 0
# Every finding carries the new fields.
expect_eq "fields present" \
	"$(jq '[.findings[] | has("dark_hits") and has("followon") and has("period_s") and has("group")] | all' "$TMP/vps.json")" true
finish
