/* dionaea's connection records in JSON, in two shapes:
 *  - its log_json ihandler (modules/python/dionaea/log_json.py): one object
 *    per connection with "connection": {"protocol", "transport", "type"},
 *    src_ip/src_port, dst_ip/dst_port (dest_ip/dest_port in some forks),
 *    "timestamp" (datetime.utcnow().isoformat(): UTC without a zone, or
 *    milliseconds since the epoch in forks) and "credentials" (a list of
 *    {username, password}, or with flat_data {username: [...], ...});
 *  - MHN's MongoDB export of the hpfeeds session collection: "honeypot",
 *    "protocol", source_ip/source_port, destination_ip (optional) and
 *    destination_port, "identifier" (the sensor), "timestamp": {"$date"}.
 * Type "accept" is a connection the honeypot answered (outcome open);
 * "reject" and MHN's protocol "pcap" (dionaea's pcap module, which reports
 * SYNs the host refused with a RST) are outcome closed; "connect" (the
 * honeypot dialling out, e.g. to fetch a sample) and "listen" are other.
 * detail = the dionaea module ("smbd", "httpd", "SipSession", "pcap");
 * user = the first user name tried (as written in the line: a JSON escape
 * stays escaped). MHN records of other honeypots are other: their fields
 * do not say what became of the attempt. */
#include <string.h>

#include "parse/fwlog_util.h"
#include "parse/json_scan.h"
#include "parse/parser.h"

enum {
	DI_CTYPE,
	DI_CTRANSPORT,
	DI_CPROTOCOL,
	DI_SRC_IP,
	DI_SRC_PORT,
	DI_DST_IP,
	DI_DST_PORT,
	DI_DEST_IP,
	DI_DEST_PORT,
	DI_TIMESTAMP,
	DI_TS_DATE,
	DI_CREDENTIALS,
	DI_HONEYPOT,
	DI_HPFEED_ID,
	DI_SOURCE_IP,
	DI_SOURCE_PORT,
	DI_DESTINATION_IP,
	DI_DESTINATION_PORT,
	DI_PROTOCOL,
	DI_IDENTIFIER,
	DI_N
};

static const char *const dionaea_paths[DI_N] = {
	"connection.type", "connection.transport", "connection.protocol", "src_ip",
	"src_port",	   "dst_ip",		   "dst_port",		  "dest_ip",
	"dest_port",	   "timestamp",		   "timestamp.$date",	  "credentials",
	"honeypot",	   "hpfeed_id",		   "source_ip",		  "source_port",
	"destination_ip",  "destination_port",	   "protocol",		  "identifier",
};

static void di_slice(struct slice *s, const struct json_val *v)
{
	if (v->type == JSON_STRING)
		fwl_slice(s, v->p, v->p + v->len);
}

/* A stamp as a string (ISO 8601, UTC when it has no zone) or a number
 * (seconds or milliseconds since the epoch). */
static int di_time(const struct json_val *v, struct event *ev)
{
	if (v->type == JSON_NUMBER) {
		if (json_epoch_auto_ns(v, &ev->time_ns) != 0)
			return -1;
		ev->flags |= EVENT_HAS_TIME;
		return 0;
	}
	char tb[64];
	const char *ts;
	long tn = json_text(v, tb, sizeof(tb), &ts);
	int zoned;
	if (tn < 0 || json_iso_time(ts, (size_t)tn, &ev->time_ns, &zoned) != 0)
		return -1;
	ev->flags |= EVENT_HAS_TIME;
	return 0;
}

static int di_port(const struct json_val *v, uint16_t *out)
{
	uint64_t port;
	if (json_uint(v, 65535, &port) != 0)
		return -1;
	*out = (uint16_t)port;
	return 0;
}

/* The first user name in "credentials", either shape. */
static void di_user(const struct json_val *cred, struct event *ev)
{
	struct json_val first, key, val;
	struct json_iter it;
	const struct json_val *obj = cred;
	if (cred->type == JSON_ARRAY) {
		if (json_first_elem(cred, &first) != 0 || first.type != JSON_OBJECT)
			return;
		obj = &first;
	}
	if (json_iter_init(&it, obj) != 0)
		return;
	while (json_iter_next(&it, &key, &val) == 1) {
		if (!json_str_eq(&key, FWL_LIT("username")))
			continue;
		if (val.type == JSON_ARRAY && json_first_elem(&val, &first) == 0)
			val = first;
		di_slice(&ev->user, &val);
		return;
	}
}

static enum parse_result di_log_json(struct parse_ctx *ctx, struct json_want *w, struct event *ev)
{
	const struct json_val *type = &w[DI_CTYPE].val;
	if (json_str_eq(type, FWL_LIT("accept")))
		ev->outcome = EVENT_OUTCOME_OPEN;
	else if (json_str_eq(type, FWL_LIT("reject")))
		ev->outcome = EVENT_OUTCOME_CLOSED;
	else
		return PARSE_OTHER;
	const struct json_val *dst_ip =
		w[DI_DST_IP].val.type != JSON_NONE ? &w[DI_DST_IP].val : &w[DI_DEST_IP].val;
	const struct json_val *dst_port =
		w[DI_DST_PORT].val.type != JSON_NONE ? &w[DI_DST_PORT].val : &w[DI_DEST_PORT].val;
	if (json_addr(&w[DI_SRC_IP].val, &ev->src) != 0) {
		ctx->reason = "dionaea: missing or bad src_ip";
		return PARSE_MALFORMED;
	}
	ev->flags |= EVENT_HAS_SRC;
	if (dst_ip->type != JSON_NONE) {
		if (json_addr(dst_ip, &ev->dst) != 0) {
			ctx->reason = "dionaea: bad dst_ip";
			return PARSE_MALFORMED;
		}
		ev->flags |= EVENT_HAS_DST;
	}
	if (di_port(dst_port, &ev->dport) != 0 ||
	    (w[DI_SRC_PORT].val.type != JSON_NONE && di_port(&w[DI_SRC_PORT].val, &ev->sport) != 0)) {
		ctx->reason = "dionaea: missing or bad port";
		return PARSE_MALFORMED;
	}
	ev->flags |= EVENT_HAS_PORTS;
	if (di_time(&w[DI_TIMESTAMP].val, ev) != 0) {
		ctx->reason = "dionaea: missing or bad timestamp";
		return PARSE_MALFORMED;
	}
	const struct json_val *tr = &w[DI_CTRANSPORT].val;
	ev->proto = json_str_eq(tr, FWL_LIT("udp")) ? IPPROTO_NUM_UDP : IPPROTO_NUM_TCP;
	di_slice(&ev->detail, &w[DI_CPROTOCOL].val);
	if (w[DI_CREDENTIALS].val.type != JSON_NONE)
		di_user(&w[DI_CREDENTIALS].val, ev);
	return PARSE_EVENT;
}

static enum parse_result di_mhn(struct parse_ctx *ctx, struct json_want *w, struct event *ev)
{
	if (!json_str_eq(&w[DI_HONEYPOT].val, FWL_LIT("dionaea")))
		return PARSE_OTHER;
	const struct json_val *proto = &w[DI_PROTOCOL].val;
	if (json_addr(&w[DI_SOURCE_IP].val, &ev->src) != 0) {
		ctx->reason = "dionaea (MHN): missing or bad source_ip";
		return PARSE_MALFORMED;
	}
	ev->flags |= EVENT_HAS_SRC;
	if (w[DI_DESTINATION_IP].val.type != JSON_NONE &&
	    w[DI_DESTINATION_IP].val.type != JSON_NULL) {
		if (json_addr(&w[DI_DESTINATION_IP].val, &ev->dst) != 0) {
			ctx->reason = "dionaea (MHN): bad destination_ip";
			return PARSE_MALFORMED;
		}
		ev->flags |= EVENT_HAS_DST;
	}
	if (di_port(&w[DI_DESTINATION_PORT].val, &ev->dport) != 0 ||
	    (w[DI_SOURCE_PORT].val.type != JSON_NONE &&
	     di_port(&w[DI_SOURCE_PORT].val, &ev->sport) != 0)) {
		ctx->reason = "dionaea (MHN): missing or bad port";
		return PARSE_MALFORMED;
	}
	ev->flags |= EVENT_HAS_PORTS;
	const struct json_val *ts =
		w[DI_TS_DATE].val.type != JSON_NONE ? &w[DI_TS_DATE].val : &w[DI_TIMESTAMP].val;
	if (di_time(ts, ev) != 0) {
		ctx->reason = "dionaea (MHN): missing or bad timestamp";
		return PARSE_MALFORMED;
	}
	ev->outcome = json_str_eq(proto, FWL_LIT("pcap")) ? EVENT_OUTCOME_CLOSED : EVENT_OUTCOME_OPEN;
	/* dionaea's SIP and RTP modules serve UDP; its other services TCP */
	ev->proto = json_str_starts(proto, FWL_LIT("Sip")) || json_str_starts(proto, FWL_LIT("Rtp"))
			    ? IPPROTO_NUM_UDP
			    : IPPROTO_NUM_TCP;
	di_slice(&ev->detail, proto);
	di_slice(&ev->sensor, &w[DI_IDENTIFIER].val);
	return PARSE_EVENT;
}

static enum parse_result dionaea_parse_line(struct parse_ctx *ctx, const char *line, size_t len,
					    struct event *ev)
{
	const char *end = fwl_eol(line, len);
	const char *p = line;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p >= end || *p != '{')
		return PARSE_UNKNOWN;
	struct json_want w[DI_N];
	for (size_t i = 0; i < DI_N; i++)
		w[i].path = dionaea_paths[i];
	if (json_extract(p, (size_t)(end - p), w, DI_N) != 0) {
		if (fwl_find(p, end, FWL_LIT("\"connection\": {")) ||
		    fwl_find(p, end, FWL_LIT("\"honeypot\" : \"dionaea\""))) {
			ctx->reason = "dionaea: not one complete JSON object";
			return PARSE_MALFORMED;
		}
		return PARSE_UNKNOWN;
	}
	ev->action = EVENT_ACTION_LOG;
	ev->flags |= EVENT_HONEYPOT; /* any contact is unsolicited (scan detection: TRW) */
	if (w[DI_CTYPE].val.type == JSON_STRING)
		return di_log_json(ctx, w, ev);
	if (w[DI_HONEYPOT].val.type == JSON_STRING && w[DI_HPFEED_ID].val.type != JSON_NONE)
		return di_mhn(ctx, w, ev);
	return PARSE_UNKNOWN;
}

static int dionaea_detect(const char *line, size_t len)
{
	const char *end = fwl_eol(line, len);
	if (len == 0 || *line != '{')
		return 0;
	struct json_want w[4] = {{.path = "connection.type"},
				 {.path = "src_ip"},
				 {.path = "honeypot"},
				 {.path = "hpfeed_id"}};
	if (json_extract(line, (size_t)(end - line), w, 4) != 0)
		return 0;
	if (w[0].val.type == JSON_STRING && w[1].val.type == JSON_STRING)
		return 80;
	if (json_str_eq(&w[2].val, FWL_LIT("dionaea")) && w[3].val.type != JSON_NONE)
		return 80;
	return 0;
}

static const struct parser_example dionaea_examples[] = {
	{"log_json: accepted connection (hary654321/dionaea lab)",
	 "{\"connection\": {\"protocol\": \"smbd\", \"transport\": \"tcp\", \"type\": \"accept\"}, "
	 "\"dst_ip\": \"192.168.144.2\", \"dst_port\": 445, \"src_hostname\": \"\", \"src_ip\": "
	 "\"192.168.144.1\", \"src_port\": 59388, \"timestamp\": \"2024-05-17T07:05:24.106767\"}"},
	{"MHN export: refused connection seen by the pcap module (dekuwin24/SecurityWeek9)",
	 "{ \"_id\" : { \"$oid\" : \"5a069662616a1e7668dd40f5\" }, \"protocol\" : \"pcap\", "
	 "\"hpfeed_id\" : { \"$oid\" : \"5a069660616a1e7668dd40f4\" }, \"timestamp\" : { \"$date\" "
	 ": \"2017-11-11T06:19:12.385+0000\" }, \"source_ip\" : \"103.239.244.80\", "
	 "\"source_port\" : 61854, \"destination_port\" : 1344, \"identifier\" : "
	 "\"0cd756ea-c6a8-11e7-910c-42010a800002\", \"honeypot\" : \"dionaea\" }"},
	{NULL, NULL},
};

const struct parser parser_dionaea = {
	.name = "dionaea",
	.summary = "dionaea honeypot connection records: its log_json output and MHN's "
		   "MongoDB export of dionaea sessions",
	.time_note = "log_json writes UTC without a zone (read as UTC) or epoch milliseconds; "
		     "MHN's \"$date\" carries its offset (+0000)",
	.examples = dionaea_examples,
	.detect = dionaea_detect,
	.parse_line = dionaea_parse_line,
};
