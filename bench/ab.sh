#!/bin/bash
# bench/ab.sh - compare commands on a shared machine: ROUNDS rounds, each running every command
# once, in an order that rotates with the round (a run gets the pages the run before it gave
# back, so a fixed order favours whoever comes second); per command the least, first quartile
# and median of CPU seconds (user + system), user, system and wall seconds.
#
#   bench/ab.sh ROUNDS NAME=COMMAND [NAME=COMMAND]...
#
# e.g. bench/ab.sh 15 "off=build/clscan report -q -o json --threads 1 --no-detect big.log" \
#                     "on=build/clscan report -q -o json --threads 1 big.log"
#
# Commands run under bash -c with stdout discarded; geo data is off (CLSCAN_GEOIP_DIR=none)
# unless the environment says otherwise. GNU time (/usr/bin/time) times them: 10 ms steps.
set -euo pipefail

if [ $# -lt 2 ] || ! [[ $1 =~ ^[1-9][0-9]*$ ]]; then
	echo "usage: $0 ROUNDS NAME=COMMAND [NAME=COMMAND]..." >&2
	exit 2
fi
[ -x /usr/bin/time ] || { echo "ab.sh: needs /usr/bin/time (apt-get install time)" >&2; exit 1; }
rounds=$1
shift
cmds=("$@")
n=${#cmds[@]}
for c in "${cmds[@]}"; do
	[[ $c == *=* ]] || { echo "ab.sh: '$c' is not NAME=COMMAND" >&2; exit 2; }
done
export CLSCAN_GEOIP_DIR=${CLSCAN_GEOIP_DIR:-none}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for r in $(seq "$rounds"); do
	for k in $(seq 0 $((n - 1))); do
		i=$(((k + r) % n))
		/usr/bin/time -f "%U %S %e" -o "$tmp/t" bash -c "${cmds[$i]#*=} >/dev/null" ||
			{ echo "ab.sh: ${cmds[$i]%%=*} failed in round $r" >&2; exit 1; }
		cat "$tmp/t" >>"$tmp/r$i"
	done
done

echo "# ab.sh $(date -u '+%Y-%m-%d %H:%M UTC'), $rounds rounds, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "| command | CPU s: least / q1 / median | user s: q1 / median | system s: q1 / median | wall s: least / q1 / median |"
echo "|---|---:|---:|---:|---:|"
# quantiles FILE COLUMN FRACTIONS: the values at those fractions of the sorted column (0: user +
# system), as "a / b / c" (plain awk and sort: Debian's awk is mawk)
quantiles() {
	awk -v c="$2" '{ print c == 0 ? $1 + $2 : $c }' "$1" | sort -n |
		awk -v fs="$3" '{ a[NR] = $1 }
		END {
			k = split(fs, f, " ")
			for (i = 1; i <= k; i++)
				printf "%s%.2f", (i > 1 ? " / " : ""), a[int((NR - 1) * f[i]) + 1]
		}'
}
for i in $(seq 0 $((n - 1))); do
	f="$tmp/r$i"
	echo "| ${cmds[$i]%%=*} | $(quantiles "$f" 0 "0 0.25 0.5") | $(quantiles "$f" 1 "0.25 0.5") |" \
		"$(quantiles "$f" 2 "0.25 0.5") | $(quantiles "$f" 3 "0 0.25 0.5") |"
done
