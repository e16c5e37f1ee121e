/* Windows Firewall's pfirewall.log (Windows XP ICF to Windows 11 Defender
 * Firewall): a W3C-style text file whose "#Fields:" header names the
 * space-separated columns (Microsoft's "Interpret the Windows Firewall log"):
 *   #Version: 1.5
 *   #Software: Microsoft Windows Firewall
 *   #Time Format: Local
 *   #Fields: date time action protocol src-ip dst-ip src-port dst-port size
 *            tcpflags tcpsyn tcpack tcpwin icmptype icmpcode info path [pid]
 * "-" marks an empty value. The columns are taken from the header (newer
 * Windows append "pid"); a file without one is read in the order above.
 * Actions: ALLOW, DROP (Windows Vista+), OPEN, OPEN-INBOUND, CLOSE, DROP
 * (XP's ICF); INFO-EVENTS-LOST says how many entries Windows failed to
 * write (info column) and carries no packet. */
#include <string.h>

#include "core/addr.h"
#include "core/timeconv.h"
#include "core/util.h"
#include "parse/parser.h"

enum wf_col {
	WF_DATE,
	WF_TIME,
	WF_ACTION,
	WF_PROTO,
	WF_SRC,
	WF_DST,
	WF_SPORT,
	WF_DPORT,
	WF_SIZE,
	WF_TCPFLAGS,
	WF_TCPSYN,
	WF_TCPACK,
	WF_TCPWIN,
	WF_ICMPTYPE,
	WF_ICMPCODE,
	WF_INFO,
	WF_PATH,
	WF_PID,
	WF_NCOLS
};

static const char *const wf_names[WF_NCOLS] = {
	[WF_DATE] = "date",         [WF_TIME] = "time",         [WF_ACTION] = "action",
	[WF_PROTO] = "protocol",    [WF_SRC] = "src-ip",        [WF_DST] = "dst-ip",
	[WF_SPORT] = "src-port",    [WF_DPORT] = "dst-port",    [WF_SIZE] = "size",
	[WF_TCPFLAGS] = "tcpflags", [WF_TCPSYN] = "tcpsyn",     [WF_TCPACK] = "tcpack",
	[WF_TCPWIN] = "tcpwin",     [WF_ICMPTYPE] = "icmptype", [WF_ICMPCODE] = "icmpcode",
	[WF_INFO] = "info",         [WF_PATH] = "path",         [WF_PID] = "pid",
};

#define WF_MAX_FIELDS 32
#define WF_NONE 0xff

/* Per file: which column holds what (WF_NONE if absent). */
struct wf_state {
	int have_fields; /* 0 none yet, 1 from #Fields, 2 default order */
	int utc; /* "#Time Format: UTC" (Windows writes Local; accepted anyway) */
	uint8_t col[WF_NCOLS];
};

static void wf_default_cols(uint8_t col[WF_NCOLS])
{
	for (int i = 0; i < WF_NCOLS; i++)
		col[i] = i < WF_PID ? (uint8_t)i : WF_NONE;
}

static size_t wf_trim(const char *line, size_t len)
{
	while (len && (line[len - 1] == '\n' || line[len - 1] == '\r' || line[len - 1] == ' '))
		len--;
	return len;
}

#define WF_AT(p, end, lit) \
	((size_t)((end) - (p)) >= sizeof(lit) - 1 && memcmp((p), (lit), sizeof(lit) - 1) == 0)

/* "#Fields: date time ..." -> the column map. */
static void wf_read_fields(struct wf_state *st, const char *p, const char *end)
{
	memset(st->col, WF_NONE, sizeof(st->col));
	unsigned idx = 0;
	while (p < end && idx < WF_MAX_FIELDS) {
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		const char *w = p;
		while (p < end && *p != ' ' && *p != '\t')
			p++;
		if (p == w)
			break;
		for (int c = 0; c < WF_NCOLS; c++)
			if (strlen(wf_names[c]) == (size_t)(p - w) && memcmp(wf_names[c], w, (size_t)(p - w)) == 0)
				st->col[c] = (uint8_t)idx;
		idx++;
	}
	st->have_fields = 1;
}

struct wf_row {
	const char *f[WF_MAX_FIELDS];
	uint32_t len[WF_MAX_FIELDS];
	unsigned n;
};

static int wf_get(const struct wf_row *r, const uint8_t col[WF_NCOLS], int c, const char **p,
		  size_t *n)
{
	unsigned i = col[c];
	if (i == WF_NONE || i >= r->n)
		return -1;
	*p = r->f[i];
	*n = r->len[i];
	if (*n == 1 && **p == '-')
		return -1; /* empty */
	return 0;
}

static int wf_num(const struct wf_row *r, const uint8_t col[WF_NCOLS], int c, uint64_t max,
		  uint64_t *out)
{
	const char *p;
	size_t n;
	return wf_get(r, col, c, &p, &n) == 0 ? parse_u64(p, n, max, out) : -1;
}

#define WF_IS(p, n, lit) ((n) == sizeof(lit) - 1 && memcmp((p), (lit), sizeof(lit) - 1) == 0)

static int wf_d2(const char *p)
{
	unsigned a = (unsigned)(unsigned char)p[0] - '0', b = (unsigned)(unsigned char)p[1] - '0';
	return a < 10 && b < 10 ? (int)(a * 10 + b) : -1;
}

/* "2021-06-22" and "12:19:41" -> UTC seconds. */
static int wf_time(struct parse_ctx *ctx, int utc, const char *d, size_t dn, const char *t,
		   size_t tn, int64_t *out)
{
	if (dn != 10 || d[4] != '-' || d[7] != '-' || tn < 8 || t[2] != ':' || t[5] != ':')
		return -1;
	int y1 = wf_d2(d), y2 = wf_d2(d + 2), mo = wf_d2(d + 5), da = wf_d2(d + 8);
	int h = wf_d2(t), mi = wf_d2(t + 3), s = wf_d2(t + 6);
	if (y1 < 0 || y2 < 0 || mo < 1 || mo > 12 || da < 1 || da > 31 || h < 0 || h > 23 ||
	    mi < 0 || mi > 59 || s < 0 || s > 60)
		return -1;
	int y = y1 * 100 + y2;
	if (y < 1900 || y > 2200) /* keeps ns within int64 */
		return -1;
	if (utc)
		*out = days_from_civil(y, (unsigned)mo, (unsigned)da) * 86400 + h * 3600 + mi * 60 + s;
	else
		*out = timeconv_local_to_utc(&ctx->tz, y, (unsigned)mo, (unsigned)da, (unsigned)h,
					     (unsigned)mi, (unsigned)s);
	return 0;
}

static enum parse_result wf_parse_line(struct parse_ctx *ctx, const char *line, size_t len,
				       struct event *ev)
{
	struct wf_state scratch, *st = ctx->state;
	if (!st) {
		/* called without per-file state (detection): defaults */
		memset(&scratch, 0, sizeof(scratch));
		st = &scratch;
	}
	if (!st->have_fields) {
		wf_default_cols(st->col);
		st->have_fields = 2; /* the default order, until a #Fields line */
	}
	len = wf_trim(line, len);
	const char *p = line, *end = line + len;
	if (end - p >= 3 && (unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBB &&
	    (unsigned char)p[2] == 0xBF)
		p += 3;
	if (p == end)
		return PARSE_OTHER;
	if (*p == '#') {
		if (WF_AT(p, end, "#Fields:"))
			wf_read_fields(st, p + 8, end);
		else if (WF_AT(p, end, "#Time Format:"))
			st->utc = memmem(p + 13, (size_t)(end - p - 13), "UTC", 3) != NULL;
		return PARSE_OTHER;
	}
	struct wf_row r;
	r.n = 0;
	/* fields are short: a byte loop beats a memchr call per field */
	while (p < end && r.n < WF_MAX_FIELDS) {
		const char *fe = p;
		while (fe < end && *fe != ' ')
			fe++;
		r.f[r.n] = p;
		r.len[r.n] = (uint32_t)(fe - p);
		r.n++;
		p = fe < end ? fe + 1 : end;
	}
	const char *d, *t, *a;
	size_t dn, tn, an;
	int64_t sec;
	if (wf_get(&r, st->col, WF_DATE, &d, &dn) != 0 || wf_get(&r, st->col, WF_TIME, &t, &tn) != 0 ||
	    wf_time(ctx, st->utc, d, dn, t, tn, &sec) != 0)
		return PARSE_UNKNOWN;
	if (wf_get(&r, st->col, WF_ACTION, &a, &an) != 0) {
		ctx->reason = "winfw: no action column";
		return PARSE_MALFORMED;
	}
	ev->time_ns = sec * NS_PER_SEC;
	ev->flags |= EVENT_HAS_TIME;
	if (WF_IS(a, an, "INFO-EVENTS-LOST") || WF_IS(a, an, "CLOSE"))
		return PARSE_OTHER; /* no packet; CLOSE ends a connection OPEN counted */
	if (WF_IS(a, an, "DROP"))
		ev->action = EVENT_ACTION_DROP;
	else if (WF_IS(a, an, "ALLOW") || WF_IS(a, an, "OPEN") || WF_IS(a, an, "OPEN-INBOUND"))
		ev->action = EVENT_ACTION_ACCEPT;
	else
		ev->action = EVENT_ACTION_UNKNOWN;
	ev->prefix.ptr = a;
	ev->prefix.len = (uint32_t)an;

	const char *s, *ds;
	size_t sn, dsn;
	if (wf_get(&r, st->col, WF_SRC, &s, &sn) != 0 || wf_get(&r, st->col, WF_DST, &ds, &dsn) != 0 ||
	    addr_parse(s, sn, &ev->src) != 0 || addr_parse(ds, dsn, &ev->dst) != 0) {
		ctx->reason = "winfw: bad or missing src-ip or dst-ip";
		return PARSE_MALFORMED;
	}
	ev->flags |= EVENT_HAS_SRC | EVENT_HAS_DST;
	const char *pr;
	size_t pn;
	uint64_t v, v2;
	if (wf_get(&r, st->col, WF_PROTO, &pr, &pn) == 0) {
		if (WF_IS(pr, pn, "TCP"))
			ev->proto = IPPROTO_NUM_TCP;
		else if (WF_IS(pr, pn, "UDP"))
			ev->proto = IPPROTO_NUM_UDP;
		else if (WF_IS(pr, pn, "ICMP"))
			/* ICMPv6 is logged as ICMP with IPv6 addresses */
			ev->proto = addr_is_v4(&ev->src) ? IPPROTO_NUM_ICMP : IPPROTO_NUM_ICMPV6;
		else if (WF_IS(pr, pn, "ICMPv6"))
			ev->proto = IPPROTO_NUM_ICMPV6;
		else if (parse_u64(pr, pn, 255, &v) == 0)
			ev->proto = (uint8_t)v;
	}
	if (wf_num(&r, st->col, WF_SPORT, 65535, &v) == 0 &&
	    wf_num(&r, st->col, WF_DPORT, 65535, &v2) == 0) {
		ev->sport = (uint16_t)v;
		ev->dport = (uint16_t)v2;
		ev->flags |= EVENT_HAS_PORTS;
	}
	if (wf_num(&r, st->col, WF_SIZE, 65535, &v) == 0 && v) {
		ev->ip_len = (uint32_t)v; /* 0 for packets the log did not measure */
		ev->flags |= EVENT_HAS_LEN;
	}
	if (ev->proto == IPPROTO_NUM_TCP) {
		const char *f;
		size_t fn;
		if (wf_get(&r, st->col, WF_TCPFLAGS, &f, &fn) == 0) {
			uint8_t fl = 0;
			int ok = 1;
			for (size_t i = 0; i < fn; i++) {
				switch (f[i]) {
				case 'A': fl |= TCP_FLAG_ACK; break;
				case 'F': fl |= TCP_FLAG_FIN; break;
				case 'P': fl |= TCP_FLAG_PSH; break;
				case 'R': fl |= TCP_FLAG_RST; break;
				case 'S': fl |= TCP_FLAG_SYN; break;
				case 'U': fl |= TCP_FLAG_URG; break;
				default: ok = 0; break;
				}
			}
			if (ok) {
				ev->tcp_flags = fl;
				ev->flags |= EVENT_HAS_TCP_FLAGS;
			}
		}
		/* Windows writes 0 here for connections it did not inspect */
		if (wf_num(&r, st->col, WF_TCPSYN, UINT32_MAX, &v) == 0 &&
		    (ev->flags & EVENT_HAS_TCP_FLAGS)) {
			ev->tcp_seq = (uint32_t)v;
			ev->flags |= EVENT_HAS_SEQ;
		}
		if (wf_num(&r, st->col, WF_TCPWIN, 65535, &v) == 0 && (ev->flags & EVENT_HAS_TCP_FLAGS)) {
			ev->window = (uint16_t)v;
			ev->flags |= EVENT_HAS_WINDOW;
		}
	}
	if (wf_num(&r, st->col, WF_ICMPTYPE, 255, &v) == 0 &&
	    wf_num(&r, st->col, WF_ICMPCODE, 255, &v2) == 0) {
		ev->icmp_type = (uint8_t)v;
		ev->icmp_code = (uint8_t)v2;
		ev->flags |= EVENT_HAS_ICMP;
	}
	const char *path;
	size_t pathn;
	if (wf_get(&r, st->col, WF_PATH, &path, &pathn) == 0) {
		ev->detail.ptr = path; /* RECEIVE, SEND, FORWARD */
		ev->detail.len = (uint32_t)pathn;
	}
	return PARSE_EVENT;
}

static int wf_detect(const char *line, size_t len)
{
	len = wf_trim(line, len);
	if (memmem(line, len, "#Software: Microsoft Windows Firewall", 37) ||
	    memmem(line, len, "#Fields: date time action ", 26))
		return 95;
	if (len < 20 || line[4] != '-' || line[10] != ' ' || line[13] != ':')
		return 0;
	struct parse_ctx ctx;
	struct event ev;
	parse_ctx_init(&ctx, 0, 0, NULL); /* times are not looked at */
	event_clear(&ev);
	enum parse_result r = wf_parse_line(&ctx, line, len, &ev);
	if (r == PARSE_EVENT && (ev.detail.len || ev.action != EVENT_ACTION_UNKNOWN))
		return 70;
	return 0;
}

static const struct parser_example wf_examples[] = {
	{"Windows Defender Firewall, inbound multicast dropped",
	 "2021-06-22 12:19:41 DROP UDP 192.168.178.25 224.0.0.251 5353 5353 73 - - - - - - - "
	 "RECEIVE"},
	{"Windows Defender Firewall, outbound TCP allowed (IPv6)",
	 "2021-06-22 12:19:54 ALLOW TCP 2a01:110:20:10::4a9 2a01:110:2001:ff10:ae16:2dff:fe70:f14 "
	 "52980 5985 0 - 0 0 0 - - - SEND"},
	{"Windows Firewall, ICMPv6 neighbour advertisement",
	 "2021-06-22 12:25:27 ALLOW ICMP fe80::dea6:32ff:fe7b:f184 ff02::1 - - 0 - - - - 136 0 - "
	 "RECEIVE"},
	{NULL, NULL},
};

const struct parser parser_winfw = {
	.name = "winfw",
	.summary = "Windows Firewall pfirewall.log (W3C #Fields header, XP ICF to Windows 11)",
	.time_note = "\"#Time Format: Local\" (what Windows writes): date and time are the "
		     "machine's local time, read in --tz; a \"UTC\" time format is taken as UTC",
	.examples = wf_examples,
	.detect = wf_detect,
	.parse_line = wf_parse_line,
	.state_size = sizeof(struct wf_state),
};
