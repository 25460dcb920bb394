/* dictionary.c - open-addressing hash table of distinct values with their
 * bytes kept in one buffer, so a dictionary page is a single copy away. */
#include "formats/parquet/dictionary.h"

#include "core/error.h"

#include <stdlib.h>
#include <string.h>

struct af_pq_dict {
    size_t width;      /* 0 = variable */
    af_buf bytes;      /* values back to back */
    uint64_t *offsets; /* value i starts at offsets[i]; offsets[count] = bytes.len */
    uint32_t count;
    uint32_t cap;     /* entries in offsets minus one */
    uint32_t *slots;  /* index + 1, 0 = empty */
    uint32_t *hashes; /* per slot: low bits of the value's hash, to skip most compares */
    uint32_t n_slots; /* power of two */
};

static uint64_t load64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

/* Eight bytes per step, then a final mix: a hash table needs spread, not
 * cryptography, and dictionary inserts run once per value written. */
static uint64_t hash_bytes(const uint8_t *p, size_t n)
{
    const uint64_t k = 0x9E3779B97F4A7C15ull;
    uint64_t h = (uint64_t)n * k;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        h ^= load64(p + i) * k;
        h = (h << 31 | h >> 33) * 0xC2B2AE3D27D4EB4Full;
    }
    if (i < n) {
        uint64_t t = 0;
        memcpy(&t, p + i, n - i);
        h ^= t * k;
        h = (h << 31 | h >> 33) * 0xC2B2AE3D27D4EB4Full;
    }
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    return h;
}

af_pq_dict *af_pq_dict_new(size_t value_width)
{
    af_pq_dict *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    d->width = value_width;
    af_buf_init(&d->bytes);
    d->n_slots = 1024;
    d->slots = calloc(d->n_slots, sizeof *d->slots);
    d->hashes = calloc(d->n_slots, sizeof *d->hashes);
    d->cap = 256;
    d->offsets = calloc(d->cap + 1, sizeof *d->offsets);
    if (!d->slots || !d->hashes || !d->offsets) {
        af_pq_dict_free(d);
        return NULL;
    }
    return d;
}

const uint8_t *af_pq_dict_value(const af_pq_dict *d, uint32_t i, size_t *len)
{
    if (i >= d->count) {
        *len = 0;
        return NULL;
    }
    *len = (size_t)(d->offsets[i + 1] - d->offsets[i]);
    /* only empty values so far: no buffer yet, and NULL + 0 is undefined */
    return d->bytes.data ? d->bytes.data + d->offsets[i] : (const uint8_t *)"";
}

static int grow_slots(af_pq_dict *d)
{
    uint32_t n = d->n_slots * 2;
    uint32_t *slots = calloc(n, sizeof *slots);
    uint32_t *hashes = calloc(n, sizeof *hashes);
    if (!slots || !hashes) {
        free(slots);
        free(hashes);
        return AF_ENOMEM;
    }
    for (uint32_t i = 0; i < d->n_slots; i++) {
        if (!d->slots[i])
            continue;
        uint32_t h = d->hashes[i];
        /* the stored 32 bits are the low bits of the hash: enough to place
         * entries in tables of up to 2^32 slots */
        uint32_t s = h & (n - 1);
        while (slots[s])
            s = (s + 1) & (n - 1);
        slots[s] = d->slots[i];
        hashes[s] = h;
    }
    free(d->slots);
    free(d->hashes);
    d->slots = slots;
    d->hashes = hashes;
    d->n_slots = n;
    return AF_OK;
}

int af_pq_dict_insert(af_pq_dict *d, const void *p, size_t n, uint32_t *index)
{
    if (d->width && n != d->width)
        return AF_EINVAL;
    uint32_t mask = d->n_slots - 1;
    uint32_t h = (uint32_t)hash_bytes(p, n);
    uint32_t s = h & mask;
    while (d->slots[s]) {
        if (d->hashes[s] == h) {
            uint32_t i = d->slots[s] - 1;
            size_t len;
            const uint8_t *v = af_pq_dict_value(d, i, &len);
            if (len == n && (n == 0 || memcmp(v, p, n) == 0)) {
                *index = i;
                return AF_OK;
            }
        }
        s = (s + 1) & mask;
    }
    if (d->count == UINT32_MAX - 1)
        return AF_ELIMIT;
    if (d->count == d->cap) {
        uint32_t cap = d->cap * 2;
        uint64_t *o = realloc(d->offsets, ((size_t)cap + 1) * sizeof *o);
        if (!o)
            return AF_ENOMEM;
        d->offsets = o;
        d->cap = cap;
    }
    int rc = af_buf_append(&d->bytes, p, n);
    if (rc)
        return rc;
    d->slots[s] = d->count + 1;
    d->hashes[s] = h;
    *index = d->count++;
    d->offsets[d->count] = d->bytes.len;
    /* keep the table at most half full so probes stay short */
    if ((uint64_t)d->count * 2 > d->n_slots)
        return grow_slots(d);
    return AF_OK;
}

uint32_t af_pq_dict_count(const af_pq_dict *d)
{
    return d->count;
}

size_t af_pq_dict_plain_size(const af_pq_dict *d)
{
    return d->bytes.len + (d->width ? 0 : (size_t)d->count * 4);
}

int af_pq_dict_write_plain(const af_pq_dict *d, af_buf *out)
{
    if (d->width)
        return af_buf_append(out, d->bytes.data, d->bytes.len);
    int rc = af_buf_reserve(out, af_pq_dict_plain_size(d));
    for (uint32_t i = 0; !rc && i < d->count; i++) {
        size_t len;
        const uint8_t *v = af_pq_dict_value(d, i, &len);
        uint8_t le[4] = {(uint8_t)len, (uint8_t)(len >> 8), (uint8_t)(len >> 16),
                         (uint8_t)(len >> 24)};
        rc = af_buf_append(out, le, 4);
        if (!rc)
            rc = af_buf_append(out, v, len);
    }
    return rc;
}

void af_pq_dict_clear(af_pq_dict *d)
{
    memset(d->slots, 0, d->n_slots * sizeof *d->slots);
    d->count = 0;
    d->offsets[0] = 0;
    af_buf_reset(&d->bytes);
}

void af_pq_dict_free(af_pq_dict *d)
{
    if (!d)
        return;
    af_buf_free(&d->bytes);
    free(d->offsets);
    free(d->slots);
    free(d->hashes);
    free(d);
}
