/* Fuzz target for the detector: the input is a stream of 24-byte event
 * records (addresses from a small pool, so sources and targets repeat) fed
 * to two detectors with tiny caps, which are merged and analysed, then the
 * same to one; the text of an allowlist precedes the records after a NUL.
 * Checks that nothing crashes, the caps hold, and every finding has a
 * severity and a reason. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/hash.h"
#include "detect/detect.h"

#define REC 24

static void addr_of(uint8_t sel, struct ip_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (sel & 0x80) { /* IPv6 2001:db8::sel */
		a->b[0] = 0x20;
		a->b[1] = 0x01;
		a->b[2] = 0x0d;
		a->b[3] = 0xb8;
		a->b[15] = sel & 0x7f;
	} else {
		addr_from_v4(0xc6336400u | (sel & 0x3f), a); /* 198.51.100.x */
	}
}

static void make_event(const uint8_t *p, struct event *ev)
{
	event_clear(ev);
	addr_of(p[0], &ev->src);
	addr_of(p[1], &ev->dst);
	ev->flags = (uint32_t)(p[2] | (p[3] << 8)) | EVENT_HAS_SRC;
	ev->proto = p[4];
	ev->sport = (uint16_t)(p[5] | (p[6] << 8));
	ev->dport = (uint16_t)(p[7] | (p[8] << 8));
	ev->tcp_flags = p[9];
	ev->icmp_type = p[10];
	ev->outcome = p[11] % (EVENT_OUTCOME_COUNT + 1);
	ev->action = p[12] % (EVENT_ACTION_COUNT + 1);
	ev->window = (uint16_t)(p[13] << 8);
	ev->ip_len = p[14];
	ev->ttl = p[15];
	ev->ip_id = (uint32_t)(p[16] | (p[17] << 8));
	ev->tcp_seq = (uint32_t)p[18] | (uint32_t)p[19] << 8 | (uint32_t)p[1] << 24;
	int64_t t = (int64_t)(p[20] | (p[21] << 8)) * 1000000000LL;
	ev->time_ns = (p[22] & 1) ? -t : t;
	ev->count = p[23] % 4;
	if (p[22] & 4)
		ev->flags |= EVENT_HONEYPOT;
	if (p[22] & 2) {
		ev->out_if.ptr = "eth0";
		ev->out_if.len = 4;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int keyed;
	if (!keyed) {
		hash_set_key(3, 4);
		keyed = 1;
	}
	struct detect_config cfg;
	detect_config_defaults(&cfg);
	cfg.max_sources = 16;
	cfg.max_contacts = 12;
	cfg.max_contacts_total = 100;
	cfg.sweep_hosts = 3;
	cfg.port_score = 6;
	cfg.proto_count = 3;
	cfg.hammer_count = 2;
	cfg.period_returns = 2;
	char derr[64];
	detect_config_add_dark(&cfg, "198.51.100.32/28", derr, sizeof(derr));
	const uint8_t *nul = memchr(data, 0, size);
	char err[128];
	if (nul) {
		detect_config_load_allow_text(&cfg, "fuzz", "allowlist", (const char *)data,
					      (size_t)(nul - data), err, sizeof(err));
		size -= (size_t)(nul - data) + 1;
		data = nul + 1;
	}
	struct detector *a = detect_new(&cfg), *b = detect_new(&cfg), *one = detect_new(&cfg);
	for (size_t off = 0, i = 0; off + REC <= size; off += REC, i++) {
		struct event ev;
		make_event(data + off, &ev);
		ev.unit = (uint32_t)(i / 7);
		ev.line = i;
		detect_add(i % 2 ? a : b, &ev);
		detect_add(one, &ev);
	}
	detect_merge(a, b);
	/* caps are per detector: the merged pair holds at most two tables */
	if (detect_sources(a) > 2 * cfg.max_sources || detect_sources(one) > cfg.max_sources)
		abort();
	struct detect_findings *f1 = detect_findings(a), *f2 = detect_findings(one);
	for (size_t i = 0; i < f1->n; i++)
		if (f1->items[i].severity < 1 || f1->items[i].severity > 5 || !detect_why(f1, &f1->items[i])[0])
			abort();
	detect_findings_free(f1);
	detect_findings_free(f2);
	detect_free(a);
	detect_free(b);
	detect_free(one);
	detect_config_fini(&cfg);
	return 0;
}
