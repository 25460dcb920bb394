/* delta_checkpoint.c - Delta checkpoints: the table state as one Parquet file.
 *
 * Replaying every commit from version 0 gets slower as a table ages, so
 * every few commits the whole state (protocol, metadata, app transaction
 * markers, live files, tombstones) is written to
 * _delta_log/<version>.checkpoint.parquet, one action per row, in the
 * checkpoint schema of the Delta protocol, and _last_checkpoint names it.
 * Readers (ours, Spark, DuckDB, delta-rs) start from there.
 *
 * The file is written through the store's staged writer and published in
 * one step, and _last_checkpoint only after it, so a reader never follows
 * _last_checkpoint to a checkpoint that is not all there.
 *
 * Reading accepts checkpoints of other writers: columns are found by name
 * at every level, in any order; extra columns (stats_parsed, tags,
 * deletionVector, commitInfo...) are ignored and missing optional ones read
 * as null.
 */
#include "formats/parquet/parquet.h"
#include "io/codec.h"
#include "lake/delta_log.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* Rows per batch handed to the Parquet writer: keeps memory flat for
 * tables with millions of files. */
#define CK_BATCH_ROWS 10000

enum { C_TXN, C_ADD, C_REMOVE, C_META, C_PROTOCOL, C__COUNT };
static const char *const top_names[C__COUNT] = {"txn", "add", "remove", "metaData", "protocol"};

static int ck_path(const char *table, int64_t version, af_buf *out)
{
    return af_delta_log_path(table, version, "checkpoint.parquet", out);
}

/* ---- the checkpoint schema ---- */

static int child(af_field *parent, const char *name, af_type_id id)
{
    af_field f;
    int rc = af_field_init(&f, name, af_type_make(id), true);
    if (!rc)
        rc = af_field_add_child(parent, &f);
    af_field_free(&f);
    return rc;
}

static int child_map_ss(af_field *parent, const char *name)
{
    af_field m, e;
    int rc = af_field_init(&m, name, af_type_make(AF_TYPE_MAP), true);
    if (rc)
        return rc;
    rc = af_field_init(&e, "entries", af_type_make(AF_TYPE_STRUCT), false);
    if (!rc) {
        af_field k;
        rc = af_field_init(&k, "key", af_type_make(AF_TYPE_STRING), false);
        if (!rc)
            rc = af_field_add_child(&e, &k);
        af_field_free(&k);
        if (!rc)
            rc = child(&e, "value", AF_TYPE_STRING);
        if (!rc)
            rc = af_field_add_child(&m, &e);
        af_field_free(&e);
    }
    if (!rc)
        rc = af_field_add_child(parent, &m);
    af_field_free(&m);
    return rc;
}

static int child_list_s(af_field *parent, const char *name)
{
    af_field l;
    int rc = af_field_init(&l, name, af_type_make(AF_TYPE_LIST), true);
    if (!rc)
        rc = child(&l, "item", AF_TYPE_STRING);
    if (!rc)
        rc = af_field_add_child(parent, &l);
    af_field_free(&l);
    return rc;
}

static af_schema *checkpoint_schema(void)
{
    af_schema *s = af_schema_new();
    af_field top[C__COUNT];
    memset(top, 0, sizeof top);
    int rc = s ? AF_OK : AF_ENOMEM;
    for (int i = 0; !rc && i < C__COUNT; i++)
        rc = af_field_init(&top[i], top_names[i], af_type_make(AF_TYPE_STRUCT), true);
    if (!rc) {
        af_field *t = &top[C_TXN];
        rc = child(t, "appId", AF_TYPE_STRING);
        rc = rc ? rc : child(t, "version", AF_TYPE_INT64);
        rc = rc ? rc : child(t, "lastUpdated", AF_TYPE_INT64);
    }
    if (!rc) {
        af_field *a = &top[C_ADD];
        rc = child(a, "path", AF_TYPE_STRING);
        rc = rc ? rc : child_map_ss(a, "partitionValues");
        rc = rc ? rc : child(a, "size", AF_TYPE_INT64);
        rc = rc ? rc : child(a, "modificationTime", AF_TYPE_INT64);
        rc = rc ? rc : child(a, "dataChange", AF_TYPE_BOOL);
        rc = rc ? rc : child(a, "stats", AF_TYPE_STRING);
    }
    if (!rc) {
        af_field *r = &top[C_REMOVE];
        rc = child(r, "path", AF_TYPE_STRING);
        rc = rc ? rc : child(r, "deletionTimestamp", AF_TYPE_INT64);
        rc = rc ? rc : child(r, "dataChange", AF_TYPE_BOOL);
        rc = rc ? rc : child(r, "extendedFileMetadata", AF_TYPE_BOOL);
        rc = rc ? rc : child_map_ss(r, "partitionValues");
        rc = rc ? rc : child(r, "size", AF_TYPE_INT64);
    }
    if (!rc) {
        af_field *m = &top[C_META];
        af_field fmt;
        rc = child(m, "id", AF_TYPE_STRING);
        rc = rc ? rc : child(m, "name", AF_TYPE_STRING);
        rc = rc ? rc : child(m, "description", AF_TYPE_STRING);
        if (!rc && !(rc = af_field_init(&fmt, "format", af_type_make(AF_TYPE_STRUCT), true))) {
            rc = child(&fmt, "provider", AF_TYPE_STRING);
            rc = rc ? rc : child_map_ss(&fmt, "options");
            rc = rc ? rc : af_field_add_child(m, &fmt);
            af_field_free(&fmt);
        }
        rc = rc ? rc : child(m, "schemaString", AF_TYPE_STRING);
        rc = rc ? rc : child_list_s(m, "partitionColumns");
        rc = rc ? rc : child_map_ss(m, "configuration");
        rc = rc ? rc : child(m, "createdTime", AF_TYPE_INT64);
    }
    if (!rc) {
        af_field *p = &top[C_PROTOCOL];
        rc = child(p, "minReaderVersion", AF_TYPE_INT32);
        rc = rc ? rc : child(p, "minWriterVersion", AF_TYPE_INT32);
        rc = rc ? rc : child_list_s(p, "readerFeatures");
        rc = rc ? rc : child_list_s(p, "writerFeatures");
    }
    for (int i = 0; i < C__COUNT; i++) {
        if (!rc)
            rc = af_schema_add(s, &top[i]);
        af_field_free(&top[i]);
    }
    if (rc) {
        af_schema_free(s);
        return NULL;
    }
    return s;
}

/* ---- writing ---- */

typedef struct ck_writer {
    af_store_writer *sw;
    af_parquet_writer *pw;
    af_schema *schema;
    af_batch *batch;
    int64_t rows;
    const char *name; /* the checkpoint's path, for messages */
    af_error *err;
} ck_writer;

static int sink_write(void *ctx, const void *data, size_t n, af_error *err)
{
    return af_store_writer_write(ctx, data, n, err);
}

static int put_str(af_array *a, const char *s)
{
    return s ? af_array_append_bytes(a, s, strlen(s)) : af_array_append_null(a);
}

/* A map<string,string> value from partition values (NULL value = null). */
static int put_pv(af_array *m, const af_delta_pv *pv, size_t n)
{
    af_array *e = &m->children[0];
    int rc = AF_OK;
    for (size_t i = 0; !rc && i < n; i++) {
        rc = put_str(&e->children[0], pv[i].column ? pv[i].column : "");
        rc = rc ? rc : put_str(&e->children[1], pv[i].value);
        rc = rc ? rc : af_array_append_struct_row(e);
    }
    return rc ? rc : af_array_append_list_row(m, (int64_t)n);
}

static int put_kv(af_array *m, const af_delta_kv *kv, size_t n)
{
    af_array *e = &m->children[0];
    int rc = AF_OK;
    for (size_t i = 0; !rc && i < n; i++) {
        rc = put_str(&e->children[0], kv[i].key ? kv[i].key : "");
        rc = rc ? rc : put_str(&e->children[1], kv[i].value);
        rc = rc ? rc : af_array_append_struct_row(e);
    }
    return rc ? rc : af_array_append_list_row(m, (int64_t)n);
}

/* A list<string>; null when `present` is false (protocol features of a
 * table without table features are null, not empty). */
static int put_list(af_array *l, const af_strlist *items, bool present)
{
    if (!present)
        return af_array_append_null(l);
    int rc = AF_OK;
    for (size_t i = 0; !rc && i < items->len; i++)
        rc = put_str(&l->children[0], items->items[i]);
    return rc ? rc : af_array_append_list_row(l, (int64_t)items->len);
}

static int flush(ck_writer *w)
{
    if (!w->batch || w->batch->columns[0].length == 0)
        return AF_OK;
    int rc = af_batch_seal(w->batch, w->err);
    if (!rc)
        rc = af_parquet_writer_write(w->pw, w->batch, w->err);
    af_batch_release(w->batch);
    w->batch = NULL;
    if (rc)
        af_error_wrap(w->err, "%s", w->name);
    return rc;
}

/* Ends a row whose action went into column `used`: every other action
 * column is null in it. */
static int end_row(ck_writer *w, int used)
{
    int rc = AF_OK;
    for (int c = 0; !rc && c < C__COUNT; c++)
        if (c != used)
            rc = af_array_append_null(&w->batch->columns[c]);
    if (rc)
        return af_error_set(w->err, AF_ENOMEM, "%s: out of memory building the checkpoint",
                            w->name);
    w->rows++;
    if (w->batch->columns[0].length >= CK_BATCH_ROWS)
        return flush(w);
    return AF_OK;
}

static int begin_row(ck_writer *w)
{
    if (w->batch)
        return AF_OK;
    w->batch = af_batch_new(w->schema);
    return w->batch ? AF_OK
                    : af_error_set(w->err, AF_ENOMEM, "%s: out of memory building the checkpoint",
                                   w->name);
}

static int row_failed(ck_writer *w, int rc)
{
    return af_error_set(w->err, rc == AF_ENOMEM ? AF_ENOMEM : AF_EINTERNAL,
                        "%s: cannot build a checkpoint row (%s)", w->name, af_strerror(rc));
}

static int write_protocol(ck_writer *w, const af_delta_protocol *p)
{
    int rc = begin_row(w);
    if (rc)
        return rc;
    af_array *a = &w->batch->columns[C_PROTOCOL];
    rc = af_array_append_int(&a->children[0], p->min_reader);
    rc = rc ? rc : af_array_append_int(&a->children[1], p->min_writer);
    rc = rc ? rc : put_list(&a->children[2], &p->reader_features, p->min_reader >= 3);
    rc = rc ? rc : put_list(&a->children[3], &p->writer_features, p->min_writer >= 7);
    rc = rc ? rc : af_array_append_struct_row(a);
    return rc ? row_failed(w, rc) : end_row(w, C_PROTOCOL);
}

static int write_metadata(ck_writer *w, const af_delta_metadata *m)
{
    int rc = begin_row(w);
    if (rc)
        return rc;
    af_array *a = &w->batch->columns[C_META];
    af_array *fmt = &a->children[3];
    rc = put_str(&a->children[0], m->id);
    rc = rc ? rc : put_str(&a->children[1], m->name);
    rc = rc ? rc : put_str(&a->children[2], m->description);
    rc = rc ? rc : put_str(&fmt->children[0], "parquet");
    rc = rc ? rc : put_kv(&fmt->children[1], NULL, 0);
    rc = rc ? rc : af_array_append_struct_row(fmt);
    rc = rc ? rc : put_str(&a->children[4], m->schema_string);
    rc = rc ? rc : put_list(&a->children[5], &m->partition_columns, true);
    rc = rc ? rc : put_kv(&a->children[6], m->configuration, m->n_configuration);
    rc = rc ? rc : af_array_append_int(&a->children[7], m->created_ms);
    rc = rc ? rc : af_array_append_struct_row(a);
    return rc ? row_failed(w, rc) : end_row(w, C_META);
}

static int write_txn(ck_writer *w, const af_delta_txn *t)
{
    int rc = begin_row(w);
    if (rc)
        return rc;
    af_array *a = &w->batch->columns[C_TXN];
    rc = put_str(&a->children[0], t->app_id);
    rc = rc ? rc : af_array_append_int(&a->children[1], t->version);
    rc = rc ? rc : af_array_append_int(&a->children[2], t->last_updated_ms);
    rc = rc ? rc : af_array_append_struct_row(a);
    return rc ? row_failed(w, rc) : end_row(w, C_TXN);
}

static int write_add(ck_writer *w, const af_delta_file *f)
{
    int rc = begin_row(w);
    if (rc)
        return rc;
    af_array *a = &w->batch->columns[C_ADD];
    rc = put_str(&a->children[0], f->path);
    rc = rc ? rc : put_pv(&a->children[1], f->partition, f->n_partition);
    rc = rc ? rc : af_array_append_int(&a->children[2], f->size);
    rc = rc ? rc : af_array_append_int(&a->children[3], f->mtime_ms);
    rc = rc ? rc : af_array_append_bool(&a->children[4], f->data_change);
    rc = rc ? rc : put_str(&a->children[5], f->stats);
    rc = rc ? rc : af_array_append_struct_row(a);
    return rc ? row_failed(w, rc) : end_row(w, C_ADD);
}

static int write_remove(ck_writer *w, const af_delta_file *f)
{
    int rc = begin_row(w);
    if (rc)
        return rc;
    af_array *a = &w->batch->columns[C_REMOVE];
    rc = put_str(&a->children[0], f->path);
    rc = rc ? rc : af_array_append_int(&a->children[1], f->deletion_ms);
    rc = rc ? rc : af_array_append_bool(&a->children[2], f->data_change);
    /* we always carry partition values and size: readers may use them */
    rc = rc ? rc : af_array_append_bool(&a->children[3], true);
    rc = rc ? rc : put_pv(&a->children[4], f->partition, f->n_partition);
    rc = rc ? rc : af_array_append_int(&a->children[5], f->size);
    rc = rc ? rc : af_array_append_struct_row(a);
    return rc ? row_failed(w, rc) : end_row(w, C_REMOVE);
}

/* The version _last_checkpoint names, or -1 (missing or unreadable: it is
 * only a hint, a reader lists the log anyway). */
static int64_t last_checkpoint_version(af_store *st, const char *path)
{
    af_buf b;
    af_buf_init(&b);
    af_error ignored;
    int64_t v = -1;
    if (af_store_read_range(st, path, 0, 4096, &b, &ignored) == 0) {
        json_t *j = json_loadb((const char *)b.data, b.len, 0, NULL);
        json_t *jv = json_object_get(j, "version");
        if (json_is_integer(jv))
            v = (int64_t)json_integer_value(jv);
        json_decref(j);
    }
    af_buf_free(&b);
    return v;
}

int af_delta_checkpoint_write(af_store *st, const char *table, const af_delta_snapshot *s,
                              af_error *err)
{
    af_buf path, last;
    af_buf_init(&path);
    af_buf_init(&last);
    ck_writer w;
    memset(&w, 0, sizeof w);
    w.err = err;
    int rc = AF_OK;
    if (!s || s->version < 0)
        return af_error_set(err, AF_EINVAL, "%s: cannot checkpoint a table without a version",
                            table);
    if (ck_path(table, s->version, &path) ||
        af_delta_log_path(table, -1, "_last_checkpoint", &last)) {
        rc = af_error_set(err, AF_ENOMEM, "out of memory");
        goto out;
    }
    w.name = af_buf_cstr(&path);
    w.schema = checkpoint_schema();
    if (!w.schema) {
        rc = af_error_set(err, AF_ENOMEM, "%s: out of memory building the checkpoint schema",
                          w.name);
        goto out;
    }
    if ((rc = af_store_writer_begin(st, w.name, NULL, &w.sw, err)))
        goto out;
    af_parquet_write_options o;
    af_parquet_write_options_default(&o);
    /* Spark's own checkpoints are Snappy: the codec every Delta reader has */
    o.codec = AF_CODEC_SNAPPY;
    af_byte_sink sink = {sink_write, w.sw};
    if ((rc = af_parquet_writer_open(sink, w.schema, &o, &w.pw, err))) {
        af_error_wrap(err, "%s", w.name);
        goto out;
    }

    rc = write_protocol(&w, &s->protocol);
    if (!rc)
        rc = write_metadata(&w, &s->metadata);
    for (size_t i = 0; !rc && i < s->n_txns; i++)
        rc = write_txn(&w, &s->txns[i]);
    for (size_t i = 0; !rc && i < s->n_files; i++)
        rc = write_add(&w, &s->files[i]);
    for (size_t i = 0; !rc && i < s->n_tombstones; i++)
        rc = write_remove(&w, &s->tombstones[i]);
    if (!rc)
        rc = flush(&w);
    if (!rc && (rc = af_parquet_writer_finish(w.pw, err)))
        af_error_wrap(err, "%s", w.name);
    if (!rc)
        rc = af_store_writer_publish(w.sw, err);
    if (rc)
        goto out;

    /* only now that the checkpoint is complete and visible; a writer that
     * checkpointed a later version meanwhile keeps its pointer (readers
     * must never be sent back to an older checkpoint than they could use) */
    if (last_checkpoint_version(st, af_buf_cstr(&last)) <= s->version) {
        char json[96];
        int n = snprintf(json, sizeof json, "{\"version\":%" PRId64 ",\"size\":%" PRId64 "}",
                         s->version, w.rows);
        rc = af_store_put(st, af_buf_cstr(&last), json, (size_t)n, err);
    }

out:
    af_batch_release(w.batch);
    af_parquet_writer_free(w.pw);
    af_store_writer_free(w.sw);
    af_schema_free(w.schema);
    af_buf_free(&path);
    af_buf_free(&last);
    return rc;
}

/* ---- reading ---- */

/* Where the fields we read live in a (possibly foreign) checkpoint: child
 * indices by name, -1 when the writer left the field out. */
typedef struct ck_layout {
    int top[C__COUNT];
    int txn_app, txn_version, txn_updated;
    int add_path, add_pv, add_size, add_mtime, add_dc, add_stats, add_sp, add_sp_num;
    int rm_path, rm_del, rm_dc, rm_pv, rm_size;
    int md_id, md_name, md_desc, md_schema, md_pcols, md_conf, md_created;
    int pr_reader, pr_writer, pr_rf, pr_wf;
} ck_layout;

typedef struct ck_reader {
    const char *name;
    af_error *err;
    ck_layout lay;
    bool has_protocol, has_metadata;
    af_delta_protocol protocol;
    af_delta_metadata metadata;
    af_delta_file *files, *tombs;
    size_t n_files, cap_files, n_tombs, cap_tombs;
    af_delta_txn *txns;
    size_t n_txns, cap_txns;
} ck_reader;

/* Index of child `name` of f when its type is one of the accepted ones;
 * -1 when absent. A present field of another type is an error: reading it
 * as something else would give wrong state. */
static int find_child(ck_reader *r, const af_field *f, const char *name, const af_type_id *ok,
                      size_t n_ok, int *out)
{
    *out = -1;
    if (!f)
        return AF_OK;
    for (size_t i = 0; i < f->n_children; i++) {
        if (strcmp(f->children[i].name, name) != 0)
            continue;
        for (size_t k = 0; k < n_ok; k++) {
            if (f->children[i].type.id == ok[k]) {
                *out = (int)i;
                return AF_OK;
            }
        }
        af_buf t;
        af_buf_init(&t);
        af_field_format_type(&f->children[i], &t);
        af_error_set(r->err, AF_EPARSE,
                     "%s: column %s.%s has type %s, which a Delta checkpoint "
                     "does not use there",
                     r->name, f->name, name, t.len ? af_buf_cstr(&t) : "?");
        af_buf_free(&t);
        return AF_EPARSE;
    }
    return AF_OK;
}

static const af_type_id T_STR[] = {AF_TYPE_STRING, AF_TYPE_JSON, AF_TYPE_BINARY};
static const af_type_id T_INT[] = {AF_TYPE_INT8, AF_TYPE_INT16, AF_TYPE_INT32, AF_TYPE_INT64};
static const af_type_id T_BOOL[] = {AF_TYPE_BOOL};
static const af_type_id T_MAP[] = {AF_TYPE_MAP};
static const af_type_id T_LIST[] = {AF_TYPE_LIST};
static const af_type_id T_STRUCT[] = {AF_TYPE_STRUCT};
#define N(a) (sizeof(a) / sizeof((a)[0]))

/* A map<string,string> or list<string> must hold strings to be read. */
static int check_strings(ck_reader *r, const af_field *f, const char *owner, int idx)
{
    if (idx < 0)
        return AF_OK;
    const af_field *c = &f->children[idx];
    bool ok = c->n_children == 1;
    if (ok && c->type.id == AF_TYPE_MAP) {
        const af_field *e = &c->children[0];
        ok = e->n_children == 2 && e->children[0].type.id == AF_TYPE_STRING &&
             e->children[1].type.id == AF_TYPE_STRING;
    } else if (ok) {
        ok = c->children[0].type.id == AF_TYPE_STRING;
    }
    if (!ok)
        return af_error_set(r->err, AF_EPARSE, "%s: column %s.%s must hold strings", r->name, owner,
                            c->name);
    return AF_OK;
}

static int layout(ck_reader *r, const af_schema *s)
{
    ck_layout *l = &r->lay;
    const af_field *top[C__COUNT];
    for (int c = 0; c < C__COUNT; c++) {
        long i = af_schema_find(s, top_names[c]);
        l->top[c] = (int)i;
        top[c] = i >= 0 ? &s->fields[i] : NULL;
        if (top[c] && top[c]->type.id != AF_TYPE_STRUCT)
            return af_error_set(r->err, AF_EPARSE, "%s: column %s is not a struct", r->name,
                                top_names[c]);
    }
    int rc = AF_OK;
#define FIND(f, name, types, out)                                                                  \
    if (!rc)                                                                                       \
    rc = find_child(r, f, name, types, N(types), out)
    const af_field *t = top[C_TXN], *a = top[C_ADD], *rm = top[C_REMOVE], *m = top[C_META],
                   *p = top[C_PROTOCOL];
    FIND(t, "appId", T_STR, &l->txn_app);
    FIND(t, "version", T_INT, &l->txn_version);
    FIND(t, "lastUpdated", T_INT, &l->txn_updated);
    FIND(a, "path", T_STR, &l->add_path);
    FIND(a, "partitionValues", T_MAP, &l->add_pv);
    FIND(a, "size", T_INT, &l->add_size);
    FIND(a, "modificationTime", T_INT, &l->add_mtime);
    FIND(a, "dataChange", T_BOOL, &l->add_dc);
    FIND(a, "stats", T_STR, &l->add_stats);
    FIND(a, "stats_parsed", T_STRUCT, &l->add_sp);
    l->add_sp_num = -1;
    if (!rc && l->add_sp >= 0)
        rc = find_child(r, &a->children[l->add_sp], "numRecords", T_INT, N(T_INT), &l->add_sp_num);
    FIND(rm, "path", T_STR, &l->rm_path);
    FIND(rm, "deletionTimestamp", T_INT, &l->rm_del);
    FIND(rm, "dataChange", T_BOOL, &l->rm_dc);
    FIND(rm, "partitionValues", T_MAP, &l->rm_pv);
    FIND(rm, "size", T_INT, &l->rm_size);
    FIND(m, "id", T_STR, &l->md_id);
    FIND(m, "name", T_STR, &l->md_name);
    FIND(m, "description", T_STR, &l->md_desc);
    FIND(m, "schemaString", T_STR, &l->md_schema);
    FIND(m, "partitionColumns", T_LIST, &l->md_pcols);
    FIND(m, "configuration", T_MAP, &l->md_conf);
    FIND(m, "createdTime", T_INT, &l->md_created);
    FIND(p, "minReaderVersion", T_INT, &l->pr_reader);
    FIND(p, "minWriterVersion", T_INT, &l->pr_writer);
    FIND(p, "readerFeatures", T_LIST, &l->pr_rf);
    FIND(p, "writerFeatures", T_LIST, &l->pr_wf);
#undef FIND
    if (!rc)
        rc = check_strings(r, a, "add", l->add_pv);
    if (!rc)
        rc = check_strings(r, rm, "remove", l->rm_pv);
    if (!rc)
        rc = check_strings(r, m, "metaData", l->md_pcols);
    if (!rc)
        rc = check_strings(r, m, "metaData", l->md_conf);
    if (!rc)
        rc = check_strings(r, p, "protocol", l->pr_rf);
    if (!rc)
        rc = check_strings(r, p, "protocol", l->pr_wf);
    return rc;
}

/* Child k of struct array a, or NULL when absent or too short for row i. */
static const af_array *sub(const af_array *a, int k, int64_t i)
{
    if (k < 0 || (size_t)k >= a->n_children || i >= a->children[k].length)
        return NULL;
    return &a->children[k];
}

static bool valid(const af_array *a, int64_t i)
{
    return a && i < a->length && af_array_is_valid(a, i);
}

/* A copy of a string value; *out NULL for null. */
static int get_str(ck_reader *r, const af_array *a, int64_t i, char **out)
{
    *out = NULL;
    if (!valid(a, i))
        return AF_OK;
    size_t n = 0;
    const uint8_t *p = af_array_get_bytes(a, i, &n);
    *out = af_strndup((const char *)p, n);
    return *out ? AF_OK : af_error_set(r->err, AF_ENOMEM, "out of memory reading %s", r->name);
}

static int64_t get_int(const af_array *a, int64_t i, int64_t dflt)
{
    return valid(a, i) ? af_array_get_int(a, i) : dflt;
}

/* Entries [*start, *end) of list/map row i, checked against the child. */
static bool list_range(ck_reader *r, const af_array *a, int64_t i, int64_t *start, int64_t *end)
{
    *start = *end = 0;
    if (!valid(a, i) || a->n_children != 1 || a->offsets.len < (size_t)(i + 2) * sizeof(int32_t))
        return true;
    int32_t o[2];
    memcpy(o, a->offsets.data + (size_t)i * sizeof(int32_t), sizeof o);
    if (o[0] < 0 || o[1] < o[0] || o[1] > a->children[0].length) {
        af_error_set(r->err, AF_EPARSE, "%s: column %s has bad list offsets at row %" PRId64,
                     r->name, a->field->name, i);
        return false;
    }
    *start = o[0];
    *end = o[1];
    return true;
}

static int get_strlist(ck_reader *r, const af_array *a, int64_t i, af_strlist *out)
{
    int64_t b, e;
    if (!a)
        return AF_OK;
    if (!list_range(r, a, i, &b, &e))
        return AF_EPARSE;
    for (int64_t k = b; k < e; k++) {
        char *s = NULL;
        int rc = get_str(r, &a->children[0], k, &s);
        if (rc)
            return rc;
        if (s && af_strlist_push(out, s)) {
            free(s);
            return af_error_set(r->err, AF_ENOMEM, "out of memory reading %s", r->name);
        }
        free(s);
    }
    return AF_OK;
}

/* Map row i as a flat array key0, value0, key1, value1... (values may be
 * NULL; keys may not). */
static int get_pairs(ck_reader *r, const af_array *a, int64_t i, char ***pairs, size_t *n)
{
    *pairs = NULL;
    *n = 0;
    int64_t b, e;
    if (!a)
        return AF_OK;
    if (!list_range(r, a, i, &b, &e))
        return AF_EPARSE;
    if (e == b)
        return AF_OK;
    const af_array *en = &a->children[0];
    if (en->n_children != 2)
        return af_error_set(r->err, AF_EPARSE, "%s: map column %s has no key and value", r->name,
                            a->field->name);
    char **p = calloc((size_t)(e - b) * 2, sizeof *p);
    if (!p)
        return af_error_set(r->err, AF_ENOMEM, "out of memory reading %s", r->name);
    for (int64_t k = b; k < e; k++) {
        size_t j = (size_t)(k - b) * 2;
        int rc = get_str(r, &en->children[0], k, &p[j]);
        if (!rc)
            rc = get_str(r, &en->children[1], k, &p[j + 1]);
        if (!rc && !p[j])
            rc = af_error_set(r->err, AF_EPARSE, "%s: column %s has a null key at row %" PRId64,
                              r->name, a->field->name, i);
        if (rc) {
            for (size_t x = 0; x <= j + 1; x++)
                free(p[x]);
            free(p);
            return rc;
        }
    }
    *pairs = p;
    *n = (size_t)(e - b);
    return AF_OK;
}

static int get_pv(ck_reader *r, const af_array *a, int64_t i, af_delta_pv **out, size_t *n)
{
    char **p = NULL;
    int rc = get_pairs(r, a, i, &p, n);
    *out = NULL;
    if (rc || !*n)
        return rc;
    af_delta_pv *pv = calloc(*n, sizeof *pv);
    if (!pv) {
        for (size_t k = 0; k < *n * 2; k++)
            free(p[k]);
        free(p);
        *n = 0;
        return af_error_set(r->err, AF_ENOMEM, "out of memory reading %s", r->name);
    }
    for (size_t k = 0; k < *n; k++) {
        pv[k].column = p[2 * k];
        pv[k].value = p[2 * k + 1];
    }
    free(p);
    *out = pv;
    return AF_OK;
}

static int get_kv(ck_reader *r, const af_array *a, int64_t i, af_delta_kv **out, size_t *n)
{
    char **p = NULL;
    int rc = get_pairs(r, a, i, &p, n);
    *out = NULL;
    if (rc || !*n)
        return rc;
    af_delta_kv *kv = calloc(*n, sizeof *kv);
    if (!kv) {
        for (size_t k = 0; k < *n * 2; k++)
            free(p[k]);
        free(p);
        *n = 0;
        return af_error_set(r->err, AF_ENOMEM, "out of memory reading %s", r->name);
    }
    for (size_t k = 0; k < *n; k++) {
        kv[k].key = p[2 * k];
        kv[k].value = p[2 * k + 1];
    }
    free(p);
    *out = kv;
    return AF_OK;
}

/* numRecords of a stats JSON text; -1 when absent or unreadable (stats
 * are advisory: a bad one must not make the table unreadable). */
static int64_t stats_records(const char *stats)
{
    if (!stats)
        return -1;
    json_t *j = json_loads(stats, 0, NULL);
    json_t *n = json_object_get(j, "numRecords");
    int64_t v = json_is_integer(n) ? (int64_t)json_integer_value(n) : -1;
    json_decref(j);
    return v;
}

static int grow(ck_reader *r, void **arr, size_t *cap, size_t n, size_t elem)
{
    if (n < *cap)
        return AF_OK;
    size_t nc = *cap ? *cap * 2 : 64;
    void *p = realloc(*arr, nc * elem);
    if (!p)
        return af_error_set(r->err, AF_ENOMEM, "out of memory reading %s", r->name);
    *arr = p;
    *cap = nc;
    return AF_OK;
}

static int read_file_row(ck_reader *r, const af_array *a, int64_t i, bool is_add)
{
    const ck_layout *l = &r->lay;
    af_delta_file f;
    memset(&f, 0, sizeof f);
    f.num_records = -1;
    int rc = get_str(r, sub(a, is_add ? l->add_path : l->rm_path, i), i, &f.path);
    if (!rc && !f.path)
        rc = af_error_set(r->err, AF_EPARSE, "%s: row %" PRId64 ": %s action without a path",
                          r->name, i, is_add ? "add" : "remove");
    if (!rc)
        rc = get_pv(r, sub(a, is_add ? l->add_pv : l->rm_pv, i), i, &f.partition, &f.n_partition);
    if (!rc) {
        f.size = get_int(sub(a, is_add ? l->add_size : l->rm_size, i), i, 0);
        f.data_change = valid(sub(a, is_add ? l->add_dc : l->rm_dc, i), i) &&
                        af_array_get_bool(sub(a, is_add ? l->add_dc : l->rm_dc, i), i);
        if (is_add) {
            f.mtime_ms = get_int(sub(a, l->add_mtime, i), i, 0);
            rc = get_str(r, sub(a, l->add_stats, i), i, &f.stats);
            f.num_records = stats_records(f.stats);
            const af_array *sp = sub(a, l->add_sp, i);
            if (f.num_records < 0 && valid(sp, i))
                f.num_records = get_int(sub(sp, l->add_sp_num, i), i, -1);
        } else {
            f.deletion_ms = get_int(sub(a, l->rm_del, i), i, 0);
        }
    }
    if (!rc) {
        if (is_add)
            rc = grow(r, (void **)&r->files, &r->cap_files, r->n_files, sizeof *r->files);
        else
            rc = grow(r, (void **)&r->tombs, &r->cap_tombs, r->n_tombs, sizeof *r->tombs);
    }
    if (rc) {
        af_delta_file_free(&f);
        return rc;
    }
    if (is_add)
        r->files[r->n_files++] = f;
    else
        r->tombs[r->n_tombs++] = f;
    return AF_OK;
}

static int read_txn_row(ck_reader *r, const af_array *a, int64_t i)
{
    const ck_layout *l = &r->lay;
    af_delta_txn t;
    memset(&t, 0, sizeof t);
    int rc = get_str(r, sub(a, l->txn_app, i), i, &t.app_id);
    if (!rc && !t.app_id)
        rc = af_error_set(r->err, AF_EPARSE, "%s: row %" PRId64 ": txn action without an appId",
                          r->name, i);
    if (!rc)
        rc = grow(r, (void **)&r->txns, &r->cap_txns, r->n_txns, sizeof *r->txns);
    if (rc) {
        free(t.app_id);
        return rc;
    }
    t.version = get_int(sub(a, l->txn_version, i), i, -1);
    t.last_updated_ms = get_int(sub(a, l->txn_updated, i), i, 0);
    r->txns[r->n_txns++] = t;
    return AF_OK;
}

static int read_metadata_row(ck_reader *r, const af_array *a, int64_t i)
{
    const ck_layout *l = &r->lay;
    af_delta_metadata m;
    memset(&m, 0, sizeof m);
    int rc = get_str(r, sub(a, l->md_id, i), i, &m.id);
    if (!rc)
        rc = get_str(r, sub(a, l->md_name, i), i, &m.name);
    if (!rc)
        rc = get_str(r, sub(a, l->md_desc, i), i, &m.description);
    if (!rc)
        rc = get_str(r, sub(a, l->md_schema, i), i, &m.schema_string);
    if (!rc)
        rc = get_strlist(r, sub(a, l->md_pcols, i), i, &m.partition_columns);
    if (!rc)
        rc = get_kv(r, sub(a, l->md_conf, i), i, &m.configuration, &m.n_configuration);
    if (!rc && !m.schema_string)
        rc = af_error_set(r->err, AF_EPARSE, "%s: row %" PRId64 ": metaData without a schemaString",
                          r->name, i);
    m.created_ms = get_int(sub(a, l->md_created, i), i, 0);
    if (rc) {
        af_delta_metadata_free(&m);
        return rc;
    }
    if (r->has_metadata)
        af_delta_metadata_free(&r->metadata);
    r->metadata = m;
    r->has_metadata = true;
    return AF_OK;
}

static int read_protocol_row(ck_reader *r, const af_array *a, int64_t i)
{
    const ck_layout *l = &r->lay;
    af_delta_protocol p;
    memset(&p, 0, sizeof p);
    p.min_reader = (int)get_int(sub(a, l->pr_reader, i), i, 1);
    p.min_writer = (int)get_int(sub(a, l->pr_writer, i), i, 2);
    int rc = get_strlist(r, sub(a, l->pr_rf, i), i, &p.reader_features);
    if (!rc)
        rc = get_strlist(r, sub(a, l->pr_wf, i), i, &p.writer_features);
    if (rc) {
        af_delta_protocol_free(&p);
        return rc;
    }
    if (r->has_protocol)
        af_delta_protocol_free(&r->protocol);
    r->protocol = p;
    r->has_protocol = true;
    return AF_OK;
}

static int read_batch(ck_reader *r, const af_batch *b)
{
    const af_array *col[C__COUNT];
    for (int c = 0; c < C__COUNT; c++) {
        long idx = af_schema_find(b->schema, top_names[c]);
        col[c] = idx >= 0 ? &b->columns[idx] : NULL;
    }
    int rc = AF_OK;
    for (int64_t i = 0; !rc && i < b->n_rows; i++) {
        if (valid(col[C_PROTOCOL], i))
            rc = read_protocol_row(r, col[C_PROTOCOL], i);
        if (!rc && valid(col[C_META], i))
            rc = read_metadata_row(r, col[C_META], i);
        if (!rc && valid(col[C_TXN], i))
            rc = read_txn_row(r, col[C_TXN], i);
        if (!rc && valid(col[C_ADD], i))
            rc = read_file_row(r, col[C_ADD], i, true);
        if (!rc && valid(col[C_REMOVE], i))
            rc = read_file_row(r, col[C_REMOVE], i, false);
    }
    return rc;
}

static int by_path(const void *a, const void *b)
{
    const af_delta_file *x = a, *y = b;
    return strcmp(x->path, y->path);
}

static void reader_free(ck_reader *r)
{
    for (size_t i = 0; i < r->n_files; i++)
        af_delta_file_free(&r->files[i]);
    for (size_t i = 0; i < r->n_tombs; i++)
        af_delta_file_free(&r->tombs[i]);
    for (size_t i = 0; i < r->n_txns; i++)
        free(r->txns[i].app_id);
    free(r->files);
    free(r->tombs);
    free(r->txns);
    if (r->has_protocol)
        af_delta_protocol_free(&r->protocol);
    if (r->has_metadata)
        af_delta_metadata_free(&r->metadata);
}

/* Opens the reader on only the action columns this file has: decoding
 * stats_parsed is unavoidable (it sits inside add) but top-level extras
 * such as commitInfo or domainMetadata are skipped. */
static int open_reader(ck_reader *r, af_blob *blob, af_parquet_reader **out)
{
    af_parquet_reader *pr = NULL;
    int rc = af_parquet_reader_open(blob, NULL, &pr, r->err);
    if (rc)
        return rc;
    const af_schema *all = af_parquet_reader_schema(pr);
    const char *want[C__COUNT];
    size_t n = 0;
    for (int c = 0; c < C__COUNT; c++)
        if (af_schema_find(all, top_names[c]) >= 0)
            want[n++] = top_names[c];
    if (n == 0) {
        af_parquet_reader_free(pr);
        return af_error_set(r->err, AF_EPARSE,
                            "%s: not a Delta checkpoint (none of the columns txn, add, remove, "
                            "metaData, protocol)",
                            r->name);
    }
    if (n == all->n_fields) {
        *out = pr;
        return AF_OK;
    }
    af_parquet_reader_free(pr);
    af_parquet_read_options o;
    memset(&o, 0, sizeof o);
    o.columns = want;
    o.n_columns = n;
    o.limits = AF_BATCH_DEFAULT_LIMITS;
    return af_parquet_reader_open(blob, &o, out, r->err);
}

int af_delta_checkpoint_read(af_store *st, const char *table, int64_t version, af_delta_snapshot *s,
                             af_error *err)
{
    af_buf path;
    af_buf_init(&path);
    if (ck_path(table, version, &path))
        return af_error_set(err, AF_ENOMEM, "out of memory");
    ck_reader r;
    memset(&r, 0, sizeof r);
    r.name = af_buf_cstr(&path);
    r.err = err;
    af_blob *blob = NULL;
    af_parquet_reader *pr = NULL;
    int rc = af_store_blob_open(st, r.name, &blob, err);
    if (!rc)
        rc = open_reader(&r, blob, &pr);
    if (!rc)
        rc = layout(&r, af_parquet_reader_schema(pr));
    while (!rc) {
        af_batch *b = NULL;
        rc = af_parquet_reader_next(pr, &b, err);
        if (rc || !b)
            break;
        rc = read_batch(&r, b);
        af_batch_release(b);
    }
    if (!rc && !r.has_protocol)
        rc = af_error_set(err, AF_EPARSE, "%s: the checkpoint has no protocol action", r.name);
    if (!rc && !r.has_metadata)
        rc = af_error_set(err, AF_EPARSE, "%s: the checkpoint has no metaData action", r.name);
    af_parquet_reader_free(pr);
    af_blob_close(blob);
    if (!rc) {
        if (r.n_files > 1)
            qsort(r.files, r.n_files, sizeof *r.files, by_path);
        if (r.n_tombs > 1)
            qsort(r.tombs, r.n_tombs, sizeof *r.tombs, by_path);
        /* s->version stays the caller's: it may replay commits past this one */
        s->protocol = r.protocol;
        s->metadata = r.metadata;
        s->files = r.files;
        s->n_files = r.n_files;
        s->tombstones = r.tombs;
        s->n_tombstones = r.n_tombs;
        s->txns = r.txns;
        s->n_txns = r.n_txns;
        memset(&r, 0, sizeof r);
    }
    reader_free(&r);
    af_buf_free(&path);
    return rc;
}
