/* meta.h - the Parquet metadata model: the footer (FileMetaData and all it
 * holds), page headers and the page index, with their Thrift compact
 * decoders and encoders.
 *
 * Structs mirror parquet.thrift of the Apache Parquet format specification;
 * enum values are the specification's numbers, and fields holding them are
 * plain int32_t because files from newer writers may carry values this
 * build does not know. Optional fields have a has_* flag (or NULL for
 * strings). Fields this model does not know (newer format versions, e.g.
 * SizeStatistics, geospatial statistics) are skipped on decode.
 *
 * Memory: everything of one decoded FileMetaData, ColumnIndex or
 * OffsetIndex lives in the arena inside it, so one *_free call releases it
 * and a failed decode leaks nothing. A decoded page header allocates
 * nothing: its statistics point into the decoded buffer.
 */
#ifndef AF_PQ_META_H
#define AF_PQ_META_H

#include "core/buf.h"
#include "core/error.h"
#include "formats/parquet/arena.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Physical types (Type). */
enum {
    AF_PQ_BOOLEAN = 0,
    AF_PQ_INT32 = 1,
    AF_PQ_INT64 = 2,
    AF_PQ_INT96 = 3,
    AF_PQ_FLOAT = 4,
    AF_PQ_DOUBLE = 5,
    AF_PQ_BYTE_ARRAY = 6,
    AF_PQ_FIXED_LEN_BYTE_ARRAY = 7,
};

/* ConvertedType (deprecated by LogicalType, still written for old readers). */
enum {
    AF_PQ_CT_UTF8 = 0,
    AF_PQ_CT_MAP = 1,
    AF_PQ_CT_MAP_KEY_VALUE = 2,
    AF_PQ_CT_LIST = 3,
    AF_PQ_CT_ENUM = 4,
    AF_PQ_CT_DECIMAL = 5,
    AF_PQ_CT_DATE = 6,
    AF_PQ_CT_TIME_MILLIS = 7,
    AF_PQ_CT_TIME_MICROS = 8,
    AF_PQ_CT_TIMESTAMP_MILLIS = 9,
    AF_PQ_CT_TIMESTAMP_MICROS = 10,
    AF_PQ_CT_UINT_8 = 11,
    AF_PQ_CT_UINT_16 = 12,
    AF_PQ_CT_UINT_32 = 13,
    AF_PQ_CT_UINT_64 = 14,
    AF_PQ_CT_INT_8 = 15,
    AF_PQ_CT_INT_16 = 16,
    AF_PQ_CT_INT_32 = 17,
    AF_PQ_CT_INT_64 = 18,
    AF_PQ_CT_JSON = 19,
    AF_PQ_CT_BSON = 20,
    AF_PQ_CT_INTERVAL = 21,
};

/* FieldRepetitionType. */
enum {
    AF_PQ_REQUIRED = 0,
    AF_PQ_OPTIONAL = 1,
    AF_PQ_REPEATED = 2,
};

/* Encoding. */
enum {
    AF_PQ_ENC_PLAIN = 0,
    AF_PQ_ENC_PLAIN_DICTIONARY = 2,
    AF_PQ_ENC_RLE = 3,
    AF_PQ_ENC_BIT_PACKED = 4,
    AF_PQ_ENC_DELTA_BINARY_PACKED = 5,
    AF_PQ_ENC_DELTA_LENGTH_BYTE_ARRAY = 6,
    AF_PQ_ENC_DELTA_BYTE_ARRAY = 7,
    AF_PQ_ENC_RLE_DICTIONARY = 8,
    AF_PQ_ENC_BYTE_STREAM_SPLIT = 9,
};

/* CompressionCodec. */
enum {
    AF_PQ_CODEC_UNCOMPRESSED = 0,
    AF_PQ_CODEC_SNAPPY = 1,
    AF_PQ_CODEC_GZIP = 2,
    AF_PQ_CODEC_LZO = 3,
    AF_PQ_CODEC_BROTLI = 4,
    AF_PQ_CODEC_LZ4 = 5, /* Hadoop-framed or raw, see the reader */
    AF_PQ_CODEC_ZSTD = 6,
    AF_PQ_CODEC_LZ4_RAW = 7,
};

/* PageType. */
enum {
    AF_PQ_PAGE_DATA = 0,
    AF_PQ_PAGE_INDEX = 1,
    AF_PQ_PAGE_DICTIONARY = 2,
    AF_PQ_PAGE_DATA_V2 = 3,
};

/* BoundaryOrder. */
enum {
    AF_PQ_BOUNDARY_UNORDERED = 0,
    AF_PQ_BOUNDARY_ASCENDING = 1,
    AF_PQ_BOUNDARY_DESCENDING = 2,
};

/* LogicalType union members (the value is the union's field id). */
enum {
    AF_PQ_LT_NONE = 0, /* no logicalType field */
    AF_PQ_LT_STRING = 1,
    AF_PQ_LT_MAP = 2,
    AF_PQ_LT_LIST = 3,
    AF_PQ_LT_ENUM = 4,
    AF_PQ_LT_DECIMAL = 5,
    AF_PQ_LT_DATE = 6,
    AF_PQ_LT_TIME = 7,
    AF_PQ_LT_TIMESTAMP = 8,
    AF_PQ_LT_INTEGER = 10,
    AF_PQ_LT_UNKNOWN = 11, /* the spec's "always null" type, not "not understood" */
    AF_PQ_LT_JSON = 12,
    AF_PQ_LT_BSON = 13,
    AF_PQ_LT_UUID = 14,
    AF_PQ_LT_FLOAT16 = 15,
    /* A member this build does not model (VARIANT, GEOMETRY, a future
     * one): its id is in logical.other_id and its content was skipped, so
     * readers fall back to the physical and converted type. */
    AF_PQ_LT_OTHER = 1000,
};

/* TimeUnit union members. */
enum {
    AF_PQ_UNIT_MILLIS = 1,
    AF_PQ_UNIT_MICROS = 2,
    AF_PQ_UNIT_NANOS = 3,
};

/* ColumnOrder union members. */
enum {
    AF_PQ_ORDER_OTHER = 0, /* not known to this build: ignore min/max */
    AF_PQ_ORDER_TYPE_DEFINED = 1,
    AF_PQ_ORDER_IEEE_754_TOTAL = 2,
    AF_PQ_ORDER_INT96_TIMESTAMP = 3,
};

/* Bytes of a binary field. In arena-owned structs they are a copy; in a page
 * header they point into the decoded buffer. */
typedef struct af_pq_bytes {
    const uint8_t *data;
    size_t len;
} af_pq_bytes;

typedef struct af_pq_i64_list {
    bool present;
    int64_t *v;
    size_t n;
} af_pq_i64_list;

typedef struct af_pq_logical_type {
    int kind; /* AF_PQ_LT_* */
    int32_t decimal_scale, decimal_precision;
    bool utc;         /* TIME, TIMESTAMP: isAdjustedToUTC */
    int unit;         /* TIME, TIMESTAMP: AF_PQ_UNIT_*; 0 if unknown unit */
    int8_t bit_width; /* INTEGER */
    bool is_signed;   /* INTEGER */
    int16_t other_id; /* AF_PQ_LT_OTHER: the union member id */
} af_pq_logical_type;

typedef struct af_pq_schema_element {
    char *name;
    bool has_type, has_type_length, has_repetition, has_num_children;
    bool has_converted_type, has_scale, has_precision, has_field_id;
    int32_t type; /* AF_PQ_BOOLEAN.. */
    int32_t type_length;
    int32_t repetition; /* AF_PQ_REQUIRED.. */
    int32_t num_children;
    int32_t converted_type; /* AF_PQ_CT_* */
    int32_t scale, precision, field_id;
    af_pq_logical_type logical; /* kind AF_PQ_LT_NONE when absent */
} af_pq_schema_element;

typedef struct af_pq_statistics {
    bool has_max, has_min, has_null_count, has_distinct_count;
    bool has_max_value, has_min_value, has_is_max_value_exact, has_is_min_value_exact;
    bool has_nan_count;
    bool is_max_value_exact, is_min_value_exact;
    af_pq_bytes max, min; /* deprecated, signed order */
    int64_t null_count, distinct_count, nan_count;
    af_pq_bytes max_value, min_value;
} af_pq_statistics;

typedef struct af_pq_key_value {
    char *key;
    char *value; /* NULL when absent; may hold NUL bytes, see value_len */
    size_t value_len;
} af_pq_key_value;

typedef struct af_pq_page_encoding_stats {
    int32_t page_type, encoding, count;
} af_pq_page_encoding_stats;

typedef struct af_pq_column_meta {
    int32_t type;
    int32_t *encodings;
    size_t n_encodings;
    char **path; /* path_in_schema */
    size_t n_path;
    int32_t codec;
    int64_t num_values, total_uncompressed_size, total_compressed_size;
    bool has_key_value;
    af_pq_key_value *key_value;
    size_t n_key_value;
    int64_t data_page_offset;
    bool has_index_page_offset, has_dictionary_page_offset, has_statistics;
    bool has_encoding_stats, has_bloom_filter_offset, has_bloom_filter_length;
    int64_t index_page_offset, dictionary_page_offset;
    af_pq_statistics statistics;
    af_pq_page_encoding_stats *encoding_stats;
    size_t n_encoding_stats;
    int64_t bloom_filter_offset;
    int32_t bloom_filter_length;
} af_pq_column_meta;

typedef struct af_pq_column_chunk {
    char *file_path; /* NULL: this file */
    int64_t file_offset;
    bool has_meta_data;
    bool has_offset_index, has_column_index; /* offset and length both present */
    bool encrypted; /* crypto_metadata or encrypted_column_metadata was present */
    af_pq_column_meta meta_data;
    int64_t offset_index_offset, column_index_offset;
    int32_t offset_index_length, column_index_length;
} af_pq_column_chunk;

typedef struct af_pq_sorting_column {
    int32_t column_idx;
    bool descending, nulls_first;
} af_pq_sorting_column;

typedef struct af_pq_row_group {
    af_pq_column_chunk *columns;
    size_t n_columns;
    int64_t total_byte_size, num_rows;
    bool has_sorting_columns, has_file_offset, has_total_compressed_size, has_ordinal;
    af_pq_sorting_column *sorting_columns;
    size_t n_sorting_columns;
    int64_t file_offset, total_compressed_size;
    int16_t ordinal;
} af_pq_row_group;

typedef struct af_pq_file_meta {
    af_arena arena; /* owns everything below */
    int32_t version;
    af_pq_schema_element *schema; /* depth-first, schema[0] is the root */
    size_t n_schema;
    int64_t num_rows;
    af_pq_row_group *row_groups;
    size_t n_row_groups;
    bool has_key_value, has_column_orders;
    af_pq_key_value *key_value;
    size_t n_key_value;
    char *created_by;   /* NULL when absent */
    int *column_orders; /* AF_PQ_ORDER_*, one per leaf column */
    size_t n_column_orders;
    bool encrypted; /* encryption_algorithm present: plaintext footer, encrypted columns */
    /* Filled by af_pq_file_meta_validate: schema indexes of the leaf
     * columns, in column chunk order. */
    size_t *leaves;
    size_t n_leaves;
} af_pq_file_meta;

typedef struct af_pq_data_page_header {
    int32_t num_values, encoding, definition_level_encoding, repetition_level_encoding;
    bool has_statistics;
    af_pq_statistics statistics;
} af_pq_data_page_header;

typedef struct af_pq_data_page_header_v2 {
    int32_t num_values, num_nulls, num_rows, encoding;
    int32_t definition_levels_byte_length, repetition_levels_byte_length;
    bool has_is_compressed;
    bool is_compressed; /* true when absent, as the specification says */
    bool has_statistics;
    af_pq_statistics statistics;
} af_pq_data_page_header_v2;

typedef struct af_pq_dictionary_page_header {
    int32_t num_values, encoding;
    bool has_is_sorted, is_sorted;
} af_pq_dictionary_page_header;

typedef struct af_pq_page_header {
    int32_t type; /* AF_PQ_PAGE_* */
    int32_t uncompressed_page_size, compressed_page_size;
    bool has_crc;
    int32_t crc;
    bool has_data_page_header, has_index_page_header, has_dictionary_page_header;
    bool has_data_page_header_v2;
    af_pq_data_page_header data_page_header;
    af_pq_dictionary_page_header dictionary_page_header;
    af_pq_data_page_header_v2 data_page_header_v2;
} af_pq_page_header;

typedef struct af_pq_column_index {
    af_arena arena;
    size_t n_pages; /* length of every per-page list */
    bool *null_pages;
    af_pq_bytes *min_values, *max_values;
    int32_t boundary_order;
    af_pq_i64_list null_counts;
    af_pq_i64_list repetition_level_histograms, definition_level_histograms;
    af_pq_i64_list nan_counts;
} af_pq_column_index;

typedef struct af_pq_page_location {
    int64_t offset;
    int32_t compressed_page_size;
    int64_t first_row_index;
} af_pq_page_location;

typedef struct af_pq_offset_index {
    af_arena arena;
    af_pq_page_location *pages;
    size_t n_pages;
    af_pq_i64_list unencoded_byte_array_data_bytes;
} af_pq_offset_index;

/* Decoded metadata may use at most this much memory. Structs are larger
 * than their encoding (a 3-byte ColumnChunk becomes ~300 bytes), so this
 * stops a small hostile footer from expanding without bound. */
#define AF_PQ_META_MAX_MEMORY ((size_t)1 << 30)
/* Longest footer read (parquet-mr and Arrow use similar bounds). */
#define AF_PQ_FOOTER_MAX ((size_t)512 << 20)
/* Deepest schema nesting accepted; readers recurse over the schema tree. */
#define AF_PQ_MAX_SCHEMA_DEPTH 100

/* An empty FileMetaData with its arena, for writers that build one. */
int af_pq_file_meta_new(af_pq_file_meta **out, af_error *err);
/* Decodes a FileMetaData from p[0..n). `name` names the input in errors
 * (e.g. the file name). Does not validate cross-references: see
 * af_pq_file_meta_validate. */
int af_pq_file_meta_decode(const void *p, size_t n, const char *name, af_pq_file_meta **out,
                           af_error *err);
void af_pq_file_meta_free(af_pq_file_meta *m);
/* Appends the Thrift encoding of m. */
int af_pq_file_meta_encode(const af_pq_file_meta *m, af_buf *out, af_error *err);

/* Checks what the rest of the reader relies on: the schema tree described
 * by num_children covers the list exactly, leaves have a physical type,
 * every row group has one column chunk per leaf with matching type, and
 * every offset/length lies within data_end (the file size minus the
 * footer). Fills m->leaves. Encrypted columns are AF_EUNSUPPORTED. */
int af_pq_file_meta_validate(af_pq_file_meta *m, uint64_t data_end, const char *name,
                             af_error *err);

typedef int (*af_pq_read_at_fn)(void *ctx, uint64_t offset, void *buf, size_t n, af_error *err);
/* Reads, decodes and validates the footer of a Parquet file of file_size
 * bytes through read_at. `name` names the file in errors. */
int af_pq_footer_read(af_pq_read_at_fn read_at, void *ctx, uint64_t file_size, const char *name,
                      af_pq_file_meta **out, af_error *err);

/* Decodes one page header at the start of p[0..n); *consumed is its size.
 * When the buffer ends before the header does, *truncated (if not NULL) is
 * set so a streaming caller can retry with more bytes. */
int af_pq_page_header_decode(const void *p, size_t n, const char *name, af_pq_page_header *h,
                             size_t *consumed, bool *truncated, af_error *err);
int af_pq_page_header_encode(const af_pq_page_header *h, af_buf *out, af_error *err);

int af_pq_column_index_decode(const void *p, size_t n, const char *name, af_pq_column_index **out,
                              af_error *err);
void af_pq_column_index_free(af_pq_column_index *ci);
int af_pq_column_index_encode(const af_pq_column_index *ci, af_buf *out, af_error *err);

int af_pq_offset_index_decode(const void *p, size_t n, const char *name, af_pq_offset_index **out,
                              af_error *err);
void af_pq_offset_index_free(af_pq_offset_index *oi);
int af_pq_offset_index_encode(const af_pq_offset_index *oi, af_buf *out, af_error *err);

/* Names for messages and `parquet inspect` ("INT32", "SNAPPY", ...);
 * "?" for values this build does not know. */
const char *af_pq_type_name(int32_t type);
const char *af_pq_codec_name(int32_t codec);
const char *af_pq_encoding_name(int32_t enc);
const char *af_pq_converted_type_name(int32_t ct);

#endif
