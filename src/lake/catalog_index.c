/* catalog_index.c - the catalog's SQLite index, derived from the JSON
 * entries under _catalog/datasets/.
 *
 * The index remembers, per entry file, the size and modification time it
 * indexed; a sync re-reads the files that differ and forgets those that are
 * gone, so deleting index.sqlite or editing an entry by hand is always
 * safe. A database that SQLite cannot read (corrupt, or another file) is
 * deleted and rebuilt. Full-text search uses FTS5 when the library has it
 * (Debian's does) and a LIKE scan of a flattened text column otherwise.
 *
 * Every connection sets a busy timeout, and writers take the lock at the
 * start (BEGIN IMMEDIATE), so concurrent processes queue instead of failing
 * with SQLITE_BUSY halfway through a transaction.
 */
#include "lake/catalog_internal.h"

#include "core/log.h"
#include "core/state.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define INDEX_SCHEMA_VERSION 1
#define BUSY_TIMEOUT_MS 60000

struct af_catalog_index {
    sqlite3 *db;
    char *path; /* file path, or ":memory:" */
    bool fts;
    bool in_txn;
};

static int db_error(af_catalog_index *x, const char *what, af_error *err)
{
    return af_error_set(err, AF_EIO, "%s: %s: %s", x->path, what, sqlite3_errmsg(x->db));
}

static int exec(af_catalog_index *x, const char *sql, af_error *err)
{
    if (sqlite3_exec(x->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return db_error(x, "index update failed", err);
    return AF_OK;
}

bool af_catalog_has_fts5(void)
{
    return sqlite3_compileoption_used("ENABLE_FTS5") == 1;
}

static const char *const schema_sql =
    "CREATE TABLE IF NOT EXISTS files(path TEXT PRIMARY KEY, size INTEGER NOT NULL,"
    " mtime_ms INTEGER NOT NULL, error TEXT);"
    "CREATE TABLE IF NOT EXISTS datasets(id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL,"
    " zone TEXT, location TEXT, format TEXT, description TEXT, owner TEXT, tags TEXT,"
    " row_count INTEGER, size_bytes INTEGER, version INTEGER, last_run_at TEXT,"
    " last_run_status TEXT, columns TEXT, search_text TEXT);";

/* Whether this index uses FTS5: when the library has it, unless the test
 * hook AF_CATALOG_NO_FTS is set (so the LIKE fallback is tested too). */
static bool want_fts(void)
{
    const char *off = getenv("AF_CATALOG_NO_FTS");
    return af_catalog_has_fts5() && !(off && *off);
}

/* Creates the tables. user_version records the layout and whether FTS5 is
 * in use; a database made with another layout or mode is emptied first (it
 * is derived data: the next sync refills it). */
static int init_schema(af_catalog_index *x, af_error *err)
{
    sqlite3_stmt *st = NULL;
    int version = -1;
    if (sqlite3_prepare_v2(x->db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        version = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    if (version < 0)
        return db_error(x, "not a readable index", err);
    int rc = exec(x, "BEGIN IMMEDIATE", err);
    if (rc)
        return rc;
    x->fts = want_fts();
    int expected = INDEX_SCHEMA_VERSION * 10 + (x->fts ? 1 : 0);
    if (version != expected && version != 0)
        rc = exec(x,
                  "DROP TABLE IF EXISTS files; DROP TABLE IF EXISTS datasets;"
                  " DROP TABLE IF EXISTS datasets_fts;",
                  err);
    rc = rc ? rc : exec(x, schema_sql, err);
    if (!rc && x->fts &&
        sqlite3_exec(x->db,
                     "CREATE VIRTUAL TABLE IF NOT EXISTS datasets_fts USING fts5(name,"
                     " description, owner, tags, columns)",
                     NULL, NULL, NULL) != SQLITE_OK)
        rc = db_error(x, "cannot create the full-text index", err);
    if (!rc) {
        char sql[64];
        snprintf(sql, sizeof sql, "PRAGMA user_version=%d", expected);
        rc = exec(x, sql, err);
    }
    if (rc) {
        sqlite3_exec(x->db, "ROLLBACK", NULL, NULL, NULL);
        return rc;
    }
    return exec(x, "COMMIT", err);
}

static int open_db(af_catalog_index *x, af_error *err)
{
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(x->path, &x->db, flags, NULL) != SQLITE_OK) {
        int rc = db_error(x, "cannot open the catalog index", err);
        sqlite3_close(x->db);
        x->db = NULL;
        return rc;
    }
    sqlite3_busy_timeout(x->db, BUSY_TIMEOUT_MS);
    int rc = init_schema(x, err);
    if (rc) {
        sqlite3_close(x->db);
        x->db = NULL;
    }
    return rc;
}

static char *index_path(af_store *lake)
{
    af_buf b;
    af_buf_init(&b);
    if (af_buf_printf(&b, "%s/%s", af_store_root(lake), AF_CATALOG_INDEX)) {
        af_buf_free(&b);
        return NULL;
    }
    af_buf_cstr(&b);
    return (char *)b.data;
}

int af_catalog_index_open(af_store *lake, bool may_fall_back, af_catalog_index **out, af_error *err)
{
    af_catalog_index *x = calloc(1, sizeof *x);
    if (!x || !(x->path = index_path(lake))) {
        free(x);
        return af_error_set(err, AF_ENOMEM, "out of memory");
    }
    char *dir = af_strndup(x->path, strlen(x->path) - strlen("/index.sqlite"));
    int rc = dir ? af_mkdirs(dir, err) : af_error_set(err, AF_ENOMEM, "out of memory");
    free(dir);
    if (!rc) {
        rc = open_db(x, err);
        if (rc) {
            /* a damaged or foreign file: it is derived data, start again */
            af_log(AF_LOG_WARN, "catalog_index_rebuild", "%s; rebuilding it",
                   err ? err->msg : "the catalog index is unreadable");
            unlink(x->path);
            rc = open_db(x, err);
        }
    }
    if (rc && may_fall_back) {
        sqlite3_close(x->db);
        x->db = NULL;
        free(x->path);
        x->path = af_strdup(":memory:");
        rc = x->path ? open_db(x, err) : af_error_set(err, AF_ENOMEM, "out of memory");
    }
    if (rc) {
        af_catalog_index_close(x);
        return rc;
    }
    *out = x;
    return AF_OK;
}

int af_catalog_index_open_memory(af_catalog_index **out, af_error *err)
{
    af_catalog_index *x = calloc(1, sizeof *x);
    if (!x || !(x->path = af_strdup(":memory:"))) {
        free(x);
        return af_error_set(err, AF_ENOMEM, "out of memory");
    }
    int rc = open_db(x, err);
    if (rc) {
        af_catalog_index_close(x);
        return rc;
    }
    *out = x;
    return AF_OK;
}

void af_catalog_index_close(af_catalog_index *x)
{
    if (!x)
        return;
    if (x->in_txn)
        af_catalog_index_rollback(x);
    sqlite3_close(x->db);
    free(x->path);
    free(x);
}

int af_catalog_index_begin(af_catalog_index *x, af_error *err)
{
    int rc = exec(x, "BEGIN IMMEDIATE", err);
    x->in_txn = rc == AF_OK;
    return rc;
}

int af_catalog_index_commit(af_catalog_index *x, af_error *err)
{
    int rc = exec(x, "COMMIT", err);
    if (rc)
        af_catalog_index_rollback(x);
    x->in_txn = false;
    return rc;
}

void af_catalog_index_rollback(af_catalog_index *x)
{
    sqlite3_exec(x->db, "ROLLBACK", NULL, NULL, NULL);
    x->in_txn = false;
}

/* ---- writing rows ---- */

static const char *jstr(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
    if (s)
        sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, i);
}

static void bind_int(sqlite3_stmt *st, int i, const json_t *v)
{
    if (json_is_integer(v))
        sqlite3_bind_int64(st, i, (sqlite3_int64)json_integer_value(v));
    else
        sqlite3_bind_null(st, i);
}

/* The searchable text of an entry's tags and columns. */
static int flatten(const json_t *e, af_buf *tags, af_buf *cols)
{
    size_t i;
    json_t *v;
    int rc = AF_OK;
    json_array_foreach(json_object_get(e, "tags"), i, v)
    {
        if (json_is_string(v))
            rc |= af_buf_printf(tags, "%s%s", tags->len ? "," : "", json_string_value(v));
    }
    json_array_foreach(json_object_get(e, "columns"), i, v)
    {
        const char *n = jstr(v, "name"), *d = jstr(v, "description");
        rc |= af_buf_printf(cols, "%s%s%s%s", cols->len ? " " : "", n ? n : "", d ? " " : "",
                            d ? d : "");
    }
    af_buf_cstr(tags);
    af_buf_cstr(cols);
    return rc ? AF_ENOMEM : AF_OK;
}

static int forget_dataset(af_catalog_index *x, const char *name, af_error *err)
{
    static const char *const sql[] = {
        "DELETE FROM datasets_fts WHERE rowid IN (SELECT id FROM datasets WHERE name=?1)",
        "DELETE FROM datasets WHERE name=?1",
    };
    for (size_t k = x->fts ? 0 : 1; k < 2; k++) {
        sqlite3_stmt *st = NULL;
        if (sqlite3_prepare_v2(x->db, sql[k], -1, &st, NULL) != SQLITE_OK)
            return db_error(x, "index update failed", err);
        sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
        int s = sqlite3_step(st);
        sqlite3_finalize(st);
        if (s != SQLITE_DONE)
            return db_error(x, "index update failed", err);
    }
    return AF_OK;
}

static int put_file(af_catalog_index *x, const af_store_entry *st_, const char *error,
                    af_error *err)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(x->db,
                           "INSERT OR REPLACE INTO files(path,size,mtime_ms,error)"
                           " VALUES(?,?,?,?)",
                           -1, &st, NULL) != SQLITE_OK)
        return db_error(x, "index update failed", err);
    sqlite3_bind_text(st, 1, st_->path, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, st_->size);
    sqlite3_bind_int64(st, 3, st_->mtime_ms);
    bind_text(st, 4, error);
    int s = sqlite3_step(st);
    sqlite3_finalize(st);
    return s == SQLITE_DONE ? AF_OK : db_error(x, "index update failed", err);
}

static int put_dataset(af_catalog_index *x, const char *name, const json_t *e, af_error *err)
{
    int rc = forget_dataset(x, name, err);
    if (rc)
        return rc;
    af_buf tags, cols, search;
    af_buf_init(&tags);
    af_buf_init(&cols);
    af_buf_init(&search);
    const char *desc = jstr(e, "description"), *owner = jstr(e, "owner");
    rc = flatten(e, &tags, &cols);
    if (!rc && af_buf_printf(&search, "%s %s %s %s %s", name, desc ? desc : "", owner ? owner : "",
                             (const char *)tags.data, (const char *)cols.data))
        rc = AF_ENOMEM;
    af_buf_cstr(&search);
    sqlite3_stmt *st = NULL;
    if (!rc && sqlite3_prepare_v2(x->db,
                                  "INSERT INTO datasets(name,zone,location,format,description,"
                                  "owner,tags,row_count,size_bytes,version,last_run_at,"
                                  "last_run_status,columns,search_text)"
                                  " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                                  -1, &st, NULL) != SQLITE_OK)
        rc = db_error(x, "index update failed", err);
    if (!rc) {
        const json_t *run = json_object_get(e, "last_run");
        bind_text(st, 1, name);
        bind_text(st, 2, jstr(e, "zone"));
        bind_text(st, 3, jstr(e, "location"));
        bind_text(st, 4, jstr(e, "format"));
        bind_text(st, 5, desc);
        bind_text(st, 6, owner);
        bind_text(st, 7, (const char *)tags.data);
        bind_int(st, 8, json_object_get(e, "row_count"));
        bind_int(st, 9, json_object_get(e, "size_bytes"));
        bind_int(st, 10, json_object_get(e, "version"));
        bind_text(st, 11, jstr(run, "at"));
        bind_text(st, 12, jstr(run, "status"));
        bind_text(st, 13, (const char *)cols.data);
        bind_text(st, 14, (const char *)search.data);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = db_error(x, "index update failed", err);
    }
    sqlite3_finalize(st);
    st = NULL;
    if (!rc && x->fts) {
        if (sqlite3_prepare_v2(x->db,
                               "INSERT INTO datasets_fts(rowid,name,description,owner,tags,"
                               "columns) VALUES(last_insert_rowid(),?,?,?,?,?)",
                               -1, &st, NULL) != SQLITE_OK)
            rc = db_error(x, "index update failed", err);
        if (!rc) {
            bind_text(st, 1, name);
            bind_text(st, 2, desc);
            bind_text(st, 3, owner);
            bind_text(st, 4, (const char *)tags.data);
            bind_text(st, 5, (const char *)cols.data);
            if (sqlite3_step(st) != SQLITE_DONE)
                rc = db_error(x, "index update failed", err);
        }
        sqlite3_finalize(st);
    }
    af_buf_free(&tags);
    af_buf_free(&cols);
    af_buf_free(&search);
    if (rc == AF_ENOMEM)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    return rc;
}

int af_catalog_index_put(af_catalog_index *x, const char *path, const json_t *entry,
                         const af_store_entry *st, af_error *err)
{
    char *name = af_catalog_name_of_path(path);
    if (!name)
        return af_error_set(err, AF_EINVAL, "%s: not a catalog entry path", path);
    af_store_entry fe = *st;
    fe.path = (char *)path;
    int rc = put_dataset(x, name, entry, err);
    rc = rc ? rc : put_file(x, &fe, NULL, err);
    free(name);
    return rc;
}

/* ---- sync ---- */

/* 1 when the index has this file at this size and time, 0 otherwise. */
static int indexed_same(af_catalog_index *x, const af_store_entry *e)
{
    sqlite3_stmt *st = NULL;
    int same = 0;
    if (sqlite3_prepare_v2(x->db, "SELECT size, mtime_ms FROM files WHERE path=?", -1, &st, NULL) ==
        SQLITE_OK) {
        sqlite3_bind_text(st, 1, e->path, -1, SQLITE_TRANSIENT);
        if (sqlite3_step(st) == SQLITE_ROW)
            same = sqlite3_column_int64(st, 0) == e->size &&
                   sqlite3_column_int64(st, 1) == e->mtime_ms;
    }
    sqlite3_finalize(st);
    return same;
}

static int reindex_file(af_catalog_index *x, af_store *lake, const af_store_entry *e,
                        const char *name, af_error *err)
{
    af_buf b;
    af_buf_init(&b);
    af_error perr = {0};
    json_t *j = NULL;
    int rc = af_store_read_range(lake, e->path, 0, (size_t)e->size + 1, &b, err);
    if (rc) {
        af_buf_free(&b);
        return rc;
    }
    af_buf shown;
    af_buf_init(&shown);
    af_buf_printf(&shown, "%s/%s", af_store_root(lake), e->path);
    int bad =
        af_catalog_parse(shown.data ? af_buf_cstr(&shown) : e->path, b.data, b.len, &j, &perr);
    af_buf_free(&shown);
    if (bad) {
        af_log(AF_LOG_WARN, "catalog_entry_invalid", "%s; left out of the catalog index", perr.msg);
        rc = forget_dataset(x, name, err);
        rc = rc ? rc : put_file(x, e, perr.msg, err);
    } else {
        rc = put_dataset(x, name, j, err);
        rc = rc ? rc : put_file(x, e, NULL, err);
    }
    json_decref(j);
    af_buf_free(&b);
    return rc;
}

static int cmp_entry(const void *a, const void *b)
{
    return strcmp(((const af_store_entry *)a)->path, ((const af_store_entry *)b)->path);
}

/* Drops the index rows of entry files that no longer exist. */
static int forget_missing(af_catalog_index *x, const af_store_entry *v, size_t n, af_error *err)
{
    sqlite3_stmt *st = NULL;
    af_strlist gone = {0};
    int rc = AF_OK;
    if (sqlite3_prepare_v2(x->db, "SELECT path FROM files", -1, &st, NULL) != SQLITE_OK)
        return db_error(x, "index read failed", err);
    while (!rc && sqlite3_step(st) == SQLITE_ROW) {
        af_store_entry key = {.path = (char *)sqlite3_column_text(st, 0)};
        if (key.path && (n == 0 || !bsearch(&key, v, n, sizeof *v, cmp_entry)) &&
            af_strlist_push(&gone, key.path))
            rc = af_error_set(err, AF_ENOMEM, "out of memory");
    }
    sqlite3_finalize(st);
    for (size_t i = 0; !rc && i < gone.len; i++) {
        char *name = af_catalog_name_of_path(gone.items[i]);
        rc = name ? forget_dataset(x, name, err) : AF_OK;
        free(name);
        if (!rc && sqlite3_prepare_v2(x->db, "DELETE FROM files WHERE path=?", -1, &st, NULL) ==
                       SQLITE_OK) {
            sqlite3_bind_text(st, 1, gone.items[i], -1, SQLITE_TRANSIENT);
            if (sqlite3_step(st) != SQLITE_DONE)
                rc = db_error(x, "index update failed", err);
            sqlite3_finalize(st);
        }
    }
    af_strlist_free(&gone);
    return rc;
}

int af_catalog_index_sync(af_catalog_index *x, af_store *lake, af_error *err)
{
    af_store_entry *v = NULL;
    size_t n = 0;
    int rc = af_store_list(lake, AF_CATALOG_DIR, &v, &n, err);
    if (rc)
        return rc;
    /* keep only entry files, in the byte order bsearch expects */
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        char *name = af_catalog_name_of_path(v[i].path);
        if (!name) {
            free(v[i].path);
            continue;
        }
        free(name);
        v[k++] = v[i];
    }
    n = k;
    if (n > 1)
        qsort(v, n, sizeof *v, cmp_entry);
    for (size_t i = 0; !rc && i < n; i++) {
        if (indexed_same(x, &v[i]))
            continue;
        char *name = af_catalog_name_of_path(v[i].path);
        rc = name ? reindex_file(x, lake, &v[i], name, err)
                  : af_error_set(err, AF_ENOMEM, "out of memory");
        free(name);
    }
    rc = rc ? rc : forget_missing(x, v, n, err);
    af_store_entries_free(v, n);
    return rc;
}

/* ---- queries ---- */

static char *col_dup(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? af_strdup((const char *)t) : NULL;
}

static int64_t col_int(sqlite3_stmt *st, int i)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL ? -1 : (int64_t)sqlite3_column_int64(st, i);
}

static bool has_token_char(const char *s, const char *end)
{
    for (; s < end; s++)
        if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
            (unsigned char)*s >= 0x80)
            return true;
    return false;
}

/* Each word of text as an FTS5 prefix phrase ("word"*), or as a LIKE
 * pattern, joined so that every word must match. */
static int build_match(const char *text, bool fts, af_strlist *words)
{
    const char *p = text;
    while (*p) {
        while (*p == ' ' || *p == '\t' || *p == '\n')
            p++;
        const char *s = p;
        while (*p && *p != ' ' && *p != '\t' && *p != '\n')
            p++;
        if (p == s)
            break;
        if (fts && !has_token_char(s, p))
            continue; /* "-" alone is no FTS5 token: it would match nothing */
        af_buf w;
        af_buf_init(&w);
        int rc = af_buf_append_str(&w, fts ? "\"" : "%");
        for (const char *q = s; !rc && q < p; q++) {
            if (fts && *q == '"')
                rc = af_buf_append_str(&w, "\"\"");
            else if (!fts && (*q == '%' || *q == '_' || *q == '\\'))
                rc = af_buf_printf(&w, "\\%c", *q);
            else
                rc = af_buf_append_byte(&w, (uint8_t)*q);
        }
        rc = rc ? rc : af_buf_append_str(&w, fts ? "\"*" : "%");
        af_buf_cstr(&w);
        rc = rc ? rc : af_strlist_push(words, (const char *)w.data);
        af_buf_free(&w);
        if (rc)
            return AF_ENOMEM;
    }
    return AF_OK;
}

#define SUMMARY_COLS                                                                               \
    "d.name, d.zone, d.location, d.format, d.description, d.owner, d.tags, d.row_count,"           \
    " d.size_bytes, d.version, d.last_run_at, d.last_run_status"

static int prepare_query(af_catalog_index *x, const char *text, sqlite3_stmt **st, af_error *err)
{
    af_strlist words = {0};
    af_buf sql;
    af_buf_init(&sql);
    int rc = text ? build_match(text, x->fts, &words) : AF_OK;
    if (!rc && !text)
        rc = af_buf_append_str(&sql, "SELECT " SUMMARY_COLS " FROM datasets d ORDER BY d.name");
    else if (!rc && words.len == 0) /* nothing searchable in the text: nothing found */
        rc = af_buf_append_str(&sql, "SELECT " SUMMARY_COLS " FROM datasets d WHERE 0");
    else if (!rc && x->fts) {
        rc = af_buf_append_str(&sql, "SELECT " SUMMARY_COLS " FROM datasets_fts f JOIN datasets"
                                     " d ON d.id = f.rowid WHERE datasets_fts MATCH ?1"
                                     " ORDER BY bm25(datasets_fts), d.name");
    } else if (!rc) {
        rc = af_buf_append_str(&sql, "SELECT " SUMMARY_COLS " FROM datasets d WHERE 1");
        for (size_t i = 0; !rc && i < words.len; i++)
            rc = af_buf_printf(&sql, " AND d.search_text LIKE ?%zu ESCAPE '\\'", i + 1);
        rc = rc ? rc : af_buf_append_str(&sql, " ORDER BY d.name");
    }
    af_buf_cstr(&sql);
    if (rc) {
        af_strlist_free(&words);
        af_buf_free(&sql);
        return af_error_set(err, AF_ENOMEM, "out of memory");
    }
    if (sqlite3_prepare_v2(x->db, (const char *)sql.data, -1, st, NULL) != SQLITE_OK)
        rc = db_error(x, "index query failed", err);
    if (!rc && text && x->fts) {
        af_buf q;
        af_buf_init(&q);
        for (size_t i = 0; i < words.len; i++)
            af_buf_printf(&q, "%s%s", i ? " AND " : "", words.items[i]);
        af_buf_cstr(&q);
        sqlite3_bind_text(*st, 1, q.data ? (const char *)q.data : "", -1, SQLITE_TRANSIENT);
        af_buf_free(&q);
    } else if (!rc && text) {
        for (size_t i = 0; i < words.len; i++)
            sqlite3_bind_text(*st, (int)i + 1, words.items[i], -1, SQLITE_TRANSIENT);
    }
    af_strlist_free(&words);
    af_buf_free(&sql);
    return rc;
}

int af_catalog_index_query(af_catalog_index *x, const char *text, af_catalog_summary **out,
                           size_t *n, af_error *err)
{
    *out = NULL;
    *n = 0;
    if (text) {
        const char *p = text;
        while (*p == ' ' || *p == '\t' || *p == '\n')
            p++;
        if (!*p)
            return AF_OK; /* nothing to look for: nothing found */
    }
    sqlite3_stmt *st = NULL;
    int rc = prepare_query(x, text, &st, err);
    if (rc)
        return rc;
    af_catalog_summary *v = NULL;
    size_t len = 0, cap = 0;
    int s = SQLITE_DONE;
    while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW) {
        if (len == cap) {
            size_t ncap = cap ? 2 * cap : 16;
            af_catalog_summary *nv = realloc(v, ncap * sizeof *nv);
            if (!nv) {
                rc = af_error_set(err, AF_ENOMEM, "out of memory");
                break;
            }
            v = nv;
            cap = ncap;
        }
        af_catalog_summary *e = &v[len++];
        *e = (af_catalog_summary){
            .name = col_dup(st, 0),
            .zone = col_dup(st, 1),
            .location = col_dup(st, 2),
            .format = col_dup(st, 3),
            .description = col_dup(st, 4),
            .owner = col_dup(st, 5),
            .tags = col_dup(st, 6),
            .row_count = col_int(st, 7),
            .size_bytes = col_int(st, 8),
            .version = col_int(st, 9),
            .last_run_at = col_dup(st, 10),
            .last_run_status = col_dup(st, 11),
        };
    }
    if (!rc && s != SQLITE_DONE)
        rc = db_error(x, "index query failed", err);
    sqlite3_finalize(st);
    if (rc) {
        af_catalog_summaries_free(v, len);
        return rc;
    }
    *out = v;
    *n = len;
    return AF_OK;
}

void af_catalog_summaries_free(af_catalog_summary *s, size_t n)
{
    for (size_t i = 0; s && i < n; i++) {
        free(s[i].name);
        free(s[i].zone);
        free(s[i].location);
        free(s[i].format);
        free(s[i].description);
        free(s[i].owner);
        free(s[i].tags);
        free(s[i].last_run_at);
        free(s[i].last_run_status);
    }
    free(s);
}
