#!/usr/bin/env bash
# bench/run_html.sh - how long -o html takes to render, and how large the page is, against -o
# json on the same input: LINES netfilter lines from SOURCES sources (gen_netfilter), one run
# each. Wall time is dominated by reading the log, the same for both, so the render phase is
# also measured on its own with strace: from the start of the report writer (json: its first
# write; html: the re-open of the log for the evidence lines) to the exit.
#   bench/run_html.sh [--lines 10M] [--sources 1M] [--clscan PATH] [--data DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
lines=10M sources=1M data="$here/data" clscan=${CLSCAN:-$here/../build/clscan}
while [ $# -gt 0 ]; do
	case "$1" in
	--lines) lines=$2; shift 2 ;;
	--sources) sources=$2; shift 2 ;;
	--clscan) clscan=$2; shift 2 ;;
	--data) data=$2; shift 2 ;;
	*) echo "usage: $0 [--lines N] [--sources N] [--clscan PATH] [--data DIR]" >&2; exit 2 ;;
	esac
done
mkdir -p "$data"
gen="$data/gen_netfilter"
if [ ! -x "$gen" ] || [ "$here/gen_netfilter.c" -nt "$gen" ]; then
	${CC:-cc} -std=c11 -O2 -D_GNU_SOURCE -o "$gen" "$here/gen_netfilter.c" -lm
fi
input="$data/html-$lines-$sources.log"
[ -s "$input" ] || "$gen" --lines "$lines" --sources "$sources" --days 90 >"$input"
cat "$input" >/dev/null # warm the page cache
opts=(-q --year 2024 --tz UTC --threads 2)
echo "input: $input ($(stat -c %s "$input") bytes)"
for fmt in json html; do
	out="$data/out.$fmt"
	/usr/bin/time -f "$fmt: wall %e s, user %U s, peak RSS %M KB" \
		"$clscan" report "${opts[@]}" -o "$fmt" --out "$out" "$input"
	echo "$fmt: $(stat -c %s "$out") bytes"
	command -v strace >/dev/null || continue
	trace="$data/trace.$fmt"
	strace -f --seccomp-bpf -ttt -e trace=openat,write,exit_group -o "$trace" \
		"$clscan" report "${opts[@]}" -o "$fmt" --out "$out" "$input"
	main=$(awk 'NR == 1 { print $1 }' "$trace")
	if [ "$fmt" = html ]; then # the last open of the log by the main thread
		start=$(awk -v m="$main" -v f="\"$input\"" '$1 == m && /openat\(/ && index($0, f) { t = $2 } END { print t }' "$trace")
	else # the first write to the output (fd 3: --out is opened first)
		start=$(awk -v m="$main" '$1 == m && /write\(3,/ { print $2; exit }' "$trace")
	fi
	end=$(awk -v m="$main" '$1 == m && /exit_group/ { print $2 }' "$trace")
	awk -v a="$start" -v b="$end" -v f="$fmt" 'BEGIN { printf "%s: render phase %.2f s\n", f, b - a }'
done
