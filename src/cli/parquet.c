/* parquet.c - `affluent parquet inspect|cat`: look inside a Parquet file
 * (footer, schema, row groups, statistics) and print its rows as CSV or
 * NDJSON, through the reader of formats/parquet/parquet.h; `cat --where`
 * filters rows (core/where.h) and lets the reader skip row groups whose
 * statistics rule the expression out. */
#include "cli/cli.h"
#include "cli/common.h"
#include "cli/rows_out.h"

#include "core/where.h"
#include "formats/csv.h"
#include "formats/parquet/parquet.h"
#include "formats/parquet/prune.h"
#include "io/blob.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(const af_error *err)
{
    fprintf(stderr, "affluent parquet: %s\n", err->msg);
    return AF_EXIT_FAILED;
}

static int flush(af_buf *b)
{
    if (b->len && fwrite(b->data, 1, b->len, stdout) != b->len) {
        fprintf(stderr, "affluent parquet: cannot write to standard output\n");
        return AF_EXIT_FAILED;
    }
    af_buf_reset(b);
    return AF_EXIT_OK;
}

static int cmd_inspect(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"json", no_argument, NULL, 'j'},
        {NULL, 0, NULL, 0},
    };
    bool json = false;
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        if (opt == 'j')
            json = true;
        else
            return af_cli_usage_error("parquet", "unknown option for inspect");
    }
    if (argc - optind != 1)
        return af_cli_usage_error("parquet", "inspect takes exactly one FILE");
    af_error err;
    af_error_clear(&err);
    af_blob *blob = NULL;
    if (af_blob_open_file(argv[optind], &blob, &err) != 0)
        return fail(&err);
    af_buf out;
    af_buf_init(&out);
    int rc = af_parquet_describe(blob, json, &out, &err);
    int code = rc ? fail(&err) : flush(&out);
    af_buf_free(&out);
    af_blob_close(blob);
    return code;
}

/* Splits "a,b,c" into names (owned copies). */
static int split_columns(const char *s, af_strlist *out)
{
    const char *p = s;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        char *name = af_strndup(p, n);
        if (!name || af_strlist_push(out, name) != 0) {
            free(name);
            return -1;
        }
        free(name);
        if (!comma)
            return 0;
        p = comma + 1;
    }
}

/* Most pruning predicates taken from one --where expression. */
#define MAX_PREDICATES 64

/* What `cat` needs besides the reader: the bound filter, the columns to
 * print (when --where reads more than --columns asks for) and counters. */
typedef struct cat_plan {
    af_where *where;
    af_parquet_predicate preds[MAX_PREDICATES];
    size_t n_preds;
    size_t n_out;     /* leading reader columns that are printed */
    size_t *out_cols; /* 0..n_out-1 when projecting, else NULL */
    af_schema *out_schema;
    int64_t scanned, written;
    bool bind_failed; /* the error is the expression's, not the file's */
} cat_plan;

static void plan_free(cat_plan *p)
{
    af_where_free(p->where);
    free(p->out_cols);
    af_schema_free(p->out_schema);
}

/* User mistakes (an unknown column, a --where that does not fit the
 * file) exit 2; a file that cannot be read exits 1. */
static int open_error(const af_error *err, int rc, bool bind_failed)
{
    fprintf(stderr, "affluent parquet: %s\n", err->msg);
    return bind_failed || rc == AF_ENOTFOUND || rc == AF_EINVAL ? AF_EXIT_USAGE : AF_EXIT_FAILED;
}

/* Binds --where to the file's full schema (the expression may use columns
 * --columns leaves out), adds those columns to the read list and takes the
 * pruning predicates. */
static int plan_where(af_blob *blob, cat_plan *plan, af_strlist *cols, af_error *err)
{
    af_parquet_reader *all = NULL;
    int rc = af_parquet_reader_open(blob, NULL, &all, err);
    if (rc)
        return rc;
    rc = af_where_bind(plan->where, af_parquet_reader_schema(all), err);
    af_parquet_reader_free(all);
    if (rc) {
        plan->bind_failed = true;
        return rc;
    }
    size_t asked = cols->len;
    for (size_t i = 0; asked && i < af_where_n_columns(plan->where); i++) {
        const char *c = af_where_column(plan->where, i);
        if (af_strlist_find(cols, c) < 0 && af_strlist_push(cols, c) != 0)
            return af_error_set(err, AF_ENOMEM, "out of memory");
    }
    if (asked && cols->len > asked) {
        plan->n_out = asked;
        plan->out_cols = calloc(asked, sizeof *plan->out_cols);
        if (!plan->out_cols)
            return af_error_set(err, AF_ENOMEM, "out of memory");
        for (size_t i = 0; i < asked; i++)
            plan->out_cols[i] = i;
    }
    plan->n_preds = af_pq_predicates_from_where(plan->where, plan->preds, MAX_PREDICATES);
    return AF_OK;
}

/* The schema printed: the reader's, or its first n_out columns. */
static int plan_output(cat_plan *plan, const af_schema *read, af_error *err)
{
    plan->out_schema = af_schema_new();
    if (!plan->out_schema)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    size_t n = plan->out_cols ? plan->n_out : read->n_fields;
    for (size_t i = 0; i < n; i++)
        if (af_schema_add(plan->out_schema, &read->fields[i]) != 0)
            return af_error_set(err, AF_ENOMEM, "out of memory");
    return AF_OK;
}

/* Filters and projects one batch read; *out is b itself (retained) when
 * there is nothing to do. */
static int plan_apply(cat_plan *plan, af_batch *b, af_batch **out, af_error *err)
{
    *out = NULL;
    af_batch *cur = b;
    af_batch_retain(b);
    if (plan->where) {
        af_batch *f = NULL;
        int rc = af_where_filter(plan->where, cur, &f, err);
        af_batch_release(cur);
        if (rc)
            return rc;
        cur = f;
    }
    if (plan->out_cols) {
        af_batch *p = af_batch_project(cur, plan->out_cols, NULL, plan->n_out, err);
        af_batch_release(cur);
        if (!p)
            return err->code ? err->code : AF_ENOMEM;
        cur = p;
    }
    *out = cur;
    return AF_OK;
}

static int cmd_cat(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"format", required_argument, NULL, 'f'}, {"columns", required_argument, NULL, 'c'},
        {"limit", required_argument, NULL, 'n'},  {"where", required_argument, NULL, 'w'},
        {"stats", no_argument, NULL, 's'},        {NULL, 0, NULL, 0},
    };
    const char *format = "csv", *columns = NULL, *where = NULL;
    bool stats = false;
    int64_t limit = -1;
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (opt) {
        case 'f': format = optarg; break;
        case 'c': columns = optarg; break;
        case 'w': where = optarg; break;
        case 's': stats = true; break;
        case 'n': {
            char *end = NULL;
            errno = 0;
            long long v = strtoll(optarg, &end, 10);
            if (errno || end == optarg || *end || v < 0)
                return af_cli_usage_error("parquet", "--limit wants a number >= 0, not '%s'",
                                          optarg);
            limit = v;
            break;
        }
        default: return af_cli_usage_error("parquet", "unknown option for cat");
        }
    }
    bool ndjson = strcmp(format, "ndjson") == 0;
    if (!ndjson && strcmp(format, "csv") != 0)
        return af_cli_usage_error("parquet", "unknown --format '%s' (csv or ndjson)", format);
    if (argc - optind != 1)
        return af_cli_usage_error("parquet", "cat takes exactly one FILE");
    af_error err;
    af_error_clear(&err);
    cat_plan plan;
    memset(&plan, 0, sizeof plan);
    /* a malformed expression is reported before the file is opened */
    if (where && af_where_parse(where, &plan.where, &err) != 0) {
        fprintf(stderr, "affluent parquet: %s\n", err.msg);
        return AF_EXIT_USAGE;
    }
    af_strlist cols = {NULL, 0, 0};
    if (columns && split_columns(columns, &cols) != 0) {
        af_strlist_free(&cols);
        plan_free(&plan);
        fprintf(stderr, "affluent parquet: out of memory\n");
        return AF_EXIT_FAILED;
    }
    af_blob *blob = NULL;
    if (af_blob_open_file(argv[optind], &blob, &err) != 0) {
        af_strlist_free(&cols);
        plan_free(&plan);
        return fail(&err);
    }
    int code = AF_EXIT_OK;
    int rc = plan.where ? plan_where(blob, &plan, &cols, &err) : AF_OK;
    af_parquet_reader *r = NULL;
    if (!rc) {
        af_parquet_read_options ro;
        memset(&ro, 0, sizeof ro);
        ro.columns = (const char *const *)cols.items;
        ro.n_columns = cols.len;
        ro.predicates = plan.preds;
        ro.n_predicates = plan.n_preds;
        ro.limits = AF_BATCH_DEFAULT_LIMITS;
        rc = af_parquet_reader_open(blob, &ro, &r, &err);
    }
    if (!rc)
        rc = plan_output(&plan, af_parquet_reader_schema(r), &err);
    if (rc)
        code = open_error(&err, rc, plan.bind_failed);
    af_rows_out *out = code ? NULL : af_rows_out_new(ndjson ? AF_ROWS_NDJSON : AF_ROWS_CSV, stdout);
    if (!code && !out)
        code = fail(&(af_error){AF_ENOMEM, "out of memory"});
    /* CSV prints its header even when no row matches */
    if (!code && !ndjson && af_rows_out_finish(out, plan.out_schema, &err) != 0)
        code = fail(&err);
    while (!code && (limit < 0 || plan.written < limit)) {
        af_batch *read = NULL, *b = NULL;
        if (af_parquet_reader_next(r, &read, &err) != 0) {
            code = fail(&err);
            break;
        }
        if (!read)
            break;
        plan.scanned += read->n_rows;
        rc = plan_apply(&plan, read, &b, &err);
        af_batch_release(read);
        if (rc) {
            code = fail(&err);
            break;
        }
        int64_t rows = b->n_rows;
        if (limit >= 0 && rows > limit - plan.written)
            rows = limit - plan.written;
        if (af_rows_out_batch(out, b, rows, &err) != 0)
            code = fail(&err);
        plan.written += rows;
        af_batch_release(b);
    }
    if (!code && fflush(stdout) != 0) {
        fprintf(stderr, "affluent parquet: cannot write to standard output\n");
        code = AF_EXIT_FAILED;
    }
    if (!code && stats) {
        int selected = 0, total = 0;
        af_parquet_reader_row_groups(r, &selected, &total);
        fprintf(stderr, "row groups: read %d of %d\nrows: scanned %lld, printed %lld\n", selected,
                total, (long long)plan.scanned, (long long)plan.written);
    }
    af_rows_out_free(out);
    af_parquet_reader_free(r);
    af_blob_close(blob);
    af_strlist_free(&cols);
    plan_free(&plan);
    return code;
}

int af_cmd_parquet(int argc, char **argv)
{
    if (argc < 2)
        return af_cli_usage_error("parquet", "a subcommand is required (inspect or cat)");
    if (strcmp(argv[1], "inspect") == 0)
        return cmd_inspect(argc - 1, argv + 1);
    if (strcmp(argv[1], "cat") == 0)
        return cmd_cat(argc - 1, argv + 1);
    return af_cli_usage_error("parquet", "unknown subcommand '%s' (inspect or cat)", argv[1]);
}
