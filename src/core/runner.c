/* runner.c - stream execution: threads, queues, commit/abort, run records. */
#include "core/runner.h"

#include "core/cancel.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/quarantine.h"
#include "core/queue.h"
#include "core/state.h"
#include "security/redact.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef struct sink_worker {
    af_sink sink;
    af_queue *queue;
    pthread_t thread;
    bool started;
    bool opened;
    int rc;
    af_error err;
    double busy_s;
} sink_worker;

typedef struct stream_exec {
    const af_stream_config *sc;
    af_stream_ctx *ctx;
    af_source source;
    bool source_opened;
    af_transform *transforms;
    size_t n_transforms_opened;
    sink_worker *sinks;
    size_t n_sinks;
    pthread_t producer;
    int producer_rc;
    af_error producer_err;
    /* figures kept by the producer thread */
    atomic_llong rows_from_source;
    int64_t rows_rejected_by_source;
    int64_t rows_rejected_by_transforms;
    int64_t batches;
    double source_s;
    double *transform_s;
    int64_t *transform_rows_in;
    int64_t *transform_rows_out;
} stream_exec;

static int64_t rejected_so_far(const af_stream_ctx *ctx)
{
    return af_quarantine_rows(ctx->quarantine) + af_quarantine_skipped(ctx->quarantine);
}

static void fail_stream(stream_exec *x)
{
    atomic_store(x->ctx->cancel, true);
    for (size_t i = 0; i < x->n_sinks; i++)
        af_queue_abort(x->sinks[i].queue);
}

/* Source and transforms: pull a batch, pass it through every transform,
 * hand one reference to each sink queue. */
static void *producer_main(void *arg)
{
    stream_exec *x = arg;
    af_stream_ctx *ctx = x->ctx;
    af_cancel_bind(ctx->cancel); /* a failed sink also unblocks a pending read */
    int rc = AF_OK;
    for (;;) {
        if (atomic_load(ctx->cancel)) {
            rc =
                af_error_set(&x->producer_err, AF_ECANCELED, "stream %s stopped", ctx->stream_name);
            break;
        }
        af_batch *b = NULL;
        int64_t rej0 = rejected_so_far(ctx);
        double t0 = af_clock_monotonic();
        rc = x->source.plugin->next(&x->source, &b, &x->producer_err);
        x->source_s += af_clock_monotonic() - t0;
        x->rows_rejected_by_source += rejected_so_far(ctx) - rej0;
        if (rc || !b)
            break;
        atomic_fetch_add(&x->rows_from_source, b->n_rows);
        x->batches++;
        for (size_t i = 0; b && i < x->sc->n_transforms; i++) {
            af_transform *t = &x->transforms[i];
            af_batch *out = NULL;
            int64_t in_rows = b->n_rows;
            int64_t r0 = rejected_so_far(ctx);
            t0 = af_clock_monotonic();
            rc = t->plugin->apply(t, b, &out, &x->producer_err); /* consumes b */
            x->transform_s[i] += af_clock_monotonic() - t0;
            x->rows_rejected_by_transforms += rejected_so_far(ctx) - r0;
            x->transform_rows_in[i] += in_rows;
            b = out;
            if (rc) {
                af_batch_release(b);
                b = NULL;
                break;
            }
            x->transform_rows_out[i] += b ? b->n_rows : 0;
        }
        if (rc)
            break;
        if (!b || b->n_rows == 0) {
            af_batch_release(b);
            continue;
        }
        for (size_t i = 0; i < x->n_sinks && !rc; i++) {
            af_batch_retain(b);
            if (af_queue_push(x->sinks[i].queue, b) != AF_OK)
                rc = af_error_set(&x->producer_err, AF_ECANCELED, "stream %s stopped",
                                  ctx->stream_name);
        }
        af_batch_release(b);
        if (rc)
            break;
    }
    af_cancel_bind(NULL);
    x->producer_rc = rc;
    if (rc)
        fail_stream(x);
    else
        for (size_t i = 0; i < x->n_sinks; i++)
            af_queue_close(x->sinks[i].queue);
    return NULL;
}

typedef struct sink_arg {
    stream_exec *x;
    sink_worker *w;
} sink_arg;

static void *sink_main(void *arg)
{
    sink_arg *a = arg;
    sink_worker *w = a->w;
    af_batch *b;
    int got;
    while ((got = af_queue_pop(w->queue, &b)) == 1) {
        double t0 = af_clock_monotonic();
        int rc = w->sink.plugin->write(&w->sink, b, &w->err);
        w->busy_s += af_clock_monotonic() - t0;
        if (!rc)
            w->sink.rows_written += b->n_rows;
        af_batch_release(b);
        if (rc) {
            w->rc = rc;
            fail_stream(a->x);
            break;
        }
    }
    if (got == AF_ECANCELED && !w->rc)
        w->rc = AF_ECANCELED;
    return NULL;
}

static int open_stages(stream_exec *x, af_schema **final_schema, bool dry_run, af_error *err)
{
    const af_stream_config *sc = x->sc;
    af_schema *schema = NULL;
    x->source.plugin = sc->source.plugin;
    x->source.config = sc->source.config;
    x->source.ctx = x->ctx;
    int rc = x->source.plugin->open(&x->source, &schema, err);
    x->source_opened = true;
    if (rc)
        return rc;
    for (size_t i = 0; i < sc->n_transforms; i++) {
        af_transform *t = &x->transforms[i];
        t->plugin = sc->transforms[i].plugin;
        t->config = sc->transforms[i].config;
        t->ctx = x->ctx;
        af_schema *next = NULL;
        rc = t->plugin->open(t, schema, &next, err);
        x->n_transforms_opened = i + 1;
        if (rc) {
            af_schema_free(schema);
            return rc;
        }
        af_schema_free(schema);
        schema = next;
    }
    *final_schema = schema;
    if (dry_run)
        return AF_OK;
    for (size_t i = 0; i < x->n_sinks; i++) {
        sink_worker *w = &x->sinks[i];
        w->sink.plugin = sc->targets[i].plugin;
        w->sink.config = sc->targets[i].config;
        w->sink.ctx = x->ctx;
        w->sink.name = sc->targets[i].name ? sc->targets[i].name : sc->targets[i].type;
        rc = w->sink.plugin->open(&w->sink, schema, err);
        w->opened = true;
        if (rc)
            return af_error_wrap(err, "target %s", w->sink.name);
    }
    return AF_OK;
}

static void log_schema(const char *stream, const af_schema *s)
{
    af_buf b;
    af_buf_init(&b);
    for (size_t i = 0; i < s->n_fields; i++) {
        af_buf_printf(&b, "%s%s ", i ? ", " : "", s->fields[i].name);
        af_field_format_type(&s->fields[i], &b);
    }
    af_log_fields(AF_LOG_INFO, "stream.schema",
                  (af_log_field[]){AF_LF_S("stream", stream), AF_LF_I("columns", s->n_fields)}, 2,
                  "schema: %s", b.len ? af_buf_cstr(&b) : "(no columns)");
    af_buf_free(&b);
}

/* Waits for the worker threads, forwarding a stop request: the producer may
 * be blocked in a read(), so it is interrupted with SIGUSR1 (no SA_RESTART)
 * and sees the flag through EINTR. Progress is drawn meanwhile. */
static void wait_workers(stream_exec *x, af_progress *progress)
{
    bool forwarded = false;
    for (;;) {
        struct timespec deadline;
        clock_gettime(CLOCK_REALTIME, &deadline);
        deadline.tv_nsec += 50 * 1000 * 1000;
        if (deadline.tv_nsec >= 1000000000L) {
            deadline.tv_sec++;
            deadline.tv_nsec -= 1000000000L;
        }
        if (pthread_timedjoin_np(x->producer, NULL, &deadline) == 0)
            break;
        if (af_cancel_requested() && !forwarded) {
            forwarded = true;
            fail_stream(x);
        }
        /* a stop request, or a sink that failed: the source may be blocked
         * in a read, so interrupt it, again each round in case it re-entered */
        if (forwarded || atomic_load(x->ctx->cancel))
            af_cancel_interrupt(x->producer);
        af_progress_update(progress, atomic_load(&x->rows_from_source),
                           (uint64_t)atomic_load(&x->ctx->bytes_read),
                           (uint64_t)atomic_load(&x->ctx->bytes_total));
    }
    for (size_t i = 0; i < x->n_sinks; i++)
        if (x->sinks[i].started)
            pthread_join(x->sinks[i].thread, NULL);
    af_progress_update(progress, atomic_load(&x->rows_from_source),
                       (uint64_t)atomic_load(&x->ctx->bytes_read),
                       (uint64_t)atomic_load(&x->ctx->bytes_total));
}

static void close_stages(stream_exec *x, bool abort_sinks)
{
    for (size_t i = 0; i < x->n_sinks; i++) {
        sink_worker *w = &x->sinks[i];
        if (w->opened) {
            if (abort_sinks)
                w->sink.plugin->abort(&w->sink);
            w->sink.plugin->close(&w->sink);
        }
        af_queue_free(w->queue);
    }
    for (size_t i = 0; i < x->n_transforms_opened; i++)
        x->transforms[i].plugin->close(&x->transforms[i]);
    if (x->source_opened)
        x->source.plugin->close(&x->source);
}

static void log_step_figures(stream_exec *x, const af_stream_report *rep)
{
    const char *name = x->ctx->stream_name;
    af_log_fields(AF_LOG_INFO, "step.source",
                  (af_log_field[]){AF_LF_S("stream", name), AF_LF_S("plugin", x->sc->source.type),
                                   AF_LF_I("rows_out", atomic_load(&x->rows_from_source)),
                                   AF_LF_I("rows_quarantined", x->rows_rejected_by_source),
                                   AF_LF_I("bytes", rep->bytes_read),
                                   AF_LF_D("duration_s", x->source_s)},
                  6, "source %s read %lld rows", x->sc->source.type,
                  (long long)atomic_load(&x->rows_from_source));
    for (size_t i = 0; i < x->sc->n_transforms; i++)
        af_log_fields(AF_LOG_INFO, "step.transform",
                      (af_log_field[]){AF_LF_S("stream", name),
                                       AF_LF_S("plugin", x->sc->transforms[i].type),
                                       AF_LF_I("rows_in", x->transform_rows_in[i]),
                                       AF_LF_I("rows_out", x->transform_rows_out[i]),
                                       AF_LF_D("duration_s", x->transform_s[i])},
                      5, "transform %s", x->sc->transforms[i].type);
    for (size_t i = 0; i < x->n_sinks; i++)
        af_log_fields(AF_LOG_INFO, "step.sink",
                      (af_log_field[]){
                          AF_LF_S("stream", name), AF_LF_S("target", x->sinks[i].sink.name),
                          AF_LF_I("rows_in", x->sinks[i].sink.rows_written),
                          AF_LF_S("output", x->sinks[i].sink.output ? x->sinks[i].sink.output : ""),
                          AF_LF_D("duration_s", x->sinks[i].busy_s)},
                      5, "target %s wrote %lld rows", x->sinks[i].sink.name,
                      (long long)x->sinks[i].sink.rows_written);
}

static int fill_report(stream_exec *x, af_stream_report *rep)
{
    rep->rows_quarantined = af_quarantine_rows(x->ctx->quarantine);
    rep->rows_skipped = af_quarantine_skipped(x->ctx->quarantine);
    rep->rows_read = atomic_load(&x->rows_from_source) + x->rows_rejected_by_source;
    rep->bytes_read = atomic_load(&x->ctx->bytes_read);
    rep->batches = x->batches;
    rep->rows_written = x->n_sinks ? x->sinks[0].sink.rows_written : 0;
    rep->sinks = calloc(x->n_sinks ? x->n_sinks : 1, sizeof *rep->sinks);
    if (!rep->sinks)
        return AF_ENOMEM;
    rep->n_sinks = x->n_sinks;
    for (size_t i = 0; i < x->n_sinks; i++) {
        rep->sinks[i].name = af_strdup(x->sinks[i].sink.name);
        rep->sinks[i].output = af_strdup(x->sinks[i].sink.output);
        rep->sinks[i].rows_written = x->sinks[i].sink.rows_written;
    }
    return AF_OK;
}

int af_stream_execute(const af_stream_config *sc, af_stream_ctx *ctx, bool dry_run,
                      af_stream_report *rep, af_buf *state_json, af_error *err)
{
    double t_start = af_clock_monotonic();
    stream_exec x;
    memset(&x, 0, sizeof x);
    x.sc = sc;
    x.ctx = ctx;
    x.n_sinks = dry_run ? 0 : sc->n_targets;
    x.transforms = calloc(sc->n_transforms + 1, sizeof *x.transforms);
    x.sinks = calloc(sc->n_targets + 1, sizeof *x.sinks);
    x.transform_s = calloc(sc->n_transforms + 1, sizeof *x.transform_s);
    x.transform_rows_in = calloc(sc->n_transforms + 1, sizeof(int64_t));
    x.transform_rows_out = calloc(sc->n_transforms + 1, sizeof(int64_t));
    rep->name = af_strdup(sc->name);
    int rc = (x.transforms && x.sinks && x.transform_s && x.transform_rows_in &&
              x.transform_rows_out && rep->name)
                 ? AF_OK
                 : af_error_set(err, AF_ENOMEM, "out of memory");
    int64_t depth = sc->opts.queue_depth > 0 ? sc->opts.queue_depth : 4;
    for (size_t i = 0; !rc && i < x.n_sinks; i++) {
        x.sinks[i].queue = af_queue_new((size_t)depth);
        if (!x.sinks[i].queue)
            rc = af_error_set(err, AF_ENOMEM, "out of memory");
    }
    af_schema *schema = NULL;
    if (!rc)
        rc = open_stages(&x, &schema, dry_run, err);
    if (!rc)
        log_schema(sc->name, schema);
    af_schema_free(schema);

    af_progress *progress = NULL;
    if (!rc && !dry_run) {
        sink_arg *args = calloc(x.n_sinks + 1, sizeof *args);
        if (!args)
            rc = af_error_set(err, AF_ENOMEM, "out of memory");
        /* workers must not take SIGINT/SIGTERM: the main thread watches the flag */
        sigset_t block, old;
        sigemptyset(&block);
        sigaddset(&block, SIGINT);
        sigaddset(&block, SIGTERM);
        pthread_sigmask(SIG_BLOCK, &block, &old);
        for (size_t i = 0; !rc && i < x.n_sinks; i++) {
            args[i].x = &x;
            args[i].w = &x.sinks[i];
            if (pthread_create(&x.sinks[i].thread, NULL, sink_main, &args[i]) != 0)
                rc = af_error_set(err, AF_EIO, "cannot start a sink thread");
            else
                x.sinks[i].started = true;
        }
        if (!rc && pthread_create(&x.producer, NULL, producer_main, &x) != 0)
            rc = af_error_set(err, AF_EIO, "cannot start the source thread");
        pthread_sigmask(SIG_SETMASK, &old, NULL);
        if (rc) {
            fail_stream(&x);
            for (size_t i = 0; i < x.n_sinks; i++)
                if (x.sinks[i].started)
                    pthread_join(x.sinks[i].thread, NULL);
        } else {
            progress = af_progress_start(sc->name, (uint64_t)atomic_load(&ctx->bytes_total));
            wait_workers(&x, progress);
            af_progress_finish(progress);
            /* the first real failure wins over the cancellations it caused */
            if (x.producer_rc && x.producer_rc != AF_ECANCELED) {
                rc = x.producer_rc;
                *err = x.producer_err;
            }
            for (size_t i = 0; !rc && i < x.n_sinks; i++)
                if (x.sinks[i].rc && x.sinks[i].rc != AF_ECANCELED) {
                    rc = x.sinks[i].rc;
                    *err = x.sinks[i].err;
                    af_error_wrap(err, "target %s", x.sinks[i].sink.name);
                }
            if (!rc && (x.producer_rc || af_cancel_requested()))
                rc = af_error_set(err, AF_ECANCELED, "stream %s stopped by %s", sc->name,
                                  af_cancel_signal() == SIGINT    ? "SIGINT"
                                  : af_cancel_signal() == SIGTERM ? "SIGTERM"
                                                                  : "a stop request");
            for (size_t i = 0; !rc && i < x.n_sinks; i++)
                if (x.sinks[i].rc)
                    rc =
                        af_error_set(err, x.sinks[i].rc, "target %s stopped", x.sinks[i].sink.name);
        }
        free(args);
    }

    /* Commit every sink, or abort them all. A commit failure aborts the
     * sinks not yet committed; one already committed cannot be taken back,
     * which the report shows through each sink's output. */
    size_t committed = 0;
    if (!rc && state_json && x.source.plugin->resume_state)
        x.source.plugin->resume_state(&x.source, state_json);
    if (!rc && !dry_run && ctx->before_commit)
        rc = ctx->before_commit(ctx, state_json && state_json->len ? af_buf_cstr(state_json) : "",
                                err);
    if (!rc && !dry_run) {
        for (; committed < x.n_sinks; committed++) {
            sink_worker *w = &x.sinks[committed];
            rc = w->sink.plugin->commit(&w->sink, err);
            if (rc) {
                af_error_wrap(err, "commit of target %s", w->sink.name);
                break;
            }
        }
    }
    fill_report(&x, rep);
    rep->duration_s = af_clock_monotonic() - t_start;
    if (!dry_run)
        log_step_figures(&x, rep);
    /* sinks that committed are just closed; the others abort */
    for (size_t i = 0; i < committed; i++) {
        sink_worker *w = &x.sinks[i];
        w->sink.plugin->close(&w->sink);
        w->opened = false;
    }
    close_stages(&x, true);
    for (size_t i = 0; i < sc->n_targets; i++)
        free(x.sinks[i].sink.output);
    free(x.transforms);
    free(x.sinks);
    free(x.transform_s);
    free(x.transform_rows_in);
    free(x.transform_rows_out);
    rep->status = rc == AF_OK          ? (dry_run ? AF_RUN_SKIPPED : AF_RUN_SUCCEEDED)
                  : rc == AF_ECANCELED ? AF_RUN_CANCELED
                                       : AF_RUN_FAILED;
    return rc;
}
