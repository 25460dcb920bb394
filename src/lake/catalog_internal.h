/* catalog_internal.h - what the catalog's files share: merging an update
 * into an entry (catalog_entry.c) and the SQLite index (catalog_index.c).
 * Not for use outside src/lake/catalog*.c. */
#ifndef AF_CATALOG_INTERNAL_H
#define AF_CATALOG_INTERNAL_H

#include "lake/catalog.h"

#include <stdbool.h>

#define AF_CATALOG_DIR "_catalog/datasets/"
#define AF_CATALOG_INDEX "_catalog/index.sqlite"

/* "YYYY-MM-DDTHH:MM:SS.mmmZ" of a time in microseconds since the epoch. */
void af_catalog_format_time(int64_t us, char out[32]);

/* Builds the new entry from the old one (NULL when the dataset is new) and
 * the update. *out is a new reference. */
int af_catalog_merge(const json_t *old, const af_catalog_update *u, json_t **out, af_error *err);

/* Parses the bytes of an entry; errors name `path` with line and column. */
int af_catalog_parse(const char *path, const void *p, size_t n, json_t **out, af_error *err);

/* The dataset name of an object path under AF_CATALOG_DIR, or NULL when
 * the path is not an entry (caller frees). */
char *af_catalog_name_of_path(const char *path);

typedef struct af_catalog_index af_catalog_index;

/* Opens (creating or rebuilding when needed) the index of the lake. With
 * `may_fall_back`, a lake whose index cannot be written gets an in-memory
 * index instead (reads of a read-only lake still work). */
int af_catalog_index_open(af_store *lake, bool may_fall_back, af_catalog_index **out,
                          af_error *err);
/* A private in-memory index (a lake whose index file cannot be written). */
int af_catalog_index_open_memory(af_catalog_index **out, af_error *err);
void af_catalog_index_close(af_catalog_index *x);
/* BEGIN IMMEDIATE: the write lock that serialises catalog updates. */
int af_catalog_index_begin(af_catalog_index *x, af_error *err);
int af_catalog_index_commit(af_catalog_index *x, af_error *err);
void af_catalog_index_rollback(af_catalog_index *x);
/* Re-reads every entry whose size or time differs from what was indexed
 * and forgets entries whose file is gone. Inside a transaction. */
int af_catalog_index_sync(af_catalog_index *x, af_store *lake, af_error *err);
/* Indexes one entry just written (st: its size and time). */
int af_catalog_index_put(af_catalog_index *x, const char *path, const json_t *entry,
                         const af_store_entry *st, af_error *err);
/* Summaries of every dataset (text NULL) or of those matching text. */
int af_catalog_index_query(af_catalog_index *x, const char *text, af_catalog_summary **out,
                           size_t *n, af_error *err);

#endif
