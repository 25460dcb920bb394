/* quarantine.h - where rejected rows go, so nothing is silently lost.
 *
 * One quarantine per stream and run. Records are NDJSON lines in
 *   LAKE/quarantine/STREAM/RUN_ID.ndjson
 * each with the stream, run id, origin (file or step), line, reason and the
 * raw text ("raw", plus "raw_base64" when the bytes are not valid UTF-8, so
 * the original bytes can always be recovered). The file is created on the
 * first record only; it is kept whether the stream commits or fails, since
 * it is the evidence of what went wrong.
 */
#ifndef AF_QUARANTINE_H
#define AF_QUARANTINE_H

#include "core/error.h"
#include "core/plugin.h"

#include <stdint.h>

/* path: the NDJSON file to create on first record (NULL when the policy never writes). */
af_quarantine *af_quarantine_new(const char *path, const char *stream, const char *run_id);
/* Appends a record (thread-safe). */
int af_quarantine_add(af_quarantine *q, const char *origin, int64_t line, const char *raw,
                      size_t raw_len, const char *reason, af_error *err);
/* Counts a skipped row (on_error: skip_with_count). */
void af_quarantine_count_skip(af_quarantine *q);
int64_t af_quarantine_rows(const af_quarantine *q);
int64_t af_quarantine_skipped(const af_quarantine *q);
/* The file written, or NULL if no record was quarantined. */
const char *af_quarantine_file(const af_quarantine *q);
/* Flushes and closes the file. */
int af_quarantine_close(af_quarantine *q, af_error *err);
void af_quarantine_free(af_quarantine *q);

#endif
