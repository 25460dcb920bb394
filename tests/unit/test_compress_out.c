/* test_compress_out.c - streaming compressed output (io/compress_out.h).
 *
 * Every codec round-trips through af_reader_open_decompress(): CSV-like
 * text plus incompressible bytes, written in pieces from 1 byte to more
 * than the output buffer. The codecs' own CLIs (gzip -t, zstd -t, lz4 -t,
 * bzip2 -t, xz -t, brotli -t) must accept what is written, and zlib must
 * read the ISA-L gzip output. Errors: a codec that is not one, a level out
 * of range, a failing write callback (sticky), a write after finish.
 */
#include "core/buf.h"
#include "io/compress_out.h"
#include "io/decompress.h"
#include "io/reader.h"
#include "test.h"

#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

static af_error err;

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* ~1.3 MB: CSV rows, then 300 KB of noise (incompressible: the output
 * outgrows the input there), then more rows. */
static void make_data(af_buf *b)
{
    for (int i = 0; i < 30000; i++)
        af_buf_printf(b, "%d,customer-%llu,%d.%02d,2024-01-%02d\n", i,
                      (unsigned long long)(rnd() % 5000), (int)(rnd() % 900), (int)(rnd() % 100),
                      (int)(rnd() % 28 + 1));
    for (int i = 0; i < 300000; i++) {
        uint8_t byte = (uint8_t)rnd();
        af_buf_append(b, &byte, 1);
    }
    for (int i = 0; i < 5000; i++)
        af_buf_printf(b, "%d,tail\n", i);
}

/* ---- a memory sink that can be told to fail ---- */

typedef struct sink {
    af_buf data;
    int calls;
    size_t largest;
    int fail_at; /* the call that fails (1-based); 0 = never */
} sink;

static int sink_write(void *ctx, const void *p, size_t n, af_error *e)
{
    sink *s = ctx;
    s->calls++;
    if (s->fail_at && s->calls >= s->fail_at)
        return af_error_set(e, AF_EIO, "out.bin: disk full");
    if (n > s->largest)
        s->largest = n;
    af_buf_append(&s->data, p, n);
    return AF_OK;
}

/* Writes `data` through a compressor in pieces of varying size. */
static int compress_all(af_compression c, int level, const af_buf *data, sink *s)
{
    af_compress_out *o;
    int rc = af_compress_out_new(c, level, sink_write, s, "out.bin", &o, &err);
    CHECK_INT(rc, AF_OK);
    if (rc)
        return rc;
    static const size_t pieces[] = {1, 7, 4096, 65536, 300000, 3, 1000000};
    size_t pos = 0;
    for (int i = 0; !rc && pos < data->len; i++) {
        size_t k = pieces[i % 7];
        if (k > data->len - pos)
            k = data->len - pos;
        rc = af_compress_out_write(o, data->data + pos, k, &err);
        pos += k;
    }
    rc = rc ? rc : af_compress_out_finish(o, &err);
    if (!rc) {
        CHECK_INT(af_compress_out_bytes_in(o), data->len);
        CHECK_INT(af_compress_out_bytes_out(o), s->data.len);
    }
    af_compress_out_free(o);
    return rc;
}

static void decode(const af_buf *comp, af_compression forced, af_compression want_codec,
                   af_buf *out)
{
    af_reader *inner, *r;
    CHECK_INT(af_reader_open_memory(comp->data ? comp->data : (const uint8_t *)"", comp->len,
                                    "out.bin", &inner, &err),
              AF_OK);
    af_decompress_options o;
    af_decompress_options_default(&o);
    o.compression = forced;
    CHECK_INT(af_reader_open_decompress(inner, &o, &r, &err), AF_OK);
    CHECK_INT(af_reader_compression(r), want_codec);
    uint8_t buf[65536];
    ssize_t n;
    while ((n = af_reader_read(r, buf, sizeof buf, &err)) > 0)
        af_buf_append(out, buf, (size_t)n);
    if (n < 0)
        fprintf(stderr, "  decode: %s\n", err.msg);
    CHECK_INT(n, 0);
    af_reader_close(r);
}

/* The exit status of `tool -t` on the stream; 127: the tool is not installed. */
static int cli_status(const char *tool, const af_buf *comp)
{
    char path[] = "/tmp/af_compress_out_XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    CHECK(write(fd, comp->data ? comp->data : (const uint8_t *)"", comp->len) ==
          (ssize_t)comp->len);
    close(fd);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "%s -t %s < /dev/null > /dev/null 2>&1", tool, path);
    int st = system(cmd);
    unlink(path);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The codec's CLI accepts the stream. */
static void check_cli(const char *tool, const af_buf *comp)
{
    int code = cli_status(tool, comp);
    if (code == 127) {
        fprintf(stderr, "note: %s is not installed; its check of the output is skipped\n", tool);
        return;
    }
    if (code != 0)
        fprintf(stderr, "  %s -t rejected the output (exit %d)\n", tool, code);
    CHECK_INT(code, 0);
}

typedef struct codec_case {
    af_compression c;
    int level;
    const char *cli; /* NULL: none to ask */
} codec_case;

static const codec_case cases[] = {
    {AF_COMPRESSION_NONE, 0, NULL},       {AF_COMPRESSION_GZIP, 0, "gzip"},
    {AF_COMPRESSION_GZIP, 1, "gzip"},     {AF_COMPRESSION_GZIP, 3, "gzip"},
    {AF_COMPRESSION_GZIP, 9, "gzip"},     {AF_COMPRESSION_ZSTD, 0, "zstd"},
    {AF_COMPRESSION_ZSTD, -5, "zstd"},    {AF_COMPRESSION_ZSTD, 19, "zstd"},
    {AF_COMPRESSION_LZ4, 0, "lz4"},       {AF_COMPRESSION_LZ4, 9, "lz4"},
    {AF_COMPRESSION_BZIP2, 0, "bzip2"},   {AF_COMPRESSION_BZIP2, 1, "bzip2"},
    {AF_COMPRESSION_XZ, 1, "xz"},         {AF_COMPRESSION_XZ, 0, "xz"},
    {AF_COMPRESSION_BROTLI, 0, "brotli"}, {AF_COMPRESSION_BROTLI, 2, "brotli"},
};

TEST(every_codec_round_trips_and_its_cli_accepts_the_output)
{
    af_buf data;
    af_buf_init(&data);
    make_data(&data);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const codec_case *k = &cases[i];
        sink s;
        memset(&s, 0, sizeof s);
        af_buf_init(&s.data);
        CHECK_INT(compress_all(k->c, k->level, &data, &s), AF_OK);
        /* brotli has no magic: the reader must be told */
        af_compression forced = k->c == AF_COMPRESSION_BROTLI ? k->c : AF_COMPRESSION_AUTO;
        af_buf back;
        af_buf_init(&back);
        decode(&s.data, forced, k->c, &back);
        if (back.len != data.len)
            fprintf(stderr, "  %s level %d: %zu bytes back of %zu\n", af_compression_name(k->c),
                    k->level, back.len, data.len);
        CHECK(back.len == data.len && memcmp(back.data, data.data, data.len) == 0);
        if (k->c == AF_COMPRESSION_NONE) {
            CHECK(s.data.len == data.len && memcmp(s.data.data, data.data, data.len) == 0);
        } else {
            /* compressed, in bounded pieces */
            CHECK(s.data.len < data.len);
            CHECK(s.largest <= 512 * 1024);
            CHECK(s.calls >= 2);
        }
        if (k->cli)
            check_cli(k->cli, &s.data);
        af_buf_free(&back);
        af_buf_free(&s.data);
    }
    af_buf_free(&data);
}

TEST(the_cli_check_can_fail)
{
    /* so that a passing check_cli() above means something */
    af_buf data;
    af_buf_init(&data);
    make_data(&data);
    static const af_compression cs[] = {AF_COMPRESSION_GZIP, AF_COMPRESSION_ZSTD,
                                        AF_COMPRESSION_BZIP2, AF_COMPRESSION_XZ};
    static const char *const clis[] = {"gzip", "zstd", "bzip2", "xz"};
    for (int i = 0; i < 4; i++) {
        sink s;
        memset(&s, 0, sizeof s);
        af_buf_init(&s.data);
        CHECK_INT(compress_all(cs[i], 1, &data, &s), AF_OK);
        s.data.data[s.data.len / 3] ^= 0x20;
        int code = cli_status(clis[i], &s.data);
        CHECK(code != 0);
        af_buf_free(&s.data);
    }
    af_buf_free(&data);
}

TEST(isal_gzip_output_is_read_by_zlib)
{
    af_buf data;
    af_buf_init(&data);
    make_data(&data);
    for (int level = 1; level <= 3; level++) {
        sink s;
        memset(&s, 0, sizeof s);
        af_buf_init(&s.data);
        CHECK_INT(compress_all(AF_COMPRESSION_GZIP, level, &data, &s), AF_OK);
        CHECK_INT(s.data.data[0], 0x1f);
        CHECK_INT(s.data.data[1], 0x8b);
        z_stream zs;
        memset(&zs, 0, sizeof zs);
        CHECK(inflateInit2(&zs, 15 + 16) == Z_OK);
        uint8_t *out = malloc(data.len + 1);
        zs.next_in = s.data.data;
        zs.avail_in = (unsigned)s.data.len;
        zs.next_out = out;
        zs.avail_out = (unsigned)data.len + 1;
        CHECK_INT(inflate(&zs, Z_FINISH), Z_STREAM_END);
        CHECK_INT(zs.total_out, data.len);
        CHECK_INT(zs.avail_in, 0); /* nothing after the trailer */
        CHECK(memcmp(out, data.data, data.len) == 0);
        inflateEnd(&zs);
        free(out);
        af_buf_free(&s.data);
    }
    af_buf_free(&data);
}

TEST(empty_streams_are_valid)
{
    static const af_compression cs[] = {AF_COMPRESSION_GZIP, AF_COMPRESSION_ZSTD,
                                        AF_COMPRESSION_LZ4,  AF_COMPRESSION_BZIP2,
                                        AF_COMPRESSION_XZ,   AF_COMPRESSION_BROTLI};
    static const char *const clis[] = {"gzip", "zstd", "lz4", "bzip2", "xz", "brotli"};
    for (int i = 0; i < 6; i++) {
        for (int level = 0; level < 2; level++) {
            sink s;
            memset(&s, 0, sizeof s);
            af_buf_init(&s.data);
            af_compress_out *o;
            CHECK_INT(af_compress_out_new(cs[i], level, sink_write, &s, "e", &o, &err), AF_OK);
            CHECK_INT(af_compress_out_write(o, "", 0, &err), AF_OK);
            CHECK_INT(af_compress_out_finish(o, &err), AF_OK);
            CHECK(s.data.len > 0); /* a header and a trailer at least */
            size_t len = s.data.len;
            CHECK_INT(af_compress_out_finish(o, &err), AF_OK); /* again: nothing more */
            CHECK_INT(s.data.len, len);
            af_compress_out_free(o);
            af_buf back;
            af_buf_init(&back);
            decode(&s.data, cs[i] == AF_COMPRESSION_BROTLI ? cs[i] : AF_COMPRESSION_AUTO, cs[i],
                   &back);
            CHECK_INT(back.len, 0);
            check_cli(clis[i], &s.data);
            af_buf_free(&back);
            af_buf_free(&s.data);
        }
    }
}

TEST(bad_codec_and_level)
{
    sink s;
    memset(&s, 0, sizeof s);
    af_compress_out *o = (af_compress_out *)&s;
    CHECK_INT(af_compress_out_new(AF_COMPRESSION_AUTO, 0, sink_write, &s, "x.csv", &o, &err),
              AF_EINVAL);
    CHECK_STR(err.msg,
              "x.csv: auto is not an output compression (choices: none|gzip|zstd|lz4|bzip2|xz|"
              "brotli)");
    CHECK(o == NULL);
    CHECK_INT(af_compress_out_new((af_compression)42, 0, sink_write, &s, "x.csv", &o, &err),
              AF_EINVAL);
    CHECK_STR(err.msg, "x.csv: unknown is not an output compression (choices: "
                       "none|gzip|zstd|lz4|bzip2|xz|brotli)");
    CHECK_INT(af_compress_out_new(AF_COMPRESSION_GZIP, 10, sink_write, &s, "x.csv.gz", &o, &err),
              AF_EINVAL);
    CHECK_STR(err.msg, "x.csv.gz: gzip level 10 is out of range (1-9, or 0 for 6)");
    CHECK_INT(af_compress_out_new(AF_COMPRESSION_BZIP2, -1, sink_write, &s, NULL, &o, &err),
              AF_EINVAL);
    CHECK_STR(err.msg, "<output>: bzip2 level -1 is out of range (1-9, or 0 for 9)");
    CHECK_INT(af_compress_out_new(AF_COMPRESSION_BROTLI, 12, sink_write, &s, "b", &o, &err),
              AF_EINVAL);
    CHECK_STR(err.msg, "b: brotli level 12 is out of range (1-11, or 0 for 6)");
    CHECK_INT(af_compress_out_new(AF_COMPRESSION_ZSTD, 0, NULL, &s, "z", &o, &err), AF_EINVAL);
    CHECK_STR(err.msg, "z: no write callback for the compressed output");
}

TEST(a_failing_write_is_sticky)
{
    af_buf data;
    af_buf_init(&data);
    make_data(&data);
    static const af_compression cs[] = {AF_COMPRESSION_NONE, AF_COMPRESSION_GZIP,
                                        AF_COMPRESSION_ZSTD, AF_COMPRESSION_XZ};
    for (int i = 0; i < 4; i++) {
        sink s;
        memset(&s, 0, sizeof s);
        af_buf_init(&s.data);
        s.fail_at = 2;
        af_compress_out *o;
        CHECK_INT(af_compress_out_new(cs[i], 1, sink_write, &s, "out.bin", &o, &err), AF_OK);
        int rc = AF_OK;
        for (size_t pos = 0; !rc && pos < data.len; pos += 1000) {
            size_t k = data.len - pos < 1000 ? data.len - pos : 1000;
            rc = af_compress_out_write(o, data.data + pos, k, &err);
        }
        rc = rc ? rc : af_compress_out_finish(o, &err);
        CHECK_INT(rc, AF_EIO);
        CHECK_STR(err.msg, "out.bin: disk full");
        int calls = s.calls;
        memset(&err, 0, sizeof err);
        CHECK_INT(af_compress_out_write(o, "x", 1, &err), AF_EIO);
        CHECK_STR(err.msg, "out.bin: disk full");
        CHECK_INT(af_compress_out_finish(o, &err), AF_EIO);
        CHECK_INT(s.calls, calls); /* the callback is not tried again */
        af_compress_out_free(o);
        af_buf_free(&s.data);
    }
    af_buf_free(&data);
}

TEST(write_after_finish_and_free_unfinished)
{
    sink s;
    memset(&s, 0, sizeof s);
    af_buf_init(&s.data);
    af_compress_out *o;
    CHECK_INT(af_compress_out_new(AF_COMPRESSION_GZIP, 0, sink_write, &s, "o.gz", &o, &err), AF_OK);
    CHECK_INT(af_compress_out_write(o, "a,b\n", 4, &err), AF_OK);
    CHECK_INT(s.calls, 0); /* buffered until the buffer fills or the stream ends */
    CHECK_INT(af_compress_out_finish(o, &err), AF_OK);
    CHECK_INT(s.calls, 1);
    CHECK_INT(af_compress_out_write(o, "c\n", 2, &err), AF_EINVAL);
    CHECK_STR(err.msg, "o.gz: write after the compressed stream was finished");
    af_compress_out_free(o);
    af_buf back;
    af_buf_init(&back);
    decode(&s.data, AF_COMPRESSION_AUTO, AF_COMPRESSION_GZIP, &back);
    CHECK_INT(back.len, 4);
    CHECK(memcmp(back.data, "a,b\n", 4) == 0);
    af_buf_free(&back);
    /* an aborted stream: freed without finish, nothing leaks (ASan) */
    for (int c = AF_COMPRESSION_NONE; c <= AF_COMPRESSION_BROTLI; c++) {
        CHECK_INT(af_compress_out_new((af_compression)c, 0, sink_write, &s, "o", &o, &err), AF_OK);
        CHECK_INT(af_compress_out_write(o, "a,b\n", 4, &err), AF_OK);
        af_compress_out_free(o);
    }
    af_compress_out_free(NULL);
    af_buf_free(&s.data);
}

TEST_MAIN()
