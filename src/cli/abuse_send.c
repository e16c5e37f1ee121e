/* Where `clscan abuse` puts a message: a file in the output directory,
 * written whole or not at all, and (--send) sendmail's standard input. */
#include "cli/abuse_send.h"

#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/timeconv.h"
#include "core/util.h"

extern char **environ;

char *abuse_message_path(const char *dir, const struct abuse_incident *inc)
{
	/* room for a whole logged name (255 bytes at most): a cut one could
	 * give two sources the same file */
	char a[300], t[48];
	if (inc->source_name)
		snprintf(a, sizeof(a), "%s", inc->source_name);
	else
		addr_format(&inc->src, a);
	for (char *p = a; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		      *p == '.' || *p == '-' || *p == '_'))
			*p = '-';
	time_format_rfc3339_utc(inc->first_ns, t);
	char stamp[20];
	size_t k = 0;
	for (const char *p = t; *p && *p != '.' && *p != 'Z' && k + 1 < sizeof(stamp); p++)
		if (*p != '-' && *p != ':')
			stamp[k++] = *p;
	stamp[k] = '\0';
	return xasprintf("%s/%sZ-%s-%s.eml", dir, stamp, a, inc->type_key ? inc->type_key : "incident");
}

int abuse_write_file(const char *path, const char *data, size_t len)
{
	char *tmp = xasprintf("%s.tmp", path);
	FILE *f = fopen(tmp, "wb");
	int rc = -1;
	if (f) {
		rc = fwrite(data, 1, len, f) == len ? 0 : -1;
		if (fclose(f) != 0)
			rc = -1;
		if (rc == 0 && rename(tmp, path) != 0)
			rc = -1;
		if (rc != 0)
			unlink(tmp);
	}
	free(tmp);
	return rc;
}

/* sendmail(8) reads local text: LF line ends, not the wire's CRLF. */
int abuse_sendmail(const char *sendmail, const char *msg, size_t len, char *err, size_t errlen)
{
	int fds[2];
	if (pipe(fds) != 0) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		return -1;
	}
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[0], STDIN_FILENO);
	posix_spawn_file_actions_addclose(&fa, fds[1]);
	posix_spawn_file_actions_addclose(&fa, fds[0]);
	char *argv[] = {(char *)sendmail, "-t", "-oi", NULL};
	pid_t pid;
	int rc = posix_spawn(&pid, sendmail, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(fds[0]);
	if (rc != 0) {
		close(fds[1]);
		snprintf(err, errlen, "cannot run %s: %s", sendmail, strerror(rc));
		return -1;
	}
	/* a sendmail that stops reading (it refused the message) must fail
	 * this message, not end the run with SIGPIPE before the state file
	 * records what was sent already; ignored only now, so the child
	 * keeps the default */
	struct sigaction ign = {.sa_handler = SIG_IGN}, old_pipe;
	sigemptyset(&ign.sa_mask);
	sigaction(SIGPIPE, &ign, &old_pipe);
	FILE *p = fdopen(fds[1], "w");
	int wfail = !p;
	for (size_t i = 0; p && i < len; i++) {
		if (msg[i] == '\r' && i + 1 < len && msg[i + 1] == '\n')
			continue;
		if (putc(msg[i], p) == EOF) {
			wfail = 1;
			break;
		}
	}
	if (p && fclose(p) != 0)
		wfail = 1;
	if (!p)
		close(fds[1]);
	sigaction(SIGPIPE, &old_pipe, NULL);
	int st = 0;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0 && wfail) {
		snprintf(err, errlen, "%s did not read the whole message", sendmail);
		return -1;
	}
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0 || wfail) {
		snprintf(err, errlen, "%s failed (%s %d)", sendmail,
			 WIFEXITED(st) ? "exit status" : "signal",
			 WIFEXITED(st) ? WEXITSTATUS(st) : WIFSIGNALED(st) ? WTERMSIG(st) : 0);
		return -1;
	}
	return 0;
}

char *abuse_read_template(const char *path, size_t *len, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	char *buf = NULL;
	size_t n = 0, cap = 0, got;
	do {
		buf = xgrow(buf, &cap, n + 65536, 1);
		got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
	} while (got > 0 && n < (1u << 20));
	fclose(f);
	if (n >= (1u << 20)) {
		snprintf(err, errlen, "%s: a template larger than 1 MiB", path);
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}
