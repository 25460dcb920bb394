/* fuzz_thrift.c - libFuzzer harness for the Thrift compact decoder and the
 * Parquet metadata model (formats/parquet/meta.h).
 *
 * The whole input is decoded as a FileMetaData, a PageHeader, a ColumnIndex
 * and an OffsetIndex. Invariants, beyond "no crash, leak or undefined
 * behaviour" (the fuzz build runs ASan/UBSan):
 *  - a decoded FileMetaData re-encodes, and that encoding decodes again
 *    with the same row count, schema and row groups, and encodes to the
 *    same bytes (the encoding is a fixed point);
 *  - validation of a decoded footer never crashes, whatever it says;
 *  - a decoded page header reports a size within the input, and so do
 *    decoded indexes after a re-encode round trip.
 * The seed corpus (corpus/thrift) holds raw footers of parquet-testing files.
 */
#include "formats/parquet/meta.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(c)                                                                                   \
    do {                                                                                           \
        if (!(c)) {                                                                                \
            fprintf(stderr, "invariant failed: %s (%s:%d)\n", #c, __FILE__, __LINE__);             \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

static void file_meta(const uint8_t *data, size_t size)
{
    af_pq_file_meta *m = NULL;
    af_error err;
    if (af_pq_file_meta_decode(data, size, "fuzz", &m, &err) != 0) {
        CHECK(m == NULL);
        CHECK(err.msg[0] != '\0');
        return;
    }
    af_buf b1, b2;
    af_buf_init(&b1);
    af_buf_init(&b2);
    CHECK(af_pq_file_meta_encode(m, &b1, &err) == 0);
    af_pq_file_meta *m2 = NULL;
    CHECK(af_pq_file_meta_decode(b1.data, b1.len, "fuzz re-encoded", &m2, &err) == 0);
    CHECK(m2->num_rows == m->num_rows);
    CHECK(m2->n_schema == m->n_schema);
    CHECK(m2->n_row_groups == m->n_row_groups);
    CHECK(af_pq_file_meta_encode(m2, &b2, &err) == 0);
    CHECK(b1.len == b2.len && memcmp(b1.data, b2.data, b1.len) == 0);
    /* the data end is arbitrary: what matters is that checking is safe */
    int rc = af_pq_file_meta_validate(m, size * 4, "fuzz", &err);
    if (rc == 0) {
        CHECK(m->n_leaves <= m->n_schema);
        for (size_t g = 0; g < m->n_row_groups; g++)
            CHECK(m->row_groups[g].n_columns == m->n_leaves);
    }
    af_buf_free(&b1);
    af_buf_free(&b2);
    af_pq_file_meta_free(m2);
    af_pq_file_meta_free(m);
}

static void page_header(const uint8_t *data, size_t size)
{
    af_pq_page_header h;
    size_t used = 0;
    bool truncated = false;
    af_error err;
    if (af_pq_page_header_decode(data, size, "fuzz", &h, &used, &truncated, &err) != 0)
        return;
    CHECK(used > 0 && used <= size);
    CHECK(h.compressed_page_size >= 0 && h.uncompressed_page_size >= 0);
    af_buf b;
    af_buf_init(&b);
    CHECK(af_pq_page_header_encode(&h, &b, &err) == 0);
    af_pq_page_header h2;
    size_t used2;
    CHECK(af_pq_page_header_decode(b.data, b.len, "fuzz", &h2, &used2, NULL, &err) == 0);
    CHECK(used2 == b.len && h2.type == h.type);
    af_buf_free(&b);
}

static void page_index(const uint8_t *data, size_t size)
{
    af_error err;
    af_pq_column_index *ci = NULL;
    if (af_pq_column_index_decode(data, size, "fuzz", &ci, &err) == 0) {
        af_buf b;
        af_buf_init(&b);
        CHECK(af_pq_column_index_encode(ci, &b, &err) == 0);
        af_pq_column_index *ci2 = NULL;
        CHECK(af_pq_column_index_decode(b.data, b.len, "fuzz", &ci2, &err) == 0);
        CHECK(ci2->n_pages == ci->n_pages);
        af_pq_column_index_free(ci2);
        af_pq_column_index_free(ci);
        af_buf_free(&b);
    }
    af_pq_offset_index *oi = NULL;
    if (af_pq_offset_index_decode(data, size, "fuzz", &oi, &err) == 0) {
        af_buf b;
        af_buf_init(&b);
        CHECK(af_pq_offset_index_encode(oi, &b, &err) == 0);
        af_pq_offset_index *oi2 = NULL;
        CHECK(af_pq_offset_index_decode(b.data, b.len, "fuzz", &oi2, &err) == 0);
        CHECK(oi2->n_pages == oi->n_pages);
        af_pq_offset_index_free(oi2);
        af_pq_offset_index_free(oi);
        af_buf_free(&b);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    file_meta(data, size);
    page_header(data, size);
    page_index(data, size);
    return 0;
}
