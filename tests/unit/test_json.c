/* test_json.c - the streaming JSON reader (formats/json.h): every token
 * type, escapes and surrogates, numbers at the edges, nesting limits, every
 * error message with its position, and the same results when the input
 * arrives one byte at a time. */
#include "chunk_reader.h"
#include "formats/json.h"
#include "test.h"

static void chunk_init(af_reader *r, chunk_priv *c, const char *text, size_t k)
{
    chunk_reader_init(r, c, text, strlen(text), k, "t.json", -1);
}

/* Parses one whole document with k-byte reads; returns the code, fills
 * out with the compact JSON (or the error message). */
static int parse_k(const char *text, size_t k, af_buf *out)
{
    af_reader rd;
    chunk_priv cp;
    chunk_init(&rd, &cp, text, k);
    af_json_reader *r = NULL;
    af_error err = {0};
    af_json_doc doc;
    af_json_doc_init(&doc);
    af_buf_reset(out);
    int rc = af_json_reader_new(&rd, "t.json", NULL, &r, &err);
    if (!rc) {
        rc = af_json_reader_value(r, &doc, &err);
        if (rc == 1) {
            int c = af_json_reader_peek(r, &err);
            rc = c == AF_JSON_EOF ? AF_OK
                 : c < 0          ? c
                                  : af_json_reader_error(r, &err, AF_EPARSE, "trailing data");
        } else if (rc == 0) {
            rc = AF_EPARSE;
            af_error_set(&err, rc, "empty");
        }
    }
    if (rc == AF_OK)
        af_json_doc_write(&doc, 0, out);
    else
        af_buf_append_str(out, err.msg);
    af_json_doc_free(&doc);
    af_json_reader_free(r);
    return rc;
}

/* Whole-buffer and 1-byte and 3-byte reads must agree; returns the text. */
static const char *roundtrip(const char *text, int *rc_out)
{
    static af_buf a;
    af_buf b, c;
    af_buf_init(&b);
    af_buf_init(&c);
    int rc = parse_k(text, 1 << 20, &a);
    int rc1 = parse_k(text, 1, &b);
    int rc3 = parse_k(text, 3, &c);
    CHECK_INT(rc1, rc);
    CHECK_INT(rc3, rc);
    CHECK_STR(af_buf_cstr(&b), af_buf_cstr(&a));
    CHECK_STR(af_buf_cstr(&c), af_buf_cstr(&a));
    af_buf_free(&b);
    af_buf_free(&c);
    *rc_out = rc;
    return af_buf_cstr(&a);
}

static void ok(const char *text, const char *expect)
{
    int rc;
    const char *got = roundtrip(text, &rc);
    CHECK_INT(rc, AF_OK);
    CHECK_STR(got, expect);
}

static void bad(const char *text, const char *msg)
{
    int rc;
    const char *got = roundtrip(text, &rc);
    CHECK_INT(rc, AF_EPARSE);
    CHECK_STR(got, msg);
}

TEST(scalars)
{
    ok("null", "null");
    ok(" true ", "true");
    ok("\tfalse\n", "false");
    ok("0", "0");
    ok("-0", "-0");
    ok("-12", "-12");
    ok("1.5e3", "1.5e3");
    ok("\"abc\"", "\"abc\"");
    ok("\"\"", "\"\"");
    ok("[]", "[]");
    ok("{}", "{}");
    ok("\xEF\xBB\xBF{\"a\":1}", "{\"a\":1}"); /* BOM skipped */
}

TEST(numbers)
{
    af_json_doc d;
    af_json_doc_init(&d);
    af_error err = {0};
    CHECK_INT(af_json_parse("9223372036854775807", 19, "n", &d, &err), AF_OK);
    CHECK_INT(d.nodes[0].type, AF_JSON_INT);
    CHECK(d.nodes[0].v.i == INT64_MAX);
    CHECK_INT(af_json_parse("-9223372036854775808", 20, "n", &d, &err), AF_OK);
    CHECK(d.nodes[0].v.i == INT64_MIN);
    CHECK_INT(d.nodes[0].flags, 0);
    /* beyond int64: still an integer, flagged, approximate double, exact text */
    CHECK_INT(af_json_parse("9223372036854775808", 19, "n", &d, &err), AF_OK);
    CHECK_INT(d.nodes[0].type, AF_JSON_INT);
    CHECK_INT(d.nodes[0].flags, AF_JSON_BIGINT);
    CHECK(d.nodes[0].v.d == 9223372036854775808.0);
    size_t len;
    const char *t = af_json_doc_text(&d, 0, &len);
    CHECK_INT(len, 19);
    CHECK(memcmp(t, "9223372036854775808", 19) == 0);
    CHECK_INT(af_json_parse("-0", 2, "n", &d, &err), AF_OK);
    CHECK_INT(d.nodes[0].type, AF_JSON_INT);
    CHECK_INT(d.nodes[0].v.i, 0);
    CHECK_INT(af_json_parse("-0.0", 4, "n", &d, &err), AF_OK);
    CHECK_INT(d.nodes[0].type, AF_JSON_DOUBLE);
    CHECK(d.nodes[0].v.d == 0.0 && signbit(d.nodes[0].v.d));
    CHECK_INT(af_json_parse("1e308", 5, "n", &d, &err), AF_OK);
    CHECK(d.nodes[0].v.d == 1e308);
    CHECK_INT(af_json_parse("0.1", 3, "n", &d, &err), AF_OK);
    CHECK(d.nodes[0].v.d == 0.1);
    CHECK_INT(af_json_parse("1E-2", 4, "n", &d, &err), AF_OK);
    CHECK(d.nodes[0].v.d == 0.01);
    CHECK_INT(af_json_parse("1e309", 5, "n", &d, &err), AF_EPARSE);
    CHECK_STR(err.msg, "n:1:1 (byte 0): number 1e309 is out of the range of a double");
    af_json_doc_free(&d);
}

TEST(strings_and_escapes)
{
    ok("\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\"", "\"a\\\"b\\\\c/d\\u0008\\u000c\\n\\r\\t\"");
    ok("\"\\u00e9\\u20AC\"", "\"\xC3\xA9\xE2\x82\xAC\"");
    ok("\"\\ud83d\\ude00\"", "\"\xF0\x9F\x98\x80\"");
    ok("\"\xF0\x9F\x98\x80 ok\"", "\"\xF0\x9F\x98\x80 ok\"");
    ok("\"\\u0000\"", "\"\\u0000\"");
    /* a long ASCII run crosses the 8-byte fast path and chunk boundaries */
    ok("\"abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz\"",
       "\"abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz\"");
    af_json_doc d;
    af_json_doc_init(&d);
    af_error err = {0};
    CHECK_INT(af_json_parse("\"\\ud83d\\ude00\"", 14, "s", &d, &err), AF_OK);
    size_t len;
    const char *t = af_json_doc_text(&d, 0, &len);
    CHECK_INT(len, 4);
    CHECK(memcmp(t, "\xF0\x9F\x98\x80", 4) == 0);
    af_json_doc_free(&d);
}

TEST(containers)
{
    ok("{\"a\": [1, 2.5, \"x\", {\"b\": null}], \"c\": {\"d\": [[], {}]}}",
       "{\"a\":[1,2.5,\"x\",{\"b\":null}],\"c\":{\"d\":[[],{}]}}");
    af_json_doc d;
    af_json_doc_init(&d);
    af_error err = {0};
    const char *txt = "{\"a\": [1, 2], \"b\": {\"c\": true}, \"a\": 3}";
    CHECK_INT(af_json_parse(txt, strlen(txt), "c", &d, &err), AF_OK);
    CHECK_INT(d.nodes[0].type, AF_JSON_OBJECT);
    CHECK_INT(d.nodes[0].count, 3);
    CHECK_INT(d.nodes[0].next, d.n);
    uint32_t b = af_json_doc_member(&d, 0, "b", 1);
    CHECK_INT(d.nodes[b].type, AF_JSON_OBJECT);
    uint32_t c = af_json_doc_member(&d, b, "c", 1);
    CHECK_INT(d.nodes[c].type, AF_JSON_TRUE);
    uint32_t a = af_json_doc_member(&d, 0, "a", 1); /* the last of a repeated key */
    CHECK_INT(d.nodes[a].type, AF_JSON_INT);
    CHECK_INT(d.nodes[a].v.i, 3);
    CHECK(af_json_doc_member(&d, 0, "z", 1) == UINT32_MAX);
    af_json_doc copy;
    CHECK_INT(af_json_doc_copy(&copy, &d), AF_OK);
    af_buf out;
    af_buf_init(&out);
    af_json_doc_write(&copy, 0, &out);
    CHECK_STR(af_buf_cstr(&out), "{\"a\":[1,2],\"b\":{\"c\":true},\"a\":3}");
    af_buf_free(&out);
    af_json_doc_free(&copy);
    af_json_doc_free(&d);
}

TEST(errors)
{
    bad("{\"a\": 1 \"b\": 2}",
        "t.json:1:9 (byte 8): expected ',' or '}' after an object member, found '\"'");
    bad("[1, 2 3]", "t.json:1:7 (byte 6): expected ',' or ']' after an array element, found '3'");
    bad("{\"a\" 1}", "t.json:1:6 (byte 5): expected ':' after an object key, found '1'");
    bad("{1: 2}", "t.json:1:2 (byte 1): expected a string key in an object, found '1'");
    bad("[1,]", "t.json:1:4 (byte 3): expected a value, found ']'");
    bad("{\"a\":1,}", "t.json:1:8 (byte 7): expected a string key in an object, found '}'");
    bad("\n\n  tru", "t.json:3:3 (byte 4): invalid literal (expected true, found 't')");
    bad("nul", "t.json:1:1 (byte 0): invalid literal (expected null, found 'n')");
    bad("01", "t.json:1:1 (byte 0): invalid number '01'");
    bad("-", "t.json:1:1 (byte 0): invalid number '-'");
    bad("1.", "t.json:1:1 (byte 0): invalid number '1.'");
    bad("1e+", "t.json:1:1 (byte 0): invalid number '1e+'");
    bad("+1", "t.json:1:1 (byte 0): expected a value, found '+'");
    bad("\"abc", "t.json:1:5 (byte 4): unterminated string (the input ends inside it)");
    bad("\"a\nb\"", "t.json:1:3 (byte 2): unterminated string (a line break inside a string must "
                    "be written \\n)");
    bad("\"a\tb\"", "t.json:1:3 (byte 2): control character U+0009 inside a string must be "
                    "escaped");
    bad("\"\\x\"", "t.json:1:2 (byte 1): invalid escape in a string: a backslash followed by 'x'");
    bad("\"\\u12G4\"", "t.json:1:2 (byte 1): invalid \\u escape: four hex digits must follow \\u");
    bad("\"\\ud83d\"", "t.json:1:2 (byte 1): lone high surrogate \\uD83D (a \\uDC00-\\uDFFF "
                       "escape must follow it)");
    bad("\"\\ud83dx\\ude00\"", "t.json:1:2 (byte 1): lone high surrogate \\uD83D (a "
                               "\\uDC00-\\uDFFF escape must follow it)");
    bad("\"\\ude00\"", "t.json:1:2 (byte 1): lone low surrogate \\uDE00 (not preceded by a high "
                       "surrogate)");
    bad("[\"ok\", \"\xC3\x28\"]", "t.json:1:9 (byte 8): invalid UTF-8 byte 0xC3 inside a string");
    bad("\"\xED\xA0\x80\"", "t.json:1:2 (byte 1): invalid UTF-8 byte 0xED inside a string");
    bad("\"\xC0\xAF\"", "t.json:1:2 (byte 1): invalid UTF-8 byte 0xC0 inside a string");
    bad("[1", "t.json:1:3 (byte 2): expected ',' or ']' after an array element, found end of "
              "input");
    bad("{\"a\":", "t.json:1:6 (byte 5): expected a value, found end of input");
    bad("1 2", "t.json:1:3 (byte 2): trailing data");
    bad("", "empty");
    static char longnum[1100];
    memset(longnum, '7', 1030);
    bad(longnum, "t.json:1:1 (byte 0): number longer than 1024 characters");
}

TEST(depth_limit)
{
    static char deep[2 * 600 + 1];
    for (int i = 0; i < 600; i++) {
        deep[i] = '[';
        deep[600 + i] = ']';
    }
    bad(deep, "t.json:1:513 (byte 512): nesting deeper than 512 levels");
    deep[512] = 0; /* 512 opens: allowed depth, but unterminated */
    memset(deep + 512, 0, 1);
    static char ok512[2 * 512 + 1];
    for (int i = 0; i < 512; i++) {
        ok512[i] = '[';
        ok512[512 + i] = ']';
    }
    int rc;
    roundtrip(ok512, &rc);
    CHECK_INT(rc, AF_OK);
}

/* NDJSON: one value per line, a bad line skipped with its raw text. */
TEST(ndjson_lines_and_recovery)
{
    const char *text = "{\"a\":1}\n\n{\"a\": [1,\n2]}\n{\"a\":2} x\n  {\"a\":3}\r\n";
    for (size_t k = 1; k <= 64; k += 63) {
        af_reader rd;
        chunk_priv cp;
        chunk_init(&rd, &cp, text, k);
        af_json_options o;
        af_json_options_default(&o);
        o.one_per_line = true;
        af_json_reader *r = NULL;
        af_error err = {0};
        CHECK_INT(af_json_reader_new(&rd, "l.ndjson", &o, &r, &err), AF_OK);
        af_json_doc d;
        af_json_doc_init(&d);
        /* line 1 */
        CHECK_INT(af_json_reader_peek(r, &err), '{');
        af_json_reader_mark(r);
        CHECK_INT(af_json_reader_value(r, &d, &err), 1);
        CHECK_INT(af_json_reader_value_line(r), 1);
        size_t len;
        const char *raw = af_json_reader_raw(r, &len);
        CHECK_INT(len, 7);
        CHECK(memcmp(raw, "{\"a\":1}", 7) == 0);
        CHECK_INT(af_json_reader_end_line(r, &err), AF_OK);
        /* line 3 breaks inside a value */
        CHECK_INT(af_json_reader_peek(r, &err), '{');
        af_json_reader_mark(r);
        CHECK_INT(af_json_reader_value(r, &d, &err), AF_EPARSE);
        CHECK_STR(err.msg, "l.ndjson:3:10 (byte 18): the line ends inside a value (NDJSON holds "
                           "one value per line)");
        CHECK_INT(af_json_reader_skip_line(r, &err), AF_OK);
        raw = af_json_reader_raw(r, &len);
        CHECK_INT(len, 10);
        CHECK(memcmp(raw, "{\"a\": [1,\n", 10) == 0);
        af_json_reader_unmark(r);
        /* line 4 ("2]}") is garbage on its own */
        CHECK_INT(af_json_reader_value(r, &d, &err), 1);
        CHECK_INT(af_json_reader_end_line(r, &err), AF_EPARSE);
        CHECK_STR(err.msg,
                  "l.ndjson:4:2 (byte 20): expected the end of the line after a value, found ']'");
        CHECK_INT(af_json_reader_skip_line(r, &err), AF_OK);
        /* line 5: trailing garbage */
        CHECK_INT(af_json_reader_value(r, &d, &err), 1);
        CHECK_INT(af_json_reader_end_line(r, &err), AF_EPARSE);
        CHECK_STR(err.msg,
                  "l.ndjson:5:9 (byte 31): expected the end of the line after a value, found 'x'");
        CHECK_INT(af_json_reader_skip_line(r, &err), AF_OK);
        /* line 6 with CRLF */
        CHECK_INT(af_json_reader_value(r, &d, &err), 1);
        CHECK_INT(af_json_reader_value_line(r), 6);
        CHECK_INT(d.nodes[1].v.i, 3);
        CHECK_INT(af_json_reader_end_line(r, &err), AF_OK);
        CHECK_INT(af_json_reader_value(r, &d, &err), 0);
        af_json_doc_free(&d);
        af_json_reader_free(r);
    }
}

TEST(array_stepping_and_skip)
{
    const char *text = "{\"meta\": {\"x\": [1, {\"y\": \"z\"}]}, \"results\": [ {\"id\": 1}, "
                       "{\"id\": 2} ], \"tail\": 1}";
    af_reader rd;
    chunk_priv cp;
    chunk_init(&rd, &cp, text, 2);
    af_json_reader *r = NULL;
    af_error err = {0};
    CHECK_INT(af_json_reader_new(&rd, "d.json", NULL, &r, &err), AF_OK);
    af_buf key;
    af_buf_init(&key);
    CHECK_INT(af_json_reader_expect(r, '{', "'{'", &err), AF_OK);
    CHECK_INT(af_json_reader_string(r, &key, &err), AF_OK);
    CHECK_STR(af_buf_cstr(&key), "meta");
    CHECK_INT(af_json_reader_expect(r, ':', "':'", &err), AF_OK);
    CHECK_INT(af_json_reader_value(r, NULL, &err), 1); /* skipped */
    CHECK_INT(af_json_reader_expect(r, ',', "','", &err), AF_OK);
    CHECK_INT(af_json_reader_string(r, &key, &err), AF_OK);
    CHECK_STR(af_buf_cstr(&key), "results");
    CHECK_INT(af_json_reader_expect(r, ':', "':'", &err), AF_OK);
    CHECK_INT(af_json_reader_expect(r, '[', "'['", &err), AF_OK);
    af_json_doc d;
    af_json_doc_init(&d);
    bool first = true;
    int64_t ids = 0;
    int n = 0;
    while (af_json_reader_array_next(r, &first, &err) == 1) {
        CHECK_INT(af_json_reader_value(r, &d, &err), 1);
        ids = ids * 10 + d.nodes[1].v.i;
        n++;
    }
    CHECK_INT(n, 2);
    CHECK_INT(ids, 12);
    CHECK_INT(af_json_reader_expect(r, ']', "']'", &err), AF_EPARSE);
    CHECK_STR(err.msg, "d.json:1:69 (byte 68): expected ']', found ','");
    af_json_doc_free(&d);
    af_buf_free(&key);
    af_json_reader_free(r);

    /* a trailing comma in a streamed array */
    chunk_init(&rd, &cp, "[1, 2, ]", 1);
    CHECK_INT(af_json_reader_new(&rd, "t.json", NULL, &r, &err), AF_OK);
    CHECK_INT(af_json_reader_expect(r, '[', "'['", &err), AF_OK);
    first = true;
    CHECK_INT(af_json_reader_array_next(r, &first, &err), 1);
    CHECK_INT(af_json_reader_value(r, NULL, &err), 1);
    CHECK_INT(af_json_reader_array_next(r, &first, &err), 1);
    CHECK_INT(af_json_reader_value(r, NULL, &err), 1);
    CHECK_INT(af_json_reader_array_next(r, &first, &err), AF_EPARSE);
    CHECK_STR(err.msg, "t.json:1:8 (byte 7): expected a value after ',' in an array, found ']'");
    af_json_reader_free(r);

    /* a skipped value is still validated */
    chunk_init(&rd, &cp, "[1, {\"a\": tru}]", 1);
    CHECK_INT(af_json_reader_new(&rd, "s.json", NULL, &r, &err), AF_OK);
    CHECK_INT(af_json_reader_value(r, NULL, &err), AF_EPARSE);
    CHECK_STR(err.msg, "s.json:1:11 (byte 10): invalid literal (expected true, found 't')");
    af_json_reader_free(r);
}

/* A value much larger than the read window streams through. */
TEST(large_value)
{
    size_t n = 300000;
    af_buf big;
    af_buf_init(&big);
    af_buf_append_str(&big, "[");
    for (size_t i = 0; i < n; i++)
        af_buf_printf(&big, "%s{\"k\":\"%zu\\u00e9\",\"v\":%zu}", i ? "," : "", i, i);
    af_buf_append_str(&big, "]");
    af_json_doc d;
    af_json_doc_init(&d);
    af_error err = {0};
    CHECK_INT(af_json_parse((const char *)big.data, big.len, "b", &d, &err), AF_OK);
    CHECK_INT(d.nodes[0].count, n);
    CHECK_INT(d.n, 1 + 3 * n);
    uint32_t last = d.n - 3;
    CHECK_INT(d.nodes[last + 2].v.i, (int64_t)n - 1);
    size_t len;
    const char *t = af_json_doc_text(&d, last + 1, &len);
    CHECK_INT(len, 8);
    CHECK(memcmp(t, "299999\xC3\xA9", 8) == 0);
    af_json_doc_free(&d);
    af_buf_free(&big);
}

TEST_MAIN()
