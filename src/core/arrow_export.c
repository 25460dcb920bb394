/* arrow_export.c - hands batches and schemas to other engines through the
 * Arrow C Data Interface, sharing buffers instead of copying them.
 */
#include "core/batch.h"

#include "core/batch_internal.h"

#include <stdlib.h>
#include <string.h>

int af_field_arrow_format(const af_field *f, af_buf *out)
{
    const af_type *t = &f->type;
    switch (t->id) {
    case AF_TYPE_NULL: return af_buf_append_str(out, "n");
    case AF_TYPE_BOOL: return af_buf_append_str(out, "b");
    case AF_TYPE_INT8: return af_buf_append_str(out, "c");
    case AF_TYPE_INT16: return af_buf_append_str(out, "s");
    case AF_TYPE_INT32: return af_buf_append_str(out, "i");
    case AF_TYPE_INT64: return af_buf_append_str(out, "l");
    case AF_TYPE_FLOAT32: return af_buf_append_str(out, "f");
    case AF_TYPE_FLOAT64: return af_buf_append_str(out, "g");
    case AF_TYPE_DECIMAL: return af_buf_printf(out, "d:%u,%u", t->precision, t->scale);
    case AF_TYPE_STRING:
    case AF_TYPE_JSON: return af_buf_append_str(out, "u");
    case AF_TYPE_BINARY: return af_buf_append_str(out, "z");
    case AF_TYPE_DATE: return af_buf_append_str(out, "tdD");
    case AF_TYPE_TIME: {
        static const char *const f_time[] = {"tts", "ttm", "ttu", "ttn"};
        return af_buf_append_str(out, f_time[t->unit & 3]);
    }
    case AF_TYPE_TIMESTAMP:
        return af_buf_printf(out, "ts%c:%s", "smun"[t->unit & 3],
                             t -> timezone ? t -> timezone : "");
    case AF_TYPE_UUID: return af_buf_append_str(out, "w:16");
    case AF_TYPE_STRUCT: return af_buf_append_str(out, "+s");
    case AF_TYPE_LIST: return af_buf_append_str(out, "+l");
    case AF_TYPE_MAP: return af_buf_append_str(out, "+m");
    default: return AF_EINTERNAL;
    }
}

typedef struct schema_priv {
    char *format;
    char *name;
    char *metadata;
    struct ArrowSchema **child_ptrs;
    struct ArrowSchema *child_storage;
    int64_t n_children;
} schema_priv;

static void release_schema(struct ArrowSchema *s)
{
    if (!s || !s->release)
        return;
    schema_priv *p = s->private_data;
    for (int64_t i = 0; i < s->n_children; i++) {
        struct ArrowSchema *c = s->children[i];
        /* a consumer may have moved a child out, leaving release NULL */
        if (c && c->release)
            c->release(c);
    }
    if (p) {
        free(p->format);
        free(p->name);
        free(p->metadata);
        free(p->child_ptrs);
        free(p->child_storage);
        free(p);
    }
    s->release = NULL;
}

/* The metadata encoding of the C Data Interface: int32 pair count, then
 * int32 length + bytes for each key and each value (native byte order). */
static char *extension_metadata(const char *ext_name)
{
    static const char key[] = "ARROW:extension:name";
    int32_t kl = (int32_t)strlen(key), vl = (int32_t)strlen(ext_name), one = 1;
    size_t total = 3 * sizeof(int32_t) + (size_t)kl + (size_t)vl;
    char *m = malloc(total);
    if (!m)
        return NULL;
    char *w = m;
    memcpy(w, &one, sizeof one);
    w += sizeof one;
    memcpy(w, &kl, sizeof kl);
    w += sizeof kl;
    memcpy(w, key, (size_t)kl);
    w += kl;
    memcpy(w, &vl, sizeof vl);
    w += sizeof vl;
    memcpy(w, ext_name, (size_t)vl);
    return m;
}

static int export_schema_node(struct ArrowSchema *out, const char *format, const char *name,
                              int64_t flags, const char *ext, const af_field *children,
                              size_t n_children)
{
    memset(out, 0, sizeof *out);
    schema_priv *p = calloc(1, sizeof *p);
    if (!p)
        return AF_ENOMEM;
    out->private_data = p;
    out->release = release_schema;
    out->flags = flags;
    p->format = af_strdup(format);
    p->name = af_strdup(name ? name : "");
    if (!p->format || !p->name)
        goto nomem;
    out->format = p->format;
    out->name = p->name;
    if (ext) {
        p->metadata = extension_metadata(ext);
        if (!p->metadata)
            goto nomem;
        out->metadata = p->metadata;
    }
    if (n_children) {
        p->child_ptrs = calloc(n_children, sizeof *p->child_ptrs);
        p->child_storage = calloc(n_children, sizeof *p->child_storage);
        if (!p->child_ptrs || !p->child_storage)
            goto nomem;
        out->children = p->child_ptrs;
        for (size_t i = 0; i < n_children; i++) {
            p->child_ptrs[i] = &p->child_storage[i];
            const af_field *c = &children[i];
            af_buf fmt;
            af_buf_init(&fmt);
            int rc = af_field_arrow_format(c, &fmt);
            const char *fs = rc ? NULL : af_buf_cstr(&fmt);
            if (!fs) {
                af_buf_free(&fmt);
                out->n_children = (int64_t)i;
                release_schema(out);
                return rc ? rc : AF_ENOMEM;
            }
            int64_t cflags = c->nullable ? ARROW_FLAG_NULLABLE : 0;
            const char *cext = c->type.id == AF_TYPE_UUID   ? "arrow.uuid"
                               : c->type.id == AF_TYPE_JSON ? "arrow.json"
                                                            : NULL;
            size_t nc = c->type.id == AF_TYPE_STRUCT                     ? c->n_children
                        : af_type_is_nested(c->type.id) && c->n_children ? 1
                                                                         : 0;
            rc = export_schema_node(&p->child_storage[i], fs, c->name, cflags, cext, c->children,
                                    nc);
            af_buf_free(&fmt);
            if (rc) {
                out->n_children = (int64_t)i;
                release_schema(out);
                return rc;
            }
        }
    }
    out->n_children = (int64_t)n_children;
    return AF_OK;
nomem:
    out->n_children = 0;
    release_schema(out);
    return AF_ENOMEM;
}

int af_schema_export(const af_schema *s, struct ArrowSchema *out, af_error *err)
{
    int rc = export_schema_node(out, "+s", "", 0, NULL, s->fields, s->n_fields);
    if (rc)
        return af_error_set(err, rc, "cannot export the schema to Arrow: %s", af_strerror(rc));
    return AF_OK;
}

typedef struct array_priv {
    af_batch *batch; /* every node holds a reference: a child may outlive a moved-from root */
    const void *buffers[3];
    struct ArrowArray **child_ptrs;
    struct ArrowArray *child_storage;
} array_priv;

/* Stands in for empty buffers: consumers may dereference any non-validity
 * buffer, so none is ever NULL. */
static const int64_t empty_buffer[2];

static void release_array(struct ArrowArray *a)
{
    if (!a || !a->release)
        return;
    array_priv *p = a->private_data;
    for (int64_t i = 0; i < a->n_children; i++) {
        struct ArrowArray *c = a->children[i];
        if (c && c->release)
            c->release(c);
    }
    if (p) {
        af_batch_release(p->batch);
        free(p->child_ptrs);
        free(p->child_storage);
        free(p);
    }
    a->release = NULL;
}

static const void *buf_ptr(const af_buf *b)
{
    return b->data && b->len ? (const void *)b->data : (const void *)empty_buffer;
}

static int export_array_node(struct ArrowArray *out, af_batch *batch, int64_t length,
                             int64_t null_count, const af_array *src, const af_array *children,
                             size_t n_children)
{
    memset(out, 0, sizeof *out);
    array_priv *p = calloc(1, sizeof *p);
    if (!p)
        return AF_ENOMEM;
    af_batch_retain(batch);
    p->batch = batch;
    out->private_data = p;
    out->release = release_array;
    out->length = length;
    out->null_count = null_count;
    out->buffers = p->buffers;
    if (!src) {
        out->n_buffers = 1; /* the root struct: no validity */
    } else {
        af_type_id id = src->field->type.id;
        p->buffers[0] = src->null_count > 0 && src->has_validity ? src->validity.data : NULL;
        if (id == AF_TYPE_NULL) {
            out->n_buffers = 0;
            p->buffers[0] = NULL;
        } else if (id == AF_TYPE_STRUCT) {
            out->n_buffers = 1;
        } else if (id == AF_TYPE_LIST || id == AF_TYPE_MAP) {
            out->n_buffers = 2;
            p->buffers[1] = buf_ptr(&src->offsets);
        } else if (af_type_is_varbytes(id)) {
            out->n_buffers = 3;
            p->buffers[1] = buf_ptr(&src->offsets);
            p->buffers[2] = buf_ptr(&src->data);
        } else {
            out->n_buffers = 2;
            p->buffers[1] = buf_ptr(&src->data);
        }
    }
    if (n_children) {
        p->child_ptrs = calloc(n_children, sizeof *p->child_ptrs);
        p->child_storage = calloc(n_children, sizeof *p->child_storage);
        if (!p->child_ptrs || !p->child_storage) {
            release_array(out);
            return AF_ENOMEM;
        }
        out->children = p->child_ptrs;
        for (size_t i = 0; i < n_children; i++) {
            const af_array *c = &children[i];
            p->child_ptrs[i] = &p->child_storage[i];
            int rc = export_array_node(&p->child_storage[i], batch, c->length, c->null_count, c,
                                       c->children, c->n_children);
            if (rc) {
                out->n_children = (int64_t)i;
                release_array(out);
                return rc;
            }
            out->n_children = (int64_t)i + 1;
        }
    }
    return AF_OK;
}

int af_batch_export(af_batch *b, struct ArrowArray *out_array, struct ArrowSchema *out_schema,
                    af_error *err)
{
    int rc = af_batch_check_lengths(b, err);
    if (rc)
        return rc;
    int64_t rows = b->schema->n_fields ? b->columns[0].length : b->n_rows;
    rc = af_schema_export(b->schema, out_schema, err);
    if (rc)
        return rc;
    rc = export_array_node(out_array, b, rows, 0, NULL, b->columns, b->schema->n_fields);
    if (rc) {
        out_schema->release(out_schema);
        return af_error_set(err, rc, "cannot export the batch to Arrow: %s", af_strerror(rc));
    }
    return AF_OK;
}
