/* fuzz_values.c - libFuzzer harness for the value parsers (values.h).
 *
 * Feeds each input to every parser and checks invariants that must hold for
 * any text, beyond "no crash, no UB" (the fuzz build runs ASan/UBSan):
 *  - whatever parses OK formats back to text that re-parses to the same
 *    value (ints, doubles, decimals, dates, timestamps, uuids);
 *  - results are inside the type's range (int widths, decimal precision,
 *    time of day);
 *  - af_utf8_invalid_offset agrees with an independent reference decoder.
 * If the input contains a newline, the part before it is also used as a
 * date/timestamp format and the rest as the value, to exercise the matcher.
 */
#include "core/values.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(c)                                                                                   \
    do {                                                                                           \
        if (!(c)) {                                                                                \
            fprintf(stderr, "invariant failed: %s (%s:%d)\n", #c, __FILE__, __LINE__);             \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

static void check_ints(const char *s, size_t n)
{
    static const int widths[] = {8, 16, 32, 64};
    af_error err;
    int64_t v64 = 0;
    int rc64 = af_parse_int64(s, n, &v64, &err);
    for (size_t k = 0; k < 4; k++) {
        int bits = widths[k];
        int64_t v = 0;
        int rc = af_parse_int_width(s, n, bits, &v, &err);
        CHECK(rc == AF_OK || rc == AF_EPARSE || rc == AF_EOVERFLOW);
        if (rc == AF_OK) {
            CHECK(rc64 == AF_OK && v == v64);
            if (bits < 64) {
                CHECK(v >= -((int64_t)1 << (bits - 1)));
                CHECK(v < ((int64_t)1 << (bits - 1)));
            }
        }
        if (rc == AF_EPARSE)
            CHECK(rc64 == AF_EPARSE);
    }
    if (rc64 == AF_OK) {
        char buf[32];
        int len = snprintf(buf, sizeof buf, "%" PRId64, v64);
        int64_t back = 0;
        CHECK(af_parse_int64(buf, (size_t)len, &back, &err) == AF_OK && back == v64);
    }
}

static void check_double(const char *s, size_t n)
{
    af_error err;
    double v = 0, w = 0;
    int rc = af_parse_double(s, n, '.', &v, &err);
    CHECK(rc == AF_OK || rc == AF_EPARSE || rc == AF_EOVERFLOW || rc == AF_ENOMEM);
    if (rc == AF_OK && isfinite(v)) {
        char buf[64];
        int len = snprintf(buf, sizeof buf, "%.17g", v);
        CHECK(af_parse_double(buf, (size_t)len, '.', &w, &err) == AF_OK);
        CHECK(memcmp(&v, &w, sizeof v) == 0 || (v == 0 && w == 0));
    }
    /* Without any '.' or ',' in the text the mark cannot matter. */
    if (!memchr(s, '.', n) && !memchr(s, ',', n)) {
        int rc2 = af_parse_double(s, n, ',', &w, &err);
        CHECK(rc2 == rc);
        if (rc == AF_OK)
            CHECK((isnan(v) && isnan(w)) || v == w);
    }
}

static af_int128 pow10_128(int k)
{
    af_int128 p = 1;
    while (k-- > 0)
        p *= 10;
    return p;
}

static void check_decimal(const char *s, size_t n)
{
    static const int ps[][2] = {{1, 0}, {5, 2}, {18, 4}, {38, 0}, {38, 10}, {38, 38}, {10, 10}};
    af_error err;
    for (size_t k = 0; k < sizeof ps / sizeof ps[0]; k++) {
        int p = ps[k][0], sc = ps[k][1];
        af_int128 v = 0, w = 0;
        int rc = af_parse_decimal(s, n, p, sc, '.', &v, &err);
        CHECK(rc == AF_OK || rc == AF_EPARSE || rc == AF_EOVERFLOW);
        if (rc != AF_OK)
            continue;
        af_int128 lim = pow10_128(p);
        CHECK(v < lim && v > -lim);
        af_buf b;
        af_buf_init(&b);
        CHECK(af_decimal_format(v, sc, &b) == AF_OK);
        CHECK(af_parse_decimal((const char *)b.data, b.len, p, sc, '.', &w, &err) == AF_OK);
        CHECK(w == v);
        af_buf_free(&b);
        /* A wider precision with the same scale holds the same value. */
        CHECK(af_parse_decimal(s, n, 38, sc, '.', &w, &err) == AF_OK && w == v);
        /* One more scale digit multiplies by ten when it fits. */
        if (sc < p && p < 38) {
            CHECK(af_parse_decimal(s, n, p + 1, sc + 1, '.', &w, &err) == AF_OK);
            CHECK(w == v * 10);
        }
    }
}

static void format_iso_date(int64_t days, char *buf, size_t cap)
{
    int64_t y;
    unsigned m, d;
    af_civil_from_days(days, &y, &m, &d);
    snprintf(buf, cap, "%04" PRId64 "-%02u-%02u", y, m, d);
}

static void check_dates(const char *s, size_t n, const af_parse_options *opts)
{
    af_error err;
    int32_t days = 0, back = 0;
    int rc = af_parse_date(s, n, opts, &days, &err);
    CHECK(rc == AF_OK || rc == AF_EPARSE || rc == AF_EOVERFLOW || rc == AF_EINVAL);
    if (rc == AF_OK) {
        int64_t y;
        unsigned m, d;
        af_civil_from_days(days, &y, &m, &d);
        CHECK(y >= 0 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= 31);
        CHECK(af_days_from_civil(y, m, d) == days);
        char buf[32];
        format_iso_date(days, buf, sizeof buf);
        CHECK(af_parse_date(buf, strlen(buf), NULL, &back, &err) == AF_OK && back == days);
    }
}

static void check_times(const char *s, size_t n)
{
    static const int64_t per_day[] = {86400LL, 86400000LL, 86400000000LL, 86400000000000LL};
    af_error err;
    for (int u = 0; u < 4; u++) {
        int64_t v = -1;
        int rc = af_parse_time(s, n, (af_time_unit)u, &v, &err);
        CHECK(rc == AF_OK || rc == AF_EPARSE || rc == AF_EOVERFLOW);
        if (rc == AF_OK)
            CHECK(v >= 0 && v < per_day[u]);
    }
}

static void check_timestamps(const char *s, size_t n, const af_parse_options *opts)
{
    static const int64_t mult[] = {1, 1000, 1000000, 1000000000};
    static const int digits[] = {0, 3, 6, 9};
    af_error err;
    for (int u = 0; u < 4; u++) {
        for (int zoned = 0; zoned < 2; zoned++) {
            int64_t v = 0, back = 0;
            int rc =
                af_parse_timestamp(s, n, opts, (af_time_unit)u, zoned ? "UTC" : NULL, &v, &err);
            CHECK(rc == AF_OK || rc == AF_EPARSE || rc == AF_EOVERFLOW || rc == AF_EINVAL);
            if (rc != AF_OK)
                continue;
            /* Format as ISO UTC and read it back: same instant. */
            int64_t secs = v / mult[u], frac = v % mult[u];
            if (frac < 0) {
                frac += mult[u];
                secs--;
            }
            int64_t days = secs / 86400, sod = secs % 86400;
            if (sod < 0) {
                sod += 86400;
                days--;
            }
            int64_t y;
            unsigned m, d;
            af_civil_from_days(days, &y, &m, &d);
            if (y < 0 || y > 9999)
                continue; /* an offset can push year 0 into year -1 */
            char buf[64];
            int len = snprintf(buf, sizeof buf, "%04" PRId64 "-%02u-%02uT%02d:%02d:%02d", y, m, d,
                               (int)(sod / 3600), (int)(sod / 60 % 60), (int)(sod % 60));
            if (digits[u])
                len +=
                    snprintf(buf + len, sizeof buf - (size_t)len, ".%0*" PRId64, digits[u], frac);
            len += snprintf(buf + len, sizeof buf - (size_t)len, "Z");
            CHECK(af_parse_timestamp(buf, (size_t)len, NULL, (af_time_unit)u, NULL, &back, &err) ==
                  AF_OK);
            CHECK(back == v);
        }
    }
}

static void check_uuid(const char *s, size_t n)
{
    af_error err;
    uint8_t u[16], w[16];
    if (af_parse_uuid(s, n, u, &err) != AF_OK)
        return;
    char hex[33];
    for (int k = 0; k < 16; k++)
        snprintf(hex + 2 * k, 3, "%02x", u[k]);
    CHECK(af_parse_uuid(hex, 32, w, &err) == AF_OK && memcmp(u, w, 16) == 0);
}

/* Reference: decode code points and reject what Unicode forbids. */
static long ref_utf8(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        size_t len;
        uint32_t cp;
        if (c < 0x80) {
            i++;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            len = 2;
            cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            len = 3;
            cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            len = 4;
            cp = c & 0x07;
        } else {
            return (long)i;
        }
        if (n - i < len)
            return (long)i;
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return (long)i;
            cp = cp << 6 | (s[i + k] & 0x3F);
        }
        static const uint32_t min_cp[] = {0, 0, 0x80, 0x800, 0x10000};
        if (cp < min_cp[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return (long)i;
        i += len;
    }
    return -1;
}

static void check_utf8(const char *s, size_t n)
{
    long off = af_utf8_invalid_offset(s, n);
    CHECK(off == ref_utf8((const unsigned char *)s, n));
    if (off >= 0) {
        CHECK((size_t)off < n);
        CHECK(af_utf8_invalid_offset(s, (size_t)off) == -1);
    }
}

static void check_tz(const uint8_t *data, size_t size)
{
    if (size < 8)
        return;
    int64_t t;
    memcpy(&t, data, sizeof t);
    static const char *const zones[] = {"Europe/Paris", "America/New_York", "UTC", "+05:30"};
    af_error err;
    for (size_t k = 0; k < 4; k++) {
        int32_t off = 0;
        CHECK(af_tz_offset(zones[k], t, &off, &err) == AF_OK || k < 2);
        CHECK(off > -26 * 3600 && off < 26 * 3600);
    }
}

static void check_decimal_format(const uint8_t *data, size_t size)
{
    if (size < 17)
        return;
    af_int128 v;
    memcpy(&v, data, sizeof v);
    int scale = data[16] % 39;
    af_buf b;
    af_buf_init(&b);
    CHECK(af_decimal_format(v, scale, &b) == AF_OK);
    af_int128 lim = pow10_128(38);
    if (v < lim && v > -lim) {
        af_int128 w = 0;
        af_error err;
        CHECK(af_parse_decimal((const char *)b.data, b.len, 38, scale, '.', &w, &err) == AF_OK);
        CHECK(w == v);
    }
    af_buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    af_parse_options opts;
    af_parse_options_default(&opts);
    opts.default_timezone = "Europe/Paris";

    check_ints(s, size);
    check_double(s, size);
    check_decimal(s, size);
    bool b;
    af_error err;
    (void)af_parse_bool(s, size, &opts, &b, &err);
    check_dates(s, size, NULL);
    check_times(s, size);
    check_timestamps(s, size, &opts);
    check_uuid(s, size);
    check_utf8(s, size);
    check_tz(data, size);
    check_decimal_format(data, size);

    /* "format\nvalue": exercise the strptime-like matcher. */
    const char *nl = memchr(s, '\n', size);
    if (nl && (size_t)(nl - s) < 128) {
        char fmt[128];
        size_t fl = (size_t)(nl - s);
        memcpy(fmt, s, fl);
        fmt[fl] = '\0';
        if (strlen(fmt) == fl) {
            af_parse_options fo;
            af_parse_options_default(&fo);
            fo.date_formats[0] = fmt;
            fo.n_date_formats = 1;
            fo.timestamp_formats[0] = fmt;
            fo.n_timestamp_formats = 1;
            fo.default_timezone = "America/New_York";
            const char *v = nl + 1;
            size_t vn = size - fl - 1;
            check_dates(v, vn, &fo);
            check_timestamps(v, vn, &fo);
        }
    }
    return 0;
}
