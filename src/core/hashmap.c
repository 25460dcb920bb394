/* hashmap.c - open addressing with linear probing; see hashmap.h. */
#include "core/hashmap.h"

#include "core/error.h"

#include <stdlib.h>
#include <string.h>

typedef struct af_hashmap_slot {
    uint64_t hash; /* 0 = empty (real hashes are forced non-zero) */
    size_t key_off;
    uint32_t key_len;
    int64_t value;
} slot;

void af_hashmap_init(af_hashmap *m)
{
    memset(m, 0, sizeof *m);
    af_buf_init(&m->keys);
}

void af_hashmap_free(af_hashmap *m)
{
    free(m->slots);
    af_buf_free(&m->keys);
    memset(m, 0, sizeof *m);
}

uint64_t af_hash_bytes(const void *p, size_t n)
{
    /* FNV-1a over 8-byte words with a final avalanche: fast on short keys,
     * well mixed for the power-of-two table */
    const uint8_t *b = p;
    uint64_t h = 0xcbf29ce484222325ULL ^ (uint64_t)n;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, b + i, 8);
        h = (h ^ w) * 0x100000001b3ULL;
        h ^= h >> 29;
    }
    for (; i < n; i++)
        h = (h ^ b[i]) * 0x100000001b3ULL;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h ? h : 1;
}

static slot *find(const af_hashmap *m, uint64_t h, const void *key, size_t len)
{
    size_t mask = m->cap - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        slot *s = &m->slots[i];
        if (s->hash == 0)
            return s;
        if (s->hash == h && s->key_len == len &&
            (len == 0 || memcmp(m->keys.data + s->key_off, key, len) == 0))
            return s;
    }
}

static int grow(af_hashmap *m)
{
    size_t ncap = m->cap ? m->cap * 2 : 64;
    slot *ns = calloc(ncap, sizeof *ns);
    if (!ns)
        return AF_ENOMEM;
    for (size_t i = 0; i < m->cap; i++) {
        slot *s = &m->slots[i];
        if (!s->hash)
            continue;
        size_t j = s->hash & (ncap - 1);
        while (ns[j].hash)
            j = (j + 1) & (ncap - 1);
        ns[j] = *s;
    }
    free(m->slots);
    m->slots = ns;
    m->cap = ncap;
    return AF_OK;
}

int af_hashmap_upsert(af_hashmap *m, const void *key, size_t len, int64_t value,
                      int64_t **slot_value, bool *inserted)
{
    if (len > UINT32_MAX)
        return AF_ELIMIT;
    if ((m->len + 1) * 4 > m->cap * 3 && grow(m))
        return AF_ENOMEM;
    uint64_t h = af_hash_bytes(key, len);
    slot *s = find(m, h, key, len);
    *inserted = s->hash == 0;
    if (*inserted) {
        size_t off = m->keys.len;
        if (len && af_buf_append(&m->keys, key, len))
            return AF_ENOMEM;
        s->hash = h;
        s->key_off = off;
        s->key_len = (uint32_t)len;
        s->value = value;
        m->len++;
    }
    *slot_value = &s->value;
    return AF_OK;
}

bool af_hashmap_get(const af_hashmap *m, const void *key, size_t len, int64_t *value)
{
    if (!m->cap)
        return false;
    slot *s = find(m, af_hash_bytes(key, len), key, len);
    if (!s->hash)
        return false;
    *value = s->value;
    return true;
}
