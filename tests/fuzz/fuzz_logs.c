/* fuzz_logs.c - libFuzzer harness for the log patterns, the text feature
 * extractor, the line splitter and the SNAP block parser.
 *
 * The input is split into lines; every line goes through each built-in
 * format (combined, common, nginx, syslog 3164 and 5424), a typed custom
 * regex and JSON lines (whose columns are learnt from the same input).
 * Invariants:
 *  - no crash, leak or undefined behaviour (run under ASan/UBSan);
 *  - a line is either appended (every column grows by one row) or rejected
 *    with a reason and no column changed;
 *  - every string, JSON and reason value is valid UTF-8;
 *  - decoding then normalising the whole input gives valid UTF-8 without
 *    control characters other than tab and newline, and features within
 *    bounds (words <= code points <= bytes);
 *  - the block parser's key/value slices lie inside the block's raw text.
 */
#include "core/batch.h"
#include "formats/log_patterns.h"
#include "formats/review_blocks.h"
#include "formats/text_features.h"
#include "formats/text_lines.h"
#include "io/transcode.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_ASSERT(cond)                                                                          \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_logs: invariant failed: %s (line %d)\n", #cond, __LINE__);       \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

static bool utf8_ok(const void *p, size_t n)
{
    return af_utf8_valid_prefix(p, n) == n;
}

static void check_batch_utf8(const af_batch *b)
{
    for (size_t c = 0; c < b->schema->n_fields; c++) {
        const af_array *a = &b->columns[c];
        af_type_id t = a->field->type.id;
        if (t != AF_TYPE_STRING && t != AF_TYPE_JSON)
            continue;
        for (int64_t i = 0; i < a->length; i++) {
            if (!af_array_is_valid(a, i))
                continue;
            size_t len = 0;
            const uint8_t *v = af_array_get_bytes(a, i, &len);
            FUZZ_ASSERT(utf8_ok(v, len));
        }
    }
}

/* Runs every line through p. `learn` (json): p is fresh, learn from the
 * input first and build the schema here; otherwise p and s are prepared. */
static void run_format(af_logpat *p, af_schema *s, const uint8_t *data, size_t size, bool learn)
{
    af_error err;
    af_reader *in = NULL;
    FUZZ_ASSERT(af_reader_open_memory(data, size, "fuzz.log", &in, &err) == 0);
    af_line_reader *lr = NULL;
    FUZZ_ASSERT(af_line_reader_new(in, 4096, &lr, &err) == 0);
    const char *line;
    size_t n;
    int64_t lineno;
    if (learn) {
        while (af_line_reader_next(lr, &line, &n, &lineno, &err) == 1)
            af_logpat_learn(p, line, n);
        af_line_reader_free(lr);
        af_reader_close(in);
        FUZZ_ASSERT(af_reader_open_memory(data, size, "fuzz.log", &in, &err) == 0);
        FUZZ_ASSERT(af_line_reader_new(in, 4096, &lr, &err) == 0);
    }
    if (learn)
        FUZZ_ASSERT(af_logpat_add_columns(p, s, &err) == 0);
    size_t ncols = af_logpat_n_columns(p);
    FUZZ_ASSERT(ncols == s->n_fields && ncols > 0);
    af_batch *b = af_batch_new(s);
    FUZZ_ASSERT(b);
    af_buf reason;
    af_buf_init(&reason);
    int rc;
    int64_t last = 0;
    while ((rc = af_line_reader_next(lr, &line, &n, &lineno, &err)) == 1) {
        FUZZ_ASSERT(lineno == last + 1);
        last = lineno;
        int64_t before = b->columns[0].length;
        int k = af_logpat_append(p, line, n, b->columns, &reason, &err);
        FUZZ_ASSERT(k == 0 || k == 1);
        for (size_t c = 0; c < ncols; c++)
            FUZZ_ASSERT(b->columns[c].length == before + k);
        if (k == 0) {
            FUZZ_ASSERT(reason.len > 0);
            FUZZ_ASSERT(utf8_ok(reason.data, reason.len) || !utf8_ok(line, n));
        }
    }
    FUZZ_ASSERT(rc == 0 || rc == AF_ELIMIT);
    FUZZ_ASSERT(af_batch_seal(b, &err) == 0);
    check_batch_utf8(b);
    af_buf_free(&reason);
    af_batch_release(b);
    af_line_reader_free(lr);
    af_reader_close(in);
}

static void run_features(const uint8_t *data, size_t size)
{
    af_buf dec, norm;
    af_buf_init(&dec);
    af_buf_init(&norm);
    af_error err;
    af_text_encoding det = AF_ENC_AUTO;
    int rc = af_text_decode(data, size, AF_ENC_AUTO, &dec, &det, "fuzz.txt", &err);
    FUZZ_ASSERT(rc == 0 || rc == AF_EPARSE);
    FUZZ_ASSERT(det != AF_ENC_AUTO);
    if (rc == 0) {
        FUZZ_ASSERT(utf8_ok(dec.data, dec.len));
        FUZZ_ASSERT(af_text_normalize((const char *)dec.data, dec.len, &norm, &err) == 0);
        FUZZ_ASSERT(utf8_ok(norm.data, norm.len));
        for (size_t i = 0; i < norm.len; i++) {
            uint8_t c = norm.data[i];
            FUZZ_ASSERT(c >= 0x20 || c == '\t' || c == '\n');
            FUZZ_ASSERT(c != 0x7F);
            /* C1 controls are U+0080..U+009F: C2 80..C2 9F in UTF-8 */
            FUZZ_ASSERT(!(c == 0xC2 && i + 1 < norm.len && norm.data[i + 1] <= 0x9F));
        }
        af_text_features f;
        af_text_features_compute((const char *)norm.data, norm.len, &f);
        FUZZ_ASSERT(f.word_count >= 0 && f.word_count <= f.length);
        FUZZ_ASSERT(f.length <= (int64_t)norm.len);
        FUZZ_ASSERT(f.language && f.language[0]);
    }
    /* raw bytes straight into the normaliser: valid output or a clean error */
    af_buf_reset(&norm);
    rc = af_text_normalize((const char *)data, size, &norm, &err);
    FUZZ_ASSERT(rc == 0 || (rc == AF_EPARSE && norm.len == 0));
    FUZZ_ASSERT(rc != 0 || utf8_ok(norm.data, norm.len));
    af_text_features f;
    af_text_features_compute((const char *)data, size, &f); /* invalid bytes are skipped */
    FUZZ_ASSERT(f.length <= (int64_t)size);
    af_buf_free(&dec);
    af_buf_free(&norm);
}

static void run_blocks(const uint8_t *data, size_t size)
{
    af_error err;
    af_reader *in = NULL;
    FUZZ_ASSERT(af_reader_open_memory(data, size, "fuzz.txt", &in, &err) == 0);
    af_line_reader *lr = NULL;
    FUZZ_ASSERT(af_line_reader_new(in, 4096, &lr, &err) == 0);
    af_review_block b;
    af_review_block_init(&b);
    int rc;
    int64_t last = 0;
    while ((rc = af_review_block_next(lr, &b, &err)) == 1) {
        FUZZ_ASSERT(b.line > last);
        last = b.line;
        FUZZ_ASSERT(!b.error || b.error_line >= b.line);
        for (size_t i = 0; i < b.n_items; i++) {
            const af_review_kv *kv = &b.items[i];
            FUZZ_ASSERT(kv->key_len > 0 && kv->key_off + kv->key_len <= b.raw.len);
            FUZZ_ASSERT(kv->val_off + kv->val_len <= b.raw.len);
        }
    }
    FUZZ_ASSERT(rc == 0 || rc == AF_ELIMIT);
    af_review_block_free(&b);
    af_line_reader_free(lr);
    af_reader_close(in);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 65536)
        return 0;
    /* compiled once: pattern compilation (and JIT) would dominate each run */
    static af_logpat *fixed[6];
    static af_schema *schemas[6];
    static af_strmap types;
    if (!fixed[0]) {
        static const af_logpat_format builtins[] = {AF_LOGPAT_COMBINED, AF_LOGPAT_COMMON,
                                                    AF_LOGPAT_NGINX, AF_LOGPAT_SYSLOG3164,
                                                    AF_LOGPAT_SYSLOG5424};
        af_src_loc loc = {"fuzz", 1, 1};
        af_strmap_put(&types, "t", "timestamp", loc);
        af_strmap_put(&types, "n", "int32", loc);
        af_strmap_put(&types, "d", "float64", loc);
        af_error err;
        for (int i = 0; i < 6; i++) {
            af_logpat_options o = {.format = i < 5 ? builtins[i] : AF_LOGPAT_REGEX,
                                   .year = 2024,
                                   .timezone = "+05:30",
                                   .types = i < 5 ? NULL : &types,
                                   .pattern = "^(?<t>\\S+ \\S+) (?<n>-?[0-9]+) (?<d>\\S+) "
                                              "(?<rest>.*)$"};
            schemas[i] = af_schema_new();
            FUZZ_ASSERT(af_logpat_new(&o, &fixed[i], &err) == 0);
            FUZZ_ASSERT(af_logpat_add_columns(fixed[i], schemas[i], &err) == 0);
        }
    }
    for (int i = 0; i < 6; i++)
        run_format(fixed[i], schemas[i], data, size, false);
    af_logpat_options js = {.format = AF_LOGPAT_JSON, .types = &types, .max_json_columns = 32};
    af_logpat *jp = NULL;
    af_error err;
    FUZZ_ASSERT(af_logpat_new(&js, &jp, &err) == 0);
    af_schema *jschema = af_schema_new();
    run_format(jp, jschema, data, size, true);
    af_schema_free(jschema);
    af_logpat_free(jp);
    run_features(data, size);
    run_blocks(data, size);
    return 0;
}
