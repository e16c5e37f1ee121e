/* Events in the DShield submission format (isc.sans.edu "Developing
 * DShield Client Software"; the layout parse/dshield.c reads): one line per
 * event, nine tab-separated fields
 *   "YYYY-MM-DD HH:MM:SS +00:00" USERID COUNT SRC SPORT DST DPORT PROTO FLAGS
 * Times are written in UTC, to the second (the format has no fraction).
 * Ports the event lacks are "???"; ICMP carries type and code in the port
 * fields; PROTO is TCP, UDP, ICMP or the protocol number ("???" for an
 * unknown one); FLAGS are letters of "SFAPRU12" (1 = CWR, 2 = ECE), only
 * for TCP events whose flags are known. What the format cannot say (a
 * NULL scan's empty flag set, the verdict, interfaces) is left out. */
#include "report/report.h"

#include <string.h>

#include "core/addr.h"
#include "report/report_util.h"

/* The user id as DShield takes it; anything that could break the line
 * (a tab, a newline) or is empty becomes the anonymous id "0". */
static const char *ds_submitter(const char *s)
{
	if (!s || !*s || strlen(s) > 32)
		return "0";
	for (const char *c = s; *c; c++) {
		unsigned char u = (unsigned char)*c;
		if (!((u >= '0' && u <= '9') || (u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z') ||
		      u == '_' || u == '-' || u == '.'))
			return "0";
	}
	return s;
}

static const char *ds_proto(uint8_t proto, char num[4])
{
	switch (proto) {
	case IPPROTO_NUM_TCP: return "TCP";
	case IPPROTO_NUM_UDP: return "UDP";
	case IPPROTO_NUM_ICMP: return "ICMP";
	case 0: return "???";
	default: {
		size_t n = report_u64_digits(proto, num);
		num[n] = '\0';
		return num;
	}
	}
}

int report_dshield_event(FILE *out, const struct event *ev, const char *submitter)
{
	uint32_t f = ev->flags;
	if (!(f & EVENT_HAS_TIME) || !(f & EVENT_HAS_SRC) || !(f & EVENT_HAS_DST))
		return -1;
	struct report_tm t;
	report_tm_of(NULL, ev->time_ns, &t);
	if (t.year < 0 || t.year > 9999)
		return -1;

	char src[ADDR_STRLEN], dst[ADDR_STRLEN], num[4];
	char sp[8] = "???", dp[8] = "???";
	int icmp = ev->proto == IPPROTO_NUM_ICMP || ev->proto == IPPROTO_NUM_ICMPV6;
	if (icmp && (f & EVENT_HAS_ICMP)) {
		snprintf(sp, sizeof(sp), "%u", (unsigned)ev->icmp_type);
		snprintf(dp, sizeof(dp), "%u", (unsigned)ev->icmp_code);
	} else if (!icmp && (f & EVENT_HAS_PORTS)) {
		snprintf(sp, sizeof(sp), "%u", (unsigned)ev->sport);
		snprintf(dp, sizeof(dp), "%u", (unsigned)ev->dport);
	}
	char flags[9];
	size_t nf = 0;
	if (ev->proto == IPPROTO_NUM_TCP && (f & EVENT_HAS_TCP_FLAGS)) {
		static const struct {
			uint8_t bit;
			char letter;
		} order[] = {
			{TCP_FLAG_SYN, 'S'}, {TCP_FLAG_FIN, 'F'}, {TCP_FLAG_ACK, 'A'},
			{TCP_FLAG_PSH, 'P'}, {TCP_FLAG_RST, 'R'}, {TCP_FLAG_URG, 'U'},
			{TCP_FLAG_CWR, '1'}, {TCP_FLAG_ECE, '2'},
		};
		for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
			if (ev->tcp_flags & order[i].bit)
				flags[nf++] = order[i].letter;
	}
	flags[nf] = '\0';

	char line[256];
	int n = snprintf(line, sizeof(line),
			 "%04u-%02u-%02u %02u:%02u:%02u +00:00\t%s\t%u\t%s\t%s\t%s\t%s\t%s\t%s\n",
			 (unsigned)t.year, t.mon, t.day, t.hour, t.min, t.sec, ds_submitter(submitter),
			 (unsigned)(ev->count ? ev->count : 1), addr_format(&ev->src, src), sp,
			 addr_format(&ev->dst, dst), dp, ds_proto(ev->proto, num), flags);
	if (n < 0 || (size_t)n >= sizeof(line))
		return -1;
	fwrite(line, 1, (size_t)n, out);
	return 0;
}
