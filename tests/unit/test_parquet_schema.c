/* test_parquet_schema.c - af_schema <-> Parquet schema mapping: the elements
 * and annotations written for every type, round trips of every type and
 * nested combination (also through an encoded footer), agreement of the
 * levels with levels.h, the legacy LIST/MAP rules on hand-built schemas,
 * and the schema of every file in the shared parquet-testing folder. */
#include "formats/parquet/levels.h"
#include "formats/parquet/meta.h"
#include "formats/parquet/schema_map.h"
#include "parquet_testing.h"
#include "test.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- helpers ---- */

/* The full type of f as text ("list<int32>"), in one of a few rotating
 * static buffers so a CHECK can compare two. */
static const char *fmt(const af_field *f)
{
    static char bufs[4][1024];
    static int next;
    char *out = bufs[next++ % 4];
    af_buf b;
    af_buf_init(&b);
    af_field_format_type(f, &b);
    size_t n = b.len < 1023 ? b.len : 1023;
    if (n)
        memcpy(out, b.data, n);
    out[n] = '\0';
    af_buf_free(&b);
    return out;
}

static af_field scalar(const char *name, af_type t, bool nullable)
{
    af_field f;
    af_field_init(&f, name, t, nullable);
    return f;
}

static af_field list_of(const char *name, af_field item, bool nullable)
{
    af_field f;
    af_field_init(&f, name, af_type_make(AF_TYPE_LIST), nullable);
    af_field_add_child(&f, &item);
    af_field_free(&item);
    return f;
}

static af_field map_of(const char *name, af_field key, af_field value, bool nullable)
{
    af_field f, e;
    af_field_init(&f, name, af_type_make(AF_TYPE_MAP), nullable);
    af_field_init(&e, "entries", af_type_make(AF_TYPE_STRUCT), false);
    af_field_add_child(&e, &key);
    af_field_add_child(&e, &value);
    af_field_add_child(&f, &e);
    af_field_free(&key);
    af_field_free(&value);
    af_field_free(&e);
    return f;
}

static af_field struct_of(const char *name, bool nullable, af_field *members, size_t n)
{
    af_field f;
    af_field_init(&f, name, af_type_make(AF_TYPE_STRUCT), nullable);
    for (size_t i = 0; i < n; i++) {
        af_field_add_child(&f, &members[i]);
        af_field_free(&members[i]);
    }
    return f;
}

static void add(af_schema *s, af_field f)
{
    af_schema_add(s, &f);
    af_field_free(&f);
}

/* Every scalar type, each nullable and not. */
static af_schema *all_scalars(void)
{
    af_schema *s = af_schema_new();
    const af_type types[] = {
        af_type_make(AF_TYPE_BOOL),
        af_type_make(AF_TYPE_INT8),
        af_type_make(AF_TYPE_INT16),
        af_type_make(AF_TYPE_INT32),
        af_type_make(AF_TYPE_INT64),
        af_type_make(AF_TYPE_FLOAT32),
        af_type_make(AF_TYPE_FLOAT64),
        af_type_decimal(1, 0),
        af_type_decimal(9, 2),
        af_type_decimal(10, 2),
        af_type_decimal(18, 18),
        af_type_decimal(19, 4),
        af_type_decimal(38, 10),
        af_type_make(AF_TYPE_STRING),
        af_type_make(AF_TYPE_BINARY),
        af_type_make(AF_TYPE_DATE),
        af_type_time(AF_UNIT_MILLI),
        af_type_time(AF_UNIT_MICRO),
        af_type_time(AF_UNIT_NANO),
        af_type_timestamp(AF_UNIT_MILLI, NULL),
        af_type_timestamp(AF_UNIT_MICRO, "UTC"),
        af_type_timestamp(AF_UNIT_NANO, NULL),
        af_type_timestamp(AF_UNIT_NANO, "UTC"),
        af_type_make(AF_TYPE_UUID),
        af_type_make(AF_TYPE_JSON),
    };
    char name[32];
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        snprintf(name, sizeof name, "c%zu", i);
        af_schema_add_simple(s, name, types[i], true);
        snprintf(name, sizeof name, "r%zu", i);
        af_schema_add_simple(s, name, types[i], false);
    }
    af_schema_add_simple(s, "nothing", af_type_make(AF_TYPE_NULL), true);
    return s;
}

/* Lists, maps and structs inside each other. */
static af_schema *nested(void)
{
    af_schema *s = af_schema_new();
    add(s, list_of("li", scalar("item", af_type_make(AF_TYPE_INT32), true), true));
    add(s, list_of("lr", scalar("item", af_type_make(AF_TYPE_STRING), false), false));
    add(s,
        list_of("ll", list_of("item", scalar("item", af_type_decimal(20, 3), true), true), true));
    add(s, map_of("m", scalar("key", af_type_make(AF_TYPE_STRING), false),
                  scalar("value", af_type_make(AF_TYPE_INT64), true), true));
    add(s, map_of("mr", scalar("key", af_type_make(AF_TYPE_INT32), false),
                  scalar("value", af_type_make(AF_TYPE_DATE), false), false));
    af_field inner[] = {scalar("x", af_type_make(AF_TYPE_FLOAT64), false),
                        list_of("tags", scalar("item", af_type_make(AF_TYPE_STRING), true), true)};
    af_field point = struct_of("item", true, inner, 2);
    add(s, list_of("points", point, true));
    af_field deep[] = {
        scalar("a", af_type_make(AF_TYPE_INT16), true),
        map_of("attrs", scalar("key", af_type_make(AF_TYPE_STRING), false),
               list_of("value", scalar("item", af_type_make(AF_TYPE_UUID), true), true), true),
        scalar("t", af_type_timestamp(AF_UNIT_MICRO, "UTC"), false),
    };
    af_field sub[] = {struct_of("inner", true, deep, 3),
                      scalar("b", af_type_make(AF_TYPE_BOOL), false)};
    add(s, struct_of("st", false, sub, 2));
    af_field kv[] = {scalar("k", af_type_make(AF_TYPE_INT8), false)};
    add(s, map_of("mm", scalar("key", af_type_make(AF_TYPE_STRING), false),
                  map_of("value", scalar("key", af_type_make(AF_TYPE_INT64), false),
                         struct_of("value", true, kv, 1), true),
                  true));
    return s;
}

/* Maximum levels of every leaf computed directly from the element list. */
static size_t element_levels(const af_pq_file_meta *m, int16_t *max_def, int16_t *max_rep)
{
    int16_t def[128] = {0}, rep[128] = {0};
    int32_t left[128];
    size_t sp = 0, n = 0;
    left[0] = m->schema[0].num_children;
    for (size_t i = 1; i < m->n_schema; i++) {
        while (sp > 0 && left[sp] == 0)
            sp--;
        left[sp]--;
        const af_pq_schema_element *e = &m->schema[i];
        int16_t d = (int16_t)(def[sp] + (e->repetition != AF_PQ_REQUIRED));
        int16_t r = (int16_t)(rep[sp] + (e->repetition == AF_PQ_REPEATED));
        if (e->num_children > 0) {
            sp++;
            def[sp] = d;
            rep[sp] = r;
            left[sp] = e->num_children;
        } else {
            max_def[n] = d;
            max_rep[n] = r;
            n++;
        }
    }
    return n;
}

/* af_pq_levels_init over all top-level fields, in leaf order. */
static size_t af_levels(const af_schema *s, af_pq_levels *out)
{
    size_t n = 0;
    for (size_t i = 0; i < s->n_fields; i++) {
        af_pq_levels_init(&s->fields[i], out + n);
        n += af_pq_leaf_count(&s->fields[i]);
    }
    return n;
}

/* The reader's leaves agree with the af tree it built, field for field. */
static void check_read_leaves(const af_pq_schema_map *sm)
{
    af_pq_levels lv[512];
    size_t n = 0;
    for (size_t i = 0; i < sm->schema->n_fields; i++)
        n += af_pq_leaf_count(&sm->schema->fields[i]);
    CHECK_INT(n, sm->n_leaves);
    if (n != sm->n_leaves || n > 512)
        return;
    af_levels(sm->schema, lv);
    for (size_t i = 0; i < n; i++) {
        CHECK(lv[i].leaf == sm->leaves[i].field);
        CHECK_INT(lv[i].max_def, sm->leaves[i].max_def);
        CHECK_INT(lv[i].max_rep, sm->leaves[i].max_rep);
        CHECK_INT(sm->leaves[i].column, i);
        CHECK(sm->leaves[i].top < sm->schema->n_fields);
    }
}

/* Same names, nullability and type text, recursively. */
static void check_same_field(const af_field *a, const af_field *b)
{
    CHECK_STR(a->name, b->name);
    CHECK_INT(a->nullable, b->nullable);
    CHECK_STR(fmt(a), fmt(b));
    CHECK_INT(a->n_children, b->n_children);
    if (a->n_children == b->n_children)
        for (size_t i = 0; i < a->n_children; i++)
            check_same_field(&a->children[i], &b->children[i]);
}

/* af -> elements -> encoded footer -> decoded, validated -> af. */
static int round_trip(const af_schema *s, af_pq_schema_map *sm, af_error *err)
{
    af_pq_file_meta *m = NULL, *d = NULL;
    af_pq_leaf_info *leaves;
    size_t n_leaves;
    af_buf b;
    af_buf_init(&b);
    int rc = af_pq_file_meta_new(&m, err);
    if (!rc)
        rc = af_pq_schema_to_parquet(s, m, &leaves, &n_leaves, err);
    if (!rc)
        rc = af_pq_file_meta_encode(m, &b, err);
    if (!rc)
        rc = af_pq_file_meta_decode(b.data, b.len, "rt.parquet", &d, err);
    if (!rc)
        rc = af_pq_file_meta_validate(d, 1000, "rt.parquet", err);
    if (!rc)
        rc = af_pq_schema_from_parquet(d, "rt.parquet", sm, err);
    af_buf_free(&b);
    af_pq_file_meta_free(m);
    af_pq_file_meta_free(d);
    return rc;
}

/* ---- writing ---- */

TEST(decimal_flba_length)
{
    CHECK_INT(af_pq_decimal_flba_length(1), 1);
    CHECK_INT(af_pq_decimal_flba_length(2), 1);
    CHECK_INT(af_pq_decimal_flba_length(3), 2);
    CHECK_INT(af_pq_decimal_flba_length(4), 2);
    CHECK_INT(af_pq_decimal_flba_length(9), 4);
    CHECK_INT(af_pq_decimal_flba_length(10), 5);
    CHECK_INT(af_pq_decimal_flba_length(18), 8);
    CHECK_INT(af_pq_decimal_flba_length(19), 9);
    CHECK_INT(af_pq_decimal_flba_length(20), 9);
    CHECK_INT(af_pq_decimal_flba_length(21), 9);
    CHECK_INT(af_pq_decimal_flba_length(22), 10);
    CHECK_INT(af_pq_decimal_flba_length(38), 16);
    CHECK_INT(af_pq_decimal_flba_length(0), 0);
    CHECK_INT(af_pq_decimal_flba_length(39), 0);
}

static const af_pq_schema_element *find_el(const af_pq_file_meta *m, const char *name)
{
    for (size_t i = 0; i < m->n_schema; i++)
        if (strcmp(m->schema[i].name, name) == 0)
            return &m->schema[i];
    return NULL;
}

TEST(scalar_elements_written)
{
    af_schema *s = af_schema_new();
    af_schema_add_simple(s, "i8", af_type_make(AF_TYPE_INT8), true);
    af_schema_add_simple(s, "d5", af_type_decimal(5, 2), false);
    af_schema_add_simple(s, "d15", af_type_decimal(15, 2), true);
    af_schema_add_simple(s, "d25", af_type_decimal(25, 3), true);
    af_schema_add_simple(s, "str", af_type_make(AF_TYPE_STRING), true);
    af_schema_add_simple(s, "bin", af_type_make(AF_TYPE_BINARY), true);
    af_schema_add_simple(s, "ts_s", af_type_timestamp(AF_UNIT_SECOND, "UTC"), true);
    af_schema_add_simple(s, "ts_naive", af_type_timestamp(AF_UNIT_MICRO, NULL), true);
    af_schema_add_simple(s, "t_s", af_type_time(AF_UNIT_SECOND), true);
    af_schema_add_simple(s, "u", af_type_make(AF_TYPE_UUID), true);
    af_schema_add_simple(s, "dt", af_type_make(AF_TYPE_DATE), true);
    af_pq_file_meta *m = NULL;
    af_error err;
    af_pq_leaf_info *lv = NULL;
    size_t n = 0;
    CHECK_INT(af_pq_file_meta_new(&m, &err), 0);
    CHECK_INT(af_pq_schema_to_parquet(s, m, &lv, &n, &err), 0);
    CHECK_INT(m->n_schema, 12);
    CHECK_INT(n, 11);
    CHECK_STR(m->schema[0].name, "schema");
    CHECK_INT(m->schema[0].num_children, 11);
    CHECK(!m->schema[0].has_repetition);

    const af_pq_schema_element *e = find_el(m, "i8");
    CHECK(e && e->type == AF_PQ_INT32 && e->repetition == AF_PQ_OPTIONAL);
    CHECK(e && e->logical.kind == AF_PQ_LT_INTEGER && e->logical.bit_width == 8 &&
          e->logical.is_signed && e->converted_type == AF_PQ_CT_INT_8);
    CHECK_INT(lv[0].conv, AF_PQ_CONV_INT8);
    e = find_el(m, "d5");
    CHECK(e && e->type == AF_PQ_INT32 && e->repetition == AF_PQ_REQUIRED);
    CHECK(e && e->has_converted_type && e->converted_type == AF_PQ_CT_DECIMAL && e->has_precision &&
          e->precision == 5 && e->has_scale && e->scale == 2);
    CHECK(e && e->logical.kind == AF_PQ_LT_DECIMAL && e->logical.decimal_precision == 5 &&
          e->logical.decimal_scale == 2);
    CHECK_INT(lv[1].conv, AF_PQ_CONV_DECIMAL_INT32);
    CHECK_INT(lv[1].max_def, 0);
    e = find_el(m, "d15");
    CHECK(e && e->type == AF_PQ_INT64);
    CHECK_INT(lv[2].conv, AF_PQ_CONV_DECIMAL_INT64);
    e = find_el(m, "d25");
    CHECK(e && e->type == AF_PQ_FIXED_LEN_BYTE_ARRAY && e->type_length == 11);
    CHECK_INT(lv[3].conv, AF_PQ_CONV_DECIMAL_FLBA);
    CHECK_INT(lv[3].type_length, 11);
    e = find_el(m, "str");
    CHECK(e && e->type == AF_PQ_BYTE_ARRAY && e->logical.kind == AF_PQ_LT_STRING &&
          e->converted_type == AF_PQ_CT_UTF8);
    e = find_el(m, "bin");
    CHECK(e && e->type == AF_PQ_BYTE_ARRAY && e->logical.kind == AF_PQ_LT_NONE &&
          !e->has_converted_type);
    e = find_el(m, "ts_s");
    CHECK(e && e->type == AF_PQ_INT64 && e->logical.kind == AF_PQ_LT_TIMESTAMP &&
          e->logical.unit == AF_PQ_UNIT_MILLIS && e->logical.utc &&
          e->converted_type == AF_PQ_CT_TIMESTAMP_MILLIS);
    CHECK_INT(lv[6].conv, AF_PQ_CONV_TIMESTAMP_S_MILLIS);
    /* a naive timestamp must not claim the UTC-adjusted ConvertedType */
    e = find_el(m, "ts_naive");
    CHECK(e && !e->logical.utc && !e->has_converted_type);
    e = find_el(m, "t_s");
    CHECK(e && e->type == AF_PQ_INT32 && e->logical.kind == AF_PQ_LT_TIME &&
          e->converted_type == AF_PQ_CT_TIME_MILLIS);
    CHECK_INT(lv[8].conv, AF_PQ_CONV_TIME_S_MILLIS);
    e = find_el(m, "u");
    CHECK(e && e->type == AF_PQ_FIXED_LEN_BYTE_ARRAY && e->type_length == 16 &&
          e->logical.kind == AF_PQ_LT_UUID);
    CHECK_INT(lv[9].conv, AF_PQ_CONV_UUID);
    e = find_el(m, "dt");
    CHECK(e && e->logical.kind == AF_PQ_LT_DATE && e->converted_type == AF_PQ_CT_DATE);
    CHECK_INT(lv[10].n_path, 1);
    CHECK_STR(lv[10].path[0], "dt");
    CHECK_INT(lv[10].schema_index, 11);
    af_pq_file_meta_free(m);
    af_schema_free(s);
}

TEST(nested_layout_written)
{
    af_schema *s = af_schema_new();
    add(s, list_of("l", scalar("item", af_type_make(AF_TYPE_INT32), true), true));
    add(s, map_of("m", scalar("key", af_type_make(AF_TYPE_STRING), false),
                  scalar("value", af_type_make(AF_TYPE_INT64), true), false));
    af_pq_file_meta *m = NULL;
    af_error err;
    af_pq_leaf_info *lv = NULL;
    size_t n = 0;
    af_pq_file_meta_new(&m, &err);
    CHECK_INT(af_pq_schema_to_parquet(s, m, &lv, &n, &err), 0);
    CHECK_INT(m->n_schema, 8);
    const af_pq_schema_element *e = m->schema;
    CHECK_STR(e[1].name, "l");
    CHECK(e[1].repetition == AF_PQ_OPTIONAL && e[1].num_children == 1 &&
          e[1].logical.kind == AF_PQ_LT_LIST && e[1].converted_type == AF_PQ_CT_LIST &&
          !e[1].has_type);
    CHECK_STR(e[2].name, "list");
    CHECK(e[2].repetition == AF_PQ_REPEATED && e[2].num_children == 1);
    CHECK_STR(e[3].name, "element");
    CHECK(e[3].repetition == AF_PQ_OPTIONAL && e[3].type == AF_PQ_INT32);
    CHECK_STR(e[4].name, "m");
    CHECK(e[4].repetition == AF_PQ_REQUIRED && e[4].logical.kind == AF_PQ_LT_MAP &&
          e[4].converted_type == AF_PQ_CT_MAP);
    CHECK_STR(e[5].name, "key_value");
    CHECK(e[5].repetition == AF_PQ_REPEATED && e[5].num_children == 2);
    CHECK_STR(e[6].name, "key");
    CHECK(e[6].repetition == AF_PQ_REQUIRED);
    CHECK_STR(e[7].name, "value");
    CHECK(e[7].repetition == AF_PQ_OPTIONAL);
    CHECK_INT(n, 3);
    CHECK_INT(lv[0].n_path, 3);
    CHECK_STR(lv[0].path[1], "list");
    CHECK_STR(lv[0].path[2], "element");
    CHECK_INT(lv[0].max_def, 3);
    CHECK_INT(lv[0].max_rep, 1);
    CHECK_STR(lv[2].path[0], "m");
    CHECK_STR(lv[2].path[1], "key_value");
    CHECK_STR(lv[2].path[2], "value");
    CHECK_INT(lv[2].top, 1);
    CHECK_INT(lv[1].max_def, 1);
    CHECK_INT(lv[2].max_def, 2);
    af_pq_file_meta_free(m);
    af_schema_free(s);
}

TEST(unwritable_schemas)
{
    af_error err;
    af_pq_leaf_info *lv;
    size_t n;
    af_pq_file_meta *m = NULL;
    af_pq_file_meta_new(&m, &err);
    af_schema *s = af_schema_new();
    add(s, struct_of("empty", true, NULL, 0));
    CHECK_INT(af_pq_schema_to_parquet(s, m, &lv, &n, &err), AF_EUNSUPPORTED);
    CHECK_CONTAINS(err.msg, "column empty");
    af_schema_free(s);

    s = af_schema_new();
    af_field inner[] = {map_of("mk", scalar("key", af_type_make(AF_TYPE_STRING), true),
                               scalar("value", af_type_make(AF_TYPE_INT32), true), true)};
    add(s, struct_of("outer", true, inner, 1));
    CHECK_INT(af_pq_schema_to_parquet(s, m, &lv, &n, &err), AF_EUNSUPPORTED);
    CHECK_CONTAINS(err.msg, "outer.mk");
    CHECK_CONTAINS(err.msg, "key");
    af_schema_free(s);

    s = af_schema_new();
    CHECK_INT(af_pq_schema_to_parquet(s, m, &lv, &n, &err), AF_EINVAL);
    af_schema_free(s);
    af_pq_file_meta_free(m);
}

/* ---- round trips ---- */

TEST(round_trip_scalars)
{
    af_schema *s = all_scalars();
    af_pq_schema_map sm;
    af_error err;
    int rc = round_trip(s, &sm, &err);
    if (rc)
        fprintf(stderr, "%s\n", err.msg);
    CHECK_INT(rc, 0);
    if (!rc) {
        CHECK_INT(sm.schema->n_fields, s->n_fields);
        for (size_t i = 0; i < s->n_fields && i < sm.schema->n_fields; i++)
            check_same_field(&s->fields[i], &sm.schema->fields[i]);
        check_read_leaves(&sm);
    }
    af_pq_schema_map_free(&sm);
    af_schema_free(s);
}

TEST(round_trip_nested)
{
    af_schema *s = nested();
    af_pq_schema_map sm;
    af_error err;
    int rc = round_trip(s, &sm, &err);
    if (rc)
        fprintf(stderr, "%s\n", err.msg);
    CHECK_INT(rc, 0);
    if (!rc) {
        CHECK_INT(sm.schema->n_fields, s->n_fields);
        for (size_t i = 0; i < s->n_fields && i < sm.schema->n_fields; i++)
            check_same_field(&s->fields[i], &sm.schema->fields[i]);
        check_read_leaves(&sm);
        CHECK_STR(fmt(&sm.schema->fields[7]), "map<string, map<int64, struct<k: int8>>>");
    }
    af_pq_schema_map_free(&sm);
    af_schema_free(s);
}

/* Types Parquet has no exact twin for come back as their stored form. */
TEST(round_trip_lossy)
{
    af_schema *s = af_schema_new();
    af_schema_add_simple(s, "t", af_type_time(AF_UNIT_SECOND), true);
    af_schema_add_simple(s, "ts", af_type_timestamp(AF_UNIT_SECOND, NULL), true);
    af_schema_add_simple(s, "tz", af_type_timestamp(AF_UNIT_MICRO, "Europe/Paris"), true);
    af_pq_schema_map sm;
    af_error err;
    CHECK_INT(round_trip(s, &sm, &err), 0);
    if (sm.schema) {
        CHECK_STR(fmt(&sm.schema->fields[0]), "time[ms]");
        CHECK_STR(fmt(&sm.schema->fields[1]), "timestamp[ms]");
        CHECK_STR(fmt(&sm.schema->fields[2]), "timestamp[us, UTC]");
    }
    af_pq_schema_map_free(&sm);
    af_schema_free(s);
}

/* What the writer's elements say about levels is what levels.h shreds. */
TEST(levels_agree_with_levels_h)
{
    af_schema *s = nested();
    af_pq_file_meta *m = NULL;
    af_error err;
    af_pq_leaf_info *lv = NULL;
    size_t n = 0;
    af_pq_file_meta_new(&m, &err);
    CHECK_INT(af_pq_schema_to_parquet(s, m, &lv, &n, &err), 0);
    int16_t def[256], rep[256];
    size_t ne = element_levels(m, def, rep);
    af_pq_levels al[256];
    size_t na = af_levels(s, al);
    CHECK_INT(ne, n);
    CHECK_INT(na, n);
    CHECK(n >= 14);
    int deep = 0;
    for (size_t i = 0; i < n && i < ne && i < na; i++) {
        CHECK_INT(def[i], al[i].max_def);
        CHECK_INT(rep[i], al[i].max_rep);
        CHECK_INT(lv[i].max_def, al[i].max_def);
        CHECK_INT(lv[i].max_rep, al[i].max_rep);
        CHECK(lv[i].field == al[i].leaf);
        if (al[i].max_rep >= 2)
            deep++;
    }
    CHECK(deep >= 3);
    af_pq_file_meta_free(m);
    af_schema_free(s);
}

/* ---- legacy shapes, built by hand ---- */

typedef struct elist {
    af_pq_schema_element e[32];
    size_t n;
} elist;

static af_pq_schema_element *G(elist *l, const char *name, int rep, int n_children)
{
    af_pq_schema_element *e = &l->e[l->n++];
    memset(e, 0, sizeof *e);
    e->name = (char *)name;
    e->has_repetition = rep >= 0;
    e->repetition = rep;
    e->has_num_children = true;
    e->num_children = n_children;
    return e;
}

static af_pq_schema_element *P(elist *l, const char *name, int rep, int type)
{
    af_pq_schema_element *e = &l->e[l->n++];
    memset(e, 0, sizeof *e);
    e->name = (char *)name;
    e->has_repetition = true;
    e->repetition = rep;
    e->has_type = true;
    e->type = type;
    return e;
}

static void ct(af_pq_schema_element *e, int32_t converted)
{
    e->has_converted_type = true;
    e->converted_type = converted;
}

/* Maps l (root first) and returns the rc; on success the caller frees sm. */
static int map_list(elist *l, af_pq_schema_map *sm, af_error *err)
{
    af_pq_file_meta *m = NULL;
    af_pq_file_meta_new(&m, err);
    m->schema = l->e;
    m->n_schema = l->n;
    int rc = af_pq_schema_from_parquet(m, "hand.parquet", sm, err);
    if (!rc)
        check_read_leaves(sm);
    m->schema = NULL;
    m->n_schema = 0;
    af_pq_file_meta_free(m);
    return rc;
}

TEST(legacy_lists)
{
    elist l = {.n = 0};
    G(&l, "schema", -1, 7);
    /* 2-level: repeated primitive */
    ct(G(&l, "a", AF_PQ_OPTIONAL, 1), AF_PQ_CT_LIST);
    P(&l, "element", AF_PQ_REPEATED, AF_PQ_INT32);
    /* repeated group named "array" with one field: the element is the struct */
    ct(G(&l, "b", AF_PQ_OPTIONAL, 1), AF_PQ_CT_LIST);
    G(&l, "array", AF_PQ_REPEATED, 1);
    ct(P(&l, "s", AF_PQ_OPTIONAL, AF_PQ_BYTE_ARRAY), AF_PQ_CT_UTF8);
    /* "<name>_tuple" */
    ct(G(&l, "c", AF_PQ_REQUIRED, 1), AF_PQ_CT_LIST);
    G(&l, "c_tuple", AF_PQ_REPEATED, 1);
    P(&l, "x", AF_PQ_REQUIRED, AF_PQ_INT64);
    /* group with two fields */
    ct(G(&l, "d", AF_PQ_OPTIONAL, 1), AF_PQ_CT_LIST);
    G(&l, "pair", AF_PQ_REPEATED, 2);
    P(&l, "p", AF_PQ_REQUIRED, AF_PQ_INT32);
    P(&l, "q", AF_PQ_OPTIONAL, AF_PQ_DOUBLE);
    /* 3-level with a non-standard name */
    ct(G(&l, "e", AF_PQ_OPTIONAL, 1), AF_PQ_CT_LIST);
    G(&l, "bag", AF_PQ_REPEATED, 1);
    P(&l, "array_element", AF_PQ_OPTIONAL, AF_PQ_FLOAT);
    /* bare repeated primitive and group, no LIST annotation */
    P(&l, "f", AF_PQ_REPEATED, AF_PQ_INT32);
    G(&l, "g", AF_PQ_REPEATED, 2);
    P(&l, "g1", AF_PQ_REQUIRED, AF_PQ_BOOLEAN);
    P(&l, "g2", AF_PQ_OPTIONAL, AF_PQ_INT96);
    af_pq_schema_map sm;
    af_error err;
    int rc = map_list(&l, &sm, &err);
    if (rc)
        fprintf(stderr, "%s\n", err.msg);
    CHECK_INT(rc, 0);
    if (rc)
        return;
    const af_field *f = sm.schema->fields;
    CHECK_STR(fmt(&f[0]), "list<int32>");
    CHECK(f[0].nullable && !f[0].children[0].nullable);
    CHECK_STR(fmt(&f[1]), "list<struct<s: string>>");
    CHECK_STR(fmt(&f[2]), "list<struct<x: int64>>");
    CHECK(!f[2].nullable);
    CHECK_STR(fmt(&f[3]), "list<struct<p: int32, q: float64>>");
    CHECK_STR(fmt(&f[4]), "list<float32>");
    CHECK(f[4].children[0].nullable);
    CHECK_STR(fmt(&f[5]), "list<int32>");
    CHECK(!f[5].nullable && !f[5].children[0].nullable);
    CHECK_STR(fmt(&f[6]), "list<struct<g1: bool, g2: timestamp[ns, UTC]>>");
    CHECK_INT(sm.n_leaves, 9);
    CHECK_INT(sm.leaves[0].max_def, 2);
    CHECK_INT(sm.leaves[0].max_rep, 1);
    CHECK_INT(sm.leaves[8].conv, AF_PQ_CONV_INT96_NANOS);
    CHECK_INT(sm.leaves[8].top, 6);
    CHECK_INT(sm.leaves[5].n_path, 3);
    CHECK_STR(sm.leaves[5].path[2], "array_element");
    af_pq_schema_map_free(&sm);
}

TEST(legacy_maps)
{
    elist l = {.n = 0};
    G(&l, "schema", -1, 3);
    /* MAP_KEY_VALUE on the outer group (old parquet-mr) */
    ct(G(&l, "m", AF_PQ_OPTIONAL, 1), AF_PQ_CT_MAP_KEY_VALUE);
    G(&l, "map", AF_PQ_REPEATED, 2);
    ct(P(&l, "key", AF_PQ_REQUIRED, AF_PQ_BYTE_ARRAY), AF_PQ_CT_UTF8);
    P(&l, "value", AF_PQ_OPTIONAL, AF_PQ_INT32);
    /* MAP with MAP_KEY_VALUE on the repeated group */
    ct(G(&l, "n", AF_PQ_REQUIRED, 1), AF_PQ_CT_MAP);
    ct(G(&l, "key_value", AF_PQ_REPEATED, 2), AF_PQ_CT_MAP_KEY_VALUE);
    P(&l, "key", AF_PQ_REQUIRED, AF_PQ_INT32);
    ct(P(&l, "value", AF_PQ_REQUIRED, AF_PQ_BYTE_ARRAY), AF_PQ_CT_ENUM);
    /* keys only */
    ct(G(&l, "k", AF_PQ_OPTIONAL, 1), AF_PQ_CT_MAP);
    G(&l, "key_value", AF_PQ_REPEATED, 1);
    P(&l, "key", AF_PQ_REQUIRED, AF_PQ_INT64);
    af_pq_schema_map sm;
    af_error err;
    int rc = map_list(&l, &sm, &err);
    if (rc)
        fprintf(stderr, "%s\n", err.msg);
    CHECK_INT(rc, 0);
    if (rc)
        return;
    CHECK_STR(fmt(&sm.schema->fields[0]), "map<string, int32>");
    CHECK_STR(fmt(&sm.schema->fields[1]), "map<int32, string>");
    CHECK(!sm.schema->fields[1].nullable);
    CHECK_STR(fmt(&sm.schema->fields[2]), "list<int64>");
    CHECK_STR(sm.schema->fields[0].children[0].name, "entries");
    CHECK_STR(sm.schema->fields[0].children[0].children[1].name, "value");
    af_pq_schema_map_free(&sm);
}

TEST(legacy_annotations)
{
    elist l = {.n = 0};
    G(&l, "schema", -1, 16);
    ct(P(&l, "u8", AF_PQ_REQUIRED, AF_PQ_INT32), AF_PQ_CT_UINT_8);
    ct(P(&l, "u16", AF_PQ_REQUIRED, AF_PQ_INT32), AF_PQ_CT_UINT_16);
    ct(P(&l, "u32", AF_PQ_REQUIRED, AF_PQ_INT32), AF_PQ_CT_UINT_32);
    ct(P(&l, "u64", AF_PQ_REQUIRED, AF_PQ_INT64), AF_PQ_CT_UINT_64);
    ct(P(&l, "i16", AF_PQ_REQUIRED, AF_PQ_INT32), AF_PQ_CT_INT_16);
    ct(P(&l, "tm", AF_PQ_REQUIRED, AF_PQ_INT32), AF_PQ_CT_TIME_MILLIS);
    ct(P(&l, "tu", AF_PQ_REQUIRED, AF_PQ_INT64), AF_PQ_CT_TIME_MICROS);
    ct(P(&l, "tsm", AF_PQ_REQUIRED, AF_PQ_INT64), AF_PQ_CT_TIMESTAMP_MILLIS);
    af_pq_schema_element *e = P(&l, "dba", AF_PQ_OPTIONAL, AF_PQ_BYTE_ARRAY);
    ct(e, AF_PQ_CT_DECIMAL);
    e->has_precision = e->has_scale = true;
    e->precision = 30;
    e->scale = 5;
    ct(P(&l, "js", AF_PQ_OPTIONAL, AF_PQ_BYTE_ARRAY), AF_PQ_CT_JSON);
    ct(P(&l, "bs", AF_PQ_OPTIONAL, AF_PQ_BYTE_ARRAY), AF_PQ_CT_BSON);
    e = P(&l, "iv", AF_PQ_OPTIONAL, AF_PQ_FIXED_LEN_BYTE_ARRAY);
    ct(e, AF_PQ_CT_INTERVAL);
    e->has_type_length = true;
    e->type_length = 12;
    e = P(&l, "f16", AF_PQ_OPTIONAL, AF_PQ_FIXED_LEN_BYTE_ARRAY);
    e->has_type_length = true;
    e->type_length = 2;
    e->logical.kind = AF_PQ_LT_FLOAT16;
    e = P(&l, "uu", AF_PQ_OPTIONAL, AF_PQ_FIXED_LEN_BYTE_ARRAY);
    e->has_type_length = true;
    e->type_length = 16;
    e->logical.kind = AF_PQ_LT_UUID;
    /* an unknown LogicalType falls back to the ConvertedType */
    e = P(&l, "other", AF_PQ_OPTIONAL, AF_PQ_BYTE_ARRAY);
    e->logical.kind = AF_PQ_LT_OTHER;
    e->logical.other_id = 16;
    ct(e, AF_PQ_CT_UTF8);
    e = P(&l, "unk", AF_PQ_OPTIONAL, AF_PQ_INT32);
    e->logical.kind = AF_PQ_LT_UNKNOWN;
    af_pq_schema_map sm;
    af_error err;
    int rc = map_list(&l, &sm, &err);
    if (rc)
        fprintf(stderr, "%s\n", err.msg);
    CHECK_INT(rc, 0);
    if (rc)
        return;
    static const char *const want[] = {
        "int16",         "int32",    "int64",    "decimal(20,0)",
        "int16",         "time[ms]", "time[us]", "timestamp[ms, UTC]",
        "decimal(30,5)", "json",     "binary",   "binary",
        "float32",       "uuid",     "string",   "null",
    };
    static const af_pq_conv conv[] = {
        AF_PQ_CONV_UINT8,   AF_PQ_CONV_UINT16, AF_PQ_CONV_UINT32,
        AF_PQ_CONV_UINT64,  AF_PQ_CONV_INT16,  AF_PQ_CONV_INT32,
        AF_PQ_CONV_INT64,   AF_PQ_CONV_INT64,  AF_PQ_CONV_DECIMAL_BYTE_ARRAY,
        AF_PQ_CONV_BYTES,   AF_PQ_CONV_BYTES,  AF_PQ_CONV_FLBA_BYTES,
        AF_PQ_CONV_FLOAT16, AF_PQ_CONV_UUID,   AF_PQ_CONV_BYTES,
        AF_PQ_CONV_NULL,
    };
    CHECK_INT(sm.n_leaves, 16);
    for (size_t i = 0; i < 16 && i < sm.n_leaves; i++) {
        CHECK_STR(fmt(&sm.schema->fields[i]), want[i]);
        CHECK_INT(sm.leaves[i].conv, conv[i]);
    }
    CHECK_INT(sm.leaves[11].type_length, 12);
    af_pq_schema_map_free(&sm);
}

TEST(unsupported_shapes)
{
    af_pq_schema_map sm;
    af_error err;
    /* LIST whose child is not repeated */
    elist l = {.n = 0};
    G(&l, "schema", -1, 1);
    G(&l, "outer", AF_PQ_OPTIONAL, 1);
    ct(G(&l, "lst", AF_PQ_OPTIONAL, 1), AF_PQ_CT_LIST);
    P(&l, "element", AF_PQ_OPTIONAL, AF_PQ_INT32);
    CHECK_INT(map_list(&l, &sm, &err), AF_EUNSUPPORTED);
    CHECK_CONTAINS(err.msg, "hand.parquet");
    CHECK_CONTAINS(err.msg, "outer.lst.element");
    CHECK(sm.schema == NULL);

    /* MAP with a primitive child */
    l.n = 0;
    G(&l, "schema", -1, 1);
    ct(G(&l, "m", AF_PQ_OPTIONAL, 1), AF_PQ_CT_MAP);
    P(&l, "kv", AF_PQ_REPEATED, AF_PQ_INT32);
    CHECK_INT(map_list(&l, &sm, &err), AF_EUNSUPPORTED);
    CHECK_CONTAINS(err.msg, "m.kv");

    /* an annotation on the wrong physical type */
    l.n = 0;
    G(&l, "schema", -1, 1);
    ct(P(&l, "x", AF_PQ_REQUIRED, AF_PQ_INT64), AF_PQ_CT_INT_8);
    CHECK_INT(map_list(&l, &sm, &err), AF_EUNSUPPORTED);
    CHECK_CONTAINS(err.msg, "column x");
    CHECK_CONTAINS(err.msg, "INT64");

    /* decimal wider than af holds */
    l.n = 0;
    G(&l, "schema", -1, 1);
    af_pq_schema_element *e = P(&l, "d", AF_PQ_REQUIRED, AF_PQ_FIXED_LEN_BYTE_ARRAY);
    e->has_type_length = true;
    e->type_length = 20;
    e->logical.kind = AF_PQ_LT_DECIMAL;
    e->logical.decimal_precision = 45;
    CHECK_INT(map_list(&l, &sm, &err), AF_EUNSUPPORTED);
    CHECK_CONTAINS(err.msg, "column d");

    /* an empty group */
    l.n = 0;
    G(&l, "schema", -1, 1);
    G(&l, "g", AF_PQ_OPTIONAL, 0);
    CHECK_INT(map_list(&l, &sm, &err), AF_EUNSUPPORTED);
    CHECK_CONTAINS(err.msg, "column g");

    /* elements left over after the root's children */
    l.n = 0;
    G(&l, "schema", -1, 1);
    P(&l, "a", AF_PQ_REQUIRED, AF_PQ_INT32);
    P(&l, "b", AF_PQ_REQUIRED, AF_PQ_INT32);
    CHECK_INT(map_list(&l, &sm, &err), AF_EPARSE);
}

/* ---- real files ---- */

/* Maps the schema of one file of the folder; 0 and an empty map when the
 * folder is absent. */
static int map_file(const char *file, af_pq_schema_map *sm, af_error *err)
{
    char buf[4096];
    const char *dir = testing_dir(buf, sizeof buf);
    memset(sm, 0, sizeof *sm);
    if (!dir)
        return 0;
    af_pq_file_meta *m = NULL;
    int rc = open_footer(dir, file, &m, err);
    if (!rc)
        rc = af_pq_schema_from_parquet(m, file, sm, err);
    af_pq_file_meta_free(m);
    return rc;
}

static void dump(const char *file, const af_pq_schema_map *sm)
{
    printf("%s:\n", file);
    for (size_t i = 0; i < sm->schema->n_fields; i++)
        printf("  %s%s: %s\n", sm->schema->fields[i].name,
               sm->schema->fields[i].nullable ? "" : " (not null)", fmt(&sm->schema->fields[i]));
}

TEST(parquet_testing_schemas)
{
    char buf[4096];
    const char *dir = testing_dir(buf, sizeof buf);
    if (!dir) {
        printf("note: parquet-testing folder not found, schema test skipped\n");
        return;
    }
    DIR *dh = opendir(dir);
    CHECK(dh != NULL);
    struct dirent *de;
    int files = 0, mapped = 0;
    while (dh && (de = readdir(dh))) {
        size_t n = strlen(de->d_name);
        if (n < 8 || strcmp(de->d_name + n - 8, ".parquet") != 0)
            continue;
        files++;
        af_pq_file_meta *m = NULL;
        af_error err;
        if (open_footer(dir, de->d_name, &m, &err)) {
            /* the footer test covers refusals (encryption) */
            af_pq_file_meta_free(m);
            continue;
        }
        af_pq_schema_map sm;
        int rc = af_pq_schema_from_parquet(m, de->d_name, &sm, &err);
        if (rc == 0) {
            mapped++;
            check_read_leaves(&sm);
            CHECK_INT(sm.n_leaves, m->n_leaves);
            if (getenv("AF_PQ_SCHEMA_DUMP"))
                dump(de->d_name, &sm);
        } else {
            printf("note: %s\n", err.msg);
            CHECK_INT(rc, AF_EUNSUPPORTED);
            CHECK_CONTAINS(err.msg, de->d_name);
            CHECK_CONTAINS(err.msg, "column ");
        }
        af_pq_schema_map_free(&sm);
        af_pq_file_meta_free(m);
    }
    if (dh)
        closedir(dh);
    CHECK(files >= 40);
    CHECK(mapped >= files - 2);
}

/* Looks up a top-level field's type text in a mapped file. */
static const af_field *top(const af_pq_schema_map *sm, const char *name)
{
    long i = af_schema_find(sm->schema, name);
    return i < 0 ? NULL : &sm->schema->fields[i];
}

#define CHECK_COL(sm, name, type)                                                                  \
    do {                                                                                           \
        const af_field *f_ = top(sm, name);                                                        \
        CHECK(f_ != NULL);                                                                         \
        if (f_)                                                                                    \
            CHECK_STR(fmt(f_), type);                                                              \
    } while (0)

/* The first leaf under top-level field `name`, or NULL. */
static const af_pq_leaf_info *first_leaf(const af_pq_schema_map *sm, const char *name)
{
    long t = af_schema_find(sm->schema, name);
    for (size_t i = 0; t >= 0 && i < sm->n_leaves; i++)
        if (sm->leaves[i].top == (size_t)t)
            return &sm->leaves[i];
    return NULL;
}

/* Opens a file's mapping, or returns from the test when the folder is absent. */
#define OPEN_MAPPED(sm, file)                                                                      \
    af_pq_schema_map sm;                                                                           \
    do {                                                                                           \
        af_error e_;                                                                               \
        int rc_ = map_file(file, &sm, &e_);                                                        \
        if (rc_)                                                                                   \
            fprintf(stderr, "%s\n", e_.msg);                                                       \
        CHECK_INT(rc_, 0);                                                                         \
        if (!sm.schema)                                                                            \
            return;                                                                                \
    } while (0)

TEST(file_alltypes_plain)
{
    OPEN_MAPPED(sm, "alltypes_plain.parquet");
    CHECK_INT(sm.schema->n_fields, 11);
    CHECK_COL(&sm, "id", "int32");
    CHECK_COL(&sm, "bool_col", "bool");
    CHECK_COL(&sm, "tinyint_col", "int32");
    CHECK_COL(&sm, "bigint_col", "int64");
    CHECK_COL(&sm, "float_col", "float32");
    CHECK_COL(&sm, "double_col", "float64");
    CHECK_COL(&sm, "date_string_col", "binary");
    CHECK_COL(&sm, "timestamp_col", "timestamp[ns, UTC]");
    const af_pq_leaf_info *l = first_leaf(&sm, "timestamp_col");
    CHECK(l && l->conv == AF_PQ_CONV_INT96_NANOS && l->physical_type == AF_PQ_INT96 &&
          l->max_def == 1 && l->max_rep == 0 && l->column == 10);
    l = first_leaf(&sm, "date_string_col");
    CHECK(l && l->conv == AF_PQ_CONV_BYTES);
    af_pq_schema_map_free(&sm);
}

/* Impala's INT_8/INT_16 and UTF8 annotations. */
TEST(file_alltypes_tiny_pages)
{
    OPEN_MAPPED(sm, "alltypes_tiny_pages.parquet");
    CHECK_COL(&sm, "tinyint_col", "int8");
    CHECK_COL(&sm, "smallint_col", "int16");
    CHECK_COL(&sm, "string_col", "string");
    CHECK_COL(&sm, "timestamp_col", "timestamp[ns, UTC]");
    const af_pq_leaf_info *l = first_leaf(&sm, "tinyint_col");
    CHECK(l && l->conv == AF_PQ_CONV_INT8 && l->physical_type == AF_PQ_INT32);
    af_pq_schema_map_free(&sm);
}

TEST(file_decimals)
{
    static const struct {
        const char *file, *type;
        af_pq_conv conv;
        int32_t physical;
    } cases[] = {
        {"int32_decimal.parquet", "decimal(4,2)", AF_PQ_CONV_DECIMAL_INT32, AF_PQ_INT32},
        {"int64_decimal.parquet", "decimal(10,2)", AF_PQ_CONV_DECIMAL_INT64, AF_PQ_INT64},
        {"fixed_length_decimal.parquet", "decimal(25,2)", AF_PQ_CONV_DECIMAL_FLBA,
         AF_PQ_FIXED_LEN_BYTE_ARRAY},
        {"byte_array_decimal.parquet", "decimal(4,2)", AF_PQ_CONV_DECIMAL_BYTE_ARRAY,
         AF_PQ_BYTE_ARRAY},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        OPEN_MAPPED(sm, cases[i].file);
        CHECK_COL(&sm, "value", cases[i].type);
        const af_pq_leaf_info *l = first_leaf(&sm, "value");
        CHECK(l && l->conv == cases[i].conv && l->physical_type == cases[i].physical);
        if (cases[i].physical == AF_PQ_FIXED_LEN_BYTE_ARRAY)
            CHECK(l && l->type_length == 11);
        af_pq_schema_map_free(&sm);
    }
}

/* Standard 3-level lists (Arrow), optional elements. */
TEST(file_list_columns)
{
    OPEN_MAPPED(sm, "list_columns.parquet");
    CHECK_COL(&sm, "int64_list", "list<int64>");
    CHECK_COL(&sm, "utf8_list", "list<string>");
    const af_pq_leaf_info *l = first_leaf(&sm, "utf8_list");
    CHECK(l && l->max_def == 3 && l->max_rep == 1 && l->n_path == 3);
    CHECK(top(&sm, "utf8_list")->children[0].nullable);
    af_pq_schema_map_free(&sm);
}

/* Impala: required lists, maps, lists of lists and maps deep in structs. */
TEST(file_nonnullable_impala)
{
    OPEN_MAPPED(sm, "nonnullable.impala.parquet");
    CHECK_COL(&sm, "ID", "int64");
    CHECK_COL(&sm, "Int_Array", "list<int32>");
    CHECK_COL(&sm, "int_array_array", "list<list<int32>>");
    CHECK_COL(&sm, "Int_Map", "map<string, int32>");
    CHECK_COL(&sm, "int_map_array", "list<map<string, int32>>");
    CHECK_COL(&sm, "nested_Struct",
              "struct<a: int32, B: list<int32>, c: struct<D: list<list<struct<e: int32, f: "
              "string>>>>, G: map<string, struct<h: struct<i: list<float64>>>>>");
    CHECK(!top(&sm, "Int_Array")->nullable);
    const af_pq_leaf_info *l = first_leaf(&sm, "int_array_array");
    CHECK(l && l->max_rep == 2);
    l = first_leaf(&sm, "int_map_array");
    CHECK(l && l->max_rep == 2);
    af_pq_schema_map_free(&sm);
}

/* Bare repeated fields without a LIST annotation. */
TEST(file_repeated_primitive_no_list)
{
    OPEN_MAPPED(sm, "repeated_primitive_no_list.parquet");
    CHECK_COL(&sm, "Int32_list", "list<int32>");
    CHECK_COL(&sm, "String_list", "list<string>");
    CHECK_COL(&sm, "group_of_lists",
              "struct<Int32_list_in_group: list<int32>, String_list_in_group: list<string>>");
    const af_field *f = top(&sm, "Int32_list");
    CHECK(f && !f->nullable && !f->children[0].nullable);
    const af_pq_leaf_info *l = first_leaf(&sm, "Int32_list");
    CHECK(l && l->max_def == 1 && l->max_rep == 1 && l->n_path == 1);
    af_pq_schema_map_free(&sm);
}

/* A MAP without values reads as a list of keys; a map whose repeated group
 * is not named key_value still is a map. */
TEST(file_maps)
{
    {
        OPEN_MAPPED(sm, "map_no_value.parquet");
        CHECK_COL(&sm, "my_map", "map<int32, int32>");
        CHECK_COL(&sm, "my_map_no_v", "list<int32>");
        CHECK_COL(&sm, "my_list", "list<int32>");
        af_pq_schema_map_free(&sm);
    }
    {
        OPEN_MAPPED(sm, "incorrect_map_schema.parquet");
        CHECK_COL(&sm, "my_map", "map<string, string>");
        const af_pq_leaf_info *l = first_leaf(&sm, "my_map");
        CHECK(l && l->max_rep == 1);
        af_pq_schema_map_free(&sm);
    }
}

/* UINT_64 widened, FLOAT16 to float32, structs, unknown logical types. */
TEST(file_other_annotations)
{
    {
        OPEN_MAPPED(sm, "concatenated_gzip_members.parquet");
        CHECK_COL(&sm, "long_col", "decimal(20,0)");
        CHECK(first_leaf(&sm, "long_col")->conv == AF_PQ_CONV_UINT64);
        af_pq_schema_map_free(&sm);
    }
    {
        OPEN_MAPPED(sm, "float16_nonzeros_and_nans.parquet");
        CHECK_COL(&sm, "x", "float32");
        const af_pq_leaf_info *l = first_leaf(&sm, "x");
        CHECK(l && l->conv == AF_PQ_CONV_FLOAT16 && l->type_length == 2);
        af_pq_schema_map_free(&sm);
    }
    {
        OPEN_MAPPED(sm, "nulls.snappy.parquet");
        CHECK_COL(&sm, "b_struct", "struct<b_c_int: int32>");
        CHECK(first_leaf(&sm, "b_struct")->max_def == 2);
        af_pq_schema_map_free(&sm);
    }
    {
        /* a LogicalType newer than this build reads by its physical type */
        OPEN_MAPPED(sm, "unknown-logical-type.parquet");
        CHECK_COL(&sm, "column with known type", "string");
        CHECK_COL(&sm, "column with unknown type", "binary");
        af_pq_schema_map_free(&sm);
    }
    {
        OPEN_MAPPED(sm, "datapage_v2.snappy.parquet");
        CHECK_COL(&sm, "a", "string");
        CHECK_COL(&sm, "e", "list<int32>");
        af_pq_schema_map_free(&sm);
    }
}

TEST_MAIN()
