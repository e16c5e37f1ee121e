#!/usr/bin/env bash
# Every format's fixture is detected as its format when read alone, with
# its events counted (tests/golden/formats.txt: FILE FORMAT EVENTS UNKNOWN;
# refresh with: tests/e2e/formats.sh build/clscan --update). Then one run
# over all fixtures at once: each file keeps its format and the merged
# total equals the sum of the single runs ("everything at once").
. "$(dirname "$0")/lib.bash"

list() {
	(cd "$DATA" && for d in */; do
		d=${d%/}
		case $d in input | teliten-vps | psad-iptables | iptablogs-adrienre | netfilter | pcap) continue ;; esac
		for f in "$d"/*; do
			"$CLSCAN" report -q -o json --year 2022 --tz UTC "$f" 2>/dev/null |
				jq -r --arg f "$f" '.files[0] | "\($f) \(.format) \(.events) \(.unknown)"'
		done
	done)
}
list >"$TMP/formats.txt"
if [ "${2:-}" = --update ]; then
	cp "$TMP/formats.txt" "$GOLDEN/formats.txt"
fi
if cmp -s "$GOLDEN/formats.txt" "$TMP/formats.txt"; then
	ok "detection of $(wc -l <"$TMP/formats.txt") fixtures"
else
	not_ok "detection differs"
	diff "$GOLDEN/formats.txt" "$TMP/formats.txt" | head -20
fi

# Everything at once: the same files in one run.
files=$(cut -d' ' -f1 "$TMP/formats.txt")
# shellcheck disable=SC2086
(cd "$DATA" && "$CLSCAN" report -q -o json --year 2022 --tz UTC $files) >"$TMP/all.json" || true
jq -r '.files[] | "\(.path) \(.format) \(.events) \(.unknown)"' "$TMP/all.json" >"$TMP/all.txt"
if cmp -s "$TMP/formats.txt" "$TMP/all.txt"; then
	ok "one mixed run keeps each file's format and counts"
else
	not_ok "mixed run differs from single runs"
	diff "$TMP/formats.txt" "$TMP/all.txt" | head -10
fi
expect_eq "mixed total events" "$(jq '.totals.events' "$TMP/all.json")" \
	"$(awk '{s += $3} END {print s}' "$TMP/formats.txt")"

# DShield both ways: write, read back, same events.
"$CLSCAN" report -q -o dshield --year 2011 "$DATA/psad-iptables/xmas_scan_1000_1150" >"$TMP/x.dshield"
expect_eq "dshield round trip format" "$("$CLSCAN" report -q -o json "$TMP/x.dshield" | jq -r '.files[0].format')" dshield
expect_eq "dshield round trip events" "$("$CLSCAN" report -q -o json "$TMP/x.dshield" | jq '.totals.events')" \
	"$("$CLSCAN" report -q -o json --year 2011 "$DATA/psad-iptables/xmas_scan_1000_1150" | jq '.totals.events')"
finish
