/* The JSON-lines scanner (see json_scan.h). Grammar: RFC 8259 sections
 * 2-7, except that strings are only scanned for their closing quote (a log
 * line holds no raw newline, and decoding, when a caller needs the text,
 * rejects bad escapes). One pass over the line, wanted members matched as
 * their keys go by. */
#include "parse/json_scan.h"

#include <limits.h>
#include <string.h>

#include "core/timeconv.h"
#include "core/util.h"

static inline int is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static inline const char *skip_ws(const char *p, const char *end)
{
	while (p < end && is_ws(*p))
		p++;
	return p;
}

static inline int is_digit(char c)
{
	return (unsigned)(unsigned char)c - '0' < 10;
}

/* p at the opening quote; returns the byte after the closing quote. A
 * byte at a time, noting escapes: most JSON strings are short, and this
 * measured faster than memchr or eight-bytes-at-a-time tests even on
 * Cowrie's long messages. */
static const char *scan_string(const char *p, const char *end, struct json_val *v)
{
	const char *s = p + 1, *q = s;
	int esc = 0;
	for (;;) {
		if (q >= end)
			return NULL;
		char c = *q;
		if (c == '"')
			break;
		if (c == '\\') {
			if (end - q < 2)
				return NULL;
			esc = 1;
			q += 2; /* the escaped byte, whatever it is */
			continue;
		}
		q++;
	}
	v->type = JSON_STRING;
	v->p = s;
	v->len = (size_t)(q - s);
	v->escaped = esc;
	return q + 1;
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static const char *scan_number(const char *p, const char *end, struct json_val *v)
{
	const char *s = p;
	if (p < end && *p == '-')
		p++;
	if (p >= end || !is_digit(*p))
		return NULL;
	if (*p == '0')
		p++;
	else
		while (p < end && is_digit(*p))
			p++;
	if (p < end && *p == '.') {
		p++;
		if (p >= end || !is_digit(*p))
			return NULL;
		while (p < end && is_digit(*p))
			p++;
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			p++;
		if (p >= end || !is_digit(*p))
			return NULL;
		while (p < end && is_digit(*p))
			p++;
	}
	v->type = JSON_NUMBER;
	v->escaped = 0;
	v->p = s;
	v->len = (size_t)(p - s);
	return p;
}

static const char *scan_literal(const char *p, const char *end, const char *lit, size_t n,
				enum json_type t, struct json_val *v)
{
	if ((size_t)(end - p) < n || memcmp(p, lit, n) != 0)
		return NULL;
	v->type = t;
	v->escaped = 0;
	v->p = p;
	v->len = n;
	return p + n;
}

static const char *scan_value(const char *p, const char *end, int depth, struct json_val *v);

/* p at '{' or '['; returns the byte after the matching bracket. */
static const char *scan_container(const char *p, const char *end, int depth, struct json_val *v)
{
	const char *s = p;
	int obj = *p == '{';
	char close = obj ? '}' : ']';
	if (depth >= JSON_MAX_DEPTH)
		return NULL;
	p = skip_ws(p + 1, end);
	if (p < end && *p == close) {
		p++;
		goto done;
	}
	for (;;) {
		struct json_val tmp;
		if (obj) {
			if (p >= end || *p != '"')
				return NULL;
			p = scan_string(p, end, &tmp);
			if (!p)
				return NULL;
			p = skip_ws(p, end);
			if (p >= end || *p != ':')
				return NULL;
			p++;
		}
		p = scan_value(p, end, depth + 1, &tmp);
		if (!p)
			return NULL;
		p = skip_ws(p, end);
		if (p >= end)
			return NULL;
		if (*p == ',') {
			p = skip_ws(p + 1, end);
			continue;
		}
		if (*p != close)
			return NULL;
		p++;
		break;
	}
done:
	v->type = obj ? JSON_OBJECT : JSON_ARRAY;
	v->escaped = 0;
	v->p = s;
	v->len = (size_t)(p - s);
	return p;
}

static const char *scan_value(const char *p, const char *end, int depth, struct json_val *v)
{
	p = skip_ws(p, end);
	if (p >= end)
		return NULL;
	switch (*p) {
	case '"': return scan_string(p, end, v);
	case '{':
	case '[': return scan_container(p, end, depth, v);
	case 't': return scan_literal(p, end, "true", 4, JSON_TRUE, v);
	case 'f': return scan_literal(p, end, "false", 5, JSON_FALSE, v);
	case 'n': return scan_literal(p, end, "null", 4, JSON_NULL, v);
	default: return scan_number(p, end, v);
	}
}

const char *json_value(const char *p, const char *end, struct json_val *v)
{
	if (!p || p > end)
		return NULL;
	return scan_value(p, end, 0, v);
}

/* ---- extraction --------------------------------------------------------- */

struct extract {
	struct json_want *want;
	size_t n;
	size_t plen[JSON_MAX_WANT];
	size_t dot0[JSON_MAX_WANT]; /* the first '.' of the path, or plen */
	int mdepth[JSON_MAX_WANT];  /* level of the match kept (shallower wins) */
};

/* memcmp for the short texts of keys: inline, no call. */
static inline int eq_bytes(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (a[i] != b[i])
			return 0;
	return 1;
}

/* A key's text for comparison: raw when unescaped, else decoded into buf. */
static int key_text(const struct json_val *k, char *buf, size_t cap, const char **t, size_t *n)
{
	if (!k->escaped) {
		*t = k->p;
		*n = k->len;
		return 0;
	}
	long r = json_decode(k, buf, cap);
	if (r < 0)
		return -1;
	*t = buf;
	*n = (size_t)r;
	return 0;
}

/* p at '{'. off[i] is how much of want i's path the levels above consumed
 * (SIZE_MAX: want i does not lead here). */
/* Wants are looked up by a key's length and first byte: a bucket holds a
 * bit for each want whose next path segment (or whole rest) could be that
 * key, so most keys cost one load and the rest a memcmp or two. */
#define EX_BUCKETS 64
static inline unsigned ex_bucket(size_t n, unsigned char c)
{
	return (unsigned)((n & 7) << 3 | (c & 7));
}

/* p at '{'. off[i] is how much of want i's path the levels above consumed
 * (SIZE_MAX: want i does not lead here). */
static const char *extract_object(struct extract *x, const char *p, const char *end, int depth,
				  const size_t *off)
{
	if (depth >= JSON_MAX_DEPTH)
		return NULL;
	/* live: the wants that may still match here; one leaves at its first
	 * match (the first of equal depth wins) */
	uint32_t live = 0;
	uint32_t tab[EX_BUCKETS];
	memset(tab, 0, sizeof(tab));
	for (size_t i = 0; i < x->n; i++) {
		if (off[i] == SIZE_MAX || x->mdepth[i] <= depth)
			continue;
		const char *rest = x->want[i].path + off[i];
		size_t rn = x->plen[i] - off[i];
		if (rn == 0)
			continue;
		live |= 1u << i;
		tab[ex_bucket(rn, (unsigned char)rest[0])] |= 1u << i;
		size_t seg;
		if (off[i] == 0) {
			seg = x->dot0[i];
		} else {
			seg = 0;
			while (seg < rn && rest[seg] != '.')
				seg++;
		}
		if (seg > 0 && seg < rn)
			tab[ex_bucket(seg, (unsigned char)rest[0])] |= 1u << i;
	}
	p = skip_ws(p + 1, end);
	if (p < end && *p == '}')
		return p + 1;
	for (;;) {
		struct json_val key, val;
		if (p >= end || *p != '"')
			return NULL;
		p = scan_string(p, end, &key);
		if (!p)
			return NULL;
		p = skip_ws(p, end);
		if (p >= end || *p != ':')
			return NULL;
		p = skip_ws(p + 1, end);
		if (p >= end)
			return NULL;

		char kbuf[128];
		const char *kt = NULL;
		size_t kn = 0;
		uint32_t exact = 0; /* wants this key names exactly */
		size_t sub[JSON_MAX_WANT];
		int descend = 0;
		uint32_t cand = 0;
		if (live) {
			if (!key.escaped) {
				kt = key.p;
				kn = key.len;
			} else if (key_text(&key, kbuf, sizeof(kbuf), &kt, &kn) != 0) {
				kn = 0;
			}
			if (kn)
				cand = tab[ex_bucket(kn, (unsigned char)kt[0])] & live;
		}
		while (cand) {
			size_t i = (size_t)__builtin_ctz(cand);
			cand &= cand - 1;
			if (x->mdepth[i] <= depth)
				continue;
			const char *rest = x->want[i].path + off[i];
			size_t rn = x->plen[i] - off[i];
			if (rn < kn || !eq_bytes(rest, kt, kn))
				continue;
			if (rn == kn) {
				exact |= 1u << i;
			} else if (rest[kn] == '.' && *p == '{') {
				if (!descend) {
					for (size_t j = 0; j < x->n; j++)
						sub[j] = SIZE_MAX;
					descend = 1;
				}
				sub[i] = off[i] + kn + 1;
			}
		}
		const char *vs = p;
		if (descend)
			p = extract_object(x, p, end, depth + 1, sub);
		else
			p = scan_value(p, end, depth + 1, &val);
		if (!p)
			return NULL;
		if (exact) {
			if (descend) {
				val.type = JSON_OBJECT;
				val.escaped = 0;
				val.p = vs;
				val.len = (size_t)(p - vs);
			}
			for (uint32_t m = exact; m; m &= m - 1) {
				size_t i = (size_t)__builtin_ctz(m);
				x->want[i].val = val;
				x->mdepth[i] = depth;
			}
			live &= ~exact;
		}
		p = skip_ws(p, end);
		if (p >= end)
			return NULL;
		if (*p == ',') {
			p = skip_ws(p + 1, end);
			continue;
		}
		if (*p != '}')
			return NULL;
		return p + 1;
	}
}

/* The length and first '.' of a path. Parsers pass the same static
 * strings line after line, so the answer is remembered per string (per
 * thread: no locking) and a line costs a load per path, not a scan. */
static void path_info(const char *path, size_t *len, size_t *dot0)
{
	static _Thread_local struct {
		const char *path;
		size_t len, dot0;
	} memo[64];
	size_t h = (size_t)((uintptr_t)path >> 3 ^ (uintptr_t)path >> 9) & 63;
	if (memo[h].path != path) {
		size_t k = 0, dot = SIZE_MAX;
		for (; path[k]; k++)
			if (path[k] == '.' && dot == SIZE_MAX)
				dot = k;
		memo[h].path = path;
		memo[h].len = k;
		memo[h].dot0 = dot == SIZE_MAX ? k : dot;
	}
	*len = memo[h].len;
	*dot0 = memo[h].dot0;
}

int json_extract(const char *line, size_t len, struct json_want *want, size_t n)
{
	if (n > JSON_MAX_WANT)
		return -1;
	struct extract x;
	size_t off[JSON_MAX_WANT];
	x.want = want;
	x.n = n;
	for (size_t i = 0; i < n; i++) {
		want[i].val.type = JSON_NONE;
		want[i].val.escaped = 0;
		want[i].val.p = NULL;
		want[i].val.len = 0;
		path_info(want[i].path, &x.plen[i], &x.dot0[i]);
		x.mdepth[i] = INT_MAX;
		off[i] = 0;
	}
	const char *end = line + len;
	const char *p = skip_ws(line, end);
	if (p >= end || *p != '{')
		return -1;
	p = extract_object(&x, p, end, 0, off);
	if (!p)
		return -1;
	p = skip_ws(p, end);
	return p == end ? 0 : -1;
}

/* ---- walking ------------------------------------------------------------ */

int json_iter_init(struct json_iter *it, const struct json_val *obj)
{
	if (obj->type != JSON_OBJECT || obj->len < 2) {
		it->p = it->end = NULL;
		it->first = 0;
		return -1;
	}
	it->p = obj->p + 1;
	it->end = obj->p + obj->len - 1; /* the closing brace */
	it->first = 1;
	return 0;
}

int json_iter_next(struct json_iter *it, struct json_val *key, struct json_val *val)
{
	if (!it->p)
		return 0;
	const char *p = skip_ws(it->p, it->end);
	if (p >= it->end)
		return 0;
	if (!it->first) {
		if (*p != ',')
			return -1;
		p = skip_ws(p + 1, it->end);
	}
	it->first = 0;
	if (p >= it->end || *p != '"')
		return -1;
	p = scan_string(p, it->end, key);
	if (!p)
		return -1;
	p = skip_ws(p, it->end);
	if (p >= it->end || *p != ':')
		return -1;
	p = scan_value(p + 1, it->end, 1, val);
	if (!p)
		return -1;
	it->p = p;
	return 1;
}

int json_first_elem(const struct json_val *arr, struct json_val *out)
{
	out->type = JSON_NONE;
	out->escaped = 0;
	out->p = NULL;
	out->len = 0;
	if (arr->type != JSON_ARRAY || arr->len < 2)
		return 0;
	const char *end = arr->p + arr->len - 1;
	const char *p = skip_ws(arr->p + 1, end);
	if (p >= end)
		return 0;
	return scan_value(p, end, 1, out) ? 0 : -1;
}

/* ---- strings ------------------------------------------------------------ */

static int hex4(const char *p, unsigned *out)
{
	unsigned v = 0;
	for (int i = 0; i < 4; i++) {
		unsigned c = (unsigned char)p[i], d;
		if (c - '0' < 10)
			d = c - '0';
		else if ((c | 0x20) - 'a' < 6)
			d = (c | 0x20) - 'a' + 10;
		else
			return -1;
		v = v << 4 | d;
	}
	*out = v;
	return 0;
}

long json_decode(const struct json_val *v, char *buf, size_t cap)
{
	if (v->type != JSON_STRING)
		return -1;
	const char *p = v->p, *end = v->p + v->len;
	size_t n = 0;
	while (p < end) {
		const char *bs = memchr(p, '\\', (size_t)(end - p));
		size_t run = bs ? (size_t)(bs - p) : (size_t)(end - p);
		if (run > cap - n)
			return -1;
		memcpy(buf + n, p, run);
		n += run;
		if (!bs)
			break;
		p = bs + 1;
		if (p >= end)
			return -1;
		char c = *p++, out;
		switch (c) {
		case '"': out = '"'; break;
		case '\\': out = '\\'; break;
		case '/': out = '/'; break;
		case 'b': out = '\b'; break;
		case 'f': out = '\f'; break;
		case 'n': out = '\n'; break;
		case 'r': out = '\r'; break;
		case 't': out = '\t'; break;
		case 'u': {
			unsigned cp;
			if (end - p < 4 || hex4(p, &cp) != 0)
				return -1;
			p += 4;
			if (cp >= 0xDC00 && cp <= 0xDFFF)
				return -1;
			if (cp >= 0xD800 && cp <= 0xDBFF) {
				unsigned lo;
				if (end - p < 6 || p[0] != '\\' || p[1] != 'u' || hex4(p + 2, &lo) != 0 ||
				    lo < 0xDC00 || lo > 0xDFFF)
					return -1;
				p += 6;
				cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
			}
			char u[4];
			size_t k;
			if (cp < 0x80) {
				u[0] = (char)cp;
				k = 1;
			} else if (cp < 0x800) {
				u[0] = (char)(0xC0 | cp >> 6);
				u[1] = (char)(0x80 | (cp & 0x3F));
				k = 2;
			} else if (cp < 0x10000) {
				u[0] = (char)(0xE0 | cp >> 12);
				u[1] = (char)(0x80 | (cp >> 6 & 0x3F));
				u[2] = (char)(0x80 | (cp & 0x3F));
				k = 3;
			} else {
				u[0] = (char)(0xF0 | cp >> 18);
				u[1] = (char)(0x80 | (cp >> 12 & 0x3F));
				u[2] = (char)(0x80 | (cp >> 6 & 0x3F));
				u[3] = (char)(0x80 | (cp & 0x3F));
				k = 4;
			}
			if (k > cap - n)
				return -1;
			memcpy(buf + n, u, k);
			n += k;
			continue;
		}
		default: return -1;
		}
		if (n >= cap)
			return -1;
		buf[n++] = out;
	}
	return (long)n;
}

long json_text(const struct json_val *v, char *buf, size_t cap, const char **text)
{
	if (v->type != JSON_STRING)
		return -1;
	if (!v->escaped) {
		if (v->len > cap)
			return -1;
		*text = v->p;
		return (long)v->len;
	}
	long r = json_decode(v, buf, cap);
	if (r >= 0)
		*text = buf;
	return r;
}

int json_str_eq(const struct json_val *v, const char *lit, size_t n)
{
	if (v->type != JSON_STRING)
		return 0;
	if (!v->escaped)
		return v->len == n && memcmp(v->p, lit, n) == 0;
	char buf[256];
	long r = json_decode(v, buf, sizeof(buf));
	return r >= 0 && (size_t)r == n && memcmp(buf, lit, n) == 0;
}

int json_str_starts(const struct json_val *v, const char *lit, size_t n)
{
	if (v->type != JSON_STRING)
		return 0;
	if (!v->escaped)
		return v->len >= n && memcmp(v->p, lit, n) == 0;
	char buf[256];
	long r = json_decode(v, buf, sizeof(buf));
	return r >= 0 && (size_t)r >= n && memcmp(buf, lit, n) == 0;
}

/* ---- numbers ------------------------------------------------------------ */

int json_uint(const struct json_val *v, uint64_t max, uint64_t *out)
{
	if ((v->type != JSON_NUMBER && v->type != JSON_STRING) || v->escaped)
		return -1;
	return parse_u64(v->p, v->len, max, out);
}

int json_epoch_ns(const struct json_val *v, int64_t *ns)
{
	if ((v->type != JSON_NUMBER && v->type != JSON_STRING) || v->escaped)
		return -1;
	const char *p = v->p, *end = v->p + v->len;
	const char *dot = memchr(p, '.', v->len);
	const char *ie = dot ? dot : end;
	uint64_t sec;
	if (parse_u64(p, (size_t)(ie - p), JSON_EPOCH_MAX, &sec) != 0)
		return -1;
	uint64_t frac = 0;
	if (dot) {
		const char *f = dot + 1;
		if (f >= end)
			return -1;
		int digits = 0;
		for (; f < end; f++) {
			if (!is_digit(*f))
				return -1;
			if (digits < 9) {
				frac = frac * 10 + (uint64_t)(*f - '0');
				digits++;
			}
		}
		while (digits++ < 9)
			frac *= 10;
	}
	*ns = (int64_t)sec * NS_PER_SEC + (int64_t)frac;
	return 0;
}

int json_addr(const struct json_val *v, struct ip_addr *out)
{
	char buf[ADDR_STRLEN];
	const char *t;
	long n = json_text(v, buf, sizeof(buf), &t);
	if (n <= 0)
		return -1;
	return addr_parse(t, (size_t)n, out);
}

static int digits_at(const char *p, int n, unsigned *out)
{
	unsigned v = 0;
	for (int i = 0; i < n; i++) {
		if (!is_digit(p[i]))
			return -1;
		v = v * 10 + (unsigned)(p[i] - '0');
	}
	*out = v;
	return 0;
}

int json_iso_time(const char *s, size_t n, int64_t *ns, int *zoned)
{
	unsigned y, mo, d, h, mi, sec;
	if (n < 19 || digits_at(s, 4, &y) || s[4] != '-' || digits_at(s + 5, 2, &mo) ||
	    s[7] != '-' || digits_at(s + 8, 2, &d) || (s[10] != 'T' && s[10] != ' ') ||
	    digits_at(s + 11, 2, &h) || s[13] != ':' || digits_at(s + 14, 2, &mi) ||
	    s[16] != ':' || digits_at(s + 17, 2, &sec))
		return -1;
	/* 60 for a leap second, which the arithmetic below folds into the
	 * next minute */
	if (y < JSON_YEAR_MIN || y > JSON_YEAR_MAX || mo < 1 || mo > 12 || d < 1 || d > 31 ||
	    h > 23 || mi > 59 || sec > 60)
		return -1;
	const char *p = s + 19, *end = s + n;
	uint64_t frac = 0;
	if (p < end && (*p == '.' || *p == ',')) {
		p++;
		int digits = 0;
		if (p >= end || !is_digit(*p))
			return -1;
		for (; p < end && is_digit(*p); p++)
			if (digits < 9) {
				frac = frac * 10 + (uint64_t)(*p - '0');
				digits++;
			}
		while (digits++ < 9)
			frac *= 10;
	}
	int64_t off = 0;
	*zoned = 0;
	if (p < end) {
		unsigned oh, om = 0;
		if ((*p == 'Z' || *p == 'z') && p + 1 == end) {
			*zoned = 1;
		} else if ((*p == '+' || *p == '-') && end - p >= 3 && digits_at(p + 1, 2, &oh) == 0) {
			size_t rest = (size_t)(end - p);
			if (rest == 6 && p[3] == ':' && digits_at(p + 4, 2, &om) == 0)
				;
			else if (rest == 5 && digits_at(p + 3, 2, &om) == 0)
				;
			else if (rest != 3)
				return -1;
			if (oh > 23 || om > 59)
				return -1;
			off = (int64_t)(oh * 3600 + om * 60);
			if (*p == '-')
				off = -off;
			*zoned = 1;
		} else {
			return -1;
		}
	}
	int64_t t = days_from_civil((int64_t)y, mo, d) * 86400 + (int64_t)h * 3600 +
		    (int64_t)mi * 60 + (int64_t)sec - off;
	*ns = t * NS_PER_SEC + (int64_t)frac;
	return 0;
}

int json_epoch_auto_ns(const struct json_val *v, int64_t *ns)
{
	uint64_t x;
	if ((v->type != JSON_NUMBER && v->type != JSON_STRING) || v->escaped ||
	    parse_u64(v->p, v->len, UINT64_MAX, &x) != 0)
		return -1;
	uint64_t mul, max;
	if (x < 100000000000ULL) {
		mul = 1000000000;
		max = (uint64_t)JSON_EPOCH_MAX;
	} else if (x < 100000000000000ULL) {
		mul = 1000000;
		max = (uint64_t)JSON_EPOCH_MAX * 1000 + 999;
	} else if (x < 100000000000000000ULL) {
		mul = 1000;
		max = (uint64_t)JSON_EPOCH_MAX * 1000000 + 999999;
	} else {
		mul = 1;
		max = (uint64_t)JSON_EPOCH_MAX * 1000000000 + 999999999;
	}
	if (x > max)
		return -1;
	*ns = (int64_t)(x * mul);
	return 0;
}
