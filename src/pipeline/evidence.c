/* Evidence lines for the HTML report: the lines behind the findings are
 * read again from their files (one sequential pass per file, sorted
 * requests), so the page can show them without the pipeline keeping any
 * line in memory while it runs. */
#include "pipeline/evidence.h"

#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "pipeline/pipeline.h"

#define EVIDENCE_LINE_MAX (64 * 1024) /* longest line the reader hands out */
/* Bytes kept of one line: the page shows 4 KiB of each (html.c) and marks
 * longer ones as cut, and up to a few thousand lines are asked for, so
 * keeping whole 64 KiB lines could hold hundreds of megabytes. */
#define EVIDENCE_KEEP (8 * 1024)

struct want {
	size_t file;
	uint64_t line;
	size_t idx;    /* into the caller's array */
};

static int want_cmp(const void *a, const void *b)
{
	const struct want *x = a, *y = b;
	if (x->file != y->file)
		return x->file < y->file ? -1 : 1;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* The input file a path names (origin() hands out the input's own
 * pointer, so pointer equality is the usual match). */
static int file_of(const struct pipeline_result *res, const char *path, size_t *file)
{
	const struct input_list *in = res->inputs;
	for (size_t i = 0; i < in->n; i++)
		if (in->files[i].path == path) {
			*file = i;
			return 0;
		}
	for (size_t i = 0; i < in->n; i++)
		if (strcmp(in->files[i].path, path) == 0) {
			*file = i;
			return 0;
		}
	return -1;
}

static int readable(const struct pipeline_result *res, size_t file)
{
	const char *fmt = file < res->n_files ? res->files[file].format : NULL;
	if (res->inputs->files[file].is_stdin || !fmt)
		return 0;
	return strstr(fmt, "pcap") == NULL; /* packets have no lines */
}

/* Read one file, answering wants[0..n) (sorted by line). */
static void read_file(const struct pipeline_result *res, size_t file, struct want *wants, size_t n,
		      struct report_line *lines)
{
	char err[256];
	const struct input_file *f = &res->inputs->files[file];
	/* a plain file is read with pread, not mapped: mapped pages would
	 * count as resident memory of the report */
	struct input_reader *rd =
		f->comp == INPUT_PLAIN ? input_open_range(f, 0, f->size, EVIDENCE_LINE_MAX, err, sizeof(err))
				       : input_open(f, EVIDENCE_LINE_MAX, err, sizeof(err));
	if (!rd)
		return;
	uint64_t no = 0;
	size_t k = 0;
	const char *line;
	size_t len;
	enum input_status st;
	while (k < n && (st = input_next_line(rd, &line, &len)) != INPUT_EOF && st != INPUT_ERROR) {
		no++;
		while (k < n && wants[k].line < no)
			k++; /* line 0 or a repeat handled below */
		while (k < n && wants[k].line == no) {
			struct report_line *l = &lines[wants[k].idx];
			if (st == INPUT_LINE && !l->text) {
				size_t keep = len < EVIDENCE_KEEP ? len : EVIDENCE_KEEP;
				l->text = xmalloc(keep + 1);
				memcpy(l->text, line, keep);
				l->text[keep] = '\0';
				l->len = keep;
			}
			k++;
		}
	}
	input_close(rd);
}

void pipeline_lines(void *result, struct report_line *lines, size_t n)
{
	const struct pipeline_result *res = result;
	struct want *wants = xcalloc(n + 1, sizeof(*wants));
	size_t nw = 0;

	for (size_t i = 0; i < n; i++) {
		size_t file;
		if (!lines[i].path || !lines[i].line || file_of(res, lines[i].path, &file) != 0 ||
		    !readable(res, file))
			continue;
		wants[nw++] = (struct want){.file = file, .line = lines[i].line, .idx = i};
	}
	qsort(wants, nw, sizeof(*wants), want_cmp);
	for (size_t i = 0; i < nw;) {
		size_t j = i;
		while (j < nw && wants[j].file == wants[i].file)
			j++;
		read_file(res, wants[i].file, wants + i, j - i, lines);
		i = j;
	}
	free(wants);
}
