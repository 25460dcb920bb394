/* archive.h - zip and tar members as byte streams, read in one streaming
 * pass over any af_reader (internal to io/, used by the input set).
 *
 * libarchive does the format work; this wrapper feeds it from an af_reader
 * through archive_read_open callbacks (no path, no seek, no temp file), so
 * an archive can itself be a decompressed member of another archive. Only
 * the zip (streamable reader: local headers in order, data descriptors
 * allowed) and tar (ustar, pax, GNU, v7) formats are enabled and no
 * libarchive filter: compression is the decompress layer's job, done before
 * the bytes reach libarchive (a .tgz arrives here as a plain tar).
 *
 * One member is open at a time: the reader from af_archive_open_member()
 * must be closed before af_archive_next() moves on. A libarchive object is
 * only ever used by one thread at a time (see input_set.c).
 */
#ifndef AF_ARCHIVE_H
#define AF_ARCHIVE_H

#include "core/error.h"
#include "io/reader.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum af_archive_format {
    AF_ARCHIVE_NONE = 0,
    AF_ARCHIVE_ZIP,
    AF_ARCHIVE_TAR,
} af_archive_format;

/* Bytes of a stream's head that af_archive_detect() wants to see (one tar
 * header block). */
#define AF_ARCHIVE_SNIFF_BYTES 512

/* The archive format announced by the head of a stream, by magic bytes
 * only: zip local header `PK\3\4` (or `PK\5\6`, an empty zip; `PK\7\10`
 * then `PK\3\4`, a spanned-marker zip), tar `ustar` at offset 257, an old
 * v7 tar header whose checksum adds up, or an all-zero first block (the end
 * mark of an empty tar), the same heads libarchive's tar reader accepts. */
af_archive_format af_archive_detect(const uint8_t *head, size_t n);
/* "zip", "tar" or "none". */
const char *af_archive_format_name(af_archive_format f);

typedef struct af_archive af_archive;

typedef struct af_archive_entry {
    const char *path; /* member path inside the archive; valid until next/close */
    int64_t size;     /* member size from its header, or -1 when not known */
} af_archive_entry;

/* Starts reading an archive of format `f` from `inner` (taking ownership:
 * it is closed with the archive, or at once if this call fails). `name` is
 * the lineage name used in messages ("dir/a.zip!inner.tar"). */
int af_archive_open(af_reader *inner, af_archive_format f, const char *name, af_archive **out,
                    af_error *err);
/* Moves to the next regular-file member, skipping directories, links and
 * other special entries: 1 with *e filled, 0 at the end of the archive, or
 * a negative AF_E* code naming the archive, the last member and the byte
 * offset. An encrypted member is AF_EUNSUPPORTED naming it. */
int af_archive_next(af_archive *a, af_archive_entry *e, af_error *err);
/* A reader over the current member's data, named `name` (copied). Errors
 * while reading are AF_EPARSE (corrupt data), AF_EUNSUPPORTED (a zip
 * compression method libarchive cannot decode) or the inner reader's error,
 * each naming the member. Close it before calling af_archive_next(). */
int af_archive_open_member(af_archive *a, const char *name, af_reader **out, af_error *err);
/* True once libarchive gave up on the archive (a fatal error): nothing
 * more can be read from it; every call reports that error again. */
bool af_archive_failed(const af_archive *a);
/* Frees the archive and closes its inner reader. */
void af_archive_close(af_archive *a);

#endif
