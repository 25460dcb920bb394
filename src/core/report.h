/* report.h - the figures a run produces, per stream and per sink. */
#ifndef AF_REPORT_H
#define AF_REPORT_H

#include <stddef.h>
#include <stdint.h>

typedef enum af_run_status {
    AF_RUN_RUNNING = 0,
    AF_RUN_SUCCEEDED,
    AF_RUN_FAILED,
    AF_RUN_CANCELED,
    AF_RUN_SKIPPED, /* dry run, or not selected */
} af_run_status;

const char *af_run_status_name(af_run_status s); /* "running", "succeeded", ... */

typedef struct af_sink_report {
    char *name;
    char *output; /* where the committed output lives, NULL if none */
    int64_t rows_written;
} af_sink_report;

typedef struct af_stream_report {
    char *name;
    af_run_status status;
    int64_t rows_read;        /* rows the source produced or rejected */
    int64_t rows_written;     /* rows every sink received (same for each sink) */
    int64_t rows_quarantined; /* written to the quarantine file */
    int64_t rows_skipped;     /* on_error: skip_with_count */
    int64_t bytes_read;
    int64_t batches;
    double duration_s;
    char *quarantine_file; /* NULL if nothing was quarantined */
    char *error;           /* redacted message when failed */
    af_sink_report *sinks;
    size_t n_sinks;
} af_stream_report;

/* Frees the members (name, quarantine_file, error, sinks and their strings),
 * not r itself, which usually lives in an array; leaves r zeroed. NULL is fine. */
void af_stream_report_free(af_stream_report *r);

#endif
