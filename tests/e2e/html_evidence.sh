#!/usr/bin/env bash
# -o html: each of the first 100 scan findings opens to the lines behind it,
# its source's lines in the finding's period read again from the files
# (the first 50, in time order, FILE:LINE: and the line, escaped), with the
# count of the rest and the clscan explain command; the page gives all of
# these blocks 512 KiB and says so when that runs out. Real data: the psad
# SYN scan, the lab's distributed scan capture, the VPS ufw logs.
source "$(dirname "$0")/lib.bash"
command -v jq >/dev/null || { echo "skip: jq not installed"; exit 77; }

# block N FILE: the log lines of the page's Nth findings' block, unescaped,
# then "NOTE " and the line after them (the notes).
block() {
	awk -v n="$1" '
		/<details class="evidence lines">/ { k++ }
		k == n && inpre { if ($0 ~ /^<\/pre>/) { print "NOTE " $0; exit } print; next }
		k == n && /^<pre class="line">/ { inpre = 1; sub(/^<pre class="line">/, ""); print }
	' "$2" | sed "s/&quot;/\"/g; s/&#39;/'/g; s/&lt;/</g; s/&gt;/>/g; s/&amp;/\\&/g"
}
lines_of() { grep -v '^NOTE ' || true; }
summary_of() { grep -o '<details class="evidence lines"><summary>[^<]*</summary>' "$1" | sed -n "${2}p"; }

# A SYN scan of 1,002 lines, one source, in time order in its file: the
# block is its first 50 lines as clscan explain prints them, and names the
# 952 others.
S=psad-iptables/syn_scan_1000_1500
(cd "$DATA" && "$CLSCAN" report -q -o html --year 2011 --tz UTC "$S") >"$TMP/syn.html"
expect_eq "syn scan: one findings block" "$(grep -c '<details class="evidence lines">' "$TMP/syn.html")" 1
total=$(grep -c 'SRC=192.168.10.55 ' "$DATA/$S")
expect_eq "syn scan: lines in the period counted" "$(summary_of "$TMP/syn.html" 1)" \
	"<details class=\"evidence lines\"><summary>Its 1,002 log lines in the finding&#39;s period, in time order</summary>"
expect_eq "syn scan: the source's lines" "$total" 1002
block 1 "$TMP/syn.html" | lines_of >"$TMP/syn.got"
(cd "$DATA" && awk 'FNR <= 50 {print FILENAME ":" FNR ": " $0}' "$S") >"$TMP/syn.want"
cmp -s "$TMP/syn.got" "$TMP/syn.want" && ok "syn scan: the first 50 lines, FILE:LINE: and text" ||
	{ not_ok "syn scan: block lines differ"; diff "$TMP/syn.want" "$TMP/syn.got" | head -4; }
(cd "$DATA" && "$CLSCAN" explain -q --year 2011 --tz UTC 192.168.10.55 "$S") >"$TMP/syn.x"
grep "^$S:[0-9]*: " "$TMP/syn.x" | awk 'NR <= 50' >"$TMP/syn.explain"
cmp -s "$TMP/syn.got" "$TMP/syn.explain" && ok "syn scan: the same lines as clscan explain" ||
	not_ok "syn scan: block differs from clscan explain"
expect_eq "syn scan: more lines note" "$(block 1 "$TMP/syn.html" | grep '^NOTE ')" \
	"NOTE </pre><p class=\"note\">952 more lines: run <code>clscan explain 192.168.10.55 FILES</code></p></details>"
grep -q 'class="note budget"' "$TMP/syn.html" && not_ok "syn scan: budget note without need" ||
	ok "syn scan: no budget note"

# The same lines written newest first: the block is still in time order
# (then file order within a second), not in the file's, and the same for
# any thread split.
mkdir -p "$TMP/rev"
tac "$DATA/$S" >"$TMP/rev/syn.log"
(cd "$TMP/rev" && "$CLSCAN" report -q -o html --year 2011 --tz UTC --threads 1 syn.log) >"$TMP/rev1.html"
(cd "$TMP/rev" && "$CLSCAN" report -q -o html --year 2011 --tz UTC --threads 2 --chunk-size 3000 \
	syn.log) >"$TMP/rev2.html"
block 1 "$TMP/rev1.html" | lines_of >"$TMP/rev.got"
(cd "$TMP/rev" && awk '{printf "%s %06d %s:%d: %s\n", $3, FNR, FILENAME, FNR, $0}' syn.log) |
	sort -k1,1 -k2,2n | awk 'NR <= 50' | cut -d' ' -f3- >"$TMP/rev.want"
cmp -s "$TMP/rev.got" "$TMP/rev.want" && ok "reversed file: block in time order" ||
	{ not_ok "reversed file: block out of order"; diff "$TMP/rev.want" "$TMP/rev.got" | head -4; }
cmp -s "$TMP/rev1.html" "$TMP/rev2.html" && ok "reversed file: same page for --threads 2 --chunk-size 3000" ||
	not_ok "reversed file: page differs with the thread split"

# A distributed scan (six namespaces, one capture): the lines of its first
# member in the group's period, as JSON Lines records of the packets.
P=pcap/lab-distributed.pcap
(cd "$DATA" && "$CLSCAN" report -q -o html --tz UTC "$P") >"$TMP/dist.html"
(cd "$DATA" && "$CLSCAN" report -q -o json --tz UTC "$P") >"$TMP/dist.json"
(cd "$DATA" && "$CLSCAN" report -q -o jsonl --tz UTC "$P") >"$TMP/dist.jsonl"
first=$(jq -r '.findings[0] | select(.type == "distributed") | .group.members[0]' "$TMP/dist.json")
expect_eq "distributed: first member" "$first" 10.78.8.11
want=$(jq -r --slurpfile r "$TMP/dist.json" --arg s "$first" \
	'select(.src == $s and .time >= $r[0].findings[0].first and .time <= $r[0].findings[0].last) |
	"\(.line)"' "$TMP/dist.jsonl" | sed "s|^|$P:|")
got=$(block 1 "$TMP/dist.html" | lines_of | sed 's/: {.*//')
expect_eq "distributed: the first member's packets in the period" "$got" "$want"
expect_eq "distributed: every line is the member's" \
	"$(block 1 "$TMP/dist.html" | lines_of | grep -vc "\"src\":\"$first\"")" 0
expect_eq "distributed: summary" "$(summary_of "$TMP/dist.html" 1)" \
	"<details class=\"evidence lines\"><summary>Its first member&#39;s ($first) $(echo "$want" | wc -l) log lines in the finding&#39;s period, in time order</summary>"
grep -q "Each member&#39;s lines: <code>clscan explain MEMBER FILES</code>" "$TMP/dist.html" &&
	ok "distributed: the other members named" || not_ok "distributed: no note on the members"

# Three weeks of a VPS (328 findings): blocks for the first 100 only, and
# the 512 KiB for them runs out; the findings past it say so and name the
# command, and a note under the list counts them.
(cd "$DATA" && "$CLSCAN" report -q -o html --year 2022 --tz UTC teliten-vps) >"$TMP/vps.html"
(cd "$DATA" && "$CLSCAN" report -q -o json --year 2022 --tz UTC teliten-vps) >"$TMP/vps.json"
n=$(jq '.findings | length' "$TMP/vps.json")
[ "$n" -gt 100 ] && ok "vps: $n findings" || not_ok "vps: only $n findings"
blocks=$(grep -c '<details class="evidence lines">' "$TMP/vps.html")
whole=$(grep -o '<p class="note">Its [^<]*(no room left in this page)' "$TMP/vps.html" | wc -l)
part=$(grep -o '<p class="note">[0-9,]* more lines (no room left in this page)' "$TMP/vps.html" | wc -l)
noroom=$((whole + part))
expect_eq "vps: a block or a note for each of the first 100" "$((blocks + whole))" 100
[ "$noroom" -gt 0 ] && ok "vps: $noroom findings past the budget" || not_ok "vps: the budget never ran out"
expect_eq "vps: budget note" "$(grep -o '<p class="note budget">.*</p>' "$TMP/vps.html")" \
	"<p class=\"note budget\"><strong>Not all log lines shown:</strong> the 512 KiB this page gives the findings&#39; log lines ran out ($noroom findings); each names the <code>clscan explain</code> command that prints them.</p>"
bytes=$(awk '/<details class="evidence lines">/ { k = 1; next }
	k && /^<\/pre>/ { k = 0 } k { sub(/^<pre class="line">/, ""); s += length($0) + 1 } END { print s }' "$TMP/vps.html")
[ "$bytes" -le $((512 * 1024 + 8192)) ] && ok "vps: $bytes bytes of findings' lines (512 KiB)" ||
	not_ok "vps: $bytes bytes of findings' lines, over 512 KiB"
# each block's lines are its source's
src=$(jq -r '.findings[0].source' "$TMP/vps.json")
expect_eq "vps: first block is $src's" "$(block 1 "$TMP/vps.html" | lines_of | grep -vc "SRC=$src ")" 0

# Fewer findings listed (--list-limit), fewer blocks; standard input is not
# read twice, so its findings keep their one evidence line.
(cd "$DATA" && "$CLSCAN" report -q -o html --year 2011 --tz UTC --list-limit 2 psad-iptables) >"$TMP/ll.html"
expect_eq "--list-limit 2: blocks" "$(grep -c '<details class="evidence lines">' "$TMP/ll.html")" 2
"$CLSCAN" report -q -o html --year 2011 --tz UTC - <"$DATA/$S" >"$TMP/stdin.html"
expect_eq "stdin: no block" "$(grep -c '<details class="evidence lines">' "$TMP/stdin.html" || true)" 0
expect_eq "stdin: the finding's evidence line" "$(grep -c '<div class="evidence">Evidence: <code>-:1</code>' "$TMP/stdin.html")" 1
finish
