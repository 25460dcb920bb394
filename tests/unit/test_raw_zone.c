/* test_raw_zone.c - the lake's raw zone (lake/raw_zone.h) and its run
 * hooks (core/run_raw.h): byte-identical copies with a SHA-256 checked
 * against known digests, skips of bytes already ingested (by an earlier
 * run, or twice in one run), name collisions that keep both copies, abort
 * that leaves nothing, leftovers of a crashed run reused, manifests read
 * back field by field, bad manifests and names refused; and the sources'
 * side: input listing and skipping through the input set. */
#include "core/config.h"
#include "core/run_raw.h"
#include "io/input_set.h"
#include "lake/raw_zone.h"
#include "sources/file_common.h"
#include "test.h"

#include <jansson.h>
#include <sys/stat.h>
#include <unistd.h>

#define RUN1 "20260131T120000Z-aaaaaa"
#define RUN2 "20260201T090000Z-bbbbbb"
/* 2026-01-31T12:00:00Z */
#define NOW1 (INT64_C(1769860800) * 1000000)
#define DAY "raw/csv/orders/ingest_date=2026-01-31/"
/* sha256("abc") and sha256("xyz"), from FIPS 180-2 and sha256sum */
#define SHA_ABC "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
#define SHA_XYZ "3608bca1e44ea6c4d268eb6db02260269892c0b42b86bbf1e77a6fa16c3c9282"

static af_error err;

static char *make_dir(void)
{
    char tmpl[] = "/tmp/af_raw_test_XXXXXX";
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

/* Writes `text` to DIR/NAME (creating DIR/sub folders) and returns the path
 * (static buffer rotation: valid for a few calls). */
static const char *put_file(const char *dir, const char *name, const char *text)
{
    static char paths[8][512];
    static int next;
    char *p = paths[next++ % 8];
    snprintf(p, 512, "%s/%s", dir, name);
    char *slash = strrchr(p, '/');
    *slash = 0;
    mkdir(p, 0755);
    *slash = '/';
    FILE *f = fopen(p, "wb");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
    return p;
}

static char *object_text(af_store *s, const char *path)
{
    af_buf b;
    af_buf_init(&b);
    if (af_store_read_range(s, path, 0, 1 << 20, &b, &err) != 0) {
        af_buf_free(&b);
        return strdup("(missing)");
    }
    af_buf_cstr(&b);
    return (char *)b.data;
}

static char *listing(af_store *s, const char *prefix)
{
    af_store_entry *e = NULL;
    size_t n = 0;
    static char out[4096];
    out[0] = 0;
    if (af_store_list(s, prefix, &e, &n, &err) != 0) {
        snprintf(out, sizeof out, "ERR %.1000s", err.msg);
        return out;
    }
    size_t pos = 0;
    for (size_t i = 0; i < n && pos < sizeof out; i++)
        pos += (size_t)snprintf(out + pos, sizeof out - pos, "%s%s", i ? " " : "", e[i].path);
    af_store_entries_free(e, n);
    return out;
}

static af_raw_options opts(const char *run_id)
{
    return (af_raw_options){.source = "csv",
                            .dataset = "orders",
                            .run_id = run_id,
                            .pipeline = "shop",
                            .now_us = NOW1 + 123000};
}

TEST(copy_hash_and_manifest)
{
    char *lake = make_dir(), *in = make_dir();
    af_store *s = NULL;
    CHECK_INT(af_store_open(lake, &s, &err), 0);
    af_raw_options o = opts(RUN1);
    af_raw_zone *z = NULL;
    CHECK_INT(af_raw_zone_begin(s, &o, &z, &err), 0);
    const af_raw_file *f = NULL;
    const char *a = put_file(in, "a.csv", "abc");
    CHECK_INT(af_raw_zone_add(z, a, &f, &err), 0);
    CHECK_INT(f->status, AF_RAW_COPIED);
    CHECK_STR(f->sha256, SHA_ABC);
    CHECK_INT(f->size, 3);
    CHECK_STR(f->raw_path, DAY "a.csv");
    CHECK_STR(f->source_uri, a);
    CHECK(f->previous_run == NULL);
    char *copy = object_text(s, DAY "a.csv");
    CHECK_STR(copy, "abc");
    free(copy);
    /* nothing is marked ingested before finish */
    CHECK_STR(listing(s, "raw/csv/orders/_manifests/"), "");
    CHECK_INT(af_raw_zone_finish(z, &err), 0);
    CHECK_STR(af_raw_zone_manifest_path(z), "raw/csv/orders/_manifests/" RUN1 ".json");

    char *text = object_text(s, "raw/csv/orders/_manifests/" RUN1 ".json");
    json_t *doc = json_loads(text, 0, NULL);
    CHECK(doc != NULL);
    CHECK_STR(json_string_value(json_object_get(doc, "run_id")), RUN1);
    CHECK_STR(json_string_value(json_object_get(doc, "pipeline")), "shop");
    CHECK_STR(json_string_value(json_object_get(doc, "stream")), "orders");
    CHECK_STR(json_string_value(json_object_get(doc, "source")), "csv");
    CHECK_STR(json_string_value(json_object_get(doc, "ingested_at")), "2026-01-31T12:00:00.123Z");
    CHECK_STR(json_string_value(json_object_get(doc, "ingest_date")), "2026-01-31");
    json_t *files = json_object_get(doc, "files");
    CHECK_INT(json_array_size(files), 1);
    json_t *e = json_array_get(files, 0);
    CHECK_STR(json_string_value(json_object_get(e, "source_uri")), a);
    CHECK_STR(json_string_value(json_object_get(e, "raw_path")), DAY "a.csv");
    CHECK_INT(json_integer_value(json_object_get(e, "size")), 3);
    CHECK_STR(json_string_value(json_object_get(e, "sha256")), SHA_ABC);
    CHECK_STR(json_string_value(json_object_get(e, "status")), "copied");
    CHECK(json_object_get(e, "previous_run") == NULL);
    CHECK_INT(json_object_size(e), 5);
    json_decref(doc);
    free(text);
    /* a second finish is refused; abort after finish removes nothing */
    CHECK_INT(af_raw_zone_finish(z, &err), AF_EINVAL);
    af_raw_zone_abort(z);
    CHECK_STR(listing(s, "raw/"), "raw/csv/orders/_manifests/" RUN1 ".json " DAY "a.csv");
    af_raw_zone_free(z);
    af_store_free(s);
    remove_tree(lake);
    remove_tree(in);
    free(lake);
    free(in);
}

TEST(same_checksum_is_skipped)
{
    char *lake = make_dir(), *in = make_dir();
    af_store *s = NULL;
    CHECK_INT(af_store_open(lake, &s, &err), 0);
    af_raw_options o1 = opts(RUN1), o2 = opts(RUN2);
    af_raw_zone *z = NULL;
    CHECK_INT(af_raw_zone_begin(s, &o1, &z, &err), 0);
    CHECK_INT(af_raw_zone_add(z, put_file(in, "a.csv", "abc"), NULL, &err), 0);
    /* the same bytes twice in one run: the second is a skip of this run's copy */
    const af_raw_file *f = NULL;
    CHECK_INT(af_raw_zone_add(z, put_file(in, "dup.csv", "abc"), &f, &err), 0);
    CHECK_INT(f->status, AF_RAW_SKIPPED);
    CHECK_STR(f->previous_run, RUN1);
    CHECK_STR(f->raw_path, DAY "a.csv");
    CHECK_INT(af_raw_zone_finish(z, &err), 0);
    af_raw_zone_free(z);

    /* a later run: same content under another name is skipped, a file of
     * the same size but other bytes is copied (hashed first, then copied) */
    CHECK_INT(af_raw_zone_begin(s, &o2, &z, &err), 0);
    CHECK_INT(af_raw_zone_add(z, put_file(in, "renamed.csv", "abc"), &f, &err), 0);
    CHECK_INT(f->status, AF_RAW_SKIPPED);
    CHECK_STR(f->sha256, SHA_ABC);
    CHECK_INT(f->size, 3);
    CHECK_STR(f->previous_run, RUN1);
    CHECK_STR(f->raw_path, DAY "a.csv");
    CHECK(!f->published);
    CHECK_INT(af_raw_zone_add(z, put_file(in, "other.csv", "xyz"), &f, &err), 0);
    CHECK_INT(f->status, AF_RAW_COPIED);
    CHECK_STR(f->sha256, SHA_XYZ);
    CHECK_STR(f->raw_path, DAY "other.csv");
    CHECK_INT(af_raw_zone_finish(z, &err), 0);
    CHECK_STR(listing(s, DAY), DAY "a.csv " DAY "other.csv");

    char *text = object_text(s, "raw/csv/orders/_manifests/" RUN2 ".json");
    json_t *doc = json_loads(text, 0, NULL);
    json_t *e = json_array_get(json_object_get(doc, "files"), 0);
    CHECK_STR(json_string_value(json_object_get(e, "status")), "skipped");
    CHECK_STR(json_string_value(json_object_get(e, "previous_run")), RUN1);
    CHECK_STR(json_string_value(json_object_get(e, "raw_path")), DAY "a.csv");
    CHECK_STR(json_string_value(json_object_get(e, "sha256")), SHA_ABC);
    CHECK_INT(json_object_size(e), 6);
    json_decref(doc);
    free(text);
    af_raw_zone_free(z);
    af_store_free(s);
    remove_tree(lake);
    remove_tree(in);
    free(lake);
    free(in);
}

TEST(name_collision_keeps_both_copies)
{
    char *lake = make_dir(), *in = make_dir();
    af_store *s = NULL;
    CHECK_INT(af_store_open(lake, &s, &err), 0);
    af_raw_options o1 = opts(RUN1), o2 = opts(RUN2);
    af_raw_zone *z = NULL;
    CHECK_INT(af_raw_zone_begin(s, &o1, &z, &err), 0);
    CHECK_INT(af_raw_zone_add(z, put_file(in, "a.csv.gz", "abc"), NULL, &err), 0);
    /* same name, other bytes, same run (another folder): run id, then -2 */
    const af_raw_file *f = NULL;
    CHECK_INT(af_raw_zone_add(z, put_file(in, "x/a.csv.gz", "xyz"), &f, &err), 0);
    CHECK_STR(f->raw_path, DAY "a." RUN1 ".csv.gz");
    CHECK_INT(af_raw_zone_add(z, put_file(in, "y/a.csv.gz", "other"), &f, &err), 0);
    CHECK_STR(f->raw_path, DAY "a." RUN1 "-2.csv.gz");
    CHECK_INT(af_raw_zone_finish(z, &err), 0);
    af_raw_zone_free(z);
    /* same day, a later run, same name, new bytes */
    CHECK_INT(af_raw_zone_begin(s, &o2, &z, &err), 0);
    CHECK_INT(af_raw_zone_add(z, put_file(in, "z/a.csv.gz", "fourth"), &f, &err), 0);
    CHECK_INT(f->status, AF_RAW_COPIED);
    CHECK_STR(f->raw_path, DAY "a." RUN2 ".csv.gz");
    CHECK_INT(af_raw_zone_finish(z, &err), 0);
    af_raw_zone_free(z);
    char *t1 = object_text(s, DAY "a.csv.gz"), *t2 = object_text(s, DAY "a." RUN1 ".csv.gz"),
         *t3 = object_text(s, DAY "a." RUN1 "-2.csv.gz"),
         *t4 = object_text(s, DAY "a." RUN2 ".csv.gz");
    CHECK_STR(t1, "abc");
    CHECK_STR(t2, "xyz");
    CHECK_STR(t3, "other");
    CHECK_STR(t4, "fourth");
    free(t1);
    free(t2);
    free(t3);
    free(t4);
    af_store_free(s);
    remove_tree(lake);
    remove_tree(in);
    free(lake);
    free(in);
}

TEST(abort_leaves_nothing)
{
    char *lake = make_dir(), *in = make_dir();
    af_store *s = NULL;
    CHECK_INT(af_store_open(lake, &s, &err), 0);
    af_raw_options o1 = opts(RUN1), o2 = opts(RUN2);
    af_raw_zone *z = NULL;
    CHECK_INT(af_raw_zone_begin(s, &o1, &z, &err), 0);
    CHECK_INT(af_raw_zone_add(z, put_file(in, "a.csv", "abc"), NULL, &err), 0);
    CHECK_INT(af_raw_zone_add(z, put_file(in, "b.csv", "xyz"), NULL, &err), 0);
    CHECK_STR(listing(s, ""), DAY "a.csv " DAY "b.csv");
    af_raw_zone_abort(z);
    CHECK_STR(listing(s, ""), "");
    af_raw_zone_free(z);
    /* nothing was marked ingested: the next run copies both again */
    CHECK_INT(af_raw_zone_begin(s, &o2, &z, &err), 0);
    const af_raw_file *f = NULL;
    CHECK_INT(af_raw_zone_add(z, put_file(in, "a.csv", "abc"), &f, &err), 0);
    CHECK_INT(f->status, AF_RAW_COPIED);
    CHECK_STR(f->raw_path, DAY "a.csv");
    af_raw_zone_free(z);
    af_store_free(s);
    remove_tree(lake);
    remove_tree(in);
    free(lake);
    free(in);
}

TEST(crash_leftover_is_reused_not_copied_again)
{
    char *lake = make_dir(), *in = make_dir();
    af_store *s = NULL;
    CHECK_INT(af_store_open(lake, &s, &err), 0);
    af_raw_options o1 = opts(RUN1), o2 = opts(RUN2);
    af_raw_zone *z = NULL;
    /* run 1 copies and "crashes": no finish, no abort */
    CHECK_INT(af_raw_zone_begin(s, &o1, &z, &err), 0);
    CHECK_INT(af_raw_zone_add(z, put_file(in, "a.csv", "abc"), NULL, &err), 0);
    af_raw_zone_free(z);
    CHECK_INT(af_raw_zone_begin(s, &o2, &z, &err), 0);
    const af_raw_file *f = NULL;
    CHECK_INT(af_raw_zone_add(z, put_file(in, "a.csv", "abc"), &f, &err), 0);
    CHECK_INT(f->status, AF_RAW_COPIED);
    CHECK_STR(f->raw_path, DAY "a.csv");
    CHECK(!f->published); /* not this run's to delete */
    af_raw_zone_abort(z);
    CHECK_STR(listing(s, ""), DAY "a.csv");
    af_raw_zone_free(z);
    af_store_free(s);
    remove_tree(lake);
    remove_tree(in);
    free(lake);
    free(in);
}

TEST(bad_manifest_and_names_refused)
{
    char *lake = make_dir(), *in = make_dir();
    af_store *s = NULL;
    CHECK_INT(af_store_open(lake, &s, &err), 0);
    af_raw_zone *z = NULL;
    af_raw_options o = opts(RUN1);
    o.dataset = "a/b";
    CHECK_INT(af_raw_zone_begin(s, &o, &z, &err), AF_EINVAL);
    CHECK_STR(err.msg, "raw zone: stream name 'a/b' cannot name a folder (no '/', no leading '.')");
    o = opts(RUN2);
    CHECK_INT(
        af_store_put(s, "raw/csv/orders/_manifests/" RUN1 ".json", "{\"run_id\": 1}", 13, &err), 0);
    CHECK_INT(af_raw_zone_begin(s, &o, &z, &err), AF_EPARSE);
    char want[512];
    snprintf(want, sizeof want,
             "%s/raw/csv/orders/_manifests/" RUN1
             ".json: not a raw-zone manifest: run_id (string) and files (array) are required",
             lake);
    CHECK_STR(err.msg, want);
    CHECK_INT(af_store_put(s, "raw/csv/orders/_manifests/" RUN1 ".json", "{oops", 5, &err), 0);
    CHECK_INT(af_raw_zone_begin(s, &o, &z, &err), AF_EPARSE);
    CHECK_CONTAINS(err.msg, "_manifests/" RUN1 ".json: not a raw-zone manifest: line 1:");
    CHECK(z == NULL);
    /* a missing input file is named */
    CHECK_INT(af_store_delete(s, "raw/csv/orders/_manifests/" RUN1 ".json", &err), 0);
    CHECK_INT(af_raw_zone_begin(s, &o, &z, &err), 0);
    snprintf(want, sizeof want, "%s/none.csv", in);
    CHECK_INT(af_raw_zone_add(z, want, NULL, &err), AF_ENOTFOUND);
    char msg[600];
    snprintf(msg, sizeof msg, "%s: cannot read: No such file or directory", want);
    CHECK_STR(err.msg, msg);
    CHECK_INT(af_raw_zone_add(z, in, NULL, &err), AF_EINVAL);
    CHECK_INT(af_raw_zone_count(z), 0);
    af_raw_zone_free(z);
    af_store_free(s);
    remove_tree(lake);
    remove_tree(in);
    free(lake);
    free(in);
}

TEST(input_set_excludes_and_sources_list)
{
    char *in = make_dir();
    put_file(in, "a.csv", "id\n1\n");
    put_file(in, "b.csv", "id\n2\n");
    put_file(in, "sub/c.csv", "id\n3\n");
    atomic_bool cancel = false;
    af_stream_ctx ctx = {.pipeline_dir = in, .cancel = &cancel};
    af_source src = {.ctx = &ctx};
    af_strlist paths = {0};
    CHECK_INT(af_file_list_inputs(&src, ".", &paths, &err), 0);
    CHECK_INT(paths.len, 3);
    char want[512];
    snprintf(want, sizeof want, "%s/./sub/c.csv", in);
    CHECK_STR(paths.len == 3 ? paths.items[2] : NULL, want);
    /* standard input and URLs list nothing */
    af_strlist none = {0};
    CHECK_INT(af_file_list_inputs(&src, "-", &none, &err), 0);
    CHECK_INT(af_file_list_inputs(&src, "https://example.com/a.csv", &none, &err), 0);
    CHECK_INT(none.len, 0);

    /* the sources' input set leaves out the skipped files */
    af_strlist skip = {0};
    af_strlist_push(&skip, paths.items[0]);
    af_strlist_push(&skip, paths.items[2]);
    ctx.skip_inputs = &skip;
    CHECK(af_file_input_skipped(&ctx, paths.items[0]));
    CHECK(!af_file_input_skipped(&ctx, paths.items[1]));
    char pattern[512];
    snprintf(pattern, sizeof pattern, "%s/.", in);
    af_input_set *set = NULL;
    CHECK_INT(af_file_open_inputs(&src, pattern, AF_COMPRESSION_AUTO, NULL, 0, &set, &err), 0);
    CHECK_INT(af_input_set_file_count(set), 1);
    CHECK_STR(af_input_set_file_path(set, 0), paths.items[1]);
    CHECK_INT(af_input_set_bytes_total(set), 5);
    af_input_set_free(set);
    /* everything skipped: an empty set, not an error */
    af_strlist_push(&skip, paths.items[1]);
    CHECK_INT(af_file_open_inputs(&src, pattern, AF_COMPRESSION_AUTO, NULL, 0, &set, &err), 0);
    CHECK_INT(af_input_set_file_count(set), 0);
    af_input in_leaf;
    CHECK_INT(af_input_set_next(set, &in_leaf, &err), 0);
    af_input_set_free(set);
    af_strlist_free(&skip);
    af_strlist_free(&paths);
    remove_tree(in);
    free(in);
}

/* The run hooks on a pipeline: when copies are kept, what the source is
 * told to skip, and a source that lists nothing. */
TEST(run_hooks_decide_and_skip)
{
    setenv("AFFLUENT_NOW", "2026-01-31T12:00:00Z", 1); /* the partition date */
    char *dir = make_dir();
    put_file(dir, "in/a.csv", "id\n1\n");
    put_file(dir, "in/b.csv", "id\n2\n");
    const char *yaml = "version: 1\n"
                       "streams:\n"
                       "  auto_csv:\n"
                       "    source: {type: csv, path: in}\n"
                       "    targets: [{type: csv, path: out.csv}]\n"
                       "  on:\n"
                       "    raw: true\n"
                       "    source: {type: csv, path: in}\n"
                       "    targets: [{type: csv, path: out.csv}]\n"
                       "  stdin:\n"
                       "    raw: true\n"
                       "    source: {type: csv, path: '-'}\n"
                       "    targets: [{type: csv, path: out.csv}]\n";
    af_pipeline *p = NULL;
    CHECK_INT(af_pipeline_load_string(yaml, strlen(yaml), "p.yml", &p, &err), 0);
    if (!p) {
        fprintf(stderr, "%s\n", err.msg);
        return;
    }
    char lake[600];
    snprintf(lake, sizeof lake, "%s/lake", dir);
    atomic_bool cancel = false;
    af_stream_ctx ctx = {.pipeline_dir = dir,
                         .pipeline_name = "p",
                         .run_id = RUN1,
                         .lake_dir = lake,
                         .cancel = &cancel};
    af_run_raw *r = NULL;
    /* auto without a lake target: no copies */
    ctx.stream_name = "auto_csv";
    CHECK_INT(af_run_raw_begin(af_pipeline_find_stream(p, "auto_csv"), &ctx, &r, &err), 0);
    CHECK(r == NULL);
    CHECK(ctx.skip_inputs == NULL);
    /* raw: true on standard input: a warning, no handle */
    CHECK_INT(af_run_raw_begin(af_pipeline_find_stream(p, "stdin"), &ctx, &r, &err), 0);
    CHECK(r == NULL);
    /* raw: true: both copied, nothing skipped */
    const af_stream_config *on = af_pipeline_find_stream(p, "on");
    CHECK_INT(af_run_raw_begin(on, &ctx, &r, &err), 0);
    CHECK(r != NULL);
    CHECK(ctx.skip_inputs != NULL && ctx.skip_inputs->len == 0);
    CHECK(!af_run_raw_nothing_new(r));
    CHECK_INT(af_run_raw_finish(r, &err), 0);
    af_run_raw_abort(r); /* after finish: keeps everything */
    af_run_raw_free(r);
    char manifest[800];
    snprintf(manifest, sizeof manifest, "%s/raw/csv/on/_manifests/" RUN1 ".json", lake);
    struct stat st;
    CHECK_INT(stat(manifest, &st), 0);
    /* a second run with one new file: the old ones are skipped */
    put_file(dir, "in/c.csv", "id\n3\n");
    ctx.run_id = RUN2;
    ctx.skip_inputs = NULL;
    CHECK_INT(af_run_raw_begin(on, &ctx, &r, &err), 0);
    CHECK(ctx.skip_inputs != NULL && ctx.skip_inputs->len == 2);
    char want[600];
    snprintf(want, sizeof want, "%s/in/a.csv", dir);
    CHECK_STR(ctx.skip_inputs->items[0], want);
    CHECK(!af_run_raw_nothing_new(r));
    /* the stream fails: no manifest, the new copy is gone */
    af_run_raw_abort(r);
    af_run_raw_free(r);
    snprintf(manifest, sizeof manifest, "%s/raw/csv/on/_manifests/" RUN2 ".json", lake);
    CHECK(stat(manifest, &st) != 0);
    char copy[800];
    snprintf(copy, sizeof copy, "%s/raw/csv/on/ingest_date=2026-01-31/c.csv", lake);
    CHECK(stat(copy, &st) != 0);
    /* nothing new once c.csv is ingested too */
    ctx.skip_inputs = NULL;
    CHECK_INT(af_run_raw_begin(on, &ctx, &r, &err), 0);
    CHECK_INT(af_run_raw_finish(r, &err), 0);
    af_run_raw_free(r);
    ctx.run_id = "20260202T090000Z-cccccc";
    ctx.skip_inputs = NULL;
    CHECK_INT(af_run_raw_begin(on, &ctx, &r, &err), 0);
    CHECK(af_run_raw_nothing_new(r));
    af_run_raw_free(r);
    af_pipeline_free(p);
    remove_tree(dir);
    free(dir);
}

/* The csv plugin itself: files in ctx->skip_inputs are neither read nor
 * counted in the progress total. */
TEST(csv_source_skips_listed_files)
{
    char *dir = make_dir();
    put_file(dir, "in/a.csv", "id\n1\n2\n");
    put_file(dir, "in/b.csv", "id\n3\n");
    const char *yaml = "version: 1\n"
                       "streams:\n"
                       "  s:\n"
                       "    source: {type: csv, path: in}\n"
                       "    targets: [{type: csv, path: out.csv}]\n";
    af_pipeline *p = NULL;
    CHECK_INT(af_pipeline_load_string(yaml, strlen(yaml), "p.yml", &p, &err), 0);
    if (!p)
        return;
    const af_stream_config *sc = af_pipeline_find_stream(p, "s");
    atomic_bool cancel = false;
    af_stream_ctx ctx = {.pipeline_dir = dir,
                         .stream_name = "s",
                         .limits = {.max_rows = 100, .max_bytes = 1 << 20},
                         .cancel = &cancel};
    af_source src = {.plugin = sc->source.plugin, .config = sc->source.config, .ctx = &ctx};
    af_strlist paths = {0};
    CHECK_INT(src.plugin->list_inputs(&src, &paths, &err), 0);
    CHECK_INT(paths.len, 2);
    af_strlist skip = {0};
    af_strlist_push(&skip, paths.items[0]); /* a.csv */
    ctx.skip_inputs = &skip;
    af_schema *schema = NULL;
    CHECK_INT(src.plugin->open(&src, &schema, &err), 0);
    CHECK_INT(atomic_load(&ctx.bytes_total), 5);
    af_batch *b = NULL;
    int64_t rows = 0, first = -1;
    while (src.plugin->next(&src, &b, &err) == 0 && b) {
        if (first < 0 && b->n_rows)
            first = af_array_get_int(&b->columns[0], 0);
        rows += b->n_rows;
        af_batch_release(b);
    }
    CHECK_INT(rows, 1);
    CHECK_INT(first, 3);
    af_buf state;
    af_buf_init(&state);
    CHECK_INT(src.plugin->resume_state(&src, &state), 0);
    CHECK_CONTAINS(af_buf_cstr(&state), "\"files\":1,\"rows\":1}");
    af_buf_free(&state);
    src.plugin->close(&src);
    af_schema_free(schema);
    af_strlist_free(&skip);
    af_strlist_free(&paths);
    af_pipeline_free(p);
    remove_tree(dir);
    free(dir);
}

TEST_MAIN()
