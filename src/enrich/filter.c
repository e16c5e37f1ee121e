/* Report filters: --include/--exclude terms on addresses (CIDR, RFC 4632 /
 * RFC 4291 prefixes), ports and protocol, and the --since/--until window
 * (ISO 8601 / RFC 3339-style dates, or a span back from now). */
#include "enrich/filter.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/timeconv.h"
#include "core/util.h"

/* More terms than this in one filter is a mistake, not a use. */
#define FILTER_MAX_TERMS 65536

void filter_init(struct filter *f)
{
	memset(f, 0, sizeof(*f));
}

void filter_fini(struct filter *f)
{
	if (!f)
		return;
	free(f->include);
	free(f->exclude);
	filter_init(f);
}

int filter_is_empty(const struct filter *f)
{
	return f->n_include == 0 && f->n_exclude == 0 && f->since_ns == 0 && f->until_ns == 0;
}

static void set_err(char *err, size_t errlen, const char *msg, const char *s, size_t len)
{
	if (!err || !errlen)
		return;
	if (s)
		snprintf(err, errlen, "%s: \"%.*s\"", msg, (int)(len > 60 ? 60 : len), s);
	else
		snprintf(err, errlen, "%s", msg);
}

static const struct {
	const char *name;
	enum filter_field field;
} field_names[] = {
	{.name = "src", .field = FILTER_SRC},
	{.name = "dst", .field = FILTER_DST},
	{.name = "port", .field = FILTER_PORT},
	{.name = "dport", .field = FILTER_PORT},
	{.name = "sport", .field = FILTER_SPORT},
	{.name = "proto", .field = FILTER_PROTO},
};

static const struct {
	const char *name;
	uint8_t num;
} proto_names[] = {
	{.name = "icmp", .num = IPPROTO_NUM_ICMP},
	{.name = "igmp", .num = IPPROTO_NUM_IGMP},
	{.name = "tcp", .num = IPPROTO_NUM_TCP},
	{.name = "udp", .num = IPPROTO_NUM_UDP},
	{.name = "gre", .num = 47},
	{.name = "esp", .num = IPPROTO_NUM_ESP},
	{.name = "ah", .num = IPPROTO_NUM_AH},
	{.name = "icmpv6", .num = IPPROTO_NUM_ICMPV6},
	{.name = "ipv6-icmp", .num = IPPROTO_NUM_ICMPV6},
	{.name = "sctp", .num = IPPROTO_NUM_SCTP},
	{.name = "udplite", .num = IPPROTO_NUM_UDPLITE},
};

static void trim(const char **s, size_t *len)
{
	while (*len && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*len)--;
	}
	while (*len && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t'))
		(*len)--;
}

static int parse_value(enum filter_field field, const char *v, size_t len,
		       struct filter_term *t, char *err, size_t errlen)
{
	memset(t, 0, sizeof(*t));
	t->field = field;
	switch (field) {
	case FILTER_SRC:
	case FILTER_DST:
		if (prefix_parse(v, len, &t->prefix) != 0) {
			set_err(err, errlen, "not an address or CIDR prefix", v, len);
			return -1;
		}
		return 0;
	case FILTER_PORT:
	case FILTER_SPORT: {
		const char *dash = memchr(v, '-', len);
		size_t l1 = dash ? (size_t)(dash - v) : len;
		uint64_t lo, hi;
		if (parse_u64(v, l1, 65535, &lo) != 0 ||
		    (dash && parse_u64(dash + 1, len - l1 - 1, 65535, &hi) != 0)) {
			set_err(err, errlen, "not a port or port range (0-65535)", v, len);
			return -1;
		}
		if (!dash)
			hi = lo;
		if (hi < lo) {
			set_err(err, errlen, "port range runs backwards", v, len);
			return -1;
		}
		t->lo = (uint32_t)lo;
		t->hi = (uint32_t)hi;
		return 0;
	}
	case FILTER_PROTO: {
		uint64_t num;
		if (parse_u64(v, len, 255, &num) == 0) {
			t->lo = t->hi = (uint32_t)num;
			return 0;
		}
		for (size_t i = 0; i < ARRAY_LEN(proto_names); i++) {
			if (strlen(proto_names[i].name) == len &&
			    strncasecmp(proto_names[i].name, v, len) == 0) {
				t->lo = t->hi = proto_names[i].num;
				return 0;
			}
		}
		set_err(err, errlen, "unknown protocol", v, len);
		return -1;
	}
	default:
		set_err(err, errlen, "unknown field", NULL, 0);
		return -1;
	}
}

int filter_add(struct filter *f, const char *expr, int exclude, char *err, size_t errlen)
{
	if (err && errlen)
		err[0] = '\0';
	if (!expr) {
		set_err(err, errlen, "empty filter expression", NULL, 0);
		return -1;
	}
	size_t len = strlen(expr);
	const char *eq = memchr(expr, '=', len);
	if (!eq) {
		set_err(err, errlen, "expected FIELD=VALUE[,VALUE...] (src, dst, port, sport, proto)",
			NULL, 0);
		return -1;
	}
	const char *name = expr;
	size_t nlen = (size_t)(eq - expr);
	trim(&name, &nlen);
	int field = -1;
	for (size_t i = 0; i < ARRAY_LEN(field_names); i++) {
		if (strlen(field_names[i].name) == nlen &&
		    strncasecmp(field_names[i].name, name, nlen) == 0)
			field = (int)field_names[i].field;
	}
	if (field < 0) {
		set_err(err, errlen, "unknown field (src, dst, port, sport, proto)", name, nlen);
		return -1;
	}

	/* Parse every value first, so a bad one leaves the filter unchanged. */
	const char *vals = eq + 1;
	size_t vlen = (size_t)(expr + len - vals);
	size_t nvals = 1;
	for (size_t i = 0; i < vlen; i++)
		nvals += vals[i] == ',';
	size_t have = exclude ? f->n_exclude : f->n_include;
	if (nvals > FILTER_MAX_TERMS || have + nvals > FILTER_MAX_TERMS) {
		set_err(err, errlen, "too many filter terms", NULL, 0);
		return -1;
	}
	struct filter_term *tmp = xmalloc(nvals * sizeof(*tmp));
	size_t n = 0, pos = 0;
	for (;;) {
		const char *comma = memchr(vals + pos, ',', vlen - pos);
		size_t end = comma ? (size_t)(comma - vals) : vlen;
		const char *v = vals + pos;
		size_t l = end - pos;
		trim(&v, &l);
		if (l == 0) {
			set_err(err, errlen, "empty value in filter", expr, len);
			free(tmp);
			return -1;
		}
		if (parse_value((enum filter_field)field, v, l, &tmp[n], err, errlen) != 0) {
			free(tmp);
			return -1;
		}
		n++;
		if (!comma)
			break;
		pos = end + 1;
	}

	if (exclude) {
		f->exclude = xgrow(f->exclude, &f->cap_exclude, f->n_exclude + n, sizeof(*tmp));
		memcpy(f->exclude + f->n_exclude, tmp, n * sizeof(*tmp));
		f->n_exclude += n;
	} else {
		f->include = xgrow(f->include, &f->cap_include, f->n_include + n, sizeof(*tmp));
		memcpy(f->include + f->n_include, tmp, n * sizeof(*tmp));
		f->n_include += n;
		f->include_fields |= 1u << field;
	}
	free(tmp);
	return 0;
}

/* Does one term hold for the event? A field the event lacks never matches. */
static int term_match(const struct filter_term *t, const struct event *ev)
{
	switch (t->field) {
	case FILTER_SRC:
		return (ev->flags & EVENT_HAS_SRC) && prefix_contains(&t->prefix, &ev->src);
	case FILTER_DST:
		return (ev->flags & EVENT_HAS_DST) && prefix_contains(&t->prefix, &ev->dst);
	case FILTER_PORT:
		return (ev->flags & EVENT_HAS_PORTS) && ev->dport >= t->lo && ev->dport <= t->hi;
	case FILTER_SPORT:
		return (ev->flags & EVENT_HAS_PORTS) && ev->sport >= t->lo && ev->sport <= t->hi;
	case FILTER_PROTO:
		return ev->proto == t->lo;
	default:
		return 0;
	}
}

int filter_match(const struct filter *f, const struct event *ev)
{
	if (f->since_ns || f->until_ns) {
		/* An event without a time cannot be shown to lie in the window. */
		if (!(ev->flags & EVENT_HAS_TIME))
			return 0;
		if (f->since_ns && ev->time_ns < f->since_ns)
			return 0;
		if (f->until_ns && ev->time_ns >= f->until_ns)
			return 0;
	}
	for (size_t i = 0; i < f->n_exclude; i++) {
		if (term_match(&f->exclude[i], ev))
			return 0;
	}
	if (f->include_fields) {
		unsigned held = 0;
		for (size_t i = 0; i < f->n_include; i++) {
			const struct filter_term *t = &f->include[i];
			if (!(held & (1u << t->field)) && term_match(t, ev))
				held |= 1u << t->field;
		}
		if (held != f->include_fields)
			return 0;
	}
	return 1;
}

/* ---- --since / --until ------------------------------------------------- */

/* Read exactly n digits at s[*pos]. */
static int digits(const char *s, size_t len, size_t *pos, size_t n, unsigned *out)
{
	if (*pos + n > len)
		return -1;
	unsigned v = 0;
	for (size_t i = 0; i < n; i++) {
		char ch = s[*pos + i];
		if (ch < '0' || ch > '9')
			return -1;
		v = v * 10 + (unsigned)(ch - '0');
	}
	*pos += n;
	*out = v;
	return 0;
}

static unsigned days_in_month(unsigned y, unsigned m)
{
	static const unsigned dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return dm[m - 1];
}

static int parse_relative(const char *s, size_t len, int64_t now_ns, int64_t *out)
{
	if (len < 2)
		return -1;
	int64_t unit;
	switch (s[len - 1]) {
	case 's': unit = 1; break;
	case 'm': unit = 60; break;
	case 'h': unit = 3600; break;
	case 'd': unit = 86400; break;
	case 'w': unit = 7 * 86400; break;
	default: return -1;
	}
	uint64_t n;
	/* 200 years is far enough back for any log. */
	if (parse_u64(s, len - 1, (uint64_t)(200LL * 366 * 86400) / (uint64_t)unit, &n) != 0)
		return -1;
	int64_t back = (int64_t)n * unit * NS_PER_SEC;
	if (now_ns < INT64_MIN + back)
		return -1;
	*out = now_ns - back;
	return 0;
}

int filter_parse_time(const char *s, int64_t now_ns, int64_t *out_ns)
{
	if (!s)
		return -1;
	size_t len = strlen(s);
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	while (len && (*s == ' ' || *s == '\t')) {
		s++;
		len--;
	}
	if (len && s[len - 1] >= 'a' && s[len - 1] <= 'z' && memchr(s, '-', len) == NULL)
		return parse_relative(s, len, now_ns, out_ns);

	size_t pos = 0;
	unsigned y, mo, d, h = 0, mi = 0, sec = 0;
	int64_t frac_ns = 0;
	if (digits(s, len, &pos, 4, &y) || pos >= len || s[pos++] != '-' ||
	    digits(s, len, &pos, 2, &mo) || pos >= len || s[pos++] != '-' ||
	    digits(s, len, &pos, 2, &d))
		return -1;
	if (y < 1970 || y > 2261 || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo))
		return -1;
	if (pos < len && (s[pos] == ' ' || s[pos] == 'T' || s[pos] == 't')) {
		pos++;
		if (digits(s, len, &pos, 2, &h) || pos >= len || s[pos++] != ':' ||
		    digits(s, len, &pos, 2, &mi))
			return -1;
		if (pos < len && s[pos] == ':') {
			pos++;
			if (digits(s, len, &pos, 2, &sec))
				return -1;
			if (pos < len && (s[pos] == '.' || s[pos] == ',')) {
				pos++;
				int64_t scale = NS_PER_SEC / 10;
				size_t start = pos;
				while (pos < len && s[pos] >= '0' && s[pos] <= '9') {
					frac_ns += (s[pos] - '0') * scale;
					scale /= 10;
					pos++;
				}
				if (pos == start)
					return -1;
			}
		}
		if (h > 23 || mi > 59 || sec > 60)
			return -1;
	}

	int64_t utc_sec;
	if (pos == len) {
		struct tz_cache tz = {0};
		utc_sec = timeconv_local_to_utc(&tz, (int)y, mo, d, h, mi, sec);
	} else {
		int64_t off = 0;
		if (s[pos] == 'Z' || s[pos] == 'z') {
			pos++;
		} else if (s[pos] == '+' || s[pos] == '-') {
			int sign = s[pos++] == '-' ? -1 : 1;
			unsigned oh, om = 0;
			if (digits(s, len, &pos, 2, &oh))
				return -1;
			if (pos < len && s[pos] == ':')
				pos++;
			if (pos < len && digits(s, len, &pos, 2, &om))
				return -1;
			if (oh > 23 || om > 59)
				return -1;
			off = sign * (int64_t)(oh * 3600 + om * 60);
		} else {
			return -1;
		}
		if (pos != len)
			return -1;
		utc_sec = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - off;
	}
	*out_ns = utc_sec * NS_PER_SEC + frac_ns;
	return 0;
}
