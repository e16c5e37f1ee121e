#!/usr/bin/env bash
# Web access logs end to end: every fixture of tests/data/weblog/ is read
# as its format and its requests counted, against counts made here with
# grep (a full access-log line: host, ident, user, [stamp], "request",
# status, bytes); a directory run and a gzip'd rotation give the same
# totals; --log-format as a string and from Apache and nginx configs;
# a bad format string exits 2 with a caret under the offending character.
. "$(dirname "$0")/lib.bash"
command -v jq >/dev/null || { echo "skip: jq not installed"; exit 77; }

W="$DATA/weblog"
# A complete common/combined line, optionally with a vhost in front.
FULL='^([^ ]+ )?[^ ]+ [^ ]+ [^ ]+ \[[0-9]{2}/[A-Z][a-z]{2}/[0-9]{4}:[0-9:]{8} [-+][0-9]{4}\] "([^"\\]|\\.)*" [0-9]{3} ([0-9]+|-)( |$)'

want_events() {
	case $1 in
	iis_*) grep -vc '^#' "$2" ;;
	*json*) grep -c '^{' "$2" ;;
	*) grep -Ec "$FULL" "$2" ;;
	esac
}
want_format() {
	case $1 in
	iis_*) echo iis ;;
	*json*) echo weblog-json ;;
	*) echo weblog ;;
	esac
}

total=0
for f in "$W"/*.log; do
	name=$(basename "$f")
	"$CLSCAN" report -q -o json --threads 1 "$f" >"$TMP/one.json"
	expect_eq "$name format" "$(jq -r '.files[0].format' "$TMP/one.json")" "$(want_format "$name")"
	n=$(want_events "$name" "$f")
	expect_eq "$name requests" "$(jq '.totals.events' "$TMP/one.json")" "$n"
	# every line is accounted for: requests, headers, malformed
	expect_eq "$name lines" "$(jq '.files[0] | .events + .other + .malformed + .unknown' "$TMP/one.json")" \
		"$(wc -l <"$f" | tr -d ' ')"
	total=$((total + n))
done

# The whole directory at once, the file in no known format included.
"$CLSCAN" report -q -o json "$W" >"$TMP/all.json"
expect_eq "directory run requests" "$(jq '.totals.events' "$TMP/all.json")" "$total"
expect_eq "custom-format file unread without --log-format" \
	"$(jq -r '.files[] | select(.path | endswith("ossec_custom_format.txt")) | .format' "$TMP/all.json")" null

# Distinct clients of the teliten log, counted with awk.
"$CLSCAN" report -q -o json --top 0 "$W/apache_combined_teliten.log" >"$TMP/t.json"
expect_eq "teliten distinct sources" "$(jq '.totals.sources' "$TMP/t.json")" \
	"$(awk '{print $1}' "$W/apache_combined_teliten.log" | sort -u | wc -l | tr -d ' ')"

# A gzip'd rotation reads the same.
mkdir "$TMP/rot"
cp "$W/apache_combined_elastic.log" "$TMP/rot/access.log"
gzip -c "$W/apache_combined_teliten.log" >"$TMP/rot/access.log.1.gz"
"$CLSCAN" report -q -o json "$TMP/rot" >"$TMP/rot.json"
expect_eq "rotation requests" "$(jq '.totals.events' "$TMP/rot.json")" \
	"$(( $(grep -Ec "$FULL" "$W/apache_combined_elastic.log") + $(grep -Ec "$FULL" "$W/apache_combined_teliten.log") ))"

# --log-format: the OSSEC sample with the stamp first and masked hosts.
custom="$W/ossec_custom_format.txt"
"$CLSCAN" report -q -o json --log-format '%t %l %u %h "%r" "%{Referer}i" %>s %b %T' "$custom" >"$TMP/c.json"
expect_eq "--log-format requests" "$(jq '.totals.events' "$TMP/c.json")" "$(wc -l <"$custom" | tr -d ' ')"
expect_eq "--log-format: host names are no sources" "$(jq '.totals.sources' "$TMP/c.json")" 0

# ... and from an Apache config (LogFormat + CustomLog) and an nginx one.
cat >"$TMP/apache2.conf" <<'EOF'
LogFormat "%h %l %u %t \"%r\" %>s %O \"%{Referer}i\" \"%{User-Agent}i\"" combined
LogFormat "%t %l %u %h \"%r\" \"%{Referer}i\" %>s %b %T" ossec
<VirtualHost *:80>
	CustomLog ${APACHE_LOG_DIR}/access.log ossec
</VirtualHost>
EOF
"$CLSCAN" report -q -o json --log-format-file "$TMP/apache2.conf" "$custom" >"$TMP/c2.json"
expect_eq "--log-format-file (Apache) requests" "$(jq '.totals.events' "$TMP/c2.json")" \
	"$(wc -l <"$custom" | tr -d ' ')"
cat >"$TMP/nginx.conf" <<'EOF'
http {
    log_format  main  '$remote_addr - $remote_user [$time_local] "$request" '
                      '$status $body_bytes_sent "$http_referer" '
                      '"$http_user_agent" "$http_x_forwarded_for"';
    access_log  /var/log/nginx/access.log  main;
}
EOF
bots="$W/nginx_xff_fail2ban_botsearch.log"
"$CLSCAN" report -q -o json --log-format-file "$TMP/nginx.conf" "$bots" >"$TMP/n.json"
expect_eq "--log-format-file (nginx) requests" "$(jq '.totals.events' "$TMP/n.json")" \
	"$(wc -l <"$bots" | tr -d ' ')"
# the nginx format wants the X-Forwarded-For field: common lines are malformed
"$CLSCAN" report -q -o json --log-format-file "$TMP/nginx.conf" \
	"$W/apache_common_crowdsec_probing.log" >"$TMP/n2.json"
expect_eq "lines not in the given format are malformed" "$(jq '.files[0].malformed' "$TMP/n2.json")" \
	"$(wc -l <"$W/apache_common_crowdsec_probing.log" | tr -d ' ')"

# Bad formats: exit 2, the message points at the character.
expect_status "bad directive" 2 "$CLSCAN" report -q --log-format '%h %l %u %t "%r" %>s %Z' "$bots"
if grep -q 'unknown Apache directive at character 23' "$TMP/err" && grep -qx '  *\^' "$TMP/err"; then
	ok "bad directive message points at it"
else
	not_ok "bad directive message"
	sed 's/^/    /' "$TMP/err"
fi
expect_status "unknown format name" 2 "$CLSCAN" report -q --log-format combind "$bots"
expect_status "missing config" 2 "$CLSCAN" report -q --log-format-file "$TMP/nonexistent.conf" "$bots"
# explain: a client's requests, read with --log-format (the nginx config's)
"$CLSCAN" explain -q 12.34.56.78 --log-format-file "$TMP/nginx.conf" "$bots" >"$TMP/x.txt"
expect_eq "explain lines of 12.34.56.78" "$(grep -c "^$bots:[0-9]*: 12\.34\.56\.78 " "$TMP/x.txt")" \
	"$(grep -c '^12\.34\.56\.78 ' "$bots")"
expect_status "explain: bad format" 2 "$CLSCAN" explain -q 12.34.56.78 --log-format '%h %Z' "$bots"
finish
