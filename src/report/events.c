/* One event per line: JSON Lines (https://jsonlines.org/, each line an RFC
 * 8259 object, schema "clscan-event/1") and CSV (RFC 4180 quoting). Both
 * are written for millions of lines: each line is assembled in a stack
 * buffer and written with one fwrite. Fields and rules: docs/json-schema.md. */
#include "report/report.h"

#include <string.h>

#include "core/addr.h"
#include "report/report_util.h"

static const char *action_text(uint8_t action)
{
	const char *name = event_action_name((enum event_action)action);
	return name ? name : "unknown";
}

static const char *proto_text(uint8_t proto, char num[4])
{
	const char *name = event_proto_name(proto);
	if (name)
		return name;
	size_t n = report_u64_digits(proto, num);
	num[n] = '\0';
	return num;
}

static void put2(char *p, unsigned v)
{
	p[0] = (char)('0' + v / 10 % 10);
	p[1] = (char)('0' + v % 10);
}

/* The same text as time_format_rfc3339_utc ("2022-05-29T06:53:55.123Z",
 * the fraction in milli-, micro- or nanoseconds, whichever is exact)
 * without a printf call: this runs once per event. out >= 40 bytes. */
static size_t format_time(int64_t ns, char *out)
{
	struct report_tm t;
	report_tm_of(NULL, ns, &t);
	if (t.year < 0 || t.year > 9999) {
		time_format_rfc3339_utc(ns, out);
		return strlen(out);
	}
	put2(out, (unsigned)(t.year / 100));
	put2(out + 2, (unsigned)(t.year % 100));
	out[4] = '-';
	put2(out + 5, t.mon);
	out[7] = '-';
	put2(out + 8, t.day);
	out[10] = 'T';
	put2(out + 11, t.hour);
	out[13] = ':';
	put2(out + 14, t.min);
	out[16] = ':';
	put2(out + 17, t.sec);
	size_t n = 19;
	if (t.nsec) {
		uint32_t v = t.nsec;
		int digits = 9;
		while (digits > 3 && v % 1000 == 0) {
			v /= 1000;
			digits -= 3;
		}
		out[n++] = '.';
		for (int i = digits - 1; i >= 0; i--) {
			out[n + (size_t)i] = (char)('0' + v % 10);
			v /= 10;
		}
		n += (size_t)digits;
	}
	out[n++] = 'Z';
	return n;
}

/* ---- JSON Lines -------------------------------------------------------- */

static void j_key(struct report_buf *rb, const char *k, size_t klen)
{
	report_buf_put(rb, k, klen);
}

#define J_KEY(rb, lit) j_key(rb, lit, sizeof(lit) - 1)

static void j_u64(struct report_buf *rb, const char *k, size_t klen, uint64_t v)
{
	report_buf_put(rb, k, klen);
	report_buf_u64(rb, v);
}

#define J_U64(rb, lit, v) j_u64(rb, lit, sizeof(lit) - 1, v)

static void j_slice(struct report_buf *rb, const char *k, size_t klen, const struct slice *s)
{
	if (!s->ptr || s->len == 0)
		return;
	report_buf_put(rb, k, klen);
	report_json_string(rb, s->ptr, s->len);
}

#define J_SLICE(rb, lit, s) j_slice(rb, lit, sizeof(lit) - 1, s)

void report_jsonl_event(FILE *out, const struct event *ev, const char *path, uint64_t line)
{
	struct report_buf rb;
	char buf[ADDR_STRLEN + 16];
	uint32_t f = ev->flags;

	report_buf_init(&rb, out);
	/* Held across the line so that workers sharing out cannot interleave
	 * lines even when a long one takes several writes. */
	flockfile(out);
	/* The fields in the documented order. proto is always present, so only
	 * the three before it need to know whether a comma is due. */
	report_buf_putc(&rb, '{');
	const char *sep = "";
	if (f & EVENT_HAS_TIME) {
		J_KEY(&rb, "\"time\":\"");
		report_buf_put(&rb, buf, format_time(ev->time_ns, buf));
		report_buf_putc(&rb, '"');
		sep = ",";
	}
	if (ev->sensor.ptr && ev->sensor.len) {
		report_buf_puts(&rb, sep);
		J_KEY(&rb, "\"sensor\":");
		report_json_string(&rb, ev->sensor.ptr, ev->sensor.len);
		sep = ",";
	}
	if (ev->action != EVENT_ACTION_UNKNOWN && ev->action < EVENT_ACTION_COUNT) {
		report_buf_puts(&rb, sep);
		J_KEY(&rb, "\"action\":\"");
		report_buf_puts(&rb, action_text(ev->action));
		report_buf_putc(&rb, '"');
		sep = ",";
	}
	report_buf_puts(&rb, sep);
	J_KEY(&rb, "\"proto\":\"");
	report_buf_puts(&rb, proto_text(ev->proto, buf));
	report_buf_putc(&rb, '"');
	if (f & EVENT_HAS_SRC) {
		J_KEY(&rb, ",\"src\":\"");
		report_buf_puts(&rb, addr_format(&ev->src, buf));
		report_buf_putc(&rb, '"');
	}
	if (f & EVENT_HAS_DST) {
		J_KEY(&rb, ",\"dst\":\"");
		report_buf_puts(&rb, addr_format(&ev->dst, buf));
		report_buf_putc(&rb, '"');
	}
	if (f & EVENT_HAS_PORTS) {
		J_U64(&rb, ",\"sport\":", ev->sport);
		J_U64(&rb, ",\"dport\":", ev->dport);
	}
	if (f & EVENT_HAS_TCP_FLAGS) {
		J_KEY(&rb, ",\"tcp_flags\":\"");
		event_tcp_flags_str(ev->tcp_flags, buf);
		report_buf_puts(&rb, buf);
		report_buf_putc(&rb, '"');
	}
	if (f & EVENT_HAS_ICMP) {
		J_U64(&rb, ",\"icmp_type\":", ev->icmp_type);
		J_U64(&rb, ",\"icmp_code\":", ev->icmp_code);
	}
	if (f & EVENT_HAS_TTL)
		J_U64(&rb, ",\"ttl\":", ev->ttl);
	if (f & EVENT_HAS_IP_ID)
		J_U64(&rb, ",\"ip_id\":", ev->ip_id);
	if (f & EVENT_HAS_WINDOW)
		J_U64(&rb, ",\"window\":", ev->window);
	if (f & EVENT_HAS_LEN)
		J_U64(&rb, ",\"len\":", ev->ip_len);
	J_U64(&rb, ",\"count\":", ev->count);
	J_SLICE(&rb, ",\"in\":", &ev->in_if);
	J_SLICE(&rb, ",\"out\":", &ev->out_if);
	J_SLICE(&rb, ",\"physin\":", &ev->phys_in);
	J_SLICE(&rb, ",\"physout\":", &ev->phys_out);
	J_SLICE(&rb, ",\"prefix\":", &ev->prefix);
	if (f & EVENT_HAS_MSS)
		J_U64(&rb, ",\"mss\":", ev->mss);
	if (f & EVENT_HAS_SEQ)
		J_U64(&rb, ",\"seq\":", ev->tcp_seq);
	if (ev->outcome != EVENT_OUTCOME_UNKNOWN) {
		J_KEY(&rb, ",\"outcome\":\"");
		report_buf_puts(&rb, event_outcome_name(ev->outcome));
		report_buf_putc(&rb, '"');
	}
	J_SLICE(&rb, ",\"user\":", &ev->user);
	J_SLICE(&rb, ",\"detail\":", &ev->detail);
	if (path) {
		J_KEY(&rb, ",\"file\":");
		report_json_cstr(&rb, path);
	}
	if (line)
		J_U64(&rb, ",\"line\":", line);
	report_buf_put(&rb, "}\n", 2);
	report_buf_flush(&rb);
	funlockfile(out);
}

/* ---- CSV --------------------------------------------------------------- */

void report_csv_header(FILE *out)
{
	fputs("time,sensor,action,proto,src,dst,sport,dport,tcp_flags,icmp_type,icmp_code,"
	      "ttl,ip_id,window,len,count,in,out,prefix,outcome,user,detail,file,line\n",
	      out);
}

/* A text field from the log. Quoted (RFC 4180 section 2, rules 6-7) when
 * it holds a comma, quote, CR or LF. A field starting with = + - @ TAB or
 * CR gets a leading apostrophe: spreadsheets run such cells as formulas,
 * and these strings (a syslog host name, say) can be chosen by whoever
 * sends the packets. Other bytes pass through as logged. */
static void csv_text(struct report_buf *rb, const char *s, size_t len)
{
	int quote = 0, guard = 0;

	if (!s || len == 0)
		return;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (c == ',' || c == '"' || c == '\r' || c == '\n') {
			quote = 1;
			break;
		}
	}
	guard = s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' ||
		s[0] == '\r';
	if (quote)
		report_buf_putc(rb, '"');
	if (guard)
		report_buf_putc(rb, '\'');
	if (!quote) {
		report_buf_put(rb, s, len);
		return;
	}
	size_t from = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '"') {
			report_buf_put(rb, s + from, i + 1 - from);
			report_buf_putc(rb, '"');
			from = i + 1;
		}
	}
	report_buf_put(rb, s + from, len - from);
	report_buf_putc(rb, '"');
}

static void csv_slice(struct report_buf *rb, const struct slice *s)
{
	csv_text(rb, s->ptr, s->len);
	report_buf_putc(rb, ',');
}

static void csv_u64(struct report_buf *rb, int present, uint64_t v)
{
	if (present)
		report_buf_u64(rb, v);
	report_buf_putc(rb, ',');
}

void report_csv_event(FILE *out, const struct event *ev, const char *path, uint64_t line)
{
	struct report_buf rb;
	char buf[ADDR_STRLEN + 16];
	uint32_t f = ev->flags;

	report_buf_init(&rb, out);
	flockfile(out);
	if (f & EVENT_HAS_TIME)
		report_buf_put(&rb, buf, format_time(ev->time_ns, buf));
	report_buf_putc(&rb, ',');
	csv_slice(&rb, &ev->sensor);
	if (ev->action != EVENT_ACTION_UNKNOWN && ev->action < EVENT_ACTION_COUNT)
		report_buf_puts(&rb, action_text(ev->action));
	report_buf_putc(&rb, ',');
	report_buf_puts(&rb, proto_text(ev->proto, buf));
	report_buf_putc(&rb, ',');
	if (f & EVENT_HAS_SRC)
		report_buf_puts(&rb, addr_format(&ev->src, buf));
	report_buf_putc(&rb, ',');
	if (f & EVENT_HAS_DST)
		report_buf_puts(&rb, addr_format(&ev->dst, buf));
	report_buf_putc(&rb, ',');
	csv_u64(&rb, f & EVENT_HAS_PORTS, ev->sport);
	csv_u64(&rb, f & EVENT_HAS_PORTS, ev->dport);
	if (f & EVENT_HAS_TCP_FLAGS) {
		event_tcp_flags_str(ev->tcp_flags, buf);
		report_buf_puts(&rb, buf);
	}
	report_buf_putc(&rb, ',');
	csv_u64(&rb, f & EVENT_HAS_ICMP, ev->icmp_type);
	csv_u64(&rb, f & EVENT_HAS_ICMP, ev->icmp_code);
	csv_u64(&rb, f & EVENT_HAS_TTL, ev->ttl);
	csv_u64(&rb, f & EVENT_HAS_IP_ID, ev->ip_id);
	csv_u64(&rb, f & EVENT_HAS_WINDOW, ev->window);
	csv_u64(&rb, f & EVENT_HAS_LEN, ev->ip_len);
	csv_u64(&rb, 1, ev->count);
	csv_slice(&rb, &ev->in_if);
	csv_slice(&rb, &ev->out_if);
	csv_slice(&rb, &ev->prefix);
	if (ev->outcome != EVENT_OUTCOME_UNKNOWN)
		report_buf_puts(&rb, event_outcome_name(ev->outcome));
	report_buf_putc(&rb, ',');
	csv_slice(&rb, &ev->user);
	csv_slice(&rb, &ev->detail);
	csv_text(&rb, path, path ? strlen(path) : 0);
	report_buf_putc(&rb, ',');
	if (line)
		report_buf_u64(&rb, line);
	report_buf_putc(&rb, '\n');
	report_buf_flush(&rb);
	funlockfile(out);
}
