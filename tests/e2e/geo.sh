#!/usr/bin/env bash
# Geo enrichment end to end, with the test MaxMind DBs tools/mkmmdb.c wrote at build time:
# --exclude-country/--include-country remove exactly the events the country table gives that
# country, per-country sums equal the totals, no database is a hint and never an error, and
# bad databases or country codes are usage errors.
. "$(dirname "$0")/lib.bash"

MMDB=$(dirname "$CLSCAN")/tests/test-country.mmdb
if [ ! -f "$MMDB" ]; then
	echo "skipped: $MMDB not built (the test_mmdb target)"
	exit 77
fi
command -v jq >/dev/null || { echo "skipped: jq not installed"; exit 77; }
LOG="$DATA/geo/ufw-sample.log"
run() { "$CLSCAN" report -q -o json --year 2022 --tz UTC --top 0 "$@" "$LOG"; }

run --geoip "$MMDB" >"$TMP/all.json"
total=$(jq '.totals.events' "$TMP/all.json")
expect_eq "country events add up to the total" \
	"$(jq '[.tables.countries[].events] | add' "$TMP/all.json")" "$total"
expect_eq "country sources add up to the sources" \
	"$(jq '[.tables.countries[].sources] | add' "$TMP/all.json")" "$(jq '.totals.sources' "$TMP/all.json")"
bg=$(jq '.tables.countries[] | select(.country == "BG") | .events' "$TMP/all.json")
[ -n "$bg" ] && [ "$bg" -gt 0 ] && ok "BG has events ($bg)" || not_ok "no BG events"

run --geoip "$MMDB" --exclude-country bg >"$TMP/ex.json"
expect_eq "--exclude-country BG removes BG's events" "$(jq '.totals.events' "$TMP/ex.json")" \
	"$((total - bg))"
expect_eq "... counted as filtered" "$(jq '[.files[].filtered] | add' "$TMP/ex.json")" "$bg"
expect_eq "... and BG is gone" \
	"$(jq '[.tables.countries[] | select(.country == "BG")] | length' "$TMP/ex.json")" 0

run --geoip "$MMDB" --include-country BG >"$TMP/in.json"
expect_eq "--include-country BG keeps only BG" "$(jq '.totals.events' "$TMP/in.json")" "$bg"
unknown=$(jq '.tables.countries[] | select(.country == null) | .events' "$TMP/all.json")
run --geoip "$MMDB" --exclude-country=-- >"$TMP/nu.json"
expect_eq "--exclude-country -- drops the unknown" "$(jq '.totals.events' "$TMP/nu.json")" \
	"$((total - unknown))"

# No database: countries unknown, a hint on stderr, exit 0.
mkdir -p "$TMP/empty"
expect_status "no database" 0 env CLSCAN_GEOIP_DIR="$TMP/empty" "$CLSCAN" report -o json \
	--year 2022 "$LOG"
expect_eq "every country unknown" "$(jq -c '[.tables.countries[].country]' "$TMP/out")" "[null]"
expect_eq "one hint line" "$(grep -c 'no country database' "$TMP/err")" 1

# An organisation's name is data from a file: its control bytes reach no
# terminal (text), and JSON escapes them.
printf '79.124.0.0,79.124.255.255,64510,"Evil\033[31mNet"\n' >"$TMP/asn-evil.csv"
"$CLSCAN" report -q --year 2022 --tz UTC --geoip "$MMDB" --geoip "$TMP/asn-evil.csv" "$LOG" \
	>"$TMP/evil.txt"
grep -q 'Evil\\x1b\[31mNet' "$TMP/evil.txt" && ok "text: org control byte shown as \\x1b" ||
	not_ok "text: org not shown escaped"
grep -q $'\033' "$TMP/evil.txt" && not_ok "text: a raw ESC in the output" ||
	ok "text: no raw ESC"

# The background (sources with no finding) per country adds up to its total.
"$CLSCAN" report -q -o json --list-limit 0 --year 2022 --tz UTC --geoip "$MMDB" "$LOG" >"$TMP/bg.json"
expect_eq "background per country: sources add up" \
	"$(jq '[.detection.background.countries[].sources] | add' "$TMP/bg.json")" \
	"$(jq '.detection.background.sources' "$TMP/bg.json")"
expect_eq "background per country: events add up" \
	"$(jq '[.detection.background.countries[].events] | add' "$TMP/bg.json")" \
	"$(jq '.detection.background.events' "$TMP/bg.json")"
jq -e '.detection.background.countries | map(.country) | index("US")' "$TMP/bg.json" >/dev/null &&
	ok "background per country: US named" || not_ok "background per country: no US row"

# Found after: a rotated set is one log; its first line (any program's) to
# its first event, here three hours later in the next file.
mkdir -p "$TMP/rot"
{
	echo "May  8 00:00:00 vps systemd[1]: Started Daily apt upgrade and clean activities."
	echo "May  8 01:00:00 vps systemd[1]: Starting Rotate log files..."
} >"$TMP/rot/fw.log.1"
head -1 "$LOG" | sed 's/^[A-Z][a-z][a-z] [ 0-9][0-9] [0-9:]*/May  8 03:00:00/' >"$TMP/rot/fw.log"
"$CLSCAN" report -q -o json --year 2022 --tz UTC "$TMP/rot" >"$TMP/rot.json"
expect_eq "rotated set: one sensor" "$(jq '.tables.sensors | length' "$TMP/rot.json")" 1
expect_eq "rotated set: its files" "$(jq '.tables.sensors[0].files' "$TMP/rot.json")" 2
expect_eq "found after the first line of the older file" \
	"$(jq '.tables.sensors[0].found_after_s' "$TMP/rot.json")" 10800

expect_status "a file that is no database" 2 "$CLSCAN" report -q --geoip "$LOG" "$LOG"
expect_status "a bad country code" 2 "$CLSCAN" report -q --geoip "$MMDB" --exclude-country XYZ "$LOG"
finish
