/* run_raw.c - the raw zone around one stream of a run (see run_raw.h): the
 * decision to keep copies, the source's input list, the skip list handed
 * to the source, and the log lines that say what was copied or skipped. */
#include "core/run_raw.h"

#include "core/clock.h"
#include "core/log.h"
#include "lake/raw_zone.h"

#include <stdlib.h>
#include <string.h>

struct af_run_raw {
    af_store *store;
    af_raw_zone *zone;
    af_strlist skip; /* what ctx->skip_inputs points to */
    size_t n_inputs;
    const char *stream;
    bool done; /* finished or aborted */
};

static bool has_lake_target(const af_stream_config *sc)
{
    for (size_t i = 0; i < sc->n_targets; i++)
        if (sc->targets[i].type && strcmp(sc->targets[i].type, "lake") == 0)
            return true;
    return false;
}

static void log_file(const char *stream, const af_raw_file *f)
{
    if (f->status == AF_RAW_SKIPPED)
        af_log_fields(AF_LOG_INFO, "raw.skip",
                      (af_log_field[]){AF_LF_S("stream", stream), AF_LF_S("file", f->source_uri),
                                       AF_LF_S("sha256", f->sha256), AF_LF_I("size", f->size),
                                       AF_LF_S("previous_run", f->previous_run),
                                       AF_LF_S("raw_path", f->raw_path)},
                      6, "raw: %s skipped: same sha256 %s ingested by run %s", f->source_uri,
                      f->sha256, f->previous_run);
    else
        af_log_fields(AF_LOG_INFO, "raw.copy",
                      (af_log_field[]){AF_LF_S("stream", stream), AF_LF_S("file", f->source_uri),
                                       AF_LF_S("sha256", f->sha256), AF_LF_I("size", f->size),
                                       AF_LF_S("raw_path", f->raw_path)},
                      5, "raw: %s copied to %s (sha256 %s)", f->source_uri, f->raw_path, f->sha256);
}

static int copy_inputs(af_run_raw *r, const af_strlist *paths, af_error *err)
{
    int64_t copied = 0, skipped = 0, bytes_copied = 0, bytes_skipped = 0;
    for (size_t i = 0; i < paths->len; i++) {
        const af_raw_file *f = NULL;
        int rc = af_raw_zone_add(r->zone, paths->items[i], &f, err);
        if (rc)
            return rc;
        log_file(r->stream, f);
        if (f->status == AF_RAW_SKIPPED) {
            skipped++;
            bytes_skipped += f->size;
            if (af_strlist_push(&r->skip, f->source_path))
                return af_error_set(err, AF_ENOMEM, "out of memory");
        } else {
            copied++;
            bytes_copied += f->size;
        }
    }
    af_log_fields(AF_LOG_INFO, "raw.summary",
                  (af_log_field[]){AF_LF_S("stream", r->stream), AF_LF_I("files_copied", copied),
                                   AF_LF_I("bytes_copied", bytes_copied),
                                   AF_LF_I("files_skipped", skipped),
                                   AF_LF_I("bytes_skipped", bytes_skipped)},
                  5, "raw: %lld file(s) copied (%lld bytes), %lld already ingested",
                  (long long)copied, (long long)bytes_copied, (long long)skipped);
    if (copied == 0)
        af_log_fields(AF_LOG_INFO, "raw.nothing_new",
                      (af_log_field[]){AF_LF_S("stream", r->stream)}, 1,
                      "stream %s: every input file was ingested by an earlier run; nothing to read",
                      r->stream);
    return AF_OK;
}

int af_run_raw_begin(const af_stream_config *sc, af_stream_ctx *ctx, af_run_raw **out,
                     af_error *err)
{
    *out = NULL;
    af_raw_mode mode = (af_raw_mode)sc->opts.raw;
    if (mode == AF_RAW_OFF || (mode == AF_RAW_AUTO && !has_lake_target(sc)))
        return AF_OK;
    const af_source_plugin *sp = sc->source.plugin;
    af_strlist paths = {0};
    if (sp && sp->list_inputs) {
        /* an unopened instance: list_inputs uses config and ctx only */
        af_source probe = {.plugin = sp, .config = sc->source.config, .ctx = ctx};
        int rc = sp->list_inputs(&probe, &paths, err);
        if (rc) {
            af_strlist_free(&paths);
            return rc;
        }
    }
    if (paths.len == 0) {
        if (mode == AF_RAW_ON)
            af_log(AF_LOG_WARN, "raw.unavailable",
                   "stream %s: raw: true, but source %s names no input file to copy (standard "
                   "input, a URL or a database): no raw copy",
                   sc->name, sc->source.type);
        af_strlist_free(&paths);
        return AF_OK;
    }
    if (!ctx->lake_dir) {
        af_strlist_free(&paths);
        return af_error_set(err, AF_ECONFIG, "stream %s: raw copies need a lake (defaults.lake)",
                            sc->name);
    }
    af_run_raw *r = calloc(1, sizeof *r);
    if (!r) {
        af_strlist_free(&paths);
        return af_error_set(err, AF_ENOMEM, "out of memory");
    }
    r->stream = sc->name;
    r->n_inputs = paths.len;
    int rc = af_store_open(ctx->lake_dir, &r->store, err);
    af_raw_options o = {
        .source = sc->source.type,
        .dataset = sc->name,
        .run_id = ctx->run_id,
        .pipeline = ctx->pipeline_name,
        .now_us = af_clock_now_us(),
        .cancel = ctx->cancel,
    };
    if (!rc)
        rc = af_raw_zone_begin(r->store, &o, &r->zone, err);
    if (!rc)
        rc = copy_inputs(r, &paths, err);
    af_strlist_free(&paths);
    if (rc) {
        af_run_raw_abort(r);
        af_run_raw_free(r);
        return rc;
    }
    ctx->skip_inputs = &r->skip;
    *out = r;
    return AF_OK;
}

bool af_run_raw_nothing_new(const af_run_raw *r)
{
    return r && r->n_inputs > 0 && r->skip.len == r->n_inputs;
}

int af_run_raw_manifest(const af_run_raw *r, const char **path, af_buf *text, af_error *err)
{
    *path = NULL;
    if (!r || r->done)
        return AF_OK;
    *path = af_raw_zone_manifest_path(r->zone);
    return af_raw_zone_manifest_text(r->zone, text, err);
}

int af_run_raw_finish(af_run_raw *r, af_error *err)
{
    if (!r || r->done)
        return AF_OK;
    int rc = af_raw_zone_finish(r->zone, err);
    if (rc)
        return rc;
    r->done = true;
    af_log_fields(AF_LOG_INFO, "raw.manifest",
                  (af_log_field[]){AF_LF_S("stream", r->stream),
                                   AF_LF_S("manifest", af_raw_zone_manifest_path(r->zone))},
                  2, "raw: manifest %s written", af_raw_zone_manifest_path(r->zone));
    return AF_OK;
}

void af_run_raw_abort(af_run_raw *r)
{
    if (!r || r->done)
        return;
    r->done = true;
    af_raw_zone_abort(r->zone);
    af_log_fields(AF_LOG_WARN, "raw.abort", (af_log_field[]){AF_LF_S("stream", r->stream)}, 1,
                  "raw: stream %s failed: this run's copies removed, no manifest", r->stream);
}

void af_run_raw_free(af_run_raw *r)
{
    if (!r)
        return;
    af_raw_zone_free(r->zone);
    af_store_free(r->store);
    af_strlist_free(&r->skip);
    free(r);
}
