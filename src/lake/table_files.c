/* table_files.c - the data files of one table write: rows are split by
 * partition, each partition has at most one open Parquet file, a file
 * closes when it reaches the target size, and at most max_open_files stay
 * open (the least recently used one closes first) so memory stays bounded
 * however many partitions a write touches.
 *
 * A file is written through a staged store writer and published under its
 * final, unique name when it closes; until the commit no log entry names
 * it, so readers do not see it.
 */
#include "lake/table_internal.h"

#include "core/clock.h"
#include "io/codec.h"

#include <stdlib.h>
#include <string.h>

void af_file_set_init(af_file_set *fs, af_store *st, const char *table,
                      const af_table_layout *layout, const af_table_options *o)
{
    memset(fs, 0, sizeof *fs);
    fs->st = st;
    fs->table = table;
    fs->layout = layout;
    fs->opts = o;
    af_hashmap_init(&fs->open_by_key);
}

static void data_file_free(af_data_file *f)
{
    af_delta_file_free(&f->add);
    free(f->object);
    af_parquet_writer_free(f->pw);
    if (f->out)
        af_store_writer_free(f->out->sw);
    free(f->out);
    free(f->row_ids);
    memset(f, 0, sizeof *f);
}

void af_file_set_free(af_file_set *fs)
{
    for (size_t i = 0; i < fs->n_files; i++)
        data_file_free(&fs->files[i]);
    free(fs->files);
    af_hashmap_free(&fs->open_by_key);
    memset(fs, 0, sizeof *fs);
}

void af_file_set_discard(af_file_set *fs)
{
    for (size_t i = 0; i < fs->n_files; i++) {
        af_data_file *f = &fs->files[i];
        if (f->published)
            af_store_delete(fs->st, f->object, NULL);
        else if (f->out && f->out->sw)
            af_store_writer_abort(f->out->sw);
        f->published = false;
    }
}

static int sink_write(void *ctx, const void *p, size_t n, af_error *err)
{
    af_file_out *out = ctx;
    int rc = af_store_writer_write(out->sw, p, n, err);
    if (!rc)
        out->bytes += (int64_t)n;
    return rc;
}

int af_file_set_close_file(af_file_set *fs, af_data_file *f, af_error *err)
{
    int rc = af_parquet_writer_finish(f->pw, err);
    af_buf stats;
    af_buf_init(&stats);
    if (!rc)
        rc = af_delta_stats_json(f->pw, fs->layout->data_schema, f->rows, &stats, err);
    if (!rc)
        rc = af_store_writer_publish(f->out->sw, err);
    if (!rc) {
        f->published = true;
        f->add.size = f->out->bytes;
        f->add.mtime_ms = af_clock_now_us() / 1000;
        f->add.data_change = true;
        f->add.num_records = f->rows;
        f->add.stats = af_strdup(af_buf_cstr(&stats));
        if (!f->add.stats)
            rc = af_error_set(err, AF_ENOMEM, "out of memory");
    }
    af_buf_free(&stats);
    af_parquet_writer_free(f->pw);
    f->pw = NULL;
    af_store_writer_free(f->out->sw);
    free(f->out);
    f->out = NULL;
    fs->n_open--;
    if (rc)
        return af_error_wrap(err, "%s", f->object);
    return AF_OK;
}

/* Closes the least recently used open file. */
static int close_oldest(af_file_set *fs, af_error *err)
{
    af_data_file *oldest = NULL;
    for (size_t i = 0; i < fs->n_files; i++)
        if (fs->files[i].pw && (!oldest || fs->files[i].last_use < oldest->last_use))
            oldest = &fs->files[i];
    if (!oldest)
        return AF_OK;
    int rc = af_file_set_close_file(fs, oldest, err);
    /* the partition's map entry is checked against pw on the next lookup */
    return rc;
}

/* Partition folder and values of row i of a table batch. */
static int partition_of(const af_file_set *fs, const af_batch *b, int64_t i, af_buf *dir,
                        af_delta_file *add, af_buf *text)
{
    const af_table_layout *l = fs->layout;
    af_buf_reset(dir);
    for (size_t k = 0; k < l->partition_columns.len; k++) {
        const af_array *a = &b->columns[l->part_index[k]];
        af_buf_reset(text);
        int nul = af_partition_value_text(a, i, text);
        if (nul < 0)
            return nul;
        if (af_buf_append_str(dir, l->partition_columns.items[k]) || af_buf_append_byte(dir, '='))
            return AF_ENOMEM;
        if (nul == 1 ? af_buf_append_str(dir, "__HIVE_DEFAULT_PARTITION__")
                     : af_delta_path_encode_segment(af_buf_cstr(text), dir))
            return AF_ENOMEM;
        if (af_buf_append_byte(dir, '/'))
            return AF_ENOMEM;
        if (add) {
            af_delta_pv *pv = &add->partition[k];
            pv->column = af_strdup(l->partition_columns.items[k]);
            pv->value = nul == 1 ? NULL : af_strdup(af_buf_cstr(text));
            if (!pv->column || (nul != 1 && !pv->value))
                return AF_ENOMEM;
        }
    }
    return af_buf_cstr(dir) ? AF_OK : AF_ENOMEM;
}

static int open_file(af_file_set *fs, const af_batch *b, int64_t row, const af_buf *dir,
                     size_t *index, af_error *err)
{
    if (fs->opts->max_open_files > 0 && fs->n_open >= (size_t)fs->opts->max_open_files) {
        int rc = close_oldest(fs, err);
        if (rc)
            return rc;
    }
    if (fs->n_files == fs->cap_files) {
        size_t ncap = fs->cap_files ? fs->cap_files * 2 : 16;
        af_data_file *p = realloc(fs->files, ncap * sizeof *p);
        if (!p)
            return af_error_set(err, AF_ENOMEM, "out of memory");
        fs->files = p;
        fs->cap_files = ncap;
    }
    af_data_file *f = &fs->files[fs->n_files];
    memset(f, 0, sizeof *f);
    f->add.num_records = -1;
    size_t n_parts = fs->layout->partition_columns.len;
    af_buf rel, text, obj, logpath;
    af_buf_init(&rel);
    af_buf_init(&text);
    af_buf_init(&obj);
    af_buf_init(&logpath);
    int rc = AF_OK;
    if (n_parts) {
        f->add.partition = calloc(n_parts, sizeof *f->add.partition);
        if (!f->add.partition)
            rc = AF_ENOMEM;
        else {
            f->add.n_partition = n_parts;
            af_buf scratch;
            af_buf_init(&scratch);
            rc = partition_of(fs, b, row, &scratch, &f->add, &text);
            af_buf_free(&scratch);
        }
    }
    char uuid[37];
    af_delta_uuid(uuid);
    const char *codec = af_codec_name((af_codec)fs->opts->parquet.codec);
    if (!rc)
        rc = af_buf_append(&rel, dir->data, dir->len) ||
                     af_buf_printf(
                         &rel, "part-%05lld-%s.c000.%s.parquet", (long long)fs->file_seq++, uuid,
                         fs->opts->parquet.codec == AF_CODEC_UNCOMPRESSED ? "none" : codec)
                 ? AF_ENOMEM
                 : AF_OK;
    if (!rc)
        rc = af_buf_printf(&obj, "%s/%s", fs->table, af_buf_cstr(&rel)) ||
                     af_delta_path_encode(af_buf_cstr(&rel), &logpath)
                 ? AF_ENOMEM
                 : AF_OK;
    if (!rc) {
        f->object = af_strdup(af_buf_cstr(&obj));
        f->add.path = af_strdup(af_buf_cstr(&logpath));
        if (!f->object || !f->add.path)
            rc = AF_ENOMEM;
    }
    af_buf_free(&rel);
    af_buf_free(&text);
    af_buf_free(&obj);
    af_buf_free(&logpath);
    fs->n_files++; /* from here f is owned by the set, even on failure */
    if (rc)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    if (!(f->out = calloc(1, sizeof *f->out)))
        return af_error_set(err, AF_ENOMEM, "out of memory");
    rc = af_store_writer_begin(fs->st, f->object, fs->opts->run_id, &f->out->sw, err);
    if (rc)
        return rc;
    af_parquet_write_options po = fs->opts->parquet;
    /* one row group may use the whole budget; several open files share it
     * (af_file_set_write flushes the largest when they hold too much) */
    if (fs->opts->memory_bytes > 0 &&
        (po.row_group_bytes <= 0 || po.row_group_bytes > fs->opts->memory_bytes))
        po.row_group_bytes = fs->opts->memory_bytes;
    /* each column of each open file keeps a page being filled and a
     * dictionary until it outgrows its limit: with many partitions open,
     * both limits share the budget too (smaller pages, and high-cardinality
     * columns fall back to plain sooner) */
    size_t n_cols = fs->layout->data_schema->n_fields ? fs->layout->data_schema->n_fields : 1;
    if (fs->layout->partition_columns.len && fs->opts->memory_bytes > 0 &&
        fs->opts->max_open_files > 0) {
        int64_t per = fs->opts->memory_bytes / (fs->opts->max_open_files * (int64_t)n_cols);
        if (per < (64 << 10))
            per = 64 << 10;
        if (po.dictionary_max_bytes <= 0 || po.dictionary_max_bytes > per)
            po.dictionary_max_bytes = per;
        if (po.page_bytes <= 0 || po.page_bytes > per)
            po.page_bytes = per;
        /* the page's value indexes and levels are arrays of page_rows
         * entries per column: scale them the same way */
        int64_t rows = (int64_t)20000 * per / (1 << 20);
        po.page_rows = rows < 2000 ? 2000 : rows;
    }
    af_byte_sink sink = {sink_write, f->out};
    rc = af_parquet_writer_open(sink, fs->layout->data_schema, &po, &f->pw, err);
    if (rc)
        return af_error_wrap(err, "%s", f->object);
    fs->n_open++;
    *index = fs->n_files - 1;
    return AF_OK;
}

/* The open file of a partition, opening one if needed. */
static int file_for(af_file_set *fs, const af_batch *b, int64_t row, const af_buf *dir,
                    af_data_file **out, af_error *err)
{
    int64_t *slot;
    bool inserted;
    if (af_hashmap_upsert(&fs->open_by_key, dir->data ? (const void *)dir->data : "", dir->len, -1,
                          &slot, &inserted))
        return af_error_set(err, AF_ENOMEM, "out of memory");
    if (*slot >= 0 && fs->files[*slot].pw) {
        *out = &fs->files[*slot];
        return AF_OK;
    }
    size_t idx;
    int rc = open_file(fs, b, row, dir, &idx, err);
    if (rc)
        return rc;
    /* look the slot up again: a pointer into the map is only good until
     * the next insert */
    af_hashmap_upsert(&fs->open_by_key, dir->data ? (const void *)dir->data : "", dir->len, -1,
                      &slot, &inserted);
    *slot = (int64_t)idx;
    *out = &fs->files[idx];
    return AF_OK;
}

static int push_row_ids(af_data_file *f, const int64_t *ids, const uint32_t *take, size_t n)
{
    if (f->n_row_ids + n > f->cap_row_ids) {
        size_t ncap = f->cap_row_ids ? f->cap_row_ids : 1024;
        while (ncap < f->n_row_ids + n)
            ncap *= 2;
        int64_t *p = realloc(f->row_ids, ncap * sizeof *p);
        if (!p)
            return AF_ENOMEM;
        f->row_ids = p;
        f->cap_row_ids = ncap;
    }
    for (size_t i = 0; i < n; i++)
        f->row_ids[f->n_row_ids++] = ids[take ? take[i] : i];
    return AF_OK;
}

/* While the open files' row groups together hold more than the memory
 * budget, closes the largest row group (its file stays open), so many
 * partitions written at once cost bounded memory and few files. */
static int keep_to_budget(af_file_set *fs, af_error *err)
{
    if (fs->opts->memory_bytes <= 0)
        return AF_OK;
    for (;;) {
        size_t total = 0;
        af_data_file *largest = NULL;
        for (size_t i = 0; i < fs->n_files; i++) {
            af_data_file *f = &fs->files[i];
            if (!f->pw)
                continue;
            size_t b = af_parquet_writer_buffered(f->pw);
            total += b;
            if (!largest || b > af_parquet_writer_buffered(largest->pw))
                largest = f;
        }
        if (total <= (size_t)fs->opts->memory_bytes || !largest ||
            af_parquet_writer_buffered(largest->pw) == 0)
            return AF_OK;
        int rc = af_parquet_writer_flush(largest->pw, err);
        if (rc)
            return af_error_wrap(err, "%s", largest->object);
    }
}

/* Writes rows take[0..n) (all rows when take is NULL) of the table batch
 * into f, rolling to a new file past the target size. */
static int write_rows(af_file_set *fs, af_data_file *f, const af_batch *b, const uint32_t *take,
                      size_t n, const int64_t *row_ids, af_error *err)
{
    const af_table_layout *l = fs->layout;
    af_batch *d = af_batch_new(l->data_schema);
    if (!d)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    int rc = AF_OK;
    for (size_t c = 0; c < l->data_schema->n_fields && !rc; c++) {
        const af_array *src = &b->columns[l->data_index[c]];
        rc = take ? af_array_append_take(&d->columns[c], src, take, n)
                  : af_array_append_range(&d->columns[c], src, 0, b->n_rows);
    }
    if (!rc)
        rc = af_batch_seal(d, err);
    else
        rc = af_error_set(err, rc, "cannot gather the rows of a data file");
    if (!rc)
        rc = af_parquet_writer_write(f->pw, d, err);
    if (!rc && row_ids && push_row_ids(f, row_ids, take, n))
        rc = af_error_set(err, AF_ENOMEM, "out of memory");
    af_batch_release(d);
    if (rc)
        return rc;
    f->rows += (int64_t)n;
    f->last_use = ++fs->clock;
    rc = keep_to_budget(fs, err);
    if (rc)
        return rc;
    if (fs->opts->target_file_bytes > 0 && f->out->bytes >= fs->opts->target_file_bytes)
        rc = af_file_set_close_file(fs, f, err);
    return rc;
}

int af_file_set_write(af_file_set *fs, const af_batch *b, const int64_t *row_ids, af_error *err)
{
    if (b->n_rows == 0)
        return AF_OK;
    af_buf dir, text;
    af_buf_init(&dir);
    af_buf_init(&text);
    int rc = AF_OK;
    af_data_file *f;
    if (fs->layout->partition_columns.len == 0) {
        rc = file_for(fs, b, 0, &dir, &f, err);
        if (!rc)
            rc = write_rows(fs, f, b, NULL, (size_t)b->n_rows, row_ids, err);
        af_buf_free(&dir);
        af_buf_free(&text);
        return rc;
    }
    /* group the rows by partition folder, keeping their order */
    af_hashmap groups;
    af_hashmap_init(&groups);
    uint32_t *group_of = malloc((size_t)b->n_rows * sizeof *group_of);
    size_t n_groups = 0;
    if (!group_of)
        rc = af_error_set(err, AF_ENOMEM, "out of memory");
    for (int64_t i = 0; i < b->n_rows && !rc; i++) {
        if (partition_of(fs, b, i, &dir, NULL, &text)) {
            rc = af_error_set(err, AF_ENOMEM, "out of memory");
            break;
        }
        int64_t *slot;
        bool inserted;
        if (af_hashmap_upsert(&groups, dir.data, dir.len, (int64_t)n_groups, &slot, &inserted)) {
            rc = af_error_set(err, AF_ENOMEM, "out of memory");
            break;
        }
        if (inserted)
            n_groups++;
        group_of[i] = (uint32_t)*slot;
    }
    /* counting sort by group: each group's rows stay in input order */
    uint32_t *take = rc ? NULL : malloc((size_t)b->n_rows * sizeof *take);
    size_t *start = rc ? NULL : calloc(n_groups + 1, sizeof *start);
    if (!rc && (!take || !start))
        rc = af_error_set(err, AF_ENOMEM, "out of memory");
    if (!rc) {
        for (int64_t i = 0; i < b->n_rows; i++)
            start[group_of[i] + 1]++;
        for (size_t g = 0; g < n_groups; g++)
            start[g + 1] += start[g];
    }
    size_t *next = rc ? NULL : malloc((n_groups + 1) * sizeof *next);
    if (!rc && !next)
        rc = af_error_set(err, AF_ENOMEM, "out of memory");
    if (!rc) {
        memcpy(next, start, (n_groups + 1) * sizeof *next);
        for (int64_t i = 0; i < b->n_rows; i++)
            take[next[group_of[i]]++] = (uint32_t)i;
    }
    for (size_t g = 0; g < n_groups && !rc; g++) {
        int64_t first = take[start[g]];
        if (partition_of(fs, b, first, &dir, NULL, &text)) {
            rc = af_error_set(err, AF_ENOMEM, "out of memory");
            break;
        }
        rc = file_for(fs, b, first, &dir, &f, err);
        if (!rc)
            rc = write_rows(fs, f, b, take + start[g], start[g + 1] - start[g], row_ids, err);
    }
    free(next);
    free(start);
    free(take);
    free(group_of);
    af_hashmap_free(&groups);
    af_buf_free(&dir);
    af_buf_free(&text);
    return rc;
}

int af_file_set_finish(af_file_set *fs, af_error *err)
{
    for (size_t i = 0; i < fs->n_files; i++)
        if (fs->files[i].pw) {
            int rc = af_file_set_close_file(fs, &fs->files[i], err);
            if (rc)
                return rc;
        }
    return AF_OK;
}
