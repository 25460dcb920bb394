/* parquet_gen.h - seeded random schemas and data for the Parquet writer
 * tests: the round-trip property test (unit/test_parquet_roundtrip.c) and
 * the sample files DuckDB reads (tools/pq_write_samples.c).
 *
 * Everything is driven by one small PRNG (pg_rng), so a seed reproduces a
 * schema, its data and the writer options exactly. Users compile the code
 * into their own translation unit: #include "parquet_gen.c".
 *
 * Schemas: every core type (bool, int8..int64, float32/64, decimal(1..38, s),
 * string, binary, date, time[s|ms|us|ns], timestamp[s|ms|us|ns] naive and
 * "UTC", uuid, json, optionally null), nested as struct, list and map up to a
 * depth, nullable or not. Nested children use the names the reader gives
 * back: a list's element is "item", a map's child the non-nullable struct
 * "entries" of a non-nullable "key" and a "value".
 *
 * Data: one profile per top-level column (pg_profile) says how often values
 * are null (0, 10 or 100 %), whether they come from a small pool (so the
 * writer's dictionary is used) or are all different (so a small dictionary
 * overflows), how long strings and lists get, and whether edge values
 * (NaN with payloads, infinities, -0.0, integer extremes) appear.
 *
 * Comparison: pg_value_equal compares a written value with the value read
 * back, deeply and exactly (floats bit for bit), allowing only the
 * normalisation the format imposes (time[s] and timestamp[s] read back as
 * milliseconds, see parquet.h); pg_expected_schema gives the schema the
 * reader must report for a written one.
 */
#ifndef AF_TEST_PARQUET_GEN_H
#define AF_TEST_PARQUET_GEN_H

#include "core/batch.h"
#include "core/schema.h"
#include "formats/parquet/parquet.h"

#include <stdbool.h>
#include <stdint.h>

/* ---- PRNG (splitmix64) ---- */

typedef struct pg_rng {
    uint64_t s;
} pg_rng;

void pg_seed(pg_rng *r, uint64_t seed);
uint64_t pg_u64(pg_rng *r);
/* Uniform in [0, n); 0 when n == 0. */
uint64_t pg_below(pg_rng *r, uint64_t n);
/* Uniform in [lo, hi]. */
int64_t pg_range(pg_rng *r, int64_t lo, int64_t hi);
/* True with probability pct %. */
bool pg_pct(pg_rng *r, int pct);

/* ---- schemas ---- */

typedef struct pg_schema_opts {
    int min_fields, max_fields; /* top-level columns */
    int max_depth;              /* nested levels (struct/list/map); 0 = flat */
    int nested_pct;             /* chance that a field is nested, while depth allows */
    bool seconds;               /* also time[s] and timestamp[s] */
    bool null_type;             /* also the null type (always nullable) */
} pg_schema_opts;

/* A random scalar type. map_key: types that make good map keys (no floats,
 * no null type). */
af_type pg_random_scalar(pg_rng *r, bool seconds, bool null_type, bool map_key);
/* A random field (scalar or nested) at nesting depth `depth`. */
int pg_random_field(pg_rng *r, const pg_schema_opts *o, int depth, const char *name, af_field *out);
/* A random schema with columns named c0, c1, ... */
af_schema *pg_random_schema(pg_rng *r, const pg_schema_opts *o);

/* Builders for hand-made schemas: the field is initialised and owns its
 * children (copies). */
int pg_field_scalar(af_field *f, const char *name, af_type t, bool nullable);
int pg_field_list(af_field *f, const char *name, bool nullable, const af_field *item);
int pg_field_map(af_field *f, const char *name, bool nullable, const af_field *key,
                 const af_field *value);
/* Creates a struct field with no members; add them with af_field_add_child. */
int pg_field_struct(af_field *f, const char *name, bool nullable);

/* The schema the reader reports for a file written with schema s: time[s]
 * -> time[ms], timestamp[s, tz] -> timestamp[ms, tz]. */
af_schema *pg_expected_schema(const af_schema *s);
/* Deep comparison of fields (names, types, nullability, children); on a
 * difference appends why to `why` (which may be NULL). */
bool pg_field_equal(const af_field *a, const af_field *b, af_buf *why);

/* ---- data ---- */

typedef struct pg_profile {
    int null_pct;       /* chance of null for nullable fields, at every level */
    int card;           /* 0: every value drawn afresh; N: values from a pool of N */
    uint64_t pool_seed; /* seeds the pool's values */
    int max_str;        /* longest string/binary in bytes */
    int max_list;       /* most entries of a list or map */
    bool specials;      /* NaN (with payloads), infinities, -0.0, extremes */
    bool tame;          /* values every reader agrees on: years 1..9999,
                           printable text, time[ns] and timestamp[ns, tz] in
                           whole microseconds */
} pg_profile;

/* A random profile (null rate 0/10/100 %, low or high cardinality...). */
void pg_random_profile(pg_rng *r, pg_profile *p);
/* Appends one random value (null per the profile when the field is
 * nullable) to array a; nested values recursively. */
int pg_append_value(pg_rng *r, af_array *a, const pg_profile *p);
/* Appends `rows` rows to every column of b (profiles: one per column) and
 * seals it. */
int pg_fill_batch(pg_rng *r, af_batch *b, int64_t rows, const pg_profile *profiles);

/* ---- comparison ---- */

/* Is value j of `got` (read back) the value i of `exp` (written)? Exact:
 * floats bit for bit (NaN payloads and -0.0 included), decimals, bytes;
 * time[s]/timestamp[s] written are expected back in milliseconds. On a
 * difference appends a description (path, both values) to `why`. */
bool pg_value_equal(const af_array *exp, int64_t i, const af_array *got, int64_t j, af_buf *why);
/* Appends value i as JSON, with float bits in hex (for messages). */
void pg_format_value(const af_array *a, int64_t i, af_buf *out);

/* ---- writing ---- */

/* An af_byte_sink into a growable buffer. */
int pg_buf_sink_write(void *ctx, const void *data, size_t n, af_error *err);
af_byte_sink pg_buf_sink(af_buf *b);

/* Codec names for messages and file names. */
const char *pg_codec_name(int codec);

#endif
