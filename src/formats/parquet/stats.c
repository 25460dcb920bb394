/* stats.c - min/max/null-count tracking per sort order. */
#include "formats/parquet/stats.h"

#include <math.h>
#include <string.h>

void af_pq_stats_init(af_pq_stats *s, af_pq_sort sort)
{
    memset(s, 0, sizeof *s);
    s->sort = sort;
    af_buf_init(&s->min);
    af_buf_init(&s->max);
}

void af_pq_stats_reset(af_pq_stats *s)
{
    s->has_minmax = false;
    s->null_count = 0;
    s->value_count = 0;
    af_buf_reset(&s->min);
    af_buf_reset(&s->max);
}

void af_pq_stats_free(af_pq_stats *s)
{
    af_buf_free(&s->min);
    af_buf_free(&s->max);
}

static int64_t load_signed(const uint8_t *p, size_t n)
{
    if (n == 4) {
        int32_t v;
        memcpy(&v, p, 4);
        return v;
    }
    int64_t v = 0;
    if (n == 8)
        memcpy(&v, p, 8);
    return v;
}

static int cmp_unsigned_bytes(const uint8_t *a, size_t an, const uint8_t *b, size_t bn)
{
    size_t n = an < bn ? an : bn;
    int c = n ? memcmp(a, b, n) : 0;
    if (c)
        return c;
    return an < bn ? -1 : an > bn;
}

/* Big-endian two's complement of possibly different lengths (decimals). */
static int cmp_signed_bytes(const uint8_t *a, size_t an, const uint8_t *b, size_t bn)
{
    bool aneg = an && (a[0] & 0x80), bneg = bn && (b[0] & 0x80);
    if (aneg != bneg)
        return aneg ? -1 : 1;
    /* sign-extend the shorter one conceptually */
    uint8_t ext = aneg ? 0xFF : 0x00;
    size_t n = an > bn ? an : bn;
    for (size_t i = 0; i < n; i++) {
        uint8_t x = i + an >= n ? a[i + an - n] : ext;
        uint8_t y = i + bn >= n ? b[i + bn - n] : ext;
        if (x != y)
            return x < y ? -1 : 1;
    }
    return 0;
}

int af_pq_compare(af_pq_sort sort, const void *a, size_t an, const void *b, size_t bn)
{
    const uint8_t *pa = a, *pb = b;
    switch (sort) {
    case AF_PQ_SORT_SIGNED: {
        int64_t x = load_signed(pa, an), y = load_signed(pb, bn);
        return x < y ? -1 : x > y;
    }
    case AF_PQ_SORT_FLOAT: {
        float x, y;
        memcpy(&x, pa, 4);
        memcpy(&y, pb, 4);
        return x < y ? -1 : x > y;
    }
    case AF_PQ_SORT_DOUBLE: {
        double x, y;
        memcpy(&x, pa, 8);
        memcpy(&y, pb, 8);
        return x < y ? -1 : x > y;
    }
    case AF_PQ_SORT_BOOL: return (an ? pa[0] != 0 : 0) - (bn ? pb[0] != 0 : 0);
    case AF_PQ_SORT_UNSIGNED_BYTES: return cmp_unsigned_bytes(pa, an, pb, bn);
    case AF_PQ_SORT_SIGNED_BYTES: return cmp_signed_bytes(pa, an, pb, bn);
    default: return 0;
    }
}

static bool is_nan(af_pq_sort sort, const void *v)
{
    if (sort == AF_PQ_SORT_FLOAT) {
        float f;
        memcpy(&f, v, 4);
        return isnan(f);
    }
    if (sort == AF_PQ_SORT_DOUBLE) {
        double d;
        memcpy(&d, v, 8);
        return isnan(d);
    }
    return false;
}

static int set_buf(af_buf *b, const void *p, size_t n)
{
    af_buf_reset(b);
    return af_buf_append(b, p, n);
}

/* The specification's signed-zero rule: a zero min is -0.0, a zero max +0.0. */
static void fix_zero_signs(af_pq_stats *s)
{
    if (s->sort == AF_PQ_SORT_DOUBLE && s->min.len == 8) {
        double v;
        memcpy(&v, s->min.data, 8);
        if (v == 0.0) {
            v = -0.0;
            memcpy(s->min.data, &v, 8);
        }
        memcpy(&v, s->max.data, 8);
        if (v == 0.0) {
            v = 0.0;
            memcpy(s->max.data, &v, 8);
        }
    } else if (s->sort == AF_PQ_SORT_FLOAT && s->min.len == 4) {
        float v;
        memcpy(&v, s->min.data, 4);
        if (v == 0.0f) {
            v = -0.0f;
            memcpy(s->min.data, &v, 4);
        }
        memcpy(&v, s->max.data, 4);
        if (v == 0.0f) {
            v = 0.0f;
            memcpy(s->max.data, &v, 4);
        }
    }
}

int af_pq_stats_update(af_pq_stats *s, const void *value, size_t n)
{
    s->value_count++;
    if (s->sort == AF_PQ_SORT_NONE || is_nan(s->sort, value))
        return AF_OK;
    int rc = AF_OK;
    if (!s->has_minmax) {
        rc = set_buf(&s->min, value, n);
        if (!rc)
            rc = set_buf(&s->max, value, n);
        s->has_minmax = !rc;
    } else {
        if (af_pq_compare(s->sort, value, n, s->min.data, s->min.len) < 0)
            rc = set_buf(&s->min, value, n);
        else if (af_pq_compare(s->sort, value, n, s->max.data, s->max.len) > 0)
            rc = set_buf(&s->max, value, n);
    }
    if (!rc)
        fix_zero_signs(s);
    return rc;
}

void af_pq_stats_add_nulls(af_pq_stats *s, int64_t n)
{
    s->null_count += n;
}

int af_pq_stats_merge(af_pq_stats *dst, const af_pq_stats *src)
{
    dst->null_count += src->null_count;
    dst->value_count += src->value_count;
    if (!src->has_minmax)
        return AF_OK;
    int rc = AF_OK;
    if (!dst->has_minmax) {
        rc = set_buf(&dst->min, src->min.data, src->min.len);
        if (!rc)
            rc = set_buf(&dst->max, src->max.data, src->max.len);
        dst->has_minmax = !rc;
        return rc;
    }
    if (af_pq_compare(dst->sort, src->min.data, src->min.len, dst->min.data, dst->min.len) < 0)
        rc = set_buf(&dst->min, src->min.data, src->min.len);
    if (!rc &&
        af_pq_compare(dst->sort, src->max.data, src->max.len, dst->max.data, dst->max.len) > 0)
        rc = set_buf(&dst->max, src->max.data, src->max.len);
    if (!rc)
        fix_zero_signs(dst);
    return rc;
}

bool af_pq_stats_bounds(const af_pq_stats *s, size_t max_len, af_buf *min, bool *min_exact,
                        af_buf *max, bool *max_exact, bool *has_max)
{
    af_buf_reset(min);
    af_buf_reset(max);
    *min_exact = *max_exact = true;
    *has_max = false;
    if (!s->has_minmax)
        return false;
    bool shorten = s->sort == AF_PQ_SORT_UNSIGNED_BYTES && max_len > 0;
    if (shorten && s->min.len > max_len) {
        af_buf_append(min, s->min.data, max_len);
        *min_exact = false;
    } else {
        af_buf_append(min, s->min.data, s->min.len);
    }
    if (shorten && s->max.len > max_len) {
        *max_exact = false;
        /* raise the last byte that can be raised; bytes after it go */
        size_t n = max_len;
        while (n > 0 && s->max.data[n - 1] == 0xFF)
            n--;
        if (n == 0)
            return true;
        af_buf_append(max, s->max.data, n);
        max->data[n - 1]++;
    } else {
        af_buf_append(max, s->max.data, s->max.len);
    }
    *has_max = true;
    return true;
}
