/* contacts.c: the abuse-contact file (longest network prefix and longest
 * domain suffix win, bad lines counted with file:line, later lines
 * replace earlier ones) and registered domains (last two labels, three
 * under a well-known second-level suffix, nothing for addresses). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/addr.h"
#include "enrich/contacts.h"

static struct ip_addr ip(const char *s)
{
	struct ip_addr a;
	assert_int_equal(addr_parse(s, strlen(s), &a), 0);
	return a;
}

static const char *regdom(const char *host)
{
	static char buf[256];
	return contacts_registered_domain(host, buf, sizeof(buf));
}

static void test_registered_domain(void **state)
{
	(void)state;
	assert_string_equal(regdom("a.b.example.com"), "example.com");
	assert_string_equal(regdom("Mail.Example.COM."), "example.com");
	assert_string_equal(regdom("example.org"), "example.org");
	assert_string_equal(regdom("host.isp.co.uk"), "isp.co.uk");
	assert_string_equal(regdom("p1234-ipngn.tokyo.ocn.ne.jp"), "ocn.ne.jp");
	assert_string_equal(regdom("cpe-1-2-3-4.nsw.bigpond.com.au"), "bigpond.com.au");
	assert_string_equal(regdom("isp.co.uk"), "isp.co.uk");
	assert_null(regdom("co.uk"));          /* a suffix, nobody's domain */
	assert_null(regdom("localhost"));      /* one label */
	assert_null(regdom("192.0.2.1"));      /* an address */
	assert_null(regdom("2001:db8::1"));
	assert_null(regdom("1.2.3.4.5"));      /* numeric last label */
	assert_null(regdom("bad..example.com"));
	assert_null(regdom("we ird.example.com"));
	assert_null(regdom(""));
	assert_null(regdom(NULL));
	char small[8];
	assert_null(contacts_registered_domain("host.example.com", small, sizeof(small)));
}

static const char sample[] =
	"# network or domain, then the address\n"
	"192.0.2.0/24      abuse@net-a.example\n"
	"192.0.2.128/25    noc@net-b.example   # the longer prefix\n"
	"2001:db8::/32     abuse@v6.example\n"
	"example.net       abuse@example.net\n"
	"*.dsl.example.net dsl-abuse@example.net\n"
	"\n"
	"198.51.100.0/24   not-an-address\n"
	"198.51.100.0/33   abuse@x.example\n"
	"just-one-field\n"
	"a.example b@c.example extra\n"
	"192.0.2.0/24      mailto:abuse@net-c.example\n";

static void test_file(void **state)
{
	(void)state;
	struct contacts *c = contacts_new();
	char err[256];
	int bad = contacts_load_text(c, "contacts.txt", sample, strlen(sample), err, sizeof(err));
	assert_int_equal(bad, 4);
	assert_string_equal(err, "contacts.txt:8: not a plain mail address (local@domain)");
	assert_int_equal(contacts_size(c), 5);
	struct ip_addr a = ip("192.0.2.5"), b = ip("192.0.2.200"), v6 = ip("2001:db8:1::9");
	struct ip_addr none = ip("203.0.113.1");
	assert_string_equal(contacts_for_addr(c, &a), "abuse@net-c.example"); /* replaced */
	assert_string_equal(contacts_for_addr(c, &b), "noc@net-b.example");
	assert_string_equal(contacts_for_addr(c, &v6), "abuse@v6.example");
	assert_null(contacts_for_addr(c, &none));
	assert_string_equal(contacts_for_host(c, "www.example.net"), "abuse@example.net");
	assert_string_equal(contacts_for_host(c, "EXAMPLE.NET."), "abuse@example.net");
	assert_string_equal(contacts_for_host(c, "p1.dsl.example.net"), "dsl-abuse@example.net");
	assert_null(contacts_for_host(c, "badexample.net")); /* not at a label boundary */
	assert_null(contacts_for_host(c, NULL));
	contacts_free(c);
	contacts_free(NULL);
}

static void test_mailbox(void **state)
{
	(void)state;
	assert_true(contacts_mailbox_ok("abuse@example.org", 17));
	assert_false(contacts_mailbox_ok("abuse@", 6));
	assert_false(contacts_mailbox_ok("@example.org", 12));
	assert_false(contacts_mailbox_ok("a b@example.org", 15));
	assert_false(contacts_mailbox_ok("a@b@example.org", 15));
	assert_false(contacts_mailbox_ok("<a@example.org>", 15));
	assert_false(contacts_mailbox_ok("a@example.org,b@x.org", 21));
	assert_false(contacts_mailbox_ok("a@example.org\r\nBcc: x@y", 24));
}

static void test_missing_file(void **state)
{
	(void)state;
	struct contacts *c = contacts_new();
	char err[256];
	assert_int_equal(contacts_load_file(c, "/nonexistent/contacts", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "/nonexistent/contacts"));
	contacts_free(c);
}

/* A file as large as allowed: distinct entries up to the cap, then lines
 * that repeat a key (they replace, so they still fit, and the later one
 * wins, also for domains), then one more new key, refused. Loading appends
 * and sorts once: a scan per line made this quadratic. */
static void test_large_file(void **state)
{
	(void)state;
	size_t cap = (size_t)CONTACTS_MAX_ENTRIES * 48 + 4096, n = 0;
	char *text = malloc(cap);
	assert_non_null(text);
	n += (size_t)snprintf(text + n, cap - n, "example.org first@example.org\n");
	for (size_t i = 1; i < CONTACTS_MAX_ENTRIES; i++)
		n += (size_t)snprintf(text + n, cap - n, "%zu.%zu.%zu.0/24 a%zu@example.net\n",
				      10 + (i >> 16), i >> 8 & 255, i & 255, i);
	n += (size_t)snprintf(text + n, cap - n, "10.0.1.0/24 later@example.net\n"
						 "EXAMPLE.org. last@example.org\n"
						 "192.0.2.0/24 one-too-many@example.net\n");
	struct contacts *c = contacts_new();
	char err[256];
	int bad = contacts_load_text(c, "big.txt", text, n, err, sizeof(err));
	free(text);
	assert_int_equal(bad, 1);
	assert_non_null(strstr(err, "too many entries"));
	assert_int_equal(contacts_size(c), CONTACTS_MAX_ENTRIES);
	struct ip_addr a = ip("10.0.1.7"), b = ip("10.0.2.7"), none = ip("192.0.2.1");
	assert_string_equal(contacts_for_addr(c, &a), "later@example.net");
	assert_string_equal(contacts_for_addr(c, &b), "a2@example.net");
	assert_null(contacts_for_addr(c, &none));
	assert_string_equal(contacts_for_host(c, "www.example.org"), "last@example.org");
	contacts_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_registered_domain),
		cmocka_unit_test(test_file),
		cmocka_unit_test(test_mailbox),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_large_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
