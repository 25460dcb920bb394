/* rows_out.h - printing rows for commands (lake cat, lake history...): CSV
 * with a header, NDJSON, or an aligned text table for people.
 *
 * CSV and NDJSON stream: memory stays at one batch. The table format
 * measures column widths over everything it prints, so it holds the
 * formatted rows until finish; use --limit or CSV for large outputs.
 */
#ifndef AF_CLI_ROWS_OUT_H
#define AF_CLI_ROWS_OUT_H

#include "core/batch.h"
#include "core/error.h"

#include <stdio.h>

typedef enum af_rows_format {
    AF_ROWS_CSV,
    AF_ROWS_NDJSON,
    AF_ROWS_TABLE,
} af_rows_format;

/* "csv", "ndjson" or "table"; NULL picks table on a terminal, csv otherwise.
 * Returns -1 for an unknown name. */
int af_rows_format_parse(const char *name, af_rows_format *out);

typedef struct af_rows_out af_rows_out;

af_rows_out *af_rows_out_new(af_rows_format format, FILE *fp);
/* The first `rows` rows of b (all when rows >= b->n_rows). */
int af_rows_out_batch(af_rows_out *o, const af_batch *b, int64_t rows, af_error *err);
/* Writes what is held (the table) and, for CSV with no rows at all, the
 * header of `schema`. */
int af_rows_out_finish(af_rows_out *o, const af_schema *schema, af_error *err);
void af_rows_out_free(af_rows_out *o);

#endif
