/* catalog_entry.c - one dataset's catalog entry: merging an update into the
 * stored JSON document, names and paths.
 *
 * The entry is rebuilt in a fixed key order on every write, so the files
 * read the same from one dataset to the next and diff well under version
 * control. What the update leaves unset is carried over from the old entry:
 * a writer that knows only part of the story (a compaction run from the
 * command line has no pipeline, hence no descriptions) never erases the
 * rest.
 */
#include "lake/catalog_internal.h"

#include "core/buf.h"
#include "core/clock.h"
#include "security/redact.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const zones[] = {"processed", "curated", "raw", NULL};
static const char *const operations[] = {"append",  "overwrite", "merge",  "snapshot", "rollback",
                                         "compact", "vacuum",    "delete", NULL};

static bool in_list(const char *s, const char *const *list)
{
    for (size_t i = 0; list[i]; i++)
        if (strcmp(s, list[i]) == 0)
            return true;
    return false;
}

bool af_catalog_name_valid(const char *name)
{
    if (!name || !*name || strlen(name) > AF_CATALOG_MAX_NAME)
        return false;
    const char *seg = name;
    for (const char *p = name;; p++) {
        if (*p == '/' || *p == '\0') {
            size_t len = (size_t)(p - seg);
            if (len == 0 || (len == 1 && seg[0] == '.') ||
                (len == 2 && seg[0] == '.' && seg[1] == '.'))
                return false;
            if (*p == '\0')
                return true;
            seg = p + 1;
            continue;
        }
        char c = *p;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-' || c == '.'))
            return false;
    }
}

char *af_catalog_entry_path(const char *name)
{
    af_buf b;
    af_buf_init(&b);
    if (af_buf_printf(&b, "%s%s.json", AF_CATALOG_DIR, name)) {
        af_buf_free(&b);
        return NULL;
    }
    af_buf_cstr(&b);
    return (char *)b.data;
}

char *af_catalog_name_of_path(const char *path)
{
    size_t pre = strlen(AF_CATALOG_DIR), n = strlen(path);
    if (n <= pre + 5 || strncmp(path, AF_CATALOG_DIR, pre) != 0 ||
        strcmp(path + n - 5, ".json") != 0)
        return NULL;
    char *name = af_strndup(path + pre, n - pre - 5);
    if (name && !af_catalog_name_valid(name)) {
        free(name);
        return NULL;
    }
    return name;
}

void af_catalog_format_time(int64_t us, char out[32])
{
    time_t secs = (time_t)(us / 1000000);
    int64_t ms = (us % 1000000) / 1000;
    if (us < 0 && us % 1000000) {
        secs -= 1;
        ms += 1000;
    }
    struct tm tm;
    if (!gmtime_r(&secs, &tm)) {
        snprintf(out, 32, "1970-01-01T00:00:00.000Z");
        return;
    }
    char t[96]; /* room for any int fields, so the compiler can prove no truncation */
    snprintf(t, sizeof t, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)ms);
    af_strlcpy(out, t, 32);
}

int af_catalog_parse(const char *path, const void *p, size_t n, json_t **out, af_error *err)
{
    json_error_t je;
    json_t *j = json_loadb(p, n, 0, &je);
    if (!j)
        return af_error_set(err, AF_EPARSE, "%s:%d:%d: not valid JSON: %s", path, je.line,
                            je.column, je.text);
    if (!json_is_object(j)) {
        json_decref(j);
        return af_error_set(err, AF_EPARSE, "%s: a catalog entry must be a JSON object", path);
    }
    *out = j;
    return AF_OK;
}

/* ---- merging ---- */

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

/* Sets key to a new value, or to a copy of the old entry's value, or null. */
static int set_kept(json_t *e, const json_t *old, const char *key, json_t *fresh)
{
    json_t *v = fresh;
    if (!v) {
        const json_t *o = old ? json_object_get(old, key) : NULL;
        v = o ? json_deep_copy(o) : json_null();
    }
    return v && json_object_set_new(e, key, v) == 0 ? AF_OK : AF_ENOMEM;
}

static json_t *strlist_json(const af_strlist *l)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < l->len; i++)
        if (json_array_append_new(a, json_string(l->items[i]))) {
            json_decref(a);
            return NULL;
        }
    return a;
}

/* Adds "description" and "pii" to each top-level column object: from the
 * pipeline's metadata when the update has it, else what the old entry said
 * about a column of that name. */
static int annotate_columns(json_t *cols, const af_stream_options *meta, const json_t *old_cols)
{
    size_t i;
    json_t *col;
    json_array_foreach(cols, i, col)
    {
        if (!json_is_object(col))
            continue; /* a hand-edited entry may hold anything */
        const char *name = json_string_value(json_object_get(col, "name"));
        json_t *desc = NULL, *pii = NULL;
        if (meta && name) {
            const char *d = af_strmap_get(&meta->column_descriptions, name);
            desc = str_or_null(d);
            pii = json_boolean(af_strlist_find(&meta->pii, name) >= 0);
        } else if (name && json_is_array(old_cols)) {
            size_t k;
            json_t *oc;
            json_array_foreach(old_cols, k, oc)
            {
                const char *on = json_string_value(json_object_get(oc, "name"));
                if (on && strcmp(on, name) == 0) {
                    json_t *od = json_object_get(oc, "description");
                    json_t *op = json_object_get(oc, "pii");
                    desc = od ? json_deep_copy(od) : NULL;
                    pii = op ? json_deep_copy(op) : NULL;
                    break;
                }
            }
        }
        if (json_object_set_new(col, "description", desc ? desc : json_null()) ||
            json_object_set_new(col, "pii", pii ? pii : json_false()))
            return AF_ENOMEM;
    }
    return AF_OK;
}

static int columns_json(const af_catalog_update *u, const json_t *old, json_t **out, af_error *err)
{
    const json_t *old_cols = old ? json_object_get(old, "columns") : NULL;
    json_t *cols = NULL;
    if (u->schema) {
        af_buf b;
        af_buf_init(&b);
        if (af_schema_to_json(u->schema, &b)) {
            af_buf_free(&b);
            return af_error_set(err, AF_ENOMEM, "out of memory");
        }
        cols = json_loadb((const char *)b.data, b.len, 0, NULL);
        af_buf_free(&b);
        if (!cols)
            return af_error_set(err, AF_EINTERNAL, "catalog %s: the schema did not serialise",
                                u->name);
    } else if (json_is_array(old_cols)) {
        cols = json_deep_copy(old_cols);
        if (!u->meta) {
            *out = cols;
            return cols ? AF_OK : af_error_set(err, AF_ENOMEM, "out of memory");
        }
    } else {
        *out = json_null();
        return AF_OK;
    }
    if (!cols || annotate_columns(cols, u->meta, old_cols)) {
        json_decref(cols);
        return af_error_set(err, AF_ENOMEM, "out of memory");
    }
    *out = cols;
    return AF_OK;
}

static json_t *lineage_json(const af_catalog_update *u, const json_t *old)
{
    const json_t *ol = old ? json_object_get(old, "lineage") : NULL;
    const af_catalog_lineage *l = &u->lineage;
    json_t *o = json_object();
    char *uri = l->source_uri ? af_redact_str(l->source_uri) : NULL;
    if (!o || (l->source_uri && !uri)) {
        json_decref(o);
        free(uri);
        return NULL;
    }
    int rc = set_kept(o, ol, "pipeline", l->pipeline ? json_string(l->pipeline) : NULL);
    rc = rc ? rc : set_kept(o, ol, "stream", l->stream ? json_string(l->stream) : NULL);
    rc = rc ? rc
            : set_kept(o, ol, "source_type", l->source_type ? json_string(l->source_type) : NULL);
    rc = rc ? rc : set_kept(o, ol, "source_uri", uri ? json_string(uri) : NULL);
    free(uri);
    if (rc) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *time_json(int64_t us)
{
    char t[32];
    af_catalog_format_time(us ? us : af_clock_now_us(), t);
    return json_string(t);
}

static int history_json(const af_catalog_update *u, const json_t *old, json_t **out, af_error *err)
{
    const json_t *oh = old ? json_object_get(old, "history") : NULL;
    json_t *h = json_is_array(oh) ? json_deep_copy(oh) : json_array();
    if (!h)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    const af_catalog_version *v = u->version;
    if (v) {
        int64_t version = v->version;
        if (version < 0) {
            size_t n = json_array_size(h);
            json_t *last = n ? json_object_get(json_array_get(h, n - 1), "version") : NULL;
            if (json_is_integer(last) && (int64_t)json_integer_value(last) == INT64_MAX) {
                json_decref(h);
                return af_error_set(err, AF_EOVERFLOW,
                                    "catalog %s: the last version is the largest integer", u->name);
            }
            version = json_is_integer(last) ? json_integer_value(last) + 1 : 0;
        }
        json_t *e = json_pack(
            "{s:I,s:o,s:s,s:I,s:I,s:I,s:I,s:o}", "version", (json_int_t)version, "timestamp",
            time_json(v->at_us), "operation", v->operation, "rows_added", (json_int_t)v->rows_added,
            "rows_removed", (json_int_t)v->rows_removed, "files_added", (json_int_t)v->files_added,
            "files_removed", (json_int_t)v->files_removed, "run_id", str_or_null(v->run_id));
        if (!e || json_array_append_new(h, e)) {
            json_decref(h);
            return af_error_set(err, AF_ENOMEM, "out of memory");
        }
        while (json_array_size(h) > AF_CATALOG_MAX_HISTORY)
            json_array_remove(h, 0);
    }
    *out = h;
    return AF_OK;
}

static int check_update(const af_catalog_update *u, af_error *err)
{
    if (!af_catalog_name_valid(u->name))
        return af_error_set(err, AF_EINVAL,
                            "catalog: invalid dataset name '%s' ('/'-separated segments of "
                            "letters, digits, '_', '-' and '.')",
                            u->name ? u->name : "");
    if (u->zone && !in_list(u->zone, zones))
        return af_error_set(err, AF_EINVAL,
                            "catalog %s: unknown zone '%s' (processed, curated or raw)", u->name,
                            u->zone);
    if (u->version && (!u->version->operation || !in_list(u->version->operation, operations)))
        return af_error_set(err, AF_EINVAL,
                            "catalog %s: unknown operation '%s' (append, overwrite, merge, "
                            "snapshot, rollback, compact, vacuum or delete)",
                            u->name, u->version->operation ? u->version->operation : "");
    return AF_OK;
}

static int quality_json(const af_catalog_update *u, json_t **out, af_error *err)
{
    *out = NULL;
    if (!u->quality_json)
        return AF_OK;
    json_error_t je;
    json_t *q = json_loads(u->quality_json, 0, &je);
    if (!q || !json_is_object(q)) {
        json_decref(q);
        return af_error_set(err, AF_EINVAL,
                            "catalog %s: quality results must be a JSON object (%s)", u->name,
                            q ? "got another JSON value" : je.text);
    }
    *out = q;
    return AF_OK;
}

int af_catalog_merge(const json_t *old, const af_catalog_update *u, json_t **out, af_error *err)
{
    int rc = check_update(u, err);
    if (rc)
        return rc;
    json_t *quality = NULL, *cols = NULL, *hist = NULL;
    rc = quality_json(u, &quality, err);
    rc = rc ? rc : columns_json(u, old, &cols, err);
    rc = rc ? rc : history_json(u, old, &hist, err);
    json_t *e = rc ? NULL : json_object();
    if (rc || !e) {
        json_decref(quality);
        json_decref(cols);
        json_decref(hist);
        return rc ? rc : af_error_set(err, AF_ENOMEM, "out of memory");
    }
    const af_stream_options *m = u->meta;
    rc = json_object_set_new(e, "name", json_string(u->name)) ? AF_ENOMEM : AF_OK;
    rc = rc ? rc : set_kept(e, old, "zone", u->zone ? json_string(u->zone) : NULL);
    rc = rc ? rc : set_kept(e, old, "location", u->location ? json_string(u->location) : NULL);
    rc = rc ? rc : set_kept(e, old, "format", u->format ? json_string(u->format) : NULL);
    rc = rc ? rc : set_kept(e, old, "description", m ? str_or_null(m->description) : NULL);
    rc = rc ? rc : set_kept(e, old, "owner", m ? str_or_null(m->owner) : NULL);
    rc = rc ? rc : set_kept(e, old, "tags", m ? strlist_json(&m->tags) : NULL);
    rc = rc ? rc : (json_object_set_new(e, "columns", cols) ? AF_ENOMEM : AF_OK);
    if (!json_object_get(e, "columns"))
        json_decref(cols); /* not handed over: an earlier step failed */
    json_t *lin = rc ? NULL : lineage_json(u, old);
    rc = rc ? rc : (!lin || json_object_set_new(e, "lineage", lin) ? AF_ENOMEM : AF_OK);
    rc = rc ? rc
            : set_kept(e, old, "row_count",
                       u->row_count >= 0 ? json_integer((json_int_t)u->row_count) : NULL);
    rc = rc ? rc
            : set_kept(e, old, "size_bytes",
                       u->size_bytes >= 0 ? json_integer((json_int_t)u->size_bytes) : NULL);
    size_t nh = json_array_size(hist);
    json_t *cur = nh ? json_object_get(json_array_get(hist, nh - 1), "version") : NULL;
    rc =
        rc ? rc
           : (json_object_set_new(e, "version", cur ? json_deep_copy(cur) : json_null()) ? AF_ENOMEM
                                                                                         : AF_OK);
    rc = rc ? rc : set_kept(e, old, "created_at", old ? NULL : time_json(0));
    rc = rc ? rc : (json_object_set_new(e, "updated_at", time_json(0)) ? AF_ENOMEM : AF_OK);
    json_t *run = NULL;
    if (!rc && u->last_run)
        run = json_pack("{s:o,s:o,s:s}", "run_id", str_or_null(u->last_run->run_id), "at",
                        time_json(u->last_run->at_us), "status",
                        u->last_run->status ? u->last_run->status : "succeeded");
    rc = rc ? rc : set_kept(e, old, "last_run", run);
    if (rc)
        json_decref(quality);
    else
        rc = set_kept(e, old, "quality", quality);
    if (rc)
        json_decref(hist);
    else
        rc = json_object_set_new(e, "history", hist) ? AF_ENOMEM : AF_OK;
    if (rc) {
        json_decref(e);
        return af_error_set(err, AF_ENOMEM, "out of memory");
    }
    *out = e;
    return AF_OK;
}
