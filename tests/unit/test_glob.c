/* test_glob.c - glob matching (member filters) and pattern expansion over
 * a temporary directory tree (io/input_set.h). */
#include "io/input_set.h"
#include "test.h"

#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct {
    const char *pattern, *path;
    bool match;
} match_case;

static const match_case cases[] = {
    {"*.csv", "a.csv", true},
    {"*.csv", "dir/a.csv", true}, /* no '/': base name */
    {"*.csv", "a.csv.gz", false},
    {"*.csv", ".hidden.csv", true}, /* hidden skipping is a walking rule */
    {"a?c", "abc", true},
    {"a?c", "ac", false},
    {"a?c", "a/c", false},
    {"[abc].txt", "b.txt", true},
    {"[abc].txt", "d.txt", false},
    {"[a-c]x", "bx", true},
    {"[a-c]x", "dx", false},
    {"[!x]y", "ay", true},
    {"[!x]y", "xy", false},
    {"[^x]y", "xy", false},
    {"[]]", "]", true},
    {"[a-]", "-", true},
    {"[ab", "[ab", true}, /* unclosed class: a literal '[' */
    {"*", "anything", true},
    {"*", "", true},
    {"", "", true},
    {"", "a", false},
    {"a*b*c", "aXXbYYc", true},
    {"a*b*c", "aXXbYY", false},
    {"*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false},
    {"train/*.csv", "train/part-1.csv", true},
    {"train/*.csv", "x/train/part-1.csv", false}, /* with '/': full path */
    {"train/*.csv", "train/sub/part-1.csv", false},
    {"**/*.csv", "part-1.csv", true},
    {"**/*.csv", "a/b/c/part-1.csv", true},
    {"a/**/c.csv", "a/c.csv", true},
    {"a/**/c.csv", "a/x/y/c.csv", true},
    {"a/**/c.csv", "b/x/c.csv", false},
    {"a/**", "a/x/y", true},
    {"a/**", "a", false},
    {"**", "x/y/z", true},
    {"a/*/c", "a/b/c", true},
    {"a/*/c", "a/b/b/c", false},
    {"a/b", "a/b", true},
    {"a/b", "a/bc", false},
    {"a/b*", "a/b", true},
    {"a**b", "aXb", true}, /* not a whole component: two plain stars */
};

TEST(glob_match_table)
{
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        bool got = af_glob_match(cases[i].pattern, cases[i].path);
        if (got != cases[i].match)
            fprintf(stderr, "pattern '%s' path '%s': got %d\n", cases[i].pattern, cases[i].path,
                    got);
        CHECK(got == cases[i].match);
    }
    CHECK(!af_glob_match(NULL, "a"));
}

/* ---- expansion over a tree ---- */

static char root[256];
static char cwd[4096];

static void put(const char *rel, const char *content)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", root, rel);
    FILE *f = fopen(p, "wb");
    CHECK(f != NULL);
    if (f) {
        fputs(content, f);
        fclose(f);
    }
}

static void mk(const char *rel)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", root, rel);
    CHECK(mkdir(p, 0755) == 0);
}

static void make_tree(void)
{
    snprintf(root, sizeof root, "/tmp/af_glob_XXXXXX");
    CHECK(mkdtemp(root) != NULL);
    mk("a");
    mk("a/b");
    mk("a/.git");
    mk("z");
    put("a/b/c.csv", "c\n");
    put("a/x.csv.gz", "gz");
    put("a/y.csv", "yy\n");
    put("a/.hidden.csv", "h\n");
    put("a/.git/config.csv", "g\n");
    put("a/B.csv", "B\n");
    put("top.csv", "t\n");
    put("z/z.txt", "zzzz");
    char link[512];
    snprintf(link, sizeof link, "%s/z/loop", root);
    CHECK(symlink(root, link) == 0); /* a cycle that must not be followed */
    CHECK(getcwd(cwd, sizeof cwd) != NULL);
    CHECK(chdir(root) == 0);
}

static void remove_tree(void)
{
    CHECK(chdir(cwd) == 0);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    CHECK(system(cmd) == 0);
}

/* The expansion of pattern as "path:size,path:size" (or "ERR code msg"). */
static void expand(const char *pattern, char *out, size_t cap)
{
    af_glob_file *f = NULL;
    size_t n = 0;
    af_error err = {0};
    int rc = af_glob_expand(pattern, &f, &n, &err);
    if (rc) {
        snprintf(out, cap, "ERR %d %s", rc, err.msg);
        return;
    }
    size_t len = 0;
    out[0] = 0;
    for (size_t i = 0; i < n && len < cap; i++)
        len += (size_t)snprintf(out + len, cap - len, "%s%s:%lld", i ? "," : "", f[i].path,
                                (long long)f[i].size);
    af_glob_files_free(f, n);
}

TEST(glob_expand_tree)
{
    make_tree();
    char got[2048];
    expand("a", got, sizeof got); /* a directory: every visible file below, sorted bytewise */
    CHECK_STR(got, "a/B.csv:2,a/b/c.csv:2,a/x.csv.gz:2,a/y.csv:3");
    expand("a/", got, sizeof got);
    CHECK_STR(got, "a/B.csv:2,a/b/c.csv:2,a/x.csv.gz:2,a/y.csv:3");
    expand("a/*.csv", got, sizeof got);
    CHECK_STR(got, "a/B.csv:2,a/y.csv:3");
    expand("a/.*.csv", got, sizeof got); /* a dot in the pattern reaches hidden names */
    CHECK_STR(got, "a/.hidden.csv:2");
    expand("a/*", got, sizeof got); /* the directory a/b matches: its files come too */
    CHECK_STR(got, "a/B.csv:2,a/b/c.csv:2,a/x.csv.gz:2,a/y.csv:3");
    expand("**/*.csv", got, sizeof got);
    CHECK_STR(got, "a/B.csv:2,a/b/c.csv:2,a/y.csv:3,top.csv:2");
    expand("a/**/c.csv", got, sizeof got);
    CHECK_STR(got, "a/b/c.csv:2");
    expand("**/*.csv*", got, sizeof got);
    CHECK_STR(got, "a/B.csv:2,a/b/c.csv:2,a/x.csv.gz:2,a/y.csv:3,top.csv:2");
    expand("**", got, sizeof got); /* the link z/loop -> root is not followed */
    CHECK_STR(got, "a/B.csv:2,a/b/c.csv:2,a/x.csv.gz:2,a/y.csv:3,top.csv:2,z/z.txt:4");
    expand("[a-y]/[!B]*.csv", got, sizeof got);
    CHECK_STR(got, "a/y.csv:3");
    expand("a/?.csv", got, sizeof got);
    CHECK_STR(got, "a/B.csv:2,a/y.csv:3");
    expand("a/b/c.csv", got, sizeof got); /* a plain path */
    CHECK_STR(got, "a/b/c.csv:2");
    expand("./a/*.csv", got, sizeof got);
    CHECK_STR(got, "./a/B.csv:2,./a/y.csv:3");
    char abs[600], want[1200];
    snprintf(abs, sizeof abs, "%s/a/b/*.csv", root);
    expand(abs, got, sizeof got);
    snprintf(want, sizeof want, "%s/a/b/c.csv:2", root);
    CHECK_STR(got, want);
    expand("-", got, sizeof got);
    CHECK_STR(got, "-:-1");

    expand("a/*.json", got, sizeof got);
    CHECK_STR(got, "ERR -8 a/*.json: no file matches");
    expand("nope.csv", got, sizeof got);
    CHECK_STR(got, "ERR -8 nope.csv: cannot open: No such file or directory");
    expand("nope/**/x", got, sizeof got);
    CHECK_STR(got, "ERR -8 nope/**/x: no file matches");
    mk("empty");
    expand("empty", got, sizeof got);
    CHECK_STR(got, "ERR -8 empty: no file matches");

    /* the input set lists the same files and totals their sizes */
    af_input_set *s = NULL;
    af_error err = {0};
    CHECK_INT(af_input_set_open("a/*.csv", NULL, &s, &err), 0);
    if (s) {
        CHECK_INT(af_input_set_file_count(s), 2);
        CHECK_STR(af_input_set_file_path(s, 0), "a/B.csv");
        CHECK_STR(af_input_set_file_path(s, 1), "a/y.csv");
        CHECK(af_input_set_file_path(s, 2) == NULL);
        CHECK_INT(af_input_set_bytes_total(s), 5);
        af_input_set_free(s);
    }
    CHECK_INT(af_input_set_open("a/*.xml", NULL, &s, &err), AF_ENOTFOUND);
    CHECK_STR(err.msg, "a/*.xml: no file matches");
    CHECK(s == NULL);

    if (geteuid() != 0) { /* root reads every directory */
        mk("locked");
        put("locked/x.csv", "x\n");
        CHECK(chmod("locked", 0) == 0);
        expand("*/*.csv", got, sizeof got);
        CHECK_STR(got, "ERR -3 locked: cannot read directory: Permission denied");
        CHECK(chmod("locked", 0755) == 0);
    }
    remove_tree();
}

TEST_MAIN()
