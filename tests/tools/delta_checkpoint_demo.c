/* delta_checkpoint_demo.c - writes a Delta checkpoint of a hand-made table
 * state into a lake folder, for tests/integration/test_delta_checkpoint.sh,
 * where DuckDB (an independent Parquet reader) reads it back.
 *
 * Usage: delta_checkpoint_demo LAKE_DIR
 * Writes processed/demo/_delta_log/00000000000000000010.checkpoint.parquet
 * and _last_checkpoint, reads the checkpoint back with our reader and
 * prints what it read, one line per fact, so the test compares both
 * readers with the same expected values:
 *   protocol R W readerFeatures writerFeatures
 *   partitionColumns a,b
 *   add PATH SIZE {partition values as JSON}
 *   remove PATH
 *   txn APP VERSION
 *   schema SCHEMASTRING
 */
#include "lake/delta_log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(const char *what, const af_error *err)
{
    fprintf(stderr, "delta_checkpoint_demo: %s: %s\n", what, err->msg);
    return 1;
}

static void set_pv(af_delta_file *f, const char *region, const char *day)
{
    f->n_partition = 2;
    f->partition = calloc(2, sizeof *f->partition);
    f->partition[0].column = af_strdup("region");
    f->partition[0].value = af_strdup(region);
    f->partition[1].column = af_strdup("day");
    f->partition[1].value = af_strdup(day);
}

static void print_pv(const af_delta_file *f)
{
    /* the same text DuckDB's to_json gives for the map */
    printf("{");
    for (size_t i = 0; i < f->n_partition; i++) {
        printf("%s\"%s\":", i ? "," : "", f->partition[i].column);
        if (f->partition[i].value)
            printf("\"%s\"", f->partition[i].value);
        else
            printf("null");
    }
    printf("}");
}

static void print_list(const af_strlist *l)
{
    if (!l->len)
        printf("-");
    for (size_t i = 0; i < l->len; i++)
        printf("%s%s", i ? "," : "", l->items[i]);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: delta_checkpoint_demo LAKE_DIR\n");
        return 2;
    }
    af_error err = {0};
    af_store *st = NULL;
    if (af_store_open(argv[1], &st, &err))
        return fail(argv[1], &err);

    af_schema *schema = af_schema_new();
    af_schema_add_simple(schema, "id", af_type_make(AF_TYPE_INT64), false);
    af_schema_add_simple(schema, "amount", af_type_decimal(19, 4), true);
    af_schema_add_simple(schema, "seen", af_type_timestamp(AF_UNIT_MICRO, NULL), true);
    af_schema_add_simple(schema, "region", af_type_make(AF_TYPE_STRING), true);
    af_schema_add_simple(schema, "day", af_type_make(AF_TYPE_DATE), true);

    af_delta_snapshot *s = calloc(1, sizeof *s);
    s->version = 10;
    af_delta_protocol_for(schema, &s->protocol);
    af_buf ss;
    af_buf_init(&ss);
    if (af_delta_schema_encode(schema, &ss, &err))
        return fail("schema", &err);
    s->metadata.id = af_strdup("00000000-0000-4000-8000-000000000010");
    s->metadata.name = af_strdup("demo");
    s->metadata.schema_string = af_strdup(af_buf_cstr(&ss));
    af_strlist_push(&s->metadata.partition_columns, "region");
    af_strlist_push(&s->metadata.partition_columns, "day");
    s->metadata.n_configuration = 1;
    s->metadata.configuration = calloc(1, sizeof *s->metadata.configuration);
    s->metadata.configuration[0].key = af_strdup("delta.checkpointInterval");
    s->metadata.configuration[0].value = af_strdup("10");
    s->metadata.created_ms = 1769860800000;

    s->n_txns = 1;
    s->txns = calloc(1, sizeof *s->txns);
    s->txns[0].app_id = af_strdup("affluent:demo");
    s->txns[0].version = 7;
    s->txns[0].last_updated_ms = 1769860801000;

    static const char *const regions[3] = {NULL, "eu west", "us"};
    static const char *const days[3] = {"2026-01-30", "2026-01-30", "2026-01-31"};
    static const char *const paths[3] = {
        "region=__HIVE_DEFAULT_PARTITION__/day=2026-01-30/part-00000-a.parquet",
        "region=eu%20west/day=2026-01-30/part-00000-b.parquet",
        "region=us/day=2026-01-31/part-00000-c.parquet"};
    s->n_files = 3;
    s->files = calloc(3, sizeof *s->files);
    for (int i = 0; i < 3; i++) {
        s->files[i].path = af_strdup(paths[i]);
        set_pv(&s->files[i], regions[i], days[i]);
        s->files[i].size = 1000 + i;
        s->files[i].mtime_ms = 1769860000000 + i;
        s->files[i].data_change = true;
        char stats[64];
        snprintf(stats, sizeof stats, "{\"numRecords\":%d}", 10 * (i + 1));
        s->files[i].stats = af_strdup(stats);
    }
    s->n_tombstones = 1;
    s->tombstones = calloc(1, sizeof *s->tombstones);
    s->tombstones[0].path = af_strdup("region=us/day=2026-01-29/part-00000-old.parquet");
    set_pv(&s->tombstones[0], "us", "2026-01-29");
    s->tombstones[0].size = 777;
    s->tombstones[0].deletion_ms = 1769860900000;
    s->tombstones[0].data_change = true;

    if (af_delta_checkpoint_write(st, "processed/demo", s, &err))
        return fail("checkpoint write", &err);

    af_delta_snapshot *back = calloc(1, sizeof *back);
    if (af_delta_checkpoint_read(st, "processed/demo", 10, back, &err))
        return fail("checkpoint read", &err);
    printf("protocol %d %d ", back->protocol.min_reader, back->protocol.min_writer);
    print_list(&back->protocol.reader_features);
    printf(" ");
    print_list(&back->protocol.writer_features);
    printf("\npartitionColumns ");
    print_list(&back->metadata.partition_columns);
    printf("\n");
    for (size_t i = 0; i < back->n_files; i++) {
        printf("add %s %lld ", back->files[i].path, (long long)back->files[i].size);
        print_pv(&back->files[i]);
        printf("\n");
    }
    for (size_t i = 0; i < back->n_tombstones; i++)
        printf("remove %s\n", back->tombstones[i].path);
    for (size_t i = 0; i < back->n_txns; i++)
        printf("txn %s %lld\n", back->txns[i].app_id, (long long)back->txns[i].version);
    printf("schema %s\n", back->metadata.schema_string);

    af_delta_snapshot_free(back);
    af_delta_snapshot_free(s);
    af_schema_free(schema);
    af_buf_free(&ss);
    af_store_free(st);
    return 0;
}
