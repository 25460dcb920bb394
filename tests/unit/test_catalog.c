/* test_catalog.c - the lake's catalog (lake/catalog.h): recording merges
 * (history grows and is trimmed, fields replaced, pipeline notes kept when a
 * later writer has none), lineage without secrets, search by name, tag and
 * column description, an index rebuilt from the JSON files after it is
 * deleted or a file is edited by hand, bad input refused with a message,
 * and concurrent recorders (different datasets, and the same one) losing
 * nothing. */
#include "lake/catalog.h"
#include "security/redact.h"
#include "test.h"

#include <pthread.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

static af_error err;

static char *make_root(void)
{
    char tmpl[] = "/tmp/af_catalog_test_XXXXXX";
    char *d = mkdtemp(tmpl);
    return d ? strdup(d) : NULL;
}

static void remove_tree(const char *root)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", root);
}

static af_store *open_lake(const char *root)
{
    af_store *s = NULL;
    CHECK_INT(af_store_open(root, &s, &err), AF_OK);
    return s;
}

static af_schema *orders_schema(bool with_country)
{
    af_schema *s = af_schema_new();
    af_schema_add_simple(s, "id", af_type_make(AF_TYPE_INT64), false);
    af_schema_add_simple(s, "email", af_type_make(AF_TYPE_STRING), true);
    af_schema_add_simple(s, "amount", af_type_decimal(10, 2), true);
    if (with_country)
        af_schema_add_simple(s, "country", af_type_make(AF_TYPE_STRING), true);
    return s;
}

static void orders_meta(af_stream_options *m)
{
    memset(m, 0, sizeof *m);
    m->description = "Orders from the web shop";
    m->owner = "sales-data@example.com";
    af_strlist_push(&m->tags, "sales");
    af_strlist_push(&m->tags, "daily");
    af_src_loc loc = {0};
    af_strmap_put(&m->column_descriptions, "email", "Customer email address", loc);
    af_strmap_put(&m->column_descriptions, "amount", "Order total in euros", loc);
    af_strlist_push(&m->pii, "email");
}

static void meta_free(af_stream_options *m)
{
    af_strlist_free(&m->tags);
    af_strmap_free(&m->column_descriptions);
    af_strlist_free(&m->pii);
}

static json_t *get(af_store *s, const char *name)
{
    json_t *e = NULL;
    CHECK_INT(af_catalog_get(s, name, &e, &err), AF_OK);
    return e;
}

static const char *col_str(json_t *e, size_t col, const char *key)
{
    return json_string_value(
        json_object_get(json_array_get(json_object_get(e, "columns"), col), key));
}

static bool col_pii(json_t *e, size_t col)
{
    return json_is_true(json_object_get(json_array_get(json_object_get(e, "columns"), col), "pii"));
}

static int64_t jint(json_t *o, const char *key)
{
    return (int64_t)json_integer_value(json_object_get(o, key));
}

/* The names a search finds, joined by commas. */
static char *found(af_store *s, const char *text)
{
    af_catalog_summary *v = NULL;
    size_t n = 0;
    int rc = text ? af_catalog_search(s, text, &v, &n, &err) : af_catalog_list(s, &v, &n, &err);
    CHECK_INT(rc, AF_OK);
    af_buf b;
    af_buf_init(&b);
    for (size_t i = 0; i < n; i++)
        af_buf_printf(&b, "%s%s", i ? "," : "", v[i].name);
    af_buf_append_byte(&b, 0);
    af_catalog_summaries_free(v, n);
    return (char *)b.data;
}

#define CHECK_FOUND(store, text, expected)                                                         \
    do {                                                                                           \
        char *f_ = found(store, text);                                                             \
        CHECK_STR(f_, expected);                                                                   \
        free(f_);                                                                                  \
    } while (0)

static int record_orders(af_store *s, const char *name, const af_schema *schema,
                         const af_stream_options *meta, int64_t rows, const char *op)
{
    af_catalog_version v = {
        .version = -1, .operation = op, .rows_added = rows, .files_added = 1, .run_id = "run-1"};
    af_catalog_run run = {.run_id = "run-1"};
    af_catalog_update u = {
        .name = name,
        .zone = "processed",
        .location = "processed/orders",
        .format = "delta",
        .schema = schema,
        .meta = meta,
        .lineage = {.pipeline = "shop",
                    .stream = "orders",
                    .source_type = "csv",
                    .source_uri = "data/orders.csv"},
        .row_count = rows,
        .size_bytes = rows * 100,
        .version = &v,
        .last_run = &run,
    };
    return af_catalog_record(s, &u, &err);
}

TEST(record_twice_grows_history_and_updates_fields)
{
    setenv("AFFLUENT_NOW", "2026-01-31T12:00:00Z", 1);
    char *root = make_root();
    af_store *s = open_lake(root);
    af_schema *sch = orders_schema(false);
    af_stream_options m;
    orders_meta(&m);
    CHECK_INT(record_orders(s, "orders", sch, &m, 3, "append"), AF_OK);
    setenv("AFFLUENT_NOW", "2026-02-01T08:30:00Z", 1);
    CHECK_INT(record_orders(s, "orders", sch, &m, 5, "append"), AF_OK);
    json_t *e = get(s, "orders");
    CHECK_STR(json_string_value(json_object_get(e, "name")), "orders");
    CHECK_STR(json_string_value(json_object_get(e, "zone")), "processed");
    CHECK_STR(json_string_value(json_object_get(e, "format")), "delta");
    CHECK_INT(jint(e, "row_count"), 5);
    CHECK_INT(jint(e, "size_bytes"), 500);
    CHECK_INT(jint(e, "version"), 1);
    CHECK_STR(json_string_value(json_object_get(e, "created_at")), "2026-01-31T12:00:00.000Z");
    CHECK_STR(json_string_value(json_object_get(e, "updated_at")), "2026-02-01T08:30:00.000Z");
    json_t *h = json_object_get(e, "history");
    CHECK_INT(json_array_size(h), 2);
    CHECK_INT(jint(json_array_get(h, 0), "version"), 0);
    CHECK_INT(jint(json_array_get(h, 0), "rows_added"), 3);
    CHECK_INT(jint(json_array_get(h, 1), "version"), 1);
    CHECK_INT(jint(json_array_get(h, 1), "rows_added"), 5);
    CHECK_STR(json_string_value(json_object_get(json_array_get(h, 1), "timestamp")),
              "2026-02-01T08:30:00.000Z");
    CHECK_STR(json_string_value(json_object_get(json_array_get(h, 1), "operation")), "append");
    json_t *run = json_object_get(e, "last_run");
    CHECK_STR(json_string_value(json_object_get(run, "status")), "succeeded");
    CHECK_STR(json_string_value(json_object_get(run, "at")), "2026-02-01T08:30:00.000Z");
    CHECK(json_is_null(json_object_get(e, "quality")));
    json_decref(e);

    /* an explicit version is kept as given; the stored file is pretty JSON */
    af_catalog_version v = {.version = 7, .operation = "rollback"};
    af_catalog_update u = {.name = "orders", .row_count = -1, .size_bytes = -1, .version = &v};
    CHECK_INT(af_catalog_record(s, &u, &err), AF_OK);
    e = get(s, "orders");
    CHECK_INT(jint(e, "version"), 7);
    CHECK_INT(jint(e, "row_count"), 5); /* -1 keeps */
    CHECK_STR(json_string_value(json_object_get(e, "owner")), "sales-data@example.com");
    json_decref(e);
    af_buf text;
    af_buf_init(&text);
    CHECK_INT(af_catalog_get_text(s, "orders", &text, &err), AF_OK);
    CHECK(strncmp(af_buf_cstr(&text), "{\n  \"name\": \"orders\",\n  \"zone\": \"processed\",",
                  44) == 0);
    af_buf_free(&text);
    unsetenv("AFFLUENT_NOW");
    meta_free(&m);
    af_schema_free(sch);
    af_store_free(s);
    remove_tree(root);
    free(root);
}

TEST(pipeline_metadata_kept)
{
    char *root = make_root();
    af_store *s = open_lake(root);
    af_schema *sch = orders_schema(false);
    af_stream_options m;
    orders_meta(&m);
    CHECK_INT(record_orders(s, "orders", sch, &m, 3, "append"), AF_OK);
    json_t *e = get(s, "orders");
    CHECK_STR(json_string_value(json_object_get(e, "description")), "Orders from the web shop");
    CHECK_STR(json_string_value(json_array_get(json_object_get(e, "tags"), 1)), "daily");
    CHECK_STR(col_str(e, 0, "name"), "id");
    CHECK_STR(col_str(e, 0, "type"), "int64");
    CHECK(json_is_null(
        json_object_get(json_array_get(json_object_get(e, "columns"), 0), "description")));
    CHECK_STR(col_str(e, 1, "description"), "Customer email address");
    CHECK(col_pii(e, 1));
    CHECK(!col_pii(e, 2));
    CHECK_STR(col_str(e, 2, "type"), "decimal(10,2)");
    json_decref(e);

    /* a later writer without the pipeline (say `lake compact`) and with a
     * wider schema: descriptions and PII flags stay with their columns */
    af_schema *wide = orders_schema(true);
    af_catalog_version v = {
        .version = -1, .operation = "compact", .files_added = 1, .files_removed = 4};
    af_catalog_update u = {
        .name = "orders", .schema = wide, .row_count = -1, .size_bytes = -1, .version = &v};
    CHECK_INT(af_catalog_record(s, &u, &err), AF_OK);
    e = get(s, "orders");
    CHECK_STR(json_string_value(json_object_get(e, "owner")), "sales-data@example.com");
    CHECK_STR(col_str(e, 1, "description"), "Customer email address");
    CHECK(col_pii(e, 1));
    CHECK_STR(col_str(e, 3, "name"), "country");
    CHECK(!col_pii(e, 3));
    CHECK_STR(json_string_value(json_object_get(json_object_get(e, "lineage"), "source_uri")),
              "data/orders.csv");
    json_decref(e);

    /* a pipeline that changed its notes replaces them */
    af_stream_options m2;
    memset(&m2, 0, sizeof m2);
    m2.owner = "finance@example.com";
    CHECK_INT(record_orders(s, "orders", wide, &m2, 9, "overwrite"), AF_OK);
    e = get(s, "orders");
    CHECK_STR(json_string_value(json_object_get(e, "owner")), "finance@example.com");
    CHECK(json_is_null(json_object_get(e, "description")));
    CHECK_INT(json_array_size(json_object_get(e, "tags")), 0);
    CHECK(!col_pii(e, 1));
    json_decref(e);
    meta_free(&m);
    af_schema_free(sch);
    af_schema_free(wide);
    af_store_free(s);
    remove_tree(root);
    free(root);
}

TEST(lineage_redacted_and_quality_kept)
{
    char *root = make_root();
    af_store *s = open_lake(root);
    af_catalog_update u = {
        .name = "raw/crm/customers",
        .zone = "raw",
        .lineage = {.source_type = "postgres",
                    .source_uri = "postgres://etl:hunter22@db:5432/crm?sslmode=require"},
        .row_count = -1,
        .size_bytes = -1,
        .quality_json = "{\"checks\": 3, \"failed\": 0}",
    };
    CHECK_INT(af_catalog_record(s, &u, &err), AF_OK);
    u.quality_json = NULL;
    u.lineage.source_uri = NULL;
    CHECK_INT(af_catalog_record(s, &u, &err), AF_OK);
    json_t *e = get(s, "raw/crm/customers");
    CHECK_STR(json_string_value(json_object_get(json_object_get(e, "lineage"), "source_uri")),
              "postgres://etl:***@db:5432/crm?sslmode=require");
    CHECK_INT(jint(json_object_get(e, "quality"), "checks"), 3);
    CHECK(json_is_null(json_object_get(e, "version")));
    CHECK_INT(json_array_size(json_object_get(e, "history")), 0);
    json_decref(e);
    struct stat st;
    char path[512];
    snprintf(path, sizeof path, "%s/_catalog/datasets/raw/crm/customers.json", root);
    CHECK_INT(stat(path, &st), 0);
    af_store_free(s);
    remove_tree(root);
    free(root);
}

TEST(bad_input_refused)
{
    char *root = make_root();
    af_store *s = open_lake(root);
    af_catalog_update u = {.name = "../etc", .row_count = -1, .size_bytes = -1};
    CHECK_INT(af_catalog_record(s, &u, &err), AF_EINVAL);
    CHECK_STR(err.msg, "catalog: invalid dataset name '../etc' ('/'-separated segments of "
                       "letters, digits, '_', '-' and '.')");
    u.name = "orders";
    u.zone = "gold";
    CHECK_INT(af_catalog_record(s, &u, &err), AF_EINVAL);
    CHECK_STR(err.msg, "catalog orders: unknown zone 'gold' (processed, curated or raw)");
    u.zone = NULL;
    af_catalog_version v = {.version = -1, .operation = "upsert"};
    u.version = &v;
    CHECK_INT(af_catalog_record(s, &u, &err), AF_EINVAL);
    CHECK_CONTAINS(err.msg, "unknown operation 'upsert' (append, overwrite, merge, snapshot, "
                            "rollback, compact, vacuum or delete)");
    u.version = NULL;
    u.quality_json = "[1, 2]";
    CHECK_INT(af_catalog_record(s, &u, &err), AF_EINVAL);
    CHECK_CONTAINS(err.msg, "quality results must be a JSON object (got another JSON value)");
    json_t *e = NULL;
    CHECK_INT(af_catalog_get(s, "orders", &e, &err), AF_ENOTFOUND);
    char want[600];
    snprintf(want, sizeof want, "no dataset 'orders' in %s", root);
    CHECK_STR(err.msg, want);

    /* a hand-broken entry is reported with its position, never overwritten */
    u.quality_json = NULL;
    CHECK_INT(af_catalog_record(s, &u, &err), AF_OK);
    const char *broken = "{\n  \"name\": \"orders\",\n  \"zone\": processed\n}\n";
    CHECK_INT(af_store_put(s, "_catalog/datasets/orders.json", broken, strlen(broken), &err),
              AF_OK);
    CHECK_INT(af_catalog_record(s, &u, &err), AF_EPARSE);
    snprintf(want, sizeof want, "%s/_catalog/datasets/orders.json:3:", root);
    CHECK(strncmp(err.msg, want, strlen(want)) == 0);
    CHECK_CONTAINS(err.msg, "not valid JSON");
    af_buf b;
    af_buf_init(&b);
    CHECK_INT(af_catalog_get_text(s, "orders", &b, &err), AF_OK);
    CHECK_STR(af_buf_cstr(&b), broken);
    af_buf_free(&b);
    CHECK_FOUND(s, NULL, ""); /* left out of the list */
    af_store_free(s);
    remove_tree(root);
    free(root);
}

static void search_checks(void)
{
    char *root = make_root();
    af_store *s = open_lake(root);
    af_schema *sch = orders_schema(false);
    af_stream_options m;
    orders_meta(&m);
    CHECK_INT(record_orders(s, "orders", sch, &m, 3, "append"), AF_OK);
    af_stream_options m2;
    memset(&m2, 0, sizeof m2);
    m2.description = "Product reviews";
    af_strlist_push(&m2.tags, "marketing");
    CHECK_INT(record_orders(s, "reviews", sch, &m2, 4, "append"), AF_OK);
    CHECK_FOUND(s, NULL, "orders,reviews");
    CHECK_FOUND(s, "daily", "orders");          /* tag */
    CHECK_FOUND(s, "marketing", "reviews");     /* tag */
    CHECK_FOUND(s, "euros", "orders");          /* column description */
    CHECK_FOUND(s, "Customer email", "orders"); /* every word must match */
    CHECK_FOUND(s, "customer reviews", "");     /* in different datasets */
    CHECK_FOUND(s, "review", "reviews");        /* name (prefix) */
    char *both = found(s, "amount");            /* column name; in bm25 order, so either way */
    CHECK(both && (strcmp(both, "orders,reviews") == 0 || strcmp(both, "reviews,orders") == 0));
    free(both);
    CHECK_FOUND(s, "sales-data", "orders"); /* owner; '-' is no operator */
    CHECK_FOUND(s, "\"unbalanced", "");     /* quotes are not syntax */
    CHECK_FOUND(s, "   ", "");
    CHECK_FOUND(s, "euros -", "orders"); /* punctuation alone is no word */
    CHECK_FOUND(s, "NEAR( OR *", "");    /* FTS5 syntax is taken literally */
    af_catalog_summary *v = NULL;
    size_t n = 0;
    CHECK_INT(af_catalog_search(s, "daily", &v, &n, &err), AF_OK);
    CHECK_INT(n, 1);
    if (n == 1) {
        CHECK_STR(v[0].tags, "sales,daily");
        CHECK_STR(v[0].owner, "sales-data@example.com");
        CHECK_INT(v[0].row_count, 3);
        CHECK_INT(v[0].version, 0);
        CHECK_STR(v[0].last_run_status, "succeeded");
        json_t *j = af_catalog_summary_json(&v[0]);
        char *t = json_dumps(j, JSON_COMPACT);
        CHECK_CONTAINS(t, "\"tags\":[\"sales\",\"daily\"],\"row_count\":3,\"size_bytes\":300,"
                          "\"version\":0,");
        free(t);
        json_decref(j);
    }
    af_catalog_summaries_free(v, n);
    meta_free(&m);
    af_strlist_free(&m2.tags);
    af_schema_free(sch);
    af_store_free(s);
    remove_tree(root);
    free(root);
}

TEST(search_by_name_tag_and_column_description)
{
    CHECK(af_catalog_has_fts5()); /* Debian's SQLite has it: the main path is tested */
    search_checks();
}

/* The same searches through the LIKE fallback of a SQLite without FTS5. */
TEST(search_without_fts5)
{
    setenv("AF_CATALOG_NO_FTS", "1", 1);
    search_checks();
    unsetenv("AF_CATALOG_NO_FTS");
}

TEST(index_rebuilt_after_delete_and_hand_edit)
{
    char *root = make_root();
    af_store *s = open_lake(root);
    af_schema *sch = orders_schema(false);
    af_stream_options m;
    orders_meta(&m);
    CHECK_INT(record_orders(s, "orders", sch, &m, 3, "append"), AF_OK);
    CHECK_INT(record_orders(s, "payments", sch, NULL, 3, "append"), AF_OK);
    char idx[512];
    snprintf(idx, sizeof idx, "%s/_catalog/index.sqlite", root);
    CHECK_INT(unlink(idx), 0);
    CHECK_FOUND(s, "euros", "orders");
    CHECK_FOUND(s, NULL, "orders,payments");
    CHECK(access(idx, F_OK) == 0);

    /* edit by hand: a new description is found, the old one no longer */
    af_buf b;
    af_buf_init(&b);
    CHECK_INT(af_catalog_get_text(s, "orders", &b, &err), AF_OK);
    char *text = strdup(af_buf_cstr(&b));
    char *at = strstr(text, "Orders from the web shop");
    CHECK(at != NULL);
    af_buf edited;
    af_buf_init(&edited);
    if (at) {
        af_buf_append(&edited, text, (size_t)(at - text));
        af_buf_append_str(&edited, "Bestellungen aus dem Webshop, edited");
        af_buf_append_str(&edited, at + strlen("Orders from the web shop"));
    }
    CHECK_INT(af_store_put(s, "_catalog/datasets/orders.json", edited.data, edited.len, &err),
              AF_OK);
    CHECK_FOUND(s, "Bestellungen", "orders");
    CHECK_FOUND(s, "web shop", "");

    /* a file removed by hand leaves the index too */
    CHECK_INT(af_store_delete(s, "_catalog/datasets/payments.json", &err), AF_OK);
    CHECK_FOUND(s, NULL, "orders");

    /* a damaged index file is replaced */
    FILE *f = fopen(idx, "wb");
    if (f) {
        fputs("this is not a database, just some bytes that SQLite rejects........", f);
        fclose(f);
    }
    CHECK_FOUND(s, "Bestellungen", "orders");
    free(text);
    af_buf_free(&b);
    af_buf_free(&edited);
    meta_free(&m);
    af_schema_free(sch);
    af_store_free(s);
    remove_tree(root);
    free(root);
}

TEST(history_trimmed_to_the_last_1000)
{
    char *root = make_root();
    af_store *s = open_lake(root);
    af_buf b;
    af_buf_init(&b);
    af_buf_append_str(&b, "{\"name\": \"events\", \"history\": [");
    for (int i = 0; i < AF_CATALOG_MAX_HISTORY; i++)
        af_buf_printf(&b, "%s{\"version\": %d, \"operation\": \"append\"}", i ? "," : "", i);
    af_buf_append_str(&b, "]}");
    CHECK_INT(af_store_put(s, "_catalog/datasets/events.json", b.data, b.len, &err), AF_OK);
    af_catalog_version v = {.version = -1, .operation = "append", .rows_added = 1};
    af_catalog_update u = {.name = "events", .row_count = -1, .size_bytes = -1, .version = &v};
    CHECK_INT(af_catalog_record(s, &u, &err), AF_OK);
    json_t *e = get(s, "events");
    json_t *h = json_object_get(e, "history");
    CHECK_INT(json_array_size(h), AF_CATALOG_MAX_HISTORY);
    CHECK_INT(jint(json_array_get(h, 0), "version"), 1);
    CHECK_INT(jint(json_array_get(h, AF_CATALOG_MAX_HISTORY - 1), "version"),
              AF_CATALOG_MAX_HISTORY);
    CHECK_INT(jint(e, "version"), AF_CATALOG_MAX_HISTORY);
    json_decref(e);
    af_buf_free(&b);
    af_store_free(s);
    remove_tree(root);
    free(root);
}

typedef struct rec_job {
    const char *root;
    const char *name;
    int times;
    int failures;
} rec_job;

static void *recorder(void *arg)
{
    rec_job *j = arg;
    af_store *s = NULL;
    af_error e = {0};
    if (af_store_open(j->root, &s, &e)) {
        j->failures = j->times;
        return NULL;
    }
    for (int i = 0; i < j->times; i++) {
        af_catalog_version v = {.version = -1, .operation = "append", .rows_added = 1};
        af_catalog_update u = {
            .name = j->name, .zone = "processed", .row_count = i, .size_bytes = -1, .version = &v};
        if (af_catalog_record(s, &u, &e)) {
            fprintf(stderr, "recorder %s: %s\n", j->name, e.msg);
            j->failures++;
        }
    }
    af_store_free(s);
    return NULL;
}

static void run_recorders(const char *root, const char *a, const char *b, int times)
{
    rec_job jobs[2] = {{root, a, times, 0}, {root, b, times, 0}};
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        CHECK_INT(pthread_create(&t[i], NULL, recorder, &jobs[i]), 0);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    CHECK_INT(jobs[0].failures, 0);
    CHECK_INT(jobs[1].failures, 0);
}

TEST(concurrent_recorders_both_land)
{
    char *root = make_root();
    run_recorders(root, "clicks", "orders", 25);
    af_store *s = open_lake(root);
    CHECK_FOUND(s, NULL, "clicks,orders");
    json_t *e = get(s, "clicks");
    CHECK_INT(json_array_size(json_object_get(e, "history")), 25);
    CHECK_INT(jint(e, "version"), 24);
    json_decref(e);
    e = get(s, "orders");
    CHECK_INT(json_array_size(json_object_get(e, "history")), 25);
    json_decref(e);

    /* the same dataset from two threads: no history entry is lost */
    run_recorders(root, "shared", "shared", 20);
    e = get(s, "shared");
    json_t *h = json_object_get(e, "history");
    CHECK_INT(json_array_size(h), 40);
    for (size_t i = 0; i < json_array_size(h); i++)
        CHECK_INT(jint(json_array_get(h, i), "version"), (int64_t)i);
    json_decref(e);
    CHECK_FOUND(s, "shared", "shared");
    af_store_free(s);
    remove_tree(root);
    free(root);
}

TEST(empty_lake_lists_nothing_and_creates_nothing)
{
    char *root = make_root();
    af_store *s = open_lake(root);
    CHECK_FOUND(s, NULL, "");
    CHECK_FOUND(s, "anything", "");
    char idx[512];
    snprintf(idx, sizeof idx, "%s/_catalog", root);
    CHECK(access(idx, F_OK) != 0);
    CHECK(af_catalog_name_valid("curated/orders"));
    CHECK(!af_catalog_name_valid("curated//orders"));
    CHECK(!af_catalog_name_valid("a/./b"));
    CHECK(!af_catalog_name_valid("/abs"));
    CHECK(!af_catalog_name_valid("sp ace"));
    char *p = af_catalog_entry_path("curated/orders");
    CHECK_STR(p, "_catalog/datasets/curated/orders.json");
    free(p);
    af_store_free(s);
    remove_tree(root);
    free(root);
}

TEST_MAIN()
