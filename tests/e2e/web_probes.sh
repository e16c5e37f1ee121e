#!/bin/bash
# Web probes over real access logs (tests/data/webprobe/, see ORIGINS.md):
# the teliten VPS logs (two rotations and an excerpt of the others) must
# show their probers with the right signatures, answered 2xx as ALERT; the
# Elastic example log is the benign baseline. Expected sets are computed
# from the fixture lines with grep/awk, not written down.
source "$(dirname "$0")/lib.bash"
command -v jq >/dev/null || { echo "skipped: jq not installed"; exit 77; }
D=$DATA/webprobe
T1=$D/access.log.1
T2=$D/access.log.2.gz
TX=$D/teliten_probes_excerpt.log
all_lines() { zcat -f "$T1" "$T2" "$TX"; }

"$CLSCAN" report -q --format weblog -o json "$T1" "$T2" "$TX" >"$TMP/t.json"
jq -e '.web.requests > 0' "$TMP/t.json" >/dev/null && ok "web member present" ||
	not_ok "no web member"
expect_eq "web requests" "$(jq '.web.requests' "$TMP/t.json")" "$(all_lines | wc -l)"

# sources_with SIGNATURE: the sources the report says hit it, sorted
sources_with() {
	jq -r --arg s "$1" '.web.sources[] | select(any(.hits[]; .signature == $s)) | .source' \
		"$TMP/t.json" | sort -u
}
# sources_asking REGEX: the sources whose request line matches, sorted
sources_asking() {
	all_lines | awk -F'"' -v re="$1" 'tolower($2) ~ re { split($1, a, " "); print a[1] }' |
		sort -u
}
check_sig() {
	local sig=$1 re=$2 want got
	want=$(sources_asking "$re")
	got=$(sources_with "$sig")
	if [ -n "$want" ] && [ "$got" = "$want" ]; then
		ok "$sig: $(echo "$want" | wc -l) sources, as the lines say"
	else
		not_ok "$sig: got [$(echo $got)], want [$(echo $want)]"
	fi
}
check_sig dotenv '^[a-z]+ /[.]env'
check_sig boaform '/boaform/'
check_sig hnap1 '/hnap1'
check_sig phpunit 'phpunit/src/util/php/eval-stdin[.]php'
check_sig thinkphp 'invokefunction'
check_sig gpon '/gponform/diag_form'
check_sig kerbynet '/cgi-bin/kerbynet'
check_sig phpmyadmin 'phpmyadmin'
check_sig ignition '/_ignition/execute-solution'

# Log4Shell: in the URI ("$%7Bjndi:" encoded) and in headers ("{jndi:dns")
want=$(all_lines | grep -i 'jndi' | awk '{print $1}' | sort -u)
expect_eq "log4shell sources" "$(sources_with log4shell | tr '\n' ' ')" "$(echo $want) "

# ALERT: exactly the sources with a probe of severity >= 3 in the request
# answered 2xx; .git/config served with 200 is one of them
git200=$(all_lines | awk '$7 == "/.git/config" && $9 == 200 {print $1}' | sort -u)
alerts=$(jq -r '.web.sources[] | select(.alert) | .source' "$TMP/t.json" | sort -u)
missing=$(comm -23 <(echo "$git200") <(echo "$alerts"))
[ -n "$git200" ] && [ -z "$missing" ] && ok "every .git/config 200 is an ALERT" ||
	not_ok ".git/config 200 sources not ALERT: $missing"
nonalert_2xx=$(jq -r '.web.sources[] | select(.alert | not) |
	select(any(.hits[]; .answered["2xx"] > 0 and .severity >= 3 and
	(.field == "path" or .field == "query" or .field == "request"))) | .source' "$TMP/t.json")
expect_eq "2xx probes not flagged" "$nonalert_2xx" ""
expect_eq "ALERT sources sorted first" \
	"$(jq '[.web.sources[].alert] | . == (sort | reverse)' "$TMP/t.json")" true
expect_eq "alert_sources" "$(jq '.web.alert_sources' "$TMP/t.json")" "$(echo "$alerts" | wc -l)"
# level ALERT exactly for the sources with a probe answered 2xx (refused
# probes of ALERT-grade signatures are there too, and read WARNING)
expect_eq "level ALERT iff alert" \
	"$(jq '[.web.sources[] | select((.level == "ALERT") != .alert)] | length' "$TMP/t.json")" 0
expect_eq "refused ALERT-grade probes present" \
	"$(jq '[.web.sources[] | select(.alert | not) | select(.max_severity >= 4)] | length > 0' \
	"$TMP/t.json")" true

# evidence points at the line that holds the example
ev=$(jq -r '.web.sources[] | .hits[] | select(.signature == "boaform") |
	"\(.evidence.file)\t\(.evidence.line)\t\(.example)"' "$TMP/t.json" | head -1)
IFS=$'\t' read -r f l ex <<<"$ev"
line=$(zcat -f "$f" | sed -n "${l}p")
case $line in *"\"$ex\""*) ok "evidence $f:$l holds the example" ;;
*) not_ok "evidence $f:$l is '$line', example '$ex'" ;; esac

# text report: the ALERT list and the WEB PROBES section
"$CLSCAN" report -q --format weblog "$T1" "$T2" "$TX" >"$TMP/t.txt"
grep -q '^ALERT web probes answered 2xx' "$TMP/t.txt" && ok "text ALERT list" ||
	not_ok "text ALERT list missing"
grep -q '^WEB PROBES' "$TMP/t.txt" && ok "text WEB PROBES section" || not_ok "no WEB PROBES"
expect_status "--fail-on alert with served probes" 1 \
	"$CLSCAN" report -q --format weblog --fail-on alert "$T1" "$T2" "$TX"

# the same findings whatever the split between threads
"$CLSCAN" report -q --format weblog -o json --threads 3 --chunk-size 4096 "$T1" "$T2" "$TX" \
	>"$TMP/t3.json"
expect_eq "threads 3 = threads 1" "$(jq -S .web "$TMP/t3.json" | md5sum)" \
	"$(jq -S .web "$TMP/t.json" | md5sum)"

# a session across rotated files: explain shows every request and the probes
ip=213.226.123.30
"$CLSCAN" explain -q --format weblog "$ip" "$T1" "$T2" >"$TMP/x.txt"
want=$(zcat -f "$T1" "$T2" | grep -c "^$ip ")
expect_eq "session lines of $ip" "$(grep -c ": $ip - - " "$TMP/x.txt")" "$want"
grep -q '^WEB PROBES' "$TMP/x.txt" && grep -q ' phpunit ' "$TMP/x.txt" &&
	ok "explain shows the web findings" || not_ok "explain lacks web findings"
grep -q "access.log.2.gz:" "$TMP/x.txt" && grep -q "access.log.1:" "$TMP/x.txt" &&
	ok "session spans both rotations" || not_ok "session misses a rotation"

# the benign baseline: wp-login probes answered 404, nothing of weight
"$CLSCAN" report -q --format weblog -o json "$D/elastic_baseline.log" >"$TMP/b.json"
expect_eq "baseline ALERT sources" "$(jq '.web.alert_sources' "$TMP/b.json")" 0
expect_eq "baseline sources of severity >= 3" \
	"$(jq '[.web.sources[] | select(.max_severity >= 3)] | length' "$TMP/b.json")" 0
expect_eq "baseline wp-login requests" \
	"$(jq '[.web.by_signature[] | select(.signature == "wp-login") | .requests] | add' \
	"$TMP/b.json")" "$(grep -c '"[A-Z]* /wp-login.php' "$D/elastic_baseline.log")"
expect_status "--fail-on alert on the baseline" 0 \
	"$CLSCAN" report -q --format weblog --fail-on alert "$D/elastic_baseline.log"

# user signatures: added, a built-in replaced, bad lines named and skipped
printf 'my-probe\trecon\tALERT\tpath\t/favicon.png\tlocal\nbroken line\n' >"$TMP/sigs.tsv"
printf 'dotenv\trecon\tINFO\tpath\t/.env\tdemoted\n' >>"$TMP/sigs.tsv"
"$CLSCAN" report -q --format weblog -o json --web-signatures "$TMP/sigs.tsv" "$T1" "$T2" "$TX" \
	>"$TMP/u.json" 2>"$TMP/u.err"
grep -q "sigs.tsv:2: " "$TMP/u.err" && ok "bad signature line named" ||
	not_ok "no file:line for the bad line: $(cat "$TMP/u.err")"
want=$(all_lines | awk '$7 == "/favicon.png" {print $1}' | sort -u | wc -l)
expect_eq "custom signature sources" \
	"$(jq '[.web.sources[] | select(any(.hits[]; .signature == "my-probe"))] | length' \
	"$TMP/u.json")" "$want"
expect_eq "built-in replaced" \
	"$(jq -r '[.web.by_signature[] | select(.signature == "dotenv") | .reference][0]' \
	"$TMP/u.json")" demoted
"$CLSCAN" report -q --format weblog -o json --web-signatures-only "$TMP/sigs.tsv" "$T1" \
	>"$TMP/o.json" 2>/dev/null
expect_eq "--web-signatures-only set size" "$(jq '.web.signatures' "$TMP/o.json")" 2
expect_status "missing signature file" 2 \
	"$CLSCAN" report -q --format weblog --web-signatures "$TMP/none.tsv" "$T1"
# -o html: each prober's whole session, read again from the files: every
# line of that source, benign ones included, in order (up to 100 each)
"$CLSCAN" report -q --format weblog -o html --out "$TMP/s.html" "$T1" "$T2" "$TX"
n_sess=0
for src in $(jq -r '[.web.sources[:100][] | select(.source != null and .requests <= 100)] |
	sort_by(-.requests) | .[:5][] | .source' "$TMP/t.json"); do
	want=$(all_lines | awk -v s="$src" '$1 == s' | wc -l)
	got=$(grep -c "^[^<]*:[0-9]*: $src " <(sed 's/<pre class="line">/\n/g' "$TMP/s.html"))
	expect_eq "session of $src: its lines" "$got" "$want"
	n_sess=$((n_sess + 1))
done
[ "$n_sess" -gt 0 ] && ok "sessions checked: $n_sess" || not_ok "no session to check"
first=$(jq -r '[.web.sources[] | select(.source != null and .requests >= 3)][0].source' "$TMP/t.json")
order=$(sed 's/<pre class="line">/\n/g' "$TMP/s.html" | grep "^[^<]*:[0-9]*: $first " |
	sed 's/^[^[]*\[\([^]]*\)\].*/\1/' | head -100)
[ "$order" = "$(all_lines | awk -v s="$first" '$1 == s' | sed 's/^[^[]*\[\([^]]*\)\].*/\1/' |
	sort -t/ -k3.1,3.4n -k2,2M -k1,1n -k3.6,3.13 -s | head -100)" ] && ok "session of $first in time order" ||
	not_ok "session of $first out of order"
"$CLSCAN" report -q --format weblog -o json --no-web "$T1" >"$TMP/n.json"
expect_eq "--no-web" "$(jq 'has("web")' "$TMP/n.json")" false
finish
