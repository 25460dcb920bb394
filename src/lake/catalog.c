/* catalog.c - recording and reading the lake's catalog (see catalog.h).
 *
 * A record is read-merge-write of the dataset's JSON entry under the
 * index's write lock, then an index update in the same transaction: the
 * JSON file is published before the transaction commits, so if anything
 * fails after the publish the index is merely stale, and the next sync
 * (size and time differ) repairs it.
 */
#include "lake/catalog_internal.h"

#include <stdlib.h>
#include <string.h>

/* Parses an entry; messages name the file as LAKE/PATH:LINE:COLUMN. */
static int parse_entry(af_store *lake, const char *path, const af_buf *raw, json_t **out,
                       af_error *err)
{
    af_buf shown;
    af_buf_init(&shown);
    int rc = af_buf_printf(&shown, "%s/%s", af_store_root(lake), path);
    rc = rc ? af_error_set(err, AF_ENOMEM, "out of memory")
            : af_catalog_parse(af_buf_cstr(&shown), raw->data, raw->len, out, err);
    af_buf_free(&shown);
    return rc;
}

/* Reads the entry of `path`; *out = NULL when there is none. */
static int read_entry(af_store *lake, const char *path, json_t **out, af_buf *raw, af_error *err)
{
    *out = NULL;
    af_store_entry st = {0};
    af_error serr = {0};
    int rc = af_store_stat(lake, path, &st, &serr);
    if (rc == AF_ENOTFOUND)
        return AF_OK;
    if (rc) {
        *err = serr;
        return rc;
    }
    free(st.path);
    rc = af_store_read_range(lake, path, 0, (size_t)st.size + 1, raw, err);
    return rc ? rc : parse_entry(lake, path, raw, out, err);
}

static int write_entry(af_store *lake, const char *path, const json_t *e, af_error *err)
{
    char *text = json_dumps(e, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    if (!text)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    size_t n = strlen(text);
    af_buf b;
    af_buf_init(&b);
    int rc = af_buf_append(&b, text, n) || af_buf_append_byte(&b, '\n')
                 ? af_error_set(err, AF_ENOMEM, "out of memory")
                 : af_store_put(lake, path, b.data, b.len, err);
    free(text);
    af_buf_free(&b);
    return rc;
}

int af_catalog_record(af_store *lake, const af_catalog_update *u, af_error *err)
{
    if (!u || !af_catalog_name_valid(u->name))
        return af_error_set(err, AF_EINVAL,
                            "catalog: invalid dataset name '%s' ('/'-separated segments of "
                            "letters, digits, '_', '-' and '.')",
                            u && u->name ? u->name : "");
    char *path = af_catalog_entry_path(u->name);
    if (!path)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    af_catalog_index *x = NULL;
    json_t *old = NULL, *fresh = NULL;
    af_buf raw;
    af_buf_init(&raw);
    int rc = af_catalog_index_open(lake, false, &x, err);
    rc = rc ? rc : af_catalog_index_begin(x, err);
    rc = rc ? rc : af_catalog_index_sync(x, lake, err);
    rc = rc ? rc : read_entry(lake, path, &old, &raw, err);
    rc = rc ? rc : af_catalog_merge(old, u, &fresh, err);
    rc = rc ? rc : write_entry(lake, path, fresh, err);
    if (!rc) {
        af_store_entry st = {0};
        rc = af_store_stat(lake, path, &st, err);
        rc = rc ? rc : af_catalog_index_put(x, path, fresh, &st, err);
        free(st.path);
    }
    rc = rc ? rc : af_catalog_index_commit(x, err);
    af_catalog_index_close(x); /* rolls back an unfinished transaction */
    json_decref(old);
    json_decref(fresh);
    af_buf_free(&raw);
    free(path);
    return rc;
}

/* Opens the index and brings it up to date with the JSON files. */
static int fresh_index(af_store *lake, af_catalog_index **out, af_error *err)
{
    af_catalog_index *x = NULL;
    for (int attempt = 0; attempt < 2; attempt++) {
        int rc = attempt ? af_catalog_index_open_memory(&x, err)
                         : af_catalog_index_open(lake, true, &x, err);
        rc = rc ? rc : af_catalog_index_begin(x, err);
        rc = rc ? rc : af_catalog_index_sync(x, lake, err);
        rc = rc ? rc : af_catalog_index_commit(x, err);
        if (!rc) {
            *out = x;
            return AF_OK;
        }
        af_catalog_index_close(x);
        x = NULL;
        /* an index file that opened read-only (a read-only copy of a lake)
         * fails at the first write: read through a private one instead */
        if (rc != AF_EIO || attempt)
            return rc;
    }
    return AF_EINTERNAL;
}

/* Whether the lake has any catalog entry: listing an empty lake must not
 * create _catalog/ in it. */
static int has_entries(af_store *lake, bool *yes, af_error *err)
{
    af_store_entry *v = NULL;
    size_t n = 0;
    int rc = af_store_list(lake, AF_CATALOG_DIR, &v, &n, err);
    *yes = n > 0;
    af_store_entries_free(v, n);
    return rc;
}

static int query(af_store *lake, const char *text, af_catalog_summary **out, size_t *n,
                 af_error *err)
{
    *out = NULL;
    *n = 0;
    bool any = false;
    int rc = has_entries(lake, &any, err);
    if (rc || !any)
        return rc;
    af_catalog_index *x = NULL;
    rc = fresh_index(lake, &x, err);
    rc = rc ? rc : af_catalog_index_query(x, text, out, n, err);
    af_catalog_index_close(x);
    return rc;
}

int af_catalog_list(af_store *lake, af_catalog_summary **out, size_t *n, af_error *err)
{
    return query(lake, NULL, out, n, err);
}

int af_catalog_search(af_store *lake, const char *text, af_catalog_summary **out, size_t *n,
                      af_error *err)
{
    return query(lake, text ? text : "", out, n, err);
}

int af_catalog_get_text(af_store *lake, const char *name, af_buf *out, af_error *err)
{
    if (!af_catalog_name_valid(name))
        return af_error_set(err, AF_ENOTFOUND, "no dataset '%s' in %s", name ? name : "",
                            af_store_root(lake));
    char *path = af_catalog_entry_path(name);
    if (!path)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    af_store_entry st = {0};
    af_error serr = {0};
    int rc = af_store_stat(lake, path, &st, &serr);
    if (rc == AF_ENOTFOUND)
        rc = af_error_set(err, AF_ENOTFOUND, "no dataset '%s' in %s", name, af_store_root(lake));
    else if (rc && err)
        *err = serr;
    if (!rc)
        rc = af_store_read_range(lake, path, 0, (size_t)st.size + 1, out, err);
    free(st.path);
    free(path);
    return rc;
}

int af_catalog_get(af_store *lake, const char *name, json_t **out, af_error *err)
{
    af_buf b;
    af_buf_init(&b);
    int rc = af_catalog_get_text(lake, name, &b, err);
    if (!rc) {
        char *path = af_catalog_entry_path(name);
        rc = path ? parse_entry(lake, path, &b, out, err)
                  : af_error_set(err, AF_ENOMEM, "out of memory");
        free(path);
    }
    af_buf_free(&b);
    return rc;
}

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *int_or_null(int64_t v)
{
    return v >= 0 ? json_integer((json_int_t)v) : json_null();
}

json_t *af_catalog_summary_json(const af_catalog_summary *s)
{
    json_t *tags = json_array();
    for (const char *p = s->tags; tags && p && *p;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        json_array_append_new(tags, json_stringn(p, len));
        p = comma ? comma + 1 : p + len;
    }
    json_t *run = s->last_run_at || s->last_run_status
                      ? json_pack("{s:o,s:o}", "at", str_or_null(s->last_run_at), "status",
                                  str_or_null(s->last_run_status))
                      : json_null();
    return json_pack(
        "{s:s,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "name", s->name ? s->name : "", "zone",
        str_or_null(s->zone), "location", str_or_null(s->location), "format",
        str_or_null(s->format), "description", str_or_null(s->description), "owner",
        str_or_null(s->owner), "tags", tags, "row_count", int_or_null(s->row_count), "size_bytes",
        int_or_null(s->size_bytes), "version", int_or_null(s->version), "last_run", run);
}

char *af_catalog_source_uri(const af_stream_ctx *ctx)
{
    const af_stream_config *st = ctx->stream;
    if (!st || !st->source.plugin || !st->source.config)
        return NULL;
    const af_source_plugin *p = st->source.plugin;
    for (const af_config_map *m = p->options; m && m->name; m++)
        if ((m->type == AF_OPT_STRING || m->type == AF_OPT_SECRET) &&
            (strcmp(m->name, "path") == 0 || strcmp(m->name, "url") == 0)) {
            const char *v = *(char *const *)((const char *)st->source.config + m->offset);
            return v ? af_stream_resolve_path(ctx, v) : NULL;
        }
    return NULL;
}
