/* values_internal.h - text-scanning helpers shared by the value parsers
 * (values.c, values_time.c, tz.c); not part of the engine's API.
 */
#ifndef AF_VALUES_INTERNAL_H
#define AF_VALUES_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Quoted input is cut to this many bytes so one huge field cannot flood a
 * log line; the error buffer itself is 1 KiB. */
#define AF_QUOTE_MAX 64

typedef struct af_quoted {
    char s[AF_QUOTE_MAX + 8];
} af_quoted;

/* Bounded, single-line copy of the input for messages: control bytes become
 * '?' (a CR or NUL inside a message would corrupt log lines) and a long text
 * ends with "..." cut on a UTF-8 character boundary. */
const char *af_quote(af_quoted *q, const char *s, size_t n);

static inline bool af_is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static inline bool af_is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static inline char af_lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static inline void af_trim(const char **s, size_t *n)
{
    const char *p = *s;
    size_t len = *n;
    while (len > 0 && af_is_space(p[0])) {
        p++;
        len--;
    }
    while (len > 0 && af_is_space(p[len - 1]))
        len--;
    *s = p;
    *n = len;
}

/* Case-insensitive comparison of a slice with a C string. */
static inline bool af_slice_ieq(const char *s, size_t n, const char *lit)
{
    size_t i = 0;
    for (; i < n; i++) {
        if (lit[i] == '\0' || af_lower(s[i]) != af_lower(lit[i]))
            return false;
    }
    return lit[i] == '\0';
}

/* Reads exactly `count` digits at s[*i]; false if they are not all digits. */
static inline bool af_fixed_digits(const char *s, size_t n, size_t *i, int count, int *out)
{
    if (*i + (size_t)count > n)
        return false;
    int v = 0;
    for (int k = 0; k < count; k++) {
        char c = s[*i + (size_t)k];
        if (!af_is_digit(c))
            return false;
        v = v * 10 + (c - '0');
    }
    *i += (size_t)count;
    *out = v;
    return true;
}

/* Reads between 1 and max digits greedily (strptime-like %m, %d, %j...). */
static inline bool af_var_digits(const char *s, size_t n, size_t *i, int max, int *out)
{
    int v = 0, k = 0;
    while (k < max && *i < n && af_is_digit(s[*i])) {
        v = v * 10 + (s[*i] - '0');
        (*i)++;
        k++;
    }
    *out = v;
    return k > 0;
}

/* Proleptic Gregorian calendar (values_time.c, tz.c). */
static inline bool af_is_leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static inline int af_days_in_month(int64_t y, int m)
{
    static const int dim[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && af_is_leap(y) ? 29 : dim[m - 1];
}

/* "Z" | ±HH | ±HHMM | ±HH:MM at s[*i] into seconds east of UTC (values_time.c). */
bool af_parse_utc_offset(const char *s, size_t n, size_t *i, int32_t *off);

#endif
