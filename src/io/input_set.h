/* input_set.h - what a file source reads: a file, a folder or a glob,
 * expanded over files and archive members, each one a decoded byte stream.
 *
 * Data lakes ship `machine_learning/reviews.zip` holding `train.tgz` holding
 * CSV files. A source names the folder `machine_learning` (or a glob with
 * a double star) and reads every leaf as if it were a plain file, in a
 * single streaming pass: nothing is extracted to disk, nothing is seeked.
 *
 * Layers, for each file (in name order, so runs are deterministic):
 *   file -> decompress (gzip, zstd, lz4, bzip2, xz by magic bytes)
 *        -> peek the head: archive? (zip `PK\3\4`/`PK\5\6`, tar `ustar` at
 *           offset 257 or a v7 tar header; magic bytes after decompression,
 *           never file names)
 *             -> libarchive reads the members in order, fed by our reader
 *                (no seek, no temp file); each regular-file member
 *                -> decompress -> archive? ... (nesting, up to max_depth)
 *        -> leaf: handed to the source
 * Directories, links and special entries of an archive are skipped (a zip
 * symlink is only marked in the central directory, which a stream reaches
 * last: it comes out as a small leaf holding the link target). An
 * encrypted zip member is an AF_EUNSUPPORTED error naming it (and ends that
 * archive: libarchive cannot skip it without the passphrase). A zip whose
 * central directory lists more entries than the stream held (a damaged
 * local header that libarchive stepped over) is an AF_EPARSE error, and so
 * is anything after a tar's end that is not another tar (`cat a.tar b.tar`
 * reads both): nothing is lost silently.
 *
 * Threads: a top-level file may be decompressed in a second thread
 * (opts.threaded); members are decompressed synchronously in the caller's
 * thread, so each libarchive object is only ever used by that thread.
 *
 * Patterns: a path to a file; a directory (every regular file below it,
 * recursively, hidden entries skipped); or a glob where `*` and `?` stay
 * within one path component, `[...]` is a byte class (`[abc]`, `[a-z]`,
 * `[!x]`) and `**` as a whole component matches any number of directories.
 * While walking, names starting with '.' are skipped unless the pattern
 * component itself starts with '.'; a glob match that is a directory stands
 * for every file below it; links to directories are not followed below a
 * `**` or a named directory (no cycles). Files come sorted bytewise by path.
 * A relative pattern is relative to the current directory. A pattern that
 * matches no file is AF_ENOTFOUND "PATTERN: no file matches". "-" is
 * standard input (archives work there too: everything is streaming).
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
    bool archives; /* look inside zip and tar (default true); false: archives are leaves */
    /* Archive nesting limit (default 8; 0 or less also means 8): a zip is
     * level 1, a tgz inside it level 2; an archive deeper than this is an
     * AF_ELIMIT error naming the chain. */
    int max_depth;
    bool threaded;       /* decompress top-level files in a second thread (default true) */
    atomic_bool *cancel; /* optional stop flag */
    /* Files to leave out, spelled as the pattern expands them (the raw zone
     * skips files it has already ingested; af_input_set_open only). Leaving
     * out every file is not an error: the set is then empty. NULL/0 = none. */
    const char *const *exclude;
    size_t n_exclude;
} af_input_options;

void af_input_options_default(af_input_options *o);

typedef struct af_input {
    af_reader *reader;  /* the leaf's decoded bytes; owned by the set, valid until next/free */
    const char *name;   /* lineage name (see above) */
    const char *path;   /* the file on disk this leaf comes from */
    const char *member; /* path inside the innermost archive, or NULL for a plain file (both strings
                           valid until next/free) */
    af_compression compression; /* codec of the leaf's innermost stream layer */
    /* decoded size when known: the member size from its archive header or
     * the plain file's size, when that stream is not compressed; else -1 */
    int64_t size;
} af_input;

typedef struct af_input_set af_input_set;

/* Expands the pattern now (so a pattern matching nothing fails at once);
 * files are opened one at a time by next(). `o` may be NULL. */
int af_input_set_open(const char *pattern, const af_input_options *o, af_input_set **out,
                      af_error *err);
/* A set over one stream that is already open (an object-store download, a
 * memory buffer in the fuzz harness): `r` is treated like a top-level file
 * named `name` (its lineage name; r->size, if known, is its progress
 * total). Takes ownership of r (closed with the set, or at once if this
 * call fails). */
int af_input_set_open_reader(af_reader *r, const char *name, const af_input_options *o,
                             af_input_set **out, af_error *err);
/* Moves to the next leaf: 1 with *in filled, 0 at the end, or a negative
 * AF_E* code (unreadable file, corrupt or truncated archive: the message
 * names the file, the member chain and the byte offset). The previous
 * leaf's reader is closed by this call. After an error the set has given up
 * only what the error made unreadable (the file, or the archive level that
 * failed): calling next() again carries on with
 * what follows, so a caller that skips bad inputs loses nothing else. A
 * leaf whose reader failed in the caller's hands needs no second report:
 * next() then quietly drops the archive levels that failure broke. */
int af_input_set_next(af_input_set *s, af_input *in, af_error *err);
/* Number of files the pattern expanded to (not members). */
size_t af_input_set_file_count(const af_input_set *s);
/* Path of file i (0 <= i < file_count), in reading order. */
const char *af_input_set_file_path(const af_input_set *s, size_t i);
/* Sum of the files' sizes on disk, and the bytes of them consumed so far:
 * the progress of a run over compressed and archived inputs. */
int64_t af_input_set_bytes_total(const af_input_set *s);
int64_t af_input_set_bytes_read(const af_input_set *s);
void af_input_set_free(af_input_set *s);

/* Glob matching of one path against a pattern, with the rules above
 * (exposed for member filters and tests). A pattern without '/' matches the
 * base name or the full path; with '/' it matches the full path. Here `*`
 * also matches a leading '.' (hidden-name skipping is a walking rule). */
bool af_glob_match(const char *pattern, const char *path);

/* One file a pattern expanded to; size from stat, -1 when not a regular
 * file (standard input, a FIFO named on purpose). */
typedef struct af_glob_file {
    char *path;
    int64_t size;
} af_glob_file;

/* Expands a pattern (rules above) to its files, sorted bytewise by path and
 * without duplicates; AF_ENOTFOUND "PATTERN: no file matches" when there is
 * none, AF_EIO when a directory on the way cannot be read. Free the result
 * with af_glob_files_free(). */
int af_glob_expand(const char *pattern, af_glob_file **out, size_t *n, af_error *err);
void af_glob_files_free(af_glob_file *files, size_t n);

#endif
