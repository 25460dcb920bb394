/* hashmap.h - byte-string keys to int64 values, open addressing.
 *
 * For the hot paths that group rows by a key: partition values of a batch
 * (a handful of distinct keys, looked up once per row) and merge keys (one
 * entry per incoming row). Keys are copied into one arena, so a map of a
 * million short keys costs two allocations that grow by doubling.
 */
#ifndef AF_HASHMAP_H
#define AF_HASHMAP_H

#include "core/buf.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct af_hashmap {
    struct af_hashmap_slot *slots;
    size_t cap; /* power of two, 0 when empty */
    size_t len;
    af_buf keys; /* key bytes, back to back */
} af_hashmap;

void af_hashmap_init(af_hashmap *m);
void af_hashmap_free(af_hashmap *m);
/* Looks the key up; when absent inserts it with `value`. *slot_value points
 * at the stored value (valid until the next insert), *inserted says which.
 * AF_ENOMEM on allocation failure. */
int af_hashmap_upsert(af_hashmap *m, const void *key, size_t len, int64_t value,
                      int64_t **slot_value, bool *inserted);
/* The stored value, or false when absent. */
bool af_hashmap_get(const af_hashmap *m, const void *key, size_t len, int64_t *value);
/* The 64-bit hash used (exposed for tests and for sharding). */
uint64_t af_hash_bytes(const void *p, size_t n);

#endif
