/* Detection settings: defaults (chosen against scanlogd, Zeek's scan.zeek
 * and Snort's sfPortscan, see README "Findings"), --home networks,
 * allowlists with reasons (the user's files and data/scanners.tsv), and the
 * command-line options `report` and `explain` share. */
#include "detect/detect.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "detect/detect_internal.h"

extern const char builtin_scanners[];
extern const size_t builtin_scanners_len;

void detect_config_defaults(struct detect_config *c)
{
	memset(c, 0, sizeof(*c));
	c->window_ns = 300 * 1000000000LL;      /* Zeek: port/addr_scan_interval 5 min */
	c->slow_window_ns = 86400 * 1000000000LL;
	c->weight_low = 3;                       /* scanlogd: PORT_WEIGHT_PRIV */
	c->weight_high = 1;                      /* scanlogd: PORT_WEIGHT_HIGH */
	c->port_score = 21;                      /* scanlogd: SCAN_WEIGHT_THRESHOLD */
	c->sweep_hosts = 10;
	c->block_ports = 8;
	c->proto_count = 10;
	c->hammer_count = 10;
	c->trw_theta0 = 0.8;                     /* Jung et al. 2004, section 4 */
	c->trw_theta1 = 0.2;
	c->trw_alpha = 0.01;
	c->trw_beta = 0.99;
	c->max_sources = 1000000;
	c->max_contacts = 4096;
	c->max_contacts_total = 4000000;
	c->dist_sources = 3;
	c->period_returns = 4;
	c->period_tolerance = 10;
}

void detect_config_fini(struct detect_config *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n_allow; i++) {
		free(c->allow[i].label);
		free(c->allow[i].reason);
		free(c->allow[i].origin);
	}
	free(c->allow);
	free(c->home);
	free(c->dark);
	c->allow = NULL;
	c->home = NULL;
	c->dark = NULL;
	c->n_allow = c->n_home = c->cap_allow = c->cap_home = 0;
	c->n_dark = c->cap_dark = 0;
}

static int add_nets(struct ip_prefix **nets, size_t *n, size_t *cap, const char *spec, char *err,
		    size_t errlen);

int detect_config_add_home(struct detect_config *c, const char *spec, char *err, size_t errlen)
{
	return add_nets(&c->home, &c->n_home, &c->cap_home, spec, err, errlen);
}

int detect_config_add_dark(struct detect_config *c, const char *spec, char *err, size_t errlen)
{
	return add_nets(&c->dark, &c->n_dark, &c->cap_dark, spec, err, errlen);
}

/* "NET,NET,..." appended to a list of networks. */
static int add_nets(struct ip_prefix **nets, size_t *n, size_t *cap, const char *spec, char *err,
		    size_t errlen)
{
	const char *p = spec;
	while (*p) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		while (len && (*p == ' ' || *p == '\t')) {
			p++;
			len--;
		}
		while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		if (len) {
			struct ip_prefix pre;
			if (prefix_parse(p, len, &pre) != 0) {
				snprintf(err, errlen, "'%.*s' is not a network (10.0.0.0/8, 2001:db8::/32)",
					 (int)(len > 64 ? 64 : len), p);
				return -1;
			}
			*nets = xgrow(*nets, cap, *n + 1, sizeof(**nets));
			(*nets)[(*n)++] = pre;
		}
		if (!comma)
			break;
		p = comma + 1;
	}
	return 0;
}

static size_t trim_span(const char **s, size_t len)
{
	while (len && (**s == ' ' || **s == '\t' || **s == '\r')) {
		(*s)++;
		len--;
	}
	while (len && ((*s)[len - 1] == ' ' || (*s)[len - 1] == '\t' || (*s)[len - 1] == '\r'))
		len--;
	return len;
}

int detect_config_load_allow_text(struct detect_config *c, const char *name, const char *label,
				  const char *text, size_t len, char *err, size_t errlen)
{
	int bad = 0;
	size_t line_no = 0;
	const char *p = text, *end = text + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		line_no++;
		const char *s = p;
		size_t n = trim_span(&s, (size_t)(le - p));
		p = nl ? nl + 1 : end;
		if (n == 0 || s[0] == '#')
			continue;
		/* The network ends at the first tab or space. */
		size_t k = 0;
		while (k < n && s[k] != '\t' && s[k] != ' ')
			k++;
		struct ip_prefix pre;
		if (prefix_parse(s, k, &pre) != 0) {
			if (bad++ == 0)
				snprintf(err, errlen, "%s:%zu: '%.*s' is not a network", name, line_no,
					 (int)(k > 64 ? 64 : k), s);
			continue;
		}
		/* The reason: the second tab-separated column, or the rest of
		 * the line after spaces. */
		const char *r = s + k;
		size_t rn = n - k;
		int tabbed = memchr(s, '\t', n) != NULL;
		rn = trim_span(&r, rn);
		if (tabbed) {
			const char *tab = memchr(r, '\t', rn);
			if (tab)
				rn = trim_span(&r, (size_t)(tab - r));
		}
		c->allow = xgrow(c->allow, &c->cap_allow, c->n_allow + 1, sizeof(*c->allow));
		struct detect_allow *a = &c->allow[c->n_allow++];
		a->net = pre;
		a->label = xstrdup(label);
		a->reason = rn ? xstrndup(r, rn) : xstrdup("(no reason given)");
		a->origin = xasprintf("%s:%zu", name, line_no);
	}
	return bad;
}

int detect_config_load_allow_file(struct detect_config *c, const char *path, const char *label,
				  char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
		return -1;
	}
	char *buf = NULL;
	size_t len = 0, cap = 0;
	char chunk[8192];
	size_t got;
	while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (len + got > (64u << 20)) {
			fclose(f);
			free(buf);
			snprintf(err, errlen, "%s: larger than 64 MiB", path);
			return -1;
		}
		buf = xgrow(buf, &cap, len + got, 1);
		memcpy(buf + len, chunk, got);
		len += got;
	}
	int rerr = ferror(f);
	fclose(f);
	if (rerr) {
		free(buf);
		snprintf(err, errlen, "cannot read %s", path);
		return -1;
	}
	int bad = detect_config_load_allow_text(c, path, label, buf ? buf : "", len, err, errlen);
	free(buf);
	return bad;
}

int detect_config_load_builtin_scanners(struct detect_config *c)
{
	char err[256];
	return detect_config_load_allow_text(c, "scanners.tsv", "research scanner", builtin_scanners,
					     builtin_scanners_len, err, sizeof(err));
}

/* ---- options ------------------------------------------------------------- */

enum {
	O_NO_DETECT,
	O_HOME,
	O_ALLOW,
	O_SCANNER_LIST,
	O_SCAN_WINDOW,
	O_SCAN_SCORE,
	O_PORT_WEIGHTS,
	O_SWEEP_HOSTS,
	O_BLOCK_PORTS,
	O_PROTO_COUNT,
	O_SLOW_WINDOW,
	O_HAMMER,
	O_TRW,
	O_MAX_SCAN_SOURCES,
	O_MAX_CONTACTS,
	O_MAX_CONTACTS_TOTAL,
	O_INCLUDE_LOCAL,
	O_DARK,
	O_DIST_SOURCES,
	O_PERIOD,
	O_COUNT
};

const struct detect_option detect_options[] = {
	[O_NO_DETECT] = {"no-detect", 0},
	[O_HOME] = {"home", 1},
	[O_ALLOW] = {"allow", 1},
	[O_SCANNER_LIST] = {"scanner-list", 1},
	[O_SCAN_WINDOW] = {"scan-window", 1},
	[O_SCAN_SCORE] = {"scan-score", 1},
	[O_PORT_WEIGHTS] = {"port-weights", 1},
	[O_SWEEP_HOSTS] = {"sweep-hosts", 1},
	[O_BLOCK_PORTS] = {"block-ports", 1},
	[O_PROTO_COUNT] = {"proto-count", 1},
	[O_SLOW_WINDOW] = {"slow-window", 1},
	[O_HAMMER] = {"hammer", 1},
	[O_TRW] = {"trw", 1},
	[O_MAX_SCAN_SOURCES] = {"max-scan-sources", 1},
	[O_MAX_CONTACTS] = {"max-contacts", 1},
	[O_MAX_CONTACTS_TOTAL] = {"max-contacts-total", 1},
	[O_INCLUDE_LOCAL] = {"include-local", 0},
	[O_DARK] = {"dark", 1},
	[O_DIST_SOURCES] = {"distributed-sources", 1},
	[O_PERIOD] = {"periodic", 1},
};
const size_t detect_n_options = O_COUNT;

const char detect_usage[] =
	"  Scan detection (findings; see clscan(1) FINDINGS):\n"
	"      --no-detect        counts only, no findings\n"
	"      --home NETS        your networks (CIDR,...): scans from inside rank first\n"
	"      --allow FILE       allowlist: NETWORK REASON per line; labelled, not findings\n"
	"      --scanner-list F   research-scanner networks (default: the built-in\n"
	"                         data/scanners.tsv; none to disable)\n"
	"      --scan-window S    short window in seconds (default 300, as Zeek)\n"
	"      --scan-score N     vertical scan: summed port weights in the window\n"
	"                         (default 21, as scanlogd)\n"
	"      --port-weights L,H weight of ports below 1024 and above (default 3,1)\n"
	"      --sweep-hosts N    horizontal sweep: hosts on one port in the window (10)\n"
	"      --block-ports N    a sweep of N ports or more is a block scan (8)\n"
	"      --proto-count N    IP-protocol scan: protocols on one host (10)\n"
	"      --slow-window S    slow scans: the same thresholds over S seconds\n"
	"                         (default 86400; 0 = off)\n"
	"      --hammer N         unsuccessful attempts on one login service (10; 0 = off)\n"
	"      --trw T0,T1,A,B    TRW parameters (default 0.8,0.2,0.01,0.99)\n"
	"      --max-scan-sources N  sources tracked per thread (default 1000000)\n"
	"      --max-contacts N   first contacts kept per source (default 4096)\n"
	"      --max-contacts-total N  per thread (default 4000000; 64 bytes each)\n"
	"      --include-local    also count packets the logging host sent itself\n"
	"      --dark NETS        addresses that host nothing (CIDR,...): any contact is a\n"
	"                         probe (a TRW failure, +1 severity, named in the reason)\n"
	"      --distributed-sources N  distributed scans: sources at least (3; 0 = off)\n"
	"      --periodic N,PCT   periodic: N returns at least, gaps within PCT percent of the\n"
	"                         period (default 4,10; N at most 6; 0 = off)\n";

static int num_arg(const char *opt, const char *arg, uint64_t min, uint64_t max, uint64_t *out,
		   char *err, size_t errlen)
{
	if (parse_u64(arg, strlen(arg), max, out) != 0 || *out < min) {
		snprintf(err, errlen, "--%s needs a number from %llu to %llu, not '%s'", opt,
			 (unsigned long long)min, (unsigned long long)max, arg);
		return -1;
	}
	return 0;
}

/* "a,b,c" into up to n doubles; all must be present and finite. */
static int doubles_arg(const char *arg, double *out, size_t n)
{
	const char *p = arg;
	for (size_t i = 0; i < n; i++) {
		char *endp;
		errno = 0;
		double v = strtod(p, &endp);
		if (endp == p || errno || !isfinite(v))
			return -1;
		out[i] = v;
		if (i + 1 < n) {
			if (*endp != ',')
				return -1;
			p = endp + 1;
		} else if (*endp) {
			return -1;
		}
	}
	return 0;
}

int detect_option_apply(struct detect_config *c, size_t i, const char *arg, int *disabled,
			char *err, size_t errlen)
{
	uint64_t v;
	const char *name = i < O_COUNT ? detect_options[i].name : "?";
	switch (i) {
	case O_NO_DETECT:
		*disabled = 1;
		return 0;
	case O_HOME:
		return detect_config_add_home(c, arg, err, errlen);
	case O_ALLOW: {
		char e[300] = "";
		int bad = detect_config_load_allow_file(c, arg, "allowlist", e, sizeof(e));
		if (bad != 0) {
			snprintf(err, errlen, "--allow: %s", e);
			return -1;
		}
		return 0;
	}
	case O_SCANNER_LIST:
		c->scanner_list = arg;
		return 0;
	case O_SCAN_WINDOW:
	case O_SLOW_WINDOW:
		if (num_arg(name, arg, i == O_SCAN_WINDOW ? 1 : 0, 365ull * 86400, &v, err, errlen))
			return -1;
		if (i == O_SCAN_WINDOW)
			c->window_ns = (int64_t)v * 1000000000LL;
		else
			c->slow_window_ns = (int64_t)v * 1000000000LL;
		return 0;
	case O_SCAN_SCORE:
		if (num_arg(name, arg, 1, 1000000, &v, err, errlen))
			return -1;
		c->port_score = (unsigned)v;
		return 0;
	case O_PORT_WEIGHTS: {
		const char *comma = strchr(arg, ',');
		uint64_t lo, hi;
		if (!comma || parse_u64(arg, (size_t)(comma - arg), 1000, &lo) != 0 ||
		    parse_u64(comma + 1, strlen(comma + 1), 1000, &hi) != 0 || lo == 0 || hi == 0) {
			snprintf(err, errlen, "--port-weights wants LOW,HIGH (1..1000), not '%s'", arg);
			return -1;
		}
		c->weight_low = (unsigned)lo;
		c->weight_high = (unsigned)hi;
		return 0;
	}
	case O_SWEEP_HOSTS:
	case O_BLOCK_PORTS:
	case O_PROTO_COUNT:
		if (num_arg(name, arg, 2, 1000000, &v, err, errlen))
			return -1;
		if (i == O_SWEEP_HOSTS)
			c->sweep_hosts = (unsigned)v;
		else if (i == O_BLOCK_PORTS)
			c->block_ports = (unsigned)v;
		else
			c->proto_count = (unsigned)v;
		return 0;
	case O_HAMMER:
		if (num_arg(name, arg, 0, 100000000, &v, err, errlen))
			return -1;
		c->hammer_count = (unsigned)v;
		return 0;
	case O_TRW: {
		double d[4];
		if (doubles_arg(arg, d, 4) != 0 || !(d[0] > 0 && d[0] < 1) || !(d[1] > 0 && d[1] < 1) ||
		    !(d[1] < d[0]) || !(d[2] > 0 && d[2] < 1) || !(d[3] > 0 && d[3] < 1) ||
		    !(d[2] < d[3])) {
			snprintf(err, errlen,
				 "--trw wants THETA0,THETA1,ALPHA,BETA with 0 < THETA1 < THETA0 < 1 "
				 "and 0 < ALPHA < BETA < 1, not '%s'",
				 arg);
			return -1;
		}
		c->trw_theta0 = d[0];
		c->trw_theta1 = d[1];
		c->trw_alpha = d[2];
		c->trw_beta = d[3];
		return 0;
	}
	case O_MAX_SCAN_SOURCES:
		if (num_arg(name, arg, 1, 1ull << 30, &v, err, errlen))
			return -1;
		c->max_sources = (size_t)v;
		return 0;
	case O_MAX_CONTACTS:
		if (num_arg(name, arg, 1, 1u << 24, &v, err, errlen))
			return -1;
		c->max_contacts = (size_t)v;
		return 0;
	case O_MAX_CONTACTS_TOTAL:
		if (num_arg(name, arg, 1, 1ull << 34, &v, err, errlen))
			return -1;
		c->max_contacts_total = (size_t)v;
		return 0;
	case O_INCLUDE_LOCAL:
		c->include_local = 1;
		return 0;
	case O_DARK:
		return detect_config_add_dark(c, arg, err, errlen);
	case O_DIST_SOURCES:
		if (strcmp(arg, "0") != 0 && num_arg(name, arg, 2, 4096, &v, err, errlen))
			return -1;
		c->dist_sources = strcmp(arg, "0") == 0 ? 0 : (unsigned)v;
		return 0;
	case O_PERIOD: {
		const char *comma = strchr(arg, ',');
		uint64_t n = 0, pct = c->period_tolerance;
		/* returns are counted among the earliest DETECT_CELLS active windows */
		if (parse_u64(arg, comma ? (size_t)(comma - arg) : strlen(arg), DETECT_CELLS - 1,
			      &n) != 0 ||
		    (comma && (parse_u64(comma + 1, strlen(comma + 1), 50, &pct) != 0))) {
			snprintf(err, errlen, "--periodic wants RETURNS[,PERCENT] (0..%d, 0..50), not '%s'",
				 DETECT_CELLS - 1, arg);
			return -1;
		}
		c->period_returns = (unsigned)n;
		c->period_tolerance = (unsigned)pct;
		return 0;
	}
	default:
		snprintf(err, errlen, "unknown detection option");
		return -1;
	}
}

int detect_config_finish(struct detect_config *c, char *err, size_t errlen)
{
	if (c->scanners_loaded)
		return 0;
	c->scanners_loaded = 1;
	if (c->scanner_list && strcmp(c->scanner_list, "none") == 0)
		return 0;
	if (!c->scanner_list) {
		detect_config_load_builtin_scanners(c);
		return 0;
	}
	char e[300] = "";
	int bad = detect_config_load_allow_file(c, c->scanner_list, "research scanner", e, sizeof(e));
	if (bad != 0) {
		snprintf(err, errlen, "--scanner-list: %s", e);
		return -1;
	}
	return 0;
}
