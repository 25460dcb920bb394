/* run_journal.h - exactly-once runs across crashes.
 *
 * A stream's run ends with three durable steps that cannot be one atomic
 * write: its targets commit (a lake table's log entry), the raw zone's
 * manifest marks its input files ingested, and its resume state is saved.
 * A crash between the first and the others would make the next run ingest
 * the same rows again. So before the first commit the run writes a journal,
 * STATE_DIR/streams/STREAM.pending.json, holding its run id, the resume
 * state and the raw manifest it is about to save; it deletes the journal
 * once all are saved.
 *
 * The next run of the stream finds a journal left behind and asks the
 * targets that can tell (af_sink_plugin.committed: the lake sink looks for
 * the run id in the table's log) whether that run committed:
 *   - yes: the run is rolled forward: its manifest and resume state are
 *     saved now, so its files are not read again;
 *   - no (or no target can tell): rolled back: the journal is dropped and
 *     the files are read again, as if the run never happened.
 * With several lake targets of which only some committed, the run is rolled
 * forward and a warning names the stream: the others miss that run's rows.
 */
#ifndef AF_RUN_JOURNAL_H
#define AF_RUN_JOURNAL_H

#include "core/config.h"
#include "core/plugin.h"
#include "core/run_raw.h"
#include "core/state.h"

/* What the before_commit hook needs; lives as long as the stream runs. */
typedef struct af_run_journal {
    af_state *state;
    const char *stream;
    const char *run_id;
    const char *lake_dir;
    af_run_raw *raw; /* may be NULL */
    bool written;
} af_run_journal;

/* Resolves a journal left by a crashed run of sc (see above). */
int af_run_journal_recover(af_state *st, const af_stream_config *sc, const af_stream_ctx *ctx,
                           af_error *err);
/* The before_commit hook: ctx->before_commit_arg is an af_run_journal. */
int af_run_journal_before_commit(af_stream_ctx *ctx, const char *state_json, af_error *err);
/* Deletes the journal once the manifest and resume state are saved. */
void af_run_journal_done(af_run_journal *j);

#endif
