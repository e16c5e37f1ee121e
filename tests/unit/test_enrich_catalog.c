/* catalog.c and data/services.tsv: the built-in table loads cleanly and
 * holds the 2001 study's targets and today's; lookups by protocol and
 * ICMP type; parse errors are counted and the first one described; later
 * lines override earlier ones. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/event.h"
#include "core/util.h"
#include "enrich/catalog.h"

struct want {
	uint8_t proto;
	uint16_t port;
	enum service_class cls;
	const char *name; /* NULL: any name */
};

static const struct want study_2001[] = {
	{IPPROTO_NUM_TCP, 21, SERVICE_WARNING, "ftp"},
	{IPPROTO_NUM_TCP, 23, SERVICE_ALERT, "telnet"},
	{IPPROTO_NUM_TCP, 25, SERVICE_WARNING, "smtp"},
	{IPPROTO_NUM_TCP, 53, SERVICE_WARNING, "domain"},
	{IPPROTO_NUM_TCP, 80, SERVICE_WARNING, "http"},
	{IPPROTO_NUM_TCP, 98, SERVICE_ALERT, "linuxconf"},
	{IPPROTO_NUM_TCP, 109, SERVICE_WARNING, "pop2"},
	{IPPROTO_NUM_TCP, 110, SERVICE_WARNING, "pop3"},
	{IPPROTO_NUM_TCP, 111, SERVICE_WARNING, "sunrpc"},
	{IPPROTO_NUM_TCP, 137, SERVICE_WARNING, "netbios-ns"},
	{IPPROTO_NUM_UDP, 137, SERVICE_WARNING, "netbios-ns"},
	{IPPROTO_NUM_TCP, 138, SERVICE_WARNING, "netbios-dgm"},
	{IPPROTO_NUM_UDP, 138, SERVICE_WARNING, "netbios-dgm"},
	{IPPROTO_NUM_TCP, 139, SERVICE_ALERT, "netbios-ssn"},
	{IPPROTO_NUM_UDP, 139, SERVICE_WARNING, "netbios-ssn"},
	{IPPROTO_NUM_TCP, 143, SERVICE_WARNING, "imap"},
	{IPPROTO_NUM_TCP, 515, SERVICE_WARNING, "printer"},
	{IPPROTO_NUM_TCP, 635, SERVICE_WARNING, "mountd"},
	{IPPROTO_NUM_TCP, 1080, SERVICE_WARNING, "socks"},
	{IPPROTO_NUM_TCP, 1243, SERVICE_ALERT, "SubSeven"},
	{IPPROTO_NUM_TCP, 1433, SERVICE_ALERT, "ms-sql-s"},
	{IPPROTO_NUM_TCP, 1524, SERVICE_ALERT, "ingreslock"},
	{IPPROTO_NUM_TCP, 3128, SERVICE_WARNING, "squid"},
	{IPPROTO_NUM_TCP, 5631, SERVICE_ALERT, "pcanywheredata"},
	{IPPROTO_NUM_TCP, 8080, SERVICE_WARNING, NULL},
	{IPPROTO_NUM_TCP, 12345, SERVICE_ALERT, "NetBus"},
	{IPPROTO_NUM_TCP, 27374, SERVICE_ALERT, "BackDoor-G"},
	{IPPROTO_NUM_UDP, 31789, SERVICE_ALERT, "Hackatack"},
	{IPPROTO_NUM_TCP, 32773, SERVICE_WARNING, "rpcbind"},
};

static const struct want today[] = {
	{IPPROTO_NUM_TCP, 22, SERVICE_WARNING, "ssh"},
	{IPPROTO_NUM_TCP, 135, SERVICE_ALERT, NULL},
	{IPPROTO_NUM_TCP, 445, SERVICE_ALERT, NULL},
	{IPPROTO_NUM_UDP, 1026, SERVICE_WARNING, NULL},
	{IPPROTO_NUM_UDP, 1434, SERVICE_ALERT, NULL},
	{IPPROTO_NUM_TCP, 2323, SERVICE_ALERT, NULL},
	{IPPROTO_NUM_TCP, 2967, SERVICE_ALERT, NULL},
	{IPPROTO_NUM_TCP, 3389, SERVICE_ALERT, NULL},
	{IPPROTO_NUM_TCP, 4899, SERVICE_ALERT, NULL},
	{IPPROTO_NUM_TCP, 5555, SERVICE_ALERT, NULL},
	{IPPROTO_NUM_TCP, 5900, SERVICE_ALERT, NULL},
	{IPPROTO_NUM_TCP, 6129, SERVICE_ALERT, NULL},
	{IPPROTO_NUM_TCP, 6379, SERVICE_ALERT, NULL},
	{IPPROTO_NUM_TCP, 9200, SERVICE_ALERT, NULL},
	{IPPROTO_NUM_TCP, 37215, SERVICE_ALERT, NULL},
	{IPPROTO_NUM_UDP, 5060, SERVICE_WARNING, NULL},
	{IPPROTO_NUM_TCP, 7547, SERVICE_ALERT, NULL},
	{IPPROTO_NUM_TCP, 8291, SERVICE_ALERT, NULL},
	{IPPROTO_NUM_TCP, 52869, SERVICE_ALERT, NULL},
	{IPPROTO_NUM_TCP, 5985, SERVICE_ALERT, NULL},
	{IPPROTO_NUM_TCP, 5986, SERVICE_ALERT, NULL},
	{IPPROTO_NUM_UDP, 11211, SERVICE_WARNING, NULL},
	{IPPROTO_NUM_TCP, 27017, SERVICE_ALERT, NULL},
	{IPPROTO_NUM_TCP, 2375, SERVICE_ALERT, NULL},
	{IPPROTO_NUM_TCP, 6443, SERVICE_WARNING, NULL},
	{IPPROTO_NUM_TCP, 10250, SERVICE_ALERT, NULL},
	{IPPROTO_NUM_TCP, 3306, SERVICE_WARNING, NULL},
	{IPPROTO_NUM_TCP, 5432, SERVICE_WARNING, NULL},
	{IPPROTO_NUM_UDP, 1900, SERVICE_WARNING, NULL},
	{IPPROTO_NUM_UDP, 123, SERVICE_WARNING, NULL},
	{IPPROTO_NUM_UDP, 161, SERVICE_WARNING, NULL},
	{IPPROTO_NUM_UDP, 389, SERVICE_WARNING, NULL},
	{IPPROTO_NUM_UDP, 19, SERVICE_WARNING, NULL},
	{IPPROTO_NUM_UDP, 500, SERVICE_WARNING, NULL},
	{IPPROTO_NUM_TCP, 1723, SERVICE_WARNING, NULL},
	{IPPROTO_NUM_TCP, 8443, SERVICE_WARNING, NULL},
	{IPPROTO_NUM_TCP, 8888, SERVICE_WARNING, NULL},
	{IPPROTO_NUM_TCP, 9000, SERVICE_WARNING, NULL},
	{IPPROTO_NUM_TCP, 81, SERVICE_WARNING, NULL},
	{IPPROTO_NUM_TCP, 8000, SERVICE_WARNING, NULL},
	{IPPROTO_NUM_TCP, 8081, SERVICE_WARNING, NULL},
	{IPPROTO_NUM_TCP, 502, SERVICE_WARNING, "modbus"},
	{IPPROTO_NUM_TCP, 102, SERVICE_WARNING, NULL},
	{IPPROTO_NUM_UDP, 47808, SERVICE_WARNING, "bacnet"},
	{IPPROTO_NUM_TCP, 20000, SERVICE_WARNING, "dnp3"},
	{IPPROTO_NUM_TCP, 1883, SERVICE_WARNING, "mqtt"},
	{IPPROTO_NUM_TCP, 5000, SERVICE_WARNING, NULL},
	{IPPROTO_NUM_ICMP, 8, SERVICE_INFO, "echo-request"},
	{IPPROTO_NUM_ICMPV6, 128, SERVICE_INFO, "echo-request"},
};

static void check_wants(const struct catalog *c, const struct want *w, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct service *s = catalog_lookup(c, w[i].proto, w[i].port);
		if (!s)
			fail_msg("no entry for %u/%u", w[i].port, w[i].proto);
		assert_int_equal(s->port, w[i].port);
		assert_int_equal(s->proto, w[i].proto);
		if (s->cls != w[i].cls)
			fail_msg("%u/%u: class %s", w[i].port, w[i].proto,
				 service_class_name(s->cls));
		if (w[i].name)
			assert_string_equal(s->name, w[i].name);
		assert_non_null(s->note);
	}
}

static void test_builtin(void **state)
{
	(void)state;
	struct catalog *c = catalog_new();
	assert_int_equal(catalog_load_builtin(c), 0);
	assert_true(catalog_size(c) >= 120);
	check_wants(c, study_2001, ARRAY_LEN(study_2001));
	check_wants(c, today, ARRAY_LEN(today));
	assert_non_null(strstr(catalog_lookup(c, IPPROTO_NUM_UDP, 1434)->note, "Slammer"));
	assert_non_null(strstr(catalog_lookup(c, IPPROTO_NUM_TCP, 445)->note, "MS17-010"));
	assert_non_null(strstr(catalog_lookup(c, IPPROTO_NUM_TCP, 37215)->note, "CVE-2017-17215"));
	/* Every entry is reachable by lookup and has a one-word name. */
	for (size_t i = 0; i < catalog_size(c); i++) {
		const struct service *s = catalog_entry(c, i);
		assert_ptr_equal(catalog_lookup(c, s->proto, s->port), s);
		assert_true(strlen(s->name) > 0 && !strchr(s->name, ' '));
		assert_true(s->cls <= SERVICE_ALERT);
	}
	assert_null(catalog_entry(c, catalog_size(c)));
	catalog_free(c);
	catalog_free(NULL);
}

static void test_lookup(void **state)
{
	(void)state;
	struct catalog *c = catalog_new();
	assert_null(catalog_lookup(c, IPPROTO_NUM_TCP, 23)); /* empty */
	assert_int_equal(catalog_load_builtin(c), 0);
	/* SCTP is looked up as TCP, UDP-Lite as UDP. */
	assert_ptr_equal(catalog_lookup(c, IPPROTO_NUM_SCTP, 23),
			 catalog_lookup(c, IPPROTO_NUM_TCP, 23));
	assert_ptr_equal(catalog_lookup(c, IPPROTO_NUM_UDPLITE, 53),
			 catalog_lookup(c, IPPROTO_NUM_UDP, 53));
	/* Same number, other protocol: other entry or none. */
	assert_string_equal(catalog_lookup(c, IPPROTO_NUM_ICMP, 8)->name, "echo-request");
	assert_string_equal(catalog_lookup(c, IPPROTO_NUM_ICMP, 13)->name, "timestamp");
	assert_int_equal(catalog_lookup(c, IPPROTO_NUM_ICMP, 13)->cls, SERVICE_WARNING);
	assert_string_equal(catalog_lookup(c, IPPROTO_NUM_ICMPV6, 135)->name, "neighbor-solicit");
	assert_null(catalog_lookup(c, IPPROTO_NUM_ICMP, 128));
	assert_null(catalog_lookup(c, IPPROTO_NUM_ICMP, 300)); /* beyond a type */
	assert_null(catalog_lookup(c, IPPROTO_NUM_UDP, 23));
	assert_null(catalog_lookup(c, 47, 0));
	assert_null(catalog_lookup(c, IPPROTO_NUM_TCP, 65535));
	assert_null(catalog_lookup(NULL, IPPROTO_NUM_TCP, 23));
	catalog_free(c);
}

static void test_parse(void **state)
{
	(void)state;
	struct catalog *c = catalog_new();
	static const char text[] =
		"# a comment\n"
		"\n"
		"   \t\n"
		"  # indented comment\n"
		"22/tcp\tWARNING\tssh\tSSH; brute force\n"
		"23/TCP   alert    telnet      cleartext   login  \r\n"
		"8/icmp INFO echo-request\n"
		"abc\n"                            /* line 8: no slash */
		"70000/tcp INFO big\n"             /* port out of range */
		"22/xyz INFO x\n"                  /* protocol */
		"22/tcp SEVERE x\n"                /* class */
		"22/tcp ALERT\n"                   /* no name */
		"300/icmp INFO x\n"                /* ICMP type > 255 */
		"/tcp INFO x\n"                    /* empty port */
		"-1/udp INFO x\n"                  /* sign */
		"53/udp INFO dns\n";
	char err[128];
	assert_int_equal(catalog_load_text(c, "t.tsv", text, sizeof(text) - 1, err, sizeof(err)), 8);
	assert_string_equal(err, "t.tsv:8: expected PORT/PROTO, got \"abc\"");
	assert_int_equal(catalog_size(c), 4);
	const struct service *s = catalog_lookup(c, IPPROTO_NUM_TCP, 22);
	assert_string_equal(s->name, "ssh");
	assert_string_equal(s->note, "SSH; brute force");
	assert_int_equal(s->cls, SERVICE_WARNING);
	s = catalog_lookup(c, IPPROTO_NUM_TCP, 23);
	assert_string_equal(s->name, "telnet");
	assert_string_equal(s->note, "cleartext   login");
	assert_int_equal(s->cls, SERVICE_ALERT);
	assert_string_equal(catalog_lookup(c, IPPROTO_NUM_ICMP, 8)->note, "");
	assert_string_equal(catalog_entry(c, 3)->name, "dns");

	/* Each kind of bad line on its own, with its message. */
	static const struct {
		const char *line, *msg;
	} bad[] = {
		{"70000/tcp INFO big", "x:1: bad port (0-65535)"},
		{"22/xyz INFO x", "x:1: unknown protocol (want tcp, udp, icmp, icmpv6)"},
		{"22/tcp SEVERE x", "x:1: unknown class (want ALERT, WARNING, INFO)"},
		{"22/tcp ALERT", "x:1: missing name"},
		{"22/tcp", "x:1: missing class"},
		{"300/icmp INFO x", "x:1: bad ICMP type (0-255)"},
	};
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		assert_int_equal(catalog_load_text(c, "x", bad[i].line, strlen(bad[i].line), err,
						   sizeof(err)), 1);
		assert_string_equal(err, bad[i].msg);
	}
	/* A NUL inside a line, an over-long name, a tiny error buffer, no
	 * error buffer, no final newline. */
	static const char nul[] = "22/tcp INFO a\0b\n";
	assert_int_equal(catalog_load_text(c, "x", nul, sizeof(nul) - 1, err, sizeof(err)), 1);
	char longname[200];
	memset(longname, 'a', sizeof(longname));
	memcpy(longname, "1/tcp INFO ", 11);
	assert_int_equal(catalog_load_text(c, "x", longname, sizeof(longname), err, 8), 1);
	assert_int_equal(strlen(err), 7);
	assert_int_equal(catalog_load_text(c, "x", "junk", 4, NULL, 0), 1);
	assert_int_equal(catalog_load_text(c, "x", "", 0, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_int_equal(catalog_load_text(c, "x", "9/udp INFO discard", 18, err, sizeof(err)), 0);
	assert_non_null(catalog_lookup(c, IPPROTO_NUM_UDP, 9));
	catalog_free(c);
}

static void test_override(void **state)
{
	(void)state;
	struct catalog *c = catalog_new();
	assert_int_equal(catalog_load_builtin(c), 0);
	size_t n = catalog_size(c);
	const struct service *before = catalog_lookup(c, IPPROTO_NUM_TCP, 23);
	size_t pos = (size_t)(before - catalog_entry(c, 0));
	static const char mine[] = "23/tcp INFO lab-telnet our own test box\n"
				   "40000/tcp ALERT backdoor-x seen in incident 42\n"
				   "40000/tcp WARNING backdoor-y later line wins\n";
	char err[64];
	assert_int_equal(catalog_load_text(c, "mine", mine, sizeof(mine) - 1, err, sizeof(err)), 0);
	assert_int_equal(catalog_size(c), n + 1);
	const struct service *s = catalog_lookup(c, IPPROTO_NUM_TCP, 23);
	assert_string_equal(s->name, "lab-telnet");
	assert_int_equal(s->cls, SERVICE_INFO);
	assert_string_equal(s->note, "our own test box");
	assert_ptr_equal(catalog_entry(c, pos), s); /* replaced in place */
	s = catalog_lookup(c, IPPROTO_NUM_TCP, 40000);
	assert_string_equal(s->name, "backdoor-y");
	assert_int_equal(s->cls, SERVICE_WARNING);
	catalog_free(c);
}

static void test_file(void **state)
{
	(void)state;
	char path[512];
	snprintf(path, sizeof(path), "%s/test_enrich_catalog.tsv", TEST_BUILD_DIR);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("# local additions\n8443/tcp ALERT mgmt our appliance\nbad line\n", f);
	fclose(f);
	struct catalog *c = catalog_new();
	char err[600];
	assert_int_equal(catalog_load_file(c, path, err, sizeof(err)), 1);
	char want[600];
	snprintf(want, sizeof(want), "%s:3: expected PORT/PROTO, got \"bad\"", path);
	assert_string_equal(err, want);
	assert_string_equal(catalog_lookup(c, IPPROTO_NUM_TCP, 8443)->name, "mgmt");
	remove(path);
	assert_int_equal(catalog_load_file(c, path, err, sizeof(err)), -1);
	assert_non_null(strstr(err, path));
	catalog_free(c);
}

static void test_class_names(void **state)
{
	(void)state;
	assert_string_equal(service_class_name(SERVICE_ALERT), "ALERT");
	assert_string_equal(service_class_name(SERVICE_WARNING), "WARNING");
	assert_string_equal(service_class_name(SERVICE_INFO), "INFO");
	assert_int_equal(service_class_parse("alert"), SERVICE_ALERT);
	assert_int_equal(service_class_parse("Warning"), SERVICE_WARNING);
	assert_int_equal(service_class_parse("INFO"), SERVICE_INFO);
	assert_int_equal(service_class_parse("INF"), -1);
	assert_int_equal(service_class_parse(""), -1);
	assert_int_equal(service_class_parse(NULL), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_builtin),
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_override),
		cmocka_unit_test(test_file),
		cmocka_unit_test(test_class_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
