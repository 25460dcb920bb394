/* table_merge.c - mode merge: upsert (and delete) rows by key.
 *
 * Copy-on-write, as Delta writers do without deletion vectors:
 *   1. every incoming row is numbered and its key recorded (the last row
 *      of a key wins; earlier ones are marked superseded; rows whose delete
 *      column is true are recorded but not written);
 *   2. at commit, new files holding superseded rows are rewritten without
 *      them;
 *   3. each current table file is scanned on its key columns only; a file
 *      holding a key that was written or deleted is rewritten without those
 *      rows and removed, in the same commit that adds the new files.
 * Memory: the key map holds every incoming key (bytes plus ~40 bytes per
 * key), which bounds how large one merge may be; files are streamed.
 */
#include "lake/table_internal.h"

#include <stdlib.h>
#include <string.h>

void af_merge_init(af_merge_state *m)
{
    memset(m, 0, sizeof *m);
    af_hashmap_init(&m->keys);
    af_buf_init(&m->superseded);
    af_buf_init(&m->is_delete);
    af_buf_init(&m->scratch);
}

void af_merge_free(af_merge_state *m)
{
    af_hashmap_free(&m->keys);
    af_buf_free(&m->superseded);
    af_buf_free(&m->is_delete);
    af_buf_free(&m->scratch);
    memset(m, 0, sizeof *m);
}

static bool get_bit(const af_buf *b, int64_t i)
{
    return (size_t)(i >> 3) < b->len && (b->data[i >> 3] >> (i & 7)) & 1;
}

static int set_bit(af_buf *b, int64_t i, bool v)
{
    size_t byte = (size_t)(i >> 3);
    if (byte >= b->len && af_buf_append_zeros(b, byte + 1 - b->len))
        return AF_ENOMEM;
    if (v)
        b->data[byte] |= (uint8_t)(1u << (i & 7));
    else
        b->data[byte] &= (uint8_t) ~(1u << (i & 7));
    return AF_OK;
}

int af_merge_key(const af_table_layout *l, const af_batch *b, int64_t i, af_buf *out)
{
    af_buf_reset(out);
    for (size_t k = 0; k < l->n_key; k++) {
        const af_array *a = &b->columns[l->key_index[k]];
        if (!af_array_is_valid(a, i)) {
            if (af_buf_append_byte(out, 0))
                return AF_ENOMEM;
            continue;
        }
        if (af_buf_append_byte(out, 1))
            return AF_ENOMEM;
        int rc;
        switch (a->field->type.id) {
        case AF_TYPE_BOOL: rc = af_buf_append_byte(out, af_array_get_bool(a, i)); break;
        case AF_TYPE_FLOAT32:
        case AF_TYPE_FLOAT64: {
            double d = af_array_get_double(a, i);
            if (d == 0)
                d = 0; /* -0 and +0 are one key */
            rc = af_buf_append(out, &d, sizeof d);
            break;
        }
        case AF_TYPE_DECIMAL: {
            af_int128 v = af_array_get_decimal(a, i);
            rc = af_buf_append(out, &v, sizeof v);
            break;
        }
        case AF_TYPE_STRING:
        case AF_TYPE_BINARY:
        case AF_TYPE_JSON: {
            size_t n;
            const uint8_t *p = af_array_get_bytes(a, i, &n);
            uint32_t len = (uint32_t)n;
            rc = af_buf_append(out, &len, sizeof len);
            if (!rc)
                rc = af_buf_append(out, p, n);
            break;
        }
        default: {
            int64_t v = af_array_get_int(a, i);
            rc = af_buf_append(out, &v, sizeof v);
        }
        }
        if (rc)
            return AF_ENOMEM;
    }
    return AF_OK;
}

int af_merge_ingest(af_merge_state *m, const af_table_layout *l, const af_batch *b,
                    const af_array *delete_flags, int64_t *row_ids, bool *keep, af_error *err)
{
    for (int64_t i = 0; i < b->n_rows; i++) {
        int64_t row = m->rows++;
        row_ids[i] = row;
        bool del = delete_flags && af_array_is_valid(delete_flags, i) &&
                   af_array_get_bool(delete_flags, i);
        keep[i] = !del;
        if (af_merge_key(l, b, i, &m->scratch) || set_bit(&m->is_delete, row, del) ||
            set_bit(&m->superseded, row, false))
            return af_error_set(err, AF_ENOMEM, "out of memory");
        int64_t *slot;
        bool inserted;
        if (af_hashmap_upsert(&m->keys, m->scratch.data, m->scratch.len, row, &slot, &inserted))
            return af_error_set(err, AF_ENOMEM, "out of memory");
        if (!inserted) {
            if (set_bit(&m->superseded, *slot, true))
                return af_error_set(err, AF_ENOMEM, "out of memory");
            m->duplicates++;
            *slot = row;
        }
    }
    return AF_OK;
}

/* Decides, for each row of a batch read back, whether it stays. */
typedef int (*keep_fn)(void *ctx, const af_batch *b, bool *keep, af_error *err);

/* Copies the rows `keep` lets through, from one file read with the
 * table's schema, into the file set's open files. */
static int copy_kept_rows(af_file_set *fs, const af_strlist *partition_columns,
                          const af_delta_file *file, keep_fn keep_rows, void *ctx, af_error *err)
{
    const af_delta_file *list[1] = {file};
    af_table_reader *r = NULL;
    int rc = af_table_reader_open_list(fs->st, fs->table, fs->layout->schema, partition_columns,
                                       list, 1, NULL, 0, NULL, &r, err);
    while (!rc) {
        af_batch *b = NULL;
        rc = af_table_reader_next(r, &b, NULL, err);
        if (rc || !b)
            break;
        bool *keep = malloc((size_t)b->n_rows * sizeof *keep + 1);
        rc = keep ? keep_rows(ctx, b, keep, err) : af_error_set(err, AF_ENOMEM, "out of memory");
        af_batch *k = rc ? NULL : af_batch_filter(b, keep, err);
        if (!rc && !k)
            rc = err->code ? err->code : AF_ENOMEM;
        if (!rc)
            rc = af_file_set_write(fs, k, NULL, err);
        af_batch_release(k);
        af_batch_release(b);
        free(keep);
    }
    af_table_reader_free(r);
    return rc;
}

typedef struct new_file_pass {
    af_merge_state *m;
    af_file_set *fs;
    size_t index; /* fs->files may move while writing: f is re-read by index */
    size_t row;
} new_file_pass;

static int keep_latest(void *ctx, const af_batch *b, bool *keep, af_error *err)
{
    (void)err;
    new_file_pass *p = ctx;
    const int64_t *ids = p->fs->files[p->index].row_ids;
    for (int64_t i = 0; i < b->n_rows; i++)
        keep[i] = !get_bit(&p->m->superseded, ids[p->row++]);
    return AF_OK;
}

/* Rewrites file `index` of fs (a new file) without its superseded rows. */
static int rewrite_new_file(af_merge_state *m, af_file_set *fs, size_t index, af_error *err)
{
    af_data_file *f = &fs->files[index];
    size_t drop = 0;
    for (size_t j = 0; j < f->n_row_ids; j++)
        drop += get_bit(&m->superseded, f->row_ids[j]);
    if (!drop)
        return AF_OK;
    new_file_pass pass = {m, fs, index, 0};
    af_delta_file add = f->add; /* a copy: f may move */
    int rc = copy_kept_rows(fs, &fs->layout->partition_columns, &add, keep_latest, &pass, err);
    if (rc)
        return rc;
    f = &fs->files[index];
    af_store_delete(fs->st, f->object, NULL);
    f->published = false; /* not added */
    return AF_OK;
}

typedef struct old_file_pass {
    af_merge_state *m;
    const af_table_layout *l;
    af_table_result *res;
} old_file_pass;

static int keep_unmerged(void *ctx, const af_batch *b, bool *keep, af_error *err)
{
    old_file_pass *p = ctx;
    for (int64_t i = 0; i < b->n_rows; i++) {
        int64_t latest;
        if (af_merge_key(p->l, b, i, &p->m->scratch))
            return af_error_set(err, AF_ENOMEM, "out of memory");
        keep[i] = !af_hashmap_get(&p->m->keys, p->m->scratch.data, p->m->scratch.len, &latest);
        if (!keep[i])
            get_bit(&p->m->is_delete, latest) ? p->res->rows_deleted++ : p->res->rows_updated++;
    }
    return AF_OK;
}

/* Whether a current file holds any merged key, reading its key columns only. */
static int holds_merged_key(af_merge_state *m, af_file_set *fs, const af_delta_snapshot *cur,
                            size_t fi, bool *hit, af_error *err)
{
    *hit = false;
    const af_table_layout *l = fs->layout;
    const af_delta_file *list[1] = {&cur->files[fi]};
    const char **keys = calloc(l->n_key + 1, sizeof *keys);
    size_t *kidx = calloc(l->n_key + 1, sizeof *kidx);
    if (!keys || !kidx) {
        free(keys);
        free(kidx);
        return af_error_set(err, AF_ENOMEM, "out of memory");
    }
    /* a layout over the key columns alone, for af_merge_key */
    af_table_layout kl = *l;
    for (size_t k = 0; k < l->n_key; k++) {
        keys[k] = l->schema->fields[l->key_index[k]].name;
        kidx[k] = k;
    }
    kl.key_index = kidx;
    af_table_reader *r = NULL;
    /* the writer's schema: older files' key types are cast up the same way */
    int rc =
        af_table_reader_open_list(fs->st, fs->table, l->schema, &cur->metadata.partition_columns,
                                  list, 1, keys, l->n_key, NULL, &r, err);
    while (!rc && !*hit) {
        af_batch *b = NULL;
        rc = af_table_reader_next(r, &b, NULL, err);
        if (rc || !b)
            break;
        for (int64_t i = 0; i < b->n_rows && !rc && !*hit; i++) {
            int64_t latest;
            if (af_merge_key(&kl, b, i, &m->scratch))
                rc = af_error_set(err, AF_ENOMEM, "out of memory");
            else
                *hit = af_hashmap_get(&m->keys, m->scratch.data, m->scratch.len, &latest);
        }
        af_batch_release(b);
    }
    af_table_reader_free(r);
    free(keys);
    free(kidx);
    return rc;
}

/* Rewrites one current file without its merged keys when it holds any. */
static int merge_existing(af_merge_state *m, af_file_set *fs, const af_delta_snapshot *cur,
                          size_t fi, bool *removed, af_table_result *res, af_error *err)
{
    int rc = holds_merged_key(m, fs, cur, fi, removed, err);
    if (rc || !*removed)
        return rc;
    old_file_pass pass = {m, fs->layout, res};
    return copy_kept_rows(fs, &cur->metadata.partition_columns, &cur->files[fi], keep_unmerged,
                          &pass, err);
}

int af_merge_apply(af_merge_state *m, af_file_set *fs, const af_delta_snapshot *current,
                   af_delta_actions *actions, int64_t now_ms, af_table_result *res, af_error *err)
{
    int rc = AF_OK;
    size_t n_new = fs->n_files;
    if (m->duplicates)
        for (size_t i = 0; i < n_new && !rc; i++)
            if (fs->files[i].published)
                rc = rewrite_new_file(m, fs, i, err);
    /* a table whose schema is replaced keeps none of its files anyway */
    for (size_t i = 0; current && !fs->layout->replace_all && i < current->n_files && !rc; i++) {
        bool removed;
        rc = merge_existing(m, fs, current, i, &removed, res, err);
        if (!rc && removed && af_delta_actions_remove(actions, &current->files[i], now_ms))
            rc = af_error_set(err, AF_ENOMEM, "out of memory");
    }
    if (!rc)
        rc = af_file_set_finish(fs, err);
    return rc;
}
