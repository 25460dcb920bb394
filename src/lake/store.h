/* store.h - where the lake's bytes live, behind one interface.
 *
 * Every lake write (data files, the Delta log, the catalog, exports) and
 * read goes through an af_store, so that a local folder today and an object
 * store later (az://, s3://) behave the same to the code above. Paths are
 * relative to the store's root, '/'-separated, never starting with '/' and
 * never holding "." or ".." components.
 *
 * The operations are the ones object stores offer, with the guarantees the
 * Delta protocol needs:
 *   - list:          the objects under a prefix, in byte order of their paths;
 *   - read a range:  bytes [offset, offset + len) of an object (a Parquet
 *                    footer is read without reading the file);
 *   - staged write:  bytes go to a hidden temporary object, and publish makes
 *                    them visible under the final path in one step (replacing
 *                    what was there); abort leaves nothing behind;
 *   - put-if-absent: publish only if no object has that path (AF_EEXIST
 *                    otherwise): two writers racing for the same Delta log
 *                    version cannot both win;
 *   - delete.
 * Local stores fsync the file before publishing and the directory after, so
 * a published object survives a crash.
 */
#ifndef AF_STORE_H
#define AF_STORE_H

#include "core/buf.h"
#include "core/error.h"
#include "io/blob.h"
#include "io/reader.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct af_store af_store;
typedef struct af_store_writer af_store_writer;

typedef struct af_store_entry {
    char *path;       /* relative to the store root */
    int64_t size;     /* bytes */
    int64_t mtime_ms; /* last modification, milliseconds since the epoch */
} af_store_entry;

/* Opens the store at `url`: a local directory (created if missing) or
 * file://PATH. Object store URLs (az://, s3://) are AF_EUNSUPPORTED until
 * their stores land. */
int af_store_open(const char *url, af_store **out, af_error *err);
void af_store_free(af_store *s);
/* The root as given (for messages; no secrets). */
const char *af_store_root(const af_store *s);

/* Objects whose path starts with `prefix` ("" = all), sorted by path;
 * hidden staging objects are never listed. Free with af_store_entries_free. */
int af_store_list(af_store *s, const char *prefix, af_store_entry **out, size_t *n, af_error *err);
void af_store_entries_free(af_store_entry *e, size_t n);

/* Size and time of one object; AF_ENOTFOUND when it does not exist. */
int af_store_stat(af_store *s, const char *path, af_store_entry *out, af_error *err);

/* Appends bytes [offset, offset + len) of the object to out; fewer only when
 * the object ends first. */
int af_store_read_range(af_store *s, const char *path, int64_t offset, size_t len, af_buf *out,
                        af_error *err);
/* Appends the whole object to out (small objects: log entries, JSON). */
int af_store_read_all(af_store *s, const char *path, af_buf *out, af_error *err);
/* The object as a random-access blob (ranged reads through the store): the
 * Parquet reader reads checkpoints and data files this way. The blob holds
 * `s`, which must outlive it. (store_blob.c) */
int af_store_blob_open(af_store *s, const char *path, af_blob **out, af_error *err);
/* The whole object as a byte stream. */
int af_store_open_read(af_store *s, const char *path, af_reader **out, af_error *err);

/* Staged writing: begin, write any number of times, then exactly one of
 * publish (visible under `path` at once, replacing an existing object),
 * publish_if_absent (AF_EEXIST, and nothing published, when `path` exists)
 * or abort. free() aborts a writer that was not published. */
int af_store_writer_begin(af_store *s, const char *path, const char *run_id, af_store_writer **out,
                          af_error *err);
int af_store_writer_write(af_store_writer *w, const void *p, size_t n, af_error *err);
int af_store_writer_publish(af_store_writer *w, af_error *err);
int af_store_writer_publish_if_absent(af_store_writer *w, af_error *err);
void af_store_writer_abort(af_store_writer *w);
void af_store_writer_free(af_store_writer *w);

/* One-call forms of the above for small objects (log entries, catalog files). */
int af_store_put(af_store *s, const char *path, const void *p, size_t n, af_error *err);
int af_store_put_if_absent(af_store *s, const char *path, const void *p, size_t n, af_error *err);

/* Removes an object; a missing one is AF_ENOTFOUND. Empty directories left
 * behind on a local store are removed too. */
int af_store_delete(af_store *s, const char *path, af_error *err);

/* Whether `path` is a valid object path (see above). */
bool af_store_path_valid(const char *path);

#endif
