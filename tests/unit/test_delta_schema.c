/* test_delta_schema.c - affluent schema <-> Delta schemaString, and the
 * protocol a schema needs. Every type mapping is checked as exact text and
 * read back; overrides in field metadata must give the exact affluent type
 * back; errors must name the column. */
#include "lake/delta_log.h"
#include "test.h"

#include <stdlib.h>
#include <string.h>

static af_schema *one(const char *name, af_type t, bool nullable)
{
    af_schema *s = af_schema_new();
    CHECK_INT(af_schema_add_simple(s, name, t, nullable), 0);
    return s;
}

/* Encodes s and returns the text (caller frees); NULL on error. */
static char *encode(const af_schema *s, af_error *err)
{
    af_buf b;
    af_buf_init(&b);
    int rc = af_delta_schema_encode(s, &b, err);
    if (rc) {
        af_buf_free(&b);
        return NULL;
    }
    char *out = af_strdup(af_buf_cstr(&b));
    af_buf_free(&b);
    return out;
}

static bool field_equal(const af_field *a, const af_field *b)
{
    if (strcmp(a->name, b->name) != 0 || a->nullable != b->nullable ||
        !af_type_equal(&a->type, &b->type) || a->n_children != b->n_children)
        return false;
    for (size_t i = 0; i < a->n_children; i++)
        if (!field_equal(&a->children[i], &b->children[i]))
            return false;
    return true;
}

static bool schema_equal(const af_schema *a, const af_schema *b)
{
    if (a->n_fields != b->n_fields)
        return false;
    for (size_t i = 0; i < a->n_fields; i++)
        if (!field_equal(&a->fields[i], &b->fields[i]))
            return false;
    return true;
}

/* One column of type t: its field JSON must be exactly `field_json`, and
 * decoding gives t back. */
static void check_mapping(af_type t, const char *field_json)
{
    af_schema *s = one("c", t, true);
    af_error err = {0};
    char *text = encode(s, &err);
    char want[512];
    snprintf(want, sizeof want, "{\"type\":\"struct\",\"fields\":[%s]}", field_json);
    CHECK_STR(text, want);
    af_schema *back = NULL;
    CHECK_INT(af_delta_schema_decode(text ? text : "", &back, &err), 0);
    CHECK(back && schema_equal(s, back));
    if (back && !schema_equal(s, back)) {
        af_buf a, b;
        af_buf_init(&a);
        af_buf_init(&b);
        af_schema_to_json(s, &a);
        af_schema_to_json(back, &b);
        fprintf(stderr, "  want %s\n  got  %s\n", af_buf_cstr(&a), af_buf_cstr(&b));
        af_buf_free(&a);
        af_buf_free(&b);
    }
    af_schema_free(back);
    af_schema_free(s);
    free(text);
}

#define F(type, meta) "{\"name\":\"c\",\"type\":" type ",\"nullable\":true,\"metadata\":" meta "}"

TEST(scalar_mappings_both_ways)
{
    check_mapping(af_type_make(AF_TYPE_BOOL), F("\"boolean\"", "{}"));
    check_mapping(af_type_make(AF_TYPE_INT8), F("\"byte\"", "{}"));
    check_mapping(af_type_make(AF_TYPE_INT16), F("\"short\"", "{}"));
    check_mapping(af_type_make(AF_TYPE_INT32), F("\"integer\"", "{}"));
    check_mapping(af_type_make(AF_TYPE_INT64), F("\"long\"", "{}"));
    check_mapping(af_type_make(AF_TYPE_FLOAT32), F("\"float\"", "{}"));
    check_mapping(af_type_make(AF_TYPE_FLOAT64), F("\"double\"", "{}"));
    check_mapping(af_type_decimal(19, 4), F("\"decimal(19,4)\"", "{}"));
    check_mapping(af_type_decimal(38, 0), F("\"decimal(38,0)\"", "{}"));
    check_mapping(af_type_decimal(1, 1), F("\"decimal(1,1)\"", "{}"));
    check_mapping(af_type_make(AF_TYPE_STRING), F("\"string\"", "{}"));
    check_mapping(af_type_make(AF_TYPE_JSON), F("\"string\"", "{\"affluent.type\":\"json\"}"));
    check_mapping(af_type_make(AF_TYPE_BINARY), F("\"binary\"", "{}"));
    check_mapping(af_type_make(AF_TYPE_DATE), F("\"date\"", "{}"));
}

TEST(timestamp_mappings_both_ways)
{
    check_mapping(af_type_timestamp(AF_UNIT_MICRO, "UTC"), F("\"timestamp\"", "{}"));
    check_mapping(af_type_timestamp(AF_UNIT_NANO, "UTC"),
                  F("\"timestamp\"", "{\"affluent.type\":\"timestamp[ns, UTC]\"}"));
    check_mapping(af_type_timestamp(AF_UNIT_MILLI, "UTC"),
                  F("\"timestamp\"", "{\"affluent.type\":\"timestamp[ms, UTC]\"}"));
    check_mapping(af_type_timestamp(AF_UNIT_SECOND, "UTC"),
                  F("\"timestamp\"", "{\"affluent.type\":\"timestamp[s, UTC]\"}"));
    check_mapping(af_type_timestamp(AF_UNIT_MICRO, "Europe/Paris"),
                  F("\"timestamp\"", "{\"affluent.type\":\"timestamp[us, Europe/Paris]\"}"));
    check_mapping(af_type_timestamp(AF_UNIT_NANO, "+02:00"),
                  F("\"timestamp\"", "{\"affluent.type\":\"timestamp[ns, +02:00]\"}"));
    check_mapping(af_type_timestamp(AF_UNIT_MICRO, NULL), F("\"timestamp_ntz\"", "{}"));
    check_mapping(af_type_timestamp(AF_UNIT_NANO, NULL),
                  F("\"timestamp_ntz\"", "{\"affluent.type\":\"timestamp[ns]\"}"));
    check_mapping(af_type_timestamp(AF_UNIT_MILLI, NULL),
                  F("\"timestamp_ntz\"", "{\"affluent.type\":\"timestamp[ms]\"}"));
}

TEST(exact_schema_string)
{
    af_schema *s = af_schema_new();
    CHECK_INT(af_schema_add_simple(s, "id", af_type_make(AF_TYPE_INT64), false), 0);
    CHECK_INT(af_schema_add_simple(s, "amount", af_type_decimal(19, 4), true), 0);
    CHECK_INT(af_schema_add_simple(s, "note \"x\"", af_type_make(AF_TYPE_STRING), true), 0);
    af_error err = {0};
    char *text = encode(s, &err);
    CHECK_STR(text, "{\"type\":\"struct\",\"fields\":["
                    "{\"name\":\"id\",\"type\":\"long\",\"nullable\":false,\"metadata\":{}},"
                    "{\"name\":\"amount\",\"type\":\"decimal(19,4)\",\"nullable\":true,"
                    "\"metadata\":{}},"
                    "{\"name\":\"note \\\"x\\\"\",\"type\":\"string\",\"nullable\":true,"
                    "\"metadata\":{}}]}");
    free(text);
    af_schema_free(s);

    /* no columns at all is still a valid struct */
    s = af_schema_new();
    text = encode(s, &err);
    CHECK_STR(text, "{\"type\":\"struct\",\"fields\":[]}");
    free(text);
    af_schema_free(s);
}

/* struct<id int32, tags list<json>, m map<string, timestamp[ns, UTC]>,
 *        inner struct<when timestamp[ms]>, ll list<list<timestamp[s]>>> */
static af_schema *nested_schema(void)
{
    af_field st, id, tags, item, m, en, k, v, inner, when, ll, l2, l2item;
    af_field_init(&st, "s", af_type_make(AF_TYPE_STRUCT), true);
    af_field_init(&id, "id", af_type_make(AF_TYPE_INT32), false);
    af_field_init(&tags, "tags", af_type_make(AF_TYPE_LIST), true);
    af_field_init(&item, "item", af_type_make(AF_TYPE_JSON), false);
    af_field_add_child(&tags, &item);
    af_field_init(&m, "m", af_type_make(AF_TYPE_MAP), true);
    af_field_init(&en, "entries", af_type_make(AF_TYPE_STRUCT), false);
    af_field_init(&k, "key", af_type_make(AF_TYPE_STRING), false);
    af_field_init(&v, "value", af_type_timestamp(AF_UNIT_NANO, "UTC"), true);
    af_field_add_child(&en, &k);
    af_field_add_child(&en, &v);
    af_field_add_child(&m, &en);
    af_field_init(&inner, "inner", af_type_make(AF_TYPE_STRUCT), false);
    af_field_init(&when, "when", af_type_timestamp(AF_UNIT_MILLI, NULL), true);
    af_field_add_child(&inner, &when);
    af_field_init(&ll, "ll", af_type_make(AF_TYPE_LIST), true);
    af_field_init(&l2, "item", af_type_make(AF_TYPE_LIST), true);
    af_field_init(&l2item, "item", af_type_timestamp(AF_UNIT_SECOND, "UTC"), true);
    af_field_add_child(&l2, &l2item);
    af_field_add_child(&ll, &l2);
    af_field_add_child(&st, &id);
    af_field_add_child(&st, &tags);
    af_field_add_child(&st, &m);
    af_field_add_child(&st, &inner);
    af_field_add_child(&st, &ll);
    af_schema *s = af_schema_new();
    af_schema_add(s, &st);
    af_field *all[] = {&st, &id, &tags, &item, &m, &en, &k, &v, &inner, &when, &ll, &l2, &l2item};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        af_field_free(all[i]);
    return s;
}

TEST(nested_types_both_ways)
{
    af_schema *s = nested_schema();
    af_error err = {0};
    char *text = encode(s, &err);
    CHECK_STR(
        text,
        "{\"type\":\"struct\",\"fields\":[{\"name\":\"s\",\"type\":{\"type\":\"struct\",\"fields\":"
        "["
        "{\"name\":\"id\",\"type\":\"integer\",\"nullable\":false,\"metadata\":{}},"
        "{\"name\":\"tags\",\"type\":{\"type\":\"array\",\"elementType\":\"string\","
        "\"containsNull\":false},\"nullable\":true,"
        "\"metadata\":{\"affluent.type.element\":\"json\"}},"
        "{\"name\":\"m\",\"type\":{\"type\":\"map\",\"keyType\":\"string\",\"valueType\":"
        "\"timestamp\",\"valueContainsNull\":true},\"nullable\":true,"
        "\"metadata\":{\"affluent.type.value\":\"timestamp[ns, UTC]\"}},"
        "{\"name\":\"inner\",\"type\":{\"type\":\"struct\",\"fields\":["
        "{\"name\":\"when\",\"type\":\"timestamp_ntz\",\"nullable\":true,"
        "\"metadata\":{\"affluent.type\":\"timestamp[ms]\"}}]},\"nullable\":false,\"metadata\":{}},"
        "{\"name\":\"ll\",\"type\":{\"type\":\"array\",\"elementType\":{\"type\":\"array\","
        "\"elementType\":\"timestamp\",\"containsNull\":true},\"containsNull\":true},"
        "\"nullable\":true,\"metadata\":{\"affluent.type.element.element\":\"timestamp[s, UTC]\"}}"
        "]},\"nullable\":true,\"metadata\":{}}]}");
    af_schema *back = NULL;
    CHECK_INT(af_delta_schema_decode(text ? text : "", &back, &err), 0);
    CHECK(back && schema_equal(s, back));
    /* the child names follow the affluent conventions */
    if (back) {
        const af_field *m = &back->fields[0].children[2];
        CHECK_STR(m->children[0].name, "entries");
        CHECK(!m->children[0].nullable);
        CHECK_STR(m->children[0].children[0].name, "key");
        CHECK(!m->children[0].children[0].nullable);
        CHECK_STR(m->children[0].children[1].name, "value");
        CHECK_STR(back->fields[0].children[1].children[0].name, "item");
    }
    af_schema_free(back);
    af_schema_free(s);
    free(text);
}

TEST(decode_foreign_schema_strings)
{
    /* as Spark writes them: spaces, other metadata, pretty printing */
    const char *spark =
        "{\n  \"type\" : \"struct\",\n  \"fields\" : [ {\n    \"name\" : \"d\",\n"
        "    \"type\" : \"decimal(10, 2)\",\n    \"nullable\" : true,\n"
        "    \"metadata\" : {\"comment\": \"price\", \"delta.columnMapping.id\": 3}\n  }, {\n"
        "    \"name\" : \"plain\",\n    \"type\" : \"decimal\",\n    \"nullable\" : false,\n"
        "    \"metadata\" : { }\n  }, {\n    \"name\" : \"nometa\",\n    \"type\" : \"short\"\n"
        "  }, {\n    \"name\" : \"lied\",\n    \"type\" : \"long\",\n    \"nullable\" : true,\n"
        "    \"metadata\" : {\"affluent.type\": \"json\"}\n  }, {\n    \"name\" : \"badtz\",\n"
        "    \"type\" : \"timestamp_ntz\",\n    \"nullable\" : true,\n"
        "    \"metadata\" : {\"affluent.type\": \"timestamp[ns, UTC]\"}\n  } ]\n}";
    af_schema *s = NULL;
    af_error err = {0};
    CHECK_INT(af_delta_schema_decode(spark, &s, &err), 0);
    if (!s)
        return;
    CHECK_INT(s->n_fields, 5);
    af_type d = af_type_decimal(10, 2), plain = af_type_decimal(10, 0);
    af_type sh = af_type_make(AF_TYPE_INT16), lg = af_type_make(AF_TYPE_INT64);
    af_type ntz = af_type_timestamp(AF_UNIT_MICRO, NULL);
    CHECK(af_type_equal(&s->fields[0].type, &d));
    CHECK(af_type_equal(&s->fields[1].type, &plain));
    CHECK(!s->fields[1].nullable);
    /* a field without "nullable" is nullable, as Delta's default */
    CHECK(af_type_equal(&s->fields[2].type, &sh));
    CHECK(s->fields[2].nullable);
    /* an override that the Delta type cannot hold is ignored: the data
     * files hold what the Delta type says */
    CHECK(af_type_equal(&s->fields[3].type, &lg));
    CHECK(af_type_equal(&s->fields[4].type, &ntz));
    af_schema_free(s);
}

static void check_encode_error(af_schema *s, int code, const char *msg)
{
    af_error err = {0};
    af_buf b;
    af_buf_init(&b);
    CHECK_INT(af_delta_schema_encode(s, &b, &err), code);
    CHECK_STR(err.msg, msg);
    af_buf_free(&b);
    af_schema_free(s);
}

TEST(encode_errors_name_the_column)
{
    check_encode_error(one("t", af_type_time(AF_UNIT_MICRO), true), AF_EUNSUPPORTED,
                       "column t: Delta tables have no time type; cast it to string or timestamp");
    check_encode_error(one("u", af_type_make(AF_TYPE_UUID), true), AF_EUNSUPPORTED,
                       "column u: Delta tables have no uuid type; cast it to string or binary");
    check_encode_error(one("n", af_type_make(AF_TYPE_NULL), true), AF_EUNSUPPORTED,
                       "column n: Delta tables have no null type; declare the column's type "
                       "(e.g. string)");
    af_type wide = af_type_decimal(38, 2);
    wide.precision = 39;
    check_encode_error(one("big", wide, true), AF_EUNSUPPORTED,
                       "column big: decimal(39,2) does not fit a Delta decimal (precision 1..38, "
                       "scale 0..precision)");

    /* nested: the path says where */
    af_field st, l, t;
    af_field_init(&st, "outer", af_type_make(AF_TYPE_STRUCT), true);
    af_field_init(&l, "times", af_type_make(AF_TYPE_LIST), true);
    af_field_init(&t, "item", af_type_time(AF_UNIT_MILLI), true);
    af_field_add_child(&l, &t);
    af_field_add_child(&st, &l);
    af_schema *s = af_schema_new();
    af_schema_add_simple(s, "ok", af_type_make(AF_TYPE_INT32), true);
    af_schema_add(s, &st);
    af_field_free(&st);
    af_field_free(&l);
    af_field_free(&t);
    check_encode_error(s, AF_EUNSUPPORTED,
                       "column outer.times.element: Delta tables have no time type; cast it to "
                       "string or timestamp");

    /* a NULL error context still gets the code */
    af_schema *u = one("u", af_type_make(AF_TYPE_UUID), true);
    af_buf b;
    af_buf_init(&b);
    CHECK_INT(af_delta_schema_encode(u, &b, NULL), AF_EUNSUPPORTED);
    af_buf_free(&b);
    af_schema_free(u);
}

static void check_decode_error(const char *text, int code, const char *msg)
{
    af_schema *s = (af_schema *)1;
    af_error err = {0};
    CHECK_INT(af_delta_schema_decode(text, &s, &err), code);
    CHECK(s == NULL);
    CHECK_STR(err.msg, msg);
}

TEST(decode_errors)
{
    check_decode_error("{\"type\":\"struct\",\"fields\":[{\"name\":\"v\",\"type\":\"variant\","
                       "\"nullable\":true,\"metadata\":{}}]}",
                       AF_EUNSUPPORTED, "Delta schema: column v: type 'variant' is not supported");
    check_decode_error("{\"type\":\"struct\",\"fields\":[{\"name\":\"s\",\"type\":{\"type\":"
                       "\"struct\",\"fields\":[{\"name\":\"i\",\"type\":\"interval\"}]}}]}",
                       AF_EUNSUPPORTED,
                       "Delta schema: column s.i: type 'interval' is not supported");
    check_decode_error("{\"type\":\"struct\",\"fields\":[{\"name\":\"l\",\"type\":{\"type\":"
                       "\"array\",\"elementType\":\"void\",\"containsNull\":true}}]}",
                       AF_EUNSUPPORTED,
                       "Delta schema: column l.element: type 'void' is not supported");
    check_decode_error("{\"type\":\"struct\",\"fields\":[{\"name\":\"g\",\"type\":{\"type\":"
                       "\"geometry\"}}]}",
                       AF_EUNSUPPORTED, "Delta schema: column g: type 'geometry' is not supported");
    check_decode_error("{\"type\":\"struct\",\"fields\":[{\"name\":\"d\",\"type\":"
                       "\"decimal(40,2)\"}]}",
                       AF_EUNSUPPORTED,
                       "Delta schema: column d: decimal(40,2) is out of range (precision 1..38, "
                       "scale 0..precision)");
    check_decode_error("{\"type\":\"struct\",\"fields\":[}", AF_EPARSE,
                       "Delta schema: line 1, column 28: unexpected token near '}'");
    check_decode_error("{\"type\":\"struct\",\n\"fields\":[\n{\"name\":\"x\",", AF_EPARSE,
                       "Delta schema: line 3, column 12: string or '}' expected near end of file");
    check_decode_error("[1]", AF_EPARSE,
                       "Delta schema: the schemaString must be a JSON object of type \"struct\"");
    check_decode_error("{\"type\":\"struct\"}", AF_EPARSE,
                       "Delta schema: column (top level): a struct type needs a \"fields\" array");
    check_decode_error("{\"type\":\"struct\",\"fields\":[{\"type\":\"long\"}]}", AF_EPARSE,
                       "Delta schema: field 1 of (top level) has no \"name\"");
    check_decode_error("{\"type\":\"struct\",\"fields\":[{\"name\":\"a\"}]}", AF_EPARSE,
                       "Delta schema: column a: the field has no \"type\"");
    check_decode_error("{\"type\":\"struct\",\"fields\":[{\"name\":\"a\",\"type\":\"long\","
                       "\"nullable\":\"yes\"}]}",
                       AF_EPARSE, "Delta schema: column a: \"nullable\" must be true or false");
    check_decode_error("{\"type\":\"struct\",\"fields\":[{\"name\":\"m\",\"type\":{\"type\":"
                       "\"map\",\"keyType\":\"string\"}}]}",
                       AF_EPARSE,
                       "Delta schema: column m: a map type needs \"keyType\" and \"valueType\"");
    check_decode_error(NULL, AF_EPARSE, "Delta schema: no schemaString");
}

TEST(protocol_for_schema)
{
    af_delta_protocol p;
    af_schema *s = nested_schema(); /* inner.when is timestamp[ms] without zone */
    af_delta_protocol_for(s, &p);
    CHECK_INT(p.min_reader, 3);
    CHECK_INT(p.min_writer, 7);
    CHECK_INT(p.reader_features.len, 1);
    CHECK_INT(p.writer_features.len, 1);
    if (p.reader_features.len && p.writer_features.len) {
        CHECK_STR(p.reader_features.items[0], "timestampNtz");
        CHECK_STR(p.writer_features.items[0], "timestampNtz");
    }
    af_delta_protocol_free(&p);
    af_schema_free(s);

    s = af_schema_new();
    af_schema_add_simple(s, "ts", af_type_timestamp(AF_UNIT_NANO, "UTC"), true);
    af_schema_add_simple(s, "j", af_type_make(AF_TYPE_JSON), true);
    af_delta_protocol_for(s, &p);
    CHECK_INT(p.min_reader, 1);
    CHECK_INT(p.min_writer, 2);
    CHECK_INT(p.reader_features.len, 0);
    CHECK_INT(p.writer_features.len, 0);
    af_delta_protocol_free(&p);

    /* a top-level naive timestamp too */
    af_schema_add_simple(s, "local", af_type_timestamp(AF_UNIT_MICRO, NULL), true);
    af_delta_protocol_for(s, &p);
    CHECK_INT(p.min_reader, 3);
    CHECK_INT(p.min_writer, 7);
    af_delta_protocol_free(&p);
    af_schema_free(s);
}

TEST_MAIN()
