/* queue.c - bounded blocking queue (ring buffer, one mutex, two conditions). */
#include "core/queue.h"

#include <pthread.h>
#include <stdlib.h>

struct af_queue {
    pthread_mutex_t lock;
    pthread_cond_t not_full;
    pthread_cond_t not_empty;
    af_batch **items;
    size_t cap;
    size_t head;
    size_t count;
    size_t high_water;
    bool closed;
    bool aborted;
};

af_queue *af_queue_new(size_t capacity)
{
    if (capacity == 0)
        capacity = 1;
    af_queue *q = calloc(1, sizeof *q);
    if (!q)
        return NULL;
    q->items = calloc(capacity, sizeof *q->items);
    if (!q->items) {
        free(q);
        return NULL;
    }
    q->cap = capacity;
    pthread_mutex_init(&q->lock, NULL);
    pthread_cond_init(&q->not_full, NULL);
    pthread_cond_init(&q->not_empty, NULL);
    return q;
}

int af_queue_push(af_queue *q, af_batch *b)
{
    pthread_mutex_lock(&q->lock);
    while (q->count == q->cap && !q->aborted)
        pthread_cond_wait(&q->not_full, &q->lock);
    if (q->aborted || q->closed) {
        pthread_mutex_unlock(&q->lock);
        af_batch_release(b);
        return AF_ECANCELED;
    }
    q->items[(q->head + q->count) % q->cap] = b;
    q->count++;
    if (q->count > q->high_water)
        q->high_water = q->count;
    pthread_cond_signal(&q->not_empty);
    pthread_mutex_unlock(&q->lock);
    return AF_OK;
}

int af_queue_pop(af_queue *q, af_batch **out)
{
    pthread_mutex_lock(&q->lock);
    while (q->count == 0 && !q->closed && !q->aborted)
        pthread_cond_wait(&q->not_empty, &q->lock);
    if (q->aborted) {
        pthread_mutex_unlock(&q->lock);
        return AF_ECANCELED;
    }
    if (q->count == 0) {
        pthread_mutex_unlock(&q->lock);
        return 0;
    }
    *out = q->items[q->head];
    q->head = (q->head + 1) % q->cap;
    q->count--;
    pthread_cond_signal(&q->not_full);
    pthread_mutex_unlock(&q->lock);
    return 1;
}

void af_queue_close(af_queue *q)
{
    pthread_mutex_lock(&q->lock);
    q->closed = true;
    pthread_cond_broadcast(&q->not_empty);
    pthread_cond_broadcast(&q->not_full);
    pthread_mutex_unlock(&q->lock);
}

void af_queue_abort(af_queue *q)
{
    pthread_mutex_lock(&q->lock);
    q->aborted = true;
    while (q->count) {
        af_batch_release(q->items[q->head]);
        q->head = (q->head + 1) % q->cap;
        q->count--;
    }
    pthread_cond_broadcast(&q->not_empty);
    pthread_cond_broadcast(&q->not_full);
    pthread_mutex_unlock(&q->lock);
}

size_t af_queue_high_water(af_queue *q)
{
    pthread_mutex_lock(&q->lock);
    size_t h = q->high_water;
    pthread_mutex_unlock(&q->lock);
    return h;
}

void af_queue_free(af_queue *q)
{
    if (!q)
        return;
    af_queue_abort(q);
    pthread_mutex_destroy(&q->lock);
    pthread_cond_destroy(&q->not_full);
    pthread_cond_destroy(&q->not_empty);
    free(q->items);
    free(q);
}
