/* report.c - names of run statuses and freeing of stream reports. Kept apart
 * from the runner so the state store and the CLI can use them too. */
#include "core/report.h"

#include <stdlib.h>
#include <string.h>

const char *af_run_status_name(af_run_status s)
{
    switch (s) {
    case AF_RUN_RUNNING: return "running";
    case AF_RUN_SUCCEEDED: return "succeeded";
    case AF_RUN_FAILED: return "failed";
    case AF_RUN_CANCELED: return "canceled";
    case AF_RUN_SKIPPED: return "skipped";
    }
    return "unknown";
}

void af_stream_report_free(af_stream_report *r)
{
    if (!r)
        return;
    free(r->name);
    free(r->quarantine_file);
    free(r->error);
    for (size_t i = 0; i < r->n_sinks; i++) {
        free(r->sinks[i].name);
        free(r->sinks[i].output);
    }
    free(r->sinks);
    /* Reports usually live in an array owned by the caller: free the members
     * only, and leave a zeroed report that is safe to free again. */
    memset(r, 0, sizeof *r);
}
