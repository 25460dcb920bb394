/* logs.c - the server log source: access logs (combined, common, nginx),
 * syslog (RFC 3164, RFC 5424), JSON lines, or any line format described by
 * a PCRE2 pattern with named groups.
 *
 * Input goes through af_input_set, so `path` may be a file, a folder, a glob
 * or an archive, compressed or not; each leaf is decoded to UTF-8 (option
 * `encoding`) and split into lines. formats/log_patterns.c turns a line into
 * typed columns; a line it rejects (no match, a value out of range, invalid
 * UTF-8) is quarantined with its file, line number and reason, so
 * rows read = rows written + rows quarantined. Blank lines are not rows.
 *
 * For `format: json` the columns are learnt from the first `infer_rows`
 * lines of the first file, which are kept in memory and replayed.
 */
#include "core/batch_fill.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/plugin.h"
#include "formats/log_patterns.h"
#include "formats/text_lines.h"
#include "io/input_set.h"
#include "io/transcode.h"
#include "sources/file_common.h"

#include <stdlib.h>
#include <string.h>

typedef struct logs_config {
    char *path;
    int format;
    char *pattern;
    af_strmap types;
    char *time_format;
    char *timezone;
    int64_t year;
    int64_t infer_rows;
    int encoding;
    int compression;
    af_strlist members;
    bool lineage;
} logs_config;

#define OFF(f) offsetof(logs_config, f)
static const af_config_map logs_options[] = {
    {"path", AF_OPT_STRING, NULL, true, OFF(path),
     "file, folder, glob or archive to read (relative to the pipeline file; - is stdin)", NULL},
    {"format", AF_OPT_ENUM, "combined", false, OFF(format),
     "line format: Apache/Nginx access logs, syslog RFC 3164/5424, JSON lines, or a regex",
     AF_LOGPAT_FORMAT_CHOICES},
    {"pattern", AF_OPT_STRING, NULL, false, OFF(pattern),
     "format regex: a PCRE2 pattern whose named groups (?<name>...) become columns", NULL},
    {"types", AF_OPT_STRMAP, NULL, false, OFF(types),
     "regex/json column types, e.g. {status: int32, bytes: int64, time: timestamp}", NULL},
    {"time_format", AF_OPT_STRING, NULL, false, OFF(time_format),
     "strptime-like format of times (%Y %m %d %H %M %S %f %z %b %j); default per format", NULL},
    {"timezone", AF_OPT_STRING, "UTC", false, OFF(timezone),
     "zone of times written without an offset (syslog 3164), e.g. Europe/Paris", NULL},
    {"year", AF_OPT_INT, "0", false, OFF(year),
     "year of times written without one (syslog 3164); 0 = the current UTC year", NULL},
    {"infer_rows", AF_OPT_INT, "1000", false, OFF(infer_rows),
     "json: lines sampled to learn the columns and their types", NULL},
    {"encoding", AF_OPT_ENUM, "auto", false, OFF(encoding),
     "text encoding of the files; auto detects a BOM, UTF-16, UTF-8, else Windows-1252/Latin-1",
     AF_TEXT_ENCODING_CHOICES},
    AF_FILE_OPT_COMPRESSION(OFF(compression)),
    AF_FILE_OPT_MEMBERS(OFF(members)),
    AF_FILE_OPT_LINEAGE(OFF(lineage)),
    {NULL, 0, NULL, false, 0, NULL, NULL},
};
#undef OFF

typedef struct sample_line {
    size_t off, len;
    int64_t line;
} sample_line;

typedef struct logs_source {
    char *path;
    af_input_set *set;
    bool have_leaf, done;
    char *origin;    /* lineage name of the current leaf */
    af_reader *text; /* transcode layer over a view of the set's leaf */
    af_line_reader *lines;
    af_logpat *pat;
    af_schema *schema;
    size_t n_cols;
    af_buf reason;
    /* json sample, replayed before reading on */
    af_buf sample_bytes;
    sample_line *sample;
    size_t n_sample, sample_pos;
    char *sample_origin;
    int64_t ingested_at;
    int64_t rows;
} logs_source;

static void close_leaf(logs_source *s)
{
    af_line_reader_free(s->lines);
    s->lines = NULL;
    af_reader_close(s->text);
    s->text = NULL;
    s->have_leaf = false;
}

/* Moves to the next leaf of the input set: 1, 0 at the end, or <0. */
static int open_leaf(af_source *self, af_error *err)
{
    logs_source *s = self->priv;
    const logs_config *c = self->config;
    close_leaf(s);
    af_input in;
    int rc = af_input_set_next(s->set, &in, err);
    if (rc <= 0)
        return rc;
    free(s->origin);
    s->origin = af_strdup(in.name ? in.name : s->path);
    if (!s->origin)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    rc = af_leaf_open_text(&in, s->origin, (af_text_encoding)c->encoding, &s->text, NULL, err);
    if (rc)
        return rc;
    rc = af_line_reader_new(s->text, 0, &s->lines, err);
    if (rc)
        return rc;
    s->have_leaf = true;
    return 1;
}

/* Next line of the inputs: 1 with a line, 0 at the end, or <0. */
static int next_line(af_source *self, const char **line, size_t *len, int64_t *lineno,
                     const char **origin, af_error *err)
{
    logs_source *s = self->priv;
    for (;;) {
        if (s->done)
            return 0;
        if (!s->have_leaf) {
            int rc = open_leaf(self, err);
            if (rc < 0)
                return rc;
            if (rc == 0) {
                s->done = true;
                return 0;
            }
        }
        int rc = af_line_reader_next(s->lines, line, len, lineno, err);
        if (rc < 0)
            return rc;
        if (rc == 1) {
            *origin = s->origin;
            return 1;
        }
        close_leaf(s);
    }
}

static bool blank_line(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t')
            return false;
    return true;
}

static int read_json_sample(af_source *self, af_error *err)
{
    logs_source *s = self->priv;
    const logs_config *c = self->config;
    size_t cap = c->infer_rows > 0 ? (size_t)c->infer_rows : 1;
    s->sample = calloc(cap, sizeof *s->sample);
    if (!s->sample)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    int rc = open_leaf(self, err);
    if (rc < 0)
        return rc;
    if (rc == 0) {
        s->done = true;
        return AF_OK;
    }
    s->sample_origin = af_strdup(s->origin);
    if (!s->sample_origin)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    while (s->n_sample < cap) {
        const char *line;
        size_t n;
        int64_t lineno;
        rc = af_line_reader_next(s->lines, &line, &n, &lineno, err);
        if (rc < 0)
            return rc;
        if (rc == 0) {
            close_leaf(s);
            break;
        }
        if (blank_line(line, n))
            continue;
        af_logpat_learn(s->pat, line, n);
        s->sample[s->n_sample++] = (sample_line){s->sample_bytes.len, n, lineno};
        if (af_buf_append(&s->sample_bytes, line, n))
            return af_error_set(err, AF_ENOMEM, "out of memory");
    }
    return AF_OK;
}

static int logs_open(af_source *self, af_schema **schema_out, af_error *err)
{
    const logs_config *c = self->config;
    logs_source *s = calloc(1, sizeof *s);
    if (!s)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    self->priv = s;
    af_buf_init(&s->reason);
    af_buf_init(&s->sample_bytes);
    s->ingested_at = af_clock_now_us();
    s->path = af_stream_resolve_path(self->ctx, c->path);
    if (!s->path)
        return af_error_set(err, AF_ENOMEM, "out of memory");

    af_logpat_options po = {0};
    po.format = (af_logpat_format)c->format;
    po.pattern = c->pattern;
    po.types = &c->types;
    po.time_format = c->time_format;
    po.timezone = c->timezone;
    po.year = c->year;
    if (c->types.len && po.format != AF_LOGPAT_REGEX && po.format != AF_LOGPAT_JSON)
        return af_error_set(err, AF_ECONFIG,
                            "option types applies to format regex and json only (format %s has "
                            "fixed column types)",
                            af_logpat_format_name(po.format));
    if (c->pattern && po.format != AF_LOGPAT_REGEX)
        return af_error_set(err, AF_ECONFIG, "option pattern needs format: regex (format is %s)",
                            af_logpat_format_name(po.format));
    int rc = af_logpat_new(&po, &s->pat, err);
    if (rc)
        return rc;

    rc = af_file_open_inputs(self, s->path, c->compression, (const char *const *)c->members.items,
                             c->members.len, &s->set, err);
    if (rc)
        return rc;
    atomic_store(&self->ctx->bytes_total, (long long)af_input_set_bytes_total(s->set));

    if (po.format == AF_LOGPAT_JSON) {
        rc = read_json_sample(self, err);
        if (rc)
            return rc;
    }
    s->schema = af_schema_new();
    if (!s->schema)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    rc = af_logpat_add_columns(s->pat, s->schema, err);
    if (rc)
        return rc;
    s->n_cols = af_logpat_n_columns(s->pat);
    if (po.format == AF_LOGPAT_JSON && s->n_cols <= 1 && s->n_sample > 0)
        return af_error_set(err, AF_EPARSE,
                            "%s: no JSON object with keys in the first %zu lines: is this a JSON "
                            "lines file?",
                            s->sample_origin, s->n_sample);
    if (c->lineage) {
        rc = af_lineage_add_columns(s->schema);
        if (rc)
            return af_error_set(err, rc, "out of memory");
    }
    *schema_out = af_schema_copy(s->schema);
    return *schema_out ? AF_OK : af_error_set(err, AF_ENOMEM, "out of memory");
}

/* One line into the batch: 0 appended or quarantined, <0 fatal. */
static int take_line(af_source *self, af_batch *b, const char *line, size_t n, int64_t lineno,
                     const char *origin, af_error *err)
{
    logs_source *s = self->priv;
    const logs_config *c = self->config;
    int rc = af_logpat_append(s->pat, line, n, b->columns, &s->reason, err);
    if (rc < 0)
        return af_error_wrap(err, "%s:%lld", origin, (long long)lineno);
    if (rc == 0)
        return af_quarantine_row(self->ctx, origin, lineno, line, n, af_buf_cstr(&s->reason), err);
    if (c->lineage) {
        rc = af_lineage_append(&b->columns[s->n_cols], origin, lineno, s->ingested_at);
        if (rc)
            return af_error_set(err, rc, "out of memory");
    }
    return AF_OK;
}

static int logs_next(af_source *self, af_batch **out, af_error *err)
{
    logs_source *s = self->priv;
    *out = NULL;
    if (s->done && s->sample_pos >= s->n_sample)
        return AF_OK;
    af_batch *b = af_batch_new(s->schema);
    if (!b)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    int rc = AF_OK;
    int64_t seen = 0;
    while (!af_batch_full(b, &self->ctx->limits)) {
        if ((seen++ & 1023) == 0 && (rc = af_file_check_cancel(self, s->path, err)) != 0)
            break;
        if (s->sample_pos < s->n_sample) {
            const sample_line *sl = &s->sample[s->sample_pos++];
            rc = take_line(self, b, (const char *)s->sample_bytes.data + sl->off, sl->len, sl->line,
                           s->sample_origin, err);
        } else {
            const char *line, *origin;
            size_t n;
            int64_t lineno;
            rc = next_line(self, &line, &n, &lineno, &origin, err);
            if (rc <= 0)
                break;
            rc = blank_line(line, n) ? AF_OK : take_line(self, b, line, n, lineno, origin, err);
        }
        if (rc)
            break;
        b->n_rows = b->columns[0].length;
    }
    atomic_store(&self->ctx->bytes_read, (long long)af_input_set_bytes_read(s->set));
    rc = af_batch_finish(&b, rc, s->done && s->sample_pos >= s->n_sample, err);
    if (rc || !b)
        return rc;
    s->rows += b->n_rows;
    *out = b;
    return AF_OK;
}

static void logs_close(af_source *self)
{
    logs_source *s = self->priv;
    if (!s)
        return;
    close_leaf(s);
    af_input_set_free(s->set);
    af_logpat_free(s->pat);
    af_schema_free(s->schema);
    af_buf_free(&s->reason);
    af_buf_free(&s->sample_bytes);
    free(s->sample);
    free(s->sample_origin);
    free(s->origin);
    free(s->path);
    free(s);
    self->priv = NULL;
}

/* The raw zone copies these files and may ask open() to skip some. */
static int logs_list_inputs(af_source *self, af_strlist *paths, af_error *err)
{
    const logs_config *c = self->config;
    return af_file_list_inputs(self, c->path, paths, err);
}

const af_source_plugin af_source_logs = {
    .name = "logs",
    .summary = "Read server logs (Apache/Nginx access, syslog, JSON lines or a regex) into "
               "typed columns",
    .options = logs_options,
    .config_size = sizeof(logs_config),
    .open = logs_open,
    .next = logs_next,
    .close = logs_close,
    .list_inputs = logs_list_inputs,
};
