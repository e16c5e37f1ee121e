#!/usr/bin/env bash
# The output is identical for the same input whatever the thread count and
# however plain files are cut into units.
. "$(dirname "$0")/lib.bash"

IN="$DATA/teliten-vps"
for fmt in text json; do
	"$CLSCAN" report -q -o $fmt --year 2022 --threads 1 "$IN" >"$TMP/one.$fmt"
	for t in 2 3; do
		for chunk in 4194304 65536 3000; do
			"$CLSCAN" report -q -o $fmt --year 2022 --threads $t --chunk-size $chunk "$IN" >"$TMP/many.$fmt"
			if cmp -s "$TMP/one.$fmt" "$TMP/many.$fmt"; then
				ok "$fmt: --threads $t --chunk-size $chunk same as --threads 1"
			else
				not_ok "$fmt: --threads $t --chunk-size $chunk differs"
				diff "$TMP/one.$fmt" "$TMP/many.$fmt" | head -6
			fi
		done
	done
done
# -o html reads web probers' sessions in a second pass: FILE:LINE there
# too must be the file's, not a chunk's, whatever the split.
W="$DATA/webprobe"
"$CLSCAN" report -q -o html --tz UTC --threads 1 "$W" >"$TMP/one.html"
"$CLSCAN" report -q -o html --tz UTC --threads 2 --chunk-size 3000 "$W" >"$TMP/many.html"
cmp -s "$TMP/one.html" "$TMP/many.html" && ok "html (sessions): --threads 2 --chunk-size 3000 same" ||
	not_ok "html (sessions) differs with --threads 2 --chunk-size 3000"
# Every fixture of every format at once (web sources, honeypots, captures,
# the detector's merged sources): the same document for any split.
for fmt in json html; do
	"$CLSCAN" report -q -o $fmt --tz UTC --year 2023 --threads 1 "$DATA" >"$TMP/all1.$fmt" 2>/dev/null
	"$CLSCAN" report -q -o $fmt --tz UTC --year 2023 --threads 2 --chunk-size 3000 "$DATA" \
		>"$TMP/all2.$fmt" 2>/dev/null
	cmp -s "$TMP/all1.$fmt" "$TMP/all2.$fmt" && ok "all fixtures, $fmt: same for any split" ||
		not_ok "all fixtures, $fmt: differs with --threads 2 --chunk-size 3000"
done
# Where a cap bites, the split matters (caps are per thread), but a given
# thread count and chunk size give the same report on every run: each
# thread takes a fixed share of the units, not whichever is next.
caps="--max-contacts 3 --max-scan-sources 40 --max-sources 60"
"$CLSCAN" report -q -o json --tz UTC --year 2023 --threads 3 --chunk-size 3000 $caps "$DATA" \
	>"$TMP/cap0.json" 2>/dev/null
same=1
for run in 1 2 3 4 5 6; do
	"$CLSCAN" report -q -o json --tz UTC --year 2023 --threads 3 --chunk-size 3000 $caps "$DATA" \
		>"$TMP/cap.json" 2>/dev/null
	cmp -s "$TMP/cap0.json" "$TMP/cap.json" || same=0
done
expect_eq "capped run: evictions happened" "$(jq '.detection.limits.sources_evicted > 0' "$TMP/cap0.json")" true
[ "$same" = 1 ] && ok "capped run, --threads 3: the same report seven times" ||
	not_ok "capped run, --threads 3: reports differ between runs"
# Event output keeps input order and file line numbers.
"$CLSCAN" report -q -o jsonl --year 2022 --threads 1 "$IN/ufw.log" >"$TMP/one.jsonl"
"$CLSCAN" report -q -o jsonl --year 2022 --threads 2 --chunk-size 5000 "$IN/ufw.log" >"$TMP/two.jsonl"
cmp -s "$TMP/one.jsonl" "$TMP/two.jsonl" && ok "jsonl same for any split" || not_ok "jsonl differs with split"
expect_eq "jsonl lines" "$(wc -l <"$TMP/two.jsonl" | tr -d ' ')" "$(grep -c ' SRC=' "$IN/ufw.log")"
expect_eq "jsonl last line number" "$(tail -1 "$TMP/two.jsonl" | jq .line)" "$(wc -l <"$IN/ufw.log" | tr -d ' ')"
finish
