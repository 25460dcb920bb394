/* test_parquet_prune.c - row-group pruning from statistics (prune.h):
 * literals in PLAIN bytes under each sort order, the decision for every
 * operator, which statistics are trusted (min_value vs deprecated min,
 * column orders, NaN bounds, wrong sizes, unsigned types), the reader's
 * selected count on real files, and a corpus-wide check that pruning
 * never changes which rows match. */
#include "core/where.h"
#include "formats/parquet/parquet.h"
#include "formats/parquet/prune.h"
#include "parquet_testing.h"
#include "test.h"

#include <dirent.h>

/* A file schema built through the writer mapping, encoded, decoded and
 * validated like a real footer, so leaves carry real conversions. */
typedef struct fixture {
    af_pq_file_meta *m;
    af_pq_schema_map sm;
} fixture;

static af_schema *test_schema(void)
{
    af_schema *s = af_schema_new();
    af_schema_add_simple(s, "i", af_type_make(AF_TYPE_INT32), true);
    af_schema_add_simple(s, "l", af_type_make(AF_TYPE_INT64), true);
    af_schema_add_simple(s, "dec9", af_type_decimal(9, 2), true);
    af_schema_add_simple(s, "dec30", af_type_decimal(30, 2), true);
    af_schema_add_simple(s, "s", af_type_make(AF_TYPE_STRING), true);
    af_schema_add_simple(s, "f", af_type_make(AF_TYPE_FLOAT64), true);
    af_schema_add_simple(s, "req", af_type_make(AF_TYPE_INT32), false);
    af_schema_add_simple(s, "d", af_type_make(AF_TYPE_DATE), true);
    af_schema_add_simple(s, "u", af_type_make(AF_TYPE_INT32), true); /* made UINT_32 below */
    af_field st;
    af_field_init(&st, "st", af_type_make(AF_TYPE_STRUCT), true);
    af_field x;
    af_field_init(&x, "x", af_type_make(AF_TYPE_INT32), true);
    af_field_add_child(&st, &x);
    af_schema_add(s, &st);
    af_field_free(&x);
    af_field_free(&st);
    return s;
}

static int fixture_open(fixture *fx, af_error *err)
{
    memset(fx, 0, sizeof *fx);
    af_schema *s = test_schema();
    af_pq_file_meta *w = NULL;
    af_pq_leaf_info *leaves;
    size_t n;
    af_buf b;
    af_buf_init(&b);
    int rc = af_pq_file_meta_new(&w, err);
    if (!rc)
        rc = af_pq_schema_to_parquet(s, w, &leaves, &n, err);
    if (!rc)
        rc = af_pq_file_meta_encode(w, &b, err);
    if (!rc)
        rc = af_pq_file_meta_decode(b.data, b.len, "t.parquet", &fx->m, err);
    if (!rc)
        rc = af_pq_file_meta_validate(fx->m, 1000, "t.parquet", err);
    if (!rc) {
        /* "u" becomes an unsigned 32-bit column, as old writers make them */
        af_pq_schema_element *e = &fx->m->schema[fx->m->leaves[8]];
        e->has_converted_type = true;
        e->converted_type = AF_PQ_CT_UINT_32;
        rc = af_pq_schema_from_parquet(fx->m, "t.parquet", &fx->sm, err);
    }
    af_buf_free(&b);
    af_pq_file_meta_free(w);
    af_schema_free(s);
    return rc;
}

static void fixture_close(fixture *fx)
{
    af_pq_schema_map_free(&fx->sm);
    af_pq_file_meta_free(fx->m);
}

/* Compiles one predicate "col op v [v2]" into pr (must hold exactly one). */
static int compile1(fixture *fx, af_pq_pruner *pr, const char *col, af_parquet_op op, const char *v,
                    const char *v2, af_error *err)
{
    af_parquet_predicate p = {col, op, v, v2};
    return af_pq_pruner_init(pr, fx->m, &fx->sm, &p, 1, "t.parquet", err);
}

static af_pq_bytes i32(int32_t v, uint8_t *store)
{
    memcpy(store, &v, 4);
    return (af_pq_bytes){store, 4};
}

/* may_match for an int32 predicate against [min, max] (either may be absent). */
static int match_i32(fixture *fx, const char *col, af_parquet_op op, const char *v, const char *v2,
                     const int32_t *min, const int32_t *max)
{
    af_error err;
    af_pq_pruner pr;
    if (compile1(fx, &pr, col, op, v, v2, &err) != 0 || pr.n != 1) {
        fprintf(stderr, "compile: %s\n", err.msg);
        return -1;
    }
    uint8_t a[4], b[4];
    af_pq_bytes lo = min ? i32(*min, a) : (af_pq_bytes){NULL, 0};
    af_pq_bytes hi = max ? i32(*max, b) : (af_pq_bytes){NULL, 0};
    af_pq_bounds bd = {min ? &lo : NULL, max ? &hi : NULL, true, 0, 10};
    int r = af_pq_prune_may_match(&pr.preds[0], &bd);
    af_pq_pruner_free(&pr);
    return r;
}

TEST(prune_int_operators)
{
    fixture fx;
    af_error err;
    CHECK_INT(fixture_open(&fx, &err), 0);
    int32_t one = 1, four = 4, five = 5, six = 6, nine = 9;
    CHECK_INT(match_i32(&fx, "i", AF_PQ_EQ, "5", NULL, &one, &four), 0);
    CHECK_INT(match_i32(&fx, "i", AF_PQ_EQ, "5", NULL, &one, &five), 1);
    CHECK_INT(match_i32(&fx, "i", AF_PQ_EQ, "5", NULL, &six, &nine), 0);
    CHECK_INT(match_i32(&fx, "i", AF_PQ_EQ, "5", NULL, &six, NULL), 0);
    CHECK_INT(match_i32(&fx, "i", AF_PQ_EQ, "5", NULL, NULL, &four), 0);
    CHECK_INT(match_i32(&fx, "i", AF_PQ_EQ, "5", NULL, NULL, NULL), 1);
    CHECK_INT(match_i32(&fx, "i", AF_PQ_LT, "5", NULL, &five, &nine), 0);
    CHECK_INT(match_i32(&fx, "i", AF_PQ_LT, "5", NULL, &four, &nine), 1);
    CHECK_INT(match_i32(&fx, "i", AF_PQ_LE, "5", NULL, &five, &nine), 1);
    CHECK_INT(match_i32(&fx, "i", AF_PQ_LE, "5", NULL, &six, &nine), 0);
    CHECK_INT(match_i32(&fx, "i", AF_PQ_GT, "5", NULL, &one, &five), 0);
    CHECK_INT(match_i32(&fx, "i", AF_PQ_GT, "5", NULL, &one, &six), 1);
    CHECK_INT(match_i32(&fx, "i", AF_PQ_GE, "5", NULL, &one, &five), 1);
    CHECK_INT(match_i32(&fx, "i", AF_PQ_GE, "5", NULL, &one, &four), 0);
    CHECK_INT(match_i32(&fx, "i", AF_PQ_BETWEEN, "2", "5", &six, &nine), 0);
    CHECK_INT(match_i32(&fx, "i", AF_PQ_BETWEEN, "2", "5", &five, &nine), 1);
    CHECK_INT(match_i32(&fx, "i", AF_PQ_BETWEEN, "6", "9", &one, &five), 0);
    CHECK_INT(match_i32(&fx, "i", AF_PQ_BETWEEN, "5", "9", &one, &five), 1);
    /* signed order: -3 < 1 */
    CHECK_INT(match_i32(&fx, "i", AF_PQ_LT, "-3", NULL, &one, &five), 0);
    /* dates are INT32 days: 1970-01-05 is day 4 */
    CHECK_INT(match_i32(&fx, "d", AF_PQ_GT, "1970-01-05", NULL, &one, &four), 0);
    CHECK_INT(match_i32(&fx, "d", AF_PQ_GT, "1970-01-04", NULL, &one, &four), 1);
    /* decimal(9,2) is INT32 unscaled: 0.05 is 5 */
    CHECK_INT(match_i32(&fx, "dec9", AF_PQ_EQ, "0.05", NULL, &one, &four), 0);
    CHECK_INT(match_i32(&fx, "dec9", AF_PQ_EQ, "0.04", NULL, &one, &four), 1);
    /* UINT_32: 0xFFFFFFFF is the largest value, not -1 */
    int32_t all_ones = -1;
    CHECK_INT(match_i32(&fx, "u", AF_PQ_GT, "5", NULL, &one, &all_ones), 1);
    CHECK_INT(match_i32(&fx, "u", AF_PQ_LT, "5", NULL, &all_ones, &all_ones), 0);
    CHECK_INT(match_i32(&fx, "u", AF_PQ_EQ, "4294967295", NULL, &one, &all_ones), 1);
    fixture_close(&fx);
}

static int match_bytes(fixture *fx, const char *col, af_parquet_op op, const char *v,
                       const af_pq_bytes *min, const af_pq_bytes *max)
{
    af_error err;
    af_pq_pruner pr;
    if (compile1(fx, &pr, col, op, v, NULL, &err) != 0 || pr.n != 1)
        return -1;
    af_pq_bounds bd = {min, max, false, 0, -1};
    int r = af_pq_prune_may_match(&pr.preds[0], &bd);
    af_pq_pruner_free(&pr);
    return r;
}

TEST(prune_strings_decimals_floats)
{
    fixture fx;
    af_error err;
    CHECK_INT(fixture_open(&fx, &err), 0);
    af_pq_bytes a = {(const uint8_t *)"a", 1}, az = {(const uint8_t *)"az", 2},
                c = {(const uint8_t *)"c", 1}, e_acute = {(const uint8_t *)"\xc3\xa9", 2};
    CHECK_INT(match_bytes(&fx, "s", AF_PQ_EQ, "b", &a, &az), 0);
    CHECK_INT(match_bytes(&fx, "s", AF_PQ_EQ, "b", &a, &c), 1);
    CHECK_INT(match_bytes(&fx, "s", AF_PQ_EQ, "b", &c, NULL), 0);
    /* unsigned bytes: é (0xC3..) sorts after z */
    CHECK_INT(match_bytes(&fx, "s", AF_PQ_GT, "z", &a, &e_acute), 1);
    CHECK_INT(match_bytes(&fx, "s", AF_PQ_GE, "\xc3\xa9t\xc3\xa9", &a, &e_acute), 0);
    CHECK_INT(match_bytes(&fx, "s", AF_PQ_LT, "a", &a, &c), 0);
    CHECK_INT(match_bytes(&fx, "s", AF_PQ_LE, "a", &a, &c), 1);

    /* decimal(30,2) is a 13-byte big-endian two's complement */
    uint8_t m200[13], m100[13];
    memset(m200, 0xFF, 13);
    memset(m100, 0xFF, 13);
    m200[12] = (uint8_t)(256 - 200); /* -200 = -2.00 */
    m100[12] = (uint8_t)(256 - 100); /* -1.00 */
    af_pq_bytes lo = {m200, 13}, hi = {m100, 13};
    CHECK_INT(match_bytes(&fx, "dec30", AF_PQ_GT, "-1.5", &lo, &lo), 0);
    CHECK_INT(match_bytes(&fx, "dec30", AF_PQ_GT, "-1.5", &lo, &hi), 1);
    CHECK_INT(match_bytes(&fx, "dec30", AF_PQ_LT, "-2", &lo, &hi), 0);
    CHECK_INT(match_bytes(&fx, "dec30", AF_PQ_LT, "-1.99", &lo, &hi), 1);
    CHECK_INT(match_bytes(&fx, "dec30", AF_PQ_EQ, "12345678901234567890.5", &lo, &hi), 0);

    double half = 0.5, two = 2.0, nan = NAN;
    af_pq_bytes dh = {(const uint8_t *)&half, 8}, d2 = {(const uint8_t *)&two, 8},
                dn = {(const uint8_t *)&nan, 8};
    CHECK_INT(match_bytes(&fx, "f", AF_PQ_GT, "1", &dh, &dh), 0);
    CHECK_INT(match_bytes(&fx, "f", AF_PQ_GT, "1", &dh, &d2), 1);
    /* a NaN bound proves nothing */
    CHECK_INT(match_bytes(&fx, "f", AF_PQ_GT, "1", &dh, &dn), 1);
    CHECK_INT(match_bytes(&fx, "f", AF_PQ_LT, "1", &dn, &d2), 1);
    CHECK_INT(match_bytes(&fx, "f", AF_PQ_EQ, "nan", &dh, &d2), 1);
    /* -0 equals +0 */
    CHECK_INT(match_bytes(&fx, "f", AF_PQ_EQ, "-0.0", &dh, &d2), 0);
    double pz = 0.0;
    af_pq_bytes dz = {(const uint8_t *)&pz, 8};
    CHECK_INT(match_bytes(&fx, "f", AF_PQ_EQ, "-0.0", &dz, &d2), 1);
    /* a bound of the wrong size for the physical type is ignored */
    af_pq_bytes short_bound = {(const uint8_t *)"abc", 3};
    CHECK_INT(match_bytes(&fx, "i", AF_PQ_EQ, "5", &short_bound, &short_bound), 1);
    CHECK_INT(match_bytes(&fx, "f", AF_PQ_EQ, "5", &short_bound, &short_bound), 1);
    fixture_close(&fx);
}

TEST(prune_null_counts)
{
    fixture fx;
    af_error err;
    CHECK_INT(fixture_open(&fx, &err), 0);
    af_pq_pruner pr;
    struct {
        const char *col;
        af_parquet_op op;
        bool has_nc;
        int64_t nc, nv;
        int want;
    } cases[] = {
        {"i", AF_PQ_IS_NULL, true, 0, 10, 0},
        {"i", AF_PQ_IS_NULL, true, 1, 10, 1},
        {"i", AF_PQ_IS_NULL, false, 0, 10, 1},
        {"req", AF_PQ_IS_NULL, false, 0, 10, 0},
        {"i", AF_PQ_IS_NOT_NULL, true, 10, 10, 0},
        {"i", AF_PQ_IS_NOT_NULL, true, 9, 10, 1},
        {"i", AF_PQ_IS_NOT_NULL, false, 10, 10, 1},
        {"i", AF_PQ_EQ, true, 10, 10, 0},
        {"i", AF_PQ_GT, true, 9, 10, 1},
        {"i", AF_PQ_GT, true, 10, -1, 1},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        CHECK_INT(compile1(&fx, &pr, cases[k].col, cases[k].op, "1", NULL, &err), 0);
        af_pq_bounds bd = {NULL, NULL, cases[k].has_nc, cases[k].nc, cases[k].nv};
        int got = af_pq_prune_may_match(&pr.preds[0], &bd);
        if (got != cases[k].want)
            fprintf(stderr, "null case %zu\n", k);
        CHECK_INT(got, cases[k].want);
        af_pq_pruner_free(&pr);
    }
    fixture_close(&fx);
}

TEST(prune_compile_errors_and_nested)
{
    fixture fx;
    af_error err;
    CHECK_INT(fixture_open(&fx, &err), 0);
    af_pq_pruner pr;
    CHECK_INT(compile1(&fx, &pr, "i", AF_PQ_EQ, "x", NULL, &err), AF_EINVAL);
    CHECK_CONTAINS(err.msg, "t.parquet");
    CHECK_CONTAINS(err.msg, "'x' is not a value of column 'i' of type int32");
    CHECK_INT(compile1(&fx, &pr, "nope", AF_PQ_EQ, "1", NULL, &err), AF_ENOTFOUND);
    CHECK_CONTAINS(err.msg, "no column 'nope'");
    CHECK_INT(compile1(&fx, &pr, "i", AF_PQ_BETWEEN, "1", NULL, &err), AF_EINVAL);
    /* a nested column cannot prune: left out, not an error */
    CHECK_INT(compile1(&fx, &pr, "st", AF_PQ_EQ, "1", NULL, &err), 0);
    CHECK_INT(pr.n, 0);
    af_pq_pruner_free(&pr);
    fixture_close(&fx);
}

/* keep_group reads the right statistics fields. */
TEST(prune_chunk_statistics_sources)
{
    fixture fx;
    af_error err;
    CHECK_INT(fixture_open(&fx, &err), 0);
    af_pq_file_meta *m = fx.m;
    size_t ncols = m->n_leaves;
    af_pq_row_group rg;
    memset(&rg, 0, sizeof rg);
    af_pq_column_chunk *cols = calloc(ncols, sizeof *cols);
    rg.columns = cols;
    rg.n_columns = ncols;
    rg.num_rows = 10;
    m->row_groups = &rg;
    m->n_row_groups = 1;
    int col_orders[16];
    uint8_t b1[4], b4[4], b7[4], b9[4];
    af_pq_column_chunk *ci = &cols[0], *cs = &cols[4];
    ci->has_meta_data = cs->has_meta_data = true;
    ci->meta_data.num_values = cs->meta_data.num_values = 10;
    ci->meta_data.has_statistics = cs->meta_data.has_statistics = true;
    af_pq_statistics *st = &ci->meta_data.statistics;
    /* min_value/max_value say [7, 9]; the deprecated fields [1, 4] */
    st->has_min_value = st->has_max_value = true;
    st->min_value = i32(7, b7);
    st->max_value = i32(9, b9);
    st->has_min = st->has_max = true;
    st->min = i32(1, b1);
    st->max = i32(4, b4);
    af_parquet_predicate p = {"i", AF_PQ_EQ, "3", NULL};
    af_pq_pruner pr;
    CHECK_INT(af_pq_pruner_init(&pr, m, &fx.sm, &p, 1, "t.parquet", &err), 0);
    CHECK(!af_pq_pruner_keep_group(&pr, m, 0)); /* min_value preferred */
    /* an unknown column order: min_value is ignored, the signed legacy
     * fields are right for INT32 */
    for (size_t k = 0; k < ncols && k < 16; k++)
        col_orders[k] = AF_PQ_ORDER_TYPE_DEFINED;
    col_orders[0] = AF_PQ_ORDER_OTHER;
    m->column_orders = col_orders;
    m->n_column_orders = ncols;
    m->has_column_orders = true;
    CHECK(af_pq_pruner_keep_group(&pr, m, 0));
    st->max = i32(2, b4);
    CHECK(!af_pq_pruner_keep_group(&pr, m, 0));
    af_pq_pruner_free(&pr);
    m->has_column_orders = false;

    /* strings: the deprecated signed-order fields are never used */
    af_pq_statistics *ss = &cs->meta_data.statistics;
    ss->has_min = ss->has_max = true;
    ss->min = (af_pq_bytes){(const uint8_t *)"x", 1};
    ss->max = (af_pq_bytes){(const uint8_t *)"y", 1};
    af_parquet_predicate ps = {"s", AF_PQ_EQ, "a", NULL};
    CHECK_INT(af_pq_pruner_init(&pr, m, &fx.sm, &ps, 1, "t.parquet", &err), 0);
    CHECK(af_pq_pruner_keep_group(&pr, m, 0));
    ss->has_min_value = ss->has_max_value = true;
    ss->min_value = ss->min;
    ss->max_value = ss->max;
    CHECK(!af_pq_pruner_keep_group(&pr, m, 0));
    /* no statistics at all: kept */
    cs->meta_data.has_statistics = false;
    CHECK(af_pq_pruner_keep_group(&pr, m, 0));
    af_pq_pruner_free(&pr);

    /* two predicates are ANDed: one that rules the group out is enough */
    cs->meta_data.has_statistics = true;
    af_parquet_predicate both[2] = {{"i", AF_PQ_GE, "0", NULL}, {"s", AF_PQ_GT, "z", NULL}};
    CHECK_INT(af_pq_pruner_init(&pr, m, &fx.sm, both, 2, "t.parquet", &err), 0);
    CHECK(!af_pq_pruner_keep_group(&pr, m, 0));
    both[1].value = "xa";
    af_pq_pruner_free(&pr);
    CHECK_INT(af_pq_pruner_init(&pr, m, &fx.sm, both, 2, "t.parquet", &err), 0);
    CHECK(af_pq_pruner_keep_group(&pr, m, 0));
    af_pq_pruner_free(&pr);

    m->row_groups = NULL;
    m->n_row_groups = 0;
    m->column_orders = NULL;
    m->n_column_orders = 0;
    free(cols);
    fixture_close(&fx);
}

TEST(prune_predicates_from_where)
{
    af_error err;
    af_where *w = NULL;
    CHECK_INT(af_where_parse("a >= 1 AND b BETWEEN 'x' AND 'y' AND (c = 1 OR c = 2) AND "
                             "d IS NOT NULL AND e <> 3",
                             &w, &err),
              0);
    af_parquet_predicate p[8];
    CHECK_INT(af_pq_predicates_from_where(w, p, 8), 3);
    CHECK_STR(p[0].column, "a");
    CHECK_INT(p[0].op, AF_PQ_GE);
    CHECK_STR(p[0].value, "1");
    CHECK_STR(p[1].column, "b");
    CHECK_INT(p[1].op, AF_PQ_BETWEEN);
    CHECK_STR(p[1].value2, "y");
    CHECK_STR(p[2].column, "d");
    CHECK_INT(p[2].op, AF_PQ_IS_NOT_NULL);
    CHECK_INT(af_pq_predicates_from_where(w, p, 1), 1);
    af_where_free(w);
}

/* ---- page level ---- */

TEST(prune_row_ranges)
{
    af_pq_row_ranges a = {0}, b = {0};
    CHECK_INT(af_pq_row_ranges_all(&a, 100), 0);
    CHECK_INT(a.n, 1);
    CHECK_INT(af_pq_row_ranges_count(&a), 100);
    /* b = [0,10) [20,30) [30,40) (the last two merge) [95,120) */
    af_pq_row_range parts[] = {{0, 10}, {20, 30}, {30, 40}, {95, 120}};
    for (size_t i = 0; i < 4; i++) {
        af_pq_row_ranges one = {0};
        CHECK_INT(af_pq_row_ranges_all(&one, parts[i].end - parts[i].start), 0);
        one.r[0].start += parts[i].start;
        one.r[0].end += parts[i].start;
        if (i == 0) {
            b = one;
            continue;
        }
        /* union through the public API is not needed: append by hand */
        b.r = realloc(b.r, (b.n + 1) * sizeof *b.r);
        if (b.r[b.n - 1].end == one.r[0].start)
            b.r[b.n - 1].end = one.r[0].end;
        else
            b.r[b.n++] = one.r[0];
        af_pq_row_ranges_free(&one);
    }
    b.cap = b.n;
    CHECK_INT(af_pq_row_ranges_intersect(&a, &b), 0);
    CHECK_INT(a.n, 3);
    CHECK_INT(a.r[0].start, 0);
    CHECK_INT(a.r[0].end, 10);
    CHECK_INT(a.r[1].start, 20);
    CHECK_INT(a.r[1].end, 40);
    CHECK_INT(a.r[2].start, 95);
    CHECK_INT(a.r[2].end, 100);
    CHECK_INT(af_pq_row_ranges_count(&a), 35);
    af_pq_row_ranges c = {0};
    CHECK_INT(af_pq_row_ranges_all(&c, 25), 0);
    c.r[0].start = 5;
    CHECK_INT(af_pq_row_ranges_intersect(&a, &c), 0);
    CHECK_INT(a.n, 2);
    CHECK_INT(af_pq_row_ranges_count(&a), 10);
    af_pq_row_ranges_free(&a);
    af_pq_row_ranges_free(&b);
    af_pq_row_ranges_free(&c);
}

TEST(prune_pages_from_column_index)
{
    fixture fx;
    af_error err;
    CHECK_INT(fixture_open(&fx, &err), 0);
    /* 4 pages of column i: rows [0,10) [10,20) [20,25) [25,40); the third
     * is all nulls; min/max [0,9] [10,19] - [25,39]; null counts 0 1 5 0 */
    uint8_t st[8][4];
    af_pq_bytes mins[4] = {i32(0, st[0]), i32(10, st[1]), {NULL, 0}, i32(25, st[2])};
    af_pq_bytes maxs[4] = {i32(9, st[3]), i32(19, st[4]), {NULL, 0}, i32(39, st[5])};
    bool nulls[4] = {false, false, true, false};
    int64_t null_counts[4] = {0, 1, 5, 0};
    af_pq_column_index ci;
    memset(&ci, 0, sizeof ci);
    ci.n_pages = 4;
    ci.null_pages = nulls;
    ci.min_values = mins;
    ci.max_values = maxs;
    ci.null_counts = (af_pq_i64_list){true, null_counts, 4};
    af_pq_page_location locs[4] = {{100, 10, 0}, {110, 10, 10}, {120, 10, 20}, {130, 10, 25}};
    af_pq_offset_index oi;
    memset(&oi, 0, sizeof oi);
    oi.pages = locs;
    oi.n_pages = 4;
    struct {
        af_parquet_op op;
        const char *v, *v2;
        int64_t count; /* rows kept */
        int64_t first; /* first kept row */
    } cases[] = {
        {AF_PQ_EQ, "12", NULL, 10, 10},         {AF_PQ_GT, "19", NULL, 15, 25},
        {AF_PQ_LE, "10", NULL, 20, 0},          {AF_PQ_IS_NULL, NULL, NULL, 15, 10},
        {AF_PQ_IS_NOT_NULL, NULL, NULL, 35, 0}, {AF_PQ_BETWEEN, "5", "26", 35, 0},
        {AF_PQ_LT, "0", NULL, 0, -1},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        af_pq_pruner pr;
        CHECK_INT(compile1(&fx, &pr, "i", cases[k].op, cases[k].v, cases[k].v2, &err), 0);
        af_pq_row_ranges rr = {0};
        CHECK_INT(af_pq_page_ranges(&pr.preds[0], fx.m, &ci, &oi, 40, &rr, &err), 0);
        if (af_pq_row_ranges_count(&rr) != cases[k].count)
            fprintf(stderr, "page case %zu\n", k);
        CHECK_INT(af_pq_row_ranges_count(&rr), cases[k].count);
        CHECK_INT(rr.n ? rr.r[0].start : -1, cases[k].first);
        af_pq_row_ranges_free(&rr);
        af_pq_pruner_free(&pr);
    }
    /* a page flagged null without a null count covering it proves nothing
     * (writers without statistics flag every page) */
    ci.null_counts.present = false;
    af_pq_pruner pn;
    CHECK_INT(compile1(&fx, &pn, "i", AF_PQ_IS_NOT_NULL, NULL, NULL, &err), 0);
    af_pq_row_ranges rn = {0};
    CHECK_INT(af_pq_page_ranges(&pn.preds[0], fx.m, &ci, &oi, 40, &rn, &err), 0);
    CHECK_INT(af_pq_row_ranges_count(&rn), 40);
    af_pq_pruner_free(&pn);
    CHECK_INT(compile1(&fx, &pn, "i", AF_PQ_EQ, "12", NULL, &err), 0);
    CHECK_INT(af_pq_page_ranges(&pn.preds[0], fx.m, &ci, &oi, 40, &rn, &err), 0);
    CHECK_INT(af_pq_row_ranges_count(&rn), 15); /* pages 1 and 2 */
    af_pq_row_ranges_free(&rn);
    af_pq_pruner_free(&pn);
    ci.null_counts.present = true;

    /* an offset index that does not fit proves nothing */
    locs[2].first_row_index = 5;
    af_pq_pruner pr;
    CHECK_INT(compile1(&fx, &pr, "i", AF_PQ_EQ, "12", NULL, &err), 0);
    af_pq_row_ranges rr = {0};
    CHECK_INT(af_pq_page_ranges(&pr.preds[0], fx.m, &ci, &oi, 40, &rr, &err), 0);
    CHECK_INT(af_pq_row_ranges_count(&rr), 40);
    locs[2].first_row_index = 20;
    ci.n_pages = 3;
    CHECK_INT(af_pq_page_ranges(&pr.preds[0], fx.m, &ci, &oi, 40, &rr, &err), 0);
    CHECK_INT(af_pq_row_ranges_count(&rr), 40);
    af_pq_row_ranges_free(&rr);
    af_pq_pruner_free(&pr);
    fixture_close(&fx);
}

/* ---- real files ---- */

typedef struct scan {
    int selected, total;
    int64_t rows, matched;
} scan;

/* Reads path with the pruning predicates of expr (or none) and counts the
 * rows the expression keeps. */
static int scan_file(const char *path, const char *expr, bool prune, scan *out, af_error *err)
{
    memset(out, 0, sizeof *out);
    af_blob *blob = NULL;
    int rc = af_blob_open_file(path, &blob, err);
    if (rc)
        return rc;
    af_parquet_reader *r = NULL;
    af_where *w = NULL;
    rc = af_where_parse(expr, &w, err);
    if (!rc)
        rc = af_parquet_reader_open(blob, NULL, &r, err);
    if (!rc)
        rc = af_where_bind(w, af_parquet_reader_schema(r), err);
    af_parquet_predicate preds[16];
    size_t n = prune ? af_pq_predicates_from_where(w, preds, 16) : 0;
    af_parquet_reader_free(r);
    r = NULL;
    af_parquet_read_options o;
    memset(&o, 0, sizeof o);
    o.predicates = preds;
    o.n_predicates = n;
    o.limits = AF_BATCH_DEFAULT_LIMITS;
    if (!rc)
        rc = af_parquet_reader_open(blob, &o, &r, err);
    if (!rc)
        af_parquet_reader_row_groups(r, &out->selected, &out->total);
    af_batch *b = NULL;
    while (!rc && (rc = af_parquet_reader_next(r, &b, err)) == 0 && b) {
        bool *keep = calloc((size_t)b->n_rows + 1, 1);
        rc = af_where_eval(w, b, keep, err);
        out->rows += b->n_rows;
        for (int64_t i = 0; !rc && i < b->n_rows; i++)
            out->matched += keep[i];
        free(keep);
        af_batch_release(b);
    }
    af_parquet_reader_free(r);
    af_where_free(w);
    af_blob_close(blob);
    return rc;
}

TEST(prune_real_files)
{
    char buf[4096], path[4200];
    const char *dir = testing_dir(buf, sizeof buf);
    if (!dir) {
        printf("note: parquet-testing folder not found, real-file pruning skipped\n");
        return;
    }
    af_error err;
    scan s;
    /* sort_columns: two groups, a in [1, 2] with a null each, b in ["a", "c"] */
    snprintf(path, sizeof path, "%s/sort_columns.parquet", dir);
    CHECK_INT(scan_file(path, "a > 2", true, &s, &err), 0);
    CHECK_INT(s.selected, 0);
    CHECK_INT(s.total, 2);
    CHECK_INT(s.rows, 0);
    CHECK_INT(scan_file(path, "a = 2", true, &s, &err), 0);
    CHECK_INT(s.selected, 2);
    CHECK_INT(s.matched, 2);
    CHECK_INT(scan_file(path, "a = 2 OR a = 7", true, &s, &err), 0);
    CHECK_INT(s.selected, 2); /* OR does not prune */
    CHECK_INT(scan_file(path, "b < 'a' AND a = 1", true, &s, &err), 0);
    CHECK_INT(s.selected, 0);
    CHECK_INT(scan_file(path, "a IS NULL", true, &s, &err), 0);
    CHECK_INT(s.selected, 2);
    CHECK_INT(s.matched, 2);
    /* floating_orders_nan_count: 5 groups of 10 rows; float_ieee754 maxima
     * are 5, 3, NaN (IEEE 754 total order keeps NaN), 5 and ... */
    snprintf(path, sizeof path, "%s/floating_orders_nan_count.parquet", dir);
    scan all;
    CHECK_INT(scan_file(path, "float_ieee754 > 4", false, &all, &err), 0);
    CHECK_INT(scan_file(path, "float_ieee754 > 4", true, &s, &err), 0);
    CHECK_INT(all.selected, 5);
    CHECK(s.selected < 5);  /* group 1 (max 3) goes */
    CHECK(s.selected >= 3); /* groups 0 and 3 (max 5) and 2 (NaN bounds) stay */
    CHECK_INT(s.matched, all.matched);
    CHECK(all.matched > 0);
}

/* alltypes_tiny_pages.parquet: one row group of 7300 rows in small pages
 * with a page index. Equality on id must read a small part of the rows
 * and find exactly what a full read finds. */
TEST(prune_pages_real_file)
{
    char buf[4096], path[4200];
    const char *dir = testing_dir(buf, sizeof buf);
    if (!dir)
        return;
    snprintf(path, sizeof path, "%s/alltypes_tiny_pages.parquet", dir);
    af_error err;
    int64_t scanned = 0;
    for (int id = 0; id < 7300; id += 487) {
        char e[160];
        snprintf(e, sizeof e, "id = %d AND string_col >= '0' AND bool_col IS NOT NULL", id);
        scan full, pruned;
        CHECK_INT(scan_file(path, e, false, &full, &err), 0);
        CHECK_INT(scan_file(path, e, true, &pruned, &err), 0);
        CHECK_INT(full.rows, 7300);
        CHECK_INT(full.matched, 1);
        CHECK_INT(pruned.matched, full.matched);
        CHECK(pruned.rows < full.rows / 10);
        scanned += pruned.rows;
        snprintf(e, sizeof e, "id BETWEEN %d AND %d AND tinyint_col <= 4", id, id + 300);
        CHECK_INT(scan_file(path, e, false, &full, &err), 0);
        CHECK_INT(scan_file(path, e, true, &pruned, &err), 0);
        CHECK(full.matched > 0);
        CHECK_INT(pruned.matched, full.matched);
        CHECK(pruned.rows < full.rows);
    }
    CHECK(scanned > 0);
}

/* af_pq_read_column_rows gives the same rows with the offset index, without
 * it, and as a full read. */
TEST(prune_read_column_rows)
{
    char buf[4096], path[4200];
    const char *dir = testing_dir(buf, sizeof buf);
    if (!dir)
        return;
    snprintf(path, sizeof path, "%s/alltypes_tiny_pages.parquet", dir);
    af_error err;
    af_blob *blob = NULL;
    CHECK_INT(af_blob_open_file(path, &blob, &err), 0);
    af_pq_file_meta *m = NULL;
    af_pq_schema_map sm;
    memset(&sm, 0, sizeof sm);
    CHECK_INT(af_pq_footer_read(testing_blob_read_at, blob, blob->size, "f", &m, &err), 0);
    CHECK_INT(af_pq_schema_from_parquet(m, "f", &sm, &err), 0);
    af_pq_row_range ranges[] = {{3, 9}, {500, 501}, {4000, 4100}, {7290, 7300}};
    int64_t want = 6 + 1 + 100 + 10;
    /* leaves 0 (id, int32), 1 (bool_col), 9 (string_col) */
    size_t leaves[] = {0, 1, 9};
    for (size_t k = 0; k < 3; k++) {
        const af_pq_leaf_info *leaf = &sm.leaves[leaves[k]];
        const af_pq_column_chunk *cc = &m->row_groups[0].columns[leaf->column];
        CHECK(cc->has_offset_index);
        af_pq_offset_index *oi = NULL;
        uint8_t *ib = malloc((size_t)cc->offset_index_length);
        CHECK_INT(af_blob_read_at(blob, (uint64_t)cc->offset_index_offset, ib,
                                  (size_t)cc->offset_index_length, &err),
                  0);
        CHECK_INT(af_pq_offset_index_decode(ib, (size_t)cc->offset_index_length, "f", &oi, &err),
                  0);
        free(ib);
        CHECK(oi && oi->n_pages > 10);
        af_pq_chunk_data full, with, without;
        CHECK_INT(af_pq_read_column_chunk(blob, m, 0, leaf, &full, &err), 0);
        CHECK_INT(af_pq_read_column_rows(blob, m, 0, leaf, oi, ranges, 4, &with, &err), 0);
        CHECK_INT(af_pq_read_column_rows(blob, m, 0, leaf, NULL, ranges, 4, &without, &err), 0);
        CHECK_INT(with.n, want);
        CHECK_INT(without.n, want);
        /* row by row against the full read */
        int64_t fv = 0, wv = 0, out_i = 0;
        af_buf x, y, z;
        af_buf_init(&x);
        af_buf_init(&y);
        af_buf_init(&z);
        for (size_t r = 0; r < full.n; r++) {
            bool valid = full.max_def == 0 || full.def[r] == full.max_def;
            bool in = false;
            for (size_t q = 0; q < 4; q++)
                in = in || ((int64_t)r >= ranges[q].start && (int64_t)r < ranges[q].end);
            if (in && out_i < (int64_t)with.n) {
                if (full.max_def > 0)
                    CHECK_INT(with.def[out_i], full.def[r]);
                out_i++;
            }
            if (in && valid && wv < with.values->length) {
                af_buf_reset(&x);
                af_buf_reset(&y);
                af_array_format_value(full.values, fv, &x);
                af_array_format_value(with.values, wv++, &y);
                CHECK_STR(af_buf_cstr(&y), af_buf_cstr(&x));
            }
            fv += valid;
        }
        CHECK_INT(out_i, want);
        CHECK_INT(wv, with.values->length);
        /* the dense values agree between the two selected reads */
        CHECK_INT(with.values->length, without.values->length);
        for (int64_t i = 0; i < with.values->length; i++) {
            af_buf_reset(&y);
            af_buf_reset(&z);
            af_array_format_value(with.values, i, &y);
            af_array_format_value(without.values, i, &z);
            CHECK_STR(af_buf_cstr(&y), af_buf_cstr(&z));
        }
        af_buf_free(&x);
        af_buf_free(&y);
        af_buf_free(&z);
        af_pq_chunk_data_free(&full);
        af_pq_chunk_data_free(&with);
        af_pq_chunk_data_free(&without);
        af_pq_offset_index_free(oi);
    }
    af_pq_schema_map_free(&sm);
    af_pq_file_meta_free(m);
    af_blob_close(blob);
}

/* Quotes text for a where expression: q around it, q inside doubled. */
static void quote(af_buf *out, const char *s, size_t n, char q)
{
    af_buf_append_byte(out, (uint8_t)q);
    for (size_t i = 0; i < n; i++) {
        if (s[i] == q)
            af_buf_append_byte(out, (uint8_t)q);
        af_buf_append_byte(out, (uint8_t)s[i]);
    }
    af_buf_append_byte(out, (uint8_t)q);
}

/* For every flat column of every file, values taken from the data (the
 * first and last non-null value of each batch) are used in =, <, <=, >
 * and >= predicates: reading with pruning must find exactly the rows a
 * full read finds. */
TEST(prune_never_loses_rows_on_the_corpus)
{
    char buf[4096];
    const char *dir = testing_dir(buf, sizeof buf);
    if (!dir)
        return;
    DIR *dh = opendir(dir);
    CHECK(dh != NULL);
    struct dirent *de;
    long checks = 0, pruned_groups = 0, skipped_rows = 0;
    static const char *const ops[] = {"=", "<", "<=", ">", ">="};
    while (dh && (de = readdir(dh))) {
        size_t n = strlen(de->d_name);
        if (n < 8 || strcmp(de->d_name + n - 8, ".parquet") != 0)
            continue;
        char path[4400];
        if (snprintf(path, sizeof path, "%s/%s", dir, de->d_name) >= (int)sizeof path)
            continue;
        af_error err;
        af_blob *blob = NULL;
        af_parquet_reader *r = NULL;
        if (af_blob_open_file(path, &blob, &err) != 0)
            continue;
        if (af_parquet_reader_open(blob, NULL, &r, &err) != 0) {
            af_blob_close(blob);
            continue;
        }
        af_buf exprs; /* NUL-separated expressions to try */
        af_buf_init(&exprs);
        af_batch *b = NULL;
        int batches = 0;
        while (batches < 8 && af_parquet_reader_next(r, &b, &err) == 0 && b) {
            batches++;
            for (size_t c = 0; c < b->schema->n_fields; c++) {
                const af_field *f = &b->schema->fields[c];
                if (af_type_is_nested(f->type.id) || f->type.id == AF_TYPE_BINARY ||
                    f->type.id == AF_TYPE_NULL || f->type.id == AF_TYPE_JSON)
                    continue;
                int64_t picks[2] = {-1, -1};
                for (int64_t i = 0; i < b->n_rows; i++)
                    if (af_array_is_valid(&b->columns[c], i)) {
                        if (picks[0] < 0)
                            picks[0] = i;
                        picks[1] = i;
                    }
                for (int k = 0; k < 2; k++) {
                    if (picks[k] < 0)
                        continue;
                    af_buf v;
                    af_buf_init(&v);
                    af_array_format_value(&b->columns[c], picks[k], &v);
                    for (size_t o = 0; o < 5; o++) {
                        quote(&exprs, f->name, strlen(f->name), '"');
                        af_buf_printf(&exprs, " %s ", ops[o]);
                        quote(&exprs, v.data ? (const char *)v.data : "", v.len, '\'');
                        af_buf_append_byte(&exprs, 0);
                    }
                    af_buf_free(&v);
                }
            }
            af_batch_release(b);
        }
        af_parquet_reader_free(r);
        af_blob_close(blob);
        for (size_t off = 0; off < exprs.len; off += strlen((char *)exprs.data + off) + 1) {
            const char *e = (const char *)exprs.data + off;
            scan full, pruned;
            int rc1 = scan_file(path, e, false, &full, &err);
            if (rc1) /* e.g. a value the text form does not round-trip */
                continue;
            int rc2 = scan_file(path, e, true, &pruned, &err);
            CHECK_INT(rc2, 0);
            if (rc2 || pruned.matched != full.matched)
                fprintf(stderr, "%s: %s: %lld rows with pruning, %lld without (%s)\n", de->d_name,
                        e, (long long)pruned.matched, (long long)full.matched, rc2 ? err.msg : "");
            CHECK_INT(pruned.matched, full.matched);
            CHECK(pruned.selected <= full.selected);
            pruned_groups += full.selected - pruned.selected;
            skipped_rows += (long)(full.rows - pruned.rows);
            checks++;
        }
        af_buf_free(&exprs);
    }
    if (dh)
        closedir(dh);
    CHECK(checks > 500);
    CHECK(pruned_groups > 0);
    CHECK(skipped_rows > 0);
    printf("corpus: %ld expressions checked, %ld row groups pruned, %ld rows not read\n", checks,
           pruned_groups, skipped_rows);
}

TEST_MAIN()
