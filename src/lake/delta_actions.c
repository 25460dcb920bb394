/* delta_actions.c - the actions of a Delta commit: the structs of
 * delta_log.h to and from the log's JSON lines, and their copy/free.
 *
 * Commit files are small (one line per action) and read whole, so jansson
 * builds and parses them; checkpoints carry the large states. Unknown
 * actions and fields of other writers are ignored on reading, as the
 * protocol asks; unreadable table features are refused when the snapshot is
 * built (delta_snapshot.c), not here.
 */
#include "lake/delta_log.h"

#include "af_version.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static int grow(void **items, size_t *cap, size_t n, size_t size)
{
    if (n < *cap)
        return AF_OK;
    size_t ncap = *cap ? *cap * 2 : 16;
    void *p = realloc(*items, ncap * size);
    if (!p)
        return AF_ENOMEM;
    *items = p;
    *cap = ncap;
    return AF_OK;
}

static char *dup_or_null(const char *s, bool *ok)
{
    if (!s)
        return NULL;
    char *d = af_strdup(s);
    if (!d)
        *ok = false;
    return d;
}

/* ---- free / copy ---- */

void af_delta_file_free(af_delta_file *f)
{
    if (!f)
        return;
    free(f->path);
    for (size_t i = 0; i < f->n_partition; i++) {
        free(f->partition[i].column);
        free(f->partition[i].value);
    }
    free(f->partition);
    free(f->stats);
    memset(f, 0, sizeof *f);
}

int af_delta_file_copy(af_delta_file *dst, const af_delta_file *src)
{
    bool ok = true;
    *dst = *src;
    dst->path = dup_or_null(src->path, &ok);
    dst->stats = dup_or_null(src->stats, &ok);
    dst->partition = NULL;
    dst->n_partition = 0;
    if (src->n_partition) {
        dst->partition = calloc(src->n_partition, sizeof *dst->partition);
        if (!dst->partition)
            ok = false;
        for (size_t i = 0; ok && i < src->n_partition; i++) {
            dst->partition[i].column = dup_or_null(src->partition[i].column, &ok);
            dst->partition[i].value = dup_or_null(src->partition[i].value, &ok);
            dst->n_partition = i + 1;
        }
    }
    if (!ok) {
        af_delta_file_free(dst);
        return AF_ENOMEM;
    }
    return AF_OK;
}

const char *af_delta_file_partition(const af_delta_file *f, const char *column, bool *found)
{
    for (size_t i = 0; i < f->n_partition; i++)
        if (strcmp(f->partition[i].column, column) == 0) {
            *found = true;
            return f->partition[i].value;
        }
    *found = false;
    return NULL;
}

static int strlist_copy(af_strlist *dst, const af_strlist *src)
{
    memset(dst, 0, sizeof *dst);
    for (size_t i = 0; i < src->len; i++)
        if (af_strlist_push(dst, src->items[i]))
            return AF_ENOMEM;
    return AF_OK;
}

void af_delta_protocol_free(af_delta_protocol *p)
{
    af_strlist_free(&p->reader_features);
    af_strlist_free(&p->writer_features);
    memset(p, 0, sizeof *p);
}

int af_delta_protocol_copy(af_delta_protocol *dst, const af_delta_protocol *src)
{
    memset(dst, 0, sizeof *dst);
    dst->min_reader = src->min_reader;
    dst->min_writer = src->min_writer;
    if (strlist_copy(&dst->reader_features, &src->reader_features) ||
        strlist_copy(&dst->writer_features, &src->writer_features)) {
        af_delta_protocol_free(dst);
        return AF_ENOMEM;
    }
    return AF_OK;
}

void af_delta_metadata_free(af_delta_metadata *m)
{
    free(m->id);
    free(m->name);
    free(m->description);
    free(m->schema_string);
    af_strlist_free(&m->partition_columns);
    for (size_t i = 0; i < m->n_configuration; i++) {
        free(m->configuration[i].key);
        free(m->configuration[i].value);
    }
    free(m->configuration);
    memset(m, 0, sizeof *m);
}

int af_delta_metadata_copy(af_delta_metadata *dst, const af_delta_metadata *src)
{
    bool ok = true;
    memset(dst, 0, sizeof *dst);
    dst->id = dup_or_null(src->id, &ok);
    dst->name = dup_or_null(src->name, &ok);
    dst->description = dup_or_null(src->description, &ok);
    dst->schema_string = dup_or_null(src->schema_string, &ok);
    dst->created_ms = src->created_ms;
    if (ok && strlist_copy(&dst->partition_columns, &src->partition_columns))
        ok = false;
    if (ok && src->n_configuration) {
        dst->configuration = calloc(src->n_configuration, sizeof *dst->configuration);
        ok = dst->configuration != NULL;
        for (size_t i = 0; ok && i < src->n_configuration; i++) {
            dst->configuration[i].key = dup_or_null(src->configuration[i].key, &ok);
            dst->configuration[i].value = dup_or_null(src->configuration[i].value, &ok);
            dst->n_configuration = i + 1;
        }
    }
    if (!ok) {
        af_delta_metadata_free(dst);
        return AF_ENOMEM;
    }
    return AF_OK;
}

const char *af_delta_metadata_config(const af_delta_metadata *m, const char *key)
{
    for (size_t i = 0; i < m->n_configuration; i++)
        if (strcmp(m->configuration[i].key, key) == 0)
            return m->configuration[i].value;
    return NULL;
}

void af_delta_commit_info_free(af_delta_commit_info *c)
{
    free(c->operation);
    free(c->mode);
    free(c->run_id);
    free(c->engine);
    memset(c, 0, sizeof *c);
}

void af_delta_actions_init(af_delta_actions *a)
{
    memset(a, 0, sizeof *a);
    a->commit_info.read_version = -1;
}

void af_delta_actions_free(af_delta_actions *a)
{
    af_delta_commit_info_free(&a->commit_info);
    af_delta_protocol_free(&a->protocol);
    af_delta_metadata_free(&a->metadata);
    for (size_t i = 0; i < a->n_txns; i++)
        free(a->txns[i].app_id);
    free(a->txns);
    for (size_t i = 0; i < a->n_adds; i++)
        af_delta_file_free(&a->adds[i]);
    free(a->adds);
    for (size_t i = 0; i < a->n_removes; i++)
        af_delta_file_free(&a->removes[i]);
    free(a->removes);
    af_delta_actions_init(a);
}

int af_delta_actions_add(af_delta_actions *a, const af_delta_file *f)
{
    if (grow((void **)&a->adds, &a->cap_adds, a->n_adds, sizeof *a->adds))
        return AF_ENOMEM;
    int rc = af_delta_file_copy(&a->adds[a->n_adds], f);
    if (!rc)
        a->n_adds++;
    return rc;
}

int af_delta_actions_remove(af_delta_actions *a, const af_delta_file *f, int64_t deletion_ms)
{
    if (grow((void **)&a->removes, &a->cap_removes, a->n_removes, sizeof *a->removes))
        return AF_ENOMEM;
    af_delta_file *r = &a->removes[a->n_removes];
    int rc = af_delta_file_copy(r, f);
    if (rc)
        return rc;
    free(r->stats); /* removes carry no statistics */
    r->stats = NULL;
    r->deletion_ms = deletion_ms;
    a->n_removes++;
    return AF_OK;
}

/* ---- paths ---- */

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int af_delta_path_decode(const char *path, af_buf *out, af_error *err)
{
    af_buf_reset(out);
    for (const char *p = path; *p; p++) {
        uint8_t c = (uint8_t)*p;
        if (c == '%') {
            int hi = hexval(p[1]), lo = hi < 0 ? -1 : hexval(p[2]);
            if (hi < 0 || lo < 0)
                return af_error_set(err, AF_EPARSE,
                                    "data file path '%s': bad %%-escape at byte %zu", path,
                                    (size_t)(p - path));
            c = (uint8_t)(hi * 16 + lo);
            p += 2;
        }
        if (af_buf_append_byte(out, c))
            return af_error_set(err, AF_ENOMEM, "out of memory");
    }
    if (af_buf_cstr(out) == NULL)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    return AF_OK;
}

static int append_escaped(af_buf *out, uint8_t c)
{
    static const char hex[] = "0123456789ABCDEF";
    char e[3] = {'%', hex[c >> 4], hex[c & 15]};
    return af_buf_append(out, e, 3);
}

int af_delta_path_encode(const char *object_path, af_buf *out)
{
    af_buf_reset(out);
    for (const uint8_t *p = (const uint8_t *)object_path; *p; p++) {
        uint8_t c = *p;
        /* RFC 3986 unreserved characters, '/' and the sub-delimiters Spark
         * leaves alone; everything else is escaped */
        bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    strchr("-._~/!$&'()*+,;=:@", c) != NULL;
        int rc = keep ? af_buf_append_byte(out, c) : append_escaped(out, c);
        if (rc)
            return AF_ENOMEM;
    }
    return af_buf_cstr(out) ? AF_OK : AF_ENOMEM;
}

int af_delta_path_encode_segment(const char *s, af_buf *out)
{
    for (const uint8_t *p = (const uint8_t *)s; *p; p++) {
        uint8_t c = *p;
        /* Hive's escapePathName set, so engines that unescape partition
         * folders (Spark, Hive, DuckDB) read the value back */
        bool esc = c < 0x20 || c == 0x7F || strchr("\"#%'*/:=?\\{[]^", c) != NULL;
        int rc = esc ? append_escaped(out, c) : af_buf_append_byte(out, c);
        if (rc)
            return AF_ENOMEM;
    }
    return af_buf_cstr(out) ? AF_OK : AF_ENOMEM;
}

/* ---- encoding ---- */

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *partition_object(const af_delta_file *f)
{
    json_t *o = json_object();
    for (size_t i = 0; o && i < f->n_partition; i++)
        if (json_object_set_new(o, f->partition[i].column, str_or_null(f->partition[i].value))) {
            json_decref(o);
            return NULL;
        }
    return o;
}

static json_t *strlist_array(const af_strlist *l)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < l->len; i++)
        if (json_array_append_new(a, json_string(l->items[i]))) {
            json_decref(a);
            return NULL;
        }
    return a;
}

static json_t *encode_commit_info(const af_delta_actions *a)
{
    const af_delta_commit_info *c = &a->commit_info;
    char n[32];
    json_t *metrics = json_object();
    /* Spark writes operation metrics as strings; readers expect that */
    snprintf(n, sizeof n, "%lld", (long long)c->files_added);
    json_object_set_new(metrics, "numFiles", json_string(n));
    snprintf(n, sizeof n, "%lld", (long long)c->rows_added);
    json_object_set_new(metrics, "numOutputRows", json_string(n));
    snprintf(n, sizeof n, "%lld", (long long)c->bytes_added);
    json_object_set_new(metrics, "numOutputBytes", json_string(n));
    snprintf(n, sizeof n, "%lld", (long long)c->files_removed);
    json_object_set_new(metrics, "numRemovedFiles", json_string(n));
    snprintf(n, sizeof n, "%lld", (long long)c->rows_removed);
    json_object_set_new(metrics, "numRemovedRows", json_string(n));
    json_t *params = json_object();
    if (c->mode)
        json_object_set_new(params, "mode", json_string(c->mode));
    bool blind = a->n_removes == 0 && !a->has_metadata && c->read_version >= 0;
    json_t *o =
        json_pack("{s:I, s:s, s:o, s:o, s:b, s:s}", "timestamp", (json_int_t)c->timestamp_ms,
                  "operation", c->operation ? c->operation : "WRITE", "operationParameters", params,
                  "operationMetrics", metrics, "isBlindAppend", blind, "engineInfo",
                  c->engine ? c->engine : "affluent/" AF_VERSION);
    if (o && c->read_version >= 0)
        json_object_set_new(o, "readVersion", json_integer(c->read_version));
    if (o && c->run_id)
        json_object_set_new(o, "affluentRunId", json_string(c->run_id));
    return o;
}

static json_t *encode_protocol(const af_delta_protocol *p)
{
    json_t *o = json_pack("{s:i, s:i}", "minReaderVersion", p->min_reader, "minWriterVersion",
                          p->min_writer);
    if (o && p->min_reader >= 3)
        json_object_set_new(o, "readerFeatures", strlist_array(&p->reader_features));
    if (o && p->min_writer >= 7)
        json_object_set_new(o, "writerFeatures", strlist_array(&p->writer_features));
    return o;
}

static json_t *encode_metadata(const af_delta_metadata *m)
{
    json_t *conf = json_object();
    for (size_t i = 0; conf && i < m->n_configuration; i++)
        json_object_set_new(conf, m->configuration[i].key, str_or_null(m->configuration[i].value));
    json_t *o = json_pack("{s:s, s:o, s:o, s:{s:s, s:{}}, s:s, s:o, s:o, s:I}", "id",
                          m->id ? m->id : "", "name", str_or_null(m->name), "description",
                          str_or_null(m->description), "format", "provider", "parquet", "options",
                          "schemaString", m->schema_string ? m->schema_string : "",
                          "partitionColumns", strlist_array(&m->partition_columns), "configuration",
                          conf, "createdTime", (json_int_t)m->created_ms);
    return o;
}

static json_t *encode_add(const af_delta_file *f)
{
    json_t *o = json_pack("{s:s, s:o, s:I, s:I, s:b}", "path", f->path, "partitionValues",
                          partition_object(f), "size", (json_int_t)f->size, "modificationTime",
                          (json_int_t)f->mtime_ms, "dataChange", f->data_change);
    if (o && f->stats)
        json_object_set_new(o, "stats", json_string(f->stats));
    return o;
}

static json_t *encode_remove(const af_delta_file *f)
{
    return json_pack("{s:s, s:I, s:b, s:b, s:o, s:I}", "path", f->path, "deletionTimestamp",
                     (json_int_t)f->deletion_ms, "dataChange", f->data_change,
                     "extendedFileMetadata", 1, "partitionValues", partition_object(f), "size",
                     (json_int_t)f->size);
}

static int append_action(af_buf *out, const char *kind, json_t *body)
{
    if (!body)
        return AF_ENOMEM;
    json_t *line = json_object();
    if (!line || json_object_set_new(line, kind, body)) {
        json_decref(line);
        return AF_ENOMEM;
    }
    char *text = json_dumps(line, JSON_COMPACT);
    json_decref(line);
    if (!text)
        return AF_ENOMEM;
    int rc = af_buf_append_str(out, text);
    free(text);
    return rc ? rc : af_buf_append_byte(out, '\n');
}

int af_delta_actions_encode(const af_delta_actions *a, af_buf *out)
{
    int rc = AF_OK;
    if (a->has_commit_info)
        rc = append_action(out, "commitInfo", encode_commit_info(a));
    if (!rc && a->has_protocol)
        rc = append_action(out, "protocol", encode_protocol(&a->protocol));
    if (!rc && a->has_metadata)
        rc = append_action(out, "metaData", encode_metadata(&a->metadata));
    for (size_t i = 0; !rc && i < a->n_txns; i++)
        rc = append_action(out, "txn",
                           json_pack("{s:s, s:I, s:I}", "appId", a->txns[i].app_id, "version",
                                     (json_int_t)a->txns[i].version, "lastUpdated",
                                     (json_int_t)a->txns[i].last_updated_ms));
    for (size_t i = 0; !rc && i < a->n_removes; i++)
        rc = append_action(out, "remove", encode_remove(&a->removes[i]));
    for (size_t i = 0; !rc && i < a->n_adds; i++)
        rc = append_action(out, "add", encode_add(&a->adds[i]));
    return rc;
}

/* ---- decoding ---- */

typedef struct decode_ctx {
    const char *name;
    size_t line;
    af_error *err;
} decode_ctx;

static int bad(decode_ctx *d, const char *what)
{
    return af_error_set(d->err, AF_EPARSE, "%s:%zu: %s", d->name, d->line, what);
}

/* A string member, copied; absent or null leaves *out NULL. */
static int get_str(decode_ctx *d, json_t *o, const char *key, bool required, char **out)
{
    json_t *v = json_object_get(o, key);
    if (!v || json_is_null(v)) {
        if (required) {
            char msg[128];
            snprintf(msg, sizeof msg, "missing \"%s\"", key);
            return bad(d, msg);
        }
        return AF_OK;
    }
    if (!json_is_string(v)) {
        char msg[128];
        snprintf(msg, sizeof msg, "\"%s\" is not a string", key);
        return bad(d, msg);
    }
    *out = af_strndup(json_string_value(v), json_string_length(v));
    return *out ? AF_OK : af_error_set(d->err, AF_ENOMEM, "out of memory");
}

/* Integers may come as numbers or, from some writers, as strings. */
static int64_t get_int(json_t *o, const char *key, int64_t dflt)
{
    json_t *v = json_object_get(o, key);
    if (json_is_integer(v))
        return (int64_t)json_integer_value(v);
    if (json_is_real(v)) {
        double d = json_real_value(v);
        /* out of int64's range (or NaN) converts to nothing sensible */
        return d >= -9.2e18 && d <= 9.2e18 ? (int64_t)d : dflt;
    }
    if (json_is_string(v)) {
        char *end;
        long long x = strtoll(json_string_value(v), &end, 10);
        if (*end == '\0' && end != json_string_value(v))
            return x;
    }
    return dflt;
}

static int get_partition(decode_ctx *d, json_t *o, af_delta_file *f)
{
    json_t *pv = json_object_get(o, "partitionValues");
    if (!pv || json_is_null(pv))
        return AF_OK;
    if (!json_is_object(pv))
        return bad(d, "\"partitionValues\" is not an object");
    size_t n = json_object_size(pv);
    if (!n)
        return AF_OK;
    f->partition = calloc(n, sizeof *f->partition);
    if (!f->partition)
        return af_error_set(d->err, AF_ENOMEM, "out of memory");
    const char *key;
    json_t *v;
    json_object_foreach(pv, key, v)
    {
        af_delta_pv *p = &f->partition[f->n_partition++];
        p->column = af_strdup(key);
        if (!p->column)
            return af_error_set(d->err, AF_ENOMEM, "out of memory");
        if (json_is_null(v))
            continue;
        if (!json_is_string(v))
            return bad(d, "a partition value is not a string");
        if (!(p->value = af_strdup(json_string_value(v))))
            return af_error_set(d->err, AF_ENOMEM, "out of memory");
    }
    return AF_OK;
}

static int64_t stats_num_records(const char *stats)
{
    if (!stats)
        return -1;
    json_t *s = json_loads(stats, 0, NULL);
    int64_t n = s ? get_int(s, "numRecords", -1) : -1;
    json_decref(s);
    return n;
}

static int decode_file(decode_ctx *d, json_t *o, bool is_add, af_delta_file *f)
{
    memset(f, 0, sizeof *f);
    f->num_records = -1;
    if (!json_is_object(o))
        return bad(d, is_add ? "\"add\" is not an object" : "\"remove\" is not an object");
    int rc = get_str(d, o, "path", true, &f->path);
    if (!rc)
        rc = get_partition(d, o, f);
    if (!rc && is_add)
        rc = get_str(d, o, "stats", false, &f->stats);
    if (rc)
        return rc;
    f->size = get_int(o, "size", -1);
    f->mtime_ms = get_int(o, "modificationTime", 0);
    f->deletion_ms = get_int(o, "deletionTimestamp", 0);
    json_t *dc = json_object_get(o, "dataChange");
    f->data_change = !dc || json_is_true(dc);
    f->num_records = stats_num_records(f->stats);
    return AF_OK;
}

static int get_strlist(decode_ctx *d, json_t *o, const char *key, af_strlist *out)
{
    json_t *a = json_object_get(o, key);
    if (!a || json_is_null(a))
        return AF_OK;
    if (!json_is_array(a)) {
        char msg[128];
        snprintf(msg, sizeof msg, "\"%s\" is not an array", key);
        return bad(d, msg);
    }
    size_t i;
    json_t *v;
    json_array_foreach(a, i, v)
    {
        if (!json_is_string(v)) {
            char msg[128];
            snprintf(msg, sizeof msg, "\"%s\" holds a non-string", key);
            return bad(d, msg);
        }
        if (af_strlist_push(out, json_string_value(v)))
            return af_error_set(d->err, AF_ENOMEM, "out of memory");
    }
    return AF_OK;
}

static int decode_metadata(decode_ctx *d, json_t *o, af_delta_metadata *m)
{
    if (!json_is_object(o))
        return bad(d, "\"metaData\" is not an object");
    int rc = get_str(d, o, "id", true, &m->id);
    if (!rc)
        rc = get_str(d, o, "name", false, &m->name);
    if (!rc)
        rc = get_str(d, o, "description", false, &m->description);
    if (!rc)
        rc = get_str(d, o, "schemaString", true, &m->schema_string);
    if (!rc)
        rc = get_strlist(d, o, "partitionColumns", &m->partition_columns);
    if (rc)
        return rc;
    m->created_ms = get_int(o, "createdTime", 0);
    json_t *conf = json_object_get(o, "configuration");
    if (json_is_object(conf) && json_object_size(conf)) {
        m->configuration = calloc(json_object_size(conf), sizeof *m->configuration);
        if (!m->configuration)
            return af_error_set(d->err, AF_ENOMEM, "out of memory");
        const char *key;
        json_t *v;
        json_object_foreach(conf, key, v)
        {
            af_delta_kv *kv = &m->configuration[m->n_configuration++];
            kv->key = af_strdup(key);
            kv->value = json_is_string(v) ? af_strdup(json_string_value(v)) : NULL;
            if (!kv->key || (json_is_string(v) && !kv->value))
                return af_error_set(d->err, AF_ENOMEM, "out of memory");
        }
    }
    return AF_OK;
}

static int decode_commit_info(decode_ctx *d, json_t *o, af_delta_commit_info *c)
{
    if (!json_is_object(o))
        return bad(d, "\"commitInfo\" is not an object");
    c->timestamp_ms = get_int(o, "timestamp", 0);
    c->read_version = get_int(o, "readVersion", -1);
    int rc = get_str(d, o, "operation", false, &c->operation);
    if (!rc)
        rc = get_str(d, o, "engineInfo", false, &c->engine);
    if (!rc)
        rc = get_str(d, o, "affluentRunId", false, &c->run_id);
    json_t *params = json_object_get(o, "operationParameters");
    if (!rc && json_is_object(params))
        rc = get_str(d, params, "mode", false, &c->mode);
    json_t *m = json_object_get(o, "operationMetrics");
    if (json_is_object(m)) {
        c->files_added = get_int(m, "numFiles", 0);
        c->rows_added = get_int(m, "numOutputRows", 0);
        c->bytes_added = get_int(m, "numOutputBytes", 0);
        c->files_removed = get_int(m, "numRemovedFiles", 0);
        c->rows_removed = get_int(m, "numRemovedRows", 0);
    }
    return rc;
}

static int decode_line(decode_ctx *d, json_t *line, af_delta_actions *out)
{
    if (!json_is_object(line) || json_object_size(line) == 0)
        return bad(d, "an action must be a JSON object with one member");
    const char *kind;
    json_t *body;
    int rc = AF_OK;
    json_object_foreach(line, kind, body)
    {
        if (strcmp(kind, "add") == 0 || strcmp(kind, "remove") == 0) {
            bool is_add = kind[0] == 'a';
            af_delta_file **items = is_add ? &out->adds : &out->removes;
            size_t *n = is_add ? &out->n_adds : &out->n_removes;
            size_t *cap = is_add ? &out->cap_adds : &out->cap_removes;
            if (grow((void **)items, cap, *n, sizeof **items))
                return af_error_set(d->err, AF_ENOMEM, "out of memory");
            rc = decode_file(d, body, is_add, &(*items)[*n]);
            (*n)++; /* counted even on failure, so it is freed */
        } else if (strcmp(kind, "metaData") == 0) {
            if (out->has_metadata)
                return bad(d, "a commit holds two metaData actions");
            out->has_metadata = true;
            rc = decode_metadata(d, body, &out->metadata);
        } else if (strcmp(kind, "protocol") == 0) {
            if (!json_is_object(body))
                return bad(d, "\"protocol\" is not an object");
            out->has_protocol = true;
            out->protocol.min_reader = (int)get_int(body, "minReaderVersion", 1);
            out->protocol.min_writer = (int)get_int(body, "minWriterVersion", 2);
            rc = get_strlist(d, body, "readerFeatures", &out->protocol.reader_features);
            if (!rc)
                rc = get_strlist(d, body, "writerFeatures", &out->protocol.writer_features);
        } else if (strcmp(kind, "commitInfo") == 0) {
            out->has_commit_info = true;
            af_delta_commit_info_free(&out->commit_info);
            rc = decode_commit_info(d, body, &out->commit_info);
        } else if (strcmp(kind, "txn") == 0) {
            if (!json_is_object(body))
                return bad(d, "\"txn\" is not an object");
            af_delta_txn *t = realloc(out->txns, (out->n_txns + 1) * sizeof *t);
            if (!t)
                return af_error_set(d->err, AF_ENOMEM, "out of memory");
            out->txns = t;
            t = &out->txns[out->n_txns++];
            memset(t, 0, sizeof *t);
            t->version = get_int(body, "version", -1);
            t->last_updated_ms = get_int(body, "lastUpdated", 0);
            rc = get_str(d, body, "appId", true, &t->app_id);
        }
        /* other actions (cdc, domainMetadata, checkpointMetadata...) carry
         * nothing this reader needs; unsupported features are refused from
         * the protocol */
        if (rc)
            return rc;
    }
    return AF_OK;
}

int af_delta_actions_decode(const char *text, size_t len, const char *name, af_delta_actions *out,
                            af_error *err)
{
    af_delta_actions_init(out);
    decode_ctx d = {name, 0, err};
    size_t pos = 0;
    while (pos < len) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - text) : len;
        d.line++;
        size_t s = pos;
        while (s < end && (text[s] == ' ' || text[s] == '\t' || text[s] == '\r'))
            s++;
        if (s < end) {
            json_error_t je;
            json_t *line = json_loadb(text + s, end - s, JSON_REJECT_DUPLICATES, &je);
            if (!line) {
                af_delta_actions_free(out);
                return af_error_set(err, AF_EPARSE, "%s:%zu:%d: %s", name, d.line, je.column,
                                    je.text);
            }
            int rc = decode_line(&d, line, out);
            json_decref(line);
            if (rc) {
                af_delta_actions_free(out);
                return rc;
            }
        }
        pos = end + 1;
    }
    return AF_OK;
}

/* ---- small shared helpers ---- */

int af_delta_log_path(const char *table, int64_t version, const char *suffix, af_buf *out)
{
    af_buf_reset(out);
    if (version < 0)
        return af_buf_printf(out, "%s/_delta_log/%s", table, suffix);
    return af_buf_printf(out, "%s/_delta_log/%020lld.%s", table, (long long)version, suffix);
}

void af_delta_uuid(char out[37])
{
    uint8_t b[16];
    FILE *f = fopen("/dev/urandom", "rb");
    size_t got = f ? fread(b, 1, sizeof b, f) : 0;
    if (f)
        fclose(f);
    if (got != sizeof b) {
        /* no /dev/urandom: time and address bits still make clashes unlikely */
        uint64_t x = (uint64_t)(uintptr_t)out ^ (uint64_t)rand() << 32 ^ (uint64_t)rand();
        for (size_t i = 0; i < sizeof b;
             i++, x = x * 6364136223846793005ULL + 1442695040888963407ULL)
            b[i] = (uint8_t)(x >> 56);
    }
    b[6] = (uint8_t)((b[6] & 0x0F) | 0x40); /* version 4 */
    b[8] = (uint8_t)((b[8] & 0x3F) | 0x80); /* RFC 4122 variant */
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0],
             b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
             b[14], b[15]);
}
