#!/usr/bin/env bash
# bench/run_pcap.sh - the pcap benchmark: builds gen_pcap, generates a synthetic capture (cached
# in bench/data/), and times clscan, tcpdump and tshark reading it, all in one run so that the
# ratios come from the same machine state. See bench/README.md.
set -u -o pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
data="$here/data"

packets=4M        # quick; --full: 20M
sources=200k
pps=3000
seed=1
runs=3
tshark_runs=3
run_timeout=900   # seconds, per command
clscan="${CLSCAN:-}"
do_tshark=1
do_perf=0
md_out=""

usage() {
	cat <<'EOF'
usage: bench/run_pcap.sh [options]
  --full               20M packets instead of 4M
  --packets N          packets in the capture (default 4M; k/M/G suffixes, powers of 1000)
  --sources N          distinct scanner sources (default 200k)
  --pps R              mean packets per second of capture time (default 3000)
  --seed S             generator seed (default 1)
  --runs N             timed runs per command, the best is kept (default 3)
  --tshark-runs N      timed runs for tshark (default 3; it is ~30x slower than tcpdump)
  --timeout S          per-command time limit in seconds (default 900)
  --clscan PATH        clscan binary (default $CLSCAN, else build/clscan)
  --no-tshark          skip tshark
  --perf               also profile clscan --threads 1 with perf and print the top functions
  --md FILE            also write the result table as Markdown to FILE
Exit status: 0 on success (a missing tcpdump or tshark is reported, not an error), 1 when a
command fails or times out, or clscan's report is not valid JSON or misses packets.
EOF
}

log() { printf '%s\n' "$*" >&2; }
die() { log "run_pcap.sh: $*"; exit 1; }

while [ $# -gt 0 ]; do
	case "$1" in
	--full) packets=20M ;;
	--packets) packets=$2; shift ;;
	--sources) sources=$2; shift ;;
	--pps) pps=$2; shift ;;
	--seed) seed=$2; shift ;;
	--runs) runs=$2; shift ;;
	--tshark-runs) tshark_runs=$2; shift ;;
	--timeout) run_timeout=$2; shift ;;
	--clscan) clscan=$2; shift ;;
	--no-tshark) do_tshark=0 ;;
	--perf) do_perf=1 ;;
	--md) md_out=$2; shift ;;
	-h | --help) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
	shift
done

# "4M" -> 4000000, as the generator reads it.
to_num() {
	local v=$1 m=1
	case "$v" in
	*k | *K) m=1000; v=${v%?} ;;
	*M) m=1000000; v=${v%?} ;;
	*G) m=1000000000; v=${v%?} ;;
	esac
	case "$v" in '' | *[!0-9]*) die "not a number: $1" ;; esac
	echo $((v * m))
}
packets=$(to_num "$packets"); sources=$(to_num "$sources"); pps=$(to_num "$pps")
runs=$(to_num "$runs"); tshark_runs=$(to_num "$tshark_runs")
if [ "$runs" -lt 1 ] || [ "$tshark_runs" -lt 1 ]; then die "--runs and --tshark-runs must be >= 1"; fi

for t in timeout awk cksum; do
	command -v "$t" > /dev/null || die "$t is required"
done
[ -x /usr/bin/time ] || die "/usr/bin/time is required (Debian package 'time')"
[ -n "${EPOCHREALTIME:-}" ] || die "bash >= 5 is required (EPOCHREALTIME)"

mkdir -p "$data" || die "cannot create $data" # ignored by the top-level .gitignore
tmp=$(mktemp -d "${TMPDIR:-/tmp}/clscan-pcap.XXXXXX") || die "mktemp failed"
trap 'rm -rf "$tmp"' EXIT

# ------------------------------------------------------------------ the capture
gen="$data/gen_pcap"
if [ ! -x "$gen" ] || [ "$here/gen_pcap.c" -nt "$gen" ]; then
	log "building $gen"
	${CC:-cc} -std=c11 -O2 -D_GNU_SOURCE -Wall -Wextra -o "$gen.tmp" "$here/gen_pcap.c" -lm ||
		die "cannot build the generator"
	mv "$gen.tmp" "$gen"
fi
# Cached captures carry the generator's checksum in their names; stale ones are removed.
gen_id=$(cksum < "$here/gen_pcap.c" | awk '{ printf "%08x", $1 }')
for f in "$data"/pcap-*.pcap; do
	[ -e "$f" ] || continue
	case "$f" in *"-g$gen_id.pcap") ;; *) log "removing stale $f"; rm -f "$f" "$f.stats" ;; esac
done
stat_of() { awk -F= -v k="$2" '$1 == k { print $2 }' "$1"; }

cap="$data/pcap-p$packets-s$sources-q$pps-r$seed-g$gen_id.pcap"
if [ -s "$cap" ] && [ -s "$cap.stats" ]; then
	log "cached: $cap"
else
	need=$((packets * 260)) # ~234 bytes per packet with the default model
	avail=$(df -PB1 "$data" | awk 'NR == 2 { print $4 }')
	[ "$avail" -gt $((need + need / 10 + 1000000000)) ] ||
		die "not enough disk for $cap: need ~$need bytes, $avail free"
	log "generating $cap"
	# The .stats file is written last, so an interrupted run is regenerated.
	timeout "$run_timeout" "$gen" --packets "$packets" --sources "$sources" --pps "$pps" \
		--seed "$seed" --stats > "$cap.tmp" 2> "$cap.stats.tmp" ||
		{ rm -f "$cap.tmp" "$cap.stats.tmp"; die "generator failed"; }
	mv "$cap.tmp" "$cap" && mv "$cap.stats.tmp" "$cap.stats"
fi
cap_bytes=$(stat_of "$cap.stats" bytes)
cap_packets=$(stat_of "$cap.stats" packets)

# ------------------------------------------------------------------ tools
# Only the release-style build is picked up unasked: other build-* trees may be sanitizer or
# fuzzing builds whose timings mean nothing.
if [ -z "$clscan" ] && [ -x "$root/build/clscan" ]; then
	clscan="$root/build/clscan"
fi
[ -n "$clscan" ] || die "no $root/build/clscan: build it or pass --clscan PATH"
[ -x "$clscan" ] || die "--clscan $clscan is not executable"
if command -v ldd > /dev/null && ldd "$clscan" 2>/dev/null | grep -q 'libasan\|libubsan\|libtsan'; then
	log "warning: $clscan is a sanitizer build; its timings are not meaningful"
fi
# The reader alone (decode and probe pairing, events dropped: no statistics,
# detection or report), built from the same build's libraries when they are
# there: bench/pcap_throughput.c.
reader=""
bdir=$(dirname "$clscan")
if [ -f "$bdir/libclscan_parse.a" ] && [ -f "$bdir/libclscan_core.a" ]; then
	reader="$tmp/pcap_throughput"
	${CC:-cc} -std=c11 -O2 -D_GNU_SOURCE -I"$root/src" -o "$reader" "$here/pcap_throughput.c" \
		"$bdir/libclscan_parse.a" "$bdir/libclscan_core.a" -lpcap -lm ||
		{ log "cannot build bench/pcap_throughput.c: no reader-alone row"; reader=""; }
else
	log "no libclscan_parse.a beside $clscan: no reader-alone row"
fi
have_tcpdump=0
if command -v tcpdump > /dev/null; then have_tcpdump=1; else log "tcpdump not installed: skipped"; fi
have_tshark=0
if [ "$do_tshark" = 1 ]; then
	if command -v tshark > /dev/null; then have_tshark=1; else log "tshark not installed: skipped"; fi
fi

# ------------------------------------------------------------------ timing
# Commands are run round-robin (run 1 of each, then run 2 of each, ...), so a burst of load
# from the machine's other users falls on every command rather than on one. Each command is
# "name|runs|stdout-file|argv..." joined by \x1f.
cmds=()
add_cmd() { # NAME RUNS STDOUT CMD...
	local IFS=$'\x1f'
	cmds+=("$*")
}
add_cmd "clscan --threads 1" "$runs" "$tmp/clscan1.json" "$clscan" report -q -o json --threads 1 "$cap"
add_cmd "clscan --threads 2" "$runs" "$tmp/clscan2.json" "$clscan" report -q -o json --threads 2 "$cap"
if [ -n "$reader" ]; then
	add_cmd "pcap reader alone" "$runs" /dev/null "$reader" "$cap" 1
fi
if [ "$have_tcpdump" = 1 ]; then
	# -w /dev/null: read every record and write it out again, no decoding: libpcap's floor.
	add_cmd "tcpdump -w /dev/null" "$runs" /dev/null tcpdump -nr "$cap" -w /dev/null
	# Decoding and printing one line per packet, the nearest thing tcpdump does to clscan.
	add_cmd "tcpdump -n (print)" "$runs" /dev/null tcpdump -nr "$cap"
fi
if [ "$have_tshark" = 1 ]; then
	# -n: no name resolution (no DNS queries from a benchmark); one summary line per packet.
	add_cmd "tshark -n -r" "$tshark_runs" /dev/null tshark -n -r "$cap"
fi

declare -A best_s best_rss status
failures=0
max_runs=$runs
[ "$tshark_runs" -gt "$max_runs" ] && max_runs=$tshark_runs

cat "$cap" > /dev/null # warm page cache for every tool
for ((r = 1; r <= max_runs; r++)); do
	for c in "${cmds[@]}"; do
		IFS=$'\x1f' read -r -a a <<< "$c"
		name=${a[0]} n=${a[1]} out=${a[2]}
		argv=("${a[@]:3}")
		[ "$r" -le "$n" ] || continue
		[ -z "${status[$name]:-}" ] || continue # failed before: not retried
		log "run $r: $name"
		t0=$EPOCHREALTIME
		timeout "$run_timeout" /usr/bin/time -f '%M' -o "$tmp/rss" "${argv[@]}" > "$out" 2> "$tmp/stderr"
		rc=$?
		t1=$EPOCHREALTIME
		# clscan exits 1 for findings at --fail-on (not asked for here): no error either way.
		if [ "$rc" = 124 ]; then
			status[$name]="timeout>$run_timeout"
			continue
		elif [ "$rc" != 0 ] && ! { [ "$rc" = 1 ] && [ "${argv[0]}" = "$clscan" ]; }; then
			status[$name]="failed($rc)"
			log "  exit $rc: $(head -c 400 "$tmp/stderr")"
			continue
		fi
		s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }')
		if [ -z "${best_s[$name]:-}" ] || awk -v x="$s" -v y="${best_s[$name]}" 'BEGIN { exit !(x < y) }'; then
			best_s[$name]=$s
			best_rss[$name]=$(tail -n 1 "$tmp/rss")
		fi
	done
done

# clscan's report must be JSON and must have counted every packet of the capture.
json_lines() {
	if command -v jq > /dev/null; then
		jq -e '.totals.lines' "$1" 2> /dev/null
	elif command -v python3 > /dev/null; then
		python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["totals"]["lines"])' "$1" 2> /dev/null
	else
		echo "unchecked"
	fi
}
for th in 1 2; do
	name="clscan --threads $th"
	[ -z "${status[$name]:-}" ] || { failures=$((failures + 1)); continue; }
	got=$(json_lines "$tmp/clscan$th.json")
	if [ "$got" = unchecked ]; then
		log "neither jq nor python3: clscan's JSON not checked"
	elif [ "$got" != "$cap_packets" ]; then
		log "$name: the report counts ${got:-no} packets, the capture has $cap_packets"
		status[$name]="bad-report"
		failures=$((failures + 1))
	fi
done
for c in "${cmds[@]}"; do
	name=${c%%$'\x1f'*}
	case "${status[$name]:-}" in timeout* | failed*) failures=$((failures + 1)) ;; esac
done

if [ "$do_perf" = 1 ]; then
	if command -v perf > /dev/null; then
		log "perf: clscan --threads 1"
		timeout "$run_timeout" perf record -q -F 2000 -g -o "$tmp/perf.data" -- \
			"$clscan" report -q -o json --threads 1 "$cap" > /dev/null 2> "$tmp/perf.err" ||
			log "perf record failed: $(head -c 400 "$tmp/perf.err")"
		perf report -i "$tmp/perf.data" --no-children -F overhead,sym --percent-limit 0.5 \
			--stdio -g none 2> /dev/null | grep -v '^#' | grep -v '^$' | head -n 40 |
			sed 's/[[:space:]]*$//' > "$tmp/perf.txt"
	else
		log "perf not installed: no profile"
	fi
fi

# ------------------------------------------------------------------ report
cpu=$(lscpu 2>/dev/null | awk -F: '/^Model name/ { sub(/^ +/, "", $2); print $2; exit }')
mem_total=$(free -g 2>/dev/null | awk '/^Mem:/ { print $2 " GiB" }')
{
	echo "date:     $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "machine:  ${cpu:-unknown CPU}, nproc $(nproc), ${mem_total:-? RAM}, $(uname -sr); load $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)"
	echo "tools:    $("$clscan" --version 2>/dev/null | head -n 1) [$clscan]"
	[ "$have_tcpdump" = 1 ] && echo "          $(tcpdump --version 2>&1 | head -n 2 | paste -sd ';' -)"
	[ "$have_tshark" = 1 ] && echo "          $(tshark --version 2>/dev/null | head -n 1)"
	echo "input:    $(basename "$cap"): $cap_packets packets, $cap_bytes bytes," \
		"$(stat_of "$cap.stats" seconds) s of capture time"
	echo "timing:   best of $runs runs (tshark: $tshark_runs), round-robin, wall clock, warm page cache"
	echo "ratio:    tool seconds / clscan --threads 1 seconds (>1: clscan faster)"
	echo
} > "$tmp/head.txt"

ref=${best_s["clscan --threads 1"]:-}
table() { # $1 = txt or md
	local fmt=$1 c name
	if [ "$fmt" = md ]; then
		echo "| tool | packets | bytes | seconds | MB/s | M packets/s | ratio vs clscan -t1 | peak RSS |"
		echo "|---|---:|---:|---:|---:|---:|---:|---:|"
	else
		printf '%-22s %10s %12s %10s %8s %11s %8s %10s\n' tool packets bytes seconds MB/s \
			"Mpackets/s" ratio "peak RSS"
	fi
	for c in "${cmds[@]}"; do
		name=${c%%$'\x1f'*}
		awk -v fmt="$fmt" -v tool="$name" -v p="$cap_packets" -v b="$cap_bytes" \
			-v s="${best_s[$name]:-}" -v st="${status[$name]:-}" -v ref="$ref" \
			-v rss="${best_rss[$name]:-}" 'BEGIN {
			mbs = "-"; pps = "-"; ratio = "-"; r = "-"; sec = s
			if (st != "" && st != "bad-report") sec = st
			else if (s > 0) {
				mbs = sprintf("%.1f", b / 1e6 / s); pps = sprintf("%.3f", p / 1e6 / s)
				if (ref > 0) ratio = sprintf("%.2f", s / ref)
				sec = sprintf("%.3f", s)
				if (st != "") sec = sec " (" st ")"
			}
			if (rss != "") r = sprintf("%.1f MB", rss / 1024)
			if (fmt == "md")
				printf "| %s | %s | %s | %s | %s | %s | %s | %s |\n", tool, p, b, sec, mbs, pps, ratio, r
			else
				printf "%-22s %10s %12s %10s %8s %11s %8s %10s\n", tool, p, b, sec, mbs, pps, ratio, r
		}'
	done
	if [ -n "$ref" ]; then
		awk -v p="$cap_packets" -v s="$ref" -v r="${best_s["pcap reader alone"]:-}" 'BEGIN {
			v = p / s / 1e6
			printf "\ntarget >= 5 M packets/s per core: clscan --threads 1 reads %.2f M packets/s (%s)\n",
				v, v >= 5 ? "met" : "NOT met"
			if (r > 0) {
				v = p / r / 1e6
				printf "the pcap reader alone (no statistics, detection, report): %.2f M packets/s (%s)\n",
					v, v >= 5 ? "met" : "NOT met"
			}
		}'
	fi
}

echo
cat "$tmp/head.txt"
table txt
if [ -s "$tmp/perf.txt" ] 2>/dev/null; then
	echo
	echo "perf (clscan --threads 1, self time by function):"
	cat "$tmp/perf.txt"
fi
if [ -n "$md_out" ]; then
	{
		sed 's/^/    /' "$tmp/head.txt"
		table md
		if [ -s "$tmp/perf.txt" ]; then
			echo
			echo "perf (clscan --threads 1, self time by function):"
			echo
			sed 's/^/    /' "$tmp/perf.txt"
		fi
	} > "$md_out" || die "cannot write $md_out"
	log "markdown written to $md_out"
fi

if [ "$failures" -gt 0 ]; then
	log "run_pcap.sh: $failures command(s) failed"
	exit 1
fi
exit 0
