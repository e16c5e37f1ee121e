/* Splitting the configuration file into (section, option, value) entries.
 * See conffile.h for the format. */
#include "core/conffile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static int is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

static void bad_line(struct conffile *cf, size_t line, const char *why)
{
	if (cf->bad++ == 0)
		snprintf(cf->first_error, sizeof(cf->first_error), "line %zu: %s", line, why);
}

/* Trim blanks at both ends of [*s, *e). */
static void trim(const char **s, const char **e)
{
	while (*s < *e && is_blank(**s))
		(*s)++;
	while (*e > *s && is_blank((*e)[-1]))
		(*e)--;
}

/* Parse one line (without its newline). *section is the current section,
 * owned by cf's entries or freshly allocated here. */
static void parse_line(struct conffile *cf, const char *s, const char *e, size_t line,
		       char **section)
{
	trim(&s, &e);
	if (s == e || *s == '#')
		return;
	if (*s == '[') {
		if (e[-1] != ']' || e - s < 3) {
			bad_line(cf, line, "a section header must be [name]");
			return;
		}
		for (const char *p = s + 1; p < e - 1; p++)
			if (!is_name_char(*p)) {
				bad_line(cf, line, "bad character in section name");
				return;
			}
		*section = xstrndup(s + 1, (size_t)(e - s - 2));
		return;
	}
	const char *name_end = s;
	while (name_end < e && !is_blank(*name_end))
		name_end++;
	if (name_end - s >= 2 && s[0] == '-' && s[1] == '-')
		s += 2; /* "--home x" is accepted as well as "home x" */
	if (s == name_end) {
		bad_line(cf, line, "missing option name");
		return;
	}
	for (const char *p = s; p < name_end; p++)
		if (!is_name_char(*p)) {
			bad_line(cf, line, "an option name is letters, digits and '-'");
			return;
		}
	const char *v = name_end, *ve = e;
	trim(&v, &ve);
	if (v < ve && *v == '=') { /* "name = value" too */
		v++;
		trim(&v, &ve);
	}
	int quoted = 0; /* "" is an empty value, not a flag */
	if (v < ve && *v == '"') {
		if (ve - v < 2 || ve[-1] != '"') {
			bad_line(cf, line, "unclosed double quote");
			return;
		}
		v++;
		ve--;
		quoted = 1;
	}
	cf->entries = xgrow(cf->entries, &cf->cap, cf->n + 1, sizeof(*cf->entries));
	struct conf_entry *en = &cf->entries[cf->n++];
	en->section = *section ? xstrdup(*section) : NULL;
	en->name = xstrndup(s, (size_t)(name_end - s));
	en->value = v < ve || quoted ? xstrndup(v, (size_t)(ve - v)) : NULL;
	en->line = line;
}

void conffile_parse(struct conffile *cf, const char *text, size_t len)
{
	memset(cf, 0, sizeof(*cf));
	char *section = NULL;
	size_t line = 0;
	const char *p = text, *end = text + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		line++;
		if (le - p > CONFFILE_MAX_LINE)
			bad_line(cf, line, "line too long");
		else if (memchr(p, '\0', (size_t)(le - p)))
			bad_line(cf, line, "NUL byte in line");
		else {
			char *before = section;
			parse_line(cf, p, le, line, &section);
			if (section != before)
				free(before);
		}
		p = nl ? nl + 1 : end;
	}
	free(section);
}

void conffile_fini(struct conffile *cf)
{
	for (size_t i = 0; i < cf->n; i++) {
		free(cf->entries[i].section);
		free(cf->entries[i].name);
		free(cf->entries[i].value);
	}
	free(cf->entries);
	memset(cf, 0, sizeof(*cf));
}
