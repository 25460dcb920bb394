/* parquet.c - `affluent parquet inspect|cat`: look inside a Parquet file
 * (footer, schema, row groups, statistics) and print its rows as CSV or
 * NDJSON, through the reader of formats/parquet/parquet.h. */
#include "cli/cli.h"
#include "cli/common.h"

#include "formats/csv.h"
#include "formats/parquet/parquet.h"
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

static int write_ndjson(const af_batch *b, int64_t rows, af_buf *out)
{
    for (int64_t r = 0; r < rows; r++) {
        af_buf_append_byte(out, '{');
        for (size_t c = 0; c < b->schema->n_fields; c++) {
            const char *name = b->schema->fields[c].name;
            if (c)
                af_buf_append_byte(out, ',');
            af_buf_append_json_string(out, name, strlen(name));
            af_buf_append_byte(out, ':');
            af_array_format_json(&b->columns[c], r, out);
        }
        af_buf_append_str(out, "}\n");
        if (out->len >= (1u << 20) && flush(out) != AF_EXIT_OK)
            return AF_EXIT_FAILED;
    }
    return AF_EXIT_OK;
}

/* CSV of the first `rows` rows of b. */
static int write_csv(const af_batch *b, int64_t rows, const af_csv_write_options *o, af_buf *out,
                     af_error *err)
{
    if (rows >= b->n_rows)
        return af_csv_write_batch(out, b, o, err);
    bool *keep = calloc((size_t)b->n_rows + 1, sizeof *keep);
    if (!keep)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    for (int64_t i = 0; i < rows; i++)
        keep[i] = true;
    af_batch *head = af_batch_filter(b, keep, err);
    free(keep);
    if (!head)
        return err->code ? err->code : AF_ENOMEM;
    int rc = af_csv_write_batch(out, head, o, err);
    af_batch_release(head);
    return rc;
}

static int cmd_cat(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"format", required_argument, NULL, 'f'},
        {"columns", required_argument, NULL, 'c'},
        {"limit", required_argument, NULL, 'n'},
        {"where", required_argument, NULL, 'w'},
        {NULL, 0, NULL, 0},
    };
    const char *format = "csv", *columns = NULL;
    int64_t limit = -1;
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (opt) {
        case 'f': format = optarg; break;
        case 'c': columns = optarg; break;
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
        case 'w':
            return af_cli_usage_error("parquet", "--where is not available yet in this version; "
                                                 "filter the output instead");
        default: return af_cli_usage_error("parquet", "unknown option for cat");
        }
    }
    bool ndjson = strcmp(format, "ndjson") == 0;
    if (!ndjson && strcmp(format, "csv") != 0)
        return af_cli_usage_error("parquet", "unknown --format '%s' (csv or ndjson)", format);
    if (argc - optind != 1)
        return af_cli_usage_error("parquet", "cat takes exactly one FILE");
    af_strlist cols = {NULL, 0, 0};
    if (columns && split_columns(columns, &cols) != 0) {
        af_strlist_free(&cols);
        fprintf(stderr, "affluent parquet: out of memory\n");
        return AF_EXIT_FAILED;
    }
    af_error err;
    af_error_clear(&err);
    af_blob *blob = NULL;
    if (af_blob_open_file(argv[optind], &blob, &err) != 0) {
        af_strlist_free(&cols);
        return fail(&err);
    }
    af_parquet_read_options ro;
    memset(&ro, 0, sizeof ro);
    ro.columns = (const char *const *)cols.items;
    ro.n_columns = cols.len;
    ro.limits = AF_BATCH_DEFAULT_LIMITS;
    af_parquet_reader *r = NULL;
    int rc = af_parquet_reader_open(blob, &ro, &r, &err);
    int code = AF_EXIT_OK;
    if (rc) {
        /* an unknown column is the caller's mistake, not the file's */
        if (rc == AF_ENOTFOUND || rc == AF_EINVAL) {
            fprintf(stderr, "affluent parquet: %s\n", err.msg);
            code = AF_EXIT_USAGE;
        } else {
            code = fail(&err);
        }
    }
    af_csv_write_options co;
    af_csv_write_options_default(&co);
    af_buf out;
    af_buf_init(&out);
    if (!code && !ndjson) {
        af_csv_write_header(&out, af_parquet_reader_schema(r), &co);
        code = flush(&out);
    }
    int64_t written = 0;
    while (!code && (limit < 0 || written < limit)) {
        af_batch *b = NULL;
        if (af_parquet_reader_next(r, &b, &err) != 0) {
            code = fail(&err);
            break;
        }
        if (!b)
            break;
        int64_t rows = b->n_rows;
        if (limit >= 0 && rows > limit - written)
            rows = limit - written;
        if (ndjson) {
            code = write_ndjson(b, rows, &out);
        } else if (write_csv(b, rows, &co, &out, &err) != 0) {
            code = fail(&err);
        }
        if (!code)
            code = flush(&out);
        written += rows;
        af_batch_release(b);
    }
    if (!code && fflush(stdout) != 0) {
        fprintf(stderr, "affluent parquet: cannot write to standard output\n");
        code = AF_EXIT_FAILED;
    }
    af_buf_free(&out);
    af_parquet_reader_free(r);
    af_blob_close(blob);
    af_strlist_free(&cols);
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
