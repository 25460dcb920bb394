/* test_delta_checkpoint.c - Delta checkpoints written and read back through
 * a local store: every field of every action survives, empty tables and
 * tables larger than one batch work, _last_checkpoint names the checkpoint,
 * and checkpoints laid out by other writers (other column order, extra and
 * missing columns, stats_parsed) are read by name. */
#include "formats/parquet/parquet.h"
#include "lake/delta_log.h"
#include "test.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TABLE "processed/orders"
#define CKPT10 TABLE "/_delta_log/00000000000000000010.checkpoint.parquet"

static char root[256];

static af_store *open_store(void)
{
    snprintf(root, sizeof root, "/tmp/af_test_ckpt_XXXXXX");
    CHECK(mkdtemp(root) != NULL);
    af_store *s = NULL;
    af_error err = {0};
    CHECK_INT(af_store_open(root, &s, &err), 0);
    return s;
}

static void close_store(af_store *s)
{
    af_store_free(s);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    CHECK_INT(system(cmd), 0);
}

static char *read_object(af_store *s, const char *path)
{
    af_buf b;
    af_buf_init(&b);
    af_error err = {0};
    af_store_entry e = {0};
    if (af_store_stat(s, path, &e, &err) != 0)
        return NULL;
    free(e.path);
    CHECK_INT(af_store_read_range(s, path, 0, (size_t)e.size, &b, &err), 0);
    char *out = af_strdup(af_buf_cstr(&b));
    af_buf_free(&b);
    return out;
}

static void set_pv(af_delta_file *f, const char *const *kv, size_t n)
{
    f->partition = calloc(n, sizeof *f->partition);
    f->n_partition = n;
    for (size_t i = 0; i < n; i++) {
        f->partition[i].column = af_strdup(kv[2 * i]);
        f->partition[i].value = af_strdup(kv[2 * i + 1]);
    }
}

static af_delta_snapshot *hand_snapshot(void)
{
    af_delta_snapshot *s = calloc(1, sizeof *s);
    s->version = 10;
    s->protocol.min_reader = 3;
    s->protocol.min_writer = 7;
    af_strlist_push(&s->protocol.reader_features, "timestampNtz");
    af_strlist_push(&s->protocol.writer_features, "timestampNtz");
    af_strlist_push(&s->protocol.writer_features, "appendOnly");

    af_delta_metadata *m = &s->metadata;
    m->id = af_strdup("5e0c41b4-5f7c-4a5e-9a0e-000000000001");
    m->name = af_strdup("orders");
    m->description = af_strdup("Orders, one row per order line");
    m->schema_string = af_strdup(
        "{\"type\":\"struct\",\"fields\":[{\"name\":\"id\",\"type\":\"long\",\"nullable\":false,"
        "\"metadata\":{}},{\"name\":\"region\",\"type\":\"string\",\"nullable\":true,"
        "\"metadata\":{}},{\"name\":\"day\",\"type\":\"date\",\"nullable\":true,\"metadata\":{}}]"
        "}");
    af_strlist_push(&m->partition_columns, "region");
    af_strlist_push(&m->partition_columns, "day");
    m->n_configuration = 2;
    m->configuration = calloc(2, sizeof *m->configuration);
    m->configuration[0].key = af_strdup("delta.appendOnly");
    m->configuration[0].value = af_strdup("true");
    m->configuration[1].key = af_strdup("affluent.retention_days");
    m->configuration[1].value = af_strdup("30");
    m->created_ms = 1769860800000;

    s->n_txns = 1;
    s->txns = calloc(1, sizeof *s->txns);
    s->txns[0].app_id = af_strdup("affluent:orders");
    s->txns[0].version = 42;
    s->txns[0].last_updated_ms = 1769860801234;

    s->n_files = 3;
    s->files = calloc(3, sizeof *s->files);
    static const char *const pv0[] = {"region", NULL, "day", "2026-01-30"};
    static const char *const pv1[] = {"region", "eu west", "day", "2026-01-30"};
    static const char *const pv2[] = {"region", "us", "day", "2026-01-31"};
    const char *const *pvs[] = {pv0, pv1, pv2};
    static const char *const paths[] = {
        "region=__HIVE_DEFAULT_PARTITION__/day=2026-01-30/part-00000-a.parquet",
        "region=eu%20west/day=2026-01-30/part-00000-b.parquet",
        "region=us/day=2026-01-31/part-00000-c.parquet"};
    for (int i = 0; i < 3; i++) {
        af_delta_file *f = &s->files[i];
        f->path = af_strdup(paths[i]);
        set_pv(f, pvs[i], 2);
        f->size = 1000 + i;
        f->mtime_ms = 1769860000000 + i;
        f->data_change = i != 1;
        f->num_records = i == 2 ? -1 : 5 + i;
    }
    s->files[0].stats =
        af_strdup("{\"numRecords\":5,\"minValues\":{\"id\":1},\"maxValues\":{\"id\":"
                  "5},\"nullCount\":{\"id\":0}}");
    s->files[1].stats = af_strdup("{\"numRecords\":6}");

    s->n_tombstones = 1;
    s->tombstones = calloc(1, sizeof *s->tombstones);
    af_delta_file *t = &s->tombstones[0];
    t->path = af_strdup("region=us/day=2026-01-29/part-00000-old.parquet");
    static const char *const pvt[] = {"region", "us", "day", "2026-01-29"};
    set_pv(t, pvt, 2);
    t->size = 777;
    t->deletion_ms = 1769860900000;
    t->data_change = true;
    t->num_records = -1;
    return s;
}

static void check_file(const af_delta_file *got, const af_delta_file *want, bool is_add)
{
    CHECK_STR(got->path, want->path);
    CHECK_INT(got->size, want->size);
    CHECK_INT(got->data_change, want->data_change);
    if (is_add) {
        CHECK_INT(got->mtime_ms, want->mtime_ms);
        CHECK_INT(got->num_records, want->num_records);
        if (want->stats)
            CHECK_STR(got->stats, want->stats);
        else
            CHECK(got->stats == NULL);
    } else {
        CHECK_INT(got->deletion_ms, want->deletion_ms);
    }
    CHECK_INT(got->n_partition, want->n_partition);
    for (size_t i = 0; i < got->n_partition && i < want->n_partition; i++) {
        CHECK_STR(got->partition[i].column, want->partition[i].column);
        if (want->partition[i].value)
            CHECK_STR(got->partition[i].value, want->partition[i].value);
        else
            CHECK(got->partition[i].value == NULL);
    }
}

static void check_strlist(const af_strlist *got, const af_strlist *want)
{
    CHECK_INT(got->len, want->len);
    for (size_t i = 0; i < got->len && i < want->len; i++)
        CHECK_STR(got->items[i], want->items[i]);
}

static void check_same(const af_delta_snapshot *got, const af_delta_snapshot *want)
{
    CHECK_INT(got->protocol.min_reader, want->protocol.min_reader);
    CHECK_INT(got->protocol.min_writer, want->protocol.min_writer);
    check_strlist(&got->protocol.reader_features, &want->protocol.reader_features);
    check_strlist(&got->protocol.writer_features, &want->protocol.writer_features);
    const af_delta_metadata *g = &got->metadata, *w = &want->metadata;
    CHECK_STR(g->id, w->id);
    if (w->name)
        CHECK_STR(g->name, w->name);
    else
        CHECK(g->name == NULL);
    if (w->description)
        CHECK_STR(g->description, w->description);
    else
        CHECK(g->description == NULL);
    CHECK_STR(g->schema_string, w->schema_string);
    check_strlist(&g->partition_columns, &w->partition_columns);
    CHECK_INT(g->n_configuration, w->n_configuration);
    for (size_t i = 0; i < g->n_configuration && i < w->n_configuration; i++) {
        CHECK_STR(g->configuration[i].key, w->configuration[i].key);
        CHECK_STR(g->configuration[i].value, w->configuration[i].value);
    }
    CHECK_INT(g->created_ms, w->created_ms);
    CHECK_INT(got->n_txns, want->n_txns);
    for (size_t i = 0; i < got->n_txns && i < want->n_txns; i++) {
        CHECK_STR(got->txns[i].app_id, want->txns[i].app_id);
        CHECK_INT(got->txns[i].version, want->txns[i].version);
        CHECK_INT(got->txns[i].last_updated_ms, want->txns[i].last_updated_ms);
    }
    CHECK_INT(got->n_files, want->n_files);
    for (size_t i = 0; i < got->n_files && i < want->n_files; i++)
        check_file(&got->files[i], &want->files[i], true);
    CHECK_INT(got->n_tombstones, want->n_tombstones);
    for (size_t i = 0; i < got->n_tombstones && i < want->n_tombstones; i++)
        check_file(&got->tombstones[i], &want->tombstones[i], false);
}

TEST(write_and_read_every_field)
{
    af_store *st = open_store();
    af_delta_snapshot *s = hand_snapshot();
    af_error err = {0};
    CHECK_INT(af_delta_checkpoint_write(st, TABLE, s, &err), 0);
    if (err.code)
        fprintf(stderr, "  %s\n", err.msg);
    char *last = read_object(st, TABLE "/_delta_log/_last_checkpoint");
    /* protocol + metaData + 1 txn + 3 adds + 1 remove */
    CHECK_STR(last, "{\"version\":10,\"size\":7}");
    free(last);

    af_delta_snapshot *back = calloc(1, sizeof *back);
    back->version = 12; /* the caller's version is left alone */
    CHECK_INT(af_delta_checkpoint_read(st, TABLE, 10, back, &err), 0);
    if (err.code)
        fprintf(stderr, "  %s\n", err.msg);
    CHECK_INT(back->version, 12);
    check_same(back, s);
    af_delta_snapshot_free(back);

    /* no staging objects are left behind: only the two files */
    af_store_entry *e = NULL;
    size_t n = 0;
    CHECK_INT(af_store_list(st, TABLE "/_delta_log/", &e, &n, &err), 0);
    CHECK_INT(n, 2);
    if (n == 2) {
        CHECK_STR(e[0].path, CKPT10);
        CHECK_STR(e[1].path, TABLE "/_delta_log/_last_checkpoint");
    }
    af_store_entries_free(e, n);
    af_delta_snapshot_free(s);
    close_store(st);
}

TEST(last_checkpoint_never_goes_back)
{
    af_store *st = open_store();
    af_delta_snapshot *s = hand_snapshot();
    af_error err = {0};
    s->version = 20;
    CHECK_INT(af_delta_checkpoint_write(st, TABLE, s, &err), 0);
    /* a slower writer finishing the checkpoint of version 10 afterwards */
    s->version = 10;
    CHECK_INT(af_delta_checkpoint_write(st, TABLE, s, &err), 0);
    char *last = read_object(st, TABLE "/_delta_log/_last_checkpoint");
    CHECK_STR(last, "{\"version\":20,\"size\":7}");
    free(last);
    /* both checkpoints are there and readable */
    af_delta_snapshot *back = calloc(1, sizeof *back);
    CHECK_INT(af_delta_checkpoint_read(st, TABLE, 10, back, &err), 0);
    CHECK_INT(back->n_files, 3);
    af_delta_snapshot_free(back);
    back = calloc(1, sizeof *back);
    CHECK_INT(af_delta_checkpoint_read(st, TABLE, 20, back, &err), 0);
    CHECK_INT(back->n_files, 3);
    af_delta_snapshot_free(back);
    /* an unreadable pointer is replaced */
    CHECK_INT(af_store_put(st, TABLE "/_delta_log/_last_checkpoint", "garbage", 7, &err), 0);
    s->version = 11;
    CHECK_INT(af_delta_checkpoint_write(st, TABLE, s, &err), 0);
    last = read_object(st, TABLE "/_delta_log/_last_checkpoint");
    CHECK_STR(last, "{\"version\":11,\"size\":7}");
    free(last);
    af_delta_snapshot_free(s);
    close_store(st);
}

TEST(files_come_back_sorted)
{
    af_store *st = open_store();
    af_delta_snapshot *s = hand_snapshot();
    /* reverse the order on write; the reader sorts by path */
    af_delta_file tmp = s->files[0];
    s->files[0] = s->files[2];
    s->files[2] = tmp;
    af_error err = {0};
    CHECK_INT(af_delta_checkpoint_write(st, TABLE, s, &err), 0);
    af_delta_snapshot *back = calloc(1, sizeof *back);
    CHECK_INT(af_delta_checkpoint_read(st, TABLE, 10, back, &err), 0);
    CHECK_INT(back->n_files, 3);
    if (back->n_files == 3) {
        CHECK_STR(back->files[0].path,
                  "region=__HIVE_DEFAULT_PARTITION__/day=2026-01-30/part-00000-a.parquet");
        CHECK_STR(back->files[1].path, "region=eu%20west/day=2026-01-30/part-00000-b.parquet");
        CHECK_STR(back->files[2].path, "region=us/day=2026-01-31/part-00000-c.parquet");
        CHECK_INT(back->files[0].size, 1000);
        CHECK_INT(back->files[2].size, 1002);
    }
    af_delta_snapshot_free(back);
    af_delta_snapshot_free(s);
    close_store(st);
}

TEST(empty_table)
{
    af_store *st = open_store();
    af_delta_snapshot *s = calloc(1, sizeof *s);
    s->version = 0;
    s->protocol.min_reader = 1;
    s->protocol.min_writer = 2;
    s->metadata.id = af_strdup("id-0");
    s->metadata.schema_string = af_strdup("{\"type\":\"struct\",\"fields\":[]}");
    s->metadata.created_ms = 5;
    af_error err = {0};
    CHECK_INT(af_delta_checkpoint_write(st, "processed/e", s, &err), 0);
    char *last = read_object(st, "processed/e/_delta_log/_last_checkpoint");
    CHECK_STR(last, "{\"version\":0,\"size\":2}");
    free(last);
    af_delta_snapshot *back = calloc(1, sizeof *back);
    CHECK_INT(af_delta_checkpoint_read(st, "processed/e", 0, back, &err), 0);
    check_same(back, s);
    CHECK(back->metadata.name == NULL);
    CHECK(back->metadata.description == NULL);
    CHECK_INT(back->n_files, 0);
    CHECK(back->files == NULL);
    af_delta_snapshot_free(back);
    af_delta_snapshot_free(s);
    close_store(st);
}

TEST(many_files_span_several_batches)
{
    af_store *st = open_store();
    af_delta_snapshot *s = calloc(1, sizeof *s);
    s->version = 120;
    s->protocol.min_reader = 1;
    s->protocol.min_writer = 2;
    s->metadata.id = af_strdup("id-big");
    s->metadata.schema_string = af_strdup("{\"type\":\"struct\",\"fields\":[]}");
    af_strlist_push(&s->metadata.partition_columns, "day");
    enum { N = 25000 };
    s->n_files = N;
    s->files = calloc(N, sizeof *s->files);
    for (int i = 0; i < N; i++) {
        af_delta_file *f = &s->files[i];
        char p[64], d[16];
        snprintf(d, sizeof d, "2026-01-%02d", 1 + i % 28);
        snprintf(p, sizeof p, "day=%s/part-%06d.parquet", d, i);
        f->path = af_strdup(p);
        const char *pv[] = {"day", d};
        set_pv(f, pv, 1);
        f->size = i;
        f->mtime_ms = 1000000 + i;
        f->data_change = true;
        char stats[48];
        snprintf(stats, sizeof stats, "{\"numRecords\":%d}", i * 2);
        f->stats = af_strdup(stats);
        f->num_records = i * 2;
    }
    af_error err = {0};
    CHECK_INT(af_delta_checkpoint_write(st, "processed/big", s, &err), 0);
    char *last = read_object(st, "processed/big/_delta_log/_last_checkpoint");
    CHECK_STR(last, "{\"version\":120,\"size\":25002}");
    free(last);
    af_delta_snapshot *back = calloc(1, sizeof *back);
    CHECK_INT(af_delta_checkpoint_read(st, "processed/big", 120, back, &err), 0);
    CHECK_INT(back->n_files, N);
    /* sorted by path: day=2026-01-01 holds i = 0, 28, 56, ... */
    if (back->n_files == N) {
        CHECK_STR(back->files[0].path, "day=2026-01-01/part-000000.parquet");
        CHECK_STR(back->files[1].path, "day=2026-01-01/part-000028.parquet");
        CHECK_STR(back->files[N - 1].path, "day=2026-01-28/part-024975.parquet");
        long long sum = 0, recs = 0;
        int bad = 0;
        for (int i = 0; i < N; i++) {
            const af_delta_file *f = &back->files[i];
            sum += f->size;
            recs += f->num_records;
            bool found = false;
            const char *day = af_delta_file_partition(f, "day", &found);
            if (!found || !day || strncmp(f->path + 4, day, 10) != 0 ||
                f->mtime_ms != 1000000 + f->size)
                bad++;
        }
        CHECK_INT(sum, (long long)N * (N - 1) / 2);
        CHECK_INT(recs, (long long)N * (N - 1));
        CHECK_INT(bad, 0);
    }
    af_delta_snapshot_free(back);

    /* the Parquet file holds every row */
    af_blob *b = NULL;
    CHECK_INT(af_store_blob_open(
                  st, "processed/big/_delta_log/00000000000000000120.checkpoint.parquet", &b, &err),
              0);
    af_parquet_reader *r = NULL;
    CHECK_INT(af_parquet_reader_open(b, NULL, &r, &err), 0);
    CHECK_INT(af_parquet_reader_num_rows(r), N + 2);
    af_parquet_reader_free(r);
    af_blob_close(b);
    af_delta_snapshot_free(s);
    close_store(st);
}

/* ---- checkpoints of other writers ---- */

static int file_sink(void *ctx, const void *data, size_t n, af_error *err)
{
    return fwrite(data, 1, n, ctx) == n ? 0 : af_error_set(err, AF_EIO, "short write");
}

static void add_field(af_field *parent, const char *name, af_type_id id)
{
    af_field f;
    af_field_init(&f, name, af_type_make(id), true);
    af_field_add_child(parent, &f);
    af_field_free(&f);
}

static void add_map(af_field *parent, const char *name)
{
    af_field m, e, k;
    af_field_init(&m, name, af_type_make(AF_TYPE_MAP), true);
    af_field_init(&e, "entries", af_type_make(AF_TYPE_STRUCT), false);
    af_field_init(&k, "key", af_type_make(AF_TYPE_STRING), false);
    af_field_add_child(&e, &k);
    add_field(&e, "value", AF_TYPE_STRING);
    af_field_add_child(&m, &e);
    af_field_add_child(parent, &m);
    af_field_free(&m);
    af_field_free(&e);
    af_field_free(&k);
}

static void put_s(af_array *a, const char *s)
{
    CHECK_INT(s ? af_array_append_bytes(a, s, strlen(s)) : af_array_append_null(a), 0);
}

/* Writes the batch as the Parquet object at `path` under the store root. */
static void write_parquet(const char *path, const af_batch *b)
{
    char full[512], dir[600];
    snprintf(full, sizeof full, "%s/%s", root, path);
    snprintf(dir, sizeof dir, "mkdir -p \"$(dirname '%s')\"", full);
    CHECK_INT(system(dir), 0);
    FILE *f = fopen(full, "wb");
    CHECK(f != NULL);
    af_parquet_writer *w = NULL;
    af_error err = {0};
    af_byte_sink sink = {file_sink, f};
    CHECK_INT(af_parquet_writer_open(sink, b->schema, NULL, &w, &err), 0);
    CHECK_INT(af_parquet_writer_write(w, b, &err), 0);
    CHECK_INT(af_parquet_writer_finish(w, &err), 0);
    af_parquet_writer_free(w);
    fclose(f);
}

/* Columns: commitInfo (extra), add with stats_parsed, tags and the fields
 * in another order, protocol with the versions swapped, metaData without
 * name/description/configuration; no txn, no remove. */
TEST(reads_foreign_layouts_by_name)
{
    af_store *st = open_store();
    af_schema *sc = af_schema_new();
    af_field ci, add, sp, pr, md, pc, fmt;
    af_field_init(&ci, "commitInfo", af_type_make(AF_TYPE_STRUCT), true);
    add_field(&ci, "operation", AF_TYPE_STRING);
    af_field_init(&add, "add", af_type_make(AF_TYPE_STRUCT), true);
    af_field_init(&sp, "stats_parsed", af_type_make(AF_TYPE_STRUCT), true);
    add_field(&sp, "numRecords", AF_TYPE_INT64);
    af_field_add_child(&add, &sp);
    add_field(&add, "size", AF_TYPE_INT64);
    add_field(&add, "path", AF_TYPE_STRING);
    add_map(&add, "tags");
    add_map(&add, "partitionValues");
    add_field(&add, "dataChange", AF_TYPE_BOOL);
    add_field(&add, "modificationTime", AF_TYPE_INT64);
    af_field_init(&pr, "protocol", af_type_make(AF_TYPE_STRUCT), true);
    add_field(&pr, "minWriterVersion", AF_TYPE_INT32);
    add_field(&pr, "minReaderVersion", AF_TYPE_INT32);
    af_field_init(&md, "metaData", af_type_make(AF_TYPE_STRUCT), true);
    add_field(&md, "schemaString", AF_TYPE_STRING);
    af_field_init(&fmt, "format", af_type_make(AF_TYPE_STRUCT), true);
    add_field(&fmt, "provider", AF_TYPE_STRING);
    af_field_add_child(&md, &fmt);
    add_field(&md, "id", AF_TYPE_STRING);
    af_field_init(&pc, "partitionColumns", af_type_make(AF_TYPE_LIST), true);
    add_field(&pc, "item", AF_TYPE_STRING);
    af_field_add_child(&md, &pc);
    add_field(&md, "createdTime", AF_TYPE_INT64);
    af_schema_add(sc, &ci);
    af_schema_add(sc, &add);
    af_schema_add(sc, &pr);
    af_schema_add(sc, &md);
    af_field *all[] = {&ci, &add, &sp, &pr, &md, &pc, &fmt};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        af_field_free(all[i]);

    af_batch *b = af_batch_new(sc);
    af_array *c_ci = &b->columns[0], *c_add = &b->columns[1], *c_pr = &b->columns[2],
             *c_md = &b->columns[3];
    /* row 0: commitInfo only */
    put_s(&c_ci->children[0], "WRITE");
    CHECK_INT(af_array_append_struct_row(c_ci), 0);
    CHECK_INT(af_array_append_null(c_add), 0);
    CHECK_INT(af_array_append_null(c_pr), 0);
    CHECK_INT(af_array_append_null(c_md), 0);
    /* row 1: protocol */
    CHECK_INT(af_array_append_null(c_ci), 0);
    CHECK_INT(af_array_append_null(c_add), 0);
    CHECK_INT(af_array_append_int(&c_pr->children[0], 2), 0);
    CHECK_INT(af_array_append_int(&c_pr->children[1], 1), 0);
    CHECK_INT(af_array_append_struct_row(c_pr), 0);
    CHECK_INT(af_array_append_null(c_md), 0);
    /* row 2: metaData */
    CHECK_INT(af_array_append_null(c_ci), 0);
    CHECK_INT(af_array_append_null(c_add), 0);
    CHECK_INT(af_array_append_null(c_pr), 0);
    put_s(&c_md->children[0], "{\"type\":\"struct\",\"fields\":[]}");
    put_s(&c_md->children[1].children[0], "parquet");
    CHECK_INT(af_array_append_struct_row(&c_md->children[1]), 0);
    put_s(&c_md->children[2], "spark-id");
    put_s(&c_md->children[3].children[0], "p");
    CHECK_INT(af_array_append_list_row(&c_md->children[3], 1), 0);
    CHECK_INT(af_array_append_int(&c_md->children[4], 77), 0);
    CHECK_INT(af_array_append_struct_row(c_md), 0);
    /* rows 3, 4: adds (no stats string; numRecords from stats_parsed) */
    for (int i = 0; i < 2; i++) {
        CHECK_INT(af_array_append_null(c_ci), 0);
        af_array *s = &c_add->children[0];
        if (i == 0) {
            CHECK_INT(af_array_append_int(&s->children[0], 9), 0);
            CHECK_INT(af_array_append_struct_row(s), 0);
        } else {
            CHECK_INT(af_array_append_null(s), 0);
        }
        CHECK_INT(af_array_append_int(&c_add->children[1], 100 + i), 0);
        put_s(&c_add->children[2], i == 0 ? "p=b/f.parquet" : "p=a/f.parquet");
        af_array *tags = &c_add->children[3];
        put_s(&tags->children[0].children[0], "INSERTION_TIME");
        put_s(&tags->children[0].children[1], "1");
        CHECK_INT(af_array_append_struct_row(&tags->children[0]), 0);
        CHECK_INT(af_array_append_list_row(tags, 1), 0);
        af_array *pv = &c_add->children[4];
        put_s(&pv->children[0].children[0], "p");
        put_s(&pv->children[0].children[1], i == 0 ? "b" : "a");
        CHECK_INT(af_array_append_struct_row(&pv->children[0]), 0);
        CHECK_INT(af_array_append_list_row(pv, 1), 0);
        CHECK_INT(af_array_append_bool(&c_add->children[5], false), 0);
        CHECK_INT(af_array_append_int(&c_add->children[6], 555), 0);
        CHECK_INT(af_array_append_struct_row(c_add), 0);
        CHECK_INT(af_array_append_null(c_pr), 0);
        CHECK_INT(af_array_append_null(c_md), 0);
    }
    af_error err = {0};
    CHECK_INT(af_batch_seal(b, &err), 0);
    write_parquet(CKPT10, b);
    af_batch_release(b);
    af_schema_free(sc);

    af_delta_snapshot *back = calloc(1, sizeof *back);
    CHECK_INT(af_delta_checkpoint_read(st, TABLE, 10, back, &err), 0);
    if (err.code)
        fprintf(stderr, "  %s\n", err.msg);
    CHECK_INT(back->protocol.min_reader, 1);
    CHECK_INT(back->protocol.min_writer, 2);
    CHECK_INT(back->protocol.reader_features.len, 0);
    CHECK_STR(back->metadata.id, "spark-id");
    CHECK(back->metadata.name == NULL);
    CHECK_INT(back->metadata.n_configuration, 0);
    CHECK_INT(back->metadata.created_ms, 77);
    CHECK_INT(back->metadata.partition_columns.len, 1);
    CHECK_INT(back->n_txns, 0);
    CHECK_INT(back->n_tombstones, 0);
    CHECK_INT(back->n_files, 2);
    if (back->n_files == 2) {
        CHECK_STR(back->files[0].path, "p=a/f.parquet");
        CHECK_INT(back->files[0].size, 101);
        CHECK_INT(back->files[0].num_records, -1);
        CHECK_STR(back->files[1].path, "p=b/f.parquet");
        CHECK_INT(back->files[1].num_records, 9);
        CHECK_INT(back->files[1].mtime_ms, 555);
        CHECK(!back->files[1].data_change);
        CHECK(back->files[1].stats == NULL);
        CHECK_INT(back->files[1].n_partition, 1);
        if (back->files[1].n_partition == 1)
            CHECK_STR(back->files[1].partition[0].value, "b");
    }
    af_delta_snapshot_free(back);
    close_store(st);
}

static void check_read_error(af_store *st, int64_t version, int code, const char *msg)
{
    af_delta_snapshot *back = calloc(1, sizeof *back);
    af_error err = {0};
    CHECK_INT(af_delta_checkpoint_read(st, TABLE, version, back, &err), code);
    CHECK_STR(err.msg, msg);
    CHECK_INT(back->n_files, 0);
    CHECK(back->metadata.id == NULL);
    af_delta_snapshot_free(back);
}

TEST(read_errors_name_the_object)
{
    af_store *st = open_store();
    af_delta_snapshot *back = calloc(1, sizeof *back);
    af_error err = {0};
    CHECK_INT(af_delta_checkpoint_read(st, TABLE, 10, back, &err), AF_ENOTFOUND);
    CHECK_CONTAINS(err.msg, CKPT10);
    af_delta_snapshot_free(back);

    /* a Parquet file that is no checkpoint */
    af_schema *sc = af_schema_new();
    af_schema_add_simple(sc, "x", af_type_make(AF_TYPE_INT32), true);
    af_batch *b = af_batch_new(sc);
    CHECK_INT(af_array_append_int(&b->columns[0], 1), 0);
    CHECK_INT(af_batch_seal(b, &err), 0);
    write_parquet(CKPT10, b);
    af_batch_release(b);
    af_schema_free(sc);
    check_read_error(st, 10, AF_EPARSE,
                     CKPT10 ": not a Delta checkpoint (none of the columns txn, add, remove, "
                            "metaData, protocol)");

    /* add.size as a string */
    sc = af_schema_new();
    af_field add;
    af_field_init(&add, "add", af_type_make(AF_TYPE_STRUCT), true);
    add_field(&add, "path", AF_TYPE_STRING);
    add_field(&add, "size", AF_TYPE_STRING);
    af_schema_add(sc, &add);
    af_field_free(&add);
    b = af_batch_new(sc);
    put_s(&b->columns[0].children[0], "a.parquet");
    put_s(&b->columns[0].children[1], "12");
    CHECK_INT(af_array_append_struct_row(&b->columns[0]), 0);
    CHECK_INT(af_batch_seal(b, &err), 0);
    write_parquet(CKPT10, b);
    af_batch_release(b);
    af_schema_free(sc);
    check_read_error(st, 10, AF_EPARSE,
                     CKPT10 ": column add.size has type string, which a Delta checkpoint does not "
                            "use there");

    /* adds but no protocol / metaData */
    sc = af_schema_new();
    af_field_init(&add, "add", af_type_make(AF_TYPE_STRUCT), true);
    add_field(&add, "path", AF_TYPE_STRING);
    af_schema_add(sc, &add);
    af_field_free(&add);
    b = af_batch_new(sc);
    put_s(&b->columns[0].children[0], "a.parquet");
    CHECK_INT(af_array_append_struct_row(&b->columns[0]), 0);
    CHECK_INT(af_batch_seal(b, &err), 0);
    write_parquet(CKPT10, b);
    af_batch_release(b);
    af_schema_free(sc);
    check_read_error(st, 10, AF_EPARSE, CKPT10 ": the checkpoint has no protocol action");

    /* a truncated file */
    char full[512];
    snprintf(full, sizeof full, "%s/%s", root, CKPT10);
    CHECK_INT(truncate(full, 20), 0);
    back = calloc(1, sizeof *back);
    CHECK(af_delta_checkpoint_read(st, TABLE, 10, back, &err) != 0);
    CHECK_CONTAINS(err.msg, CKPT10);
    af_delta_snapshot_free(back);
    close_store(st);
}

TEST_MAIN()
