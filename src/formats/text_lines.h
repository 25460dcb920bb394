/* text_lines.h - a line splitter over an af_reader, shared by the text
 * sources (server logs, SNAP review blocks).
 *
 * Lines end at LF; a CR before the LF is dropped; a last line without a
 * line end is a line. A line stays valid until the next call. Lines longer
 * than max_line bytes are an AF_ELIMIT error naming the line, so a binary
 * file without line ends cannot make memory grow without bound.
 */
#ifndef AF_TEXT_LINES_H
#define AF_TEXT_LINES_H

#include "core/error.h"
#include "io/reader.h"

#include <stddef.h>
#include <stdint.h>

typedef struct af_line_reader af_line_reader;

/* The line reader does not own `in`. max_line 0 = 16 MiB. */
int af_line_reader_new(af_reader *in, size_t max_line, af_line_reader **out, af_error *err);
/* 1 with a line (*line, *len, *lineno 1-based), 0 at end, or <0. */
int af_line_reader_next(af_line_reader *r, const char **line, size_t *len, int64_t *lineno,
                        af_error *err);
/* Bytes of the input consumed so far (up to the end of the last line). */
int64_t af_line_reader_offset(const af_line_reader *r);
void af_line_reader_free(af_line_reader *r);

#endif
