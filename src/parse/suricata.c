/* Suricata's EVE JSON log (eve.json; Suricata user guide, "Eve JSON
 * Format"): one object a line with "timestamp" (with its UTC offset,
 * "+0100"), "event_type", src_ip/src_port, dest_ip/dest_port, "proto",
 * "in_iface", "host" (the sensor name, when set) and a member named after
 * the type. Lines may also come through syslog (eve-log type syslog,
 * "suricata[pid]: {...}").
 *
 * event_type "alert": action from alert.action ("allowed": log,
 * "blocked": drop), prefix = alert.signature_id, detail = alert.signature
 * (as written: JSON escapes stay), outcome unknown.
 * event_type "flow": one record per flow, action log, detail = tcp.state
 * (or flow.state when there is no tcp member), outcome:
 *   TCP with tcp_flags_tc (the flags the server sent, hex):
 *     SYN and ACK -> open; else RST -> closed; else nothing sent back
 *     (flow.pkts_toclient 0) -> no_answer; else unknown;
 *   otherwise: flow.pkts_toclient > 0 -> open (an answer came back),
 *     0 -> no_answer;
 * tcp_flags = tcp_flags_ts, the union of the flags the client sent.
 * ICMP records carry icmp_type/icmp_code. Every other event_type (dns,
 * http, tls, anomaly, stats, fileinfo, ...) is other: it describes traffic
 * a flow record already counts. */
#include <string.h>

#include "core/timeconv.h"
#include "core/util.h"
#include "parse/auth_common.h"
#include "parse/fwlog_util.h"
#include "parse/json_scan.h"
#include "parse/parser.h"
#include "parse/syslog_header.h"

enum {
	SU_TIMESTAMP,
	SU_EVENT_TYPE,
	SU_SRC_IP,
	SU_SRC_PORT,
	SU_DEST_IP,
	SU_DEST_PORT,
	SU_PROTO,
	SU_ICMP_TYPE,
	SU_ICMP_CODE,
	SU_IN_IFACE,
	SU_HOST,
	SU_A_ACTION,
	SU_A_SID,
	SU_A_SIGNATURE,
	SU_F_STATE,
	SU_F_PKTS_TOCLIENT,
	SU_T_FLAGS_TS,
	SU_T_FLAGS_TC,
	SU_T_STATE,
	SU_N
};

static const char *const su_paths[SU_N] = {
	"timestamp",	     "event_type",	   "src_ip",	       "src_port",
	"dest_ip",	     "dest_port",	   "proto",	       "icmp_type",
	"icmp_code",	     "in_iface",	   "host",	       "alert.action",
	"alert.signature_id", "alert.signature",	   "flow.state",       "flow.pkts_toclient",
	"tcp.tcp_flags_ts",  "tcp.tcp_flags_tc",   "tcp.state",
};

static void su_slice(struct slice *s, const struct json_val *v)
{
	if (v->type == JSON_STRING || v->type == JSON_NUMBER)
		fwl_slice(s, v->p, v->p + v->len);
}

static enum parse_result su_bad(struct parse_ctx *ctx, const char *why)
{
	ctx->reason = why;
	return PARSE_MALFORMED;
}

/* A hex flags byte ("1b"). Returns 0 or -1. */
static int su_hex_flags(const struct json_val *v, uint8_t *out)
{
	uint64_t x;
	if (v->type != JSON_STRING || v->escaped || v->len == 0 || v->len > 2 ||
	    parse_hex_u64(v->p, v->len, 255, &x) != 0)
		return -1;
	*out = (uint8_t)x;
	return 0;
}

static int su_time(struct parse_ctx *ctx, const struct json_val *v, struct event *ev)
{
	char tb[64];
	const char *ts;
	long tn = json_text(v, tb, sizeof(tb), &ts);
	int zoned;
	int64_t ns;
	if (tn < 0 || json_iso_time(ts, (size_t)tn, &ns, &zoned) != 0)
		return -1;
	if (!zoned) {
		/* Suricata before 3.0 wrote local time without an offset */
		int64_t sec = ns / NS_PER_SEC, frac = ns % NS_PER_SEC;
		if (frac < 0) {
			frac += NS_PER_SEC;
			sec--;
		}
		int64_t days = sec / 86400, rem = sec % 86400;
		if (rem < 0) {
			rem += 86400;
			days--;
		}
		int y;
		unsigned mon, d;
		civil_from_days(days, &y, &mon, &d);
		fwl_time_local(ctx, ev, y, mon, d, (unsigned)(rem / 3600), (unsigned)(rem / 60 % 60),
			       (unsigned)(rem % 60), (uint32_t)frac);
		return 0;
	}
	ev->time_ns = ns;
	ev->flags |= EVENT_HAS_TIME;
	return 0;
}

static enum parse_result su_eve(struct parse_ctx *ctx, const char *p, const char *end,
				struct event *ev)
{
	struct json_want w[SU_N];
	for (size_t i = 0; i < SU_N; i++)
		w[i].path = su_paths[i];
	if (json_extract(p, (size_t)(end - p), w, SU_N) != 0) {
		if (fwl_find(p, end, FWL_LIT("\"event_type\"")))
			return su_bad(ctx, "suricata: not one complete JSON object");
		return PARSE_UNKNOWN;
	}
	const struct json_val *type = &w[SU_EVENT_TYPE].val;
	if (type->type != JSON_STRING || w[SU_TIMESTAMP].val.type == JSON_NONE)
		return PARSE_UNKNOWN;
	int alert = json_str_eq(type, FWL_LIT("alert"));
	if (!alert && !json_str_eq(type, FWL_LIT("flow")))
		return PARSE_OTHER;

	if (json_addr(&w[SU_SRC_IP].val, &ev->src) != 0)
		return su_bad(ctx, "suricata: missing or bad src_ip");
	if (json_addr(&w[SU_DEST_IP].val, &ev->dst) != 0)
		return su_bad(ctx, "suricata: missing or bad dest_ip");
	ev->flags |= EVENT_HAS_SRC | EVENT_HAS_DST;
	if (su_time(ctx, &w[SU_TIMESTAMP].val, ev) != 0)
		return su_bad(ctx, "suricata: bad timestamp");

	const struct json_val *pv = &w[SU_PROTO].val;
	int proto = -1;
	if (pv->type == JSON_STRING && !pv->escaped)
		proto = fwl_proto(pv->p, pv->len);
	else if (pv->type == JSON_NUMBER)
		proto = fwl_proto(pv->p, pv->len);
	if (proto < 0)
		return su_bad(ctx, "suricata: missing or unknown proto");
	ev->proto = (uint8_t)proto;

	uint64_t v1, v2;
	if (proto == IPPROTO_NUM_ICMP || proto == IPPROTO_NUM_ICMPV6) {
		if (w[SU_ICMP_TYPE].val.type != JSON_NONE) {
			if (json_uint(&w[SU_ICMP_TYPE].val, 255, &v1) != 0 ||
			    (w[SU_ICMP_CODE].val.type != JSON_NONE &&
			     json_uint(&w[SU_ICMP_CODE].val, 255, &v2) != 0))
				return su_bad(ctx, "suricata: bad icmp_type/icmp_code");
			if (w[SU_ICMP_CODE].val.type == JSON_NONE)
				v2 = 0;
			ev->icmp_type = (uint8_t)v1;
			ev->icmp_code = (uint8_t)v2;
			ev->flags |= EVENT_HAS_ICMP;
		}
	} else if (w[SU_DEST_PORT].val.type != JSON_NONE) {
		if (json_uint(&w[SU_DEST_PORT].val, 65535, &v2) != 0 ||
		    (w[SU_SRC_PORT].val.type != JSON_NONE &&
		     json_uint(&w[SU_SRC_PORT].val, 65535, &v1) != 0))
			return su_bad(ctx, "suricata: bad src_port/dest_port");
		if (w[SU_SRC_PORT].val.type == JSON_NONE)
			v1 = 0;
		ev->sport = (uint16_t)v1;
		ev->dport = (uint16_t)v2;
		ev->flags |= EVENT_HAS_PORTS;
	}
	su_slice(&ev->in_if, &w[SU_IN_IFACE].val);
	if (w[SU_HOST].val.type == JSON_STRING)
		su_slice(&ev->sensor, &w[SU_HOST].val);

	if (alert) {
		const struct json_val *act = &w[SU_A_ACTION].val;
		ev->action = json_str_eq(act, FWL_LIT("blocked")) ? EVENT_ACTION_DROP : EVENT_ACTION_LOG;
		su_slice(&ev->prefix, &w[SU_A_SID].val);
		su_slice(&ev->detail, &w[SU_A_SIGNATURE].val);
		return PARSE_EVENT;
	}

	ev->action = EVENT_ACTION_LOG;
	uint64_t toclient = 0;
	int have_toclient = w[SU_F_PKTS_TOCLIENT].val.type != JSON_NONE;
	if (have_toclient && json_uint(&w[SU_F_PKTS_TOCLIENT].val, UINT64_MAX, &toclient) != 0)
		return su_bad(ctx, "suricata: bad flow.pkts_toclient");
	uint8_t ts_flags = 0, tc_flags = 0;
	int have_ts = w[SU_T_FLAGS_TS].val.type != JSON_NONE;
	int have_tc = w[SU_T_FLAGS_TC].val.type != JSON_NONE;
	if ((have_ts && su_hex_flags(&w[SU_T_FLAGS_TS].val, &ts_flags) != 0) ||
	    (have_tc && su_hex_flags(&w[SU_T_FLAGS_TC].val, &tc_flags) != 0))
		return su_bad(ctx, "suricata: bad tcp_flags_ts/tcp_flags_tc");
	if (have_ts) {
		ev->tcp_flags = ts_flags;
		ev->flags |= EVENT_HAS_TCP_FLAGS;
	}
	if (proto == IPPROTO_NUM_TCP && have_tc) {
		if ((tc_flags & (TCP_FLAG_SYN | TCP_FLAG_ACK)) == (TCP_FLAG_SYN | TCP_FLAG_ACK))
			ev->outcome = EVENT_OUTCOME_OPEN;
		else if (tc_flags & TCP_FLAG_RST)
			ev->outcome = EVENT_OUTCOME_CLOSED;
		else if (have_toclient && toclient == 0)
			ev->outcome = EVENT_OUTCOME_NO_ANSWER;
	} else if (have_toclient) {
		ev->outcome = toclient > 0 ? EVENT_OUTCOME_OPEN : EVENT_OUTCOME_NO_ANSWER;
	}
	if (w[SU_T_STATE].val.type == JSON_STRING)
		su_slice(&ev->detail, &w[SU_T_STATE].val);
	else
		su_slice(&ev->detail, &w[SU_F_STATE].val);
	return PARSE_EVENT;
}

static enum parse_result suricata_parse_syslog(struct parse_ctx *ctx,
					       const struct syslog_header *h, struct event *ev)
{
	if (!auth_tag_is(h, FWL_LIT("suricata")))
		return PARSE_UNKNOWN;
	const char *p = h->msg, *end = fwl_eol(h->msg, h->msg_len);
	while (p < end && *p == ' ')
		p++;
	if (p >= end || *p != '{')
		return PARSE_OTHER; /* Suricata's own messages */
	enum parse_result r = su_eve(ctx, p, end, ev);
	if (r == PARSE_UNKNOWN)
		return PARSE_OTHER;
	if (r == PARSE_EVENT && ev->sensor.len == 0)
		ev->sensor = h->host;
	return r;
}

static enum parse_result suricata_parse_line(struct parse_ctx *ctx, const char *line, size_t len,
					     struct event *ev)
{
	const char *end = fwl_eol(line, len);
	const char *p = line;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p < end && *p == '{')
		return su_eve(ctx, p, end, ev);
	struct syslog_header h;
	if (syslog_header_parse(ctx, line, (size_t)(end - line), &h) != 0)
		return PARSE_UNKNOWN;
	return suricata_parse_syslog(ctx, &h, ev);
}

static int suricata_detect(const char *line, size_t len)
{
	const char *end = fwl_eol(line, len);
	const char *p = line;
	if (len && *p != '{') {
		/* "suricata[123]: {" after a syslog envelope */
		const char *t = fwl_find(p, end, FWL_LIT("suricata"));
		const char *b = t ? memchr(t, '{', (size_t)(end - t)) : NULL;
		if (!b || !syslog_header_looks_like(line, (size_t)(end - line)))
			return 0;
		p = b;
	}
	if (p >= end || !fwl_find(p, end, FWL_LIT("\"event_type\"")))
		return 0;
	struct json_want w[3] = {{.path = "event_type"}, {.path = "timestamp"}, {.path = "src_ip"}};
	if (json_extract(p, (size_t)(end - p), w, 3) != 0)
		return 0;
	return w[0].val.type == JSON_STRING && w[1].val.type == JSON_STRING ? 90 : 0;
}

static const struct parser_example suricata_examples[] = {
	{"alert (the user guide's example, as one line, documentation addresses)",
	 "{\"timestamp\":\"2009-11-24T21:27:09.534255+0100\",\"event_type\":\"alert\",\"src_ip\":"
	 "\"192.0.2.7\",\"src_port\":1041,\"dest_ip\":\"198.51.100.50\",\"dest_port\":80,\"proto\":"
	 "\"TCP\",\"alert\":{\"action\":\"allowed\",\"gid\":1,\"signature_id\":2001999,\"rev\":9,"
	 "\"signature\":\"ET MALWARE BTGrab.com Spyware Downloading Ads\",\"category\":\"A "
	 "Network Trojan was detected\",\"severity\":1}}"},
	{NULL, NULL},
};

const struct parser parser_suricata = {
	.name = "suricata",
	.summary = "Suricata EVE JSON (eve.json, or through syslog): alerts and flow records",
	.time_note = "\"timestamp\" carries its UTC offset (\"+0100\"): exact; stamps of "
		     "Suricata before 3.0, without one, are local time in --tz",
	.examples = suricata_examples,
	.detect = suricata_detect,
	.parse_line = suricata_parse_line,
	.parse_syslog = suricata_parse_syslog,
};
