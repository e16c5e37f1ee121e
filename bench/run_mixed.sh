#!/usr/bin/env bash
# bench/run_mixed.sh - the mixed-format benchmark: builds a directory with one large file per
# input format from the repository's fixtures (tests/data/<format>/, repeated), times clscan on
# the whole directory, then on each format's file alone, and compares every format's throughput
# per byte with the netfilter parser's, all in one run. See bench/README.md.
set -u -o pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
data="$here/data"
fixtures="$root/tests/data"

size=64M
runs=3
run_timeout=900
clscan="${CLSCAN:-}"
do_generated=1
md_out=""

usage() {
	cat <<'EOF'
usage: bench/run_mixed.sh [options]
  --size N         bytes per format file (default 64M; k/M/G suffixes, powers of 1000); a
                   format's fixtures are repeated until the file reaches N (it ends up
                   between N and 2N)
  --runs N         timed runs per command, the best is kept (default 3)
  --timeout S      per-command time limit in seconds (default 900)
  --clscan PATH    clscan binary (default $CLSCAN, else build/clscan)
  --no-generated   skip the rows on generated data (gen_netfilter, gen_pcap)
  --md FILE        also write the result tables as Markdown to FILE
Exit status: 0 on success, 1 when a command fails or times out or a report is not valid JSON.
EOF
}

log() { printf '%s\n' "$*" >&2; }
die() { log "run_mixed.sh: $*"; exit 1; }

while [ $# -gt 0 ]; do
	case "$1" in
	--size) size=$2; shift ;;
	--runs) runs=$2; shift ;;
	--timeout) run_timeout=$2; shift ;;
	--clscan) clscan=$2; shift ;;
	--no-generated) do_generated=0 ;;
	--md) md_out=$2; shift ;;
	-h | --help) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
	shift
done

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
size=$(to_num "$size"); runs=$(to_num "$runs")
[ "$runs" -ge 1 ] || die "--runs must be >= 1"
[ "$size" -ge 100000 ] || die "--size must be at least 100k"

for t in timeout awk cksum od; do
	command -v "$t" > /dev/null || die "$t is required"
done
[ -x /usr/bin/time ] || die "/usr/bin/time is required (Debian package 'time')"
[ -n "${EPOCHREALTIME:-}" ] || die "bash >= 5 is required (EPOCHREALTIME)"
if command -v jq > /dev/null; then
	json_get() { jq -r "$2" "$1" 2> /dev/null; } # FILE JQ-PATH
elif command -v python3 > /dev/null; then
	json_get() {
		python3 - "$1" "$2" 2> /dev/null <<'PY'
import json, sys
v = json.load(open(sys.argv[1]))
path, _, fn = sys.argv[2].partition("|")
for k in path.strip(" .").replace("[", ".").replace("]", "").split("."):
    v = v[int(k)] if k.isdigit() else v[k]
print(len(v) if fn.strip() == "length" else v)
PY
	}
else
	die "jq or python3 is required to read clscan's JSON"
fi

if [ -z "$clscan" ] && [ -x "$root/build/clscan" ]; then
	clscan="$root/build/clscan"
fi
[ -n "$clscan" ] || die "no $root/build/clscan: build it or pass --clscan PATH"
[ -x "$clscan" ] || die "--clscan $clscan is not executable"
if command -v ldd > /dev/null && ldd "$clscan" 2>/dev/null | grep -q 'libasan\|libubsan\|libtsan'; then
	log "warning: $clscan is a sanitizer build; its timings are not meaningful"
fi

mkdir -p "$data" || die "cannot create $data"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/clscan-mixed.XXXXXX") || die "mktemp failed"
trap 'rm -rf "$tmp"' EXIT

# ------------------------------------------------------------------ choosing fixtures
# The formats this clscan reads: `clscan formats` prints each name on a line of its own.
mapfile -t formats < <("$clscan" formats 2> /dev/null | grep -E '^[a-z0-9_-]+$')
[ "${#formats[@]}" -gt 0 ] || die "clscan formats listed nothing"

# A fixture is used when clscan reads it as its format and most of its lines are not unknown or
# malformed: the fixtures that test bad input (netfilter/malformed.log) or foreign lines
# (netfilter/other_syslog.log) would time the error path, not the parser.
usable() { # FORMAT FILE -> 0 if usable
	timeout 60 "$clscan" report -q -o json --threads 1 --format "$1" "$2" > "$tmp/probe.json" \
		2> /dev/null
	[ $? -le 1 ] || return 1
	local lines events bad
	lines=$(json_get "$tmp/probe.json" '.files[0].lines')
	events=$(json_get "$tmp/probe.json" '.files[0].events')
	bad=$(json_get "$tmp/probe.json" '.files[0].unknown + .files[0].malformed' 2> /dev/null)
	case "$bad" in '' | *[!0-9]*)
		bad=$(($(json_get "$tmp/probe.json" '.files[0].unknown') + $(json_get "$tmp/probe.json" '.files[0].malformed'))) ;;
	esac
	case "$lines$events$bad" in '' | *[!0-9]*) return 1 ;; esac
	[ "${lines:-0}" -gt 0 ] && [ "${events:-0}" -gt 0 ] && [ $((bad * 2)) -le "$lines" ]
}

# Classic pcap files only (pcapng blocks cannot simply be appended to each other): the first 24
# bytes hold the magic, the version, the snapshot length and the link type.
pcap_key() { # magic+version and link type, as hex; empty for anything else
	local h
	h=$(od -An -tx1 -N24 "$1" | tr -d ' \n')
	case "${h:0:8}" in
	d4c3b2a1 | a1b2c3d4 | 4d3cb2a1 | a1b23c4d) echo "${h:0:16}${h:40:8}" ;;
	esac
}

declare -A chosen skipped
fixture_sum=""
for f in "${formats[@]}"; do
	d="$fixtures/$f"
	if [ ! -d "$d" ]; then
		skipped[$f]="no fixtures in tests/data/$f"
		continue
	fi
	list=()
	for file in "$d"/*; do
		[ -f "$file" ] || continue
		case "$file" in *.gz | *.zst | *.bz2 | *.xz | *.md) continue ;; esac
		if [ "$f" = pcap ] && [ -z "$(pcap_key "$file")" ]; then
			continue
		fi
		usable "$f" "$file" && list+=("$file")
	done
	if [ "$f" = pcap ] && [ "${#list[@]}" -gt 0 ]; then
		# One link type and byte order: the group of the largest usable file.
		big=$(ls -S "${list[@]}" | head -n 1)
		key=$(pcap_key "$big")
		same=()
		for file in "${list[@]}"; do
			[ "$(pcap_key "$file")" = "$key" ] && same+=("$file")
		done
		list=("${same[@]}")
	fi
	if [ "${#list[@]}" = 0 ]; then
		skipped[$f]="no usable fixture in tests/data/$f"
		continue
	fi
	chosen[$f]=$(printf '%s\n' "${list[@]}")
	fixture_sum+=$(cat "${list[@]}" | cksum)
done

# ------------------------------------------------------------------ building the files
# Cached under a name carrying the size and a checksum of the chosen fixtures and of this
# script; other mixed-* directories are stale and removed.
mix_id=$( { echo "$fixture_sum"; cksum < "$0"; } | cksum | awk '{ printf "%08x", $1 }')
mix="$data/mixed-b$size-f$mix_id"
for old in "$data"/mixed-b*; do
	[ -e "$old" ] || continue
	[ "$old" = "$mix" ] || { log "removing stale $old"; rm -rf "$old"; }
done

# double FILE TARGET: append FILE to itself until it holds at least TARGET bytes.
double() {
	local f=$1 target=$2
	[ -s "$f" ] || return 1
	while [ "$(stat -c %s "$f")" -lt "$target" ]; do
		cat "$f" "$f" > "$f.2" && mv "$f.2" "$f" || return 1
	done
}

avail=$(df -PB1 "$data" | awk 'NR == 2 { print $4 }')
if [ ! -e "$mix/.complete" ]; then
	need=$((size * 2 * ${#chosen[@]}))
	[ "$avail" -gt $((need + 1000000000)) ] || die "not enough disk for $mix: up to $need bytes"
	rm -rf "$mix"
	mkdir -p "$mix" || die "cannot create $mix"
	for f in "${!chosen[@]}"; do
		mapfile -t list <<< "${chosen[$f]}"
		log "building $f from ${#list[@]} fixture(s)"
		if [ "$f" = pcap ]; then
			# The first file's header with a 256 kB snapshot length (no record in the
			# fixtures is longer), then every file's records, repeated.
			: > "$tmp/body"
			for file in "${list[@]}"; do tail -c +25 "$file" >> "$tmp/body"; done
			double "$tmp/body" $((size - 24)) || die "cannot build $f"
			snap='\000\000\004\000' # 262144, little-endian
			case "$(pcap_key "${list[0]}")" in a1b2*) snap='\000\004\000\000' ;; esac
			{ head -c 16 "${list[0]}"; printf '%b' "$snap"; tail -c +21 "${list[0]}" | head -c 4
				cat "$tmp/body"; } > "$mix/$f.pcap" || die "cannot build $f"
			rm -f "$tmp/body"
		else
			# Lines end with a newline even where a fixture's last line does not.
			for file in "${list[@]}"; do
				cat "$file"
				[ -z "$(tail -c 1 "$file")" ] || echo
			done > "$mix/$f.log"
			double "$mix/$f.log" "$size" || die "cannot build $f"
		fi
	done
	printf '%s\n' "${!chosen[@]}" > "$mix/.complete"
fi
file_of() { # FORMAT -> its file in $mix
	if [ "$1" = pcap ]; then echo "$mix/pcap.pcap"; else echo "$mix/$1.log"; fi
}

# Generated inputs, beside the fixtures: realistic traffic with many distinct sources, where
# the fixtures repeat a few dozen lines.
gen_rows=()
if [ "$do_generated" = 1 ]; then
	gdir="$data/mixed-gen"
	mkdir -p "$gdir"
	for g in netfilter pcap; do
		src="$here/gen_$g.c"
		bin="$data/gen_$g"
		[ -f "$src" ] || { log "no $src: generated $g skipped"; continue; }
		if [ ! -x "$bin" ] || [ "$src" -nt "$bin" ]; then
			log "building $bin"
			${CC:-cc} -std=c11 -O2 -D_GNU_SOURCE -Wall -Wextra -o "$bin.tmp" "$src" -lm ||
				die "cannot build $bin"
			mv "$bin.tmp" "$bin"
		fi
		id=$(cksum < "$src" | awk '{ printf "%08x", $1 }')
		ext=log
		[ "$g" = pcap ] && ext=pcap
		out="$gdir/gen-$g-b$size-g$id.$ext"
		for old in "$gdir"/gen-"$g"-*; do
			[ -e "$old" ] && [ "$old" != "$out" ] && rm -f "$old"
		done
		if [ ! -s "$out" ]; then
			log "generating $out"
			if ! timeout "$run_timeout" "$bin" --bytes "$size" > "$out.tmp" 2> /dev/null; then
				rm -f "$out.tmp"
				die "generator $bin failed"
			fi
			mv "$out.tmp" "$out" || die "cannot write $out"
		fi
		gen_rows+=("$g|$out")
	done
fi

# ------------------------------------------------------------------ timing
# Round-robin: run 1 of every command, then run 2 of every command, ..., so that load from the
# machine's other users spreads over all rows. A job is "label|format|file|json-out|argv...".
jobs=()
add_job() { local IFS=$'\x1f'; jobs+=("$*"); }
: > "$tmp/empty.log"
add_job "startup (empty file)" netfilter "$tmp/empty.log" "$tmp/j-empty.json" \
	"$clscan" report -q -o json --threads 1 --format netfilter "$tmp/empty.log"
add_job "whole directory, --threads 1" "" "$mix" "$tmp/j-all1.json" \
	"$clscan" report -q -o json --threads 1 "$mix"
add_job "whole directory, --threads 2" "" "$mix" "$tmp/j-all2.json" \
	"$clscan" report -q -o json --threads 2 "$mix"
for f in "${formats[@]}"; do
	[ -n "${chosen[$f]:-}" ] || continue
	add_job "$f" "$f" "$(file_of "$f")" "$tmp/j-$f.json" \
		"$clscan" report -q -o json --threads 1 --format "$f" "$(file_of "$f")"
done
for r in "${gen_rows[@]}"; do
	g=${r%%|*} file=${r#*|}
	add_job "$g (generated)" "$g" "$file" "$tmp/j-gen-$g.json" \
		"$clscan" report -q -o json --threads 1 --format "$g" "$file"
done

declare -A best_s status
failures=0
cat "$mix"/* > /dev/null # warm page cache
for r in "${gen_rows[@]}"; do cat "${r#*|}" > /dev/null; done
for ((r = 1; r <= runs; r++)); do
	for j in "${jobs[@]}"; do
		IFS=$'\x1f' read -r -a a <<< "$j"
		label=${a[0]} out=${a[3]}
		argv=("${a[@]:4}")
		[ -z "${status[$label]:-}" ] || continue
		log "run $r: $label"
		t0=$EPOCHREALTIME
		timeout "$run_timeout" "${argv[@]}" > "$out" 2> "$tmp/stderr"
		rc=$?
		t1=$EPOCHREALTIME
		if [ "$rc" = 124 ]; then
			status[$label]="timeout>$run_timeout"
			continue
		elif [ "$rc" -gt 1 ]; then # 1: findings at --fail-on, not asked for, no error
			status[$label]="failed($rc)"
			log "  exit $rc: $(head -c 400 "$tmp/stderr")"
			continue
		fi
		s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }')
		if [ -z "${best_s[$label]:-}" ] || awk -v x="$s" -v y="${best_s[$label]}" 'BEGIN { exit !(x < y) }'; then
			best_s[$label]=$s
		fi
	done
done

# ------------------------------------------------------------------ results
rows=() # label|format|bytes|lines|events|seconds|status
for j in "${jobs[@]}"; do
	IFS=$'\x1f' read -r -a a <<< "$j"
	label=${a[0]} fmt=${a[1]} file=${a[2]} out=${a[3]}
	st=${status[$label]:-}
	lines="" events="" bytes=""
	if [ -z "$st" ]; then
		lines=$(json_get "$out" '.totals.lines')
		events=$(json_get "$out" '.totals.events')
		case "$lines" in
		'' | *[!0-9]*) st="bad-json"; lines="" ;;
		esac
	fi
	[ -n "$st" ] && failures=$((failures + 1))
	if [ -d "$file" ]; then
		bytes=$(cat "$file"/*.log "$file"/*.pcap 2>/dev/null | wc -c)
	else
		bytes=$(stat -c %s "$file")
	fi
	rows+=("$label|$fmt|$bytes|$lines|$events|${best_s[$label]:-}|$st")
done

# Which format auto-detection chose for each file of the directory.
detect_notes=()
if [ -z "${status["whole directory, --threads 1"]:-}" ]; then
	n=$(json_get "$tmp/j-all1.json" '.files | length' 2>/dev/null)
	if [ -n "$n" ] && [ "$n" -gt 0 ] 2>/dev/null; then
		for ((i = 0; i < n; i++)); do
			p=$(json_get "$tmp/j-all1.json" ".files[$i].path")
			got=$(json_get "$tmp/j-all1.json" ".files[$i].format")
			want=$(basename "$p"); want=${want%.*}
			[ "$got" = "$want" ] || detect_notes+=("$(basename "$p") detected as ${got:-nothing}")
		done
	fi
fi

startup=${best_s["startup (empty file)"]:-0}
mbs_of() { # FILE SECONDS -> MB/s, 0 if unknown
	awk -v b="$(stat -c %s "$1" 2>/dev/null || echo 0)" -v s="${2:-0}" \
		'BEGIN { if (s > 0) printf "%.6f", b / 1e6 / s; else print 0 }'
}
# Fixture rows are compared with the netfilter fixtures, generated rows with generated netfilter.
ref_mbs=$(mbs_of "$(file_of netfilter)" "${best_s[netfilter]:-}")
ref_gen_mbs=0
for r in "${gen_rows[@]}"; do
	[ "${r%%|*}" = netfilter ] && ref_gen_mbs=$(mbs_of "${r#*|}" "${best_s["netfilter (generated)"]:-}")
done

cpu=$(lscpu 2>/dev/null | awk -F: '/^Model name/ { sub(/^ +/, "", $2); print $2; exit }')
{
	echo "date:     $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "machine:  ${cpu:-unknown CPU}, nproc $(nproc), $(uname -sr); load $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)"
	echo "clscan:   $("$clscan" --version 2>/dev/null | head -n 1) [$clscan]"
	echo "inputs:   $mix (fixtures of tests/data/<format>/ repeated to >= $size bytes)"
	for f in "${formats[@]}"; do
		if [ -n "${chosen[$f]:-}" ]; then
			echo "          $f: $(echo "${chosen[$f]}" | xargs -n1 basename | paste -sd ' ' -)"
		else
			echo "          $f: skipped (${skipped[$f]:-?})"
		fi
	done
	for r in "${gen_rows[@]}"; do echo "          generated: $(basename "${r#*|}")"; done
	echo "timing:   best of $runs runs, round-robin, wall clock, warm page cache," \
		"--threads 1 -q -o json --format NAME"
	echo "ratio:    format MB/s / netfilter MB/s, fixtures with fixtures and generated with"
	echo "          generated; below 0.33 fails the target (a third of netfilter per byte)"
	echo "          \"net\" columns subtract the startup time (clscan on an empty file)"
	if [ "${#detect_notes[@]}" -gt 0 ]; then
		echo "detection (whole directory): ${detect_notes[*]}"
	else
		echo "detection (whole directory): every file detected as its format"
	fi
	echo
} > "$tmp/head.txt"

table() { # txt | md
	local fmt=$1 r
	if [ "$fmt" = md ]; then
		echo "| input | bytes | lines | events | seconds | MB/s | MB/s net | lines/s | events/s | ratio to netfilter |"
		echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
	else
		printf '%-30s %11s %10s %10s %9s %8s %8s %10s %10s %7s\n' input bytes lines events seconds \
			MB/s "MB/s net" lines/s events/s ratio
	fi
	for r in "${rows[@]}"; do
		awk -F'|' -v fmt="$fmt" -v startup="$startup" -v reff="$ref_mbs" -v refg="$ref_gen_mbs" '{
			label = $1; f = $2; b = $3; l = $4; e = $5; s = $6; st = $7
			ref = label ~ /[(]generated[)]$/ ? refg : reff
			mbs = "-"; net = "-"; lps = "-"; eps = "-"; ratio = "-"; sec = "-"
			if (st != "") sec = st
			else if (s > 0) {
				sec = sprintf("%.3f", s)
				if (label !~ /^startup/) {
					mbs = sprintf("%.1f", b / 1e6 / s)
					if (s > startup) net = sprintf("%.1f", b / 1e6 / (s - startup))
					lps = sprintf("%.0f", l / s); eps = sprintf("%.0f", e / s)
					if (f != "" && ref > 0) {
						ratio = sprintf("%.2f", b / 1e6 / s / ref)
						if (b / 1e6 / s / ref < 1 / 3) ratio = ratio " (<1/3)"
					}
				}
			}
			if (fmt == "md")
				printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", label, b, l, e, sec, mbs, net, lps, eps, ratio
			else
				printf "%-30s %11s %10s %10s %9s %8s %8s %10s %10s %7s\n", label, b, l, e, sec, mbs, net, lps, eps, ratio
		}' <<< "$r"
	done
}

echo
cat "$tmp/head.txt"
table txt
if [ -n "$md_out" ]; then
	{ sed 's/^/    /' "$tmp/head.txt"; table md; } > "$md_out" || die "cannot write $md_out"
	log "markdown written to $md_out"
fi
if [ "$failures" -gt 0 ]; then
	log "run_mixed.sh: $failures command(s) failed"
	exit 1
fi
exit 0
