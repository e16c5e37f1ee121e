#!/usr/bin/env bash
# Golden tests: every row of tests/golden/TESTLIST, output compared byte for byte.
. "$(dirname "$0")/lib.bash"

while IFS='|' read -r name opts inputs; do
	case "$name" in '#'* | '') continue ;; esac
	opts=${opts//@TESTMMDB@/$(dirname "$CLSCAN")/tests} # the mmdbs tools/mkmmdb.c wrote
	args=()
	for i in $inputs; do args+=("$DATA/$i"); done
	# shellcheck disable=SC2086
	(cd "$DATA" && "$CLSCAN" report -q $opts $inputs) >"$TMP/$name.out" 2>"$TMP/$name.err" || true
	if [ ! -f "$GOLDEN/$name.out" ]; then
		not_ok "$name: no golden file (run tests/update-golden.sh)"
	elif cmp -s "$GOLDEN/$name.out" "$TMP/$name.out"; then
		ok "$name"
	else
		not_ok "$name differs from golden"
		diff "$GOLDEN/$name.out" "$TMP/$name.out" | head -20
	fi
done <"$GOLDEN/TESTLIST"
finish
