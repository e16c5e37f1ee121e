#!/usr/bin/env bash
# The configuration file: entries become options before the typed ones,
# sections scope them to one command, --no-config and --config choose the
# file, and bad lines are reported with file and line while the rest applies.
. "$(dirname "$0")/lib.bash"

LOG="$DATA/teliten-vps/ufw.log"
top_sources() { jq '.sources | length' "$TMP/out"; }

# the default location ($XDG_CONFIG_HOME/clscan/config)
mkdir -p "$XDG_CONFIG_HOME/clscan"
printf '# test\nyear 2022\n[report]\ntop 3\n[abuse]\nfrom "a <b@example.net>"\n' \
	>"$XDG_CONFIG_HOME/clscan/config"
expect_status "report with the default config" 0 "$CLSCAN" report -o json "$LOG"
expect_eq "top from [report]" "$(top_sources)" 3
expect_eq "no warning for another command's section" "$(wc -c <"$TMP/err")" 0
expect_status "typed option wins" 0 "$CLSCAN" report -o json --top 5 "$LOG"
expect_eq "top typed" "$(top_sources)" 5
expect_status "--no-config" 0 "$CLSCAN" report -o json --no-config "$LOG"
expect_eq "top default" "$(top_sources)" 20

# common entries reach every command that takes them: explain has no --top
expect_status "explain ignores report's section" 0 "$CLSCAN" explain 45.143.200.110 "$LOG"

# an explicitly named file, with bad lines
printf 'top 4\nBad!line\nbogus-option 1\n[report]\ntop\n' >"$TMP/named"
expect_status "--config FILE with bad lines" 0 "$CLSCAN" report -o json --config "$TMP/named" "$LOG"
expect_eq "good line applied" "$(top_sources)" 4
if grep -q "3 lines of $TMP/named skipped; first: $TMP/named:line 2:" "$TMP/err"; then
	ok "bad lines counted and located"
else
	not_ok "bad-line message: $(cat "$TMP/err")"
fi
expect_status "--config=FILE missing" 2 "$CLSCAN" report --config="$TMP/none" "$LOG"
grep -q "cannot read configuration file $TMP/none" "$TMP/err" && ok "missing file named" ||
	not_ok "missing-file message: $(cat "$TMP/err")"
CLSCAN_CONFIG="$TMP/none" expect_status "\$CLSCAN_CONFIG missing" 2 "$CLSCAN" report "$LOG"
finish
