/* Zeek's conn.log, one record per connection, in both of Zeek's writers:
 *  - ASCII (TSV): "#separator \x09", "#unset_field -", "#path conn",
 *    "#fields ts uid id.orig_h ..." and "#types ..." header lines name the
 *    columns; the columns are found from #fields, not assumed. Data lines
 *    met before any #fields (a header cut off by grep or tail) are read
 *    with the default conn.log column order of Zeek 2.x-6.x.
 *  - JSON (LogAscii::use_json): one object a line with the flat keys
 *    "ts", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "proto",
 *    "conn_state", "history".
 * ts is epoch seconds with a fraction (or ISO 8601 when Zeek is set to
 * write that), UTC. For ICMP, Zeek puts the type in id.orig_p and the code
 * in id.resp_p.
 *
 * conn_state -> outcome (Zeek's base/protocols/conn/main.zeek):
 *   S0      attempt seen, no reply                     no_answer
 *   REJ     attempt rejected (RST to the SYN)          closed
 *   S1 SF S2 S3  established (and maybe closed)        open
 *   RSTO RSTR    established, then reset               open
 *   RSTOS0  originator SYN then RST, no SYN-ACK         no_answer
 *   SH      originator SYN then FIN, no SYN-ACK         no_answer
 *   RSTRH   responder SYN-ACK then RST, no SYN seen     open
 *   SHR     responder SYN-ACK (UDP: a reply) then FIN   open
 *   OTH     no SYN, midstream traffic                  unknown
 * detail = conn_state as written. tcp_flags = the originator's first
 * packet as history's first upper-case letter tells it (S: SYN, H:
 * SYN-ACK, A: ACK, F: FIN, R: RST); other first letters leave them unset.
 * Zeek is a passive monitor: action log. count 1 (one connection). Other
 * Zeek logs (a #path other than conn, JSON without conn_state) are other. */
#include <string.h>

#include "core/util.h"
#include "parse/fwlog_util.h"
#include "parse/json_scan.h"
#include "parse/parser.h"

enum { ZC_TS, ZC_ORIG_H, ZC_ORIG_P, ZC_RESP_H, ZC_RESP_P, ZC_PROTO, ZC_STATE, ZC_HISTORY, ZC_N };

static const char *const zc_names[ZC_N] = {
	"ts", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "proto", "conn_state", "history",
};

/* Zeek 2.x-6.x conn.log: ts uid id.orig_h id.orig_p id.resp_h id.resp_p
 * proto service duration orig_bytes resp_bytes conn_state local_orig
 * local_resp missed_bytes history ... */
static const int16_t zc_default_cols[ZC_N] = {0, 2, 3, 4, 5, 6, 11, 15};

#define ZC_MAX_COLS 255

struct zeek_state {
	int have_fields;       /* a #fields line was read */
	int path_not_conn;     /* #path names another log */
	int fields_not_conn;   /* #fields lacks conn_state or id.orig_h */
	char sep;              /* from #separator */
	int16_t col[ZC_N];     /* column of each field, -1 if absent */
	int16_t max_col;
	uint8_t unset_len;
	char unset[15];        /* #unset_field, "-" by default */
};

/* ---- one connection ----------------------------------------------------- */

static const struct {
	char name[8];
	uint8_t outcome;
} zc_states[] = {
	{"S0", EVENT_OUTCOME_NO_ANSWER},   {"REJ", EVENT_OUTCOME_CLOSED},
	{"S1", EVENT_OUTCOME_OPEN},	   {"SF", EVENT_OUTCOME_OPEN},
	{"S2", EVENT_OUTCOME_OPEN},	   {"S3", EVENT_OUTCOME_OPEN},
	{"RSTO", EVENT_OUTCOME_OPEN},	   {"RSTR", EVENT_OUTCOME_OPEN},
	{"RSTOS0", EVENT_OUTCOME_NO_ANSWER}, {"SH", EVENT_OUTCOME_NO_ANSWER},
	{"RSTRH", EVENT_OUTCOME_OPEN},	   {"SHR", EVENT_OUTCOME_OPEN},
	{"OTH", EVENT_OUTCOME_UNKNOWN},
};

static uint8_t zc_outcome(const char *s, size_t n)
{
	if (n == 0 || n > 6)
		return EVENT_OUTCOME_UNKNOWN;
	for (size_t i = 0; i < sizeof(zc_states) / sizeof(zc_states[0]); i++)
		if (zc_states[i].name[0] == s[0] && zc_states[i].name[n] == '\0' &&
		    memcmp(zc_states[i].name, s, n) == 0)
			return zc_states[i].outcome;
	return EVENT_OUTCOME_UNKNOWN;
}

static void zc_history(const char *s, size_t n, struct event *ev)
{
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '^')
			continue; /* "flipped": the letters after it are as logged */
		if (c < 'A' || c > 'Z')
			continue; /* the responder's */
		uint8_t f;
		switch (c) {
		case 'S': f = TCP_FLAG_SYN; break;
		case 'H': f = TCP_FLAG_SYN | TCP_FLAG_ACK; break;
		case 'A': f = TCP_FLAG_ACK; break;
		case 'F': f = TCP_FLAG_FIN; break;
		case 'R': f = TCP_FLAG_RST; break;
		default: return;
		}
		ev->tcp_flags = f;
		ev->flags |= EVENT_HAS_TCP_FLAGS;
		return;
	}
}

/* The text of each field of one record, in either writer. */
struct zc_rec {
	const char *s[ZC_N];
	size_t n[ZC_N];
	int num_ts; /* ts was a JSON number */
};

static enum parse_result zc_bad(struct parse_ctx *ctx, const char *why)
{
	ctx->reason = why;
	return PARSE_MALFORMED;
}

static enum parse_result zc_event(struct parse_ctx *ctx, const struct zc_rec *r, struct event *ev)
{
	if (!r->s[ZC_STATE])
		return PARSE_OTHER; /* not conn.log */
	if (!r->s[ZC_ORIG_H] || addr_parse(r->s[ZC_ORIG_H], r->n[ZC_ORIG_H], &ev->src) != 0)
		return zc_bad(ctx, "zeek: missing or bad id.orig_h");
	if (!r->s[ZC_RESP_H] || addr_parse(r->s[ZC_RESP_H], r->n[ZC_RESP_H], &ev->dst) != 0)
		return zc_bad(ctx, "zeek: missing or bad id.resp_h");
	ev->flags |= EVENT_HAS_SRC | EVENT_HAS_DST;

	/* ts: epoch seconds, or ISO 8601 */
	struct json_val tv = {JSON_NUMBER, 0, r->s[ZC_TS], r->n[ZC_TS]};
	int zoned;
	if (!r->s[ZC_TS] || (json_epoch_ns(&tv, &ev->time_ns) != 0 &&
			      (r->num_ts || json_iso_time(r->s[ZC_TS], r->n[ZC_TS], &ev->time_ns,
							  &zoned) != 0)))
		return zc_bad(ctx, "zeek: missing or bad ts");
	ev->flags |= EVENT_HAS_TIME;

	int proto = r->s[ZC_PROTO] ? fwl_proto(r->s[ZC_PROTO], r->n[ZC_PROTO]) : -1;
	if (proto < 0)
		proto = 0; /* "unknown_transport" */
	if (proto == IPPROTO_NUM_ICMP && !addr_is_v4(&ev->src))
		proto = IPPROTO_NUM_ICMPV6;
	ev->proto = (uint8_t)proto;

	uint64_t op = 0, rp = 0;
	int have_p = r->s[ZC_ORIG_P] && r->s[ZC_RESP_P] &&
		     parse_u64(r->s[ZC_ORIG_P], r->n[ZC_ORIG_P], 65535, &op) == 0 &&
		     parse_u64(r->s[ZC_RESP_P], r->n[ZC_RESP_P], 65535, &rp) == 0;
	if (!have_p && r->s[ZC_ORIG_P] && r->s[ZC_RESP_P])
		return zc_bad(ctx, "zeek: bad id.orig_p or id.resp_p");
	if (have_p) {
		if (proto == IPPROTO_NUM_ICMP || proto == IPPROTO_NUM_ICMPV6) {
			if (op > 255 || rp > 255)
				return zc_bad(ctx, "zeek: bad ICMP type/code");
			ev->icmp_type = (uint8_t)op;
			ev->icmp_code = (uint8_t)rp;
			ev->flags |= EVENT_HAS_ICMP;
		} else {
			ev->sport = (uint16_t)op;
			ev->dport = (uint16_t)rp;
			ev->flags |= EVENT_HAS_PORTS;
		}
	}
	ev->outcome = zc_outcome(r->s[ZC_STATE], r->n[ZC_STATE]);
	fwl_slice(&ev->detail, r->s[ZC_STATE], r->s[ZC_STATE] + r->n[ZC_STATE]);
	if (proto == IPPROTO_NUM_TCP && r->s[ZC_HISTORY])
		zc_history(r->s[ZC_HISTORY], r->n[ZC_HISTORY], ev);
	ev->action = EVENT_ACTION_LOG;
	return PARSE_EVENT;
}

/* ---- JSON --------------------------------------------------------------- */

static enum parse_result zc_json(struct parse_ctx *ctx, const char *p, const char *end,
				 struct event *ev)
{
	struct json_want w[ZC_N + 1];
	for (size_t i = 0; i < ZC_N; i++)
		w[i].path = zc_names[i];
	w[ZC_N].path = "uid";
	if (json_extract(p, (size_t)(end - p), w, ZC_N + 1) != 0) {
		if (fwl_find(p, end, FWL_LIT("\"id.orig_h\""))) {
			ctx->reason = "zeek: not one complete JSON object";
			return PARSE_MALFORMED;
		}
		return PARSE_UNKNOWN;
	}
	if (w[ZC_ORIG_H].val.type == JSON_NONE || w[ZC_N].val.type == JSON_NONE)
		return PARSE_UNKNOWN;
	struct zc_rec r;
	memset(&r, 0, sizeof(r));
	for (size_t i = 0; i < ZC_N; i++) {
		const struct json_val *v = &w[i].val;
		/* addresses, states and stamps are never escaped; an escaped
		 * one is refused below as a bad value */
		if ((v->type == JSON_STRING || v->type == JSON_NUMBER) && !v->escaped) {
			r.s[i] = v->p;
			r.n[i] = v->len;
		} else if (v->type != JSON_NONE && v->type != JSON_NULL) {
			r.s[i] = "";
			r.n[i] = 0;
		}
	}
	r.num_ts = w[ZC_TS].val.type == JSON_NUMBER;
	return zc_event(ctx, &r, ev);
}

/* ---- TSV ---------------------------------------------------------------- */

/* "#separator \x09": the separator byte. */
static int zc_read_sep(const char *v, const char *end, char *out)
{
	uint64_t x;
	if (end - v == 4 && v[0] == '\\' && v[1] == 'x' && parse_hex_u64(v + 2, 2, 255, &x) == 0) {
		*out = (char)x;
		return 0;
	}
	if (end - v == 1) {
		*out = *v;
		return 0;
	}
	return -1;
}

static enum parse_result zc_header(struct parse_ctx *ctx, struct zeek_state *st, const char *p,
				   const char *end)
{
	if (fwl_starts(p, end, FWL_LIT("#separator "))) {
		char sep;
		if (zc_read_sep(p + 11, end, &sep) != 0)
			return zc_bad(ctx, "zeek: bad #separator");
		if (st)
			st->sep = sep;
		return PARSE_OTHER;
	}
	char sep = st && st->sep ? st->sep : '\t';
	const char *tab = memchr(p, sep, (size_t)(end - p));
	const char *name_end = tab ? tab : end;
	if (!st)
		return PARSE_OTHER;
	const char *v = tab ? tab + 1 : end;
	if (name_end - p == 5 && memcmp(p, "#path", 5) == 0) {
		st->path_not_conn = !(end - v == 4 && memcmp(v, "conn", 4) == 0);
	} else if (name_end - p == 12 && memcmp(p, "#unset_field", 12) == 0) {
		if ((size_t)(end - v) > sizeof(st->unset))
			return zc_bad(ctx, "zeek: #unset_field too long");
		memcpy(st->unset, v, (size_t)(end - v));
		st->unset_len = (uint8_t)(end - v);
	} else if (name_end - p == 7 && memcmp(p, "#fields", 7) == 0) {
		for (size_t i = 0; i < ZC_N; i++)
			st->col[i] = -1;
		st->max_col = -1;
		int col = 0;
		const char *f = v;
		for (;;) {
			const char *fe = memchr(f, sep, (size_t)(end - f));
			const char *stop = fe ? fe : end;
			for (size_t i = 0; i < ZC_N; i++)
				if ((size_t)(stop - f) == strlen(zc_names[i]) &&
				    memcmp(f, zc_names[i], (size_t)(stop - f)) == 0 && st->col[i] < 0) {
					st->col[i] = (int16_t)col;
					if (col > st->max_col)
						st->max_col = (int16_t)col;
				}
			col++;
			if (!fe || col > ZC_MAX_COLS)
				break;
			f = fe + 1;
		}
		if (col > ZC_MAX_COLS)
			return zc_bad(ctx, "zeek: more than 255 #fields");
		st->have_fields = 1;
		st->fields_not_conn = st->col[ZC_STATE] < 0 || st->col[ZC_ORIG_H] < 0;
	}
	return PARSE_OTHER;
}

static enum parse_result zc_tsv(struct parse_ctx *ctx, struct zeek_state *st, const char *p,
				const char *end, struct event *ev)
{
	const int16_t *cols = st && st->have_fields ? st->col : zc_default_cols;
	if (st && (st->path_not_conn || st->fields_not_conn))
		return PARSE_OTHER;
	char sep = st && st->sep ? st->sep : '\t';
	const char *unset = st && st->unset_len ? st->unset : "-";
	size_t unset_len = st && st->unset_len ? st->unset_len : 1;
	int16_t max_col = st && st->have_fields ? st->max_col : 15;

	struct zc_rec r;
	memset(&r, 0, sizeof(r));
	/* which field each column up to max_col holds (ZC_N: none) */
	uint8_t field_of[ZC_MAX_COLS + 1];
	memset(field_of, ZC_N, (size_t)max_col + 1);
	for (size_t i = 0; i < ZC_N; i++)
		if (cols[i] >= 0)
			field_of[cols[i]] = (uint8_t)i;
	const char *f = p;
	for (int col = 0; col <= max_col; col++) {
		if (!f)
			return zc_bad(ctx, "zeek: fewer columns than #fields names");
		/* a byte loop: columns are shorter than memchr's set-up */
		const char *stop = f;
		while (stop < end && *stop != sep)
			stop++;
		size_t i = field_of[col];
		if (i < ZC_N) {
			size_t n = (size_t)(stop - f);
			if (!(n == unset_len && memcmp(f, unset, n) == 0)) {
				r.s[i] = f;
				r.n[i] = n;
			}
		}
		f = stop < end ? stop + 1 : NULL;
	}
	if (cols[ZC_STATE] >= 0 && !r.s[ZC_STATE]) {
		/* conn_state unset: still a connection, of unknown fate */
		r.s[ZC_STATE] = "";
		r.n[ZC_STATE] = 0;
	}
	return zc_event(ctx, &r, ev);
}

static enum parse_result zeek_parse_line(struct parse_ctx *ctx, const char *line, size_t len,
					 struct event *ev)
{
	const char *end = fwl_eol(line, len);
	struct zeek_state *st = ctx->state;
	if (line >= end)
		return PARSE_UNKNOWN;
	if (*line == '#')
		return zc_header(ctx, st, line, end);
	if (*line == '{')
		return zc_json(ctx, line, end, ev);
	/* a TSV record: in the default layout it starts with ts */
	if (!(st && st->have_fields) && !fwl_digit(*line))
		return PARSE_UNKNOWN;
	return zc_tsv(ctx, st, line, end, ev);
}

static int zeek_detect(const char *line, size_t len)
{
	const char *end = fwl_eol(line, len);
	if (line >= end)
		return 0;
	if (*line == '#') {
		if (fwl_starts(line, end, FWL_LIT("#path\tconn")) ||
		    fwl_starts(line, end, FWL_LIT("#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h")))
			return 95;
		return fwl_starts(line, end, FWL_LIT("#separator \\x09")) ? 50 : 0;
	}
	struct parse_ctx ctx;
	struct event ev;
	parse_ctx_init(&ctx, 0, 0, NULL);
	event_clear(&ev);
	if (*line == '{') {
		if (!fwl_find(line, end, FWL_LIT("\"conn_state\"")))
			return 0;
		return zc_json(&ctx, line, end, &ev) == PARSE_EVENT ? 95 : 0;
	}
	/* a headerless TSV record in the default layout, with a fractional
	 * ts and a known protocol: strict enough not to take other TSV */
	if (!fwl_digit(*line) || zc_tsv(&ctx, NULL, line, end, &ev) != PARSE_EVENT)
		return 0;
	const char *tab = memchr(line, '\t', (size_t)(end - line));
	if (!tab || !memchr(line, '.', (size_t)(tab - line)) || ev.proto == 0)
		return 0;
	return 70;
}

static const struct parser_example zeek_examples[] = {
	{"JSON: a SYN with no answer (stratosphereips/security-datasets-for-testing)",
	 "{\"ts\":1664464850.117582,\"uid\":\"CCdkqP124x8Wudv6gi\",\"id.orig_h\":\"172.16.1.11\","
	 "\"id.orig_p\":35356,\"id.resp_h\":\"172.16.1.1\",\"id.resp_p\":443,\"proto\":\"tcp\","
	 "\"conn_state\":\"S0\",\"local_orig\":true,\"local_resp\":true,\"missed_bytes\":0,"
	 "\"history\":\"S\",\"orig_pkts\":1,\"orig_ip_bytes\":44,\"resp_pkts\":0,"
	 "\"resp_ip_bytes\":0}"},
	{"TSV record (Zeek's documentation, \"Zeek Log Formats and Inspection\")",
	 "1591367999.305988\tCazOhH2qDUiJTWMCY\t192.168.4.76\t36844\t192.168.4.1\t53\tudp\tdns\t"
	 "0.066852\t62\t141\tSF\t-\t-\t0\tDd\t2\t118\t2\t197\t-"},
	{NULL, NULL},
};

const struct parser parser_zeek_conn = {
	.name = "zeek_conn",
	.summary = "Zeek (Bro) conn.log, TSV with its #fields header or JSON lines: one "
		   "record per connection with its conn_state",
	.time_note = "ts is UTC epoch seconds with a fraction (or ISO 8601 with its zone)",
	.examples = zeek_examples,
	.detect = zeek_detect,
	.parse_line = zeek_parse_line,
	.state_size = sizeof(struct zeek_state),
};
