/* dictionary.h - the writer's dictionary for one column chunk: distinct
 * values get dense indices in first-seen order, ready for a PLAIN-encoded
 * dictionary page and RLE-encoded index pages.
 *
 * Values are raw bytes: fixed width (4, 8, 12, 16 or FLBA n bytes) or
 * variable (BYTE_ARRAY). Fixed values are compared bytewise, so +0.0 and
 * -0.0 (and NaN payloads) stay distinct, which keeps them exact.
 */
#ifndef AF_PQ_DICTIONARY_H
#define AF_PQ_DICTIONARY_H

#include "core/buf.h"
#include "core/error.h"

#include <stddef.h>
#include <stdint.h>

typedef struct af_pq_dict af_pq_dict;

/* value_width 0 = variable-length values (BYTE_ARRAY). */
af_pq_dict *af_pq_dict_new(size_t value_width);
/* Finds or adds the value; *index receives its position. 0 or AF_ENOMEM. */
int af_pq_dict_insert(af_pq_dict *d, const void *p, size_t n, uint32_t *index);
uint32_t af_pq_dict_count(const af_pq_dict *d);
/* Size of the PLAIN-encoded dictionary page body (what the fallback-to-PLAIN
 * rule compares with its limit). */
size_t af_pq_dict_plain_size(const af_pq_dict *d);
/* Appends the values in index order, PLAIN-encoded (BYTE_ARRAY with 4-byte
 * little-endian lengths). */
int af_pq_dict_write_plain(const af_pq_dict *d, af_buf *out);
/* Value i (for statistics and tests). */
const uint8_t *af_pq_dict_value(const af_pq_dict *d, uint32_t i, size_t *len);
/* Forgets every value, keeping memory (next column chunk). */
void af_pq_dict_clear(af_pq_dict *d);
void af_pq_dict_free(af_pq_dict *d);

#endif
