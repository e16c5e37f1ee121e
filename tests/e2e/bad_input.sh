#!/usr/bin/env bash
# Exit codes and bad input: every problem is named with file and line,
# counted, and the rest of the input still processed.
. "$(dirname "$0")/lib.bash"

UFW="$DATA/teliten-vps/ufw.log"

expect_status "no such command" 2 "$CLSCAN" frobnicate
expect_status "unknown option" 2 "$CLSCAN" report --no-such-option "$UFW"
expect_status "bad --threads" 2 "$CLSCAN" report --threads zero "$UFW"
expect_status "unknown --format" 2 "$CLSCAN" report --format nosuch "$UFW"
expect_status "unknown zone" 2 "$CLSCAN" report --tz Not/AZone "$UFW"
expect_status "--version" 0 "$CLSCAN" --version
expect_status "help report" 0 "$CLSCAN" help report
expect_status "formats" 0 "$CLSCAN" formats

# A missing file among good ones: exit 3, the good ones reported.
expect_status "missing file" 3 "$CLSCAN" report -q -o json --year 2022 "$TMP/nope.log" "$UFW"
expect_eq "good file still read" "$(jq '.totals.events' "$TMP/out")" "$(grep -c ' SRC=' "$UFW")"
grep -q "nope.log" "$TMP/err" && ok "missing file named" || not_ok "missing file not named on stderr"

# A truncated gzip: the complete lines before the damage are read, exit 3.
head -c 20000 "$DATA/teliten-vps/ufw.log.2.gz" >"$TMP/cut.log.gz"
expect_status "truncated gzip" 3 "$CLSCAN" report -o json --year 2022 "$TMP/cut.log.gz"
n=$(jq '.totals.events' "$TMP/out")
want=$(zcat "$TMP/cut.log.gz" 2>/dev/null | grep ' SRC=' | grep -c 'URGP=0 *$' || true)
if [ "$n" -gt 0 ] && [ "$n" -ge "$want" ]; then ok "lines before the damage read ($n)"; else not_ok "read $n events from truncated gzip, want >= $want"; fi
grep -q "cut.log.gz" "$TMP/err" && ok "corrupt file named" || not_ok "corrupt file not named"

# Garbage and malformed lines mixed into a real log: counted and located.
{ head -5 "$UFW"; printf 'this is not a log line\n'; head -10 "$UFW" | tail -5
  sed -n 11p "$UFW" | sed 's/SRC=[0-9.]*/SRC=999.1.2.3/'
  printf 'more garbage\n'; sed -n '12,20p' "$UFW"; } >"$TMP/mixed.log"
expect_status "mixed input" 0 "$CLSCAN" report -o json --year 2022 "$TMP/mixed.log"
expect_eq "events from mixed" "$(jq '.totals.events' "$TMP/out")" 19
expect_eq "unknown counted" "$(jq '.files[0].unknown' "$TMP/out")" 2
expect_eq "malformed counted" "$(jq '.files[0].malformed' "$TMP/out")" 1
grep -q "first at .*mixed.log:6" "$TMP/err" && ok "first unknown located" || not_ok "first unknown not located: $(cat "$TMP/err")"
grep -q "mixed.log:12" "$TMP/err" && ok "malformed located" || not_ok "malformed not located"

# An overlong line is counted and located, never truncated into an event.
{ head -3 "$UFW"; head -c 5000 /dev/zero | tr '\0' 'A'; echo; sed -n '4,6p' "$UFW"; } >"$TMP/long.log"
expect_status "overlong line" 0 "$CLSCAN" report -o json --max-line 1024 --year 2022 "$TMP/long.log"
expect_eq "events around overlong" "$(jq '.totals.events' "$TMP/out")" 6
expect_eq "overlong counted" "$(jq '.files[0].overlong' "$TMP/out")" 1
grep -q "long.log:4" "$TMP/err" && ok "overlong located" || not_ok "overlong not located"

# A file in no known format.
printf 'hello\nworld\n' >"$TMP/plain.txt"
expect_status "unknown-format file" 0 "$CLSCAN" report -o json "$TMP/plain.txt" "$UFW"
expect_eq "unknown file's lines" "$(jq '.files[0].unknown' "$TMP/out")" 2
grep -q "plain.txt" "$TMP/err" && ok "unknown-format file named" || not_ok "unknown-format file not named"

# --fail-on: ALERT-class services are in this log (telnet 23 among them).
expect_status "--fail-on alert" 1 "$CLSCAN" report -q --fail-on alert --year 2022 "$UFW"
expect_status "no findings in an empty input" 0 "$CLSCAN" report -q --fail-on warning /dev/null

# stdin, including gzip on stdin.
expect_status "stdin" 0 bash -c "cat '$UFW' | '$CLSCAN' report -q -o json --year 2022 -"
expect_eq "stdin events" "$(jq '.totals.events' "$TMP/out")" "$(grep -c ' SRC=' "$UFW")"
expect_status "gzip on stdin" 0 bash -c "cat '$DATA/teliten-vps/ufw.log.2.gz' | '$CLSCAN' report -q -o json --year 2022"
expect_eq "gzip stdin events" "$(jq '.totals.events' "$TMP/out")" "$(zcat "$DATA/teliten-vps/ufw.log.2.gz" | grep -c ' SRC=')"

# zstd
if command -v zstd >/dev/null; then
	zstd -q -c "$UFW" >"$TMP/ufw.log.zst"
	expect_status "zstd" 0 "$CLSCAN" report -q -o json --year 2022 "$TMP/ufw.log.zst"
	expect_eq "zstd events" "$(jq '.totals.events' "$TMP/out")" "$(grep -c ' SRC=' "$UFW")"
fi
finish
