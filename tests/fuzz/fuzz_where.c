/* fuzz_where.c - libFuzzer harness for where expressions (core/where.h).
 *
 * Parses each input, binds it to a fixed schema and evaluates it on a small
 * batch with nulls, NaN and edge values, checking invariants beyond "no
 * crash, no UB, no leak" (the fuzz build runs ASan/UBSan):
 *  - errors are the documented codes and quote the expression;
 *  - "NOT (expr)" is never true on a row where expr is true (three-valued
 *    logic: unknown stays unknown);
 *  - every simple predicate extracted for pruning holds on every row the
 *    whole expression keeps (pruning with them can never lose a row).
 */
#include "core/values.h"
#include "core/where.h"

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

#define ROWS 6

static af_batch *make_batch(void)
{
    af_schema *s = af_schema_new();
    af_schema_add_simple(s, "a", af_type_make(AF_TYPE_INT32), true);
    af_schema_add_simple(s, "b", af_type_make(AF_TYPE_STRING), true);
    af_schema_add_simple(s, "c", af_type_decimal(10, 2), true);
    af_schema_add_simple(s, "d", af_type_make(AF_TYPE_DATE), true);
    af_schema_add_simple(s, "f", af_type_make(AF_TYPE_FLOAT64), true);
    af_schema_add_simple(s, "t", af_type_timestamp(AF_UNIT_MICRO, "UTC"), true);
    af_schema_add_simple(s, "u", af_type_make(AF_TYPE_UUID), true);
    af_schema_add_simple(s, "x y", af_type_make(AF_TYPE_BOOL), true);
    af_batch *b = af_batch_new(s);
    af_schema_free(s);
    static const char *const vals[8][ROWS] = {
        {"1", "-2147483648", NULL, "0", "2147483647", "7"},
        {"", "a", "it's", NULL, "\xc3\xa9", "zz"},
        {"12.50", "-0.01", NULL, "99999999.99", "0", "12.49"},
        {"2024-02-29", NULL, "1970-01-01", "0001-01-01", "9999-12-31", "2000-01-01"},
        {"nan", "-0.0", "inf", NULL, "1.5", "-1e300"},
        {"2024-01-01T00:00:00Z", NULL, "1970-01-01T00:00:00.000001Z", "2024-01-01T00:00:00Z",
         "1900-01-01T00:00:00Z", "2100-01-01T00:00:00Z"},
        {"00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff", NULL,
         "12345678-1234-1234-1234-123456789abc", "00000000-0000-0000-0000-000000000001",
         "12345678-1234-1234-1234-123456789abc"},
        {"true", "false", NULL, "true", "false", "true"},
    };
    af_parse_options o;
    af_parse_options_default(&o);
    af_error err;
    for (size_t c = 0; c < 8; c++)
        for (int r = 0; r < ROWS; r++) {
            const char *t = vals[c][r];
            int rc = t ? af_array_append_text(&b->columns[c], t, strlen(t), &o, &err)
                       : af_array_append_null(&b->columns[c]);
            CHECK(rc == AF_OK);
        }
    CHECK(af_batch_seal(b, &err) == AF_OK);
    return b;
}

/* Parses, binds and evaluates text; returns 0 and fills keep, or the error. */
static int run(const char *text, const af_batch *b, bool *keep, af_where **out)
{
    af_error err;
    af_error_clear(&err);
    af_where *w = NULL;
    int rc = af_where_parse(text, &w, &err);
    if (rc) {
        CHECK(rc == AF_EINVAL || rc == AF_ENOMEM);
        CHECK(strstr(err.msg, "where expression '") != NULL);
        return rc;
    }
    rc = af_where_bind(w, b->schema, &err);
    if (rc) {
        CHECK(rc == AF_ENOTFOUND || rc == AF_EINVAL || rc == AF_EUNSUPPORTED || rc == AF_ENOMEM);
        CHECK(err.msg[0] != '\0');
        af_where_free(w);
        return rc;
    }
    rc = af_where_eval(w, b, keep, &err);
    CHECK(rc == AF_OK || rc == AF_ENOMEM);
    if (out && !rc)
        *out = w;
    else
        af_where_free(w);
    return rc;
}

/* "col" op 'value' for one extracted predicate. */
static void simple_text(const af_where_simple *s, af_buf *out)
{
    static const char *const ops[] = {"=", "!=", "<", "<=", ">", ">="};
    af_buf_append_byte(out, '"');
    for (const char *p = s->column; *p; p++) {
        if (*p == '"')
            af_buf_append_byte(out, '"');
        af_buf_append_byte(out, (uint8_t)*p);
    }
    af_buf_append_byte(out, '"');
    if (s->op == AF_WHERE_IS_NULL || s->op == AF_WHERE_IS_NOT_NULL) {
        af_buf_append_str(out, s->op == AF_WHERE_IS_NULL ? " IS NULL" : " IS NOT NULL");
        return;
    }
    const char *vals[2] = {s->value, s->value2};
    af_buf_append_str(out, s->op == AF_WHERE_BETWEEN ? " BETWEEN " : " ");
    if (s->op != AF_WHERE_BETWEEN) {
        af_buf_append_str(out, ops[s->op]);
        af_buf_append_byte(out, ' ');
    }
    for (int k = 0; k < (s->op == AF_WHERE_BETWEEN ? 2 : 1); k++) {
        if (k)
            af_buf_append_str(out, " AND ");
        af_buf_append_byte(out, '\'');
        for (const char *p = vals[k]; *p; p++) {
            if (*p == '\'')
                af_buf_append_byte(out, '\'');
            af_buf_append_byte(out, (uint8_t)*p);
        }
        af_buf_append_byte(out, '\'');
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096)
        return 0;
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    static af_batch *b;
    if (!b)
        b = make_batch();
    bool keep[ROWS], keep_not[ROWS], keep_simple[ROWS];
    af_where *w = NULL;
    if (run(text, b, keep, &w) == AF_OK) {
        /* NOT (expr) */
        af_buf t;
        af_buf_init(&t);
        af_buf_printf(&t, "NOT (%s)", text);
        if (run(af_buf_cstr(&t), b, keep_not, NULL) == AF_OK)
            for (int i = 0; i < ROWS; i++)
                CHECK(!(keep[i] && keep_not[i]));
        /* each extracted predicate holds wherever the expression does */
        af_where_simple s[32];
        size_t n = af_where_simple_predicates(w, s, 32);
        for (size_t k = 0; k < n; k++) {
            CHECK(s[k].op != AF_WHERE_NE);
            af_buf_reset(&t);
            simple_text(&s[k], &t);
            int rc = run(af_buf_cstr(&t), b, keep_simple, NULL);
            CHECK(rc == AF_OK || rc == AF_ENOMEM);
            for (int i = 0; rc == AF_OK && i < ROWS; i++)
                CHECK(!keep[i] || keep_simple[i]);
        }
        af_buf_free(&t);
        af_where_free(w);
    }
    free(text);
    return 0;
}
