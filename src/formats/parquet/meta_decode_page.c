/* meta_decode_page.c - Thrift compact decoder for Parquet page headers
 * (PageHeader and its data, data v2 and dictionary sub-headers). */
#include "formats/parquet/meta_internal.h"

#include <string.h>

static int dec_data_page_header(af_pq_dec *d, af_pq_data_page_header *h)
{
    unsigned seen = 0;
    int16_t id;
    int t, rc = af_thrift_struct_begin(&d->r);
    while (!rc && (rc = af_pq_dec_next_field(d, &id, &t)) > 0) {
        switch (id) {
        case 1: rc = af_pq_dec_i32(d, t, "num_values", &h->num_values), seen |= 1; break;
        case 2: rc = af_pq_dec_i32(d, t, "encoding", &h->encoding), seen |= 2; break;
        case 3:
            rc = af_pq_dec_i32(d, t, "definition_level_encoding", &h->definition_level_encoding);
            seen |= 4;
            break;
        case 4:
            rc = af_pq_dec_i32(d, t, "repetition_level_encoding", &h->repetition_level_encoding);
            seen |= 8;
            break;
        case 5:
            if (t != AF_THRIFT_STRUCT)
                rc = af_pq_dec_wrong_type(d, "statistics", t, AF_THRIFT_STRUCT);
            else
                rc = af_pq_dec_wrap(d, af_pq_dec_statistics(d, &h->statistics), "statistics");
            h->has_statistics = true;
            break;
        default: rc = af_thrift_skip(&d->r, t);
        }
    }
    if (rc < 0)
        return rc;
    static const char *names[] = {"num_values", "encoding", "definition_level_encoding",
                                  "repetition_level_encoding"};
    for (int i = 0; i < 4; i++)
        if (!(seen & (1u << i)))
            return af_pq_dec_missing(d, "DataPageHeader", names[i]);
    return AF_OK;
}

static int dec_data_page_header_v2(af_pq_dec *d, af_pq_data_page_header_v2 *h)
{
    unsigned seen = 0;
    h->is_compressed = true;
    int16_t id;
    int t, rc = af_thrift_struct_begin(&d->r);
    while (!rc && (rc = af_pq_dec_next_field(d, &id, &t)) > 0) {
        switch (id) {
        case 1: rc = af_pq_dec_i32(d, t, "num_values", &h->num_values), seen |= 1; break;
        case 2: rc = af_pq_dec_i32(d, t, "num_nulls", &h->num_nulls), seen |= 2; break;
        case 3: rc = af_pq_dec_i32(d, t, "num_rows", &h->num_rows), seen |= 4; break;
        case 4: rc = af_pq_dec_i32(d, t, "encoding", &h->encoding), seen |= 8; break;
        case 5:
            rc = af_pq_dec_i32(d, t, "definition_levels_byte_length",
                               &h->definition_levels_byte_length);
            seen |= 16;
            break;
        case 6:
            rc = af_pq_dec_i32(d, t, "repetition_levels_byte_length",
                               &h->repetition_levels_byte_length);
            seen |= 32;
            break;
        case 7:
            rc = af_pq_dec_bool(d, t, "is_compressed", &h->is_compressed);
            h->has_is_compressed = true;
            break;
        case 8:
            if (t != AF_THRIFT_STRUCT)
                rc = af_pq_dec_wrong_type(d, "statistics", t, AF_THRIFT_STRUCT);
            else
                rc = af_pq_dec_wrap(d, af_pq_dec_statistics(d, &h->statistics), "statistics");
            h->has_statistics = true;
            break;
        default: rc = af_thrift_skip(&d->r, t);
        }
    }
    if (rc < 0)
        return rc;
    static const char *names[] = {"num_values",
                                  "num_nulls",
                                  "num_rows",
                                  "encoding",
                                  "definition_levels_byte_length",
                                  "repetition_levels_byte_length"};
    for (int i = 0; i < 6; i++)
        if (!(seen & (1u << i)))
            return af_pq_dec_missing(d, "DataPageHeaderV2", names[i]);
    return AF_OK;
}

static int dec_dictionary_page_header(af_pq_dec *d, af_pq_dictionary_page_header *h)
{
    unsigned seen = 0;
    int16_t id;
    int t, rc = af_thrift_struct_begin(&d->r);
    while (!rc && (rc = af_pq_dec_next_field(d, &id, &t)) > 0) {
        switch (id) {
        case 1: rc = af_pq_dec_i32(d, t, "num_values", &h->num_values), seen |= 1; break;
        case 2: rc = af_pq_dec_i32(d, t, "encoding", &h->encoding), seen |= 2; break;
        case 3:
            rc = af_pq_dec_bool(d, t, "is_sorted", &h->is_sorted), h->has_is_sorted = true;
            break;
        default: rc = af_thrift_skip(&d->r, t);
        }
    }
    if (rc < 0)
        return rc;
    if (!(seen & 1))
        return af_pq_dec_missing(d, "DictionaryPageHeader", "num_values");
    if (!(seen & 2))
        return af_pq_dec_missing(d, "DictionaryPageHeader", "encoding");
    return AF_OK;
}

static int dec_page_header(af_pq_dec *d, af_pq_page_header *h)
{
    unsigned seen = 0;
    int16_t id;
    int t, rc = af_thrift_struct_begin(&d->r);
    while (!rc && (rc = af_pq_dec_next_field(d, &id, &t)) > 0) {
        switch (id) {
        case 1: rc = af_pq_dec_i32(d, t, "type", &h->type), seen |= 1; break;
        case 2:
            rc = af_pq_dec_i32(d, t, "uncompressed_page_size", &h->uncompressed_page_size);
            seen |= 2;
            break;
        case 3:
            rc = af_pq_dec_i32(d, t, "compressed_page_size", &h->compressed_page_size);
            seen |= 4;
            break;
        case 4: rc = af_pq_dec_i32(d, t, "crc", &h->crc), h->has_crc = true; break;
        case 5:
            if (t != AF_THRIFT_STRUCT)
                rc = af_pq_dec_wrong_type(d, "data_page_header", t, AF_THRIFT_STRUCT);
            else
                rc = af_pq_dec_wrap(d, dec_data_page_header(d, &h->data_page_header),
                                    "data_page_header");
            h->has_data_page_header = true;
            break;
        case 6:
            rc = af_pq_dec_empty(d, t, "index_page_header");
            h->has_index_page_header = true;
            break;
        case 7:
            if (t != AF_THRIFT_STRUCT)
                rc = af_pq_dec_wrong_type(d, "dictionary_page_header", t, AF_THRIFT_STRUCT);
            else
                rc = af_pq_dec_wrap(d, dec_dictionary_page_header(d, &h->dictionary_page_header),
                                    "dictionary_page_header");
            h->has_dictionary_page_header = true;
            break;
        case 8:
            if (t != AF_THRIFT_STRUCT)
                rc = af_pq_dec_wrong_type(d, "data_page_header_v2", t, AF_THRIFT_STRUCT);
            else
                rc = af_pq_dec_wrap(d, dec_data_page_header_v2(d, &h->data_page_header_v2),
                                    "data_page_header_v2");
            h->has_data_page_header_v2 = true;
            break;
        default: rc = af_thrift_skip(&d->r, t);
        }
    }
    if (rc < 0)
        return rc;
    static const char *names[] = {"type", "uncompressed_page_size", "compressed_page_size"};
    for (int i = 0; i < 3; i++)
        if (!(seen & (1u << i)))
            return af_pq_dec_missing(d, "PageHeader", names[i]);
    /* sizes are used for reads and allocations: reject what cannot be */
    if (h->uncompressed_page_size < 0 || h->compressed_page_size < 0)
        return af_thrift_fail(&d->r,
                              "PageHeader: negative page size (%d compressed, %d "
                              "uncompressed)",
                              h->compressed_page_size, h->uncompressed_page_size);
    return AF_OK;
}

int af_pq_page_header_decode(const void *p, size_t n, const char *name, af_pq_page_header *h,
                             size_t *consumed, bool *truncated, af_error *err)
{
    memset(h, 0, sizeof *h);
    *consumed = 0;
    if (truncated)
        *truncated = false;
    af_pq_dec d = {.a = NULL};
    af_thrift_reader_init(&d.r, p, n, NULL, err);
    int rc = af_pq_dec_finish(&d, dec_page_header(&d, h), name, "PageHeader");
    if (rc) {
        if (truncated)
            *truncated = d.r.truncated;
        return rc;
    }
    *consumed = d.r.pos;
    return AF_OK;
}
