/* test_transcode.c - text encodings (io/transcode.h): detection, UTF-8
 * validation at every kind of bad sequence, whole-buffer conversion and the
 * reader layer, which must give the same bytes however the input is cut. */
#include "chunk_reader.h"
#include "io/transcode.h"
#include "test.h"

static af_error err;

/* A reader that hands out at most k bytes per call. */
static af_reader *open_drip(const void *p, size_t n, size_t k)
{
    return chunk_reader_open(p, n, k, "in.csv", (int64_t)n);
}

/* Reads everything through the transcoding layer; returns the rc of the
 * first failing read (0 when all went well). */
static int read_all(const void *p, size_t n, size_t k, af_text_encoding e, af_buf *out,
                    af_text_encoding *found)
{
    af_reader *t = NULL;
    int rc = af_reader_open_transcode(open_drip(p, n, k), e, &t, found, &err);
    if (rc)
        return rc;
    char buf[5];
    for (;;) {
        ssize_t got = af_reader_read(t, buf, sizeof buf, &err);
        if (got < 0) {
            rc = (int)got;
            break;
        }
        if (got == 0)
            break;
        af_buf_append(out, buf, (size_t)got);
    }
    af_reader_close(t);
    return rc;
}

TEST(names_and_aliases)
{
    af_text_encoding e;
    CHECK_INT(af_text_encoding_parse("UTF8", &e, &err), 0);
    CHECK_INT(e, AF_ENC_UTF8);
    CHECK_INT(af_text_encoding_parse("iso-8859-1", &e, &err), 0);
    CHECK_INT(e, AF_ENC_LATIN1);
    CHECK_INT(af_text_encoding_parse("CP1252", &e, &err), 0);
    CHECK_INT(e, AF_ENC_CP1252);
    CHECK_INT(af_text_encoding_parse("ebcdic", &e, &err), AF_EINVAL);
    CHECK_STR(err.msg, "unknown text encoding 'ebcdic' (expected one of "
                       "auto|utf-8|utf-16le|utf-16be|latin-1|windows-1252)");
    CHECK_STR(af_text_encoding_name(AF_ENC_UTF16BE), "utf-16be");
}

TEST(utf8_validation)
{
    const struct {
        const char *s;
        size_t valid;
    } cases[] = {
        {"plain ascii text", 16},
        {"caf\xC3\xA9", 5},
        {"\xE2\x82\xAC euro", 8},
        {"\xF0\x9F\x98\x80!", 5},
        {"ab\xC0\xAF", 2},         /* overlong '/' */
        {"ab\xE0\x80\xAF", 2},     /* overlong 3-byte */
        {"ab\xED\xA0\x80", 2},     /* UTF-16 surrogate */
        {"ab\xF4\x90\x80\x80", 2}, /* above U+10FFFF */
        {"abcdefgh\xFF", 8},       /* after an 8-byte ASCII run */
        {"abc\xC3", 3},            /* truncated */
        {"\x80", 0},               /* lone continuation */
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        CHECK_INT(af_utf8_valid_prefix((const uint8_t *)cases[i].s, strlen(cases[i].s)),
                  cases[i].valid);
}

TEST(detection)
{
    size_t bom;
    CHECK_INT(af_text_encoding_detect((const uint8_t *)"\xEF\xBB\xBFid,x", 7, &bom), AF_ENC_UTF8);
    CHECK_INT(bom, 3);
    CHECK_INT(af_text_encoding_detect((const uint8_t *)"\xFF\xFEi\0d\0", 6, &bom), AF_ENC_UTF16LE);
    CHECK_INT(bom, 2);
    CHECK_INT(af_text_encoding_detect((const uint8_t *)"\xFE\xFF\0i\0d", 6, &bom), AF_ENC_UTF16BE);
    CHECK_INT(af_text_encoding_detect((const uint8_t *)"i\0d\0,\0x\0\n\0", 10, &bom),
              AF_ENC_UTF16LE);
    CHECK_INT(bom, 0);
    CHECK_INT(af_text_encoding_detect((const uint8_t *)"caf\xC3\xA9", 5, &bom), AF_ENC_UTF8);
    /* cut inside the last sequence: still UTF-8 */
    CHECK_INT(af_text_encoding_detect_head((const uint8_t *)"caf\xC3\xA9 \xE2\x82", 8, &bom),
              AF_ENC_UTF8);
    /* the same bytes as a whole text: 0x82 is a Windows-1252 quote */
    CHECK_INT(af_text_encoding_detect((const uint8_t *)"caf\xC3\xA9 \xE2\x82", 8, &bom),
              AF_ENC_CP1252);
    CHECK_INT(af_text_encoding_detect((const uint8_t *)"caf\xE9", 4, &bom), AF_ENC_LATIN1);
    /* 0x80 is the euro sign only in Windows-1252 */
    CHECK_INT(af_text_encoding_detect((const uint8_t *)"5 \x80 caf\xE9", 8, &bom), AF_ENC_CP1252);
}

TEST(whole_buffer_conversion)
{
    af_buf out;
    af_buf_init(&out);
    CHECK_INT(af_text_to_utf8(AF_ENC_CP1252, (const uint8_t *)"\x80 caf\xE9 \x93q\x94", 10, &out,
                              "x", &err),
              0);
    CHECK_STR(af_buf_cstr(&out), "\xE2\x82\xAC caf\xC3\xA9 \xE2\x80\x9Cq\xE2\x80\x9D");
    af_buf_reset(&out);
    CHECK_INT(af_text_to_utf8(AF_ENC_LATIN1, (const uint8_t *)"\x80\xE9", 2, &out, "x", &err), 0);
    CHECK_STR(af_buf_cstr(&out), "\xC2\x80\xC3\xA9");
    af_buf_reset(&out);
    /* UTF-16LE with BOM, a surrogate pair (U+1F600) */
    CHECK_INT(af_text_to_utf8(AF_ENC_AUTO, (const uint8_t *)"\xFF\xFEh\0\x3D\xD8\x00\xDE", 8, &out,
                              "x", &err),
              0);
    CHECK_STR(af_buf_cstr(&out), "h\xF0\x9F\x98\x80");
    af_buf_reset(&out);
    CHECK_INT(
        af_text_to_utf8(AF_ENC_UTF16LE, (const uint8_t *)"h\0\x00\xDE", 4, &out, "r.txt", &err),
        AF_EPARSE);
    CHECK_STR(err.msg, "r.txt: invalid UTF-16 at byte 2: a lone low surrogate");
    CHECK_INT(af_text_to_utf8(AF_ENC_UTF16BE, (const uint8_t *)"\0h\0", 3, &out, "r.txt", &err),
              AF_EPARSE);
    CHECK_STR(err.msg,
              "r.txt: invalid UTF-16 at byte 2: the text ends in the middle of a code unit");
    CHECK_INT(af_text_to_utf8(AF_ENC_UTF8,
                              (const uint8_t *)"\xEF\xBB\xBF"
                                               "ab\xFF",
                              6, &out, "r.txt", &err),
              AF_EPARSE);
    CHECK_STR(err.msg, "r.txt: invalid UTF-8 at byte 5");
    af_buf_free(&out);
}

TEST(reader_layer_any_chunking)
{
    /* "id,name\n1,Zoë😀\n" in UTF-16BE with BOM */
    const char *utf8 = "id,name\n1,Zo\xC3\xAB\xF0\x9F\x98\x80\n";
    uint8_t be[64];
    size_t n = 0;
    be[n++] = 0xFE;
    be[n++] = 0xFF;
    const char *ascii1 = "id,name\n1,Zo";
    for (const char *c = ascii1; *c; c++) {
        be[n++] = 0;
        be[n++] = (uint8_t)*c;
    }
    be[n++] = 0x00, be[n++] = 0xEB;                                 /* ë */
    be[n++] = 0xD8, be[n++] = 0x3D, be[n++] = 0xDE, be[n++] = 0x00; /* 😀 */
    be[n++] = 0, be[n++] = '\n';
    for (size_t k = 1; k <= 7; k++) {
        af_buf out;
        af_buf_init(&out);
        af_text_encoding found = AF_ENC_AUTO;
        CHECK_INT(read_all(be, n, k, AF_ENC_AUTO, &out, &found), 0);
        CHECK_INT(found, AF_ENC_UTF16BE);
        CHECK_STR(af_buf_cstr(&out), utf8);
        af_buf_free(&out);
    }
    /* UTF-8 with BOM: passed through without the BOM */
    af_buf out;
    af_buf_init(&out);
    af_text_encoding found;
    CHECK_INT(read_all("\xEF\xBB\xBFid\n1\n", 8, 3, AF_ENC_AUTO, &out, &found), 0);
    CHECK_INT(found, AF_ENC_UTF8);
    CHECK_STR(af_buf_cstr(&out), "id\n1\n");
    /* Latin-1 declared */
    af_buf_reset(&out);
    CHECK_INT(read_all("caf\xE9\n", 5, 2, AF_ENC_LATIN1, &out, &found), 0);
    CHECK_STR(af_buf_cstr(&out), "caf\xC3\xA9\n");
    /* truncated UTF-16: the last read fails with the byte offset */
    af_buf_reset(&out);
    CHECK_INT(read_all("\xFF\xFEh\0\x3D\xD8", 6, 1, AF_ENC_AUTO, &out, &found), AF_EPARSE);
    CHECK_STR(err.msg, "in.csv: invalid UTF-16 at byte 4: the text ends after a high surrogate");
    af_buf_free(&out);
}

TEST_MAIN()
