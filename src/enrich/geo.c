/* Country and ASN lookups: libmaxminddb for .mmdb files, a sorted range
 * table for ASN CSVs. See geo.h. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <maxminddb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/util.h"
#include "enrich/geo.h"

#define GEO_MAX_DBS 8

enum db_kind { DB_COUNTRY, DB_ASN };

struct mmdb {
	MMDB_s db;
	enum db_kind kind;
};

struct geo {
	struct mmdb dbs[GEO_MAX_DBS];
	size_t n_dbs;
	struct asn_ranges *csv;      /* NULL until a CSV is added */
	char country_src[512];
	char asn_src[512];
	struct arena orgs;           /* organisation names handed out */
	/* A directory's ASN CSVs (tens of MB, ~0.15 s to parse) load on a
	 * thread of their own while the input is read: nothing asks for an
	 * ASN before the report. Everything that reads csv or asn_src joins
	 * it first (csv_join); only the main thread does. */
	char **csv_paths;
	size_t n_csv_paths;
	int csv_loading;             /* the thread is running or not joined yet */
	pthread_t csv_thread;
	char csv_err[512];           /* the first problem it met, or "" */
};

static int add_csv(struct geo *g, const char *path, char *err, size_t errlen);

static void *csv_main(void *arg)
{
	struct geo *g = arg;
	for (size_t i = 0; i < g->n_csv_paths; i++) {
		char e[512];
		add_csv(g, g->csv_paths[i], e, sizeof(e));
		if (e[0] && !g->csv_err[0])
			snprintf(g->csv_err, sizeof(g->csv_err), "%s", e);
	}
	return NULL;
}

static void csv_join(const struct geo *cg)
{
	struct geo *g = (struct geo *)cg; /* the table is complete after this */
	if (!g || !g->csv_loading)
		return;
	pthread_join(g->csv_thread, NULL);
	g->csv_loading = 0;
	for (size_t i = 0; i < g->n_csv_paths; i++)
		free(g->csv_paths[i]);
	free(g->csv_paths);
	g->csv_paths = NULL;
	g->n_csv_paths = 0;
}

const char *geo_wait(struct geo *g)
{
	csv_join(g);
	return g && g->csv_err[0] ? g->csv_err : NULL;
}

/* ---- the ASN range table ------------------------------------------------ */

struct asn_range {
	struct ip_addr lo, hi;
	uint32_t asn;
	uint32_t org;                /* offset in names; UINT32_MAX = none */
};

struct asn_ranges {
	struct asn_range *v;
	size_t n, cap;
	char *names;                 /* NUL-terminated organisation names */
	size_t names_len, names_cap;
	int sorted;
};

struct asn_ranges *asn_ranges_new(void)
{
	struct asn_ranges *r = xcalloc(1, sizeof(*r));
	r->sorted = 1;
	return r;
}

void asn_ranges_free(struct asn_ranges *r)
{
	if (!r)
		return;
	free(r->v);
	free(r->names);
	free(r);
}

size_t asn_ranges_count(const struct asn_ranges *r)
{
	return r ? r->n : 0;
}

/* One CSV field from p (up to end): quoted ("" is a quote) or plain.
 * Copies at most outlen-1 bytes into out; returns the position after the
 * field and its separator, or NULL on an unterminated quote. */
static const char *csv_field(const char *p, const char *end, char *out, size_t outlen, size_t *n)
{
	size_t k = 0;
	if (p < end && *p == '"') {
		p++;
		for (;;) {
			if (p >= end)
				return NULL;
			if (*p == '"') {
				if (p + 1 < end && p[1] == '"') {
					p++;
				} else {
					p++;
					break;
				}
			}
			if (k + 1 < outlen)
				out[k++] = *p;
			p++;
		}
	} else {
		while (p < end && *p != ',') {
			if (k + 1 < outlen)
				out[k++] = *p;
			p++;
		}
	}
	out[k] = '\0';
	*n = k;
	if (p < end && *p == ',')
		p++;
	return p;
}

static uint32_t add_name(struct asn_ranges *r, const char *s, size_t n)
{
	if (n == 0)
		return UINT32_MAX;
	if (r->names_len + n + 1 > UINT32_MAX)
		return UINT32_MAX;
	/* Consecutive ranges often share their organisation. */
	if (r->n && r->v[r->n - 1].org != UINT32_MAX) {
		const char *prev = r->names + r->v[r->n - 1].org;
		if (strlen(prev) == n && memcmp(prev, s, n) == 0)
			return r->v[r->n - 1].org;
	}
	r->names = xgrow(r->names, &r->names_cap, r->names_len + n + 1, 1);
	uint32_t off = (uint32_t)r->names_len;
	memcpy(r->names + off, s, n);
	r->names[off + n] = '\0';
	r->names_len += n + 1;
	return off;
}

/* One line; NULL on success, else the reason. */
static const char *parse_range_line(struct asn_ranges *r, const char *p, const char *end)
{
	char f[4][256];
	size_t len[4];
	for (int i = 0; i < 4; i++) {
		if (i < 3 && p >= end)
			return "fewer than 3 fields";
		p = csv_field(p, end, f[i], sizeof(f[i]), &len[i]);
		if (!p)
			return "unterminated quote";
	}
	struct asn_range e;
	if (addr_parse(f[0], len[0], &e.lo) != 0)
		return "bad start address";
	if (addr_parse(f[1], len[1], &e.hi) != 0)
		return "bad end address";
	if (addr_is_v4(&e.lo) != addr_is_v4(&e.hi) || addr_cmp(&e.lo, &e.hi) > 0)
		return "end before start";
	uint64_t asn;
	if (parse_u64(f[2], len[2], UINT32_MAX, &asn) != 0)
		return "bad AS number";
	e.asn = (uint32_t)asn;
	e.org = add_name(r, f[3], len[3]);
	if (r->n && addr_cmp(&r->v[r->n - 1].lo, &e.lo) > 0)
		r->sorted = 0;
	r->v = xgrow(r->v, &r->cap, r->n + 1, sizeof(*r->v));
	r->v[r->n++] = e;
	return NULL;
}

uint64_t asn_ranges_load_text(struct asn_ranges *r, const char *name, const char *text, size_t len,
			      char *err, size_t errlen)
{
	uint64_t bad = 0, line = 0;
	const char *p = text, *end = text + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		line++;
		const char *ce = le;
		if (ce > p && ce[-1] == '\r')
			ce--;
		if (ce > p && *p != '#') {
			const char *why = parse_range_line(r, p, ce);
			if (why && bad++ == 0 && err)
				snprintf(err, errlen, "%s:%llu: %s", name, (unsigned long long)line, why);
		}
		p = nl ? nl + 1 : end;
	}
	return bad;
}

static int range_cmp(const void *pa, const void *pb)
{
	const struct asn_range *a = pa, *b = pb;
	int c = addr_cmp(&a->lo, &b->lo);
	return c ? c : addr_cmp(&a->hi, &b->hi);
}

void asn_ranges_finish(struct asn_ranges *r)
{
	if (!r->sorted)
		qsort(r->v, r->n, sizeof(*r->v), range_cmp);
	r->sorted = 1;
	/* Growth by doubling leaves up to half unused: give it back. */
	if (r->n && r->cap > r->n) {
		r->v = xrealloc(r->v, r->n * sizeof(*r->v));
		r->cap = r->n;
	}
	if (r->names_len && r->names_cap > r->names_len) {
		r->names = xrealloc(r->names, r->names_len);
		r->names_cap = r->names_len;
	}
}

int asn_ranges_lookup(const struct asn_ranges *r, const struct ip_addr *a, uint32_t *asn,
		      const char **org)
{
	if (!r || r->n == 0)
		return -1;
	/* The last range starting at or before a. */
	size_t lo = 0, hi = r->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (addr_cmp(&r->v[mid].lo, a) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return -1;
	const struct asn_range *e = &r->v[lo - 1];
	if (addr_cmp(a, &e->hi) > 0 || addr_is_v4(a) != addr_is_v4(&e->lo))
		return -1;
	*asn = e->asn;
	if (org)
		*org = e->org == UINT32_MAX ? NULL : r->names + e->org;
	return 0;
}

/* ---- mmdb ------------------------------------------------------------------ */

struct geo *geo_new(void)
{
	struct geo *g = xcalloc(1, sizeof(*g));
	arena_init(&g->orgs);
	return g;
}

void geo_free(struct geo *g)
{
	if (!g)
		return;
	csv_join(g);
	for (size_t i = 0; i < g->n_dbs; i++)
		MMDB_close(&g->dbs[i].db);
	asn_ranges_free(g->csv);
	arena_fini(&g->orgs);
	free(g);
}

static void note_source(char *buf, size_t len, const char *path, const char *what)
{
	size_t used = strlen(buf);
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	snprintf(buf + used, len - used, "%s%s (%s)", used ? ", " : "", base, what);
}

/* The whole file, NUL-terminated; NULL with errno set. */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 0, n = 0;
	char *buf = NULL;
	for (;;) {
		buf = xgrow(buf, &cap, n + 65536 + 1, 1);
		size_t got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
		if (got == 0)
			break;
	}
	int bad = ferror(f);
	fclose(f);
	if (bad) {
		free(buf);
		errno = EIO;
		return NULL;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

static int add_csv(struct geo *g, const char *path, char *err, size_t errlen)
{
	size_t len;
	char *text = slurp(path, &len);
	if (!text) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (!g->csv)
		g->csv = asn_ranges_new();
	size_t before = g->csv->n;
	err[0] = '\0';
	uint64_t bad = asn_ranges_load_text(g->csv, path, text, len, err, errlen);
	free(text);
	asn_ranges_finish(g->csv);
	if (g->csv->n == before) {
		if (!err[0])
			snprintf(err, errlen, "%s: no ranges", path);
		return -1;
	}
	if (bad) {
		size_t used = strlen(err);
		snprintf(err + used, errlen - used, " (%llu bad lines skipped)", (unsigned long long)bad);
	}
	char what[64];
	snprintf(what, sizeof(what), "%zu ranges", g->csv->n - before);
	note_source(g->asn_src, sizeof(g->asn_src), path, what);
	return 0;
}

static int has_word(const char *s, const char *w)
{
	return s && memcasemem(s, strlen(s), w, strlen(w)) != NULL;
}

int geo_add_file(struct geo *g, const char *path, char *err, size_t errlen)
{
	size_t plen = strlen(path);
	err[0] = '\0';
	if (plen > 4 && strcmp(path + plen - 4, ".csv") == 0)
		return add_csv(g, path, err, errlen);
	if (g->n_dbs >= GEO_MAX_DBS) {
		snprintf(err, errlen, "%s: at most %d databases", path, GEO_MAX_DBS);
		return -1;
	}
	struct mmdb *m = &g->dbs[g->n_dbs];
	int rc = MMDB_open(path, MMDB_MODE_MMAP, &m->db);
	if (rc != MMDB_SUCCESS) {
		snprintf(err, errlen, "%s: %s", path,
			 rc == MMDB_IO_ERROR ? strerror(errno) : MMDB_strerror(rc));
		return -1;
	}
	const char *type = m->db.metadata.database_type;
	m->kind = has_word(type, "asn") ? DB_ASN : DB_COUNTRY;
	note_source(m->kind == DB_ASN ? g->asn_src : g->country_src,
		    m->kind == DB_ASN ? sizeof(g->asn_src) : sizeof(g->country_src), path,
		    type ? type : "mmdb");
	g->n_dbs++;
	return 0;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int wanted_file(const char *name)
{
	size_t n = strlen(name);
	if (n > 5 && strcmp(name + n - 5, ".mmdb") == 0)
		return 1;
	return n > 4 && strncmp(name, "asn", 3) == 0 && strcmp(name + n - 4, ".csv") == 0 &&
	       !strstr(name, "-num");
}

int geo_add_dir(struct geo *g, const char *dir, char *err, size_t errlen)
{
	DIR *d = opendir(dir);
	if (!d) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		if (!wanted_file(de->d_name))
			continue;
		names = xgrow(names, &cap, n + 1, sizeof(*names));
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), name_cmp);
	int loaded = 0;
	err[0] = '\0';
	csv_join(g); /* one loading thread at a time */
	for (size_t i = 0; i < n; i++) {
		char *path = xasprintf("%s/%s", dir, names[i]);
		size_t pl = strlen(path);
		if (pl > 4 && strcmp(path + pl - 4, ".csv") == 0) {
			g->csv_paths = xrealloc(g->csv_paths, (g->n_csv_paths + 1) * sizeof(*g->csv_paths));
			g->csv_paths[g->n_csv_paths++] = path; /* loaded below, on the thread */
			loaded++;
			free(names[i]);
			continue;
		}
		char e[512];
		if (geo_add_file(g, path, e, sizeof(e)) == 0)
			loaded++;
		if (e[0] && !err[0])
			snprintf(err, errlen, "%s", e);
		free(path);
		free(names[i]);
	}
	free(names);
	if (g->n_csv_paths) {
		if (pthread_create(&g->csv_thread, NULL, csv_main, g) == 0)
			g->csv_loading = 1;
		else
			csv_main(g); /* no thread: load them now */
		if (!g->csv_loading) {
			for (size_t i = 0; i < g->n_csv_paths; i++)
				free(g->csv_paths[i]);
			free(g->csv_paths);
			g->csv_paths = NULL;
			g->n_csv_paths = 0;
		}
	}
	return loaded;
}

static int is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

const char *geo_default_dir(char *buf, size_t len)
{
	const char *env = getenv("CLSCAN_GEOIP_DIR");
	if (env && *env) {
		if (strcmp(env, "none") == 0)
			return NULL;
		snprintf(buf, len, "%s", env);
		return is_dir(buf) ? buf : NULL;
	}
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			snprintf(buf, len, "%s/geo", exe);
			if (is_dir(buf))
				return buf;
			snprintf(buf, len, "%s/../geo", exe);
			if (is_dir(buf))
				return buf;
		}
	}
	const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
	if (xdg && *xdg)
		snprintf(buf, len, "%s/clscan/geo", xdg);
	else if (home && *home)
		snprintf(buf, len, "%s/.local/share/clscan/geo", home);
	else
		buf[0] = '\0';
	if (buf[0] && is_dir(buf))
		return buf;
	static const char *const sys[] = {"/usr/local/share/clscan/geo", "/usr/share/clscan/geo"};
	for (size_t i = 0; i < sizeof(sys) / sizeof(sys[0]); i++) {
		if (is_dir(sys[i])) {
			snprintf(buf, len, "%s", sys[i]);
			return buf;
		}
	}
	return NULL;
}

int geo_has_country(const struct geo *g)
{
	for (size_t i = 0; g && i < g->n_dbs; i++)
		if (g->dbs[i].kind == DB_COUNTRY)
			return 1;
	return 0;
}

int geo_has_asn(const struct geo *g)
{
	csv_join(g);
	if (g && g->csv && g->csv->n)
		return 1;
	for (size_t i = 0; g && i < g->n_dbs; i++)
		if (g->dbs[i].kind == DB_ASN)
			return 1;
	return 0;
}

const char *geo_country_source(const struct geo *g)
{
	return g && g->country_src[0] ? g->country_src : NULL;
}

const char *geo_asn_source(const struct geo *g)
{
	csv_join(g);
	return g && g->asn_src[0] ? g->asn_src : NULL;
}

static int mmdb_find(const MMDB_s *db, const struct ip_addr *a, MMDB_lookup_result_s *res)
{
	int mmdb = 0;
	if (addr_is_v4(a)) {
		struct sockaddr_in sin;
		memset(&sin, 0, sizeof(sin));
		sin.sin_family = AF_INET;
		memcpy(&sin.sin_addr, a->b + 12, 4);
		*res = MMDB_lookup_sockaddr((MMDB_s *)db, (const struct sockaddr *)&sin, &mmdb);
	} else {
		struct sockaddr_in6 sin6;
		memset(&sin6, 0, sizeof(sin6));
		sin6.sin6_family = AF_INET6;
		memcpy(&sin6.sin6_addr, a->b, 16);
		*res = MMDB_lookup_sockaddr((MMDB_s *)db, (const struct sockaddr *)&sin6, &mmdb);
	}
	return mmdb == MMDB_SUCCESS && res->found_entry ? 0 : -1;
}

static int is_letter(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static int mmdb_country(const MMDB_s *db, const struct ip_addr *a, char cc[3])
{
	MMDB_lookup_result_s res;
	if (mmdb_find(db, a, &res) != 0)
		return -1;
	/* GeoLite2/GeoIP2 Country and City; ip-location-db; the registered
	 * country where the physical one is missing (anycast, satellites). */
	static const char *const paths[][3] = {
		{"country", "iso_code", NULL},
		{"country_code", NULL, NULL},
		{"registered_country", "iso_code", NULL},
	};
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		MMDB_entry_data_s d;
		if (MMDB_aget_value(&res.entry, &d, paths[i]) != MMDB_SUCCESS || !d.has_data ||
		    d.type != MMDB_DATA_TYPE_UTF8_STRING || d.data_size != 2 ||
		    !is_letter(d.utf8_string[0]) || !is_letter(d.utf8_string[1]))
			continue; /* a database is input too: only letters reach the reports */
		cc[0] = d.utf8_string[0];
		cc[1] = d.utf8_string[1];
		cc[2] = '\0';
		return 0;
	}
	return -1;
}

int geo_country(const struct geo *g, const struct ip_addr *a, char cc[3])
{
	for (size_t i = 0; g && i < g->n_dbs; i++)
		if (g->dbs[i].kind == DB_COUNTRY && mmdb_country(&g->dbs[i].db, a, cc) == 0)
			return 0;
	return -1;
}

static int mmdb_asn(struct geo *g, const MMDB_s *db, const struct ip_addr *a, uint32_t *asn,
		    const char **org)
{
	MMDB_lookup_result_s res;
	if (mmdb_find(db, a, &res) != 0)
		return -1;
	MMDB_entry_data_s d;
	static const char *const num[] = {"autonomous_system_number", NULL};
	static const char *const name[] = {"autonomous_system_organization", NULL};
	if (MMDB_aget_value(&res.entry, &d, num) != MMDB_SUCCESS || !d.has_data)
		return -1;
	switch (d.type) {
	case MMDB_DATA_TYPE_UINT32: *asn = d.uint32; break;
	case MMDB_DATA_TYPE_UINT16: *asn = d.uint16; break;
	default: return -1;
	}
	*org = NULL;
	if (MMDB_aget_value(&res.entry, &d, name) == MMDB_SUCCESS && d.has_data &&
	    d.type == MMDB_DATA_TYPE_UTF8_STRING)
		*org = arena_strndup(&g->orgs, d.utf8_string, d.data_size);
	return 0;
}

int geo_asn(struct geo *g, const struct ip_addr *a, uint32_t *asn, const char **org)
{
	const char *o = NULL;
	if (!g)
		return -1;
	csv_join(g);
	for (size_t i = 0; i < g->n_dbs; i++) {
		if (g->dbs[i].kind == DB_ASN && mmdb_asn(g, &g->dbs[i].db, a, asn, &o) == 0) {
			if (org)
				*org = o;
			return 0;
		}
	}
	if (asn_ranges_lookup(g->csv, a, asn, &o) == 0) {
		if (org)
			*org = o;
		return 0;
	}
	return -1;
}

int geo_country_cb(void *ctx, const struct ip_addr *a, char cc[3])
{
	return geo_country(ctx, a, cc);
}

static int hook_asn(void *ctx, const struct ip_addr *a, uint32_t *asn, const char **org)
{
	return geo_asn(ctx, a, asn, org);
}

void geo_tables_hooks(struct geo *g, struct tables_geo *out)
{
	memset(out, 0, sizeof(*out));
	out->ctx = g;
	out->country = geo_has_country(g) ? geo_country_cb : NULL;
	out->asn = geo_has_asn(g) ? hook_asn : NULL;
	out->country_source = geo_country_source(g);
	out->asn_source = geo_asn_source(g);
}

/* ---- the country filter ------------------------------------------------- */

#define CC_SLOTS (26 * 26 + 1)
#define CC_NONE (26 * 26)

static unsigned code_index(const char *cc, size_t n)
{
	if (n == 2 && cc[0] == '-' && cc[1] == '-')
		return CC_NONE;
	if (n != 2)
		return UINT_MAX;
	unsigned a = (unsigned char)cc[0] & ~0x20u, b = (unsigned char)cc[1] & ~0x20u;
	if (a < 'A' || a > 'Z' || b < 'A' || b > 'Z')
		return UINT_MAX;
	return (a - 'A') * 26 + (b - 'A');
}

void geo_filter_init(struct geo_filter *f, const struct geo *g)
{
	memset(f, 0, sizeof(*f));
	f->geo = g;
}

int geo_filter_add(struct geo_filter *f, const char *list, int exclude, char *err, size_t errlen)
{
	const char *p = list;
	for (;;) {
		const char *c = strchr(p, ',');
		size_t n = c ? (size_t)(c - p) : strlen(p);
		unsigned idx = code_index(p, n);
		if (idx == UINT_MAX) {
			snprintf(err, errlen, "'%.*s' is not a two-letter country code (or -- for unknown)",
				 (int)(n > 16 ? 16 : n), p);
			return -1;
		}
		if (exclude) {
			f->exclude[idx] = 1;
			f->n_exclude++;
		} else {
			f->include[idx] = 1;
			f->n_include++;
		}
		if (!c)
			return 0;
		p = c + 1;
	}
}

int geo_filter_active(const struct geo_filter *f)
{
	return f && (f->n_include || f->n_exclude);
}

/* A small direct-mapped cache per thread: sources repeat in bursts. */
#define FILTER_CACHE 4096

struct cache_ent {
	struct ip_addr addr;
	uint16_t idx;
	uint8_t valid;
};

static _Thread_local struct cache_ent filter_cache[FILTER_CACHE];
static _Thread_local const struct geo *filter_cache_geo;

static unsigned cached_index(const struct geo *g, const struct ip_addr *a)
{
	if (filter_cache_geo != g) {
		memset(filter_cache, 0, sizeof(filter_cache));
		filter_cache_geo = g;
	}
	uint32_t h;
	memcpy(&h, a->b + 12, 4);
	h ^= (uint32_t)a->b[0] << 24 ^ (uint32_t)a->b[5] << 8;
	h *= 0x9e3779b1u;
	struct cache_ent *e = &filter_cache[h >> 20 & (FILTER_CACHE - 1)];
	if (e->valid && memcmp(&e->addr, a, sizeof(*a)) == 0)
		return e->idx;
	char cc[3];
	unsigned idx = geo_country(g, a, cc) == 0 ? code_index(cc, 2) : CC_NONE;
	if (idx == UINT_MAX)
		idx = CC_NONE;
	e->addr = *a;
	e->idx = (uint16_t)idx;
	e->valid = 1;
	return idx;
}

int geo_filter_pass(const struct geo_filter *f, const struct ip_addr *src)
{
	unsigned idx = cached_index(f->geo, src);
	if (f->exclude[idx])
		return 0;
	return f->n_include == 0 || f->include[idx];
}
