/* Linux netfilter LOG lines (iptables/nftables, ufw, firewalld, Shorewall, ulogd2
 * LOGEMU) in any envelope; fields per linux net/netfilter/nf_log_syslog.c. */
#include <string.h>

#include "parse/nf_fields.h"
#include "parse/parser.h"
#include "parse/syslog_header.h"

/* The envelope may be syslog (with or without the printk uptime stamp),
 * journald, dmesg, or none. The rule's prefix is the text between the
 * envelope and "IN="; its words give the action (action_map.c). The
 * fields are read by nf_fields.c. */
static const char *trim_eol(const char *line, size_t len)
{
	const char *end = line + len;
	while (end > line && (end[-1] == '\n' || end[-1] == '\r'))
		end--;
	return end;
}

/* body[..in) holds the printk stamp and the prefix; in.. the fields. */
static enum parse_result nf_parse_body(struct parse_ctx *ctx, const char *body, const char *in,
				       const char *end, struct event *ev)
{
	const char *ps = nf_skip_kernel_stamps(body, in), *pe = in;
	nf_trim(&ps, &pe);
	ev->prefix.ptr = ps;
	ev->prefix.len = (uint32_t)(pe - ps);
	ev->action = (uint8_t)action_map_lookup(ctx->actions, ps, (size_t)(pe - ps));
	return nf_fields_parse(ctx, in, end, ev);
}

/* The message after the envelope: PARSE_UNKNOWN when it is no firewall
 * line (for the "syslog" parser, which then asks the next format). */
static enum parse_result nf_parse_syslog(struct parse_ctx *ctx, const struct syslog_header *h,
					 struct event *ev)
{
	const char *end = h->msg + h->msg_len;
	while (end > h->msg && (end[-1] == '\n' || end[-1] == '\r'))
		end--;
	const char *body = h->msg;
	/* A tag other than the kernel's is the rule prefix of a tag-less
	 * writer ("host DROP: IN=..." from ulogd's LOGEMU), or a relay's own
	 * name; either way it belongs to the prefix. */
	if (h->tag.len && !(h->tag.len == 6 && memcmp(h->tag.ptr, "kernel", 6) == 0) &&
	    h->tag.ptr + h->tag.len < body && body - (h->tag.ptr + h->tag.len) <= 2)
		body = h->tag.ptr; /* BSD "tag: msg" only, not RFC 5424's APP-NAME */
	const char *in = nf_find_in(body, end);
	if (!in)
		return PARSE_UNKNOWN;
	ev->time_ns = h->time_ns;
	ev->flags |= EVENT_HAS_TIME;
	ev->sensor = h->host;
	return nf_parse_body(ctx, body, in, end, ev);
}

static enum parse_result nf_parse_line(struct parse_ctx *ctx, const char *line, size_t len,
				       struct event *ev)
{
	const char *end = trim_eol(line, len);
	struct syslog_header h;
	if (syslog_header_parse(ctx, line, (size_t)(end - line), &h) == 0) {
		enum parse_result r = nf_parse_syslog(ctx, &h, ev);
		return r == PARSE_UNKNOWN ? PARSE_OTHER : r;
	}
	/* No envelope: plain dmesg, or fields alone; there is no time. */
	const char *in = nf_find_in(line, end);
	if (!in)
		return PARSE_UNKNOWN;
	return nf_parse_body(ctx, line, in, end, ev);
}

static int nf_detect(const char *line, size_t len)
{
	const char *end = trim_eol(line, len);
	const char *in = nf_find_in(line, end);
	if (!in || !memmem(in, (size_t)(end - in), "SRC=", 4))
		return 0;
	if (syslog_header_looks_like(line, (size_t)(end - line)))
		return 90;
	/* Plain dmesg ("[  341.399450] IN=...") or bare fields. Other lines
	 * with fields but no envelope (Proxmox's log) belong to others. */
	if (line[0] == '[' || in == line)
		return 60;
	return 0;
}

static const struct parser_example nf_examples[] = {
	{"ufw via syslog",
	 "May 29 06:53:55 vultr kernel: [547219.375133] [UFW BLOCK] IN=ens3 OUT= "
	 "MAC=56:00:03:85:82:df:fe:00:03:85:82:df:08:00 SRC=192.241.219.198 DST=158.247.223.84 "
	 "LEN=40 TOS=0x00 PREC=0x00 TTL=241 ID=54321 PROTO=TCP SPT=60834 DPT=5985 WINDOW=65535 "
	 "RES=0x00 SYN URGP=0 "},
	{"iptables LOG, rsyslog RFC 3339 stamp",
	 "2015-03-07T05:09:30.045015+02:00 servername kernel: DROP: IN=eth0 OUT= "
	 "MAC=00:00:00:00:00:00:00:00:00:00:00:00:00:00 SRC=4.4.4.4 DST=1.2.3.4 LEN=40 TOS=0x00 "
	 "PREC=0x00 TTL=228 ID=54321 PROTO=TCP SPT=58923 DPT=21 WINDOW=65535 RES=0x00 SYN URGP=0 "},
	{"ip6tables LOG",
	 "Mar 17 13:39:13 linux kernel: [956932.482127] DROP IN=eth0 OUT= "
	 "MAC=33:33:ff:00:00:01:00:1b:b9:76:9c:e4:86:dd "
	 "SRC=2001:0db8:0000:f101:0000:0000:0000:0002 "
	 "DST=ff02:0000:0000:0000:0000:0001:ff00:0001 LEN=72 TC=0 HOPLIMIT=255 FLOWLBL=0 "
	 "PROTO=ICMPv6 TYPE=135 CODE=0 "},
	{NULL, NULL},
};

const struct parser parser_netfilter = {
	.name = "netfilter",
	.summary = "Linux netfilter LOG lines: iptables/nftables, ufw, firewalld, Shorewall, "
		   "ulogd2 LOGEMU; via syslog, journalctl or dmesg",
	.time_note = "syslog stamps without a zone are local time in --tz; a missing year comes "
		     "from the file's date (a date more than a day after it is the previous year)",
	.examples = nf_examples,
	.detect = nf_detect,
	.parse_line = nf_parse_line,
	.parse_syslog = nf_parse_syslog,
};
