/* log_patterns.h - turning server log lines into typed columns.
 *
 * Built-in formats: Apache/Nginx `combined` and `common` access logs (the
 * request is also split into method, path and protocol; `-` is NULL;
 * `[10/Oct/2000:13:55:36 -0700]` becomes a UTC timestamp), `nginx` (combined
 * plus an optional quoted X-Forwarded-For), syslog RFC 3164 and RFC 5424
 * (priority split into facility and severity; RFC 5424 structured data kept
 * as text), JSON objects one per line (columns learnt from a sample), and
 * `regex`: a PCRE2 pattern whose named groups become columns, typed by an
 * optional map {group: type}.
 *
 * Everything past a match is typed with core/values.h, so a value that does
 * not parse (a status of 99999 in an int32 column, invalid UTF-8) rejects
 * the line with a reason instead of stopping the run. The parser never owns
 * the batch: it appends one row to the arrays it is given.
 */
#ifndef AF_LOG_PATTERNS_H
#define AF_LOG_PATTERNS_H

#include "core/batch.h"
#include "core/buf.h"
#include "core/configmap.h"
#include "core/error.h"
#include "core/schema.h"

#include <stddef.h>
#include <stdint.h>

typedef enum af_logpat_format {
    AF_LOGPAT_COMBINED = 0,
    AF_LOGPAT_COMMON,
    AF_LOGPAT_NGINX,
    AF_LOGPAT_SYSLOG3164,
    AF_LOGPAT_SYSLOG5424,
    AF_LOGPAT_JSON,
    AF_LOGPAT_REGEX,
} af_logpat_format;

#define AF_LOGPAT_FORMAT_CHOICES "combined|common|nginx|syslog3164|syslog5424|json|regex"

typedef struct af_logpat_options {
    af_logpat_format format;
    const char *pattern;     /* regex: PCRE2 with named groups (required) */
    const af_strmap *types;  /* regex/json: {name: type}; NULL = strings / inferred */
    const char *time_format; /* strptime-like (values.h); NULL = the format's default */
    const char *timezone;    /* zone of times written without an offset; NULL = UTC */
    int64_t year;            /* year of times written without one; 0 = the current UTC year */
    size_t max_json_columns; /* json: cap on learnt columns (0 = 1000) */
} af_logpat_options;

typedef struct af_logpat af_logpat;

/* Compiles the format (and the pattern). Errors name the pattern offset. */
int af_logpat_new(const af_logpat_options *o, af_logpat **out, af_error *err);
/* json: observes one sample line to learn columns and their types
 * (integers -> int64, numbers -> float64, booleans -> bool, objects and
 * arrays -> json, strings or a mix -> string). A no-op for other formats. */
void af_logpat_learn(af_logpat *p, const char *line, size_t n);
/* Appends the parser's columns to s (after learning, for json) and freezes
 * them. Call once. */
int af_logpat_add_columns(af_logpat *p, af_schema *s, af_error *err);
size_t af_logpat_n_columns(const af_logpat *p);
/* Parses one line and appends one row to cols[0 .. n_columns), whose fields
 * must be the ones add_columns declared. Returns 1 when appended; 0 when the
 * line is rejected (nothing appended, the reason is in `reason`); <0 on a
 * fatal error (out of memory). */
int af_logpat_append(af_logpat *p, const char *line, size_t n, af_array *cols, af_buf *reason,
                     af_error *err);
/* "combined", "syslog3164", ... */
const char *af_logpat_format_name(af_logpat_format f);
void af_logpat_free(af_logpat *p);

#endif
