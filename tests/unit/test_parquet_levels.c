/* test_parquet_levels.c - Dremel levels: a hand-checked example, and a
 * property test: random nested schemas and data shredded to levels and
 * assembled back must be identical, row by row. */
#include "test.h"

#include "formats/parquet/levels.h"

#include <stdlib.h>

/* A column of `f` holding the rows appended by the caller. */
static af_batch *batch_of(const af_field *f)
{
    af_schema *s = af_schema_new();
    af_schema_add(s, f);
    af_batch *b = af_batch_new(s);
    af_schema_free(s);
    return b;
}

TEST(list_of_nullable_ints_levels)
{
    af_field item, list;
    af_field_init(&item, "element", af_type_make(AF_TYPE_INT64), true);
    af_field_init(&list, "xs", af_type_make(AF_TYPE_LIST), true);
    af_field_add_child(&list, &item);
    af_batch *b = batch_of(&list);
    af_array *a = &b->columns[0];
    af_array *c = &a->children[0];
    /* [1,2], null, [], [null,3] */
    af_array_append_int(c, 1);
    af_array_append_int(c, 2);
    af_array_append_list_row(a, 2);
    af_array_append_null(a);
    af_array_append_list_row(a, 0);
    af_array_append_null(c);
    af_array_append_int(c, 3);
    af_array_append_list_row(a, 2);

    const af_field *f = &b->schema->fields[0];
    CHECK_INT(af_pq_leaf_count(f), 1);
    af_pq_levels lv[1];
    af_pq_levels_init(f, lv);
    CHECK_INT(lv[0].max_def, 3);
    CHECK_INT(lv[0].max_rep, 1);
    af_error err = {0};
    CHECK_INT(af_pq_shred(f, a, 0, 4, lv, &err), AF_OK);
    static const int16_t want_def[] = {3, 3, 0, 1, 2, 3};
    static const int16_t want_rep[] = {0, 1, 0, 0, 0, 1};
    CHECK_INT(lv[0].n, 6);
    for (size_t i = 0; i < 6 && i < lv[0].n; i++) {
        CHECK_INT(lv[0].def[i], want_def[i]);
        CHECK_INT(lv[0].rep[i], want_rep[i]);
    }
    CHECK_INT(lv[0].n_values, 3);
    CHECK_INT(af_array_get_int(c, lv[0].value_index[2]), 3);
    af_pq_levels_free(lv, 1);
    af_batch_release(b);
    af_field_free(&item);
    af_field_free(&list);
}

/* ---- random schemas and data ---- */

static unsigned rnd_state = 12345;
static unsigned rnd(unsigned n)
{
    rnd_state = rnd_state * 1103515245u + 12345u;
    return (rnd_state >> 8) % n;
}

static void random_field(af_field *f, const char *name, int depth)
{
    unsigned k = depth >= 3 ? rnd(3) : rnd(6);
    bool nullable = rnd(3) != 0;
    if (k == 0)
        af_field_init(f, name, af_type_make(AF_TYPE_INT64), nullable);
    else if (k == 1)
        af_field_init(f, name, af_type_make(AF_TYPE_STRING), nullable);
    else if (k == 2)
        af_field_init(f, name, af_type_decimal(10, 2), nullable);
    else if (k == 3) {
        af_field_init(f, name, af_type_make(AF_TYPE_STRUCT), nullable);
        unsigned n = 1 + rnd(3);
        for (unsigned i = 0; i < n; i++) {
            char nm[16];
            snprintf(nm, sizeof nm, "f%u", i);
            af_field c;
            random_field(&c, nm, depth + 1);
            af_field_add_child(f, &c);
            af_field_free(&c);
        }
    } else if (k == 4) {
        af_field_init(f, name, af_type_make(AF_TYPE_LIST), nullable);
        af_field c;
        random_field(&c, "element", depth + 1);
        af_field_add_child(f, &c);
        af_field_free(&c);
    } else {
        af_field_init(f, name, af_type_make(AF_TYPE_MAP), nullable);
        af_field entries, key, value;
        af_field_init(&entries, "key_value", af_type_make(AF_TYPE_STRUCT), false);
        af_field_init(&key, "key", af_type_make(AF_TYPE_STRING), false);
        random_field(&value, "value", depth + 1);
        af_field_add_child(&entries, &key);
        af_field_add_child(&entries, &value);
        af_field_add_child(f, &entries);
        af_field_free(&entries);
        af_field_free(&key);
        af_field_free(&value);
    }
}

static void random_value(const af_field *f, af_array *a)
{
    if (f->nullable && rnd(5) == 0) {
        af_array_append_null(a);
        return;
    }
    char text[32];
    switch (f->type.id) {
    case AF_TYPE_INT64: af_array_append_int(a, (int64_t)rnd(1000) - 500); break;
    case AF_TYPE_STRING:
        snprintf(text, sizeof text, "s%u", rnd(100));
        af_array_append_bytes(a, text, strlen(text) * rnd(2)); /* empty strings too */
        break;
    case AF_TYPE_DECIMAL: af_array_append_decimal(a, (af_int128)rnd(100000) - 50000); break;
    case AF_TYPE_STRUCT:
        for (size_t i = 0; i < f->n_children; i++)
            random_value(&f->children[i], &a->children[i]);
        af_array_append_struct_row(a);
        break;
    case AF_TYPE_LIST:
    case AF_TYPE_MAP: {
        unsigned n = rnd(4);
        for (unsigned i = 0; i < n; i++)
            random_value(&f->children[0], &a->children[0]);
        af_array_append_list_row(a, n);
        break;
    }
    default: break;
    }
}

static void round_trip_one(unsigned seed)
{
    rnd_state = seed;
    af_field f;
    random_field(&f, "c", 0);
    af_batch *b = batch_of(&f);
    const af_field *bf = &b->schema->fields[0];
    int64_t rows = 1 + rnd(60);
    for (int64_t r = 0; r < rows; r++)
        random_value(bf, &b->columns[0]);
    af_error err = {0};
    CHECK_INT(af_batch_seal(b, &err), AF_OK);

    size_t nl = af_pq_leaf_count(bf);
    af_pq_levels *lv = calloc(nl ? nl : 1, sizeof *lv);
    af_pq_levels_init(bf, lv);
    /* shred in two pieces, as row groups would */
    CHECK_INT(af_pq_shred(bf, &b->columns[0], 0, rows / 2, lv, &err), AF_OK);
    CHECK_INT(af_pq_shred(bf, &b->columns[0], rows / 2, rows, lv, &err), AF_OK);

    /* dense values per leaf, as a reader would decode them */
    af_batch **dense = calloc(nl ? nl : 1, sizeof *dense);
    af_pq_leaf_stream *st = calloc(nl ? nl : 1, sizeof *st);
    for (size_t i = 0; i < nl; i++) {
        af_field lf;
        af_field_copy(&lf, lv[i].leaf);
        lf.nullable = true;
        dense[i] = batch_of(&lf);
        af_field_free(&lf);
        for (size_t k = 0; k < lv[i].n_values; k++)
            af_array_append_from(&dense[i]->columns[0], lv[i].values, lv[i].value_index[k]);
        st[i] = (af_pq_leaf_stream){.def = lv[i].max_def ? lv[i].def : NULL,
                                    .rep = lv[i].max_rep ? lv[i].rep : NULL,
                                    .n = lv[i].n,
                                    .values = &dense[i]->columns[0],
                                    .max_def = lv[i].max_def};
    }
    af_batch *back = batch_of(bf);
    int rc = af_pq_assemble(bf, &back->columns[0], st, rows, &err);
    CHECK_INT(rc, AF_OK);
    if (rc)
        fprintf(stderr, "seed %u: %s\n", seed, err.msg);
    CHECK_INT(back->columns[0].length, rows);
    af_buf x, y;
    af_buf_init(&x);
    af_buf_init(&y);
    for (int64_t r = 0; !rc && r < rows; r++) {
        af_buf_reset(&x);
        af_buf_reset(&y);
        af_array_format_json(&b->columns[0], r, &x);
        af_array_format_json(&back->columns[0], r, &y);
        CHECK_STR(af_buf_cstr(&y), af_buf_cstr(&x));
    }
    af_buf_free(&x);
    af_buf_free(&y);
    for (size_t i = 0; i < nl; i++)
        af_batch_release(dense[i]);
    free(dense);
    free(st);
    af_pq_levels_free(lv, nl);
    free(lv);
    af_batch_release(back);
    af_batch_release(b);
    af_field_free(&f);
}

TEST(random_nested_round_trips)
{
    for (unsigned seed = 1; seed <= 300; seed++)
        round_trip_one(seed);
}

TEST(corrupt_levels_are_errors)
{
    af_field item, list;
    af_field_init(&item, "element", af_type_make(AF_TYPE_INT64), false);
    af_field_init(&list, "xs", af_type_make(AF_TYPE_LIST), false);
    af_field_add_child(&list, &item);
    af_batch *vals = batch_of(&item);
    af_array_append_int(&vals->columns[0], 7);
    af_batch *out = batch_of(&list);
    const af_field *f = &out->schema->fields[0];
    af_error err = {0};
    /* a row starting with rep 1 */
    int16_t def[] = {1, 1}, rep[] = {1, 0};
    af_pq_leaf_stream st = {def, rep, 2, 0, &vals->columns[0], 0, 1};
    CHECK_INT(af_pq_assemble(f, &out->columns[0], &st, 1, &err), AF_EPARSE);
    CHECK_CONTAINS(err.msg, "column 'xs'");
    /* more levels than rows */
    int16_t def2[] = {1, 1}, rep2[] = {0, 0};
    af_pq_leaf_stream st2 = {def2, rep2, 2, 0, &vals->columns[0], 0, 1};
    af_batch *out2 = batch_of(f);
    CHECK_INT(af_pq_assemble(f, &out2->columns[0], &st2, 1, &err), AF_EPARSE);
    CHECK_CONTAINS(err.msg, "left over");
    /* a value promised by the levels but missing */
    int16_t def3[] = {1, 1}, rep3[] = {0, 1};
    af_pq_leaf_stream st3 = {def3, rep3, 2, 0, &vals->columns[0], 0, 1};
    af_batch *out3 = batch_of(f);
    CHECK_INT(af_pq_assemble(f, &out3->columns[0], &st3, 1, &err), AF_EPARSE);
    CHECK_CONTAINS(err.msg, "fewer values");
    af_batch_release(vals);
    af_batch_release(out);
    af_batch_release(out2);
    af_batch_release(out3);
    af_field_free(&item);
    af_field_free(&list);
}

TEST_MAIN()
