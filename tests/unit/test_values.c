/* test_values.c - exactness of the text-to-value parsers (values.h): every
 * boundary is asserted with the concrete value or error code, because a
 * parser that is "almost right" silently corrupts data. Expected epoch values
 * were computed independently with Python's datetime/zoneinfo. */
#include "core/values.h"
#include "test.h"

#include <float.h>
#include <pthread.h>
#include <stdint.h>

#define S(lit) lit, sizeof(lit) - 1

static af_error err;

/* ---- integers ---- */

TEST(int_basic)
{
    int64_t v = 0;
    CHECK_INT(af_parse_int64(S("42"), &v, &err), AF_OK);
    CHECK_INT(v, 42);
    CHECK_INT(af_parse_int64(S("  -17 \t"), &v, &err), AF_OK);
    CHECK_INT(v, -17);
    CHECK_INT(af_parse_int64(S("+5"), &v, &err), AF_OK);
    CHECK_INT(v, 5);
    CHECK_INT(af_parse_int64(S("007"), &v, &err), AF_OK);
    CHECK_INT(v, 7);
    CHECK_INT(af_parse_int64(S(""), &v, &err), AF_EPARSE);
    CHECK_INT(af_parse_int64(S("-"), &v, &err), AF_EPARSE);
    CHECK_INT(af_parse_int64(S("--1"), &v, &err), AF_EPARSE);
    CHECK_INT(af_parse_int64(S("1.0"), &v, &err), AF_EPARSE);
    CHECK_INT(af_parse_int64(S("0x10"), &v, &err), AF_EPARSE);
    CHECK_INT(af_parse_int64(S("1 2"), &v, &err), AF_EPARSE);
    CHECK_INT(af_parse_int64(S("12a"), &v, &err), AF_EPARSE);
    CHECK_CONTAINS(err.msg, "'12a' is not an integer");
    /* Not NUL-terminated: the parser must stop at n. */
    CHECK_INT(af_parse_int64("123456", 3, &v, &err), AF_OK);
    CHECK_INT(v, 123);
}

TEST(int64_limits)
{
    int64_t v = 0;
    CHECK_INT(af_parse_int64(S("9223372036854775807"), &v, &err), AF_OK);
    CHECK(v == INT64_MAX);
    CHECK_INT(af_parse_int64(S("-9223372036854775808"), &v, &err), AF_OK);
    CHECK(v == INT64_MIN);
    CHECK_INT(af_parse_int64(S("9223372036854775808"), &v, &err), AF_EOVERFLOW);
    CHECK_CONTAINS(err.msg, "out of range for int64");
    CHECK_INT(af_parse_int64(S("-9223372036854775809"), &v, &err), AF_EOVERFLOW);
    CHECK_INT(af_parse_int64(S("18446744073709551616"), &v, &err), AF_EOVERFLOW);
    CHECK_INT(af_parse_int64(S("99999999999999999999999999999"), &v, &err), AF_EOVERFLOW);
}

TEST(int_width_boundaries)
{
    int64_t v = 0;
    CHECK_INT(af_parse_int_width(S("127"), 8, &v, &err), AF_OK);
    CHECK_INT(v, 127);
    CHECK_INT(af_parse_int_width(S("-128"), 8, &v, &err), AF_OK);
    CHECK_INT(v, -128);
    CHECK_INT(af_parse_int_width(S("128"), 8, &v, &err), AF_EOVERFLOW);
    CHECK_INT(af_parse_int_width(S("-129"), 8, &v, &err), AF_EOVERFLOW);
    CHECK_INT(af_parse_int_width(S("300"), 8, &v, &err), AF_EOVERFLOW);
    CHECK_CONTAINS(err.msg, "'300' is out of range for int8");

    CHECK_INT(af_parse_int_width(S("32767"), 16, &v, &err), AF_OK);
    CHECK_INT(v, 32767);
    CHECK_INT(af_parse_int_width(S("-32768"), 16, &v, &err), AF_OK);
    CHECK_INT(v, -32768);
    CHECK_INT(af_parse_int_width(S("32768"), 16, &v, &err), AF_EOVERFLOW);
    CHECK_INT(af_parse_int_width(S("-32769"), 16, &v, &err), AF_EOVERFLOW);
    CHECK_CONTAINS(err.msg, "int16");

    CHECK_INT(af_parse_int_width(S("2147483647"), 32, &v, &err), AF_OK);
    CHECK_INT(v, 2147483647);
    CHECK_INT(af_parse_int_width(S("-2147483648"), 32, &v, &err), AF_OK);
    CHECK_INT(v, -2147483648LL);
    CHECK_INT(af_parse_int_width(S("2147483648"), 32, &v, &err), AF_EOVERFLOW);
    CHECK_INT(af_parse_int_width(S("-2147483649"), 32, &v, &err), AF_EOVERFLOW);

    CHECK_INT(af_parse_int_width(S("-9223372036854775808"), 64, &v, &err), AF_OK);
    CHECK(v == INT64_MIN);
    CHECK_INT(af_parse_int_width(S("1"), 12, &v, &err), AF_EINVAL);
}

/* ---- floating point ---- */

TEST(double_basic)
{
    double v = 0;
    CHECK_INT(af_parse_double(S("1.5"), '.', &v, &err), AF_OK);
    CHECK(v == 1.5);
    CHECK_INT(af_parse_double(S(" -2.5e3 "), '.', &v, &err), AF_OK);
    CHECK(v == -2500.0);
    CHECK_INT(af_parse_double(S(".5"), '.', &v, &err), AF_OK);
    CHECK(v == 0.5);
    CHECK_INT(af_parse_double(S("5."), '.', &v, &err), AF_OK);
    CHECK(v == 5.0);
    CHECK_INT(af_parse_double(S("1E-2"), '.', &v, &err), AF_OK);
    CHECK(v == 0.01);
    CHECK_INT(af_parse_double(S("3,25"), ',', &v, &err), AF_OK);
    CHECK(v == 3.25);
    /* With ',' as the mark, '.' is not a decimal point (no thousands guess). */
    CHECK_INT(af_parse_double(S("3.25"), ',', &v, &err), AF_EPARSE);
    CHECK_INT(af_parse_double(S("0.1"), '.', &v, &err), AF_OK);
    CHECK(v == 0.1);
}

TEST(double_rejects)
{
    double v = 0;
    CHECK_INT(af_parse_double(S(""), '.', &v, &err), AF_EPARSE);
    CHECK_INT(af_parse_double(S("   "), '.', &v, &err), AF_EPARSE);
    CHECK_INT(af_parse_double(S("1e"), '.', &v, &err), AF_EPARSE);
    CHECK_INT(af_parse_double(S("1e+"), '.', &v, &err), AF_EPARSE);
    CHECK_INT(af_parse_double(S("--1"), '.', &v, &err), AF_EPARSE);
    CHECK_INT(af_parse_double(S("0x1p3"), '.', &v, &err), AF_EPARSE);
    CHECK_INT(af_parse_double(S("1.5abc"), '.', &v, &err), AF_EPARSE);
    CHECK_CONTAINS(err.msg, "'1.5abc' is not a number");
    CHECK_INT(af_parse_double(S("."), '.', &v, &err), AF_EPARSE);
    CHECK_INT(af_parse_double(S("nan(123)"), '.', &v, &err), AF_EPARSE);
    CHECK_INT(af_parse_double(S("infinit"), '.', &v, &err), AF_EPARSE);
    CHECK_INT(af_parse_double(S("1,5"), '.', &v, &err), AF_EPARSE);
    /* Bounded: "1.5" followed by garbage beyond n is fine. */
    CHECK_INT(af_parse_double("1.5xyz", 3, '.', &v, &err), AF_OK);
    CHECK(v == 1.5);
}

TEST(double_special_and_range)
{
    double v = 0;
    CHECK_INT(af_parse_double(S("nan"), '.', &v, &err), AF_OK);
    CHECK(isnan(v));
    CHECK_INT(af_parse_double(S("NaN"), '.', &v, &err), AF_OK);
    CHECK(isnan(v));
    CHECK_INT(af_parse_double(S("inf"), '.', &v, &err), AF_OK);
    CHECK(isinf(v) && v > 0);
    CHECK_INT(af_parse_double(S("-inf"), '.', &v, &err), AF_OK);
    CHECK(isinf(v) && v < 0);
    CHECK_INT(af_parse_double(S("Infinity"), '.', &v, &err), AF_OK);
    CHECK(isinf(v) && v > 0);
    CHECK_INT(af_parse_double(S("1e309"), '.', &v, &err), AF_EOVERFLOW);
    CHECK_CONTAINS(err.msg, "'1e309' is out of range for float64");
    CHECK_INT(af_parse_double(S("-1e309"), '.', &v, &err), AF_EOVERFLOW);
    CHECK_INT(af_parse_double(S("1.7976931348623157e308"), '.', &v, &err), AF_OK);
    CHECK(v == DBL_MAX);
    /* Underflow is not an error. */
    CHECK_INT(af_parse_double(S("1e-400"), '.', &v, &err), AF_OK);
    CHECK(v == 0.0);
    CHECK_INT(af_parse_double(S("4.9e-324"), '.', &v, &err), AF_OK);
    CHECK(v > 0 && v < DBL_MIN);
    /* A number longer than the stack buffer still parses. */
    char big[400];
    memset(big, '0', sizeof big);
    big[0] = '1';
    big[1] = '.';
    CHECK_INT(af_parse_double(big, sizeof big, '.', &v, &err), AF_OK);
    CHECK(v == 1.0);
}

/* ---- decimals ---- */

static const char *dec_text(af_int128 v, int scale)
{
    static char out[64];
    af_buf b;
    af_buf_init(&b);
    af_decimal_format(v, scale, &b);
    size_t n = b.len < sizeof out - 1 ? b.len : sizeof out - 1;
    memcpy(out, b.data, n);
    out[n] = '\0';
    af_buf_free(&b);
    return out;
}

TEST(decimal_exact)
{
    af_int128 v = 0;
    CHECK_INT(af_parse_decimal(S("1.50"), 5, 2, '.', &v, &err), AF_OK);
    CHECK_INT(v, 150);
    CHECK_INT(af_parse_decimal(S("1.5"), 5, 2, '.', &v, &err), AF_OK);
    CHECK_INT(v, 150);
    CHECK_INT(af_parse_decimal(S("1.500"), 5, 2, '.', &v, &err), AF_OK);
    CHECK_INT(v, 150);
    CHECK_INT(af_parse_decimal(S("-0.05"), 5, 2, '.', &v, &err), AF_OK);
    CHECK_INT(v, -5);
    CHECK_INT(af_parse_decimal(S("123.45"), 10, 4, '.', &v, &err), AF_OK);
    CHECK_INT(v, 1234500);
    CHECK_INT(af_parse_decimal(S("1,25"), 5, 2, ',', &v, &err), AF_OK);
    CHECK_INT(v, 125);
    CHECK_INT(af_parse_decimal(S("0"), 1, 0, '.', &v, &err), AF_OK);
    CHECK_INT(v, 0);
    CHECK_INT(af_parse_decimal(S("0.000000"), 3, 1, '.', &v, &err), AF_OK);
    CHECK_INT(v, 0);
    CHECK_INT(af_parse_decimal(S(".5"), 2, 1, '.', &v, &err), AF_OK);
    CHECK_INT(v, 5);
    CHECK_INT(af_parse_decimal(S("00012.30"), 4, 1, '.', &v, &err), AF_OK);
    CHECK_INT(v, 123);
}

TEST(decimal_overflow_and_rounding)
{
    af_int128 v = 0;
    CHECK_INT(af_parse_decimal(S("1.505"), 5, 2, '.', &v, &err), AF_EOVERFLOW);
    CHECK_CONTAINS(err.msg, "'1.505'");
    CHECK_CONTAINS(err.msg, "fractional digits");
    CHECK_CONTAINS(err.msg, "decimal(5,2)");
    CHECK_INT(af_parse_decimal(S("999.99"), 5, 2, '.', &v, &err), AF_OK);
    CHECK_INT(v, 99999);
    CHECK_INT(af_parse_decimal(S("1000.00"), 5, 2, '.', &v, &err), AF_EOVERFLOW);
    CHECK_CONTAINS(err.msg, "out of range for decimal(5,2)");
    CHECK_INT(af_parse_decimal(S("-1000"), 5, 2, '.', &v, &err), AF_EOVERFLOW);
    CHECK_INT(af_parse_decimal(S("1"), 2, 2, '.', &v, &err), AF_EOVERFLOW);
    CHECK_INT(af_parse_decimal(S("0.99"), 2, 2, '.', &v, &err), AF_OK);
    CHECK_INT(v, 99);
    CHECK_INT(af_parse_decimal(S("1.5"), 5, 0, '.', &v, &err), AF_EOVERFLOW);
    CHECK_INT(af_parse_decimal(S("abc"), 5, 2, '.', &v, &err), AF_EPARSE);
    CHECK_INT(af_parse_decimal(S("1.2.3"), 5, 2, '.', &v, &err), AF_EPARSE);
    CHECK_INT(af_parse_decimal(S("1e"), 5, 2, '.', &v, &err), AF_EPARSE);
    CHECK_INT(af_parse_decimal(S(""), 5, 2, '.', &v, &err), AF_EPARSE);
    CHECK_INT(af_parse_decimal(S("."), 5, 2, '.', &v, &err), AF_EPARSE);
    CHECK_INT(af_parse_decimal(S("1"), 39, 2, '.', &v, &err), AF_EINVAL);
    CHECK_INT(af_parse_decimal(S("1"), 5, 6, '.', &v, &err), AF_EINVAL);
}

TEST(decimal_exponent)
{
    af_int128 v = 0;
    CHECK_INT(af_parse_decimal(S("1.5e3"), 10, 0, '.', &v, &err), AF_OK);
    CHECK_INT(v, 1500);
    CHECK_INT(af_parse_decimal(S("-2E-2"), 5, 2, '.', &v, &err), AF_OK);
    CHECK_INT(v, -2);
    CHECK_INT(af_parse_decimal(S("-2E-3"), 5, 2, '.', &v, &err), AF_EOVERFLOW);
    CHECK_INT(af_parse_decimal(S("1e5"), 5, 0, '.', &v, &err), AF_EOVERFLOW);
    CHECK_INT(af_parse_decimal(S("1e4"), 5, 0, '.', &v, &err), AF_OK);
    CHECK_INT(v, 10000);
    CHECK_INT(af_parse_decimal(S("0e999999999999999999"), 5, 0, '.', &v, &err), AF_OK);
    CHECK_INT(v, 0);
    CHECK_INT(af_parse_decimal(S("1e999999999999999999"), 38, 0, '.', &v, &err), AF_EOVERFLOW);
    CHECK_INT(af_parse_decimal(S("1e-999999999999999999"), 38, 0, '.', &v, &err), AF_EOVERFLOW);
    CHECK_INT(af_parse_decimal(S("12300e-2"), 5, 0, '.', &v, &err), AF_OK);
    CHECK_INT(v, 123);
}

TEST(decimal_38_digits)
{
    af_int128 v = 0;
    af_int128 max38 = 0;
    for (int i = 0; i < 38; i++)
        max38 = max38 * 10 + 9;
    CHECK_INT(af_parse_decimal(S("99999999999999999999999999999999999999"), 38, 0, '.', &v, &err),
              AF_OK);
    CHECK(v == max38);
    CHECK_INT(af_parse_decimal(S("-99999999999999999999999999999999999999"), 38, 0, '.', &v, &err),
              AF_OK);
    CHECK(v == -max38);
    CHECK_INT(af_parse_decimal(S("100000000000000000000000000000000000000"), 38, 0, '.', &v, &err),
              AF_EOVERFLOW);
    CHECK_INT(
        af_parse_decimal(S("0.99999999999999999999999999999999999999"), 38, 38, '.', &v, &err),
        AF_OK);
    CHECK(v == max38);
    CHECK_STR(dec_text(v, 38), "0.99999999999999999999999999999999999999");
    CHECK_INT(af_parse_decimal(S("12345678901234567890.123456789012345678"), 38, 18, '.', &v, &err),
              AF_OK);
    CHECK_STR(dec_text(v, 18), "12345678901234567890.123456789012345678");
}

TEST(decimal_format)
{
    CHECK_STR(dec_text(-5, 2), "-0.05");
    CHECK_STR(dec_text(5, 2), "0.05");
    CHECK_STR(dec_text(0, 2), "0.00");
    CHECK_STR(dec_text(0, 0), "0");
    CHECK_STR(dec_text(-123400, 4), "-12.3400");
    CHECK_STR(dec_text(150, 2), "1.50");
    CHECK_STR(dec_text(12345, 0), "12345");
    af_int128 min = (af_int128)((unsigned __int128)1 << 127);
    af_int128 max = (af_int128)(((unsigned __int128)1 << 127) - 1);
    CHECK_STR(dec_text(max, 0), "170141183460469231731687303715884105727");
    CHECK_STR(dec_text(min, 0), "-170141183460469231731687303715884105728");
    CHECK_STR(dec_text(min, 38), "-1.70141183460469231731687303715884105728");
    CHECK_STR(dec_text(1, 38), "0.00000000000000000000000000000000000001");
    af_buf b;
    af_buf_init(&b);
    CHECK_INT(af_decimal_format(1, -1, &b), AF_EINVAL);
    CHECK_INT(af_decimal_format(1, 39, &b), AF_EINVAL);
    af_buf_free(&b);
}

/* ---- booleans ---- */

TEST(bool_tokens)
{
    af_parse_options o;
    af_parse_options_default(&o);
    bool v = false;
    const char *t[] = {"true", "TRUE", "Yes", "y", "T", "1", " true "};
    const char *f[] = {"false", "False", "NO", "n", "f", "0"};
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        v = false;
        CHECK_INT(af_parse_bool(t[i], strlen(t[i]), &o, &v, &err), AF_OK);
        CHECK(v);
    }
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
        v = true;
        CHECK_INT(af_parse_bool(f[i], strlen(f[i]), &o, &v, &err), AF_OK);
        CHECK(!v);
    }
    CHECK_INT(af_parse_bool(S("maybe"), &o, &v, &err), AF_EPARSE);
    CHECK_CONTAINS(err.msg, "'maybe' is not a boolean");
    CHECK_INT(af_parse_bool(S("tru"), &o, &v, &err), AF_EPARSE);
    CHECK_INT(af_parse_bool(S("truee"), &o, &v, &err), AF_EPARSE);
    CHECK_INT(af_parse_bool(S("2"), &o, &v, &err), AF_EPARSE);
    /* Custom tokens replace the defaults. */
    af_parse_options c;
    memset(&c, 0, sizeof c);
    c.true_tokens[0] = "oui";
    c.n_true = 1;
    c.false_tokens[0] = "non";
    c.n_false = 1;
    CHECK_INT(af_parse_bool(S("OUI"), &c, &v, &err), AF_OK);
    CHECK(v);
    CHECK_INT(af_parse_bool(S("non"), &c, &v, &err), AF_OK);
    CHECK(!v);
    CHECK_INT(af_parse_bool(S("yes"), &c, &v, &err), AF_EPARSE);
    /* NULL options: defaults. */
    CHECK_INT(af_parse_bool(S("yes"), NULL, &v, &err), AF_OK);
    CHECK(v);
}

/* ---- calendar ---- */

TEST(civil_roundtrip)
{
    CHECK_INT(af_days_from_civil(1970, 1, 1), 0);
    CHECK_INT(af_days_from_civil(2000, 2, 29), 11016);
    CHECK_INT(af_days_from_civil(1900, 1, 1), -25567);
    CHECK_INT(af_days_from_civil(1, 1, 1), -719162);
    CHECK_INT(af_days_from_civil(9999, 12, 31), 2932896);
    CHECK_INT(af_days_from_civil(0, 3, 1), -719468);
    int64_t y;
    unsigned m, d;
    af_civil_from_days(-719468, &y, &m, &d);
    CHECK_INT(y, 0);
    CHECK_INT(m, 3);
    CHECK_INT(d, 1);
    /* Negative years: 1 BC is year 0, 2 BC is -1 (leap: -1 is not, 0 and -4 are). */
    int64_t dd = af_days_from_civil(-4, 2, 29);
    af_civil_from_days(dd, &y, &m, &d);
    CHECK_INT(y, -4);
    CHECK_INT(m, 2);
    CHECK_INT(d, 29);
    CHECK_INT(af_days_from_civil(-1, 3, 1) - af_days_from_civil(-1, 2, 28), 1);
    for (int64_t day = -800000; day < 3000000; day += 997) {
        af_civil_from_days(day, &y, &m, &d);
        CHECK_INT(af_days_from_civil(y, m, d), day);
    }
    af_civil_from_days(INT64_MAX, &y, &m, &d); /* defined, no UB */
    af_civil_from_days(INT64_MIN, &y, &m, &d);
}

/* ---- dates ---- */

TEST(date_iso)
{
    int32_t v = 0;
    CHECK_INT(af_parse_date(S("1970-01-01"), NULL, &v, &err), AF_OK);
    CHECK_INT(v, 0);
    CHECK_INT(af_parse_date(S("2024-03-01"), NULL, &v, &err), AF_OK);
    CHECK_INT(v, 19783);
    CHECK_INT(af_parse_date(S(" 20240301 "), NULL, &v, &err), AF_OK);
    CHECK_INT(v, 19783);
    CHECK_INT(af_parse_date(S("1969-12-31"), NULL, &v, &err), AF_OK);
    CHECK_INT(v, -1);
    CHECK_INT(af_parse_date(S("0001-01-01"), NULL, &v, &err), AF_OK);
    CHECK_INT(v, -719162);
    CHECK_INT(af_parse_date(S("2024-3-1"), NULL, &v, &err), AF_EPARSE);
    CHECK_INT(af_parse_date(S("2024-03-01x"), NULL, &v, &err), AF_EPARSE);
    CHECK_INT(af_parse_date(S("hello"), NULL, &v, &err), AF_EPARSE);
    CHECK_CONTAINS(err.msg, "'hello' is not a date");
    CHECK_INT(af_parse_date(S(""), NULL, &v, &err), AF_EPARSE);
    CHECK_INT(af_parse_date(S("2024030"), NULL, &v, &err), AF_EPARSE);
}

TEST(date_leap_days)
{
    int32_t v = 0;
    CHECK_INT(af_parse_date(S("2000-02-29"), NULL, &v, &err), AF_OK);
    CHECK_INT(v, 11016);
    CHECK_INT(af_parse_date(S("2024-02-29"), NULL, &v, &err), AF_OK);
    CHECK_INT(v, 19782);
    CHECK_INT(af_parse_date(S("1900-02-29"), NULL, &v, &err), AF_EPARSE);
    CHECK_CONTAINS(err.msg, "February 1900 has 28 days");
    CHECK_INT(af_parse_date(S("2023-02-29"), NULL, &v, &err), AF_EPARSE);
    CHECK_CONTAINS(err.msg, "'2023-02-29' is not a valid date (February 2023 has 28 days)");
    CHECK_INT(af_parse_date(S("2024-02-30"), NULL, &v, &err), AF_EPARSE);
    CHECK_CONTAINS(err.msg, "February 2024 has 29 days");
    CHECK_INT(af_parse_date(S("2024-13-01"), NULL, &v, &err), AF_EPARSE);
    CHECK_CONTAINS(err.msg, "month 13");
    CHECK_INT(af_parse_date(S("2024-00-10"), NULL, &v, &err), AF_EPARSE);
    CHECK_INT(af_parse_date(S("2024-04-31"), NULL, &v, &err), AF_EPARSE);
    CHECK_CONTAINS(err.msg, "April 2024 has 30 days");
    CHECK_INT(af_parse_date(S("2024-01-00"), NULL, &v, &err), AF_EPARSE);
    CHECK_INT(af_parse_date(S("20230229"), NULL, &v, &err), AF_EPARSE);
}

TEST(date_formats)
{
    af_parse_options o;
    af_parse_options_default(&o);
    o.date_formats[0] = "%d/%m/%Y";
    o.date_formats[1] = "%d %b %Y";
    o.date_formats[2] = "%Y-%j";
    o.date_formats[3] = "%Y%%%m";
    o.n_date_formats = 4;
    int32_t v = 0;
    CHECK_INT(af_parse_date(S("01/03/2024"), &o, &v, &err), AF_OK);
    CHECK_INT(v, 19783);
    CHECK_INT(af_parse_date(S("1/3/2024"), &o, &v, &err), AF_OK);
    CHECK_INT(v, 19783);
    CHECK_INT(af_parse_date(S("15 Mar 2024"), &o, &v, &err), AF_OK);
    CHECK_INT(v, 19797);
    CHECK_INT(af_parse_date(S("15 march 2024"), &o, &v, &err), AF_OK);
    CHECK_INT(v, 19797);
    CHECK_INT(af_parse_date(S("15 Mrz 2024"), &o, &v, &err), AF_EPARSE);
    CHECK_INT(af_parse_date(S("2024-061"), &o, &v, &err), AF_OK); /* day 61 of a leap year */
    CHECK_INT(v, 19783);
    CHECK_INT(af_parse_date(S("2023-365"), &o, &v, &err), AF_OK);
    CHECK_INT(v, 19722);
    CHECK_INT(af_parse_date(S("2024-366"), &o, &v, &err), AF_OK);
    CHECK_INT(v, 20088);
    CHECK_INT(af_parse_date(S("2023-366"), &o, &v, &err), AF_EPARSE);
    CHECK_CONTAINS(err.msg, "2023 has 365 days");
    CHECK_INT(af_parse_date(S("2024%03"), &o, &v, &err), AF_OK);
    CHECK_INT(v, 19783);
    /* Formats come first, ISO still works after them. */
    CHECK_INT(af_parse_date(S("2024-03-01"), &o, &v, &err), AF_OK);
    CHECK_INT(v, 19783);
    /* A format that matches but names an invalid day reports the calendar error. */
    CHECK_INT(af_parse_date(S("29/02/2023"), &o, &v, &err), AF_EPARSE);
    CHECK_CONTAINS(err.msg, "February 2023 has 28 days");
    /* %Y is exactly four digits: no two-digit-year guessing. */
    CHECK_INT(af_parse_date(S("01/03/24"), &o, &v, &err), AF_EPARSE);
    /* A later format may succeed where an earlier one hit a calendar error. */
    af_parse_options us;
    af_parse_options_default(&us);
    us.date_formats[0] = "%m/%d/%Y";
    us.date_formats[1] = "%d/%m/%Y";
    us.n_date_formats = 2;
    CHECK_INT(af_parse_date(S("13/01/2024"), &us, &v, &err), AF_OK);
    CHECK_INT(v, af_days_from_civil(2024, 1, 13));
    /* Unsupported conversions are a configuration error, not a data error. */
    af_parse_options bad;
    af_parse_options_default(&bad);
    bad.date_formats[0] = "%y-%m-%d";
    bad.n_date_formats = 1;
    CHECK_INT(af_parse_date(S("24-03-01"), &bad, &v, &err), AF_EINVAL);
    CHECK_CONTAINS(err.msg, "%y");
    bad.date_formats[0] = "%Y-%";
    CHECK_INT(af_parse_date(S("2024-"), &bad, &v, &err), AF_EINVAL);
    /* A time of day in a date would be lost: rejected. */
    af_parse_options dt;
    af_parse_options_default(&dt);
    dt.date_formats[0] = "%Y-%m-%d %H:%M";
    dt.n_date_formats = 1;
    CHECK_INT(af_parse_date(S("2024-03-01 00:00"), &dt, &v, &err), AF_OK);
    CHECK_INT(v, 19783);
    CHECK_INT(af_parse_date(S("2024-03-01 12:30"), &dt, &v, &err), AF_EPARSE);
    CHECK_CONTAINS(err.msg, "time of day");
}

/* ---- times ---- */

TEST(time_units)
{
    int64_t v = 0;
    CHECK_INT(af_parse_time(S("12:34:56"), AF_UNIT_SECOND, &v, &err), AF_OK);
    CHECK_INT(v, 45296);
    CHECK_INT(af_parse_time(S("12:34"), AF_UNIT_SECOND, &v, &err), AF_OK);
    CHECK_INT(v, 45240);
    CHECK_INT(af_parse_time(S("00:00:00.123"), AF_UNIT_MILLI, &v, &err), AF_OK);
    CHECK_INT(v, 123);
    CHECK_INT(af_parse_time(S("00:00:00.1"), AF_UNIT_MICRO, &v, &err), AF_OK);
    CHECK_INT(v, 100000);
    CHECK_INT(af_parse_time(S("23:59:59.999999999"), AF_UNIT_NANO, &v, &err), AF_OK);
    CHECK_INT(v, 86399999999999LL);
    CHECK_INT(af_parse_time(S("12:00:00.1234"), AF_UNIT_MILLI, &v, &err), AF_EOVERFLOW);
    CHECK_CONTAINS(err.msg, "time[ms]");
    CHECK_INT(af_parse_time(S("12:00:00.1230"), AF_UNIT_MILLI, &v, &err), AF_OK);
    CHECK_INT(v, 43200123);
    CHECK_INT(af_parse_time(S("12:00:00.5"), AF_UNIT_SECOND, &v, &err), AF_EOVERFLOW);
    CHECK_INT(af_parse_time(S("12:00:00.0000000001"), AF_UNIT_NANO, &v, &err), AF_EOVERFLOW);
    CHECK_INT(af_parse_time(S("24:00:00"), AF_UNIT_SECOND, &v, &err), AF_EPARSE);
    CHECK_INT(af_parse_time(S("12:60:00"), AF_UNIT_SECOND, &v, &err), AF_EPARSE);
    CHECK_INT(af_parse_time(S("23:59:60"), AF_UNIT_SECOND, &v, &err), AF_EPARSE);
    CHECK_CONTAINS(err.msg, "leap second");
    CHECK_INT(af_parse_time(S("1:00:00"), AF_UNIT_SECOND, &v, &err), AF_EPARSE);
    CHECK_INT(af_parse_time(S("12:00:00."), AF_UNIT_SECOND, &v, &err), AF_EPARSE);
    CHECK_INT(af_parse_time(S("noon"), AF_UNIT_SECOND, &v, &err), AF_EPARSE);
    CHECK_CONTAINS(err.msg, "'noon' is not a time");
}

/* ---- timestamps ---- */

TEST(timestamp_iso)
{
    int64_t v = 0;
    CHECK_INT(
        af_parse_timestamp(S("2024-03-01T12:34:56.123456Z"), NULL, AF_UNIT_MICRO, "UTC", &v, &err),
        AF_OK);
    CHECK_INT(v, 1709296496123456LL);
    CHECK_INT(af_parse_timestamp(S("2024-03-01 12:34:56"), NULL, AF_UNIT_SECOND, NULL, &v, &err),
              AF_OK);
    CHECK_INT(v, 1709296496LL);
    CHECK_INT(af_parse_timestamp(S("2024-03-01t12:34"), NULL, AF_UNIT_SECOND, NULL, &v, &err),
              AF_OK);
    CHECK_INT(v, 1709296440LL);
    CHECK_INT(af_parse_timestamp(S("2024-03-01"), NULL, AF_UNIT_MILLI, NULL, &v, &err), AF_OK);
    CHECK_INT(v, 1709251200000LL);
    CHECK_INT(
        af_parse_timestamp(S("2024-03-01T12:34:56.123456789"), NULL, AF_UNIT_NANO, NULL, &v, &err),
        AF_OK);
    CHECK_INT(v, 1709296496123456789LL);
    CHECK_INT(
        af_parse_timestamp(S("2024-03-01T12:34:56.1234567"), NULL, AF_UNIT_MICRO, NULL, &v, &err),
        AF_EOVERFLOW);
    CHECK_CONTAINS(err.msg, "fractional digits");
    CHECK_INT(af_parse_timestamp(S("1969-12-31T23:59:59.5"), NULL, AF_UNIT_MILLI, NULL, &v, &err),
              AF_OK);
    CHECK_INT(v, -500);
    CHECK_INT(af_parse_timestamp(S("2024-03-01T24:00:00"), NULL, AF_UNIT_SECOND, NULL, &v, &err),
              AF_EPARSE);
    CHECK_INT(af_parse_timestamp(S("2016-12-31T23:59:60Z"), NULL, AF_UNIT_SECOND, NULL, &v, &err),
              AF_EPARSE);
    CHECK_CONTAINS(err.msg, "leap second");
    CHECK_INT(af_parse_timestamp(S("2023-02-29T00:00:00"), NULL, AF_UNIT_SECOND, NULL, &v, &err),
              AF_EPARSE);
    CHECK_CONTAINS(err.msg, "February 2023 has 28 days");
    CHECK_INT(af_parse_timestamp(S("2024-03-01X12:00"), NULL, AF_UNIT_SECOND, NULL, &v, &err),
              AF_EPARSE);
    CHECK_INT(af_parse_timestamp(S("yesterday"), NULL, AF_UNIT_SECOND, NULL, &v, &err), AF_EPARSE);
    CHECK_CONTAINS(err.msg, "'yesterday' is not a timestamp");
}

TEST(timestamp_offsets)
{
    int64_t v = 0;
    const int64_t base = 1709296496LL; /* 2024-03-01T12:34:56Z */
    CHECK_INT(
        af_parse_timestamp(S("2024-03-01T14:34:56+02:00"), NULL, AF_UNIT_SECOND, "UTC", &v, &err),
        AF_OK);
    CHECK_INT(v, base);
    CHECK_INT(
        af_parse_timestamp(S("2024-03-01T14:34:56+0200"), NULL, AF_UNIT_SECOND, "UTC", &v, &err),
        AF_OK);
    CHECK_INT(v, base);
    CHECK_INT(
        af_parse_timestamp(S("2024-03-01T07:34:56-05"), NULL, AF_UNIT_SECOND, "UTC", &v, &err),
        AF_OK);
    CHECK_INT(v, base);
    CHECK_INT(
        af_parse_timestamp(S("2024-03-01 18:04:56 +05:30"), NULL, AF_UNIT_SECOND, "UTC", &v, &err),
        AF_OK);
    CHECK_INT(v, base);
    CHECK_INT(
        af_parse_timestamp(S("2024-03-01 12:34:56 UTC"), NULL, AF_UNIT_SECOND, "UTC", &v, &err),
        AF_OK);
    CHECK_INT(v, base);
    /* Text with an offset is UTC even in a naive column. */
    CHECK_INT(
        af_parse_timestamp(S("2024-03-01T14:34:56+02:00"), NULL, AF_UNIT_SECOND, NULL, &v, &err),
        AF_OK);
    CHECK_INT(v, base);
    CHECK_INT(
        af_parse_timestamp(S("2024-03-01T12:34:56+25:00"), NULL, AF_UNIT_SECOND, "UTC", &v, &err),
        AF_EPARSE);
    CHECK_INT(af_parse_timestamp(S("2024-03-01T12:34:56+2"), NULL, AF_UNIT_SECOND, "UTC", &v, &err),
              AF_EPARSE);
}

TEST(timestamp_nano_range)
{
    int64_t v = 0;
    CHECK_INT(
        af_parse_timestamp(S("2262-04-11T23:47:16.854775807Z"), NULL, AF_UNIT_NANO, NULL, &v, &err),
        AF_OK);
    CHECK(v == INT64_MAX);
    CHECK_INT(
        af_parse_timestamp(S("2262-04-11T23:47:16.854775808Z"), NULL, AF_UNIT_NANO, NULL, &v, &err),
        AF_EOVERFLOW);
    CHECK_CONTAINS(err.msg, "out of range");
    CHECK_INT(
        af_parse_timestamp(S("1677-09-21T00:12:43.145224192Z"), NULL, AF_UNIT_NANO, NULL, &v, &err),
        AF_OK);
    CHECK(v == INT64_MIN);
    CHECK_INT(
        af_parse_timestamp(S("1677-09-21T00:12:43.145224191Z"), NULL, AF_UNIT_NANO, NULL, &v, &err),
        AF_EOVERFLOW);
    CHECK_INT(af_parse_timestamp(S("9999-12-31T23:59:59Z"), NULL, AF_UNIT_MICRO, NULL, &v, &err),
              AF_OK);
    CHECK_INT(v, 253402300799000000LL);
    CHECK_INT(af_parse_timestamp(S("0000-01-01T00:00:00Z"), NULL, AF_UNIT_MICRO, NULL, &v, &err),
              AF_OK);
    CHECK_INT(v, -62167219200000000LL);
}

TEST(timestamp_default_timezone)
{
    af_parse_options o;
    af_parse_options_default(&o);
    int64_t v = 0;
    /* Naive target: wall clock kept whatever the default zone. */
    o.default_timezone = "Europe/Paris";
    CHECK_INT(af_parse_timestamp(S("2024-07-01 12:00:00"), &o, AF_UNIT_SECOND, NULL, &v, &err),
              AF_OK);
    CHECK_INT(v, 1719835200LL);
    /* Zoned target: naive text is read in the default zone. */
    CHECK_INT(af_parse_timestamp(S("2024-07-01 12:00:00"), &o, AF_UNIT_SECOND, "UTC", &v, &err),
              AF_OK);
    CHECK_INT(v, 1719828000LL); /* CEST, +02:00 */
    CHECK_INT(af_parse_timestamp(S("2024-01-15 12:00:00"), &o, AF_UNIT_SECOND, "UTC", &v, &err),
              AF_OK);
    CHECK_INT(v, 1705316400LL); /* CET, +01:00 */
    /* An explicit offset wins over the default zone. */
    CHECK_INT(af_parse_timestamp(S("2024-07-01 12:00:00Z"), &o, AF_UNIT_SECOND, "UTC", &v, &err),
              AF_OK);
    CHECK_INT(v, 1719835200LL);
    /* DST gap: 02:30 on 2024-03-31 does not exist in Paris. We use the offset
     * in force before the transition (+01:00): 01:30 UTC, i.e. 03:30 CEST. */
    CHECK_INT(af_parse_timestamp(S("2024-03-31 02:30:00"), &o, AF_UNIT_SECOND, "UTC", &v, &err),
              AF_OK);
    CHECK_INT(v, 1711848600LL);
    /* DST overlap: 02:30 on 2024-10-27 happens twice; the earlier (CEST) wins. */
    CHECK_INT(af_parse_timestamp(S("2024-10-27 02:30:00"), &o, AF_UNIT_SECOND, "UTC", &v, &err),
              AF_OK);
    CHECK_INT(v, 1729989000LL);

    o.default_timezone = "America/New_York";
    CHECK_INT(af_parse_timestamp(S("2024-07-04 12:00"), &o, AF_UNIT_SECOND, "UTC", &v, &err),
              AF_OK);
    CHECK_INT(v, 1720108800LL);
    CHECK_INT(af_parse_timestamp(S("2024-12-25 12:00"), &o, AF_UNIT_SECOND, "UTC", &v, &err),
              AF_OK);
    CHECK_INT(v, 1735146000LL);

    o.default_timezone = "+05:30";
    CHECK_INT(af_parse_timestamp(S("2024-03-01 18:04:56"), &o, AF_UNIT_SECOND, "UTC", &v, &err),
              AF_OK);
    CHECK_INT(v, 1709296496LL);

    o.default_timezone = "Mars/Olympus_Mons";
    CHECK_INT(af_parse_timestamp(S("2024-03-01 18:04:56"), &o, AF_UNIT_SECOND, "UTC", &v, &err),
              AF_ENOTFOUND);
    CHECK_CONTAINS(err.msg, "Mars/Olympus_Mons");
}

TEST(timestamp_formats)
{
    af_parse_options o;
    af_parse_options_default(&o);
    o.timestamp_formats[0] = "%d/%m/%Y %H:%M:%S.%f %z";
    o.timestamp_formats[1] = "%b %d %Y %H:%M";
    o.n_timestamp_formats = 2;
    o.date_formats[0] = "%Y.%j";
    o.n_date_formats = 1;
    int64_t v = 0;
    CHECK_INT(
        af_parse_timestamp(S("01/03/2024 14:34:56.5 +0200"), &o, AF_UNIT_MILLI, "UTC", &v, &err),
        AF_OK);
    CHECK_INT(v, 1709296496500LL);
    CHECK_INT(af_parse_timestamp(S("Mar 1 2024 12:34"), &o, AF_UNIT_SECOND, NULL, &v, &err), AF_OK);
    CHECK_INT(v, 1709296440LL);
    CHECK_INT(af_parse_timestamp(S("2024.061"), &o, AF_UNIT_SECOND, NULL, &v, &err), AF_OK);
    CHECK_INT(v, 1709251200LL);
    CHECK_INT(af_parse_timestamp(S("2024-03-01T12:34:56Z"), &o, AF_UNIT_SECOND, NULL, &v, &err),
              AF_OK);
    CHECK_INT(v, 1709296496LL);
    CHECK_INT(
        af_parse_timestamp(S("01/03/2024 14:34:56.5 +0200"), &o, AF_UNIT_SECOND, "UTC", &v, &err),
        AF_EOVERFLOW);
}

/* ---- time zones ---- */

TEST(tz_offsets)
{
    int32_t off = 1;
    CHECK_INT(af_tz_offset("UTC", 0, &off, &err), AF_OK);
    CHECK_INT(off, 0);
    CHECK_INT(af_tz_offset("Z", 0, &off, &err), AF_OK);
    CHECK_INT(off, 0);
    CHECK_INT(af_tz_offset(NULL, 0, &off, &err), AF_OK);
    CHECK_INT(off, 0);
    CHECK_INT(af_tz_offset("+02:00", 0, &off, &err), AF_OK);
    CHECK_INT(off, 7200);
    CHECK_INT(af_tz_offset("-0530", 0, &off, &err), AF_OK);
    CHECK_INT(off, -19800);
    CHECK_INT(af_tz_offset("-05", 0, &off, &err), AF_OK);
    CHECK_INT(off, -18000);
    CHECK_INT(af_tz_offset("+2", 0, &off, &err), AF_EINVAL);
    CHECK_INT(af_tz_offset("+02:00x", 0, &off, &err), AF_EINVAL);
    CHECK_INT(af_tz_offset("../../etc/passwd", 0, &off, &err), AF_EINVAL);
    CHECK_INT(af_tz_offset("/etc/passwd", 0, &off, &err), AF_EINVAL);
    CHECK_INT(af_tz_offset("Europe/../../../etc/passwd", 0, &off, &err), AF_EINVAL);
    CHECK_INT(af_tz_offset("", 0, &off, &err), AF_EINVAL);
    CHECK_INT(af_tz_offset("Nowhere/City", 0, &off, &err), AF_ENOTFOUND);
    CHECK_CONTAINS(err.msg, "Nowhere/City");
}

TEST(tz_iana)
{
    int32_t off = 0;
    /* Europe/Paris: summer, winter, far future (footer rule), before 1911 (PMT). */
    CHECK_INT(af_tz_offset("Europe/Paris", 1719828000LL, &off, &err), AF_OK);
    CHECK_INT(off, 7200);
    CHECK_INT(af_tz_offset("Europe/Paris", 1705316400LL, &off, &err), AF_OK);
    CHECK_INT(off, 3600);
    CHECK_INT(af_tz_offset("Europe/Paris", 2540282400LL, &off, &err), AF_OK);
    CHECK_INT(off, 7200);
    CHECK_INT(af_tz_offset("Europe/Paris", 2553505200LL, &off, &err), AF_OK);
    CHECK_INT(off, 3600);
    CHECK_INT(af_tz_offset("Europe/Paris", -2208946161LL, &off, &err), AF_OK);
    CHECK_INT(off, 561);
    /* Transition instants: 2024-03-31 01:00 UTC (CET -> CEST). */
    CHECK_INT(af_tz_offset("Europe/Paris", 1711846799LL, &off, &err), AF_OK);
    CHECK_INT(off, 3600);
    CHECK_INT(af_tz_offset("Europe/Paris", 1711846800LL, &off, &err), AF_OK);
    CHECK_INT(off, 7200);
    /* America/New_York: summer, winter, 2100 (footer rule). */
    CHECK_INT(af_tz_offset("America/New_York", 1720108800LL, &off, &err), AF_OK);
    CHECK_INT(off, -14400);
    CHECK_INT(af_tz_offset("America/New_York", 1735146000LL, &off, &err), AF_OK);
    CHECK_INT(off, -18000);
    CHECK_INT(af_tz_offset("America/New_York", 4118140800LL, &off, &err), AF_OK);
    CHECK_INT(off, -14400);
    /* Extreme instants stay defined. */
    CHECK_INT(af_tz_offset("America/New_York", INT64_MAX, &off, &err), AF_OK);
    CHECK_INT(af_tz_offset("America/New_York", INT64_MIN, &off, &err), AF_OK);
    /* Cached second lookup gives the same answer. */
    CHECK_INT(af_tz_offset("Europe/Paris", 1719828000LL, &off, &err), AF_OK);
    CHECK_INT(off, 7200);
    CHECK_INT(af_tz_offset("Asia/Tokyo", 1719828000LL, &off, &err), AF_OK);
    CHECK_INT(off, 32400);
}

/* The zone cache is shared by all pipeline threads. */
static void *tz_worker(void *arg)
{
    static const char *const zones[] = {"Europe/Berlin", "America/Chicago", "Asia/Kolkata",
                                        "Australia/Sydney"};
    static const int32_t want[] = {7200, -18000, 19800, 36000}; /* at 2024-07-01T10:00Z */
    long bad = 0;
    for (int i = 0; i < 2000; i++) {
        size_t k = (size_t)(i + (int)(intptr_t)arg) % 4;
        int32_t off = 0;
        af_error e;
        if (af_tz_offset(zones[k], 1719828000LL, &off, &e) != AF_OK || off != want[k])
            bad++;
    }
    return (void *)(intptr_t)bad;
}

TEST(tz_threads)
{
    pthread_t th[8];
    for (int i = 0; i < 8; i++)
        CHECK_INT(pthread_create(&th[i], NULL, tz_worker, (void *)(intptr_t)i), 0);
    for (int i = 0; i < 8; i++) {
        void *r = NULL;
        pthread_join(th[i], &r);
        CHECK_INT((intptr_t)r, 0);
    }
}

/* ---- UUID ---- */

TEST(uuid)
{
    static const uint8_t want[16] = {0x12, 0x3e, 0x45, 0x67, 0xe8, 0x9b, 0x12, 0xd3,
                                     0xa4, 0x56, 0x42, 0x66, 0x14, 0x17, 0x40, 0x00};
    uint8_t u[16];
    CHECK_INT(af_parse_uuid(S("123e4567-e89b-12d3-a456-426614174000"), u, &err), AF_OK);
    CHECK(memcmp(u, want, 16) == 0);
    memset(u, 0, 16);
    CHECK_INT(af_parse_uuid(S("123E4567E89B12D3A456426614174000"), u, &err), AF_OK);
    CHECK(memcmp(u, want, 16) == 0);
    memset(u, 0, 16);
    CHECK_INT(af_parse_uuid(S("{123e4567-e89b-12d3-a456-426614174000}"), u, &err), AF_OK);
    CHECK(memcmp(u, want, 16) == 0);
    CHECK_INT(af_parse_uuid(S("123e4567-e89b-12d3-a456-42661417400"), u, &err), AF_EPARSE);
    CHECK_INT(af_parse_uuid(S("123e4567-e89b-12d3-a456-4266141740000"), u, &err), AF_EPARSE);
    CHECK_INT(af_parse_uuid(S("123e4567e-89b-12d3-a456-426614174000"), u, &err), AF_EPARSE);
    CHECK_INT(af_parse_uuid(S("g23e4567-e89b-12d3-a456-426614174000"), u, &err), AF_EPARSE);
    CHECK_INT(af_parse_uuid(S("{123e4567-e89b-12d3-a456-426614174000"), u, &err), AF_EPARSE);
    CHECK_INT(af_parse_uuid(S(""), u, &err), AF_EPARSE);
    CHECK_CONTAINS(err.msg, "is not a UUID");
}

/* ---- UTF-8 ---- */

TEST(utf8)
{
    CHECK_INT(af_utf8_invalid_offset(S("plain ascii")), -1);
    CHECK_INT(af_utf8_invalid_offset(S("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80")), -1);
    CHECK_INT(af_utf8_invalid_offset(S("\xf4\x8f\xbf\xbf")), -1); /* U+10FFFF */
    CHECK_INT(af_utf8_invalid_offset(S("\xed\x9f\xbf")), -1);     /* U+D7FF */
    CHECK_INT(af_utf8_invalid_offset(S("\xee\x80\x80")), -1);     /* U+E000 */
    CHECK_INT(af_utf8_invalid_offset("a\0b", 3), -1);             /* NUL is valid */
    CHECK_INT(af_utf8_invalid_offset(S("ab\xc0\xaf")), 2);        /* overlong '/' */
    CHECK_INT(af_utf8_invalid_offset(S("\xc1\xbf")), 0);          /* overlong */
    CHECK_INT(af_utf8_invalid_offset(S("x\xe0\x80\xaf")), 1);     /* overlong 3-byte */
    CHECK_INT(af_utf8_invalid_offset(S("\xf0\x80\x80\xaf")), 0);  /* overlong 4-byte */
    CHECK_INT(af_utf8_invalid_offset(S("abc\xed\xa0\x80")), 3);   /* surrogate D800 */
    CHECK_INT(af_utf8_invalid_offset(S("\xed\xbf\xbf")), 0);      /* surrogate DFFF */
    CHECK_INT(af_utf8_invalid_offset(S("\xf4\x90\x80\x80")), 0);  /* U+110000 */
    CHECK_INT(af_utf8_invalid_offset(S("\xf5\x80\x80\x80")), 0);
    CHECK_INT(af_utf8_invalid_offset(S("\xff")), 0);
    CHECK_INT(af_utf8_invalid_offset(S("ok\x80")), 2);       /* stray continuation */
    CHECK_INT(af_utf8_invalid_offset(S("caf\xc3")), 3);      /* truncated 2-byte */
    CHECK_INT(af_utf8_invalid_offset(S("\xe2\x82")), 0);     /* truncated 3-byte */
    CHECK_INT(af_utf8_invalid_offset(S("\xf0\x9f\x98")), 0); /* truncated 4-byte */
    CHECK_INT(af_utf8_invalid_offset(S("\xe2\x82x")), 0);    /* bad continuation */
    /* Bounded: a valid sequence cut by n is truncated. */
    CHECK_INT(af_utf8_invalid_offset("\xc3\xa9", 1), 0);
}

/* ---- appending to typed columns ---- */

typedef struct col {
    af_schema *schema;
    af_batch *batch;
} col;

static af_array *make_col(col *c, af_type t)
{
    c->schema = af_schema_new();
    af_schema_add_simple(c->schema, "c", t, true);
    c->batch = af_batch_new(c->schema);
    return c->batch ? &c->batch->columns[0] : NULL;
}

static void free_col(col *c)
{
    af_batch_release(c->batch);
    af_schema_free(c->schema);
}

TEST(append_ints_and_floats)
{
    af_parse_options o;
    af_parse_options_default(&o);
    col c;
    af_array *a = make_col(&c, af_type_make(AF_TYPE_INT8));
    CHECK(a != NULL);
    CHECK_INT(af_array_append_text(a, S("-128"), &o, &err), AF_OK);
    CHECK_INT(af_array_append_text(a, S("300"), &o, &err), AF_EOVERFLOW);
    CHECK_CONTAINS(err.msg, "'300' is out of range for int8");
    CHECK_INT(af_array_append_text(a, S("x"), &o, &err), AF_EPARSE);
    CHECK_INT(a->length, 1);
    CHECK_INT(af_array_get_int(a, 0), -128);
    free_col(&c);

    a = make_col(&c, af_type_make(AF_TYPE_INT64));
    CHECK_INT(af_array_append_text(a, S("-9223372036854775808"), &o, &err), AF_OK);
    CHECK(af_array_get_int(a, 0) == INT64_MIN);
    free_col(&c);

    a = make_col(&c, af_type_make(AF_TYPE_FLOAT32));
    CHECK_INT(af_array_append_text(a, S("1.5"), &o, &err), AF_OK);
    CHECK_INT(af_array_append_text(a, S("1e39"), &o, &err), AF_EOVERFLOW);
    CHECK_CONTAINS(err.msg, "float32");
    CHECK_INT(af_array_append_text(a, S("3.4028235e38"), &o, &err), AF_OK);
    CHECK_INT(af_array_append_text(a, S("-inf"), &o, &err), AF_OK);
    CHECK_INT(a->length, 3);
    CHECK(af_array_get_double(a, 0) == 1.5);
    CHECK(af_array_get_double(a, 1) == (double)FLT_MAX);
    CHECK(isinf(af_array_get_double(a, 2)));
    free_col(&c);

    o.decimal_mark = ',';
    a = make_col(&c, af_type_make(AF_TYPE_FLOAT64));
    CHECK_INT(af_array_append_text(a, S("2,5"), &o, &err), AF_OK);
    CHECK(af_array_get_double(a, 0) == 2.5);
    free_col(&c);
}

TEST(append_decimal_bool_uuid)
{
    af_parse_options o;
    af_parse_options_default(&o);
    col c;
    af_array *a = make_col(&c, af_type_decimal(5, 2));
    CHECK_INT(af_array_append_text(a, S("1.50"), &o, &err), AF_OK);
    CHECK_INT(af_array_append_text(a, S("1.505"), &o, &err), AF_EOVERFLOW);
    CHECK(af_array_get_decimal(a, 0) == 150);
    CHECK_INT(a->length, 1);
    free_col(&c);

    a = make_col(&c, af_type_make(AF_TYPE_BOOL));
    CHECK_INT(af_array_append_text(a, S("Yes"), &o, &err), AF_OK);
    CHECK_INT(af_array_append_text(a, S("0"), &o, &err), AF_OK);
    CHECK_INT(af_array_append_text(a, S("perhaps"), &o, &err), AF_EPARSE);
    CHECK(af_array_get_bool(a, 0));
    CHECK(!af_array_get_bool(a, 1));
    free_col(&c);

    a = make_col(&c, af_type_make(AF_TYPE_UUID));
    CHECK_INT(af_array_append_text(a, S("123e4567-e89b-12d3-a456-426614174000"), &o, &err), AF_OK);
    size_t len = 0;
    const uint8_t *p = af_array_get_bytes(a, 0, &len);
    CHECK_INT(len, 16);
    CHECK(p && p[0] == 0x12 && p[15] == 0x00);
    free_col(&c);
}

TEST(append_strings)
{
    af_parse_options o;
    af_parse_options_default(&o);
    col c;
    af_array *a = make_col(&c, af_type_make(AF_TYPE_STRING));
    CHECK_INT(af_array_append_text(a, S("  caf\xc3\xa9  "), &o, &err), AF_OK);
    CHECK_INT(af_array_append_text(a, S("ab\xed\xa0\x80"), &o, &err), AF_EPARSE);
    CHECK_CONTAINS(err.msg, "invalid UTF-8 at byte 2");
    size_t len = 0;
    const uint8_t *p = af_array_get_bytes(a, 0, &len);
    CHECK_INT(len, 9); /* strings are never trimmed here */
    CHECK(p && memcmp(p, "  caf\xc3\xa9  ", 9) == 0);
    CHECK_INT(a->length, 1);
    free_col(&c);

    a = make_col(&c, af_type_make(AF_TYPE_JSON));
    CHECK_INT(af_array_append_text(a, S("{\"a\":1}"), &o, &err), AF_OK);
    CHECK_INT(af_array_append_text(a, S("\xff"), &o, &err), AF_EPARSE);
    free_col(&c);

    a = make_col(&c, af_type_make(AF_TYPE_BINARY));
    CHECK_INT(af_array_append_text(a, S("\xff\x00\xfe"), &o, &err), AF_OK);
    p = af_array_get_bytes(a, 0, &len);
    CHECK_INT(len, 3);
    CHECK(p && p[0] == 0xff && p[1] == 0 && p[2] == 0xfe);
    free_col(&c);
}

TEST(append_temporal)
{
    af_parse_options o;
    af_parse_options_default(&o);
    o.default_timezone = "Europe/Paris";
    col c;
    af_array *a = make_col(&c, af_type_make(AF_TYPE_DATE));
    CHECK_INT(af_array_append_text(a, S("2024-02-29"), &o, &err), AF_OK);
    CHECK_INT(af_array_append_text(a, S("2023-02-29"), &o, &err), AF_EPARSE);
    CHECK_INT(af_array_get_int(a, 0), 19782);
    free_col(&c);

    a = make_col(&c, af_type_time(AF_UNIT_MILLI));
    CHECK_INT(af_array_append_text(a, S("12:00:00.123"), &o, &err), AF_OK);
    CHECK_INT(af_array_append_text(a, S("12:00:00.1234"), &o, &err), AF_EOVERFLOW);
    CHECK_INT(af_array_get_int(a, 0), 43200123);
    free_col(&c);

    a = make_col(&c, af_type_timestamp(AF_UNIT_MICRO, "UTC"));
    CHECK_INT(af_array_append_text(a, S("2024-07-01 12:00:00"), &o, &err), AF_OK);
    CHECK_INT(af_array_get_int(a, 0), 1719828000000000LL);
    free_col(&c);

    a = make_col(&c, af_type_timestamp(AF_UNIT_MICRO, NULL));
    CHECK_INT(af_array_append_text(a, S("2024-07-01 12:00:00"), &o, &err), AF_OK);
    CHECK_INT(af_array_get_int(a, 0), 1719835200000000LL);
    free_col(&c);
}

TEST(append_nested_unsupported)
{
    af_field f;
    memset(&f, 0, sizeof f);
    f.name = "s";
    f.type.id = AF_TYPE_STRUCT;
    af_array a;
    memset(&a, 0, sizeof a);
    a.field = &f;
    CHECK_INT(af_array_append_text(&a, S("x"), NULL, &err), AF_EUNSUPPORTED);
    f.type.id = AF_TYPE_LIST;
    CHECK_INT(af_array_append_text(&a, S("x"), NULL, &err), AF_EUNSUPPORTED);
    CHECK_INT(a.length, 0);
}

/* ---- messages ---- */

TEST(messages_bounded)
{
    char big[300];
    memset(big, '7', sizeof big);
    big[150] = 'x';
    int64_t v;
    CHECK_INT(af_parse_int64(big, sizeof big, &v, &err), AF_EPARSE);
    CHECK_CONTAINS(err.msg, "...' is not an integer");
    CHECK(strlen(err.msg) < 120);
    /* Control characters never reach the message. */
    CHECK_INT(af_parse_int64(S("1\n2"), &v, &err), AF_EPARSE);
    CHECK(strchr(err.msg, '\n') == NULL);
}

TEST_MAIN()
