/* The run engine (see pipeline.h). Work is split into units so that both
 * cores parse: large mapped files are cut into chunks at line boundaries;
 * streamed files are one unit each. Every unit records its own counts and
 * every worker its own stats, so the merged result is the same whatever
 * the number of threads. */
#include "pipeline/pipeline.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/util.h"
#include "parse/syslog_header.h"

/* Lines sampled from the start of a file to choose its parser. */
#define DETECT_LINES 200
#define DETECT_BYTES (256 * 1024)
/* Malformed-line reasons kept per unit (reasons are a small fixed set of
 * static strings, so this only guards against a parser that invents them). */
#define MAX_REASONS 64
/* Example lines are shortened to this for display; the line itself was
 * counted whole. */
#define EXAMPLE_MAX 240

struct unit_reason {
	const char *reason;
	uint64_t count;
	uint64_t first_line; /* unit-relative */
	char *example;
};

struct unit_result {
	uint64_t lines, records, events, filtered, other, unknown, malformed, overlong;
	uint64_t first_unknown, first_overlong; /* unit-relative, 0 = none */
	uint64_t not_exported; /* events the event output format cannot carry */
	int64_t first_line_ns;  /* earliest time on any line, 0 = none */
	int64_t first_event_ns; /* earliest counted event, 0 = none */
	char *error;
	const struct parser *parser; /* what was used (streams detect their own) */
	struct unit_reason reasons[MAX_REASONS];
	size_t n_reasons;
	uint64_t reasons_lost;
};

struct pipeline_unit {
	uint32_t file;
	int ranged;      /* a byte range of a plain file, read with pread; its
			  * parser was chosen for the whole file (NULL: none) */
	uint64_t off, range_len;
	struct input_reader *reader; /* the file's reader (shared by its chunks) */
	int owns_reader;             /* close it when the unit is freed */
	const struct parser *parser; /* NULL: detect from the stream */
	uint64_t first_line;         /* lines of the file before this unit */
	FILE *events_tmp;            /* JSONL/CSV output of this unit */
	struct unit_result res;
};

struct worker {
	pthread_t thread;
	struct pipeline_shared *sh;
	unsigned index, of; /* runs units index, index + of, index + 2 * of, ... */
	struct stats *stats;
	struct detector *det; /* NULL without detection */
	struct web_watch *web; /* NULL without probe matching */
	struct tz_cache tz;
};

struct pipeline_shared {
	const struct pipeline_options *opt;
	const struct input_list *inputs;
	struct pipeline_unit *units;
	size_t n_units;
	atomic_size_t units_done;
	struct progress *progress;
};

void pipeline_options_defaults(struct pipeline_options *o)
{
	memset(o, 0, sizeof(*o));
	o->max_line = INPUT_DEFAULT_MAX_LINE;
	o->threads = 1;
	o->chunk_size = 4u << 20;
	stats_config_defaults(&o->stats);
	o->mode = PIPELINE_SUMMARY;
}

struct pipeline_options pipeline_second_pass(
	const struct pipeline_options *first,
	void (*on_event)(void *arg, const struct event *ev, const char *path, uint64_t file_line,
			 const char *line, size_t len),
	void *arg)
{
	struct pipeline_options o = *first;
	o.detect = NULL;
	o.web = NULL;
	o.progress = 0;
	o.mode = PIPELINE_SUMMARY;
	o.events_out = NULL;
	o.on_event = on_event;
	o.on_event_arg = arg;
	return o;
}

/* ---- per-line work ------------------------------------------------------ */

static void note_reason(struct unit_result *r, const char *reason, uint64_t line,
			const char *text, size_t len)
{
	if (!reason)
		reason = "malformed field";
	for (size_t i = 0; i < r->n_reasons; i++) {
		if (r->reasons[i].reason == reason || strcmp(r->reasons[i].reason, reason) == 0) {
			r->reasons[i].count++;
			return;
		}
	}
	if (r->n_reasons == MAX_REASONS) {
		r->reasons_lost++;
		return;
	}
	struct unit_reason *u = &r->reasons[r->n_reasons++];
	u->reason = reason;
	u->count = 1;
	u->first_line = line;
	u->example = xstrndup(text, len < EXAMPLE_MAX ? len : EXAMPLE_MAX);
}

struct line_ctx {
	const struct pipeline_options *opt;
	const char *path;
	struct worker *w;
	struct pipeline_unit *u;
	struct parse_ctx pctx;
	uint64_t line_no; /* unit-relative, 1-based */
};

/* line/len: the input line (empty for records of whole-file readers such
 * as pcap, which are then shown as JSON). */
static void emit_event(struct line_ctx *lc, const struct event *ev, const char *line, size_t len)
{
	FILE *out = lc->u->events_tmp;
	uint64_t file_line = lc->u->first_line + lc->line_no;
	if (lc->opt->mode == PIPELINE_JSONL) {
		report_jsonl_event(out, ev, lc->path, file_line);
	} else if (lc->opt->mode == PIPELINE_RAW) {
		fprintf(out, "%s:%llu: ", lc->path, (unsigned long long)file_line);
		if (len) {
			fwrite(line, 1, len, out);
			fputc('\n', out);
		} else {
			report_jsonl_event(out, ev, lc->path, file_line);
		}
	} else if (lc->opt->mode == PIPELINE_DSHIELD) {
		/* DShield lines need a time, source and target; count the rest */
		if (report_dshield_event(out, ev, lc->opt->dshield_submitter) != 0)
			lc->u->res.not_exported++;
	} else {
		report_csv_event(out, ev, lc->path, file_line);
	}
}

/* Count one parse result; line/len are the text shown as an example of a
 * malformed record (may be empty for binary records). */
static void handle_result(struct line_ctx *lc, enum parse_result pr, struct event *ev,
			  const char *line, size_t len)
{
	struct unit_result *r = &lc->u->res;
	if ((ev->flags & EVENT_HAS_TIME) && (!r->first_line_ns || ev->time_ns < r->first_line_ns))
		r->first_line_ns = ev->time_ns;
	switch (pr) {
	case PARSE_EVENT:
		break;
	case PARSE_OTHER:
		r->other++;
		return;
	case PARSE_MALFORMED:
		r->malformed++;
		note_reason(r, lc->pctx.reason, lc->line_no, line, len);
		return;
	case PARSE_UNKNOWN:
	default:
		if (len == 0) { /* blank lines are nobody's format; not worth a warning */
			r->other++;
			return;
		}
		r->unknown++;
		if (!r->first_unknown)
			r->first_unknown = lc->line_no;
		return;
	}
	if (ev->count == 0)
		ev->count = 1;
	ev->unit = (uint32_t)(lc->u - lc->w->sh->units);
	ev->line = lc->line_no;
	if (lc->opt->filter && !filter_match(lc->opt->filter, ev)) {
		r->filtered += ev->count;
		return;
	}
	if (lc->opt->geo_filter && (ev->flags & EVENT_HAS_SRC) &&
	    !geo_filter_pass(lc->opt->geo_filter, &ev->src)) {
		r->filtered += ev->count;
		return;
	}
	if (lc->opt->focus && !filter_match(lc->opt->focus, ev)) {
		if (lc->w->det) /* out of focus, still part of a group */
			detect_add(lc->w->det, ev);
		r->filtered += ev->count;
		return;
	}
	r->records++;
	r->events += ev->count;
	if ((ev->flags & EVENT_HAS_TIME) && (!r->first_event_ns || ev->time_ns < r->first_event_ns))
		r->first_event_ns = ev->time_ns;
	stats_add(lc->w->stats, ev, &lc->w->tz);
	if (lc->w->det) {
		uint64_t sh;
		if (stats_src_hash(lc->w->stats, &ev->src, &sh))
			detect_add_hashed(lc->w->det, ev, sh);
		else
			detect_add(lc->w->det, ev);
	}
	if (lc->w->web && ev->http)
		web_add(lc->w->web, ev);
	if (lc->opt->on_event)
		lc->opt->on_event(lc->opt->on_event_arg, ev, lc->path,
				  lc->u->first_line + lc->line_no, line, len);
	if (lc->u->events_tmp)
		emit_event(lc, ev, line, len);
}

static void handle_line(struct line_ctx *lc, const char *line, size_t len)
{
	struct event ev;
	event_clear(&ev);
	enum parse_result pr = lc->u->parser->parse_line(&lc->pctx, line, len, &ev);
	handle_result(lc, pr, &ev, line, len);
}

/* parse_emit_fn for whole-file readers: a record number stands for a line. */
static void handle_record(void *arg, struct parse_ctx *ctx, enum parse_result pr, struct event *ev,
			  uint64_t record)
{
	struct line_ctx *lc = arg;
	(void)ctx;
	lc->line_no = record;
	if (record > lc->u->res.lines)
		lc->u->res.lines = record;
	struct event empty;
	if (!ev) {
		event_clear(&empty);
		ev = &empty;
	}
	handle_result(lc, pr, ev, "", 0);
}

static void run_file_unit(struct line_ctx *lc, const struct input_file *f)
{
	char err[256] = "";
	if (lc->u->parser->read_file(&lc->pctx, f->path, handle_record, lc, err, sizeof(err)) != 0)
		lc->u->res.error = xstrdup(err[0] ? err : "unreadable");
	if (lc->w->sh->progress)
		progress_add(lc->w->sh->progress, f->size, lc->u->res.lines);
}

static void handle_overlong(struct line_ctx *lc)
{
	struct unit_result *r = &lc->u->res;
	r->overlong++;
	if (!r->first_overlong)
		r->first_overlong = lc->line_no;
}


static void count_remaining_unknown(struct line_ctx *lc, const char *line, size_t len)
{
	struct unit_result *r = &lc->u->res;
	if (len == 0) {
		r->other++;
		return;
	}
	r->unknown++;
	if (!r->first_unknown)
		r->first_unknown = lc->line_no;
}


static void begin_parsing(struct line_ctx *lc, const struct input_file *f);

/* A stream is read once: its first lines are copied aside to choose the
 * parser, then handled, then the rest follows. */
static void run_stream_unit(struct line_ctx *lc)
{
	struct pipeline_unit *u = lc->u;
	struct input_reader *rd = u->reader;
	struct progress *prog = lc->w->sh->progress;
	uint64_t bytes_reported = 0, lines_reported = 0;
	char *held[DETECT_LINES];
	size_t held_len[DETECT_LINES];
	int held_overlong[DETECT_LINES];
	size_t n_held = 0, held_bytes = 0;
	int eof = 0;

	if (!u->parser && !u->ranged) {
		while (n_held < DETECT_LINES && held_bytes < DETECT_BYTES) {
			const char *line;
			size_t len;
			enum input_status st = input_next_line(rd, &line, &len);
			if (st == INPUT_EOF || st == INPUT_ERROR) {
				eof = st;
				break;
			}
			held_overlong[n_held] = st == INPUT_OVERLONG;
			held[n_held] = st == INPUT_OVERLONG ? NULL : xstrndup(line, len);
			held_len[n_held] = st == INPUT_OVERLONG ? 0 : len;
			held_bytes += held_len[n_held];
			n_held++;
		}
		const char *lines[DETECT_LINES];
		size_t lens[DETECT_LINES], n = 0;
		for (size_t i = 0; i < n_held; i++) {
			if (!held_overlong[i]) {
				lines[n] = held[i];
				lens[n++] = held_len[i];
			}
		}
		u->parser = parser_detect(lines, lens, n);
		u->res.parser = u->parser;
		if (u->parser)
			begin_parsing(lc, &lc->w->sh->inputs->files[u->file]);
	}
	for (size_t i = 0; i < n_held; i++) {
		lc->line_no++;
		if (held_overlong[i])
			handle_overlong(lc);
		else if (u->parser)
			handle_line(lc, held[i], held_len[i]);
		else
			count_remaining_unknown(lc, held[i], held_len[i]);
		free(held[i]);
	}
	while (!eof) {
		const char *line;
		size_t len;
		enum input_status st = input_next_line(rd, &line, &len);
		if (st == INPUT_EOF)
			break;
		if (st == INPUT_ERROR) {
			eof = INPUT_ERROR;
			break;
		}
		lc->line_no++;
		if (st == INPUT_OVERLONG)
			handle_overlong(lc);
		else if (u->parser)
			handle_line(lc, line, len);
		else
			count_remaining_unknown(lc, line, len);
		if (prog && (lc->line_no & 4095) == 0) {
			uint64_t b = input_bytes_read(rd);
			progress_add(prog, b - bytes_reported, lc->line_no - lines_reported);
			bytes_reported = b;
			lines_reported = lc->line_no;
		}
	}
	if (eof == INPUT_ERROR)
		u->res.error = xstrdup(input_error(rd));
	if (prog)
		progress_add(prog, input_bytes_read(rd) - bytes_reported, lc->line_no - lines_reported);
	u->res.lines = lc->line_no;
}

static void run_unit(struct worker *w, struct pipeline_unit *u)
{
	const struct pipeline_options *opt = w->sh->opt;
	const struct input_file *f = &w->sh->inputs->files[u->file];
	struct line_ctx lc = {
		.opt = opt,
		.path = f->path,
		.w = w,
		.u = u,
	};
	if (u->parser)
		begin_parsing(&lc, f);
	if (opt->mode != PIPELINE_SUMMARY) {
		u->events_tmp = tmpfile();
		if (!u->events_tmp)
			u->res.error = xasprintf("cannot create a temporary file for event output: %s",
						 strerror(errno));
	}
	if (u->parser && u->parser->read_file) {
		run_file_unit(&lc, f);
	} else if (u->ranged) {
		char err[256] = "";
		u->reader = input_open_range(f, u->off, u->off + u->range_len, opt->max_line, err,
					     sizeof(err));
		u->owns_reader = 1;
		if (u->reader)
			run_stream_unit(&lc);
		else
			u->res.error = xstrdup(err[0] ? err : "cannot open");
		input_close(u->reader); /* free the buffer now, not at the end */
		u->reader = NULL;
		u->owns_reader = 0;
	} else if (u->reader) {
		run_stream_unit(&lc);
	} /* else: the file could not be opened; its unit carries the error */
	if (lc.pctx.state) {
		if (u->parser->state_fini)
			u->parser->state_fini(lc.pctx.state);
		free(lc.pctx.state);
	}
}

/* Set up parsing of a unit once its parser is known. */
static void begin_parsing(struct line_ctx *lc, const struct input_file *f)
{
	const struct parser *p = lc->u->parser;
	parse_ctx_init(&lc->pctx, f->mtime, lc->opt->forced_year, lc->opt->actions);
	lc->pctx.weblog = lc->opt->weblog_format;
	lc->pctx.state = p->state_size ? xcalloc(1, p->state_size) : NULL;
}

/* A worker runs a fixed share of the units (every of-th from its index),
 * not whichever is next: a cap (sources, contacts per source) applies per
 * worker, and with a fixed split a capped run gives the same report every
 * time, not one that depends on which thread was quicker. Units are
 * chunks of about equal size, so the shares stay even. */
static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct pipeline_shared *sh = w->sh;
	for (size_t i = w->index; i < sh->n_units; i += w->of) {
		run_unit(w, &sh->units[i]);
		atomic_fetch_add(&sh->units_done, 1);
	}
	detect_finish(w->det); /* here, in parallel with the other workers */
	return NULL;
}

/* ---- planning units ----------------------------------------------------- */

static struct pipeline_unit *add_unit(struct pipeline_unit **units, size_t *n, size_t *cap)
{
	*units = xgrow(*units, cap, *n + 1, sizeof(**units));
	struct pipeline_unit *u = &(*units)[(*n)++];
	memset(u, 0, sizeof(*u));
	return u;
}


/* A parser that reads the whole file itself (pcap), if the file's first
 * bytes are its magic or the user forced it. */
static const struct parser *whole_file_parser(const struct input_file *f,
					      const struct parser *forced)
{
	if (forced)
		return forced->read_file ? forced : NULL;
	if (f->is_stdin || f->comp != INPUT_PLAIN)
		return NULL;
	unsigned char magic[16];
	FILE *fp = fopen(f->path, "rb");
	if (!fp)
		return NULL; /* input_open will say why */
	size_t got = fread(magic, 1, sizeof(magic), fp);
	fclose(fp);
	for (size_t i = 0; parser_table[i]; i++) {
		const struct parser *p = parser_table[i];
		if (p->read_file && p->detect_magic && p->detect_magic(magic, got))
			return p;
	}
	return NULL;
}

/* Lines of f that start in [off, off + len): what the unit reading that
 * range will number from 1. Only event output needs it up front. */
static uint64_t count_range_lines(const struct input_file *f, uint64_t off, uint64_t len,
				  size_t max_line)
{
	char err[64];
	struct input_reader *r = input_open_range(f, off, off + len, max_line, err, sizeof(err));
	uint64_t n = 0;
	const char *l;
	size_t ll;
	enum input_status st;
	while (r && (st = input_next_line(r, &l, &ll)) != INPUT_EOF && st != INPUT_ERROR)
		n++;
	input_close(r);
	return n;
}

/* Cut a plain regular file into byte ranges (one if its parser keeps
 * state), after choosing its parser from its first lines. Returns -1 if
 * the file cannot be read this way (the caller then streams it). */
static int plan_ranges(const struct input_file *f, uint32_t fi, const struct pipeline_options *opt,
		       struct pipeline_unit **units, size_t *n, size_t *cap)
{
	char err[256];
	const struct parser *p = opt->forced_parser;
	if (!p) {
		struct input_reader *r = input_open_range(f, 0, DETECT_BYTES, opt->max_line, err,
							  sizeof(err));
		if (!r)
			return -1;
		char *held[DETECT_LINES];
		const char *lines[DETECT_LINES];
		size_t lens[DETECT_LINES], k = 0;
		const char *l;
		size_t ll;
		enum input_status st;
		while (k < DETECT_LINES && (st = input_next_line(r, &l, &ll)) != INPUT_EOF &&
		       st != INPUT_ERROR) {
			if (st != INPUT_LINE)
				continue;
			held[k] = xstrndup(l, ll);
			lines[k] = held[k];
			lens[k] = ll;
			k++;
		}
		input_close(r);
		p = parser_detect(lines, lens, k);
		for (size_t i = 0; i < k; i++)
			free(held[i]);
	}
	uint64_t chunk = opt->chunk_size ? opt->chunk_size : f->size;
	if (p && p->state_size)
		chunk = f->size;
	uint64_t lines_before = 0;
	for (uint64_t off = 0; off < f->size; off += chunk) {
		struct pipeline_unit *u = add_unit(units, n, cap);
		u->file = fi;
		u->ranged = 1;
		u->off = off;
		u->range_len = f->size - off < chunk ? f->size - off : chunk;
		u->parser = p;
		u->res.parser = p;
		if (opt->mode != PIPELINE_SUMMARY) {
			u->first_line = lines_before;
			lines_before += count_range_lines(f, u->off, u->range_len, opt->max_line);
		}
	}
	return 0;
}

/* Open every file and cut it into units. A file that cannot be opened
 * gets one empty unit carrying the error, so it is reported in order. */
static void plan_units(const struct input_list *inputs, const struct pipeline_options *opt,
		       struct pipeline_unit **units_out, size_t *n_out)
{
	struct pipeline_unit *units = NULL;
	size_t n = 0, cap = 0;
	for (size_t fi = 0; fi < inputs->n; fi++) {
		const struct input_file *f = &inputs->files[fi];
		char err[256] = "";
		const struct parser *whole = whole_file_parser(f, opt->forced_parser);
		if (whole) {
			struct pipeline_unit *u = add_unit(&units, &n, &cap);
			u->file = (uint32_t)fi;
			u->parser = whole;
			u->res.parser = whole;
			continue;
		}
		if (!f->is_stdin && f->comp == INPUT_PLAIN && f->size > 0 &&
		    plan_ranges(f, (uint32_t)fi, opt, &units, &n, &cap) == 0)
			continue;
		struct input_reader *rd = input_open(f, opt->max_line, err, sizeof(err));
		if (!rd) {
			struct pipeline_unit *u = add_unit(&units, &n, &cap);
			u->file = (uint32_t)fi;
			u->res.error = xstrdup(err[0] ? err : "cannot open");
			continue;
		}
		struct pipeline_unit *u = add_unit(&units, &n, &cap);
		u->file = (uint32_t)fi;
		u->reader = rd;
		u->owns_reader = 1;
		u->parser = opt->forced_parser;
		u->res.parser = u->parser;
	}
	*units_out = units;
	*n_out = n;
}

/* ---- gathering results -------------------------------------------------- */

static void gather(struct pipeline_shared *sh, struct pipeline_result *res)
{
	const struct input_list *inputs = sh->inputs;
	res->n_files = inputs->n;
	res->files = xcalloc(inputs->n ? inputs->n : 1, sizeof(*res->files));
	for (size_t fi = 0; fi < inputs->n; fi++) {
		res->files[fi].path = inputs->files[fi].path;
		res->files[fi].bytes = inputs->files[fi].size;
	}
	size_t cap_problems = 0;
	uint64_t *file_lines = xcalloc(inputs->n ? inputs->n : 1, sizeof(uint64_t));
	for (size_t i = 0; i < sh->n_units; i++) {
		struct pipeline_unit *u = &sh->units[i];
		struct unit_result *r = &u->res;
		struct report_file *rf = &res->files[u->file];
		u->first_line = file_lines[u->file];
		file_lines[u->file] += r->lines;
		if (r->parser && !rf->format)
			rf->format = r->parser->name;
		if (r->error && !rf->error) {
			rf->error = r->error;
			res->input_errors++;
		}
		rf->lines += r->lines;
		rf->records += r->records;
		rf->events += r->events;
		rf->filtered += r->filtered;
		rf->other += r->other;
		rf->unknown += r->unknown;
		rf->malformed += r->malformed;
		rf->overlong += r->overlong;
		if (r->first_line_ns && (!rf->first_line_ns || r->first_line_ns < rf->first_line_ns))
			rf->first_line_ns = r->first_line_ns;
		if (r->first_event_ns && (!rf->first_event_ns || r->first_event_ns < rf->first_event_ns))
			rf->first_event_ns = r->first_event_ns;
		if (r->first_unknown && !rf->first_unknown_line)
			rf->first_unknown_line = u->first_line + r->first_unknown;
		if (r->first_overlong && !rf->first_overlong_line)
			rf->first_overlong_line = u->first_line + r->first_overlong;
		res->unknown_lines += r->unknown;
		res->not_exported += r->not_exported;
		res->overlong_lines += r->overlong;
		for (size_t k = 0; k < r->n_reasons; k++) {
			struct unit_reason *ur = &r->reasons[k];
			size_t j;
			for (j = 0; j < res->n_problems; j++)
				if (strcmp(res->problems[j].reason, ur->reason) == 0)
					break;
			if (j < res->n_problems) {
				res->problems[j].count += ur->count;
				continue;
			}
			res->problems = xgrow(res->problems, &cap_problems, res->n_problems + 1,
					      sizeof(*res->problems));
			struct report_problem *p = &res->problems[res->n_problems++];
			p->reason = ur->reason;
			p->count = ur->count;
			p->path = inputs->files[u->file].path;
			p->line = u->first_line + ur->first_line;
			p->example = ur->example;
			ur->example = NULL; /* now owned by the result */
		}
	}
	free(file_lines);
}

static int copy_events(struct pipeline_shared *sh, FILE *out)
{
	char buf[1 << 16];
	int rc = 0;
	for (size_t i = 0; i < sh->n_units; i++) {
		FILE *t = sh->units[i].events_tmp;
		if (!t)
			continue;
		rewind(t);
		size_t got;
		while ((got = fread(buf, 1, sizeof(buf), t)) > 0)
			if (fwrite(buf, 1, got, out) != got)
				rc = -1;
		if (ferror(t))
			rc = -1;
		fclose(t);
		sh->units[i].events_tmp = NULL;
	}
	return rc;
}

int pipeline_run(const struct input_list *inputs, const struct pipeline_options *opt,
		 struct pipeline_result *res)
{
	memset(res, 0, sizeof(*res));
	res->inputs = inputs;
	struct pipeline_shared sh = {.opt = opt, .inputs = inputs};
	atomic_init(&sh.units_done, 0);
	plan_units(inputs, opt, &sh.units, &sh.n_units);

	uint64_t total = 0;
	for (size_t i = 0; i < inputs->n; i++)
		total += inputs->files[i].size;
	sh.progress = progress_new(total, opt->progress);

	unsigned nw = opt->threads ? opt->threads : 1;
	if (nw > sh.n_units)
		nw = sh.n_units ? (unsigned)sh.n_units : 1;
	struct worker *workers = xcalloc(nw, sizeof(*workers));
	int rc = 0;
	unsigned started = 0;
	for (unsigned i = 0; i < nw; i++) {
		workers[i].sh = &sh;
		workers[i].index = i;
		workers[i].of = nw;
		workers[i].stats = stats_new(&opt->stats);
		workers[i].det = opt->detect ? detect_new(opt->detect) : NULL;
		detect_use_log(workers[i].det); /* each keeps a log; merged at the end */
		workers[i].web = opt->web ? web_new(opt->web) : NULL;
	}
	if (nw == 1) {
		worker_main(&workers[0]);
		started = 0;
	} else {
		for (unsigned i = 0; i < nw; i++) {
			if (pthread_create(&workers[i].thread, NULL, worker_main, &workers[i]) != 0)
				break;
			started++;
		}
		/* A worker whose thread could not start runs here, on this
		 * thread, with its own tables, once the others are under way. */
		for (unsigned i = started; i < nw; i++)
			worker_main(&workers[i]);
		while (sh.progress && atomic_load(&sh.units_done) < sh.n_units) {
			progress_tick(sh.progress);
			struct timespec ts = {0, 100 * 1000 * 1000};
			nanosleep(&ts, NULL);
		}
		for (unsigned i = 0; i < started; i++)
			pthread_join(workers[i].thread, NULL);
	}
	progress_done(sh.progress);
	progress_free(sh.progress);

	res->stats = workers[0].stats;
	res->detector = workers[0].det;
	res->web = workers[0].web;
	for (unsigned i = 1; i < nw; i++) {
		stats_merge(res->stats, workers[i].stats);
		stats_free(workers[i].stats);
		detect_merge(workers[0].det, workers[i].det);
		detect_free(workers[i].det);
		if (workers[0].web)
			web_merge(workers[0].web, workers[i].web);
		web_free(workers[i].web);
	}
	free(workers);
	/* fewer units than threads (one capture, say): the analysis may
	 * still use them all */
	detect_set_threads(res->detector, opt->threads);

	gather(&sh, res);
	if (opt->mode != PIPELINE_SUMMARY && opt->events_out) {
		if (opt->mode == PIPELINE_CSV)
			report_csv_header(opt->events_out);
		if (copy_events(&sh, opt->events_out) != 0)
			rc = -1;
	}
	res->units = sh.units;
	res->n_units = sh.n_units;
	return rc;
}

const char *pipeline_origin(void *result, uint32_t unit, uint64_t unit_line, uint64_t *file_line)
{
	const struct pipeline_result *res = result;
	if (unit >= res->n_units) {
		*file_line = 0;
		return "?";
	}
	const struct pipeline_unit *u = &res->units[unit];
	*file_line = u->first_line + unit_line;
	return res->inputs->files[u->file].path;
}

void pipeline_result_fini(struct pipeline_result *res)
{
	if (!res)
		return;
	stats_free(res->stats);
	detect_free(res->detector);
	web_free(res->web);
	for (size_t i = 0; i < res->n_problems; i++)
		free((char *)res->problems[i].example);
	free(res->problems);
	free(res->files);
	for (size_t i = 0; i < res->n_units; i++) {
		struct pipeline_unit *u = &res->units[i];
		free(u->res.error);
		for (size_t k = 0; k < u->res.n_reasons; k++)
			free(u->res.reasons[k].example);
		if (u->events_tmp)
			fclose(u->events_tmp);
		if (u->owns_reader)
			input_close(u->reader);
	}
	free(res->units);
	memset(res, 0, sizeof(*res));
}
