/* csv_sniff.c - delimiter and header detection (see csv_sniff.h).
 *
 * The delimiter test reuses the real tokenizer over the sample, so quoted
 * fields holding candidate bytes ("Paris; France") count as the tokenizer
 * will read them.
 */
#include "formats/csv_sniff.h"

#include "core/batch.h"
#include "core/values.h"

#include <stdlib.h>
#include <string.h>

#define SNIFF_MAX_RECORDS 200

typedef struct sniff_score {
    double consistency; /* share of records with the most common field count */
    size_t fields;      /* that field count */
    size_t records;
} sniff_score;

static sniff_score score_delimiter(const uint8_t *p, size_t n, const af_csv_dialect *base,
                                   char delim, int64_t skip_records)
{
    sniff_score sc = {0};
    af_csv_dialect d = *base;
    d.delimiter = delim;
    af_error err = {0};
    af_reader *mem = NULL;
    af_csv_reader *r = NULL;
    if (af_reader_open_memory(p, n, "sample", &mem, &err) || af_csv_reader_new(mem, &d, &r, &err)) {
        af_reader_close(mem);
        return sc;
    }
    size_t counts[SNIFF_MAX_RECORDS];
    size_t k = 0;
    af_csv_record rec;
    int64_t seen = 0;
    while (k < SNIFF_MAX_RECORDS && af_csv_reader_next(r, &rec, &err) == 1) {
        if (seen++ < skip_records || rec.error)
            continue;
        counts[k++] = rec.n_fields;
    }
    af_csv_reader_free(r);
    af_reader_close(mem);
    /* the most common count; ties go to the larger count */
    for (size_t i = 0; i < k; i++) {
        size_t same = 0;
        for (size_t j = 0; j < k; j++)
            same += counts[j] == counts[i];
        double c = (double)same / (double)k;
        if (c > sc.consistency || (c == sc.consistency && counts[i] > sc.fields)) {
            sc.consistency = c;
            sc.fields = counts[i];
        }
    }
    sc.records = k;
    return sc;
}

char af_csv_sniff_delimiter(const uint8_t *p, size_t n, bool cut, const af_csv_dialect *base,
                            int64_t skip_records)
{
    if (cut) { /* drop the partial last line */
        while (n > 0 && p[n - 1] != '\n' && p[n - 1] != '\r')
            n--;
    }
    char best = base->delimiter;
    sniff_score best_sc = {0};
    for (const char *c = AF_CSV_SNIFF_CANDIDATES; *c; c++) {
        sniff_score sc = score_delimiter(p, n, base, *c, skip_records);
        if (sc.fields < 2 || sc.records == 0)
            continue;
        /* consistency first; a candidate must beat the earlier ones clearly
         * to win, so ',' keeps files where another byte is equally regular */
        if (sc.consistency > best_sc.consistency + 0.05 ||
            (sc.consistency >= best_sc.consistency - 0.05 && best_sc.fields == 0) ||
            (sc.consistency >= best_sc.consistency - 0.05 && sc.consistency >= 0.9 &&
             best_sc.consistency >= 0.9 && sc.fields > best_sc.fields)) {
            best = *c;
            best_sc = sc;
        }
    }
    return best;
}

/* Whether text parses as a value of type t, by the same code that will
 * load the column. */
static bool parses_as(const char *text, size_t len, af_type t, const af_parse_options *popts)
{
    af_schema *s = af_schema_new();
    if (!s || af_schema_add_simple(s, "v", t, true)) {
        af_schema_free(s);
        return true; /* out of memory: no evidence either way */
    }
    af_batch *b = af_batch_new(s);
    af_error err = {0};
    bool ok = !b || af_array_append_text(&b->columns[0], text, len, popts, &err) == AF_OK;
    af_batch_release(b);
    af_schema_free(s);
    return ok;
}

bool af_csv_looks_like_header(const af_csv_field *first, size_t n_first, const af_type *types,
                              size_t n_types, const af_parse_options *popts)
{
    bool all_text = true;
    for (size_t i = 0; i < n_first && i < n_types; i++) {
        if (types[i].id == AF_TYPE_STRING || types[i].id == AF_TYPE_NULL)
            continue;
        all_text = false;
        if (first[i].len == 0)
            continue; /* an empty value fits any nullable column */
        if (!parses_as(first[i].data, first[i].len, types[i], popts))
            return true;
    }
    if (!all_text)
        return false;
    for (size_t i = 0; i < n_first; i++)
        if (first[i].len == 0)
            return false;
    return true;
}
