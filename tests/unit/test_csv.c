/* test_csv.c - unit tests for the CSV tokenizer and writer (formats/csv.h).
 *
 * Most reader tests go through check_parse(), which reads the input twice -
 * once from a memory reader in one piece and once from a reader that hands
 * out 1-3 bytes per call - and compares both against the expected rendering.
 * That way every dialect case also exercises records, quotes, escapes and
 * CRLF pairs split across reads.
 */
#include "test.h"

#include "formats/csv.h"

#include <stdlib.h>
#include <string.h>

/* ---- a reader that returns a few bytes per call ---- */

typedef struct tiny_priv {
    const char *data;
    size_t len, pos;
    unsigned step;  /* cycles 1, 2, 3 bytes per read */
    size_t fail_at; /* when non-zero, fail with AF_EIO once pos reaches it */
} tiny_priv;

static ssize_t tiny_read(af_reader *r, void *buf, size_t n, af_error *err)
{
    tiny_priv *t = r->priv;
    if (t->fail_at && t->pos >= t->fail_at)
        return af_error_set(err, AF_EIO, "%s: simulated read failure", r->name);
    size_t k = 1 + t->step++ % 3;
    if (k > n)
        k = n;
    if (k > t->len - t->pos)
        k = t->len - t->pos;
    memcpy(buf, t->data + t->pos, k);
    t->pos += k;
    r->offset += (int64_t)k;
    return (ssize_t)k;
}

static void tiny_close(af_reader *r)
{
    (void)r;
}

static void tiny_init(af_reader *r, tiny_priv *t, const char *data, size_t len)
{
    memset(t, 0, sizeof *t);
    t->data = data;
    t->len = len;
    memset(r, 0, sizeof *r);
    r->read = tiny_read;
    r->close = tiny_close;
    r->name = "tiny.csv";
    r->size = -1;
    r->priv = t;
}

/* ---- rendering records to compare them as text ---- */

static void render_bytes(af_buf *o, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        switch (s[i]) {
        case '\n': af_buf_append_str(o, "\\n"); break;
        case '\r': af_buf_append_str(o, "\\r"); break;
        case '\0': af_buf_append_str(o, "\\0"); break;
        default: af_buf_append_byte(o, (uint8_t)s[i]); break;
        }
    }
}

/* "line:[f1,'quoted',f3]" per record, records joined by newlines; an error
 * record gets " !error"; a negative return ends with "ERR<code>". */
static char *render_all(af_reader *in, const af_csv_dialect *d, size_t *n_records)
{
    af_buf o;
    af_buf_init(&o);
    af_error err = {0};
    af_csv_reader *r = NULL;
    size_t n = 0;
    int rc = af_csv_reader_new(in, d, &r, &err);
    if (rc) {
        af_buf_printf(&o, "NEW%d", rc);
    } else {
        af_csv_record rec;
        while ((rc = af_csv_reader_next(r, &rec, &err)) == 1) {
            if (n++)
                af_buf_append_byte(&o, '\n');
            af_buf_printf(&o, "%lld:[", (long long)rec.line);
            for (size_t i = 0; i < rec.n_fields; i++) {
                if (i)
                    af_buf_append_byte(&o, ',');
                if (rec.fields[i].quoted)
                    af_buf_append_byte(&o, '\'');
                render_bytes(&o, rec.fields[i].data, rec.fields[i].len);
                if (rec.fields[i].quoted)
                    af_buf_append_byte(&o, '\'');
            }
            af_buf_append_byte(&o, ']');
            if (rec.error)
                af_buf_printf(&o, " !%s", rec.error);
        }
        if (rc < 0)
            af_buf_printf(&o, "%sERR%d", n ? "\n" : "", rc);
        af_csv_reader_free(r);
    }
    if (n_records)
        *n_records = n;
    char *s = af_strdup(af_buf_cstr(&o));
    af_buf_free(&o);
    return s;
}

static char *render_memory(const char *data, size_t len, const af_csv_dialect *d)
{
    af_reader *in = NULL;
    af_error err;
    if (af_reader_open_memory(data, len, "mem.csv", &in, &err))
        return NULL;
    char *s = render_all(in, d, NULL);
    af_reader_close(in);
    return s;
}

static char *render_tiny(const char *data, size_t len, const af_csv_dialect *d)
{
    af_reader in;
    tiny_priv t;
    tiny_init(&in, &t, data, len);
    return render_all(&in, d, NULL);
}

#define check_parse_n(data, len, d, expected)                                                      \
    do {                                                                                           \
        char *m_ = render_memory((data), (len), (d));                                              \
        char *t_ = render_tiny((data), (len), (d));                                                \
        CHECK_STR(m_, (expected));                                                                 \
        CHECK_STR(t_, (expected));                                                                 \
        free(m_);                                                                                  \
        free(t_);                                                                                  \
    } while (0)

#define check_parse(data, d, expected) check_parse_n((data), strlen(data), (d), (expected))

static af_csv_dialect dialect(void)
{
    af_csv_dialect d;
    af_csv_dialect_default(&d);
    return d;
}

/* ---- reader: basics ---- */

TEST(defaults)
{
    af_csv_dialect d = dialect();
    CHECK_INT(d.delimiter, ',');
    CHECK_INT(d.quote, '"');
    CHECK_INT(d.escape, 0);
    CHECK_INT(d.comment, 0);
    CHECK(!d.trim);
    CHECK(d.max_record_bytes == (size_t)64 << 20);
}

TEST(simple_records)
{
    af_csv_dialect d = dialect();
    check_parse("a,b,c\n1,2,3\n", &d, "1:[a,b,c]\n2:[1,2,3]");
    check_parse("x\n", &d, "1:[x]");
    check_parse("", &d, "");
    check_parse("a,,c,\n", &d, "1:[a,,c,]");
}

TEST(null_dialect_means_defaults)
{
    check_parse("a,\"b,c\"\n", NULL, "1:[a,'b,c']");
}

TEST(line_ends)
{
    af_csv_dialect d = dialect();
    check_parse("a\r\nb\rc\nd", &d, "1:[a]\n2:[b]\n3:[c]\n4:[d]");
    check_parse("a,1\rb,2\rc,3\r", &d, "1:[a,1]\n2:[b,2]\n3:[c,3]");
    check_parse("a\r\n\r\nb\r\n", &d, "1:[a]\n3:[b]");
    /* CR CR LF: a lone CR and then a CRLF - one empty line between */
    check_parse("a\r\r\nb", &d, "1:[a]\n3:[b]");
    check_parse("a\n\rb", &d, "1:[a]\n3:[b]");
}

TEST(last_line_without_line_end)
{
    af_csv_dialect d = dialect();
    check_parse("a,b\nc,d", &d, "1:[a,b]\n2:[c,d]");
    check_parse("a,b\n\"c\",\"d\"", &d, "1:[a,b]\n2:['c','d']");
    check_parse("a,", &d, "1:[a,]");
    check_parse("\"\"", &d, "1:['']");
}

TEST(empty_lines_skipped)
{
    af_csv_dialect d = dialect();
    check_parse("\n\na\n\n\nb\n\n", &d, "3:[a]\n6:[b]");
    check_parse("\n\n\n", &d, "");
    check_parse("\r\n\r\n", &d, "");
    /* a line holding only a delimiter is a record of two empty fields */
    check_parse(",\n", &d, "1:[,]");
    /* a line of blanks is not completely empty */
    check_parse(" \n", &d, "1:[ ]");
}

TEST(quoted_fields)
{
    af_csv_dialect d = dialect();
    check_parse("\"a,b\",\"c\"\"d\",e\n", &d, "1:['a,b','c\"d',e]");
    check_parse("\"\"\"\"\n", &d, "1:['\"']");
    check_parse("\"a\"\"\"\n", &d, "1:['a\"']");
    check_parse("\"\"\"a\"\n", &d, "1:['\"a']");
    check_parse("\"x\",\"\"\n", &d, "1:['x','']");
}

TEST(quoted_empty_vs_unquoted_empty)
{
    af_reader *in = NULL;
    af_error err;
    const char *text = "\"\",,x\n";
    CHECK_INT(af_reader_open_memory(text, strlen(text), "q.csv", &in, &err), 0);
    af_csv_reader *r = NULL;
    CHECK_INT(af_csv_reader_new(in, NULL, &r, &err), 0);
    af_csv_record rec;
    CHECK_INT(af_csv_reader_next(r, &rec, &err), 1);
    CHECK_INT(rec.n_fields, 3);
    CHECK_INT(rec.fields[0].len, 0);
    CHECK(rec.fields[0].quoted);
    CHECK_INT(rec.fields[1].len, 0);
    CHECK(!rec.fields[1].quoted);
    CHECK(!rec.fields[2].quoted);
    CHECK(rec.error == NULL);
    CHECK_INT(af_csv_reader_next(r, &rec, &err), 0);
    af_csv_reader_free(r);
    af_reader_close(in);
}

TEST(quote_in_middle_of_unquoted_field_is_literal)
{
    af_csv_dialect d = dialect();
    check_parse("ab\"c,d\n", &d, "1:[ab\"c,d]");
    check_parse("5\" pipe,x\ny\n", &d, "1:[5\" pipe,x]\n2:[y]");
}

TEST(embedded_newlines_keep_line_numbers)
{
    af_csv_dialect d = dialect();
    check_parse("\"x\ny\",1\nz,2\n", &d, "1:['x\\ny',1]\n3:[z,2]");
    check_parse("\"a\r\nb\"\r\nc\r\n", &d, "1:['a\\r\\nb']\n3:[c]");
    check_parse("\"a\rb\rc\"\rd\r", &d, "1:['a\\rb\\rc']\n4:[d]");
    check_parse("h\n\"1\n\n2\",\"3\n4\"\n\nlast\n", &d, "1:[h]\n2:['1\\n\\n2','3\\n4']\n7:[last]");
    /* an empty line inside quotes is field content, not a skipped line */
    check_parse("\"\n\n\"\n", &d, "1:['\\n\\n']");
}

TEST(offsets_and_raw)
{
    af_reader *in = NULL;
    af_error err;
    const char *text = "a,b\r\ncc\n\n\"d\ne\",f";
    CHECK_INT(af_reader_open_memory(text, strlen(text), "o.csv", &in, &err), 0);
    af_csv_reader *r = NULL;
    CHECK_INT(af_csv_reader_new(in, NULL, &r, &err), 0);
    af_csv_record rec;
    CHECK_INT(af_csv_reader_next(r, &rec, &err), 1);
    CHECK_INT(rec.offset, 0);
    CHECK_INT(rec.raw_len, 3);
    CHECK(memcmp(rec.raw, "a,b", 3) == 0);
    CHECK_INT(af_csv_reader_offset(r), 5);
    CHECK_INT(af_csv_reader_next(r, &rec, &err), 1);
    CHECK_INT(rec.offset, 5);
    CHECK_INT(rec.line, 2);
    CHECK_INT(rec.raw_len, 2);
    CHECK_INT(af_csv_reader_next(r, &rec, &err), 1);
    CHECK_INT(rec.offset, 9);
    CHECK_INT(rec.line, 4);
    CHECK_INT(rec.raw_len, 7);
    CHECK(memcmp(rec.raw, "\"d\ne\",f", 7) == 0);
    CHECK_INT(af_csv_reader_next(r, &rec, &err), 0);
    CHECK_INT(af_csv_reader_offset(r), (int64_t)strlen(text));
    CHECK_INT(af_csv_reader_next(r, &rec, &err), 0);
    af_csv_reader_free(r);
    af_reader_close(in);
}

TEST(bom_is_left_to_the_caller)
{
    af_csv_dialect d = dialect();
    /* the byte-order mark stays in the first field: stripping it is the
     * caller's job (the csv source does it before the tokenizer) */
    check_parse("\xEF\xBB\xBFid,name\n1,x\n", &d, "1:[\xEF\xBB\xBFid,name]\n2:[1,x]");
}

TEST(nul_bytes_are_data)
{
    af_csv_dialect d = dialect();
    check_parse_n("a\0b,\"c\0\"\n\0\n", 11, &d, "1:[a\\0b,'c\\0']\n2:[\\0]");
}

/* ---- reader: dialects ---- */

TEST(other_delimiters)
{
    af_csv_dialect d = dialect();
    d.delimiter = ';';
    check_parse("a;b,c;\"d;e\"\n", &d, "1:[a,b,c,'d;e']");
    d.delimiter = '\t';
    check_parse("a\tb c\t\"d\te\"\n1\t\t2\n", &d, "1:[a,b c,'d\te']\n2:[1,,2]");
    d.delimiter = '|';
    check_parse("a|b|\"c|\"\"d\"\"\"\n", &d, "1:[a,b,'c|\"d\"']");
}

TEST(trim)
{
    af_csv_dialect d = dialect();
    d.trim = true;
    check_parse("  a  , b ,\" c \" , d\t\n", &d, "1:[a,b,' c ',d]");
    check_parse(" , \n", &d, "1:[,]");
    check_parse("a,  ", &d, "1:[a,]");
    check_parse("\"x\"  ", &d, "1:['x']");
    /* the delimiter is never trimmed away, even when it is a tab */
    d.delimiter = '\t';
    check_parse("a\t\tb\t \n", &d, "1:[a,,b,]");
    /* without trim, blanks are data and a quote after a blank is literal */
    d = dialect();
    check_parse(" a , \"b\"\n", &d, "1:[ a , \"b\"]");
}

TEST(comments)
{
    af_csv_dialect d = dialect();
    d.comment = '#';
    check_parse("#c\na,b\n#x,\"y\n c\n", &d, "2:[a,b]\n4:[ c]");
    check_parse("a,#b\n", &d, "1:[a,#b]");
    /* a '#' at the start of a line inside a quoted field is content */
    check_parse("\"x\n#y\"\nz\n", &d, "1:['x\\n#y']\n3:[z]");
    check_parse("#only\r\n#comments", &d, "");
    check_parse("#a\r#b\rc\r", &d, "3:[c]");
    /* without a comment byte, '#' lines are records */
    d.comment = 0;
    check_parse("#c\n", &d, "1:[#c]");
}

TEST(long_comment_not_limited)
{
    size_t n = 100000;
    char *text = malloc(n + 8);
    memset(text, 'x', n);
    text[0] = '#';
    memcpy(text + n, "\nok\n", 4);
    af_csv_dialect d = dialect();
    d.comment = '#';
    d.max_record_bytes = 64;
    check_parse_n(text, n + 4, &d, "2:[ok]");
    free(text);
}

TEST(backslash_escape)
{
    af_csv_dialect d = dialect();
    d.escape = '\\';
    check_parse("\"a\\\"b\",\"c\\\\d\",\"e\\nf\"\n", &d, "1:['a\"b','c\\d','e\\nf']");
    /* doubled quotes still work with an escape byte */
    check_parse("\"a\"\"b\"\n", &d, "1:['a\"b']");
    /* outside quotes the escape only protects the delimiter and the quote */
    check_parse("a\\,b,c\\\"d,e\\f,g\\\\\n", &d, "1:[a,b,c\"d,e\\f,g\\\\]");
    /* an escaped quote does not close the field, even at a read boundary */
    check_parse("\"x\\\",y\"\nz\n", &d, "1:['x\",y']\n2:[z]");
    check_parse("tail\\", &d, "1:[tail\\]");
    /* the escape cannot protect a line end */
    check_parse("a\\\nb\n", &d, "1:[a\\]\n2:[b]");
}

TEST(no_quoting)
{
    af_csv_dialect d = dialect();
    d.quote = 0;
    check_parse("\"a,b\"\n\"\n", &d, "1:[\"a,b\"]\n2:[\"]");
    d.escape = '\\';
    check_parse("a\\,b,c\n", &d, "1:[a,b,c]");
    check_parse_n("a\\\0b\n", 5, &d, "1:[a\\\\0b]");
}

TEST(invalid_dialects)
{
    af_reader *in = NULL;
    af_error err;
    CHECK_INT(af_reader_open_memory("", 0, "bad.csv", &in, &err), 0);
    af_csv_reader *r = NULL;
    af_csv_dialect d = dialect();
    d.delimiter = '"';
    CHECK_INT(af_csv_reader_new(in, &d, &r, &err), AF_EINVAL);
    CHECK_CONTAINS(err.msg, "bad.csv");
    d = dialect();
    d.delimiter = '\n';
    CHECK_INT(af_csv_reader_new(in, &d, &r, &err), AF_EINVAL);
    d = dialect();
    d.delimiter = 0;
    CHECK_INT(af_csv_reader_new(in, &d, &r, &err), AF_EINVAL);
    d = dialect();
    d.escape = ',';
    CHECK_INT(af_csv_reader_new(in, &d, &r, &err), AF_EINVAL);
    d = dialect();
    d.comment = ',';
    CHECK_INT(af_csv_reader_new(in, &d, &r, &err), AF_EINVAL);
    d = dialect();
    d.quote = '\r';
    CHECK_INT(af_csv_reader_new(in, &d, &r, &err), AF_EINVAL);
    /* an escape equal to the quote is the doubled-quote convention */
    d = dialect();
    d.escape = '"';
    CHECK_INT(af_csv_reader_new(in, &d, &r, &err), 0);
    af_csv_reader_free(r);
    af_reader_close(in);
}

/* ---- reader: malformed input ---- */

TEST(text_after_closing_quote)
{
    af_csv_dialect d = dialect();
    check_parse("\"ab\"c,d\ne,f\n", &d,
                "1:['abc',d] !unexpected character after closing quote\n2:[e,f]");
    /* recovery stops at the next line end outside quotes */
    check_parse("\"ab\"c,\"x\ny\"\nz\n", &d,
                "1:['abc','x\\ny'] !unexpected character after closing quote\n3:[z]");
    check_parse("\"a\"\"b\"x\"y\n", &d, "1:['a\"bx\"y'] !unexpected character after closing quote");
    check_parse("\"a\" b\n", &d, "1:['a b'] !unexpected character after closing quote");

    af_reader *in = NULL;
    af_error err;
    const char *text = "h\n\"ab\"c,d\r\nok\n";
    CHECK_INT(af_reader_open_memory(text, strlen(text), "m.csv", &in, &err), 0);
    af_csv_reader *r = NULL;
    CHECK_INT(af_csv_reader_new(in, NULL, &r, &err), 0);
    af_csv_record rec;
    CHECK_INT(af_csv_reader_next(r, &rec, &err), 1);
    CHECK_INT(af_csv_reader_next(r, &rec, &err), 1);
    CHECK_STR(rec.error, "unexpected character after closing quote");
    CHECK_INT(rec.line, 2);
    CHECK_INT(rec.offset, 2);
    CHECK_INT(rec.raw_len, 7);
    CHECK(memcmp(rec.raw, "\"ab\"c,d", 7) == 0);
    CHECK_INT(af_csv_reader_next(r, &rec, &err), 1);
    CHECK(rec.error == NULL);
    CHECK_INT(rec.line, 3);
    CHECK_INT(rec.n_fields, 1);
    CHECK(rec.fields[0].len == 2 && memcmp(rec.fields[0].data, "ok", 2) == 0);
    af_csv_reader_free(r);
    af_reader_close(in);
}

TEST(unterminated_quote)
{
    af_csv_dialect d = dialect();
    /* the malformed record ends with the line its quote opened on; the
     * next line is read as a record of its own */
    check_parse("a,b\n\"cd,e\nf\n", &d, "1:[a,b]\n2:['cd,e'] !unterminated quoted field\n3:[f]");
    check_parse("x,\"", &d, "1:[x,''] !unterminated quoted field");

    af_reader *in = NULL;
    af_error err;
    const char *text = "a\n1,\"open\nrest\r\n";
    CHECK_INT(af_reader_open_memory(text, strlen(text), "u.csv", &in, &err), 0);
    af_csv_reader *r = NULL;
    CHECK_INT(af_csv_reader_new(in, NULL, &r, &err), 0);
    af_csv_record rec;
    CHECK_INT(af_csv_reader_next(r, &rec, &err), 1);
    CHECK_INT(af_csv_reader_next(r, &rec, &err), 1);
    CHECK_STR(rec.error, "unterminated quoted field");
    CHECK_INT(rec.line, 2);
    CHECK_INT(rec.raw_len, 7);
    CHECK(memcmp(rec.raw, "1,\"open", rec.raw_len) == 0);
    CHECK_INT(af_csv_reader_next(r, &rec, &err), 1);
    CHECK_INT(rec.line, 3);
    CHECK_INT(rec.n_fields, 1);
    CHECK(rec.error == NULL);
    CHECK_INT(af_csv_reader_next(r, &rec, &err), 0);
    af_csv_reader_free(r);
    af_reader_close(in);

    d.escape = '\\';
    check_parse("\"abc\\", &d, "1:['abc\\'] !unterminated quoted field");
    /* a malformed field keeps its bytes as they are (raw keeps the record) */
    check_parse("\"abc\\\"", &d, "1:['abc\\\"'] !unterminated quoted field");
}

TEST(max_record_bytes)
{
    af_csv_dialect d = dialect();
    d.max_record_bytes = 10;
    /* exactly at the limit is fine; the line end does not count */
    check_parse("0123456789\r\nab\n", &d, "1:[0123456789]\n2:[ab]");
    check_parse("abc\n0123456789a\nx\n", &d, "1:[abc]\nERR-11");
    check_parse("abc\n\"open,\n1\n2\n3\n4\n5\n", &d, "1:[abc]\nERR-11");

    af_reader *in = NULL;
    af_error err;
    const char *text = "a\n\nlong,long,long\n";
    CHECK_INT(af_reader_open_memory(text, strlen(text), "big.csv", &in, &err), 0);
    af_csv_reader *r = NULL;
    CHECK_INT(af_csv_reader_new(in, &d, &r, &err), 0);
    af_csv_record rec;
    CHECK_INT(af_csv_reader_next(r, &rec, &err), 1);
    CHECK_INT(af_csv_reader_next(r, &rec, &err), AF_ELIMIT);
    CHECK_CONTAINS(err.msg, "big.csv");
    CHECK_CONTAINS(err.msg, "line 3");
    CHECK_CONTAINS(err.msg, "max_record_bytes");
    /* the failure sticks */
    af_error err2 = {0};
    CHECK_INT(af_csv_reader_next(r, &rec, &err2), AF_ELIMIT);
    CHECK_CONTAINS(err2.msg, "line 3");
    af_csv_reader_free(r);
    af_reader_close(in);
}

TEST(unterminated_quote_over_limit_in_a_stream)
{
    /* an open quote over a long input stops at the limit instead of
     * buffering everything */
    size_t n = 3 * 1024 * 1024;
    char *text = malloc(n);
    memset(text, 'y', n);
    memcpy(text, "id\n\"", 4);
    af_reader *in = NULL;
    af_error err;
    CHECK_INT(af_reader_open_memory(text, n, "open.csv", &in, &err), 0);
    af_csv_dialect d = dialect();
    d.max_record_bytes = 1024 * 1024;
    af_csv_reader *r = NULL;
    CHECK_INT(af_csv_reader_new(in, &d, &r, &err), 0);
    af_csv_record rec;
    CHECK_INT(af_csv_reader_next(r, &rec, &err), 1);
    CHECK_INT(af_csv_reader_next(r, &rec, &err), AF_ELIMIT);
    CHECK_CONTAINS(err.msg, "open.csv: line 2");
    CHECK(af_csv_reader_offset(r) < (int64_t)n);
    af_csv_reader_free(r);
    af_reader_close(in);
    free(text);
}

TEST(read_errors_are_reported)
{
    const char *text = "a,b\nc,d\ne,f\n";
    af_reader in;
    tiny_priv t;
    tiny_init(&in, &t, text, strlen(text));
    t.fail_at = 6;
    af_csv_reader *r = NULL;
    af_error err = {0};
    CHECK_INT(af_csv_reader_new(&in, NULL, &r, &err), 0);
    af_csv_record rec;
    /* records complete before the failure still come out */
    CHECK_INT(af_csv_reader_next(r, &rec, &err), 1);
    CHECK_INT(rec.n_fields, 2);
    CHECK_INT(af_csv_reader_next(r, &rec, &err), AF_EIO);
    CHECK_CONTAINS(err.msg, "simulated read failure");
    /* and the failure sticks */
    af_error err2 = {0};
    CHECK_INT(af_csv_reader_next(r, &rec, &err2), AF_EIO);
    CHECK_CONTAINS(err2.msg, "simulated read failure");
    af_csv_reader_free(r);
}

/* ---- reader: chunk boundaries and large records ---- */

TEST(records_across_large_chunks)
{
    /* a quoted field bigger than the reader's 256 KiB chunk, with doubled
     * quotes and newlines scattered through it */
    size_t n = 700 * 1000;
    af_buf in, want;
    af_buf_init(&in);
    af_buf_init(&want);
    af_buf_append_str(&in, "id,body\n1,\"");
    for (size_t i = 0; i < n; i++) {
        char c = (char)('a' + i % 26);
        if (i % 1000 == 999)
            c = '"';
        else if (i % 777 == 776)
            c = '\n';
        af_buf_append_byte(&want, (uint8_t)c);
        af_buf_append_byte(&in, (uint8_t)c);
        if (c == '"')
            af_buf_append_byte(&in, '"');
    }
    af_buf_append_str(&in, "\"\n2,after\n");
    int64_t newlines = 0;
    for (size_t i = 0; i < want.len; i++)
        newlines += want.data[i] == '\n';

    for (int mode = 0; mode < 2; mode++) {
        af_reader *mem = NULL, tiny;
        tiny_priv t;
        af_error err;
        af_reader *src;
        if (mode == 0) {
            CHECK_INT(af_reader_open_memory(in.data, in.len, "big.csv", &mem, &err), 0);
            src = mem;
        } else {
            tiny_init(&tiny, &t, (const char *)in.data, in.len);
            src = &tiny;
        }
        af_csv_reader *r = NULL;
        CHECK_INT(af_csv_reader_new(src, NULL, &r, &err), 0);
        af_csv_record rec;
        CHECK_INT(af_csv_reader_next(r, &rec, &err), 1);
        CHECK_INT(af_csv_reader_next(r, &rec, &err), 1);
        CHECK_INT(rec.n_fields, 2);
        CHECK_INT(rec.line, 2);
        CHECK(rec.fields[1].quoted);
        CHECK_INT(rec.fields[1].len, want.len);
        CHECK(rec.fields[1].len == want.len &&
              memcmp(rec.fields[1].data, want.data, want.len) == 0);
        CHECK_INT(af_csv_reader_next(r, &rec, &err), 1);
        CHECK_INT(rec.line, 3 + newlines);
        CHECK(rec.n_fields == 2 && rec.fields[1].len == 5 &&
              memcmp(rec.fields[1].data, "after", 5) == 0);
        CHECK_INT(af_csv_reader_next(r, &rec, &err), 0);
        af_csv_reader_free(r);
        af_reader_close(mem);
    }
    af_buf_free(&in);
    af_buf_free(&want);
}

TEST(many_records_memory_equals_tiny_reads)
{
    /* a pseudo-random mix of every construct, compared read in one piece
     * and a few bytes at a time */
    static const char *const pieces[] = {
        "a",          "bb",         ",",    ",", "\n", "\r\n", "\r",           "\"q\"",  "\"x,y\"",
        "\"l1\nl2\"", "\"d\"\"q\"", "\"\"", " ", "\\", "#",    "\"cr\r\nlf\"", "\"open",
    };
    uint32_t seed = 12345;
    af_buf in;
    af_buf_init(&in);
    for (int i = 0; i < 20000; i++) {
        seed = seed * 1103515245u + 12345u;
        af_buf_append_str(&in, pieces[(seed >> 16) % (sizeof pieces / sizeof pieces[0])]);
    }
    af_csv_dialect ds[4];
    for (int k = 0; k < 4; k++)
        ds[k] = dialect();
    ds[1].escape = '\\';
    ds[1].trim = true;
    ds[2].comment = '#';
    ds[3].quote = 0;
    for (int k = 0; k < 4; k++) {
        char *m = render_memory((const char *)in.data, in.len, &ds[k]);
        char *t = render_tiny((const char *)in.data, in.len, &ds[k]);
        CHECK(m && t && strcmp(m, t) == 0);
        CHECK(m && strlen(m) > 1000);
        free(m);
        free(t);
    }
    af_buf_free(&in);
}

/* ---- writer ---- */

static char *write1(const char *s, size_t n, bool numeric, const af_csv_write_options *o)
{
    af_buf b;
    af_buf_init(&b);
    int rc = af_csv_write_field(&b, s, n, numeric, o);
    char *r = rc ? NULL : af_strndup(b.len ? (const char *)b.data : "", b.len);
    af_buf_free(&b);
    return r;
}

#define CHECK_WRITE(s, numeric, o, expected)                                                       \
    do {                                                                                           \
        char *w_ = write1((s), strlen(s), (numeric), (o));                                         \
        CHECK_STR(w_, (expected));                                                                 \
        free(w_);                                                                                  \
    } while (0)

TEST(write_field_minimal)
{
    af_csv_write_options o;
    af_csv_write_options_default(&o);
    CHECK_INT(o.delimiter, ',');
    CHECK_INT(o.quote, '"');
    CHECK_INT(o.quoting, AF_CSV_QUOTE_MINIMAL);
    CHECK_STR(o.null_token, "");
    CHECK_STR(o.line_end, "\n");
    CHECK_WRITE("plain", false, &o, "plain");
    CHECK_WRITE("12.5", true, &o, "12.5");
    CHECK_WRITE("a,b", false, &o, "\"a,b\"");
    CHECK_WRITE("say \"hi\"", false, &o, "\"say \"\"hi\"\"\"");
    CHECK_WRITE("\"", false, &o, "\"\"\"\"");
    CHECK_WRITE("l1\nl2", false, &o, "\"l1\nl2\"");
    CHECK_WRITE("cr\r", false, &o, "\"cr\r\"");
    CHECK_WRITE(" lead", false, &o, "\" lead\"");
    CHECK_WRITE("trail ", false, &o, "\"trail \"");
    CHECK_WRITE("in side", false, &o, "in side");
    CHECK_WRITE("", false, &o, "\"\"");
    CHECK_WRITE("semi;colon", false, &o, "semi;colon");
    o.delimiter = ';';
    CHECK_WRITE("semi;colon", false, &o, "\"semi;colon\"");
    CHECK_WRITE("a,b", false, &o, "a,b");
    /* a string equal to the null token is quoted so it is not read back as null */
    o.null_token = "NULL";
    CHECK_WRITE("NULL", false, &o, "\"NULL\"");
    CHECK_WRITE("NULLx", false, &o, "NULLx");
    /* nothing can be quoted without a quote byte */
    o.quote = 0;
    CHECK_WRITE("plain", false, &o, "plain");
    CHECK(write1("a;b", 3, false, &o) == NULL);
    /* binary-safe */
    af_csv_write_options_default(&o);
    char *w = write1("a\0b", 3, false, &o);
    CHECK(w && memcmp(w, "a\0b", 3) == 0);
    free(w);
}

TEST(write_field_quote_all_and_nonnumeric)
{
    af_csv_write_options o;
    af_csv_write_options_default(&o);
    o.quoting = AF_CSV_QUOTE_ALL;
    CHECK_WRITE("x", false, &o, "\"x\"");
    CHECK_WRITE("42", true, &o, "\"42\"");
    CHECK_WRITE("a\"b", false, &o, "\"a\"\"b\"");
    o.quoting = AF_CSV_QUOTE_NONNUMERIC;
    CHECK_WRITE("x", false, &o, "\"x\"");
    CHECK_WRITE("42", true, &o, "42");
    CHECK_WRITE("-1.5e3", true, &o, "-1.5e3");
    CHECK_WRITE("", false, &o, "\"\"");
}

/* Writes rows of fields with the writer, reads them back with the reader. */
static void round_trip(const char *const *fields, size_t n_rows, size_t n_cols,
                       const af_csv_write_options *o, af_csv_dialect *d)
{
    af_buf out;
    af_buf_init(&out);
    for (size_t r = 0; r < n_rows; r++) {
        for (size_t c = 0; c < n_cols; c++) {
            if (c)
                af_buf_append_byte(&out, (uint8_t)o->delimiter);
            const char *s = fields[r * n_cols + c];
            CHECK_INT(af_csv_write_field(&out, s, strlen(s), false, o), 0);
        }
        af_buf_append_str(&out, o->line_end);
    }
    af_reader *in = NULL;
    af_error err;
    CHECK_INT(af_reader_open_memory(out.data, out.len, "rt.csv", &in, &err), 0);
    af_csv_reader *rd = NULL;
    CHECK_INT(af_csv_reader_new(in, d, &rd, &err), 0);
    af_csv_record rec;
    for (size_t r = 0; r < n_rows; r++) {
        CHECK_INT(af_csv_reader_next(rd, &rec, &err), 1);
        CHECK(rec.error == NULL);
        CHECK_INT(rec.n_fields, n_cols);
        for (size_t c = 0; c < n_cols && c < rec.n_fields; c++) {
            const char *s = fields[r * n_cols + c];
            CHECK(rec.fields[c].len == strlen(s) && memcmp(rec.fields[c].data, s, strlen(s)) == 0);
        }
    }
    CHECK_INT(af_csv_reader_next(rd, &rec, &err), 0);
    af_csv_reader_free(rd);
    af_reader_close(in);
    af_buf_free(&out);
}

TEST(writer_round_trip)
{
    static const char *const rows[] = {
        "id",         "text",
        "note", /* header-like row */
        "1",          "a,b",
        "say \"hi\"", /* delimiter, quotes */
        "2",          "line1\nline2",
        "cr\r\nlf", /* line ends */
        "3",          "",
        " padded ", /* empty, blanks */
        "4",          "\"",
        "\"\"", /* only quotes */
        "5",          "tab\there",
        "x;y|z", /* other delimiters' bytes */
    };
    af_csv_write_options o;
    af_csv_write_options_default(&o);
    af_csv_dialect d = dialect();
    round_trip(rows, 6, 3, &o, &d);
    o.line_end = "\r\n";
    round_trip(rows, 6, 3, &o, &d);
    o.quoting = AF_CSV_QUOTE_ALL;
    round_trip(rows, 6, 3, &o, &d);
    af_csv_write_options_default(&o);
    o.delimiter = ';';
    d.delimiter = ';';
    round_trip(rows, 6, 3, &o, &d);
    /* a trimming reader still gets blanks back thanks to the quotes */
    o.delimiter = '\t';
    d.delimiter = '\t';
    d.trim = true;
    round_trip(rows, 6, 3, &o, &d);
}

TEST(writer_round_trip_random)
{
    static const char alphabet[] = {'a', 'b', ',', '"', '\n', '\r', ' ', '\t', ';', '\\', '\0'};
    uint32_t seed = 99;
    af_csv_write_options o;
    af_csv_write_options_default(&o);
    for (int iter = 0; iter < 200; iter++) {
        af_buf out;
        af_buf_init(&out);
        enum { ROWS = 5, COLS = 4, MAXLEN = 12 };
        char vals[ROWS][COLS][MAXLEN];
        size_t lens[ROWS][COLS];
        for (int r = 0; r < ROWS; r++) {
            for (int c = 0; c < COLS; c++) {
                seed = seed * 1103515245u + 12345u;
                lens[r][c] = (seed >> 16) % MAXLEN;
                for (size_t i = 0; i < lens[r][c]; i++) {
                    seed = seed * 1103515245u + 12345u;
                    vals[r][c][i] = alphabet[(seed >> 16) % sizeof alphabet];
                }
                if (c)
                    af_buf_append_byte(&out, ',');
                CHECK_INT(af_csv_write_field(&out, vals[r][c], lens[r][c], false, &o), 0);
            }
            af_buf_append_str(&out, iter % 2 ? "\r\n" : "\n");
        }
        for (int mode = 0; mode < 2; mode++) {
            af_reader *mem = NULL, tiny;
            tiny_priv t;
            af_error err;
            af_reader *src = &tiny;
            if (mode == 0) {
                CHECK_INT(af_reader_open_memory(out.data, out.len, "r.csv", &mem, &err), 0);
                src = mem;
            } else {
                tiny_init(&tiny, &t, (const char *)out.data, out.len);
            }
            af_csv_reader *rd = NULL;
            CHECK_INT(af_csv_reader_new(src, NULL, &rd, &err), 0);
            af_csv_record rec;
            for (int r = 0; r < ROWS; r++) {
                CHECK_INT(af_csv_reader_next(rd, &rec, &err), 1);
                CHECK(rec.error == NULL);
                CHECK_INT(rec.n_fields, COLS);
                for (int c = 0; c < COLS && c < (int)rec.n_fields; c++)
                    CHECK(rec.fields[c].len == lens[r][c] &&
                          memcmp(rec.fields[c].data, vals[r][c], lens[r][c]) == 0);
            }
            CHECK_INT(af_csv_reader_next(rd, &rec, &err), 0);
            af_csv_reader_free(rd);
            af_reader_close(mem);
        }
        af_buf_free(&out);
    }
}

/* ---- writer: headers and batches (values formatted by batch.c) ---- */

static af_schema *sample_schema(void)
{
    af_schema *s = af_schema_new();
    CHECK(s != NULL);
    CHECK_INT(af_schema_add_simple(s, "id", af_type_make(AF_TYPE_INT64), false), 0);
    CHECK_INT(af_schema_add_simple(s, "name, full", af_type_make(AF_TYPE_STRING), true), 0);
    CHECK_INT(af_schema_add_simple(s, "amount", af_type_decimal(10, 2), true), 0);
    CHECK_INT(af_schema_add_simple(s, "say \"x\"", af_type_make(AF_TYPE_STRING), true), 0);
    return s;
}

static char *header_text(const af_schema *s, const af_csv_write_options *o)
{
    af_buf b;
    af_buf_init(&b);
    CHECK_INT(af_csv_write_header(&b, s, o), 0);
    char *r = af_strdup(af_buf_cstr(&b));
    af_buf_free(&b);
    return r;
}

TEST(write_header)
{
    af_schema *s = sample_schema();
    af_csv_write_options o;
    af_csv_write_options_default(&o);
    char *h = header_text(s, &o);
    CHECK_STR(h, "id,\"name, full\",amount,\"say \"\"x\"\"\"\n");
    free(h);
    o.quoting = AF_CSV_QUOTE_ALL;
    o.line_end = "\r\n";
    h = header_text(s, &o);
    CHECK_STR(h, "\"id\",\"name, full\",\"amount\",\"say \"\"x\"\"\"\r\n");
    free(h);
    o.quoting = AF_CSV_QUOTE_NONNUMERIC;
    o.delimiter = ';';
    o.line_end = "\n";
    h = header_text(s, &o);
    CHECK_STR(h, "\"id\";\"name, full\";\"amount\";\"say \"\"x\"\"\"\n");
    free(h);
    af_schema_free(s);
}

static af_batch *sample_batch(void)
{
    af_schema *s = sample_schema();
    af_batch *b = af_batch_new(s);
    af_schema_free(s);
    CHECK(b != NULL);
    if (!b)
        return NULL;
    /* row 1: plain values */
    CHECK_INT(af_array_append_int(&b->columns[0], 1), 0);
    CHECK_INT(af_array_append_bytes(&b->columns[1], "Ann", 3), 0);
    CHECK_INT(af_array_append_decimal(&b->columns[2], 1250), 0);
    CHECK_INT(af_array_append_bytes(&b->columns[3], "plain", 5), 0);
    /* row 2: nulls next to an empty string */
    CHECK_INT(af_array_append_int(&b->columns[0], 2), 0);
    CHECK_INT(af_array_append_null(&b->columns[1]), 0);
    CHECK_INT(af_array_append_null(&b->columns[2]), 0);
    CHECK_INT(af_array_append_bytes(&b->columns[3], "", 0), 0);
    /* row 3: text that needs quoting */
    CHECK_INT(af_array_append_int(&b->columns[0], -3), 0);
    CHECK_INT(af_array_append_bytes(&b->columns[1], "a,\"b\"\nc", 7), 0);
    CHECK_INT(af_array_append_decimal(&b->columns[2], -5), 0);
    CHECK_INT(af_array_append_bytes(&b->columns[3], " x", 2), 0);
    af_error err;
    CHECK_INT(af_batch_seal(b, &err), 0);
    return b;
}

static char *batch_text(const af_batch *b, const af_csv_write_options *o)
{
    af_buf out;
    af_buf_init(&out);
    af_error err = {0};
    int rc = af_csv_write_batch(&out, b, o, &err);
    CHECK_INT(rc, 0);
    char *r = rc ? NULL : af_strdup(af_buf_cstr(&out));
    af_buf_free(&out);
    return r;
}

TEST(write_batch)
{
    af_batch *b = sample_batch();
    if (!b)
        return;
    af_csv_write_options o;
    af_csv_write_options_default(&o);
    char *t = batch_text(b, &o);
    CHECK_STR(t, "1,Ann,12.50,plain\n"
                 "2,,,\"\"\n"
                 "-3,\"a,\"\"b\"\"\nc\",-0.05,\" x\"\n");
    free(t);

    o.null_token = "NULL";
    o.quoting = AF_CSV_QUOTE_NONNUMERIC;
    o.line_end = "\r\n";
    t = batch_text(b, &o);
    CHECK_STR(t, "1,\"Ann\",12.50,\"plain\"\r\n"
                 "2,NULL,NULL,\"\"\r\n"
                 "-3,\"a,\"\"b\"\"\nc\",-0.05,\" x\"\r\n");
    free(t);

    o.quoting = AF_CSV_QUOTE_ALL;
    o.line_end = "\n";
    t = batch_text(b, &o);
    CHECK_STR(t, "\"1\",\"Ann\",\"12.50\",\"plain\"\n"
                 "\"2\",NULL,NULL,\"\"\n"
                 "\"-3\",\"a,\"\"b\"\"\nc\",\"-0.05\",\" x\"\n");
    free(t);
    af_batch_release(b);
}

TEST(write_batch_round_trip)
{
    /* the header and rows read back with the tokenizer: nulls come back as
     * unquoted empty fields, the empty string as a quoted one */
    af_batch *b = sample_batch();
    if (!b)
        return;
    af_csv_write_options o;
    af_csv_write_options_default(&o);
    af_buf out;
    af_buf_init(&out);
    af_error err;
    CHECK_INT(af_csv_write_header(&out, b->schema, &o), 0);
    CHECK_INT(af_csv_write_batch(&out, b, &o, &err), 0);
    char *got = render_memory((const char *)out.data, out.len, NULL);
    CHECK_STR(got, "1:[id,'name, full',amount,'say \"x\"']\n"
                   "2:[1,Ann,12.50,plain]\n"
                   "3:[2,,,'']\n"
                   "4:[-3,'a,\"b\"\\nc',-0.05,' x']");
    free(got);
    af_buf_free(&out);
    af_batch_release(b);
}

TEST(write_batch_without_quote_byte_fails_cleanly)
{
    af_batch *b = sample_batch();
    if (!b)
        return;
    af_csv_write_options o;
    af_csv_write_options_default(&o);
    o.quote = 0;
    af_buf out;
    af_buf_init(&out);
    af_error err = {0};
    CHECK_INT(af_csv_write_batch(&out, b, &o, &err), AF_EINVAL);
    CHECK_CONTAINS(err.msg, "row 2");
    CHECK_CONTAINS(err.msg, "say \"x\"");
    af_buf_free(&out);
    af_batch_release(b);
}

TEST_MAIN()
