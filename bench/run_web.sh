#!/usr/bin/env bash
# bench/run_web.sh - the web benchmark: one generated combined access log
# (bench/gen_weblog.sh, cached in bench/data/), timed in one run with wc -l,
# goaccess (analysis only, JSON out), and clscan report with probe matching
# on and off. Prints a Markdown table with lines/s and the ratios to
# goaccess. See bench/RESULTS.md ("Web probes").
#
#   bench/run_web.sh [--lines N] [--runs N] [--seed S] [--clscan PATH]
set -u -o pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
data="$here/data"
lines=2M
runs=3
seed=1
clscan="${CLSCAN:-}"

while [ $# -gt 0 ]; do
	case "$1" in
	--lines) lines=$2; shift 2 ;;
	--runs) runs=$2; shift 2 ;;
	--seed) seed=$2; shift 2 ;;
	--clscan) clscan=$2; shift 2 ;;
	*) echo "usage: bench/run_web.sh [--lines N] [--runs N] [--seed S] [--clscan PATH]" >&2
	   exit 2 ;;
	esac
done
if [ -z "$clscan" ]; then
	for b in "$root/build/clscan" "$root"/build-*/clscan; do
		[ -x "$b" ] && { clscan=$b; break; }
	done
fi
[ -x "$clscan" ] || { echo "run_web.sh: no clscan binary (build it or pass --clscan)" >&2; exit 2; }
command -v goaccess >/dev/null || { echo "run_web.sh: goaccess not installed" >&2; exit 2; }

mkdir -p "$data"
log="$data/weblog_${lines}_${seed}.log"
if [ ! -s "$log" ]; then
	echo "generating $log" >&2
	"$here/gen_weblog.sh" "$lines" "$log.tmp" "$seed" && mv "$log.tmp" "$log"
fi
n=$(wc -l <"$log")
bytes=$(stat -c %s "$log")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# best_of CMD...: the fastest of $runs runs by wall time; prints
# "seconds maxrss_kb cpu_seconds" (cpu = user + system: on a machine
# others share, the fairer measure of work done)
best_of() {
	local best="" rss=0 cpu=0
	for _ in $(seq "$runs"); do
		/usr/bin/time -f '%e %M %U %S' -o "$tmp/time" "$@" >/dev/null 2>"$tmp/err" ||
			{ echo "failed: $*" >&2; sed 's/^/  /' "$tmp/err" | head -5 >&2; echo "nan 0 nan"; return; }
		read -r s r u k <"$tmp/time"
		if [ -z "$best" ] || awk -v a="$s" -v b="$best" 'BEGIN { exit !(a < b) }'; then
			best=$s
			rss=$r
			cpu=$(awk -v u="$u" -v k="$k" 'BEGIN { print u + k }')
		fi
	done
	echo "$best $rss $cpu"
}

declare -A secs mem cpus
run() {
	local label=$1
	shift
	read -r s r c < <(best_of "$@")
	secs[$label]=$s
	mem[$label]=$r
	cpus[$label]=$c
}
run "wc -l" wc -l "$log"
run "goaccess COMBINED -o json" goaccess "$log" --log-format=COMBINED --no-global-config \
	-o "$tmp/ga.json"
run "clscan --threads 1 (probes on)" "$clscan" report -q --format weblog --threads 1 -o json "$log"
run "clscan --threads 1 --no-web" "$clscan" report -q --format weblog --threads 1 -o json \
	--no-web "$log"
run "clscan --threads 2 (probes on)" "$clscan" report -q --format weblog --threads 2 -o json "$log"

ga=${secs["goaccess COMBINED -o json"]}
gc=${cpus["goaccess COMBINED -o json"]}
echo "| command | lines | bytes | seconds (best of $runs) | lines/s | x goaccess | CPU s | x goaccess (CPU) | peak RSS |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
for label in "wc -l" "goaccess COMBINED -o json" "clscan --threads 1 (probes on)" \
	"clscan --threads 1 --no-web" "clscan --threads 2 (probes on)"; do
	awk -v l="$label" -v n="$n" -v b="$bytes" -v s="${secs[$label]}" -v g="$ga" \
		-v c="${cpus[$label]}" -v gc="$gc" -v m="${mem[$label]}" 'BEGIN {
		if (s == "nan" || s + 0 == 0) { printf "| %s | %d | %d | %s | - | - | - | - | - |\n", l, n, b, s; exit }
		cr = (c + 0 > 0) ? sprintf("%.1f", gc / c) : "-"
		printf "| %s | %d | %d | %.2f | %.0f | %.1f | %.2f | %s | %.1f MB |\n", l, n, b, s, n / s, g / s, c, cr, m / 1024
	}'
done
