#!/usr/bin/env bash
# -o html in a real browser: the page of a real log (tests/data/teliten-vps)
# is opened in headless Chromium, a screenshot is kept as an artefact, and
# the DOM after the script ran is checked: the charts are there with their
# data, and the numbers in the tables are those of -o json. Hostile log
# text stays text. Skipped (exit 77) where Chromium is not installed.
. "$(dirname "$0")/lib.bash"

CHROME=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$CHROME" ]; then
	echo "SKIP: chromium is not installed (./setup.sh test installs it)"
	exit 77
fi
command -v jq >/dev/null || { echo "SKIP: jq is not installed"; exit 77; }

ART_DIR=${TEST_TMP:-$TMP}
PROFILE="$TMP/chromium-profile"

# run_chromium ARGS...: headless, a fresh profile, never more than 60 s;
# afterwards no process of this profile may be left running.
run_chromium() {
	mkdir -p "$PROFILE"
	local rc=0
	timeout -k 5 60 "$CHROME" --headless --no-sandbox --disable-gpu --no-first-run \
		--disable-extensions --disable-background-networking --user-data-dir="$PROFILE" \
		"$@" 2>>"$TMP/chromium.err" || rc=$?
	# its helper processes get a few seconds to exit after the browser
	local left i
	for i in $(seq 50); do
		left=$(pgrep -f -- "--user-data-dir=$PROFILE" || true)
		[ -z "$left" ] && break
		sleep 0.1
	done
	if [ -n "$left" ]; then
		not_ok "chromium processes left running 5 s after it returned: $left (killed)"
		kill -9 $left 2>/dev/null || true
	fi
	[ "$rc" = 0 ] || echo "# chromium exited with $rc: $(tail -2 "$TMP/chromium.err")"
	return $rc
}

IN="$DATA/teliten-vps"
OPTS=(-q --year 2022 --tz UTC)
"$CLSCAN" report "${OPTS[@]}" -o json "$IN" >"$TMP/r.json"
"$CLSCAN" report "${OPTS[@]}" -o html --out "$TMP/r.html" "$IN"
expect_eq "html to stdout equals --out" "$("$CLSCAN" report "${OPTS[@]}" -o html "$IN" | cmp - "$TMP/r.html" && echo same)" same

# Self-contained: nothing from the network, nothing from another file.
if grep -Eiq '(src|href)="(https?:)?//|url\(|@import|<link|<iframe' "$TMP/r.html"; then
	not_ok "the page refers to another resource: $(grep -Eio '(src|href)="[^"]*"|url\([^)]*\)' "$TMP/r.html" | head -3)"
else
	ok "no external resource"
fi
size=$(stat -c %s "$TMP/r.html")
[ "$size" -lt 5000000 ] && ok "page size $size bytes" || not_ok "page is $size bytes"

if run_chromium --dump-dom "file://$TMP/r.html" >"$TMP/dom.html"; then
	ok "chromium rendered the page"
else
	not_ok "chromium failed: $(tail -3 "$TMP/chromium.err")"
fi
if run_chromium --hide-scrollbars --window-size=1280,4000 --screenshot="$ART_DIR/html-report.png" \
	"file://$TMP/r.html" >/dev/null && [ -s "$ART_DIR/html-report.png" ]; then
	ok "screenshot kept: $ART_DIR/html-report.png"
else
	not_ok "no screenshot"
fi

if run_chromium --print-to-pdf="$ART_DIR/html-report.pdf" --no-pdf-header-footer "file://$TMP/r.html" \
	>/dev/null && [ "$(head -c 4 "$ART_DIR/html-report.pdf" 2>/dev/null)" = "%PDF" ]; then
	ok "printed: $ART_DIR/html-report.pdf ($(stat -c %s "$ART_DIR/html-report.pdf") bytes)"
else
	not_ok "printing to PDF failed"
fi

DOM="$TMP/dom.html"
grep -q 'data-script="ready"' "$DOM" && ok "the page's script ran to the end" || not_ok "script did not finish"
sorted=$(grep -c 'aria-sort="none"' "$DOM" || true)
[ "$sorted" -gt 10 ] && ok "sortable headers set up ($sorted)" || not_ok "no sortable headers"

# chart_values CHART ELEMENT: "label value" per mark of one chart
chart_values() {
	sed -n "/<svg[^>]*data-chart=\"$1\"/,/<\/svg>/p" "$DOM" |
		grep -o "<$2 [^>]*data-label=\"[^\"]*\" data-v=\"[0-9]*\"" |
		sed 's/.*data-label="\([^"]*\)" data-v="\([0-9]*\)"/\1 \2/'
}
# table_numbers ID: the data-v values of each row, space-separated
table_rows() {
	sed -n "/<table id=\"$1\"/,/<\/table>/p" "$DOM" | grep '^<tr' |
		sed 's/<td class="mono">\([^<]*\)<\/td>/<td data-v="\1">/g' |
		grep -o 'data-v="[^"]*"' | sed 's/data-v="\(.*\)"/\1/' | paste -sd' ' |
		sed 's/ \?$//'
}

for c in days months hours weekdays ports; do
	grep -q "<svg[^>]*data-chart=\"$c\"" "$DOM" && ok "chart $c present" || not_ok "chart $c missing"
done
expect_eq "hour bars = json hours" "$(chart_values hours rect | cut -d' ' -f2 | paste -sd' ')" \
	"$(jq -r '.hours | map(tostring) | join(" ")' "$TMP/r.json")"
expect_eq "weekday bars = json weekdays" "$(chart_values weekdays rect | cut -d' ' -f2 | paste -sd' ')" \
	"$(jq -r '.weekdays | map(tostring) | join(" ")' "$TMP/r.json")"
expect_eq "day marks = json days" "$(chart_values days '\(rect\|circle\)' | paste -sd';')" \
	"$(jq -r '[.days[] | "\(.day) \(.events)"] | join(";")' "$TMP/r.json")"
expect_eq "month bars = json months" "$(chart_values months rect | paste -sd';')" \
	"$(jq -r '[.months[] | "\(.month) \(.events)"] | join(";")' "$TMP/r.json")"
expect_eq "top port bars = json services" "$(chart_values ports rect | sed 's/ [a-z].* / /' | paste -sd';')" \
	"$(jq -r '[.services[:15][] | "\(.proto)/\(.port) \(.events)"] | join(";")' "$TMP/r.json")"

# Tables: the hidden rows count too; the ports table holds the first
# data-rows of them (a cap keeps the page small).
nports=$(grep -o '<table id="services"[^>]*data-rows="[0-9]*"' "$DOM" | grep -o '[0-9]*"$' | tr -d '"')
sed -n '/<table id="services"/,/<\/table>/p' "$DOM" | grep '^<tr' |
	sed 's/^<tr[^>]*><td>\([^<]*\)<\/td>.*<td class="n" data-v="\([0-9]*\)">[^<]*<\/td><td class="n" data-v="\([0-9]*\)">[^<]*<\/td><td class="n" data-v="\([0-9]*\)">.*/\1 \2 \3 \4/' \
	>"$TMP/ports.html.txt"
jq -r --argjson n "$nports" '.services[:$n][] | "\(.proto)/\(.port) \(.events) \(.sources) \(.targets)"' "$TMP/r.json" >"$TMP/ports.json.txt"
if cmp -s "$TMP/ports.html.txt" "$TMP/ports.json.txt"; then
	ok "ports table = json services ($(wc -l <"$TMP/ports.json.txt") rows)"
else
	not_ok "ports table differs: $(diff "$TMP/ports.html.txt" "$TMP/ports.json.txt" | head -3)"
fi
expect_eq "sources table = json sources" \
	"$(sed -n '/<table id="sources"/,/<\/table>/p' "$DOM" | grep '^<tr' |
		sed 's/^<tr[^>]*><td class="mono">\([^<]*\)<\/td><td class="n" data-v="\([0-9]*\)">.*/\1 \2/' | paste -sd';')" \
	"$(jq -r '[.sources[] | "\(.addr) \(.events)"] | join(";")' "$TMP/r.json")"
for k in events sources targets ports alert_groups warning_groups scan_findings; do
	expect_eq "total $k" "$(grep -o "data-total=\"$k\" data-v=\"[0-9]*\"" "$DOM" | grep -o '[0-9]*"$' | tr -d '"')" \
		"$(jq ".totals.$k" "$TMP/r.json")"
done
expect_eq "findings listed" "$(grep -c '<details class="finding' "$DOM")" \
	"$(jq '.findings | length' "$TMP/r.json")"
expect_eq "ALERT rows listed" "$(sed -n '/<table id="alerts"/,/<\/table>/p' "$DOM" | grep -c '^<tr')" \
	"$(jq '.alerts | length' "$TMP/r.json")"

# The script at work: a page skeleton given with --html-assets adds a test
# script after the report's own, which sorts, filters and shows all rows
# as a reader would, and writes its verdict into the DOM.
mkdir -p "$TMP/assets"
sed 's|{{JS}}|{{JS}}\n</script><script>\n'"$(sed 's/[&|\\]/\\&/g' <<'JS' | tr '\n' ' '
(function () {
	var bad = [];
	var t = document.getElementById("services");
	var th = t.tHead.rows[0].cells[3];
	th.click();
	var rows = t.tBodies[0].rows, v = [];
	for (var i = 0; i < rows.length; i++) v.push(+rows[i].cells[3].getAttribute("data-v"));
	for (i = 1; i < v.length; i++) if (v[i - 1] > v[i]) { bad.push("not ascending at " + i); break; }
	if (th.getAttribute("aria-sort") !== "ascending") bad.push("aria-sort " + th.getAttribute("aria-sort"));
	if (rows[0].classList.contains("more") || !rows[rows.length - 1].classList.contains("more")) bad.push("cap after sort");
	th.click();
	if (+rows[0].cells[3].getAttribute("data-v") !== Math.max.apply(null, v)) bad.push("not descending");
	var f = document.querySelector("input[data-filter=services]");
	f.value = "tcp/22";
	f.dispatchEvent(new Event("input"));
	var shown = 0;
	for (i = 0; i < rows.length; i++) if (getComputedStyle(rows[i]).display !== "none") shown++;
	var want = 0;
	for (i = 0; i < rows.length; i++) if (rows[i].textContent.toLowerCase().indexOf("tcp/22") >= 0) want++;
	if (shown !== want || !want) bad.push("filter shows " + shown + " of " + want);
	f.value = "";
	f.dispatchEvent(new Event("input"));
	var b = document.querySelector("button[data-show-all=services]");
	b.click();
	shown = 0;
	for (i = 0; i < rows.length; i++) if (getComputedStyle(rows[i]).display !== "none") shown++;
	if (shown !== rows.length) bad.push("show all shows " + shown + " of " + rows.length);
	b.click();
	shown = 0;
	for (i = 0; i < rows.length; i++) if (getComputedStyle(rows[i]).display !== "none") shown++;
	if (shown !== 100) bad.push("show fewer shows " + shown);
	document.documentElement.setAttribute("data-test", bad.length ? "fail: " + bad.join("; ") : "pass");
})();
JS
)"'|' "$(dirname "$0")/../../data/html/page.html" >"$TMP/assets/page.html"
"$CLSCAN" report "${OPTS[@]}" -o html --html-assets "$TMP/assets" --out "$TMP/t.html" "$IN"
run_chromium --dump-dom "file://$TMP/t.html" >"$TMP/t.dom" || not_ok "chromium failed on the test page"
verdict=$(grep -o 'data-test="[^"]*"' "$TMP/t.dom" || echo "no verdict")
expect_eq "sorting, filtering and show all in the browser" "$verdict" 'data-test="pass"'

# Countries (when the build has the geo tables): the chart and the table
# against the JSON's tables.countries.
if jq -e '.tables.countries | length > 0' "$TMP/r.json" >/dev/null 2>&1; then
	expect_eq "country bars = json countries" "$(chart_values countries rect | paste -sd';')" \
		"$(jq -r '[.tables.countries[:15][] | "\(.country // "unknown") \(.events)"] | join(";")' "$TMP/r.json")"
	expect_eq "countries table = json countries" \
		"$(sed -n '/<table id="countries-table"/,/<\/table>/p' "$DOM" | grep '^<tr' |
			sed 's/^<tr[^>]*><td>\([^<]*\)<\/td><td class="n" data-v="\([0-9]*\)">[^<]*<\/td><td class="n" data-v="\([0-9]*\)">.*/\1 \2 \3/' |
			md5sum)" \
		"$(jq -r '.tables.countries[:1000][] | "\(.country // "unknown") \(.events) \(.sources)"' "$TMP/r.json" | md5sum)"
	if jq -e '.tables.country_source' "$TMP/r.json" >/dev/null; then
		grep -q '<svg[^>]*data-chart="heat"' "$DOM" && ok "country x port heat map present" ||
			not_ok "no heat map"
	fi
else
	echo "# no country tables in this build's JSON: countries not checked"
fi

# The evidence of the first finding is its first line: FILE:LINE as in
# the JSON, and the line itself names the source.
src=$(jq -r '.findings[0].source' "$TMP/r.json")
loc=$(jq -r '.findings[0].evidence | "\(.file):\(.line)"' "$TMP/r.json")
first=$(grep -m1 -A3 '<details class="finding' "$DOM" | tr '\n' ' ')
case "$first" in
*"<code>$loc</code>"*) ok "first finding's evidence at $loc" ;;
*) not_ok "first finding's evidence is not $loc" ;;
esac
case "$first" in
*"<pre class=\"line\">"*"SRC=$src "*) ok "evidence line shows SRC=$src" ;;
*) not_ok "evidence line does not show SRC=$src" ;;
esac

# Web probes (access logs): one expandable entry per probing source, the
# totals as in the JSON.
WEB="$DATA/webprobe"
if [ -d "$WEB" ] && "$CLSCAN" report -q --tz UTC -o json "$WEB" >"$TMP/w.json" 2>/dev/null &&
	jq -e '.web.sources' "$TMP/w.json" >/dev/null 2>&1; then
	"$CLSCAN" report -q --tz UTC -o html --out "$TMP/w.html" "$WEB"
	run_chromium --dump-dom "file://$TMP/w.html" >"$TMP/w.dom" || not_ok "chromium failed on the web page"
	expect_eq "web sources listed" "$(grep -c '<details class="finding web' "$TMP/w.dom")" \
		"$(jq '.web.sources | length' "$TMP/w.json")"
	expect_eq "web ALERT sources" "$(grep -c '<details class="finding web[^>]*><summary><span class="sev sev-alert">ALERT' "$TMP/w.dom")" \
		"$(jq '.web.alert_sources' "$TMP/w.json")"
	expect_eq "web requests total" "$(grep -o 'data-total="web_requests" data-v="[0-9]*"' "$TMP/w.dom" | grep -o '[0-9]*"$' | tr -d '"')" \
		"$(jq '.web.requests' "$TMP/w.json")"
else
	echo "# no web probe findings in this build: web section not checked"
fi

# Hostile text in a log prefix: shown as text, never as markup.
line=$(head -1 "$IN/ufw.log")
{
	printf '%s\n' "${line/\[UFW BLOCK\]/<img src=x onerror=alert(1)>\"\'$(printf '\001\377')}"
	printf '%s\n' "${line/\[UFW BLOCK\]/<\/table><script>alert(2)<\/script>}"
} >"$TMP/evil.log"
"$CLSCAN" report "${OPTS[@]}" -o html --out "$TMP/evil.html" "$TMP/evil.log"
run_chromium --dump-dom "file://$TMP/evil.html" >"$TMP/evil.dom" || not_ok "chromium failed on the hostile page"
expect_eq "no injected element" "$(grep -c '<img\|alert(2)</script>' "$TMP/evil.dom" || true)" 0
grep -q '&lt;img src=x onerror=alert(1)&gt;&quot;&#39;\\x01\\xff\|&lt;img src=x onerror=alert(1)&gt;"'"'"'\\x01\\xff' "$TMP/evil.dom" &&
	ok "hostile prefix shown as text" || not_ok "hostile prefix not shown as text"
grep -q 'data-script="ready"' "$TMP/evil.dom" && ok "script still ran" || not_ok "script broken by hostile input"

finish
