/* state.h - the state directory: run history and per-stream resume state.
 *
 *   STATE_DIR/runs/RUN_ID.json       one record per run: pipeline, start, end,
 *                                    status, per-stream figures, errors
 *   STATE_DIR/streams/STREAM.json    the resume state last committed for a
 *                                    stream (written only after every sink
 *                                    of that stream committed)
 *
 * Every file is written to a temporary name in the same directory, fsynced
 * and renamed, then the directory is fsynced: a crash leaves the old or the
 * new content, never a mix.
 */
#ifndef AF_STATE_H
#define AF_STATE_H

#include "core/error.h"
#include "core/report.h"

#include <stddef.h>
#include <stdint.h>

typedef struct af_state af_state;

/* Creates the directories as needed. */
int af_state_open(const char *state_dir, af_state **out, af_error *err);
void af_state_close(af_state *st);
const char *af_state_dir(const af_state *st);

/* A new run id: "YYYYMMDDTHHMMSSZ-xxxxxx" (UTC time + 6 random hex). Caller frees. */
char *af_run_id_new(void);

/* Records the run as running (so a crash leaves a trace). */
int af_state_run_begin(af_state *st, const char *run_id, const char *pipeline_path,
                       const char *pipeline_name, af_error *err);
/* Rewrites the record with the end time, final status, the stream reports
 * and, if any, the run-level error message (already redacted). */
int af_state_run_end(af_state *st, const char *run_id, af_run_status status,
                     const af_stream_report *streams, size_t n_streams, const char *error,
                     af_error *err);

/* Resume state of a stream; *json_out = NULL if none was ever committed. Caller frees. */
int af_state_stream_get(af_state *st, const char *stream, char **json_out, af_error *err);
int af_state_stream_put(af_state *st, const char *stream, const char *json, af_error *err);

/* Atomic file replacement used above; exposed for sinks and tests. */
int af_write_file_atomic(const char *path, const void *data, size_t len, af_error *err);
/* mkdir -p */
int af_mkdirs(const char *path, af_error *err);

#endif
