/* test_infer.c - column type inference (infer.h): each lattice step, the
 * joins that must fall back to string, and the data-preserving rules
 * (leading zeros, 0/1, huge integers) that infer.c documents. */
#include "core/infer.h"
#include "test.h"

/* Infers over a NULL-terminated list; "" entries are nulls. */
static af_type infer_list(const char *const *vals, const af_parse_options *opts, bool *nullable)
{
    af_infer inf;
    af_infer_init(&inf);
    for (size_t i = 0; vals[i]; i++)
        af_infer_observe(&inf, vals[i], strlen(vals[i]), vals[i][0] == '\0', opts);
    if (nullable)
        *nullable = af_infer_nullable(&inf);
    return af_infer_result(&inf);
}

#define INFER(opts, ...) infer_list((const char *const[]){__VA_ARGS__, NULL}, opts, NULL)

TEST(empty_and_nulls)
{
    af_infer inf;
    af_infer_init(&inf);
    CHECK_INT(af_infer_result(&inf).id, AF_TYPE_STRING);
    CHECK(!af_infer_nullable(&inf));
    bool nullable = false;
    af_type t = infer_list((const char *const[]){"", "", NULL}, NULL, &nullable);
    CHECK_INT(t.id, AF_TYPE_STRING);
    CHECK(nullable);
    t = infer_list((const char *const[]){"1", "", "2", NULL}, NULL, &nullable);
    CHECK_INT(t.id, AF_TYPE_INT64);
    CHECK(nullable);
    t = infer_list((const char *const[]){"1", "2", NULL}, NULL, &nullable);
    CHECK(!nullable);
}

TEST(integers)
{
    CHECK_INT(INFER(NULL, "1", "-2", "2147483647", "-2147483648").id, AF_TYPE_INT64);
    CHECK_INT(INFER(NULL, "1", "2147483648").id, AF_TYPE_INT64);
    CHECK_INT(INFER(NULL, "-2147483649", "5").id, AF_TYPE_INT64);
    CHECK_INT(INFER(NULL, "9223372036854775807", "-9223372036854775808").id, AF_TYPE_INT64);
    CHECK_INT(INFER(NULL, " 42 ", "+7", "0", "-0").id, AF_TYPE_INT64);
    /* Beyond int64: exact decimal(p,0). */
    af_type t = INFER(NULL, "1", "9223372036854775808");
    CHECK_INT(t.id, AF_TYPE_DECIMAL);
    CHECK_INT(t.precision, 38);
    CHECK_INT(t.scale, 0);
    t = INFER(NULL, "99999999999999999999999999999999999999");
    CHECK_INT(t.id, AF_TYPE_DECIMAL);
    CHECK_INT(t.precision, 38);
    /* 39 digits: float64 would round it, so it stays text. */
    CHECK_INT(INFER(NULL, "1", "999999999999999999999999999999999999999").id, AF_TYPE_STRING);
}

TEST(leading_zeros_are_strings)
{
    /* Zip codes and IDs: an integer column would drop the zeros. */
    CHECK_INT(INFER(NULL, "007", "123").id, AF_TYPE_STRING);
    CHECK_INT(INFER(NULL, "02134").id, AF_TYPE_STRING);
    CHECK_INT(INFER(NULL, "-01").id, AF_TYPE_STRING);
    CHECK_INT(INFER(NULL, "00.5").id, AF_TYPE_STRING);
    CHECK_INT(INFER(NULL, "0", "10").id, AF_TYPE_INT64);
    CHECK_INT(INFER(NULL, "0.5").id, AF_TYPE_DECIMAL);
}

TEST(decimals)
{
    af_type t = INFER(NULL, "1.5", "22.25", "-3");
    CHECK_INT(t.id, AF_TYPE_DECIMAL);
    CHECK_INT(t.precision, 18);
    CHECK_INT(t.scale, 2);
    t = INFER(NULL, "0.001");
    CHECK_INT(t.id, AF_TYPE_DECIMAL);
    CHECK_INT(t.precision, 18);
    CHECK_INT(t.scale, 3);
    t = INFER(NULL, "123456", "0.5");
    CHECK_INT(t.precision, 18);
    CHECK_INT(t.scale, 1);
    /* Decimal widened by an int64 beyond int32. */
    t = INFER(NULL, "1.25", "9000000000");
    CHECK_INT(t.id, AF_TYPE_DECIMAL);
    CHECK_INT(t.precision, 18);
    CHECK_INT(t.scale, 2);
    /* European mark. */
    af_parse_options eu;
    af_parse_options_default(&eu);
    eu.decimal_mark = ',';
    t = INFER(&eu, "1,5", "2");
    CHECK_INT(t.id, AF_TYPE_DECIMAL);
    CHECK_INT(t.scale, 1);
    CHECK_INT(INFER(NULL, "1,5").id, AF_TYPE_STRING);
    /* Limits: 18 fractional digits is decimal, 19 is float64; 38 total. */
    t = INFER(NULL, "0.123456789012345678");
    CHECK_INT(t.id, AF_TYPE_DECIMAL);
    CHECK_INT(t.scale, 18);
    CHECK_INT(INFER(NULL, "0.1234567890123456789").id, AF_TYPE_FLOAT64);
    t = INFER(NULL, "12345678901234567890.123456789012345678");
    CHECK_INT(t.id, AF_TYPE_DECIMAL);
    CHECK_INT(t.precision, 38);
    CHECK_INT(INFER(NULL, "123456789012345678901.123456789012345678").id, AF_TYPE_FLOAT64);
}

TEST(floats)
{
    CHECK_INT(INFER(NULL, "1.5e3").id, AF_TYPE_FLOAT64);
    CHECK_INT(INFER(NULL, "1", "2.5", "nan").id, AF_TYPE_FLOAT64);
    CHECK_INT(INFER(NULL, "inf", "-inf").id, AF_TYPE_FLOAT64);
    CHECK_INT(INFER(NULL, "1E-7", "3").id, AF_TYPE_FLOAT64);
    CHECK_INT(INFER(NULL, "1e999").id, AF_TYPE_STRING); /* not representable */
    CHECK_INT(INFER(NULL, "1.5", "abc").id, AF_TYPE_STRING);
}

TEST(booleans)
{
    CHECK_INT(INFER(NULL, "true", "False", "YES", "n").id, AF_TYPE_BOOL);
    /* 0/1 stay integers... */
    CHECK_INT(INFER(NULL, "0", "1", "1").id, AF_TYPE_INT64);
    /* ...so a mix of words and digits is no common type. */
    CHECK_INT(INFER(NULL, "true", "0").id, AF_TYPE_STRING);
    CHECK_INT(INFER(NULL, "true", "maybe").id, AF_TYPE_STRING);
    af_parse_options o;
    af_parse_options_default(&o);
    o.true_tokens[0] = "oui";
    o.false_tokens[0] = "non";
    o.n_true = o.n_false = 1;
    CHECK_INT(INFER(&o, "oui", "NON").id, AF_TYPE_BOOL);
    CHECK_INT(INFER(&o, "yes").id, AF_TYPE_STRING);
}

TEST(dates_and_timestamps)
{
    CHECK_INT(INFER(NULL, "2024-03-01", "1999-12-31").id, AF_TYPE_DATE);
    CHECK_INT(INFER(NULL, "2024-02-30").id, AF_TYPE_STRING);
    af_type t = INFER(NULL, "2024-03-01", "2024-03-01 12:00:00");
    CHECK_INT(t.id, AF_TYPE_TIMESTAMP);
    CHECK_INT(t.unit, AF_UNIT_MICRO);
    CHECK(t.timezone == NULL);
    t = INFER(NULL, "2024-03-01T12:00:00Z", "2024-03-02T12:00:00+02:00");
    CHECK_INT(t.id, AF_TYPE_TIMESTAMP);
    CHECK_STR(t.timezone, "UTC");
    t = INFER(NULL, "2024-03-01T12:00:00", "2024-03-02T12:00:00+02:00");
    CHECK_STR(t.timezone, "UTC");
    t = INFER(NULL, "2024-03-01T12:00:00.123456");
    CHECK_INT(t.unit, AF_UNIT_MICRO);
    t = INFER(NULL, "2024-03-01T12:00:00.123456789", "2024-03-01");
    CHECK_INT(t.id, AF_TYPE_TIMESTAMP);
    CHECK_INT(t.unit, AF_UNIT_NANO);
    /* Nanoseconds needed but another value is outside the nanosecond range. */
    CHECK_INT(INFER(NULL, "2024-03-01T12:00:00.123456789", "2500-01-01T00:00:00").id,
              AF_TYPE_STRING);
    /* Mixed with numbers: no common type. */
    CHECK_INT(INFER(NULL, "2024-03-01", "5").id, AF_TYPE_STRING);
    CHECK_INT(INFER(NULL, "2024-03-01", "true").id, AF_TYPE_STRING);
    /* Pure digits are numbers, not compact dates. */
    CHECK_INT(INFER(NULL, "20240301").id, AF_TYPE_INT64);
}

TEST(configured_formats)
{
    af_parse_options o;
    af_parse_options_default(&o);
    o.date_formats[0] = "%d/%m/%Y";
    o.n_date_formats = 1;
    CHECK_INT(INFER(&o, "01/03/2024", "31/12/1999").id, AF_TYPE_DATE);
    CHECK_INT(INFER(&o, "31/02/2024").id, AF_TYPE_STRING);
    o.date_formats[0] = "%Y%m%d";
    CHECK_INT(INFER(&o, "20240301", "19991231").id, AF_TYPE_DATE);
    CHECK_INT(INFER(&o, "20240301", "42").id, AF_TYPE_STRING);

    af_parse_options ts;
    af_parse_options_default(&ts);
    ts.timestamp_formats[0] = "%d %b %Y %H:%M";
    ts.n_timestamp_formats = 1;
    af_type t = INFER(&ts, "01 Mar 2024 12:30");
    CHECK_INT(t.id, AF_TYPE_TIMESTAMP);
    CHECK(t.timezone == NULL);
}

TEST(strings)
{
    CHECK_INT(INFER(NULL, "hello", "world").id, AF_TYPE_STRING);
    CHECK_INT(INFER(NULL, "1", "two").id, AF_TYPE_STRING);
    CHECK_INT(INFER(NULL, "  ").id, AF_TYPE_STRING);
    CHECK_INT(INFER(NULL, "1 000").id, AF_TYPE_STRING);
}

TEST(count)
{
    af_infer inf;
    af_infer_init(&inf);
    af_infer_observe(&inf, "1", 1, false, NULL);
    af_infer_observe(&inf, "", 0, true, NULL);
    af_infer_observe(&inf, "2", 1, false, NULL);
    CHECK_INT(inf.n_values, 2);
    CHECK(af_infer_nullable(&inf));
}

TEST_MAIN()
