/* Internal to the parse stage: a zero-copy scanner for the one JSON object
 * (RFC 8259) that JSON-lines logs put on each line (Cowrie, dionaea,
 * OpenCanary, Zeek, Suricata EVE). It finds the values of named members in
 * one pass, allocates nothing, reads nothing past the end it is given, and
 * decodes string escapes only when a caller asks, into the caller's buffer. */
#ifndef CLSCAN_JSON_SCAN_H
#define CLSCAN_JSON_SCAN_H

#include <stddef.h>
#include <stdint.h>

#include "core/addr.h"

enum json_type {
	JSON_NONE = 0, /* not present */
	JSON_STRING,
	JSON_NUMBER,
	JSON_OBJECT,
	JSON_ARRAY,
	JSON_TRUE,
	JSON_FALSE,
	JSON_NULL,
};

/* One value, pointing into the text. A string's p/len are the raw bytes
 * between its quotes (escapes left as written; escaped says whether there
 * are any); a number or literal is its own text; an object or array runs
 * from its opening to its closing bracket inclusive. */
struct json_val {
	enum json_type type;
	int escaped;
	const char *p;
	size_t len;
};

/* Nesting deeper than this is refused as malformed (no log needs it, and
 * a bound keeps hostile input from costing more than one pass). */
#define JSON_MAX_DEPTH 32
/* At most this many paths per json_extract call. */
#define JSON_MAX_WANT 24

/* A member wanted by json_extract: path names a member of the top-level
 * object; "a.b" names member "b" of the object in member "a" unless the
 * top level has a member literally named "a.b" (Zeek's flat "id.orig_h"),
 * which then wins. val is filled with the first match (type JSON_NONE if
 * there is none). path must be a string that never changes (a literal):
 * its length is remembered by its address. */
struct json_want {
	const char *path;
	struct json_val val;
};

/* Scan the object at line[0..len) (blanks around it allowed), checking
 * that it is well-formed JSON, and fill want[0..n). Returns 0, or -1 if
 * the text is not one complete object (cut short, unbalanced, a bad
 * token, trailing text, too deep) or n > JSON_MAX_WANT. */
int json_extract(const char *line, size_t len, struct json_want *want, size_t n);

/* The value starting at p (after optional blanks), within [p, end): fills
 * *v and returns the first byte after it, or NULL if it is malformed. */
const char *json_value(const char *p, const char *end, struct json_val *v);

/* Walk the members of an object value: init with the value, then next
 * returns 1 with key (a JSON_STRING) and val, 0 at the end, -1 on bad
 * text. */
struct json_iter {
	const char *p, *end;
	int first;
};
int json_iter_init(struct json_iter *it, const struct json_val *obj);
int json_iter_next(struct json_iter *it, struct json_val *key, struct json_val *val);

/* The first element of an array value (type JSON_NONE if it is empty or
 * not an array). Returns 0, or -1 on bad text. */
int json_first_elem(const struct json_val *arr, struct json_val *out);

/* Decode a string value's escapes (\" \\ \/ \b \f \n \r \t \uXXXX with
 * surrogate pairs, written as UTF-8) into buf[0..cap). Returns the decoded
 * length, or -1 on a bad escape, a lone surrogate, or no room. */
long json_decode(const struct json_val *v, char *buf, size_t cap);

/* Is v a string equal to lit[0..n) once decoded? */
int json_str_eq(const struct json_val *v, const char *lit, size_t n);
/* Does v's decoded text start with lit? (strings only) */
int json_str_starts(const struct json_val *v, const char *lit, size_t n);

/* The text of a short string value (an address, a stamp): *text points at
 * the raw bytes when there is no escape (no copy), else at buf[0..cap)
 * holding the decoded text. Returns the length, or -1 if v is no string,
 * is longer than cap, or is badly escaped. */
long json_text(const struct json_val *v, char *buf, size_t cap, const char **text);

/* A non-negative integer, written as a number or as a string of digits
 * ("dst_port": "22" from some shippers), at most max. Returns 0 or -1. */
int json_uint(const struct json_val *v, uint64_t max, uint64_t *out);

/* Stamps are taken for the years 1900 to 2199 only: int64 nanoseconds
 * hold 1678 to 2262, and a year outside is a corrupt field anyway. */
#define JSON_YEAR_MIN 1900
#define JSON_YEAR_MAX 2199
#define JSON_EPOCH_MAX 7258118399LL /* 2199-12-31T23:59:59Z */

/* Seconds since the epoch with an optional fraction ("1664462456.755299",
 * Zeek's ts; a number or a string) as nanoseconds. Returns 0, or -1 if it
 * is no such number or lies past JSON_EPOCH_MAX. */
int json_epoch_ns(const struct json_val *v, int64_t *ns);

/* A whole number of seconds, milliseconds, microseconds or nanoseconds
 * since the epoch, told apart by size (1e11 seconds would be the year
 * 5138), as nanoseconds. Returns 0, or -1 past JSON_EPOCH_MAX. */
int json_epoch_auto_ns(const struct json_val *v, int64_t *ns);

/* A string value holding one IPv4 or IPv6 address. Returns 0 or -1. */
int json_addr(const struct json_val *v, struct ip_addr *out);

/* An ISO 8601 stamp as JSON logs write it, in s[0..n):
 * "YYYY-MM-DD(T| )hh:mm:ss[.fraction][Z | +hh:mm | +hhmm | +hh]", to
 * nanoseconds since the epoch (fraction digits past nine are dropped).
 * *zoned says whether a zone was written; a stamp without one is read as
 * UTC and the caller decides whether that is right for its format.
 * Returns 0, or -1 if the text is no such stamp or its year is outside
 * JSON_YEAR_MIN..JSON_YEAR_MAX. */
int json_iso_time(const char *s, size_t n, int64_t *ns, int *zoned);

#endif
