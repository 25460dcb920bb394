/* sql.c - the SQL database source: a table or a query of any database
 * with a driver (db/db.h), read in one consistent snapshot, fully or
 * incrementally.
 *
 * Incremental reads remember, in the stream's resume state, the largest
 * value of `incremental_key` seen and the primary keys of the rows holding
 * it. The next run reads rows with key >= that value and drops those
 * boundary rows it already has, so rows that share the boundary value but
 * arrived later are read, and none twice. The resume state only moves once
 * every target committed (the runner), so a failed run reads them again.
 */
#include "core/config.h"
#include "core/hashmap.h"
#include "core/plugin.h"
#include "db/db.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

typedef struct sql_source_config {
    char *connection;
    char *url;
    char *table;
    char *query;
    int mode;
    char *incremental_key;
    af_strlist primary_key;
    bool snapshot;
    int64_t statement_timeout_ms;
} sql_source_config;

enum { MODE_FULL = 0, MODE_INCREMENTAL = 1 };

#define OFF(f) offsetof(sql_source_config, f)
static const af_config_map sql_source_options[] = {
    {"connection", AF_OPT_STRING, NULL, false, OFF(connection),
     "name of a pipeline connection (its url, user and password)", NULL},
    {"url", AF_OPT_STRING, NULL, false, OFF(url),
     "database URL instead of a connection: sqlite:///path.db, postgres://..., mysql://... (a "
     "password in it never shows in logs; prefer a connection with password: {env: VAR})",
     NULL},
    {"table", AF_OPT_STRING, NULL, false, OFF(table), "table to read: name or schema.name", NULL},
    {"query", AF_OPT_STRING, NULL, false, OFF(query), "a SELECT to read instead of a table", NULL},
    {"mode", AF_OPT_ENUM, "full", false, OFF(mode),
     "full: every row each run; incremental: rows at or after the last incremental_key value",
     "full|incremental"},
    {"incremental_key", AF_OPT_STRING, NULL, false, OFF(incremental_key),
     "mode incremental: a column that only grows (updated_at, id)", NULL},
    {"primary_key", AF_OPT_STRLIST, NULL, false, OFF(primary_key),
     "mode incremental: columns identifying a row, to drop rows at the boundary read already "
     "(required)",
     NULL},
    {"snapshot", AF_OPT_BOOL, "true", false, OFF(snapshot),
     "read in one read-only transaction, so the run sees one consistent state", NULL},
    {"statement_timeout", AF_OPT_DURATION, "0", false, OFF(statement_timeout_ms),
     "stop a query running longer than this (0 = no limit)", NULL},
    {NULL, 0, NULL, false, 0, NULL, NULL},
};
#undef OFF

typedef struct sql_source {
    af_db_url url;
    af_db *db;
    af_db_rows *rows;
    bool in_snapshot;
    long key_col;            /* incremental_key in the result, -1 = none */
    long *pk_cols;           /* primary_key columns in the result */
    af_hashmap seen;         /* boundary primary keys read by an earlier run */
    af_strlist old_boundary; /* the same keys, in the resume state's order */
    char *old_watermark;     /* from the resume state, or NULL */
    af_buf watermark;        /* the last key value read */
    af_strlist boundary;     /* primary keys (JSON arrays) of the rows holding it */
    int64_t rows_read;
    af_buf scratch;
} sql_source;

static int quarantine_row(void *ctx, int64_t row, const char *raw, size_t raw_len,
                          const char *reason, af_error *err)
{
    af_source *self = ctx;
    return af_quarantine_row(self->ctx, self->ctx->stream_name, row, raw, raw_len, reason, err);
}

static int check_options(const sql_source_config *c, af_error *err)
{
    if (!c->connection == !c->url)
        return af_error_set(err, AF_ECONFIG, "sql source: give either connection or url");
    if (!c->table == !c->query)
        return af_error_set(err, AF_ECONFIG, "sql source: give either table or query");
    if (c->mode == MODE_INCREMENTAL && (!c->incremental_key || !c->primary_key.len))
        return af_error_set(err, AF_ECONFIG,
                            "sql source: mode incremental needs incremental_key and primary_key "
                            "(the primary key drops rows at the boundary read already)");
    return AF_OK;
}

/* The resume state's watermark and boundary keys. */
static int load_state(sql_source *s, const char *json, af_error *err)
{
    if (!json)
        return AF_OK;
    json_error_t je;
    json_t *doc = json_loads(json, 0, &je);
    if (!doc)
        return af_error_set(err, AF_EPARSE, "sql source: unreadable resume state: %s", je.text);
    json_t *w = json_object_get(doc, "watermark");
    if (json_is_string(w) && !(s->old_watermark = af_strdup(json_string_value(w)))) {
        json_decref(doc);
        return af_error_set(err, AF_ENOMEM, "out of memory");
    }
    size_t i;
    json_t *k;
    json_array_foreach(json_object_get(doc, "boundary"), i, k)
    {
        int64_t *slot;
        bool ins;
        if (json_is_string(k) && (af_hashmap_upsert(&s->seen, json_string_value(k),
                                                    json_string_length(k), 1, &slot, &ins) ||
                                  af_strlist_push(&s->old_boundary, json_string_value(k)))) {
            json_decref(doc);
            return af_error_set(err, AF_ENOMEM, "out of memory");
        }
    }
    json_decref(doc);
    return AF_OK;
}

/* The FROM part: a quoted [schema.]table or the query as a subquery. */
static int append_from(const sql_source_config *c, sql_source *s, af_buf *q)
{
    int rc = af_buf_append_str(q, " FROM ");
    if (c->query)
        return rc || af_buf_printf(q, "(%s) AS affluent_q", c->query);
    const char *dot = strchr(c->table, '.');
    char *first = af_strndup(c->table, dot ? (size_t)(dot - c->table) : strlen(c->table));
    rc = rc || !first || af_db_quote_ident(s->db, first, q);
    if (dot)
        rc = rc || af_buf_append_byte(q, '.') || af_db_quote_ident(s->db, dot + 1, q);
    free(first);
    return rc;
}

/* The key column's type, from a query that returns no row. */
static int key_type(const sql_source_config *c, sql_source *s, af_type *out, af_error *err)
{
    af_buf q;
    af_buf_init(&q);
    af_db_rows *r = NULL;
    int rc = af_buf_append_str(&q, "SELECT *") || append_from(c, s, &q) ||
                     af_buf_append_str(&q, " WHERE 1 = 0")
                 ? af_error_set(err, AF_ENOMEM, "out of memory")
                 : af_db_query(s->db, af_buf_cstr(&q), NULL, 0, NULL, &r, err);
    long k = rc ? -1 : af_schema_find(af_db_rows_schema(r), c->incremental_key);
    if (!rc && k < 0)
        rc = af_error_set(err, AF_ECONFIG, "sql source: incremental_key %s is not a column",
                          c->incremental_key);
    if (!rc)
        *out = af_db_rows_schema(r)->fields[k].type;
    af_db_rows_close(r);
    af_buf_free(&q);
    return rc;
}

/* SELECT * FROM <table or (query)> [WHERE key >= $1] [ORDER BY key] */
static int build_query(const sql_source_config *c, sql_source *s, af_buf *q, af_error *err)
{
    if (af_buf_append_str(q, "SELECT *") || append_from(c, s, q))
        return af_error_set(err, AF_ENOMEM, "out of memory");
    if (c->mode != MODE_INCREMENTAL)
        return AF_OK;
    af_buf quoted, key, param;
    af_buf_init(&quoted);
    af_buf_init(&key);
    af_buf_init(&param);
    af_type t;
    int rc = key_type(c, s, &t, err);
    if (!rc && (af_db_quote_ident(s->db, c->incremental_key, &quoted) ||
                af_db_comparable(s->db, af_buf_cstr(&quoted), &t, &key) ||
                af_db_placeholder(s->db, 1, &param)))
        rc = AF_ENOMEM;
    if (!rc && s->old_watermark) {
        char *p = af_strdup(af_buf_cstr(&param));
        af_buf_reset(&param);
        if (!p || af_buf_append_str(q, " WHERE ") || af_buf_append_str(q, af_buf_cstr(&key)) ||
            af_buf_append_str(q, " >= ") || af_db_comparable(s->db, p, &t, q))
            rc = AF_ENOMEM;
        free(p);
    }
    if (!rc && (af_buf_append_str(q, " ORDER BY ") || af_buf_append_str(q, af_buf_cstr(&key))))
        rc = AF_ENOMEM;
    af_buf_free(&quoted);
    af_buf_free(&param);
    af_buf_free(&key);
    return rc == AF_ENOMEM ? af_error_set(err, AF_ENOMEM, "out of memory") : rc;
}

static int sql_open(af_source *self, af_schema **schema_out, af_error *err)
{
    const sql_source_config *c = self->config;
    sql_source *s = calloc(1, sizeof *s);
    if (!s)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    self->priv = s;
    s->key_col = -1;
    af_hashmap_init(&s->seen);
    af_buf_init(&s->watermark);
    af_buf_init(&s->scratch);
    int rc = check_options(c, err);
    const char *url = c->url, *user = NULL, *password = NULL;
    if (!rc && c->connection) {
        const af_connection *conn = af_pipeline_find_connection(self->ctx->pipeline, c->connection);
        if (!conn || !conn->url)
            rc = af_error_set(err, AF_ECONFIG, "sql source: no connection '%s' with a url",
                              c->connection);
        else {
            url = conn->url;
            user = conn->user;
            password = conn->password;
        }
    }
    if (!rc && url && strncmp(url, "sqlite:", 7) == 0 && strncmp(url, "sqlite:///", 10) != 0) {
        /* a relative SQLite file resolves against the pipeline, like file paths */
        const char *rel = url + 7 + (strncmp(url + 7, "//", 2) == 0 ? 2 : 0);
        char *path = af_stream_resolve_path(self->ctx, rel);
        af_buf u;
        af_buf_init(&u);
        rc = !path || af_buf_printf(&u, "sqlite://%s", path)
                 ? af_error_set(err, AF_ENOMEM, "out of memory")
                 : af_db_url_parse(af_buf_cstr(&u), user, password, &s->url, err);
        free(path);
        af_buf_free(&u);
    } else if (!rc) {
        rc = af_db_url_parse(url, user, password, &s->url, err);
    }
    af_db_session session = {
        .application_name = "affluent",
        .statement_timeout_ms = c->statement_timeout_ms,
        .read_only = true,
    };
    if (!rc)
        rc = af_db_open(&s->url, &session, &s->db, err);
    if (!rc && c->snapshot) {
        rc = af_db_begin_snapshot(s->db, err);
        s->in_snapshot = rc == AF_OK;
    }
    if (!rc && c->mode == MODE_INCREMENTAL)
        rc = load_state(s, self->ctx->resume_state, err);
    af_buf q;
    af_buf_init(&q);
    if (!rc)
        rc = build_query(c, s, &q, err);
    af_db_param p = {s->old_watermark};
    af_db_reject reject = {quarantine_row, self};
    if (!rc)
        rc = af_db_query(s->db, af_buf_cstr(&q), &p, s->old_watermark ? 1 : 0, &reject, &s->rows,
                         err);
    af_buf_free(&q);
    if (rc)
        return rc;
    const af_schema *sch = af_db_rows_schema(s->rows);
    if (c->mode == MODE_INCREMENTAL) {
        s->key_col = af_schema_find(sch, c->incremental_key);
        s->pk_cols = calloc(c->primary_key.len + 1, sizeof *s->pk_cols);
        if (!s->pk_cols)
            return af_error_set(err, AF_ENOMEM, "out of memory");
        if (s->key_col < 0)
            return af_error_set(err, AF_ECONFIG, "sql source: incremental_key %s is not a column",
                                c->incremental_key);
        for (size_t i = 0; i < c->primary_key.len; i++)
            if ((s->pk_cols[i] = af_schema_find(sch, c->primary_key.items[i])) < 0)
                return af_error_set(err, AF_ECONFIG, "sql source: primary_key %s is not a column",
                                    c->primary_key.items[i]);
    }
    *schema_out = af_schema_copy(sch);
    return *schema_out ? AF_OK : af_error_set(err, AF_ENOMEM, "out of memory");
}

/* The primary key of row i as a JSON array of texts (the boundary set's key). */
static int pk_text(const sql_source_config *c, sql_source *s, const af_batch *b, int64_t i,
                   af_buf *out)
{
    af_buf_reset(out);
    int rc = af_buf_append_byte(out, '[');
    for (size_t k = 0; !rc && k < c->primary_key.len; k++) {
        if (k)
            rc = af_buf_append_byte(out, ',');
        if (!rc)
            rc = af_array_format_json(&b->columns[s->pk_cols[k]], i, out) < 0 ? AF_ENOMEM : AF_OK;
    }
    return rc ? AF_ENOMEM : af_buf_append_byte(out, ']');
}

/* Drops rows already read at the old boundary; tracks the new one. */
static int incremental_filter(af_source *self, af_batch **io, af_error *err)
{
    const sql_source_config *c = self->config;
    sql_source *s = self->priv;
    af_batch *b = *io;
    bool *keep = malloc((size_t)b->n_rows + 1);
    if (!keep)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    af_buf key;
    af_buf_init(&key);
    int64_t kept = 0;
    int rc = AF_OK;
    for (int64_t i = 0; i < b->n_rows && !rc; i++) {
        af_buf_reset(&key);
        const af_array *ka = &b->columns[s->key_col];
        if (af_array_format_value(ka, i, &key) < 0 || !af_buf_cstr(&key)) {
            rc = af_error_set(err, AF_ENOMEM, "out of memory");
            break;
        }
        keep[i] = true;
        if (c->primary_key.len && (rc = pk_text(c, s, b, i, &s->scratch)) != AF_OK) {
            rc = af_error_set(err, AF_ENOMEM, "out of memory");
            break;
        }
        bool at_old = s->old_watermark && strcmp(af_buf_cstr(&key), s->old_watermark) == 0;
        int64_t one;
        if (at_old && c->primary_key.len &&
            af_hashmap_get(&s->seen, s->scratch.data, s->scratch.len, &one))
            keep[i] = false; /* read by the run that set the watermark */
        if (!af_array_is_valid(ka, i))
            continue; /* a null key never moves the watermark */
        /* rows come ordered by the key: a new value starts a new boundary */
        if (s->watermark.len != key.len || memcmp(s->watermark.data, key.data, key.len) != 0) {
            af_buf_reset(&s->watermark);
            af_strlist_free(&s->boundary);
            if (af_buf_append(&s->watermark, key.data, key.len))
                rc = af_error_set(err, AF_ENOMEM, "out of memory");
        }
        if (!rc && c->primary_key.len && af_strlist_push(&s->boundary, af_buf_cstr(&s->scratch)))
            rc = af_error_set(err, AF_ENOMEM, "out of memory");
        kept += keep[i];
    }
    af_buf_free(&key);
    if (!rc && kept != b->n_rows) {
        af_batch *f = af_batch_filter(b, keep, err);
        if (!f)
            rc = err->code ? err->code : AF_ENOMEM;
        else {
            af_batch_release(b);
            *io = f;
        }
    }
    free(keep);
    return rc;
}

static int sql_next(af_source *self, af_batch **out, af_error *err)
{
    const sql_source_config *c = self->config;
    sql_source *s = self->priv;
    for (;;) {
        *out = NULL;
        int rc = af_db_rows_next(s->rows, &self->ctx->limits, out, err);
        if (rc || !*out)
            return rc;
        if (c->mode == MODE_INCREMENTAL && (rc = incremental_filter(self, out, err)) != AF_OK) {
            af_batch_release(*out);
            *out = NULL;
            return rc;
        }
        s->rows_read += (*out)->n_rows;
        if ((*out)->n_rows)
            return AF_OK;
        af_batch_release(*out); /* every row was at the old boundary */
    }
}

static int sql_resume_state(af_source *self, af_buf *json)
{
    const sql_source_config *c = self->config;
    sql_source *s = self->priv;
    if (c->mode != MODE_INCREMENTAL)
        return AF_OK;
    /* nothing new: the old watermark and boundary stand */
    const char *w = s->watermark.len ? af_buf_cstr(&s->watermark) : s->old_watermark;
    if (!w)
        return AF_OK;
    json_t *doc = json_pack("{s:s, s:[]}", "watermark", w, "boundary");
    json_t *arr = json_object_get(doc, "boundary");
    /* the boundary: the rows holding the watermark, including those earlier
     * runs read when the watermark did not move */
    bool same = !s->watermark.len || (s->old_watermark && strcmp(w, s->old_watermark) == 0);
    for (size_t i = 0; arr && same && i < s->old_boundary.len; i++)
        json_array_append_new(arr, json_string(s->old_boundary.items[i]));
    for (size_t i = 0; arr && i < s->boundary.len; i++)
        json_array_append_new(arr, json_string(s->boundary.items[i]));
    char *text = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
    json_decref(doc);
    int rc = text ? af_buf_append_str(json, text) : AF_ENOMEM;
    free(text);
    return rc;
}

static void sql_close(af_source *self)
{
    sql_source *s = self->priv;
    if (!s)
        return;
    af_db_rows_close(s->rows);
    if (s->in_snapshot) {
        af_error e = {0};
        af_db_end(s->db, &e);
    }
    af_db_close(s->db);
    af_db_url_free(&s->url);
    free(s->pk_cols);
    af_hashmap_free(&s->seen);
    af_strlist_free(&s->old_boundary);
    free(s->old_watermark);
    af_buf_free(&s->watermark);
    af_strlist_free(&s->boundary);
    af_buf_free(&s->scratch);
    free(s);
    self->priv = NULL;
}

const af_source_plugin af_source_sql = {
    .name = "sql",
    .summary = "Read a table or query of a SQL database (sqlite; postgres and mysql to come), "
               "fully or incrementally, in one consistent snapshot",
    .options = sql_source_options,
    .config_size = sizeof(sql_source_config),
    .open = sql_open,
    .next = sql_next,
    .resume_state = sql_resume_state,
    .close = sql_close,
};
