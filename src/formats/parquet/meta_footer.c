/* meta_footer.c - reading a Parquet footer through a read-at callback, and
 * the cheap cross-checks that let the rest of the reader trust it.
 *
 * A Parquet file ends with the Thrift-encoded FileMetaData, its length as a
 * 4-byte little-endian integer and the magic "PAR1" ("PARE" when the footer
 * is encrypted). Everything else in the file is found through offsets in
 * that footer, so they are checked here once: a reader that later seeks to
 * an offset or allocates a size can rely on it lying inside the file.
 */
#include "formats/parquet/meta.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

const char *af_pq_type_name(int32_t type)
{
    static const char *names[] = {"BOOLEAN", "INT32",  "INT64",      "INT96",
                                  "FLOAT",   "DOUBLE", "BYTE_ARRAY", "FIXED_LEN_BYTE_ARRAY"};
    return type >= 0 && type < 8 ? names[type] : "?";
}

const char *af_pq_codec_name(int32_t codec)
{
    static const char *names[] = {"UNCOMPRESSED", "SNAPPY", "GZIP", "LZO",
                                  "BROTLI",       "LZ4",    "ZSTD", "LZ4_RAW"};
    return codec >= 0 && codec < 8 ? names[codec] : "?";
}

const char *af_pq_encoding_name(int32_t enc)
{
    static const char *names[] = {
        "PLAIN",          "GROUP_VAR_INT",       "PLAIN_DICTIONARY",        "RLE",
        "BIT_PACKED",     "DELTA_BINARY_PACKED", "DELTA_LENGTH_BYTE_ARRAY", "DELTA_BYTE_ARRAY",
        "RLE_DICTIONARY", "BYTE_STREAM_SPLIT"};
    return enc >= 0 && enc < 10 ? names[enc] : "?";
}

const char *af_pq_converted_type_name(int32_t ct)
{
    static const char *names[] = {"UTF8",
                                  "MAP",
                                  "MAP_KEY_VALUE",
                                  "LIST",
                                  "ENUM",
                                  "DECIMAL",
                                  "DATE",
                                  "TIME_MILLIS",
                                  "TIME_MICROS",
                                  "TIMESTAMP_MILLIS",
                                  "TIMESTAMP_MICROS",
                                  "UINT_8",
                                  "UINT_16",
                                  "UINT_32",
                                  "UINT_64",
                                  "INT_8",
                                  "INT_16",
                                  "INT_32",
                                  "INT_64",
                                  "JSON",
                                  "BSON",
                                  "INTERVAL"};
    return ct >= 0 && ct < 22 ? names[ct] : "?";
}

static const char *leaf_name(const af_pq_file_meta *m, size_t leaf)
{
    return leaf < m->n_leaves ? m->schema[m->leaves[leaf]].name : "?";
}

/* Walks the depth-first schema list with the num_children counts and
 * records the leaves. */
static int check_schema(af_pq_file_meta *m, const char *name, af_error *err)
{
    if (m->n_schema == 0)
        return af_error_set(err, AF_EPARSE, "%s: the schema is empty (it has no root element)",
                            name);
    const af_pq_schema_element *root = &m->schema[0];
    int32_t root_children = root->has_num_children ? root->num_children : 0;
    if (root_children < 0 || (size_t)root_children > m->n_schema - 1)
        return af_error_set(err, AF_EPARSE,
                            "%s: the schema root claims %" PRId32
                            " children but the schema lists %zu elements",
                            name, root_children, m->n_schema);
    m->leaves = af_arena_array(&m->arena, m->n_schema, sizeof *m->leaves);
    if (!m->leaves)
        return af_error_set(err, AF_ENOMEM, "%s: out of memory checking the schema", name);
    m->n_leaves = 0;
    int32_t left[AF_PQ_MAX_SCHEMA_DEPTH + 1]; /* children still due per open group */
    int depth = 0;
    left[0] = root_children;
    for (size_t i = 1; i < m->n_schema; i++) {
        while (depth >= 0 && left[depth] == 0)
            depth--;
        if (depth < 0)
            return af_error_set(err, AF_EPARSE,
                                "%s: the schema lists %zu elements but the tree described by "
                                "num_children ends after %zu",
                                name, m->n_schema, i);
        left[depth]--;
        const af_pq_schema_element *e = &m->schema[i];
        if (e->has_num_children && e->num_children < 0)
            return af_error_set(err, AF_EPARSE,
                                "%s: schema element '%s' has a negative number of children", name,
                                e->name);
        if (e->has_num_children && e->num_children > 0) {
            if ((size_t)e->num_children > m->n_schema - 1 - i)
                return af_error_set(err, AF_EPARSE,
                                    "%s: schema element '%s' claims %" PRId32
                                    " children but only %zu elements follow it",
                                    name, e->name, e->num_children, m->n_schema - 1 - i);
            if (depth + 1 > AF_PQ_MAX_SCHEMA_DEPTH)
                return af_error_set(err, AF_ELIMIT,
                                    "%s: the schema nests deeper than %d levels at '%s'", name,
                                    AF_PQ_MAX_SCHEMA_DEPTH, e->name);
            left[++depth] = e->num_children;
            continue;
        }
        if (!e->has_type) {
            if (e->has_num_children)
                continue; /* an empty group: no columns */
            return af_error_set(err, AF_EPARSE,
                                "%s: schema element '%s' has neither a physical type nor "
                                "children",
                                name, e->name);
        }
        if (e->type < AF_PQ_BOOLEAN || e->type > AF_PQ_FIXED_LEN_BYTE_ARRAY)
            return af_error_set(err, AF_EPARSE,
                                "%s: column '%s' has an unknown physical type %" PRId32, name,
                                e->name, e->type);
        if (e->type == AF_PQ_FIXED_LEN_BYTE_ARRAY && (!e->has_type_length || e->type_length < 0))
            return af_error_set(err, AF_EPARSE,
                                "%s: FIXED_LEN_BYTE_ARRAY column '%s' has no valid type_length",
                                name, e->name);
        m->leaves[m->n_leaves++] = i;
    }
    for (; depth >= 0; depth--)
        if (left[depth] != 0)
            return af_error_set(err, AF_EPARSE,
                                "%s: the schema ends (after %zu elements) before all children "
                                "promised by num_children are listed",
                                name, m->n_schema);
    return AF_OK;
}

/* [off, off+len) lies within [0, end). */
static bool in_range(int64_t off, int64_t len, uint64_t end)
{
    return off >= 0 && len >= 0 && (uint64_t)off <= end && (uint64_t)len <= end - (uint64_t)off;
}

static int check_chunk(const af_pq_file_meta *m, size_t g, size_t c, uint64_t data_end,
                       const char *name, af_error *err)
{
    const af_pq_column_chunk *cc = &m->row_groups[g].columns[c];
    const char *col = leaf_name(m, c);
    if (cc->encrypted && !cc->has_meta_data)
        return af_error_set(err, AF_EUNSUPPORTED,
                            "%s: column '%s' is encrypted; encrypted Parquet files are not "
                            "supported",
                            name, col);
    if (!cc->has_meta_data)
        return af_error_set(err, AF_EPARSE,
                            "%s: row group %zu, column '%s': the column chunk has no meta_data",
                            name, g, col);
    if (cc->file_path)
        return af_error_set(err, AF_EUNSUPPORTED,
                            "%s: row group %zu, column '%s': column data stored in another file "
                            "('%s') is not supported",
                            name, g, col, cc->file_path);
    const af_pq_column_meta *md = &cc->meta_data;
    int32_t want = m->schema[m->leaves[c]].type;
    if (md->type != want)
        return af_error_set(err, AF_EPARSE,
                            "%s: row group %zu, column '%s': the column chunk says type %s but "
                            "the schema says %s",
                            name, g, col, af_pq_type_name(md->type), af_pq_type_name(want));
    if (md->num_values < 0 || md->total_uncompressed_size < 0 || md->total_compressed_size < 0)
        return af_error_set(err, AF_EPARSE,
                            "%s: row group %zu, column '%s': negative value count or size", name, g,
                            col);
    /* the chunk starts at its dictionary page when it has one. Some old
     * writers store dictionary_page_offset 0 to mean "none", and Arrow writes
     * data_page_offset 0 for a chunk without data pages (zero rows) */
    int64_t dpo = md->data_page_offset, dict = md->dictionary_page_offset;
    bool has_dict = md->has_dictionary_page_offset && dict > 0;
    int64_t start = has_dict && (dpo <= 0 || dict < dpo) ? dict : dpo;
    if ((dpo <= 0 && (md->num_values > 0 || !has_dict)) || start < 4 ||
        !in_range(start, md->total_compressed_size, data_end))
        return af_error_set(err, AF_EPARSE,
                            "%s: row group %zu, column '%s': column data (offset %" PRId64
                            ", %" PRId64 " bytes) lies outside the file's data (%" PRIu64 " bytes)",
                            name, g, col, dpo > 0 ? start : dpo, md->total_compressed_size,
                            data_end);
    if (dpo > 0 && (uint64_t)dpo > (uint64_t)start + (uint64_t)md->total_compressed_size)
        return af_error_set(err, AF_EPARSE,
                            "%s: row group %zu, column '%s': data_page_offset %" PRId64
                            " is outside the column chunk",
                            name, g, col, dpo);
    if (cc->has_offset_index &&
        !in_range(cc->offset_index_offset, cc->offset_index_length, data_end))
        return af_error_set(err, AF_EPARSE,
                            "%s: row group %zu, column '%s': the offset index (offset %" PRId64
                            ", %" PRId32 " bytes) lies outside the file",
                            name, g, col, cc->offset_index_offset, cc->offset_index_length);
    if (cc->has_column_index &&
        !in_range(cc->column_index_offset, cc->column_index_length, data_end))
        return af_error_set(err, AF_EPARSE,
                            "%s: row group %zu, column '%s': the column index (offset %" PRId64
                            ", %" PRId32 " bytes) lies outside the file",
                            name, g, col, cc->column_index_offset, cc->column_index_length);
    if (md->has_bloom_filter_offset &&
        !in_range(md->bloom_filter_offset,
                  md->has_bloom_filter_length ? md->bloom_filter_length : 0, data_end))
        return af_error_set(err, AF_EPARSE,
                            "%s: row group %zu, column '%s': the bloom filter (offset %" PRId64
                            ") lies outside the file",
                            name, g, col, md->bloom_filter_offset);
    return AF_OK;
}

int af_pq_file_meta_validate(af_pq_file_meta *m, uint64_t data_end, const char *name, af_error *err)
{
    if (!name)
        name = "Parquet file";
    if (m->encrypted)
        return af_error_set(err, AF_EUNSUPPORTED,
                            "%s: encrypted Parquet files are not supported (the footer names an "
                            "encryption algorithm)",
                            name);
    int rc = check_schema(m, name, err);
    if (rc)
        return rc;
    if (m->num_rows < 0)
        return af_error_set(err, AF_EPARSE, "%s: negative row count %" PRId64, name, m->num_rows);
    if (m->has_column_orders && m->n_column_orders != m->n_leaves)
        return af_error_set(err, AF_EPARSE,
                            "%s: the footer has %zu column orders for %zu leaf columns", name,
                            m->n_column_orders, m->n_leaves);
    for (size_t g = 0; g < m->n_row_groups; g++) {
        const af_pq_row_group *rg = &m->row_groups[g];
        if (rg->num_rows < 0)
            return af_error_set(err, AF_EPARSE, "%s: row group %zu has a negative row count", name,
                                g);
        if (rg->n_columns != m->n_leaves)
            return af_error_set(err, AF_EPARSE,
                                "%s: row group %zu has %zu column chunks but the schema has %zu "
                                "leaf columns",
                                name, g, rg->n_columns, m->n_leaves);
        for (size_t c = 0; c < rg->n_columns; c++)
            if ((rc = check_chunk(m, g, c, data_end, name, err)))
                return rc;
        for (size_t s = 0; s < rg->n_sorting_columns; s++) {
            int32_t idx = rg->sorting_columns[s].column_idx;
            if (idx < 0 || (size_t)idx >= m->n_leaves)
                return af_error_set(err, AF_EPARSE,
                                    "%s: row group %zu sorts by column %" PRId32
                                    ", which does not exist",
                                    name, g, idx);
        }
    }
    return AF_OK;
}

int af_pq_footer_read(af_pq_read_at_fn read_at, void *ctx, uint64_t file_size, const char *name,
                      af_pq_file_meta **out, af_error *err)
{
    *out = NULL;
    if (!name)
        name = "Parquet file";
    if (file_size < 12)
        return af_error_set(err, AF_EPARSE,
                            "%s: not a Parquet file: %" PRIu64
                            " bytes is too small (a Parquet file has at least 12)",
                            name, file_size);
    uint8_t tail[8];
    int rc = read_at(ctx, file_size - 8, tail, 8, err);
    if (rc)
        return rc;
    if (memcmp(tail + 4, "PARE", 4) == 0)
        return af_error_set(err, AF_EUNSUPPORTED,
                            "%s: encrypted Parquet files are not supported (the footer is "
                            "encrypted)",
                            name);
    if (memcmp(tail + 4, "PAR1", 4) != 0)
        return af_error_set(err, AF_EPARSE,
                            "%s: not a Parquet file: it does not end with the magic 'PAR1'", name);
    uint32_t len = (uint32_t)tail[0] | (uint32_t)tail[1] << 8 | (uint32_t)tail[2] << 16 |
                   (uint32_t)tail[3] << 24;
    if (len > file_size - 12)
        return af_error_set(err, AF_EPARSE,
                            "%s: the footer length %" PRIu32
                            " is larger than the file allows (%" PRIu64 " bytes in all)",
                            name, len, file_size);
    if (len > AF_PQ_FOOTER_MAX)
        return af_error_set(err, AF_ELIMIT,
                            "%s: the footer is %" PRIu32 " bytes, more than the %zu MiB accepted",
                            name, len, AF_PQ_FOOTER_MAX >> 20);
    uint64_t footer_start = file_size - 8 - len;
    uint8_t *buf = malloc(len ? len : 1);
    if (!buf)
        return af_error_set(err, AF_ENOMEM, "%s: out of memory reading the %" PRIu32 "-byte footer",
                            name, len);
    rc = read_at(ctx, footer_start, buf, len, err);
    af_pq_file_meta *m = NULL;
    if (!rc)
        rc = af_pq_file_meta_decode(buf, len, name, &m, err);
    free(buf);
    if (rc)
        return rc;
    if ((rc = af_pq_file_meta_validate(m, footer_start, name, err))) {
        af_pq_file_meta_free(m);
        return rc;
    }
    *out = m;
    return AF_OK;
}
