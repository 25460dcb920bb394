/* run.c - one run of a pipeline: run id, state directory, run record, and
 * each selected stream in turn with its quarantine and resume state. */
#include "core/cancel.h"
#include "core/log.h"
#include "core/quarantine.h"
#include "core/run_journal.h"
#include "core/run_raw.h"
#include "core/runner.h"
#include "core/state.h"
#include "security/redact.h"

#include <stdlib.h>
#include <string.h>

static bool selected(const af_run_options *o, const char *name)
{
    if (!o->n_streams)
        return true;
    for (size_t i = 0; i < o->n_streams; i++)
        if (strcmp(o->streams[i], name) == 0)
            return true;
    return false;
}

static int check_selection(const af_pipeline *p, const af_run_options *o, af_error *err)
{
    for (size_t i = 0; i < o->n_streams; i++) {
        if (af_pipeline_find_stream(p, o->streams[i]))
            continue;
        const char **names = calloc(p->n_streams + 1, sizeof *names);
        for (size_t k = 0; names && k < p->n_streams; k++)
            names[k] = p->streams[k].name;
        const char *hint = names ? af_did_you_mean(o->streams[i], names, p->n_streams) : NULL;
        af_error_set(err, AF_ENOTFOUND, "%s: no stream named '%s'%s%s%s", p->path, o->streams[i],
                     hint ? "; did you mean '" : "", hint ? hint : "", hint ? "'?" : "");
        free(names);
        return AF_ENOTFOUND;
    }
    return AF_OK;
}

static char *join_path(const char *a, const char *b)
{
    af_buf buf;
    af_buf_init(&buf);
    if (af_buf_printf(&buf, "%s/%s", a, b)) {
        af_buf_free(&buf);
        return NULL;
    }
    af_buf_cstr(&buf);
    return (char *)buf.data;
}

static void log_stream_end(const af_stream_report *r)
{
    af_log_level lvl =
        r->status == AF_RUN_SUCCEEDED || r->status == AF_RUN_SKIPPED ? AF_LOG_INFO : AF_LOG_ERROR;
    af_log_fields(lvl, "stream.end",
                  (af_log_field[]){
                      AF_LF_S("stream", r->name), AF_LF_S("status", af_run_status_name(r->status)),
                      AF_LF_I("rows_read", r->rows_read), AF_LF_I("rows_written", r->rows_written),
                      AF_LF_I("rows_quarantined", r->rows_quarantined),
                      AF_LF_I("rows_skipped", r->rows_skipped),
                      AF_LF_I("bytes_read", r->bytes_read), AF_LF_D("duration_s", r->duration_s)},
                  8, "stream %s %s%s%s", r->name, af_run_status_name(r->status),
                  r->error ? ": " : "", r->error ? r->error : "");
}

int af_runner_run(const af_pipeline *p, const af_run_options *o, af_run_result *res, af_error *err)
{
    memset(res, 0, sizeof *res);
    int rc = check_selection(p, o, err);
    if (rc)
        return rc;
    const char *lake = o->lake ? o->lake : p->lake;
    char *state_dir = o->state_dir ? af_strdup(o->state_dir)
                      : o->lake    ? join_path(o->lake, "_affluent")
                                   : af_strdup(p->state_dir);
    if (!state_dir)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    res->state_dir = state_dir;
    af_state *st = NULL;
    if (!o->dry_run) {
        rc = af_state_open(state_dir, &st, err);
        if (rc)
            return rc;
    }
    res->run_id = af_run_id_new();
    if (!res->run_id) {
        af_state_close(st);
        return af_error_set(err, AF_ENOMEM, "out of memory");
    }
    af_log_set_run_id(res->run_id);
    if (st) {
        rc = af_state_run_begin(st, res->run_id, p->path, p->name, err);
        if (rc) {
            af_state_close(st);
            return rc;
        }
    }
    af_log_fields(AF_LOG_INFO, "run.start",
                  (af_log_field[]){AF_LF_S("pipeline", p->path), AF_LF_S("lake", lake),
                                   AF_LF_S("state_dir", state_dir)},
                  3, "run %s of %s%s", res->run_id, p->name, o->dry_run ? " (dry run)" : "");

    res->streams = calloc(p->n_streams + 1, sizeof *res->streams);
    if (!res->streams) {
        af_state_close(st);
        return af_error_set(err, AF_ENOMEM, "out of memory");
    }
    bool any_failed = false, canceled = false;
    for (size_t i = 0; i < p->n_streams; i++) {
        const af_stream_config *sc = &p->streams[i];
        if (!selected(o, sc->name))
            continue;
        af_stream_report *rep = &res->streams[res->n_streams++];
        if (af_cancel_requested()) {
            rep->name = af_strdup(sc->name);
            rep->status = AF_RUN_CANCELED;
            canceled = true;
            continue;
        }
        af_log_fields(AF_LOG_INFO, "stream.start", (af_log_field[]){AF_LF_S("stream", sc->name)}, 1,
                      "stream %s: %s -> %zu target(s)", sc->name, sc->source.type, sc->n_targets);
        char *qpath = NULL;
        af_buf qrel;
        af_buf_init(&qrel);
        if (!af_buf_printf(&qrel, "quarantine/%s/%s.ndjson", sc->name, res->run_id))
            qpath = join_path(lake, af_buf_cstr(&qrel));
        af_buf_free(&qrel);
        atomic_bool stream_cancel = false;
        af_stream_ctx ctx = {
            .pipeline_dir = p->dir,
            .pipeline_name = p->name,
            .stream = sc,
            .pipeline = p,
            .stream_name = sc->name,
            .run_id = res->run_id,
            .lake_dir = lake,
            .limits = {.max_rows = sc->opts.batch_rows > 0 ? sc->opts.batch_rows : 65536,
                       .max_bytes = sc->opts.batch_bytes > 0 ? (size_t)sc->opts.batch_bytes
                                                             : (size_t)16 << 20},
            .on_error = (af_on_error)sc->opts.on_error,
            .quarantine = af_quarantine_new(qpath, sc->name, res->run_id),
            .cancel = &stream_cancel,
        };
        free(qpath);
        char *resume = NULL;
        af_error serr = {0};
        int src = ctx.quarantine ? AF_OK : af_error_set(&serr, AF_ENOMEM, "out of memory");
        /* a run of this stream that crashed between its commits and the
         * saving of its state is rolled forward or back first */
        if (!src && !o->dry_run)
            src = af_run_journal_recover(st, sc, &ctx, &serr);
        if (!src && st)
            src = af_state_stream_get(st, sc->name, &resume, &serr);
        ctx.resume_state = resume;
        af_buf state_json;
        af_buf_init(&state_json);
        /* raw zone: copies before the source opens; files ingested already
         * are skipped, and when nothing is new the stream need not run */
        af_run_raw *raw = NULL;
        if (!src && !o->dry_run)
            src = af_run_raw_begin(sc, &ctx, &raw, &serr);
        af_run_journal journal = {st, sc->name, res->run_id, lake, raw, false};
        ctx.before_commit = af_run_journal_before_commit;
        ctx.before_commit_arg = &journal;
        if (!src && af_run_raw_nothing_new(raw))
            rep->status = AF_RUN_SUCCEEDED;
        else if (!src)
            src = af_stream_execute(sc, &ctx, o->dry_run, rep, &state_json, &serr);
        if (!rep->name)
            rep->name = af_strdup(sc->name);
        /* the raw manifest marks the files ingested: only after every sink
         * committed, and before the resume state moves */
        if (!src)
            src = af_run_raw_finish(raw, &serr);
        if (src)
            af_run_raw_abort(raw);
        /* the resume state moves only once every sink has committed */
        if (!src && st && state_json.len) {
            src = af_state_stream_put(st, sc->name, af_buf_cstr(&state_json), &serr);
            if (src)
                rep->status = AF_RUN_FAILED;
        }
        /* a failed stream keeps its journal: the next run asks its targets
         * whether it committed */
        if (!src)
            af_run_journal_done(&journal);
        if (ctx.quarantine) {
            af_quarantine_close(ctx.quarantine, NULL);
            rep->quarantine_file = af_strdup(af_quarantine_file(ctx.quarantine));
        }
        if (src) {
            rep->error = af_redact_str(serr.msg);
            if (rep->status == AF_RUN_RUNNING || rep->status == AF_RUN_SUCCEEDED)
                rep->status = src == AF_ECANCELED ? AF_RUN_CANCELED : AF_RUN_FAILED;
        } else if (rep->rows_read !=
                       rep->rows_written + rep->rows_quarantined + rep->rows_skipped &&
                   !o->dry_run) {
            af_log(AF_LOG_WARN, "stream.accounting",
                   "stream %s: rows read (%lld) != written (%lld) + quarantined (%lld) + skipped "
                   "(%lld)",
                   sc->name, (long long)rep->rows_read, (long long)rep->rows_written,
                   (long long)rep->rows_quarantined, (long long)rep->rows_skipped);
        }
        if (rep->quarantine_file)
            af_log_fields(AF_LOG_WARN, "stream.quarantine",
                          (af_log_field[]){AF_LF_S("stream", sc->name),
                                           AF_LF_I("rows", rep->rows_quarantined),
                                           AF_LF_S("file", rep->quarantine_file)},
                          3, "%lld row(s) quarantined in %s", (long long)rep->rows_quarantined,
                          rep->quarantine_file);
        log_stream_end(rep);
        if (rep->status == AF_RUN_CANCELED)
            canceled = true;
        else if (rep->status == AF_RUN_FAILED)
            any_failed = true;
        af_buf_free(&state_json);
        af_run_raw_free(raw);
        free(resume);
        af_quarantine_free(ctx.quarantine);
    }
    res->status = canceled     ? AF_RUN_CANCELED
                  : any_failed ? AF_RUN_FAILED
                  : o->dry_run ? AF_RUN_SKIPPED
                               : AF_RUN_SUCCEEDED;
    if (st) {
        af_error rerr = {0};
        if (af_state_run_end(st, res->run_id, res->status, res->streams, res->n_streams, NULL,
                             &rerr))
            af_log(AF_LOG_ERROR, "run.record", "cannot record the run: %s", rerr.msg);
        af_state_close(st);
    }
    af_log_fields(res->status == AF_RUN_SUCCEEDED || res->status == AF_RUN_SKIPPED ? AF_LOG_INFO
                                                                                   : AF_LOG_ERROR,
                  "run.end", (af_log_field[]){AF_LF_S("status", af_run_status_name(res->status))},
                  1, "run %s %s", res->run_id, af_run_status_name(res->status));
    af_log_set_run_id(NULL);
    return AF_OK;
}

void af_run_result_free(af_run_result *res)
{
    for (size_t i = 0; i < res->n_streams; i++)
        af_stream_report_free(&res->streams[i]);
    free(res->streams);
    free(res->run_id);
    free(res->state_dir);
    memset(res, 0, sizeof *res);
}
