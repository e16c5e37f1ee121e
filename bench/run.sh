#!/usr/bin/env bash
# bench/run.sh - the netfilter benchmark: builds gen_netfilter, generates synthetic ufw/iptables
# logs (cached in bench/data/), and times wc -l, mawk, clscan and psad on them in one run, so
# the ratios come from the same machine state. See bench/README.md.
set -u -o pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
data="$here/data"

# Quick defaults: a few minutes on 2 cores. --full gives the sizes quoted in RESULTS.md.
tp_bytes=512M       # throughput input
tp_sources=200k
mem_lines=2M        # memory run: streamed into clscan on stdin, never written to disk
mem_sources=100k
psad_lines=20k      # psad reads everything into memory and is ~1000x slower: small input
runs=3
psad_runs=1
seed=1
run_timeout=900     # seconds, per command
psad_timeout=1200
clscan="${CLSCAN:-}"
clscan_args=(report -q -o json)
do_psad=1
do_mem=1
md_out=""

usage() {
	cat <<'EOF'
usage: bench/run.sh [options]
  --full               big sizes: --tp-bytes 2G --mem-lines 50M --mem-sources 1M --psad-lines 200k
  --tp-bytes N         throughput input size (default 512M; k/M/G suffixes, powers of 1000)
  --tp-sources N       distinct sources in the throughput input (default 200k)
  --mem-lines N        lines streamed to clscan for the memory run (default 2M)
  --mem-sources N      distinct sources in the memory run (default 100k)
  --psad-lines N       psad input size in lines (default 20k)
  --runs N             timed runs per command, best is kept (default 3)
  --psad-runs N        timed runs for psad (default 1)
  --seed S             generator seed (default 1)
  --timeout S          per-command time limit in seconds (default 900; psad 1200)
  --clscan PATH        clscan binary (default $CLSCAN, else build/clscan)
  --no-psad            skip psad
  --no-mem             skip the memory run
  --md FILE            also write the result tables as Markdown to FILE
Exit status: 0 on success (a missing clscan or psad is reported, not an error), 1 when a
command fails, times out (psad excepted: it is reported), or produces no valid output.
EOF
}

log() { printf '%s\n' "$*" >&2; }
die() { log "run.sh: $*"; exit 1; }

while [ $# -gt 0 ]; do
	case "$1" in
	--full) tp_bytes=2G; mem_lines=50M; mem_sources=1M; psad_lines=200k ;;
	--tp-bytes) tp_bytes=$2; shift ;;
	--tp-sources) tp_sources=$2; shift ;;
	--mem-lines) mem_lines=$2; shift ;;
	--mem-sources) mem_sources=$2; shift ;;
	--psad-lines) psad_lines=$2; shift ;;
	--runs) runs=$2; shift ;;
	--psad-runs) psad_runs=$2; shift ;;
	--seed) seed=$2; shift ;;
	--timeout) run_timeout=$2; psad_timeout=$2; shift ;;
	--clscan) clscan=$2; shift ;;
	--no-psad) do_psad=0 ;;
	--no-mem) do_mem=0 ;;
	--md) md_out=$2; shift ;;
	-h | --help) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
	shift
done

# "512M" -> 512000000, as the generator reads them.
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
tp_bytes=$(to_num "$tp_bytes"); tp_sources=$(to_num "$tp_sources")
mem_lines=$(to_num "$mem_lines"); mem_sources=$(to_num "$mem_sources")
psad_lines=$(to_num "$psad_lines"); runs=$(to_num "$runs"); psad_runs=$(to_num "$psad_runs")
[ "$runs" -ge 1 ] || die "--runs must be >= 1"

for t in timeout mawk wc awk; do
	command -v "$t" > /dev/null || die "$t is required"
done
[ -x /usr/bin/time ] || die "/usr/bin/time is required (Debian package 'time')"
[ -n "${EPOCHREALTIME:-}" ] || die "bash >= 5 is required (EPOCHREALTIME)"

mkdir -p "$data" || die "cannot create $data" # ignored by the top-level .gitignore
tmp=$(mktemp -d "${TMPDIR:-/tmp}/clscan-bench.XXXXXX") || die "mktemp failed"
trap 'rm -rf "$tmp"' EXIT

# ------------------------------------------------------------------ generator
gen="$data/gen_netfilter"
if [ ! -x "$gen" ] || [ "$here/gen_netfilter.c" -nt "$gen" ]; then
	log "building $gen"
	${CC:-cc} -std=c11 -O2 -D_GNU_SOURCE -Wall -Wextra -o "$gen.tmp" "$here/gen_netfilter.c" -lm \
		|| die "cannot build the generator"
	mv "$gen.tmp" "$gen"
fi
# Cached inputs carry the generator's checksum in their names; stale ones are removed.
gen_id=$(cksum < "$here/gen_netfilter.c" | awk '{ printf "%08x", $1 }')
for f in "$data"/nf-*.log; do
	[ -e "$f" ] || continue
	case "$f" in *"-g$gen_id.log") ;; *) log "removing stale $f"; rm -f "$f" "$f.stats" ;; esac
done

avail_bytes() { df -PB1 "$data" | awk 'NR == 2 { print $4 }'; }

# gen_file PATH NEED_BYTES GENERATOR-ARGS... : generate unless cached (the .stats file is
# written last, so an interrupted run is regenerated).
gen_file() {
	local path=$1 need=$2
	shift 2
	if [ -s "$path" ] && [ -s "$path.stats" ]; then
		log "cached: $path"
		return 0
	fi
	local avail
	avail=$(avail_bytes)
	[ "$avail" -gt $((need + need / 10 + 1000000000)) ] ||
		die "not enough disk for $path: need ~$need bytes, $avail free"
	log "generating $path"
	timeout "$run_timeout" "$gen" "$@" --stats > "$path.tmp" 2> "$path.stats.tmp" ||
		{ rm -f "$path.tmp" "$path.stats.tmp"; die "generator failed for $path"; }
	mv "$path.tmp" "$path" && mv "$path.stats.tmp" "$path.stats"
}
stat_of() { awk -F= -v k="$2" '$1 == k { print $2 }' "$1"; }

tp_file="$data/nf-tp-b$tp_bytes-s$tp_sources-r$seed-g$gen_id.log"
psad_file="$data/nf-psad-l$psad_lines-s$((psad_lines / 4 + 1))-r$seed-g$gen_id.log"
gen_file "$tp_file" "$tp_bytes" --bytes "$tp_bytes" --sources "$tp_sources" --seed "$seed"
if [ "$do_psad" = 1 ]; then
	gen_file "$psad_file" $((psad_lines * 300)) --lines "$psad_lines" \
		--sources $((psad_lines / 4 + 1)) --seed "$seed"
fi

# ------------------------------------------------------------------ tools
# Only the release-style build is picked up unasked: other build-* trees may be sanitizer or
# fuzzing builds whose timings mean nothing.
if [ -z "$clscan" ] && [ -x "$root/build/clscan" ]; then
	clscan="$root/build/clscan"
fi
if [ -n "$clscan" ] && [ ! -x "$clscan" ]; then
	die "--clscan $clscan is not executable"
fi
if [ -z "$clscan" ]; then
	log "no $root/build/clscan (and no --clscan): clscan rows are skipped"
elif command -v ldd > /dev/null && ldd "$clscan" 2>/dev/null | grep -q 'libasan\|libubsan\|libtsan'; then
	log "warning: $clscan is a sanitizer build; its timings are not meaningful"
fi

have_psad=0
if [ "$do_psad" = 1 ]; then
	if ! command -v psad > /dev/null; then
		log "psad not installed: skipped"
	elif [ "$(id -u)" != 0 ]; then
		log "psad refuses to start unless run as root: skipped"
	else
		have_psad=1
	fi
fi

# A private psad config: every directory psad writes to is under $tmp, alerts go to neither
# mail nor syslog, no auto-blocking, no whois/DNS, and the mail and firewall commands are
# /bin/false, so analysis mode cannot reach the outside even if some path tried to.
make_psad_conf() {
	local d="$tmp/psad"
	mkdir -p "$d/log" "$d/run" "$d/lib" "$d/archive"
	sed -E \
		-e "s|^(ALERTING_METHODS[[:space:]]+).*|\1noemail,nosyslog;|" \
		-e "s|^(ENABLE_AUTO_IDS[[:space:]]+).*|\1N;|" \
		-e "s|^(ENABLE_AUTO_IDS_EMAILS[[:space:]]+).*|\1N;|" \
		-e "s|^(ENABLE_WHOIS_LOOKUPS[[:space:]]+).*|\1N;|" \
		-e "s|^(ENABLE_DNS_LOOKUPS[[:space:]]+).*|\1N;|" \
		-e "s|^(ENABLE_DSHIELD_ALERTS[[:space:]]+).*|\1N;|" \
		-e "s|^(ENABLE_EXT_SCRIPT_EXEC[[:space:]]+).*|\1N;|" \
		-e "s|^(ENABLE_EXT_BLOCK_SCRIPT_EXEC[[:space:]]+).*|\1N;|" \
		-e "s|^(ENABLE_PSADWATCHD[[:space:]]+).*|\1N;|" \
		-e "s|^(ENABLE_FW_LOGGING_CHECK[[:space:]]+).*|\1N;|" \
		-e "s|^(HOSTNAME[[:space:]]+).*|\1clscan-bench;|" \
		-e "s|^(PSAD_DIR[[:space:]]+).*|\1$d/log;|" \
		-e "s|^(PSAD_RUN_DIR[[:space:]]+).*|\1$d/run;|" \
		-e "s|^(PSAD_FIFO_DIR[[:space:]]+).*|\1$d/lib;|" \
		-e "s|^(CONF_ARCHIVE_DIR[[:space:]]+).*|\1$d/archive;|" \
		-e "s|^(mailCmd[[:space:]]+).*|\1/bin/false;|" \
		-e "s|^(sendmailCmd[[:space:]]+).*|\1/bin/false;|" \
		-e "s|^(iptablesCmd[[:space:]]+).*|\1/bin/false;|" \
		-e "s|^(ip6tablesCmd[[:space:]]+).*|\1/bin/false;|" \
		/etc/psad/psad.conf > "$d/psad.conf" || return 1
	grep -q '^ALERTING_METHODS.*noemail,nosyslog;' "$d/psad.conf" &&
		grep -q "^PSAD_DIR.*$d/log;" "$d/psad.conf"
}
if [ "$have_psad" = 1 ] && ! make_psad_conf; then
	log "could not make a private psad config: psad skipped"
	have_psad=0
fi

# ------------------------------------------------------------------ timing
# time_best RUNS TIMEOUT CMD... : best wall time of RUNS runs in BEST_S, the peak RSS (kB) of
# that run in BEST_RSS, the exit status in LAST_RC (124 = timed out). stdout of the last run is
# kept in $tmp/stdout. Runs stop at the first failure.
time_best() {
	local n=$1 to=$2 i t0 t1 s rss
	shift 2
	BEST_S="" BEST_RSS="" LAST_RC=0
	for ((i = 0; i < n; i++)); do
		t0=$EPOCHREALTIME
		timeout "$to" /usr/bin/time -f '%M' -o "$tmp/rss" "$@" > "$tmp/stdout" 2> "$tmp/stderr"
		LAST_RC=$?
		t1=$EPOCHREALTIME
		# clscan's exit 1 means "findings at --fail-on", which is not asked for here but is no error
		[ "$LAST_RC" = 0 ] || { [ "$LAST_RC" = 1 ] && [ "$1" = "$clscan" ]; } || return 0
		s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }')
		rss=$(tail -n 1 "$tmp/rss")
		if [ -z "$BEST_S" ] || awk -v x="$s" -v y="$BEST_S" 'BEGIN { exit !(x < y) }'; then
			BEST_S=$s BEST_RSS=$rss
		fi
	done
}

failures=0
rows=()     # "tool|input|bytes|lines|seconds|rss_kb|ref_seconds"
add_row() { rows+=("$1|$2|$3|$4|$5|$6|$7"); }

# run_tool NAME INPUT_LABEL FILE RUNS TIMEOUT REF_SECONDS CMD...
run_tool() {
	local name=$1 label=$2 file=$3 n=$4 to=$5 ref=$6
	shift 6
	local bytes lines
	bytes=$(stat_of "$file.stats" bytes)
	lines=$(stat_of "$file.stats" lines)
	log "timing: $name on $(basename "$file") ($n runs)"
	time_best "$n" "$to" "$@"
	if [ "$LAST_RC" = 124 ]; then
		add_row "$name" "$label" "$bytes" "$lines" "timeout>$to" "" "$ref"
		return 1
	elif [ -z "$BEST_S" ]; then
		log "  failed (exit $LAST_RC): $(head -c 400 "$tmp/stderr")"
		add_row "$name" "$label" "$bytes" "$lines" "failed($LAST_RC)" "" "$ref"
		return 1
	fi
	add_row "$name" "$label" "$bytes" "$lines" "$BEST_S" "$BEST_RSS" "$ref"
	return 0
}

clscan_ok_output() { # the report must be non-empty JSON
	[ -s "$tmp/stdout" ] || return 1
	if command -v jq > /dev/null; then
		jq -e . "$tmp/stdout" > /dev/null 2>&1
	elif command -v python3 > /dev/null; then
		python3 -c 'import json,sys; json.load(sys.stdin)' < "$tmp/stdout" 2> /dev/null
	fi
}

# Read the inputs once so every tool starts from a warm page cache.
cat "$tp_file" > /dev/null
[ "$have_psad" = 1 ] && cat "$psad_file" > /dev/null

awk_prog='{ s = ""; d = ""
	for (i = 1; i <= NF; i++) { if ($i ~ /^SRC=/) s = $i; else if ($i ~ /^DPT=/) d = $i }
	c[s " " d]++ }
END { print length(c) }'

ref_tp=""
if [ -n "$clscan" ]; then
	if run_tool "clscan --threads 1" tp "$tp_file" "$runs" "$run_timeout" "" \
		"$clscan" "${clscan_args[@]}" --threads 1 "$tp_file"; then
		ref_tp=$BEST_S
		clscan_ok_output || { log "clscan wrote no valid JSON"; failures=$((failures + 1)); }
	else
		failures=$((failures + 1))
	fi
	run_tool "clscan --threads 2" tp "$tp_file" "$runs" "$run_timeout" "$ref_tp" \
		"$clscan" "${clscan_args[@]}" --threads 2 "$tp_file" || failures=$((failures + 1))
	# fill in the reference for the first row now that it is known
	rows[0]="${rows[0]%|*}|$ref_tp"
fi
run_tool "wc -l" tp "$tp_file" "$runs" "$run_timeout" "$ref_tp" wc -l "$tp_file" ||
	failures=$((failures + 1))
run_tool "mawk SRC/DPT pairs" tp "$tp_file" "$runs" "$run_timeout" "$ref_tp" \
	mawk "$awk_prog" "$tp_file" || failures=$((failures + 1))

if [ "$have_psad" = 1 ]; then
	ref_psad=""
	if [ -n "$clscan" ]; then
		run_tool "clscan --threads 1" psad "$psad_file" "$runs" "$run_timeout" "" \
			"$clscan" "${clscan_args[@]}" --threads 1 "$psad_file" && ref_psad=$BEST_S ||
			failures=$((failures + 1))
		rows[${#rows[@]} - 1]="${rows[${#rows[@]} - 1]%|*}|$ref_psad"
	fi
	# psad -A: offline analysis of one file, then exit; no daemon, no mail, no firewall.
	if run_tool "psad -A" psad "$psad_file" "$psad_runs" "$psad_timeout" "$ref_psad" \
		psad --config "$tmp/psad/psad.conf" -A -m "$psad_file" \
		--no-whois --no-rdns --no-netstat --no-fwcheck; then
		grep -q 'Finished --Analyze cycle' "$tmp/stdout" ||
			log "psad finished without its end-of-analysis line (see its output)"
	fi
fi

# ------------------------------------------------------------------ memory
mem_rows=() # "label|lines|sources_seen|rss_kb|base_kb|seconds"
if [ -n "$clscan" ] && [ "$do_mem" = 1 ]; then
	# Baseline: the same binary on 1000 lines, so the per-source figure excludes code, the
	# service catalog and thread stacks.
	head -n 1000 "$tp_file" > "$tmp/base.log"
	base_rss=""
	time_best 1 "$run_timeout" "$clscan" "${clscan_args[@]}" --threads 1 "$tmp/base.log" &&
		base_rss=$BEST_RSS
	for th in 1 2; do
		log "memory run: $mem_lines lines, $mem_sources sources on stdin, --threads $th"
		t0=$EPOCHREALTIME
		timeout "$run_timeout" "$gen" --lines "$mem_lines" --sources "$mem_sources" \
			--seed "$seed" --stats 2> "$tmp/mem.stats" |
			timeout "$run_timeout" /usr/bin/time -f '%M' -o "$tmp/rss" \
				"$clscan" "${clscan_args[@]}" --threads "$th" - > "$tmp/stdout" 2> "$tmp/stderr"
		rcs=("${PIPESTATUS[@]}")
		t1=$EPOCHREALTIME
		if [ "${rcs[0]}" != 0 ] || { [ "${rcs[1]}" != 0 ] && [ "${rcs[1]}" != 1 ]; }; then
			log "  memory run failed (generator ${rcs[0]}, clscan ${rcs[1]}): $(head -c 400 "$tmp/stderr")"
			failures=$((failures + 1))
			mem_rows+=("--threads $th|$mem_lines|?|failed|$base_rss|")
			continue
		fi
		s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
		mem_rows+=("--threads $th|$(stat_of "$tmp/mem.stats" lines)|$(stat_of "$tmp/mem.stats" sources_seen)|$(tail -n 1 "$tmp/rss")|$base_rss|$s")
	done
fi

# ------------------------------------------------------------------ report
cpu=$(lscpu 2>/dev/null | awk -F: '/^Model name/ { sub(/^ +/, "", $2); print $2; exit }')
mem_total=$(free -g 2>/dev/null | awk '/^Mem:/ { print $2 " GiB" }')
clscan_ver=""
[ -n "$clscan" ] && clscan_ver=$("$clscan" --version 2>/dev/null | head -n 1)
psad_ver=""
[ "$have_psad" = 1 ] && psad_ver=$(psad --Version 2>/dev/null | head -n 1 | sed 's/^\[+\] //')

{
	echo "date:     $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "machine:  ${cpu:-unknown CPU}, nproc $(nproc), ${mem_total:-? RAM}, $(uname -sr)"
	echo "tools:    clscan ${clscan_ver:-(not built)} [$clscan]; $(mawk -W version 2>&1 | head -n 1); ${psad_ver:-psad skipped}"
	echo "inputs:   tp = $(basename "$tp_file") ($tp_sources sources)"
	[ "$have_psad" = 1 ] && echo "          psad = $(basename "$psad_file")"
	echo "timing:   best of $runs runs (psad: $psad_runs), wall clock, warm page cache"
	echo "ratio:    tool seconds / clscan --threads 1 seconds on the same input (>1: clscan faster)"
	echo
} > "$tmp/head.txt"

# awk helper: v rounded to d decimals, returned as a string.
awk_fx='function fx(v, d,   m, f, r) {
	m = 10 ^ d; v = int(v * m + 0.5); r = int(v / m) ""
	if (d > 0) { f = (v % m) ""; while (length(f) < d) f = "0" f; r = r "." f }
	return r
}'

table() { # $1 = "txt" or "md"
	local fmt=$1 r
	if [ "$fmt" = md ]; then
		echo "| tool | input | bytes | lines | seconds | MB/s | lines/s | ratio vs clscan -t1 | peak RSS |"
		echo "|---|---|---:|---:|---:|---:|---:|---:|---:|"
	else
		printf '%-20s %-5s %12s %10s %10s %9s %11s %8s %10s\n' tool input bytes lines seconds \
			MB/s lines/s ratio "peak RSS"
	fi
	for r in "${rows[@]}"; do
		awk -F'|' -v fmt="$fmt" "$awk_fx"'{
			tool = $1; inp = $2; bytes = $3; lines = $4; s = $5; rss = $6; ref = $7
			mbs = "-"; lps = "-"; ratio = "-"; r = "-"
			if (s ~ /^[0-9.]+$/ && s > 0) {
				mbs = fx(bytes / 1e6 / s, 1); lps = fx(lines / s, 0)
				if (ref ~ /^[0-9.]+$/ && ref > 0) ratio = fx(s / ref, 2)
				s = fx(s, 3)
			}
			if (rss != "") r = fx(rss / 1024, 1) " MB"
			if (fmt == "md")
				printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", tool, inp, bytes, lines, s, mbs, lps, ratio, r
			else
				printf "%-20s %-5s %12s %10s %10s %9s %11s %8s %10s\n", tool, inp, bytes, lines, s, mbs, lps, ratio, r
		}' <<< "$r"
	done
	[ ${#mem_rows[@]} -gt 0 ] || return 0
	echo
	if [ "$fmt" = md ]; then
		echo "| memory run (stdin) | lines | sources seen | peak RSS | baseline RSS (1000 lines) | bytes/source (net of baseline) | seconds |"
		echo "|---|---:|---:|---:|---:|---:|---:|"
	else
		printf '%-20s %10s %12s %12s %12s %14s %8s\n' "memory run (stdin)" lines sources "peak RSS" \
			"base RSS" "bytes/source" seconds
	fi
	for r in "${mem_rows[@]}"; do
		awk -F'|' -v fmt="$fmt" "$awk_fx"'{
			rss = $4; base = $5; bps = "-"; prss = rss; pbase = base
			if (rss ~ /^[0-9]+$/) {
				prss = fx(rss / 1024, 1) " MB"
				if ($3 ~ /^[0-9]+$/ && $3 > 0)
					bps = fx((rss - (base ~ /^[0-9]+$/ ? base : 0)) * 1024 / $3, 0)
			}
			if (base ~ /^[0-9]+$/) pbase = fx(base / 1024, 1) " MB"
			if (fmt == "md")
				printf "| clscan %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, prss, pbase, bps, $6
			else
				printf "clscan %-13s %10s %12s %12s %12s %14s %8s\n", $1, $2, $3, prss, pbase, bps, $6
		}' <<< "$r"
	done
}

echo
cat "$tmp/head.txt"
table txt
if [ -n "$md_out" ]; then
	{ sed 's/^/    /' "$tmp/head.txt"; table md; } > "$md_out" || die "cannot write $md_out"
	log "markdown tables written to $md_out"
fi

if [ "$failures" -gt 0 ]; then
	log "run.sh: $failures command(s) failed"
	exit 1
fi
exit 0
