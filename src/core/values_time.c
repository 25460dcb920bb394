/* values_time.c - dates, times of day and timestamps from text (contract in
 * values.h): ISO-8601 and strptime-like formats, calendar checks, and the
 * conversion of local wall-clock text to UTC through tz.c.
 */
#include "core/values.h"

#include "core/tz.h"
#include "core/values_internal.h"

#include <stdio.h>
#include <string.h>

static const char *const unit_names[] = {"s", "ms", "us", "ns"};
static const int64_t unit_mult[] = {1, 1000, 1000000, 1000000000};
static const int unit_digits[] = {0, 3, 6, 9};

static bool unit_ok(af_time_unit u)
{
    return (int)u >= 0 && (int)u <= 3;
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
    af_quoted q;
    if (!c->has_year)
        return af_error_set(err, AF_EPARSE, "'%s' has no year", af_quote(&q, s, n));
    if (c->has_yday) {
        int ylen = af_is_leap(c->year) ? 366 : 365;
        if (c->yday < 1 || c->yday > ylen)
            return af_error_set(err, AF_EPARSE,
                                "'%s' is not a valid date (day of year %d; %d has %d days)",
                                af_quote(&q, s, n), c->yday, c->year, ylen);
        int m = 1, d = c->yday;
        while (d > af_days_in_month(c->year, m)) {
            d -= af_days_in_month(c->year, m);
            m++;
        }
        if ((c->has_month && c->month != m) || (c->has_day && c->day != d))
            return af_error_set(err, AF_EPARSE,
                                "'%s' is not a valid date (day of year %d is %s %d)",
                                af_quote(&q, s, n), c->yday, month_full[m - 1], d);
        c->month = m;
        c->day = d;
    }
    if (c->month < 1 || c->month > 12)
        return af_error_set(err, AF_EPARSE, "'%s' is not a valid date (month %d does not exist)",
                            af_quote(&q, s, n), c->month);
    int dim = af_days_in_month(c->year, c->month);
    if (c->day < 1 || c->day > dim)
        return af_error_set(err, AF_EPARSE, "'%s' is not a valid date (%s %d has %d days)",
                            af_quote(&q, s, n), month_full[c->month - 1], c->year, dim);
    *days = af_days_from_civil(c->year, (unsigned)c->month, (unsigned)c->day);
    return AF_OK;
}

/* Validates the time-of-day part. `what` names the target type. */
static int civil_time_check(const civil *c, const char *s, size_t n, const char *what,
                            af_error *err)
{
    af_quoted q;
    if (c->second == 60)
        return af_error_set(err, AF_EPARSE,
                            "'%s' is a leap second (:60), which %s values cannot represent",
                            af_quote(&q, s, n), what);
    if (c->hour > 23 || c->minute > 59 || c->second > 59)
        return af_error_set(err, AF_EPARSE,
                            "'%s' is not a valid %s (hours 00-23, minutes and seconds 00-59)",
                            af_quote(&q, s, n), what);
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
    if (!af_fixed_digits(s, n, &p, 4, &c->year) || p >= n || s[p] != '-')
        return false;
    p++;
    if (!af_fixed_digits(s, n, &p, 2, &c->month) || p >= n || s[p] != '-')
        return false;
    p++;
    if (!af_fixed_digits(s, n, &p, 2, &c->day))
        return false;
    c->has_year = c->has_month = c->has_day = true;
    *i = p;
    return true;
}

/* "HH:MM[:SS[.f+]]" at s[*i]; ISO also allows ',' before the fraction. */
static bool iso_time(const char *s, size_t n, size_t *i, civil *c)
{
    size_t p = *i;
    if (!af_fixed_digits(s, n, &p, 2, &c->hour) || p >= n || s[p] != ':')
        return false;
    p++;
    if (!af_fixed_digits(s, n, &p, 2, &c->minute))
        return false;
    c->second = 0;
    c->frac = NULL;
    c->frac_len = 0;
    if (p < n && s[p] == ':') {
        p++;
        if (!af_fixed_digits(s, n, &p, 2, &c->second))
            return false;
        if (p < n && (s[p] == '.' || s[p] == ',')) {
            p++;
            size_t st = p;
            while (p < n && af_is_digit(s[p]))
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
bool af_parse_utc_offset(const char *s, size_t n, size_t *i, int32_t *off)
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
    if (!af_fixed_digits(s, n, &p, 2, &hh))
        return false;
    if (p < n && s[p] == ':') {
        p++;
        if (!af_fixed_digits(s, n, &p, 2, &mm))
            return false;
    } else if (p + 1 < n && af_is_digit(s[p]) && af_is_digit(s[p + 1])) {
        if (!af_fixed_digits(s, n, &p, 2, &mm))
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
        if (*i + len <= n && af_slice_ieq(s + *i, len, month_full[m])) {
            *i += len;
            *month = m + 1;
            return true;
        }
    }
    for (int m = 0; m < 12; m++) {
        if (*i + 3 <= n && af_slice_ieq(s + *i, 3, month_abbr[m])) {
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
                if (!af_fixed_digits(s, n, &i, 4, &c->year))
                    return AF_EPARSE;
                c->has_year = true;
                break;
            case 'm':
                if (!af_var_digits(s, n, &i, 2, &c->month))
                    return AF_EPARSE;
                c->has_month = true;
                break;
            case 'd':
                if (!af_var_digits(s, n, &i, 2, &c->day))
                    return AF_EPARSE;
                c->has_day = true;
                break;
            case 'j':
                if (!af_var_digits(s, n, &i, 3, &c->yday))
                    return AF_EPARSE;
                c->has_yday = true;
                break;
            case 'b':
                if (!month_name(s, n, &i, &c->month))
                    return AF_EPARSE;
                c->has_month = true;
                break;
            case 'H':
                if (!af_var_digits(s, n, &i, 2, &c->hour))
                    return AF_EPARSE;
                c->has_time = true;
                break;
            case 'M':
                if (!af_var_digits(s, n, &i, 2, &c->minute))
                    return AF_EPARSE;
                c->has_time = true;
                break;
            case 'S':
                if (!af_var_digits(s, n, &i, 2, &c->second))
                    return AF_EPARSE;
                c->has_time = true;
                break;
            case 'f': {
                size_t st = i;
                while (i < n && af_is_digit(s[i]))
                    i++;
                if (i == st)
                    return AF_EPARSE;
                c->frac = s + st;
                c->frac_len = i - st;
                break;
            }
            case 'z':
                if (!af_parse_utc_offset(s, n, &i, &c->offset))
                    return AF_EPARSE;
                c->has_offset = true;
                break;
            case '%':
                if (i >= n || s[i] != '%')
                    return AF_EPARSE;
                i++;
                break;
            default: {
                af_quoted q;
                return af_error_set(err, AF_EINVAL,
                                    "format '%s' uses %%%c, which is not supported (use %%Y %%m "
                                    "%%d %%H %%M %%S %%f %%z %%b %%j %%%%)",
                                    af_quote(&q, fmt, strlen(fmt)), *f ? *f : '?');
            }
            }
        } else if (af_is_space(*f)) {
            while (i < n && af_is_space(s[i]))
                i++;
        } else {
            if (i >= n || af_lower(s[i]) != af_lower(*f))
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
        af_quoted q;
        return af_error_set(err, AF_EPARSE,
                            "'%s' has a time of day; a date column cannot hold it without "
                            "losing it (use a timestamp type)",
                            af_quote(&q, s, n));
    }
    *out = (int32_t)days; /* 4-digit years always fit */
    return AF_OK;
}

int af_parse_date(const char *s, size_t n, const af_parse_options *opts, int32_t *out,
                  af_error *err)
{
    af_trim(&s, &n);
    af_quoted q;
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
        iso = af_fixed_digits(s, n, &i, 4, &c.year) && af_fixed_digits(s, n, &i, 2, &c.month) &&
              af_fixed_digits(s, n, &i, 2, &c.day);
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
                        af_quote(&q, s, n),
                        opts && opts->n_date_formats ? " or a configured format" : "");
}

int af_parse_time(const char *s, size_t n, af_time_unit unit, int64_t *out, af_error *err)
{
    if (!unit_ok(unit))
        return af_error_set(err, AF_EINVAL, "invalid time unit %d", (int)unit);
    af_trim(&s, &n);
    af_quoted q;
    civil c;
    civil_init(&c);
    size_t i = 0;
    if (!iso_time(s, n, &i, &c) || i != n)
        return af_error_set(err, AF_EPARSE, "'%s' is not a time (expected HH:MM[:SS[.f]])",
                            af_quote(&q, s, n));
    int rc = civil_time_check(&c, s, n, "time", err);
    if (rc)
        return rc;
    int64_t frac;
    if (!frac_to_unit(c.frac, c.frac_len, unit, &frac))
        return af_error_set(err, AF_EOVERFLOW,
                            "'%s' has more fractional digits than time[%s] holds (%d)",
                            af_quote(&q, s, n), unit_names[unit], unit_digits[unit]);
    int64_t secs = (int64_t)c.hour * 3600 + c.minute * 60 + c.second;
    *out = secs * unit_mult[unit] + frac;
    return AF_OK;
}

/* ------------------------------------------------------------------------ */
/* Timestamps                                                                */
/* ------------------------------------------------------------------------ */

static int timestamp_from_civil(civil *c, const char *s, size_t n, const af_parse_options *opts,
                                af_time_unit unit, const char *tz, int64_t *out, af_error *err)
{
    af_quoted q;
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
                            af_quote(&q, s, n), tname, unit_digits[unit]);
    int64_t secs = days * 86400 + (int64_t)c->hour * 3600 + c->minute * 60 + c->second;
    if (c->has_offset) {
        secs -= c->offset;
    } else if (tz) {
        af_tz_handle h;
        rc = af_tz_resolve(opts ? opts->default_timezone : NULL, &h, err);
        if (rc)
            return rc;
        secs = af_tz_local_to_utc(&h, secs);
    }
    /* 128-bit so the lowest instant (seconds * 10^9 below INT64_MIN, then a
     * positive fraction bringing it back in range) is exact. */
    __int128 v = (__int128)secs * unit_mult[unit] + frac;
    if (v > INT64_MAX || v < INT64_MIN)
        return af_error_set(err, AF_EOVERFLOW, "'%s' is out of range for %s", af_quote(&q, s, n),
                            tname);
    *out = (int64_t)v;
    return AF_OK;
}

int af_parse_timestamp(const char *s, size_t n, const af_parse_options *opts, af_time_unit unit,
                       const char *tz, int64_t *out, af_error *err)
{
    if (!unit_ok(unit))
        return af_error_set(err, AF_EINVAL, "invalid time unit %d", (int)unit);
    af_trim(&s, &n);
    af_quoted q;
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
                    if (n - j == 3 && af_slice_ieq(s + j, 3, "UTC")) {
                        c.has_offset = true;
                        c.offset = 0;
                        i = n;
                    } else if (af_parse_utc_offset(s, n, &j, &c.offset)) {
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
                        af_quote(&q, s, n),
                        opts && (opts->n_timestamp_formats || opts->n_date_formats)
                            ? " or a configured format"
                            : "");
}
