#!/usr/bin/env python3
"""Checks clscan abuse's .eml files with Python's own mail parser (strict:
any defect raises), the RFC 5322 limits (CRLF line ends, no line over 998
octets), the headers every message must have, and that each evidence line
"FILE:LINE: text" equals line LINE of FILE as read (run from the directory
the paths are relative to). Prints one tab-separated row per message:
name, To, Cc, Subject (decoded), evidence lines, X-ARF Report-Type."""
import email
import email.policy
import email.utils
import gzip
import re
import sys

EVIDENCE = re.compile(r"^(.+?):(\d+): (.*)$")
files_cache = {}


def file_lines(path):
    if path not in files_cache:
        opener = gzip.open if path.endswith(".gz") else open
        with opener(path, "rb") as f:
            files_cache[path] = f.read().split(b"\n")
    return files_cache[path]


def fail(name, why):
    print(f"{name}: {why}", file=sys.stderr)
    sys.exit(1)


def check_raw(name, raw):
    if b"\n" in raw.replace(b"\r\n", b""):
        fail(name, "a bare LF (lines must end in CRLF)")
    n_header_lines = raw[:raw.index(b"\r\n\r\n")].count(b"\r\n") + 1
    for i, line in enumerate(raw.split(b"\r\n")):
        if len(line) > 998:
            fail(name, f"line {i + 1} is {len(line)} octets long")
        if i < n_header_lines and len(line) > 78 and b" " in line[1:]:
            fail(name, f"header line {i + 1} could have been folded")


def check_evidence(name, text):
    n = 0
    for line in text.splitlines():
        m = EVIDENCE.match(line)
        if not m or not re.match(r"^[\w./-]+$", m.group(1)):
            continue
        path, num, got = m.group(1), int(m.group(2)), m.group(3)
        want = file_lines(path)[num - 1].decode("utf-8", "replace").rstrip("\r")
        if got != want:
            fail(name, f"evidence {path}:{num} differs:\n got  {got!r}\n want {want!r}")
        n += 1
    return n


def main():
    strict = email.policy.default.clone(raise_on_defect=True)
    for name in sys.argv[1:]:
        with open(name, "rb") as f:
            raw = f.read()
        check_raw(name, raw)
        msg = email.message_from_bytes(raw, policy=strict)
        for h in ("From", "To", "Subject", "Date", "Message-ID", "MIME-Version"):
            if msg[h] is None:
                fail(name, f"no {h}: header")
        if email.utils.parsedate_to_datetime(str(msg["Date"])) is None:
            fail(name, "Date: does not parse")
        if not re.match(r"^<[^<>@\s]+@[^<>@\s]+>$", str(msg["Message-ID"])):
            fail(name, "Message-ID: is not <id@domain>")
        evidence, xarf = 0, "-"
        parts = list(msg.walk())
        for part in parts:
            if part.defects:
                fail(name, f"defects: {part.defects}")
        if msg.is_multipart():
            texts = [p for p in parts if p.get_content_type() == "text/plain"]
            if len(texts) != 3 or msg["X-ARF"] != "YES":
                fail(name, "an X-ARF message has 3 text parts and X-ARF: YES")
            evidence = check_evidence(name, texts[0].get_content())
            report = texts[1].get_content()
            for key in ("Reported-From", "Category", "Report-Type", "Source", "Source-Type",
                        "Date", "Attachment"):
                if not re.search(rf"^{key}: \S", report, re.M):
                    fail(name, f"X-ARF report lacks {key}")
            xarf = re.search(r"^Report-Type: (\S+)", report, re.M).group(1)
            if check_evidence(name, texts[2].get_content()) != evidence:
                fail(name, "the attachment's lines differ from the body's")
        else:
            evidence = check_evidence(name, msg.get_content())
        print("\t".join([name.rsplit("/", 1)[-1], str(msg["To"]), str(msg["Cc"] or "-"),
                         str(msg["Subject"]), str(evidence), xarf]))


if __name__ == "__main__":
    main()
