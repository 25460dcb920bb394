/* queue.h - a bounded, blocking queue of batches between pipeline stages.
 *
 * Capacity is what gives back-pressure: a producer that gets ahead of a slow
 * sink blocks in push() instead of filling memory. close() says no more
 * items will come (consumers drain what is left, then see the end); abort()
 * wakes everyone at once and drops what is queued (used on failure or stop).
 */
#ifndef AF_QUEUE_H
#define AF_QUEUE_H

#include "core/batch.h"

#include <stddef.h>

typedef struct af_queue af_queue;

af_queue *af_queue_new(size_t capacity);
/* Takes the caller's reference. AF_OK, or AF_ECANCELED after abort (the
 * batch is then released). */
int af_queue_push(af_queue *q, af_batch *b);
/* 1 with *out set (caller owns the reference), 0 when closed and drained,
 * AF_ECANCELED after abort. */
int af_queue_pop(af_queue *q, af_batch **out);
void af_queue_close(af_queue *q);
void af_queue_abort(af_queue *q);
/* The largest number of batches that were ever queued at once. */
size_t af_queue_high_water(af_queue *q);
void af_queue_free(af_queue *q);

#endif
