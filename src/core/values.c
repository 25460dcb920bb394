/* values.c - text to typed values, exactly (contract in values.h).
 *
 * Every parser here is strict on purpose: an ingestion engine that guesses
 * ("1.505" into decimal(5,2) becomes 1.51, "300" into int8 becomes 44) moves
 * bad data silently into the lake. So each parser either produces the exact
 * value or an error whose message quotes the text and names the type.
 *
 * Parsing never reads past (s, n): the only place that needs a NUL-terminated
 * string (strtod/strtof) works on a bounded local copy, in the "C" locale so
 * a process-wide setlocale cannot change what "1.5" means.
 *
 * Time zones are read from the TZif files under /usr/share/zoneinfo (or
 * $TZDIR) by our own parser, never through TZ/tzset/localtime, which are
 * process-global and not safe in a multi-threaded engine. Loaded zones are
 * cached for the life of the process behind a mutex.
 */
#include "core/values.h"

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
/* Small helpers                                                             */
/* ------------------------------------------------------------------------ */

/* Quoted input is cut to this many bytes so one huge field cannot flood a
 * log line; the error buffer itself is 1 KiB. */
#define QUOTE_MAX 64

typedef struct quoted {
    char s[QUOTE_MAX + 8];
} quoted;

/* Bounded, single-line copy of the input for messages: control bytes become
 * '?' (a CR or NUL inside a message would corrupt log lines) and a long text
 * ends with "..." cut on a UTF-8 character boundary. */
static const char *quote(quoted *q, const char *s, size_t n)
{
    size_t lim = n;
    bool cut = false;
    if (n > QUOTE_MAX) {
        lim = QUOTE_MAX - 3;
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

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static char lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static void trim(const char **s, size_t *n)
{
    const char *p = *s;
    size_t len = *n;
    while (len > 0 && is_space(p[0])) {
        p++;
        len--;
    }
    while (len > 0 && is_space(p[len - 1]))
        len--;
    *s = p;
    *n = len;
}

/* Case-insensitive comparison of a slice with a C string. */
static bool slice_ieq(const char *s, size_t n, const char *lit)
{
    size_t i = 0;
    for (; i < n; i++) {
        if (lit[i] == '\0' || lower(s[i]) != lower(lit[i]))
            return false;
    }
    return lit[i] == '\0';
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0)))
        q--;
    return q;
}

/* Reads exactly `count` digits at s[*i]; false if they are not all digits. */
static bool fixed_digits(const char *s, size_t n, size_t *i, int count, int *out)
{
    if (*i + (size_t)count > n)
        return false;
    int v = 0;
    for (int k = 0; k < count; k++) {
        char c = s[*i + (size_t)k];
        if (!is_digit(c))
            return false;
        v = v * 10 + (c - '0');
    }
    *i += (size_t)count;
    *out = v;
    return true;
}

/* Reads between 1 and max digits greedily (strptime-like %m, %d, %j...). */
static bool var_digits(const char *s, size_t n, size_t *i, int max, int *out)
{
    int v = 0, k = 0;
    while (k < max && *i < n && is_digit(s[*i])) {
        v = v * 10 + (s[*i] - '0');
        (*i)++;
        k++;
    }
    *out = v;
    return k > 0;
}

static const char *const unit_names[] = {"s", "ms", "us", "ns"};
static const int64_t unit_mult[] = {1, 1000, 1000000, 1000000000};
static const int unit_digits[] = {0, 3, 6, 9};

static bool unit_ok(af_time_unit u)
{
    return (int)u >= 0 && (int)u <= 3;
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
        if (!is_digit(s[i]))
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
    trim(&s, &n);
    quoted q;
    bool neg, ovf;
    uint64_t mag;
    if (!int_syntax(s, n, &neg, &mag, &ovf))
        return af_error_set(err, AF_EPARSE, "'%s' is not an integer", quote(&q, s, n));
    int64_t lo = bits == 64 ? INT64_MIN : -((int64_t)1 << (bits - 1));
    int64_t hi = bits == 64 ? INT64_MAX : ((int64_t)1 << (bits - 1)) - 1;
    /* The magnitude limit of the negative side is |lo| = hi + 1. */
    uint64_t limit = neg ? (uint64_t)hi + 1 : (uint64_t)hi;
    if (ovf || mag > limit)
        return af_error_set(err, AF_EOVERFLOW,
                            "'%s' is out of range for int%d (%" PRId64 "..%" PRId64 ")",
                            quote(&q, s, n), bits, lo, hi);
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
    if (i < n && !is_digit(s[i]) && s[i] != mark) {
        if (slice_ieq(s + i, n - i, "nan"))
            return FLT_SYNTAX_NAN;
        if (slice_ieq(s + i, n - i, "inf") || slice_ieq(s + i, n - i, "infinity"))
            return FLT_SYNTAX_INF;
        return FLT_SYNTAX_BAD;
    }
    size_t digits = 0;
    while (i < n && is_digit(s[i])) {
        i++;
        digits++;
    }
    if (i < n && s[i] == mark) {
        i++;
        while (i < n && is_digit(s[i])) {
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
        while (i < n && is_digit(s[i])) {
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
    trim(&s, &n);
    quoted q;
    const char *tname = want32 ? "float32" : "float64";
    int kind = float_syntax(s, n, mark);
    if (kind == FLT_SYNTAX_BAD)
        return af_error_set(err, AF_EPARSE, "'%s' is not a number (%s)", quote(&q, s, n), tname);
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
        return af_error_set(err, AF_EPARSE, "'%s' is not a number (%s)", quote(&q, s, n), tname);
    /* ERANGE also flags underflow, which is fine (a tiny value rounds to a
     * denormal or zero); only a finite text becoming infinite is an error. */
    if (isinf(v) || (e == ERANGE && fabs(v) > 1.0))
        return af_error_set(err, AF_EOVERFLOW, "'%s' is out of range for %s", quote(&q, s, n),
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
    trim(&s, &n);
    quoted q;
    size_t i = 0;
    bool neg = false;
    if (i < n && (s[i] == '+' || s[i] == '-')) {
        neg = s[i] == '-';
        i++;
    }
    size_t ip = i, ni = 0;
    while (i < n && is_digit(s[i])) {
        i++;
        ni++;
    }
    size_t fp = i, nf = 0;
    if (i < n && s[i] == mark) {
        i++;
        fp = i;
        while (i < n && is_digit(s[i])) {
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
        while (i < n && is_digit(s[i])) {
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
        return af_error_set(err, AF_EPARSE, "'%s' is not a decimal number", quote(&q, s, n));

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
                            quote(&q, s, n), precision, scale, scale);
    if (sig + shift > precision)
        return af_error_set(err, AF_EOVERFLOW,
                            "'%s' is out of range for decimal(%d,%d) (at most %d integer digits)",
                            quote(&q, s, n), precision, scale, precision - scale);
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
        if (tokens[i] && slice_ieq(s, n, tokens[i]))
            return true;
    return false;
}

int af_parse_bool(const char *s, size_t n, const af_parse_options *opts, bool *out, af_error *err)
{
    trim(&s, &n);
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
    quoted q;
    return af_error_set(err, AF_EPARSE, "'%s' is not a boolean", quote(&q, s, n));
}

/* ------------------------------------------------------------------------ */
/* Calendar                                                                  */
/* ------------------------------------------------------------------------ */

/* Howard Hinnant's days_from_civil / civil_from_days (proleptic Gregorian,
 * any sign of year). Intermediate values use 128 bits so no input is UB;
 * results are meaningful for |years| below ~2.5e16. */
int64_t af_days_from_civil(int64_t y, unsigned m, unsigned d)
{
    __int128 yy = (__int128)y - (m <= 2);
    __int128 era = (yy >= 0 ? yy : yy - 399) / 400;
    __int128 yoe = yy - era * 400;
    __int128 mp = m > 2 ? (__int128)m - 3 : (__int128)m + 9;
    __int128 doy = (153 * mp + 2) / 5 + (__int128)d - 1;
    __int128 doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    __int128 r = era * 146097 + doe - 719468;
    if (r > INT64_MAX)
        return INT64_MAX;
    if (r < INT64_MIN)
        return INT64_MIN;
    return (int64_t)r;
}

void af_civil_from_days(int64_t days, int64_t *y, unsigned *m, unsigned *d)
{
    __int128 z = (__int128)days + 719468;
    __int128 era = (z >= 0 ? z : z - 146096) / 146097;
    __int128 doe = z - era * 146097;
    __int128 yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    __int128 yy = yoe + era * 400;
    __int128 doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    __int128 mp = (5 * doy + 2) / 153;
    unsigned dd = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
    unsigned mm = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int64_t)(yy + (mm <= 2));
    *m = mm;
    *d = dd;
}

static bool is_leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int64_t y, int m)
{
    static const int dim[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : dim[m - 1];
}

static const char *const month_full[] = {"January",   "February", "March",    "April",
                                         "May",       "June",     "July",     "August",
                                         "September", "October",  "November", "December"};

/* Everything a date/time text may carry, before validation. */
typedef struct civil {
    int year, month, day, yday;
    bool has_year, has_month, has_day, has_yday, has_time;
    int hour, minute, second;
    const char *frac;
    size_t frac_len;
    bool has_offset;
    int32_t offset;
} civil;

static void civil_init(civil *c)
{
    memset(c, 0, sizeof *c);
    c->month = 1;
    c->day = 1;
}

/* Validates the calendar part and returns days since the epoch. */
static int civil_days(civil *c, const char *s, size_t n, int64_t *days, af_error *err)
{
    quoted q;
    if (!c->has_year)
        return af_error_set(err, AF_EPARSE, "'%s' has no year", quote(&q, s, n));
    if (c->has_yday) {
        int ylen = is_leap(c->year) ? 366 : 365;
        if (c->yday < 1 || c->yday > ylen)
            return af_error_set(err, AF_EPARSE,
                                "'%s' is not a valid date (day of year %d; %d has %d days)",
                                quote(&q, s, n), c->yday, c->year, ylen);
        int m = 1, d = c->yday;
        while (d > days_in_month(c->year, m)) {
            d -= days_in_month(c->year, m);
            m++;
        }
        if ((c->has_month && c->month != m) || (c->has_day && c->day != d))
            return af_error_set(err, AF_EPARSE,
                                "'%s' is not a valid date (day of year %d is %s %d)",
                                quote(&q, s, n), c->yday, month_full[m - 1], d);
        c->month = m;
        c->day = d;
    }
    if (c->month < 1 || c->month > 12)
        return af_error_set(err, AF_EPARSE, "'%s' is not a valid date (month %d does not exist)",
                            quote(&q, s, n), c->month);
    int dim = days_in_month(c->year, c->month);
    if (c->day < 1 || c->day > dim)
        return af_error_set(err, AF_EPARSE, "'%s' is not a valid date (%s %d has %d days)",
                            quote(&q, s, n), month_full[c->month - 1], c->year, dim);
    *days = af_days_from_civil(c->year, (unsigned)c->month, (unsigned)c->day);
    return AF_OK;
}

/* Validates the time-of-day part. `what` names the target type. */
static int civil_time_check(const civil *c, const char *s, size_t n, const char *what,
                            af_error *err)
{
    quoted q;
    if (c->second == 60)
        return af_error_set(err, AF_EPARSE,
                            "'%s' is a leap second (:60), which %s values cannot represent",
                            quote(&q, s, n), what);
    if (c->hour > 23 || c->minute > 59 || c->second > 59)
        return af_error_set(err, AF_EPARSE,
                            "'%s' is not a valid %s (hours 00-23, minutes and seconds 00-59)",
                            quote(&q, s, n), what);
    return AF_OK;
}

/* Fraction digits into `unit`; digits beyond the unit must be zeros. */
static bool frac_to_unit(const char *f, size_t len, af_time_unit unit, int64_t *out)
{
    int ud = unit_digits[unit];
    int64_t v = 0;
    for (size_t k = 0; k < len; k++) {
        if ((int)k < ud)
            v = v * 10 + (f[k] - '0');
        else if (f[k] != '0')
            return false;
    }
    for (size_t k = len; (int)k < ud; k++)
        v *= 10;
    *out = v;
    return true;
}

/* ------------------------------------------------------------------------ */
/* Syntax pieces: ISO-8601 and strptime-like formats                          */
/* ------------------------------------------------------------------------ */

/* "YYYY-MM-DD" (extended) at s[*i]. */
static bool iso_date_ext(const char *s, size_t n, size_t *i, civil *c)
{
    size_t p = *i;
    if (!fixed_digits(s, n, &p, 4, &c->year) || p >= n || s[p] != '-')
        return false;
    p++;
    if (!fixed_digits(s, n, &p, 2, &c->month) || p >= n || s[p] != '-')
        return false;
    p++;
    if (!fixed_digits(s, n, &p, 2, &c->day))
        return false;
    c->has_year = c->has_month = c->has_day = true;
    *i = p;
    return true;
}

/* "HH:MM[:SS[.f+]]" at s[*i]; ISO also allows ',' before the fraction. */
static bool iso_time(const char *s, size_t n, size_t *i, civil *c)
{
    size_t p = *i;
    if (!fixed_digits(s, n, &p, 2, &c->hour) || p >= n || s[p] != ':')
        return false;
    p++;
    if (!fixed_digits(s, n, &p, 2, &c->minute))
        return false;
    c->second = 0;
    c->frac = NULL;
    c->frac_len = 0;
    if (p < n && s[p] == ':') {
        p++;
        if (!fixed_digits(s, n, &p, 2, &c->second))
            return false;
        if (p < n && (s[p] == '.' || s[p] == ',')) {
            p++;
            size_t st = p;
            while (p < n && is_digit(s[p]))
                p++;
            if (p == st)
                return false;
            c->frac = s + st;
            c->frac_len = p - st;
        }
    }
    c->has_time = true;
    *i = p;
    return true;
}

/* "Z" | ±HH | ±HHMM | ±HH:MM at s[*i]. */
static bool parse_offset(const char *s, size_t n, size_t *i, int32_t *off)
{
    size_t p = *i;
    if (p < n && (s[p] == 'Z' || s[p] == 'z')) {
        *off = 0;
        *i = p + 1;
        return true;
    }
    if (p >= n || (s[p] != '+' && s[p] != '-'))
        return false;
    bool neg = s[p] == '-';
    p++;
    int hh, mm = 0;
    if (!fixed_digits(s, n, &p, 2, &hh))
        return false;
    if (p < n && s[p] == ':') {
        p++;
        if (!fixed_digits(s, n, &p, 2, &mm))
            return false;
    } else if (p + 1 < n && is_digit(s[p]) && is_digit(s[p + 1])) {
        if (!fixed_digits(s, n, &p, 2, &mm))
            return false;
    }
    if (hh > 23 || mm > 59)
        return false;
    *off = (int32_t)((hh * 60 + mm) * 60) * (neg ? -1 : 1);
    *i = p;
    return true;
}

static const char *const month_abbr[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                         "jul", "aug", "sep", "oct", "nov", "dec"};

/* English month name (full or 3-letter), case-insensitive. English on
 * purpose: locale-dependent names would make a pipeline's meaning depend on
 * the machine it runs on. */
static bool month_name(const char *s, size_t n, size_t *i, int *month)
{
    for (int m = 0; m < 12; m++) {
        size_t len = strlen(month_full[m]);
        if (*i + len <= n && slice_ieq(s + *i, len, month_full[m])) {
            *i += len;
            *month = m + 1;
            return true;
        }
    }
    for (int m = 0; m < 12; m++) {
        if (*i + 3 <= n && slice_ieq(s + *i, 3, month_abbr[m])) {
            *i += 3;
            *month = m + 1;
            return true;
        }
    }
    return false;
}

/* Matches the whole of s against a strptime-like format. Returns AF_OK,
 * AF_EPARSE (no match) or AF_EINVAL (the format itself is bad, with a
 * message). %Y takes exactly 4 digits (no 2-digit-year guessing); %m %d %H
 * %M %S take 1-2 digits, %j 1-3; a space in the format matches any run of
 * whitespace, including none. */
static int fmt_match(const char *fmt, const char *s, size_t n, civil *c, af_error *err)
{
    size_t i = 0;
    for (const char *f = fmt; *f; f++) {
        if (*f == '%') {
            f++;
            switch (*f) {
            case 'Y':
                if (!fixed_digits(s, n, &i, 4, &c->year))
                    return AF_EPARSE;
                c->has_year = true;
                break;
            case 'm':
                if (!var_digits(s, n, &i, 2, &c->month))
                    return AF_EPARSE;
                c->has_month = true;
                break;
            case 'd':
                if (!var_digits(s, n, &i, 2, &c->day))
                    return AF_EPARSE;
                c->has_day = true;
                break;
            case 'j':
                if (!var_digits(s, n, &i, 3, &c->yday))
                    return AF_EPARSE;
                c->has_yday = true;
                break;
            case 'b':
                if (!month_name(s, n, &i, &c->month))
                    return AF_EPARSE;
                c->has_month = true;
                break;
            case 'H':
                if (!var_digits(s, n, &i, 2, &c->hour))
                    return AF_EPARSE;
                c->has_time = true;
                break;
            case 'M':
                if (!var_digits(s, n, &i, 2, &c->minute))
                    return AF_EPARSE;
                c->has_time = true;
                break;
            case 'S':
                if (!var_digits(s, n, &i, 2, &c->second))
                    return AF_EPARSE;
                c->has_time = true;
                break;
            case 'f': {
                size_t st = i;
                while (i < n && is_digit(s[i]))
                    i++;
                if (i == st)
                    return AF_EPARSE;
                c->frac = s + st;
                c->frac_len = i - st;
                break;
            }
            case 'z':
                if (!parse_offset(s, n, &i, &c->offset))
                    return AF_EPARSE;
                c->has_offset = true;
                break;
            case '%':
                if (i >= n || s[i] != '%')
                    return AF_EPARSE;
                i++;
                break;
            default: {
                quoted q;
                return af_error_set(err, AF_EINVAL,
                                    "format '%s' uses %%%c, which is not supported (use %%Y %%m "
                                    "%%d %%H %%M %%S %%f %%z %%b %%j %%%%)",
                                    quote(&q, fmt, strlen(fmt)), *f ? *f : '?');
            }
            }
        } else if (is_space(*f)) {
            while (i < n && is_space(s[i]))
                i++;
        } else {
            if (i >= n || lower(s[i]) != lower(*f))
                return AF_EPARSE;
            i++;
        }
    }
    return i == n ? AF_OK : AF_EPARSE;
}

/* ------------------------------------------------------------------------ */
/* Dates and times                                                           */
/* ------------------------------------------------------------------------ */

/* A date is the calendar day as written: an offset matched by %z does not
 * move it (no UTC conversion for a day without a time). A time of day other
 * than midnight would be dropped, so it is an error. */
static int date_from_civil(civil *c, const char *s, size_t n, int32_t *out, af_error *err)
{
    int64_t days;
    int rc = civil_days(c, s, n, &days, err);
    if (rc)
        return rc;
    bool has_frac = false;
    for (size_t k = 0; k < c->frac_len; k++)
        has_frac |= c->frac[k] != '0';
    if (c->hour || c->minute || c->second || has_frac) {
        quoted q;
        return af_error_set(err, AF_EPARSE,
                            "'%s' has a time of day; a date column cannot hold it without "
                            "losing it (use a timestamp type)",
                            quote(&q, s, n));
    }
    *out = (int32_t)days; /* 4-digit years always fit */
    return AF_OK;
}

int af_parse_date(const char *s, size_t n, const af_parse_options *opts, int32_t *out,
                  af_error *err)
{
    trim(&s, &n);
    quoted q;
    af_error first;
    first.code = AF_OK;
    first.msg[0] = '\0';
    if (opts && opts->n_date_formats > 0) {
        size_t count =
            opts->n_date_formats > AF_MAX_FORMATS ? AF_MAX_FORMATS : opts->n_date_formats;
        for (size_t k = 0; k < count; k++) {
            if (!opts->date_formats[k])
                continue;
            civil c;
            civil_init(&c);
            af_error e;
            int rc = fmt_match(opts->date_formats[k], s, n, &c, &e);
            if (rc == AF_EINVAL) {
                if (err)
                    *err = e;
                return rc;
            }
            if (rc != AF_OK)
                continue;
            rc = date_from_civil(&c, s, n, out, &e);
            if (rc == AF_OK)
                return AF_OK;
            if (first.code == AF_OK)
                first = e;
        }
    }
    civil c;
    civil_init(&c);
    size_t i = 0;
    bool iso = iso_date_ext(s, n, &i, &c) && i == n;
    if (!iso && n == 8) {
        i = 0;
        civil_init(&c);
        iso = fixed_digits(s, n, &i, 4, &c.year) && fixed_digits(s, n, &i, 2, &c.month) &&
              fixed_digits(s, n, &i, 2, &c.day);
        c.has_year = c.has_month = c.has_day = true;
    }
    if (iso)
        return date_from_civil(&c, s, n, out, err);
    if (first.code != AF_OK) {
        if (err)
            *err = first;
        return first.code;
    }
    return af_error_set(err, AF_EPARSE, "'%s' is not a date (expected YYYY-MM-DD%s)",
                        quote(&q, s, n),
                        opts && opts->n_date_formats ? " or a configured format" : "");
}

int af_parse_time(const char *s, size_t n, af_time_unit unit, int64_t *out, af_error *err)
{
    if (!unit_ok(unit))
        return af_error_set(err, AF_EINVAL, "invalid time unit %d", (int)unit);
    trim(&s, &n);
    quoted q;
    civil c;
    civil_init(&c);
    size_t i = 0;
    if (!iso_time(s, n, &i, &c) || i != n)
        return af_error_set(err, AF_EPARSE, "'%s' is not a time (expected HH:MM[:SS[.f]])",
                            quote(&q, s, n));
    int rc = civil_time_check(&c, s, n, "time", err);
    if (rc)
        return rc;
    int64_t frac;
    if (!frac_to_unit(c.frac, c.frac_len, unit, &frac))
        return af_error_set(err, AF_EOVERFLOW,
                            "'%s' has more fractional digits than time[%s] holds (%d)",
                            quote(&q, s, n), unit_names[unit], unit_digits[unit]);
    int64_t secs = (int64_t)c.hour * 3600 + c.minute * 60 + c.second;
    *out = secs * unit_mult[unit] + frac;
    return AF_OK;
}

/* ------------------------------------------------------------------------ */
/* Time zones                                                                */
/* ------------------------------------------------------------------------ */

/* A POSIX TZ transition rule (the TZif footer), e.g. "M3.5.0/2". */
typedef struct tz_rule {
    char kind; /* 'J' (1..365, no Feb 29), 'N' (0..365), 'M' (month.week.weekday) */
    int a, b, c;
    int32_t time; /* seconds after local midnight; may be negative or > 24h */
} tz_rule;

typedef struct tz_zone {
    struct tz_zone *next;
    char *name;
    int64_t *trans;
    uint8_t *idx;
    size_t ntrans;
    int32_t *utoff;
    size_t ntypes;
    bool has_footer; /* footer rule applies after the last transition */
    int32_t std_off, dst_off;
    bool has_dst;
    tz_rule start, end;
} tz_zone;

static pthread_mutex_t tz_lock = PTHREAD_MUTEX_INITIALIZER;
static tz_zone *tz_cache;

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const uint8_t *p)
{
    return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

/* POSIX TZ string pieces. All readers are bounded by n. */
static bool posix_name(const char *s, size_t n, size_t *i)
{
    size_t p = *i;
    if (p < n && s[p] == '<') {
        while (p < n && s[p] != '>')
            p++;
        if (p >= n)
            return false;
        *i = p + 1;
        return true;
    }
    size_t st = p;
    while (p < n && ((s[p] >= 'a' && s[p] <= 'z') || (s[p] >= 'A' && s[p] <= 'Z')))
        p++;
    if (p - st < 3)
        return false;
    *i = p;
    return true;
}

/* [+-]h[h[h]][:mm[:ss]] in seconds. */
static bool posix_hms(const char *s, size_t n, size_t *i, int32_t *out)
{
    size_t p = *i;
    bool neg = false;
    if (p < n && (s[p] == '+' || s[p] == '-')) {
        neg = s[p] == '-';
        p++;
    }
    int h, m = 0, sec = 0;
    if (!var_digits(s, n, &p, 3, &h) || h > 167)
        return false;
    if (p < n && s[p] == ':') {
        p++;
        if (!var_digits(s, n, &p, 2, &m) || m > 59)
            return false;
        if (p < n && s[p] == ':') {
            p++;
            if (!var_digits(s, n, &p, 2, &sec) || sec > 59)
                return false;
        }
    }
    *out = (int32_t)(h * 3600 + m * 60 + sec) * (neg ? -1 : 1);
    *i = p;
    return true;
}

static bool posix_rule(const char *s, size_t n, size_t *i, tz_rule *r)
{
    size_t p = *i;
    if (p < n && s[p] == 'J') {
        p++;
        r->kind = 'J';
        if (!var_digits(s, n, &p, 3, &r->a) || r->a < 1 || r->a > 365)
            return false;
    } else if (p < n && s[p] == 'M') {
        p++;
        r->kind = 'M';
        if (!var_digits(s, n, &p, 2, &r->a) || r->a < 1 || r->a > 12 || p >= n || s[p] != '.')
            return false;
        p++;
        if (!var_digits(s, n, &p, 1, &r->b) || r->b < 1 || r->b > 5 || p >= n || s[p] != '.')
            return false;
        p++;
        if (!var_digits(s, n, &p, 1, &r->c) || r->c > 6)
            return false;
    } else {
        r->kind = 'N';
        if (!var_digits(s, n, &p, 3, &r->a) || r->a > 365)
            return false;
    }
    r->time = 7200;
    if (p < n && s[p] == '/') {
        p++;
        if (!posix_hms(s, n, &p, &r->time))
            return false;
    }
    *i = p;
    return true;
}

/* Parses "STDoff[DST[off][,start[/t],end[/t]]]". */
static bool posix_tz(const char *s, size_t n, tz_zone *z)
{
    size_t i = 0;
    int32_t off;
    if (!posix_name(s, n, &i) || !posix_hms(s, n, &i, &off))
        return false;
    z->std_off = -off; /* POSIX offsets are west-positive */
    z->has_dst = false;
    if (i == n)
        return true;
    if (!posix_name(s, n, &i))
        return false;
    z->dst_off = z->std_off + 3600;
    if (i < n && s[i] != ',') {
        if (!posix_hms(s, n, &i, &off))
            return false;
        z->dst_off = -off;
    }
    if (i == n)
        return true; /* DST name without rules: no usable rule, treat as standard */
    if (s[i] != ',')
        return false;
    i++;
    if (!posix_rule(s, n, &i, &z->start) || i >= n || s[i] != ',')
        return false;
    i++;
    if (!posix_rule(s, n, &i, &z->end) || i != n)
        return false;
    z->has_dst = true;
    return true;
}

/* Local day (days since epoch) on which rule r falls in year y. */
static int64_t rule_day(const tz_rule *r, int64_t y)
{
    int64_t jan1 = af_days_from_civil(y, 1, 1);
    if (r->kind == 'J')
        return jan1 + r->a - 1 + (is_leap(y) && r->a >= 60 ? 1 : 0);
    if (r->kind == 'N')
        return jan1 + r->a;
    int64_t first = af_days_from_civil(y, (unsigned)r->a, 1);
    int64_t wd = ((first + 4) % 7 + 7) % 7; /* 1970-01-01 was a Thursday (4) */
    int64_t day = first + ((r->c - wd + 7) % 7) + 7 * (r->b - 1);
    int dim = days_in_month(y, r->a);
    while (day >= first + dim)
        day -= 7;
    return day;
}

static int32_t rule_offset(const tz_zone *z, int64_t t)
{
    if (!z->has_dst)
        return z->std_off;
    /* Far outside any real data the year arithmetic below could overflow;
     * clamping keeps it defined (the rule is periodic anyway). */
    if (t > (int64_t)1e15)
        t = (int64_t)1e15;
    if (t < -(int64_t)1e15)
        t = -(int64_t)1e15;
    int64_t y;
    unsigned m, d;
    af_civil_from_days(floor_div(t + z->std_off, 86400), &y, &m, &d);
    int64_t start = rule_day(&z->start, y) * 86400 + z->start.time - z->std_off;
    int64_t end = rule_day(&z->end, y) * 86400 + z->end.time - z->dst_off;
    bool dst = start < end ? (t >= start && t < end) : !(t >= end && t < start);
    return dst ? z->dst_off : z->std_off;
}

static int32_t zone_offset(const tz_zone *z, int64_t t)
{
    if (z->ntrans == 0 || t >= z->trans[z->ntrans - 1]) {
        if (z->has_footer)
            return rule_offset(z, t);
        return z->ntrans == 0 ? z->utoff[0] : z->utoff[z->idx[z->ntrans - 1]];
    }
    if (t < z->trans[0])
        return z->utoff[0];            /* RFC 8536: type 0 applies before the first transition */
    size_t lo = 0, hi = z->ntrans - 1; /* trans[lo] <= t < trans[hi] */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (z->trans[mid] <= t)
            lo = mid;
        else
            hi = mid;
    }
    return z->utoff[z->idx[lo]];
}

static void zone_free(tz_zone *z)
{
    if (!z)
        return;
    free(z->name);
    free(z->trans);
    free(z->idx);
    free(z->utoff);
    free(z);
}

/* Parses a TZif file (RFC 8536): the 64-bit v2+ block when present, else
 * the v1 block, plus the footer rule. Every count is bounds-checked. */
static bool tzif_parse(const uint8_t *d, size_t n, tz_zone *z)
{
    if (n < 44 || memcmp(d, "TZif", 4) != 0)
        return false;
    int version = d[4] == 0 ? 1 : d[4] - '0';
    size_t pos = 0;
    int tsize = 4;
    if (version >= 2) {
        /* Skip the v1 header + block to reach the 64-bit copy. */
        uint32_t isut = be32(d + 20), isstd = be32(d + 24), leap = be32(d + 28),
                 timecnt = be32(d + 32), typecnt = be32(d + 36), charcnt = be32(d + 40);
        uint64_t skip = (uint64_t)timecnt * 5 + (uint64_t)typecnt * 6 + charcnt +
                        (uint64_t)leap * 8 + isstd + isut;
        if (skip > n - 44)
            return false;
        pos = 44 + (size_t)skip;
        tsize = 8;
        if (n - pos < 44 || memcmp(d + pos, "TZif", 4) != 0)
            return false;
    }
    const uint8_t *h = d + pos;
    uint32_t isut = be32(h + 20), isstd = be32(h + 24), leap = be32(h + 28), timecnt = be32(h + 32),
             typecnt = be32(h + 36), charcnt = be32(h + 40);
    if (typecnt == 0 || typecnt > 256 || timecnt > 1000000 || charcnt > 1000000 || leap > 1000000 ||
        isut > 256 || isstd > 256)
        return false;
    pos += 44;
    uint64_t need = (uint64_t)timecnt * (uint64_t)(tsize + 1) + (uint64_t)typecnt * 6 + charcnt +
                    (uint64_t)leap * (uint64_t)(tsize + 4) + isstd + isut;
    if (need > n - pos)
        return false;
    z->ntrans = timecnt;
    z->ntypes = typecnt;
    z->trans = malloc(sizeof *z->trans * (timecnt ? timecnt : 1));
    z->idx = malloc(timecnt ? timecnt : 1);
    z->utoff = malloc(sizeof *z->utoff * typecnt);
    if (!z->trans || !z->idx || !z->utoff)
        return false;
    const uint8_t *p = d + pos;
    for (uint32_t k = 0; k < timecnt; k++) {
        z->trans[k] = tsize == 8 ? be64(p) : (int64_t)(int32_t)be32(p);
        p += tsize;
        if (k > 0 && z->trans[k] <= z->trans[k - 1])
            return false;
    }
    for (uint32_t k = 0; k < timecnt; k++) {
        z->idx[k] = *p++;
        if (z->idx[k] >= typecnt)
            return false;
    }
    for (uint32_t k = 0; k < typecnt; k++) {
        int32_t off = (int32_t)be32(p);
        if (off <= -89992 || off >= 93600) /* RFC 8536 bounds: within 26 hours */
            return false;
        z->utoff[k] = off;
        p += 6;
    }
    p += charcnt + (size_t)leap * (size_t)(tsize + 4) + isstd + isut;
    z->has_footer = false;
    if (version >= 2) {
        size_t rest = (size_t)(d + n - p);
        if (rest >= 2 && p[0] == '\n') {
            const uint8_t *nl = memchr(p + 1, '\n', rest - 1);
            if (nl && nl > p + 1)
                z->has_footer = posix_tz((const char *)p + 1, (size_t)(nl - p - 1), z);
        }
    }
    return true;
}

/* IANA names are path components under the zoneinfo directory: restrict the
 * alphabet and forbid "." / ".." components so a configured time zone can
 * never name an arbitrary file. */
static bool tz_name_ok(const char *name)
{
    size_t len = strlen(name);
    if (len == 0 || len > 200 || name[0] == '/')
        return false;
    const char *comp = name;
    for (size_t k = 0; k <= len; k++) {
        char ch = name[k];
        if (ch == '/' || ch == '\0') {
            size_t cl = (size_t)(name + k - comp);
            if (cl == 0 || (cl == 1 && comp[0] == '.') ||
                (cl == 2 && comp[0] == '.' && comp[1] == '.'))
                return false;
            comp = name + k + 1;
            continue;
        }
        bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || is_digit(ch) ||
                  ch == '_' || ch == '-' || ch == '+' || ch == '.';
        if (!ok)
            return false;
    }
    return true;
}

static int zone_load(const char *name, tz_zone **out, af_error *err)
{
    const char *dir = getenv("TZDIR");
    if (!dir || !*dir)
        dir = "/usr/share/zoneinfo";
    char path[512];
    int len = snprintf(path, sizeof path, "%s/%s", dir, name);
    if (len < 0 || (size_t)len >= sizeof path)
        return af_error_set(err, AF_EINVAL, "time zone name '%s' is too long", name);
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return af_error_set(err, AF_ENOTFOUND,
                            "unknown time zone '%s' (no tzdata file %s; is the tzdata "
                            "package installed?)",
                            name, path);
    /* Real TZif files are a few KiB; the cap bounds memory on a bad path. */
    size_t cap = 1u << 20, n = 0;
    uint8_t *data = malloc(cap);
    if (!data) {
        fclose(fp);
        return af_error_set(err, AF_ENOMEM, "out of memory loading time zone '%s'", name);
    }
    size_t got;
    while (n < cap && (got = fread(data + n, 1, cap - n, fp)) > 0)
        n += got;
    bool ioerr = ferror(fp) != 0;
    fclose(fp);
    if (ioerr) {
        free(data);
        return af_error_set(err, AF_EIO, "cannot read time zone file %s", path);
    }
    tz_zone *z = calloc(1, sizeof *z);
    if (!z) {
        free(data);
        return af_error_set(err, AF_ENOMEM, "out of memory loading time zone '%s'", name);
    }
    bool ok = tzif_parse(data, n, z);
    free(data);
    if (!ok) {
        zone_free(z);
        return af_error_set(err, AF_EPARSE, "time zone file %s is not a valid TZif file", path);
    }
    z->name = af_strdup(name);
    if (!z->name) {
        zone_free(z);
        return af_error_set(err, AF_ENOMEM, "out of memory loading time zone '%s'", name);
    }
    *out = z;
    return AF_OK;
}

/* Zones are immutable once cached, so callers use them without the lock. */
static int zone_get(const char *name, const tz_zone **out, af_error *err)
{
    if (!tz_name_ok(name)) {
        quoted q;
        return af_error_set(err, AF_EINVAL,
                            "'%s' is not a time zone (expected UTC, +HH:MM or an IANA name "
                            "like Europe/Paris)",
                            quote(&q, name, strlen(name)));
    }
    pthread_mutex_lock(&tz_lock);
    for (tz_zone *z = tz_cache; z; z = z->next) {
        if (strcmp(z->name, name) == 0) {
            pthread_mutex_unlock(&tz_lock);
            *out = z;
            return AF_OK;
        }
    }
    tz_zone *z = NULL;
    int rc = zone_load(name, &z, err);
    if (rc == AF_OK) {
        z->next = tz_cache;
        tz_cache = z;
        *out = z;
    }
    pthread_mutex_unlock(&tz_lock);
    return rc;
}

/* A resolved time zone: a fixed offset or a cached zone. */
typedef struct tz_handle {
    const tz_zone *zone; /* NULL = fixed */
    int32_t fixed;
} tz_handle;

static int tz_resolve(const char *tz, tz_handle *h, af_error *err)
{
    h->zone = NULL;
    h->fixed = 0;
    if (!tz)
        return AF_OK;
    size_t len = strlen(tz);
    if (slice_ieq(tz, len, "UTC") || slice_ieq(tz, len, "Z") || slice_ieq(tz, len, "GMT"))
        return AF_OK;
    if (tz[0] == '+' || tz[0] == '-') {
        size_t i = 0;
        if (parse_offset(tz, len, &i, &h->fixed) && i == len)
            return AF_OK;
        quoted q;
        return af_error_set(err, AF_EINVAL,
                            "'%s' is not a valid UTC offset (expected +HH:MM, +HHMM or +HH)",
                            quote(&q, tz, len));
    }
    return zone_get(tz, &h->zone, err);
}

static int32_t tz_handle_offset(const tz_handle *h, int64_t utc)
{
    return h->zone ? zone_offset(h->zone, utc) : h->fixed;
}

/* Local wall-clock seconds to UTC seconds.
 * Ambiguous times (a fall-back hour that happens twice) take the earlier
 * instant, i.e. the offset in force before the transition. Times in a gap
 * (a spring-forward hour that never happens, e.g. 02:30 in Europe/Paris on
 * 2024-03-31) also use the offset in force before the transition, so 02:30
 * becomes 01:30 UTC = 03:30 CEST: the clock reading is shifted forward by
 * the gap length, as PostgreSQL and Python (fold=0) do. */
static int64_t tz_local_to_utc(const tz_handle *h, int64_t local)
{
    if (!h->zone)
        return local - h->fixed;
    int32_t before = zone_offset(h->zone, local - 86400 - 86400);
    int32_t after = zone_offset(h->zone, local + 86400 + 86400);
    int64_t u1 = local - before, u2 = local - after;
    bool ok1 = zone_offset(h->zone, u1) == before;
    bool ok2 = zone_offset(h->zone, u2) == after;
    if (ok1 && ok2)
        return u1 < u2 ? u1 : u2;
    if (ok1)
        return u1;
    if (ok2)
        return u2;
    return u1; /* gap: offset before the transition */
}

int af_tz_offset(const char *tz, int64_t utc_seconds, int32_t *offset_seconds, af_error *err)
{
    tz_handle h;
    int rc = tz_resolve(tz, &h, err);
    if (rc)
        return rc;
    *offset_seconds = tz_handle_offset(&h, utc_seconds);
    return AF_OK;
}

/* ------------------------------------------------------------------------ */
/* Timestamps                                                                */
/* ------------------------------------------------------------------------ */

static int timestamp_from_civil(civil *c, const char *s, size_t n, const af_parse_options *opts,
                                af_time_unit unit, const char *tz, int64_t *out, af_error *err)
{
    quoted q;
    char tname[40];
    snprintf(tname, sizeof tname, "timestamp[%s%s%s]", unit_names[unit], tz ? ", " : "",
             tz ? "zoned" : "");
    int64_t days;
    int rc = civil_days(c, s, n, &days, err);
    if (rc)
        return rc;
    rc = civil_time_check(c, s, n, "timestamp", err);
    if (rc)
        return rc;
    int64_t frac;
    if (!frac_to_unit(c->frac, c->frac_len, unit, &frac))
        return af_error_set(err, AF_EOVERFLOW, "'%s' has more fractional digits than %s holds (%d)",
                            quote(&q, s, n), tname, unit_digits[unit]);
    int64_t secs = days * 86400 + (int64_t)c->hour * 3600 + c->minute * 60 + c->second;
    if (c->has_offset) {
        secs -= c->offset;
    } else if (tz) {
        tz_handle h;
        rc = tz_resolve(opts ? opts->default_timezone : NULL, &h, err);
        if (rc)
            return rc;
        secs = tz_local_to_utc(&h, secs);
    }
    /* 128-bit so the lowest instant (seconds * 10^9 below INT64_MIN, then a
     * positive fraction bringing it back in range) is exact. */
    __int128 v = (__int128)secs * unit_mult[unit] + frac;
    if (v > INT64_MAX || v < INT64_MIN)
        return af_error_set(err, AF_EOVERFLOW, "'%s' is out of range for %s", quote(&q, s, n),
                            tname);
    *out = (int64_t)v;
    return AF_OK;
}

int af_parse_timestamp(const char *s, size_t n, const af_parse_options *opts, af_time_unit unit,
                       const char *tz, int64_t *out, af_error *err)
{
    if (!unit_ok(unit))
        return af_error_set(err, AF_EINVAL, "invalid time unit %d", (int)unit);
    trim(&s, &n);
    quoted q;
    af_error first;
    first.code = AF_OK;
    first.msg[0] = '\0';
    /* Configured timestamp formats first, then ISO, then configured date
     * formats (a date alone is midnight). */
    for (int pass = 0; pass < 2; pass++) {
        const char *const *fmts = NULL;
        size_t count = 0;
        if (opts && pass == 0) {
            fmts = opts->timestamp_formats;
            count = opts->n_timestamp_formats;
        } else if (opts && pass == 1) {
            fmts = opts->date_formats;
            count = opts->n_date_formats;
        }
        if (count > AF_MAX_FORMATS)
            count = AF_MAX_FORMATS;
        for (size_t k = 0; k < count; k++) {
            if (!fmts[k])
                continue;
            civil c;
            civil_init(&c);
            af_error e;
            int rc = fmt_match(fmts[k], s, n, &c, &e);
            if (rc == AF_EINVAL) {
                if (err)
                    *err = e;
                return rc;
            }
            if (rc != AF_OK)
                continue;
            rc = timestamp_from_civil(&c, s, n, opts, unit, tz, out, &e);
            if (rc == AF_OK)
                return AF_OK;
            if (first.code == AF_OK)
                first = e;
        }
        if (pass == 0) {
            /* ISO: date [(T|t|space) time] [offset]; the offset may follow a
             * space ("... 12:00:00 +02:00") or be spelled " UTC". */
            civil c;
            civil_init(&c);
            size_t i = 0;
            bool ok = iso_date_ext(s, n, &i, &c);
            if (ok && i < n) {
                if (s[i] == 'T' || s[i] == 't' || s[i] == ' ') {
                    i++;
                    ok = iso_time(s, n, &i, &c);
                } else {
                    ok = false;
                }
                if (ok && i < n) {
                    size_t j = i;
                    if (s[j] == ' ')
                        j++;
                    if (n - j == 3 && slice_ieq(s + j, 3, "UTC")) {
                        c.has_offset = true;
                        c.offset = 0;
                        i = n;
                    } else if (parse_offset(s, n, &j, &c.offset)) {
                        c.has_offset = true;
                        i = j;
                    } else {
                        ok = false;
                    }
                }
            }
            if (ok && i == n)
                return timestamp_from_civil(&c, s, n, opts, unit, tz, out, err);
        }
    }
    if (first.code != AF_OK) {
        if (err)
            *err = first;
        return first.code;
    }
    return af_error_set(err, AF_EPARSE,
                        "'%s' is not a timestamp (expected "
                        "YYYY-MM-DD[(T| )HH:MM[:SS[.f]]][Z|+HH:MM]%s)",
                        quote(&q, s, n),
                        opts && (opts->n_timestamp_formats || opts->n_date_formats)
                            ? " or a configured format"
                            : "");
}

/* ------------------------------------------------------------------------ */
/* UUID                                                                      */
/* ------------------------------------------------------------------------ */

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = lower(c);
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

int af_parse_uuid(const char *s, size_t n, uint8_t out[16], af_error *err)
{
    trim(&s, &n);
    quoted q;
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
                        quote(&q, s, n));
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
    quoted q;
    const char *name = a->field->name ? a->field->name : "?";
    if (rc == AF_ENOMEM)
        return af_error_set(err, rc, "out of memory appending to column '%s'", name);
    return af_error_set(err, rc, "cannot append '%s' to column '%s' (%s)", quote(&q, s, n), name,
                        af_strerror(rc));
}

int af_array_append_text(af_array *a, const char *s, size_t n, const af_parse_options *opts,
                         af_error *err)
{
    if (!a || !a->field)
        return af_error_set(err, AF_EINTERNAL, "af_array_append_text: array has no field");
    const af_type *t = &a->field->type;
    char mark = opts ? opts->decimal_mark : '.';
    quoted q;
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
                                quote(&q, s, n), t->id == AF_TYPE_JSON ? "json" : "string");
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
                            quote(&q, s, n));
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
