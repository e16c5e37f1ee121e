/* Port lists in the compact form people type into nmap and firewall rules:
 * "22,80,443,1000-1500". A run of three or more consecutive ports becomes
 * a range; a pair stays a list ("80,81"), which is as short and clearer. */
#include "report/report.h"

#include <string.h>

#include "report/report_util.h"

/* Index of the last port of the run starting at i: consecutive values,
 * with repeats absorbed so a value is never listed twice. */
static size_t run_end(const uint16_t *ports, size_t n, size_t i)
{
	size_t j = i;
	while (j + 1 < n && (ports[j + 1] == ports[j] || ports[j + 1] == ports[j] + 1))
		j++;
	return j;
}

/* The token for the run lo..hi with a leading comma unless first, into tok
 * (at most 13 bytes: ",65534,65535"); returns its length. */
static size_t run_token(unsigned lo, unsigned hi, int first, char *tok)
{
	size_t n = 0;
	if (!first)
		tok[n++] = ',';
	n += report_u64_digits(lo, tok + n);
	if (hi != lo) {
		tok[n++] = (hi - lo >= 2) ? '-' : ',';
		n += report_u64_digits(hi, tok + n);
	}
	return n;
}

void report_port_ranges(const uint16_t *ports, size_t n, char *buf, size_t buflen)
{
	char tok[16];
	size_t total = 0, pos = 0;

	if (!buf || buflen == 0)
		return;
	buf[0] = '\0';
	if (!ports || n == 0)
		return;

	/* First pass: does the whole list fit? */
	for (size_t i = 0; i < n;) {
		size_t j = run_end(ports, n, i);
		total += run_token(ports[i], ports[j], i == 0, tok);
		i = j + 1;
	}
	if (total < buflen) {
		for (size_t i = 0; i < n;) {
			size_t j = run_end(ports, n, i);
			size_t len = run_token(ports[i], ports[j], i == 0, tok);
			memcpy(buf + pos, tok, len);
			pos += len;
			i = j + 1;
		}
		buf[pos] = '\0';
		return;
	}

	/* It does not: whole tokens while ",..." and the NUL still fit after. */
	for (size_t i = 0; i < n;) {
		size_t j = run_end(ports, n, i);
		size_t len = run_token(ports[i], ports[j], i == 0, tok);
		if (pos + len + 5 > buflen)
			break;
		memcpy(buf + pos, tok, len);
		pos += len;
		i = j + 1;
	}
	const char *more = pos ? ",..." : "...";
	size_t mlen = strlen(more);
	if (pos + mlen + 1 > buflen)
		mlen = buflen - 1 - pos; /* only for buffers under 5 bytes */
	memcpy(buf + pos, more, mlen);
	buf[pos + mlen] = '\0';
}
