/* Abuse-contact file and registered domains (see contacts.h). Entries are
 * kept in two plain arrays, searched linearly for the longest match (once
 * per incident). Loading appends and then sorts out the repeated keys in
 * one pass, so a large file (up to CONTACTS_MAX_ENTRIES) loads in
 * O(n log n), not with a scan of the array per line. */
#include "enrich/contacts.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

struct net_entry {
	struct ip_prefix net;
	char *mailbox;
	size_t seq;   /* load order: of two for one network, the later wins */
};

struct domain_entry {
	char *domain; /* lower case, no leading dot */
	char *mailbox;
	size_t seq;
};

struct contacts {
	struct net_entry *nets;
	size_t n_nets, cap_nets;
	struct domain_entry *domains;
	size_t n_domains, cap_domains;
	size_t seq;
	size_t compacted;  /* entries right after the last compact() */
};

/* Second-level suffixes under which registrations sit one label deeper.
 * Not the Public Suffix List (thousands of rules): the common
 * country-code ones, enough to find abuse@ of most providers. */
static const char *const second_level[] = {
	"ac.uk", "co.uk", "gov.uk", "ltd.uk", "me.uk", "net.uk", "org.uk", "plc.uk",
	"ac.jp", "ad.jp", "co.jp", "ed.jp", "go.jp", "gr.jp", "lg.jp", "ne.jp", "or.jp",
	"com.au", "edu.au", "gov.au", "net.au", "org.au", "id.au",
	"co.nz", "net.nz", "org.nz", "ac.nz",
	"co.kr", "ne.kr", "or.kr", "ac.kr",
	"com.cn", "net.cn", "org.cn", "edu.cn", "gov.cn",
	"com.tw", "net.tw", "org.tw", "edu.tw",
	"com.hk", "net.hk", "org.hk",
	"com.sg", "net.sg", "com.my", "net.my",
	"co.id", "net.id", "or.id", "co.th", "in.th", "com.vn", "net.vn",
	"co.in", "net.in", "org.in", "ac.in",
	"com.br", "net.br", "org.br", "com.ar", "com.mx", "net.mx", "com.co",
	"co.za", "org.za", "com.tr", "net.tr", "co.il", "net.il", "ac.il",
	"com.ua", "net.ua", "com.ru", "net.ru", "org.ru", "com.pl", "net.pl",
};

struct contacts *contacts_new(void)
{
	return xcalloc(1, sizeof(struct contacts));
}

void contacts_free(struct contacts *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n_nets; i++)
		free(c->nets[i].mailbox);
	for (size_t i = 0; i < c->n_domains; i++) {
		free(c->domains[i].domain);
		free(c->domains[i].mailbox);
	}
	free(c->nets);
	free(c->domains);
	free(c);
}

size_t contacts_size(const struct contacts *c)
{
	return c ? c->n_nets + c->n_domains : 0;
}

int contacts_mailbox_ok(const char *s, size_t len)
{
	size_t at = len;
	if (len < 3 || len > 254)
		return 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch <= ' ' || ch >= 0x7f || strchr("<>()[],;:\"\\", ch))
			return 0;
		if (ch == '@') {
			if (at != len)
				return 0;
			at = i;
		}
	}
	return at > 0 && at + 1 < len && s[len - 1] != '.' && s[at + 1] != '.';
}

static int host_char(unsigned char ch)
{
	return isalnum(ch) || ch == '-' || ch == '_' || ch == '.';
}

/* "example.org", ".example.org" or "*.example.org" -> "example.org". */
static char *domain_key(const char *s, size_t len)
{
	if (len >= 2 && s[0] == '*' && s[1] == '.') {
		s += 2;
		len -= 2;
	} else if (len >= 1 && s[0] == '.') {
		s++;
		len--;
	}
	if (len && s[len - 1] == '.')
		len--;
	if (len == 0 || len > 253 || s[0] == '.')
		return NULL;
	for (size_t i = 0; i < len; i++)
		if (!host_char((unsigned char)s[i]) || (s[i] == '.' && i + 1 < len && s[i + 1] == '.'))
			return NULL;
	char *d = xstrndup(s, len);
	for (size_t i = 0; i < len; i++)
		d[i] = (char)tolower((unsigned char)d[i]);
	return d;
}

static void add_net(struct contacts *c, const struct ip_prefix *p, const char *mb, size_t mblen)
{
	c->nets = xgrow(c->nets, &c->cap_nets, c->n_nets + 1, sizeof(*c->nets));
	struct net_entry *e = &c->nets[c->n_nets++];
	e->net = *p;
	e->mailbox = xstrndup(mb, mblen);
	e->seq = c->seq++;
}

static void add_domain(struct contacts *c, char *domain, const char *mb, size_t mblen)
{
	c->domains = xgrow(c->domains, &c->cap_domains, c->n_domains + 1, sizeof(*c->domains));
	struct domain_entry *e = &c->domains[c->n_domains++];
	e->domain = domain;
	e->mailbox = xstrndup(mb, mblen);
	e->seq = c->seq++;
}

static int net_key_cmp(const struct net_entry *a, const struct net_entry *b)
{
	if (a->net.bits != b->net.bits)
		return a->net.bits < b->net.bits ? -1 : 1;
	return memcmp(&a->net.addr, &b->net.addr, sizeof(a->net.addr));
}

static int net_key_cmp_v(const void *x, const void *y)
{
	return net_key_cmp(x, y);
}

static int domain_key_cmp(const void *x, const void *y)
{
	const struct domain_entry *a = x, *b = y;
	return strcmp(a->domain, b->domain);
}

static int net_cmp(const void *x, const void *y)
{
	const struct net_entry *a = x, *b = y;
	int c = net_key_cmp(a, b);
	return c ? c : (a->seq > b->seq) - (a->seq < b->seq);
}

static int domain_cmp(const void *x, const void *y)
{
	const struct domain_entry *a = x, *b = y;
	int c = strcmp(a->domain, b->domain);
	return c ? c : (a->seq > b->seq) - (a->seq < b->seq);
}

/* One entry per key: the last loaded of each run of equal keys. */
static void compact(struct contacts *c)
{
	if (c->n_nets > 1) /* qsort wants a non-null array, even of none */
		qsort(c->nets, c->n_nets, sizeof(*c->nets), net_cmp);
	size_t w = 0;
	for (size_t i = 0; i < c->n_nets; i++) {
		if (i + 1 < c->n_nets && net_key_cmp(&c->nets[i], &c->nets[i + 1]) == 0) {
			free(c->nets[i].mailbox);
			continue;
		}
		c->nets[w++] = c->nets[i];
	}
	c->n_nets = w;
	if (c->n_domains > 1)
		qsort(c->domains, c->n_domains, sizeof(*c->domains), domain_cmp);
	w = 0;
	for (size_t i = 0; i < c->n_domains; i++) {
		if (i + 1 < c->n_domains &&
		    strcmp(c->domains[i].domain, c->domains[i + 1].domain) == 0) {
			free(c->domains[i].domain);
			free(c->domains[i].mailbox);
			continue;
		}
		c->domains[w++] = c->domains[i];
	}
	c->n_domains = w;
	c->compacted = c->n_nets + c->n_domains;
}

/* Whether the arrays are full. Repeated keys do not count: they are
 * dropped first (again only once something was added since). */
static int at_cap(struct contacts *c)
{
	size_t n = c->n_nets + c->n_domains;
	if (n >= CONTACTS_MAX_ENTRIES && n > c->compacted)
		compact(c);
	return c->n_nets + c->n_domains >= CONTACTS_MAX_ENTRIES;
}

/* When full, a line may still replace the entry of its key, found in the
 * arrays compact() left sorted. Returns 1 if it did (de's domain freed). */
static int replace(struct contacts *c, const struct net_entry *ne, struct domain_entry *de,
		   const char *mb, size_t mblen)
{
	char **slot = NULL;
	if (de->domain) {
		struct domain_entry *e = !c->n_domains ? NULL :
			bsearch(de, c->domains, c->n_domains, sizeof(*de), domain_key_cmp);
		if (e)
			slot = &e->mailbox;
	} else {
		struct net_entry *e = !c->n_nets ? NULL :
			bsearch(ne, c->nets, c->n_nets, sizeof(*ne), net_key_cmp_v);
		if (e)
			slot = &e->mailbox;
	}
	if (!slot)
		return 0;
	free(*slot);
	*slot = xstrndup(mb, mblen);
	free(de->domain);
	de->domain = NULL;
	return 1;
}

static int is_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r';
}

/* One line without its newline. Returns NULL, or why it is bad. */
static const char *parse_line(struct contacts *c, const char *s, size_t len)
{
	const char *hash = memchr(s, '#', len);
	if (hash)
		len = (size_t)(hash - s);
	size_t i = 0;
	while (i < len && is_space(s[i]))
		i++;
	if (i == len)
		return NULL;
	if (len > CONTACTS_MAX_LINE)
		return "line too long";
	size_t k0 = i;
	while (i < len && !is_space(s[i]))
		i++;
	size_t k1 = i;
	while (i < len && is_space(s[i]))
		i++;
	size_t m0 = i;
	while (i < len && !is_space(s[i]))
		i++;
	size_t m1 = i;
	while (i < len && is_space(s[i]))
		i++;
	if (m0 == m1)
		return "no mail address after the network or domain";
	if (i != len)
		return "more than two fields";
	const char *mb = s + m0;
	size_t mblen = m1 - m0;
	if (mblen > 7 && strncasecmp(mb, "mailto:", 7) == 0) {
		mb += 7;
		mblen -= 7;
	}
	if (!contacts_mailbox_ok(mb, mblen))
		return "not a plain mail address (local@domain)";
	struct net_entry ne = {.mailbox = NULL};
	struct domain_entry de = {.domain = NULL};
	if (prefix_parse(s + k0, k1 - k0, &ne.net) != 0) {
		if (memchr(s + k0, ':', k1 - k0) || memchr(s + k0, '/', k1 - k0))
			return "not a network";
		de.domain = domain_key(s + k0, k1 - k0);
		if (!de.domain)
			return "neither a network nor a domain name";
	}
	if (at_cap(c)) {
		if (replace(c, &ne, &de, mb, mblen))
			return NULL;
		free(de.domain);
		return "too many entries";
	}
	if (de.domain)
		add_domain(c, de.domain, mb, mblen);
	else
		add_net(c, &ne.net, mb, mblen);
	return NULL;
}

int contacts_load_text(struct contacts *c, const char *name, const char *text, size_t len,
		       char *err, size_t errlen)
{
	int bad = 0;
	size_t line_no = 0, pos = 0;
	if (err && errlen)
		err[0] = '\0';
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - text) : len;
		line_no++;
		const char *why = parse_line(c, text + pos, end - pos);
		if (why) {
			if (bad == 0 && err && errlen)
				snprintf(err, errlen, "%s:%zu: %s", name, line_no, why);
			bad++;
		}
		pos = end + 1;
	}
	compact(c);
	return bad;
}

int contacts_load_file(struct contacts *c, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	char *buf = NULL;
	size_t len = 0, cap = 0, got;
	do {
		buf = xgrow(buf, &cap, len + 65536, 1);
		got = fread(buf + len, 1, cap - len, f);
		len += got;
	} while (got > 0 && len <= CONTACTS_MAX_FILE);
	int failed = ferror(f);
	fclose(f);
	if (failed || len > CONTACTS_MAX_FILE) {
		snprintf(err, errlen, "%s: %s", path,
			 failed ? "read error" : "larger than 16 MiB");
		free(buf);
		return -1;
	}
	int bad = contacts_load_text(c, path, buf, len, err, errlen);
	free(buf);
	return bad;
}

const char *contacts_for_addr(const struct contacts *c, const struct ip_addr *a)
{
	const struct net_entry *best = NULL;
	if (!c)
		return NULL;
	for (size_t i = 0; i < c->n_nets; i++)
		if (prefix_contains(&c->nets[i].net, a) &&
		    (!best || c->nets[i].net.bits > best->net.bits))
			best = &c->nets[i];
	return best ? best->mailbox : NULL;
}

/* Does domain d end host at a label boundary? */
static int suffix_match(const char *host, size_t hlen, const char *d)
{
	size_t dlen = strlen(d);
	if (dlen > hlen || strncasecmp(host + hlen - dlen, d, dlen) != 0)
		return 0;
	return dlen == hlen || host[hlen - dlen - 1] == '.';
}

const char *contacts_for_host(const struct contacts *c, const char *host)
{
	const struct domain_entry *best = NULL;
	size_t best_len = 0;
	if (!c || !host)
		return NULL;
	size_t hlen = strlen(host);
	if (hlen && host[hlen - 1] == '.')
		hlen--;
	for (size_t i = 0; i < c->n_domains; i++) {
		size_t dlen = strlen(c->domains[i].domain);
		if (dlen > best_len && suffix_match(host, hlen, c->domains[i].domain)) {
			best = &c->domains[i];
			best_len = dlen;
		}
	}
	return best ? best->mailbox : NULL;
}

const char *contacts_registered_domain(const char *host, char *buf, size_t buflen)
{
	size_t len = host ? strlen(host) : 0;
	struct ip_addr a;
	if (len && host[len - 1] == '.')
		len--;
	if (len == 0 || len > 253 || host[0] == '.' || addr_parse(host, len, &a) == 0)
		return NULL;
	size_t dots[3] = {0}; /* positions of the last three dots */
	size_t n_dots = 0;
	for (size_t i = len; i-- > 0;) {
		if (!host_char((unsigned char)host[i]) || (host[i] == '.' && host[i + 1] == '.'))
			return NULL;
		if (host[i] == '.' && n_dots < 3)
			dots[n_dots++] = i;
	}
	if (n_dots == 0)
		return NULL;
	size_t start = n_dots >= 2 ? dots[1] + 1 : 0;
	for (size_t k = 0; k < ARRAY_LEN(second_level); k++) {
		if (suffix_match(host, len, second_level[k]) && len - start == strlen(second_level[k])) {
			if (n_dots < 2)
				return NULL; /* "co.uk" itself is nobody's domain */
			start = n_dots >= 3 ? dots[2] + 1 : 0;
			break;
		}
	}
	/* the last label of a name is never all digits (RFC 3696 section 2) */
	size_t last = dots[0] + 1, digits = 0;
	for (size_t i = last; i < len; i++)
		digits += isdigit((unsigned char)host[i]) != 0;
	if (digits == len - last || len - start + 1 > buflen)
		return NULL;
	for (size_t i = start; i < len; i++)
		buf[i - start] = (char)tolower((unsigned char)host[i]);
	buf[len - start] = '\0';
	return buf;
}
