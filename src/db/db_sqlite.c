/* db_sqlite.c - the SQLite driver (db.h): an embedded database file read
 * through libsqlite3.
 *
 * Type mapping: SQLite stores a value with its own storage class whatever
 * the column declares, so the declared type decides the core type and each
 * value is converted to it (a value that does not convert goes to the
 * reject handler with its row):
 *   declared type contains      core type
 *   BOOL                        bool
 *   INT                         int64
 *   DECIMAL(p,s) / NUMERIC(p,s) decimal(p,s)   (read as text: exact)
 *   REAL, FLOA, DOUB            float64
 *   DATETIME, TIMESTAMP         timestamp[us] (naive; ISO text or unix seconds)
 *   DATE                        date
 *   TIME                        time[us]
 *   UUID                        uuid
 *   JSON                        json
 *   BLOB                        binary
 *   CHAR, CLOB, TEXT, other     string
 * A result column with no declared type (an expression) takes the storage
 * class of its first non-null value: INTEGER int64, REAL float64, BLOB
 * binary, TEXT string.
 */
#include "db/db.h"

#include "core/clock.h"
#include "core/values.h"

#include <ctype.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct sq_db {
    af_db base;
    sqlite3 *db;
    int64_t timeout_ms;
    int64_t deadline_us; /* of the running statement; 0 = none */
    bool in_txn;
} sq_db;

typedef struct sq_rows {
    af_db_rows base;
    sq_db *owner;
    sqlite3_stmt *stmt;
    af_schema *schema;
    int step_rc; /* of the row waiting in stmt (SQLITE_ROW / SQLITE_DONE) */
    int64_t row;
    af_db_reject reject;
    af_parse_options popts;
    af_buf scratch;
} sq_rows;

static int fail(sqlite3 *db, af_error *err, int code, const char *where, const char *display)
{
    return af_error_set(err, code, "%s: %s: %s", display, where,
                        db ? sqlite3_errmsg(db) : "cannot open");
}

/* sqlite3 calls this every few VM steps: a statement past its timeout stops. */
static int progress(void *arg)
{
    sq_db *d = arg;
    return d->deadline_us && af_clock_now_us() > d->deadline_us;
}

static int sq_open(const af_db_url *url, const af_db_session *s, af_db **out, af_error *err)
{
    sq_db *d = calloc(1, sizeof *d);
    if (!d)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    int flags =
        s && s->read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    int rc = sqlite3_open_v2(url->database, &d->db, flags | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        int code = rc == SQLITE_CANTOPEN ? AF_ENOTFOUND : AF_EIO;
        af_error_set(err, code, "%s: cannot open the database: %s", url->display,
                     d->db ? sqlite3_errmsg(d->db) : sqlite3_errstr(rc));
        sqlite3_close(d->db);
        free(d);
        return code;
    }
    sqlite3_busy_timeout(d->db, 5000); /* a writer holding the lock: wait, then fail */
    d->timeout_ms = s ? s->statement_timeout_ms : 0;
    sqlite3_progress_handler(d->db, 10000, progress, d);
    *out = &d->base;
    return AF_OK;
}

static void sq_close(af_db *db)
{
    sq_db *d = (sq_db *)db;
    sqlite3_close(d->db);
    free(d);
}

/* The core type of a declared column type; `decl` may be NULL. */
static bool map_decl(const char *decl, af_type *t)
{
    if (!decl || !*decl)
        return false;
    char up[64];
    size_t n = 0;
    for (; decl[n] && n + 1 < sizeof up; n++)
        up[n] = (char)toupper((unsigned char)decl[n]);
    up[n] = '\0';
    int p = 0, sc = 0;
    if (strstr(up, "BOOL"))
        *t = af_type_make(AF_TYPE_BOOL);
    else if (strstr(up, "INT"))
        *t = af_type_make(AF_TYPE_INT64);
    else if ((strstr(up, "DECIMAL") || strstr(up, "NUMERIC")) &&
             sscanf(strchr(up, '(') ? strchr(up, '(') : "", "(%d,%d)", &p, &sc) == 2 && p >= 1 &&
             p <= AF_DECIMAL_MAX_PRECISION && sc >= 0 && sc <= p)
        *t = af_type_decimal(p, sc);
    else if (strstr(up, "REAL") || strstr(up, "FLOA") || strstr(up, "DOUB"))
        *t = af_type_make(AF_TYPE_FLOAT64);
    else if (strstr(up, "DATETIME") || strstr(up, "TIMESTAMP"))
        *t = af_type_timestamp(AF_UNIT_MICRO, NULL);
    else if (strstr(up, "DATE"))
        *t = af_type_make(AF_TYPE_DATE);
    else if (strstr(up, "TIME"))
        *t = af_type_time(AF_UNIT_MICRO);
    else if (strstr(up, "UUID"))
        *t = af_type_make(AF_TYPE_UUID);
    else if (strstr(up, "JSON"))
        *t = af_type_make(AF_TYPE_JSON);
    else if (strstr(up, "BLOB"))
        *t = af_type_make(AF_TYPE_BINARY);
    else
        *t = af_type_make(AF_TYPE_STRING);
    return true;
}

static af_type from_storage(int storage)
{
    switch (storage) {
    case SQLITE_INTEGER: return af_type_make(AF_TYPE_INT64);
    case SQLITE_FLOAT: return af_type_make(AF_TYPE_FLOAT64);
    case SQLITE_BLOB: return af_type_make(AF_TYPE_BINARY);
    default: return af_type_make(AF_TYPE_STRING);
    }
}

static int step(sq_rows *r)
{
    sq_db *d = r->owner;
    d->deadline_us = d->timeout_ms ? af_clock_now_us() + d->timeout_ms * 1000 : 0;
    r->step_rc = sqlite3_step(r->stmt);
    d->deadline_us = 0;
    return r->step_rc;
}

static int step_error(sq_rows *r, af_error *err)
{
    sq_db *d = r->owner;
    if (r->step_rc == SQLITE_INTERRUPT)
        return af_error_set(err, AF_ELIMIT, "%s: the query ran past statement_timeout (%lld ms)",
                            d->base.display, (long long)d->timeout_ms);
    return fail(d->db, err, AF_EIO, "reading rows", d->base.display);
}

static int sq_query(af_db *db, const char *sql, const af_db_param *params, size_t n_params,
                    const af_db_reject *reject, af_db_rows **out, af_error *err)
{
    sq_db *d = (sq_db *)db;
    sq_rows *r = calloc(1, sizeof *r);
    if (!r)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    r->owner = d;
    if (reject)
        r->reject = *reject;
    af_parse_options_default(&r->popts);
    af_buf_init(&r->scratch);
    int rc = AF_OK;
    if (sqlite3_prepare_v2(d->db, sql, -1, &r->stmt, NULL) != SQLITE_OK)
        rc = fail(d->db, err, AF_EINVAL, "query", db->display);
    for (size_t i = 0; !rc && i < n_params; i++) {
        int b = params[i].text
                    ? sqlite3_bind_text(r->stmt, (int)i + 1, params[i].text, -1, SQLITE_TRANSIENT)
                    : sqlite3_bind_null(r->stmt, (int)i + 1);
        if (b != SQLITE_OK)
            rc = fail(d->db, err, AF_EINVAL, "binding a parameter", db->display);
    }
    /* the first row is stepped now, so expression columns get a type */
    if (!rc && step(r) != SQLITE_ROW && r->step_rc != SQLITE_DONE)
        rc = step_error(r, err);
    r->schema = rc ? NULL : af_schema_new();
    if (!rc && !r->schema)
        rc = af_error_set(err, AF_ENOMEM, "out of memory");
    int n = rc ? 0 : sqlite3_column_count(r->stmt);
    for (int c = 0; !rc && c < n; c++) {
        af_type t;
        if (!map_decl(sqlite3_column_decltype(r->stmt, c), &t))
            t = from_storage(r->step_rc == SQLITE_ROW ? sqlite3_column_type(r->stmt, c)
                                                      : SQLITE_NULL);
        if (af_schema_add_simple(r->schema, sqlite3_column_name(r->stmt, c), t, true))
            rc = af_error_set(err, AF_ENOMEM, "out of memory");
    }
    if (rc) {
        sqlite3_finalize(r->stmt);
        af_schema_free(r->schema);
        af_buf_free(&r->scratch);
        free(r);
        return rc;
    }
    *out = &r->base;
    return AF_OK;
}

static const af_schema *sq_rows_schema(const af_db_rows *rows)
{
    return ((const sq_rows *)rows)->schema;
}

static void sq_rows_close(af_db_rows *rows)
{
    sq_rows *r = (sq_rows *)rows;
    sqlite3_finalize(r->stmt);
    af_schema_free(r->schema);
    af_buf_free(&r->scratch);
    free(r);
}

/* Appends value c of the current row to a; a value that does not fit the
 * column's type returns AF_EPARSE with the reason in err. */
static int append_value(sq_rows *r, int c, af_array *a, af_error *err)
{
    sqlite3_stmt *st = r->stmt;
    int storage = sqlite3_column_type(st, c);
    if (storage == SQLITE_NULL)
        return af_array_append_null(a);
    af_type_id id = a->field->type.id;
    if (id == AF_TYPE_INT64 && storage == SQLITE_INTEGER)
        return af_array_append_int(a, sqlite3_column_int64(st, c));
    if (id == AF_TYPE_FLOAT64 && (storage == SQLITE_FLOAT || storage == SQLITE_INTEGER))
        return af_array_append_double(a, sqlite3_column_double(st, c));
    if (id == AF_TYPE_BINARY)
        return af_array_append_bytes(a, sqlite3_column_blob(st, c),
                                     (size_t)sqlite3_column_bytes(st, c));
    if (id == AF_TYPE_BOOL && storage == SQLITE_INTEGER) {
        int64_t v = sqlite3_column_int64(st, c);
        if (v == 0 || v == 1)
            return af_array_append_bool(a, v == 1);
    }
    if (id == AF_TYPE_TIMESTAMP && (storage == SQLITE_INTEGER || storage == SQLITE_FLOAT)) {
        /* unix seconds, as SQLite's own date functions understand them */
        double secs = sqlite3_column_double(st, c);
        if (secs > -9.2e12 && secs < 9.2e12)
            return af_array_append_int(a, (int64_t)(secs * 1e6));
    }
    const char *text = (const char *)sqlite3_column_text(st, c);
    int len = sqlite3_column_bytes(st, c);
    if (!text)
        return AF_ENOMEM;
    return af_array_append_text(a, text, (size_t)len, &r->popts, err);
}

/* The current row as a JSON object of its texts, for the reject handler. */
static void row_json(sq_rows *r, af_buf *out)
{
    af_buf_reset(out);
    af_buf_append_byte(out, '{');
    for (size_t c = 0; c < r->schema->n_fields; c++) {
        const char *name = r->schema->fields[c].name;
        if (c)
            af_buf_append_byte(out, ',');
        af_buf_append_json_string(out, name, strlen(name));
        af_buf_append_byte(out, ':');
        const char *t = (const char *)sqlite3_column_text(r->stmt, (int)c);
        if (!t)
            af_buf_append_str(out, "null");
        else
            af_buf_append_json_string(out, t, (size_t)sqlite3_column_bytes(r->stmt, (int)c));
    }
    af_buf_append_byte(out, '}');
}

static int sq_rows_next(af_db_rows *rows, const af_batch_limits *lim, af_batch **out, af_error *err)
{
    sq_rows *r = (sq_rows *)rows;
    *out = NULL;
    if (r->step_rc != SQLITE_ROW)
        return r->step_rc == SQLITE_DONE ? AF_OK : step_error(r, err);
    af_batch *b = af_batch_new(r->schema);
    if (!b)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    int rc = AF_OK;
    size_t n = r->schema->n_fields;
    while (!rc && r->step_rc == SQLITE_ROW) {
        r->row++;
        int64_t len = b->columns[0].length;
        af_error verr = {0};
        size_t c = 0;
        int vrc = AF_OK;
        for (; c < n && !vrc; c++)
            vrc = append_value(r, (int)c, &b->columns[c], &verr);
        if (vrc == AF_ENOMEM) {
            rc = af_error_set(err, AF_ENOMEM, "out of memory");
            break;
        }
        if (vrc) {
            if (r->reject.fn)
                row_json(r, &r->scratch);
            rc = af_db_reject_row(&r->reject, b, len, r->owner->base.display, r->row,
                                  r->schema->fields[c - 1].name, &verr, &r->scratch, err);
            if (rc)
                break;
        }
        if (step(r) != SQLITE_ROW && r->step_rc != SQLITE_DONE)
            rc = step_error(r, err);
        b->n_rows = n ? b->columns[0].length : 0;
        if (af_batch_full(b, lim))
            break;
    }
    if (!rc && n)
        rc = af_batch_seal(b, err);
    if (rc) {
        af_batch_release(b);
        return rc;
    }
    if (b->n_rows == 0 && r->step_rc != SQLITE_ROW) {
        af_batch_release(b);
        return AF_OK;
    }
    *out = b;
    return AF_OK;
}

static int exec(sq_db *d, const char *sql, af_error *err)
{
    char *msg = NULL;
    if (sqlite3_exec(d->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        af_error_set(err, AF_EIO, "%s: %s: %s", d->base.display, sql, msg ? msg : "failed");
        sqlite3_free(msg);
        return AF_EIO;
    }
    return AF_OK;
}

/* A deferred transaction takes its read snapshot at the first read and
 * keeps it to COMMIT (in WAL mode writers go on meanwhile). */
static int sq_begin_snapshot(af_db *db, af_error *err)
{
    sq_db *d = (sq_db *)db;
    int rc = exec(d, "BEGIN DEFERRED", err);
    d->in_txn = rc == AF_OK;
    return rc;
}

static int sq_end(af_db *db, af_error *err)
{
    sq_db *d = (sq_db *)db;
    if (!d->in_txn)
        return AF_OK;
    d->in_txn = false;
    return exec(d, "COMMIT", err);
}

static int sq_placeholder(size_t i, af_buf *out)
{
    return af_buf_printf(out, "?%zu", i);
}

/* Dates and times are stored as text (or numbers) in SQLite: compare them
 * as instants, whatever their spelling ('T' or ' ', fractions). julianday()
 * carries about 10 microseconds of precision, which the primary-key check at
 * the boundary covers for equal values. */
static int sq_comparable(const char *expr, const af_type *key, af_buf *out)
{
    if (key->id == AF_TYPE_DATE || key->id == AF_TYPE_TIMESTAMP)
        return af_buf_printf(out, "julianday(%s)", expr);
    return af_buf_append_str(out, expr);
}

/* Runs a catalog query with one text parameter; calls fn per row. */
static int each_row(sq_db *d, const char *sql, const char *param,
                    int (*fn)(void *ctx, sqlite3_stmt *st), void *ctx, af_error *err)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(d->db, sql, -1, &st, NULL) != SQLITE_OK)
        return fail(d->db, err, AF_EIO, "reading the catalog", d->base.display);
    if (param)
        sqlite3_bind_text(st, 1, param, -1, SQLITE_TRANSIENT);
    int rc = AF_OK, s;
    while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW)
        rc = fn(ctx, st);
    if (!rc && s != SQLITE_DONE)
        rc = fail(d->db, err, AF_EIO, "reading the catalog", d->base.display);
    else if (rc)
        af_error_set(err, rc, "out of memory");
    sqlite3_finalize(st);
    return rc;
}

static const char *col_text(sqlite3_stmt *st, int c)
{
    const char *t = (const char *)sqlite3_column_text(st, c);
    return t ? t : "";
}

static int add_column(void *ctx, sqlite3_stmt *st)
{
    af_db_table *t = ctx;
    /* pragma table_info: cid, name, type, notnull, dflt_value, pk */
    af_db_column *cols = realloc(t->columns, (t->n_columns + 1) * sizeof *cols);
    if (!cols)
        return AF_ENOMEM;
    t->columns = cols;
    af_db_column *c = &cols[t->n_columns];
    memset(c, 0, sizeof *c);
    c->name = af_strdup(col_text(st, 1));
    c->db_type = af_strdup(col_text(st, 2));
    af_type type;
    if (!map_decl(c->db_type, &type))
        type = af_type_make(AF_TYPE_BINARY); /* no declared type: any value (BLOB affinity) */
    if (!c->name || !c->db_type ||
        af_field_init(&c->field, c->name, type, !sqlite3_column_int(st, 3)))
        return AF_ENOMEM;
    t->n_columns++;
    if (sqlite3_column_int(st, 5) > 0 && af_strlist_push(&t->primary_key, c->name))
        return AF_ENOMEM;
    return AF_OK;
}

static int add_fk(void *ctx, sqlite3_stmt *st)
{
    af_db_table *t = ctx;
    /* pragma foreign_key_list: id, seq, table, from, to, ... */
    char line[512];
    snprintf(line, sizeof line, "%s -> %s(%s)", col_text(st, 3), col_text(st, 2), col_text(st, 4));
    return af_strlist_push(&t->foreign_keys, line) ? AF_ENOMEM : AF_OK;
}

typedef struct name_list {
    af_strlist names;
} name_list;

static int add_name(void *ctx, sqlite3_stmt *st)
{
    return af_strlist_push(&((name_list *)ctx)->names, col_text(st, 0)) ? AF_ENOMEM : AF_OK;
}

static int count_rows(void *ctx, sqlite3_stmt *st)
{
    *(int64_t *)ctx = sqlite3_column_int64(st, 0);
    return AF_OK;
}

static int sq_discover(af_db *db, const char *schema, af_db_table **out, size_t *n, af_error *err)
{
    (void)schema; /* one schema per file ("main") */
    sq_db *d = (sq_db *)db;
    *out = NULL;
    *n = 0;
    name_list names = {0};
    int rc = each_row(d,
                      "SELECT name FROM sqlite_master WHERE type IN ('table','view') AND name NOT "
                      "LIKE 'sqlite_%' ORDER BY name",
                      NULL, add_name, &names, err);
    af_db_table *t = rc ? NULL : calloc(names.names.len + 1, sizeof *t);
    if (!rc && !t)
        rc = af_error_set(err, AF_ENOMEM, "out of memory");
    for (size_t i = 0; !rc && i < names.names.len; i++) {
        af_db_table *x = &t[i];
        *n = i + 1;
        x->row_estimate = -1;
        if (!(x->name = af_strdup(names.names.items[i]))) {
            rc = af_error_set(err, AF_ENOMEM, "out of memory");
            break;
        }
        rc = each_row(d, "SELECT * FROM pragma_table_info(?1)", x->name, add_column, x, err);
        if (!rc)
            rc = each_row(d, "SELECT * FROM pragma_foreign_key_list(?1)", x->name, add_fk, x, err);
        /* sqlite_stat1 holds an estimate once ANALYZE ran; counting is exact
         * and cheap enough for the files SQLite serves */
        af_buf q;
        af_buf_init(&q);
        if (!rc &&
            (af_buf_append_str(&q, "SELECT count(*) FROM ") || af_db_quote_double(x->name, &q)))
            rc = af_error_set(err, AF_ENOMEM, "out of memory");
        if (!rc)
            rc = each_row(d, af_buf_cstr(&q), NULL, count_rows, &x->row_estimate, err);
        af_buf_free(&q);
    }
    af_strlist_free(&names.names);
    if (rc) {
        af_db_tables_free(t, *n);
        *n = 0;
        return rc;
    }
    *out = t;
    return AF_OK;
}

const af_db_driver af_db_driver_sqlite = {
    .scheme = "sqlite",
    .summary = "SQLite database files (libsqlite3)",
    .open = sq_open,
    .query = sq_query,
    .rows_schema = sq_rows_schema,
    .rows_next = sq_rows_next,
    .rows_close = sq_rows_close,
    .begin_snapshot = sq_begin_snapshot,
    .end = sq_end,
    .discover = sq_discover,
    .quote_ident = af_db_quote_double,
    .placeholder = sq_placeholder,
    .comparable = sq_comparable,
    .close = sq_close,
};
