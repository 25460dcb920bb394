/* test_state.c - the state directory: run records written at begin and end
 * and read back with jansson, per-stream resume state, name validation that
 * keeps files inside the directory, atomic writes that leave no temp files,
 * mkdir -p, run ids, and the report helpers. */
#include "core/state.h"

#include "core/buf.h"
#include "security/redact.h"
#include "test.h"

#include <dirent.h>
#include <jansson.h>
#include <sys/stat.h>
#include <unistd.h>

static char g_root[64];

/* A fresh temporary directory per test. */
static const char *tmpdir(void)
{
    snprintf(g_root, sizeof g_root, "/tmp/af_test_state_XXXXXX");
    if (!mkdtemp(g_root))
        g_root[0] = '\0';
    return g_root;
}

static void rm_rf(const char *path)
{
    DIR *d = opendir(path);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d))) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            char sub[512];
            snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
            rm_rf(sub);
        }
        closedir(d);
        rmdir(path);
    } else {
        unlink(path);
    }
}

/* Number of entries in dir whose name contains needle. */
static int count_entries(const char *dir, const char *needle)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (e->d_name[0] != '.' && strstr(e->d_name, needle))
            n++;
    closedir(d);
    return n;
}

static json_t *load_run(const char *root, const char *run_id)
{
    char path[512];
    snprintf(path, sizeof path, "%s/runs/%s.json", root, run_id);
    json_error_t je;
    json_t *j = json_load_file(path, 0, &je);
    if (!j)
        fprintf(stderr, "cannot load %s: %s\n", path, je.text);
    return j;
}

static bool is_iso_ms(const char *s)
{
    return s && strlen(s) == 24 && s[4] == '-' && s[7] == '-' && s[10] == 'T' && s[13] == ':' &&
           s[19] == '.' && s[23] == 'Z';
}

TEST(run_id_format)
{
    char *a = af_run_id_new(), *b = af_run_id_new();
    CHECK(a && b);
    CHECK_INT(strlen(a), 23);
    CHECK(a[8] == 'T' && a[15] == 'Z' && a[16] == '-');
    for (int i = 17; i < 23; i++)
        CHECK(strchr("0123456789abcdef", a[i]) != NULL);
    CHECK(strcmp(a, b) != 0); /* 24 random bits: a clash is a one-in-16M event */
    free(a);
    free(b);
}

TEST(run_begin_end_round_trip)
{
    const char *root = tmpdir();
    char sdir[128];
    snprintf(sdir, sizeof sdir, "%s/state/nested/", root);
    af_state *st = NULL;
    af_error err = {0};
    CHECK_INT(af_state_open(sdir, &st, &err), AF_OK);
    CHECK(st != NULL);
    if (!st)
        return;
    CHECK_CONTAINS(af_state_dir(st), "/state/nested");

    const char *rid = "20260101T000000Z-abc123";
    CHECK_INT(af_state_run_begin(st, rid, "/p/orders.yaml", "orders", &err), AF_OK);
    char rdir[160];
    snprintf(rdir, sizeof rdir, "%s/state/nested", root);
    json_t *j = load_run(rdir, rid);
    CHECK(j != NULL);
    char started[40] = "";
    if (j) {
        CHECK_STR(json_string_value(json_object_get(j, "status")), "running");
        CHECK_STR(json_string_value(json_object_get(j, "run_id")), rid);
        CHECK_STR(json_string_value(json_object_get(j, "pipeline")), "/p/orders.yaml");
        CHECK_STR(json_string_value(json_object_get(j, "pipeline_name")), "orders");
        CHECK(is_iso_ms(json_string_value(json_object_get(j, "started_at"))));
        CHECK(json_is_null(json_object_get(j, "ended_at")));
        CHECK(json_is_array(json_object_get(j, "streams")));
        af_strlcpy(started, json_string_value(json_object_get(j, "started_at")), sizeof started);
        json_decref(j);
    }

    af_sink_report sinks[2] = {
        {.name = "lake", .output = "s3://k:SECRETPW@bucket/out/part-0.parquet", .rows_written = 90},
        {.name = "none", .output = NULL, .rows_written = 0},
    };
    af_stream_report reps[2] = {
        {.name = "orders",
         .status = AF_RUN_SUCCEEDED,
         .rows_read = 100,
         .rows_written = 90,
         .rows_quarantined = 7,
         .rows_skipped = 3,
         .bytes_read = 123456789012LL,
         .batches = 4,
         .duration_s = 1.25,
         .quarantine_file = "/q/orders.csv",
         .error = NULL,
         .sinks = sinks,
         .n_sinks = 2},
        {.name = "customers", .status = AF_RUN_FAILED, .error = "bad password=hunter2"},
    };
    CHECK_INT(af_state_run_end(st, rid, AF_RUN_FAILED, reps, 2, "stream customers failed", &err),
              AF_OK);
    j = load_run(rdir, rid);
    CHECK(j != NULL);
    if (j) {
        CHECK_STR(json_string_value(json_object_get(j, "status")), "failed");
        CHECK_STR(json_string_value(json_object_get(j, "started_at")), started);
        CHECK(is_iso_ms(json_string_value(json_object_get(j, "ended_at"))));
        CHECK_STR(json_string_value(json_object_get(j, "pipeline")), "/p/orders.yaml");
        CHECK_STR(json_string_value(json_object_get(j, "pipeline_name")), "orders");
        CHECK_STR(json_string_value(json_object_get(j, "error")), "stream customers failed");
        json_t *ss = json_object_get(j, "streams");
        CHECK_INT(json_array_size(ss), 2);
        json_t *s0 = json_array_get(ss, 0);
        CHECK_STR(json_string_value(json_object_get(s0, "name")), "orders");
        CHECK_STR(json_string_value(json_object_get(s0, "status")), "succeeded");
        CHECK_INT(json_integer_value(json_object_get(s0, "rows_read")), 100);
        CHECK_INT(json_integer_value(json_object_get(s0, "rows_written")), 90);
        CHECK_INT(json_integer_value(json_object_get(s0, "rows_quarantined")), 7);
        CHECK_INT(json_integer_value(json_object_get(s0, "rows_skipped")), 3);
        CHECK_INT(json_integer_value(json_object_get(s0, "bytes_read")), 123456789012LL);
        CHECK_INT(json_integer_value(json_object_get(s0, "batches")), 4);
        CHECK(json_number_value(json_object_get(s0, "duration_s")) == 1.25);
        CHECK_STR(json_string_value(json_object_get(s0, "quarantine_file")), "/q/orders.csv");
        CHECK(json_is_null(json_object_get(s0, "error")));
        json_t *k = json_object_get(s0, "sinks");
        CHECK_INT(json_array_size(k), 2);
        CHECK_STR(json_string_value(json_object_get(json_array_get(k, 0), "name")), "lake");
        CHECK_STR(json_string_value(json_object_get(json_array_get(k, 0), "output")),
                  "s3://k:***@bucket/out/part-0.parquet");
        CHECK_INT(json_integer_value(json_object_get(json_array_get(k, 0), "rows_written")), 90);
        CHECK(json_is_null(json_object_get(json_array_get(k, 1), "output")));
        json_t *s1 = json_array_get(ss, 1);
        CHECK_STR(json_string_value(json_object_get(s1, "status")), "failed");
        CHECK_STR(json_string_value(json_object_get(s1, "error")), "bad password=***");
        CHECK(json_is_null(json_object_get(s1, "quarantine_file")));
        CHECK_INT(json_array_size(json_object_get(s1, "sinks")), 0);
        json_decref(j);
    }
    char runs[200];
    snprintf(runs, sizeof runs, "%s/runs", rdir);
    CHECK_INT(count_entries(runs, ".tmp."), 0);
    af_state_close(st);
    rm_rf(root);
}

TEST(run_end_without_begin_file)
{
    const char *root = tmpdir();
    af_state *st = NULL;
    af_error err = {0};
    CHECK_INT(af_state_open(root, &st, &err), AF_OK);
    /* Remembered started_at survives a lost begin record. */
    CHECK_INT(af_state_run_begin(st, "r1", "p.yaml", "p", &err), AF_OK);
    char path[256];
    snprintf(path, sizeof path, "%s/runs/r1.json", root);
    unlink(path);
    CHECK_INT(af_state_run_end(st, "r1", AF_RUN_SUCCEEDED, NULL, 0, NULL, &err), AF_OK);
    json_t *j = load_run(root, "r1");
    CHECK(j && is_iso_ms(json_string_value(json_object_get(j, "started_at"))));
    CHECK(j && json_is_null(json_object_get(j, "error")));
    json_decref(j);
    /* A run never begun: recorded anyway, started_at unknown. */
    CHECK_INT(af_state_run_end(st, "r2", AF_RUN_CANCELED, NULL, 0, NULL, &err), AF_OK);
    j = load_run(root, "r2");
    CHECK(j && json_is_null(json_object_get(j, "started_at")));
    CHECK_STR(j ? json_string_value(json_object_get(j, "status")) : NULL, "canceled");
    json_decref(j);
    CHECK_INT(af_state_run_begin(st, "../evil", "p", "p", &err), AF_EINVAL);
    af_state_close(st);
    rm_rf(root);
}

TEST(stream_state_put_get)
{
    const char *root = tmpdir();
    af_state *st = NULL;
    af_error err = {0};
    CHECK_INT(af_state_open(root, &st, &err), AF_OK);
    char *js = (char *)"x";
    CHECK_INT(af_state_stream_get(st, "orders.v2-eu_1", &js, &err), AF_OK);
    CHECK(js == NULL);

    const char *state = "{\"files\":{\"a.csv\":{\"size\":10,\"mtime\":1}},\"offset\":42}";
    CHECK_INT(af_state_stream_put(st, "orders.v2-eu_1", state, &err), AF_OK);
    CHECK_INT(af_state_stream_get(st, "orders.v2-eu_1", &js, &err), AF_OK);
    CHECK_STR(js, state);
    free(js);
    /* Replaced, not appended. */
    CHECK_INT(af_state_stream_put(st, "orders.v2-eu_1", "{\"offset\":43}", &err), AF_OK);
    CHECK_INT(af_state_stream_get(st, "orders.v2-eu_1", &js, &err), AF_OK);
    CHECK_STR(js, "{\"offset\":43}");
    free(js);

    CHECK_INT(af_state_stream_put(st, "orders", "{not json", &err), AF_EINVAL);
    CHECK_CONTAINS(err.msg, "orders");

    /* A corrupt file is reported with its path, not silently ignored. */
    char path[256];
    snprintf(path, sizeof path, "%s/streams/broken.json", root);
    CHECK_INT(af_write_file_atomic(path, "{\"a\":", 5, &err), AF_OK);
    js = NULL;
    CHECK_INT(af_state_stream_get(st, "broken", &js, &err), AF_EPARSE);
    CHECK(js == NULL);
    CHECK_CONTAINS(err.msg, "broken.json");

    char sdir[200];
    snprintf(sdir, sizeof sdir, "%s/streams", root);
    CHECK_INT(count_entries(sdir, ".tmp."), 0);
    af_state_close(st);
    rm_rf(root);
}

TEST(invalid_stream_names)
{
    const char *root = tmpdir();
    af_state *st = NULL;
    af_error err = {0};
    CHECK_INT(af_state_open(root, &st, &err), AF_OK);
    const char *bad[] = {"",     "../x",   "a/b", "..",          ".",   ".hidden",
                         "a..b", "sp ace", "x\n", "caf\xc3\xa9", "/abs"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char *js = NULL;
        af_error_clear(&err);
        CHECK_INT(af_state_stream_put(st, bad[i], "{}", &err), AF_EINVAL);
        CHECK(err.msg[0] != '\0');
        CHECK_INT(af_state_stream_get(st, bad[i], &js, &err), AF_EINVAL);
        CHECK(js == NULL);
    }
    CHECK_INT(af_state_stream_put(st, NULL, "{}", &err), AF_EINVAL);
    af_error_clear(&err);
    CHECK_INT(af_state_stream_put(st, "a/b", "{}", &err), AF_EINVAL);
    CHECK_CONTAINS(err.msg, "'/'");
    char longname[300];
    memset(longname, 'a', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    CHECK_INT(af_state_stream_put(st, longname, "{}", &err), AF_EINVAL);
    /* Nothing escaped the directory. */
    char parent[200];
    snprintf(parent, sizeof parent, "%s/x.json", root);
    CHECK(access(parent, F_OK) != 0);
    af_state_close(st);
    rm_rf(root);
}

TEST(atomic_write)
{
    const char *root = tmpdir();
    char path[256];
    snprintf(path, sizeof path, "%s/file.bin", root);
    af_error err = {0};
    CHECK_INT(af_write_file_atomic(path, "first", 5, &err), AF_OK);
    CHECK_INT(af_write_file_atomic(path, "second!", 7, &err), AF_OK);
    FILE *f = fopen(path, "rb");
    char buf[32] = {0};
    size_t n = f ? fread(buf, 1, sizeof buf, f) : 0;
    if (f)
        fclose(f);
    CHECK_INT(n, 7);
    CHECK_STR(buf, "second!");
    CHECK_INT(af_write_file_atomic(path, "", 0, &err), AF_OK);
    struct stat sb;
    CHECK(stat(path, &sb) == 0 && sb.st_size == 0);
    CHECK_INT(count_entries(root, ".tmp."), 0);
    CHECK_INT(count_entries(root, "file.bin"), 1);

    /* Failure: the directory does not exist; the message names the path. */
    char bad[256];
    snprintf(bad, sizeof bad, "%s/missing/file.bin", root);
    CHECK_INT(af_write_file_atomic(bad, "x", 1, &err), AF_EIO);
    CHECK_CONTAINS(err.msg, bad);
    /* Failure at rename: the target is a non-empty directory; temp is removed. */
    char dirpath[256], inner[300];
    snprintf(dirpath, sizeof dirpath, "%s/isdir", root);
    snprintf(inner, sizeof inner, "%s/isdir/keep", root);
    CHECK_INT(af_mkdirs(inner, &err), AF_OK);
    CHECK_INT(af_write_file_atomic(dirpath, "x", 1, &err), AF_EIO);
    CHECK_CONTAINS(err.msg, dirpath);
    CHECK_INT(count_entries(root, ".tmp."), 0);
    CHECK_INT(af_write_file_atomic("", "x", 1, &err), AF_EINVAL);
    rm_rf(root);
}

TEST(mkdirs)
{
    const char *root = tmpdir();
    char p[256];
    af_error err = {0};
    snprintf(p, sizeof p, "%s/a/b//c/", root);
    CHECK_INT(af_mkdirs(p, &err), AF_OK);
    CHECK_INT(af_mkdirs(p, &err), AF_OK); /* already there: fine */
    snprintf(p, sizeof p, "%s/a/b/c", root);
    struct stat sb;
    CHECK(stat(p, &sb) == 0 && S_ISDIR(sb.st_mode));
    /* A file in the way. */
    char file[256];
    snprintf(file, sizeof file, "%s/a/f", root);
    CHECK_INT(af_write_file_atomic(file, "x", 1, &err), AF_OK);
    snprintf(p, sizeof p, "%s/a/f/g", root);
    CHECK_INT(af_mkdirs(p, &err), AF_EIO);
    CHECK_CONTAINS(err.msg, "not a directory");
    CHECK_CONTAINS(err.msg, p);
    CHECK_INT(af_mkdirs("", &err), AF_EINVAL);
    af_state *st = NULL;
    CHECK_INT(af_state_open(file, &st, &err), AF_EIO);
    CHECK(st == NULL);
    CHECK_CONTAINS(err.msg, "state directory");
    rm_rf(root);
}

TEST(report_helpers)
{
    CHECK_STR(af_run_status_name(AF_RUN_RUNNING), "running");
    CHECK_STR(af_run_status_name(AF_RUN_SUCCEEDED), "succeeded");
    CHECK_STR(af_run_status_name(AF_RUN_FAILED), "failed");
    CHECK_STR(af_run_status_name(AF_RUN_CANCELED), "canceled");
    CHECK_STR(af_run_status_name(AF_RUN_SKIPPED), "skipped");
    CHECK_STR(af_run_status_name((af_run_status)99), "unknown");

    af_stream_report r = {
        .name = af_strdup("s"), .error = af_strdup("e"), .quarantine_file = af_strdup("q")};
    r.sinks = calloc(2, sizeof *r.sinks);
    r.n_sinks = 2;
    r.sinks[0].name = af_strdup("k");
    r.sinks[0].output = af_strdup("o");
    af_stream_report_free(&r);
    CHECK(r.name == NULL && r.sinks == NULL && r.n_sinks == 0);
    af_stream_report_free(&r); /* zeroed: safe again */
    af_stream_report_free(NULL);
}

TEST_MAIN()
