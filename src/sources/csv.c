/* csv.c - the CSV file source: options, header, type inference from a
 * sample, per-column type overrides, row-level quarantine, lineage.
 *
 * `path` may name a file, a folder or a glob, and files may be compressed
 * or archives (zip/tar, nested): the input set (io/input_set.h) hands out
 * one leaf at a time and csv_leaf.c decodes it. The first `infer_rows`
 * records of the first leaf are read ahead and kept (copied) so the schema
 * can be inferred, and the header question answered, before the first
 * batch; they are then replayed into batches before reading goes on.
 * A record that cannot be used (wrong field count, malformed quoting,
 * invalid UTF-8, a value that does not parse as its column's type) is
 * handed to af_quarantine_row() with its raw text, file and line, so rows
 * read = rows written + rows quarantined. Nothing here seeks or re-opens
 * an input.
 */
#include "core/batch_fill.h"
#include "core/clock.h"
#include "core/infer.h"
#include "core/log.h"
#include "formats/csv_sniff.h"
#include "sources/csv_source.h"
#include "sources/file_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OFF(f) offsetof(csv_source_config, f)
static const af_config_map csv_source_options[] = {
    {"path", AF_OPT_STRING, NULL, true, OFF(path),
     "file to read (relative to the pipeline file; - is stdin)", NULL},
    {"compression", AF_OPT_ENUM, "auto", false, OFF(compression),
     "compressed input: auto detects each file's codec by its magic bytes, not its name",
     AF_COMPRESSION_CHOICES},
    {"encoding", AF_OPT_ENUM, "auto", false, OFF(encoding),
     "text encoding, converted to UTF-8: auto reads a BOM, else tells UTF-8 from Windows-1252 "
     "and Latin-1 on the first 64 KiB of each file",
     AF_TEXT_ENCODING_CHOICES},
    {"members", AF_OPT_STRLIST, NULL, false, OFF(members),
     "globs the members of zip/tar archives must match to be read (default *.csv, *.tsv, also "
     "compressed; nested archives are always opened)",
     NULL},
    {"delimiter", AF_OPT_CHAR, NULL, false, OFF(delimiter),
     "field separator: one byte, or tab/comma/semicolon/pipe; default: detected among , ; tab | "
     "from the first file",
     NULL},
    {"quote", AF_OPT_CHAR, "\"", false, OFF(quote), "quote character; empty disables quoting",
     NULL},
    {"escape", AF_OPT_CHAR, NULL, false, OFF(escape),
     "escape byte inside quotes (e.g. \\\\); default: a doubled quote", NULL},
    {"comment", AF_OPT_CHAR, NULL, false, OFF(comment), "lines starting with this byte are skipped",
     NULL},
    {"header", AF_OPT_ENUM, "auto", false, OFF(header),
     "the first record holds column names; auto: yes unless it fits the types of the records "
     "below it",
     CSV_HEADER_CHOICES},
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
     "add _source_file (file, or archive!member), _source_line and _ingested_at columns", NULL},
    {NULL, 0, NULL, false, 0, NULL, NULL},
};
#undef OFF

static const char *const default_members[] = {"*.csv", "*.csv.*", "*.tsv", "*.tsv.*"};

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

static int keep_sample(csv_source *s, const af_csv_record *rec)
{
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
    sr->offset = rec->offset;
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

/* Infers column types from sample records [from, n_sample) with n fields. */
static af_infer *infer_sample(csv_source *s, const csv_source_config *c, size_t from, size_t n)
{
    af_infer *inf = calloc(n ? n : 1, sizeof *inf);
    if (!inf)
        return NULL;
    for (size_t i = 0; i < n; i++)
        af_infer_init(&inf[i]);
    for (size_t r = from; r < s->n_sample; r++) {
        const sample_record *sr = &s->sample[r];
        if (sr->error || sr->n_fields != n)
            continue; /* such rows will be quarantined; they must not steer types */
        for (size_t i = 0; i < n; i++)
            af_infer_observe(&inf[i], sr->fields[i].data, sr->fields[i].len,
                             is_null_token(c, &sr->fields[i]), &s->popts);
    }
    return inf;
}

static int build_schema(af_source *self, const af_infer *inf, af_error *err)
{
    csv_source *s = self->priv;
    const csv_source_config *c = cfg(self);
    const af_strlist *names = &s->names;
    size_t n = names->len;
    /* declared types must name real columns: a typo would silently do nothing */
    for (size_t k = 0; k < c->columns.len; k++) {
        if (af_strlist_find(names, c->columns.items[k].key) < 0) {
            const af_src_loc *l = &c->columns.items[k].loc;
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
    if (!rc && c->lineage)
        rc = af_lineage_add_columns(s->schema);
    if (rc && !err->msg[0])
        af_error_set(err, rc, "out of memory building the schema of %s", s->path);
    if (!rc) {
        s->mapped = calloc(n ? n : 1, sizeof *s->mapped);
        if (!s->mapped)
            rc = af_error_set(err, AF_ENOMEM, "out of memory");
    }
    return rc;
}

/* Names from a header record, with the column_names option taking over
 * position by position. */
static int names_from_record(csv_source *s, const csv_source_config *c, const af_csv_field *f,
                             size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const char *nm = f[i].data;
        size_t len = f[i].len;
        if (i < c->column_names.len) {
            nm = c->column_names.items[i];
            len = strlen(nm);
        }
        if (add_unique_name(&s->names, nm, len, i))
            return AF_ENOMEM;
    }
    return AF_OK;
}

/* Names for a file without a header: column_names, else col_1, col_2... */
static int names_without_header(csv_source *s, const csv_source_config *c, size_t n)
{
    if (n < c->column_names.len)
        n = c->column_names.len;
    for (size_t i = 0; i < n; i++) {
        const char *nm = i < c->column_names.len ? c->column_names.items[i] : "";
        if (add_unique_name(&s->names, nm, strlen(nm), i))
            return AF_ENOMEM;
    }
    return AF_OK;
}

/* Reads the first leaf's leading records into the sample. With header:
 * auto the first record is sampled too; decide_header() then tells. */
static int read_sample(af_source *self, af_error *err)
{
    csv_source *s = self->priv;
    const csv_source_config *c = cfg(self);
    int64_t cap = (c->infer_rows > 0 ? c->infer_rows : 1) + 1;
    s->sample = calloc((size_t)cap, sizeof *s->sample);
    if (!s->sample)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    while ((int64_t)s->n_sample < cap) {
        af_csv_record rec;
        int rc = csv_leaf_read(self, &rec, err);
        if (rc < 0)
            return rc;
        if (rc == 0)
            break;
        if (keep_sample(s, &rec))
            return af_error_set(err, AF_ENOMEM, "out of memory");
    }
    return AF_OK;
}

/* The header of the first leaf: declared, or decided from the sample. */
static int decide_header(af_source *self, af_error *err)
{
    csv_source *s = self->priv;
    const csv_source_config *c = cfg(self);
    s->header = CSV_HEADER_IS_YES(c->header);
    if (c->header == CSV_HEADER_AUTO && s->n_sample > 0) {
        const sample_record *first = &s->sample[0];
        size_t n = first->n_fields;
        af_infer *inf = infer_sample(s, c, 1, n);
        af_type *types = calloc(n ? n : 1, sizeof *types);
        if (!inf || !types) {
            free(inf);
            free(types);
            return af_error_set(err, AF_ENOMEM, "out of memory");
        }
        for (size_t i = 0; i < n; i++)
            types[i] = af_infer_result(&inf[i]);
        if (s->n_sample == 1) {
            /* a single record: a header over no rows if every field is a
             * non-empty word, else one row of data */
            s->header = !first->error;
            for (size_t i = 0; s->header && i < n; i++) {
                af_infer one;
                af_infer_init(&one);
                af_infer_observe(&one, first->fields[i].data, first->fields[i].len, false,
                                 &s->popts);
                s->header = first->fields[i].len > 0 && af_infer_result(&one).id == AF_TYPE_STRING;
            }
        } else {
            s->header =
                !first->error && af_csv_looks_like_header(first->fields, n, types, n, &s->popts);
        }
        free(inf);
        free(types);
        af_log(AF_LOG_DEBUG, "csv.header", "%s: %s", s->leaf.name,
               s->header ? "the first record is a header" : "no header: the first record is data");
    }
    if (s->header && s->n_sample > 0) {
        const sample_record *first = &s->sample[0];
        if (first->error)
            return af_error_set(err, AF_EPARSE, "%s:%lld: the header is malformed: %s",
                                s->leaf.name, (long long)first->line, first->error);
        if (names_from_record(s, c, first->fields, first->n_fields))
            return af_error_set(err, AF_ENOMEM, "out of memory");
        s->sample_pos = 1; /* the header is not a row */
    } else if (s->n_sample > s->sample_pos) {
        if (names_without_header(s, c, s->sample[0].n_fields))
            return af_error_set(err, AF_ENOMEM, "out of memory");
    } else if (names_without_header(s, c, 0)) {
        return af_error_set(err, AF_ENOMEM, "out of memory");
    }
    return AF_OK;
}

static int open_inputs(af_source *self, af_error *err)
{
    csv_source *s = self->priv;
    const csv_source_config *c = cfg(self);
    const char *const *members = (const char *const *)c->members.items;
    size_t n_members = c->members.len;
    if (!n_members) {
        members = default_members;
        n_members = sizeof default_members / sizeof *default_members;
    }
    int rc =
        af_file_open_inputs(self, s->path, c->compression, members, n_members, &s->inputs, err);
    if (rc)
        return rc;
    atomic_store(&self->ctx->bytes_total, (long long)af_input_set_bytes_total(s->inputs));
    return AF_OK;
}

static int csv_open(af_source *self, af_schema **schema_out, af_error *err)
{
    const csv_source_config *c = cfg(self);
    csv_source *s = calloc(1, sizeof *s);
    if (!s)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    self->priv = s;
    af_buf_init(&s->reason);
    set_parse_options(c, &s->popts);
    s->ingested_at_us = af_clock_now_us();
    af_csv_dialect_default(&s->dialect);
    s->dialect.delimiter = c->delimiter ? c->delimiter : ',';
    s->dialect.quote = c->quote;
    s->dialect.escape = c->escape;
    s->dialect.comment = c->comment;
    s->dialect.trim = c->trim;
    s->path = af_stream_resolve_path(self->ctx, c->path);
    if (!s->path)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    int rc = open_inputs(self, err);
    if (rc)
        return rc;
    rc = csv_leaf_open_next(self, true, err);
    if (rc < 0)
        return rc;
    if (rc == 0)
        return af_error_set(err, AF_ENOTFOUND,
                            "%s: no CSV file found (archive members must match %s)", s->path,
                            c->members.len ? "the members option" : "*.csv or *.tsv");
    af_csv_record rec;
    for (int64_t i = 0; i < c->skip_rows; i++) {
        rc = csv_leaf_read(self, &rec, err);
        if (rc < 0)
            return rc;
        if (rc == 0)
            break;
    }
    rc = read_sample(self, err);
    rc = rc ? rc : decide_header(self, err);
    if (rc)
        return rc;
    if (s->names.len == 0)
        return af_error_set(err, AF_EPARSE, "%s: no columns: the file is empty%s", s->leaf.name,
                            s->header ? " (no header record)" : "");
    af_infer *inf = infer_sample(s, c, s->sample_pos, s->names.len);
    if (!inf)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    rc = build_schema(self, inf, err);
    free(inf);
    if (rc)
        return rc;
    *schema_out = af_schema_copy(s->schema);
    return *schema_out ? AF_OK : af_error_set(err, AF_ENOMEM, "out of memory");
}

static int quarantine(af_source *self, int64_t line, const char *raw, size_t raw_len, af_error *err)
{
    csv_source *s = self->priv;
    int rc = af_quarantine_row(self->ctx, s->leaf.name, line, raw, raw_len, af_buf_cstr(&s->reason),
                               err);
    return rc ? rc : 1;
}

/* Appends one record to the batch. Returns 1 if the row was rejected (and
 * handed to the quarantine), 0 if appended, <0 on a fatal error. */
static int append_record(af_source *self, af_batch *b, const af_csv_field *fields, size_t n,
                         int64_t line, int64_t offset, const char *raw, size_t raw_len,
                         const char *rec_error, af_error *err)
{
    csv_source *s = self->priv;
    const csv_source_config *c = cfg(self);
    size_t ncols = s->n_data_cols;
    af_buf_reset(&s->reason);
    fields = csv_leaf_fields(s, fields, n, &n);
    if (rec_error) {
        af_buf_printf(&s->reason, "malformed CSV record: %s", rec_error);
    } else if (n != ncols) {
        af_buf_printf(&s->reason, "expected %zu fields, found %zu", ncols, n);
    } else if (s->encoding == AF_ENC_UTF8) {
        /* other encodings were converted, so only UTF-8 input can be invalid */
        size_t valid = af_utf8_valid_prefix((const uint8_t *)raw, raw_len);
        if (valid < raw_len)
            af_buf_printf(&s->reason,
                          "invalid UTF-8 at byte %lld (set encoding: windows-1252 or latin-1 if "
                          "the file is not UTF-8)",
                          (long long)(offset + (int64_t)valid));
    }
    if (s->reason.len)
        return quarantine(self, line, raw, raw_len, err);
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
            return af_error_set(err, rc, "%s:%lld: cannot append a value of column '%s'",
                                s->leaf.name, (long long)line, a->field->name);
    }
    if (s->reason.len) {
        /* undo the partial row: columns that already took a value of this
         * row are truncated back */
        for (size_t i = 0; i < ncols; i++)
            af_array_truncate(&b->columns[i], before);
        return quarantine(self, line, raw, raw_len, err);
    }
    if (c->lineage) {
        int rc = af_lineage_append(&b->columns[ncols], s->leaf.name, line, s->ingested_at_us);
        if (rc)
            return af_error_set(err, rc, "out of memory");
    }
    return 0;
}

/* The next record of any leaf: moves on to the following leaves (reading
 * their header) when one ends. */
static int next_record(af_source *self, af_csv_record *rec, af_error *err)
{
    for (;;) {
        int rc = csv_leaf_read(self, rec, err);
        if (rc != 0)
            return rc;
        rc = csv_leaf_open_next(self, false, err);
        if (rc <= 0)
            return rc;
        rc = csv_leaf_start(self, err);
        if (rc < 0)
            return rc;
    }
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
    af_batch_presize(b, s->size_hint);
    int rc = AF_OK;
    int64_t rows = 0;
    /* sample records belong to the first leaf: they are replayed first,
     * while its reader is still where the sample ended */
    while (!af_batch_full(b, &self->ctx->limits)) {
        if ((rows & 1023) == 0 && (rc = af_file_check_cancel(self, s->path, err)) != 0)
            break;
        if (s->sample_pos < s->n_sample) {
            sample_record *sr = &s->sample[s->sample_pos++];
            rc = append_record(self, b, sr->fields, sr->n_fields, sr->line, sr->offset, sr->raw,
                               sr->raw_len, sr->error, err);
        } else if (!s->eof) {
            af_csv_record rec;
            rc = next_record(self, &rec, err);
            if (rc == 0) {
                s->eof = true;
                break;
            }
            if (rc == 1)
                rc = append_record(self, b, rec.fields, rec.n_fields, rec.line, rec.offset, rec.raw,
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
    rc = af_batch_finish(&b, rc, false, err);
    if (rc)
        return rc;
    s->rows += b->n_rows;
    af_batch_remember_sizes(&s->size_hint, b);
    *out = b;
    return AF_OK;
}

static int csv_resume_state(af_source *self, af_buf *json)
{
    csv_source *s = self->priv;
    return af_file_resume_state(json, s->path, s->n_leaves, s->rows);
}

static void csv_close(af_source *self)
{
    csv_source *s = self->priv;
    if (!s)
        return;
    csv_leaf_close(s);
    af_input_set_free(s->inputs);
    for (size_t i = 0; i < s->n_sample; i++) {
        free(s->sample[i].bytes);
        free(s->sample[i].fields);
        free(s->sample[i].raw);
    }
    free(s->sample);
    af_schema_free(s->schema);
    af_strlist_free(&s->names);
    af_buf_free(&s->reason);
    free(s->mapped);
    free(s->size_hint);
    free(s->path);
    free(s);
    self->priv = NULL;
}

/* The raw zone copies these files and may ask open() to skip some. */
static int csv_list_inputs(af_source *self, af_strlist *paths, af_error *err)
{
    const csv_source_config *c = self->config;
    return af_file_list_inputs(self, c->path, paths, err);
}

const af_source_plugin af_source_csv = {
    .name = "csv",
    .summary = "Read CSV files (RFC 4180 and dialects; folders, globs, compressed files and "
               "archive members), inferring or declaring column types",
    .options = csv_source_options,
    .config_size = sizeof(csv_source_config),
    .open = csv_open,
    .next = csv_next,
    .resume_state = csv_resume_state,
    .close = csv_close,
    .list_inputs = csv_list_inputs,
};
