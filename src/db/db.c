/* db.c - connection URLs, the driver registry and the af_db_* wrappers. */
#include "db/db.h"

#include "security/redact.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const af_db_driver af_db_driver_sqlite;
extern const af_db_driver af_db_driver_postgres;

static const af_db_driver *const drivers[] = {
    &af_db_driver_sqlite,
    &af_db_driver_postgres,
};

static const struct {
    const char *alias, *scheme;
} aliases[] = {
    {"postgresql", "postgres"},
    {"mariadb", "mysql"},
    {"sqlite3", "sqlite"},
};

const af_db_driver *af_db_driver_for(const char *scheme)
{
    if (!scheme)
        return NULL;
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
        if (strcmp(scheme, aliases[i].alias) == 0)
            scheme = aliases[i].scheme;
    for (size_t i = 0; i < sizeof drivers / sizeof drivers[0]; i++)
        if (strcmp(drivers[i]->scheme, scheme) == 0)
            return drivers[i];
    return NULL;
}

void af_db_url_free(af_db_url *u)
{
    free(u->scheme);
    free(u->user);
    free(u->password);
    free(u->host);
    free(u->database);
    af_strmap_free(&u->params);
    free(u->display);
    memset(u, 0, sizeof *u);
}

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

/* Percent-decodes s[0..n); NULL on a bad escape or no memory. */
static char *decode(const char *s, size_t n)
{
    char *out = malloc(n + 1);
    if (!out)
        return NULL;
    size_t j = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%') {
            int hi = i + 2 < n ? hexval(s[i + 1]) : -1;
            int lo = hi < 0 ? -1 : hexval(s[i + 2]);
            if (hi < 0 || lo < 0) {
                free(out);
                return NULL;
            }
            out[j++] = (char)(hi * 16 + lo);
            i += 2;
            continue;
        }
        out[j++] = s[i];
    }
    out[j] = '\0';
    return out;
}

static int bad_url(af_error *err, const char *display, const char *what)
{
    return af_error_set(err, AF_ECONFIG, "connection URL '%s': %s", display, what);
}

/* scheme://[user[:password]@]host[:port][/database][?k=v&...] ; sqlite keeps
 * what follows "sqlite:" (and "//") as the file path. */
int af_db_url_parse(const char *url, const char *user, const char *password, af_db_url *out,
                    af_error *err)
{
    memset(out, 0, sizeof *out);
    char *shown = af_redact_str(url); /* never echo a password, even a malformed one */
    const char *display = shown ? shown : "(URL)";
    const char *colon = strchr(url, ':');
    int rc = AF_OK;
    if (!colon || colon == url)
        rc = bad_url(err, display, "expected SCHEME://... (postgres://, mysql://, sqlite:///)");
    if (!rc && !(out->scheme = af_strndup(url, (size_t)(colon - url))))
        rc = af_error_set(err, AF_ENOMEM, "out of memory");
    for (char *p = out->scheme; !rc && *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    const char *rest = colon ? colon + 1 : "";
    const char *query = strchr(rest, '?');
    size_t main_len = query ? (size_t)(query - rest) : strlen(rest);
    bool is_sqlite =
        !rc && (strcmp(out->scheme, "sqlite") == 0 || strcmp(out->scheme, "sqlite3") == 0);
    if (is_sqlite) {
        /* sqlite:///abs.db, sqlite://rel.db, sqlite:rel.db */
        const char *path = rest;
        if (strncmp(path, "//", 2) == 0)
            path += 2;
        size_t n = main_len - (size_t)(path - rest);
        if (n == 0)
            rc = bad_url(err, display, "no database file after sqlite:");
        else if (!(out->database = decode(path, n)))
            rc = bad_url(err, display, "bad %-escape in the file path");
    } else if (!rc) {
        if (strncmp(rest, "//", 2) != 0)
            rc = bad_url(err, display, "expected // after the scheme");
        const char *auth = rest + 2, *end = rest + main_len;
        const char *slash = rc ? NULL : memchr(auth, '/', (size_t)(end - auth));
        const char *host_end = slash ? slash : end;
        const char *at = NULL;
        for (const char *p = auth; !rc && p < host_end; p++)
            if (*p == '@')
                at = p; /* the last '@': passwords may hold one */
        const char *hp = at ? at + 1 : auth;
        if (!rc && at) {
            const char *c2 = memchr(auth, ':', (size_t)(at - auth));
            out->user = decode(auth, (size_t)((c2 ? c2 : at) - auth));
            if (c2)
                out->password = decode(c2 + 1, (size_t)(at - c2 - 1));
            if (!out->user || (c2 && !out->password))
                rc = bad_url(err, display, "bad %-escape in the user or password");
        }
        /* host, [v6]:port or host:port */
        const char *pc = NULL;
        if (!rc && hp < host_end && *hp == '[') {
            const char *rb = memchr(hp, ']', (size_t)(host_end - hp));
            if (!rb)
                rc = bad_url(err, display, "unclosed [ in the host");
            else {
                out->host = af_strndup(hp + 1, (size_t)(rb - hp - 1));
                pc = rb + 1 < host_end && rb[1] == ':' ? rb + 1 : NULL;
            }
        } else if (!rc) {
            pc = memchr(hp, ':', (size_t)(host_end - hp));
            if (host_end > hp)
                out->host = af_strndup(hp, (size_t)((pc ? pc : host_end) - hp));
        }
        if (!rc && pc) {
            long port = 0;
            const char *p = pc + 1;
            for (; p < host_end && *p >= '0' && *p <= '9' && port <= 65535; p++)
                port = port * 10 + (*p - '0');
            if (p != host_end || p == pc + 1 || port < 1 || port > 65535)
                rc = bad_url(err, display, "the port must be a number from 1 to 65535");
            out->port = (int)port;
        }
        if (!rc && slash && slash + 1 < end &&
            !(out->database = decode(slash + 1, (size_t)(end - slash - 1))))
            rc = bad_url(err, display, "bad %-escape in the database name");
    }
    /* ?k=v&k2=v2 */
    for (const char *p = query ? query + 1 : NULL; !rc && p && *p;) {
        const char *amp = strchr(p, '&');
        size_t n = amp ? (size_t)(amp - p) : strlen(p);
        const char *eq = memchr(p, '=', n);
        char *k = decode(p, eq ? (size_t)(eq - p) : n);
        char *v = eq ? decode(eq + 1, n - (size_t)(eq - p) - 1) : af_strdup("");
        if (!k || !v)
            rc = bad_url(err, display, "bad %-escape in a parameter");
        else if (af_strmap_put(&out->params, k, v, (af_src_loc){0}))
            rc = af_error_set(err, AF_ENOMEM, "out of memory");
        free(k);
        free(v);
        p = amp ? amp + 1 : NULL;
    }
    if (!rc && user) {
        free(out->user);
        if (!(out->user = af_strdup(user)))
            rc = af_error_set(err, AF_ENOMEM, "out of memory");
    }
    if (!rc && password) {
        free(out->password);
        if (!(out->password = af_strdup(password)))
            rc = af_error_set(err, AF_ENOMEM, "out of memory");
    }
    if (!rc && out->password && *out->password)
        af_redact_register(out->password);
    if (!rc && !af_db_driver_for(out->scheme))
        rc =
            af_error_set(err, AF_EUNSUPPORTED,
                         "connection URL '%s': no driver for '%s' in this build (sqlite, postgres)",
                         display, out->scheme);
    if (!rc && !(out->display = af_redact_str(url)))
        rc = af_error_set(err, AF_ENOMEM, "out of memory");
    free(shown);
    if (rc)
        af_db_url_free(out);
    return rc;
}

int af_db_open(const af_db_url *url, const af_db_session *s, af_db **out, af_error *err)
{
    *out = NULL;
    const af_db_driver *d = af_db_driver_for(url->scheme);
    if (!d)
        return af_error_set(err, AF_EUNSUPPORTED, "%s: no driver for '%s'", url->display,
                            url->scheme);
    int rc = d->open(url, s, out, err);
    if (rc)
        return rc;
    (*out)->driver = d;
    if (!(*out)->display && !((*out)->display = af_strdup(url->display))) {
        af_db_close(*out);
        *out = NULL;
        return af_error_set(err, AF_ENOMEM, "out of memory");
    }
    return AF_OK;
}

const af_db_driver *af_db_driver_of(const af_db *db)
{
    return db->driver;
}

const char *af_db_display(const af_db *db)
{
    return db->display;
}

int af_db_query(af_db *db, const char *sql, const af_db_param *params, size_t n_params,
                const af_db_reject *reject, af_db_rows **out, af_error *err)
{
    *out = NULL;
    int rc = db->driver->query(db, sql, params, n_params, reject, out, err);
    if (!rc)
        (*out)->driver = db->driver;
    return rc;
}

const af_schema *af_db_rows_schema(const af_db_rows *r)
{
    return r->driver->rows_schema(r);
}

int af_db_rows_next(af_db_rows *r, const af_batch_limits *lim, af_batch **out, af_error *err)
{
    return r->driver->rows_next(r, lim, out, err);
}

void af_db_rows_close(af_db_rows *r)
{
    if (r)
        r->driver->rows_close(r);
}

int af_db_begin_snapshot(af_db *db, af_error *err)
{
    return db->driver->begin_snapshot(db, err);
}

int af_db_end(af_db *db, af_error *err)
{
    return db->driver->end(db, err);
}

int af_db_discover(af_db *db, const char *schema, af_db_table **out, size_t *n, af_error *err)
{
    return db->driver->discover(db, schema, out, n, err);
}

void af_db_tables_free(af_db_table *t, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(t[i].schema);
        free(t[i].name);
        for (size_t c = 0; c < t[i].n_columns; c++) {
            free(t[i].columns[c].name);
            free(t[i].columns[c].db_type);
            af_field_free(&t[i].columns[c].field);
        }
        free(t[i].columns);
        af_strlist_free(&t[i].primary_key);
        af_strlist_free(&t[i].foreign_keys);
    }
    free(t);
}

int af_db_quote_ident(const af_db *db, const char *name, af_buf *out)
{
    return db->driver->quote_ident(name, out);
}

int af_db_placeholder(const af_db *db, size_t i, af_buf *out)
{
    return db->driver->placeholder(i, out);
}

int af_db_comparable(const af_db *db, const char *expr, const af_type *key, af_buf *out)
{
    return db->driver->comparable(expr, key, out);
}

void af_db_close(af_db *db)
{
    if (!db)
        return;
    char *display = db->display;
    db->driver->close(db);
    free(display);
}

int af_db_quote_double(const char *name, af_buf *out)
{
    if (af_buf_append_byte(out, '"'))
        return AF_ENOMEM;
    for (const char *p = name; *p; p++)
        if ((*p == '"' && af_buf_append_byte(out, '"')) || af_buf_append_byte(out, (uint8_t)*p))
            return AF_ENOMEM;
    return af_buf_append_byte(out, '"');
}

int af_db_reject_row(const af_db_reject *rj, af_batch *b, int64_t len, const char *display,
                     int64_t row, const char *column, const af_error *verr, const af_buf *row_json,
                     af_error *err)
{
    for (size_t k = 0; k < b->schema->n_fields; k++)
        if (b->columns[k].length > len)
            af_array_truncate(&b->columns[k], len);
    char reason[AF_ERROR_MSG_MAX + 64];
    snprintf(reason, sizeof reason, "column '%s': %s", column, verr->msg);
    if (!rj->fn)
        return af_error_set(err, AF_EPARSE, "%s: row %lld: %s", display, (long long)row, reason);
    return rj->fn(rj->ctx, row, row_json->data ? (const char *)row_json->data : "", row_json->len,
                  reason, err);
}
