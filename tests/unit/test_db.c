/* test_db.c - connection URLs and the SQLite driver (db/db.h). */
#include "test.h"

#include "db/db.h"

#include <sqlite3.h>
#include <unistd.h>

TEST(postgres_url_parts_and_display_without_password)
{
    af_db_url u;
    af_error err = {0};
    CHECK_INT(af_db_url_parse("postgresql://etl:s%40cret@db.example:5433/dw?sslmode=verify-full&"
                              "application_name=x",
                              NULL, NULL, &u, &err),
              0);
    CHECK_STR(u.scheme, "postgresql");
    CHECK_STR(u.user, "etl");
    CHECK_STR(u.password, "s@cret");
    CHECK_STR(u.host, "db.example");
    CHECK_INT(u.port, 5433);
    CHECK_STR(u.database, "dw");
    CHECK_STR(af_strmap_get(&u.params, "sslmode"), "verify-full");
    CHECK(strstr(u.display, "cret") == NULL);
    CHECK(strstr(u.display, "etl:") != NULL);
    af_db_url_free(&u);
    /* the connection section's user and password win; IPv6 hosts */
    CHECK_INT(af_db_url_parse("postgres://a:b@[::1]:6432/x", "etl", "pw123456", &u, &err), 0);
    CHECK_STR(u.user, "etl");
    CHECK_STR(u.password, "pw123456");
    CHECK_STR(u.host, "::1");
    CHECK_INT(u.port, 6432);
    af_db_url_free(&u);
    CHECK_INT(af_db_url_parse("postgres://h:99999/x", NULL, NULL, &u, &err), AF_ECONFIG);
    CHECK_STR(err.msg, "connection URL 'postgres://h:99999/x': the port must be a number from 1 "
                       "to 65535");
    CHECK_INT(af_db_url_parse("oracle://h/x", NULL, NULL, &u, &err), AF_EUNSUPPORTED);
    CHECK_STR(err.msg, "connection URL 'oracle://h/x': no driver for 'oracle' in this build "
                       "(sqlite, postgres)");
}

TEST(sqlite_url_forms)
{
    af_db_url u;
    af_error err = {0};
    CHECK_INT(af_db_url_parse("sqlite:///tmp/a%20b.db", NULL, NULL, &u, &err), 0);
    CHECK_STR(u.scheme, "sqlite");
    CHECK_STR(u.database, "/tmp/a b.db");
    CHECK_STR(u.display, "sqlite:///tmp/a%20b.db");
    af_db_url_free(&u);
    CHECK_INT(af_db_url_parse("sqlite:rel/x.db?mode=ro", NULL, NULL, &u, &err), 0);
    CHECK_STR(u.database, "rel/x.db");
    CHECK_STR(af_strmap_get(&u.params, "mode"), "ro");
    af_db_url_free(&u);
    CHECK_INT(af_db_url_parse("SQLite3://data.db", NULL, NULL, &u, &err), 0);
    CHECK_STR(u.scheme, "sqlite3");
    CHECK_STR(u.database, "data.db");
    af_db_url_free(&u);
    CHECK_INT(af_db_url_parse("sqlite:", NULL, NULL, &u, &err), AF_ECONFIG);
    CHECK_STR(err.msg, "connection URL 'sqlite:': no database file after sqlite:");
    CHECK_INT(af_db_url_parse("no-scheme", NULL, NULL, &u, &err), AF_ECONFIG);
    CHECK_STR(err.msg, "connection URL 'no-scheme': expected SCHEME://... (postgres://, "
                       "mysql://, sqlite:///)");
}

static char *make_db(void)
{
    static char path[64];
    snprintf(path, sizeof path, "/tmp/af_db_test_%d.db", (int)getpid());
    unlink(path);
    sqlite3 *db;
    sqlite3_open(path, &db);
    sqlite3_exec(db,
                 "CREATE TABLE c(id INTEGER PRIMARY KEY, name TEXT NOT NULL, price NUMERIC(8,3),"
                 " at TIMESTAMP, u UUID, j JSON, x);"
                 "CREATE TABLE o(id INTEGER PRIMARY KEY, c_id INTEGER REFERENCES c(id));"
                 "INSERT INTO c VALUES(1,'a',1.5,'2024-01-01T00:00:00Z',"
                 "'123e4567-e89b-12d3-a456-426614174000','{\"k\":1}',x'01');"
                 "INSERT INTO c VALUES(2,'b',NULL,1700000000,NULL,NULL,NULL);"
                 "INSERT INTO o VALUES(1,1);",
                 NULL, NULL, NULL);
    sqlite3_close(db);
    return path;
}

TEST(sqlite_rows_types_and_discover)
{
    char *path = make_db();
    char url[128];
    snprintf(url, sizeof url, "sqlite://%s", path);
    af_db_url u;
    af_error err = {0};
    CHECK_INT(af_db_url_parse(url, NULL, NULL, &u, &err), 0);
    af_db_session s = {.application_name = "affluent", .read_only = true};
    af_db *db = NULL;
    CHECK_INT(af_db_open(&u, &s, &db, &err), 0);
    CHECK_INT(af_db_begin_snapshot(db, &err), 0);
    af_db_rows *r = NULL;
    af_db_param p = {"1"};
    CHECK_INT(af_db_query(db, "SELECT * FROM c WHERE id >= ?1 ORDER BY id", &p, 1, NULL, &r, &err),
              0);
    const af_schema *sch = af_db_rows_schema(r);
    af_buf t;
    af_buf_init(&t);
    for (size_t i = 0; i < sch->n_fields; i++) {
        af_field_format_type(&sch->fields[i], &t);
        af_buf_append_byte(&t, ' ');
    }
    /* x has no declared type: the first value's storage class (BLOB) */
    CHECK_STR(af_buf_cstr(&t), "int64 string decimal(8,3) timestamp[us] uuid json binary ");
    af_batch *b = NULL;
    af_batch_limits lim = AF_BATCH_DEFAULT_LIMITS;
    CHECK_INT(af_db_rows_next(r, &lim, &b, &err), 0);
    CHECK_INT(b->n_rows, 2);
    af_buf_reset(&t);
    af_array_format_value(&b->columns[3], 1, &t); /* unix seconds */
    CHECK_STR(af_buf_cstr(&t), "2023-11-14T22:13:20.000000");
    af_buf_reset(&t);
    af_array_format_value(&b->columns[4], 0, &t);
    CHECK_STR(af_buf_cstr(&t), "123e4567-e89b-12d3-a456-426614174000");
    af_batch_release(b);
    CHECK_INT(af_db_rows_next(r, &lim, &b, &err), 0);
    CHECK(b == NULL);
    af_db_rows_close(r);
    CHECK_INT(af_db_end(db, &err), 0);
    af_db_table *tables = NULL;
    size_t n = 0;
    CHECK_INT(af_db_discover(db, NULL, &tables, &n, &err), 0);
    CHECK_INT(n, 2);
    CHECK_STR(tables[0].name, "c");
    CHECK_INT(tables[0].n_columns, 7);
    CHECK_STR(tables[0].columns[2].db_type, "NUMERIC(8,3)");
    CHECK(!tables[0].columns[1].field.nullable);
    CHECK_STR(tables[0].primary_key.items[0], "id");
    CHECK_INT(tables[0].row_estimate, 2);
    CHECK_STR(tables[1].foreign_keys.items[0], "c_id -> c(id)");
    af_db_tables_free(tables, n);
    af_buf_reset(&t);
    CHECK_INT(af_db_quote_ident(db, "we\"ird", &t), 0);
    CHECK_STR(af_buf_cstr(&t), "\"we\"\"ird\"");
    af_buf_free(&t);
    af_db_close(db);
    af_db_url_free(&u);
    unlink(path);
}

static int count_rejects(void *ctx, int64_t row, const char *raw, size_t raw_len,
                         const char *reason, af_error *err)
{
    (void)err;
    int *n = ctx;
    (*n)++;
    CHECK_INT(row, 2);
    CHECK_STR(reason, "column 'v': 'x' is not an integer");
    CHECK_INT(raw_len, 9);
    CHECK(memcmp(raw, "{\"v\":\"x\"}", 9) == 0);
    return 0;
}

TEST(sqlite_values_that_do_not_fit_go_to_the_reject_handler)
{
    char *path = make_db();
    char url[128];
    snprintf(url, sizeof url, "sqlite://%s", path);
    af_db_url u;
    af_error err = {0};
    CHECK_INT(af_db_url_parse(url, NULL, NULL, &u, &err), 0);
    af_db *db = NULL;
    CHECK_INT(af_db_open(&u, &(af_db_session){.read_only = false}, &db, &err), 0);
    af_db_rows *r = NULL;
    CHECK_INT(af_db_query(db, "CREATE TABLE t(v INTEGER)", NULL, 0, NULL, &r, &err), 0);
    af_db_rows_close(r);
    CHECK_INT(af_db_query(db, "INSERT INTO t VALUES (1),('x'),(3)", NULL, 0, NULL, &r, &err), 0);
    af_db_rows_close(r);
    int rejects = 0;
    af_db_reject rj = {count_rejects, &rejects};
    CHECK_INT(af_db_query(db, "SELECT v FROM t", NULL, 0, &rj, &r, &err), 0);
    af_batch *b = NULL;
    af_batch_limits lim = AF_BATCH_DEFAULT_LIMITS;
    CHECK_INT(af_db_rows_next(r, &lim, &b, &err), 0);
    CHECK_INT(b->n_rows, 2);
    CHECK_INT(rejects, 1);
    af_batch_release(b);
    af_db_rows_close(r);
    /* without a handler the row is an error naming it */
    CHECK_INT(af_db_query(db, "SELECT v FROM t", NULL, 0, NULL, &r, &err), 0);
    CHECK_INT(af_db_rows_next(r, &lim, &b, &err), AF_EPARSE);
    CHECK(strstr(err.msg, ": row 2: column 'v': 'x' is not an integer") != NULL);
    af_db_rows_close(r);
    af_db_close(db);
    af_db_url_free(&u);
    unlink(path);
}

TEST_MAIN()
