/* json_doc.c - the tape a JSON value is parsed into (formats/json.h):
 * copying, member lookup and writing it back as compact JSON text.
 *
 * A tape (flat node array + one text buffer) rather than a pointer tree:
 * one value costs two growable buffers that are reused record after record,
 * and a copy (the inference sample) is two memcpy calls.
 */
#include "formats/json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void af_json_doc_init(af_json_doc *d)
{
    memset(d, 0, sizeof *d);
    af_buf_init(&d->text);
}

void af_json_doc_reset(af_json_doc *d)
{
    d->n = 0;
    af_buf_reset(&d->text);
}

void af_json_doc_free(af_json_doc *d)
{
    free(d->nodes);
    af_buf_free(&d->text);
    memset(d, 0, sizeof *d);
}

int af_json_doc_copy(af_json_doc *dst, const af_json_doc *src)
{
    af_json_doc_init(dst);
    if (src->n) {
        dst->nodes = malloc((size_t)src->n * sizeof *dst->nodes);
        if (!dst->nodes)
            return AF_ENOMEM;
        memcpy(dst->nodes, src->nodes, (size_t)src->n * sizeof *dst->nodes);
        dst->n = dst->cap = src->n;
    }
    if (src->text.len && af_buf_append(&dst->text, src->text.data, src->text.len)) {
        af_json_doc_free(dst);
        return AF_ENOMEM;
    }
    return AF_OK;
}

const char *af_json_doc_text(const af_json_doc *d, uint32_t node, size_t *len)
{
    const af_json_node *nd = &d->nodes[node];
    *len = nd->text_len;
    return d->text.data ? (const char *)d->text.data + nd->text_off : "";
}

const char *af_json_doc_key(const af_json_doc *d, uint32_t node, size_t *len)
{
    const af_json_node *nd = &d->nodes[node];
    *len = nd->key_len;
    return d->text.data ? (const char *)d->text.data + nd->key_off : "";
}

uint32_t af_json_doc_member(const af_json_doc *d, uint32_t obj, const char *key, size_t key_len)
{
    if (obj >= d->n || d->nodes[obj].type != AF_JSON_OBJECT)
        return UINT32_MAX;
    uint32_t found = UINT32_MAX;
    uint32_t c = obj + 1;
    for (uint32_t k = 0; k < d->nodes[obj].count; k++) {
        size_t kl;
        const char *kp = af_json_doc_key(d, c, &kl);
        if (kl == key_len && memcmp(kp, key, kl) == 0)
            found = c;
        c = d->nodes[c].next;
    }
    return found;
}

const char *af_json_type_name(af_json_type t)
{
    switch (t) {
    case AF_JSON_NULL: return "null";
    case AF_JSON_FALSE:
    case AF_JSON_TRUE: return "a boolean";
    case AF_JSON_INT: return "an integer";
    case AF_JSON_DOUBLE: return "a number";
    case AF_JSON_STRING: return "a string";
    case AF_JSON_ARRAY: return "an array";
    case AF_JSON_OBJECT: return "an object";
    }
    return "?";
}

/* Writes node i and returns the index after it (recursion depth is bounded
 * by the reader's nesting limit). */
static int write_node(const af_json_doc *d, uint32_t i, af_buf *out)
{
    const af_json_node *nd = &d->nodes[i];
    size_t len;
    const char *p;
    switch ((af_json_type)nd->type) {
    case AF_JSON_NULL: return af_buf_append(out, "null", 4);
    case AF_JSON_FALSE: return af_buf_append(out, "false", 5);
    case AF_JSON_TRUE: return af_buf_append(out, "true", 4);
    case AF_JSON_INT:
    case AF_JSON_DOUBLE:
        p = af_json_doc_text(d, i, &len);
        if (len)
            return af_buf_append(out, p, len);
        if (nd->type == AF_JSON_INT)
            return af_buf_append_int(out, nd->v.i);
        return af_buf_printf(out, "%.17g", nd->v.d);
    case AF_JSON_STRING:
        p = af_json_doc_text(d, i, &len);
        return af_buf_append_json_string(out, p, len);
    case AF_JSON_ARRAY:
    case AF_JSON_OBJECT: {
        bool obj = nd->type == AF_JSON_OBJECT;
        int rc = af_buf_append_byte(out, obj ? '{' : '[');
        uint32_t c = i + 1;
        for (uint32_t k = 0; !rc && k < nd->count; k++) {
            if (k)
                rc = af_buf_append_byte(out, ',');
            if (!rc && obj) {
                p = af_json_doc_key(d, c, &len);
                rc = af_buf_append_json_string(out, p, len);
                if (!rc)
                    rc = af_buf_append_byte(out, ':');
            }
            if (!rc)
                rc = write_node(d, c, out);
            c = d->nodes[c].next;
        }
        return rc ? rc : af_buf_append_byte(out, obj ? '}' : ']');
    }
    }
    return AF_EINTERNAL;
}

int af_json_doc_write(const af_json_doc *d, uint32_t node, af_buf *out)
{
    if (node >= d->n)
        return AF_EINVAL;
    return write_node(d, node, out);
}
