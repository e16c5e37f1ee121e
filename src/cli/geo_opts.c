/* clscan report's geo options (--geoip, --geoip-dir, --exclude-country,
 * --include-country) and the building of the second-level tables
 * (stats/geo_tables.h) once the run is merged. Kept apart from
 * cmd_report.c, which calls in with one line per step. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/geo_opts.h"
#include "core/util.h"
#include "input/input.h"

void geo_cli_init(struct geo_cli *g)
{
	memset(g, 0, sizeof(*g));
}

int geo_cli_option(struct geo_cli *g, enum geo_cli_opt opt, const char *arg)
{
	switch (opt) {
	case GEO_OPT_FILE:
		if (g->n_files >= GEO_CLI_MAX_FILES) {
			fprintf(stderr, "clscan report: at most %d --geoip files\n", GEO_CLI_MAX_FILES);
			return -1;
		}
		g->files[g->n_files++] = arg;
		return 0;
	case GEO_OPT_DIR:
		g->dir = arg;
		return 0;
	case GEO_OPT_EXCLUDE:
	case GEO_OPT_INCLUDE:
		if (g->n_lists >= GEO_CLI_MAX_FILES) {
			fprintf(stderr, "clscan report: too many country lists\n");
			return -1;
		}
		g->lists[g->n_lists] = arg;
		g->list_exclude[g->n_lists++] = opt == GEO_OPT_EXCLUDE;
		return 0;
	}
	return -1;
}

static void load_dir(struct geo_cli *g, const char *dir, int explicit, int quiet)
{
	char err[512];
	int n = geo_add_dir(g->geo, dir, err, sizeof(err));
	if (n < 0) {
		if (explicit)
			fprintf(stderr, "clscan report: --geoip-dir %s\n", err);
		return;
	}
	if (err[0] && !quiet)
		fprintf(stderr, "clscan report: geo data: %s\n", err);
}

int geo_cli_open(struct geo_cli *g, int quiet)
{
	char err[512];
	g->quiet = quiet;
	g->geo = geo_new();
	for (size_t i = 0; i < g->n_files; i++) {
		if (geo_add_file(g->geo, g->files[i], err, sizeof(err)) != 0) {
			fprintf(stderr, "clscan report: --geoip %s\n", err);
			return -1;
		}
		if (err[0] && !quiet)
			fprintf(stderr, "clscan report: --geoip %s\n", err);
	}
	if (g->dir && strcmp(g->dir, "none") != 0) {
		load_dir(g, g->dir, 1, quiet);
	} else if (!g->dir && g->n_files == 0) {
		char buf[4096];
		const char *d = geo_default_dir(buf, sizeof(buf));
		if (d)
			load_dir(g, d, 0, quiet);
	}
	geo_filter_init(&g->filter, g->geo);
	for (size_t i = 0; i < g->n_lists; i++) {
		if (geo_filter_add(&g->filter, g->lists[i], g->list_exclude[i], err, sizeof(err)) != 0) {
			fprintf(stderr, "clscan report: --%s-country: %s\n",
				g->list_exclude[i] ? "exclude" : "include", err);
			return -1;
		}
	}
	const char *env = getenv("CLSCAN_GEOIP_DIR");
	int off = (g->dir && strcmp(g->dir, "none") == 0) ||
		  (!g->dir && env && strcmp(env, "none") == 0);
	if (!geo_has_country(g->geo) && !quiet && !off)
		fprintf(stderr, "clscan report: no country database: countries shown as unknown "
			"(./setup.sh geo installs free data; or --geoip FILE)\n");
	return 0;
}

const struct geo_filter *geo_cli_filter(const struct geo_cli *g)
{
	return geo_filter_active(&g->filter) ? &g->filter : NULL;
}

/* Finding counts and the burst/slow label of each top source. */
void geo_cli_tables_findings(struct summary_tables *t, const struct summary *sum,
			     const struct detect_findings *f)
{
	if (!t || !f)
		return;
	for (size_t i = 0; i < t->n_sources; i++) {
		struct tables_source *row = &t->sources[i];
		for (size_t k = 0; k < f->n; k++) {
			const struct finding *x = &f->items[k];
			if (memcmp(&x->src, &sum->sources[i].addr, sizeof(x->src)) != 0)
				continue;
			row->findings++;
			if (!x->slow)
				row->label = TABLES_LABEL_BURST;
			else if (row->label == TABLES_LABEL_NONE)
				row->label = TABLES_LABEL_SLOW;
		}
	}
}

static const struct report_file *sort_files; /* for sensor_cmp (single-threaded) */

/* Files of one rotated set together, the sets by name. */
static int sensor_cmp(const void *x, const void *y)
{
	size_t a = *(const size_t *)x, b = *(const size_t *)y;
	const char *pa = sort_files[a].path, *pb = sort_files[b].path;
	size_t la = input_rotation_base(pa), lb = input_rotation_base(pb);
	int c = memcmp(pa, pb, la < lb ? la : lb);
	if (c == 0 && la != lb)
		c = la < lb ? -1 : 1;
	if (c != 0)
		return c;
	return a < b ? -1 : a > b;
}

struct summary_tables *geo_cli_tables(struct geo_cli *g, const struct stats *stats,
				      const struct summary *sum, const struct report_file *files,
				      size_t n_files)
{
	const char *late = geo_wait(g->geo); /* the ASN CSVs loaded meanwhile */
	if (late && !g->quiet)
		fprintf(stderr, "clscan report: geo data: %s\n", late);
	struct tables_geo hooks;
	geo_tables_hooks(g->geo, &hooks);
	struct summary_tables *t = stats_tables(stats, sum, &hooks, NULL);
	/* Sensors: each log (a rotated set of files counts as one), when it
	 * started and when it was first hit. */
	t->sensors = xcalloc(n_files + 1, sizeof(*t->sensors));
	size_t *order = xcalloc(n_files + 1, sizeof(*order));
	for (size_t i = 0; i < n_files; i++)
		order[i] = i;
	sort_files = files;
	qsort(order, n_files, sizeof(*order), sensor_cmp);
	struct tables_sensor *s = NULL;
	size_t s_len = 0;
	for (size_t k = 0; k < n_files; k++) {
		const struct report_file *rf = &files[order[k]];
		size_t len = input_rotation_base(rf->path);
		if (!s || len != s_len || memcmp(s->name, rf->path, len) != 0) {
			if (s && !s->first_event_ns) { /* a log without events: dropped */
				free(s->name);
				t->n_sensors--;
			}
			s = &t->sensors[t->n_sensors++];
			memset(s, 0, sizeof(*s));
			s->name = xstrndup(rf->path, len);
			s_len = len;
		}
		s->files++;
		if (rf->first_line_ns && (!s->first_line_ns || rf->first_line_ns < s->first_line_ns))
			s->first_line_ns = rf->first_line_ns;
		if (rf->first_event_ns && (!s->first_event_ns || rf->first_event_ns < s->first_event_ns))
			s->first_event_ns = rf->first_event_ns;
	}
	if (s && !s->first_event_ns) {
		free(s->name);
		t->n_sensors--;
	}
	free(order);
	return t;
}

void geo_cli_fini(struct geo_cli *g)
{
	geo_free(g->geo);
	g->geo = NULL;
}

