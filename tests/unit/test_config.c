/* test_config.c - the pipeline loader and option tables: every error kind
 * must name FILE:LINE:COL and the option, values must be typed, defaults
 * inherited, paths resolved and secrets registered with the redactor.
 * Tests run against the real registry (csv source/sink, cast, select). */
#include "core/config.h"
#include "security/redact.h"
#include "test.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static af_pipeline *load(const char *yaml, af_error *err)
{
    af_pipeline *p = NULL;
    af_error_clear(err);
    int rc = af_pipeline_load_string(yaml, strlen(yaml), "p.yml", &p, err);
    if (rc) {
        CHECK(p == NULL);
        CHECK_INT(rc, err->code);
        return NULL;
    }
    return p;
}

/* Loads a pipeline that must fail with AF_ECONFIG; returns the message. */
static const char *load_fail(const char *yaml, af_error *err)
{
    af_pipeline *p = load(yaml, err);
    CHECK(p == NULL);
    af_pipeline_free(p);
    CHECK_INT(err->code, AF_ECONFIG);
    return err->msg;
}

/* Pointer to a plugin option's field, found through the plugin's own map. */
static void *opt(const af_plugin_config *pc, const char *name)
{
    const af_config_map *map = NULL;
    if (pc->kind == AF_PLUGIN_SOURCE)
        map = ((const af_source_plugin *)pc->plugin)->options;
    else if (pc->kind == AF_PLUGIN_TRANSFORM)
        map = ((const af_transform_plugin *)pc->plugin)->options;
    else
        map = ((const af_sink_plugin *)pc->plugin)->options;
    for (size_t i = 0; map[i].name; i++)
        if (strcmp(map[i].name, name) == 0)
            return (char *)pc->config + map[i].offset;
    CHECK(!"option not in map");
    return NULL;
}

static const char *MINIMAL = "version: 1\n"
                             "streams:\n"
                             "  orders:\n"
                             "    source: {type: csv, path: in.csv}\n"
                             "    targets:\n"
                             "      - {type: csv, path: out.csv}\n";

TEST(minimal_pipeline)
{
    af_error err;
    af_pipeline *p = load(MINIMAL, &err);
    CHECK(p != NULL);
    if (!p) {
        fprintf(stderr, "%s\n", err.msg);
        return;
    }
    CHECK_STR(p->name, "p");
    CHECK_STR(p->path, "p.yml");
    CHECK_INT(p->n_streams, 1);
    const af_stream_config *s = af_pipeline_find_stream(p, "orders");
    CHECK(s != NULL);
    CHECK(af_pipeline_find_stream(p, "nope") == NULL);
    CHECK_STR(s->source.type, "csv");
    CHECK_INT(s->source.kind, AF_PLUGIN_SOURCE);
    CHECK(s->source.plugin == af_registry_source("csv"));
    CHECK_STR(*(char **)opt(&s->source, "path"), "in.csv");
    CHECK_INT(*(char *)opt(&s->source, "delimiter"), 0); /* detected from the file */
    CHECK_INT(*(int *)opt(&s->source, "header"), 0);     /* auto */
    CHECK_INT(*(int64_t *)opt(&s->source, "infer_rows"), 1000);
    af_strlist *nulls = opt(&s->source, "null");
    CHECK_INT(nulls->len, 1);
    CHECK_STR(nulls->items[0], "");
    CHECK_INT(s->n_targets, 1);
    CHECK_STR(s->targets[0].name, "csv");
    CHECK_INT(s->targets[0].kind, AF_PLUGIN_SINK);
    CHECK_INT(s->source.loc.line, 4);
    CHECK_INT(s->source.loc.column, 14);
    CHECK_INT(s->loc.line, 3);
    CHECK_INT(s->loc.column, 3);
    /* Pipeline defaults. */
    CHECK_INT(s->opts.on_error, AF_ON_ERROR_QUARANTINE);
    CHECK_INT(s->opts.batch_rows, 65536);
    CHECK_INT(s->opts.batch_bytes, 16 * 1024 * 1024);
    CHECK_INT(s->opts.queue_depth, 4);
    af_pipeline_free(p);
}

TEST(full_pipeline_typed_values)
{
    const char *yaml =
        "name: shop\n"
        "defaults:\n"
        "  on_error: fail\n"
        "  batch_rows: 1000\n"
        "  batch_bytes: 64MB\n"
        "  description: nightly\n"
        "streams:\n"
        "  orders:\n"
        "    batch_rows: 10\n"
        "    on_error: skip_with_count\n"
        "    source:\n"
        "      type: csv\n"
        "      path: data/orders.csv\n"
        "      delimiter: tab\n"
        "      header: no\n"
        "      null: [\"\", NA, \"null\"]\n"
        "      columns: {amount: \"decimal(10,2)\", id: int64}\n"
        "      column_names: single\n"
        "    transforms:\n"
        "      - {type: select, columns: [id, amount]}\n"
        "      - type: cast\n"
        "        columns: {amount: double}\n"
        "    targets:\n"
        "      type: csv\n"
        "      name: export\n"
        "      path: out/orders.csv\n"
        "      quoting: all\n"
        "  customers:\n"
        "    description: people\n"
        "    source: {type: csv, path: c.csv, quote: \"\"}\n"
        "    targets: [{type: csv, path: a.csv}, {type: csv, name: b, path: b.csv}]\n";
    af_error err;
    af_pipeline *p = load(yaml, &err);
    CHECK(p != NULL);
    if (!p) {
        fprintf(stderr, "%s\n", err.msg);
        return;
    }
    CHECK_STR(p->name, "shop");
    CHECK_INT(p->defaults.on_error, AF_ON_ERROR_FAIL);
    CHECK_INT(p->defaults.batch_bytes, 64000000);
    CHECK_STR(p->defaults.description, "nightly");
    const af_stream_config *o = af_pipeline_find_stream(p, "orders");
    const af_stream_config *c = af_pipeline_find_stream(p, "customers");
    CHECK(o && c);
    if (!o || !c) {
        af_pipeline_free(p);
        return;
    }
    /* Stream overrides win; the rest is inherited. */
    CHECK_INT(o->opts.batch_rows, 10);
    CHECK_INT(o->opts.on_error, AF_ON_ERROR_SKIP);
    CHECK_INT(o->opts.batch_bytes, 64000000);
    CHECK_STR(o->opts.description, "nightly");
    CHECK_INT(c->opts.batch_rows, 1000);
    CHECK_INT(c->opts.on_error, AF_ON_ERROR_FAIL);
    CHECK_STR(c->opts.description, "people");

    CHECK_INT(*(char *)opt(&o->source, "delimiter"), '\t');
    CHECK_INT(*(int *)opt(&o->source, "header"), 4); /* "no" */
    af_strlist *nulls = opt(&o->source, "null");
    CHECK_INT(nulls->len, 3);
    CHECK_STR(nulls->items[0], "");
    CHECK_STR(nulls->items[1], "NA");
    CHECK_STR(nulls->items[2], "null");
    af_strmap *cols = opt(&o->source, "columns");
    CHECK_STR(af_strmap_get(cols, "amount"), "decimal(10,2)");
    CHECK_STR(af_strmap_get(cols, "id"), "int64");
    CHECK_INT(cols->items[0].loc.line, 17);
    af_strlist *names = opt(&o->source, "column_names");
    CHECK_INT(names->len, 1);
    CHECK_STR(names->items[0], "single");
    CHECK_INT(o->n_transforms, 2);
    CHECK_STR(o->transforms[0].type, "select");
    CHECK_STR(o->transforms[1].type, "cast");
    CHECK_INT(o->transforms[1].loc.line, 21);
    CHECK_INT(o->transforms[1].loc.column, 9);
    CHECK_INT(o->n_targets, 1);
    CHECK_STR(o->targets[0].name, "export");
    CHECK_INT(*(int *)opt(&o->targets[0], "quoting"), 1);
    CHECK_INT(*(char *)opt(&c->source, "quote"), '\0');
    CHECK_INT(c->n_targets, 2);
    CHECK_STR(c->targets[0].name, "csv");
    CHECK_STR(c->targets[1].name, "b");
    af_pipeline_free(p);
}

TEST(unknown_top_level_key_with_hint)
{
    af_error err;
    const char *msg = load_fail("version: 1\n"
                                "stream:\n"
                                "  a: {}\n",
                                &err);
    CHECK_CONTAINS(msg, "p.yml:2:1:");
    CHECK_CONTAINS(msg, "unknown key 'stream'");
    CHECK_CONTAINS(msg, "did you mean 'streams'?");
}

TEST(unknown_option_with_hint)
{
    af_error err;
    const char *msg = load_fail("streams:\n"
                                "  s:\n"
                                "    source:\n"
                                "      type: csv\n"
                                "      path: x.csv\n"
                                "      delimter: ';'\n"
                                "    targets: [{type: csv, path: y.csv}]\n",
                                &err);
    CHECK_CONTAINS(msg, "p.yml:6:7:");
    CHECK_CONTAINS(msg, "'delimter'");
    CHECK_CONTAINS(msg, "csv source");
    CHECK_CONTAINS(msg, "did you mean 'delimiter'?");

    msg = load_fail("streams:\n"
                    "  s:\n"
                    "    sorce: {type: csv, path: x.csv}\n"
                    "    targets: [{type: csv, path: y.csv}]\n",
                    &err);
    CHECK_CONTAINS(msg, "p.yml:3:5:");
    CHECK_CONTAINS(msg, "did you mean 'source'?");

    msg = load_fail("defaults:\n"
                    "  batch_row: 5\n"
                    "streams: {}\n",
                    &err);
    CHECK_CONTAINS(msg, "p.yml:2:3:");
    CHECK_CONTAINS(msg, "did you mean 'batch_rows'?");
}

TEST(wrong_type)
{
    af_error err;
    const char *msg = load_fail("streams:\n"
                                "  s:\n"
                                "    source:\n"
                                "      type: csv\n"
                                "      path: x.csv\n"
                                "      skip_rows: abc\n"
                                "    targets: [{type: csv, path: y.csv}]\n",
                                &err);
    CHECK_CONTAINS(msg, "p.yml:6:18:");
    CHECK_CONTAINS(msg, "'skip_rows'");
    CHECK_CONTAINS(msg, "'abc'");
    CHECK_CONTAINS(msg, "integer");
    CHECK_CONTAINS(msg, "csv source");

    msg = load_fail("streams:\n"
                    "  s:\n"
                    "    source: {type: csv, path: x.csv, header: maybe}\n"
                    "    targets: [{type: csv, path: y.csv}]\n",
                    &err);
    CHECK_CONTAINS(msg, "p.yml:3:46:");
    CHECK_CONTAINS(msg, "'header'");
    CHECK_CONTAINS(msg, "'maybe'");
    CHECK_CONTAINS(msg, "expected one of auto, true, false");

    /* A mapping where a scalar is expected, and the reverse. */
    msg = load_fail("streams:\n"
                    "  s:\n"
                    "    source: {type: csv, path: {a: 1}}\n"
                    "    targets: [{type: csv, path: y.csv}]\n",
                    &err);
    CHECK_CONTAINS(msg, "p.yml:3:32:");
    CHECK_CONTAINS(msg, "option 'path' of csv source");
    CHECK_CONTAINS(msg, "got a mapping");
    msg = load_fail("streams:\n"
                    "  s:\n"
                    "    source: {type: csv, path: x, columns: [a, b]}\n"
                    "    targets: [{type: csv, path: y.csv}]\n",
                    &err);
    CHECK_CONTAINS(msg, "p.yml:3:44:");
    CHECK_CONTAINS(msg, "'columns'");
    CHECK_CONTAINS(msg, "expects a mapping");
    msg = load_fail("streams:\n"
                    "  s:\n"
                    "    source: {type: csv, path: x, null: {a: b}}\n"
                    "    targets: [{type: csv, path: y.csv}]\n",
                    &err);
    CHECK_CONTAINS(msg, "p.yml:3:41:");
    CHECK_CONTAINS(msg, "'null'");
    CHECK_CONTAINS(msg, "expects a list");
    msg = load_fail("streams:\n"
                    "  s: [1, 2]\n",
                    &err);
    CHECK_CONTAINS(msg, "p.yml:2:7:");
    CHECK_CONTAINS(msg, "stream 's' must be a mapping");
}

TEST(missing_required)
{
    af_error err;
    const char *msg = load_fail("streams:\n"
                                "  s:\n"
                                "    source:\n"
                                "      type: csv\n"
                                "      header: true\n"
                                "    targets: [{type: csv, path: y.csv}]\n",
                                &err);
    CHECK_CONTAINS(msg, "p.yml:4:7:");
    CHECK_CONTAINS(msg, "missing required option 'path'");
    CHECK_CONTAINS(msg, "csv source");

    msg = load_fail("streams:\n"
                    "  s:\n"
                    "    source: {type: csv, path: x}\n"
                    "    targets:\n"
                    "      - type: csv\n",
                    &err);
    CHECK_CONTAINS(msg, "p.yml:5:9:");
    CHECK_CONTAINS(msg, "missing required option 'path' for csv target");

    msg = load_fail("streams:\n"
                    "  s:\n"
                    "    source: {path: x}\n"
                    "    targets: [{type: csv, path: y.csv}]\n",
                    &err);
    CHECK_CONTAINS(msg, "p.yml:3:14:");
    CHECK_CONTAINS(msg, "needs a 'type'");
}

TEST(bad_enum_lists_values)
{
    af_error err;
    const char *msg = load_fail("defaults:\n"
                                "  on_error: ignore\n"
                                "streams: {}\n",
                                &err);
    CHECK_CONTAINS(msg, "p.yml:2:13:");
    CHECK_CONTAINS(msg, "'on_error'");
    CHECK_CONTAINS(msg, "'ignore'");
    CHECK_CONTAINS(msg, "fail, quarantine, skip_with_count");

    msg = load_fail("streams:\n"
                    "  s:\n"
                    "    source: {type: csv, path: x}\n"
                    "    targets: [{type: csv, path: y, quoting: some}]\n",
                    &err);
    CHECK_CONTAINS(msg, "p.yml:4:45:");
    CHECK_CONTAINS(msg, "minimal, all, nonnumeric");
    CHECK_CONTAINS(msg, "csv target");
}

TEST(unknown_plugin_with_hint)
{
    af_error err;
    const char *msg = load_fail("streams:\n"
                                "  s:\n"
                                "    source: {type: cvs, path: x}\n"
                                "    targets: [{type: csv, path: y}]\n",
                                &err);
    CHECK_CONTAINS(msg, "p.yml:3:20:");
    CHECK_CONTAINS(msg, "unknown source type 'cvs'");
    CHECK_CONTAINS(msg, "did you mean 'csv'?");
    CHECK_CONTAINS(msg, "available: csv");

    msg = load_fail("streams:\n"
                    "  s:\n"
                    "    source: {type: csv, path: x}\n"
                    "    transforms:\n"
                    "      - type: selekt\n"
                    "    targets: [{type: csv, path: y}]\n",
                    &err);
    CHECK_CONTAINS(msg, "p.yml:5:15:");
    CHECK_CONTAINS(msg, "unknown transform type 'selekt'; did you mean 'select'?");
    CHECK_CONTAINS(msg, "cast");

    msg = load_fail("streams:\n"
                    "  s:\n"
                    "    source: {type: csv, path: x}\n"
                    "    targets: [{type: postgres}]\n",
                    &err);
    CHECK_CONTAINS(msg, "p.yml:4:22:");
    CHECK_CONTAINS(msg, "unknown target type 'postgres'");
}

TEST(missing_source_and_targets)
{
    af_error err;
    const char *msg = load_fail("streams:\n"
                                "  orders:\n"
                                "    targets: [{type: csv, path: y}]\n",
                                &err);
    CHECK_CONTAINS(msg, "p.yml:2:3:");
    CHECK_CONTAINS(msg, "stream 'orders' has no source");

    msg = load_fail("streams:\n"
                    "  orders:\n"
                    "    source: {type: csv, path: x}\n",
                    &err);
    CHECK_CONTAINS(msg, "p.yml:2:3:");
    CHECK_CONTAINS(msg, "stream 'orders' has no targets");

    msg = load_fail("streams:\n"
                    "  orders:\n"
                    "    source: {type: csv, path: x}\n"
                    "    targets: []\n",
                    &err);
    CHECK_CONTAINS(msg, "has no targets");

    msg = load_fail("version: 1\n", &err);
    CHECK_CONTAINS(msg, "no 'streams'");
    msg = load_fail("streams: {}\n", &err);
    CHECK_CONTAINS(msg, "p.yml:1:1:");
    CHECK_CONTAINS(msg, "at least one stream");
    msg = load_fail("", &err);
    CHECK_CONTAINS(msg, "empty");
}

TEST(duplicate_stream_and_names)
{
    af_error err;
    const char *msg = load_fail("streams:\n"
                                "  a:\n"
                                "    source: {type: csv, path: x}\n"
                                "    targets: [{type: csv, path: y}]\n"
                                "  a:\n"
                                "    source: {type: csv, path: x}\n"
                                "    targets: [{type: csv, path: y}]\n",
                                &err);
    CHECK_CONTAINS(msg, "p.yml:5:3:");
    CHECK_CONTAINS(msg, "duplicate stream 'a'");
    CHECK_CONTAINS(msg, "line 2");

    msg = load_fail("streams:\n"
                    "  a:\n"
                    "    source: {type: csv, path: x, path: z}\n"
                    "    targets: [{type: csv, path: y}]\n",
                    &err);
    CHECK_CONTAINS(msg, "p.yml:3:34:");
    CHECK_CONTAINS(msg, "duplicate key 'path'");

    msg = load_fail("streams:\n"
                    "  bad name:\n"
                    "    source: {type: csv, path: x}\n"
                    "    targets: [{type: csv, path: y}]\n",
                    &err);
    CHECK_CONTAINS(msg, "p.yml:2:3:");
    CHECK_CONTAINS(msg, "stream name 'bad name'");

    msg = load_fail("streams:\n"
                    "  a:\n"
                    "    source: {type: csv, path: x}\n"
                    "    targets: [{type: csv, path: y}, {type: csv, path: z}]\n",
                    &err);
    CHECK_CONTAINS(msg, "p.yml:4:38:");
    CHECK_CONTAINS(msg, "named 'csv'");
}

TEST(interpolation)
{
    setenv("AF_TEST_DIR", "/data/in", 1);
    unsetenv("AF_TEST_UNSET");
    setenv("AF_TEST_EMPTY", "", 1);
    af_error err;
    af_pipeline *p =
        load("streams:\n"
             "  s:\n"
             "    description: \"cost $$5 ${AF_TEST_EMPTY:-fallback} ${AF_TEST_EMPTY-x}.\"\n"
             "    source: {type: csv, path: \"${AF_TEST_DIR}/a.csv\"}\n"
             "    targets:\n"
             "      - {type: csv, path: '${AF_TEST_UNSET:-out/${AF_TEST_DIR}}.csv'}\n",
             &err);
    CHECK(p != NULL);
    if (!p) {
        fprintf(stderr, "%s\n", err.msg);
        return;
    }
    CHECK_STR(p->streams[0].opts.description, "cost $5 fallback .");
    CHECK_STR(*(char **)opt(&p->streams[0].source, "path"), "/data/in/a.csv");
    CHECK_STR(*(char **)opt(&p->streams[0].targets[0], "path"), "out//data/in.csv");
    af_pipeline_free(p);

    const char *msg = load_fail("streams:\n"
                                "  s:\n"
                                "    source: {type: csv, path: x}\n"
                                "    targets:\n"
                                "      - {type: csv, path: \"${AF_TEST_UNSET}/y\"}\n",
                                &err);
    CHECK_CONTAINS(msg, "p.yml:5:27:");
    CHECK_CONTAINS(msg, "'AF_TEST_UNSET' is not set");
    CHECK_CONTAINS(msg, "option 'path' of csv target");

    msg = load_fail("streams:\n"
                    "  s:\n"
                    "    source: {type: csv, path: \"${AF_TEST_DIR\"}\n",
                    &err);
    CHECK_CONTAINS(msg, "p.yml:3:31:");
    CHECK_CONTAINS(msg, "unclosed '${'");

    char *out = NULL;
    CHECK_INT(af_config_interpolate("a$b $$ ${AF_TEST_DIR} $", &out, &err), 0);
    CHECK_STR(out, "a$b $ /data/in $");
    free(out);
    CHECK_INT(af_config_interpolate("${1X}", &out, &err), AF_ECONFIG);
    CHECK(out == NULL);
    CHECK_INT(af_config_interpolate("${AF_TEST_UNSET:-${AF_TEST_UNSET:-deep}}", &out, &err), 0);
    CHECK_STR(out, "deep");
    free(out);
}

/* A fresh temporary directory for file-based tests. */
static char *make_tmpdir(void)
{
    char tmpl[] = "/tmp/af_test_config_XXXXXX";
    char *d = mkdtemp(tmpl);
    return d ? strdup(d) : NULL;
}

static void write_file(const char *dir, const char *name, const char *text)
{
    char path[512];
    if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path) {
        CHECK(!"test path too long");
        return;
    }
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

TEST(secrets_env_file_and_redaction)
{
    char *dir = make_tmpdir();
    CHECK(dir != NULL);
    if (!dir)
        return;
    af_redact_clear();
    setenv("AF_TEST_PW", "envSecret123", 1);
    write_file(dir, "pw.txt", "fileSecret456\n");
    write_file(dir, "pipe.yml",
               "connections:\n"
               "  dw:\n"
               "    url: postgres://etl:urlSecret789@db:5432/dw\n"
               "    user: etl\n"
               "    password: {env: AF_TEST_PW}\n"
               "    options: {sslmode: require}\n"
               "  other:\n"
               "    password: {file: pw.txt}\n"
               "    url: {env: AF_TEST_URL}\n"
               "  plain:\n"
               "    password: inlineSecret000\n"
               "streams:\n"
               "  s:\n"
               "    source: {type: csv, path: x}\n"
               "    targets: [{type: csv, path: y}]\n");
    setenv("AF_TEST_URL", "https://host/x?token=wholeUrlSecret", 1);
    char path[512];
    snprintf(path, sizeof path, "%s/pipe.yml", dir);
    af_pipeline *p = NULL;
    af_error err;
    int rc = af_pipeline_load(path, &p, &err);
    CHECK_INT(rc, 0);
    if (rc) {
        fprintf(stderr, "%s\n", err.msg);
    } else {
        CHECK_INT(p->n_connections, 3);
        const af_connection *dw = af_pipeline_find_connection(p, "dw");
        const af_connection *other = af_pipeline_find_connection(p, "other");
        CHECK(dw && other);
        CHECK(af_pipeline_find_connection(p, "none") == NULL);
        if (dw && other) {
            CHECK_STR(dw->password, "envSecret123");
            CHECK_STR(dw->user, "etl");
            CHECK_STR(dw->url, "postgres://etl:urlSecret789@db:5432/dw");
            CHECK_STR(af_strmap_get(&dw->options, "sslmode"), "require");
            CHECK_INT(dw->loc.line, 2);
            CHECK_STR(other->password, "fileSecret456");
            CHECK_STR(other->url, "https://host/x?token=wholeUrlSecret");
        }
        CHECK_STR(p->name, "pipe");
        /* Every secret is masked wherever it appears. */
        char *r = af_redact_str("a envSecret123 b fileSecret456 c inlineSecret000 d urlSecret789 "
                                "e https://host/x?token=wholeUrlSecret");
        CHECK(r != NULL);
        if (r) {
            CHECK(strstr(r, "envSecret123") == NULL);
            CHECK(strstr(r, "fileSecret456") == NULL);
            CHECK(strstr(r, "inlineSecret000") == NULL);
            CHECK(strstr(r, "urlSecret789") == NULL);
            CHECK(strstr(r, "wholeUrlSecret") == NULL);
            CHECK_CONTAINS(r, "***");
            CHECK_CONTAINS(r, "a ");
        }
        free(r);
        /* An inline URL stays readable apart from its password. */
        r = af_redact_str("connecting to db:5432/dw");
        CHECK_STR(r, "connecting to db:5432/dw");
        free(r);
    }
    af_pipeline_free(p);

    /* Errors name the variable / the file, never the value. */
    unsetenv("AF_TEST_NOPE");
    write_file(dir, "bad.yml",
               "connections:\n"
               "  dw:\n"
               "    password: {env: AF_TEST_NOPE}\n"
               "streams: {}\n");
    snprintf(path, sizeof path, "%s/bad.yml", dir);
    CHECK_INT(af_pipeline_load(path, &p, &err), AF_ECONFIG);
    CHECK_CONTAINS(err.msg, "bad.yml:3:16:");
    CHECK_CONTAINS(err.msg, "'AF_TEST_NOPE'");
    CHECK_CONTAINS(err.msg, "'password'");
    write_file(dir, "bad2.yml",
               "connections:\n"
               "  dw:\n"
               "    password:\n"
               "      file: missing.txt\n"
               "streams: {}\n");
    snprintf(path, sizeof path, "%s/bad2.yml", dir);
    CHECK_INT(af_pipeline_load(path, &p, &err), AF_ECONFIG);
    CHECK_CONTAINS(err.msg, "bad2.yml:4:7:");
    CHECK_CONTAINS(err.msg, "missing.txt");
    CHECK_CONTAINS(err.msg, dir);
    write_file(dir, "bad3.yml",
               "connections:\n"
               "  dw:\n"
               "    password: {vault: x}\n"
               "streams: {}\n");
    snprintf(path, sizeof path, "%s/bad3.yml", dir);
    CHECK_INT(af_pipeline_load(path, &p, &err), AF_ECONFIG);
    CHECK_CONTAINS(err.msg, "bad3.yml:3:16:");
    CHECK_CONTAINS(err.msg, "unknown secret source 'vault'");
    snprintf(path, sizeof path, "%s/absent.yml", dir);
    CHECK_INT(af_pipeline_load(path, &p, &err), AF_ENOTFOUND);
    CHECK_CONTAINS(err.msg, "absent.yml");

    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK_INT(system(cmd), 0);
    free(dir);
    af_redact_clear();
}

TEST(paths_resolved_against_pipeline_dir)
{
    char *dir = make_tmpdir();
    CHECK(dir != NULL);
    if (!dir)
        return;
    char sub[512], path[600];
    snprintf(sub, sizeof sub, "%s/etc", dir);
    CHECK_INT(mkdir(sub, 0700), 0);
    write_file(sub, "a.yaml",
               "streams:\n"
               "  s:\n"
               "    source: {type: csv, path: x}\n"
               "    targets: [{type: csv, path: y}]\n");
    write_file(sub, "b.yml",
               "defaults:\n"
               "  lake: ./../lake2\n"
               "  state_dir: state\n"
               "streams:\n"
               "  s:\n"
               "    source: {type: csv, path: x}\n"
               "    targets: [{type: csv, path: y}]\n");
    write_file(sub, "c.yml",
               "defaults:\n"
               "  lake: s3://bucket/lake\n"
               "streams:\n"
               "  s:\n"
               "    source: {type: csv, path: x}\n"
               "    targets: [{type: csv, path: y}]\n");
    char *real = realpath(sub, NULL);
    CHECK(real != NULL);
    char want[700];
    af_pipeline *p = NULL;
    af_error err;

    /* A relative path to the file still gives an absolute dir. */
    char *cwd = getcwd(NULL, 0);
    CHECK_INT(chdir(dir), 0);
    CHECK_INT(af_pipeline_load("etc/a.yaml", &p, &err), 0);
    CHECK_INT(chdir(cwd), 0);
    free(cwd);
    if (p) {
        CHECK_STR(p->path, "etc/a.yaml");
        CHECK_STR(p->dir, real);
        CHECK_STR(p->name, "a");
        snprintf(want, sizeof want, "%s/lake", real);
        CHECK_STR(p->lake, want);
        snprintf(want, sizeof want, "%s/lake/_affluent", real);
        CHECK_STR(p->state_dir, want);
        af_pipeline_free(p);
    }

    snprintf(path, sizeof path, "%s/b.yml", sub);
    CHECK_INT(af_pipeline_load(path, &p, &err), 0);
    if (p) {
        snprintf(want, sizeof want, "%s/../lake2", real);
        CHECK_STR(p->lake, want);
        snprintf(want, sizeof want, "%s/state", real);
        CHECK_STR(p->state_dir, want);
        af_pipeline_free(p);
    }

    snprintf(path, sizeof path, "%s/c.yml", sub);
    CHECK_INT(af_pipeline_load(path, &p, &err), 0);
    if (p) {
        CHECK_STR(p->lake, "s3://bucket/lake");
        snprintf(want, sizeof want, "%s/_affluent", real);
        CHECK_STR(p->state_dir, want);
        af_pipeline_free(p);
    }
    free(real);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK_INT(system(cmd), 0);
    free(dir);
}

TEST(yaml_syntax_error_has_location)
{
    af_error err;
    const char *msg = load_fail("streams:\n"
                                "  s:\n"
                                "    source: {type: csv, path: \"x}\n",
                                &err);
    CHECK_CONTAINS(msg, "p.yml:3:");
    CHECK_CONTAINS(msg, "invalid YAML");
    msg = load_fail("streams: [a,\n", &err);
    CHECK_CONTAINS(msg, "p.yml:");
    CHECK_CONTAINS(msg, "invalid YAML");
    msg = load_fail("- a\n- b\n", &err);
    CHECK_CONTAINS(msg, "must be a mapping");
    msg = load_fail("streams:\n"
                    "  s:\n"
                    "    source: &src {type: csv, path: x}\n"
                    "    targets: *src\n",
                    &err);
    CHECK_CONTAINS(msg, "p.yml:4:15:");
    CHECK_CONTAINS(msg, "alias");
    /* libfyaml 0.7 hangs on a directive with invalid UTF-8 (fuzz finding). */
    msg = load_fail("%er\xff\xff\xff osd  - {t # &  ", &err);
    CHECK_CONTAINS(msg, "p.yml:1:4:");
    CHECK_CONTAINS(msg, "UTF-8");
    msg = load_fail("name: caf\xc3\xa9\nstreams:\n  \xc0\x80: x\n", &err);
    CHECK_CONTAINS(msg, "p.yml:3:3:");
    af_pipeline *p = load("name: caf\xc3\xa9\nstreams:\n  s: {source: {type: csv, path: x}, "
                          "targets: {type: csv, path: y}}\n",
                          &err);
    CHECK(p != NULL);
    if (p)
        CHECK_STR(p->name, "caf\xc3\xa9");
    af_pipeline_free(p);
    msg = load_fail("version: 2\nstreams: {}\n", &err);
    CHECK_CONTAINS(msg, "p.yml:1:10:");
    CHECK_CONTAINS(msg, "unsupported version '2'");
}

/* A private struct and map for the option parsers. */
typedef struct opts {
    int64_t i, size, dur;
    bool b;
    double d;
    int e;
    char c;
    char *s;
    af_strlist l;
    af_strmap m;
} opts;

static const af_config_map test_map[] = {
    {"i", AF_OPT_INT, "7", false, offsetof(opts, i), "an int", NULL},
    {"size", AF_OPT_SIZE, "1KiB", false, offsetof(opts, size), "a size", NULL},
    {"dur", AF_OPT_DURATION, "30s", false, offsetof(opts, dur), "a duration", NULL},
    {"b", AF_OPT_BOOL, "on", false, offsetof(opts, b), "a bool", NULL},
    {"d", AF_OPT_DOUBLE, "0.5", false, offsetof(opts, d), "a double", NULL},
    {"e", AF_OPT_ENUM, "b", false, offsetof(opts, e), "an enum", "a|b|c"},
    {"c", AF_OPT_CHAR, ";", false, offsetof(opts, c), "a char", NULL},
    {"s", AF_OPT_STRING, "hello", true, offsetof(opts, s), "a string | with pipe", NULL},
    {"l", AF_OPT_STRLIST, "x", false, offsetof(opts, l), "a list", NULL},
    {"m", AF_OPT_STRMAP, "k=v,k2=v2", false, offsetof(opts, m), "a map", NULL},
    {NULL, 0, NULL, false, 0, NULL, NULL},
};

static int64_t parse64(int idx, const char *text, int *rc)
{
    opts o;
    memset(&o, 0, sizeof o);
    af_error err;
    *rc = af_config_set_text(&test_map[idx], &o, text, &err);
    return idx == 1 ? o.size : idx == 2 ? o.dur : o.i;
}

TEST(option_parsers)
{
    int rc;
    CHECK_INT(af_config_map_count(test_map), 10);
    /* INT: strict. */
    CHECK_INT(parse64(0, "-42", &rc), -42);
    CHECK_INT(rc, 0);
    parse64(0, "42x", &rc);
    CHECK_INT(rc, AF_ECONFIG);
    parse64(0, " 42", &rc);
    CHECK_INT(rc, AF_ECONFIG);
    parse64(0, "99999999999999999999", &rc);
    CHECK_INT(rc, AF_ECONFIG);
    /* SIZE: decimal SI letters, binary "i" forms. */
    CHECK_INT(parse64(1, "64MB", &rc), 64000000);
    CHECK_INT(parse64(1, "64MiB", &rc), 64 << 20);
    CHECK_INT(parse64(1, "1GB", &rc), 1000000000);
    CHECK_INT(parse64(1, "1gib", &rc), 1 << 30);
    CHECK_INT(parse64(1, "512k", &rc), 512000);
    CHECK_INT(parse64(1, "512Ki", &rc), 512 * 1024);
    CHECK_INT(parse64(1, "123", &rc), 123);
    CHECK_INT(parse64(1, "10 B", &rc), 10);
    CHECK_INT(parse64(1, "1.5KiB", &rc), 1536);
    CHECK_INT(rc, 0);
    parse64(1, "12XB", &rc);
    CHECK_INT(rc, AF_ECONFIG);
    parse64(1, "-1MB", &rc);
    CHECK_INT(rc, AF_ECONFIG);
    parse64(1, "99999999PiB", &rc);
    CHECK_INT(rc, AF_ECONFIG);
    /* DURATION in ms; plain = seconds. */
    CHECK_INT(parse64(2, "250ms", &rc), 250);
    CHECK_INT(parse64(2, "30s", &rc), 30000);
    CHECK_INT(parse64(2, "5m", &rc), 300000);
    CHECK_INT(parse64(2, "1h", &rc), 3600000);
    CHECK_INT(parse64(2, "1d", &rc), 86400000);
    CHECK_INT(parse64(2, "1h30m", &rc), 5400000);
    CHECK_INT(parse64(2, "45", &rc), 45000);
    CHECK_INT(parse64(2, "1.5s", &rc), 1500);
    CHECK_INT(rc, 0);
    parse64(2, "1h30", &rc);
    CHECK_INT(rc, AF_ECONFIG);
    parse64(2, "5 minutes", &rc);
    CHECK_INT(rc, AF_ECONFIG);
    parse64(2, "", &rc);
    CHECK_INT(rc, AF_ECONFIG);

    opts o;
    memset(&o, 0, sizeof o);
    af_error err;
    /* BOOL */
    CHECK_INT(af_config_set_text(&test_map[3], &o, "yes", &err), 0);
    CHECK(o.b);
    CHECK_INT(af_config_set_text(&test_map[3], &o, "Off", &err), 0);
    CHECK(!o.b);
    CHECK_INT(af_config_set_text(&test_map[3], &o, "2", &err), AF_ECONFIG);
    CHECK_CONTAINS(err.msg, "'b'");
    /* DOUBLE */
    CHECK_INT(af_config_set_text(&test_map[4], &o, "-2.5e3", &err), 0);
    CHECK(o.d == -2500.0);
    CHECK_INT(af_config_set_text(&test_map[4], &o, "nan", &err), AF_ECONFIG);
    CHECK_INT(af_config_set_text(&test_map[4], &o, "1.0x", &err), AF_ECONFIG);
    /* ENUM */
    CHECK_INT(af_config_set_text(&test_map[5], &o, "c", &err), 0);
    CHECK_INT(o.e, 2);
    CHECK_INT(af_config_set_text(&test_map[5], &o, "A", &err), 0);
    CHECK_INT(o.e, 0);
    CHECK_INT(af_config_set_text(&test_map[5], &o, "d", &err), AF_ECONFIG);
    CHECK_CONTAINS(err.msg, "expected one of a, b, c");
    /* CHAR */
    static const struct {
        const char *text;
        char c;
    } chars[] = {{"\t", '\t'},       {"tab", '\t'},  {"\\t", '\t'},  {"comma", ','},
                 {"semicolon", ';'}, {"pipe", '|'},  {"space", ' '}, {"x", 'x'},
                 {"", '\0'},         {"none", '\0'}, {"\\\\", '\\'}};
    for (size_t i = 0; i < sizeof chars / sizeof chars[0]; i++) {
        o.c = '?';
        CHECK_INT(af_config_set_text(&test_map[6], &o, chars[i].text, &err), 0);
        CHECK_INT(o.c, chars[i].c);
    }
    CHECK_INT(af_config_set_text(&test_map[6], &o, "ab", &err), AF_ECONFIG);
    CHECK_CONTAINS(err.msg, "'ab'");
    af_config_struct_free(test_map, &o);
}

TEST(defaults_free_and_print)
{
    opts o;
    memset(&o, 0, sizeof o);
    af_error err;
    CHECK_INT(af_config_struct_defaults(test_map, &o, &err), 0);
    CHECK_INT(o.i, 7);
    CHECK_INT(o.size, 1024);
    CHECK_INT(o.dur, 30000);
    CHECK(o.b);
    CHECK(o.d == 0.5);
    CHECK_INT(o.e, 1);
    CHECK_INT(o.c, ';');
    CHECK_STR(o.s, "hello");
    CHECK_INT(o.l.len, 1);
    CHECK_STR(af_strmap_get(&o.m, "k2"), "v2");
    /* Setting twice replaces and does not leak. */
    CHECK_INT(af_config_set_text(&test_map[7], &o, "bye", &err), 0);
    CHECK_STR(o.s, "bye");
    CHECK_INT(af_config_set_text(&test_map[9], &o, "a=1", &err), 0);
    CHECK_INT(o.m.len, 1);
    CHECK_INT(af_config_set_text(&test_map[9], &o, "novalue", &err), AF_ECONFIG);
    af_config_struct_free(test_map, &o);
    CHECK(o.s == NULL);
    CHECK(o.l.items == NULL);
    CHECK(o.m.items == NULL);

    af_buf b;
    af_buf_init(&b);
    CHECK_INT(af_config_map_print_text(test_map, &b), 0);
    const char *t = af_buf_cstr(&b);
    CHECK_CONTAINS(t, "OPTION");
    CHECK_CONTAINS(t, "size");
    CHECK_CONTAINS(t, "1KiB");
    CHECK_CONTAINS(t, "one of: a, b, c");
    af_buf_reset(&b);
    CHECK_INT(af_config_map_print_markdown(test_map, &b), 0);
    t = af_buf_cstr(&b);
    CHECK_CONTAINS(t, "| option | type | default | required | description |");
    CHECK_CONTAINS(t, "| `e` | enum (`a` \\| `b` \\| `c`) | `b` | no | an enum |");
    CHECK_CONTAINS(t, "| `s` | string | `hello` | yes | a string \\| with pipe |");
    af_buf_reset(&b);
    CHECK_INT(af_docs_pipeline_reference(&b), 0);
    t = af_buf_cstr(&b);
    CHECK_CONTAINS(t, "# Pipeline reference");
    CHECK_CONTAINS(t, "## defaults");
    CHECK_CONTAINS(t, "`on_error`");
    CHECK_CONTAINS(t, "### source `csv`");
    CHECK_CONTAINS(t, "### transform `cast`");
    CHECK_CONTAINS(t, "### sink `csv`");
    CHECK_CONTAINS(t, "`delimiter`");
    af_buf_free(&b);

    CHECK_STR(af_opt_type_name(AF_OPT_SIZE), "size");
    CHECK_STR(af_opt_type_name(AF_OPT_SECRET), "secret");
}

TEST(strmap)
{
    af_strmap m = {0};
    af_src_loc loc = {"f", 1, 2};
    CHECK_INT(af_strmap_put(&m, "a", "1", loc), 0);
    CHECK_INT(af_strmap_put(&m, "b", "2", loc), 0);
    CHECK_INT(af_strmap_put(&m, "a", "3", loc), 0);
    CHECK_INT(m.len, 2);
    CHECK_STR(af_strmap_get(&m, "a"), "3");
    CHECK(af_strmap_get(&m, "c") == NULL);
    for (int i = 0; i < 50; i++) {
        char k[16];
        snprintf(k, sizeof k, "k%d", i);
        CHECK_INT(af_strmap_put(&m, k, k, loc), 0);
    }
    CHECK_STR(af_strmap_get(&m, "k49"), "k49");
    af_strmap_free(&m);
    CHECK_INT(m.len, 0);
}

TEST(did_you_mean)
{
    static const char *const c[] = {"path", "delimiter", "header", "csv", "streams"};
    CHECK_STR(af_did_you_mean("delimter", c, 5), "delimiter");
    CHECK_STR(af_did_you_mean("cvs", c, 5), "csv");
    CHECK_STR(af_did_you_mean("Path", c, 5), "path");
    CHECK_STR(af_did_you_mean("stream", c, 5), "streams");
    CHECK(af_did_you_mean("zzz", c, 5) == NULL);
    CHECK(af_did_you_mean("completely_different", c, 5) == NULL);
    CHECK(af_did_you_mean("", c, 5) == NULL);
    CHECK(af_did_you_mean("x", c, 0) == NULL);
}

/* libfyaml 0.7.12 crashes on an explicit key line holding a tab (found by
 * fuzzing); the loader refuses such lines before parsing. */
TEST(explicit_key_with_tab_is_refused_not_crashing)
{
    static const char *inputs[] = {
        "name: :\n? ldefa:\t:\n? lts:\n? ults:\n? :",
        "x:\n  ? a:\t:\n",
        "x:\n  -  ? a:\t:\n",
    };
    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
        af_pipeline *p = NULL;
        af_error err = {0};
        CHECK_INT(af_pipeline_load_string(inputs[i], strlen(inputs[i]), "k.yml", &p, &err),
                  AF_ECONFIG);
        CHECK_CONTAINS(err.msg, "explicit mapping keys");
        CHECK(p == NULL);
    }
    af_pipeline *p = NULL;
    af_error err = {0};
    const char *text = "x:\n  ? a:\t:\n";
    af_pipeline_load_string(text, strlen(text), "k.yml", &p, &err);
    CHECK_CONTAINS(err.msg, "k.yml:2:3:");
}

TEST_MAIN()
