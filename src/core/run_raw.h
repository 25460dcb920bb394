/* run_raw.h - the raw zone in a run: what the runner calls around a stream.
 *
 * Three phases, so that the manifest (which marks files as ingested) is
 * only written once the data read from them is committed:
 *   begin   before the source opens: decides whether the stream keeps raw
 *           copies, lists the source's input files, copies and hashes them
 *           (lake/raw_zone.h) and sets ctx->skip_inputs to the files an
 *           earlier run ingested already;
 *   finish  after every sink committed, before the resume state is saved:
 *           writes the manifest;
 *   abort   when the stream failed: removes this run's copies, writes no
 *           manifest, so a re-run ingests the same files again.
 * Streams that keep no raw copies get a NULL handle, which every call
 * accepts.
 */
#ifndef AF_RUN_RAW_H
#define AF_RUN_RAW_H

#include "core/config.h"
#include "core/error.h"
#include "core/plugin.h"

#include <stdbool.h>

typedef struct af_run_raw af_run_raw;

/* Raw copies are kept when the stream's `raw` option is true, or auto and
 * one of its targets has type `lake`, and the source lists input files
 * (list_inputs). raw: true on a source that lists none (standard input, a
 * URL) is a warning, not a failure. *out is NULL when no copies are kept.
 * ctx->skip_inputs points into *out: free it after the stream. */
int af_run_raw_begin(const af_stream_config *sc, af_stream_ctx *ctx, af_run_raw **out,
                     af_error *err);
/* True when every input file was ingested by an earlier run: the stream
 * has nothing to read and need not run. */
bool af_run_raw_nothing_new(const af_run_raw *r);
/* The manifest finish() will write: its store path (NULL when the stream
 * keeps no copies) and text, for the run journal. */
int af_run_raw_manifest(const af_run_raw *r, const char **path, af_buf *text, af_error *err);
int af_run_raw_finish(af_run_raw *r, af_error *err);
/* A no-op after a successful finish. */
void af_run_raw_abort(af_run_raw *r);
void af_run_raw_free(af_run_raw *r);

#endif
