/* test_text_features.c - decoding, NFC normalisation, control stripping and
 * the cheap text features (length, words, script guess). */
#include "formats/text_features.h"
#include "test.h"

static char *norm(const char *s, size_t n, int *rc, char *msg, size_t msg_size)
{
    static char out[1024];
    af_buf b;
    af_buf_init(&b);
    af_error err = {0};
    *rc = af_text_normalize(s, n, &b, &err);
    snprintf(out, sizeof out, "%.*s", (int)b.len, b.data ? (const char *)b.data : "");
    if (msg)
        af_strlcpy(msg, err.msg, msg_size);
    af_buf_free(&b);
    return out;
}

TEST(nfc_composes_combining_accents)
{
    int rc;
    CHECK_STR(norm("e\xCC\x81", 3, &rc, NULL, 0), "\xC3\xA9"); /* e + U+0301 -> é */
    CHECK_INT(rc, AF_OK);
    CHECK_STR(norm("Cafe\xCC\x81 na\xC3\xAFve", 13, &rc, NULL, 0), "Caf\xC3\xA9 na\xC3\xAFve");
    /* a control byte between base and accent is removed first, so they still compose */
    CHECK_STR(norm("e\x01\xCC\x81", 4, &rc, NULL, 0), "\xC3\xA9");
    af_text_features f;
    af_text_features_compute("\xC3\xA9", 2, &f);
    CHECK_INT(f.length, 1);
}

TEST(controls_are_removed_but_tab_and_newline_stay)
{
    int rc;
    /* NUL, SOH, CR, DEL and C1 NEL (U+0085) go; tab and LF stay */
    const char in[] = "a\x00"
                      "b\x01"
                      "c\td\ne\r\x7F"
                      "f\xC2\x85g";
    CHECK_STR(norm(in, sizeof in - 1, &rc, NULL, 0), "abc\td\nefg");
    CHECK_INT(rc, AF_OK);
    CHECK_STR(norm("plain ascii", 11, &rc, NULL, 0), "plain ascii");
}

TEST(invalid_utf8_is_reported_with_its_offset)
{
    int rc;
    char msg[256];
    norm("ab\xFF"
         "cd",
         5, &rc, msg, sizeof msg);
    CHECK_INT(rc, AF_EPARSE);
    CHECK_STR(msg, "invalid UTF-8 at byte 2");
    norm("\xC3\xA9\xE2\x82", 4, &rc, msg, sizeof msg); /* truncated euro sign */
    CHECK_INT(rc, AF_EPARSE);
    CHECK_STR(msg, "invalid UTF-8 at byte 2");
    norm("\xED\xA0\x80", 3, &rc, msg, sizeof msg); /* a surrogate */
    CHECK_INT(rc, AF_EPARSE);
    CHECK_STR(msg, "invalid UTF-8 at byte 0");
}

static void feat(const char *s, af_text_features *f)
{
    af_text_features_compute(s, strlen(s), f);
}

TEST(word_count_and_length)
{
    af_text_features f;
    feat("Hello, world! 123 foo-bar", &f);
    CHECK_INT(f.word_count, 5);
    CHECK_INT(f.length, 25);
    CHECK_STR(f.language, "latin");
    feat("", &f);
    CHECK_INT(f.word_count, 0);
    CHECK_INT(f.length, 0);
    CHECK_STR(f.language, "unknown");
    feat("123 !!! 456", &f);
    CHECK_INT(f.word_count, 2);
    CHECK_STR(f.language, "unknown"); /* digits are words but not letters of a script */
    /* a combining mark continues its word (text not yet normalised) */
    feat("nai\xCC\x88ve cafe\xCC\x81", &f);
    CHECK_INT(f.word_count, 2);
    CHECK_INT(f.length, 12);
}

TEST(script_guess_per_script)
{
    af_text_features f;
    feat("\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82 \xD0\xBC\xD0\xB8\xD1\x80", &f);
    CHECK_STR(f.language, "cyrillic"); /* Привет мир */
    CHECK_INT(f.length, 10);
    CHECK_INT(f.word_count, 2);
    feat("\xCE\x9A\xCE\xB1\xCE\xBB\xCE\xB7\xCE\xBC\xCE\xAD\xCF\x81\xCE\xB1", &f); /* Καλημέρα */
    CHECK_STR(f.language, "greek");
    CHECK_INT(f.length, 8);
    feat("\xD9\x85\xD8\xB1\xD8\xAD\xD8\xA8\xD8\xA7 \xD8\xA8\xD9\x83", &f); /* مرحبا بك */
    CHECK_STR(f.language, "arabic");
    CHECK_INT(f.word_count, 2);
    feat("\xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D", &f); /* שלום */
    CHECK_STR(f.language, "hebrew");
    CHECK_INT(f.length, 4);
    /* नमस्ते: virama and vowel sign are marks inside one word */
    feat("\xE0\xA4\xA8\xE0\xA4\xAE\xE0\xA4\xB8\xE0\xA5\x8D\xE0\xA4\xA4\xE0\xA5\x87", &f);
    CHECK_STR(f.language, "devanagari");
    CHECK_INT(f.word_count, 1);
    CHECK_INT(f.length, 6);
    feat("\xE0\xB8\xAA\xE0\xB8\xA7\xE0\xB8\xB1\xE0\xB8\xAA\xE0\xB8\x94\xE0\xB8\xB5", &f); /* สวัสดี */
    CHECK_STR(f.language, "thai");
    feat("\xE4\xBD\xA0\xE5\xA5\xBD\xE4\xB8\x96\xE7\x95\x8C", &f); /* 你好世界 */
    CHECK_STR(f.language, "cjk");
    CHECK_INT(f.length, 4);
    CHECK_INT(f.word_count, 1); /* no spaces: one run of letters */
    /* こんにちは世界: kana make the Han letters Japanese */
    feat("\xE3\x81\x93\xE3\x82\x93\xE3\x81\xAB\xE3\x81\xA1\xE3\x81\xAF\xE4\xB8\x96\xE7\x95\x8C",
         &f);
    CHECK_STR(f.language, "ja");
    CHECK_INT(f.length, 7);
    feat("\xEC\x95\x88\xEB\x85\x95\xED\x95\x98\xEC\x84\xB8\xEC\x9A\x94", &f); /* 안녕하세요 */
    CHECK_STR(f.language, "ko");
    CHECK_INT(f.length, 5);
    /* 3 Latin and 3 Cyrillic letters: no script holds 60% */
    feat("abc \xD0\xB3\xD0\xB4\xD0\xB5", &f);
    CHECK_STR(f.language, "unknown");
    /* 5 Latin, 3 Cyrillic: 62.5% Latin */
    feat("Hello \xD0\xBC\xD0\xB8\xD1\x80", &f);
    CHECK_STR(f.language, "latin");
    CHECK_STR(af_text_script_guess("Bonjour", 7), "latin");
}

static const char *decode(const char *p, size_t n, af_text_encoding e, af_text_encoding *det,
                          int *rc, char *msg)
{
    static char out[256];
    af_buf b;
    af_buf_init(&b);
    af_error err = {0};
    *rc = af_text_decode((const uint8_t *)p, n, e, &b, det, "review.txt", &err);
    snprintf(out, sizeof out, "%.*s", (int)b.len, b.data ? (const char *)b.data : "");
    af_strlcpy(msg, err.msg, 256);
    af_buf_free(&b);
    return out;
}

TEST(decode_detects_the_encoding)
{
    af_text_encoding det = AF_ENC_AUTO;
    int rc;
    char msg[256];
    CHECK_STR(decode("Caf\xE9 na\xEFve", 10, AF_ENC_AUTO, &det, &rc, msg),
              "Caf\xC3\xA9 na\xC3\xAFve");
    CHECK_INT(rc, AF_OK);
    CHECK_STR(af_text_encoding_name(det), "latin-1");
    CHECK_STR(decode("\xFF\xFEh\0i\0\xE9\0", 8, AF_ENC_AUTO, &det, &rc, msg), "hi\xC3\xA9");
    CHECK_STR(af_text_encoding_name(det), "utf-16le");
    CHECK_STR(decode("\x93hi\x94", 4, AF_ENC_AUTO, &det, &rc, msg), "\xE2\x80\x9Chi\xE2\x80\x9D");
    CHECK_STR(af_text_encoding_name(det), "windows-1252");
    CHECK_STR(decode("ok \xC3\xA9", 5, AF_ENC_AUTO, &det, &rc, msg), "ok \xC3\xA9");
    CHECK_STR(af_text_encoding_name(det), "utf-8");
    decode("abc\xFF", 4, AF_ENC_UTF8, &det, &rc, msg);
    CHECK_INT(rc, AF_EPARSE);
    CHECK_STR(msg, "review.txt: invalid UTF-8 at byte 3");
}

TEST_MAIN()
