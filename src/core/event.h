/* The normalised event: the one record every parser fills and every later
 * stage reads. Fixed size, nothing allocated per event; strings are slices
 * into the input line and live only as long as that line. */
#ifndef CLSCAN_EVENT_H
#define CLSCAN_EVENT_H

#include <stddef.h>
#include <stdint.h>

#include "core/addr.h"

/* What the device did with the packet. */
enum event_action {
	EVENT_ACTION_UNKNOWN = 0,
	EVENT_ACTION_DROP,
	EVENT_ACTION_REJECT,
	EVENT_ACTION_ACCEPT,
	EVENT_ACTION_LOG, /* logged only (ufw AUDIT, a plain LOG rule) */
	EVENT_ACTION_COUNT
};

/* What became of the connection attempt, where the source says (a packet
 * capture's reply, Zeek's conn_state, sshd's verdict, a honeypot). */
enum event_outcome {
	EVENT_OUTCOME_UNKNOWN = 0,
	EVENT_OUTCOME_OPEN,        /* answered: SYN-ACK, a UDP reply, a session */
	EVENT_OUTCOME_CLOSED,      /* refused: RST, TCP wrappers' refusal */
	EVENT_OUTCOME_UNREACHABLE, /* ICMP unreachable came back */
	EVENT_OUTCOME_NO_ANSWER,   /* nothing came back (capture), or dropped silently */
	EVENT_OUTCOME_AUTH_FAILURE,/* connected, then failed to log in */
	EVENT_OUTCOME_AUTH_SUCCESS,/* connected and logged in */
	EVENT_OUTCOME_COUNT
};

/* TCP flag bits, as in the TCP header's flags byte. */
#define TCP_FLAG_FIN 0x01
#define TCP_FLAG_SYN 0x02
#define TCP_FLAG_RST 0x04
#define TCP_FLAG_PSH 0x08
#define TCP_FLAG_ACK 0x10
#define TCP_FLAG_URG 0x20
#define TCP_FLAG_ECE 0x40
#define TCP_FLAG_CWR 0x80

/* IP protocol numbers used by name in the code. */
#define IPPROTO_NUM_ICMP 1
#define IPPROTO_NUM_IGMP 2
#define IPPROTO_NUM_TCP 6
#define IPPROTO_NUM_UDP 17
#define IPPROTO_NUM_ESP 50
#define IPPROTO_NUM_AH 51
#define IPPROTO_NUM_ICMPV6 58
#define IPPROTO_NUM_SCTP 132
#define IPPROTO_NUM_UDPLITE 136
/* Not an IP protocol: ARP events (EVENT_ARP) carry 255, which IANA keeps
 * reserved. Per-protocol counts show them as protocol 255 (where an IP
 * packet of protocol 255, as nmap -sO sends one, also lands); the flag
 * tells them apart. */
#define EVENT_PROTO_ARP 255

/* Which optional fields are present. */
enum event_flag {
	EVENT_HAS_TIME = 1u << 0,
	EVENT_HAS_SRC = 1u << 1,
	EVENT_HAS_DST = 1u << 2,
	EVENT_HAS_PORTS = 1u << 3,     /* sport and dport */
	EVENT_HAS_TCP_FLAGS = 1u << 4, /* tcp_flags is meaningful (may be 0: NULL scan) */
	EVENT_HAS_ICMP = 1u << 5,      /* icmp_type and icmp_code */
	EVENT_HAS_TTL = 1u << 6,       /* ttl (IPv4 TTL or IPv6 hop limit) */
	EVENT_HAS_IP_ID = 1u << 7,
	EVENT_HAS_WINDOW = 1u << 8,
	EVENT_HAS_LEN = 1u << 9,
	EVENT_FRAGMENT = 1u << 10,     /* a non-first fragment: no transport header */
	EVENT_DF = 1u << 11,           /* IPv4 don't-fragment bit */
	EVENT_HAS_SEQ = 1u << 12,      /* TCP sequence number */
	EVENT_HAS_MSS = 1u << 13,      /* TCP MSS option seen */
	EVENT_TRUNCATED = 1u << 14,    /* the device logged an incomplete header */
	EVENT_ARP = 1u << 15,          /* an ARP request from a capture: proto is
					* EVENT_PROTO_ARP, src/dst the sender and target
					* protocol (IPv4) addresses, no ports */
	EVENT_HONEYPOT = 1u << 16,     /* logged by a honeypot: no real service there,
					* so any contact is unsolicited */
};

/* A view into the input: not NUL-terminated, owned by the input. */
struct slice {
	const char *ptr;
	uint32_t len;
};

/* One web request (access logs). Parsers that read web logs point
 * event.http at a struct kept in their parse_ctx, so events stay fixed-size
 * and other formats pay nothing. Slices are as logged: not decoded. */
struct event_http {
	struct slice method;     /* "GET"; empty if the request line was garbage */
	struct slice target;     /* path and query, e.g. "/cgi-bin/phf?Qalias=x" */
	struct slice version;    /* "HTTP/1.1"; may be empty */
	struct slice request;    /* the whole request line as logged (for evidence) */
	struct slice referrer;   /* "-" kept as empty */
	struct slice user_agent;
	struct slice vhost;      /* server name / virtual host; may be empty */
	struct slice user;       /* authenticated user; may be empty */
	struct slice client;     /* the client as logged when it is a host name
				  * (HostnameLookups on), not an address; else empty */
	uint64_t bytes;          /* response body bytes (0 when "-") */
	uint16_t status;         /* 0 when unknown */
};

struct event {
	int64_t time_ns;     /* UTC nanoseconds since 1970-01-01 */
	struct ip_addr src;  /* IPv4 is stored v4-mapped (::ffff:a.b.c.d) */
	struct ip_addr dst;
	uint32_t count;      /* packets this record stands for; >= 1 */
	uint32_t flags;      /* enum event_flag bits */
	uint32_t ip_id;      /* IPv4 ID or IPv6 fragment ID */
	uint32_t ip_len;     /* IP total length as logged */
	uint32_t tcp_seq;
	uint16_t sport;
	uint16_t dport;
	uint16_t window;
	uint16_t mss;
	uint8_t proto;       /* IP protocol number */
	uint8_t action;      /* enum event_action */
	uint8_t tcp_flags;   /* TCP_FLAG_* bits */
	uint8_t icmp_type;
	uint8_t icmp_code;
	uint8_t ttl;
	uint8_t outcome;     /* enum event_outcome */
	struct slice sensor;   /* the logging host's name */
	struct slice prefix;   /* rule prefix / log prefix, e.g. "[UFW BLOCK]" */
	struct slice in_if;
	struct slice out_if;
	struct slice phys_in;  /* bridge ports */
	struct slice phys_out;
	struct slice user;     /* login name tried (sshd, honeypots) */
	struct slice detail;   /* format-specific words worth keeping: Zeek's
				* conn_state, an ASA message id, a honeypot's
				* command; may be empty */
	const struct event_http *http; /* a web request, else NULL */
	/* Origin: which input unit (see input/unit) and which line in it. The
	 * pipeline fills these; parsers leave them alone. */
	uint32_t unit;
	uint64_t line;
};

/* Reset an event to "nothing known", count 1. */
void event_clear(struct event *ev);

const char *event_action_name(enum event_action a);
const char *event_outcome_name(enum event_outcome o); /* "open", "closed", ... */
/* Parse "drop", "reject", "accept", "log"; returns -1 if unknown. */
int event_action_parse(const char *s);
/* Protocol number to a short lower-case name ("tcp", "udp", "icmp", ...);
 * unknown numbers come back as NULL. */
const char *event_proto_name(unsigned proto);
/* Write the TCP flags as nmap-style letters ("SA", "FPU", "-" for none)
 * into buf (at least 9 bytes). */
void event_tcp_flags_str(uint8_t flags, char *buf);

#endif
