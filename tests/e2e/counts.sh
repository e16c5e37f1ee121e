#!/usr/bin/env bash
# The report's numbers against independent counts made with awk over the
# same real logs (the teliten-vps rotated ufw set: two members gzip'd), so
# the numbers are known right, not just stable.
. "$(dirname "$0")/lib.bash"

DIR="$DATA/teliten-vps"
"$CLSCAN" report -q -o json --year 2022 --tz UTC --top 0 "$DIR" >"$TMP/r.json"
{ zcat "$DIR/ufw.log.3.gz"; zcat "$DIR/ufw.log.2.gz"; cat "$DIR/ufw.log"; } >"$TMP/all.log"

expect_eq "files read" "$(jq '.files | length' "$TMP/r.json")" 3
expect_eq "rotation order" "$(jq -r '[.files[].path | sub(".*/"; "")] | join(" ")' "$TMP/r.json")" \
	"ufw.log.3.gz ufw.log.2.gz ufw.log"
expect_eq "lines" "$(jq '[.files[].lines] | add' "$TMP/r.json")" "$(wc -l <"$TMP/all.log" | tr -d ' ')"
expect_eq "events" "$(jq '.totals.events' "$TMP/r.json")" "$(grep -c ' SRC=' "$TMP/all.log")"
expect_eq "unknown lines" "$(jq '[.files[].unknown] | add' "$TMP/r.json")" 0
expect_eq "malformed lines" "$(jq '[.files[].malformed] | add' "$TMP/r.json")" 0

# Distinct sources and destinations.
want=$(awk '{for (i = 1; i <= NF; i++) if ($i ~ /^SRC=/) print substr($i, 5)}' "$TMP/all.log" | sort -u | wc -l)
expect_eq "distinct sources" "$(jq '.totals.sources' "$TMP/r.json")" "$want"
want=$(awk '{for (i = 1; i <= NF; i++) if ($i ~ /^DST=/) print substr($i, 5)}' "$TMP/all.log" | sort -u | wc -l)
expect_eq "distinct targets" "$(jq '.totals.targets' "$TMP/r.json")" "$want"

# Events per destination port and protocol, every row.
awk '{p = ""; d = ""
      for (i = 1; i <= NF; i++) {
        if ($i ~ /^PROTO=/) p = tolower(substr($i, 7))
        if ($i ~ /^DPT=/) d = substr($i, 5)
      }
      if (d != "") c[p "/" d]++ }
     END { for (k in c) print k, c[k] }' "$TMP/all.log" | sort >"$TMP/ports.want"
jq -r '.services[] | select(.port != null and (.proto == "tcp" or .proto == "udp")) |
       "\(.proto)/\(.port) \(.events)"' "$TMP/r.json" | sort >"$TMP/ports.got"
if cmp -s "$TMP/ports.want" "$TMP/ports.got"; then
	ok "per-port events ($(wc -l <"$TMP/ports.want") ports)"
else
	not_ok "per-port events differ"
	diff "$TMP/ports.want" "$TMP/ports.got" | head -10
fi

# Events per source for the top sources.
awk '{for (i = 1; i <= NF; i++) if ($i ~ /^SRC=/) c[substr($i, 5)]++}
     END { for (k in c) print k, c[k] }' "$TMP/all.log" | sort >"$TMP/src.want"
jq -r '.sources[] | "\(.addr) \(.events)"' "$TMP/r.json" | sort >"$TMP/src.got"
if cmp -s "$TMP/src.want" "$TMP/src.got"; then
	ok "per-source events ($(wc -l <"$TMP/src.want") sources)"
else
	not_ok "per-source events differ"
	diff "$TMP/src.want" "$TMP/src.got" | head -10
fi

# Events per day (UTC, year given).
awk '{ m = index("JanFebMarAprMayJunJulAugSepOctNovDec", $1); printf "2022-%02d-%02d\n", (m + 2) / 3, $2 }' \
	"$TMP/all.log" | sort | uniq -c | awk '{print $2, $1}' >"$TMP/days.want"
jq -r '.days[] | "\(.day) \(.events)"' "$TMP/r.json" >"$TMP/days.got"
if cmp -s "$TMP/days.want" "$TMP/days.got"; then
	ok "per-day events ($(wc -l <"$TMP/days.want") days)"
else
	not_ok "per-day events differ"
	diff "$TMP/days.want" "$TMP/days.got" | head -10
fi

# The same with the corpus copy, if ../shared is beside the checkout.
CORPUS="$DATA/../../../shared/corpus/teliten-vps"
if [ -d "$CORPUS" ]; then
	"$CLSCAN" report -q -o json --year 2022 --tz UTC "$CORPUS/" >"$TMP/c.json" || true
	expect_eq "corpus teliten-vps ufw events" \
		"$(jq '[.files[] | select(.path | test("ufw")) | .events] | add' "$TMP/c.json")" \
		"$(grep -c ' SRC=' "$TMP/all.log")"
else
	echo "# skip: shared/corpus not beside the checkout"
fi
finish
