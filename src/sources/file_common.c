/* file_common.c - lineage columns, leaf readers and resume state shared by
 * the file source plugins (see file_common.h). */
#include "sources/file_common.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *const lineage_names[AF_LINEAGE_N_COLUMNS] = {"_source_file", "_source_line",
                                                                "_ingested_at"};

static af_type lineage_type(size_t i)
{
    return i == 0   ? af_type_make(AF_TYPE_STRING)
           : i == 1 ? af_type_make(AF_TYPE_INT64)
                    : af_type_timestamp(AF_UNIT_MICRO, "UTC");
}

int af_lineage_field(size_t i, af_field *f)
{
    return af_field_init(f, lineage_names[i], lineage_type(i), false);
}

int af_lineage_add_columns(af_schema *schema)
{
    int rc = AF_OK;
    for (size_t i = 0; !rc && i < AF_LINEAGE_N_COLUMNS; i++)
        rc = af_schema_add_simple(schema, lineage_names[i], lineage_type(i), false);
    return rc;
}

int af_lineage_append(af_array *cols, const char *origin, int64_t line, int64_t ingested_at)
{
    int rc = af_array_append_bytes(&cols[0], origin, strlen(origin));
    rc = rc ? rc : af_array_append_int(&cols[1], line);
    return rc ? rc : af_array_append_int(&cols[2], ingested_at);
}

int af_leaf_open_view(const af_input *in, const char *name, af_reader **out, af_error *err)
{
    int rc = af_reader_open_view(in->reader, out, err);
    if (rc)
        return rc;
    (*out)->name = name;
    (*out)->size = in->size;
    return AF_OK;
}

int af_leaf_open_text(const af_input *in, const char *name, af_text_encoding encoding,
                      af_reader **text, af_text_encoding *detected, af_error *err)
{
    af_reader *view = NULL;
    int rc = name ? af_leaf_open_view(in, name, &view, err)
                  : af_reader_open_view(in->reader, &view, err);
    if (rc)
        return rc;
    return af_reader_open_transcode(view, encoding, text, detected, err); /* owns view */
}

int af_file_open_inputs(const af_source *self, const char *path, int compression,
                        const char *const *members, size_t n_members, af_input_set **out,
                        af_error *err)
{
    af_input_options io;
    af_input_options_default(&io);
    io.compression = (af_compression)compression;
    io.members = members;
    io.n_members = n_members;
    io.cancel = self->ctx->cancel;
    const af_strlist *skip = self->ctx->skip_inputs;
    if (skip && skip->len) {
        io.exclude = (const char *const *)skip->items;
        io.n_exclude = skip->len;
    }
    return af_input_set_open(path, &io, out, err);
}

static bool is_regular(const char *path)
{
    struct stat st;
    return strcmp(path, "-") != 0 && stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

int af_file_list_inputs(const af_source *self, const char *path, af_strlist *paths, af_error *err)
{
    if (!path || strstr(path, "://"))
        return AF_OK; /* a URL: no local file to copy (object stores come later) */
    char *resolved = af_stream_resolve_path(self->ctx, path);
    if (!resolved)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    af_glob_file *files = NULL;
    size_t n = 0;
    int rc = af_glob_expand(resolved, &files, &n, err);
    for (size_t i = 0; !rc && i < n; i++)
        if (is_regular(files[i].path) && af_strlist_push(paths, files[i].path))
            rc = af_error_set(err, AF_ENOMEM, "out of memory");
    af_glob_files_free(files, n);
    free(resolved);
    return rc;
}

bool af_file_input_skipped(const af_stream_ctx *ctx, const char *path)
{
    return ctx->skip_inputs && path && af_strlist_find(ctx->skip_inputs, path) >= 0;
}

int af_file_check_cancel(const af_source *self, const char *path, af_error *err)
{
    if (atomic_load(self->ctx->cancel))
        return af_error_set(err, AF_ECANCELED, "%s: reading stopped", path);
    return AF_OK;
}

int af_file_resume_state(af_buf *json, const char *path, int64_t files, int64_t rows)
{
    struct stat st;
    long long size = -1, mtime = 0;
    if (path && stat(path, &st) == 0) {
        size = (long long)st.st_size;
        mtime = (long long)st.st_mtime;
    }
    int rc = af_buf_append_str(json, "{\"path\":");
    rc = rc ? rc : af_buf_append_json_string(json, path, strlen(path));
    rc = rc ? rc : af_buf_printf(json, ",\"size\":%lld,\"mtime\":%lld", size, mtime);
    if (files >= 0)
        rc = rc ? rc : af_buf_printf(json, ",\"files\":%lld", (long long)files);
    return rc ? rc : af_buf_printf(json, ",\"rows\":%lld}", (long long)rows);
}
