/* Fuzzes the configuration-file splitter: every entry has a valid name
 * and a line number within the input, and bad + good never exceed the
 * line count. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/conffile.h"

#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 64 * 1024)
		return 0;
	size_t lines = 1;
	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	struct conffile cf;
	conffile_parse(&cf, (const char *)data, size);
	CHECK(cf.n + cf.bad <= lines);
	for (size_t i = 0; i < cf.n; i++) {
		const struct conf_entry *e = &cf.entries[i];
		CHECK(e->name && *e->name);
		CHECK(e->line >= 1 && e->line <= lines);
		CHECK(strspn(e->name, "abcdefghijklmnopqrstuvwxyz0123456789-_") == strlen(e->name));
	}
	conffile_fini(&cf);
	return 0;
}
