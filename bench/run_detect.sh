#!/bin/bash
# bench/run_detect.sh - what scan detection costs: CPU seconds of `clscan report` with and without
# --no-detect on the 512 MB generated netfilter input of run.sh (the two interleaved, best and
# median of N rounds), peak memory on 10 M lines from 1 M sources read from stdin, and a flood of
# 10 M distinct sources, one probe each (the detector's bounded-memory case).
#
#   bench/run_detect.sh [--clscan BIN] [--also BIN]... [--rounds N] [--wall-threads T]
#                       [--no-memory] [--no-flood]
#
# --also adds another build (an earlier commit's, say) to the same rounds on the 512 MB input:
# every round runs each build with and without detection, one after the other, so that a
# comparison is not decided by when the machine was busy.
#
# CPU seconds are user + system from /usr/bin/time: on a shared machine wall time moves with
# other people's load far more than CPU time does. A second table gives user seconds alone (the
# system time is mostly the kernel zeroing fresh pages, which a VM's host can make dearer from
# one minute to the next). Each table gives best and median of each mode, and the median of the
# rounds' own overheads (a round's two runs follow each other). --wall-threads T adds, in the
# same rounds, the wall time of each build at T threads with and without detection: what a user
# waits for, where the analysis (run once at the end, split between the threads) and the merging
# of the threads' tables count. Geo data is off (CLSCAN_GEOIP_DIR=none), so the numbers are the
# detector's and the statistics' alone.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
clscan="$here/../build/clscan"
also=()
rounds=5
wall=0
memory=1
flood=1
while [ $# -gt 0 ]; do
	case "$1" in
	--clscan) clscan=$2; shift 2 ;;
	--also) also+=("$2"); shift 2 ;;
	--rounds) rounds=$2; shift 2 ;;
	--wall-threads) wall=$2; shift 2 ;;
	--no-memory) memory=0; shift ;;
	--no-flood) flood=0; shift ;;
	*) echo "usage: $0 [--clscan BIN] [--also BIN]... [--rounds N] [--wall-threads T] [--no-memory] [--no-flood]" >&2; exit 2 ;;
	esac
done
for b in "$clscan" ${also[@]+"${also[@]}"}; do
	[ -x "$b" ] || { echo "run_detect.sh: no clscan at $b (build it first)" >&2; exit 1; }
done
[ -x /usr/bin/time ] || { echo "run_detect.sh: needs /usr/bin/time (apt-get install time)" >&2; exit 1; }

data="$here/data"
mkdir -p "$data"
gen="$data/gen_netfilter"
if [ ! -x "$gen" ] || [ "$here/gen_netfilter.c" -nt "$gen" ]; then
	${CC:-cc} -std=c11 -O2 -D_GNU_SOURCE -Wall -Wextra -o "$gen" "$here/gen_netfilter.c" -lm
fi
gen_id=$(cksum <"$here/gen_netfilter.c" | awk '{ printf "%08x", $1 }')
tp="$data/nf-tp-b512000000-s200000-r1-g$gen_id.log" # the same file run.sh makes
[ -s "$tp" ] || "$gen" --bytes 512000000 --sources 200000 --seed 1 >"$tp"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export CLSCAN_GEOIP_DIR=none

# cpu ARGS...: one run's user + system seconds, peak RSS (KB) and user seconds, stdin passed
# on; the build is $bin (default $clscan)
cpu() {
	/usr/bin/time -f "%U %S %M" -o "$tmp/t" "${bin:-$clscan}" report -q -o json "$@" >/dev/null
	awk '{printf "%.2f %d %.2f\n", $1 + $2, $3, $1}' "$tmp/t"
}
# wall ARGS...: one run's wall seconds
wall() {
	/usr/bin/time -f "%e" -o "$tmp/t" "${bin:-$clscan}" report -q -o json "$@" >/dev/null
	cat "$tmp/t"
}
best() { sort -n "$1" | head -1 | cut -d' ' -f1; }
median() { sort -n "$1" | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
pct() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%+.0f%%", (b - a) * 100 / a}'; }

echo "# run_detect.sh $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# clscan: $clscan"
builds=("$clscan" ${also[@]+"${also[@]}"})
for k in "${!builds[@]}"; do
	[ "$k" = 0 ] || echo "# also: ${builds[$k]}"
	: >"$tmp/off$k"
	: >"$tmp/on$k"
	: >"$tmp/woff$k"
	: >"$tmp/won$k"
done
echo
# pair MEASURE THREADS OFF ON: one run without detection and one with, in
# an order that alternates with the round: a run gets the pages the run
# before it gave back, which the kernel (or, in a VM, the host) need not
# provide afresh, so a fixed order would favour the second
pair() {
	if [ $((round % 2)) = 0 ]; then
		"$1" --threads "$2" --no-detect "$tp" >>"$3"
		"$1" --threads "$2" "$tp" >>"$4"
	else
		"$1" --threads "$2" "$tp" >>"$4"
		"$1" --threads "$2" --no-detect "$tp" >>"$3"
	fi
}
for round in $(seq "$rounds"); do
	for k in "${!builds[@]}"; do
		bin=${builds[$k]} pair cpu 1 "$tmp/off$k" "$tmp/on$k"
		if [ "$wall" -gt 0 ]; then
			bin=${builds[$k]} pair wall "$wall" "$tmp/woff$k" "$tmp/won$k"
		fi
	done
done
# rows LABEL UNIT OFF ON: best and median per build of the runs in $tmp/OFFk and $tmp/ONk
rows() {
	echo "| input | build | without detection, $2 | with | overhead |"
	echo "|---|---|---:|---:|---:|"
	for k in "${!builds[@]}"; do
		local b=${builds[$k]} off="$tmp/$3$k" on="$tmp/$4$k"
		echo "| $(basename "$tp"), $1, best of $rounds | $b | $(best "$off") | $(best "$on") | $(pct "$(best "$off")" "$(best "$on")") |"
		echo "| the same, median | $b | $(median "$off") | $(median "$on") | $(pct "$(median "$off")" "$(median "$on")") |"
		# each round's two runs follow each other, so their ratio is the
		# least moved by load that comes and goes over minutes
		local paired
		paired=$(paste -d' ' <(cut -d' ' -f1 "$off") <(cut -d' ' -f1 "$on") |
			awk '{ printf "%.4f\n", ($2 - $1) * 100 / $1 }' | sort -n |
			awk '{a[NR] = $1} END {printf "%+.0f%%", a[int((NR + 1) / 2)]}')
		echo "| the same, median of each round's own overhead | $b | | | $paired |"
	done
}
rows "1 thread" "CPU s" off on
# user time alone (see the top)
for k in "${!builds[@]}"; do
	cut -d' ' -f3 "$tmp/off$k" >"$tmp/uoff$k"
	cut -d' ' -f3 "$tmp/on$k" >"$tmp/uon$k"
done
echo
rows "1 thread" "user s" uoff uon
if [ "$wall" -gt 0 ]; then
	echo
	rows "$wall threads" "wall s" woff won
fi

if [ "$memory" = 1 ]; then
	echo
	echo "| 10 M lines, 1 M-source population, on stdin, 1 thread | CPU s | peak RSS |"
	echo "|---|---:|---:|"
	for mode in --no-detect ""; do
		read -r c kb _ < <("$gen" --lines 10000000 --sources 1000000 --seed 1 | cpu --threads 1 $mode -)
		echo "| ${mode:-with detection} | $c | $((kb / 1024)) MB |"
	done
fi

if [ "$flood" = 1 ]; then
	echo
	echo "| flood: 10 M SYNs to port 23, each from its own source, on stdin | CPU s | peak RSS |"
	echo "|---|---:|---:|"
	flood() {
		awk 'BEGIN {
		for (i = 0; i < 10000000; i++) {
			a = 167772160 + i
			printf "Dec  7 10:%02d:%02d gw kernel: [12345.678] DROP IN=eth0 OUT= SRC=%d.%d.%d.%d DST=192.0.2.1 LEN=40 TOS=0x00 PREC=0x00 TTL=240 ID=54321 PROTO=TCP SPT=44444 DPT=23 WINDOW=1024 RES=0x00 SYN URGP=0\n", int(i / 60) % 60, i % 60, int(a / 16777216), int(a / 65536) % 256, int(a / 256) % 256, a % 256
		}
	}'
	}
	for mode in --no-detect ""; do
		read -r c kb _ < <(flood | cpu --threads 1 --max-sources 100000 --max-pairs 1000000 $mode -)
		echo "| ${mode:-with detection} (statistics capped: --max-sources 100000 --max-pairs 1000000) | $c | $((kb / 1024)) MB |"
	done
fi
