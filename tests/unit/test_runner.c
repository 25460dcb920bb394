/* test_runner.c - the runner's guarantees, with plugins defined here so each
 * behaviour can be provoked: back-pressure, abort on error, stop on signal,
 * resume state only after every sink committed, row accounting. */
#include "test.h"

#include "core/cancel.h"
#include "core/log.h"
#include "core/quarantine.h"
#include "core/runner.h"
#include "core/state.h"

#include <jansson.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <unistd.h>

/* ---- a source of N batches of `rows` int64 rows; every 10th row of the
 * first batch is "bad" and goes to the quarantine ---- */
typedef struct {
    int64_t batches;
    int64_t rows;
    int64_t sleep_us;
    int64_t bad_every; /* 0 = none */
} gen_config;

static atomic_int produced;

static int gen_open(af_source *self, af_schema **out, af_error *err)
{
    (void)err;
    int64_t *pos = calloc(1, sizeof *pos);
    self->priv = pos;
    af_schema *s = af_schema_new();
    af_schema_add_simple(s, "n", af_type_make(AF_TYPE_INT64), false);
    *out = s;
    return AF_OK;
}

static int gen_next(af_source *self, af_batch **out, af_error *err)
{
    const gen_config *c = self->config;
    int64_t *pos = self->priv;
    *out = NULL;
    if (*pos >= c->batches)
        return AF_OK;
    if (c->sleep_us)
        usleep((useconds_t)c->sleep_us);
    if (atomic_load(self->ctx->cancel))
        return af_error_set(err, AF_ECANCELED, "stopped");
    af_schema *s = af_schema_new();
    af_schema_add_simple(s, "n", af_type_make(AF_TYPE_INT64), false);
    af_batch *b = af_batch_new(s);
    af_schema_free(s);
    for (int64_t i = 0; i < c->rows; i++) {
        if (c->bad_every && i % c->bad_every == 0) {
            int rc = af_quarantine_row(self->ctx, "gen", i + 1, "bad", 3, "synthetic bad row", err);
            if (rc) {
                af_batch_release(b);
                return rc;
            }
            continue;
        }
        af_array_append_int(&b->columns[0], *pos * c->rows + i);
    }
    af_batch_seal(b, err);
    (*pos)++;
    atomic_fetch_add(&produced, 1);
    *out = b;
    return AF_OK;
}

static int gen_state(af_source *self, af_buf *json)
{
    int64_t *pos = self->priv;
    return af_buf_printf(json, "{\"batches\":%lld}", (long long)*pos);
}

static void gen_close(af_source *self)
{
    free(self->priv);
}

static const af_config_map no_options[] = {{NULL, 0, NULL, false, 0, NULL, NULL}};
static const af_source_plugin gen_source = {
    "gen", "test", no_options, sizeof(gen_config), gen_open, gen_next, gen_state, gen_close, NULL};

/* ---- a sink that records what happened to it ---- */
typedef struct {
    int64_t fail_at_batch; /* 0 = never */
    bool fail_commit;
    int64_t sleep_us;
} rec_config;

typedef struct {
    atomic_int opened, writes, commits, aborts, closes;
    atomic_int max_lag; /* produced - written, observed at each write */
    int64_t rows;
} rec_stats;

static rec_stats stats[2];

static int rec_open(af_sink *self, const af_schema *s, af_error *err)
{
    (void)s;
    (void)err;
    rec_stats *st = &stats[self->name[0] == 'b' ? 1 : 0];
    self->priv = st;
    atomic_fetch_add(&st->opened, 1);
    return AF_OK;
}

static int rec_write(af_sink *self, af_batch *b, af_error *err)
{
    const rec_config *c = self->config;
    rec_stats *st = self->priv;
    int w = atomic_fetch_add(&st->writes, 1) + 1;
    int lag = atomic_load(&produced) - w;
    if (lag > atomic_load(&st->max_lag))
        atomic_store(&st->max_lag, lag);
    if (c->sleep_us)
        usleep((useconds_t)c->sleep_us);
    if (c->fail_at_batch && w == c->fail_at_batch)
        return af_error_set(err, AF_EIO, "disk full (simulated)");
    st->rows += b->n_rows;
    return AF_OK;
}

static int rec_commit(af_sink *self, af_error *err)
{
    const rec_config *c = self->config;
    rec_stats *st = self->priv;
    if (c->fail_commit)
        return af_error_set(err, AF_EIO, "commit refused (simulated)");
    atomic_fetch_add(&st->commits, 1);
    return AF_OK;
}

static void rec_abort(af_sink *self)
{
    atomic_fetch_add(&((rec_stats *)self->priv)->aborts, 1);
}
static void rec_close(af_sink *self)
{
    atomic_fetch_add(&((rec_stats *)self->priv)->closes, 1);
}

static const af_sink_plugin rec_sink = {
    .name = "rec",
    .summary = "test",
    .options = no_options,
    .config_size = sizeof(rec_config),
    .open = rec_open,
    .write = rec_write,
    .commit = rec_commit,
    .abort = rec_abort,
    .close = rec_close,
};

/* ---- building a pipeline by hand ---- */
typedef struct {
    af_pipeline p;
    af_stream_config sc;
    af_plugin_config targets[2];
    gen_config gen;
    rec_config rec[2];
    char dir[64];
} fixture;

static void fixture_init(fixture *f, int n_sinks)
{
    memset(f, 0, sizeof *f);
    memset(stats, 0, sizeof stats);
    atomic_store(&produced, 0);
    af_cancel_reset();
    snprintf(f->dir, sizeof f->dir, "/tmp/af-test-runner-XXXXXX");
    CHECK(mkdtemp(f->dir) != NULL);
    f->gen = (gen_config){.batches = 20, .rows = 100};
    f->sc.name = "s1";
    f->sc.opts = (af_stream_options){.on_error = AF_ON_ERROR_QUARANTINE,
                                     .batch_rows = 1000,
                                     .batch_bytes = 1 << 20,
                                     .queue_depth = 2};
    f->sc.source = (af_plugin_config){
        .kind = AF_PLUGIN_SOURCE, .type = "gen", .plugin = &gen_source, .config = &f->gen};
    for (int i = 0; i < n_sinks; i++)
        f->targets[i] = (af_plugin_config){.kind = AF_PLUGIN_SINK,
                                           .type = "rec",
                                           .name = i ? "b" : "a",
                                           .plugin = &rec_sink,
                                           .config = &f->rec[i]};
    f->sc.targets = f->targets;
    f->sc.n_targets = (size_t)n_sinks;
    f->p.path = "test.yml";
    f->p.dir = f->dir;
    f->p.name = "test";
    f->p.lake = f->dir;
    f->p.state_dir = f->dir;
    f->p.streams = &f->sc;
    f->p.n_streams = 1;
}

static char *read_state(fixture *f)
{
    af_state *st = NULL;
    af_error err = {0};
    char *json = NULL;
    if (af_state_open(f->dir, &st, &err) == AF_OK) {
        af_state_stream_get(st, "s1", &json, &err);
        af_state_close(st);
    }
    return json;
}

TEST(success_commits_every_sink_and_saves_state)
{
    fixture f;
    fixture_init(&f, 2);
    af_run_options o = {0};
    af_run_result res;
    af_error err = {0};
    CHECK_INT(af_runner_run(&f.p, &o, &res, &err), AF_OK);
    CHECK_INT(res.status, AF_RUN_SUCCEEDED);
    CHECK_INT(res.n_streams, 1);
    CHECK_INT(res.streams[0].rows_read, 2000);
    CHECK_INT(res.streams[0].rows_written, 2000);
    CHECK_INT(stats[0].rows, 2000);
    CHECK_INT(stats[1].rows, 2000);
    CHECK_INT(stats[0].commits, 1);
    CHECK_INT(stats[1].commits, 1);
    CHECK_INT(stats[0].aborts + stats[1].aborts, 0);
    CHECK_INT(stats[0].closes + stats[1].closes, 2);
    char *state = read_state(&f);
    CHECK_STR(state, "{\"batches\":20}");
    free(state);
    af_run_result_free(&res);
}

TEST(back_pressure_bounds_batches_in_flight)
{
    fixture f;
    fixture_init(&f, 1);
    f.gen.batches = 40;
    f.rec[0].sleep_us = 2000; /* a slow sink */
    af_run_options o = {0};
    af_run_result res;
    af_error err = {0};
    CHECK_INT(af_runner_run(&f.p, &o, &res, &err), AF_OK);
    CHECK_INT(res.status, AF_RUN_SUCCEEDED);
    /* queue depth 2, plus one batch being written and one being produced */
    CHECK(atomic_load(&stats[0].max_lag) <= 2 + 2);
    CHECK_INT(stats[0].writes, 40);
    af_run_result_free(&res);
}

TEST(sink_failure_aborts_all_sinks_and_keeps_old_state)
{
    fixture f;
    fixture_init(&f, 2);
    /* a first successful run leaves a state */
    af_run_options o = {0};
    af_run_result res;
    af_error err = {0};
    CHECK_INT(af_runner_run(&f.p, &o, &res, &err), AF_OK);
    af_run_result_free(&res);
    memset(stats, 0, sizeof stats);
    f.gen.batches = 30;
    f.rec[1].fail_at_batch = 3;
    CHECK_INT(af_runner_run(&f.p, &o, &res, &err), AF_OK);
    CHECK_INT(res.status, AF_RUN_FAILED);
    CHECK_INT(res.streams[0].status, AF_RUN_FAILED);
    CHECK_CONTAINS(res.streams[0].error, "disk full (simulated)");
    CHECK_INT(stats[0].commits + stats[1].commits, 0);
    CHECK_INT(stats[0].aborts, 1);
    CHECK_INT(stats[1].aborts, 1);
    char *state = read_state(&f);
    CHECK_STR(state, "{\"batches\":20}"); /* still the first run's */
    free(state);
    af_run_result_free(&res);
}

TEST(commit_failure_keeps_old_state)
{
    fixture f;
    fixture_init(&f, 1);
    f.rec[0].fail_commit = true;
    af_run_options o = {0};
    af_run_result res;
    af_error err = {0};
    CHECK_INT(af_runner_run(&f.p, &o, &res, &err), AF_OK);
    CHECK_INT(res.status, AF_RUN_FAILED);
    CHECK_CONTAINS(res.streams[0].error, "commit refused");
    char *state = read_state(&f);
    CHECK(state == NULL);
    free(state);
    CHECK_INT(stats[0].aborts, 1);
    af_run_result_free(&res);
}

static void *send_sigterm(void *arg)
{
    (void)arg;
    usleep(100 * 1000);
    kill(getpid(), SIGTERM);
    return NULL;
}

TEST(sigterm_mid_run_aborts_and_saves_nothing)
{
    fixture f;
    fixture_init(&f, 2);
    f.gen.batches = 1000;
    f.gen.sleep_us = 5000; /* ~5 s if not stopped */
    af_cancel_install_signal_handlers();
    pthread_t t;
    pthread_create(&t, NULL, send_sigterm, NULL);
    af_run_options o = {0};
    af_run_result res;
    af_error err = {0};
    CHECK_INT(af_runner_run(&f.p, &o, &res, &err), AF_OK);
    pthread_join(t, NULL);
    CHECK_INT(res.status, AF_RUN_CANCELED);
    CHECK_INT(res.streams[0].status, AF_RUN_CANCELED);
    CHECK(atomic_load(&produced) < 1000);
    CHECK_INT(stats[0].commits + stats[1].commits, 0);
    CHECK_INT(stats[0].aborts, 1);
    CHECK_INT(stats[1].aborts, 1);
    char *state = read_state(&f);
    CHECK(state == NULL);
    free(state);
    af_run_result_free(&res);
    af_cancel_reset();
}

TEST(rows_read_equals_written_plus_quarantined)
{
    fixture f;
    fixture_init(&f, 1);
    f.gen.bad_every = 10; /* rows 0,10,20,...: 10 per batch of 100 */
    af_run_options o = {0};
    af_run_result res;
    af_error err = {0};
    CHECK_INT(af_runner_run(&f.p, &o, &res, &err), AF_OK);
    CHECK_INT(res.status, AF_RUN_SUCCEEDED);
    const af_stream_report *r = &res.streams[0];
    CHECK_INT(r->rows_read, 2000);
    CHECK_INT(r->rows_quarantined, 200);
    CHECK_INT(r->rows_written, 1800);
    CHECK(r->quarantine_file != NULL);
    CHECK_CONTAINS(r->quarantine_file, "/quarantine/s1/");
    /* the quarantine file holds one JSON line per rejected row */
    FILE *q = r->quarantine_file ? fopen(r->quarantine_file, "r") : NULL;
    int lines = 0;
    char buf[4096];
    while (q && fgets(buf, sizeof buf, q)) {
        lines++;
        if (lines == 1)
            CHECK_CONTAINS(buf, "\"reason\":\"synthetic bad row\"");
    }
    if (q)
        fclose(q);
    CHECK_INT(lines, 200);
    af_run_result_free(&res);
}

TEST(on_error_fail_stops_the_stream)
{
    fixture f;
    fixture_init(&f, 1);
    f.gen.bad_every = 50;
    f.sc.opts.on_error = AF_ON_ERROR_FAIL;
    af_run_options o = {0};
    af_run_result res;
    af_error err = {0};
    CHECK_INT(af_runner_run(&f.p, &o, &res, &err), AF_OK);
    CHECK_INT(res.status, AF_RUN_FAILED);
    CHECK_CONTAINS(res.streams[0].error, "gen:1: synthetic bad row");
    CHECK_INT(stats[0].commits, 0);
    CHECK_INT(stats[0].aborts, 1);
    af_run_result_free(&res);
}

TEST(unknown_stream_is_an_error_with_hint)
{
    fixture f;
    fixture_init(&f, 1);
    const char *names[] = {"s"};
    af_run_options o = {.streams = names, .n_streams = 1};
    af_run_result res;
    af_error err = {0};
    CHECK_INT(af_runner_run(&f.p, &o, &res, &err), AF_ENOTFOUND);
    CHECK_CONTAINS(err.msg, "no stream named 's'");
    af_run_result_free(&res);
}

TEST(run_record_is_written)
{
    fixture f;
    fixture_init(&f, 1);
    af_run_options o = {0};
    af_run_result res;
    af_error err = {0};
    CHECK_INT(af_runner_run(&f.p, &o, &res, &err), AF_OK);
    char path[512];
    snprintf(path, sizeof path, "%s/runs/%s.json", f.dir, res.run_id);
    json_error_t jerr;
    json_t *rec = json_load_file(path, 0, &jerr);
    CHECK(rec != NULL);
    CHECK_STR(json_string_value(json_object_get(rec, "status")), "succeeded");
    CHECK_STR(json_string_value(json_object_get(rec, "run_id")), res.run_id);
    json_t *s0 = json_array_get(json_object_get(rec, "streams"), 0);
    CHECK_STR(json_string_value(json_object_get(s0, "name")), "s1");
    CHECK_INT(json_integer_value(json_object_get(s0, "rows_written")), 2000);
    CHECK_INT(json_integer_value(json_object_get(s0, "rows_read")), 2000);
    json_decref(rec);
    af_run_result_free(&res);
}

__attribute__((constructor)) static void quiet_logs(void)
{
    af_log_options o = {.format = AF_LOG_FORMAT_TEXT, .min_level = AF_LOG_ERROR};
    af_log_init(&o, NULL);
}

TEST_MAIN()
