/* table_writer.c - one write transaction on a lake table (table.h): open
 * reads the latest version and settles the schema, write spreads rows over
 * data files, commit writes the Delta log entry the write mode calls for. */
#include "lake/table_internal.h"

#include "core/clock.h"
#include "core/log.h"
#include "core/values.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct af_table_writer {
    af_store *st;
    char *table;
    af_table_options opts;
    af_delta_snapshot *current; /* NULL for a new table */
    af_table_layout layout;
    af_file_set files;
    af_merge_state merge;
    bool duplicate; /* the txn version was committed before: write nothing */
    bool done;
};

void af_table_options_default(af_table_options *o)
{
    memset(o, 0, sizeof *o);
    o->mode = AF_TABLE_APPEND;
    o->target_file_bytes = (int64_t)128 << 20;
    o->max_open_files = 128;
    o->memory_bytes = (int64_t)256 << 20;
    o->txn_version = -1;
    af_parquet_write_options_default(&o->parquet);
}

int af_table_path(const char *name, af_buf *out, af_error *err)
{
    size_t n = strlen(name);
    bool ok = n > 0 && n <= 200 && strcmp(name, ".") != 0 && strcmp(name, "..") != 0;
    for (size_t i = 0; ok && i < n; i++) {
        char c = name[i];
        ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
             c == '_' || c == '-' || c == '.';
    }
    if (!ok)
        return af_error_set(err, AF_EINVAL,
                            "table name '%s' may only use letters, digits, '_', '-' and '.'", name);
    af_buf_reset(out);
    return af_buf_printf(out, "processed/%s", name) ? af_error_set(err, AF_ENOMEM, "out of memory")
                                                    : AF_OK;
}

const af_schema *af_table_writer_schema(const af_table_writer *w)
{
    return w->layout.schema;
}

void af_table_writer_free(af_table_writer *w)
{
    if (!w)
        return;
    if (!w->done)
        af_file_set_discard(&w->files);
    af_file_set_free(&w->files);
    af_merge_free(&w->merge);
    af_table_layout_free(&w->layout);
    af_delta_snapshot_free(w->current);
    free(w->table);
    free(w);
}

int af_table_writer_open(af_store *st, const char *table, const af_schema *input,
                         const af_table_options *o, af_table_writer **out, af_error *err)
{
    *out = NULL;
    if (o->mode == AF_TABLE_MERGE && o->n_key == 0)
        return af_error_set(err, AF_ECONFIG, "%s: mode merge needs key columns (key: [id])", table);
    if (o->mode != AF_TABLE_MERGE && (o->n_key || o->delete_column))
        return af_error_set(err, AF_ECONFIG, "%s: key and delete_column are for mode merge", table);
    af_table_writer *w = calloc(1, sizeof *w);
    if (!w)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    w->st = st;
    w->opts = *o;
    w->table = af_strdup(table);
    af_merge_init(&w->merge);
    w->done = true; /* nothing to discard until files exist */
    if (!w->table) {
        af_table_writer_free(w);
        return af_error_set(err, AF_ENOMEM, "out of memory");
    }
    int rc = af_delta_snapshot_load(st, table, -1, &w->current, err);
    if (rc == AF_ENOTFOUND) {
        af_error_clear(err);
        rc = AF_OK;
    }
    if (!rc)
        rc = af_table_layout_build(input, o, w->current, table, &w->layout, err);
    if (rc) {
        af_table_writer_free(w);
        return rc;
    }
    if (w->current && o->app_id && o->txn_version >= 0 &&
        af_delta_snapshot_txn(w->current, o->app_id) >= o->txn_version) {
        w->duplicate = true;
        af_log_fields(AF_LOG_INFO, "lake.duplicate", (af_log_field[]){AF_LF_S("table", table)}, 1,
                      "%s: transaction %s/%lld was already committed; this write is skipped", table,
                      o->app_id, (long long)o->txn_version);
    }
    af_file_set_init(&w->files, st, w->table, &w->layout, &w->opts);
    w->done = false;
    *out = w;
    return AF_OK;
}

int af_table_writer_write(af_table_writer *w, const af_batch *b, af_error *err)
{
    if (w->duplicate || b->n_rows == 0)
        return AF_OK;
    af_batch *t = NULL;
    int rc = af_table_layout_convert(&w->layout, b, &t, err);
    if (rc)
        return af_error_wrap(err, "%s", w->table);
    if (w->opts.mode != AF_TABLE_MERGE) {
        rc = af_file_set_write(&w->files, t, NULL, err);
        af_batch_release(t);
        return rc;
    }
    int64_t *ids = malloc((size_t)b->n_rows * sizeof *ids);
    bool *keep = malloc((size_t)b->n_rows * sizeof *keep);
    if (!ids || !keep)
        rc = af_error_set(err, AF_ENOMEM, "out of memory");
    const af_array *del = w->layout.delete_input >= 0 ? &b->columns[w->layout.delete_input] : NULL;
    if (!rc)
        rc = af_merge_ingest(&w->merge, &w->layout, t, del, ids, keep, err);
    if (!rc) {
        /* delete rows are not written: filter them, and their ids */
        int64_t n = 0;
        for (int64_t i = 0; i < b->n_rows; i++)
            if (keep[i])
                ids[n++] = ids[i];
        af_batch *k = n == b->n_rows ? t : af_batch_filter(t, keep, err);
        if (!k)
            rc = err->code ? err->code : AF_ENOMEM;
        else {
            rc = af_file_set_write(&w->files, k, ids, err);
            if (k != t)
                af_batch_release(k);
        }
    }
    free(ids);
    free(keep);
    af_batch_release(t);
    return rc;
}

/* The removes of the write mode and of retention, from the current files. */
static int mode_removes(af_table_writer *w, af_delta_actions *a, int64_t now_ms,
                        af_table_result *res, af_strlist *written_keys, af_error *err)
{
    const af_delta_snapshot *cur = w->current;
    if (!cur)
        return AF_OK;
    const af_table_options *o = &w->opts;
    bool all = w->layout.replace_all || o->mode == AF_TABLE_SNAPSHOT ||
               (o->mode == AF_TABLE_OVERWRITE && !o->overwrite_partitions_only);
    bool by_partition =
        o->mode == AF_TABLE_OVERWRITE && o->overwrite_partitions_only && !w->layout.replace_all;
    af_buf key;
    af_buf_init(&key);
    int rc = AF_OK;
    for (size_t i = 0; i < w->files.n_files && by_partition && !rc; i++) {
        if (af_delta_partition_key(&w->files.files[i].add, &w->layout.partition_columns, &key))
            rc = AF_ENOMEM;
        else if (af_strlist_find(written_keys, af_buf_cstr(&key)) < 0 &&
                 af_strlist_push(written_keys, af_buf_cstr(&key)))
            rc = AF_ENOMEM;
    }
    /* retention: partitions of a date column older than N days */
    const char *ret_col = NULL;
    char cutoff[16] = "";
    if (o->retention_days > 0 && !all) {
        ret_col = o->retention_column;
        for (size_t k = 0; !ret_col && k < w->layout.partition_columns.len; k++)
            if (w->layout.schema->fields[w->layout.part_index[k]].type.id == AF_TYPE_DATE)
                ret_col = w->layout.partition_columns.items[k];
        long c = ret_col ? af_schema_find(w->layout.schema, ret_col) : -1;
        if (c < 0 || af_strlist_find(&w->layout.partition_columns, ret_col) < 0 ||
            w->layout.schema->fields[c].type.id != AF_TYPE_DATE)
            rc = af_error_set(err, AF_ECONFIG,
                              "%s: retention_days needs a date partition column (partition_by: "
                              "[ts:day]) or retention_column naming one",
                              w->table);
        int64_t days = now_ms / 86400000 - o->retention_days, y;
        unsigned m, d;
        af_civil_from_days(days, &y, &m, &d);
        snprintf(cutoff, sizeof cutoff, "%04lld-%02u-%02u", (long long)y, m, d);
    }
    for (size_t i = 0; i < cur->n_files && !rc; i++) {
        const af_delta_file *f = &cur->files[i];
        bool drop = all;
        if (!drop && by_partition) {
            if (af_delta_partition_key(f, &w->layout.partition_columns, &key))
                rc = AF_ENOMEM;
            drop = !rc && af_strlist_find(written_keys, af_buf_cstr(&key)) >= 0;
        }
        if (!drop && ret_col) {
            bool found;
            const char *v = af_delta_file_partition(f, ret_col, &found);
            drop = found && v && strcmp(v, cutoff) < 0;
        }
        if (drop && !rc) {
            rc = af_delta_actions_remove(a, f, now_ms);
            res->rows_deleted += f->num_records > 0 ? f->num_records : 0;
        }
    }
    af_buf_free(&key);
    if (rc == AF_ENOMEM)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    return rc;
}

static const char *operation_of(const af_table_writer *w)
{
    if (w->opts.operation)
        return w->opts.operation;
    switch (w->opts.mode) {
    case AF_TABLE_MERGE: return "MERGE";
    case AF_TABLE_SNAPSHOT: return "SNAPSHOT";
    default: return "WRITE";
    }
}

static const char *const mode_names[] = {"Append", "Overwrite", "Merge", "Snapshot"};

static int table_metadata(af_table_writer *w, af_delta_actions *a, int64_t now_ms, af_error *err)
{
    af_delta_metadata *m = &a->metadata;
    const af_delta_snapshot *cur = w->current;
    if (cur) {
        if (af_delta_metadata_copy(m, &cur->metadata))
            return af_error_set(err, AF_ENOMEM, "out of memory");
        free(m->schema_string);
        m->schema_string = NULL;
        af_strlist_free(&m->partition_columns);
    } else {
        char id[37];
        af_delta_uuid(id);
        const char *slash = strrchr(w->table, '/');
        m->id = af_strdup(id);
        m->name = af_strdup(slash ? slash + 1 : w->table);
        m->created_ms = now_ms;
        if (!m->id || !m->name)
            return af_error_set(err, AF_ENOMEM, "out of memory");
    }
    if (w->opts.description) {
        free(m->description);
        if (!(m->description = af_strdup(w->opts.description)))
            return af_error_set(err, AF_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < w->layout.partition_columns.len; i++)
        if (af_strlist_push(&m->partition_columns, w->layout.partition_columns.items[i]))
            return af_error_set(err, AF_ENOMEM, "out of memory");
    af_buf s;
    af_buf_init(&s);
    int rc = af_delta_schema_encode(w->layout.schema, &s, err);
    if (!rc && !(m->schema_string = af_strdup(af_buf_cstr(&s))))
        rc = af_error_set(err, AF_ENOMEM, "out of memory");
    af_buf_free(&s);
    if (rc)
        return af_error_wrap(err, "%s", w->table);
    a->has_metadata = true;
    /* the protocol only ever goes up */
    af_delta_protocol need;
    memset(&need, 0, sizeof need);
    af_delta_protocol_for(w->layout.schema, &need);
    if (w->layout.widened) {
        if (need.min_reader < 3) {
            need.min_reader = 3;
            need.min_writer = 7;
        }
        if (af_strlist_push(&need.reader_features, "typeWidening") ||
            af_strlist_push(&need.writer_features, "typeWidening")) {
            af_delta_protocol_free(&need);
            return af_error_set(err, AF_ENOMEM, "out of memory");
        }
    }
    bool more = !cur || need.min_reader > cur->protocol.min_reader ||
                need.min_writer > cur->protocol.min_writer;
    for (size_t i = 0; cur && !more && i < need.reader_features.len; i++)
        more = af_strlist_find(&cur->protocol.reader_features, need.reader_features.items[i]) < 0;
    if (more && cur) {
        /* keep the features the table already has */
        for (size_t i = 0; i < cur->protocol.reader_features.len; i++)
            if (af_strlist_find(&need.reader_features, cur->protocol.reader_features.items[i]) < 0)
                af_strlist_push(&need.reader_features, cur->protocol.reader_features.items[i]);
        for (size_t i = 0; i < cur->protocol.writer_features.len; i++)
            if (af_strlist_find(&need.writer_features, cur->protocol.writer_features.items[i]) < 0)
                af_strlist_push(&need.writer_features, cur->protocol.writer_features.items[i]);
        if (cur->protocol.min_reader > need.min_reader)
            need.min_reader = cur->protocol.min_reader;
        if (cur->protocol.min_writer > need.min_writer)
            need.min_writer = cur->protocol.min_writer;
    }
    if (more) {
        a->protocol = need;
        a->has_protocol = true;
    } else {
        af_delta_protocol_free(&need);
    }
    return AF_OK;
}

int af_table_writer_commit(af_table_writer *w, af_table_result *res, af_error *err)
{
    memset(res, 0, sizeof *res);
    res->version = -1;
    if (w->duplicate) {
        res->duplicate = true;
        w->done = true;
        return AF_OK;
    }
    int64_t now_ms = af_clock_now_us() / 1000;
    int rc = af_file_set_finish(&w->files, err);
    af_delta_actions a;
    af_delta_actions_init(&a);
    af_strlist keys = {0};
    if (!rc && w->opts.mode == AF_TABLE_MERGE)
        rc = af_merge_apply(&w->merge, &w->files, w->current, &a, now_ms, res, err);
    if (!rc)
        rc = mode_removes(w, &a, now_ms, res, &keys, err);
    for (size_t i = 0; i < w->files.n_files && !rc; i++) {
        af_data_file *f = &w->files.files[i];
        if (!f->published || f->rows == 0)
            continue;
        rc = af_delta_actions_add(&a, &f->add);
        res->rows_written += f->rows;
        res->bytes_added += f->add.size;
    }
    if (!rc && (!w->current || w->layout.metadata_changed))
        rc = table_metadata(w, &a, now_ms, err);
    if (!rc && w->opts.app_id && w->opts.txn_version >= 0) {
        a.txns = calloc(1, sizeof *a.txns);
        if (!a.txns || !(a.txns[0].app_id = af_strdup(w->opts.app_id)))
            rc = af_error_set(err, AF_ENOMEM, "out of memory");
        else {
            a.n_txns = 1;
            a.txns[0].version = w->opts.txn_version;
            a.txns[0].last_updated_ms = now_ms;
        }
    }
    if (rc == AF_ENOMEM && !err->code)
        af_error_set(err, AF_ENOMEM, "out of memory");
    bool nothing = !a.n_adds && !a.n_removes && !a.has_metadata;
    if (!rc && !nothing) {
        a.has_commit_info = true;
        af_delta_commit_info *ci = &a.commit_info;
        ci->timestamp_ms = now_ms;
        ci->read_version = w->current ? w->current->version : -1;
        ci->operation = af_strdup(operation_of(w));
        ci->mode = af_strdup(w->layout.replace_all ? "Overwrite" : mode_names[w->opts.mode]);
        ci->run_id = w->opts.run_id ? af_strdup(w->opts.run_id) : NULL;
        ci->rows_added = res->rows_written;
        ci->rows_removed = res->rows_deleted + res->rows_updated;
        ci->files_added = (int64_t)a.n_adds;
        ci->files_removed = (int64_t)a.n_removes;
        ci->bytes_added = res->bytes_added;
        af_delta_read_scope scope = AF_DELTA_READ_NOTHING;
        if (w->opts.mode == AF_TABLE_MERGE || w->opts.mode == AF_TABLE_SNAPSHOT ||
            w->layout.replace_all ||
            (w->opts.mode == AF_TABLE_OVERWRITE && !w->opts.overwrite_partitions_only))
            scope = AF_DELTA_READ_TABLE;
        else if (w->opts.mode == AF_TABLE_OVERWRITE)
            scope = AF_DELTA_READ_PARTITIONS;
        af_delta_txn_request req = {
            .actions = &a,
            .scope = scope,
            .partitions = (const char *const *)keys.items,
            .n_partitions = keys.len,
            .partition_columns = &w->layout.partition_columns,
        };
        rc = af_delta_commit(w->st, w->table, &req, &res->version, err);
    }
    if (!rc) {
        res->files_added = (int64_t)a.n_adds;
        res->files_removed = (int64_t)a.n_removes;
        res->schema_changed = w->layout.metadata_changed && w->current;
        w->done = true;
        if (res->version >= 0)
            af_log_fields(AF_LOG_INFO, "lake.commit",
                          (af_log_field[]){AF_LF_S("table", w->table),
                                           AF_LF_I("version", res->version),
                                           AF_LF_I("rows", res->rows_written),
                                           AF_LF_I("files_added", res->files_added),
                                           AF_LF_I("files_removed", res->files_removed)},
                          5, "%s: version %lld committed (%s)", w->table, (long long)res->version,
                          operation_of(w));
    } else {
        af_file_set_discard(&w->files);
        w->done = true;
    }
    af_strlist_free(&keys);
    af_delta_actions_free(&a);
    return rc;
}

void af_table_writer_abort(af_table_writer *w)
{
    if (!w || w->done)
        return;
    af_file_set_discard(&w->files);
    w->done = true;
}
