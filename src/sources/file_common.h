/* file_common.h - what the file source plugins (csv, json, logs, reviews)
 * share: the lineage columns, the reader stacked on an input set's leaf,
 * the resume state of a path, and the option entries they spell alike.
 *
 * A plugin never reaches into another plugin; these pieces are the same
 * rules written once, so that a lineage column or a resume state cannot
 * drift between sources.
 */
#ifndef AF_SOURCES_FILE_COMMON_H
#define AF_SOURCES_FILE_COMMON_H

#include "core/batch.h"
#include "core/buf.h"
#include "core/configmap.h"
#include "core/error.h"
#include "core/plugin.h"
#include "core/schema.h"
#include "io/input_set.h"
#include "io/reader.h"
#include "io/transcode.h"

#include <stdbool.h>
#include <stdint.h>

/* Option entries several sources spell the same way; `off` is the
 * offsetof() of the field in the source's config struct. */
/* clang-format off */
#define AF_FILE_OPT_COMPRESSION(off)                                                  \
    {"compression", AF_OPT_ENUM, "auto", false, (off),                                \
     "compressed input: auto detects the codec by magic bytes", AF_COMPRESSION_CHOICES}
#define AF_FILE_OPT_MEMBERS(off)                                                      \
    {"members", AF_OPT_STRLIST, NULL, false, (off),                                   \
     "globs of archive members to read (default: every member)", NULL}
#define AF_FILE_OPT_LINEAGE(off)                                                      \
    {"lineage", AF_OPT_BOOL, "false", false, (off),                                   \
     "add _source_file, _source_line and _ingested_at columns", NULL}
/* clang-format on */

/* The lineage columns, appended after a source's data columns in this
 * order: _source_file (string), _source_line (int64), _ingested_at
 * (timestamp[us, UTC]); none nullable. */
#define AF_LINEAGE_N_COLUMNS 3
/* Fills *f with lineage column i (0 <= i < AF_LINEAGE_N_COLUMNS), for
 * sources that keep per-column state beside the schema; af_field_free() it. */
int af_lineage_field(size_t i, af_field *f);
/* Adds the three lineage columns to the schema: 0 or an AF_E* code (the
 * caller words the error, naming its input). */
int af_lineage_add_columns(af_schema *schema);
/* Appends one row's lineage values to cols[0..2] (the lineage columns of a
 * batch): 0 or an AF_E* code. */
int af_lineage_append(af_array *cols, const char *origin, int64_t line, int64_t ingested_at);

/* A reader over the input set's current leaf that leaves it open when
 * closed (the set owns it), so layers that own what they wrap can be
 * stacked on it. `name` (not NULL) is the leaf's lineage name, which
 * messages of those layers then show, with the leaf's decoded size. */
int af_leaf_open_view(const af_input *in, const char *name, af_reader **out, af_error *err);
/* The leaf decoded to UTF-8: af_leaf_open_view() under a transcode layer
 * (which owns the view, even on failure). `name` NULL keeps the leaf
 * reader's own name and size. `detected` may be NULL. */
int af_leaf_open_text(const af_input *in, const char *name, af_text_encoding encoding,
                      af_reader **text, af_text_encoding *detected, af_error *err);

/* Opens the input set of `path` for a source: the codec option
 * (af_compression), the archive member globs (n_members 0 = every member)
 * and the stream's cancel flag; the files of ctx->skip_inputs are left out
 * (so they neither count as read nor in the progress total); other input
 * options keep their defaults. */
int af_file_open_inputs(const af_source *self, const char *path, int compression,
                        const char *const *members, size_t n_members, af_input_set **out,
                        af_error *err);
/* The list_inputs() of a file source (plugin.h): the regular files the
 * source's `path` option expands to, resolved against the pipeline and
 * spelled as the input set spells them; standard input and other streams
 * are left out (nothing to copy). Errors as af_glob_expand(). */
int af_file_list_inputs(const af_source *self, const char *path, af_strlist *paths, af_error *err);
/* Whether the stream asked sources not to read `path` (ctx->skip_inputs). */
bool af_file_input_skipped(const af_stream_ctx *ctx, const char *path);

/* AF_ECANCELED with "PATH: reading stopped" once the stream is cancelled,
 * else 0. Sources call it every so many rows, not per row: it is an atomic
 * load on a flag other threads write. */
int af_file_check_cancel(const af_source *self, const char *path, af_error *err);

/* Appends the resume state of a source reading `path`:
 * {"path":..,"size":..,"mtime":..[,"files":..],"rows":..}; size is -1 and
 * mtime 0 when path is not a file on disk; files < 0 leaves "files" out. */
int af_file_resume_state(af_buf *json, const char *path, int64_t files, int64_t rows);

#endif
