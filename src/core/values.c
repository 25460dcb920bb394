/* values.c - text to typed values, exactly (contract in values.h): numbers,
 * booleans, UUIDs, UTF-8 checks and the per-type dispatch of
 * af_array_append_text. Dates and times are in values_time.c, zones in tz.c.
 *
 * Every parser here is strict on purpose: an ingestion engine that guesses
 * ("1.505" into decimal(5,2) becomes 1.51, "300" into int8 becomes 44) moves
 * bad data silently into the lake. So each parser either produces the exact
 * value or an error whose message quotes the text and names the type.
 *
 * Parsing never reads past (s, n): the only place that needs a NUL-terminated
 * string (strtod/strtof) works on a bounded local copy, in the "C" locale so
 * a process-wide setlocale cannot change what "1.5" means.
 */
#include "core/values.h"

#include "core/values_internal.h"

#include <errno.h>
#include <float.h>
#include <inttypes.h>
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------ */
/* Messages                                                                  */
/* ------------------------------------------------------------------------ */

/* Bounded, single-line copy of the input for messages: control bytes become
 * '?' (a CR or NUL inside a message would corrupt log lines) and a long text
 * ends with "..." cut on a UTF-8 character boundary. */
const char *af_quote(af_quoted *q, const char *s, size_t n)
{
    size_t lim = n;
    bool cut = false;
    if (n > AF_QUOTE_MAX) {
        lim = AF_QUOTE_MAX - 3;
        while (lim > 0 && ((unsigned char)s[lim] & 0xC0) == 0x80)
            lim--;
        cut = true;
    }
    size_t j = 0;
    for (size_t i = 0; i < lim; i++) {
        unsigned char c = (unsigned char)s[i];
        q->s[j++] = (c < 0x20 || c == 0x7F) ? '?' : (char)c;
    }
    if (cut) {
        q->s[j++] = '.';
        q->s[j++] = '.';
        q->s[j++] = '.';
    }
    q->s[j] = '\0';
    return q->s;
}

/* ------------------------------------------------------------------------ */
/* Options                                                                   */
/* ------------------------------------------------------------------------ */

static const char *const default_true[] = {"true", "yes", "y", "t", "1"};
static const char *const default_false[] = {"false", "no", "n", "f", "0"};

void af_parse_options_default(af_parse_options *opts)
{
    memset(opts, 0, sizeof *opts);
    for (size_t i = 0; i < 5; i++) {
        opts->true_tokens[i] = default_true[i];
        opts->false_tokens[i] = default_false[i];
    }
    opts->n_true = 5;
    opts->n_false = 5;
    opts->decimal_mark = '.';
    opts->default_timezone = NULL;
}

/* ------------------------------------------------------------------------ */
/* Integers                                                                  */
/* ------------------------------------------------------------------------ */

/* Syntax: [+-]digits, whitespace already trimmed. The magnitude saturates
 * (with *ovf set) instead of wrapping. */
static bool int_syntax(const char *s, size_t n, bool *neg, uint64_t *mag, bool *ovf)
{
    size_t i = 0;
    *neg = false;
    *mag = 0;
    *ovf = false;
    if (i < n && (s[i] == '+' || s[i] == '-')) {
        *neg = s[i] == '-';
        i++;
    }
    if (i == n)
        return false;
    for (; i < n; i++) {
        if (!af_is_digit(s[i]))
            return false;
        unsigned d = (unsigned)(s[i] - '0');
        if (*mag > (UINT64_MAX - d) / 10)
            *ovf = true;
        else
            *mag = *mag * 10 + d;
    }
    return true;
}

int af_parse_int_width(const char *s, size_t n, int bits, int64_t *out, af_error *err)
{
    if (bits != 8 && bits != 16 && bits != 32 && bits != 64)
        return af_error_set(err, AF_EINVAL, "integer width %d is not 8, 16, 32 or 64", bits);
    af_trim(&s, &n);
    af_quoted q;
    bool neg, ovf;
    uint64_t mag;
    if (!int_syntax(s, n, &neg, &mag, &ovf))
        return af_error_set(err, AF_EPARSE, "'%s' is not an integer", af_quote(&q, s, n));
    int64_t lo = bits == 64 ? INT64_MIN : -((int64_t)1 << (bits - 1));
    int64_t hi = bits == 64 ? INT64_MAX : ((int64_t)1 << (bits - 1)) - 1;
    /* The magnitude limit of the negative side is |lo| = hi + 1. */
    uint64_t limit = neg ? (uint64_t)hi + 1 : (uint64_t)hi;
    if (ovf || mag > limit)
        return af_error_set(err, AF_EOVERFLOW,
                            "'%s' is out of range for int%d (%" PRId64 "..%" PRId64 ")",
                            af_quote(&q, s, n), bits, lo, hi);
    if (neg)
        *out = mag == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)mag;
    else
        *out = (int64_t)mag;
    return AF_OK;
}

int af_parse_int64(const char *s, size_t n, int64_t *out, af_error *err)
{
    return af_parse_int_width(s, n, 64, out, err);
}

/* ------------------------------------------------------------------------ */
/* Floating point                                                            */
/* ------------------------------------------------------------------------ */

static pthread_once_t c_locale_once = PTHREAD_ONCE_INIT;
static locale_t c_locale;

static void c_locale_init(void)
{
    c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
}

enum { FLT_SYNTAX_BAD, FLT_SYNTAX_NUMBER, FLT_SYNTAX_NAN, FLT_SYNTAX_INF };

/* Our own grammar check first, so strtod's extensions (hex floats, "nan(...)",
 * leading whitespace, partial parses) can never leak in:
 *   [+-] (digits [mark digits?] | mark digits) [(e|E) [+-] digits]
 *   [+-] (nan | inf | infinity), case-insensitive. */
static int float_syntax(const char *s, size_t n, char mark)
{
    size_t i = 0;
    if (i < n && (s[i] == '+' || s[i] == '-'))
        i++;
    if (i < n && !af_is_digit(s[i]) && s[i] != mark) {
        if (af_slice_ieq(s + i, n - i, "nan"))
            return FLT_SYNTAX_NAN;
        if (af_slice_ieq(s + i, n - i, "inf") || af_slice_ieq(s + i, n - i, "infinity"))
            return FLT_SYNTAX_INF;
        return FLT_SYNTAX_BAD;
    }
    size_t digits = 0;
    while (i < n && af_is_digit(s[i])) {
        i++;
        digits++;
    }
    if (i < n && s[i] == mark) {
        i++;
        while (i < n && af_is_digit(s[i])) {
            i++;
            digits++;
        }
    }
    if (digits == 0)
        return FLT_SYNTAX_BAD;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            i++;
        size_t ed = 0;
        while (i < n && af_is_digit(s[i])) {
            i++;
            ed++;
        }
        if (ed == 0)
            return FLT_SYNTAX_BAD;
    }
    return i == n ? FLT_SYNTAX_NUMBER : FLT_SYNTAX_BAD;
}

/* Shared by float64 and float32: want32 selects strtof so float32 values are
 * rounded once (text -> float), not twice (text -> double -> float). */
static int parse_floating(const char *s, size_t n, char mark, bool want32, double *out,
                          af_error *err)
{
    if (mark != ',')
        mark = '.';
    af_trim(&s, &n);
    af_quoted q;
    const char *tname = want32 ? "float32" : "float64";
    int kind = float_syntax(s, n, mark);
    if (kind == FLT_SYNTAX_BAD)
        return af_error_set(err, AF_EPARSE, "'%s' is not a number (%s)", af_quote(&q, s, n), tname);
    if (kind == FLT_SYNTAX_NAN) {
        *out = NAN;
        return AF_OK;
    }
    if (kind == FLT_SYNTAX_INF) {
        *out = s[0] == '-' ? -INFINITY : INFINITY;
        return AF_OK;
    }
    char local[256];
    char *buf = local;
    if (n >= sizeof local) {
        buf = malloc(n + 1);
        if (!buf)
            return af_error_set(err, AF_ENOMEM, "out of memory parsing a %zu-byte number", n);
    }
    for (size_t i = 0; i < n; i++)
        buf[i] = s[i] == mark ? '.' : s[i];
    buf[n] = '\0';
    pthread_once(&c_locale_once, c_locale_init);
    char *end = NULL;
    errno = 0;
    double v;
    if (want32)
        v = c_locale ? (double)strtof_l(buf, &end, c_locale) : (double)strtof(buf, &end);
    else
        v = c_locale ? strtod_l(buf, &end, c_locale) : strtod(buf, &end);
    int e = errno;
    bool full = end == buf + n;
    if (buf != local)
        free(buf);
    if (!full)
        return af_error_set(err, AF_EPARSE, "'%s' is not a number (%s)", af_quote(&q, s, n), tname);
    /* ERANGE also flags underflow, which is fine (a tiny value rounds to a
     * denormal or zero); only a finite text becoming infinite is an error. */
    if (isinf(v) || (e == ERANGE && fabs(v) > 1.0))
        return af_error_set(err, AF_EOVERFLOW, "'%s' is out of range for %s", af_quote(&q, s, n),
                            tname);
    *out = v;
    return AF_OK;
}

int af_parse_double(const char *s, size_t n, char decimal_mark, double *out, af_error *err)
{
    return parse_floating(s, n, decimal_mark, false, out, err);
}

/* ------------------------------------------------------------------------ */
/* Decimals                                                                  */
/* ------------------------------------------------------------------------ */

int af_parse_decimal(const char *s, size_t n, int precision, int scale, char decimal_mark,
                     af_int128 *out, af_error *err)
{
    if (precision < 1 || precision > AF_DECIMAL_MAX_PRECISION || scale < 0 || scale > precision)
        return af_error_set(err, AF_EINVAL, "decimal(%d,%d) is not a valid decimal type", precision,
                            scale);
    char mark = decimal_mark == ',' ? ',' : '.';
    af_trim(&s, &n);
    af_quoted q;
    size_t i = 0;
    bool neg = false;
    if (i < n && (s[i] == '+' || s[i] == '-')) {
        neg = s[i] == '-';
        i++;
    }
    size_t ip = i, ni = 0;
    while (i < n && af_is_digit(s[i])) {
        i++;
        ni++;
    }
    size_t fp = i, nf = 0;
    if (i < n && s[i] == mark) {
        i++;
        fp = i;
        while (i < n && af_is_digit(s[i])) {
            i++;
            nf++;
        }
    }
    int64_t exp = 0;
    bool syntax = ni + nf > 0;
    if (syntax && i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        bool eneg = false;
        if (i < n && (s[i] == '+' || s[i] == '-')) {
            eneg = s[i] == '-';
            i++;
        }
        size_t ed = 0;
        while (i < n && af_is_digit(s[i])) {
            /* Saturate: beyond 10^15 the outcome (zero, or an error) no
             * longer depends on the exact exponent. */
            if (exp < 1000000000000000LL)
                exp = exp * 10 + (s[i] - '0');
            i++;
            ed++;
        }
        if (ed == 0)
            syntax = false;
        if (eneg)
            exp = -exp;
    }
    if (!syntax || i != n)
        return af_error_set(err, AF_EPARSE, "'%s' is not a decimal number", af_quote(&q, s, n));

    /* The digits form one sequence D (integer digits then fraction digits);
     * value = D * 10^(exp - nf). Only the span between the first and last
     * non-zero digit matters. */
    size_t total = ni + nf;
#define DIGIT_AT(k) ((k) < ni ? s[ip + (k)] : s[fp + (k)-ni])
    size_t first = total, last = 0;
    for (size_t k = 0; k < total; k++) {
        if (DIGIT_AT(k) != '0') {
            if (first == total)
                first = k;
            last = k;
        }
    }
    if (first == total) {
        *out = 0;
        return AF_OK;
    }
    int64_t sig = (int64_t)(last - first + 1);
    int64_t trailing = (int64_t)(total - 1 - last);
    /* unscaled = D' * 10^shift where D' is the significant span. */
    int64_t shift = (int64_t)scale + exp - (int64_t)nf + trailing;
    if (shift < 0)
        return af_error_set(err, AF_EOVERFLOW,
                            "'%s' has more fractional digits than decimal(%d,%d) holds "
                            "(scale %d; rounding would lose digits)",
                            af_quote(&q, s, n), precision, scale, scale);
    if (sig + shift > precision)
        return af_error_set(err, AF_EOVERFLOW,
                            "'%s' is out of range for decimal(%d,%d) (at most %d integer digits)",
                            af_quote(&q, s, n), precision, scale, precision - scale);
    /* At most 38 digits: fits in a signed 128-bit integer (10^38 < 2^127). */
    af_int128 v = 0;
    for (size_t k = first; k <= last; k++)
        v = v * 10 + (DIGIT_AT(k) - '0');
#undef DIGIT_AT
    for (int64_t k = 0; k < shift; k++)
        v *= 10;
    *out = neg ? -v : v;
    return AF_OK;
}

int af_decimal_format(af_int128 v, int scale, af_buf *out)
{
    if (scale < 0 || scale > AF_DECIMAL_MAX_PRECISION)
        return AF_EINVAL;
    /* Work on the unsigned magnitude so INT128_MIN does not overflow. */
    unsigned __int128 mag =
        v < 0 ? (unsigned __int128)0 - (unsigned __int128)v : (unsigned __int128)v;
    char d[64];
    int nd = 0;
    /* 128-bit division is a library call: use it only for digits that do
     * not fit 64 bits, which almost no real value has */
    while (mag > UINT64_MAX) {
        d[nd++] = (char)('0' + (int)(mag % 10));
        mag /= 10;
    }
    uint64_t small = (uint64_t)mag;
    do {
        d[nd++] = (char)('0' + (int)(small % 10));
        small /= 10;
    } while (small != 0);
    while (nd <= scale)
        d[nd++] = '0';
    char text[72];
    size_t j = 0;
    if (v < 0)
        text[j++] = '-';
    for (int k = nd - 1; k >= scale; k--)
        text[j++] = d[k];
    if (scale > 0) {
        text[j++] = '.';
        for (int k = scale - 1; k >= 0; k--)
            text[j++] = d[k];
    }
    return af_buf_append(out, text, j);
}

/* ------------------------------------------------------------------------ */
/* Booleans                                                                  */
/* ------------------------------------------------------------------------ */

static bool token_match(const char *s, size_t n, const char *const *tokens, size_t count)
{
    if (count > AF_MAX_BOOL_TOKENS)
        count = AF_MAX_BOOL_TOKENS;
    for (size_t i = 0; i < count; i++)
        if (tokens[i] && af_slice_ieq(s, n, tokens[i]))
            return true;
    return false;
}

int af_parse_bool(const char *s, size_t n, const af_parse_options *opts, bool *out, af_error *err)
{
    af_trim(&s, &n);
    /* A zeroed options struct (no tokens at all) means "defaults", so callers
     * that memset their options still get the documented behaviour. */
    const char *const *t = default_true, *const *f = default_false;
    size_t nt = 5, nfl = 5;
    if (opts && (opts->n_true > 0 || opts->n_false > 0)) {
        t = opts->true_tokens;
        nt = opts->n_true;
        f = opts->false_tokens;
        nfl = opts->n_false;
    }
    if (token_match(s, n, t, nt)) {
        *out = true;
        return AF_OK;
    }
    if (token_match(s, n, f, nfl)) {
        *out = false;
        return AF_OK;
    }
    af_quoted q;
    return af_error_set(err, AF_EPARSE, "'%s' is not a boolean", af_quote(&q, s, n));
}

/* ------------------------------------------------------------------------ */
/* UUID                                                                      */
/* ------------------------------------------------------------------------ */

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = af_lower(c);
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

int af_parse_uuid(const char *s, size_t n, uint8_t out[16], af_error *err)
{
    af_trim(&s, &n);
    af_quoted q;
    const char *p = s;
    size_t len = n;
    if (len >= 2 && p[0] == '{' && p[len - 1] == '}') {
        p++;
        len -= 2;
    }
    bool dashed = len == 36;
    if (len != 32 && !dashed)
        goto bad;
    uint8_t tmp[16];
    size_t nib = 0;
    for (size_t i = 0; i < len; i++) {
        if (dashed && (i == 8 || i == 13 || i == 18 || i == 23)) {
            if (p[i] != '-')
                goto bad;
            continue;
        }
        int v = hexval(p[i]);
        if (v < 0)
            goto bad;
        if (nib % 2 == 0)
            tmp[nib / 2] = (uint8_t)(v << 4);
        else
            tmp[nib / 2] |= (uint8_t)v;
        nib++;
    }
    if (nib != 32)
        goto bad;
    memcpy(out, tmp, 16);
    return AF_OK;
bad:
    return af_error_set(err, AF_EPARSE,
                        "'%s' is not a UUID (expected 32 hex digits, optionally 8-4-4-4-12 "
                        "with dashes and braces)",
                        af_quote(&q, s, n));
}

/* ------------------------------------------------------------------------ */
/* UTF-8                                                                     */
/* ------------------------------------------------------------------------ */

/* Returns the offset of the lead byte of the first ill-formed sequence
 * (overlong, surrogate, above U+10FFFF, stray continuation, truncated). */
long af_utf8_invalid_offset(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        unsigned char c = u[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t len;
        unsigned char lo = 0x80, hi = 0xBF;
        if (c >= 0xC2 && c <= 0xDF) {
            len = 2;
        } else if (c >= 0xE0 && c <= 0xEF) {
            len = 3;
            if (c == 0xE0)
                lo = 0xA0; /* overlong */
            else if (c == 0xED)
                hi = 0x9F; /* surrogates */
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4;
            if (c == 0xF0)
                lo = 0x90; /* overlong */
            else if (c == 0xF4)
                hi = 0x8F; /* > U+10FFFF */
        } else {
            return (long)i;
        }
        if (n - i < len)
            return (long)i;
        if (u[i + 1] < lo || u[i + 1] > hi)
            return (long)i;
        for (size_t k = 2; k < len; k++)
            if (u[i + k] < 0x80 || u[i + k] > 0xBF)
                return (long)i;
        i += len;
    }
    return -1;
}

/* ------------------------------------------------------------------------ */
/* Appending text to a typed column                                          */
/* ------------------------------------------------------------------------ */

static int append_rc(af_array *a, int rc, const char *s, size_t n, af_error *err)
{
    if (rc == AF_OK)
        return AF_OK;
    af_quoted q;
    const char *name = a->field->name ? a->field->name : "?";
    if (rc == AF_ENOMEM)
        return af_error_set(err, rc, "out of memory appending to column '%s'", name);
    return af_error_set(err, rc, "cannot append '%s' to column '%s' (%s)", af_quote(&q, s, n), name,
                        af_strerror(rc));
}

int af_array_append_text(af_array *a, const char *s, size_t n, const af_parse_options *opts,
                         af_error *err)
{
    if (!a || !a->field)
        return af_error_set(err, AF_EINTERNAL, "af_array_append_text: array has no field");
    const af_type *t = &a->field->type;
    char mark = opts ? opts->decimal_mark : '.';
    af_quoted q;
    int rc;
    switch (t->id) {
    case AF_TYPE_INT8:
    case AF_TYPE_INT16:
    case AF_TYPE_INT32:
    case AF_TYPE_INT64: {
        static const int bits[] = {8, 16, 32, 64};
        int64_t v;
        rc = af_parse_int_width(s, n, bits[t->id - AF_TYPE_INT8], &v, err);
        if (rc)
            return rc;
        return append_rc(a, af_array_append_int(a, v), s, n, err);
    }
    case AF_TYPE_FLOAT32:
    case AF_TYPE_FLOAT64: {
        double v;
        rc = parse_floating(s, n, mark, t->id == AF_TYPE_FLOAT32, &v, err);
        if (rc)
            return rc;
        return append_rc(a, af_array_append_double(a, v), s, n, err);
    }
    case AF_TYPE_DECIMAL: {
        af_int128 v;
        rc = af_parse_decimal(s, n, t->precision, t->scale, mark, &v, err);
        if (rc)
            return rc;
        return append_rc(a, af_array_append_decimal(a, v), s, n, err);
    }
    case AF_TYPE_BOOL: {
        bool v;
        rc = af_parse_bool(s, n, opts, &v, err);
        if (rc)
            return rc;
        return append_rc(a, af_array_append_bool(a, v), s, n, err);
    }
    case AF_TYPE_STRING:
    case AF_TYPE_JSON: {
        long bad = af_utf8_invalid_offset(s, n);
        if (bad >= 0)
            return af_error_set(err, AF_EPARSE, "invalid UTF-8 at byte %ld of '%s' (%s)", bad,
                                af_quote(&q, s, n), t->id == AF_TYPE_JSON ? "json" : "string");
        return append_rc(a, af_array_append_bytes(a, s, n), s, n, err);
    }
    case AF_TYPE_BINARY: return append_rc(a, af_array_append_bytes(a, s, n), s, n, err);
    case AF_TYPE_DATE: {
        int32_t v;
        rc = af_parse_date(s, n, opts, &v, err);
        if (rc)
            return rc;
        return append_rc(a, af_array_append_int(a, v), s, n, err);
    }
    case AF_TYPE_TIME: {
        int64_t v;
        rc = af_parse_time(s, n, t->unit, &v, err);
        if (rc)
            return rc;
        return append_rc(a, af_array_append_int(a, v), s, n, err);
    }
    case AF_TYPE_TIMESTAMP: {
        int64_t v;
        rc = af_parse_timestamp(s, n, opts, t->unit, t->timezone, &v, err);
        if (rc)
            return rc;
        return append_rc(a, af_array_append_int(a, v), s, n, err);
    }
    case AF_TYPE_UUID: {
        uint8_t v[16];
        rc = af_parse_uuid(s, n, v, err);
        if (rc)
            return rc;
        return append_rc(a, af_array_append_bytes(a, v, 16), s, n, err);
    }
    case AF_TYPE_NULL:
        return af_error_set(err, AF_EPARSE, "'%s' cannot be stored in a column of type null",
                            af_quote(&q, s, n));
    case AF_TYPE_STRUCT:
    case AF_TYPE_LIST:
    case AF_TYPE_MAP:
        return af_error_set(err, AF_EUNSUPPORTED,
                            "column '%s' is nested; text values cannot be appended to it directly",
                            a->field->name ? a->field->name : "?");
    default: break;
    }
    return af_error_set(err, AF_EINTERNAL, "column '%s' has unknown type id %d",
                        a->field->name ? a->field->name : "?", (int)t->id);
}
