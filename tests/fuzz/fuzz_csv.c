/* fuzz_csv.c - libFuzzer harness for the CSV tokenizer and writer.
 *
 * The first input byte picks the dialect (delimiter, quoting, escape,
 * comments, trim, a small record limit); the rest is the CSV text. It is
 * read three times: from a memory reader in one piece, and through a reader
 * that hands out at most 1 and at most 7 bytes per call, so every chunk
 * boundary the tokenizer has to carry over is hit. Invariants:
 *  - no crash, leak or undefined behaviour (run under ASan/UBSan);
 *  - every record's raw bytes are exactly the input at its offset, offsets
 *    and line numbers only grow, fields never hold more bytes than raw;
 *  - all three reads give identical records and the same final status;
 *  - fields written back with the writer read back unchanged;
 *  - delimiter and encoding detection never crash, and text conversion in
 *    one piece and as a stream agree and give valid UTF-8.
 */
#include "../chunk_reader.h"
#include "formats/csv.h"
#include "formats/csv_sniff.h"
#include "io/transcode.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t mix(uint64_t h, const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 1099511628211ull;
    return h;
}

static uint64_t mix_int(uint64_t h, int64_t v)
{
    return mix(h, &v, sizeof v);
}

#define FUZZ_ASSERT(cond)                                                                          \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_csv: invariant failed: %s (line %d)\n", #cond, __LINE__);        \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

/* Writes the record's fields as one CSV line and checks that the plain
 * RFC 4180 dialect reads the same bytes back. */
static void check_round_trip(const af_csv_record *rec, char delim)
{
    af_csv_write_options o;
    af_csv_write_options_default(&o);
    o.delimiter = delim;
    af_buf out;
    af_buf_init(&out);
    for (size_t i = 0; i < rec->n_fields; i++) {
        if (i)
            FUZZ_ASSERT(af_buf_append_byte(&out, (uint8_t)delim) == 0);
        FUZZ_ASSERT(af_csv_write_field(&out, rec->fields[i].data, rec->fields[i].len, false, &o) ==
                    0);
    }
    FUZZ_ASSERT(af_buf_append_str(&out, "\n") == 0);

    af_reader *in = NULL;
    af_error err;
    FUZZ_ASSERT(af_reader_open_memory(out.data, out.len, "rt", &in, &err) == 0);
    af_csv_dialect d;
    af_csv_dialect_default(&d);
    d.delimiter = delim;
    af_csv_reader *r = NULL;
    FUZZ_ASSERT(af_csv_reader_new(in, &d, &r, &err) == 0);
    af_csv_record back;
    FUZZ_ASSERT(af_csv_reader_next(r, &back, &err) == 1);
    FUZZ_ASSERT(back.error == NULL);
    FUZZ_ASSERT(back.n_fields == rec->n_fields);
    for (size_t i = 0; i < rec->n_fields; i++) {
        FUZZ_ASSERT(back.fields[i].len == rec->fields[i].len);
        FUZZ_ASSERT(back.fields[i].len == 0 ||
                    memcmp(back.fields[i].data, rec->fields[i].data, back.fields[i].len) == 0);
    }
    FUZZ_ASSERT(af_csv_reader_next(r, &back, &err) == 0);
    af_csv_reader_free(r);
    af_reader_close(in);
    af_buf_free(&out);
}

/* Reads everything; returns a digest of all records and the final status. */
static uint64_t run(af_reader *in, const af_csv_dialect *d, const uint8_t *data, size_t len,
                    bool round_trip, size_t *n_records)
{
    af_csv_reader *r = NULL;
    af_error err;
    if (af_csv_reader_new(in, d, &r, &err) != 0)
        return 0;
    uint64_t h = 1469598103934665603ull;
    af_csv_record rec;
    int rc;
    int64_t last_offset = -1, last_line = 0;
    size_t n = 0;
    while ((rc = af_csv_reader_next(r, &rec, &err)) == 1) {
        n++;
        FUZZ_ASSERT(rec.offset > last_offset);
        FUZZ_ASSERT(rec.line > last_line);
        FUZZ_ASSERT(rec.offset >= 0 && (uint64_t)rec.offset + rec.raw_len <= len);
        FUZZ_ASSERT(rec.raw_len == 0 || memcmp(rec.raw, data + rec.offset, rec.raw_len) == 0);
        FUZZ_ASSERT(rec.n_fields >= 1);
        FUZZ_ASSERT(rec.raw_len <= d->max_record_bytes);
        size_t total = 0;
        for (size_t i = 0; i < rec.n_fields; i++)
            total += rec.fields[i].len;
        FUZZ_ASSERT(total <= rec.raw_len);
        FUZZ_ASSERT(af_csv_reader_offset(r) >= rec.offset + (int64_t)rec.raw_len);
        last_offset = rec.offset;
        last_line = rec.line;

        h = mix_int(h, rec.line);
        h = mix_int(h, rec.offset);
        h = mix_int(h, (int64_t)rec.n_fields);
        h = mix(h, rec.error ? rec.error : "-", rec.error ? strlen(rec.error) : 1);
        for (size_t i = 0; i < rec.n_fields; i++) {
            h = mix_int(h, (int64_t)rec.fields[i].len * 2 + rec.fields[i].quoted);
            h = mix(h, rec.fields[i].data, rec.fields[i].len);
        }
        if (round_trip)
            check_round_trip(&rec, d->delimiter);
    }
    FUZZ_ASSERT(rc == 0 || rc == AF_ELIMIT);
    if (rc == 0)
        FUZZ_ASSERT(af_csv_reader_offset(r) == (int64_t)len);
    h = mix_int(h, rc);
    af_csv_reader_free(r);
    *n_records = n;
    return h;
}

/* Dialect and encoding detection on the same bytes: the sniffer returns
 * one of its candidates (or the default), and whatever encoding is
 * detected, conversion either fails with a message or yields valid UTF-8
 * that the whole-buffer and the streaming converters agree on. */
static void check_detection(const uint8_t *data, size_t size, const af_csv_dialect *d)
{
    char delim = af_csv_sniff_delimiter(data, size, size & 1, d, 0);
    FUZZ_ASSERT(delim == d->delimiter || strchr(AF_CSV_SNIFF_CANDIDATES, delim));
    af_buf whole;
    af_buf_init(&whole);
    af_error err = {0};
    af_text_encoding e = af_text_encoding_detect(data, size, NULL);
    int rc = af_text_to_utf8(e, data, size, &whole, "fuzz.csv", &err);
    if (rc == 0)
        FUZZ_ASSERT(af_utf8_valid_prefix((const uint8_t *)whole.data, whole.len) == whole.len ||
                    e == AF_ENC_UTF8);
    else
        FUZZ_ASSERT(err.msg[0] != 0);
    if (e != AF_ENC_UTF8) {
        af_reader *mem = NULL, *t = NULL;
        if (af_reader_open_memory(data, size, "fuzz.csv", &mem, &err) == 0 &&
            af_reader_open_transcode(mem, e, &t, NULL, &err) == 0) {
            af_buf streamed;
            af_buf_init(&streamed);
            uint8_t buf[333];
            ssize_t k;
            while ((k = af_reader_read(t, buf, sizeof buf, &err)) > 0)
                af_buf_append(&streamed, buf, (size_t)k);
            if (rc == 0 && k == 0)
                FUZZ_ASSERT(streamed.len == whole.len &&
                            (whole.len == 0 || memcmp(streamed.data, whole.data, whole.len) == 0));
            af_buf_free(&streamed);
            af_reader_close(t);
        }
    }
    af_buf_free(&whole);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    static const char delims[4] = {',', ';', '\t', '|'};
    uint8_t sel = data[0];
    data++;
    size--;

    af_csv_dialect d;
    af_csv_dialect_default(&d);
    d.delimiter = delims[sel & 3];
    if (sel & 4)
        d.quote = 0;
    if (sel & 8)
        d.escape = '\\';
    if (sel & 16)
        d.comment = '#';
    d.trim = (sel & 32) != 0;
    if (sel & 64)
        d.max_record_bytes = 48;

    af_reader *mem = NULL;
    af_error err;
    if (af_reader_open_memory(data, size, "fuzz.csv", &mem, &err) != 0)
        return 0;
    size_t n_one = 0;
    uint64_t h_one = run(mem, &d, data, size, true, &n_one);
    af_reader_close(mem);

    static const size_t ks[2] = {1, 7};
    for (int i = 0; i < 2; i++) {
        chunk_priv c = {data, size, 0, ks[i]};
        af_reader small = {0};
        small.read = chunk_read;
        small.close = chunk_close;
        small.name = "fuzz.csv";
        /* K=1 announces the size (small buffer, cheap runs); K=7 does not,
         * which exercises the growing buffer of unknown-size streams */
        small.size = ks[i] == 1 ? (int64_t)size : -1;
        small.priv = &c;
        size_t n = 0;
        uint64_t h = run(&small, &d, data, size, false, &n);
        FUZZ_ASSERT(n == n_one);
        FUZZ_ASSERT(h == h_one);
    }
    check_detection(data, size, &d);
    return 0;
}
