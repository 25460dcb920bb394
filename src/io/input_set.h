/* input_set.h - what a file source reads: a file, a folder or a glob,
 * expanded over files and archive members, each one a decoded byte stream.
 *
 * Data lakes ship `machine_learning/reviews.zip` holding `train.tgz` holding
 * CSV files. A source names the folder `machine_learning` (or a glob with a double star) and reads
 * every leaf as if it were a plain file, in a single streaming pass: nothing is extracted to disk,
 * nothing is seeked.
 *
 * Layers, for each file (in name order, so runs are deterministic):
 *   file -> decompress (gzip, zstd, lz4, bzip2, xz by magic bytes)
 *        -> archive? (zip or tar, told by magic bytes after decompression)
 *             -> each member -> decompress -> archive? ... (nesting)
 *        -> leaf: handed to the source
 *
 * Patterns: a path to a file; a directory (every regular file below it,
 * recursively, hidden entries skipped); or a glob where `*` and `?` stay
 * within one path component, `[...]` is a byte class and `**` as a whole
 * component matches any number of directories. A pattern that matches no
 * file is an AF_ENOTFOUND error naming it. "-" is standard input.
 *
 * Each leaf has a lineage name: the file path, then `!member` for each
 * archive level ("lake/reviews.zip!train.tgz!train/part-1.csv").
 */
#ifndef AF_INPUT_SET_H
#define AF_INPUT_SET_H

#include "core/error.h"
#include "io/decompress.h"
#include "io/reader.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct af_input_options {
    /* Codec of the files themselves: AUTO detects by magic bytes at every
     * level; a forced codec applies to top-level files only (members are
     * always detected). */
    af_compression compression;
    /* Globs an archive member's path must match to be read (matched against
     * the full member path and against its base name); NULL/0 = every
     * member. Members that are archives themselves are always opened, the
     * filter applies to the leaves. Files named directly are never filtered. */
    const char *const *members;
    size_t n_members;
    bool archives;       /* look inside zip and tar (default true) */
    int max_depth;       /* archive nesting limit (default 8); deeper is AF_ELIMIT */
    bool threaded;       /* decompress top-level files in a second thread (default true) */
    atomic_bool *cancel; /* optional stop flag */
} af_input_options;

void af_input_options_default(af_input_options *o);

typedef struct af_input {
    af_reader *reader;  /* the leaf's decoded bytes; owned by the set, valid until next/free */
    const char *name;   /* lineage name (see above) */
    const char *path;   /* the file on disk this leaf comes from */
    const char *member; /* path inside the innermost archive, or NULL for a plain file */
    af_compression compression; /* codec of the leaf's innermost stream layer */
    int64_t size; /* decoded size when known (archive headers, plain files), else -1 */
} af_input;

typedef struct af_input_set af_input_set;

/* Expands the pattern now (so a pattern matching nothing fails at once);
 * files are opened one at a time by next(). `o` may be NULL. */
int af_input_set_open(const char *pattern, const af_input_options *o, af_input_set **out,
                      af_error *err);
/* Moves to the next leaf: 1 with *in filled, 0 at the end, or a negative
 * AF_E* code (unreadable file, corrupt or truncated archive: the message
 * names the file, the member and the byte offset). The previous leaf's
 * reader is closed by this call. */
int af_input_set_next(af_input_set *s, af_input *in, af_error *err);
/* Number of files the pattern expanded to (not members). */
size_t af_input_set_file_count(const af_input_set *s);
/* Sum of the files' sizes on disk, and the bytes of them consumed so far:
 * the progress of a run over compressed and archived inputs. */
int64_t af_input_set_bytes_total(const af_input_set *s);
int64_t af_input_set_bytes_read(const af_input_set *s);
void af_input_set_free(af_input_set *s);

/* Glob matching of one path against a pattern, with the rules above
 * (exposed for member filters and tests). */
bool af_glob_match(const char *pattern, const char *path);

#endif
