/* Cowrie's JSON log (cowrie.json, written by its output/jsonlog.py): one
 * object a line with "eventid", "src_ip", "session", "timestamp" (UTC, RFC
 * 3339, "Z") and the members of each event.
 * Events: cowrie.session.connect (a contact: the honeypot answered, so
 * outcome open), cowrie.login.failed / .success (auth_failure /
 * auth_success, user = "username"), cowrie.command.input (detail = the
 * command), cowrie.session.file_download / file_upload (detail = "url" /
 * "filename"). Every other eventid (closed, client.version, kex, tty log,
 * direct-tcpip, command.failed/success that repeat command.input) is
 * "other". String members are kept as written in the line: a JSON escape
 * stays escaped in user and detail, as slices cannot hold decoded text. */
#include <string.h>

#include "parse/fwlog_util.h"
#include "parse/json_scan.h"
#include "parse/parser.h"

enum {
	CW_EVENTID,
	CW_SRC_IP,
	CW_SRC_PORT,
	CW_DST_IP,
	CW_DST_PORT,
	CW_TIMESTAMP,
	CW_USERNAME,
	CW_INPUT,
	CW_SENSOR,
	CW_PROTOCOL,
	CW_URL,
	CW_FILENAME,
	CW_N
};

static const char *const cowrie_paths[CW_N] = {
	"eventid", "src_ip", "src_port", "dst_ip", "dst_port",  "timestamp",
	"username", "input", "sensor", "protocol", "url", "filename",
};

enum cowrie_kind { CK_OTHER, CK_CONNECT, CK_LOGIN_FAILED, CK_LOGIN_OK, CK_COMMAND, CK_DOWNLOAD,
		   CK_UPLOAD };

static enum cowrie_kind cowrie_kind(const struct json_val *id)
{
	static const struct {
		const char *name;
		size_t len;
		enum cowrie_kind kind;
	} kinds[] = {
		{FWL_LIT("cowrie.session.connect"), CK_CONNECT},
		{FWL_LIT("cowrie.login.failed"), CK_LOGIN_FAILED},
		{FWL_LIT("cowrie.login.success"), CK_LOGIN_OK},
		{FWL_LIT("cowrie.command.input"), CK_COMMAND},
		{FWL_LIT("cowrie.session.file_download"), CK_DOWNLOAD},
		{FWL_LIT("cowrie.session.file_upload"), CK_UPLOAD},
	};
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (json_str_eq(id, kinds[i].name, kinds[i].len))
			return kinds[i].kind;
	return CK_OTHER;
}

static void cowrie_slice(struct slice *s, const struct json_val *v)
{
	if (v->type == JSON_STRING)
		fwl_slice(s, v->p, v->p + v->len);
}

static enum parse_result cowrie_parse_line(struct parse_ctx *ctx, const char *line, size_t len,
					   struct event *ev)
{
	const char *end = fwl_eol(line, len);
	struct json_want w[CW_N];
	for (size_t i = 0; i < CW_N; i++)
		w[i].path = cowrie_paths[i];
	const char *p = line;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p >= end || *p != '{')
		return PARSE_UNKNOWN;
	if (json_extract(p, (size_t)(end - p), w, CW_N) != 0) {
		/* a cut or damaged line that still shows it is Cowrie's */
		if (fwl_find(p, end, FWL_LIT("\"eventid\"")) && fwl_find(p, end, FWL_LIT("\"cowrie."))) {
			ctx->reason = "cowrie: not one complete JSON object";
			return PARSE_MALFORMED;
		}
		return PARSE_UNKNOWN;
	}
	if (!json_str_starts(&w[CW_EVENTID].val, FWL_LIT("cowrie.")))
		return PARSE_UNKNOWN;
	enum cowrie_kind kind = cowrie_kind(&w[CW_EVENTID].val);
	if (kind == CK_OTHER)
		return PARSE_OTHER;

	if (json_addr(&w[CW_SRC_IP].val, &ev->src) != 0) {
		ctx->reason = "cowrie: missing or bad src_ip";
		return PARSE_MALFORMED;
	}
	ev->flags |= EVENT_HAS_SRC;
	if (w[CW_DST_IP].val.type != JSON_NONE) {
		if (json_addr(&w[CW_DST_IP].val, &ev->dst) != 0) {
			ctx->reason = "cowrie: bad dst_ip";
			return PARSE_MALFORMED;
		}
		ev->flags |= EVENT_HAS_DST;
	}
	uint64_t port;
	if (w[CW_SRC_PORT].val.type != JSON_NONE) {
		if (json_uint(&w[CW_SRC_PORT].val, 65535, &port) != 0) {
			ctx->reason = "cowrie: bad src_port";
			return PARSE_MALFORMED;
		}
		ev->sport = (uint16_t)port;
	}
	if (w[CW_DST_PORT].val.type != JSON_NONE) {
		if (json_uint(&w[CW_DST_PORT].val, 65535, &port) != 0) {
			ctx->reason = "cowrie: bad dst_port";
			return PARSE_MALFORMED;
		}
		ev->dport = (uint16_t)port;
		ev->flags |= EVENT_HAS_PORTS;
	}
	char tb[64];
	const char *ts;
	long tn = json_text(&w[CW_TIMESTAMP].val, tb, sizeof(tb), &ts);
	int zoned;
	if (tn < 0 || json_iso_time(ts, (size_t)tn, &ev->time_ns, &zoned) != 0) {
		ctx->reason = "cowrie: missing or bad timestamp";
		return PARSE_MALFORMED;
	}
	/* Cowrie writes UTC ("...Z"); a stamp without a zone is taken as such */
	ev->flags |= EVENT_HAS_TIME;

	ev->proto = IPPROTO_NUM_TCP; /* SSH and telnet */
	ev->action = EVENT_ACTION_LOG;
	ev->flags |= EVENT_HONEYPOT; /* any contact is unsolicited (scan detection: TRW) */
	cowrie_slice(&ev->sensor, &w[CW_SENSOR].val);
	switch (kind) {
	case CK_CONNECT:
		ev->outcome = EVENT_OUTCOME_OPEN;
		cowrie_slice(&ev->detail, &w[CW_PROTOCOL].val);
		break;
	case CK_LOGIN_FAILED:
	case CK_LOGIN_OK:
		ev->outcome = kind == CK_LOGIN_OK ? EVENT_OUTCOME_AUTH_SUCCESS
						  : EVENT_OUTCOME_AUTH_FAILURE;
		cowrie_slice(&ev->user, &w[CW_USERNAME].val);
		break;
	case CK_COMMAND: cowrie_slice(&ev->detail, &w[CW_INPUT].val); break;
	case CK_DOWNLOAD: cowrie_slice(&ev->detail, &w[CW_URL].val); break;
	case CK_UPLOAD: cowrie_slice(&ev->detail, &w[CW_FILENAME].val); break;
	case CK_OTHER: break;
	}
	return PARSE_EVENT;
}

static int cowrie_detect(const char *line, size_t len)
{
	const char *end = fwl_eol(line, len);
	if (len == 0 || *line != '{' || !fwl_find(line, end, FWL_LIT("\"eventid\"")))
		return 0;
	struct json_want w[1] = {{.path = "eventid"}};
	if (json_extract(line, (size_t)(end - line), w, 1) != 0)
		return 0;
	return json_str_starts(&w[0].val, FWL_LIT("cowrie.")) ? 90 : 0;
}

static const struct parser_example cowrie_examples[] = {
	{"new connection (kareiva/cowrie-logs)",
	 "{\"eventid\": \"cowrie.session.connect\", \"src_ip\": \"88.223.26.58\", \"src_port\": "
	 "52577, \"timestamp\": \"2018-05-06T17:44:05.866769Z\", \"message\": \"New connection: "
	 "88.223.26.58:52577 (172.17.0.3:2222) [session: 173332e506ca]\", \"dst_ip\": "
	 "\"172.17.0.3\", \"system\": \"cowrie.ssh.factory.CowrieSSHFactory\", \"protocol\": "
	 "\"ssh\", \"isError\": 0, \"session\": \"173332e506ca\", \"dst_port\": 2222, \"sensor\": "
	 "\"920497a79896\"}"},
	{"failed login (kareiva/cowrie-logs)",
	 "{\"eventid\": \"cowrie.login.failed\", \"username\": \"miner\", \"timestamp\": "
	 "\"2018-05-06T22:33:22.698977Z\", \"message\": \"login attempt [miner/miner] failed\", "
	 "\"system\": \"SSHService 'ssh-userauth' on HoneyPotSSHTransport,36,137.74.171.123\", "
	 "\"isError\": 0, \"src_ip\": \"137.74.171.123\", \"session\": \"bed4ca4313ae\", "
	 "\"password\": \"miner\", \"sensor\": \"920497a79896\"}"},
	{NULL, NULL},
};

const struct parser parser_cowrie = {
	.name = "cowrie",
	.summary = "Cowrie SSH/telnet honeypot JSON log (cowrie.json): connections, logins, "
		   "commands, downloads",
	.time_note = "\"timestamp\" is UTC with its \"Z\" (RFC 3339); a stamp without a zone "
		     "is read as UTC, which is what Cowrie writes",
	.examples = cowrie_examples,
	.detect = cowrie_detect,
	.parse_line = cowrie_parse_line,
};
