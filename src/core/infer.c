/* infer.c - column type inference over sampled text (contract in infer.h).
 *
 * Each value is classified into one kind (int, big int, decimal, float,
 * bool, date, timestamp, string); af_infer_result joins the kinds seen along
 * the lattice in infer.h. The rules favour not losing data over a "nicer"
 * type, because an inferred schema is applied to the whole file later:
 *
 *  - Integers with leading zeros ("007", "02134") are strings: they are IDs
 *    and zip codes whose zeros an integer column would drop. "0" and "-0"
 *    are integers.
 *  - Integers beyond int64 become decimal(p,0) while p <= 38. Longer digit
 *    runs are strings: float64 would silently round them. A value only
 *    makes a column float64 when the text itself was already floating
 *    point (exponent, nan, inf), or when a decimal needs more than 18
 *    fractional or 38 total digits.
 *  - "0"/"1" are integers, not booleans, even if they are bool tokens.
 *  - Pure digit strings are numbers, not dates ("20240301" stays an int),
 *    unless date formats are configured and one of them matches.
 *  - Timestamps are microseconds; nanoseconds when some value carries more
 *    than 6 significant fractional digits (microseconds would reject it).
 *    If any value needs nanoseconds but another lies outside the nanosecond
 *    range (years 1677-2262), the column is a string.
 */
#include "core/infer.h"

#include <string.h>

/* Kinds seen, as bits of af_infer.state. */
enum {
    K_BOOL = 1 << 0,
    K_INT = 1 << 1,
    K_BIGINT = 1 << 2, /* beyond int64, <= 38 digits */
    K_DEC = 1 << 3,
    K_FLOAT = 1 << 4,
    K_DATE = 1 << 5,
    K_TS = 1 << 6,
    K_STRING = 1 << 7,
    F_TS_NANO = 1 << 8,     /* some timestamp needs nanoseconds */
    F_TS_NOT_NANO = 1 << 9, /* some timestamp is outside the nanosecond range */
};

#define K_NUMERIC (K_INT | K_BIGINT | K_DEC | K_FLOAT)
#define K_TEMPORAL (K_DATE | K_TS)

/* Decimal inference stops at this many fractional digits (float64 beyond):
 * more than 18 is almost always a computed float printed in full. */
#define MAX_INFER_SCALE 18

void af_infer_init(af_infer *inf)
{
    memset(inf, 0, sizeof *inf);
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!is_digit(s[i]))
            return false;
    return n > 0;
}

static void note_max(int *field, size_t v)
{
    int iv = v > 100000 ? 100000 : (int)v;
    if (iv > *field)
        *field = iv;
}

/* Integer or plain decimal syntax: [+-]digits[mark digits]. Returns 0 when
 * it is neither, 1 for an integer, 2 for a decimal, -1 for an integer with
 * leading zeros (kept as string). */
static int number_shape(const char *s, size_t n, char mark, size_t *int_digits, size_t *frac_digits)
{
    size_t i = 0;
    if (i < n && (s[i] == '+' || s[i] == '-'))
        i++;
    size_t ist = i;
    while (i < n && is_digit(s[i]))
        i++;
    size_t ni = i - ist;
    if (i == n) {
        if (ni == 0)
            return 0;
        if (ni > 1 && s[ist] == '0')
            return -1;
        *int_digits = ni;
        *frac_digits = 0;
        return 1;
    }
    if (s[i] != mark)
        return 0;
    i++;
    size_t fst = i;
    while (i < n && is_digit(s[i]))
        i++;
    size_t nf = i - fst;
    if (i != n || ni + nf == 0)
        return 0;
    if (ni > 1 && s[ist] == '0')
        return -1;
    /* "0.5" has no integer digits worth counting: decimal(1,1) holds it. */
    *int_digits = (ni == 1 && s[ist] == '0') ? 0 : ni;
    *frac_digits = nf;
    return 2;
}

static bool is_bool_token(const char *s, size_t n, const af_parse_options *opts)
{
    bool v;
    return af_parse_bool(s, n, opts, &v, NULL) == AF_OK;
}

static void observe_temporal(af_infer *inf, const char *s, size_t n, const af_parse_options *opts)
{
    int32_t d;
    int64_t ts;
    bool digits = all_digits(s, n);
    if (digits && !(opts && opts->n_date_formats > 0)) {
        inf->state |= K_STRING;
        return;
    }
    if (af_parse_date(s, n, opts, &d, NULL) == AF_OK) {
        inf->state |= K_DATE;
        return;
    }
    if (digits) {
        inf->state |= K_STRING;
        return;
    }
    /* Naive target keeps wall clock; a zoned target reads naive text in the
     * default zone. Parsing with a zone one hour off tells whether the text
     * carried its own offset (then both agree). */
    af_parse_options probe;
    if (opts)
        probe = *opts;
    else
        af_parse_options_default(&probe);
    probe.default_timezone = "+01:00";
    int64_t naive, zoned;
    int rc_us = af_parse_timestamp(s, n, opts, AF_UNIT_MICRO, NULL, &naive, NULL);
    int rc_ns = af_parse_timestamp(s, n, opts, AF_UNIT_NANO, NULL, &ts, NULL);
    if (rc_us != AF_OK && rc_ns != AF_OK) {
        inf->state |= K_STRING;
        return;
    }
    inf->state |= K_TS;
    if (rc_us != AF_OK) {
        inf->state |= F_TS_NANO;
        note_max(&inf->ts_frac_digits, 9);
    } else {
        if (rc_ns != AF_OK)
            inf->state |= F_TS_NOT_NANO;
        note_max(&inf->ts_frac_digits, 6);
    }
    af_time_unit u = rc_us == AF_OK ? AF_UNIT_MICRO : AF_UNIT_NANO;
    if (af_parse_timestamp(s, n, &probe, u, NULL, &naive, NULL) == AF_OK &&
        af_parse_timestamp(s, n, &probe, u, "UTC", &zoned, NULL) == AF_OK && naive == zoned)
        inf->saw_tz = true;
}

void af_infer_observe(af_infer *inf, const char *s, size_t n, bool is_null,
                      const af_parse_options *opts)
{
    if (is_null) {
        inf->saw_null = true;
        return;
    }
    inf->n_values++;
    while (n > 0 && is_space(s[0])) {
        s++;
        n--;
    }
    while (n > 0 && is_space(s[n - 1]))
        n--;
    if (n == 0) {
        inf->state |= K_STRING;
        return;
    }
    char mark = opts && opts->decimal_mark == ',' ? ',' : '.';

    /* Configured date formats win over numbers: they say "%Y%m%d" is a date. */
    if (opts && opts->n_date_formats > 0 && all_digits(s, n)) {
        int32_t d;
        if (af_parse_date(s, n, opts, &d, NULL) == AF_OK) {
            inf->state |= K_DATE;
            return;
        }
    }

    size_t ni = 0, nf = 0;
    int shape = number_shape(s, n, mark, &ni, &nf);
    if (shape == -1) {
        inf->state |= K_STRING;
        return;
    }
    if (shape == 1) {
        int64_t v;
        if (af_parse_int64(s, n, &v, NULL) == AF_OK) {
            inf->state |= K_INT;
            if (v < INT32_MIN || v > INT32_MAX)
                inf->saw_int64 = true;
        } else if (ni <= AF_DECIMAL_MAX_PRECISION) {
            inf->state |= K_BIGINT;
        } else {
            inf->state |= K_STRING;
            return;
        }
        note_max(&inf->max_int_digits, ni);
        return;
    }
    if (shape == 2) {
        inf->state |= K_DEC;
        note_max(&inf->max_int_digits, ni);
        note_max(&inf->max_frac_digits, nf);
        return;
    }
    double dv;
    if (af_parse_double(s, n, mark, &dv, NULL) == AF_OK) {
        inf->state |= K_FLOAT;
        inf->saw_float_only = true;
        return;
    }
    if (is_bool_token(s, n, opts)) {
        inf->state |= K_BOOL;
        return;
    }
    observe_temporal(inf, s, n, opts);
}

static af_type make(af_type_id id)
{
    af_type t;
    memset(&t, 0, sizeof t);
    t.id = id;
    return t;
}

af_type af_infer_result(const af_infer *inf)
{
    int k = inf->state;
    if (k & K_STRING)
        return make(AF_TYPE_STRING);
    int families = ((k & K_BOOL) != 0) + ((k & K_NUMERIC) != 0) + ((k & K_TEMPORAL) != 0);
    if (families != 1)
        return make(AF_TYPE_STRING); /* nothing seen, only nulls, or a mix */
    if (k & K_BOOL)
        return make(AF_TYPE_BOOL);
    if (k & K_TEMPORAL) {
        if (!(k & K_TS))
            return make(AF_TYPE_DATE);
        bool nano = (k & F_TS_NANO) != 0;
        if (nano && (k & F_TS_NOT_NANO))
            return make(AF_TYPE_STRING);
        af_type t = make(AF_TYPE_TIMESTAMP);
        t.unit = nano ? AF_UNIT_NANO : AF_UNIT_MICRO;
        t.timezone = inf->saw_tz ? "UTC" : NULL;
        return t;
    }
    if (k & K_FLOAT)
        return make(AF_TYPE_FLOAT64);
    if (k & (K_DEC | K_BIGINT)) {
        int s = inf->max_frac_digits;
        int p = inf->max_int_digits + s;
        if (s > MAX_INFER_SCALE || p > AF_DECIMAL_MAX_PRECISION)
            return make(AF_TYPE_FLOAT64);
        /* A sample cannot bound the rest of the input: 999.99 in the first
         * thousand rows says nothing about 1000.00 later. The precision gets
         * headroom (18 digits, the int64-sized decimal, or the maximum 38);
         * the scale stays as seen, since more fractional digits would be a
         * different kind of value. */
        af_type t = make(AF_TYPE_DECIMAL);
        t.precision = (uint8_t)(p <= 18 ? 18 : AF_DECIMAL_MAX_PRECISION);
        t.scale = (uint8_t)s;
        return t;
    }
    /* same reasoning: integers are int64 whatever the sample's range */
    return make(AF_TYPE_INT64);
}

bool af_infer_nullable(const af_infer *inf)
{
    return inf->saw_null;
}
