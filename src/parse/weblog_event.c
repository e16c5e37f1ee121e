/* Web access-log fields -> one event, shared by the weblog, iis and
 * weblog-json readers: the client becomes the source, the server's address
 * and port the destination, the request is split into method, target and
 * version, and the stamp is read in whichever form the log writes it. */
#include <string.h>

#include "core/timeconv.h"
#include "core/util.h"
#include "parse/fwlog_util.h"
#include "parse/json_scan.h"
#include "parse/parser.h"
#include "parse/weblog_format.h"

/* Field f of the line, empty if the format has none. */
static inline struct slice wl_get(const struct weblog_fields *w, unsigned f)
{
	struct slice none = {NULL, 0};
	return (w->have >> f) & 1 ? w->v[f] : none;
}

static int wl_d2(const char *s, unsigned *out)
{
	if (!fwl_digit(s[0]) || !fwl_digit(s[1]))
		return -1;
	*out = (unsigned)(s[0] - '0') * 10 + (unsigned)(s[1] - '0');
	return 0;
}

static int wl_d4(const char *s, int *out)
{
	unsigned a, b;
	if (wl_d2(s, &a) != 0 || wl_d2(s + 2, &b) != 0)
		return -1;
	*out = (int)(a * 100 + b);
	return 0;
}

static int wl_civil_ok(int y, unsigned mon, unsigned d, unsigned h, unsigned mi, unsigned s)
{
	return y >= JSON_YEAR_MIN && y <= JSON_YEAR_MAX && mon >= 1 && mon <= 12 && d >= 1 &&
	       d <= 31 && h < 24 && mi < 60 && s <= 60;
}

/* The last date read on this thread ("10/Oct/2000") and its day number:
 * a log's lines share their date, and the civil-to-days sum is skipped. */
static _Thread_local char wl_last_date[11];
static _Thread_local int64_t wl_last_days;

int weblog_clf_time(const char *s, size_t n, int64_t *ns)
{
	/* 10/Oct/2000:13:55:36 -0700 */
	unsigned d, h, mi, sec, zh, zm;
	int y;
	if (n < 26 || s[2] != '/' || s[6] != '/' || s[11] != ':' || s[14] != ':' || s[17] != ':' ||
	    s[20] != ' ' || (s[21] != '+' && s[21] != '-'))
		return -1;
	int64_t days;
	if (wl_d2(s + 12, &h) || wl_d2(s + 15, &mi) || wl_d2(s + 18, &sec) || wl_d2(s + 22, &zh) ||
	    wl_d2(s + 24, &zm) || h > 23 || mi > 59 || sec > 60 || zh > 23 || zm > 59)
		return -1;
	if (memcmp(s, wl_last_date, 11) == 0) {
		days = wl_last_days;
	} else {
		unsigned mon = month_from_abbr(s + 3);
		if (wl_d2(s, &d) || wl_d4(s + 7, &y) || !wl_civil_ok(y, mon, d, h, mi, sec))
			return -1;
		days = days_from_civil(y, mon, d);
		memcpy(wl_last_date, s, 11);
		wl_last_days = days;
	}
	int64_t off = (int64_t)zh * 3600 + zm * 60;
	if (s[21] == '-')
		off = -off;
	int64_t t = days * 86400 + h * 3600 + mi * 60 + sec - off;
	*ns = t * NS_PER_SEC;
	return 0;
}

/* Seconds (or ms/us) since the epoch with an optional fraction. */
static int wl_epoch(const char *s, size_t n, int kind, int64_t *ns)
{
	const char *p = s, *end = s + n;
	uint64_t whole = 0, frac = 0, scale = 1;
	p = fwl_uint(p, end, 1000000000000000ull, &whole);
	if (!p)
		return -1;
	if (p < end && *p == '.') {
		p++;
		while (p < end && fwl_digit(*p)) {
			if (scale < 1000000000ull) {
				frac = frac * 10 + (uint64_t)(*p - '0');
				scale *= 10;
			}
			p++;
		}
	}
	if (p != end)
		return -1;
	uint64_t div = kind == WLT_EPOCH_MS ? 1000 : kind == WLT_EPOCH_US ? 1000000 : 1;
	if (whole / div > (uint64_t)JSON_EPOCH_MAX)
		return -1;
	uint64_t unit_ns = (uint64_t)NS_PER_SEC / div;
	*ns = (int64_t)(whole * unit_ns + frac * unit_ns / scale);
	return 0;
}

/* A stamp written by strftime pattern pat; without %z it is local time. */
static int wl_strptime(struct parse_ctx *ctx, const char *pat, size_t pn, const char *s, size_t n,
		       struct event *ev)
{
	int y = 1970;
	unsigned mon = 1, d = 1, h = 0, mi = 0, sec = 0;
	int64_t off = 0;
	int zoned = 0;
	const char *p = s, *end = s + n;
	for (size_t i = 0; i < pn; i++) {
		if (pat[i] != '%') {
			if (p >= end || *p != pat[i])
				return -1;
			p++;
			continue;
		}
		if (++i >= pn)
			return -1;
		const char *expand = NULL;
		switch (pat[i]) {
		case 'T': expand = "%H:%M:%S"; break;
		case 'F': expand = "%Y-%m-%d"; break;
		case 'R': expand = "%H:%M"; break;
		case 'D': expand = "%m/%d/%y"; break;
		default: break;
		}
		unsigned v2;
		/* 256: an expansion; no pattern byte has that value */
		switch (expand ? 256 : (unsigned char)pat[i]) {
		case 256: {
			/* %T %F %R %D: their pieces, two digits each (%Y four) */
			for (const char *e = expand; *e; e++) {
				if (*e != '%') {
					if (p >= end || *p != *e)
						return -1;
					p++;
					continue;
				}
				e++;
				if (end - p < 2 || wl_d2(p, &v2) != 0)
					return -1;
				p += 2;
				if (*e == 'H')
					h = v2;
				else if (*e == 'M')
					mi = v2;
				else if (*e == 'S')
					sec = v2;
				else if (*e == 'm')
					mon = v2;
				else if (*e == 'd')
					d = v2;
				else if (*e == 'y')
					y = 2000 + (int)v2;
				else if (*e == 'Y') {
					unsigned lo;
					if (end - p < 2 || wl_d2(p, &lo) != 0)
						return -1;
					y = (int)(v2 * 100 + lo);
					p += 2;
				}
			}
			break;
		}
		case 'Y':
			if (end - p < 4 || wl_d4(p, &y) != 0)
				return -1;
			p += 4;
			break;
		case 'y':
		case 'm':
		case 'd':
		case 'H':
		case 'M':
		case 'S':
			if (end - p < 2 || wl_d2(p, &v2) != 0)
				return -1;
			p += 2;
			if (pat[i] == 'y')
				y = 2000 + (int)v2;
			else if (pat[i] == 'm')
				mon = v2;
			else if (pat[i] == 'd')
				d = v2;
			else if (pat[i] == 'H')
				h = v2;
			else if (pat[i] == 'M')
				mi = v2;
			else
				sec = v2;
			break;
		case 'e':
			if (p < end && *p == ' ')
				p++;
			{
				uint64_t x;
				p = fwl_uint(p, end, 31, &x);
				if (!p)
					return -1;
				d = (unsigned)x;
			}
			break;
		case 'b':
		case 'h':
			if (end - p < 3 || (mon = month_from_abbr(p)) == 0)
				return -1;
			p += 3;
			break;
		case 'a': /* a weekday name: skip the letters */
			while (p < end && ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z')))
				p++;
			break;
		case 'z': {
			unsigned zh, zm;
			if (end - p < 5 || (*p != '+' && *p != '-') || wl_d2(p + 1, &zh) != 0 ||
			    wl_d2(p + 3, &zm) != 0)
				return -1;
			off = (int64_t)zh * 3600 + zm * 60;
			if (*p == '-')
				off = -off;
			zoned = 1;
			p += 5;
			break;
		}
		case 'Z': /* a zone name: only "UTC"/"GMT" are understood */
			if (end - p >= 3 && (memcmp(p, "UTC", 3) == 0 || memcmp(p, "GMT", 3) == 0)) {
				zoned = 1;
				p += 3;
				break;
			}
			return -1;
		case '%':
			if (p >= end || *p != '%')
				return -1;
			p++;
			break;
		default:
			return -1;
		}
	}
	if (!wl_civil_ok(y, mon, d, h, mi, sec))
		return -1;
	if (!zoned) {
		fwl_time_local(ctx, ev, y, mon, d, h, mi, sec, 0);
		return 0;
	}
	ev->time_ns = (days_from_civil(y, mon, d) * 86400 + h * 3600 + mi * 60 + sec - off) *
		      NS_PER_SEC;
	ev->flags |= EVENT_HAS_TIME;
	return 0;
}

/* IIS: "date" YYYY-MM-DD and "time" hh:mm:ss, both UTC. */
static int wl_iis_time(const struct slice *date, const struct slice *tod, int64_t *ns)
{
	const char *a = date->ptr, *b = tod->ptr;
	int y;
	unsigned mon, d, h, mi, s;
	if (date->len != 10 || tod->len < 8 || a[4] != '-' || a[7] != '-' || b[2] != ':' ||
	    b[5] != ':' || wl_d4(a, &y) || wl_d2(a + 5, &mon) || wl_d2(a + 8, &d) ||
	    wl_d2(b, &h) || wl_d2(b + 3, &mi) || wl_d2(b + 6, &s) || !wl_civil_ok(y, mon, d, h, mi, s))
		return -1;
	*ns = (days_from_civil(y, mon, d) * 86400 + h * 3600 + mi * 60 + s) * NS_PER_SEC;
	return 0;
}

static int wl_time(struct parse_ctx *ctx, const struct weblog_fields *w, struct event *ev)
{
	struct slice ts = wl_get(w, WLF_TIME), date = wl_get(w, WLF_DATE);
	struct slice tod = wl_get(w, WLF_TIME_OF_DAY);
	const struct slice *t = &ts;
	int64_t ns;
	if (t->len == 0) {
		if (date.len == 0)
			return 0; /* the format logs no time */
		if (wl_iis_time(&date, &tod, &ns) != 0)
			return -1;
	} else if (w->time_kind == WLT_CLF) {
		if (weblog_clf_time(t->ptr, t->len, &ns) != 0)
			return -1;
	} else if (w->time_kind == WLT_ISO) {
		int zoned;
		if (json_iso_time(t->ptr, t->len, &ns, &zoned) != 0)
			return -1;
		if (!zoned) { /* local time in the server's zone */
			/* floored: stamps before 1970 (JSON_YEAR_MIN is 1900)
			 * are negative, and C division rounds toward zero */
			int64_t s = ns / NS_PER_SEC, frac = ns % NS_PER_SEC;
			if (frac < 0) {
				frac += NS_PER_SEC;
				s--;
			}
			int64_t days = s / 86400, sod = s % 86400;
			if (sod < 0) {
				sod += 86400;
				days--;
			}
			int y;
			unsigned mon, d;
			civil_from_days(days, &y, &mon, &d);
			fwl_time_local(ctx, ev, y, mon, d, (unsigned)(sod / 3600),
				       (unsigned)(sod % 3600 / 60), (unsigned)(sod % 60), (uint32_t)frac);
			return 0;
		}
	} else if (w->time_kind == WLT_STRFTIME) {
		return wl_strptime(ctx, w->time_arg, w->time_arg_len, t->ptr, t->len, ev);
	} else {
		if (wl_epoch(t->ptr, t->len, w->time_kind, &ns) != 0)
			return -1;
	}
	ev->time_ns = ns;
	ev->flags |= EVENT_HAS_TIME;
	return 0;
}

/* Field f with "-" (the logs' "none") as an empty slice. */
static struct slice wl_val(const struct weblog_fields *w, unsigned f)
{
	struct slice r = wl_get(w, f);
	if (r.len == 1 && r.ptr[0] == '-')
		r.len = 0;
	return r;
}

static int wl_method_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '-' || c == '_';
}

/* "GET /x?y HTTP/1.1" -> method, target, version. Garbage (a TLS hello
 * sent to port 80, "-" for a timed-out connection) keeps only request. */
static void wl_split_request(struct event_http *h, struct slice req)
{
	h->request = req;
	const char *p = req.ptr, *end = req.ptr + req.len;
	const char *sp = req.len ? memchr(p, ' ', req.len) : NULL;
	if (!sp || sp == p)
		return;
	for (const char *q = p; q < sp; q++)
		if (!wl_method_char(*q))
			return;
	fwl_slice(&h->method, p, sp);
	const char *t = sp + 1, *te = end;
	const char *v = memrchr(t, ' ', (size_t)(end - t));
	if (v && end - (v + 1) >= 5 && memcmp(v + 1, "HTTP/", 5) == 0) {
		fwl_slice(&h->version, v + 1, end);
		te = v;
	}
	fwl_slice(&h->target, t, te);
}

/* Path and query kept apart by the log (IIS, nginx "$uri?$args", JSON)
 * are joined into this per-thread buffer, valid until the next line. */
#define WL_JOIN_MAX 8192
static _Thread_local char wl_join[WL_JOIN_MAX];

static void wl_target(struct event_http *h, const struct weblog_fields *w)
{
	if (h->target.len)
		return;
	struct slice uri = wl_val(w, WLF_URI);
	if (uri.len) {
		h->target = uri;
		return;
	}
	struct slice path = wl_val(w, WLF_PATH), q = wl_val(w, WLF_QUERY);
	if (q.len && q.ptr[0] == '?') {
		q.ptr++;
		q.len--;
	}
	h->target = path;
	if (!q.len || !path.len)
		return;
	if (q.ptr == path.ptr + path.len + 1 && q.ptr[-1] == '?') { /* already one piece */
		h->target.len = path.len + 1 + q.len;
		return;
	}
	if ((size_t)path.len + 1 + q.len > WL_JOIN_MAX)
		return; /* keep the path alone */
	memcpy(wl_join, path.ptr, path.len);
	wl_join[path.len] = '?';
	memcpy(wl_join + path.len + 1, q.ptr, q.len);
	h->target.ptr = wl_join;
	h->target.len = path.len + 1 + q.len;
}

/* A host name as HostnameLookups logs it: letters, digits, '-', '.'. */
static int wl_hostname(const struct slice *s)
{
	for (uint32_t i = 0; i < s->len; i++) {
		char c = s->ptr[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || fwl_digit(c) || c == '-' ||
		      c == '.' || c == '_'))
			return 0;
	}
	return s->len > 0;
}

static enum parse_result wl_bad(struct parse_ctx *ctx, const char *why)
{
	ctx->reason = why;
	return PARSE_MALFORMED;
}

static int wl_number(const struct slice *s, uint64_t max, uint64_t *out)
{
	*out = 0;
	if (s->len == 0 || (s->len == 1 && s->ptr[0] == '-'))
		return 0;
	return parse_u64(s->ptr, s->len, max, out);
}

/* Server side: %A, %p, a vhost's ":port". */
static void wl_server(struct event *ev, struct event_http *h, const struct weblog_fields *w)
{
	struct slice vh = wl_val(w, WLF_VHOST);
	uint16_t port = 0;
	if (vh.len) {
		const char *colon = memrchr(vh.ptr, ':', vh.len);
		if (colon && memchr(vh.ptr, ':', (size_t)(colon - vh.ptr)) == NULL &&
		    fwl_port(colon + 1, vh.ptr + vh.len, &port) == 0)
			vh.len = (uint32_t)(colon - vh.ptr);
		h->vhost = vh;
		ev->sensor = vh;
	}
	struct slice sp = wl_val(w, WLF_SERVER_PORT);
	uint16_t p2;
	if (sp.len && fwl_port(sp.ptr, sp.ptr + sp.len, &p2) == 0)
		port = p2;
	if (port) {
		ev->dport = port;
		ev->flags |= EVENT_HAS_PORTS;
	}
	struct slice sa = wl_val(w, WLF_SERVER_ADDR);
	if (sa.len && addr_parse(sa.ptr, sa.len, &ev->dst) == 0)
		ev->flags |= EVENT_HAS_DST;
}

int weblog_fields_event(struct parse_ctx *ctx, const struct weblog_fields *w, struct event *ev)
{
	struct event_http *h = &ctx->http;
	memset(h, 0, sizeof(*h));
	struct slice c = wl_val(w, WLF_CLIENT);
	if (c.len == 0)
		return wl_bad(ctx, "web log: no client address");
	if (addr_parse(c.ptr, c.len, &ev->src) == 0)
		ev->flags |= EVENT_HAS_SRC;
	else if (wl_hostname(&c))
		h->client = c;
	else
		return wl_bad(ctx, "web log: bad client address");
	if (wl_time(ctx, w, ev) != 0)
		return wl_bad(ctx, "web log: bad time stamp");
	uint64_t status, bytes;
	struct slice st = wl_get(w, WLF_STATUS), by = wl_get(w, WLF_BYTES);
	if (!by.len)
		by = wl_get(w, WLF_BYTES_TOTAL);
	if (wl_number(&st, 999, &status) != 0)
		return wl_bad(ctx, "web log: bad status");
	if (wl_number(&by, UINT64_MAX / 2, &bytes) != 0)
		return wl_bad(ctx, "web log: bad byte count");
	h->status = (uint16_t)status;
	h->bytes = bytes;
	struct slice req = wl_get(w, WLF_REQUEST);
	if (req.len)
		wl_split_request(h, req);
	if (!h->method.len)
		h->method = wl_val(w, WLF_METHOD);
	if (!h->version.len)
		h->version = wl_val(w, WLF_PROTOCOL);
	wl_target(h, w);
	h->referrer = wl_val(w, WLF_REFERER);
	h->user_agent = wl_val(w, WLF_USER_AGENT);
	h->user = wl_val(w, WLF_USER);
	wl_server(ev, h, w);
	ev->proto = IPPROTO_NUM_TCP;
	ev->action = EVENT_ACTION_ACCEPT;
	ev->outcome = EVENT_OUTCOME_OPEN;
	ev->http = h;
	return PARSE_EVENT;
}
