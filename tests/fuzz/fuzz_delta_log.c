/* fuzz_delta_log.c - libFuzzer harness for Delta commit files.
 *
 * Commit files come from the _delta_log of any table in the lake, which
 * other engines (or a damaged disk) may have written, so decoding must
 * survive any bytes. The input is decoded as one commit; when it decodes,
 * it is encoded again and decoded again, and the two decodings must hold
 * the same actions (counts, paths, partition values, sizes, metadata
 * fields), and encoding the second must give the first encoding's text.
 * The path and segment codecs run on every add's path. Invariants hold
 * under ASan/UBSan: no crash, leak or undefined behaviour.
 */
#include "lake/delta_log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_ASSERT(cond)                                                                          \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_delta_log: invariant failed: %s (line %d)\n", #cond, __LINE__);  \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

static int str_eq(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static void files_equal(const af_delta_file *a, const af_delta_file *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        FUZZ_ASSERT(str_eq(a[i].path, b[i].path));
        FUZZ_ASSERT(a[i].size == b[i].size);
        FUZZ_ASSERT(a[i].n_partition == b[i].n_partition);
        for (size_t k = 0; k < a[i].n_partition; k++) {
            FUZZ_ASSERT(str_eq(a[i].partition[k].column, b[i].partition[k].column));
            FUZZ_ASSERT(str_eq(a[i].partition[k].value, b[i].partition[k].value));
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    af_delta_actions a;
    af_error err = {0};
    if (af_delta_actions_decode((const char *)data, size, "fuzz", &a, &err) != AF_OK)
        return 0;
    af_buf t1, t2, scratch;
    af_buf_init(&t1);
    af_buf_init(&t2);
    af_buf_init(&scratch);
    /* a commit without commitInfo is encoded without one: compare like with like */
    FUZZ_ASSERT(af_delta_actions_encode(&a, &t1) == AF_OK);
    af_delta_actions b;
    FUZZ_ASSERT(af_delta_actions_decode(t1.data ? (const char *)t1.data : "", t1.len, "again", &b,
                                        &err) == AF_OK);
    FUZZ_ASSERT(a.n_adds == b.n_adds && a.n_removes == b.n_removes && a.n_txns == b.n_txns);
    FUZZ_ASSERT(a.has_metadata == b.has_metadata && a.has_protocol == b.has_protocol);
    files_equal(a.adds, b.adds, a.n_adds);
    files_equal(a.removes, b.removes, a.n_removes);
    if (a.has_metadata) {
        FUZZ_ASSERT(str_eq(a.metadata.id, b.metadata.id));
        FUZZ_ASSERT(str_eq(a.metadata.schema_string, b.metadata.schema_string));
        FUZZ_ASSERT(a.metadata.partition_columns.len == b.metadata.partition_columns.len);
    }
    FUZZ_ASSERT(af_delta_actions_encode(&b, &t2) == AF_OK);
    FUZZ_ASSERT(t1.len == t2.len && (t1.len == 0 || memcmp(t1.data, t2.data, t1.len) == 0));
    for (size_t i = 0; i < a.n_adds; i++) {
        if (af_delta_path_decode(a.adds[i].path, &scratch, &err) == AF_OK) {
            /* encoding the decoded path and decoding again is the identity */
            af_buf enc, dec;
            af_buf_init(&enc);
            af_buf_init(&dec);
            char *obj = af_strndup((const char *)scratch.data, scratch.len);
            if (obj && strlen(obj) == scratch.len) {
                FUZZ_ASSERT(af_delta_path_encode(obj, &enc) == AF_OK);
                FUZZ_ASSERT(af_delta_path_decode(af_buf_cstr(&enc), &dec, &err) == AF_OK);
                FUZZ_ASSERT(dec.len == scratch.len && memcmp(dec.data, scratch.data, dec.len) == 0);
            }
            free(obj);
            af_buf_free(&enc);
            af_buf_free(&dec);
        }
        af_buf_reset(&scratch);
        FUZZ_ASSERT(af_delta_path_encode_segment(a.adds[i].path, &scratch) == AF_OK);
    }
    af_delta_actions_free(&a);
    af_delta_actions_free(&b);
    af_buf_free(&t1);
    af_buf_free(&t2);
    af_buf_free(&scratch);
    return 0;
}
