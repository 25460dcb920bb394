/* fuzz_archive.c - libFuzzer harness for the input set over archives
 * (io/input_set.h, io/archive.c): arbitrary bytes as a top-level stream,
 * detected as zip/tar/compressed and expanded into leaves, nested.
 *
 * Byte 0 picks the options (threaded top-level decompression, nesting
 * limit, a member filter, the consumer's read size); the rest is the
 * stream, given through af_input_set_open_reader over a memory reader.
 * Every leaf is read to its end (up to a budget, which also exercises a
 * close in mid-member). Invariants: no crash, leak or hang; every error
 * has a known code and a message; next() keeps making progress after
 * errors and ends with 0; progress ends at the stream size.
 */
#include "core/buf.h"
#include "io/input_set.h"

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

/* decoded bytes read over all leaves (a small input can inflate a lot) */
#define MAX_OUT ((size_t)8 << 20)

static bool known_code(int rc)
{
    return rc == AF_EPARSE || rc == AF_EUNSUPPORTED || rc == AF_ELIMIT || rc == AF_EIO;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    uint8_t opt = data[0];
    data++;
    size--;
    af_input_options o;
    af_input_options_default(&o);
    o.threaded = (opt & 1) != 0;
    o.max_depth = 1 + ((opt >> 1) & 3);
    static const char *const filter[] = {"*.csv", "a/*"};
    if (opt & 8) {
        o.members = filter;
        o.n_members = 2;
    }
    size_t read_size = (opt & 16) ? 7 : 65536;
    af_reader *r = NULL;
    af_error err = {0};
    CHECK(af_reader_open_memory(data, size, "fuzz", &r, &err) == AF_OK);
    af_input_set *s = NULL;
    CHECK(af_input_set_open_reader(r, "fuzz.bin", &o, &s, &err) == AF_OK);
    static uint8_t buf[65536];
    size_t out = 0;
    int calls = 0;
    for (;;) {
        af_input in;
        memset(&err, 0, sizeof err);
        int rc = af_input_set_next(s, &in, &err);
        /* each call consumes a member header or more: far fewer calls
         * than input bytes, or next() is going round in circles */
        CHECK(++calls <= (int)size + 16);
        if (rc == 0)
            break;
        if (rc < 0) {
            if (!known_code(rc))
                fprintf(stderr, "unexpected code %d: %s\n", rc, err.msg);
            CHECK(known_code(rc));
            CHECK(err.msg[0] != 0);
            continue;
        }
        CHECK(rc == 1 && in.reader && in.name && in.path);
        CHECK(strncmp(in.name, "fuzz.bin", 8) == 0);
        CHECK((in.member == NULL) == (strcmp(in.name, "fuzz.bin") == 0));
        while (out < MAX_OUT) {
            ssize_t n = af_reader_read(in.reader, buf, read_size, &err);
            if (n < 0) {
                CHECK(known_code((int)n));
                CHECK(err.msg[0] != 0);
                break;
            }
            if (n == 0)
                break;
            out += (size_t)n;
        }
    }
    CHECK(af_input_set_bytes_read(s) == (int64_t)size);
    af_input_set_free(s);
    return 0;
}
