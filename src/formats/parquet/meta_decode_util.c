/* meta_decode_util.c - the error helpers and binary/list field readers shared
 * by the Parquet metadata decoders (see meta_internal.h). */
#include "formats/parquet/meta_internal.h"

int af_pq_dec_context(af_pq_dec *d, int rc, const char *field, long idx)
{
    if (rc && d->r.err) {
        if (idx >= 0)
            af_error_wrap(d->r.err, "%s[%ld]", field, idx);
        else
            af_error_wrap(d->r.err, "%s", field);
    }
    return rc;
}

int af_pq_dec_nomem(af_pq_dec *d)
{
    return af_error_set(d->r.err, AF_ENOMEM,
                        "out of memory decoding metadata (decoded metadata is limited to %zu MiB)",
                        (size_t)(AF_PQ_META_MAX_MEMORY >> 20));
}

int af_pq_dec_wrong_type(af_pq_dec *d, const char *field, int got, int want)
{
    return af_thrift_fail(&d->r, "field '%s' has wire type %s, expected %s", field,
                          af_thrift_type_name(got), af_thrift_type_name(want));
}

int af_pq_dec_missing(af_pq_dec *d, const char *strct, const char *field)
{
    return af_thrift_fail(&d->r, "%s: required field '%s' is missing", strct, field);
}

int af_pq_dec_bin(af_pq_dec *d, int t, const char *field, af_pq_bytes *b)
{
    if (t != AF_THRIFT_BINARY)
        return af_pq_dec_wrong_type(d, field, t, AF_THRIFT_BINARY);
    const uint8_t *p;
    size_t n;
    int rc = af_thrift_read_binary(&d->r, &p, &n);
    if (rc)
        return rc;
    if (d->a) {
        uint8_t *copy = (uint8_t *)af_arena_strndup(d->a, p, n);
        if (!copy)
            return af_pq_dec_nomem(d);
        p = copy;
    }
    b->data = p;
    b->len = n;
    return AF_OK;
}

int af_pq_dec_str(af_pq_dec *d, int t, const char *field, char **s, size_t *len)
{
    af_pq_bytes b = {NULL, 0};
    int rc = af_pq_dec_bin(d, t, field, &b);
    if (rc)
        return rc;
    /* strings exist only in arena-owned structs, where af_pq_dec_bin made a
     * NUL-terminated copy */
    *s = (char *)b.data;
    if (len)
        *len = b.len;
    return AF_OK;
}

int af_pq_dec_list(af_pq_dec *d, int t, const char *field, int elem, size_t min_bytes, uint32_t *n)
{
    if (t != AF_THRIFT_LIST && t != AF_THRIFT_SET)
        return af_pq_dec_wrong_type(d, field, t, AF_THRIFT_LIST);
    int et;
    int rc = af_thrift_list_begin(&d->r, &et, n);
    if (rc)
        return rc;
    if (*n && et != elem)
        return af_thrift_fail(&d->r, "field '%s' is a list of %s, expected a list of %s", field,
                              af_thrift_type_name(et), af_thrift_type_name(elem));
    if (*n > af_thrift_remaining(&d->r) / min_bytes) {
        d->r.truncated = true;
        return af_thrift_fail(&d->r, "field '%s' claims %u elements, more than the input can hold",
                              field, *n);
    }
    return AF_OK;
}

int af_pq_dec_struct_list(af_pq_dec *d, int t, const char *field, size_t elsize, size_t min_bytes,
                          af_pq_dec_elem_fn fn, void **out, size_t *count)
{
    uint32_t n;
    int rc = af_pq_dec_list(d, t, field, AF_THRIFT_STRUCT, min_bytes, &n);
    if (rc)
        return rc;
    char *arr = af_arena_array(d->a, n, elsize);
    if (!arr)
        return af_pq_dec_nomem(d);
    for (uint32_t i = 0; i < n; i++) {
        if ((rc = fn(d, arr + (size_t)i * elsize)))
            return af_pq_dec_context(d, rc, field, (long)i);
    }
    *out = arr;
    *count = n;
    return AF_OK;
}

int af_pq_dec_i32_list(af_pq_dec *d, int t, const char *field, int32_t **out, size_t *count)
{
    uint32_t n;
    int rc = af_pq_dec_list(d, t, field, AF_THRIFT_I32, 1, &n);
    if (rc)
        return rc;
    int32_t *v = af_arena_array(d->a, n, sizeof *v);
    if (!v)
        return af_pq_dec_nomem(d);
    for (uint32_t i = 0; i < n; i++)
        if ((rc = af_thrift_read_i32(&d->r, &v[i])))
            return rc;
    *out = v;
    *count = n;
    return AF_OK;
}

int af_pq_dec_i64_list(af_pq_dec *d, int t, const char *field, af_pq_i64_list *l)
{
    uint32_t n;
    int rc = af_pq_dec_list(d, t, field, AF_THRIFT_I64, 1, &n);
    if (rc)
        return rc;
    int64_t *v = af_arena_array(d->a, n, sizeof *v);
    if (!v)
        return af_pq_dec_nomem(d);
    for (uint32_t i = 0; i < n; i++)
        if ((rc = af_thrift_read_i64(&d->r, &v[i])))
            return rc;
    l->present = true;
    l->v = v;
    l->n = n;
    return AF_OK;
}

int af_pq_dec_bin_list(af_pq_dec *d, int t, const char *field, af_pq_bytes **out, size_t *count)
{
    uint32_t n;
    int rc = af_pq_dec_list(d, t, field, AF_THRIFT_BINARY, 1, &n);
    if (rc)
        return rc;
    af_pq_bytes *v = af_arena_array(d->a, n, sizeof *v);
    if (!v)
        return af_pq_dec_nomem(d);
    for (uint32_t i = 0; i < n; i++)
        if ((rc = af_pq_dec_bin(d, AF_THRIFT_BINARY, field, &v[i])))
            return rc;
    *out = v;
    *count = n;
    return AF_OK;
}

int af_pq_dec_finish(af_pq_dec *d, int rc, const char *name, const char *strct)
{
    if (rc && d->r.err)
        af_error_wrap(d->r.err, "%s: %s", name ? name : "Parquet metadata", strct);
    return rc;
}
