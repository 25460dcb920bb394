/* json_rows.c - one JSON record -> one row of a batch (or one row per
 * element of the exploded array).
 *
 * Two phases, so a rejected record never leaves half a row behind (nested
 * arrays cannot be truncated): first every value is located (by its
 * flattened name), converted and checked against its column; only when the
 * whole record fits are the values appended. A record that does not fit
 * (unknown field after the sample, a string in an int64 column, a repeated
 * key, a scalar where an object is expected) goes to the quarantine with
 * the field, the value and the raw text.
 *
 * Conversions are strict, because JSON values carry their type: numbers go
 * to numeric columns, strings to string/date/time/timestamp/uuid/decimal
 * columns, anything to a string column (as text; objects/arrays as JSON).
 */
#include "sources/json_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* unknown_fields: error, told apart from AF_E* codes inside this file */
#define UNKNOWN_FATAL (-1000)

/* Describes a value for a message: its JSON text (shortened) and kind. */
static void describe(json_source *s, const af_json_doc *d, uint32_t i, af_buf *out)
{
    af_buf_reset(&s->rawtmp);
    af_json_doc_write(d, i, &s->rawtmp);
    size_t n = s->rawtmp.len;
    if (n > 60)
        af_buf_printf(out, "%.57s... (%s)", (const char *)s->rawtmp.data,
                      af_json_type_name((af_json_type)d->nodes[i].type));
    else
        af_buf_printf(out, "%.*s (%s)", (int)n, (const char *)s->rawtmp.data,
                      af_json_type_name((af_json_type)d->nodes[i].type));
}

static int mismatch(json_source *s, const af_field *f, const char *path, const af_json_doc *d,
                    uint32_t i, const char *why)
{
    af_buf *r = &s->reason;
    af_buf_reset(r);
    af_buf_printf(r, "field '%s': ", path);
    describe(s, d, i, r);
    af_buf_append_str(r, " does not fit column type ");
    af_field_format_type(f, r);
    if (why && why[0])
        af_buf_printf(r, ": %s", why);
    return 1;
}

/* Converts a scalar node for field f into v. 0 ok, 1 mismatch (reason set), <0 fatal. */
static int convert(json_source *s, const af_field *f, const char *path, const af_json_doc *d,
                   uint32_t i, jval *v)
{
    const af_json_node *nd = &d->nodes[i];
    af_json_type t = (af_json_type)nd->type;
    memset(v, 0, sizeof *v);
    if (t == AF_JSON_NULL)
        return 0;
    af_error perr = {0};
    size_t len;
    const char *txt = af_json_doc_text(d, i, &len);
    switch (f->type.id) {
    case AF_TYPE_BOOL:
        if (t != AF_JSON_TRUE && t != AF_JSON_FALSE)
            return mismatch(s, f, path, d, i, NULL);
        v->kind = 1;
        v->i = t == AF_JSON_TRUE;
        return 0;
    case AF_TYPE_INT8:
    case AF_TYPE_INT16:
    case AF_TYPE_INT32:
    case AF_TYPE_INT64: {
        if (t != AF_JSON_INT)
            return mismatch(s, f, path, d, i, NULL);
        if (nd->flags & AF_JSON_BIGINT)
            return mismatch(s, f, path, d, i, "out of range");
        int bits = f->type.id == AF_TYPE_INT8    ? 8
                   : f->type.id == AF_TYPE_INT16 ? 16
                   : f->type.id == AF_TYPE_INT32 ? 32
                                                 : 64;
        if (bits < 64) {
            int64_t lim = (int64_t)1 << (bits - 1);
            if (nd->v.i < -lim || nd->v.i >= lim)
                return mismatch(s, f, path, d, i, "out of range");
        }
        v->kind = 2;
        v->i = nd->v.i;
        return 0;
    }
    case AF_TYPE_FLOAT32:
    case AF_TYPE_FLOAT64:
        if (t == AF_JSON_INT)
            v->d = (nd->flags & AF_JSON_BIGINT) ? nd->v.d : (double)nd->v.i;
        else if (t == AF_JSON_DOUBLE)
            v->d = nd->v.d;
        else
            return mismatch(s, f, path, d, i, NULL);
        v->kind = 3;
        return 0;
    case AF_TYPE_DECIMAL:
        if (t != AF_JSON_INT && t != AF_JSON_DOUBLE && t != AF_JSON_STRING)
            return mismatch(s, f, path, d, i, NULL);
        if (af_parse_decimal(txt, len, f->type.precision, f->type.scale, '.', &v->dec, &perr))
            return mismatch(s, f, path, d, i, perr.msg);
        v->kind = 4;
        return 0;
    case AF_TYPE_STRING:
    case AF_TYPE_JSON:
    case AF_TYPE_BINARY:
        if (f->type.id != AF_TYPE_JSON &&
            (t == AF_JSON_STRING || t == AF_JSON_INT || t == AF_JSON_DOUBLE)) {
            v->kind = 5;
            v->p = txt;
            v->len = len;
        } else if (f->type.id != AF_TYPE_JSON && (t == AF_JSON_TRUE || t == AF_JSON_FALSE)) {
            v->kind = 5;
            v->p = t == AF_JSON_TRUE ? "true" : "false";
            v->len = strlen(v->p);
        } else {
            v->kind = 6;
            v->off = s->scratch.len;
            if (af_json_doc_write(d, i, &s->scratch))
                return AF_ENOMEM;
            v->len = s->scratch.len - v->off;
        }
        return 0;
    case AF_TYPE_DATE: {
        int32_t days;
        if (t != AF_JSON_STRING)
            return mismatch(s, f, path, d, i, NULL);
        if (af_parse_date(txt, len, &s->popts, &days, &perr))
            return mismatch(s, f, path, d, i, perr.msg);
        v->kind = 2;
        v->i = days;
        return 0;
    }
    case AF_TYPE_TIME:
        if (t != AF_JSON_STRING)
            return mismatch(s, f, path, d, i, NULL);
        if (af_parse_time(txt, len, f->type.unit, &v->i, &perr))
            return mismatch(s, f, path, d, i, perr.msg);
        v->kind = 2;
        return 0;
    case AF_TYPE_TIMESTAMP:
        if (t != AF_JSON_STRING)
            return mismatch(s, f, path, d, i, NULL);
        if (af_parse_timestamp(txt, len, &s->popts, f->type.unit, f->type.timezone, &v->i, &perr))
            return mismatch(s, f, path, d, i, perr.msg);
        v->kind = 2;
        return 0;
    case AF_TYPE_UUID: {
        if (t != AF_JSON_STRING)
            return mismatch(s, f, path, d, i, NULL);
        uint8_t u[16];
        if (af_parse_uuid(txt, len, u, &perr))
            return mismatch(s, f, path, d, i, perr.msg);
        v->kind = 6;
        v->off = s->scratch.len;
        v->len = 16;
        return af_buf_append(&s->scratch, u, 16) ? AF_ENOMEM : 0;
    }
    default: return mismatch(s, f, path, d, i, NULL);
    }
}

static int append_val(json_source *s, af_array *a, const jval *v)
{
    switch (v->kind) {
    case 0: return af_array_append_null(a);
    case 1: return af_array_append_bool(a, v->i != 0);
    case 2: return af_array_append_int(a, v->i);
    case 3: return af_array_append_double(a, v->d);
    case 4: return af_array_append_decimal(a, v->dec);
    case 5: return af_array_append_bytes(a, v->p, v->len);
    default: return af_array_append_bytes(a, s->scratch.data + v->off, v->len);
    }
}

static int unknown(json_source *s, const char *path, bool *ignore);

/* Checks a value for a nested (struct/list) field without appending. */
static int check_nested(json_source *s, const af_field *f, af_buf *path, const af_json_doc *d,
                        uint32_t i)
{
    const af_json_node *nd = &d->nodes[i];
    if (nd->type == AF_JSON_NULL)
        return 0;
    if (f->type.id == AF_TYPE_STRUCT) {
        if (nd->type != AF_JSON_OBJECT)
            return mismatch(s, f, af_buf_cstr(path), d, i, NULL);
        uint32_t c = i + 1;
        size_t base = path->len;
        for (uint32_t m = 0; m < nd->count; m++, c = d->nodes[c].next) {
            size_t kl;
            const char *key = af_json_doc_key(d, c, &kl);
            path->len = base;
            af_buf_append_byte(path, '.');
            af_buf_append(path, key, kl);
            const af_field *ch = NULL;
            for (size_t k = 0; k < f->n_children && !ch; k++)
                if (strlen(f->children[k].name) == kl && !memcmp(f->children[k].name, key, kl))
                    ch = &f->children[k];
            if (!ch) {
                bool ignore;
                int rc = unknown(s, af_buf_cstr(path), &ignore);
                if (rc)
                    return rc;
                continue;
            }
            int rc = check_nested(s, ch, path, d, c);
            if (rc)
                return rc;
        }
        path->len = base;
        return 0;
    }
    if (f->type.id == AF_TYPE_LIST) {
        if (nd->type != AF_JSON_ARRAY)
            return mismatch(s, f, af_buf_cstr(path), d, i, NULL);
        uint32_t c = i + 1;
        size_t base = path->len;
        for (uint32_t m = 0; m < nd->count; m++, c = d->nodes[c].next) {
            path->len = base;
            af_buf_printf(path, "[%u]", m);
            int rc = check_nested(s, &f->children[0], path, d, c);
            if (rc)
                return rc;
        }
        path->len = base;
        return 0;
    }
    size_t mark = s->scratch.len;
    jval v;
    int rc = convert(s, f, af_buf_cstr(path), d, i, &v);
    s->scratch.len = mark;
    return rc;
}

static int append_nested(json_source *s, af_array *a, const af_json_doc *d, uint32_t i)
{
    const af_field *f = a->field;
    const af_json_node *nd = &d->nodes[i];
    if (nd->type == AF_JSON_NULL)
        return af_array_append_null(a);
    if (f->type.id == AF_TYPE_STRUCT) {
        for (size_t k = 0; k < a->n_children; k++) {
            const char *nm = f->children[k].name;
            uint32_t m = af_json_doc_member(d, i, nm, strlen(nm));
            int rc = m == UINT32_MAX ? af_array_append_null(&a->children[k])
                                     : append_nested(s, &a->children[k], d, m);
            if (rc)
                return rc;
        }
        return af_array_append_struct_row(a);
    }
    if (f->type.id == AF_TYPE_LIST) {
        uint32_t c = i + 1;
        for (uint32_t m = 0; m < nd->count; m++, c = d->nodes[c].next) {
            int rc = append_nested(s, &a->children[0], d, c);
            if (rc)
                return rc;
        }
        return af_array_append_list_row(a, nd->count);
    }
    size_t mark = s->scratch.len;
    jval v;
    int rc = convert(s, f, f->name, d, i, &v);
    if (rc == 0)
        rc = append_val(s, a, &v);
    s->scratch.len = mark;
    return rc > 0 ? AF_EINTERNAL : rc;
}

/* Unknown field: sets the reason (quarantine), ignores it, or fails. */
static int unknown(json_source *s, const char *path, bool *ignore)
{
    *ignore = s->c->unknown_fields == JU_IGNORE;
    if (*ignore)
        return 0;
    af_buf_reset(&s->reason);
    if (s->infer_limit > 0)
        af_buf_printf(&s->reason,
                      "field '%s' is not in the schema inferred from the first %lld records (set "
                      "infer_rows: 0 to scan the whole input)",
                      path, (long long)s->infer_limit);
    else
        af_buf_printf(&s->reason, "field '%s' is not in the schema", path);
    return s->c->unknown_fields == JU_ERROR ? UNKNOWN_FATAL : 1;
}

/* Phase 1 over an object: binds each member to its column. */
static int bind(json_source *s, const af_json_doc *d, uint32_t obj, size_t name_base)
{
    uint32_t c = obj + 1;
    for (uint32_t m = 0; m < d->nodes[obj].count; m++, c = d->nodes[c].next) {
        size_t kl;
        const char *key = af_json_doc_key(d, c, &kl);
        s->name.len = name_base;
        if (name_base)
            af_buf_append_str(&s->name, s->sep);
        af_buf_append(&s->name, key, kl);
        size_t nlen = s->name.len;
        long e = jmap_get(&s->map, (const char *)s->name.data, nlen);
        if (e == JMAP_PREFIX) {
            if (d->nodes[c].type == AF_JSON_OBJECT) {
                int rc = bind(s, d, c, nlen);
                if (rc)
                    return rc;
            } else if (d->nodes[c].type != AF_JSON_NULL) {
                af_buf_reset(&s->reason);
                af_buf_printf(&s->reason, "field '%s': ", af_buf_cstr(&s->name));
                describe(s, d, c, &s->reason);
                af_buf_append_str(&s->reason, " where the schema has an object (its members are "
                                              "columns)");
                return 1;
            }
            continue;
        }
        if (e < 0 || s->cols[e].role != ROLE_DATA) {
            bool ignore;
            int rc = unknown(s, af_buf_cstr(&s->name), &ignore);
            if (rc)
                return rc;
            continue;
        }
        jcol *col = &s->cols[e];
        if (col->gen == s->gen) {
            af_buf_reset(&s->reason);
            af_buf_printf(&s->reason, "field '%s' appears twice in the record",
                          af_buf_cstr(&s->name));
            return 1;
        }
        col->gen = s->gen;
        col->node = c;
        const af_field *f = &s->schema->fields[e];
        int rc;
        if (col->nested) {
            af_buf p;
            af_buf_init(&p);
            af_buf_append(&p, s->name.data, nlen);
            rc = check_nested(s, f, &p, d, c);
            af_buf_free(&p);
        } else {
            rc = convert(s, f, af_buf_cstr(&s->name), d, c, &col->val);
        }
        if (rc)
            return rc;
    }
    return 0;
}

static int reject(json_source *s, const jrec *rec, const af_json_doc *d, uint32_t node,
                  af_error *err)
{
    const char *raw = rec->raw;
    size_t raw_len = rec->raw_len;
    if (node != rec->root || !raw) {
        af_buf_reset(&s->rawtmp);
        af_json_doc_write(d, node, &s->rawtmp);
        raw = (const char *)s->rawtmp.data;
        raw_len = s->rawtmp.len;
    }
    return af_quarantine_row(s->self->ctx, rec->origin, rec->line, raw, raw_len,
                             af_buf_cstr(&s->reason), err);
}

/* One row from the object (or scalar, for exploded arrays) at `node`. */
static int one_row(json_source *s, af_batch *b, const jrec *rec, uint32_t node, uint32_t pid_node,
                   int64_t index, af_error *err)
{
    const af_json_doc *d = rec->doc;
    s->gen++;
    af_buf_reset(&s->scratch);
    af_buf_reset(&s->name);
    int rc = 0;
    if (d->nodes[node].type == AF_JSON_OBJECT) {
        rc = bind(s, d, node, 0);
    } else if (s->n_ex) {
        /* an exploded array of scalars: the element is column "value" */
        long e = jmap_get(&s->map, "value", 5);
        if (e >= 0 && s->cols[e].role == ROLE_DATA) {
            s->cols[e].gen = s->gen;
            s->cols[e].node = node;
            rc = s->cols[e].nested
                     ? check_nested(s, &s->schema->fields[e], &s->name, d, node)
                     : convert(s, &s->schema->fields[e], "value", d, node, &s->cols[e].val);
        } else {
            bool ignore;
            rc = unknown(s, "value", &ignore);
            if (!rc && ignore)
                rc = 0;
        }
    } else {
        af_buf_reset(&s->reason);
        af_buf_printf(&s->reason, "a record must be a JSON object, found %s",
                      af_json_type_name((af_json_type)d->nodes[node].type));
        rc = 1;
    }
    /* the parent key of a child row */
    for (size_t c = 0; rc == 0 && c < s->schema->n_fields; c++) {
        if (s->cols[c].role != ROLE_PARENT_ID || !s->c->parent_key)
            continue;
        s->cols[c].gen = s->gen;
        s->cols[c].node = pid_node;
        if (pid_node == UINT32_MAX)
            s->cols[c].val.kind = 0;
        else
            rc = convert(s, &s->schema->fields[c], s->c->parent_key, d, pid_node, &s->cols[c].val);
    }
    if (rc == UNKNOWN_FATAL)
        return af_error_set(err, AF_EPARSE, "%s:%lld: %s (unknown_fields: error)", rec->origin,
                            (long long)rec->line, af_buf_cstr(&s->reason));
    if (rc < 0)
        return af_error_set(err, rc, "%s:%lld: out of memory", rec->origin, (long long)rec->line);
    if (rc > 0)
        return reject(s, rec, d, node, err);
    for (size_t c = 0; !rc && c < s->schema->n_fields; c++) {
        jcol *col = &s->cols[c];
        af_array *a = &b->columns[c];
        switch (col->role) {
        case ROLE_DATA:
        case ROLE_PARENT_ID:
            if (col->role == ROLE_PARENT_ID && !s->c->parent_key)
                rc = af_array_append_int(a, rec->index);
            else if (col->gen != s->gen)
                rc = af_array_append_null(a);
            else if (col->nested)
                rc = append_nested(s, a, d, col->node);
            else
                rc = append_val(s, a, &col->val);
            break;
        case ROLE_INDEX: rc = af_array_append_int(a, index); break;
        case ROLE_FILE: rc = af_array_append_bytes(a, rec->origin, strlen(rec->origin)); break;
        case ROLE_LINE: rc = af_array_append_int(a, rec->line); break;
        case ROLE_INGESTED: rc = af_array_append_int(a, s->ingested_at); break;
        }
    }
    if (rc)
        return af_error_set(err, rc, "%s:%lld: cannot append a value (%s)", rec->origin,
                            (long long)rec->line, af_strerror(rc));
    return AF_OK;
}

int json_append_record(json_source *s, af_batch *b, const jrec *rec, af_error *err)
{
    const af_json_doc *d = rec->doc;
    if (!s->n_ex)
        return one_row(s, b, rec, rec->root, UINT32_MAX, 0, err);
    if (d->nodes[rec->root].type != AF_JSON_OBJECT) {
        af_buf_reset(&s->reason);
        af_buf_printf(&s->reason, "a record must be a JSON object, found %s",
                      af_json_type_name((af_json_type)d->nodes[rec->root].type));
        return reject(s, rec, d, rec->root, err);
    }
    uint32_t arr = json_path_node(d, rec->root, s->ex_keys, s->n_ex);
    if (arr == UINT32_MAX || d->nodes[arr].type == AF_JSON_NULL)
        return AF_OK; /* no children */
    if (d->nodes[arr].type != AF_JSON_ARRAY) {
        af_buf_reset(&s->reason);
        af_buf_printf(&s->reason, "field '%s' (explode) is %s, not an array", s->c->explode,
                      af_json_type_name((af_json_type)d->nodes[arr].type));
        return reject(s, rec, d, rec->root, err);
    }
    uint32_t pk = UINT32_MAX;
    if (s->c->parent_key)
        pk = af_json_doc_member(d, rec->root, s->c->parent_key, strlen(s->c->parent_key));
    uint32_t c = arr + 1;
    for (uint32_t m = 0; m < d->nodes[arr].count; m++, c = d->nodes[c].next) {
        int rc = one_row(s, b, rec, c, pk, m, err);
        if (rc)
            return rc;
    }
    return AF_OK;
}
