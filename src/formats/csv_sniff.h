/* csv_sniff.h - guess a CSV file's delimiter and whether its first record is
 * a header, from a sample.
 *
 * `affluent convert data.csv out.parquet` must work on the semicolon files
 * of French spreadsheets and the tab files of database dumps without
 * options. The delimiter is the candidate (, ; tab |) that splits the
 * sample's records into the most consistent number of fields (more than
 * one); the header question is answered from typed values (see
 * af_csv_looks_like_header). Options given by the user always win.
 */
#ifndef AF_CSV_SNIFF_H
#define AF_CSV_SNIFF_H

#include "core/infer.h"
#include "core/schema.h"
#include "formats/csv.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AF_CSV_SNIFF_CANDIDATES ",;\t|"

/* Picks the delimiter for the sample p[0..n) (the head of the input after
 * decoding; `cut` says more follows, so the last line may be partial).
 * `base` gives quote, escape and comment; `skip_records` leading records
 * (title lines above the table) are ignored. Returns the delimiter, or
 * base->delimiter when no candidate splits the sample consistently (a
 * single-column file). */
char af_csv_sniff_delimiter(const uint8_t *p, size_t n, bool cut, const af_csv_dialect *base,
                            int64_t skip_records);

/* Whether `first` (a record's fields) is a header above columns whose
 * types were inferred from the records below it: yes when a field of it
 * does not parse as its column's type while that type is not text (a
 * name above numbers, dates or booleans); when every column is text, yes
 * too, as most tools assume, unless a first-row value is empty. */
bool af_csv_looks_like_header(const af_csv_field *first, size_t n_first, const af_type *types,
                              size_t n_types, const af_parse_options *popts);

#endif
