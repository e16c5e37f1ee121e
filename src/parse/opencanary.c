/* OpenCanary's JSON log: one object a line with "logtype" (the numeric
 * codes of opencanary/logger.py, LoggerBase), src_host/src_port,
 * dst_host/dst_port (-1 and "" when unknown), "node_id" (the sensor),
 * "local_time" / "utc_time" and "logdata" (per service: USERNAME,
 * PASSWORD, PATH, ...). logger.py fills local_time with
 * datetime.utcnow(), so despite its name it is UTC, as utc_time is;
 * local_time_adjusted (the machine's zone) is not used.
 *
 * logtype -> event:
 *   2000 ftp, 3001 http post, 4002 ssh, 6001 telnet, 7001 http proxy,
 *   8001 mysql, 9001/9002 mssql, 12001 vnc login attempts: outcome
 *   auth_failure (a canary never lets anyone in), user = logdata.USERNAME;
 *   3000 http get, 4000 ssh connection, 5000 smb file open, 10001 tftp,
 *   11001 ntp monlist, 13001 snmp, 14001 rdp, 15001 sip, 16001 git,
 *   17001 redis, 18001/18002 tcp banner connections: outcome open (the
 *   canary answered);
 *   5001 SYN, 5002 nmap OS probe, 5003 NULL, 5004 XMAS, 5005 FIN (the
 *   portscan module's firewall log): outcome unknown, TCP flags from the
 *   scan type;
 *   1000-1006 (boot, messages, errors, pings), 4001 (ssh version, part of
 *   a 4000 connection), 18003-18005 (data on a banner connection) and the
 *   user codes 99000-99009: other.
 * detail = the logtype code as written. Strings are kept as written in
 * the line (a JSON escape stays escaped): slices cannot hold decoded text. */
#include <string.h>

#include "parse/fwlog_util.h"
#include "parse/json_scan.h"
#include "parse/parser.h"

enum {
	OC_LOGTYPE,
	OC_SRC_HOST,
	OC_SRC_PORT,
	OC_DST_HOST,
	OC_DST_PORT,
	OC_UTC_TIME,
	OC_LOCAL_TIME,
	OC_NODE_ID,
	OC_USERNAME,
	OC_N
};

static const char *const oc_paths[OC_N] = {
	"logtype",    "src_host",   "src_port", "dst_host",	    "dst_port",
	"utc_time",   "local_time", "node_id",	"logdata.USERNAME",
};

enum oc_class { OCC_OTHER, OCC_AUTH, OCC_OPEN, OCC_SCAN };

struct oc_type {
	unsigned code;
	uint8_t cls;
	uint8_t proto;
	uint8_t flags;   /* TCP flags of a scan type */
	uint8_t has_flags;
};

static const struct oc_type oc_types[] = {
	{2000, OCC_AUTH, IPPROTO_NUM_TCP, 0, 0},
	{3000, OCC_OPEN, IPPROTO_NUM_TCP, 0, 0},
	{3001, OCC_AUTH, IPPROTO_NUM_TCP, 0, 0},
	{4000, OCC_OPEN, IPPROTO_NUM_TCP, 0, 0},
	{4002, OCC_AUTH, IPPROTO_NUM_TCP, 0, 0},
	{5000, OCC_OPEN, IPPROTO_NUM_TCP, 0, 0},
	{5001, OCC_SCAN, IPPROTO_NUM_TCP, TCP_FLAG_SYN, 1},
	{5002, OCC_SCAN, IPPROTO_NUM_TCP, 0, 0},
	{5003, OCC_SCAN, IPPROTO_NUM_TCP, 0, 1},
	{5004, OCC_SCAN, IPPROTO_NUM_TCP, TCP_FLAG_FIN | TCP_FLAG_PSH | TCP_FLAG_URG, 1},
	{5005, OCC_SCAN, IPPROTO_NUM_TCP, TCP_FLAG_FIN, 1},
	{6001, OCC_AUTH, IPPROTO_NUM_TCP, 0, 0},
	{7001, OCC_AUTH, IPPROTO_NUM_TCP, 0, 0},
	{8001, OCC_AUTH, IPPROTO_NUM_TCP, 0, 0},
	{9001, OCC_AUTH, IPPROTO_NUM_TCP, 0, 0},
	{9002, OCC_AUTH, IPPROTO_NUM_TCP, 0, 0},
	{10001, OCC_OPEN, IPPROTO_NUM_UDP, 0, 0},
	{11001, OCC_OPEN, IPPROTO_NUM_UDP, 0, 0},
	{12001, OCC_AUTH, IPPROTO_NUM_TCP, 0, 0},
	{13001, OCC_OPEN, IPPROTO_NUM_UDP, 0, 0},
	{14001, OCC_OPEN, IPPROTO_NUM_TCP, 0, 0},
	{15001, OCC_OPEN, IPPROTO_NUM_UDP, 0, 0},
	{16001, OCC_OPEN, IPPROTO_NUM_TCP, 0, 0},
	{17001, OCC_OPEN, IPPROTO_NUM_TCP, 0, 0},
	{18001, OCC_OPEN, IPPROTO_NUM_TCP, 0, 0},
	{18002, OCC_OPEN, IPPROTO_NUM_TCP, 0, 0},
};

static const struct oc_type *oc_type_of(unsigned code)
{
	for (size_t i = 0; i < sizeof(oc_types) / sizeof(oc_types[0]); i++)
		if (oc_types[i].code == code)
			return &oc_types[i];
	return NULL;
}

/* A port, or "absent" for OpenCanary's -1 (and a missing member). Returns
 * 1 present, 0 absent, -1 bad. */
static int oc_port(const struct json_val *v, uint16_t *out)
{
	if (v->type == JSON_NONE || v->type == JSON_NULL ||
	    (v->type == JSON_NUMBER && v->len == 2 && v->p[0] == '-' && v->p[1] == '1'))
		return 0;
	uint64_t port;
	if (json_uint(v, 65535, &port) != 0)
		return -1;
	*out = (uint16_t)port;
	return 1;
}

static enum parse_result opencanary_parse_line(struct parse_ctx *ctx, const char *line,
					       size_t len, struct event *ev)
{
	const char *end = fwl_eol(line, len);
	const char *p = line;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p >= end || *p != '{')
		return PARSE_UNKNOWN;
	struct json_want w[OC_N];
	for (size_t i = 0; i < OC_N; i++)
		w[i].path = oc_paths[i];
	if (json_extract(p, (size_t)(end - p), w, OC_N) != 0) {
		if (fwl_find(p, end, FWL_LIT("\"logtype\"")) && fwl_find(p, end, FWL_LIT("\"node_id\""))) {
			ctx->reason = "opencanary: not one complete JSON object";
			return PARSE_MALFORMED;
		}
		return PARSE_UNKNOWN;
	}
	uint64_t code;
	if (w[OC_LOGTYPE].val.type != JSON_NUMBER || w[OC_NODE_ID].val.type == JSON_NONE)
		return PARSE_UNKNOWN;
	if (json_uint(&w[OC_LOGTYPE].val, 999999, &code) != 0) {
		ctx->reason = "opencanary: bad logtype";
		return PARSE_MALFORMED;
	}
	const struct oc_type *t = oc_type_of((unsigned)code);
	if (!t)
		return PARSE_OTHER;

	if (json_addr(&w[OC_SRC_HOST].val, &ev->src) != 0) {
		ctx->reason = "opencanary: missing or bad src_host";
		return PARSE_MALFORMED;
	}
	ev->flags |= EVENT_HAS_SRC;
	const struct json_val *dh = &w[OC_DST_HOST].val;
	if (dh->type == JSON_STRING && dh->len > 0) {
		if (json_addr(dh, &ev->dst) != 0) {
			ctx->reason = "opencanary: bad dst_host";
			return PARSE_MALFORMED;
		}
		ev->flags |= EVENT_HAS_DST;
	}
	int sp = oc_port(&w[OC_SRC_PORT].val, &ev->sport);
	int dp = oc_port(&w[OC_DST_PORT].val, &ev->dport);
	if (sp < 0 || dp < 0) {
		ctx->reason = "opencanary: bad port";
		return PARSE_MALFORMED;
	}
	if (dp > 0)
		ev->flags |= EVENT_HAS_PORTS;
	else
		ev->sport = 0;
	const struct json_val *tv =
		w[OC_UTC_TIME].val.type != JSON_NONE ? &w[OC_UTC_TIME].val : &w[OC_LOCAL_TIME].val;
	char tb[64];
	const char *ts;
	long tn = json_text(tv, tb, sizeof(tb), &ts);
	int zoned;
	if (tn < 0 || json_iso_time(ts, (size_t)tn, &ev->time_ns, &zoned) != 0) {
		ctx->reason = "opencanary: missing or bad local_time";
		return PARSE_MALFORMED;
	}
	ev->flags |= EVENT_HAS_TIME;

	ev->proto = t->proto;
	ev->action = EVENT_ACTION_LOG;
	ev->flags |= EVENT_HONEYPOT; /* any contact is unsolicited (scan detection: TRW) */
	if (t->has_flags) {
		ev->tcp_flags = t->flags;
		ev->flags |= EVENT_HAS_TCP_FLAGS;
	}
	if (t->cls == OCC_AUTH) {
		ev->outcome = EVENT_OUTCOME_AUTH_FAILURE;
		if (w[OC_USERNAME].val.type == JSON_STRING)
			fwl_slice(&ev->user, w[OC_USERNAME].val.p,
				  w[OC_USERNAME].val.p + w[OC_USERNAME].val.len);
	} else if (t->cls == OCC_OPEN) {
		ev->outcome = EVENT_OUTCOME_OPEN;
	}
	if (w[OC_NODE_ID].val.type == JSON_STRING)
		fwl_slice(&ev->sensor, w[OC_NODE_ID].val.p,
			  w[OC_NODE_ID].val.p + w[OC_NODE_ID].val.len);
	fwl_slice(&ev->detail, w[OC_LOGTYPE].val.p, w[OC_LOGTYPE].val.p + w[OC_LOGTYPE].val.len);
	return PARSE_EVENT;
}

static int opencanary_detect(const char *line, size_t len)
{
	const char *end = fwl_eol(line, len);
	if (len == 0 || *line != '{' || !fwl_find(line, end, FWL_LIT("\"logtype\"")))
		return 0;
	struct json_want w[3] = {{.path = "logtype"}, {.path = "node_id"}, {.path = "src_host"}};
	if (json_extract(line, (size_t)(end - line), w, 3) != 0)
		return 0;
	return w[0].val.type == JSON_NUMBER && w[1].val.type != JSON_NONE &&
			       w[2].val.type == JSON_STRING
		       ? 85
		       : 0;
}

static const struct parser_example opencanary_examples[] = {
	{"HTTP login attempt (teletabis123/canary_decoy)",
	 "{\"dst_host\": \"10.20.10.96\", \"dst_port\": 80, \"local_time\": \"2019-05-26 "
	 "11:57:15.702456\", \"logdata\": {\"HOSTNAME\": \"10.20.10.96\", \"PASSWORD\": \"test\", "
	 "\"PATH\": \"/index.html\", \"SKIN\": \"nasLogin\", \"USERAGENT\": \"Mozilla/5.0 (X11; "
	 "Linux x86_64; rv:60.0) Gecko/20100101 Firefox/60.0\", \"USERNAME\": \"Test\"}, "
	 "\"logtype\": 3001, \"node_id\": \"opencanary-1\", \"src_host\": \"10.20.10.45\", "
	 "\"src_port\": 38548}"},
	{NULL, NULL},
};

const struct parser parser_opencanary = {
	.name = "opencanary",
	.summary = "OpenCanary honeypot JSON log: service contacts, login attempts and port "
		   "scans by logtype code",
	.time_note = "utc_time, else local_time: both are UTC (logger.py fills local_time with "
		     "datetime.utcnow()), microseconds, no zone written",
	.examples = opencanary_examples,
	.detect = opencanary_detect,
	.parse_line = opencanary_parse_line,
};
