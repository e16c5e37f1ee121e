/* The DShield submission format (isc.sans.edu "Developing DShield Client
 * Software"; the field order and value rules of the DShield client
 * framework's validate_dshield): one record a line, nine tab-separated
 * fields
 *   DATE TIME TZ  USERID  COUNT  SOURCE_IP  SOURCE_PORT  TARGET_IP
 *   TARGET_PORT  PROTOCOL  [TCP_FLAGS]
 * e.g. "2023-04-28 15:53:49 +02:00\t0\t3\t192.0.2.4\t52404\t198.51.100.29\t80\tTCP\tS".
 * The date is "YYYY-MM-DD HH:MM:SS" with the submitter's UTC offset
 * ("-05:00" or "-0500"); COUNT is how many packets the line stands for
 * (honoured as the event's count); ports may be "???" when unknown; for
 * ICMP the two port fields hold the type and the code; PROTOCOL is a name
 * ("TCP", "UDP", "ICMP") or a number; the flags are letters of
 * "SFAPRU12" (1 and 2 the two bits above URG: CWR and ECE). The user id
 * becomes the event's sensor. The format carries no verdict: action
 * unknown. report/dshield.c writes the same format. */
#include <string.h>

#include "core/util.h"
#include "parse/fwlog_util.h"
#include "parse/json_scan.h" /* JSON_YEAR_MIN/MAX, the range of stamps */
#include "parse/parser.h"

#define DS_FIELDS 9

static enum parse_result ds_bad(struct parse_ctx *ctx, const char *why)
{
	ctx->reason = why;
	return PARSE_MALFORMED;
}

/* Split at tabs: returns the number of fields (at most DS_FIELDS + 1, the
 * last meaning "too many"). A byte loop: the fields are a few bytes long,
 * shorter than memchr's set-up. */
static int ds_split(const char *p, const char *end, const char *fs[DS_FIELDS + 1],
		    const char *fe[DS_FIELDS + 1])
{
	int n = 0;
	fs[0] = p;
	for (; p < end; p++) {
		if (*p != '\t')
			continue;
		fe[n++] = p;
		if (n == DS_FIELDS + 1)
			return n;
		fs[n] = p + 1;
	}
	fe[n++] = end;
	return n;
}

/* "YYYY-MM-DD HH:MM:SS ZONE" in [s, e). */
static int ds_time(const char *s, const char *e, struct event *ev)
{
	int y;
	unsigned mon, d, h, mi, sec;
	int32_t off;
	if (e - s < 21 || s[10] != ' ' || s[19] != ' ' || fwl_ymd(s, s + 10, &y, &mon, &d) != 0 ||
	    fwl_hms(s + 11, s + 19, &h, &mi, &sec) != 0 || fwl_utc_offset(s + 20, e, &off) != 0 ||
	    y < JSON_YEAR_MIN || y > JSON_YEAR_MAX)
		return -1;
	fwl_time_offset(ev, y, mon, d, h, mi, sec, 0, off);
	return 0;
}

static int ds_unknown_port(const char *s, const char *e)
{
	return e - s == 3 && memcmp(s, "???", 3) == 0;
}

static enum parse_result dshield_parse_line(struct parse_ctx *ctx, const char *line, size_t len,
					    struct event *ev)
{
	const char *end = fwl_eol(line, len);
	const char *fs[DS_FIELDS + 1], *fe[DS_FIELDS + 1];
	if (line >= end || !fwl_digit(*line))
		return PARSE_UNKNOWN;
	int n = ds_split(line, end, fs, fe);
	if (n < 2 || ds_time(fs[0], fe[0], ev) != 0)
		return PARSE_UNKNOWN;
	if (n < DS_FIELDS - 1)
		return ds_bad(ctx, "dshield: fewer than 8 tab-separated fields");
	if (n > DS_FIELDS)
		return ds_bad(ctx, "dshield: more than 9 tab-separated fields");

	uint64_t v;
	if (fe[1] == fs[1])
		return ds_bad(ctx, "dshield: empty user id");
	fwl_slice(&ev->sensor, fs[1], fe[1]);
	if (parse_u64(fs[2], (size_t)(fe[2] - fs[2]), UINT32_MAX, &v) != 0 || v == 0)
		return ds_bad(ctx, "dshield: bad count");
	ev->count = (uint32_t)v;
	if (addr_parse(fs[3], (size_t)(fe[3] - fs[3]), &ev->src) != 0)
		return ds_bad(ctx, "dshield: bad source IP");
	if (addr_parse(fs[5], (size_t)(fe[5] - fs[5]), &ev->dst) != 0)
		return ds_bad(ctx, "dshield: bad target IP");
	ev->flags |= EVENT_HAS_SRC | EVENT_HAS_DST;

	int proto = 0;
	if (!ds_unknown_port(fs[7], fe[7])) {
		proto = fwl_proto(fs[7], (size_t)(fe[7] - fs[7]));
		if (proto < 0)
			return ds_bad(ctx, "dshield: unknown protocol");
	}
	ev->proto = (uint8_t)proto;

	int sp_known = !ds_unknown_port(fs[4], fe[4]);
	int dp_known = !ds_unknown_port(fs[6], fe[6]);
	uint16_t sp = 0, dp = 0;
	if ((sp_known && fwl_port(fs[4], fe[4], &sp) != 0) ||
	    (dp_known && fwl_port(fs[6], fe[6], &dp) != 0))
		return ds_bad(ctx, "dshield: bad port");
	if (proto == IPPROTO_NUM_ICMP || proto == IPPROTO_NUM_ICMPV6) {
		if (sp_known) {
			if (sp > 255 || dp > 255)
				return ds_bad(ctx, "dshield: bad ICMP type/code");
			ev->icmp_type = (uint8_t)sp;
			ev->icmp_code = (uint8_t)dp;
			ev->flags |= EVENT_HAS_ICMP;
		}
	} else if (dp_known) {
		ev->sport = sp;
		ev->dport = dp;
		ev->flags |= EVENT_HAS_PORTS;
	}

	if (n == DS_FIELDS && fe[8] > fs[8]) {
		uint8_t fl = 0;
		for (const char *c = fs[8]; c < fe[8]; c++) {
			switch (*c) {
			case 'F': fl |= TCP_FLAG_FIN; break;
			case 'S': fl |= TCP_FLAG_SYN; break;
			case 'R': fl |= TCP_FLAG_RST; break;
			case 'P': fl |= TCP_FLAG_PSH; break;
			case 'A': fl |= TCP_FLAG_ACK; break;
			case 'U': fl |= TCP_FLAG_URG; break;
			case '2': fl |= TCP_FLAG_ECE; break;
			case '1': fl |= TCP_FLAG_CWR; break;
			default: return ds_bad(ctx, "dshield: bad TCP flag letter");
			}
		}
		if (proto == IPPROTO_NUM_TCP) {
			ev->tcp_flags = fl;
			ev->flags |= EVENT_HAS_TCP_FLAGS;
		}
	}
	return PARSE_EVENT;
}

static int dshield_detect(const char *line, size_t len)
{
	struct parse_ctx ctx;
	struct event ev;
	parse_ctx_init(&ctx, 0, 0, NULL);
	event_clear(&ev);
	return dshield_parse_line(&ctx, line, len, &ev) == PARSE_EVENT ? 90 : 0;
}

static const struct parser_example dshield_examples[] = {
	{"a TCP SYN, three packets (as the DShield client framework writes it)",
	 "2023-04-28 15:53:49 +02:00\t0\t3\t192.0.2.4\t52404\t198.51.100.29\t80\tTCP\tS"},
	{"an ICMP echo request (type and code in the port fields)",
	 "2023-04-28 15:53:38 +02:00\t0\t1\t192.0.2.4\t8\t198.51.100.29\t0\tICMP"},
	{NULL, NULL},
};

const struct parser parser_dshield = {
	.name = "dshield",
	.summary = "DShield submission format (tab-separated, as DShield clients write and "
		   "clscan -o dshield writes)",
	.time_note = "each line's date carries the submitter's UTC offset (\"+02:00\"): exact, "
		     "to the second",
	.examples = dshield_examples,
	.detect = dshield_detect,
	.parse_line = dshield_parse_line,
};
