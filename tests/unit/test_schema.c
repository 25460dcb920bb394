/* test_schema.c - unit tests of logical types, fields and schemas: the text
 * forms (parse/format round trips and their errors), deep copies and JSON. */
#include "core/schema.h"
#include "test.h"

static const char *fmt_type(const af_type *t, af_buf *b)
{
    af_buf_reset(b);
    if (af_type_format(t, b))
        return NULL;
    return af_buf_cstr(b);
}

static const char *fmt_field(const af_field *f, af_buf *b)
{
    af_buf_reset(b);
    if (af_field_format_type(f, b))
        return NULL;
    return af_buf_cstr(b);
}

TEST(type_names)
{
    CHECK_STR(af_type_name(AF_TYPE_INT64), "int64");
    CHECK_STR(af_type_name(AF_TYPE_TIMESTAMP), "timestamp");
    CHECK_STR(af_type_name(AF_TYPE_MAP), "map");
    CHECK_STR(af_type_name((af_type_id)999), "unknown");
    CHECK_STR(af_time_unit_name(AF_UNIT_SECOND), "s");
    CHECK_STR(af_time_unit_name(AF_UNIT_MILLI), "ms");
    CHECK_STR(af_time_unit_name(AF_UNIT_MICRO), "us");
    CHECK_STR(af_time_unit_name(AF_UNIT_NANO), "ns");
    CHECK(af_type_is_nested(AF_TYPE_STRUCT));
    CHECK(af_type_is_nested(AF_TYPE_LIST));
    CHECK(af_type_is_nested(AF_TYPE_MAP));
    CHECK(!af_type_is_nested(AF_TYPE_JSON));
}

TEST(type_format)
{
    af_buf b;
    af_buf_init(&b);
    af_type t = af_type_decimal(19, 4);
    CHECK_STR(fmt_type(&t, &b), "decimal(19,4)");
    t = af_type_timestamp(AF_UNIT_MICRO, "UTC");
    CHECK_STR(fmt_type(&t, &b), "timestamp[us, UTC]");
    t = af_type_timestamp(AF_UNIT_NANO, NULL);
    CHECK_STR(fmt_type(&t, &b), "timestamp[ns]");
    t = af_type_time(AF_UNIT_MILLI);
    CHECK_STR(fmt_type(&t, &b), "time[ms]");
    t = af_type_make(AF_TYPE_UUID);
    CHECK_STR(fmt_type(&t, &b), "uuid");
    t = af_type_make(AF_TYPE_TIMESTAMP);
    CHECK_INT(t.unit, AF_UNIT_MICRO);
    CHECK(t.timezone == NULL);
    af_buf_free(&b);
}

static void parse_ok(const char *text, const char *expect_format)
{
    af_type t;
    char tz[64];
    af_error err = {0};
    int rc = af_type_parse(text, &t, tz, sizeof tz, &err);
    CHECK_INT(rc, AF_OK);
    if (rc) {
        fprintf(stderr, "  parsing '%s': %s\n", text, err.msg);
        return;
    }
    af_buf b;
    af_buf_init(&b);
    CHECK_STR(fmt_type(&t, &b), expect_format);
    /* the formatted text parses back to the same type */
    af_type t2;
    char tz2[64];
    CHECK_INT(af_type_parse(af_buf_cstr(&b), &t2, tz2, sizeof tz2, &err), AF_OK);
    CHECK(af_type_equal(&t, &t2));
    af_buf_free(&b);
}

TEST(type_parse_round_trips)
{
    parse_ok("bool", "bool");
    parse_ok("BOOLEAN", "bool");
    parse_ok("tinyint", "int8");
    parse_ok("smallint", "int16");
    parse_ok("int", "int32");
    parse_ok("integer", "int32");
    parse_ok("bigint", "int64");
    parse_ok(" int64 ", "int64");
    parse_ok("float", "float32");
    parse_ok("real", "float32");
    parse_ok("double", "float64");
    parse_ok("decimal(19,4)", "decimal(19,4)");
    parse_ok("numeric( 38 , 0 )", "decimal(38,0)");
    parse_ok("decimal(5)", "decimal(5,0)");
    parse_ok("decimal(1,1)", "decimal(1,1)");
    parse_ok("text", "string");
    parse_ok("utf8", "string");
    parse_ok("bytes", "binary");
    parse_ok("date", "date");
    parse_ok("time", "time[us]");
    parse_ok("time(ms)", "time[ms]");
    parse_ok("time[s]", "time[s]");
    parse_ok("timestamp", "timestamp[us]");
    parse_ok("timestamp(ms, UTC)", "timestamp[ms, UTC]");
    parse_ok("timestamp(ms, utc)", "timestamp[ms, UTC]");
    parse_ok("timestamp[us, Europe/Paris]", "timestamp[us, Europe/Paris]");
    parse_ok("timestamp(ns,+02:00)", "timestamp[ns, +02:00]");
    parse_ok("timestamptz", "timestamp[us, UTC]");
    parse_ok("uuid", "uuid");
    parse_ok("json", "json");
}

TEST(type_parse_values)
{
    af_type t;
    char tz[32];
    af_error err = {0};
    CHECK_INT(af_type_parse("timestamp[us, America/New_York]", &t, tz, sizeof tz, &err), 0);
    CHECK_INT(t.id, AF_TYPE_TIMESTAMP);
    CHECK_INT(t.unit, AF_UNIT_MICRO);
    CHECK_STR(t.timezone, "America/New_York");
    CHECK(t.timezone == tz);
    CHECK_INT(af_type_parse("decimal(19,4)", &t, NULL, 0, &err), 0);
    CHECK_INT(t.precision, 19);
    CHECK_INT(t.scale, 4);
    /* a static zone needs no storage */
    CHECK_INT(af_type_parse("timestamptz", &t, NULL, 0, &err), 0);
    CHECK_STR(t.timezone, "UTC");
}

static void parse_fails(const char *text, const char *msg_part)
{
    af_type t;
    char tz[16];
    af_error err = {0};
    int rc = af_type_parse(text, &t, tz, sizeof tz, &err);
    CHECK(rc == AF_ECONFIG || rc == AF_EINVAL);
    CHECK_INT(err.code, rc);
    CHECK_CONTAINS(err.msg, msg_part);
}

TEST(type_parse_errors)
{
    parse_fails("integr", "valid types: bool");
    parse_fails("integr", "'integr'");
    parse_fails("decimal(0,0)", "precision 0 is out of range 1..38");
    parse_fails("decimal(39,2)", "precision 39");
    parse_fails("decimal(5,6)", "scale 6");
    parse_fails("decimal(a,b)", "must be integers");
    parse_fails("decimal(5,-1)", "must be integers");
    parse_fails("decimal", "needs a precision");
    parse_fails("decimal(19,4", "missing ')'");
    parse_fails("time(hours)", "unit");
    parse_fails("timestamp(xs, UTC)", "unit");
    parse_fails("timestamp(us, )", "empty time zone");
    parse_fails("timestamp(us, Europe/Paris;rm)", "invalid character");
    parse_fails("timestamp(us, America/Argentina/Buenos_Aires)", "too long");
    parse_fails("list<string>", "unknown type");
    parse_fails("struct", "nested types");
    parse_fails("", "unknown type");
}

TEST(type_equal)
{
    af_type a = af_type_decimal(10, 2), b = af_type_decimal(10, 2), c = af_type_decimal(10, 3);
    CHECK(af_type_equal(&a, &b));
    CHECK(!af_type_equal(&a, &c));
    char zone[] = "UTC";
    af_type t1 = af_type_timestamp(AF_UNIT_MICRO, "UTC");
    af_type t2 = af_type_timestamp(AF_UNIT_MICRO, zone);
    af_type t3 = af_type_timestamp(AF_UNIT_MICRO, NULL);
    af_type t4 = af_type_timestamp(AF_UNIT_MILLI, "UTC");
    CHECK(af_type_equal(&t1, &t2));
    CHECK(!af_type_equal(&t1, &t3));
    CHECK(!af_type_equal(&t1, &t4));
    af_type i1 = af_type_make(AF_TYPE_INT32), i2 = af_type_make(AF_TYPE_INT64);
    CHECK(!af_type_equal(&i1, &i2));
}

/* list<struct<a: int32, b: list<string>>> */
static void make_nested(af_field *f)
{
    af_field st, a, bl, item, item2;
    CHECK_INT(af_field_init(f, "items", af_type_make(AF_TYPE_LIST), true), 0);
    CHECK_INT(af_field_init(&st, "item", af_type_make(AF_TYPE_STRUCT), true), 0);
    CHECK_INT(af_field_init(&a, "a", af_type_make(AF_TYPE_INT32), false), 0);
    CHECK_INT(af_field_init(&bl, "b", af_type_make(AF_TYPE_LIST), true), 0);
    CHECK_INT(af_field_init(&item, "item", af_type_make(AF_TYPE_STRING), true), 0);
    CHECK_INT(af_field_add_child(&bl, &item), 0);
    CHECK_INT(af_field_add_child(&st, &a), 0);
    CHECK_INT(af_field_add_child(&st, &bl), 0);
    CHECK_INT(af_field_add_child(f, &st), 0);
    /* adding a child that lives inside the parent itself must be safe */
    CHECK_INT(af_field_init(&item2, "x", af_type_make(AF_TYPE_STRUCT), true), 0);
    CHECK_INT(af_field_add_child(&item2, &a), 0);
    CHECK_INT(af_field_add_child(&item2, &item2.children[0]), 0);
    CHECK_INT(item2.n_children, 2);
    CHECK_STR(item2.children[1].name, "a");
    af_field_free(&item2);
    af_field_free(&st);
    af_field_free(&a);
    af_field_free(&bl);
    af_field_free(&item);
}

TEST(field_nested_format_and_copy)
{
    af_field f, g;
    make_nested(&f);
    af_buf b;
    af_buf_init(&b);
    CHECK_STR(fmt_field(&f, &b), "list<struct<a: int32, b: list<string>>>");
    CHECK_INT(af_field_copy(&g, &f), 0);
    af_field_free(&f);
    CHECK_STR(fmt_field(&g, &b), "list<struct<a: int32, b: list<string>>>");
    CHECK_STR(g.children[0].children[1].name, "b");
    CHECK(!g.children[0].children[0].nullable);
    af_field_free(&g);
    CHECK(g.name == NULL && g.children == NULL && g.n_children == 0);

    /* map<string, int64> */
    af_field m, e, k, v;
    CHECK_INT(af_field_init(&m, "m", af_type_make(AF_TYPE_MAP), true), 0);
    CHECK_INT(af_field_init(&e, "entries", af_type_make(AF_TYPE_STRUCT), false), 0);
    CHECK_INT(af_field_init(&k, "key", af_type_make(AF_TYPE_STRING), false), 0);
    CHECK_INT(af_field_init(&v, "value", af_type_make(AF_TYPE_INT64), true), 0);
    CHECK_INT(af_field_add_child(&e, &k), 0);
    CHECK_INT(af_field_add_child(&e, &v), 0);
    CHECK_INT(af_field_add_child(&m, &e), 0);
    CHECK_STR(fmt_field(&m, &b), "map<string, int64>");
    af_field_free(&m);
    af_field_free(&e);
    af_field_free(&k);
    af_field_free(&v);
    af_buf_free(&b);
}

TEST(field_owns_timezone)
{
    char zone[32] = "Europe/Paris";
    af_field f;
    CHECK_INT(af_field_init(&f, "ts", af_type_timestamp(AF_UNIT_MILLI, zone), true), 0);
    zone[0] = 'X'; /* the field copied the zone */
    CHECK_STR(f.type.timezone, "Europe/Paris");
    CHECK(f.type.timezone == f.timezone_owned);
    /* re-setting the type from the field's own type must not read freed memory */
    CHECK_INT(af_field_set_type(&f, f.type), 0);
    CHECK_STR(f.type.timezone, "Europe/Paris");
    CHECK_INT(af_field_set_type(&f, af_type_make(AF_TYPE_INT32)), 0);
    CHECK(f.type.timezone == NULL);
    CHECK(f.timezone_owned == NULL);
    af_field_free(&f);
}

TEST(schema_basics)
{
    af_schema *s = af_schema_new();
    CHECK(s != NULL);
    CHECK_INT(af_schema_add_simple(s, "id", af_type_make(AF_TYPE_INT64), false), 0);
    CHECK_INT(af_schema_add_simple(s, "amount", af_type_decimal(19, 4), true), 0);
    CHECK_INT(af_schema_add_simple(s, "at", af_type_timestamp(AF_UNIT_MICRO, "UTC"), true), 0);
    af_field f;
    make_nested(&f);
    CHECK_INT(af_schema_add(s, &f), 0);
    af_field_free(&f);
    CHECK_INT(s->n_fields, 4);
    CHECK_INT(af_schema_find(s, "amount"), 1);
    CHECK_INT(af_schema_find(s, "items"), 3);
    CHECK_INT(af_schema_find(s, "nope"), -1);

    af_schema *c = af_schema_copy(s);
    af_schema_free(s);
    CHECK(c != NULL);
    CHECK_INT(c->n_fields, 4);
    CHECK_STR(c->fields[2].type.timezone, "UTC");
    CHECK(c->fields[2].type.timezone == c->fields[2].timezone_owned);

    af_buf b;
    af_buf_init(&b);
    CHECK_INT(af_schema_to_json(c, &b), 0);
    CHECK_STR(af_buf_cstr(&b),
              "[{\"name\":\"id\",\"type\":\"int64\",\"nullable\":false},"
              "{\"name\":\"amount\",\"type\":\"decimal(19,4)\",\"nullable\":true},"
              "{\"name\":\"at\",\"type\":\"timestamp[us, UTC]\",\"nullable\":true},"
              "{\"name\":\"items\",\"type\":\"list<struct<a: int32, b: list<string>>>\","
              "\"nullable\":true,\"children\":["
              "{\"name\":\"item\",\"type\":\"struct<a: int32, b: list<string>>\","
              "\"nullable\":true,\"children\":["
              "{\"name\":\"a\",\"type\":\"int32\",\"nullable\":false},"
              "{\"name\":\"b\",\"type\":\"list<string>\",\"nullable\":true,\"children\":["
              "{\"name\":\"item\",\"type\":\"string\",\"nullable\":true}]}]}]}]");
    af_buf_free(&b);
    af_schema_free(c);
    af_schema_free(NULL);
}

TEST(schema_json_escapes_names)
{
    af_schema *s = af_schema_new();
    CHECK_INT(af_schema_add_simple(s, "we\"ird\n", af_type_make(AF_TYPE_STRING), true), 0);
    af_buf b;
    af_buf_init(&b);
    CHECK_INT(af_schema_to_json(s, &b), 0);
    CHECK_STR(af_buf_cstr(&b),
              "[{\"name\":\"we\\\"ird\\n\",\"type\":\"string\",\"nullable\":true}]");
    af_buf_reset(&b);
    af_schema *e = af_schema_new();
    CHECK_INT(af_schema_to_json(e, &b), 0);
    CHECK_STR(af_buf_cstr(&b), "[]");
    af_schema_free(e);
    af_schema_free(s);
    af_buf_free(&b);
}

TEST_MAIN()
