/* runner.h - runs the streams of a pipeline: source -> transforms -> sinks.
 *
 * Per stream, the source and its transforms run in one thread and each sink
 * in a thread of its own, linked by bounded queues (back-pressure). When the
 * source is done, every sink commits; the stream's resume state is saved
 * only after all of them committed. On any failure, or on SIGINT/SIGTERM,
 * every sink aborts and nothing it staged stays behind. Streams run one
 * after another; a failed stream does not stop the next (each is atomic on
 * its own), a stop request does.
 */
#ifndef AF_RUNNER_H
#define AF_RUNNER_H

#include "core/config.h"
#include "core/report.h"

typedef struct af_run_options {
    const char *const *streams; /* names to run; NULL/0 = all */
    size_t n_streams;
    bool dry_run;          /* open sources and transforms, show schemas, write nothing */
    const char *lake;      /* overrides the pipeline's lake (state dir follows it) */
    const char *state_dir; /* overrides the state directory */
    bool progress;         /* draw progress bars when the logger can */
} af_run_options;

typedef struct af_run_result {
    char *run_id;
    af_run_status status;
    af_stream_report *streams;
    size_t n_streams;
    char *state_dir;
} af_run_result;

/* Returns AF_OK when the run happened (whatever its status, see res->status),
 * or an error when it could not start (unknown stream, state dir not
 * writable...). */
int af_runner_run(const af_pipeline *p, const af_run_options *o, af_run_result *res, af_error *err);
void af_run_result_free(af_run_result *res);

/* Runs one stream with a prepared context (ctx->quarantine etc. set). Used by
 * af_runner_run and by tests with plugins of their own. On success the sinks
 * are committed; `state_json` (if not NULL) receives the source's resume
 * state, which the caller persists. */
int af_stream_execute(const af_stream_config *sc, af_stream_ctx *ctx, bool dry_run,
                      af_stream_report *rep, af_buf *state_json, af_error *err);

#endif
