/* delta_commit.c - writing the next version of a Delta table.
 *
 * The commit file is published with put-if-absent, so of two writers
 * racing for version N exactly one wins. The loser reads the commits it
 * lost to and decides, from what its own commit depends on (its read
 * scope), whether they change anything it read:
 *   - a winner that changed the protocol or the metadata (schema,
 *     partitioning) always conflicts: our files were written for the old
 *     table;
 *   - a winner that removed a file we also remove conflicts (the file's
 *     rows were already rewritten or deleted by the winner);
 *   - a winner that added files conflicts with a commit that read the whole
 *     table (overwrite, merge, snapshot), or read one of the partitions the
 *     winner added to;
 *   - a winner that committed the same idempotent transaction (txn app id
 *     at or beyond our version) makes ours a duplicate.
 * Otherwise the same actions are retried at the next free version. Nothing
 * the loser wrote becomes visible unless its commit lands.
 */
#include "lake/delta_log.h"

#include "core/log.h"

#include <stdlib.h>
#include <string.h>

#define HIVE_NULL "__HIVE_DEFAULT_PARTITION__"

int af_delta_partition_key(const af_delta_file *f, const af_strlist *columns, af_buf *out)
{
    af_buf_reset(out);
    for (size_t i = 0; i < columns->len; i++) {
        bool found;
        const char *v = af_delta_file_partition(f, columns->items[i], &found);
        if ((i && af_buf_append_byte(out, '/')) || af_buf_append_str(out, columns->items[i]) ||
            af_buf_append_byte(out, '='))
            return AF_ENOMEM;
        if (v ? af_delta_path_encode_segment(v, out) : af_buf_append_str(out, HIVE_NULL))
            return AF_ENOMEM;
    }
    return af_buf_cstr(out) ? AF_OK : AF_ENOMEM;
}

static bool removes_path(const af_delta_actions *a, const char *path)
{
    for (size_t i = 0; i < a->n_removes; i++)
        if (strcmp(a->removes[i].path, path) == 0)
            return true;
    return false;
}

static bool in_list(const char *const *items, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(items[i], s) == 0)
            return true;
    return false;
}

/* Whether two creations of version 0 describe the same table shape, so the
 * loser can append to the winner's table instead. */
static bool same_shape(const af_delta_metadata *a, const af_delta_metadata *b)
{
    if (!a->schema_string || !b->schema_string || strcmp(a->schema_string, b->schema_string))
        return false;
    if (a->partition_columns.len != b->partition_columns.len)
        return false;
    for (size_t i = 0; i < a->partition_columns.len; i++)
        if (strcmp(a->partition_columns.items[i], b->partition_columns.items[i]))
            return false;
    return true;
}

/* Judges one winning commit; AF_ECONFLICT with the reason, or 0. `ours`
 * may be edited: a lost creation race with the same shape drops our
 * protocol and metadata to append to the winner's table. */
static int judge(const char *table, const af_delta_txn_request *req, af_delta_actions *ours,
                 const af_delta_actions *w, int64_t wv, const af_strlist *part_cols, af_error *err)
{
    const char *who = w->commit_info.operation ? w->commit_info.operation : "a commit";
    if (w->has_metadata || w->has_protocol) {
        if (wv == 0 && ours->has_metadata && req->scope == AF_DELTA_READ_NOTHING &&
            ours->n_removes == 0 && same_shape(&ours->metadata, &w->metadata)) {
            /* ours is a shallow copy of the caller's actions: only flags change */
            ours->has_metadata = ours->has_protocol = false;
            return AF_OK;
        }
        return af_error_set(err, AF_ECONFLICT,
                            "%s: version %lld (%s) changed the table's schema or protocol while "
                            "this write was running; nothing was committed, run it again",
                            table, (long long)wv, who);
    }
    for (size_t i = 0; i < w->n_removes; i++)
        if (removes_path(ours, w->removes[i].path))
            return af_error_set(err, AF_ECONFLICT,
                                "%s: version %lld (%s) removed %s, which this write replaces too; "
                                "nothing was committed, run it again",
                                table, (long long)wv, who, w->removes[i].path);
    for (size_t i = 0; i < w->n_txns; i++)
        for (size_t j = 0; j < ours->n_txns; j++)
            if (strcmp(w->txns[i].app_id, ours->txns[j].app_id) == 0 &&
                w->txns[i].version >= ours->txns[j].version)
                return af_error_set(err, AF_ECONFLICT,
                                    "%s: version %lld already holds transaction %s/%lld; this "
                                    "write is a duplicate and was not committed",
                                    table, (long long)wv, ours->txns[j].app_id,
                                    (long long)ours->txns[j].version);
    if (!w->n_adds || req->scope == AF_DELTA_READ_NOTHING)
        return AF_OK;
    if (req->scope == AF_DELTA_READ_TABLE)
        return af_error_set(err, AF_ECONFLICT,
                            "%s: version %lld (%s) added files while this write, which replaces "
                            "rows of the whole table, was running; nothing was committed, run it "
                            "again",
                            table, (long long)wv, who);
    af_buf key;
    af_buf_init(&key);
    int rc = AF_OK;
    for (size_t i = 0; i < w->n_adds && !rc; i++) {
        if (af_delta_partition_key(&w->adds[i], part_cols, &key)) {
            rc = af_error_set(err, AF_ENOMEM, "out of memory");
            break;
        }
        if (in_list(req->partitions, req->n_partitions, af_buf_cstr(&key)))
            rc = af_error_set(err, AF_ECONFLICT,
                              "%s: version %lld (%s) added files to partition %s while this write "
                              "replaced it; nothing was committed, run it again",
                              table, (long long)wv, who, af_buf_cstr(&key));
    }
    af_buf_free(&key);
    return rc;
}

static int maybe_checkpoint(af_store *st, const char *table, int64_t version)
{
    if (version == 0 || version % AF_DELTA_CHECKPOINT_EVERY != 0)
        return AF_OK;
    af_error err = {0};
    af_delta_snapshot *s = NULL;
    int rc = af_delta_snapshot_load(st, table, version, &s, &err);
    if (!rc)
        rc = af_delta_checkpoint_write(st, table, s, &err);
    af_delta_snapshot_free(s);
    if (rc)
        af_log(AF_LOG_WARN, "lake.checkpoint",
               "%s: checkpoint at version %lld not written (%s); readers replay the "
               "JSON log instead",
               table, (long long)version, err.msg);
    return rc;
}

int af_delta_commit(af_store *st, const char *table, const af_delta_txn_request *req,
                    int64_t *committed, af_error *err)
{
    *committed = -1;
    af_delta_actions ours = *req->actions; /* shallow: only the has_* flags may change */
    int attempts = req->max_attempts > 0 ? req->max_attempts : 10;
    int64_t version = req->actions->commit_info.read_version + 1;
    af_strlist no_cols = {0};
    const af_strlist *cols = req->partition_columns ? req->partition_columns : &no_cols;
    af_buf path, text;
    af_buf_init(&path);
    af_buf_init(&text);
    int rc = AF_OK;
    for (int attempt = 0;; attempt++) {
        af_buf_reset(&text);
        if (af_delta_log_path(table, version, "json", &path) ||
            af_delta_actions_encode(&ours, &text)) {
            rc = af_error_set(err, AF_ENOMEM, "out of memory");
            break;
        }
        rc = af_store_put_if_absent(st, af_buf_cstr(&path), text.data, text.len, err);
        if (rc != AF_EEXIST)
            break;
        if (attempt + 1 >= attempts) {
            rc = af_error_set(err, AF_ECONFLICT,
                              "%s: lost the race for a new version %d times in a row; nothing "
                              "was committed, run it again",
                              table, attempts);
            break;
        }
        /* judge every commit we lost to, up to the current latest */
        int64_t latest;
        rc = af_delta_latest_version(st, table, &latest, err);
        for (int64_t v = version; !rc && v <= latest; v++) {
            af_delta_actions w;
            rc = af_delta_read_commit(st, table, v, &w, err);
            if (rc)
                break;
            rc = judge(table, req, &ours, &w, v, cols, err);
            af_delta_actions_free(&w);
        }
        if (rc)
            break;
        af_log(AF_LOG_DEBUG, "lake.retry",
               "%s: version %lld was taken by another writer; retrying at %lld", table,
               (long long)version, (long long)latest + 1);
        version = latest + 1;
    }
    af_buf_free(&path);
    af_buf_free(&text);
    if (rc)
        return rc;
    *committed = version;
    maybe_checkpoint(st, table, version);
    return AF_OK;
}
