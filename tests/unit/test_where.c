/* test_where.c - where expressions (core/where.h): every operator and
 * keyword, precedence, parse errors with their positions, binding errors,
 * and evaluation with SQL NULL semantics on exact decimals, dates,
 * timestamps, strings, floats with NaN, uuids and booleans. */
#include "core/values.h"
#include "core/where.h"
#include "test.h"

/* A batch of 5 rows; NULL texts are null values. */
#define ROWS 5
static const char *const col_id[ROWS] = {"1", "2", NULL, "4", "5"};
static const char *const col_amount[ROWS] = {"12.50", "12.49", "12.51", "-3.00", NULL};
static const char *const col_d[ROWS] = {"2024-02-28", "2024-02-29", "2024-03-01", NULL,
                                        "1999-12-31"};
static const char *const col_ts[ROWS] = {"2023-12-31T22:59:59Z", "2023-12-31T23:00:00Z",
                                         "2024-01-01T00:00:00Z", NULL, "2024-06-01T12:00:00.5Z"};
static const char *const col_name[ROWS] = {"a", "b", "it's", NULL, "ab"};
static const char *const col_f[ROWS] = {"1.5", "nan", "-0.0", NULL, "2.5"};
static const char *const col_u[ROWS] = {
    "00000000-0000-0000-0000-000000000001", NULL, "ffffffff-0000-0000-0000-000000000000",
    "00000000-0000-0000-0000-000000000002", "00000000-0000-0000-0000-000000000001"};
static const char *const col_flag[ROWS] = {"true", "false", NULL, "true", "false"};

static af_schema *make_schema(void)
{
    af_schema *s = af_schema_new();
    af_schema_add_simple(s, "id", af_type_make(AF_TYPE_INT32), true);
    af_schema_add_simple(s, "amount", af_type_decimal(10, 2), true);
    af_schema_add_simple(s, "d", af_type_make(AF_TYPE_DATE), true);
    af_schema_add_simple(s, "ts", af_type_timestamp(AF_UNIT_MICRO, "UTC"), true);
    af_schema_add_simple(s, "name", af_type_make(AF_TYPE_STRING), true);
    af_schema_add_simple(s, "f", af_type_make(AF_TYPE_FLOAT64), true);
    af_schema_add_simple(s, "u", af_type_make(AF_TYPE_UUID), true);
    af_schema_add_simple(s, "flag", af_type_make(AF_TYPE_BOOL), true);
    af_schema_add_simple(s, "my col", af_type_make(AF_TYPE_INT64), true);
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

static af_batch *make_batch(void)
{
    af_schema *s = make_schema();
    af_batch *b = af_batch_new(s);
    af_schema_free(s);
    const char *const *cols[] = {col_id,   col_amount, col_d, col_ts,
                                 col_name, col_f,      col_u, col_flag};
    af_parse_options o;
    af_parse_options_default(&o);
    af_error err;
    for (size_t c = 0; c < 8; c++)
        for (int r = 0; r < ROWS; r++) {
            const char *t = cols[c][r];
            int rc = t ? af_array_append_text(&b->columns[c], t, strlen(t), &o, &err)
                       : af_array_append_null(&b->columns[c]);
            CHECK_INT(rc, 0);
        }
    for (int r = 0; r < ROWS; r++) {
        CHECK_INT(af_array_append_int(&b->columns[8], r * 10), 0); /* "my col" */
        /* st: null in row 1, else {x: r} */
        af_array *st = &b->columns[9];
        if (r == 1) {
            CHECK_INT(af_array_append_null(st), 0); /* appends to the children too */
        } else {
            CHECK_INT(af_array_append_int(&st->children[0], r), 0);
            CHECK_INT(af_array_append_struct_row(st), 0);
        }
    }
    CHECK_INT(af_batch_seal(b, &err), 0);
    return b;
}

/* Evaluates expr on the test batch and returns the kept rows as "01010",
 * or "error: message". */
static char result[1200];
static const char *run(const char *expr)
{
    af_error err;
    af_error_clear(&err);
    af_where *w = NULL;
    af_batch *b = make_batch();
    af_schema *s = make_schema();
    int rc = af_where_parse(expr, &w, &err);
    if (!rc)
        rc = af_where_bind(w, s, &err);
    bool keep[ROWS];
    if (!rc)
        rc = af_where_eval(w, b, keep, &err);
    if (rc) {
        snprintf(result, sizeof result, "error: %s", err.msg);
    } else {
        for (int i = 0; i < ROWS; i++)
            result[i] = keep[i] ? '1' : '0';
        result[ROWS] = '\0';
    }
    af_where_free(w);
    af_batch_release(b);
    af_schema_free(s);
    return result;
}

static int code_of(const char *expr)
{
    af_error err;
    af_where *w = NULL;
    af_schema *s = make_schema();
    int rc = af_where_parse(expr, &w, &err);
    if (!rc)
        rc = af_where_bind(w, s, &err);
    af_where_free(w);
    af_schema_free(s);
    return rc;
}

TEST(where_comparison_operators)
{
    /* id: 1, 2, NULL, 4, 5 */
    CHECK_STR(run("id = 2"), "01000");
    CHECK_STR(run("id == 2"), "01000");
    CHECK_STR(run("id != 2"), "10011");
    CHECK_STR(run("id <> 2"), "10011");
    CHECK_STR(run("id < 4"), "11000");
    CHECK_STR(run("id <= 4"), "11010");
    CHECK_STR(run("id > 2"), "00011");
    CHECK_STR(run("id >= 2"), "01011");
    CHECK_STR(run("id BETWEEN 2 AND 4"), "01010");
    CHECK_STR(run("id NOT BETWEEN 2 AND 4"), "10001");
    CHECK_STR(run("id IS NULL"), "00100");
    CHECK_STR(run("id IS NOT NULL"), "11011");
    CHECK_STR(run("id>=-1"), "11011");
    CHECK_STR(run("id > +4"), "00001");
}

TEST(where_keywords_any_case_and_quoted_names)
{
    CHECK_STR(run("id between 2 and 4"), "01010");
    CHECK_STR(run("id Is Not Null aNd NoT id = 1"), "01011");
    CHECK_STR(run("\"my col\" >= 20"), "00111");
    CHECK_STR(run("\"id\" = 1"), "10000");
    CHECK_STR(run("name = 'it''s'"), "00100");
}

TEST(where_precedence_and_three_valued_logic)
{
    /* AND binds tighter than OR */
    CHECK_STR(run("id = 1 OR id = 2 AND name = 'x'"), "10000");
    CHECK_STR(run("(id = 1 OR id = 2) AND name = 'b'"), "01000");
    /* NOT binds tighter than AND */
    CHECK_STR(run("NOT id = 1 AND id < 4"), "01000");
    CHECK_STR(run("NOT (id = 1 OR id = 5)"), "01010");
    /* a comparison with NULL is unknown, and NOT unknown is unknown */
    CHECK_STR(run("NOT id > 1"), "10000");
    CHECK_STR(run("NOT NOT id > 1"), "01011");
    /* unknown OR true is true; unknown AND false is false; NOT of that is true */
    CHECK_STR(run("id > 1 OR name = 'it''s'"), "01111");
    /* row 2: unknown AND false = false, NOT -> true; row 3: true AND unknown
     * = unknown, NOT -> unknown */
    CHECK_STR(run("NOT (id > 1 AND name = 'zzz')"), "11101");
    CHECK_STR(run("((((id = 4))))"), "00010");
    CHECK_STR(run("id = 1 or id = 2 or id = 4 or id = 5"), "11011");
}

TEST(where_decimals_compare_exactly)
{
    /* amount: 12.50, 12.49, 12.51, -3.00, NULL on decimal(10,2) */
    CHECK_STR(run("amount > 12.5"), "00100");
    CHECK_STR(run("amount = 12.5"), "10000");
    CHECK_STR(run("amount = 12.50"), "10000");
    CHECK_STR(run("amount = '1.25e1'"), "10000");
    CHECK_STR(run("amount BETWEEN -3 AND 12.49"), "01010");
    CHECK_STR(run("amount < 0"), "00010");
    CHECK_CONTAINS(run("amount > 12.555"), "'12.555' is not a value of column 'amount'");
    CHECK_CONTAINS(result, "decimal(10,2)");
    CHECK_CONTAINS(result, "at position 10");
    CHECK_INT(code_of("amount > 12.555"), AF_EINVAL);
    CHECK_CONTAINS(run("amount > 123456789"), "is not a value of column 'amount'");
}

TEST(where_dates_and_timestamps)
{
    CHECK_STR(run("d >= '2024-02-29'"), "01100");
    CHECK_STR(run("d = '2024-02-29'"), "01000");
    CHECK_STR(run("d < '2000-01-01'"), "00001");
    CHECK_CONTAINS(run("d = '2023-02-29'"), "is not a value of column 'd' of type date");
    /* an offset is converted to UTC: 00:00+01:00 is 23:00Z the day before */
    CHECK_STR(run("ts = '2024-01-01T00:00:00+01:00'"), "01000");
    CHECK_STR(run("ts < '2024-01-01 00:00:00+01:00'"), "10000");
    CHECK_STR(run("ts > '2024-06-01T12:00:00.4Z'"), "00001");
    CHECK_STR(run("ts BETWEEN '2023-12-31' AND '2024-01-01'"), "11100");
}

TEST(where_strings_floats_uuids_bools)
{
    /* bytewise: "a" < "ab" < "b" < "it's" */
    CHECK_STR(run("name < 'b'"), "10001");
    CHECK_STR(run("name > 'a'"), "01101");
    CHECK_STR(run("name >= ''"), "11101");
    /* f: 1.5, NaN, -0.0, NULL, 2.5. NaN matches no comparison but != */
    CHECK_STR(run("f = 0"), "00100");
    CHECK_STR(run("f > 1"), "10001");
    CHECK_STR(run("f != 1.5"), "01101");
    CHECK_STR(run("f = 'nan'"), "00000");
    CHECK_STR(run("f < 'inf'"), "10101");
    CHECK_STR(run("u = '00000000000000000000000000000001'"), "10001");
    CHECK_STR(run("u > '00000000-0000-0000-0000-000000000001'"), "00110");
    CHECK_STR(run("flag = true"), "10010");
    CHECK_STR(run("flag = FALSE"), "01001");
    CHECK_STR(run("flag < true"), "01001");
    CHECK_CONTAINS(run("flag = 'maybe'"), "of type bool");
    CHECK_CONTAINS(run("u = 'xyz'"), "of type uuid");
}

TEST(where_nested_columns)
{
    CHECK_STR(run("st IS NULL"), "01000");
    CHECK_STR(run("st IS NOT NULL AND id > 1"), "00011");
    CHECK_CONTAINS(run("st = 1"), "column 'st' is struct<x: int32>");
    CHECK_CONTAINS(result, "not supported");
    CHECK_INT(code_of("st = 1"), AF_EUNSUPPORTED);
}

TEST(where_unknown_column)
{
    CHECK_CONTAINS(run("amout > 1"), "no column 'amout'");
    CHECK_CONTAINS(result, "did you mean 'amount'?");
    CHECK_CONTAINS(result, "columns: id, amount, d, ts, name, f, u, flag, my col, st");
    CHECK_INT(code_of("amout > 1"), AF_ENOTFOUND);
    CHECK_INT(code_of("ID = 1"), AF_ENOTFOUND); /* names are case-sensitive */
}

/* Parse error message for expr (parse only). */
static const char *parse_error(const char *expr)
{
    af_error err;
    af_error_clear(&err);
    af_where *w = NULL;
    int rc = af_where_parse(expr, &w, &err);
    af_where_free(w);
    if (rc == 0)
        return "parsed";
    snprintf(result, sizeof result, "%d %s", rc, err.msg);
    return result;
}

TEST(where_parse_errors_name_position_and_expectation)
{
    CHECK_CONTAINS(parse_error("x >"), "where expression 'x >': at position 4: expected a value");
    CHECK_CONTAINS(result, "found the end of the expression");
    CHECK_CONTAINS(parse_error("x = 1 y"), "at position 7: expected AND, OR or the end");
    CHECK_CONTAINS(result, "found 'y'");
    CHECK_CONTAINS(parse_error("(x = 1"), "at position 7: expected AND, OR or ')' to close the "
                                          "'(' at position 1");
    CHECK_CONTAINS(parse_error("x = 1)"), "at position 6: this ')' has no matching '('");
    CHECK_CONTAINS(parse_error("x = 'abc"), "at position 5: this string is not closed");
    CHECK_CONTAINS(parse_error("\"x = 1"), "at position 1: this quoted column name is not closed");
    CHECK_CONTAINS(parse_error("x foo 1"), "at position 3: expected an operator");
    CHECK_CONTAINS(result, "after column 'x'");
    CHECK_CONTAINS(parse_error(""), "at position 1: the expression is empty");
    CHECK_CONTAINS(parse_error("   "), "the expression is empty");
    CHECK_CONTAINS(parse_error("x = NULL"), "write 'column IS NULL'");
    CHECK_CONTAINS(parse_error("x @ 1"), "at position 3: unexpected character");
    CHECK_CONTAINS(parse_error("x ! 1"), "at position 3: unexpected character");
    CHECK_CONTAINS(parse_error("x = 12abc"), "at position 5: this is not a number");
    CHECK_CONTAINS(parse_error("x = 1 AND"), "at position 10: expected a column name");
    CHECK_CONTAINS(parse_error("x BETWEEN 1 OR 2"), "expected AND between the two bounds");
    CHECK_CONTAINS(parse_error("x NOT 1"), "expected BETWEEN after NOT");
    CHECK_CONTAINS(parse_error("x IS 1"), "expected NULL or NOT NULL after IS");
    CHECK_CONTAINS(parse_error("x IS NOT 1"), "expected NULL after IS NOT");
    CHECK_CONTAINS(parse_error("= 1"), "at position 1: expected a column name");
    CHECK_CONTAINS(parse_error("and = 1"), "quote column names that are keywords");
    CHECK_CONTAINS(parse_error("x = bar"), "expected a value (a number, 'text', true or false)");
    CHECK_CONTAINS(parse_error("x = 1"), "parsed");
    CHECK_CONTAINS(parse_error("\"and\" = 1"), "parsed");
    /* positions count characters, not bytes */
    CHECK_CONTAINS(parse_error("\xc3\xa9t\xc3\xa9 = 1 2"), "at position 9:");
    /* every error is AF_EINVAL */
    CHECK_CONTAINS(parse_error("x >"), "-1 ");
}

TEST(where_nesting_and_size_limits)
{
    char deep[1024];
    memset(deep, '(', 200);
    snprintf(deep + 200, sizeof deep - 200, "x = 1");
    CHECK_CONTAINS(parse_error(deep), "nests too deep");
    size_t used = 0;
    for (int i = 0; i < 100; i++)
        used += (size_t)snprintf(deep + used, sizeof deep - used, "NOT ");
    snprintf(deep + used, sizeof deep - used, "x = 1");
    CHECK_CONTAINS(parse_error(deep), "nests too deep");
    /* long AND chains are flat, not deep */
    size_t n = 5000 * 12;
    char *chain = malloc(n + 1);
    chain[0] = '\0';
    size_t len = 0;
    for (int i = 0; i < 4000; i++)
        len += (size_t)snprintf(chain + len, n - len, "%sx = %d", i ? " AND " : "", i % 10);
    CHECK_STR(parse_error(chain), "parsed");
    for (int i = 0; i < 200; i++)
        len += (size_t)snprintf(chain + len, n - len, " OR x = 1");
    CHECK_CONTAINS(parse_error(chain), "too many conditions");
    /* long expressions are cut short in messages */
    CHECK(strlen(result) < 600);
    free(chain);
}

TEST(where_filter_and_columns)
{
    af_error err;
    af_where *w = NULL;
    CHECK_INT(af_where_parse("name IS NOT NULL AND (id >= 2 OR amount < 0) AND id = 3", &w, &err),
              0);
    CHECK_INT(af_where_n_columns(w), 3);
    CHECK_STR(af_where_column(w, 0), "name");
    CHECK_STR(af_where_column(w, 1), "id");
    CHECK_STR(af_where_column(w, 2), "amount");
    CHECK(af_where_column(w, 3) == NULL);
    af_where_free(w);
    w = NULL;
    CHECK_INT(af_where_parse("name IS NOT NULL AND id >= 2", &w, &err), 0);
    af_batch *b = make_batch();
    bool keep[ROWS];
    /* not bound yet */
    CHECK_INT(af_where_eval(w, b, keep, &err), AF_EINVAL);
    CHECK_INT(af_where_bind(w, b->schema, &err), 0);
    af_batch *f = NULL;
    CHECK_INT(af_where_filter(w, b, &f, &err), 0);
    CHECK(f != NULL);
    if (f) {
        CHECK_INT(f->n_rows, 2);
        CHECK_INT(af_array_get_int(&f->columns[0], 0), 2);
        CHECK_INT(af_array_get_int(&f->columns[0], 1), 5);
        af_batch_release(f);
    }
    /* a batch without the column, or with another type, is refused */
    af_schema *s = af_schema_new();
    af_schema_add_simple(s, "name", af_type_make(AF_TYPE_STRING), true);
    af_schema_add_simple(s, "id", af_type_make(AF_TYPE_INT64), true);
    af_batch *other = af_batch_new(s);
    CHECK_INT(af_where_eval(w, other, keep, &err), AF_EINVAL);
    CHECK_CONTAINS(err.msg, "column 'id'");
    af_batch_release(other);
    af_schema_free(s);
    af_batch_release(b);
    af_where_free(w);
}

TEST(where_simple_predicates_for_pruning)
{
    af_error err;
    af_where *w = NULL;
    CHECK_INT(af_where_parse("a = 1 AND (b > 2 OR c < 3) AND (d BETWEEN 1 AND 2 AND e IS NULL) "
                             "AND NOT f = 1 AND g != 3 AND h NOT BETWEEN 1 AND 2 AND "
                             "i IS NOT NULL AND j <= 'x''y'",
                             &w, &err),
              0);
    af_where_simple s[16];
    size_t n = af_where_simple_predicates(w, s, 16);
    CHECK_INT(n, 5);
    CHECK_STR(s[0].column, "a");
    CHECK_INT(s[0].op, AF_WHERE_EQ);
    CHECK_STR(s[0].value, "1");
    CHECK_STR(s[1].column, "d");
    CHECK_INT(s[1].op, AF_WHERE_BETWEEN);
    CHECK_STR(s[1].value, "1");
    CHECK_STR(s[1].value2, "2");
    CHECK_STR(s[2].column, "e");
    CHECK_INT(s[2].op, AF_WHERE_IS_NULL);
    CHECK(s[2].value == NULL);
    CHECK_STR(s[3].column, "i");
    CHECK_INT(s[3].op, AF_WHERE_IS_NOT_NULL);
    CHECK_STR(s[4].value, "x'y");
    CHECK_INT(s[4].op, AF_WHERE_LE);
    CHECK_INT(af_where_simple_predicates(w, s, 2), 2);
    af_where_free(w);
    /* a top-level OR gives nothing */
    CHECK_INT(af_where_parse("a = 1 OR a = 2", &w, &err), 0);
    CHECK_INT(af_where_simple_predicates(w, s, 16), 0);
    af_where_free(w);
}

TEST_MAIN()
