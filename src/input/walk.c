/* Turning operands into an ordered file list: directories walked, files
 * grouped into logrotate sets (numbered ".N" and dateext "-YYYYMMDD[HH]"
 * names, as logrotate(8) writes them) and ordered oldest first, so events
 * reach the later stages roughly in time order. */
#include "input/input.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/util.h"

/* Deeper trees than this are almost surely a mistake (or a bind-mount
 * loop); symlinked directories are never followed, so this is the only
 * bound the walk needs. */
#define WALK_MAX_DEPTH 64

/* --- magic bytes ------------------------------------------------------- */

/* Magic numbers: gzip RFC 1952 section 2.3.1, zstd RFC 8878 section 3.1.1,
 * xz "XZ file format" 2.1.1.1, bzip2 "BZh" plus the block-size digit. */
enum input_compression input_sniff(const unsigned char *buf, size_t n)
{
	static const unsigned char xz_magic[6] = {0xfd, '7', 'z', 'X', 'Z', 0x00};

	if (n >= 2 && buf[0] == 0x1f && buf[1] == 0x8b)
		return INPUT_GZIP;
	if (n >= 4 && buf[0] == 0x28 && buf[1] == 0xb5 && buf[2] == 0x2f && buf[3] == 0xfd)
		return INPUT_ZSTD;
	if (n >= 6 && memcmp(buf, xz_magic, 6) == 0)
		return INPUT_XZ;
	if (n >= 4 && buf[0] == 'B' && buf[1] == 'Z' && buf[2] == 'h' && buf[3] >= '1' &&
	    buf[3] <= '9')
		return INPUT_BZIP2;
	return INPUT_PLAIN;
}

/* --- rotation order ---------------------------------------------------- */

enum rot_rank {
	ROT_NUMBERED = 0, /* name.N: higher N is older */
	ROT_DATED = 1,    /* name-YYYYMMDD: earlier date is older */
	ROT_LIVE = 2,     /* the file being written to, newest of all */
};

struct rot_key {
	size_t base_len; /* the path up to the rotation suffix */
	enum rot_rank rank;
	uint64_t num; /* N, or the date as YYYYMMDDHH */
};

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static uint64_t digits_value(const char *s, size_t n)
{
	uint64_t v = 0;
	for (size_t i = 0; i < n; i++)
		v = v * 10 + (uint64_t)(s[i] - '0');
	return v;
}

/* A plausible calendar date, so that "app.20000000" is not taken for one. */
static int valid_date(uint64_t ymd)
{
	uint64_t y = ymd / 10000, m = ymd / 100 % 100, d = ymd % 100;
	return y >= 1970 && y <= 2999 && m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

static int is_date_sep(char c)
{
	return c == '-' || c == '.' || c == '_';
}

/* "YYYY-MM-DD" at s (10 bytes), as Python's TimedRotatingFileHandler
 * names (cowrie.json.2018-05-06). */
static int dashed_date(const char *s, uint64_t *ymd)
{
	for (int i = 0; i < 10; i++) {
		if (i == 4 || i == 7) {
			if (s[i] != '-')
				return 0;
		} else if (!is_digit(s[i])) {
			return 0;
		}
	}
	uint64_t v = digits_value(s, 4) * 10000 + digits_value(s + 5, 2) * 100 +
		     digits_value(s + 8, 2);
	if (!valid_date(v))
		return 0;
	*ymd = v;
	return 1;
}

static void rotation_key(const char *path, struct rot_key *k)
{
	static const char *const comp_suffix[] = {".gz", ".zst", ".xz", ".bz2"};
	size_t n = strlen(path);
	const char *slash = strrchr(path, '/');
	size_t name = slash ? (size_t)(slash - path) + 1 : 0;

	/* Suffixes are only stripped from the last component, and never
	 * the whole of it. */
	for (size_t i = 0; i < ARRAY_LEN(comp_suffix); i++) {
		size_t sl = strlen(comp_suffix[i]);
		if (n - name > sl && memcmp(path + n - sl, comp_suffix[i], sl) == 0) {
			n -= sl;
			break;
		}
	}
	k->base_len = n;
	k->rank = ROT_LIVE;
	k->num = 0;

	uint64_t ymd;
	if (n - name >= 12 && is_date_sep(path[n - 11]) && dashed_date(path + n - 10, &ymd)) {
		k->base_len = n - 11;
		k->rank = ROT_DATED;
		k->num = ymd * 100;
		return;
	}
	size_t d = n;
	while (d > name && is_digit(path[d - 1]))
		d--;
	size_t ndig = n - d;
	/* sep at d-1 and at least one name byte before it */
	if (ndig == 0 || d < name + 2)
		return;
	char sep = path[d - 1];
	if ((ndig == 8 || ndig == 10) && is_date_sep(sep)) {
		uint64_t v = digits_value(path + d, ndig);
		uint64_t day = ndig == 10 ? v / 100 : v;
		if (valid_date(day) && (ndig == 8 || v % 100 <= 23)) {
			k->base_len = d - 1;
			k->rank = ROT_DATED;
			k->num = ndig == 8 ? v * 100 : v;
			return;
		}
	}
	/* logrotate counts with ".N"; "-N" is left alone since names such
	 * as "node-2" are common, and so is ".N" after a digit: files named
	 * by address ("10.0.0.1", rsyslog's %FROMHOST-IP%) or version. */
	if (sep == '.' && ndig <= 9 && !is_digit(path[d - 2])) {
		k->base_len = d - 1;
		k->rank = ROT_NUMBERED;
		k->num = digits_value(path + d, ndig);
	}
}

size_t input_rotation_base(const char *path)
{
	struct rot_key k;
	rotation_key(path, &k);
	return k.base_len;
}

int input_rotation_cmp(const char *a, const char *b)
{
	struct rot_key ka, kb;
	rotation_key(a, &ka);
	rotation_key(b, &kb);

	size_t common = ka.base_len < kb.base_len ? ka.base_len : kb.base_len;
	int c = memcmp(a, b, common);
	if (c != 0)
		return c < 0 ? -1 : 1;
	if (ka.base_len != kb.base_len)
		return ka.base_len < kb.base_len ? -1 : 1;
	if (ka.rank != kb.rank)
		return ka.rank < kb.rank ? -1 : 1;
	if (ka.num != kb.num) {
		int older_first = ka.rank == ROT_NUMBERED ? ka.num > kb.num : ka.num < kb.num;
		return older_first ? -1 : 1;
	}
	/* Same place in the set (messages.1 beside messages.1.gz): any fixed
	 * order will do, so that the result never depends on readdir. */
	c = strcmp(a, b);
	return c < 0 ? -1 : c > 0;
}

/* --- the list ---------------------------------------------------------- */

void input_list_fini(struct input_list *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n; i++)
		free(l->files[i].path);
	free(l->files);
	l->files = NULL;
	l->n = l->cap = 0;
}

/* Takes ownership of path. */
static void list_add(struct input_list *l, char *path, const struct stat *st,
		     enum input_compression comp, int is_stdin)
{
	l->files = xgrow(l->files, &l->cap, l->n + 1, sizeof(*l->files));
	struct input_file *f = &l->files[l->n++];
	f->path = path;
	f->is_stdin = is_stdin;
	f->comp = comp;
	if (st) {
		f->mtime = (int64_t)st->st_mtim.tv_sec;
		f->size = S_ISREG(st->st_mode) ? (uint64_t)st->st_size : 0;
	} else {
		f->mtime = (int64_t)time(NULL);
		f->size = 0;
	}
}

struct walk {
	input_error_fn on_error;
	void *arg;
	size_t failed;
};

static void walk_report(struct walk *w, const char *path, const char *reason)
{
	if (w->on_error)
		w->on_error(w->arg, path, reason);
	w->failed++;
}

static char *path_join(const char *dir, const char *name)
{
	size_t dl = strlen(dir);
	int slash = dl > 0 && dir[dl - 1] == '/';
	return xasprintf("%s%s%s", dir, slash ? "" : "/", name);
}

/* Reads the first bytes of an open regular file to learn its compression. */
static int sniff_fd(int fd, enum input_compression *comp)
{
	unsigned char magic[8];
	ssize_t got;
	do
		got = pread(fd, magic, sizeof(magic), 0);
	while (got < 0 && errno == EINTR);
	if (got < 0)
		return -errno;
	*comp = input_sniff(magic, (size_t)got);
	return 0;
}

/* Adds the regular file name (in directory dfd, or cwd-relative when dfd
 * is AT_FDCWD) whose full path is path; takes ownership of path. */
static void add_regular(struct walk *w, struct input_list *l, int dfd, const char *name,
			char *path, const struct stat *st)
{
	int fd = openat(dfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	enum input_compression comp = INPUT_PLAIN;
	int rc = fd < 0 ? -errno : sniff_fd(fd, &comp);
	if (fd >= 0)
		close(fd);
	if (rc < 0) {
		walk_report(w, path, strerror(-rc));
		free(path);
		return;
	}
	list_add(l, path, st, comp, 0);
}

/* Collects the regular files under the directory open at dfd (which this
 * function closes) into l, unsorted. */
static void walk_dir(struct walk *w, struct input_list *l, int dfd, const char *path,
		     int depth)
{
	DIR *d = fdopendir(dfd);
	if (!d) {
		walk_report(w, path, strerror(errno));
		close(dfd);
		return;
	}
	for (;;) {
		errno = 0;
		struct dirent *e = readdir(d);
		if (!e) {
			if (errno != 0)
				walk_report(w, path, strerror(errno));
			break;
		}
		/* hidden entries, and "." and ".." with them */
		if (e->d_name[0] == '.')
			continue;
		char *child = path_join(path, e->d_name);
		struct stat st;
		if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
			/* removed since readdir: nothing to read */
			if (errno != ENOENT)
				walk_report(w, child, strerror(errno));
			free(child);
			continue;
		}
		if (S_ISLNK(st.st_mode)) {
			/* Links to files are read; links to directories are
			 * not walked (no loops), dangling links are skipped. */
			if (fstatat(dirfd(d), e->d_name, &st, 0) != 0 || !S_ISREG(st.st_mode)) {
				free(child);
				continue;
			}
		}
		if (S_ISREG(st.st_mode)) {
			add_regular(w, l, dirfd(d), e->d_name, child, &st);
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			if (depth + 1 >= WALK_MAX_DEPTH) {
				walk_report(w, child, "directory nesting too deep");
			} else {
				int cfd = openat(dirfd(d), e->d_name,
						 O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
				if (cfd < 0)
					walk_report(w, child, strerror(errno));
				else
					walk_dir(w, l, cfd, child, depth + 1);
			}
		}
		/* sockets, FIFOs, devices inside a tree: not logs */
		free(child);
	}
	closedir(d);
}

static int file_cmp(const void *a, const void *b)
{
	const struct input_file *fa = a, *fb = b;
	return input_rotation_cmp(fa->path, fb->path);
}

static void expand_dir(struct walk *w, struct input_list *out, const char *path)
{
	int dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		walk_report(w, path, strerror(errno));
		return;
	}
	struct input_list found = {0};
	walk_dir(w, &found, dfd, path, 0);
	if (found.n > 1)
		qsort(found.files, found.n, sizeof(*found.files), file_cmp);
	out->files = xgrow(out->files, &out->cap, out->n + found.n, sizeof(*out->files));
	if (found.n > 0)
		memcpy(out->files + out->n, found.files, found.n * sizeof(*found.files));
	out->n += found.n;
	/* the paths now belong to out */
	free(found.files);
}

/* Every path handed to on_error counts as a failure, whether it was an
 * operand or something found inside one, so a nonzero return always
 * means that some input was not read. */
size_t input_expand(char *const *operands, size_t n, struct input_list *out,
		    input_error_fn on_error, void *arg)
{
	struct walk w = {.on_error = on_error, .arg = arg, .failed = 0};

	for (size_t i = 0; i < n; i++) {
		const char *op = operands[i];
		if (strcmp(op, "-") == 0) {
			list_add(out, xstrdup("-"), NULL, INPUT_PLAIN, 1);
			continue;
		}
		struct stat st;
		if (stat(op, &st) != 0) {
			walk_report(&w, op, strerror(errno));
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			expand_dir(&w, out, op);
		} else if (S_ISREG(st.st_mode)) {
			add_regular(&w, out, AT_FDCWD, op, xstrdup(op), &st);
		} else if (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode)) {
			/* named by the user, e.g. <(zcat ...): streamed, and
			 * sniffed when opened */
			list_add(out, xstrdup(op), &st, INPUT_PLAIN, 0);
		} else {
			walk_report(&w, op, "not a regular file");
		}
	}
	return w.failed;
}
