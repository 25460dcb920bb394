/* test_csv_sniff.c - delimiter and header detection (formats/csv_sniff.h):
 * each candidate wins on its own files, quoted delimiters do not fool it,
 * ties keep the comma, and the header rule follows typed columns. */
#include "core/infer.h"
#include "formats/csv_sniff.h"
#include "test.h"

static char sniff(const char *text, bool cut)
{
    af_csv_dialect d;
    af_csv_dialect_default(&d);
    return af_csv_sniff_delimiter((const uint8_t *)text, strlen(text), cut, &d, 0);
}

TEST(delimiters)
{
    CHECK_INT(sniff("a,b,c\n1,2,3\n4,5,6\n", false), ',');
    CHECK_INT(sniff("a;b;c\n1;2,5;3\n4;5,5;6\n", false), ';');
    CHECK_INT(sniff("a\tb\n1\tx y\n", false), '\t');
    CHECK_INT(sniff("a|b|c\n1|2|3\n", false), '|');
    /* commas inside quotes do not count */
    CHECK_INT(sniff("name;city\n\"Smith, J\";\"Paris, FR\"\n\"Doe, A\";Lyon\n", false), ';');
    /* one column: nothing splits it, the default stays */
    CHECK_INT(sniff("title\nhello\nworld\n", false), ',');
    /* a cut sample ignores its partial last line */
    CHECK_INT(sniff("a;b\n1;2\n3;4\n5;6,7,8,9,10,11", true), ';');
    /* equally regular: the comma keeps its place unless another splits more */
    CHECK_INT(sniff("a,b;c\n1,2;3\n", false), ',');
    CHECK_INT(sniff("a;b;c;d,e\n1;2;3;4,5\n", false), ';');
}

TEST(skipped_title_lines)
{
    af_csv_dialect d;
    af_csv_dialect_default(&d);
    const char *t = "Report, January\nid;v\n1;2\n3;4\n";
    CHECK_INT(af_csv_sniff_delimiter((const uint8_t *)t, strlen(t), false, &d, 1), ';');
}

static bool header(const char *const *first, size_t n, const af_type_id *ids)
{
    af_csv_field f[8];
    af_type t[8];
    for (size_t i = 0; i < n; i++) {
        f[i] = (af_csv_field){first[i], strlen(first[i]), false};
        t[i] = af_type_make(ids[i]);
    }
    af_parse_options o;
    af_parse_options_default(&o);
    return af_csv_looks_like_header(f, n, t, n, &o);
}

TEST(header_rule)
{
    const af_type_id num_text[] = {AF_TYPE_INT64, AF_TYPE_STRING};
    CHECK(header((const char *const[]){"id", "name"}, 2, num_text));
    CHECK(!header((const char *const[]){"1", "name"}, 2, num_text));
    /* an empty value fits a nullable column: still data */
    CHECK(!header((const char *const[]){"", "x"}, 2, num_text));
    const af_type_id dates[] = {AF_TYPE_DATE};
    CHECK(header((const char *const[]){"day"}, 1, dates));
    CHECK(!header((const char *const[]){"2024-01-31"}, 1, dates));
    const af_type_id texts[] = {AF_TYPE_STRING, AF_TYPE_STRING};
    CHECK(header((const char *const[]){"label", "text"}, 2, texts));
    CHECK(!header((const char *const[]){"label", ""}, 2, texts));
}

TEST_MAIN()
