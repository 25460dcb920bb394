/* raw_zone.h - the lake's raw zone: byte-identical copies of ingested files.
 *
 * Layout, below the lake root (all through the store interface, store.h):
 *   raw/<source>/<dataset>/ingest_date=YYYY-MM-DD/<file name>
 *   raw/<source>/<dataset>/_manifests/<run id>.json
 * <source> is the source plugin type (csv, json...), <dataset> the stream,
 * the date the UTC date of the ingest time.
 *
 * One ingest (af_raw_zone) follows the stream it belongs to:
 *   begin   reads the earlier manifests of <source>/<dataset>: the SHA-256
 *           of every file they list as copied is "already ingested";
 *   add     per input file: hashes it and, unless its checksum is already
 *           ingested (by an earlier run or earlier in this one: status
 *           "skipped"), publishes a copy (status "copied"). A file is read
 *           once: copied and hashed in the same pass. Only when its size
 *           equals that of an already ingested file is it hashed first
 *           (it may be a duplicate, and then nothing is written) and read
 *           again to copy it if it is not;
 *   finish  writes the manifest, put-if-absent. The manifest is what marks
 *           files as ingested, so the caller calls finish only once the
 *           data read from them is committed;
 *   abort   deletes the copies this ingest published and writes no
 *           manifest: the next run ingests the same files again.
 * A copy never replaces an object: a name already taken that day by other
 * bytes gets the run id before its extensions ("orders.RUNID.csv.gz"). An
 * object already there with the same bytes (left by a run that failed
 * before its manifest) is referenced instead of copied again. Copies left
 * by a crash between add and finish are unreferenced and harmless.
 */
#ifndef AF_RAW_ZONE_H
#define AF_RAW_ZONE_H

#include "core/error.h"
#include "lake/store.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum af_raw_status {
    AF_RAW_COPIED = 0,
    AF_RAW_SKIPPED = 1,
} af_raw_status;

/* One input file of an ingest. */
typedef struct af_raw_file {
    char *source_path; /* the file as the source names it */
    char *source_uri;  /* absolute path, secrets masked (security/redact.h) */
    char *raw_path;    /* object path of the copy; for a skipped file, the earlier copy */
    int64_t size;      /* bytes */
    char sha256[65];   /* lowercase hex */
    af_raw_status status;
    char *previous_run; /* skipped: the run that ingested these bytes first; else NULL */
    bool published;     /* this ingest published raw_path (abort deletes it) */
} af_raw_file;

typedef struct af_raw_options {
    const char *source;   /* source plugin type: one path component */
    const char *dataset;  /* stream name: one path component */
    const char *run_id;   /* names the manifest and disambiguates copies */
    const char *pipeline; /* pipeline name, recorded in the manifest; may be NULL */
    int64_t now_us;       /* ingest time (af_clock_now_us()); its UTC date is the partition */
    atomic_bool *cancel;  /* optional: stops a copy between chunks */
} af_raw_options;

typedef struct af_raw_zone af_raw_zone;

/* Starts an ingest in `store` (not owned; must outlive the ingest). Reads
 * every earlier manifest of <source>/<dataset>: AF_EPARSE naming the object
 * when one is not a manifest. AF_EINVAL when source or dataset cannot be a
 * path component. */
int af_raw_zone_begin(af_store *store, const af_raw_options *o, af_raw_zone **out, af_error *err);
/* Copies (or skips) one local file, see above; *out (may be NULL) points to
 * its record, valid until the next add or free (af_raw_zone_file() reads it
 * again later). Errors name the file or the object; a file that failed
 * leaves no record, unless its copy was published already (abort then
 * deletes it). */
int af_raw_zone_add(af_raw_zone *z, const char *path, const af_raw_file **out, af_error *err);
size_t af_raw_zone_count(const af_raw_zone *z);
const af_raw_file *af_raw_zone_file(const af_raw_zone *z, size_t i);
/* "raw/<source>/<dataset>/_manifests/<run id>.json" */
const char *af_raw_zone_manifest_path(const af_raw_zone *z);
/* Writes the manifest (once; AF_EEXIST if that run id has one already). */
/* The manifest finish() writes, as text (for the run journal, which may
 * have to write it after a crash). */
int af_raw_zone_manifest_text(const af_raw_zone *z, af_buf *out, af_error *err);
int af_raw_zone_finish(af_raw_zone *z, af_error *err);
/* Deletes the copies this ingest published; a no-op after finish. */
void af_raw_zone_abort(af_raw_zone *z);
void af_raw_zone_free(af_raw_zone *z);

#endif
