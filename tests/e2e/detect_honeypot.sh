#!/usr/bin/env bash
# Honeypot contacts are failed first contacts for TRW: one source connecting
# to six honeypot sensors (cowrie and kippo lines made here, in the formats of
# tests/data/cowrie and tests/data/kippo), each of which "answered", is a scan
# after 4 of them; the same connections in a firewall log that accepted them
# are not. A single honeypot host is no TRW case (one first contact).
source "$(dirname "$0")/lib.bash"
command -v jq >/dev/null || { echo "skip: jq not installed"; exit 77; }

for i in 0 1 2 3 4 5; do
	printf '{"session":"s%d","protocol":"ssh","src_ip":"203.0.113.50","src_port":%d,"dst_ip":"192.0.2.%d","dst_port":22,"eventid":"cowrie.session.connect","sensor":"hp%d","timestamp":"2026-08-13T00:00:%02d.000000Z","message":"New connection"}\n' \
		"$i" $((40000 + i)) $((10 + i)) "$i" $((i * 5))
done >"$TMP/cowrie.json"
for i in 0 1 2 3 4 5; do
	printf '2018-03-12 09:17:%02d+0000 [kippo.core.honeypot.HoneyPotSSHFactory] New connection: 203.0.113.51:%d (192.0.2.%d:22) [session: %d]\n' \
		$((i * 5)) $((50000 + i)) $((20 + i)) "$i"
done >"$TMP/kippo.log"
for i in 0 1 2 3 4 5; do
	printf 'Aug 13 00:00:%02d gw kernel: [1.0] ACCEPT IN=eth0 OUT= SRC=203.0.113.52 DST=192.0.2.%d LEN=60 TOS=0x00 PREC=0x00 TTL=52 ID=1 DF PROTO=TCP SPT=%d DPT=22 WINDOW=64240 RES=0x00 SYN URGP=0 \n' \
		$((i * 5)) $((30 + i)) $((40000 + i))
done >"$TMP/fw.log"

for f in cowrie.json kippo.log; do
	"$CLSCAN" report -q -o json "$TMP/$f" >"$TMP/$f.out"
	src=$(jq -r '.findings[0].source' "$TMP/$f.out")
	expect_eq "$f: a TRW finding" "$(jq -r '.findings[0] | "\(.type) \(.trw_attempts)"' "$TMP/$f.out")" "trw 4"
	case "$src" in 203.0.113.5[01]) ok "$f: from the prober" ;; *) not_ok "$f: source $src" ;; esac
	expect_eq "$f: the honeypots answered, yet failures" \
		"$(jq -r '.findings[0].why | test("4 failed, 0 succeeded")' "$TMP/$f.out")" true
done
"$CLSCAN" report -q -o json --year 2026 "$TMP/fw.log" >"$TMP/fw.out"
expect_eq "firewall, accepted: no finding" "$(jq '.findings | length' "$TMP/fw.out")" 0
head -3 "$TMP/cowrie.json" >"$TMP/cowrie3.json"
"$CLSCAN" report -q -o json "$TMP/cowrie3.json" >"$TMP/cowrie3.out"
expect_eq "three honeypots: not enough for TRW" "$(jq '.findings | length' "$TMP/cowrie3.out")" 0
finish
