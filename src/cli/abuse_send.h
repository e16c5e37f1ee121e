/* Writing and sending `clscan abuse`'s messages (cli/abuse_send.c). */
#ifndef CLSCAN_CLI_ABUSE_SEND_H
#define CLSCAN_CLI_ABUSE_SEND_H

#include <stddef.h>

#include "report/abuse_mail.h"

/* DIR/STAMPZ-SOURCE-TYPE.eml, the source's characters that are not safe
 * in a file name as '-'. */
char *abuse_message_path(const char *dir, const struct abuse_incident *inc);

/* path written through path.tmp and a rename: 0, or -1 with errno. */
int abuse_write_file(const char *path, const char *data, size_t len);

/* The message piped to `sendmail -t -oi`: 0, or -1 with a reason in err. */
int abuse_sendmail(const char *sendmail, const char *msg, size_t len, char *err, size_t errlen);

/* A template file, whole (at most 1 MiB), NUL-terminated; NULL with a
 * reason in err. */
char *abuse_read_template(const char *path, size_t *len, char *err, size_t errlen);

#endif
