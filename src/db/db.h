/* db.h - SQL databases behind one interface (issue 6).
 *
 * A driver (db_sqlite.c, db_postgres.c, ...) opens a connection from a
 * parsed URL, runs a query and hands its rows out as batches of core types,
 * so the `sql` source and the warehouse loaders never see a client library.
 * Drivers are found by URL scheme:
 *   sqlite:///abs/path.db, sqlite:relative.db     SQLite (embedded)
 *   postgres://user@host:5432/db?sslmode=...      PostgreSQL (libpq)
 *   mysql://user@host:3306/db                     MySQL / MariaDB
 *
 * Each driver documents its type mapping (docs/databases.md): exact for
 * decimals (numeric -> decimal(p,s), or a string when the precision is
 * unbounded), binary for blobs, json for json columns, lists for arrays,
 * strings for what has no core type.
 *
 * Reads are consistent: af_db_begin_snapshot() starts a read-only
 * transaction with repeatable-read (or snapshot) isolation, so every query
 * of one run sees the same data; af_db_end() ends it.
 *
 * Secrets: the password lives only in af_db_url.password and the client
 * library; messages name the URL with af_db_url.display (no password).
 */
#ifndef AF_DB_H
#define AF_DB_H

#include "core/batch.h"
#include "core/buf.h"
#include "core/configmap.h"
#include "core/error.h"
#include "core/schema.h"

#include <stdbool.h>
#include <stdint.h>

/* A connection URL, parsed. Strings are owned; NULL when absent. */
typedef struct af_db_url {
    char *scheme; /* "postgres" (also "postgresql"), "mysql" (also "mariadb"), "sqlite" */
    char *user;
    char *password; /* secret */
    char *host;
    int port;         /* 0 = the driver's default */
    char *database;   /* for sqlite: the file path */
    af_strmap params; /* ?key=value pairs, decoded */
    char *display;    /* the URL without the password, for messages and logs */
} af_db_url;

/* Parses URL; user and password, when not NULL, override the URL's (the
 * pipeline's connection section gives them apart). The password is
 * registered with the redactor. */
int af_db_url_parse(const char *url, const char *user, const char *password, af_db_url *out,
                    af_error *err);
void af_db_url_free(af_db_url *u);

typedef struct af_db af_db;
typedef struct af_db_rows af_db_rows;

/* How a connection behaves towards the server: production safety. */
typedef struct af_db_session {
    const char *application_name; /* shown by the server ("affluent") */
    int64_t statement_timeout_ms; /* 0 = none */
    bool read_only;               /* sources: true */
} af_db_session;

/* A row whose value does not fit its column's type (SQLite is dynamically
 * typed; a server may return what the mapping cannot hold): the driver
 * calls this with the row number (1-based), the row as JSON text and the
 * reason. 0 skips the row (it was quarantined); an error stops the query.
 * Without a handler, such a row is an error. */
typedef int (*af_db_reject_fn)(void *ctx, int64_t row, const char *raw, size_t raw_len,
                               const char *reason, af_error *err);
typedef struct af_db_reject {
    af_db_reject_fn fn;
    void *ctx;
} af_db_reject;

/* A bound query parameter (text, converted by the server). NULL = SQL NULL. */
typedef struct af_db_param {
    const char *text;
} af_db_param;

/* What discover() reports about one column and one table. */
typedef struct af_db_column {
    char *name;
    char *db_type;  /* as the database names it ("numeric(12,2)") */
    af_field field; /* mapped core type; nullable from the catalog */
} af_db_column;

typedef struct af_db_table {
    char *schema; /* NULL for SQLite */
    char *name;
    af_db_column *columns;
    size_t n_columns;
    af_strlist primary_key;
    af_strlist foreign_keys; /* "col -> schema.table(col)" */
    int64_t row_estimate;    /* -1 = unknown */
} af_db_table;

typedef struct af_db_driver {
    const char *scheme;
    const char *summary;
    int (*open)(const af_db_url *url, const af_db_session *s, af_db **out, af_error *err);
    /* Runs sql with parameters $1.. / ? (the driver's own placeholder
     * syntax, see placeholder()) and opens its rows. */
    int (*query)(af_db *db, const char *sql, const af_db_param *params, size_t n_params,
                 const af_db_reject *reject, af_db_rows **out, af_error *err);
    const af_schema *(*rows_schema)(const af_db_rows *r);
    /* Next batch of at most lim rows/bytes; *out = NULL at the end. */
    int (*rows_next)(af_db_rows *r, const af_batch_limits *lim, af_batch **out, af_error *err);
    void (*rows_close)(af_db_rows *r);
    int (*begin_snapshot)(af_db *db, af_error *err);
    int (*end)(af_db *db, af_error *err);
    /* Tables of a schema (NULL = the default/all user schemas). */
    int (*discover)(af_db *db, const char *schema, af_db_table **out, size_t *n, af_error *err);
    /* Appends a quoted identifier ("a""b" or `a``b`). */
    int (*quote_ident)(const char *name, af_buf *out);
    /* Appends the placeholder of parameter i (1-based): "$1" or "?". */
    int (*placeholder)(size_t i, af_buf *out);
    /* Appends `expr` in a form that orders as values of core type `key` do
     * (SQLite stores dates as text of any spelling: julianday(expr)); the
     * incremental reads compare and sort keys through it. */
    int (*comparable)(const char *expr, const af_type *key, af_buf *out);
    void (*close)(af_db *db);
} af_db_driver;

/* The driver of a URL's scheme, or NULL. */
const af_db_driver *af_db_driver_for(const char *scheme);

/* Convenience wrappers: the driver is remembered in the handle. */
int af_db_open(const af_db_url *url, const af_db_session *s, af_db **out, af_error *err);
const af_db_driver *af_db_driver_of(const af_db *db);
const char *af_db_display(const af_db *db);
int af_db_query(af_db *db, const char *sql, const af_db_param *params, size_t n_params,
                const af_db_reject *reject, af_db_rows **out, af_error *err);
const af_schema *af_db_rows_schema(const af_db_rows *r);
int af_db_rows_next(af_db_rows *r, const af_batch_limits *lim, af_batch **out, af_error *err);
void af_db_rows_close(af_db_rows *r);
int af_db_begin_snapshot(af_db *db, af_error *err);
int af_db_end(af_db *db, af_error *err);
int af_db_discover(af_db *db, const char *schema, af_db_table **out, size_t *n, af_error *err);
void af_db_tables_free(af_db_table *t, size_t n);
int af_db_quote_ident(const af_db *db, const char *name, af_buf *out);
int af_db_placeholder(const af_db *db, size_t i, af_buf *out);
int af_db_comparable(const af_db *db, const char *expr, const af_type *key, af_buf *out);
void af_db_close(af_db *db);

/* ---- for drivers ---- */
/* Appends "name" with embedded quotes doubled (SQL standard identifiers). */
int af_db_quote_double(const char *name, af_buf *out);
/* A value of row `row` did not fit column `column` (verr says why): drops
 * the row's values appended so far (the batch's columns back to `len`
 * rows), then hands the row (as JSON text) to the reject handler, or
 * returns AF_EPARSE naming the database, row and column when there is none. */
int af_db_reject_row(const af_db_reject *rj, af_batch *b, int64_t len, const char *display,
                     int64_t row, const char *column, const af_error *verr, const af_buf *row_json,
                     af_error *err);

/* Every driver handle starts with this, so the wrappers find the driver. */
struct af_db {
    const af_db_driver *driver;
    char *display;
};
struct af_db_rows {
    const af_db_driver *driver;
};

#endif
