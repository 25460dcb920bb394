/* fuzz_delta_schema.c - libFuzzer harness for the Delta schemaString codec.
 *
 * A schemaString comes from the _delta_log of any table in the lake, which
 * other engines may have written, so decoding must survive any text. The
 * input is decoded; when it decodes, the schema is encoded again (which
 * must succeed: everything decode yields is encodable) and that text
 * decoded again must give the same schema, and encoding that must give
 * the same text (the codec reaches a fixed point after one trip).
 * af_delta_protocol_for must not crash on whatever was decoded. Invariants
 * hold under ASan/UBSan: no crash, leak or undefined behaviour.
 */
#include "lake/delta_log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_ASSERT(cond)                                                                          \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_delta_schema: invariant failed: %s (line %d)\n", #cond,          \
                    __LINE__);                                                                     \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

static int field_equal(const af_field *a, const af_field *b)
{
    if (strcmp(a->name, b->name) != 0 || a->nullable != b->nullable ||
        !af_type_equal(&a->type, &b->type) || a->n_children != b->n_children)
        return 0;
    for (size_t i = 0; i < a->n_children; i++)
        if (!field_equal(&a->children[i], &b->children[i]))
            return 0;
    return 1;
}

static int schema_equal(const af_schema *a, const af_schema *b)
{
    if (a->n_fields != b->n_fields)
        return 0;
    for (size_t i = 0; i < a->n_fields; i++)
        if (!field_equal(&a->fields[i], &b->fields[i]))
            return 0;
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    af_schema *s = NULL;
    af_error err = {0};
    int rc = af_delta_schema_decode(text, &s, &err);
    free(text);
    if (rc) {
        FUZZ_ASSERT(s == NULL);
        FUZZ_ASSERT(err.msg[0] != '\0');
        FUZZ_ASSERT(rc == AF_EPARSE || rc == AF_EUNSUPPORTED || rc == AF_ENOMEM);
        return 0;
    }
    FUZZ_ASSERT(s != NULL);

    af_delta_protocol p;
    af_delta_protocol_for(s, &p);
    FUZZ_ASSERT((p.min_reader == 1 && p.min_writer == 2) ||
                (p.min_reader == 3 && p.min_writer == 7));
    af_delta_protocol_free(&p);

    af_buf one, two;
    af_buf_init(&one);
    af_buf_init(&two);
    FUZZ_ASSERT(af_delta_schema_encode(s, &one, &err) == 0);
    af_schema *back = NULL;
    FUZZ_ASSERT(af_delta_schema_decode(af_buf_cstr(&one), &back, &err) == 0);
    FUZZ_ASSERT(schema_equal(s, back));
    FUZZ_ASSERT(af_delta_schema_encode(back, &two, &err) == 0);
    FUZZ_ASSERT(one.len == two.len && memcmp(one.data, two.data, one.len) == 0);
    af_schema_free(back);
    af_schema_free(s);
    af_buf_free(&one);
    af_buf_free(&two);
    return 0;
}
