/* test_lake_table.c - lake tables (lake/table.h) on a local store: write
 * modes, partitions, schema evolution, retention, races between writers,
 * rollback and vacuum with a fixed clock, checkpoints. Every check reads
 * the table back through the Delta log, the way `lake cat` does. */
#include "test.h"

#include "core/hashmap.h"
#include "lake/table.h"

#include <unistd.h>

static char *new_lake(void)
{
    static char tmpl[64];
    snprintf(tmpl, sizeof tmpl, "/tmp/af_lake_XXXXXX");
    return mkdtemp(tmpl);
}

static af_store *open_store(const char *dir)
{
    af_store *st = NULL;
    af_error err = {0};
    CHECK_INT(af_store_open(dir, &st, &err), 0);
    return st;
}

/* Schema id int64, name string, day date (NULL name = null value). */
static af_schema *people_schema(bool with_flag)
{
    af_schema *s = af_schema_new();
    af_schema_add_simple(s, "id", af_type_make(AF_TYPE_INT64), false);
    af_schema_add_simple(s, "name", af_type_make(AF_TYPE_STRING), true);
    af_schema_add_simple(s, "day", af_type_make(AF_TYPE_DATE), true);
    if (with_flag)
        af_schema_add_simple(s, "gone", af_type_make(AF_TYPE_BOOL), true);
    return s;
}

/* Rows "id:name:day[:gone]" separated by spaces; day is days since epoch. */
static af_batch *people(const char *rows, bool with_flag)
{
    af_schema *s = people_schema(with_flag);
    af_batch *b = af_batch_new(s);
    af_schema_free(s);
    char buf[512];
    snprintf(buf, sizeof buf, "%s", rows);
    for (char *save = NULL, *tok = strtok_r(buf, " ", &save); tok;
         tok = strtok_r(NULL, " ", &save)) {
        long long id, day;
        char name[64];
        int gone = 0;
        int n = sscanf(tok, "%lld:%63[^:]:%lld:%d", &id, name, &day, &gone);
        CHECK(n >= 3);
        af_array_append_int(&b->columns[0], id);
        if (strcmp(name, "-") == 0)
            af_array_append_null(&b->columns[1]);
        else
            af_array_append_bytes(&b->columns[1], name, strlen(name));
        af_array_append_int(&b->columns[2], day);
        if (with_flag)
            af_array_append_bool(&b->columns[3], gone != 0);
    }
    af_error err = {0};
    af_batch_seal(b, &err);
    return b;
}

static int write_table(af_store *st, const char *table, const char *rows, af_table_options *o,
                       af_table_result *res, af_error *err)
{
    bool flag = o->delete_column != NULL;
    af_batch *b = people(rows, flag);
    af_table_writer *w = NULL;
    int rc = af_table_writer_open(st, table, b->schema, o, &w, err);
    if (!rc)
        rc = af_table_writer_write(w, b, err);
    if (!rc)
        rc = af_table_writer_commit(w, res, err);
    af_table_writer_free(w);
    af_batch_release(b);
    return rc;
}

/* The table's rows at a version as "id:name:day" sorted by id, comma-joined. */
static char *rows_at(af_store *st, const char *table, int64_t version)
{
    af_error err = {0};
    af_delta_snapshot *s = NULL;
    if (af_delta_snapshot_load(st, table, version, &s, &err)) {
        fprintf(stderr, "rows_at: %s\n", err.msg);
        return strdup("<error>");
    }
    af_table_reader *r = NULL;
    CHECK_INT(af_table_reader_open(st, table, s, NULL, 0, NULL, &r, &err), 0);
    char *lines[256];
    long long ids[256];
    size_t n = 0;
    bool failed = false;
    for (;;) {
        af_batch *b = NULL;
        if (af_table_reader_next(r, &b, NULL, &err)) {
            failed = true; /* e.g. a vacuumed file: the caller expects "<error>" */
            break;
        }
        if (!b)
            break;
        for (int64_t i = 0; i < b->n_rows && n < 256; i++) {
            af_buf line;
            af_buf_init(&line);
            for (size_t c = 0; c < b->schema->n_fields; c++) {
                if (c)
                    af_buf_append_byte(&line, ':');
                if (af_array_format_value(&b->columns[c], i, &line) == 1)
                    af_buf_append_str(&line, "-");
            }
            ids[n] = af_array_get_int(&b->columns[0], i);
            lines[n++] = strdup(af_buf_cstr(&line));
            af_buf_free(&line);
        }
        af_batch_release(b);
    }
    af_table_reader_free(r);
    af_delta_snapshot_free(s);
    /* sort by id */
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && ids[j - 1] > ids[j]; j--) {
            long long t = ids[j];
            ids[j] = ids[j - 1];
            ids[j - 1] = t;
            char *l = lines[j];
            lines[j] = lines[j - 1];
            lines[j - 1] = l;
        }
    af_buf out;
    af_buf_init(&out);
    for (size_t i = 0; i < n; i++) {
        if (i)
            af_buf_append_byte(&out, ',');
        af_buf_append_str(&out, lines[i]);
        free(lines[i]);
    }
    char *res = strdup(failed ? "<error>" : n ? af_buf_cstr(&out) : "");
    af_buf_free(&out);
    return res;
}

#define CHECK_ROWS(st, table, version, expected)                                                   \
    do {                                                                                           \
        char *got_ = rows_at(st, table, version);                                                  \
        CHECK_STR(got_, expected);                                                                 \
        free(got_);                                                                                \
    } while (0)

static size_t live_files(af_store *st, const char *table)
{
    af_delta_snapshot *s = NULL;
    af_error err = {0};
    if (af_delta_snapshot_load(st, table, -1, &s, &err))
        return (size_t)-1;
    size_t n = s->n_files;
    af_delta_snapshot_free(s);
    return n;
}

TEST(append_creates_then_adds_versions)
{
    af_store *st = open_store(new_lake());
    af_table_options o;
    af_table_options_default(&o);
    af_table_result res;
    af_error err = {0};
    CHECK_INT(write_table(st, "processed/t", "1:a:0 2:b:1", &o, &res, &err), 0);
    CHECK_INT(res.version, 0);
    CHECK_INT(res.rows_written, 2);
    CHECK_INT(write_table(st, "processed/t", "3:-:2", &o, &res, &err), 0);
    CHECK_INT(res.version, 1);
    CHECK_ROWS(st, "processed/t", -1, "1:a:1970-01-01,2:b:1970-01-02,3:-:1970-01-03");
    CHECK_ROWS(st, "processed/t", 0, "1:a:1970-01-01,2:b:1970-01-02");
    /* nothing written: no new version */
    CHECK_INT(write_table(st, "processed/t", "", &o, &res, &err), 0);
    CHECK_INT(res.version, -1);
    int64_t latest = -1;
    CHECK_INT(af_delta_latest_version(st, "processed/t", &latest, &err), 0);
    CHECK_INT(latest, 1);
    af_store_free(st);
}

TEST(partitions_are_hive_folders_and_not_in_files)
{
    char *dir = new_lake();
    af_store *st = open_store(dir);
    af_table_options o;
    af_table_options_default(&o);
    const char *parts[] = {"day"};
    o.partition_by = parts;
    o.n_partition_by = 1;
    af_table_result res;
    af_error err = {0};
    CHECK_INT(write_table(st, "processed/p", "1:a:0 2:b:1 3:c:0", &o, &res, &err), 0);
    CHECK_INT(res.files_added, 2);
    af_delta_snapshot *s = NULL;
    CHECK_INT(af_delta_snapshot_load(st, "processed/p", -1, &s, &err), 0);
    CHECK_INT(s->n_files, 2);
    CHECK(strncmp(s->files[0].path, "day=1970-01-01/part-", 20) == 0);
    CHECK(strncmp(s->files[1].path, "day=1970-01-02/part-", 20) == 0);
    bool found;
    CHECK_STR(af_delta_file_partition(&s->files[0], "day", &found), "1970-01-01");
    CHECK_INT(s->files[0].num_records, 2);
    CHECK(strstr(s->files[0].stats, "\"minValues\":{\"id\":1,\"name\":\"a\"}") != NULL);
    CHECK(strstr(s->files[0].stats, "\"maxValues\":{\"id\":3,\"name\":\"c\"}") != NULL);
    CHECK_STR(s->metadata.partition_columns.items[0], "day");
    af_delta_snapshot_free(s);
    CHECK_ROWS(st, "processed/p", -1, "1:a:1970-01-01,2:b:1970-01-02,3:c:1970-01-01");
    af_store_free(st);
}

TEST(derived_date_parts_from_a_timestamp)
{
    af_store *st = open_store(new_lake());
    af_schema *s = af_schema_new();
    af_schema_add_simple(s, "ts", af_type_timestamp(AF_UNIT_MICRO, "UTC"), false);
    af_batch *b = af_batch_new(s);
    af_schema_free(s);
    /* 2024-01-31T23:30:00Z and 2024-02-01T00:10:00Z */
    af_array_append_int(&b->columns[0], 1706743800000000LL);
    af_array_append_int(&b->columns[0], 1706746200000000LL);
    af_error err = {0};
    af_batch_seal(b, &err);
    af_table_options o;
    af_table_options_default(&o);
    const char *parts[] = {"ts:day", "h=ts:hour"};
    o.partition_by = parts;
    o.n_partition_by = 2;
    af_table_writer *w = NULL;
    CHECK_INT(af_table_writer_open(st, "processed/ev", b->schema, &o, &w, &err), 0);
    const af_schema *ts = af_table_writer_schema(w);
    CHECK_INT(ts->n_fields, 3);
    CHECK_STR(ts->fields[1].name, "ts_day");
    CHECK_INT(ts->fields[1].type.id, AF_TYPE_DATE);
    CHECK_STR(ts->fields[2].name, "h");
    CHECK_INT(af_table_writer_write(w, b, &err), 0);
    af_table_result res;
    CHECK_INT(af_table_writer_commit(w, &res, &err), 0);
    af_table_writer_free(w);
    af_batch_release(b);
    af_delta_snapshot *snap = NULL;
    CHECK_INT(af_delta_snapshot_load(st, "processed/ev", -1, &snap, &err), 0);
    CHECK_INT(snap->n_files, 2);
    CHECK(strncmp(snap->files[0].path, "ts_day=2024-01-31/h=23/", 23) == 0);
    CHECK(strncmp(snap->files[1].path, "ts_day=2024-02-01/h=0/", 22) == 0);
    af_delta_snapshot_free(snap);
    /* bad specs name themselves */
    const char *bad[] = {"ts:week"};
    o.partition_by = bad;
    o.n_partition_by = 1;
    af_schema *s2 = af_schema_new();
    af_schema_add_simple(s2, "ts", af_type_timestamp(AF_UNIT_MICRO, "UTC"), false);
    CHECK_INT(af_table_writer_open(st, "processed/ev2", s2, &o, &w, &err), AF_ECONFIG);
    CHECK_STR(err.msg, "partition_by 'ts:week': unknown part 'week' (year, month, day or hour)");
    af_schema_free(s2);
    af_store_free(st);
}

TEST(overwrite_whole_table_and_partitions_only)
{
    af_store *st = open_store(new_lake());
    af_table_options o;
    af_table_options_default(&o);
    const char *parts[] = {"day"};
    o.partition_by = parts;
    o.n_partition_by = 1;
    af_table_result res;
    af_error err = {0};
    CHECK_INT(write_table(st, "processed/o", "1:a:0 2:b:1 3:c:2", &o, &res, &err), 0);
    o.mode = AF_TABLE_OVERWRITE;
    o.overwrite_partitions_only = true;
    CHECK_INT(write_table(st, "processed/o", "4:d:1", &o, &res, &err), 0);
    CHECK_INT(res.files_removed, 1);
    CHECK_ROWS(st, "processed/o", -1, "1:a:1970-01-01,3:c:1970-01-03,4:d:1970-01-02");
    o.overwrite_partitions_only = false;
    CHECK_INT(write_table(st, "processed/o", "5:e:0", &o, &res, &err), 0);
    CHECK_INT(res.files_removed, 3);
    CHECK_ROWS(st, "processed/o", -1, "5:e:1970-01-01");
    CHECK_ROWS(st, "processed/o", 1, "1:a:1970-01-01,3:c:1970-01-03,4:d:1970-01-02");
    af_store_free(st);
}

TEST(merge_upserts_deletes_and_last_row_wins)
{
    af_store *st = open_store(new_lake());
    af_table_options o;
    af_table_options_default(&o);
    o.mode = AF_TABLE_MERGE;
    const char *key[] = {"id"};
    o.key = key;
    o.n_key = 1;
    o.delete_column = "gone";
    af_table_result res;
    af_error err = {0};
    CHECK_INT(write_table(st, "processed/m", "1:a:0:0 2:b:0:0 3:c:0:0", &o, &res, &err), 0);
    /* 2 updated, 3 deleted, 4 inserted twice (the second wins), 5 inserted then deleted */
    CHECK_INT(write_table(st, "processed/m", "2:B:1:0 3:x:0:1 4:d:0:0 4:D:2:0 5:e:0:0 5:e:0:1", &o,
                          &res, &err),
              0);
    CHECK_INT(res.rows_updated, 1);
    CHECK_INT(res.rows_deleted, 1);
    CHECK_ROWS(st, "processed/m", -1, "1:a:1970-01-01,2:B:1970-01-02,4:D:1970-01-03");
    /* the delete column is not stored */
    af_delta_snapshot *s = NULL;
    CHECK_INT(af_delta_snapshot_load(st, "processed/m", -1, &s, &err), 0);
    CHECK_INT(s->schema->n_fields, 3);
    af_delta_snapshot_free(s);
    /* merge needs a key */
    o.n_key = 0;
    CHECK_INT(write_table(st, "processed/m", "9:z:0:0", &o, &res, &err), AF_ECONFIG);
    CHECK_STR(err.msg, "processed/m: mode merge needs key columns (key: [id])");
    af_store_free(st);
}

TEST(schema_evolution_adds_widens_and_refuses)
{
    af_store *st = open_store(new_lake());
    af_error err = {0};
    af_table_options o;
    af_table_options_default(&o);
    /* version 0: a int32 */
    af_schema *s0 = af_schema_new();
    af_schema_add_simple(s0, "a", af_type_make(AF_TYPE_INT32), false);
    af_batch *b0 = af_batch_new(s0);
    af_array_append_int(&b0->columns[0], 7);
    af_batch_seal(b0, &err);
    af_table_writer *w = NULL;
    af_table_result res;
    CHECK_INT(af_table_writer_open(st, "processed/e", s0, &o, &w, &err), 0);
    CHECK_INT(af_table_writer_write(w, b0, &err), 0);
    CHECK_INT(af_table_writer_commit(w, &res, &err), 0);
    af_table_writer_free(w);
    /* version 1: a int64 (widened) and a new column b */
    af_schema *s1 = af_schema_new();
    af_schema_add_simple(s1, "a", af_type_make(AF_TYPE_INT64), false);
    af_schema_add_simple(s1, "b", af_type_make(AF_TYPE_STRING), false);
    af_batch *b1 = af_batch_new(s1);
    af_array_append_int(&b1->columns[0], 5000000000LL);
    af_array_append_bytes(&b1->columns[1], "x", 1);
    af_batch_seal(b1, &err);
    CHECK_INT(af_table_writer_open(st, "processed/e", s1, &o, &w, &err), 0);
    CHECK_INT(af_table_writer_write(w, b1, &err), 0);
    CHECK_INT(af_table_writer_commit(w, &res, &err), 0);
    CHECK(res.schema_changed);
    af_table_writer_free(w);
    af_delta_snapshot *s = NULL;
    CHECK_INT(af_delta_snapshot_load(st, "processed/e", -1, &s, &err), 0);
    CHECK_INT(s->schema->fields[0].type.id, AF_TYPE_INT64);
    CHECK(s->schema->fields[1].nullable);
    CHECK_INT(s->protocol.min_reader, 3);
    CHECK(af_strlist_find(&s->protocol.reader_features, "typeWidening") >= 0);
    af_table_reader *r = NULL;
    CHECK_INT(af_table_reader_open(st, "processed/e", s, NULL, 0, NULL, &r, &err), 0);
    int64_t sum = 0, nulls = 0;
    for (;;) {
        af_batch *b = NULL;
        CHECK_INT(af_table_reader_next(r, &b, NULL, &err), 0);
        if (!b)
            break;
        for (int64_t i = 0; i < b->n_rows; i++) {
            sum += af_array_get_int(&b->columns[0], i);
            nulls += !af_array_is_valid(&b->columns[1], i);
        }
        af_batch_release(b);
    }
    CHECK_INT(sum, 5000000007LL); /* the old int32 file is read as int64 */
    CHECK_INT(nulls, 1);          /* and has no b */
    af_table_reader_free(r);
    af_delta_snapshot_free(s);
    /* version 2: a as string is incompatible */
    af_schema *s2 = af_schema_new();
    af_schema_add_simple(s2, "a", af_type_make(AF_TYPE_STRING), false);
    CHECK_INT(af_table_writer_open(st, "processed/e", s2, &o, &w, &err), AF_ECONFIG);
    CHECK_STR(err.msg, "processed/e: column a is int64 in the table but the stream gives "
                       "string; cast it in the pipeline, or set on_schema_change: "
                       "new_table_version to start a new version of the table with the "
                       "stream's schema");
    /* unless a new table version is asked for */
    o.new_table_version = true;
    af_batch *b2 = af_batch_new(s2);
    af_array_append_bytes(&b2->columns[0], "z", 1);
    af_batch_seal(b2, &err);
    CHECK_INT(af_table_writer_open(st, "processed/e", s2, &o, &w, &err), 0);
    CHECK_INT(af_table_writer_write(w, b2, &err), 0);
    CHECK_INT(af_table_writer_commit(w, &res, &err), 0);
    af_table_writer_free(w);
    CHECK_ROWS(st, "processed/e", -1, "z");
    af_batch_release(b0);
    af_batch_release(b1);
    af_batch_release(b2);
    af_schema_free(s0);
    af_schema_free(s1);
    af_schema_free(s2);
    af_store_free(st);
}

TEST(retention_drops_old_day_partitions_with_a_fixed_clock)
{
    af_store *st = open_store(new_lake());
    af_table_options o;
    af_table_options_default(&o);
    const char *parts[] = {"day"};
    o.partition_by = parts;
    o.n_partition_by = 1;
    o.retention_days = 2;
    af_table_result res;
    af_error err = {0};
    setenv("AFFLUENT_NOW", "1970-01-05T12:00:00Z", 1); /* day 4 */
    /* days 0..3 */
    CHECK_INT(write_table(st, "processed/r", "1:a:0 2:b:1 3:c:2 4:d:3", &o, &res, &err), 0);
    /* the next append drops the partitions before day 2 (1970-01-03) */
    CHECK_INT(write_table(st, "processed/r", "5:e:4", &o, &res, &err), 0);
    CHECK_INT(res.files_removed, 2);
    CHECK_ROWS(st, "processed/r", -1, "3:c:1970-01-03,4:d:1970-01-04,5:e:1970-01-05");
    unsetenv("AFFLUENT_NOW");
    af_store_free(st);
}

TEST(racing_appends_both_land_and_overwrite_conflicts)
{
    af_store *st = open_store(new_lake());
    af_table_options o;
    af_table_options_default(&o);
    af_table_result res;
    af_error err = {0};
    CHECK_INT(write_table(st, "processed/c", "1:a:0", &o, &res, &err), 0);
    /* two writers read version 0 */
    af_batch *b1 = people("2:b:0", false), *b2 = people("3:c:0", false);
    af_table_writer *w1 = NULL, *w2 = NULL;
    CHECK_INT(af_table_writer_open(st, "processed/c", b1->schema, &o, &w1, &err), 0);
    CHECK_INT(af_table_writer_open(st, "processed/c", b2->schema, &o, &w2, &err), 0);
    CHECK_INT(af_table_writer_write(w1, b1, &err), 0);
    CHECK_INT(af_table_writer_write(w2, b2, &err), 0);
    CHECK_INT(af_table_writer_commit(w1, &res, &err), 0);
    CHECK_INT(res.version, 1);
    CHECK_INT(af_table_writer_commit(w2, &res, &err), 0); /* retried at 2 */
    CHECK_INT(res.version, 2);
    af_table_writer_free(w1);
    af_table_writer_free(w2);
    CHECK_ROWS(st, "processed/c", -1, "1:a:1970-01-01,2:b:1970-01-01,3:c:1970-01-01");
    /* an overwrite that read version 2 loses to an append committed meanwhile */
    af_table_options ow = o;
    ow.mode = AF_TABLE_OVERWRITE;
    CHECK_INT(af_table_writer_open(st, "processed/c", b1->schema, &ow, &w1, &err), 0);
    CHECK_INT(af_table_writer_open(st, "processed/c", b2->schema, &o, &w2, &err), 0);
    CHECK_INT(af_table_writer_write(w1, b1, &err), 0);
    CHECK_INT(af_table_writer_write(w2, b2, &err), 0);
    CHECK_INT(af_table_writer_commit(w2, &res, &err), 0);
    CHECK_INT(af_table_writer_commit(w1, &res, &err), AF_ECONFLICT);
    CHECK(strstr(err.msg, "processed/c: version 3 (WRITE) added files while this write") != NULL);
    af_table_writer_free(w1);
    af_table_writer_free(w2);
    /* the loser left nothing: 4 rows, and no data file outside the log */
    CHECK_ROWS(st, "processed/c", -1,
               "1:a:1970-01-01,2:b:1970-01-01,3:c:1970-01-01,3:c:1970-01-01");
    af_strlist del = {0};
    int64_t bytes;
    CHECK_INT(af_table_vacuum(st, "processed/c", 0, true, &del, &bytes, &err), 0);
    CHECK_INT(del.len, 0);
    af_strlist_free(&del);
    af_batch_release(b1);
    af_batch_release(b2);
    af_store_free(st);
}

TEST(rollback_time_travel_and_vacuum_with_fixed_clock)
{
    af_store *st = open_store(new_lake());
    af_table_options o;
    af_table_options_default(&o);
    o.mode = AF_TABLE_SNAPSHOT;
    af_table_result res;
    af_error err = {0};
    setenv("AFFLUENT_NOW", "2026-01-01T00:00:00Z", 1);
    CHECK_INT(write_table(st, "processed/s", "1:a:0", &o, &res, &err), 0);
    setenv("AFFLUENT_NOW", "2026-01-02T00:00:00Z", 1);
    CHECK_INT(write_table(st, "processed/s", "2:b:0", &o, &res, &err), 0);
    setenv("AFFLUENT_NOW", "2026-01-03T00:00:00Z", 1);
    CHECK_INT(write_table(st, "processed/s", "3:c:0", &o, &res, &err), 0);
    /* as of Jan 2nd noon: version 1 */
    af_delta_snapshot *s = NULL;
    CHECK_INT(af_delta_snapshot_as_of(st, "processed/s", 1767355200000LL, &s, &err), 0);
    CHECK_INT(s->version, 1);
    af_delta_snapshot_free(s);
    CHECK_INT(af_delta_snapshot_as_of(st, "processed/s", 1767139200000LL, &s, &err), AF_ENOTFOUND);
    /* rollback to version 0 is a new version */
    CHECK_INT(af_table_rollback(st, "processed/s", 0, "r1", &res, &err), 0);
    CHECK_INT(res.version, 3);
    CHECK_ROWS(st, "processed/s", -1, "1:a:1970-01-01");
    /* vacuum keeping 1.5 days: version 1's file (replaced on Jan 3rd) is still
     * needed by time travel to Jan 2nd; with 0 days only version 0's file stays */
    setenv("AFFLUENT_NOW", "2026-01-03T12:00:00Z", 1);
    af_strlist del = {0};
    int64_t bytes;
    CHECK_INT(af_table_vacuum(st, "processed/s", 36LL * 3600 * 1000, false, &del, &bytes, &err), 0);
    CHECK_INT(del.len, 0);
    af_strlist_free(&del);
    setenv("AFFLUENT_NOW", "2026-01-10T00:00:00Z", 1);
    CHECK_INT(af_table_vacuum(st, "processed/s", 0, false, &del, &bytes, &err), 0);
    CHECK_INT(del.len, 2); /* the files of versions 1 and 2 */
    af_strlist_free(&del);
    CHECK_ROWS(st, "processed/s", -1, "1:a:1970-01-01");
    CHECK_ROWS(st, "processed/s", 1, "<error>");
    unsetenv("AFFLUENT_NOW");
    af_store_free(st);
}

TEST(checkpoint_every_ten_versions_and_replay_from_it)
{
    char *dir = new_lake();
    af_store *st = open_store(dir);
    af_table_options o;
    af_table_options_default(&o);
    af_table_result res;
    af_error err = {0};
    char rows[32];
    for (int i = 0; i < 12; i++) {
        snprintf(rows, sizeof rows, "%d:n%d:0", i, i);
        CHECK_INT(write_table(st, "processed/k", rows, &o, &res, &err), 0);
    }
    af_store_entry e;
    CHECK_INT(af_store_stat(st, "processed/k/_delta_log/00000000000000000010.checkpoint.parquet",
                            &e, &err),
              0);
    CHECK_INT(af_store_stat(st, "processed/k/_delta_log/_last_checkpoint", &e, &err), 0);
    /* with commits 0..9 gone, the checkpoint alone gives the state */
    char path[128];
    for (int v = 0; v < 10; v++) {
        snprintf(path, sizeof path, "processed/k/_delta_log/%020d.json", v);
        CHECK_INT(af_store_delete(st, path, &err), 0);
    }
    CHECK_INT(live_files(st, "processed/k"), 12);
    CHECK_ROWS(st, "processed/k", -1,
               "0:n0:1970-01-01,1:n1:1970-01-01,2:n2:1970-01-01,3:n3:1970-01-01,4:n4:1970-01-01,"
               "5:n5:1970-01-01,6:n6:1970-01-01,7:n7:1970-01-01,8:n8:1970-01-01,9:n9:1970-01-01,"
               "10:n10:1970-01-01,11:n11:1970-01-01");
    af_store_free(st);
}

TEST(compaction_keeps_rows_and_reduces_files)
{
    af_store *st = open_store(new_lake());
    af_table_options o;
    af_table_options_default(&o);
    af_table_result res;
    af_error err = {0};
    for (int i = 0; i < 4; i++) {
        char rows[32];
        snprintf(rows, sizeof rows, "%d:x:0", i);
        CHECK_INT(write_table(st, "processed/cp", rows, &o, &res, &err), 0);
    }
    CHECK_INT(live_files(st, "processed/cp"), 4);
    CHECK_INT(af_table_compact(st, "processed/cp", 0, "c1", &res, &err), 0);
    CHECK_INT(res.files_removed, 4);
    CHECK_INT(res.files_added, 1);
    CHECK_INT(live_files(st, "processed/cp"), 1);
    CHECK_ROWS(st, "processed/cp", -1,
               "0:x:1970-01-01,1:x:1970-01-01,2:x:1970-01-01,3:x:1970-01-01");
    CHECK_INT(af_table_compact(st, "processed/cp", 0, "c2", &res, &err), 0);
    CHECK_INT(res.version, -1); /* nothing left to compact */
    af_store_free(st);
}

TEST(file_size_target_open_file_limit_and_memory_budget)
{
    af_store *st = open_store(new_lake());
    af_error err = {0};
    af_table_options o;
    af_table_options_default(&o);
    const char *parts[] = {"day"};
    o.partition_by = parts;
    o.n_partition_by = 1;
    o.target_file_bytes = 1; /* every write closes its file */
    o.max_open_files = 2;
    /* 3 partitions, 4 rows each, written one row per call */
    af_table_writer *w = NULL;
    af_batch *probe = people("0:x:0", false);
    CHECK_INT(af_table_writer_open(st, "processed/f", probe->schema, &o, &w, &err), 0);
    for (int i = 0; i < 12; i++) {
        char row[32];
        snprintf(row, sizeof row, "%d:r:%d", i, i % 3);
        af_batch *b = people(row, false);
        CHECK_INT(af_table_writer_write(w, b, &err), 0);
        af_batch_release(b);
    }
    af_table_result res;
    CHECK_INT(af_table_writer_commit(w, &res, &err), 0);
    af_table_writer_free(w);
    CHECK_INT(res.files_added, 12); /* one file per row: each reached the target */
    CHECK_INT(live_files(st, "processed/f"), 12);
    /* a large target with 2 open files among 3 partitions: the least recently
     * used file closes, so partitions get more than one file, never rows lost */
    o.target_file_bytes = (int64_t)1 << 30;
    CHECK_INT(af_table_writer_open(st, "processed/g", probe->schema, &o, &w, &err), 0);
    for (int i = 0; i < 12; i++) {
        char row[32];
        snprintf(row, sizeof row, "%d:r:%d", i, i % 3);
        af_batch *b = people(row, false);
        CHECK_INT(af_table_writer_write(w, b, &err), 0);
        af_batch_release(b);
    }
    CHECK_INT(af_table_writer_commit(w, &res, &err), 0);
    af_table_writer_free(w);
    CHECK_INT(res.rows_written, 12);
    CHECK(res.files_added > 3);
    /* with the limit above the partitions, one file each */
    o.max_open_files = 8;
    o.memory_bytes = 1; /* every write flushes its row group: files keep several */
    CHECK_INT(af_table_writer_open(st, "processed/h", probe->schema, &o, &w, &err), 0);
    for (int i = 0; i < 12; i++) {
        char row[32];
        snprintf(row, sizeof row, "%d:r:%d", i, i % 3);
        af_batch *b = people(row, false);
        CHECK_INT(af_table_writer_write(w, b, &err), 0);
        af_batch_release(b);
    }
    CHECK_INT(af_table_writer_commit(w, &res, &err), 0);
    af_table_writer_free(w);
    CHECK_INT(res.files_added, 3);
    /* each of the 4 writes to a partition flushed its row group */
    af_delta_snapshot *snap = NULL;
    CHECK_INT(af_delta_snapshot_load(st, "processed/h", -1, &snap, &err), 0);
    char obj[512];
    snprintf(obj, sizeof obj, "processed/h/%s", snap->files[0].path);
    af_blob *blob = NULL;
    CHECK_INT(af_store_blob_open(st, obj, &blob, &err), 0);
    af_parquet_read_options ro = {.limits = AF_BATCH_DEFAULT_LIMITS};
    af_parquet_reader *pr = NULL;
    CHECK_INT(af_parquet_reader_open(blob, &ro, &pr, &err), 0);
    int selected = 0, total = 0;
    af_parquet_reader_row_groups(pr, &selected, &total);
    CHECK_INT(total, 4);
    af_parquet_reader_free(pr);
    af_blob_close(blob);
    af_delta_snapshot_free(snap);
    CHECK_ROWS(st, "processed/h", -1,
               "0:r:1970-01-01,1:r:1970-01-02,2:r:1970-01-03,3:r:1970-01-01,4:r:1970-01-02,"
               "5:r:1970-01-03,6:r:1970-01-01,7:r:1970-01-02,8:r:1970-01-03,9:r:1970-01-01,"
               "10:r:1970-01-02,11:r:1970-01-03");
    af_batch_release(probe);
    af_store_free(st);
}

TEST_MAIN()
