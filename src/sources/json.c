/* json.c - the JSON file source: NDJSON / JSON Lines, a JSON array of
 * records, or the array at `record_path` inside a bigger document.
 *
 * Records stream from the input set (a file, folder or glob; decompressed
 * and unpacked by io/input_set) through the streaming tokenizer of
 * formats/json.h, one record at a time, so a 1 GB array costs the memory of
 * its largest record. The first `infer_rows` records are kept for schema
 * inference (json_infer.c) and replayed; `infer_rows: 0` reads the input
 * twice instead (files only). Records become rows in json_rows.c; with
 * `explode` each element of an array inside the record becomes a row of a
 * child table keyed by `_parent_id` and `_index`.
 *
 * Error policy: a malformed NDJSON line is quarantined (its raw text and
 * position) and reading resumes at the next line; a syntax error inside a
 * JSON array or document is fatal, because there is no line structure to
 * resynchronise on and guessing where the next record starts could turn
 * garbage into rows.
 */
#include "core/batch_fill.h"
#include "core/clock.h"
#include "core/log.h"
#include "sources/file_common.h"
#include "sources/json_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OFF(f) offsetof(json_source_config, f)
static const af_config_map json_source_options[] = {
    {"path", AF_OPT_STRING, NULL, true, OFF(path),
     "file, folder or glob to read (relative to the pipeline file; - is stdin)", NULL},
    {"compression", AF_OPT_ENUM, "auto", false, OFF(compression),
     "compressed input: auto detects the codec by its magic bytes", AF_COMPRESSION_CHOICES},
    {"format", AF_OPT_ENUM, "auto", false, OFF(format),
     "layout: auto ('[' = array, '{' = ndjson, or document with record_path), ndjson, array, "
     "document",
     "auto|ndjson|array|document"},
    {"record_path", AF_OPT_STRING, NULL, false, OFF(record_path),
     "where the records are in a document, e.g. results[*] or data.items[*]", NULL},
    {"nested", AF_OPT_ENUM, "flatten", false, OFF(nested),
     "nested objects: flatten (parent__child columns), struct, or json (text)",
     "flatten|struct|json"},
    {"separator", AF_OPT_STRING, "__", false, OFF(separator),
     "joins parent and child names when flattening", NULL},
    {"arrays", AF_OPT_ENUM, "json", false, OFF(arrays),
     "arrays of objects: json (text) or list (list of structs); arrays of scalars are lists",
     "json|list"},
    {"explode", AF_OPT_STRING, NULL, false, OFF(explode),
     "read the child table: one row per element of the array at this path (a.b)", NULL},
    {"parent_key", AF_OPT_STRING, NULL, false, OFF(parent_key),
     "with explode: the parent field copied into _parent_id (default: the record number)", NULL},
    {"infer_rows", AF_OPT_INT, "10000", false, OFF(infer_rows),
     "records sampled to infer the schema; 0 reads the whole input first (files only)", NULL},
    {"columns", AF_OPT_STRMAP, NULL, false, OFF(columns),
     "column types that override inference, e.g. {price: decimal(19,4)}", NULL},
    {"unknown_fields", AF_OPT_ENUM, "quarantine", false, OFF(unknown_fields),
     "a field not in the inferred schema: quarantine the record, ignore the field, or error",
     "quarantine|ignore|error"},
    {"infer_dates", AF_OPT_BOOL, "true", false, OFF(infer_dates),
     "strings that are all ISO dates/timestamps become date/timestamp columns", NULL},
    {"max_depth", AF_OPT_INT, "512", false, OFF(max_depth), "nesting limit of a JSON value", NULL},
    AF_FILE_OPT_LINEAGE(OFF(lineage)),
    {NULL, 0, NULL, false, 0, NULL, NULL},
};
#undef OFF

/* "data.items[*]" -> {"data", "items"}; "$." prefix allowed. */
static int split_path(const char *text, bool need_star, char ***out, size_t *n, af_error *err)
{
    const char *p = text;
    if (!strncmp(p, "$.", 2))
        p += 2;
    size_t len = strlen(p);
    if (len >= 3 && !strcmp(p + len - 3, "[*]"))
        len -= 3;
    else if (need_star && len == 0)
        return af_error_set(err, AF_ECONFIG, "record_path '%s' names no array", text);
    char **keys = NULL;
    size_t k = 0;
    const char *s = p, *end = p + len;
    while (s <= end && len) {
        const char *dot = memchr(s, '.', (size_t)(end - s));
        const char *e = dot ? dot : end;
        if (e == s || memchr(s, '[', (size_t)(e - s))) {
            for (size_t i = 0; i < k; i++)
                free(keys[i]);
            free(keys);
            return af_error_set(err, AF_ECONFIG,
                                "path '%s': expected names separated by '.', ending in [*] (e.g. "
                                "data.items[*]); [*] is only allowed at the end",
                                text);
        }
        char **nk = realloc(keys, (k + 1) * sizeof *nk);
        if (!nk || !(nk[k] = af_strndup(s, (size_t)(e - s)))) {
            free(nk ? nk : keys);
            return af_error_set(err, AF_ENOMEM, "out of memory");
        }
        keys = nk;
        k++;
        s = e + 1;
        if (!dot)
            break;
    }
    *out = keys;
    *n = k;
    return AF_OK;
}

static void free_keys(char **k, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(k[i]);
    free(k);
}

static int open_set(json_source *s, af_error *err)
{
    return af_file_open_inputs(s->self, s->path, s->c->compression, NULL, 0, &s->set, err);
}

static void progress(json_source *s)
{
    if (!s->set)
        return;
    int64_t t = af_input_set_bytes_total(s->set);
    if (t > 0)
        atomic_store(&s->self->ctx->bytes_total, (long long)t);
    atomic_store(&s->self->ctx->bytes_read, (long long)af_input_set_bytes_read(s->set));
}

/* Walks from the document root to the array at record_path. */
static int navigate(json_source *s, af_error *err)
{
    af_json_reader *jr = s->jr;
    for (size_t i = 0; i < s->n_rp; i++) {
        int rc =
            af_json_reader_expect(jr, '{', "an object (record_path walks through objects)", err);
        if (rc)
            return rc;
        bool first = true, found = false;
        while (!found) {
            int ch = af_json_reader_peek(jr, err);
            if (ch < 0)
                return ch;
            if (ch == '}')
                return af_json_reader_error(jr, err, AF_EPARSE,
                                            "record_path '%s': the object has no member '%s'",
                                            s->c->record_path, s->rp_keys[i]);
            if (!first) {
                rc = af_json_reader_expect(jr, ',', "',' or '}' after an object member", err);
                if (rc)
                    return rc;
            }
            first = false;
            rc = af_json_reader_string(jr, &s->keybuf, err);
            if (!rc)
                rc = af_json_reader_expect(jr, ':', "':' after an object key", err);
            if (rc)
                return rc;
            if (s->keybuf.len == strlen(s->rp_keys[i]) &&
                !memcmp(s->keybuf.data, s->rp_keys[i], s->keybuf.len)) {
                found = true;
            } else {
                rc = af_json_reader_value(jr, NULL, err); /* skipped, never stored */
                if (rc < 0)
                    return rc;
            }
        }
    }
    int ch = af_json_reader_peek(jr, err);
    if (ch < 0)
        return ch;
    if (ch != '[')
        return af_json_reader_error(jr, err, AF_EPARSE,
                                    "record_path '%s' must lead to an array of records",
                                    s->c->record_path);
    s->first_elem = true;
    return af_json_reader_expect(jr, '[', "'['", err);
}

/* Opens the next leaf of the input set positioned at its first record:
 * 1, 0 at the end, <0. */
static int next_leaf(json_source *s, af_error *err)
{
    const json_source_config *c = s->c;
    for (;;) {
        af_json_reader_free(s->jr);
        s->jr = NULL;
        int rc = af_input_set_next(s->set, &s->cur, err);
        progress(s);
        if (rc <= 0)
            return rc;
        af_json_options jo;
        af_json_options_default(&jo);
        if (c->max_depth > 0)
            jo.max_depth = (int)(c->max_depth < 100000 ? c->max_depth : 100000);
        rc = af_json_reader_new(s->cur.reader, s->cur.name, &jo, &s->jr, err);
        if (rc)
            return rc;
        int ch = af_json_reader_peek(s->jr, err);
        if (ch < 0)
            return ch;
        if (ch == AF_JSON_EOF)
            continue; /* an empty file holds no records */
        int layout = c->format;
        if (layout == JF_AUTO)
            layout = ch == '[' ? JF_ARRAY : (ch == '{' && s->n_rp) ? JF_DOCUMENT : JF_NDJSON;
        s->layout = layout;
        if (layout == JF_ARRAY) {
            s->first_elem = true;
            rc = af_json_reader_expect(s->jr, '[', "'[' (format: array)", err);
        } else if (layout == JF_DOCUMENT) {
            rc = navigate(s, err);
        } else {
            af_json_reader_set_one_per_line(s->jr, true);
        }
        return rc ? rc : 1;
    }
}

static void trim_raw(const char **raw, size_t *len)
{
    while (*len && ((*raw)[*len - 1] == '\n' || (*raw)[*len - 1] == '\r' ||
                    (*raw)[*len - 1] == ' ' || (*raw)[*len - 1] == '\t'))
        (*len)--;
}

/* The next input record: 1 (s->doc, *rec), 2 a malformed NDJSON line
 * (s->bad_reason, s->bad_raw, *rec for origin/line), 0 at the end, <0 fatal. */
static int read_input_record(json_source *s, jrec *rec, af_error *err)
{
    for (;;) {
        if (!s->jr) {
            if (s->done)
                return 0;
            int rc = next_leaf(s, err);
            if (rc < 0)
                return rc;
            if (rc == 0) {
                s->done = true;
                return 0;
            }
        }
        af_json_reader *jr = s->jr;
        int rc;
        if (s->layout == JF_NDJSON) {
            int ch = af_json_reader_peek(jr, err);
            if (ch < 0)
                return ch;
            if (ch == AF_JSON_EOF) {
                af_json_reader_free(s->jr);
                s->jr = NULL;
                continue;
            }
            af_json_reader_mark(jr);
            rc = af_json_reader_value(jr, &s->doc, err);
            if (rc == 1)
                rc = af_json_reader_end_line(jr, err);
            if (rc == AF_EPARSE) {
                int64_t line = af_json_reader_line(jr);
                /* the quarantine record names the file already: keep LINE:COL (byte N) */
                const char *m = err->msg;
                size_t nl = strlen(s->cur.name);
                if (!strncmp(m, s->cur.name, nl) && m[nl] == ':')
                    m += nl + 1;
                free(s->bad_reason);
                s->bad_reason = af_strdup(m);
                rc = af_json_reader_skip_line(jr, err);
                if (rc < 0)
                    return rc;
                const char *raw;
                size_t len;
                raw = af_json_reader_raw(jr, &len);
                trim_raw(&raw, &len);
                af_buf_reset(&s->bad_raw);
                af_buf_append(&s->bad_raw, raw, len);
                af_json_reader_unmark(jr);
                s->n_records++;
                memset(rec, 0, sizeof *rec);
                rec->origin = s->cur.name;
                rec->line = line;
                rec->index = s->n_records;
                return s->bad_reason ? 2 : af_error_set(err, AF_ENOMEM, "out of memory");
            }
            if (rc < 0)
                return rc;
        } else {
            rc = af_json_reader_array_next(jr, &s->first_elem, err);
            if (rc < 0)
                return rc;
            if (rc == 0) {
                if (s->layout == JF_ARRAY) {
                    int ch = af_json_reader_peek(jr, err);
                    if (ch < 0)
                        return ch;
                    if (ch != AF_JSON_EOF)
                        return af_json_reader_error(jr, err, AF_EPARSE,
                                                    "unexpected data after the closing ']' of "
                                                    "the array");
                }
                /* a document: what follows the records is not read */
                af_json_reader_free(s->jr);
                s->jr = NULL;
                continue;
            }
            af_json_reader_mark(jr);
            rc = af_json_reader_value(jr, &s->doc, err);
            if (rc == 0)
                return af_json_reader_error(jr, err, AF_EPARSE,
                                            "the input ends inside the array of records");
            if (rc < 0)
                return rc;
        }
        s->n_records++;
        memset(rec, 0, sizeof *rec);
        rec->doc = &s->doc;
        rec->root = 0;
        rec->origin = s->cur.name;
        rec->line = af_json_reader_value_line(jr);
        rec->index = s->n_records;
        rec->raw = af_json_reader_raw(jr, &rec->raw_len);
        trim_raw(&rec->raw, &rec->raw_len);
        af_json_reader_unmark(jr);
        return 1;
    }
}

static int keep_sample(json_source *s, const jrec *rec, bool ok)
{
    if (s->n_sample == s->cap_sample) {
        size_t nc = s->cap_sample ? s->cap_sample * 2 : 256;
        jsample *ns = realloc(s->sample, nc * sizeof *ns);
        if (!ns)
            return AF_ENOMEM;
        s->sample = ns;
        s->cap_sample = nc;
    }
    jsample *sm = &s->sample[s->n_sample];
    memset(sm, 0, sizeof *sm);
    sm->ok = ok;
    sm->line = rec->line;
    sm->index = rec->index;
    sm->origin = af_strdup(rec->origin ? rec->origin : "");
    const char *raw = ok ? rec->raw : (const char *)s->bad_raw.data;
    size_t raw_len = ok ? rec->raw_len : s->bad_raw.len;
    sm->raw = af_strndup(raw ? raw : "", raw ? raw_len : 0);
    sm->raw_len = raw ? raw_len : 0;
    int rc = sm->origin && sm->raw ? AF_OK : AF_ENOMEM;
    if (!rc && ok)
        rc = af_json_doc_copy(&sm->doc, rec->doc);
    if (!rc && !ok)
        rc = (sm->reason = af_strdup(s->bad_reason)) ? AF_OK : AF_ENOMEM;
    s->n_sample++; /* counted even on failure, so close() frees what was allocated */
    return rc;
}

static int cancelled(json_source *s, af_error *err)
{
    return af_file_check_cancel(s->self, s->path, err);
}

static int json_open(af_source *self, af_schema **schema_out, af_error *err)
{
    const json_source_config *c = self->config;
    json_source *s = calloc(1, sizeof *s);
    if (!s)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    self->priv = s;
    s->self = self;
    s->c = c;
    af_json_doc_init(&s->doc);
    af_infer_init(&s->root.strings);
    af_infer_init(&s->pid.strings);
    af_parse_options_default(&s->popts);
    s->popts.default_timezone = "UTC";
    s->ingested_at = af_clock_now_us();
    const char *sep = c->separator ? c->separator : "__";
    if (strlen(sep) >= sizeof s->sep)
        return af_error_set(err, AF_ECONFIG, "separator '%s' is longer than %zu bytes", sep,
                            sizeof s->sep - 1);
    af_strlcpy(s->sep, sep, sizeof s->sep);
    s->path = af_stream_resolve_path(self->ctx, c->path);
    if (!s->path)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    int rc;
    if (c->record_path) {
        rc = split_path(c->record_path, true, &s->rp_keys, &s->n_rp, err);
        if (rc)
            return rc;
    }
    if (c->format == JF_DOCUMENT && !s->n_rp)
        return af_error_set(err, AF_ECONFIG,
                            "%s: format: document needs record_path (e.g. results[*])", s->path);
    if (c->record_path && (c->format == JF_ARRAY || c->format == JF_NDJSON))
        return af_error_set(err, AF_ECONFIG,
                            "%s: record_path applies to format: document (or auto), not %s",
                            s->path, c->format == JF_ARRAY ? "array" : "ndjson");
    if (c->explode) {
        rc = split_path(c->explode, false, &s->ex_keys, &s->n_ex, err);
        if (rc)
            return rc;
        if (!s->n_ex)
            return af_error_set(err, AF_ECONFIG, "%s: explode names no field", s->path);
    }
    if (c->parent_key && !s->n_ex)
        return af_error_set(err, AF_ECONFIG, "%s: parent_key only applies with explode", s->path);
    if (c->infer_rows < 0)
        return af_error_set(err, AF_ECONFIG, "%s: infer_rows must be 0 (whole input) or more",
                            s->path);
    s->infer_limit = c->infer_rows;
    if (c->infer_rows == 0 && !strcmp(c->path, "-"))
        return af_error_set(err, AF_ECONFIG,
                            "infer_rows: 0 reads the input twice, which standard input cannot "
                            "do; set infer_rows to a number of records (or declare columns)");
    rc = open_set(s, err);
    if (rc)
        return rc;
    jrec rec;
    if (c->infer_rows == 0) {
        /* pass 1: the whole input through inference, nothing kept */
        for (;;) {
            if ((s->n_records & 1023) == 0 && (rc = cancelled(s, err)) != 0)
                return rc;
            rc = read_input_record(s, &rec, err);
            if (rc < 0)
                return rc;
            if (rc == 0)
                break;
            if (rc == 1 && json_observe_record(s, &rec))
                return af_error_set(err, AF_ENOMEM, "out of memory");
        }
        af_json_reader_free(s->jr);
        s->jr = NULL;
        af_input_set_free(s->set);
        s->set = NULL;
        s->done = false;
        s->n_records = 0;
        rc = open_set(s, err);
        if (rc)
            return rc;
    } else {
        while ((int64_t)s->n_sample < c->infer_rows) {
            if ((s->n_records & 1023) == 0 && (rc = cancelled(s, err)) != 0)
                return rc;
            rc = read_input_record(s, &rec, err);
            if (rc < 0)
                return rc;
            if (rc == 0)
                break;
            if (keep_sample(s, &rec, rc == 1))
                return af_error_set(err, AF_ENOMEM, "out of memory");
            if (rc == 1 && json_observe_record(s, &rec))
                return af_error_set(err, AF_ENOMEM, "out of memory");
        }
    }
    rc = json_build_schema(s, err);
    if (rc)
        return rc;
    *schema_out = af_schema_copy(s->schema);
    return *schema_out ? AF_OK : af_error_set(err, AF_ENOMEM, "out of memory");
}

static int quarantine_bad(json_source *s, const char *origin, int64_t line, const char *raw,
                          size_t raw_len, const char *reason, af_error *err)
{
    af_buf_reset(&s->reason);
    af_buf_printf(&s->reason, "malformed JSON at %s", reason);
    return af_quarantine_row(s->self->ctx, origin, line, raw, raw_len, af_buf_cstr(&s->reason),
                             err);
}

static int json_next(af_source *self, af_batch **out, af_error *err)
{
    json_source *s = self->priv;
    *out = NULL;
    if (s->done && s->sample_pos >= s->n_sample)
        return AF_OK;
    af_batch *b = af_batch_new(s->schema);
    if (!b)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    af_batch_presize(b, s->size_hint);
    int rc = AF_OK;
    int64_t recs = 0;
    while (!af_batch_full(b, &self->ctx->limits)) {
        if ((recs++ & 1023) == 0 && (rc = cancelled(s, err)) != 0)
            break;
        if (s->sample_pos < s->n_sample) {
            jsample *sm = &s->sample[s->sample_pos++];
            if (!sm->ok) {
                rc = quarantine_bad(s, sm->origin, sm->line, sm->raw, sm->raw_len, sm->reason, err);
            } else {
                jrec rec = {.doc = &sm->doc,
                            .root = 0,
                            .origin = sm->origin,
                            .line = sm->line,
                            .index = sm->index,
                            .raw = sm->raw,
                            .raw_len = sm->raw_len};
                rc = json_append_record(s, b, &rec, err);
            }
            /* the sample's memory is not needed twice */
            af_json_doc_free(&sm->doc);
        } else if (!s->done) {
            jrec rec;
            rc = read_input_record(s, &rec, err);
            if (rc == 0)
                break;
            if (rc == 2)
                rc = quarantine_bad(s, rec.origin, rec.line, (const char *)s->bad_raw.data,
                                    s->bad_raw.len, s->bad_reason, err);
            else if (rc == 1)
                rc = json_append_record(s, b, &rec, err);
        } else {
            break;
        }
        if (rc < 0)
            break;
        rc = AF_OK;
        b->n_rows = b->columns[0].length;
    }
    progress(s);
    rc = af_batch_finish(&b, rc, false, err);
    if (rc)
        return rc;
    s->rows += b->n_rows;
    af_batch_remember_sizes(&s->size_hint, b);
    *out = b;
    return AF_OK;
}

static int json_resume_state(af_source *self, af_buf *json)
{
    json_source *s = self->priv;
    return af_file_resume_state(json, s->path, -1, s->rows);
}

static void json_close(af_source *self)
{
    json_source *s = self->priv;
    if (!s)
        return;
    af_json_reader_free(s->jr);
    af_input_set_free(s->set);
    for (size_t i = 0; i < s->n_sample; i++) {
        af_json_doc_free(&s->sample[i].doc);
        free(s->sample[i].raw);
        free(s->sample[i].origin);
        free(s->sample[i].reason);
    }
    free(s->sample);
    free_keys(s->rp_keys, s->n_rp);
    free_keys(s->ex_keys, s->n_ex);
    af_json_doc_free(&s->doc);
    af_buf_free(&s->keybuf);
    af_buf_free(&s->bad_raw);
    free(s->bad_reason);
    jnode_free(&s->root);
    jnode_free(&s->pid);
    af_schema_free(s->schema);
    free(s->cols);
    free(s->size_hint);
    jmap_free(&s->map);
    af_buf_free(&s->name);
    af_buf_free(&s->scratch);
    af_buf_free(&s->reason);
    af_buf_free(&s->rawtmp);
    free(s->path);
    free(s);
    self->priv = NULL;
}

/* The raw zone copies these files and may ask open() to skip some. */
static int json_list_inputs(af_source *self, af_strlist *paths, af_error *err)
{
    const json_source_config *c = self->config;
    return af_file_list_inputs(self, c->path, paths, err);
}

const af_source_plugin af_source_json = {
    .name = "json",
    .summary = "Read NDJSON / JSON Lines, a JSON array of records, or the records at a path "
               "of a document; infers, flattens and explodes child tables",
    .options = json_source_options,
    .config_size = sizeof(json_source_config),
    .open = json_open,
    .next = json_next,
    .resume_state = json_resume_state,
    .close = json_close,
    .list_inputs = json_list_inputs,
};
