/* The normalised event: reset, and the names of its enumerations (actions,
 * outcomes, IANA protocol numbers, TCP flags in nmap's letter order). */
#include "core/event.h"

#include <string.h>
#include <strings.h>

void event_clear(struct event *ev)
{
	memset(ev, 0, sizeof(*ev));
	ev->count = 1;
}

static const char *const action_names[EVENT_ACTION_COUNT] = {
	[EVENT_ACTION_UNKNOWN] = "unknown",
	[EVENT_ACTION_DROP] = "drop",
	[EVENT_ACTION_REJECT] = "reject",
	[EVENT_ACTION_ACCEPT] = "accept",
	[EVENT_ACTION_LOG] = "log",
};

const char *event_action_name(enum event_action a)
{
	if ((unsigned)a >= EVENT_ACTION_COUNT)
		return "unknown";
	return action_names[a];
}

static const char *const outcome_names[EVENT_OUTCOME_COUNT] = {
	[EVENT_OUTCOME_UNKNOWN] = "unknown",
	[EVENT_OUTCOME_OPEN] = "open",
	[EVENT_OUTCOME_CLOSED] = "closed",
	[EVENT_OUTCOME_UNREACHABLE] = "unreachable",
	[EVENT_OUTCOME_NO_ANSWER] = "no_answer",
	[EVENT_OUTCOME_AUTH_FAILURE] = "auth_failure",
	[EVENT_OUTCOME_AUTH_SUCCESS] = "auth_success",
};

const char *event_outcome_name(enum event_outcome o)
{
	if ((unsigned)o >= EVENT_OUTCOME_COUNT || !outcome_names[o])
		return "unknown";
	return outcome_names[o];
}

int event_action_parse(const char *s)
{
	if (!s)
		return -1;
	/* "unknown" is a state, not something a user can ask for. */
	for (int a = EVENT_ACTION_DROP; a < EVENT_ACTION_COUNT; a++)
		if (strcasecmp(s, action_names[a]) == 0)
			return a;
	return -1;
}

const char *event_proto_name(unsigned proto)
{
	switch (proto) {
	case IPPROTO_NUM_ICMP:
		return "icmp";
	case IPPROTO_NUM_IGMP:
		return "igmp";
	case 4:
		return "ipip";
	case IPPROTO_NUM_TCP:
		return "tcp";
	case IPPROTO_NUM_UDP:
		return "udp";
	case 41:
		return "ipv6";
	case 47:
		return "gre";
	case IPPROTO_NUM_ESP:
		return "esp";
	case IPPROTO_NUM_AH:
		return "ah";
	case IPPROTO_NUM_ICMPV6:
		return "icmpv6";
	case 89:
		return "ospf";
	case 103:
		return "pim";
	case 112:
		return "vrrp";
	case IPPROTO_NUM_SCTP:
		return "sctp";
	case IPPROTO_NUM_UDPLITE:
		return "udplite";
	default:
		return NULL;
	}
}

void event_tcp_flags_str(uint8_t flags, char *buf)
{
	/* nmap's order: F S R P A U E C */
	static const struct {
		uint8_t bit;
		char c;
	} order[] = {
		{TCP_FLAG_FIN, 'F'}, {TCP_FLAG_SYN, 'S'}, {TCP_FLAG_RST, 'R'}, {TCP_FLAG_PSH, 'P'},
		{TCP_FLAG_ACK, 'A'}, {TCP_FLAG_URG, 'U'}, {TCP_FLAG_ECE, 'E'}, {TCP_FLAG_CWR, 'C'},
	};
	char *p = buf;
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		if (flags & order[i].bit)
			*p++ = order[i].c;
	if (p == buf)
		*p++ = '-';
	*p = '\0';
}
