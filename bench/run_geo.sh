#!/usr/bin/env bash
# bench/run_geo.sh - the cost of geo enrichment (issue 6): a full `clscan report -o json` on the
# netfilter benchmark input without geo data (--geoip-dir none) and with the default data
# (./setup.sh geo: country mmdb + ASN CSVs), alternating in one run so the ratio comes from the
# same machine state; then peak RSS of a streamed run with many distinct sources, both ways.
# Usage: bench/run_geo.sh [CLSCAN [GEO_DIR]]   (defaults: build/clscan, ./geo)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
clscan=${1:-$root/build/clscan}
geodir=${2:-$root/geo}
data="$here/data"
tp_bytes=${TP_BYTES:-512000000}
tp_sources=${TP_SOURCES:-200000}
mem_lines=${MEM_LINES:-5000000}
mem_sources=${MEM_SOURCES:-1000000}
runs=${RUNS:-3}
[ -d "$geodir" ] || { echo "run_geo.sh: no geo data in $geodir (./setup.sh geo)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "run_geo.sh: /usr/bin/time is required" >&2; exit 1; }
mkdir -p "$data"
gen="$data/gen_netfilter"
[ -x "$gen" ] || ${CC:-cc} -std=c11 -O2 -D_GNU_SOURCE -o "$gen" "$here/gen_netfilter.c" -lm
tp="$data/geo_tp_${tp_bytes}_${tp_sources}.log"
[ -f "$tp" ] || "$gen" --bytes "$tp_bytes" --sources "$tp_sources" --seed 1 >"$tp"

# one ARGS...: prints "cpu_seconds peak_kb" of one run (user + system: on a shared machine the
# CPU time is steadier than the wall clock)
one() {
	/usr/bin/time -f '%U %S %M' -o "$data/time.out" "$clscan" report -q -o json "$@" >/dev/null
	awk '{ printf "%.2f %d\n", $1 + $2, $3 }' "$data/time.out"
}
best() { sort -n | head -1; }
echo "| run | geo | CPU s (user+sys), best of $runs | peak RSS (MB) |"
echo "|---|---|---:|---:|"
off=() on=()
for ((i = 0; i < runs; i++)); do
	off+=("$(one --geoip-dir none "$tp")")
	on+=("$(one --geoip-dir "$geodir" "$tp")")
done
b_off=$(printf '%s\n' "${off[@]}" | best)
b_on=$(printf '%s\n' "${on[@]}" | best)
echo "| throughput $(basename "$tp") | off | ${b_off% *} | $(( ${b_off#* } / 1024 )) |"
echo "| throughput $(basename "$tp") | on | ${b_on% *} | $(( ${b_on#* } / 1024 )) |"
awk -v a="${b_off% *}" -v b="${b_on% *}" 'BEGIN { printf "ratio on/off: %.3f\n", b / a }' >&2
for mode in none "$geodir"; do
	r=$("$gen" --lines "$mem_lines" --sources "$mem_sources" --seed 2 |
		{ /usr/bin/time -f '%U %S %M' -o "$data/time.out" "$clscan" report -q -o json \
			--geoip-dir "$mode" - >/dev/null
		  awk '{ printf "%.2f %d\n", $1 + $2, $3 }' "$data/time.out"; })
	echo "| memory $mem_lines lines, $mem_sources sources (stdin) | $([ "$mode" = none ] && echo off || echo on) | ${r% *} | $(( ${r#* } / 1024 )) |"
done
