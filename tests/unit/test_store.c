/* test_store.c - the lake store on a local directory (lake/store.h):
 * listing by prefix in path order without staging files, ranged reads,
 * staged writes that publish atomically or leave nothing, put-if-absent
 * with exactly one winner among racing threads, deletes that tidy empty
 * directories, and path validation. */
#include "lake/store.h"
#include "test.h"

#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

static af_error err;

static char *make_root(void)
{
    char tmpl[] = "/tmp/af_store_test_XXXXXX";
    char *d = mkdtemp(tmpl);
    return d ? strdup(d) : NULL;
}

static void remove_tree(const char *root)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", root);
}

static char *listing(af_store *s, const char *prefix)
{
    af_store_entry *e = NULL;
    size_t n = 0;
    static char out[2048];
    out[0] = 0;
    if (af_store_list(s, prefix, &e, &n, &err) != 0) {
        snprintf(out, sizeof out, "ERR %.1000s", err.msg);
        return out;
    }
    size_t pos = 0;
    for (size_t i = 0; i < n && pos < sizeof out; i++)
        pos += (size_t)snprintf(out + pos, sizeof out - pos, "%s%s:%lld", i ? " " : "", e[i].path,
                                (long long)e[i].size);
    af_store_entries_free(e, n);
    return out;
}

TEST(put_list_read)
{
    char *root = make_root();
    af_store *s = NULL;
    CHECK_INT(af_store_open(root, &s, &err), 0);
    CHECK_INT(
        af_store_put(s, "processed/sales/_delta_log/00000000000000000000.json", "{}\n", 3, &err),
        0);
    CHECK_INT(af_store_put(s, "processed/sales/part-1.parquet", "PAR1data", 8, &err), 0);
    CHECK_INT(af_store_put(s, "processed/salesmen/part-1.parquet", "x", 1, &err), 0);
    CHECK_INT(af_store_put(s, "raw/a.csv", "a,b\n", 4, &err), 0);
    /* a staging file of some writer in progress is never listed */
    af_store_writer *w = NULL;
    CHECK_INT(af_store_writer_begin(s, "processed/sales/part-2.parquet", "r1", &w, &err), 0);
    CHECK_INT(af_store_writer_write(w, "half", 4, &err), 0);
    CHECK_STR(listing(s, "processed/sales/"),
              "processed/sales/_delta_log/00000000000000000000.json:3 "
              "processed/sales/part-1.parquet:8");
    CHECK_STR(listing(s, "processed/sales"),
              "processed/sales/_delta_log/00000000000000000000.json:3 "
              "processed/sales/part-1.parquet:8 processed/salesmen/part-1.parquet:1");
    CHECK_STR(listing(s, ""), "processed/sales/_delta_log/00000000000000000000.json:3 "
                              "processed/sales/part-1.parquet:8 "
                              "processed/salesmen/part-1.parquet:1 raw/a.csv:4");
    CHECK_STR(listing(s, "nothing/"), "");
    CHECK_INT(af_store_writer_publish(w, &err), 0);
    af_store_writer_free(w);
    CHECK_STR(listing(s, "processed/sales/part"),
              "processed/sales/part-1.parquet:8 processed/sales/part-2.parquet:4");

    af_buf b;
    af_buf_init(&b);
    CHECK_INT(af_store_read_range(s, "processed/sales/part-1.parquet", 4, 3, &b, &err), 0);
    CHECK_INT(b.len, 3);
    CHECK(memcmp(b.data, "dat", 3) == 0);
    af_buf_reset(&b);
    CHECK_INT(af_store_read_range(s, "processed/sales/part-1.parquet", 6, 100, &b, &err), 0);
    CHECK_INT(b.len, 2); /* the object ends first */
    CHECK_INT(af_store_read_range(s, "nope.parquet", 0, 4, &b, &err), AF_ENOTFOUND);
    af_buf_free(&b);

    af_store_entry st;
    CHECK_INT(af_store_stat(s, "raw/a.csv", &st, &err), 0);
    CHECK_INT(st.size, 4);
    CHECK(st.mtime_ms > 1600000000000LL);
    CHECK_INT(af_store_stat(s, "raw", &st, &err), AF_ENOTFOUND); /* a directory is no object */

    af_reader *r = NULL;
    CHECK_INT(af_store_open_read(s, "raw/a.csv", &r, &err), 0);
    char tmp[8];
    CHECK_INT(af_reader_read_full(r, tmp, sizeof tmp, &err), 4);
    af_reader_close(r);
    af_store_free(s);
    remove_tree(root);
    free(root);
}

TEST(abort_leaves_nothing_and_put_replaces)
{
    char *root = make_root();
    af_store *s = NULL;
    CHECK_INT(af_store_open(root, &s, &err), 0);
    af_store_writer *w = NULL;
    CHECK_INT(af_store_writer_begin(s, "curated/x.csv", "r2", &w, &err), 0);
    CHECK_INT(af_store_writer_write(w, "abc", 3, &err), 0);
    af_store_writer_abort(w);
    CHECK_INT(af_store_writer_write(w, "d", 1, &err), AF_EINVAL);
    af_store_writer_free(w);
    char cmd[512];
    snprintf(cmd, sizeof cmd, "test -z \"$(ls -A '%s/curated')\"", root);
    CHECK_INT(system(cmd), 0); /* no staging file left */
    CHECK_STR(listing(s, ""), "");
    /* a writer freed without publishing aborts too */
    CHECK_INT(af_store_writer_begin(s, "curated/x.csv", "r3", &w, &err), 0);
    af_store_writer_free(w);
    CHECK_INT(system(cmd), 0);

    CHECK_INT(af_store_put(s, "curated/x.csv", "one", 3, &err), 0);
    CHECK_INT(af_store_put(s, "curated/x.csv", "three", 5, &err), 0);
    CHECK_STR(listing(s, "curated/"), "curated/x.csv:5");
    af_store_free(s);
    remove_tree(root);
    free(root);
}

TEST(put_if_absent)
{
    char *root = make_root();
    af_store *s = NULL;
    CHECK_INT(af_store_open(root, &s, &err), 0);
    const char *v1 = "t/_delta_log/00000000000000000001.json";
    CHECK_INT(af_store_put_if_absent(s, v1, "first", 5, &err), 0);
    CHECK_INT(af_store_put_if_absent(s, v1, "second!", 7, &err), AF_EEXIST);
    CHECK(strstr(err.msg, "00000000000000000001.json: already exists") != NULL);
    af_buf b;
    af_buf_init(&b);
    CHECK_INT(af_store_read_range(s, v1, 0, 100, &b, &err), 0);
    CHECK_INT(b.len, 5); /* the first writer's content stays */
    CHECK(memcmp(b.data, "first", 5) == 0);
    af_buf_free(&b);
    char cmd[512];
    snprintf(cmd, sizeof cmd, "test \"$(ls -A '%s/t/_delta_log' | wc -l)\" = 1", root);
    CHECK_INT(system(cmd), 0); /* the loser left no staging file */
    af_store_free(s);
    remove_tree(root);
    free(root);
}

typedef struct racer {
    af_store *s;
    int id;
    int rc;
} racer;

static void *race(void *arg)
{
    racer *r = arg;
    char body[32];
    int n = snprintf(body, sizeof body, "writer %d", r->id);
    af_error e;
    af_store_writer *w = NULL;
    char run[16];
    snprintf(run, sizeof run, "run%d", r->id);
    r->rc = af_store_writer_begin(r->s, "t/_delta_log/00000000000000000007.json", run, &w, &e);
    if (!r->rc)
        r->rc = af_store_writer_write(w, body, (size_t)n, &e);
    if (!r->rc)
        r->rc = af_store_writer_publish_if_absent(w, &e);
    af_store_writer_free(w);
    return NULL;
}

TEST(racing_writers_one_wins)
{
    char *root = make_root();
    af_store *s = NULL;
    CHECK_INT(af_store_open(root, &s, &err), 0);
    for (int round = 0; round < 20; round++) {
        af_store_delete(s, "t/_delta_log/00000000000000000007.json", &err);
        racer r[8];
        pthread_t th[8];
        for (int i = 0; i < 8; i++) {
            r[i] = (racer){s, i, 0};
            pthread_create(&th[i], NULL, race, &r[i]);
        }
        int winners = 0, losers = 0;
        for (int i = 0; i < 8; i++) {
            pthread_join(th[i], NULL);
            winners += r[i].rc == 0;
            losers += r[i].rc == AF_EEXIST;
        }
        CHECK_INT(winners, 1);
        CHECK_INT(losers, 7);
    }
    CHECK_STR(listing(s, "t/"), "t/_delta_log/00000000000000000007.json:8");
    af_store_free(s);
    remove_tree(root);
    free(root);
}

TEST(delete_tidies_and_paths_are_checked)
{
    char *root = make_root();
    af_store *s = NULL;
    CHECK_INT(af_store_open(root, &s, &err), 0);
    CHECK_INT(af_store_put(s, "p/date=2024-01-01/a.parquet", "x", 1, &err), 0);
    CHECK_INT(af_store_put(s, "p/keep.txt", "y", 1, &err), 0);
    CHECK_INT(af_store_delete(s, "p/date=2024-01-01/a.parquet", &err), 0);
    char dir[600];
    snprintf(dir, sizeof dir, "%s/p/date=2024-01-01", root);
    struct stat st;
    CHECK(stat(dir, &st) != 0); /* the empty partition directory went too */
    snprintf(dir, sizeof dir, "%s/p", root);
    CHECK(stat(dir, &st) == 0); /* but not one that still holds objects */
    CHECK_INT(af_store_delete(s, "p/date=2024-01-01/a.parquet", &err), AF_ENOTFOUND);

    const char *bad[] = {"", "/etc/passwd", "a/../b", "./a", "a//b", "a/", "..", NULL};
    for (int i = 0; bad[i]; i++) {
        CHECK(!af_store_path_valid(bad[i]));
        CHECK_INT(af_store_put(s, bad[i], "z", 1, &err), AF_EINVAL);
    }
    CHECK(strstr(err.msg, "invalid object path '..'") != NULL);
    CHECK(af_store_path_valid("_delta_log/00000000000000000000.json"));
    af_store_free(s);

    CHECK_INT(af_store_open("s3://bucket/lake", &s, &err), AF_EUNSUPPORTED);
    CHECK_STR(err.msg, "s3://bucket/lake: only local lakes are supported in this version (a "
                       "directory or file://PATH)");
    char url[600];
    snprintf(url, sizeof url, "file://%s/", root);
    CHECK_INT(af_store_open(url, &s, &err), 0);
    CHECK_STR(af_store_root(s), root);
    CHECK_STR(listing(s, ""), "p/keep.txt:1");
    af_store_free(s);
    remove_tree(root);
    free(root);
}

TEST_MAIN()
