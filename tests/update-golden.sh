#!/usr/bin/env bash
# Rewrite tests/golden/*.out from the current build. Read `git diff tests/golden`
# afterwards: every change must be one you meant.
set -euo pipefail
CLSCAN=${1:-$(dirname "$0")/../build/clscan}
CLSCAN=$(cd "$(dirname "$CLSCAN")" && pwd)/$(basename "$CLSCAN")
cd "$(dirname "$0")"
export TZ=UTC LC_ALL=C NO_COLOR=1 CLSCAN_GEOIP_DIR=none
while IFS='|' read -r name opts inputs; do
	case "$name" in '#'* | '') continue ;; esac
	opts=${opts//@TESTMMDB@/$(dirname "$CLSCAN")/tests} # the mmdbs tools/mkmmdb.c wrote
	# shellcheck disable=SC2086
	(cd data && "$CLSCAN" report -q $opts $inputs) >"golden/$name.out" || true
	echo "wrote golden/$name.out"
done <golden/TESTLIST
