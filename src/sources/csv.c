/* csv.c - the CSV file source: dialect options, header, type inference from
 * a sample, per-column type overrides, and row-level quarantine.
 *
 * The first `infer_rows` records are read ahead and kept (copied) so the
 * schema can be inferred before the first batch; they are then replayed
 * into batches before the reader continues. A record that cannot be used
 * (wrong field count, malformed quoting, a value that does not parse as its
 * column's type) is handed to af_quarantine_row() with its raw text, so
 * rows read = rows written + rows quarantined.
 *
 * The file may be compressed (gzip/zlib, zstd, lz4 frame; detected by magic
 * bytes): the reader stack decompresses in a second thread, line numbers
 * count decompressed lines, and the sample is kept in memory, so nothing
 * here ever seeks or re-opens the input.
 */
#include "core/buf.h"
#include "core/infer.h"
#include "core/plugin.h"
#include "core/values.h"
#include "formats/csv.h"
#include "io/decompress.h"
#include "io/reader.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct csv_source_config {
    char *path;
    int compression; /* af_compression */
    char delimiter;
    char quote;
    char escape;
    char comment;
    bool header;
    af_strlist column_names;
    int64_t skip_rows;
    af_strlist null_values;
    bool trim;
    af_strmap columns;
    int64_t infer_rows;
    af_strlist true_values;
    af_strlist false_values;
    af_strlist date_formats;
    af_strlist timestamp_formats;
    char decimal_mark;
    char *timezone;
    bool lineage;
} csv_source_config;

#define OFF(f) offsetof(csv_source_config, f)
static const af_config_map csv_source_options[] = {
    {"path", AF_OPT_STRING, NULL, true, OFF(path),
     "file to read (relative to the pipeline file; - is stdin)", NULL},
    {"compression", AF_OPT_ENUM, "auto", false, OFF(compression),
     "compressed input: auto detects gzip/zlib, zstd and lz4 by their magic bytes, not the name",
     AF_COMPRESSION_CHOICES},
    {"delimiter", AF_OPT_CHAR, ",", false, OFF(delimiter),
     "field separator: one byte, or tab/comma/semicolon/pipe", NULL},
    {"quote", AF_OPT_CHAR, "\"", false, OFF(quote), "quote character; empty disables quoting",
     NULL},
    {"escape", AF_OPT_CHAR, NULL, false, OFF(escape),
     "escape byte inside quotes (e.g. \\\\); default: a doubled quote", NULL},
    {"comment", AF_OPT_CHAR, NULL, false, OFF(comment), "lines starting with this byte are skipped",
     NULL},
    {"header", AF_OPT_BOOL, "true", false, OFF(header), "the first record holds column names",
     NULL},
    {"column_names", AF_OPT_STRLIST, NULL, false, OFF(column_names),
     "names to use instead of (or without) a header", NULL},
    {"skip_rows", AF_OPT_INT, "0", false, OFF(skip_rows), "records to skip before the header",
     NULL},
    {"null", AF_OPT_STRLIST, "", false, OFF(null_values),
     "unquoted values read as NULL (a quoted \"\" is an empty string)", NULL},
    {"trim", AF_OPT_BOOL, "false", false, OFF(trim), "trim spaces around unquoted fields", NULL},
    {"columns", AF_OPT_STRMAP, NULL, false, OFF(columns),
     "column types that override inference, e.g. {price: decimal(19,4)}", NULL},
    {"infer_rows", AF_OPT_INT, "1000", false, OFF(infer_rows),
     "records sampled to infer column types", NULL},
    {"true_values", AF_OPT_STRLIST, NULL, false, OFF(true_values),
     "spellings of true (default true/yes/y/t/1)", NULL},
    {"false_values", AF_OPT_STRLIST, NULL, false, OFF(false_values),
     "spellings of false (default false/no/n/f/0)", NULL},
    {"date_formats", AF_OPT_STRLIST, NULL, false, OFF(date_formats),
     "date formats tried before ISO-8601, e.g. %d/%m/%Y", NULL},
    {"timestamp_formats", AF_OPT_STRLIST, NULL, false, OFF(timestamp_formats),
     "timestamp formats tried before ISO-8601", NULL},
    {"decimal_mark", AF_OPT_CHAR, ".", false, OFF(decimal_mark), "decimal separator of numbers",
     NULL},
    {"timezone", AF_OPT_STRING, "UTC", false, OFF(timezone),
     "zone of timestamps written without an offset", NULL},
    {"lineage", AF_OPT_BOOL, "false", false, OFF(lineage),
     "add _source_file and _source_line columns", NULL},
    {NULL, 0, NULL, false, 0, NULL, NULL},
};
#undef OFF

/* A record read ahead for inference, with its own copies of the bytes. */
typedef struct sample_record {
    int64_t line;
    char *raw;
    size_t raw_len;
    af_csv_field *fields; /* point into `bytes` */
    size_t n_fields;
    char *bytes;
    const char *error;
} sample_record;

typedef struct csv_source {
    char *path;
    af_reader *reader;
    af_csv_reader *csv;
    af_parse_options popts;
    af_schema *schema;
    size_t n_data_cols; /* columns read from the file (lineage columns come after) */
    bool compressed;    /* progress counts compressed bytes against the file size */
    sample_record *sample;
    size_t n_sample;
    size_t sample_pos;
    bool eof;
    bool first_record;
    int64_t rows;
    af_buf reason;
    /* buffer sizes of the last batch, per column (data, offsets): the next
     * batch starts at that size instead of growing by doubling, which
     * costs a copy and fresh pages at every step */
    size_t *size_hint;
} csv_source;

static void presize(const csv_source *s, af_batch *b)
{
    for (size_t c = 0; s->size_hint && c < b->schema->n_fields; c++) {
        af_buf_reserve(&b->columns[c].data, s->size_hint[2 * c]); /* a hint: failure is fine */
        af_buf_reserve(&b->columns[c].offsets, s->size_hint[2 * c + 1]);
    }
}

static void remember_sizes(csv_source *s, const af_batch *b)
{
    if (!s->size_hint)
        s->size_hint = calloc(2 * b->schema->n_fields + 1, sizeof *s->size_hint);
    for (size_t c = 0; s->size_hint && c < b->schema->n_fields; c++) {
        s->size_hint[2 * c] = b->columns[c].data.len;
        s->size_hint[2 * c + 1] = b->columns[c].offsets.len;
    }
}

static const csv_source_config *cfg(af_source *self)
{
    return self->config;
}

static bool is_null_token(const csv_source_config *c, const af_csv_field *f)
{
    if (f->quoted)
        return false;
    for (size_t i = 0; i < c->null_values.len; i++) {
        const char *t = c->null_values.items[i];
        if (strlen(t) == f->len && memcmp(t, f->data, f->len) == 0)
            return true;
    }
    return false;
}

/* The UTF-8 byte order mark is part of the first field as the tokenizer
 * sees it; it is an encoding marker, not data. */
static void strip_bom(csv_source *s, af_csv_record *rec)
{
    if (!s->first_record)
        return;
    s->first_record = false;
    if (rec->n_fields && rec->fields[0].len >= 3 &&
        memcmp(rec->fields[0].data, "\xEF\xBB\xBF", 3) == 0) {
        rec->fields[0].data += 3;
        rec->fields[0].len -= 3;
    }
}

static int read_record(af_source *self, af_csv_record *rec, af_error *err)
{
    csv_source *s = self->priv;
    int rc = af_csv_reader_next(s->csv, rec, err);
    if (rc == 1)
        strip_bom(s, rec);
    atomic_store(&self->ctx->bytes_read, s->compressed
                                             ? (long long)af_reader_input_offset(s->reader)
                                             : (long long)af_csv_reader_offset(s->csv));
    return rc;
}

static int keep_sample(csv_source *s, const af_csv_record *rec, size_t cap)
{
    (void)cap;
    sample_record *sr = &s->sample[s->n_sample];
    memset(sr, 0, sizeof *sr);
    size_t total = 0;
    for (size_t i = 0; i < rec->n_fields; i++)
        total += rec->fields[i].len + 1;
    sr->bytes = malloc(total ? total : 1);
    sr->fields = calloc(rec->n_fields ? rec->n_fields : 1, sizeof *sr->fields);
    sr->raw = af_strndup(rec->raw ? rec->raw : "", rec->raw ? rec->raw_len : 0);
    if (!sr->bytes || !sr->fields || !sr->raw) {
        free(sr->bytes);
        free(sr->fields);
        free(sr->raw);
        return AF_ENOMEM;
    }
    size_t pos = 0;
    for (size_t i = 0; i < rec->n_fields; i++) {
        memcpy(sr->bytes + pos, rec->fields[i].data, rec->fields[i].len);
        sr->fields[i].data = sr->bytes + pos;
        sr->fields[i].len = rec->fields[i].len;
        sr->fields[i].quoted = rec->fields[i].quoted;
        pos += rec->fields[i].len + 1;
    }
    sr->n_fields = rec->n_fields;
    sr->line = rec->line;
    sr->raw_len = rec->raw ? rec->raw_len : 0;
    sr->error = rec->error;
    s->n_sample++;
    return AF_OK;
}

/* Column names from the header (or options), made unique and non-empty. */
static int add_unique_name(af_strlist *names, const char *name, size_t len, size_t index)
{
    char base[256];
    if (len == 0)
        snprintf(base, sizeof base, "col_%zu", index + 1);
    else
        snprintf(base, sizeof base, "%.*s", (int)(len < 200 ? len : 200), name);
    char cand[300];
    snprintf(cand, sizeof cand, "%s", base);
    for (int k = 2; af_strlist_find(names, cand) >= 0; k++)
        snprintf(cand, sizeof cand, "%s_%d", base, k);
    return af_strlist_push(names, cand);
}

static void set_parse_options(const csv_source_config *c, af_parse_options *o)
{
    af_parse_options_default(o);
    if (c->true_values.len) {
        o->n_true =
            c->true_values.len < AF_MAX_BOOL_TOKENS ? c->true_values.len : AF_MAX_BOOL_TOKENS;
        for (size_t i = 0; i < o->n_true; i++)
            o->true_tokens[i] = c->true_values.items[i];
    }
    if (c->false_values.len) {
        o->n_false =
            c->false_values.len < AF_MAX_BOOL_TOKENS ? c->false_values.len : AF_MAX_BOOL_TOKENS;
        for (size_t i = 0; i < o->n_false; i++)
            o->false_tokens[i] = c->false_values.items[i];
    }
    o->n_date_formats = c->date_formats.len < AF_MAX_FORMATS ? c->date_formats.len : AF_MAX_FORMATS;
    for (size_t i = 0; i < o->n_date_formats; i++)
        o->date_formats[i] = c->date_formats.items[i];
    o->n_timestamp_formats =
        c->timestamp_formats.len < AF_MAX_FORMATS ? c->timestamp_formats.len : AF_MAX_FORMATS;
    for (size_t i = 0; i < o->n_timestamp_formats; i++)
        o->timestamp_formats[i] = c->timestamp_formats.items[i];
    o->decimal_mark = c->decimal_mark ? c->decimal_mark : '.';
    o->default_timezone = c->timezone;
}

static int build_schema(af_source *self, const af_strlist *names, af_error *err)
{
    csv_source *s = self->priv;
    const csv_source_config *c = cfg(self);
    size_t n = names->len;
    af_infer *inf = calloc(n ? n : 1, sizeof *inf);
    if (!inf)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++)
        af_infer_init(&inf[i]);
    for (size_t r = 0; r < s->n_sample; r++) {
        const sample_record *sr = &s->sample[r];
        if (sr->error || sr->n_fields != n)
            continue; /* such rows will be quarantined; they must not steer types */
        for (size_t i = 0; i < n; i++)
            af_infer_observe(&inf[i], sr->fields[i].data, sr->fields[i].len,
                             is_null_token(c, &sr->fields[i]), &s->popts);
    }
    /* declared types must name real columns: a typo would silently do nothing */
    for (size_t k = 0; k < c->columns.len; k++) {
        if (af_strlist_find(names, c->columns.items[k].key) < 0) {
            const af_src_loc *l = &c->columns.items[k].loc;
            free(inf);
            return af_error_set(err, AF_ECONFIG,
                                "%s:%d:%d: option columns names '%s', which is not a column of "
                                "%s (columns: %zu found in the header)",
                                l->file ? l->file : "pipeline", l->line, l->column,
                                c->columns.items[k].key, s->path, n);
        }
    }
    s->schema = af_schema_new();
    int rc = s->schema ? AF_OK : AF_ENOMEM;
    for (size_t i = 0; !rc && i < n; i++) {
        const char *declared = af_strmap_get(&c->columns, names->items[i]);
        af_field f;
        if (declared) {
            af_type t;
            char tz[64];
            rc = af_type_parse(declared, &t, tz, sizeof tz, err);
            if (rc) {
                af_error_wrap(err, "column '%s' of %s", names->items[i], s->path);
                break;
            }
            if (af_type_is_nested(t.id)) {
                rc = af_error_set(err, AF_ECONFIG, "column '%s' of %s: CSV columns cannot be %s",
                                  names->items[i], s->path, af_type_name(t.id));
                break;
            }
            rc = af_field_init(&f, names->items[i], t, true);
        } else {
            rc = af_field_init(&f, names->items[i], af_infer_result(&inf[i]), true);
        }
        if (!rc) {
            rc = af_schema_add(s->schema, &f);
            af_field_free(&f);
        }
    }
    s->n_data_cols = n;
    if (!rc && c->lineage) {
        rc = af_schema_add_simple(s->schema, "_source_file", af_type_make(AF_TYPE_STRING), false);
        if (!rc)
            rc =
                af_schema_add_simple(s->schema, "_source_line", af_type_make(AF_TYPE_INT64), false);
    }
    free(inf);
    if (rc && !err->msg[0])
        af_error_set(err, rc, "out of memory building the schema of %s", s->path);
    return rc;
}

static int csv_open(af_source *self, af_schema **schema_out, af_error *err)
{
    const csv_source_config *c = cfg(self);
    csv_source *s = calloc(1, sizeof *s);
    if (!s)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    self->priv = s;
    s->first_record = true;
    af_buf_init(&s->reason);
    set_parse_options(c, &s->popts);
    s->path = af_stream_resolve_path(self->ctx, c->path);
    if (!s->path)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    af_reader *file = NULL;
    int rc = af_reader_open_file(s->path, &file, err);
    if (rc)
        return rc;
    int64_t file_size = file->size;
    af_decompress_options dopt;
    af_decompress_options_default(&dopt);
    dopt.compression = (af_compression)c->compression;
    dopt.cancel = self->ctx->cancel;
    rc = af_reader_open_decompress(file, &dopt, &s->reader, err); /* owns file from here */
    if (rc)
        return rc;
    s->compressed = af_reader_compression(s->reader) != AF_COMPRESSION_NONE;
    if (file_size > 0)
        atomic_store(&self->ctx->bytes_total, (long long)file_size);
    af_csv_dialect d;
    af_csv_dialect_default(&d);
    d.delimiter = c->delimiter;
    d.quote = c->quote;
    d.escape = c->escape;
    d.comment = c->comment;
    d.trim = c->trim;
    rc = af_csv_reader_new(s->reader, &d, &s->csv, err);
    if (rc)
        return rc;

    af_csv_record rec;
    for (int64_t i = 0; i < c->skip_rows; i++) {
        rc = read_record(self, &rec, err);
        if (rc < 0)
            return rc;
        if (rc == 0)
            break;
    }
    af_strlist names = {0};
    if (c->header) {
        rc = read_record(self, &rec, err);
        if (rc < 0)
            return rc;
        if (rc == 1) {
            if (rec.error) {
                af_strlist_free(&names);
                return af_error_set(err, AF_EPARSE, "%s:%lld: the header is malformed: %s", s->path,
                                    (long long)rec.line, rec.error);
            }
            rc = AF_OK;
            for (size_t i = 0; !rc && i < rec.n_fields; i++) {
                const af_csv_field *f = &rec.fields[i];
                const char *nm = f->data;
                size_t len = f->len;
                if (i < c->column_names.len) {
                    nm = c->column_names.items[i];
                    len = strlen(nm);
                }
                rc = add_unique_name(&names, nm, len, i) ? AF_ENOMEM : 0;
            }
        } else {
            s->eof = true;
        }
    }
    int64_t cap = c->infer_rows > 0 ? c->infer_rows : 1;
    s->sample = calloc((size_t)cap, sizeof *s->sample);
    if (!s->sample) {
        af_strlist_free(&names);
        return af_error_set(err, AF_ENOMEM, "out of memory");
    }
    while (!s->eof && (int64_t)s->n_sample < cap) {
        rc = read_record(self, &rec, err);
        if (rc < 0) {
            af_strlist_free(&names);
            return rc;
        }
        if (rc == 0) {
            s->eof = true;
            break;
        }
        if (keep_sample(s, &rec, (size_t)cap)) {
            af_strlist_free(&names);
            return af_error_set(err, AF_ENOMEM, "out of memory");
        }
        /* without a header, the first record decides how many columns there are */
        if (!c->header && names.len == 0) {
            for (size_t i = 0; i < rec.n_fields; i++) {
                const char *nm = i < c->column_names.len ? c->column_names.items[i] : "";
                if (add_unique_name(&names, nm, strlen(nm), i)) {
                    af_strlist_free(&names);
                    return af_error_set(err, AF_ENOMEM, "out of memory");
                }
            }
        }
    }
    if (!c->header && names.len == 0)
        for (size_t i = 0; i < c->column_names.len; i++)
            af_strlist_push(&names, c->column_names.items[i]);
    if (names.len == 0) {
        af_strlist_free(&names);
        return af_error_set(err, AF_EPARSE, "%s: no columns: the file is empty%s", s->path,
                            c->header ? " (no header record)" : "");
    }
    rc = build_schema(self, &names, err);
    af_strlist_free(&names);
    if (rc)
        return rc;
    *schema_out = af_schema_copy(s->schema);
    return *schema_out ? AF_OK : af_error_set(err, AF_ENOMEM, "out of memory");
}

/* Appends one record to the batch. Returns 1 if the row was rejected (and
 * handed to the quarantine), 0 if appended, <0 on a fatal error. */
static int append_record(af_source *self, af_batch *b, const af_csv_field *fields, size_t n,
                         int64_t line, const char *raw, size_t raw_len, const char *rec_error,
                         af_error *err)
{
    csv_source *s = self->priv;
    const csv_source_config *c = cfg(self);
    size_t ncols = s->n_data_cols;
    af_buf_reset(&s->reason);
    if (rec_error) {
        af_buf_printf(&s->reason, "malformed CSV record: %s", rec_error);
    } else if (n != ncols) {
        af_buf_printf(&s->reason, "expected %zu fields, found %zu", ncols, n);
    }
    if (s->reason.len) {
        int rc =
            af_quarantine_row(self->ctx, s->path, line, raw, raw_len, af_buf_cstr(&s->reason), err);
        return rc ? rc : 1;
    }
    int64_t before = b->columns[0].length;
    for (size_t i = 0; i < ncols; i++) {
        af_array *a = &b->columns[i];
        int rc;
        if (is_null_token(c, &fields[i])) {
            rc = af_array_append_null(a);
        } else {
            af_error perr = {0};
            rc = af_array_append_text(a, fields[i].data, fields[i].len, &s->popts, &perr);
            if (rc == AF_EPARSE || rc == AF_EOVERFLOW) {
                af_buf_printf(&s->reason, "column '%s': %s", a->field->name, perr.msg);
                break;
            }
        }
        if (rc)
            return af_error_set(err, rc, "%s:%lld: cannot append a value of column '%s'", s->path,
                                (long long)line, a->field->name);
    }
    if (s->reason.len) {
        /* undo the partial row: rebuild is costly, so columns that already
         * took a value of this row are truncated back */
        for (size_t i = 0; i < ncols; i++)
            af_array_truncate(&b->columns[i], before);
        int rc =
            af_quarantine_row(self->ctx, s->path, line, raw, raw_len, af_buf_cstr(&s->reason), err);
        return rc ? rc : 1;
    }
    if (c->lineage) {
        int rc = af_array_append_bytes(&b->columns[ncols], s->path, strlen(s->path));
        if (!rc)
            rc = af_array_append_int(&b->columns[ncols + 1], line);
        if (rc)
            return af_error_set(err, rc, "out of memory");
    }
    return 0;
}

static int csv_next(af_source *self, af_batch **out, af_error *err)
{
    csv_source *s = self->priv;
    *out = NULL;
    if (s->eof && s->sample_pos >= s->n_sample)
        return AF_OK;
    af_batch *b = af_batch_new(s->schema);
    if (!b)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    presize(s, b);
    int rc = AF_OK;
    int64_t rows = 0;
    while (!af_batch_full(b, &self->ctx->limits)) {
        if ((rows & 1023) == 0 && atomic_load(self->ctx->cancel)) {
            rc = af_error_set(err, AF_ECANCELED, "%s: reading stopped", s->path);
            break;
        }
        if (s->sample_pos < s->n_sample) {
            sample_record *sr = &s->sample[s->sample_pos++];
            rc = append_record(self, b, sr->fields, sr->n_fields, sr->line, sr->raw, sr->raw_len,
                               sr->error, err);
        } else if (!s->eof) {
            af_csv_record rec;
            rc = read_record(self, &rec, err);
            if (rc == 0) {
                s->eof = true;
                break;
            }
            if (rc == 1)
                rc = append_record(self, b, rec.fields, rec.n_fields, rec.line, rec.raw,
                                   rec.raw_len, rec.error, err);
        } else {
            break;
        }
        if (rc < 0)
            break;
        rc = AF_OK;
        rows++;
        /* n_rows follows the columns so af_batch_full sees the growth */
        b->n_rows = b->columns[0].length;
    }
    if (rc < 0) {
        af_batch_release(b);
        return rc;
    }
    rc = af_batch_seal(b, err);
    if (rc) {
        af_batch_release(b);
        return rc;
    }
    s->rows += b->n_rows;
    remember_sizes(s, b);
    *out = b;
    return AF_OK;
}

static int csv_resume_state(af_source *self, af_buf *json)
{
    csv_source *s = self->priv;
    struct stat st;
    long long size = -1, mtime = 0;
    if (s->path && stat(s->path, &st) == 0) {
        size = (long long)st.st_size;
        mtime = (long long)st.st_mtime;
    }
    int rc = af_buf_append_str(json, "{\"path\":");
    rc = rc ? rc : af_buf_append_json_string(json, s->path, strlen(s->path));
    rc = rc ? rc
            : af_buf_printf(json, ",\"size\":%lld,\"mtime\":%lld,\"rows\":%lld}", size, mtime,
                            (long long)s->rows);
    return rc;
}

static void csv_close(af_source *self)
{
    csv_source *s = self->priv;
    if (!s)
        return;
    af_csv_reader_free(s->csv);
    af_reader_close(s->reader);
    for (size_t i = 0; i < s->n_sample; i++) {
        free(s->sample[i].bytes);
        free(s->sample[i].fields);
        free(s->sample[i].raw);
    }
    free(s->sample);
    af_schema_free(s->schema);
    af_buf_free(&s->reason);
    free(s->size_hint);
    free(s->path);
    free(s);
    self->priv = NULL;
}

const af_source_plugin af_source_csv = {
    .name = "csv",
    .summary = "Read a CSV file (RFC 4180 and dialects), inferring or declaring column types",
    .options = csv_source_options,
    .config_size = sizeof(csv_source_config),
    .open = csv_open,
    .next = csv_next,
    .resume_state = csv_resume_state,
    .close = csv_close,
};
