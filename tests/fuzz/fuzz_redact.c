/* fuzz_redact.c - libFuzzer harness for af_redact.
 *
 * Properties checked on arbitrary bytes:
 *   1. it never crashes, reads out of bounds or leaks (sanitizers);
 *   2. the output never contains a registered secret: one fixed secret and
 *      one taken from the input itself, so the fuzzer can place secrets
 *      across pattern boundaries, inside key names and next to escapes;
 *   3. with no registered secrets, a valid JSON document stays valid JSON
 *      (the logger redacts finished JSON lines).
 * Build: cmake -DCMAKE_C_COMPILER=clang -DAF_FUZZ=ON, run
 *   fuzz_redact tests/fuzz/corpus/redact
 */
#include "security/redact.h"

#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char FIXED_SECRET[] = "hunter2-Secret";

static int contains(const uint8_t *h, size_t hn, const char *needle, size_t nn)
{
    return nn && hn >= nn && memmem(h, hn, needle, nn) != NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* Property 3 first, with an empty registry. */
    af_redact_clear();
    af_buf out;
    af_buf_init(&out);
    const int jflags = JSON_DECODE_ANY | JSON_ALLOW_NUL;
    json_t *doc = json_loadb((const char *)data, size, jflags, NULL);
    if (doc) {
        json_decref(doc);
        if (af_redact((const char *)data, size, &out) == 0) {
            json_error_t je;
            json_t *again = json_loadb((const char *)out.data, out.len, jflags, &je);
            if (!again)
                abort(); /* redaction broke a valid JSON document */
            json_decref(again);
        }
        af_buf_reset(&out);
    }

    /* Property 2: the first byte picks a length, the next bytes the secret. */
    char dyn[65] = {0};
    size_t dn = 0;
    if (size > 1) {
        dn = data[0] % 64;
        if (dn > size - 1)
            dn = size - 1;
        memcpy(dyn, data + 1, dn);
        dyn[dn] = '\0';
        dn = strlen(dyn); /* the registry takes C strings */
    }
    af_redact_register(FIXED_SECRET);
    if (dn >= 4)
        af_redact_register(dyn);

    if (af_redact((const char *)data, size, &out) == 0) {
        if (contains(out.data, out.len, FIXED_SECRET, sizeof FIXED_SECRET - 1))
            abort();
        /* A mask writes '*' and '"', so a secret made of those could be
         * spelled by the masks themselves; only check the others. */
        if (dn >= 4 && !memchr(dyn, '*', dn) && !memchr(dyn, '"', dn) &&
            contains(out.data, out.len, dyn, dn))
            abort();
    }
    af_buf_free(&out);
    af_redact_clear();
    return 0;
}
