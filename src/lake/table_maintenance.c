/* table_maintenance.c - rollback, vacuum and compaction of lake tables.
 *
 * Rollback and compaction are ordinary commits (RESTORE, OPTIMIZE), so they
 * are atomic, race-checked and can themselves be rolled back. Vacuum
 * deletes objects and commits nothing: what it deletes is, by
 * construction, not visible in any version younger than the retention.
 */
#include "lake/table_internal.h"

#include "core/clock.h"
#include "core/log.h"

#include <stdlib.h>
#include <string.h>

static bool has_path(const af_delta_file *files, size_t n, const char *path)
{
    /* snapshot files are sorted by path */
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(files[mid].path, path);
        if (c == 0)
            return true;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return false;
}

static void commit_info(af_delta_actions *a, const af_delta_snapshot *cur, const char *op,
                        const char *run_id, int64_t now_ms)
{
    a->has_commit_info = true;
    a->commit_info.timestamp_ms = now_ms;
    a->commit_info.read_version = cur->version;
    a->commit_info.operation = af_strdup(op);
    a->commit_info.run_id = run_id ? af_strdup(run_id) : NULL;
    a->commit_info.files_added = (int64_t)a->n_adds;
    a->commit_info.files_removed = (int64_t)a->n_removes;
}

int af_table_rollback(af_store *st, const char *table, int64_t version, const char *run_id,
                      af_table_result *res, af_error *err)
{
    memset(res, 0, sizeof *res);
    res->version = -1;
    af_delta_snapshot *cur = NULL, *target = NULL;
    int rc = af_delta_snapshot_load(st, table, -1, &cur, err);
    if (!rc)
        rc = af_delta_snapshot_load(st, table, version, &target, err);
    af_delta_actions a;
    af_delta_actions_init(&a);
    int64_t now_ms = af_clock_now_us() / 1000;
    af_buf rel, obj;
    af_buf_init(&rel);
    af_buf_init(&obj);
    for (size_t i = 0; !rc && i < cur->n_files; i++)
        if (!has_path(target->files, target->n_files, cur->files[i].path)) {
            rc = af_delta_actions_remove(&a, &cur->files[i], now_ms);
            res->rows_deleted += cur->files[i].num_records > 0 ? cur->files[i].num_records : 0;
        }
    for (size_t i = 0; !rc && i < target->n_files; i++) {
        const af_delta_file *f = &target->files[i];
        if (has_path(cur->files, cur->n_files, f->path))
            continue;
        /* the file must still exist: vacuum may have deleted it */
        rc = af_delta_path_decode(f->path, &rel, err);
        if (!rc && af_buf_printf(&obj, "%s/%s", table, af_buf_cstr(&rel)))
            rc = AF_ENOMEM;
        af_store_entry e;
        if (!rc && af_store_stat(st, af_buf_cstr(&obj), &e, NULL) != AF_OK)
            rc = af_error_set(err, AF_ENOTFOUND,
                              "%s: cannot roll back to version %lld: its data file %s was "
                              "vacuumed",
                              table, (long long)version, af_buf_cstr(&obj));
        af_buf_reset(&obj);
        if (!rc)
            rc = af_delta_actions_add(&a, f);
        res->rows_written += f->num_records > 0 ? f->num_records : 0;
    }
    if (!rc && strcmp(cur->metadata.schema_string, target->metadata.schema_string) != 0) {
        rc = af_delta_metadata_copy(&a.metadata, &target->metadata);
        a.has_metadata = !rc;
        res->schema_changed = true;
    }
    if (rc == AF_ENOMEM && !err->code)
        af_error_set(err, AF_ENOMEM, "out of memory");
    if (!rc) {
        commit_info(&a, cur, "RESTORE", run_id, now_ms);
        a.commit_info.rows_added = res->rows_written;
        a.commit_info.rows_removed = res->rows_deleted;
        af_delta_txn_request req = {.actions = &a, .scope = AF_DELTA_READ_TABLE};
        rc = af_delta_commit(st, table, &req, &res->version, err);
        res->files_added = (int64_t)a.n_adds;
        res->files_removed = (int64_t)a.n_removes;
    }
    af_buf_free(&rel);
    af_buf_free(&obj);
    af_delta_actions_free(&a);
    af_delta_snapshot_free(cur);
    af_delta_snapshot_free(target);
    return rc;
}

/* Adds the object path of a log path to the set. */
static int remember(af_hashmap *set, const char *table, const char *logpath, af_buf *rel,
                    af_buf *obj, af_error *err)
{
    int rc = af_delta_path_decode(logpath, rel, err);
    if (rc)
        return rc;
    af_buf_reset(obj);
    if (af_buf_printf(obj, "%s/%s", table, af_buf_cstr(rel)))
        return af_error_set(err, AF_ENOMEM, "out of memory");
    int64_t *slot;
    bool ins;
    if (af_hashmap_upsert(set, obj->data, obj->len, 1, &slot, &ins))
        return af_error_set(err, AF_ENOMEM, "out of memory");
    return AF_OK;
}

int af_table_vacuum(af_store *st, const char *table, int64_t retain_ms, bool dry_run,
                    af_strlist *deleted, int64_t *bytes, af_error *err)
{
    memset(deleted, 0, sizeof *deleted);
    *bytes = 0;
    int64_t now_ms = af_clock_now_us() / 1000, cutoff = now_ms - retain_ms;
    af_delta_version *hist = NULL;
    size_t n_hist = 0;
    int rc = af_delta_history(st, table, &hist, &n_hist, err);
    if (rc)
        return rc;
    /* the oldest version anyone may still read: the one current at the
     * cutoff (time travel to the cutoff lands on it) */
    int64_t from = hist[0].version;
    for (size_t i = 0; i < n_hist; i++)
        if (hist[i].info.timestamp_ms <= cutoff)
            from = hist[i].version;
    int64_t latest = hist[n_hist - 1].version;
    af_delta_history_free(hist, n_hist);
    af_hashmap keep;
    af_hashmap_init(&keep);
    af_buf rel, obj;
    af_buf_init(&rel);
    af_buf_init(&obj);
    af_delta_snapshot *s = NULL;
    rc = af_delta_snapshot_load(st, table, from, &s, err);
    for (size_t i = 0; !rc && i < s->n_files; i++)
        rc = remember(&keep, table, s->files[i].path, &rel, &obj, err);
    for (int64_t v = from + 1; !rc && v <= latest; v++) {
        af_delta_actions a;
        rc = af_delta_read_commit(st, table, v, &a, err);
        if (rc)
            break;
        for (size_t i = 0; !rc && i < a.n_adds; i++)
            rc = remember(&keep, table, a.adds[i].path, &rel, &obj, err);
        af_delta_actions_free(&a);
    }
    af_delta_snapshot_free(s);
    s = NULL;
    /* files the log removed are known, finished files: the versions above
     * decide for them; any other file may be a write in progress, so only
     * its age can clear it */
    af_hashmap removed;
    af_hashmap_init(&removed);
    if (!rc)
        rc = af_delta_snapshot_load(st, table, latest, &s, err);
    for (size_t i = 0; !rc && i < s->n_tombstones; i++)
        rc = remember(&removed, table, s->tombstones[i].path, &rel, &obj, err);
    af_delta_snapshot_free(s);
    af_store_entry *e = NULL;
    size_t n = 0;
    af_buf prefix;
    af_buf_init(&prefix);
    if (!rc && af_buf_printf(&prefix, "%s/", table))
        rc = af_error_set(err, AF_ENOMEM, "out of memory");
    if (!rc)
        rc = af_store_list(st, af_buf_cstr(&prefix), &e, &n, err);
    for (size_t i = 0; !rc && i < n; i++) {
        const char *p = e[i].path + prefix.len;
        /* the log, and folders other engines keep beside the data
         * (_change_data, _checkpoints...), are not data files */
        if (p[0] == '_' || strstr(p, "/_") || strstr(p, "/."))
            continue;
        int64_t one;
        if (af_hashmap_get(&keep, e[i].path, strlen(e[i].path), &one))
            continue;
        if (!af_hashmap_get(&removed, e[i].path, strlen(e[i].path), &one) && e[i].mtime_ms > cutoff)
            continue; /* maybe a write in progress: too young to judge */
        if (!dry_run) {
            rc = af_store_delete(st, e[i].path, err);
            if (rc == AF_ENOTFOUND) {
                af_error_clear(err);
                rc = AF_OK;
                continue;
            }
            if (rc)
                break;
        }
        *bytes += e[i].size;
        if (af_strlist_push(deleted, e[i].path))
            rc = af_error_set(err, AF_ENOMEM, "out of memory");
    }
    af_store_entries_free(e, n);
    af_buf_free(&prefix);
    af_buf_free(&rel);
    af_buf_free(&obj);
    af_hashmap_free(&keep);
    af_hashmap_free(&removed);
    if (!rc)
        af_log_fields(AF_LOG_INFO, "lake.vacuum", (af_log_field[]){AF_LF_S("table", table)}, 1,
                      "%s: %s %zu file(s), %lld bytes", table, dry_run ? "would delete" : "deleted",
                      deleted->len, (long long)*bytes);
    return rc;
}

int af_table_compact(af_store *st, const char *table, int64_t target_file_bytes, const char *run_id,
                     af_table_result *res, af_error *err)
{
    memset(res, 0, sizeof *res);
    res->version = -1;
    af_delta_snapshot *cur = NULL;
    int rc = af_delta_snapshot_load(st, table, -1, &cur, err);
    if (rc)
        return rc;
    if (target_file_bytes <= 0)
        target_file_bytes = (int64_t)128 << 20;
    /* small files per partition */
    const af_strlist *parts = &cur->metadata.partition_columns;
    af_hashmap count;
    af_hashmap_init(&count);
    af_buf key;
    af_buf_init(&key);
    bool *small = calloc(cur->n_files + 1, sizeof *small);
    if (!small)
        rc = af_error_set(err, AF_ENOMEM, "out of memory");
    for (size_t i = 0; !rc && i < cur->n_files; i++) {
        if (cur->files[i].size >= target_file_bytes / 2)
            continue;
        int64_t *slot;
        bool ins;
        if (af_delta_partition_key(&cur->files[i], parts, &key) ||
            af_hashmap_upsert(&count, key.data, key.len, 0, &slot, &ins))
            rc = af_error_set(err, AF_ENOMEM, "out of memory");
        else
            ++*slot;
        small[i] = true;
    }
    const af_delta_file **list = rc ? NULL : calloc(cur->n_files + 1, sizeof *list);
    size_t n_list = 0;
    if (!rc && !list)
        rc = af_error_set(err, AF_ENOMEM, "out of memory");
    for (size_t i = 0; !rc && i < cur->n_files; i++) {
        int64_t c = 0;
        if (!small[i])
            continue;
        if (af_delta_partition_key(&cur->files[i], parts, &key))
            rc = af_error_set(err, AF_ENOMEM, "out of memory");
        else if (af_hashmap_get(&count, key.data, key.len, &c) && c >= 2)
            list[n_list++] = &cur->files[i];
    }
    af_table_options o;
    af_table_options_default(&o);
    o.target_file_bytes = target_file_bytes;
    o.run_id = run_id;
    o.partition_by = (const char *const *)parts->items;
    o.n_partition_by = parts->len;
    af_table_layout layout;
    memset(&layout, 0, sizeof layout);
    bool have_layout = false;
    if (!rc && n_list)
        rc = af_table_layout_build(cur->schema, &o, cur, table, &layout, err);
    have_layout = !rc && n_list;
    af_file_set fs;
    af_file_set_init(&fs, st, table, &layout, &o);
    af_table_reader *r = NULL;
    if (have_layout)
        rc = af_table_reader_open_list(st, table, cur->schema, parts, list, n_list, NULL, 0, NULL,
                                       &r, err);
    while (have_layout && !rc) {
        af_batch *b = NULL;
        rc = af_table_reader_next(r, &b, NULL, err);
        if (rc || !b)
            break;
        rc = af_file_set_write(&fs, b, NULL, err);
        af_batch_release(b);
    }
    af_table_reader_free(r);
    if (have_layout && !rc)
        rc = af_file_set_finish(&fs, err);
    af_delta_actions a;
    af_delta_actions_init(&a);
    int64_t now_ms = af_clock_now_us() / 1000;
    for (size_t i = 0; have_layout && !rc && i < n_list; i++) {
        af_delta_file f;
        if (af_delta_file_copy(&f, list[i]))
            rc = af_error_set(err, AF_ENOMEM, "out of memory");
        else {
            f.data_change = false; /* the same rows, rearranged */
            rc = af_delta_actions_remove(&a, &f, now_ms);
            af_delta_file_free(&f);
        }
    }
    for (size_t i = 0; have_layout && !rc && i < fs.n_files; i++) {
        af_data_file *f = &fs.files[i];
        if (!f->published)
            continue;
        f->add.data_change = false;
        rc = af_delta_actions_add(&a, &f->add);
        res->bytes_added += f->add.size;
    }
    if (!rc && (a.n_adds || a.n_removes)) {
        commit_info(&a, cur, "OPTIMIZE", run_id, now_ms);
        a.commit_info.bytes_added = res->bytes_added;
        af_delta_txn_request req = {.actions = &a, .scope = AF_DELTA_READ_NOTHING};
        rc = af_delta_commit(st, table, &req, &res->version, err);
        res->files_added = (int64_t)a.n_adds;
        res->files_removed = (int64_t)a.n_removes;
    }
    if (rc)
        af_file_set_discard(&fs);
    af_file_set_free(&fs);
    af_delta_actions_free(&a);
    if (have_layout)
        af_table_layout_free(&layout);
    free(list);
    free(small);
    af_buf_free(&key);
    af_hashmap_free(&count);
    af_delta_snapshot_free(cur);
    return rc;
}
