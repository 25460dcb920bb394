/* meta_decode_index.c - Thrift compact decoders for the Parquet page index
 * (ColumnIndex, OffsetIndex and its PageLocations). */
#include "formats/parquet/meta_internal.h"

#include <stdlib.h>

static int dec_column_index(af_pq_dec *d, af_pq_column_index *ci)
{
    unsigned seen = 0;
    size_t n_null = 0, n_min = 0, n_max = 0;
    int16_t id;
    int t, rc = af_thrift_struct_begin(&d->r);
    while (!rc && (rc = af_pq_dec_next_field(d, &id, &t)) > 0) {
        switch (id) {
        case 1: {
            uint32_t n;
            if ((rc = af_pq_dec_list(d, t, "null_pages", AF_THRIFT_BOOL, 1, &n)))
                break;
            if (!(ci->null_pages = af_arena_array(d->a, n, sizeof *ci->null_pages))) {
                rc = af_pq_dec_nomem(d);
                break;
            }
            for (uint32_t i = 0; i < n && !rc; i++)
                rc = af_thrift_read_bool_elem(&d->r, &ci->null_pages[i]);
            n_null = n;
            seen |= 1;
            break;
        }
        case 2:
            rc = af_pq_dec_bin_list(d, t, "min_values", &ci->min_values, &n_min), seen |= 2;
            break;
        case 3:
            rc = af_pq_dec_bin_list(d, t, "max_values", &ci->max_values, &n_max), seen |= 4;
            break;
        case 4: rc = af_pq_dec_i32(d, t, "boundary_order", &ci->boundary_order), seen |= 8; break;
        case 5: rc = af_pq_dec_i64_list(d, t, "null_counts", &ci->null_counts); break;
        case 6:
            rc = af_pq_dec_i64_list(d, t, "repetition_level_histograms",
                                    &ci->repetition_level_histograms);
            break;
        case 7:
            rc = af_pq_dec_i64_list(d, t, "definition_level_histograms",
                                    &ci->definition_level_histograms);
            break;
        case 8: rc = af_pq_dec_i64_list(d, t, "nan_counts", &ci->nan_counts); break;
        default: rc = af_thrift_skip(&d->r, t);
        }
    }
    if (rc < 0)
        return rc;
    static const char *names[] = {"null_pages", "min_values", "max_values", "boundary_order"};
    for (int i = 0; i < 4; i++)
        if (!(seen & (1u << i)))
            return af_pq_dec_missing(d, "ColumnIndex", names[i]);
    /* readers index all per-page lists with the same page number */
    if (n_min != n_null || n_max != n_null ||
        (ci->null_counts.present && ci->null_counts.n != n_null) ||
        (ci->nan_counts.present && ci->nan_counts.n != n_null))
        return af_thrift_fail(&d->r,
                              "ColumnIndex: per-page lists differ in length (null_pages %zu, "
                              "min_values %zu, max_values %zu)",
                              n_null, n_min, n_max);
    ci->n_pages = n_null;
    return AF_OK;
}

int af_pq_column_index_decode(const void *p, size_t n, const char *name, af_pq_column_index **out,
                              af_error *err)
{
    *out = NULL;
    af_pq_column_index *ci = calloc(1, sizeof *ci);
    if (!ci)
        return af_error_set(err, AF_ENOMEM, "out of memory decoding a column index");
    af_arena_init(&ci->arena, AF_PQ_META_MAX_MEMORY);
    af_pq_dec d = {.a = &ci->arena};
    af_thrift_reader_init(&d.r, p, n, NULL, err);
    int rc = af_pq_dec_finish(&d, dec_column_index(&d, ci), name, "ColumnIndex");
    if (rc) {
        af_pq_column_index_free(ci);
        return rc;
    }
    *out = ci;
    return AF_OK;
}

void af_pq_column_index_free(af_pq_column_index *ci)
{
    if (!ci)
        return;
    af_arena_free(&ci->arena);
    free(ci);
}

static int dec_page_location(af_pq_dec *d, void *p)
{
    af_pq_page_location *l = p;
    unsigned seen = 0;
    int16_t id;
    int t, rc = af_thrift_struct_begin(&d->r);
    while (!rc && (rc = af_pq_dec_next_field(d, &id, &t)) > 0) {
        switch (id) {
        case 1: rc = af_pq_dec_i64(d, t, "offset", &l->offset), seen |= 1; break;
        case 2:
            rc = af_pq_dec_i32(d, t, "compressed_page_size", &l->compressed_page_size);
            seen |= 2;
            break;
        case 3: rc = af_pq_dec_i64(d, t, "first_row_index", &l->first_row_index), seen |= 4; break;
        default: rc = af_thrift_skip(&d->r, t);
        }
    }
    if (rc < 0)
        return rc;
    static const char *names[] = {"offset", "compressed_page_size", "first_row_index"};
    for (int i = 0; i < 3; i++)
        if (!(seen & (1u << i)))
            return af_pq_dec_missing(d, "PageLocation", names[i]);
    return AF_OK;
}

static int dec_offset_index(af_pq_dec *d, af_pq_offset_index *oi)
{
    bool has_pages = false;
    int16_t id;
    int t, rc = af_thrift_struct_begin(&d->r);
    while (!rc && (rc = af_pq_dec_next_field(d, &id, &t)) > 0) {
        switch (id) {
        case 1:
            rc = af_pq_dec_struct_list(d, t, "page_locations", sizeof *oi->pages, 7,
                                       dec_page_location, (void **)&oi->pages, &oi->n_pages);
            has_pages = true;
            break;
        case 2:
            rc = af_pq_dec_i64_list(d, t, "unencoded_byte_array_data_bytes",
                                    &oi->unencoded_byte_array_data_bytes);
            break;
        default: rc = af_thrift_skip(&d->r, t);
        }
    }
    if (rc < 0)
        return rc;
    if (!has_pages)
        return af_pq_dec_missing(d, "OffsetIndex", "page_locations");
    return AF_OK;
}

int af_pq_offset_index_decode(const void *p, size_t n, const char *name, af_pq_offset_index **out,
                              af_error *err)
{
    *out = NULL;
    af_pq_offset_index *oi = calloc(1, sizeof *oi);
    if (!oi)
        return af_error_set(err, AF_ENOMEM, "out of memory decoding an offset index");
    af_arena_init(&oi->arena, AF_PQ_META_MAX_MEMORY);
    af_pq_dec d = {.a = &oi->arena};
    af_thrift_reader_init(&d.r, p, n, NULL, err);
    int rc = af_pq_dec_finish(&d, dec_offset_index(&d, oi), name, "OffsetIndex");
    if (rc) {
        af_pq_offset_index_free(oi);
        return rc;
    }
    *out = oi;
    return AF_OK;
}

void af_pq_offset_index_free(af_pq_offset_index *oi)
{
    if (!oi)
        return;
    af_arena_free(&oi->arena);
    free(oi);
}
