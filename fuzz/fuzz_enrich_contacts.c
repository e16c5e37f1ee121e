/* Fuzzes the abuse-contact file parser (contacts_load_text) and, on each
 * input line, the registered-domain rule and the lookups. Checks: bad-line
 * counts fit the line count, every mailbox returned passes the header
 * check (nothing unsafe can reach a To: line), a registered domain is a
 * lower-case suffix of the name with at least one dot, and it fits. */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/addr.h"
#include "enrich/contacts.h"

#define FUZZ_MAX_INPUT (64 * 1024)
#define FUZZ_MAX_LINE 300

#include "fuzz_check.h"

static void check_mailbox(const char *mb)
{
	if (mb)
		CHECK(contacts_mailbox_ok(mb, strlen(mb)));
}

static void check_line(const struct contacts *c, const char *s, size_t len)
{
	char host[FUZZ_MAX_LINE + 1], dom[256];
	if (len > FUZZ_MAX_LINE)
		len = FUZZ_MAX_LINE;
	memcpy(host, s, len);
	host[len] = '\0';
	const char *d = contacts_registered_domain(host, dom, sizeof(dom));
	if (d) {
		size_t dl = strlen(d), hl = strlen(host);
		if (hl && host[hl - 1] == '.')
			hl--;
		CHECK(dl <= hl && strchr(d, '.'));
		CHECK(strncasecmp(host + hl - dl, d, dl) == 0);
		for (size_t i = 0; i < dl; i++)
			CHECK(!isupper((unsigned char)d[i]));
	}
	check_mailbox(contacts_for_host(c, host));
	struct ip_addr a;
	if (addr_parse(s, len, &a) == 0)
		check_mailbox(contacts_for_addr(c, &a));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > FUZZ_MAX_INPUT)
		return 0;
	const char *text = (const char *)data;
	size_t lines = 1;
	for (size_t i = 0; i < size; i++)
		lines += text[i] == '\n';
	struct contacts *c = contacts_new();
	char err[256];
	int bad = contacts_load_text(c, "fuzz", text, size, err, sizeof(err));
	CHECK(bad >= 0 && (size_t)bad <= lines);
	CHECK(contacts_size(c) <= lines);
	size_t pos = 0;
	while (pos < size) {
		const char *nl = memchr(text + pos, '\n', size - pos);
		size_t end = nl ? (size_t)(nl - text) : size;
		check_line(c, text + pos, end - pos);
		pos = end + 1;
	}
	contacts_free(c);
	return 0;
}
