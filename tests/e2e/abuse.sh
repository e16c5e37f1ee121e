#!/usr/bin/env bash
# clscan abuse: golden .eml files for a firewall scan (psad's nmap -sS set)
# and web probes (teliten-vps Apache log, with X-ARF), the Japanese template;
# every message parsed by Python's email package in strict mode with the
# evidence lines compared to the files; To: from a contacts file, from the
# registered domain of a logged host name, or left to fill in; the state
# file skipping what was reported; --send through a fake sendmail (never the
# real one), its failure leaving the incident unrecorded; --home sources
# never reported; and --resolve on clscan report (loopback via /etc/hosts).
# Refresh the golden files with: UPDATE_GOLDEN=1 bash tests/e2e/abuse.sh BIN
. "$(dirname "$0")/lib.bash"
command -v python3 >/dev/null || { echo "skip: python3 not installed"; exit 77; }
CHECK="$(cd "$(dirname "$0")" && pwd)/abuse_eml_check.py"
cd "$DATA"

FIXED=(-q --tz UTC --date 2026-12-07T09:00:00Z --from "Jane Doe <jane@example.org>"
	--reporter-name "Jane Doe" --org "Example Org" --server www.example.org)
printf '192.168.10.0/24  abuse@lab.example\n# comment\n203.0.113.0/24 noc@other.example\n' \
	>"$TMP/contacts"

golden() { # NAME FILE
	if [ "${UPDATE_GOLDEN:-}" = 1 ]; then
		cp "$2" "$GOLDEN/$1.eml"
		ok "$1 written"
	elif cmp -s "$GOLDEN/$1.eml" "$2"; then
		ok "$1 equals golden"
	else
		not_ok "$1 differs from golden"
		diff "$GOLDEN/$1.eml" "$2" | head -20
	fi
}

one_file() { # DIR: the only .eml in it
	local f n
	n=$(find "$1" -name '*.eml' | wc -l)
	f=$(find "$1" -name '*.eml' | head -1)
	[ "$n" = 1 ] || { not_ok "$1 holds $n messages, want 1"; return; }
	echo "$f"
}

# 1. a SYN scan, To: from the contacts file, 5 evidence lines of 1000
"$CLSCAN" abuse "${FIXED[@]}" --year 2011 --contacts "$TMP/contacts" --max-evidence 5 \
	--out "$TMP/psad" psad-iptables/syn_scan_1000_1500 >"$TMP/psad.out"
f=$(one_file "$TMP/psad")
golden abuse_psad_syn "$f"
expect_eq "psad check" "$(python3 "$CHECK" "$f" | cut -f2,3,5,6)" \
	"$(printf 'abuse@lab.example\t-\t5\t-')"
grep -q '^\[997 further lines are not shown' "$f" && ok "lines not shown are counted" ||
	not_ok "no count of the lines not shown"
# the same with one thread and with four
for t in 1 4; do
	"$CLSCAN" abuse "${FIXED[@]}" --threads $t --year 2011 --contacts "$TMP/contacts" \
		--max-evidence 5 --out "$TMP/psad-t$t" psad-iptables/syn_scan_1000_1500 >/dev/null
	cmp -s "$f" "$(one_file "$TMP/psad-t$t")" && ok "threads $t: same message" ||
		not_ok "threads $t: message differs"
done

# 2. reported already: skipped and counted
"$CLSCAN" abuse "${FIXED[@]}" --year 2011 --contacts "$TMP/contacts" --out "$TMP/psad" \
	psad-iptables/syn_scan_1000_1500 >"$TMP/again.out"
grep -q '1 incident already reported, skipped' "$TMP/again.out" && ok "state skips" ||
	not_ok "state did not skip: $(cat "$TMP/again.out")"
expect_eq "messages after the second run" "$(find "$TMP/psad" -name '*.eml' | wc -l)" 1
expect_eq "state lines" "$(grep -vc '^#' "$TMP/psad/.clscan-abuse-state")" 1

# 3. web probes with X-ARF, one prober; no contact: To: left to fill in
"$CLSCAN" abuse "${FIXED[@]}" --year 2022 --xarf --include src=2.56.59.43 \
	--out "$TMP/web" weblog/apache_combined_teliten.log >"$TMP/web.out"
f=$(one_file "$TMP/web")
golden abuse_web_xarf "$f"
row=$(python3 "$CHECK" "$f")
expect_eq "web To" "$(echo "$row" | cut -f2)" "abuse-contact-unknown:;"
expect_eq "web X-ARF type" "$(echo "$row" | cut -f6)" "login-attack"
expect_eq "web evidence lines" "$(echo "$row" | cut -f5)" \
	"$(grep -c '^2\.56\.59\.43 ' weblog/apache_combined_teliten.log)"
grep -q 'To: is left as "abuse-contact-unknown:;"' "$TMP/web.out" && ok "summary says To: is open" ||
	not_ok "summary does not mention the open To:"

# 4. Japanese: RFC 2047 Subject, quoted-printable body
"$CLSCAN" abuse "${FIXED[@]}" --year 2011 --lang ja --max-evidence 3 \
	--out "$TMP/ja" psad-iptables/syn_scan_1000_1500 >/dev/null
f=$(one_file "$TMP/ja")
golden abuse_psad_ja "$f"
subj=$(python3 "$CHECK" "$f" | cut -f4)
case "$subj" in *不正アクセスのご報告*) ok "ja subject decodes" ;; *) not_ok "ja subject: $subj" ;; esac

# 5. a logged host name (HostnameLookups on): abuse@ and postmaster@ of its
# registered domain. The log is the teliten prober's lines with its address
# replaced by a name.
grep '^2\.56\.59\.43 ' weblog/apache_combined_teliten.log |
	sed 's/^2\.56\.59\.43 /p5-12.dsl.broadband.example.co.uk /' >"$TMP/named.log"
"$CLSCAN" abuse "${FIXED[@]}" --year 2022 --out "$TMP/named" "$TMP/named.log" >/dev/null
f=$(one_file "$TMP/named")
row=$(cd "$TMP" && python3 "$CHECK" "$f")
expect_eq "named To/Cc" "$(echo "$row" | cut -f2,3)" \
	"$(printf 'abuse@example.co.uk\tpostmaster@example.co.uk')"
expect_eq "named evidence" "$(echo "$row" | cut -f5)" "$(wc -l <"$TMP/named.log")"

# 6. --home: never reported; --min-severity above the finding's: nothing
"$CLSCAN" abuse "${FIXED[@]}" --year 2011 --home 192.168.10.0/24 --out "$TMP/home" \
	psad-iptables/syn_scan_1000_1500 >"$TMP/home.out"
expect_eq "home messages" "$(find "$TMP/home" -name '*.eml' | wc -l)" 0
grep -q 'not reported: 1 from --home' "$TMP/home.out" && ok "home counted" || not_ok "home not counted"

# 7. --send through a fake sendmail that records its arguments and input
cat >"$TMP/sendmail" <<EOF
#!/bin/sh
n=\$(ls "$TMP/sent" | wc -l)
echo "\$*" >"$TMP/sent/args.\$n"
cat >"$TMP/sent/msg.\$n"
exit \${FAKE_SENDMAIL_EXIT:-0}
EOF
chmod +x "$TMP/sendmail"
mkdir -p "$TMP/sent"
FAKE_SENDMAIL_EXIT=75 "$CLSCAN" abuse "${FIXED[@]}" --year 2011 --contacts "$TMP/contacts" \
	--send --sendmail "$TMP/sendmail" --out "$TMP/send" psad-iptables/syn_scan_1000_1500 \
	>"$TMP/send.out" 2>"$TMP/send.err" && st=0 || st=$?
expect_eq "failed send: exit" "$st" 3
expect_eq "failed send: nothing recorded" "$(grep -vc '^#' "$TMP/send/.clscan-abuse-state" || true)" 0
rm -f "$TMP/sent"/*
"$CLSCAN" abuse "${FIXED[@]}" --year 2011 --contacts "$TMP/contacts" --send \
	--sendmail "$TMP/sendmail" --out "$TMP/send" psad-iptables/syn_scan_1000_1500 \
	>"$TMP/send.out" && st=0 || st=$?
expect_eq "send: exit" "$st" 0
expect_eq "send: arguments" "$(cat "$TMP/sent/args.0" 2>/dev/null)" "-t -oi"
grep -q '^To: abuse@lab.example$' "$TMP/sent/msg.0" && ok "send: To: with LF line ends" ||
	not_ok "send: no LF To: line"
[ -s "$TMP/sent/msg.0" ] && ! grep -q $'\r' "$TMP/sent/msg.0" && ok "send: no CR" ||
	not_ok "send: CR in sendmail's input, or none"
grep -q '1 sent' "$TMP/send.out" && ok "send: counted" || not_ok "send: $(cat "$TMP/send.out")"
expect_eq "send: recorded" "$(grep -vc '^#' "$TMP/send/.clscan-abuse-state")" 1
# a sendmail that stops reading: that message fails, the run goes on (no
# SIGPIPE) and saves its state; 1000 evidence lines overfill the pipe
printf '#!/bin/sh\nexit 0\n' >"$TMP/sendmail-deaf"
chmod +x "$TMP/sendmail-deaf"
"$CLSCAN" abuse "${FIXED[@]}" --year 2011 --contacts "$TMP/contacts" --max-evidence 1000 \
	--send --sendmail "$TMP/sendmail-deaf" --out "$TMP/deaf" psad-iptables/syn_scan_1000_1500 \
	>"$TMP/deaf.out" 2>"$TMP/deaf.err" && st=0 || st=$?
expect_eq "deaf sendmail: exit" "$st" 3
grep -q 'did not read the whole message' "$TMP/deaf.err" && ok "deaf sendmail: said so" ||
	not_ok "deaf sendmail: $(cat "$TMP/deaf.err")"
[ -f "$TMP/deaf/.clscan-abuse-state" ] && ok "deaf sendmail: state saved" ||
	not_ok "deaf sendmail: no state file"
# without a contact nothing is sent
rm -f "$TMP/sent"/*
"$CLSCAN" abuse "${FIXED[@]}" --year 2011 --send --sendmail "$TMP/sendmail" \
	--out "$TMP/send2" psad-iptables/syn_scan_1000_1500 >"$TMP/send2.out"
expect_eq "no contact: nothing sent" "$(ls "$TMP/sent" | wc -l)" 0

# 8. usage errors
expect_status "no --out" 2 "$CLSCAN" abuse -q psad-iptables/syn_scan_1000_1500
expect_status "--send without --from" 2 "$CLSCAN" abuse -q --send --out "$TMP/z" \
	psad-iptables/syn_scan_1000_1500
"$CLSCAN" abuse -q --year 2011 --date 2026-12-07 --out "$TMP/nofrom" \
	psad-iptables/syn_scan_1000_1500 >"$TMP/nofrom.out"
f=$(one_file "$TMP/nofrom")
python3 "$CHECK" "$f" >/dev/null && ok "no --from: still valid" || not_ok "no --from: invalid"
grep -q '^From: sender-unknown:;' "$f" && grep -q 'From: is left' "$TMP/nofrom.out" &&
	ok "no --from: From: left to fill in" || not_ok "no --from: From: not marked"
expect_status "bad --lang" 2 "$CLSCAN" abuse -q --lang xx --out "$TMP/x" psad-iptables/syn_scan_1000_1500
expect_status "bad --from" 2 "$CLSCAN" abuse -q --year 2011 --from "no address" --out "$TMP/y" \
	psad-iptables/syn_scan_1000_1500

# 9. clscan report --resolve: loopback's name from /etc/hosts, no network
if grep -q '^127\.0\.0\.1[[:space:]].*localhost' /etc/hosts; then
	"$CLSCAN" report -q --year 2011 --resolve --resolve-timeout 5 -o json \
		psad-iptables/syn_scan_1000_1500_localhost.gz >"$TMP/r.json"
	expect_eq "report --resolve JSON name" "$(python3 -c '
import json,sys; print(json.load(open(sys.argv[1]))["sources"][0].get("name","")[:9])' "$TMP/r.json")" localhost
	"$CLSCAN" report -q --year 2011 --resolve psad-iptables/syn_scan_1000_1500_localhost.gz \
		>"$TMP/r.txt"
	grep -q '^127\.0\.0\.1 (localhost' "$TMP/r.txt" && ok "report --resolve text name" ||
		not_ok "report --resolve text: no name"
	"$CLSCAN" report -q --year 2011 -o json psad-iptables/syn_scan_1000_1500_localhost.gz \
		>"$TMP/r0.json"
	grep -q '"name"' "$TMP/r0.json" && not_ok "a name without --resolve" || ok "no name without --resolve"
else
	echo "skip: /etc/hosts has no 127.0.0.1 localhost line (report --resolve not checked)"
fi
finish
