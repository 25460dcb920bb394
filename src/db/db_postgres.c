/* db_postgres.c - the PostgreSQL driver (db.h), through libpq.
 *
 * Rows stream: inside a snapshot (a REPEATABLE READ, READ ONLY transaction)
 * a query runs as a server-side cursor fetched FETCH_ROWS at a time;
 * outside one, libpq's single-row mode hands rows over one by one. Either
 * way memory stays bounded by a batch, whatever the table's size. Values
 * arrive in text format and are parsed exactly into core types; the session
 * runs with TimeZone UTC, so timestamptz text is UTC.
 *
 * Type mapping (by type OID; domains resolve to their base type):
 *   bool bool; int2 int16; int4 int32; int8 int64; float4 float32;
 *   float8 float64; numeric(p,s) decimal(p,s), numeric without a precision
 *   string (exact digits kept); date date; time time[us];
 *   timestamp timestamp[us]; timestamptz timestamp[us, UTC]; uuid uuid;
 *   json, jsonb json; bytea binary; text, varchar, char, name, and every
 *   other type (money, interval, xml, arrays, enums...) string, as
 *   PostgreSQL prints it.
 */
#include "db/db.h"

#include "core/values.h"

#include <errno.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FETCH_ROWS 10000

typedef struct pg_db {
    af_db base;
    PGconn *conn;
    bool in_txn;
    int cursor_seq;
} pg_db;

typedef struct pg_rows {
    af_db_rows base;
    pg_db *owner;
    af_schema *schema;
    char cursor[32]; /* "" = single-row mode */
    PGresult *res;   /* rows not yet handed out */
    int res_row;
    bool done;
    int64_t row;
    af_db_reject reject;
    af_parse_options popts;
    af_buf scratch;
} pg_rows;

static int pg_fail(pg_db *d, af_error *err, const char *what)
{
    const char *msg = PQerrorMessage(d->conn);
    size_t n = strlen(msg);
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
        n--;
    return af_error_set(err, AF_EIO, "%s: %s: %.*s", d->base.display, what, (int)n, msg);
}

static int exec_ok(pg_db *d, const char *sql, af_error *err)
{
    PGresult *r = PQexec(d->conn, sql);
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
    int rc = ok ? AF_OK : pg_fail(d, err, sql);
    PQclear(r);
    return rc;
}

static int pg_open(const af_db_url *url, const af_db_session *s, af_db **out, af_error *err)
{
    pg_db *d = calloc(1, sizeof *d);
    if (!d)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    d->base.display = af_strdup(url->display);
    /* keywords, not a conninfo string: no value needs quoting */
    const char *keys[16], *vals[16];
    size_t n = 0;
    char port[16];
    if (url->host) {
        keys[n] = "host";
        vals[n++] = url->host;
    }
    if (url->port) {
        snprintf(port, sizeof port, "%d", url->port);
        keys[n] = "port";
        vals[n++] = port;
    }
    if (url->database) {
        keys[n] = "dbname";
        vals[n++] = url->database;
    }
    if (url->user) {
        keys[n] = "user";
        vals[n++] = url->user;
    }
    if (url->password) {
        keys[n] = "password";
        vals[n++] = url->password;
    }
    const char *ssl = af_strmap_get(&url->params, "sslmode");
    if (ssl) {
        keys[n] = "sslmode";
        vals[n++] = ssl;
    }
    keys[n] = "application_name";
    vals[n++] = s && s->application_name ? s->application_name : "affluent";
    keys[n] = "connect_timeout";
    vals[n++] = "15";
    keys[n] = NULL;
    vals[n] = NULL;
    d->conn = PQconnectdbParams(keys, vals, 0);
    if (!d->conn || PQstatus(d->conn) != CONNECTION_OK) {
        int rc = d->conn ? pg_fail(d, err, "cannot connect")
                         : af_error_set(err, AF_ENOMEM, "out of memory");
        PQfinish(d->conn);
        free(d->base.display);
        free(d);
        return rc;
    }
    char sql[128];
    int rc = exec_ok(d, "SET TimeZone = 'UTC'", err);
    if (!rc && s && s->statement_timeout_ms > 0) {
        snprintf(sql, sizeof sql, "SET statement_timeout = %lld",
                 (long long)s->statement_timeout_ms);
        rc = exec_ok(d, sql, err);
    }
    if (!rc && s && s->read_only)
        rc = exec_ok(d, "SET default_transaction_read_only = on", err);
    if (rc) {
        PQfinish(d->conn);
        free(d->base.display);
        free(d);
        return rc;
    }
    *out = &d->base;
    return AF_OK;
}

static void pg_close(af_db *db)
{
    pg_db *d = (pg_db *)db;
    PQfinish(d->conn);
    free(d);
}

/* OIDs from pg_type.h (stable across versions). */
enum {
    OID_BOOL = 16,
    OID_BYTEA = 17,
    OID_INT8 = 20,
    OID_INT2 = 21,
    OID_INT4 = 23,
    OID_JSON = 114,
    OID_FLOAT4 = 700,
    OID_FLOAT8 = 701,
    OID_DATE = 1082,
    OID_TIME = 1083,
    OID_TIMESTAMP = 1114,
    OID_TIMESTAMPTZ = 1184,
    OID_NUMERIC = 1700,
    OID_UUID = 2950,
    OID_JSONB = 3802,
};

static af_type map_oid(Oid oid, int typmod)
{
    switch (oid) {
    case OID_BOOL: return af_type_make(AF_TYPE_BOOL);
    case OID_BYTEA: return af_type_make(AF_TYPE_BINARY);
    case OID_INT2: return af_type_make(AF_TYPE_INT16);
    case OID_INT4: return af_type_make(AF_TYPE_INT32);
    case OID_INT8: return af_type_make(AF_TYPE_INT64);
    case OID_FLOAT4: return af_type_make(AF_TYPE_FLOAT32);
    case OID_FLOAT8: return af_type_make(AF_TYPE_FLOAT64);
    case OID_DATE: return af_type_make(AF_TYPE_DATE);
    case OID_TIME: return af_type_time(AF_UNIT_MICRO);
    case OID_TIMESTAMP: return af_type_timestamp(AF_UNIT_MICRO, NULL);
    case OID_TIMESTAMPTZ: return af_type_timestamp(AF_UNIT_MICRO, "UTC");
    case OID_UUID: return af_type_make(AF_TYPE_UUID);
    case OID_JSON:
    case OID_JSONB: return af_type_make(AF_TYPE_JSON);
    case OID_NUMERIC:
        if (typmod >= 4) {
            int p = ((typmod - 4) >> 16) & 0xffff, s = (typmod - 4) & 0xffff;
            if (p >= 1 && p <= AF_DECIMAL_MAX_PRECISION && s <= p)
                return af_type_decimal(p, s);
        }
        return af_type_make(AF_TYPE_STRING); /* unbounded: the digits, exactly */
    default: return af_type_make(AF_TYPE_STRING);
    }
}

/* A catalog number PostgreSQL printed (an OID, a typmod, an estimate);
 * `fallback` when the text is not one, which a catalog query never gives. */
static long long catalog_number(const char *text, long long fallback)
{
    char *end = NULL;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    return errno || end == text || *end ? fallback : v;
}

/* Domains: the base type of each OID that is not a built-in one. */
static Oid base_oid(pg_db *d, Oid oid, int *typmod)
{
    if (oid < 10000)
        return oid;
    char sql[160];
    snprintf(sql, sizeof sql,
             "SELECT typbasetype, typtypmod FROM pg_type WHERE oid = %u AND typtype = 'd'",
             (unsigned)oid);
    PGresult *r = PQexec(d->conn, sql);
    Oid out = oid;
    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1) {
        out = (Oid)catalog_number(PQgetvalue(r, 0, 0), oid);
        *typmod = (int)catalog_number(PQgetvalue(r, 0, 1), -1);
    }
    PQclear(r);
    return out;
}

static int schema_of(pg_db *d, PGresult *r, af_schema **out, af_error *err)
{
    af_schema *s = af_schema_new();
    if (!s)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    for (int c = 0; c < PQnfields(r); c++) {
        int typmod = PQfmod(r, c);
        Oid oid = base_oid(d, PQftype(r, c), &typmod);
        if (af_schema_add_simple(s, PQfname(r, c), map_oid(oid, typmod), true)) {
            af_schema_free(s);
            return af_error_set(err, AF_ENOMEM, "out of memory");
        }
    }
    *out = s;
    return AF_OK;
}

static int fetch(pg_rows *r, af_error *err)
{
    pg_db *d = r->owner;
    PQclear(r->res);
    r->res = NULL;
    r->res_row = 0;
    if (r->cursor[0]) {
        char sql[96];
        snprintf(sql, sizeof sql, "FETCH FORWARD %d FROM %s", FETCH_ROWS, r->cursor);
        r->res = PQexec(d->conn, sql);
        if (PQresultStatus(r->res) != PGRES_TUPLES_OK)
            return pg_fail(d, err, "reading rows");
        r->done = PQntuples(r->res) == 0;
        return AF_OK;
    }
    r->res = PQgetResult(d->conn);
    ExecStatusType st = r->res ? PQresultStatus(r->res) : PGRES_TUPLES_OK;
    if (!r->res || st == PGRES_TUPLES_OK) {
        /* the end: drain what libpq still holds */
        PGresult *x;
        while ((x = PQgetResult(d->conn)))
            PQclear(x);
        PQclear(r->res);
        r->res = NULL;
        r->done = true;
        return AF_OK;
    }
    if (st != PGRES_SINGLE_TUPLE)
        return pg_fail(d, err, "reading rows");
    return AF_OK;
}

static int pg_query(af_db *db, const char *sql, const af_db_param *params, size_t n_params,
                    const af_db_reject *reject, af_db_rows **out, af_error *err)
{
    pg_db *d = (pg_db *)db;
    pg_rows *r = calloc(1, sizeof *r);
    if (!r)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    r->owner = d;
    if (reject)
        r->reject = *reject;
    af_parse_options_default(&r->popts);
    af_buf_init(&r->scratch);
    const char **vals = calloc(n_params + 1, sizeof *vals);
    for (size_t i = 0; vals && i < n_params; i++)
        vals[i] = params[i].text;
    int rc = vals ? AF_OK : af_error_set(err, AF_ENOMEM, "out of memory");
    if (!rc && d->in_txn) {
        /* a cursor in the snapshot: FETCH in steps */
        snprintf(r->cursor, sizeof r->cursor, "affluent_c%d", ++d->cursor_seq);
        af_buf q;
        af_buf_init(&q);
        if (af_buf_printf(&q, "DECLARE %s NO SCROLL CURSOR FOR %s", r->cursor, sql))
            rc = af_error_set(err, AF_ENOMEM, "out of memory");
        PGresult *res =
            rc ? NULL
               : PQexecParams(d->conn, af_buf_cstr(&q), (int)n_params, NULL, vals, NULL, NULL, 0);
        if (!rc && PQresultStatus(res) != PGRES_COMMAND_OK)
            rc = pg_fail(d, err, "query");
        PQclear(res);
        af_buf_free(&q);
        if (!rc)
            rc = fetch(r, err);
    } else if (!rc) {
        if (!PQsendQueryParams(d->conn, sql, (int)n_params, NULL, vals, NULL, NULL, 0) ||
            !PQsetSingleRowMode(d->conn))
            rc = pg_fail(d, err, "query");
        if (!rc)
            rc = fetch(r, err);
        if (!rc && r->done && !r->res) {
            /* no row: the result description comes from the statement */
            PGresult *desc = PQprepare(d->conn, "", sql, (int)n_params, NULL);
            PQclear(desc);
            desc = PQdescribePrepared(d->conn, "");
            if (PQresultStatus(desc) == PGRES_COMMAND_OK)
                rc = schema_of(d, desc, &r->schema, err);
            PQclear(desc);
        }
    }
    free(vals);
    if (!rc && !r->schema && r->res)
        rc = schema_of(d, r->res, &r->schema, err);
    if (!rc && !r->schema && !(r->schema = af_schema_new()))
        rc = af_error_set(err, AF_ENOMEM, "out of memory");
    if (rc) {
        PQclear(r->res);
        af_schema_free(r->schema);
        af_buf_free(&r->scratch);
        free(r);
        return rc;
    }
    *out = &r->base;
    return AF_OK;
}

static const af_schema *pg_rows_schema(const af_db_rows *rows)
{
    return ((const pg_rows *)rows)->schema;
}

static void pg_rows_close(af_db_rows *rows)
{
    pg_rows *r = (pg_rows *)rows;
    PQclear(r->res);
    if (r->cursor[0] && !r->done) {
        char sql[64];
        snprintf(sql, sizeof sql, "CLOSE %s", r->cursor);
        PQclear(PQexec(r->owner->conn, sql));
    } else if (!r->cursor[0] && !r->done) {
        /* abandon the rest of a single-row stream */
        PGcancel *c = PQgetCancel(r->owner->conn);
        char buf[64];
        if (c) {
            PQcancel(c, buf, sizeof buf);
            PQfreeCancel(c);
        }
        PGresult *x;
        while ((x = PQgetResult(r->owner->conn)))
            PQclear(x);
    }
    af_schema_free(r->schema);
    af_buf_free(&r->scratch);
    free(r);
}

/* bytea in hex output: "\x0a1b..." */
static int append_bytea(af_array *a, const char *t, size_t n, af_buf *tmp)
{
    if (n < 2 || t[0] != '\\' || t[1] != 'x' || (n - 2) % 2)
        return AF_EPARSE;
    af_buf_reset(tmp);
    for (size_t i = 2; i + 1 < n; i += 2) {
        unsigned v;
        if (sscanf(t + i, "%2x", &v) != 1)
            return AF_EPARSE;
        if (af_buf_append_byte(tmp, (uint8_t)v))
            return AF_ENOMEM;
    }
    return af_array_append_bytes(a, tmp->data ? (const void *)tmp->data : "", tmp->len);
}

static int append_value(pg_rows *r, int c, af_array *a, af_error *err)
{
    PGresult *res = r->res;
    if (PQgetisnull(res, r->res_row, c))
        return af_array_append_null(a);
    const char *t = PQgetvalue(res, r->res_row, c);
    size_t n = (size_t)PQgetlength(res, r->res_row, c);
    af_type_id id = a->field->type.id;
    if (id == AF_TYPE_BINARY) {
        int rc = append_bytea(a, t, n, &r->scratch);
        return rc == AF_EPARSE ? af_error_set(err, AF_EPARSE, "not bytea hex text") : rc;
    }
    if (id == AF_TYPE_BOOL && n == 1)
        return af_array_append_bool(a, t[0] == 't');
    return af_array_append_text(a, t, n, &r->popts, err);
}

static void row_json(pg_rows *r, af_buf *out)
{
    af_buf_reset(out);
    af_buf_append_byte(out, '{');
    for (int c = 0; c < PQnfields(r->res); c++) {
        const char *name = PQfname(r->res, c);
        if (c)
            af_buf_append_byte(out, ',');
        af_buf_append_json_string(out, name, strlen(name));
        af_buf_append_byte(out, ':');
        if (PQgetisnull(r->res, r->res_row, c))
            af_buf_append_str(out, "null");
        else
            af_buf_append_json_string(out, PQgetvalue(r->res, r->res_row, c),
                                      (size_t)PQgetlength(r->res, r->res_row, c));
    }
    af_buf_append_byte(out, '}');
}

static int pg_rows_next(af_db_rows *rows, const af_batch_limits *lim, af_batch **out, af_error *err)
{
    pg_rows *r = (pg_rows *)rows;
    *out = NULL;
    if (r->done && !r->res)
        return AF_OK;
    af_batch *b = af_batch_new(r->schema);
    if (!b)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    size_t n = r->schema->n_fields;
    int rc = AF_OK;
    while (!rc && r->res && !af_batch_full(b, lim)) {
        if (r->res_row >= PQntuples(r->res)) {
            if (r->done) {
                PQclear(r->res);
                r->res = NULL;
                break;
            }
            rc = fetch(r, err);
            if (!rc && r->done && r->cursor[0]) {
                PQclear(r->res);
                r->res = NULL;
            }
            continue;
        }
        r->row++;
        int64_t len = n ? b->columns[0].length : 0;
        af_error verr = {0};
        size_t c = 0;
        int vrc = AF_OK;
        for (; c < n && !vrc; c++)
            vrc = append_value(r, (int)c, &b->columns[c], &verr);
        if (vrc == AF_ENOMEM)
            rc = af_error_set(err, AF_ENOMEM, "out of memory");
        else if (vrc) {
            if (r->reject.fn)
                row_json(r, &r->scratch);
            rc = af_db_reject_row(&r->reject, b, len, r->owner->base.display, r->row,
                                  r->schema->fields[c - 1].name, &verr, &r->scratch, err);
        }
        b->n_rows = n ? b->columns[0].length : 0;
        r->res_row++;
    }
    if (!rc && n)
        rc = af_batch_seal(b, err);
    if (rc || b->n_rows == 0) {
        af_batch_release(b);
        return rc;
    }
    *out = b;
    return AF_OK;
}

static int pg_begin_snapshot(af_db *db, af_error *err)
{
    pg_db *d = (pg_db *)db;
    int rc = exec_ok(d, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", err);
    d->in_txn = rc == AF_OK;
    return rc;
}

static int pg_end(af_db *db, af_error *err)
{
    pg_db *d = (pg_db *)db;
    if (!d->in_txn)
        return AF_OK;
    d->in_txn = false;
    return exec_ok(d, "COMMIT", err);
}

static int pg_placeholder(size_t i, af_buf *out)
{
    return af_buf_printf(out, "$%zu", i);
}

/* Typed columns compare as their types; the parameter takes the column's. */
static int pg_comparable(const char *expr, const af_type *key, af_buf *out)
{
    (void)key;
    return af_buf_append_str(out, expr);
}

static int pg_discover(af_db *db, const char *schema, af_db_table **out, size_t *n, af_error *err)
{
    pg_db *d = (pg_db *)db;
    *out = NULL;
    *n = 0;
    const char *sql =
        "SELECT c.table_schema, c.table_name, c.column_name, "
        "       format_type(a.atttypid, a.atttypmod), c.is_nullable = 'YES', "
        "       a.atttypid, a.atttypmod, "
        "       COALESCE((SELECT reltuples::bigint FROM pg_class WHERE oid = cls.oid), -1) "
        "FROM information_schema.columns c "
        "JOIN pg_namespace ns ON ns.nspname = c.table_schema "
        "JOIN pg_class cls ON cls.relname = c.table_name AND cls.relnamespace = ns.oid "
        "JOIN pg_attribute a ON a.attrelid = cls.oid AND a.attname = c.column_name "
        "WHERE ($1::text IS NULL AND c.table_schema NOT IN ('pg_catalog','information_schema')) "
        "   OR c.table_schema = $1 "
        "ORDER BY c.table_schema, c.table_name, c.ordinal_position";
    const char *p[1] = {schema};
    PGresult *r = PQexecParams(d->conn, sql, 1, NULL, p, NULL, NULL, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        PQclear(r);
        return pg_fail(d, err, "reading the catalog");
    }
    int rows = PQntuples(r);
    af_db_table *t = calloc((size_t)rows + 1, sizeof *t);
    int rc = t ? AF_OK : af_error_set(err, AF_ENOMEM, "out of memory");
    af_db_table *cur = NULL;
    for (int i = 0; !rc && i < rows; i++) {
        const char *sch = PQgetvalue(r, i, 0), *tab = PQgetvalue(r, i, 1);
        if (!cur || strcmp(cur->schema, sch) || strcmp(cur->name, tab)) {
            cur = &t[(*n)++];
            cur->schema = af_strdup(sch);
            cur->name = af_strdup(tab);
            cur->row_estimate = catalog_number(PQgetvalue(r, i, 7), -1);
            if (!cur->schema || !cur->name) {
                rc = af_error_set(err, AF_ENOMEM, "out of memory");
                break;
            }
        }
        af_db_column *cols = realloc(cur->columns, (cur->n_columns + 1) * sizeof *cols);
        if (!cols) {
            rc = af_error_set(err, AF_ENOMEM, "out of memory");
            break;
        }
        cur->columns = cols;
        af_db_column *col = &cols[cur->n_columns];
        memset(col, 0, sizeof *col);
        int typmod = (int)catalog_number(PQgetvalue(r, i, 6), -1);
        Oid oid = base_oid(d, (Oid)catalog_number(PQgetvalue(r, i, 5), 0), &typmod);
        col->name = af_strdup(PQgetvalue(r, i, 2));
        col->db_type = af_strdup(PQgetvalue(r, i, 3));
        if (!col->name || !col->db_type ||
            af_field_init(&col->field, col->name, map_oid(oid, typmod),
                          PQgetvalue(r, i, 4)[0] == 't')) {
            rc = af_error_set(err, AF_ENOMEM, "out of memory");
            break;
        }
        cur->n_columns++;
    }
    PQclear(r);
    /* keys */
    const char *ksql =
        "SELECT tc.table_schema, tc.table_name, tc.constraint_type, kcu.column_name, "
        "       ccu.table_schema || '.' || ccu.table_name || '(' || ccu.column_name || ')' "
        "FROM information_schema.table_constraints tc "
        "JOIN information_schema.key_column_usage kcu "
        "  ON kcu.constraint_name = tc.constraint_name AND kcu.table_schema = tc.table_schema "
        "LEFT JOIN information_schema.constraint_column_usage ccu "
        "  ON tc.constraint_type = 'FOREIGN KEY' AND ccu.constraint_name = tc.constraint_name "
        "WHERE tc.constraint_type IN ('PRIMARY KEY', 'FOREIGN KEY') "
        "ORDER BY kcu.ordinal_position";
    r = rc ? NULL : PQexec(d->conn, ksql);
    if (!rc && PQresultStatus(r) != PGRES_TUPLES_OK)
        rc = pg_fail(d, err, "reading keys");
    for (int i = 0; !rc && i < PQntuples(r); i++)
        for (size_t k = 0; k < *n; k++) {
            if (strcmp(t[k].schema, PQgetvalue(r, i, 0)) || strcmp(t[k].name, PQgetvalue(r, i, 1)))
                continue;
            char line[512];
            bool pk = strcmp(PQgetvalue(r, i, 2), "PRIMARY KEY") == 0;
            snprintf(line, sizeof line, "%s -> %s", PQgetvalue(r, i, 3), PQgetvalue(r, i, 4));
            if (pk ? af_strlist_push(&t[k].primary_key, PQgetvalue(r, i, 3))
                   : af_strlist_push(&t[k].foreign_keys, line))
                rc = af_error_set(err, AF_ENOMEM, "out of memory");
        }
    PQclear(r);
    if (rc) {
        af_db_tables_free(t, *n);
        *n = 0;
        return rc;
    }
    *out = t;
    return AF_OK;
}

const af_db_driver af_db_driver_postgres = {
    .scheme = "postgres",
    .summary = "PostgreSQL (libpq)",
    .open = pg_open,
    .query = pg_query,
    .rows_schema = pg_rows_schema,
    .rows_next = pg_rows_next,
    .rows_close = pg_rows_close,
    .begin_snapshot = pg_begin_snapshot,
    .end = pg_end,
    .discover = pg_discover,
    .quote_ident = af_db_quote_double,
    .placeholder = pg_placeholder,
    .comparable = pg_comparable,
    .close = pg_close,
};
