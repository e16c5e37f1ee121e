#!/usr/bin/env python3
"""Build the constructed web-log fixtures of tests/data/weblog/ from the real
Apache combined lines of apache_combined_teliten.log (teliten-vps, see
tests/data/ORIGINS.md): the same requests, clients and times, written in the
layouts that have no sample in the corpus. Run from anywhere:

    python3 tools/make_weblog_fixtures.py

vhost_combined_constructed.log  Apache LogFormat vhost_combined
    "%v:%p %h %l %u %t \"%r\" %>s %O \"%{Referer}i\" \"%{User-Agent}i\""
    with %v:%p = www.example.org:80 (the line after it is the real line).
nginx_json_constructed.log  nginx 1.11.8+
    log_format json escape=json '{"time_local":"$time_local",'
      '"remote_addr":"$remote_addr","remote_user":"$remote_user",'
      '"request":"$request","status":"$status",'
      '"body_bytes_sent":"$body_bytes_sent","http_referer":"$http_referer",'
      '"http_user_agent":"$http_user_agent"}';
    (escape=json writes an absent value as "", not "-").
nginx_json_iso_constructed.log  the same with $time_iso8601 and $host:
    '{"@timestamp":"$time_iso8601","host":"$host","remote_addr":"$remote_addr",'
    '"request_method":"$request_method","request_uri":"$request_uri",'
    '"status":$status,"body_bytes_sent":$body_bytes_sent,'
    '"http_user_agent":"$http_user_agent"}'
iis_w3c_constructed.log  IIS 10 W3C extended, Microsoft's default field set
    (docs.microsoft.com, "Configure Logging in IIS"): date time s-ip cs-method
    cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent)
    cs(Referer) sc-status sc-substatus sc-win32-status time-taken; blanks in
    values written as '+', '-' for empty, times in UTC. s-ip is 192.0.2.10
    (a documentation address); sc-substatus, sc-win32-status and time-taken
    are not in the source and are written as 0, 0 (2 for a 404) and 15.
Lines whose request is no "METHOD TARGET HTTP/x" (a TLS hello, "-") are left
out of the JSON-ISO and IIS files, which cannot hold them.
"""
import datetime
import json
import os
import re

SRC = "apache_combined_teliten.log"
LINE = re.compile(r'^(\S+) (\S+) (\S+) \[([^\]]+)\] "((?:[^"\\]|\\.)*)" (\d{3}) (\S+) '
                  r'"((?:[^"\\]|\\.)*)" "((?:[^"\\]|\\.)*)"$')


def parse(line):
    m = LINE.match(line)
    if not m:
        return None
    host, _, user, stamp, req, status, size, ref, ua = m.groups()
    t = datetime.datetime.strptime(stamp, "%d/%b/%Y:%H:%M:%S %z")
    return dict(host=host, user=user, stamp=stamp, t=t, req=unescape(req), status=status,
                size=size, ref=unescape(ref), ua=unescape(ua))


def unescape(v):
    """Apache's \\ and \" back to the bytes the client sent."""
    return re.sub(r'\\([\\"])', r'\1', v)


def dash(v):
    return "" if v == "-" else v


def split_req(req):
    parts = req.split(" ")
    if len(parts) == 3 and parts[2].startswith("HTTP/") and re.match(r"^[A-Za-z]+$", parts[0]):
        return parts
    return None


def main():
    os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "data",
                          "weblog"))
    with open(SRC, encoding="latin-1") as f:
        lines = [l.rstrip("\n") for l in f]
    recs = [(l, parse(l)) for l in lines]
    recs = [(l, r) for l, r in recs if r]

    with open("vhost_combined_constructed.log", "w", encoding="latin-1") as out:
        for l, _ in recs[:40]:  # the real line, escapes and all
            out.write("www.example.org:80 " + l + "\n")

    with open("nginx_json_constructed.log", "w", encoding="latin-1") as out:
        for _, r in recs[:40]:
            size = "0" if r["size"] == "-" else r["size"]
            obj = [("time_local", r["stamp"]), ("remote_addr", r["host"]),
                   ("remote_user", dash(r["user"])), ("request", r["req"]),
                   ("status", r["status"]), ("body_bytes_sent", size),
                   ("http_referer", dash(r["ref"])), ("http_user_agent", dash(r["ua"]))]
            out.write("{" + ",".join('"%s":%s' % (k, json.dumps(v)) for k, v in obj) + "}\n")

    with open("nginx_json_iso_constructed.log", "w", encoding="latin-1") as out:
        for _, r in recs[40:80]:
            rq = split_req(r["req"])
            if not rq:
                continue
            size = "0" if r["size"] == "-" else r["size"]
            iso = r["t"].isoformat()
            out.write('{"@timestamp":%s,"host":"www.example.org","remote_addr":%s,'
                      '"request_method":%s,"request_uri":%s,"status":%s,'
                      '"body_bytes_sent":%s,"http_user_agent":%s}\n' %
                      (json.dumps(iso), json.dumps(r["host"]), json.dumps(rq[0]),
                       json.dumps(rq[1]), r["status"], size, json.dumps(dash(r["ua"]))))

    with open("iis_w3c_constructed.log", "w", encoding="latin-1", newline="\r\n") as out:
        first = recs[0][1]["t"].astimezone(datetime.timezone.utc)
        out.write("#Software: Microsoft Internet Information Services 10.0\n")
        out.write("#Version: 1.0\n")
        out.write("#Date: %s\n" % first.strftime("%Y-%m-%d %H:%M:%S"))
        out.write("#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port "
                  "cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus "
                  "sc-win32-status time-taken\n")
        for _, r in recs:
            rq = split_req(r["req"])
            if not rq:
                continue
            stem, _, query = rq[1].partition("?")
            t = r["t"].astimezone(datetime.timezone.utc)
            ua = dash(r["ua"]).replace(" ", "+") or "-"
            ref = dash(r["ref"]).replace(" ", "+") or "-"
            win32 = "2" if r["status"] == "404" else "0"
            out.write(" ".join([t.strftime("%Y-%m-%d"), t.strftime("%H:%M:%S"), "192.0.2.10",
                                rq[0], stem, query.replace(" ", "+") or "-", "80", "-",
                                r["host"], ua, ref, r["status"], "0", win32, "15"]) + "\n")


if __name__ == "__main__":
    main()
