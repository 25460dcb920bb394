/* test_log.c - the logger: text and JSON line formats, field types, level
 * filtering, redaction of every line, the --log-file mirror, colours, the
 * progress line, and that concurrent lines never interleave. Output goes to an
 * open_memstream FILE* so the tests can read exactly what was written. */
#include "core/log.h"

#include "security/redact.h"
#include "test.h"

#include <jansson.h>
#include <pthread.h>
#include <unistd.h>

static char *g_mem_buf;
static size_t g_mem_size;
static FILE *g_mem;

static void mem_start(af_log_format fmt, af_log_level lvl, int color, int progress,
                      const char *file)
{
    g_mem_buf = NULL;
    g_mem_size = 0;
    g_mem = open_memstream(&g_mem_buf, &g_mem_size);
    af_log_options o = {.format = fmt,
                        .min_level = lvl,
                        .stream = g_mem,
                        .color = color,
                        .progress = progress,
                        .file = file};
    af_error err = {0};
    CHECK_INT(af_log_init(&o, &err), AF_OK);
}

/* Stops logging to the memstream and returns what was written (caller frees). */
static char *mem_done(void)
{
    af_log_shutdown();
    fclose(g_mem);
    g_mem = NULL;
    return g_mem_buf;
}

static int count_lines(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

/* Splits in place: returns the next line (without '\n') or NULL at the end. */
static char *next_line(char **cur)
{
    char *l = *cur;
    if (!l || !*l)
        return NULL;
    char *nl = strchr(l, '\n');
    if (nl) {
        *nl = '\0';
        *cur = nl + 1;
    } else {
        *cur = l + strlen(l);
    }
    return l;
}

static char *read_all(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    size_t got = fread(s, 1, (size_t)n, f);
    s[got] = '\0';
    fclose(f);
    return s;
}

TEST(text_format)
{
    mem_start(AF_LOG_FORMAT_TEXT, AF_LOG_INFO, 0, 0, NULL);
    af_log(AF_LOG_INFO, "stream.start", "reading %d files", 3);
    char *out = mem_done();
    /* "HH:MM:SS.mmm INFO  stream.start reading 3 files\n" */
    CHECK_INT(strlen(out), 13 + 6 + strlen("stream.start reading 3 files") + 1);
    CHECK(out[2] == ':' && out[5] == ':' && out[8] == '.' && out[12] == ' ');
    CHECK_STR(out + 13, "INFO  stream.start reading 3 files\n");
    CHECK(!strchr(out, '\033'));
    free(out);
}

TEST(text_fields)
{
    mem_start(AF_LOG_FORMAT_TEXT, AF_LOG_DEBUG, 0, 0, NULL);
    af_log_field f[] = {AF_LF_S("file", "a.csv"), AF_LF_S("note", "two words"),
                        AF_LF_I("rows", 1234567), AF_LF_D("duration_s", 1.5),
                        AF_LF_S("empty", ""),     AF_LF_S("none", NULL)};
    af_log_fields(AF_LOG_WARN, "stream.done", f, 6, "done");
    af_log(AF_LOG_DEBUG, NULL, "line\nbreak \033[31mred");
    char *out = mem_done();
    CHECK_CONTAINS(out, "WARN  stream.done done file=a.csv note=\"two words\" rows=1234567 "
                        "duration_s=1.5 empty=\"\" none=null\n");
    /* Control bytes never reach the terminal raw. */
    CHECK_CONTAINS(out, "DEBUG line\\nbreak \\x1b[31mred\n");
    CHECK_INT(count_lines(out), 2);
    free(out);
}

TEST(json_format)
{
    mem_start(AF_LOG_FORMAT_JSON, AF_LOG_INFO, 0, 0, NULL);
    af_log_set_run_id("20260101T000000Z-abcdef");
    af_log_field f[] = {AF_LF_S("file", "q\"uote\\d.csv"),
                        AF_LF_I("rows", -42),
                        AF_LF_D("ratio", 2.0),
                        AF_LF_D("nan", NAN),
                        AF_LF_S("msg", "shadow"),
                        AF_LF_I("big", INT64_MAX)};
    af_log_fields(AF_LOG_ERROR, "stream.fail", f, 6, "failed: %s", "tab\there");
    af_log_set_run_id(NULL);
    af_log(AF_LOG_INFO, "x", "no run id");
    char *out = mem_done();
    CHECK_INT(count_lines(out), 2);

    json_error_t je;
    char *nl = strchr(out, '\n');
    *nl = '\0';
    json_t *j = json_loads(out, 0, &je);
    CHECK(j != NULL);
    if (j) {
        const char *ts = json_string_value(json_object_get(j, "ts"));
        CHECK(ts && strlen(ts) == 24 && ts[4] == '-' && ts[10] == 'T' && ts[19] == '.' &&
              ts[23] == 'Z');
        CHECK_STR(json_string_value(json_object_get(j, "level")), "error");
        CHECK_STR(json_string_value(json_object_get(j, "event")), "stream.fail");
        CHECK_STR(json_string_value(json_object_get(j, "msg")), "failed: tab\there");
        CHECK_STR(json_string_value(json_object_get(j, "run_id")), "20260101T000000Z-abcdef");
        CHECK_STR(json_string_value(json_object_get(j, "file")), "q\"uote\\d.csv");
        CHECK(json_is_integer(json_object_get(j, "rows")));
        CHECK_INT(json_integer_value(json_object_get(j, "rows")), -42);
        CHECK(json_is_real(json_object_get(j, "ratio")));
        CHECK(json_real_value(json_object_get(j, "ratio")) == 2.0);
        CHECK(json_is_null(json_object_get(j, "nan")));
        CHECK_STR(json_string_value(json_object_get(j, "_msg")), "shadow");
        CHECK_INT(json_integer_value(json_object_get(j, "big")), INT64_MAX);
        json_decref(j);
    }
    j = json_loads(nl + 1, 0, &je);
    CHECK(j != NULL);
    if (j) {
        CHECK(json_object_get(j, "run_id") == NULL);
        CHECK_STR(json_string_value(json_object_get(j, "level")), "info");
        json_decref(j);
    }
    free(out);
}

TEST(secrets_masked_text_and_json)
{
    af_redact_clear();
    af_redact_register("Zebra\"Secret");
    for (int fmt = 0; fmt < 2; fmt++) {
        mem_start(fmt ? AF_LOG_FORMAT_JSON : AF_LOG_FORMAT_TEXT, AF_LOG_INFO, 0, 0, NULL);
        af_log(AF_LOG_INFO, "conn", "open postgres://bob:hunter2@db/x password=pw123 key %s",
               "Zebra\"Secret");
        af_log_field f[] = {AF_LF_S("url", "https://a/b?sig=SIGVALUE&x=1"),
                            AF_LF_S("pass", "Zebra\"Secret"), AF_LF_I("token", 5),
                            AF_LF_S("note", "missing key:")};
        af_log_fields(AF_LOG_INFO, "conn", f, 4, "fields");
        char *out = mem_done();
        CHECK(!strstr(out, "hunter2"));
        CHECK(!strstr(out, "pw123"));
        CHECK(!strstr(out, "SIGVALUE"));
        CHECK(!strstr(out, "Zebra"));
        CHECK_CONTAINS(out, "bob:***@db");
        CHECK_CONTAINS(out, "password=***");
        if (fmt) {
            /* Still one valid JSON object per line after masking. */
            char *cur = out;
            int n = 0;
            for (char *l; (l = next_line(&cur));) {
                json_error_t je;
                json_t *j = json_loads(l, 0, &je);
                CHECK(j != NULL);
                json_decref(j);
                n++;
            }
            CHECK_INT(n, 2);
        }
        free(out);
    }
    af_redact_clear();
}

TEST(level_filtering)
{
    mem_start(AF_LOG_FORMAT_TEXT, AF_LOG_WARN, 0, 0, NULL);
    af_log(AF_LOG_DEBUG, "d", "debug");
    af_log(AF_LOG_INFO, "i", "info");
    af_log(AF_LOG_WARN, "w", "warn");
    af_log(AF_LOG_ERROR, "e", "error");
    char *out = mem_done();
    CHECK_INT(count_lines(out), 2);
    CHECK(!strstr(out, "debug") && !strstr(out, "info"));
    CHECK_CONTAINS(out, "WARN  w warn");
    CHECK_CONTAINS(out, "ERROR e error");
    free(out);
}

TEST(log_file_mirror_appends)
{
    char dir[] = "/tmp/af_test_log_XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[256];
    snprintf(path, sizeof path, "%s/run.log", dir);

    mem_start(AF_LOG_FORMAT_JSON, AF_LOG_INFO, 1, 0, path);
    af_log(AF_LOG_INFO, "one", "first token=abc");
    char *out1 = mem_done();
    mem_start(AF_LOG_FORMAT_TEXT, AF_LOG_INFO, 1, 0, path);
    af_log(AF_LOG_WARN, "two", "second");
    char *out2 = mem_done();

    char *file = read_all(path);
    CHECK(file != NULL);
    if (file) {
        CHECK_INT(count_lines(file), 2);
        /* Same JSON line in the file as on the stream; text without colours. */
        CHECK(strncmp(file, out1, strlen(out1)) == 0);
        CHECK(!strstr(file, "abc"));
        CHECK(!strchr(file, '\033'));
        CHECK_CONTAINS(file, "WARN  two second\n");
    }
    /* color=1 colours the level on the stream. */
    CHECK_CONTAINS(out2, "\033[33mWARN \033[0m two second");
    free(out1);
    free(out2);
    free(file);
    unlink(path);
    rmdir(dir);
}

TEST(bad_options)
{
    af_error err = {0};
    af_log_options o = {.format = (af_log_format)7};
    CHECK_INT(af_log_init(&o, &err), AF_EINVAL);
    o = (af_log_options){.min_level = (af_log_level)9};
    CHECK_INT(af_log_init(&o, &err), AF_EINVAL);
    o = (af_log_options){.file = "/nonexistent-dir/x/run.log", .color = -1};
    CHECK_INT(af_log_init(&o, &err), AF_EIO);
    CHECK_CONTAINS(err.msg, "/nonexistent-dir/x/run.log");
    af_log_shutdown();
}

TEST(works_before_init)
{
    af_log_shutdown();
    char path[] = "/tmp/af_test_stderr_XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    fflush(stderr);
    int saved = dup(2);
    dup2(fd, 2);
    af_log(AF_LOG_DEBUG, "hidden", "debug is below the default level");
    af_log(AF_LOG_INFO, "early", "before init password=xyz");
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    close(fd);
    char *s = read_all(path);
    CHECK_CONTAINS(s, "INFO  early before init password=***\n");
    CHECK(s && !strstr(s, "hidden"));
    free(s);
    unlink(path);
}

typedef struct {
    int id;
} worker_arg;

static void *worker(void *arg)
{
    int id = ((worker_arg *)arg)->id;
    for (int i = 0; i < 1000; i++) {
        af_log_field f[] = {AF_LF_I("thread", id), AF_LF_I("i", i),
                            AF_LF_S("pad", "some text that makes the line longer than a few "
                                           "bytes so partial writes would show")};
        af_log_fields(AF_LOG_INFO, "worker.tick", f, 3, "thread %d line %d", id, i);
    }
    return NULL;
}

TEST(concurrent_lines_intact)
{
    mem_start(AF_LOG_FORMAT_JSON, AF_LOG_INFO, 0, 0, NULL);
    pthread_t t[4];
    worker_arg a[4];
    for (int k = 0; k < 4; k++) {
        a[k].id = k;
        pthread_create(&t[k], NULL, worker, &a[k]);
    }
    for (int k = 0; k < 4; k++)
        pthread_join(t[k], NULL);
    char *out = mem_done();
    CHECK_INT(count_lines(out), 4000);

    static unsigned char seen[4][1000];
    memset(seen, 0, sizeof seen);
    int bad = 0;
    char *cur = out;
    for (char *l; (l = next_line(&cur));) {
        json_error_t je;
        json_t *j = json_loads(l, 0, &je);
        if (!j) {
            bad++;
            continue;
        }
        json_int_t th = json_integer_value(json_object_get(j, "thread"));
        json_int_t i = json_integer_value(json_object_get(j, "i"));
        char want[64];
        snprintf(want, sizeof want, "thread %d line %d", (int)th, (int)i);
        const char *msg = json_string_value(json_object_get(j, "msg"));
        if (th < 0 || th > 3 || i < 0 || i > 999 || !msg || strcmp(msg, want) != 0)
            bad++;
        else
            seen[th][i]++;
        json_decref(j);
    }
    CHECK_INT(bad, 0);
    int missing = 0;
    for (int k = 0; k < 4; k++)
        for (int i = 0; i < 1000; i++)
            missing += seen[k][i] != 1;
    CHECK_INT(missing, 0);
    free(out);
}

TEST(progress_draws_erases_redraws)
{
    mem_start(AF_LOG_FORMAT_TEXT, AF_LOG_INFO, 0, 1, NULL);
    af_progress *p = af_progress_start("orders", 1000 * 1000);
    CHECK(p != NULL);
    usleep(120 * 1000);
    af_progress_update(p, 1200000, 450 * 1000, 0);
    fflush(g_mem);
    CHECK_CONTAINS(g_mem_buf, "\r\033[Korders [#########...........] 45% 1.2M rows 439 KB ");
    CHECK_CONTAINS(g_mem_buf, "/s ETA ");
    size_t before = g_mem_size;
    /* Immediately again: throttled to one draw per 100 ms. */
    af_progress_update(p, 1300000, 460 * 1000, 0);
    fflush(g_mem);
    CHECK_INT(g_mem_size, before);
    /* A log line erases the bar and draws it again after the line. */
    af_log(AF_LOG_INFO, "mid", "between");
    fflush(g_mem);
    const char *tail = g_mem_buf + before;
    CHECK(strncmp(tail, "\r\033[K", 4) == 0);
    CHECK_CONTAINS(tail, "INFO  mid between\n\r\033[Korders [");
    af_progress_finish(p);
    fflush(g_mem);
    CHECK(g_mem_size >= 4 && strcmp(g_mem_buf + g_mem_size - 4, "\r\033[K") == 0);

    /* Unknown total: no bar, no ETA, elapsed time instead. */
    p = af_progress_start("stdin", 0);
    usleep(120 * 1000);
    af_progress_update(p, 10, 2048, 0);
    af_progress_finish(p);
    char *out = mem_done();
    CHECK_CONTAINS(out, "\r\033[Kstdin 10 rows 2.0 KB ");
    CHECK_CONTAINS(out, " elapsed 0:00");
    free(out);

    /* NULL is accepted everywhere. */
    af_progress_update(NULL, 1, 1, 1);
    af_progress_finish(NULL);
}

TEST(progress_hidden_when_not_tty_or_json)
{
    mem_start(AF_LOG_FORMAT_TEXT, AF_LOG_INFO, 0, 0, NULL);
    CHECK(af_progress_start("x", 10) == NULL); /* memstream is not a tty */
    char *out = mem_done();
    free(out);
    mem_start(AF_LOG_FORMAT_JSON, AF_LOG_INFO, 0, 1, NULL);
    CHECK(af_progress_start("x", 10) == NULL);
    out = mem_done();
    CHECK_INT(strlen(out), 0);
    free(out);
}

TEST_MAIN()
