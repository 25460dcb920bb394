/* values.h - turning text into typed values, exactly.
 *
 * Every parser takes a (pointer, length) slice (not NUL-terminated), returns
 * AF_OK, AF_EPARSE (not a value of that type) or AF_EOVERFLOW (a value, but
 * out of range), and writes a short reason into err ("'12a' is not an
 * integer", "'300' is out of range for int8"). Nothing is ever wrapped,
 * rounded away or truncated silently: a decimal with more fractional digits
 * than the scale is an error, not a rounding.
 *
 * Leading/trailing ASCII whitespace is accepted around numbers, booleans,
 * dates and timestamps; strings are never trimmed here (the CSV layer
 * decides).
 */
#ifndef AF_VALUES_H
#define AF_VALUES_H

#include "core/batch.h"
#include "core/error.h"
#include "core/schema.h"
#include "core/tz.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AF_MAX_BOOL_TOKENS 8
#define AF_MAX_FORMATS 8

/* How text is read; one per source, configured from the pipeline. */
typedef struct af_parse_options {
    /* Accepted spellings, compared case-insensitively. Defaults:
     * true/yes/y/t/1 and false/no/n/f/0. */
    const char *true_tokens[AF_MAX_BOOL_TOKENS];
    size_t n_true;
    const char *false_tokens[AF_MAX_BOOL_TOKENS];
    size_t n_false;
    /* strptime-like formats tried in order before ISO-8601 (%Y %m %d %H %M
     * %S %f (fraction) %z (offset) %b (month abbrev) %j, %%). Empty = ISO only. */
    const char *date_formats[AF_MAX_FORMATS];
    size_t n_date_formats;
    const char *timestamp_formats[AF_MAX_FORMATS];
    size_t n_timestamp_formats;
    char decimal_mark; /* '.' default; ',' for European files */
    /* Time zone applied to naive timestamps parsed into a zoned column
     * ("UTC", "+02:00", or an IANA name). NULL = UTC. */
    const char *default_timezone;
} af_parse_options;

/* Fills opts with the defaults described above. */
void af_parse_options_default(af_parse_options *opts);

int af_parse_int64(const char *s, size_t n, int64_t *out, af_error *err);
/* Range-checked for int8/16/32/64 by bit width. */
int af_parse_int_width(const char *s, size_t n, int bits, int64_t *out, af_error *err);
/* Accepts decimal and scientific forms, "nan", "inf", "-inf", "infinity"
 * (case-insensitive). Overflow to infinity from finite text is AF_EOVERFLOW. */
int af_parse_double(const char *s, size_t n, char decimal_mark, double *out, af_error *err);
/* Exact: "123.45" into decimal(p,s) gives unscaled 12345 * 10^(s-2).
 * Accepts sign, optional exponent ("1.5e3"); too many integer digits for p-s
 * is AF_EOVERFLOW; more significant fractional digits than s is AF_EOVERFLOW
 * (trailing zeros beyond s are fine). */
int af_parse_decimal(const char *s, size_t n, int precision, int scale, char decimal_mark,
                     af_int128 *out, af_error *err);
int af_parse_bool(const char *s, size_t n, const af_parse_options *opts, bool *out, af_error *err);
/* ISO-8601 "YYYY-MM-DD" (also "YYYYMMDD") or one of opts->date_formats.
 * Validates the calendar (Feb 29 only in leap years). Out: days since epoch. */
int af_parse_date(const char *s, size_t n, const af_parse_options *opts, int32_t *out,
                  af_error *err);
/* "HH:MM[:SS[.fffffffff]]" into `unit` since midnight; extra precision beyond
 * the unit is AF_EOVERFLOW (not truncated). */
int af_parse_time(const char *s, size_t n, af_time_unit unit, int64_t *out, af_error *err);
/* ISO-8601 "YYYY-MM-DD[T| ]HH:MM[:SS[.f{1,9}]][Z|±HH[:MM]]" or a configured
 * format. Result in `unit` since epoch, UTC. Text with an offset is converted
 * to UTC. Naive text: for a zoned target (tz != NULL) it is interpreted in
 * opts->default_timezone; for a naive target it is kept as wall clock.
 * A date alone is midnight. */
int af_parse_timestamp(const char *s, size_t n, const af_parse_options *opts, af_time_unit unit,
                       const char *tz, int64_t *out, af_error *err);
/* 8-4-4-4-12 hex (with or without dashes, optional braces) into 16 bytes. */
int af_parse_uuid(const char *s, size_t n, uint8_t out[16], af_error *err);

/* Parses text according to the array's field type and appends it; a parse
 * failure appends nothing and returns the error. Strings and JSON are
 * checked for valid UTF-8 (AF_EPARSE with the byte offset otherwise). */
int af_array_append_text(af_array *a, const char *s, size_t n, const af_parse_options *opts,
                         af_error *err);

/* Validates UTF-8; returns the offset of the first invalid byte or -1. */
long af_utf8_invalid_offset(const char *s, size_t n);

/* Calendar helpers shared by formatting and parsing. */
int64_t af_days_from_civil(int64_t y, unsigned m, unsigned d);
void af_civil_from_days(int64_t days, int64_t *y, unsigned *m, unsigned *d);
/* af_tz_offset (UTC offset of a time zone) is declared in core/tz.h. */

/* Writes the decimal `v` with `scale` fractional digits ("-12.3400"). */
int af_decimal_format(af_int128 v, int scale, af_buf *out);

#endif
