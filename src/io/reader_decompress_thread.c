/* reader_decompress_thread.c - the decompressing reader that decodes in a
 * background thread.
 *
 * Inflating gzip costs about as much CPU as parsing the CSV it yields, so
 * the two run on different cores: a producer thread reads the compressed
 * input, decodes into a ring of a few large buffers, and the reading thread
 * copies out of the oldest full buffer (the one copy a pull interface needs;
 * the CSV tokenizer then parses in place). Memory is the ring plus the
 * codec's window, whatever the input size.
 *
 * Stopping early (an error downstream, a row limit, a cancel): close() sets
 * `stop`, wakes the producer, and waits for it. A producer blocked in a read
 * of a pipe is interrupted (SIGUSR1, when the CLI installed the handlers);
 * if it still does not return, it is detached and the last of the two
 * threads to let go of the shared state frees it, so close() never hangs.
 * A read waiting for the producer polls the stream's cancel flag.
 */
#include "io/reader_decompress_internal.h"

#include "core/cancel.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RING_SLOT_DEFAULT ((size_t)1 << 20)
#define RING_SLOTS_DEFAULT 4
#define RING_SLOTS_MAX 64
#define WAIT_POLL_MS 50    /* how often a waiting read looks at the cancel flag */
#define CLOSE_WAIT_MS 2000 /* how long close() waits for a producer stuck in a read */

typedef struct ring_slot {
    uint8_t *data; /* allocated by the producer on first use */
    size_t len;
} ring_slot;

typedef struct ring {
    af_compression codec;
    size_t slot_size;
    int n_slots;
    ring_slot *slots;
    atomic_bool *cancel;

    /* producer only */
    af_dstream *ds;
    af_dfeed feed;
    int tail;

    /* shared, under mu */
    pthread_mutex_t mu;
    pthread_cond_t can_fill, can_take;
    int head, filled;
    bool done; /* the producer has finished; rc says how */
    int rc;
    af_error err;

    atomic_bool stop;
    atomic_llong in_offset;
    atomic_int refs; /* consumer + producer: the last one frees */
    pthread_t thread;

    /* consumer only */
    bool holding; /* slots[head] is being read from */
    size_t take_pos;
} ring;

static void ring_free(ring *t)
{
    for (int i = 0; t->slots && i < t->n_slots; i++)
        free(t->slots[i].data);
    free(t->slots);
    af_dstream_free(t->ds);
    if (t->feed.inner)
        af_reader_close(t->feed.inner);
    af_dfeed_free(&t->feed);
    pthread_cond_destroy(&t->can_fill);
    pthread_cond_destroy(&t->can_take);
    pthread_mutex_destroy(&t->mu);
    free(t);
}

static void ring_release(ring *t)
{
    if (atomic_fetch_sub(&t->refs, 1) == 1)
        ring_free(t);
}

static void *producer_main(void *arg)
{
    ring *t = arg;
    /* lets a read of the inner stream give up on EINTR once close() asked */
    af_cancel_bind(&t->stop);
    af_error err = {0};
    int rc = AF_OK;
    for (;;) {
        pthread_mutex_lock(&t->mu);
        while (t->filled == t->n_slots && !atomic_load(&t->stop))
            pthread_cond_wait(&t->can_fill, &t->mu);
        pthread_mutex_unlock(&t->mu);
        if (atomic_load(&t->stop))
            break;
        ring_slot *s = &t->slots[t->tail];
        if (!s->data && !(s->data = malloc(t->slot_size))) {
            rc = af_error_set(&err, AF_ENOMEM, "%s: out of memory for decompression buffers",
                              t->feed.inner->name);
            break;
        }
        s->len = 0;
        rc = af_decode_some(t->ds, &t->feed, s->data, t->slot_size, &s->len, &err);
        atomic_store(&t->in_offset, (long long)af_dstream_consumed(t->ds));
        if (s->len) {
            pthread_mutex_lock(&t->mu);
            t->filled++;
            pthread_cond_signal(&t->can_take);
            pthread_mutex_unlock(&t->mu);
            t->tail = (t->tail + 1) % t->n_slots;
        }
        if (rc)
            break;
    }
    pthread_mutex_lock(&t->mu);
    t->done = true;
    t->rc = rc < 0 ? rc : AF_OK;
    if (rc < 0)
        t->err = err;
    pthread_cond_broadcast(&t->can_take);
    pthread_mutex_unlock(&t->mu);
    af_cancel_bind(NULL);
    ring_release(t);
    return NULL;
}

static void deadline_in(struct timespec *ts, long ms)
{
    clock_gettime(CLOCK_REALTIME, ts);
    ts->tv_sec += ms / 1000;
    ts->tv_nsec += (ms % 1000) * 1000000L;
    if (ts->tv_nsec >= 1000000000L) {
        ts->tv_sec++;
        ts->tv_nsec -= 1000000000L;
    }
}

static bool canceled(const ring *t)
{
    return (t->cancel && atomic_load(t->cancel)) || af_cancel_requested();
}

static ssize_t ring_read(af_reader *r, void *buf, size_t n, af_error *err)
{
    ring *t = r->priv;
    if (n == 0)
        return 0;
    if (!t->holding) {
        pthread_mutex_lock(&t->mu);
        while (t->filled == 0 && !t->done) {
            struct timespec ts;
            deadline_in(&ts, WAIT_POLL_MS);
            pthread_cond_timedwait(&t->can_take, &t->mu, &ts);
            if (t->filled == 0 && !t->done && canceled(t)) {
                pthread_mutex_unlock(&t->mu);
                return af_error_set(err, AF_ECANCELED, "%s: reading stopped", r->name);
            }
        }
        if (t->filled == 0) {
            /* the producer is done and every buffer was read */
            int rc = t->rc;
            if (rc && err)
                *err = t->err;
            pthread_mutex_unlock(&t->mu);
            return rc;
        }
        pthread_mutex_unlock(&t->mu);
        t->holding = true;
        t->take_pos = 0;
    }
    /* the slot's bytes were published under mu, so they are visible here */
    ring_slot *s = &t->slots[t->head];
    size_t k = s->len - t->take_pos;
    if (k > n)
        k = n;
    memcpy(buf, s->data + t->take_pos, k);
    t->take_pos += k;
    if (t->take_pos == s->len) {
        t->holding = false;
        t->head = (t->head + 1) % t->n_slots;
        pthread_mutex_lock(&t->mu);
        t->filled--;
        pthread_cond_signal(&t->can_fill);
        pthread_mutex_unlock(&t->mu);
    }
    r->offset += (int64_t)k;
    return (ssize_t)k;
}

static void ring_close(af_reader *r)
{
    ring *t = r->priv;
    atomic_store(&t->stop, true);
    pthread_mutex_lock(&t->mu);
    pthread_cond_broadcast(&t->can_fill);
    pthread_mutex_unlock(&t->mu);
    bool joined = false;
    for (int waited = 0; !joined && waited < CLOSE_WAIT_MS; waited += 10) {
        struct timespec ts;
        deadline_in(&ts, 10);
        joined = pthread_timedjoin_np(t->thread, NULL, &ts) == 0;
        if (!joined)
            af_cancel_interrupt(t->thread); /* it may be blocked in a read */
    }
    if (!joined)
        pthread_detach(t->thread); /* it frees the ring when its read returns */
    ring_release(t);
    free(r);
}

int af_open_decompress_thread(af_reader *inner, af_compression c, const uint8_t *head,
                              size_t head_len, const af_decompress_options *o, af_reader **out,
                              af_error *err)
{
    af_reader *r = calloc(1, sizeof *r);
    ring *t = calloc(1, sizeof *t);
    if (!r || !t) {
        free(r);
        free(t);
        af_reader_close(inner);
        return af_error_set(err, AF_ENOMEM, "out of memory");
    }
    pthread_mutex_init(&t->mu, NULL);
    pthread_cond_init(&t->can_fill, NULL);
    pthread_cond_init(&t->can_take, NULL);
    t->codec = c;
    t->slot_size = o->buffer_size ? o->buffer_size : RING_SLOT_DEFAULT;
    t->n_slots = o->n_buffers <= 0               ? RING_SLOTS_DEFAULT
                 : o->n_buffers > RING_SLOTS_MAX ? RING_SLOTS_MAX
                                                 : o->n_buffers;
    t->cancel = o->cancel;
    t->slots = calloc((size_t)t->n_slots, sizeof *t->slots);
    int rc = t->slots ? AF_OK : af_error_set(err, AF_ENOMEM, "out of memory");
    rc = rc ? rc : af_dfeed_init(&t->feed, inner, head, head_len, err);
    t->feed.inner = inner; /* ring_free closes it, also when init failed */
    rc = rc ? rc : af_dstream_new(c, inner->name, &t->ds, err);
    atomic_init(&t->refs, 2);
    int perr = rc ? 0 : pthread_create(&t->thread, NULL, producer_main, t);
    if (perr)
        rc = af_error_set(err, AF_EIO, "%s: cannot start the decompression thread: %s", inner->name,
                          strerror(perr));
    if (rc) {
        ring_free(t);
        free(r);
        return rc;
    }
    r->read = ring_read;
    r->close = ring_close;
    r->name = inner->name;
    r->size = -1;
    r->priv = t;
    *out = r;
    return AF_OK;
}

bool af_is_decompress_thread(const af_reader *r)
{
    return r->read == ring_read;
}

af_compression af_decompress_thread_codec(const af_reader *r)
{
    return ((const ring *)r->priv)->codec;
}

int64_t af_decompress_thread_input_offset(const af_reader *r)
{
    return atomic_load(&((ring *)r->priv)->in_offset);
}
