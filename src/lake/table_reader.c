/* table_reader.c - the rows of a lake table version: its live data files
 * one after the other, each batch given the table's schema. Partition
 * values come from the log (they are not in the files), columns a file
 * lacks (added to the table later) are nulls, narrower types of older
 * files are cast up. Memory stays bounded by one row group of one file.
 */
#include "lake/table_internal.h"

#include "core/values.h"

#include <stdlib.h>
#include <string.h>

struct af_table_reader {
    af_store *st;
    char *table;
    af_schema *out_schema;   /* the selected columns of the table schema */
    const af_strlist *parts; /* borrowed */
    const af_delta_file *const *files;
    size_t n_files;
    af_delta_file **owned_list; /* af_table_reader_open's own list */
    af_batch_limits limits;
    size_t next_file;
    size_t cur_file;
    af_blob *blob;
    af_parquet_reader *pr;
    long *src_col; /* per output column: column of the file's batch, -1 = none */
    af_parse_options popts;
};

const af_schema *af_table_reader_schema(const af_table_reader *r)
{
    return r->out_schema;
}

static void close_file(af_table_reader *r)
{
    af_parquet_reader_free(r->pr);
    r->pr = NULL;
    af_blob_close(r->blob);
    r->blob = NULL;
}

void af_table_reader_free(af_table_reader *r)
{
    if (!r)
        return;
    close_file(r);
    af_schema_free(r->out_schema);
    free(r->owned_list);
    free(r->src_col);
    free(r->table);
    free(r);
}

int af_table_reader_open_list(af_store *st, const char *table, const af_schema *schema,
                              const af_strlist *partition_columns,
                              const af_delta_file *const *files, size_t n_files,
                              const char *const *columns, size_t n_columns,
                              const af_batch_limits *limits, af_table_reader **out, af_error *err)
{
    *out = NULL;
    af_table_reader *r = calloc(1, sizeof *r);
    if (!r)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    r->st = st;
    r->table = af_strdup(table);
    r->parts = partition_columns;
    r->files = files;
    r->n_files = n_files;
    r->limits = limits ? *limits : AF_BATCH_DEFAULT_LIMITS;
    af_parse_options_default(&r->popts);
    r->out_schema = af_schema_new();
    int rc = r->table && r->out_schema ? AF_OK : af_error_set(err, AF_ENOMEM, "out of memory");
    for (size_t i = 0; !rc && i < (columns ? n_columns : schema->n_fields); i++) {
        long c = columns ? af_schema_find(schema, columns[i]) : (long)i;
        if (c < 0)
            rc = af_error_set(err, AF_ENOTFOUND, "%s: no column %s", table, columns[i]);
        else if (af_schema_add(r->out_schema, &schema->fields[c]))
            rc = af_error_set(err, AF_ENOMEM, "out of memory");
    }
    r->src_col = rc ? NULL : calloc(r->out_schema->n_fields + 1, sizeof *r->src_col);
    if (!rc && !r->src_col)
        rc = af_error_set(err, AF_ENOMEM, "out of memory");
    if (rc) {
        af_table_reader_free(r);
        return rc;
    }
    *out = r;
    return AF_OK;
}

int af_table_reader_open(af_store *st, const char *table, const af_delta_snapshot *s,
                         const char *const *columns, size_t n_columns,
                         const af_batch_limits *limits, af_table_reader **out, af_error *err)
{
    af_delta_file **list = malloc((s->n_files + 1) * sizeof *list);
    if (!list)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    for (size_t i = 0; i < s->n_files; i++)
        list[i] = &s->files[i];
    int rc = af_table_reader_open_list(st, table, s->schema, &s->metadata.partition_columns,
                                       (const af_delta_file *const *)list, s->n_files, columns,
                                       n_columns, limits, out, err);
    if (rc)
        free(list);
    else
        (*out)->owned_list = list;
    return rc;
}

/* Opens the next file, selecting the data columns it has. */
static int open_next(af_table_reader *r, af_error *err)
{
    const af_delta_file *f = r->files[r->next_file];
    r->cur_file = r->next_file++;
    af_buf obj, rel;
    af_buf_init(&obj);
    af_buf_init(&rel);
    int rc = af_delta_path_decode(f->path, &rel, err);
    if (!rc && af_buf_printf(&obj, "%s/%s", r->table, af_buf_cstr(&rel)))
        rc = af_error_set(err, AF_ENOMEM, "out of memory");
    if (!rc)
        rc = af_store_blob_open(r->st, af_buf_cstr(&obj), &r->blob, err);
    af_buf_free(&rel);
    /* first the footer alone, to learn which columns the file has */
    af_parquet_read_options o = {.limits = r->limits};
    af_parquet_reader *probe = NULL;
    if (!rc)
        rc = af_parquet_reader_open(r->blob, &o, &probe, err);
    const char **names = NULL;
    size_t n = 0;
    if (!rc) {
        const af_schema *fs = af_parquet_reader_schema(probe);
        names = calloc(r->out_schema->n_fields + 1, sizeof *names);
        if (!names)
            rc = af_error_set(err, AF_ENOMEM, "out of memory");
        for (size_t c = 0; !rc && c < r->out_schema->n_fields; c++) {
            const char *name = r->out_schema->fields[c].name;
            r->src_col[c] = -1;
            if (af_strlist_find(r->parts, name) >= 0 || af_schema_find(fs, name) < 0)
                continue;
            r->src_col[c] = (long)n;
            names[n++] = name;
        }
    }
    af_parquet_reader_free(probe);
    if (!rc) {
        o.columns = names;
        o.n_columns = n;
        rc = af_parquet_reader_open(r->blob, &o, &r->pr, err);
    }
    free(names);
    if (rc)
        af_error_wrap(err, "%s", af_buf_cstr(&obj));
    af_buf_free(&obj);
    return rc;
}

static int fill_partition(af_table_reader *r, af_array *dst, const char *name, int64_t rows,
                          af_error *err)
{
    bool found;
    const char *v = af_delta_file_partition(r->files[r->cur_file], name, &found);
    for (int64_t i = 0; i < rows; i++) {
        int rc =
            v ? af_array_append_text(dst, v, strlen(v), &r->popts, err) : af_array_append_null(dst);
        if (rc)
            return af_error_wrap(err, "%s: partition value of %s in %s", r->table, name,
                                 r->files[r->cur_file]->path);
    }
    return AF_OK;
}

static int cast_column(af_table_reader *r, const af_array *src, af_array *dst, af_error *err)
{
    int rc = af_table_cast_column(src, dst, err);
    return rc ? af_error_wrap(err, "%s: %s", r->table, r->files[r->cur_file]->path) : AF_OK;
}

int af_table_reader_next(af_table_reader *r, af_batch **out, size_t *file, af_error *err)
{
    *out = NULL;
    for (;;) {
        if (!r->pr) {
            if (r->next_file >= r->n_files)
                return AF_OK;
            int rc = open_next(r, err);
            if (rc)
                return rc;
        }
        af_batch *in = NULL;
        int rc = af_parquet_reader_next(r->pr, &in, err);
        if (rc)
            return rc;
        if (!in) {
            close_file(r);
            continue;
        }
        af_batch *b = af_batch_new(r->out_schema);
        if (!b) {
            af_batch_release(in);
            return af_error_set(err, AF_ENOMEM, "out of memory");
        }
        for (size_t c = 0; c < r->out_schema->n_fields && !rc; c++) {
            af_array *dst = &b->columns[c];
            const char *name = r->out_schema->fields[c].name;
            if (af_strlist_find(r->parts, name) >= 0)
                rc = fill_partition(r, dst, name, in->n_rows, err);
            else if (r->src_col[c] >= 0)
                rc = cast_column(r, &in->columns[r->src_col[c]], dst, err);
            else
                for (int64_t i = 0; i < in->n_rows && !rc; i++)
                    rc = af_array_append_null(dst);
        }
        b->n_rows = in->n_rows;
        af_batch_release(in);
        if (!rc && r->out_schema->n_fields)
            rc = af_batch_seal(b, err);
        if (rc) {
            af_batch_release(b);
            return rc;
        }
        if (file)
            *file = r->cur_file;
        *out = b;
        return AF_OK;
    }
}
